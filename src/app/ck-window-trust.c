/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The window's trust actions: Trust Settings on the selected certificate,
 * the system anchors switch and the purpose (GSettings), and exporting
 * the decisions. Only the Trust Settings dialog (and the CLI) write
 * trust: nothing here or in import does. */
#include <glib/gi18n.h>

#include "ck-file-chooser.h"
#include "ck-trust-dialog.h"
#include "ck-window-private.h"

GtkWidget *
ck_window_trust_settings (CkWindow *self)
{
  CkTrustDialog *dialog;

  if (self->trust == NULL || self->selected_certificate == NULL)
    return NULL;

  if (self->trust_dialog != NULL)
    gtk_window_destroy (GTK_WINDOW (self->trust_dialog));
  dialog = ck_trust_dialog_new (GTK_WINDOW (self), self->trust, self->verifier,
                                self->selected_certificate);
  self->trust_dialog = GTK_WIDGET (dialog);
  g_object_add_weak_pointer (G_OBJECT (dialog), (gpointer *) &self->trust_dialog);
  gtk_window_present (GTK_WINDOW (dialog));
  return self->trust_dialog;
}

static void
trust_settings_action (GSimpleAction *action,
                       GVariant      *parameter,
                       gpointer       user_data)
{
  ck_window_trust_settings (user_data);
}

/* Export */

typedef struct
{
  CkWindow            *self;
  CkTrustExportFormat  format;
} ExportTrust;

static void
export_trust_chosen (GFile    *file,
                     gpointer  user_data)
{
  ExportTrust *job = user_data;
  CkWindow *self = job->self;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;

  if (file != NULL && self->trust != NULL)
    {
      bytes = ck_trust_export (self->trust, job->format, &error);
      if (bytes == NULL
          || !g_file_replace_contents (file, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                       NULL, FALSE, G_FILE_CREATE_NONE, NULL, NULL, &error))
        ck_window_toast_error (self, _("Cannot export trust settings"), error);
      else
        {
          g_autofree char *basename = g_file_get_basename (file);
          g_autofree char *title = g_strdup_printf (_("Trust settings exported to “%s”"), basename);

          ck_window_add_toast (self, adw_toast_new (title));
        }
    }
  g_object_unref (job->self);
  g_free (job);
}

static void
export_trust_action (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  CkWindow *self = user_data;
  ExportTrust *job;
  const char *name;
  CkTrustExportFormat format;

  if (self->trust == NULL
      || !ck_trust_export_format_from_string (g_variant_get_string (parameter, NULL), &format))
    return;

  switch (format)
    {
    case CK_TRUST_EXPORT_P11_KIT:
      name = "certkeeper-trust.p11-kit";
      break;
    case CK_TRUST_EXPORT_OPENSSL:
      name = "certkeeper-trusted.pem";
      break;
    case CK_TRUST_EXPORT_PEM_BUNDLE:
    default:
      name = "certkeeper-anchors.crt";
      break;
    }
  job = g_new0 (ExportTrust, 1);
  job->self = g_object_ref (self);
  job->format = format;
  ck_file_chooser_save_file (GTK_WINDOW (self), _("Export Trust Settings"), name,
                             export_trust_chosen, job);
}

static const GActionEntry trust_actions[] = {
  { .name = "trust-settings", .activate = trust_settings_action },
  { .name = "export-trust", .activate = export_trust_action, .parameter_type = "s" },
};

void
ck_window_trust_init (CkWindow *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), trust_actions,
                                   G_N_ELEMENTS (trust_actions), self);
}

/* Decisions made elsewhere (certkeeper-cli trust set) do not emit
 * CkTrust::changed here: when the window comes back to the front, the
 * decisions are compared with what they were, and views refresh only when
 * they differ (a filter over 100,000 rows is not redone for nothing). */

static char *
decisions_digest (CkTrust *trust)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) settings = ck_trust_list (trust, NULL, &error);
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);

  /* Unreadable is a state of its own: views refresh (and show it) when
   * the decisions become unreadable, and again when they are back. */
  if (settings == NULL)
    return g_strconcat ("error ", error->message, NULL);

  for (guint i = 0; i < settings->len; i++)
    {
      CkTrustSetting *setting = settings->pdata[i];
      g_autofree char *line = g_strdup_printf ("%s %s %d %" G_GINT64_FORMAT "\n", setting->sha256,
                                               setting->purpose, setting->level, setting->set_at);

      g_checksum_update (checksum, (const guchar *) line, -1);
    }
  return g_strdup (g_checksum_get_string (checksum));
}

