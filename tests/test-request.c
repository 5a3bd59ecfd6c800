/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gstdio.h>
#include <string.h>

#include "ck-test-tools.h"

static char *tmpdir;

static CkRequest *
load_request_file (const char *path,
                   GError    **error)
{
  gsize len = 0;
  g_autofree char *data = ck_test_read_text (path, &len);

  if (g_strstr_len (data, len, "-----BEGIN") != NULL)
    return ck_request_new_from_pem (data, len, error);
  else
    {
      g_autoptr(GBytes) der = g_bytes_new (data, len);
      return ck_request_new_from_der (der, error);
    }
}

/* `certtool --crq-info` output, or NULL when certtool is not there. */
static char *
certtool_crq_info (const char *path)
{
  const char *certtool = g_getenv ("CK_CERTTOOL");
  const char *argv[] = { certtool, "--crq-info", "--infile", path, NULL };

  if (certtool == NULL)
    return NULL;
  return ck_test_run_tool (argv);
}

/* The text after "\t<field>: " on the first line that has it. */
static char *
info_field (const char *info,
            const char *field)
{
  g_autofree char *needle = g_strdup_printf ("\t%s: ", field);
  const char *p = strstr (info, needle);

  if (p == NULL)
    return NULL;
  p += strlen (needle);
  return g_strndup (p, strcspn (p, "\n"));
}

/* The subjectAltName lines certtool prints, as "DNS:…", "IP:…" strings. */
static GPtrArray *
info_sans (const char *info)
{
  static const struct {
    const char *certtool;
    const char *ours;
  } prefixes[] = {
    { "DNSname: ", "DNS:" },
    { "IPAddress: ", "IP:" },
    { "RFC822Name: ", "email:" },
    { "URI: ", "URI:" },
    { "User Principal Name: ", "UPN:" },
  };
  GPtrArray *sans = g_ptr_array_new_with_free_func (g_free);
  const char *p = strstr (info, "Subject Alternative Name");
  g_auto(GStrv) lines = NULL;

  if (p == NULL)
    return sans;
  lines = g_strsplit (strchr (p, '\n') + 1, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      const char *line = lines[i];
      gboolean found = FALSE;

      if (!g_str_has_prefix (line, "\t\t\t\t"))
        break;
      line += 4;
      for (gsize j = 0; j < G_N_ELEMENTS (prefixes); j++)
        if (g_str_has_prefix (line, prefixes[j].certtool))
          {
            g_ptr_array_add (sans, g_strconcat (prefixes[j].ours,
                                                line + strlen (prefixes[j].certtool), NULL));
            found = TRUE;
          }
      g_assert_true (found);
    }
  return sans;
}

static void
assert_sans_equal (CkRequest *request,
                   GPtrArray *expected)
{
  GPtrArray *sans = ck_request_get_subject_alt_names (request);

  g_assert_cmpuint (sans->len, ==, expected->len);
  for (guint i = 0; i < sans->len; i++)
    {
      g_autofree char *text = ck_general_name_to_string (g_ptr_array_index (sans, i));
      g_assert_cmpstr (text, ==, g_ptr_array_index (expected, i));
    }
}

/* Checks everything certtool prints that CkRequest also reports. */
static void
check_against_certtool (CkRequest  *request,
                        const char *path)
{
  g_autofree char *info = certtool_crq_info (path);
  g_autofree char *subject = NULL;
  g_autofree char *sig = NULL;
  g_autofree char *spki = NULL;
  g_autoptr(GPtrArray) sans = NULL;

  if (info == NULL)
    return;
  subject = info_field (info, "Subject");
  sig = info_field (info, "Signature Algorithm");
  spki = ck_test_certtool_spki_sha256 (info);
  g_assert_cmpstr (ck_request_get_subject (request), ==, subject);
  g_assert_cmpstr (ck_request_get_signature_algorithm (request), ==, sig);
  g_assert_cmpstr (ck_request_get_spki_sha256 (request), ==, spki);
  g_assert_nonnull (strstr (info, "Self signature: verified"));
  sans = info_sans (info);
  assert_sans_equal (request, sans);
}

