/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Widget tests of the application under Xvfb: the certificate list's
 * search and sorting over a real temporary store, the expiry texts, the
 * details pane against openssl, the import dialog's plan, and the export
 * helpers (chain walk, PKCS#12 read back by openssl). */

#include <glib/gstdio.h>

#include "ck-application.h"
#include "ck-certificate-list.h"
#include "ck-certificate-model.h"
#include "ck-details-pane.h"
#include "ck-expiry.h"
#include "ck-gui-test-util.h"
#include "ck-import-dialog.h"
#include "ck-import-row.h"
#include "ck-key-list.h"
#include "ck-resources.h"
#include "ck-test-certs.h"
#include "ck-test-tools.h"
#include "ck-window-private.h"

#define DAY (G_GINT64_CONSTANT (24) * 60 * 60)

typedef struct
{
  char    *dir;
  CkStore *store;
} Fixture;

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
  /* As if stored in an earlier session: the dialogs under test find the
   * store locked and ask for its passphrase. */
  ck_key_vault_lock (ck_key_vault_get (store));
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
  ck_gui_test_spin_until (list_idle, list);
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
  ck_gui_test_spin_until (list_idle, list);
  /* host 1, host 10 … host 19 */
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 11);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(CkStoredCertificate) row = g_list_model_get_item (model, i);

      g_assert_true (g_str_has_prefix (ck_stored_certificate_get_display_name (row), "host 1"));
    }

  /* Typing more narrows; deleting widens again. */
  ck_certificate_list_set_search (list, "host 12");
  ck_gui_test_spin_until (list_idle, list);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  ck_certificate_list_set_search (list, "");
  ck_gui_test_spin_until (list_idle, list);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 32);

  /* A fingerprint as people copy it: upper case with colons. */
  some = g_list_model_get_item (model, 7);
  colons = ck_hex_format_colons (ck_stored_certificate_get_sha256 (some));
  ck_certificate_list_set_search (list, colons);
  ck_gui_test_spin_until (list_idle, list);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  {
    g_autoptr(CkStoredCertificate) found = g_list_model_get_item (model, 0);

    g_assert_cmpstr (ck_stored_certificate_get_sha256 (found), ==,
                     ck_stored_certificate_get_sha256 (some));
  }

  /* Issuer. */
  ck_certificate_list_set_search (list, "widget test ca");
  ck_gui_test_spin_until (list_idle, list);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 32);

  ck_certificate_list_set_search (list, "no such thing anywhere");
  ck_gui_test_spin_until (list_idle, list);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);
}


/* What a view sees of a model: a copy kept up to date from items-changed
 * alone. It must equal the model after every signal, whatever path the
 * model takes (CkCertificateModel hands removed live rows back for a
 * moment so that GTK reuses their widgets). */
typedef struct
{
  GPtrArray *rows;
  guint      signals;
} Mirror;

static void
mirror_items_changed (GListModel *model,
                      guint       position,
                      guint       removed,
                      guint       added,
                      Mirror     *mirror)
{
  g_assert_cmpuint (position + removed, <=, mirror->rows->len);
  g_ptr_array_remove_range (mirror->rows, position, removed);
  for (guint i = 0; i < added; i++)
    g_ptr_array_insert (mirror->rows, position + i, g_list_model_get_item (model, position + i));
  g_assert_cmpuint (mirror->rows->len, ==, g_list_model_get_n_items (model));
  mirror->signals++;
}

static void
assert_mirror (Mirror     *mirror,
               GListModel *model)
{
  g_assert_cmpuint (mirror->rows->len, ==, g_list_model_get_n_items (model));
  for (guint i = 0; i < mirror->rows->len; i++)
    {
      g_autoptr(GObject) item = g_list_model_get_item (model, i);

      g_assert_true (item == mirror->rows->pdata[i]);
    }
}

static gboolean
model_idle (gpointer data)
{
  return !ck_certificate_model_is_busy (data);
}

static gboolean
odd_rows_live (CkStoredCertificate *row,
               gpointer             user_data)
{
  return ck_stored_certificate_get_id (row) % 2 == 1;
}

static void
assert_all_match (GListModel *model,
                  const char *needle)
{
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(CkStoredCertificate) row = g_list_model_get_item (model, i);

      g_assert_true (ck_stored_certificate_matches (row, needle));
    }
}

static void
test_model_changes (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(CkCertificateModel) model = ck_certificate_model_new ();
  Mirror mirror = { g_ptr_array_new_with_free_func (g_object_unref), 0 };
  const char *needles[] = { "host 1", "host 12", "host 1", NULL, "host 2", "widget", "host 29",
                            "nothing like this", "host", NULL };
  guint n_all;

  populate (fixture);
  g_signal_connect (model, "items-changed", G_CALLBACK (mirror_items_changed), &mirror);
  ck_certificate_model_set_live_func (model, odd_rows_live, NULL);
  ck_certificate_model_set_source (model, ck_store_get_certificates (fixture->store));
  /* Shown a few rows at a time at first: every step keeps the mirror. */
  g_assert_true (ck_certificate_model_is_busy (model));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), <, 32);
  ck_gui_test_spin_until (model_idle, model);
  assert_mirror (&mirror, G_LIST_MODEL (model));
  n_all = g_list_model_get_n_items (G_LIST_MODEL (model));
  g_assert_cmpuint (n_all, ==, 32);

  for (guint i = 0; i < G_N_ELEMENTS (needles); i++)
    {
      g_autofree char *needle = needles[i] != NULL ? ck_stored_certificate_prepare_needle (needles[i]) : NULL;
      guint expected = 0;

      ck_certificate_model_set_needle (model, needle);
      ck_gui_test_spin_until (model_idle, model);
      assert_mirror (&mirror, G_LIST_MODEL (model));
      for (guint j = 0; j < n_all; j++)
        {
          g_autoptr(CkStoredCertificate) row = g_list_model_get_item (ck_store_get_certificates (fixture->store), j);

          expected += needle == NULL || ck_stored_certificate_matches (row, needle);
        }
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, expected);
      if (needle != NULL)
        assert_all_match (G_LIST_MODEL (model), needle);

      /* Sorting while searching keeps the same rows, in the new order. */
      ck_certificate_model_set_sort (model, CK_CERTIFICATE_SORT_EXPIRES, i % 2 == 0);
      assert_mirror (&mirror, G_LIST_MODEL (model));
      g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, expected);
      ck_certificate_model_set_sort (model, CK_CERTIFICATE_SORT_NAME, FALSE);
      assert_mirror (&mirror, G_LIST_MODEL (model));
    }
  /* Rows leaving the store leave the model. */
  {
    g_autoptr(CkStoredCertificate) gone = g_list_model_get_item (G_LIST_MODEL (model), 3);
    g_autoptr(GError) error = NULL;

    g_assert_true (ck_store_delete (fixture->store, ck_stored_certificate_get_id (gone), &error));
    g_assert_no_error (error);
    assert_mirror (&mirror, G_LIST_MODEL (model));
    g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, n_all - 1);
  }
  g_assert_cmpuint (mirror.signals, >, 10);
  ck_certificate_model_set_source (model, NULL);
  g_assert_cmpuint (mirror.rows->len, ==, 0);
  g_ptr_array_unref (mirror.rows);
}

/* The list on screen with more rows than GTK keeps widgets for (~200):
 * searching by SAN, serial and SHA-1 shows the right rows, from the top,
 * and the selection follows its row while it still matches. */
static gboolean
scrolled_down (gpointer data)
{
  return gtk_adjustment_get_value (data) > 0;
}

/* The first widget under @root (itself included) that @match accepts. */
static GtkWidget *
find_widget (GtkWidget  *root,
             gboolean  (*match) (GtkWidget *widget, const char *data),
             const char *data)
{
  if (match (root, data))
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_widget (c, match, data);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
has_css_name (GtkWidget  *widget,
              const char *name)
{
  return g_strcmp0 (gtk_widget_get_css_name (widget), name) == 0;
}

static gboolean
is_button_labelled (GtkWidget  *widget,
                    const char *label)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;
}

/* The column view's list (CSS node "listview"), which has the
 * list.scroll-to-item action; not a drop-down popover's. */
static GtkWidget *
find_listview (GtkWidget *column_view)
{
  return find_widget (column_view, has_css_name, "listview");
}

