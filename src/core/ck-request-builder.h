/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <gnutls/gnutls.h>

#include "ck-certificate.h"
#include "ck-dn-attribute.h"
#include "ck-extension.h"
#include "ck-general-name.h"
#include "ck-key-generator.h"
#include "ck-private-key.h"
#include "ck-request.h"

G_BEGIN_DECLS

/* What a request is for. Applying a profile presets the extensions; every
 * one of them stays editable afterwards. */
typedef enum {
  CK_REQUEST_PROFILE_CUSTOM,
  CK_REQUEST_PROFILE_TLS_SERVER,
  CK_REQUEST_PROFILE_TLS_CLIENT,
  CK_REQUEST_PROFILE_CODE_SIGNING,
  CK_REQUEST_PROFILE_EMAIL,
  CK_REQUEST_PROFILE_DOCUMENT_SIGNING,
  CK_REQUEST_PROFILE_XROAD_SIGNING,
  CK_REQUEST_PROFILE_XROAD_AUTH,
  CK_REQUEST_PROFILE_SUB_CA,
} CkRequestProfile;

#define CK_TYPE_REQUEST_PROFILE (ck_request_profile_get_type ())
GType        ck_request_profile_get_type         (void) G_GNUC_CONST;
/* "tls-server", "tls-client", "code-signing", "email", "document-signing",
 * "xroad-signing", "xroad-auth", "sub-ca", "custom" */
const char  *ck_request_profile_to_string        (CkRequestProfile profile);
gboolean     ck_request_profile_from_string      (const char       *name,
                                                  CkRequestProfile *profile);
/* "TLS server", translated. */
const char  *ck_request_profile_get_display_name (CkRequestProfile profile);

typedef enum {
  CK_FINDING_WARNING,
  CK_FINDING_ERROR,
} CkFindingSeverity;

/* One result of ck_request_builder_check(). */
typedef struct {
  CkFindingSeverity severity;
  char *field;     /* what it is about: "C", "subjectAltName", "keyUsage", "key" */
  char *message;   /* a full sentence, for people */
} CkRequestFinding;

#define CK_TYPE_REQUEST_FINDING (ck_request_finding_get_type ())
GType             ck_request_finding_get_type (void) G_GNUC_CONST;
CkRequestFinding *ck_request_finding_copy     (const CkRequestFinding *finding);
void              ck_request_finding_free     (CkRequestFinding       *finding);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CkRequestFinding, ck_request_finding_free)

typedef enum {
  CK_BUILD_NONE = 0,
  /* Build even when the checks find errors (certtool templates, which
   * certtool accepts as they are). */
  CK_BUILD_IGNORE_FINDINGS = 1 << 0,
} CkBuildFlags;

#define CK_TYPE_REQUEST_BUILDER (ck_request_builder_get_type ())
G_DECLARE_FINAL_TYPE (CkRequestBuilder, ck_request_builder, CK, REQUEST_BUILDER, GObject)

/* Everything a PKCS#10 request says, editable, plus the checks to run
 * before signing. Built for the request assistant: the scalar choices are
 * GObject properties ("profile", "hash", "pss", "challenge-password",
 * "key-usage", "key-usage-critical", "extended-key-usage-critical",
 * "san-critical", "basic-constraints", "is-ca", "path-len",
 * "basic-constraints-critical"), and "changed" is emitted after any edit,
 * lists included, so the assistant can re-run ck_request_builder_check().
 * Not thread-safe: edit it from one thread; building copies what it
 * needs. */

CkRequestBuilder *ck_request_builder_new            (void);
CkRequestBuilder *ck_request_builder_copy           (CkRequestBuilder *self);
/* Everything @request asks for (subject, SANs, extensions with their
 * critical flags and order), to renew it or write it as a template. The
 * challenge password is not kept: requests only carry it in the clear for
 * the CA, and it is not copied forward. */
CkRequestBuilder *ck_request_builder_new_from_request (CkRequest *request);
/* What a renewal of @certificate asks for: its subject, SANs, key usage,
 * extended key usage, basic constraints and TLS features, with their
 * critical flags and order, and the key type and size it has now (for a new
 * key of the same kind). The extensions its CA added (key identifiers, CRL
 * and OCSP locations, policies, SCTs) are not asked for again. */
CkRequestBuilder *ck_request_builder_new_from_certificate (CkCertificate *certificate);

/* Resets the extensions (key usage, EKU, basic constraints, their critical
 * flags) to what @profile asks for; the subject and SANs stay. Uses the
 * key type given to ck_request_builder_set_key_info(), if any (an RSA key
 * also gets keyEncipherment where the profile wants it). */
