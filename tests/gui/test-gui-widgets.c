/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Widget tests of the application under Xvfb: the certificate list's
 * search and sorting over a real temporary store, the expiry texts, the
 * details pane against openssl, the import dialog's plan, and the export
 * helpers (chain walk, PKCS#12 read back by openssl). */

#include <glib/gstdio.h>

#include "ck-certificate-list.h"
#include "ck-details-pane.h"
#include "ck-expiry.h"
#include "ck-import-dialog.h"
#include "ck-key-list.h"
#include "ck-resources.h"
#include "ck-test-certs.h"
#include "ck-test-tools.h"

#define DAY (G_GINT64_CONSTANT (24) * 60 * 60)

typedef struct
{
  char    *dir;
  CkStore *store;
} Fixture;

static void
spin_until (gboolean (*done) (gpointer), gpointer data)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;

  while (!done (data))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
}

static gboolean
list_idle (gpointer data)
{
  return !ck_certificate_list_is_busy (data);
}

static void
commit_pem (CkStore    *store,
            const char *pem,
            const char *name)
{
  g_autoptr(CkImporter) importer = ck_importer_new (store);
  g_autoptr(GBytes) bytes = g_bytes_new (pem, strlen (pem));
  g_autoptr(GError) error = NULL;
  CkCommitSummary summary = { 0 };

  ck_importer_add_bytes (importer, bytes, name);
  g_assert_true (ck_store_commit (store, ck_importer_get_plan (importer), "test passphrase",
                                  CK_COMMIT_NONE, NULL, NULL, &summary, &error));
  g_assert_no_error (error);
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("ck-gui-test-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->store = ck_store_open (fixture->dir, &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_object (&fixture->store);
  ck_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
}

/* A CA, 30 leaves named "host <i>" and one with its key. */
static void
populate (Fixture *fixture)
{
  g_autoptr(CkTestCa) ca = ck_test_ca_new ("Widget Test CA");
  gnutls_x509_privkey_t key = ck_test_key_new ();
  gnutls_x509_privkey_t own = ck_test_key_new ();
  g_autoptr(GString) pem = g_string_new (NULL);
  g_autofree char *ca_pem = ck_test_ca_get_pem (ca);
  g_autofree char *leaf = ck_test_ca_issue (ca, own, "with key.example", 9000);
  g_autofree char *own_pem = ck_test_key_to_pem (own);

  g_string_append (pem, ca_pem);
  ck_test_ca_issue_many (ca, key, "host", 100, 30, pem);
  g_string_append (pem, leaf);
  g_string_append (pem, own_pem);
  commit_pem (fixture->store, pem->str, "fixture.pem");

  gnutls_x509_privkey_deinit (key);
  gnutls_x509_privkey_deinit (own);
}

static CkCertificateList *
new_list (Fixture *fixture)
{
  CkCertificateList *list = g_object_ref_sink (g_object_new (CK_TYPE_CERTIFICATE_LIST, NULL));

  ck_certificate_list_set_store (list, fixture->store);
  spin_until (list_idle, list);
  return list;
}

static void
test_list_search (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(CkCertificateList) list = NULL;
  GListModel *model;
  g_autoptr(CkStoredCertificate) some = NULL;
  g_autofree char *colons = NULL;

  populate (fixture);
  list = new_list (fixture);
  model = ck_certificate_list_get_model (list);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 32);

  /* Names, case-insensitively. */
  ck_certificate_list_set_search (list, "HOST 1");
  spin_until (list_idle, list);
  /* host 1, host 10 … host 19 */
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 11);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(CkStoredCertificate) row = g_list_model_get_item (model, i);

      g_assert_true (g_str_has_prefix (ck_stored_certificate_get_display_name (row), "host 1"));
    }

  /* Typing more narrows; deleting widens again. */
  ck_certificate_list_set_search (list, "host 12");
  spin_until (list_idle, list);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  ck_certificate_list_set_search (list, "");
  spin_until (list_idle, list);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 32);

  /* A fingerprint as people copy it: upper case with colons. */
  some = g_list_model_get_item (model, 7);
  colons = ck_hex_format_colons (ck_stored_certificate_get_sha256 (some));
  ck_certificate_list_set_search (list, colons);
  spin_until (list_idle, list);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  {
    g_autoptr(CkStoredCertificate) found = g_list_model_get_item (model, 0);

    g_assert_cmpstr (ck_stored_certificate_get_sha256 (found), ==,
                     ck_stored_certificate_get_sha256 (some));
  }

  /* Issuer. */
  ck_certificate_list_set_search (list, "widget test ca");
  spin_until (list_idle, list);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 32);

  ck_certificate_list_set_search (list, "no such thing anywhere");
  spin_until (list_idle, list);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);
}

