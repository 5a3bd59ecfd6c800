/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ck-revocation-store.h"

#include <glib/gi18n-lib.h>

#include "ck-ca.h"
#include "ck-error.h"
#include "ck-http.h"
#include "ck-revocation-private.h"
#include "ck-store-private.h"

struct _CkRevocationStore
{
  GObject parent_instance;

  CkStore *store;
  gboolean migrated;      /* the module's tables are known to exist */
};

G_DEFINE_FINAL_TYPE (CkRevocationStore, ck_revocation_store, G_TYPE_OBJECT)

static guint generation;

/* Version 1 of the "revocation" module. One CRL per issuer, the issuer
 * being a name and the key that verified the CRL (so a CA re-keyed under
 * the same name has a list per key). Entries are kept in their own table
 * so a check is one indexed lookup, not a parse of the CRL. OCSP answers
 * are kept per certificate and issuer key until their nextUpdate.
 * Fingerprints, not ids: a CA deleted and put back (Undo) keeps them. */
static const char revocation_schema_v1[] =
  "CREATE TABLE revocation_crls ("
  "  id INTEGER PRIMARY KEY,"
  "  sha256 TEXT NOT NULL UNIQUE,"
  "  issuer TEXT NOT NULL,"
  "  issuer_spki_sha256 TEXT NOT NULL,"
  "  issuer_sha256 TEXT NOT NULL,"
  "  display_name TEXT NOT NULL,"
  "  authority_key_id TEXT,"
  "  number TEXT,"
  "  this_update INTEGER NOT NULL,"
  "  next_update INTEGER,"
  "  source TEXT,"
  "  imported_at INTEGER NOT NULL,"
  "  der BLOB NOT NULL,"
  "  UNIQUE (issuer, issuer_spki_sha256)"
  ");"
  "CREATE TABLE revocation_crl_entries ("
  "  crl_id INTEGER NOT NULL REFERENCES revocation_crls (id) ON DELETE CASCADE,"
  "  serial TEXT NOT NULL,"
  "  revoked_at INTEGER NOT NULL,"
  "  reason INTEGER,"
  "  PRIMARY KEY (crl_id, serial)"
  ") WITHOUT ROWID;"
  "CREATE TABLE revocation_ocsp ("
  "  certificate_sha256 TEXT NOT NULL,"
  "  issuer_spki_sha256 TEXT NOT NULL,"
  "  state INTEGER NOT NULL CHECK (state BETWEEN 0 AND 2),"
  "  revoked_at INTEGER,"
  "  reason INTEGER,"
  "  this_update INTEGER NOT NULL,"
  "  next_update INTEGER NOT NULL,"
  "  responder TEXT NOT NULL,"
  "  response BLOB NOT NULL,"
  "  PRIMARY KEY (certificate_sha256, issuer_spki_sha256)"
  ");"
  "CREATE TABLE revocation_responders ("
  "  issuer_sha256 TEXT PRIMARY KEY,"
  "  url TEXT NOT NULL"
  ");";

static const CkStoreMigration revocation_migrations[] = {
  { 1, revocation_schema_v1, NULL },
  /* Append new versions here; never edit a released one. */
  { 0, NULL, NULL },
};
#define LATEST_VERSION 1

void
ck_stored_crl_free (CkStoredCrl *crl)
{
  if (crl == NULL)
    return;
  g_free (crl->sha256);
  g_free (crl->issuer);
  g_free (crl->issuer_sha256);
  g_free (crl->display_name);
  g_free (crl->number);
  g_free (crl->source);
  g_free (crl);
}

static void
ck_revocation_store_finalize (GObject *object)
{
  CkRevocationStore *self = CK_REVOCATION_STORE (object);

  g_clear_object (&self->store);
  G_OBJECT_CLASS (ck_revocation_store_parent_class)->finalize (object);
}

static void
ck_revocation_store_class_init (CkRevocationStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ck_revocation_store_finalize;
}

static void
ck_revocation_store_init (CkRevocationStore *self)
{
}

CkRevocationStore *
ck_revocation_store_new (CkStore *store)
{
  CkRevocationStore *self;

  g_return_val_if_fail (CK_IS_STORE (store), NULL);

  self = g_object_new (CK_TYPE_REVOCATION_STORE, NULL);
  self->store = g_object_ref (store);
  return self;
}