static CkPrivateKey *
load_key (const char *path)
{
  g_autoptr(GError) error = NULL;
  CkPrivateKey *key = ck_test_load_key_file (path, NULL, &error);

  g_assert_no_error (error);
  return key;
}

static void
test_corpus (void)
{
  g_autofree char *manifest_path = ck_test_corpus_path ("MANIFEST.tsv");
  g_autofree char *manifest = ck_test_read_text (manifest_path, NULL);
  g_auto(GStrv) lines = g_strsplit (manifest, "\n", -1);
  g_autofree char *key_path = ck_test_corpus_path ("data/template-test.key");
  g_autoptr(CkPrivateKey) key = load_key (key_path);
  guint parsed = 0, rejected = 0;

  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_auto(GStrv) cols = g_strsplit (lines[i], "\t", -1);
      g_autofree char *path = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(CkRequest) request = NULL;

      if (g_strv_length (cols) < 7 || !g_str_equal (cols[1], "crq"))
        continue;
      path = ck_test_corpus_path (cols[0]);
      request = load_request_file (path, &error);
      g_test_message ("%s [%s]: %s", cols[0], cols[2],
                      request != NULL ? ck_request_get_subject (request) : error->message);

      if (strstr (cols[0], "csr-invalid") != NULL)
        {
          /* certtool prints it but cannot compute its key id: its public
           * key is broken, and so is anything we would link by it. */
          g_assert_null (request);
          g_assert_error (error, CK_ERROR, CK_ERROR_PARSE);
          rejected++;
          continue;
        }

      g_assert_cmpstr (cols[2], ==, "valid");
      g_assert_no_error (error);
      parsed++;
      g_assert_true (ck_request_verify_signature (request, &error));
      g_assert_no_error (error);
      check_against_certtool (request, path);
      /* The corpus CSRs were made with template-test.key. */
      g_assert_cmpstr (ck_request_get_spki_sha256 (request), ==,
                       ck_private_key_get_spki_sha256 (key));
      g_assert_cmpstr (ck_request_get_key_algorithm (request), ==, "RSA");
      g_assert_cmpuint (ck_request_get_key_bits (request), ==, ck_private_key_get_bits (key));
      g_assert_null (ck_request_get_key_curve (request));
    }
  g_test_message ("corpus CSRs: %u parsed, %u rejected", parsed, rejected);
  g_assert_cmpuint (parsed, ==, 2);
  g_assert_cmpuint (rejected, ==, 1);
}

/* arb-extensions.csr in detail: the subject, its attributes and every
 * requested extension, as certtool prints them. */
