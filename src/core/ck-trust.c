/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ck-trust.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "ck-error.h"
#include "ck-oid.h"
#include "ck-store-private.h"

/* The "trust" module of store.db. One row per (certificate, purpose); no
 * row means "default". The fingerprint and key hash are copied from the
 * certificate (which never changes) so a distrust can be found by key
 * without a join, and the row dies with its certificate through the
 * foreign key: deleting a certificate can never leave a stale decision. */
static const char trust_v1[] =
  "CREATE TABLE trust ("
  "  certificate_id INTEGER NOT NULL"
  "    REFERENCES certificates (id) ON DELETE CASCADE,"
  "  sha256 TEXT NOT NULL,"
  "  spki_sha256 TEXT NOT NULL,"
  "  purpose TEXT NOT NULL,"
  "  level TEXT NOT NULL CHECK (level IN ('trusted', 'distrusted')),"
  "  set_at INTEGER NOT NULL,"
  "  PRIMARY KEY (certificate_id, purpose),"
  "  CHECK (purpose <> '*' OR level = 'distrusted')"
  ");"
  "CREATE INDEX trust_sha256 ON trust (sha256);"
  "CREATE INDEX trust_spki_sha256 ON trust (spki_sha256);"
  /* The verifier looks issuers up by subject; without this, building one
   * chain scans the whole certificates table once per link. */
  "CREATE INDEX IF NOT EXISTS certificates_subject ON certificates (subject);";

/* Whether the public key of the certificate @id (whose SPKI hash is @spki)
 * is still in the store through something else: another certificate, or
 * the key itself. SQL, for the trigger below and for
 * ck_trust_list_kept_on_delete(). */
#define KEY_STAYS(spki, id) \
  "(EXISTS (SELECT 1 FROM certificates AS other WHERE other.spki_sha256 = " spki \
  "         AND other.id <> " id ")" \
  " OR EXISTS (SELECT 1 FROM keys WHERE keys.spki_sha256 = " spki "))"

/* A distrust is for the key ("never accept it, nor anything with the same
 * key"): deleting the certificate it was made on must not lift it while
 * the key is still in the store. Its decision moves to key_distrust, kept
 * for as long as a certificate with that key, or the key, is stored; the
 * triggers do it for whoever deletes (the store, the CLI, a cleanup).
 * The columns are those of the trust row it was. */
static const char trust_v2[] =
  "CREATE TABLE key_distrust ("
  "  spki_sha256 TEXT NOT NULL,"
  "  purpose TEXT NOT NULL,"
  "  sha256 TEXT NOT NULL,"          /* the deleted certificate it was made on */
  "  set_at INTEGER NOT NULL,"
  "  PRIMARY KEY (spki_sha256, purpose)"
  ");"
  "CREATE TRIGGER trust_keep_key_distrust BEFORE DELETE ON certificates "
  "WHEN " KEY_STAYS ("old.spki_sha256", "old.id") " "
  "BEGIN"
  "  INSERT OR IGNORE INTO key_distrust (spki_sha256, purpose, sha256, set_at)"
  "    SELECT spki_sha256, purpose, sha256, set_at FROM trust"
  "    WHERE certificate_id = old.id AND level = 'distrusted';"
  "END;"
  "CREATE TRIGGER trust_key_distrust_certificate_gone AFTER DELETE ON certificates "
  "BEGIN"
  "  DELETE FROM key_distrust WHERE spki_sha256 = old.spki_sha256"
  "    AND NOT EXISTS (SELECT 1 FROM certificates WHERE spki_sha256 = old.spki_sha256)"
  "    AND NOT EXISTS (SELECT 1 FROM keys WHERE spki_sha256 = old.spki_sha256);"
  "END;"
  "CREATE TRIGGER trust_key_distrust_key_gone AFTER DELETE ON keys "
  "BEGIN"
  "  DELETE FROM key_distrust WHERE spki_sha256 = old.spki_sha256"
  "    AND NOT EXISTS (SELECT 1 FROM certificates WHERE spki_sha256 = old.spki_sha256);"
  "END;";

