/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Widget tests of the New Request assistant under Xvfb, driven through its
 * widgets as a user would fill them: a request for a new EC key, checked
 * in the store (pending, under its key) and by `openssl req -verify`; a
 * blocking finding that keeps it from generating; a request for an
 * existing encrypted key; and cancelling an RSA 8192 key. The same pages
 * as New Self-Signed Certificate: a TLS server certificate checked by
 * `openssl verify` on itself, a root CA with its "trusted for nothing"
 * note, a wrong passphrase shown in place, and Cancel storing nothing.
 *
 * With CK_TEST_SCREENSHOT_DIR set, every page is also saved as a PNG there
 * (for looking at the layout at 800×600). */

#include <glib/gstdio.h>

#include "ck-key-vault.h"
#include "ck-request-assistant.h"
#include "ck-resources.h"
#include "ck-subject-editor.h"
#include "ck-gui-test-util.h"
#include "ck-test-tools.h"
#include "ck-usage-editor.h"
#include "ck-validity-editor.h"

typedef struct
{
  char               *dir;
  CkStore            *store;
  CkKeeper           *keeper;
  CkRequestAssistant *assistant;
  gint64              request_id;
  gint64              certificate_id;
  gint64              trust_requested;
} Fixture;

static void
certificate_added (CkRequestAssistant *assistant,
                   gint64              id,
                   Fixture            *fixture)
{
  fixture->certificate_id = id;
}

static void
trust_requested (CkRequestAssistant *assistant,
                 gint64              id,
                 Fixture            *fixture)
{
  fixture->trust_requested = id;
}

static void
request_added (CkRequestAssistant *assistant,
               gint64              id,
               Fixture            *fixture)
{
  fixture->request_id = id;
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  fixture->dir = g_dir_make_tmp ("ck-gui-assistant-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->store = ck_store_open (fixture->dir, &error);
  g_assert_no_error (error);
  fixture->keeper = ck_keeper_new (fixture->store);
  /* @data: "self-signed" for New Self-Signed Certificate. */
  if (data != NULL)
    fixture->assistant = ck_request_assistant_new_self_signed (NULL, fixture->keeper);
  else
    fixture->assistant = ck_request_assistant_new (NULL, fixture->keeper);
  g_signal_connect (fixture->assistant, "request-added", G_CALLBACK (request_added), fixture);
  g_signal_connect (fixture->assistant, "certificate-added", G_CALLBACK (certificate_added), fixture);
  g_signal_connect (fixture->assistant, "trust-requested", G_CALLBACK (trust_requested), fixture);
  gtk_window_set_default_size (GTK_WINDOW (fixture->assistant), 800, 600);
  gtk_window_present (GTK_WINDOW (fixture->assistant));
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  gtk_window_destroy (GTK_WINDOW (fixture->assistant));
  g_clear_object (&fixture->keeper);
  g_clear_object (&fixture->store);
  ck_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
}

/* --- Finding widgets */

static GObject *
child (Fixture    *fixture,
       const char *name)
{
  GObject *object = gtk_widget_get_template_child (GTK_WIDGET (fixture->assistant),
                                                   CK_TYPE_REQUEST_ASSISTANT, name);

  g_assert_nonnull (object);
  return object;
}

/* The first row below @root titled @title. */
static GtkWidget *
find_row (GtkWidget  *root,
          const char *title)
{
  if (ADW_IS_PREFERENCES_ROW (root)
      && g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (root)), title) == 0)
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_row (c, title);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_type (GtkWidget *root,
           GType      type)
{
  if (G_TYPE_CHECK_INSTANCE_TYPE (root, type))
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_type (c, type);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static GtkWidget *
find_button_with_tooltip (GtkWidget  *root,
                          const char *tooltip)
{
  if (GTK_IS_BUTTON (root) && g_strcmp0 (gtk_widget_get_tooltip_text (root), tooltip) == 0)
    return root;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *found = find_button_with_tooltip (c, tooltip);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
type_into (Fixture    *fixture,
           const char *title,
           const char *text)
{
  GtkWidget *row = find_row (GTK_WIDGET (fixture->assistant), title);

  g_assert_nonnull (row);
  gtk_editable_set_text (GTK_EDITABLE (row), text);
}

static void
check_row (Fixture    *fixture,
           const char *title,
           gboolean    active)
{
  GtkWidget *row = find_row (GTK_WIDGET (fixture->assistant), title);

  g_assert_nonnull (row);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (find_type (row, GTK_TYPE_CHECK_BUTTON)), active);
}

static const char *
page (Fixture *fixture)
{
  return gtk_stack_get_visible_child_name (GTK_STACK (child (fixture, "stack")));
}

/* Suggested-action buttons that are shown: a page has one at most. */
static guint
count_suggested (GtkWidget *root)
{
  guint n = 0;

  /* Hidden, or on a stack page not shown. */
  if (!gtk_widget_get_visible (root) || !gtk_widget_get_child_visible (root))
    return 0;
  if (GTK_IS_BUTTON (root) && gtk_widget_has_css_class (root, "suggested-action"))
    n++;
  for (GtkWidget *c = gtk_widget_get_first_child (root); c != NULL; c = gtk_widget_get_next_sibling (c))
    n += count_suggested (c);
  return n;
}

static gboolean
stack_settled (gpointer data)
{
  return !gtk_stack_get_transition_running (GTK_STACK (child (data, "stack")));
}

static void
screenshot (Fixture    *fixture,
            const char *name)
{
  const char *dir = g_getenv ("CK_TEST_SCREENSHOT_DIR");
  GtkWidget *widget = GTK_WIDGET (fixture->assistant);
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  g_autofree char *path = NULL;
  int width, height;

  if (dir == NULL)
    return;
  /* The page has slid in; then one frame lays it out as shown. */
  ck_gui_test_spin_until (stack_settled, fixture);
  ck_gui_test_wait_for_frame (widget);
  width = gtk_widget_get_width (widget);
  height = gtk_widget_get_height (widget);
  paintable = gtk_widget_paintable_new (widget);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  if (node == NULL)
    return;
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (widget)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  path = g_strdup_printf ("%s/assistant-%s.png", dir, name);
  gdk_texture_save_to_png (texture, path);
}

/* As a click: gtk_widget_activate() on a button only clicks it after a
 * visible press of a quarter second. */
static void
click (GtkWidget *button)
{
  g_assert_true (gtk_widget_is_sensitive (button));
  g_signal_emit_by_name (button, "clicked");
}

static void
next (Fixture *fixture)
{
  click (GTK_WIDGET (child (fixture, "next_button")));
}

static gboolean
not_working (gpointer data)
{
  return g_strcmp0 (page (data), "working") != 0;
}

static char *
run_openssl (const char *path,
             const char *option)
{
  const char *openssl = g_getenv ("CK_OPENSSL");
  const char *argv[] = { openssl, "req", "-in", path, "-noout", option, "-nameopt", "oneline", NULL };

  return ck_test_run_tool (argv);
}

/* --- Tests */

static void
add_dns_name (Fixture    *fixture,
              const char *name)
{
  GtkWidget *usage = GTK_WIDGET (child (fixture, "usage_editor"));

  gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_template_child (usage, CK_TYPE_USAGE_EDITOR, "san_entry")),
                         name);
  click (GTK_WIDGET (gtk_widget_get_template_child (usage, CK_TYPE_USAGE_EDITOR, "san_add_button")));
}

