/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ck-test-tools.h"

#include <glib/gstdio.h>
#include <sqlite3.h>
#include <string.h>

char *
ck_test_corpus_path (const char *rel)
{
  return g_build_filename (g_getenv ("CK_TEST_DATA"), "certtool", rel, NULL);
}

char *
ck_test_read_text (const char *path,
                   gsize      *len)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;

  g_file_get_contents (path, &contents, len, &error);
  g_assert_no_error (error);
  return contents;
}

GBytes *
ck_test_read_bytes (const char *path)
{
  gsize len = 0;
  char *contents = ck_test_read_text (path, &len);

  return g_bytes_new_take (contents, len);
}

gboolean
ck_test_is_pem (GBytes *data)
{
  return g_strstr_len (g_bytes_get_data (data, NULL), g_bytes_get_size (data),
                       "-----BEGIN") != NULL;
}

/* --- Waiting for an _async call ---------------------------------------- */

void
ck_test_store_result (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  *(GAsyncResult **) user_data = g_object_ref (result);
}

static gboolean
flag_expired (gpointer data)
{
  *(gboolean *) data = TRUE;
  return G_SOURCE_REMOVE;
}

void
ck_test_wait_until (gboolean (*done) (gpointer data),
                    gpointer   data)
{
  gboolean expired = FALSE;
  /* What is waited for arrives through the main context, which wakes the
   * blocking iteration; the deadline is a source of its own, so it fires
   * too. */
  guint deadline = g_timeout_add_seconds (120, flag_expired, &expired);

  while (!done (data))
    {
      g_assert_false (expired);
      g_main_context_iteration (NULL, TRUE);
    }
  if (!expired)
    g_source_remove (deadline);
}

static gboolean
has_result (gpointer data)
{
  return *(GAsyncResult **) data != NULL;
}

GAsyncResult *
ck_test_wait_for_result (GAsyncResult **result)
{
  ck_test_wait_until (has_result, result);
  return *result;
}

void
ck_test_import_pem (CkStore    *store,
                    const char *pem)
{
  g_autoptr(CkImporter) importer = ck_importer_new (store);
  g_autoptr(GBytes) bytes = g_bytes_new (pem, strlen (pem));
  g_autoptr(GError) error = NULL;

  ck_importer_add_bytes (importer, bytes, "test.pem");
  g_assert_true (ck_store_commit (store, ck_importer_get_plan (importer), NULL,
                                  CK_COMMIT_NO_KEY_PASSPHRASE, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
}

void
ck_test_remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        ck_test_remove_tree (child);
      else
        g_unlink (child);
    }
  g_rmdir (path);
}

char *
ck_test_run_tool (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  char *out = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    {
      g_test_message ("%s failed: %s", argv[0], err);
      g_clear_pointer (&out, g_free);
    }
  return out;
}

char *
ck_test_certtool_spki_sha256 (const char *info)
{
  const char *p = info != NULL ? strstr (info, "Public Key ID:") : NULL;
  const char *s = p != NULL ? strstr (p, "sha256:") : NULL;

  if (s == NULL)
    return NULL;
  s += strlen ("sha256:");
  return g_strndup (s, strspn (s, "0123456789abcdef"));
}

GBytes *
ck_test_pem_block (GBytes     *pem,
                   const char *label)
{
  g_autofree char *begin = g_strdup_printf ("-----BEGIN %s-----", label);
  const char *text = g_bytes_get_data (pem, NULL);
  gsize size = g_bytes_get_size (pem);
  const char *start = g_strstr_len (text, size, begin);
  gnutls_datum_t in, out = { NULL, 0 };
  GBytes *der;

  if (start == NULL)
    return NULL;
  in.data = (unsigned char *) start;
  in.size = size - (start - text);
  g_assert_cmpint (gnutls_pem_base64_decode2 (label, &in, &out), ==, 0);
  der = g_bytes_new (out.data, out.size);
  ck_datum_clear (&out);
  return der;
}