void              ck_request_builder_apply_profile  (CkRequestBuilder *self,
                                                     CkRequestProfile  profile);
CkRequestProfile  ck_request_builder_get_profile    (CkRequestBuilder *self);
/* Records which profile the request is for without touching its
 * extensions (a renewal asks for the old certificate's own). */
void              ck_request_builder_set_profile_name (CkRequestBuilder *self,
                                                       CkRequestProfile  profile);

/* The key the request will be for, so the checks can judge the key usage
 * and the size before the key exists. Building sets it from the key. */
void              ck_request_builder_set_key_info   (CkRequestBuilder     *self,
                                                     gnutls_pk_algorithm_t algo,
                                                     guint                 bits);

/* --- Subject: in encoding order, first attribute first (as `openssl req
 * -text` shows it; the RFC 4514 strings certtool prints are the reverse). */
/* @oid may be any dotted OID; values are UTF-8. */
void              ck_request_builder_add_attribute  (CkRequestBuilder *self,
                                                     const char       *oid,
                                                     const char       *value);
/* @name is a short name ("CN", "organizationIdentifier", "emailAddress",
 * "street"…) or a dotted OID. CK_ERROR_INVALID when unknown or empty. */
gboolean          ck_request_builder_add_attribute_by_name (CkRequestBuilder *self,
                                                            const char       *name,
                                                            const char       *value,
                                                            GError          **error);
/* "CN=api.acme.com, O=Acme, C=US": attributes in the order written, commas
 * inside a value escaped with a backslash. Appends to the subject. */
gboolean          ck_request_builder_add_subject_string (CkRequestBuilder *self,
                                                         const char       *subject,
                                                         GError          **error);
void              ck_request_builder_remove_attribute (CkRequestBuilder *self,
                                                       guint             index);
void              ck_request_builder_clear_subject  (CkRequestBuilder *self);
/* (transfer none) element-type CkDnAttribute */
GPtrArray        *ck_request_builder_get_subject    (CkRequestBuilder *self);
/* "CN=api.acme.com, O=Acme, C=US", in encoding order. */
char             *ck_request_builder_get_subject_string (CkRequestBuilder *self);

/* --- Subject alternative names, in order. */
void              ck_request_builder_add_san        (CkRequestBuilder    *self,
                                                     const CkGeneralName *name);
/* "DNS:…", "IP:…", "email:…", "URI:…", "UPN:…" */
gboolean          ck_request_builder_add_san_string (CkRequestBuilder *self,
                                                     const char       *text,
                                                     GError          **error);
/* An otherName with a DER value (certtool's other_name). */
void              ck_request_builder_add_othername  (CkRequestBuilder *self,
                                                     const char       *oid,
                                                     GBytes           *der);
void              ck_request_builder_remove_san     (CkRequestBuilder *self,
                                                     guint             index);
void              ck_request_builder_clear_sans     (CkRequestBuilder *self);
/* (transfer none) element-type CkGeneralName */
GPtrArray        *ck_request_builder_get_sans       (CkRequestBuilder *self);

/* --- Extensions. A key usage of 0 leaves the extension out. */
void              ck_request_builder_set_key_usage  (CkRequestBuilder *self,
                                                     guint             usage,
                                                     gboolean          critical);
guint             ck_request_builder_get_key_usage  (CkRequestBuilder *self,
                                                     gboolean         *critical);
/* An OID or a name: serverAuth, clientAuth, codeSigning, emailProtection,
 * timeStamping, OCSPSigning, anyExtendedKeyUsage, documentSigning (also
 * "server-auth" style). Duplicates are ignored. */
gboolean          ck_request_builder_add_extended_key_usage (CkRequestBuilder *self,
                                                             const char       *purpose,
                                                             GError          **error);
/* Replaces the list as given (duplicates kept, as certtool does). */
void              ck_request_builder_set_extended_key_usage (CkRequestBuilder   *self,
                                                             const char * const *oids,
                                                             gboolean            critical);
/* (transfer none) NULL-terminated; empty when absent. */
const char * const *ck_request_builder_get_extended_key_usage (CkRequestBuilder *self,
                                                               gboolean         *critical);
/* @path_len -1 for no limit. */
void              ck_request_builder_set_basic_constraints (CkRequestBuilder *self,
                                                            gboolean          present,
                                                            gboolean          is_ca,
                                                            int               path_len,
                                                            gboolean          critical);
gboolean          ck_request_builder_get_basic_constraints (CkRequestBuilder *self,
                                                            gboolean         *is_ca,
                                                            int              *path_len,
                                                            gboolean         *critical);
