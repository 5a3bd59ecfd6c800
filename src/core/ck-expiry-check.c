/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ck-expiry-check.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "ck-error.h"
#include "ck-expiry-check-private.h"
#include "ck-store-private.h"
#include "ck-token.h"

#define DAY (G_GINT64_CONSTANT (24) * 60 * 60)

/* The "expiry" module of store.db: one row per certificate whose watch the
 * user set; no row means "default". The row dies with its certificate. */
static const char expiry_v1[] =
  "CREATE TABLE expiry_watch ("
  "  certificate_id INTEGER PRIMARY KEY"
  "    REFERENCES certificates (id) ON DELETE CASCADE,"
  "  watch TEXT NOT NULL CHECK (watch IN ('on', 'off')),"
  "  set_at INTEGER NOT NULL"
  ");";

/* v2: which certificate a request renews (made by "Renew…" or
 * `certkeeper-cli renew`). Once the request is issued (its certificate
 * imported) the old certificate is "renewed by" that certificate. */
static const char expiry_v2[] =
  "CREATE TABLE expiry_renewal ("
  "  request_id INTEGER PRIMARY KEY"
  "    REFERENCES requests (id) ON DELETE CASCADE,"
  "  certificate_id INTEGER NOT NULL"
  "    REFERENCES certificates (id) ON DELETE CASCADE,"
  "  created_at INTEGER NOT NULL"
  ");"
  "CREATE INDEX expiry_renewal_certificate ON expiry_renewal (certificate_id);";

static const CkStoreMigration expiry_migrations[] = {
  { 1, expiry_v1, NULL },
  { 2, expiry_v2, NULL },
  /* Append new versions here; never edit a released one. */
  { 0, NULL, NULL },
};

struct _CkExpiryCheck
{
  GObject parent_instance;

  CkStore *store;
};

G_DEFINE_FINAL_TYPE (CkExpiryCheck, ck_expiry_check, G_TYPE_OBJECT)
G_DEFINE_BOXED_TYPE (CkExpiryItem, ck_expiry_item,
                     ck_expiry_item_copy, ck_expiry_item_free)

CkExpiryItem *
ck_expiry_item_copy (const CkExpiryItem *item)
{
  CkExpiryItem *copy = g_new0 (CkExpiryItem, 1);

  *copy = *item;
  copy->certificate = item->certificate != NULL ? g_object_ref (item->certificate) : NULL;
  copy->key = item->key != NULL ? g_object_ref (item->key) : NULL;
  copy->request = item->request != NULL ? g_object_ref (item->request) : NULL;
  copy->renewed_by = item->renewed_by != NULL ? g_object_ref (item->renewed_by) : NULL;
  copy->token_label = g_strdup (item->token_label);
  return copy;
}

void
ck_expiry_item_free (CkExpiryItem *item)
{
  if (item == NULL)
    return;
  g_clear_object (&item->certificate);
  g_clear_object (&item->key);
  g_clear_object (&item->request);
  g_clear_object (&item->renewed_by);
  g_free (item->token_label);
  g_free (item);
}

static void
ck_expiry_check_dispose (GObject *object)
{
  CkExpiryCheck *self = CK_EXPIRY_CHECK (object);

  g_clear_object (&self->store);

  G_OBJECT_CLASS (ck_expiry_check_parent_class)->dispose (object);
}

static void
ck_expiry_check_class_init (CkExpiryCheckClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = ck_expiry_check_dispose;
}

static void
ck_expiry_check_init (CkExpiryCheck *self)
{
}

CkExpiryCheck *
ck_expiry_check_new (CkStore  *store,
                     GError  **error)
{
  CkExpiryCheck *self;

  g_return_val_if_fail (CK_IS_STORE (store), NULL);

  /* Only when needed: migrating takes the write lock, and a check (from
   * cron, say) must not wait for a long import in the window. Versions
   * are 1, 2, … in order, so the last is the number of steps. */
  if (ck_store_get_module_version (store, "expiry") !=
        (int) G_N_ELEMENTS (expiry_migrations) - 1 &&
      !ck_store_migrate_module (store, "expiry", expiry_migrations, error))
    return NULL;

  self = g_object_new (CK_TYPE_EXPIRY_CHECK, NULL);
  self->store = g_object_ref (store);
  return self;
}

