/* SPDX-License-Identifier: GPL-3.0-or-later */
#undef G_LOG_DOMAIN
#define G_LOG_DOMAIN "certkeeper-vault"

#include "ck-key-vault.h"

#include <glib/gi18n-lib.h>
#include <gnutls/crypto.h>
#include <string.h>

#include "ck-error.h"
#include "ck-store-private.h"
#include "ck-utils.h"

/* The "key-vault" module of store.db: one row, the KDF's parameters and
 * the verifier. The sealed keys themselves are in keys.pkcs8. */
static const char vault_v1[] =
  "CREATE TABLE key_vault ("
  "  id INTEGER PRIMARY KEY CHECK (id = 1),"
  "  kdf TEXT NOT NULL CHECK (kdf = 'pbkdf2-hmac-sha256'),"
  "  iterations INTEGER NOT NULL,"
  "  salt BLOB NOT NULL,"
  "  verifier BLOB NOT NULL,"
  "  created_at INTEGER NOT NULL,"
  "  changed_at INTEGER"
  ");";

static const CkStoreMigration vault_migrations[] = {
  { 1, vault_v1, NULL },
  /* Append new versions here; never edit a released one. */
  { 0, NULL, NULL },
};

#define KEK_SIZE 32
#define SALT_SIZE 32
#define NONCE_SIZE 12
#define TAG_SIZE 16
/* A sealed blob: MAGIC, nonce, ciphertext, tag. A PKCS#8 blob starts with
 * 0x30 (a DER SEQUENCE), so the two forms cannot be confused. */
#define MAGIC "CKW1"
#define MAGIC_SIZE 4
#define KEY_AD_PREFIX "certkeeper sealed key v1 "
#define VERIFIER_AD "certkeeper key vault verifier v1"
#define VERIFIER_PLAIN_SIZE 32

struct _CkKeyVault
{
  GObject parent_instance;

  /* Not a reference: the store owns the vault (as qdata). */
  CkStore *store;

  GMutex mutex;
  gboolean unlocked;
  guint8 kek[KEK_SIZE];
  /* HMAC-SHA256 of the passphrase the vault was unlocked with, under a
   * random key of this process: tells "the same passphrase again" without
   * keeping it or running the KDF. */
  guint8 session_key[32];
  guint8 passphrase_tag[32];
};

G_DEFINE_FINAL_TYPE (CkKeyVault, ck_key_vault, G_TYPE_OBJECT)

static GQuark vault_quark;
G_LOCK_DEFINE_STATIC (vault_get);

static void
ck_key_vault_finalize (GObject *object)
{
  CkKeyVault *self = CK_KEY_VAULT (object);

  gnutls_memset (self->kek, 0, sizeof self->kek);
  gnutls_memset (self->session_key, 0, sizeof self->session_key);
  gnutls_memset (self->passphrase_tag, 0, sizeof self->passphrase_tag);
  g_mutex_clear (&self->mutex);

  G_OBJECT_CLASS (ck_key_vault_parent_class)->finalize (object);
}

static void
ck_key_vault_class_init (CkKeyVaultClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ck_key_vault_finalize;
  vault_quark = g_quark_from_static_string ("ck-key-vault");
}

static void
ck_key_vault_init (CkKeyVault *self)
{
  g_mutex_init (&self->mutex);
}

CkKeyVault *
ck_key_vault_get (CkStore *store)
{
  CkKeyVault *self;

  g_return_val_if_fail (CK_IS_STORE (store), NULL);

  G_LOCK (vault_get);
  g_type_ensure (CK_TYPE_KEY_VAULT);
  self = g_object_get_qdata (G_OBJECT (store), vault_quark);
  if (self == NULL)
    {
      self = g_object_new (CK_TYPE_KEY_VAULT, NULL);
      self->store = store;
      g_object_set_qdata_full (G_OBJECT (store), vault_quark, self, g_object_unref);
    }
  G_UNLOCK (vault_get);
  return self;
}

/* --- Crypto ------------------------------------------------------------- */

static gboolean
derive_kek (const char   *passphrase,
            const guint8 *salt,
            gsize         salt_len,
            guint         iterations,
            guint8        kek[KEK_SIZE],
            GError      **error)
{
  gnutls_datum_t key = { (unsigned char *) passphrase, strlen (passphrase) };
  gnutls_datum_t s = { (unsigned char *) salt, salt_len };
  int ret;

  ret = gnutls_pbkdf2 (GNUTLS_MAC_SHA256, &key, &s, iterations, kek, KEK_SIZE);
  if (ret < 0)
    {
      ck_set_gnutls_error (error, ret, _("cannot derive the store key"));
      return FALSE;
    }
  return TRUE;
}

