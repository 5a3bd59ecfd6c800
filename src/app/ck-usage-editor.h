/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "certkeeper-core.h"

G_BEGIN_DECLS

#define CK_TYPE_USAGE_EDITOR (ck_usage_editor_get_type ())
G_DECLARE_FINAL_TYPE (CkUsageEditor, ck_usage_editor, CK, USAGE_EDITOR, AdwBin)

/* The "Names and usage" page of the request assistant: subject
 * alternative names, key usage, extended key usage (with custom OIDs),
 * basic constraints, the critical flags and the challenge password. Edits
 * go to the builder at once and emit "changed"; loading does not. */

CkUsageEditor *ck_usage_editor_new         (void);
/* Shows what @builder holds (after a profile or template preset it) and
 * edits it from now on. */
void           ck_usage_editor_set_builder (CkUsageEditor    *self,
                                            CkRequestBuilder *builder);

G_END_DECLS