CkStore *
ck_revocation_store_get_store (CkRevocationStore *self)
{
  g_return_val_if_fail (CK_IS_REVOCATION_STORE (self), NULL);
  return self->store;
}

guint
ck_revocation_store_get_generation (void)
{
  return g_atomic_int_get (&generation);
}

void
ck_revocation_store_bump_generation (CkStore *store)
{
  g_atomic_int_inc (&generation);
  ck_store_queue_revocation_changed (store);
}

gboolean
ck_revocation_store_migrate (CkStore  *store,
                             GError  **error)
{
  /* Only when needed: a store already up to date is not written to. */
  if (ck_store_get_module_version (store, "revocation") == LATEST_VERSION)
    return TRUE;
  return ck_store_migrate_module (store, "revocation", revocation_migrations, error);
}

static gboolean
ensure_tables (CkRevocationStore  *self,
               GError            **error)
{
  if (!self->migrated && !ck_revocation_store_migrate (self->store, error))
    return FALSE;
  self->migrated = TRUE;
  return TRUE;
}

/* Reading: TRUE when the tables exist (a store that never had a CRL has
 * none, and lookups find nothing without writing). */
static gboolean
have_tables (CkRevocationStore *self)
{
  if (!self->migrated && ck_store_get_module_version (self->store, "revocation") >= 1)
    self->migrated = TRUE;
  return self->migrated;
}

static gint64
now_seconds (void)
{
  return g_get_real_time () / G_USEC_PER_SEC;
}

/* --- CRLs -------------------------------------------------------------- */

/* The stored certificate that issued @crl: its subject is the CRL's issuer
 * and its key verifies the signature. *@issuer gets it; FALSE with the
 * reason of the last candidate that failed, or NOT_FOUND. */
static gboolean
find_crl_issuer (sqlite3         *db,
                 CkCrl           *crl,
                 CkCertificate  **issuer,
                 GError         **error)
{
  g_autoptr (GError) last = NULL;
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db, "SELECT der FROM certificates WHERE subject = ? ORDER BY id",
                          -1, &stmt, NULL) != SQLITE_OK)
    return ck_store_set_sqlite_error (error, db, _("finding the CRL's issuer"));
  sqlite3_bind_text (stmt, 1, ck_crl_get_issuer (crl), -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr (GBytes) der = g_bytes_new (sqlite3_column_blob (stmt, 0),
                                            sqlite3_column_bytes (stmt, 0));
      g_autoptr (CkCertificate) candidate = ck_certificate_new_from_der (der, NULL);

      if (candidate == NULL)
        continue;
      g_clear_error (&last);
      if (ck_crl_verify (crl, candidate, &last))
        {
          sqlite3_finalize (stmt);
          *issuer = g_steal_pointer (&candidate);
          return TRUE;
        }
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return ck_store_set_sqlite_error (error, db, _("finding the CRL's issuer"));
  if (last != NULL)
    g_propagate_error (error, g_steal_pointer (&last));
  else
    g_set_error (error, CK_ERROR, CK_ERROR_NOT_FOUND,
                 _("%s cannot be verified: its issuer (%s) is not in the store; "
                   "import the issuer's certificate first"),
                 ck_crl_get_display_name (crl), ck_crl_get_issuer (crl));
  return FALSE;
}

gboolean
ck_revocation_store_find_crl_issuer (CkStore        *store,
                                     CkCrl          *crl,
                                     CkCertificate **issuer,
                                     GError        **error)
{
  gboolean ok;

  ck_store_lock (store);
  ok = find_crl_issuer (ck_store_get_db (store), crl, issuer, error);
  ck_store_unlock (store);
  return ok;
}

