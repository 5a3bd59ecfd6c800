/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Key generation and the request builder: every attribute and extension
 * built, parsed back and compared; real-world requests checked against
 * what `openssl req -text` shows; every request verified by openssl and
 * certtool; the pending → issued lifecycle with a CA made by certtool. */
#include <glib/gstdio.h>
#include <string.h>

#include "ck-test-certs.h"
#include "ck-test-tools.h"

static char *tmpdir;
static CkPrivateKey *rsa2048;
static CkPrivateKey *ec256;

static CkPrivateKey *
generate (CkKeyType   type,
          guint       bits,
          const char *curve)
{
  CkKeySpec spec = { type, bits, curve };
  g_autoptr(GError) error = NULL;
  CkPrivateKey *key = ck_key_generate (&spec, NULL, &error);

  g_assert_no_error (error);
  g_assert_nonnull (key);
  return key;
}

static char *
write_temp (const char   *name,
            const void   *data,
            gsize         len)
{
  char *path = g_build_filename (tmpdir, name, NULL);

  g_assert_true (g_file_set_contents (path, data, len, NULL));
  return path;
}

/* openssl and certtool both accept the request and its signature. */
static void
verify_with_tools (CkRequest *request)
{
  const char *openssl = g_getenv ("CK_OPENSSL");
  const char *certtool = g_getenv ("CK_CERTTOOL");
  g_autofree char *pem = ck_request_to_pem (request);
  g_autofree char *path = write_temp ("verify.csr", pem, strlen (pem));

  g_assert_true (ck_request_verify_signature (request, NULL));
  if (openssl != NULL)
    {
      const char *argv[] = { openssl, "req", "-verify", "-noout", "-in", path, NULL };
      g_autofree char *out = ck_test_run_tool (argv);

      g_assert_nonnull (out);
    }
  if (certtool != NULL)
    {
      const char *argv[] = { certtool, "--crq-info", "--infile", path, NULL };
      g_autofree char *info = ck_test_run_tool (argv);

      g_assert_nonnull (info);
      g_assert_nonnull (strstr (info, "Self signature: verified"));
      g_assert_nonnull (strstr (info, ck_request_get_spki_sha256 (request)));
    }
}

/* The subject line of `openssl req -text`, in encoding order. */
static char *
openssl_subject (CkRequest *request)
{
  const char *openssl = g_getenv ("CK_OPENSSL");
  g_autofree char *pem = ck_request_to_pem (request);
  g_autofree char *path = write_temp ("subject.csr", pem, strlen (pem));
  const char *argv[] = { openssl, "req", "-noout", "-text", "-in", path, NULL };
  g_autofree char *text = ck_test_run_tool (argv);
  const char *p;

  g_assert_nonnull (text);
  p = strstr (text, "Subject: ");
  g_assert_nonnull (p);
  p += strlen ("Subject: ");
  return g_strndup (p, strcspn (p, "\n"));
}

static CkRequest *
build (CkRequestBuilder *builder,
       CkPrivateKey     *key,
       CkBuildFlags      flags)
{
  g_autoptr(GError) error = NULL;
  CkRequest *request = ck_request_builder_build (builder, key, flags, &error);

  g_assert_no_error (error);
  g_assert_nonnull (request);
  verify_with_tools (request);
  return request;
}

static const struct {
  const char *name;
  const char *oid;
  const char *value;
} every_attribute[] = {
  { "CN", CK_OID_CN, "Everything Example" },
  { "O", CK_OID_O, "Example AG" },
  { "OU", CK_OID_OU, "Unit one" },
  { "OU", CK_OID_OU, "Unit two" },
  { "L", CK_OID_L, "Zürich" },
  { "ST", CK_OID_ST, "Zurich" },
  { "street", CK_OID_STREET, "Bahnhofstrasse 1" },
  { "postalCode", CK_OID_POSTAL_CODE, "8001" },
  { "C", CK_OID_C, "CH" },
  { "emailAddress", CK_OID_EMAIL, "pki@example.ch" },
  { "title", CK_OID_TITLE, "Dr." },
  { "surname", CK_OID_SURNAME, "Muster" },
  { "givenName", CK_OID_GIVEN_NAME, "Max" },
  { "initials", CK_OID_INITIALS, "MM" },
  { "pseudonym", CK_OID_PSEUDONYM, "maxi" },
  { "generationQualifier", CK_OID_GENERATION_QUALIFIER, "Jr." },
  { "serialNumber", CK_OID_SERIAL_NUMBER, "12345" },
  { "dnQualifier", CK_OID_DN_QUALIFIER, "q1" },
  { "organizationIdentifier", CK_OID_ORGANIZATION_IDENTIFIER, "CHE-464.234.583 MWST" },
  { "DC", CK_OID_DC, "example" },
  { "DC", CK_OID_DC, "ch" },
  { "UID", CK_OID_UID, "mmuster" },
  { "1.3.6.1.4.1.99999.1", "1.3.6.1.4.1.99999.1", "private attribute ü" },
};

