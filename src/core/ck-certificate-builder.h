/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <gnutls/gnutls.h>

#include "ck-certificate.h"
#include "ck-private-key.h"
#include "ck-request.h"
#include "ck-request-builder.h"

G_BEGIN_DECLS

/* What a certificate is for. Each sets the key usage, extended key usage
 * and basic constraints; everything else comes from the contents (a
 * self-signed certificate) or the extensions kept from the request. */
typedef enum {
  CK_CERTIFICATE_PROFILE_NONE,      /* a leaf: basicConstraints CA:FALSE only */
  CK_CERTIFICATE_PROFILE_TLS_SERVER,
  CK_CERTIFICATE_PROFILE_TLS_CLIENT,
  CK_CERTIFICATE_PROFILE_CODE_SIGNING,
  CK_CERTIFICATE_PROFILE_EMAIL,
  CK_CERTIFICATE_PROFILE_ROOT_CA,
  CK_CERTIFICATE_PROFILE_SUB_CA,
} CkCertificateProfile;

/* "none", "tls-server", "tls-client", "code-signing", "email", "root-ca",
 * "sub-ca" */
const char *ck_certificate_profile_to_string   (CkCertificateProfile  profile);
gboolean    ck_certificate_profile_from_string (const char           *name,
                                                CkCertificateProfile *profile);
/* Presets @builder's key usage, EKU and basic constraints for @profile
 * (subject and SANs stay); a root CA has no path length limit, a sub-CA
 * a limit of 0 (it issues leaves). */
void        ck_certificate_profile_apply       (CkCertificateProfile  profile,
                                                CkRequestBuilder     *builder);

/* The longest validity, in days, the CA/Browser Forum Baseline
 * Requirements allow a TLS server certificate whose notBefore is
 * @not_before (ballot SC-081): 398, then 200 from 15 March 2026, 100 from
 * 15 March 2027, 47 from 15 March 2029. */
guint       ck_tls_server_max_validity_days    (gint64 not_before);

/* The extensions of a request that a CA keeps in the certificate
 * (ck_certificate_builder_set_keep_extensions()). */
typedef enum {
  CK_KEEP_NONE                = 0,
  CK_KEEP_SUBJECT_ALT_NAME    = 1 << 0,
  CK_KEEP_KEY_USAGE           = 1 << 1,
  CK_KEEP_EXTENDED_KEY_USAGE  = 1 << 2,
  CK_KEEP_BASIC_CONSTRAINTS   = 1 << 3,
  CK_KEEP_TLS_FEATURE         = 1 << 4,
  CK_KEEP_OTHER               = 1 << 5,   /* every extension given by OID */
} CkKeepFlags;

#define CK_TYPE_CERTIFICATE_BUILDER (ck_certificate_builder_get_type ())
G_DECLARE_FINAL_TYPE (CkCertificateBuilder, ck_certificate_builder, CK, CERTIFICATE_BUILDER, GObject)

/* Makes X.509 v3 certificates: self-signed ones from a CkRequestBuilder's
 * contents, and certificates for a PKCS#10 request signed by a CA. The
 * subject, SANs and extensions are the request builder's, and so are its
 * checks (ck_request_builder_check_for() with CK_CHECK_CERTIFICATE), plus
 * those of issuance: validity, serial, the issuer's right to sign, and
 * the CA/Browser Forum maximum validity for TLS servers (a warning).
 *
 * Every certificate gets a serial of 20 random octets (positive) unless
 * one is given, a subjectKeyIdentifier (SHA-1 of the public key, RFC 5280
 * method 1) and, when signed by a CA or when it is a CA itself, an
 * authorityKeyIdentifier. */

/* A self-signed certificate with the subject and extensions of @contents
 * (kept by reference: later edits count). */
CkCertificateBuilder *ck_certificate_builder_new_self_signed (CkRequestBuilder *contents);
/* A certificate for @request. Its subject and public key are copied as
 * they are; its extensions are the profile's, plus the ones of the
 * request kept with ck_certificate_builder_set_keep_extensions(). */
CkCertificateBuilder *ck_certificate_builder_new_for_request (CkRequest        *request);

/* A deep copy (contents included), for a worker thread: edit @self on. */
CkCertificateBuilder *ck_certificate_builder_copy            (CkCertificateBuilder *self);
/* The request of a builder made with ck_certificate_builder_new_for_request(),
 * NULL for self-signed contents. (transfer none) */
CkRequest            *ck_certificate_builder_get_request     (CkCertificateBuilder *self);
/* TRUE for a builder made with ck_certificate_builder_new_self_signed(). */
gboolean              ck_certificate_builder_is_self_signed  (CkCertificateBuilder *self);

/* For a certificate for a request: the extensions of @contents (a certtool
 * template read with CK_TEMPLATE_CERTIFICATE, say) instead of a profile's;
 * the subject stays the request's, and kept extensions still apply. */