static void
test_list_search_on_screen (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(CkTestCa) ca = ck_test_ca_new ("Screen CA");
  gnutls_x509_privkey_t key = ck_test_key_new ();
  g_autoptr(GString) pem = g_string_new (NULL);
  GtkWidget *window = gtk_window_new ();
  CkCertificateList *list = g_object_new (CK_TYPE_CERTIFICATE_LIST, NULL);
  GListModel *model;
  GtkAdjustment *vadj;
  g_autoptr(CkStoredCertificate) picked = NULL;
  g_autofree char *serial_colons = NULL;
  g_autofree char *san_needle = NULL;
  const char *san;

  ck_test_ca_issue_many (ca, key, "server", 1, 400, pem);
  commit_pem (fixture->store, pem->str, "screen.pem");
  gnutls_x509_privkey_deinit (key);

  gtk_window_set_default_size (GTK_WINDOW (window), 1000, 700);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (list));
  gtk_window_present (GTK_WINDOW (window));
  ck_certificate_list_set_store (list, fixture->store);
  ck_gui_test_spin_until (list_idle, list);
  ck_gui_test_wait_for_frame (window);
  model = ck_certificate_list_get_model (list);
  /* The list's own: the first scrolled window below the list is a
   * drop-down's popover. */
  vadj = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (
    gtk_widget_get_template_child (GTK_WIDGET (list), CK_TYPE_CERTIFICATE_LIST, "column_view")));
  g_assert_nonnull (vadj);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 400);

  /* Typing narrows and widens again, and the view stays at the top. */
  ck_certificate_list_set_search (list, "server 3");
  ck_gui_test_wait_for_frame (window);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 111);
  assert_all_match (model, "server 3");
  g_assert_cmpfloat (gtk_adjustment_get_value (vadj), ==, 0);
  ck_certificate_list_set_search (list, "server 37");
  ck_gui_test_wait_for_frame (window);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 11);
  g_assert_cmpfloat (gtk_adjustment_get_value (vadj), ==, 0);
  ck_certificate_list_set_search (list, "");
  ck_gui_test_wait_for_frame (window);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 400);
  g_assert_cmpfloat (gtk_adjustment_get_value (vadj), ==, 0);

  /* Scrolled down, a new sort order starts at its top too. */
  g_assert_true (gtk_widget_activate_action (find_listview (GTK_WIDGET (gtk_widget_get_template_child (
                                               GTK_WIDGET (list), CK_TYPE_CERTIFICATE_LIST, "column_view"))),
                                             "list.scroll-to-item",
                                             "u", g_list_model_get_n_items (model) - 1));
  ck_gui_test_spin_until (scrolled_down, vadj);
  ck_certificate_list_sort_by (list, "name", GTK_SORT_DESCENDING);
  ck_gui_test_spin_until (list_idle, list);
  ck_gui_test_wait_for_frame (window);
  g_assert_cmpfloat (gtk_adjustment_get_value (vadj), ==, 0);
  ck_certificate_list_sort_by (list, "name", GTK_SORT_ASCENDING);
  ck_gui_test_spin_until (list_idle, list);
  ck_gui_test_wait_for_frame (window);

  /* Scrolled down, a search starts from the top of the results. */
  gtk_adjustment_set_value (vadj, gtk_adjustment_get_upper (vadj) / 2);
  ck_gui_test_wait_for_frame (window);
  ck_certificate_list_set_search (list, "server 2");
  ck_gui_test_wait_for_frame (window);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 111);
  assert_all_match (model, "server 2");

  /* A SAN, a serial with colons, a SHA-1 fingerprint. */
  ck_certificate_list_set_search (list, "");
  picked = g_list_model_get_item (model, 250);
  san = ck_stored_certificate_get_san (picked);
  g_assert_nonnull (san);
  g_assert_nonnull (strchr (san, ':'));
  /* "DNS:a.example, …": the first name, without its tag. */
  san_needle = g_strndup (strchr (san, ':') + 1, strcspn (strchr (san, ':') + 1, ","));
  ck_certificate_list_set_search (list, san_needle);
  ck_gui_test_wait_for_frame (window);
  g_assert_cmpuint (g_list_model_get_n_items (model), >=, 1);
  assert_all_match (model, san_needle);
  serial_colons = ck_hex_format_colons (ck_stored_certificate_get_serial (picked));
  ck_certificate_list_set_search (list, serial_colons);
  ck_gui_test_wait_for_frame (window);
  /* Short test serials are also in other rows' fingerprints. */
  {
    gboolean found = FALSE;

    for (guint i = 0; i < g_list_model_get_n_items (model); i++)
      {
        g_autoptr(CkStoredCertificate) row = g_list_model_get_item (model, i);

        found = found || row == picked;
      }
    g_assert_true (found);
  }
  ck_certificate_list_set_search (list, ck_stored_certificate_get_sha1 (picked));
  ck_gui_test_wait_for_frame (window);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);

  /* The selected row stays selected while it matches. */
  ck_certificate_list_set_search (list, "server");
  ck_gui_test_wait_for_frame (window);
  g_assert_true (ck_certificate_list_select_first (list));
  {
    CkStoredCertificate *selected = ck_certificate_list_get_selected (list);
    g_autofree char *name = g_strdup (ck_stored_certificate_get_display_name (selected));

    g_assert_nonnull (selected);
    ck_certificate_list_set_search (list, name);
    ck_gui_test_wait_for_frame (window);
    g_assert_nonnull (ck_certificate_list_get_selected (list));
    g_assert_cmpstr (ck_stored_certificate_get_display_name (ck_certificate_list_get_selected (list)),
                     ==, name);
  }

  gtk_window_destroy (GTK_WINDOW (window));
}


static CkWindow *new_window (Fixture *fixture);

/* certkeeper-cli (here: a second CkStore) imports while the window is
 * open: the window reloads, the new row appears and the selected
 * certificate stays selected. */
static void
test_window_reload (Fixture       *fixture,
                    gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CkStore) other = NULL;
  g_autoptr(CkTestCa) ca = ck_test_ca_new ("Elsewhere CA");
  gnutls_x509_privkey_t key = ck_test_key_new ();
  g_autofree char *pem = ck_test_ca_issue (ca, key, "from the cli.example", 77);
  CkWindow *window;
  GListModel *model;
  gint64 selected_id;

  populate (fixture);
  gnutls_x509_privkey_deinit (key);
  window = new_window (fixture);
  model = ck_certificate_list_get_model (window->certificate_list);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 32);
  g_assert_true (ck_certificate_list_select_first (window->certificate_list));
  selected_id = ck_stored_certificate_get_id (ck_certificate_list_get_selected (window->certificate_list));

  /* Nothing changed: nothing to do. */
  g_assert_false (ck_store_changed_elsewhere (fixture->store));
  g_assert_false (ck_window_reload_if_changed (window));

  other = ck_store_open (fixture->dir, &error);
  g_assert_no_error (error);
  commit_pem (other, pem, "cli.pem");
  g_assert_true (ck_store_changed_elsewhere (fixture->store));
  g_assert_true (ck_window_reload_if_changed (window));
  ck_gui_test_spin_until (list_idle, window->certificate_list);
  g_assert_false (ck_store_changed_elsewhere (fixture->store));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 33);
  g_assert_nonnull (ck_certificate_list_get_selected (window->certificate_list));
  g_assert_cmpint (ck_stored_certificate_get_id (ck_certificate_list_get_selected (window->certificate_list)),
                   ==, selected_id);

  gtk_window_destroy (GTK_WINDOW (window));
}


static gboolean
window_dialog_ready (gpointer data)
{
  CkWindow *window = data;

  return window->import_dialog != NULL && !ck_import_dialog_is_reading (window->import_dialog);
}

static guint
plan_count (CkImportDialog   *dialog,
            CkImportItemKind  kind)
{
  return ck_import_plan_count (ck_import_dialog_get_plan (dialog), kind);
}

/* A window on the fixture's store. One application for the whole test
 * program: a second one would not register on the session bus. */
static CkWindow *
new_window (Fixture *fixture)
{
  static CkApplication *app;
  CkWindow *window;

  if (app == NULL)
    {
      g_autoptr(GError) error = NULL;

      app = ck_application_new ();
      g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
      g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
      g_assert_no_error (error);
    }
  window = ck_window_new (app, fixture->store, NULL);
  gtk_window_present (GTK_WINDOW (window));
  ck_gui_test_spin_until (list_idle, window->certificate_list);
  return window;
}


static gboolean
has_label_containing (GtkWidget  *widget,
                      const char *text)
{
  if (GTK_IS_LABEL (widget) && strstr (gtk_label_get_text (GTK_LABEL (widget)), text) != NULL)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (has_label_containing (child, text))
      return TRUE;
  return FALSE;
}

static gboolean
message_dialog_shown (gpointer data)
{
  return ck_gui_test_find_message_dialog (data) != NULL;
}

typedef struct {
  CkWindow   *window;
  CkStore    *store;
  gint64      id;
  const char *title;
} UndoWait;

static gboolean
certificate_row_back (gpointer data)
{
  UndoWait *wait = data;

  return ck_store_get_certificate_row (wait->store, wait->id) != NULL;
}

/* The Undo button of the toast whose title has @title: the deepest
 * widget holding both (a toast still going away may be shown too). */
static GtkWidget *
find_toast_undo (GtkWidget  *widget,
                 const char *title)
{
  GtkWidget *button;

  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if ((button = find_toast_undo (child, title)) != NULL)
      return button;
  if (!has_label_containing (widget, title))
    return NULL;
  return ck_gui_test_find_button (widget, "_Undo");
}

