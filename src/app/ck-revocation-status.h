/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "certkeeper-core.h"

G_BEGIN_DECLS

/* Whether a CA of the store revoked the stored certificate @certificate_id:
 * its revocation, or NULL. *@issuer_id gets that CA (0 when no CA of the
 * store issued it: nothing is known then). Reads the store: main thread. */
CkRevocation *ck_revocation_status_lookup (CkCa               *ca,
                                           CkStore            *store,
                                           gint64              certificate_id,
                                           gint64             *issuer_id);
/* How the details say it: "Revoked on 8 Dec 2026 (key compromise) by
 * “Lab Root CA”", or "Not revoked by …"; NULL when @issuer_id is 0. */
char         *ck_revocation_status_text   (CkStore            *store,
                                           const CkRevocation *revocation,
                                           gint64              issuer_id);
/* The RFC 5280 reasons that can be chosen, in the order offered. */
const CkRevocationReason *ck_revocation_reasons (guint *n_reasons);
/* The RFC 5280 reason, for people: "Key compromise". */
const char   *ck_revocation_reason_display_name (CkRevocationReason reason);

G_END_DECLS
