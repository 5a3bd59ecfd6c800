/* SPDX-License-Identifier: GPL-3.0-or-later */
#undef G_LOG_DOMAIN
#define G_LOG_DOMAIN "certkeeper-store"
/* The session extension records what a delete changed, for its undo. */
#define SQLITE_ENABLE_SESSION 1
#define SQLITE_ENABLE_PREUPDATE_HOOK 1

#include "ck-store.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ck-error.h"
#include "ck-revocation-private.h"
#include "ck-key-vault.h"
#include "ck-store-private.h"
#include "ck-utils.h"

/* Threading: every method that touches the database takes self->lock, so
 * any of them may be called from any thread (one commit in a GTask thread
 * while the GUI thread waits is the intended use). The list models, their
 * rows and ck_store_get_*_row() belong to the thread whose thread-default
 * main context was current in ck_store_open(): changes made elsewhere are
 * queued and applied there, in order, through g_main_context_invoke(). */

/* How often a commit reports progress, in items. */
#define PROGRESS_EVERY 64

typedef enum {
  STMT_CERT_BY_SHA256,
  STMT_KEY_BY_SPKI,
  STMT_REQUEST_BY_SHA256,
  STMT_CERTS_BY_SPKI,
  STMT_LAST_CERT_BY_SPKI,
  STMT_KIND,
  STMT_INSERT_OBJECT,
  STMT_INSERT_CERT,
  STMT_INSERT_KEY,
  STMT_INSERT_REQUEST,
  STMT_ISSUE_REQUESTS,
  STMT_REQUESTS_BY_CERT,
  STMT_DELETE_OBJECT,
  STMT_CERT_DER,
  STMT_REQUEST_DER,
  STMT_KEY_PKCS8,
  STMT_SET_CERT_LABEL,
  STMT_SET_KEY_LABEL,
  STMT_SELECT_CERTS,
  STMT_SELECT_KEYS,
  STMT_SELECT_REQUESTS,
  STMT_CERT_ROW,
  STMT_KEY_ROW,
  STMT_REQUEST_ROW,
  STMT_CERTS_BY_SUBJECT,
  STMT_REQUESTS_BY_SPKI,
  N_STMTS
} StmtId;

static const char * const stmt_sql[N_STMTS] = {
  [STMT_CERT_BY_SHA256] = "SELECT id FROM certificates WHERE sha256 = ?",
  [STMT_KEY_BY_SPKI] = "SELECT id FROM keys WHERE spki_sha256 = ?",
  [STMT_REQUEST_BY_SHA256] = "SELECT id FROM requests WHERE sha256 = ?",
  [STMT_CERTS_BY_SPKI] =
    "SELECT id FROM certificates WHERE spki_sha256 = ? ORDER BY id",
  [STMT_LAST_CERT_BY_SPKI] =
    "SELECT max(id) FROM certificates WHERE spki_sha256 = ?",
  [STMT_KIND] = "SELECT kind FROM objects WHERE id = ?",
  [STMT_INSERT_OBJECT] = "INSERT INTO objects (kind) VALUES (?)",
  [STMT_INSERT_CERT] =
    "INSERT INTO certificates (id, sha256, sha1, spki_sha256, subject, "
    "issuer, display_name, issuer_name, serial, not_before, not_after, "
    "is_ca, key_algorithm, san, source, label, imported_at, der) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
  [STMT_INSERT_KEY] =
    "INSERT INTO keys (id, spki_sha256, algorithm, bits, curve, label, "
    "source, imported_at, encrypted, pkcs8, pkcs11_uri) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
  [STMT_INSERT_REQUEST] =
    "INSERT INTO requests (id, sha256, spki_sha256, subject, display_name, "
    "status, certificate_id, profile, source, created_at, der) "
    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
  [STMT_ISSUE_REQUESTS] =
    "UPDATE requests SET status = 'issued', certificate_id = ?1 "
    "WHERE spki_sha256 = ?2 AND status = 'pending' RETURNING id",
  [STMT_REQUESTS_BY_CERT] =
    "SELECT id FROM requests WHERE certificate_id = ? ORDER BY id",
  [STMT_DELETE_OBJECT] = "DELETE FROM objects WHERE id = ?",
  [STMT_CERT_DER] = "SELECT der FROM certificates WHERE id = ?",
  [STMT_REQUEST_DER] = "SELECT der FROM requests WHERE id = ?",
  [STMT_KEY_PKCS8] =
    "SELECT pkcs8, pkcs11_uri, encrypted, spki_sha256 FROM keys WHERE id = ?",
  [STMT_SET_CERT_LABEL] = "UPDATE certificates SET label = ? WHERE id = ?",
  [STMT_SET_KEY_LABEL] = "UPDATE keys SET label = ? WHERE id = ?",
  /* has_key is derived, never stored: it cannot go stale. */
  [STMT_SELECT_CERTS] =
    "SELECT " CK_STORED_CERTIFICATE_COLUMNS ", EXISTS (SELECT 1 FROM keys "
    "WHERE keys.spki_sha256 = certificates.spki_sha256) "
    "FROM certificates WHERE id >= ? ORDER BY id",
  [STMT_SELECT_KEYS] =
    "SELECT " CK_STORED_KEY_COLUMNS " FROM keys WHERE id >= ? ORDER BY id",
  [STMT_SELECT_REQUESTS] =
    "SELECT " CK_STORED_REQUEST_COLUMNS " FROM requests WHERE id >= ? "
    "ORDER BY id",
  /* One row each, for a store opened with CK_STORE_OPEN_LAZY. */
  [STMT_CERT_ROW] =
    "SELECT " CK_STORED_CERTIFICATE_COLUMNS ", EXISTS (SELECT 1 FROM keys "
    "WHERE keys.spki_sha256 = certificates.spki_sha256) "
    "FROM certificates WHERE id = ?",
  [STMT_KEY_ROW] =
    "SELECT " CK_STORED_KEY_COLUMNS " FROM keys WHERE id = ?",
  [STMT_REQUEST_ROW] =
    "SELECT " CK_STORED_REQUEST_COLUMNS " FROM requests WHERE id = ?",
  [STMT_CERTS_BY_SUBJECT] =
    "SELECT id FROM certificates WHERE subject = ? ORDER BY id",
  [STMT_REQUESTS_BY_SPKI] =
    "SELECT id FROM requests WHERE spki_sha256 = ? ORDER BY id",
};

typedef struct {
  gint64 id;
  gint64 value;
} IdValue;

/* What changed in the database, to be mirrored in the models on the owner
 * context. */
typedef struct {
  /* Replace the whole models by the arrays below (ck_store_reload). */
  gboolean reset;
  GPtrArray *certificates;  /* rows to append */
  GPtrArray *keys;
  GPtrArray *requests;
  GArray *removed;          /* gint64 ids */
  GArray *has_key;          /* IdValue: certificate id, 0 or 1 */
  GArray *request_status;   /* IdValue: request id, certificate id or 0 */
  gint64 label_id;
  char *label;
} Change;

struct _CkStore
{
  GObject parent_instance;

  char *dir;
  char *path;
  int schema_version;
  /* Opened as an immutable snapshot: the WAL could not be used (a full
   * disk, a read-only file system). Reading works; writing fails. */
  gboolean read_only;

  GRecMutex lock;
  sqlite3 *db;
  sqlite3_stmt *stmts[N_STMTS];
  /* PRAGMA data_version when the models were last read in full. */
  gint64 data_version;

  GMainContext *context;
  GListStore *certificates;
  GListStore *keys;
  GListStore *requests;
  /* Opened with CK_STORE_OPEN_LAZY and the models not filled yet: rows
   * are fetched one by one into @rows (id → CkStored*, shared id space). */
  gboolean lazy;
  GHashTable *rows;

  GMutex changes_lock;
  GQueue changes;
};

G_DEFINE_FINAL_TYPE (CkStore, ck_store, G_TYPE_OBJECT)

static Change *
change_new (void)
{
  Change *change = g_new0 (Change, 1);

  change->certificates = g_ptr_array_new_with_free_func (g_object_unref);
  change->keys = g_ptr_array_new_with_free_func (g_object_unref);
  change->requests = g_ptr_array_new_with_free_func (g_object_unref);
  change->removed = g_array_new (FALSE, FALSE, sizeof (gint64));
  change->has_key = g_array_new (FALSE, FALSE, sizeof (IdValue));
  change->request_status = g_array_new (FALSE, FALSE, sizeof (IdValue));
  return change;
}

static void
change_free (Change *change)
{
  g_ptr_array_unref (change->certificates);
  g_ptr_array_unref (change->keys);
  g_ptr_array_unref (change->requests);
  g_array_unref (change->removed);
  g_array_unref (change->has_key);
  g_array_unref (change->request_status);
  g_free (change->label);
  g_free (change);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Change, change_free)

static void
add_id_value (GArray *array,
              gint64  id,
              gint64  value)
{
  IdValue iv = { id, value };

  g_array_append_val (array, iv);
}

/* --- Errors and statements --------------------------------------------- */

gboolean
ck_store_set_sqlite_error (GError     **error,
                           sqlite3     *db,
                           const char  *what)
{
  const char *file = sqlite3_db_filename (db, "main");
  g_autofree char *base = g_path_get_basename (file != NULL && *file ? file
                                                                     : "store.db");
  int code = sqlite3_errcode (db) & 0xff;

  /* Damage met while reading (a lazily opened store checks only the pages
   * it reads): the same refusal and recovery advice as at open. */
  if ((code == SQLITE_CORRUPT || code == SQLITE_NOTADB) && file != NULL && *file)
    {
      g_autofree char *dir = g_path_get_dirname (file);

      return ck_store_set_damaged_error (error, dir, file, sqlite3_errmsg (db));
    }

  /* ck_store_is_read_only(): opened from a full disk or a read-only
   * file system. */
  if ((sqlite3_errcode (db) & 0xff) == SQLITE_READONLY)
    g_set_error (error, CK_ERROR, CK_ERROR_STORE,
                 _("%s: %s: the store can only be read now (a full disk, a read-only "
                   "file system or a database file you cannot write)"), base, what);
  else
    g_set_error (error, CK_ERROR, CK_ERROR_STORE, "%s: %s: %s", base, what,
                 sqlite3_errmsg (db));
  return FALSE;
}

/* A reused prepared statement, reset and ready to bind. */
static sqlite3_stmt *
get_stmt (CkStore  *self,
          StmtId    id,
          GError  **error)
{
  sqlite3_stmt *stmt = self->stmts[id];

  if (stmt == NULL)
    {
      if (sqlite3_prepare_v3 (self->db, stmt_sql[id], -1,
                              SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
        {
          ck_store_set_sqlite_error (error, self->db, _("preparing a query"));
          return NULL;
        }
      self->stmts[id] = stmt;
    }
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
  return stmt;
}

/* Ends a use of a statement so it holds no read lock and no bound data. */
static void
done_stmt (sqlite3_stmt *stmt)
{
  if (stmt != NULL)
    {
      sqlite3_reset (stmt);
      sqlite3_clear_bindings (stmt);
    }
}

static gboolean
exec (CkStore     *self,
      const char  *sql,
      GError     **error)
{
  if (sqlite3_exec (self->db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return ck_store_set_sqlite_error (error, self->db, sql);
  return TRUE;
}

/* The id of the first row of a one-column id query with one text argument,
 * 0 when there is none, -1 on error. */
static gint64
query_id (CkStore     *self,
          StmtId       id,
          const char  *arg,
          GError     **error)
{
  sqlite3_stmt *stmt = get_stmt (self, id, error);
  gint64 result = 0;
  int rc;

  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, arg, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    result = sqlite3_column_int64 (stmt, 0);
  else if (rc != SQLITE_DONE)
    {
      ck_store_set_sqlite_error (error, self->db, _("looking up a fingerprint"));
      result = -1;
    }
  done_stmt (stmt);
  return result;
}

/* Every id returned by @stmt (already bound), appended to @ids. */
static gboolean
collect_ids (CkStore       *self,
             sqlite3_stmt  *stmt,
             GArray        *ids,
             GError       **error)
{
  int rc;

  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (ids, id);
    }
  done_stmt (stmt);
  if (rc != SQLITE_DONE)
    return ck_store_set_sqlite_error (error, self->db, _("reading ids"));
  return TRUE;
}

/* --- Module access ----------------------------------------------------- */

sqlite3 *
ck_store_get_db (CkStore *self)
{
  g_return_val_if_fail (CK_IS_STORE (self), NULL);
  return self->db;
}

void
ck_store_lock (CkStore *self)
{
  g_rec_mutex_lock (&self->lock);
}

void
ck_store_unlock (CkStore *self)
{
  g_rec_mutex_unlock (&self->lock);
}

gboolean
ck_store_run_transaction (CkStore                *self,
                          CkStoreTransactionFunc  func,
                          gpointer                user_data,
                          GError                **error)
{
  gboolean ok;

  g_return_val_if_fail (CK_IS_STORE (self), FALSE);

  ck_store_lock (self);
  ok = exec (self, "BEGIN IMMEDIATE", error);
  if (ok)
    {
      ok = func (self, self->db, user_data, error);
      if (ok)
        ok = exec (self, "COMMIT", error);
      if (!ok)
        sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
    }
  ck_store_unlock (self);
  return ok;
}

/* --- Models ------------------------------------------------------------ */

static gint64
row_id (gpointer row)
{
  if (CK_IS_STORED_CERTIFICATE (row))
    return ck_stored_certificate_get_id (row);
  if (CK_IS_STORED_KEY (row))
    return ck_stored_key_get_id (row);
  return ck_stored_request_get_id (row);
}

/* Rows are in id order: binary search. Returns a new reference or NULL. */
static gpointer
find_row (GListStore *store,
          gint64      id,
          guint      *position)
{
  guint lo = 0;
  guint hi = g_list_model_get_n_items (G_LIST_MODEL (store));

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      g_autoptr(GObject) row = g_list_model_get_item (G_LIST_MODEL (store), mid);
      gint64 mid_id = row_id (row);

      if (mid_id == id)
        {
          if (position != NULL)
            *position = mid;
          return g_steal_pointer (&row);
        }
      if (mid_id < id)
        lo = mid + 1;
      else
        hi = mid;
    }
  return NULL;
}

/* Where a row with @id goes to keep @store in id order. */
static guint
lower_bound (GListStore *store,
             gint64      id)
{
  guint lo = 0;
  guint hi = g_list_model_get_n_items (G_LIST_MODEL (store));

  while (lo < hi)
    {
      guint mid = lo + (hi - lo) / 2;
      g_autoptr(GObject) row = g_list_model_get_item (G_LIST_MODEL (store), mid);

      if (row_id (row) < id)
        lo = mid + 1;
      else
        hi = mid;
    }
  return lo;
}

static void
append_rows (GListStore *store,
             GPtrArray  *rows,
             gboolean    reset)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (store));

  if (!reset && rows->len == 0)
    return;
  /* Rows put back by ck_store_restore() keep their old ids: they go back
   * where they were, not at the end. */
  if (!reset && n > 0 && lower_bound (store, row_id (rows->pdata[0])) < n)
    {
      for (guint i = 0; i < rows->len; i++)
        g_list_store_insert (store, lower_bound (store, row_id (rows->pdata[i])),
                             rows->pdata[i]);
      return;
    }
  /* One splice: one items-changed, however many rows. */
  g_list_store_splice (store, reset ? 0 : n, reset ? n : 0, rows->pdata,
                       rows->len);
}

