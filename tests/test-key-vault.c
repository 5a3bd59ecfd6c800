/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The store's key vault: one key derivation per unlock, a wrong passphrase
 * found before any key is read, the migration of a store written before
 * the vault (tests/data/legacy-store, made by the previous code), changing
 * the passphrase, and a kill in the middle of it. */

#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <glib/gstdio.h>
#include <sqlite3.h>

#include "certkeeper-core.h"
#include "ck-store-private.h"
#include "ck-test-certs.h"
#include "ck-test-tools.h"

#define PASSPHRASE "correct horse battery staple"
#define LEGACY_PASSPHRASE "old store pass"
#define LEGACY_OTHER_PASSPHRASE "another pass"

typedef struct {
  char *dir;
  CkStore *store;
} Fixture;

static CkStore *
open_store (const char *dir)
{
  g_autoptr(GError) error = NULL;
  CkStore *store = ck_store_open (dir, &error);

  g_assert_no_error (error);
  return store;
}

static void
setup (Fixture       *f,
       gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("ck-test-vault-XXXXXX", &error);
  g_assert_no_error (error);
  if (data != NULL)
    {
      /* A copy of a fixture store. */
      g_autofree char *src = g_build_filename (g_getenv ("CK_TEST_DATA"), data, "store.db", NULL);
      g_autofree char *dst = g_build_filename (f->dir, "store.db", NULL);
      g_autofree char *contents = NULL;
      gsize len;

      g_assert_true (g_file_get_contents (src, &contents, &len, &error));
      g_assert_no_error (error);
      g_assert_true (g_file_set_contents_full (dst, contents, len, 0, 0600, &error));
      g_assert_no_error (error);
    }
  f->store = open_store (f->dir);
}

static void
teardown (Fixture       *f,
          gconstpointer  data)
{
  g_clear_object (&f->store);
  ck_test_remove_tree (f->dir);
  g_free (f->dir);
}

/* Every key row's id and blob, in hex: what "no key touched" compares. */
static char *
dump_keys (CkStore *store)
{
  GString *out = g_string_new (NULL);
  sqlite3_stmt *stmt = NULL;

  ck_store_lock (store);
  g_assert_cmpint (sqlite3_prepare_v2 (ck_store_get_db (store),
                                       "SELECT id, encrypted, hex(pkcs8) FROM keys ORDER BY id",
                                       -1, &stmt, NULL), ==, SQLITE_OK);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (out, "%lld %d %s\n", (long long) sqlite3_column_int64 (stmt, 0),
                            sqlite3_column_int (stmt, 1),
                            (const char *) sqlite3_column_text (stmt, 2));
  sqlite3_finalize (stmt);
  ck_store_unlock (store);
  return g_string_free (out, FALSE);
}

static GBytes *
key_blob (CkStore *store,
          gint64   id)
{
  g_autoptr(GError) error = NULL;
  GBytes *blob = ck_store_get_key_pkcs8 (store, id, &error);

  g_assert_no_error (error);
  return blob;
}

/* The key's PrivateKeyInfo in the clear: its bytes. */
static GBytes *
plain_bytes (CkPrivateKey *key)
{
  g_autoptr(GError) error = NULL;
  GBytes *der = ck_private_key_export_pkcs8 (key, NULL, &error);

  g_assert_no_error (error);
  return der;
}

static CkPrivateKey *
load (CkStore    *store,
      gint64      id,
      const char *passphrase)
{
  g_autoptr(GError) error = NULL;
  CkPrivateKey *key = ck_store_load_private_key (store, id, passphrase, &error);

  g_assert_no_error (error);
  g_assert_nonnull (key);
  return key;
}

/* @n new ECDSA keys committed in one import with @passphrase; their ids
 * in @ids and their plain bytes in @plain. */
