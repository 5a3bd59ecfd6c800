/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "certkeeper-core.h"

G_BEGIN_DECLS

#define CK_TYPE_REQUEST_LIST (ck_request_list_get_type ())
G_DECLARE_FINAL_TYPE (CkRequestList, ck_request_list, CK, REQUEST_LIST, GtkWidget)

/* The Requests page: every certificate signing request of the store,
 * pending or issued, in a sortable GtkColumnView. Emits "activate" on
 * Enter or a double click; "selected" changes with the selection. */

void             ck_request_list_set_store    (CkRequestList *self,
                                               CkStore       *store);
/* What the user typed; an empty string shows everything. Matches the
 * subject, key, profile, status and fingerprints. */
void             ck_request_list_set_search   (CkRequestList *self,
                                               const char    *text);
CkStoredRequest *ck_request_list_get_selected (CkRequestList *self);
/* FALSE when nothing is shown. */
gboolean         ck_request_list_select_first (CkRequestList *self);
/* Selects the request with this store id; FALSE when it is not shown. */
gboolean         ck_request_list_select_id    (CkRequestList *self,
                                               gint64         id);
/* The rows as shown: filtered and sorted, as CkStoredRequest (for tests). */
GListModel      *ck_request_list_get_model    (CkRequestList *self);
/* Sorts like a click on a column header; @column is "subject", "key",
 * "profile", "created" or "status". */
void             ck_request_list_sort_by      (CkRequestList *self,
                                               const char    *column,
                                               GtkSortType    order);

/* Shared with the Keys page and the details: "Pending", or "Issued" with
 * the certificate's name when the store has it. */
char            *ck_request_status_text       (CkStore         *store,
                                               CkStoredRequest *row);
/* The profile's display name ("TLS server"), else the stored string;
 * NULL when the request has none (imported requests). */
const char      *ck_request_profile_text      (CkStoredRequest *row);

G_END_DECLS
