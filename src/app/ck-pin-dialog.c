/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gi18n.h>
#include <gnutls/gnutls.h>
#include <string.h>

#include "ck-pin-dialog.h"

struct _CkPinDialog
{
  AdwWindow parent_instance;

  AdwActionRow *token_row;
  AdwActionRow *state_row;
  GtkLabel *warning_label;
  GtkLabel *error_label;
  AdwPreferencesGroup *pin_group;
  GtkWidget *pin_pad_label;
  AdwPasswordEntryRow *pin_entry;
  GtkWidget *busy_box;
  GtkSpinner *spinner;
  GtkLabel *busy_label;
  GtkWidget *login_button;

  CkToken *token;
  /* Logs in and reads the token's state: the same action the CLI uses. */
  CkKeeper *keeper;
  /* The caller's task: completed once, by a login, a cancel or a close. */
  GTask *task;
  GCancellable *cancellable;
  gulong cancelled_id;
  /* The worker thread owns the token while busy: the fields below are
   * what the main thread shows meanwhile. */
  gboolean busy;
  gboolean pin_pad;
  gboolean locked;
  gboolean readable;
};

G_DEFINE_FINAL_TYPE (CkPinDialog, ck_pin_dialog, ADW_TYPE_WINDOW)

/* Completes the caller's task; @destroy is FALSE when the window is
 * closing anyway. */
static void
finish (CkPinDialog *self,
        GError      *error,
        gboolean     destroy)
{
  g_autoptr(GTask) task = g_steal_pointer (&self->task);

  if (task == NULL)
    return;
  if (self->cancelled_id != 0)
    g_cancellable_disconnect (self->cancellable, self->cancelled_id);
  self->cancelled_id = 0;
  if (error != NULL)
    g_task_return_error (task, error);
  else
    g_task_return_boolean (task, TRUE);
  if (destroy)
    gtk_window_destroy (GTK_WINDOW (self));
}

static GError *
cancelled_error (void)
{
  return g_error_new_literal (G_IO_ERROR, G_IO_ERROR_CANCELLED, _("The login was cancelled"));
}

static void
cancel_clicked_cb (CkPinDialog *self)
{
  finish (self, cancelled_error (), TRUE);
}

static gboolean
close_request_cb (GtkWindow *window)
{
  finish (CK_PIN_DIALOG (window), cancelled_error (), FALSE);
  return FALSE;
}

static gboolean
escape_cb (GtkWidget *widget,
           GVariant  *args,
           gpointer   data)
{
  finish (CK_PIN_DIALOG (widget), cancelled_error (), TRUE);
  return TRUE;
}

static gboolean
cancelled_idle_cb (gpointer data)
{
  finish (CK_PIN_DIALOG (data), cancelled_error (), TRUE);
  return G_SOURCE_REMOVE;
}

static void
cancelled_cb (GCancellable *cancellable,
              CkPinDialog  *self)
{
  /* "cancelled" may come from any thread, and disconnecting from inside
   * it would deadlock: the dialog closes from the main loop. */
  g_idle_add_full (G_PRIORITY_DEFAULT, cancelled_idle_cb, g_object_ref (self), g_object_unref);
}

static void
update_state (CkPinDialog *self)
{
  const char *pin = gtk_editable_get_text (GTK_EDITABLE (self->pin_entry));

  gtk_widget_set_visible (GTK_WIDGET (self->pin_group), !self->pin_pad && !self->locked);
  gtk_widget_set_visible (self->pin_pad_label, self->pin_pad && !self->locked && !self->busy);
  /* Not editable while busy rather than insensitive: the entry keeps the
   * focus through a login, and after a wrong PIN the user types again. */
  gtk_editable_set_editable (GTK_EDITABLE (self->pin_entry), !self->busy);
  gtk_widget_set_sensitive (self->login_button,
                            !self->busy && self->readable && !self->locked &&
                            (self->pin_pad || pin[0] != '\0'));
  gtk_widget_set_visible (self->busy_box, self->busy);
  gtk_spinner_set_spinning (self->spinner, self->busy);
}

