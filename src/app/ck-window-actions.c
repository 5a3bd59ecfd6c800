/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the window's actions do: import, paste, export, delete with undo. */
#include <glib/gi18n.h>

#include "ck-file-chooser.h"
#include "ck-password-row.h"
#include "ck-request-assistant.h"
#include "ck-window-private.h"

/* The "New Request" buttons are hidden, and the action disabled, only in
 * builds without the assistant. */
#define HAVE_REQUEST_ASSISTANT TRUE

void
ck_window_toast_error (CkWindow     *self,
                       const char   *what,
                       const GError *error)
{
  g_autofree char *title = g_strdup_printf ("%s: %s", what, error->message);
  AdwToast *toast = adw_toast_new (title);

  adw_toast_set_timeout (toast, 0);
  ck_window_add_toast (self, toast);
}

static void
ck_window_toast (CkWindow   *self,
                 const char *title)
{
  ck_window_add_toast (self, adw_toast_new (title));
}

/* A file name from a certificate's name: no separators, nothing hidden. */
static char *
suggested_file_name (const char *name,
                     const char *extension)
{
  g_autofree char *base = g_strdup (name != NULL && name[0] != '\0' ? name : "certificate");

  g_strdelimit (base, "/\\:*?\"<>|", '_');
  if (base[0] == '.')
    base[0] = '_';
  return g_strconcat (base, extension, NULL);
}

static void
toast_exported (CkWindow *self,
                GFile    *file)
{
  g_autofree char *basename = g_file_get_basename (file);
  g_autofree char *title = g_strdup_printf (_("Exported to “%s”"), basename);

  ck_window_toast (self, title);
}

/* Import */

static void
import_chosen (GListModel *files,
               gpointer    user_data)
{
  g_autoptr(CkWindow) self = user_data;
  g_autoptr(GPtrArray) array = g_ptr_array_new_with_free_func (g_object_unref);

  if (files == NULL)
    return;

  for (guint i = 0; i < g_list_model_get_n_items (files); i++)
    g_ptr_array_add (array, g_list_model_get_item (files, i));
  ck_window_import_files (self, (GFile **) array->pdata, array->len);
}

static void
import_action (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  CkWindow *self = user_data;

  ck_file_chooser_open_files (GTK_WINDOW (self), _("Import Certificates and Keys"),
                              import_chosen, g_object_ref (self));
}

static void
paste_received (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(CkWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = gdk_clipboard_read_text_finish (GDK_CLIPBOARD (source), result, &error);

  if (text == NULL)
    {
      if (error != NULL)
        ck_window_toast_error (self, _("Nothing to paste"), error);
      else
        ck_window_toast (self, _("The clipboard holds no text"));
      return;
    }

  ck_window_import_text (self, text, _("pasted text"));
}

static void
paste_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  CkWindow *self = user_data;

  /* Ctrl+V is a bubble-phase binding: an entry with the focus has already
   * pasted into itself and we are not called. */
  gdk_clipboard_read_text_async (gtk_widget_get_clipboard (GTK_WIDGET (self)), NULL,
                                 paste_received, g_object_ref (self));
}

static void
request_added (CkRequestAssistant *assistant,
               gint64              id,
               CkWindow           *self)
{
  CkStoredRequest *row = ck_store_get_request_row (self->store, id);
  g_autofree char *title = NULL;

  /* Translators: %s is the request's name, usually its common name. */
  title = g_strdup_printf (_("Request for “%s” saved as pending"),
                           row != NULL ? ck_stored_request_get_display_name (row) : "");
  /* Shown once the assistant is closed: a toast behind a modal window
   * would time out unseen. */
  g_object_set_data_full (G_OBJECT (assistant), "ck-added-toast", g_steal_pointer (&title), g_free);
}

static void
request_assistant_closed (CkRequestAssistant *assistant,
                          CkWindow           *self)
{
  const char *title = g_object_get_data (G_OBJECT (assistant), "ck-added-toast");
  const char *page = g_object_get_data (G_OBJECT (assistant), "ck-added-page");
  AdwToast *toast;

  /* Gone to the trust settings of what it made: no toast needed. */
  if (title == NULL || g_object_get_data (G_OBJECT (assistant), "ck-trust-opened") != NULL)
    return;
  toast = adw_toast_new (title);
  adw_toast_set_button_label (toast, _("_Show"));
  adw_toast_set_action_name (toast, "win.show-page");
  adw_toast_set_action_target (toast, "s", page != NULL ? page : "requests");
  /* Twice the default: it has a button to use. */
  adw_toast_set_timeout (toast, 10);
  ck_window_add_toast (self, toast);
}

static void
open_request_assistant (CkWindow *self,
                        gint64    key_id)
{
  CkRequestAssistant *assistant;

  if (self->keeper == NULL)
    return;
  assistant = ck_request_assistant_new (GTK_WINDOW (self), self->keeper);
  g_signal_connect_object (assistant, "request-added", G_CALLBACK (request_added), self, 0);
  g_signal_connect_object (assistant, "destroy", G_CALLBACK (request_assistant_closed), self, 0);
  if (key_id > 0)
    ck_request_assistant_set_key (assistant, key_id);
  gtk_window_present (GTK_WINDOW (assistant));
}