static void
fill_new_key (Fixture *fixture)
{
  /* ECDSA P-256, for speed. */
  adw_combo_row_set_selected (ADW_COMBO_ROW (child (fixture, "algorithm_row")), 7);
  type_into (fixture, "Label (optional)", "assistant test key");
  type_into (fixture, "Passphrase", "correct horse");
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (child (fixture, "next_button"))));
  type_into (fixture, "Confirm passphrase", "correct hors");
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (child (fixture, "next_button"))));
  type_into (fixture, "Confirm passphrase", "correct horse");
}

static void
test_new_key (Fixture       *fixture,
              gconstpointer  data)
{
  CkUsageEditor *usage = CK_USAGE_EDITOR (child (fixture, "usage_editor"));
  g_autoptr(GError) error = NULL;
  g_autoptr(CkRequest) request = NULL;
  g_autoptr(CkPrivateKey) key = NULL;
  g_autofree char *path = NULL;
  g_autofree char *pem = NULL;
  g_autofree char *subject = NULL;
  g_autofree char *text = NULL;
  const char *argv[6];
  g_autofree char *verify = NULL;
  CkStoredRequest *row;
  CkStoredKey *key_row;
  gint64 key_id;
  GtkTextIter start, end;
  GtkWidget *add;

  if (g_getenv ("CK_OPENSSL") == NULL)
    {
      g_test_skip ("openssl is not available");
      return;
    }

  g_assert_cmpstr (page (fixture), ==, "profile");
  screenshot (fixture, "profile");
  next (fixture);

  g_assert_cmpstr (page (fixture), ==, "key");
  fill_new_key (fixture);
  screenshot (fixture, "key");
  next (fixture);

  /* The subject, in the order typed: CN, OU, O, a second OU, C, and
   * organizationIdentifier from "More attributes". */
  g_assert_cmpstr (page (fixture), ==, "subject");
  type_into (fixture, "Common name (CN)", "www.assistant.test");
  type_into (fixture, "Organizational unit (OU)", "Operations");
  type_into (fixture, "Organization (O)", "Assistant Test");
  add = find_button_with_tooltip (GTK_WIDGET (fixture->assistant), "Add another organizational unit");
  g_assert_nonnull (add);
  click (add);
  {
    /* The new OU row is the one still empty. */
    CkSubjectEditor *editor = CK_SUBJECT_EDITOR (child (fixture, "subject_editor"));
    GtkWidget *list = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (editor), CK_TYPE_SUBJECT_EDITOR, "common_list"));
    gboolean found = FALSE;

    for (GtkWidget *c = gtk_widget_get_first_child (list); c != NULL; c = gtk_widget_get_next_sibling (c))
      if (g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (c)), "Organizational unit (OU)") == 0
          && gtk_editable_get_text (GTK_EDITABLE (c))[0] == '\0')
        {
          gtk_editable_set_text (GTK_EDITABLE (c), "Security");
          found = TRUE;
          break;
        }
    g_assert_true (found);
  }
  type_into (fixture, "Country, two letters (C)", "CH");
  gtk_expander_set_expanded (GTK_EXPANDER (gtk_widget_get_template_child (GTK_WIDGET (child (fixture, "subject_editor")),
                                                                          CK_TYPE_SUBJECT_EDITOR, "more_expander")), TRUE);
  type_into (fixture, "Organization identifier (organizationIdentifier)", "CHE-464.234.583 MWST");
  screenshot (fixture, "subject");
  next (fixture);

  /* Names and usage: the TLS server profile preset serverAuth; add
   * clientAuth and a custom purpose, a DNS name and an IPv4 address. */
  g_assert_cmpstr (page (fixture), ==, "names");
  {
    GtkEditable *entry = GTK_EDITABLE (gtk_widget_get_template_child (GTK_WIDGET (usage), CK_TYPE_USAGE_EDITOR, "san_entry"));
    GtkDropDown *type = GTK_DROP_DOWN (gtk_widget_get_template_child (GTK_WIDGET (usage), CK_TYPE_USAGE_EDITOR, "san_type_dropdown"));
    GtkWidget *add_name = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (usage), CK_TYPE_USAGE_EDITOR, "san_add_button"));
    GtkWidget *error_box = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (usage), CK_TYPE_USAGE_EDITOR, "san_error_box"));
    GtkEditable *custom = GTK_EDITABLE (gtk_widget_get_template_child (GTK_WIDGET (usage), CK_TYPE_USAGE_EDITOR, "eku_custom_entry"));

    gtk_editable_set_text (entry, "www.assistant.test");
    click (add_name);
    /* A bad address is refused, with the reason shown. */
    gtk_drop_down_set_selected (type, 1);
    gtk_editable_set_text (entry, "2001:db8::1");
    click (add_name);
    g_assert_true (gtk_widget_get_visible (error_box));
    gtk_editable_set_text (entry, "192.0.2.10");
    click (add_name);
    g_assert_false (gtk_widget_get_visible (error_box));

    check_row (fixture, "TLS client authentication (clientAuth)", TRUE);
    gtk_editable_set_text (custom, "1.3.6.1.4.1.55555.1.2");
    g_signal_emit_by_name (custom, "apply");
  }
  screenshot (fixture, "names");
  next (fixture);

  g_assert_cmpstr (page (fixture), ==, "review");
  text = g_strdup (gtk_label_get_text (GTK_LABEL (child (fixture, "review_label"))));
  g_test_message ("review: %s", text);
  g_assert_nonnull (strstr (text, "CN=www.assistant.test, OU=Operations, O=Assistant Test, OU=Security, C=CH"));
  g_assert_nonnull (strstr (text, "DNS:www.assistant.test, IP:192.0.2.10"));
  g_assert_nonnull (strstr (text, "serverAuth, clientAuth, 1.3.6.1.4.1.55555.1.2"));
  screenshot (fixture, "review");
  next (fixture);

  ck_gui_test_spin_until (not_working, fixture);
  g_assert_cmpstr (gtk_label_get_text (GTK_LABEL (child (fixture, "error_label"))), ==, "");
  g_assert_cmpstr (page (fixture), ==, "result");
  /* One suggested (blue) button on the page shown: Save As…, not Close. */
  g_assert_cmpuint (count_suggested (GTK_WIDGET (fixture->assistant)), ==, 1);
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (child (fixture, "next_button")),
                                            "suggested-action"));
  screenshot (fixture, "result");

  /* Recorded as pending, under the new key, which is stored encrypted. */
  g_assert_cmpint (fixture->request_id, >, 0);
  row = ck_store_get_request_row (fixture->store, fixture->request_id);
  g_assert_nonnull (row);
  g_assert_cmpint (ck_stored_request_get_status (row), ==, CK_REQUEST_STATUS_PENDING);
  g_assert_cmpstr (ck_stored_request_get_profile (row), ==, "tls-server");
  key_id = ck_store_find_key (fixture->store, ck_stored_request_get_spki_sha256 (row));
  g_assert_cmpint (key_id, >, 0);
  key_row = ck_store_get_key_row (fixture->store, key_id);
  g_assert_cmpstr (ck_stored_key_get_label (key_row), ==, "assistant test key");
  g_assert_true (ck_stored_key_get_encrypted (key_row));
  g_assert_cmpstr (ck_stored_key_get_algorithm (key_row), ==, "ECDSA");
  g_assert_null (ck_store_load_private_key (fixture->store, key_id, "wrong", &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_BAD_PASSWORD);
  g_clear_error (&error);
  key = ck_store_load_private_key (fixture->store, key_id, "correct horse", &error);
  g_assert_no_error (error);
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (child (fixture, "recorded_label"))),
                            "assistant test key"));

  /* The CSR shown is the one stored, and openssl verifies it. */
  gtk_text_buffer_get_bounds (gtk_text_view_get_buffer (GTK_TEXT_VIEW (child (fixture, "result_view"))),
                              &start, &end);
  pem = gtk_text_iter_get_text (&start, &end);
  request = ck_store_load_request (fixture->store, fixture->request_id, &error);
  g_assert_no_error (error);
  {
    g_autofree char *stored = ck_request_to_pem (request);

    g_assert_cmpstr (pem, ==, stored);
  }
  path = g_build_filename (fixture->dir, "request.csr", NULL);
  g_assert_true (g_file_set_contents (path, pem, -1, &error));
  argv[0] = g_getenv ("CK_OPENSSL");
  argv[1] = "req"; argv[2] = "-in"; argv[3] = path; argv[4] = "-verify"; argv[5] = NULL;
  verify = ck_test_run_tool (argv);
  g_assert_nonnull (verify);

  subject = run_openssl (path, "-subject");
  g_assert_nonnull (subject);
  g_assert_cmpstr (g_strstrip (subject), ==,
                   "subject=CN = www.assistant.test, OU = Operations, O = Assistant Test, "
                   "OU = Security, C = CH, organizationIdentifier = CHE-464.234.583 MWST");
  g_free (text);
  text = run_openssl (path, "-text");
  g_assert_nonnull (text);
  g_test_message ("%s", text);
  g_assert_nonnull (strstr (text, "DNS:www.assistant.test, IP Address:192.0.2.10"));
  g_assert_nonnull (strstr (text, "TLS Web Server Authentication, TLS Web Client Authentication, 1.3.6.1.4.1.55555.1.2"));
  g_assert_nonnull (strstr (text, "ecdsa-with-SHA256"));
}

