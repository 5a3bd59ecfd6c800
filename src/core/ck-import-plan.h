/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ck-import-item.h"

G_BEGIN_DECLS

#define CK_TYPE_IMPORT_PLAN (ck_import_plan_get_type ())
G_DECLARE_FINAL_TYPE (CkImportPlan, ck_import_plan, CK, IMPORT_PLAN, GObject)

/* What an import would do, before anything is written: every item found,
 * in input order, with pairing and duplicate information. A GListModel of
 * CkImportItem so the import dialog binds to it directly. Built by
 * CkImporter; committed by ck_store_commit(). */

CkImportPlan *ck_import_plan_new           (void);

guint         ck_import_plan_get_n_items   (CkImportPlan *self);
CkImportItem *ck_import_plan_get_item      (CkImportPlan *self,
                                            guint         position);
void          ck_import_plan_append        (CkImportPlan *self,
                                            CkImportItem *item);
/* Appends all of @items with one items-changed: a 10,000-certificate
 * bundle is one signal for a bound list view, not 10,000. */
void          ck_import_plan_append_many   (CkImportPlan *self,
                                            GPtrArray    *items);
/* Replaces @item (a locked one) by @replacements, in place. */
void          ck_import_plan_replace       (CkImportPlan *self,
                                            CkImportItem *item,
                                            GPtrArray    *replacements);

/* How many items of @kind (counting duplicates and existing ones). */
guint         ck_import_plan_count         (CkImportPlan    *self,
                                            CkImportItemKind kind);
/* How many items a commit would write. */
guint         ck_import_plan_count_new     (CkImportPlan    *self);
gboolean      ck_import_plan_has_errors    (CkImportPlan    *self);
gboolean      ck_import_plan_has_locked    (CkImportPlan    *self);
/* Item errors and locked items, one message per line, each naming the file
 * and item: "bundle.pem, block 3 (CERTIFICATE): …". NULL when none. */
char         *ck_import_plan_describe_problems (CkImportPlan *self);

/* Things left out on purpose, which are not errors: a CRL in a bundle, the
 * trust settings of a TRUSTED CERTIFICATE block. One message each, naming
 * the file and item ("bundle.pem, block 4 (X509 CRL): skipped: …"). */
void          ck_import_plan_add_note      (CkImportPlan *self,
                                            const char   *note);
/* NULL-terminated; empty when none. */
const char * const *ck_import_plan_get_notes (CkImportPlan *self);

G_END_DECLS