static gboolean
toast_undo_shown (gpointer data)
{
  UndoWait *wait = data;

  return find_toast_undo (GTK_WIDGET (wait->window), wait->title) != NULL;
}

static gboolean
key_row_back (gpointer data)
{
  UndoWait *wait = data;

  return ck_store_get_key_row (wait->store, wait->id) != NULL;
}

/* Delete in the window, then Undo in its toast: the certificate comes
 * back with the same id, label, source, import time, trust decisions and
 * the request it issued; every table of store.db as it was. The
 * confirmation and the toast say its distrust stays with its key. */
static void
test_window_delete_undo (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autoptr(CkTestCa) ca = ck_test_ca_new ("Undo CA");
  gnutls_x509_privkey_t key = ck_test_key_new ();
  g_autofree char *ca_pem = ck_test_ca_get_pem (ca);
  g_autofree char *leaf = ck_test_ca_issue (ca, key, "undo.example", 500);
  g_autofree char *other = ck_test_ca_issue (ca, key, "undo-again.example", 501);
  g_autofree char *key_pem = ck_test_key_to_pem (key);
  g_autofree char *request_pem = ck_test_request_new (key, "undo.example");
  g_autofree char *pem = g_strconcat (ca_pem, key_pem, leaf, request_pem, NULL);
  g_autofree char *before = NULL, *during = NULL, *after = NULL, *heading = NULL;
  g_autoptr(CkCertificate) leaf_cert = ck_certificate_new_from_pem (leaf, -1, NULL);
  g_autoptr(CkCertificate) ca_cert = ck_certificate_new_from_pem (ca_pem, -1, NULL);
  g_autoptr(GError) error = NULL;
  CkStoredCertificate *row;
  AdwMessageDialog *dialog;
  GtkWidget *undo;
  CkWindow *window;
  UndoWait wait;
  gint64 leaf_id, ca_id;

  gnutls_x509_privkey_deinit (key);
  commit_pem (fixture->store, pem, "undo.pem");
  commit_pem (fixture->store, other, "undo-again.pem");
  leaf_id = ck_store_find_certificate (fixture->store, ck_certificate_get_sha256_fingerprint (leaf_cert));
  ca_id = ck_store_find_certificate (fixture->store, ck_certificate_get_sha256_fingerprint (ca_cert));
  g_assert_true (ck_store_set_label (fixture->store, leaf_id, "The web server", &error));
  g_assert_no_error (error);

  window = new_window (fixture);
  g_assert_nonnull (window->trust);
  g_assert_true (ck_trust_set (window->trust, ca_id, CK_PURPOSE_TLS_SERVER, CK_TRUST_TRUSTED, &error));
  g_assert_true (ck_trust_set (window->trust, leaf_id, CK_PURPOSE_ALL, CK_TRUST_DISTRUSTED, &error));
  g_assert_true (ck_trust_set (window->trust, leaf_id, CK_PURPOSE_EMAIL, CK_TRUST_TRUSTED, &error));
  g_assert_no_error (error);
  before = ck_test_dump_tables (ck_store_get_path (fixture->store));
  g_assert_nonnull (strstr (before, "|3:issued|"));

  row = ck_store_get_certificate_row (fixture->store, leaf_id);
  ck_gui_test_spin_until (list_idle, window->certificate_list);
  g_assert_true (ck_certificate_list_select_row (window->certificate_list, row));
  g_assert_true (window->selected == G_OBJECT (row));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.delete", NULL));
  /* Named by its label. */
  ck_gui_test_spin_until (message_dialog_shown, "The web server");
  dialog = ck_gui_test_find_message_dialog ("The web server");
  g_assert_nonnull (strstr (adw_message_dialog_get_heading (dialog), "The web server"));
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "Its distrust stays in force"));
  adw_message_dialog_response (dialog, "delete");
  /* The keeper deletes in a worker: its toast says when it is done. */
  wait = (UndoWait) { window, fixture->store, leaf_id, "“The web server” deleted" };
  ck_gui_test_spin_until (toast_undo_shown, &wait);
  g_assert_null (ck_store_get_certificate_row (fixture->store, leaf_id));
  during = ck_test_dump_tables (ck_store_get_path (fixture->store));
  g_assert_cmpstr (during, !=, before);

  /* The other certificate with the key is still distrusted. */
  {
    g_autoptr(CkVerifier) verifier = ck_verifier_new (window->trust);
    g_autoptr(CkCertificate) other_cert = ck_certificate_new_from_pem (other, -1, NULL);
    gint64 other_id = ck_store_find_certificate (fixture->store,
                                                 ck_certificate_get_sha256_fingerprint (other_cert));
    g_autoptr(CkVerification) v = ck_verifier_verify_id (verifier, other_id, CK_PURPOSE_TLS_SERVER, &error);

    g_assert_no_error (error);
    g_assert_cmpint (ck_verification_get_status (v), ==, CK_VERIFY_DISTRUSTED);
  }

  undo = find_toast_undo (GTK_WIDGET (window), wait.title);
  /* The toast says what happened to the distrust. */
  g_assert_true (has_label_containing (GTK_WIDGET (window), "deleted; its distrust stays in force for its key"));
  g_signal_emit_by_name (undo, "clicked");
  ck_gui_test_spin_until (certificate_row_back, &wait);

  after = ck_test_dump_tables (ck_store_get_path (fixture->store));
  g_assert_cmpstr (after, ==, before);
  row = ck_store_get_certificate_row (fixture->store, leaf_id);
  g_assert_cmpstr (ck_stored_certificate_get_label (row), ==, "The web server");
  g_assert_cmpstr (ck_stored_certificate_get_source (row), ==, "undo.pem");

  /* The key, from the Keys page: back with its blob, id and label, its
   * certificates with their key again. */
  {
    GListModel *keys = ck_key_list_get_model (window->key_list);
    gint64 key_id = 0;
    gboolean selected = FALSE;
    g_autofree char *title = NULL;

    adw_view_stack_set_visible_child_name (window->view_stack, "keys");
    for (guint i = 0; i < g_list_model_get_n_items (keys) && !selected; i++)
      {
        g_autoptr(GtkTreeListRow) tree_row = g_list_model_get_item (keys, i);
        g_autoptr(GObject) item = gtk_tree_list_row_get_item (tree_row);

        if (CK_IS_STORED_KEY (item))
          {
            key_id = ck_stored_key_get_id (CK_STORED_KEY (item));
            selected = gtk_selection_model_select_item (GTK_SELECTION_MODEL (keys), i, TRUE);
          }
      }
    g_assert_true (selected);
    g_assert_true (CK_IS_STORED_KEY (window->selected));
    title = g_strdup_printf ("“%s” deleted",
                             ck_stored_key_get_display_name (CK_STORED_KEY (window->selected)));
    g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.delete", NULL));
    g_free (heading);
    heading = g_strdup_printf ("Delete “%s”?",
                               ck_stored_key_get_display_name (CK_STORED_KEY (window->selected)));
    ck_gui_test_spin_until (message_dialog_shown, heading);
    adw_message_dialog_response (ck_gui_test_find_message_dialog (heading), "delete");
    wait.id = key_id;
    wait.title = title;
    ck_gui_test_spin_until (toast_undo_shown, &wait);
    g_assert_null (ck_store_get_key_row (fixture->store, key_id));
    g_assert_false (ck_stored_certificate_get_has_key (row));
    g_free (during);
    during = ck_test_dump_tables (ck_store_get_path (fixture->store));
    g_assert_cmpstr (during, !=, before);
    g_signal_emit_by_name (find_toast_undo (GTK_WIDGET (window), title), "clicked");
    ck_gui_test_spin_until (key_row_back, &wait);
    g_free (after);
    after = ck_test_dump_tables (ck_store_get_path (fixture->store));
    g_assert_cmpstr (after, ==, before);
    g_assert_true (ck_stored_certificate_get_has_key (row));
  }
  gtk_window_destroy (GTK_WINDOW (window));
}

static const char *
list_page (CkCertificateList *list)
{
  return gtk_stack_get_visible_child_name (GTK_STACK (
    gtk_widget_get_template_child (GTK_WIDGET (list), CK_TYPE_CERTIFICATE_LIST, "stack")));
}

/* A store with a key and no certificates: the Certificates page says so
 * and offers Import (before, bare column headers); a search that finds
 * nothing still says "No Results Found". */