/* MAGIC ‖ nonce ‖ AES-256-GCM(@kek, nonce, @ad, @plain) ‖ tag */
static GBytes *
seal (const guint8  kek[KEK_SIZE],
      const void   *ad,
      gsize         ad_len,
      const void   *plain,
      gsize         plain_len,
      GError      **error)
{
  gnutls_aead_cipher_hd_t h = NULL;
  gnutls_datum_t k = { (unsigned char *) kek, KEK_SIZE };
  gsize out_len = MAGIC_SIZE + NONCE_SIZE + plain_len + TAG_SIZE;
  guint8 *out = g_malloc (out_len);
  size_t ct_len = plain_len + TAG_SIZE;
  int ret;

  memcpy (out, MAGIC, MAGIC_SIZE);
  ret = gnutls_rnd (GNUTLS_RND_NONCE, out + MAGIC_SIZE, NONCE_SIZE);
  if (ret >= 0)
    ret = gnutls_aead_cipher_init (&h, GNUTLS_CIPHER_AES_256_GCM, &k);
  if (ret >= 0)
    ret = gnutls_aead_cipher_encrypt (h, out + MAGIC_SIZE, NONCE_SIZE, ad, ad_len,
                                      TAG_SIZE, plain, plain_len,
                                      out + MAGIC_SIZE + NONCE_SIZE, &ct_len);
  if (h != NULL)
    gnutls_aead_cipher_deinit (h);
  if (ret < 0)
    {
      g_free (out);
      ck_set_gnutls_error (error, ret, _("cannot seal the key"));
      return NULL;
    }
  return g_bytes_new_take (out, MAGIC_SIZE + NONCE_SIZE + ct_len);
}

/* The plain bytes (wiped when freed), or NULL when @blob does not open
 * under @kek with @ad (a wrong key, a damaged or moved blob). */
static GBytes *
unseal (const guint8  kek[KEK_SIZE],
        const void   *ad,
        gsize         ad_len,
        GBytes       *blob)
{
  gnutls_aead_cipher_hd_t h = NULL;
  gnutls_datum_t k = { (unsigned char *) kek, KEK_SIZE };
  gsize size;
  const guint8 *data = g_bytes_get_data (blob, &size);
  guint8 *plain;
  size_t plain_len;
  int ret;

  if (!ck_key_vault_is_wrapped (blob) || size < MAGIC_SIZE + NONCE_SIZE + TAG_SIZE)
    return NULL;
  plain_len = size - MAGIC_SIZE - NONCE_SIZE;
  plain = g_malloc (MAX (plain_len, 1));
  ret = gnutls_aead_cipher_init (&h, GNUTLS_CIPHER_AES_256_GCM, &k);
  if (ret >= 0)
    ret = gnutls_aead_cipher_decrypt (h, data + MAGIC_SIZE, NONCE_SIZE, ad, ad_len,
                                      TAG_SIZE, data + MAGIC_SIZE + NONCE_SIZE,
                                      size - MAGIC_SIZE - NONCE_SIZE, plain, &plain_len);
  if (h != NULL)
    gnutls_aead_cipher_deinit (h);
  if (ret < 0)
    {
      gnutls_memset (plain, 0, size - MAGIC_SIZE - NONCE_SIZE);
      g_free (plain);
      return NULL;
    }
  return ck_bytes_new_secret (plain, plain_len);
}

static char *
key_ad (const char *spki_sha256)
{
  return g_strconcat (KEY_AD_PREFIX, spki_sha256, NULL);
}

static GBytes *
seal_key_bytes (const guint8  kek[KEK_SIZE],
                const char   *spki_sha256,
                GBytes       *pkcs8,
                GError      **error)
{
  g_autofree char *ad = key_ad (spki_sha256);
  gsize len;
  const void *data = g_bytes_get_data (pkcs8, &len);

  return seal (kek, ad, strlen (ad), data, len, error);
}

static GBytes *
unseal_key_bytes (const guint8  kek[KEK_SIZE],
                  const char   *spki_sha256,
                  GBytes       *blob)
{
  g_autofree char *ad = key_ad (spki_sha256);

  return unseal (kek, ad, strlen (ad), blob);
}

static GBytes *
make_verifier (const guint8  kek[KEK_SIZE],
               GError      **error)
{
  guint8 zero[VERIFIER_PLAIN_SIZE] = { 0, };

  return seal (kek, VERIFIER_AD, strlen (VERIFIER_AD), zero, sizeof zero, error);
}

