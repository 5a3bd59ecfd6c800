/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gi18n.h>

#include "certkeeper-core.h"
#include "ck-application.h"
#include "ck-file-chooser.h"
#include "ck-expiry-notifier.h"
#include "ck-resources.h"
#include "ck-window.h"

struct _CkApplication
{
  AdwApplication parent_instance;

  GSettings *settings;
  char      *store_dir;
  /* Desktop notifications of what expires (ck-expiry-notifier.c). */
  CkExpiryNotifier *expiry_notifier;
  /* Test and documentation hooks (hidden options). */
  char      *screenshot;
  char      *screenshot_view;
  char      *window_size;
};

G_DEFINE_FINAL_TYPE (CkApplication, ck_application, ADW_TYPE_APPLICATION)

CkApplication *
ck_application_new (void)
{
  return g_object_new (CK_TYPE_APPLICATION,
                       "application-id", APP_ID,
                       "flags", G_APPLICATION_HANDLES_COMMAND_LINE,
                       "resource-base-path", "/io/github/certkeeper/Certkeeper",
                       NULL);
}

GSettings *
ck_application_get_settings (CkApplication *self)
{
  g_return_val_if_fail (CK_IS_APPLICATION (self), NULL);

  return self->settings;
}

/* The store directory as windows compare it: absolute, with "." and ".."
 * resolved (symbolic links are not: the user named this path). */
static char *
canonical_store_dir (const char *dir,
                     const char *cwd)
{
  g_autofree char *fallback = NULL;

  if (dir == NULL || *dir == '\0')
    dir = fallback = ck_store_get_default_dir ();
  return g_canonicalize_filename (dir, cwd);
}

/* The window on @dir, opened when there is none: one window per store, so
 * that a launch for another store never lands in this one (issue 13). */
CkWindow *
ck_application_get_window_for_store (CkApplication *self,
                                     const char    *dir)
{
  g_autofree char *canonical = canonical_store_dir (dir, NULL);
  g_autoptr(CkStore) store = NULL;
  g_autoptr(GError) error = NULL;
  GtkWindow *window;

  g_return_val_if_fail (CK_IS_APPLICATION (self), NULL);

  for (GList *l = gtk_application_get_windows (GTK_APPLICATION (self)); l != NULL; l = l->next)
    if (CK_IS_WINDOW (l->data) &&
        g_strcmp0 (ck_window_get_store_dir (l->data), canonical) == 0)
      return l->data;

  store = ck_store_open (canonical, &error);
  if (store == NULL)
    g_warning ("Cannot open the certificate store: %s", error->message);

  window = GTK_WINDOW (ck_window_new (self, store, error));
  ck_window_set_store_dir (CK_WINDOW (window), canonical);

  if (self->window_size != NULL)
    {
      int width = 0, height = 0;

      if (sscanf (self->window_size, "%dx%d", &width, &height) == 2
          && width > 0 && height > 0)
        gtk_window_set_default_size (window, width, height);
    }

  if (self->screenshot != NULL)
    ck_window_take_screenshot (CK_WINDOW (window), self->screenshot,
                               self->screenshot_view);
  else if (store != NULL && g_strcmp0 (canonical, self->store_dir) == 0)
    /* At start (the window on the store this instance was started on):
     * what is due now. Other stores' windows are not watched. */
    ck_expiry_notifier_set_store (self->expiry_notifier, store);

  return CK_WINDOW (window);
}

static void
ck_application_activate (GApplication *app)
{
  CkApplication *self = CK_APPLICATION (app);
  CkWindow *window = ck_application_get_window_for_store (self, self->store_dir);

  gtk_window_present (GTK_WINDOW (window));
}

/* In the primary instance, for every launch (this process's own or a
 * later one's): the launch says which store it is for ("store", resolved
 * in the launching process against its own environment and directory),
 * and its files are read relative to its directory. */
