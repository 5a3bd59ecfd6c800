/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ck-store-private.h"

#include "ck-error.h"

#include <glib/gi18n-lib.h>

/* Version 1. Certificates, keys and requests share one id space through
 * `objects`, so "show 42" names exactly one thing. Fingerprints are
 * lower-case hex without separators; times are seconds since the epoch.
 * There is deliberately no trust here: trust is its own module with its own
 * migrations (ck_store_migrate_module), and importing never touches it. */
static const char schema_v1[] =
  "CREATE TABLE objects ("
  "  id INTEGER PRIMARY KEY AUTOINCREMENT,"
  "  kind TEXT NOT NULL CHECK (kind IN ('certificate', 'key', 'request'))"
  ");"
  "CREATE TABLE certificates ("
  "  id INTEGER PRIMARY KEY REFERENCES objects (id) ON DELETE CASCADE,"
  "  sha256 TEXT NOT NULL UNIQUE,"
  "  sha1 TEXT NOT NULL,"
  "  spki_sha256 TEXT NOT NULL,"
  "  subject TEXT NOT NULL,"
  "  issuer TEXT NOT NULL,"
  "  display_name TEXT NOT NULL,"
  "  issuer_name TEXT NOT NULL,"
  "  serial TEXT NOT NULL,"
  "  not_before INTEGER NOT NULL,"
  "  not_after INTEGER NOT NULL,"
  "  is_ca INTEGER NOT NULL DEFAULT 0,"
  "  key_algorithm TEXT,"
  "  san TEXT,"
  "  source TEXT,"
  "  label TEXT,"
  "  imported_at INTEGER NOT NULL,"
  /* Last, so reading the summary columns never walks the blob. */
  "  der BLOB NOT NULL"
  ");"
  "CREATE INDEX certificates_spki_sha256 ON certificates (spki_sha256);"
  "CREATE TABLE keys ("
  "  id INTEGER PRIMARY KEY REFERENCES objects (id) ON DELETE CASCADE,"
  "  spki_sha256 TEXT NOT NULL UNIQUE,"
  "  algorithm TEXT NOT NULL,"
  "  bits INTEGER NOT NULL DEFAULT 0,"
  "  curve TEXT,"
  "  label TEXT,"
  "  source TEXT,"
  "  imported_at INTEGER NOT NULL,"
  /* 0 only when the user chose to store the key without a passphrase. */
  "  encrypted INTEGER NOT NULL,"
  "  pkcs8 BLOB,"
  "  pkcs11_uri TEXT,"
  "  CHECK (pkcs8 IS NOT NULL OR pkcs11_uri IS NOT NULL)"
  ");"
  "CREATE TABLE requests ("
  "  id INTEGER PRIMARY KEY REFERENCES objects (id) ON DELETE CASCADE,"
  "  sha256 TEXT NOT NULL UNIQUE,"
  "  spki_sha256 TEXT NOT NULL,"
  "  subject TEXT NOT NULL,"
  "  display_name TEXT NOT NULL,"
  "  status TEXT NOT NULL DEFAULT 'pending'"
  "    CHECK (status IN ('pending', 'issued')),"
  "  certificate_id INTEGER REFERENCES certificates (id),"
  "  profile TEXT,"
  "  source TEXT,"
  "  created_at INTEGER NOT NULL,"
  "  der BLOB NOT NULL,"
  "  CHECK ((status = 'issued') = (certificate_id IS NOT NULL))"
  ");"
  "CREATE INDEX requests_spki_sha256 ON requests (spki_sha256);"
  "CREATE INDEX requests_certificate_id ON requests (certificate_id);"
  /* Whoever deletes a certificate (the store, the trust module, a future
   * cleanup), the request it fulfilled goes back to pending. */
  "CREATE TRIGGER certificates_delete_unissue AFTER DELETE ON certificates "
  "BEGIN"
  "  UPDATE requests SET status = 'pending', certificate_id = NULL"
  "    WHERE certificate_id = old.id;"
  "END;"
  /* Versions of the modules that keep their own tables here. */
  "CREATE TABLE schema_modules ("
  "  module TEXT PRIMARY KEY,"
  "  version INTEGER NOT NULL"
  ");";

const CkStoreMigration ck_store_core_migrations[] = {
  { 1, schema_v1, NULL },
  /* Append new versions here; never edit a released one. */
  { 0, NULL, NULL },
};

int
ck_store_schema_latest_version (void)
{
  int latest = 0;

  for (const CkStoreMigration *m = ck_store_core_migrations; m->version != 0; m++)
    latest = m->version;
  return latest;
}

static int
latest_version (const CkStoreMigration *migrations)
{
  int latest = 0;

  for (const CkStoreMigration *m = migrations; m->version != 0; m++)
    latest = m->version;
  return latest;
}

static gboolean
exec (sqlite3     *db,
      const char  *sql,
      const char  *what,
      GError     **error)
{
  if (sqlite3_exec (db, sql, NULL, NULL, NULL) != SQLITE_OK)
    return ck_store_set_sqlite_error (error, db, what);
  return TRUE;
}

static gboolean
query_int (sqlite3     *db,
           const char  *sql,
           const char  *text_arg,
           int         *value,
           GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  *value = 0;
  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    return ck_store_set_sqlite_error (error, db, _("reading the schema version"));
  if (text_arg != NULL)
    sqlite3_bind_text (stmt, 1, text_arg, -1, SQLITE_TRANSIENT);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *value = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return ck_store_set_sqlite_error (error, db, _("reading the schema version"));
  return TRUE;
}

