/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Widget tests of trust in the GUI, on a real temporary store with a CA
 * and a leaf it signed, both made by certtool: the Trust column shows
 * "Not trusted" after import; trusting the CA for TLS server through the
 * Trust Settings dialog's own code path makes the leaf "Trusted" for TLS
 * server but not for email; Undo reverts; a distrust shows in the
 * Distrusted filter; the details pane says why. */

#include <glib/gstdio.h>

#include "ck-certificate-list.h"
#include "ck-details-pane.h"
#include "ck-revocation-row.h"
#include "ck-resources.h"
#include "ck-gui-test-util.h"
#include "ck-test-certs.h"
#include "ck-store-private.h"
#include "ck-trust-status.h"
#include "ck-test-tools.h"
#include "ck-trust-dialog.h"

typedef struct
{
  char          *dir;
  CkStore       *store;
  CkTrust       *trust;
  CkVerifier    *verifier;
  CkCertificate *ca;
  CkCertificate *leaf;
  gint64         ca_id;
  gint64         leaf_id;
} Fixture;

static gboolean
list_idle (gpointer data)
{
  /* The idle that renders cells runs too. */
  ck_gui_test_drain ();
  return !ck_certificate_list_is_busy (data);
}

static void
write_file (const char *dir,
            const char *name,
            const char *text)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
}

/* Runs certtool in @dir: arguments with a dot are file names there
 * ("ca.key"), the others options and their values ("ecdsa"). */
static void
run_certtool (const char *dir,
              const char *const *args)
{
  const char *tool = g_getenv ("CK_CERTTOOL");
  g_autoptr(GPtrArray) argv = g_ptr_array_new_with_free_func (g_free);
  g_autofree char *out = NULL;

  g_ptr_array_add (argv, g_strdup (tool));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, args[i][0] != '-' && strchr (args[i], '.') != NULL
                           ? g_build_filename (dir, args[i], NULL) : g_strdup (args[i]));
  g_ptr_array_add (argv, NULL);
  out = ck_test_run_tool ((const char * const *) argv->pdata);
  g_assert_nonnull (out);
}

static CkCertificate *
load (const char *dir,
      const char *name)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autofree char *pem = NULL;
  g_autoptr(GError) error = NULL;
  CkCertificate *cert;

  g_assert_true (g_file_get_contents (path, &pem, NULL, NULL));
  cert = ck_certificate_new_from_pem (pem, -1, &error);
  g_assert_no_error (error);
  return cert;
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CkImporter) importer = NULL;
  g_autoptr(GPtrArray) decisions = NULL;
  g_autofree char *ca_path = NULL;
  g_autofree char *leaf_path = NULL;
  g_autoptr(GFile) ca_file = NULL;
  g_autoptr(GFile) leaf_file = NULL;
  GFile *files[2];

  if (g_getenv ("CK_CERTTOOL") == NULL)
    return;

  fixture->dir = g_dir_make_tmp ("ck-gui-trust-XXXXXX", &error);
  g_assert_no_error (error);
  write_file (fixture->dir, "ca.tmpl",
              "cn = \"Example Root CA\"\norganization = \"Certkeeper Test\"\n"
              "ca\ncert_signing_key\ncrl_signing_key\nexpiration_days = 3650\n");
  write_file (fixture->dir, "leaf.tmpl",
              "cn = \"www.example.test\"\ndns_name = \"www.example.test\"\n"
              "tls_www_server\nsigning_key\nencryption_key\nexpiration_days = 365\n");
  run_certtool (fixture->dir, (const char *[]) { "--generate-privkey", "--key-type", "ecdsa",
                                                 "--outfile", "ca.key", NULL });
  run_certtool (fixture->dir, (const char *[]) { "--generate-self-signed", "--load-privkey",
                                                 "ca.key", "--template", "ca.tmpl",
                                                 "--outfile", "ca.crt", NULL });
  run_certtool (fixture->dir, (const char *[]) { "--generate-privkey", "--key-type", "ecdsa",
                                                 "--outfile", "leaf.key", NULL });
  run_certtool (fixture->dir, (const char *[]) { "--generate-certificate", "--load-privkey",
                                                 "leaf.key", "--load-ca-certificate", "ca.crt",
                                                 "--load-ca-privkey", "ca.key", "--template",
                                                 "leaf.tmpl", "--outfile", "leaf.crt", NULL });

  fixture->store = ck_store_open (fixture->dir, &error);
  g_assert_no_error (error);
  fixture->trust = ck_trust_new (fixture->store, &error);
  g_assert_no_error (error);
  fixture->verifier = ck_verifier_new (fixture->trust);

  /* Imported as a user would: both files through the importer. */
  ca_path = g_build_filename (fixture->dir, "ca.crt", NULL);
  leaf_path = g_build_filename (fixture->dir, "leaf.crt", NULL);
  ca_file = g_file_new_for_path (ca_path);
  leaf_file = g_file_new_for_path (leaf_path);
  files[0] = ca_file;
  files[1] = leaf_file;
  importer = ck_importer_new (fixture->store);
  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autoptr(GBytes) bytes = g_file_load_bytes (files[i], NULL, NULL, &error);

      g_assert_no_error (error);
      ck_importer_add_bytes (importer, bytes, i == 0 ? "ca.crt" : "leaf.crt");
    }
  g_assert_true (ck_store_commit (fixture->store, ck_importer_get_plan (importer), NULL,
                                  CK_COMMIT_NONE, NULL, NULL, NULL, &error));
  g_assert_no_error (error);

  fixture->ca = load (fixture->dir, "ca.crt");
  fixture->leaf = load (fixture->dir, "leaf.crt");
  fixture->ca_id = ck_store_find_certificate (fixture->store,
                                              ck_certificate_get_sha256_fingerprint (fixture->ca));
  fixture->leaf_id = ck_store_find_certificate (fixture->store,
                                                ck_certificate_get_sha256_fingerprint (fixture->leaf));
  g_assert_cmpint (fixture->ca_id, >, 0);
  g_assert_cmpint (fixture->leaf_id, >, 0);

  /* Importing made nothing trusted. */
  decisions = ck_trust_list (fixture->trust, NULL, NULL);
  g_assert_cmpuint (decisions->len, ==, 0);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_object (&fixture->ca);
  g_clear_object (&fixture->leaf);
  g_clear_object (&fixture->verifier);
  g_clear_object (&fixture->trust);
  g_clear_object (&fixture->store);
  if (fixture->dir != NULL)
    ck_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
}

