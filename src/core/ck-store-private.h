/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Internals of CkStore for the core itself: the row constructors the store
 * uses, and what a module that keeps its own tables in store.db (trust, for
 * instance) needs: the connection, the lock, a transaction and its own
 * migrations. Never installed, never used by the GUI directly. */

#include <sqlite3.h>

#include "ck-deletion.h"
#include "ck-store.h"

G_BEGIN_DECLS

/* --- Schema ------------------------------------------------------------ */

typedef gboolean (*CkStoreMigrationFunc) (sqlite3  *db,
                                          GError  **error);

/* One step of a schema: @version is 1, 2, … in order; @sql (may be NULL) is
 * run with sqlite3_exec(), then @func (may be NULL). A list of them ends
 * with an entry whose version is 0. */
typedef struct {
  int                  version;
  const char          *sql;
  CkStoreMigrationFunc func;
} CkStoreMigration;

/* The core schema (certificates, keys, requests), tracked in
 * PRAGMA user_version. */
extern const CkStoreMigration ck_store_core_migrations[];
/* Highest version in ck_store_core_migrations. */
int      ck_store_schema_latest_version (void);

/* Brings the core schema to the latest version, one transaction per step.
 * CK_ERROR_STORE when the database says a newer Certkeeper wrote it. */
gboolean ck_store_schema_migrate        (sqlite3                *db,
                                         const char             *path,
                                         GError                **error);

/* For a module with its own tables: brings @module to the newest version
 * in @migrations, in one transaction, recording it in the schema_modules
 * table (the core's user_version is not touched, so modules and the core
 * evolve independently). CK_ERROR_STORE when the database has a newer
 * version of @module than @migrations knows. Call it once after
 * ck_store_open(), from any thread. */
gboolean ck_store_migrate_module        (CkStore                *self,
                                         const char             *module,
                                         const CkStoreMigration *migrations,
                                         GError                **error);
/* ck_store_migrate_module() inside the caller's transaction (in a
 * ck_store_run_transaction() function), so that a module's first tables
 * come with the first rows written to them, or not at all. */
gboolean ck_store_migrate_module_in_transaction (CkStore                *self,
                                                 const char             *module,
                                                 const CkStoreMigration *migrations,
                                                 GError                **error);
/* The certificates model without filling it (a store opened with
 * CK_STORE_OPEN_LAZY fills it on ck_store_get_certificates()): for
 * listening to "items-changed" only. A lazy store whose model is still
 * empty emits an empty items-changed (0, 0, 0) when certificates come or
 * go: listeners take it as "something changed". */
GListModel *ck_store_peek_certificates  (CkStore                *self);
/* The version of @module in the database, 0 when it has none. */
int      ck_store_get_module_version    (CkStore                *self,
                                         const char             *module);

/* --- Opening checks (ck-store-check.c) --------------------------------- */

struct stat;

/* Refuses a store directory or file that is not the user's own or that
 * group or others may write, naming the chown/chmod that fixes it. */
gboolean ck_store_check_owner_and_mode  (const char             *path,
                                         const struct stat      *st,
                                         GError                **error);
/* PRAGMA quick_check; a damaged database is refused with how to recover. */
gboolean ck_store_check_integrity       (sqlite3                *db,
                                         const char             *dir,
                                         const char             *path,
                                         GError                **error);
/* ck_store_check_integrity() unless the last check passed on exactly these
 * files: @path and its WAL have the same device, inode, size, mtime and
 * ctime (which nobody can set back) as recorded then in @path-checked
 * (0600, next to it). Any write changes them, so a changed store is
 * checked again; a store whose record cannot be written is checked at
 * every open. For opens that read a few rows (CK_STORE_OPEN_LAZY), where
 * the whole-file check would cost more than the command. */
gboolean ck_store_check_integrity_once  (sqlite3                *db,
                                         const char             *dir,
                                         const char             *path,
                                         GError                **error);
/* The "damaged, keep a copy, recover with…" error; returns FALSE. */
gboolean ck_store_set_damaged_error     (GError                **error,
                                         const char             *dir,
                                         const char             *path,
                                         const char             *reason);
/* TRUE when @path has no write-ahead log with content (none, or empty):
 * the database file alone is the whole store, so it can be read as an
 * immutable snapshot when the WAL cannot be used (a full disk, a read-only
 * file system). */
gboolean ck_store_wal_is_empty          (const char             *path);

/* --- Access for modules ------------------------------------------------ */

/* Another read-only connection to the store in @dir, already opened (and
 * migrated) by ck_store_open(): for a worker thread that reads while the
 * GUI's connection writes. Its models stay empty: read objects by id
 * (ck_store_load_certificate(), queries on the connection). */
CkStore *ck_store_open_read_only        (const char             *dir,
                                         GError                **error);

/* The connection. Only use it between ck_store_lock() and
 * ck_store_unlock() (or inside ck_store_run_transaction()): the store may
 * be used from a worker thread at the same time. */