const char *
ck_key_location_to_string (CkKeyLocation location)
{
  switch (location)
    {
    case CK_KEY_LOCATION_STORE:
      return "store";
    case CK_KEY_LOCATION_TOKEN:
      return "token";
    case CK_KEY_LOCATION_NONE:
    default:
      return "none";
    }
}

const char *
ck_expiry_watch_to_string (CkExpiryWatch watch)
{
  switch (watch)
    {
    case CK_EXPIRY_WATCH_ON:
      return "on";
    case CK_EXPIRY_WATCH_OFF:
      return "off";
    case CK_EXPIRY_WATCH_DEFAULT:
    default:
      return "default";
    }
}

gboolean
ck_expiry_watch_from_string (const char    *text,
                             CkExpiryWatch *watch)
{
  static const CkExpiryWatch all[] = {
    CK_EXPIRY_WATCH_DEFAULT, CK_EXPIRY_WATCH_ON, CK_EXPIRY_WATCH_OFF,
  };

  for (guint i = 0; text != NULL && i < G_N_ELEMENTS (all); i++)
    if (g_str_equal (text, ck_expiry_watch_to_string (all[i])))
      {
        *watch = all[i];
        return TRUE;
      }
  return FALSE;
}

/* certificate id -> CkExpiryWatch, for every certificate with a setting. */
static GHashTable *
read_watch_settings (CkExpiryCheck  *self,
                     GError        **error)
{
  g_autoptr (GHashTable) settings = g_hash_table_new_full (g_int64_hash, g_int64_equal,
                                                           g_free, NULL);
  sqlite3 *db;
  sqlite3_stmt *stmt = NULL;
  int rc;

  ck_store_lock (self->store);
  db = ck_store_get_db (self->store);
  if (sqlite3_prepare_v2 (db, "SELECT certificate_id, watch FROM expiry_watch",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      ck_store_set_sqlite_error (error, db, _("reading the expiry watch"));
      ck_store_unlock (self->store);
      return NULL;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 *id = g_new (gint64, 1);
      const char *text = (const char *) sqlite3_column_text (stmt, 1);
      CkExpiryWatch watch = CK_EXPIRY_WATCH_DEFAULT;

      *id = sqlite3_column_int64 (stmt, 0);
      ck_expiry_watch_from_string (text, &watch);
      g_hash_table_insert (settings, id, GINT_TO_POINTER (watch));
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      ck_store_set_sqlite_error (error, db, _("reading the expiry watch"));
      ck_store_unlock (self->store);
      return NULL;
    }
  ck_store_unlock (self->store);
  return g_steal_pointer (&settings);
}

/* Which pending request is newer: the later created, then the higher id. */
static gboolean
request_is_newer (CkStoredRequest *a,
                  CkStoredRequest *b)
{
  if (b == NULL)
    return TRUE;
  if (ck_stored_request_get_created_at (a) != ck_stored_request_get_created_at (b))
    return ck_stored_request_get_created_at (a) > ck_stored_request_get_created_at (b);
  return ck_stored_request_get_id (a) > ck_stored_request_get_id (b);
}

static void
index_newest (GHashTable      *index,
              const char      *key,
              CkStoredRequest *request)
{
  if (key != NULL && *key != '\0' &&
      request_is_newer (request, g_hash_table_lookup (index, key)))
    g_hash_table_insert (index, (gpointer) key, request);
}

/* The newest pending request by SPKI SHA-256 and by subject, in one pass
 * (transfer none: rows of the store's model), so that a check of many
 * certificates stays linear. */
typedef struct {
  GHashTable *by_spki;
  GHashTable *by_subject;
} PendingIndex;

static void
pending_index_init (PendingIndex *index,
                    CkStore      *store)
{
  GListModel *requests = ck_store_get_requests (store);
  guint n = g_list_model_get_n_items (requests);

  index->by_spki = g_hash_table_new (g_str_hash, g_str_equal);
  index->by_subject = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (CkStoredRequest) row = g_list_model_get_item (requests, i);

      if (ck_stored_request_get_status (row) != CK_REQUEST_STATUS_PENDING)
        continue;
      index_newest (index->by_spki, ck_stored_request_get_spki_sha256 (row), row);
      index_newest (index->by_subject, ck_stored_request_get_subject (row), row);
    }
}

