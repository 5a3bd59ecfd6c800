/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "ck-certificate.h"
#include "ck-revocation-status.h"

G_BEGIN_DECLS

typedef enum {
  CK_VERIFY_TRUSTED,
  CK_VERIFY_NOT_TRUSTED,        /* the chain ends at a root nobody trusts */
  CK_VERIFY_DISTRUSTED,
  CK_VERIFY_ISSUER_UNKNOWN,
  CK_VERIFY_EXPIRED,
  CK_VERIFY_NOT_YET_VALID,
  CK_VERIFY_BAD_SIGNATURE,
  CK_VERIFY_INSECURE_ALGORITHM,
  CK_VERIFY_UNKNOWN_CRITICAL_EXTENSION,
  CK_VERIFY_PURPOSE_NOT_ALLOWED,
  /* An issuer that is not a CA, a path length or name constraint
   * broken: the chain is malformed rather than badly signed. */
  CK_VERIFY_CONSTRAINT_VIOLATED,
  /* A signature in the chain is made with a key (or an algorithm) this
   * GnuTLS cannot use (ML-DSA, SLH-DSA…): it cannot be checked. */
  CK_VERIFY_UNSUPPORTED_ALGORITHM,
  /* What the verdict rests on (the trust decisions, the issuers in the
   * store) could not be read: nothing can be said, and in particular the
   * certificate is not trusted. The reason says what failed. */
  CK_VERIFY_CANNOT_VERIFY,
  /* A certificate of the chain is revoked (a stored or fetched CRL, an
   * OCSP answer): after DISTRUSTED, before every other problem. */
  CK_VERIFY_REVOKED,
  /* Only when revocation checks are hard-fail: the chain is otherwise
   * trusted but no CRL or OCSP answer says it is not revoked. */
  CK_VERIFY_REVOCATION_UNKNOWN,
} CkVerifyStatus;

#define CK_TYPE_VERIFICATION (ck_verification_get_type ())
G_DECLARE_FINAL_TYPE (CkVerification, ck_verification, CK, VERIFICATION, GObject)

/* The verdict on one certificate for one purpose, with what it rests on. */

CkVerification *ck_verification_new         (CkVerifyStatus status,
                                             const char    *purpose);
CkVerifyStatus  ck_verification_get_status  (CkVerification *self);
const char     *ck_verification_get_purpose (CkVerification *self);
/* Why, in words, naming the certificate it is about: "Trusted for TLS
 * server through Example Root CA", "Not trusted: issued by an unknown
 * authority (Example Issuing CA)", "Distrusted by you on 2026-11-22". */
const char     *ck_verification_get_reason  (CkVerification *self);
void            ck_verification_set_reason  (CkVerification *self,
                                             const char     *reason);
/* SHA-256 fingerprints, leaf first; the anchor last when trusted. */
const char * const *ck_verification_get_chain (CkVerification *self);
void            ck_verification_set_chain   (CkVerification *self,
                                             GStrv           chain);
/* The certificate the verdict is about (the one that is expired,
 * distrusted, badly signed…): its SHA-256 and display name. */
const char     *ck_verification_get_subject_sha256 (CkVerification *self);
const char     *ck_verification_get_subject_name   (CkVerification *self);
void            ck_verification_set_subject        (CkVerification *self,
                                                    const char     *sha256,
                                                    const char     *name);
/* Display name of the anchor when trusted, and where it comes from:
 * "store" or "system". */
const char     *ck_verification_get_anchor_name   (CkVerification *self);
const char     *ck_verification_get_anchor_source (CkVerification *self);
void            ck_verification_set_anchor        (CkVerification *self,
                                                   const char     *name,
                                                   const char     *source);

/* Whether the certificate (and its issuers up to the anchor) are revoked:
 * the worst link (revoked, else unknown, else the certificate's own good
 * status). NULL when nothing could be checked (a lone root). */
const CkRevocationStatus *ck_verification_get_revocation (CkVerification *self);
void            ck_verification_set_revocation    (CkVerification           *self,
                                                   const CkRevocationStatus *status);
/* The issuer that was missing from the store, fetched from the AIA
 * caIssuers URL of the chain's top (with network checks on): NULL when
 * none was fetched. Never trusted by being fetched. */
CkCertificate  *ck_verification_get_fetched_issuer     (CkVerification *self);
const char     *ck_verification_get_fetched_issuer_url (CkVerification *self);
void            ck_verification_set_fetched_issuer     (CkVerification *self,
                                                        CkCertificate  *issuer,
                                                        const char     *url);

/* "trusted", "not-trusted", "distrusted", "issuer-unknown", "expired",
 * "not-yet-valid", "bad-signature", "insecure-algorithm",
 * "unknown-critical-extension", "purpose-not-allowed",
 * "constraint-violated", "cannot-verify", "revoked",
 * "revocation-unknown": the CLI's JSON. */
const char     *ck_verify_status_to_string  (CkVerifyStatus status);

G_END_DECLS
