/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: PKCS#7 bundles. ck_pkcs7_read_certificates() walks
 * the certificates SET itself after GnuTLS accepted the structure; it
 * must agree with GnuTLS or fall back to it, and every slice it gives
 * must be a whole element of the input. */
#include <string.h>

#include "fuzz-common.h"
#include "ck-pkcs7.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autoptr(GPtrArray) certs = NULL;
  g_autoptr(GError) error = NULL;
  guint n_crls = 0;

  certs = ck_pkcs7_read_certificates (bytes, &n_crls, &error);
  if ((certs == NULL) == (error == NULL))
    __builtin_trap ();   /* a result or an error, never both or neither */
  if (certs == NULL)
    return 0;

  for (guint i = 0; i < certs->len; i++)
    {
      GBytes *der = g_ptr_array_index (certs, i);
      g_autoptr(CkCertificate) cert = NULL;
      g_autoptr(GError) cert_error = NULL;

      if (der == NULL)
        continue;
      if (g_bytes_get_size (der) == 0 || g_bytes_get_size (der) > size)
        __builtin_trap ();
      /* light: no signature checks, which would cost most of the time */
      cert = ck_certificate_new_from_der_light (der, &cert_error);
      if (cert == NULL)
        continue;
      (void) ck_certificate_get_key_algorithm (cert);
      (void) ck_certificate_get_key_algorithm_oid (cert);
      (void) ck_certificate_get_key_problem (cert);
      (void) ck_certificate_get_subject_alt_names (cert);
      (void) ck_certificate_get_spki_sha256 (cert);
    }
  return 0;
}
