/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ck-utils.h"

#include "ck-error.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
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

gssize
ck_der_enter (const guint8 **p,
              const guint8  *end,
              guint8         tag)
{
  gsize len;

  if (end - *p < 2 || (*p)[0] != tag)
    return -1;
  len = (*p)[1];
  *p += 2;
  if (len & 0x80)
    {
      guint n = len & 0x7f;

      /* Up to 16 MiB: nothing we read is larger. */
      if (n == 0 || n > 3 || (gsize) (end - *p) < n)
        return -1;
      len = 0;
      for (guint i = 0; i < n; i++)
        len = (len << 8) | *(*p)++;
    }
  if (len > (gsize) (end - *p))
    return -1;
  return len;
}

char *
ck_der_oid_to_string (const guint8 *p,
                      gsize         len)
{
  GString *out = g_string_new (NULL);
  guint64 value = 0;

  for (gsize i = 0; i < len; i++)
    {
      if (value > (G_MAXUINT64 >> 7))
        break;
      value = (value << 7) | (p[i] & 0x7f);
      if (p[i] & 0x80)
        continue;
      if (out->len == 0)
        {
          guint first = value < 80 ? value / 40 : 2;
          g_string_append_printf (out, "%u.%" G_GUINT64_FORMAT, first,
                                  value - first * 40);
        }
      else
        g_string_append_printf (out, ".%" G_GUINT64_FORMAT, value);
      value = 0;
    }
  return g_string_free (out, FALSE);
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

gboolean
ck_file_set_contents_private (const char *path,
                              const void *data,
                              gsize       len,
                              int         mode,
                              GError    **error)
{
  g_autofree char *dir = g_path_get_dirname (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *tmpl = g_strdup_printf ("%s/.%s.XXXXXX", dir, base);
  const guint8 *p = data;
  gsize left = len;
  int fd;

  /* mkstemp creates the file 0600, so a key is never readable by others,
   * not even for a moment. */
  fd = g_mkstemp_full (tmpl, O_WRONLY, 0600);
  if (fd < 0)
    {
      int err = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (err),
                   "%s: %s", path, g_strerror (err));
      return FALSE;
    }

  while (left > 0)
    {
      ssize_t n = write (fd, p, left);
      if (n < 0)
        {
          int err = errno;
          if (err == EINTR)
            continue;
          close (fd);
          g_unlink (tmpl);
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (err),
                       "%s: %s", path, g_strerror (err));
          return FALSE;
        }
      p += n;
      left -= n;
    }

  if (fchmod (fd, mode) != 0 || fsync (fd) != 0 || close (fd) != 0)
    {
      int err = errno;
      g_unlink (tmpl);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (err),
                   "%s: %s", path, g_strerror (err));
      return FALSE;
    }

  if (g_rename (tmpl, path) != 0)
    {
      int err = errno;
      g_unlink (tmpl);
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (err),
                   "%s: %s", path, g_strerror (err));
      return FALSE;
    }
  return TRUE;
}
