/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "certkeeper-core.h"
#include "ck-application.h"

G_BEGIN_DECLS

#define CK_TYPE_WINDOW (ck_window_get_type ())
G_DECLARE_FINAL_TYPE (CkWindow, ck_window, CK, WINDOW, AdwApplicationWindow)

/* @store NULL shows @store_error instead of the store. */
CkWindow *ck_window_new             (CkApplication *app,
                                     CkStore       *store,
                                     const GError  *store_error);
CkStore  *ck_window_get_store       (CkWindow      *self);
/* The directory of the store this window is on (set even when it could
 * not be opened); shown as the window's subtitle. */
void        ck_window_set_store_dir (CkWindow      *self,
                                     const char    *dir);
const char *ck_window_get_store_dir (CkWindow      *self);
/* (transfer full) @dir as the window shows it: "~/…" under the home. */
char       *ck_window_format_store_dir (const char *dir);
/* Opens the import dialog on these files (drag and drop, the command line,
 * the file manager, the Import action). */
void      ck_window_import_files    (CkWindow      *self,
                                     GFile        **files,
                                     guint          n_files);
void      ck_window_import_text     (CkWindow      *self,
                                     const char    *text,
                                     const char    *name);
void      ck_window_add_toast       (CkWindow      *self,
                                     AdwToast      *toast);
/* Shows certificate @id of the store in the list and the details pane
 * (ck-window-expiry.c); FALSE when the store has no such certificate. */
gboolean  ck_window_show_certificate (CkWindow     *self,
                                      gint64        id);
/* Saves a PNG of the window once it has drawn the store, then quits. @view:
 * "list" (default), "details", "keys", "requests" (the page, first request
 * selected), "request" (that request opened) or "import"; "tokens" (the
 * Tokens page once listed) or "pin" (the PIN dialog of the first token
 * that asks for a PIN). */
void      ck_window_take_screenshot (CkWindow      *self,
                                     const char    *path,
                                     const char    *view);

G_END_DECLS
