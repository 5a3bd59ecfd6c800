/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gstdio.h>
#include <sys/stat.h>

#include "certkeeper-core.h"

static void
test_hex (void)
{
  const guint8 bytes[] = { 0x00, 0xab, 0x7f, 0xff };
  g_autofree char *hex = ck_hex_encode (bytes, sizeof bytes);
  g_autofree char *colons = ck_hex_format_colons (hex);
  g_autofree char *back = ck_hex_normalize (colons);
  g_autofree char *spaced = ck_hex_normalize ("AB cd-EF");

  g_assert_cmpstr (hex, ==, "00ab7fff");
  g_assert_cmpstr (colons, ==, "00:AB:7F:FF");
  g_assert_cmpstr (back, ==, hex);
  g_assert_cmpstr (spaced, ==, "abcdef");
  g_assert_null (ck_hex_normalize ("12:zz"));
}

static void
test_digests (void)
{
  g_autofree char *sha256 = ck_sha256_hex ((const guint8 *) "abc", 3);
  g_autofree char *sha1 = ck_sha1_hex ((const guint8 *) "abc", 3);

  g_assert_cmpstr (sha256, ==, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  g_assert_cmpstr (sha1, ==, "a9993e364706816aba3e25717850c26c9cd0d89d");
}

static void
test_gnutls_error_mapping (void)
{
  g_autoptr(GError) error = NULL;

  ck_set_gnutls_error (&error, GNUTLS_E_DECRYPTION_FAILED, "key.p8");
  g_assert_error (error, CK_ERROR, CK_ERROR_BAD_PASSWORD);
  g_assert_true (g_str_has_prefix (error->message, "key.p8: "));
  g_clear_error (&error);

  ck_set_gnutls_error (&error, GNUTLS_E_UNKNOWN_CIPHER_TYPE, "x");
  g_assert_error (error, CK_ERROR, CK_ERROR_UNSUPPORTED);
  g_clear_error (&error);

  ck_set_gnutls_error (&error, GNUTLS_E_ASN1_DER_ERROR, "x");
  g_assert_error (error, CK_ERROR, CK_ERROR_PARSE);
}

static void
test_private_file (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("ck-utils-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "secret.pem", NULL);
  g_autofree char *contents = NULL;
  GStatBuf st;

  g_assert_no_error (error);
  g_assert_true (ck_file_set_contents_private (path, "secret", 6, 0600, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "secret");

  /* A directory that does not exist names the path in the error. */
  g_assert_false (ck_file_set_contents_private ("/nonexistent/x.pem", "x", 1, 0600, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "/nonexistent/x.pem"));

  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  ck_core_init ();

  g_test_add_func ("/utils/hex", test_hex);
  g_test_add_func ("/utils/digests", test_digests);
  g_test_add_func ("/utils/gnutls-error-mapping", test_gnutls_error_mapping);
  g_test_add_func ("/utils/private-file", test_private_file);

  return g_test_run ();
}
