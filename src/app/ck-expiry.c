/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gi18n.h>

#include "certkeeper-core.h"
#include "ck-expiry.h"


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
