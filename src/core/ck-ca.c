/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ck-ca.h"

#include <glib/gi18n-lib.h>
#include <gnutls/abstract.h>
#include <gnutls/x509.h>
#include <string.h>

#include "ck-der-private.h"
#include "ck-ca-private.h"
#include "ck-error.h"
#include "ck-store-private.h"
#include "ck-utils.h"

struct _CkCa
{
  GObject parent_instance;

  CkStore *store;
};

G_DEFINE_FINAL_TYPE (CkCa, ck_ca, G_TYPE_OBJECT)

/* Version 1 of the "ca" module. ca_issued links a certificate signed here
 * to the stored CA certificate that signed it (both ids, gone with either).
 * Revocations and CRL numbers are keyed by the CA certificate's
 * fingerprint and the revoked serial, not by ids: a revoked certificate
 * deleted from the store stays on its CA's CRL, and a CA deleted and put
 * back (Undo) keeps its revocations and CRL numbering. */
static const char ca_schema_v1[] =
  "CREATE TABLE ca_issued ("
  "  certificate_id INTEGER PRIMARY KEY REFERENCES certificates (id) ON DELETE CASCADE,"
  "  issuer_id INTEGER NOT NULL REFERENCES certificates (id) ON DELETE CASCADE,"
  "  issued_at INTEGER NOT NULL"
  ");"
  "CREATE INDEX ca_issued_issuer_id ON ca_issued (issuer_id);"
  "CREATE TABLE ca_revocations ("
  "  issuer_sha256 TEXT NOT NULL,"
  "  serial TEXT NOT NULL,"
  /* NULL when revoked by serial alone (ck_ca_revoke_serials()). */
  "  certificate_sha256 TEXT,"
  "  reason INTEGER NOT NULL CHECK (reason BETWEEN 0 AND 10 AND reason NOT IN (7, 8)),"
  "  revoked_at INTEGER NOT NULL,"
  "  recorded_at INTEGER NOT NULL,"
  "  PRIMARY KEY (issuer_sha256, serial)"
  ");"
  "CREATE TABLE ca_crls ("
  "  issuer_sha256 TEXT PRIMARY KEY,"
  "  last_number INTEGER NOT NULL,"
  "  last_this_update INTEGER NOT NULL"
  ");";

static const CkStoreMigration ca_migrations[] = {
  { 1, ca_schema_v1, NULL },
  /* Append new versions here; never edit a released one. */
  { 0, NULL, NULL },
};

static const struct {
  CkRevocationReason reason;
  const char *name;
  const char *rfc_name;
} reasons[] = {
  { CK_REVOCATION_UNSPECIFIED, "unspecified", "unspecified" },
  { CK_REVOCATION_KEY_COMPROMISE, "key-compromise", "keyCompromise" },
  { CK_REVOCATION_CA_COMPROMISE, "ca-compromise", "cACompromise" },
  { CK_REVOCATION_AFFILIATION_CHANGED, "affiliation-changed", "affiliationChanged" },
  { CK_REVOCATION_SUPERSEDED, "superseded", "superseded" },
  { CK_REVOCATION_CESSATION_OF_OPERATION, "cessation-of-operation", "cessationOfOperation" },
  { CK_REVOCATION_CERTIFICATE_HOLD, "certificate-hold", "certificateHold" },
  { CK_REVOCATION_PRIVILEGE_WITHDRAWN, "privilege-withdrawn", "privilegeWithdrawn" },
  { CK_REVOCATION_AA_COMPROMISE, "aa-compromise", "aACompromise" },
};

const char *
ck_revocation_reason_to_string (CkRevocationReason reason)
{
  for (gsize i = 0; i < G_N_ELEMENTS (reasons); i++)
    if (reasons[i].reason == reason)
      return reasons[i].name;
  return NULL;
}

gboolean
ck_revocation_reason_from_string (const char         *name,
                                  CkRevocationReason *reason)
{
  for (gsize i = 0; name != NULL && i < G_N_ELEMENTS (reasons); i++)
    if (g_ascii_strcasecmp (name, reasons[i].name) == 0 ||
        g_ascii_strcasecmp (name, reasons[i].rfc_name) == 0)
      {
        *reason = reasons[i].reason;
        return TRUE;
      }
  return FALSE;
}

void
ck_revocation_free (CkRevocation *revocation)
{
  if (revocation == NULL)
    return;
  g_free (revocation->serial);
  g_free (revocation->certificate_sha256);
  g_free (revocation);
}

static void
ck_ca_finalize (GObject *object)
{
  CkCa *self = CK_CA (object);

  g_clear_object (&self->store);
  G_OBJECT_CLASS (ck_ca_parent_class)->finalize (object);
}

static void
ck_ca_class_init (CkCaClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ck_ca_finalize;
}

static void
ck_ca_init (CkCa *self)
{
}

CkCa *
ck_ca_new (CkStore  *store,
           GError  **error)
{
  CkCa *self;

  g_return_val_if_fail (CK_IS_STORE (store), NULL);

  if (!ck_store_migrate_module (store, "ca", ca_migrations, error))
    return NULL;
  self = g_object_new (CK_TYPE_CA, NULL);
  self->store = g_object_ref (store);
  return self;
}

