/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "ck-dn-attribute.h"
#include "ck-general-name.h"
#include "ck-extension.h"

G_BEGIN_DECLS

#define CK_TYPE_CERTIFICATE (ck_certificate_get_type ())
G_DECLARE_FINAL_TYPE (CkCertificate, ck_certificate, CK, CERTIFICATE, GObject)

/* An immutable, parsed X.509 certificate. What a store summary row needs
 * (subject/issuer strings and display names, serial, dates, fingerprints,
 * SPKI hash, basic constraints, SANs) is computed at construction; the rest
 * (attribute lists, extensions, KU/EKU, key ids, key details, self-signed)
 * is computed once, on first use, and cached (thread-safe). Getters never
 * fail. */

CkCertificate *ck_certificate_new_from_der   (GBytes  *der,
                                              GError **error);
/* The same, but the parsed GnuTLS form (~27 KiB) is dropped once the
 * summary values are read and re-read from the DER when something needs
 * it: for the many certificates of an import plan. */
CkCertificate *ck_certificate_new_from_der_light (GBytes  *der,
                                                  GError **error);
/* The first CERTIFICATE block of @pem. */
CkCertificate *ck_certificate_new_from_pem   (const char *pem,
                                              gssize      len,
                                              GError    **error);

gnutls_x509_crt_t ck_certificate_get_crt     (CkCertificate *self);
GBytes        *ck_certificate_get_der        (CkCertificate *self);
char          *ck_certificate_to_pem         (CkCertificate *self);

/* RFC 4514 strings, exactly as `certtool -i` prints them. */
const char    *ck_certificate_get_subject    (CkCertificate *self);
const char    *ck_certificate_get_issuer     (CkCertificate *self);
/* element-type CkDnAttribute, in encoding order */
GPtrArray     *ck_certificate_get_subject_attributes (CkCertificate *self);
GPtrArray     *ck_certificate_get_issuer_attributes  (CkCertificate *self);
/* What a person calls it: the CN, else O/OU, else an email or SAN, else the
 * whole subject. */
const char    *ck_certificate_get_display_name        (CkCertificate *self);
const char    *ck_certificate_get_issuer_display_name (CkCertificate *self);

/* Lower-case hex without separators, as certtool's "Serial Number (hex)". */
const char    *ck_certificate_get_serial     (CkCertificate *self);
guint          ck_certificate_get_version    (CkCertificate *self);
/* Seconds since the epoch, UTC. */
gint64         ck_certificate_get_not_before (CkCertificate *self);
gint64         ck_certificate_get_not_after  (CkCertificate *self);

/* gnutls_sign_get_name(): "RSA-SHA256" */
const char    *ck_certificate_get_signature_algorithm (CkCertificate *self);
gnutls_sign_algorithm_t ck_certificate_get_signature_algorithm_id (CkCertificate *self);
/* "RSA", "RSA-PSS", "ECDSA", "Ed25519", "Ed448", "DSA", … */
const char    *ck_certificate_get_key_algorithm (CkCertificate *self);
gnutls_pk_algorithm_t ck_certificate_get_key_algorithm_id (CkCertificate *self);
/* The key algorithm's OID ("1.2.840.10045.2.1"); NULL if GnuTLS knows the
 * algorithm but not its OID. */
const char    *ck_certificate_get_key_algorithm_oid (CkCertificate *self);
/* FALSE for a key whose algorithm this GnuTLS cannot use (ML-DSA, SLH-DSA,
 * any unknown OID): the certificate is kept and shown, its algorithm
 * named from the OID (ck_certificate_get_key_algorithm() gives "ML-DSA-65"
 * or the OID), get_key_algorithm_id() is GNUTLS_PK_UNKNOWN, and nothing it
 * signed can be verified. */
gboolean       ck_certificate_get_key_supported (CkCertificate *self);
/* "key algorithm not supported: cannot be verified" (translated) for such
 * a key, else NULL. */
const char    *ck_certificate_get_key_problem (CkCertificate *self);
guint          ck_certificate_get_key_bits   (CkCertificate *self);
/* "SECP256R1" for EC keys, else NULL */
const char    *ck_certificate_get_key_curve  (CkCertificate *self);
/* SubjectPublicKeyInfo, DER */
GBytes        *ck_certificate_get_spki       (CkCertificate *self);

/* Lower-case hex, no separators. */
const char    *ck_certificate_get_sha1_fingerprint   (CkCertificate *self);
const char    *ck_certificate_get_sha256_fingerprint (CkCertificate *self);
/* SHA-256 of the SubjectPublicKeyInfo: links keys, certificates and
 * requests (certtool's "Public Key ID: sha256:…"). */
const char    *ck_certificate_get_spki_sha256        (CkCertificate *self);

/* FALSE when the extension is absent. @path_len is -1 for "no limit". */
gboolean       ck_certificate_get_basic_constraints (CkCertificate *self,
                                                     gboolean      *is_ca,
                                                     int           *path_len,
                                                     gboolean      *critical);
gboolean       ck_certificate_is_ca          (CkCertificate *self);
/* Subject equals issuer and the signature verifies with its own key. */
gboolean       ck_certificate_is_self_signed (CkCertificate *self);

/* FALSE when absent; @usage gets GNUTLS_KEY_* bits. */
gboolean       ck_certificate_get_key_usage  (CkCertificate *self,
                                              guint         *usage,
                                              gboolean      *critical);
/* OIDs; NULL when the extension is absent. */
const char * const *ck_certificate_get_extended_key_usage (CkCertificate *self,
                                                           gboolean      *critical);
/* element-type CkGeneralName; empty when absent */
GPtrArray     *ck_certificate_get_subject_alt_names (CkCertificate *self);
/* Lower-case hex, or NULL when absent. */
const char    *ck_certificate_get_subject_key_id    (CkCertificate *self);
const char    *ck_certificate_get_authority_key_id  (CkCertificate *self);
/* element-type CkExtension: all of them, in certificate order */
GPtrArray     *ck_certificate_get_extensions        (CkCertificate *self);

/* TRUE when @other has the same DER. */
gboolean       ck_certificate_equal          (CkCertificate *self,
                                              CkCertificate *other);
/* TRUE when @issuer's subject matches our issuer and its key verifies our
 * signature. */
gboolean       ck_certificate_is_issued_by   (CkCertificate *self,
                                              CkCertificate *issuer);

G_END_DECLS
