/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Widget tests of the token parts of the application, each against a
 * SoftHSM2 token made fresh for it: the PIN dialog (wrong PIN, right PIN,
 * locked PIN), the Tokens page, token objects shown with the token as
 * their source, and a certificate + key imported onto a token. */

#include <gnutls/gnutls.h>
#include <gnutls/pkcs11.h>
#include <p11-kit/p11-kit.h>
#include <string.h>

#include <glib/gstdio.h>

#include "ck-application.h"
#include "ck-details-pane.h"
#include "ck-import-dialog.h"
#include "ck-pin-dialog.h"
#include "ck-resources.h"
#include "ck-test-certs.h"
#include "ck-test-softhsm.h"
#include "ck-gui-test-util.h"
#include "ck-test-tools.h"
#include "ck-token-list.h"
#include "ck-window-private.h"

/* One token per test: what one test does, another never sees. */
static const char * const token_labels[] = {
  "gui-wrong-pin", "gui-right-pin", "gui-locked", "gui-list", "gui-objects", "gui-import",
  "gui-issued", "gui-vanish", "gui-pin-pad", "gui-delete", "gui-keyed", NULL,
};
static gboolean have_softhsm;

#define SKIP_WITHOUT_SOFTHSM() \
  G_STMT_START { if (!have_softhsm) { g_test_skip ("SoftHSM2 is not installed"); return; } } G_STMT_END

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
  return ck_gui_test_find_toplevel (CK_TYPE_PIN_DIALOG);
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

/* Ready for a PIN: the dialog has read the token (the entry is not
 * editable while it is busy). */
static gboolean
widget_editable (gpointer data)
{
  return gtk_widget_is_sensitive (data) && gtk_editable_get_editable (GTK_EDITABLE (data));
}

/* The whole of @widget lies inside its window: nothing scrolled or cut
 * away. */
static gboolean
widget_in_view (gpointer data)
{
  GtkWidget *widget = data;
  GtkWidget *window = GTK_WIDGET (gtk_widget_get_root (widget));
  graphene_rect_t bounds;

  if (!gtk_widget_get_mapped (widget)
      || !gtk_widget_compute_bounds (widget, window, &bounds))
    return FALSE;
  return bounds.size.height > 0 && bounds.origin.y >= 0
         && bounds.origin.y + bounds.size.height <= gtk_widget_get_height (window);
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
  ck_gui_test_spin_until (dialog_shown, NULL);
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
  /* Once the dialog has read the token again. */
  ck_gui_test_spin_until (widget_visible, entry);
  ck_gui_test_spin_until (widget_editable, entry);
  /* Nothing typed yet: nothing to log in with. */
  gtk_editable_set_text (GTK_EDITABLE (entry), "");
  g_assert_false (gtk_widget_is_sensitive (login));
  gtk_editable_set_text (GTK_EDITABLE (entry), pin);
  g_assert_true (gtk_widget_is_sensitive (login));
  g_signal_emit_by_name (login, "clicked");
  /* While the token checks it: nothing more to type, nothing to click. */
  g_assert_false (gtk_editable_get_editable (GTK_EDITABLE (entry)));
  g_assert_false (gtk_widget_is_sensitive (login));
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
  ck_gui_test_spin_until (widget_visible, error_label);
  g_test_message ("dialog says: %s", gtk_label_get_label (GTK_LABEL (error_label)));
  g_assert_nonnull (strstr (gtk_label_get_label (GTK_LABEL (error_label)), "wrong PIN"));
  /* What the token now reports: SoftHSM raises "count low". */
  g_assert_nonnull (find_widget (dialog, is_visible_label_containing, "PIN count low"));
  /* Not logged in, not retried, and the dialog waits for the user. */
  g_assert_false (result.done);
  g_assert_false (ck_token_is_logged_in (token));
  entry = find_widget (dialog, is_type, GSIZE_TO_POINTER (ADW_TYPE_PASSWORD_ENTRY_ROW));
  g_assert_true (widget_editable (entry));
  /* The entry keeps the focus, its wrong PIN selected to be typed over,
   * and the dialog grows with the new lines so that it stays in view. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "not-the-pin");
  {
    GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (dialog));
    int start, end;

    g_assert_nonnull (focus);
    g_assert_true (focus == entry || gtk_widget_is_ancestor (focus, entry));
    g_assert_true (gtk_editable_get_selection_bounds (GTK_EDITABLE (entry), &start, &end));
    g_assert_cmpint (start, ==, 0);
    g_assert_cmpint (end, ==, strlen ("not-the-pin"));
  }
  ck_gui_test_spin_until (widget_in_view, entry);
  ck_gui_test_spin_until (widget_in_view, error_label);

  /* Cancel: the caller hears so, and nothing is logged in. */
  g_signal_emit_by_name (find_widget (dialog, is_button_labelled, "_Cancel"), "clicked");
  ck_gui_test_spin_until (login_finished, &result);
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
  ck_gui_test_spin_until (widget_visible, find_widget (dialog, is_label_with_class, "error"));
  g_assert_false (result.done);
  type_pin_and_log_in (dialog, CK_TEST_SOFTHSM_USER_PIN);
  ck_gui_test_spin_until (login_finished, &result);
  g_assert_no_error (result.error);
  g_assert_true (result.ok);
  g_assert_true (ck_token_is_logged_in (token));
  g_assert_null (pin_dialog ());

  /* Already logged in: done at once, no dialog. */
  ck_pin_dialog_login_async (NULL, token, NULL, login_done, &again);
  g_assert_null (pin_dialog ());
  ck_gui_test_spin_until (login_finished, &again);
  g_assert_true (again.ok);
  ck_token_logout (token);
}


/* The Tokens page */

static gboolean
list_idle (gpointer data)
{
  return !ck_token_list_is_busy (data);
}

static CkTokenList *
new_token_list (void)
{
  CkTokenList *list = g_object_ref_sink (g_object_new (CK_TYPE_TOKEN_LIST, NULL));

  ck_token_list_refresh (list);
  ck_gui_test_spin_until (list_idle, list);
  return list;
}

static CkToken *
listed_token (CkTokenList *list,
              const char  *label)
{
  g_autoptr(GPtrArray) tokens = ck_token_list_get_tokens (list);

  for (guint i = 0; i < tokens->len; i++)
    if (g_strcmp0 (ck_token_get_label (tokens->pdata[i]), label) == 0)
      return tokens->pdata[i];
  return NULL;
}

