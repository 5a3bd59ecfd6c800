/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ck-gui-test-util.h"

#include <string.h>

guint
ck_gui_test_timeout (void)
{
  const char *env = g_getenv ("CK_GUI_TEST_TIMEOUT");
  guint64 seconds;

  if (env != NULL && g_ascii_string_to_unsigned (env, 10, 1, 3600, &seconds, NULL))
    return (guint) seconds;
  return 60;
}

static gboolean
deadline_reached (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

void
ck_gui_test_spin_until_full (const char    *what,
                             CkGuiTestDone  done,
                             gpointer       data)
{
  gboolean expired = FALSE;
  guint timeout = ck_gui_test_timeout ();
  GSource *source;

  if (done (data))
    return;
  source = g_timeout_source_new_seconds (timeout);
  g_source_set_callback (source, deadline_reached, &expired, NULL);
  g_source_set_name (source, "ck_gui_test_spin_until deadline");
  g_source_attach (source, NULL);
  while (!done (data))
    {
      if (expired)
        {
          g_autofree char *message = g_strdup_printf ("timed out after %u s waiting for %s",
                                                      timeout, what);

          g_source_unref (source);
          g_assertion_message (G_LOG_DOMAIN, __FILE__, __LINE__, G_STRFUNC, message);
          return;
        }
      g_main_context_iteration (NULL, TRUE);
    }
  g_source_destroy (source);
  g_source_unref (source);
}

void
ck_gui_test_drain (void)
{
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

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

static gboolean
is_true (gpointer data)
{
  return *(gboolean *) data;
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
  ck_gui_test_spin_until_full ("a frame to be painted", is_true, &painted);
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

GtkWidget *
ck_gui_test_find_toplevel (GType type)
{
  /* (transfer none) */
  GListModel *toplevels = gtk_window_get_toplevels ();

  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i);

      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (window))
        return window;
    }
  return NULL;
}