static void
assert_sorted (GListModel *model,
               const char *column,
               gboolean    descending)
{
  for (guint i = 1; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(CkStoredCertificate) a = g_list_model_get_item (model, i - 1);
      g_autoptr(CkStoredCertificate) b = g_list_model_get_item (model, i);
      int cmp;

      if (g_str_equal (column, "expires"))
        cmp = (ck_stored_certificate_get_not_after (a) > ck_stored_certificate_get_not_after (b))
              - (ck_stored_certificate_get_not_after (a) < ck_stored_certificate_get_not_after (b));
      else
        {
          g_autofree char *x = g_utf8_casefold (ck_stored_certificate_get_display_name (a), -1);
          g_autofree char *y = g_utf8_casefold (ck_stored_certificate_get_display_name (b), -1);

          cmp = g_utf8_collate (x, y);
        }
      if (descending)
        g_assert_cmpint (cmp, >=, 0);
      else
        g_assert_cmpint (cmp, <=, 0);
    }
}

static void
test_list_sort (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(CkCertificateList) list = NULL;
  GListModel *model;
  g_autoptr(CkTestCa) ca = ck_test_ca_new ("Sort CA");
  gnutls_x509_privkey_t key = ck_test_key_new ();
  g_autoptr(GString) pem = g_string_new (NULL);

  populate (fixture);
  ck_test_ca_issue_many (ca, key, "zz sorted", 500, 5, pem);
  commit_pem (fixture->store, pem->str, "more.pem");
  gnutls_x509_privkey_deinit (key);

  list = new_list (fixture);
  model = ck_certificate_list_get_model (list);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 37);

  /* Name ascending is the default. */
  assert_sorted (model, "name", FALSE);
  ck_certificate_list_sort_by (list, "name", GTK_SORT_DESCENDING);
  spin_until (list_idle, list);
  assert_sorted (model, "name", TRUE);
  ck_certificate_list_sort_by (list, "expires", GTK_SORT_ASCENDING);
  spin_until (list_idle, list);
  assert_sorted (model, "expires", FALSE);
  ck_certificate_list_sort_by (list, "expires", GTK_SORT_DESCENDING);
  spin_until (list_idle, list);
  assert_sorted (model, "expires", TRUE);

  /* The other columns sort without losing rows. */
  ck_certificate_list_sort_by (list, "issuer", GTK_SORT_ASCENDING);
  spin_until (list_idle, list);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 37);
  {
    g_autoptr(CkStoredCertificate) first = g_list_model_get_item (model, 0);

    /* "Sort CA" < "Widget Test CA" */
    g_assert_cmpstr (ck_stored_certificate_get_issuer_name (first), ==, "Sort CA");
  }
  ck_certificate_list_sort_by (list, "trust", GTK_SORT_ASCENDING);
  spin_until (list_idle, list);
  assert_sorted (model, "name", FALSE);
  ck_certificate_list_sort_by (list, "source", GTK_SORT_DESCENDING);
  spin_until (list_idle, list);
  {
    g_autoptr(CkStoredCertificate) first = g_list_model_get_item (model, 0);

    g_assert_cmpstr (ck_stored_certificate_get_source (first), ==, "more.pem");
  }
}