/* --- New Self-Signed Certificate (the request assistant's pages) */

static void
certificate_added (CkRequestAssistant *assistant,
                   gint64              id,
                   CkWindow           *self)
{
  CkStoredCertificate *row = ck_store_get_certificate_row (self->store, id);
  g_autofree char *title = NULL;

  /* Translators: %s is the certificate's name, usually its common name. */
  title = g_strdup_printf (_("Self-signed certificate “%s” created"),
                           row != NULL ? ck_stored_certificate_get_display_name (row) : "");
  g_object_set_data_full (G_OBJECT (assistant), "ck-added-toast", g_steal_pointer (&title), g_free);
  g_object_set_data (G_OBJECT (assistant), "ck-added-page", (gpointer) "certificates");
}

/* "Trust Settings…" after making a CA: the assistant goes, the new
 * certificate is selected and its trust dialog opens. */
static void
self_signed_trust_requested (CkRequestAssistant *assistant,
                             gint64              id,
                             CkWindow           *self)
{
  CkStoredCertificate *row = ck_store_get_certificate_row (self->store, id);

  g_object_set_data (G_OBJECT (assistant), "ck-trust-opened", GINT_TO_POINTER (1));
  gtk_window_close (GTK_WINDOW (assistant));
  adw_view_stack_set_visible_child_name (self->view_stack, "certificates");
  if (row == NULL || !ck_certificate_list_select_row (self->certificate_list, row)
      || ck_window_trust_settings (self) == NULL)
    ck_window_add_toast (self, adw_toast_new (_("Select the new certificate and open its Trust Settings")));
}

static void
new_self_signed_action (GSimpleAction *action,
                        GVariant      *parameter,
                        gpointer       user_data)
{
  CkWindow *self = user_data;
  CkRequestAssistant *assistant;

  if (self->keeper == NULL)
    return;
  assistant = ck_request_assistant_new_self_signed (GTK_WINDOW (self), self->keeper);
  g_signal_connect_object (assistant, "certificate-added", G_CALLBACK (certificate_added), self, 0);
  g_signal_connect_object (assistant, "trust-requested", G_CALLBACK (self_signed_trust_requested),
                           self, 0);
  g_signal_connect_object (assistant, "destroy", G_CALLBACK (request_assistant_closed), self, 0);
  gtk_window_present (GTK_WINDOW (assistant));
}

static void
new_request_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  open_request_assistant (user_data, 0);
}

static void
new_request_for_key_action (GSimpleAction *action,
                            GVariant      *parameter,
                            gpointer       user_data)
{
  open_request_assistant (user_data, g_variant_get_int64 (parameter));
}

static void
search_action (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  CkWindow *self = user_data;

  if (g_strcmp0 (gtk_stack_get_visible_child_name (self->main_stack), "store") != 0)
    return;
  adw_leaflet_set_visible_child (self->leaflet, self->list_pane);
  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
}

static void
show_page_action (GSimpleAction *action,
                  GVariant      *parameter,
                  gpointer       user_data)
{
  CkWindow *self = user_data;

  adw_view_stack_set_visible_child_name (self->view_stack,
                                         g_variant_get_string (parameter, NULL));
  adw_leaflet_set_visible_child (self->leaflet, self->list_pane);
}

static void
back_action (GSimpleAction *action,
             GVariant      *parameter,
             gpointer       user_data)
{
  CkWindow *self = user_data;

  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
copy_fingerprint_action (GSimpleAction *action,
                         GVariant      *parameter,
                         gpointer       user_data)
{
  CkWindow *self = user_data;
  g_autofree char *text = NULL;
  const char *what;

  if (self->selected_certificate != NULL)
    {
      text = ck_hex_format_colons (ck_certificate_get_sha256_fingerprint (self->selected_certificate));
      what = _("SHA-256 fingerprint");
    }
  else if (CK_IS_STORED_KEY (self->selected))
    {
      text = ck_hex_format_colons (ck_stored_key_get_spki_sha256 (CK_STORED_KEY (self->selected)));
      what = _("Public key SHA-256");
    }
  else if (CK_IS_STORED_REQUEST (self->selected))
    {
      text = ck_hex_format_colons (ck_stored_request_get_sha256 (CK_STORED_REQUEST (self->selected)));
      what = _("SHA-256 fingerprint");
    }
  else
    return;

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), text);
  g_signal_emit_by_name (self->details_pane, "copied", what);
}

/* Export: certificates */

typedef enum {
  EXPORT_PEM,
  EXPORT_DER,
  EXPORT_CHAIN,
  EXPORT_PKCS12,
  EXPORT_KEY,
  EXPORT_CHAIN_NO_ROOT,
} ExportFormat;

