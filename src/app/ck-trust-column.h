/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "certkeeper-core.h"

G_BEGIN_DECLS

typedef enum {
  CK_TRUST_FILTER_ALL,
  CK_TRUST_FILTER_TRUSTED,
  CK_TRUST_FILTER_DISTRUSTED,
  /* Every verdict but "Trusted". */
  CK_TRUST_FILTER_NOT_TRUSTED,
  /* On a CRL or in an OCSP answer as revoked (the certificate or one
   * below the anchor in its chain). */
  CK_TRUST_FILTER_REVOKED,
} CkTrustFilterMode;

#define CK_TYPE_TRUST_COLUMN (ck_trust_column_get_type ())
G_DECLARE_FINAL_TYPE (CkTrustColumn, ck_trust_column, CK, TRUST_COLUMN, GObject)

/* The certificate list's Trust column, its filter and its sort order.
 * The verdicts come from a CkVerdictCache (made from the CkTrust given to
 * ck_trust_column_set_verifier()), computed in its worker thread for
 * every certificate of the store, the visible rows first; a cell shows
 * "Checking…" until its verdict arrives. The list filters and sorts with
 * ck_trust_column_matches() and ck_trust_column_rank(), again whenever
 * "verdicts-changed" is emitted (a batch arrived, or a decision, an
 * import or a delete dropped them all). */

CkTrustColumn      *ck_trust_column_new          (void);
/* Both NULL when the store is closed. @verifier is for the callers that
 * verify one certificate at once (the trust dialog); the column's verdicts
 * are its cache's. */
void                ck_trust_column_set_verifier (CkTrustColumn     *self,
                                                  CkTrust           *trust,
                                                  CkVerifier        *verifier);
CkTrust            *ck_trust_column_get_trust    (CkTrustColumn     *self);
CkVerifier         *ck_trust_column_get_verifier (CkTrustColumn     *self);
void                ck_trust_column_set_purpose  (CkTrustColumn     *self,
                                                  const char        *purpose);
const char         *ck_trust_column_get_purpose  (CkTrustColumn     *self);
void                ck_trust_column_set_use_system_anchors (CkTrustColumn *self,
                                                            gboolean       use);
void                ck_trust_column_set_filter_mode (CkTrustColumn  *self,
                                                     CkTrustFilterMode mode);
CkTrustFilterMode   ck_trust_column_get_filter_mode (CkTrustColumn  *self);
/* For the list's filter function: FALSE while @row's verdict is not
 * known (under a filter other than "All"). */
gboolean            ck_trust_column_matches      (CkTrustColumn     *self,
                                                  CkStoredCertificate *row);
/* For sorting by trust: ck_trust_status_rank() of @row's verdict. */
int                 ck_trust_column_rank         (CkTrustColumn     *self,
                                                  CkStoredCertificate *row);
GtkListItemFactory *ck_trust_column_get_factory  (CkTrustColumn     *self);
/* The verdict for @row (transfer none), NULL while it is being computed
 * or without a store. */
CkVerification     *ck_trust_column_verify       (CkTrustColumn     *self,
                                                  CkStoredCertificate *row);
/* Drops every verdict and computes them again (a new generation). */
void                ck_trust_column_refresh      (CkTrustColumn     *self);
/* How many verdicts are known, 0 to 1 ("progress"), and as counts. */
double              ck_trust_column_get_progress (CkTrustColumn     *self);
void                ck_trust_column_get_counts   (CkTrustColumn     *self,
                                                  guint             *done,
                                                  guint             *total);
/* The list item whose trust cell is inside @row (a row widget of the
 * column view), or NULL. */
GtkListItem        *ck_trust_column_find_list_item (CkTrustColumn *self,
                                                    GtkWidget     *row);
/* TRUE while verdicts are still being computed ("busy"). */
gboolean            ck_trust_column_is_busy      (CkTrustColumn     *self);

G_END_DECLS
