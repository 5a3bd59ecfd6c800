/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gstdio.h>
#include <string.h>

#include <gnutls/pkcs11.h>
#include <p11-kit/p11-kit.h>

#include "ck-test-softhsm.h"
#include "ck-test-tools.h"

/* GnuTLS 3.7.9 cannot read these; newer versions can. */
#define GNUTLS_HAS_MLDSA (gnutls_check_version ("3.8.10") != NULL)
#define GNUTLS_HAS_PBE_SHA1_DES (gnutls_check_version ("3.8.5") != NULL)

static char *tmpdir;

static char *
certtool_cert_spki (const char *cert_path)
{
  const char *certtool = g_getenv ("CK_CERTTOOL");
  const char *argv[] = { certtool, "-i", "--infile", cert_path, NULL };
  g_autofree char *out = NULL;

  if (certtool == NULL)
    return NULL;
  out = ck_test_run_tool (argv);
  return ck_test_certtool_spki_sha256 (out);
}

static char *
write_password_file (const char *password)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (tmpdir, "password", NULL);

  ck_file_write (path, password, strlen (password), CK_WRITE_PRIVATE | CK_WRITE_OVERWRITE, &error);
  g_assert_no_error (error);
  return path;
}

/* SHA-256 of `openssl pkey -pubout -outform DER`, or NULL when OpenSSL
 * cannot read the key (GOST, legacy ciphers without the legacy provider). */
static char *
openssl_spki_sha256 (const char *key_path,
                     gboolean    der,
                     const char *password)
{
  const char *openssl = g_getenv ("CK_OPENSSL");
  g_autofree char *pwfile = NULL;
  g_autofree char *passin = NULL;
  g_autofree char *out_path = g_build_filename (tmpdir, "pub.der", NULL);
  g_autofree char *out = NULL;
  g_autoptr(GBytes) pub = NULL;
  GPtrArray *argv;

  if (openssl == NULL)
    return NULL;
  /* OpenSSL cannot read an empty password file; without -passin it
   * simply fails on an encrypted key, which is what we want. */
  if (password != NULL && password[0] != '\0')
    {
      pwfile = write_password_file (password);
      passin = g_strconcat ("file:", pwfile, NULL);
    }

  argv = g_ptr_array_new ();
  g_ptr_array_add (argv, (char *) openssl);
  g_ptr_array_add (argv, "pkey");
  g_ptr_array_add (argv, "-in");
  g_ptr_array_add (argv, (char *) key_path);
  if (der)
    {
      g_ptr_array_add (argv, "-inform");
      g_ptr_array_add (argv, "DER");
    }
  if (passin != NULL)
    {
      g_ptr_array_add (argv, "-passin");
      g_ptr_array_add (argv, passin);
    }
  g_ptr_array_add (argv, "-pubout");
  g_ptr_array_add (argv, "-outform");
  g_ptr_array_add (argv, "DER");
  g_ptr_array_add (argv, "-out");
  g_ptr_array_add (argv, out_path);
  g_ptr_array_add (argv, NULL);
  out = ck_test_run_tool ((const char * const *) argv->pdata);
  g_ptr_array_free (argv, TRUE);
  if (pwfile != NULL)
    g_unlink (pwfile);
  if (out == NULL)
    return NULL;

  pub = ck_test_read_bytes (out_path);
  g_unlink (out_path);
  return ck_sha256_hex (g_bytes_get_data (pub, NULL), g_bytes_get_size (pub));
}

typedef struct {
  char *path;
  char *kind;
  char *expected;
  char *password;     /* NULL for "(null password)" and for none */
  gboolean has_password;
  char *expect_op;
  char *notes;
} ManifestRow;

static void
manifest_row_free (ManifestRow *row)
{
  g_free (row->path);
  g_free (row->kind);
  g_free (row->expected);
  g_free (row->password);
  g_free (row->expect_op);
  g_free (row->notes);
  g_free (row);
}