/* C=XYZ is an error of the checks: shown on the review page with an error
 * icon, and Generate stays off; nothing reaches the store. */
static void
test_blocking_finding (Fixture       *fixture,
                       gconstpointer  data)
{
  GtkWidget *row;
  GtkWidget *findings = GTK_WIDGET (child (fixture, "findings_list"));
  GtkWidget *first;
  gboolean error_icon = FALSE;

  next (fixture);
  fill_new_key (fixture);
  next (fixture);
  type_into (fixture, "Common name (CN)", "bad.assistant.test");
  type_into (fixture, "Country, two letters (C)", "XYZ");
  row = find_row (GTK_WIDGET (fixture->assistant), "Country, two letters (C)");
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  next (fixture);
  add_dns_name (fixture, "bad.assistant.test");
  next (fixture);

  g_assert_cmpstr (page (fixture), ==, "review");
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (child (fixture, "next_button"))));
  first = gtk_widget_get_first_child (findings);
  g_assert_nonnull (first);
  for (GtkWidget *c = first; c != NULL; c = gtk_widget_get_next_sibling (c))
    {
      GtkWidget *image = find_type (c, GTK_TYPE_IMAGE);

      if (image != NULL && g_strcmp0 (gtk_image_get_icon_name (GTK_IMAGE (image)), "dialog-error-symbolic") == 0
          && strstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (c)), "XYZ") != NULL)
        error_icon = TRUE;
    }
  g_assert_true (error_icon);
  screenshot (fixture, "blocked");

  /* Even when asked directly, nothing is generated. */
  g_signal_emit_by_name (child (fixture, "next_button"), "clicked");
  ck_gui_test_drain ();
  g_assert_cmpstr (page (fixture), ==, "review");
  g_assert_cmpint (fixture->request_id, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (ck_store_get_keys (fixture->store)), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (ck_store_get_requests (fixture->store)), ==, 0);

  /* Fixed, it goes through. */
  click (GTK_WIDGET (child (fixture, "back_button")));
  click (GTK_WIDGET (child (fixture, "back_button")));
  g_assert_cmpstr (page (fixture), ==, "subject");
  type_into (fixture, "Country, two letters (C)", "CH");
  g_assert_false (gtk_widget_has_css_class (row, "error"));
  next (fixture);
  next (fixture);
  next (fixture);
  ck_gui_test_spin_until (not_working, fixture);
  g_assert_cmpstr (page (fixture), ==, "result");
  g_assert_cmpint (fixture->request_id, >, 0);
}

