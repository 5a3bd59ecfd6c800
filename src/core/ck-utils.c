/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ck-utils.h"

#include "ck-error.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <signal.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

char *
ck_hex_encode (const guint8 *data,
               gsize         len)
{
  static const char digits[] = "0123456789abcdef";
  char *out = g_malloc (len * 2 + 1);

  for (gsize i = 0; i < len; i++)
    {
      out[2 * i] = digits[data[i] >> 4];
      out[2 * i + 1] = digits[data[i] & 0xf];
    }
  out[len * 2] = '\0';
  return out;
}

char *
ck_hex_format_colons (const char *hex)
{
  gsize len = strlen (hex);
  GString *out = g_string_sized_new (len + len / 2);

  for (gsize i = 0; i < len; i += 2)
    {
      if (i > 0)
        g_string_append_c (out, ':');
      g_string_append_c (out, g_ascii_toupper (hex[i]));
      if (i + 1 < len)
        g_string_append_c (out, g_ascii_toupper (hex[i + 1]));
    }
  return g_string_free (out, FALSE);
}

char *
ck_hex_normalize (const char *text)
{
  GString *out = g_string_new (NULL);

  for (const char *p = text; *p; p++)
    {
      if (g_ascii_isxdigit (*p))
        g_string_append_c (out, g_ascii_tolower (*p));
      else if (*p == ':' || *p == ' ' || *p == '-')
        continue;
      else
        {
          g_string_free (out, TRUE);
          return NULL;
        }
    }
  return g_string_free (out, FALSE);
}

static gboolean
is_bidi_control (gunichar c)
{
  return c == 0x061c || c == 0x200e || c == 0x200f ||
         (c >= 0x202a && c <= 0x202e) || (c >= 0x2066 && c <= 0x2069);
}

char *
ck_text_escape_for_display (const char *text)
{
  g_autofree char *valid = NULL;
  GString *out;

  g_return_val_if_fail (text != NULL, NULL);

  if (!g_utf8_validate (text, -1, NULL))
    text = valid = g_utf8_make_valid (text, -1);
  out = g_string_sized_new (strlen (text));
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c < 0x20 || c == 0x7f || (c >= 0x80 && c < 0xa0))
        g_string_append_printf (out, "\\x%02x", c);
      else if (is_bidi_control (c))
        g_string_append_printf (out, "\\u%04x", c);
      else
        g_string_append_unichar (out, c);
    }
  return g_string_free (out, FALSE);
}

static char *
digest_hex (GChecksumType type,
            const guint8 *data,
            gsize         len)
{
  g_autoptr(GChecksum) sum = g_checksum_new (type);

  g_checksum_update (sum, data, len);
  return g_strdup (g_checksum_get_string (sum));
}

char *
ck_sha256_hex (const guint8 *data,
               gsize         len)
{
  return digest_hex (G_CHECKSUM_SHA256, data, len);
}

char *
ck_sha1_hex (const guint8 *data,
             gsize         len)
{
  return digest_hex (G_CHECKSUM_SHA1, data, len);
}

GBytes *
ck_bytes_from_datum (const gnutls_datum_t *datum)
{
  return g_bytes_new (datum->data, datum->size);
}

char *
ck_spki_sha256_from_pubkey (gnutls_pubkey_t pubkey,
                            GBytes        **spki_out,
                            GError        **error)
{
  gnutls_datum_t der = { NULL, 0 };
  char *hex;
  int ret;

  /* Hash the exported DER rather than trusting gnutls_*_get_key_id(): the
   * value has to match `openssl pkey -pubin -outform DER | sha256sum` for
   * every key type, and the exported SPKI is what both tools hash. */
  ret = gnutls_pubkey_export2 (pubkey, GNUTLS_X509_FMT_DER, &der);
  if (ret < 0)
    {
      ck_set_gnutls_error (error, ret, _("cannot export the public key"));
      return NULL;
    }

  hex = ck_sha256_hex (der.data, der.size);
  if (spki_out != NULL)
    *spki_out = g_bytes_new (der.data, der.size);
  gnutls_free (der.data);
  return hex;
}

