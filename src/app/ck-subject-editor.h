/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "certkeeper-core.h"

G_BEGIN_DECLS

#define CK_TYPE_SUBJECT_EDITOR (ck_subject_editor_get_type ())
G_DECLARE_FINAL_TYPE (CkSubjectEditor, ck_subject_editor, CK, SUBJECT_EDITOR, AdwBin)

/* The subject page of the request assistant: one entry row per attribute,
 * the common ones first and the rest under "More attributes". Attributes
 * are encoded in the order the user filled them in (a template's order
 * when loaded from one); every edit is written to the builder at once and
 * "changed" is emitted. */

CkSubjectEditor *ck_subject_editor_new         (void);
/* Shows @builder's subject and edits it from now on. */
void             ck_subject_editor_set_builder (CkSubjectEditor  *self,
                                                CkRequestBuilder *builder);
/* FALSE while a row holds something that cannot be encoded at all (an
 * "OID=value" row with a malformed OID); such rows say why. */
gboolean         ck_subject_editor_is_valid    (CkSubjectEditor  *self);

G_END_DECLS