/* apply_change() for a lazily opened store whose models are still empty:
 * the rows fetched so far are kept up to date (new rows are fetched when
 * asked for). Called with the lock. */
static void
apply_change_to_rows (CkStore *self,
                      Change  *change)
{
  if (change->reset)
    g_hash_table_remove_all (self->rows);
  for (guint i = 0; i < change->removed->len; i++)
    g_hash_table_remove (self->rows, &g_array_index (change->removed, gint64, i));
  for (guint i = 0; i < change->has_key->len; i++)
    {
      IdValue *iv = &g_array_index (change->has_key, IdValue, i);
      gpointer row = g_hash_table_lookup (self->rows, &iv->id);

      if (CK_IS_STORED_CERTIFICATE (row))
        ck_stored_certificate_set_has_key (row, iv->value != 0);
    }
  for (guint i = 0; i < change->request_status->len; i++)
    {
      IdValue *iv = &g_array_index (change->request_status, IdValue, i);
      gpointer row = g_hash_table_lookup (self->rows, &iv->id);

      if (CK_IS_STORED_REQUEST (row))
        ck_stored_request_set_status (row,
                                      iv->value != 0 ? CK_REQUEST_STATUS_ISSUED
                                                     : CK_REQUEST_STATUS_PENDING,
                                      iv->value);
    }
  if (change->label_id != 0)
    {
      gpointer row = g_hash_table_lookup (self->rows, &change->label_id);

      if (CK_IS_STORED_CERTIFICATE (row))
        ck_stored_certificate_set_label (row, change->label);
      else if (CK_IS_STORED_KEY (row))
        ck_stored_key_set_label (row, change->label);
    }
}

static void
apply_change (CkStore *self,
              Change  *change)
{
  if (self->lazy)
    {
      /* fetch_row() fills @rows from any thread, under the lock. */
      ck_store_lock (self);
      apply_change_to_rows (self, change);
      ck_store_unlock (self);
      /* An empty items-changed tells the model's listeners (the trust's
       * and the verifier's caches) that certificates came or went. */
      if (change->reset || change->certificates->len > 0 || change->removed->len > 0)
        g_list_model_items_changed (G_LIST_MODEL (self->certificates), 0, 0, 0);
      return;
    }
  append_rows (self->certificates, change->certificates, change->reset);
  append_rows (self->keys, change->keys, change->reset);
  append_rows (self->requests, change->requests, change->reset);

  for (guint i = 0; i < change->removed->len; i++)
    {
      gint64 id = g_array_index (change->removed, gint64, i);
      GListStore *stores[] = { self->certificates, self->keys, self->requests };

      for (guint s = 0; s < G_N_ELEMENTS (stores); s++)
        {
          g_autoptr(GObject) row = NULL;
          guint position;

          row = find_row (stores[s], id, &position);
          if (row != NULL)
            {
              g_list_store_remove (stores[s], position);
              break;
            }
        }
    }

  for (guint i = 0; i < change->has_key->len; i++)
    {
      IdValue *iv = &g_array_index (change->has_key, IdValue, i);
      g_autoptr(CkStoredCertificate) row = find_row (self->certificates, iv->id,
                                                     NULL);
      if (row != NULL)
        ck_stored_certificate_set_has_key (row, iv->value != 0);
    }

  for (guint i = 0; i < change->request_status->len; i++)
    {
      IdValue *iv = &g_array_index (change->request_status, IdValue, i);
      g_autoptr(CkStoredRequest) row = find_row (self->requests, iv->id, NULL);

      if (row != NULL)
        ck_stored_request_set_status (row,
                                      iv->value != 0 ? CK_REQUEST_STATUS_ISSUED
                                                     : CK_REQUEST_STATUS_PENDING,
                                      iv->value);
    }

  if (change->label_id != 0)
    {
      GListStore *model = self->certificates;
      guint position = 0;
      g_autoptr(GObject) row = find_row (model, change->label_id, &position);

      if (row == NULL)
        row = find_row (model = self->keys, change->label_id, &position);
      if (CK_IS_STORED_CERTIFICATE (row))
        ck_stored_certificate_set_label (CK_STORED_CERTIFICATE (row), change->label);
      else if (CK_IS_STORED_KEY (row))
        ck_stored_key_set_label (CK_STORED_KEY (row), change->label);
      /* The label is the row's name: lists rebind it, sorted and filtered
       * views place it again, the details show it. */
      if (row != NULL)
        g_list_model_items_changed (G_LIST_MODEL (model), position, 1, 1);
    }
}

/* Runs on the owner context: applies every queued change, oldest first. */
static gboolean
apply_changes (gpointer data)
{
  CkStore *self = data;

  for (;;)
    {
      Change *change;

      g_mutex_lock (&self->changes_lock);
      change = g_queue_pop_head (&self->changes);
      g_mutex_unlock (&self->changes_lock);
      if (change == NULL)
        break;
      apply_change (self, change);
      change_free (change);
    }
  return G_SOURCE_REMOVE;
}

/* Takes @change. Applied at once when we are on the owner context (the
 * CLI, the GUI thread), else as soon as the owner context runs. */
static void
queue_change (CkStore *self,
              Change  *change)
{
  g_mutex_lock (&self->changes_lock);
  g_queue_push_tail (&self->changes, change);
  g_mutex_unlock (&self->changes_lock);

  g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, apply_changes,
                              g_object_ref (self), g_object_unref);
}

/* Adds the current row of @stmt, one of the STMT_SELECT_*, to @change. */
static void
add_row_from_stmt (Change       *change,
                   StmtId        stmt_id,
                   sqlite3_stmt *stmt)
{
  switch (stmt_id)
    {
    case STMT_SELECT_CERTS:
      g_ptr_array_add (change->certificates,
                       ck_stored_certificate_new_from_stmt (stmt, sqlite3_column_int (stmt, 17)));
      break;
    case STMT_SELECT_KEYS:
      g_ptr_array_add (change->keys, ck_stored_key_new_from_stmt (stmt));
      break;
    default:
      g_ptr_array_add (change->requests, ck_stored_request_new_from_stmt (stmt));
      break;
    }
}

/* Reads the rows with ids >= @from_id into @change. Called with the lock. */
static gboolean
read_rows (CkStore  *self,
           gint64    from_id,
           Change   *change,
           GError  **error)
{
  const StmtId ids[] = { STMT_SELECT_CERTS, STMT_SELECT_KEYS, STMT_SELECT_REQUESTS };

  for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
    {
      sqlite3_stmt *stmt = get_stmt (self, ids[i], error);
      int rc;

      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, from_id);
      while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
        add_row_from_stmt (change, ids[i], stmt);
      done_stmt (stmt);
      if (rc != SQLITE_DONE)
        return ck_store_set_sqlite_error (error, self->db, _("reading the store"));
    }
  return TRUE;
}

/* Changes whenever another connection commits. Called with the lock. */
static gint64
get_data_version (CkStore *self)
{
  sqlite3_stmt *stmt = NULL;
  gint64 version = -1;

  if (sqlite3_prepare_v2 (self->db, "PRAGMA data_version", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    version = sqlite3_column_int64 (stmt, 0);
  sqlite3_finalize (stmt);
  return version;
}

/* --- Object ------------------------------------------------------------ */

static void
ck_store_finalize (GObject *object)
{
  CkStore *self = CK_STORE (object);

  for (guint i = 0; i < N_STMTS; i++)
    sqlite3_finalize (self->stmts[i]);
  if (self->db != NULL)
    sqlite3_close (self->db);
  g_queue_clear_full (&self->changes, (GDestroyNotify) change_free);
  g_clear_object (&self->certificates);
  g_clear_object (&self->keys);
  g_clear_object (&self->requests);
  g_clear_pointer (&self->rows, g_hash_table_unref);
  g_main_context_unref (self->context);
  g_rec_mutex_clear (&self->lock);
  g_mutex_clear (&self->changes_lock);
  g_free (self->dir);
  g_free (self->path);

  G_OBJECT_CLASS (ck_store_parent_class)->finalize (object);
}

static guint revocation_changed_signal;

static gboolean
emit_revocation_changed (gpointer data)
{
  g_signal_emit (data, revocation_changed_signal, 0);
  return G_SOURCE_REMOVE;
}

void
ck_store_queue_revocation_changed (CkStore *self)
{
  g_return_if_fail (CK_IS_STORE (self));

  /* As queue_change(): after the model changes queued before it. */
  g_main_context_invoke_full (self->context, G_PRIORITY_DEFAULT, emit_revocation_changed,
                              g_object_ref (self), g_object_unref);
}

static void
ck_store_class_init (CkStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ck_store_finalize;

  /* A CRL or an OCSP answer was stored through this CkStore (an import,
   * CkRevocationStore): emitted on the models' context. */
  revocation_changed_signal = g_signal_new ("revocation-changed", G_TYPE_FROM_CLASS (klass),
                                            G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                            G_TYPE_NONE, 0);
}

static void
ck_store_init (CkStore *self)
{
  g_rec_mutex_init (&self->lock);
  g_mutex_init (&self->changes_lock);
  g_queue_init (&self->changes);
  self->context = g_main_context_ref_thread_default ();
  self->certificates = g_list_store_new (CK_TYPE_STORED_CERTIFICATE);
  self->keys = g_list_store_new (CK_TYPE_STORED_KEY);
  self->requests = g_list_store_new (CK_TYPE_STORED_REQUEST);
  self->rows = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                      g_object_unref);
}

char *
ck_store_get_default_dir (void)
{
  const char *env = g_getenv ("CERTKEEPER_STORE");

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  return g_build_filename (g_get_user_data_dir (), "certkeeper", NULL);
}

static gboolean
set_io_error (GError     **error,
              int          err,
              const char  *format,
              ...) G_GNUC_PRINTF (3, 4);

/* @format says what could not be done to which path; the system's reason
 * follows it. */
static gboolean
set_io_error (GError     **error,
              int          err,
              const char  *format,
              ...)
{
  g_autofree char *what = NULL;
  va_list args;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, CK_ERROR, CK_ERROR_STORE, "%s: %s", what, g_strerror (err));
  return FALSE;
}

/* The directory holds private keys: 0700. We tighten what we create; a
 * directory someone else set up looser is their choice, but say so. */
static gboolean
prepare_dir (const char  *dir,
             GError     **error)
{
  struct stat st;

  if (g_stat (dir, &st) != 0)
    {
      if (errno != ENOENT)
        return set_io_error (error, errno, _("Cannot use the store directory %s"), dir);
      if (g_mkdir_with_parents (dir, 0700) != 0)
        return set_io_error (error, errno, _("Cannot create the store directory %s"), dir);
      /* The umask may have been stricter, never looser; be exact. */
      if (g_chmod (dir, 0700) != 0 || g_stat (dir, &st) != 0)
        return set_io_error (error, errno, _("Cannot protect the store directory %s"), dir);
    }
  if (!S_ISDIR (st.st_mode))
    {
      g_set_error (error, CK_ERROR, CK_ERROR_STORE,
                   _("Cannot use %s as the store: it is not a directory"), dir);
      return FALSE;
    }
  if (!ck_store_check_owner_and_mode (dir, &st, error))
    return FALSE;
  if ((st.st_mode & 077) != 0)
    g_warning ("The store directory %s can be read by other users (mode %03o); "
               "it holds private keys: consider “chmod 700 %s”",
               dir, (unsigned) (st.st_mode & 0777), dir);
  return TRUE;
}

/* Creates @path 0600 if needed, and makes an existing one 0600.
 *
 * An existing file is only chmod()ed by name, never opened: closing any
 * descriptor of a file drops every POSIX lock this process holds on it,
 * and another CkStore of this process may hold SQLite's locks on these
 * very files. */
static gboolean
protect_file (const char  *path,
              gboolean     create,
              GError     **error)
{
  struct stat st;

  for (;;)
    {
      int fd;

      if (g_lstat (path, &st) == 0)
        {
          if (!S_ISREG (st.st_mode))
            {
              g_set_error (error, CK_ERROR, CK_ERROR_STORE,
                           _("Cannot use %s: it is not a regular file"), path);
              return FALSE;
            }
          if (!ck_store_check_owner_and_mode (path, &st, error))
            return FALSE;
          if ((st.st_mode & 077) != 0 && g_chmod (path, 0600) != 0)
            return set_io_error (error, errno, _("Cannot protect %s"), path);
          return TRUE;
        }
      if (errno != ENOENT)
        return set_io_error (error, errno, _("Cannot check %s"), path);
      if (!create)
        return TRUE;

      /* Nobody can hold a lock on a file that does not exist yet. */
      fd = g_open (path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, 0600);
      if (fd >= 0)
        {
          close (fd);
          return TRUE;
        }
      /* Another process created it first: protect that one. */
      if (errno != EEXIST)
        return set_io_error (error, errno, _("Cannot create %s"), path);
    }
}

/* NOMUTEX: self->lock serialises every use of the connection. */
static gboolean
open_connection (CkStore     *self,
                 const char  *filename,
                 int          flags,
                 GError     **error)
{
  if (sqlite3_open_v2 (filename, &self->db,
                       flags | SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_NOFOLLOW,
                       NULL) != SQLITE_OK)
    {
      if (self->db == NULL)
        {
          g_set_error (error, CK_ERROR, CK_ERROR_STORE,
                       _("Cannot open %s: out of memory"), self->path);
          return FALSE;
        }
      g_set_error (error, CK_ERROR, CK_ERROR_STORE, _("Cannot open %s: %s"),
                   self->path, sqlite3_errmsg (self->db));
      return FALSE;
    }
  sqlite3_extended_result_codes (self->db, 1);
  return TRUE;
}

/* WAL: readers never block the writer. synchronous=FULL: a commit is
 * durable once it returns; an import is one transaction, so that is one
 * fsync per import, not per certificate. secure_delete: a deleted key's
 * bytes do not linger in free pages. */