static void
remember_decisions (CkWindow *self)
{
  g_object_set_data_full (G_OBJECT (self), "ck-trust-digest", decisions_digest (self->trust), g_free);
}

static void
active_changed (CkWindow *self)
{
  g_autofree char *digest = NULL;

  if (self->trust == NULL || !gtk_window_is_active (GTK_WINDOW (self)))
    return;
  digest = decisions_digest (self->trust);
  if (g_strcmp0 (digest, g_object_get_data (G_OBJECT (self), "ck-trust-digest")) != 0)
    g_signal_emit_by_name (self->trust, "changed");
}

/* Settings */

static void
use_system_anchors_changed (CkWindow *self)
{
  gboolean use = g_settings_get_boolean (self->settings, "trust-use-system-anchors");

  ck_trust_column_set_use_system_anchors (ck_certificate_list_get_trust_column (self->certificate_list),
                                          use);
  /* The pane shows the verdict again with the verifier's new anchors. */
  ck_details_pane_set_trust (self->details_pane, self->trust, self->verifier);
}

static void
purpose_chosen (CkWindow *self)
{
  const char *purpose = ck_trust_column_get_purpose (ck_certificate_list_get_trust_column (self->certificate_list));

  ck_details_pane_set_purpose (self->details_pane, purpose);
  if (self->settings != NULL)
    g_settings_set_string (self->settings, "trust-purpose", purpose);
}

void
ck_window_trust_set_store (CkWindow *self)
{
  static const char *accels[] = { "<Control>t", NULL };
  g_autoptr(GError) error = NULL;
  CkTrustColumn *column = ck_certificate_list_get_trust_column (self->certificate_list);

  gtk_application_set_accels_for_action (gtk_window_get_application (GTK_WINDOW (self)),
                                         "win.trust-settings", accels);

  self->trust = ck_trust_new (self->store, &error);
  if (self->trust == NULL)
    {
      ck_window_toast_error (self, _("Trust settings cannot be read"), error);
      return;
    }
  self->verifier = ck_verifier_new (self->trust);
  ck_keeper_use_trust (self->keeper, self->trust, self->verifier);
  remember_decisions (self);
  g_signal_connect_object (self->trust, "changed", G_CALLBACK (remember_decisions), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect (self, "notify::is-active", G_CALLBACK (active_changed), NULL);

  if (self->settings != NULL)
    {
      g_autoptr(GAction) anchors = g_settings_create_action (self->settings,
                                                             "trust-use-system-anchors");
      g_autofree char *purpose = g_settings_get_string (self->settings, "trust-purpose");

      g_action_map_add_action (G_ACTION_MAP (self), anchors);
      {
        /* Off by default: nothing leaves the machine unless asked. */
        g_autoptr(GAction) network = g_settings_create_action (self->settings,
                                                               "revocation-network-checks");

        g_action_map_add_action (G_ACTION_MAP (self), network);
      }
      ck_verifier_set_use_system_anchors (self->verifier,
                                          g_settings_get_boolean (self->settings,
                                                                  "trust-use-system-anchors"));
      ck_trust_column_set_use_system_anchors (column,
                                              g_settings_get_boolean (self->settings,
                                                                      "trust-use-system-anchors"));
      if (ck_purpose_from_string (purpose) != NULL && g_strcmp0 (purpose, CK_PURPOSE_ALL) != 0)
        ck_trust_column_set_purpose (column, ck_purpose_from_string (purpose));
      g_signal_connect_object (self->settings, "changed::trust-use-system-anchors",
                               G_CALLBACK (use_system_anchors_changed), self, G_CONNECT_SWAPPED);
    }
  ck_details_pane_set_purpose (self->details_pane, ck_trust_column_get_purpose (column));
  g_signal_connect_object (column, "notify::purpose", G_CALLBACK (purpose_chosen), self,
                           G_CONNECT_SWAPPED);
  ck_certificate_list_set_verifier (self->certificate_list, self->trust, self->verifier);
  ck_details_pane_set_trust (self->details_pane, self->trust, self->verifier);
  ck_window_trust_update (self);
}

void
ck_window_trust_update (CkWindow *self)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "trust-settings");
  GAction *export = g_action_map_lookup_action (G_ACTION_MAP (self), "export-trust");

  if (action == NULL)
    return;
  g_simple_action_set_enabled (G_SIMPLE_ACTION (action),
                               self->trust != NULL && self->selected_certificate != NULL);
  g_simple_action_set_enabled (G_SIMPLE_ACTION (export), self->trust != NULL);
}
