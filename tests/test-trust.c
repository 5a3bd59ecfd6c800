/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Trust decisions and chain verification, against real SQLite stores, the
 * certtool corpus, and certtool itself as the oracle for verdicts. */
#include <string.h>
#include <sys/wait.h>

#include "certkeeper-core.h"
#include "ck-der-private.h"
#include "ck-store-private.h"
#include "ck-test-certs.h"
#include "ck-test-tools.h"

/* The corpus files holding a chain (two or more certificates, leaf first). */
static const char * const corpus_chains[] = {
  "data/alt-chain.pem",
  "data/chain-512-ca.pem",
  "data/chain-512-leaf.pem",
  "data/chain-md5.pem",
  "data/chain-with-critical-on-endcert.pem",
  "data/chain-with-critical-on-root.pem",
  "data/cve-2019-3829.pem",
  "data/invalid-sig.pem",
  "data/name-constraints-ip.pem",
  "data/pkcs1-pad-broken.pem",
  "data/pkcs1-pad-broken3.pem",
  "data/pkcs1-pad-ok.pem",
  "email-certs/chain.exclude.test.example.com",
  "email-certs/chain.test.example.com",
};

static const char * const purposes[] = {
  CK_PURPOSE_TLS_SERVER, CK_PURPOSE_TLS_CLIENT, CK_PURPOSE_CODE_SIGNING, CK_PURPOSE_EMAIL,
};

typedef struct {
  char    *dir;
  CkStore *store;
  CkTrust *trust;
  CkVerifier *verifier;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr (GError) error = NULL;

  f->dir = g_dir_make_tmp ("ck-trust-XXXXXX", &error);
  g_assert_no_error (error);
  f->store = ck_store_open (f->dir, &error);
  g_assert_no_error (error);
  f->trust = ck_trust_new (f->store, &error);
  g_assert_no_error (error);
  f->verifier = ck_verifier_new (f->trust);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->verifier);
  g_clear_object (&f->trust);
  g_clear_object (&f->store);
  ck_test_remove_tree (f->dir);
  g_free (f->dir);
}

/* Commits what can be imported from @data (errors and locked items left
 * out); returns the store ids of its certificates, in input order. */
static GArray *
import_bytes (CkStore    *store,
              GBytes     *data,
              const char *name)
{
  g_autoptr (CkImporter) importer = ck_importer_new (store);
  g_autoptr (CkImportPlan) clean = ck_import_plan_new ();
  g_autoptr (GError) error = NULL;
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  CkImportPlan *plan;

  ck_importer_add_bytes (importer, data, name);
  plan = ck_importer_get_plan (importer);
  for (guint i = 0; i < ck_import_plan_get_n_items (plan); i++)
    {
      CkImportItem *item = ck_import_plan_get_item (plan, i);
      CkImportItemKind kind = ck_import_item_get_kind (item);

      if (kind != CK_IMPORT_ITEM_ERROR && kind != CK_IMPORT_ITEM_LOCKED)
        ck_import_plan_append (clean, item);
    }
  /* Plain PKCS#8 for the corpus keys: these stores are thrown away, and
   * trust is about certificates. */
  g_assert_true (ck_store_commit (store, clean, NULL, CK_COMMIT_NO_KEY_PASSPHRASE, NULL,
                                  NULL, NULL, &error));
  g_assert_no_error (error);

  for (guint i = 0; i < ck_import_plan_get_n_items (clean); i++)
    {
      CkImportItem *item = ck_import_plan_get_item (clean, i);
      CkCertificate *cert;
      gint64 id;

      if (ck_import_item_get_kind (item) != CK_IMPORT_ITEM_CERTIFICATE)
        continue;
      cert = ck_import_item_get_certificate (item);
      id = ck_store_find_certificate (store, ck_certificate_get_sha256_fingerprint (cert));
      g_assert_cmpint (id, >, 0);
      g_array_append_val (ids, id);
    }
  return ids;
}

static GArray *
import_text (CkStore    *store,
             const char *pem)
{
  g_autoptr (GBytes) bytes = g_bytes_new (pem, strlen (pem));

  return import_bytes (store, bytes, "test.pem");
}

static GArray *
import_file (CkStore    *store,
             const char *path)
{
  g_autoptr (GBytes) bytes = ck_test_read_bytes (path);
  g_autofree char *name = g_path_get_basename (path);

  return import_bytes (store, bytes, name);
}

/* Every row of the trust table, as text: for byte-identical comparisons. */
static char *
dump_trust (CkStore *store)
{
  GString *out = g_string_new (NULL);
  sqlite3 *db;
  sqlite3_stmt *stmt = NULL;

  ck_store_lock (store);
  db = ck_store_get_db (store);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT certificate_id, sha256, spki_sha256, "
                                       "purpose, level, set_at FROM trust "
                                       "ORDER BY certificate_id, purpose", -1, &stmt, NULL),
                   ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      for (int c = 0; c < 6; c++)
        g_string_append_printf (out, "%s|", (const char *) sqlite3_column_text (stmt, c));
      g_string_append_c (out, '\n');
    }
  sqlite3_finalize (stmt);
  ck_store_unlock (store);
  return g_string_free (out, FALSE);
}

static CkVerification *
verify (Fixture    *f,
        gint64      id,
        const char *purpose)
{
  g_autoptr (GError) error = NULL;
  CkVerification *v = ck_verifier_verify_id (f->verifier, id, purpose, &error);

  g_assert_no_error (error);
  g_assert_nonnull (v);
  g_test_message ("verify %" G_GINT64_FORMAT " for %s: %s: %s", id, purpose,
                  ck_verify_status_to_string (ck_verification_get_status (v)),
                  ck_verification_get_reason (v));
  return v;
}

static void
set_trust (Fixture      *f,
           gint64        id,
           const char   *purpose,
           CkTrustLevel  level)
{
  g_autoptr (GError) error = NULL;

  g_assert_true (ck_trust_set (f->trust, id, purpose, level, &error));
  g_assert_no_error (error);
}

#define assert_status(v, expected) \
  g_assert_cmpstr (ck_verify_status_to_string (ck_verification_get_status (v)), ==, \
                   ck_verify_status_to_string (expected))

/* --- certtool-made chains ---------------------------------------------- */

typedef struct {
  char *dir;
  const char *certtool;
} Tool;

static void
run_certtool (Tool               *tool,
              const char * const *args)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL;

  g_ptr_array_add (argv, (char *) tool->certtool);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  out = ck_test_run_tool ((const char * const *) argv->pdata);
  g_assert_nonnull (out);
}

static char *
tool_path (Tool       *tool,
           const char *name)
{
  return g_build_filename (tool->dir, name, NULL);
}

static void
make_key (Tool       *tool,
          const char *name)
{
  g_autofree char *path = tool_path (tool, name);
  const char *args[] = { "--generate-privkey", "--key-type=ecdsa", "--outfile", path, NULL };

  run_certtool (tool, args);
}

/* A certificate "name.pem" for key "key" made from @template, self-signed
 * when @ca is NULL, else signed by "ca.pem"/"ca-key". */
static char *
make_cert (Tool       *tool,
           const char *name,
           const char *key,
           const char *ca,
           const char *ca_key,
           const char *template)
{
  g_autofree char *tmpl = tool_path (tool, "template");
  g_autofree char *out = tool_path (tool, name);
  g_autofree char *key_path = tool_path (tool, key);
  g_autofree char *ca_path = ca ? tool_path (tool, ca) : NULL;
  g_autofree char *ca_key_path = ca_key ? tool_path (tool, ca_key) : NULL;
  g_autoptr (GError) error = NULL;

  g_assert_true (g_file_set_contents (tmpl, template, -1, &error));
  if (ca == NULL)
    {
      const char *args[] = { "--generate-self-signed", "--load-privkey", key_path,
                             "--template", tmpl, "--outfile", out, NULL };
      run_certtool (tool, args);
    }
  else
    {
      const char *args[] = { "--generate-certificate", "--load-privkey", key_path,
                             "--load-ca-certificate", ca_path, "--load-ca-privkey",
                             ca_key_path, "--template", tmpl, "--outfile", out, NULL };
      run_certtool (tool, args);
    }
  return ck_test_read_text (out, NULL);
}

