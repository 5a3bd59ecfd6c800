/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ck-revocation-check.h"

#include <glib/gi18n-lib.h>
#include <gnutls/x509.h>

#include "ck-error.h"
#include "ck-http.h"
#include "ck-ocsp.h"
#include "ck-pem.h"
#include "ck-pkcs7.h"

gboolean
ck_revocation_network_from_string (const char          *text,
                                   CkRevocationNetwork *network)
{
  static const struct {
    const char *name;
    CkRevocationNetwork network;
  } names[] = {
    { "none", CK_REVOCATION_NETWORK_NONE },
    { "crl", CK_REVOCATION_NETWORK_CRL },
    { "ocsp", CK_REVOCATION_NETWORK_OCSP },
    { "both", CK_REVOCATION_NETWORK_CRL | CK_REVOCATION_NETWORK_OCSP },
  };

  for (gsize i = 0; text != NULL && i < G_N_ELEMENTS (names); i++)
    if (g_ascii_strcasecmp (text, names[i].name) == 0)
      {
        *network = names[i].network;
        return TRUE;
      }
  return FALSE;
}

/* The first PEM block labelled @label, else @data itself (DER). */
static GBytes *
pem_or_der (GBytes     *data,
            const char *label)
{
  gsize len;
  const char *text = g_bytes_get_data (data, &len);

  if (ck_pem_has_blocks (text, len))
    {
      g_autoptr (GPtrArray) blocks = ck_pem_parse (text, len, 0, NULL);

      for (guint i = 0; i < blocks->len; i++)
        {
          CkPemBlock *block = blocks->pdata[i];

          if (block->der != NULL && g_str_equal (block->label, label))
            return g_bytes_ref (block->der);
        }
    }
  return g_bytes_ref (data);
}

CkCrl *
ck_crl_new_from_data (GBytes  *data,
                      GError **error)
{
  g_autoptr (GBytes) der = pem_or_der (data, "X509 CRL");

  return ck_crl_new_from_der (der, error);
}

CkCrl *
ck_revocation_fetch_crl (CkRevocationStore  *store,
                         CkCertificate      *cert,
                         char              **url,
                         CkCrlAddResult     *result,
                         GCancellable       *cancellable,
                         GError            **error)
{
  g_auto (GStrv) urls = ck_crl_urls_of_certificate (cert);
  g_autoptr (GString) failures = g_string_new (NULL);
  CkCrlAddResult local_result;

  if (result == NULL)
    result = &local_result;
  if (urls[0] == NULL)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_NOT_FOUND,
                   _("%s names no http or https CRL distribution point"),
                   ck_certificate_get_display_name (cert));
      return NULL;
    }
  for (guint i = 0; urls[i] != NULL; i++)
    {
      g_autoptr (GError) local_error = NULL;
      g_autoptr (GBytes) body = NULL;
      g_autoptr (CkCrl) crl = NULL;

      body = ck_http_get (urls[i], CK_HTTP_MAX_CRL, NULL, cancellable, &local_error);
      if (body != NULL)
        {
          crl = ck_crl_new_from_data (body, &local_error);
          if (crl == NULL)
            g_prefix_error (&local_error, "%s: ", urls[i]);
        }
      if (crl != NULL && ck_revocation_store_add_crl (store, crl, urls[i], result, &local_error))
        {
          if (url != NULL)
            *url = g_strdup (urls[i]);
          return g_steal_pointer (&crl);
        }
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      g_string_append_printf (failures, "%s%s", failures->len > 0 ? "\n" : "",
                              local_error->message);
    }
  g_set_error_literal (error, CK_ERROR, CK_ERROR_FAILED, failures->str);
  return NULL;
}