gboolean
ck_revocation_store_write_crl (sqlite3         *db,
                               CkCrl           *crl,
                               const char      *source,
                               CkCrlAddResult  *result,
                               GError         **error)
{
  g_autoptr (CkCertificate) issuer = NULL;
  sqlite3_stmt *stmt = NULL;
  GPtrArray *entries;
  gint64 old_id = 0, crl_id;
  gsize size;
  const void *der;
  int rc;

  if (!find_crl_issuer (db, crl, &issuer, error))
    return FALSE;

  if (sqlite3_prepare_v2 (db, "SELECT id, sha256, number, this_update FROM revocation_crls "
                          "WHERE issuer = ? AND issuer_spki_sha256 = ?", -1, &stmt, NULL) != SQLITE_OK)
    return ck_store_set_sqlite_error (error, db, _("reading the stored CRLs"));
  sqlite3_bind_text (stmt, 1, ck_crl_get_issuer (crl), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, ck_certificate_get_spki_sha256 (issuer), -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      const char *sha256 = (const char *) sqlite3_column_text (stmt, 1);
      const char *number = (const char *) sqlite3_column_text (stmt, 2);
      gint64 this_update = sqlite3_column_int64 (stmt, 3);

      old_id = sqlite3_column_int64 (stmt, 0);
      if (g_strcmp0 (sha256, ck_crl_get_sha256 (crl)) == 0)
        *result = CK_CRL_SAME;
      else if (ck_crl_compare_figures (ck_crl_get_number (crl), ck_crl_get_this_update (crl),
                                       number, this_update) <= 0)
        *result = CK_CRL_OLDER;
      else
        *result = CK_CRL_REPLACED;
    }
  else
    *result = CK_CRL_ADDED;
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    return ck_store_set_sqlite_error (error, db, _("reading the stored CRLs"));
  if (*result == CK_CRL_SAME || *result == CK_CRL_OLDER)
    return TRUE;

  if (old_id != 0)
    {
      if (sqlite3_prepare_v2 (db, "DELETE FROM revocation_crls WHERE id = ?", -1, &stmt,
                              NULL) != SQLITE_OK)
        return ck_store_set_sqlite_error (error, db, _("replacing the CRL"));
      sqlite3_bind_int64 (stmt, 1, old_id);
      rc = sqlite3_step (stmt);
      sqlite3_finalize (stmt);
      if (rc != SQLITE_DONE)
        return ck_store_set_sqlite_error (error, db, _("replacing the CRL"));
    }

  if (sqlite3_prepare_v2 (db,
                          "INSERT INTO revocation_crls (sha256, issuer, issuer_spki_sha256, "
                          "issuer_sha256, display_name, authority_key_id, number, this_update, "
                          "next_update, source, imported_at, der) "
                          "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", -1, &stmt, NULL) != SQLITE_OK)
    return ck_store_set_sqlite_error (error, db, _("storing the CRL"));
  der = g_bytes_get_data (ck_crl_get_der (crl), &size);
  sqlite3_bind_text (stmt, 1, ck_crl_get_sha256 (crl), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, ck_crl_get_issuer (crl), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 3, ck_certificate_get_spki_sha256 (issuer), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, ck_certificate_get_sha256_fingerprint (issuer), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 5, ck_crl_get_display_name (crl), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 6, ck_crl_get_authority_key_id (crl), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 7, ck_crl_get_number (crl), -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 8, ck_crl_get_this_update (crl));
  if (ck_crl_get_next_update (crl) != 0)
    sqlite3_bind_int64 (stmt, 9, ck_crl_get_next_update (crl));
  else
    sqlite3_bind_null (stmt, 9);
  sqlite3_bind_text (stmt, 10, source, -1, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 11, now_seconds ());
  sqlite3_bind_blob (stmt, 12, der, size, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return ck_store_set_sqlite_error (error, db, _("storing the CRL"));
  crl_id = sqlite3_last_insert_rowid (db);

  /* A serial listed twice keeps its first entry (RFC 5280 allows one). */
  if (sqlite3_prepare_v2 (db, "INSERT OR IGNORE INTO revocation_crl_entries "
                          "(crl_id, serial, revoked_at, reason) VALUES (?, ?, ?, ?)",
                          -1, &stmt, NULL) != SQLITE_OK)
    return ck_store_set_sqlite_error (error, db, _("storing the CRL"));
  entries = ck_crl_get_entries (crl);
  for (guint i = 0; i < entries->len; i++)
    {
      CkCrlEntry *entry = entries->pdata[i];

      sqlite3_bind_int64 (stmt, 1, crl_id);
      sqlite3_bind_text (stmt, 2, entry->serial, -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 3, entry->revoked_at);
      if (entry->reason >= 0)
        sqlite3_bind_int (stmt, 4, entry->reason);
      else
        sqlite3_bind_null (stmt, 4);
      rc = sqlite3_step (stmt);
      sqlite3_reset (stmt);
      if (rc != SQLITE_DONE)
        {
          sqlite3_finalize (stmt);
          return ck_store_set_sqlite_error (error, db, _("storing the CRL"));
        }
    }
  sqlite3_finalize (stmt);
  return TRUE;
}

gint64
ck_revocation_store_find_crl (CkStore    *store,
                              const char *sha256)
{
  sqlite3_stmt *stmt = NULL;
  gint64 id = 0;
  sqlite3 *db;

  if (sha256 == NULL || ck_store_get_module_version (store, "revocation") < 1)
    return 0;
  ck_store_lock (store);
  db = ck_store_get_db (store);
  if (sqlite3_prepare_v2 (db, "SELECT id FROM revocation_crls WHERE sha256 = ?", -1, &stmt,
                          NULL) == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, sha256, -1, SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        id = sqlite3_column_int64 (stmt, 0);
    }
  sqlite3_finalize (stmt);
  ck_store_unlock (store);
  return id;
}

typedef struct {
  CkCrl *crl;
  const char *source;
  CkCrlAddResult result;
} AddCrl;

static gboolean
add_crl_in_transaction (CkStore  *store,
                        sqlite3  *db,
                        gpointer  user_data,
                        GError  **error)
{
  AddCrl *add = user_data;

  return ck_revocation_store_write_crl (db, add->crl, add->source, &add->result, error);
}

gboolean
ck_revocation_store_add_crl (CkRevocationStore  *self,
                             CkCrl              *crl,
                             const char         *source,
                             CkCrlAddResult     *result,
                             GError            **error)
{
  AddCrl add = { crl, source, CK_CRL_ADDED };

  g_return_val_if_fail (CK_IS_REVOCATION_STORE (self), FALSE);
  g_return_val_if_fail (CK_IS_CRL (crl), FALSE);

  if (!ensure_tables (self, error) ||
      !ck_store_run_transaction (self->store, add_crl_in_transaction, &add, error))
    return FALSE;
  if (add.result == CK_CRL_ADDED || add.result == CK_CRL_REPLACED)
    ck_revocation_store_bump_generation (self->store);
  if (result != NULL)
    *result = add.result;
  return TRUE;
}

GPtrArray *
ck_revocation_store_list_crls (CkRevocationStore  *self,
                               GError            **error)
{
  g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) ck_stored_crl_free);
  sqlite3_stmt *stmt = NULL;
  sqlite3 *db;
  int rc;

  g_return_val_if_fail (CK_IS_REVOCATION_STORE (self), NULL);

  if (!have_tables (self))
    return g_steal_pointer (&list);
  ck_store_lock (self->store);
  db = ck_store_get_db (self->store);
  if (sqlite3_prepare_v2 (db,
                          "SELECT c.id, c.sha256, c.issuer, c.issuer_sha256, c.display_name, "
                          "c.number, c.this_update, c.next_update, c.source, "
                          "(SELECT count(*) FROM revocation_crl_entries e WHERE e.crl_id = c.id) "
                          "FROM revocation_crls c ORDER BY c.issuer, c.id", -1, &stmt,
                          NULL) != SQLITE_OK)
    {
      ck_store_set_sqlite_error (error, db, _("reading the stored CRLs"));
      ck_store_unlock (self->store);
      return NULL;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CkStoredCrl *crl = g_new0 (CkStoredCrl, 1);

      crl->id = sqlite3_column_int64 (stmt, 0);
      crl->sha256 = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      crl->issuer = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      crl->issuer_sha256 = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
      crl->display_name = g_strdup ((const char *) sqlite3_column_text (stmt, 4));
      crl->number = g_strdup ((const char *) sqlite3_column_text (stmt, 5));
      crl->this_update = sqlite3_column_int64 (stmt, 6);
      crl->next_update = sqlite3_column_int64 (stmt, 7);
      crl->source = g_strdup ((const char *) sqlite3_column_text (stmt, 8));
      crl->n_entries = sqlite3_column_int (stmt, 9);
      g_ptr_array_add (list, crl);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      ck_store_set_sqlite_error (error, db, _("reading the stored CRLs"));
      ck_store_unlock (self->store);
      return NULL;
    }
  ck_store_unlock (self->store);
  return g_steal_pointer (&list);
}