/* The texts of the labels in the list's row that shows @name: what the
 * user sees in that row, cells included. */
typedef gboolean (*WidgetMatch) (GtkWidget *widget, gconstpointer data);

/* The first widget under (or at) @widget that @match accepts. */
static GtkWidget *
find_widget (GtkWidget     *widget,
             WidgetMatch    match,
             gconstpointer  data)
{
  if (match (widget, data))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, match, data);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
is_label (GtkWidget     *widget,
          gconstpointer  text)
{
  return GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0
         && gtk_widget_get_mapped (widget);
}

static gboolean
is_column_view (GtkWidget     *widget,
                gconstpointer  data)
{
  return GTK_IS_COLUMN_VIEW (widget);
}

static GtkWidget *
find_label (GtkWidget  *widget,
            const char *text)
{
  return find_widget (widget, is_label, text);
}

static void
collect_labels (GtkWidget *widget,
                GString   *out)
{
  if (GTK_IS_LABEL (widget))
    g_string_append_printf (out, "[%s]", gtk_label_get_text (GTK_LABEL (widget)));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_labels (child, out);
}

static char *
row_text (CkCertificateList *list,
          const char        *name)
{
  GtkWidget *label = find_label (GTK_WIDGET (list), name);
  GtkWidget *row = label;
  GString *out = g_string_new (NULL);

  g_assert_nonnull (label);
  /* Up to the row: the child of the list view. */
  while (row != NULL && gtk_widget_get_parent (row) != NULL
         && g_strcmp0 (G_OBJECT_TYPE_NAME (gtk_widget_get_parent (row)), "GtkColumnListView") != 0)
    row = gtk_widget_get_parent (row);
  g_assert_nonnull (row);
  collect_labels (row, out);
  return g_string_free (out, FALSE);
}

static void
assert_row_status (CkCertificateList *list,
                   const char        *name,
                   const char        *status)
{
  g_autofree char *wanted = g_strdup_printf ("[%s]", status);
  g_autofree char *text = NULL;

  ck_gui_test_spin_until (list_idle, list);
  text = row_text (list, name);
  if (strstr (text, wanted) == NULL)
    g_error ("row “%s” shows %s, not %s", name, text, wanted);
}

static GtkWindow *
show_list (Fixture            *fixture,
           CkCertificateList **out)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  CkCertificateList *list = g_object_new (CK_TYPE_CERTIFICATE_LIST, NULL);

  gtk_window_set_default_size (window, 900, 400);
  gtk_window_set_child (window, GTK_WIDGET (list));
  ck_certificate_list_set_store (list, fixture->store);
  ck_certificate_list_set_verifier (list, fixture->trust, fixture->verifier);
  gtk_window_present (window);
  ck_gui_test_spin_until (list_idle, list);
  *out = list;
  return window;
}

static gboolean
model_has (GListModel *model,
           gint64      id)
{
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(CkStoredCertificate) row = g_list_model_get_item (model, i);

      if (ck_stored_certificate_get_id (row) == id)
        return TRUE;
    }
  return FALSE;
}