gboolean
ck_revocation_fetch (CkRevocationStore    *store,
                     CkCertificate        *cert,
                     CkCertificate        *issuer,
                     CkRevocationNetwork   network,
                     GCancellable         *cancellable,
                     GError              **error)
{
  g_autoptr (GString) failures = g_string_new (NULL);

  if (network & CK_REVOCATION_NETWORK_OCSP)
    {
      g_autoptr (GError) local_error = NULL;
      g_autoptr (CkRevocationStatus) status = NULL;
      g_autoptr (GBytes) response = NULL;
      g_autofree char *url = ck_revocation_store_get_responder (store, issuer);

      if (url == NULL)
        {
          g_auto (GStrv) urls = ck_aia_urls_of_certificate (cert, GNUTLS_OID_AD_OCSP);

          url = g_strdup (urls[0]);
        }
      if (url == NULL)
        g_set_error (&local_error, CK_ERROR, CK_ERROR_NOT_FOUND,
                     _("%s names no OCSP responder"), ck_certificate_get_display_name (cert));
      else
        status = ck_ocsp_check (cert, issuer, url, &response, cancellable, &local_error);
      if (status != NULL && status->state == CK_REVOCATION_STATE_UNKNOWN)
        {
          /* An answer, but not one to rely on: said, and the CRL asked. */
          g_set_error_literal (&local_error, CK_ERROR, CK_ERROR_NOT_FOUND, status->detail);
          g_clear_pointer (&status, ck_revocation_status_free);
        }
      if (status != NULL &&
          ck_revocation_store_put_ocsp (store, cert, issuer, status, url, response, &local_error))
        {
          if (status->next_update != 0)
            return TRUE;
          /* No nextUpdate: the answer holds now only, and is not kept. */
          g_set_error (&local_error, CK_ERROR, CK_ERROR_FAILED,
                       _("The OCSP answer from %s gives no next update and cannot be kept"), url);
        }
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      g_string_append (failures, local_error->message);
    }

  if (network & CK_REVOCATION_NETWORK_CRL)
    {
      g_autoptr (GError) local_error = NULL;
      g_autoptr (CkCrl) crl = ck_revocation_fetch_crl (store, cert, NULL, NULL, cancellable,
                                                       &local_error);

      if (crl != NULL)
        return TRUE;
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      g_string_append_printf (failures, "%s%s", failures->len > 0 ? "\n" : "",
                              local_error->message);
    }

  if (failures->len == 0)
    g_string_append (failures, _("No revocation check over the network was asked for"));
  g_set_error_literal (error, CK_ERROR, CK_ERROR_FAILED, failures->str);
  return FALSE;
}

/* Which of the certificates in @data issued @cert. */
static CkCertificate *
find_issuer_in (GBytes        *data,
                CkCertificate *cert)
{
  g_autoptr (GPtrArray) candidates = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  gsize len;
  const char *text = g_bytes_get_data (data, &len);
  g_autoptr (GPtrArray) p7 = NULL;

  if (ck_pem_has_blocks (text, len))
    {
      g_autoptr (GPtrArray) blocks = ck_pem_parse (text, len, 0, NULL);

      for (guint i = 0; i < blocks->len; i++)
        {
          CkPemBlock *block = blocks->pdata[i];

          if (block->der != NULL && g_str_equal (block->label, "CERTIFICATE"))
            g_ptr_array_add (candidates, g_bytes_ref (block->der));
          else if (block->der != NULL && g_str_equal (block->label, "PKCS7"))
            {
              g_autoptr (GPtrArray) inner = ck_pkcs7_read_certificates (block->der, NULL, NULL);

              for (guint j = 0; inner != NULL && j < inner->len; j++)
                if (inner->pdata[j] != NULL)
                  g_ptr_array_add (candidates, g_bytes_ref (inner->pdata[j]));
            }
        }
    }
  else if ((p7 = ck_pkcs7_read_certificates (data, NULL, NULL)) != NULL)
    {
      for (guint j = 0; j < p7->len; j++)
        if (p7->pdata[j] != NULL)
          g_ptr_array_add (candidates, g_bytes_ref (p7->pdata[j]));
    }
  else
    g_ptr_array_add (candidates, g_bytes_ref (data));

  for (guint i = 0; i < candidates->len; i++)
    {
      g_autoptr (CkCertificate) candidate = ck_certificate_new_from_der (candidates->pdata[i], NULL);

      if (candidate != NULL &&
          gnutls_x509_crt_check_issuer (ck_certificate_get_crt (cert),
                                        ck_certificate_get_crt (candidate)) &&
          ck_certificate_is_issued_by (cert, candidate))
        return g_steal_pointer (&candidate);
    }
  return NULL;
}

CkCertificate *
ck_revocation_fetch_issuer (CkCertificate  *cert,
                            char          **url,
                            GCancellable   *cancellable,
                            GError        **error)
{
  g_auto (GStrv) urls = ck_aia_urls_of_certificate (cert, GNUTLS_OID_AD_CAISSUERS);
  g_autoptr (GString) failures = g_string_new (NULL);

  if (urls[0] == NULL)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_NOT_FOUND,
                   _("%s names no http or https caIssuers URL"),
                   ck_certificate_get_display_name (cert));
      return NULL;
    }
  for (guint i = 0; urls[i] != NULL; i++)
    {
      g_autoptr (GError) local_error = NULL;
      g_autoptr (GBytes) body = ck_http_get (urls[i], CK_HTTP_MAX_CERTIFICATE, NULL,
                                             cancellable, &local_error);
      CkCertificate *issuer = body != NULL ? find_issuer_in (body, cert) : NULL;

      if (issuer != NULL)
        {
          if (url != NULL)
            *url = g_strdup (urls[i]);
          return issuer;
        }
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      if (local_error == NULL)
        g_set_error (&local_error, CK_ERROR, CK_ERROR_MISMATCH,
                     _("%s holds no certificate that issued %s"), urls[i],
                     ck_certificate_get_display_name (cert));
      g_string_append_printf (failures, "%s%s", failures->len > 0 ? "\n" : "",
                              local_error->message);
    }
  g_set_error_literal (error, CK_ERROR, CK_ERROR_FAILED, failures->str);
  return NULL;
}
