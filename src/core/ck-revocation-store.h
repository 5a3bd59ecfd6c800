/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ck-certificate.h"
#include "ck-crl.h"
#include "ck-revocation-status.h"
#include "ck-store.h"

G_BEGIN_DECLS

#define CK_TYPE_REVOCATION_STORE (ck_revocation_store_get_type ())
G_DECLARE_FINAL_TYPE (CkRevocationStore, ck_revocation_store, CK, REVOCATION_STORE, GObject)

/* What the store knows about revocation, kept in store.db as the
 * "revocation" module (its own tables and migrations): CRLs with their
 * issuer (name and the key that verified them), thisUpdate, nextUpdate,
 * number and entries, one per issuer (a newer one replaces an older
 * one); OCSP answers until their nextUpdate; a responder URL chosen per
 * issuer. Reading never writes: the tables are made on the first write. */

typedef enum {
  CK_CRL_ADDED,      /* stored; none was there for this issuer */
  CK_CRL_REPLACED,   /* stored in place of an older one */
  CK_CRL_SAME,       /* this very CRL was stored already */
  CK_CRL_OLDER,      /* a newer CRL of the issuer is stored: not kept */
} CkCrlAddResult;

typedef struct {
  gint64  id;
  char   *sha256;
  char   *issuer;              /* DN */
  char   *issuer_sha256;       /* the stored certificate that verified it */
  char   *display_name;
  char   *number;              /* NULL for none */
  gint64  this_update;
  gint64  next_update;         /* 0 for none */
  guint   n_entries;
  char   *source;              /* file or URL it came from */
} CkStoredCrl;

void ck_stored_crl_free (CkStoredCrl *crl);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CkStoredCrl, ck_stored_crl_free)

CkRevocationStore *ck_revocation_store_new        (CkStore            *store);
CkStore           *ck_revocation_store_get_store  (CkRevocationStore  *self);

/* Stores @crl after verifying its signature with its issuer, which must
 * be in the store (CK_ERROR_NOT_FOUND otherwise, CK_ERROR_INVALID when
 * the signature does not verify, saying why). @source: where it came
 * from (file, URL). */
gboolean     ck_revocation_store_add_crl       (CkRevocationStore  *self,
                                                CkCrl              *crl,
                                                const char         *source,
                                                CkCrlAddResult     *result,
                                                GError            **error);
/* element-type CkStoredCrl, by issuer. */
GPtrArray   *ck_revocation_store_list_crls     (CkRevocationStore  *self,
                                                GError            **error);

/* What the stored CRLs and OCSP answers say about @cert, issued by
 * @issuer, at @now (seconds; 0 = now): a fresh OCSP answer first, then
 * the issuer's CRL (an entry is revoked even in an out-of-date CRL; good
 * only while the CRL is current). Never NULL: unknown, with why, when
 * nothing applies or the tables cannot be read. */
CkRevocationStatus *ck_revocation_store_lookup (CkRevocationStore  *self,
                                                CkCertificate      *cert,
                                                CkCertificate      *issuer,
                                                gint64              now);

/* Keeps a verified OCSP answer about @cert from @issuer until
 * @status->next_update (one with none is not kept). */
gboolean     ck_revocation_store_put_ocsp      (CkRevocationStore  *self,
                                                CkCertificate      *cert,
                                                CkCertificate      *issuer,
                                                const CkRevocationStatus *status,
                                                const char         *responder,
                                                GBytes             *response,
                                                GError            **error);

/* The OCSP responder URL the user chose for certificates of @issuer
 * (NULL: use the certificates' AIA); set NULL to forget it. */
char        *ck_revocation_store_get_responder (CkRevocationStore  *self,
                                                CkCertificate      *issuer);
gboolean     ck_revocation_store_set_responder (CkRevocationStore  *self,
                                                CkCertificate      *issuer,
                                                const char         *url,
                                                GError            **error);

/* Goes up (atomically, in this process) each time a CRL or an OCSP answer
 * is stored, through any CkRevocationStore or an import: verdicts resting
 * on revocation read before may have changed. */
guint        ck_revocation_store_get_generation (void);

G_END_DECLS