static void
test_expiry_text (void)
{
  gint64 now = 1700000000;

  g_assert_cmpint (ck_expiry_get_state (now - DAY, now + 12 * DAY, now, 30), ==, CK_EXPIRY_SOON);
  g_assert_cmpint (ck_expiry_get_state (now - DAY, now + 31 * DAY, now, 30), ==, CK_EXPIRY_VALID);
  g_assert_cmpint (ck_expiry_get_state (now - DAY, now + 31 * DAY, now, 60), ==, CK_EXPIRY_SOON);
  g_assert_cmpint (ck_expiry_get_state (now - 9 * DAY, now - 3 * DAY, now, 30), ==, CK_EXPIRY_EXPIRED);
  g_assert_cmpint (ck_expiry_get_state (now + DAY, now + 90 * DAY, now, 30), ==, CK_EXPIRY_NOT_YET_VALID);

  /* Problems have words and an icon, never colour alone. */
  g_assert_nonnull (ck_expiry_state_icon (CK_EXPIRY_EXPIRED));
  g_assert_nonnull (ck_expiry_state_icon (CK_EXPIRY_SOON));
  g_assert_cmpstr (ck_expiry_state_label (CK_EXPIRY_EXPIRED), ==, "Expired");
  g_assert_cmpstr (ck_expiry_state_label (CK_EXPIRY_SOON), ==, "Expires soon");
  g_assert_null (ck_expiry_state_icon (CK_EXPIRY_VALID));

#define ASSERT_RELATIVE(delta, text) \
  G_STMT_START { \
    g_autofree char *s = ck_expiry_format_relative (now + (delta), now); \
    g_assert_cmpstr (s, ==, text); \
  } G_STMT_END

  ASSERT_RELATIVE (12 * DAY + 3600, "in 12 days");
  ASSERT_RELATIVE (DAY, "in 1 day");
  ASSERT_RELATIVE (3600, "expires today");
  ASSERT_RELATIVE (-3600, "expired today");
  ASSERT_RELATIVE (-3 * DAY - 60, "expired 3 days ago");
  ASSERT_RELATIVE (-DAY, "expired 1 day ago");
  ASSERT_RELATIVE (90 * DAY, "in 3 months");
  ASSERT_RELATIVE (800 * DAY, "in 2 years");
  ASSERT_RELATIVE (-400 * DAY, "expired 13 months ago");
#undef ASSERT_RELATIVE

  {
    /* 2023-11-14 22:13:20 UTC */
    g_autofree char *cell = ck_expiry_format_cell (now, now - 12 * DAY - 60);

    g_assert_cmpstr (cell, ==, "14 Nov 2023 · in 12 days");
  }
}

static char *
openssl_fingerprint (const char *pem_path)
{
  const char *openssl = g_getenv ("CK_OPENSSL");
  const char *argv[] = { openssl, "x509", "-in", pem_path, "-noout", "-fingerprint", "-sha256",
                         NULL };
  g_autofree char *out = NULL;
  char *eq;

  if (openssl == NULL)
    return NULL;
  out = ck_test_run_tool (argv);
  g_assert_nonnull (out);
  eq = strchr (g_strstrip (out), '=');
  g_assert_nonnull (eq);
  return g_ascii_strup (eq + 1, -1);
}

static void
test_details_fingerprint (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(CkTestCa) ca = ck_test_ca_new ("Details CA");
  gnutls_x509_privkey_t key = ck_test_key_new ();
  g_autofree char *leaf = ck_test_ca_issue (ca, key, "details.example", 42);
  g_autofree char *path = g_build_filename (fixture->dir, "leaf.pem", NULL);
  g_autofree char *expected = NULL;
  g_autoptr(CkDetailsPane) pane = g_object_ref_sink (g_object_new (CK_TYPE_DETAILS_PANE, NULL));
  g_autoptr(CkCertificate) cert = NULL;
  g_autoptr(GError) error = NULL;
  CkStoredCertificate *row;
  gint64 id;

  gnutls_x509_privkey_deinit (key);
  g_assert_true (g_file_set_contents (path, leaf, -1, NULL));
  commit_pem (fixture->store, leaf, "leaf.pem");

  cert = ck_certificate_new_from_pem (leaf, -1, &error);
  g_assert_no_error (error);
  id = ck_store_find_certificate (fixture->store, ck_certificate_get_sha256_fingerprint (cert));
  g_assert_cmpint (id, >, 0);
  row = ck_store_get_certificate_row (fixture->store, id);
  g_assert_nonnull (row);

  ck_details_pane_show_certificate (pane, fixture->store, row, cert);

  expected = openssl_fingerprint (path);
  if (expected == NULL)
    expected = ck_hex_format_colons (ck_certificate_get_sha256_fingerprint (cert));
  g_assert_cmpstr (ck_details_pane_lookup (pane, "SHA-256 fingerprint"), ==, expected);

  /* Names under their proper names, SANs, trust. */
  g_assert_cmpstr (ck_details_pane_lookup (pane, "Common Name"), ==, "details.example");
  g_assert_cmpstr (ck_details_pane_lookup (pane, "DNS name"), ==, "details.example");
  g_assert_cmpstr (ck_details_pane_lookup (pane, "Issued by"), ==, "Details CA");
  g_assert_true (g_str_has_prefix (ck_details_pane_lookup (pane, "Trust"), "Not trusted"));
  g_assert_cmpstr (ck_details_pane_lookup (pane, "Private key"), ==, "Not in the store");
  g_assert_true (g_str_has_prefix (ck_details_pane_lookup (pane, "Certificate in PEM format"),
                                   "-----BEGIN CERTIFICATE-----"));
  g_assert_nonnull (ck_details_pane_lookup (pane, "SHA-1 fingerprint"));
  g_assert_nonnull (ck_details_pane_lookup (pane, "Public key SHA-256"));
}