void     ck_certificate_builder_set_contents         (CkCertificateBuilder *self,
                                                      CkRequestBuilder     *contents);
/* For contents signed by a CA (ck_certificate_builder_sign()): the key the
 * certificate is for. Only its public half goes into the certificate. */
void     ck_certificate_builder_set_subject_key      (CkCertificateBuilder *self,
                                                      CkPrivateKey         *key);
/* Sets the key usage, EKU and basic constraints of a certificate for a
 * request (self-signed contents are profiled by the caller, with
 * ck_certificate_profile_apply()). */
void     ck_certificate_builder_set_profile          (CkCertificateBuilder *self,
                                                      CkCertificateProfile  profile);
CkCertificateProfile ck_certificate_builder_get_profile (CkCertificateBuilder *self);
void     ck_certificate_builder_set_keep             (CkCertificateBuilder *self,
                                                      CkKeepFlags           keep,
                                                      const char * const   *oids);
/* "subjectAltName,keyUsage,extendedKeyUsage,basicConstraints,tlsFeature",
 * short names (san, key-usage, eku, basic-constraints, tls-feature),
 * dotted OIDs, "all" (everything but a CA:TRUE basicConstraints, which is
 * only kept when named) or "none". CK_ERROR_INVALID for an unknown name. */
gboolean ck_certificate_builder_set_keep_extensions  (CkCertificateBuilder *self,
                                                      const char           *list,
                                                      GError              **error);

/* Validity. @not_before 0 means now; @not_after 0 means @days after
 * notBefore; @days 0 means the profile's default (the CA/Browser Forum
 * limit for a TLS server, 365 days for other leaves, 5 years for a
 * sub-CA, 10 for a root). */
void     ck_certificate_builder_set_not_before       (CkCertificateBuilder *self,
                                                      gint64                not_before);
void     ck_certificate_builder_set_not_after        (CkCertificateBuilder *self,
                                                      gint64                not_after);
void     ck_certificate_builder_set_days             (CkCertificateBuilder *self,
                                                      guint                 days);
/* The serial's content octets (big-endian, as in DER). NULL for 20 random
 * octets. The checks refuse a serial that is not positive or is longer
 * than 20 octets. */
void     ck_certificate_builder_set_serial           (CkCertificateBuilder *self,
                                                      GBytes               *serial);
/* GNUTLS_DIG_UNKNOWN (default): the signing key's preferred hash. */
void     ck_certificate_builder_set_hash             (CkCertificateBuilder     *self,
                                                      gnutls_digest_algorithm_t hash);
/* Authority information access and CRL distribution point URLs (NULL for
 * none). */
void     ck_certificate_builder_set_ocsp_url         (CkCertificateBuilder *self,
                                                      const char           *url);
void     ck_certificate_builder_set_ca_issuers_url   (CkCertificateBuilder *self,
                                                      const char           *url);
void     ck_certificate_builder_set_crl_url          (CkCertificateBuilder *self,
                                                      const char           *url);
/* The path length limit of a CA certificate; -1 for none, -2 (default)
 * for what the profile or the contents say. */
void     ck_certificate_builder_set_path_len         (CkCertificateBuilder *self,
                                                      int                   path_len);

/* What the certificate will say (subject, SANs, extensions), after the
 * profile and the kept extensions: (transfer full). */
CkRequestBuilder *ck_certificate_builder_get_contents (CkCertificateBuilder *self);
/* The effective validity. */
void     ck_certificate_builder_get_validity         (CkCertificateBuilder *self,
                                                      gint64               *not_before,
                                                      gint64               *not_after);

/* Everything the builder would refuse (errors) or warn about, errors
 * first (element-type CkRequestFinding). @issuer is the CA certificate,
 * NULL for a self-signed one. The key judged is the request's, or the one
 * given to ck_request_builder_set_key_info() on the contents. */
GPtrArray *ck_certificate_builder_check              (CkCertificateBuilder *self,
                                                      CkCertificate        *issuer);

/* Signs with @key, for a self-signed certificate (from contents or from a
 * request for that key). */
CkCertificate *ck_certificate_builder_self_sign      (CkCertificateBuilder *self,
                                                      CkPrivateKey         *key,
                                                      CkBuildFlags          flags,
                                                      GError              **error);
/* Signs as @issuer, whose key is @issuer_key. Refused (CK_ERROR_INVALID)
 * when the checks find errors (unless @flags say otherwise), and always
 * when the request's signature does not verify, @issuer_key is not
 * @issuer's key, or @issuer is not a CA allowed to sign certificates
 * (basicConstraints CA:TRUE and keyCertSign). */
CkCertificate *ck_certificate_builder_sign           (CkCertificateBuilder *self,
                                                      CkCertificate        *issuer,
                                                      CkPrivateKey         *issuer_key,
                                                      CkBuildFlags          flags,
                                                      GError              **error);

G_END_DECLS
