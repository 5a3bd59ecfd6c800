/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include <gtk/gtk.h>

G_BEGIN_DECLS

/* How long a GUI test waits for a state before it fails: 60 s, or
 * $CK_GUI_TEST_TIMEOUT seconds (a sanitizer build on a loaded machine). */
guint          ck_gui_test_timeout          (void);

typedef gboolean (*CkGuiTestDone) (gpointer data);

/* Runs the default main context until @done (@data) is TRUE. The test
 * fails, naming @what, when that has not happened within
 * ck_gui_test_timeout() seconds: a timeout source wakes the blocked loop,
 * so the deadline fires even when nothing else would. Waits on state,
 * never for a time. */
void           ck_gui_test_spin_until_full  (const char    *what,
                                             CkGuiTestDone  done,
                                             gpointer       data);
#define ck_gui_test_spin_until(done, data) \
  ck_gui_test_spin_until_full (#done, (CkGuiTestDone) (done), (data))

/* Dispatches what is ready now (idles, queued signals) without blocking. */
void           ck_gui_test_drain            (void);

/* The vertical adjustment of the first GtkScrolledWindow under @widget. */
GtkAdjustment *ck_gui_test_find_vadjustment (GtkWidget *widget);
/* Queues a redraw of @window (shown) and runs the main loop until a frame
 * has been painted: what a user would see next. */
void           ck_gui_test_wait_for_frame   (GtkWidget *window);

/* The first widget at or under @root, depth first, for which @match
 * returns TRUE; NULL when none. */
typedef gboolean (*CkGuiTestMatch) (GtkWidget *widget, gconstpointer data);
GtkWidget     *ck_gui_test_find_widget      (GtkWidget      *root,
                                             CkGuiTestMatch  match,
                                             gconstpointer   data);
/* The first button under @widget (itself included) labelled @label, as
 * gtk_button_get_label() gives it ("_Undo"); NULL when none. */
GtkWidget     *ck_gui_test_find_button      (GtkWidget  *widget,
                                             const char *label);
/* A visible AdwMessageDialog among the toplevels whose heading has
 * @heading (any when NULL), or NULL. */
AdwMessageDialog *ck_gui_test_find_message_dialog (const char *heading);

/* A visible toplevel of @type (a CkPinDialog, say), or NULL. */
GtkWidget     *ck_gui_test_find_toplevel    (GType       type);

G_END_DECLS