static void
test_arb_extensions (void)
{
  static const struct {
    const char *oid;
    gboolean critical;
    const char *hex;
  } unknown[] = {
    { "1.2.3.4", FALSE, "0001020304050607aaabcd" },
    { "1.6.7.8", FALSE, "0001020304050607aaabcd" },
    { "1.2.3.4.5.6.7", FALSE, "1d34cd5ad065dc27c17e9447b0aaaca7" },
    { "1.0.1.5", FALSE, "0404cafebeaf" },
    { "1.10.11.12.13.14.15.16.17.1.5", TRUE, "cafe" },
    { "1.0.1.5.1", TRUE, "0406beafcafefafa" },
  };
  g_autofree char *path = ck_test_corpus_path ("data/arb-extensions.csr");
  g_autoptr(GError) error = NULL;
  g_autoptr(CkRequest) request = load_request_file (path, &error);
  GPtrArray *attrs, *exts;
  const char * const *eku;
  gboolean critical = FALSE, is_ca = TRUE;
  guint usage = 0;
  int path_len = 0;
  guint found = 0;

  g_assert_no_error (error);
  g_assert_cmpstr (ck_request_get_subject (request), ==,
                   "UID=clauper,CN=Cindy Lauper,OU=sleeping dept.,O=Koko inc.,ST=Attiki,C=GR");
  g_assert_cmpstr (ck_request_get_display_name (request), ==, "Cindy Lauper");

  /* Encoding order is the reverse of RFC 4514's. */
  attrs = ck_request_get_subject_attributes (request);
  g_assert_cmpuint (attrs->len, ==, 6);
  g_assert_cmpstr (((CkDnAttribute *) g_ptr_array_index (attrs, 0))->oid, ==, CK_OID_C);
  g_assert_cmpstr (((CkDnAttribute *) g_ptr_array_index (attrs, 0))->value, ==, "GR");
  g_assert_cmpstr (((CkDnAttribute *) g_ptr_array_index (attrs, 5))->oid, ==, CK_OID_UID);
  g_assert_cmpstr (ck_dn_lookup (attrs, CK_OID_O), ==, "Koko inc.");
  g_assert_cmpstr (ck_dn_lookup (attrs, CK_OID_OU), ==, "sleeping dept.");

  g_assert_true (ck_request_get_key_usage (request, &usage, &critical));
  g_assert_cmpuint (usage, ==, GNUTLS_KEY_DIGITAL_SIGNATURE);
  g_assert_true (critical);

  eku = ck_request_get_extended_key_usage (request, &critical);
  g_assert_nonnull (eku);
  g_assert_cmpuint (g_strv_length ((char **) eku), ==, 1);
  g_assert_cmpstr (eku[0], ==, CK_OID_EKU_EMAIL_PROTECTION);
  g_assert_true (critical);

  g_assert_true (ck_request_get_basic_constraints (request, &is_ca, &path_len, &critical));
  g_assert_false (is_ca);
  g_assert_cmpint (path_len, ==, -1);
  g_assert_true (critical);

  g_assert_cmpuint (ck_request_get_subject_alt_names (request)->len, ==, 0);

  /* Eight unknown extensions, then BC, EKU and KU: eleven in all. */
  exts = ck_request_get_extensions (request);
  g_assert_cmpuint (exts->len, ==, 11);
  g_assert_cmpstr (((CkExtension *) g_ptr_array_index (exts, 8))->oid, ==, CK_OID_EXT_BASIC_CONSTRAINTS);
  g_assert_cmpstr (((CkExtension *) g_ptr_array_index (exts, 10))->oid, ==, CK_OID_EXT_KEY_USAGE);
  for (gsize i = 0; i < G_N_ELEMENTS (unknown); i++)
    for (guint j = 0; j < exts->len; j++)
      {
        CkExtension *ext = g_ptr_array_index (exts, j);
        gsize len;
        const guint8 *data = g_bytes_get_data (ext->value, &len);
        g_autofree char *hex = ck_hex_encode (data, len);

        if (!g_str_equal (ext->oid, unknown[i].oid))
          continue;
        g_assert_cmpint (ext->critical, ==, unknown[i].critical);
        g_assert_cmpstr (hex, ==, unknown[i].hex);
        found++;
      }
  g_assert_cmpuint (found, ==, G_N_ELEMENTS (unknown));
}

static void
test_tlsfeature (void)
{
  g_autofree char *path = ck_test_corpus_path ("data/template-tlsfeature.csr");
  g_autoptr(GError) error = NULL;
  g_autoptr(CkRequest) request = load_request_file (path, &error);
  GPtrArray *exts;
  gboolean seen = FALSE;

  g_assert_no_error (error);
  exts = ck_request_get_extensions (request);
  for (guint i = 0; i < exts->len; i++)
    if (g_str_equal (((CkExtension *) g_ptr_array_index (exts, i))->oid, CK_OID_EXT_TLS_FEATURE))
      seen = TRUE;
  g_assert_true (seen);
}

static void
write_file (const char *path,
            const char *contents)
{
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
}

static gboolean
has_oid (const char * const *oids,
         const char         *oid)
{
  return oids != NULL && g_strv_contains (oids, oid);
}

/* A CSR certtool makes from a template with every kind of SAN reads back
 * exactly, and its key is the one it was made with. */
