/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ck-password-row.h"

GtkEditable *
ck_password_row_append (GtkListBox *list,
                        const char *title,
                        GCallback   changed,
                        gpointer    data)
{
  GtkWidget *row = adw_password_entry_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  g_signal_connect_swapped (row, "changed", changed, data);
  gtk_list_box_append (list, row);
  return GTK_EDITABLE (row);
}

gboolean
ck_password_row_drop_focus_on_close (GtkWindow *dialog)
{
  gtk_window_set_focus (dialog, NULL);
  return FALSE;
}