static void
test_existing_key (Fixture       *fixture,
                   gconstpointer  data)
{
  CkKeySpec spec = { CK_KEY_TYPE_ECDSA, 0, "P-256" };
  g_autoptr(CkPrivateKey) key = NULL;
  g_autoptr(GError) error = NULL;
  CkStoredRequest *row;
  gint64 key_id = 0;

  key = ck_key_generate (&spec, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ck_store_add_key (fixture->store, key, "existing key", "open sesame",
                                   CK_COMMIT_NONE, &key_id, &error));
  g_assert_no_error (error);
  /* Stored in an earlier session: the store is locked. */
  ck_key_vault_lock (ck_key_vault_get (fixture->store));

  /* "New Request for This Key" starts on the subject page. */
  ck_request_assistant_set_key (fixture->assistant, key_id);
  g_assert_cmpstr (page (fixture), ==, "subject");
  type_into (fixture, "Common name (CN)", "existing.assistant.test");
  next (fixture);
  add_dns_name (fixture, "existing.assistant.test");
  next (fixture);
  next (fixture);

  /* The key is encrypted: its passphrase is asked for on the key page. */
  ck_gui_test_spin_until (not_working, fixture);
  g_assert_cmpstr (page (fixture), ==, "key");
  g_assert_true (gtk_check_button_get_active (GTK_CHECK_BUTTON (child (fixture, "existing_key_check"))));
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (child (fixture, "error_revealer"))));
  type_into (fixture, "Passphrase of the key", "wrong");
  next (fixture);
  next (fixture);
  next (fixture);
  next (fixture);
  ck_gui_test_spin_until (not_working, fixture);
  g_assert_cmpstr (page (fixture), ==, "key");
  g_assert_cmpint (fixture->request_id, ==, 0);

  type_into (fixture, "Passphrase of the key", "open sesame");
  next (fixture);
  next (fixture);
  next (fixture);
  next (fixture);
  ck_gui_test_spin_until (not_working, fixture);
  g_assert_cmpstr (page (fixture), ==, "result");
  row = ck_store_get_request_row (fixture->store, fixture->request_id);
  g_assert_nonnull (row);
  g_assert_cmpint (ck_store_find_key (fixture->store, ck_stored_request_get_spki_sha256 (row)), ==, key_id);
  g_assert_cmpuint (g_list_model_get_n_items (ck_store_get_keys (fixture->store)), ==, 1);
}

/* The algorithm menu's items are the algorithms' names and nothing more,
 * so that they fit its popover ("RSA 8192 (takes up to…" was clipped);
 * what an item needs said more is said under the row once it is chosen.
 * (The popover itself is not measured: GTK 4.8 cannot place a popup on
 * Xvfb without a window manager.) */