static gboolean
configure_db (CkStore  *self,
              GError  **error)
{
  sqlite3_stmt *stmt = NULL;
  gboolean wal = FALSE;

  if (!exec (self, "PRAGMA foreign_keys = ON", error) ||
      !exec (self, "PRAGMA synchronous = FULL", error) ||
      !exec (self, "PRAGMA secure_delete = ON", error) ||
      !exec (self, "PRAGMA cache_size = -16384", error) ||
      /* A 100,000-certificate import leaves a WAL the size of the store;
       * once checkpointed it need not stay that big on disk. */
      !exec (self, "PRAGMA journal_size_limit = 8388608", error))
    return FALSE;

  if (sqlite3_prepare_v2 (self->db, "PRAGMA journal_mode = WAL", -1, &stmt,
                          NULL) != SQLITE_OK)
    return ck_store_set_sqlite_error (error, self->db, _("enabling WAL"));
  if (sqlite3_step (stmt) == SQLITE_ROW)
    wal = g_ascii_strcasecmp ((const char *) sqlite3_column_text (stmt, 0),
                              "wal") == 0;
  sqlite3_finalize (stmt);
  if (!wal)
    {
      /* A statement that failed above left its code on the connection. */
      if (sqlite3_errcode (self->db) != SQLITE_OK)
        return ck_store_set_sqlite_error (error, self->db, _("enabling WAL"));
      g_set_error (error, CK_ERROR, CK_ERROR_STORE,
                   _("Cannot open %s: %s"), self->path,
                   _("the database cannot use write-ahead logging"));
      return FALSE;
    }
  return TRUE;
}

/* The database file alone, read-only and without the WAL's shared memory
 * (immutable=1): only when the WAL is empty, so the file is the whole
 * store, and nobody can be writing (a read-only file system; on a full
 * disk a writer would first need room for its WAL). */
static gboolean
open_snapshot (CkStore  *self,
               GError  **error)
{
  g_autofree char *absolute = NULL;
  g_autofree char *uri = NULL;
  g_autofree char *full = NULL;

  sqlite3_close (self->db);
  self->db = NULL;
  absolute = g_canonicalize_filename (self->path, NULL);
  uri = g_filename_to_uri (absolute, NULL, error);
  if (uri == NULL)
    return FALSE;
  full = g_strconcat (uri, "?mode=ro&immutable=1", NULL);
  if (!open_connection (self, full, SQLITE_OPEN_READONLY | SQLITE_OPEN_URI, error))
    return FALSE;
  self->read_only = TRUE;
  return exec (self, "PRAGMA foreign_keys = ON", error) &&
         exec (self, "PRAGMA cache_size = -16384", error);
}

static gboolean
open_db (CkStore  *self,
         GError  **error)
{
  const char *suffixes[] = { "-wal", "-shm" };
  g_autoptr(GError) local_error = NULL;

  /* SQLite gives the -wal and -shm files the mode of the database file, so
   * creating it 0600 ourselves protects all three without touching the
   * process-wide umask (the GUI has other threads). */
  if (!protect_file (self->path, TRUE, error))
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *side = g_strconcat (self->path, suffixes[i], NULL);
      if (!protect_file (side, FALSE, error))
        return FALSE;
    }

  if (!open_connection (self, self->path, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, error))
    return FALSE;
  /* Another process (the CLI while the GUI runs) may hold the write lock
   * for the length of an import. */
  sqlite3_busy_timeout (self->db, 10000);

  if (!configure_db (self, &local_error))
    {
      int code = sqlite3_errcode (self->db) & 0xff;

      if (code == SQLITE_CORRUPT || code == SQLITE_NOTADB)
        return ck_store_set_damaged_error (error, self->dir, self->path,
                                           sqlite3_errmsg (self->db));
      /* The WAL cannot be set up: -shm and -wal cannot be created or
       * grown. Reading (list, show, export, verify) must still work. */
      if ((code == SQLITE_CANTOPEN || code == SQLITE_IOERR || code == SQLITE_FULL ||
           code == SQLITE_READONLY) && ck_store_wal_is_empty (self->path))
        return open_snapshot (self, error);
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  return TRUE;
}

/* Reads every row into the models of a store just opened: nobody can be
 * watching them yet, so they are filled directly. */
static gboolean
fill_models (CkStore  *self,
             GError  **error)
{
  g_autoptr(Change) change = change_new ();

  self->data_version = get_data_version (self);
  if (!read_rows (self, 0, change, error))
    return FALSE;
  change->reset = TRUE;
  apply_change (self, change);
  return TRUE;
}

CkStore *
ck_store_open (const char  *dir,
               GError     **error)
{
  return ck_store_open_full (dir, CK_STORE_OPEN_DEFAULT, error);
}

CkStore *
ck_store_open_full (const char        *dir,
                    CkStoreOpenFlags   flags,
                    GError           **error)
{
  g_autoptr(CkStore) self = g_object_new (CK_TYPE_STORE, NULL);
  sqlite3_stmt *stmt = NULL;

  self->dir = dir != NULL ? g_strdup (dir) : ck_store_get_default_dir ();
  self->path = g_build_filename (self->dir, "store.db", NULL);

  /* The whole-file check reads every page (0.2 s at 100,000
   * certificates, more than a one-object command): a lazy open checks a
   * store once after each change (SQLite's page checks would miss a
   * damaged page that only loses rows). */
  if (!prepare_dir (self->dir, error) || !open_db (self, error) ||
      !((flags & CK_STORE_OPEN_LAZY) != 0
          ? ck_store_check_integrity_once (self->db, self->dir, self->path, error)
          : ck_store_check_integrity (self->db, self->dir, self->path, error)))
    return NULL;

  if (!ck_store_schema_migrate (self->db, self->path, error))
    return NULL;

  if (sqlite3_prepare_v2 (self->db, "PRAGMA user_version", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    self->schema_version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);

  if ((flags & CK_STORE_OPEN_LAZY) != 0)
    {
      self->lazy = TRUE;
      self->data_version = get_data_version (self);
    }
  else if (!fill_models (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

/* A second connection to a store this process has open already, for a
 * worker thread (the verdict cache): read-only, so it never takes the
 * write lock nor migrates, and it reads the WAL the writer keeps (no
 * immutable snapshot: it sees later commits). The integrity check and
 * the migrations were done by the first ck_store_open(). Its models stay
 * empty (reading 100,000 rows into them would cost the worker half a
 * second and as much memory as the GUI's): it reads objects by id. */
CkStore *
ck_store_open_read_only (const char  *dir,
                         GError     **error)
{
  g_autoptr(CkStore) self = g_object_new (CK_TYPE_STORE, NULL);

  g_return_val_if_fail (dir != NULL, NULL);

  self->dir = g_strdup (dir);
  self->path = g_build_filename (self->dir, "store.db", NULL);
  self->read_only = TRUE;
  if (!open_connection (self, self->path, SQLITE_OPEN_READONLY, error))
    return NULL;
  sqlite3_busy_timeout (self->db, 10000);
  if (!exec (self, "PRAGMA foreign_keys = ON", error) ||
      !exec (self, "PRAGMA cache_size = -16384", error))
    return NULL;
  self->schema_version = ck_store_schema_latest_version ();
  self->data_version = get_data_version (self);
  return g_steal_pointer (&self);
}

gboolean
ck_store_is_read_only (CkStore *self)
{
  g_return_val_if_fail (CK_IS_STORE (self), TRUE);
  return self->read_only;
}

const char *
ck_store_get_dir (CkStore *self)
{
  g_return_val_if_fail (CK_IS_STORE (self), NULL);
  return self->dir;
}

const char *
ck_store_get_path (CkStore *self)
{
  g_return_val_if_fail (CK_IS_STORE (self), NULL);
  return self->path;
}

int
ck_store_get_schema_version (CkStore *self)
{
  g_return_val_if_fail (CK_IS_STORE (self), 0);
  return self->schema_version;
}

/* A lazily opened store fills its models when they are first asked for.
 * On a read error they stay empty (and the store lazy), as a store that
 * cannot be read at open is not opened. */
static void
ensure_models (CkStore *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(Change) change = NULL;
  gboolean ok;

  if (!self->lazy)
    return;

  change = change_new ();
  ck_store_lock (self);
  /* One read transaction, so the three lists agree with each other. */
  ok = exec (self, "BEGIN", &error);
  if (ok)
    {
      ok = read_rows (self, 0, change, &error);
      if (ok)
        self->data_version = get_data_version (self);
      sqlite3_exec (self->db, "COMMIT", NULL, NULL, NULL);
    }
  ck_store_unlock (self);
  if (!ok)
    {
      g_warning ("%s: %s", self->path, error->message);
      return;
    }
  /* The rows fetched so far stay in @rows (callers may hold them). */
  self->lazy = FALSE;
  change->reset = TRUE;
  apply_change (self, change);
}

GListModel *
ck_store_get_certificates (CkStore *self)
{
  g_return_val_if_fail (CK_IS_STORE (self), NULL);
  ensure_models (self);
  return G_LIST_MODEL (self->certificates);
}

GListModel *
ck_store_peek_certificates (CkStore *self)
{
  g_return_val_if_fail (CK_IS_STORE (self), NULL);
  return G_LIST_MODEL (self->certificates);
}

GListModel *
ck_store_get_keys (CkStore *self)
{
  g_return_val_if_fail (CK_IS_STORE (self), NULL);
  ensure_models (self);
  return G_LIST_MODEL (self->keys);
}

GListModel *
ck_store_get_requests (CkStore *self)
{
  g_return_val_if_fail (CK_IS_STORE (self), NULL);
  ensure_models (self);
  return G_LIST_MODEL (self->requests);
}

gboolean
ck_store_reload (CkStore  *self,
                 GError  **error)
{
  g_autoptr(Change) change = change_new ();
  gboolean ok;

  g_return_val_if_fail (CK_IS_STORE (self), FALSE);

  ck_store_lock (self);
  /* One read transaction, so the three lists agree with each other. */
  ok = exec (self, "BEGIN", error);
  if (ok)
    {
      /* A lazy store only forgets the rows it fetched. */
      ok = self->lazy || read_rows (self, 0, change, error);
      if (ok)
        self->data_version = get_data_version (self);
      sqlite3_exec (self->db, "COMMIT", NULL, NULL, NULL);
    }
  ck_store_unlock (self);
  if (!ok)
    return FALSE;

  change->reset = TRUE;
  queue_change (self, g_steal_pointer (&change));
  return TRUE;
}

gboolean
ck_store_changed_elsewhere (CkStore *self)
{
  gboolean changed;

  g_return_val_if_fail (CK_IS_STORE (self), FALSE);

  ck_store_lock (self);
  changed = get_data_version (self) != self->data_version;
  ck_store_unlock (self);
  return changed;
}

/* --- Lookups ----------------------------------------------------------- */

static gint64
find_by_fingerprint (CkStore    *self,
                     StmtId      id,
                     const char *fingerprint)
{
  g_autofree char *hex = NULL;
  gint64 result;

  g_return_val_if_fail (CK_IS_STORE (self), 0);

  if (fingerprint == NULL || (hex = ck_hex_normalize (fingerprint)) == NULL)
    return 0;
  ck_store_lock (self);
  result = query_id (self, id, hex, NULL);
  ck_store_unlock (self);
  return MAX (result, 0);
}

gint64
ck_store_find_certificate (CkStore    *self,
                           const char *sha256)
{
  return find_by_fingerprint (self, STMT_CERT_BY_SHA256, sha256);
}

gint64
ck_store_find_key (CkStore    *self,
                   const char *spki_sha256)
{
  return find_by_fingerprint (self, STMT_KEY_BY_SPKI, spki_sha256);
}

gint64
ck_store_find_request (CkStore    *self,
                       const char *sha256)
{
  return find_by_fingerprint (self, STMT_REQUEST_BY_SHA256, sha256);
}

/* The ids @stmt_id (one text or integer parameter) selects. */
static GArray *
find_ids (CkStore    *self,
          StmtId      stmt_id,
          const char *text,
          gint64      number)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt;

  ck_store_lock (self);
  stmt = get_stmt (self, stmt_id, NULL);
  if (stmt != NULL)
    {
      if (text != NULL)
        sqlite3_bind_text (stmt, 1, text, -1, SQLITE_STATIC);
      else
        sqlite3_bind_int64 (stmt, 1, number);
      collect_ids (self, stmt, ids, NULL);
    }
  ck_store_unlock (self);
  return ids;
}

/* find_ids() for a fingerprint, normalised first (colons, upper case). */
static GArray *
find_ids_by_fingerprint (CkStore    *self,
                         StmtId      stmt_id,
                         const char *fingerprint)
{
  g_autofree char *hex = NULL;

  if (fingerprint == NULL || (hex = ck_hex_normalize (fingerprint)) == NULL)
    return g_array_new (FALSE, FALSE, sizeof (gint64));
  return find_ids (self, stmt_id, hex, 0);
}

GArray *
ck_store_find_certificates_for_key (CkStore    *self,
                                    const char *spki_sha256)
{
  g_return_val_if_fail (CK_IS_STORE (self), g_array_new (FALSE, FALSE, sizeof (gint64)));
  return find_ids_by_fingerprint (self, STMT_CERTS_BY_SPKI, spki_sha256);
}

GArray *
ck_store_find_requests_for_key (CkStore    *self,
                                const char *spki_sha256)
{
  g_return_val_if_fail (CK_IS_STORE (self), g_array_new (FALSE, FALSE, sizeof (gint64)));
  return find_ids_by_fingerprint (self, STMT_REQUESTS_BY_SPKI, spki_sha256);
}

GArray *
ck_store_find_certificates_by_subject (CkStore    *self,
                                       const char *subject)
{
  g_return_val_if_fail (CK_IS_STORE (self), g_array_new (FALSE, FALSE, sizeof (gint64)));

  if (subject == NULL)
    return g_array_new (FALSE, FALSE, sizeof (gint64));
  return find_ids (self, STMT_CERTS_BY_SUBJECT, subject, 0);
}

GArray *
ck_store_find_requests_for_certificate (CkStore *self,
                                        gint64   certificate_id)
{
  g_return_val_if_fail (CK_IS_STORE (self), g_array_new (FALSE, FALSE, sizeof (gint64)));

  return find_ids (self, STMT_REQUESTS_BY_CERT, NULL, certificate_id);
}

static CkObjectKind
kind_from_string (const char *kind)
{
  if (g_strcmp0 (kind, "certificate") == 0)
    return CK_OBJECT_CERTIFICATE;
  if (g_strcmp0 (kind, "key") == 0)
    return CK_OBJECT_KEY;
  if (g_strcmp0 (kind, "request") == 0)
    return CK_OBJECT_REQUEST;
  return CK_OBJECT_NONE;
}

const char *
ck_object_kind_to_string (CkObjectKind kind)
{
  switch (kind)
    {
    case CK_OBJECT_CERTIFICATE:
      return "certificate";
    case CK_OBJECT_KEY:
      return "key";
    case CK_OBJECT_REQUEST:
      return "request";
    case CK_OBJECT_NONE:
    default:
      return "none";
    }
}

/* Called with the lock. */
static CkObjectKind
get_kind_locked (CkStore *self,
                 gint64   id)
{
  sqlite3_stmt *stmt = get_stmt (self, STMT_KIND, NULL);
  CkObjectKind kind = CK_OBJECT_NONE;

  if (stmt == NULL)
    return CK_OBJECT_NONE;
  sqlite3_bind_int64 (stmt, 1, id);
  if (sqlite3_step (stmt) == SQLITE_ROW)
    kind = kind_from_string ((const char *) sqlite3_column_text (stmt, 0));
  done_stmt (stmt);
  return kind;
}

CkObjectKind
ck_store_get_kind (CkStore *self,
                   gint64   id)
{
  CkObjectKind kind;

  g_return_val_if_fail (CK_IS_STORE (self), CK_OBJECT_NONE);

  ck_store_lock (self);
  kind = get_kind_locked (self, id);
  ck_store_unlock (self);
  return kind;
}

/* The shortest prefix accepted: fewer hex digits would match half the
 * store and read like an id. */
#define MIN_PREFIX 4

/* "2 certificates", for the list of what an ambiguous prefix matched. */
static void
append_count (GString      *s,
              CkObjectKind  kind,
              guint         n)
{
  switch (kind)
    {
    case CK_OBJECT_CERTIFICATE:
      g_string_append_printf (s, ngettext ("%u certificate", "%u certificates", n), n);
      break;
    case CK_OBJECT_KEY:
      g_string_append_printf (s, ngettext ("%u key", "%u keys", n), n);
      break;
    case CK_OBJECT_REQUEST:
      g_string_append_printf (s, ngettext ("%u request", "%u requests", n), n);
      break;
    default:
      g_string_append_printf (s, ngettext ("%u object", "%u objects", n), n);
      break;
    }
}

static gboolean
is_all_digits (const char *s)
{
  if (*s == '\0')
    return FALSE;
  for (; *s; s++)
    if (!g_ascii_isdigit (*s))
      return FALSE;
  return TRUE;
}

gboolean
ck_store_resolve (CkStore       *self,
                  const char    *ref,
                  CkObjectKind  *kind,
                  gint64        *id,
                  GError       **error)
{
  /* Fingerprint columns, each with a UNIQUE index: a range scan per table. */
  static const struct {
    const char *sql;
    CkObjectKind kind;
  } tables[] = {
    { "SELECT count(*), max(id) FROM certificates "
      "WHERE sha256 >= ?1 AND sha256 < ?2", CK_OBJECT_CERTIFICATE },
    { "SELECT count(*), max(id) FROM keys "
      "WHERE spki_sha256 >= ?1 AND spki_sha256 < ?2", CK_OBJECT_KEY },
    { "SELECT count(*), max(id) FROM requests "
      "WHERE sha256 >= ?1 AND sha256 < ?2", CK_OBJECT_REQUEST },
  };
  g_autofree char *text = NULL;
  g_autofree char *hex = NULL;
  g_autofree char *upper = NULL;
  CkObjectKind found_kind = CK_OBJECT_NONE;
  gint64 found_id = 0;
  guint n_found = 0;
  guint n_per_kind[G_N_ELEMENTS (tables)] = { 0, };

  g_return_val_if_fail (CK_IS_STORE (self), FALSE);
  g_return_val_if_fail (ref != NULL, FALSE);

  text = g_strstrip (g_strdup (ref));

  ck_store_lock (self);

  /* A number is an id first: "1234" could also be a prefix, but ids are
   * what the list and the CLI print. */
  if (is_all_digits (text))
    {
      gint64 n = g_ascii_strtoll (text, NULL, 10);
      CkObjectKind k = n > 0 ? get_kind_locked (self, n) : CK_OBJECT_NONE;

      if (k != CK_OBJECT_NONE)
        {
          ck_store_unlock (self);
          if (kind != NULL)
            *kind = k;
          if (id != NULL)
            *id = n;
          return TRUE;
        }
    }

  if (g_ascii_strncasecmp (text, "sha256:", 7) == 0)
    hex = ck_hex_normalize (text + 7);
  else
    hex = ck_hex_normalize (text);

  if (hex == NULL || strlen (hex) < MIN_PREFIX)
    {
      ck_store_unlock (self);
      if (hex != NULL && is_all_digits (text))
        g_set_error (error, CK_ERROR, CK_ERROR_NOT_FOUND,
                     _("No object with id %s in the store"), text);
      else
        g_set_error (error, CK_ERROR, CK_ERROR_NOT_FOUND,
                     _("“%s” is neither a store id nor a fingerprint prefix of "
                     "at least %d hex digits"), text, MIN_PREFIX);
      return FALSE;
    }

  /* Everything starting with @hex sorts in [hex, hex + "g"). */
  upper = g_strconcat (hex, "g", NULL);
  for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
    {
      sqlite3_stmt *stmt = NULL;
      int rc;

      if (sqlite3_prepare_v2 (self->db, tables[t].sql, -1, &stmt, NULL) != SQLITE_OK)
        {
          ck_store_set_sqlite_error (error, self->db, _("resolving a fingerprint"));
          ck_store_unlock (self);
          return FALSE;
        }
      sqlite3_bind_text (stmt, 1, hex, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, upper, -1, SQLITE_STATIC);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW && sqlite3_column_int (stmt, 0) > 0)
        {
          n_per_kind[t] = sqlite3_column_int (stmt, 0);
          n_found += n_per_kind[t];
          found_id = sqlite3_column_int64 (stmt, 1);
          found_kind = tables[t].kind;
        }
      sqlite3_finalize (stmt);
      if (rc != SQLITE_ROW)
        {
          ck_store_set_sqlite_error (error, self->db, _("resolving a fingerprint"));
          ck_store_unlock (self);
          return FALSE;
        }
    }
  ck_store_unlock (self);

  if (n_found == 0)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_NOT_FOUND,
                   _("No certificate, key or request in the store has an id or "
                   "fingerprint starting with “%s”"), text);
      return FALSE;
    }
  if (n_found > 1)
    {
      g_autoptr(GString) what = g_string_new (NULL);

      for (guint t = 0; t < G_N_ELEMENTS (tables); t++)
        {
          if (n_per_kind[t] == 0)
            continue;
          if (what->len > 0)
            g_string_append (what, ", ");
          append_count (what, tables[t].kind, n_per_kind[t]);
        }
      g_set_error (error, CK_ERROR, CK_ERROR_AMBIGUOUS,
                   ngettext ("“%s” matches %u object (%s); give more digits of the "
                             "fingerprint, or the id",
                             "“%s” matches %u objects (%s); give more digits of the "
                             "fingerprint, or the id", n_found),
                   text, n_found, what->str);
      return FALSE;
    }

  if (kind != NULL)
    *kind = found_kind;
  if (id != NULL)
    *id = found_id;
  return TRUE;
}

