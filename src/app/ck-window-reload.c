/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Reloading the store when another process changed it (certkeeper-cli
 * imported, or a second window): checked when the window becomes active
 * and every few seconds while it is, which is cheap
 * (ck_store_changed_elsewhere() only reads the WAL index). The selected
 * certificate stays selected when it is still there. */

#include <glib/gi18n.h>

#include "ck-window-private.h"

#define CHECK_SECONDS 5

static gboolean
has_open_dialog (CkWindow *self)
{
  GListModel *toplevels = gtk_window_get_toplevels ();  /* transfer none */

  /* An import or export in progress may be committing in a thread; the
   * check waits until its dialog is gone. */
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWindow) window = g_list_model_get_item (toplevels, i);

      if (gtk_window_get_transient_for (window) == GTK_WINDOW (self)
          && gtk_widget_get_visible (GTK_WIDGET (window)))
        return TRUE;
    }
  return FALSE;
}

/* Returns TRUE when the store was reloaded. */
gboolean
ck_window_reload_if_changed (CkWindow *self)
{
  g_autoptr(GError) error = NULL;
  CkStoredCertificate *selected;
  gint64 selected_id = 0;
  CkStoredCertificate *row;

  g_return_val_if_fail (CK_IS_WINDOW (self), FALSE);

  if (self->store == NULL || has_open_dialog (self)
      || !ck_store_changed_elsewhere (self->store))
    return FALSE;

  selected = ck_certificate_list_get_selected (self->certificate_list);
  if (selected != NULL)
    selected_id = ck_stored_certificate_get_id (selected);

  g_debug ("store changed elsewhere: reloading");
  if (!ck_store_reload (self->store, &error))
    {
      g_autofree char *title = g_strdup_printf (_("Could not reload the store: %s"), error->message);

      ck_window_add_toast (self, adw_toast_new (title));
      return FALSE;
    }

  if (selected_id != 0 && (row = ck_store_get_certificate_row (self->store, selected_id)) != NULL)
    ck_certificate_list_select_row (self->certificate_list, row);
  return TRUE;
}

static void
is_active_changed (CkWindow *self)
{
  if (gtk_window_is_active (GTK_WINDOW (self)))
    ck_window_reload_if_changed (self);
}

static gboolean
check_tick (gpointer data)
{
  CkWindow *self = data;

  if (gtk_window_is_active (GTK_WINDOW (self)))
    ck_window_reload_if_changed (self);
  return G_SOURCE_CONTINUE;
}

static void
remove_source (gpointer data)
{
  g_source_remove (GPOINTER_TO_UINT (data));
}

void
ck_window_reload_init (CkWindow *self)
{
  guint id;

  g_return_if_fail (CK_IS_WINDOW (self));

  g_signal_connect (self, "notify::is-active", G_CALLBACK (is_active_changed), NULL);
  /* Removed when the window is finalized. */
  id = g_timeout_add_seconds_full (G_PRIORITY_LOW, CHECK_SECONDS, check_tick, self, NULL);
  g_object_set_data_full (G_OBJECT (self), "ck-window-reload-timer", GUINT_TO_POINTER (id),
                          remove_source);
}