static void
test_window_only_keys (Fixture       *fixture,
                       gconstpointer  data)
{
  gnutls_x509_privkey_t x509 = ck_test_key_new ();
  gnutls_datum_t pem = { NULL, 0 };
  g_autofree char *text = NULL;
  CkWindow *window;

  g_assert_cmpint (gnutls_x509_privkey_export2 (x509, GNUTLS_X509_FMT_PEM, &pem), ==, 0);
  text = g_strndup ((const char *) pem.data, pem.size);
  gnutls_free (pem.data);
  gnutls_x509_privkey_deinit (x509);
  commit_pem (fixture->store, text, "lonely.key");
  g_assert_cmpuint (g_list_model_get_n_items (ck_store_get_keys (fixture->store)), ==, 1);
  window = new_window (fixture);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "certificates"));
  ck_gui_test_spin_until (list_idle, window->certificate_list);
  /* The store is not empty (a key), so the window shows the store... */
  g_assert_cmpstr (gtk_stack_get_visible_child_name (window->main_stack), ==, "store");
  /* ...and its Certificates page its own empty state. */
  g_assert_cmpstr (list_page (window->certificate_list), ==, "empty");
  ck_certificate_list_set_search (window->certificate_list, "nothing like this");
  ck_gui_test_spin_until (list_idle, window->certificate_list);
  g_assert_cmpstr (list_page (window->certificate_list), ==, "no-results");
  ck_certificate_list_set_search (window->certificate_list, "");
  ck_gui_test_spin_until (list_idle, window->certificate_list);
  g_assert_cmpstr (list_page (window->certificate_list), ==, "empty");
  gtk_window_destroy (GTK_WINDOW (window));
}

static GtkDropTarget *
find_drop_target (GtkWidget *widget)
{
  g_autoptr(GListModel) controllers = gtk_widget_observe_controllers (widget);

  for (guint i = 0; i < g_list_model_get_n_items (controllers); i++)
    {
      g_autoptr(GObject) controller = g_list_model_get_item (controllers, i);

      if (GTK_IS_DROP_TARGET (controller))
        return GTK_DROP_TARGET (controller);
    }
  return NULL;
}

static gboolean
dialog_ready (gpointer data)
{
  /* Items arrive while the reader runs; pairing is final once it is done. */
  return !ck_import_dialog_is_reading (data);
}

static gboolean
is_import_row_of_kind (GtkWidget     *widget,
                       gconstpointer  data)
{
  CkImportItem *item;

  return CK_IS_IMPORT_ROW (widget) &&
         (item = ck_import_row_get_item (CK_IMPORT_ROW (widget))) != NULL &&
         ck_import_item_get_kind (item) == (CkImportItemKind) GPOINTER_TO_INT (data);
}

/* The import row showing an item of @kind (the first one found), or NULL:
 * rows exist only once the dialog's list has laid them out. */
static GtkWidget *
find_import_row (GtkWidget        *widget,
                 CkImportItemKind  kind)
{
  return ck_gui_test_find_widget (widget, is_import_row_of_kind, GINT_TO_POINTER (kind));
}

static gboolean
is_label_reading (GtkWidget     *widget,
                  gconstpointer  text)
{
  return GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0;
}

/* The label under @widget that reads @text, or NULL. */
static GtkWidget *
find_label (GtkWidget  *widget,
            const char *text)
{
  return ck_gui_test_find_widget (widget, is_label_reading, text);
}

static gboolean
is_row_titled_visible (GtkWidget     *widget,
                       gconstpointer  data)
{
  return ADW_IS_PREFERENCES_ROW (widget) && gtk_widget_is_visible (widget) &&
         g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), data) == 0;
}

static gboolean
is_visible_passphrase_row (GtkWidget     *widget,
                           gconstpointer  data)
{
  return ADW_IS_PASSWORD_ENTRY_ROW (widget) && gtk_widget_is_visible (widget);
}

/* A visible passphrase entry for the store (not a row's unlock entry). */
static gboolean
shows_store_passphrase (GtkWidget *widget)
{
  return ck_gui_test_find_widget (widget, is_visible_passphrase_row, NULL) != NULL;
}

typedef struct {
  GtkWidget        *root;
  CkImportItemKind  kind;
} RowQuery;

static gboolean
import_row_shown (gpointer data)
{
  RowQuery *query = data;

  return find_import_row (query->root, query->kind) != NULL;
}

/* Unlocking runs in the keeper's worker: the plan changes, or the row
 * says why not, when it is done. */
typedef struct {
  CkImportDialog   *dialog;
  CkImportItemKind  kind;
  guint             n;
} PlanCount;

static gboolean
plan_count_is (PlanCount *wait)
{
  return plan_count (wait->dialog, wait->kind) == wait->n;
}

static void
wait_for_plan_count (CkImportDialog   *dialog,
                     CkImportItemKind  kind,
                     guint             n)
{
  PlanCount wait = { dialog, kind, n };

  ck_gui_test_spin_until (plan_count_is, &wait);
}

static gboolean
shows_wrong_password (GtkWidget *row)
{
  return find_label (row, "Wrong password. Try again.") != NULL;
}

/* A wait for the dialog to be done reading, then for a row of @kind. */
static GtkWidget *
wait_for_import_row (CkImportDialog   *dialog,
                     CkImportItemKind  kind)
{
  RowQuery query = { GTK_WIDGET (dialog), kind };

  ck_gui_test_spin_until (dialog_ready, dialog);
  ck_gui_test_spin_until (import_row_shown, &query);
  return find_import_row (GTK_WIDGET (dialog), kind);
}

/* @cert_pem and @key_pem in a PKCS#12 made by openssl (@openssl), under
 * the password "p12 secret" (given to openssl in a file): returns the
 * path of NAME.p12 in the fixture's directory. */
static char *
write_pkcs12 (Fixture    *fixture,
              const char *openssl,
              const char *name,
              const char *cert_pem,
              const char *key_pem)
{
  g_autofree char *base = g_build_filename (fixture->dir, name, NULL);
  g_autofree char *cert_path = g_strconcat (base, "-cert.pem", NULL);
  g_autofree char *key_path = g_strconcat (base, "-key.pem", NULL);
  g_autofree char *pass_path = g_strconcat (base, "-pass.txt", NULL);
  g_autofree char *passout = g_strconcat ("file:", pass_path, NULL);
  char *p12_path = g_strconcat (base, ".p12", NULL);
  g_autoptr(GError) error = NULL;

  g_assert_true (g_file_set_contents (cert_path, cert_pem, -1, &error));
  g_assert_true (g_file_set_contents (key_path, key_pem, -1, &error));
  g_assert_true (g_file_set_contents (pass_path, "p12 secret\n", -1, &error));
  g_assert_no_error (error);
  {
    const char *argv[] = { openssl, "pkcs12", "-export", "-in", cert_path, "-inkey", key_path,
                           "-passout", passout, "-out", p12_path, NULL };
    g_autofree char *out = ck_test_run_tool (argv);

    g_assert_nonnull (out);
  }
  return p12_path;
}

/* The ways in that need no file chooser: Ctrl+V of PEM text and a file
 * dropped on the window, each opening the import dialog with its items
 * and writing nothing yet; then a PKCS#12 in the dialog, a wrong password
 * first (the item stays locked, nothing else is lost), then the right one. */
