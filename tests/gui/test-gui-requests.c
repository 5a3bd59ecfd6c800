/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Widget tests of the Requests page, the request details and the requests
 * under their keys on the Keys page, on a real store in a temporary
 * directory: a key and a request made through the core, then a
 * certificate for that key signed by a CA made with certtool, which drops
 * one of the requested names. */

#include <glib/gstdio.h>

#include "ck-application.h"
#include "ck-details-pane.h"
#include "ck-details-row.h"
#include "ck-gui-test-util.h"
#include "ck-key-list.h"
#include "ck-request-details.h"
#include "ck-request-list.h"
#include "ck-window-private.h"
#include "ck-resources.h"
#include "ck-gui-test-util.h"
#include "ck-test-certs.h"
#include "ck-test-tools.h"

typedef struct
{
  char         *dir;
  CkStore      *store;
  CkPrivateKey *key;
  gint64        key_id;
} Fixture;

/* The lists rebuild and refilter at idle: that has run once nothing is
 * ready any more. */
#define settle() ck_gui_test_drain ()

/* The window has also finished its certificate search and trust verdicts. */
static gboolean
window_idle (gpointer data)
{
  CkWindow *window = data;

  ck_gui_test_drain ();
  return !ck_certificate_list_is_busy (window->certificate_list);
}

static gboolean
shows_no_details (gpointer data)
{
  CkWindow *window = data;

  return g_strcmp0 (gtk_stack_get_visible_child_name (window->details_stack), "none") == 0;
}

static void
on_search_changed (GtkSearchEntry *entry,
                   gboolean       *changed)
{
  *changed = TRUE;
}

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  CkKeySpec spec = { CK_KEY_TYPE_ECDSA, 0, "P-256" };

  fixture->dir = g_dir_make_tmp ("ck-gui-requests-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->store = ck_store_open (fixture->dir, &error);
  g_assert_no_error (error);
  fixture->key = ck_key_generate (&spec, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ck_store_add_key (fixture->store, fixture->key, "Web server key", NULL,
                                   CK_COMMIT_NO_KEY_PASSPHRASE, &fixture->key_id, &error));
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_object (&fixture->key);
  g_clear_object (&fixture->store);
  ck_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
}

/* A request through the core, as the assistant makes it: TLS server
 * profile, two DNS names, a challenge password. */
static CkRequest *
make_request (Fixture    *fixture,
              const char *subject,
              const char *profile,
              gint64     *id)
{
  g_autoptr(CkRequestBuilder) builder = ck_request_builder_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *cn = g_strdup (strchr (subject, '=') + 1);
  g_autofree char *san1 = NULL;
  g_autofree char *san2 = NULL;
  CkRequest *request;

  *strchr (cn, ',') = '\0';
  san1 = g_strconcat ("DNS:", cn, NULL);
  san2 = g_strconcat ("DNS:alt.", cn, NULL);
  g_assert_true (ck_request_builder_add_subject_string (builder, subject, &error));
  g_assert_true (ck_request_builder_add_san_string (builder, san1, &error));
  g_assert_true (ck_request_builder_add_san_string (builder, san2, &error));
  ck_request_builder_apply_profile (builder, CK_REQUEST_PROFILE_TLS_SERVER);
  ck_request_builder_set_challenge_password (builder, "very secret challenge");
  request = ck_request_builder_build (builder, fixture->key, CK_BUILD_NONE, &error);
  g_assert_no_error (error);
  *id = ck_store_add_request (fixture->store, request, profile, &error);
  g_assert_no_error (error);
  g_assert_cmpint (*id, >, 0);
  return request;
}

static CkRequestList *
new_request_list (Fixture *fixture)
{
  CkRequestList *list = g_object_ref_sink (g_object_new (CK_TYPE_REQUEST_LIST, NULL));

  ck_request_list_set_store (list, fixture->store);
  return list;
}

static CkKeyList *
new_key_list (Fixture *fixture)
{
  CkKeyList *list = g_object_ref_sink (g_object_new (CK_TYPE_KEY_LIST, NULL));

  ck_key_list_set_store (list, fixture->store);
  return list;
}

/* The children shown under the key @key_id, expanded (element-type
 * GObject: CkStoredCertificate and CkStoredRequest rows). */
static GPtrArray *
key_children (CkKeyList *list,
              gint64     key_id)
{
  GListModel *model = ck_key_list_get_model (list);
  GPtrArray *children = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (model, i);
      g_autoptr(GObject) item = gtk_tree_list_row_get_item (row);

      if (CK_IS_STORED_KEY (item) && ck_stored_key_get_id (CK_STORED_KEY (item)) == key_id)
        {
          gtk_tree_list_row_set_expanded (row, TRUE);
          for (guint c = 0; ; c++)
            {
              g_autoptr(GtkTreeListRow) child = gtk_tree_list_row_get_child_row (row, c);

              if (child == NULL)
                break;
              g_ptr_array_add (children, gtk_tree_list_row_get_item (child));
            }
        }
    }
  return children;
}

/* Selects @item's row on the Keys page, as a click would. */
static void
select_in_key_list (CkKeyList *list,
                    GObject   *item)
{
  GListModel *model = ck_key_list_get_model (list);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (model, i);
      g_autoptr(GObject) shown = gtk_tree_list_row_get_item (row);

      if (shown == item)
        {
          gtk_single_selection_set_selected (GTK_SINGLE_SELECTION (model), i);
          return;
        }
    }
  g_assert_not_reached ();
}