static void
test_generated (void)
{
  const char *certtool = g_getenv ("CK_CERTTOOL");
  g_autofree char *key_path = g_build_filename (tmpdir, "req.key", NULL);
  g_autofree char *tmpl_path = g_build_filename (tmpdir, "req.tmpl", NULL);
  g_autofree char *csr_path = g_build_filename (tmpdir, "req.pem", NULL);
  g_autofree char *der_path = g_build_filename (tmpdir, "req.der", NULL);
  const char *genkey[] = { certtool, "--generate-privkey", "--key-type", "rsa",
                           "--bits", "2048", "--no-text", "--outfile", key_path, NULL };
  const char *genreq[] = { certtool, "--generate-request", "--load-privkey", key_path,
                           "--template", tmpl_path, "--outfile", csr_path, NULL };
  const char *toder[] = { certtool, "--crq-info", "--infile", csr_path, "--outder",
                          "--outfile", der_path, NULL };
  g_autoptr(GError) error = NULL;
  g_autoptr(CkRequest) request = NULL;
  g_autoptr(CkRequest) from_der = NULL;
  g_autoptr(CkRequest) reparsed = NULL;
  g_autoptr(CkPrivateKey) key = NULL;
  g_autofree char *out = NULL;
  g_autofree char *pem = NULL;
  g_autofree char *der_data = NULL;
  g_autofree char *der_sha = NULL;
  g_autoptr(GBytes) der = NULL;
  GPtrArray *sans;
  const char * const *eku;
  gboolean critical = FALSE, is_ca = FALSE;
  guint usage = 0;
  int path_len = 0;
  gsize der_len = 0;
  static const char *expected_sans[] = {
    "DNS:csr.example.com",
    "DNS:www.csr.example.com",
    "URI:https://example.com/path?x=1",
    "IP:192.0.2.7",
    "IP:2001:db8::1",
    "email:admin@example.com",
    "UPN:jdoe@example.com",
  };

  if (certtool == NULL)
    {
      g_test_skip ("certtool not found");
      return;
    }

  write_file (tmpl_path,
              "cn = \"csr.example.com\"\n"
              "organization = \"Example Org\"\n"
              "unit = \"Unit A\"\n"
              "country = GR\n"
              "dns_name = \"csr.example.com\"\n"
              "dns_name = \"www.csr.example.com\"\n"
              "ip_address = \"192.0.2.7\"\n"
              "ip_address = \"2001:db8::1\"\n"
              "email = \"admin@example.com\"\n"
              "uri = \"https://example.com/path?x=1\"\n"
              "other_name_utf8 = \"1.3.6.1.4.1.311.20.2.3 jdoe@example.com\"\n"
              "signing_key\n"
              "encryption_key\n"
              "tls_www_server\n"
              "tls_www_client\n"
              "ca\n"
              "path_len = 3\n"
              "cert_signing_key\n");
  out = ck_test_run_tool (genkey);
  g_assert_nonnull (out);
  g_clear_pointer (&out, g_free);
  out = ck_test_run_tool (genreq);
  g_assert_nonnull (out);
  g_clear_pointer (&out, g_free);

  request = load_request_file (csr_path, &error);
  g_assert_no_error (error);
  check_against_certtool (request, csr_path);
  g_assert_cmpstr (ck_request_get_subject (request), ==,
                   "CN=csr.example.com,OU=Unit A,O=Example Org,C=GR");
  g_assert_cmpstr (ck_request_get_display_name (request), ==, "csr.example.com");
  g_assert_cmpstr (ck_request_get_key_algorithm (request), ==, "RSA");
  g_assert_cmpuint (ck_request_get_key_bits (request), ==, 2048);
  g_assert_true (ck_request_verify_signature (request, &error));
  g_assert_no_error (error);

  sans = ck_request_get_subject_alt_names (request);
  g_assert_cmpuint (sans->len, ==, G_N_ELEMENTS (expected_sans));
  for (guint i = 0; i < sans->len; i++)
    {
      CkGeneralName *name = g_ptr_array_index (sans, i);
      g_autofree char *text = ck_general_name_to_string (name);

      g_assert_cmpstr (text, ==, expected_sans[i]);
      if (name->kind == CK_GENERAL_NAME_UPN)
        g_assert_cmpstr (name->other_oid, ==, "1.3.6.1.4.1.311.20.2.3");
    }

  g_assert_true (ck_request_get_key_usage (request, &usage, &critical));
  g_assert_cmpuint (usage, ==, GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_KEY_ENCIPHERMENT |
                               GNUTLS_KEY_KEY_CERT_SIGN);
  g_assert_true (critical);
  eku = ck_request_get_extended_key_usage (request, &critical);
  g_assert_cmpuint (g_strv_length ((char **) eku), ==, 2);
  g_assert_true (has_oid (eku, CK_OID_EKU_SERVER_AUTH));
  g_assert_true (has_oid (eku, CK_OID_EKU_CLIENT_AUTH));
  g_assert_true (ck_request_get_basic_constraints (request, &is_ca, &path_len, &critical));
  g_assert_true (is_ca);
  g_assert_cmpint (path_len, ==, 3);

  /* Linked to its key by the SPKI. */
  key = load_key (key_path);
  g_assert_cmpstr (ck_request_get_spki_sha256 (request), ==,
                   ck_private_key_get_spki_sha256 (key));

  /* DER as certtool writes it: same request, and the fingerprint is the
   * SHA-256 of exactly those bytes. */
  out = ck_test_run_tool (toder);
  g_assert_nonnull (out);
  der_data = ck_test_read_text (der_path, &der_len);
  der = g_bytes_new (der_data, der_len);
  from_der = ck_request_new_from_der (der, &error);
  g_assert_no_error (error);
  der_sha = ck_sha256_hex ((const guint8 *) der_data, der_len);
  g_assert_cmpstr (ck_request_get_sha256_fingerprint (from_der), ==, der_sha);
  g_assert_cmpstr (ck_request_get_sha256_fingerprint (request), ==, der_sha);
  g_assert_true (g_bytes_equal (ck_request_get_der (request), der));

  /* PEM round trip. */
  pem = ck_request_to_pem (request);
  g_assert_true (g_str_has_prefix (pem, "-----BEGIN CERTIFICATE REQUEST-----\n"));
  reparsed = ck_request_new_from_pem (pem, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ck_request_get_sha256_fingerprint (reparsed), ==, der_sha);

  g_unlink (key_path);
  g_unlink (tmpl_path);
  g_unlink (csr_path);
  g_unlink (der_path);
}