static gboolean
is_row_titled (GtkWidget     *widget,
               gconstpointer  title)
{
  return ADW_IS_PREFERENCES_ROW (widget) &&
         g_strcmp0 (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (widget)), title) == 0;
}

static void
test_token_list (void)
{
  g_autoptr(CkTokenList) list = NULL;
  CkToken *token;
  GtkWidget *row;

  SKIP_WITHOUT_SOFTHSM ();
  list = new_token_list ();
  token = listed_token (list, "gui-list");
  g_assert_nonnull (token);
  row = find_widget (GTK_WIDGET (list), is_row_titled, "gui-list");
  g_assert_nonnull (row);
  g_assert_true (ADW_IS_EXPANDER_ROW (row));
  /* Manufacturer, model, serial and module, then the state. */
  g_assert_nonnull (strstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (row)), "SoftHSM project"));
  g_assert_nonnull (strstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (row)), "SoftHSM v2"));
  g_assert_nonnull (strstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (row)), ck_token_get_serial (token)));
  g_assert_nonnull (strstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (row)), "softhsm2"));
  g_assert_nonnull (find_widget (row, is_visible_label_containing, "initialized, login required"));
  g_assert_nonnull (find_widget (row, is_button_labelled, "_Log In…"));

  /* p11-kit's trust module, when registered, is read-only and has no login. */
  row = find_widget (GTK_WIDGET (list), is_row_titled, "System Trust");
  if (row != NULL)
    g_assert_nonnull (find_widget (row, is_visible_label_containing, "read-only"));

  /* Logged in (as the PIN dialog does it), the state says so and Log Out shows. */
  g_assert_true (ck_token_login (token, CK_TEST_SOFTHSM_USER_PIN, NULL));
  ck_token_list_refresh (list);
  ck_gui_test_spin_until (list_idle, list);
  row = find_widget (GTK_WIDGET (list), is_row_titled, "gui-list");
  g_assert_nonnull (find_widget (row, is_visible_label_containing, "logged in"));
  g_assert_true (gtk_widget_get_visible (find_widget (row, is_button_labelled, "Log _Out")));
  g_assert_false (gtk_widget_get_visible (find_widget (row, is_button_labelled, "_Log In…")));
  ck_token_logout (token);
}

static gboolean
is_label_with_text (GtkWidget     *widget,
                    gconstpointer  text)
{
  return GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0;
}

/* The line of @layout that shows the character at byte @index. */
static int
line_of (PangoLayout *layout,
         int          index)
{
  int line;

  pango_layout_index_to_line_x (layout, index, FALSE, &line, NULL);
  return line;
}

/* At 360 px a token's subtitle keeps its serial number on one line (the
 * "serial" before it too), and its state is a line of the subtitle, not a
 * column beside the buttons that wraps a word a line. */
static void
test_token_list_narrow (void)
{
  g_autoptr(CkTokenList) list = NULL;
  GtkWidget *window, *row, *label;
  PangoLayout *layout;
  const char *text, *serial, *at, *state;
  CkToken *token;
  int serial_line, state_line, last_line;

  SKIP_WITHOUT_SOFTHSM ();
  list = new_token_list ();
  token = listed_token (list, "gui-list");
  g_assert_nonnull (token);
  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 360, 640);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (list));
  gtk_window_present (GTK_WINDOW (window));
  ck_gui_test_wait_for_frame (window);
  /* Nothing asks for more than a phone's width. */
  g_assert_cmpint (gtk_widget_get_width (window), <=, 360);

  row = find_widget (GTK_WIDGET (list), is_row_titled, "gui-list");
  g_assert_nonnull (row);
  text = adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (row));
  label = find_widget (row, is_label_with_text, text);
  g_assert_nonnull (label);
  g_assert_cmpint (gtk_widget_get_width (label), >, 0);
  layout = gtk_label_get_layout (GTK_LABEL (label));
  g_test_message ("subtitle at 360 px, %d px wide, %d lines: %s", gtk_widget_get_width (label),
                  pango_layout_get_line_count (layout), text);

  serial = ck_token_get_serial (token);
  at = strstr (text, serial);
  g_assert_nonnull (at);
  serial_line = line_of (layout, at - text);
  g_assert_cmpint (line_of (layout, at - text + strlen (serial) - 1), ==, serial_line);
  /* "serial" stays with its number. */
  {
    g_autofree char *before = g_strndup (text, at - text);

    g_assert_true (g_str_has_suffix (before, "serial\u00a0"));
  }
  g_assert_cmpint (line_of (layout, g_strrstr_len (text, at - text, "serial") - text), ==, serial_line);

  /* The state: the subtitle's last line, wrapping at most once. */
  state = strrchr (text, '\n');
  g_assert_nonnull (state);
  state++;
  g_assert_true (g_str_has_prefix (state, "initialized, login required"));
  state_line = line_of (layout, state - text);
  last_line = pango_layout_get_line_count (layout) - 1;
  g_assert_cmpint (last_line - state_line, <=, 1);
  g_assert_cmpint (pango_layout_get_line_count (layout), <=, 6);

  gtk_window_destroy (GTK_WINDOW (window));
  ck_gui_test_drain ();
}

/* SoftHSM has no retry counter: it never locks a PIN by itself (its flags
 * stay at "count low", see tests/test-tokens.c). What a real token reports
 * after too many wrong PINs (or a PIN pad reader's flag, which SoftHSM
 * has no use for either) is put into SoftHSM's token file: @flag is set or
 * cleared in its CKA_OS_TOKENFLAGS attribute (0x8000534b, an 8-byte
 * big-endian ulong), and the file's generation counter (its first 8 bytes)
 * is raised so that the loaded module reads it again. */