static void
import_keys (CkStore    *store,
             guint       n,
             const char *passphrase,
             GArray     *ids,
             GPtrArray  *plain)
{
  g_autoptr(CkImporter) importer = ck_importer_new (store);
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) pem = g_string_new (NULL);
  g_autoptr(GPtrArray) spkis = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GBytes) bytes = NULL;
  CkImportPlan *plan;
  CkCommitSummary summary;

  for (guint i = 0; i < n; i++)
    {
      gnutls_x509_privkey_t key = ck_test_key_new ();
      g_autofree char *text = ck_test_key_to_pem (key);

      g_string_append (pem, text);
      gnutls_x509_privkey_deinit (key);
    }
  bytes = g_bytes_new (pem->str, pem->len);
  ck_importer_add_bytes (importer, bytes, "keys.pem");
  plan = ck_importer_get_plan (importer);
  g_assert_cmpuint (ck_import_plan_get_n_items (plan), ==, n);
  for (guint i = 0; i < n; i++)
    {
      CkImportItem *item = ck_import_plan_get_item (plan, i);

      g_ptr_array_add (spkis, g_strdup (ck_import_item_get_spki_sha256 (item)));
      if (plain != NULL)
        g_ptr_array_add (plain, plain_bytes (ck_import_item_get_private_key (item)));
    }
  g_assert_true (ck_store_commit (store, plan, passphrase, CK_COMMIT_NONE, NULL, NULL,
                                  &summary, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (summary.keys, ==, n);
  for (guint i = 0; i < n; i++)
    {
      gint64 id = ck_store_find_key (store, g_ptr_array_index (spkis, i));

      g_assert_cmpint (id, >, 0);
      g_array_append_val (ids, id);
    }
}

/* --- A new store ---------------------------------------------------------- */

static void
test_new_store (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) plain = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(CkStore) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  CkKeyVault *vault = ck_key_vault_get (f->store);

  g_assert_true (ck_key_vault_get (f->store) == vault);
  g_assert_cmpint (ck_key_vault_get_state (vault), ==, CK_KEY_VAULT_NEW);
  /* Nothing stored without a passphrase or the choice to go without. */
  g_assert_false (ck_key_vault_unlock (vault, NULL, &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_PASSWORD_REQUIRED);
  g_clear_error (&error);

  import_keys (f->store, 12, PASSPHRASE, ids, plain);
  g_assert_cmpint (ck_key_vault_get_state (vault), ==, CK_KEY_VAULT_UNLOCKED);
  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(GBytes) blob = key_blob (f->store, g_array_index (ids, gint64, i));

      g_assert_true (ck_key_vault_is_wrapped (blob));
      g_assert_true (ck_stored_key_get_encrypted (ck_store_get_key_row (f->store,
                                                   g_array_index (ids, gint64, i))));
    }
  /* Every nonce its own: no two sealed keys share their first 16 bytes
   * (magic and nonce). */
  {
    g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);

    for (guint i = 0; i < ids->len; i++)
      {
        g_autoptr(GBytes) blob = key_blob (f->store, g_array_index (ids, gint64, i));
        char *head = g_strndup ((const char *) g_bytes_get_data (blob, NULL) + 4, 12);

        g_assert_false (g_hash_table_contains (seen, head));
        g_hash_table_add (seen, head);
      }
  }

  /* A second process finds the vault locked; a wrong passphrase is
   * refused by the verifier, and no key row has changed. */
  before = dump_keys (f->store);
  again = open_store (f->dir);
  vault = ck_key_vault_get (again);
  g_assert_cmpint (ck_key_vault_get_state (vault), ==, CK_KEY_VAULT_LOCKED);
  g_assert_false (ck_key_vault_unlock (vault, "wrong", &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_BAD_PASSWORD);
  g_clear_error (&error);
  g_assert_null (ck_store_load_private_key (again, g_array_index (ids, gint64, 0), "wrong", &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_BAD_PASSWORD);
  g_clear_error (&error);
  g_assert_false (ck_key_vault_is_unlocked (vault));
  {
    g_autofree char *after = dump_keys (again);

    g_assert_cmpstr (after, ==, before);
  }

  /* One unlock, then every key opens to the same bytes with no
   * passphrase at all. */
  g_assert_true (ck_key_vault_unlock (vault, PASSPHRASE, &error));
  g_assert_no_error (error);
  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(CkPrivateKey) key = load (again, g_array_index (ids, gint64, i), NULL);
      g_autoptr(GBytes) bytes = plain_bytes (key);

      g_assert_true (g_bytes_equal (bytes, g_ptr_array_index (plain, i)));
    }
  /* Another passphrase, even with the vault unlocked, is refused. */
  g_assert_false (ck_key_vault_unlock (vault, "another", &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_BAD_PASSWORD);
  g_clear_error (&error);
  g_assert_true (ck_key_vault_is_unlocked (vault));

  /* Locked: the KEK is gone. */
  ck_key_vault_lock (vault);
  g_assert_null (ck_store_load_private_key (again, g_array_index (ids, gint64, 0), NULL, &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_PASSWORD_REQUIRED);
}

/* A sealed key moved into another key's row does not open: the SPKI is
 * its associated data. A wrong passphrase is still found first. */
static void
test_moved_blob (Fixture       *f,
                 gconstpointer  data)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GBytes) first = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CkStore) again = NULL;
  g_autoptr(CkPrivateKey) ok = NULL;
  sqlite3_stmt *stmt = NULL;
  gsize len;
  const void *bytes;

  import_keys (f->store, 2, PASSPHRASE, ids, NULL);
  first = key_blob (f->store, g_array_index (ids, gint64, 0));
  ck_store_lock (f->store);
  g_assert_cmpint (sqlite3_prepare_v2 (ck_store_get_db (f->store),
                                       "UPDATE keys SET pkcs8 = ? WHERE id = ?", -1,
                                       &stmt, NULL), ==, SQLITE_OK);
  bytes = g_bytes_get_data (first, &len);
  sqlite3_bind_blob (stmt, 1, bytes, len, SQLITE_STATIC);
  sqlite3_bind_int64 (stmt, 2, g_array_index (ids, gint64, 1));
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_DONE);
  sqlite3_finalize (stmt);
  ck_store_unlock (f->store);

  again = open_store (f->dir);
  g_assert_null (ck_store_load_private_key (again, g_array_index (ids, gint64, 1), "wrong", &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_BAD_PASSWORD);
  g_clear_error (&error);
  g_assert_null (ck_store_load_private_key (again, g_array_index (ids, gint64, 1), PASSPHRASE, &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_STORE);
  g_assert_nonnull (strstr (error->message, "another key"));
  ok = load (again, g_array_index (ids, gint64, 0), NULL);
}

/* --- A store from before the vault ---------------------------------------- */

static void
assert_key_is_file (CkPrivateKey *key,
                    const char   *name)
{
  g_autofree char *path = g_build_filename (g_getenv ("CK_TEST_DATA"), "legacy-store", name, NULL);
  g_autoptr(CkPrivateKey) expected = ck_test_load_key_file (path, NULL, NULL);
  g_autoptr(GBytes) a = plain_bytes (key);
  g_autoptr(GBytes) b = plain_bytes (expected);

  g_assert_true (g_bytes_equal (a, b));
}

static void
test_migrate_legacy (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *before = dump_keys (f->store);
  CkKeyVault *vault = ck_key_vault_get (f->store);
  g_autoptr(GBytes) blob = NULL;

  /* Keys 2, 3 under LEGACY_PASSPHRASE, 4 under another, 5 in the clear;
   * no vault yet, so locked (the keys have a passphrase). */
  g_assert_cmpint (ck_key_vault_get_state (vault), ==, CK_KEY_VAULT_LOCKED);
  blob = key_blob (f->store, 2);
  g_assert_false (ck_key_vault_is_wrapped (blob));
  g_clear_pointer (&blob, g_bytes_unref);

  /* A wrong passphrase: refused, nothing written, no vault made. */
  g_assert_false (ck_key_vault_unlock (vault, "wrong", &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_BAD_PASSWORD);
  g_clear_error (&error);
  {
    g_autofree char *after = dump_keys (f->store);

    g_assert_cmpstr (after, ==, before);
    g_assert_cmpint (ck_store_get_module_version (f->store, "key-vault"), ==, 0);
  }

  /* The unencrypted key needs nothing, and stays so. */
  {
    g_autoptr(CkPrivateKey) d = load (f->store, 5, NULL);

    assert_key_is_file (d, "d.key");
  }

  /* The first unlock re-seals every key the passphrase opens. */
  {
    g_autoptr(CkPrivateKey) a = load (f->store, 2, LEGACY_PASSPHRASE);

    assert_key_is_file (a, "a.key");
  }
  g_assert_true (ck_key_vault_is_unlocked (vault));
  for (gint64 id = 2; id <= 5; id++)
    {
      g_autoptr(GBytes) b = key_blob (f->store, id);

      g_assert_cmpint (ck_key_vault_is_wrapped (b), ==, id == 2 || id == 3);
    }
  g_assert_false (ck_stored_key_get_encrypted (ck_store_get_key_row (f->store, 5)));

  /* Key 4 has its own passphrase: asked for once, then re-sealed. */
  g_assert_null (ck_store_load_private_key (f->store, 4, NULL, &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_PASSWORD_REQUIRED);
  g_clear_error (&error);
  {
    g_autoptr(CkPrivateKey) c = load (f->store, 4, LEGACY_OTHER_PASSPHRASE);

    assert_key_is_file (c, "c.key");
    blob = key_blob (f->store, 4);
    g_assert_true (ck_key_vault_is_wrapped (blob));
  }

  /* A new process: the store passphrase opens every key, the old second
   * one no longer does. */
  {
    g_autoptr(CkStore) again = open_store (f->dir);
    g_autoptr(CkPrivateKey) c = NULL;
    g_autoptr(CkPrivateKey) b = NULL;

    g_assert_null (ck_store_load_private_key (again, 4, LEGACY_OTHER_PASSPHRASE, &error));
    g_assert_error (error, CK_ERROR, CK_ERROR_BAD_PASSWORD);
    g_clear_error (&error);
    c = load (again, 4, LEGACY_PASSPHRASE);
    assert_key_is_file (c, "c.key");
    b = load (again, 3, NULL);
    assert_key_is_file (b, "b.key");
  }
}

/* --- Changing the passphrase ---------------------------------------------- */

static void
test_change_passphrase (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) plain = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  g_autoptr(CkStore) again = NULL;
  CkKeyVault *vault;
  guint kept = 99;

  import_keys (f->store, 6, PASSPHRASE, ids, plain);
  g_clear_object (&f->store);
  f->store = open_store (f->dir);
  vault = ck_key_vault_get (f->store);
  before = dump_keys (f->store);

  /* The old passphrase is checked first. */
  g_assert_false (ck_key_vault_change_passphrase (vault, "wrong", "new passphrase", NULL, NULL,
                                                  NULL, &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_BAD_PASSWORD);
  g_clear_error (&error);
  {
    g_autofree char *after = dump_keys (f->store);

    g_assert_cmpstr (after, ==, before);
  }

  g_assert_true (ck_key_vault_change_passphrase (vault, PASSPHRASE, "new passphrase", NULL, NULL,
                                                 &kept, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (kept, ==, 0);
  g_assert_true (ck_key_vault_is_unlocked (vault));
  /* Every blob re-sealed (new nonce, new KEK). */
  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(GBytes) blob = key_blob (f->store, g_array_index (ids, gint64, i));

      g_assert_true (ck_key_vault_is_wrapped (blob));
    }
  {
    g_autofree char *after = dump_keys (f->store);

    g_assert_cmpstr (after, !=, before);
  }

  /* Elsewhere: the old passphrase is refused, the new one opens every key
   * to the same bytes. */
  again = open_store (f->dir);
  g_assert_null (ck_store_load_private_key (again, g_array_index (ids, gint64, 0), PASSPHRASE, &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_BAD_PASSWORD);
  g_clear_error (&error);
  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(CkPrivateKey) key = load (again, g_array_index (ids, gint64, i),
                                          i == 0 ? "new passphrase" : NULL);
      g_autoptr(GBytes) bytes = plain_bytes (key);

      g_assert_true (g_bytes_equal (bytes, g_ptr_array_index (plain, i)));
    }

  /* An empty new passphrase is refused. */
  g_assert_false (ck_key_vault_change_passphrase (vault, NULL, "", NULL, NULL, NULL, &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_INVALID);
}

/* On a store from before the vault: the keys the old passphrase opens
 * move to the new one, the key with a passphrase of its own is kept. */
static void
test_change_passphrase_legacy (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CkStore) again = NULL;
  g_autoptr(CkPrivateKey) a = NULL;
  g_autoptr(CkPrivateKey) c = NULL;
  guint kept = 0;

  g_assert_true (ck_key_vault_change_passphrase (ck_key_vault_get (f->store), LEGACY_PASSPHRASE,
                                                 "brand new", NULL, NULL, &kept, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (kept, ==, 1);

  again = open_store (f->dir);
  a = load (again, 2, "brand new");
  assert_key_is_file (a, "a.key");
  c = load (again, 4, LEGACY_OTHER_PASSPHRASE);
  assert_key_is_file (c, "c.key");
}

/* A new store: choosing the first passphrase needs no old one. */
static void
test_change_passphrase_new (Fixture       *f,
                            gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  CkKeyVault *vault = ck_key_vault_get (f->store);

  g_assert_true (ck_key_vault_change_passphrase (vault, NULL, PASSPHRASE, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (ck_key_vault_get_state (vault), ==, CK_KEY_VAULT_UNLOCKED);
  ck_key_vault_lock (vault);
  g_assert_cmpint (ck_key_vault_get_state (vault), ==, CK_KEY_VAULT_LOCKED);
  g_assert_false (ck_key_vault_unlock (vault, "wrong", &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_BAD_PASSWORD);
  g_clear_error (&error);
  g_assert_true (ck_key_vault_unlock (vault, PASSPHRASE, &error));
  g_assert_no_error (error);
}

/* Killed half-way through re-sealing: the store still has the old
 * passphrase and every key opens with it. */
static gboolean
exit_after_two (guint    done,
                guint    total,
                gpointer user_data)
{
  if (done == 2)
    _exit (0);
  return TRUE;
}

static void
test_change_passphrase_killed (Fixture       *f,
                               gconstpointer  data)
{
  g_autoptr(GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  g_autoptr(GPtrArray) plain = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  g_autoptr(CkStore) again = NULL;
  g_autofree char *before = NULL;
  int status = 0;
  pid_t pid;

  import_keys (f->store, 5, PASSPHRASE, ids, plain);
  g_clear_object (&f->store);
  {
    g_autoptr(CkStore) store = open_store (f->dir);

    before = dump_keys (store);
  }

  pid = fork ();
  g_assert_cmpint (pid, >=, 0);
  if (pid == 0)
    {
      /* The child: dies (no COMMIT, no cleanup) after re-sealing two of
       * the five keys, inside the transaction. */
      CkStore *store = ck_store_open (f->dir, NULL);

      if (store == NULL)
        _exit (2);
      ck_key_vault_change_passphrase (ck_key_vault_get (store), PASSPHRASE, "new one",
                                      exit_after_two, NULL, NULL, NULL);
      _exit (3);
    }
  g_assert_cmpint (waitpid (pid, &status, 0), ==, pid);
  g_assert_true (WIFEXITED (status));
  g_assert_cmpint (WEXITSTATUS (status), ==, 0);

  again = open_store (f->dir);
  {
    g_autofree char *after = dump_keys (again);
    g_autoptr(GError) error = NULL;

    g_assert_cmpstr (after, ==, before);
    g_assert_false (ck_key_vault_unlock (ck_key_vault_get (again), "new one", &error));
    g_assert_error (error, CK_ERROR, CK_ERROR_BAD_PASSWORD);
  }
  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(CkPrivateKey) key = load (again, g_array_index (ids, gint64, i), PASSPHRASE);
      g_autoptr(GBytes) bytes = plain_bytes (key);

      g_assert_true (g_bytes_equal (bytes, g_ptr_array_index (plain, i)));
    }
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func, data) \
  g_test_add (path, Fixture, data, setup, func, teardown)
  ADD ("/key-vault/new-store", test_new_store, NULL);
  ADD ("/key-vault/moved-blob", test_moved_blob, NULL);
  ADD ("/key-vault/migrate-legacy", test_migrate_legacy, "legacy-store");
  ADD ("/key-vault/change-passphrase", test_change_passphrase, NULL);
  ADD ("/key-vault/change-passphrase-legacy", test_change_passphrase_legacy, "legacy-store");
  ADD ("/key-vault/change-passphrase-new", test_change_passphrase_new, NULL);
  ADD ("/key-vault/change-passphrase-killed", test_change_passphrase_killed, NULL);
#undef ADD

  return g_test_run ();
}
