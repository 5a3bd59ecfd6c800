/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Unit tests of the certificate object model: CkCertificate and its boxed
 * parts (DN attributes, general names, extensions), OIDs and key usage. */
#include <glib/gstdio.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <string.h>

#include "certkeeper-core.h"

static char *
corpus_path (const char *name)
{
  const char *data = g_getenv ("CK_TEST_DATA");

  g_assert_nonnull (data);
  return g_build_filename (data, "certtool", "data", name, NULL);
}

static CkCertificate *
load_corpus_cert (const char *name)
{
  g_autofree char *path = corpus_path (name);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize len;
  CkCertificate *cert;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  if (strstr (contents, "-----BEGIN") != NULL)
    cert = ck_certificate_new_from_pem (contents, len, &error);
  else
    {
      g_autoptr(GBytes) der = g_bytes_new (contents, len);
      cert = ck_certificate_new_from_der (der, &error);
    }
  g_assert_no_error (error);
  g_assert_nonnull (cert);
  return cert;
}

/* All CERTIFICATE blocks of a corpus bundle, in order. */
static GPtrArray *
load_corpus_bundle (const char *name)
{
  g_autofree char *path = corpus_path (name);
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *certs = g_ptr_array_new_with_free_func (g_object_unref);
  const char *p;

  g_file_get_contents (path, &contents, NULL, &error);
  g_assert_no_error (error);

  for (p = strstr (contents, "-----BEGIN CERTIFICATE-----"); p != NULL;
       p = strstr (p + 1, "-----BEGIN CERTIFICATE-----"))
    {
      CkCertificate *cert = ck_certificate_new_from_pem (p, -1, &error);

      g_assert_no_error (error);
      g_ptr_array_add (certs, cert);
    }
  return certs;
}

/* ---- certificates generated with certtool ---------------------------- */

typedef struct {
  char *dir;
} TmpDir;

static void
tmp_dir_clear (TmpDir *tmp)
{
  g_autoptr(GDir) dir = NULL;
  const char *name;

  if (tmp->dir == NULL)
    return;
  dir = g_dir_open (tmp->dir, 0, NULL);
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (tmp->dir, name, NULL);
      g_unlink (path);
    }
  g_rmdir (tmp->dir);
  g_free (tmp->dir);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (TmpDir, tmp_dir_clear)

static void
run_certtool (const char * const *args)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status;

  g_ptr_array_add (argv, (char *) g_getenv ("CK_CERTTOOL"));
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                NULL, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("certtool failed: %s", err);
}

static char *
write_file (TmpDir     *tmp,
            const char *name,
            const char *contents)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (tmp->dir, name, NULL);

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  return path;
}

static CkCertificate *
load_file_cert (const char *path)
{
  g_autofree char *contents = NULL;
  g_autoptr(GError) error = NULL;
  gsize len;
  CkCertificate *cert;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  cert = ck_certificate_new_from_pem (contents, len, &error);
  g_assert_no_error (error);
  return cert;
}

/* A self-signed certificate for @template_text, with a fresh key. */
static CkCertificate *
generate_self_signed (TmpDir     *tmp,
                      const char *name,
                      const char *template_text,
                      char      **key_path_out,
                      char      **cert_path_out)
{
  g_autofree char *base = g_strdup_printf ("%s.tmpl", name);
  g_autofree char *tmpl = write_file (tmp, base, template_text);
  g_autofree char *key = g_strdup_printf ("%s/%s.key", tmp->dir, name);
  g_autofree char *crt = g_strdup_printf ("%s/%s.pem", tmp->dir, name);

  run_certtool ((const char *[]) { "--generate-privkey", "--key-type", "ecdsa",
                                   "--outfile", key, NULL });
  run_certtool ((const char *[]) { "--generate-self-signed", "--load-privkey", key,
                                   "--template", tmpl, "--outfile", crt, NULL });
  if (key_path_out != NULL)
    *key_path_out = g_strdup (key);
  if (cert_path_out != NULL)
    *cert_path_out = g_strdup (crt);
  return load_file_cert (crt);
}

static gboolean
have_certtool (void)
{
  if (g_getenv ("CK_CERTTOOL") == NULL)
    {
      g_test_skip ("CK_CERTTOOL is not set");
      return FALSE;
    }
  return TRUE;
}

static void
make_tmp (TmpDir *tmp)
{
  g_autoptr(GError) error = NULL;

  tmp->dir = g_dir_make_tmp ("ck-test-certificate-XXXXXX", &error);
  g_assert_no_error (error);
}

/* ---- tests ------------------------------------------------------------- */

static void
test_dn_attributes_order (void)
{
  g_autoptr(CkCertificate) cert = load_corpus_cert ("multi-value-dn.pem");
  GPtrArray *attrs = ck_certificate_get_subject_attributes (cert);
  /* Encoding order: the CN RDN first, C last; certtool prints the reverse. */
  static const struct { const char *oid, *name, *value; guint rdn; } expected[] = {
    { CK_OID_CN, "CN", "unknown", 0 },
    { CK_OID_CN, "CN", "multi-test", 0 },
    { CK_OID_CN, "CN", "multi-test", 0 },
    { CK_OID_UID, "UID", "user", 1 },
    { CK_OID_OU, "OU", "arbitrary", 2 },
    { CK_OID_O, "O", "corp", 3 },
    { CK_OID_O, "O", "big corp", 3 },
    { CK_OID_O, "O", "another corp", 3 },
    { CK_OID_C, "C", "CZ", 4 },
  };

  g_assert_cmpstr (ck_certificate_get_subject (cert), ==,
                   "C=CZ,O=corp+O=big corp+O=another corp,OU=arbitrary,UID=user,"
                   "CN=unknown+CN=multi-test+CN=multi-test");
  g_assert_cmpuint (attrs->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < attrs->len; i++)
    {
      CkDnAttribute *attr = g_ptr_array_index (attrs, i);

      g_assert_cmpstr (attr->oid, ==, expected[i].oid);
      g_assert_cmpstr (ck_dn_attribute_get_name (attr), ==, expected[i].name);
      g_assert_cmpstr (attr->value, ==, expected[i].value);
      g_assert_cmpuint (attr->rdn_index, ==, expected[i].rdn);
    }
  g_assert_cmpstr (ck_dn_lookup (attrs, CK_OID_O), ==, "corp");
  g_assert_null (ck_dn_lookup (attrs, CK_OID_EMAIL));

  /* Self-signed: the issuer splits the same way, and the display name is
   * the last CN in encoding order. */
  g_assert_cmpuint (ck_certificate_get_issuer_attributes (cert)->len, ==, attrs->len);
  g_assert_cmpstr (ck_certificate_get_display_name (cert), ==, "multi-test");
  /* Cached: the same array every time. */
  g_assert_true (ck_certificate_get_subject_attributes (cert) == attrs);
}