static const CkStoreMigration trust_migrations[] = {
  { 1, trust_v1, NULL },
  { 2, trust_v2, NULL },
  /* Append new versions here; never edit a released one. */
  { 0, NULL, NULL },
};

#define TRUST_COLUMNS "sha256, spki_sha256, certificate_id, purpose, level, set_at"
/* The decisions kept for a key, as trust rows: certificate 0. */
#define KEY_DISTRUST_COLUMNS "sha256, spki_sha256, 0, purpose, 'distrusted', set_at"

struct _CkTrust
{
  GObject parent_instance;

  CkStore *store;
  GListModel *certificates;
  gulong items_changed_id;
};

G_DEFINE_FINAL_TYPE (CkTrust, ck_trust, G_TYPE_OBJECT)
G_DEFINE_BOXED_TYPE (CkTrustSetting, ck_trust_setting,
                     ck_trust_setting_copy, ck_trust_setting_free)

enum {
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

CkTrustSetting *
ck_trust_setting_copy (const CkTrustSetting *setting)
{
  CkTrustSetting *copy = g_new0 (CkTrustSetting, 1);

  *copy = *setting;
  copy->sha256 = g_strdup (setting->sha256);
  copy->spki_sha256 = g_strdup (setting->spki_sha256);
  copy->purpose = g_strdup (setting->purpose);
  return copy;
}

void
ck_trust_setting_free (CkTrustSetting *setting)
{
  if (setting == NULL)
    return;
  g_free (setting->sha256);
  g_free (setting->spki_sha256);
  g_free (setting->purpose);
  g_free (setting);
}

static void
ck_trust_dispose (GObject *object)
{
  CkTrust *self = CK_TRUST (object);

  if (self->items_changed_id != 0)
    g_clear_signal_handler (&self->items_changed_id, self->certificates);
  self->certificates = NULL;
  g_clear_object (&self->store);

  G_OBJECT_CLASS (ck_trust_parent_class)->dispose (object);
}

static void
ck_trust_class_init (CkTrustClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ck_trust_dispose;

  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
ck_trust_init (CkTrust *self)
{
}

/* Whether a certificate with an id in [@first, @last] has a decision:
 * certificates put back by ck_store_restore() come with theirs. New
 * imports never do (ids are never reused), so this is one index probe. */
static gboolean
added_have_decisions (CkTrust *self,
                      gint64   first,
                      gint64   last)
{
  sqlite3 *db;
  sqlite3_stmt *stmt = NULL;
  gboolean found = TRUE;   /* unreadable: let views ask, and show the error */

  ck_store_lock (self->store);
  db = ck_store_get_db (self->store);
  if (sqlite3_prepare_v2 (db, "SELECT EXISTS (SELECT 1 FROM trust WHERE certificate_id "
                          "BETWEEN ?1 AND ?2)", -1, &stmt, NULL) == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, first);
      sqlite3_bind_int64 (stmt, 2, last);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        found = sqlite3_column_int (stmt, 0) != 0;
    }
  sqlite3_finalize (stmt);
  ck_store_unlock (self->store);
  return found;
}

/* A deleted certificate took its decisions with it (ON DELETE CASCADE),
 * a restored one brought them back: tell views that show trust. */
static void
on_certificates_changed (GListModel *model,
                         guint       position,
                         guint       removed,
                         guint       added,
                         CkTrust    *self)
{
  if (added > 0 && removed == 0)
    {
      g_autoptr (CkStoredCertificate) first = g_list_model_get_item (model, position);
      g_autoptr (CkStoredCertificate) last = g_list_model_get_item (model, position + added - 1);

      if (!added_have_decisions (self, ck_stored_certificate_get_id (first),
                                 ck_stored_certificate_get_id (last)))
        return;
    }
  else if (removed == 0 && added == 0 && g_list_model_get_n_items (model) > 0)
    return;
  /* Else rows went, or a lazily opened store (its model still empty)
   * says that certificates came or went. */
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

CkTrust *
ck_trust_new (CkStore  *store,
              GError  **error)
{
  CkTrust *self;

  g_return_val_if_fail (CK_IS_STORE (store), NULL);

  /* Only when needed: migrating takes the write lock, and opening the
   * trust of a store (each CLI command, each window) must not wait for a
   * long import elsewhere nor hold up one. Versions are 1, 2, … in order,
   * so the last is the number of steps. */
  if (ck_store_get_module_version (store, "trust") !=
        (int) G_N_ELEMENTS (trust_migrations) - 1 &&
      !ck_store_migrate_module (store, "trust", trust_migrations, error))
    return NULL;

  self = g_object_new (CK_TYPE_TRUST, NULL);
  self->store = g_object_ref (store);
  self->certificates = ck_store_peek_certificates (store);
  self->items_changed_id = g_signal_connect (self->certificates, "items-changed",
                                             G_CALLBACK (on_certificates_changed),
                                             self);
  return self;
}

CkStore *
ck_trust_get_store (CkTrust *self)
{
  g_return_val_if_fail (CK_IS_TRUST (self), NULL);
  return self->store;
}

static gboolean
purpose_is_valid (const char *purpose)
{
  return purpose != NULL &&
         (g_str_equal (purpose, CK_PURPOSE_ALL) || ck_oid_is_valid (purpose));
}

typedef struct {
  gint64       certificate_id;
  const char  *purpose;
  CkTrustLevel level;
} SetData;

static gboolean
set_in_transaction (CkStore  *store,
                    sqlite3  *db,
                    gpointer  user_data,
                    GError  **error)
{
  SetData *data = user_data;
  sqlite3_stmt *stmt = NULL;
  g_autofree char *sha256 = NULL;
  g_autofree char *spki_sha256 = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db, "SELECT sha256, spki_sha256 FROM certificates "
                          "WHERE id = ?", -1, &stmt, NULL) != SQLITE_OK)
    return ck_store_set_sqlite_error (error, db, _("reading a certificate"));
  sqlite3_bind_int64 (stmt, 1, data->certificate_id);
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      sha256 = ck_row_column_strdup (stmt, 0);
      spki_sha256 = ck_row_column_strdup (stmt, 1);
    }
  sqlite3_finalize (stmt);
  if (rc == SQLITE_DONE)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_NOT_FOUND,
                   _("No certificate with id %lld in the store"),
                   (long long) data->certificate_id);
      return FALSE;
    }
  if (rc != SQLITE_ROW)
    return ck_store_set_sqlite_error (error, db, _("reading a certificate"));

  if (data->level == CK_TRUST_DEFAULT)
    rc = sqlite3_prepare_v2 (db, "DELETE FROM trust WHERE certificate_id = ?1 "
                             "AND purpose = ?2", -1, &stmt, NULL);
  else
    rc = sqlite3_prepare_v2 (db, "INSERT INTO trust (certificate_id, purpose, "
                             "sha256, spki_sha256, level, set_at) "
                             "VALUES (?1, ?2, ?3, ?4, ?5, ?6) "
                             "ON CONFLICT (certificate_id, purpose) DO UPDATE "
                             "SET level = excluded.level, set_at = excluded.set_at",
                             -1, &stmt, NULL);
  if (rc != SQLITE_OK)
    return ck_store_set_sqlite_error (error, db, _("writing a trust decision"));
  sqlite3_bind_int64 (stmt, 1, data->certificate_id);
  sqlite3_bind_text (stmt, 2, data->purpose, -1, SQLITE_STATIC);
  if (data->level != CK_TRUST_DEFAULT)
    {
      sqlite3_bind_text (stmt, 3, sha256, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, spki_sha256, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 5, ck_trust_level_to_string (data->level), -1,
                         SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 6, g_get_real_time () / G_USEC_PER_SEC);
    }
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return ck_store_set_sqlite_error (error, db, _("writing a trust decision"));

  /* "No decision" for this certificate also lifts a distrust kept for its
   * key after the certificate it was made on was deleted: that one can be
   * lifted nowhere else. */
  if (data->level != CK_TRUST_DEFAULT)
    return TRUE;
  if (sqlite3_prepare_v2 (db, "DELETE FROM key_distrust WHERE spki_sha256 = ?1 "
                          "AND purpose = ?2", -1, &stmt, NULL) != SQLITE_OK)
    return ck_store_set_sqlite_error (error, db, _("writing a trust decision"));
  sqlite3_bind_text (stmt, 1, spki_sha256, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, data->purpose, -1, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return ck_store_set_sqlite_error (error, db, _("writing a trust decision"));
  return TRUE;
}