CkCa *
ck_ca_new_deferred (CkStore *store)
{
  CkCa *self;

  g_return_val_if_fail (CK_IS_STORE (store), NULL);

  self = g_object_new (CK_TYPE_CA, NULL);
  self->store = g_object_ref (store);
  return self;
}

static gint64
now (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* The serial's DER integer octets, lower-case hex. */
static char *
serial_hex (CkCertificate *cert)
{
  guint8 buf[64];
  size_t size = sizeof buf;
  GString *out;

  if (gnutls_x509_crt_get_serial (ck_certificate_get_crt (cert), buf, &size) < 0)
    return NULL;
  out = g_string_sized_new (size * 2);
  for (size_t i = 0; i < size; i++)
    g_string_append_printf (out, "%02x", buf[i]);
  return g_string_free (out, FALSE);
}

/* --- Issued certificates ----------------------------------------------- */

typedef struct {
  CkCertificate *certificate;
  gint64         issuer_id;
  gint64         certificate_id;  /* set by the store before the hook runs */
  CkCaIssue     *issue;
} Link;

/* Inside the store's transaction, once the certificate is written: its
 * serial unused by its CA, the link to the CA, then the output. */
static gboolean
link_issued (CkStore  *store,
             sqlite3  *db,
             gpointer  user_data,
             GError  **error)
{
  Link *link = user_data;
  sqlite3_stmt *stmt = NULL;
  gint64 other = 0;
  int rc;

  if (!ck_store_migrate_module_in_transaction (store, "ca", ca_migrations, error))
    return FALSE;
  if (link->issuer_id > 0)
    {
      /* RFC 5280 4.1.2.2: a CA gives each certificate its own serial.
       * Only a serial chosen by hand can collide. */
      if (sqlite3_prepare_v2 (db, "SELECT id FROM certificates WHERE issuer = ? AND serial = ? "
                              "AND id != ?", -1, &stmt, NULL) != SQLITE_OK)
        return ck_store_set_sqlite_error (error, db, _("reading the serials"));
      sqlite3_bind_text (stmt, 1, ck_certificate_get_issuer (link->certificate), -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, ck_certificate_get_serial (link->certificate), -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 3, link->certificate_id);
      rc = sqlite3_step (stmt);
      if (rc == SQLITE_ROW)
        other = sqlite3_column_int64 (stmt, 0);
      sqlite3_finalize (stmt);
      if (rc != SQLITE_ROW && rc != SQLITE_DONE)
        return ck_store_set_sqlite_error (error, db, _("reading the serials"));
      if (other > 0)
        {
          g_set_error (error, CK_ERROR, CK_ERROR_EXISTS,
                       _("The CA already issued certificate %lld with serial %s: "
                         "a CA must not use a serial twice (RFC 5280, 4.1.2.2)"),
                       (long long) other, ck_certificate_get_serial (link->certificate));
          return FALSE;
        }

      if (sqlite3_prepare_v2 (db,
                              "INSERT OR REPLACE INTO ca_issued (certificate_id, issuer_id, issued_at) "
                              "VALUES (?, ?, ?)", -1, &stmt, NULL) != SQLITE_OK)
        return ck_store_set_sqlite_error (error, db, _("recording the issuer"));
      sqlite3_bind_int64 (stmt, 1, link->certificate_id);
      sqlite3_bind_int64 (stmt, 2, link->issuer_id);
      sqlite3_bind_int64 (stmt, 3, now ());
      rc = sqlite3_step (stmt);
      sqlite3_finalize (stmt);
      if (rc != SQLITE_DONE)
        return ck_store_set_sqlite_error (error, db, _("recording the issuer"));
    }
  if (link->issue->output != NULL &&
      !link->issue->output (ck_certificate_get_der (link->certificate), link->issue->output_data,
                            error))
    return FALSE;
  return TRUE;
}

gboolean
ck_ca_add_issued_full (CkCa          *self,
                       CkCertificate *certificate,
                       gint64         issuer_id,
                       CkCaIssue     *issue,
                       GError       **error)
{
  Link link = { certificate, issuer_id, 0, issue };

  g_return_val_if_fail (CK_IS_CA (self), FALSE);
  g_return_val_if_fail (CK_IS_CERTIFICATE (certificate), FALSE);
  g_return_val_if_fail (issue != NULL, FALSE);

  if (issuer_id > 0 && ck_store_get_kind (self->store, issuer_id) != CK_OBJECT_CERTIFICATE)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_NOT_FOUND,
                   _("The issuer %lld is not a certificate in the store"),
                   (long long) issuer_id);
      return FALSE;
    }
  /* The import path's columns, and pending requests for this key become
   * issued, as when the CA's answer is imported; the link and the output
   * in the same transaction: all or nothing. */
  if (!ck_store_add_certificate_with_key (self->store, issue->key, issue->label, issue->passphrase,
                                          issue->flags, certificate, link_issued, &link,
                                          &issue->key_id, &issue->key_added, &link.certificate_id,
                                          issue->issued_requests, error))
    return FALSE;
  issue->id = link.certificate_id;
  return TRUE;
}

