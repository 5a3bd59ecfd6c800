/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "certkeeper-core.h"

G_BEGIN_DECLS

#define CK_TYPE_EXPIRY_NOTIFIER (ck_expiry_notifier_get_type ())
G_DECLARE_FINAL_TYPE (CkExpiryNotifier, ck_expiry_notifier, CK, EXPIRY_NOTIFIER, GObject)

/* The id of the one expiry notification: each check replaces it. */
#define CK_EXPIRY_NOTIFICATION_ID "expiry"

/* The app's desktop notification of the watched certificates that are due
 * (ck_expiry_check_run() with expiry-warning-days; the words of
 * ck_expiry_message_new()), sent through GApplication (GNotification) when
 * the store is given, then once a day while the app runs. Activating it
 * runs app.show-certificate with the soonest certificate's id. Nothing is
 * sent while expiry-notifications is off, nor without a session bus (the
 * app runs on without). @settings may be NULL (defaults). */
CkExpiryNotifier *ck_expiry_notifier_new       (GApplication     *application,
                                                GSettings        *settings);
/* Checks now, then daily; NULL stops. */
void              ck_expiry_notifier_set_store (CkExpiryNotifier *self,
                                                CkStore          *store);
/* Checks now (app.check-expiry, and the daily timer): sends the
 * notification, or withdraws the last one when nothing is due any more.
 * TRUE when one was sent. */
gboolean          ck_expiry_notifier_check     (CkExpiryNotifier *self);

G_END_DECLS