static void
test_dn_parse_der (void)
{
  g_autoptr(CkCertificate) cert = load_corpus_cert ("template-dn.pem");
  gnutls_datum_t raw = { NULL, 0 };
  g_autoptr(GPtrArray) parsed = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *attrs = ck_certificate_get_subject_attributes (cert);
  guint8 junk[] = { 0x30, 0x05, 0x31, 0x03, 0x30, 0x01 };
  gnutls_datum_t junk_datum = { junk, sizeof junk };

  g_assert_cmpint (gnutls_x509_crt_get_raw_dn (ck_certificate_get_crt (cert), &raw), ==, 0);
  parsed = ck_dn_parse_der (&raw, &error);
  gnutls_free (raw.data);
  g_assert_no_error (error);
  g_assert_cmpuint (parsed->len, ==, attrs->len);
  g_assert_cmpuint (parsed->len, >, 3);
  for (guint i = 0; i < parsed->len; i++)
    {
      CkDnAttribute *a = g_ptr_array_index (parsed, i);
      CkDnAttribute *b = g_ptr_array_index (attrs, i);
      g_autoptr(CkDnAttribute) copy = ck_dn_attribute_copy (a);

      g_assert_cmpstr (a->oid, ==, b->oid);
      g_assert_cmpstr (a->value, ==, b->value);
      g_assert_cmpuint (a->rdn_index, ==, b->rdn_index);
      g_assert_cmpstr (copy->value, ==, a->value);
    }

  g_assert_null (ck_dn_parse_der (&junk_datum, &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_PARSE);
}

static void
test_dn_non_string_values (void)
{
  /* openssl puts dateOfBirth as a UTF8String here, which is fine for us;
   * a GeneralizedTime (tag 24) value must come out as #hex DER. */
  guint8 name_der[] = {
    0x30, 0x1f, 0x31, 0x1d, 0x30, 0x1b, 0x06, 0x08, 0x2b, 0x06, 0x01, 0x05, 0x05, 0x07, 0x09, 0x01,
    0x18, 0x0f, '1', '9', '9', '0', '0', '1', '0', '1', '0', '0', '0', '0', '0', '0', 'Z',
  };
  gnutls_datum_t datum = { name_der, sizeof name_der };
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) attrs = ck_dn_parse_der (&datum, &error);
  CkDnAttribute *attr;

  g_assert_no_error (error);
  g_assert_cmpuint (attrs->len, ==, 1);
  attr = g_ptr_array_index (attrs, 0);
  g_assert_cmpstr (attr->oid, ==, "1.3.6.1.5.5.7.9.1");
  g_assert_cmpstr (ck_dn_attribute_get_name (attr), ==, "dateOfBirth");
  g_assert_cmpstr (attr->value, ==, "#180f31393930303130313030303030305a");
}

/* A self-signed certificate whose subject is @attrs (OID, value pairs, in
 * encoding order), made with the GnuTLS API: certtool's template parser
 * cannot express every special character. */
static CkCertificate *
make_cert_with_dn (const char * const *attrs)
{
  gnutls_x509_privkey_t key;
  gnutls_x509_crt_t crt;
  gnutls_datum_t der = { NULL, 0 };
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) error = NULL;
  CkCertificate *cert;
  guint8 serial = 7;

  g_assert_cmpint (gnutls_x509_privkey_init (&key), ==, 0);
  g_assert_cmpint (gnutls_x509_privkey_generate (key, GNUTLS_PK_ECDSA,
                                                 GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1), 0), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_init (&crt), ==, 0);
  gnutls_x509_crt_set_version (crt, 3);
  gnutls_x509_crt_set_serial (crt, &serial, 1);
  gnutls_x509_crt_set_activation_time (crt, 1700000000);
  gnutls_x509_crt_set_expiration_time (crt, 1800000000);
  g_assert_cmpint (gnutls_x509_crt_set_key (crt, key), ==, 0);
  for (guint i = 0; attrs[i] != NULL; i += 2)
    g_assert_cmpint (gnutls_x509_crt_set_dn_by_oid (crt, attrs[i], 0, attrs[i + 1],
                                                    strlen (attrs[i + 1])), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_sign2 (crt, crt, key, GNUTLS_DIG_SHA256, 0), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_DER, &der), ==, 0);

  bytes = g_bytes_new (der.data, der.size);
  cert = ck_certificate_new_from_der (bytes, &error);
  g_assert_no_error (error);

  gnutls_free (der.data);
  gnutls_x509_crt_deinit (crt);
  gnutls_x509_privkey_deinit (key);
  return cert;
}

/* Subject strings are built from the DER when the Name is plain and by
 * GnuTLS otherwise; both must give what gnutls_x509_crt_get_dn3() (and so
 * certtool) gives, right at the boundary between the two. */
static void
test_dn_strings_match_gnutls (void)
{
  static const char *values[] = {
    "plain", "with space", "a-b_c.d/e@f:g", "comma, inside", "plus+sign", "quote\"d",
    "#hash first", "hash# inside", "semi;colon", "equals=sign", "lt<gt>", " leading space",
    "trailing space ", "back\\slash", "Grüße", "x",
  };
  static const char *oids[] = {
    CK_OID_CN, CK_OID_O, CK_OID_OU, CK_OID_L, CK_OID_ST, CK_OID_STREET, CK_OID_TITLE,
    CK_OID_SURNAME, CK_OID_GIVEN_NAME, CK_OID_INITIALS, CK_OID_POSTAL_CODE, CK_OID_UID,
    CK_OID_DC, CK_OID_EMAIL, CK_OID_SERIAL_NUMBER, CK_OID_DN_QUALIFIER, CK_OID_PSEUDONYM,
    "2.5.4.15", "1.3.6.1.4.1.311.60.2.1.3",
  };

  for (gsize v = 0; v < G_N_ELEMENTS (values); v++)
    for (gsize o = 0; o < G_N_ELEMENTS (oids); o++)
      {
        const char *attrs[] = { CK_OID_C, "DE", oids[o], values[v], CK_OID_CN, "last", NULL };
        g_autoptr(CkCertificate) cert = NULL;
        gnutls_datum_t dn = { NULL, 0 };

        /* GnuTLS refuses what PrintableString and IA5String cannot hold. */
        if ((g_str_equal (oids[o], CK_OID_SERIAL_NUMBER) || g_str_equal (oids[o], CK_OID_DN_QUALIFIER) ||
             g_str_equal (oids[o], CK_OID_DC) || g_str_equal (oids[o], CK_OID_EMAIL) ||
             g_str_equal (oids[o], "1.3.6.1.4.1.311.60.2.1.3")) &&
            strspn (values[v], "abcdefghijklmnopqrstuvwxyz ") != strlen (values[v]))
          continue;

        cert = make_cert_with_dn (attrs);
        g_assert_cmpint (gnutls_x509_crt_get_dn3 (ck_certificate_get_crt (cert), &dn, 0), ==, 0);
        g_assert_cmpstr (ck_certificate_get_subject (cert), ==, (const char *) dn.data);
        g_assert_cmpstr (ck_certificate_get_issuer (cert), ==, (const char *) dn.data);
        gnutls_free (dn.data);

        /* The attribute itself is unescaped UTF-8, and a CN that starts
         * with '#' is still a name. */
        if (g_str_equal (oids[o], CK_OID_CN))
          g_assert_cmpstr (ck_certificate_get_display_name (cert), ==, "last");
        if (g_str_equal (values[v], "#hash first"))
          {
            const char *only_cn[] = { CK_OID_O, "Org", CK_OID_CN, values[v], NULL };
            g_autoptr(CkCertificate) hash_cn = make_cert_with_dn (only_cn);
            g_assert_cmpstr (ck_certificate_get_display_name (hash_cn), ==, "#hash first");
          }
        g_assert_cmpstr (ck_dn_lookup (ck_certificate_get_subject_attributes (cert), oids[o]),
                         ==, values[v]);
      }
}