void              ck_request_builder_set_san_critical (CkRequestBuilder *self,
                                                       gboolean          critical);
/* RFC 7633 TLS features (5 is status_request, "OCSP must-staple"). */
void              ck_request_builder_add_tls_feature (CkRequestBuilder *self,
                                                      guint             feature);
/* (transfer none) element-type guint */
GArray           *ck_request_builder_get_tls_features (CkRequestBuilder *self);
/* Any other extension, DER value as given. */
void              ck_request_builder_add_extension  (CkRequestBuilder *self,
                                                     const char       *oid,
                                                     GBytes           *value,
                                                     gboolean          critical);
/* (transfer none) element-type CkExtension */
GPtrArray        *ck_request_builder_get_extensions (CkRequestBuilder *self);
/* Put the extended key usage before the key usage (certtool does when
 * codeSigning, timeStamping, emailProtection, ipsecIKE or OCSPSigning is
 * requested); FALSE by default. */
void              ck_request_builder_set_eku_first  (CkRequestBuilder *self,
                                                     gboolean          eku_first);

/* --- Attributes and signature. */
void              ck_request_builder_set_challenge_password (CkRequestBuilder *self,
                                                             const char       *password);
/* GNUTLS_DIG_SHA256, _SHA384 or _SHA512; GNUTLS_DIG_UNKNOWN (the default)
 * means the key's preferred hash, as certtool picks it. */
void              ck_request_builder_set_hash       (CkRequestBuilder        *self,
                                                     gnutls_digest_algorithm_t hash);
gnutls_digest_algorithm_t ck_request_builder_get_hash (CkRequestBuilder *self);
/* RSASSA-PSS signature with an RSA key (RSA-PSS keys always use it). */
void              ck_request_builder_set_pss        (CkRequestBuilder *self,
                                                     gboolean          pss);
gboolean          ck_request_builder_get_pss        (CkRequestBuilder *self);

/* --- Checks and building. */
/* element-type CkRequestFinding, errors first; empty when all is well. */
GPtrArray        *ck_request_builder_check          (CkRequestBuilder *self);

/* What the checks judge: a request, or the certificate made from the
 * builder's contents (CkCertificateBuilder), where RFC 5280 asks more: an
 * empty subject only with critical subject alternative names, a CA's
 * basic constraints critical and its key usage with keyCertSign. */
typedef enum {
  CK_CHECK_REQUEST,
  CK_CHECK_CERTIFICATE,
} CkCheckTarget;

GPtrArray        *ck_request_builder_check_for      (CkRequestBuilder *self,
                                                     CkCheckTarget     target);
gboolean          ck_request_findings_have_errors   (GPtrArray        *findings);
/* The errors, one per line, for a GError or a terminal. */
char             *ck_request_findings_describe      (GPtrArray        *findings,
                                                     CkFindingSeverity severity);

/* Signs the request with @key. Refused with CK_ERROR_INVALID (listing the
 * errors) when the checks find errors, unless @flags say otherwise. */
CkRequest        *ck_request_builder_build          (CkRequestBuilder *self,
                                                     CkPrivateKey     *key,
                                                     CkBuildFlags      flags,
                                                     GError          **error);
/* The extensions a certificate with these contents carries, encoded, in
 * the order a request has them (SANs, the extensions given by OID, basic
 * constraints, key usage and EKU, TLS features). element-type
 * CkExtension. */
GPtrArray        *ck_request_builder_encode_extensions (CkRequestBuilder *self,
                                                        GError          **error);
/* For the assistant: generates a key (cancellable, see ck_key_generate())
 * and then the request, in a worker thread, on a copy of @self. */
void              ck_request_builder_generate_async (CkRequestBuilder    *self,
                                                     const CkKeySpec     *spec,
                                                     CkBuildFlags         flags,
                                                     GCancellable        *cancellable,
                                                     GAsyncReadyCallback  callback,
                                                     gpointer             user_data);
/* *@key gets the new key (to store with ck_store_add_key()). */
CkRequest        *ck_request_builder_generate_finish (CkRequestBuilder  *self,
                                                      GAsyncResult      *result,
                                                      CkPrivateKey     **key,
                                                      GError           **error);

/* The OID of an extended key usage name, or NULL. */
const char       *ck_extended_key_usage_from_name   (const char *name);
/* "serverAuth" for the OIDs above, else NULL. */
const char       *ck_extended_key_usage_to_name     (const char *oid);
/* TRUE for an ISO 3166-1 alpha-2 code ("CH"), upper case. */
gboolean          ck_iso3166_is_valid_code          (const char *code);

G_END_DECLS