static GPtrArray *
read_manifest (const char *kind)
{
  g_autofree char *path = ck_test_corpus_path ("MANIFEST.tsv");
  g_autoptr(GBytes) data = ck_test_read_bytes (path);
  g_autofree char *text = g_strndup (g_bytes_get_data (data, NULL), g_bytes_get_size (data));
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) manifest_row_free);

  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_auto(GStrv) cols = g_strsplit (lines[i], "\t", -1);
      ManifestRow *row;

      if (g_strv_length (cols) < 7 || !g_str_equal (cols[1], kind))
        continue;
      row = g_new0 (ManifestRow, 1);
      row->path = g_strdup (cols[0]);
      row->kind = g_strdup (cols[1]);
      row->expected = g_strdup (cols[2]);
      if (g_str_equal (cols[3], "(empty string)"))
        row->password = g_strdup (""), row->has_password = TRUE;
      else if (g_str_equal (cols[3], "(null password)"))
        row->password = NULL, row->has_password = TRUE;
      else if (cols[3][0] != '\0')
        row->password = g_strdup (cols[3]), row->has_password = TRUE;
      row->expect_op = g_strdup (cols[5]);
      row->notes = g_strdup (cols[6]);
      g_ptr_array_add (rows, row);
    }
  return rows;
}

/* Must-fail and unknown keys of the corpus, with the error each has to
 * give and why. Every must-fail row of the manifest has to be listed. */
static const struct {
  const char *file;
  CkError code;
  const char *why;
} expected_failures[] = {
  { "bad-key.pem", CK_ERROR_PARSE, "ECDSA key whose parameters do not validate" },
  { "key-illegal.pem", CK_ERROR_PARSE, "RSA key with an even prime factor" },
  { "p8key-illegal.pem", CK_ERROR_PARSE, "encrypted PKCS#8 holding an illegal RSA key" },
  { "key-invalid1.der", CK_ERROR_PARSE, "malformed DER" },
  { "key-invalid2.der", CK_ERROR_PARSE, "malformed DER" },
  { "key-invalid3.der", CK_ERROR_PARSE, "malformed DER" },
  { "key-invalid4.der", CK_ERROR_PARSE, "malformed DER" },
  { "pkcs8-invalid1.der", CK_ERROR_PARSE, "PBKDF2 iteration count 0" },
  { "pkcs8-invalid4.der", CK_ERROR_PARSE, "PBKDF2 iteration count 0" },
  { "pkcs8-invalid8.der", CK_ERROR_PARSE, "truncated PBES2 parameters" },
  { "pkcs8-invalid10.der", CK_ERROR_PARSE, "malformed algorithm identifier" },
  /* Well-formed encryption whose tampered parameters (iteration count)
   * make the right password decrypt to garbage: GnuTLS, like any PKCS#8
   * reader, cannot tell that from a wrong password. */
  { "pkcs8-invalid2.der", CK_ERROR_BAD_PASSWORD, "tampered PBES1 iteration count" },
  { "pkcs8-invalid5.der", CK_ERROR_BAD_PASSWORD, "tampered PBES1 iteration count" },
  /* PBKDF2 with 10 084 353 iterations: refused before any derivation. */
  { "pkcs8-invalid11.der", CK_ERROR_UNSUPPORTED, "absurd iteration count" },
  { "key-gost12-512.p8", CK_ERROR_UNSUPPORTED, "curve TC26-512-B not supported" },
};

static gboolean
needs_newer_gnutls (const ManifestRow *row)
{
  if (strstr (row->path, "mldsa") != NULL)
    return !GNUTLS_HAS_MLDSA;
  if (strstr (row->path, "PBE-SHA1-DES") != NULL)
    return !GNUTLS_HAS_PBE_SHA1_DES;
  return FALSE;
}

