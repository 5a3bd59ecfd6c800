/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "certkeeper-core.h"

G_BEGIN_DECLS

#define CK_TYPE_REVOKE_DIALOG (ck_revoke_dialog_get_type ())
G_DECLARE_FINAL_TYPE (CkRevokeDialog, ck_revoke_dialog, CK, REVOKE_DIALOG, AdwMessageDialog)

/* Asks whether to revoke @certificate (issued by @ca), with an RFC 5280
 * reason code and when it happened (now by default; never in the
 * future), and says that a revocation cannot be undone. The response
 * "revoke" is enabled only while the date reads; the caller revokes
 * through the keeper when it comes. Not yet presented. */
CkRevokeDialog    *ck_revoke_dialog_new        (GtkWindow          *parent,
                                                CkCertificate      *certificate,
                                                CkCertificate      *ca);
CkRevocationReason ck_revoke_dialog_get_reason (CkRevokeDialog     *self);
void               ck_revoke_dialog_set_reason (CkRevokeDialog     *self,
                                                CkRevocationReason  reason);
/* The revocation time chosen (Unix time); 0 while it does not read. */
gint64             ck_revoke_dialog_get_time   (CkRevokeDialog     *self);
void               ck_revoke_dialog_set_time_text (CkRevokeDialog  *self,
                                                   const char      *text);

G_END_DECLS
