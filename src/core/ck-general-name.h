/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>
#include <gnutls/gnutls.h>

G_BEGIN_DECLS

#define CK_TYPE_GENERAL_NAME (ck_general_name_get_type ())

typedef enum {
  CK_GENERAL_NAME_DNS,
  CK_GENERAL_NAME_IP,
  CK_GENERAL_NAME_EMAIL,
  CK_GENERAL_NAME_URI,
  CK_GENERAL_NAME_DN,
  CK_GENERAL_NAME_UPN,          /* otherName 1.3.6.1.4.1.311.20.2.3 */
  CK_GENERAL_NAME_OTHER,        /* any other otherName: value is hex of the DER */
  CK_GENERAL_NAME_REGISTERED_ID,
} CkGeneralNameKind;

/* A subjectAltName entry (or any GeneralName). */
typedef struct {
  CkGeneralNameKind kind;
  char *value;      /* "www.example.com", "192.0.2.1", "2001:db8::1", … */
  char *other_oid;  /* for CK_GENERAL_NAME_OTHER and _UPN, else NULL */
} CkGeneralName;

GType          ck_general_name_get_type   (void) G_GNUC_CONST;
CkGeneralName *ck_general_name_new        (CkGeneralNameKind kind,
                                           const char       *value,
                                           const char       *other_oid);
CkGeneralName *ck_general_name_copy       (const CkGeneralName *name);
void           ck_general_name_free       (CkGeneralName *name);

/* "DNS", "IP", "email", "URI", "DN", "UPN", "otherName", "RID": the prefix
 * used on command lines and in the list view ("DNS:www.example.com"). */
const char    *ck_general_name_kind_to_string   (CkGeneralNameKind kind);
/* "DNS name", "IP address", "User principal name"…, translated: a row
 * title for people. */
const char    *ck_general_name_kind_get_display_name (CkGeneralNameKind kind);
gboolean       ck_general_name_kind_from_string (const char        *str,
                                                 CkGeneralNameKind *kind);
/* "DNS:www.example.com" */
char          *ck_general_name_to_string  (const CkGeneralName *name);
/* Parses "DNS:…", "IP:…", "email:…", "URI:…", "UPN:…"; NULL with @error on
 * anything malformed (a bad IP address, an empty value). */
CkGeneralName *ck_general_name_parse      (const char *text,
                                           GError    **error);

/* Decodes the value of a subjectAltName (or issuerAltName) extension, as
 * gnutls_x509_crt_get_extension_by_oid2() or the CSR equivalent return it:
 * element-type CkGeneralName, in encoding order. */
GPtrArray     *ck_general_names_from_der  (const gnutls_datum_t *der,
                                           GError              **error);

/* One name as GnuTLS's getters give it (@type a GNUTLS_SAN_*, @othername_oid
 * for GNUTLS_SAN_OTHERNAME, else may be NULL); NULL for a type it does not
 * know. Text is made valid UTF-8; an embedded NUL gives "#hex". */
CkGeneralName *ck_general_name_new_from_gnutls (unsigned int          type,
                                                const gnutls_datum_t *san,
                                                const gnutls_datum_t *othername_oid);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CkGeneralName, ck_general_name_free)

G_END_DECLS