static void
test_corpus (void)
{
  g_autoptr(GPtrArray) rows = read_manifest ("key");
  guint loaded = 0, rejected = 0, unsupported = 0, openssl_checked = 0;
  guint certtool_checked = 0;

  g_assert_cmpuint (rows->len, >, 40);

  for (guint i = 0; i < rows->len; i++)
    {
      ManifestRow *row = g_ptr_array_index (rows, i);
      g_autofree char *path = ck_test_corpus_path (row->path);
      g_autofree char *base = g_path_get_basename (row->path);
      g_autoptr(GError) error = NULL;
      g_autoptr(CkPrivateKey) key = NULL;
      gboolean listed = FALSE;

      key = ck_test_load_key_file (path, row->password, &error);
      g_test_message ("%s [%s]: %s", base, row->expected,
                      key != NULL ? ck_private_key_get_algorithm (key) : error->message);

      for (gsize j = 0; j < G_N_ELEMENTS (expected_failures); j++)
        if (g_str_equal (expected_failures[j].file, base))
          {
            g_assert_null (key);
            g_assert_error (error, CK_ERROR, (int) expected_failures[j].code);
            listed = TRUE;
            rejected++;
          }
      if (listed)
        continue;

      if (needs_newer_gnutls (row))
        {
          g_assert_null (key);
          g_assert_error (error, CK_ERROR, CK_ERROR_UNSUPPORTED);
          g_assert_nonnull (strstr (error->message, "not supported by this GnuTLS"));
          unsupported++;
          continue;
        }

      if (!g_str_equal (row->expected, "valid"))
        g_error ("%s is %s in the manifest but not in expected_failures",
                 base, row->expected);

      g_assert_no_error (error);
      g_assert_nonnull (key);
      loaded++;

      g_assert_cmpuint (strlen (ck_private_key_get_spki_sha256 (key)), ==, 64);
      g_assert_cmpuint (ck_private_key_get_bits (key), >, 0);
      g_assert_false (ck_private_key_is_on_token (key));

      /* Oracles: OpenSSL for anything it can open with a password file
       * (not the PKCS#12 "null password", which it cannot express), and
       * certtool for unencrypted keys. */
      if (row->password != NULL || !row->has_password)
        {
          g_autoptr(GBytes) contents = ck_test_read_bytes (path);
          g_autofree char *expected = openssl_spki_sha256 (path, !ck_test_is_pem (contents),
                                                           row->password);
          if (expected != NULL)
            {
              g_assert_cmpstr (ck_private_key_get_spki_sha256 (key), ==, expected);
              openssl_checked++;
            }
        }
      if (!row->has_password && g_getenv ("CK_CERTTOOL") != NULL)
        {
          g_autoptr(GBytes) contents = ck_test_read_bytes (path);
          const char *argv[] = { g_getenv ("CK_CERTTOOL"), "-k", "--infile", path,
                                 ck_test_is_pem (contents) ? NULL : "--inder", NULL };
          g_autofree char *out = ck_test_run_tool (argv);
          g_autofree char *expected = ck_test_certtool_spki_sha256 (out);

          if (expected != NULL)
            {
              g_assert_cmpstr (ck_private_key_get_spki_sha256 (key), ==, expected);
              certtool_checked++;
            }
        }
    }

  g_test_message ("corpus keys: %u loaded, %u rejected as expected, %u unsupported "
                  "by GnuTLS %s; SPKI checked against openssl %u, certtool %u",
                  loaded, rejected, unsupported, gnutls_check_version (NULL),
                  openssl_checked, certtool_checked);
  /* Every must-fail row is in the table above (checked by g_error), and
   * the oracles really ran on most keys. */
  g_assert_cmpuint (loaded, >=, 30);
  if (g_getenv ("CK_OPENSSL") != NULL)
    g_assert_cmpuint (openssl_checked, >=, 20);
  if (g_getenv ("CK_CERTTOOL") != NULL)
    g_assert_cmpuint (certtool_checked, >=, 20);
}