/* A lazily opened store's row @id from @stmt_id (one of the *_ROW), of
 * @type: from @rows, else read and kept there (transfer none). */
static gpointer
fetch_row (CkStore *self,
           StmtId   stmt_id,
           GType    type,
           gint64   id)
{
  gpointer row;
  sqlite3_stmt *stmt;

  ck_store_lock (self);
  row = g_hash_table_lookup (self->rows, &id);
  if (row != NULL)
    {
      ck_store_unlock (self);
      return G_TYPE_CHECK_INSTANCE_TYPE (row, type) ? row : NULL;
    }
  stmt = get_stmt (self, stmt_id, NULL);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, id);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        {
          if (stmt_id == STMT_CERT_ROW)
            row = ck_stored_certificate_new_from_stmt (stmt, sqlite3_column_int (stmt, 17));
          else if (stmt_id == STMT_KEY_ROW)
            row = ck_stored_key_new_from_stmt (stmt);
          else
            row = ck_stored_request_new_from_stmt (stmt);
          g_hash_table_insert (self->rows, g_memdup2 (&id, sizeof id), row);
        }
      done_stmt (stmt);
    }
  ck_store_unlock (self);
  return row;
}

CkStoredCertificate *
ck_store_get_certificate_row (CkStore *self,
                              gint64   id)
{
  g_autoptr(CkStoredCertificate) row = NULL;

  g_return_val_if_fail (CK_IS_STORE (self), NULL);
  if (self->lazy)
    return fetch_row (self, STMT_CERT_ROW, CK_TYPE_STORED_CERTIFICATE, id);
  /* The model keeps its reference: transfer none. */
  row = find_row (self->certificates, id, NULL);
  return row;
}

CkStoredKey *
ck_store_get_key_row (CkStore *self,
                      gint64   id)
{
  g_autoptr(CkStoredKey) row = NULL;

  g_return_val_if_fail (CK_IS_STORE (self), NULL);
  if (self->lazy)
    return fetch_row (self, STMT_KEY_ROW, CK_TYPE_STORED_KEY, id);
  row = find_row (self->keys, id, NULL);
  return row;
}

CkStoredRequest *
ck_store_get_request_row (CkStore *self,
                          gint64   id)
{
  g_autoptr(CkStoredRequest) row = NULL;

  g_return_val_if_fail (CK_IS_STORE (self), NULL);
  if (self->lazy)
    return fetch_row (self, STMT_REQUEST_ROW, CK_TYPE_STORED_REQUEST, id);
  row = find_row (self->requests, id, NULL);
  return row;
}

/* The blob column 0 of @stmt_id for @id, or NULL with NOT_FOUND. */
static GBytes *
load_blob (CkStore     *self,
           StmtId       stmt_id,
           gint64       id,
           GError     **error)
{
  sqlite3_stmt *stmt;
  GBytes *bytes = NULL;
  int rc;

  ck_store_lock (self);
  stmt = get_stmt (self, stmt_id, error);
  if (stmt == NULL)
    {
      ck_store_unlock (self);
      return NULL;
    }
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    bytes = g_bytes_new (sqlite3_column_blob (stmt, 0),
                         sqlite3_column_bytes (stmt, 0));
  else if (rc == SQLITE_DONE)
    g_set_error (error, CK_ERROR, CK_ERROR_NOT_FOUND,
                 stmt_id == STMT_CERT_DER ? _("No certificate with id %lld in the store")
                                          : _("No request with id %lld in the store"),
                 (long long) id);
  else
    ck_store_set_sqlite_error (error, self->db, _("reading an object"));
  done_stmt (stmt);
  ck_store_unlock (self);
  return bytes;
}

CkCertificate *
ck_store_load_certificate (CkStore  *self,
                           gint64    id,
                           GError  **error)
{
  g_autoptr(GBytes) der = NULL;
  CkCertificate *cert;

  g_return_val_if_fail (CK_IS_STORE (self), NULL);

  der = load_blob (self, STMT_CERT_DER, id, error);
  if (der == NULL)
    return NULL;
  cert = ck_certificate_new_from_der (der, error);
  if (cert == NULL)
    g_prefix_error (error, _("Certificate %lld in the store: "), (long long) id);
  return cert;
}

CkRequest *
ck_store_load_request (CkStore  *self,
                       gint64    id,
                       GError  **error)
{
  g_autoptr(GBytes) der = NULL;
  CkRequest *request;

  g_return_val_if_fail (CK_IS_STORE (self), NULL);

  der = load_blob (self, STMT_REQUEST_DER, id, error);
  if (der == NULL)
    return NULL;
  request = ck_request_new_from_der (der, error);
  if (request == NULL)
    g_prefix_error (error, _("Request %lld in the store: "), (long long) id);
  return request;
}

/* The stored key: its blob (and whether it is encrypted) or a token URI;
 * @spki (nullable) its SPKI SHA-256. */
static gboolean
read_key (CkStore   *self,
          gint64     id,
          GBytes   **pkcs8,
          char     **uri,
          gboolean  *encrypted,
          char     **spki,
          GError   **error)
{
  sqlite3_stmt *stmt;
  gboolean ok = FALSE;
  int rc;

  *pkcs8 = NULL;
  *uri = NULL;
  *encrypted = FALSE;

  ck_store_lock (self);
  stmt = get_stmt (self, STMT_KEY_PKCS8, error);
  if (stmt != NULL)
    {
      sqlite3_bind_int64 (stmt, 1, id);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        {
          if (sqlite3_column_type (stmt, 0) != SQLITE_NULL)
            *pkcs8 = g_bytes_new (sqlite3_column_blob (stmt, 0),
                                  sqlite3_column_bytes (stmt, 0));
          *uri = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
          *encrypted = sqlite3_column_int (stmt, 2) != 0;
          if (spki != NULL)
            *spki = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
          ok = TRUE;
        }
      else if (rc == SQLITE_DONE)
        g_set_error (error, CK_ERROR, CK_ERROR_NOT_FOUND,
                     _("No key with id %lld in the store"), (long long) id);
      else
        ck_store_set_sqlite_error (error, self->db, _("reading a key"));
      done_stmt (stmt);
    }
  ck_store_unlock (self);
  return ok;
}

/* Wipes a GBytes we hold the only reference to (key material). */
static void
wipe_bytes (GBytes *bytes)
{
  gsize len;
  gpointer data;

  if (bytes == NULL)
    return;
  data = (gpointer) g_bytes_get_data (bytes, &len);
  if (data != NULL)
    gnutls_memset (data, 0, len);
  g_bytes_unref (bytes);
}

GBytes *
ck_store_get_key_pkcs8 (CkStore  *self,
                        gint64    id,
                        GError  **error)
{
  GBytes *pkcs8;
  g_autofree char *uri = NULL;
  gboolean encrypted;

  g_return_val_if_fail (CK_IS_STORE (self), NULL);

  if (!read_key (self, id, &pkcs8, &uri, &encrypted, NULL, error))
    return NULL;
  if (pkcs8 == NULL)
    g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                 _("Key %lld is on a token (%s): its private "
                   "part cannot be exported"), (long long) id, uri);
  return pkcs8;
}

CkPrivateKey *
ck_store_load_private_key (CkStore     *self,
                           gint64       id,
                           const char  *passphrase,
                           GError     **error)
{
  GBytes *pkcs8;
  g_autofree char *uri = NULL;
  g_autofree char *spki = NULL;
  gboolean encrypted;
  CkPrivateKey *key;

  g_return_val_if_fail (CK_IS_STORE (self), NULL);

  if (passphrase != NULL && *passphrase == '\0')
    passphrase = NULL;
  if (!read_key (self, id, &pkcs8, &uri, &encrypted, &spki, error))
    return NULL;
  if (pkcs8 == NULL)
    return ck_private_key_new_from_pkcs11_uri (uri, error);

  /* Sealed under the store key, or PBES2 from before the vault (the
   * vault re-seals it). Not with the store locked: the vault takes the
   * lock itself, after its own. */
  if (encrypted)
    key = ck_key_vault_open_key (ck_key_vault_get (self), id, spki, pkcs8,
                                 passphrase, error);
  else
    key = ck_private_key_new_from_pkcs8 (pkcs8, NULL, error);
  wipe_bytes (pkcs8);
  if (key == NULL)
    g_prefix_error (error, _("Key %lld in the store: "), (long long) id);
  return key;
}

