/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "certkeeper-core.h"

G_BEGIN_DECLS

#define CK_TYPE_SIGN_DIALOG (ck_sign_dialog_get_type ())
G_DECLARE_FINAL_TYPE (CkSignDialog, ck_sign_dialog, CK, SIGN_DIALOG, AdwWindow)

/* Signs a stored certificate signing request with a CA of the store.
 *
 * Offers the CA certificates whose key is in the store or on a token and
 * that may sign (basicConstraints CA:TRUE, keyCertSign); the other CA
 * certificates are listed with the reason they are not offered. Shows side
 * by side what the request asks for and what will be issued, lets the user
 * keep or drop each requested extension (a basicConstraints CA:TRUE is off
 * unless the user turns it on, and then warned about), and the options:
 * profile, validity, hash, serial, path length and the CA's URLs (kept per
 * CA in @settings' "ca-urls"). The core's checks run on every change:
 * errors block Sign, warnings are shown. Signing is the keeper's action; a
 * CA key on a token is logged in to first with the PIN dialog, and the
 * signing shows progress and can be cancelled until it is stored.
 *
 * Emits "issued" (the new certificate's store id, and whether a pending
 * request became issued) and closes. */

CkSignDialog *ck_sign_dialog_new             (GtkWindow    *parent,
                                              CkKeeper     *keeper,
                                              GSettings    *settings,
                                              gint64        request_id);

/* For tests: the CAs offered (their store ids), and those not offered with
 * the reason, "Name: reason" (element-type utf8). */
GArray       *ck_sign_dialog_get_offered     (CkSignDialog *self);
GPtrArray    *ck_sign_dialog_get_not_offered (CkSignDialog *self);
/* Chooses the CA with this store id; FALSE when it is not offered. */
gboolean      ck_sign_dialog_select_ca       (CkSignDialog *self,
                                              gint64        ca_id);
/* The switch that keeps the requested extension @oid; NULL when the
 * request does not ask for it. */
GtkSwitch    *ck_sign_dialog_get_keep_switch (CkSignDialog *self,
                                              const char   *oid);
/* What the "Will be issued" column says for @field ("issuer", "subject",
 * "subjectAltName", "keyUsage", "extendedKeyUsage", "basicConstraints",
 * "validity"); NULL when it is not shown. */
const char   *ck_sign_dialog_get_issued_text (CkSignDialog *self,
                                              const char   *field);
/* The findings shown (element-type CkRequestFinding). */
GPtrArray    *ck_sign_dialog_get_findings    (CkSignDialog *self);
/* Whether Sign can be pressed. */
gboolean      ck_sign_dialog_can_sign        (CkSignDialog *self);

G_END_DECLS
