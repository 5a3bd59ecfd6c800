/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

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

G_END_DECLS