/* --- Writing ----------------------------------------------------------- */

static gint64
insert_object (CkStore     *self,
               const char  *kind,
               GError     **error)
{
  sqlite3_stmt *stmt = get_stmt (self, STMT_INSERT_OBJECT, error);
  int rc;

  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, kind, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  done_stmt (stmt);
  if (rc != SQLITE_DONE)
    {
      ck_store_set_sqlite_error (error, self->db, _("adding an object"));
      return 0;
    }
  return sqlite3_last_insert_rowid (self->db);
}

static gboolean
step_done (CkStore       *self,
           sqlite3_stmt  *stmt,
           const char    *what,
           GError       **error)
{
  int rc = sqlite3_step (stmt);

  if (rc != SQLITE_DONE)
    ck_store_set_sqlite_error (error, self->db, what);
  done_stmt (stmt);
  return rc == SQLITE_DONE;
}

static void
bind_text_or_null (sqlite3_stmt *stmt,
                   int           column,
                   const char   *text)
{
  if (text != NULL && *text != '\0')
    sqlite3_bind_text (stmt, column, text, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, column);
}

static void
bind_bytes (sqlite3_stmt *stmt,
            int           column,
            GBytes       *bytes)
{
  gsize len;
  gconstpointer data = g_bytes_get_data (bytes, &len);

  sqlite3_bind_blob64 (stmt, column, data, len, SQLITE_STATIC);
}

static char *
format_san (CkCertificate *cert)
{
  GPtrArray *names = ck_certificate_get_subject_alt_names (cert);
  GString *s;

  if (names == NULL || names->len == 0)
    return NULL;
  s = g_string_new (NULL);
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *name = ck_general_name_to_string (g_ptr_array_index (names, i));

      if (i > 0)
        g_string_append (s, ", ");
      g_string_append (s, name);
    }
  return g_string_free (s, FALSE);
}

/* The state of one commit. */
typedef struct {
  CkStore *store;
  const char *passphrase;
  /* New software keys are sealed under the store's key vault (unlocked
   * with the passphrase, once, or already unlocked); else they are stored
   * in the clear, which only CK_COMMIT_NO_KEY_PASSPHRASE allows. */
  gboolean protect;
  CkCommitFlags flags;
  gint64 now;
  /* Ids from here on were created by this commit. */
  gint64 first_id;
  CkCommitSummary *summary;
  Change *change;
  /* SPKIs with pending requests: most certificates have none, and this
   * spares them an UPDATE each. */
  GHashTable *pending_spki;
  /* SPKI → the key's PKCS#8 as it will be stored, encrypted before the
   * write transaction begins (see encrypt_keys()). */
  GHashTable *pkcs8;
  /* Keys the transaction needed but found not encrypted (the plan said the
   * store had them, and it no longer does): encrypted, then tried again. */
  GPtrArray *unprepared;
  /* Progress: keys encrypted before the transaction, counted in its
   * total. */
  guint n_encrypted;
} Commit;

static void
commit_clear (Commit *c)
{
  g_clear_pointer (&c->pending_spki, g_hash_table_unref);
  g_clear_pointer (&c->pkcs8, g_hash_table_unref);
  g_clear_pointer (&c->unprepared, g_ptr_array_unref);
}

/* Decides how new software keys are stored, once per operation: sealed
 * under the key vault when a passphrase is given (it unlocks the vault:
 * the one key derivation of the operation) or the vault is unlocked
 * already, and the user did not choose to store them in the clear; in the
 * clear with CK_COMMIT_NO_KEY_PASSPHRASE. *@protect is FALSE when neither
 * applies (the caller refuses the keys). Before any transaction: the
 * vault takes the store's lock after its own. */
static gboolean
decide_protection (CkStore        *self,
                   const char     *passphrase,
                   CkCommitFlags   flags,
                   gboolean       *protect,
                   GError        **error)
{
  CkKeyVault *vault = ck_key_vault_get (self);

  *protect = FALSE;
  if (passphrase != NULL)
    {
      if (!ck_key_vault_unlock (vault, passphrase, error))
        return FALSE;
      *protect = TRUE;
    }
  else if ((flags & CK_COMMIT_NO_KEY_PASSPHRASE) == 0)
    *protect = ck_key_vault_is_unlocked (vault);
  return TRUE;
}

/* The blob a new key is stored as: sealed under the vault, or plain
 * PKCS#8. */
static GBytes *
protect_key (CkStore       *self,
             CkPrivateKey  *key,
             gboolean       protect,
             GError       **error)
{
  if (protect)
    return ck_key_vault_wrap (ck_key_vault_get (self), key, error);
  return ck_private_key_export_pkcs8 (key, NULL, error);
}

/* Does the slow part of storing keys, the passphrase's key derivation, for
 * every private key of @items that the commit may write, before the write
 * transaction: run inside it, 300 keys held the database's write lock for
 * 23 s and other writers (a trust change in the window, another
 * certkeeper-cli) failed with "database is locked". @only_new skips what
 * the plan says is stored or repeated; the transaction checks anyway. */
static gboolean
encrypt_keys (Commit          *c,
              GPtrArray       *items,
              gboolean         only_new,
              guint            total,
              CkProgressFunc   progress,
              gpointer         progress_data,
              GError         **error)
{
  if (c->pkcs8 == NULL)
    c->pkcs8 = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                      (GDestroyNotify) wipe_bytes);
  /* Without a passphrase (and without leave to store keys in the clear)
   * commit_key() refuses them: nothing to prepare. */
  if (!c->protect && (c->flags & CK_COMMIT_NO_KEY_PASSPHRASE) == 0)
    return TRUE;

  for (guint i = 0; i < items->len; i++)
    {
      CkImportItem *item = g_ptr_array_index (items, i);
      CkPrivateKey *key;
      const char *spki;
      GBytes *pkcs8;

      if (ck_import_item_get_kind (item) != CK_IMPORT_ITEM_PRIVATE_KEY)
        continue;
      key = ck_import_item_get_private_key (item);
      spki = ck_private_key_get_spki_sha256 (key);
      if (ck_private_key_is_on_token (key) || g_hash_table_contains (c->pkcs8, spki) ||
          (only_new && (ck_import_item_get_existing_id (item) > 0 ||
                        ck_import_item_get_duplicate (item))))
        continue;

      pkcs8 = protect_key (c->store, key, c->protect, error);
      if (pkcs8 == NULL)
        {
          g_prefix_error (error, "%s: ", ck_import_item_get_source (item));
          return FALSE;
        }
      g_hash_table_insert (c->pkcs8, g_strdup (spki), pkcs8);
      c->n_encrypted++;
      if (progress != NULL &&
          !progress (MIN (c->n_encrypted, total), total, progress_data))
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                       _("Import cancelled: nothing was written"));
          return FALSE;
        }
    }
  return TRUE;
}

/* How many keys of @plan encrypt_keys() will encrypt, for the progress
 * total. */
static guint
count_keys_to_encrypt (Commit       *c,
                       CkImportPlan *plan)
{
  guint n = 0;

  if (!c->protect && (c->flags & CK_COMMIT_NO_KEY_PASSPHRASE) == 0)
    return 0;
  for (guint i = 0; i < ck_import_plan_get_n_items (plan); i++)
    {
      CkImportItem *item = ck_import_plan_get_item (plan, i);

      if (ck_import_item_get_kind (item) == CK_IMPORT_ITEM_PRIVATE_KEY &&
          ck_import_item_is_new (item) &&
          !ck_private_key_is_on_token (ck_import_item_get_private_key (item)))
        n++;
    }
  return n;
}

/* An item that is already there: in the store before this commit, or
 * written by it from an earlier copy in the same plan. */
static void
count_skipped (Commit *c,
               gint64  existing)
{
  if (c->first_id != 0 && existing >= c->first_id)
    c->summary->duplicates++;
  else
    c->summary->skipped++;
}

static gboolean
load_pending_spki (Commit  *c,
                   GError **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  c->pending_spki = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (sqlite3_prepare_v2 (c->store->db,
                          "SELECT DISTINCT spki_sha256 FROM requests "
                          "WHERE status = 'pending'", -1, &stmt, NULL) != SQLITE_OK)
    return ck_store_set_sqlite_error (error, c->store->db, _("reading requests"));
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_hash_table_add (c->pending_spki,
                      g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return ck_store_set_sqlite_error (error, c->store->db, _("reading requests"));
  return TRUE;
}

static gint64
commit_insert_object (Commit      *c,
                      const char  *kind,
                      GError     **error)
{
  gint64 id = insert_object (c->store, kind, error);

  if (id != 0 && c->first_id == 0)
    c->first_id = id;
  return id;
}

static gboolean
commit_certificate (Commit        *c,
                    CkImportItem  *item,
                    const char    *source,
                    GError       **error)
{
  CkStore *self = c->store;
  CkCertificate *cert = ck_import_item_get_certificate (item);
  const char *sha256 = ck_certificate_get_sha256_fingerprint (cert);
  const char *spki = ck_certificate_get_spki_sha256 (cert);
  g_autofree char *san = NULL;
  sqlite3_stmt *stmt;
  gint64 existing, id;
  int rc;

  existing = query_id (self, STMT_CERT_BY_SHA256, sha256, error);
  if (existing < 0)
    return FALSE;
  if (existing > 0)
    {
      count_skipped (c, existing);
      return TRUE;
    }

  id = commit_insert_object (c, "certificate", error);
  if (id == 0 || (stmt = get_stmt (self, STMT_INSERT_CERT, error)) == NULL)
    return FALSE;

  san = format_san (cert);
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, sha256, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, ck_certificate_get_sha1_fingerprint (cert), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, spki, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, ck_certificate_get_subject (cert), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, ck_certificate_get_issuer (cert), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, ck_certificate_get_display_name (cert), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 8, ck_certificate_get_issuer_display_name (cert), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 9, ck_certificate_get_serial (cert), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 10, ck_certificate_get_not_before (cert));
  sqlite3_bind_int64 (stmt, 11, ck_certificate_get_not_after (cert));
  sqlite3_bind_int (stmt, 12, ck_certificate_is_ca (cert) ? 1 : 0);
  bind_text_or_null (stmt, 13, ck_certificate_get_key_algorithm (cert));
  bind_text_or_null (stmt, 14, san);
  bind_text_or_null (stmt, 15, source);
  bind_text_or_null (stmt, 16, ck_import_item_get_label (item));
  sqlite3_bind_int64 (stmt, 17, c->now);
  bind_bytes (stmt, 18, ck_certificate_get_der (cert));
  if (!step_done (self, stmt, _("adding a certificate"), error))
    return FALSE;
  c->summary->certificates++;

  /* Pending requests for this public key are now issued. */
  if (!g_hash_table_remove (c->pending_spki, spki))
    return TRUE;
  stmt = get_stmt (self, STMT_ISSUE_REQUESTS, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, spki, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 request_id = sqlite3_column_int64 (stmt, 0);

      c->summary->requests_issued++;
      /* Rows created by this commit are read back at the end anyway. */
      if (request_id < c->first_id)
        add_id_value (c->change->request_status, request_id, id);
    }
  done_stmt (stmt);
  if (rc != SQLITE_DONE)
    return ck_store_set_sqlite_error (error, self->db, _("issuing requests"));
  return TRUE;
}

/* The certificates for @spki with ids below @below have their key again:
 * their rows say so once @change is applied. */
static gboolean
mark_key_present (CkStore     *self,
                  const char  *spki,
                  gint64       below,
                  Change      *change,
                  GError     **error)
{
  g_autoptr(GArray) certs = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3_stmt *stmt = get_stmt (self, STMT_CERTS_BY_SPKI, error);

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, spki, -1, SQLITE_STATIC);
  if (!collect_ids (self, stmt, certs, error))
    return FALSE;
  for (guint i = 0; i < certs->len; i++)
    {
      gint64 cert_id = g_array_index (certs, gint64, i);

      if (cert_id < below)
        add_id_value (change->has_key, cert_id, 1);
    }
  return TRUE;
}

static gboolean
commit_key (Commit        *c,
            CkImportItem  *item,
            const char    *source,
            GError       **error)
{
  CkStore *self = c->store;
  CkPrivateKey *key = ck_import_item_get_private_key (item);
  const char *spki = ck_private_key_get_spki_sha256 (key);
  GBytes *pkcs8 = NULL;
  gboolean on_token = ck_private_key_is_on_token (key);
  sqlite3_stmt *stmt;
  gint64 existing, id;
  gboolean ok;

  existing = query_id (self, STMT_KEY_BY_SPKI, spki, error);
  if (existing < 0)
    return FALSE;
  if (existing > 0)
    {
      count_skipped (c, existing);
      return TRUE;
    }

  if (!on_token)
    {
      /* The up-front check trusts the plan's flags; this one does not. */
      if (!c->protect && (c->flags & CK_COMMIT_NO_KEY_PASSPHRASE) == 0)
        {
          g_set_error (error, CK_ERROR, CK_ERROR_PASSWORD_REQUIRED,
                       _("a passphrase is needed to protect this key"));
          return FALSE;
        }
      /* Encrypted before the transaction: no key derivation in here. */
      pkcs8 = c->pkcs8 != NULL ? g_hash_table_lookup (c->pkcs8, spki) : NULL;
      if (pkcs8 == NULL)
        {
          if (c->unprepared == NULL)
            c->unprepared = g_ptr_array_new_with_free_func (g_object_unref);
          g_ptr_array_add (c->unprepared, g_object_ref (item));
          g_set_error (error, CK_ERROR, CK_ERROR_FAILED,
                       _("the store changed during the import: this key is no "
                         "longer in it"));
          return FALSE;
        }
      g_bytes_ref (pkcs8);
    }

  id = commit_insert_object (c, "key", error);
  stmt = id != 0 ? get_stmt (self, STMT_INSERT_KEY, error) : NULL;
  if (stmt == NULL)
    {
      g_clear_pointer (&pkcs8, g_bytes_unref);
      return FALSE;
    }
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, spki, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, ck_private_key_get_algorithm (key), -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 4, ck_private_key_get_bits (key));
  bind_text_or_null (stmt, 5, ck_private_key_get_curve (key));
  bind_text_or_null (stmt, 6, ck_import_item_get_label (item));
  bind_text_or_null (stmt, 7, source);
  sqlite3_bind_int64 (stmt, 8, c->now);
  /* A token key never leaves the token: it counts as protected. */
  sqlite3_bind_int (stmt, 9, on_token || c->protect);
  if (pkcs8 != NULL)
    bind_bytes (stmt, 10, pkcs8);
  else
    sqlite3_bind_null (stmt, 10);
  bind_text_or_null (stmt, 11, ck_private_key_get_pkcs11_uri (key));
  ok = step_done (self, stmt, _("adding a key"), error);
  /* step_done() reset the statement: SQLite no longer points at the blob,
   * which c->pkcs8 keeps (and wipes) in case the transaction is run
   * again. */
  g_clear_pointer (&pkcs8, g_bytes_unref);
  if (!ok)
    return FALSE;
  c->summary->keys++;

  /* Certificates already in the store now have their key. */
  return mark_key_present (self, spki, c->first_id, c->change, error);
}

