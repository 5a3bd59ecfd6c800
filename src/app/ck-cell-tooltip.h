/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Tooltips and icons for list cells, whose bind runs for every row on
 * screen after each search keystroke, sort or scroll step.
 *
 * gtk_widget_set_tooltip_text() asks the display where the pointer is
 * every time it is called (an X round trip on GTK 4.8, a third of the time
 * a search keystroke spent in the views at 100,000 rows, see
 * bench/README.md), and each accessible property update is an AT-SPI
 * signal. ck_cell_init_tooltip() (once, in setup) makes the widget answer
 * query-tooltip with the text last given to ck_cell_set_tooltip() (in
 * bind), which only stores it. */
void ck_cell_init_tooltip (GtkWidget  *widget);
void ck_cell_set_tooltip  (GtkWidget  *widget,
                           const char *text);
/* Sets a GtkImage's icon and accessible label, and its tooltip to the
 * label, only when they change. @label must be a string that lives as
 * long as the widget (a translated literal): it is compared by address. */
void ck_cell_set_icon     (GtkWidget  *image,
                           const char *icon_name,
                           const char *label);

G_END_DECLS