CkPrivateKey *
ck_test_load_key_file (const char *path,
                       const char *password,
                       GError    **error)
{
  g_autoptr(GBytes) data = ck_test_read_bytes (path);
  g_autoptr(GBytes) der = NULL;
  gnutls_x509_privkey_t x509 = NULL;
  gnutls_datum_t datum;
  int ret;

  if ((der = ck_test_pem_block (data, "ENCRYPTED PRIVATE KEY")) != NULL ||
      (der = ck_test_pem_block (data, "PRIVATE KEY")) != NULL)
    return ck_private_key_new_from_pkcs8 (der, password, error);

  datum.data = (unsigned char *) g_bytes_get_data (data, NULL);
  datum.size = g_bytes_get_size (data);
  gnutls_x509_privkey_init (&x509);

  if (!ck_test_is_pem (data))
    {
      CkPrivateKey *key = ck_private_key_new_from_pkcs8 (data, password, error);

      /* A DER file that is not PKCS#8 may still be a raw RSA/DSA/EC key;
       * when that fails too, the PKCS#8 error says more. */
      if (key != NULL || !g_error_matches (*error, CK_ERROR, CK_ERROR_PARSE) ||
          gnutls_x509_privkey_import (x509, &datum, GNUTLS_X509_FMT_DER) < 0)
        {
          gnutls_x509_privkey_deinit (x509);
          return key;
        }
      g_clear_error (error);
      return ck_private_key_new_from_x509 (x509, error);
    }

  ret = gnutls_x509_privkey_import2 (x509, &datum, GNUTLS_X509_FMT_PEM, password, 0);
  if (ret < 0)
    {
      gnutls_x509_privkey_deinit (x509);
      ck_set_gnutls_error (error, ret, "%s", path);
      return NULL;
    }
  return ck_private_key_new_from_x509 (x509, error);
}

char *
ck_test_dump_tables (const char *path)
{
  GString *out = g_string_new (NULL);
  sqlite3 *db = NULL;
  sqlite3_stmt *tables = NULL;

  g_assert_cmpint (sqlite3_open_v2 (path, &db, SQLITE_OPEN_READONLY,
                                    NULL), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_prepare_v2 (db, "SELECT name FROM sqlite_master WHERE type = 'table' "
                                       "ORDER BY name", -1, &tables, NULL), ==, SQLITE_OK);
  while (sqlite3_step (tables) == SQLITE_ROW)
    {
      const char *table = (const char *) sqlite3_column_text (tables, 0);
      g_autofree char *probe = g_strdup_printf ("SELECT * FROM \"%s\"", table);
      g_autoptr(GString) sql = g_string_new (probe);
      sqlite3_stmt *stmt = NULL;

      /* Rows in the order of their values, not of SQLite's internal rowid
       * (which SELECT * does not show, and a restore need not keep). */
      g_assert_cmpint (sqlite3_prepare_v2 (db, probe, -1, &stmt, NULL), ==, SQLITE_OK);
      for (int c = 0; c < sqlite3_column_count (stmt); c++)
        g_string_append_printf (sql, c == 0 ? " ORDER BY %d" : ", %d", c + 1);
      sqlite3_finalize (stmt);

      g_string_append_printf (out, "[%s]\n", table);
      g_assert_cmpint (sqlite3_prepare_v2 (db, sql->str, -1, &stmt, NULL), ==, SQLITE_OK);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          for (int c = 0; c < sqlite3_column_count (stmt); c++)
            {
              int type = sqlite3_column_type (stmt, c);

              if (type == SQLITE_NULL)
                g_string_append (out, "NULL");
              else if (type == SQLITE_BLOB)
                {
                  const guchar *blob = sqlite3_column_blob (stmt, c);

                  g_string_append (out, "x'");
                  for (int b = 0; b < sqlite3_column_bytes (stmt, c); b++)
                    g_string_append_printf (out, "%02x", blob[b]);
                  g_string_append (out, "'");
                }
              else
                g_string_append_printf (out, "%d:%s", type,
                                        (const char *) sqlite3_column_text (stmt, c));
              g_string_append_c (out, '|');
            }
          g_string_append_c (out, '\n');
        }
      sqlite3_finalize (stmt);
    }
  sqlite3_finalize (tables);
  sqlite3_close (db);
  return g_string_free (out, FALSE);
}