/* Inserts a request, issued when a certificate for its key is already in
 * the store (@link) or pending. Returns its id, 0 on error. */
static gint64
insert_request (CkStore      *self,
                CkRequest    *request,
                const char   *profile,
                const char   *source,
                gint64        now,
                gint64        certificate_id,
                GError      **error)
{
  sqlite3_stmt *stmt;
  gint64 id;

  id = insert_object (self, "request", error);
  if (id == 0 || (stmt = get_stmt (self, STMT_INSERT_REQUEST, error)) == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, ck_request_get_sha256_fingerprint (request), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, ck_request_get_spki_sha256 (request), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, ck_request_get_subject (request), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, ck_request_get_display_name (request), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, certificate_id > 0 ? "issued" : "pending", -1, SQLITE_STATIC);
  if (certificate_id > 0)
    sqlite3_bind_int64 (stmt, 7, certificate_id);
  else
    sqlite3_bind_null (stmt, 7);
  bind_text_or_null (stmt, 8, profile);
  bind_text_or_null (stmt, 9, source);
  sqlite3_bind_int64 (stmt, 10, now);
  bind_bytes (stmt, 11, ck_request_get_der (request));
  if (!step_done (self, stmt, _("adding a request"), error))
    return 0;
  return id;
}

static gboolean
commit_request (Commit        *c,
                CkImportItem  *item,
                const char    *source,
                GError       **error)
{
  CkStore *self = c->store;
  CkRequest *request = ck_import_item_get_request (item);
  gint64 existing, certificate_id, id;

  existing = query_id (self, STMT_REQUEST_BY_SHA256,
                       ck_request_get_sha256_fingerprint (request), error);
  if (existing < 0)
    return FALSE;
  if (existing > 0)
    {
      count_skipped (c, existing);
      return TRUE;
    }

  /* A request imported with (or after) its certificate is already issued:
   * link it to the newest certificate for its key. */
  certificate_id = query_id (self, STMT_LAST_CERT_BY_SPKI,
                             ck_request_get_spki_sha256 (request), error);
  if (certificate_id < 0)
    return FALSE;

  id = insert_request (self, request, NULL, source, c->now, certificate_id, error);
  if (id == 0)
    return FALSE;
  if (c->first_id == 0)
    c->first_id = id;
  c->summary->requests++;
  if (certificate_id > 0 && certificate_id >= c->first_id)
    c->summary->requests_issued++;
  if (certificate_id == 0)
    g_hash_table_add (c->pending_spki,
                      g_strdup (ck_request_get_spki_sha256 (request)));
  return TRUE;
}

/* CRLs last: each is verified with its issuer, which may be a
 * certificate of this very plan. One that does not verify fails the
 * commit (nothing is written), naming it and why. */
static gboolean
commit_crls (Commit        *c,
             CkImportPlan  *plan,
             GError       **error)
{
  for (guint i = 0; i < ck_import_plan_get_n_items (plan); i++)
    {
      CkImportItem *item = ck_import_plan_get_item (plan, i);
      g_autoptr(GError) local_error = NULL;
      CkCrlAddResult result;

      if (ck_import_item_get_kind (item) != CK_IMPORT_ITEM_CRL)
        continue;
      if (ck_import_item_get_duplicate (item))
        {
          c->summary->duplicates++;
          continue;
        }
      if (!ck_revocation_store_write_crl (c->store->db, ck_import_item_get_crl (item),
                                          ck_import_item_get_file (item), &result, &local_error))
        {
          g_set_error (error, local_error->domain, local_error->code, "%s: %s",
                       ck_import_item_get_source (item), local_error->message);
          return FALSE;
        }
      if (result == CK_CRL_ADDED || result == CK_CRL_REPLACED)
        c->summary->crls++;
      else
        c->summary->skipped++;
    }
  return TRUE;
}

static gboolean
commit_items (Commit          *c,
              CkImportPlan    *plan,
              CkProgressFunc   progress,
              gpointer         progress_data,
              GError         **error)
{
  guint n = ck_import_plan_get_n_items (plan);

  for (guint i = 0; i < n; i++)
    {
      CkImportItem *item = ck_import_plan_get_item (plan, i);
      const char *file = ck_import_item_get_file (item);
      g_autofree char *source = file != NULL ? g_path_get_basename (file) : NULL;
      g_autoptr(GError) local_error = NULL;
      gboolean ok = TRUE;

      if (progress != NULL && i > 0 && i % PROGRESS_EVERY == 0 &&
          !progress (c->n_encrypted + i, c->n_encrypted + n, progress_data))
        goto cancelled;

      /* The database, not the plan's flags, decides what is already there:
       * the store may have changed since the plan was made. */
      switch (ck_import_item_get_kind (item))
        {
        case CK_IMPORT_ITEM_CERTIFICATE:
          ok = commit_certificate (c, item, source, &local_error);
          break;
        case CK_IMPORT_ITEM_PRIVATE_KEY:
          ok = commit_key (c, item, source, &local_error);
          break;
        case CK_IMPORT_ITEM_REQUEST:
          ok = commit_request (c, item, source, &local_error);
          break;
        case CK_IMPORT_ITEM_CRL:
          continue;                     /* after the certificates, below */
        case CK_IMPORT_ITEM_LOCKED:
        case CK_IMPORT_ITEM_ERROR:
        default:
          g_assert_not_reached ();
        }
      if (!ok)
        {
          g_set_error (error, local_error->domain, local_error->code, "%s: %s",
                       ck_import_item_get_source (item), local_error->message);
          return FALSE;
        }
    }

  if (!commit_crls (c, plan, error))
    return FALSE;

  if (progress != NULL &&
      !progress (c->n_encrypted + n, c->n_encrypted + n, progress_data))
    goto cancelled;
  return TRUE;

cancelled:
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
               _("Import cancelled: nothing was written"));
  return FALSE;
}

gboolean
ck_store_commit (CkStore         *self,
                 CkImportPlan    *plan,
                 const char      *key_passphrase,
                 CkCommitFlags    flags,
                 CkProgressFunc   progress,
                 gpointer         progress_data,
                 CkCommitSummary *summary,
                 GError         **error)
{
  CkCommitSummary local_summary;
  g_autoptr(Change) change = NULL;
  Commit c = { 0, };
  gboolean ok;

  g_return_val_if_fail (CK_IS_STORE (self), FALSE);
  g_return_val_if_fail (CK_IS_IMPORT_PLAN (plan), FALSE);

  if (summary == NULL)
    summary = &local_summary;
  memset (summary, 0, sizeof *summary);

  if (ck_import_plan_has_errors (plan) || ck_import_plan_has_locked (plan))
    {
      g_autofree char *problems = ck_import_plan_describe_problems (plan);

      g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                   _("The import still has unreadable or locked items; remove "
                   "or unlock them first:\n%s"), problems != NULL ? problems : "");
      return FALSE;
    }

  if (key_passphrase != NULL && *key_passphrase == '\0')
    key_passphrase = NULL;
  /* The vault is unlocked only for an import that stores a key. */
  if (ck_import_plan_get_key_needing_passphrase (plan) != NULL &&
      !decide_protection (self, key_passphrase, flags, &c.protect, error))
    return FALSE;
  if (!c.protect && (flags & CK_COMMIT_NO_KEY_PASSPHRASE) == 0 &&
      ck_import_plan_get_key_needing_passphrase (plan) != NULL)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_PASSWORD_REQUIRED,
                   _("The import contains private keys: choose a passphrase to "
                   "protect them in the store (nothing was written)"));
      return FALSE;
    }

  if (ck_import_plan_count (plan, CK_IMPORT_ITEM_CRL) > 0 &&
      !ck_revocation_store_migrate (self, error))
    return FALSE;

  c.store = self;
  c.passphrase = key_passphrase;
  c.flags = flags;
  c.now = g_get_real_time () / G_USEC_PER_SEC;
  c.summary = summary;

  /* Keys first, outside the transaction (and the store's lock); then the
   * transaction only writes. Should it meet a key that was not encrypted
   * (deleted from the store since the plan was made), it is rolled back,
   * that key encrypted, and the transaction run again. */
  {
    g_autoptr(GPtrArray) items = g_ptr_array_new ();
    guint total;

    for (guint i = 0; i < ck_import_plan_get_n_items (plan); i++)
      g_ptr_array_add (items, ck_import_plan_get_item (plan, i));
    total = count_keys_to_encrypt (&c, plan) + items->len;
    ok = encrypt_keys (&c, items, TRUE, total, progress, progress_data, error);
  }

  for (guint round = 0; ok; round++)
    {
      g_autoptr(GError) local_error = NULL;

      g_clear_pointer (&change, change_free);
      change = change_new ();
      c.change = change;
      c.first_id = 0;
      memset (summary, 0, sizeof *summary);
      g_clear_pointer (&c.pending_spki, g_hash_table_unref);
      g_clear_pointer (&c.unprepared, g_ptr_array_unref);

      ck_store_lock (self);
      ok = exec (self, "BEGIN IMMEDIATE", &local_error);
      if (ok)
        {
          ok = load_pending_spki (&c, &local_error) &&
               commit_items (&c, plan, progress, progress_data, &local_error);
          /* Read the new rows back inside the transaction, so they are
           * exactly what was written. */
          if (ok && c.first_id != 0)
            ok = read_rows (self, c.first_id, change, &local_error);
          if (ok)
            ok = exec (self, "COMMIT", &local_error);
          if (!ok)
            sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
        }
      ck_store_unlock (self);

      if (ok || c.unprepared == NULL || round >= 2)
        {
          if (!ok)
            g_propagate_error (error, g_steal_pointer (&local_error));
          break;
        }
      ok = (c.protect || decide_protection (self, key_passphrase, flags, &c.protect, error)) &&
           encrypt_keys (&c, c.unprepared, FALSE, c.n_encrypted + c.unprepared->len +
                         ck_import_plan_get_n_items (plan), progress, progress_data, error);
    }
  commit_clear (&c);

  if (!ok)
    {
      memset (summary, 0, sizeof *summary);
      return FALSE;
    }

  if (summary->crls > 0)
    ck_revocation_store_bump_generation (self);
  queue_change (self, g_steal_pointer (&change));
  return TRUE;
}

gint64
ck_store_add_request (CkStore     *self,
                      CkRequest   *request,
                      const char  *profile,
                      GError     **error)
{
  /* Always pending, even when the key already has a certificate: a new
   * request for an old key is a renewal waiting for its new certificate. */
  return ck_store_restore_request (self, request, profile, NULL, 0, 0, error);
}

gint64
ck_store_restore_request (CkStore     *self,
                          CkRequest   *request,
                          const char  *profile,
                          const char  *source,
                          gint64       created_at,
                          gint64       certificate_id,
                          GError     **error)
{
  g_autoptr(Change) change = change_new ();
  gint64 id = 0;
  gint64 existing;

  g_return_val_if_fail (CK_IS_STORE (self), 0);
  g_return_val_if_fail (CK_IS_REQUEST (request), 0);

  ck_store_lock (self);
  if (!exec (self, "BEGIN IMMEDIATE", error))
    goto out;
  existing = query_id (self, STMT_REQUEST_BY_SHA256,
                       ck_request_get_sha256_fingerprint (request), error);
  if (existing > 0)
    g_set_error (error, CK_ERROR, CK_ERROR_EXISTS,
                 _("This request is already in the store (id %lld)"),
                 (long long) existing);
  else if (existing == 0)
    {
      /* The certificate may have gone meanwhile: then it is pending again,
       * as deleting the certificate would have made it. */
      if (certificate_id > 0 && get_kind_locked (self, certificate_id) != CK_OBJECT_CERTIFICATE)
        certificate_id = 0;
      id = insert_request (self, request, profile, source,
                           created_at > 0 ? created_at : g_get_real_time () / G_USEC_PER_SEC,
                           certificate_id, error);
    }
  if (id != 0 && (!read_rows (self, id, change, error) ||
                  !exec (self, "COMMIT", error)))
    id = 0;
  if (id == 0)
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
out:
  ck_store_unlock (self);

  if (id != 0)
    queue_change (self, g_steal_pointer (&change));
  return id;
}

gint64
ck_store_restore_key (CkStore      *self,
                      CkStoredKey  *row,
                      GBytes       *pkcs8,
                      GError      **error)
{
  g_autoptr(Change) change = change_new ();
  const char *spki;
  sqlite3_stmt *stmt;
  gint64 id = 0;
  gint64 existing;
  gboolean ok;

  g_return_val_if_fail (CK_IS_STORE (self), 0);
  g_return_val_if_fail (CK_IS_STORED_KEY (row), 0);
  g_return_val_if_fail (pkcs8 != NULL || ck_stored_key_get_pkcs11_uri (row) != NULL, 0);

  spki = ck_stored_key_get_spki_sha256 (row);
  ck_store_lock (self);
  if (!exec (self, "BEGIN IMMEDIATE", error))
    goto out;
  existing = query_id (self, STMT_KEY_BY_SPKI, spki, error);
  if (existing > 0)
    g_set_error (error, CK_ERROR, CK_ERROR_EXISTS,
                 _("This key is already in the store (id %lld)"),
                 (long long) existing);
  if (existing != 0)
    goto rollback;

  /* The blob as it was stored: an encrypted key comes back with the same
   * passphrase and encryption, without anyone decrypting it. */
  id = insert_object (self, "key", error);
  stmt = id != 0 ? get_stmt (self, STMT_INSERT_KEY, error) : NULL;
  if (stmt == NULL)
    goto rollback;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, spki, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, ck_stored_key_get_algorithm (row), -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 4, ck_stored_key_get_bits (row));
  bind_text_or_null (stmt, 5, ck_stored_key_get_curve (row));
  bind_text_or_null (stmt, 6, ck_stored_key_get_label (row));
  bind_text_or_null (stmt, 7, ck_stored_key_get_source (row));
  sqlite3_bind_int64 (stmt, 8, ck_stored_key_get_imported_at (row));
  sqlite3_bind_int (stmt, 9, ck_stored_key_get_encrypted (row));
  if (pkcs8 != NULL)
    bind_bytes (stmt, 10, pkcs8);
  else
    sqlite3_bind_null (stmt, 10);
  bind_text_or_null (stmt, 11, ck_stored_key_get_pkcs11_uri (row));
  if (!step_done (self, stmt, _("restoring a key"), error))
    goto rollback;

  /* Certificates still in the store have their key again. */
  ok = mark_key_present (self, spki, G_MAXINT64, change, error)
       && read_rows (self, id, change, error) && exec (self, "COMMIT", error);
  if (ok)
    goto out;