static gboolean
dialog_ready (gpointer data)
{
  /* Items arrive while the reader runs; pairing is final once it is done. */
  return !ck_import_dialog_is_reading (data);
}

static void
test_import_dialog_plan (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(CkTestCa) ca = ck_test_ca_new ("Import CA");
  gnutls_x509_privkey_t key = ck_test_key_new ();
  g_autofree char *leaf = ck_test_ca_issue (ca, key, "import.example", 7);
  g_autofree char *key_pem = ck_test_key_to_pem (key);
  g_autofree char *combined = g_strconcat (leaf, key_pem, "not a certificate\n", NULL);
  g_autoptr(GBytes) bytes = g_bytes_new (combined, strlen (combined));
  CkImportDialog *dialog = ck_import_dialog_new (NULL, fixture->store);
  CkImportPlan *plan;
  CkImportItem *cert_item = NULL;
  CkImportItem *key_item = NULL;

  gnutls_x509_privkey_deinit (key);
  g_assert_true (ck_import_dialog_add_bytes (dialog, bytes, "pasted text"));
  spin_until (dialog_ready, dialog);

  /* Nothing is written before the user presses Import. */
  g_assert_cmpuint (g_list_model_get_n_items (ck_store_get_certificates (fixture->store)), ==, 0);

  plan = ck_import_dialog_get_plan (dialog);
  for (guint i = 0; i < ck_import_plan_get_n_items (plan); i++)
    {
      CkImportItem *item = ck_import_plan_get_item (plan, i);

      if (ck_import_item_get_kind (item) == CK_IMPORT_ITEM_CERTIFICATE)
        cert_item = item;
      else if (ck_import_item_get_kind (item) == CK_IMPORT_ITEM_PRIVATE_KEY)
        key_item = item;
    }
  g_assert_nonnull (cert_item);
  g_assert_nonnull (key_item);
  g_assert_true (ck_import_item_get_partner (cert_item) == key_item);
  g_assert_cmpstr (ck_import_item_get_file (cert_item), ==, "pasted text");

  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
test_export_chain_and_pkcs12 (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(CkTestCa) ca = ck_test_ca_new ("Export Root");
  gnutls_x509_privkey_t key = ck_test_key_new ();
  g_autofree char *ca_pem = ck_test_ca_get_pem (ca);
  g_autofree char *leaf = ck_test_ca_issue (ca, key, "export.example", 77);
  g_autofree char *key_pem = ck_test_key_to_pem (key);
  g_autoptr(CkCertificate) cert = ck_certificate_new_from_pem (leaf, -1, NULL);
  g_autoptr(GPtrArray) chain = NULL;
  g_autoptr(GBytes) key_der = NULL;
  g_autoptr(CkPrivateKey) private_key = NULL;
  g_autoptr(GBytes) p12 = NULL;
  g_autoptr(GError) error = NULL;
  gboolean complete = FALSE;
  g_autofree char *chain_pem = NULL;
  const char *openssl = g_getenv ("CK_OPENSSL");

  commit_pem (fixture->store, leaf, "leaf.pem");

  /* Without its issuer the chain is the certificate alone. */
  chain = ck_export_collect_chain (fixture->store, cert, &complete);
  g_assert_cmpuint (chain->len, ==, 1);
  g_assert_false (complete);
  g_clear_pointer (&chain, g_ptr_array_unref);

  commit_pem (fixture->store, ca_pem, "ca.pem");
  chain = ck_export_collect_chain (fixture->store, cert, &complete);
  g_assert_cmpuint (chain->len, ==, 2);
  g_assert_true (complete);
  g_assert_cmpstr (ck_certificate_get_display_name (g_ptr_array_index (chain, 1)), ==,
                   "Export Root");
  chain_pem = ck_export_chain_to_pem (chain);
  g_assert_true (g_str_has_prefix (chain_pem, leaf));
  g_assert_true (g_str_has_suffix (chain_pem, ca_pem));

  key_der = ck_test_pem_block (g_bytes_new_static (key_pem, strlen (key_pem)), "PRIVATE KEY");
  private_key = ck_private_key_new_from_pkcs8 (key_der, NULL, &error);
  g_assert_no_error (error);
  p12 = ck_export_pkcs12 (cert, private_key, chain, "p12 password", "export.example", &error);
  g_assert_no_error (error);
  g_assert_nonnull (p12);

  /* openssl reads it back with the password (from a file, never argv). */
  if (openssl != NULL)
    {
      g_autofree char *p12_path = g_build_filename (fixture->dir, "out.p12", NULL);
      g_autofree char *pass_path = g_build_filename (fixture->dir, "pass.txt", NULL);
      g_autofree char *passin = g_strconcat ("file:", pass_path, NULL);
      const char *argv[] = { openssl, "pkcs12", "-in", p12_path, "-passin", passin,
                             "-nokeys", NULL };
      const char *argv_key[] = { openssl, "pkcs12", "-in", p12_path, "-passin", passin,
                                 "-nocerts", "-nodes", NULL };
      g_autofree char *certs = NULL;
      g_autofree char *keys = NULL;

      g_assert_true (g_file_set_contents (p12_path, g_bytes_get_data (p12, NULL),
                                          g_bytes_get_size (p12), NULL));
      g_assert_true (g_file_set_contents (pass_path, "p12 password\n", -1, NULL));
      certs = ck_test_run_tool (argv);
      g_assert_nonnull (certs);
      g_assert_nonnull (strstr (certs, "export.example"));
      g_assert_nonnull (strstr (certs, "Export Root"));
      keys = ck_test_run_tool (argv_key);
      g_assert_nonnull (keys);
      g_assert_nonnull (strstr (keys, "PRIVATE KEY"));
    }

  /* A key that does not belong to the certificate is refused. */
  {
    gnutls_x509_privkey_t other = ck_test_key_new ();
    g_autofree char *other_pem = ck_test_key_to_pem (other);
    g_autoptr(GBytes) other_der = ck_test_pem_block (g_bytes_new_static (other_pem, strlen (other_pem)),
                                                     "PRIVATE KEY");
    g_autoptr(CkPrivateKey) wrong = ck_private_key_new_from_pkcs8 (other_der, NULL, NULL);
    g_autoptr(GBytes) refused = NULL;
    g_autoptr(GError) mismatch = NULL;

    gnutls_x509_privkey_deinit (other);
    refused = ck_export_pkcs12 (cert, wrong, NULL, "pw", NULL, &mismatch);
    g_assert_null (refused);
    g_assert_error (mismatch, CK_ERROR, CK_ERROR_MISMATCH);
  }

  gnutls_x509_privkey_deinit (key);
}

static void
test_key_list (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(CkKeyList) list = g_object_ref_sink (g_object_new (CK_TYPE_KEY_LIST, NULL));
  GListModel *model;
  g_autoptr(GtkTreeListRow) first = NULL;
  g_autoptr(GObject) item = NULL;

  populate (fixture);
  ck_key_list_set_store (list, fixture->store);
  model = ck_key_list_get_model (list);

  /* One key, expanded, with its one certificate below it. */
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 2);
  first = g_list_model_get_item (model, 0);
  item = gtk_tree_list_row_get_item (first);
  g_assert_true (CK_IS_STORED_KEY (item));
  {
    g_autoptr(GtkTreeListRow) second = g_list_model_get_item (model, 1);
    g_autoptr(GObject) child = gtk_tree_list_row_get_item (second);

    g_assert_true (CK_IS_STORED_CERTIFICATE (child));
    g_assert_cmpstr (ck_stored_certificate_get_display_name (CK_STORED_CERTIFICATE (child)), ==,
                     "with key.example");
    g_assert_true (ck_stored_certificate_get_has_key (CK_STORED_CERTIFICATE (child)));
  }
}