static void
test_san_kinds_corpus (void)
{
  g_autoptr(CkCertificate) cert = load_corpus_cert ("template-othername.pem");
  GPtrArray *sans = ck_certificate_get_subject_alt_names (cert);
  static const struct { CkGeneralNameKind kind; const char *value, *oid; } expected[] = {
    { CK_GENERAL_NAME_DNS, "www.none.org", NULL },
    { CK_GENERAL_NAME_DNS, "www.morethanone.org", NULL },
    { CK_GENERAL_NAME_DNS, "www.evenmorethanone.org", NULL },
    { CK_GENERAL_NAME_IP, "192.168.1.1", NULL },
    { CK_GENERAL_NAME_OTHER, NULL, "1.3.6.1.5.2.2" },       /* KRB5 principal */
    { CK_GENERAL_NAME_OTHER, "040d61207465737420737472696e67", "1.2.4.5.6" },
    { CK_GENERAL_NAME_OTHER, "0c0f6e6d617640676e75746c732e6f7267", "1.3.6.1.5.5.7.8.7" },
    { CK_GENERAL_NAME_OTHER, "0c0f6e6d617640676e75746c732e6f7267", "1.3.6.1.5.5.7.8.5" },
    { CK_GENERAL_NAME_EMAIL, "none@none.org", NULL },
    { CK_GENERAL_NAME_EMAIL, "where@none.org", NULL },
  };

  g_assert_cmpuint (sans->len, ==, G_N_ELEMENTS (expected));
  for (guint i = 0; i < sans->len; i++)
    {
      CkGeneralName *name = g_ptr_array_index (sans, i);

      g_assert_cmpint (name->kind, ==, expected[i].kind);
      if (expected[i].value != NULL)
        g_assert_cmpstr (name->value, ==, expected[i].value);
      g_assert_cmpstr (name->other_oid, ==, expected[i].oid);
    }

  {
    g_autofree char *text = ck_general_name_to_string (g_ptr_array_index (sans, 0));
    g_autofree char *other = ck_general_name_to_string (g_ptr_array_index (sans, 5));
    g_assert_cmpstr (text, ==, "DNS:www.none.org");
    g_assert_cmpstr (other, ==, "otherName:1.2.4.5.6:040d61207465737420737472696e67");
  }
}

static const char leaf_template[] =
  "cn = \"Test Server\"\n"
  "organization = \"Example Org\"\n"
  "unit = \"Web\"\n"
  "serial = 0x1234abcd\n"
  "expiration_days = 30\n"
  "dns_name = \"www.example.com\"\n"
  "ip_address = \"2001:db8::1\"\n"
  "ip_address = \"192.0.2.7\"\n"
  "uri = \"https://example.com/x\"\n"
  "other_name_utf8 = 1.3.6.1.4.1.311.20.2.3 user@example.com\n"
  "tls_www_server\n"
  "tls_www_client\n"
  "signing_key\n";

static const char ca_template[] =
  "cn = \"Test Root CA\"\n"
  "organization = \"Example Org\"\n"
  "serial = 1\n"
  "expiration_days = 60\n"
  "ca\n"
  "path_len = 2\n"
  "cert_signing_key\n"
  "crl_signing_key\n";

static void
test_generated_leaf (void)
{
  g_auto(TmpDir) tmp = { NULL };
  g_autoptr(CkCertificate) cert = NULL;
  GPtrArray *sans, *exts;
  const char * const *eku;
  gboolean critical, is_ca;
  guint usage;
  int path_len;
  static const struct { CkGeneralNameKind kind; const char *value; } expected_sans[] = {
    { CK_GENERAL_NAME_DNS, "www.example.com" },
    { CK_GENERAL_NAME_URI, "https://example.com/x" },
    { CK_GENERAL_NAME_IP, "2001:db8::1" },
    { CK_GENERAL_NAME_IP, "192.0.2.7" },
    { CK_GENERAL_NAME_UPN, "user@example.com" },
  };

  if (!have_certtool ())
    return;
  make_tmp (&tmp);
  cert = generate_self_signed (&tmp, "leaf", leaf_template, NULL, NULL);

  g_assert_cmpstr (ck_certificate_get_subject (cert), ==, "CN=Test Server,OU=Web,O=Example Org");
  g_assert_cmpstr (ck_certificate_get_serial (cert), ==, "1234abcd");
  g_assert_cmpuint (ck_certificate_get_version (cert), ==, 3);
  g_assert_cmpint (ck_certificate_get_not_after (cert) - ck_certificate_get_not_before (cert),
                   ==, 30 * 24 * 3600);
  g_assert_cmpstr (ck_certificate_get_key_algorithm (cert), ==, "ECDSA");
  g_assert_cmpuint (ck_certificate_get_key_bits (cert), ==, 256);
  g_assert_cmpstr (ck_certificate_get_key_curve (cert), ==, "SECP256R1");
  g_assert_cmpstr (ck_certificate_get_signature_algorithm (cert), ==, "ECDSA-SHA256");
  g_assert_cmpstr (ck_certificate_get_display_name (cert), ==, "Test Server");

  sans = ck_certificate_get_subject_alt_names (cert);
  g_assert_cmpuint (sans->len, ==, G_N_ELEMENTS (expected_sans));
  for (guint i = 0; i < sans->len; i++)
    {
      CkGeneralName *name = g_ptr_array_index (sans, i);
      g_assert_cmpint (name->kind, ==, expected_sans[i].kind);
      g_assert_cmpstr (name->value, ==, expected_sans[i].value);
    }
  g_assert_cmpstr (((CkGeneralName *) g_ptr_array_index (sans, 4))->other_oid, ==,
                   "1.3.6.1.4.1.311.20.2.3");

  g_assert_true (ck_certificate_get_basic_constraints (cert, &is_ca, &path_len, &critical));
  g_assert_false (is_ca);
  g_assert_cmpint (path_len, ==, -1);
  g_assert_true (critical);
  g_assert_false (ck_certificate_is_ca (cert));

  g_assert_true (ck_certificate_get_key_usage (cert, &usage, &critical));
  g_assert_cmpuint (usage, ==, GNUTLS_KEY_DIGITAL_SIGNATURE);
  g_assert_true (critical);

  eku = ck_certificate_get_extended_key_usage (cert, &critical);
  g_assert_nonnull (eku);
  g_assert_cmpuint (g_strv_length ((char **) eku), ==, 2);
  g_assert_true (g_strv_contains (eku, CK_OID_EKU_SERVER_AUTH));
  g_assert_true (g_strv_contains (eku, CK_OID_EKU_CLIENT_AUTH));
  g_assert_false (critical);

  /* certtool sets the SKI to the SHA-1 key id; no AKI on a self-signed one. */
  {
    guint8 id[64];
    size_t id_size = sizeof id;
    g_autofree char *hex = NULL;

    g_assert_cmpint (gnutls_x509_crt_get_key_id (ck_certificate_get_crt (cert), 0, id, &id_size), ==, 0);
    hex = ck_hex_encode (id, id_size);
    g_assert_cmpstr (ck_certificate_get_subject_key_id (cert), ==, hex);
  }
  g_assert_null (ck_certificate_get_authority_key_id (cert));

  /* Every extension, in certificate order, as GnuTLS lists them. */
  exts = ck_certificate_get_extensions (cert);
  g_assert_cmpuint (exts->len, ==, 5);
  for (guint i = 0; i < exts->len; i++)
    {
      CkExtension *ext = g_ptr_array_index (exts, i);
      char oid[128];
      size_t oid_size = sizeof oid;
      unsigned int crit;
      gnutls_datum_t value;
      g_autoptr(CkExtension) copy = ck_extension_copy (ext);

      g_assert_cmpint (gnutls_x509_crt_get_extension_info (ck_certificate_get_crt (cert), i,
                                                           oid, &oid_size, &crit), ==, 0);
      g_assert_cmpint (gnutls_x509_crt_get_extension_data2 (ck_certificate_get_crt (cert), i,
                                                            &value), ==, 0);
      g_assert_cmpstr (ext->oid, ==, oid);
      g_assert_cmpint (ext->critical, ==, crit != 0);
      g_assert_cmpmem (g_bytes_get_data (ext->value, NULL), g_bytes_get_size (ext->value),
                       value.data, value.size);
      g_assert_true (g_bytes_equal (copy->value, ext->value));
      g_assert_nonnull (ck_oid_get_display_name (ext->oid));
      gnutls_free (value.data);
    }
  g_assert_cmpstr (((CkExtension *) g_ptr_array_index (exts, 0))->oid, ==,
                   CK_OID_EXT_BASIC_CONSTRAINTS);

  g_assert_true (ck_certificate_is_self_signed (cert));
}

