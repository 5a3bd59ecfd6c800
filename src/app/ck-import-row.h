/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "certkeeper-core.h"

G_BEGIN_DECLS

#define CK_TYPE_IMPORT_ROW (ck_import_row_get_type ())
G_DECLARE_FINAL_TYPE (CkImportRow, ck_import_row, CK, IMPORT_ROW, GtkWidget)

/* One item of the import preview: what it is, where it comes from, what
 * the import will do with it, and for an encrypted item a password entry.
 * Signals: "remove" (leave the item out), "unlock" (password). */

GtkWidget    *ck_import_row_new            (void);
void          ck_import_row_set_item       (CkImportRow  *self,
                                            CkImportItem *item);
CkImportItem *ck_import_row_get_item       (CkImportRow  *self);
/* Shown under the password entry until the next attempt. */
void          ck_import_row_set_unlock_error (CkImportRow *self,
                                              const char  *message);

G_END_DECLS