static void
test_trust_through_dialog (Fixture       *fixture,
                           gconstpointer  data)
{
  CkCertificateList *list = NULL;
  GtkWindow *window;
  CkTrustDialog *dialog;
  CkTrustColumn *column;
  g_autoptr(GError) error = NULL;
  g_autofree char *warnings = NULL;

  if (fixture->store == NULL)
    {
      g_test_skip ("certtool is not installed");
      return;
    }

  window = show_list (fixture, &list);
  column = ck_certificate_list_get_trust_column (list);
  g_assert_cmpstr (ck_trust_column_get_purpose (column), ==, CK_PURPOSE_TLS_SERVER);
  assert_row_status (list, "www.example.test", "Not trusted");
  assert_row_status (list, "Example Root CA", "Not trusted");

  /* Trusting a valid CA asks nothing; choosing Trust in the TLS server
   * row is what the user's click does. */
  dialog = ck_trust_dialog_new (window, fixture->trust, fixture->verifier, fixture->ca);
  warnings = ck_trust_dialog_get_warnings (dialog);
  g_assert_null (warnings);
  g_assert_true (ck_trust_dialog_choose (dialog, CK_PURPOSE_TLS_SERVER, CK_TRUST_TRUSTED));
  g_assert_cmpint (ck_trust_get (fixture->trust, ck_certificate_get_sha256_fingerprint (fixture->ca),
                                 CK_PURPOSE_TLS_SERVER, NULL), ==, CK_TRUST_TRUSTED);
  assert_row_status (list, "www.example.test", "Trusted by you");
  assert_row_status (list, "Example Root CA", "Trusted by you");

  /* For TLS server only: not for email (where the leaf's own extended
   * key usage, TLS server only, already rules it out). */
  ck_trust_column_set_purpose (column, CK_PURPOSE_EMAIL);
  assert_row_status (list, "www.example.test", "Not for this purpose");
  assert_row_status (list, "Example Root CA", "Not trusted");
  ck_trust_column_set_purpose (column, CK_PURPOSE_TLS_SERVER);
  assert_row_status (list, "www.example.test", "Trusted by you");

  /* The Trusted filter: the CA and its leaf. */
  ck_certificate_list_set_trust_filter (list, CK_TRUST_FILTER_TRUSTED);
  ck_gui_test_spin_until (list_idle, list);
  g_assert_cmpuint (g_list_model_get_n_items (ck_certificate_list_get_model (list)), ==, 2);

  /* Undo puts the previous level back. */
  g_assert_true (ck_trust_dialog_undo (dialog, &error));
  g_assert_no_error (error);
  g_assert_cmpint (ck_trust_get (fixture->trust, ck_certificate_get_sha256_fingerprint (fixture->ca),
                                 CK_PURPOSE_TLS_SERVER, NULL), ==, CK_TRUST_DEFAULT);
  g_assert_cmpint (ck_trust_dialog_get_choice (dialog, CK_PURPOSE_TLS_SERVER), ==, CK_TRUST_DEFAULT);
  ck_gui_test_spin_until (list_idle, list);
  g_assert_cmpuint (g_list_model_get_n_items (ck_certificate_list_get_model (list)), ==, 0);
  ck_certificate_list_set_trust_filter (list, CK_TRUST_FILTER_ALL);
  assert_row_status (list, "www.example.test", "Not trusted");

  /* Distrust for everything: the CA and, through its chain, the leaf are
   * Distrusted; the filter shows both. */
  g_assert_false (ck_trust_dialog_choose (dialog, CK_PURPOSE_ALL, CK_TRUST_TRUSTED));
  g_assert_true (ck_trust_dialog_choose (dialog, CK_PURPOSE_ALL, CK_TRUST_DISTRUSTED));
  g_assert_cmpint (ck_trust_dialog_get_choice (dialog, CK_PURPOSE_ALL), ==, CK_TRUST_DISTRUSTED);
  /* Every purpose row shows the truth: Distrust (before, "Default" beside
   * "Distrusted by you"), and cannot be changed while it holds. */
  g_assert_cmpint (ck_trust_dialog_get_choice (dialog, CK_PURPOSE_TLS_SERVER), ==, CK_TRUST_DISTRUSTED);
  g_assert_cmpint (ck_trust_dialog_get_choice (dialog, CK_PURPOSE_EMAIL), ==, CK_TRUST_DISTRUSTED);
  g_assert_false (ck_trust_dialog_choose (dialog, CK_PURPOSE_TLS_SERVER, CK_TRUST_TRUSTED));
  g_assert_cmpint (ck_trust_get (fixture->trust, ck_certificate_get_sha256_fingerprint (fixture->ca),
                                 CK_PURPOSE_TLS_SERVER, NULL), ==, CK_TRUST_DEFAULT);
  assert_row_status (list, "Example Root CA", "Distrusted");
  assert_row_status (list, "www.example.test", "Distrusted");
  ck_certificate_list_set_trust_filter (list, CK_TRUST_FILTER_DISTRUSTED);
  ck_gui_test_spin_until (list_idle, list);
  g_assert_cmpuint (g_list_model_get_n_items (ck_certificate_list_get_model (list)), ==, 2);
  g_assert_true (model_has (ck_certificate_list_get_model (list), fixture->leaf_id));
  g_assert_true (ck_trust_dialog_undo (dialog, &error));
  ck_gui_test_spin_until (list_idle, list);
  g_assert_cmpuint (g_list_model_get_n_items (ck_certificate_list_get_model (list)), ==, 0);
  /* Lifted: each row shows its own setting again. */
  g_assert_cmpint (ck_trust_dialog_get_choice (dialog, CK_PURPOSE_TLS_SERVER), ==, CK_TRUST_DEFAULT);
  g_assert_cmpstr (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (
                     gtk_widget_get_template_child (GTK_WIDGET (dialog), CK_TYPE_TRUST_DIALOG,
                                                    "purposes_group"))),
                   ==, "Trust as an Authority For");

  gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (window);
}


/* A distrust kept for the CA's key (set on a re-issued CA with the same
 * key, which was then deleted) shows in the CA's Trust Settings as
 * Distrusted; Default lifts it, Undo puts a distrust back. */
