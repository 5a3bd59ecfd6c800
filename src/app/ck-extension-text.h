/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "certkeeper-core.h"

G_BEGIN_DECLS

/* How the window words the common extensions of a request or of what a
 * CA will issue: one line per item, for rows and labels. */

/* The key usage bits set in @usage, one per line ("" for none). */
char *ck_key_usage_text           (guint               usage);
/* The purposes of @oids (NULL-terminated), by name where one is known. */
char *ck_extended_key_usage_text  (const char * const *oids);
/* "Not a certificate authority", or a CA with its path length limit. */
char *ck_basic_constraints_text   (gboolean            is_ca,
                                   int                 path_len);
/* "DNS name: www.example.com", one per line. element-type CkGeneralName */
char *ck_general_names_text       (GPtrArray          *names);

G_END_DECLS
