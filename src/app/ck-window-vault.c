/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The store passphrase in the window: asked for once per session (by the
 * first dialog that needs a key: import, export, a request), after which
 * the store's key vault stays unlocked in this process; "Lock Store"
 * (Ctrl+Shift+L) and the idle timeout from Preferences wipe its key from
 * memory; "Change Store Passphrase…" re-seals every key. The decisions
 * are the core's (CkKeyVault); this file only asks and shows. */
#include <glib/gi18n.h>

#include "ck-password-row.h"
#include "ck-window-private.h"

/* How often the idle timeout is looked at: the lock comes at most this
 * late. */
#define IDLE_CHECK_SECONDS 20

static CkKeyVault *
window_vault (CkWindow *self)
{
  return self->store != NULL ? ck_key_vault_get (self->store) : NULL;
}

void
ck_window_vault_lock (CkWindow   *self,
                      const char *why)
{
  CkKeyVault *vault = window_vault (self);

  if (vault == NULL)
    return;
  if (!ck_key_vault_is_unlocked (vault))
    {
      ck_window_add_toast (self, adw_toast_new (_("The store is locked")));
      return;
    }
  ck_key_vault_lock (vault);
  ck_window_add_toast (self, adw_toast_new (why));
}

static void
lock_store_action (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  ck_window_vault_lock (user_data, _("Store locked: its passphrase is asked for again "
                                     "when a key is needed"));
}

/* --- Idle timeout -------------------------------------------------------- */

static gboolean
activity_seen (GtkEventControllerLegacy *controller,
               GdkEvent                 *event,
               CkWindow                 *self)
{
  switch (gdk_event_get_event_type (event))
    {
    case GDK_KEY_PRESS:
    case GDK_BUTTON_PRESS:
    case GDK_MOTION_NOTIFY:
    case GDK_SCROLL:
    case GDK_TOUCH_BEGIN:
      self->last_activity = g_get_monotonic_time ();
      break;
    default:
      break;
    }
  return GDK_EVENT_PROPAGATE;
}

gboolean
ck_window_vault_lock_if_idle (CkWindow *self,
                              gint64    now)
{
  CkKeyVault *vault = window_vault (self);
  guint minutes = self->settings != NULL
                  ? g_settings_get_uint (self->settings, "lock-store-idle-minutes") : 0;
  g_autofree char *why = NULL;

  if (vault == NULL || minutes == 0 || !ck_key_vault_is_unlocked (vault) ||
      now - self->last_activity < (gint64) minutes * 60 * G_USEC_PER_SEC)
    return FALSE;
  why = g_strdup_printf (ngettext ("Store locked after %u minute without use",
                                   "Store locked after %u minutes without use",
                                   minutes), minutes);
  ck_window_vault_lock (self, why);
  return TRUE;
}

static gboolean
check_idle (gpointer user_data)
{
  ck_window_vault_lock_if_idle (user_data, g_get_monotonic_time ());
  return G_SOURCE_CONTINUE;
}

/* --- Change Store Passphrase --------------------------------------------- */

typedef struct {
  CkWindow *self;
  char *old_passphrase;
  char *new_passphrase;
  GtkEditable *old_entry;
  GtkEditable *new_entry;
  GtkEditable *confirm_entry;
  GtkWidget *dialog;
  gboolean is_new;
  guint n_kept;
} ChangeJob;

static void
change_job_free (gpointer data)
{
  ChangeJob *job = data;

  g_clear_object (&job->self);
  ck_clear_secret (&job->old_passphrase);
  ck_clear_secret (&job->new_passphrase);
  g_free (job);
}

static void ask_change_passphrase (CkWindow *self, const char *problem);

