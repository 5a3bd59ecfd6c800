/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "certkeeper-core.h"

G_BEGIN_DECLS

#define CK_TYPE_PIN_DIALOG (ck_pin_dialog_get_type ())
G_DECLARE_FINAL_TYPE (CkPinDialog, ck_pin_dialog, CK, PIN_DIALOG, AdwWindow)

/* Logs in to a PKCS#11 token. Shows the token and its state (PIN count
 * low, final try, locked) before the PIN is typed; a wrong PIN says so and
 * what the token now reports, and the user types again: the dialog never
 * retries by itself. Tokens with a PIN pad log in without a typed PIN.
 *
 * Completes with TRUE once @token is logged in (at once when it already
 * is), FALSE with G_IO_ERROR_CANCELLED when the user cancels. */

void     ck_pin_dialog_login_async  (GtkWindow           *parent,
                                     CkToken             *token,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data);
gboolean ck_pin_dialog_login_finish (GAsyncResult        *result,
                                     GError             **error);

G_END_DECLS