typedef struct
{
  CkWindow      *self;
  ExportFormat   format;
  CkCertificate *certificate;   /* nullable for EXPORT_KEY */
  gint64         key_id;
  char          *key_name;
  gboolean       key_encrypted;
  /* Ask for the key's passphrase even with the store unlocked: a key from
   * before the store passphrase, with one of its own. */
  gboolean       key_has_own_passphrase;
  CkPrivateKey  *key;           /* decrypted, for PKCS#12 and PKCS#8 */
  char          *password;      /* what the exported file is encrypted with */
  CkPkcs12Profile profile;      /* PKCS#12: who has to read it */
  CkExportChain  chain;         /* PKCS#12: which issuers go with it */
  gboolean       unencrypted;   /* key: written in the clear, asked for */
  AdwComboRow   *profile_row;
  AdwComboRow   *chain_row;
  GtkSwitch     *unencrypted_switch;
  GtkEditable   *key_entry;
  GtkEditable   *password_entry;
  GtkEditable   *confirm_entry;
  GtkWidget     *dialog;
} ExportJob;

static void
wipe_string (char **str)
{
  if (*str != NULL)
    {
      memset (*str, 0, strlen (*str));
      g_clear_pointer (str, g_free);
    }
}

static void
export_job_free (ExportJob *job)
{
  g_clear_object (&job->self);
  g_clear_object (&job->certificate);
  g_clear_object (&job->key);
  g_free (job->key_name);
  wipe_string (&job->password);
  g_free (job);
}

typedef struct
{
  ExportJob *job;
  GFile     *file;
} ExportWrite;

static void
export_written (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  ExportWrite *write = user_data;
  ExportJob *job = write->job;
  CkWindow *self = job->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(CkKeeperExported) exported = ck_keeper_export_finish (CK_KEEPER (source), result,
                                                                  &error);
  gboolean ok = exported != NULL;

  /* A location without a local path (a portal's document, a remote
   * folder): the keeper handed the bytes back for GIO to write. */
  if (ok && exported->data != NULL)
    ok = g_file_replace_contents (write->file, g_bytes_get_data (exported->data, NULL),
                                  g_bytes_get_size (exported->data), NULL, FALSE,
                                  exported->holds_key ? G_FILE_CREATE_PRIVATE
                                                      : G_FILE_CREATE_NONE,
                                  NULL, NULL, &error);
  if (ok && (job->format == EXPORT_CHAIN || job->format == EXPORT_CHAIN_NO_ROOT) &&
      !exported->chain_complete)
    {
      g_autofree char *title = NULL;

      /* Translators: %u is how many certificates were written, %s the
       * name of the last one. */
      title = g_strdup_printf (ngettext ("Exported %u certificate; the issuer of “%s” is not in the store",
                                         "Exported %u certificates; the issuer of “%s” is not in the store",
                                         exported->n_certificates),
                               exported->n_certificates, exported->last_name);
      ck_window_toast (self, title);
    }
  else if (ok)
    toast_exported (self, write->file);
  else
    ck_window_toast_error (self, _("Export failed"), error);

  g_object_unref (write->file);
  g_free (write);
  export_job_free (job);
}

/* The keeper encodes and writes, in a worker (PKCS#12 and an encrypted
 * key spend a key derivation). */
static void
export_saved (GFile    *file,
              gpointer  user_data)
{
  ExportJob *job = user_data;
  CkKeeperExportRequest request = { 0 };
  ExportWrite *write;

  if (file == NULL)
    {
      export_job_free (job);
      return;
    }

  request.certificate = job->certificate;
  switch (job->format)
    {
    case EXPORT_PEM:
      request.format = CK_KEEPER_EXPORT_PEM;
      break;
    case EXPORT_DER:
      request.format = CK_KEEPER_EXPORT_DER;
      break;
    case EXPORT_CHAIN:
    case EXPORT_CHAIN_NO_ROOT:
      request.format = CK_KEEPER_EXPORT_PEM;
      request.chain = job->format == EXPORT_CHAIN ? CK_EXPORT_CHAIN_WITH_ROOT
                                                  : CK_EXPORT_CHAIN_NO_ROOT;
      break;
    case EXPORT_PKCS12:
      request.format = CK_KEEPER_EXPORT_PKCS12;
      request.key = job->key;
      request.password = job->password;
      request.chain = job->chain;
      request.profile = job->profile;
      break;
    case EXPORT_KEY:
      request.format = CK_KEEPER_EXPORT_PKCS8_PEM;
      request.key = job->key;
      /* NULL only when the user chose an unencrypted key. */
      request.password = job->unencrypted ? NULL : job->password;
      break;
    default:
      g_assert_not_reached ();
    }
  request.path = g_file_peek_path (file);
  /* The file chooser has asked about replacing it. */
  request.write_flags = CK_WRITE_OVERWRITE;

  write = g_new0 (ExportWrite, 1);
  write->job = job;
  write->file = g_object_ref (file);
  ck_keeper_export_async (job->self->keeper, &request, NULL, export_written, write);
}