/* Shows what the token reported when it was last read: the state before
 * the PIN is typed, and again after a wrong one. */
static void
show_token (CkPinDialog *self)
{
  CkToken *token = self->token;
  g_autofree char *state = ck_token_describe_state (token);
  g_autofree char *subtitle = NULL;
  CkPinFlags flags = ck_token_get_pin_flags (token);
  const char *warning = ck_pin_flags_get_advice (flags);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->token_row), ck_token_get_label (token));
  /* TRANSLATORS: manufacturer, model and serial number of a PKCS#11 token */
  subtitle = g_strdup_printf (_("%s · %s · serial %s"), ck_token_get_manufacturer (token),
                              ck_token_get_model (token), ck_token_get_serial (token));
  adw_action_row_set_subtitle (self->token_row, subtitle);
  adw_action_row_set_subtitle (self->state_row, state);

  self->pin_pad = ck_token_has_protected_path (token);
  self->locked = (flags & CK_PIN_FLAGS_LOCKED) != 0;
  gtk_label_set_label (self->warning_label, warning != NULL ? warning : "");
  gtk_widget_set_visible (GTK_WIDGET (self->warning_label), warning != NULL);
  update_state (self);
}

static void
show_error (CkPinDialog *self,
            const char  *message)
{
  gtk_label_set_label (self->error_label, message != NULL ? message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), message != NULL);
}

static void start_job (CkPinDialog *self,
                       char        *pin,
                       gboolean     login);

static void
job_done (GObject      *source,
          GAsyncResult *result,
          gpointer      data)
{
  g_autoptr(CkPinDialog) self = data;
  gboolean login = g_task_get_source_tag (G_TASK (result)) == ck_keeper_token_login_async;
  g_autoptr(GError) error = NULL;
  gboolean ok = login ? ck_keeper_token_login_finish (CK_KEEPER (source), result, &error)
                      : ck_keeper_token_refresh_finish (CK_KEEPER (source), result, &error);

  self->busy = FALSE;
  if (self->task == NULL)
    {
      /* Cancelled while the token was busy: the user asked not to be
       * logged in. */
      if (ok && login)
        ck_token_logout (self->token);
      return;
    }
  if (ok && login)
    {
      finish (self, NULL, TRUE);
      return;
    }
  if (!login)
    {
      self->readable = ok;
      if (!ok)
        {
          show_error (self, error->message);
          update_state (self);
          return;
        }
      show_token (self);
      /* Nothing to type: opening the session is all a login does. */
      if (!ck_token_needs_login (self->token))
        {
          start_job (self, NULL, TRUE);
          return;
        }
      if (!self->pin_pad && !self->locked)
        gtk_widget_grab_focus (GTK_WIDGET (self->pin_entry));
      return;
    }

  /* A failed login: say why and what the token now reports, and let the
   * user type again, over the wrong PIN (selected). Never retried here.
   * The dialog grows to show the new lines: its content does not scroll,
   * so the entry stays in view. */
  show_error (self, error->message);
  show_token (self);
  if (!self->pin_pad && !self->locked)
    {
      gtk_widget_grab_focus (GTK_WIDGET (self->pin_entry));
      gtk_editable_select_region (GTK_EDITABLE (self->pin_entry), 0, -1);
    }
}

static void
start_job (CkPinDialog *self,
           char        *pin,
           gboolean     login)
{
  self->busy = TRUE;
  if (!login)
    gtk_label_set_label (self->busy_label, _("Reading the token…"));
  else if (self->pin_pad)
    gtk_label_set_label (self->busy_label, _("Enter the PIN on the reader’s PIN pad"));
  else
    gtk_label_set_label (self->busy_label, _("Logging in…"));
  update_state (self);
  /* The keeper copies the PIN (and wipes its copy); ours goes at once. */
  if (login)
    ck_keeper_token_login_async (self->keeper, self->token, pin, NULL, job_done, g_object_ref (self));
  else
    ck_keeper_token_refresh_async (self->keeper, self->token, NULL, job_done, g_object_ref (self));
  if (pin != NULL)
    {
      gnutls_memset (pin, 0, strlen (pin));
      g_free (pin);
    }
}

