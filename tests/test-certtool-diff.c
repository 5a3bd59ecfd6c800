/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Differential test: for every certificate in the corpus, what CkCertificate
 * says must be exactly what `certtool -i` (and, for the SPKI hash, OpenSSL)
 * says about the same bytes. */
#include <glib/gstdio.h>
#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>
#include <gnutls/x509.h>
#include <string.h>

#include "certkeeper-core.h"
#include "ck-der-private.h"

typedef struct {
  char *label;   /* "data/ca-certs.pem, block 12" */
  GBytes *der;
} CorpusCert;

static void
corpus_cert_free (CorpusCert *cert)
{
  g_free (cert->label);
  g_bytes_unref (cert->der);
  g_free (cert);
}

/* Every CERTIFICATE-like PEM block of @contents, or the whole file when it
 * is DER. */
static void
collect_certs (const char *rel_path,
               const char *contents,
               gsize       len,
               GPtrArray  *out)
{
  static const char *labels[] = { "CERTIFICATE", "X509 CERTIFICATE", "TRUSTED CERTIFICATE" };
  const char *p = contents, *end = contents + len;
  guint block = 0;
  gboolean pem = g_strstr_len (contents, len, "-----BEGIN ") != NULL;

  if (!pem)
    {
      CorpusCert *cert = g_new0 (CorpusCert, 1);
      cert->label = g_strdup (rel_path);
      cert->der = g_bytes_new (contents, len);
      g_ptr_array_add (out, cert);
      return;
    }

  while (p < end)
    {
      const char *begin = g_strstr_len (p, end - p, "-----BEGIN ");
      const char *label, *label_end, *body, *body_end;
      g_autofree char *end_marker = NULL;
      g_autofree char *label_str = NULL;
      gboolean is_cert = FALSE;

      if (begin == NULL)
        break;
      label = begin + 11;
      label_end = g_strstr_len (label, end - label, "-----");
      if (label_end == NULL)
        break;
      label_str = g_strndup (label, label_end - label);
      block++;

      end_marker = g_strdup_printf ("-----END %s-----", label_str);
      body = label_end + 5;
      body_end = g_strstr_len (body, end - body, end_marker);
      if (body_end == NULL)
        break;

      for (gsize i = 0; i < G_N_ELEMENTS (labels); i++)
        is_cert |= strcmp (label_str, labels[i]) == 0;

      if (is_cert)
        {
          g_autofree char *b64 = g_strndup (body, body_end - body);
          gsize der_len = 0;
          guchar *der = g_base64_decode (b64, &der_len);
          CorpusCert *cert = g_new0 (CorpusCert, 1);

          cert->label = g_strdup_printf ("%s, block %u", rel_path, block);
          cert->der = g_bytes_new_take (der, der_len);
          g_ptr_array_add (out, cert);
        }
      p = body_end + strlen (end_marker);
    }
}

static GPtrArray *
load_corpus (void)
{
  const char *data_dir = g_getenv ("CK_TEST_DATA");
  g_autofree char *base = NULL;
  g_autofree char *manifest_path = NULL;
  g_autofree char *manifest = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *certs = g_ptr_array_new_with_free_func ((GDestroyNotify) corpus_cert_free);
  guint n_files = 0;

  g_assert_nonnull (data_dir);
  base = g_build_filename (data_dir, "certtool", NULL);
  manifest_path = g_build_filename (base, "MANIFEST.tsv", NULL);
  g_file_get_contents (manifest_path, &manifest, NULL, &error);
  g_assert_no_error (error);

  lines = g_strsplit (manifest, "\n", -1);
  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_auto(GStrv) cols = g_strsplit (lines[i], "\t", -1);
      g_autofree char *path = NULL;
      g_autofree char *contents = NULL;
      gsize len;

      if (g_strv_length (cols) < 2 || strcmp (cols[1], "cert") != 0)
        continue;

      path = g_build_filename (base, cols[0], NULL);
      g_file_get_contents (path, &contents, &len, &error);
      g_assert_no_error (error);
      collect_certs (cols[0], contents, len, certs);
      n_files++;
    }

  g_test_message ("%u certificate files in the MANIFEST, %u certificates", n_files, certs->len);
  g_assert_cmpuint (n_files, >, 50);
  return certs;
}