rollback:
  id = 0;
  sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
out:
  ck_store_unlock (self);

  if (id != 0)
    queue_change (self, g_steal_pointer (&change));
  return id;
}

gboolean
ck_store_add_key (CkStore       *self,
                  CkPrivateKey  *key,
                  const char    *label,
                  const char    *passphrase,
                  CkCommitFlags  flags,
                  gint64        *id,
                  GError       **error)
{
  g_autoptr(CkImportItem) item = NULL;
  g_autoptr(Change) change = change_new ();
  CkCommitSummary summary = { 0, };
  Commit c = { 0, };
  gint64 existing;
  gboolean ok;

  g_return_val_if_fail (CK_IS_STORE (self), FALSE);
  g_return_val_if_fail (CK_IS_PRIVATE_KEY (key), FALSE);

  if (passphrase != NULL && *passphrase == '\0')
    passphrase = NULL;
  /* The same item a commit writes, so that both paths store keys alike. */
  item = ck_import_item_new_private_key (key, NULL, NULL);
  if (label != NULL && *label != '\0')
    ck_import_item_set_label (item, label);

  c.store = self;
  c.passphrase = passphrase;
  c.flags = flags;
  c.now = g_get_real_time () / G_USEC_PER_SEC;
  c.summary = &summary;
  c.change = change;
  if (!ck_private_key_is_on_token (key) &&
      !decide_protection (self, passphrase, flags, &c.protect, error))
    return FALSE;

  /* The key derivation before the write lock, as in ck_store_commit(). */
  {
    g_autoptr(GPtrArray) items = g_ptr_array_new ();

    g_ptr_array_add (items, item);
    if (!encrypt_keys (&c, items, FALSE, 1, NULL, NULL, error))
      {
        commit_clear (&c);
        return FALSE;
      }
  }

  ck_store_lock (self);
  ok = exec (self, "BEGIN IMMEDIATE", error);
  if (ok)
    {
      existing = query_id (self, STMT_KEY_BY_SPKI, ck_private_key_get_spki_sha256 (key), error);
      if (existing > 0)
        g_set_error (error, CK_ERROR, CK_ERROR_EXISTS,
                     _("This key is already in the store (id %lld)"),
                     (long long) existing);
      ok = existing == 0 && commit_key (&c, item, "generated", error) &&
           read_rows (self, c.first_id, change, error) &&
           exec (self, "COMMIT", error);
      if (!ok)
        sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
    }
  ck_store_unlock (self);
  commit_clear (&c);

  if (!ok)
    return FALSE;
  if (id != NULL)
    *id = c.first_id;
  queue_change (self, g_steal_pointer (&change));
  return TRUE;
}

/* A new key's row, inside the caller's transaction: @pkcs8 is what
 * ck_private_key_export_pkcs8() made before it (NULL for a key on a token,
 * kept by its URI). Certificates already stored get their key. */
static gint64
insert_new_key (CkStore       *self,
                CkPrivateKey  *key,
                const char    *label,
                GBytes        *pkcs8,
                gboolean       encrypted,
                gint64         now,
                Change        *change,
                GError       **error)
{
  const char *spki = ck_private_key_get_spki_sha256 (key);
  sqlite3_stmt *stmt;
  gint64 id;

  id = insert_object (self, "key", error);
  if (id == 0 || (stmt = get_stmt (self, STMT_INSERT_KEY, error)) == NULL)
    return 0;
  sqlite3_bind_int64 (stmt, 1, id);
  sqlite3_bind_text (stmt, 2, spki, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, ck_private_key_get_algorithm (key), -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 4, ck_private_key_get_bits (key));
  bind_text_or_null (stmt, 5, ck_private_key_get_curve (key));
  bind_text_or_null (stmt, 6, label != NULL && *label != '\0' ? label : NULL);
  sqlite3_bind_text (stmt, 7, "generated", -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 8, now);
  sqlite3_bind_int (stmt, 9, encrypted);
  if (pkcs8 != NULL)
    bind_bytes (stmt, 10, pkcs8);
  else
    sqlite3_bind_null (stmt, 10);
  bind_text_or_null (stmt, 11, ck_private_key_get_pkcs11_uri (key));
  if (!step_done (self, stmt, _("adding a key"), error) ||
      !mark_key_present (self, spki, id, change, error))
    return 0;
  return id;
}

/* The key derivation before the write lock, never inside it: a new
 * software key's PKCS#8 as it will be stored (*@pkcs8 NULL for no key or
 * a token key, kept by its URI). */
static gboolean
prepare_new_key (CkStore        *self,
                 CkPrivateKey   *key,
                 const char     *passphrase,
                 CkCommitFlags   flags,
                 GBytes        **pkcs8,
                 gboolean       *protect,
                 GError        **error)
{
  *pkcs8 = NULL;
  *protect = FALSE;
  if (key == NULL || ck_private_key_is_on_token (key))
    return TRUE;
  /* The key derivation before the write lock, never inside it. */
  if (!decide_protection (self, passphrase, flags, protect, error))
    return FALSE;
  if (!*protect && (flags & CK_COMMIT_NO_KEY_PASSPHRASE) == 0)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_PASSWORD_REQUIRED,
                   _("a passphrase is needed to protect this key"));
      return FALSE;
    }
  *pkcs8 = protect_key (self, key, *protect, error);
  return *pkcs8 != NULL;
}

gboolean
ck_store_add_request_with_key (CkStore                *self,
                               CkPrivateKey           *key,
                               const char             *label,
                               const char             *passphrase,
                               CkCommitFlags           flags,
                               CkRequest              *request,
                               const char             *profile,
                               CkStoreTransactionFunc  before_commit,
                               gpointer                before_commit_data,
                               gint64                 *key_id,
                               gint64                 *request_id,
                               gboolean               *key_added,
                               gboolean               *request_existed,
                               GError                **error)
{
  g_autoptr(Change) change = change_new ();
  g_autoptr(GBytes) pkcs8 = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 kid, rid = 0, first_id = 0;
  gboolean existed = FALSE;
  gboolean protect = FALSE;
  gboolean began, ok;

  g_return_val_if_fail (CK_IS_STORE (self), FALSE);
  g_return_val_if_fail (key == NULL || CK_IS_PRIVATE_KEY (key), FALSE);
  g_return_val_if_fail (CK_IS_REQUEST (request), FALSE);

  if (passphrase != NULL && *passphrase == '\0')
    passphrase = NULL;
  if (!prepare_new_key (self, key, passphrase, flags, &pkcs8, &protect, error))
    return FALSE;

  ck_store_lock (self);
  began = ok = exec (self, "BEGIN IMMEDIATE", error);
  kid = ok ? query_id (self, STMT_KEY_BY_SPKI, ck_request_get_spki_sha256 (request), error) : -1;
  ok = kid >= 0;
  if (ok && kid == 0 && key == NULL)
    ok = (g_set_error (error, CK_ERROR, CK_ERROR_NOT_FOUND,
                       _("The key of this request is not in the store")), FALSE);
  if (ok && kid == 0)
    {
      /* A token key counts as protected: it never leaves the token. */
      kid = first_id = insert_new_key (self, key, label, pkcs8,
                                       pkcs8 == NULL || protect, now, change, error);
      ok = kid != 0;
    }
  if (ok)
    {
      rid = query_id (self, STMT_REQUEST_BY_SHA256,
                      ck_request_get_sha256_fingerprint (request), error);
      ok = rid >= 0;
      existed = rid > 0;
    }
  if (ok && rid == 0)
    {
      /* Always pending, even when the key already has a certificate: a new
       * request for an old key is a renewal waiting for its certificate. */
      rid = insert_request (self, request, profile, NULL, now, 0, error);
      ok = rid != 0;
      if (ok && first_id == 0)
        first_id = rid;
    }
  /* The new rows read back inside the transaction, as written. */
  if (ok && first_id != 0)
    ok = read_rows (self, first_id, change, error);
  if (ok && before_commit != NULL)
    ok = before_commit (self, self->db, before_commit_data, error);
  if (ok)
    ok = exec (self, "COMMIT", error);
  if (!ok && began)
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  ck_store_unlock (self);
  /* SQLite no longer points at the blob: the unencrypted one is wiped. */
  if (pkcs8 != NULL)
    wipe_bytes (g_steal_pointer (&pkcs8));

  if (!ok)
    return FALSE;
  if (key_id != NULL)
    *key_id = kid;
  if (request_id != NULL)
    *request_id = rid;
  if (key_added != NULL)
    *key_added = first_id != 0 && first_id == kid;
  if (request_existed != NULL)
    *request_existed = existed;
  queue_change (self, g_steal_pointer (&change));
  return TRUE;
}

gboolean
ck_store_add_certificate_with_key (CkStore                *self,
                                   CkPrivateKey           *key,
                                   const char             *label,
                                   const char             *passphrase,
                                   CkCommitFlags           flags,
                                   CkCertificate          *certificate,
                                   CkStoreTransactionFunc  before_commit,
                                   gpointer                before_commit_data,
                                   gint64                 *key_id,
                                   gboolean               *key_added,
                                   gint64                 *certificate_id,
                                   GArray                 *issued_requests,
                                   GError                **error)
{
  g_autoptr(Change) change = change_new ();
  g_autoptr(GBytes) pkcs8 = NULL;
  g_autoptr(CkImportItem) item = NULL;
  CkCommitSummary summary = { 0, };
  Commit c = { 0, };
  gint64 kid = 0, cid = 0, new_kid = 0;
  gboolean began, ok;
  gboolean protect = FALSE;

  g_return_val_if_fail (CK_IS_STORE (self), FALSE);
  g_return_val_if_fail (key == NULL || CK_IS_PRIVATE_KEY (key), FALSE);
  g_return_val_if_fail (CK_IS_CERTIFICATE (certificate), FALSE);

  if (passphrase != NULL && *passphrase == '\0')
    passphrase = NULL;
  if (!prepare_new_key (self, key, passphrase, flags, &pkcs8, &protect, error))
    return FALSE;

  item = ck_import_item_new_certificate (certificate, NULL, NULL);
  c.store = self;
  c.now = g_get_real_time () / G_USEC_PER_SEC;
  c.summary = &summary;
  c.change = change;

  ck_store_lock (self);
  began = ok = exec (self, "BEGIN IMMEDIATE", error);
  if (ok)
    {
      cid = query_id (self, STMT_CERT_BY_SHA256, ck_certificate_get_sha256_fingerprint (certificate),
                      error);
      ok = cid == 0;
      if (cid > 0)
        g_set_error (error, CK_ERROR, CK_ERROR_EXISTS,
                     _("This certificate is already in the store (id %lld)"), (long long) cid);
    }
  if (ok)
    {
      kid = query_id (self, STMT_KEY_BY_SPKI, ck_certificate_get_spki_sha256 (certificate), error);
      ok = kid >= 0;
    }
  if (ok && kid == 0 && key != NULL)
    {
      /* A token key counts as protected: it never leaves the token. */
      kid = new_kid = insert_new_key (self, key, label, pkcs8,
                                      pkcs8 == NULL || protect, c.now, change, error);
      ok = kid != 0;
      c.first_id = new_kid;
    }
  ok = ok && load_pending_spki (&c, error) &&
       commit_certificate (&c, item, "generated", error);
  if (ok)
    {
      cid = query_id (self, STMT_CERT_BY_SHA256, ck_certificate_get_sha256_fingerprint (certificate),
                      error);
      ok = cid > 0;
    }
  if (ok && issued_requests != NULL)
    {
      sqlite3_stmt *stmt = get_stmt (self, STMT_REQUESTS_BY_CERT, error);

      ok = stmt != NULL;
      if (ok)
        {
          sqlite3_bind_int64 (stmt, 1, cid);
          ok = collect_ids (self, stmt, issued_requests, error);
        }
    }
  /* The new rows read back inside the transaction, as written. */
  if (ok)
    ok = read_rows (self, c.first_id, change, error);
  if (ok && certificate_id != NULL)
    *certificate_id = cid;
  if (ok && before_commit != NULL)
    ok = before_commit (self, self->db, before_commit_data, error);
  if (ok)
    ok = exec (self, "COMMIT", error);
  if (!ok && began)
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
  ck_store_unlock (self);
  commit_clear (&c);
  if (pkcs8 != NULL)
    wipe_bytes (g_steal_pointer (&pkcs8));

  if (!ok)
    {
      if (certificate_id != NULL)
        *certificate_id = 0;
      if (issued_requests != NULL)
        g_array_set_size (issued_requests, 0);
      return FALSE;
    }
  if (key_id != NULL)
    *key_id = kid;
  if (key_added != NULL)
    *key_added = new_kid != 0;
  queue_change (self, g_steal_pointer (&change));
  return TRUE;
}