const char *
ck_pk_algorithm_name (gnutls_pk_algorithm_t algo)
{
  const char *name;

  /* GnuTLS says "EC/ECDSA" and "EdDSA (Ed25519)"; people and OpenSSL say
   * "ECDSA" and "Ed25519". */
  switch (algo)
    {
    case GNUTLS_PK_ECDSA:
      return "ECDSA";
    case GNUTLS_PK_EDDSA_ED25519:
      return "Ed25519";
    case GNUTLS_PK_EDDSA_ED448:
      return "Ed448";
    case GNUTLS_PK_ECDH_X25519:
      return "X25519";
    case GNUTLS_PK_ECDH_X448:
      return "X448";
    default:
      name = gnutls_pk_get_name (algo);
      return name != NULL ? name : "unknown";
    }
}

void
ck_pubkey_describe (gnutls_pubkey_t        pubkey,
                    gnutls_pk_algorithm_t *algo,
                    guint                 *bits,
                    const char           **curve)
{
  gnutls_ecc_curve_t ecc = GNUTLS_ECC_CURVE_INVALID;
  unsigned int nbits = 0;
  int pk;

  pk = gnutls_pubkey_get_pk_algorithm (pubkey, &nbits);
  if (pk == GNUTLS_PK_ECDSA)
    gnutls_pubkey_export_ecc_raw2 (pubkey, &ecc, NULL, NULL, 0);
  else if (pk == GNUTLS_PK_GOST_01 || pk == GNUTLS_PK_GOST_12_256 ||
           pk == GNUTLS_PK_GOST_12_512)
    gnutls_pubkey_export_gost_raw2 (pubkey, &ecc, NULL, NULL, NULL, NULL, 0);

  /* GnuTLS counts whole bytes of the field: 528 for P-521. */
  if (ecc == GNUTLS_ECC_CURVE_SECP521R1)
    nbits = 521;

  if (algo != NULL)
    *algo = pk < 0 ? GNUTLS_PK_UNKNOWN : (gnutls_pk_algorithm_t) pk;
  if (bits != NULL)
    *bits = nbits;
  if (curve != NULL)
    *curve = ecc != GNUTLS_ECC_CURVE_INVALID ? gnutls_ecc_curve_get_name (ecc) : NULL;
}

gboolean
ck_check_kdf_iterations (guint    iterations,
                         GError **error)
{
  if (iterations <= CK_MAX_KDF_ITERATIONS)
    return TRUE;
  g_set_error (error, CK_ERROR, CK_ERROR_UNSUPPORTED,
               _("the password protection asks for %u key-derivation iterations, "
               "more than the %u Certkeeper accepts"), iterations, CK_MAX_KDF_ITERATIONS);
  return FALSE;
}

typedef struct {
  gpointer data;
  gsize len;
} Secret;

static void
secret_free (gpointer user_data)
{
  Secret *secret = user_data;

  gnutls_memset (secret->data, 0, secret->len);
  g_free (secret->data);
  g_free (secret);
}

GBytes *
ck_bytes_new_secret (gpointer data,
                     gsize    len)
{
  Secret *secret = g_new (Secret, 1);

  secret->data = data;
  secret->len = len;
  return g_bytes_new_with_free_func (data, len, secret_free, secret);
}

void
ck_datum_clear (gnutls_datum_t *datum)
{
  if (datum->data != NULL)
    {
      gnutls_memset (datum->data, 0, datum->size);
      gnutls_free (datum->data);
    }
  datum->data = NULL;
  datum->size = 0;
}

void
ck_clear_secret (char **secret)
{
  if (*secret != NULL)
    {
      gnutls_memset (*secret, 0, strlen (*secret));
      g_clear_pointer (secret, g_free);
    }
}

static gboolean
write_error (GError    **error,
             const char *path,
             int         err)
{
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (err),
               "%s: %s", path, g_strerror (err));
  return FALSE;
}

