/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ck-ocsp.h"

#include <glib/gi18n-lib.h>
#include <gnutls/ocsp.h>
#include <gnutls/x509.h>
#include <string.h>

#include "ck-error.h"
#include "ck-http.h"

static GBytes *
make_request (CkCertificate  *cert,
              CkCertificate  *issuer,
              GBytes        **nonce,
              GError        **error)
{
  gnutls_ocsp_req_t req = NULL;
  gnutls_datum_t der = { NULL, 0 }, n = { NULL, 0 };
  unsigned int critical;
  GBytes *out;
  int ret;

  if ((ret = gnutls_ocsp_req_init (&req)) < 0 ||
      (ret = gnutls_ocsp_req_add_cert (req, GNUTLS_DIG_SHA1, ck_certificate_get_crt (issuer),
                                       ck_certificate_get_crt (cert))) < 0 ||
      (ret = gnutls_ocsp_req_randomize_nonce (req)) < 0 ||
      (ret = gnutls_ocsp_req_get_nonce (req, &critical, &n)) < 0 ||
      (ret = gnutls_ocsp_req_export (req, &der)) < 0)
    {
      gnutls_ocsp_req_deinit (req);
      gnutls_free (n.data);
      ck_set_gnutls_error (error, ret, _("Cannot make the OCSP request"));
      return NULL;
    }
  gnutls_ocsp_req_deinit (req);
  *nonce = g_bytes_new (n.data, n.size);
  gnutls_free (n.data);
  out = g_bytes_new (der.data, der.size);
  gnutls_free (der.data);
  return out;
}

static char *
describe_verify_failure (unsigned int verify)
{
  static const struct {
    unsigned int bit;
    const char *text;
  } bits[] = {
    { GNUTLS_OCSP_VERIFY_SIGNER_NOT_FOUND, N_("no signer certificate in the answer or the issuer") },
    { GNUTLS_OCSP_VERIFY_SIGNER_KEYUSAGE_ERROR, N_("the signer may not sign OCSP answers") },
    { GNUTLS_OCSP_VERIFY_UNTRUSTED_SIGNER, N_("the signer was not delegated by the issuer") },
    { GNUTLS_OCSP_VERIFY_INSECURE_ALGORITHM, N_("an insecure signature algorithm") },
    { GNUTLS_OCSP_VERIFY_SIGNATURE_FAILURE, N_("the signature does not verify") },
    { GNUTLS_OCSP_VERIFY_CERT_NOT_ACTIVATED, N_("the signer's certificate is not valid yet") },
    { GNUTLS_OCSP_VERIFY_CERT_EXPIRED, N_("the signer's certificate has expired") },
  };
  g_autoptr (GString) out = g_string_new (NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (bits); i++)
    if (verify & bits[i].bit)
      g_string_append_printf (out, "%s%s", out->len > 0 ? ", " : "", _(bits[i].text));
  if (out->len == 0)
    g_string_append (out, _("rejected"));
  return g_string_free (g_steal_pointer (&out), FALSE);
}

