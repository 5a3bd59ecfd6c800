/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* How the Expires column and the details pane describe validity. Expired
 * and expiring-soon certificates get an icon AND words, never colour
 * alone. */

typedef enum {
  CK_EXPIRY_VALID,
  CK_EXPIRY_SOON,          /* within the warning period */
  CK_EXPIRY_EXPIRED,
  CK_EXPIRY_NOT_YET_VALID,
} CkExpiryState;

CkExpiryState ck_expiry_get_state     (gint64 not_before,
                                       gint64 not_after,
                                       gint64 now,
                                       guint  warning_days);
/* ck_expiry_format_relative() ("in 12 days") is the core's
 * (ck-expiry-message.h): the notifications say it too. */
/* The date in the user's locale, UTC: "4 Dec 2026" */
char         *ck_expiry_format_date   (gint64 timestamp);
/* Date and time with seconds, UTC, for the details pane. */
char         *ck_expiry_format_datetime (gint64 timestamp);
/* "4 Dec 2026 · in 12 days": the list's Expires cell. */
char         *ck_expiry_format_cell   (gint64 not_after,
                                       gint64 now);
/* Icon name for @state, or NULL when none is shown. */
const char   *ck_expiry_state_icon    (CkExpiryState state);
/* "Expired", "Expires soon", "Not yet valid"; NULL for valid. */
const char   *ck_expiry_state_label   (CkExpiryState state);

G_END_DECLS