gboolean
ck_trust_set (CkTrust      *self,
              gint64        certificate_id,
              const char   *purpose,
              CkTrustLevel  level,
              GError      **error)
{
  SetData data = { certificate_id, purpose, level };

  g_return_val_if_fail (CK_IS_TRUST (self), FALSE);

  if (!purpose_is_valid (purpose))
    {
      g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                   _("“%s” is not a purpose: use a key-purpose OID such as %s, "
                     "or “*” to distrust for every purpose"),
                   purpose != NULL ? purpose : "", CK_PURPOSE_TLS_SERVER);
      return FALSE;
    }
  if (g_str_equal (purpose, CK_PURPOSE_ALL) && level == CK_TRUST_TRUSTED)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                   _("A certificate can be distrusted for every purpose, but "
                     "trusted only for named purposes"));
      return FALSE;
    }
  if (level != CK_TRUST_DEFAULT && level != CK_TRUST_TRUSTED &&
      level != CK_TRUST_DISTRUSTED)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_INVALID, _("Unknown trust level %d"),
                   (int) level);
      return FALSE;
    }

  if (!ck_store_run_transaction (self->store, set_in_transaction, &data, error))
    return FALSE;
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
  return TRUE;
}

static CkTrustLevel
level_from_string (const char *text)
{
  if (g_strcmp0 (text, "trusted") == 0)
    return CK_TRUST_TRUSTED;
  if (g_strcmp0 (text, "distrusted") == 0)
    return CK_TRUST_DISTRUSTED;
  return CK_TRUST_DEFAULT;
}