static void
test_chain_issued_by (void)
{
  g_auto(TmpDir) tmp = { NULL };
  g_autoptr(CkCertificate) ca = NULL;
  g_autoptr(CkCertificate) leaf = NULL;
  g_autoptr(CkCertificate) other_ca = NULL;
  g_autofree char *ca_key = NULL;
  g_autofree char *ca_crt = NULL;
  g_autofree char *tmpl = NULL;
  g_autofree char *leaf_key = NULL;
  g_autofree char *leaf_crt = NULL;
  gboolean is_ca, critical;
  int path_len;

  if (!have_certtool ())
    return;
  make_tmp (&tmp);

  ca = generate_self_signed (&tmp, "ca", ca_template, &ca_key, &ca_crt);
  /* Same subject, different key: matches by name, must fail the signature. */
  other_ca = generate_self_signed (&tmp, "other-ca", ca_template, NULL, NULL);

  tmpl = write_file (&tmp, "leaf.tmpl", leaf_template);
  leaf_key = g_build_filename (tmp.dir, "leaf.key", NULL);
  leaf_crt = g_build_filename (tmp.dir, "leaf.pem", NULL);
  run_certtool ((const char *[]) { "--generate-privkey", "--key-type", "ed25519",
                                   "--outfile", leaf_key, NULL });
  run_certtool ((const char *[]) { "--generate-certificate", "--load-privkey", leaf_key,
                                   "--load-ca-privkey", ca_key, "--load-ca-certificate", ca_crt,
                                   "--template", tmpl, "--outfile", leaf_crt, NULL });
  leaf = load_file_cert (leaf_crt);

  g_assert_cmpstr (ck_certificate_get_key_algorithm (leaf), ==, "Ed25519");
  g_assert_null (ck_certificate_get_key_curve (leaf));

  g_assert_true (ck_certificate_get_basic_constraints (ca, &is_ca, &path_len, &critical));
  g_assert_true (is_ca);
  g_assert_cmpint (path_len, ==, 2);
  g_assert_true (ck_certificate_is_ca (ca));

  g_assert_true (ck_certificate_is_self_signed (ca));
  g_assert_false (ck_certificate_is_self_signed (leaf));
  g_assert_true (ck_certificate_is_issued_by (leaf, ca));
  g_assert_false (ck_certificate_is_issued_by (leaf, other_ca));
  g_assert_false (ck_certificate_is_issued_by (ca, leaf));
  g_assert_true (ck_certificate_is_issued_by (ca, ca));
  g_assert_false (ck_certificate_is_issued_by (ca, other_ca));

  g_assert_cmpstr (ck_certificate_get_issuer (leaf), ==, ck_certificate_get_subject (ca));
  g_assert_cmpstr (ck_certificate_get_issuer_display_name (leaf), ==, "Test Root CA");
  g_assert_nonnull (ck_certificate_get_authority_key_id (leaf));
  g_assert_cmpstr (ck_certificate_get_authority_key_id (leaf), ==,
                   ck_certificate_get_subject_key_id (ca));
}

static void
test_corpus_chains (void)
{
  g_autoptr(GPtrArray) ok = load_corpus_bundle ("pkcs1-pad-ok.pem");
  g_autoptr(GPtrArray) broken = load_corpus_bundle ("pkcs1-pad-broken.pem");
  g_autoptr(GPtrArray) alt = load_corpus_bundle ("alt-chain.pem");

  g_assert_cmpuint (ok->len, ==, 2);
  g_assert_true (ck_certificate_is_issued_by (ok->pdata[0], ok->pdata[1]));
  g_assert_false (ck_certificate_is_issued_by (ok->pdata[1], ok->pdata[0]));

  /* Forged PKCS#1 padding: the names match, the signature does not. */
  g_assert_cmpuint (broken->len, ==, 2);
  g_assert_cmpstr (ck_certificate_get_issuer (broken->pdata[0]), ==,
                   ck_certificate_get_subject (broken->pdata[1]));
  g_assert_false (ck_certificate_is_issued_by (broken->pdata[0], broken->pdata[1]));

  g_assert_cmpuint (alt->len, ==, 3);
  g_assert_true (ck_certificate_is_issued_by (alt->pdata[0], alt->pdata[1]));
  g_assert_false (ck_certificate_is_self_signed (alt->pdata[0]));
}