static void
test_kept_distrust_in_dialog (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CkImporter) importer = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(CkCertificate) again = NULL;
  g_autoptr(GPtrArray) decisions = NULL;
  g_autofree char *path = NULL;
  CkTrustDialog *dialog;
  CkCertificateList *list = NULL;
  GtkWindow *window;
  gint64 again_id;

  if (fixture->store == NULL)
    {
      g_test_skip ("certtool is not installed");
      return;
    }
  write_file (fixture->dir, "again.tmpl",
              "cn = \"Example Root CA (again)\"\nserial = 77\nca\ncert_signing_key\n"
              "expiration_days = 3650\n");
  run_certtool (fixture->dir, (const char *[]) { "--generate-self-signed", "--load-privkey",
                                                 "ca.key", "--template", "again.tmpl",
                                                 "--outfile", "again.crt", NULL });
  path = g_build_filename (fixture->dir, "again.crt", NULL);
  bytes = ck_test_read_bytes (path);
  importer = ck_importer_new (fixture->store);
  ck_importer_add_bytes (importer, bytes, "again.crt");
  g_assert_true (ck_store_commit (fixture->store, ck_importer_get_plan (importer), NULL,
                                  CK_COMMIT_NONE, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  again = load (fixture->dir, "again.crt");
  again_id = ck_store_find_certificate (fixture->store, ck_certificate_get_sha256_fingerprint (again));
  g_assert_true (ck_trust_set (fixture->trust, again_id, CK_PURPOSE_ALL, CK_TRUST_DISTRUSTED, &error));
  g_assert_true (ck_store_delete (fixture->store, again_id, &error));
  g_assert_no_error (error);

  window = show_list (fixture, &list);
  assert_row_status (list, "Example Root CA", "Distrusted");
  dialog = ck_trust_dialog_new (window, fixture->trust, fixture->verifier, fixture->ca);
  g_assert_cmpint (ck_trust_dialog_get_choice (dialog, CK_PURPOSE_ALL), ==, CK_TRUST_DISTRUSTED);
  g_assert_true (ck_trust_dialog_choose (dialog, CK_PURPOSE_ALL, CK_TRUST_DEFAULT));
  decisions = ck_trust_list (fixture->trust, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (decisions->len, ==, 0);
  assert_row_status (list, "Example Root CA", "Not trusted");

  g_assert_true (ck_trust_dialog_undo (dialog, &error));
  g_assert_no_error (error);
  g_assert_cmpint (ck_trust_dialog_get_choice (dialog, CK_PURPOSE_ALL), ==, CK_TRUST_DISTRUSTED);
  assert_row_status (list, "Example Root CA", "Distrusted");

  gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (window);
}

static void
damage_store (CkStore    *store,
              const char *sql)
{
  ck_store_lock (store);
  g_assert_cmpint (sqlite3_exec (ck_store_get_db (store), sql, NULL, NULL, NULL), ==, SQLITE_OK);
  ck_store_unlock (store);
}

/* Decisions that cannot be read show as such in the trust column, never
 * as "Trusted" nor as "Not trusted"; readable again, the verdicts are. */
static void
test_unreadable_shows_error (Fixture       *fixture,
                             gconstpointer  data)
{
  CkCertificateList *list = NULL;
  GtkWindow *window;
  g_autoptr(GError) error = NULL;

  if (fixture->store == NULL)
    {
      g_test_skip ("certtool is not installed");
      return;
    }

  window = show_list (fixture, &list);
  g_assert_true (ck_trust_set (fixture->trust, fixture->ca_id, CK_PURPOSE_TLS_SERVER,
                               CK_TRUST_TRUSTED, &error));
  g_assert_no_error (error);
  assert_row_status (list, "www.example.test", "Trusted by you");

  /* Another program damages the table; the window notices (as when it
   * comes back to the front) and asks again. */
  damage_store (fixture->store, "ALTER TABLE trust RENAME TO trust_elsewhere");
  g_signal_emit_by_name (fixture->trust, "changed");
  assert_row_status (list, "www.example.test", "Cannot verify");
  assert_row_status (list, "Example Root CA", "Cannot verify");

  damage_store (fixture->store, "ALTER TABLE trust_elsewhere RENAME TO trust");
  g_signal_emit_by_name (fixture->trust, "changed");
  assert_row_status (list, "www.example.test", "Trusted by you");

  gtk_window_destroy (window);
}

static void
test_warnings (Fixture       *fixture,
               gconstpointer  data)
{
  CkTrustDialog *dialog;
  g_autofree char *warnings = NULL;

  if (fixture->store == NULL)
    {
      g_test_skip ("certtool is not installed");
      return;
    }

  /* A leaf is no authority: trusting it asks first, and the choice is
   * not applied until the user confirms. */
  dialog = ck_trust_dialog_new (NULL, fixture->trust, fixture->verifier, fixture->leaf);
  /* Nor is its section headed as one. */
  g_assert_cmpstr (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (
                     gtk_widget_get_template_child (GTK_WIDGET (dialog), CK_TYPE_TRUST_DIALOG,
                                                    "purposes_group"))),
                   ==, "Trust This Certificate For");
  warnings = ck_trust_dialog_get_warnings (dialog);
  g_assert_nonnull (warnings);
  g_assert_nonnull (strstr (warnings, "not a certificate authority"));
  g_assert_true (ck_trust_dialog_choose (dialog, CK_PURPOSE_TLS_SERVER, CK_TRUST_TRUSTED));
  g_assert_cmpint (ck_trust_get (fixture->trust, ck_certificate_get_sha256_fingerprint (fixture->leaf),
                                 CK_PURPOSE_TLS_SERVER, NULL), ==, CK_TRUST_DEFAULT);
  /* Every purpose has its row, plus "Distrust for everything". */
  g_assert_true (ck_trust_dialog_choose (dialog, CK_PURPOSE_TLS_CLIENT, CK_TRUST_DEFAULT));
  g_assert_true (ck_trust_dialog_choose (dialog, CK_PURPOSE_CODE_SIGNING, CK_TRUST_DEFAULT));
  g_assert_true (ck_trust_dialog_choose (dialog, CK_PURPOSE_EMAIL, CK_TRUST_DEFAULT));
  g_assert_true (ck_trust_dialog_choose (dialog, CK_PURPOSE_ALL, CK_TRUST_DEFAULT));
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* A weak signature is named: the corpus's MD5-signed certificate. */
  {
    g_autofree char *path = ck_test_corpus_path ("data/chain-md5.pem");
    g_autoptr(GBytes) pem = ck_test_read_bytes (path);
    g_autoptr(GBytes) der = ck_test_pem_block (pem, "CERTIFICATE");
    g_autoptr(CkCertificate) weak = NULL;
    g_autofree char *weak_warnings = NULL;
    g_autoptr(GError) error = NULL;

    weak = ck_certificate_new_from_der (der, &error);
    g_assert_no_error (error);
    dialog = ck_trust_dialog_new (NULL, fixture->trust, fixture->verifier, weak);
    weak_warnings = ck_trust_dialog_get_warnings (dialog);
    g_assert_nonnull (weak_warnings);
    g_assert_nonnull (strstr (weak_warnings, "MD5"));
    gtk_window_destroy (GTK_WINDOW (dialog));
  }
}

static void
test_details_reason (Fixture       *fixture,
                     gconstpointer  data)
{
  g_autoptr(CkDetailsPane) pane = NULL;
  g_autoptr(GError) error = NULL;
  CkStoredCertificate *row;
  g_autofree char *chain = NULL;

  if (fixture->store == NULL)
    {
      g_test_skip ("certtool is not installed");
      return;
    }

  pane = g_object_ref_sink (g_object_new (CK_TYPE_DETAILS_PANE, NULL));
  ck_details_pane_set_trust (pane, fixture->trust, fixture->verifier);
  row = ck_store_get_certificate_row (fixture->store, fixture->leaf_id);
  ck_details_pane_show_certificate (pane, fixture->store, row, fixture->leaf);
  g_assert_cmpstr (ck_details_pane_lookup (pane, "Trust"), ==,
                   "Not trusted for TLS server: the root “Example Root CA” is not trusted");

  /* The pane follows a decision made while it shows the leaf. */
  g_assert_true (ck_trust_set (fixture->trust, fixture->ca_id, CK_PURPOSE_TLS_SERVER,
                               CK_TRUST_TRUSTED, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (ck_details_pane_lookup (pane, "Trust"), ==,
                   "Trusted for TLS server through Example Root CA");
  chain = g_strdup (ck_details_pane_lookup (pane, "Chain"));
  g_assert_cmpstr (chain, ==, "www.example.test\nExample Root CA");
  ck_details_pane_set_purpose (pane, CK_PURPOSE_EMAIL);
  g_assert_true (g_str_has_prefix (ck_details_pane_lookup (pane, "Trust"),
                                   "Not valid for Email protection"));

  /* A distrust says when. */
  g_assert_true (ck_trust_set (fixture->trust, fixture->leaf_id, CK_PURPOSE_ALL,
                               CK_TRUST_DISTRUSTED, &error));
  g_assert_no_error (error);
  {
    g_autoptr(GDateTime) now = g_date_time_new_now_utc ();
    g_autofree char *day = g_date_time_format (now, "%-d %B %Y");
    g_autofree char *expected = g_strdup_printf ("Distrusted by you on %s", day);

    g_assert_cmpstr (ck_details_pane_lookup (pane, "Trust"), ==, expected);
  }
}

static gboolean
is_revocation_row (GtkWidget     *widget,
                   gconstpointer  data)
{
  return CK_IS_REVOCATION_ROW (widget);
}

static gboolean
shows_revoked (gpointer data)
{
  const char *trust = ck_details_pane_lookup (data, "Trust");

  return trust != NULL && g_str_has_prefix (trust, "Revoked: ");
}

/* certtool writes the CA's CRL revoking the leaf; imported as a file,
 * through the importer and a commit, as the window's Import does. */
static void
import_leaf_crl (Fixture *fixture)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CkImporter) importer = NULL;
  g_autoptr(GBytes) crl = NULL;
  g_autofree char *crl_path = NULL;

  write_file (fixture->dir, "crl.tmpl", "crl_next_update = 7\ncrl_number = 1\n");
  run_certtool (fixture->dir, (const char *[]) { "--generate-crl", "--load-ca-privkey", "ca.key",
                                                 "--load-ca-certificate", "ca.crt",
                                                 "--load-certificate", "leaf.crt",
                                                 "--template", "crl.tmpl",
                                                 "--outfile", "leaf.crl", NULL });
  crl_path = g_build_filename (fixture->dir, "leaf.crl", NULL);
  {
    char *text = NULL;
    gsize len = 0;

    g_assert_true (g_file_get_contents (crl_path, &text, &len, NULL));
    crl = g_bytes_new_take (text, len);
  }
  importer = ck_importer_new (fixture->store);
  ck_importer_add_bytes (importer, crl, "leaf.crl");
  g_assert_cmpuint (ck_import_plan_count (ck_importer_get_plan (importer), CK_IMPORT_ITEM_CRL),
                    ==, 1);
  g_assert_true (ck_store_commit (fixture->store, ck_importer_get_plan (importer), NULL,
                                  CK_COMMIT_NONE, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
}

/* The Revocation row says what the stored CRLs say; after a CRL is
 * imported, Check Revocation (network checks off: the store only) shows
 * the certificate revoked, in the row and in the trust line. */
static void
test_details_revocation (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(CkDetailsPane) pane = NULL;
  g_autoptr(GError) error = NULL;
  CkStoredCertificate *row;
  GtkWidget *revocation, *button;

  if (fixture->store == NULL)
    {
      g_test_skip ("certtool is not installed");
      return;
    }
  g_assert_true (ck_trust_set (fixture->trust, fixture->ca_id, CK_PURPOSE_TLS_SERVER,
                               CK_TRUST_TRUSTED, &error));
  g_assert_no_error (error);
  pane = g_object_ref_sink (g_object_new (CK_TYPE_DETAILS_PANE, NULL));
  ck_details_pane_set_trust (pane, fixture->trust, fixture->verifier);
  row = ck_store_get_certificate_row (fixture->store, fixture->leaf_id);
  ck_details_pane_show_certificate (pane, fixture->store, row, fixture->leaf);
  revocation = ck_gui_test_find_widget (GTK_WIDGET (pane), is_revocation_row, NULL);
  g_assert_nonnull (revocation);
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (ADW_ACTION_ROW (revocation)),
                                   "Unknown: "));

  import_leaf_crl (fixture);

  button = ck_gui_test_find_button (revocation, "_Check Revocation");
  g_assert_nonnull (button);
  g_signal_emit_by_name (button, "clicked");
  ck_gui_test_spin_until (shows_revoked, pane);
  revocation = ck_gui_test_find_widget (GTK_WIDGET (pane), is_revocation_row, NULL);
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (ADW_ACTION_ROW (revocation)),
                                   "Revoked on "));
}