static CkTrustSetting *
setting_from_stmt (sqlite3_stmt *stmt)
{
  g_autoptr (CkTrustSetting) setting = g_new0 (CkTrustSetting, 1);
  const char *level = (const char *) sqlite3_column_text (stmt, 4);

  setting->sha256 = ck_row_column_strdup (stmt, 0);
  setting->spki_sha256 = ck_row_column_strdup (stmt, 1);
  setting->certificate_id = sqlite3_column_int64 (stmt, 2);
  setting->purpose = ck_row_column_strdup (stmt, 3);
  setting->level = level_from_string (level);
  setting->set_at = sqlite3_column_int64 (stmt, 5);
  if (setting->sha256 == NULL || setting->spki_sha256 == NULL ||
      setting->purpose == NULL || setting->level == CK_TRUST_DEFAULT)
    return NULL;
  return g_steal_pointer (&setting);
}

/* Runs @sql with up to three text arguments (NULL ones unbound), collecting
 * the rows as CkTrustSetting. NULL with @error set when the decisions
 * cannot be read: never an empty list that would pass for "no decisions". */
static GPtrArray *
query_settings (CkTrust    *self,
                const char *sql,
                const char *arg1,
                const char *arg2,
                const char *arg3,
                GError    **error)
{
  g_autoptr (GPtrArray) settings = g_ptr_array_new_with_free_func ((GDestroyNotify) ck_trust_setting_free);
  sqlite3 *db;
  sqlite3_stmt *stmt = NULL;
  const char *args[] = { arg1, arg2, arg3 };
  gboolean malformed = FALSE;
  int rc;

  ck_store_lock (self->store);
  db = ck_store_get_db (self->store);
  if (sqlite3_prepare_v2 (db, sql, -1, &stmt, NULL) != SQLITE_OK)
    {
      ck_store_set_sqlite_error (error, db, _("reading the trust decisions"));
      ck_store_unlock (self->store);
      return NULL;
    }
  for (int i = 0; i < 3; i++)
    if (args[i] != NULL)
      sqlite3_bind_text (stmt, i + 1, args[i], -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      CkTrustSetting *setting = setting_from_stmt (stmt);

      /* A row this code did not write (a damaged or tampered store) is an
       * error, not a decision to guess at. */
      if (setting == NULL)
        {
          malformed = TRUE;
          break;
        }
      g_ptr_array_add (settings, setting);
    }
  if (malformed)
    g_set_error (error, CK_ERROR, CK_ERROR_STORE,
                 _("store.db: reading the trust decisions: a decision is malformed"));
  else if (rc != SQLITE_DONE)
    ck_store_set_sqlite_error (error, db, _("reading the trust decisions"));
  sqlite3_finalize (stmt);
  ck_store_unlock (self->store);
  if (malformed || rc != SQLITE_DONE)
    return NULL;
  return g_steal_pointer (&settings);
}

