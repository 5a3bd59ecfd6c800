/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* For ck_store_commit(): CRLs of an import plan are stored in its
 * transaction, after its certificates (a CA and its CRL can come in one
 * file). */

#include <sqlite3.h>

#include "ck-crl.h"
#include "ck-revocation-store.h"

G_BEGIN_DECLS

/* Makes the module's tables; call before the transaction. */
gboolean ck_revocation_store_migrate        (CkStore        *store,
                                             GError        **error);
/* Inside a write transaction on @db: verifies @crl with an issuer stored
 * in @db and stores it. */
gboolean ck_revocation_store_write_crl      (sqlite3        *db,
                                             CkCrl          *crl,
                                             const char     *source,
                                             CkCrlAddResult *result,
                                             GError        **error);
/* The stored certificate that issued @crl (its key verifies it). FALSE
 * with CK_ERROR_NOT_FOUND when no stored certificate has the CRL's issuer
 * name, else the reason the last one failed. */
gboolean ck_revocation_store_find_crl_issuer (CkStore       *store,
                                              CkCrl         *crl,
                                              CkCertificate **issuer,
                                              GError        **error);
/* The id of the stored CRL with this SHA-256, 0 when none. */
gint64   ck_revocation_store_find_crl       (CkStore        *store,
                                             const char     *sha256);
/* After a commit that wrote CRLs, or a CRL or OCSP answer stored:
 * also emits @store's "revocation-changed". */
void     ck_revocation_store_bump_generation (CkStore        *store);

G_END_DECLS
