/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "certkeeper-core.h"

G_BEGIN_DECLS

#define CK_TYPE_VALIDITY_EDITOR (ck_validity_editor_get_type ())
G_DECLARE_FINAL_TYPE (CkValidityEditor, ck_validity_editor, CK, VALIDITY_EDITOR, AdwBin)

/* How long a certificate is valid, from now: the profile's default, a
 * number of days, or until a date. The default and the limits come from
 * the core (CkCertificateBuilder); this page only asks. Emits "changed". */

CkValidityEditor *ck_validity_editor_new          (void);
/* What "the profile's default" means here: @days days, with @note
 * (nullable) saying why ("the CA/Browser Forum limit"). */
void              ck_validity_editor_set_default  (CkValidityEditor     *self,
                                                   guint                 days,
                                                   const char           *note);
/* FALSE while the date typed is not a date in the future. */
gboolean          ck_validity_editor_is_valid     (CkValidityEditor     *self);
/* Sets @builder's days or notAfter as chosen (the default: neither). */
void              ck_validity_editor_apply        (CkValidityEditor     *self,
                                                   CkCertificateBuilder *builder);
/* For the tests and the template: choose @days days (0: the default). */
void              ck_validity_editor_set_days     (CkValidityEditor     *self,
                                                   guint                 days);

G_END_DECLS