static void
test_window_paste_drop_pkcs12 (Fixture       *fixture,
                               gconstpointer  data)
{
  const char *openssl = g_getenv ("CK_OPENSSL");
  g_autoptr(CkTestCa) ca = ck_test_ca_new ("Paste CA");
  gnutls_x509_privkey_t key = ck_test_key_new ();
  g_autofree char *pasted = ck_test_ca_issue (ca, key, "pasted.example", 11);
  g_autofree char *dropped = ck_test_ca_issue (ca, key, "dropped.example", 12);
  g_autofree char *p12_cert = ck_test_ca_issue (ca, key, "bundle.example", 13);
  g_autofree char *key_pem = ck_test_key_to_pem (key);
  g_autofree char *drop_path = g_build_filename (fixture->dir, "dropped.pem", NULL);
  g_autofree char *p12_path = NULL;
  g_autoptr(GFile) drop_file = g_file_new_for_path (drop_path);
  g_autoptr(GFile) p12_file = NULL;
  g_autoptr(GError) error = NULL;
  GValue value = G_VALUE_INIT;
  GtkDropTarget *drop;
  CkImportDialog *dialog;
  CkImportItem *locked = NULL;
  CkWindow *window;
  gboolean handled = FALSE;

  gnutls_x509_privkey_deinit (key);
  window = new_window (fixture);

  /* Paste: the window reads the clipboard as text. */
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (window)), pasted);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.paste", NULL));
  ck_gui_test_spin_until (window_dialog_ready, window);
  dialog = window->import_dialog;
  g_assert_cmpuint (plan_count (dialog, CK_IMPORT_ITEM_CERTIFICATE), ==, 1);
  g_assert_cmpstr (ck_import_item_get_file (ck_import_plan_get_item (ck_import_dialog_get_plan (dialog), 0)),
                   ==, "pasted text");
  g_assert_cmpuint (g_list_model_get_n_items (ck_store_get_certificates (fixture->store)), ==, 0);
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_null (window->import_dialog);

  /* Drop a file: the window's drop target gets a GdkFileList. */
  g_assert_true (g_file_set_contents (drop_path, dropped, -1, &error));
  g_assert_no_error (error);
  drop = find_drop_target (GTK_WIDGET (window));
  g_assert_nonnull (drop);
  g_value_init (&value, GDK_TYPE_FILE_LIST);
  {
    GSList *files = g_slist_prepend (NULL, drop_file);

    g_value_set_boxed (&value, files);
    g_slist_free (files);
  }
  g_signal_emit_by_name (drop, "drop", &value, 10.0, 10.0, &handled);
  g_value_unset (&value);
  g_assert_true (handled);
  ck_gui_test_spin_until (window_dialog_ready, window);
  dialog = window->import_dialog;
  g_assert_cmpuint (plan_count (dialog, CK_IMPORT_ITEM_CERTIFICATE), ==, 1);
  g_assert_cmpstr (ck_import_item_get_file (ck_import_plan_get_item (ck_import_dialog_get_plan (dialog), 0)),
                   ==, "dropped.pem");
  gtk_window_destroy (GTK_WINDOW (dialog));

  if (openssl == NULL)
    {
      gtk_window_destroy (GTK_WINDOW (window));
      g_test_skip ("openssl is not installed: no PKCS#12 part");
      return;
    }

  /* A PKCS#12 made by openssl, its password in a file. */
  p12_path = write_pkcs12 (fixture, openssl, "bundle", p12_cert, key_pem);
  p12_file = g_file_new_for_path (p12_path);
  dialog = ck_window_get_import_dialog (window);
  g_assert_true (ck_import_dialog_add_files (dialog, &p12_file, 1));
  ck_gui_test_spin_until (window_dialog_ready, window);
  g_assert_cmpuint (plan_count (dialog, CK_IMPORT_ITEM_LOCKED), ==, 1);
  g_assert_cmpuint (plan_count (dialog, CK_IMPORT_ITEM_CERTIFICATE), ==, 0);

  /* The row's "unlock" signal is what its password entry emits. */
  {
    GtkWidget *row = wait_for_import_row (dialog, CK_IMPORT_ITEM_LOCKED);

    locked = ck_import_row_get_item (CK_IMPORT_ROW (row));
    g_signal_emit_by_name (row, "unlock", "not the password");
    ck_gui_test_spin_until (shows_wrong_password, row);
    g_assert_cmpuint (plan_count (dialog, CK_IMPORT_ITEM_LOCKED), ==, 1);
    g_assert_cmpuint (plan_count (dialog, CK_IMPORT_ITEM_CERTIFICATE), ==, 0);
    g_assert_true (ck_import_item_get_kind (locked) == CK_IMPORT_ITEM_LOCKED);
    g_signal_emit_by_name (row, "unlock", "p12 secret");
  }
  wait_for_plan_count (dialog, CK_IMPORT_ITEM_LOCKED, 0);
  g_assert_cmpuint (plan_count (dialog, CK_IMPORT_ITEM_CERTIFICATE), ==, 1);
  g_assert_cmpuint (plan_count (dialog, CK_IMPORT_ITEM_PRIVATE_KEY), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (ck_store_get_certificates (fixture->store)), ==, 0);

  /* Closing now used to run a handler on the freed password entry (see
   * row_unlock_cb() in ck-import-dialog.c): GLib's warning fails the test. */
  gtk_window_destroy (GTK_WINDOW (dialog));
  gtk_window_destroy (GTK_WINDOW (window));
}


static gboolean
is_mapped_action_button (GtkWidget     *widget,
                         gconstpointer  action)
{
  return GTK_IS_BUTTON (widget) && gtk_widget_get_mapped (widget)
         && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0;
}

static GtkWidget *
find_action_button (GtkWidget  *widget,
                    const char *action)
{
  return ck_gui_test_find_widget (widget, is_mapped_action_button, action);
}

static GtkWidget *
find_file_chooser (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();  /* transfer none */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (GTK_IS_FILE_CHOOSER (window) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return GTK_WIDGET (window);
    }
  return NULL;
}

static gboolean
chooser_has_selection (gpointer data)
{
  g_autoptr(GListModel) files = gtk_file_chooser_get_files (data);

  return g_list_model_get_n_items (files) > 0;
}

static gboolean
file_chooser_shown (gpointer data)
{
  return find_file_chooser () != NULL;
}

/* The header bar's Import button opens the file chooser (GTK 4.8:
 * GtkFileChooserNative, a GtkFileChooserDialog without a portal); the
 * file chosen there opens the import dialog with its items. */
