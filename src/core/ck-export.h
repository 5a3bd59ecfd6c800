/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ck-certificate.h"
#include "ck-private-key.h"
#include "ck-store.h"

G_BEGIN_DECLS

/* What the Export menu needs beyond a single certificate: its chain as far
 * as the store knows it, and PKCS#12 files. */

/* @cert and its issuers found in @store, walked upwards (element-type
 * CkCertificate, @cert first). An issuer counts when its subject equals the
 * issuer name and its key verifies the signature. Stops at a self-signed
 * certificate (@complete TRUE), at an issuer the store lacks (@complete
 * FALSE), or at a loop. Never fails: a broken store entry ends the walk. */
GPtrArray *ck_export_collect_chain (CkStore       *store,
                                    CkCertificate *cert,
                                    gboolean      *complete);
/* The certificates of @chain as concatenated PEM blocks. */
char      *ck_export_chain_to_pem  (GPtrArray     *chain);

/* A PKCS#12 file (DER) holding @cert, its @key and the rest of @chain
 * (nullable; its first element is skipped when it is @cert), encrypted
 * with @password: PBES2 AES-256 for the bags, an HMAC-SHA256 MAC.
 * @friendly_name (nullable) labels the certificate and key. */
GBytes    *ck_export_pkcs12        (CkCertificate *cert,
                                    CkPrivateKey  *key,
                                    GPtrArray     *chain,
                                    const char    *password,
                                    const char    *friendly_name,
                                    GError       **error);

G_END_DECLS