static void
pending_index_clear (PendingIndex *index)
{
  g_clear_pointer (&index->by_spki, g_hash_table_unref);
  g_clear_pointer (&index->by_subject, g_hash_table_unref);
}

/* The newest pending request for @certificate's key or subject. */
static CkStoredRequest *
find_pending_request (PendingIndex        *index,
                      CkStoredCertificate *certificate)
{
  const char *subject = ck_stored_certificate_get_subject (certificate);
  CkStoredRequest *by_key = g_hash_table_lookup (index->by_spki,
                                                 ck_stored_certificate_get_spki_sha256 (certificate));
  CkStoredRequest *by_subject = subject != NULL ? g_hash_table_lookup (index->by_subject, subject)
                                                : NULL;

  if (by_key == NULL)
    return by_subject;
  if (by_subject == NULL || request_is_newer (by_key, by_subject))
    return by_key;
  return by_subject;
}

/* subject -> the certificate with that subject that expires last
 * (transfer none: rows of the store's model). */
static GHashTable *
index_latest_by_subject (GListModel *certificates)
{
  GHashTable *latest = g_hash_table_new (g_str_hash, g_str_equal);
  guint n = g_list_model_get_n_items (certificates);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (CkStoredCertificate) row = g_list_model_get_item (certificates, i);
      const char *subject = ck_stored_certificate_get_subject (row);
      CkStoredCertificate *best;

      if (subject == NULL || *subject == '\0')
        continue;
      best = g_hash_table_lookup (latest, subject);
      if (best == NULL ||
          ck_stored_certificate_get_not_after (row) > ck_stored_certificate_get_not_after (best))
        g_hash_table_insert (latest, (gpointer) subject, row);
    }
  return latest;
}

static gboolean
certificate_id_differs (CkStoredCertificate *certificate,
                        gint64               id)
{
  return ck_stored_certificate_get_id (certificate) != id;
}

static int
compare_items (gconstpointer a,
               gconstpointer b)
{
  const CkExpiryItem *x = *(CkExpiryItem * const *) a;
  const CkExpiryItem *y = *(CkExpiryItem * const *) b;
  gint64 ax = ck_stored_certificate_get_not_after (x->certificate);
  gint64 ay = ck_stored_certificate_get_not_after (y->certificate);
  gint64 ix = ck_stored_certificate_get_id (x->certificate);
  gint64 iy = ck_stored_certificate_get_id (y->certificate);

  if (ax != ay)
    return ax < ay ? -1 : 1;
  return ix < iy ? -1 : ix > iy;
}

gboolean
ck_expiry_is_due (gint64 not_after,
                  gint64 now,
                  guint  days)
{
  /* not_after - now cannot overflow for the times a certificate holds
   * (GeneralizedTime ends in 9999) and a real clock. */
  return not_after < now || not_after - now <= (gint64) days * DAY;
}

/* certificate id -> GArray of the ids of the requests that renew it. */
static GHashTable *
read_renewals (CkExpiryCheck  *self,
               GError        **error)
{
  g_autoptr (GHashTable) renewals = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                                           (GDestroyNotify) g_array_unref);
  sqlite3 *db;
  sqlite3_stmt *stmt = NULL;
  int rc;

  ck_store_lock (self->store);
  db = ck_store_get_db (self->store);
  if (sqlite3_prepare_v2 (db, "SELECT certificate_id, request_id FROM expiry_renewal "
                              "ORDER BY request_id", -1, &stmt, NULL) != SQLITE_OK)
    {
      ck_store_set_sqlite_error (error, db, _("reading the renewals"));
      ck_store_unlock (self->store);
      return NULL;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 certificate_id = sqlite3_column_int64 (stmt, 0);
      gint64 request_id = sqlite3_column_int64 (stmt, 1);
      GArray *ids = g_hash_table_lookup (renewals, &certificate_id);

      if (ids == NULL)
        {
          ids = g_array_new (FALSE, FALSE, sizeof (gint64));
          g_hash_table_insert (renewals, g_memdup2 (&certificate_id, sizeof certificate_id), ids);
        }
      g_array_append_val (ids, request_id);
    }
  sqlite3_finalize (stmt);
  ck_store_unlock (self->store);
  if (rc != SQLITE_DONE)
    {
      ck_store_set_sqlite_error (error, db, _("reading the renewals"));
      return NULL;
    }
  return g_steal_pointer (&renewals);
}

