/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* The one confirmation before a delete: @heading and @body, Cancel
 * (the default, also Escape) and a destructive Delete whose response id is
 * "delete". Not yet presented: connect "response" first. */
AdwMessageDialog *ck_delete_dialog_new (GtkWindow  *parent,
                                        const char *heading,
                                        const char *body);

G_END_DECLS