static int
ck_application_command_line (GApplication            *app,
                             GApplicationCommandLine *command_line)
{
  CkApplication *self = CK_APPLICATION (app);
  GVariantDict *options = g_application_command_line_get_options_dict (command_line);
  g_autofree char *dir = NULL;
  g_auto(GStrv) argv = NULL;
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_object_unref);
  CkWindow *window;
  int argc = 0;

  if (!g_variant_dict_lookup (options, "store", "^ay", &dir) || *dir == '\0')
    {
      g_clear_pointer (&dir, g_free);
      dir = canonical_store_dir (g_application_command_line_getenv (command_line,
                                                                     "CERTKEEPER_STORE"),
                                 g_application_command_line_get_cwd (command_line));
    }

  argv = g_application_command_line_get_arguments (command_line, &argc);
  for (int i = 1; i < argc; i++)
    g_ptr_array_add (files, g_application_command_line_create_file_for_arg (command_line,
                                                                             argv[i]));

  window = ck_application_get_window_for_store (self, dir);
  gtk_window_present (GTK_WINDOW (window));
  if (files->len > 0)
    ck_window_import_files (window, (GFile **) files->pdata, files->len);

  return 0;
}

static int
ck_application_handle_local_options (GApplication *app,
                                     GVariantDict *options)
{
  CkApplication *self = CK_APPLICATION (app);

  if (g_variant_dict_lookup (options, "version", "b", NULL))
    {
      g_print ("certkeeper %s\n", PACKAGE_VERSION);
      return 0;
    }

  g_variant_dict_lookup (options, "store", "^ay", &self->store_dir);
  g_variant_dict_lookup (options, "screenshot", "^ay", &self->screenshot);
  g_variant_dict_lookup (options, "screenshot-view", "s", &self->screenshot_view);
  g_variant_dict_lookup (options, "window-size", "s", &self->window_size);

  /* The store this launch is for, resolved here, against this process's
   * $CERTKEEPER_STORE and directory: the options go to the instance that
   * is already running, if there is one, and it opens a window on this
   * store rather than showing its own. */
  {
    g_autofree char *cwd = g_get_current_dir ();
    char *dir = canonical_store_dir (self->store_dir, cwd);

    g_free (self->store_dir);
    self->store_dir = dir;
    g_variant_dict_insert (options, "store", "^ay", dir);
  }

  /* A one-shot screenshot must not be handed to a running instance. */
  if (self->screenshot != NULL)
    g_application_set_flags (app, g_application_get_flags (app) | G_APPLICATION_NON_UNIQUE);

  return -1;
}

static void apply_notify_when_closed (CkApplication *self);
static void warning_days_changed     (CkApplication *self);

static void
ck_application_startup (GApplication *app)
{
  CkApplication *self = CK_APPLICATION (app);
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr(GSettingsSchema) schema = NULL;
  g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();
  static const char *quit_accels[] = { "<Control>q", NULL };
  static const char *help_accels[] = { "F1", NULL };

  G_APPLICATION_CLASS (ck_application_parent_class)->startup (app);

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema != NULL)
    self->settings = g_settings_new (APP_ID);
  else
    g_debug ("GSettings schema %s not installed: using defaults", APP_ID);
  self->expiry_notifier = ck_expiry_notifier_new (app, self->settings);
  if (self->settings != NULL)
    {
      g_signal_connect_object (self->settings, "changed::expiry-notify-when-closed",
                               G_CALLBACK (apply_notify_when_closed), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (self->settings, "changed::expiry-warning-days",
                               G_CALLBACK (warning_days_changed), self, G_CONNECT_SWAPPED);
    }

  gtk_css_provider_load_from_resource (css, "/io/github/certkeeper/Certkeeper/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (),
                                              GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);

  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.quit", quit_accels);
  gtk_application_set_accels_for_action (GTK_APPLICATION (app), "app.help", help_accels);
}

