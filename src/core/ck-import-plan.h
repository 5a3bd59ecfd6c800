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

/* Ownership: the plan holds a reference to every item it has ever held.
 * ck_import_plan_get_item() returns (transfer none) a pointer that stays
 * valid for as long as the plan lives, even after the item left the list:
 * unlocking replaces a locked item (ck_importer_unlock()), the import
 * dialog removes items (ck_import_plan_replace() with no replacements), and
 * a caller walking the plan may still use the item it was given to name it
 * in a message. Such a retired item is no longer at any position; only the
 * positions (and n-items) change. g_list_model_get_item() is transfer full
 * as usual. */
guint         ck_import_plan_get_n_items   (CkImportPlan *self);
/* (transfer none): valid while the plan lives, see above. */
CkImportItem *ck_import_plan_get_item      (CkImportPlan *self,
                                            guint         position);
/* TRUE while @item is at some position of the plan (not replaced). */
gboolean      ck_import_plan_contains      (CkImportPlan *self,
                                            CkImportItem *item);
void          ck_import_plan_append        (CkImportPlan *self,
                                            CkImportItem *item);
/* Appends all of @items with one items-changed: a 10,000-certificate
 * bundle is one signal for a bound list view, not 10,000. */
void          ck_import_plan_append_many   (CkImportPlan *self,
                                            GPtrArray    *items);
/* Replaces @item (a locked one) by @replacements, in place; NULL or none
 * removes it. @item leaves the list but stays alive (and unchanged) until
 * the plan is finalized, so the caller's pointer remains usable. */
void          ck_import_plan_replace       (CkImportPlan *self,
                                            CkImportItem *item,
                                            GPtrArray    *replacements);

/* How many items of @kind (counting duplicates and existing ones). */
guint         ck_import_plan_count         (CkImportPlan    *self,
                                            CkImportItemKind kind);
/* How many items a commit would write. */
guint         ck_import_plan_count_new     (CkImportPlan    *self);
/* (transfer none) (nullable): the first new private key that a commit
 * would store under the store passphrase (not one already stored, repeated
 * or on a token): when NULL, committing needs no key passphrase. */
CkImportItem *ck_import_plan_get_key_needing_passphrase (CkImportPlan *self);
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