static CkStoredRequest *
find_request_child (GPtrArray *children,
                    gint64     id)
{
  for (guint i = 0; i < children->len; i++)
    if (CK_IS_STORED_REQUEST (children->pdata[i])
        && ck_stored_request_get_id (children->pdata[i]) == id)
      return children->pdata[i];
  return NULL;
}

/* Every text the widget shows (labels, row titles and subtitles), one per
 * line. */
static void
collect_text (GtkWidget *widget,
              GString   *out)
{
  if (GTK_IS_LABEL (widget))
    g_string_append_printf (out, "%s\n", gtk_label_get_text (GTK_LABEL (widget)));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_text (child, out);
}

static char *
shown_text (GtkWidget *widget)
{
  GString *out = g_string_new (NULL);

  collect_text (widget, out);
  return g_string_free (out, FALSE);
}

static char *
certtool (const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();

  g_ptr_array_add (argv, (char *) g_getenv ("CK_CERTTOOL"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  return ck_test_run_tool ((const char * const *) argv->pdata);
}

static char *
write_file (Fixture    *fixture,
            const char *name,
            const char *text)
{
  char *path = g_build_filename (fixture->dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  return path;
}

/* A certtool CA issues a certificate for @request that keeps only its
 * first name; it is imported through the core importer. Returns the
 * certificate's id. */
static gint64
issue_dropping_a_name (Fixture   *fixture,
                       CkRequest *request,
                       const char *cn)
{
  g_autofree char *ca_key = g_build_filename (fixture->dir, "ca.key", NULL);
  g_autofree char *ca_cert = g_build_filename (fixture->dir, "ca.pem", NULL);
  g_autofree char *leaf = g_build_filename (fixture->dir, "leaf.pem", NULL);
  g_autofree char *ca_tmpl = write_file (fixture, "ca.tmpl",
                                         "cn = \"GUI Requests CA\"\nca\ncert_signing_key\nexpiration_days = 30\n");
  g_autofree char *leaf_text = g_strdup_printf ("cn = %s\norganization = Acme\ncountry = US\n"
                                                "dns_name = %s\ntls_www_server\nsigning_key\n"
                                                "expiration_days = 30\n", cn, cn);
  g_autofree char *leaf_tmpl = write_file (fixture, "leaf.tmpl", leaf_text);
  g_autofree char *pem = ck_request_to_pem (request);
  g_autofree char *csr = write_file (fixture, "request.csr", pem);
  const char *gen_key[] = { "--generate-privkey", "--key-type", "ecdsa", "--outfile", ca_key, NULL };
  const char *gen_ca[] = { "--generate-self-signed", "--load-privkey", ca_key, "--template", ca_tmpl,
                           "--outfile", ca_cert, NULL };
  const char *issue[] = { "--generate-certificate", "--load-request", csr,
                          "--load-ca-certificate", ca_cert, "--load-ca-privkey", ca_key,
                          "--template", leaf_tmpl, "--outfile", leaf, NULL };
  g_autofree char *out1 = certtool (gen_key);
  g_autofree char *out2 = certtool (gen_ca);
  g_autofree char *out3 = certtool (issue);
  g_autoptr(CkImporter) importer = ck_importer_new (fixture->store);
  g_autoptr(GFile) file = g_file_new_for_path (leaf);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = NULL;
  CkCommitSummary summary = { 0, };

  g_assert_nonnull (out1);
  g_assert_nonnull (out2);
  g_assert_nonnull (out3);
  g_assert_true (ck_importer_add_file (importer, file, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (ck_store_commit (fixture->store, ck_importer_get_plan (importer), NULL,
                                  CK_COMMIT_NONE, NULL, NULL, &summary, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (summary.certificates, ==, 1);
  g_assert_cmpuint (summary.requests_issued, ==, 1);

  ids = ck_store_find_certificates_for_key (fixture->store,
                                            ck_private_key_get_spki_sha256 (fixture->key));
  g_assert_cmpuint (ids->len, ==, 1);
  return g_array_index (ids, gint64, 0);
}

/* Pending → issued, on the Requests page, the Keys page and in the
 * details, with the name the CA dropped. */
static void
test_lifecycle (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(CkRequest) request = NULL;
  g_autoptr(CkRequestList) list = NULL;
  g_autoptr(CkKeyList) keys = NULL;
  g_autoptr(CkRequestDetails) details = NULL;
  g_autoptr(GPtrArray) children = NULL;
  g_autoptr(CkStoredRequest) row = NULL;
  g_autofree char *status = NULL;
  g_autofree char *text = NULL;
  CkStoredCertificate *cert_row;
  CkStoredRequest *child;
  GListModel *model;
  GPtrArray *differences;
  gint64 request_id, cert_id;

  if (g_getenv ("CK_CERTTOOL") == NULL)
    {
      g_test_skip ("certtool is not installed");
      return;
    }

  request = make_request (fixture, "CN=a.example, O=Acme, C=US", "tls-server", &request_id);
  list = new_request_list (fixture);
  keys = new_key_list (fixture);
  settle ();

  /* The Requests page: one row, pending, with its key and profile. */
  model = ck_request_list_get_model (list);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  row = g_list_model_get_item (model, 0);
  g_assert_cmpint (ck_stored_request_get_id (row), ==, request_id);
  g_assert_cmpint (ck_stored_request_get_status (row), ==, CK_REQUEST_STATUS_PENDING);
  status = ck_request_status_text (fixture->store, row);
  g_assert_cmpstr (status, ==, "Pending");
  g_assert_cmpstr (ck_request_profile_text (row), ==, "TLS server");

  /* The Keys page: under its key. */
  children = key_children (keys, fixture->key_id);
  child = find_request_child (children, request_id);
  g_assert_nonnull (child);
  g_assert_cmpint (ck_stored_request_get_status (child), ==, CK_REQUEST_STATUS_PENDING);
  select_in_key_list (keys, G_OBJECT (child));
  g_assert_true (ck_key_list_get_selected (keys) == G_OBJECT (child));
  g_clear_pointer (&children, g_ptr_array_unref);

  /* The details: the subject by name, both SANs, the password's presence
   * and never its value; no certificate to show yet. */
  details = g_object_ref_sink (g_object_new (CK_TYPE_REQUEST_DETAILS, NULL));
  ck_request_details_show (details, fixture->store, row);
  g_assert_nonnull (ck_request_details_get_parsed (details));
  g_assert_null (ck_request_details_get_differences (details));
  text = shown_text (GTK_WIDGET (details));
  g_test_message ("pending details:\n%s", text);
  g_assert_nonnull (strstr (text, "Common Name\na.example\n"));
  g_assert_nonnull (strstr (text, "DNS name\nalt.a.example\n"));
  g_assert_nonnull (strstr (text, "Challenge password\nPresent (not shown)\n"));
  g_assert_null (strstr (text, "very secret"));
  g_assert_nonnull (strstr (text, "Web server key"));
  g_assert_nonnull (strstr (text, "BEGIN CERTIFICATE REQUEST"));
  g_clear_pointer (&text, g_free);

  /* The certificate comes back without alt.a.example. */
  cert_id = issue_dropping_a_name (fixture, request, "a.example");
  settle ();
  cert_row = ck_store_get_certificate_row (fixture->store, cert_id);
  g_assert_nonnull (cert_row);

  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  g_clear_object (&row);
  row = g_list_model_get_item (model, 0);
  g_assert_cmpint (ck_stored_request_get_status (row), ==, CK_REQUEST_STATUS_ISSUED);
  g_assert_cmpint (ck_stored_request_get_certificate_id (row), ==, cert_id);
  g_clear_pointer (&status, g_free);
  status = ck_request_status_text (fixture->store, row);
  g_assert_cmpstr (status, ==, "Issued · a.example");

  /* The Keys page: the certificate and the issued request, under the key;
   * the request is still the one selected after the page's rebuild. */
  g_assert_true (CK_IS_STORED_REQUEST (ck_key_list_get_selected (keys)));
  g_assert_cmpint (ck_stored_request_get_id (CK_STORED_REQUEST (ck_key_list_get_selected (keys))), ==,
                   request_id);
  children = key_children (keys, fixture->key_id);
  g_assert_cmpuint (children->len, ==, 2);
  g_assert_true (CK_IS_STORED_CERTIFICATE (children->pdata[0]));
  g_assert_cmpint (ck_stored_certificate_get_id (children->pdata[0]), ==, cert_id);
  child = find_request_child (children, request_id);
  g_assert_nonnull (child);
  g_assert_cmpint (ck_stored_request_get_status (child), ==, CK_REQUEST_STATUS_ISSUED);

  /* The details follow the status by themselves, link to the certificate
   * and say what the CA dropped. */
  differences = ck_request_details_get_differences (details);
  g_assert_nonnull (differences);
  g_assert_cmpuint (differences->len, ==, 1);
  g_assert_nonnull (strstr (differences->pdata[0], "SAN DNS:alt.a.example dropped"));
  text = shown_text (GTK_WIDGET (details));
  g_test_message ("issued details:\n%s", text);
  g_assert_nonnull (strstr (text, "Certificate\na.example\n"));
  g_assert_nonnull (strstr (text, "SAN DNS:alt.a.example dropped"));
  g_assert_nonnull (strstr (text, "Issued · a.example"));

  /* Deleting the certificate puts the request back to pending. */
  {
    g_autoptr(GError) error = NULL;

    g_assert_true (ck_store_delete (fixture->store, cert_id, &error));
    g_assert_no_error (error);
    settle ();
    g_assert_cmpint (ck_stored_request_get_status (row), ==, CK_REQUEST_STATUS_PENDING);
    g_assert_null (ck_request_details_get_differences (details));
  }
}

/* What Undo relies on: a deleted request comes back with its profile,
 * source and creation time, issued when its certificate is still there
 * and pending when it is not. */
static void
test_restore (Fixture       *fixture,
              gconstpointer  data)
{
  g_autoptr(CkRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  CkStoredRequest *row;
  gint64 request_id, cert_id, again;

  if (g_getenv ("CK_CERTTOOL") == NULL)
    {
      g_test_skip ("certtool is not installed");
      return;
    }

  request = make_request (fixture, "CN=d.example, O=Acme, C=US", "tls-server", &request_id);
  cert_id = issue_dropping_a_name (fixture, request, "d.example");
  g_assert_true (ck_store_delete (fixture->store, request_id, &error));
  g_assert_no_error (error);

  again = ck_store_restore_request (fixture->store, request, "xroad-auth", "d.csr", 1700000000,
                                    cert_id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (again, >, request_id);
  row = ck_store_get_request_row (fixture->store, again);
  g_assert_nonnull (row);
  g_assert_cmpint (ck_stored_request_get_status (row), ==, CK_REQUEST_STATUS_ISSUED);
  g_assert_cmpint (ck_stored_request_get_certificate_id (row), ==, cert_id);
  g_assert_cmpstr (ck_stored_request_get_profile (row), ==, "xroad-auth");
  g_assert_cmpstr (ck_stored_request_get_source (row), ==, "d.csr");
  g_assert_cmpint (ck_stored_request_get_created_at (row), ==, 1700000000);

  /* Twice is refused. */
  g_assert_cmpint (ck_store_restore_request (fixture->store, request, NULL, NULL, 0, 0, &error),
                   ==, 0);
  g_assert_error (error, CK_ERROR, CK_ERROR_EXISTS);
  g_clear_error (&error);

  /* Its certificate gone meanwhile: back as pending. */
  g_assert_true (ck_store_delete (fixture->store, again, &error));
  g_assert_true (ck_store_delete (fixture->store, cert_id, &error));
  g_assert_no_error (error);
  again = ck_store_restore_request (fixture->store, request, "tls-server", NULL, 0, cert_id, &error);
  g_assert_no_error (error);
  row = ck_store_get_request_row (fixture->store, again);
  g_assert_cmpint (ck_stored_request_get_status (row), ==, CK_REQUEST_STATUS_PENDING);
  g_assert_cmpint (ck_stored_request_get_certificate_id (row), ==, 0);
  g_assert_cmpint (ck_stored_request_get_created_at (row), >, 1700000000);
}

static void
on_copied (CkRequestDetails *details,
           const char       *what,
           char            **copied)
{
  g_free (*copied);
  *copied = g_strdup (what);
}

static void
text_read (GObject      *clipboard,
           GAsyncResult *result,
           gpointer      user_data)
{
  char **text = user_data;

  *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (clipboard), result, NULL);
  if (*text == NULL)
    *text = g_strdup ("");
}

static gboolean
text_is_read (gpointer data)
{
  return *(char **) data != NULL;
}

static void
on_show_certificate (CkRequestDetails *details,
                     gint64            id,
                     gint64           *shown)
{
  *shown = id;
}

static gboolean
confirmation_shown (gpointer data)
{
  return ck_gui_test_find_message_dialog (data) != NULL;
}

static gboolean
undo_shown (gpointer data)
{
  return ck_gui_test_find_button (data, "_Undo") != NULL;
}

typedef struct {
  CkStore *store;
  gint64   id;
} RowWait;

static gboolean
request_back (gpointer data)
{
  RowWait *wait = data;

  return ck_store_get_request_row (wait->store, wait->id) != NULL;
}


static gboolean
request_gone (gpointer data)
{
  return !request_back (data);
}

/* An issued request deleted in its details, then Undo in the toast: back
 * with the same id, issued by the same certificate; every table of
 * store.db as it was. */
static void
test_delete_undo_issued (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(CkTestCa) ca = ck_test_ca_new ("Requests CA");
  gnutls_x509_privkey_t key = ck_test_key_new ();
  g_autofree char *cert_pem = ck_test_ca_issue (ca, key, "issued.example", 7);
  g_autofree char *key_pem = ck_test_key_to_pem (key);
  g_autofree char *request_pem = ck_test_request_new (key, "issued.example");
  g_autofree char *pem = g_strconcat (key_pem, cert_pem, request_pem, NULL);
  g_autoptr(CkImporter) importer = ck_importer_new (fixture->store);
  g_autoptr(GBytes) bytes = g_bytes_new (pem, strlen (pem));
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL, *after = NULL;
  GListModel *requests = ck_store_get_requests (fixture->store);
  GtkWidget *window = gtk_window_new ();
  GtkWidget *overlay = adw_toast_overlay_new ();
  CkRequestDetails *details = g_object_new (CK_TYPE_REQUEST_DETAILS, NULL);
  AdwMessageDialog *dialog = NULL;
  CkStoredRequest *row = NULL;
  g_autoptr(CkTrust) trust = NULL;
  RowWait wait;

  gnutls_x509_privkey_deinit (key);
  ck_importer_add_bytes (importer, bytes, "issued.pem");
  g_assert_true (ck_store_commit (fixture->store, ck_importer_get_plan (importer), NULL,
                                  CK_COMMIT_NO_KEY_PASSPHRASE, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < g_list_model_get_n_items (requests); i++)
    {
      g_autoptr(CkStoredRequest) r = g_list_model_get_item (requests, i);

      if (ck_stored_request_get_status (r) == CK_REQUEST_STATUS_ISSUED)
        row = r;
    }
  g_assert_nonnull (row);
  g_object_ref (row);
  /* As in the window, trust is open (the keeper opens it for a delete):
   * its tables are compared too. */
  trust = ck_trust_new (fixture->store, &error);
  g_assert_no_error (error);
  before = ck_test_dump_tables (ck_store_get_path (fixture->store));
  g_assert_nonnull (strstr (before, "[trust]"));

  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (overlay), GTK_WIDGET (details));
  /* Room for the toast: at the window's natural size its label can be
   * given a negative height (a GTK warning, fatal here). */
  gtk_window_set_default_size (GTK_WINDOW (window), 800, 600);
  gtk_window_set_child (GTK_WINDOW (window), overlay);
  gtk_window_present (GTK_WINDOW (window));
  ck_request_details_show (details, fixture->store, row);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (details), "request.delete", NULL));
  ck_gui_test_spin_until (confirmation_shown, "issued.example");
  dialog = ck_gui_test_find_message_dialog ("issued.example");
  adw_message_dialog_response (dialog, "delete");
  wait = (RowWait) { fixture->store, ck_stored_request_get_id (row) };
  ck_gui_test_spin_until (undo_shown, overlay);
  g_assert_false (request_back (&wait));
  g_signal_emit_by_name (ck_gui_test_find_button (overlay, "_Undo"), "clicked");
  ck_gui_test_spin_until (request_back, &wait);

  after = ck_test_dump_tables (ck_store_get_path (fixture->store));
  g_assert_cmpstr (after, ==, before);
  g_assert_cmpint (ck_stored_request_get_certificate_id (ck_store_get_request_row (fixture->store, wait.id)),
                   ==, ck_stored_request_get_certificate_id (row));
  g_object_unref (row);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Delete asks first, and Undo in the toast puts the request back with
 * what the store knew about it (profile, creation time, issued link). */
static void
test_delete_undo (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(CkRequest) request = NULL;
  g_autoptr(CkRequestList) list = NULL;
  CkRequestDetails *details;
  GtkWidget *window = gtk_window_new ();
  GtkWidget *overlay = adw_toast_overlay_new ();
  RowWait wait;
  g_autoptr(CkStoredRequest) row = NULL;
  GListModel *toplevels;
  AdwMessageDialog *dialog = NULL;
  GtkWidget *undo = NULL;
  gint64 request_id, created, shown = 0;

  request = make_request (fixture, "CN=b.example, O=Acme, C=US", "tls-server", &request_id);
  list = new_request_list (fixture);
  row = g_object_ref (ck_store_get_request_row (fixture->store, request_id));
  created = ck_stored_request_get_created_at (row);

  details = g_object_new (CK_TYPE_REQUEST_DETAILS, NULL);
  adw_toast_overlay_set_child (ADW_TOAST_OVERLAY (overlay), GTK_WIDGET (details));
  gtk_window_set_default_size (GTK_WINDOW (window), 800, 600);
  gtk_window_set_child (GTK_WINDOW (window), overlay);
  gtk_window_present (GTK_WINDOW (window));
  ck_request_details_show (details, fixture->store, row);
  g_signal_connect (details, "show-certificate", G_CALLBACK (on_show_certificate), &shown);

  /* Pending: nothing to show. */
  gtk_widget_activate_action (GTK_WIDGET (details), "request.show-certificate", NULL);
  g_assert_cmpint (shown, ==, 0);

  /* Copy PEM puts the request on the clipboard, as PEM. */
  {
    g_autofree char *copied = NULL;
    g_autofree char *text = NULL;
    g_autofree char *pem = ck_request_to_pem (request);

    g_signal_connect (details, "copied", G_CALLBACK (on_copied), &copied);
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (details), "request.copy-pem", NULL));
    g_assert_cmpstr (copied, ==, "PEM");
    gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (details)), NULL,
                                   text_read, &text);
    ck_gui_test_spin_until (text_is_read, &text);
    g_assert_cmpstr (text, ==, pem);
  }

  /* Save As writes PEM and DER that openssl reads and verifies. */
  for (guint der = 0; der < 2; der++)
    {
      g_autofree char *path = g_build_filename (fixture->dir, der ? "saved.der" : "saved.csr", NULL);
      g_autoptr(GFile) file = g_file_new_for_path (path);
      g_autoptr(GError) error = NULL;
      const char *openssl = g_getenv ("CK_OPENSSL");

      g_assert_true (ck_request_details_write (request, file, der, &error));
      g_assert_no_error (error);
      if (openssl != NULL)
        {
          const char *argv[] = { openssl, "req", "-verify", "-noout", "-subject", "-inform",
                                 der ? "DER" : "PEM", "-in", path, NULL };
          g_autofree char *out = ck_test_run_tool (argv);

          g_assert_nonnull (out);
          g_assert_nonnull (strstr (out, "CN = b.example"));
        }
    }

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (details), "request.delete", NULL));
  settle ();
  toplevels = gtk_window_get_toplevels ();
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) w = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (w))
        dialog = ADW_MESSAGE_DIALOG (w);
    }
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_heading (dialog), "b.example"));
  /* Still there until confirmed. */
  g_assert_nonnull (ck_store_get_request_row (fixture->store, request_id));
  adw_message_dialog_response (dialog, "delete");
  /* The keeper deletes in a worker: its toast says when it is done. */
  wait = (RowWait) { fixture->store, request_id };
  ck_gui_test_spin_until (undo_shown, overlay);
  settle ();
  g_assert_null (ck_store_get_request_row (fixture->store, request_id));
  g_assert_cmpuint (g_list_model_get_n_items (ck_request_list_get_model (list)), ==, 0);

  /* The toast's Undo button. */
  undo = ck_gui_test_find_button (overlay, "_Undo");
  g_assert_nonnull (undo);
  g_signal_emit_by_name (undo, "clicked");
  ck_gui_test_spin_until (request_back, &wait);
  settle ();

  g_assert_cmpuint (g_list_model_get_n_items (ck_request_list_get_model (list)), ==, 1);
  {
    g_autoptr(CkStoredRequest) back = g_list_model_get_item (ck_request_list_get_model (list), 0);

    g_assert_cmpstr (ck_stored_request_get_sha256 (back), ==, ck_stored_request_get_sha256 (row));
    g_assert_cmpstr (ck_stored_request_get_profile (back), ==, "tls-server");
    g_assert_cmpint (ck_stored_request_get_created_at (back), ==, created);
    g_assert_cmpint (ck_stored_request_get_status (back), ==, CK_REQUEST_STATUS_PENDING);
  }

  gtk_window_destroy (GTK_WINDOW (window));
}