static void
test_round_trip (void)
{
  g_autoptr(CkRequestBuilder) builder = ck_request_builder_new ();
  g_autoptr(CkRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) ext_value = g_bytes_new_static ("\x04\x02\xca\xfe", 4);
  const char *sans[] = { "DNS:everything.example.ch", "IP:192.0.2.7", "IP:2001:db8::1",
                         "email:pki@example.ch", "URI:https://example.ch/pki", "UPN:max@example.ch" };
  const char *ekus[] = { "serverAuth", "clientAuth", "codeSigning", "emailProtection",
                         "timeStamping", "OCSPSigning", "anyExtendedKeyUsage", "1.3.6.1.4.1.99999.7" };
  const char *eku_oids[] = { CK_OID_EKU_SERVER_AUTH, CK_OID_EKU_CLIENT_AUTH, CK_OID_EKU_CODE_SIGNING,
                             CK_OID_EKU_EMAIL_PROTECTION, CK_OID_EKU_TIME_STAMPING,
                             CK_OID_EKU_OCSP_SIGNING, CK_OID_EKU_ANY, "1.3.6.1.4.1.99999.7", NULL };
  guint n_bits, all_bits = 0, usage = 0;
  const CkKeyUsageBit *bits = ck_key_usage_bits (&n_bits);
  GPtrArray *attrs, *names, *extensions;
  gboolean critical = FALSE, is_ca = FALSE, found = FALSE;
  int path_len = 0;
  const char * const *got_eku;

  for (gsize i = 0; i < G_N_ELEMENTS (every_attribute); i++)
    {
      g_assert_true (ck_request_builder_add_attribute_by_name (builder, every_attribute[i].name,
                                                               every_attribute[i].value, &error));
      g_assert_no_error (error);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (sans); i++)
    g_assert_true (ck_request_builder_add_san_string (builder, sans[i], NULL));
  ck_request_builder_set_san_critical (builder, TRUE);
  for (guint i = 0; i < n_bits; i++)
    all_bits |= bits[i].flag;
  ck_request_builder_set_key_usage (builder, all_bits, FALSE);
  for (gsize i = 0; i < G_N_ELEMENTS (ekus); i++)
    g_assert_true (ck_request_builder_add_extended_key_usage (builder, ekus[i], NULL));
  g_object_set (builder, "extended-key-usage-critical", TRUE, NULL);
  ck_request_builder_set_basic_constraints (builder, TRUE, TRUE, 3, FALSE);
  ck_request_builder_set_challenge_password (builder, "challenge 1");
  ck_request_builder_add_extension (builder, "1.3.6.1.4.1.99999.9", ext_value, TRUE);
  ck_request_builder_add_tls_feature (builder, 5);

  /* Every key usage bit does not fit an RSA key (keyAgreement): build
   * anyway, the point here is the encoding. */
  request = build (builder, rsa2048, CK_BUILD_IGNORE_FINDINGS);

  attrs = ck_request_get_subject_attributes (request);
  g_assert_cmpuint (attrs->len, ==, G_N_ELEMENTS (every_attribute));
  for (guint i = 0; i < attrs->len; i++)
    {
      CkDnAttribute *attr = attrs->pdata[i];

      g_assert_cmpstr (attr->oid, ==, every_attribute[i].oid);
      g_assert_cmpstr (attr->value, ==, every_attribute[i].value);
    }
  names = ck_request_get_subject_alt_names (request);
  g_assert_cmpuint (names->len, ==, G_N_ELEMENTS (sans));
  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *text = ck_general_name_to_string (names->pdata[i]);

      g_assert_cmpstr (text, ==, sans[i]);
    }
  g_assert_true (ck_request_get_key_usage (request, &usage, &critical));
  g_assert_cmpuint (usage, ==, all_bits);
  g_assert_false (critical);
  got_eku = ck_request_get_extended_key_usage (request, &critical);
  g_assert_true (critical);
  g_assert_cmpstrv (got_eku, eku_oids);
  g_assert_true (ck_request_get_basic_constraints (request, &is_ca, &path_len, &critical));
  g_assert_true (is_ca);
  g_assert_cmpint (path_len, ==, 3);
  g_assert_false (critical);

  extensions = ck_request_get_extensions (request);
  for (guint i = 0; i < extensions->len; i++)
    {
      CkExtension *ext = extensions->pdata[i];

      if (g_str_equal (ext->oid, CK_OID_EXT_SUBJECT_ALT_NAME))
        g_assert_true (ext->critical);
      if (g_str_equal (ext->oid, "1.3.6.1.4.1.99999.9"))
        {
          found = TRUE;
          g_assert_true (ext->critical);
          g_assert_true (g_bytes_equal (ext->value, ext_value));
        }
    }
  g_assert_true (found);
  g_assert_nonnull (strstr (ck_request_get_signature_algorithm (request), "SHA256"));

  /* The builder made from the request asks for the same again. */
  {
    g_autoptr(CkRequestBuilder) again = ck_request_builder_new_from_request (request);
    g_autoptr(CkRequest) second = NULL;

    ck_request_builder_set_challenge_password (again, "challenge 1");
    second = build (again, rsa2048, CK_BUILD_IGNORE_FINDINGS);
    g_assert_cmpstr (ck_request_get_subject (second), ==, ck_request_get_subject (request));
    g_assert_cmpuint (ck_request_get_extensions (second)->len, ==, extensions->len);
  }
}

/* Everything a renewal asks for again, from a certificate certtool made
 * with CA-added extensions too: subject, SANs, key usage, EKU, basic
 * constraints and must-staple come back; key ids, CRL and OCSP locations
 * and policies (the CA's) do not. */
