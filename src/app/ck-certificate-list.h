/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "certkeeper-core.h"
#include "ck-trust-column.h"

G_BEGIN_DECLS

#define CK_TYPE_CERTIFICATE_LIST (ck_certificate_list_get_type ())
G_DECLARE_FINAL_TYPE (CkCertificateList, ck_certificate_list, CK, CERTIFICATE_LIST, GtkWidget)

/* The Certificates page: the store's certificates, searched and sorted,
 * in a GtkColumnView. Rows bind the store's summary columns only: nothing
 * is parsed per row, so 100,000 certificates scroll smoothly. */

void                 ck_certificate_list_set_store        (CkCertificateList *self,
                                                           CkStore           *store);
/* What the user typed; an empty string shows everything. */
void                 ck_certificate_list_set_search       (CkCertificateList *self,
                                                           const char        *text);
void                 ck_certificate_list_set_warning_days (CkCertificateList *self,
                                                           guint              days);
CkStoredCertificate *ck_certificate_list_get_selected     (CkCertificateList *self);
/* FALSE when nothing is shown. */
gboolean             ck_certificate_list_select_first     (CkCertificateList *self);
/* Selects @row and scrolls to it; FALSE when it is not shown. */
gboolean             ck_certificate_list_select_row       (CkCertificateList   *self,
                                                           CkStoredCertificate *row);
/* Selects the first row and emits "activate", as soon as the search or
 * sort still running has finished. */
void                 ck_certificate_list_activate_first   (CkCertificateList *self);
/* TRUE while sorting or searching is still working through the rows. */
gboolean             ck_certificate_list_is_busy          (CkCertificateList *self);
/* The rows as shown: filtered and sorted (for tests). */
GListModel          *ck_certificate_list_get_model        (CkCertificateList *self);
/* Sorts like a click on a column header; @column is "name", "issuer",
 * "expires", "trust" or "source". */
void                 ck_certificate_list_sort_by          (CkCertificateList *self,
                                                           const char        *column,
                                                           GtkSortType        order);

/* Trust: the Trust column's verdicts come from @verifier; both NULL when
 * the store is closed. The column (purpose, filter) is the list's. */
void                 ck_certificate_list_set_verifier     (CkCertificateList *self,
                                                           CkTrust           *trust,
                                                           CkVerifier        *verifier);
CkTrustColumn       *ck_certificate_list_get_trust_column (CkCertificateList *self);
/* As if chosen in the filter drop-down. */
void                 ck_certificate_list_set_trust_filter (CkCertificateList *self,
                                                           CkTrustFilterMode  mode);

G_END_DECLS
