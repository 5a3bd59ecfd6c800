/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "certkeeper-core.h"

G_BEGIN_DECLS

#define CK_TYPE_REVOCATION_ROW (ck_revocation_row_get_type ())
G_DECLARE_FINAL_TYPE (CkRevocationRow, ck_revocation_row, CK, REVOCATION_ROW, AdwActionRow)

/* The details pane's "Revocation" row: what the verdict says about
 * revocation (good, revoked, unknown; from a CRL or OCSP; when) and a
 * "Check Revocation" button. The check runs in a worker thread, asks the
 * network only when the revocation-network-checks preference is on, and is
 * cancelled when the row goes; "checked" is emitted after it, when the
 * stored CRLs and OCSP answers may have changed. */
GtkWidget *ck_revocation_row_new (CkStore        *store,
                                  CkCertificate  *certificate,
                                  const char     *purpose,
                                  CkVerification *verification);

G_END_DECLS
