/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <gnutls/gnutls.h>

#include "ck-request-builder.h"

G_BEGIN_DECLS

/* certtool templates (the --template files of certtool --generate-request),
 * read the way certtool 3.7.9 reads them, so that a request built from one
 * with the same RSA key is the DER certtool makes:
 *
 *  - the subject is `dn` first, then country, state, locality,
 *    organization (or `o`), unit (or `ou`), cn, uid, dc, dn_oid, each
 *    appended in that order; `dn` does not replace the others;
 *  - SANs: dns_name, uri, ip_address, email, other_name, other_name_octet,
 *    other_name_utf8, xmpp_name, krb5_principal, grouped in that order;
 *    at most 128 lines of each (64 for the OID-value keys), as certtool;
 *  - add_extension then add_critical_extension, as given;
 *  - basic constraints (critical) with `ca` and `path_len`; key usage
 *    (critical): digitalSignature, or for RSA keys `signing_key` →
 *    digitalSignature and `encryption_key` → keyEncipherment (neither
 *    gives digitalSignature); with `ca`, cert_signing_key → keyCertSign and
 *    crl_signing_key → cRLSign; non_repudiation, key_agreement and
 *    data_encipherment are certificate-only;
 *  - EKU (critical): code signing, time stamping, email protection, IPsec
 *    IKE, OCSP signing, then TLS client, TLS server, key_purpose_oid; it
 *    comes before the key usage when one of the first five is set;
 *  - tls_feature (not critical); challenge_password.
 *
 * Keys certtool does not know for requests (title, surname, given_name…,
 * which 3.7.9 skips as unknown options) give a warning and are skipped, as
 * certtool does; so do certificate-only keys silently, as certtool. */

/* @key_algo decides the key usage, as in certtool (GNUTLS_PK_RSA or
 * anything else). @name names the template in messages. */
CkRequestBuilder *ck_template_parse     (const char           *text,
                                         gssize                len,
                                         const char           *name,
                                         gnutls_pk_algorithm_t key_algo,
                                         GPtrArray           **warnings,
                                         GError              **error);
CkRequestBuilder *ck_template_load_file (const char           *path,
                                         gnutls_pk_algorithm_t key_algo,
                                         GPtrArray           **warnings,
                                         GError              **error);

/* What the template is read for: a request (as above), or a certificate
 * (as certtool --generate-certificate reads it: the usage keys differ,
 * see add_certificate_usage() in ck-template.c). */
typedef enum {
  CK_TEMPLATE_REQUEST,
  CK_TEMPLATE_CERTIFICATE,
} CkTemplateTarget;

CkRequestBuilder *ck_template_parse_for     (const char           *text,
                                             gssize                len,
                                             const char           *name,
                                             gnutls_pk_algorithm_t key_algo,
                                             CkTemplateTarget      target,
                                             GPtrArray           **warnings,
                                             GError              **error);
CkRequestBuilder *ck_template_load_file_for (const char           *path,
                                             gnutls_pk_algorithm_t key_algo,
                                             CkTemplateTarget      target,
                                             GPtrArray           **warnings,
                                             GError              **error);

/* A certtool template for the builder's request. What certtool cannot
 * express for a request (key usage bits other than those above, critical
 * flags other than its own, TLS features it would add anyway…) is said in
 * a comment in the template and in @warnings (nullable). */
char             *ck_template_from_builder (CkRequestBuilder *builder,
                                            GPtrArray       **warnings);

G_END_DECLS