static void
test_window_import_button (Fixture       *fixture,
                           gconstpointer  data)
{
  g_autoptr(CkTestCa) ca = ck_test_ca_new ("Button CA");
  gnutls_x509_privkey_t key = ck_test_key_new ();
  g_autofree char *pem = ck_test_ca_issue (ca, key, "chosen.example", 21);
  g_autofree char *path = g_build_filename (fixture->dir, "chosen.pem", NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  CkWindow *window;
  GtkWidget *button, *chooser;

  gnutls_x509_privkey_deinit (key);
  g_assert_true (g_file_set_contents (path, pem, -1, &error));
  g_assert_no_error (error);
  /* Not empty: the header bar shows Import (the empty state has its own). */
  populate (fixture);
  window = new_window (fixture);
  button = find_action_button (GTK_WIDGET (window), "win.import");
  g_assert_true (gtk_widget_get_ancestor (button, GTK_TYPE_HEADER_BAR) != NULL
                 || gtk_widget_get_ancestor (button, ADW_TYPE_HEADER_BAR) != NULL);
  g_assert_nonnull (button);
  g_assert_true (gtk_widget_is_sensitive (button));
  gtk_widget_activate (button);
  ck_gui_test_spin_until (file_chooser_shown, NULL);
  chooser = find_file_chooser ();
  g_assert_true (gtk_file_chooser_get_select_multiple (GTK_FILE_CHOOSER (chooser)));
  g_assert_true (gtk_file_chooser_set_file (GTK_FILE_CHOOSER (chooser), file, &error));
  g_assert_no_error (error);
  /* The selection is made once the folder has been read. */
  ck_gui_test_spin_until (chooser_has_selection, chooser);
  gtk_dialog_response (GTK_DIALOG (chooser), GTK_RESPONSE_ACCEPT);
  ck_gui_test_spin_until (window_dialog_ready, window);
  g_assert_cmpuint (plan_count (window->import_dialog, CK_IMPORT_ITEM_CERTIFICATE), ==, 1);
  g_assert_cmpstr (ck_import_item_get_file (ck_import_plan_get_item (ck_import_dialog_get_plan (window->import_dialog), 0)),
                   ==, "chosen.pem");

  gtk_window_destroy (GTK_WINDOW (window->import_dialog));
  gtk_window_destroy (GTK_WINDOW (window));
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
  ck_gui_test_spin_until (list_idle, list);
  assert_sorted (model, "name", TRUE);
  ck_certificate_list_sort_by (list, "expires", GTK_SORT_ASCENDING);
  ck_gui_test_spin_until (list_idle, list);
  assert_sorted (model, "expires", FALSE);
  ck_certificate_list_sort_by (list, "expires", GTK_SORT_DESCENDING);
  ck_gui_test_spin_until (list_idle, list);
  assert_sorted (model, "expires", TRUE);

  /* The other columns sort without losing rows. */
  ck_certificate_list_sort_by (list, "issuer", GTK_SORT_ASCENDING);
  ck_gui_test_spin_until (list_idle, list);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 37);
  {
    g_autoptr(CkStoredCertificate) first = g_list_model_get_item (model, 0);

    /* "Sort CA" < "Widget Test CA" */
    g_assert_cmpstr (ck_stored_certificate_get_issuer_name (first), ==, "Sort CA");
  }
  ck_certificate_list_sort_by (list, "trust", GTK_SORT_ASCENDING);
  ck_gui_test_spin_until (list_idle, list);
  assert_sorted (model, "name", FALSE);
  ck_certificate_list_sort_by (list, "source", GTK_SORT_DESCENDING);
  ck_gui_test_spin_until (list_idle, list);
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
  ck_gui_test_spin_until (dialog_ready, dialog);

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

/* A key whose certificate is already in the store: its row names that
 * certificate (it said "Key for a certificate already in the store"). */
static void
test_import_dialog_names_stored_partner (Fixture       *fixture,
                                         gconstpointer  data)
{
  g_autoptr(CkTestCa) ca = ck_test_ca_new ("Partner CA");
  gnutls_x509_privkey_t key = ck_test_key_new ();
  g_autofree char *leaf = ck_test_ca_issue (ca, key, "partner.example", 9);
  g_autofree char *key_pem = ck_test_key_to_pem (key);
  g_autofree char *input = g_strconcat (key_pem, "-----BEGIN CERTIFICATE-----\nAAAA\n"
                                        "-----END CERTIFICATE-----\n", NULL);
  g_autoptr(GBytes) bytes = g_bytes_new (input, strlen (input));
  CkImportDialog *dialog;

  gnutls_x509_privkey_deinit (key);
  commit_pem (fixture->store, leaf, "leaf.pem");
  dialog = ck_import_dialog_new (NULL, fixture->store);
  gtk_window_present (GTK_WINDOW (dialog));
  g_assert_true (ck_import_dialog_add_bytes (dialog, bytes, "partner.key"));
  ck_gui_test_spin_until (dialog_ready, dialog);
  g_assert_true (has_label_containing (GTK_WIDGET (dialog),
                                       "Key for “partner.example”, already in the store"));
  /* One unreadable item (the broken block): "it", as the sentence beside
   * the button says. */
  g_assert_true (has_label_containing (GTK_WIDGET (dialog), "1 item cannot be imported"));
  g_assert_nonnull (find_widget (GTK_WIDGET (dialog), is_button_labelled, "_Leave It Out"));
  g_assert_null (find_widget (GTK_WIDGET (dialog), is_button_labelled, "_Leave Them Out"));
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* The store passphrase, once per session: a window whose store is
 * unlocked does not ask for it on import; Lock Store and the idle timeout
 * (decided against a given clock, never by waiting) wipe the key, and the
 * import asks again, once (not twice: the store has its passphrase). */
static gboolean
import_dialog_shows_store_passphrase (CkWindow   *window,
                                      const char *pem)
{
  CkImportDialog *dialog = ck_import_dialog_new (GTK_WINDOW (window), window->store);
  g_autoptr(GBytes) bytes = g_bytes_new (pem, strlen (pem));
  gboolean shown, confirm = FALSE;
  GtkWidget *row;

  gtk_window_present (GTK_WINDOW (dialog));
  g_assert_true (ck_import_dialog_add_bytes (dialog, bytes, "new.pem"));
  row = wait_for_import_row (dialog, CK_IMPORT_ITEM_PRIVATE_KEY);
  g_assert_nonnull (row);
  shown = shows_store_passphrase (GTK_WIDGET (dialog));
  if (shown)
    confirm = ck_gui_test_find_widget (GTK_WIDGET (dialog), is_row_titled_visible,
                                       "Confirm passphrase") != NULL;
  g_assert_false (confirm);
  gtk_window_destroy (GTK_WINDOW (dialog));
  return shown;
}

static void
test_window_passphrase_once (Fixture       *fixture,
                             gconstpointer  data)
{
  gnutls_x509_privkey_t key = ck_test_key_new ();
  gnutls_x509_privkey_t other = ck_test_key_new ();
  g_autofree char *key_pem = ck_test_key_to_pem (key);
  g_autofree char *other_pem = ck_test_key_to_pem (other);
  g_autoptr(GSettings) settings = g_settings_new ("io.github.certkeeper.Certkeeper");
  CkKeyVault *vault = ck_key_vault_get (fixture->store);
  g_autoptr(GError) error = NULL;
  CkWindow *window;
  gint64 now;

  gnutls_x509_privkey_deinit (key);
  gnutls_x509_privkey_deinit (other);
  commit_pem (fixture->store, key_pem, "key.pem");   /* leaves it locked */
  g_assert_true (ck_key_vault_unlock (vault, "test passphrase", &error));
  g_assert_no_error (error);
  window = new_window (fixture);

  /* Unlocked this session: nothing to type. */
  g_assert_false (import_dialog_shows_store_passphrase (window, other_pem));

  /* Lock Store wipes the key: asked again, once. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.lock-store", NULL));
  g_assert_false (ck_key_vault_is_unlocked (vault));
  g_assert_true (import_dialog_shows_store_passphrase (window, other_pem));

  /* The idle timeout from Preferences: not before it, then locked; never
   * with 0. */
  g_assert_true (ck_key_vault_unlock (vault, "test passphrase", &error));
  g_assert_no_error (error);
  g_settings_set_uint (settings, "lock-store-idle-minutes", 5);
  window->last_activity = now = g_get_monotonic_time ();
  g_assert_false (ck_window_vault_lock_if_idle (window, now + (gint64) 4 * 60 * G_USEC_PER_SEC));
  g_assert_true (ck_key_vault_is_unlocked (vault));
  g_settings_set_uint (settings, "lock-store-idle-minutes", 0);
  g_assert_false (ck_window_vault_lock_if_idle (window, now + (gint64) 600 * 60 * G_USEC_PER_SEC));
  g_assert_true (ck_key_vault_is_unlocked (vault));
  g_settings_set_uint (settings, "lock-store-idle-minutes", 5);
  g_assert_true (ck_window_vault_lock_if_idle (window, now + (gint64) 5 * 60 * G_USEC_PER_SEC));
  g_assert_false (ck_key_vault_is_unlocked (vault));
  g_settings_reset (settings, "lock-store-idle-minutes");

  gtk_window_destroy (GTK_WINDOW (window));
}

/* What the dialog shows once a PKCS#12 is unlocked is the plan worked out
 * again: the key with the certificate that came out of the same file, and,
 * when the store has both already, "already in the store" and no store
 * passphrase asked for. The rows and the passphrase used to be decided
 * before the plan was re-paired: "No certificate for this key yet", and a
 * passphrase for nothing. */
static void
test_import_dialog_unlock_recomputed (Fixture       *fixture,
                                      gconstpointer  data)
{
  const char *openssl = g_getenv ("CK_OPENSSL");
  g_autoptr(CkTestCa) ca = ck_test_ca_new ("Unlock CA");
  gnutls_x509_privkey_t key = ck_test_key_new ();
  g_autofree char *cert_pem = ck_test_ca_issue (ca, key, "unlock.example", 21);
  g_autofree char *key_pem = ck_test_key_to_pem (key);
  g_autofree char *both = g_strconcat (cert_pem, key_pem, NULL);
  g_autofree char *p12_path = NULL;
  g_autoptr(GFile) p12_file = NULL;

  gnutls_x509_privkey_deinit (key);
  if (openssl == NULL)
    {
      g_test_skip ("openssl is not installed");
      return;
    }
  p12_path = write_pkcs12 (fixture, openssl, "unlock", cert_pem, key_pem);
  p12_file = g_file_new_for_path (p12_path);

  for (guint stored = 0; stored < 2; stored++)
    {
      CkImportDialog *dialog;
      GtkWidget *row;

      /* The second time round, the store has the certificate and key. */
      if (stored)
        commit_pem (fixture->store, both, "unlock.pem");

      dialog = ck_import_dialog_new (NULL, fixture->store);
      gtk_window_present (GTK_WINDOW (dialog));
      g_assert_true (ck_import_dialog_add_files (dialog, &p12_file, 1));
      row = wait_for_import_row (dialog, CK_IMPORT_ITEM_LOCKED);
      g_signal_emit_by_name (row, "unlock", "p12 secret");
      wait_for_plan_count (dialog, CK_IMPORT_ITEM_PRIVATE_KEY, 1);

      row = wait_for_import_row (dialog, CK_IMPORT_ITEM_PRIVATE_KEY);
      g_assert_null (find_label (row, "No certificate for this key yet"));
      if (!stored)
        {
          CkImportItem *key_item = ck_import_row_get_item (CK_IMPORT_ROW (row));
          g_autofree char *matches = g_strdup_printf ("Matches the key “%s” in this import",
                                                      ck_import_item_get_display_name (key_item));

          g_assert_nonnull (find_label (row, "Key for “unlock.example”"));
          row = wait_for_import_row (dialog, CK_IMPORT_ITEM_CERTIFICATE);
          g_assert_nonnull (find_label (row, matches));
          g_assert_true (shows_store_passphrase (GTK_WIDGET (dialog)));
        }
      else
        {
          g_assert_nonnull (find_label (row, "Already in the store: skipped"));
          row = wait_for_import_row (dialog, CK_IMPORT_ITEM_CERTIFICATE);
          g_assert_nonnull (find_label (row, "Already in the store: skipped"));
          g_assert_false (shows_store_passphrase (GTK_WIDGET (dialog)));
        }
      gtk_window_destroy (GTK_WINDOW (dialog));
    }
}

static void
on_imported (CkImportDialog *dialog,
             const char     *message,
             char          **out)
{
  *out = g_strdup (message);
}

static gboolean
text_is_set (gpointer data)
{
  return *(char **) data != NULL;
}

/* The same certificate twice in one import, into an empty store: one is
 * written, and the toast does not claim the other was "already in the
 * store" (it was not, before this import). */
static void
test_import_dialog_duplicate (Fixture       *fixture,
                              gconstpointer  data)
{
  g_autoptr(CkTestCa) ca = ck_test_ca_new ("Twice CA");
  gnutls_x509_privkey_t key = ck_test_key_new ();
  g_autofree char *leaf = ck_test_ca_issue (ca, key, "twice.example", 8);
  g_autofree char *twice = g_strconcat (leaf, leaf, NULL);
  g_autoptr(GBytes) bytes = g_bytes_new (twice, strlen (twice));
  CkImportDialog *dialog = ck_import_dialog_new (NULL, fixture->store);
  g_autofree char *message = NULL;
  GtkWidget *import;

  gnutls_x509_privkey_deinit (key);
  g_signal_connect (dialog, "imported", G_CALLBACK (on_imported), &message);
  gtk_window_present (GTK_WINDOW (dialog));
  g_assert_true (ck_import_dialog_add_bytes (dialog, bytes, "twice.pem"));
  ck_gui_test_spin_until (dialog_ready, dialog);
  import = find_widget (GTK_WIDGET (dialog), is_button_labelled, "_Import");
  g_assert_nonnull (import);
  g_assert_true (gtk_widget_is_sensitive (import));
  g_signal_emit_by_name (import, "clicked");
  ck_gui_test_spin_until (text_is_set, &message);
  g_assert_cmpstr (message, ==, "Imported 1 certificate");
  g_assert_cmpuint (g_list_model_get_n_items (ck_store_get_certificates (fixture->store)), ==, 1);
}

/* A file holding only a CRL of a CA in the store can be imported: the
 * Import button is offered, and the toast counts the list. */
static void
test_import_dialog_crl (Fixture       *fixture,
                        gconstpointer  data)
{
  g_autoptr(CkTestCa) ca = ck_test_ca_new ("CRL Dialog CA");
  g_autofree char *ca_pem = ck_test_ca_get_pem (ca);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const guint64 serials[] = { 5 };
  g_autoptr(GBytes) der = ck_test_ca_crl (ca, serials, 1, now, now + 86400, 1);
  g_autofree char *pem = ck_crl_to_pem (der);
  g_autoptr(GBytes) bytes = g_bytes_new (pem, strlen (pem));
  CkImportDialog *dialog = ck_import_dialog_new (NULL, fixture->store);
  g_autofree char *message = NULL;
  GtkWidget *import;

  commit_pem (fixture->store, ca_pem, "ca.pem");
  g_signal_connect (dialog, "imported", G_CALLBACK (on_imported), &message);
  gtk_window_present (GTK_WINDOW (dialog));
  g_assert_true (ck_import_dialog_add_bytes (dialog, bytes, "ca.crl"));
  ck_gui_test_spin_until (dialog_ready, dialog);
  g_assert_cmpuint (ck_import_plan_count (ck_import_dialog_get_plan (dialog), CK_IMPORT_ITEM_CRL),
                    ==, 1);
  import = find_widget (GTK_WIDGET (dialog), is_button_labelled, "_Import");
  g_assert_nonnull (import);
  g_assert_true (gtk_widget_is_sensitive (import));
  g_signal_emit_by_name (import, "clicked");
  ck_gui_test_spin_until (text_is_set, &message);
  g_assert_cmpstr (message, ==, "Imported 1 revocation list");
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
  p12 = ck_export_pkcs12 (cert, private_key, chain, "p12 password", "export.example",
                          CK_PKCS12_PROFILE_MODERN, &error);
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

  /* The key as encrypted PKCS#8, as Export Key writes it: openssl opens it
   * with the passphrase only, and it is the same key. */
  if (openssl != NULL)
    {
      g_autofree char *pkcs8 = ck_private_key_export_pkcs8_pem (private_key, "key export pw", &error);
      g_autofree char *key_path = g_build_filename (fixture->dir, "key.p8.pem", NULL);
      g_autofree char *pass_path = g_build_filename (fixture->dir, "key-pass.txt", NULL);
      g_autofree char *wrong_path = g_build_filename (fixture->dir, "wrong-pass.txt", NULL);
      g_autofree char *passin = g_strconcat ("file:", pass_path, NULL);
      g_autofree char *wrong_passin = g_strconcat ("file:", wrong_path, NULL);
      const char *argv_pub[] = { openssl, "pkey", "-in", key_path, "-passin", passin,
                                 "-pubout", NULL };
      const char *argv_wrong[] = { openssl, "pkey", "-in", key_path, "-passin", wrong_passin,
                                   "-noout", NULL };
      const char *argv_orig[] = { openssl, "pkey", "-in", NULL, "-pubout", NULL };
      g_autofree char *orig_path = g_build_filename (fixture->dir, "key-plain.pem", NULL);
      g_autofree char *pub = NULL;
      g_autofree char *orig_pub = NULL;
      g_autofree char *wrong_out = NULL;

      g_assert_no_error (error);
      g_assert_nonnull (strstr (pkcs8, "-----BEGIN ENCRYPTED PRIVATE KEY-----"));
      g_assert_true (g_file_set_contents (key_path, pkcs8, -1, NULL));
      g_assert_true (g_file_set_contents (pass_path, "key export pw\n", -1, NULL));
      g_assert_true (g_file_set_contents (wrong_path, "not it\n", -1, NULL));
      g_assert_true (g_file_set_contents (orig_path, key_pem, -1, NULL));
      argv_orig[3] = orig_path;
      pub = ck_test_run_tool (argv_pub);
      orig_pub = ck_test_run_tool (argv_orig);
      g_assert_nonnull (pub);
      g_assert_nonnull (orig_pub);
      g_assert_cmpstr (pub, ==, orig_pub);
      wrong_out = ck_test_run_tool (argv_wrong);
      g_assert_null (wrong_out);
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
    refused = ck_export_pkcs12 (cert, wrong, NULL, "pw", NULL, CK_PKCS12_PROFILE_MODERN,
                                 &mismatch);
    g_assert_null (refused);
    g_assert_error (mismatch, CK_ERROR, CK_ERROR_MISMATCH);
  }

  gnutls_x509_privkey_deinit (key);
}

/* The window's export dialog, as a user goes through it. */

static GtkWidget *
find_shown_toplevel (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();  /* transfer none */

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (GTK_WIDGET (window)))
        return GTK_WIDGET (window);
    }
  return NULL;
}

