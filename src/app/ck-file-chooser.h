/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* File choosers that work on GTK 4.8 (GtkFileChooserNative, which is the
 * portal in a sandbox and a GtkFileChooserDialog otherwise) and on newer
 * runtimes (GtkFileDialog). */

/* @files (element-type GFile) is NULL when the user cancelled. */
typedef void (*CkOpenFilesFunc) (GListModel *files,
                                 gpointer    user_data);
/* @file is NULL when the user cancelled. */
typedef void (*CkSaveFileFunc)  (GFile      *file,
                                 gpointer    user_data);

void ck_file_chooser_open_files (GtkWindow       *parent,
                                 const char      *title,
                                 CkOpenFilesFunc  callback,
                                 gpointer         user_data);
/* @folder is NULL when the user cancelled. */
void ck_file_chooser_select_folder (GtkWindow      *parent,
                                    const char     *title,
                                    const char     *accept_label,
                                    CkSaveFileFunc  callback,
                                    gpointer        user_data);
void ck_file_chooser_save_file  (GtkWindow       *parent,
                                 const char      *title,
                                 const char      *suggested_name,
                                 CkSaveFileFunc   callback,
                                 gpointer         user_data);

G_END_DECLS