/* A right click on a row selects it and opens the row's menu, which
 * offers Trust Settings. */
static void
test_row_menu (Fixture       *fixture,
               gconstpointer  data)
{
  CkCertificateList *list = NULL;
  GtkWindow *window;
  GtkWidget *column_view;
  GtkWidget *label;
  GtkGesture *right_click = NULL;
  GtkWidget *popover = NULL;
  g_autoptr(GListModel) controllers = NULL;
  graphene_point_t point;
  CkStoredCertificate *selected;
  GMenuModel *menu;
  gboolean offers_trust = FALSE;

  if (fixture->store == NULL)
    {
      g_test_skip ("certtool is not installed");
      return;
    }

  window = show_list (fixture, &list);
  column_view = find_widget (GTK_WIDGET (list), is_column_view, NULL);
  g_assert_nonnull (column_view);
  controllers = gtk_widget_observe_controllers (column_view);
  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_GESTURE_CLICK (controller)
          && gtk_gesture_single_get_button (GTK_GESTURE_SINGLE (controller)) == GDK_BUTTON_SECONDARY)
        right_click = GTK_GESTURE (controller);
    }
  g_assert_nonnull (right_click);

  label = find_label (GTK_WIDGET (list), "www.example.test");
  g_assert_nonnull (label);
  g_assert_true (gtk_widget_compute_point (label, column_view, &GRAPHENE_POINT_INIT (5, 5), &point));
  g_signal_emit_by_name (right_click, "pressed", 1, (double) point.x, (double) point.y);

  selected = ck_certificate_list_get_selected (list);
  g_assert_nonnull (selected);
  g_assert_cmpint (ck_stored_certificate_get_id (selected), ==, fixture->leaf_id);
  for (GtkWidget *child = gtk_widget_get_first_child (column_view); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_POPOVER_MENU (child))
      popover = child;
  g_assert_nonnull (popover);
  g_assert_true (gtk_widget_get_visible (popover));
  menu = gtk_popover_menu_get_menu_model (GTK_POPOVER_MENU (popover));
  for (int i = 0; i < g_menu_model_get_n_items (menu); i++)
    {
      g_autofree char *action = NULL;

      if (g_menu_model_get_item_attribute (menu, i, G_MENU_ATTRIBUTE_ACTION, "s", &action)
          && g_str_equal (action, "win.trust-settings"))
        offers_trust = TRUE;
    }
  g_assert_true (offers_trust);
  gtk_popover_popdown (GTK_POPOVER (popover));
  gtk_window_destroy (window);
}