static void
test_algorithm_menu (Fixture       *fixture,
                     gconstpointer  data)
{
  AdwComboRow *row = ADW_COMBO_ROW (child (fixture, "algorithm_row"));
  g_autoptr(GRegex) name = g_regex_new ("^(RSA|RSA-PSS) [0-9]{4}$|^ECDSA P-[0-9]{3}$|^Ed(25519|448)$",
                                        0, 0, NULL);
  GListModel *model = adw_combo_row_get_model (row);

  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 12);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      const char *item = gtk_string_list_get_string (GTK_STRING_LIST (model), i);

      g_test_message ("menu item %u: %s", i, item);
      g_assert_true (g_regex_match (name, item, 0, NULL));
    }

  adw_combo_row_set_selected (row, 3);
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (model), 3), ==, "RSA 8192");
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), "minute"));
  /* The other algorithms have nothing more to say. */
  adw_combo_row_set_selected (row, 0);
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (row)), ==, "");
}

/* RSA 8192 takes long: Cancel returns at once and stores nothing: every
 * row of every table is as it was. */
static void
test_cancel (Fixture       *fixture,
             gconstpointer  data)
{
  g_autoptr(CkPrivateKey) other = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  CkKeySpec spec = { CK_KEY_TYPE_ECDSA, 0, "P-256" };
  gint64 started;

  /* A store with something in it, so that "unchanged" says more than
   * "still empty". */
  other = ck_key_generate (&spec, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ck_store_add_key (fixture->store, other, "kept", NULL,
                                   CK_COMMIT_NO_KEY_PASSPHRASE, NULL, &error));
  g_assert_no_error (error);
  before = ck_test_dump_tables (ck_store_get_path (fixture->store));

  next (fixture);
  adw_combo_row_set_selected (ADW_COMBO_ROW (child (fixture, "algorithm_row")), 3);
  gtk_switch_set_active (GTK_SWITCH (child (fixture, "no_passphrase_switch")), TRUE);
  next (fixture);
  type_into (fixture, "Common name (CN)", "slow.assistant.test");
  next (fixture);
  add_dns_name (fixture, "slow.assistant.test");
  next (fixture);
  next (fixture);
  /* At once: GnuTLS sometimes finds the primes within a second. */
  g_assert_cmpstr (page (fixture), ==, "working");
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (child (fixture, "working_cancel_button"))));

  started = g_get_monotonic_time ();
  click (GTK_WIDGET (child (fixture, "working_cancel_button")));
  ck_gui_test_spin_until (not_working, fixture);
  g_assert_cmpint (g_get_monotonic_time () - started, <, 5 * G_USEC_PER_SEC);
  g_assert_cmpstr (page (fixture), ==, "review");
  g_assert_cmpint (fixture->request_id, ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (ck_store_get_keys (fixture->store)), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (ck_store_get_requests (fixture->store)), ==, 0);
  after = ck_test_dump_tables (ck_store_get_path (fixture->store));
  g_assert_cmpstr (after, ==, before);
}

/* RSA with a PSS signature, SHA-384, written as DER: the choices of the
 * review page reach the request. */
static void
test_rsa_pss_der (Fixture       *fixture,
                  gconstpointer  data)
{
  g_autoptr(CkRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *path = NULL;
  g_autofree char *text = NULL;
  const char *argv[10];
  GBytes *der;

  if (g_getenv ("CK_OPENSSL") == NULL)
    {
      g_test_skip ("openssl is not available");
      return;
    }

  check_row (fixture, "Custom", TRUE);
  next (fixture);
  adw_combo_row_set_selected (ADW_COMBO_ROW (child (fixture, "algorithm_row")), 0);
  gtk_switch_set_active (GTK_SWITCH (child (fixture, "no_passphrase_switch")), TRUE);
  next (fixture);
  type_into (fixture, "Common name (CN)", "pss.assistant.test");
  next (fixture);
  check_row (fixture, "Digital signature (digitalSignature)", TRUE);
  next (fixture);

  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (child (fixture, "pss_switch"))));
  gtk_switch_set_active (GTK_SWITCH (child (fixture, "pss_switch")), TRUE);
  adw_combo_row_set_selected (ADW_COMBO_ROW (child (fixture, "hash_row")), 1);
  adw_combo_row_set_selected (ADW_COMBO_ROW (child (fixture, "format_row")), 1);
  next (fixture);
  ck_gui_test_spin_until (not_working, fixture);
  g_assert_cmpstr (page (fixture), ==, "result");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (GTK_STACK (child (fixture, "result_stack"))), ==, "der");
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (child (fixture, "copy_button"))));
  screenshot (fixture, "result-der");

  request = ck_store_load_request (fixture->store, fixture->request_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ck_stored_request_get_profile (ck_store_get_request_row (fixture->store, fixture->request_id)),
                   ==, "custom");
  der = ck_request_get_der (request);
  path = g_build_filename (fixture->dir, "request.der", NULL);
  g_assert_true (g_file_set_contents (path, g_bytes_get_data (der, NULL), g_bytes_get_size (der), &error));
  argv[0] = g_getenv ("CK_OPENSSL");
  argv[1] = "req"; argv[2] = "-inform"; argv[3] = "DER"; argv[4] = "-in"; argv[5] = path;
  argv[6] = "-verify"; argv[7] = "-noout"; argv[8] = "-text"; argv[9] = NULL;
  text = ck_test_run_tool (argv);
  g_assert_nonnull (text);
  g_assert_nonnull (strstr (text, "rsassaPss"));
  g_assert_nonnull (strstr (text, "sha384"));
  g_assert_nonnull (strstr (text, "Public-Key: (2048 bit)"));
  g_assert_nonnull (strstr (text, "Digital Signature"));
}

