/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ck-gui-test-util.h"

#include <string.h>

GtkAdjustment *
ck_gui_test_find_vadjustment (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkAdjustment *adj;

      if (GTK_IS_SCROLLED_WINDOW (child))
        return gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (child));
      if ((adj = ck_gui_test_find_vadjustment (child)) != NULL)
        return adj;
    }
  return NULL;
}

static void
after_paint (GdkFrameClock *clock,
             gboolean      *painted)
{
  *painted = TRUE;
}

void
ck_gui_test_wait_for_frame (GtkWidget *window)
{
  GdkFrameClock *clock = gtk_widget_get_frame_clock (window);
  gboolean painted = FALSE;
  gulong id;

  g_return_if_fail (clock != NULL);
  id = g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint), &painted);
  gtk_widget_queue_draw (window);
  while (!painted)
    g_main_context_iteration (NULL, TRUE);
  g_signal_handler_disconnect (clock, id);
}

GtkWidget *
ck_gui_test_find_widget (GtkWidget      *root,
                         CkGuiTestMatch  match,
                         gconstpointer   data)
{
  if (match (root, data))
    return root;
  for (GtkWidget *child = gtk_widget_get_first_child (root); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = ck_gui_test_find_widget (child, match, data);

      if (found != NULL)
        return found;
    }
  return NULL;
}

static gboolean
is_button_labelled (GtkWidget     *widget,
                    gconstpointer  label)
{
  return GTK_IS_BUTTON (widget) &&
         g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0;
}

GtkWidget *
ck_gui_test_find_button (GtkWidget  *widget,
                         const char *label)
{
  return ck_gui_test_find_widget (widget, is_button_labelled, label);
}

AdwMessageDialog *
ck_gui_test_find_message_dialog (const char *heading)
{
  /* (transfer none) */
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) w = g_list_model_get_item (toplevels, i);

      if (ADW_IS_MESSAGE_DIALOG (w) && gtk_widget_get_visible (GTK_WIDGET (w)) &&
          (heading == NULL ||
           strstr (adw_message_dialog_get_heading (ADW_MESSAGE_DIALOG (w)), heading) != NULL))
        return ADW_MESSAGE_DIALOG (w);
    }
  return NULL;
}

static gboolean
wake_up (gpointer data)
{
  return G_SOURCE_CONTINUE;
}

void
ck_gui_test_run_until (gboolean (*done) (gpointer),
                       gpointer   data)
{
  gint64 deadline = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  /* Wakes the loop, so the deadline is checked even when nothing else
   * happens: a blocking iteration alone could wait for ever. */
  guint wake = g_timeout_add (50, wake_up, NULL);

  while (!done (data))
    {
      g_assert_cmpint (g_get_monotonic_time (), <, deadline);
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_remove (wake);
}