/* Every column sorts; search narrows by subject, profile, status and
 * fingerprint. */
static void
test_sort_search (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(CkRequest) r1 = NULL;
  g_autoptr(CkRequest) r2 = NULL;
  g_autoptr(CkRequest) r3 = NULL;
  g_autoptr(CkRequestList) list = NULL;
  GListModel *model;
  gint64 id1, id2, id3;
  static const char *columns[] = { "subject", "key", "profile", "created", "status" };

  r1 = make_request (fixture, "CN=beta.example, O=Acme, C=US", "tls-server", &id1);
  r2 = make_request (fixture, "CN=alpha.example, O=Acme, C=US", "xroad-signing", &id2);
  r3 = make_request (fixture, "CN=gamma.example, O=Acme, C=US", NULL, &id3);
  list = new_request_list (fixture);
  model = ck_request_list_get_model (list);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 3);

  ck_request_list_sort_by (list, "subject", GTK_SORT_ASCENDING);
  {
    const char *expected[] = { "alpha.example", "beta.example", "gamma.example" };

    for (guint i = 0; i < 3; i++)
      {
        g_autoptr(CkStoredRequest) row = g_list_model_get_item (model, i);

        g_assert_cmpstr (ck_stored_request_get_display_name (row), ==, expected[i]);
      }
  }
  ck_request_list_sort_by (list, "subject", GTK_SORT_DESCENDING);
  {
    g_autoptr(CkStoredRequest) first = g_list_model_get_item (model, 0);

    g_assert_cmpstr (ck_stored_request_get_display_name (first), ==, "gamma.example");
  }
  /* Profiles: none first, then "TLS server", "X-Road signing". */
  ck_request_list_sort_by (list, "profile", GTK_SORT_ASCENDING);
  {
    g_autoptr(CkStoredRequest) first = g_list_model_get_item (model, 0);
    g_autoptr(CkStoredRequest) last = g_list_model_get_item (model, 2);

    g_assert_cmpint (ck_stored_request_get_id (first), ==, id3);
    g_assert_cmpint (ck_stored_request_get_id (last), ==, id2);
  }
  /* The others sort without losing rows. */
  for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
    {
      ck_request_list_sort_by (list, columns[c], GTK_SORT_DESCENDING);
      g_assert_cmpuint (g_list_model_get_n_items (model), ==, 3);
    }

  ck_request_list_set_search (list, "ALPHA");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  ck_request_list_set_search (list, "x-road");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  ck_request_list_set_search (list, "pending");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 3);
  ck_request_list_set_search (list, "web server key");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 3);
  {
    g_autofree char *colons = ck_hex_format_colons (ck_request_get_sha256_fingerprint (r3));

    /* A fingerprint as people copy it, shortened. */
    colons[23] = '\0';
    ck_request_list_set_search (list, colons);
    g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
    g_assert_true (ck_request_list_select_first (list));
    g_assert_cmpint (ck_stored_request_get_id (ck_request_list_get_selected (list)), ==, id3);
  }
  ck_request_list_set_search (list, "nothing like this");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);
  g_assert_false (ck_request_list_select_first (list));
  ck_request_list_set_search (list, "");
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 3);
  g_assert_true (ck_request_list_select_id (list, id1));
  g_assert_cmpint (ck_stored_request_get_id (ck_request_list_get_selected (list)), ==, id1);
}

