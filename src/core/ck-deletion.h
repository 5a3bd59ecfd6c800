/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "ck-store.h"

G_BEGIN_DECLS

#define CK_TYPE_DELETION (ck_deletion_get_type ())
G_DECLARE_FINAL_TYPE (CkDeletion, ck_deletion, CK, DELETION, GObject)

/* What one ck_store_delete_for_undo() took out of the store, exactly: the
 * object's rows (with their id, source, import time, label, blob), its
 * trust decisions, the links other rows had to it (a request it issued),
 * and whatever the delete changed elsewhere (a distrust kept for its key).
 * ck_store_restore() puts it all back as it was. Immutable. */

CkObjectKind        ck_deletion_get_kind           (CkDeletion *self);
gint64              ck_deletion_get_id             (CkDeletion *self);
/* The object's name when it was deleted. */
const char         *ck_deletion_get_display_name   (CkDeletion *self);
/* How many trust decisions were on it (all of them gone from it). */
guint               ck_deletion_get_n_decisions    (CkDeletion *self);
/* The purposes (OIDs, or CK_PURPOSE_ALL) of its distrusts that stay in
 * force for its public key, which is still in the store through another
 * certificate or the key itself. Empty when none. */
const char * const *ck_deletion_get_kept_distrusts (CkDeletion *self);
/* How many distrusts kept for its public key (their certificates deleted
 * before) the delete lifted: it was the last certificate with the key, or
 * the key, in the store. */
guint               ck_deletion_get_n_lifted_key_distrusts (CkDeletion *self);

G_END_DECLS