/* A certtool template fills in the pages, and with the same RSA key the
 * assistant's request is the very DER certtool --generate-request makes
 * from that template (RSA signatures are deterministic). The template is
 * loaded while an EC key is chosen, and read again for RSA. */
static void
test_template (Fixture       *fixture,
               gconstpointer  data)
{
  g_autofree char *template = ck_test_corpus_path ("templates/template-test.tmpl");
  g_autofree char *key_path = NULL;
  g_autofree char *der_path = NULL;
  g_autofree char *pem = NULL;
  g_autofree char *certtool_der = NULL;
  g_autoptr(CkPrivateKey) key = NULL;
  g_autoptr(CkRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  const char *certtool = g_getenv ("CK_CERTTOOL");
  GBytes *der;
  gsize len = 0;
  gint64 key_id;

  if (certtool == NULL)
    {
      g_test_skip ("certtool is not available");
      return;
    }

  g_assert_true (ck_request_assistant_load_template (fixture->assistant, template, &error));
  g_assert_no_error (error);
  next (fixture);
  adw_combo_row_set_selected (ADW_COMBO_ROW (child (fixture, "algorithm_row")), 0);
  gtk_switch_set_active (GTK_SWITCH (child (fixture, "no_passphrase_switch")), TRUE);
  next (fixture);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (find_row (GTK_WIDGET (fixture->assistant),
                                                                  "Common name (CN)"))), ==, "Cindy Lauper");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (find_row (GTK_WIDGET (fixture->assistant),
                                                                  "Title (title)"))), ==, "Dr.");
  next (fixture);
  g_assert_nonnull (find_row (GTK_WIDGET (fixture->assistant), "www.morethanone.org"));
  next (fixture);
  g_assert_true (gtk_widget_is_sensitive (GTK_WIDGET (child (fixture, "next_button"))));
  next (fixture);
  ck_gui_test_spin_until (not_working, fixture);
  g_assert_cmpstr (page (fixture), ==, "result");

  request = ck_store_load_request (fixture->store, fixture->request_id, &error);
  g_assert_no_error (error);
  key_id = ck_store_find_key (fixture->store, ck_request_get_spki_sha256 (request));
  key = ck_store_load_private_key (fixture->store, key_id, NULL, &error);
  g_assert_no_error (error);
  pem = ck_private_key_export_pkcs8_pem (key, NULL, &error);
  g_assert_no_error (error);
  key_path = g_build_filename (fixture->dir, "key.pem", NULL);
  der_path = g_build_filename (fixture->dir, "certtool.der", NULL);
  g_assert_true (g_file_set_contents (key_path, pem, -1, &error));
  {
    const char *argv[] = { certtool, "--generate-request", "--load-privkey", key_path,
                           "--template", template, "--outder", "--outfile", der_path, NULL };
    g_autofree char *out = ck_test_run_tool (argv);

    g_assert_nonnull (out);
  }
  g_assert_true (g_file_get_contents (der_path, &certtool_der, &len, &error));
  der = ck_request_get_der (request);
  g_assert_cmpmem (g_bytes_get_data (der, NULL), g_bytes_get_size (der), certtool_der, len);
}

/* A template's subject shows in its order, a second OU in a row of its
 * own and an attribute without a row of its own as OID=value; edits keep
 * the order. */
static void
test_subject_editor_load (void)
{
  g_autoptr(CkRequestBuilder) builder = ck_request_builder_new ();
  CkSubjectEditor *editor = ck_subject_editor_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  GtkWidget *row;

  g_object_ref_sink (editor);
  g_assert_true (ck_request_builder_add_subject_string (builder,
                                                        "C=CH, O=Acme, OU=One, OU=Two, CN=acme.test, 1.3.6.1.4.1.55555.7=Private Organization",
                                                        &error));
  g_assert_no_error (error);
  before = ck_request_builder_get_subject_string (builder);
  ck_subject_editor_set_builder (editor, builder);
  g_assert_true (ck_subject_editor_is_valid (editor));
  row = find_row (GTK_WIDGET (editor), "Any attribute by OID (OID=value)");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (row)), ==, "1.3.6.1.4.1.55555.7=Private Organization");

  /* Editing a value keeps its place; a new attribute goes last. */
  gtk_editable_set_text (GTK_EDITABLE (find_row (GTK_WIDGET (editor), "Organization (O)")), "Acme AG");
  gtk_editable_set_text (GTK_EDITABLE (find_row (GTK_WIDGET (editor), "Locality (L)")), "Zurich");
  after = ck_request_builder_get_subject_string (builder);
  g_assert_cmpstr (before, ==, "C=CH, O=Acme, OU=One, OU=Two, CN=acme.test, 1.3.6.1.4.1.55555.7=Private Organization");
  g_assert_cmpstr (after, ==, "C=CH, O=Acme AG, OU=One, OU=Two, CN=acme.test, 1.3.6.1.4.1.55555.7=Private Organization, L=Zurich");

  /* A malformed OID=value row blocks the page, and says why. */
  gtk_editable_set_text (GTK_EDITABLE (row), "not an oid=x");
  g_assert_false (ck_subject_editor_is_valid (editor));
  g_assert_true (gtk_widget_has_css_class (row, "error"));
  g_object_unref (editor);
}

/* --- New Self-Signed Certificate */