static void
test_display_names (void)
{
  g_auto(TmpDir) tmp = { NULL };
  g_autoptr(CkCertificate) org = NULL;
  g_autoptr(CkCertificate) org_only = NULL;
  g_autoptr(CkCertificate) san_only = NULL;
  g_autoptr(CkCertificate) locality = NULL;

  if (!have_certtool ())
    return;
  make_tmp (&tmp);

  org = generate_self_signed (&tmp, "org",
                              "organization = \"Example Org\"\nunit = \"Web\"\nexpiration_days = 1\n",
                              NULL, NULL);
  g_assert_cmpstr (ck_certificate_get_display_name (org), ==, "Example Org (Web)");
  g_assert_cmpstr (ck_certificate_get_issuer_display_name (org), ==, "Example Org (Web)");

  org_only = generate_self_signed (&tmp, "org-only",
                                   "organization = \"Example Org\"\nexpiration_days = 1\n", NULL, NULL);
  g_assert_cmpstr (ck_certificate_get_display_name (org_only), ==, "Example Org");

  san_only = generate_self_signed (&tmp, "san-only",
                                   "country = \"DE\"\ndns_name = \"only.example.org\"\nexpiration_days = 1\n",
                                   NULL, NULL);
  g_assert_cmpstr (ck_certificate_get_display_name (san_only), ==, "only.example.org");

  locality = generate_self_signed (&tmp, "locality",
                                   "locality = \"Berlin\"\ncountry = \"DE\"\nexpiration_days = 1\n",
                                   NULL, NULL);
  g_assert_cmpstr (ck_certificate_get_display_name (locality), ==, ck_certificate_get_subject (locality));
  g_assert_cmpstr (ck_certificate_get_display_name (locality), ==, "L=Berlin,C=DE");
}

static void
test_corpus_details (void)
{
  g_autoptr(CkCertificate) cert = load_corpus_cert ("template-test.pem");
  g_autoptr(CkCertificate) ecc = load_corpus_cert ("cert-ecc256.pem");
  g_autoptr(CkCertificate) pss_sig = load_corpus_cert ("cert-rsa-pss.pem");
  g_autoptr(CkCertificate) pss = load_corpus_cert ("ca-crl-valid.pem");
  g_autoptr(CkCertificate) eddsa = load_corpus_cert ("cert-eddsa.pem");
  g_autoptr(CkCertificate) dsa = load_corpus_cert ("cert.dsa.2048.pem");
  g_autoptr(CkCertificate) aki = load_corpus_cert ("aki-cert.pem");
  g_autoptr(CkCertificate) full = load_corpus_cert ("cert-ecc256-full.pem");
  const char * const *eku;
  guint usage;
  gboolean critical;

  g_assert_true (ck_certificate_get_key_usage (cert, &usage, &critical));
  g_assert_cmpuint (usage, ==, GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_KEY_CERT_SIGN);
  g_assert_true (critical);
  eku = ck_certificate_get_extended_key_usage (cert, &critical);
  g_assert_nonnull (eku);
  g_assert_cmpstr (eku[0], ==, CK_OID_EKU_OCSP_SIGNING);
  g_assert_null (eku[1]);
  g_assert_true (ck_certificate_is_ca (cert));
  g_assert_cmpstr (ck_certificate_get_subject_key_id (cert), ==,
                   "5d40adf0ce9440958b7e99941d925422ca72365f");

  g_assert_cmpstr (ck_certificate_get_key_algorithm (ecc), ==, "ECDSA");
  g_assert_cmpstr (ck_certificate_get_key_curve (ecc), ==, "SECP256R1");
  g_assert_cmpstr (ck_certificate_get_key_algorithm (pss), ==, "RSA-PSS");
  g_assert_cmpuint (ck_certificate_get_key_algorithm_id (pss), ==, GNUTLS_PK_RSA_PSS);
  g_assert_cmpstr (ck_certificate_get_key_algorithm (pss_sig), ==, "RSA");
  g_assert_cmpstr (ck_certificate_get_signature_algorithm (pss_sig), ==, "RSA-PSS-SHA256");
  /* An X25519 key in a certificate signed with Ed25519. */
  g_assert_cmpstr (ck_certificate_get_key_algorithm (eddsa), ==, "X25519");
  g_assert_cmpstr (ck_certificate_get_signature_algorithm (eddsa), ==, "EdDSA-Ed25519");
  g_assert_cmpstr (ck_certificate_get_key_algorithm (dsa), ==, "DSA");
  g_assert_cmpuint (ck_certificate_get_key_bits (dsa), ==, 2048);
  g_assert_null (ck_certificate_get_key_curve (dsa));

  /* The SPKI DER, hashed, is the SPKI hash. */
  {
    GBytes *spki = ck_certificate_get_spki (ecc);
    g_autofree char *hex = ck_sha256_hex (g_bytes_get_data (spki, NULL), g_bytes_get_size (spki));
    g_assert_cmpstr (hex, ==, ck_certificate_get_spki_sha256 (ecc));
  }

  /* An AKI with only issuer and serial: no key id, but the extension is
   * listed. */
  g_assert_null (ck_certificate_get_authority_key_id (aki));
  {
    GPtrArray *exts = ck_certificate_get_extensions (aki);
    gboolean found = FALSE;

    for (guint i = 0; i < exts->len; i++)
      found |= g_strcmp0 (((CkExtension *) g_ptr_array_index (exts, i))->oid,
                          CK_OID_EXT_AUTHORITY_KEY_ID) == 0;
    g_assert_true (found);
  }

  /* No EKU extension: NULL, not an empty list. */
  {
    g_autoptr(CkCertificate) plain = load_corpus_cert ("multi-value-dn.pem");
    g_assert_null (ck_certificate_get_extended_key_usage (plain, NULL));
    g_assert_false (ck_certificate_get_key_usage (plain, &usage, NULL));
    g_assert_null (ck_certificate_get_authority_key_id (plain));
  }
  g_assert_cmpstr (ck_certificate_get_authority_key_id (full), ==,
                   "f0b481fe9812bfb528b9644003cbcc1f664e2803");
}