static void
login_clicked_cb (CkPinDialog *self)
{
  char *pin = NULL;

  if (!gtk_widget_get_sensitive (self->login_button))
    return;
  show_error (self, NULL);
  if (!self->pin_pad)
    {
      /* The entry keeps its text (in GtkPasswordEntryBuffer's secure
       * memory, wiped with the dialog) so that a wrong PIN can be
       * corrected; the worker gets a copy, wiped in start_job(). */
      pin = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->pin_entry)));
    }
  start_job (self, pin, TRUE);
}

static void
ck_pin_dialog_dispose (GObject *object)
{
  CkPinDialog *self = CK_PIN_DIALOG (object);

  /* Destroyed with its parent: the caller still hears about it. */
  finish (self, cancelled_error (), FALSE);
  gtk_widget_dispose_template (GTK_WIDGET (self), CK_TYPE_PIN_DIALOG);
  G_OBJECT_CLASS (ck_pin_dialog_parent_class)->dispose (object);
}

static void
ck_pin_dialog_finalize (GObject *object)
{
  CkPinDialog *self = CK_PIN_DIALOG (object);

  g_clear_object (&self->token);
  g_clear_object (&self->keeper);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (ck_pin_dialog_parent_class)->finalize (object);
}

static void
ck_pin_dialog_class_init (CkPinDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = ck_pin_dialog_dispose;
  object_class->finalize = ck_pin_dialog_finalize;
  window_class->close_request = close_request_cb;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/certkeeper/Certkeeper/ck-pin-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CkPinDialog, token_row);
  gtk_widget_class_bind_template_child (widget_class, CkPinDialog, state_row);
  gtk_widget_class_bind_template_child (widget_class, CkPinDialog, warning_label);
  gtk_widget_class_bind_template_child (widget_class, CkPinDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, CkPinDialog, pin_group);
  gtk_widget_class_bind_template_child (widget_class, CkPinDialog, pin_pad_label);
  gtk_widget_class_bind_template_child (widget_class, CkPinDialog, pin_entry);
  gtk_widget_class_bind_template_child (widget_class, CkPinDialog, busy_box);
  gtk_widget_class_bind_template_child (widget_class, CkPinDialog, spinner);
  gtk_widget_class_bind_template_child (widget_class, CkPinDialog, busy_label);
  gtk_widget_class_bind_template_child (widget_class, CkPinDialog, login_button);
  gtk_widget_class_bind_template_callback (widget_class, update_state);
  gtk_widget_class_bind_template_callback (widget_class, login_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked_cb);
  gtk_widget_class_add_binding (widget_class, GDK_KEY_Escape, 0, escape_cb, NULL);
}

static void
ck_pin_dialog_init (CkPinDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

void
ck_pin_dialog_login_async (GtkWindow           *parent,
                           CkToken             *token,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  CkPinDialog *self;

  g_return_if_fail (parent == NULL || GTK_IS_WINDOW (parent));
  g_return_if_fail (CK_IS_TOKEN (token));

  task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, ck_pin_dialog_login_async);
  if (ck_token_is_logged_in (token))
    {
      g_task_return_boolean (task, TRUE);
      return;
    }

  self = g_object_new (CK_TYPE_PIN_DIALOG, "transient-for", parent, NULL);
  self->token = g_object_ref (token);
  self->keeper = ck_keeper_new (NULL);
  self->task = g_steal_pointer (&task);
  if (cancellable != NULL)
    {
      self->cancellable = g_object_ref (cancellable);
      self->cancelled_id = g_cancellable_connect (cancellable, G_CALLBACK (cancelled_cb), self, NULL);
    }
  /* What the token said when it was listed, until it is read again. */
  show_token (self);
  gtk_window_present (GTK_WINDOW (self));
  start_job (self, NULL, FALSE);
}

gboolean
ck_pin_dialog_login_finish (GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ck_pin_dialog_login_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
