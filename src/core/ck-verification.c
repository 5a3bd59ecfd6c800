/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ck-verification.h"

struct _CkVerification
{
  GObject parent_instance;

  CkVerifyStatus status;
  char *purpose;
  char *reason;
  GStrv chain;
  char *subject_sha256;
  char *subject_name;
  char *anchor_name;
  char *anchor_source;
  CkRevocationStatus *revocation;
  CkCertificate *fetched_issuer;
  char *fetched_issuer_url;
};

G_DEFINE_FINAL_TYPE (CkVerification, ck_verification, G_TYPE_OBJECT)

static void
ck_verification_finalize (GObject *object)
{
  CkVerification *self = CK_VERIFICATION (object);

  g_free (self->purpose);
  g_free (self->reason);
  g_strfreev (self->chain);
  g_free (self->subject_sha256);
  g_free (self->subject_name);
  g_free (self->anchor_name);
  g_free (self->anchor_source);
  ck_revocation_status_free (self->revocation);
  g_clear_object (&self->fetched_issuer);
  g_free (self->fetched_issuer_url);

  G_OBJECT_CLASS (ck_verification_parent_class)->finalize (object);
}

static void
ck_verification_class_init (CkVerificationClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ck_verification_finalize;
}

static void
ck_verification_init (CkVerification *self)
{
  self->chain = g_new0 (char *, 1);
}

CkVerification *
ck_verification_new (CkVerifyStatus  status,
                     const char     *purpose)
{
  CkVerification *self = g_object_new (CK_TYPE_VERIFICATION, NULL);

  self->status = status;
  self->purpose = g_strdup (purpose);
  return self;
}

CkVerifyStatus
ck_verification_get_status (CkVerification *self)
{
  g_return_val_if_fail (CK_IS_VERIFICATION (self), CK_VERIFY_NOT_TRUSTED);
  return self->status;
}

const char *
ck_verification_get_purpose (CkVerification *self)
{
  g_return_val_if_fail (CK_IS_VERIFICATION (self), NULL);
  return self->purpose;
}

const char *
ck_verification_get_reason (CkVerification *self)
{
  g_return_val_if_fail (CK_IS_VERIFICATION (self), NULL);
  return self->reason != NULL ? self->reason : "";
}

void
ck_verification_set_reason (CkVerification *self,
                            const char     *reason)
{
  g_return_if_fail (CK_IS_VERIFICATION (self));
  g_free (self->reason);
  self->reason = g_strdup (reason);
}

const char * const *
ck_verification_get_chain (CkVerification *self)
{
  g_return_val_if_fail (CK_IS_VERIFICATION (self), NULL);
  return (const char * const *) self->chain;
}

void
ck_verification_set_chain (CkVerification *self,
                           GStrv           chain)
{
  g_return_if_fail (CK_IS_VERIFICATION (self));
  g_strfreev (self->chain);
  self->chain = chain != NULL ? g_strdupv (chain) : g_new0 (char *, 1);
}

const char *
ck_verification_get_subject_sha256 (CkVerification *self)
{
  g_return_val_if_fail (CK_IS_VERIFICATION (self), NULL);
  return self->subject_sha256;
}

const char *
ck_verification_get_subject_name (CkVerification *self)
{
  g_return_val_if_fail (CK_IS_VERIFICATION (self), NULL);
  return self->subject_name;
}

void
ck_verification_set_subject (CkVerification *self,
                             const char     *sha256,
                             const char     *name)
{
  g_return_if_fail (CK_IS_VERIFICATION (self));
  g_free (self->subject_sha256);
  g_free (self->subject_name);
  self->subject_sha256 = g_strdup (sha256);
  self->subject_name = g_strdup (name);
}

const char *
ck_verification_get_anchor_name (CkVerification *self)
{
  g_return_val_if_fail (CK_IS_VERIFICATION (self), NULL);
  return self->anchor_name;
}

const char *
ck_verification_get_anchor_source (CkVerification *self)
{
  g_return_val_if_fail (CK_IS_VERIFICATION (self), NULL);
  return self->anchor_source;
}

void
ck_verification_set_anchor (CkVerification *self,
                            const char     *name,
                            const char     *source)
{
  g_return_if_fail (CK_IS_VERIFICATION (self));
  g_free (self->anchor_name);
  g_free (self->anchor_source);
  ck_revocation_status_free (self->revocation);
  g_clear_object (&self->fetched_issuer);
  g_free (self->fetched_issuer_url);
  self->anchor_name = g_strdup (name);
  self->anchor_source = g_strdup (source);
}

const char *
ck_verify_status_to_string (CkVerifyStatus status)
{
  switch (status)
    {
    case CK_VERIFY_TRUSTED:
      return "trusted";
    case CK_VERIFY_NOT_TRUSTED:
      return "not-trusted";
    case CK_VERIFY_DISTRUSTED:
      return "distrusted";
    case CK_VERIFY_ISSUER_UNKNOWN:
      return "issuer-unknown";
    case CK_VERIFY_EXPIRED:
      return "expired";
    case CK_VERIFY_NOT_YET_VALID:
      return "not-yet-valid";
    case CK_VERIFY_BAD_SIGNATURE:
      return "bad-signature";
    case CK_VERIFY_INSECURE_ALGORITHM:
      return "insecure-algorithm";
    case CK_VERIFY_UNKNOWN_CRITICAL_EXTENSION:
      return "unknown-critical-extension";
    case CK_VERIFY_PURPOSE_NOT_ALLOWED:
      return "purpose-not-allowed";
    case CK_VERIFY_CONSTRAINT_VIOLATED:
      return "constraint-violated";
    case CK_VERIFY_UNSUPPORTED_ALGORITHM:
      return "unsupported-algorithm";
    case CK_VERIFY_CANNOT_VERIFY:
      return "cannot-verify";
    case CK_VERIFY_REVOKED:
      return "revoked";
    case CK_VERIFY_REVOCATION_UNKNOWN:
      return "revocation-unknown";
    default:
      return "unknown";
    }
}

const CkRevocationStatus *
ck_verification_get_revocation (CkVerification *self)
{
  g_return_val_if_fail (CK_IS_VERIFICATION (self), NULL);
  return self->revocation;
}

void
ck_verification_set_revocation (CkVerification           *self,
                                const CkRevocationStatus *status)
{
  g_return_if_fail (CK_IS_VERIFICATION (self));
  ck_revocation_status_free (self->revocation);
  self->revocation = ck_revocation_status_copy (status);
}

CkCertificate *
ck_verification_get_fetched_issuer (CkVerification *self)
{
  g_return_val_if_fail (CK_IS_VERIFICATION (self), NULL);
  return self->fetched_issuer;
}

const char *
ck_verification_get_fetched_issuer_url (CkVerification *self)
{
  g_return_val_if_fail (CK_IS_VERIFICATION (self), NULL);
  return self->fetched_issuer_url;
}

void
ck_verification_set_fetched_issuer (CkVerification *self,
                                    CkCertificate  *issuer,
                                    const char     *url)
{
  g_return_if_fail (CK_IS_VERIFICATION (self));
  g_set_object (&self->fetched_issuer, issuer);
  g_free (self->fetched_issuer_url);
  self->fetched_issuer_url = g_strdup (url);
}
