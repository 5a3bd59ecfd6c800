/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ck-pkcs7.h"

#include <glib/gi18n-lib.h>
#include <gnutls/gnutls.h>
#include <gnutls/pkcs7.h>

#include "ck-der-private.h"
#include "ck-error.h"
#include "ck-utils.h"

/* 1.2.840.113549.1.7.2, signedData: the contents octets of its OID */
#define DER_OID_SIGNED_DATA "\x2a\x86\x48\x86\xf7\x0d\x01\x07\x02"

/* The certificates SET of a SignedData, walked once: asking GnuTLS for
 * each index (gnutls_pkcs7_get_crt_raw2) walks the SET from its start
 * every time, and a bundle of 20,000 certificates took 23 s against 1 s
 * as PEM. Runs after gnutls_pkcs7_import() accepted the structure; FALSE
 * (and the caller asks GnuTLS, slowly) for anything it does not expect,
 * such as BER indefinite lengths, which DER forbids. Elements that are
 * not X.509 certificates (the [0]…[3] choices of CertificateChoices) are
 * NULL, as GnuTLS cannot give them either. */
static gboolean
walk_certificates (GBytes    *der,
                   GPtrArray *certs)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (der, &size);
  const guint8 *p = data, *end = data + size;
  CkDerTlv content_info, oid, explicit, signed_data, field, cert;
  const guint8 *q, *q_end;

  if (!ck_der_read (&p, end, &content_info) || content_info.tag != 0x30)
    return FALSE;
  p = content_info.data;
  end = content_info.data + content_info.len;
  if (!ck_der_read (&p, end, &oid) || oid.tag != 0x06 ||
      !CK_DER_OID_IS (oid.data, oid.len, DER_OID_SIGNED_DATA) ||
      !ck_der_read (&p, end, &explicit) || explicit.tag != 0xa0)
    return FALSE;
  p = explicit.data;
  end = explicit.data + explicit.len;
  if (!ck_der_read (&p, end, &signed_data) || signed_data.tag != 0x30)
    return FALSE;

  /* version, digestAlgorithms, encapContentInfo, then [0] certificates */
  p = signed_data.data;
  end = signed_data.data + signed_data.len;
  if (!ck_der_read (&p, end, &field) || field.tag != 0x02 ||
      !ck_der_read (&p, end, &field) || field.tag != 0x31 ||
      !ck_der_read (&p, end, &field) || field.tag != 0x30)
    return FALSE;
  if (p == end || *p != 0xa0)
    return TRUE;   /* no certificates */
  if (!ck_der_read (&p, end, &field))
    return FALSE;

  q = field.data;
  q_end = field.data + field.len;
  while (q < q_end)
    {
      if (!ck_der_read (&q, q_end, &cert))
        return FALSE;
      g_ptr_array_add (certs, cert.tag == 0x30 ?
                       g_bytes_new_from_bytes (der, cert.start - data,
                                               cert.data + cert.len - cert.start) :
                       NULL);
    }
  return TRUE;
}

static gnutls_pkcs7_t
import_pkcs7 (GBytes  *der,
              GError **error)
{
  gnutls_pkcs7_t p7 = NULL;
  gnutls_datum_t datum;
  int ret;

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
  return p7;
}

GPtrArray *
ck_pkcs7_read_certificates (GBytes  *der,
                            guint   *n_crls,
                            GError **error)
{
  gnutls_pkcs7_t p7;
  GPtrArray *certs;
  int ret, n_certs, crls;

  g_return_val_if_fail (der != NULL, NULL);

  p7 = import_pkcs7 (der, error);
  if (p7 == NULL)
    return NULL;

  certs = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  n_certs = gnutls_pkcs7_get_crt_count (p7);
  if (walk_certificates (der, certs) && (int) certs->len == MAX (n_certs, 0))
    n_certs = 0;   /* all read */
  else
    g_ptr_array_set_size (certs, 0);
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

GPtrArray *
ck_pkcs7_read_crls (GBytes  *der,
                    GError **error)
{
  gnutls_pkcs7_t p7;
  GPtrArray *crls;
  int n;

  g_return_val_if_fail (der != NULL, NULL);

  p7 = import_pkcs7 (der, error);
  if (p7 == NULL)
    return NULL;
  crls = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  n = gnutls_pkcs7_get_crl_count (p7);
  for (int i = 0; i < n; i++)
    {
      gnutls_datum_t raw = { NULL, 0 };

      if (gnutls_pkcs7_get_crl_raw2 (p7, i, &raw) >= 0)
        g_ptr_array_add (crls, ck_bytes_from_datum (&raw));
      gnutls_free (raw.data);
    }
  gnutls_pkcs7_deinit (p7);
  return crls;
}
