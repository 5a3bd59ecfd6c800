/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ck-revocation-status.h"

#include "ck-ca.h"

G_DEFINE_BOXED_TYPE (CkRevocationStatus, ck_revocation_status,
                     ck_revocation_status_copy, ck_revocation_status_free)

CkRevocationStatus *
ck_revocation_status_new (CkRevocationState  state,
                          const char        *source,
                          const char        *detail)
{
  CkRevocationStatus *status = g_new0 (CkRevocationStatus, 1);

  status->state = state;
  status->source = g_strdup (source);
  status->detail = g_strdup (detail);
  status->reason = -1;
  return status;
}

CkRevocationStatus *
ck_revocation_status_copy (const CkRevocationStatus *status)
{
  CkRevocationStatus *copy;

  if (status == NULL)
    return NULL;
  copy = g_memdup2 (status, sizeof *status);
  copy->source = g_strdup (status->source);
  copy->detail = g_strdup (status->detail);
  return copy;
}

void
ck_revocation_status_free (CkRevocationStatus *status)
{
  if (status == NULL)
    return;
  g_free (status->source);
  g_free (status->detail);
  g_free (status);
}

const char *
ck_revocation_state_to_string (CkRevocationState state)
{
  switch (state)
    {
    case CK_REVOCATION_STATE_GOOD:
      return "good";
    case CK_REVOCATION_STATE_REVOKED:
      return "revoked";
    case CK_REVOCATION_STATE_UNKNOWN:
    default:
      return "unknown";
    }
}

const char *
ck_revocation_status_get_reason_string (const CkRevocationStatus *status)
{
  if (status == NULL || status->state != CK_REVOCATION_STATE_REVOKED)
    return NULL;
  if (status->reason < 0)
    return ck_revocation_reason_to_string (CK_REVOCATION_UNSPECIFIED);
  return ck_revocation_reason_to_string (status->reason);
}

char *
ck_revocation_format_time (gint64 when)
{
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (when);

  return dt != NULL ? g_date_time_format (dt, "%Y-%m-%d %H:%M:%S UTC") : g_strdup ("?");
}