static gboolean
write_all (int         fd,
           const void *data,
           gsize       len)
{
  const guint8 *p = data;

  while (len > 0)
    {
      ssize_t n = write (fd, p, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        return FALSE;
      p += n;
      len -= (gsize) n;
    }
  return TRUE;
}

/* What may be at @path before the write: nothing, or (with
 * CK_WRITE_OVERWRITE) a regular file. lstat(), so a symbolic link is seen
 * as one and never followed. *@exists tells which. */
static gboolean
check_target (const char   *path,
              CkWriteFlags  flags,
              gboolean     *exists,
              GError      **error)
{
  struct stat st;

  *exists = FALSE;
  if (lstat (path, &st) != 0)
    {
      if (errno == ENOENT)
        return TRUE;
      return write_error (error, path, errno);
    }

  *exists = TRUE;
  if (S_ISLNK (st.st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE,
                   _("%s is a symbolic link; Certkeeper neither follows nor replaces one: "
                     "name the file it points to"), path);
      return FALSE;
    }
  if (S_ISDIR (st.st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY,
                   _("%s is a folder"), path);
      return FALSE;
    }
  if (!S_ISREG (st.st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_REGULAR_FILE,
                   _("%s is not a regular file (a device, a pipe or a socket); "
                     "it is left as it is"), path);
      return FALSE;
    }
  if (!(flags & CK_WRITE_OVERWRITE))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                   _("%s already exists"), path);
      return FALSE;
    }
  return TRUE;
}

/* The test hook of the kill -9 test: stop right after the data is written
 * and before it gets a name, so a test can look at the directory and kill
 * the process at that exact point. */
static void
maybe_stop_for_test (void)
{
  if (g_strcmp0 (g_getenv ("CK_TEST_STOP_BEFORE_LINK"), "1") == 0)
    raise (SIGSTOP);
}

/* Gives the anonymous O_TMPFILE @fd the name @base in @dirfd, failing with
 * EEXIST when something has that name: linkat() never replaces. */
static int
link_anonymous (int         fd,
                int         dirfd,
                const char *base)
{
  char proc_path[64];

  /* AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH; /proc/self/fd works for
   * everyone else, as open(2) describes. */
  if (linkat (fd, "", dirfd, base, AT_EMPTY_PATH) == 0)
    return 0;
  if (errno != ENOENT && errno != EPERM)
    return -1;
  g_snprintf (proc_path, sizeof proc_path, "/proc/self/fd/%d", fd);
  return linkat (AT_FDCWD, proc_path, dirfd, base, AT_SYMLINK_FOLLOW);
}

/* Creates a temporary name beside @base, O_EXCL, mode @mode from the start.
 * Returns the fd and sets *@name, or -1. */
static int
open_named_temp (int          dirfd,
                 const char  *base,
                 int          open_flags,
                 mode_t       mode,
                 char       **name)
{
  for (guint attempt = 0; attempt < 100; attempt++)
    {
      g_autofree char *candidate = g_strdup_printf (".%s.%08x", base, g_random_int ());
      int fd = openat (dirfd, candidate, open_flags | O_CREAT | O_EXCL | O_NOFOLLOW, mode);

      if (fd >= 0)
        {
          *name = g_steal_pointer (&candidate);
          return fd;
        }
      if (errno != EEXIST)
        return -1;
    }
  errno = EEXIST;
  return -1;
}