static void
test_must_fail_messages (void)
{
  static const struct {
    const char *file;
    const char *password;
    const char *needle;
  } cases[] = {
    { "data/bad-key.pem", NULL, "do not validate" },
    { "data/key-illegal.pem", NULL, "invalid" },
    { "data/p8key-illegal.pem", "1234", "invalid" },
    { "data/pkcs8-invalid1.der", "1234", "PKCS#8" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *path = ck_test_corpus_path (cases[i].file);
      g_autoptr(GError) error = NULL;
      g_autoptr(CkPrivateKey) key = ck_test_load_key_file (path, cases[i].password, &error);

      g_assert_null (key);
      g_assert_error (error, CK_ERROR, CK_ERROR_PARSE);
      g_test_message ("%s: %s", cases[i].file, error->message);
      g_assert_nonnull (strstr (error->message, cases[i].needle));
    }
}

static void
test_passwords (void)
{
  g_autofree char *path = ck_test_corpus_path ("data/key-ca-1234.p8");
  g_autofree char *null_path = ck_test_corpus_path ("data/key-ca-null.p8");
  g_autoptr(GBytes) pem = ck_test_read_bytes (path);
  g_autoptr(GBytes) null_pem = ck_test_read_bytes (null_path);
  g_autoptr(GBytes) der = ck_test_pem_block (pem, "ENCRYPTED PRIVATE KEY");
  g_autoptr(GBytes) null_der = ck_test_pem_block (null_pem, "ENCRYPTED PRIVATE KEY");
  g_autoptr(GError) error = NULL;
  g_autoptr(CkPrivateKey) key = NULL;
  g_autoptr(CkPrivateKey) null_key = NULL;

  key = ck_private_key_new_from_pkcs8 (der, NULL, &error);
  g_assert_null (key);
  g_assert_error (error, CK_ERROR, CK_ERROR_PASSWORD_REQUIRED);
  g_clear_error (&error);

  key = ck_private_key_new_from_pkcs8 (der, "12345", &error);
  g_assert_null (key);
  g_assert_error (error, CK_ERROR, CK_ERROR_BAD_PASSWORD);
  g_assert_nonnull (strstr (error->message, "wrong password"));
  g_clear_error (&error);

  key = ck_private_key_new_from_pkcs8 (der, "", &error);
  g_assert_error (error, CK_ERROR, CK_ERROR_BAD_PASSWORD);
  g_clear_error (&error);

  /* Retrying with the right one works. */
  key = ck_private_key_new_from_pkcs8 (der, "1234", &error);
  g_assert_no_error (error);
  g_assert_nonnull (key);
  g_assert_cmpstr (ck_private_key_get_algorithm (key), ==, "RSA");

  /* The manifest says key-ca-null.p8 is the same key under the PKCS#12
   * null password: NULL opens it, and "" (an empty password field) too. */
  null_key = ck_private_key_new_from_pkcs8 (null_der, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ck_private_key_get_spki_sha256 (null_key), ==,
                   ck_private_key_get_spki_sha256 (key));
  g_clear_object (&null_key);
  null_key = ck_private_key_new_from_pkcs8 (null_der, "", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ck_private_key_get_spki_sha256 (null_key), ==,
                   ck_private_key_get_spki_sha256 (key));
  g_clear_object (&null_key);
  null_key = ck_private_key_new_from_pkcs8 (null_der, "1234", &error);
  g_assert_error (error, CK_ERROR, CK_ERROR_BAD_PASSWORD);
}

static void
test_unsupported_cipher (void)
{
  g_autofree char *path = ck_test_corpus_path ("data/der-key-PBE-SHA1-DES.p8");
  g_autoptr(GBytes) der = ck_test_read_bytes (path);
  const char *passwords[] = { NULL, "wrong", "booo" };

  if (GNUTLS_HAS_PBE_SHA1_DES)
    {
      g_test_skip ("this GnuTLS reads PBE-SHA1-DES");
      return;
    }

  /* Whatever the password, the answer is "unsupported": asking for
   * another password would be pointless. */
  for (gsize i = 0; i < G_N_ELEMENTS (passwords); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CkPrivateKey) key = ck_private_key_new_from_pkcs8 (der, passwords[i], &error);

      g_assert_null (key);
      g_assert_error (error, CK_ERROR, CK_ERROR_UNSUPPORTED);
      g_assert_nonnull (strstr (error->message, "not supported by this GnuTLS version"));
      g_assert_nonnull (strstr (error->message, "pbeWithSHA1AndDES-CBC"));
    }
}

static void
test_unsupported_algorithm (void)
{
  g_autofree char *path = ck_test_corpus_path ("data/key-mldsa44-seed.pem");
  g_autoptr(GError) error = NULL;
  g_autoptr(CkPrivateKey) key = NULL;

  if (GNUTLS_HAS_MLDSA)
    {
      g_test_skip ("this GnuTLS reads ML-DSA");
      return;
    }
  key = ck_test_load_key_file (path, NULL, &error);
  g_assert_null (key);
  g_assert_error (error, CK_ERROR, CK_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "ML-DSA-44"));
  g_assert_nonnull (strstr (error->message, "not supported by this GnuTLS"));
}

