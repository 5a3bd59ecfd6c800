/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ck-certificate.h"
#include "ck-revocation-status.h"

G_BEGIN_DECLS

/* Seconds an OCSP answer's thisUpdate may lie ahead of this clock. */
#define CK_OCSP_CLOCK_SKEW 300
/* An answer without nextUpdate is fresh this long after its thisUpdate. */
#define CK_OCSP_MAX_AGE_WITHOUT_NEXT_UPDATE 3600

/* Asks the OCSP responder at @url (http or https) whether @cert, issued
 * by @issuer, is revoked (RFC 6960): a request with a fresh nonce, POSTed
 * through ck-http. The answer is accepted only when it is successful,
 * about @cert, signed by @issuer or by a responder certificate @issuer
 * issued for OCSP signing (gnutls_ocsp_resp_verify_direct()), carries the
 * request's nonce if it carries one, and is fresh (thisUpdate not ahead by
 * more than CK_OCSP_CLOCK_SKEW, nextUpdate not past). Otherwise NULL with
 * why, naming the URL. *@response (nullable) gets the DER answer. An
 * answer "unknown" is a status, not an error. */
CkRevocationStatus *ck_ocsp_check (CkCertificate  *cert,
                                   CkCertificate  *issuer,
                                   const char     *url,
                                   GBytes        **response,
                                   GCancellable   *cancellable,
                                   GError        **error);

/* The checks of ck_ocsp_check() on an answer already fetched: @nonce is
 * the request's (NULL: the answer's is not compared); @now 0 for now. */
CkRevocationStatus *ck_ocsp_read_response (CkCertificate  *cert,
                                           CkCertificate  *issuer,
                                           GBytes         *response,
                                           GBytes         *nonce,
                                           const char     *url,
                                           gint64          now,
                                           GError        **error);

G_END_DECLS
