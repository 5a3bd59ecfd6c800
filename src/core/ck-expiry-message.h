/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* What Certkeeper says about certificates that are due, in one place for
 * the window's list, the app's desktop notification and
 * `certkeeper-cli check --notify`. */

/* "in 12 days", "expires today", "expired 3 days ago", "in 2 years" */
char       *ck_expiry_format_relative (gint64 not_after,
                                       gint64 now);

typedef struct {
  char     *title;           /* "2 certificates need renewal" */
  char     *body;            /* one line per certificate, the first few */
  gint64    certificate_id;  /* the one to open: the soonest */
  gboolean  urgent;          /* one of them has expired */
} CkExpiryMessage;

/* The notification for @items (element-type CkExpiryItem, soonest first,
 * as ck_expiry_check_run() gives them) at @now; NULL when @items is
 * empty: nothing to say. */
CkExpiryMessage *ck_expiry_message_new  (GPtrArray       *items,
                                         gint64           now);
void             ck_expiry_message_free (CkExpiryMessage *message);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CkExpiryMessage, ck_expiry_message_free)

G_END_DECLS