static void
export_choose_file (ExportJob *job)
{
  const char *name = job->certificate != NULL
                     ? ck_certificate_get_display_name (job->certificate)
                     : job->key_name;
  static const char *extensions[] = { ".pem", ".der", "-chain.pem", ".p12", ".key",
                                       "-chain.pem" };
  static const char *titles[] = {
    N_("Export Certificate"), N_("Export Certificate"), N_("Export Certificate Chain"),
    N_("Export Certificate and Key"), N_("Export Private Key"),
    N_("Export Certificate Chain"),
  };
  g_autofree char *file_name = suggested_file_name (name, extensions[job->format]);

  ck_file_chooser_save_file (GTK_WINDOW (job->self), _(titles[job->format]), file_name,
                             export_saved, job);
}

static void ask_export_passwords (ExportJob  *job,
                                  const char *problem);

static void
passwords_entered (AdwMessageDialog *dialog,
                   const char       *response,
                   ExportJob        *job)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *key_passphrase = NULL;

  /* The rows go with the dialog (which libadwaita closes before it
   * responds): nothing of ours may run on them from here on. */
  {
    gpointer rows[] = { job->key_entry, job->password_entry, job->confirm_entry,
                        job->unencrypted_switch };

    for (guint i = 0; i < G_N_ELEMENTS (rows); i++)
      if (rows[i] != NULL)
        g_signal_handlers_disconnect_by_data (rows[i], job);
  }

  if (g_strcmp0 (response, "export") != 0)
    {
      export_job_free (job);
      return;
    }

  /* The choices are kept, so a second round (wrong passphrase) shows them. */
  if (job->profile_row != NULL)
    job->profile = adw_combo_row_get_selected (job->profile_row) == 1
                   ? CK_PKCS12_PROFILE_LEGACY : CK_PKCS12_PROFILE_MODERN;
  if (job->chain_row != NULL)
    job->chain = (CkExportChain) adw_combo_row_get_selected (job->chain_row);
  if (job->unencrypted_switch != NULL)
    job->unencrypted = gtk_switch_get_active (job->unencrypted_switch);

  if (job->key_entry != NULL)
    key_passphrase = g_strdup (gtk_editable_get_text (job->key_entry));
  job->password = g_strdup (gtk_editable_get_text (job->password_entry));
  /* Leave nothing behind in the entries' buffers. */
  if (job->key_entry != NULL)
    gtk_editable_set_text (job->key_entry, "");
  gtk_editable_set_text (job->password_entry, "");
  gtk_editable_set_text (job->confirm_entry, "");
  job->key_entry = job->password_entry = job->confirm_entry = NULL;
  job->profile_row = job->chain_row = NULL;
  job->unencrypted_switch = NULL;
  job->dialog = NULL;

  g_clear_object (&job->key);
  job->key = ck_store_load_private_key (job->self->store, job->key_id, key_passphrase, &error);
  wipe_string (&key_passphrase);

  if (job->key == NULL)
    {
      wipe_string (&job->password);
      if (g_error_matches (error, CK_ERROR, CK_ERROR_BAD_PASSWORD))
        ask_export_passwords (job, _("The key passphrase is wrong. Try again."));
      else if (g_error_matches (error, CK_ERROR, CK_ERROR_PASSWORD_REQUIRED))
        {
          job->key_has_own_passphrase = TRUE;
          ask_export_passwords (job, error->message);
        }
      else
        {
          ck_window_toast_error (job->self, _("Cannot read the private key"), error);
          export_job_free (job);
        }
      return;
    }

  export_choose_file (job);
}

static void
export_passwords_changed (ExportJob *job)
{
  const char *password = gtk_editable_get_text (job->password_entry);
  const char *confirm = gtk_editable_get_text (job->confirm_entry);
  gboolean unencrypted = job->unencrypted_switch != NULL
                         && gtk_switch_get_active (job->unencrypted_switch);
  gboolean ok = unencrypted || (password[0] != '\0' && g_strcmp0 (password, confirm) == 0);

  if (job->key_entry != NULL)
    ok = ok && gtk_editable_get_text (job->key_entry)[0] != '\0';
  /* No passphrase rows for an unencrypted key: nothing typed there is used. */
  gtk_widget_set_visible (GTK_WIDGET (job->password_entry), !unencrypted);
  gtk_widget_set_visible (GTK_WIDGET (job->confirm_entry), !unencrypted);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (job->dialog), "export", ok);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (job->dialog), "export",
                                              unencrypted ? ADW_RESPONSE_DESTRUCTIVE
                                                          : ADW_RESPONSE_SUGGESTED);
}

static GtkEditable *
add_password_row (GtkListBox *list,
                  const char *title,
                  ExportJob  *job)
{
  return ck_password_row_append (list, title, G_CALLBACK (export_passwords_changed), job);
}

static void
profile_row_changed (AdwComboRow *row)
{
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                               adw_combo_row_get_selected (row) == 1
                               ? _("3DES, RC2-40 and SHA-1, weaker: for Windows Server 2016 "
                                   "and older, Java 8 and old appliances")
                               : _("AES-256 and SHA-256: for OpenSSL 3, Windows 10 and later, "
                                   "macOS, Java 11 and later"));
}

static AdwComboRow *
add_combo_row (GtkListBox         *list,
               const char         *title,
               const char * const *choices,
               guint               selected)
{
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);
  GtkWidget *row = adw_combo_row_new ();

  for (guint i = 0; choices[i] != NULL; i++)
    gtk_string_list_append (model, _(choices[i]));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (model));
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), selected);
  gtk_list_box_append (list, row);
  return ADW_COMBO_ROW (row);
}