static void
set_softhsm_flag (const char *label,
                  gulong      flag,
                  gboolean    on)
{
  static const guint8 flags_type[16] = { 0, 0, 0, 0, 0x80, 0, 0x53, 0x4b, 0, 0, 0, 0, 0, 0, 0, 2 };
  g_autofree char *tokens = g_build_filename (ck_test_softhsm_dir (), "tokens", NULL);
  g_autoptr(GDir) dir = g_dir_open (tokens, 0, NULL);
  const char *name;
  gboolean done = FALSE;

  g_assert_nonnull (dir);
  while (!done && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (tokens, name, "token.object", NULL);
      g_autofree char *data = NULL;
      gsize len = 0;
      guint8 *p;
      guint64 value = 0;

      if (!g_file_get_contents (path, &data, &len, NULL) ||
          !memmem (data, len, label, strlen (label)))
        continue;
      p = memmem (data, len, flags_type, sizeof flags_type);
      g_assert_nonnull (p);
      /* type (8), kind (8), then the value */
      for (guint i = 0; i < 8; i++)
        value = (value << 8) | p[16 + i];
      value = on ? (value | flag) : (value & ~(guint64) flag);
      for (guint i = 0; i < 8; i++)
        p[16 + 7 - i] = (value >> (8 * i)) & 0xff;
      for (int i = 7; i >= 0 && ++((guint8 *) data)[i] == 0; i--)
        ;
      g_assert_true (g_file_set_contents (path, data, len, NULL));
      done = TRUE;
    }
  g_assert_true (done);
}

/* The SO unlocks the user PIN: C_Login as CKU_SO, then C_InitPIN with a
 * new user PIN, through the module GnuTLS loaded from p11-kit. */
static void
so_init_pin (CkToken    *token,
             const char *new_pin)
{
  CK_FUNCTION_LIST *module;
  CK_SESSION_HANDLE session;
  unsigned long slot;
  void *ptr;

  g_assert_cmpint (gnutls_pkcs11_token_get_ptr (ck_token_get_uri (token), &ptr, &slot, 0), ==, 0);
  module = ptr;
  g_assert_cmpint (module->C_OpenSession (slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL,
                                          &session), ==, CKR_OK);
  g_assert_cmpint (module->C_Login (session, CKU_SO, (CK_UTF8CHAR_PTR) CK_TEST_SOFTHSM_SO_PIN,
                                    strlen (CK_TEST_SOFTHSM_SO_PIN)), ==, CKR_OK);
  g_assert_cmpint (module->C_InitPIN (session, (CK_UTF8CHAR_PTR) new_pin, strlen (new_pin)), ==, CKR_OK);
  module->C_Logout (session);
  module->C_CloseSession (session);
}

static void
test_locked_pin (void)
{
  g_autoptr(CkToken) token = NULL;
  g_autoptr(CkTokenList) list = NULL;
  g_autoptr(GError) error = NULL;
  LoginResult result = { 0 };
  LoginResult again = { 0 };
  GtkWidget *dialog, *row, *entry;
  const char *new_pin = "new-user-pin-42";

  SKIP_WITHOUT_SOFTHSM ();
  token = lookup_token ("gui-locked");
  /* Wrong PINs first, as a user would: SoftHSM only says "count low". */
  for (guint i = 0; i < 3; i++)
    {
      g_assert_false (ck_token_login (token, "wrong", &error));
      g_assert_error (error, CK_ERROR, CK_ERROR_BAD_PASSWORD);
      g_clear_error (&error);
    }
  set_softhsm_flag ("gui-locked", CKF_USER_PIN_LOCKED, TRUE);
  g_assert_true (ck_token_refresh (token, NULL));
  g_assert_true (ck_token_get_flags (token) & CKF_USER_PIN_LOCKED);
  g_assert_false (ck_token_login (token, CK_TEST_SOFTHSM_USER_PIN, &error));
  g_test_message ("locked: %s", error->message);
  g_assert_nonnull (strstr (error->message, "locked"));
  g_clear_error (&error);

  /* The Tokens page says Locked and offers no login. */
  list = new_token_list ();
  row = find_widget (GTK_WIDGET (list), is_row_titled, "gui-locked");
  g_assert_nonnull (row);
  g_assert_nonnull (find_widget (row, is_visible_label_containing, "PIN locked"));
  g_assert_false (gtk_widget_is_sensitive (find_widget (row, is_button_labelled, "_Log In…")));

  /* The PIN dialog explains the SO unlock and takes no PIN. */
  dialog = open_dialog (token, &result);
  ck_gui_test_spin_until (widget_visible, find_widget (dialog, is_label_with_class, "warning"));
  g_assert_nonnull (find_widget (dialog, is_visible_label_containing, "Locked"));
  g_assert_nonnull (find_widget (dialog, is_visible_label_containing, "security officer"));
  entry = find_widget (dialog, is_type, GSIZE_TO_POINTER (ADW_TYPE_PASSWORD_ENTRY_ROW));
  g_assert_false (gtk_widget_is_visible (entry));
  g_assert_false (gtk_widget_is_sensitive (find_widget (dialog, is_button_labelled, "_Log In")));
  g_signal_emit_by_name (find_widget (dialog, is_button_labelled, "_Cancel"), "clicked");
  ck_gui_test_spin_until (login_finished, &result);
  g_assert_error (result.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&result.error);

  /* Unlocked with the SO PIN and a new user PIN; a real token clears its
   * lock in C_InitPIN, SoftHSM (which never set it) is told to. */
  so_init_pin (token, new_pin);
  set_softhsm_flag ("gui-locked", CKF_USER_PIN_LOCKED, FALSE);
  dialog = open_dialog (token, &again);
  type_pin_and_log_in (dialog, new_pin);
  ck_gui_test_spin_until (login_finished, &again);
  g_assert_no_error (again.error);
  g_assert_true (ck_token_is_logged_in (token));
  ck_token_logout (token);
}

/* Token objects: read from the token, shown with the token as source */

/* Takes @x509 over. */
static CkPrivateKey *
software_key (gnutls_x509_privkey_t x509)
{
  g_autoptr(GError) error = NULL;
  CkPrivateKey *key = ck_private_key_new_from_x509 (x509, &error);

  g_assert_no_error (error);
  return key;
}

static gboolean
items_loaded (gpointer data)
{
  gpointer *args = data;

  return !ck_token_list_is_busy (args[0]) && ck_token_list_get_items (args[0], args[1]) != NULL;
}

