/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Distinguished-name attributes. */
#define CK_OID_CN                     "2.5.4.3"
#define CK_OID_SURNAME                "2.5.4.4"
#define CK_OID_SERIAL_NUMBER          "2.5.4.5"
#define CK_OID_C                      "2.5.4.6"
#define CK_OID_L                      "2.5.4.7"
#define CK_OID_ST                     "2.5.4.8"
#define CK_OID_STREET                 "2.5.4.9"
#define CK_OID_O                      "2.5.4.10"
#define CK_OID_OU                     "2.5.4.11"
#define CK_OID_TITLE                  "2.5.4.12"
#define CK_OID_POSTAL_CODE            "2.5.4.17"
#define CK_OID_GIVEN_NAME             "2.5.4.42"
#define CK_OID_INITIALS               "2.5.4.43"
#define CK_OID_GENERATION_QUALIFIER   "2.5.4.44"
#define CK_OID_DN_QUALIFIER           "2.5.4.46"
#define CK_OID_PSEUDONYM              "2.5.4.65"
#define CK_OID_ORGANIZATION_IDENTIFIER "2.5.4.97"
#define CK_OID_DC                     "0.9.2342.19200300.100.1.25"
#define CK_OID_UID                    "0.9.2342.19200300.100.1.1"
#define CK_OID_EMAIL                  "1.2.840.113549.1.9.1"

/* Extended key usage purposes. */
#define CK_OID_EKU_SERVER_AUTH        "1.3.6.1.5.5.7.3.1"
#define CK_OID_EKU_CLIENT_AUTH        "1.3.6.1.5.5.7.3.2"
#define CK_OID_EKU_CODE_SIGNING       "1.3.6.1.5.5.7.3.3"
#define CK_OID_EKU_EMAIL_PROTECTION   "1.3.6.1.5.5.7.3.4"
#define CK_OID_EKU_TIME_STAMPING      "1.3.6.1.5.5.7.3.8"
#define CK_OID_EKU_OCSP_SIGNING       "1.3.6.1.5.5.7.3.9"
#define CK_OID_EKU_ANY                "2.5.29.37.0"

/* Extensions. */
#define CK_OID_EXT_SUBJECT_KEY_ID     "2.5.29.14"
#define CK_OID_EXT_KEY_USAGE          "2.5.29.15"
#define CK_OID_EXT_SUBJECT_ALT_NAME   "2.5.29.17"
#define CK_OID_EXT_ISSUER_ALT_NAME    "2.5.29.18"
#define CK_OID_EXT_BASIC_CONSTRAINTS  "2.5.29.19"
#define CK_OID_EXT_NAME_CONSTRAINTS   "2.5.29.30"
#define CK_OID_EXT_CRL_DIST_POINTS    "2.5.29.31"
#define CK_OID_EXT_CERT_POLICIES      "2.5.29.32"
#define CK_OID_EXT_AUTHORITY_KEY_ID   "2.5.29.35"
#define CK_OID_EXT_EXT_KEY_USAGE      "2.5.29.37"
#define CK_OID_EXT_AUTHORITY_INFO     "1.3.6.1.5.5.7.1.1"
#define CK_OID_EXT_TLS_FEATURE        "1.3.6.1.5.5.7.1.24"

/* Short name ("CN", "organizationIdentifier") of a DN attribute, or NULL. */
const char *ck_oid_get_short_name   (const char *oid);
/* Human name ("Common Name", "Organization Identifier") of a DN attribute,
 * extension or key purpose; NULL when the OID is not known. Translated. */
const char *ck_oid_get_display_name (const char *oid);
/* Reverse of ck_oid_get_short_name(), case-insensitive; also accepts the
 * long forms certtool and OpenSSL use ("emailAddress", "organizationName"). */
const char *ck_oid_from_short_name  (const char *name);

/* The name of a public-key algorithm by OID, for the ones GnuTLS cannot
 * use too ("ML-DSA-65", "SLH-DSA-SHA2-128s", "GOST R 34.10-2001"); else
 * GnuTLS's name; else @oid itself. */
const char *ck_oid_get_pk_algorithm_name (const char *oid);

gboolean    ck_oid_is_valid         (const char *oid);

G_END_DECLS