sqlite3 *ck_store_get_db                (CkStore                *self);
/* A recursive lock around the connection. */
void     ck_store_lock                  (CkStore                *self);
void     ck_store_unlock                (CkStore                *self);

typedef gboolean (*CkStoreTransactionFunc) (CkStore  *store,
                                            sqlite3  *db,
                                            gpointer  user_data,
                                            GError  **error);

/* Takes the lock, BEGIN IMMEDIATE, calls @func; COMMIT when it returns
 * TRUE, ROLLBACK when it returns FALSE (with @error set). Not nestable. */
gboolean ck_store_run_transaction       (CkStore                *self,
                                         CkStoreTransactionFunc  func,
                                         gpointer                user_data,
                                         GError                **error);

/* Emits "revocation-changed" on the models' context (at once when called
 * there), for ck_revocation_store_bump_generation(). Any thread. */
void     ck_store_queue_revocation_changed (CkStore             *self);

/* For CkKeeper's request creation: in one transaction, adds @key unless a
 * key with the request's public key is stored already (@key NULL: it must
 * be; a software key is encrypted with @passphrase as in
 * ck_store_add_key(), a token key recorded by its URI), then @request as
 * pending under it, unless the same request is stored (*@request_existed).
 * @before_commit (nullable) runs last, inside the transaction with the
 * store locked: what it writes (the request's file) is done before the
 * commit, and when it fails nothing is stored. */
gboolean ck_store_add_request_with_key  (CkStore                *self,
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
                                         GError                **error);

/* For CkKeeper's issuing actions: in one transaction, adds @key (NULL:
 * none) unless a key with @certificate's public key is stored already
 * (encrypted with @passphrase as in ck_store_add_key(), a token key
 * recorded by its URI), then @certificate as a commit adds one: pending
 * requests for its key become issued (their ids appended to
 * @issued_requests, nullable, element-type gint64). *@certificate_id is
 * set before @before_commit (nullable) runs, last, inside the transaction
 * with the store locked: it links rows to the certificate and writes the
 * output; when it fails nothing is stored. CK_ERROR_EXISTS when the
 * certificate is in the store already. */
gboolean ck_store_add_certificate_with_key (CkStore                *self,
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
                                            GError                **error);

/* Sets @error (CK_ERROR_STORE) from the connection's last error:
 * "store.db: <what>: <sqlite message>". Returns FALSE for convenience. */
gboolean ck_store_set_sqlite_error      (GError                **error,
                                         sqlite3                *db,
                                         const char             *what);

/* --- Rows -------------------------------------------------------------- */

/* The summary columns the list reads, in the order the constructors below
 * expect them (never der or pkcs8: opening must not read the blobs). */
#define CK_STORED_CERTIFICATE_COLUMNS \
  "id, display_name, subject, issuer, issuer_name, serial, not_before, " \
  "not_after, is_ca, sha256, sha1, spki_sha256, key_algorithm, san, " \
  "source, label, imported_at"
#define CK_STORED_KEY_COLUMNS \
  "id, spki_sha256, algorithm, bits, curve, label, source, imported_at, " \
  "encrypted, pkcs11_uri"
#define CK_STORED_REQUEST_COLUMNS \
  "id, sha256, spki_sha256, subject, display_name, status, " \
  "certificate_id, profile, source, created_at"

/* Reads the current row of @stmt (selected with the columns above). */
CkStoredCertificate *ck_stored_certificate_new_from_stmt (sqlite3_stmt *stmt,
                                                          gboolean      has_key);
CkStoredKey         *ck_stored_key_new_from_stmt         (sqlite3_stmt *stmt);
CkStoredRequest     *ck_stored_request_new_from_stmt     (sqlite3_stmt *stmt);

/* Shared by the three row types. */
static inline GParamSpec *
ck_row_string_property (const char *name)
{
  return g_param_spec_string (name, NULL, NULL, NULL,
                              G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
}

static inline GParamSpec *
ck_row_int64_property (const char *name)
{
  return g_param_spec_int64 (name, NULL, NULL, G_MININT64, G_MAXINT64, 0,
                             G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
}

static inline char *
ck_row_column_strdup (sqlite3_stmt *stmt,
                      int           column)
{
  return g_strdup ((const char *) sqlite3_column_text (stmt, column));
}

/* --- Deletions -------------------------------------------------------- */

/* @changeset: the SQLite session changeset of the delete's transaction. */
CkDeletion *ck_deletion_new           (CkObjectKind  kind,
                                       gint64        id,
                                       const char   *display_name,
                                       GBytes       *changeset);
GBytes     *ck_deletion_get_changeset (CkDeletion   *self);

/* Setters only the store calls (it owns the truth); they notify. */
void ck_stored_certificate_set_label (CkStoredCertificate *self,
                                      const char          *label);
void ck_stored_key_set_label         (CkStoredKey         *self,
                                      const char          *label);

G_END_DECLS