static void
change_thread (GTask        *task,
               gpointer      source,
               gpointer      task_data,
               GCancellable *cancellable)
{
  ChangeJob *job = task_data;
  GError *error = NULL;

  if (ck_key_vault_change_passphrase (ck_key_vault_get (job->self->store),
                                      job->old_passphrase, job->new_passphrase,
                                      NULL, NULL, &job->n_kept, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
change_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  ChangeJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;

  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      ask_change_passphrase (job->self,
                             g_error_matches (error, CK_ERROR, CK_ERROR_BAD_PASSWORD)
                             ? _("The current store passphrase is wrong. Nothing was changed.")
                             : error->message);
      return;
    }
  if (job->n_kept > 0)
    {
      g_autofree char *title = g_strdup_printf (ngettext (
        "Store passphrase changed; %u key from an earlier version keeps its own passphrase until it is next used",
        "Store passphrase changed; %u keys from an earlier version keep their own passphrase until they are next used",
        job->n_kept), job->n_kept);

      ck_window_add_toast (job->self, adw_toast_new (title));
    }
  else
    ck_window_add_toast (job->self, adw_toast_new (job->is_new ? _("Store passphrase set")
                                                               : _("Store passphrase changed")));
}

static void
change_entries_changed (ChangeJob *job)
{
  const char *new = gtk_editable_get_text (job->new_entry);
  const char *confirm = gtk_editable_get_text (job->confirm_entry);
  gboolean ok = new[0] != '\0' && g_strcmp0 (new, confirm) == 0 &&
                (job->old_entry == NULL || gtk_editable_get_text (job->old_entry)[0] != '\0');

  if (confirm[0] != '\0' && g_strcmp0 (new, confirm) != 0)
    gtk_widget_add_css_class (GTK_WIDGET (job->confirm_entry), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (job->confirm_entry), "error");
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (job->dialog), "change", ok);
}

static void
change_response (AdwMessageDialog *dialog,
                 const char       *response,
                 ChangeJob        *job)
{
  g_autoptr(GTask) task = NULL;
  GtkEditable *entries[] = { job->old_entry, job->new_entry, job->confirm_entry };

  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    if (entries[i] != NULL)
      g_signal_handlers_disconnect_by_data (entries[i], job);
  if (g_strcmp0 (response, "change") != 0)
    {
      change_job_free (job);
      return;
    }
  if (job->old_entry != NULL)
    job->old_passphrase = g_strdup (gtk_editable_get_text (job->old_entry));
  job->new_passphrase = g_strdup (gtk_editable_get_text (job->new_entry));
  /* Leave nothing behind in the entries' buffers. */
  for (guint i = 0; i < G_N_ELEMENTS (entries); i++)
    if (entries[i] != NULL)
      gtk_editable_set_text (entries[i], "");
  job->old_entry = job->new_entry = job->confirm_entry = NULL;

  /* Two key derivations and a write transaction: not on the main thread. */
  task = g_task_new (NULL, NULL, change_done, NULL);
  g_task_set_task_data (task, job, change_job_free);
  g_task_run_in_thread (task, change_thread);
}

static GtkEditable *
add_entry (GtkListBox *list,
           const char *title,
           ChangeJob  *job)
{
  return ck_password_row_append (list, title, G_CALLBACK (change_entries_changed), job);
}

static void
ask_change_passphrase (CkWindow   *self,
                       const char *problem)
{
  ChangeJob *job = g_new0 (ChangeJob, 1);
  GtkWidget *list = gtk_list_box_new ();
  CkKeyVault *vault = window_vault (self);
  g_autofree char *body = NULL;

  job->self = g_object_ref (self);
  job->is_new = ck_key_vault_get_state (vault) == CK_KEY_VAULT_NEW;
  body = g_strdup_printf ("%s%s%s",
                          job->is_new
                          ? _("Every private key kept in the store will be encrypted under this "
                              "passphrase.")
                          : _("Every private key kept in the store is re-encrypted under the new "
                              "passphrase in one step: if anything fails, the current one still "
                              "opens them. Exported files keep their own passwords."),
                          problem != NULL ? "\n\n" : "", problem != NULL ? problem : "");
  job->dialog = adw_message_dialog_new (GTK_WINDOW (self),
                                        job->is_new ? _("Set Store Passphrase")
                                                    : _("Change Store Passphrase"), body);
  g_signal_connect (job->dialog, "close-request",
                    G_CALLBACK (ck_password_row_drop_focus_on_close), NULL);
  gtk_list_box_set_selection_mode (GTK_LIST_BOX (list), GTK_SELECTION_NONE);
  gtk_widget_add_css_class (list, "boxed-list");
  if (!job->is_new)
    job->old_entry = add_entry (GTK_LIST_BOX (list), _("Current passphrase"), job);
  job->new_entry = add_entry (GTK_LIST_BOX (list), _("New passphrase"), job);
  job->confirm_entry = add_entry (GTK_LIST_BOX (list), _("Confirm new passphrase"), job);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (job->dialog), list);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (job->dialog),
                                    "cancel", _("_Cancel"),
                                    "change", job->is_new ? _("_Set") : _("_Change"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (job->dialog), "change",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (job->dialog), "change");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (job->dialog), "cancel");
  change_entries_changed (job);
  g_signal_connect (job->dialog, "response", G_CALLBACK (change_response), job);
  gtk_window_present (GTK_WINDOW (job->dialog));
  gtk_widget_grab_focus (GTK_WIDGET (job->old_entry != NULL ? job->old_entry : job->new_entry));
}