static void
test_token_objects (void)
{
  g_autoptr(CkTestCa) ca = ck_test_ca_new ("Token Objects CA");
  gnutls_x509_privkey_t x509 = ck_test_key_new ();
  g_autofree char *leaf = ck_test_ca_issue (ca, x509, "on-token.example", 5);
  g_autoptr(CkPrivateKey) soft = software_key (x509);
  g_autoptr(CkPrivateKey) key = NULL;
  g_autoptr(CkCertificate) cert = ck_certificate_new_from_pem (leaf, -1, NULL);
  g_autoptr(CkTokenList) list = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) id = g_bytes_new_static ("\x0a\x0b", 2);
  CkDetailsPane *pane;
  CkToken *token;
  GPtrArray *items;
  CkTokenItem *key_item = NULL;
  CkTokenItem *cert_item = NULL;
  GtkWidget *cert_row;
  gpointer args[2];

  SKIP_WITHOUT_SOFTHSM ();
  list = new_token_list ();
  token = listed_token (list, "gui-objects");
  g_assert_true (ck_token_login (token, CK_TEST_SOFTHSM_USER_PIN, &error));
  key = ck_token_import_key (token, soft, "objects-key", id, &error);
  g_assert_no_error (error);
  g_assert_true (ck_token_import_certificate (token, cert, key, &error));

  ck_token_list_expand (list, token);
  args[0] = list;
  args[1] = token;
  ck_gui_test_spin_until (items_loaded, args);
  items = ck_token_list_get_items (list, token);
  for (guint i = 0; i < items->len; i++)
    {
      CkTokenItem *item = items->pdata[i];
      const CkTokenObject *object = ck_token_item_get_object (item);
      g_autofree char *source = ck_token_item_dup_source (item);

      g_test_message ("%s %s %s (%s)", object->kind, object->label, object->id_hex, source);
      g_assert_cmpstr (source, ==, "Token: gui-objects");
      if (g_str_equal (object->kind, "private-key"))
        key_item = item;
      else if (g_str_equal (object->kind, "certificate"))
        cert_item = item;
    }
  g_assert_nonnull (key_item);
  g_assert_nonnull (cert_item);
  g_assert_cmpstr (ck_token_item_get_object (key_item)->id_hex, ==, "0a0b");
  g_assert_cmpstr (ck_token_item_get_object (cert_item)->id_hex, ==, "0a0b");
  /* Read from the token: the same certificate, nothing in a store. */
  g_assert_cmpstr (ck_certificate_get_sha256_fingerprint (ck_token_item_get_certificate (cert_item)),
                   ==, ck_certificate_get_sha256_fingerprint (cert));

  /* The certificate's row sits under its key's; activating it selects it. */
  cert_row = find_widget (GTK_WIDGET (list), is_row_titled, "on-token.example");
  g_assert_nonnull (cert_row);
  g_assert_nonnull (find_widget (GTK_WIDGET (list), is_row_titled, "objects-key"));
  g_signal_emit_by_name (cert_row, "activated");
  g_assert_true (ck_token_list_get_selected (list) == cert_item);

  /* The details pane shows it with the token as its source. */
  pane = g_object_ref_sink (g_object_new (CK_TYPE_DETAILS_PANE, NULL));
  {
    g_autofree char *dir = g_dir_make_tmp ("ck-gui-tokens-XXXXXX", NULL);
    g_autoptr(CkStore) store = ck_store_open (dir, &error);

    g_assert_no_error (error);
    ck_details_pane_show_token_item (pane, store, cert_item);
    g_assert_cmpstr (ck_details_pane_lookup (pane, "Source"), ==, "Token: gui-objects");
    g_assert_cmpstr (ck_details_pane_lookup (pane, "Issued to"), ==, "on-token.example");
    g_assert_cmpstr (ck_details_pane_lookup (pane, "ID"), ==, "0a0b");
    g_assert_cmpstr (ck_details_pane_lookup (pane, "Private key"), ==,
                     "On the token, beside the certificate");
    ck_details_pane_show_token_item (pane, store, key_item);
    g_assert_cmpstr (ck_details_pane_lookup (pane, "Label"), ==, "objects-key");
    /* Nothing was copied into the store. */
    g_assert_cmpuint (g_list_model_get_n_items (ck_store_get_certificates (store)), ==, 0);
    g_clear_object (&store);
    ck_test_remove_tree (dir);
  }
  g_object_unref (pane);
  ck_token_logout (token);
}

/* Importing onto a token */

typedef struct
{
  char *dir;
  CkStore *store;
} TempStore;

static void
temp_store_open (TempStore *temp)
{
  g_autoptr(GError) error = NULL;

  temp->dir = g_dir_make_tmp ("ck-gui-tokens-XXXXXX", &error);
  g_assert_no_error (error);
  temp->store = ck_store_open (temp->dir, &error);
  g_assert_no_error (error);
}

static void
temp_store_close (TempStore *temp)
{
  g_clear_object (&temp->store);
  ck_test_remove_tree (temp->dir);
  g_clear_pointer (&temp->dir, g_free);
}

static gboolean
dialog_read (gpointer data)
{
  return !ck_import_dialog_is_reading (data);
}

static gboolean
has_n_keys (gpointer data)
{
  return g_list_model_get_n_items (ck_store_get_keys (data)) > 0;
}

static gboolean
destinations_listed (gpointer data)
{
  return g_list_model_get_n_items (adw_combo_row_get_model (data)) > 1;
}

/* What p11tool, a separate process reading the same token directory,
 * lists; the PIN goes through its environment, never its command line. */
static char *
p11tool_list (const char *what,
              const char *label)
{
  g_autofree char *p11tool = g_find_program_in_path ("p11tool");
  g_autofree char *uri = ck_test_softhsm_token_uri (label);
  char *out;

  if (p11tool == NULL)
    return NULL;
  g_setenv ("GNUTLS_PIN", CK_TEST_SOFTHSM_USER_PIN, TRUE);
  out = ck_test_run_tool ((const char * const[]) { p11tool, "--login", what, uri, NULL });
  g_unsetenv ("GNUTLS_PIN");
  g_assert_nonnull (out);
  g_test_message ("p11tool %s:\n%s", what, out);
  return out;
}