static void
test_pem_and_der (void)
{
  g_autoptr(CkCertificate) cert = load_corpus_cert ("cert-ecc256.pem");
  g_autofree char *pem = ck_certificate_to_pem (cert);
  g_autoptr(CkCertificate) again = NULL;
  g_autoptr(CkCertificate) trusted = NULL;
  g_autoptr(CkCertificate) x509 = NULL;
  g_autoptr(CkCertificate) from_der = NULL;
  g_autoptr(GError) error = NULL;
  GBytes *der = ck_certificate_get_der (cert);

  g_assert_true (g_str_has_prefix (pem, "-----BEGIN CERTIFICATE-----"));
  again = ck_certificate_new_from_pem (pem, -1, &error);
  g_assert_no_error (error);
  g_assert_true (ck_certificate_equal (cert, again));
  g_assert_cmpstr (ck_certificate_get_sha256_fingerprint (cert), ==,
                   ck_certificate_get_sha256_fingerprint (again));

  /* "X509 CERTIFICATE" and OpenSSL's "TRUSTED CERTIFICATE", whose trust
   * settings after the certificate are ignored. */
  {
    g_autoptr(GByteArray) aux = g_byte_array_new ();
    static const guint8 trust[] = { 0x30, 0x0c, 0x30, 0x0a, 0x06, 0x08, 0x2b, 0x06,
                                    0x01, 0x05, 0x05, 0x07, 0x03, 0x01 };
    g_autofree char *b64 = NULL;
    g_autofree char *text = NULL;
    g_autofree char *x509_text = NULL;
    g_autofree char *body = NULL;

    g_byte_array_append (aux, g_bytes_get_data (der, NULL), g_bytes_get_size (der));
    g_byte_array_append (aux, trust, sizeof trust);
    b64 = g_base64_encode (aux->data, aux->len);
    text = g_strdup_printf ("junk before\n-----BEGIN TRUSTED CERTIFICATE-----\n%s\n"
                            "-----END TRUSTED CERTIFICATE-----\n", b64);
    trusted = ck_certificate_new_from_pem (text, -1, &error);
    g_assert_no_error (error);
    g_assert_true (ck_certificate_equal (cert, trusted));

    body = g_base64_encode (g_bytes_get_data (der, NULL), g_bytes_get_size (der));
    x509_text = g_strdup_printf ("-----BEGIN X509 CERTIFICATE-----\n%s\n-----END X509 CERTIFICATE-----\n",
                                 body);
    x509 = ck_certificate_new_from_pem (x509_text, -1, &error);
    g_assert_no_error (error);
    g_assert_true (ck_certificate_equal (cert, x509));
  }

  from_der = ck_certificate_new_from_der (der, &error);
  g_assert_no_error (error);
  g_assert_true (ck_certificate_equal (cert, from_der));
  g_assert_cmpstr (ck_certificate_get_sha1_fingerprint (from_der), ==,
                   ck_certificate_get_sha1_fingerprint (cert));
}

/* @error is a pointer so the call in the first argument has set it. */
static void
assert_parse_error (CkCertificate *cert,
                    GError       **error)
{
  g_assert_null (cert);
  g_assert_error (*error, CK_ERROR, CK_ERROR_PARSE);
  g_assert_true (strstr ((*error)->message, "not a valid X.509 certificate") != NULL);
}

static void
test_bad_input (void)
{
  g_autoptr(CkCertificate) good = load_corpus_cert ("cert-ecc256.pem");
  GBytes *der = ck_certificate_get_der (good);
  gsize size = g_bytes_get_size (der);
  const guint8 *data = g_bytes_get_data (der, NULL);
  g_autofree char *pem = ck_certificate_to_pem (good);
  g_autoptr(GRand) rand = g_rand_new_with_seed (4514);

  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
    assert_parse_error (ck_certificate_new_from_der (empty, &error), &error);
  }

  /* Every truncation of a valid certificate. */
  for (gsize len = 1; len < size; len += 7)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GBytes) cut = g_bytes_new (data, len);
      assert_parse_error (ck_certificate_new_from_der (cut, &error), &error);
    }

  /* Random junk, and the certificate with random bytes flipped: either a
   * clean error or a certificate, never a crash. */
  for (int i = 0; i < 300; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree guint8 *buf = g_memdup2 (data, size);
      g_autoptr(GBytes) bytes = NULL;
      g_autoptr(CkCertificate) cert = NULL;

      if (i < 50)
        for (gsize j = 0; j < size; j++)
          buf[j] = (guint8) g_rand_int_range (rand, 0, 256);
      else
        for (int k = 0; k < 3; k++)
          buf[g_rand_int_range (rand, 0, (gint32) size)] ^= (guint8) g_rand_int_range (rand, 1, 256);

      bytes = g_bytes_new (buf, size);
      cert = ck_certificate_new_from_der (bytes, &error);
      if (cert == NULL)
        g_assert_true (g_error_matches (error, CK_ERROR, CK_ERROR_PARSE) ||
                       g_error_matches (error, CK_ERROR, CK_ERROR_UNSUPPORTED));
      else
        {
          /* Whatever parsed must answer every getter. */
          g_assert_nonnull (ck_certificate_get_subject (cert));
          g_assert_nonnull (ck_certificate_get_extensions (cert));
          g_assert_nonnull (ck_certificate_get_subject_attributes (cert));
          g_assert_nonnull (ck_certificate_get_key_algorithm (cert));
          ck_certificate_is_self_signed (cert);
        }
    }

  /* PEM: no block, bad base64, missing end, truncated body. */
  {
    g_autoptr(GError) error = NULL;
    assert_parse_error (ck_certificate_new_from_pem ("hello", -1, &error), &error);
  }
  {
    g_autoptr(GError) error = NULL;
    assert_parse_error (ck_certificate_new_from_pem (
      "-----BEGIN CERTIFICATE-----\nMII*BAD\n-----END CERTIFICATE-----\n", -1, &error), &error);
  }
  {
    g_autoptr(GError) error = NULL;
    g_autofree char *no_end = g_strndup (pem, strstr (pem, "-----END") - pem);
    assert_parse_error (ck_certificate_new_from_pem (no_end, -1, &error), &error);
  }
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(GString) cut = g_string_new (pem);
    const char *end = strstr (cut->str, "-----END");
    /* Drop one base64 line from the middle. */
    const char *line = strchr (strchr (cut->str, '\n') + 1, '\n') + 1;
    g_string_erase (cut, line - cut->str, 65);
    g_assert_nonnull (end);
    assert_parse_error (ck_certificate_new_from_pem (cut->str, -1, &error), &error);
  }
  {
    /* A private key block is not a certificate. */
    g_autoptr(GError) error = NULL;
    assert_parse_error (ck_certificate_new_from_pem (
      "-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n", -1, &error), &error);
  }

  /* A key algorithm GnuTLS does not know (ecPublicKey's OID, last arc
   * changed): well-formed, so the certificate is kept, its key named by
   * OID and marked as one nothing can be verified with. */
  {
    static const guint8 ec_oid[] = { 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01 };
    g_autofree guint8 *buf = g_memdup2 (data, size);
    g_autoptr(GBytes) bytes = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(CkCertificate) cert = NULL;
    gboolean patched = FALSE;

    for (gsize i = 0; i + sizeof ec_oid <= size && !patched; i++)
      if (memcmp (buf + i, ec_oid, sizeof ec_oid) == 0)
        {
          buf[i + sizeof ec_oid - 1] = 0x55;
          patched = TRUE;
        }
    g_assert_true (patched);
    bytes = g_bytes_new (buf, size);
    cert = ck_certificate_new_from_der (bytes, &error);
    g_assert_no_error (error);
    g_assert_nonnull (cert);
    g_assert_false (ck_certificate_get_key_supported (cert));
    g_assert_cmpstr (ck_certificate_get_key_algorithm_oid (cert), ==, "1.2.840.10045.2.85");
    g_assert_cmpstr (ck_certificate_get_key_algorithm (cert), ==, "1.2.840.10045.2.85");
    g_assert_cmpstr (ck_certificate_get_key_problem (cert), ==,
                     "key algorithm not supported: cannot be verified");
  }

  /* Trailing bytes after the DER: GnuTLS refuses, so do we. */
  {
    g_autoptr(GByteArray) longer = g_byte_array_new ();
    g_autoptr(GBytes) bytes = NULL;
    g_autoptr(GError) error = NULL;

    g_byte_array_append (longer, data, size);
    g_byte_array_append (longer, (const guint8 *) "\n", 1);
    bytes = g_bytes_new (longer->data, longer->len);
    assert_parse_error (ck_certificate_new_from_der (bytes, &error), &error);
  }

  /* Corpus files GnuTLS rejects. */
  {
    g_autofree char *path = corpus_path ("invalid-date-day.der");
    g_autofree char *contents = NULL;
    g_autoptr(GBytes) bytes = NULL;
    g_autoptr(GError) error = NULL;
    gsize len;

    g_file_get_contents (path, &contents, &len, NULL);
    bytes = g_bytes_new (contents, len);
    assert_parse_error (ck_certificate_new_from_der (bytes, &error), &error);
  }
}