static gboolean
gnutls_can_parse (GBytes *der)
{
  gnutls_x509_crt_t crt;
  gnutls_datum_t datum;
  gsize size;
  int ret;

  datum.data = (unsigned char *) g_bytes_get_data (der, &size);
  datum.size = (unsigned int) size;
  gnutls_x509_crt_init (&crt);
  ret = gnutls_x509_crt_import (crt, &datum, GNUTLS_X509_FMT_DER);
  gnutls_x509_crt_deinit (crt);
  return ret >= 0;
}

static char *
run_tool (const char * const *argv,
          gboolean           *ok)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;

  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL,
                &out, &err, &status, &error);
  g_assert_no_error (error);
  *ok = g_spawn_check_wait_status (status, NULL);
  return g_steal_pointer (&out);
}

/* "Mon Oct 31 15:53:52 UTC 2016", as certtool prints dates. */
static gboolean
parse_certtool_date (const char *text,
                     gint64     *out)
{
  static const char *months[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };
  char wday[4], mon[4], zone[4];
  int day, hour, min, sec, year, month = -1;
  g_autoptr(GDateTime) dt = NULL;

  if (sscanf (text, "%3s %3s %d %d:%d:%d %3s %d", wday, mon, &day, &hour, &min, &sec,
              zone, &year) != 8 || strcmp (zone, "UTC") != 0)
    return FALSE;
  for (int i = 0; i < 12; i++)
    if (strcmp (mon, months[i]) == 0)
      month = i + 1;
  if (month < 0)
    return FALSE;

  dt = g_date_time_new_utc (year, month, day, hour, min, sec);
  if (dt == NULL)
    return FALSE;
  *out = g_date_time_to_unix (dt);
  return TRUE;
}

typedef struct {
  char *subject, *issuer, *serial, *not_before, *not_after;
  char *sha1, *sha256, *spki_sha256;
} CerttoolInfo;

static void
certtool_info_clear (CerttoolInfo *info)
{
  g_free (info->subject);
  g_free (info->issuer);
  g_free (info->serial);
  g_free (info->not_before);
  g_free (info->not_after);
  g_free (info->sha1);
  g_free (info->sha256);
  g_free (info->spki_sha256);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (CerttoolInfo, certtool_info_clear)

static void
parse_certtool_output (const char   *out,
                       CerttoolInfo *info)
{
  g_auto(GStrv) lines = g_strsplit (out, "\n", -1);
  enum { NONE, FINGERPRINT, KEY_ID } section = NONE;

  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];
      const char *t = line + strspn (line, "\t");

      /* Only the top-level fields: the same words appear inside
       * extensions (an AKI has its own "Serial"). */
      if (line[0] == '\t' && line[1] != '\t')
        {
          if (g_str_has_prefix (line, "\tSubject:") && info->subject == NULL)
            info->subject = g_strdup (line[9] == ' ' ? line + 10 : line + 9);
          else if (g_str_has_prefix (line, "\tIssuer:") && info->issuer == NULL)
            info->issuer = g_strdup (line[8] == ' ' ? line + 9 : line + 8);
          else if (g_str_has_prefix (line, "\tSerial Number (hex): ") && info->serial == NULL)
            info->serial = g_strdup (line + strlen ("\tSerial Number (hex): "));
          else if (strcmp (line, "\tFingerprint:") == 0)
            section = FINGERPRINT;
          else if (strcmp (line, "\tPublic Key ID:") == 0)
            section = KEY_ID;
          else
            section = NONE;
        }
      else if (g_str_has_prefix (line, "\t\tNot Before: ") && info->not_before == NULL)
        info->not_before = g_strdup (t + strlen ("Not Before: "));
      else if (g_str_has_prefix (line, "\t\tNot After: ") && info->not_after == NULL)
        info->not_after = g_strdup (t + strlen ("Not After: "));
      else if (section == FINGERPRINT && g_str_has_prefix (t, "sha1:"))
        info->sha1 = g_strdup (t + 5);
      else if (section == FINGERPRINT && g_str_has_prefix (t, "sha256:"))
        info->sha256 = g_strdup (t + 7);
      else if (section == KEY_ID && g_str_has_prefix (t, "sha256:"))
        info->spki_sha256 = g_strdup (t + 7);
    }
}

/* SHA-256 of the DER public key OpenSSL extracts from the certificate,
 * i.e. `openssl x509 -pubkey -noout | openssl pkey -pubin -outform DER |
 * sha256sum`, without a shell. NULL when OpenSSL cannot read the key. */