/* openssl verify -CAfile @pem @pem: the certificate verifies on itself. */
static void
assert_verifies_on_itself (Fixture    *fixture,
                           const char *pem)
{
  g_autofree char *path = g_build_filename (fixture->dir, "self.pem", NULL);
  g_autoptr(GError) error = NULL;
  const char *argv[] = { g_getenv ("CK_OPENSSL"), "verify", "-CAfile", path, path, NULL };
  g_autofree char *out = NULL;

  g_assert_true (g_file_set_contents (path, pem, -1, &error));
  g_assert_no_error (error);
  out = ck_test_run_tool (argv);
  g_assert_nonnull (out);
  g_assert_nonnull (strstr (out, ": OK"));
}

static char *
result_text (Fixture *fixture)
{
  GtkTextIter start, end;
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (GTK_TEXT_VIEW (child (fixture, "result_view")));

  gtk_text_buffer_get_bounds (buffer, &start, &end);
  return gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
}

/* A TLS server certificate for a lab machine, valid for 90 days: stored
 * with its key, shown, and accepted by openssl as its own anchor. */
static void
test_self_signed_tls_server (Fixture       *fixture,
                             gconstpointer  data)
{
  g_autoptr(CkCertificate) cert = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *pem = NULL;
  CkStoredCertificate *row;
  gint64 days;

  if (g_getenv ("CK_OPENSSL") == NULL)
    {
      g_test_skip ("openssl is not available");
      return;
    }

  g_assert_cmpstr (gtk_window_get_title (GTK_WINDOW (fixture->assistant)), ==,
                   "New Self-Signed Certificate");
  g_assert_nonnull (find_row (GTK_WIDGET (fixture->assistant), "Root Certificate Authority"));
  next (fixture);
  g_assert_cmpstr (page (fixture), ==, "key");
  adw_combo_row_set_selected (ADW_COMBO_ROW (child (fixture, "algorithm_row")), 7);
  gtk_switch_set_active (GTK_SWITCH (child (fixture, "no_passphrase_switch")), TRUE);
  next (fixture);
  type_into (fixture, "Common name (CN)", "lab.assistant.test");
  next (fixture);
  add_dns_name (fixture, "lab.assistant.test");
  next (fixture);

  /* The validity page: a date in the past blocks it, 90 days do not. */
  g_assert_cmpstr (page (fixture), ==, "validity");
  screenshot (fixture, "self-signed-validity");
  check_row (fixture, "_Until a date", TRUE);
  gtk_editable_set_text (GTK_EDITABLE (gtk_widget_get_template_child (GTK_WIDGET (child (fixture, "validity_editor")),
                                                                      CK_TYPE_VALIDITY_EDITOR, "until_entry")),
                         "2001-01-01");
  g_assert_false (gtk_widget_get_sensitive (GTK_WIDGET (child (fixture, "next_button"))));
  ck_request_assistant_set_days (fixture->assistant, 90);
  g_assert_true (gtk_widget_get_sensitive (GTK_WIDGET (child (fixture, "next_button"))));
  next (fixture);

  g_assert_cmpstr (page (fixture), ==, "review");
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (child (fixture, "review_label"))),
                            "self-signed"));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (child (fixture, "pss_row"))));
  g_assert_cmpstr (gtk_button_get_label (GTK_BUTTON (child (fixture, "next_button"))), ==, "_Create");
  next (fixture);
  ck_gui_test_spin_until (not_working, fixture);
  g_assert_cmpstr (page (fixture), ==, "result");
  screenshot (fixture, "self-signed-result");

  g_assert_cmpint (fixture->certificate_id, >, 0);
  g_assert_cmpint (fixture->request_id, ==, 0);
  row = ck_store_get_certificate_row (fixture->store, fixture->certificate_id);
  g_assert_nonnull (row);
  g_assert_true (ck_stored_certificate_get_has_key (row));
  g_assert_false (ck_stored_certificate_get_is_ca (row));
  /* A leaf: no trust note. */
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (child (fixture, "trust_note"))));

  cert = ck_store_load_certificate (fixture->store, fixture->certificate_id, &error);
  g_assert_no_error (error);
  days = (ck_certificate_get_not_after (cert) - ck_certificate_get_not_before (cert)) / 86400;
  g_assert_cmpint (days, >=, 89);
  g_assert_cmpint (days, <=, 90);
  pem = result_text (fixture);
  {
    g_autofree char *stored_pem = ck_certificate_to_pem (cert);

    g_assert_cmpstr (pem, ==, stored_pem);
  }
  assert_verifies_on_itself (fixture, pem);
}

/* A root CA: made, and the result says it is trusted for nothing, with a
 * button that asks the window for its trust settings. */
static void
test_self_signed_root_ca (Fixture       *fixture,
                          gconstpointer  data)
{
  g_autoptr(CkCertificate) cert = NULL;
  g_autoptr(GError) error = NULL;

  check_row (fixture, "Root Certificate Authority", TRUE);
  next (fixture);
  adw_combo_row_set_selected (ADW_COMBO_ROW (child (fixture, "algorithm_row")), 7);
  gtk_switch_set_active (GTK_SWITCH (child (fixture, "no_passphrase_switch")), TRUE);
  next (fixture);
  type_into (fixture, "Common name (CN)", "Assistant Test Root");
  next (fixture);
  next (fixture);
  g_assert_cmpstr (page (fixture), ==, "validity");
  next (fixture);
  next (fixture);
  ck_gui_test_spin_until (not_working, fixture);
  g_assert_cmpstr (page (fixture), ==, "result");
  screenshot (fixture, "self-signed-ca");

  cert = ck_store_load_certificate (fixture->store, fixture->certificate_id, &error);
  g_assert_no_error (error);
  g_assert_true (ck_certificate_is_ca (cert));
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (child (fixture, "trust_note"))));
  click (GTK_WIDGET (child (fixture, "trust_button")));
  g_assert_cmpint (fixture->trust_requested, ==, fixture->certificate_id);
  if (g_getenv ("CK_OPENSSL") != NULL)
    {
      g_autofree char *pem = result_text (fixture);

      assert_verifies_on_itself (fixture, pem);
    }
}

