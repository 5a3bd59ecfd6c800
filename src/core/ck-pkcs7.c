/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ck-pkcs7.h"

#include <glib/gi18n-lib.h>
#include <gnutls/gnutls.h>
#include <gnutls/pkcs7.h>

#include "ck-error.h"
#include "ck-utils.h"

GPtrArray *
ck_pkcs7_read_certificates (GBytes  *der,
                            guint   *n_crls,
                            GError **error)
{
  gnutls_pkcs7_t p7 = NULL;
  gnutls_datum_t datum;
  GPtrArray *certs;
  int ret, n_certs, crls;

  g_return_val_if_fail (der != NULL, NULL);

  datum.data = (guchar *) g_bytes_get_data (der, NULL);
  datum.size = g_bytes_get_size (der);

  gnutls_pkcs7_init (&p7);
  ret = gnutls_pkcs7_import (p7, &datum, GNUTLS_X509_FMT_DER);
  if (ret < 0)
    {
      g_set_error (error, CK_ERROR, ck_error_code_from_gnutls (ret),
                   _("not a valid PKCS#7 file: %s"), gnutls_strerror (ret));
      gnutls_pkcs7_deinit (p7);
      return NULL;
    }

  certs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  n_certs = gnutls_pkcs7_get_crt_count (p7);
  for (int i = 0; i < n_certs; i++)
    {
      gnutls_datum_t raw = { NULL, 0 };

      ret = gnutls_pkcs7_get_crt_raw2 (p7, i, &raw);
      g_ptr_array_add (certs, ret < 0 ? NULL : ck_bytes_from_datum (&raw));
      gnutls_free (raw.data);
    }

  crls = gnutls_pkcs7_get_crl_count (p7);
  if (n_crls != NULL)
    *n_crls = MAX (crls, 0);
  gnutls_pkcs7_deinit (p7);
  return certs;
}