static char *
openssl_spki_sha256 (const char *openssl,
                     const char *der_path)
{
  const char *argv[] = { openssl, "x509", "-inform", "DER", "-in", der_path,
                         "-pubkey", "-noout", NULL };
  g_autofree char *out = NULL;
  const char *b, *e;
  gboolean ok;
  g_autofree char *b64 = NULL;
  g_autofree guchar *der = NULL;
  gsize der_len;

  out = run_tool (argv, &ok);
  if (!ok || out == NULL)
    return NULL;
  b = strstr (out, "-----BEGIN PUBLIC KEY-----");
  e = strstr (out, "-----END PUBLIC KEY-----");
  if (b == NULL || e == NULL)
    return NULL;
  b += strlen ("-----BEGIN PUBLIC KEY-----");
  b64 = g_strndup (b, e - b);
  der = g_base64_decode (b64, &der_len);
  return ck_sha256_hex (der, der_len);
}

/* SHA-256 of the SubjectPublicKeyInfo exactly as encoded in @der. */
static char *
raw_spki_sha256 (GBytes *der)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (der, &size);
  const guint8 *pos = data, *end = data + size;
  CkDerTlv cert = { 0 }, tbs = { 0 }, tlv = { 0 };

  g_assert_true (ck_der_read (&pos, end, &cert));
  pos = cert.data;
  g_assert_true (ck_der_read (&pos, cert.data + cert.len, &tbs));
  pos = tbs.data;
  end = tbs.data + tbs.len;
  g_assert_true (ck_der_read (&pos, end, &tlv));
  if (tlv.tag == 0xa0)
    g_assert_true (ck_der_read (&pos, end, &tlv));        /* serial */
  for (int i = 0; i < 5; i++)                              /* sig, issuer, validity, subject, spki */
    g_assert_true (ck_der_read (&pos, end, &tlv));
  return ck_sha256_hex (tlv.start, tlv.data + tlv.len - tlv.start);
}

/* The SPKI hash through the shared helper the keys and requests use: the
 * certificate's fast path must give the same value. */
static char *
pubkey_spki_sha256 (CkCertificate *ck)
{
  gnutls_pubkey_t pubkey;
  g_autoptr(GError) error = NULL;
  char *hex;

  gnutls_pk_algorithm_t algo;
  guint bits;
  const char *curve;
  g_autoptr(GBytes) spki = NULL;

  g_assert_cmpint (gnutls_pubkey_init (&pubkey), ==, 0);
  g_assert_cmpint (gnutls_pubkey_import_x509 (pubkey, ck_certificate_get_crt (ck), 0), ==, 0);
  hex = ck_spki_sha256_from_pubkey (pubkey, &spki, &error);
  g_assert_no_error (error);

  /* The key description and SPKI bytes the constructor takes from its DER
   * walk are what the shared helpers give for the imported key. */
  ck_pubkey_describe (pubkey, &algo, &bits, &curve);
  g_assert_cmpint (ck_certificate_get_key_algorithm_id (ck), ==, algo);
  g_assert_cmpuint (ck_certificate_get_key_bits (ck), ==, bits);
  g_assert_cmpstr (ck_certificate_get_key_curve (ck), ==, curve);
  g_assert_true (g_bytes_equal (ck_certificate_get_spki (ck), spki));

  gnutls_pubkey_deinit (pubkey);
  return hex;
}

