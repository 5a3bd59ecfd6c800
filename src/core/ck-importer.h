/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ck-import-plan.h"

G_BEGIN_DECLS

typedef struct _CkStore CkStore;

/**
 * CkPasswordFunc:
 * @item: the locked item (its source names the file and item)
 * @attempt: 0 the first time, then 1, 2… after wrong passwords
 * @user_data: closure
 *
 * Returns: (transfer full) (nullable): a password (freed with
 *   g_free after being wiped), or NULL to leave the item locked.
 */
typedef char *(*CkPasswordFunc) (CkImportItem *item,
                                 guint         attempt,
                                 gpointer      user_data);

#define CK_TYPE_IMPORTER (ck_importer_get_type ())
G_DECLARE_FINAL_TYPE (CkImporter, ck_importer, CK, IMPORTER, GObject)

/* Reads files or bytes and finds everything in them; builds a CkImportPlan.
 * Parsing never writes anything. */

/* @store (nullable) is only read, to mark items already in it and to pair
 * new certificates with keys already stored (and the reverse). */
CkImporter   *ck_importer_new               (CkStore       *store);

/* Called while adding input, for each encrypted item; it is asked again
 * after a wrong password until it returns NULL. */
void          ck_importer_set_password_func (CkImporter    *self,
                                             CkPasswordFunc func,
                                             gpointer       user_data,
                                             GDestroyNotify destroy);

CkImportPlan *ck_importer_get_plan          (CkImporter    *self);

/* FALSE only when the file cannot be read at all (it does not exist, no
 * permission). Content problems become CK_IMPORT_ITEM_ERROR items. */
gboolean      ck_importer_add_file          (CkImporter    *self,
                                             GFile         *file,
                                             GCancellable  *cancellable,
                                             GError       **error);
/* @name names the input in messages ("pasted text"). */
void          ck_importer_add_bytes         (CkImporter    *self,
                                             GBytes        *data,
                                             const char    *name);

/* Opens a locked item of the plan. A wrong password returns FALSE with
 * CK_ERROR_BAD_PASSWORD and leaves the item locked, so it can be retried.
 * Otherwise @item is replaced, at its position, by what it holds (or by an
 * error item saying why what it holds cannot be used, and FALSE), with
 * pairs, duplicates and store matches of the whole plan already updated
 * when items-changed is emitted. @item (transfer none) itself stays valid
 * and unchanged for as long as the plan lives (see ck-import-plan.h), so a
 * caller may still name it in a message; it is just no longer in the list
 * (ck_import_plan_contains()), and unlocking it again fails with
 * CK_ERROR_INVALID. */
gboolean      ck_importer_unlock            (CkImporter    *self,
                                             CkImportItem  *item,
                                             const char    *password,
                                             GError       **error);

/* ck_importer_unlock() in two halves, so that the slow part (a PKCS#12
 * with millions of iterations takes seconds) runs off the thread that owns
 * the plan (the window's, whose list view is bound to it):
 * ck_importer_open_locked() opens @item with @password and touches no
 * plan, in any thread: NULL with CK_ERROR_BAD_PASSWORD when the password
 * is wrong (the item stays locked). ck_importer_apply_unlocked(), on the
 * plan's thread, puts what it found in the plan in place of the item, as
 * ck_importer_unlock() does, with pairing and store matches updated; FALSE
 * when what it holds cannot be used (an error item took its place) or the
 * item is no longer in the plan. */
typedef struct _CkImportUnlock CkImportUnlock;

void            ck_import_unlock_free      (CkImportUnlock  *unlock);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CkImportUnlock, ck_import_unlock_free)

CkImportUnlock *ck_importer_open_locked    (CkImportItem    *item,
                                            const char      *password,
                                            GError         **error);
gboolean        ck_importer_apply_unlocked (CkImporter      *self,
                                            CkImportUnlock  *unlock,
                                            GError         **error);

G_END_DECLS