static gboolean
delete_locked (CkStore  *self,
               gint64    id,
               Change   *change,
               GError  **error)
{
  CkObjectKind kind = get_kind_locked (self, id);
  sqlite3_stmt *stmt;
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *spki = NULL;

  if (kind == CK_OBJECT_NONE)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_NOT_FOUND,
                   _("No object with id %lld in the store"), (long long) id);
      return FALSE;
    }

  if (kind == CK_OBJECT_CERTIFICATE)
    {
      /* The schema's trigger puts them back to pending; the rows follow. */
      stmt = get_stmt (self, STMT_REQUESTS_BY_CERT, error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_int64 (stmt, 1, id);
      if (!collect_ids (self, stmt, ids, error))
        return FALSE;
      for (guint i = 0; i < ids->len; i++)
        add_id_value (change->request_status, g_array_index (ids, gint64, i), 0);
    }
  else if (kind == CK_OBJECT_KEY)
    {
      sqlite3_stmt *s = NULL;

      if (sqlite3_prepare_v2 (self->db, "SELECT spki_sha256 FROM keys WHERE id = ?",
                              -1, &s, NULL) != SQLITE_OK)
        return ck_store_set_sqlite_error (error, self->db, _("deleting a key"));
      sqlite3_bind_int64 (s, 1, id);
      if (sqlite3_step (s) == SQLITE_ROW)
        spki = g_strdup ((const char *) sqlite3_column_text (s, 0));
      sqlite3_finalize (s);

      stmt = get_stmt (self, STMT_CERTS_BY_SPKI, error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, spki, -1, SQLITE_STATIC);
      if (!collect_ids (self, stmt, ids, error))
        return FALSE;
      for (guint i = 0; i < ids->len; i++)
        add_id_value (change->has_key, g_array_index (ids, gint64, i), 0);
    }

  stmt = get_stmt (self, STMT_DELETE_OBJECT, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  if (!step_done (self, stmt, _("deleting an object"), error))
    return FALSE;
  g_array_append_val (change->removed, id);
  return TRUE;
}

gboolean
ck_store_delete (CkStore  *self,
                 gint64    id,
                 GError  **error)
{
  g_autoptr(Change) change = change_new ();
  gboolean ok;

  g_return_val_if_fail (CK_IS_STORE (self), FALSE);

  ck_store_lock (self);
  ok = exec (self, "BEGIN IMMEDIATE", error);
  if (ok)
    {
      ok = delete_locked (self, id, change, error) &&
           exec (self, "COMMIT", error);
      if (!ok)
        sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
    }
  ck_store_unlock (self);

  if (ok)
    queue_change (self, g_steal_pointer (&change));
  return ok;
}

/* --- Delete with undo -------------------------------------------------- */

/* Reads the row of @id (a certificate, key or request) into @change, as
 * the models show it. Called with the lock. */
static gboolean
read_row_by_id (CkStore      *self,
                CkObjectKind  kind,
                gint64        id,
                Change       *change,
                GError      **error)
{
  StmtId stmt_id = kind == CK_OBJECT_CERTIFICATE ? STMT_SELECT_CERTS
                   : kind == CK_OBJECT_KEY ? STMT_SELECT_KEYS : STMT_SELECT_REQUESTS;
  sqlite3_stmt *stmt = get_stmt (self, stmt_id, error);
  int rc;

  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW && sqlite3_column_int64 (stmt, 0) == id)
    add_row_from_stmt (change, stmt_id, stmt);
  done_stmt (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return ck_store_set_sqlite_error (error, self->db, _("reading the store"));
  return TRUE;
}

/* The name the lists show for @id. Called with the lock. */
static char *
display_name_locked (CkStore      *self,
                     CkObjectKind  kind,
                     gint64        id)
{
  g_autoptr(Change) rows = change_new ();

  if (!read_row_by_id (self, kind, id, rows, NULL))
    return NULL;
  if (rows->certificates->len > 0)
    return g_strdup (ck_stored_certificate_get_display_name (rows->certificates->pdata[0]));
  if (rows->keys->len > 0)
    return g_strdup (ck_stored_key_get_display_name (rows->keys->pdata[0]));
  if (rows->requests->len > 0)
    return g_strdup (ck_stored_request_get_display_name (rows->requests->pdata[0]));
  return NULL;
}

CkDeletion *
ck_store_delete_for_undo (CkStore  *self,
                          gint64    id,
                          GError  **error)
{
  g_autoptr(Change) change = change_new ();
  g_autoptr(GBytes) changeset = NULL;
  g_autofree char *name = NULL;
  sqlite3_session *session = NULL;
  CkObjectKind kind = CK_OBJECT_NONE;
  void *data = NULL;
  int size = 0;
  gboolean ok;

  g_return_val_if_fail (CK_IS_STORE (self), NULL);

  ck_store_lock (self);
  ok = exec (self, "BEGIN IMMEDIATE", error);
  if (!ok)
    goto out;
  kind = get_kind_locked (self, id);
  name = display_name_locked (self, kind, id);
  /* Every table, so that what triggers and cascades change (trust rows,
   * request links, a distrust kept for the key) is recorded too. */
  if (sqlite3session_create (self->db, "main", &session) != SQLITE_OK ||
      sqlite3session_attach (session, NULL) != SQLITE_OK)
    ok = ck_store_set_sqlite_error (error, self->db, _("deleting an object"));
  ok = ok && delete_locked (self, id, change, error);
  if (ok && sqlite3session_changeset (session, &size, &data) != SQLITE_OK)
    ok = ck_store_set_sqlite_error (error, self->db, _("deleting an object"));
  if (session != NULL)
    sqlite3session_delete (session);
  ok = ok && exec (self, "COMMIT", error);
  if (!ok)
    sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
out:
  ck_store_unlock (self);

  changeset = g_bytes_new (data, size);
  sqlite3_free (data);
  if (!ok)
    return NULL;
  queue_change (self, g_steal_pointer (&change));
  return ck_deletion_new (kind, id, name, changeset);
}

typedef struct {
  gboolean exists;
  gboolean foreign_key;
} RestoreConflicts;

static int
restore_conflict (void                   *data,
                  int                     conflict,
                  sqlite3_changeset_iter *iter)
{
  RestoreConflicts *conflicts = data;

  switch (conflict)
    {
    case SQLITE_CHANGESET_DATA:
    case SQLITE_CHANGESET_NOTFOUND:
      /* A row the delete changed has changed or gone since (a request
       * issued by another certificate, a kept distrust lifted): it stays
       * as it is now. */
      return SQLITE_CHANGESET_OMIT;
    case SQLITE_CHANGESET_FOREIGN_KEY:
      conflicts->foreign_key = TRUE;
      return SQLITE_CHANGESET_ABORT;
    case SQLITE_CHANGESET_CONFLICT:
    case SQLITE_CHANGESET_CONSTRAINT:
    default:
      conflicts->exists = TRUE;
      return SQLITE_CHANGESET_ABORT;
    }
}

static int
all_but_requests (void       *data,
                  const char *table)
{
  return !g_str_equal (table, "requests");
}

/* An iterator over @changeset, NULL with @error set. */
static sqlite3_changeset_iter *
start_changeset (CkStore     *self,
                 GBytes      *changeset,
                 const char  *what,
                 GError     **error)
{
  sqlite3_changeset_iter *iter = NULL;
  gsize size;
  gconstpointer data = g_bytes_get_data (changeset, &size);

  if (sqlite3changeset_start (&iter, (int) size, (void *) data) != SQLITE_OK)
    {
      ck_store_set_sqlite_error (error, self->db, what);
      return NULL;
    }
  return iter;
}

/* Puts back the deleted requests row of @changeset as pending: the
 * certificate it was issued with is gone (as deleting that certificate
 * would have made it). Called with the lock, in the transaction. */
static gboolean
insert_request_pending (CkStore  *self,
                        GBytes   *changeset,
                        GError  **error)
{
  sqlite3_changeset_iter *iter = start_changeset (self, changeset, _("restoring a request"),
                                                  error);
  gboolean ok = TRUE;

  if (iter == NULL)
    return FALSE;
  while (ok && sqlite3changeset_next (iter) == SQLITE_ROW)
    {
      g_autoptr(GString) sql = g_string_new ("INSERT INTO requests VALUES (");
      const char *table = NULL;
      int n_columns = 0, op = 0;
      sqlite3_stmt *stmt = NULL;
      sqlite3_stmt *info = NULL;
      int status_column = -1, certificate_column = -1;

      sqlite3changeset_op (iter, &table, &n_columns, &op, NULL);
      if (op != SQLITE_DELETE || !g_str_equal (table, "requests"))
        continue;
      /* The changeset's columns are the table's, in order. */
      if (sqlite3_prepare_v2 (self->db, "SELECT cid, name FROM pragma_table_info ('requests')",
                              -1, &info, NULL) == SQLITE_OK)
        while (sqlite3_step (info) == SQLITE_ROW)
          {
            const char *column = (const char *) sqlite3_column_text (info, 1);

            if (g_strcmp0 (column, "status") == 0)
              status_column = sqlite3_column_int (info, 0);
            else if (g_strcmp0 (column, "certificate_id") == 0)
              certificate_column = sqlite3_column_int (info, 0);
          }
      sqlite3_finalize (info);
      for (int i = 0; i < n_columns; i++)
        g_string_append (sql, i == 0 ? "?" : ", ?");
      g_string_append (sql, ")");
      if (status_column < 0 || certificate_column < 0 ||
          sqlite3_prepare_v2 (self->db, sql->str, -1, &stmt, NULL) != SQLITE_OK)
        {
          ok = ck_store_set_sqlite_error (error, self->db, _("restoring a request"));
          break;
        }
      for (int i = 0; i < n_columns; i++)
        {
          sqlite3_value *value = NULL;

          if (i == status_column)
            sqlite3_bind_text (stmt, i + 1, "pending", -1, SQLITE_STATIC);
          else if (i == certificate_column)
            sqlite3_bind_null (stmt, i + 1);
          else if (sqlite3changeset_old (iter, i, &value) == SQLITE_OK && value != NULL)
            sqlite3_bind_value (stmt, i + 1, value);
        }
      ok = step_done (self, stmt, _("restoring a request"), error);
      sqlite3_finalize (stmt);
    }
  sqlite3changeset_finalize (iter);
  return ok;
}

/* The model updates for what @changeset (a delete's) put back: its
 * objects' rows, has_key of a restored key's certificates, the status of
 * requests it had changed. Called with the lock, after the restore. */
static gboolean
read_restored (CkStore  *self,
               GBytes   *changeset,
               Change   *change,
               GError  **error)
{
  sqlite3_changeset_iter *iter = start_changeset (self, changeset, _("reading the store"), error);
  gboolean ok = TRUE;

  if (iter == NULL)
    return FALSE;
  while (ok && sqlite3changeset_next (iter) == SQLITE_ROW)
    {
      const char *table = NULL;
      int n_columns = 0, op = 0;
      sqlite3_value *value = NULL;
      CkObjectKind kind;
      gint64 id;

      sqlite3changeset_op (iter, &table, &n_columns, &op, NULL);
      if (g_str_equal (table, "certificates"))
        kind = CK_OBJECT_CERTIFICATE;
      else if (g_str_equal (table, "keys"))
        kind = CK_OBJECT_KEY;
      else if (g_str_equal (table, "requests"))
        kind = CK_OBJECT_REQUEST;
      else
        continue;
      if (sqlite3changeset_old (iter, 0, &value) != SQLITE_OK || value == NULL)
        continue;
      id = sqlite3_value_int64 (value);

      if (op == SQLITE_UPDATE)
        {
          /* A request the certificate had issued: issued again, or not. */
          g_autoptr(Change) rows = change_new ();

          ok = read_row_by_id (self, kind, id, rows, error);
          if (ok && rows->requests->len > 0)
            add_id_value (change->request_status, id,
                          ck_stored_request_get_certificate_id (rows->requests->pdata[0]));
          continue;
        }
      if (op != SQLITE_DELETE)
        continue;
      ok = read_row_by_id (self, kind, id, change, error);
      if (ok && kind == CK_OBJECT_KEY && change->keys->len > 0)
        ok = mark_key_present (self,
                               ck_stored_key_get_spki_sha256 (g_ptr_array_index (change->keys,
                                                                                 change->keys->len - 1)),
                               G_MAXINT64, change, error);
    }
  sqlite3changeset_finalize (iter);
  return ok;
}

gboolean
ck_store_restore (CkStore     *self,
                  CkDeletion  *deletion,
                  GError     **error)
{
  g_autoptr(Change) change = change_new ();
  GBytes *changeset;
  RestoreConflicts conflicts = { FALSE, FALSE };
  void *inverse = NULL;
  int n_inverse = 0;
  gconstpointer data;
  gsize size;
  gboolean ok;
  int rc;

  g_return_val_if_fail (CK_IS_STORE (self), FALSE);
  g_return_val_if_fail (CK_IS_DELETION (deletion), FALSE);

  changeset = ck_deletion_get_changeset (deletion);
  data = g_bytes_get_data (changeset, &size);
  ck_store_lock (self);
  ok = exec (self, "BEGIN IMMEDIATE", error);
  if (!ok)
    goto out;
  if (sqlite3changeset_invert ((int) size, data, &n_inverse, &inverse) != SQLITE_OK)
    {
      ok = ck_store_set_sqlite_error (error, self->db, _("restoring an object"));
      goto rollback;
    }
  rc = sqlite3changeset_apply (self->db, n_inverse, inverse, NULL, restore_conflict, &conflicts);
  if (rc != SQLITE_OK && conflicts.foreign_key &&
      ck_deletion_get_kind (deletion) == CK_OBJECT_REQUEST)
    {
      /* An issued request whose certificate went since: back as pending. */
      conflicts.foreign_key = FALSE;
      rc = sqlite3changeset_apply (self->db, n_inverse, inverse, all_but_requests,
                                   restore_conflict, &conflicts);
      if (rc == SQLITE_OK && !insert_request_pending (self, changeset, error))
        {
          ok = FALSE;
          goto rollback;
        }
    }
  if (rc != SQLITE_OK)
    {
      if (conflicts.exists)
        g_set_error (error, CK_ERROR, CK_ERROR_EXISTS,
                     _("Cannot restore “%s”: it is in the store again already"),
                     ck_deletion_get_display_name (deletion));
      else if (conflicts.foreign_key)
        g_set_error (error, CK_ERROR, CK_ERROR_NOT_FOUND,
                     _("Cannot restore “%s”: what it belonged to is no longer in the store"),
                     ck_deletion_get_display_name (deletion));
      else
        ck_store_set_sqlite_error (error, self->db, _("restoring an object"));
      ok = FALSE;
      goto rollback;
    }
  ok = read_restored (self, changeset, change, error) && exec (self, "COMMIT", error);
  if (ok)
    goto out;

rollback:
  sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
out:
  ck_store_unlock (self);
  sqlite3_free (inverse);

  if (ok)
    queue_change (self, g_steal_pointer (&change));
  return ok;
}

gboolean
ck_store_set_label (CkStore     *self,
                    gint64       id,
                    const char  *label,
                    GError     **error)
{
  g_autoptr(Change) change = NULL;
  g_autofree char *clean = NULL;
  CkObjectKind kind;
  sqlite3_stmt *stmt;
  gboolean ok = FALSE;

  g_return_val_if_fail (CK_IS_STORE (self), FALSE);

  if (label != NULL)
    {
      clean = g_strstrip (g_strdup (label));
      if (!g_utf8_validate (clean, -1, NULL))
        {
          g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                       _("The label is not valid UTF-8"));
          return FALSE;
        }
      if (*clean == '\0')
        g_clear_pointer (&clean, g_free);
    }

  ck_store_lock (self);
  kind = get_kind_locked (self, id);
  if (kind == CK_OBJECT_CERTIFICATE || kind == CK_OBJECT_KEY)
    {
      stmt = get_stmt (self, kind == CK_OBJECT_CERTIFICATE ? STMT_SET_CERT_LABEL
                                                            : STMT_SET_KEY_LABEL,
                       error);
      if (stmt != NULL)
        {
          bind_text_or_null (stmt, 1, clean);
          sqlite3_bind_int64 (stmt, 2, id);
          ok = step_done (self, stmt, _("setting a label"), error);
        }
    }
  else if (kind == CK_OBJECT_REQUEST)
    g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                 _("Object %lld is a request: only certificates "
                   "and keys have labels"), (long long) id);
  else
    g_set_error (error, CK_ERROR, CK_ERROR_NOT_FOUND,
                 _("No object with id %lld in the store"), (long long) id);
  ck_store_unlock (self);

  if (ok)
    {
      change = change_new ();
      change->label_id = id;
      change->label = g_steal_pointer (&clean);
      queue_change (self, g_steal_pointer (&change));
    }
  return ok;
}