/* The whole window: the Requests page, the details beside it, the link to
 * the certificate, Delete and the search, as a user reaches them. */
static void
test_window (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(CkApplication) app = ck_application_new ();
  g_autoptr(CkRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  AdwMessageDialog *dialog;
  CkStoredCertificate *selected_cert;
  CkWindow *window;
  gint64 request_id, cert_id;
  RowWait wait;

  if (g_getenv ("CK_CERTTOOL") == NULL)
    {
      g_test_skip ("certtool is not installed");
      return;
    }

  request = make_request (fixture, "CN=c.example, O=Acme, C=US", "tls-server", &request_id);
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  window = ck_window_new (app, fixture->store, NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 700);
  gtk_window_present (GTK_WINDOW (window));
  ck_gui_test_spin_until (window_idle, window);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "requests"));
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (window->view_stack), ==, "requests");
  g_assert_true (ck_request_list_select_first (window->request_list));
  ck_gui_test_spin_until (window_idle, window);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->details_stack), ==, "request");
  g_assert_true (ck_request_details_get_request (window->request_details)
                 == ck_store_get_request_row (fixture->store, request_id));
  g_assert_cmpstr (adw_window_title_get_title (window->details_title), ==, "c.example");

  /* Issued while shown: the details follow, and their link opens the
   * certificate on the Certificates page. */
  cert_id = issue_dropping_a_name (fixture, request, "c.example");
  ck_gui_test_spin_until (window_idle, window);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->details_stack), ==, "request");
  g_assert_nonnull (ck_request_details_get_differences (window->request_details));
  g_assert_cmpuint (ck_request_details_get_differences (window->request_details)->len, ==, 1);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window->request_details),
                                             "request.show-certificate", NULL));
  /* The certificate list selects once its search (and its trust
   * verdicts) are done. */
  ck_gui_test_spin_until (window_idle, window);
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (window->view_stack), ==, "certificates");
  g_assert_cmpuint (g_list_model_get_n_items (ck_certificate_list_get_model (window->certificate_list)), ==, 1);
  selected_cert = ck_certificate_list_get_selected (window->certificate_list);
  g_assert_nonnull (selected_cert);
  g_assert_cmpint (ck_stored_certificate_get_id (selected_cert), ==, cert_id);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->details_stack), ==, "details");

  /* Searching on the Requests page filters requests in place. */
  gtk_search_bar_set_search_mode (window->search_bar, FALSE);
  gtk_editable_set_text (GTK_EDITABLE (window->search_entry), "");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "requests"));
  gtk_editable_set_text (GTK_EDITABLE (window->search_entry), "no such request");
  g_signal_emit_by_name (window->search_entry, "activate");
  ck_gui_test_spin_until (window_idle, window);
  g_assert_cmpstr (adw_view_stack_get_visible_child_name (window->view_stack), ==, "requests");
  g_assert_cmpuint (g_list_model_get_n_items (ck_request_list_get_model (window->request_list)), ==, 0);
  gtk_editable_set_text (GTK_EDITABLE (window->search_entry), "c.example");
  g_signal_emit_by_name (window->search_entry, "activate");
  ck_gui_test_spin_until (window_idle, window);
  g_assert_cmpuint (g_list_model_get_n_items (ck_request_list_get_model (window->request_list)), ==, 1);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->details_stack), ==, "request");

  /* On the Keys page, the request under its key opens the same details.
   * (The entry's delayed search-changed must not come after the switch:
   * text typed on the Keys page shows certificates.) */
  {
    gboolean changed = FALSE;
    gulong id = g_signal_connect (window->search_entry, "search-changed",
                                  G_CALLBACK (on_search_changed), &changed);

    gtk_editable_set_text (GTK_EDITABLE (window->search_entry), "");
    ck_gui_test_spin_until (is_true, &changed);
    g_signal_handler_disconnect (window->search_entry, id);
  }
  ck_gui_test_spin_until (window_idle, window);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "keys"));
  ck_gui_test_spin_until (window_idle, window);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->details_stack), ==, "none");
  select_in_key_list (window->key_list, G_OBJECT (ck_store_get_request_row (fixture->store, request_id)));
  ck_gui_test_spin_until (window_idle, window);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->details_stack), ==, "request");
  g_assert_true (ck_request_details_get_request (window->request_details)
                 == ck_store_get_request_row (fixture->store, request_id));

  /* The window's Delete (the Delete key, the header's trash button) asks
   * about the request, not about a certificate or key. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.delete", NULL));
  ck_gui_test_spin_until (window_idle, window);
  dialog = ck_gui_test_find_message_dialog (NULL);
  g_assert_nonnull (dialog);
  g_assert_nonnull (strstr (adw_message_dialog_get_heading (dialog), "Request"));
  adw_message_dialog_response (dialog, "delete");
  /* The keeper deletes in a worker. */
  wait = (RowWait) { fixture->store, request_id };
  ck_gui_test_spin_until (request_gone, &wait);
  ck_gui_test_spin_until (window_idle, window);
  g_assert_null (ck_store_get_request_row (fixture->store, request_id));
  g_assert_nonnull (ck_store_get_certificate_row (fixture->store, cert_id));
  /* The Keys page drops the row when it rebuilds, at idle priority. */
  ck_gui_test_spin_until (shows_no_details, window);

  gtk_window_destroy (GTK_WINDOW (window));
  settle ();
}

