/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Widget tests of the token parts of the application, each against a
 * SoftHSM2 token made fresh for it: the PIN dialog (wrong PIN, right PIN,
 * locked PIN), the Tokens page, token objects shown with the token as
 * their source, and a certificate + key imported onto a token. */

#include <gnutls/gnutls.h>
#include <gnutls/pkcs11.h>
#include <p11-kit/p11-kit.h>
#include <string.h>

#include "ck-pin-dialog.h"
#include "ck-resources.h"
#include "ck-test-softhsm.h"
#include "ck-test-tools.h"

/* One token per test: what one test does, another never sees. */
static const char * const token_labels[] = {
  "gui-wrong-pin", "gui-right-pin", "gui-locked", NULL,
};
static gboolean have_softhsm;

#define SKIP_WITHOUT_SOFTHSM() \
  G_STMT_START { if (!have_softhsm) { g_test_skip ("SoftHSM2 is not installed"); return; } } G_STMT_END

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

static CkToken *
lookup_token (const char *label)
{
  g_autofree char *uri = ck_test_softhsm_token_uri (label);
  g_autoptr(GError) error = NULL;
  CkToken *token = ck_token_lookup (uri, &error);

  g_assert_no_error (error);
  return token;
}

/* Widgets found by walking the tree, as a user finds them by looking. */
typedef gboolean (*WidgetMatch) (GtkWidget *widget, gconstpointer data);

static GtkWidget *
find_widget (GtkWidget     *root,
             WidgetMatch    match,
             gconstpointer  data)
{
  if (match (root, data))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_widget (child, match, data);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
is_button_labelled (GtkWidget     *widget,
                    gconstpointer  label)
{
  return GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;
}

static gboolean
is_type (GtkWidget     *widget,
         gconstpointer  type)
{
  return G_TYPE_CHECK_INSTANCE_TYPE (widget, GPOINTER_TO_SIZE (type));
}

static gboolean
is_label_with_class (GtkWidget     *widget,
                     gconstpointer  css_class)
{
  return GTK_IS_LABEL (widget) && gtk_widget_has_css_class (widget, css_class);
}

static gboolean
is_visible_label_containing (GtkWidget     *widget,
                             gconstpointer  text)
{
  return GTK_IS_LABEL (widget) && gtk_widget_is_visible (widget) &&
         strstr (gtk_label_get_label (GTK_LABEL (widget)), text) != NULL;
}

/* The dialog is the newest toplevel. */
static GtkWidget *
pin_dialog (void)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (CK_IS_PIN_DIALOG (window) && gtk_widget_get_visible (window))
        return window;
    }
  return NULL;
}

static gboolean
dialog_shown (gpointer data)
{
  return pin_dialog () != NULL;
}

static gboolean
widget_sensitive (gpointer data)
{
  return gtk_widget_is_sensitive (data);
}

static gboolean
widget_visible (gpointer data)
{
  return gtk_widget_is_visible (data);
}

typedef struct
{
  gboolean done;
  gboolean ok;
  GError *error;
} LoginResult;

static void
login_done (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  LoginResult *login = data;

  login->ok = ck_pin_dialog_login_finish (result, &login->error);
  login->done = TRUE;
}

static gboolean
login_finished (gpointer data)
{
  return ((LoginResult *) data)->done;
}

static GtkWidget *
open_dialog (CkToken     *token,
             LoginResult *result)
{
  GtkWidget *dialog;

  ck_pin_dialog_login_async (NULL, token, NULL, login_done, result);
  spin_until (dialog_shown, NULL);
  dialog = pin_dialog ();
  g_assert_nonnull (dialog);
  return dialog;
}

