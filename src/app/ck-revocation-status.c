/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gi18n.h>

#include "ck-expiry.h"
#include "ck-revocation-status.h"

/* RFC 5280, 5.3.1, in the order people look for them. */
static const struct {
  CkRevocationReason reason;
  const char *name;
} reason_names[] = {
  { CK_REVOCATION_UNSPECIFIED, N_("Unspecified") },
  { CK_REVOCATION_KEY_COMPROMISE, N_("Key compromise") },
  { CK_REVOCATION_CA_COMPROMISE, N_("CA compromise") },
  { CK_REVOCATION_AFFILIATION_CHANGED, N_("Affiliation changed") },
  { CK_REVOCATION_SUPERSEDED, N_("Superseded") },
  { CK_REVOCATION_CESSATION_OF_OPERATION, N_("Cessation of operation") },
  { CK_REVOCATION_CERTIFICATE_HOLD, N_("Certificate hold") },
  { CK_REVOCATION_PRIVILEGE_WITHDRAWN, N_("Privilege withdrawn") },
  { CK_REVOCATION_AA_COMPROMISE, N_("Attribute authority compromise") },
};

const CkRevocationReason *
ck_revocation_reasons (guint *n_reasons)
{
  static CkRevocationReason reasons[G_N_ELEMENTS (reason_names)];

  for (guint i = 0; i < G_N_ELEMENTS (reason_names); i++)
    reasons[i] = reason_names[i].reason;
  *n_reasons = G_N_ELEMENTS (reason_names);
  return reasons;
}

const char *
ck_revocation_reason_display_name (CkRevocationReason reason)
{
  for (guint i = 0; i < G_N_ELEMENTS (reason_names); i++)
    if (reason_names[i].reason == reason)
      return _(reason_names[i].name);
  return ck_revocation_reason_to_string (reason);
}

CkRevocation *
ck_revocation_status_lookup (CkCa    *ca,
                             CkStore *store,
                             gint64   certificate_id,
                             gint64  *issuer_id)
{
  CkStoredCertificate *row = ck_store_get_certificate_row (store, certificate_id);
  g_autoptr(GError) error = NULL;
  CkRevocation *revocation = NULL;

  *issuer_id = 0;
  if (row == NULL)
    return NULL;
  *issuer_id = ck_ca_find_issuer (ca, certificate_id, NULL);
  if (*issuer_id <= 0)
    {
      *issuer_id = 0;
      return NULL;
    }
  if (!ck_ca_lookup_revocation (ca, *issuer_id, ck_stored_certificate_get_serial (row),
                                &revocation, &error))
    g_warning ("Cannot read the revocations: %s", error->message);
  return revocation;
}

char *
ck_revocation_status_text (CkStore            *store,
                           const CkRevocation *revocation,
                           gint64              issuer_id)
{
  CkStoredCertificate *ca = issuer_id > 0 ? ck_store_get_certificate_row (store, issuer_id) : NULL;
  g_autofree char *when = NULL;

  if (ca == NULL)
    return NULL;
  if (revocation == NULL)
    /* Translators: %s is the CA's name */
    return g_strdup_printf (_("Not revoked by “%s”, the CA of this store that issued it"),
                            ck_stored_certificate_get_display_name (ca));
  when = ck_expiry_format_datetime (revocation->revoked_at);
  /* Translators: "Revoked on 8 Dec 2026 14:30 (Key compromise) by “Lab Root CA”" */
  return g_strdup_printf (_("Revoked on %s (%s) by “%s”"), when,
                          ck_revocation_reason_display_name (revocation->reason),
                          ck_stored_certificate_get_display_name (ca));
}