/* What one run reads once: the settings, the renewals and the indexes. */
typedef struct {
  GHashTable   *settings;
  GHashTable   *renewals;
  GHashTable   *latest;
  PendingIndex  pending;
} CheckContext;

static gboolean
check_context_init (CheckContext   *ctx,
                    CkExpiryCheck  *self,
                    GError        **error)
{
  memset (ctx, 0, sizeof *ctx);
  ctx->settings = read_watch_settings (self, error);
  if (ctx->settings == NULL)
    return FALSE;
  ctx->renewals = read_renewals (self, error);
  if (ctx->renewals == NULL)
    {
      g_clear_pointer (&ctx->settings, g_hash_table_unref);
      return FALSE;
    }
  ctx->latest = index_latest_by_subject (ck_store_get_certificates (self->store));
  pending_index_init (&ctx->pending, self->store);
  return TRUE;
}

static void
check_context_clear (CheckContext *ctx)
{
  g_clear_pointer (&ctx->settings, g_hash_table_unref);
  g_clear_pointer (&ctx->renewals, g_hash_table_unref);
  g_clear_pointer (&ctx->latest, g_hash_table_unref);
  pending_index_clear (&ctx->pending);
}

/* The renewal requests made for @id: the certificate issued for the last
 * of them that came back (*@issued), and the newest still pending. */
static void
find_linked_renewal (CkExpiryCheck        *self,
                     CheckContext         *ctx,
                     gint64                id,
                     CkStoredCertificate **issued,
                     CkStoredRequest     **pending)
{
  GArray *ids = g_hash_table_lookup (ctx->renewals, &id);

  *issued = NULL;
  *pending = NULL;
  for (guint i = 0; ids != NULL && i < ids->len; i++)
    {
      CkStoredRequest *request = ck_store_get_request_row (self->store,
                                                           g_array_index (ids, gint64, i));
      CkStoredCertificate *certificate;

      if (request == NULL)
        continue;
      if (ck_stored_request_get_status (request) == CK_REQUEST_STATUS_PENDING)
        {
          if (request_is_newer (request, *pending))
            *pending = request;
          continue;
        }
      certificate = ck_store_get_certificate_row (self->store,
                                                  ck_stored_request_get_certificate_id (request));
      if (certificate != NULL && certificate_id_differs (certificate, id) &&
          (*issued == NULL ||
           ck_stored_certificate_get_not_after (certificate) >
             ck_stored_certificate_get_not_after (*issued)))
        *issued = certificate;
    }
}

static CkExpiryItem *
make_item (CkExpiryCheck       *self,
           CheckContext        *ctx,
           CkStoredCertificate *row,
           gint64               now,
           guint                days)
{
  gint64 id = ck_stored_certificate_get_id (row);
  gint64 not_after = ck_stored_certificate_get_not_after (row);
  CkExpiryItem *item = g_new0 (CkExpiryItem, 1);
  CkStoredCertificate *newest;
  CkStoredCertificate *linked_issued;
  CkStoredRequest *linked_pending;
  CkStoredKey *key = NULL;
  gint64 key_id;

  key_id = ck_store_find_key (self->store, ck_stored_certificate_get_spki_sha256 (row));
  if (key_id > 0)
    key = ck_store_get_key_row (self->store, key_id);

  item->certificate = g_object_ref (row);
  item->expired = not_after < now;
  item->seconds_left = not_after - now;
  item->days_left = item->seconds_left / DAY;
  item->watch = GPOINTER_TO_INT (g_hash_table_lookup (ctx->settings, &id));

  /* Renewed: by the certificate that came back for a renewal request made
   * for this one, else by a newer certificate for the same subject that
   * outlasts the window. */
  find_linked_renewal (self, ctx, id, &linked_issued, &linked_pending);
  newest = g_hash_table_lookup (ctx->latest, ck_stored_certificate_get_subject (row));
  if (linked_issued != NULL)
    item->renewed_by = g_object_ref (linked_issued);
  else if (newest != NULL && newest != row &&
           !ck_expiry_is_due (ck_stored_certificate_get_not_after (newest), now, days))
    item->renewed_by = g_object_ref (newest);
  item->watched = item->renewed_by == NULL &&
                  (item->watch == CK_EXPIRY_WATCH_ON ||
                   (item->watch == CK_EXPIRY_WATCH_DEFAULT && key != NULL));
  if (key != NULL)
    {
      item->key = g_object_ref (key);
      if (ck_stored_key_get_pkcs11_uri (key) != NULL)
        {
          item->key_location = CK_KEY_LOCATION_TOKEN;
          item->token_label = ck_token_label_from_uri (ck_stored_key_get_pkcs11_uri (key));
        }
      else
        item->key_location = CK_KEY_LOCATION_STORE;
    }
  item->request = linked_pending != NULL ? linked_pending : find_pending_request (&ctx->pending, row);
  if (item->request != NULL)
    g_object_ref (item->request);
  return item;
}

