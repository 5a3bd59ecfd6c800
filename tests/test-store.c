/* SPDX-License-Identifier: GPL-3.0-or-later */
/* CkStore: the on-disk SQLite store. Real databases in temporary
 * directories, real certificates made with GnuTLS (ck-test-certs). */

#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "certkeeper-core.h"
#include "ck-store-private.h"
#include "ck-test-certs.h"
#include "ck-test-tools.h"

#define PASSPHRASE "correct horse battery staple"

/* --- Helpers ----------------------------------------------------------- */

static char *
make_tmp_dir (void)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("ck-test-store-XXXXXX", &error);

  g_assert_no_error (error);
  return dir;
}

static CkStore *
open_store (const char *dir)
{
  g_autoptr(GError) error = NULL;
  CkStore *store = ck_store_open (dir, &error);

  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

/* A plan for @pem, built against @store (so it knows what is there). */
static CkImportPlan *
plan_for (CkStore    *store,
          const char *pem,
          const char *name)
{
  g_autoptr(CkImporter) importer = ck_importer_new (store);
  g_autoptr(GBytes) bytes = g_bytes_new (pem, strlen (pem));

  ck_importer_add_bytes (importer, bytes, name);
  return g_object_ref (ck_importer_get_plan (importer));
}

static void
commit_pem (CkStore         *store,
            const char      *pem,
            const char      *passphrase,
            CkCommitFlags    flags,
            CkCommitSummary *summary)
{
  g_autoptr(CkImportPlan) plan = plan_for (store, pem, "/some/where/input.pem");
  g_autoptr(GError) error = NULL;
  CkCommitSummary local;

  g_assert_false (ck_import_plan_has_errors (plan));
  g_assert_true (ck_store_commit (store, plan, passphrase, flags, NULL, NULL,
                                  summary != NULL ? summary : &local, &error));
  g_assert_no_error (error);
}

static guint
n_rows (CkStore    *store,
        const char *table)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM %s", table);
  sqlite3_stmt *stmt = NULL;
  guint n;

  ck_store_lock (store);
  g_assert_cmpint (sqlite3_prepare_v2 (ck_store_get_db (store), sql, -1, &stmt,
                                       NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  n = sqlite3_column_int (stmt, 0);
  sqlite3_finalize (stmt);
  ck_store_unlock (store);
  return n;
}

/* Every row of every table (blobs by length and checksum), through a
 * connection of our own: "exactly the same store" means this is equal. */
static char *
dump_db (const char *path)
{
  static const char * const queries[] = {
    "SELECT id, kind FROM objects ORDER BY id",
    "SELECT id, sha256, sha1, spki_sha256, subject, issuer, display_name, "
    "issuer_name, serial, not_before, not_after, is_ca, key_algorithm, san, "
    "source, label, imported_at, hex (der) FROM certificates ORDER BY id",
    "SELECT id, spki_sha256, algorithm, bits, curve, label, source, "
    "imported_at, encrypted, hex (pkcs8), pkcs11_uri FROM keys ORDER BY id",
    "SELECT id, sha256, spki_sha256, subject, display_name, status, "
    "certificate_id, profile, source, created_at, hex (der) FROM requests "
    "ORDER BY id",
    "SELECT name, seq FROM sqlite_sequence ORDER BY name",
  };
  GString *out = g_string_new (NULL);
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==,
                   SQLITE_OK);
  for (guint q = 0; q < G_N_ELEMENTS (queries); q++)
    {
      sqlite3_stmt *stmt = NULL;
      g_autoptr(GChecksum) sum = g_checksum_new (G_CHECKSUM_SHA256);
      guint rows = 0;

      g_assert_cmpint (sqlite3_prepare_v2 (db, queries[q], -1, &stmt, NULL), ==,
                       SQLITE_OK);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          for (int c = 0; c < sqlite3_column_count (stmt); c++)
            {
              const char *v = (const char *) sqlite3_column_text (stmt, c);
              g_checksum_update (sum, (const guchar *) (v ? v : "\x01NULL"), -1);
              g_checksum_update (sum, (const guchar *) "|", 1);
            }
          rows++;
        }
      sqlite3_finalize (stmt);
      g_string_append_printf (out, "%u rows %s\n", rows,
                              g_checksum_get_string (sum));
    }
  sqlite3_close (db);
  return g_string_free (out, FALSE);
}

