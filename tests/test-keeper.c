/* SPDX-License-Identifier: GPL-3.0-or-later */
/* CkKeeper: the one path that makes a request for the window and the CLI.
 * Real stores in temporary directories; "unchanged" is checked row by row
 * over every table (ck_test_dump_tables()), so that a key added and taken
 * out again, or a spent id, is caught too. */

#include <string.h>

#include <sqlite3.h>

#include "certkeeper-core.h"
#include "ck-test-certs.h"
#include "ck-test-tools.h"

#define PASSPHRASE "correct horse battery staple"

typedef struct {
  char     *dir;
  CkStore  *store;
  CkKeeper *keeper;
  gint64    stored_key_id;  /* an encrypted key already there */
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CkPrivateKey) key = NULL;
  CkKeySpec spec = { CK_KEY_TYPE_ECDSA, 0, "P-256" };

  f->dir = g_dir_make_tmp ("ck-test-keeper-XXXXXX", &error);
  g_assert_no_error (error);
  f->store = ck_store_open (f->dir, &error);
  g_assert_no_error (error);
  f->keeper = ck_keeper_new (f->store);
  g_assert_true (ck_keeper_get_store (f->keeper) == f->store);

  key = ck_key_generate (&spec, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ck_store_add_key (f->store, key, "old key", PASSPHRASE, CK_COMMIT_NONE,
                                   &f->stored_key_id, &error));
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->keeper);
  g_clear_object (&f->store);
  ck_test_remove_tree (f->dir);
  g_free (f->dir);
}

/* Every row of every table as in @before. */
static void
assert_store_is (Fixture    *f,
                 const char *before)
{
  g_autofree char *now = ck_test_dump_tables (ck_store_get_path (f->store));

  g_assert_cmpstr (now, ==, before);
}

static CkRequestBuilder *
make_builder (const char *cn)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *subject = g_strdup_printf ("CN=%s", cn);
  CkRequestBuilder *builder = ck_request_builder_new ();

  g_assert_true (ck_request_builder_add_subject_string (builder, subject, &error));
  g_assert_no_error (error);
  ck_request_builder_set_key_info (builder, GNUTLS_PK_ECDSA, 256);
  return builder;
}

static CkKeeperKeyChoice
new_ecdsa_key (void)
{
  CkKeeperKeyChoice key = {
    .source = CK_KEEPER_KEY_NEW,
    .spec = { CK_KEY_TYPE_ECDSA, 0, "P-384" },
    .label = "new key",
    .passphrase = PASSPHRASE,
  };

  return key;
}

/* --- Success ----------------------------------------------------------- */

static void
test_new_key (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr(CkRequestBuilder) builder = make_builder ("new.keeper.test");
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(CkRequest) request = NULL;
  g_autoptr(CkPrivateKey) loaded = NULL;
  g_autoptr(GError) error = NULL;
  CkKeeperKeyChoice key = new_ecdsa_key ();
  CkKeeperRequestResult made = { 0, };
  CkStoredRequest *row;
  CkStoredKey *key_row;

  ck_keeper_create_request_async (f->keeper, builder, &key, NULL, NULL, NULL, ck_test_store_result, &result);
  /* The keeper took a copy: the caller may go on editing. */
  g_assert_true (ck_request_builder_add_subject_string (builder, "O=Later", &error));
  request = ck_keeper_create_request_finish (f->keeper, ck_test_wait_for_result (&result), &made, &error);
  g_assert_no_error (error);
  g_assert_nonnull (request);
  g_assert_cmpstr (ck_request_get_subject (request), ==, "CN=new.keeper.test");

  g_assert_true (made.key_added);
  g_assert_false (made.request_existed);
  g_assert_cmpint (made.key_id, >, f->stored_key_id);
  g_assert_cmpint (made.request_id, >, made.key_id);
  /* In the models at once: the callback ran after the store's update. */
  key_row = ck_store_get_key_row (f->store, made.key_id);
  g_assert_nonnull (key_row);
  g_assert_cmpstr (ck_stored_key_get_label (key_row), ==, "new key");
  g_assert_true (ck_stored_key_get_encrypted (key_row));
  g_assert_cmpuint (ck_stored_key_get_bits (key_row), ==, 384);
  row = ck_store_get_request_row (f->store, made.request_id);
  g_assert_nonnull (row);
  g_assert_cmpint (ck_stored_request_get_status (row), ==, CK_REQUEST_STATUS_PENDING);
  g_assert_cmpstr (ck_stored_request_get_spki_sha256 (row), ==, ck_request_get_spki_sha256 (request));
  g_assert_cmpint (ck_store_find_key (f->store, ck_request_get_spki_sha256 (request)), ==, made.key_id);

  /* Stored encrypted under the passphrase given. */
  loaded = ck_store_load_private_key (f->store, made.key_id, "wrong", &error);
  g_assert_error (error, CK_ERROR, CK_ERROR_BAD_PASSWORD);
  g_clear_error (&error);
  loaded = ck_store_load_private_key (f->store, made.key_id, PASSPHRASE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ck_private_key_get_spki_sha256 (loaded), ==, ck_request_get_spki_sha256 (request));
}

