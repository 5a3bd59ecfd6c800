/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gi18n-lib.h>

#include "ck-expiry-check.h"
#include "ck-expiry-message.h"

#define DAY (G_GINT64_CONSTANT (24) * 60 * 60)
/* A notification is read at a glance: the rest is one click away. */
#define MAX_LINES 5

char *
ck_expiry_format_relative (gint64 not_after,
                           gint64 now)
{
  gint64 delta = not_after - now;
  /* Whole days, rounded towards "now": 36 hours left is "in 1 day". */
  gint64 days = (delta >= 0 ? delta : -delta) / DAY;
  guint n;

  if (days == 0)
    return g_strdup (delta >= 0 ? _("expires today") : _("expired today"));

  if (days < 60)
    {
      n = (guint) days;
      if (delta >= 0)
        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "in %u day", "in %u days", n), n);
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "expired %u day ago", "expired %u days ago", n), n);
    }

  if (days < 730)
    {
      n = (guint) (days / 30);
      if (delta >= 0)
        return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "in %u month", "in %u months", n), n);
      return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "expired %u month ago", "expired %u months ago", n), n);
    }

  n = (guint) MIN (days / 365, G_MAXUINT);
  if (delta >= 0)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "in %u year", "in %u years", n), n);
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "expired %u year ago", "expired %u years ago", n), n);
}

CkExpiryMessage *
ck_expiry_message_new (GPtrArray *items,
                       gint64     now)
{
  CkExpiryMessage *message;
  GString *body;
  guint n;

  g_return_val_if_fail (items != NULL, NULL);

  n = items->len;
  if (n == 0)
    return NULL;

  message = g_new0 (CkExpiryMessage, 1);
  body = g_string_new (NULL);
  for (guint i = 0; i < n; i++)
    {
      const CkExpiryItem *item = g_ptr_array_index (items, i);

      if (item->expired)
        message->urgent = TRUE;
      if (i < MAX_LINES)
        {
          g_autofree char *relative =
            ck_expiry_format_relative (ck_stored_certificate_get_not_after (item->certificate), now);

          if (body->len > 0)
            g_string_append_c (body, '\n');
          /* Translators: a line of the expiry notification: a certificate's
           * name, then "in 12 days" or "expired 3 days ago" */
          g_string_append_printf (body, _("%s: %s"),
                                  ck_stored_certificate_get_display_name (item->certificate),
                                  relative);
        }
    }
  if (n > MAX_LINES)
    {
      g_string_append_c (body, '\n');
      g_string_append_printf (body, g_dngettext (GETTEXT_PACKAGE, "and %u more", "and %u more",
                                                 n - MAX_LINES), n - MAX_LINES);
    }

  message->title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                 "%u certificate needs renewal",
                                                 "%u certificates need renewal", n), n);
  message->body = g_string_free (body, FALSE);
  message->certificate_id =
    ck_stored_certificate_get_id (((CkExpiryItem *) g_ptr_array_index (items, 0))->certificate);
  return message;
}

void
ck_expiry_message_free (CkExpiryMessage *message)
{
  if (message == NULL)
    return;
  g_free (message->title);
  g_free (message->body);
  g_free (message);
}
