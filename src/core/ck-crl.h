/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <gnutls/x509.h>

#include "ck-certificate.h"

G_BEGIN_DECLS

/* One revoked certificate as a CRL lists it. @reason is -1 when the entry
 * has no reasonCode (RFC 5280 5.3.1: then it is unspecified). */
typedef struct {
  char   *serial;       /* lower-case hex of the DER integer's octets */
  gint64  revoked_at;
  int     reason;
} CkCrlEntry;

void ck_crl_entry_free (CkCrlEntry *entry);

#define CK_TYPE_CRL (ck_crl_get_type ())
G_DECLARE_FINAL_TYPE (CkCrl, ck_crl, CK, CRL, GObject)

/* A certificate revocation list (RFC 5280, 5), parsed by GnuTLS; the
 * entries' reason codes (which GnuTLS 3.7 does not give) are read from the
 * DER GnuTLS has accepted. Immutable. */

/* CK_ERROR_PARSE when @der is not a CRL. */
CkCrl        *ck_crl_new_from_der         (GBytes        *der,
                                           GError       **error);

GBytes       *ck_crl_get_der              (CkCrl         *self);
gnutls_x509_crl_t ck_crl_get_crl          (CkCrl         *self);
const char   *ck_crl_get_sha256           (CkCrl         *self);
/* The issuer's distinguished name, as ck_certificate_get_issuer() writes
 * one (RFC 4514). */
const char   *ck_crl_get_issuer           (CkCrl         *self);
/* "CRL of Example CA" (the issuer's common name, else its DN). */
const char   *ck_crl_get_display_name     (CkCrl         *self);
/* Hex, NULL when the CRL has no authority key identifier. */
const char   *ck_crl_get_authority_key_id (CkCrl         *self);
gint64        ck_crl_get_this_update      (CkCrl         *self);
/* 0 when the CRL names no next update. */
gint64        ck_crl_get_next_update      (CkCrl         *self);
/* The CRL number, lower-case hex of its octets without leading zeros
 * ("0" for zero); NULL when the CRL has none. */
const char   *ck_crl_get_number           (CkCrl         *self);
/* @hex (a serial's octets) without the zero octets a lax encoder put in
 * front of it beyond the one DER needs: how entries and certificates are
 * matched. */
char         *ck_crl_normalize_serial     (const char    *hex);
/* element-type CkCrlEntry, in the CRL's order. */
GPtrArray    *ck_crl_get_entries          (CkCrl         *self);
/* The entry for @serial (hex as above), NULL when it is not listed. */
const CkCrlEntry *ck_crl_find_entry       (CkCrl         *self,
                                           const char    *serial);

/* Whether @issuer issued this CRL: its name is the CRL's issuer and its
 * key verifies the CRL's signature (with the key usage, algorithm and
 * constraint checks GnuTLS makes; not the CRL's dates). FALSE with
 * CK_ERROR_MISMATCH (another issuer's name) or CK_ERROR_INVALID (a
 * signature that does not verify, saying why). */
gboolean      ck_crl_verify               (CkCrl         *self,
                                           CkCertificate *issuer,
                                           GError       **error);

/* > 0 when @self is newer than @other (a higher CRL number, else a later
 * thisUpdate), 0 when neither is. */
int           ck_crl_compare_age          (CkCrl         *self,
                                           CkCrl         *other);
/* The same for stored figures: numbers as ck_crl_get_number() gives them
 * (NULL for none). */
int           ck_crl_compare_figures      (const char    *number_a,
                                           gint64         this_update_a,
                                           const char    *number_b,
                                           gint64         this_update_b);

/* The HTTP(S) CRL distribution point URLs of @cert, in its order
 * (others, LDAP for instance, are left out). */
GStrv         ck_crl_urls_of_certificate  (CkCertificate *cert);
/* The authority information access URLs of @cert for @method_oid
 * (GNUTLS_OID_AD_OCSP or GNUTLS_OID_AD_CAISSUERS). */
GStrv         ck_aia_urls_of_certificate  (CkCertificate *cert,
                                           const char    *method_oid);

G_END_DECLS
