/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ck-gui-test-util.h"

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