/* Every row under @widget that a details pane shows values in. */
static void
collect_rows (GtkWidget *widget,
              GPtrArray *rows)
{
  if (ADW_IS_PREFERENCES_ROW (widget))
    g_ptr_array_add (rows, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_rows (child, rows);
}

/* Every row is the one details row: name above a selectable value, in the
 * same style classes, whichever pane shows it. */
static guint
assert_details_rows (GtkWidget *pane)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();

  collect_rows (pane, rows);
  for (guint i = 0; i < rows->len; i++)
    {
      GtkWidget *row = rows->pdata[i];
      GtkLabel *value;
      GtkWidget *title;

      g_assert_false (ADW_IS_ACTION_ROW (row));
      g_assert_true (ck_details_row_is_row (row));
      value = ck_details_row_get_value (row);
      g_assert_true (gtk_label_get_selectable (value));
      g_assert_true (gtk_label_get_wrap (value));
      title = gtk_widget_get_prev_sibling (GTK_WIDGET (value));
      g_assert_true (GTK_IS_LABEL (title));
      g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (title)), ==,
                       adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)));
      g_assert_true (gtk_widget_has_css_class (title, "caption-heading"));
      g_assert_true (gtk_widget_has_css_class (title, "dim-label"));
    }
  return rows->len;
}

