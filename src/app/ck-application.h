/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define CK_TYPE_APPLICATION (ck_application_get_type ())
G_DECLARE_FINAL_TYPE (CkApplication, ck_application, CK, APPLICATION, AdwApplication)

CkApplication *ck_application_new          (void);
/* NULL when the schema is not installed (an uninstalled build without
 * GSETTINGS_SCHEMA_DIR): callers then use the defaults. */
GSettings     *ck_application_get_settings (CkApplication *self);

typedef struct _CkWindow CkWindow;

/* (transfer none) The window on the store in @dir (NULL: the default
 * store), opened if there is none yet. */
CkWindow      *ck_application_get_window_for_store (CkApplication *self,
                                                    const char    *dir);

G_END_DECLS