static void
test_general_name_parse (void)
{
  static const struct { const char *text; CkGeneralNameKind kind; const char *value; } good[] = {
    { "DNS:www.example.com", CK_GENERAL_NAME_DNS, "www.example.com" },
    { "dns:*.example.com", CK_GENERAL_NAME_DNS, "*.example.com" },
    { "IP:192.0.2.1", CK_GENERAL_NAME_IP, "192.0.2.1" },
    { "IP:2001:DB8:0:0::1", CK_GENERAL_NAME_IP, "2001:db8::1" },
    { "email:a@example.com", CK_GENERAL_NAME_EMAIL, "a@example.com" },
    { "URI:https://example.com/x", CK_GENERAL_NAME_URI, "https://example.com/x" },
    { "UPN:user@example.com", CK_GENERAL_NAME_UPN, "user@example.com" },
    { "DN:CN=Foo,O=Bar", CK_GENERAL_NAME_DN, "CN=Foo,O=Bar" },
    { "RID:1.2.3.4", CK_GENERAL_NAME_REGISTERED_ID, "1.2.3.4" },
    { "otherName:1.2.3.4:0C:01:41", CK_GENERAL_NAME_OTHER, "0c0141" },
  };
  static const char *bad[] = {
    "www.example.com", "DNS:", "IP:999.1.1.1", "IP:2001:db8:::1", "IP:example.com",
    "email:nobody", "URI:not a uri", "UPN:", "RID:1.x", "FOO:bar", "DNS:a b",
    "otherName:1.2.3", "otherName:1.3.6.1.4.1.311.20.2.3:0c00",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CkGeneralName) name = ck_general_name_parse (good[i].text, &error);
      g_autofree char *text = NULL;
      g_autoptr(CkGeneralName) again = NULL;

      g_assert_no_error (error);
      g_assert_cmpint (name->kind, ==, good[i].kind);
      g_assert_cmpstr (name->value, ==, good[i].value);
      /* to_string() and parse() round-trip. */
      text = ck_general_name_to_string (name);
      again = ck_general_name_parse (text, &error);
      g_assert_no_error (error);
      g_assert_cmpint (again->kind, ==, name->kind);
      g_assert_cmpstr (again->value, ==, name->value);
      g_assert_cmpstr (again->other_oid, ==, name->other_oid);
    }

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CkGeneralName) name = ck_general_name_parse (bad[i], &error);

      if (name != NULL)
        g_error ("“%s” parsed", bad[i]);
      g_assert_error (error, CK_ERROR, CK_ERROR_INVALID);
    }

  {
    CkGeneralNameKind kind;
    g_assert_true (ck_general_name_kind_from_string ("Email", &kind));
    g_assert_cmpint (kind, ==, CK_GENERAL_NAME_EMAIL);
    g_assert_false (ck_general_name_kind_from_string ("mail", &kind));
    g_assert_cmpstr (ck_general_name_kind_to_string (CK_GENERAL_NAME_REGISTERED_ID), ==, "RID");
  }
}

static void
test_oids (void)
{
  g_assert_cmpstr (ck_oid_get_short_name (CK_OID_CN), ==, "CN");
  g_assert_cmpstr (ck_oid_get_short_name (CK_OID_EMAIL), ==, "EMAIL");
  g_assert_cmpstr (ck_oid_get_short_name (CK_OID_ORGANIZATION_IDENTIFIER), ==, "organizationIdentifier");
  g_assert_null (ck_oid_get_short_name (CK_OID_EKU_SERVER_AUTH));
  g_assert_null (ck_oid_get_short_name ("1.2.3.4.5"));

  g_assert_cmpstr (ck_oid_get_display_name (CK_OID_CN), ==, "Common Name");
  g_assert_cmpstr (ck_oid_get_display_name (CK_OID_ORGANIZATION_IDENTIFIER), ==, "Organization Identifier");
  g_assert_cmpstr (ck_oid_get_display_name (CK_OID_EXT_SUBJECT_ALT_NAME), ==, "Subject Alternative Name");
  g_assert_nonnull (ck_oid_get_display_name (CK_OID_EKU_CODE_SIGNING));
  g_assert_null (ck_oid_get_display_name ("1.2.3.4.5"));

  g_assert_cmpstr (ck_oid_from_short_name ("cn"), ==, CK_OID_CN);
  g_assert_cmpstr (ck_oid_from_short_name ("commonName"), ==, CK_OID_CN);
  g_assert_cmpstr (ck_oid_from_short_name ("organizationName"), ==, CK_OID_O);
  g_assert_cmpstr (ck_oid_from_short_name ("emailAddress"), ==, CK_OID_EMAIL);
  g_assert_cmpstr (ck_oid_from_short_name ("E"), ==, CK_OID_EMAIL);
  g_assert_cmpstr (ck_oid_from_short_name ("SN"), ==, CK_OID_SURNAME);
  g_assert_cmpstr (ck_oid_from_short_name ("surName"), ==, CK_OID_SURNAME);
  g_assert_cmpstr (ck_oid_from_short_name ("GN"), ==, CK_OID_GIVEN_NAME);
  g_assert_cmpstr (ck_oid_from_short_name ("domainComponent"), ==, CK_OID_DC);
  g_assert_cmpstr (ck_oid_from_short_name ("jurisdictionC"), ==, "1.3.6.1.4.1.311.60.2.1.3");
  g_assert_null (ck_oid_from_short_name ("serverAuth"));
  g_assert_null (ck_oid_from_short_name ("nonsense"));

  /* Every DN short name maps back to its OID. */
  {
    static const char *oids[] = { CK_OID_CN, CK_OID_SURNAME, CK_OID_SERIAL_NUMBER, CK_OID_C,
                                  CK_OID_L, CK_OID_ST, CK_OID_STREET, CK_OID_O, CK_OID_OU,
                                  CK_OID_TITLE, CK_OID_POSTAL_CODE, CK_OID_GIVEN_NAME,
                                  CK_OID_INITIALS, CK_OID_GENERATION_QUALIFIER,
                                  CK_OID_DN_QUALIFIER, CK_OID_PSEUDONYM,
                                  CK_OID_ORGANIZATION_IDENTIFIER, CK_OID_DC, CK_OID_UID,
                                  CK_OID_EMAIL };
    for (gsize i = 0; i < G_N_ELEMENTS (oids); i++)
      {
        /* And GnuTLS agrees on the names it knows. */
        const char *gnutls_name = gnutls_x509_dn_oid_name (oids[i], 0);

        g_assert_cmpstr (ck_oid_from_short_name (ck_oid_get_short_name (oids[i])), ==, oids[i]);
        if (gnutls_name != NULL)
          g_assert_cmpstr (ck_oid_get_short_name (oids[i]), ==, gnutls_name);
      }
  }

  g_assert_true (ck_oid_is_valid ("2.5.4.3"));
  g_assert_true (ck_oid_is_valid ("1.3.6.1.4.1.311.20.2.3"));
  g_assert_true (ck_oid_is_valid ("2.999.1"));
  g_assert_false (ck_oid_is_valid ("2"));
  g_assert_false (ck_oid_is_valid (""));
  g_assert_false (ck_oid_is_valid ("3.1"));
  g_assert_false (ck_oid_is_valid ("1.40"));
  g_assert_false (ck_oid_is_valid ("1.2..3"));
  g_assert_false (ck_oid_is_valid ("1.2.03"));
  g_assert_false (ck_oid_is_valid ("1.2.3."));
  g_assert_false (ck_oid_is_valid ("1.2.a"));
  g_assert_false (ck_oid_is_valid (NULL));
}