CkTrustLevel
ck_trust_get (CkTrust    *self,
              const char *sha256,
              const char *purpose,
              GError    **error)
{
  g_autoptr (GPtrArray) settings = NULL;

  g_return_val_if_fail (CK_IS_TRUST (self), CK_TRUST_DEFAULT);
  g_return_val_if_fail (sha256 != NULL && purpose != NULL, CK_TRUST_DEFAULT);

  settings = query_settings (self, "SELECT " TRUST_COLUMNS " FROM trust "
                             "WHERE sha256 = ?1 AND purpose = ?2",
                             sha256, purpose, NULL, error);
  if (settings == NULL || settings->len == 0)
    return CK_TRUST_DEFAULT;
  return ((CkTrustSetting *) settings->pdata[0])->level;
}

gboolean
ck_trust_is_distrusted (CkTrust         *self,
                        const char      *sha256,
                        const char      *spki_sha256,
                        const char      *purpose,
                        CkTrustSetting **setting,
                        GError         **error)
{
  g_autoptr (GPtrArray) settings = NULL;

  g_return_val_if_fail (CK_IS_TRUST (self), FALSE);

  if (setting != NULL)
    *setting = NULL;
  /* A decision on this very certificate comes first, then one on its
   * key; within each, the one for this purpose before "everything". */
  settings = query_settings (self, "SELECT * FROM ("
                             "SELECT " TRUST_COLUMNS " FROM trust "
                             /* Not "= 'distrusted'": a row that says
                              * neither fails the query, it is not skipped. */
                             "WHERE level <> 'trusted' "
                             "AND (purpose = ?3 OR purpose = '*') "
                             "AND (sha256 = ?1 OR spki_sha256 = ?2) "
                             "UNION ALL SELECT " KEY_DISTRUST_COLUMNS " FROM key_distrust "
                             "WHERE (purpose = ?3 OR purpose = '*') AND spki_sha256 = ?2) "
                             "ORDER BY sha256 = ?1 DESC, purpose = '*', set_at",
                             sha256 != NULL ? sha256 : "",
                             spki_sha256 != NULL ? spki_sha256 : "",
                             purpose != NULL ? purpose : CK_PURPOSE_ALL,
                             error);
  if (settings == NULL || settings->len == 0)
    return FALSE;
  if (setting != NULL)
    *setting = g_ptr_array_steal_index (settings, 0);
  return TRUE;
}

