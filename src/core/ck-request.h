/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "ck-dn-attribute.h"
#include "ck-general-name.h"
#include "ck-extension.h"

G_BEGIN_DECLS

#define CK_TYPE_REQUEST (ck_request_get_type ())
G_DECLARE_FINAL_TYPE (CkRequest, ck_request, CK, REQUEST, GObject)

/* A parsed PKCS#10 certificate signing request (immutable). */

CkRequest   *ck_request_new_from_der        (GBytes  *der,
                                             GError **error);
CkRequest   *ck_request_new_from_pem        (const char *pem,
                                             gssize      len,
                                             GError    **error);

gnutls_x509_crq_t ck_request_get_crq        (CkRequest *self);
GBytes      *ck_request_get_der             (CkRequest *self);
/* "-----BEGIN CERTIFICATE REQUEST-----" */
char        *ck_request_to_pem              (CkRequest *self);

const char  *ck_request_get_subject         (CkRequest *self);
GPtrArray   *ck_request_get_subject_attributes (CkRequest *self);
const char  *ck_request_get_display_name    (CkRequest *self);
const char  *ck_request_get_key_algorithm   (CkRequest *self);
guint        ck_request_get_key_bits        (CkRequest *self);
/* "SECP256R1" for EC (and GOST) keys, else NULL; as the key's and the
 * certificate's. */
const char  *ck_request_get_key_curve       (CkRequest *self);
const char  *ck_request_get_signature_algorithm (CkRequest *self);
/* SHA-256 of the DER: the request's identity in the store. */
const char  *ck_request_get_sha256_fingerprint (CkRequest *self);
const char  *ck_request_get_spki_sha256     (CkRequest *self);

/* Requested extensions. Same conventions as CkCertificate. */
GPtrArray   *ck_request_get_subject_alt_names   (CkRequest *self);
gboolean     ck_request_get_key_usage           (CkRequest *self,
                                                 guint     *usage,
                                                 gboolean  *critical);
const char * const *ck_request_get_extended_key_usage (CkRequest *self,
                                                       gboolean  *critical);
gboolean     ck_request_get_basic_constraints   (CkRequest *self,
                                                 gboolean  *is_ca,
                                                 int       *path_len,
                                                 gboolean  *critical);
GPtrArray   *ck_request_get_extensions          (CkRequest *self);

/* TRUE when the request carries a challenge password (PKCS#9); the value
 * itself is never handed out, so that nothing shows or logs it. */
gboolean     ck_request_has_challenge_password (CkRequest *self);

/* The self-signature checks out. */
gboolean     ck_request_verify_signature    (CkRequest *self,
                                             GError   **error);

G_END_DECLS