#define CA_TEMPLATE(cn, serial) \
  "cn = \"" cn "\"\nserial = " serial "\nexpiration_days = 3650\nca\n" \
  "cert_signing_key\ncrl_signing_key\n"

static Tool *
tool_new (void)
{
  Tool *tool;
  g_autoptr (GError) error = NULL;
  const char *certtool = g_getenv ("CK_CERTTOOL");

  if (certtool == NULL)
    return NULL;
  tool = g_new0 (Tool, 1);
  tool->certtool = certtool;
  tool->dir = g_dir_make_tmp ("ck-trust-tool-XXXXXX", &error);
  g_assert_no_error (error);
  return tool;
}

static void
tool_free (Tool *tool)
{
  ck_test_remove_tree (tool->dir);
  g_free (tool->dir);
  g_free (tool);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Tool, tool_free)

/* Root → intermediate → leaf (TLS server only), plus a second root
 * certificate for the root's key. Ids in @ids: root, intermediate, leaf,
 * root-again. */
static void
make_three_level_chain (Fixture *f,
                        Tool    *tool,
                        gint64   ids[4])
{
  g_autoptr (GString) pem = g_string_new (NULL);
  g_autoptr (GArray) imported = NULL;
  g_autofree char *root = NULL, *inter = NULL, *leaf = NULL, *again = NULL;

  make_key (tool, "root-key");
  make_key (tool, "inter-key");
  make_key (tool, "leaf-key");
  root = make_cert (tool, "root.pem", "root-key", NULL, NULL,
                    CA_TEMPLATE ("Example Root CA", "1"));
  inter = make_cert (tool, "inter.pem", "inter-key", "root.pem", "root-key",
                     CA_TEMPLATE ("Example Issuing CA", "2"));
  leaf = make_cert (tool, "leaf.pem", "leaf-key", "inter.pem", "inter-key",
                    "cn = \"www.example.com\"\nserial = 3\nexpiration_days = 365\n"
                    "dns_name = \"www.example.com\"\ntls_www_server\nsigning_key\n"
                    "encryption_key\n");
  again = make_cert (tool, "root-again.pem", "root-key", NULL, NULL,
                     CA_TEMPLATE ("Example Root CA (reissued)", "4"));
  g_string_append (pem, leaf);
  g_string_append (pem, inter);
  g_string_append (pem, root);
  g_string_append (pem, again);
  imported = import_text (f->store, pem->str);
  g_assert_cmpuint (imported->len, ==, 4);
  ids[0] = g_array_index (imported, gint64, 2);
  ids[1] = g_array_index (imported, gint64, 1);
  ids[2] = g_array_index (imported, gint64, 0);
  ids[3] = g_array_index (imported, gint64, 3);
}

/* --- Tests ------------------------------------------------------------- */

static void
test_purposes (void)
{
  g_assert_cmpstr (ck_purpose_from_string ("tls-server"), ==, CK_PURPOSE_TLS_SERVER);
  g_assert_cmpstr (ck_purpose_from_string ("EMAIL"), ==, CK_PURPOSE_EMAIL);
  g_assert_cmpstr (ck_purpose_from_string ("all"), ==, CK_PURPOSE_ALL);
  g_assert_cmpstr (ck_purpose_from_string ("1.3.6.1.5.5.7.3.8"), ==, "1.3.6.1.5.5.7.3.8");
  g_assert_null (ck_purpose_from_string ("web"));
  g_assert_null (ck_purpose_from_string ("1..2"));
  g_assert_cmpstr (ck_purpose_get_display_name (CK_PURPOSE_CODE_SIGNING), ==, "Code signing");
  g_assert_cmpstr (ck_purpose_get_display_name (CK_PURPOSE_ALL), ==, "All purposes");
}