static gboolean
sink_to_file (CkRequest  *request,
              gpointer    user_data,
              GError    **error)
{
  g_autofree char *pem = ck_request_to_pem (request);

  /* Inside the transaction: another connection does not see it yet. */
  return g_file_set_contents (user_data, pem, -1, error);
}

static void
test_stored_key_twice (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(CkRequestBuilder) builder = make_builder ("stored.keeper.test");
  g_autoptr(CkRequest) first = NULL;
  g_autoptr(CkRequest) second = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *out = g_build_filename (f->dir, "out.csr", NULL);
  g_autofree char *pem = NULL;
  g_autofree char *written = NULL;
  g_autofree char *before = NULL;
  CkKeeperKeyChoice key = {
    .source = CK_KEEPER_KEY_STORED, .key_id = f->stored_key_id, .passphrase = "wrong",
  };
  CkKeeperRequestResult made = { 0, };

  /* A wrong passphrase: nothing happens. */
  before = ck_test_dump_tables (ck_store_get_path (f->store));
  first = ck_keeper_create_request (f->keeper, builder, &key, NULL, NULL, NULL, &made, &error);
  g_assert_error (error, CK_ERROR, CK_ERROR_BAD_PASSWORD);
  g_assert_null (first);
  g_clear_error (&error);
  assert_store_is (f, before);

  key.passphrase = PASSPHRASE;
  first = ck_keeper_create_request (f->keeper, builder, &key, sink_to_file, out, NULL, &made, &error);
  g_assert_no_error (error);
  g_assert_false (made.key_added);
  g_assert_false (made.request_existed);
  g_assert_cmpint (made.key_id, ==, f->stored_key_id);
  g_assert_true (g_file_get_contents (out, &written, NULL, &error));
  pem = ck_request_to_pem (first);
  g_assert_cmpstr (written, ==, pem);
  g_assert_cmpint (ck_stored_request_get_status (ck_store_get_request_row (f->store, made.request_id)),
                   ==, CK_REQUEST_STATUS_PENDING);

  /* ECDSA signatures differ each time: a second request of its own. */
  second = ck_keeper_create_request (f->keeper, builder, &key, NULL, NULL, NULL, &made, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (ck_store_get_requests (f->store)), ==, 2);
  g_assert_cmpuint (g_list_model_get_n_items (ck_store_get_keys (f->store)), ==, 1);
}

/* --- Failure ----------------------------------------------------------- */