/* The request details and the certificate details are one style: the
 * same rows, and the PEM shown as the certificate's is. */
static void
test_one_style (Fixture       *fixture,
                gconstpointer  data)
{
  g_autoptr(CkRequest) request = NULL;
  g_autoptr(CkCertificate) certificate = NULL;
  g_autoptr(GError) error = NULL;
  CkRequestDetails *details;
  CkDetailsPane *pane;
  GtkWidget *window;
  gint64 request_id, cert_id;

  if (g_getenv ("CK_CERTTOOL") == NULL)
    {
      g_test_skip ("certtool is not installed");
      return;
    }

  request = make_request (fixture, "CN=s.example, O=Acme, C=US", "tls-server", &request_id);
  cert_id = issue_dropping_a_name (fixture, request, "s.example");
  certificate = ck_store_load_certificate (fixture->store, cert_id, &error);
  g_assert_no_error (error);

  window = gtk_window_new ();
  details = g_object_new (CK_TYPE_REQUEST_DETAILS, NULL);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (details));
  ck_request_details_show (details, fixture->store, ck_store_get_request_row (fixture->store, request_id));
  settle ();
  /* Status, the certificate link, one difference, the description, the
   * request group and its PEM. */
  g_assert_cmpuint (assert_details_rows (GTK_WIDGET (details)), >=, 10);
  {
    g_autofree char *text = shown_text (GTK_WIDGET (details));

    g_assert_nonnull (strstr (text, "Request in PEM format\n-----BEGIN CERTIFICATE REQUEST-----"));
    g_assert_nonnull (strstr (text, "s.example"));
  }

  pane = g_object_new (CK_TYPE_DETAILS_PANE, NULL);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (pane));
  ck_details_pane_show_certificate (pane, fixture->store,
                                    ck_store_get_certificate_row (fixture->store, cert_id),
                                    certificate);
  settle ();
  g_assert_cmpuint (assert_details_rows (GTK_WIDGET (pane)), >=, 10);

  gtk_window_destroy (GTK_WINDOW (window));
  settle ();
}

