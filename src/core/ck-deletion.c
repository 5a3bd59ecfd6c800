/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The record of one delete: the SQLite session changeset of its
 * transaction (every row it removed or changed, through triggers and
 * foreign-key cascades too), and what it means for the user. */
#define SQLITE_ENABLE_SESSION 1
#define SQLITE_ENABLE_PREUPDATE_HOOK 1

#include "ck-deletion.h"

#include "ck-store-private.h"

struct _CkDeletion
{
  GObject parent_instance;

  CkObjectKind kind;
  gint64 id;
  char *display_name;
  GBytes *changeset;
  guint n_decisions;
  guint n_lifted_key_distrusts;
  GStrv kept_distrusts;
};

G_DEFINE_FINAL_TYPE (CkDeletion, ck_deletion, G_TYPE_OBJECT)

static void
ck_deletion_finalize (GObject *object)
{
  CkDeletion *self = CK_DELETION (object);

  g_free (self->display_name);
  g_bytes_unref (self->changeset);
  g_strfreev (self->kept_distrusts);

  G_OBJECT_CLASS (ck_deletion_parent_class)->finalize (object);
}

static void
ck_deletion_class_init (CkDeletionClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ck_deletion_finalize;
}

static void
ck_deletion_init (CkDeletion *self)
{
}

/* Reads what the changeset says about trust: the decisions deleted with
 * the object, and the distrusts the trust module's trigger kept for its
 * key (rows inserted into key_distrust, purpose in column 1), and those
 * kept before that went with the last holder of the key. */
static void
describe (CkDeletion *self)
{
  g_autoptr (GStrvBuilder) kept = g_strv_builder_new ();
  sqlite3_changeset_iter *iter = NULL;
  gsize size;
  gconstpointer data = g_bytes_get_data (self->changeset, &size);

  if (size > 0 && sqlite3changeset_start (&iter, (int) size, (void *) data) == SQLITE_OK)
    {
      while (sqlite3changeset_next (iter) == SQLITE_ROW)
        {
          const char *table = NULL;
          int n_columns = 0, op = 0, indirect = 0;
          sqlite3_value *purpose = NULL;

          if (sqlite3changeset_op (iter, &table, &n_columns, &op, &indirect) != SQLITE_OK)
            break;
          if (op == SQLITE_DELETE && g_str_equal (table, "trust"))
            self->n_decisions++;
          else if (op == SQLITE_DELETE && g_str_equal (table, "key_distrust"))
            self->n_lifted_key_distrusts++;
          else if (op == SQLITE_INSERT && g_str_equal (table, "key_distrust") &&
                   n_columns > 1 && sqlite3changeset_new (iter, 1, &purpose) == SQLITE_OK &&
                   purpose != NULL && sqlite3_value_type (purpose) == SQLITE_TEXT)
            g_strv_builder_add (kept, (const char *) sqlite3_value_text (purpose));
        }
      sqlite3changeset_finalize (iter);
    }
  self->kept_distrusts = g_strv_builder_end (kept);
}

CkDeletion *
ck_deletion_new (CkObjectKind  kind,
                 gint64        id,
                 const char   *display_name,
                 GBytes       *changeset)
{
  CkDeletion *self = g_object_new (CK_TYPE_DELETION, NULL);

  self->kind = kind;
  self->id = id;
  self->display_name = g_strdup (display_name != NULL ? display_name : "");
  self->changeset = g_bytes_ref (changeset);
  describe (self);
  return self;
}

GBytes *
ck_deletion_get_changeset (CkDeletion *self)
{
  g_return_val_if_fail (CK_IS_DELETION (self), NULL);
  return self->changeset;
}

CkObjectKind
ck_deletion_get_kind (CkDeletion *self)
{
  g_return_val_if_fail (CK_IS_DELETION (self), CK_OBJECT_NONE);
  return self->kind;
}

gint64
ck_deletion_get_id (CkDeletion *self)
{
  g_return_val_if_fail (CK_IS_DELETION (self), 0);
  return self->id;
}

const char *
ck_deletion_get_display_name (CkDeletion *self)
{
  g_return_val_if_fail (CK_IS_DELETION (self), NULL);
  return self->display_name;
}

guint
ck_deletion_get_n_decisions (CkDeletion *self)
{
  g_return_val_if_fail (CK_IS_DELETION (self), 0);
  return self->n_decisions;
}

guint
ck_deletion_get_n_lifted_key_distrusts (CkDeletion *self)
{
  g_return_val_if_fail (CK_IS_DELETION (self), 0);
  return self->n_lifted_key_distrusts;
}

const char * const *
ck_deletion_get_kept_distrusts (CkDeletion *self)
{
  g_return_val_if_fail (CK_IS_DELETION (self), NULL);
  return (const char * const *) self->kept_distrusts;
}