static void
test_from_certificate (void)
{
  const char *tool = g_getenv ("CK_CERTTOOL");
  g_autofree char *key_path = NULL;
  g_autofree char *template_path = NULL;
  g_autofree char *cert_path = NULL;
  g_autofree char *pem = NULL;
  g_autoptr(CkCertificate) cert = NULL;
  g_autoptr(CkRequestBuilder) builder = NULL;
  g_autoptr(CkPrivateKey) key = NULL;
  g_autoptr(CkRequest) request = NULL;
  g_autoptr(GPtrArray) findings = NULL;
  g_autoptr(GError) error = NULL;
  const char template[] =
    "cn = \"renew.example\"\norganization = \"Acme\"\ncountry = \"US\"\n"
    "dns_name = \"renew.example\"\ndns_name = \"www.renew.example\"\n"
    "ip_address = \"192.0.2.7\"\ntls_www_server\ntls_www_client\n"
    "signing_key\nencryption_key\ntls_feature = 5\n"
    "crl_dist_points = \"http://crl.example/ca.crl\"\nocsp_uri = \"http://ocsp.example/\"\n"
    "policy1 = 2.23.140.1.2.2\nexpiration_days = 30\n";
  GPtrArray *cert_sans, *request_sans, *extensions;
  guint cert_usage = 0, request_usage = 0;
  gboolean cert_critical = FALSE, request_critical = TRUE;

  if (tool == NULL)
    {
      g_test_skip ("certtool not found");
      return;
    }
  key_path = g_build_filename (tmpdir, "renew.key", NULL);
  cert_path = g_build_filename (tmpdir, "renew.pem", NULL);
  template_path = write_temp ("renew.tmpl", template, strlen (template));
  {
    const char *genkey[] = { tool, "--generate-privkey", "--key-type", "rsa", "--bits", "2048",
                             "--outfile", key_path, NULL };
    const char *self_sign[] = { tool, "--generate-self-signed", "--load-privkey", key_path,
                                "--template", template_path, "--outfile", cert_path, NULL };
    g_autofree char *out1 = ck_test_run_tool (genkey);
    g_autofree char *out2 = NULL;

    g_assert_nonnull (out1);
    out2 = ck_test_run_tool (self_sign);
    g_assert_nonnull (out2);
  }
  g_assert_true (g_file_get_contents (cert_path, &pem, NULL, NULL));
  cert = ck_certificate_new_from_pem (pem, -1, &error);
  g_assert_no_error (error);

  /* The CA's extensions are there to be left out. */
  {
    GPtrArray *cert_extensions = ck_certificate_get_extensions (cert);
    const char * const cas[] = { CK_OID_EXT_SUBJECT_KEY_ID, CK_OID_EXT_CRL_DIST_POINTS,
                                 CK_OID_EXT_AUTHORITY_INFO, CK_OID_EXT_CERT_POLICIES };
    guint found = 0;

    for (guint i = 0; i < cert_extensions->len; i++)
      for (guint j = 0; j < G_N_ELEMENTS (cas); j++)
        if (g_str_equal (((CkExtension *) cert_extensions->pdata[i])->oid, cas[j]))
          found++;
    g_assert_cmpuint (found, ==, G_N_ELEMENTS (cas));
  }

  builder = ck_request_builder_new_from_certificate (cert);
  findings = ck_request_builder_check (builder);
  g_assert_cmpuint (findings->len, ==, 0);
  /* The new key is like the old one. */
  {
    CkKeySpec spec = { 0, };

    g_assert_true (ck_key_spec_from_certificate (cert, &spec, &error));
    g_assert_no_error (error);
    g_assert_cmpint (spec.type, ==, CK_KEY_TYPE_RSA);
    g_assert_cmpuint (spec.bits, ==, 2048);
    g_assert_null (spec.curve);
  }
  key = generate (CK_KEY_TYPE_RSA, 2048, NULL);
  request = build (builder, key, CK_BUILD_NONE);

  g_assert_cmpstr (ck_request_get_subject (request), ==, ck_certificate_get_subject (cert));
  g_assert_cmpuint (ck_request_get_key_bits (request), ==, ck_certificate_get_key_bits (cert));
  cert_sans = ck_certificate_get_subject_alt_names (cert);
  request_sans = ck_request_get_subject_alt_names (request);
  g_assert_cmpuint (cert_sans->len, ==, 3);
  g_assert_cmpuint (request_sans->len, ==, cert_sans->len);
  for (guint i = 0; i < cert_sans->len; i++)
    {
      g_autofree char *a = ck_general_name_to_string (cert_sans->pdata[i]);
      g_autofree char *b = ck_general_name_to_string (request_sans->pdata[i]);

      g_assert_cmpstr (a, ==, b);
    }
  g_assert_true (ck_certificate_get_key_usage (cert, &cert_usage, &cert_critical));
  g_assert_true (ck_request_get_key_usage (request, &request_usage, &request_critical));
  g_assert_cmpuint (request_usage, ==, cert_usage);
  g_assert_cmpint (request_critical, ==, cert_critical);
  g_assert_cmpstrv (ck_request_get_extended_key_usage (request, NULL),
                    ck_certificate_get_extended_key_usage (cert, NULL));

  extensions = ck_request_get_extensions (request);
  for (guint i = 0; i < extensions->len; i++)
    {
      CkExtension *ext = extensions->pdata[i];

      g_assert_true (g_str_equal (ext->oid, CK_OID_EXT_SUBJECT_ALT_NAME) ||
                     g_str_equal (ext->oid, CK_OID_EXT_KEY_USAGE) ||
                     g_str_equal (ext->oid, CK_OID_EXT_EXT_KEY_USAGE) ||
                     g_str_equal (ext->oid, CK_OID_EXT_BASIC_CONSTRAINTS) ||
                     g_str_equal (ext->oid, CK_OID_EXT_TLS_FEATURE));
    }
  {
    GArray *features = ck_request_builder_get_tls_features (builder);

    g_assert_cmpuint (features->len, ==, 1);
    g_assert_cmpuint (g_array_index (features, guint, 0), ==, 5);
  }
}

/* A renewal key like an EC certificate's: the same curve. */
static void
test_key_spec_from_ec_certificate (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CkPrivateKey) again = NULL;
  CkKeySpec spec = { 0, };
  CkTestCa *ca = ck_test_ca_new ("Spec CA");
  g_autofree char *pem = ck_test_ca_get_pem (ca);
  g_autoptr(CkCertificate) cert = ck_certificate_new_from_pem (pem, -1, &error);

  g_assert_no_error (error);
  /* The test CA's key is P-256. */
  g_assert_true (ck_key_spec_from_certificate (cert, &spec, &error));
  g_assert_no_error (error);
  g_assert_cmpint (spec.type, ==, CK_KEY_TYPE_ECDSA);
  g_assert_cmpstr (spec.curve, ==, "SECP256R1");
  again = ck_key_generate (&spec, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ck_private_key_get_curve (again), ==, "SECP256R1");
  ck_test_ca_free (ca);
}

static void
test_securosys (void)
{
  g_autoptr(CkPrivateKey) key = generate (CK_KEY_TYPE_RSA, 4096, NULL);
  g_autoptr(CkRequestBuilder) builder = ck_request_builder_new ();
  g_autoptr(CkRequest) request = NULL;
  g_autoptr(GPtrArray) findings = NULL;
  g_autofree char *subject = NULL;
  const char * const any[] = { CK_OID_EKU_ANY, NULL };
  guint usage = 0;

  g_assert_true (ck_request_builder_add_subject_string (
    builder, "CN=SUB-Securosys-001, OU=Operations, O=Securosys SA, L=Zurich, ST=Zurich, C=CH", NULL));
  g_assert_true (ck_request_builder_add_attribute_by_name (builder, "organizationIdentifier",
                                                           "CHE-464.234.583 MWST", NULL));
  ck_request_builder_set_key_usage (builder, GNUTLS_KEY_DIGITAL_SIGNATURE, TRUE);
  g_assert_true (ck_request_builder_add_extended_key_usage (builder, "anyExtendedKeyUsage", NULL));
  ck_request_builder_set_key_info (builder, GNUTLS_PK_RSA, 4096);
  findings = ck_request_builder_check (builder);
  g_assert_cmpuint (findings->len, ==, 0);

  request = build (builder, key, CK_BUILD_NONE);
  g_assert_cmpuint (ck_request_get_key_bits (request), ==, 4096);
  g_assert_true (ck_request_get_key_usage (request, &usage, NULL));
  g_assert_cmpuint (usage, ==, GNUTLS_KEY_DIGITAL_SIGNATURE);
  g_assert_cmpstrv (ck_request_get_extended_key_usage (request, NULL), any);
  if (g_getenv ("CK_OPENSSL") == NULL)
    return;
  subject = openssl_subject (request);
  g_assert_cmpstr (subject, ==, "CN = SUB-Securosys-001, OU = Operations, O = Securosys SA, "
                                "L = Zurich, ST = Zurich, C = CH, "
                                "organizationIdentifier = CHE-464.234.583 MWST");
}