/* What a PKCS#12 holds and who reads it. */
static void
add_pkcs12_rows (GtkListBox *list,
                 ExportJob  *job)
{
  static const char * const profiles[] = { N_("Current systems"), N_("Older systems"), NULL };
  /* In CkExportChain order. */
  static const char * const chains[] = {
    N_("Certificate only"), N_("Certificate and issuers, without the root"),
    N_("Certificate and the whole chain"), NULL,
  };

  job->profile_row = add_combo_row (list, _("Compatible with"), profiles,
                                    job->profile == CK_PKCS12_PROFILE_LEGACY ? 1 : 0);
  profile_row_changed (job->profile_row);
  g_signal_connect (job->profile_row, "notify::selected", G_CALLBACK (profile_row_changed), NULL);
  job->chain_row = add_combo_row (list, _("Include"), chains, job->chain);
}

/* The explicit choice of a key without encryption, saying what it means. */
static void
add_unencrypted_row (GtkListBox *list,
                     ExportJob  *job)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *toggle = gtk_switch_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Without Encryption"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                               _("For a web server that starts unattended. Anyone who can "
                                 "read the file has the key; it is saved readable by you only."));
  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  gtk_switch_set_active (GTK_SWITCH (toggle), job->unencrypted);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);
  gtk_list_box_append (list, row);
  job->unencrypted_switch = GTK_SWITCH (toggle);
  g_signal_connect_swapped (toggle, "notify::active", G_CALLBACK (export_passwords_changed), job);
}

/* One dialog for both passwords: the key's store passphrase (when it is
 * encrypted) and the one protecting the exported file; for PKCS#12 also
 * the profile and the chain, for a key the choice of no encryption. */
static void
ask_export_passwords (ExportJob  *job,
                      const char *problem)
{
  GtkWidget *dialog;
  GtkWidget *list = gtk_list_box_new ();
  g_autofree char *body = NULL;
  const char *heading = job->format == EXPORT_PKCS12
                        ? _("Export Certificate and Key")
                        : _("Export Private Key");

  body = g_strdup_printf ("%s%s%s",
                          job->format == EXPORT_PKCS12
                          ? _("The PKCS#12 file is protected with a password of its own.")
                          : _("The exported key is encrypted with a passphrase of its own."),
                          problem != NULL ? "\n\n" : "",
                          problem != NULL ? problem : "");
  dialog = adw_message_dialog_new (GTK_WINDOW (job->self), heading, body);
  job->dialog = dialog;
  g_signal_connect (dialog, "close-request",
                    G_CALLBACK (ck_password_row_drop_focus_on_close), NULL);

  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  job->key_entry = NULL;
  /* The store passphrase is asked for once per session. */
  if (job->key_encrypted &&
      (job->key_has_own_passphrase || !ck_key_vault_is_unlocked (ck_key_vault_get (job->self->store))))
    job->key_entry = add_password_row (GTK_LIST_BOX (list), _("Key passphrase in Certkeeper"), job);
  job->password_entry = add_password_row (GTK_LIST_BOX (list),
                                          job->format == EXPORT_PKCS12
                                          ? _("New password for the file")
                                          : _("New passphrase for the key"), job);
  job->confirm_entry = add_password_row (GTK_LIST_BOX (list), _("Confirm"), job);
  job->profile_row = NULL;
  job->chain_row = NULL;
  job->unencrypted_switch = NULL;
  if (job->format == EXPORT_PKCS12)
    add_pkcs12_rows (GTK_LIST_BOX (list), job);
  else
    add_unencrypted_row (GTK_LIST_BOX (list), job);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), list);

  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "export", _("_Export…"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "export",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "export");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  export_passwords_changed (job);
  g_signal_connect (dialog, "response", G_CALLBACK (passwords_entered), job);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (GTK_WIDGET (job->key_entry != NULL ? job->key_entry : job->password_entry));
}

static gint64
selected_key_id (CkWindow  *self,
                 gboolean  *encrypted,
                 char     **name)
{
  CkStoredKey *key = NULL;
  gint64 id = 0;

  if (CK_IS_STORED_KEY (self->selected))
    {
      key = g_object_ref (CK_STORED_KEY (self->selected));
      id = ck_stored_key_get_id (key);
    }
  else if (self->selected_certificate != NULL)
    {
      id = ck_store_find_key (self->store,
                              ck_certificate_get_spki_sha256 (self->selected_certificate));
      if (id != 0 && (key = ck_store_get_key_row (self->store, id)) != NULL)
        g_object_ref (key);
    }

  if (key == NULL)
    return 0;

  *encrypted = ck_stored_key_get_encrypted (key);
  *name = g_strdup (self->selected_certificate != NULL
                    ? ck_certificate_get_display_name (self->selected_certificate)
                    : ck_stored_key_get_display_name (key));
  g_object_unref (key);
  return id;
}