/* The names of the list's rows, in order, one per line. */
static char *
list_names (CkCertificateList *list)
{
  GListModel *model = ck_certificate_list_get_model (list);
  GString *out = g_string_new (NULL);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(CkStoredCertificate) row = g_list_model_get_item (model, i);

      g_string_append_printf (out, "%s%s", i > 0 ? "\n" : "",
                              ck_stored_certificate_get_display_name (row));
    }
  return g_string_free (out, FALSE);
}

static void
assert_names (CkCertificateList *list,
              const char        *expected)
{
  g_autofree char *names = NULL;

  ck_gui_test_spin_until (list_idle, list);
  names = list_names (list);
  g_assert_cmpstr (names, ==, expected);
}

/* The Trust column says Revoked as soon as the CA's CRL listing the leaf
 * is imported, with nothing else changed (issue 15): storing a CRL starts
 * a new verdict generation. The Revoked filter then shows the leaf. */
static void
test_list_revoked_after_crl (Fixture       *fixture,
                             gconstpointer  data)
{
  CkCertificateList *list = NULL;
  GtkWindow *window;
  g_autoptr(GError) error = NULL;

  if (fixture->store == NULL)
    {
      g_test_skip ("certtool is not installed");
      return;
    }
  g_assert_true (ck_trust_set (fixture->trust, fixture->ca_id, CK_PURPOSE_TLS_SERVER,
                               CK_TRUST_TRUSTED, &error));
  g_assert_no_error (error);
  window = show_list (fixture, &list);
  assert_row_status (list, "www.example.test", "Trusted by you");

  import_leaf_crl (fixture);
  assert_row_status (list, "www.example.test", "Revoked");
  /* The CA itself is not on its own CRL. */
  assert_row_status (list, "Example Root CA", "Trusted by you");

  /* Show: Revoked keeps the leaf only, whatever the purpose (revoked
   * is revoked, trusted for it or not); a distrust, which outranks it,
   * takes it out. */
  ck_certificate_list_set_trust_filter (list, CK_TRUST_FILTER_REVOKED);
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (
                      gtk_widget_get_template_child (GTK_WIDGET (list), CK_TYPE_CERTIFICATE_LIST,
                                                     "trust_filter_dropdown"))), ==, 4);
  assert_names (list, "www.example.test");
  ck_trust_column_set_purpose (ck_certificate_list_get_trust_column (list), CK_PURPOSE_EMAIL);
  assert_names (list, "www.example.test");
  ck_trust_column_set_purpose (ck_certificate_list_get_trust_column (list), CK_PURPOSE_TLS_SERVER);
  g_assert_true (ck_trust_set (fixture->trust, fixture->ca_id, CK_PURPOSE_ALL,
                               CK_TRUST_DISTRUSTED, &error));
  g_assert_no_error (error);
  assert_names (list, "");
  ck_certificate_list_set_trust_filter (list, CK_TRUST_FILTER_DISTRUSTED);
  assert_names (list, "Example Root CA\nwww.example.test");
  ck_certificate_list_set_trust_filter (list, CK_TRUST_FILTER_ALL);
  assert_names (list, "Example Root CA\nwww.example.test");

  gtk_window_destroy (window);
}

/* Sorting by the Trust column orders by verdict (distrusted, not trusted,
 * issuer unknown, trusted), then by name; the trust filters show what
 * the verdicts say once the cache has them, and follow a new decision. */