static void
skip_without_display (void)
{
  g_test_skip ("no display: run under xvfb-run");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  ck_core_init ();

  g_test_add_func ("/gui/expiry-text", test_expiry_text);

  if (!gtk_init_check ())
    {
      g_test_message ("No display: the widget tests need Xvfb");
      g_test_add_func ("/gui/widgets-need-a-display", skip_without_display);
      return g_test_run ();
    }
  adw_init ();
  /* The widgets' templates come from the app's resource, which lives in a
   * static library: referencing it links it in (it registers itself). */
  (void) ck_get_resource ();

  g_test_add ("/gui/certificate-list/search", Fixture, NULL,
              fixture_setup, test_list_search, fixture_teardown);
  g_test_add ("/gui/certificate-list/sort", Fixture, NULL,
              fixture_setup, test_list_sort, fixture_teardown);
  g_test_add ("/gui/key-list", Fixture, NULL,
              fixture_setup, test_key_list, fixture_teardown);
  g_test_add ("/gui/details/fingerprint", Fixture, NULL,
              fixture_setup, test_details_fingerprint, fixture_teardown);
  g_test_add ("/gui/import-dialog/plan", Fixture, NULL,
              fixture_setup, test_import_dialog_plan, fixture_teardown);
  g_test_add ("/gui/export/chain-and-pkcs12", Fixture, NULL,
              fixture_setup, test_export_chain_and_pkcs12, fixture_teardown);

  return g_test_run ();
}