static void
type_pin_and_log_in (GtkWidget  *dialog,
                     const char *pin)
{
  GtkWidget *entry = find_widget (dialog, is_type, GSIZE_TO_POINTER (ADW_TYPE_PASSWORD_ENTRY_ROW));
  GtkWidget *login = find_widget (dialog, is_button_labelled, "_Log In");

  g_assert_nonnull (entry);
  g_assert_nonnull (login);
  g_assert_true (gtk_widget_is_visible (entry));
  /* Nothing typed yet: nothing to log in with. */
  spin_until (widget_sensitive, entry);
  g_assert_false (gtk_widget_is_sensitive (login));
  gtk_editable_set_text (GTK_EDITABLE (entry), pin);
  g_assert_true (gtk_widget_is_sensitive (login));
  g_signal_emit_by_name (login, "clicked");
  /* The PIN is out of the entry as soon as it is used. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");
}

static void
test_pin_dialog_wrong_pin (void)
{
  g_autoptr(CkToken) token = NULL;
  LoginResult result = { 0 };
  GtkWidget *dialog, *error_label, *entry;

  SKIP_WITHOUT_SOFTHSM ();
  token = lookup_token ("gui-wrong-pin");
  dialog = open_dialog (token, &result);
  type_pin_and_log_in (dialog, "not-the-pin");

  error_label = find_widget (dialog, is_label_with_class, "error");
  g_assert_nonnull (error_label);
  spin_until (widget_visible, error_label);
  g_test_message ("dialog says: %s", gtk_label_get_label (GTK_LABEL (error_label)));
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (error_label)), "wrong PIN"));
  /* What the token now reports: SoftHSM raises "count low". */
  g_assert_nonnull (find_widget (dialog, is_visible_label_containing, "PIN count low"));
  /* Not logged in, not retried, and the dialog waits for the user. */
  g_assert_false (result.done);
  g_assert_false (ck_token_is_logged_in (token));
  entry = find_widget (dialog, is_type, GSIZE_TO_POINTER (ADW_TYPE_PASSWORD_ENTRY_ROW));
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");
  g_assert_true (gtk_widget_is_sensitive (entry));

  /* Cancel: the caller hears so, and nothing is logged in. */
  g_signal_emit_by_name (find_widget (dialog, is_button_labelled, "_Cancel"), "clicked");
  spin_until (login_finished, &result);
  g_assert_false (result.ok);
  g_assert_error (result.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&result.error);
  g_assert_false (ck_token_is_logged_in (token));
}

static void
test_pin_dialog_right_pin (void)
{
  g_autoptr(CkToken) token = NULL;
  g_autoptr(GPtrArray) objects = NULL;
  g_autoptr(GError) error = NULL;
  LoginResult result = { 0 };
  LoginResult again = { 0 };
  GtkWidget *dialog;

  SKIP_WITHOUT_SOFTHSM ();
  token = lookup_token ("gui-right-pin");
  dialog = open_dialog (token, &result);
  g_assert_nonnull (find_widget (dialog, is_visible_label_containing, "gui-right-pin"));
  g_assert_nonnull (find_widget (dialog, is_visible_label_containing, "SoftHSM project"));
  type_pin_and_log_in (dialog, "wrong-first");
  spin_until (widget_visible, find_widget (dialog, is_label_with_class, "error"));
  g_assert_false (result.done);
  type_pin_and_log_in (dialog, CK_TEST_SOFTHSM_USER_PIN);
  spin_until (login_finished, &result);
  g_assert_no_error (result.error);
  g_assert_true (result.ok);
  g_assert_true (ck_token_is_logged_in (token));
  g_assert_null (pin_dialog ());

  /* Already logged in: done at once, no dialog. */
  ck_pin_dialog_login_async (NULL, token, NULL, login_done, &again);
  g_assert_null (pin_dialog ());
  spin_until (login_finished, &again);
  g_assert_true (again.ok);
  ck_token_logout (token);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  /* Before GnuTLS loads the modules. */
  have_softhsm = ck_test_softhsm_setup (token_labels);
  ck_core_init ();
  /* A GnuTLS PIN prompt would be a bug: logins go through the dialog. */
  gnutls_pkcs11_set_pin_function (NULL, NULL);

  if (!gtk_init_check ())
    {
      g_test_message ("No display: the widget tests need Xvfb");
      ck_test_softhsm_teardown ();
      return 77;
    }
  adw_init ();
  (void) ck_get_resource ();
  /* Without a window manager focus-out events can go missing, and a
   * blinking cursor then warns (fatally in a test) about it. */
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);

  g_test_add_func ("/gui/tokens/pin-dialog/wrong-pin", test_pin_dialog_wrong_pin);
  g_test_add_func ("/gui/tokens/pin-dialog/right-pin", test_pin_dialog_right_pin);

  ret = g_test_run ();
  ck_test_softhsm_teardown ();
  return ret;
}
