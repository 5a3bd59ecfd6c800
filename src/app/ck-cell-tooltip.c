/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ck-cell-tooltip.h"

#define TOOLTIP_KEY "ck-cell-tooltip"
#define ICON_KEY "ck-cell-icon"

static gboolean
query_tooltip (GtkWidget  *widget,
               int         x,
               int         y,
               gboolean    keyboard,
               GtkTooltip *tooltip,
               gpointer    user_data)
{
  const char *text = g_object_get_data (G_OBJECT (widget), TOOLTIP_KEY);

  if (text == NULL || text[0] == '\0')
    return FALSE;
  gtk_tooltip_set_text (tooltip, text);
  return TRUE;
}

void
ck_cell_init_tooltip (GtkWidget *widget)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));

  gtk_widget_set_has_tooltip (widget, TRUE);
  g_signal_connect (widget, "query-tooltip", G_CALLBACK (query_tooltip), NULL);
}

void
ck_cell_set_tooltip (GtkWidget  *widget,
                     const char *text)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));

  if (g_strcmp0 (g_object_get_data (G_OBJECT (widget), TOOLTIP_KEY), text) != 0)
    g_object_set_data_full (G_OBJECT (widget), TOOLTIP_KEY, g_strdup (text), g_free);
}

void
ck_cell_set_icon (GtkWidget  *image,
                  const char *icon_name,
                  const char *label)
{
  g_return_if_fail (GTK_IS_IMAGE (image));

  if (g_object_get_data (G_OBJECT (image), ICON_KEY) == label
      && g_strcmp0 (gtk_image_get_icon_name (GTK_IMAGE (image)), icon_name) == 0)
    return;
  g_object_set_data (G_OBJECT (image), ICON_KEY, (gpointer) label);
  gtk_image_set_from_icon_name (GTK_IMAGE (image), icon_name);
  ck_cell_set_tooltip (image, label);
  gtk_accessible_update_property (GTK_ACCESSIBLE (image),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, label,
                                  -1);
}
