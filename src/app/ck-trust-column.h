/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "certkeeper-core.h"

G_BEGIN_DECLS

typedef enum {
  CK_TRUST_FILTER_ALL,
  CK_TRUST_FILTER_TRUSTED,
  CK_TRUST_FILTER_DISTRUSTED,
} CkTrustFilterMode;

#define CK_TYPE_TRUST_COLUMN (ck_trust_column_get_type ())
G_DECLARE_FINAL_TYPE (CkTrustColumn, ck_trust_column, CK, TRUST_COLUMN, GObject)

/* The certificate list's Trust column and its Trusted/Distrusted filter.
 * Verdicts are computed lazily, for the rows bound (visible) only, in an
 * idle callback with a time budget per slice, and kept per certificate
 * until trust, the purpose or the store's certificates change. The
 * filters start from the few explicit decisions (anchors, distrusts),
 * follow the store's issuer names down to the certificates that can
 * depend on them, and verify only those, in slices too. */

CkTrustColumn      *ck_trust_column_new          (void);
/* Both NULL when the store is closed. */
void                ck_trust_column_set_verifier (CkTrustColumn     *self,
                                                  CkTrust           *trust,
                                                  CkVerifier        *verifier);
CkTrust            *ck_trust_column_get_trust    (CkTrustColumn     *self);
CkVerifier         *ck_trust_column_get_verifier (CkTrustColumn     *self);
/* The store's rows, which the filters scan. */
void                ck_trust_column_set_rows     (CkTrustColumn     *self,
                                                  GListModel        *rows);
void                ck_trust_column_set_purpose  (CkTrustColumn     *self,
                                                  const char        *purpose);
const char         *ck_trust_column_get_purpose  (CkTrustColumn     *self);
void                ck_trust_column_set_use_system_anchors (CkTrustColumn *self,
                                                            gboolean       use);
void                ck_trust_column_set_filter_mode (CkTrustColumn  *self,
                                                     CkTrustFilterMode mode);
CkTrustFilterMode   ck_trust_column_get_filter_mode (CkTrustColumn  *self);
/* For the list's filter function. */
gboolean            ck_trust_column_matches      (CkTrustColumn     *self,
                                                  CkStoredCertificate *row);
GtkListItemFactory *ck_trust_column_get_factory  (CkTrustColumn     *self);
/* The verdict for @row now (cached), or NULL without a verifier. */
CkVerification     *ck_trust_column_verify       (CkTrustColumn     *self,
                                                  CkStoredCertificate *row);
/* Drops every verdict and checks the visible rows again. */
void                ck_trust_column_refresh      (CkTrustColumn     *self);
/* How far the Trusted/Distrusted filter has got, 0 to 1 ("progress"). */
double              ck_trust_column_get_progress (CkTrustColumn     *self);
/* The list item whose trust cell is inside @row (a row widget of the
 * column view), or NULL. */
GtkListItem        *ck_trust_column_find_list_item (CkTrustColumn *self,
                                                    GtkWidget     *row);
/* TRUE while visible rows or a filter are still being checked. */
gboolean            ck_trust_column_is_busy      (CkTrustColumn     *self);

G_END_DECLS