static void
test_set_and_cascade (Fixture       *f,
                      gconstpointer  data)
{
  g_autoptr (CkTestCa) ca = ck_test_ca_new ("Cascade CA");
  g_autofree char *pem = ck_test_ca_get_pem (ca);
  g_autoptr (GArray) ids = import_text (f->store, pem);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) list = NULL;
  g_autofree char *dump = NULL;
  gint64 id = g_array_index (ids, gint64, 0);
  CkStoredCertificate *row = ck_store_get_certificate_row (f->store, id);
  /* A copy: the row belongs to the store and goes with the delete below. */
  g_autofree char *sha256 = g_strdup (ck_stored_certificate_get_sha256 (row));

  g_assert_cmpint (ck_store_get_module_version (f->store, "trust"), ==, 2);
  g_assert_cmpint (ck_trust_get (f->trust, sha256, CK_PURPOSE_EMAIL, NULL), ==, CK_TRUST_DEFAULT);

  set_trust (f, id, CK_PURPOSE_EMAIL, CK_TRUST_TRUSTED);
  set_trust (f, id, CK_PURPOSE_TLS_SERVER, CK_TRUST_DISTRUSTED);
  g_assert_cmpint (ck_trust_get (f->trust, sha256, CK_PURPOSE_EMAIL, NULL), ==, CK_TRUST_TRUSTED);
  g_assert_cmpint (ck_trust_get (f->trust, sha256, CK_PURPOSE_TLS_SERVER, NULL), ==,
                   CK_TRUST_DISTRUSTED);
  list = ck_trust_list (f->trust, NULL, NULL);
  g_assert_cmpuint (list->len, ==, 2);

  /* Trusting for everything is refused; so are non-OIDs and unknown ids. */
  g_assert_false (ck_trust_set (f->trust, id, CK_PURPOSE_ALL, CK_TRUST_TRUSTED, &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (ck_trust_set (f->trust, id, "web", CK_TRUST_TRUSTED, &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (ck_trust_set (f->trust, 999999, CK_PURPOSE_EMAIL, CK_TRUST_TRUSTED, &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Default removes the row. */
  set_trust (f, id, CK_PURPOSE_TLS_SERVER, CK_TRUST_DEFAULT);
  g_assert_cmpint (ck_trust_get (f->trust, sha256, CK_PURPOSE_TLS_SERVER, NULL), ==,
                   CK_TRUST_DEFAULT);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = ck_trust_list (f->trust, sha256, NULL);
  g_assert_cmpuint (list->len, ==, 1);

  /* Deleting the certificate takes its decisions with it, in the delete's
   * own transaction (the foreign key cascades). */
  g_assert_true (ck_store_delete (f->store, id, &error));
  g_assert_no_error (error);
  dump = dump_trust (f->store);
  g_assert_cmpstr (dump, ==, "");
  g_assert_cmpint (ck_trust_get (f->trust, sha256, CK_PURPOSE_EMAIL, NULL), ==, CK_TRUST_DEFAULT);
}

/* A deletion that fails half-way (the trust rows are gone inside the
 * transaction, then it rolls back) leaves them all in place: they live
 * and die with the certificate row, never apart. */
static gboolean
delete_then_fail (CkStore  *store,
                  sqlite3  *db,
                  gpointer  user_data,
                  GError  **error)
{
  gint64 id = *(gint64 *) user_data;
  g_autofree char *sql = g_strdup_printf ("DELETE FROM objects WHERE id = %" G_GINT64_FORMAT, id);
  g_autofree char *dump = NULL;

  g_assert_cmpint (sqlite3_exec (db, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  dump = dump_trust (store);
  g_assert_cmpstr (dump, ==, "");
  g_set_error (error, CK_ERROR, CK_ERROR_FAILED, "rolled back on purpose");
  return FALSE;
}

static void
test_cascade_is_transactional (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr (CkTestCa) ca = ck_test_ca_new ("Rollback CA");
  g_autofree char *pem = ck_test_ca_get_pem (ca);
  g_autoptr (GArray) ids = import_text (f->store, pem);
  g_autoptr (GError) error = NULL;
  g_autofree char *before = NULL, *after = NULL;
  gint64 id = g_array_index (ids, gint64, 0);

  set_trust (f, id, CK_PURPOSE_TLS_CLIENT, CK_TRUST_TRUSTED);
  before = dump_trust (f->store);
  g_assert_false (ck_store_run_transaction (f->store, delete_then_fail, &id, &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_FAILED);
  after = dump_trust (f->store);
  g_assert_cmpstr (before, ==, after);
  g_assert_cmpstr (after, !=, "");
}

static void
test_changed_signal (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr (CkTestCa) ca = ck_test_ca_new ("Signal CA");
  g_autofree char *pem = ck_test_ca_get_pem (ca);
  g_autoptr (GArray) ids = import_text (f->store, pem);
  gint64 id = g_array_index (ids, gint64, 0);
  guint changes = 0;

  g_signal_connect_swapped (f->trust, "changed", G_CALLBACK (g_atomic_int_inc), &changes);
  set_trust (f, id, CK_PURPOSE_EMAIL, CK_TRUST_TRUSTED);
  g_assert_cmpuint (changes, ==, 1);
  g_assert_true (ck_store_delete (f->store, id, NULL));
  /* The store applies model changes through the main context. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_cmpuint (changes, ==, 2);
}

/* Every corpus file, imported into a store that already has decisions:
 * the trust table is byte for byte what it was. Into a fresh store: it
 * stays empty. */
static void
test_import_never_touches_trust (Fixture       *f,
                                 gconstpointer  data)
{
  g_autofree char *manifest_path = ck_test_corpus_path ("MANIFEST.tsv");
  g_autofree char *manifest = ck_test_read_text (manifest_path, NULL);
  g_auto (GStrv) lines = g_strsplit (manifest, "\n", -1);
  g_autoptr (CkTestCa) ca = ck_test_ca_new ("Decided CA");
  g_autofree char *pem = ck_test_ca_get_pem (ca);
  g_autoptr (GArray) ids = import_text (f->store, pem);
  g_autofree char *fresh_dir = NULL;
  g_autoptr (CkStore) fresh = NULL;
  g_autoptr (CkTrust) fresh_trust = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *before = NULL, *after = NULL, *fresh_dump = NULL;
  guint files = 0;
  gint64 first_corpus_id = 0;

  fresh_dir = g_dir_make_tmp ("ck-trust-fresh-XXXXXX", &error);
  g_assert_no_error (error);
  fresh = ck_store_open (fresh_dir, &error);
  g_assert_no_error (error);
  fresh_trust = ck_trust_new (fresh, &error);
  g_assert_no_error (error);

  set_trust (f, g_array_index (ids, gint64, 0), CK_PURPOSE_TLS_SERVER, CK_TRUST_TRUSTED);
  set_trust (f, g_array_index (ids, gint64, 0), CK_PURPOSE_CODE_SIGNING, CK_TRUST_DISTRUSTED);

  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_auto (GStrv) columns = g_strsplit (lines[i], "\t", -1);
      g_autofree char *path = NULL;
      g_autoptr (GArray) imported = NULL;
      g_autoptr (GArray) imported_fresh = NULL;

      if (columns[0] == NULL || *columns[0] == '\0')
        continue;
      path = ck_test_corpus_path (columns[0]);
      imported = import_file (f->store, path);
      imported_fresh = import_file (fresh, path);
      files++;
      /* Decisions on the first corpus certificates, so later imports of
       * the same certificates (in other files) meet existing rows. */
      if (first_corpus_id == 0 && imported->len > 0)
        {
          first_corpus_id = g_array_index (imported, gint64, 0);
          set_trust (f, first_corpus_id, CK_PURPOSE_EMAIL, CK_TRUST_TRUSTED);
          set_trust (f, first_corpus_id, CK_PURPOSE_ALL, CK_TRUST_DISTRUSTED);
          before = dump_trust (f->store);
        }
    }
  g_assert_cmpuint (files, >, 100);
  g_assert_nonnull (before);

  after = dump_trust (f->store);
  g_assert_cmpstr (before, ==, after);
  fresh_dump = dump_trust (fresh);
  g_assert_cmpstr (fresh_dump, ==, "");
  g_assert_cmpuint (g_list_model_get_n_items (ck_store_get_certificates (fresh)), >, 50);

  g_clear_object (&fresh_trust);
  g_clear_object (&fresh);
  ck_test_remove_tree (fresh_dir);
}

static void
test_email_not_tls (Fixture       *f,
                    gconstpointer  data)
{
  g_autofree char *path = ck_test_corpus_path ("email-certs/chain.test.example.com");
  g_autoptr (GArray) ids = import_file (f->store, path);
  g_autoptr (CkVerification) before = NULL;
  g_autoptr (CkVerification) email = NULL;
  g_autoptr (CkVerification) tls = NULL;
  gint64 leaf = g_array_index (ids, gint64, 0), root = g_array_index (ids, gint64, 1);
  const char * const *chain;

  before = verify (f, leaf, CK_PURPOSE_EMAIL);
  assert_status (before, CK_VERIFY_NOT_TRUSTED);
  g_assert_cmpstr (ck_verification_get_subject_name (before), ==, "CA-0");

  set_trust (f, root, CK_PURPOSE_EMAIL, CK_TRUST_TRUSTED);
  email = verify (f, leaf, CK_PURPOSE_EMAIL);
  assert_status (email, CK_VERIFY_TRUSTED);
  g_assert_cmpstr (ck_verification_get_reason (email), ==,
                   "Trusted for Email protection through CA-0");
  g_assert_cmpstr (ck_verification_get_anchor_name (email), ==, "CA-0");
  g_assert_cmpstr (ck_verification_get_anchor_source (email), ==, "store");
  chain = ck_verification_get_chain (email);
  g_assert_cmpuint (g_strv_length ((char **) chain), ==, 2);
  g_assert_cmpstr (chain[1], ==,
                   ck_stored_certificate_get_sha256 (ck_store_get_certificate_row (f->store, root)));

  tls = verify (f, leaf, CK_PURPOSE_TLS_SERVER);
  assert_status (tls, CK_VERIFY_NOT_TRUSTED);
  g_assert_true (g_str_has_prefix (ck_verification_get_reason (tls), "Not trusted for TLS server"));
}

static void
test_issuer_unknown (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr (CkTestCa) ca = ck_test_ca_new ("Absent CA");
  gnutls_x509_privkey_t key = ck_test_key_new ();
  g_autofree char *leaf = ck_test_ca_issue (ca, key, "orphan.example", 7);
  g_autoptr (GArray) ids = import_text (f->store, leaf);
  g_autoptr (CkVerification) v = verify (f, g_array_index (ids, gint64, 0), CK_PURPOSE_TLS_SERVER);

  assert_status (v, CK_VERIFY_ISSUER_UNKNOWN);
  g_assert_cmpstr (ck_verification_get_reason (v), ==,
                   "Not trusted: issued by an unknown authority (Absent CA)");

  /* The verdict is cached, but not across a change of the certificates
   * or of the decisions: import the CA, trust it, delete it. */
  {
    g_autofree char *ca_pem = ck_test_ca_get_pem (ca);
    g_autoptr (GArray) ca_ids = import_text (f->store, ca_pem);
    g_autoptr (CkVerification) found = NULL, trusted = NULL, gone = NULL;
    g_autoptr (GError) error = NULL;
    gint64 leaf_id = g_array_index (ids, gint64, 0);

    found = verify (f, leaf_id, CK_PURPOSE_TLS_SERVER);
    assert_status (found, CK_VERIFY_NOT_TRUSTED);
    set_trust (f, g_array_index (ca_ids, gint64, 0), CK_PURPOSE_TLS_SERVER, CK_TRUST_TRUSTED);
    trusted = verify (f, leaf_id, CK_PURPOSE_TLS_SERVER);
    assert_status (trusted, CK_VERIFY_TRUSTED);
    g_assert_true (ck_store_delete (f->store, g_array_index (ca_ids, gint64, 0), &error));
    g_assert_no_error (error);
    gone = verify (f, leaf_id, CK_PURPOSE_TLS_SERVER);
    assert_status (gone, CK_VERIFY_ISSUER_UNKNOWN);
  }
  gnutls_x509_privkey_deinit (key);
}

static void
test_distrust_intermediate_and_key (Fixture       *f,
                                    gconstpointer  data)
{
  g_autoptr (Tool) tool = tool_new ();
  gint64 ids[4];

  if (tool == NULL)
    {
      g_test_skip ("certtool not available");
      return;
    }
  make_three_level_chain (f, tool, ids);

  {
    g_autoptr (CkVerification) v = verify (f, ids[2], CK_PURPOSE_TLS_SERVER);
    assert_status (v, CK_VERIFY_NOT_TRUSTED);
    g_assert_cmpuint (g_strv_length ((char **) ck_verification_get_chain (v)), ==, 3);
  }
  set_trust (f, ids[0], CK_PURPOSE_TLS_SERVER, CK_TRUST_TRUSTED);
  {
    g_autoptr (CkVerification) v = verify (f, ids[2], CK_PURPOSE_TLS_SERVER);
    assert_status (v, CK_VERIFY_TRUSTED);
    g_assert_cmpstr (ck_verification_get_reason (v), ==,
                     "Trusted for TLS server through Example Root CA");
  }
  /* The leaf is a TLS server certificate only. */
  set_trust (f, ids[0], CK_PURPOSE_EMAIL, CK_TRUST_TRUSTED);
  {
    g_autoptr (CkVerification) v = verify (f, ids[2], CK_PURPOSE_EMAIL);
    assert_status (v, CK_VERIFY_PURPOSE_NOT_ALLOWED);
    g_assert_cmpstr (ck_verification_get_subject_name (v), ==, "www.example.com");
  }

  /* Distrusting the intermediate for the purpose turns the leaf. */
  set_trust (f, ids[1], CK_PURPOSE_TLS_SERVER, CK_TRUST_DISTRUSTED);
  {
    g_autoptr (CkVerification) v = verify (f, ids[2], CK_PURPOSE_TLS_SERVER);
    assert_status (v, CK_VERIFY_DISTRUSTED);
    g_assert_cmpstr (ck_verification_get_subject_name (v), ==, "Example Issuing CA");
  }
  set_trust (f, ids[1], CK_PURPOSE_TLS_SERVER, CK_TRUST_DEFAULT);
  {
    g_autoptr (CkVerification) v = verify (f, ids[2], CK_PURPOSE_TLS_SERVER);
    assert_status (v, CK_VERIFY_TRUSTED);
  }

  /* A distrust on the re-issued root covers the root (same key), and so
   * every leaf below it, even though the root itself is trusted. */
  set_trust (f, ids[3], CK_PURPOSE_ALL, CK_TRUST_DISTRUSTED);
  {
    g_autoptr (CkVerification) v = verify (f, ids[2], CK_PURPOSE_TLS_SERVER);
    g_autoptr (CkTrustSetting) setting = NULL;

    assert_status (v, CK_VERIFY_DISTRUSTED);
    g_assert_cmpstr (ck_verification_get_subject_name (v), ==, "Example Root CA");
    g_assert_nonnull (strstr (ck_verification_get_reason (v), "same key"));
    g_assert_true (ck_trust_is_distrusted (f->trust, "none",
                                           ck_stored_certificate_get_spki_sha256 (
                                             ck_store_get_certificate_row (f->store, ids[0])),
                                           CK_PURPOSE_CODE_SIGNING, &setting, NULL));
    g_assert_cmpint (setting->certificate_id, ==, ids[3]);
  }

  /* The exports say so too: the root (trusted, but its key distrusted) is
   * rejected for everything, and is no anchor. */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (GBytes) openssl = ck_trust_export (f->trust, CK_TRUST_EXPORT_OPENSSL, &error);
    g_autoptr (GBytes) anchors = NULL;
    g_autoptr (GBytes) p11 = NULL;
    g_autofree char *text = NULL;

    g_assert_no_error (error);
    text = g_strndup (g_bytes_get_data (openssl, NULL), g_bytes_get_size (openssl));
    g_assert_nonnull (strstr (text, "# Example Root CA\n"));
    g_assert_nonnull (strstr (text, "# Example Root CA (reissued)\n"));
    anchors = ck_trust_export (f->trust, CK_TRUST_EXPORT_PEM_BUNDLE, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_bytes_get_size (anchors), ==, 0);
    p11 = ck_trust_export (f->trust, CK_TRUST_EXPORT_P11_KIT, &error);
    g_assert_no_error (error);
    g_clear_pointer (&text, g_free);
    text = g_strndup (g_bytes_get_data (p11, NULL), g_bytes_get_size (p11));
    g_assert_null (strstr (text, "\ntrusted: true"));
    g_assert_nonnull (strstr (text, "x-distrusted: true"));
  }
}

/* Two CAs that issued each other and no root: chain building stops when
 * it comes back round, and says the issuer is unknown. */
static void
test_issuer_loop (Fixture       *f,
                  gconstpointer  data)
{
  g_autoptr (Tool) tool = tool_new ();
  g_autoptr (GString) pem = g_string_new (NULL);
  g_autoptr (GArray) ids = NULL;
  g_autofree char *x = NULL, *y = NULL, *leaf = NULL;

  if (tool == NULL)
    {
      g_test_skip ("certtool not available");
      return;
    }
  make_key (tool, "key-a");
  make_key (tool, "key-b");
  make_key (tool, "leaf-key");
  g_free (make_cert (tool, "self-a.pem", "key-a", NULL, NULL, CA_TEMPLATE ("Loop A", "1")));
  g_free (make_cert (tool, "self-b.pem", "key-b", NULL, NULL, CA_TEMPLATE ("Loop B", "2")));
  /* A's key certified by B, B's key certified by A. */
  x = make_cert (tool, "x.pem", "key-a", "self-b.pem", "key-b", CA_TEMPLATE ("Loop A", "3"));
  y = make_cert (tool, "y.pem", "key-b", "self-a.pem", "key-a", CA_TEMPLATE ("Loop B", "4"));
  leaf = make_cert (tool, "leaf.pem", "leaf-key", "self-a.pem", "key-a",
                    "cn = \"loop.example\"\nserial = 5\nexpiration_days = 30\ntls_www_server\n");
  g_string_append (pem, leaf);
  g_string_append (pem, x);
  g_string_append (pem, y);
  ids = import_text (f->store, pem->str);

  {
    g_autoptr (CkVerification) v = verify (f, g_array_index (ids, gint64, 0),
                                           CK_PURPOSE_TLS_SERVER);
    assert_status (v, CK_VERIFY_ISSUER_UNKNOWN);
    g_assert_cmpuint (g_strv_length ((char **) ck_verification_get_chain (v)), ==, 3);
  }
  /* Trusting one of them anchors the leaf through it. */
  set_trust (f, g_array_index (ids, gint64, 2), CK_PURPOSE_TLS_SERVER, CK_TRUST_TRUSTED);
  {
    g_autoptr (CkVerification) v = verify (f, g_array_index (ids, gint64, 0),
                                           CK_PURPOSE_TLS_SERVER);
    assert_status (v, CK_VERIFY_TRUSTED);
    g_assert_cmpstr (ck_verification_get_anchor_name (v), ==, "Loop B");
  }
}

static void
test_time (Fixture       *f,
           gconstpointer  data)
{
  g_autoptr (Tool) tool = tool_new ();
  gint64 ids[4];
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (tool == NULL)
    {
      g_test_skip ("certtool not available");
      return;
    }
  make_three_level_chain (f, tool, ids);
  set_trust (f, ids[0], CK_PURPOSE_TLS_SERVER, CK_TRUST_TRUSTED);

  /* The leaf lives a year, the CAs ten. */
  ck_verifier_set_time (f->verifier, now + 2 * 365 * 86400);
  {
    g_autoptr (CkVerification) v = verify (f, ids[2], CK_PURPOSE_TLS_SERVER);
    assert_status (v, CK_VERIFY_EXPIRED);
    g_assert_cmpstr (ck_verification_get_subject_name (v), ==, "www.example.com");
  }
  ck_verifier_set_time (f->verifier, now + 20 * 365 * 86400);
  {
    g_autoptr (CkVerification) v = verify (f, ids[1], CK_PURPOSE_TLS_SERVER);
    assert_status (v, CK_VERIFY_EXPIRED);
    g_assert_cmpstr (ck_verification_get_subject_name (v), ==, "Example Issuing CA");
  }
  ck_verifier_set_time (f->verifier, now - 30 * 86400);
  {
    g_autoptr (CkVerification) v = verify (f, ids[2], CK_PURPOSE_TLS_SERVER);
    assert_status (v, CK_VERIFY_NOT_YET_VALID);
    g_assert_true (g_str_has_prefix (ck_verification_get_reason (v), "Not valid yet"));
  }
  ck_verifier_set_time (f->verifier, 0);
  {
    g_autoptr (CkVerification) v = verify (f, ids[2], CK_PURPOSE_TLS_SERVER);
    assert_status (v, CK_VERIFY_TRUSTED);
  }
}

/* What certtool prints, as our statuses: the set of failure kinds. */
static GHashTable *
certtool_kinds (const char *output)
{
  static const struct { const char *text; CkVerifyStatus status; } map[] = {
    { "signature in the certificate is invalid", CK_VERIFY_BAD_SIGNATURE },
    { "uses insecure algorithm", CK_VERIFY_INSECURE_ALGORITHM },
    { "unknown critical extension", CK_VERIFY_UNKNOWN_CRITICAL_EXTENSION },
    { "uses expired certificate", CK_VERIFY_EXPIRED },
    { "not yet valid", CK_VERIFY_NOT_YET_VALID },
    { "does not match the intended purpose", CK_VERIFY_PURPOSE_NOT_ALLOWED },
    { "violates the signer's constraints", CK_VERIFY_CONSTRAINT_VIOLATED },
    { "issuer is not a CA", CK_VERIFY_CONSTRAINT_VIOLATED },
    { "issuer is unknown", CK_VERIFY_ISSUER_UNKNOWN },
  };
  GHashTable *kinds = g_hash_table_new (g_str_hash, g_str_equal);
  const char *line = strstr (output, "Chain verification output:");

  g_assert_nonnull (line);
  for (guint i = 0; i < G_N_ELEMENTS (map); i++)
    {
      const char *end = strchr (line, '\n');
      g_autofree char *first = g_strndup (line, end ? (gsize) (end - line) : strlen (line));

      if (strstr (first, map[i].text) != NULL)
        g_hash_table_add (kinds, (char *) ck_verify_status_to_string (map[i].status));
    }
  return kinds;
}

/* certtool at @faketime_at (through faketime; NULL: now) with the
 * medium profile and @args. Returns the exit status; *@output gets
 * stdout. */
static int
run_certtool_at (const char         *faketime_at,
                 const char * const *args,
                 char              **output)
{
  g_autoptr (GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GError) error = NULL;
  int wait_status = 0;

  if (faketime_at != NULL)
    {
      g_ptr_array_add (argv, g_find_program_in_path ("faketime"));
      g_ptr_array_add (argv, g_strdup (faketime_at));
    }
  g_ptr_array_add (argv, g_strdup (g_getenv ("CK_CERTTOOL")));
  g_ptr_array_add (argv, g_strdup ("--verify-profile=medium"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, g_strdup (args[i]));
  g_ptr_array_add (argv, NULL);
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_STDERR_TO_DEV_NULL,
                               NULL, NULL, output, NULL, &wait_status, &error));
  g_assert_no_error (error);
  return WIFEXITED (wait_status) ? WEXITSTATUS (wait_status) : -1;
}

/* certtool --verify-chain on @path (the last certificate is its CA). */
static int
run_certtool_chain (const char  *path,
                    const char  *purpose,
                    const char  *faketime_at,
                    char       **output)
{
  g_autofree char *purpose_arg = g_strdup_printf ("--verify-purpose=%s", purpose);
  const char *args[] = { "--verify-chain", purpose_arg, "--infile", path, NULL };

  return run_certtool_at (faketime_at, args, output);
}

static char *
format_faketime (gint64 when)
{
  g_autoptr (GDateTime) time = g_date_time_new_from_unix_utc (when);

  return g_date_time_format (time, "%Y-%m-%d %H:%M:%S");
}

typedef struct {
  guint cases;
  guint agree;
  GString *disagreements;
} Tally;

/* One chain file, one purpose, at @when (0: now): our verdict on the leaf
 * before and after trusting the file's last certificate, against
 * certtool's on the file (which takes the last certificate as its CA). */
static void
compare_chain (const char *rel,
               const char *purpose,
               gint64      when,
               Tally      *tally)
{
  Fixture f = { 0 };
  g_autofree char *path = ck_test_corpus_path (rel);
  g_autoptr (GArray) ids = NULL;
  g_autoptr (CkVerification) before = NULL, after = NULL;
  g_autoptr (GHashTable) kinds = NULL;
  g_autofree char *output = NULL;
  g_autofree char *at = NULL;
  const char *ours;
  gboolean certtool_ok, ours_ok, kind_ok;
  int status;

  if (when != 0)
    at = format_faketime (when);

  fixture_set_up (&f, NULL);
  ck_verifier_set_time (f.verifier, when);
  ids = import_file (f.store, path);
  g_assert_cmpuint (ids->len, >=, 2);

  before = verify (&f, g_array_index (ids, gint64, 0), purpose);
  g_assert_cmpint (ck_verification_get_status (before), !=, CK_VERIFY_TRUSTED);
  set_trust (&f, g_array_index (ids, gint64, ids->len - 1), purpose, CK_TRUST_TRUSTED);
  after = verify (&f, g_array_index (ids, gint64, 0), purpose);
  /* Trusting the root changes nothing but the anchor verdicts. */
  if (ck_verification_get_status (before) != CK_VERIFY_NOT_TRUSTED &&
      ck_verification_get_status (before) != CK_VERIFY_ISSUER_UNKNOWN)
    g_assert_cmpint (ck_verification_get_status (before), ==,
                     ck_verification_get_status (after));
  else
    assert_status (after, CK_VERIFY_TRUSTED);

  status = run_certtool_chain (path, purpose, at, &output);
  kinds = certtool_kinds (output);
  certtool_ok = status == 0;
  ours = ck_verify_status_to_string (ck_verification_get_status (after));
  ours_ok = ck_verification_get_status (after) == CK_VERIFY_TRUSTED;
  kind_ok = ours_ok || g_hash_table_size (kinds) == 0 || g_hash_table_contains (kinds, ours);

  tally->cases++;
  if (certtool_ok == ours_ok && kind_ok)
    tally->agree++;
  else
    g_string_append_printf (tally->disagreements, "%s for %s%s%s: ours %s, certtool exit %d: %s\n",
                            rel, purpose, at ? " at " : "", at ? at : "", ours, status,
                            strstr (output, "Chain verification output:"));
  fixture_tear_down (&f, NULL);
}

static void
test_certtool_differential (void)
{
  Tally now = { 0, 0, g_string_new (NULL) };
  Tally then = { 0, 0, g_string_new (NULL) };
  g_autofree char *faketime = g_find_program_in_path ("faketime");

  if (g_getenv ("CK_CERTTOOL") == NULL)
    {
      g_test_skip ("certtool not available");
      return;
    }

  for (guint i = 0; i < G_N_ELEMENTS (corpus_chains); i++)
    for (guint p = 0; p < G_N_ELEMENTS (purposes); p++)
      {
        compare_chain (corpus_chains[i], purposes[p], 0, &now);

        /* And at a time inside every certificate's validity (the corpus
         * chains have mostly expired), so the checks GnuTLS skips on an
         * expired certificate are compared too. */
        if (faketime != NULL)
          {
            g_autofree char *path = ck_test_corpus_path (corpus_chains[i]);
            g_autofree char *pem = ck_test_read_text (path, NULL);
            const char *p_pem = pem;
            gint64 from = G_MININT64, until = G_MAXINT64;

            while ((p_pem = strstr (p_pem, "-----BEGIN CERTIFICATE-----")) != NULL)
              {
                g_autoptr (CkCertificate) cert = ck_certificate_new_from_pem (p_pem, -1, NULL);

                if (cert != NULL)
                  {
                    from = MAX (from, ck_certificate_get_not_before (cert));
                    until = MIN (until, ck_certificate_get_not_after (cert));
                  }
                p_pem++;
              }
            /* Days inside the window, and never a year GnuTLS or
             * faketime cannot represent. */
            if (from < until && until - from > 2 * 86400 && from > 0)
              compare_chain (corpus_chains[i], purposes[p],
                             MIN (from + 86400, (gint64) 4000000000), &then);
          }
      }

  g_test_message ("certtool agreement now: %u of %u cases agree", now.agree, now.cases);
  g_test_message ("certtool agreement inside validity (faketime): %u of %u cases agree",
                  then.agree, then.cases);
  if (now.disagreements->len > 0)
    g_test_message ("disagreements now:\n%s", now.disagreements->str);
  if (then.disagreements->len > 0)
    g_test_message ("disagreements inside validity:\n%s", then.disagreements->str);
  g_assert_cmpuint (now.cases, ==, G_N_ELEMENTS (corpus_chains) * G_N_ELEMENTS (purposes));
  g_assert_cmpuint (now.agree, ==, now.cases);
  g_assert_cmpuint (then.agree, ==, then.cases);
  g_string_free (now.disagreements, TRUE);
  g_string_free (then.disagreements, TRUE);
}

/* alt-chain.pem verifies with the new CA and not with the old one
 * (certtool --verify --load-ca-certificate, as alt-chain.sh does). */
static void
test_alt_chain (Fixture       *f,
                gconstpointer  data)
{
  g_autofree char *chain_path = ck_test_corpus_path ("data/alt-chain.pem");
  g_autofree char *new_path = ck_test_corpus_path ("data/alt-chain-new-ca.pem");
  g_autofree char *old_path = ck_test_corpus_path ("data/alt-chain-old-ca.pem");
  g_autoptr (GArray) chain = import_file (f->store, chain_path);
  g_autoptr (GArray) new_ca = import_file (f->store, new_path);
  g_autoptr (GArray) old_ca = import_file (f->store, old_path);
  g_autoptr (CkCertificate) leaf = NULL;
  g_autofree char *faketime = g_find_program_in_path ("faketime");
  gint64 leaf_id = g_array_index (chain, gint64, 0);

  leaf = ck_store_load_certificate (f->store, leaf_id, NULL);
  /* Inside the leaf's validity: the corpus certificates have expired. */
  ck_verifier_set_time (f->verifier, ck_certificate_get_not_before (leaf) + 86400);

  set_trust (f, g_array_index (old_ca, gint64, 0), CK_PURPOSE_TLS_SERVER, CK_TRUST_TRUSTED);
  {
    g_autoptr (CkVerification) v = verify (f, leaf_id, CK_PURPOSE_TLS_SERVER);
    g_assert_cmpint (ck_verification_get_status (v), !=, CK_VERIFY_TRUSTED);
  }
  /* certtool --verify --load-ca-certificate agrees, at the same time. */
  if (g_getenv ("CK_CERTTOOL") != NULL && faketime != NULL)
    {
      g_autofree char *at = format_faketime (ck_certificate_get_not_before (leaf) + 86400);
      const char *with_old[] = { "--verify", "--load-ca-certificate", old_path,
                                 "--infile", chain_path, NULL };
      const char *with_new[] = { "--verify", "--load-ca-certificate", new_path,
                                 "--infile", chain_path, NULL };
      g_autofree char *out_old = NULL, *out_new = NULL;

      g_assert_cmpint (run_certtool_at (at, with_old, &out_old), ==, 1);
      g_assert_cmpint (run_certtool_at (at, with_new, &out_new), ==, 0);
    }
  else
    g_test_message ("certtool or faketime missing: not compared with certtool --verify");
  set_trust (f, g_array_index (new_ca, gint64, 0), CK_PURPOSE_TLS_SERVER, CK_TRUST_TRUSTED);
  {
    g_autoptr (CkVerification) v = verify (f, leaf_id, CK_PURPOSE_TLS_SERVER);
    g_autoptr (CkCertificate) ca = ck_store_load_certificate (f->store,
                                                              g_array_index (new_ca, gint64, 0),
                                                              NULL);
    const char * const *c = ck_verification_get_chain (v);

    assert_status (v, CK_VERIFY_TRUSTED);
    g_assert_cmpstr (c[g_strv_length ((char **) c) - 1], ==,
                     ck_certificate_get_sha256_fingerprint (ca));
  }
}

static void
test_system_anchors (Fixture       *f,
                     gconstpointer  data)
{
  const char *bundle = "/etc/ssl/certs/ca-certificates.crt";
  g_autofree char *text = NULL;
  g_autofree char *first = NULL;
  const char *begin, *end;
  g_autoptr (GArray) ids = NULL;

  if (!g_file_test (bundle, G_FILE_TEST_EXISTS))
    {
      g_test_skip ("no system CA bundle");
      return;
    }
  text = ck_test_read_text (bundle, NULL);
  begin = strstr (text, "-----BEGIN CERTIFICATE-----");
  end = begin ? strstr (begin, "-----END CERTIFICATE-----") : NULL;
  g_assert_nonnull (end);
  first = g_strndup (begin, end - begin + strlen ("-----END CERTIFICATE-----\n"));
  ids = import_text (f->store, first);

  {
    g_autoptr (CkVerification) v = verify (f, g_array_index (ids, gint64, 0),
                                           CK_PURPOSE_TLS_SERVER);
    /* Off by default: a system root in the store is just a root. */
    assert_status (v, CK_VERIFY_NOT_TRUSTED);
  }
  ck_verifier_set_use_system_anchors (f->verifier, TRUE);
  {
    g_autoptr (CkVerification) v = verify (f, g_array_index (ids, gint64, 0),
                                           CK_PURPOSE_TLS_SERVER);
    assert_status (v, CK_VERIFY_TRUSTED);
    g_assert_cmpstr (ck_verification_get_anchor_source (v), ==, "system");
    g_assert_nonnull (strstr (ck_verification_get_reason (v), "system"));
  }
  /* And an explicit distrust still wins over the system. */
  set_trust (f, g_array_index (ids, gint64, 0), CK_PURPOSE_TLS_SERVER, CK_TRUST_DISTRUSTED);
  {
    g_autoptr (CkVerification) v = verify (f, g_array_index (ids, gint64, 0),
                                           CK_PURPOSE_TLS_SERVER);
    assert_status (v, CK_VERIFY_DISTRUSTED);
  }
}

/* The dotted OID of a SEQUENCE holding exactly one. */
static char *
only_oid (const CkDerTlv *seq)
{
  const guint8 *q = seq->data;
  CkDerTlv oid = { 0 };

  g_assert_true (ck_der_read (&q, seq->data + seq->len, &oid));
  g_assert_cmpint (oid.tag, ==, 0x06);
  g_assert_true (q == seq->data + seq->len);
  return ck_der_oid_to_string (oid.data, oid.len);
}

/* The OpenSSL export carries DER we write ourselves: parse it back. */
static void
test_export_openssl_der (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr (CkTestCa) ca = ck_test_ca_new ("Export CA");
  g_autofree char *pem = ck_test_ca_get_pem (ca);
  g_autoptr (GArray) ids = import_text (f->store, pem);
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) out = NULL;
  g_autoptr (GBytes) block = NULL;
  g_autoptr (CkCertificate) cert = ck_store_load_certificate (f->store,
                                                              g_array_index (ids, gint64, 0),
                                                              NULL);
  GBytes *der = ck_certificate_get_der (cert);
  const guint8 *p, *end;
  gsize cert_len = g_bytes_get_size (der);
  CkDerTlv aux = { 0 }, tlv = { 0 };
  g_autofree char *oid1 = NULL, *oid2 = NULL, *oid3 = NULL;

  set_trust (f, g_array_index (ids, gint64, 0), CK_PURPOSE_TLS_SERVER, CK_TRUST_TRUSTED);
  set_trust (f, g_array_index (ids, gint64, 0), "1.3.6.1.4.1.311.10.3.4", CK_TRUST_DISTRUSTED);
  out = ck_trust_export (f->trust, CK_TRUST_EXPORT_OPENSSL, &error);
  g_assert_no_error (error);
  block = ck_test_pem_block (out, "TRUSTED CERTIFICATE");
  g_assert_nonnull (block);

  p = g_bytes_get_data (block, NULL);
  end = p + g_bytes_get_size (block);
  g_assert_cmpmem (p, cert_len, g_bytes_get_data (der, NULL), cert_len);
  p += cert_len;
  g_assert_true (ck_der_read (&p, end, &aux));
  g_assert_cmpint (aux.tag, ==, 0x30);
  g_assert_true (p == end);

  p = aux.data;
  end = aux.data + aux.len;
  g_assert_true (ck_der_read (&p, end, &tlv));   /* trust */
  g_assert_cmpint (tlv.tag, ==, 0x30);
  oid1 = only_oid (&tlv);
  g_assert_cmpstr (oid1, ==, CK_PURPOSE_TLS_SERVER);
  g_assert_true (ck_der_read (&p, end, &tlv));   /* [0] reject */
  g_assert_cmpint (tlv.tag, ==, 0xa0);
  oid2 = only_oid (&tlv);
  g_assert_cmpstr (oid2, ==, "1.3.6.1.4.1.311.10.3.4");
  g_assert_true (ck_der_read (&p, end, &tlv));   /* alias */
  g_assert_cmpint (tlv.tag, ==, 0x0c);
  g_assert_cmpmem (tlv.data, tlv.len, "Export CA", strlen ("Export CA"));
  g_assert_true (p == end);

  /* Distrust for everything: anyExtendedKeyUsage rejected, nothing trusted. */
  set_trust (f, g_array_index (ids, gint64, 0), "1.3.6.1.4.1.311.10.3.4", CK_TRUST_DEFAULT);
  set_trust (f, g_array_index (ids, gint64, 0), CK_PURPOSE_ALL, CK_TRUST_DISTRUSTED);
  g_clear_pointer (&out, g_bytes_unref);
  g_clear_pointer (&block, g_bytes_unref);
  out = ck_trust_export (f->trust, CK_TRUST_EXPORT_OPENSSL, &error);
  g_assert_no_error (error);
  block = ck_test_pem_block (out, "TRUSTED CERTIFICATE");
  p = (const guint8 *) g_bytes_get_data (block, NULL) + cert_len;
  end = (const guint8 *) g_bytes_get_data (block, NULL) + g_bytes_get_size (block);
  g_assert_true (ck_der_read (&p, end, &aux));
  p = aux.data;
  g_assert_true (ck_der_read (&p, aux.data + aux.len, &tlv));
  g_assert_cmpint (tlv.tag, ==, 0xa0);
  oid3 = only_oid (&tlv);
  g_assert_cmpstr (oid3, ==, "2.5.29.37.0");

  /* And the anchors bundle leaves a certificate with any "no" out. */
  {
    g_autoptr (GBytes) anchors = ck_trust_export (f->trust, CK_TRUST_EXPORT_PEM_BUNDLE, &error);

    g_assert_no_error (error);
    g_assert_cmpuint (g_bytes_get_size (anchors), ==, 0);
  }
}

/* A distrust is for the key: deleting the certificate it was made on
 * (the re-issued root) leaves the root, which has the same key, and
 * everything below it distrusted, for as long as a certificate with the
 * key is in the store. */
static void
test_distrust_for_key_survives_delete (Fixture       *f,
                                       gconstpointer  data)
{
  g_autoptr (Tool) tool = tool_new ();
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) kept = NULL;
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (CkDeletion) deletion = NULL;
  g_autofree char *spki = NULL;
  g_autofree char *again_sha256 = NULL;
  gint64 ids[4];

  if (tool == NULL)
    {
      g_test_skip ("certtool not available");
      return;
    }
  make_three_level_chain (f, tool, ids);
  set_trust (f, ids[0], CK_PURPOSE_TLS_SERVER, CK_TRUST_TRUSTED);
  set_trust (f, ids[3], CK_PURPOSE_ALL, CK_TRUST_DISTRUSTED);
  set_trust (f, ids[3], CK_PURPOSE_EMAIL, CK_TRUST_TRUSTED);
  spki = g_strdup (ck_stored_certificate_get_spki_sha256 (ck_store_get_certificate_row (f->store, ids[3])));
  again_sha256 = g_strdup (ck_stored_certificate_get_sha256 (ck_store_get_certificate_row (f->store, ids[3])));

  /* What the confirmation says before: the distrust stays; the root has
   * no distrust of its own to keep. */
  kept = ck_trust_list_kept_on_delete (f->trust, ids[3], &error);
  g_assert_no_error (error);
  g_assert_cmpuint (kept->len, ==, 1);
  g_assert_cmpstr (((CkTrustSetting *) kept->pdata[0])->purpose, ==, CK_PURPOSE_ALL);
  g_clear_pointer (&kept, g_ptr_array_unref);
  kept = ck_trust_list_kept_on_delete (f->trust, ids[0], &error);
  g_assert_no_error (error);
  g_assert_cmpuint (kept->len, ==, 0);

  deletion = ck_store_delete_for_undo (f->store, ids[3], &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ck_deletion_get_n_decisions (deletion), ==, 2);
  g_assert_cmpstr (ck_deletion_get_kept_distrusts (deletion)[0], ==, CK_PURPOSE_ALL);
  g_assert_null (ck_deletion_get_kept_distrusts (deletion)[1]);
  {
    g_autoptr (CkVerification) leaf = verify (f, ids[2], CK_PURPOSE_TLS_SERVER);
    g_autoptr (CkVerification) root = verify (f, ids[0], CK_PURPOSE_TLS_SERVER);

    assert_status (leaf, CK_VERIFY_DISTRUSTED);
    assert_status (root, CK_VERIFY_DISTRUSTED);
    g_assert_nonnull (strstr (ck_verification_get_reason (root), "same key"));
  }
  /* Listed for the key (certificate 0), made on the deleted certificate;
   * its trust for email went with it. */
  list = ck_trust_list (f->trust, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  g_assert_cmpint (((CkTrustSetting *) list->pdata[0])->certificate_id, ==, 0);
  g_assert_cmpstr (((CkTrustSetting *) list->pdata[0])->sha256, ==, again_sha256);
  g_assert_cmpstr (((CkTrustSetting *) list->pdata[0])->spki_sha256, ==, spki);
  g_assert_cmpint (((CkTrustSetting *) list->pdata[0])->level, ==, CK_TRUST_DISTRUSTED);
  g_assert_true (ck_trust_is_distrusted (f->trust, "none", spki, CK_PURPOSE_CODE_SIGNING, NULL,
                                         &error));
  g_assert_no_error (error);

  /* "Default" on a certificate with the key lifts it (nothing else can,
   * its certificate is gone)... */
  set_trust (f, ids[0], CK_PURPOSE_ALL, CK_TRUST_DEFAULT);
  {
    g_autoptr (CkVerification) leaf = verify (f, ids[2], CK_PURPOSE_TLS_SERVER);

    assert_status (leaf, CK_VERIFY_TRUSTED);
  }
  /* ...and Undo brings the deleted certificate back with its decisions. */
  g_assert_true (ck_store_restore (f->store, deletion, &error));
  g_assert_no_error (error);
  {
    g_autoptr (CkVerification) leaf = verify (f, ids[2], CK_PURPOSE_TLS_SERVER);

    assert_status (leaf, CK_VERIFY_DISTRUSTED);
  }

  /* Gone with the last certificate with the key (no key stored). */
  g_clear_object (&deletion);
  g_assert_true (ck_store_delete (f->store, ids[3], &error));
  g_assert_true (ck_store_delete (f->store, ids[0], &error));
  g_assert_no_error (error);
  g_clear_pointer (&list, g_ptr_array_unref);
  list = ck_trust_list (f->trust, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 0);
}

/* Opening the trust of a store that needs no migration writes nothing:
 * while another process (a long import) holds the write lock, a CLI
 * command or a new window gets its trust at once instead of waiting for
 * the lock, or failing with "database is locked". */
static void
test_new_takes_no_write_lock (Fixture       *f,
                              gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CkTrust) again = NULL;
  g_autoptr (GPtrArray) list = NULL;
  sqlite3 *other = NULL;

  g_assert_cmpint (sqlite3_open (ck_store_get_path (f->store), &other), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (other, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);

  again = ck_trust_new (f->store, &error);
  g_assert_no_error (error);
  g_assert_nonnull (again);
  list = ck_trust_list (again, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 0);

  g_assert_cmpint (sqlite3_exec (other, "ROLLBACK", NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (other);
}

/* Runs @sql on the store's own connection (as another program damaging
 * store.db would). */
static void
damage_store (CkStore    *store,
              const char *sql)
{
  char *message = NULL;

  ck_store_lock (store);
  g_assert_cmpint (sqlite3_exec (ck_store_get_db (store), sql, NULL, NULL, &message), ==,
                   SQLITE_OK);
  ck_store_unlock (store);
  g_assert_null (message);
}

/* What a fresh reader (a new window, the CLI) concludes: @expected, and
 * for CANNOT_VERIFY the reason says so. */
static void
assert_fresh_verdict (Fixture        *f,
                      gint64          id,
                      CkVerifyStatus  expected)
{
  g_autoptr (CkVerifier) verifier = ck_verifier_new (f->trust);
  g_autoptr (GError) error = NULL;
  g_autoptr (CkVerification) v = ck_verifier_verify_id (verifier, id, CK_PURPOSE_EMAIL, &error);

  g_assert_no_error (error);
  g_test_message ("fresh verify: %s", ck_verification_get_reason (v));
  assert_status (v, expected);
  if (expected == CK_VERIFY_CANNOT_VERIFY)
    g_assert_nonnull (strstr (ck_verification_get_reason (v), "Cannot verify"));
}

/* Decisions that cannot be read are an error, never "no decision": a
 * distrust that cannot be read must not let the certificate pass. */
static void
test_unreadable_fails_closed (Fixture       *f,
                              gconstpointer  data)
{
  g_autofree char *path = ck_test_corpus_path ("email-certs/chain.test.example.com");
  g_autoptr (GArray) ids = import_file (f->store, path);
  gint64 leaf = g_array_index (ids, gint64, 0), root = g_array_index (ids, gint64, 1);
  const char *leaf_sha256 = ck_stored_certificate_get_sha256 (ck_store_get_certificate_row (f->store, leaf));
  const char *leaf_spki = ck_stored_certificate_get_spki_sha256 (ck_store_get_certificate_row (f->store, leaf));
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) list = NULL;
  CkTrustSetting *setting = NULL;

  set_trust (f, root, CK_PURPOSE_EMAIL, CK_TRUST_TRUSTED);
  set_trust (f, leaf, CK_PURPOSE_EMAIL, CK_TRUST_DISTRUSTED);
  assert_fresh_verdict (f, leaf, CK_VERIFY_DISTRUSTED);

  /* One row no longer says what it decides (written behind the CHECK):
   * read as "default", the leaf would come out trusted through its root. */
  damage_store (f->store, "PRAGMA ignore_check_constraints = ON;"
                "UPDATE trust SET level = 'distrusted-maybe' WHERE purpose = '"
                CK_PURPOSE_EMAIL "' AND level = 'distrusted';"
                "PRAGMA ignore_check_constraints = OFF;");
  assert_fresh_verdict (f, leaf, CK_VERIFY_CANNOT_VERIFY);
  list = ck_trust_list (f->trust, NULL, &error);
  g_assert_error (error, CK_ERROR, CK_ERROR_STORE);
  g_assert_null (list);
  g_clear_error (&error);
  g_assert_false (ck_trust_is_distrusted (f->trust, leaf_sha256, leaf_spki, CK_PURPOSE_EMAIL,
                                          &setting, &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_STORE);
  g_assert_null (setting);
  g_clear_error (&error);
  g_assert_cmpint (ck_trust_get (f->trust, leaf_sha256, CK_PURPOSE_EMAIL, &error), ==,
                   CK_TRUST_DEFAULT);
  g_assert_error (error, CK_ERROR, CK_ERROR_STORE);
  g_clear_error (&error);
  damage_store (f->store, "PRAGMA ignore_check_constraints = ON;"
                "UPDATE trust SET level = 'distrusted' WHERE level = 'distrusted-maybe';"
                "PRAGMA ignore_check_constraints = OFF;");
  assert_fresh_verdict (f, leaf, CK_VERIFY_DISTRUSTED);

  /* The table gone (renamed), then a column of it. */
  damage_store (f->store, "ALTER TABLE trust RENAME TO trust_elsewhere");
  assert_fresh_verdict (f, leaf, CK_VERIFY_CANNOT_VERIFY);
  assert_fresh_verdict (f, root, CK_VERIFY_CANNOT_VERIFY);
  g_assert_null (ck_trust_list (f->trust, NULL, &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_STORE);
  g_assert_nonnull (strstr (error->message, "trust"));
  g_clear_error (&error);
  damage_store (f->store, "ALTER TABLE trust_elsewhere RENAME TO trust;"
                "ALTER TABLE trust RENAME COLUMN level TO level_elsewhere");
  assert_fresh_verdict (f, leaf, CK_VERIFY_CANNOT_VERIFY);
  damage_store (f->store, "ALTER TABLE trust RENAME COLUMN level_elsewhere TO level");

  /* The same verifier recovers once the store is readable again: a
   * cannot-verify verdict is not cached. */
  {
    g_autoptr (CkVerification) v = NULL;

    damage_store (f->store, "ALTER TABLE trust RENAME TO trust_elsewhere");
    g_signal_emit_by_name (f->trust, "changed");
    v = verify (f, leaf, CK_PURPOSE_EMAIL);
    assert_status (v, CK_VERIFY_CANNOT_VERIFY);
    g_clear_object (&v);
    damage_store (f->store, "ALTER TABLE trust_elsewhere RENAME TO trust");
    v = verify (f, leaf, CK_PURPOSE_EMAIL);
    assert_status (v, CK_VERIFY_DISTRUSTED);
  }

  /* The issuers cannot be looked up: not "issuer unknown" but cannot
   * verify (the missing issuer may be distrusted). */
  damage_store (f->store, "DROP INDEX certificates_subject;"
                "ALTER TABLE certificates RENAME COLUMN subject TO subject_elsewhere");
  {
    g_autoptr (CkVerifier) verifier = ck_verifier_new (f->trust);
    g_autoptr (CkCertificate) cert = ck_store_load_certificate (f->store, leaf, &error);
    g_autoptr (CkVerification) v = NULL;

    g_assert_no_error (error);
    v = ck_verifier_verify (verifier, cert, CK_PURPOSE_EMAIL, &error);
    g_assert_no_error (error);
    assert_status (v, CK_VERIFY_CANNOT_VERIFY);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  ck_core_init ();

  g_test_add_func ("/trust/purposes", test_purposes);
#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/trust/set-and-cascade", test_set_and_cascade);
  ADD ("/trust/cascade-is-transactional", test_cascade_is_transactional);
  ADD ("/trust/changed-signal", test_changed_signal);
  ADD ("/trust/import-never-touches-trust", test_import_never_touches_trust);
  ADD ("/trust/verify/email-not-tls", test_email_not_tls);
  ADD ("/trust/verify/issuer-unknown", test_issuer_unknown);
  ADD ("/trust/verify/distrust-intermediate-and-key", test_distrust_intermediate_and_key);
  ADD ("/trust/verify/time", test_time);
  ADD ("/trust/verify/issuer-loop", test_issuer_loop);
  ADD ("/trust/verify/alt-chain", test_alt_chain);
  ADD ("/trust/verify/system-anchors", test_system_anchors);
  ADD ("/trust/export/openssl-der", test_export_openssl_der);
  ADD ("/trust/unreadable-fails-closed", test_unreadable_fails_closed);
  ADD ("/trust/distrust-for-key-survives-delete", test_distrust_for_key_survives_delete);
  ADD ("/trust/new-takes-no-write-lock", test_new_takes_no_write_lock);
#undef ADD
  g_test_add_func ("/trust/verify/certtool-differential", test_certtool_differential);

  return g_test_run ();
}