GPtrArray *
ck_expiry_check_run (CkExpiryCheck       *self,
                     gint64               now,
                     guint                days,
                     CkExpiryCheckFlags   flags,
                     GError             **error)
{
  g_autoptr (GPtrArray) items = NULL;
  CheckContext ctx;
  GListModel *certificates;
  guint n;

  g_return_val_if_fail (CK_IS_EXPIRY_CHECK (self), NULL);

  if (!check_context_init (&ctx, self, error))
    return NULL;

  items = g_ptr_array_new_with_free_func ((GDestroyNotify) ck_expiry_item_free);
  certificates = ck_store_get_certificates (self->store);
  n = g_list_model_get_n_items (certificates);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (CkStoredCertificate) row = g_list_model_get_item (certificates, i);
      CkExpiryItem *item;

      if (!ck_expiry_is_due (ck_stored_certificate_get_not_after (row), now, days))
        continue;
      item = make_item (self, &ctx, row, now, days);
      if (!item->watched && !(flags & CK_EXPIRY_CHECK_ALL))
        {
          ck_expiry_item_free (item);
          continue;
        }
      g_ptr_array_add (items, item);
    }

  check_context_clear (&ctx);
  g_ptr_array_sort (items, compare_items);
  return g_steal_pointer (&items);
}

CkExpiryItem *
ck_expiry_check_get_item (CkExpiryCheck  *self,
                          gint64          certificate_id,
                          gint64          now,
                          guint           days,
                          GError        **error)
{
  CkStoredCertificate *row;
  CkExpiryItem *item;
  CheckContext ctx;

  g_return_val_if_fail (CK_IS_EXPIRY_CHECK (self), NULL);

  row = ck_store_get_certificate_row (self->store, certificate_id);
  if (row == NULL)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_NOT_FOUND,
                   _("No certificate with id %lld in the store"), (long long) certificate_id);
      return NULL;
    }
  if (!check_context_init (&ctx, self, error))
    return NULL;
  item = make_item (self, &ctx, row, now, days);
  check_context_clear (&ctx);
  return item;
}

gboolean
ck_expiry_record_renewal_in_db (sqlite3  *db,
                                gint64    request_id,
                                gint64    certificate_id,
                                GError  **error)
{
  sqlite3_stmt *stmt = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db,
                          "INSERT INTO expiry_renewal (request_id, certificate_id, created_at) "
                          "VALUES (?, ?, ?) ON CONFLICT (request_id) DO UPDATE "
                          "SET certificate_id = excluded.certificate_id",
                          -1, &stmt, NULL) != SQLITE_OK)
    return ck_store_set_sqlite_error (error, db, _("recording the renewal"));
  sqlite3_bind_int64 (stmt, 1, request_id);
  sqlite3_bind_int64 (stmt, 2, certificate_id);
  sqlite3_bind_int64 (stmt, 3, g_get_real_time () / G_USEC_PER_SEC);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return ck_store_set_sqlite_error (error, db, _("recording the renewal"));
  return TRUE;
}

