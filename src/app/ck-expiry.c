/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gi18n.h>

#include "certkeeper-core.h"
#include "ck-expiry.h"

#define DAY (G_GINT64_CONSTANT (24) * 60 * 60)

CkExpiryState
ck_expiry_get_state (gint64 not_before,
                     gint64 not_after,
                     gint64 now,
                     guint  warning_days)
{
  if (not_after < now)
    return CK_EXPIRY_EXPIRED;
  if (not_before > now)
    return CK_EXPIRY_NOT_YET_VALID;
  /* The core's rule, as `certkeeper-cli check` and the notifications
   * apply it. */
  if (ck_expiry_is_due (not_after, now, warning_days))
    return CK_EXPIRY_SOON;
  return CK_EXPIRY_VALID;
}

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
        return g_strdup_printf (ngettext ("in %u day", "in %u days", n), n);
      return g_strdup_printf (ngettext ("expired %u day ago", "expired %u days ago", n), n);
    }

  if (days < 730)
    {
      n = (guint) (days / 30);
      if (delta >= 0)
        return g_strdup_printf (ngettext ("in %u month", "in %u months", n), n);
      return g_strdup_printf (ngettext ("expired %u month ago", "expired %u months ago", n), n);
    }

  n = (guint) MIN (days / 365, G_MAXUINT);
  if (delta >= 0)
    return g_strdup_printf (ngettext ("in %u year", "in %u years", n), n);
  return g_strdup_printf (ngettext ("expired %u year ago", "expired %u years ago", n), n);
}

static char *
format_utc (gint64      timestamp,
            const char *format)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (timestamp);

  if (dt == NULL)
    return g_strdup ("—");
  return g_date_time_format (dt, format);
}

char *
ck_expiry_format_date (gint64 timestamp)
{
  /* Translators: a date in the certificate list, see g_date_time_format() */
  return format_utc (timestamp, _("%-d %b %Y"));
}

char *
ck_expiry_format_datetime (gint64 timestamp)
{
  /* Translators: a date and time in the details pane, see g_date_time_format() */
  return format_utc (timestamp, _("%-d %B %Y, %H:%M:%S UTC"));
}

char *
ck_expiry_format_cell (gint64 not_after,
                       gint64 now)
{
  g_autofree char *date = ck_expiry_format_date (not_after);
  g_autofree char *relative = ck_expiry_format_relative (not_after, now);

  /* Translators: the Expires column: a date, then "in 12 days" */
  return g_strdup_printf (_("%s · %s"), date, relative);
}

const char *
ck_expiry_state_icon (CkExpiryState state)
{
  switch (state)
    {
    case CK_EXPIRY_EXPIRED:
      return "dialog-error-symbolic";
    case CK_EXPIRY_SOON:
    case CK_EXPIRY_NOT_YET_VALID:
      return "dialog-warning-symbolic";
    case CK_EXPIRY_VALID:
    default:
      return NULL;
    }
}

const char *
ck_expiry_state_label (CkExpiryState state)
{
  switch (state)
    {
    case CK_EXPIRY_EXPIRED:
      return _("Expired");
    case CK_EXPIRY_SOON:
      return _("Expires soon");
    case CK_EXPIRY_NOT_YET_VALID:
      return _("Not yet valid");
    case CK_EXPIRY_VALID:
    default:
      return NULL;
    }
}