static void
test_malformed (void)
{
  static const guint8 junk[] = { 0x30, 0x03, 0x02, 0x01 };
  g_autoptr(GBytes) der = g_bytes_new_static (junk, sizeof junk);
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr(GError) error = NULL;

  g_assert_null (ck_private_key_new_from_pkcs8 (der, NULL, &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_PARSE);
  g_clear_error (&error);
  g_assert_null (ck_private_key_new_from_pkcs8 (empty, "x", &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_PARSE);
}

/* Generates a key with certtool into @path, unencrypted. */
static gboolean
certtool_generate_key (const char *path,
                       const char *const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autofree char *out = NULL;

  g_ptr_array_add (argv, (char *) g_getenv ("CK_CERTTOOL"));
  g_ptr_array_add (argv, "--generate-privkey");
  g_ptr_array_add (argv, "--no-text");
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, "--outfile");
  g_ptr_array_add (argv, (char *) path);
  g_ptr_array_add (argv, NULL);
  out = ck_test_run_tool ((const char * const *) argv->pdata);
  return out != NULL;
}

static void
test_generated (void)
{
  static const struct {
    const char *args[5];
    const char *algorithm;
    guint bits;
    const char *curve;
  } cases[] = {
    { { "--key-type", "rsa", "--bits", "2048" }, "RSA", 2048, NULL },
    { { "--key-type", "rsa-pss", "--bits", "2048" }, "RSA-PSS", 2048, NULL },
    { { "--key-type", "ecdsa", "--curve", "secp256r1" }, "ECDSA", 256, "SECP256R1" },
    { { "--key-type", "ecdsa", "--curve", "secp384r1" }, "ECDSA", 384, "SECP384R1" },
    { { "--key-type", "ecdsa", "--curve", "secp521r1" }, "ECDSA", 521, "SECP521R1" },
    { { "--key-type", "ed25519" }, "Ed25519", 256, NULL },
    { { "--key-type", "ed448" }, "Ed448", 456, NULL },
    { { "--key-type", "dsa", "--bits", "2048" }, "DSA", 2048, NULL },
  };
  g_autofree char *path = g_build_filename (tmpdir, "generated.pem", NULL);

  if (g_getenv ("CK_CERTTOOL") == NULL)
    {
      g_test_skip ("certtool not found");
      return;
    }

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CkPrivateKey) key = NULL;
      g_autofree char *expected = NULL;

      g_assert_true (certtool_generate_key (path, cases[i].args));
      key = ck_test_load_key_file (path, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (ck_private_key_get_algorithm (key), ==, cases[i].algorithm);
      g_assert_cmpuint (ck_private_key_get_bits (key), ==, cases[i].bits);
      g_assert_cmpstr (ck_private_key_get_curve (key), ==, cases[i].curve);

      expected = openssl_spki_sha256 (path, FALSE, NULL);
      if (g_getenv ("CK_OPENSSL") != NULL)
        g_assert_cmpstr (ck_private_key_get_spki_sha256 (key), ==, expected);
      g_unlink (path);
    }
}

static void
check_pbes2_aes256 (const char *path)
{
  const char *openssl = g_getenv ("CK_OPENSSL");
  const char *argv[] = { openssl, "asn1parse", "-inform", "DER", "-in", path, NULL };
  g_autofree char *out = NULL;

  if (openssl == NULL)
    return;
  out = ck_test_run_tool (argv);
  g_assert_nonnull (out);
  g_assert_nonnull (strstr (out, ":PBES2"));
  g_assert_nonnull (strstr (out, ":PBKDF2"));
  g_assert_nonnull (strstr (out, ":hmacWithSHA256"));
  g_assert_nonnull (strstr (out, ":aes-256-cbc"));
}

