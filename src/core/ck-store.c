/* SPDX-License-Identifier: GPL-3.0-or-later */
#undef G_LOG_DOMAIN
#define G_LOG_DOMAIN "certkeeper-store"

#include "ck-store.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "ck-error.h"
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
    "SELECT id FROM requests WHERE certificate_id = ?",
  [STMT_DELETE_OBJECT] = "DELETE FROM objects WHERE id = ?",
  [STMT_CERT_DER] = "SELECT der FROM certificates WHERE id = ?",
  [STMT_REQUEST_DER] = "SELECT der FROM requests WHERE id = ?",
  [STMT_KEY_PKCS8] =
    "SELECT pkcs8, pkcs11_uri, encrypted FROM keys WHERE id = ?",
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

  GRecMutex lock;
  sqlite3 *db;
  sqlite3_stmt *stmts[N_STMTS];
  /* PRAGMA data_version when the models were last read in full. */
  gint64 data_version;

  GMainContext *context;
  GListStore *certificates;
  GListStore *keys;
  GListStore *requests;

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

static void
append_rows (GListStore *store,
             GPtrArray  *rows,
             gboolean    reset)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (store));

  if (!reset && rows->len == 0)
    return;
  /* One splice: one items-changed, however many rows. */
  g_list_store_splice (store, reset ? 0 : n, reset ? n : 0, rows->pdata,
                       rows->len);
}

