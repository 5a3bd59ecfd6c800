/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "certkeeper-core.h"

G_BEGIN_DECLS

#define CK_TYPE_RENEW_DIALOG (ck_renew_dialog_get_type ())
G_DECLARE_FINAL_TYPE (CkRenewDialog, ck_renew_dialog, CK, RENEW_DIALOG, AdwWindow)

/* "Renew…": shows what the renewal of @renewal's certificate asks for
 * (its subject, names and profile), asks for a new key like the old one
 * (in the store or on the old key's token) or the same key, with the
 * passphrase or PIN that needs, and makes the request through
 * ck_keeper_renew_async(). Emits "request-added" (the new pending
 * request's store id) and closes when it is made. */
CkRenewDialog *ck_renew_dialog_new (GtkWindow *parent,
                                    CkKeeper  *keeper,
                                    CkRenewal *renewal);

G_END_DECLS