/* A request for @key made in-process: empty subject, one DNS name. */
static CkRequest *
request_for_key (CkPrivateKey *key)
{
  gnutls_x509_crq_t crq;
  gnutls_datum_t out = { NULL, 0 };
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) der = NULL;
  gnutls_pubkey_t pub = ck_private_key_dup_pubkey (key, &error);
  CkRequest *request;

  g_assert_no_error (error);
  gnutls_x509_crq_init (&crq);
  g_assert_cmpint (gnutls_x509_crq_set_version (crq, 1), ==, 0);
  g_assert_cmpint (gnutls_x509_crq_set_pubkey (crq, pub), ==, 0);
  g_assert_cmpint (gnutls_x509_crq_set_subject_alt_name (crq, GNUTLS_SAN_DNSNAME, "only.example.org",
                                                         strlen ("only.example.org"),
                                                         GNUTLS_FSAN_APPEND), ==, 0);
  g_assert_cmpint (gnutls_x509_crq_privkey_sign (crq, ck_private_key_get_privkey (key),
                                                 GNUTLS_DIG_SHA256, 0), ==, 0);
  g_assert_cmpint (gnutls_x509_crq_export2 (crq, GNUTLS_X509_FMT_DER, &out), ==, 0);
  der = g_bytes_new (out.data, out.size);
  gnutls_free (out.data);
  gnutls_x509_crq_deinit (crq);
  gnutls_pubkey_deinit (pub);

  request = ck_request_new_from_der (der, &error);
  g_assert_no_error (error);
  g_assert_true (ck_request_verify_signature (request, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (ck_request_get_spki_sha256 (request), ==, ck_private_key_get_spki_sha256 (key));
  return request;
}

/* A request with an empty subject is named after its first SAN. */
static void
test_empty_subject (void)
{
  g_autofree char *key_path = ck_test_corpus_path ("data/template-test.key");
  g_autoptr(CkPrivateKey) key = load_key (key_path);
  g_autoptr(CkRequest) request = request_for_key (key);

  g_assert_cmpstr (ck_request_get_subject (request), ==, "");
  g_assert_cmpuint (ck_request_get_subject_attributes (request)->len, ==, 0);
  g_assert_cmpstr (ck_request_get_display_name (request), ==, "only.example.org");
  g_assert_false (ck_request_get_key_usage (request, NULL, NULL));
  g_assert_null (ck_request_get_extended_key_usage (request, NULL));
  g_assert_false (ck_request_get_basic_constraints (request, NULL, NULL, NULL));
  g_assert_cmpstr (ck_request_get_signature_algorithm (request), ==, "RSA-SHA256");
}

/* An EC key: algorithm, size and curve as the key reports them. */
static void
test_ec_key (void)
{
  g_autofree char *key_path = ck_test_corpus_path ("data/template-test-ecc.key");
  g_autoptr(CkPrivateKey) key = load_key (key_path);
  g_autoptr(CkRequest) request = request_for_key (key);

  g_assert_cmpstr (ck_request_get_key_algorithm (request), ==, "ECDSA");
  g_assert_cmpuint (ck_request_get_key_bits (request), ==, 256);
  g_assert_cmpstr (ck_request_get_key_curve (request), ==, "SECP256R1");
  g_assert_cmpstr (ck_request_get_key_curve (request), ==, ck_private_key_get_curve (key));
  g_assert_cmpstr (ck_request_get_signature_algorithm (request), ==, "ECDSA-SHA256");
}

static void
test_bad_signature (void)
{
  g_autofree char *path = ck_test_corpus_path ("data/template-tlsfeature.csr");
  g_autoptr(GError) error = NULL;
  g_autoptr(CkRequest) request = load_request_file (path, &error);
  g_autoptr(CkRequest) tampered = NULL;
  g_autoptr(GBytes) der = NULL;
  gsize len;
  guint8 *copy;

  g_assert_no_error (error);
  /* Flip a bit in the last byte: the signature. */
  copy = g_bytes_unref_to_data (g_bytes_ref (ck_request_get_der (request)), &len);
  copy[len - 1] ^= 0x01;
  der = g_bytes_new_take (copy, len);
  tampered = ck_request_new_from_der (der, &error);
  g_assert_no_error (error);
  g_assert_false (ck_request_verify_signature (tampered, &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_MISMATCH);
}

static void
test_malformed (void)
{
  static const char not_pem[] = "hello";
  static const char broken_pem[] =
    "-----BEGIN CERTIFICATE REQUEST-----\n!!!!\n-----END CERTIFICATE REQUEST-----\n";
  static const guint8 junk[] = { 0x30, 0x03, 0x02, 0x01, 0x00 };
  g_autoptr(GBytes) der = g_bytes_new_static (junk, sizeof junk);
  g_autoptr(GBytes) empty = g_bytes_new_static ("", 0);
  g_autoptr(GError) error = NULL;

  g_assert_null (ck_request_new_from_pem (not_pem, -1, &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_PARSE);
  g_clear_error (&error);
  g_assert_null (ck_request_new_from_pem (broken_pem, -1, &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_PARSE);
  g_clear_error (&error);
  g_assert_null (ck_request_new_from_der (der, &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_PARSE);
  g_clear_error (&error);
  g_assert_null (ck_request_new_from_der (empty, &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_PARSE);
  g_clear_error (&error);

  /* A certificate is not a request. */
  {
    g_autofree char *path = ck_test_corpus_path ("data/template-test.pem");
    gsize len = 0;
    g_autofree char *pem = ck_test_read_text (path, &len);

    g_assert_null (ck_request_new_from_pem (pem, len, &error));
    g_assert_error (error, CK_ERROR, CK_ERROR_PARSE);
  }
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);
  ck_core_init ();

  tmpdir = g_dir_make_tmp ("ck-test-request-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/request/corpus", test_corpus);
  g_test_add_func ("/request/arb-extensions", test_arb_extensions);
  g_test_add_func ("/request/tlsfeature", test_tlsfeature);
  g_test_add_func ("/request/generated", test_generated);
  g_test_add_func ("/request/empty-subject", test_empty_subject);
  g_test_add_func ("/request/ec-key", test_ec_key);
  g_test_add_func ("/request/bad-signature", test_bad_signature);
  g_test_add_func ("/request/malformed", test_malformed);

  ret = g_test_run ();
  g_rmdir (tmpdir);
  g_free (tmpdir);
  return ret;
}