CkRevocationStatus *
ck_ocsp_read_response (CkCertificate  *cert,
                       CkCertificate  *issuer,
                       GBytes         *response,
                       GBytes         *nonce,
                       const char     *url,
                       gint64          now,
                       GError        **error)
{
  gnutls_ocsp_resp_t resp = NULL;
  gnutls_datum_t datum, resp_nonce = { NULL, 0 };
  gnutls_datum_t digest_name = { NULL, 0 }, name_hash = { NULL, 0 };
  gnutls_datum_t key_hash = { NULL, 0 }, serial = { NULL, 0 };
  gnutls_digest_algorithm_t digest;
  unsigned int cert_status, reason, verify = 0, critical;
  time_t this_update, next_update, revoked_at;
  CkRevocationStatus *status = NULL;
  gsize size;
  int ret;

  if (now == 0)
    now = g_get_real_time () / G_USEC_PER_SEC;
  datum.data = (unsigned char *) g_bytes_get_data (response, &size);
  datum.size = size;
  (void) digest_name;

  if ((ret = gnutls_ocsp_resp_init (&resp)) < 0 ||
      (ret = gnutls_ocsp_resp_import (resp, &datum)) < 0)
    {
      gnutls_ocsp_resp_deinit (resp);
      g_set_error (error, CK_ERROR, CK_ERROR_PARSE,
                   _("The answer of %s is not an OCSP response (%s)"), url, gnutls_strerror (ret));
      return NULL;
    }
  ret = gnutls_ocsp_resp_get_status (resp);
  if (ret != GNUTLS_OCSP_RESP_SUCCESSFUL)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_FAILED,
                   _("The OCSP responder %s refused the request (response status %d)"), url, ret);
      goto out;
    }
  /* About this certificate of this issuer. */
  if ((ret = gnutls_ocsp_resp_check_crt (resp, 0, ck_certificate_get_crt (cert))) < 0)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_MISMATCH,
                   _("The OCSP answer of %s is about another certificate"), url);
      goto out;
    }
  ret = gnutls_ocsp_resp_verify_direct (resp, ck_certificate_get_crt (issuer), &verify, 0);
  if (ret < 0 || verify != 0)
    {
      g_autofree char *why = ret < 0 ? g_strdup (gnutls_strerror (ret))
                                     : describe_verify_failure (verify);

      g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                   /* Translators: a URL, then why the answer's signature is refused */
                   _("The OCSP answer of %s is not signed by the issuer or its delegated "
                     "responder: %s"), url, why);
      goto out;
    }
  ret = gnutls_ocsp_resp_get_nonce (resp, &critical, &resp_nonce);
  if (ret >= 0 && nonce != NULL &&
      (resp_nonce.size != g_bytes_get_size (nonce) ||
       memcmp (resp_nonce.data, g_bytes_get_data (nonce, NULL), resp_nonce.size) != 0))
    {
      g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                   _("The OCSP answer of %s carries another request's nonce (a replay?)"), url);
      goto out;
    }
  ret = gnutls_ocsp_resp_get_single (resp, 0, &digest, &name_hash, &key_hash, &serial,
                                     &cert_status, &this_update, &next_update, &revoked_at,
                                     &reason);
  if (ret < 0)
    {
      ck_set_gnutls_error (error, ret, _("The OCSP answer of %s cannot be read"), url);
      goto out;
    }
  if (this_update > now + CK_OCSP_CLOCK_SKEW)
    {
      g_autofree char *date = ck_revocation_format_time (this_update);
      g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                   _("The OCSP answer of %s is dated in the future (%s)"), url, date);
      goto out;
    }
  if (next_update != (time_t) -1 ? now > next_update
                                 : now > this_update + CK_OCSP_MAX_AGE_WITHOUT_NEXT_UPDATE)
    {
      g_autofree char *date = ck_revocation_format_time (next_update != (time_t) -1 ? next_update
                                           : this_update + CK_OCSP_MAX_AGE_WITHOUT_NEXT_UPDATE);
      g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                   _("The OCSP answer of %s is stale: it was good until %s"), url, date);
      goto out;
    }

  {
    g_autofree char *detail = g_strdup_printf (_("OCSP answer from %s"), url);
    CkRevocationState state = cert_status == GNUTLS_OCSP_CERT_GOOD ? CK_REVOCATION_STATE_GOOD
                            : cert_status == GNUTLS_OCSP_CERT_REVOKED ? CK_REVOCATION_STATE_REVOKED
                            : CK_REVOCATION_STATE_UNKNOWN;

    status = ck_revocation_status_new (state, "ocsp", detail);
    if (state == CK_REVOCATION_STATE_UNKNOWN)
      {
        g_free (status->detail);
        status->detail = g_strdup_printf (_("the OCSP responder %s does not know the certificate"),
                                          url);
      }
    status->checked_at = this_update;
    status->next_update = next_update != (time_t) -1 ? next_update : 0;
    if (state == CK_REVOCATION_STATE_REVOKED)
      {
        status->revoked_at = revoked_at;
        status->reason = (int) reason;
      }
  }

out:
  gnutls_free (resp_nonce.data);
  gnutls_free (name_hash.data);
  gnutls_free (key_hash.data);
  gnutls_free (serial.data);
  gnutls_ocsp_resp_deinit (resp);
  return status;
}

CkRevocationStatus *
ck_ocsp_check (CkCertificate  *cert,
               CkCertificate  *issuer,
               const char     *url,
               GBytes        **response,
               GCancellable   *cancellable,
               GError        **error)
{
  g_autoptr (GBytes) nonce = NULL;
  g_autoptr (GBytes) request = NULL;
  g_autoptr (GBytes) answer = NULL;
  CkRevocationStatus *status;

  g_return_val_if_fail (CK_IS_CERTIFICATE (cert) && CK_IS_CERTIFICATE (issuer), NULL);

  request = make_request (cert, issuer, &nonce, error);
  if (request == NULL)
    return NULL;
  answer = ck_http_post (url, "application/ocsp-request", request, CK_HTTP_MAX_OCSP, NULL,
                         cancellable, error);
  if (answer == NULL)
    return NULL;
  status = ck_ocsp_read_response (cert, issuer, answer, nonce, url, 0, error);
  if (status != NULL && response != NULL)
    *response = g_steal_pointer (&answer);
  return status;
}
