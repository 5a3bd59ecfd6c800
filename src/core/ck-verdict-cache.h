/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ck-trust.h"
#include "ck-verification.h"

G_BEGIN_DECLS

#define CK_TYPE_VERDICT_CACHE (ck_verdict_cache_get_type ())
G_DECLARE_FINAL_TYPE (CkVerdictCache, ck_verdict_cache, CK, VERDICT_CACHE, GObject)

/* The trust verdict of every certificate in a store for one purpose,
 * computed off the calling thread, for lists that filter and sort by
 * verdict.
 *
 * A verdict is keyed by certificate id, purpose and the cache's trust
 * generation, which changes on every trust decision (CkTrust::changed),
 * every import or delete (the store's certificate model changing), every
 * CRL or OCSP answer stored (the store's "revocation-changed") and
 * when the system anchors are switched on or off: a verdict of an older
 * generation is never returned. Verdicts are computed by worker threads
 * (one per processor, up to four), each with its own read-only connection
 * to the same store (ck_store_open_read_only()) and its own CkVerifier (a
 * fresh one per generation, so it reads the decisions and issuers as they
 * are now), and
 * arrive on the main context of the thread that made the cache, in
 * batches ("verdicts-added"), the rows asked for with
 * ck_verdict_cache_prefer() first. A new generation or purpose cancels the
 * work in progress at the next certificate. Verdicts of other purposes of
 * the current generation are kept, so that going back is instant.
 *
 * Kept in memory only: it is rebuilt when the store is opened (100,000
 * certificates in a few seconds, see bench/README.md). */

CkVerdictCache *ck_verdict_cache_new            (CkTrust        *trust);
CkTrust        *ck_verdict_cache_get_trust      (CkVerdictCache *self);

/* The purpose verdicts are computed for (an OID); setting another one
 * starts computing it unless it is complete for this generation. */
void            ck_verdict_cache_set_purpose    (CkVerdictCache *self,
                                                 const char     *purpose);
const char     *ck_verdict_cache_get_purpose    (CkVerdictCache *self);
/* As ck_verifier_set_use_system_anchors(); a change is a new generation. */
void            ck_verdict_cache_set_use_system_anchors (CkVerdictCache *self,
                                                         gboolean        use);

/* Increases on every change a verdict can depend on. */
guint64         ck_verdict_cache_get_generation (CkVerdictCache *self);
/* Starts a new generation: for changes the cache cannot see (the store
 * changed by another process and reloaded, the damaged trust table a test
 * makes). CkTrust::changed and the certificate model do this already. */
void            ck_verdict_cache_invalidate     (CkVerdictCache *self);

/* (transfer none) (nullable): the verdict on @certificate_id for the
 * current purpose and generation, NULL while it is still being computed
 * (or for an id the store does not have). */
CkVerification *ck_verdict_cache_lookup         (CkVerdictCache *self,
                                                 gint64          certificate_id);
/* Compute this one before the others (a row on screen). */
void            ck_verdict_cache_prefer         (CkVerdictCache *self,
                                                 gint64          certificate_id);

/* TRUE while verdicts of the current purpose and generation are missing
 * ("busy" notifies). */
gboolean        ck_verdict_cache_is_busy        (CkVerdictCache *self);
/* How many of the store's certificates have a verdict for the current
 * purpose and generation, of how many ("progress" notifies, at most a
 * few times a second). */
void            ck_verdict_cache_get_progress   (CkVerdictCache *self,
                                                 guint          *done,
                                                 guint          *total);

G_END_DECLS