static void
collect_widgets (GtkWidget *widget,
                 GType      type,
                 GPtrArray *out)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (widget, type))
    g_ptr_array_add (out, widget);
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_widgets (child, type, out);
}

static gboolean
certificate_selected (gpointer data)
{
  CkWindow *window = data;

  return window->selected_certificate != NULL;
}

/* Opens the export dialog of @action on the selected certificate. */
static GtkWidget *
open_export_dialog (CkWindow   *window,
                    const char *action)
{
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), action, NULL));
  ck_gui_test_spin_until (message_dialog_shown, NULL);
  return find_shown_toplevel (ADW_TYPE_MESSAGE_DIALOG);
}

/* Closes @dialog as Escape does: the close response, "cancel". */
static void
cancel_dialog (GtkWidget *dialog)
{
  gtk_window_close (GTK_WINDOW (dialog));
  g_assert_null (find_shown_toplevel (ADW_TYPE_MESSAGE_DIALOG));
}

/* The choices the export dialogs offer: for PKCS#12 the profile (current
 * systems by default) and the chain (without the root by default); for a
 * key the explicit switch to no encryption, which hides the passphrase
 * rows, needs no passphrase and makes Export the destructive choice. What
 * the choices write is tested on the core and the CLI, which share it. */
static void
test_export_dialog_choices (Fixture       *fixture,
                            gconstpointer  data)
{
  g_autoptr(CkTestCa) ca = ck_test_ca_new ("Dialog Root");
  gnutls_x509_privkey_t key = ck_test_key_new ();
  g_autofree char *ca_pem = ck_test_ca_get_pem (ca);
  g_autofree char *leaf = ck_test_ca_issue (ca, key, "dialog.example", 88);
  g_autofree char *key_pem = ck_test_key_to_pem (key);
  g_autofree char *both = g_strconcat (leaf, key_pem, NULL);
  g_autoptr(GPtrArray) entries = g_ptr_array_new ();
  g_autoptr(GPtrArray) combos = g_ptr_array_new ();
  g_autoptr(GPtrArray) switches = g_ptr_array_new ();
  AdwMessageDialog *dialog;
  CkWindow *window;

  gnutls_x509_privkey_deinit (key);
  commit_pem (fixture->store, ca_pem, "ca.pem");
  commit_pem (fixture->store, both, "leaf.pem");

  window = new_window (fixture);
  ck_certificate_list_set_search (window->certificate_list, "dialog.example");
  ck_gui_test_spin_until (list_idle, window->certificate_list);
  g_assert_true (ck_certificate_list_select_first (window->certificate_list));
  ck_gui_test_spin_until (certificate_selected, window);

  dialog = ADW_MESSAGE_DIALOG (open_export_dialog (window, "win.export-pkcs12"));
  collect_widgets (GTK_WIDGET (dialog), ADW_TYPE_PASSWORD_ENTRY_ROW, entries);
  collect_widgets (GTK_WIDGET (dialog), ADW_TYPE_COMBO_ROW, combos);
  g_assert_cmpuint (entries->len, ==, 3);   /* store passphrase, new password twice */
  g_assert_cmpuint (combos->len, ==, 2);
  g_assert_cmpuint (adw_combo_row_get_selected (combos->pdata[0]), ==, 0);
  g_assert_cmpstr (adw_action_row_get_subtitle (combos->pdata[0]), ==,
                   "AES-256 and SHA-256: for OpenSSL 3, Windows 10 and later, macOS, "
                   "Java 11 and later");
  adw_combo_row_set_selected (combos->pdata[0], 1);
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (combos->pdata[0]),
                                   "3DES, RC2-40 and SHA-1"));
  g_assert_cmpuint (adw_combo_row_get_selected (combos->pdata[1]), ==, CK_EXPORT_CHAIN_NO_ROOT);
  g_assert_cmpuint (g_list_model_get_n_items (adw_combo_row_get_model (combos->pdata[1])), ==, 3);
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "export"));
  gtk_editable_set_text (entries->pdata[0], "test passphrase");
  gtk_editable_set_text (entries->pdata[1], "p12 pw");
  gtk_editable_set_text (entries->pdata[2], "p12 other");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "export"));
  gtk_editable_set_text (entries->pdata[2], "p12 pw");
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "export"));
  cancel_dialog (GTK_WIDGET (dialog));

  g_ptr_array_set_size (entries, 0);
  dialog = ADW_MESSAGE_DIALOG (open_export_dialog (window, "win.export-key"));
  collect_widgets (GTK_WIDGET (dialog), ADW_TYPE_PASSWORD_ENTRY_ROW, entries);
  collect_widgets (GTK_WIDGET (dialog), GTK_TYPE_SWITCH, switches);
  g_assert_cmpuint (entries->len, ==, 3);
  g_assert_cmpuint (switches->len, ==, 1);
  g_assert_false (gtk_switch_get_active (switches->pdata[0]));
  gtk_editable_set_text (entries->pdata[0], "test passphrase");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "export"));
  g_assert_cmpint (adw_message_dialog_get_response_appearance (dialog, "export"), ==,
                   ADW_RESPONSE_SUGGESTED);
  gtk_switch_set_active (switches->pdata[0], TRUE);
  g_assert_false (gtk_widget_get_visible (entries->pdata[1]));
  g_assert_false (gtk_widget_get_visible (entries->pdata[2]));
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "export"));
  g_assert_cmpint (adw_message_dialog_get_response_appearance (dialog, "export"), ==,
                   ADW_RESPONSE_DESTRUCTIVE);
  cancel_dialog (GTK_WIDGET (dialog));

  gtk_window_destroy (GTK_WINDOW (window));
}

