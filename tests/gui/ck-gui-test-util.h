/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>
#include <gtk/gtk.h>

G_BEGIN_DECLS

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
/* Runs the main loop until @done (@data) is TRUE; fails after 30 s. */
void           ck_gui_test_run_until        (gboolean  (*done) (gpointer),
                                             gpointer    data);

G_END_DECLS