/* Our subjectAltName decoding (a DER walk) against GnuTLS's own. */
static gboolean
sans_match_gnutls (CkCertificate *ck,
                   const char    *label)
{
  GPtrArray *ours = ck_certificate_get_subject_alt_names (ck);
  guint n = 0;

  for (unsigned int i = 0; ; i++)
    {
      char buf[4096];
      size_t size = sizeof buf;
      const CkGeneralName *name;
      g_autofree char *theirs = NULL;
      int type = gnutls_x509_crt_get_subject_alt_name (ck_certificate_get_crt (ck), i,
                                                       buf, &size, NULL);

      if (type == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
        break;
      if (type < 0 || type == GNUTLS_SAN_OTHERNAME)
        {
          /* Other names are compared by kind only: the UPN is decoded. */
          if (type == GNUTLS_SAN_OTHERNAME)
            {
              if (n >= ours->len)
                return FALSE;
              name = g_ptr_array_index (ours, n++);
              if (name->kind != CK_GENERAL_NAME_UPN && name->kind != CK_GENERAL_NAME_OTHER)
                return FALSE;
            }
          continue;
        }
      if (n >= ours->len)
        {
          g_test_message ("%s: GnuTLS sees more alternative names than we do", label);
          return FALSE;
        }
      name = g_ptr_array_index (ours, n++);

      switch (type)
        {
        case GNUTLS_SAN_DNSNAME:
        case GNUTLS_SAN_RFC822NAME:
        case GNUTLS_SAN_URI:
          theirs = g_strndup (buf, size);
          break;
        case GNUTLS_SAN_IPADDRESS:
          if (size == 4 || size == 16)
            {
              g_autoptr(GInetAddress) addr =
                g_inet_address_new_from_bytes ((guint8 *) buf, size == 4 ? G_SOCKET_FAMILY_IPV4
                                                                         : G_SOCKET_FAMILY_IPV6);
              theirs = g_inet_address_to_string (addr);
            }
          break;
        default:
          break;
        }
      if (theirs != NULL && strcmp (theirs, name->value) != 0)
        {
          g_test_message ("%s: alternative name %u: ours “%s”, GnuTLS “%s”", label, n, name->value, theirs);
          return FALSE;
        }
    }

  if (n != ours->len)
    {
      g_test_message ("%s: %u alternative names, GnuTLS has %u", label, ours->len, n);
      return FALSE;
    }
  return TRUE;
}

#define CHECK_FIELD(name, ours, theirs)                                       \
  G_STMT_START {                                                              \
    if (g_strcmp0 ((ours), (theirs)) != 0)                                    \
      {                                                                       \
        g_test_message ("%s: %s differs: ours “%s”, certtool “%s”",           \
                        cert->label, name, (ours), (theirs));                 \
        same = FALSE;                                                         \
      }                                                                       \
  } G_STMT_END

static void
test_certtool_diff (void)
{
  const char *certtool = g_getenv ("CK_CERTTOOL");
  const char *openssl = g_getenv ("CK_OPENSSL");
  g_autoptr(GPtrArray) certs = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *tmpdir = NULL;
  g_autofree char *der_path = NULL;
  guint n_compared = 0, n_identical = 0, n_skipped = 0;
  guint n_openssl = 0, n_openssl_same = 0, n_openssl_explained = 0;

  if (certtool == NULL)
    {
      g_test_skip ("CK_CERTTOOL is not set");
      return;
    }

  certs = load_corpus ();
  tmpdir = g_dir_make_tmp ("ck-certtool-diff-XXXXXX", &error);
  g_assert_no_error (error);
  der_path = g_build_filename (tmpdir, "cert.der", NULL);

  for (guint i = 0; i < certs->len; i++)
    {
      CorpusCert *cert = g_ptr_array_index (certs, i);
      g_autoptr(CkCertificate) ck = NULL;
      g_autoptr(GError) ck_error = NULL;
      g_auto(CerttoolInfo) info = { NULL };
      g_autofree char *out = NULL;
      gboolean ok, same = TRUE;
      gconstpointer data;
      gsize size;
      gint64 t;

      ck = ck_certificate_new_from_der (cert->der, &ck_error);

      if (!gnutls_can_parse (cert->der))
        {
          /* GnuTLS itself rejects it: so must we, cleanly. */
          g_assert_null (ck);
          g_assert_true (g_error_matches (ck_error, CK_ERROR, CK_ERROR_PARSE) ||
                         g_error_matches (ck_error, CK_ERROR, CK_ERROR_UNSUPPORTED));
          g_test_message ("%s: skipped, GnuTLS cannot parse it (%s)", cert->label, ck_error->message);
          n_skipped++;
          continue;
        }

      if (ck == NULL)
        {
          g_test_message ("%s: GnuTLS parses it but CkCertificate failed: %s",
                          cert->label, ck_error->message);
          g_test_fail ();
          continue;
        }

      data = g_bytes_get_data (cert->der, &size);
      g_file_set_contents (der_path, data, size, &error);
      g_assert_no_error (error);

      {
        const char *argv[] = { certtool, "-i", "--inder", "--infile", der_path, NULL };
        out = run_tool (argv, &ok);
      }
      if (!ok)
        {
          g_test_message ("%s: certtool -i failed on a certificate GnuTLS imports", cert->label);
          g_test_fail ();
          continue;
        }
      parse_certtool_output (out, &info);
      n_compared++;

      CHECK_FIELD ("subject", ck_certificate_get_subject (ck), info.subject ? info.subject : "");
      CHECK_FIELD ("issuer", ck_certificate_get_issuer (ck), info.issuer ? info.issuer : "");
      CHECK_FIELD ("serial", ck_certificate_get_serial (ck), info.serial);
      CHECK_FIELD ("SHA-1 fingerprint", ck_certificate_get_sha1_fingerprint (ck), info.sha1);
      CHECK_FIELD ("SHA-256 fingerprint", ck_certificate_get_sha256_fingerprint (ck), info.sha256);
      CHECK_FIELD ("SPKI SHA-256", ck_certificate_get_spki_sha256 (ck), info.spki_sha256);

      if (info.not_before == NULL || !parse_certtool_date (info.not_before, &t) ||
          t != ck_certificate_get_not_before (ck))
        {
          g_test_message ("%s: not before differs: ours %" G_GINT64_FORMAT ", certtool “%s”",
                          cert->label, ck_certificate_get_not_before (ck), info.not_before);
          same = FALSE;
        }
      if (info.not_after == NULL || !parse_certtool_date (info.not_after, &t) ||
          t != ck_certificate_get_not_after (ck))
        {
          g_test_message ("%s: not after differs: ours %" G_GINT64_FORMAT ", certtool “%s”",
                          cert->label, ck_certificate_get_not_after (ck), info.not_after);
          same = FALSE;
        }

      {
        g_autofree char *via_pubkey = pubkey_spki_sha256 (ck);
        CHECK_FIELD ("SPKI SHA-256 (fast path vs ck_spki_sha256_from_pubkey)",
                     ck_certificate_get_spki_sha256 (ck), via_pubkey);
      }
      if (!sans_match_gnutls (ck, cert->label))
        same = FALSE;

      if (openssl != NULL)
        {
          g_autofree char *theirs = openssl_spki_sha256 (openssl, der_path);

          if (theirs != NULL)
            {
              g_autofree char *raw = raw_spki_sha256 (cert->der);

              n_openssl++;
              if (strcmp (theirs, ck_certificate_get_spki_sha256 (ck)) == 0)
                n_openssl_same++;
              else if (g_strcmp0 (info.spki_sha256, ck_certificate_get_spki_sha256 (ck)) == 0 &&
                       strcmp (raw, ck_certificate_get_spki_sha256 (ck)) == 0)
                {
                  /* Ours is the hash of the SPKI exactly as the certificate
                   * encodes it, and certtool's; OpenSSL re-encodes the key
                   * before printing it. Seen with RSA-PSS parameters, where
                   * OpenSSL adds explicit NULL hash parameters the
                   * certificate does not have. */
                  n_openssl_explained++;
                  g_test_message ("%s: OpenSSL re-encodes the SPKI (%s); ours is the hash of "
                                  "the bytes in the certificate (%s), as certtool's",
                                  cert->label, theirs, ck_certificate_get_spki_sha256 (ck));
                }
              else
                {
                  g_test_message ("%s: SPKI SHA-256 differs from OpenSSL's: ours %s, openssl %s",
                                  cert->label, ck_certificate_get_spki_sha256 (ck), theirs);
                  same = FALSE;
                }
            }
          else
            g_test_message ("%s: OpenSSL cannot read the public key (%s); SPKI compared with certtool only",
                            cert->label, ck_certificate_get_key_algorithm (ck));
        }

      if (same)
        n_identical++;
      else
        g_test_fail ();
    }

  g_unlink (der_path);
  g_rmdir (tmpdir);

  g_test_message ("compared %u certificates with certtool -i: %u identical, %u skipped "
                  "(GnuTLS cannot parse them); SPKI SHA-256 compared with OpenSSL for %u: "
                  "%u identical, %u where OpenSSL re-encodes the key differently",
                  n_compared, n_identical, n_skipped, n_openssl, n_openssl_same, n_openssl_explained);
  g_assert_cmpuint (n_compared, >, 200);
  g_assert_cmpuint (n_identical, ==, n_compared);
  g_assert_cmpuint (n_openssl_same + n_openssl_explained, ==, n_openssl);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  ck_core_init ();

  g_test_add_func ("/certtool-diff/corpus", test_certtool_diff);

  return g_test_run ();
}