gboolean
ck_ca_add_issued (CkCa          *self,
                  CkCertificate *certificate,
                  gint64         issuer_id,
                  gint64        *id,
                  guint         *requests_issued,
                  GError       **error)
{
  g_autoptr (GArray) issued = g_array_new (FALSE, FALSE, sizeof (gint64));
  CkCaIssue issue = { .issued_requests = issued };

  if (!ck_ca_add_issued_full (self, certificate, issuer_id, &issue, error))
    return FALSE;
  if (id != NULL)
    *id = issue.id;
  if (requests_issued != NULL)
    *requests_issued = issued->len;
  return TRUE;
}

static gint64
recorded_issuer (CkCa   *self,
                 gint64  id)
{
  sqlite3 *db;
  sqlite3_stmt *stmt = NULL;
  gint64 issuer = 0;

  ck_store_lock (self->store);
  db = ck_store_get_db (self->store);
  if (sqlite3_prepare_v2 (db, "SELECT issuer_id FROM ca_issued WHERE certificate_id = ?",
                          -1, &stmt, NULL) == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, id);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        issuer = sqlite3_column_int64 (stmt, 0);
    }
  sqlite3_finalize (stmt);
  ck_store_unlock (self->store);
  return issuer;
}

gint64
ck_ca_find_issuer (CkCa    *self,
                   gint64   id,
                   GError **error)
{
  g_autoptr (CkCertificate) cert = NULL;
  GListModel *model;
  gint64 issuer;
  guint n;

  g_return_val_if_fail (CK_IS_CA (self), 0);

  issuer = recorded_issuer (self, id);
  if (issuer > 0)
    return issuer;

  cert = ck_store_load_certificate (self->store, id, error);
  if (cert == NULL)
    return 0;
  if (ck_certificate_is_self_signed (cert))
    return 0;

  /* Signed elsewhere (certtool, another tool) by a CA kept here. */
  model = ck_store_get_certificates (self->store);
  n = g_list_model_get_n_items (model);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (CkStoredCertificate) row = g_list_model_get_item (model, i);
      g_autoptr (CkCertificate) candidate = NULL;

      if (!ck_stored_certificate_get_is_ca (row) ||
          g_strcmp0 (ck_stored_certificate_get_subject (row), ck_certificate_get_issuer (cert)) != 0)
        continue;
      candidate = ck_store_load_certificate (self->store, ck_stored_certificate_get_id (row), NULL);
      if (candidate != NULL && ck_certificate_is_issued_by (cert, candidate))
        return ck_stored_certificate_get_id (row);
    }
  return 0;
}

/* --- Revocation -------------------------------------------------------- */

typedef struct {
  const char *issuer_sha256;
  const char *serial;
  const char *certificate_sha256;
  CkRevocationReason reason;
  gint64 revoked_at;
} Revoke;

static gboolean
insert_revocation (CkStore  *store,
                   sqlite3  *db,
                   gpointer  user_data,
                   GError  **error)
{
  Revoke *r = user_data;
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db,
                          "INSERT INTO ca_revocations (issuer_sha256, serial, certificate_sha256, "
                          "reason, revoked_at, recorded_at) VALUES (?, ?, ?, ?, ?, ?)",
                          -1, &stmt, NULL) != SQLITE_OK)
    return ck_store_set_sqlite_error (error, db, _("recording the revocation"));
  sqlite3_bind_text (stmt, 1, r->issuer_sha256, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, r->serial, -1, SQLITE_STATIC);
  if (r->certificate_sha256 != NULL)
    sqlite3_bind_text (stmt, 3, r->certificate_sha256, -1, SQLITE_STATIC);
  else
    sqlite3_bind_null (stmt, 3);
  sqlite3_bind_int (stmt, 4, r->reason);
  sqlite3_bind_int64 (stmt, 5, r->revoked_at);
  sqlite3_bind_int64 (stmt, 6, now ());
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if ((rc & 0xff) == SQLITE_CONSTRAINT)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_EXISTS,
                   _("The certificate with serial %s is revoked already"), r->serial);
      return FALSE;
    }
  if (rc != SQLITE_DONE)
    return ck_store_set_sqlite_error (error, db, _("recording the revocation"));
  return TRUE;
}