static gboolean
apply_step (sqlite3                *db,
            const CkStoreMigration *m,
            GError                **error)
{
  if (m->sql != NULL && !exec (db, m->sql, _("migrating the schema"), error))
    return FALSE;
  if (m->func != NULL && !m->func (db, error))
    return FALSE;
  return TRUE;
}

static void
rollback (sqlite3 *db)
{
  sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
}

gboolean
ck_store_schema_migrate (sqlite3     *db,
                         const char  *path,
                         GError     **error)
{
  int latest = ck_store_schema_latest_version ();
  int version;

  if (!query_int (db, "PRAGMA user_version", NULL, &version, error))
    return FALSE;
  if (version > latest)
    goto too_new;

  for (const CkStoreMigration *m = ck_store_core_migrations; m->version != 0; m++)
    {
      g_autofree char *set_version = NULL;

      if (m->version <= version)
        continue;

      /* Another process may be migrating the same file right now: read the
       * version again once we hold the write lock. */
      if (!exec (db, "BEGIN IMMEDIATE", _("migrating the schema"), error))
        return FALSE;
      if (!query_int (db, "PRAGMA user_version", NULL, &version, error))
        {
          rollback (db);
          return FALSE;
        }
      if (version > latest)
        {
          rollback (db);
          goto too_new;
        }
      if (m->version <= version)
        {
          rollback (db);
          continue;
        }

      set_version = g_strdup_printf ("PRAGMA user_version = %d", m->version);
      if (!apply_step (db, m, error) ||
          !exec (db, set_version, _("migrating the schema"), error) ||
          !exec (db, "COMMIT", _("migrating the schema"), error))
        {
          rollback (db);
          g_prefix_error (error, _("Cannot bring the store to version %d: "),
                          m->version);
          return FALSE;
        }
      version = m->version;
    }
  return TRUE;

too_new:
  g_set_error (error, CK_ERROR, CK_ERROR_STORE,
               _("%s was written by a newer Certkeeper (store version %d, this "
                 "one knows up to %d); update Certkeeper to open it"),
               path, version, latest);
  return FALSE;
}

int
ck_store_get_module_version (CkStore    *self,
                             const char *module)
{
  int version = 0;

  ck_store_lock (self);
  query_int (ck_store_get_db (self),
             "SELECT version FROM schema_modules WHERE module = ?",
             module, &version, NULL);
  ck_store_unlock (self);
  return version;
}

typedef struct {
  const char             *module;
  const CkStoreMigration *migrations;
} ModuleMigration;

static gboolean
migrate_module_in_transaction (CkStore  *store,
                               sqlite3  *db,
                               gpointer  user_data,
                               GError  **error)
{
  ModuleMigration *mm = user_data;
  int latest = latest_version (mm->migrations);
  int version = 0;
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (!query_int (db, "SELECT version FROM schema_modules WHERE module = ?",
                  mm->module, &version, error))
    return FALSE;
  if (version > latest)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_STORE,
                   /* Translators: the second %s is the name of a part of the
                    * store, such as "trust" */
                   _("%s was written by a newer Certkeeper (%s version %d, this "
                     "one knows up to %d); update Certkeeper to open it"),
                   ck_store_get_path (store), mm->module, version, latest);
      return FALSE;
    }
  if (version == latest)
    return TRUE;

  for (const CkStoreMigration *m = mm->migrations; m->version != 0; m++)
    if (m->version > version && !apply_step (db, m, error))
      {
        /* Translators: %s is the name of a part of the store, such as "trust" */
        g_prefix_error (error, _("Cannot bring %s to version %d: "),
                        mm->module, m->version);
        return FALSE;
      }

  if (sqlite3_prepare_v2 (db,
                          "INSERT INTO schema_modules (module, version) "
                          "VALUES (?, ?) ON CONFLICT (module) DO UPDATE "
                          "SET version = excluded.version",
                          -1, &stmt, NULL) != SQLITE_OK)
    return ck_store_set_sqlite_error (error, db, _("recording a module version"));
  sqlite3_bind_text (stmt, 1, mm->module, -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 2, latest);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return ck_store_set_sqlite_error (error, db, _("recording a module version"));
  return TRUE;
}

gboolean
ck_store_migrate_module (CkStore                *self,
                         const char             *module,
                         const CkStoreMigration *migrations,
                         GError                **error)
{
  ModuleMigration mm = { module, migrations };

  g_return_val_if_fail (CK_IS_STORE (self), FALSE);
  g_return_val_if_fail (module != NULL && migrations != NULL, FALSE);

  /* A read-only snapshot (full disk, read-only file system) takes no
   * write lock: an up-to-date module needs none, an old one fails on its
   * first write. */
  if (ck_store_is_read_only (self))
    {
      gboolean ok;

      ck_store_lock (self);
      ok = migrate_module_in_transaction (self, ck_store_get_db (self), &mm, error);
      ck_store_unlock (self);
      return ok;
    }
  return ck_store_run_transaction (self, migrate_module_in_transaction, &mm,
                                   error);
}

gboolean
ck_store_migrate_module_in_transaction (CkStore                *self,
                                        const char             *module,
                                        const CkStoreMigration *migrations,
                                        GError                **error)
{
  ModuleMigration mm = { module, migrations };

  g_return_val_if_fail (CK_IS_STORE (self), FALSE);
  return migrate_module_in_transaction (self, ck_store_get_db (self), &mm, error);
}