static void
change_passphrase_action (GSimpleAction *action,
                          GVariant      *parameter,
                          gpointer       user_data)
{
  CkWindow *self = user_data;

  if (self->store != NULL)
    ask_change_passphrase (self, NULL);
}

/* --- Preferences ----------------------------------------------------------- */

static const guint idle_choices[] = { 0, 5, 15, 30, 60 };

static void
idle_row_changed (AdwComboRow *row,
                  GParamSpec  *pspec,
                  CkWindow    *self)
{
  guint i = adw_combo_row_get_selected (row);

  if (i < G_N_ELEMENTS (idle_choices))
    g_settings_set_uint (self->settings, "lock-store-idle-minutes", idle_choices[i]);
}

static void
preferences_action (GSimpleAction *action,
                    GVariant      *parameter,
                    gpointer       user_data)
{
  CkWindow *self = user_data;
  GtkWidget *window = adw_preferences_window_new ();
  GtkWidget *page = adw_preferences_page_new ();
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *row = adw_combo_row_new ();
  g_autoptr(GtkStringList) model = gtk_string_list_new (NULL);
  guint minutes = g_settings_get_uint (self->settings, "lock-store-idle-minutes");
  guint selected = 0;

  gtk_window_set_transient_for (GTK_WINDOW (window), GTK_WINDOW (self));
  gtk_window_set_modal (GTK_WINDOW (window), TRUE);
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Store"));
  if (self->store != NULL)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group),
                                           ck_store_get_path (self->store));

  for (guint i = 0; i < G_N_ELEMENTS (idle_choices); i++)
    {
      g_autofree char *label = idle_choices[i] == 0
                               ? g_strdup (_("Never"))
                               : g_strdup_printf (ngettext ("After %u minute", "After %u minutes",
                                                            idle_choices[i]), idle_choices[i]);

      gtk_string_list_append (model, label);
      if (idle_choices[i] == minutes)
        selected = i;
    }
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("Lock the Store Without Use"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                               _("The store passphrase is asked for once; after this long "
                                 "without using the window it is asked for again"));
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (model));
  adw_combo_row_set_selected (ADW_COMBO_ROW (row), selected);
  g_signal_connect_object (row, "notify::selected", G_CALLBACK (idle_row_changed), self, 0);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  adw_preferences_page_add (ADW_PREFERENCES_PAGE (page), ADW_PREFERENCES_GROUP (group));
  adw_preferences_window_add (ADW_PREFERENCES_WINDOW (window), ADW_PREFERENCES_PAGE (page));
  gtk_window_present (GTK_WINDOW (window));
}

/* --- Setup ------------------------------------------------------------------ */

static const GActionEntry vault_actions[] = {
  { "lock-store", lock_store_action, NULL, NULL, NULL },
  { "change-store-passphrase", change_passphrase_action, NULL, NULL, NULL },
  { "preferences", preferences_action, NULL, NULL, NULL },
};

void
ck_window_vault_init (CkWindow *self)
{
  GtkEventController *activity = gtk_event_controller_legacy_new ();
  static const char *lock_accels[] = { "<Control><Shift>l", NULL };
  static const char *preferences_accels[] = { "<Control>comma", NULL };
  GtkApplication *app = gtk_window_get_application (GTK_WINDOW (self));

  g_action_map_add_action_entries (G_ACTION_MAP (self), vault_actions,
                                   G_N_ELEMENTS (vault_actions), self);
  if (app != NULL)
    {
      gtk_application_set_accels_for_action (app, "win.lock-store", lock_accels);
      gtk_application_set_accels_for_action (app, "win.preferences", preferences_accels);
    }

  /* Every input the window gets counts as use, seen before any widget. */
  gtk_event_controller_set_propagation_phase (activity, GTK_PHASE_CAPTURE);
  g_signal_connect (activity, "event", G_CALLBACK (activity_seen), self);
  gtk_widget_add_controller (GTK_WIDGET (self), activity);
  self->last_activity = g_get_monotonic_time ();
  if (self->settings != NULL)
    self->idle_check_id = g_timeout_add_seconds (IDLE_CHECK_SECONDS, check_idle, self);
}

void
ck_window_vault_dispose (CkWindow *self)
{
  g_clear_handle_id (&self->idle_check_id, g_source_remove);
}