static void
test_import_onto_token (void)
{
  g_autoptr(CkTestCa) ca = ck_test_ca_new ("Token Import CA");
  gnutls_x509_privkey_t x509 = ck_test_key_new ();
  g_autofree char *leaf = ck_test_ca_issue (ca, x509, "to-token.example", 11);
  g_autofree char *key_pem = ck_test_key_to_pem (x509);
  g_autofree char *both = g_strconcat (leaf, key_pem, NULL);
  g_autoptr(GBytes) bytes = g_bytes_new (both, strlen (both));
  g_autoptr(CkPrivateKey) key = NULL;
  g_autoptr(GBytes) exported = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CkToken) token = NULL;
  g_autoptr(GPtrArray) objects = NULL;
  g_autofree char *privkeys = NULL;
  g_autofree char *certs = NULL;
  TempStore temp = { 0 };
  CkImportDialog *dialog;
  GtkWidget *combo, *passphrase, *import;
  GListModel *names;
  CkStoredKey *row;
  LoginResult unused = { 0 };
  const char *cert_id = NULL, *key_id = NULL;

  SKIP_WITHOUT_SOFTHSM ();
  gnutls_x509_privkey_deinit (x509);
  temp_store_open (&temp);
  dialog = ck_import_dialog_new (NULL, temp.store);
  gtk_window_present (GTK_WINDOW (dialog));
  g_assert_true (ck_import_dialog_add_bytes (dialog, bytes, "cert-and-key.pem"));
  ck_gui_test_spin_until (dialog_read, dialog);

  /* The destination: the store, or a writable token. */
  combo = find_widget (GTK_WIDGET (dialog), is_type, GSIZE_TO_POINTER (ADW_TYPE_COMBO_ROW));
  g_assert_nonnull (combo);
  /* Shown once writable tokens were found. */
  ck_gui_test_spin_until (destinations_listed, combo);
  ck_gui_test_spin_until (widget_visible, combo);
  names = adw_combo_row_get_model (ADW_COMBO_ROW (combo));
  for (guint i = 0; i < g_list_model_get_n_items (names); i++)
    {
      const char *name = gtk_string_list_get_string (GTK_STRING_LIST (names), i);

      /* Read-only tokens (System Trust) are not offered. */
      g_assert_cmpstr (name, !=, "Token: System Trust");
      if (g_strcmp0 (name, "Token: gui-import") == 0)
        adw_combo_row_set_selected (ADW_COMBO_ROW (combo), i);
    }
  g_assert_cmpuint (adw_combo_row_get_selected (ADW_COMBO_ROW (combo)), >, 0);
  /* A key on a token is protected by its PIN, not by a store passphrase. */
  passphrase = find_widget (GTK_WIDGET (dialog), is_row_titled, "Passphrase");
  g_assert_false (gtk_widget_is_visible (passphrase));
  import = find_widget (GTK_WIDGET (dialog), is_button_labelled, "_Import");
  g_assert_true (gtk_widget_is_sensitive (import));
  g_signal_emit_by_name (import, "clicked");

  /* The token asks for its PIN. */
  ck_gui_test_spin_until (dialog_shown, NULL);
  type_pin_and_log_in (pin_dialog (), CK_TEST_SOFTHSM_USER_PIN);
  ck_gui_test_spin_until (has_n_keys, temp.store);
  (void) unused;

  /* The store has the key by its URI, never its material. */
  row = g_list_model_get_item (ck_store_get_keys (temp.store), 0);
  g_object_unref (row);
  g_assert_nonnull (ck_stored_key_get_pkcs11_uri (row));
  g_assert_nonnull (strstr (ck_stored_key_get_pkcs11_uri (row), "token=gui-import"));
  g_assert_cmpuint (g_list_model_get_n_items (ck_store_get_certificates (temp.store)), ==, 1);
  /* The dialog's login ended with it; the key is found once logged in. */
  token = lookup_token ("gui-import");
  g_assert_true (ck_token_login (token, CK_TEST_SOFTHSM_USER_PIN, &error));
  key = ck_store_load_private_key (temp.store, ck_stored_key_get_id (row), NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ck_private_key_is_on_token (key));
  exported = ck_private_key_export_pkcs8 (key, "passphrase", &error);
  g_assert_null (exported);
  g_assert_error (error, CK_ERROR, CK_ERROR_UNSUPPORTED);
  g_clear_error (&error);

  /* On the token: key and certificate with one CKA_ID. */
  objects = ck_token_list_objects (token, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < objects->len; i++)
    {
      CkTokenObject *object = objects->pdata[i];

      if (g_str_equal (object->kind, "private-key"))
        key_id = object->id_hex;
      else if (g_str_equal (object->kind, "certificate"))
        cert_id = object->id_hex;
    }
  g_assert_nonnull (key_id);
  g_assert_cmpstr (cert_id, ==, key_id);

  /* p11tool sees it sensitive and not extractable. */
  privkeys = p11tool_list ("--list-all-privkeys", "gui-import");
  if (privkeys == NULL)
    g_test_skip ("p11tool is not installed");
  else
    {
      g_assert_nonnull (strstr (privkeys, "to-token.example"));
      g_assert_nonnull (strstr (privkeys, "CKA_SENSITIVE"));
      g_assert_null (strstr (privkeys, "CKA_EXTRACTABLE"));
      /* A signing key: no decrypting by unwrapping either. */
      g_assert_null (strstr (privkeys, "UNWRAP"));
      certs = p11tool_list ("--list-all-certs", "gui-import");
      g_assert_nonnull (strstr (certs, "to-token.example"));
    }
  ck_token_logout (token);
  temp_store_close (&temp);
}

static gboolean
token_has_certificate (gpointer data)
{
  gpointer *args = data;

  return ck_token_has_certificate (args[0], args[1]);
}