static gboolean
check_verifier (const guint8  kek[KEK_SIZE],
                GBytes       *verifier)
{
  g_autoptr(GBytes) plain = unseal (kek, VERIFIER_AD, strlen (VERIFIER_AD), verifier);
  guint8 zero[VERIFIER_PLAIN_SIZE] = { 0, };

  return plain != NULL && g_bytes_get_size (plain) == sizeof zero &&
         memcmp (g_bytes_get_data (plain, NULL), zero, sizeof zero) == 0;
}

static void
passphrase_tag (CkKeyVault *self,
                const char *passphrase,
                guint8      tag[32])
{
  gnutls_hmac_fast (GNUTLS_MAC_SHA256, self->session_key, sizeof self->session_key,
                    passphrase, strlen (passphrase), tag);
}

static gboolean
passphrase_matches (CkKeyVault *self,
                    const char *passphrase)
{
  guint8 tag[32];
  gboolean same;

  passphrase_tag (self, passphrase, tag);
  same = gnutls_memcmp (tag, self->passphrase_tag, sizeof tag) == 0;
  gnutls_memset (tag, 0, sizeof tag);
  return same;
}

/* Takes the KEK (wiping @kek). */
static void
set_unlocked (CkKeyVault *self,
              guint8      kek[KEK_SIZE],
              const char *passphrase)
{
  gboolean was = self->unlocked;

  memcpy (self->kek, kek, KEK_SIZE);
  gnutls_memset (kek, 0, KEK_SIZE);
  gnutls_rnd (GNUTLS_RND_RANDOM, self->session_key, sizeof self->session_key);
  passphrase_tag (self, passphrase, self->passphrase_tag);
  self->unlocked = TRUE;
  if (!was)
    g_debug ("%s: key vault unlocked", ck_store_get_path (self->store));
}

/* --- Rows ----------------------------------------------------------------- */

typedef struct {
  guint iterations;
  GBytes *salt;
  GBytes *verifier;
} Meta;

static void
meta_clear (Meta *meta)
{
  g_clear_pointer (&meta->salt, g_bytes_unref);
  g_clear_pointer (&meta->verifier, g_bytes_unref);
}

static GBytes *
column_bytes (sqlite3_stmt *stmt,
              int           column)
{
  return g_bytes_new (sqlite3_column_blob (stmt, column),
                      sqlite3_column_bytes (stmt, column));
}

/* *@has_meta FALSE when the store has no vault yet. */
static gboolean
read_meta (CkKeyVault *self,
           Meta       *meta,
           gboolean   *has_meta,
           GError    **error)
{
  sqlite3 *db;
  sqlite3_stmt *stmt = NULL;
  gboolean ok = TRUE;
  int rc;

  *has_meta = FALSE;
  memset (meta, 0, sizeof *meta);
  if (ck_store_get_module_version (self->store, "key-vault") < 1)
    return TRUE;

  ck_store_lock (self->store);
  db = ck_store_get_db (self->store);
  if (sqlite3_prepare_v2 (db, "SELECT iterations, salt, verifier FROM key_vault "
                              "WHERE id = 1", -1, &stmt, NULL) != SQLITE_OK)
    ok = ck_store_set_sqlite_error (error, db, _("reading the key vault"));
  else if ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 iterations = sqlite3_column_int64 (stmt, 0);

      meta->salt = column_bytes (stmt, 1);
      meta->verifier = column_bytes (stmt, 2);
      *has_meta = TRUE;
      /* Every unlock runs the KDF: a store asking for billions of
       * iterations would hang, one asking for few would be weak. */
      if (iterations < CK_KEY_VAULT_ITERATIONS || iterations > CK_MAX_KDF_ITERATIONS ||
          g_bytes_get_size (meta->salt) < 16)
        {
          g_autofree char *dir = g_path_get_dirname (ck_store_get_path (self->store));

          ok = ck_store_set_damaged_error (error, dir, ck_store_get_path (self->store),
                                           _("the key vault’s parameters are out of range"));
          meta_clear (meta);
          *has_meta = FALSE;
        }
      else
        meta->iterations = iterations;
    }
  else if (rc != SQLITE_DONE)
    ok = ck_store_set_sqlite_error (error, db, _("reading the key vault"));
  sqlite3_finalize (stmt);
  ck_store_unlock (self->store);
  return ok;
}

typedef struct {
  gint64 id;
  char *spki;
  GBytes *blob;
  /* Filled in for the rows a migration re-seals: the plain PKCS#8. */
  GBytes *plain;
} KeyRow;