static char *
integrity_check (const char *path)
{
  sqlite3 *db = NULL;
  sqlite3_stmt *stmt = NULL;
  GString *out = g_string_new (NULL);

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY, NULL), ==,
                   SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA integrity_check", -1, &stmt,
                                       NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append (out, (const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "PRAGMA foreign_key_check", -1,
                                       &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append (out, " foreign key violation");
  sqlite3_finalize (stmt);
  sqlite3_close (db);
  return g_string_free (out, FALSE);
}

static guint
file_mode (const char *path)
{
  struct stat st;

  g_assert_cmpint (g_stat (path, &st), ==, 0);
  return st.st_mode & 0777;
}

/* A CA, a key, a leaf for it and a request for it. */
typedef struct {
  CkTestCa *ca;
  gnutls_x509_privkey_t key;
  char *ca_pem;
  char *key_pem;
  char *leaf_pem;
  char *request_pem;
  CkCertificate *leaf;
  char *spki;
} Fixture;

static void
fixture_init (Fixture    *f,
              const char *cn)
{
  g_autoptr(GError) error = NULL;

  f->ca = ck_test_ca_new ("Test CA");
  f->key = ck_test_key_new ();
  f->ca_pem = ck_test_ca_get_pem (f->ca);
  f->key_pem = ck_test_key_to_pem (f->key);
  f->leaf_pem = ck_test_ca_issue (f->ca, f->key, cn, 1000);
  f->request_pem = ck_test_request_new (f->key, cn);
  f->leaf = ck_certificate_new_from_pem (f->leaf_pem, -1, &error);
  g_assert_no_error (error);
  f->spki = g_strdup (ck_certificate_get_spki_sha256 (f->leaf));
}

static void
fixture_clear (Fixture *f)
{
  ck_test_ca_free (f->ca);
  gnutls_x509_privkey_deinit (f->key);
  g_free (f->ca_pem);
  g_free (f->key_pem);
  g_free (f->leaf_pem);
  g_free (f->request_pem);
  g_clear_object (&f->leaf);
  g_free (f->spki);
}

static gint64
first_request_id (CkStore *store)
{
  g_autoptr(CkStoredRequest) row = g_list_model_get_item (ck_store_get_requests (store), 0);

  g_assert_nonnull (row);
  return ck_stored_request_get_id (row);
}

static guint items_changed_count;

static void
count_items_changed (GListModel *model,
                     guint       position,
                     guint       removed,
                     guint       added,
                     gpointer    user_data)
{
  guint *count = user_data;

  (*count)++;
  items_changed_count++;
}

static void
count_notify (GObject    *object,
              GParamSpec *pspec,
              gpointer    user_data)
{
  guint *count = user_data;

  (*count)++;
}

/* --- Tests ------------------------------------------------------------- */

/* Most tests: a fresh store in a temporary directory and a CA, key, leaf
 * and request whose CN is the test data. */
typedef struct {
  char *dir;
  CkStore *store;
  Fixture f;
} StoreTest;

static void
store_setup (StoreTest     *t,
             gconstpointer  cn)
{
  t->dir = make_tmp_dir ();
  t->store = open_store (t->dir);
  fixture_init (&t->f, cn);
}

static void
store_teardown (StoreTest     *t,
                gconstpointer  data)
{
  g_clear_object (&t->store);
  fixture_clear (&t->f);
  ck_test_remove_tree (t->dir);
  g_free (t->dir);
}


static void
test_open_permissions (void)
{
  g_autofree char *tmp = make_tmp_dir ();
  g_autofree char *dir = g_build_filename (tmp, "nested", "certkeeper", NULL);
  g_autofree char *wal = NULL;
  g_autofree char *shm = NULL;
  g_autoptr(CkStore) store = NULL;
  Fixture f = { 0, };
  mode_t old_umask;

  fixture_init (&f, "perm.example");

  /* A permissive umask must not leak into the store's files. */
  old_umask = umask (0);
  store = open_store (dir);
  umask (old_umask);

  g_assert_cmpstr (ck_store_get_dir (store), ==, dir);
  g_assert_true (g_str_has_suffix (ck_store_get_path (store), "/store.db"));
  g_assert_cmpint (ck_store_get_schema_version (store), ==,
                   ck_store_schema_latest_version ());
  g_assert_cmpint (ck_store_get_schema_version (store), >=, 1);

  /* Write something so SQLite makes the -wal and -shm files. */
  commit_pem (store, f.ca_pem, NULL, 0, NULL);

  wal = g_strconcat (ck_store_get_path (store), "-wal", NULL);
  shm = g_strconcat (ck_store_get_path (store), "-shm", NULL);
  g_assert_true (g_file_test (wal, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (shm, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (file_mode (dir), ==, 0700);
  g_assert_cmpuint (file_mode (ck_store_get_path (store)), ==, 0600);
  g_assert_cmpuint (file_mode (wal), ==, 0600);
  g_assert_cmpuint (file_mode (shm), ==, 0600);

  /* A database made readable by someone else is tightened on open. */
  g_clear_object (&store);
  {
    g_autofree char *db = g_build_filename (dir, "store.db", NULL);

    g_assert_cmpint (g_chmod (db, 0644), ==, 0);
    store = open_store (dir);
    g_assert_cmpuint (file_mode (db), ==, 0600);
  }

  g_clear_object (&store);
  fixture_clear (&f);
  ck_test_remove_tree (tmp);
}

static void
test_open_loose_dir_warns (void)
{
  g_autofree char *tmp = make_tmp_dir ();
  g_autoptr(CkStore) store = NULL;

  /* Someone else's directory: not changed, but the user is told. */
  g_assert_cmpint (g_chmod (tmp, 0755), ==, 0);
  g_test_expect_message ("certkeeper-store", G_LOG_LEVEL_WARNING,
                         "*can be read by other users*");
  store = open_store (tmp);
  g_test_assert_expected_messages ();
  g_assert_cmpuint (file_mode (tmp), ==, 0755);
  g_assert_cmpuint (file_mode (ck_store_get_path (store)), ==, 0600);

  g_clear_object (&store);
  ck_test_remove_tree (tmp);
}

static void
test_default_dir (void)
{
  g_autofree char *saved = g_strdup (g_getenv ("CERTKEEPER_STORE"));
  g_autofree char *dir = NULL;
  g_autofree char *expected = NULL;

  g_setenv ("CERTKEEPER_STORE", "/tmp/ck-elsewhere", TRUE);
  dir = ck_store_get_default_dir ();
  g_assert_cmpstr (dir, ==, "/tmp/ck-elsewhere");
  g_clear_pointer (&dir, g_free);

  g_unsetenv ("CERTKEEPER_STORE");
  dir = ck_store_get_default_dir ();
  expected = g_build_filename (g_get_user_data_dir (), "certkeeper", NULL);
  g_assert_cmpstr (dir, ==, expected);

  if (saved != NULL)
    g_setenv ("CERTKEEPER_STORE", saved, TRUE);
}

static void
test_schema_too_new (void)
{
  g_autofree char *dir = make_tmp_dir ();
  g_autofree char *path = NULL;
  g_autoptr(CkStore) store = open_store (dir);
  g_autoptr(GError) error = NULL;
  sqlite3 *db = NULL;
  CkStore *again;

  path = g_strdup (ck_store_get_path (store));
  g_clear_object (&store);

  g_assert_cmpint (sqlite3_open (path, &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "PRAGMA user_version = 99", NULL, NULL,
                                 NULL), ==, SQLITE_OK);
  sqlite3_close (db);

  again = ck_store_open (dir, &error);
  g_assert_null (again);
  g_assert_error (error, CK_ERROR, CK_ERROR_STORE);
  g_assert_nonnull (strstr (error->message, "newer Certkeeper"));

  ck_test_remove_tree (dir);
}

static gboolean
module_v2_func (sqlite3  *db,
                GError  **error)
{
  return sqlite3_exec (db, "INSERT INTO test_module_things (name) VALUES ('v2')",
                       NULL, NULL, NULL) == SQLITE_OK;
}

static void
test_schema_module (void)
{
  static const CkStoreMigration v1[] = {
    { 1, "CREATE TABLE test_module_things (id INTEGER PRIMARY KEY, name TEXT)", NULL },
    { 0, NULL, NULL },
  };
  static const CkStoreMigration v2[] = {
    { 1, "CREATE TABLE test_module_things (id INTEGER PRIMARY KEY, name TEXT)", NULL },
    { 2, NULL, module_v2_func },
    { 0, NULL, NULL },
  };
  g_autofree char *dir = make_tmp_dir ();
  g_autoptr(CkStore) store = open_store (dir);
  g_autoptr(GError) error = NULL;

  g_assert_cmpint (ck_store_get_module_version (store, "test"), ==, 0);
  g_assert_true (ck_store_migrate_module (store, "test", v1, &error));
  g_assert_no_error (error);
  g_assert_cmpint (ck_store_get_module_version (store, "test"), ==, 1);
  /* Idempotent: running it again does not recreate the table. */
  g_assert_true (ck_store_migrate_module (store, "test", v1, &error));
  g_assert_no_error (error);
  g_assert_true (ck_store_migrate_module (store, "test", v2, &error));
  g_assert_no_error (error);
  g_assert_cmpint (ck_store_get_module_version (store, "test"), ==, 2);
  g_assert_cmpuint (n_rows (store, "test_module_things"), ==, 1);
  /* The core version is not the module's. */
  g_assert_cmpint (ck_store_get_schema_version (store), ==,
                   ck_store_schema_latest_version ());

  /* An older build that only knows v1 refuses the newer module. */
  g_assert_false (ck_store_migrate_module (store, "test", v1, &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_STORE);
  g_assert_nonnull (strstr (error->message, "newer Certkeeper"));

  g_clear_object (&store);
  ck_test_remove_tree (dir);
}

static void
test_reopen (StoreTest     *t,
            gconstpointer  data)
{
  g_autoptr(GString) pem = g_string_new (NULL);
  g_autoptr(GPtrArray) before = g_ptr_array_new_with_free_func (g_free);
  CkCommitSummary summary;
  GListModel *certs;

  g_string_append (pem, t->f.ca_pem);
  ck_test_ca_issue_many (t->f.ca, t->f.key, "Reopen Leaf", 2000, 5, pem);
  g_string_append (pem, t->f.leaf_pem);
  g_string_append (pem, t->f.key_pem);
  g_string_append (pem, t->f.request_pem);

  commit_pem (t->store, pem->str, PASSPHRASE, 0, &summary);
  g_assert_cmpuint (summary.certificates, ==, 7);
  g_assert_cmpuint (summary.keys, ==, 1);
  g_assert_cmpuint (summary.requests, ==, 1);
  g_assert_cmpuint (summary.skipped, ==, 0);

  certs = ck_store_get_certificates (t->store);
  g_assert_cmpuint (g_list_model_get_n_items (certs), ==, 7);
  for (guint i = 0; i < 7; i++)
    {
      g_autoptr(CkStoredCertificate) row = g_list_model_get_item (certs, i);
      g_ptr_array_add (before, g_strdup_printf ("%" G_GINT64_FORMAT " %s %s %s %d %s",
                                                ck_stored_certificate_get_id (row),
                                                ck_stored_certificate_get_sha256 (row),
                                                ck_stored_certificate_get_display_name (row),
                                                ck_stored_certificate_get_source (row),
                                                ck_stored_certificate_get_has_key (row),
                                                ck_stored_certificate_get_san (row)));
    }
  g_clear_object (&t->store);

  t->store = open_store (t->dir);
  certs = ck_store_get_certificates (t->store);
  g_assert_cmpuint (g_list_model_get_n_items (certs), ==, 7);
  g_assert_cmpuint (g_list_model_get_n_items (ck_store_get_keys (t->store)), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (ck_store_get_requests (t->store)), ==, 1);
  for (guint i = 0; i < 7; i++)
    {
      g_autoptr(CkStoredCertificate) row = g_list_model_get_item (certs, i);
      g_autofree char *now = g_strdup_printf ("%" G_GINT64_FORMAT " %s %s %s %d %s",
                                              ck_stored_certificate_get_id (row),
                                              ck_stored_certificate_get_sha256 (row),
                                              ck_stored_certificate_get_display_name (row),
                                              ck_stored_certificate_get_source (row),
                                              ck_stored_certificate_get_has_key (row),
                                              ck_stored_certificate_get_san (row));
      g_assert_cmpstr (now, ==, g_ptr_array_index (before, i));
    }

  /* The row agrees with the parsed certificate it summarises. */
  {
    gint64 id = ck_store_find_certificate (t->store,
                                           ck_certificate_get_sha256_fingerprint (t->f.leaf));
    CkStoredCertificate *row = ck_store_get_certificate_row (t->store, id);
    g_autoptr(CkCertificate) loaded = NULL;
    g_autoptr(GError) error = NULL;

    g_assert_cmpint (id, >, 0);
    g_assert_nonnull (row);
    g_assert_cmpstr (ck_stored_certificate_get_subject (row), ==,
                     ck_certificate_get_subject (t->f.leaf));
    g_assert_cmpstr (ck_stored_certificate_get_issuer (row), ==,
                     ck_certificate_get_issuer (t->f.leaf));
    g_assert_cmpstr (ck_stored_certificate_get_serial (row), ==,
                     ck_certificate_get_serial (t->f.leaf));
    g_assert_cmpstr (ck_stored_certificate_get_sha1 (row), ==,
                     ck_certificate_get_sha1_fingerprint (t->f.leaf));
    g_assert_cmpstr (ck_stored_certificate_get_spki_sha256 (row), ==, t->f.spki);
    g_assert_cmpstr (ck_stored_certificate_get_san (row), ==, "DNS:reopen.example");
    g_assert_cmpstr (ck_stored_certificate_get_display_name (row), ==, "reopen.example");
    g_assert_cmpstr (ck_stored_certificate_get_issuer_name (row), ==, "Test CA");
    g_assert_cmpstr (ck_stored_certificate_get_key_algorithm (row), ==, "ECDSA");
    g_assert_cmpstr (ck_stored_certificate_get_source (row), ==, "input.pem");
    g_assert_cmpint (ck_stored_certificate_get_not_after (row), ==,
                     ck_certificate_get_not_after (t->f.leaf));
    g_assert_false (ck_stored_certificate_get_is_ca (row));
    g_assert_true (ck_stored_certificate_get_has_key (row));
    g_assert_cmpint (ck_store_get_kind (t->store, id), ==, CK_OBJECT_CERTIFICATE);

    loaded = ck_store_load_certificate (t->store, id, &error);
    g_assert_no_error (error);
    g_assert_true (ck_certificate_equal (loaded, t->f.leaf));
  }

}

static void
test_duplicates (StoreTest     *t,
                gconstpointer  data)
{
  g_autoptr(GString) pem = g_string_new (NULL);
  CkCommitSummary summary;

  /* The same certificate twice in one plan. */
  g_string_append (pem, t->f.leaf_pem);
  g_string_append (pem, t->f.ca_pem);
  g_string_append (pem, t->f.leaf_pem);
  commit_pem (t->store, pem->str, NULL, 0, &summary);
  g_assert_cmpuint (summary.certificates, ==, 2);
  /* Not "already in the store": it was not, before this import. */
  g_assert_cmpuint (summary.skipped, ==, 0);
  g_assert_cmpuint (summary.duplicates, ==, 1);
  g_assert_cmpuint (n_rows (t->store, "certificates"), ==, 2);

  /* And again: everything is already there. */
  commit_pem (t->store, pem->str, NULL, 0, &summary);
  g_assert_cmpuint (summary.certificates, ==, 0);
  g_assert_cmpuint (summary.skipped, ==, 3);
  g_assert_cmpuint (summary.duplicates, ==, 0);
  g_assert_cmpuint (n_rows (t->store, "certificates"), ==, 2);
  g_assert_cmpuint (n_rows (t->store, "objects"), ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (ck_store_get_certificates (t->store)), ==, 2);

  /* A plan made before the first commit still does not store twice: the
   * database decides, not the plan's flags. */
  {
    g_autofree char *dir2 = make_tmp_dir ();
    g_autoptr(CkStore) store2 = open_store (dir2);
    g_autoptr(CkImportPlan) stale = plan_for (store2, t->f.leaf_pem, "a.pem");
    g_autoptr(GError) error = NULL;

    commit_pem (store2, t->f.leaf_pem, NULL, 0, NULL);
    g_assert_true (ck_store_commit (store2, stale, NULL, 0, NULL, NULL, &summary,
                                    &error));
    g_assert_no_error (error);
    g_assert_cmpuint (summary.certificates, ==, 0);
    g_assert_cmpuint (summary.skipped, ==, 1);
    g_assert_cmpuint (n_rows (store2, "certificates"), ==, 1);
    g_clear_object (&store2);
    ck_test_remove_tree (dir2);
  }

}

static void
check_linked (CkStore    *store,
              Fixture    *f)
{
  g_autoptr(GArray) ids = ck_store_find_certificates_for_key (store, f->spki);
  gint64 cert_id = ck_store_find_certificate (store,
                                              ck_certificate_get_sha256_fingerprint (f->leaf));
  gint64 key_id = ck_store_find_key (store, f->spki);

  g_assert_cmpint (cert_id, >, 0);
  g_assert_cmpint (key_id, >, 0);
  g_assert_cmpint (key_id, !=, cert_id);
  g_assert_cmpuint (ids->len, ==, 1);
  g_assert_cmpint (g_array_index (ids, gint64, 0), ==, cert_id);
  g_assert_true (ck_stored_certificate_get_has_key (ck_store_get_certificate_row (store, cert_id)));
  g_assert_cmpstr (ck_stored_key_get_spki_sha256 (ck_store_get_key_row (store, key_id)), ==,
                   f->spki);
  g_assert_cmpint (ck_store_get_kind (store, key_id), ==, CK_OBJECT_KEY);
}

static void
test_link_key_then_certificate (StoreTest     *t,
                               gconstpointer  data)
{
  CkCommitSummary summary;

  commit_pem (t->store, t->f.key_pem, PASSPHRASE, 0, &summary);
  g_assert_cmpuint (summary.keys, ==, 1);
  commit_pem (t->store, t->f.leaf_pem, NULL, 0, &summary);
  g_assert_cmpuint (summary.certificates, ==, 1);
  check_linked (t->store, &t->f);

}

static void
test_link_certificate_then_key (StoreTest     *t,
                               gconstpointer  data)
{
  g_autoptr(GArray) ids = NULL;
  CkStoredCertificate *row;
  guint notified = 0;
  gint64 cert_id;

  commit_pem (t->store, t->f.leaf_pem, NULL, 0, NULL);
  cert_id = ck_store_find_certificate (t->store, ck_certificate_get_sha256_fingerprint (t->f.leaf));
  row = ck_store_get_certificate_row (t->store, cert_id);
  g_assert_false (ck_stored_certificate_get_has_key (row));
  ids = ck_store_find_certificates_for_key (t->store, t->f.spki);
  g_assert_cmpuint (ids->len, ==, 1);
  g_signal_connect (row, "notify::has-key", G_CALLBACK (count_notify), &notified);

  commit_pem (t->store, t->f.key_pem, PASSPHRASE, 0, NULL);
  g_assert_cmpuint (notified, ==, 1);
  check_linked (t->store, &t->f);

  /* Deleting the key leaves the certificate, without its key. */
  g_assert_true (ck_store_delete (t->store, ck_store_find_key (t->store, t->f.spki), NULL));
  g_assert_cmpuint (notified, ==, 2);
  g_assert_false (ck_stored_certificate_get_has_key (row));
  g_assert_cmpint (ck_store_find_certificate (t->store, ck_certificate_get_sha256_fingerprint (t->f.leaf)),
                   ==, cert_id);

}

static void
test_link_same_plan (StoreTest     *t,
                    gconstpointer  data)
{
  g_autofree char *pem = NULL;
  CkCommitSummary summary;

  /* Certificate before its key in the same file. */
  pem = g_strconcat (t->f.leaf_pem, t->f.key_pem, NULL);
  commit_pem (t->store, pem, PASSPHRASE, 0, &summary);
  g_assert_cmpuint (summary.certificates, ==, 1);
  g_assert_cmpuint (summary.keys, ==, 1);
  check_linked (t->store, &t->f);

}

static void
test_request_lifecycle (StoreTest     *t,
                       gconstpointer  data)
{
  g_autofree char *pem = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CkRequest) renewal = NULL;
  CkStoredRequest *row;
  CkCommitSummary summary;
  guint notified = 0;
  gint64 request_id, cert_id, renewal_id;


  /* Key and request first, as Certkeeper leaves them after "New request". */
  pem = g_strconcat (t->f.key_pem, t->f.request_pem, NULL);
  commit_pem (t->store, pem, PASSPHRASE, 0, &summary);
  g_assert_cmpuint (summary.requests, ==, 1);
  g_assert_cmpuint (summary.requests_issued, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (ck_store_get_requests (t->store)), ==, 1);
  row = g_list_model_get_item (ck_store_get_requests (t->store), 0);
  g_object_unref (row);   /* the model keeps it */
  request_id = ck_stored_request_get_id (row);
  g_assert_cmpint (ck_stored_request_get_status (row), ==, CK_REQUEST_STATUS_PENDING);
  g_assert_cmpint (ck_stored_request_get_certificate_id (row), ==, 0);
  g_assert_cmpstr (ck_stored_request_get_spki_sha256 (row), ==, t->f.spki);
  g_assert_cmpint (ck_store_get_kind (t->store, request_id), ==, CK_OBJECT_REQUEST);
  g_signal_connect (row, "notify::status", G_CALLBACK (count_notify), &notified);

  /* The CA's answer arrives. */
  commit_pem (t->store, t->f.leaf_pem, NULL, 0, &summary);
  g_assert_cmpuint (summary.certificates, ==, 1);
  g_assert_cmpuint (summary.requests_issued, ==, 1);
  cert_id = ck_store_find_certificate (t->store, ck_certificate_get_sha256_fingerprint (t->f.leaf));
  g_assert_cmpuint (notified, ==, 1);
  g_assert_cmpint (ck_stored_request_get_status (row), ==, CK_REQUEST_STATUS_ISSUED);
  g_assert_cmpint (ck_stored_request_get_certificate_id (row), ==, cert_id);
  g_assert_cmpstr (ck_request_status_to_string (ck_stored_request_get_status (row)), ==,
                   "issued");

  /* Survives a reopen. */
  g_clear_object (&t->store);
  t->store = open_store (t->dir);
  row = ck_store_get_request_row (t->store, request_id);
  g_assert_cmpint (ck_stored_request_get_status (row), ==, CK_REQUEST_STATUS_ISSUED);
  g_assert_cmpint (ck_stored_request_get_certificate_id (row), ==, cert_id);
  notified = 0;
  g_signal_connect (row, "notify::status", G_CALLBACK (count_notify), &notified);

  /* Deleting the certificate puts the request back to pending. */
  g_assert_true (ck_store_delete (t->store, cert_id, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (notified, ==, 1);
  g_assert_cmpint (ck_stored_request_get_status (row), ==, CK_REQUEST_STATUS_PENDING);
  g_assert_cmpint (ck_stored_request_get_certificate_id (row), ==, 0);
  g_clear_object (&t->store);
  t->store = open_store (t->dir);
  row = ck_store_get_request_row (t->store, request_id);
  g_assert_cmpint (ck_stored_request_get_status (row), ==, CK_REQUEST_STATUS_PENDING);

  /* Re-import it: issued again. Then a renewal request for the same key is
   * added: pending, although the key has a certificate. */
  commit_pem (t->store, t->f.leaf_pem, NULL, 0, &summary);
  g_assert_cmpuint (summary.requests_issued, ==, 1);
  g_assert_cmpint (ck_stored_request_get_status (row), ==, CK_REQUEST_STATUS_ISSUED);
  {
    g_autofree char *renewal_pem = ck_test_request_new (t->f.key, "csr.example renewal");

    renewal = ck_request_new_from_pem (renewal_pem, -1, &error);
    g_assert_no_error (error);
  }
  renewal_id = ck_store_add_request (t->store, renewal, "tls-server", &error);
  g_assert_no_error (error);
  g_assert_cmpint (renewal_id, >, 0);
  row = ck_store_get_request_row (t->store, renewal_id);
  g_assert_nonnull (row);
  g_assert_cmpint (ck_stored_request_get_status (row), ==, CK_REQUEST_STATUS_PENDING);
  g_assert_cmpstr (ck_stored_request_get_profile (row), ==, "tls-server");
  g_assert_cmpint (ck_store_find_request (t->store, ck_request_get_sha256_fingerprint (renewal)),
                   ==, renewal_id);
  /* Adding it twice is refused. */
  g_assert_cmpint (ck_store_add_request (t->store, renewal, NULL, &error), ==, 0);
  g_assert_error (error, CK_ERROR, CK_ERROR_EXISTS);
  g_clear_error (&error);
  {
    g_autoptr(CkRequest) loaded = ck_store_load_request (t->store, renewal_id, &error);

    g_assert_no_error (error);
    g_assert_cmpstr (ck_request_get_sha256_fingerprint (loaded), ==,
                     ck_request_get_sha256_fingerprint (renewal));
  }

}

static void
test_keys_need_passphrase (StoreTest     *t,
                          gconstpointer  data)
{
  g_autofree char *pem = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autoptr(CkImportPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  CkCommitSummary summary;

  commit_pem (t->store, t->f.ca_pem, NULL, 0, NULL);
  before = dump_db (ck_store_get_path (t->store));

  pem = g_strconcat (t->f.leaf_pem, t->f.key_pem, NULL);
  plan = plan_for (t->store, pem, "pair.pem");
  g_assert_false (ck_store_commit (t->store, plan, NULL, CK_COMMIT_NONE, NULL, NULL,
                                   &summary, &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_PASSWORD_REQUIRED);
  g_clear_error (&error);
  /* An empty passphrase is no passphrase. */
  g_assert_false (ck_store_commit (t->store, plan, "", CK_COMMIT_NONE, NULL, NULL,
                                   &summary, &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_PASSWORD_REQUIRED);
  g_clear_error (&error);

  /* Nothing written, not even the certificate. */
  after = dump_db (ck_store_get_path (t->store));
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpuint (g_list_model_get_n_items (ck_store_get_certificates (t->store)), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (ck_store_get_keys (t->store)), ==, 0);

}

/* Does @blob parse as PKCS#8 with @password (NULL: as a plain key)? */
static int
gnutls_pkcs8_import (GBytes     *blob,
                     const char *password)
{
  gnutls_x509_privkey_t key;
  gnutls_datum_t datum;
  gsize len;
  int rc;

  datum.data = (unsigned char *) g_bytes_get_data (blob, &len);
  datum.size = len;
  gnutls_x509_privkey_init (&key);
  rc = gnutls_x509_privkey_import_pkcs8 (key, &datum, GNUTLS_X509_FMT_DER,
                                         password,
                                         password != NULL ? 0 : GNUTLS_PKCS_PLAIN);
  gnutls_x509_privkey_deinit (key);
  return rc;
}

static void
test_keys_encrypted (StoreTest     *t,
                    gconstpointer  data)
{
  g_autoptr(GBytes) blob = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CkPrivateKey) key = NULL;
  CkStoredKey *row;
  gint64 key_id;

  commit_pem (t->store, t->f.key_pem, PASSPHRASE, 0, NULL);
  key_id = ck_store_find_key (t->store, t->f.spki);
  row = ck_store_get_key_row (t->store, key_id);
  g_assert_true (ck_stored_key_get_encrypted (row));
  g_assert_cmpstr (ck_stored_key_get_algorithm (row), ==, "ECDSA");
  g_assert_cmpstr (ck_stored_key_get_source (row), ==, "input.pem");
  g_assert_nonnull (ck_stored_key_get_display_name (row));

  blob = ck_store_get_key_pkcs8 (t->store, key_id, &error);
  g_assert_no_error (error);
  /* Sealed under the store's key vault: not PKCS#8 at all, plain or
   * encrypted (GnuTLS itself as the oracle), readable only through the
   * vault with the passphrase. */
  g_assert_true (ck_key_vault_is_wrapped (blob));
  g_assert_cmpint (gnutls_pkcs8_import (blob, NULL), <, 0);
  g_assert_cmpint (gnutls_pkcs8_import (blob, PASSPHRASE), <, 0);
  g_assert_null (memmem (g_bytes_get_data (blob, NULL), g_bytes_get_size (blob),
                         "PRIVATE KEY", 11));

  /* Locked again (as a new process would find it): a wrong passphrase is
   * refused, the right one opens the key. */
  ck_key_vault_lock (ck_key_vault_get (t->store));
  key = ck_store_load_private_key (t->store, key_id, NULL, &error);
  g_assert_null (key);
  g_assert_error (error, CK_ERROR, CK_ERROR_PASSWORD_REQUIRED);
  g_clear_error (&error);
  key = ck_store_load_private_key (t->store, key_id, "wrong", &error);
  g_assert_null (key);
  g_assert_error (error, CK_ERROR, CK_ERROR_BAD_PASSWORD);
  g_clear_error (&error);
  key = ck_store_load_private_key (t->store, key_id, PASSPHRASE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ck_private_key_get_spki_sha256 (key), ==, t->f.spki);

}

/* Undo of deleting an encrypted key: the very blob comes back, still
 * encrypted with the same passphrase, with its label, source and import
 * time, and its certificate has its key again. */
static void
test_keys_restore (StoreTest     *t,
                   gconstpointer  data)
{
  g_autoptr(GBytes) blob = NULL;
  g_autoptr(GBytes) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CkStoredKey) deleted = NULL;
  g_autoptr(CkPrivateKey) key = NULL;
  g_autofree char *pem = g_strconcat (t->f.leaf_pem, t->f.key_pem, NULL);
  CkStoredKey *row;
  CkStoredCertificate *cert;
  gint64 key_id, cert_id, restored;

  commit_pem (t->store, pem, PASSPHRASE, 0, NULL);
  key_id = ck_store_find_key (t->store, t->f.spki);
  cert_id = ck_store_find_certificate (t->store, ck_certificate_get_sha256_fingerprint (t->f.leaf));
  g_assert_true (ck_store_set_label (t->store, key_id, "Web server key", &error));
  g_assert_no_error (error);
  deleted = g_object_ref (ck_store_get_key_row (t->store, key_id));
  cert = ck_store_get_certificate_row (t->store, cert_id);
  g_assert_true (ck_stored_certificate_get_has_key (cert));
  blob = ck_store_get_key_pkcs8 (t->store, key_id, &error);
  g_assert_no_error (error);

  g_assert_true (ck_store_delete (t->store, key_id, &error));
  g_assert_no_error (error);
  g_assert_false (ck_stored_certificate_get_has_key (cert));

  restored = ck_store_restore_key (t->store, deleted, blob, &error);
  g_assert_no_error (error);
  g_assert_cmpint (restored, >, 0);
  g_assert_cmpint (ck_store_find_key (t->store, t->f.spki), ==, restored);
  g_assert_true (ck_stored_certificate_get_has_key (cert));
  row = ck_store_get_key_row (t->store, restored);
  g_assert_nonnull (row);
  g_assert_true (ck_stored_key_get_encrypted (row));
  g_assert_cmpstr (ck_stored_key_get_label (row), ==, "Web server key");
  g_assert_cmpstr (ck_stored_key_get_source (row), ==, ck_stored_key_get_source (deleted));
  g_assert_cmpint (ck_stored_key_get_imported_at (row), ==, ck_stored_key_get_imported_at (deleted));
  g_assert_cmpstr (ck_stored_key_get_algorithm (row), ==, ck_stored_key_get_algorithm (deleted));
  g_assert_cmpuint (ck_stored_key_get_bits (row), ==, ck_stored_key_get_bits (deleted));

  /* Byte for byte, and still only opened by the same passphrase. */
  again = ck_store_get_key_pkcs8 (t->store, restored, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (again, blob));
  key = ck_store_load_private_key (t->store, restored, "wrong", &error);
  g_assert_null (key);
  g_assert_error (error, CK_ERROR, CK_ERROR_BAD_PASSWORD);
  g_clear_error (&error);
  key = ck_store_load_private_key (t->store, restored, PASSPHRASE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ck_private_key_get_spki_sha256 (key), ==, t->f.spki);

  /* Twice is refused. */
  g_assert_cmpint (ck_store_restore_key (t->store, deleted, blob, &error), ==, 0);
  g_assert_error (error, CK_ERROR, CK_ERROR_EXISTS);
}


static char *
dump_every_table (CkStore *store)
{
  return ck_test_dump_tables (ck_store_get_path (store));
}

/* Does @table have no rows in @dump (as dump_every_table() writes it)? */
static gboolean
table_is_empty (const char *dump,
                const char *table)
{
  g_autofree char *heading = g_strdup_printf ("[%s]\n", table);
  const char *p = strstr (dump, heading);

  g_assert_nonnull (p);
  p += strlen (heading);
  return *p == '\0' || *p == '[';
}

/* Restores @deletion and checks that every table is @before again. */
static void
assert_restores (CkStore    *store,
                 CkDeletion *deletion,
                 const char *before)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *after = NULL;

  g_assert_true (ck_store_restore (store, deletion, &error));
  g_assert_no_error (error);
  after = dump_every_table (store);
  g_assert_cmpstr (after, ==, before);
}

/* The ids of a model, in order. */
static char *
model_ids (GListModel *model)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GObject) row = g_list_model_get_item (model, i);
      gint64 id = CK_IS_STORED_CERTIFICATE (row) ? ck_stored_certificate_get_id (CK_STORED_CERTIFICATE (row))
                  : CK_IS_STORED_KEY (row) ? ck_stored_key_get_id (CK_STORED_KEY (row))
                  : ck_stored_request_get_id (CK_STORED_REQUEST (row));

      g_string_append_printf (out, "%" G_GINT64_FORMAT " ", id);
    }
  return g_string_free (out, FALSE);
}

/* What the three lists show, has_key and request status included. */
static char *
dump_models (CkStore *store)
{
  GString *out = g_string_new (NULL);
  GListModel *certs = ck_store_get_certificates (store);
  GListModel *requests = ck_store_get_requests (store);
  g_autofree char *cert_ids = model_ids (certs);
  g_autofree char *key_ids = model_ids (ck_store_get_keys (store));
  g_autofree char *request_ids = model_ids (requests);

  g_string_append_printf (out, "certificates %s\nkeys %s\nrequests %s\n", cert_ids, key_ids,
                          request_ids);
  for (guint i = 0; i < g_list_model_get_n_items (certs); i++)
    {
      g_autoptr(CkStoredCertificate) row = g_list_model_get_item (certs, i);

      g_string_append_printf (out, "cert %" G_GINT64_FORMAT " key %d label %s source %s at %"
                              G_GINT64_FORMAT "\n", ck_stored_certificate_get_id (row),
                              ck_stored_certificate_get_has_key (row),
                              ck_stored_certificate_get_label (row),
                              ck_stored_certificate_get_source (row),
                              ck_stored_certificate_get_imported_at (row));
    }
  for (guint i = 0; i < g_list_model_get_n_items (requests); i++)
    {
      g_autoptr(CkStoredRequest) row = g_list_model_get_item (requests, i);

      g_string_append_printf (out, "request %" G_GINT64_FORMAT " status %d cert %" G_GINT64_FORMAT
                              "\n", ck_stored_request_get_id (row),
                              ck_stored_request_get_status (row),
                              ck_stored_request_get_certificate_id (row));
    }
  return g_string_free (out, FALSE);
}

/* A CA, a key with two certificates (serials 1000 and 1001) and a request
 * issued by the first, trust decisions on the CA and the first leaf
 * (including a distrust for everything), labels. Returns the first
 * leaf's id; the others through the pointers. */
static gint64
undo_store_setup (StoreTest  *t,
                  CkTrust    *trust,
                  gint64     *second,
                  gint64     *key_id,
                  gint64     *request_id)
{
  g_autofree char *second_pem = ck_test_ca_issue (t->f.ca, t->f.key, "second.example", 1001);
  g_autofree char *first_pem = g_strconcat (t->f.ca_pem, t->f.key_pem, t->f.leaf_pem,
                                            t->f.request_pem, NULL);
  g_autoptr(CkCertificate) second_cert = ck_certificate_new_from_pem (second_pem, -1, NULL);
  g_autoptr(GError) error = NULL;
  gint64 ca_id, leaf_id;

  commit_pem (t->store, first_pem, PASSPHRASE, 0, NULL);
  commit_pem (t->store, second_pem, NULL, 0, NULL);
  leaf_id = ck_store_find_certificate (t->store, ck_certificate_get_sha256_fingerprint (t->f.leaf));
  *second = ck_store_find_certificate (t->store, ck_certificate_get_sha256_fingerprint (second_cert));
  *key_id = ck_store_find_key (t->store, t->f.spki);
  *request_id = first_request_id (t->store);
  {
    g_autoptr(CkCertificate) ca = ck_certificate_new_from_pem (t->f.ca_pem, -1, NULL);

    ca_id = ck_store_find_certificate (t->store, ck_certificate_get_sha256_fingerprint (ca));
  }
  g_assert_cmpint (ck_store_get_kind (t->store, ca_id), ==, CK_OBJECT_CERTIFICATE);
  g_assert_cmpint (ck_stored_request_get_certificate_id (ck_store_get_request_row (t->store,
                                                                                   *request_id)),
                   ==, leaf_id);

  g_assert_true (ck_trust_set (trust, ca_id, CK_PURPOSE_TLS_SERVER, CK_TRUST_TRUSTED, &error));
  g_assert_true (ck_trust_set (trust, leaf_id, CK_PURPOSE_TLS_CLIENT, CK_TRUST_TRUSTED, &error));
  g_assert_true (ck_trust_set (trust, leaf_id, CK_PURPOSE_ALL, CK_TRUST_DISTRUSTED, &error));
  g_assert_true (ck_store_set_label (t->store, leaf_id, "First leaf", &error));
  g_assert_true (ck_store_set_label (t->store, *key_id, "The key", &error));
  g_assert_no_error (error);
  return leaf_id;
}

static void
on_trust_changed_count (CkTrust *trust,
                        guint   *count)
{
  (*count)++;
}

/* Delete then restore a certificate with trust decisions and an issued
 * request: the store is the same again, row by row, every table. */
static void
test_undo_certificate (StoreTest     *t,
                       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CkTrust) trust = ck_trust_new (t->store, &error);
  g_autoptr(CkVerifier) verifier = ck_verifier_new (trust);
  g_autoptr(CkDeletion) deletion = NULL;
  g_autoptr(CkVerification) v = NULL;
  g_autofree char *before = NULL, *models_before = NULL, *during = NULL, *after = NULL;
  g_autofree char *models_after = NULL;
  gint64 leaf_id, second, key_id, request_id;
  guint trust_changed = 0;

  g_assert_no_error (error);
  leaf_id = undo_store_setup (t, trust, &second, &key_id, &request_id);
  g_signal_connect (trust, "changed", G_CALLBACK (on_trust_changed_count), &trust_changed);
  before = dump_every_table (t->store);
  models_before = dump_models (t->store);
  g_assert_true (table_is_empty (before, "key_distrust"));   /* empty so far */

  deletion = ck_store_delete_for_undo (t->store, leaf_id, &error);
  g_assert_no_error (error);
  g_assert_nonnull (deletion);
  g_assert_cmpint (ck_deletion_get_kind (deletion), ==, CK_OBJECT_CERTIFICATE);
  g_assert_cmpint (ck_deletion_get_id (deletion), ==, leaf_id);
  /* Named by its label, as everywhere. */
  g_assert_cmpstr (ck_deletion_get_display_name (deletion), ==, "First leaf");
  g_assert_cmpuint (ck_deletion_get_n_decisions (deletion), ==, 2);
  g_assert_cmpuint (g_strv_length ((char **) ck_deletion_get_kept_distrusts (deletion)), ==, 1);
  g_assert_cmpstr (ck_deletion_get_kept_distrusts (deletion)[0], ==, CK_PURPOSE_ALL);
  during = dump_every_table (t->store);
  g_assert_cmpstr (during, !=, before);
  g_assert_null (ck_store_get_certificate_row (t->store, leaf_id));
  g_assert_cmpint (ck_stored_request_get_status (ck_store_get_request_row (t->store, request_id)),
                   ==, CK_REQUEST_STATUS_PENDING);
  /* The distrust was for the key: the other certificate with it stays
   * distrusted. */
  v = ck_verifier_verify_id (verifier, second, CK_PURPOSE_TLS_SERVER, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ck_verification_get_status (v), ==, CK_VERIFY_DISTRUSTED);
  g_clear_object (&v);
  g_assert_cmpuint (trust_changed, >, 0);
  trust_changed = 0;

  assert_restores (t->store, deletion, before);
  models_after = dump_models (t->store);
  g_assert_cmpstr (models_after, ==, models_before);
  g_assert_cmpstr (ck_stored_certificate_get_label (ck_store_get_certificate_row (t->store, leaf_id)),
                   ==, "First leaf");
  /* Views hear that decisions came back, and the verifier sees them. */
  g_assert_cmpuint (trust_changed, >, 0);
  v = ck_verifier_verify_id (verifier, leaf_id, CK_PURPOSE_TLS_CLIENT, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ck_verification_get_status (v), ==, CK_VERIFY_DISTRUSTED);

  /* Twice is refused, and changes nothing. */
  g_assert_false (ck_store_restore (t->store, deletion, &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_EXISTS);
  g_clear_error (&error);
  g_free (after);
  after = dump_every_table (t->store);
  g_assert_cmpstr (after, ==, before);
}

/* A key with its certificates and request, and a distrust kept for it
 * (its certificate deleted before): all back as they were. */
static void
test_undo_key (StoreTest     *t,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CkTrust) trust = ck_trust_new (t->store, &error);
  g_autoptr(CkDeletion) first = NULL;
  g_autoptr(CkDeletion) deletion = NULL;
  g_autoptr(GBytes) blob = NULL;
  g_autofree char *before = NULL, *models_before = NULL, *during = NULL, *after = NULL;
  g_autofree char *models_after = NULL, *key_name = NULL;
  gint64 leaf_id, second, key_id, request_id;

  g_assert_no_error (error);
  leaf_id = undo_store_setup (t, trust, &second, &key_id, &request_id);
  first = ck_store_delete_for_undo (t->store, leaf_id, &error);
  g_assert_no_error (error);
  before = dump_every_table (t->store);
  models_before = dump_models (t->store);
  g_assert_false (table_is_empty (before, "key_distrust"));   /* one kept */
  blob = ck_store_get_key_pkcs8 (t->store, key_id, &error);
  g_assert_no_error (error);

  key_name = g_strdup (ck_stored_key_get_display_name (ck_store_get_key_row (t->store, key_id)));
  deletion = ck_store_delete_for_undo (t->store, key_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ck_deletion_get_kind (deletion), ==, CK_OBJECT_KEY);
  g_assert_cmpuint (ck_deletion_get_n_lifted_key_distrusts (deletion), ==, 0);
  g_assert_cmpstr (ck_deletion_get_display_name (deletion), ==, key_name);
  g_assert_false (ck_stored_certificate_get_has_key (ck_store_get_certificate_row (t->store, second)));
  during = dump_every_table (t->store);
  g_assert_cmpstr (during, !=, before);

  assert_restores (t->store, deletion, before);
  models_after = dump_models (t->store);
  g_assert_cmpstr (models_after, ==, models_before);
  g_assert_true (ck_stored_certificate_get_has_key (ck_store_get_certificate_row (t->store, second)));
  {
    g_autoptr(GBytes) again = ck_store_get_key_pkcs8 (t->store, key_id, &error);

    g_assert_no_error (error);
    g_assert_true (g_bytes_equal (again, blob));
  }

  /* With the second certificate gone too, the key alone holds the kept
   * distrust; deleting it drops it, restoring brings it back. */
  g_clear_object (&deletion);
  g_assert_true (ck_store_delete (t->store, second, &error));
  g_free (before);
  before = dump_every_table (t->store);
  g_assert_false (table_is_empty (before, "key_distrust"));
  deletion = ck_store_delete_for_undo (t->store, key_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ck_deletion_get_n_lifted_key_distrusts (deletion), ==, 1);
  g_free (during);
  during = dump_every_table (t->store);
  g_assert_true (table_is_empty (during, "key_distrust") && table_is_empty (during, "keys"));
  assert_restores (t->store, deletion, before);
}

/* An issued request: back issued by its certificate; if the certificate
 * went meanwhile, back as pending. */
static void
test_undo_request (StoreTest     *t,
                   gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CkTrust) trust = ck_trust_new (t->store, &error);
  g_autoptr(CkDeletion) deletion = NULL;
  g_autofree char *before = NULL, *models_before = NULL, *after = NULL, *models_after = NULL;
  gint64 leaf_id, second, key_id, request_id;
  CkStoredRequest *row;

  g_assert_no_error (error);
  leaf_id = undo_store_setup (t, trust, &second, &key_id, &request_id);
  before = dump_every_table (t->store);
  models_before = dump_models (t->store);

  deletion = ck_store_delete_for_undo (t->store, request_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ck_deletion_get_kind (deletion), ==, CK_OBJECT_REQUEST);
  g_assert_null (ck_store_get_request_row (t->store, request_id));
  assert_restores (t->store, deletion, before);
  models_after = dump_models (t->store);
  g_assert_cmpstr (models_after, ==, models_before);

  g_clear_object (&deletion);
  deletion = ck_store_delete_for_undo (t->store, request_id, &error);
  g_assert_no_error (error);
  g_assert_true (ck_store_delete (t->store, leaf_id, &error));
  g_assert_no_error (error);
  g_assert_true (ck_store_restore (t->store, deletion, &error));
  g_assert_no_error (error);
  row = ck_store_get_request_row (t->store, request_id);
  g_assert_nonnull (row);
  g_assert_cmpint (ck_stored_request_get_status (row), ==, CK_REQUEST_STATUS_PENDING);
  g_assert_cmpint (ck_stored_request_get_certificate_id (row), ==, 0);
  {
    g_autofree char *check = integrity_check (ck_store_get_path (t->store));

    g_assert_cmpstr (check, ==, "ok");
  }
}

/* The same three deletes through the keeper's actions, as the window
 * (Delete, then the toast's Undo) and certkeeper-cli delete make them: a
 * certificate with trust decisions and the request it issued, the key
 * with its certificates and requests, the issued request. Each time the
 * store afterwards equals the store before, every table row by row,
 * trust included; the keeper opens the trust module itself. */
static void
test_undo_through_keeper (StoreTest     *t,
                          gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CkTrust) trust = ck_trust_new (t->store, &error);
  g_autoptr(CkKeeper) keeper = ck_keeper_new (t->store);
  g_autofree char *before = NULL;
  gint64 leaf_id, second, key_id, request_id;

  g_assert_no_error (error);
  leaf_id = undo_store_setup (t, trust, &second, &key_id, &request_id);
  before = dump_every_table (t->store);
  g_assert_null (ck_keeper_get_trust (keeper));

  {
    const gint64 ids[] = { leaf_id, key_id, request_id };

    for (guint i = 0; i < G_N_ELEMENTS (ids); i++)
      {
        g_autoptr(GAsyncResult) result = NULL;
        g_autoptr(CkDeletion) deletion = NULL;
        g_autofree char *during = NULL, *after = NULL;

        ck_keeper_delete_async (keeper, ids[i], NULL, ck_test_store_result, &result);
        deletion = ck_keeper_delete_finish (keeper, ck_test_wait_for_result (&result), &error);
        g_assert_no_error (error);
        g_assert_cmpint (ck_deletion_get_id (deletion), ==, ids[i]);
        g_assert_cmpint (ck_store_get_kind (t->store, ids[i]), ==, CK_OBJECT_NONE);
        during = dump_every_table (t->store);
        g_assert_cmpstr (during, !=, before);
        if (ids[i] == leaf_id)
          {
            /* The distrust was for the key: kept for it. */
            g_assert_nonnull (ck_keeper_get_trust (keeper));
            g_assert_cmpstr (ck_deletion_get_kept_distrusts (deletion)[0], ==, CK_PURPOSE_ALL);
          }

        g_clear_object (&result);
        ck_keeper_undo_delete_async (keeper, deletion, NULL, ck_test_store_result, &result);
        g_assert_true (ck_keeper_undo_delete_finish (keeper, ck_test_wait_for_result (&result),
                                                     &error));
        g_assert_no_error (error);
        after = dump_every_table (t->store);
        g_assert_cmpstr (after, ==, before);

        /* Twice is refused and changes nothing, in the blocking form too. */
        g_assert_false (ck_keeper_undo_delete (keeper, deletion, NULL, &error));
        g_assert_error (error, CK_ERROR, CK_ERROR_EXISTS);
        g_clear_error (&error);
      }
  }

  /* A cancelled delete deletes nothing. */
  {
    g_autoptr(GCancellable) cancellable = g_cancellable_new ();
    g_autofree char *after = NULL;

    g_cancellable_cancel (cancellable);
    g_assert_null (ck_keeper_delete (keeper, leaf_id, cancellable, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
    g_clear_error (&error);
    after = dump_every_table (t->store);
    g_assert_cmpstr (after, ==, before);
  }
}

static void
test_keys_unencrypted_by_choice (StoreTest     *t,
                                gconstpointer  data)
{
  g_autoptr(GBytes) blob = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CkPrivateKey) key = NULL;
  gint64 key_id;

  commit_pem (t->store, t->f.key_pem, NULL, CK_COMMIT_NO_KEY_PASSPHRASE, NULL);
  key_id = ck_store_find_key (t->store, t->f.spki);
  g_assert_false (ck_stored_key_get_encrypted (ck_store_get_key_row (t->store, key_id)));
  blob = ck_store_get_key_pkcs8 (t->store, key_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gnutls_pkcs8_import (blob, NULL), ==, 0);
  /* The passphrase is ignored for a key stored in the clear. */
  key = ck_store_load_private_key (t->store, key_id, "anything", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ck_private_key_get_spki_sha256 (key), ==, t->f.spki);

  /* A passphrase given with the flag still encrypts. */
  {
    g_autoptr(GBytes) blob2 = NULL;
    gnutls_x509_privkey_t other = ck_test_key_new ();
    g_autofree char *other_pem = ck_test_key_to_pem (other);
    g_autoptr(CkImportPlan) plan = plan_for (t->store, other_pem, "other.pem");
    CkImportItem *item = ck_import_plan_get_item (plan, 0);
    const char *spki = ck_import_item_get_spki_sha256 (item);

    g_assert_true (ck_store_commit (t->store, plan, PASSPHRASE,
                                   CK_COMMIT_NO_KEY_PASSPHRASE, NULL, NULL,
                                   NULL, &error));
    g_assert_no_error (error);
    blob2 = ck_store_get_key_pkcs8 (t->store, ck_store_find_key (t->store, spki), &error);
    g_assert_no_error (error);
    g_assert_cmpint (gnutls_pkcs8_import (blob2, NULL), <, 0);
    gnutls_x509_privkey_deinit (other);
  }

}

static void
test_refuses_problem_plans (StoreTest     *t,
                           gconstpointer  data)
{
  static const char garbage[] =
    "-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n";
  g_autofree char *pem = NULL;
  g_autoptr(CkImportPlan) plan = NULL;
  g_autoptr(GError) error = NULL;

  pem = g_strconcat (t->f.leaf_pem, garbage, NULL);
  plan = plan_for (t->store, pem, "mixed.pem");
  g_assert_true (ck_import_plan_has_errors (plan));
  g_assert_false (ck_store_commit (t->store, plan, PASSPHRASE, 0, NULL, NULL, NULL,
                                   &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "mixed.pem"));
  g_assert_cmpuint (n_rows (t->store, "objects"), ==, 0);

}

static char *
colon_prefix (const char *hex,
              guint       n)
{
  g_autofree char *part = g_strndup (hex, n);

  return ck_hex_format_colons (part);
}

static void
test_resolve (StoreTest     *t,
             gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *pem = NULL;
  g_autofree char *ref = NULL;
  g_autofree char *shared = NULL;
  CkObjectKind kind;
  gint64 id, cert_id, key_id;
  guint serial = 5000;

  pem = g_strconcat (t->f.leaf_pem, t->f.key_pem, NULL);
  commit_pem (t->store, pem, PASSPHRASE, 0, NULL);
  cert_id = ck_store_find_certificate (t->store, ck_certificate_get_sha256_fingerprint (t->f.leaf));
  key_id = ck_store_find_key (t->store, t->f.spki);

  /* By number. */
  ref = g_strdup_printf ("%" G_GINT64_FORMAT, key_id);
  g_assert_true (ck_store_resolve (t->store, ref, &kind, &id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (kind, ==, CK_OBJECT_KEY);
  g_assert_cmpint (id, ==, key_id);

  /* By a fingerprint prefix, upper-case with colons as people copy it. */
  g_clear_pointer (&ref, g_free);
  ref = colon_prefix (ck_certificate_get_sha256_fingerprint (t->f.leaf), 16);
  g_assert_true (ck_store_resolve (t->store, ref, &kind, &id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (kind, ==, CK_OBJECT_CERTIFICATE);
  g_assert_cmpint (id, ==, cert_id);
  /* The whole fingerprint works too, as does certtool's "sha256:" form. */
  g_assert_true (ck_store_resolve (t->store, ck_certificate_get_sha256_fingerprint (t->f.leaf),
                                   &kind, &id, &error));
  g_assert_cmpint (id, ==, cert_id);
  g_clear_pointer (&ref, g_free);
  ref = g_strconcat ("sha256:", t->f.spki, NULL);
  g_assert_true (ck_store_resolve (t->store, ref, &kind, &id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (kind, ==, CK_OBJECT_KEY);
  g_assert_cmpint (id, ==, key_id);

  /* Too short, absent, garbage. */
  g_assert_false (ck_store_resolve (t->store, "abc", &kind, &id, &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (ck_store_resolve (t->store, "424242", &kind, &id, &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (ck_store_resolve (t->store, "not-a-thing", &kind, &id, &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Ambiguity: add certificates until two fingerprints share their first
   * four hex digits (the birthday bound makes that quick), then that
   * prefix must be refused, naming how many matched. */
  for (guint round = 0; shared == NULL && round < 20; round++)
    {
      g_autoptr(GString) more = g_string_new (NULL);
      GListModel *certs = ck_store_get_certificates (t->store);
      g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal,
                                                          g_free, NULL);

      ck_test_ca_issue_many (t->f.ca, t->f.key, "Ambiguous", serial, 300, more);
      serial += 300;
      commit_pem (t->store, more->str, NULL, 0, NULL);
      for (guint i = 0; shared == NULL && i < g_list_model_get_n_items (certs); i++)
        {
          g_autoptr(CkStoredCertificate) row = g_list_model_get_item (certs, i);
          char *prefix = g_strndup (ck_stored_certificate_get_sha256 (row), 4);

          if (g_hash_table_contains (seen, prefix))
            shared = prefix;
          else
            g_hash_table_add (seen, prefix);
        }
    }
  g_assert_nonnull (shared);
  {
    GListModel *certs = ck_store_get_certificates (t->store);
    g_autofree char *expected = NULL;
    guint n_shared = 0;

    for (guint i = 0; i < g_list_model_get_n_items (certs); i++)
      {
        g_autoptr(CkStoredCertificate) row = g_list_model_get_item (certs, i);
        n_shared += g_str_has_prefix (ck_stored_certificate_get_sha256 (row), shared);
      }
    g_assert_cmpuint (n_shared, >=, 2);
    g_assert_false (ck_store_resolve (t->store, shared, &kind, &id, &error));
    g_assert_error (error, CK_ERROR, CK_ERROR_AMBIGUOUS);
    expected = g_strdup_printf ("matches %u objects (%u certificates", n_shared, n_shared);
    g_assert_nonnull (strstr (error->message, expected));
  }
  g_test_message ("ambiguous: %s", error->message);
  g_clear_error (&error);

}

static void
test_delete (StoreTest     *t,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CkCertificate) gone = NULL;
  g_autofree char *pem = NULL;
  gint64 cert_id, key_id, request_id;
  guint changed = 0;

  pem = g_strconcat (t->f.ca_pem, t->f.leaf_pem, t->f.key_pem, t->f.request_pem, NULL);
  commit_pem (t->store, pem, PASSPHRASE, 0, NULL);
  cert_id = ck_store_find_certificate (t->store, ck_certificate_get_sha256_fingerprint (t->f.leaf));
  key_id = ck_store_find_key (t->store, t->f.spki);
  request_id = first_request_id (t->store);

  g_signal_connect (ck_store_get_certificates (t->store), "items-changed",
                    G_CALLBACK (count_items_changed), &changed);

  g_assert_true (ck_store_delete (t->store, cert_id, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changed, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (ck_store_get_certificates (t->store)), ==, 1);
  g_assert_null (ck_store_get_certificate_row (t->store, cert_id));
  g_assert_cmpint (ck_store_get_kind (t->store, cert_id), ==, CK_OBJECT_NONE);
  gone = ck_store_load_certificate (t->store, cert_id, &error);
  g_assert_null (gone);
  g_assert_error (error, CK_ERROR, CK_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (ck_store_delete (t->store, cert_id, &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (ck_store_delete (t->store, key_id, &error));
  g_assert_true (ck_store_delete (t->store, request_id, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (ck_store_get_keys (t->store)), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (ck_store_get_requests (t->store)), ==, 0);
  g_assert_cmpuint (n_rows (t->store, "objects"), ==, 1);
  g_assert_cmpuint (n_rows (t->store, "keys"), ==, 0);
  g_assert_cmpuint (n_rows (t->store, "requests"), ==, 0);

}

static void
test_labels (StoreTest     *t,
            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *pem = NULL;
  g_autofree char *needle = NULL;
  CkStoredCertificate *cert_row;
  CkStoredKey *key_row;
  guint notified = 0;
  gint64 cert_id, key_id, request_id;

  pem = g_strconcat (t->f.leaf_pem, t->f.key_pem, t->f.request_pem, NULL);
  commit_pem (t->store, pem, PASSPHRASE, 0, NULL);
  cert_id = ck_store_find_certificate (t->store, ck_certificate_get_sha256_fingerprint (t->f.leaf));
  key_id = ck_store_find_key (t->store, t->f.spki);
  cert_row = ck_store_get_certificate_row (t->store, cert_id);
  key_row = ck_store_get_key_row (t->store, key_id);
  g_assert_null (ck_stored_certificate_get_label (cert_row));
  g_signal_connect (cert_row, "notify::label", G_CALLBACK (count_notify), &notified);
  g_signal_connect (key_row, "notify::display-name", G_CALLBACK (count_notify), &notified);
  g_signal_connect (cert_row, "notify::display-name", G_CALLBACK (count_notify), &notified);

  g_assert_true (ck_store_set_label (t->store, cert_id, "  Production web  ", &error));
  g_assert_true (ck_store_set_label (t->store, key_id, "Web key", &error));
  g_assert_no_error (error);
  g_assert_cmpuint (notified, ==, 3);
  g_assert_cmpstr (ck_stored_certificate_get_label (cert_row), ==, "Production web");
  /* The label is the name shown everywhere, for certificates as for keys. */
  g_assert_cmpstr (ck_stored_certificate_get_display_name (cert_row), ==, "Production web");
  g_assert_cmpstr (ck_stored_key_get_display_name (key_row), ==, "Web key");

  needle = ck_stored_certificate_prepare_needle ("PRODUCTION");
  g_assert_true (ck_stored_certificate_matches (cert_row, needle));

  request_id = first_request_id (t->store);
  g_assert_false (ck_store_set_label (t->store, request_id, "x", &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_INVALID);
  g_clear_error (&error);

  g_clear_object (&t->store);
  t->store = open_store (t->dir);
  g_assert_cmpstr (ck_stored_certificate_get_label (ck_store_get_certificate_row (t->store, cert_id)),
                   ==, "Production web");
  g_assert_cmpstr (ck_stored_key_get_label (ck_store_get_key_row (t->store, key_id)), ==, "Web key");
  /* Clearing it. */
  g_assert_true (ck_store_set_label (t->store, cert_id, "", &error));
  g_assert_null (ck_stored_certificate_get_label (ck_store_get_certificate_row (t->store, cert_id)));
  g_assert_cmpstr (ck_stored_certificate_get_display_name (ck_store_get_certificate_row (t->store, cert_id)),
                   !=, "Production web");

}

static gboolean
row_matches (CkStoredCertificate *row,
             const char          *text)
{
  g_autofree char *needle = ck_stored_certificate_prepare_needle (text);

  return ck_stored_certificate_matches (row, needle);
}

static void
test_search (StoreTest     *t,
            gconstpointer  data)
{
  g_autofree char *pem = NULL;
  g_autofree char *unicode_pem = NULL;
  CkStoredCertificate *row, *unicode_row;

  unicode_pem = ck_test_ca_issue (t->f.ca, t->f.key, "Müller Straße GmbH", 77);
  pem = g_strconcat (t->f.leaf_pem, unicode_pem, NULL);
  commit_pem (t->store, pem, NULL, 0, NULL);
  row = ck_store_get_certificate_row (t->store,
                                      ck_store_find_certificate (t->store,
                                                                 ck_certificate_get_sha256_fingerprint (t->f.leaf)));
  unicode_row = g_list_model_get_item (ck_store_get_certificates (t->store), 1);
  g_object_unref (unicode_row);

  /* The same answers searched in place and through the prepared search
   * key (ck_stored_certificate_prepare_search(), which the window makes
   * in a thread). */
  for (guint pass = 0; pass < 2; pass++)
  {
  if (pass == 1)
    {
      ck_stored_certificate_prepare_search (row);
      ck_stored_certificate_prepare_search (unicode_row);
    }
  g_assert_true (row_matches (row, ""));
  g_assert_true (row_matches (row, "SEARCH.EXAMPLE"));
  g_assert_true (row_matches (row, "  search  "));
  g_assert_true (row_matches (row, "test ca"));            /* issuer */
  g_assert_true (row_matches (row, "DNS:search"));         /* SAN */
  g_assert_false (row_matches (row, "nothing like it"));
  g_assert_false (row_matches (row, "CN=search.example,")); /* no spanning */

  /* Fingerprints and serial, with or without colons, any case. */
  g_autofree char *sha256_colons = NULL;
  g_autofree char *sha1_mid = NULL;

  sha256_colons = colon_prefix (ck_stored_certificate_get_sha256 (row) + 10, 12);
  g_assert_true (row_matches (row, sha256_colons));
  g_assert_true (row_matches (row, ck_stored_certificate_get_sha256 (row)));
  sha1_mid = g_ascii_strup (ck_stored_certificate_get_sha1 (row) + 20, 10);
  g_assert_true (row_matches (row, sha1_mid));
  g_assert_true (row_matches (row, ck_stored_certificate_get_serial (row)));
  g_assert_true (row_matches (row, "03:e8"));              /* serial 1000 */
  g_assert_false (row_matches (row, "zz:zz"));

  /* Non-ASCII: casefolded, ß matches ss. */
  g_assert_cmpstr (ck_stored_certificate_get_subject (unicode_row), ==,
                   "CN=Müller Straße GmbH");
  g_assert_cmpstr (ck_stored_certificate_get_display_name (unicode_row), ==,
                   "Müller Straße GmbH");
  g_assert_true (row_matches (unicode_row, "MÜLLER"));
  g_assert_true (row_matches (unicode_row, "strasse"));
  g_assert_false (row_matches (row, "müller"));
  g_assert_false (row_matches (unicode_row, "search.example"));
  }

}

static void
test_model_signals (StoreTest     *t,
                   gconstpointer  data)
{
  g_autoptr(CkStore) other = NULL;
  g_autoptr(GString) pem = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  guint certs_changed = 0, keys_changed = 0, requests_changed = 0;

  g_signal_connect (ck_store_get_certificates (t->store), "items-changed",
                    G_CALLBACK (count_items_changed), &certs_changed);
  g_signal_connect (ck_store_get_keys (t->store), "items-changed",
                    G_CALLBACK (count_items_changed), &keys_changed);
  g_signal_connect (ck_store_get_requests (t->store), "items-changed",
                    G_CALLBACK (count_items_changed), &requests_changed);

  /* 50 certificates: one items-changed, not 50. */
  ck_test_ca_issue_many (t->f.ca, t->f.key, "Signal Leaf", 100, 50, pem);
  commit_pem (t->store, pem->str, NULL, 0, NULL);
  g_assert_cmpuint (certs_changed, ==, 1);
  g_assert_cmpuint (keys_changed, ==, 0);
  g_assert_cmpuint (requests_changed, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (ck_store_get_certificates (t->store)), ==, 50);

  /* A key and a request: their models change, the certificates' do not
   * (their rows notify has-key instead). */
  g_string_assign (pem, t->f.key_pem);
  g_string_append (pem, t->f.request_pem);
  commit_pem (t->store, pem->str, PASSPHRASE, 0, NULL);
  g_assert_cmpuint (certs_changed, ==, 1);
  g_assert_cmpuint (keys_changed, ==, 1);
  g_assert_cmpuint (requests_changed, ==, 1);

  /* All skipped: no signal at all. */
  commit_pem (t->store, t->f.key_pem, PASSPHRASE, 0, NULL);
  g_assert_cmpuint (keys_changed, ==, 1);

  /* Rows are in id order. */
  for (guint i = 1; i < 50; i++)
    {
      g_autoptr(CkStoredCertificate) a = g_list_model_get_item (ck_store_get_certificates (t->store), i - 1);
      g_autoptr(CkStoredCertificate) b = g_list_model_get_item (ck_store_get_certificates (t->store), i);

      g_assert_cmpint (ck_stored_certificate_get_id (a), <, ck_stored_certificate_get_id (b));
    }

  /* Another process (here another connection) adds certificates; reload
   * sees them with one signal per model. */
  other = open_store (t->dir);
  g_string_truncate (pem, 0);
  ck_test_ca_issue_many (t->f.ca, t->f.key, "Other Leaf", 900, 5, pem);
  g_assert_false (ck_store_changed_elsewhere (t->store));
  commit_pem (other, pem->str, NULL, 0, NULL);
  g_assert_true (ck_store_changed_elsewhere (t->store));
  g_assert_false (ck_store_changed_elsewhere (other));
  g_assert_cmpuint (g_list_model_get_n_items (ck_store_get_certificates (t->store)), ==, 50);
  certs_changed = keys_changed = requests_changed = 0;
  g_assert_true (ck_store_reload (t->store, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (certs_changed, ==, 1);
  g_assert_cmpuint (keys_changed, ==, 1);
  g_assert_cmpuint (requests_changed, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (ck_store_get_certificates (t->store)), ==, 55);
  g_assert_false (ck_store_changed_elsewhere (t->store));

  g_clear_object (&other);
}

/* --- A commit in a worker thread, as the GUI does it ------------------- */

typedef struct {
  CkStore *store;
  CkImportPlan *plan;
  gboolean done;
  gboolean ok;
  GThread *main_thread;
  guint changed_off_main;
  guint progress_calls;
} ThreadJob;

static gboolean
thread_progress (guint    done,
                 guint    total,
                 gpointer user_data)
{
  ThreadJob *job = user_data;

  g_atomic_int_inc (&job->progress_calls);
  return TRUE;
}

static gpointer
commit_thread (gpointer data)
{
  ThreadJob *job = data;
  g_autoptr(GError) error = NULL;

  job->ok = ck_store_commit (job->store, job->plan, NULL, 0, thread_progress,
                             job, NULL, &error);
  g_assert_no_error (error);
  g_atomic_int_set (&job->done, TRUE);
  g_main_context_wakeup (NULL);
  return NULL;
}

static void
check_main_thread (GListModel *model,
                   guint       position,
                   guint       removed,
                   guint       added,
                   gpointer    user_data)
{
  ThreadJob *job = user_data;

  if (g_thread_self () != job->main_thread)
    job->changed_off_main++;
}

static void
test_commit_in_thread (StoreTest     *t,
                      gconstpointer  data)
{
  g_autoptr(GString) pem = g_string_new (NULL);
  ThreadJob job = { 0, };
  GThread *thread;
  guint changed = 0;

  ck_test_ca_issue_many (t->f.ca, t->f.key, "Thread Leaf", 100, 300, pem);
  job.store = t->store;
  job.plan = plan_for (t->store, pem->str, "thread.pem");
  job.main_thread = g_thread_self ();
  g_signal_connect (ck_store_get_certificates (t->store), "items-changed",
                    G_CALLBACK (check_main_thread), &job);
  g_signal_connect (ck_store_get_certificates (t->store), "items-changed",
                    G_CALLBACK (count_items_changed), &changed);

  /* The main loop owns the context while the worker commits. */
  thread = g_thread_new ("commit", commit_thread, &job);
  while (!g_atomic_int_get (&job.done) || changed == 0)
    g_main_context_iteration (NULL, TRUE);
  g_thread_join (thread);

  g_assert_true (job.ok);
  g_assert_cmpuint (changed, ==, 1);
  g_assert_cmpuint (job.changed_off_main, ==, 0);
  g_assert_cmpuint (job.progress_calls, >=, 300 / 64);
  g_assert_cmpuint (g_list_model_get_n_items (ck_store_get_certificates (t->store)), ==, 300);

  g_object_unref (job.plan);
}

/* --- Cancelling and killing a commit ------------------------------------ */

static gboolean
cancel_halfway (guint    done,
                guint    total,
                gpointer user_data)
{
  return done < total / 2;
}

static void
test_cancel (StoreTest     *t,
            gconstpointer  data)
{
  g_autoptr(GString) pem = g_string_new (NULL);
  g_autoptr(CkImportPlan) plan = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  CkCommitSummary summary;
  guint changed = 0;

  commit_pem (t->store, t->f.ca_pem, NULL, 0, NULL);
  before = dump_db (ck_store_get_path (t->store));

  ck_test_ca_issue_many (t->f.ca, t->f.key, "Cancel Leaf", 100, 300, pem);
  g_string_append (pem, t->f.key_pem);
  plan = plan_for (t->store, pem->str, "cancel.pem");
  g_signal_connect (ck_store_get_certificates (t->store), "items-changed",
                    G_CALLBACK (count_items_changed), &changed);
  g_assert_false (ck_store_commit (t->store, plan, PASSPHRASE, 0, cancel_halfway,
                                   NULL, &summary, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (summary.certificates, ==, 0);
  g_assert_cmpuint (changed, ==, 0);

  after = dump_db (ck_store_get_path (t->store));
  g_assert_cmpstr (before, ==, after);

}

static gboolean
kill_halfway (guint    done,
              guint    total,
              gpointer user_data)
{
  if (done >= total / 2)
    raise (SIGKILL);
  return TRUE;
}

static void
test_killed_commit (StoreTest     *t,
                   gconstpointer  data)
{
  g_autoptr(GString) base = g_string_new (NULL);
  g_autoptr(GString) big = g_string_new (NULL);
  g_autofree char *path = g_strdup (ck_store_get_path (t->store));
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *integrity = NULL;
  gnutls_x509_privkey_t big_key;
  struct stat st;
  int status;
  pid_t pid;

  g_string_append (base, t->f.ca_pem);
  ck_test_ca_issue_many (t->f.ca, t->f.key, "Before", 100, 20, base);
  g_string_append (base, t->f.key_pem);
  g_string_append (base, t->f.request_pem);
  commit_pem (t->store, base->str, PASSPHRASE, 0, NULL);
  g_clear_object (&t->store);
  before = dump_db (path);

  /* 2,000 certificates for a new key, and the key, in one plan. */
  big_key = ck_test_key_new ();
  ck_test_ca_issue_many (t->f.ca, big_key, "Killed", 10000, 2000, big);
  {
    g_autofree char *key_pem = ck_test_key_to_pem (big_key);
    g_string_append (big, key_pem);
  }
  gnutls_x509_privkey_deinit (big_key);

  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      /* The child: nothing of the parent's store is shared (it was closed
       * before the fork). A tiny page cache makes SQLite spill uncommitted
       * pages into the WAL before the end, the case recovery must undo. */
      CkStore *child = ck_store_open (t->dir, NULL);
      CkImportPlan *plan;

      if (child == NULL)
        _exit (2);
      ck_store_lock (child);
      sqlite3_exec (ck_store_get_db (child), "PRAGMA cache_size = 20", NULL,
                    NULL, NULL);
      ck_store_unlock (child);
      plan = plan_for (child, big->str, "big.pem");
      ck_store_commit (child, plan, PASSPHRASE, 0, kill_halfway, NULL, NULL, NULL);
      _exit (3);   /* not reached: the commit must not finish */
    }

  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFSIGNALED (status));
  g_assert_cmpint (WTERMSIG (status), ==, SIGKILL);

  /* The child really wrote uncommitted pages before dying. */
  g_assert_cmpint (g_stat (wal, &st), ==, 0);
  g_test_message ("WAL left by the killed commit: %ld bytes", (long) st.st_size);
  g_assert_cmpint (st.st_size, >, 100 * 1024);

  t->store = open_store (t->dir);
  g_assert_cmpuint (g_list_model_get_n_items (ck_store_get_certificates (t->store)), ==, 21);
  g_assert_cmpuint (g_list_model_get_n_items (ck_store_get_keys (t->store)), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (ck_store_get_requests (t->store)), ==, 1);
  after = dump_db (path);
  g_assert_cmpstr (before, ==, after);
  integrity = integrity_check (path);
  g_assert_cmpstr (integrity, ==, "ok");

  /* And the store still works: the same import now goes through. */
  {
    CkCommitSummary summary;

    commit_pem (t->store, big->str, PASSPHRASE, 0, &summary);
    g_assert_cmpuint (summary.certificates, ==, 2000);
    g_assert_cmpuint (summary.keys, ==, 1);
    g_assert_cmpuint (g_list_model_get_n_items (ck_store_get_certificates (t->store)), ==, 2021);
  }

}

int
main (int    argc,
      char **argv)
{
  ck_core_init ();
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/store/open/permissions", test_open_permissions);
  g_test_add_func ("/store/open/loose-dir-warns", test_open_loose_dir_warns);
  g_test_add_func ("/store/open/default-dir", test_default_dir);
  g_test_add_func ("/store/schema/too-new", test_schema_too_new);
  g_test_add_func ("/store/schema/module", test_schema_module);
  g_test_add ("/store/commit/reopen", StoreTest, "reopen.example", store_setup,
              test_reopen, store_teardown);
  g_test_add ("/store/commit/duplicates", StoreTest, "dup.example", store_setup,
              test_duplicates, store_teardown);
  g_test_add ("/store/commit/refuses-problems", StoreTest, "problem.example", store_setup,
              test_refuses_problem_plans, store_teardown);
  g_test_add ("/store/link/key-then-certificate", StoreTest, "key-first.example", store_setup,
              test_link_key_then_certificate, store_teardown);
  g_test_add ("/store/link/certificate-then-key", StoreTest, "cert-first.example", store_setup,
              test_link_certificate_then_key, store_teardown);
  g_test_add ("/store/link/same-plan", StoreTest, "together.example", store_setup,
              test_link_same_plan, store_teardown);
  g_test_add ("/store/request/lifecycle", StoreTest, "csr.example", store_setup,
              test_request_lifecycle, store_teardown);
  g_test_add ("/store/keys/need-passphrase", StoreTest, "nopass.example", store_setup,
              test_keys_need_passphrase, store_teardown);
  g_test_add ("/store/keys/encrypted", StoreTest, "encrypted.example", store_setup,
              test_keys_encrypted, store_teardown);
  g_test_add ("/store/keys/restore", StoreTest, "restore.example", store_setup,
              test_keys_restore, store_teardown);
  g_test_add ("/store/keys/unencrypted-by-choice", StoreTest, "plain.example", store_setup,
              test_keys_unencrypted_by_choice, store_teardown);
  g_test_add ("/store/undo/certificate", StoreTest, "undo-cert.example", store_setup,
              test_undo_certificate, store_teardown);
  g_test_add ("/store/undo/key", StoreTest, "undo-key.example", store_setup,
              test_undo_key, store_teardown);
  g_test_add ("/store/undo/keeper", StoreTest, "undo-keeper.example", store_setup,
              test_undo_through_keeper, store_teardown);
  g_test_add ("/store/undo/request", StoreTest, "undo-request.example", store_setup,
              test_undo_request, store_teardown);
  g_test_add ("/store/resolve", StoreTest, "resolve.example", store_setup,
              test_resolve, store_teardown);
  g_test_add ("/store/delete", StoreTest, "delete.example", store_setup,
              test_delete, store_teardown);
  g_test_add ("/store/labels", StoreTest, "label.example", store_setup,
              test_labels, store_teardown);
  g_test_add ("/store/search", StoreTest, "search.example", store_setup,
              test_search, store_teardown);
  g_test_add ("/store/models/signals", StoreTest, "signals.example", store_setup,
              test_model_signals, store_teardown);
  g_test_add ("/store/models/commit-in-thread", StoreTest, "thread.example", store_setup,
              test_commit_in_thread, store_teardown);
  g_test_add ("/store/commit/cancel", StoreTest, "cancel.example", store_setup,
              test_cancel, store_teardown);
  g_test_add ("/store/commit/killed", StoreTest, "kill.example", store_setup,
              test_killed_commit, store_teardown);

  return g_test_run ();
}