static void
test_issued_onto_token (void)
{
  g_autoptr(CkTestCa) ca = ck_test_ca_new ("Token Issuing CA");
  gnutls_x509_privkey_t x509 = ck_test_key_new ();
  g_autofree char *leaf = ck_test_ca_issue (ca, x509, "issued-for-token.example", 12);
  g_autoptr(GBytes) bytes = g_bytes_new (leaf, strlen (leaf));
  g_autoptr(CkPrivateKey) soft = software_key (x509);
  g_autoptr(CkPrivateKey) key = NULL;
  g_autoptr(CkCertificate) cert = ck_certificate_new_from_pem (leaf, -1, NULL);
  g_autoptr(GBytes) id = g_bytes_new_static ("\x42\x43\x44", 3);
  g_autoptr(CkToken) token = NULL;
  g_autoptr(GPtrArray) objects = NULL;
  g_autoptr(GError) error = NULL;
  TempStore temp = { 0 };
  CkImportDialog *dialog;
  gpointer args[2];
  guint n_certs = 0;

  SKIP_WITHOUT_SOFTHSM ();
  temp_store_open (&temp);
  token = lookup_token ("gui-issued");
  g_assert_true (ck_token_login (token, CK_TEST_SOFTHSM_USER_PIN, &error));
  /* The key is on the token and in the store by its URI, as after a
   * request made with a token key. */
  key = ck_token_import_key (token, soft, "issued-key", id, &error);
  g_assert_no_error (error);
  g_assert_true (ck_store_add_key (temp.store, key, "issued key", NULL, CK_COMMIT_NONE, NULL, &error));
  g_assert_no_error (error);
  g_assert_false (ck_token_has_certificate (token, cert));

  /* The CA's answer is imported as any certificate... */
  dialog = ck_import_dialog_new (NULL, temp.store);
  g_assert_true (ck_import_dialog_add_bytes (dialog, bytes, "issued.pem"));
  ck_gui_test_spin_until (dialog_read, dialog);
  g_signal_emit_by_name (find_widget (GTK_WIDGET (dialog), is_button_labelled, "_Import"), "clicked");

  /* ...and goes onto the token beside its key. */
  args[0] = token;
  args[1] = cert;
  ck_gui_test_spin_until (token_has_certificate, args);
  objects = ck_token_list_objects (token, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < objects->len; i++)
    {
      CkTokenObject *object = objects->pdata[i];

      if (g_str_equal (object->kind, "certificate"))
        {
          n_certs++;
          g_assert_cmpstr (object->id_hex, ==, "424344");
          g_assert_cmpstr (object->label, ==, "issued-key");
        }
    }
  g_assert_cmpuint (n_certs, ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (ck_store_get_certificates (temp.store)), ==, 1);
  ck_token_logout (token);
  temp_store_close (&temp);
}

static gboolean
is_error_row (GtkWidget     *widget,
              gconstpointer  data)
{
  return ADW_IS_ACTION_ROW (widget) && gtk_widget_has_css_class (widget, "error");
}

/* A token pulled out while it is shown: the page says so, no crash. */
static void
test_token_vanishes (void)
{
  g_autoptr(CkTokenList) list = NULL;
  g_autofree char *tokens = NULL;
  g_autoptr(GDir) dir = NULL;
  const char *name;
  CkToken *token;
  GtkWidget *row, *error_row;
  gpointer args[2];

  SKIP_WITHOUT_SOFTHSM ();
  list = new_token_list ();
  token = listed_token (list, "gui-vanish");
  g_assert_nonnull (token);

  /* SoftHSM keeps a token as a directory: removing it is pulling it out. */
  tokens = g_build_filename (ck_test_softhsm_dir (), "tokens", NULL);
  dir = g_dir_open (tokens, 0, NULL);
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (tokens, name, "token.object", NULL);
      g_autofree char *data = NULL;
      gsize len;

      if (g_file_get_contents (path, &data, &len, NULL) && memmem (data, len, "gui-vanish", 10))
        {
          g_autofree char *token_dir = g_build_filename (tokens, name, NULL);

          ck_test_remove_tree (token_dir);
        }
    }

  ck_token_list_expand (list, token);
  args[0] = list;
  args[1] = token;
  ck_gui_test_spin_until (list_idle, list);
  row = find_widget (GTK_WIDGET (list), is_row_titled, "gui-vanish");
  g_assert_nonnull (row);
  /* The state says so, and the reason is shown under the token. */
  g_assert_nonnull (find_widget (row, is_visible_label_containing, "not available"));
  error_row = find_widget (row, is_error_row, NULL);
  g_assert_nonnull (error_row);
  g_test_message ("shown: %s", adw_preferences_row_get_title (ADW_PREFERENCES_ROW (error_row)));
  g_assert_nonnull (strstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (error_row)),
                            "Token “gui-vanish”"));
  /* SoftHSM's slot still says "present" and the token "internal error". */
  g_assert_nonnull (strstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (error_row)),
                            "cannot read the token"));
  (void) args;

  /* Listing again drops it. */
  ck_token_list_refresh (list);
  ck_gui_test_spin_until (list_idle, list);
  g_assert_null (listed_token (list, "gui-vanish"));
  g_assert_nonnull (listed_token (list, "gui-list"));
}

/* A PIN pad reader (CKF_PROTECTED_AUTHENTICATION_PATH): SoftHSM has none,
 * so the flag is put into its token file as for the locked PIN. The
 * dialog asks for no typed PIN and logs in with none; SoftHSM, having no
 * pad, then refuses, and the dialog says so and stays. */
static void
test_pin_pad (void)
{
  g_autoptr(CkToken) token = NULL;
  LoginResult result = { 0 };
  GtkWidget *dialog, *entry, *login, *error_label;

  SKIP_WITHOUT_SOFTHSM ();
  set_softhsm_flag ("gui-pin-pad", CKF_PROTECTED_AUTHENTICATION_PATH, TRUE);
  token = lookup_token ("gui-pin-pad");
  g_assert_true (ck_token_has_protected_path (token));

  dialog = open_dialog (token, &result);
  login = find_widget (dialog, is_button_labelled, "_Log In");
  ck_gui_test_spin_until (widget_sensitive, login);
  entry = find_widget (dialog, is_type, GSIZE_TO_POINTER (ADW_TYPE_PASSWORD_ENTRY_ROW));
  g_assert_false (gtk_widget_is_visible (entry));
  g_assert_nonnull (find_widget (dialog, is_visible_label_containing, "PIN pad"));
  g_signal_emit_by_name (login, "clicked");
  g_assert_nonnull (find_widget (dialog, is_visible_label_containing,
                                 "Enter the PIN on the reader’s PIN pad"));
  error_label = find_widget (dialog, is_label_with_class, "error");
  ck_gui_test_spin_until (widget_visible, error_label);
  g_test_message ("SoftHSM without a pad: %s", gtk_label_get_label (GTK_LABEL (error_label)));
  g_assert_false (result.done);
  g_assert_false (ck_token_is_logged_in (token));
  g_signal_emit_by_name (find_widget (dialog, is_button_labelled, "_Cancel"), "clicked");
  ck_gui_test_spin_until (login_finished, &result);
  g_clear_error (&result.error);
  set_softhsm_flag ("gui-pin-pad", CKF_PROTECTED_AUTHENTICATION_PATH, FALSE);
}
/* Delete and Export on the Tokens page of the window */