static void
apply_change (CkStore *self,
              Change  *change)
{
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
      g_autoptr(GObject) row = find_row (self->certificates, change->label_id, NULL);

      if (row == NULL)
        row = find_row (self->keys, change->label_id, NULL);
      if (CK_IS_STORED_CERTIFICATE (row))
        ck_stored_certificate_set_label (CK_STORED_CERTIFICATE (row), change->label);
      else if (CK_IS_STORED_KEY (row))
        ck_stored_key_set_label (CK_STORED_KEY (row), change->label);
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
        {
          switch (ids[i])
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
  g_main_context_unref (self->context);
  g_rec_mutex_clear (&self->lock);
  g_mutex_clear (&self->changes_lock);
  g_free (self->dir);
  g_free (self->path);

  G_OBJECT_CLASS (ck_store_parent_class)->finalize (object);
}

static void
ck_store_class_init (CkStoreClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ck_store_finalize;
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

static gboolean
open_db (CkStore  *self,
         GError  **error)
{
  const char *suffixes[] = { "-wal", "-shm" };
  sqlite3_stmt *stmt = NULL;
  gboolean wal = FALSE;

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

  /* NOMUTEX: self->lock serialises every use of the connection. */
  if (sqlite3_open_v2 (self->path, &self->db,
                       SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE |
                       SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_NOFOLLOW,
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
  /* Another process (the CLI while the GUI runs) may hold the write lock
   * for the length of an import. */
  sqlite3_busy_timeout (self->db, 10000);

  /* WAL: readers never block the writer. synchronous=FULL: a commit is
   * durable once it returns; an import is one transaction, so that is one
   * fsync per import, not per certificate. secure_delete: a deleted key's
   * bytes do not linger in free pages. */
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
      g_set_error (error, CK_ERROR, CK_ERROR_STORE,
                   _("Cannot open %s: %s"), self->path,
                   _("the database cannot use write-ahead logging"));
      return FALSE;
    }

  return TRUE;
}

CkStore *
ck_store_open (const char  *dir,
               GError     **error)
{
  g_autoptr(CkStore) self = g_object_new (CK_TYPE_STORE, NULL);
  g_autoptr(Change) change = change_new ();
  sqlite3_stmt *stmt = NULL;

  self->dir = dir != NULL ? g_strdup (dir) : ck_store_get_default_dir ();
  self->path = g_build_filename (self->dir, "store.db", NULL);

  if (!prepare_dir (self->dir, error) || !open_db (self, error))
    return NULL;

  if (!ck_store_schema_migrate (self->db, self->path, error))
    return NULL;

  if (sqlite3_prepare_v2 (self->db, "PRAGMA user_version", -1, &stmt, NULL) == SQLITE_OK &&
      sqlite3_step (stmt) == SQLITE_ROW)
    self->schema_version = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);

  /* Nobody can be watching the models yet: fill them directly. */
  self->data_version = get_data_version (self);
  if (!read_rows (self, 0, change, error))
    return NULL;
  change->reset = TRUE;
  apply_change (self, change);

  return g_steal_pointer (&self);
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

GListModel *
ck_store_get_certificates (CkStore *self)
{
  g_return_val_if_fail (CK_IS_STORE (self), NULL);
  return G_LIST_MODEL (self->certificates);
}

GListModel *
ck_store_get_keys (CkStore *self)
{
  g_return_val_if_fail (CK_IS_STORE (self), NULL);
  return G_LIST_MODEL (self->keys);
}

GListModel *
ck_store_get_requests (CkStore *self)
{
  g_return_val_if_fail (CK_IS_STORE (self), NULL);
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
      ok = read_rows (self, 0, change, error);
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

GArray *
ck_store_find_certificates_for_key (CkStore    *self,
                                    const char *spki_sha256)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autofree char *hex = NULL;
  sqlite3_stmt *stmt;

  g_return_val_if_fail (CK_IS_STORE (self), ids);

  if (spki_sha256 == NULL || (hex = ck_hex_normalize (spki_sha256)) == NULL)
    return ids;
  ck_store_lock (self);
  stmt = get_stmt (self, STMT_CERTS_BY_SPKI, NULL);
  if (stmt != NULL)
    {
      sqlite3_bind_text (stmt, 1, hex, -1, SQLITE_STATIC);
      collect_ids (self, stmt, ids, NULL);
    }
  ck_store_unlock (self);
  return ids;
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

CkStoredCertificate *
ck_store_get_certificate_row (CkStore *self,
                              gint64   id)
{
  g_autoptr(CkStoredCertificate) row = NULL;

  g_return_val_if_fail (CK_IS_STORE (self), NULL);
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
  row = find_row (self->keys, id, NULL);
  return row;
}

CkStoredRequest *
ck_store_get_request_row (CkStore *self,
                          gint64   id)
{
  g_autoptr(CkStoredRequest) row = NULL;

  g_return_val_if_fail (CK_IS_STORE (self), NULL);
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

/* The stored key: PKCS#8 (and whether it is encrypted) or a token URI. */
static gboolean
read_key (CkStore   *self,
          gint64     id,
          GBytes   **pkcs8,
          char     **uri,
          gboolean  *encrypted,
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

  if (!read_key (self, id, &pkcs8, &uri, &encrypted, error))
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
  gboolean encrypted;
  CkPrivateKey *key;

  g_return_val_if_fail (CK_IS_STORE (self), NULL);

  if (!read_key (self, id, &pkcs8, &uri, &encrypted, error))
    return NULL;
  if (pkcs8 == NULL)
    return ck_private_key_new_from_pkcs11_uri (uri, error);

  key = ck_private_key_new_from_pkcs8 (pkcs8, encrypted ? passphrase : NULL,
                                       error);
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
  CkCommitFlags flags;
  gint64 now;
  /* Ids from here on were created by this commit. */
  gint64 first_id;
  CkCommitSummary *summary;
  Change *change;
  /* SPKIs with pending requests: most certificates have none, and this
   * spares them an UPDATE each. */
  GHashTable *pending_spki;
} Commit;

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
      if (c->passphrase == NULL && (c->flags & CK_COMMIT_NO_KEY_PASSPHRASE) == 0)
        {
          g_set_error (error, CK_ERROR, CK_ERROR_PASSWORD_REQUIRED,
                       _("a passphrase is needed to protect this key"));
          return FALSE;
        }
      pkcs8 = ck_private_key_export_pkcs8 (key, c->passphrase, error);
      if (pkcs8 == NULL)
        return FALSE;
    }

  id = commit_insert_object (c, "key", error);
  stmt = id != 0 ? get_stmt (self, STMT_INSERT_KEY, error) : NULL;
  if (stmt == NULL)
    {
      wipe_bytes (pkcs8);
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
  sqlite3_bind_int (stmt, 9, on_token || c->passphrase != NULL);
  if (pkcs8 != NULL)
    bind_bytes (stmt, 10, pkcs8);
  else
    sqlite3_bind_null (stmt, 10);
  bind_text_or_null (stmt, 11, ck_private_key_get_pkcs11_uri (key));
  ok = step_done (self, stmt, _("adding a key"), error);
  /* step_done() reset the statement: SQLite no longer points at the blob. */
  wipe_bytes (pkcs8);
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

static gboolean
plan_needs_passphrase (CkImportPlan *plan)
{
  guint n = ck_import_plan_get_n_items (plan);

  for (guint i = 0; i < n; i++)
    {
      CkImportItem *item = ck_import_plan_get_item (plan, i);

      if (ck_import_item_get_kind (item) == CK_IMPORT_ITEM_PRIVATE_KEY &&
          ck_import_item_is_new (item) &&
          !ck_private_key_is_on_token (ck_import_item_get_private_key (item)))
        return TRUE;
    }
  return FALSE;
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
          !progress (i, n, progress_data))
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

  if (progress != NULL && !progress (n, n, progress_data))
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
  if (key_passphrase == NULL && (flags & CK_COMMIT_NO_KEY_PASSPHRASE) == 0 &&
      plan_needs_passphrase (plan))
    {
      g_set_error (error, CK_ERROR, CK_ERROR_PASSWORD_REQUIRED,
                   _("The import contains private keys: choose a passphrase to "
                   "protect them in the store (nothing was written)"));
      return FALSE;
    }

  change = change_new ();
  c.store = self;
  c.passphrase = key_passphrase;
  c.flags = flags;
  c.now = g_get_real_time () / G_USEC_PER_SEC;
  c.summary = summary;
  c.change = change;

  ck_store_lock (self);
  ok = exec (self, "BEGIN IMMEDIATE", error);
  if (ok)
    {
      ok = load_pending_spki (&c, error) &&
           commit_items (&c, plan, progress, progress_data, error);
      /* Read the new rows back inside the transaction, so they are exactly
       * what was written. */
      if (ok && c.first_id != 0)
        ok = read_rows (self, c.first_id, change, error);
      if (ok)
        ok = exec (self, "COMMIT", error);
      if (!ok)
        sqlite3_exec (self->db, "ROLLBACK", NULL, NULL, NULL);
    }
  ck_store_unlock (self);
  g_clear_pointer (&c.pending_spki, g_hash_table_unref);

  if (!ok)
    {
      memset (summary, 0, sizeof *summary);
      return FALSE;
    }

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

  if (!ok)
    return FALSE;
  if (id != NULL)
    *id = c.first_id;
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
