/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "certkeeper-core.h"

G_BEGIN_DECLS

#define CK_TYPE_TRUST_DIALOG (ck_trust_dialog_get_type ())
G_DECLARE_FINAL_TYPE (CkTrustDialog, ck_trust_dialog, CK, TRUST_DIALOG, AdwWindow)

/* Trust Settings for one certificate: its name and SHA-256 fingerprint to
 * confirm, and per purpose Default / Trust / Distrust, plus "Distrust for
 * everything" and any other purpose already decided. A choice applies at
 * once through the keeper (ck_keeper_set_trust()); a toast offers Undo. Trusting a
 * certificate that is not a CA, is expired or uses a weak algorithm asks
 * first. */

CkTrustDialog *ck_trust_dialog_new         (GtkWindow     *parent,
                                            CkTrust       *trust,
                                            CkVerifier    *verifier,
                                            CkCertificate *certificate);
CkCertificate *ck_trust_dialog_get_certificate (CkTrustDialog *self);
/* Clicks @level's toggle in @purpose's row, as the user does (warnings
 * included); FALSE when the row or that level is not offered
 * (CK_PURPOSE_ALL has Default and Distrust only). */
gboolean       ck_trust_dialog_choose      (CkTrustDialog *self,
                                            const char    *purpose,
                                            CkTrustLevel   level);
/* The level whose toggle is active in @purpose's row. */
CkTrustLevel   ck_trust_dialog_get_choice  (CkTrustDialog *self,
                                            const char    *purpose);
/* The reasons to think twice before trusting this certificate, one per
 * line, or NULL when there are none. */
char          *ck_trust_dialog_get_warnings (CkTrustDialog *self);
/* Applies @level for @purpose as a confirmed choice does: sets it and
 * offers Undo. */
gboolean       ck_trust_dialog_apply       (CkTrustDialog *self,
                                            const char    *purpose,
                                            CkTrustLevel   level,
                                            GError       **error);
/* What the toast's Undo does: the last change's previous level back. */
gboolean       ck_trust_dialog_undo        (CkTrustDialog *self,
                                            GError       **error);

G_END_DECLS
