/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gi18n.h>

#include "ck-details-row.h"

#define VALUE_KEY "ck-details-row-value"

typedef struct
{
  GWeakRef  owner;
  char     *title;
  char     *text;
} Copy;

static void
copy_free (gpointer data,
           GClosure *closure)
{
  Copy *copy = data;

  g_weak_ref_clear (&copy->owner);
  g_free (copy->title);
  g_free (copy->text);
  g_free (copy);
}

static void
copy_clicked (GtkButton *button,
              Copy      *copy)
{
  g_autoptr(GObject) owner = g_weak_ref_get (&copy->owner);

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (button)), copy->text);
  if (owner != NULL)
    g_signal_emit_by_name (owner, "copied", copy->title);
}

GtkWidget *
ck_details_row_add (GtkWidget          *group,
                    const char         *title,
                    const char         *value,
                    const char         *icon_name,
                    CkDetailsRowFlags   flags,
                    GtkWidget          *owner)
{
  /* An AdwPreferencesRow, so that AdwPreferencesGroup puts it in its boxed
   * list (1.2 only does that for preferences rows). */
  GtkWidget *row = adw_preferences_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *title_label = gtk_label_new (title);
  GtkWidget *value_label = gtk_label_new (value != NULL && value[0] != '\0' ? value : "—");

  g_return_val_if_fail (ADW_IS_PREFERENCES_GROUP (group), NULL);
  g_return_val_if_fail (title != NULL, NULL);

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_set_focusable (row, FALSE);

  gtk_label_set_xalign (GTK_LABEL (title_label), 0);
  gtk_label_set_wrap (GTK_LABEL (title_label), TRUE);
  gtk_widget_add_css_class (title_label, "caption-heading");
  gtk_widget_add_css_class (title_label, "dim-label");

  gtk_label_set_xalign (GTK_LABEL (value_label), 0);
  gtk_label_set_selectable (GTK_LABEL (value_label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (value_label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (value_label), PANGO_WRAP_WORD_CHAR);
  gtk_widget_set_hexpand (value_label, TRUE);
  if (flags & CK_DETAILS_ROW_MONOSPACE)
    gtk_widget_add_css_class (value_label, "monospace");
  gtk_accessible_update_relation (GTK_ACCESSIBLE (value_label),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, title_label, NULL,
                                  -1);
  g_object_set_data_full (G_OBJECT (value_label), "ck-title", g_strdup (title), g_free);
  g_object_set_data (G_OBJECT (row), VALUE_KEY, value_label);

  gtk_box_append (GTK_BOX (text), title_label);
  gtk_box_append (GTK_BOX (text), value_label);
  gtk_widget_set_hexpand (text, TRUE);

  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 12);
  if (icon_name != NULL)
    {
      GtkWidget *icon = gtk_image_new_from_icon_name (icon_name);

      gtk_widget_set_valign (icon, GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (icon),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
      gtk_box_append (GTK_BOX (box), icon);
    }
  gtk_box_append (GTK_BOX (box), text);
  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);

  if ((flags & CK_DETAILS_ROW_COPY) && value != NULL && value[0] != '\0')
    {
      GtkWidget *button = gtk_button_new_from_icon_name ("edit-copy-symbolic");
      g_autofree char *tooltip = g_strdup_printf (_("Copy %s"), title);
      Copy *copy = g_new0 (Copy, 1);

      g_weak_ref_init (&copy->owner, owner);
      copy->title = g_strdup (title);
      copy->text = g_strdup (value);
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_set_tooltip_text (button, tooltip);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
      g_signal_connect_data (button, "clicked", G_CALLBACK (copy_clicked), copy, copy_free, 0);
      ck_details_row_add_suffix (row, button);
    }
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  return row;
}

GtkLabel *
ck_details_row_get_value (GtkWidget *row)
{
  g_return_val_if_fail (ck_details_row_is_row (row), NULL);

  return g_object_get_data (G_OBJECT (row), VALUE_KEY);
}

gboolean
ck_details_row_is_row (GtkWidget *widget)
{
  return ADW_IS_PREFERENCES_ROW (widget) && g_object_get_data (G_OBJECT (widget), VALUE_KEY) != NULL;
}

void
ck_details_row_add_suffix (GtkWidget *row,
                           GtkWidget *suffix)
{
  GtkWidget *box = gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (row));

  g_return_if_fail (ck_details_row_is_row (row));

  gtk_widget_set_valign (suffix, GTK_ALIGN_CENTER);
  /* A button brings its own padding: less margin after it. */
  gtk_widget_set_margin_end (box, 6);
  gtk_box_append (GTK_BOX (box), suffix);
}