static void
test_sort_and_filter_by_verdict (Fixture       *fixture,
                                 gconstpointer  data)
{
  g_autoptr(CkTestCa) other = ck_test_ca_new ("Other Root CA");
  g_autoptr(CkTestCa) bad = ck_test_ca_new ("Bad Root CA");
  g_autoptr(CkTestCa) absent = ck_test_ca_new ("Absent CA");
  g_autoptr(GError) error = NULL;
  g_autofree char *other_pem = NULL;
  g_autofree char *bad_pem = NULL;
  g_autofree char *orphan_pem = NULL;
  g_autoptr(CkCertificate) bad_cert = NULL;
  g_autoptr(CkCertificate) other_cert = NULL;
  gnutls_x509_privkey_t key;
  CkCertificateList *list = NULL;
  GtkWindow *window;

  if (fixture->store == NULL)
    {
      g_test_skip ("certtool is not installed");
      return;
    }
  other_pem = ck_test_ca_get_pem (other);
  bad_pem = ck_test_ca_get_pem (bad);
  key = ck_test_key_new ();
  orphan_pem = ck_test_ca_issue (absent, key, "orphan.example.test", 5);
  gnutls_x509_privkey_deinit (key);
  ck_test_import_pem (fixture->store, other_pem);
  ck_test_import_pem (fixture->store, bad_pem);
  ck_test_import_pem (fixture->store, orphan_pem);
  bad_cert = ck_certificate_new_from_pem (bad_pem, -1, &error);
  g_assert_no_error (error);
  g_assert_true (ck_trust_set (fixture->trust,
                               ck_store_find_certificate (fixture->store,
                                                          ck_certificate_get_sha256_fingerprint (bad_cert)),
                               CK_PURPOSE_ALL, CK_TRUST_DISTRUSTED, &error));
  g_assert_true (ck_trust_set (fixture->trust, fixture->ca_id, CK_PURPOSE_TLS_SERVER,
                               CK_TRUST_TRUSTED, &error));
  g_assert_no_error (error);

  window = show_list (fixture, &list);
  /* By name first. */
  assert_names (list, "Bad Root CA\nExample Root CA\norphan.example.test\nOther Root CA\n"
                      "www.example.test");
  assert_row_status (list, "Bad Root CA", "Distrusted");
  assert_row_status (list, "orphan.example.test", "Issuer unknown");
  assert_row_status (list, "Other Root CA", "Not trusted");
  assert_row_status (list, "Example Root CA", "Trusted by you");
  /* The why, worked out when the tooltip is asked for. */
  {
    GtkWidget *row = find_label (GTK_WIDGET (list), "www.example.test");
    GtkWidget *verdict;
    g_autofree char *why = NULL;

    while (g_strcmp0 (G_OBJECT_TYPE_NAME (gtk_widget_get_parent (row)), "GtkColumnListView") != 0)
      row = gtk_widget_get_parent (row);
    verdict = find_label (row, "Trusted by you");
    g_assert_nonnull (verdict);
    why = ck_trust_status_box_get_deferred_tooltip (gtk_widget_get_parent (verdict));
    g_assert_cmpstr (why, ==, "Trusted for TLS server through Example Root CA");
  }

  ck_certificate_list_sort_by (list, "trust", GTK_SORT_ASCENDING);
  assert_names (list, "Bad Root CA\nOther Root CA\norphan.example.test\nExample Root CA\n"
                      "www.example.test");
  ck_certificate_list_sort_by (list, "trust", GTK_SORT_DESCENDING);
  assert_names (list, "www.example.test\nExample Root CA\norphan.example.test\nOther Root CA\n"
                      "Bad Root CA");

  ck_certificate_list_sort_by (list, "trust", GTK_SORT_ASCENDING);
  ck_certificate_list_set_trust_filter (list, CK_TRUST_FILTER_TRUSTED);
  assert_names (list, "Example Root CA\nwww.example.test");
  ck_certificate_list_set_trust_filter (list, CK_TRUST_FILTER_NOT_TRUSTED);
  assert_names (list, "Bad Root CA\nOther Root CA\norphan.example.test");
  ck_certificate_list_set_trust_filter (list, CK_TRUST_FILTER_DISTRUSTED);
  assert_names (list, "Bad Root CA");

  /* A decision: the filter and the order follow once the new verdicts
   * are in. */
  ck_certificate_list_set_trust_filter (list, CK_TRUST_FILTER_TRUSTED);
  other_cert = ck_certificate_new_from_pem (other_pem, -1, &error);
  g_assert_no_error (error);
  g_assert_true (ck_trust_set (fixture->trust,
                               ck_store_find_certificate (fixture->store,
                                                          ck_certificate_get_sha256_fingerprint (other_cert)),
                               CK_PURPOSE_TLS_SERVER, CK_TRUST_TRUSTED, &error));
  g_assert_no_error (error);
  assert_names (list, "Example Root CA\nOther Root CA\nwww.example.test");
  /* And the search narrows what the filter shows. */
  ck_certificate_list_set_search (list, "other");
  assert_names (list, "Other Root CA");
  ck_certificate_list_set_search (list, "www");
  assert_names (list, "www.example.test");
  ck_certificate_list_set_search (list, NULL);
  ck_certificate_list_set_trust_filter (list, CK_TRUST_FILTER_ALL);
  assert_names (list, "Bad Root CA\norphan.example.test\nExample Root CA\nOther Root CA\n"
                      "www.example.test");
  gtk_window_destroy (window);
}

/* Trusted through the system's anchors reads differently from trusted
 * through the user's own decision, and sorts next to it. */
