/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ck-certificate.h"
#include "ck-revocation-check.h"
#include "ck-trust.h"
#include "ck-verification.h"

G_BEGIN_DECLS

#define CK_TYPE_VERIFIER (ck_verifier_get_type ())
G_DECLARE_FINAL_TYPE (CkVerifier, ck_verifier, CK, VERIFIER, GObject)

/* Builds a certificate's chain from the store's certificates and verifies
 * it with GnuTLS against the anchors the user trusts for the purpose (plus
 * the system's anchors, read-only, when asked to), at the "medium"
 * verification profile. */

CkVerifier     *ck_verifier_new           (CkTrust       *trust);
/* Include the system's trust anchors (GnuTLS/p11-kit). Off by default;
 * the GUI follows the GSettings key trust-use-system-anchors. */
void            ck_verifier_set_use_system_anchors (CkVerifier *self,
                                                    gboolean    use);
/* Revocation: stored CRLs and OCSP answers are always used. @network
 * says what may be fetched before (off by default: nothing leaves the
 * machine unless the user asked); verdicts are then not cached, and a
 * chain that stops at an issuer not in the store has it fetched from the
 * AIA caIssuers URL (ck_verification_get_fetched_issuer()). @hard_fail
 * makes an unknown status fail a chain that would be trusted
 * (CK_VERIFY_REVOCATION_UNKNOWN). Network checks block: call verify from
 * a worker thread then; @cancellable stops them. */
void            ck_verifier_set_revocation (CkVerifier          *self,
                                            CkRevocationNetwork  network,
                                            gboolean             hard_fail,
                                            GCancellable        *cancellable);
/* Verify at this time instead of now (seconds since the epoch; 0 = now). */
void            ck_verifier_set_time      (CkVerifier    *self,
                                           gint64         when);

/* Verdicts are cached (until a decision or the store's certificates
 * change): the result may be shared with later calls, so treat it as
 * read-only. A verifier is used from one thread. Fails closed: when the
 * trust decisions or the issuers in the store cannot be read, the verdict
 * is CK_VERIFY_CANNOT_VERIFY with the store's error in its reason (never
 * cached, so a later call reads again). NULL with @error only for a
 * purpose that cannot be verified, or (verify_id) a certificate that
 * cannot be loaded. */
CkVerification *ck_verifier_verify        (CkVerifier    *self,
                                           CkCertificate *certificate,
                                           const char    *purpose,
                                           GError       **error);
CkVerification *ck_verifier_verify_id     (CkVerifier    *self,
                                           gint64         certificate_id,
                                           const char    *purpose,
                                           GError       **error);

G_END_DECLS