/* One application for the window tests: GApplication registers once. */
static CkApplication *
shared_app (void)
{
  static CkApplication *app;
  g_autoptr(GError) error = NULL;

  if (app == NULL)
    {
      app = ck_application_new ();
      g_application_set_flags (G_APPLICATION (app), G_APPLICATION_NON_UNIQUE);
      g_assert_true (g_application_register (G_APPLICATION (app), NULL, &error));
      g_assert_no_error (error);
    }
  return app;
}

/* The message dialog shown whose heading names @name. */
static AdwMessageDialog *
message_dialog (const char *name)
{
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (window) && gtk_widget_get_visible (window) &&
          strstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (window)), name) != NULL)
        return ADW_MESSAGE_DIALOG (window);
    }
  return NULL;
}

static gboolean
message_dialog_shown (gpointer name)
{
  return message_dialog (name) != NULL;
}

static gboolean
token_listed (gpointer data)
{
  gpointer *args = data;

  return !ck_token_list_is_busy (args[0]) && listed_token (args[0], args[1]) != NULL;
}

/* The objects of kind args[2] and CKA_ID args[3] on token args[1] are gone
 * and the list (args[0]) shows what is on the token again. */
static gboolean
objects_gone (gpointer data)
{
  gpointer *args = data;
  g_autoptr(GPtrArray) objects = NULL;
  GPtrArray *items;

  if (ck_token_list_is_busy (args[0]) ||
      (items = ck_token_list_get_items (args[0], args[1])) == NULL)
    return FALSE;
  for (guint i = 0; i < items->len; i++)
    {
      const CkTokenObject *object = ck_token_item_get_object (items->pdata[i]);

      if (g_str_has_prefix (object->kind, args[2]) && g_str_equal (object->id_hex, args[3]))
        return FALSE;
    }
  objects = ck_token_list_objects (args[1], NULL);
  for (guint i = 0; objects != NULL && i < objects->len; i++)
    {
      CkTokenObject *object = objects->pdata[i];

      if (g_str_has_prefix (object->kind, args[2]) && g_str_equal (object->id_hex, args[3]))
        return FALSE;
    }
  return objects != NULL;
}

static gboolean
action_enabled (CkWindow   *window,
                const char *name)
{
  return g_action_get_enabled (g_action_map_lookup_action (G_ACTION_MAP (window), name));
}

/* Delete and Export with an object on a token selected: the dialog names
 * it and says there is no undo; the certificate goes, then the key with
 * its public half. A certificate on a token exports; a key on a token
 * offers no export at all (no empty menu). Before, Delete cast the item
 * to a stored key ("Delete “(null)”?", "No key with id 0"). */
static void
test_delete_from_window (void)
{
  g_autoptr(CkTestCa) ca = ck_test_ca_new ("Token Delete CA");
  gnutls_x509_privkey_t x509 = ck_test_key_new ();
  g_autofree char *leaf = ck_test_ca_issue (ca, x509, "delete-me.example", 5);
  g_autoptr(CkPrivateKey) soft = software_key (x509);
  g_autoptr(CkPrivateKey) key = NULL;
  g_autoptr(CkCertificate) cert = ck_certificate_new_from_pem (leaf, -1, NULL);
  g_autoptr(GBytes) id = g_bytes_new_static ("\x0d\x0e", 2);
  g_autoptr(CkToken) setup_token = NULL;
  g_autoptr(GError) error = NULL;
  TempStore temp = { 0 };
  AdwMessageDialog *dialog;
  CkWindow *window;
  CkToken *token;
  GtkWidget *row;
  gpointer args[4];

  SKIP_WITHOUT_SOFTHSM ();
  setup_token = lookup_token ("gui-delete");
  g_assert_true (ck_token_login (setup_token, CK_TEST_SOFTHSM_USER_PIN, &error));
  key = ck_token_import_key (setup_token, soft, "delete-key", id, &error);
  g_assert_no_error (error);
  g_assert_true (ck_token_import_certificate (setup_token, cert, key, &error));
  g_assert_no_error (error);
  ck_token_logout (setup_token);

  temp_store_open (&temp);
  window = ck_window_new (shared_app (), temp.store, NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 700);
  gtk_window_present (GTK_WINDOW (window));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "tokens"));
  ck_token_list_refresh (window->token_list);
  args[0] = window->token_list;
  args[1] = (gpointer) "gui-delete";
  ck_gui_test_spin_until (token_listed, args);
  token = listed_token (window->token_list, "gui-delete");
  g_assert_true (ck_token_login (token, CK_TEST_SOFTHSM_USER_PIN, &error));
  g_assert_no_error (error);
  ck_token_list_expand (window->token_list, token);
  args[1] = token;
  ck_gui_test_spin_until (items_loaded, args);

  /* The certificate: exported like one in the store, but no PKCS#12 or
   * key export, whose key stays on the token. */
  row = find_widget (GTK_WIDGET (window->token_list), is_row_titled, "delete-me.example");
  g_assert_nonnull (row);
  g_signal_emit_by_name (row, "activated");
  g_assert_true (CK_IS_TOKEN_ITEM (window->selected));
  g_assert_nonnull (window->selected_certificate);
  g_assert_cmpstr (ck_certificate_get_sha256_fingerprint (window->selected_certificate), ==,
                   ck_certificate_get_sha256_fingerprint (cert));
  g_assert_true (gtk_widget_get_sensitive (window->export_button));
  g_assert_true (action_enabled (window, "export-pem"));
  g_assert_true (action_enabled (window, "export-der"));
  g_assert_false (action_enabled (window, "export-pkcs12"));
  g_assert_false (action_enabled (window, "export-key"));

  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.delete", NULL));
  ck_gui_test_spin_until (message_dialog_shown, "delete-me.example");
  dialog = message_dialog ("delete-me.example");
  g_test_message ("%s — %s", adw_message_dialog_get_heading (dialog), adw_message_dialog_get_body (dialog));
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==,
                   "Delete “delete-me.example” from token “gui-delete”?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "cannot be undone"));
  g_assert_cmpstr (adw_message_dialog_get_default_response (dialog), ==, "cancel");
  adw_message_dialog_response (dialog, "delete");
  args[2] = (gpointer) "certificate";
  args[3] = (gpointer) "0d0e";
  ck_gui_test_spin_until (objects_gone, args);
  g_assert_false (ck_token_has_certificate (token, cert));
  g_assert_null (ck_token_list_get_selected (window->token_list));
  g_assert_null (window->selected_certificate);

  /* The key: nothing to export; deleted with its public key. */
  row = find_widget (GTK_WIDGET (window->token_list), is_row_titled, "delete-key");
  g_assert_nonnull (row);
  g_signal_emit_by_name (row, "activated");
  g_assert_true (CK_IS_TOKEN_ITEM (window->selected));
  g_assert_false (gtk_widget_get_sensitive (window->export_button));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.delete", NULL));
  ck_gui_test_spin_until (message_dialog_shown, "delete-key");
  dialog = message_dialog ("delete-key");
  g_assert_cmpstr (adw_message_dialog_get_heading (dialog), ==,
                   "Delete “delete-key” from token “gui-delete”?");
  g_assert_nonnull (strstr (adw_message_dialog_get_body (dialog), "cannot be undone"));
  adw_message_dialog_response (dialog, "delete");
  args[2] = (gpointer) "";   /* private and public */
  ck_gui_test_spin_until (objects_gone, args);
  g_assert_null (find_widget (GTK_WIDGET (window->token_list), is_row_titled, "delete-key"));
  /* The store was never involved. */
  g_assert_cmpuint (g_list_model_get_n_items (ck_store_get_keys (temp.store)), ==, 0);

  ck_token_logout (token);
  gtk_window_destroy (GTK_WINDOW (window));
  ck_gui_test_drain ();
  temp_store_close (&temp);
}

