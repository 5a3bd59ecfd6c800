/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* One row of the details panes (certificate, key, token object, request),
 * so that they all look the same: the name above the value, which stays
 * readable at 360 px where the two side by side would not fit. The value
 * is selectable and wraps anywhere (fingerprints and PEM have no spaces),
 * is never markup (values come from certificates and may hold "<" or
 * "&"), and is labelled by the name for screen readers. */

typedef enum {
  CK_DETAILS_ROW_PLAIN     = 0,
  CK_DETAILS_ROW_MONOSPACE = 1 << 0,
  /* A copy button at the end: puts the value on the clipboard, then emits
   * "copied" (the row's name) on the row's owner, the pane. */
  CK_DETAILS_ROW_COPY      = 1 << 1,
} CkDetailsRowFlags;

/* A row added to the AdwPreferencesGroup @group. @icon_name, when not
 * NULL, is an icon before the text, named @title for screen readers; it is
 * the first child of the row's box. @owner has a "copied" signal with a
 * string (CkDetailsPane, CkRequestDetails): for CK_DETAILS_ROW_COPY. */
GtkWidget *ck_details_row_add       (GtkWidget          *group,
                                     const char         *title,
                                     const char         *value,
                                     const char         *icon_name,
                                     CkDetailsRowFlags   flags,
                                     GtkWidget          *owner);
/* The value label of a row made by ck_details_row_add(). */
GtkLabel  *ck_details_row_get_value (GtkWidget          *row);
/* Whether @widget is a row made by ck_details_row_add() (tests). */
gboolean   ck_details_row_is_row    (GtkWidget          *widget);
/* Puts @suffix (an arrow, a button) at the end of the row. */
void       ck_details_row_add_suffix (GtkWidget         *row,
                                      GtkWidget         *suffix);

G_END_DECLS