gboolean
ck_ca_revoke (CkCa              *self,
              gint64             id,
              CkRevocationReason reason,
              gint64             revoked_at,
              gint64            *issuer_id,
              GError           **error)
{
  g_autoptr (CkCertificate) cert = NULL;
  g_autoptr (CkCertificate) ca = NULL;
  g_autofree char *serial = NULL;
  Revoke r;
  gint64 ca_id;

  g_return_val_if_fail (CK_IS_CA (self), FALSE);

  if (ck_revocation_reason_to_string (reason) == NULL)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_INVALID, _("%d is not a revocation reason"), reason);
      return FALSE;
    }
  cert = ck_store_load_certificate (self->store, id, error);
  if (cert == NULL)
    return FALSE;
  ca_id = ck_ca_find_issuer (self, id, error);
  if (ca_id <= 0)
    {
      if (error != NULL && *error == NULL)
        g_set_error (error, CK_ERROR, CK_ERROR_NOT_FOUND,
                     _("No CA in the store issued certificate %lld (%s): only "
                       "its issuer can revoke it"),
                     (long long) id, ck_certificate_get_display_name (cert));
      return FALSE;
    }
  ca = ck_store_load_certificate (self->store, ca_id, error);
  if (ca == NULL)
    return FALSE;
  serial = serial_hex (cert);
  if (serial == NULL)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_INVALID, _("The certificate has no readable serial"));
      return FALSE;
    }
  r.issuer_sha256 = ck_certificate_get_sha256_fingerprint (ca);
  r.serial = serial;
  r.certificate_sha256 = ck_certificate_get_sha256_fingerprint (cert);
  r.reason = reason;
  r.revoked_at = revoked_at != 0 ? revoked_at : now ();
  if (!ck_store_run_transaction (self->store, insert_revocation, &r, error))
    return FALSE;
  if (issuer_id != NULL)
    *issuer_id = ca_id;
  return TRUE;
}

typedef struct {
  const char *issuer_sha256;
  GPtrArray *revocations;
} RevokeMany;

static gboolean
insert_revocations (CkStore  *store,
                    sqlite3  *db,
                    gpointer  user_data,
                    GError  **error)
{
  RevokeMany *many = user_data;

  for (guint i = 0; i < many->revocations->len; i++)
    {
      CkRevocation *r = many->revocations->pdata[i];
      Revoke one = { many->issuer_sha256, r->serial, r->certificate_sha256, r->reason,
                     r->revoked_at != 0 ? r->revoked_at : now () };

      if (!insert_revocation (store, db, &one, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
ck_ca_revoke_serials (CkCa      *self,
                      gint64     ca_id,
                      GPtrArray *revocations,
                      GError   **error)
{
  g_autoptr (CkCertificate) ca = NULL;
  RevokeMany many;

  g_return_val_if_fail (CK_IS_CA (self), FALSE);
  g_return_val_if_fail (revocations != NULL, FALSE);

  ca = ck_store_load_certificate (self->store, ca_id, error);
  if (ca == NULL)
    return FALSE;
  for (guint i = 0; i < revocations->len; i++)
    {
      CkRevocation *r = revocations->pdata[i];
      gnutls_datum_t hex = { (unsigned char *) r->serial, r->serial ? strlen (r->serial) : 0 };
      gnutls_datum_t bin = { NULL, 0 };
      gboolean ok = hex.size > 0 && hex.size % 2 == 0 && hex.size <= 42 &&
                    gnutls_hex_decode2 (&hex, &bin) >= 0 && !(bin.data[0] & 0x80);

      gnutls_free (bin.data);
      if (!ok || ck_revocation_reason_to_string (r->reason) == NULL)
        {
          g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                       _("Revocation %u: “%s” is not the serial of a certificate (positive, "
                         "lower-case hex, at most 21 octets) or the reason is unknown"),
                       i + 1, r->serial != NULL ? r->serial : "");
          return FALSE;
        }
    }
  many.issuer_sha256 = ck_certificate_get_sha256_fingerprint (ca);
  many.revocations = revocations;
  return ck_store_run_transaction (self->store, insert_revocations, &many, error);
}

/* The revocations of a CA, or its revocation of @serial alone (by the
 * table's primary key) when @serial is not NULL. */
static GPtrArray *
read_revocations (sqlite3     *db,
                  const char  *issuer_sha256,
                  const char  *serial,
                  GError     **error)
{
  g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) ck_revocation_free);
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db,
                          "SELECT serial, certificate_sha256, reason, revoked_at FROM ca_revocations "
                          "WHERE issuer_sha256 = ?1 AND (?2 IS NULL OR serial = ?2) "
                          "ORDER BY revoked_at, serial",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      ck_store_set_sqlite_error (error, db, _("reading the revocations"));
      return NULL;
    }
  sqlite3_bind_text (stmt, 1, issuer_sha256, -1, SQLITE_STATIC);
  if (serial != NULL)
    sqlite3_bind_text (stmt, 2, serial, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CkRevocation *r = g_new0 (CkRevocation, 1);

      r->serial = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      r->certificate_sha256 = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      r->reason = sqlite3_column_int (stmt, 2);
      r->revoked_at = sqlite3_column_int64 (stmt, 3);
      g_ptr_array_add (list, r);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      ck_store_set_sqlite_error (error, db, _("reading the revocations"));
      return NULL;
    }
  return g_steal_pointer (&list);
}