static gboolean
certificate_list_idle (gpointer data)
{
  ck_gui_test_drain ();
  return !ck_certificate_list_is_busy (data);
}

/* A certificate in the store whose key is on a token: the details say on
 * which token, and neither PKCS#12 nor PKCS#8 export is offered, which
 * would ask for a passphrase the key does not have and fail. Before, it
 * said "In the store" and offered both. */
static void
test_certificate_with_key_on_token (void)
{
  g_autoptr(CkTestCa) ca = ck_test_ca_new ("Token Keyed CA");
  gnutls_x509_privkey_t x509 = ck_test_key_new ();
  g_autofree char *leaf = ck_test_ca_issue (ca, x509, "keyed.example", 5);
  g_autoptr(GBytes) bytes = g_bytes_new (leaf, strlen (leaf));
  g_autoptr(CkPrivateKey) soft = software_key (x509);
  g_autoptr(CkPrivateKey) key = NULL;
  g_autoptr(GBytes) id = g_bytes_new_static ("\x4b\x45", 2);
  g_autoptr(CkToken) token = NULL;
  g_autoptr(CkImporter) importer = NULL;
  g_autoptr(GError) error = NULL;
  CkCommitSummary summary = { 0 };
  TempStore temp = { 0 };
  CkWindow *window;

  SKIP_WITHOUT_SOFTHSM ();
  temp_store_open (&temp);
  token = lookup_token ("gui-keyed");
  g_assert_true (ck_token_login (token, CK_TEST_SOFTHSM_USER_PIN, &error));
  key = ck_token_import_key (token, soft, "keyed-key", id, &error);
  g_assert_no_error (error);
  g_assert_true (ck_store_add_key (temp.store, key, "keyed key", NULL, CK_COMMIT_NONE, NULL, &error));
  g_assert_no_error (error);
  importer = ck_importer_new (temp.store);
  ck_importer_add_bytes (importer, bytes, "keyed.pem");
  g_assert_true (ck_store_commit (temp.store, ck_importer_get_plan (importer), NULL,
                                  CK_COMMIT_NONE, NULL, NULL, &summary, &error));
  g_assert_no_error (error);

  window = ck_window_new (shared_app (), temp.store, NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1200, 700);
  gtk_window_present (GTK_WINDOW (window));
  ck_gui_test_spin_until (certificate_list_idle, window->certificate_list);
  g_assert_true (ck_certificate_list_select_first (window->certificate_list));
  ck_gui_test_spin_until (certificate_list_idle, window->certificate_list);

  g_assert_true (CK_IS_STORED_CERTIFICATE (window->selected));
  g_assert_true (ck_stored_certificate_get_has_key (CK_STORED_CERTIFICATE (window->selected)));
  g_assert_cmpstr (ck_details_pane_lookup (window->details_pane, "Private key"), ==,
                   "On token “gui-keyed”");
  g_assert_true (action_enabled (window, "export-pem"));
  g_assert_true (action_enabled (window, "export-chain"));
  g_assert_false (action_enabled (window, "export-pkcs12"));
  g_assert_false (action_enabled (window, "export-key"));
  g_assert_true (gtk_widget_get_sensitive (window->export_button));

  /* The key itself, on the Keys page: nothing to export either. */
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (window), "win.show-page", "s", "keys"));
  ck_gui_test_drain ();
  g_assert_false (action_enabled (window, "export-key"));

  ck_token_logout (token);
  gtk_window_destroy (GTK_WINDOW (window));
  ck_gui_test_drain ();
  temp_store_close (&temp);
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
  g_test_add_func ("/gui/tokens/pin-dialog/locked", test_locked_pin);
  g_test_add_func ("/gui/tokens/pin-dialog/pin-pad", test_pin_pad);
  g_test_add_func ("/gui/tokens/token-list", test_token_list);
  g_test_add_func ("/gui/tokens/token-list-narrow", test_token_list_narrow);
  g_test_add_func ("/gui/tokens/objects", test_token_objects);
  g_test_add_func ("/gui/tokens/import-onto-token", test_import_onto_token);
  g_test_add_func ("/gui/tokens/issued-onto-token", test_issued_onto_token);
  g_test_add_func ("/gui/tokens/vanishes", test_token_vanishes);
  g_test_add_func ("/gui/tokens/delete-from-window", test_delete_from_window);
  g_test_add_func ("/gui/tokens/certificate-with-key-on-token", test_certificate_with_key_on_token);

  ret = g_test_run ();
  ck_test_softhsm_teardown ();
  return ret;
}