static void
key_row_free (gpointer data)
{
  KeyRow *row = data;

  g_free (row->spki);
  g_clear_pointer (&row->blob, g_bytes_unref);
  g_clear_pointer (&row->plain, g_bytes_unref);
  g_free (row);
}

/* The encrypted software keys: @sealed TRUE for those in the vault's
 * form, FALSE for those from before it. With the store locked. */
static GPtrArray *
read_encrypted_keys (CkKeyVault *self,
                     gboolean    sealed,
                     guint       limit,
                     GError    **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (key_row_free);
  sqlite3 *db;
  sqlite3_stmt *stmt = NULL;
  int rc;

  ck_store_lock (self->store);
  db = ck_store_get_db (self->store);
  if (sqlite3_prepare_v2 (db, "SELECT id, spki_sha256, pkcs8 FROM keys "
                              "WHERE encrypted = 1 AND pkcs8 IS NOT NULL ORDER BY id",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      ck_store_set_sqlite_error (error, db, _("reading the keys"));
      ck_store_unlock (self->store);
      return NULL;
    }
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW &&
         (limit == 0 || rows->len < limit))
    {
      g_autoptr(GBytes) blob = column_bytes (stmt, 2);
      KeyRow *row;

      if (ck_key_vault_is_wrapped (blob) != sealed)
        continue;
      row = g_new0 (KeyRow, 1);
      row->id = sqlite3_column_int64 (stmt, 0);
      row->spki = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      row->blob = g_steal_pointer (&blob);
      g_ptr_array_add (rows, row);
    }
  if (rc != SQLITE_ROW && rc != SQLITE_DONE)
    {
      ck_store_set_sqlite_error (error, db, _("reading the keys"));
      g_clear_pointer (&rows, g_ptr_array_unref);
    }
  sqlite3_finalize (stmt);
  ck_store_unlock (self->store);
  return g_steal_pointer (&rows);
}

/* Replaces a key's blob, only if it is still @old (another writer may
 * have deleted or re-sealed it). Inside a transaction. */
static gboolean
update_blob (sqlite3  *db,
             gint64    id,
             GBytes   *old,
             GBytes   *blob,
             GError  **error)
{
  sqlite3_stmt *stmt = NULL;
  gsize len;
  const void *data;
  int rc;

  if (sqlite3_prepare_v2 (db, "UPDATE keys SET pkcs8 = ?1 WHERE id = ?2 AND pkcs8 = ?3",
                          -1, &stmt, NULL) != SQLITE_OK)
    return ck_store_set_sqlite_error (error, db, _("re-sealing a key"));
  data = g_bytes_get_data (blob, &len);
  sqlite3_bind_blob64 (stmt, 1, data, len, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, id);
  data = g_bytes_get_data (old, &len);
  sqlite3_bind_blob64 (stmt, 3, data, len, SQLITE_STATIC);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return ck_store_set_sqlite_error (error, db, _("re-sealing a key"));
  return TRUE;
}

static gboolean
write_meta (sqlite3      *db,
            gboolean      insert,
            const guint8 *salt,
            GBytes       *verifier,
            GError      **error)
{
  sqlite3_stmt *stmt = NULL;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gsize len;
  const void *data;
  int rc;

  if (sqlite3_prepare_v2 (db, insert
                            ? "INSERT INTO key_vault (id, kdf, iterations, salt, "
                              "verifier, created_at) VALUES (1, 'pbkdf2-hmac-sha256', "
                              "?1, ?2, ?3, ?4)"
                            : "UPDATE key_vault SET iterations = ?1, salt = ?2, "
                              "verifier = ?3, changed_at = ?4 WHERE id = 1",
                          -1, &stmt, NULL) != SQLITE_OK)
    return ck_store_set_sqlite_error (error, db, _("writing the key vault"));
  sqlite3_bind_int64 (stmt, 1, CK_KEY_VAULT_ITERATIONS);
  sqlite3_bind_blob (stmt, 2, salt, SALT_SIZE, SQLITE_STATIC);
  data = g_bytes_get_data (verifier, &len);
  sqlite3_bind_blob64 (stmt, 3, data, len, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 4, now);
  rc = sqlite3_step (stmt);
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE || sqlite3_changes (db) != 1)
    return ck_store_set_sqlite_error (error, db, _("writing the key vault"));
  return TRUE;
}

