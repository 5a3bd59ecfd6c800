/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "certkeeper-core.h"

G_BEGIN_DECLS

typedef enum {
  CK_CERTIFICATE_SORT_NONE,
  CK_CERTIFICATE_SORT_NAME,
  CK_CERTIFICATE_SORT_ISSUER,
  CK_CERTIFICATE_SORT_EXPIRES,
  CK_CERTIFICATE_SORT_TRUST,
  CK_CERTIFICATE_SORT_SOURCE,
} CkCertificateSortKey;

#define CK_TYPE_CERTIFICATE_MODEL (ck_certificate_model_get_type ())
G_DECLARE_FINAL_TYPE (CkCertificateModel, ck_certificate_model, CK, CERTIFICATE_MODEL, GObject)

/* The certificates page's rows: a GListModel of CkStoredCertificate that
 * sorts and filters a source model (the store's) itself, with direct C
 * comparators and one items-changed per change, instead of GTK's generic
 * sort and filter models, which are too slow at 100,000 rows. */
CkCertificateModel *ck_certificate_model_new        (void);
void                ck_certificate_model_set_source (CkCertificateModel   *self,
                                                     GListModel           *source);
/* needle: from ck_stored_certificate_prepare_needle(); NULL shows all.
 * One pass over the rows (only over those shown when the needle only
 * grows) and one items-changed, trimmed to the part that differs. */
void                ck_certificate_model_set_needle (CkCertificateModel   *self,
                                                     const char           *needle);
/* TRUE when a view has a widget for @row: such rows are handed back to the
 * views for a moment when a search or sort removes them, so that GTK
 * reuses their widgets instead of making new ones (see emit_change()). */
typedef gboolean (*CkCertificateModelLiveFunc) (CkStoredCertificate *row,
                                                gpointer             user_data);
void                ck_certificate_model_set_live_func (CkCertificateModel         *self,
                                                        CkCertificateModelLiveFunc  func,
                                                        gpointer                    user_data);
/* A filter over the rows the needle lets through (the Trust filter):
 * TRUE shows @row. Run again by ck_certificate_model_rows_changed(), over
 * the rows the search found, without searching again. */
typedef gboolean (*CkCertificateModelFilterFunc) (CkStoredCertificate *row,
                                                  gpointer             user_data);
void                ck_certificate_model_set_filter_func (CkCertificateModel          *self,
                                                          CkCertificateModelFilterFunc func,
                                                          gpointer                     user_data);
/* CK_CERTIFICATE_SORT_TRUST sorts by this (lower first), then by name. */
typedef int (*CkCertificateModelRankFunc) (CkStoredCertificate *row,
                                           gpointer             user_data);
void                ck_certificate_model_set_rank_func (CkCertificateModel         *self,
                                                        CkCertificateModelRankFunc  func,
                                                        gpointer                    user_data);
/* What the filter or rank functions say about rows changed (a batch of
 * verdicts arrived): sorted again by rank when sorting by trust (one pass
 * over the rows sorted by name, no comparison sort) and filtered again,
 * with one items-changed trimmed to what differs. */
void                ck_certificate_model_rows_changed (CkCertificateModel *self);
void                ck_certificate_model_set_sort   (CkCertificateModel   *self,
                                                     CkCertificateSortKey  key,
                                                     gboolean              descending);
/* TRUE while rows are still being shown a few at a time after the model
 * went from empty to many rows ("busy" notifies). */
gboolean            ck_certificate_model_is_busy    (CkCertificateModel   *self);
int                 ck_certificate_model_compare    (CkCertificateSortKey  key,
                                                     CkStoredCertificate  *a,
                                                     CkStoredCertificate  *b);

G_END_DECLS