gint64
ck_expiry_check_get_renewed_certificate (CkExpiryCheck *self,
                                         gint64         request_id)
{
  gint64 certificate_id = 0;
  sqlite3 *db;
  sqlite3_stmt *stmt = NULL;

  g_return_val_if_fail (CK_IS_EXPIRY_CHECK (self), 0);

  ck_store_lock (self->store);
  db = ck_store_get_db (self->store);
  if (sqlite3_prepare_v2 (db, "SELECT certificate_id FROM expiry_renewal WHERE request_id = ?",
                          -1, &stmt, NULL) == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, request_id);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        certificate_id = sqlite3_column_int64 (stmt, 0);
    }
  sqlite3_finalize (stmt);
  ck_store_unlock (self->store);
  return certificate_id;
}

typedef struct {
  gint64        certificate_id;
  CkExpiryWatch watch;
} SetData;

static gboolean
set_in_transaction (CkStore  *store,
                    sqlite3  *db,
                    gpointer  user_data,
                    GError  **error)
{
  SetData *data = user_data;
  sqlite3_stmt *stmt = NULL;
  int rc;

  /* In the transaction (the lock is recursive), so that the certificate
   * cannot go between this look and the write. */
  if (ck_store_get_kind (store, data->certificate_id) != CK_OBJECT_CERTIFICATE)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_NOT_FOUND,
                   _("No certificate with id %lld in the store"),
                   (long long) data->certificate_id);
      return FALSE;
    }

  if (data->watch == CK_EXPIRY_WATCH_DEFAULT)
    {
      if (sqlite3_prepare_v2 (db, "DELETE FROM expiry_watch WHERE certificate_id = ?",
                              -1, &stmt, NULL) != SQLITE_OK)
        return ck_store_set_sqlite_error (error, db, _("writing the expiry watch"));
      sqlite3_bind_int64 (stmt, 1, data->certificate_id);
    }
  else
    {
      if (sqlite3_prepare_v2 (db,
                              "INSERT INTO expiry_watch (certificate_id, watch, set_at) "
                              "VALUES (?, ?, ?) ON CONFLICT (certificate_id) DO UPDATE "
                              "SET watch = excluded.watch, set_at = excluded.set_at",
                              -1, &stmt, NULL) != SQLITE_OK)
        return ck_store_set_sqlite_error (error, db, _("writing the expiry watch"));
      sqlite3_bind_int64 (stmt, 1, data->certificate_id);
      sqlite3_bind_text (stmt, 2, ck_expiry_watch_to_string (data->watch), -1, SQLITE_STATIC);
      sqlite3_bind_int64 (stmt, 3, g_get_real_time () / G_USEC_PER_SEC);
    }
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return ck_store_set_sqlite_error (error, db, _("writing the expiry watch"));
  return TRUE;
}

gboolean
ck_expiry_check_set_watch (CkExpiryCheck  *self,
                           gint64          certificate_id,
                           CkExpiryWatch   watch,
                           GError        **error)
{
  SetData data = { certificate_id, watch };

  g_return_val_if_fail (CK_IS_EXPIRY_CHECK (self), FALSE);
  g_return_val_if_fail (watch == CK_EXPIRY_WATCH_DEFAULT ||
                        watch == CK_EXPIRY_WATCH_ON ||
                        watch == CK_EXPIRY_WATCH_OFF, FALSE);

  return ck_store_run_transaction (self->store, set_in_transaction, &data, error);
}

CkExpiryWatch
ck_expiry_check_get_watch (CkExpiryCheck *self,
                           gint64         certificate_id)
{
  CkExpiryWatch watch = CK_EXPIRY_WATCH_DEFAULT;
  sqlite3 *db;
  sqlite3_stmt *stmt = NULL;

  g_return_val_if_fail (CK_IS_EXPIRY_CHECK (self), CK_EXPIRY_WATCH_DEFAULT);

  ck_store_lock (self->store);
  db = ck_store_get_db (self->store);
  if (sqlite3_prepare_v2 (db, "SELECT watch FROM expiry_watch WHERE certificate_id = ?",
                          -1, &stmt, NULL) == SQLITE_OK)
    {
      sqlite3_bind_int64 (stmt, 1, certificate_id);
      if (sqlite3_step (stmt) == SQLITE_ROW)
        ck_expiry_watch_from_string ((const char *) sqlite3_column_text (stmt, 0), &watch);
    }
  sqlite3_finalize (stmt);
  ck_store_unlock (self->store);
  return watch;
}