static void
export_activate (CkWindow     *self,
                 ExportFormat  format)
{
  ExportJob *job = g_new0 (ExportJob, 1);

  job->self = g_object_ref (self);
  job->format = format;
  /* The other side has its own roots; the whole chain is one choice away. */
  job->chain = CK_EXPORT_CHAIN_NO_ROOT;
  if (self->selected_certificate != NULL)
    job->certificate = g_object_ref (self->selected_certificate);

  if (format == EXPORT_PKCS12 || format == EXPORT_KEY)
    {
      job->key_id = selected_key_id (self, &job->key_encrypted, &job->key_name);
      if (job->key_id == 0 || (format == EXPORT_PKCS12 && job->certificate == NULL))
        {
          export_job_free (job);
          return;
        }
      ask_export_passwords (job, NULL);
      return;
    }

  if (job->certificate == NULL)
    {
      export_job_free (job);
      return;
    }
  export_choose_file (job);
}

static void
export_pem_action (GSimpleAction *a, GVariant *p, gpointer self)
{
  export_activate (self, EXPORT_PEM);
}

static void
export_der_action (GSimpleAction *a, GVariant *p, gpointer self)
{
  export_activate (self, EXPORT_DER);
}

static void
export_chain_action (GSimpleAction *a, GVariant *p, gpointer self)
{
  export_activate (self, EXPORT_CHAIN);
}

static void
export_chain_no_root_action (GSimpleAction *a, GVariant *p, gpointer self)
{
  export_activate (self, EXPORT_CHAIN_NO_ROOT);
}

static void
export_pkcs12_action (GSimpleAction *a, GVariant *p, gpointer self)
{
  export_activate (self, EXPORT_PKCS12);
}

static void
export_key_action (GSimpleAction *a, GVariant *p, gpointer self)
{
  export_activate (self, EXPORT_KEY);
}

/* Requests: saved by their details, which know the request shown. */
static void
export_request_action (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  CkWindow *self = user_data;

  gtk_widget_activate_action_variant (GTK_WIDGET (self->request_details), "request.save",
                                      parameter);
}

/* Delete, with Undo: the core's record of what the delete took (rows with
 * their ids, trust decisions, links) is kept until the toast goes, and
 * Undo puts exactly that back. */

typedef struct
{
  CkWindow   *self;
  CkDeletion *deletion;
} DeletedObject;

static void
deleted_object_clear (gpointer data)
{
  DeletedObject *deleted = data;

  g_clear_object (&deleted->self);
  g_clear_object (&deleted->deletion);
}

/* Reference-counted: the toast's Undo handler holds it for as long as the
 * toast exists, whatever order it is clicked and dismissed in. */
static void
deleted_object_free (gpointer data)
{
  g_rc_box_release_full (data, deleted_object_clear);
}

static void
undo_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(CkWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!ck_keeper_undo_delete_finish (CK_KEEPER (source), result, &error))
    ck_window_toast_error (self, _("Cannot restore"), error);
}

static void
undo_delete (AdwToast      *toast,
             DeletedObject *deleted)
{
  ck_keeper_undo_delete_async (deleted->self->keeper, deleted->deletion, NULL, undo_done,
                               g_object_ref (deleted->self));
}

/* The toast after a delete: what went, and a distrust that stays. */
static char *
deleted_title (CkDeletion *deletion)
{
  const char * const *kept = ck_deletion_get_kept_distrusts (deletion);

  if (kept[0] != NULL)
    /* Translators: a certificate was deleted, but its distrust was for its
     * public key, which other certificates (or the key) in the store have */
    return g_strdup_printf (_("“%s” deleted; its distrust stays in force for its key"),
                            ck_deletion_get_display_name (deletion));
  if (ck_deletion_get_n_lifted_key_distrusts (deletion) > 0)
    /* Translators: the last certificate with a distrusted key, or the key,
     * was deleted: nothing with that key is left to distrust */
    return g_strdup_printf (_("“%s” deleted; the distrust of its key went with it"),
                            ck_deletion_get_display_name (deletion));
  return g_strdup_printf (_("“%s” deleted"), ck_deletion_get_display_name (deletion));
}

static void
delete_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  DeletedObject *deleted = user_data;
  CkWindow *self = deleted->self;
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;
  AdwToast *toast;

  deleted->deletion = ck_keeper_delete_finish (CK_KEEPER (source), result, &error);
  if (deleted->deletion == NULL)
    {
      ck_window_toast_error (self, _("Cannot delete"), error);
      deleted_object_free (deleted);
      return;
    }

  title = deleted_title (deleted->deletion);
  toast = adw_toast_new (title);
  adw_toast_set_button_label (toast, _("_Undo"));
  /* Twice the default: a delete is destructive, and the user needs time
   * to notice the wrong row went before the chance to undo it expires. */
  adw_toast_set_timeout (toast, 10);
  g_signal_connect_data (toast, "button-clicked", G_CALLBACK (undo_delete),
                         g_steal_pointer (&deleted),
                         (GClosureNotify) (void (*) (void)) deleted_object_free, 0);
  ck_window_add_toast (self, toast);
}