GPtrArray *
ck_ca_list_revocations (CkCa    *self,
                        gint64   ca_id,
                        GError **error)
{
  g_autoptr (CkCertificate) ca = NULL;
  GPtrArray *list;

  g_return_val_if_fail (CK_IS_CA (self), NULL);

  ca = ck_store_load_certificate (self->store, ca_id, error);
  if (ca == NULL)
    return NULL;
  ck_store_lock (self->store);
  list = read_revocations (ck_store_get_db (self->store),
                           ck_certificate_get_sha256_fingerprint (ca), NULL, error);
  ck_store_unlock (self->store);
  return list;
}

gboolean
ck_ca_lookup_revocation (CkCa          *self,
                         gint64         ca_id,
                         const char    *serial,
                         CkRevocation **revocation,
                         GError       **error)
{
  g_autoptr (CkCertificate) ca = NULL;
  g_autoptr (GPtrArray) list = NULL;
  g_autofree char *hex = NULL;

  g_return_val_if_fail (CK_IS_CA (self), FALSE);
  g_return_val_if_fail (serial != NULL, FALSE);
  g_return_val_if_fail (revocation != NULL, FALSE);

  *revocation = NULL;
  hex = g_ascii_strdown (serial, -1);
  ca = ck_store_load_certificate (self->store, ca_id, error);
  if (ca == NULL)
    return FALSE;
  ck_store_lock (self->store);
  list = read_revocations (ck_store_get_db (self->store),
                           ck_certificate_get_sha256_fingerprint (ca), hex, error);
  ck_store_unlock (self->store);
  if (list == NULL)
    return FALSE;
  if (list->len > 0)
    *revocation = g_ptr_array_steal_index (list, 0);
  return TRUE;
}

/* --- CRLs -------------------------------------------------------------- */

/* RFC 5280 5.1.2.6: UTCTime through 2049, GeneralizedTime after. */
static void
append_time (GByteArray *out,
             gint64      t)
{
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (t);
  g_autofree char *text = NULL;
  int year = g_date_time_get_year (dt);

  if (year >= 1950 && year < 2050)
    {
      text = g_date_time_format (dt, "%y%m%d%H%M%SZ");
      ck_der_append_tlv (out, 0x17, (const guint8 *) text, strlen (text));
    }
  else
    {
      text = g_date_time_format (dt, "%Y%m%d%H%M%SZ");
      ck_der_append_tlv (out, 0x18, (const guint8 *) text, strlen (text));
    }
}

/* revokedCertificates: SEQUENCE OF SEQUENCE { userCertificate,
 * revocationDate, crlEntryExtensions (reasonCode) OPTIONAL }. Encoded
 * here because GnuTLS 3.7 cannot put a reason code on a CRL entry (and
 * appends entries in quadratic time). A reason of unspecified is left
 * out, as RFC 5280 (5.3.1) asks. */
static gboolean
append_revoked (GByteArray *tbs,
                GPtrArray  *revocations,
                GError    **error)
{
  g_autoptr (GByteArray) list = g_byte_array_new ();

  for (guint i = 0; i < revocations->len; i++)
    {
      CkRevocation *r = revocations->pdata[i];
      g_autoptr (GByteArray) entry = g_byte_array_new ();
      gnutls_datum_t hex = { (unsigned char *) r->serial, strlen (r->serial) };
      gnutls_datum_t serial = { NULL, 0 };

      if (gnutls_hex_decode2 (&hex, &serial) < 0 || serial.size == 0)
        {
          gnutls_free (serial.data);
          g_set_error (error, CK_ERROR, CK_ERROR_STORE,
                       _("The store has a revocation with a bad serial “%s”"), r->serial);
          return FALSE;
        }
      ck_der_append_tlv (entry, 0x02, serial.data, serial.size);
      gnutls_free (serial.data);
      append_time (entry, r->revoked_at);
      if (r->reason != CK_REVOCATION_UNSPECIFIED)
        {
          /* Extensions { Extension { id-ce-cRLReasons, OCTET STRING {
           * ENUMERATED reason } } } */
          const guint8 ext[] = {
            0x30, 0x0c, 0x30, 0x0a, 0x06, 0x03, 0x55, 0x1d, 0x15,
            0x04, 0x03, 0x0a, 0x01, (guint8) r->reason,
          };

          g_byte_array_append (entry, ext, sizeof ext);
        }
      ck_der_append_tlv (list, 0x30, entry->data, entry->len);
    }
  ck_der_append_tlv (tbs, 0x30, list->data, list->len);
  return TRUE;
}

/* GnuTLS makes and signs the CRL without entries (so the algorithm
 * identifiers, issuer, times and extensions are its own); the entries go
 * in between nextUpdate and the extensions, and the result is signed
 * again with the same algorithm. */