/* --- Lookups ----------------------------------------------------------- */

static CkRevocationStatus *
lookup_ocsp (sqlite3       *db,
             CkCertificate *cert,
             CkCertificate *issuer,
             gint64         now)
{
  sqlite3_stmt *stmt = NULL;
  CkRevocationStatus *status = NULL;

  if (sqlite3_prepare_v2 (db, "SELECT state, revoked_at, reason, this_update, next_update, "
                          "responder FROM revocation_ocsp WHERE certificate_sha256 = ? AND "
                          "issuer_spki_sha256 = ?", -1, &stmt, NULL) != SQLITE_OK)
    return NULL;
  sqlite3_bind_text (stmt, 1, ck_certificate_get_sha256_fingerprint (cert), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, ck_certificate_get_spki_sha256 (issuer), -1, SQLITE_STATIC);
  if (sqlite3_step (stmt) == SQLITE_ROW &&
      sqlite3_column_int64 (stmt, 3) <= now + 300 && now <= sqlite3_column_int64 (stmt, 4))
    {
      CkRevocationState state = sqlite3_column_int (stmt, 0);
      g_autofree char *detail = g_strdup_printf (_("OCSP answer from %s"),
                                                 sqlite3_column_text (stmt, 5));

      status = ck_revocation_status_new (state, "ocsp", detail);
      status->revoked_at = sqlite3_column_int64 (stmt, 1);
      status->reason = sqlite3_column_type (stmt, 2) == SQLITE_NULL ? -1
                                                                    : sqlite3_column_int (stmt, 2);
      status->checked_at = sqlite3_column_int64 (stmt, 3);
      status->next_update = sqlite3_column_int64 (stmt, 4);
    }
  sqlite3_finalize (stmt);
  return status;
}