static void
ck_application_finalize (GObject *object)
{
  CkApplication *self = CK_APPLICATION (object);

  g_clear_object (&self->expiry_notifier);
  g_clear_object (&self->settings);
  g_free (self->store_dir);
  g_free (self->screenshot);
  g_free (self->screenshot_view);
  g_free (self->window_size);

  G_OBJECT_CLASS (ck_application_parent_class)->finalize (object);
}

static void
ck_application_class_init (CkApplicationClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GApplicationClass *app_class = G_APPLICATION_CLASS (klass);

  object_class->finalize = ck_application_finalize;
  app_class->activate = ck_application_activate;
  app_class->command_line = ck_application_command_line;
  app_class->startup = ck_application_startup;
  app_class->handle_local_options = ck_application_handle_local_options;

  /* The resource lives in a static library: referencing it keeps the
   * linker from dropping it (its constructor registers it). */
  (void) ck_get_resource ();
}

static void
ck_application_quit_action (GSimpleAction *action,
                            GVariant      *parameter,
                            gpointer       user_data)
{
  CkApplication *self = user_data;
  GList *windows = gtk_application_get_windows (GTK_APPLICATION (self));

  /* Close windows first so that they save their size. */
  for (GList *l = windows; l != NULL; )
    {
      GtkWindow *window = l->data;

      l = l->next;
      gtk_window_destroy (window);
    }

  g_application_quit (G_APPLICATION (self));
}

/* The help as installed by help/meson.build (gnome.yelp, project name). */
#define CK_HELP_URI "help:certkeeper"
#define CK_HELP_ONLINE_URI "https://github.com/certkeeper/certkeeper/tree/main/help/C"

static void
help_unavailable_response (AdwMessageDialog *dialog,
                           const char       *response,
                           gpointer          user_data)
{
  if (g_strcmp0 (response, "online") == 0)
    gtk_show_uri (gtk_window_get_transient_for (GTK_WINDOW (dialog)),
                  CK_HELP_ONLINE_URI, GDK_CURRENT_TIME);
}

static void
help_shown (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  GtkWindow *parent = GTK_WINDOW (source);
  g_autoptr(GError) error = NULL;
  AdwMessageDialog *dialog;

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  if (gtk_show_uri_full_finish (parent, result, &error))
    return;
  G_GNUC_END_IGNORE_DEPRECATIONS

  /* gtk_show_uri() would only log this: without Yelp (or another handler
   * of help: URIs) F1 would silently do nothing. */
  g_debug ("Cannot show %s: %s", CK_HELP_URI, error->message);
  dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (parent, _("Help Is Not Available"), NULL));
  adw_message_dialog_format_body (dialog,
                                  _("No help viewer is installed. Install Yelp (the “yelp” package) "
                                    "to read the help, or read it online.\n\n%s"),
                                  error->message);
  adw_message_dialog_add_responses (dialog,
                                    "close", _("_Close"),
                                    "online", _("Read _Online"),
                                    NULL);
  adw_message_dialog_set_response_appearance (dialog, "online", ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (dialog, "online");
  adw_message_dialog_set_close_response (dialog, "close");
  g_signal_connect (dialog, "response", G_CALLBACK (help_unavailable_response), NULL);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
ck_application_help_action (GSimpleAction *action,
                            GVariant      *parameter,
                            gpointer       user_data)
{
  CkApplication *self = user_data;
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));

  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_show_uri_full (parent, CK_HELP_URI, GDK_CURRENT_TIME, NULL, help_shown, NULL);
  G_GNUC_END_IGNORE_DEPRECATIONS
}