gboolean
ck_file_write (const char   *path,
               const void   *data,
               gsize         len,
               CkWriteFlags  flags,
               GError      **error)
{
  g_autofree char *dir = NULL;
  g_autofree char *base = NULL;
  g_autofree char *temp_name = NULL;
  mode_t mode = (flags & CK_WRITE_PRIVATE) ? 0600 : 0644;
  gboolean exists = FALSE;
  gboolean linking = FALSE;  /* giving the O_TMPFILE file a name */
  int dirfd = -1;
  int fd = -1;
  int err = 0;

  g_return_val_if_fail (path != NULL, FALSE);

  if (!check_target (path, flags, &exists, error))
    return FALSE;

  dir = g_path_get_dirname (path);
  base = g_path_get_basename (path);
  dirfd = open (dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (dirfd < 0)
    return write_error (error, path, errno);

  /* An O_TMPFILE file has no name until linkat() gives it one, after the
   * last byte: a crash or kill -9 before that leaves nothing behind. */
  if (!(flags & CK_WRITE_NO_TMPFILE))
    fd = openat (dirfd, ".", O_TMPFILE | O_WRONLY | O_CLOEXEC, mode);
  if (fd < 0)
    {
      if (!(flags & CK_WRITE_NO_TMPFILE)
          && errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL)
        {
          err = errno;
          goto fail;
        }
      /* No O_TMPFILE on this file system: a named temporary file, 0600 or
       * 0644 from its creation, removed on every failure. */
      fd = open_named_temp (dirfd, base, O_WRONLY | O_CLOEXEC, mode, &temp_name);
      if (fd < 0)
        {
          err = errno;
          goto fail;
        }
    }

  /* The umask may have taken bits from a public file; never adds any to a
   * private one. */
  if (!write_all (fd, data, len) || fchmod (fd, mode) != 0 || fsync (fd) != 0)
    {
      err = errno;
      goto fail;
    }

  maybe_stop_for_test ();
  linking = temp_name == NULL;

  if (temp_name == NULL && !exists)
    {
      if (link_anonymous (fd, dirfd, base) != 0)
        {
          err = errno;
          goto fail;
        }
      linking = FALSE;
    }
  else if (temp_name == NULL)
    {
      /* Replacing a file: linkat() cannot, so the finished file gets a
       * temporary name first and is renamed over the old one. Only this
       * moment, between two system calls, has a named copy. */
      for (guint attempt = 0; attempt < 100 && temp_name == NULL; attempt++)
        {
          g_autofree char *candidate = g_strdup_printf (".%s.%08x", base, g_random_int ());

          if (link_anonymous (fd, dirfd, candidate) == 0)
            temp_name = g_steal_pointer (&candidate);
          else if (errno != EEXIST)
            break;
        }
      if (temp_name == NULL)
        {
          err = errno;
          goto fail;
        }
      linking = FALSE;
      if (renameat (dirfd, temp_name, dirfd, base) != 0)
        {
          err = errno;
          goto fail;
        }
      g_clear_pointer (&temp_name, g_free);
    }
  else if (!exists)
    {
      /* link() rather than rename(): it fails when the name appeared in
       * the meantime instead of replacing what appeared. */
      if (linkat (dirfd, temp_name, dirfd, base, 0) != 0)
        {
          err = errno;
          goto fail;
        }
      unlinkat (dirfd, temp_name, 0);
      g_clear_pointer (&temp_name, g_free);
    }
  else
    {
      if (renameat (dirfd, temp_name, dirfd, base) != 0)
        {
          err = errno;
          goto fail;
        }
      g_clear_pointer (&temp_name, g_free);
    }

  if (close (fd) != 0)
    {
      fd = -1;
      err = errno;
      goto fail;
    }
  fd = -1;
  /* The new name itself reaches the disk. */
  fsync (dirfd);
  close (dirfd);
  return TRUE;

fail:
  if (fd >= 0)
    close (fd);
  if (temp_name != NULL)
    unlinkat (dirfd, temp_name, 0);
  if (dirfd >= 0)
    close (dirfd);
  /* Without CAP_DAC_READ_SEARCH and without /proc an O_TMPFILE file cannot
   * be named: write it again the other way. */
  if (linking && (err == ENOENT || err == EPERM) && !(flags & CK_WRITE_NO_TMPFILE))
    return ck_file_write (path, data, len, flags | CK_WRITE_NO_TMPFILE, error);
  if (err == EEXIST)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS, _("%s already exists"), path);
      return FALSE;
    }
  return write_error (error, path, err);
}