/* The plain PrivateKeyInfo of a PBES2 blob from before the vault. */
static GBytes *
open_legacy (GBytes      *blob,
             const char  *passphrase,
             GError     **error)
{
  g_autoptr(CkPrivateKey) key = ck_private_key_new_from_pkcs8 (blob, passphrase, error);

  if (key == NULL)
    return NULL;
  return ck_private_key_export_pkcs8 (key, NULL, error);
}

/* --- Creating the vault ------------------------------------------------- */

typedef struct {
  CkKeyVault *self;
  const guint8 *kek;
  const guint8 *salt;
  GBytes *verifier;
  GPtrArray *migrated;
  gboolean raced;
} Create;

static gboolean
create_in_transaction (CkStore  *store,
                       sqlite3  *db,
                       gpointer  user_data,
                       GError  **error)
{
  Create *c = user_data;
  sqlite3_stmt *stmt = NULL;
  gboolean exists;

  if (sqlite3_prepare_v2 (db, "SELECT 1 FROM key_vault", -1, &stmt, NULL) != SQLITE_OK)
    return ck_store_set_sqlite_error (error, db, _("reading the key vault"));
  exists = sqlite3_step (stmt) == SQLITE_ROW;
  sqlite3_finalize (stmt);
  if (exists)
    {
      /* Another Certkeeper set the passphrase since we looked. */
      c->raced = TRUE;
      g_set_error_literal (error, CK_ERROR, CK_ERROR_FAILED, "raced");
      return FALSE;
    }
  if (!write_meta (db, TRUE, c->salt, c->verifier, error))
    return FALSE;

  for (guint i = 0; i < c->migrated->len; i++)
    {
      KeyRow *row = g_ptr_array_index (c->migrated, i);
      g_autoptr(GBytes) sealed = seal_key_bytes (c->kek, row->spki, row->plain, error);

      if (sealed == NULL || !update_blob (db, row->id, row->blob, sealed, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean unlock_locked (CkKeyVault *self, const char *passphrase, GError **error);

/* With self->mutex held. */
static gboolean
create_vault (CkKeyVault  *self,
              const char  *passphrase,
              GError     **error)
{
  g_autoptr(GPtrArray) legacy = NULL;
  /* Rows of @legacy, not owned. */
  g_autoptr(GPtrArray) migrated = g_ptr_array_new ();
  g_autoptr(GBytes) verifier = NULL;
  guint8 salt[SALT_SIZE];
  guint8 kek[KEK_SIZE];
  Create c = { 0, };
  gboolean ok;

  if (*passphrase == '\0')
    {
      g_set_error_literal (error, CK_ERROR, CK_ERROR_INVALID,
                           _("The store passphrase cannot be empty"));
      return FALSE;
    }

  /* A store from before the vault: the passphrase must open its first
   * encrypted key, or it is not the one the keys were stored with. The
   * key derivations happen here, before the write transaction. */
  legacy = read_encrypted_keys (self, FALSE, 0, error);
  if (legacy == NULL)
    return FALSE;
  for (guint i = 0; i < legacy->len; i++)
    {
      KeyRow *row = g_ptr_array_index (legacy, i);
      g_autoptr(GError) local_error = NULL;

      row->plain = open_legacy (row->blob, passphrase, &local_error);
      if (row->plain == NULL && i == 0)
        {
          if (g_error_matches (local_error, CK_ERROR, CK_ERROR_BAD_PASSWORD))
            g_set_error (error, CK_ERROR, CK_ERROR_BAD_PASSWORD,
                         _("Wrong store passphrase: it does not open key %lld, "
                           "the first encrypted key in the store"), (long long) row->id);
          else
            g_set_error (error, local_error->domain, local_error->code,
                         _("Key %lld in the store: %s"), (long long) row->id,
                         local_error->message);
          return FALSE;
        }
      if (row->plain == NULL)
        {
          /* Its own passphrase, from another import: left for later. */
          g_debug ("key %lld keeps its own passphrase: %s", (long long) row->id,
                   local_error->message);
          continue;
        }
      g_ptr_array_add (migrated, row);
    }

  if (!ck_store_migrate_module (self->store, "key-vault", vault_migrations, error))
    return FALSE;

  gnutls_rnd (GNUTLS_RND_RANDOM, salt, sizeof salt);
  if (!derive_kek (passphrase, salt, sizeof salt, CK_KEY_VAULT_ITERATIONS, kek, error))
    return FALSE;
  verifier = make_verifier (kek, error);
  if (verifier == NULL)
    {
      gnutls_memset (kek, 0, sizeof kek);
      return FALSE;
    }

  c.self = self;
  c.kek = kek;
  c.salt = salt;
  c.verifier = verifier;
  c.migrated = migrated;
  {
    g_autoptr(GError) local_error = NULL;

    ok = ck_store_run_transaction (self->store, create_in_transaction, &c, &local_error);
    if (!ok && c.raced)
      {
        gnutls_memset (kek, 0, sizeof kek);
        return unlock_locked (self, passphrase, error);
      }
    if (!ok)
      {
        gnutls_memset (kek, 0, sizeof kek);
        g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                    _("Cannot set the store passphrase: "));
        return FALSE;
      }
  }
  g_info ("%s: key vault created, %u of %u keys from before it re-sealed",
          ck_store_get_path (self->store), migrated->len, legacy->len);
  set_unlocked (self, kek, passphrase);
  return TRUE;
}

/* --- Unlocking ---------------------------------------------------------- */

static gboolean
unlock_locked (CkKeyVault  *self,
               const char  *passphrase,
               GError     **error)
{
  Meta meta;
  gboolean has_meta;
  guint8 kek[KEK_SIZE];

  if (self->unlocked && (passphrase == NULL || passphrase_matches (self, passphrase)))
    return TRUE;
  if (passphrase == NULL)
    {
      g_set_error_literal (error, CK_ERROR, CK_ERROR_PASSWORD_REQUIRED,
                           _("The store is locked: its passphrase is needed"));
      return FALSE;
    }

  if (!read_meta (self, &meta, &has_meta, error))
    return FALSE;
  if (!has_meta)
    return create_vault (self, passphrase, error);

  if (!derive_kek (passphrase, g_bytes_get_data (meta.salt, NULL),
                   g_bytes_get_size (meta.salt), meta.iterations, kek, error))
    {
      meta_clear (&meta);
      return FALSE;
    }
  if (!check_verifier (kek, meta.verifier))
    {
      gnutls_memset (kek, 0, sizeof kek);
      meta_clear (&meta);
      g_set_error_literal (error, CK_ERROR, CK_ERROR_BAD_PASSWORD,
                           _("Wrong store passphrase"));
      return FALSE;
    }
  meta_clear (&meta);
  set_unlocked (self, kek, passphrase);
  return TRUE;
}

gboolean
ck_key_vault_unlock (CkKeyVault  *self,
                     const char  *passphrase,
                     GError     **error)
{
  gboolean ok;

  g_return_val_if_fail (CK_IS_KEY_VAULT (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  g_mutex_lock (&self->mutex);
  ok = unlock_locked (self, passphrase, error);
  g_mutex_unlock (&self->mutex);
  return ok;
}

void
ck_key_vault_lock (CkKeyVault *self)
{
  g_return_if_fail (CK_IS_KEY_VAULT (self));

  g_mutex_lock (&self->mutex);
  gnutls_memset (self->kek, 0, sizeof self->kek);
  gnutls_memset (self->session_key, 0, sizeof self->session_key);
  gnutls_memset (self->passphrase_tag, 0, sizeof self->passphrase_tag);
  self->unlocked = FALSE;
  g_mutex_unlock (&self->mutex);
}

gboolean
ck_key_vault_is_unlocked (CkKeyVault *self)
{
  gboolean unlocked;

  g_return_val_if_fail (CK_IS_KEY_VAULT (self), FALSE);

  g_mutex_lock (&self->mutex);
  unlocked = self->unlocked;
  g_mutex_unlock (&self->mutex);
  return unlocked;
}

/* With self->mutex held. */
static CkKeyVaultState
state_locked (CkKeyVault *self)
{
  g_autoptr(GPtrArray) legacy = NULL;
  Meta meta;
  gboolean has_meta = FALSE;

  if (self->unlocked)
    return CK_KEY_VAULT_UNLOCKED;
  /* An unreadable vault counts as locked: unlocking says what is wrong. */
  if (!read_meta (self, &meta, &has_meta, NULL) || has_meta)
    {
      meta_clear (&meta);
      return CK_KEY_VAULT_LOCKED;
    }
  legacy = read_encrypted_keys (self, FALSE, 1, NULL);
  return legacy != NULL && legacy->len == 0 ? CK_KEY_VAULT_NEW : CK_KEY_VAULT_LOCKED;
}

CkKeyVaultState
ck_key_vault_get_state (CkKeyVault *self)
{
  CkKeyVaultState state;

  g_return_val_if_fail (CK_IS_KEY_VAULT (self), CK_KEY_VAULT_LOCKED);

  g_mutex_lock (&self->mutex);
  state = state_locked (self);
  g_mutex_unlock (&self->mutex);
  return state;
}

/* --- Keys ----------------------------------------------------------------- */

gboolean
ck_key_vault_is_wrapped (GBytes *blob)
{
  gsize size;
  const guint8 *data;

  g_return_val_if_fail (blob != NULL, FALSE);
  data = g_bytes_get_data (blob, &size);
  return size >= MAGIC_SIZE && memcmp (data, MAGIC, MAGIC_SIZE) == 0;
}

GBytes *
ck_key_vault_wrap (CkKeyVault   *self,
                   CkPrivateKey *key,
                   GError      **error)
{
  g_autoptr(GBytes) plain = NULL;
  GBytes *sealed = NULL;

  g_return_val_if_fail (CK_IS_KEY_VAULT (self), NULL);
  g_return_val_if_fail (CK_IS_PRIVATE_KEY (key), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  plain = ck_private_key_export_pkcs8 (key, NULL, error);
  if (plain == NULL)
    return NULL;
  g_mutex_lock (&self->mutex);
  if (!self->unlocked)
    g_set_error_literal (error, CK_ERROR, CK_ERROR_PASSWORD_REQUIRED,
                         _("The store is locked: its passphrase is needed"));
  else
    sealed = seal_key_bytes (self->kek, ck_private_key_get_spki_sha256 (key), plain, error);
  g_mutex_unlock (&self->mutex);
  return sealed;
}

/* Re-seals the key @id from before the vault, when the vault is (or can
 * be) unlocked; a failure only means it stays as it is. */
static void
reseal_legacy (CkKeyVault *self,
               gint64      id,
               const char *spki_sha256,
               GBytes     *blob,
               GBytes     *plain,
               const char *passphrase)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) sealed = NULL;
  sqlite3 *db;
  gboolean ok;

  if (ck_store_is_read_only (self->store))
    return;
  g_mutex_lock (&self->mutex);
  /* Creating the vault re-seals this key with the others. */
  if (!self->unlocked && !unlock_locked (self, passphrase, &error))
    {
      g_debug ("key %lld left as it was: %s", (long long) id, error->message);
      g_mutex_unlock (&self->mutex);
      return;
    }
  sealed = seal_key_bytes (self->kek, spki_sha256, plain, &error);
  g_mutex_unlock (&self->mutex);
  if (sealed == NULL)
    return;

  ck_store_lock (self->store);
  db = ck_store_get_db (self->store);
  ok = sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL) == SQLITE_OK;
  if (ok)
    {
      ok = update_blob (db, id, blob, sealed, &error) &&
           sqlite3_exec (db, "COMMIT", NULL, NULL, NULL) == SQLITE_OK;
      if (!ok)
        sqlite3_exec (db, "ROLLBACK", NULL, NULL, NULL);
    }
  ck_store_unlock (self->store);
  if (!ok)
    g_debug ("key %lld not re-sealed: %s", (long long) id,
             error != NULL ? error->message : "cannot begin a transaction");
}

CkPrivateKey *
ck_key_vault_open_key (CkKeyVault  *self,
                       gint64       id,
                       const char  *spki_sha256,
                       GBytes      *blob,
                       const char  *passphrase,
                       GError     **error)
{
  g_autoptr(GBytes) plain = NULL;

  g_return_val_if_fail (CK_IS_KEY_VAULT (self), NULL);
  g_return_val_if_fail (spki_sha256 != NULL && blob != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (ck_key_vault_is_wrapped (blob))
    {
      g_mutex_lock (&self->mutex);
      if (unlock_locked (self, passphrase, error))
        {
          plain = unseal_key_bytes (self->kek, spki_sha256, blob);
          if (plain == NULL)
            g_set_error_literal (error, CK_ERROR, CK_ERROR_STORE,
                                 _("the sealed key does not open with the store key: "
                                   "it is damaged or was copied from another key’s row"));
        }
      g_mutex_unlock (&self->mutex);
      if (plain == NULL)
        return NULL;
      return ck_private_key_new_from_pkcs8 (plain, NULL, error);
    }

  /* PBES2 from before the vault. */
  if (passphrase == NULL)
    {
      g_set_error_literal (error, CK_ERROR, CK_ERROR_PASSWORD_REQUIRED,
                           ck_key_vault_is_unlocked (self)
                             ? _("the key was stored by an earlier version with a "
                                 "passphrase of its own: it is needed once, then the "
                                 "key is kept under the store passphrase")
                             : _("The store is locked: its passphrase is needed"));
      return NULL;
    }
  plain = open_legacy (blob, passphrase, error);
  if (plain == NULL)
    return NULL;
  reseal_legacy (self, id, spki_sha256, blob, plain, passphrase);
  return ck_private_key_new_from_pkcs8 (plain, NULL, error);
}

/* --- Changing the passphrase ---------------------------------------------- */

typedef struct {
  const guint8 *old_kek;
  const guint8 *new_kek;
  const guint8 *salt;
  GBytes *verifier;
  CkProgressFunc progress;
  gpointer progress_data;
  guint n_kept;
} Change;

static gboolean
change_in_transaction (CkStore  *store,
                       sqlite3  *db,
                       gpointer  user_data,
                       GError  **error)
{
  Change *c = user_data;
  CkKeyVault *self = ck_key_vault_get (store);
  g_autoptr(GPtrArray) sealed = NULL;
  g_autoptr(GPtrArray) legacy = NULL;

  /* Read inside the transaction: what is re-sealed is what is there. */
  sealed = read_encrypted_keys (self, TRUE, 0, error);
  legacy = sealed != NULL ? read_encrypted_keys (self, FALSE, 0, error) : NULL;
  if (legacy == NULL)
    return FALSE;
  c->n_kept = legacy->len;

  for (guint i = 0; i < sealed->len; i++)
    {
      KeyRow *row = g_ptr_array_index (sealed, i);
      g_autoptr(GBytes) plain = unseal_key_bytes (c->old_kek, row->spki, row->blob);
      g_autoptr(GBytes) resealed = NULL;

      if (plain == NULL)
        {
          g_set_error (error, CK_ERROR, CK_ERROR_STORE,
                       _("Key %lld does not open with the store key: it is damaged "
                         "or was copied from another key’s row (nothing was changed)"),
                       (long long) row->id);
          return FALSE;
        }
      resealed = seal_key_bytes (c->new_kek, row->spki, plain, error);
      if (resealed == NULL || !update_blob (db, row->id, row->blob, resealed, error))
        return FALSE;
      if (c->progress != NULL && !c->progress (i + 1, sealed->len, c->progress_data))
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                               _("Cancelled: the store passphrase was not changed"));
          return FALSE;
        }
    }
  return write_meta (db, FALSE, c->salt, c->verifier, error);
}

gboolean
ck_key_vault_change_passphrase (CkKeyVault     *self,
                                const char     *old_passphrase,
                                const char     *new_passphrase,
                                CkProgressFunc  progress,
                                gpointer        progress_data,
                                guint          *n_kept,
                                GError        **error)
{
  g_autoptr(GBytes) verifier = NULL;
  guint8 salt[SALT_SIZE];
  guint8 kek[KEK_SIZE];
  Change c = { 0, };
  gboolean ok;

  g_return_val_if_fail (CK_IS_KEY_VAULT (self), FALSE);
  g_return_val_if_fail (new_passphrase != NULL, FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  if (n_kept != NULL)
    *n_kept = 0;
  if (*new_passphrase == '\0')
    {
      g_set_error_literal (error, CK_ERROR, CK_ERROR_INVALID,
                           _("The store passphrase cannot be empty"));
      return FALSE;
    }

  g_mutex_lock (&self->mutex);
  if (state_locked (self) == CK_KEY_VAULT_NEW)
    {
      /* Nothing protected yet: this chooses the passphrase. */
      ok = create_vault (self, new_passphrase, error);
      g_mutex_unlock (&self->mutex);
      return ok;
    }
  /* The old passphrase is checked (and a store from before the vault
   * migrated) before anything else. */
  if (!unlock_locked (self, old_passphrase, error))
    {
      g_mutex_unlock (&self->mutex);
      return FALSE;
    }

  /* The key derivation before the write transaction. */
  gnutls_rnd (GNUTLS_RND_RANDOM, salt, sizeof salt);
  ok = derive_kek (new_passphrase, salt, sizeof salt, CK_KEY_VAULT_ITERATIONS, kek, error);
  if (ok)
    ok = (verifier = make_verifier (kek, error)) != NULL;
  if (ok)
    {
      c.old_kek = self->kek;
      c.new_kek = kek;
      c.salt = salt;
      c.verifier = verifier;
      c.progress = progress;
      c.progress_data = progress_data;
      ok = ck_store_run_transaction (self->store, change_in_transaction, &c, error);
    }
  if (ok)
    {
      set_unlocked (self, kek, new_passphrase);
      if (n_kept != NULL)
        *n_kept = c.n_kept;
    }
  gnutls_memset (kek, 0, sizeof kek);
  g_mutex_unlock (&self->mutex);
  return ok;
}