static void
test_export_roundtrip (void)
{
  const char *files[] = {
    "data/template-test.key",      /* RSA, legacy PEM */
    "data/key-ecc.pem",            /* ECDSA */
    "data/pkcs8-eddsa.pem",        /* Ed25519 */
    "data/key-rsa-pss.pem",        /* RSA-PSS with parameters */
    "data/dsa.2048.pem",
  };
  g_autofree char *out_path = g_build_filename (tmpdir, "export.p8", NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (files); i++)
    {
      g_autofree char *path = ck_test_corpus_path (files[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(CkPrivateKey) key = ck_test_load_key_file (path, "", &error);
      g_autoptr(CkPrivateKey) back = NULL;
      g_autoptr(GBytes) enc = NULL;
      g_autoptr(GBytes) plain = NULL;
      g_autofree char *pem = NULL;
      g_autofree char *plain_pem = NULL;
      g_autofree char *openssl_spki = NULL;

      g_assert_no_error (error);

      enc = ck_private_key_export_pkcs8 (key, "s3cret pässword", &error);
      g_assert_no_error (error);

      back = ck_private_key_new_from_pkcs8 (enc, NULL, &error);
      g_assert_error (error, CK_ERROR, CK_ERROR_PASSWORD_REQUIRED);
      g_clear_error (&error);
      back = ck_private_key_new_from_pkcs8 (enc, "s3cret password", &error);
      g_assert_error (error, CK_ERROR, CK_ERROR_BAD_PASSWORD);
      g_clear_error (&error);
      back = ck_private_key_new_from_pkcs8 (enc, "s3cret pässword", &error);
      g_assert_no_error (error);
      g_assert_cmpstr (ck_private_key_get_spki_sha256 (back), ==,
                       ck_private_key_get_spki_sha256 (key));
      g_assert_cmpstr (ck_private_key_get_algorithm (back), ==,
                       ck_private_key_get_algorithm (key));
      g_assert_cmpuint (ck_private_key_get_bits (back), ==, ck_private_key_get_bits (key));
      g_clear_object (&back);

      /* Really PBES2 with AES-256, and OpenSSL opens it with the
       * passphrase to the same public key. */
      ck_file_write (out_path, g_bytes_get_data (enc, NULL), g_bytes_get_size (enc),
                     CK_WRITE_PRIVATE | CK_WRITE_OVERWRITE, &error);
      g_assert_no_error (error);
      check_pbes2_aes256 (out_path);
      openssl_spki = openssl_spki_sha256 (out_path, TRUE, "s3cret pässword");
      if (g_getenv ("CK_OPENSSL") != NULL)
        g_assert_cmpstr (openssl_spki, ==, ck_private_key_get_spki_sha256 (key));

      plain = ck_private_key_export_pkcs8 (key, NULL, &error);
      g_assert_no_error (error);
      back = ck_private_key_new_from_pkcs8 (plain, NULL, &error);
      g_assert_no_error (error);
      g_assert_cmpstr (ck_private_key_get_spki_sha256 (back), ==,
                       ck_private_key_get_spki_sha256 (key));

      pem = ck_private_key_export_pkcs8_pem (key, "x", &error);
      g_assert_no_error (error);
      g_assert_true (g_str_has_prefix (pem, "-----BEGIN ENCRYPTED PRIVATE KEY-----\n"));
      plain_pem = ck_private_key_export_pkcs8_pem (key, NULL, &error);
      g_assert_no_error (error);
      g_assert_true (g_str_has_prefix (plain_pem, "-----BEGIN PRIVATE KEY-----\n"));
      g_unlink (out_path);
    }
}

/* The privkey signs (ECDSA, SHA-256), and @pub verifies it. */
static void
assert_signs (CkPrivateKey   *key,
              gnutls_pubkey_t pub)
{
  gnutls_datum_t sig = { NULL, 0 };
  gnutls_datum_t msg = { (unsigned char *) "hello", 5 };

  g_assert_cmpint (gnutls_privkey_sign_data (ck_private_key_get_privkey (key),
                                             GNUTLS_DIG_SHA256, 0, &msg, &sig), ==, 0);
  g_assert_cmpint (gnutls_pubkey_verify_data2 (pub, GNUTLS_SIGN_ECDSA_SHA256, 0,
                                               &msg, &sig), >=, 0);
  gnutls_free (sig.data);
}

static void
test_dup_pubkey (void)
{
  g_autofree char *path = ck_test_corpus_path ("data/key-ecc.pem");
  g_autoptr(GError) error = NULL;
  g_autoptr(CkPrivateKey) key = ck_test_load_key_file (path, NULL, &error);
  gnutls_pubkey_t pub;
  g_autofree char *sha = NULL;
  g_autoptr(GBytes) spki = NULL;

  g_assert_no_error (error);
  pub = ck_private_key_dup_pubkey (key, &error);
  g_assert_no_error (error);
  sha = ck_spki_sha256_from_pubkey (pub, &spki, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (sha, ==, ck_private_key_get_spki_sha256 (key));
  g_assert_true (g_bytes_equal (spki, ck_private_key_get_spki (key)));

  assert_signs (key, pub);
  gnutls_pubkey_deinit (pub);
}

/* The key's SPKI SHA-256 equals certtool's Public Key ID of the
 * certificates made from it, and differs for a certificate that is not. */
static void
test_certificate_pairs (void)
{
  static const struct {
    const char *key;
    const char *password;
    const char *cert;
    gboolean match;
  } pairs[] = {
    { "data/template-test.key", NULL, "data/template-test.pem", TRUE },
    { "data/template-test.key", NULL, "data/template-dn.pem", TRUE },
    { "data/key-ca.pem", NULL, "data/inhibit-anypolicy.pem", TRUE },
    { "data/key-ca.pem", NULL, "data/multi-value-dn.pem", TRUE },
    { "data/key-ca-1234.p8", "1234", "data/ca-gnutls-keyid.pem", TRUE },
    { "data/key-ca-1234.p8", "1234", "data/ca-weird-keyid.pem", TRUE },
    { "data/key-ca.pem", NULL, "data/ca-gnutls-keyid.pem", FALSE },
    /* A combined file whose certificate is not for its key. */
    { "data/privkey2.pem", NULL, "data/privkey2.pem", FALSE },
  };

  if (g_getenv ("CK_CERTTOOL") == NULL)
    {
      g_test_skip ("certtool not found");
      return;
    }

  for (gsize i = 0; i < G_N_ELEMENTS (pairs); i++)
    {
      g_autofree char *key_path = ck_test_corpus_path (pairs[i].key);
      g_autofree char *cert_path = ck_test_corpus_path (pairs[i].cert);
      g_autoptr(GError) error = NULL;
      g_autoptr(CkPrivateKey) key = ck_test_load_key_file (key_path, pairs[i].password, &error);
      g_autofree char *cert_spki = certtool_cert_spki (cert_path);

      g_assert_no_error (error);
      g_assert_nonnull (cert_spki);
      if (pairs[i].match)
        g_assert_cmpstr (ck_private_key_get_spki_sha256 (key), ==, cert_spki);
      else
        g_assert_cmpstr (ck_private_key_get_spki_sha256 (key), !=, cert_spki);
    }
}

/* A fresh key and a self-signed certificate made from it by certtool. */
static void
test_generated_pair (void)
{
  g_autofree char *key_path = g_build_filename (tmpdir, "pair.key", NULL);
  g_autofree char *cert_path = g_build_filename (tmpdir, "pair.pem", NULL);
  g_autofree char *tmpl_path = g_build_filename (tmpdir, "pair.tmpl", NULL);
  const char *key_args[] = { "--key-type", "ecdsa", "--curve", "secp384r1", NULL };
  const char *argv[] = { g_getenv ("CK_CERTTOOL"), "--generate-self-signed",
                         "--load-privkey", key_path, "--template", tmpl_path,
                         "--outfile", cert_path, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(CkPrivateKey) key = NULL;
  g_autofree char *out = NULL;
  g_autofree char *cert_spki = NULL;

  if (g_getenv ("CK_CERTTOOL") == NULL)
    {
      g_test_skip ("certtool not found");
      return;
    }

  g_assert_true (certtool_generate_key (key_path, key_args));
  g_file_set_contents (tmpl_path, "cn = \"pair test\"\nexpiration_days = 30\n", -1, &error);
  g_assert_no_error (error);
  out = ck_test_run_tool (argv);
  g_assert_nonnull (out);

  key = ck_test_load_key_file (key_path, NULL, &error);
  g_assert_no_error (error);
  cert_spki = certtool_cert_spki (cert_path);
  g_assert_cmpstr (ck_private_key_get_spki_sha256 (key), ==, cert_spki);

  g_unlink (key_path);
  g_unlink (cert_path);
  g_unlink (tmpl_path);
}

static void
test_token_errors (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CkPrivateKey) key = NULL;

  key = ck_private_key_new_from_pkcs11_uri ("/tmp/not-a-uri", &error);
  g_assert_null (key);
  g_assert_error (error, CK_ERROR, CK_ERROR_INVALID);
  g_clear_error (&error);

  /* A token that is not there: a clear error naming the URI. */
  key = ck_private_key_new_from_pkcs11_uri ("pkcs11:token=certkeeper-no-such-token;object=none;type=private",
                                            &error);
  g_assert_null (key);
  g_assert_nonnull (error);
  g_assert_true (error->domain == CK_ERROR);
  g_assert_nonnull (strstr (error->message, "certkeeper-no-such-token"));
  g_test_message ("%s", error->message);
}

/* A throwaway SoftHSM token (tests/ck-test-softhsm.c). */
#define TOKEN_LABEL "certkeeper-test"
static const char * const softhsm_tokens[] = { TOKEN_LABEL, NULL };
static gboolean have_softhsm;

/* Before anything touches PKCS#11: SoftHSM reads its configuration when
 * p11-kit loads it. */
static void
setup_softhsm (void)
{
  have_softhsm = ck_test_softhsm_setup (softhsm_tokens);
  if (have_softhsm)
    ck_test_softhsm_use_pin_callback ();
}

static void
test_token (void)
{
  const char *token_url = "pkcs11:token=" TOKEN_LABEL;
  const char *key_url = "pkcs11:token=" TOKEN_LABEL ";object=ck-key;type=private";
  g_autofree char *expected = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CkPrivateKey) key = NULL;
  g_autoptr(CkPrivateKey) missing = NULL;
  g_autoptr(GBytes) exported = NULL;
  gnutls_datum_t spki = { NULL, 0 };
  gnutls_pubkey_t pub;

  if (!have_softhsm)
    {
      g_test_skip ("SoftHSM is not installed");
      return;
    }
  g_assert_cmpint (gnutls_pkcs11_privkey_generate3 (token_url, GNUTLS_PK_ECDSA,
                                                    GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1),
                                                    "ck-key", NULL, GNUTLS_X509_FMT_DER, &spki, 0,
                                                    GNUTLS_PKCS11_OBJ_FLAG_LOGIN |
                                                    GNUTLS_PKCS11_OBJ_FLAG_MARK_PRIVATE |
                                                    GNUTLS_PKCS11_OBJ_FLAG_MARK_SENSITIVE), ==, 0);
  expected = ck_sha256_hex (spki.data, spki.size);
  gnutls_free (spki.data);

  key = ck_private_key_new_from_pkcs11_uri (key_url, &error);
  g_assert_no_error (error);
  g_assert_true (ck_private_key_is_on_token (key));
  g_assert_cmpstr (ck_private_key_get_pkcs11_uri (key), ==, key_url);
  g_assert_cmpstr (ck_private_key_get_algorithm (key), ==, "ECDSA");
  g_assert_cmpuint (ck_private_key_get_bits (key), ==, 256);
  g_assert_cmpstr (ck_private_key_get_curve (key), ==, "SECP256R1");
  g_assert_cmpstr (ck_private_key_get_spki_sha256 (key), ==, expected);

  /* It signs on the token, and the public half verifies that. */
  pub = ck_private_key_dup_pubkey (key, &error);
  g_assert_no_error (error);
  assert_signs (key, pub);
  gnutls_pubkey_deinit (pub);

  exported = ck_private_key_export_pkcs8 (key, "x", &error);
  g_assert_null (exported);
  g_assert_error (error, CK_ERROR, CK_ERROR_UNSUPPORTED);
  g_assert_nonnull (strstr (error->message, "on a token"));
  g_clear_error (&error);

  missing = ck_private_key_new_from_pkcs11_uri ("pkcs11:token=" TOKEN_LABEL ";object=nothing;type=private",
                                                &error);
  g_assert_null (missing);
  g_assert_error (error, CK_ERROR, CK_ERROR_NOT_FOUND);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);
  ck_core_init ();

  tmpdir = g_dir_make_tmp ("ck-test-key-XXXXXX", &error);
  g_assert_no_error (error);
  setup_softhsm ();

  g_test_add_func ("/private-key/corpus", test_corpus);
  g_test_add_func ("/private-key/must-fail-messages", test_must_fail_messages);
  g_test_add_func ("/private-key/passwords", test_passwords);
  g_test_add_func ("/private-key/unsupported-cipher", test_unsupported_cipher);
  g_test_add_func ("/private-key/unsupported-algorithm", test_unsupported_algorithm);
  g_test_add_func ("/private-key/malformed", test_malformed);
  g_test_add_func ("/private-key/generated", test_generated);
  g_test_add_func ("/private-key/export-roundtrip", test_export_roundtrip);
  g_test_add_func ("/private-key/dup-pubkey", test_dup_pubkey);
  g_test_add_func ("/private-key/certificate-pairs", test_certificate_pairs);
  g_test_add_func ("/private-key/generated-pair", test_generated_pair);
  g_test_add_func ("/private-key/token-errors", test_token_errors);
  g_test_add_func ("/private-key/token", test_token);

  ret = g_test_run ();
  ck_test_softhsm_teardown ();
  g_rmdir (tmpdir);
  g_free (tmpdir);
  return ret;
}
