/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* A password entry row titled @title appended to @list, @changed (swapped,
 * with @data) connected to its "changed". The export and store passphrase
 * dialogs build their boxed lists of these. */
GtkEditable *ck_password_row_append (GtkListBox *list,
                                     const char *title,
                                     GCallback   changed,
                                     gpointer    data);

/* libadwaita 1.2 closes a message dialog before it emits the response,
 * and destroying it with the focus in an entry row leaves a handler on a
 * freed row ("invalid unclassed pointer in cast to GtkEditable"): connect
 * this to the dialog's "close-request" to drop the focus first. */
gboolean     ck_password_row_drop_focus_on_close (GtkWindow *dialog);

G_END_DECLS