static void
test_api_gateway (void)
{
  g_autoptr(CkRequestBuilder) builder = ck_request_builder_new ();
  g_autoptr(CkRequest) request = NULL;
  g_autoptr(GPtrArray) findings = NULL;
  g_autofree char *subject = NULL;

  g_assert_true (ck_request_builder_add_subject_string (
    builder, "CN=api.acme.com, O=Acme, L=Boston, ST=Massachusetts, C=US, emailAddress=api-admin@acme.com",
    NULL));
  ck_request_builder_set_key_info (builder, GNUTLS_PK_RSA, 2048);
  ck_request_builder_apply_profile (builder, CK_REQUEST_PROFILE_TLS_SERVER);
  g_assert_true (ck_request_builder_add_san_string (builder, "DNS:api.acme.com", NULL));
  findings = ck_request_builder_check (builder);
  g_assert_cmpuint (findings->len, ==, 0);
  request = build (builder, rsa2048, CK_BUILD_NONE);
  g_assert_cmpstr (ck_request_get_display_name (request), ==, "api.acme.com");
  if (g_getenv ("CK_OPENSSL") == NULL)
    return;
  subject = openssl_subject (request);
  g_assert_cmpstr (subject, ==, "CN = api.acme.com, O = Acme, L = Boston, ST = Massachusetts, "
                                "C = US, emailAddress = api-admin@acme.com");
}

/* X-Road signing and authentication requests, PEM and DER. */
static void
test_xroad (void)
{
  const char *openssl = g_getenv ("CK_OPENSSL");

  for (int auth = 0; auth < 2; auth++)
    {
      g_autoptr(CkRequestBuilder) builder = ck_request_builder_new ();
      g_autoptr(CkRequest) request = NULL;
      g_autoptr(CkRequest) from_pem = NULL;
      g_autoptr(CkRequest) from_der = NULL;
      g_autofree char *pem = NULL;
      g_autofree char *der_path = NULL;
      guint usage = 0;
      gboolean critical = FALSE;

      g_assert_true (ck_request_builder_add_subject_string (
        builder, auth ? "CN=ss1.example.ee, O=Example OÜ, C=EE"
                      : "C=EE, O=Example OÜ, serialNumber=EE/COM/12345678, CN=12345678", NULL));
      ck_request_builder_set_key_info (builder, GNUTLS_PK_RSA, 2048);
      ck_request_builder_apply_profile (builder, auth ? CK_REQUEST_PROFILE_XROAD_AUTH
                                                      : CK_REQUEST_PROFILE_XROAD_SIGNING);
      request = build (builder, rsa2048, CK_BUILD_NONE);
      g_assert_true (ck_request_get_key_usage (request, &usage, &critical));
      g_assert_true (critical);
      if (auth)
        {
          const char * const tls[] = { CK_OID_EKU_CLIENT_AUTH, CK_OID_EKU_SERVER_AUTH, NULL };

          g_assert_cmpuint (usage, ==, GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_KEY_ENCIPHERMENT);
          g_assert_cmpstrv (ck_request_get_extended_key_usage (request, NULL), tls);
        }
      else
        {
          g_assert_cmpuint (usage, ==, GNUTLS_KEY_NON_REPUDIATION);
          g_assert_null (ck_request_get_extended_key_usage (request, NULL));
        }

      pem = ck_request_to_pem (request);
      g_assert_true (g_str_has_prefix (pem, "-----BEGIN CERTIFICATE REQUEST-----"));
      from_pem = ck_request_new_from_pem (pem, -1, NULL);
      from_der = ck_request_new_from_der (ck_request_get_der (request), NULL);
      g_assert_true (g_bytes_equal (ck_request_get_der (from_pem), ck_request_get_der (from_der)));

      der_path = write_temp ("xroad.der", g_bytes_get_data (ck_request_get_der (request), NULL),
                             g_bytes_get_size (ck_request_get_der (request)));
      if (openssl != NULL)
        {
          const char *argv[] = { openssl, "req", "-verify", "-noout", "-inform", "DER",
                                 "-in", der_path, NULL };
          g_autofree char *out = ck_test_run_tool (argv);

          g_assert_nonnull (out);
        }
    }
}

static gboolean
has_finding (GPtrArray        *findings,
             CkFindingSeverity severity,
             const char       *field,
             const char       *text)
{
  for (guint i = 0; i < findings->len; i++)
    {
      CkRequestFinding *finding = findings->pdata[i];

      if (finding->severity == severity && g_str_equal (finding->field, field) &&
          strstr (finding->message, text) != NULL)
        return TRUE;
    }
  return FALSE;
}

static GPtrArray *
check_subject (const char           *subject,
               const char * const   *sans,
               CkRequestProfile      profile,
               gnutls_pk_algorithm_t algo,
               guint                 bits,
               guint                 usage)
{
  g_autoptr(CkRequestBuilder) builder = ck_request_builder_new ();

  if (subject != NULL)
    g_assert_true (ck_request_builder_add_subject_string (builder, subject, NULL));
  ck_request_builder_set_key_info (builder, algo, bits);
  ck_request_builder_apply_profile (builder, profile);
  for (guint i = 0; sans != NULL && sans[i] != NULL; i++)
    g_assert_true (ck_request_builder_add_san_string (builder, sans[i], NULL));
  if (usage != 0)
    ck_request_builder_set_key_usage (builder, usage, TRUE);
  return ck_request_builder_check (builder);
}

