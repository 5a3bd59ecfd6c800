/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <gnutls/gnutls.h>

#include "ck-certificate.h"
#include "ck-private-key.h"
#include "ck-store.h"

G_BEGIN_DECLS

/* RFC 5280 CRLReason (5.3.1); 7 is unused and removeFromCRL (8) is only
 * for delta CRLs, so neither can be chosen. */
typedef enum {
  CK_REVOCATION_UNSPECIFIED = 0,
  CK_REVOCATION_KEY_COMPROMISE = 1,
  CK_REVOCATION_CA_COMPROMISE = 2,
  CK_REVOCATION_AFFILIATION_CHANGED = 3,
  CK_REVOCATION_SUPERSEDED = 4,
  CK_REVOCATION_CESSATION_OF_OPERATION = 5,
  CK_REVOCATION_CERTIFICATE_HOLD = 6,
  CK_REVOCATION_PRIVILEGE_WITHDRAWN = 9,
  CK_REVOCATION_AA_COMPROMISE = 10,
} CkRevocationReason;

/* "unspecified", "key-compromise", "ca-compromise", "affiliation-changed",
 * "superseded", "cessation-of-operation", "certificate-hold",
 * "privilege-withdrawn", "aa-compromise"; also the RFC names
 * ("keyCompromise"), case-insensitive. */
const char *ck_revocation_reason_to_string   (CkRevocationReason  reason);
gboolean    ck_revocation_reason_from_string (const char         *name,
                                              CkRevocationReason *reason);

/* One revoked certificate of a CA, as its CRL lists it. */
typedef struct {
  char              *serial;             /* lower-case hex of the DER integer's octets */
  char              *certificate_sha256; /* the certificate's fingerprint */
  CkRevocationReason reason;
  gint64             revoked_at;
} CkRevocation;

void          ck_revocation_free (CkRevocation *revocation);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CkRevocation, ck_revocation_free)

#define CK_TYPE_CA (ck_ca_get_type ())
G_DECLARE_FINAL_TYPE (CkCa, ck_ca, CK, CA, GObject)

/* The store's certificate authorities: which stored certificate issued
 * which (recorded when Certkeeper signs), revocations and CRL numbers.
 * Kept in store.db as the "ca" module (its own tables and migrations,
 * like trust). A CA certificate made or used here is trusted for nothing
 * until the user says so with the trust module. */

/* Brings the module's tables up to date. */
CkCa         *ck_ca_new                (CkStore        *store,
                                        GError        **error);

/* Stores @certificate (made by CkCertificateBuilder) as one imported
 * would be, so a pending request for its key becomes issued, and records
 * that @issuer_id issued it (0 for a self-signed one). *@id gets the new
 * id, *@requests_issued (nullable) how many requests it fulfilled.
 * CK_ERROR_EXISTS when the store holds another certificate of the same
 * issuer with the same serial (a serial chosen by hand, used twice). */
gboolean      ck_ca_add_issued         (CkCa           *self,
                                        CkCertificate  *certificate,
                                        gint64          issuer_id,
                                        gint64         *id,
                                        guint          *requests_issued,
                                        GError        **error);

/* The stored CA that issued certificate @id: the recorded issuer, else a
 * stored CA certificate whose key signed it. 0 when none. */
gint64        ck_ca_find_issuer        (CkCa           *self,
                                        gint64          id,
                                        GError        **error);

/* Revokes certificate @id, issued by a stored CA, for @reason at
 * @revoked_at (0: now). CK_ERROR_NOT_FOUND when no stored CA issued it,
 * CK_ERROR_EXISTS when it is revoked already. *@issuer_id (nullable)
 * gets the CA. */
gboolean      ck_ca_revoke             (CkCa              *self,
                                        gint64             id,
                                        CkRevocationReason reason,
                                        gint64             revoked_at,
                                        gint64            *issuer_id,
                                        GError           **error);

/* Revokes by serial certificates of CA @ca_id that the store does not hold
 * (issued before the CA came here, or deleted), all in one transaction:
 * all or none. Each CkRevocation needs serial (lower-case hex of the DER
 * integer's octets), reason and revoked_at (0: now); certificate_sha256
 * may be NULL. */
gboolean      ck_ca_revoke_serials     (CkCa           *self,
                                        gint64          ca_id,
                                        GPtrArray      *revocations,
                                        GError        **error);

/* The revocations of CA @ca_id, oldest first. element-type CkRevocation */
GPtrArray    *ck_ca_list_revocations   (CkCa           *self,
                                        gint64          ca_id,
                                        GError        **error);

/* Whether CA @ca_id revoked the certificate with @serial (hex of the DER
 * integer's octets, either case): *@revocation gets the revocation, NULL
 * when it is not revoked. One indexed lookup, for showing one
 * certificate. FALSE only on an error. */
gboolean      ck_ca_lookup_revocation  (CkCa           *self,
                                        gint64          ca_id,
                                        const char     *serial,
                                        CkRevocation  **revocation,
                                        GError        **error);

/* A new CRL (v2, DER) for CA @ca_id, signed with @ca_key: every
 * revocation with its reason, thisUpdate now, nextUpdate @next_update
 * seconds later, the CA's key identifier, and a CRL number one higher
 * than the last one made here (*@number, nullable, gets it). */
GBytes       *ck_ca_make_crl           (CkCa                     *self,
                                        gint64                    ca_id,
                                        CkPrivateKey             *ca_key,
                                        gint64                    next_update,
                                        gnutls_digest_algorithm_t hash,
                                        guint64                  *number,
                                        GError                  **error);

/* "-----BEGIN X509 CRL-----" armour around @der. */
char         *ck_crl_to_pem            (GBytes                   *der);

G_END_DECLS
