/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "certkeeper-core.h"

G_BEGIN_DECLS

#define CK_TYPE_IMPORT_DIALOG (ck_import_dialog_get_type ())
G_DECLARE_FINAL_TYPE (CkImportDialog, ck_import_dialog, CK, IMPORT_DIALOG, AdwWindow)

/* Shows what an import would do before anything is written, asks for the
 * passwords it needs, and commits in one step in a worker thread. Emits
 * "imported" with a one-line summary ("Imported 3 certificates and 1 key")
 * before it closes. */

CkImportDialog *ck_import_dialog_new       (GtkWindow      *parent,
                                            CkStore        *store);
/* Reading happens in a worker thread; more input may be added while the
 * dialog is open, but not while it commits (then FALSE). */
gboolean        ck_import_dialog_add_files (CkImportDialog *self,
                                            GFile         **files,
                                            guint           n_files);
gboolean        ck_import_dialog_add_bytes (CkImportDialog *self,
                                            GBytes         *bytes,
                                            const char     *name);
CkImportPlan   *ck_import_dialog_get_plan  (CkImportDialog *self);
/* TRUE while files or text are still being read in the background: the
 * plan is complete (items and pairing) only once this is FALSE. */
gboolean        ck_import_dialog_is_reading (CkImportDialog *self);

G_END_DECLS