static void
ck_application_about_action (GSimpleAction *action,
                             GVariant      *parameter,
                             gpointer       user_data)
{
  CkApplication *self = user_data;
  static const char *developers[] = { "The Certkeeper developers", NULL };
  static const char *documenters[] = { "The Certkeeper developers", NULL };
  GtkWindow *parent = gtk_application_get_active_window (GTK_APPLICATION (self));
  g_autofree char *comments = NULL;

  if (CK_IS_WINDOW (parent) && ck_window_get_store_dir (CK_WINDOW (parent)) != NULL)
    {
      g_autofree char *shown = ck_window_format_store_dir (ck_window_get_store_dir (CK_WINDOW (parent)));

      /* Translators: %s is the directory of the store the window shows */
      comments = g_strdup_printf (_("Keep certificates, private keys and requests, and decide trust explicitly\n\nThis window shows the store in %s"),
                                  shown);
    }
  else
    comments = g_strdup (_("Keep certificates, private keys and requests, and decide trust explicitly"));

  adw_show_about_window (parent,
                         "application-name", _("Certkeeper"),
                         "application-icon", APP_ID,
                         "developer-name", _("The Certkeeper developers"),
                         "version", PACKAGE_VERSION,
                         "website", "https://github.com/certkeeper/certkeeper",
                         "issue-url", "https://github.com/certkeeper/certkeeper/issues",
                         "comments", comments,
                         "developers", developers,
                         "documenters", documenters,
                         "support-url", "https://github.com/certkeeper/certkeeper/tree/main/help/C",
                         /* Translators: your names, one per line */
                         "translator-credits", _("translator-credits"),
                         "copyright", "© 2026 The Certkeeper developers",
                         "license-type", GTK_LICENSE_GPL_3_0,
                         NULL);
}

static void
open_store_chosen (GFile    *folder,
                   gpointer  user_data)
{
  g_autoptr(CkApplication) self = user_data;
  g_autofree char *dir = NULL;

  if (folder == NULL)
    return;
  dir = g_file_get_path (folder);
  if (dir == NULL)
    return;
  gtk_window_present (GTK_WINDOW (ck_application_get_window_for_store (self, dir)));
}

static void
ck_application_open_store_action (GSimpleAction *action,
                                  GVariant      *parameter,
                                  gpointer       user_data)
{
  CkApplication *self = user_data;

  /* A folder that holds no store yet gets a new, empty one. */
  ck_file_chooser_select_folder (gtk_application_get_active_window (GTK_APPLICATION (self)),
                                 _("Open a Certificate Store"), _("_Open"),
                                 open_store_chosen, g_object_ref (self));
}

/* A notification's action (the app may have no window yet): the window
 * with that certificate shown. */
static void
ck_application_show_certificate_action (GSimpleAction *action,
                                        GVariant      *parameter,
                                        gpointer       user_data)
{
  CkApplication *self = user_data;
  /* Notifications are about the store this instance was started on. */
  CkWindow *window = ck_application_get_window_for_store (self, self->store_dir);

  gtk_window_present (GTK_WINDOW (window));
  ck_window_show_certificate (window, g_variant_get_int64 (parameter));
}

/* What the daily timer does, on demand (tests, `gapplication action`). */
static void
ck_application_check_expiry_action (GSimpleAction *action,
                                    GVariant      *parameter,
                                    gpointer       user_data)
{
  CkApplication *self = user_data;

  ck_expiry_notifier_check (self->expiry_notifier);
}

/* --- "Warn me even when Certkeeper is closed" ----------------------------- */

typedef struct {
  char              *cli_path;
  char              *store_dir;
  guint              days;
  gboolean           install;
} AgentJob;

static void
agent_job_free (AgentJob *job)
{
  g_free (job->cli_path);
  g_free (job->store_dir);
  g_free (job);
}