/* Change Store Passphrase…: a wrong current passphrase asks again and
 * changes nothing; the right one re-seals the keys, which then open with
 * the new passphrase only (checked on a second connection, as another
 * process would see the store). */
static gboolean
change_dialog_says_wrong (gpointer data)
{
  AdwMessageDialog *dialog = ck_gui_test_find_message_dialog ("Change Store Passphrase");

  return dialog != NULL && strstr (adw_message_dialog_get_body (dialog), "wrong") != NULL;
}

static gboolean
window_says_changed (gpointer data)
{
  return has_label_containing (data, "Store passphrase changed");
}

static void
fill_change_dialog (const char *old,
                    const char *new)
{
  AdwMessageDialog *dialog = ck_gui_test_find_message_dialog ("Change Store Passphrase");
  g_autoptr(GPtrArray) entries = g_ptr_array_new ();

  g_assert_nonnull (dialog);
  collect_widgets (GTK_WIDGET (dialog), ADW_TYPE_PASSWORD_ENTRY_ROW, entries);
  g_assert_cmpuint (entries->len, ==, 3);   /* current, new, confirm */
  gtk_editable_set_text (entries->pdata[0], old);
  gtk_editable_set_text (entries->pdata[1], new);
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "change"));
  gtk_editable_set_text (entries->pdata[2], new);
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "change"));
  gtk_window_set_focus (GTK_WINDOW (dialog), NULL);
  adw_message_dialog_response (dialog, "change");
  /* As its button does: the dialog goes (a response alone leaves it). */
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
test_window_change_passphrase (Fixture       *fixture,
                               gconstpointer  data)
{
  gnutls_x509_privkey_t key = ck_test_key_new ();
  g_autofree char *key_pem = ck_test_key_to_pem (key);
  g_autoptr(CkStore) other = NULL;
  g_autoptr(CkPrivateKey) opened = NULL;
  g_autoptr(GError) error = NULL;
  CkWindow *window;
  gint64 key_id;

  gnutls_x509_privkey_deinit (key);
  commit_pem (fixture->store, key_pem, "key.pem");
  {
    g_autoptr(CkStoredKey) row = g_list_model_get_item (ck_store_get_keys (fixture->store), 0);

    key_id = ck_stored_key_get_id (row);
  }
  window = new_window (fixture);

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.change-store-passphrase", NULL));
  ck_gui_test_spin_until (message_dialog_shown, NULL);
  fill_change_dialog ("not it", "brand new passphrase");
  ck_gui_test_spin_until (change_dialog_says_wrong, NULL);
  other = ck_store_open (fixture->dir, &error);
  g_assert_no_error (error);
  opened = ck_store_load_private_key (other, key_id, "test passphrase", &error);
  g_assert_no_error (error);
  g_clear_object (&opened);
  g_clear_object (&other);

  fill_change_dialog ("test passphrase", "brand new passphrase");
  ck_gui_test_spin_until (window_says_changed, window);
  other = ck_store_open (fixture->dir, &error);
  g_assert_no_error (error);
  g_assert_null (ck_store_load_private_key (other, key_id, "test passphrase", &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_BAD_PASSWORD);
  g_clear_error (&error);
  opened = ck_store_load_private_key (other, key_id, "brand new passphrase", &error);
  g_assert_no_error (error);
  g_assert_nonnull (opened);

  gtk_window_destroy (GTK_WINDOW (window));
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
  g_test_add ("/gui/certificate-list/model-changes", Fixture, NULL,
              fixture_setup, test_model_changes, fixture_teardown);
  g_test_add ("/gui/certificate-list/search-on-screen", Fixture, NULL,
              fixture_setup, test_list_search_on_screen, fixture_teardown);
  g_test_add ("/gui/window/store-passphrase-once", Fixture, NULL,
              fixture_setup, test_window_passphrase_once, fixture_teardown);
  g_test_add ("/gui/window/change-store-passphrase", Fixture, NULL,
              fixture_setup, test_window_change_passphrase, fixture_teardown);
  g_test_add ("/gui/window/reload", Fixture, NULL,
              fixture_setup, test_window_reload, fixture_teardown);
  g_test_add ("/gui/window/paste-drop-pkcs12", Fixture, NULL,
              fixture_setup, test_window_paste_drop_pkcs12, fixture_teardown);
  g_test_add ("/gui/window/import-button", Fixture, NULL,
              fixture_setup, test_window_import_button, fixture_teardown);
  g_test_add ("/gui/window/delete-undo", Fixture, NULL,
              fixture_setup, test_window_delete_undo, fixture_teardown);
  g_test_add ("/gui/window/only-keys", Fixture, NULL,
              fixture_setup, test_window_only_keys, fixture_teardown);
  g_test_add ("/gui/certificate-list/sort", Fixture, NULL,
              fixture_setup, test_list_sort, fixture_teardown);
  g_test_add ("/gui/key-list", Fixture, NULL,
              fixture_setup, test_key_list, fixture_teardown);
  g_test_add ("/gui/details/fingerprint", Fixture, NULL,
              fixture_setup, test_details_fingerprint, fixture_teardown);
  g_test_add ("/gui/import-dialog/plan", Fixture, NULL,
              fixture_setup, test_import_dialog_plan, fixture_teardown);
  g_test_add ("/gui/import-dialog/unlock-recomputed", Fixture, NULL,
              fixture_setup, test_import_dialog_unlock_recomputed, fixture_teardown);
  g_test_add ("/gui/import-dialog/names-stored-partner", Fixture, NULL,
              fixture_setup, test_import_dialog_names_stored_partner, fixture_teardown);
  g_test_add ("/gui/import-dialog/duplicate", Fixture, NULL,
              fixture_setup, test_import_dialog_duplicate, fixture_teardown);
  g_test_add ("/gui/import-dialog/crl", Fixture, NULL,
              fixture_setup, test_import_dialog_crl, fixture_teardown);
  g_test_add ("/gui/export/chain-and-pkcs12", Fixture, NULL,
              fixture_setup, test_export_chain_and_pkcs12, fixture_teardown);
  g_test_add ("/gui/export/dialog-choices", Fixture, NULL,
              fixture_setup, test_export_dialog_choices, fixture_teardown);

  return g_test_run ();
}