static CkRevocationStatus *
lookup_crl (sqlite3       *db,
            CkCertificate *cert,
            CkCertificate *issuer,
            gint64         now,
            GError       **error)
{
  sqlite3_stmt *stmt = NULL;
  CkRevocationStatus *status = NULL;
  g_autofree char *display_name = NULL;
  g_autofree char *serial = ck_crl_normalize_serial (ck_certificate_get_serial (cert));
  gint64 crl_id, this_update, next_update;
  int rc;

  if (sqlite3_prepare_v2 (db, "SELECT id, display_name, this_update, next_update FROM "
                          "revocation_crls WHERE issuer = ? AND issuer_spki_sha256 = ?",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      ck_store_set_sqlite_error (error, db, _("reading the stored CRLs"));
      return NULL;
    }
  sqlite3_bind_text (stmt, 1, ck_certificate_get_issuer (cert), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, ck_certificate_get_spki_sha256 (issuer), -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc != SQLITE_ROW)
    {
      sqlite3_finalize (stmt);
      if (rc != SQLITE_DONE)
        ck_store_set_sqlite_error (error, db, _("reading the stored CRLs"));
      return NULL;
    }
  crl_id = sqlite3_column_int64 (stmt, 0);
  display_name = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  this_update = sqlite3_column_int64 (stmt, 2);
  next_update = sqlite3_column_int64 (stmt, 3);
  sqlite3_finalize (stmt);

  if (sqlite3_prepare_v2 (db, "SELECT revoked_at, reason FROM revocation_crl_entries "
                          "WHERE crl_id = ? AND serial = ?", -1, &stmt, NULL) != SQLITE_OK)
    {
      ck_store_set_sqlite_error (error, db, _("reading the stored CRLs"));
      return NULL;
    }
  sqlite3_bind_int64 (stmt, 1, crl_id);
  sqlite3_bind_text (stmt, 2, serial, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW && !(sqlite3_column_type (stmt, 1) != SQLITE_NULL &&
                            sqlite3_column_int (stmt, 1) == 8 /* removeFromCRL */))
    {
      status = ck_revocation_status_new (CK_REVOCATION_STATE_REVOKED, "crl", display_name);
      status->revoked_at = sqlite3_column_int64 (stmt, 0);
      status->reason = sqlite3_column_type (stmt, 1) == SQLITE_NULL ? -1
                                                                    : sqlite3_column_int (stmt, 1);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      ck_store_set_sqlite_error (error, db, _("reading the stored CRLs"));
      return NULL;
    }
  if (status == NULL)
    {
      if (this_update > now + 300)
        {
          g_autofree char *date = ck_revocation_format_time (this_update);
          g_autofree char *detail = g_strdup_printf (_("%s is dated in the future (%s)"),
                                                     display_name, date);
          status = ck_revocation_status_new (CK_REVOCATION_STATE_UNKNOWN, NULL, detail);
        }
      else if (next_update != 0 && now > next_update)
        {
          g_autofree char *date = ck_revocation_format_time (next_update);
          /* Translators: a CRL's name ("CRL of Example CA"), then a date */
          g_autofree char *detail = g_strdup_printf (_("%s is out of date since %s"),
                                                     display_name, date);
          status = ck_revocation_status_new (CK_REVOCATION_STATE_UNKNOWN, NULL, detail);
        }
      else
        status = ck_revocation_status_new (CK_REVOCATION_STATE_GOOD, "crl", display_name);
    }
  status->checked_at = this_update;
  status->next_update = next_update;
  return status;
}

CkRevocationStatus *
ck_revocation_store_lookup (CkRevocationStore *self,
                            CkCertificate     *cert,
                            CkCertificate     *issuer,
                            gint64             now)
{
  g_autoptr (GError) error = NULL;
  CkRevocationStatus *status = NULL;
  CkRevocationStatus *crl = NULL;
  sqlite3 *db;

  g_return_val_if_fail (CK_IS_REVOCATION_STORE (self), NULL);
  g_return_val_if_fail (CK_IS_CERTIFICATE (cert) && CK_IS_CERTIFICATE (issuer), NULL);

  if (now == 0)
    now = now_seconds ();
  if (!have_tables (self))
    return ck_revocation_status_new (CK_REVOCATION_STATE_UNKNOWN, NULL,
                                     _("no CRL or OCSP answer is stored for its issuer"));
  ck_store_lock (self->store);
  db = ck_store_get_db (self->store);
  status = lookup_ocsp (db, cert, issuer, now);
  crl = lookup_crl (db, cert, issuer, now, &error);
  ck_store_unlock (self->store);

  /* A revocation on the CRL counts even beside a "good" OCSP answer: it
   * cannot be undone (but certificateHold, which a later answer lifts). */
  if (crl != NULL && crl->state == CK_REVOCATION_STATE_REVOKED &&
      (status == NULL || crl->reason != CK_REVOCATION_CERTIFICATE_HOLD))
    {
      ck_revocation_status_free (status);
      return crl;
    }
  if (status != NULL && (status->state != CK_REVOCATION_STATE_UNKNOWN || crl == NULL ||
                         crl->state != CK_REVOCATION_STATE_GOOD))
    {
      ck_revocation_status_free (crl);
      return status;
    }
  ck_revocation_status_free (status);
  if (crl != NULL)
    return crl;
  if (error != NULL)
    return ck_revocation_status_new (CK_REVOCATION_STATE_UNKNOWN, NULL, error->message);
  return ck_revocation_status_new (CK_REVOCATION_STATE_UNKNOWN, NULL,
                                   _("no CRL or OCSP answer is stored for its issuer"));
}

/* --- OCSP answers and responders --------------------------------------- */

typedef struct {
  CkCertificate *cert;
  CkCertificate *issuer;
  const CkRevocationStatus *status;
  const char *responder;
  GBytes *response;
} PutOcsp;

static gboolean
put_ocsp_in_transaction (CkStore  *store,
                         sqlite3  *db,
                         gpointer  user_data,
                         GError  **error)
{
  PutOcsp *p = user_data;
  sqlite3_stmt *stmt = NULL;
  gsize size;
  const void *data = g_bytes_get_data (p->response, &size);
  int rc;

  if (sqlite3_prepare_v2 (db, "INSERT OR REPLACE INTO revocation_ocsp (certificate_sha256, "
                          "issuer_spki_sha256, state, revoked_at, reason, this_update, "
                          "next_update, responder, response) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                          -1, &stmt, NULL) != SQLITE_OK)
    return ck_store_set_sqlite_error (error, db, _("keeping the OCSP answer"));
  sqlite3_bind_text (stmt, 1, ck_certificate_get_sha256_fingerprint (p->cert), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, ck_certificate_get_spki_sha256 (p->issuer), -1, SQLITE_STATIC);
  sqlite3_bind_int (stmt, 3, p->status->state);
  sqlite3_bind_int64 (stmt, 4, p->status->revoked_at);
  if (p->status->reason >= 0)
    sqlite3_bind_int (stmt, 5, p->status->reason);
  else
    sqlite3_bind_null (stmt, 5);
  sqlite3_bind_int64 (stmt, 6, p->status->checked_at);
  sqlite3_bind_int64 (stmt, 7, p->status->next_update);
  sqlite3_bind_text (stmt, 8, p->responder, -1, SQLITE_STATIC);
  sqlite3_bind_blob (stmt, 9, data, size, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return ck_store_set_sqlite_error (error, db, _("keeping the OCSP answer"));
  return TRUE;
}

gboolean
ck_revocation_store_put_ocsp (CkRevocationStore        *self,
                              CkCertificate            *cert,
                              CkCertificate            *issuer,
                              const CkRevocationStatus *status,
                              const char               *responder,
                              GBytes                   *response,
                              GError                  **error)
{
  PutOcsp p = { cert, issuer, status, responder, response };

  g_return_val_if_fail (CK_IS_REVOCATION_STORE (self), FALSE);

  if (status->next_update == 0 || status->state == CK_REVOCATION_STATE_UNKNOWN)
    return TRUE;
  if (!ensure_tables (self, error) ||
      !ck_store_run_transaction (self->store, put_ocsp_in_transaction, &p, error))
    return FALSE;
  ck_revocation_store_bump_generation (self->store);
  return TRUE;
}

char *
ck_revocation_store_get_responder (CkRevocationStore *self,
                                   CkCertificate     *issuer)
{
  sqlite3_stmt *stmt = NULL;
  char *url = NULL;
  sqlite3 *db;

  g_return_val_if_fail (CK_IS_REVOCATION_STORE (self), NULL);

  if (!have_tables (self))
    return NULL;
  ck_store_lock (self->store);
  db = ck_store_get_db (self->store);
  if (sqlite3_prepare_v2 (db, "SELECT url FROM revocation_responders WHERE issuer_sha256 = ?",
                          -1, &stmt, NULL) == SQLITE_OK)
    {
      sqlite3_bind_text (stmt, 1, ck_certificate_get_sha256_fingerprint (issuer), -1,
                         SQLITE_STATIC);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        url = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
    }
  sqlite3_finalize (stmt);
  ck_store_unlock (self->store);
  return url;
}

typedef struct {
  CkCertificate *issuer;
  const char *url;
} SetResponder;

static gboolean
set_responder_in_transaction (CkStore  *store,
                              sqlite3  *db,
                              gpointer  user_data,
                              GError  **error)
{
  SetResponder *s = user_data;
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db, s->url != NULL
                          ? "INSERT OR REPLACE INTO revocation_responders (issuer_sha256, url) VALUES (?, ?)"
                          : "DELETE FROM revocation_responders WHERE issuer_sha256 = ?",
                          -1, &stmt, NULL) != SQLITE_OK)
    return ck_store_set_sqlite_error (error, db, _("recording the OCSP responder"));
  sqlite3_bind_text (stmt, 1, ck_certificate_get_sha256_fingerprint (s->issuer), -1, SQLITE_STATIC);
  if (s->url != NULL)
    sqlite3_bind_text (stmt, 2, s->url, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return ck_store_set_sqlite_error (error, db, _("recording the OCSP responder"));
  return TRUE;
}

gboolean
ck_revocation_store_set_responder (CkRevocationStore  *self,
                                   CkCertificate      *issuer,
                                   const char         *url,
                                   GError            **error)
{
  SetResponder s = { issuer, url };

  g_return_val_if_fail (CK_IS_REVOCATION_STORE (self), FALSE);

  if (url != NULL && !ck_http_check_url (url, error))
    return FALSE;
  return ensure_tables (self, error) &&
         ck_store_run_transaction (self->store, set_responder_in_transaction, &s, error);
}