static void
test_findings (void)
{
  const char * const www[] = { "DNS:www.example.com", NULL };
  const char * const other[] = { "DNS:other.example.com", NULL };
  g_autoptr(GPtrArray) f = NULL;
  g_autoptr(GError) error = NULL;

  f = check_subject ("CN=www.example.com, C=CHE", www, CK_REQUEST_PROFILE_TLS_SERVER,
                     GNUTLS_PK_RSA, 2048, 0);
  g_assert_true (has_finding (f, CK_FINDING_ERROR, "C", "two letters"));
  g_clear_pointer (&f, g_ptr_array_unref);

  f = check_subject ("CN=www.example.com, C=ch", www, CK_REQUEST_PROFILE_TLS_SERVER,
                     GNUTLS_PK_RSA, 2048, 0);
  g_assert_true (has_finding (f, CK_FINDING_ERROR, "C", "capitals"));
  g_clear_pointer (&f, g_ptr_array_unref);

  f = check_subject ("CN=www.example.com, C=UK", www, CK_REQUEST_PROFILE_TLS_SERVER,
                     GNUTLS_PK_RSA, 2048, 0);
  g_assert_true (has_finding (f, CK_FINDING_ERROR, "C", "GB"));
  g_clear_pointer (&f, g_ptr_array_unref);

  f = check_subject ("CN=www.example.com", NULL, CK_REQUEST_PROFILE_TLS_SERVER,
                     GNUTLS_PK_ECDSA, 256, 0);
  g_assert_true (has_finding (f, CK_FINDING_ERROR, "subjectAltName", "DNS name or IP"));
  g_assert_true (ck_request_findings_have_errors (f));
  g_clear_pointer (&f, g_ptr_array_unref);

  f = check_subject ("CN=www.example.com", other, CK_REQUEST_PROFILE_TLS_SERVER,
                     GNUTLS_PK_ECDSA, 256, 0);
  g_assert_true (has_finding (f, CK_FINDING_WARNING, "CN", "not among"));
  g_assert_false (ck_request_findings_have_errors (f));
  g_clear_pointer (&f, g_ptr_array_unref);

  f = check_subject ("CN=old", NULL, CK_REQUEST_PROFILE_TLS_CLIENT, GNUTLS_PK_RSA, 1024, 0);
  g_assert_true (has_finding (f, CK_FINDING_ERROR, "key", "2048"));
  g_clear_pointer (&f, g_ptr_array_unref);

  f = check_subject (NULL, www, CK_REQUEST_PROFILE_TLS_SERVER, GNUTLS_PK_ECDSA, 256, 0);
  g_assert_true (has_finding (f, CK_FINDING_ERROR, "subject", "empty"));
  g_clear_pointer (&f, g_ptr_array_unref);

  f = check_subject ("CN=ec", NULL, CK_REQUEST_PROFILE_CUSTOM, GNUTLS_PK_ECDSA, 256,
                     GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_KEY_ENCIPHERMENT);
  g_assert_true (has_finding (f, CK_FINDING_ERROR, "keyUsage", "keyEncipherment"));
  g_clear_pointer (&f, g_ptr_array_unref);

  f = check_subject ("CN=ed", NULL, CK_REQUEST_PROFILE_CUSTOM, GNUTLS_PK_EDDSA_ED25519, 256,
                     GNUTLS_KEY_KEY_ENCIPHERMENT);
  g_assert_true (has_finding (f, CK_FINDING_ERROR, "keyUsage", "EdDSA"));
  g_clear_pointer (&f, g_ptr_array_unref);

  /* anyExtendedKeyUsage in a critical extension: a warning (RFC 5280
   * 4.2.1.12), not an error; the same extension not critical is fine. */
  for (guint critical = 0; critical < 2; critical++)
    {
      g_autoptr(CkRequestBuilder) builder = ck_request_builder_new ();
      const char * const any[] = { CK_OID_EKU_ANY, NULL };

      g_assert_true (ck_request_builder_add_subject_string (builder, "CN=any.example", NULL));
      ck_request_builder_set_key_info (builder, GNUTLS_PK_ECDSA, 256);
      ck_request_builder_apply_profile (builder, CK_REQUEST_PROFILE_CUSTOM);
      ck_request_builder_set_extended_key_usage (builder, any, critical);
      f = ck_request_builder_check (builder);
      g_assert_cmpint (has_finding (f, CK_FINDING_WARNING, "extendedKeyUsage", "RFC 5280"), ==, critical);
      g_assert_false (ck_request_findings_have_errors (f));
      g_clear_pointer (&f, g_ptr_array_unref);
    }

  /* A clean one, and the build refuses the bad ones with every error. */
  f = check_subject ("CN=www.example.com, O=Example, C=CH", www, CK_REQUEST_PROFILE_TLS_SERVER,
                     GNUTLS_PK_ECDSA, 256, 0);
  g_assert_cmpuint (f->len, ==, 0);
  {
    g_autoptr(CkRequestBuilder) builder = ck_request_builder_new ();

    g_assert_true (ck_request_builder_add_subject_string (builder, "CN=x, C=Switzerland", NULL));
    ck_request_builder_apply_profile (builder, CK_REQUEST_PROFILE_TLS_SERVER);
    g_assert_null (ck_request_builder_build (builder, ec256, CK_BUILD_NONE, &error));
    g_assert_error (error, CK_ERROR, CK_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "two letters"));
    g_assert_nonnull (strstr (error->message, "DNS name"));
  }
}

