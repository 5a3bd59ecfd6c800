/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ck-certificate.h"
#include "ck-crl.h"
#include "ck-revocation-store.h"

G_BEGIN_DECLS

/* What may be fetched over the network to learn whether a certificate is
 * revoked. Nothing is fetched unless asked: the stored CRLs and OCSP
 * answers are always used. */
typedef enum {
  CK_REVOCATION_NETWORK_NONE = 0,
  CK_REVOCATION_NETWORK_CRL  = 1 << 0,   /* the certificate's CRL distribution point */
  CK_REVOCATION_NETWORK_OCSP = 1 << 1,   /* its AIA OCSP responder, or the issuer's chosen one */
} CkRevocationNetwork;

/* "crl", "ocsp", "both" (and "none"); FALSE for anything else. */
gboolean ck_revocation_network_from_string (const char          *text,
                                            CkRevocationNetwork *network);

/* Asks the network about @cert issued by @issuer, as @network allows, and
 * keeps what it learns in @store (a verified OCSP answer until its
 * nextUpdate; a newer CRL): OCSP first, then the CRL when OCSP did not
 * answer. TRUE when an answer was kept; FALSE with every failure in
 * @error (one line each, naming the URL). Blocks: run it in a thread. */
gboolean       ck_revocation_fetch        (CkRevocationStore   *store,
                                           CkCertificate       *cert,
                                           CkCertificate       *issuer,
                                           CkRevocationNetwork  network,
                                           GCancellable        *cancellable,
                                           GError             **error);

/* Fetches the CRL named by @cert's CRL distribution point (the first
 * http(s) URL that answers with a CRL) and stores it as
 * ck_revocation_store_add_crl() does. *@url gets the URL it came from. */
CkCrl         *ck_revocation_fetch_crl    (CkRevocationStore   *store,
                                           CkCertificate       *cert,
                                           char               **url,
                                           CkCrlAddResult      *result,
                                           GCancellable        *cancellable,
                                           GError             **error);

/* The certificate that issued @cert, from its AIA caIssuers URL (DER,
 * PEM or a PKCS#7 bundle; the one whose key verifies @cert's signature).
 * Nothing is stored and nothing is trusted. */
CkCertificate *ck_revocation_fetch_issuer (CkCertificate       *cert,
                                           char               **url,
                                           GCancellable        *cancellable,
                                           GError             **error);

/* A CRL from fetched or read bytes: DER, or PEM "X509 CRL". */
CkCrl         *ck_crl_new_from_data       (GBytes              *data,
                                           GError             **error);

G_END_DECLS