/* systemctl runs here, off the main thread. */
static void
agent_thread (GTask        *task,
              gpointer      source,
              gpointer      data,
              GCancellable *cancellable)
{
  AgentJob *job = data;
  CkExpiryAgentSpec spec = {
    .cli_path = job->cli_path, .store_dir = job->store_dir, .days = job->days,
    .kind = CK_EXPIRY_AGENT_AUTO,
  };
  GError *error = NULL;

  if (job->install ? ck_expiry_agent_install (&spec, &error)
                   : ck_expiry_agent_uninstall (&spec, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
agent_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  CkApplication *self = CK_APPLICATION (source);
  AgentJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr (GError) error = NULL;
  GtkWindow *window;
  g_autofree char *title = NULL;

  if (g_task_propagate_boolean (G_TASK (result), &error))
    return;
  title = g_strdup_printf (job->install ? _("Cannot set up the expiry check: %s")
                                        : _("Cannot remove the expiry check: %s"),
                           error->message);
  g_warning ("%s", title);
  window = gtk_application_get_active_window (GTK_APPLICATION (self));
  if (CK_IS_WINDOW (window))
    ck_window_add_toast (CK_WINDOW (window), adw_toast_new (title));
  /* The switch says what is true: nothing is installed. */
  if (job->install && self->settings != NULL)
    g_settings_set_boolean (self->settings, "expiry-notify-when-closed", FALSE);
}

static void
apply_notify_when_closed (CkApplication *self)
{
  g_autoptr (GTask) task = NULL;
  AgentJob *job = g_new0 (AgentJob, 1);

  job->cli_path = ck_expiry_agent_default_cli ();
  job->store_dir = self->store_dir != NULL && !g_path_is_absolute (self->store_dir)
    ? g_canonicalize_filename (self->store_dir, NULL)
    : g_strdup (self->store_dir);
  job->days = (guint) g_settings_get_int (self->settings, "expiry-warning-days");
  job->install = g_settings_get_boolean (self->settings, "expiry-notify-when-closed");
  task = g_task_new (self, NULL, agent_done, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify) agent_job_free);
  g_task_run_in_thread (task, agent_thread);
}

static void
warning_days_changed (CkApplication *self)
{
  /* The timer checks with the same threshold: written again. */
  if (g_settings_get_boolean (self->settings, "expiry-notify-when-closed"))
    apply_notify_when_closed (self);
}

static const GActionEntry app_actions[] = {
  { .name = "open-store", .activate = ck_application_open_store_action },
  { .name = "show-certificate", .activate = ck_application_show_certificate_action,
    .parameter_type = "x" },
  { .name = "check-expiry", .activate = ck_application_check_expiry_action },
  { .name = "quit", .activate = ck_application_quit_action },
  { .name = "help", .activate = ck_application_help_action },
  { .name = "about", .activate = ck_application_about_action },
};

static void
ck_application_init (CkApplication *self)
{
  static const GOptionEntry options[] = {
    { "store", 0, 0, G_OPTION_ARG_FILENAME, NULL,
      N_("Use the certificate store in DIRECTORY"), N_("DIRECTORY") },
    { "version", 0, 0, G_OPTION_ARG_NONE, NULL,
      N_("Show the version and exit"), NULL },
    /* For the screenshots in data/screenshots and the GUI tests. */
    { "screenshot", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_FILENAME, NULL,
      "Save a PNG of the window once the store is shown, then quit", "FILE" },
    { "screenshot-view", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, NULL,
      "What the screenshot shows: list, details, keys, import, requests, request, tokens, pin, search, trust or assistant", "VIEW" },
    { "window-size", 0, G_OPTION_FLAG_HIDDEN, G_OPTION_ARG_STRING, NULL,
      "Initial window size", "WIDTHxHEIGHT" },
    { NULL }
  };

  g_application_add_main_option_entries (G_APPLICATION (self), options);
  g_application_set_option_context_parameter_string (G_APPLICATION (self),
                                                     _("[FILE…]"));
  g_application_set_option_context_summary (G_APPLICATION (self),
                                            _("Files given are opened in the import dialog."));
  g_action_map_add_action_entries (G_ACTION_MAP (self), app_actions,
                                   G_N_ELEMENTS (app_actions), self);
}