static void
test_verdict_labels (void)
{
  GtkIconTheme *theme = gtk_icon_theme_get_for_display (gdk_display_get_default ());
  g_autoptr(CkVerification) system = ck_verification_new (CK_VERIFY_TRUSTED, CK_PURPOSE_TLS_SERVER);
  g_autoptr(CkVerification) yours = ck_verification_new (CK_VERIFY_TRUSTED, CK_PURPOSE_TLS_SERVER);
  g_autoptr(CkVerification) unknown = ck_verification_new (CK_VERIFY_ISSUER_UNKNOWN,
                                                           CK_PURPOSE_TLS_SERVER);
  g_autoptr(CkVerification) not_trusted = ck_verification_new (CK_VERIFY_NOT_TRUSTED,
                                                               CK_PURPOSE_TLS_SERVER);
  g_autoptr(CkVerification) distrusted = ck_verification_new (CK_VERIFY_DISTRUSTED,
                                                              CK_PURPOSE_TLS_SERVER);

  ck_verification_set_anchor (system, "ISRG Root X1", "system");
  ck_verification_set_anchor (yours, "Example Root CA", "store");
  g_assert_cmpstr (ck_trust_status_verdict_label (system), ==, "Trusted by the system");
  g_assert_cmpstr (ck_trust_status_verdict_label (yours), ==, "Trusted by you");
  g_assert_cmpstr (ck_trust_status_verdict_label (unknown), ==, "Issuer unknown");
  g_assert_cmpstr (ck_trust_status_verdict_icon (system), !=, ck_trust_status_verdict_icon (yours));
  g_assert_true (gtk_icon_theme_has_icon (theme, ck_trust_status_verdict_icon (system)));
  g_assert_true (gtk_icon_theme_has_icon (theme, ck_trust_status_verdict_icon (yours)));

  g_assert_cmpint (ck_trust_status_rank (distrusted), <, ck_trust_status_rank (not_trusted));
  g_assert_cmpint (ck_trust_status_rank (not_trusted), <, ck_trust_status_rank (unknown));
  g_assert_cmpint (ck_trust_status_rank (unknown), <, ck_trust_status_rank (system));
  g_assert_cmpint (ck_trust_status_rank (system), <, ck_trust_status_rank (yours));
  g_assert_cmpint (ck_trust_status_rank (yours), <, ck_trust_status_rank (NULL));
}

static void
skip_without_display (void)
{
  g_test_skip ("no display");
}

/* Every verdict's icon is in the icon theme (with the app's resource
 * icons, which GtkApplication adds from its resource base path), and
 * "issuer unknown" is no longer Adwaita's dialog-question, a question
 * mark in a diamond that reads as the "�" replacement character. */
static void
test_status_icons (void)
{
  GtkIconTheme *theme = gtk_icon_theme_get_for_display (gdk_display_get_default ());
  CkVerifyStatus statuses[] = {
    CK_VERIFY_TRUSTED, CK_VERIFY_NOT_TRUSTED, CK_VERIFY_DISTRUSTED, CK_VERIFY_ISSUER_UNKNOWN,
    CK_VERIFY_EXPIRED, CK_VERIFY_NOT_YET_VALID,
  };

  gtk_icon_theme_add_resource_path (theme, "/io/github/certkeeper/Certkeeper/icons");
  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      const char *name = ck_trust_status_icon (statuses[i]);

      g_test_message ("status %d: %s", statuses[i], name);
      g_assert_true (gtk_icon_theme_has_icon (theme, name));
    }
  g_assert_cmpstr (ck_trust_status_icon (CK_VERIFY_ISSUER_UNKNOWN), !=, "dialog-question-symbolic");

  /* A verdict wraps to two lines before it is cut ("Issuer unkno…" at
   * the default window size). */
  {
    GtkWidget *box = g_object_ref_sink (ck_trust_status_box_new ());
    GtkLabel *label = GTK_LABEL (gtk_widget_get_next_sibling (gtk_widget_get_first_child (box)));

    g_assert_true (gtk_label_get_wrap (label));
    g_assert_cmpint (gtk_label_get_lines (label), ==, 2);
    g_object_unref (box);
  }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  ck_core_init ();

  if (!gtk_init_check ())
    {
      g_test_add_func ("/gui/trust/need-a-display", skip_without_display);
      return g_test_run ();
    }
  adw_init ();
  (void) ck_get_resource ();

  g_test_add_func ("/gui/trust/status-icons", test_status_icons);
  g_test_add ("/gui/trust/through-dialog", Fixture, NULL,
              fixture_setup, test_trust_through_dialog, fixture_teardown);
  g_test_add ("/gui/trust/kept-distrust-in-dialog", Fixture, NULL,
              fixture_setup, test_kept_distrust_in_dialog, fixture_teardown);
  g_test_add ("/gui/trust/unreadable-shows-error", Fixture, NULL,
              fixture_setup, test_unreadable_shows_error, fixture_teardown);
  g_test_add ("/gui/trust/warnings", Fixture, NULL,
              fixture_setup, test_warnings, fixture_teardown);
  g_test_add ("/gui/trust/row-menu", Fixture, NULL,
              fixture_setup, test_row_menu, fixture_teardown);
  g_test_add ("/gui/trust/details-reason", Fixture, NULL,
              fixture_setup, test_details_reason, fixture_teardown);
  g_test_add ("/gui/trust/details-revocation", Fixture, NULL,
              fixture_setup, test_details_revocation, fixture_teardown);
  g_test_add ("/gui/trust/list-revoked-after-crl", Fixture, NULL,
              fixture_setup, test_list_revoked_after_crl, fixture_teardown);
  g_test_add ("/gui/trust/sort-and-filter-by-verdict", Fixture, NULL,
              fixture_setup, test_sort_and_filter_by_verdict, fixture_teardown);
  g_test_add_func ("/gui/trust/verdict-labels", test_verdict_labels);

  return g_test_run ();
}