static void
test_subject_string (void)
{
  g_autoptr(CkRequestBuilder) builder = ck_request_builder_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  GPtrArray *subject;

  g_assert_true (ck_request_builder_add_subject_string (builder, "CN=Doe\\, John ,O=Acme, 2.5.4.97=VATCH-1", &error));
  g_assert_no_error (error);
  subject = ck_request_builder_get_subject (builder);
  g_assert_cmpuint (subject->len, ==, 3);
  g_assert_cmpstr (((CkDnAttribute *) subject->pdata[0])->value, ==, "Doe, John");
  g_assert_cmpstr (((CkDnAttribute *) subject->pdata[2])->oid, ==, CK_OID_ORGANIZATION_IDENTIFIER);
  text = ck_request_builder_get_subject_string (builder);
  g_assert_cmpstr (text, ==, "CN=Doe\\, John, O=Acme, organizationIdentifier=VATCH-1");

  g_assert_false (ck_request_builder_add_subject_string (builder, "XYZ=1", &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (ck_request_builder_add_subject_string (builder, "CN=a, justtext", &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_INVALID);
  /* A failed string adds nothing. */
  g_assert_cmpuint (subject->len, ==, 3);
}

static void
test_profiles (void)
{
  static const struct {
    CkRequestProfile profile;
    guint usage;
    const char *eku;
    gboolean ca;
  } expected[] = {
    { CK_REQUEST_PROFILE_TLS_SERVER, GNUTLS_KEY_DIGITAL_SIGNATURE, CK_OID_EKU_SERVER_AUTH, FALSE },
    { CK_REQUEST_PROFILE_TLS_CLIENT, GNUTLS_KEY_DIGITAL_SIGNATURE, CK_OID_EKU_CLIENT_AUTH, FALSE },
    { CK_REQUEST_PROFILE_CODE_SIGNING, GNUTLS_KEY_DIGITAL_SIGNATURE, CK_OID_EKU_CODE_SIGNING, FALSE },
    { CK_REQUEST_PROFILE_EMAIL, GNUTLS_KEY_DIGITAL_SIGNATURE, CK_OID_EKU_EMAIL_PROTECTION, FALSE },
    { CK_REQUEST_PROFILE_DOCUMENT_SIGNING, GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_NON_REPUDIATION,
      "1.3.6.1.5.5.7.3.36", FALSE },
    { CK_REQUEST_PROFILE_XROAD_SIGNING, GNUTLS_KEY_NON_REPUDIATION, NULL, FALSE },
    { CK_REQUEST_PROFILE_XROAD_AUTH, GNUTLS_KEY_DIGITAL_SIGNATURE, CK_OID_EKU_CLIENT_AUTH, FALSE },
    { CK_REQUEST_PROFILE_SUB_CA, GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_KEY_CERT_SIGN |
      GNUTLS_KEY_CRL_SIGN, NULL, TRUE },
    { CK_REQUEST_PROFILE_CUSTOM, 0, NULL, FALSE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (expected); i++)
    {
      g_autoptr(CkRequestBuilder) builder = ck_request_builder_new ();
      g_autoptr(CkRequest) request = NULL;
      CkRequestProfile parsed;
      const char * const *eku;
      gboolean is_ca = FALSE;
      guint usage = 0;

      g_assert_true (ck_request_profile_from_string (ck_request_profile_to_string (expected[i].profile),
                                                     &parsed));
      g_assert_cmpint (parsed, ==, expected[i].profile);
      g_assert_true (ck_request_builder_add_subject_string (builder, "CN=profile.example, O=Example, C=CH", NULL));
      g_assert_true (ck_request_builder_add_san_string (builder, "DNS:profile.example", NULL));
      ck_request_builder_set_key_info (builder, GNUTLS_PK_ECDSA, 256);
      g_object_set (builder, "profile", expected[i].profile, NULL);
      g_assert_cmpint (ck_request_builder_get_profile (builder), ==, expected[i].profile);
      request = build (builder, ec256, CK_BUILD_NONE);

      g_assert_cmpint (ck_request_get_key_usage (request, &usage, NULL), ==, expected[i].usage != 0);
      g_assert_cmpuint (usage, ==, expected[i].usage);
      eku = ck_request_get_extended_key_usage (request, NULL);
      if (expected[i].eku == NULL)
        g_assert_null (eku);
      else
        g_assert_cmpstr (eku[0], ==, expected[i].eku);
      ck_request_get_basic_constraints (request, &is_ca, NULL, NULL);
      g_assert_cmpint (is_ca, ==, expected[i].ca);
    }
}

static void
test_hash_and_pss (void)
{
  static const struct {
    gnutls_digest_algorithm_t hash;
    gboolean pss;
    const char *sign;
  } cases[] = {
    { GNUTLS_DIG_SHA256, FALSE, "RSA-SHA256" },
    { GNUTLS_DIG_SHA384, FALSE, "RSA-SHA384" },
    { GNUTLS_DIG_SHA512, FALSE, "RSA-SHA512" },
    { GNUTLS_DIG_SHA256, TRUE, "RSA-PSS-SHA256" },
    { GNUTLS_DIG_SHA512, TRUE, "RSA-PSS-SHA512" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(CkRequestBuilder) builder = ck_request_builder_new ();
      g_autoptr(CkRequest) request = NULL;

      g_assert_true (ck_request_builder_add_subject_string (builder, "CN=hash", NULL));
      ck_request_builder_set_hash (builder, cases[i].hash);
      ck_request_builder_set_pss (builder, cases[i].pss);
      request = build (builder, rsa2048, CK_BUILD_NONE);
      g_assert_cmpstr (ck_request_get_signature_algorithm (request), ==, cases[i].sign);
    }

  /* PSS with an EC key is an error. */
  {
    g_autoptr(CkRequestBuilder) builder = ck_request_builder_new ();
    g_autoptr(GError) error = NULL;

    g_assert_true (ck_request_builder_add_subject_string (builder, "CN=pss", NULL));
    ck_request_builder_set_pss (builder, TRUE);
    g_assert_null (ck_request_builder_build (builder, ec256, CK_BUILD_NONE, &error));
    g_assert_error (error, CK_ERROR, CK_ERROR_INVALID);
  }
}

/* --- Keys -------------------------------------------------------------- */

static void
test_keygen_algorithms (void)
{
  static const struct {
    CkKeyType type;
    guint bits;
    const char *curve;
    const char *algorithm;
    guint expected_bits;
    const char *expected_curve;
  } cases[] = {
    { CK_KEY_TYPE_RSA, 2048, NULL, "RSA", 2048, NULL },
    { CK_KEY_TYPE_RSA, 3072, NULL, "RSA", 3072, NULL },
    { CK_KEY_TYPE_RSA, 4096, NULL, "RSA", 4096, NULL },
    { CK_KEY_TYPE_RSA, 8192, NULL, "RSA", 8192, NULL },
    { CK_KEY_TYPE_RSA_PSS, 2048, NULL, "RSA-PSS", 2048, NULL },
    { CK_KEY_TYPE_ECDSA, 0, "P-256", "ECDSA", 256, "SECP256R1" },
    { CK_KEY_TYPE_ECDSA, 0, "P-384", "ECDSA", 384, "SECP384R1" },
    { CK_KEY_TYPE_ECDSA, 0, "P-521", "ECDSA", 521, "SECP521R1" },
    { CK_KEY_TYPE_ED25519, 0, NULL, "Ed25519", 256, NULL },
    { CK_KEY_TYPE_ED448, 0, NULL, "Ed448", 456, NULL },
  };
  gboolean slow = g_getenv ("CK_SLOW_TESTS") != NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(CkPrivateKey) key = NULL;
      g_autoptr(CkRequestBuilder) builder = ck_request_builder_new ();
      g_autoptr(CkRequest) request = NULL;

      if (cases[i].bits == 8192 && !slow)
        {
          g_test_message ("RSA 8192 generation skipped (set CK_SLOW_TESTS to run it)");
          continue;
        }
      key = generate (cases[i].type, cases[i].bits, cases[i].curve);
      g_assert_cmpstr (ck_private_key_get_algorithm (key), ==, cases[i].algorithm);
      g_assert_cmpuint (ck_private_key_get_bits (key), ==, cases[i].expected_bits);
      g_assert_cmpstr (ck_private_key_get_curve (key), ==, cases[i].expected_curve);

      /* Every key type signs a request openssl and certtool accept. */
      g_assert_true (ck_request_builder_add_subject_string (builder, "CN=keygen", NULL));
      request = build (builder, key, CK_BUILD_NONE);
      g_assert_cmpstr (ck_request_get_spki_sha256 (request), ==, ck_private_key_get_spki_sha256 (key));
    }
}

static void
test_keygen_refusals (void)
{
  static const CkKeySpec bad[] = {
    { CK_KEY_TYPE_RSA, 1024, NULL },
    { CK_KEY_TYPE_RSA, 2047, NULL },
    { CK_KEY_TYPE_ECDSA, 0, "P-192" },
    { CK_KEY_TYPE_ECDSA, 256, "P-256" },
    { CK_KEY_TYPE_ED25519, 256, NULL },
    { CK_KEY_TYPE_RSA, 2048, "P-256" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_null (ck_key_generate (&bad[i], NULL, &error));
      g_assert_error (error, CK_ERROR, CK_ERROR_INVALID);
    }
}

static void
on_generated (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  GAsyncResult **out = data;

  *out = g_object_ref (result);
}

/* A cancelled RSA 8192 generation returns at once: GnuTLS goes on in its
 * own thread and the key is dropped when it is done. The bound is loose
 * on purpose (generation takes far longer); it is not a speed check. */
static void
test_keygen_cancel (void)
{
  CkKeySpec spec = { CK_KEY_TYPE_RSA, 8192, NULL };
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CkPrivateKey) key = NULL;
  gint64 start, cancelled_at;

  ck_key_generate_async (&spec, cancellable, on_generated, &result);
  start = g_get_monotonic_time ();
  while (g_get_monotonic_time () - start < 200 * G_TIME_SPAN_MILLISECOND)
    g_main_context_iteration (NULL, FALSE);
  g_assert_null (result);
  g_cancellable_cancel (cancellable);
  cancelled_at = g_get_monotonic_time ();
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  g_test_message ("cancel answered after %" G_GINT64_FORMAT " ms",
                  (g_get_monotonic_time () - cancelled_at) / 1000);
  g_assert_cmpint (g_get_monotonic_time () - cancelled_at, <, 5 * G_TIME_SPAN_SECOND);
  key = ck_key_generate_finish (result, &error);
  g_assert_null (key);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);

  /* Already cancelled: nothing starts. */
  g_clear_error (&error);
  g_assert_null (ck_key_generate (&spec, cancellable, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
}

static void
test_generate_async (void)
{
  g_autoptr(CkRequestBuilder) builder = ck_request_builder_new ();
  CkKeySpec spec = { CK_KEY_TYPE_ECDSA, 0, "P-384" };
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CkPrivateKey) key = NULL;
  g_autoptr(CkRequest) request = NULL;

  g_assert_true (ck_request_builder_add_subject_string (builder, "CN=async.example, C=CH", NULL));
  g_assert_true (ck_request_builder_add_san_string (builder, "DNS:async.example", NULL));
  ck_request_builder_apply_profile (builder, CK_REQUEST_PROFILE_TLS_SERVER);
  ck_request_builder_generate_async (builder, &spec, CK_BUILD_NONE, NULL, on_generated, &result);
  while (result == NULL)
    g_main_context_iteration (NULL, TRUE);
  request = ck_request_builder_generate_finish (builder, result, &key, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ck_request_get_spki_sha256 (request), ==, ck_private_key_get_spki_sha256 (key));
  g_assert_cmpstr (ck_request_get_key_curve (request), ==, "SECP384R1");
  verify_with_tools (request);
}

/* --- Store and lifecycle ----------------------------------------------- */

static CkStore *
open_store (const char *name)
{
  g_autofree char *dir = g_build_filename (tmpdir, name, NULL);
  g_autoptr(GError) error = NULL;
  CkStore *store = ck_store_open (dir, &error);

  g_assert_no_error (error);
  return store;
}

static void
test_store_keys (void)
{
  g_autoptr(CkStore) store = open_store ("keys");
  g_autoptr(CkPrivateKey) key = generate (CK_KEY_TYPE_ED25519, 0, NULL);
  g_autoptr(CkPrivateKey) loaded = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) pkcs8 = NULL;
  CkStoredKey *row;
  gint64 id = 0, id2 = 0;

  g_assert_false (ck_store_add_key (store, key, "k", NULL, CK_COMMIT_NONE, &id, &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_PASSWORD_REQUIRED);
  g_clear_error (&error);

  g_assert_true (ck_store_add_key (store, key, "my key", "s3cret pass", CK_COMMIT_NONE, &id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (id, >, 0);
  row = ck_store_get_key_row (store, id);
  g_assert_nonnull (row);
  g_assert_true (ck_stored_key_get_encrypted (row));
  g_assert_cmpstr (ck_stored_key_get_label (row), ==, "my key");
  g_assert_cmpstr (ck_stored_key_get_source (row), ==, "generated");

  /* Encrypted at rest: sealed under the store's key vault, not a PKCS#8
   * anyone can read. */
  pkcs8 = ck_store_get_key_pkcs8 (store, id, &error);
  g_assert_no_error (error);
  g_assert_true (ck_key_vault_is_wrapped (pkcs8));
  g_assert_null (ck_private_key_new_from_pkcs8 (pkcs8, NULL, &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_PARSE);
  g_clear_error (&error);

  g_assert_null (ck_store_load_private_key (store, id, "wrong", &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_BAD_PASSWORD);
  g_clear_error (&error);
  loaded = ck_store_load_private_key (store, id, "s3cret pass", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ck_private_key_get_spki_sha256 (loaded), ==, ck_private_key_get_spki_sha256 (key));

  /* Another passphrase is not the store's: refused before anything. */
  g_assert_false (ck_store_add_key (store, key, NULL, "x", CK_COMMIT_NONE, &id2, &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_BAD_PASSWORD);
  g_clear_error (&error);
  g_assert_false (ck_store_add_key (store, key, NULL, "s3cret pass", CK_COMMIT_NONE, &id2, &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_EXISTS);
}

static char *
certtool (const char * const *args)
{
  const char *tool = g_getenv ("CK_CERTTOOL");
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();

  g_ptr_array_add (argv, (char *) tool);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  return ck_test_run_tool ((const char * const *) argv->pdata);
}

static void
import_file (CkStore         *store,
             const char      *path,
             CkCommitSummary *summary)
{
  g_autoptr(CkImporter) importer = ck_importer_new (store);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;

  g_assert_true (ck_importer_add_file (importer, file, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (ck_store_commit (store, ck_importer_get_plan (importer), NULL, CK_COMMIT_NONE,
                                  NULL, NULL, summary, &error));
  g_assert_no_error (error);
}

/* A request goes from pending to issued when its certificate (signed by a
 * certtool CA) comes in; a CA that drops a SAN is reported. */
static void
test_lifecycle (void)
{
  g_autoptr(CkStore) store = open_store ("lifecycle");
  g_autofree char *ca_key = NULL, *ca_cert = NULL, *ca_tmpl = NULL, *leaf_tmpl = NULL;
  g_autofree char *csr_path = NULL, *cert_path = NULL, *cert2_path = NULL;
  g_autoptr(CkPrivateKey) key = generate (CK_KEY_TYPE_ECDSA, 0, "P-256");
  g_autoptr(CkRequestBuilder) builder = ck_request_builder_new ();
  g_autoptr(CkRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) diffs = NULL;
  g_autoptr(CkCertificate) cert = NULL;
  g_autofree char *pem = NULL;
  CkCommitSummary summary = { 0, };
  CkStoredRequest *row;
  gint64 key_id = 0, request_id, cert_id;

  if (g_getenv ("CK_CERTTOOL") == NULL)
    {
      g_test_skip ("certtool is not installed");
      return;
    }

  g_assert_true (ck_store_add_key (store, key, NULL, "pass phrase", CK_COMMIT_NONE, &key_id, &error));
  g_assert_true (ck_request_builder_add_subject_string (builder, "CN=a.example, O=Acme, C=US", NULL));
  g_assert_true (ck_request_builder_add_san_string (builder, "DNS:a.example", NULL));
  g_assert_true (ck_request_builder_add_san_string (builder, "DNS:b.example", NULL));
  ck_request_builder_apply_profile (builder, CK_REQUEST_PROFILE_TLS_SERVER);
  request = build (builder, key, CK_BUILD_NONE);
  request_id = ck_store_add_request (store, request, "tls-server", &error);
  g_assert_no_error (error);
  row = ck_store_get_request_row (store, request_id);
  g_assert_cmpint (ck_stored_request_get_status (row), ==, CK_REQUEST_STATUS_PENDING);
  g_assert_cmpstr (ck_stored_request_get_profile (row), ==, "tls-server");

  /* The CA, with certtool. */
  ca_key = g_build_filename (tmpdir, "ca.key", NULL);
  ca_cert = g_build_filename (tmpdir, "ca.pem", NULL);
  ca_tmpl = write_temp ("ca.tmpl", "cn = \"Lifecycle CA\"\nca\ncert_signing_key\nexpiration_days = 30\n", -1);
  {
    const char *gen_key[] = { "--generate-privkey", "--key-type", "ecdsa", "--outfile", ca_key, NULL };
    const char *gen_ca[] = { "--generate-self-signed", "--load-privkey", ca_key, "--template", ca_tmpl,
                             "--outfile", ca_cert, NULL };
    g_autofree char *a = certtool (gen_key);
    g_autofree char *b = certtool (gen_ca);

    g_assert_nonnull (a);
    g_assert_nonnull (b);
  }
  pem = ck_request_to_pem (request);
  csr_path = write_temp ("a.csr", pem, strlen (pem));

  /* This CA keeps the subject and a.example only. */
  leaf_tmpl = write_temp ("leaf.tmpl", "cn = a.example\norganization = Acme\ncountry = US\n"
                          "dns_name = a.example\ntls_www_server\nsigning_key\nexpiration_days = 30\n", -1);
  cert_path = g_build_filename (tmpdir, "a.pem", NULL);
  {
    const char *issue[] = { "--generate-certificate", "--load-request", csr_path,
                            "--load-ca-certificate", ca_cert, "--load-ca-privkey", ca_key,
                            "--template", leaf_tmpl, "--outfile", cert_path, NULL };
    g_autofree char *out = certtool (issue);

    g_assert_nonnull (out);
  }
  import_file (store, cert_path, &summary);
  g_assert_cmpuint (summary.certificates, ==, 1);
  g_assert_cmpuint (summary.requests_issued, ==, 1);

  row = ck_store_get_request_row (store, request_id);
  g_assert_cmpint (ck_stored_request_get_status (row), ==, CK_REQUEST_STATUS_ISSUED);
  cert_id = ck_stored_request_get_certificate_id (row);
  g_assert_cmpint (cert_id, >, 0);
  cert = ck_store_load_certificate (store, cert_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ck_certificate_get_spki_sha256 (cert), ==, ck_request_get_spki_sha256 (request));

  diffs = ck_request_diff_issued (store, cert_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (diffs->len, ==, 1);
  g_test_message ("%s", (char *) diffs->pdata[0]);
  g_assert_nonnull (strstr (diffs->pdata[0], "SAN DNS:b.example dropped"));
  g_assert_true (g_str_has_prefix (diffs->pdata[0], "certificate for request "));

  /* A CA that honours the request gives no differences. */
  {
    g_autoptr(CkRequest) second = NULL;
    g_autoptr(CkCertificate) cert2 = NULL;
    g_autoptr(GPtrArray) none = NULL;
    g_autofree char *honor = write_temp ("honor.tmpl", "honor_crq_extensions\nexpiration_days = 30\n", -1);
    const char *issue[] = { "--generate-certificate", "--load-request", csr_path,
                            "--load-ca-certificate", ca_cert, "--load-ca-privkey", ca_key,
                            "--template", honor, "--outfile", NULL, NULL };
    g_autofree char *out = NULL;
    g_autofree char *text = NULL;

    cert2_path = g_build_filename (tmpdir, "a2.pem", NULL);
    issue[10] = cert2_path;
    out = certtool (issue);
    g_assert_nonnull (out);
    text = ck_test_read_text (cert2_path, NULL);
    cert2 = ck_certificate_new_from_pem (text, -1, &error);
    g_assert_no_error (error);
    none = ck_request_compare_certificate (request, cert2);
    for (guint i = 0; i < none->len; i++)
      g_test_message ("unexpected: %s", (char *) none->pdata[i]);
    g_assert_cmpuint (none->len, ==, 0);
  }
}

int
main (int    argc,
      char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  ck_core_init ();

  tmpdir = g_dir_make_tmp ("ck-request-builder-XXXXXX", NULL);
  rsa2048 = generate (CK_KEY_TYPE_RSA, 2048, NULL);
  ec256 = generate (CK_KEY_TYPE_ECDSA, 0, "P-256");

  g_test_add_func ("/builder/round-trip", test_round_trip);
  g_test_add_func ("/builder/securosys", test_securosys);
  g_test_add_func ("/builder/from-certificate", test_from_certificate);
  g_test_add_func ("/builder/key-spec-from-ec-certificate", test_key_spec_from_ec_certificate);
  g_test_add_func ("/builder/api-gateway", test_api_gateway);
  g_test_add_func ("/builder/xroad", test_xroad);
  g_test_add_func ("/builder/findings", test_findings);
  g_test_add_func ("/builder/subject-string", test_subject_string);
  g_test_add_func ("/builder/profiles", test_profiles);
  g_test_add_func ("/builder/hash-pss", test_hash_and_pss);
  g_test_add_func ("/keygen/algorithms", test_keygen_algorithms);
  g_test_add_func ("/keygen/refusals", test_keygen_refusals);
  g_test_add_func ("/builder/generate-async", test_generate_async);
  g_test_add_func ("/store/add-key", test_store_keys);
  g_test_add_func ("/store/lifecycle", test_lifecycle);
  /* Last: the abandoned RSA 8192 generation runs on until the test ends. */
  g_test_add_func ("/last/keygen-cancel", test_keygen_cancel);

  ret = g_test_run ();

  g_clear_object (&rsa2048);
  g_clear_object (&ec256);
  ck_test_remove_tree (tmpdir);
  g_free (tmpdir);
  return ret;
}