static gboolean
details_opened (gpointer data)
{
  CkWindow *window = data;

  return adw_leaflet_get_visible_child (window->leaflet) == window->details_scroller
         && gtk_widget_get_mapped (GTK_WIDGET (window->request_details));
}

/* Opening a request on a folded window (Enter on its row) puts the focus
 * on what was opened, not on the header's Delete button. */
static void
test_open_focus (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(CkApplication) app = ck_application_new ();
  g_autoptr(CkRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  CkWindow *window;
  GtkWidget *focus;
  gint64 request_id;

  request = make_request (fixture, "CN=f.example, O=Acme, C=US", "tls-server", &request_id);
  /* Its own id: test_window's application is still exported on the bus. */
  g_application_set_application_id (G_APPLICATION (app), "io.github.certkeeper.Certkeeper.TestFocus");
  g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
  g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
  g_assert_no_error (error);
  window = ck_window_new (app, fixture->store, NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 600, 700);
  gtk_window_present (GTK_WINDOW (window));
  ck_gui_test_spin_until (window_idle, window);
  g_assert_true (adw_leaflet_get_folded (window->leaflet));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "requests"));
  ck_gui_test_spin_until (window_idle, window);
  g_assert_true (ck_request_list_select_first (window->request_list));
  ck_gui_test_spin_until (window_idle, window);
  /* The keyboard is on the list, as when Enter is pressed on a row. */
  g_assert_true (gtk_widget_child_focus (GTK_WIDGET (window->request_list), GTK_DIR_TAB_FORWARD));
  g_signal_emit_by_name (window->request_list, "activate");
  ck_gui_test_spin_until (details_opened, window);

  focus = gtk_root_get_focus (GTK_ROOT (window));
  g_assert_nonnull (focus);
  g_assert_true (gtk_widget_is_ancestor (focus, GTK_WIDGET (window->request_details)));
  g_assert_false (GTK_IS_BUTTON (focus));
  /* The request's name, first in the details. */
  g_assert_true (GTK_IS_LABEL (focus));
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (focus)), ==, "f.example");

  gtk_window_destroy (GTK_WINDOW (window));
  settle ();
}