static void
test_key_usage (void)
{
  guint n_bits, usage = 0;
  const CkKeyUsageBit *bits = ck_key_usage_bits (&n_bits);
  g_autofree char *text = NULL;
  g_auto(GStrv) strv = NULL;
  g_autoptr(GError) error = NULL;

  g_assert_cmpuint (n_bits, ==, 9);
  g_assert_cmpstr (bits[0].name, ==, "digitalSignature");
  g_assert_cmpuint (bits[0].flag, ==, GNUTLS_KEY_DIGITAL_SIGNATURE);

  text = ck_key_usage_to_string (GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_KEY_ENCIPHERMENT);
  g_assert_cmpstr (text, ==, "digitalSignature, keyEncipherment");
  strv = ck_key_usage_to_strv (GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN);
  g_assert_cmpuint (g_strv_length (strv), ==, 2);
  g_assert_cmpstr (strv[1], ==, "cRLSign");

  g_assert_true (ck_key_usage_from_string ("DigitalSignature , keycertsign,contentCommitment",
                                           &usage, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (usage, ==, GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_KEY_CERT_SIGN |
                               GNUTLS_KEY_NON_REPUDIATION);
  g_assert_true (ck_key_usage_from_string ("", &usage, &error));
  g_assert_cmpuint (usage, ==, 0);
  g_assert_false (ck_key_usage_from_string ("digitalSignature, bogus", &usage, &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_INVALID);
}

/* A light certificate re-reads its DER for what the constructor did not
 * keep, and answers exactly as a full one. */
static void
test_light (void)
{
  const char *names[] = { "cert-ecc256-full.pem", "template-test.pem", "cert-eddsa.pem",
                          "cert.dsa.2048.pem", "aki-cert.pem" };

  for (gsize n = 0; n < G_N_ELEMENTS (names); n++)
    {
      g_autoptr(CkCertificate) full = load_corpus_cert (names[n]);
      g_autoptr(GError) error = NULL;
      g_autoptr(CkCertificate) light = ck_certificate_new_from_der_light (ck_certificate_get_der (full),
                                                                          &error);
      guint usage_full = 0, usage_light = 0;
      gboolean crit_full = FALSE, crit_light = FALSE;
      GPtrArray *ext_full, *ext_light;

      g_assert_no_error (error);
      g_assert_cmpstr (ck_certificate_get_subject (light), ==, ck_certificate_get_subject (full));
      g_assert_cmpstr (ck_certificate_get_key_algorithm (light), ==,
                       ck_certificate_get_key_algorithm (full));
      g_assert_cmpuint (ck_certificate_get_key_bits (light), ==, ck_certificate_get_key_bits (full));
      g_assert_cmpint (ck_certificate_get_key_usage (light, &usage_light, &crit_light), ==,
                       ck_certificate_get_key_usage (full, &usage_full, &crit_full));
      g_assert_cmpuint (usage_light, ==, usage_full);
      g_assert_cmpint (crit_light, ==, crit_full);
      ext_full = ck_certificate_get_extensions (full);
      ext_light = ck_certificate_get_extensions (light);
      g_assert_cmpuint (ext_light->len, ==, ext_full->len);
      g_assert_cmpstr (ck_certificate_get_subject_key_id (light), ==,
                       ck_certificate_get_subject_key_id (full));
      g_assert_cmpstr (ck_certificate_get_authority_key_id (light), ==,
                       ck_certificate_get_authority_key_id (full));
      g_assert_cmpuint (ck_certificate_get_subject_attributes (light)->len, ==,
                        ck_certificate_get_subject_attributes (full)->len);
      g_assert_cmpint (ck_certificate_is_self_signed (light), ==, ck_certificate_is_self_signed (full));
      g_assert_nonnull (ck_certificate_get_crt (light));
    }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  ck_core_init ();

  g_test_add_func ("/certificate/dn-attributes-order", test_dn_attributes_order);
  g_test_add_func ("/certificate/dn-parse-der", test_dn_parse_der);
  g_test_add_func ("/certificate/dn-non-string-values", test_dn_non_string_values);
  g_test_add_func ("/certificate/dn-strings-match-gnutls", test_dn_strings_match_gnutls);
  g_test_add_func ("/certificate/san-kinds-corpus", test_san_kinds_corpus);
  g_test_add_func ("/certificate/generated-leaf", test_generated_leaf);
  g_test_add_func ("/certificate/chain-issued-by", test_chain_issued_by);
  g_test_add_func ("/certificate/corpus-chains", test_corpus_chains);
  g_test_add_func ("/certificate/display-names", test_display_names);
  g_test_add_func ("/certificate/corpus-details", test_corpus_details);
  g_test_add_func ("/certificate/pem-and-der", test_pem_and_der);
  g_test_add_func ("/certificate/bad-input", test_bad_input);
  g_test_add_func ("/certificate/general-name-parse", test_general_name_parse);
  g_test_add_func ("/certificate/oids", test_oids);
  g_test_add_func ("/certificate/key-usage", test_key_usage);
  g_test_add_func ("/certificate/light", test_light);

  return g_test_run ();
}