static void
delete_confirmed (AdwMessageDialog *dialog,
                  const char       *response,
                  DeletedObject    *deleted)
{
  CkWindow *self = deleted->self;
  gint64 id;

  /* One answer per dialog: @deleted is given away below. */
  g_signal_handlers_disconnect_by_func (dialog, delete_confirmed, deleted);
  if (g_strcmp0 (response, "delete") != 0 || self->selected == NULL)
    {
      deleted_object_free (deleted);
      return;
    }

  if (CK_IS_STORED_CERTIFICATE (self->selected))
    id = ck_stored_certificate_get_id (CK_STORED_CERTIFICATE (self->selected));
  else
    id = ck_stored_key_get_id (CK_STORED_KEY (self->selected));

  ck_keeper_delete_async (self->keeper, id, NULL, delete_done, deleted);
}

/* What deleting the certificate @row does to its trust decisions, for the
 * confirmation; NULL when it has none. */
static char *
certificate_trust_body (CkWindow            *self,
                        CkStoredCertificate *row)
{
  g_autoptr(GPtrArray) decisions = NULL;
  g_autoptr(GPtrArray) kept = NULL;
  g_autoptr(GError) error = NULL;

  if (self->trust == NULL)
    return NULL;
  decisions = ck_trust_list (self->trust, ck_stored_certificate_get_sha256 (row), &error);
  if (decisions != NULL)
    kept = ck_trust_list_kept_on_delete (self->trust, ck_stored_certificate_get_id (row), &error);
  if (kept == NULL)
    return g_strdup_printf (_("What is decided about its trust cannot be read: %s"),
                            error->message);
  if (kept->len > 0)
    return g_strdup (_("Its distrust stays in force: other certificates with the same public "
                       "key stay distrusted, as long as one of them or the key is in the store."));
  if (decisions->len > 0)
    return g_strdup (_("Its trust decisions are removed with it."));
  return NULL;
}

static void
delete_action (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  CkWindow *self = user_data;
  DeletedObject *deleted;
  GtkWidget *dialog;
  g_autofree char *heading = NULL;
  g_autofree char *trust_body = NULL;
  g_autofree char *full_body = NULL;
  const char *name;
  const char *body;

  if (self->selected == NULL)
    return;
  /* Requests have their own confirmation and Undo, in their details. */
  if (CK_IS_STORED_REQUEST (self->selected))
    {
      gtk_widget_activate_action (GTK_WIDGET (self->request_details), "request.delete", NULL);
      return;
    }
  /* Objects on a token are deleted there, without Undo (ck-window-token.c). */
  if (CK_IS_TOKEN_ITEM (self->selected))
    {
      ck_window_delete_token_item (self, CK_TOKEN_ITEM (self->selected));
      return;
    }

  deleted = g_rc_box_new0 (DeletedObject);
  deleted->self = g_object_ref (self);
  if (CK_IS_STORED_CERTIFICATE (self->selected))
    {
      CkStoredCertificate *row = CK_STORED_CERTIFICATE (self->selected);

      name = ck_stored_certificate_get_display_name (row);
      body = ck_stored_certificate_get_has_key (row)
             ? _("Its private key stays in the store.")
             : _("You can import it again later.");
      trust_body = certificate_trust_body (self, row);
      if (trust_body != NULL)
        body = full_body = g_strconcat (body, "\n\n", trust_body, NULL);
    }
  else
    {
      CkStoredKey *key = CK_STORED_KEY (self->selected);

      name = ck_stored_key_get_display_name (key);
      body = _("Without a copy elsewhere, the key cannot be recovered and its certificates become unusable. Its certificates stay in the store.");
    }

  heading = g_strdup_printf (_("Delete “%s”?"), name);
  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "delete", _("_Delete"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "delete",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect (dialog, "response", G_CALLBACK (delete_confirmed), deleted);
  gtk_window_present (GTK_WINDOW (dialog));
}

static const GActionEntry win_actions[] = {
  { .name = "import", .activate = import_action },
  { .name = "paste", .activate = paste_action },
  { .name = "new-request", .activate = new_request_action },
  { .name = "new-request-for-key", .activate = new_request_for_key_action, .parameter_type = "x" },
  { .name = "new-self-signed", .activate = new_self_signed_action },
  { .name = "search", .activate = search_action },
  { .name = "show-page", .activate = show_page_action, .parameter_type = "s" },
  { .name = "back", .activate = back_action },
  { .name = "copy-fingerprint", .activate = copy_fingerprint_action },
  { .name = "export-pem", .activate = export_pem_action },
  { .name = "export-der", .activate = export_der_action },
  { .name = "export-chain", .activate = export_chain_action },
  { .name = "export-chain-no-root", .activate = export_chain_no_root_action },
  { .name = "export-pkcs12", .activate = export_pkcs12_action },
  { .name = "export-key", .activate = export_key_action },
  { .name = "export-request", .activate = export_request_action, .parameter_type = "s" },
  { .name = "delete", .activate = delete_action },
};

static void
set_enabled (CkWindow   *self,
             const char *name,
             gboolean    enabled)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), name);

  g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

void
ck_window_set_action_enabled (CkWindow   *self,
                              const char *name,
                              gboolean    enabled)
{
  set_enabled (self, name, enabled);
}