static GBytes *
add_entries_and_sign (GBytes                 *skeleton,
                      GPtrArray              *revocations,
                      gnutls_privkey_t        key,
                      gnutls_sign_algorithm_t algo,
                      GError                **error)
{
  gsize len;
  const guint8 *der = g_bytes_get_data (skeleton, &len);
  const guint8 *pos = der, *end = der + len, *tpos, *tend;
  CkDerTlv list, tbs, alg, element;
  g_autoptr (GByteArray) body = g_byte_array_new ();
  g_autoptr (GByteArray) new_tbs = g_byte_array_new ();
  g_autoptr (GByteArray) out_body = g_byte_array_new ();
  GByteArray *out;
  gnutls_datum_t data, sig = { NULL, 0 };
  gboolean inserted = FALSE, after_time = FALSE;
  int ret;

  if (!ck_der_read (&pos, end, &list) || list.tag != 0x30)
    goto bad;
  pos = list.data;
  end = list.data + list.len;
  if (!ck_der_read (&pos, end, &tbs) || tbs.tag != 0x30 || !ck_der_read (&pos, end, &alg))
    goto bad;

  tpos = tbs.data;
  tend = tbs.data + tbs.len;
  while (tpos < tend)
    {
      if (!ck_der_read (&tpos, tend, &element))
        goto bad;
      /* version, signature, issuer, thisUpdate, nextUpdate, then the
       * entries (GnuTLS writes an empty SEQUENCE, which RFC 5280 wants
       * absent when nothing is revoked), then [0] crlExtensions. */
      if (!inserted && after_time && (element.tag == 0x30 || element.tag == 0xa0))
        {
          if (revocations->len > 0 && !append_revoked (body, revocations, error))
            return NULL;
          inserted = TRUE;
          if (element.tag == 0x30)
            continue;
        }
      after_time = element.tag == 0x17 || element.tag == 0x18;
      g_byte_array_append (body, element.start, (element.data + element.len) - element.start);
    }
  if (!inserted && revocations->len > 0 && !append_revoked (body, revocations, error))
    return NULL;
  ck_der_append_tlv (new_tbs, 0x30, body->data, body->len);

  data.data = new_tbs->data;
  data.size = new_tbs->len;
  ret = gnutls_privkey_sign_data2 (key, algo, 0, &data, &sig);
  if (ret < 0)
    {
      ck_set_gnutls_error (error, ret, _("cannot sign the CRL"));
      return NULL;
    }
  g_byte_array_append (out_body, new_tbs->data, new_tbs->len);
  g_byte_array_append (out_body, alg.start, (alg.data + alg.len) - alg.start);
  {
    g_autoptr (GByteArray) bits = g_byte_array_new ();
    guint8 zero = 0;

    g_byte_array_append (bits, &zero, 1);
    g_byte_array_append (bits, sig.data, sig.size);
    ck_der_append_tlv (out_body, 0x03, bits->data, bits->len);
  }
  gnutls_free (sig.data);
  out = g_byte_array_new ();
  ck_der_append_tlv (out, 0x30, out_body->data, out_body->len);
  return g_byte_array_free_to_bytes (out);

bad:
  g_set_error (error, CK_ERROR, CK_ERROR_INVALID, _("GnuTLS made a CRL that cannot be read back"));
  return NULL;
}

typedef struct {
  CkCertificate *ca;
  CkPrivateKey *key;
  gint64 next_update;
  gnutls_digest_algorithm_t hash;
  CkCaOutputFunc output;
  gpointer output_data;
  /* What the CRL was made from, read before signing; the transaction
   * checks that it still holds. */
  guint64 number;
  gint64 this_update;
  GPtrArray *revocations;
  GBytes *crl;
  gboolean stale;   /* another writer made a CRL or revoked meanwhile */
} MakeCrl;