/* A stored key's wrong passphrase comes back as an error on the key page,
 * and nothing is stored. */
static void
test_self_signed_wrong_passphrase (Fixture       *fixture,
                                   gconstpointer  data)
{
  g_autoptr(CkPrivateKey) key = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  CkKeySpec spec = { CK_KEY_TYPE_ECDSA, 0, "P-256" };
  gint64 key_id = 0;

  key = ck_key_generate (&spec, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ck_store_add_key (fixture->store, key, "locked key", "right passphrase",
                                   CK_COMMIT_NONE, &key_id, &error));
  g_assert_no_error (error);
  /* Stored in an earlier session: the store is locked. */
  ck_key_vault_lock (ck_key_vault_get (fixture->store));
  before = ck_test_dump_tables (ck_store_get_path (fixture->store));

  check_row (fixture, "TLS Client", TRUE);
  next (fixture);
  gtk_check_button_set_active (GTK_CHECK_BUTTON (child (fixture, "existing_key_check")), TRUE);
  check_row (fixture, "locked key", TRUE);
  type_into (fixture, "Passphrase of the key", "wrong passphrase");
  next (fixture);
  type_into (fixture, "Common name (CN)", "client.assistant.test");
  next (fixture);
  next (fixture);
  next (fixture);
  next (fixture);
  ck_gui_test_spin_until (not_working, fixture);
  g_assert_cmpstr (page (fixture), ==, "key");
  g_assert_true (gtk_revealer_get_reveal_child (GTK_REVEALER (child (fixture, "error_revealer"))));
  g_assert_nonnull (strstr (gtk_label_get_text (GTK_LABEL (child (fixture, "error_label"))), "wrong"));
  g_assert_cmpint (fixture->certificate_id, ==, 0);
  after = ck_test_dump_tables (ck_store_get_path (fixture->store));
  g_assert_cmpstr (after, ==, before);
}

/* Cancel while an RSA 8192 key is made: back to the review, nothing
 * stored, row for row. */
static void
test_self_signed_cancel (Fixture       *fixture,
                         gconstpointer  data)
{
  g_autofree char *before = ck_test_dump_tables (ck_store_get_path (fixture->store));
  g_autofree char *after = NULL;

  check_row (fixture, "Root Certificate Authority", TRUE);
  next (fixture);
  adw_combo_row_set_selected (ADW_COMBO_ROW (child (fixture, "algorithm_row")), 3);
  gtk_switch_set_active (GTK_SWITCH (child (fixture, "no_passphrase_switch")), TRUE);
  next (fixture);
  type_into (fixture, "Common name (CN)", "Slow Root");
  next (fixture);
  next (fixture);
  next (fixture);
  next (fixture);
  g_assert_cmpstr (page (fixture), ==, "working");
  click (GTK_WIDGET (child (fixture, "working_cancel_button")));
  ck_gui_test_spin_until (not_working, fixture);
  g_assert_cmpstr (page (fixture), ==, "review");
  g_assert_cmpint (fixture->certificate_id, ==, 0);
  after = ck_test_dump_tables (ck_store_get_path (fixture->store));
  g_assert_cmpstr (after, ==, before);
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

  if (!gtk_init_check ())
    {
      g_test_add_func ("/gui/assistant/needs-a-display", skip_without_display);
      return g_test_run ();
    }
  adw_init ();
  (void) ck_get_resource ();

  g_test_add ("/gui/assistant/new-key", Fixture, NULL,
              fixture_setup, test_new_key, fixture_teardown);
  g_test_add ("/gui/assistant/blocking-finding", Fixture, NULL,
              fixture_setup, test_blocking_finding, fixture_teardown);
  g_test_add ("/gui/assistant/existing-key", Fixture, NULL,
              fixture_setup, test_existing_key, fixture_teardown);
  g_test_add ("/gui/assistant/algorithm-menu", Fixture, NULL,
              fixture_setup, test_algorithm_menu, fixture_teardown);
  g_test_add ("/gui/assistant/cancel", Fixture, NULL,
              fixture_setup, test_cancel, fixture_teardown);
  g_test_add ("/gui/assistant/rsa-pss-der", Fixture, NULL,
              fixture_setup, test_rsa_pss_der, fixture_teardown);
  g_test_add_func ("/gui/assistant/subject-editor-load", test_subject_editor_load);
  g_test_add ("/gui/assistant/template", Fixture, NULL,
              fixture_setup, test_template, fixture_teardown);
  g_test_add ("/gui/assistant/self-signed/tls-server", Fixture, "self-signed",
              fixture_setup, test_self_signed_tls_server, fixture_teardown);
  g_test_add ("/gui/assistant/self-signed/root-ca", Fixture, "self-signed",
              fixture_setup, test_self_signed_root_ca, fixture_teardown);
  g_test_add ("/gui/assistant/self-signed/wrong-passphrase", Fixture, "self-signed",
              fixture_setup, test_self_signed_wrong_passphrase, fixture_teardown);
  g_test_add ("/gui/assistant/self-signed/cancel", Fixture, "self-signed",
              fixture_setup, test_self_signed_cancel, fixture_teardown);

  return g_test_run ();
}