/* The checks come first: no key is made for a request with errors. */
static void
test_findings_refused (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr(CkRequestBuilder) builder = make_builder ("bad.keeper.test");
  g_autoptr(CkRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = ck_test_dump_tables (ck_store_get_path (f->store));
  CkKeeperKeyChoice key = new_ecdsa_key ();

  g_assert_true (ck_request_builder_add_subject_string (builder, "C=CHE", &error));
  g_assert_no_error (error);
  request = ck_keeper_create_request (f->keeper, builder, &key, NULL, NULL, NULL, NULL, &error);
  g_assert_error (error, CK_ERROR, CK_ERROR_INVALID);
  g_assert_null (request);
  assert_store_is (f, before);
}

/* Recording fails after the key row was written (as a full disk would
 * make it): the whole transaction goes, the key row and the spent id with
 * it. The old assistant stored the key, then deleted it: the id stayed
 * spent and the objects sequence changed. */
static void
test_recording_fails (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr(CkRequestBuilder) builder = make_builder ("full.keeper.test");
  g_autoptr(CkRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  CkKeeperKeyChoice key = new_ecdsa_key ();
  sqlite3 *db = NULL;

  g_assert_cmpint (sqlite3_open (ck_store_get_path (f->store), &db), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (db, "CREATE TRIGGER refuse_requests BEFORE INSERT ON requests "
                                 "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END",
                                 NULL, NULL, NULL), ==, SQLITE_OK);
  before = ck_test_dump_tables (ck_store_get_path (f->store));

  request = ck_keeper_create_request (f->keeper, builder, &key, NULL, NULL, NULL, NULL, &error);
  g_assert_error (error, CK_ERROR, CK_ERROR_STORE);
  g_assert_nonnull (strstr (error->message, "disk is full"));
  g_assert_null (request);
  assert_store_is (f, before);
  g_assert_cmpuint (g_list_model_get_n_items (ck_store_get_keys (f->store)), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (ck_store_get_requests (f->store)), ==, 0);

  g_assert_cmpint (sqlite3_exec (db, "DROP TRIGGER refuse_requests", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (db);
}

static gboolean
sink_fails (CkRequest  *request,
            gpointer    user_data,
            GError    **error)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s: No such file or directory",
               (char *) user_data);
  return FALSE;
}

/* The output cannot be written (the CLI's --out in a missing directory):
 * nothing is kept. */
static void
test_sink_fails (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(CkRequestBuilder) builder = make_builder ("lost.keeper.test");
  g_autoptr(CkRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = ck_test_dump_tables (ck_store_get_path (f->store));
  CkKeeperKeyChoice key = new_ecdsa_key ();

  key.passphrase = NULL;
  key.no_passphrase = TRUE;
  request = ck_keeper_create_request (f->keeper, builder, &key, sink_fails,
                                      (gpointer) "/nonexistent/dir/req.csr", NULL, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_assert_null (request);
  assert_store_is (f, before);
}

/* A new key without a passphrase, when the user did not choose that:
 * refused before a key is made. */
static void
test_passphrase_required (Fixture       *f,
                          gconstpointer  data)
{
  g_autoptr(CkRequestBuilder) builder = make_builder ("plain.keeper.test");
  g_autoptr(CkRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = ck_test_dump_tables (ck_store_get_path (f->store));
  CkKeeperKeyChoice key = new_ecdsa_key ();

  key.passphrase = "";
  ck_key_vault_lock (ck_key_vault_get (f->store));
  request = ck_keeper_create_request (f->keeper, builder, &key, NULL, NULL, NULL, NULL, &error);
  g_assert_error (error, CK_ERROR, CK_ERROR_PASSWORD_REQUIRED);
  assert_store_is (f, before);
}

/* --- Cancel ------------------------------------------------------------ */

/* RSA 8192 takes up to a minute: cancelled, the action answers at once
 * and the store is as it was. */
static void
test_cancel_generation (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(CkRequestBuilder) builder = make_builder ("slow.keeper.test");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(CkRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = ck_test_dump_tables (ck_store_get_path (f->store));
  CkKeeperKeyChoice key = new_ecdsa_key ();

  key.spec = (CkKeySpec) { CK_KEY_TYPE_RSA, 8192, NULL };
  ck_request_builder_set_key_info (builder, GNUTLS_PK_RSA, 8192);
  ck_keeper_create_request_async (f->keeper, builder, &key, NULL, NULL, cancellable,
                                  ck_test_store_result, &result);
  g_cancellable_cancel (cancellable);
  request = ck_keeper_create_request_finish (f->keeper, ck_test_wait_for_result (&result), NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (request);
  assert_store_is (f, before);
}

typedef struct {
  GCancellable *cancellable;
  guint         calls;
} CancelInSink;

/* The last moment: the request is signed, its rows are written inside the
 * transaction and the sink has written it out when the cancel comes, just
 * before the commit: still in time, so everything is rolled back. */
static gboolean
sink_cancels (CkRequest  *request,
              gpointer    user_data,
              GError    **error)
{
  CancelInSink *data = user_data;

  data->calls++;
  g_cancellable_cancel (data->cancellable);
  return TRUE;
}

static void
test_cancel_before_commit (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(CkRequestBuilder) builder = make_builder ("late.keeper.test");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(CkRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = ck_test_dump_tables (ck_store_get_path (f->store));
  CkKeeperKeyChoice key = new_ecdsa_key ();
  CancelInSink sink = { cancellable, 0 };

  request = ck_keeper_create_request (f->keeper, builder, &key, sink_cancels, &sink,
                                      cancellable, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (sink.calls, ==, 1);
  assert_store_is (f, before);

  /* Already cancelled: nothing is even tried. */
  g_clear_error (&error);
  request = ck_keeper_create_request (f->keeper, builder, &key, sink_cancels, &sink,
                                      cancellable, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (sink.calls, ==, 1);
  assert_store_is (f, before);
}

/* --- Keys, trust, export ------------------------------------------------ */

static void
test_generate_key (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr(CkPrivateKey) key = NULL;
  g_autoptr(CkPrivateKey) loaded = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = ck_test_dump_tables (ck_store_get_path (f->store));
  CkKeeperKeyChoice choice = new_ecdsa_key ();
  CkKeeperKeyChoice stored = { .source = CK_KEEPER_KEY_STORED, .key_id = 1 };
  gint64 id = 0;

  /* Neither a passphrase (nor an unlocked store) nor the choice to go
   * without: nothing made. */
  ck_key_vault_lock (ck_key_vault_get (f->store));
  choice.passphrase = NULL;
  key = ck_keeper_generate_key (f->keeper, &choice, NULL, &id, &error);
  g_assert_error (error, CK_ERROR, CK_ERROR_PASSWORD_REQUIRED);
  g_assert_null (key);
  g_clear_error (&error);
  key = ck_keeper_generate_key (f->keeper, &stored, NULL, &id, &error);
  g_assert_error (error, CK_ERROR, CK_ERROR_INVALID);
  g_clear_error (&error);
  assert_store_is (f, before);

  choice.passphrase = PASSPHRASE;
  ck_keeper_generate_key_async (f->keeper, &choice, NULL, ck_test_store_result, &result);
  key = ck_keeper_generate_key_finish (f->keeper, ck_test_wait_for_result (&result), &id, &error);
  g_assert_no_error (error);
  g_assert_nonnull (key);
  g_assert_cmpint (id, ==, ck_store_find_key (f->store, ck_private_key_get_spki_sha256 (key)));
  g_assert_cmpstr (ck_stored_key_get_label (ck_store_get_key_row (f->store, id)), ==, "new key");
  g_assert_true (ck_stored_key_get_encrypted (ck_store_get_key_row (f->store, id)));
  loaded = ck_store_load_private_key (f->store, id, PASSPHRASE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ck_private_key_get_spki_sha256 (loaded), ==, ck_private_key_get_spki_sha256 (key));
}

/* A certificate and its key in the store, imported as a user would. */
static gint64
import_leaf_with_key (Fixture    *f,
                      const char *cn)
{
  g_autoptr(CkTestCa) ca = ck_test_ca_new ("Keeper Test CA");
  gnutls_x509_privkey_t key = ck_test_key_new ();
  g_autofree char *leaf = ck_test_ca_issue (ca, key, cn, 7);
  g_autofree char *key_pem = ck_test_key_to_pem (key);
  g_autofree char *ca_pem = ck_test_ca_get_pem (ca);
  g_autofree char *all = g_strconcat (leaf, key_pem, ca_pem, NULL);
  g_autoptr(GBytes) bytes = g_bytes_new (all, strlen (all));
  g_autoptr(CkImporter) importer = ck_importer_new (f->store);
  g_autoptr(GError) error = NULL;
  CkCommitSummary summary;
  GListModel *certificates;

  gnutls_x509_privkey_deinit (key);
  ck_importer_add_bytes (importer, bytes, "leaf.pem");
  g_assert_true (ck_store_commit (f->store, ck_importer_get_plan (importer), PASSPHRASE,
                                  CK_COMMIT_NONE, NULL, NULL, &summary, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (summary.certificates, ==, 2);
  certificates = ck_store_get_certificates (f->store);
  for (guint i = 0; i < g_list_model_get_n_items (certificates); i++)
    {
      g_autoptr(CkStoredCertificate) row = g_list_model_get_item (certificates, i);

      if (g_strcmp0 (ck_stored_certificate_get_subject (row), "CN=Keeper Test CA") != 0)
        return ck_stored_certificate_get_id (row);
    }
  g_assert_not_reached ();
}

/* Through the keeper a decision lands in the trust table and goes again;
 * read back through the database, row by row, not through the trust
 * module's readers. */
static void
test_set_trust (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(CkTrust) trust = NULL;
  g_autoptr(CkVerifier) verifier = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *distrusted = NULL;
  gint64 id = import_leaf_with_key (f, "trust.keeper.test");

  /* No trust module yet: refused, not a crash. */
  g_assert_false (ck_keeper_set_trust (f->keeper, id, CK_PURPOSE_TLS_SERVER, CK_TRUST_TRUSTED,
                                       &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_FAILED);
  g_clear_error (&error);

  trust = ck_trust_new (f->store, &error);
  g_assert_no_error (error);
  verifier = ck_verifier_new (trust);
  ck_keeper_use_trust (f->keeper, trust, verifier);
  g_assert_true (ck_keeper_get_trust (f->keeper) == trust);
  g_assert_true (ck_keeper_get_verifier (f->keeper) == verifier);
  before = ck_test_dump_tables (ck_store_get_path (f->store));

  ck_keeper_set_trust_async (f->keeper, id, CK_PURPOSE_TLS_SERVER, CK_TRUST_DISTRUSTED, NULL,
                             ck_test_store_result, &result);
  g_assert_true (ck_keeper_set_trust_finish (f->keeper, ck_test_wait_for_result (&result), &error));
  g_assert_no_error (error);
  distrusted = ck_test_dump_tables (ck_store_get_path (f->store));
  g_assert_cmpstr (distrusted, !=, before);
  g_assert_nonnull (strstr (distrusted, CK_PURPOSE_TLS_SERVER));
  g_assert_null (strstr (before, CK_PURPOSE_TLS_SERVER));

  /* Back to no decision: the store as it was. */
  g_assert_true (ck_keeper_set_trust (f->keeper, id, CK_PURPOSE_TLS_SERVER, CK_TRUST_DEFAULT,
                                      &error));
  g_assert_no_error (error);
  assert_store_is (f, before);

  /* Whatever ck_trust_set() refuses, the keeper refuses. */
  g_assert_false (ck_keeper_set_trust (f->keeper, id, CK_PURPOSE_ALL, CK_TRUST_TRUSTED, &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_INVALID);
  g_clear_error (&error);
  assert_store_is (f, before);
}

/* Everything an export needs, unlocked: the key that belongs to the
 * certificate, and the chain up to its CA. */
static void
test_prepare_export (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(CkKeeperExport) export = NULL;
  g_autoptr(GError) error = NULL;
  gint64 id = import_leaf_with_key (f, "export.keeper.test");
  GListModel *certificates = ck_store_get_certificates (f->store);
  gint64 ca_id = 0;

  /* The stored key's passphrase is checked. */
  export = ck_keeper_prepare_export (f->keeper, id, "wrong", NULL, &error);
  g_assert_error (error, CK_ERROR, CK_ERROR_BAD_PASSWORD);
  g_assert_null (export);
  g_clear_error (&error);

  ck_keeper_prepare_export_async (f->keeper, id, PASSPHRASE, NULL, ck_test_store_result, &result);
  export = ck_keeper_prepare_export_finish (f->keeper, ck_test_wait_for_result (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (export);
  g_assert_cmpstr (ck_certificate_get_subject (export->certificate), ==, "CN=export.keeper.test");
  g_assert_cmpstr (ck_private_key_get_spki_sha256 (export->key), ==,
                   ck_certificate_get_spki_sha256 (export->certificate));
  g_assert_cmpuint (export->chain->len, ==, 2);
  g_assert_true (export->chain_complete);
  g_assert_cmpstr (ck_certificate_get_subject (export->chain->pdata[1]), ==, "CN=Keeper Test CA");

  /* The CA's certificate has no key in the store: said so. */
  for (guint i = 0; i < g_list_model_get_n_items (certificates); i++)
    {
      g_autoptr(CkStoredCertificate) row = g_list_model_get_item (certificates, i);

      if (ck_stored_certificate_get_id (row) != id)
        ca_id = ck_stored_certificate_get_id (row);
    }
  g_clear_pointer (&export, ck_keeper_export_free);
  export = ck_keeper_prepare_export (f->keeper, ca_id, PASSPHRASE, NULL, &error);
  g_assert_error (error, CK_ERROR, CK_ERROR_NOT_FOUND);
  g_assert_null (export);
}

int
main (int   argc,
      char *argv[])
{
  ck_core_init ();
  g_test_init (&argc, &argv, NULL);

  g_test_add ("/keeper/request/new-key", Fixture, NULL,
              fixture_setup, test_new_key, fixture_teardown);
  g_test_add ("/keeper/request/stored-key", Fixture, NULL,
              fixture_setup, test_stored_key_twice, fixture_teardown);
  g_test_add ("/keeper/request/findings-refused", Fixture, NULL,
              fixture_setup, test_findings_refused, fixture_teardown);
  g_test_add ("/keeper/request/passphrase-required", Fixture, NULL,
              fixture_setup, test_passphrase_required, fixture_teardown);
  g_test_add ("/keeper/request/recording-fails", Fixture, NULL,
              fixture_setup, test_recording_fails, fixture_teardown);
  g_test_add ("/keeper/request/output-fails", Fixture, NULL,
              fixture_setup, test_sink_fails, fixture_teardown);
  g_test_add ("/keeper/request/cancel-generation", Fixture, NULL,
              fixture_setup, test_cancel_generation, fixture_teardown);
  g_test_add ("/keeper/request/cancel-before-commit", Fixture, NULL,
              fixture_setup, test_cancel_before_commit, fixture_teardown);
  g_test_add ("/keeper/generate-key", Fixture, NULL,
              fixture_setup, test_generate_key, fixture_teardown);
  g_test_add ("/keeper/set-trust", Fixture, NULL,
              fixture_setup, test_set_trust, fixture_teardown);
  g_test_add ("/keeper/prepare-export", Fixture, NULL,
              fixture_setup, test_prepare_export, fixture_teardown);
  return g_test_run ();
}