static gboolean
read_last_number (sqlite3     *db,
                  const char  *issuer_sha256,
                  guint64     *number,
                  gint64      *this_update,
                  GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  *number = 0;
  *this_update = 0;
  if (sqlite3_prepare_v2 (db, "SELECT last_number, last_this_update FROM ca_crls WHERE issuer_sha256 = ?",
                          -1, &stmt, NULL) != SQLITE_OK)
    return ck_store_set_sqlite_error (error, db, _("reading the CRL number"));
  sqlite3_bind_text (stmt, 1, issuer_sha256, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      *number = (guint64) sqlite3_column_int64 (stmt, 0);
      *this_update = sqlite3_column_int64 (stmt, 1);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return ck_store_set_sqlite_error (error, db, _("reading the CRL number"));
  return TRUE;
}

/* The number, thisUpdate and revocations a new CRL has, as the store
 * says now. */
static gboolean
read_crl_state (CkStore     *store,
                MakeCrl     *m,
                GError     **error)
{
  const char *issuer_sha256 = ck_certificate_get_sha256_fingerprint (m->ca);
  sqlite3 *db;
  gint64 last_this_update = 0;
  gboolean ok;

  g_clear_pointer (&m->revocations, g_ptr_array_unref);
  ck_store_lock (store);
  db = ck_store_get_db (store);
  /* One read snapshot for both. */
  ok = sqlite3_exec (db, "BEGIN", NULL, NULL, NULL) == SQLITE_OK;
  if (!ok)
    ck_store_set_sqlite_error (error, db, _("reading the CRL number"));
  ok = ok && read_last_number (db, issuer_sha256, &m->number, &last_this_update, error);
  if (ok)
    {
      m->revocations = read_revocations (db, issuer_sha256, NULL, error);
      ok = m->revocations != NULL;
    }
  sqlite3_exec (db, "COMMIT", NULL, NULL, NULL);
  ck_store_unlock (store);
  if (!ok)
    return FALSE;
  m->number++;
  /* thisUpdate never goes backwards, even with the clock. */
  m->this_update = MAX (now (), last_this_update);
  return TRUE;
}

/* Signs the CRL of @m: no store access, so a token may take its time. */
static gboolean
sign_crl (MakeCrl  *m,
          GError  **error)
{
  g_autoptr (GBytes) skeleton = NULL;
  gnutls_x509_crl_t crl = NULL;
  gnutls_pubkey_t pub = NULL;
  gnutls_datum_t der = { NULL, 0 };
  gnutls_sign_algorithm_t algo;
  guint8 number_octets[9];
  guint8 id[64];
  size_t id_size = sizeof id;
  int ret;

  if (m->hash == GNUTLS_DIG_UNKNOWN)
    {
      unsigned int mand = 0;

      pub = ck_private_key_dup_pubkey (m->key, error);
      if (pub == NULL)
        return FALSE;
      if (gnutls_pubkey_get_preferred_hash_algorithm (pub, &m->hash, &mand) < 0)
        m->hash = GNUTLS_DIG_SHA256;
      gnutls_pubkey_deinit (pub);
    }

  /* The CRL number, a positive INTEGER's octets, big-endian. */
  number_octets[0] = 0;
  for (int i = 0; i < 8; i++)
    number_octets[8 - i] = (guint8) (m->number >> (8 * i));

  gnutls_x509_crl_init (&crl);
  if ((ret = gnutls_x509_crl_set_version (crl, 2)) < 0 ||
      (ret = gnutls_x509_crl_set_this_update (crl, (time_t) m->this_update)) < 0 ||
      (ret = gnutls_x509_crl_set_next_update (crl, (time_t) (m->this_update + m->next_update))) < 0 ||
      (ret = gnutls_x509_crl_set_number (crl, number_octets, sizeof number_octets)) < 0)
    goto gnutls_failed;
  ret = gnutls_x509_crt_get_subject_key_id (ck_certificate_get_crt (m->ca), id, &id_size, NULL);
  if (ret < 0)
    {
      id_size = sizeof id;
      ret = gnutls_x509_crt_get_key_id (ck_certificate_get_crt (m->ca), GNUTLS_KEYID_USE_SHA1,
                                        id, &id_size);
    }
  if (ret >= 0)
    ret = gnutls_x509_crl_set_authority_key_id (crl, id, id_size);
  if (ret < 0)
    goto gnutls_failed;
  ret = gnutls_x509_crl_privkey_sign (crl, ck_certificate_get_crt (m->ca),
                                      ck_private_key_get_privkey (m->key), m->hash, 0);
  if (ret < 0)
    goto gnutls_failed;
  ret = gnutls_x509_crl_export2 (crl, GNUTLS_X509_FMT_DER, &der);
  if (ret < 0)
    goto gnutls_failed;
  algo = gnutls_x509_crl_get_signature_algorithm (crl);
  gnutls_x509_crl_deinit (crl);
  crl = NULL;
  skeleton = ck_bytes_from_datum (&der);
  gnutls_free (der.data);

  g_clear_pointer (&m->crl, g_bytes_unref);
  m->crl = add_entries_and_sign (skeleton, m->revocations, ck_private_key_get_privkey (m->key),
                                 algo, error);
  return m->crl != NULL;

gnutls_failed:
  gnutls_x509_crl_deinit (crl);
  ck_set_gnutls_error (error, ret, _("cannot make the CRL"));
  return FALSE;
}

static gboolean
same_revocations (GPtrArray *a,
                  GPtrArray *b)
{
  if (a->len != b->len)
    return FALSE;
  for (guint i = 0; i < a->len; i++)
    {
      CkRevocation *x = a->pdata[i], *y = b->pdata[i];

      if (g_strcmp0 (x->serial, y->serial) != 0 || x->reason != y->reason ||
          x->revoked_at != y->revoked_at)
        return FALSE;
    }
  return TRUE;
}

/* The CRL signed from what the store said still matches it: then it is
 * written (@output) and its number recorded, in this one transaction. */
static gboolean
record_crl (CkStore  *store,
            sqlite3  *db,
            gpointer  user_data,
            GError  **error)
{
  MakeCrl *m = user_data;
  const char *issuer_sha256 = ck_certificate_get_sha256_fingerprint (m->ca);
  g_autoptr (GPtrArray) revocations = NULL;
  sqlite3_stmt *stmt = NULL;
  guint64 last = 0;
  gint64 last_this_update = 0;
  int rc;

  if (!read_last_number (db, issuer_sha256, &last, &last_this_update, error))
    return FALSE;
  revocations = read_revocations (db, issuer_sha256, NULL, error);
  if (revocations == NULL)
    return FALSE;
  if (last + 1 != m->number || !same_revocations (revocations, m->revocations))
    {
      m->stale = TRUE;
      g_set_error_literal (error, CK_ERROR, CK_ERROR_STORE,
                           _("The CA’s revocations changed while its CRL was being signed"));
      return FALSE;
    }
  if (m->output != NULL && !m->output (m->crl, m->output_data, error))
    return FALSE;

  if (sqlite3_prepare_v2 (db,
                          "INSERT INTO ca_crls (issuer_sha256, last_number, last_this_update) "
                          "VALUES (?, ?, ?) ON CONFLICT (issuer_sha256) DO UPDATE SET "
                          "last_number = excluded.last_number, "
                          "last_this_update = excluded.last_this_update",
                          -1, &stmt, NULL) != SQLITE_OK)
    return ck_store_set_sqlite_error (error, db, _("recording the CRL number"));
  sqlite3_bind_text (stmt, 1, issuer_sha256, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, (gint64) m->number);
  sqlite3_bind_int64 (stmt, 3, m->this_update);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return ck_store_set_sqlite_error (error, db, _("recording the CRL number"));
  return TRUE;
}

GBytes *
ck_ca_make_crl_full (CkCa                     *self,
                     gint64                    ca_id,
                     CkPrivateKey             *ca_key,
                     gint64                    next_update,
                     gnutls_digest_algorithm_t hash,
                     CkCaOutputFunc            output,
                     gpointer                  output_data,
                     GCancellable             *cancellable,
                     guint64                  *number,
                     GError                  **error)
{
  g_autoptr (CkCertificate) ca = NULL;
  MakeCrl m = { 0, };
  gboolean is_ca = FALSE, ok = FALSE;
  guint usage = 0;

  g_return_val_if_fail (CK_IS_CA (self), NULL);
  g_return_val_if_fail (CK_IS_PRIVATE_KEY (ca_key), NULL);

  ca = ck_store_load_certificate (self->store, ca_id, error);
  if (ca == NULL)
    return NULL;
  if (!ck_certificate_get_basic_constraints (ca, &is_ca, NULL, NULL) || !is_ca)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                   _("“%s” is not a CA certificate, so it has no CRL"),
                   ck_certificate_get_display_name (ca));
      return NULL;
    }
  if (ck_certificate_get_key_usage (ca, &usage, NULL) && !(usage & GNUTLS_KEY_CRL_SIGN))
    {
      g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                   _("The key usage of the CA certificate “%s” lacks cRLSign, so it cannot "
                     "sign CRLs"), ck_certificate_get_display_name (ca));
      return NULL;
    }
  if (g_strcmp0 (ck_private_key_get_spki_sha256 (ca_key), ck_certificate_get_spki_sha256 (ca)) != 0)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                   _("The key given is not the key of the CA certificate “%s”"),
                   ck_certificate_get_display_name (ca));
      return NULL;
    }
  if (next_update <= 0)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_INVALID, _("The next update must be in the future"));
      return NULL;
    }

  m.ca = ca;
  m.key = ca_key;
  m.next_update = next_update;
  m.hash = hash;
  m.output = output;
  m.output_data = output_data;
  /* Read, sign without the store's lock (a token may be slow), then
   * record only if nobody made a CRL or revoked meanwhile; else again. */
  for (guint round = 0; round < 3; round++)
    {
      g_autoptr (GError) local_error = NULL;

      m.stale = FALSE;
      ok = read_crl_state (self->store, &m, &local_error) &&
           sign_crl (&m, &local_error) &&
           !g_cancellable_set_error_if_cancelled (cancellable, &local_error) &&
           ck_store_run_transaction (self->store, record_crl, &m, &local_error);
      if (ok || !m.stale)
        {
          if (!ok)
            g_propagate_error (error, g_steal_pointer (&local_error));
          break;
        }
      if (round == 2)
        g_propagate_error (error, g_steal_pointer (&local_error));
    }
  g_clear_pointer (&m.revocations, g_ptr_array_unref);
  if (!ok)
    {
      g_clear_pointer (&m.crl, g_bytes_unref);
      return NULL;
    }
  if (number != NULL)
    *number = m.number;
  return m.crl;
}

GBytes *
ck_ca_make_crl (CkCa                     *self,
                gint64                    ca_id,
                CkPrivateKey             *ca_key,
                gint64                    next_update,
                gnutls_digest_algorithm_t hash,
                guint64                  *number,
                GError                  **error)
{
  return ck_ca_make_crl_full (self, ca_id, ca_key, next_update, hash, NULL, NULL, NULL,
                              number, error);
}

char *
ck_crl_to_pem (GBytes *der)
{
  gnutls_datum_t in, pem = { NULL, 0 };
  gsize size;
  char *text;

  g_return_val_if_fail (der != NULL, NULL);

  in.data = (unsigned char *) g_bytes_get_data (der, &size);
  in.size = (unsigned int) size;
  if (gnutls_pem_base64_encode2 ("X509 CRL", &in, &pem) < 0)
    return NULL;
  text = g_strndup ((const char *) pem.data, pem.size);
  gnutls_free (pem.data);
  return text;
}
