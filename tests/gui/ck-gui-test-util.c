/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ck-gui-test-util.h"

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