/* The stored key of the selection (a key, or a certificate's key), when
 * its bytes are in the store: a key on a token has only its URI there and
 * can go into no PKCS#12 or PKCS#8 file. */
static gboolean
selection_has_software_key (CkWindow *self)
{
  CkStoredKey *key = NULL;

  if (CK_IS_STORED_KEY (self->selected))
    key = CK_STORED_KEY (self->selected);
  else if (CK_IS_STORED_CERTIFICATE (self->selected) && self->selected_certificate != NULL
           && ck_stored_certificate_get_has_key (CK_STORED_CERTIFICATE (self->selected)))
    {
      gint64 id = ck_store_find_key (self->store,
                                     ck_certificate_get_spki_sha256 (self->selected_certificate));

      key = id != 0 ? ck_store_get_key_row (self->store, id) : NULL;
    }
  return key != NULL && ck_stored_key_get_pkcs11_uri (key) == NULL;
}

void
ck_window_actions_update (CkWindow *self)
{
  gboolean have_store = self->store != NULL;
  gboolean certificate = self->selected_certificate != NULL;
  gboolean key = CK_IS_STORED_KEY (self->selected);
  gboolean software_key = have_store && selection_has_software_key (self);
  gboolean has_key = certificate && CK_IS_STORED_CERTIFICATE (self->selected) && software_key;

  set_enabled (self, "import", have_store);
  set_enabled (self, "paste", have_store);
  set_enabled (self, "new-request", have_store && HAVE_REQUEST_ASSISTANT);
  set_enabled (self, "new-request-for-key", have_store && HAVE_REQUEST_ASSISTANT);
  set_enabled (self, "new-self-signed", have_store && HAVE_REQUEST_ASSISTANT);
  set_enabled (self, "search", have_store);
  set_enabled (self, "copy-fingerprint", certificate || key || CK_IS_STORED_REQUEST (self->selected));
  set_enabled (self, "export-pem", certificate);
  set_enabled (self, "export-der", certificate);
  set_enabled (self, "export-chain", certificate);
  set_enabled (self, "export-chain-no-root", certificate);
  set_enabled (self, "export-pkcs12", has_key);
  set_enabled (self, "export-key", software_key);
  set_enabled (self, "export-request", CK_IS_STORED_REQUEST (self->selected));
  set_enabled (self, "delete", self->selected != NULL);
  gtk_widget_set_sensitive (self->export_button,
                            certificate || software_key || CK_IS_STORED_REQUEST (self->selected));
  ck_window_trust_update (self);
  ck_window_ca_update (self);
  gtk_widget_set_sensitive (self->ca_button,
                            g_action_group_get_action_enabled (G_ACTION_GROUP (self), "sign-request")
                            || g_action_group_get_action_enabled (G_ACTION_GROUP (self), "revoke")
                            || g_action_group_get_action_enabled (G_ACTION_GROUP (self), "export-crl"));
  ck_window_rename_update (self);
}

void
ck_window_actions_set_accels (GtkApplication *app)
{
  static const struct {
    const char *action;
    const char *accels[3];
  } accels[] = {
    { "win.import", { "<Control>i", "<Control>o", NULL } },
    { "win.new-request", { "<Control>n", NULL } },
    { "win.search", { "<Control>f", NULL } },
    { "win.show-page::certificates", { "<Alt>1", NULL } },
    { "win.show-page::keys", { "<Alt>2", NULL } },
    { "win.show-page::requests", { "<Alt>3", NULL } },
    { "win.show-page::tokens", { "<Alt>4", NULL } },
    { "win.back", { "<Alt>Left", NULL } },
    { "win.copy-fingerprint", { "<Control><Shift>c", NULL } },
    { "win.export-pem", { "<Control>e", NULL } },
    { "win.export-der", { "<Control><Shift>e", NULL } },
    { "win.export-chain", { "<Control><Alt>e", NULL } },
    { "win.export-pkcs12", { "<Control><Shift>p", NULL } },
    { "win.export-key", { "<Control><Shift>k", NULL } },
    { "window.close", { "<Control>w", NULL } },
  };

  for (guint i = 0; i < G_N_ELEMENTS (accels); i++)
    gtk_application_set_accels_for_action (app, accels[i].action, accels[i].accels);
}

void
ck_window_actions_class_init (CkWindowClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  /* Bubble-phase bindings: an entry with the focus gets these keys first. */
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_v, GDK_CONTROL_MASK,
                                       "win.paste", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Delete, 0, "win.delete", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F2, 0, "win.rename", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_KP_Delete, 0, "win.delete", NULL);
}

void
ck_window_actions_init (CkWindow *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), win_actions,
                                   G_N_ELEMENTS (win_actions), self);
  ck_window_trust_init (self);
  ck_window_ca_init (self);
  ck_window_rename_init (self);
  gtk_widget_set_visible (self->request_button, HAVE_REQUEST_ASSISTANT);
  gtk_widget_set_visible (self->empty_request_button, HAVE_REQUEST_ASSISTANT);
  ck_window_actions_update (self);
}