GPtrArray *
ck_trust_list (CkTrust    *self,
               const char *sha256,
               GError    **error)
{
  g_return_val_if_fail (CK_IS_TRUST (self), NULL);

  if (sha256 != NULL)
    return query_settings (self, "SELECT " TRUST_COLUMNS " FROM trust "
                           "WHERE sha256 = ?1 ORDER BY certificate_id, purpose",
                           sha256, NULL, NULL, error);
  return query_settings (self, "SELECT " TRUST_COLUMNS " FROM trust "
                         "UNION ALL SELECT " KEY_DISTRUST_COLUMNS " FROM key_distrust "
                         "ORDER BY certificate_id, purpose", NULL, NULL, NULL,
                         error);
}

gboolean
ck_trust_is_kept_for_key (CkTrust     *self,
                          const char  *spki_sha256,
                          const char  *purpose,
                          GError     **error)
{
  g_autoptr (GPtrArray) settings = NULL;

  g_return_val_if_fail (CK_IS_TRUST (self), FALSE);
  g_return_val_if_fail (spki_sha256 != NULL && purpose != NULL, FALSE);

  settings = query_settings (self, "SELECT " KEY_DISTRUST_COLUMNS " FROM key_distrust "
                             "WHERE spki_sha256 = ?1 AND purpose = ?2",
                             spki_sha256, purpose, NULL, error);
  return settings != NULL && settings->len > 0;
}

GPtrArray *
ck_trust_list_kept_on_delete (CkTrust  *self,
                              gint64    certificate_id,
                              GError  **error)
{
  g_autofree char *id = g_strdup_printf ("%" G_GINT64_FORMAT, certificate_id);

  g_return_val_if_fail (CK_IS_TRUST (self), NULL);

  /* The condition of the trust_keep_key_distrust trigger. */
  return query_settings (self, "SELECT " TRUST_COLUMNS " FROM trust "
                         "WHERE certificate_id = ?1 AND level = 'distrusted' AND "
                         "EXISTS (SELECT 1 FROM certificates AS c WHERE c.id = ?1 AND "
                         KEY_STAYS ("c.spki_sha256", "c.id") ") ORDER BY purpose",
                         id, NULL, NULL, error);
}

const char *
ck_trust_level_to_string (CkTrustLevel level)
{
  switch (level)
    {
    case CK_TRUST_TRUSTED:
      return "trusted";
    case CK_TRUST_DISTRUSTED:
      return "distrusted";
    case CK_TRUST_DEFAULT:
    default:
      return "default";
    }
}

static const struct {
  const char *short_name;
  const char *oid;
  const char *display_name;
} known_purposes[] = {
  { "tls-server", CK_PURPOSE_TLS_SERVER, N_("TLS server") },
  { "tls-client", CK_PURPOSE_TLS_CLIENT, N_("TLS client") },
  { "code-signing", CK_PURPOSE_CODE_SIGNING, N_("Code signing") },
  { "email", CK_PURPOSE_EMAIL, N_("Email protection") },
  { "all", CK_PURPOSE_ALL, N_("All purposes") },
};

const char *
ck_purpose_get_display_name (const char *purpose)
{
  const char *name;

  g_return_val_if_fail (purpose != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (known_purposes); i++)
    if (g_str_equal (purpose, known_purposes[i].oid))
      return _(known_purposes[i].display_name);
  name = ck_oid_get_display_name (purpose);
  return name != NULL ? name : purpose;
}

const char *
ck_purpose_from_string (const char *text)
{
  g_return_val_if_fail (text != NULL, NULL);

  for (guint i = 0; i < G_N_ELEMENTS (known_purposes); i++)
    if (g_ascii_strcasecmp (text, known_purposes[i].short_name) == 0 ||
        g_str_equal (text, known_purposes[i].oid))
      return known_purposes[i].oid;
  if (ck_oid_is_valid (text))
    return text;
  return NULL;
}