static void
skip_without_display (void)
{
  g_test_skip ("No display");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  ck_core_init ();

  if (!gtk_init_check ())
    {
      g_test_message ("No display: the widget tests need Xvfb");
      g_test_add_func ("/requests/need-a-display", skip_without_display);
      return g_test_run ();
    }
  adw_init ();
  /* GTK 4.8 warns about the search entry's cursor blink in a window that
   * Xvfb never focuses ("unexpected blinking selection"). */
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);
  /* The widgets' templates come from the app's resource, which lives in a
   * static library: referencing it links it in (it registers itself). */
  (void) ck_get_resource ();

  g_test_add ("/requests/lifecycle", Fixture, NULL, fixture_setup, test_lifecycle, fixture_teardown);
  g_test_add ("/requests/restore", Fixture, NULL, fixture_setup, test_restore, fixture_teardown);
  g_test_add ("/requests/delete-undo", Fixture, NULL, fixture_setup, test_delete_undo, fixture_teardown);
  g_test_add ("/requests/delete-undo-issued", Fixture, NULL, fixture_setup, test_delete_undo_issued,
              fixture_teardown);
  g_test_add ("/requests/sort-search", Fixture, NULL, fixture_setup, test_sort_search, fixture_teardown);
  g_test_add ("/requests/window", Fixture, NULL, fixture_setup, test_window, fixture_teardown);
  g_test_add ("/requests/one-style", Fixture, NULL, fixture_setup, test_one_style, fixture_teardown);
  g_test_add ("/requests/open-focus", Fixture, NULL, fixture_setup, test_open_focus, fixture_teardown);

  return g_test_run ();
}
