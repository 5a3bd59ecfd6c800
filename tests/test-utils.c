/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

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

/* Names in @dir, sorted: what a write left behind. */
static char *
list_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  const char *name;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, (GCompareFunc) g_ascii_strcasecmp);
  g_ptr_array_add (names, NULL);
  return g_strjoinv (" ", (char **) names->pdata);
}

static void
assert_contents (const char *path,
                 const char *expected)
{
  g_autofree char *contents = NULL;

  g_assert_true (g_file_get_contents (path, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, expected);
}

static void
check_file_write (CkWriteFlags extra)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("ck-utils-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "secret.pem", NULL);
  g_autofree char *link = g_build_filename (dir, "link.pem", NULL);
  g_autofree char *fifo = g_build_filename (dir, "fifo", NULL);
  g_autofree char *null = g_build_filename (dir, "null", NULL);
  g_autofree char *listing = NULL;
  mode_t old_umask = umask (0);
  GStatBuf st;

  g_assert_no_error (error);

  /* Private: 0600 whatever the umask; public: 0644. */
  g_assert_true (ck_file_write (path, "secret", 6, CK_WRITE_PRIVATE | extra, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_lstat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  assert_contents (path, "secret");
  listing = list_dir (dir);
  g_assert_cmpstr (listing, ==, "secret.pem");
  g_clear_pointer (&listing, g_free);

  /* An existing file is refused without OVERWRITE and left alone. */
  g_assert_false (ck_file_write (path, "other", 5, CK_WRITE_PRIVATE | extra, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS);
  g_assert_nonnull (strstr (error->message, path));
  g_clear_error (&error);
  assert_contents (path, "secret");

  /* With it, replaced; the mode is the new one. */
  g_assert_true (ck_file_write (path, "public", 6, CK_WRITE_OVERWRITE | extra, &error));
  g_assert_no_error (error);
  g_assert_cmpint (g_lstat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0644);
  assert_contents (path, "public");
  listing = list_dir (dir);
  g_assert_cmpstr (listing, ==, "secret.pem");
  g_clear_pointer (&listing, g_free);

  /* A symbolic link is neither followed nor replaced, even with
   * OVERWRITE: the link and what it points to stay. */
  g_assert_cmpint (symlink ("secret.pem", link), ==, 0);
  g_assert_false (ck_file_write (link, "evil", 4, CK_WRITE_OVERWRITE | extra, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE);
  g_clear_error (&error);
  g_assert_cmpint (g_lstat (link, &st), ==, 0);
  g_assert_true (S_ISLNK (st.st_mode));
  assert_contents (path, "public");
  g_unlink (link);

  /* A device or a FIFO is never replaced (and never opened: a FIFO would
   * block). Our own nodes, never the real /dev/null, which a regression
   * would replace for the whole machine when run as root. */
  g_assert_cmpint (mkfifo (fifo, 0600), ==, 0);
  g_assert_false (ck_file_write (fifo, "x", 1, CK_WRITE_OVERWRITE | extra, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE);
  g_clear_error (&error);
  g_assert_cmpint (g_lstat (fifo, &st), ==, 0);
  g_assert_true (S_ISFIFO (st.st_mode));
  g_unlink (fifo);
  if (mknod (null, S_IFCHR | 0666, makedev (1, 3)) == 0)
    {
      g_assert_false (ck_file_write (null, "x", 1, CK_WRITE_OVERWRITE | extra, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE);
      g_clear_error (&error);
      g_assert_cmpint (g_lstat (null, &st), ==, 0);
      g_assert_true (S_ISCHR (st.st_mode));
      g_unlink (null);
    }

  /* Nor a folder. */
  g_assert_false (ck_file_write (dir, "x", 1, CK_WRITE_OVERWRITE | extra, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY);
  g_clear_error (&error);

  /* A folder that does not exist names the path in the error. */
  g_assert_false (ck_file_write ("/nonexistent/x.pem", "x", 1, CK_WRITE_PRIVATE | extra, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "/nonexistent/x.pem"));
  g_clear_error (&error);

  umask (old_umask);
  g_unlink (path);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_file_write (void)
{
  check_file_write (CK_WRITE_NONE);
}

static void
test_file_write_named_temp (void)
{
  check_file_write (CK_WRITE_NO_TMPFILE);
}

/* A write that fails half-way (the file size limit, deterministic where a
 * full disk is not) leaves no file at all: neither the target nor a
 * temporary file, with O_TMPFILE or without, new file or replacement. */
static void
check_failed_write (CkWriteFlags extra)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("ck-utils-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "key.pem", NULL);
  g_autofree char *old = g_build_filename (dir, "old.pem", NULL);
  g_autofree char *listing = NULL;
  gsize big = 64 * 1024;
  g_autofree char *data = g_malloc (big);
  struct rlimit saved, small;
  void (*saved_handler) (int);

  g_assert_no_error (error);
  memset (data, 'k', big);
  g_assert_true (ck_file_write (old, "old", 3, CK_WRITE_PRIVATE, &error));
  g_assert_no_error (error);

  g_assert_cmpint (getrlimit (RLIMIT_FSIZE, &saved), ==, 0);
  small = saved;
  small.rlim_cur = 4096;
  saved_handler = signal (SIGXFSZ, SIG_IGN);
  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &small), ==, 0);

  g_assert_false (ck_file_write (path, data, big, CK_WRITE_PRIVATE | extra, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, path));
  g_clear_error (&error);
  g_assert_false (ck_file_write (old, data, big, CK_WRITE_PRIVATE | CK_WRITE_OVERWRITE | extra,
                                 &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  g_assert_cmpint (setrlimit (RLIMIT_FSIZE, &saved), ==, 0);
  signal (SIGXFSZ, saved_handler);

  listing = list_dir (dir);
  g_assert_cmpstr (listing, ==, "old.pem");
  assert_contents (old, "old");

  g_unlink (old);
  g_assert_cmpint (g_rmdir (dir), ==, 0);
}

static void
test_failed_write (void)
{
  check_failed_write (CK_WRITE_NONE);
}

static void
test_failed_write_named_temp (void)
{
  check_failed_write (CK_WRITE_NO_TMPFILE);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  ck_core_init ();

  g_test_add_func ("/utils/hex", test_hex);
  g_test_add_func ("/utils/digests", test_digests);
  g_test_add_func ("/utils/gnutls-error-mapping", test_gnutls_error_mapping);
  g_test_add_func ("/utils/file-write", test_file_write);
  g_test_add_func ("/utils/file-write-named-temp", test_file_write_named_temp);
  g_test_add_func ("/utils/failed-write", test_failed_write);
  g_test_add_func ("/utils/failed-write-named-temp", test_failed_write_named_temp);

  return g_test_run ();
}
