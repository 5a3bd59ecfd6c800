/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The window's Rename (F2): names the selected certificate or key, through
 * the keeper. The name is the store's label for it; the certificate or
 * key itself is not changed. */
#include <glib/gi18n.h>

#include "ck-window-private.h"

typedef struct
{
  CkWindow  *window;   /* owned */
  GtkEntry  *entry;    /* owned by the dialog */
  GtkLabel  *problem;  /* owned by the dialog */
  gint64     id;
  char      *current;
} RenameData;

static void
rename_data_free (gpointer user_data)
{
  RenameData *data = user_data;

  g_object_unref (data->window);
  g_free (data->current);
  g_free (data);
}

static void
renamed (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr(CkWindow) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!ck_keeper_set_label_finish (CK_KEEPER (source), result, &error))
    {
      /* Translators: %s says why a certificate or key could not be renamed */
      g_autofree char *message = g_strdup_printf (_("Could not rename: %s"), error->message);

      ck_window_add_toast (self, adw_toast_new (message));
    }
}

static void
rename_response (AdwMessageDialog *dialog,
                 const char       *response,
                 gpointer          user_data)
{
  RenameData *data = user_data;
  CkWindow *self = data->window;

  if (g_strcmp0 (response, "rename") != 0 || self->keeper == NULL)
    return;
  ck_keeper_set_label_async (self->keeper, data->id,
                             gtk_editable_get_text (GTK_EDITABLE (data->entry)),
                             NULL, renamed, g_object_ref (self));
}

/* Says what is wrong with the name as it is typed, and offers Rename only
 * for a valid name that differs from the current one. */
static void
rename_changed (GtkEditable *editable,
                gpointer     user_data)
{
  RenameData *data = user_data;
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (gtk_widget_get_root (GTK_WIDGET (editable)));
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (editable)));
  g_autoptr(GError) error = NULL;
  gboolean valid = ck_keeper_check_label (text, &error);

  gtk_label_set_text (data->problem, valid ? "" : error->message);
  gtk_widget_set_visible (GTK_WIDGET (data->problem), !valid);
  if (valid)
    gtk_widget_remove_css_class (GTK_WIDGET (editable), "error");
  else
    gtk_widget_add_css_class (GTK_WIDGET (editable), "error");
  if (ADW_IS_MESSAGE_DIALOG (dialog))
    adw_message_dialog_set_response_enabled (dialog, "rename",
                                             valid && g_strcmp0 (text, data->current) != 0);
}

static void
rename_action (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  CkWindow *self = user_data;
  RenameData *data;
  GtkWidget *dialog;
  GtkWidget *box;
  const char *heading;
  const char *body;
  const char *name;
  gint64 id;

  if (CK_IS_STORED_CERTIFICATE (self->selected))
    {
      CkStoredCertificate *row = CK_STORED_CERTIFICATE (self->selected);

      id = ck_stored_certificate_get_id (row);
      name = ck_stored_certificate_get_display_name (row);
      heading = _("Rename Certificate");
      body = _("The name is how Certkeeper shows the certificate; the certificate itself "
               "does not change. Leave it empty to name it by its subject again.");
    }
  else if (CK_IS_STORED_KEY (self->selected))
    {
      CkStoredKey *row = CK_STORED_KEY (self->selected);

      id = ck_stored_key_get_id (row);
      name = ck_stored_key_get_display_name (row);
      heading = _("Rename Key");
      body = _("The name is how Certkeeper shows the key; the key itself does not change. "
               "Leave it empty to name it by its algorithm again.");
    }
  else
    return;

  data = g_new0 (RenameData, 1);
  data->window = g_object_ref (self);
  data->id = id;
  data->current = g_strdup (name);

  dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, body);
  box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  data->entry = GTK_ENTRY (gtk_entry_new ());
  gtk_editable_set_text (GTK_EDITABLE (data->entry), name);
  gtk_entry_set_activates_default (data->entry, TRUE);
  gtk_accessible_update_property (GTK_ACCESSIBLE (data->entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Name"), -1);
  data->problem = GTK_LABEL (gtk_label_new (NULL));
  gtk_label_set_wrap (data->problem, TRUE);
  gtk_label_set_xalign (data->problem, 0);
  gtk_widget_add_css_class (GTK_WIDGET (data->problem), "error");
  gtk_widget_set_visible (GTK_WIDGET (data->problem), FALSE);
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (data->entry));
  gtk_box_append (GTK_BOX (box), GTK_WIDGET (data->problem));
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), box);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "cancel", _("_Cancel"),
                                    "rename", _("_Rename"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "rename",
                                              ADW_RESPONSE_SUGGESTED);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "rename");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  /* Nothing to rename until the name changes. */
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "rename", FALSE);
  g_signal_connect (data->entry, "changed", G_CALLBACK (rename_changed), data);
  g_signal_connect_data (dialog, "response", G_CALLBACK (rename_response), data,
                         (GClosureNotify) (void (*) (void)) rename_data_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  gtk_widget_grab_focus (GTK_WIDGET (data->entry));
}

static const GActionEntry rename_actions[] = {
  { .name = "rename", .activate = rename_action },
};

void
ck_window_rename_init (CkWindow *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), rename_actions,
                                   G_N_ELEMENTS (rename_actions), self);
}

void
ck_window_rename_update (CkWindow *self)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), "rename");

  if (action != NULL)
    g_simple_action_set_enabled (G_SIMPLE_ACTION (action),
                                 self->keeper != NULL &&
                                 (CK_IS_STORED_CERTIFICATE (self->selected) ||
                                  CK_IS_STORED_KEY (self->selected)));
}
