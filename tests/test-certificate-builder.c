/* SPDX-License-Identifier: GPL-3.0-or-later */
/* CkCertificateBuilder and CkCa: self-signed and signed certificates for
 * every key type and profile, the checks on issuance, the store's record of
 * issuers and revocations, CRLs, and a CA whose key is on a SoftHSM token.
 * openssl and certtool decide whether what is made verifies. */
#include "certkeeper-core.h"

#include <gnutls/pkcs11.h>
#include <string.h>

#include "ck-test-softhsm.h"
#include "ck-test-tools.h"

static const char *token_labels[] = { "ck-ca", NULL };
static gboolean have_softhsm;
static char *tmpdir;

static const CkKeySpec key_specs[] = {
  { CK_KEY_TYPE_RSA, 2048, NULL },
  { CK_KEY_TYPE_RSA_PSS, 2048, NULL },
  { CK_KEY_TYPE_ECDSA, 0, "P-256" },
  { CK_KEY_TYPE_ECDSA, 0, "P-384" },
  { CK_KEY_TYPE_ED25519, 0, NULL },
  { CK_KEY_TYPE_ED448, 0, NULL },
};

static const CkCertificateProfile leaf_profiles[] = {
  CK_CERTIFICATE_PROFILE_TLS_SERVER,
  CK_CERTIFICATE_PROFILE_TLS_CLIENT,
  CK_CERTIFICATE_PROFILE_CODE_SIGNING,
  CK_CERTIFICATE_PROFILE_EMAIL,
};

#define SKIP_WITHOUT_TOOLS() \
  G_STMT_START { \
    if (g_getenv ("CK_OPENSSL") == NULL || g_getenv ("CK_CERTTOOL") == NULL) \
      { g_test_skip ("openssl and certtool are needed"); return; } \
  } G_STMT_END

static CkPrivateKey *
generate (const CkKeySpec *spec)
{
  g_autoptr(GError) error = NULL;
  CkPrivateKey *key = ck_key_generate (spec, NULL, &error);

  g_assert_no_error (error);
  return key;
}

static char *
write_pem (const char *name,
           const char *pem)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (tmpdir, name, NULL);

  g_file_set_contents (path, pem, -1, &error);
  g_assert_no_error (error);
  return path;
}

static char *
write_cert (const char    *name,
            CkCertificate *cert)
{
  g_autofree char *pem = ck_certificate_to_pem (cert);

  return write_pem (name, pem);
}

/* openssl verify -CAfile ROOT [-untrusted …] LEAF and certtool
 * --verify-chain on LEAF … ROOT both accept it. */
static void
assert_verifies_with (CkCertificate *leaf,
                      CkCertificate *intermediate,
                      CkCertificate *root,
                      gboolean       certtool)
{
  g_autofree char *leaf_path = write_cert ("leaf.pem", leaf);
  g_autofree char *root_path = write_cert ("root.pem", root);
  g_autofree char *mid_path = intermediate != NULL ? write_cert ("mid.pem", intermediate) : NULL;
  g_autofree char *out = NULL;
  g_autofree char *chain_text = NULL;
  g_autofree char *chain_path = NULL;
  g_autofree char *leaf_pem = ck_certificate_to_pem (leaf);
  g_autofree char *mid_pem = intermediate != NULL ? ck_certificate_to_pem (intermediate) : g_strdup ("");
  g_autofree char *root_pem = ck_certificate_to_pem (root);

  if (mid_path != NULL)
    out = ck_test_run_tool ((const char * const[]) { g_getenv ("CK_OPENSSL"), "verify", "-CAfile",
                                                     root_path, "-untrusted", mid_path, leaf_path, NULL });
  else
    out = ck_test_run_tool ((const char * const[]) { g_getenv ("CK_OPENSSL"), "verify", "-CAfile",
                                                     root_path, leaf_path, NULL });
  g_assert_nonnull (out);
  g_assert_true (g_str_has_suffix (g_strstrip (out), "OK"));
  g_clear_pointer (&out, g_free);
  if (!certtool)
    return;

  chain_text = leaf == root ? g_strdup (leaf_pem) : g_strconcat (leaf_pem, mid_pem, root_pem, NULL);
  chain_path = write_pem ("chain.pem", chain_text);
  out = ck_test_run_tool ((const char * const[]) { g_getenv ("CK_CERTTOOL"), "--verify-chain",
                                                   "--infile", chain_path, NULL });
  g_assert_nonnull (out);
  g_assert_nonnull (strstr (out, "Chain verification output: Verified."));
}

static void
assert_verifies (CkCertificate *leaf,
                 CkCertificate *intermediate,
                 CkCertificate *root)
{
  assert_verifies_with (leaf, intermediate, root, TRUE);
}

static CkRequestBuilder *
named (const char          *subject,
       CkCertificateProfile profile,
       CkPrivateKey        *key)
{
  g_autoptr(GError) error = NULL;
  CkRequestBuilder *builder = ck_request_builder_new ();

  ck_request_builder_set_key_info (builder, ck_private_key_get_algorithm_id (key),
                                   ck_private_key_get_bits (key));
  ck_request_builder_add_subject_string (builder, subject, &error);
  g_assert_no_error (error);
  ck_certificate_profile_apply (profile, builder);
  return builder;
}

static CkCertificate *
make_root (CkPrivateKey *key,
           const char   *subject)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CkRequestBuilder) contents = named (subject, CK_CERTIFICATE_PROFILE_ROOT_CA, key);
  g_autoptr(CkCertificateBuilder) builder = ck_certificate_builder_new_self_signed (contents);
  CkCertificate *cert = ck_certificate_builder_self_sign (builder, key, CK_BUILD_NONE, &error);

  g_assert_no_error (error);
  g_assert_nonnull (cert);
  return cert;
}

static CkRequest *
make_request (CkPrivateKey        *key,
              const char          *cn,
              CkCertificateProfile profile,
              gboolean             ask_ca)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *subject = g_strdup_printf ("CN=%s", cn);
  g_autofree char *san = g_strdup_printf ("DNS:%s", cn);
  g_autoptr(CkRequestBuilder) builder = named (subject, profile, key);
  CkRequest *request;

  ck_request_builder_add_san_string (builder, san, &error);
  g_assert_no_error (error);
  if (ask_ca)
    ck_request_builder_set_basic_constraints (builder, TRUE, TRUE, -1, TRUE);
  request = ck_request_builder_build (builder, key, CK_BUILD_IGNORE_FINDINGS, &error);
  g_assert_no_error (error);
  return request;
}

static CkCertificate *
sign (CkRequest           *request,
      CkCertificateProfile profile,
      const char          *keep,
      CkCertificate       *ca,
      CkPrivateKey        *ca_key)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CkCertificateBuilder) builder = ck_certificate_builder_new_for_request (request);
  CkCertificate *cert;

  ck_certificate_builder_set_profile (builder, profile);
  ck_certificate_builder_set_keep_extensions (builder, keep, &error);
  g_assert_no_error (error);
  cert = ck_certificate_builder_sign (builder, ca, ca_key, CK_BUILD_NONE, &error);
  g_assert_no_error (error);
  g_assert_nonnull (cert);
  return cert;
}

static gboolean
has_finding (GPtrArray         *findings,
             CkFindingSeverity  severity,
             const char        *needle)
{
  for (guint i = 0; i < findings->len; i++)
    {
      CkRequestFinding *f = findings->pdata[i];

      if (f->severity == severity && strstr (f->message, needle) != NULL)
        return TRUE;
    }
  return FALSE;
}

/* --- Every key type and profile --------------------------------------- */

static void
test_key_types (void)
{
  SKIP_WITHOUT_TOOLS ();

  for (gsize i = 0; i < G_N_ELEMENTS (key_specs); i++)
    {
      g_autoptr(CkPrivateKey) ca_key = generate (&key_specs[i]);
      g_autoptr(CkPrivateKey) leaf_key = generate (&key_specs[i]);
      g_autofree char *what = ck_key_spec_describe (&key_specs[i]);
      g_autoptr(CkCertificate) root = make_root (ca_key, "CN=Builder Root, O=Certkeeper, C=CH");
      guint8 serial[64];
      size_t size = sizeof serial;

      g_test_message ("%s", what);
      g_assert_true (ck_certificate_is_ca (root));
      g_assert_true (ck_certificate_is_self_signed (root));
      /* A CA's AKI is its SKI. */
      g_assert_cmpstr (ck_certificate_get_subject_key_id (root), ==,
                       ck_certificate_get_authority_key_id (root));
      g_assert_cmpint (gnutls_x509_crt_get_serial (ck_certificate_get_crt (root), serial, &size), ==, 0);
      g_assert_cmpuint (size, ==, 20);
      g_assert_cmpuint (serial[0] & 0x80, ==, 0);
      g_assert_cmpuint (serial[0], !=, 0);
      assert_verifies (root, NULL, root);

      for (gsize j = 0; j < G_N_ELEMENTS (leaf_profiles); j++)
        {
          g_autoptr(CkRequest) request = make_request (leaf_key, "leaf.builder.example",
                                                       leaf_profiles[j], FALSE);
          g_autoptr(CkCertificate) leaf = sign (request, leaf_profiles[j], "subjectAltName",
                                                root, ca_key);

          g_test_message ("%s: %s", what, ck_certificate_profile_to_string (leaf_profiles[j]));
          g_assert_false (ck_certificate_is_ca (leaf));
          g_assert_cmpstr (ck_certificate_get_authority_key_id (leaf), ==,
                           ck_certificate_get_subject_key_id (root));
          g_assert_cmpstr (ck_certificate_get_spki_sha256 (leaf), ==,
                           ck_private_key_get_spki_sha256 (leaf_key));
          assert_verifies (leaf, NULL, root);
        }
    }
}

static void
test_sub_ca (void)
{
  const CkKeySpec p256 = { CK_KEY_TYPE_ECDSA, 0, "P-256" };
  g_autoptr(CkPrivateKey) root_key = generate (&p256);
  g_autoptr(CkPrivateKey) sub_key = generate (&p256);
  g_autoptr(CkPrivateKey) leaf_key = generate (&p256);
  g_autoptr(CkCertificate) root = make_root (root_key, "CN=Sub Test Root");
  g_autoptr(CkRequest) sub_request = make_request (sub_key, "sub.example", CK_CERTIFICATE_PROFILE_SUB_CA, FALSE);
  g_autoptr(CkCertificate) sub = sign (sub_request, CK_CERTIFICATE_PROFILE_SUB_CA, NULL, root, root_key);
  g_autoptr(CkRequest) leaf_request = make_request (leaf_key, "leaf.sub.example",
                                                    CK_CERTIFICATE_PROFILE_TLS_SERVER, FALSE);
  g_autoptr(CkCertificate) leaf = sign (leaf_request, CK_CERTIFICATE_PROFILE_TLS_SERVER, "san", sub, sub_key);
  g_autoptr(CkCertificateBuilder) again = ck_certificate_builder_new_for_request (sub_request);
  g_autoptr(GPtrArray) findings = NULL;
  gboolean is_ca = FALSE;
  int path_len = -1;

  SKIP_WITHOUT_TOOLS ();
  g_assert_true (ck_certificate_get_basic_constraints (sub, &is_ca, &path_len, NULL));
  g_assert_true (is_ca);
  g_assert_cmpint (path_len, ==, 0);
  assert_verifies (sub, NULL, root);
  assert_verifies (leaf, sub, root);

  /* A path length of 0: the sub-CA signs leaves only. */
  ck_certificate_builder_set_profile (again, CK_CERTIFICATE_PROFILE_SUB_CA);
  findings = ck_certificate_builder_check (again, sub);
  g_assert_true (has_finding (findings, CK_FINDING_ERROR, "path length of 0"));
}

/* --- Kept extensions ---------------------------------------------------- */

static void
test_keep (void)
{
  const CkKeySpec p256 = { CK_KEY_TYPE_ECDSA, 0, "P-256" };
  g_autoptr(CkPrivateKey) ca_key = generate (&p256);
  g_autoptr(CkPrivateKey) key = generate (&p256);
  g_autoptr(CkCertificate) root = make_root (ca_key, "CN=Keep Root");
  g_autoptr(CkRequest) request = make_request (key, "wants.ca.example", CK_CERTIFICATE_PROFILE_TLS_CLIENT, TRUE);
  g_autoptr(CkCertificate) all = sign (request, CK_CERTIFICATE_PROFILE_NONE, "all", root, ca_key);
  g_autoptr(CkCertificate) none = sign (request, CK_CERTIFICATE_PROFILE_NONE, NULL, root, ca_key);
  g_autoptr(CkCertificate) named_bc = sign (request, CK_CERTIFICATE_PROFILE_SUB_CA, "basicConstraints",
                                            root, ca_key);
  g_autoptr(GError) error = NULL;
  g_autoptr(CkCertificateBuilder) bad = ck_certificate_builder_new_for_request (request);
  const char * const *eku;
  GPtrArray *sans;

  /* "all" keeps the SANs and EKU, but a CA:TRUE only when named. */
  g_assert_false (ck_certificate_is_ca (all));
  sans = ck_certificate_get_subject_alt_names (all);
  g_assert_cmpuint (sans->len, ==, 1);
  eku = ck_certificate_get_extended_key_usage (all, NULL);
  g_assert_nonnull (eku);
  g_assert_cmpstr (eku[0], ==, CK_OID_EKU_CLIENT_AUTH);
  /* Nothing kept: no SANs, no EKU, a leaf. */
  g_assert_false (ck_certificate_is_ca (none));
  sans = ck_certificate_get_subject_alt_names (none);
  g_assert_true (sans == NULL || sans->len == 0);
  g_assert_null (ck_certificate_get_extended_key_usage (none, NULL));
  g_assert_true (ck_certificate_is_ca (named_bc));

  g_assert_false (ck_certificate_builder_set_keep_extensions (bad, "subjectAltName,bogus", &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_INVALID);
}

/* --- Refusals ----------------------------------------------------------- */

static void
test_bad_request_signature (void)
{
  const CkKeySpec p256 = { CK_KEY_TYPE_ECDSA, 0, "P-256" };
  g_autoptr(CkPrivateKey) ca_key = generate (&p256);
  g_autoptr(CkPrivateKey) key = generate (&p256);
  g_autoptr(CkCertificate) root = make_root (ca_key, "CN=Refusing Root");
  g_autoptr(CkRequest) request = make_request (key, "tampered.example", CK_CERTIFICATE_PROFILE_TLS_CLIENT, FALSE);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) der = ck_request_get_der (request) ? g_bytes_ref (ck_request_get_der (request)) : NULL;
  g_autoptr(GByteArray) broken = g_byte_array_new ();
  g_autoptr(GBytes) broken_bytes = NULL;
  g_autoptr(CkRequest) tampered = NULL;
  g_autoptr(CkCertificateBuilder) builder = NULL;
  g_autoptr(CkCertificate) cert = NULL;
  gsize len;
  const guint8 *data = g_bytes_get_data (der, &len);

  /* A byte of the subject changed after signing: still a request, but
   * not the one the key signed. */
  g_byte_array_append (broken, data, len);
  for (gsize i = 0; i + 16 < len; i++)
    if (memcmp (broken->data + i, "tampered", 8) == 0)
      {
        broken->data[i] = 'T';
        break;
      }
  broken_bytes = g_bytes_new (broken->data, broken->len);
  tampered = ck_request_new_from_der (broken_bytes, &error);
  g_assert_no_error (error);
  builder = ck_certificate_builder_new_for_request (tampered);
  cert = ck_certificate_builder_sign (builder, root, ca_key, CK_BUILD_IGNORE_FINDINGS, &error);
  g_assert_error (error, CK_ERROR, CK_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "signature does not verify"));
  g_assert_null (cert);
}

static void
test_issuer_without_key_cert_sign (void)
{
  const CkKeySpec p256 = { CK_KEY_TYPE_ECDSA, 0, "P-256" };
  g_autoptr(CkPrivateKey) ca_key = generate (&p256);
  g_autoptr(CkPrivateKey) key = generate (&p256);
  g_autoptr(CkRequestBuilder) contents = named ("CN=No keyCertSign", CK_CERTIFICATE_PROFILE_ROOT_CA, ca_key);
  g_autoptr(CkCertificateBuilder) ca_builder = NULL;
  g_autoptr(CkCertificate) ca = NULL;
  g_autoptr(CkRequest) request = make_request (key, "victim.example", CK_CERTIFICATE_PROFILE_TLS_CLIENT, FALSE);
  g_autoptr(CkCertificateBuilder) builder = ck_certificate_builder_new_for_request (request);
  g_autoptr(CkCertificate) cert = NULL;
  g_autoptr(GPtrArray) findings = NULL;
  g_autoptr(GError) error = NULL;

  /* The checks refuse to make such a CA… */
  ck_request_builder_set_key_usage (contents, GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_CRL_SIGN, TRUE);
  ca_builder = ck_certificate_builder_new_self_signed (contents);
  findings = ck_certificate_builder_check (ca_builder, NULL);
  g_assert_true (has_finding (findings, CK_FINDING_ERROR, "keyCertSign"));
  ca = ck_certificate_builder_self_sign (ca_builder, ca_key, CK_BUILD_NONE, &error);
  g_assert_error (error, CK_ERROR, CK_ERROR_INVALID);
  g_assert_null (ca);
  g_clear_error (&error);
  /* …and one made anyway (as elsewhere) cannot sign, whatever the flags. */
  ca = ck_certificate_builder_self_sign (ca_builder, ca_key, CK_BUILD_IGNORE_FINDINGS, &error);
  g_assert_no_error (error);
  cert = ck_certificate_builder_sign (builder, ca, ca_key, CK_BUILD_IGNORE_FINDINGS, &error);
  g_assert_error (error, CK_ERROR, CK_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "keyCertSign"));
  g_assert_null (cert);
  g_clear_error (&error);

  /* The wrong key for the CA is refused too. */
  {
    g_autoptr(CkCertificate) root = make_root (ca_key, "CN=Right Root");

    cert = ck_certificate_builder_sign (builder, root, key, CK_BUILD_NONE, &error);
    g_assert_error (error, CK_ERROR, CK_ERROR_INVALID);
    g_assert_null (cert);
  }
}

/* --- Checks -------------------------------------------------------------- */

static gint64
utc (int year, int month, int day)
{
  g_autoptr(GDateTime) dt = g_date_time_new_utc (year, month, day, 0, 0, 0);

  return g_date_time_to_unix (dt);
}

static void
test_checks (void)
{
  const CkKeySpec p256 = { CK_KEY_TYPE_ECDSA, 0, "P-256" };
  g_autoptr(CkPrivateKey) key = generate (&p256);
  g_autoptr(GError) error = NULL;

  /* Ballot SC-081, at the boundaries. */
  g_assert_cmpuint (ck_tls_server_max_validity_days (utc (2026, 3, 15) - 1), ==, 398);
  g_assert_cmpuint (ck_tls_server_max_validity_days (utc (2026, 3, 15)), ==, 200);
  g_assert_cmpuint (ck_tls_server_max_validity_days (utc (2027, 3, 15) - 1), ==, 200);
  g_assert_cmpuint (ck_tls_server_max_validity_days (utc (2027, 3, 15)), ==, 100);
  g_assert_cmpuint (ck_tls_server_max_validity_days (utc (2029, 3, 15) - 1), ==, 100);
  g_assert_cmpuint (ck_tls_server_max_validity_days (utc (2029, 3, 15)), ==, 47);

  {
    g_autoptr(CkRequestBuilder) contents = named ("CN=www.example", CK_CERTIFICATE_PROFILE_TLS_SERVER, key);
    g_autoptr(CkCertificateBuilder) builder = NULL;
    g_autoptr(GPtrArray) findings = NULL;
    gint64 nb, na;

    ck_request_builder_add_san_string (contents, "DNS:www.example", &error);
    g_assert_no_error (error);
    builder = ck_certificate_builder_new_self_signed (contents);
    ck_certificate_builder_set_not_before (builder, utc (2026, 4, 1));
    /* The default is the limit in force: no warning. */
    findings = ck_certificate_builder_check (builder, NULL);
    g_assert_false (has_finding (findings, CK_FINDING_WARNING, "at most"));
    ck_certificate_builder_get_validity (builder, &nb, &na);
    g_assert_cmpint (na - nb + 1, ==, 200 * 86400);
    g_clear_pointer (&findings, g_ptr_array_unref);
    /* One day more: a warning naming the limit, nothing blocked. */
    ck_certificate_builder_set_days (builder, 201);
    findings = ck_certificate_builder_check (builder, NULL);
    g_assert_true (has_finding (findings, CK_FINDING_WARNING, "at most 200 days"));
    g_assert_false (ck_request_findings_have_errors (findings));
    g_clear_pointer (&findings, g_ptr_array_unref);
    ck_certificate_builder_set_not_before (builder, utc (2025, 6, 1));
    ck_certificate_builder_set_days (builder, 399);
    findings = ck_certificate_builder_check (builder, NULL);
    g_assert_true (has_finding (findings, CK_FINDING_WARNING, "at most 398 days"));
    g_clear_pointer (&findings, g_ptr_array_unref);

    /* Serials: positive, at most 20 octets (a leading zero included). */
    {
      static const guint8 negative[] = { 0x80, 0x01 };
      static const guint8 zero[] = { 0x00 };
      static const guint8 padded[] = { 0x00, 0x80 };
      guint8 long_serial[21];
      g_autoptr(GBytes) b = NULL;

      memset (long_serial, 0x11, sizeof long_serial);
      ck_certificate_builder_set_days (builder, 30);
      b = g_bytes_new_static (negative, sizeof negative);
      ck_certificate_builder_set_serial (builder, b);
      findings = ck_certificate_builder_check (builder, NULL);
      g_assert_true (has_finding (findings, CK_FINDING_ERROR, "positive"));
      g_clear_pointer (&findings, g_ptr_array_unref);
      g_clear_pointer (&b, g_bytes_unref);
      b = g_bytes_new_static (zero, sizeof zero);
      ck_certificate_builder_set_serial (builder, b);
      findings = ck_certificate_builder_check (builder, NULL);
      g_assert_true (has_finding (findings, CK_FINDING_ERROR, "positive"));
      g_clear_pointer (&findings, g_ptr_array_unref);
      g_clear_pointer (&b, g_bytes_unref);
      b = g_bytes_new (long_serial, sizeof long_serial);
      ck_certificate_builder_set_serial (builder, b);
      findings = ck_certificate_builder_check (builder, NULL);
      g_assert_true (has_finding (findings, CK_FINDING_ERROR, "at most 20"));
      g_clear_pointer (&findings, g_ptr_array_unref);
      g_clear_pointer (&b, g_bytes_unref);
      b = g_bytes_new_static (padded, sizeof padded);
      ck_certificate_builder_set_serial (builder, b);
      findings = ck_certificate_builder_check (builder, NULL);
      g_assert_false (ck_request_findings_have_errors (findings));
      g_clear_pointer (&findings, g_ptr_array_unref);
      {
        g_autoptr(CkCertificate) cert = ck_certificate_builder_self_sign (builder, key, CK_BUILD_NONE, &error);

        g_assert_no_error (error);
        g_assert_cmpstr (ck_certificate_get_serial (cert), ==, "0080");
      }
    }
  }

  /* A critical anyExtendedKeyUsage. */
  {
    g_autoptr(CkRequestBuilder) contents = named ("CN=any", CK_CERTIFICATE_PROFILE_NONE, key);
    g_autoptr(CkCertificateBuilder) builder = NULL;
    g_autoptr(GPtrArray) findings = NULL;
    const char *any[] = { CK_OID_EKU_ANY, NULL };

    ck_request_builder_set_extended_key_usage (contents, any, TRUE);
    builder = ck_certificate_builder_new_self_signed (contents);
    findings = ck_certificate_builder_check (builder, NULL);
    g_assert_true (has_finding (findings, CK_FINDING_ERROR, "anyExtendedKeyUsage"));
  }

  /* An empty subject: only with critical SANs; then it verifies. */
  {
    g_autoptr(CkRequestBuilder) contents = named ("CN=x", CK_CERTIFICATE_PROFILE_TLS_CLIENT, key);
    g_autoptr(CkCertificateBuilder) builder = NULL;
    g_autoptr(GPtrArray) findings = NULL;
    g_autoptr(CkCertificate) cert = NULL;

    ck_request_builder_clear_subject (contents);
    builder = ck_certificate_builder_new_self_signed (contents);
    findings = ck_certificate_builder_check (builder, NULL);
    g_assert_true (has_finding (findings, CK_FINDING_ERROR, "no subject alternative names"));
    g_clear_pointer (&findings, g_ptr_array_unref);
    ck_request_builder_add_san_string (contents, "email:nobody@example.com", &error);
    g_assert_no_error (error);
    findings = ck_certificate_builder_check (builder, NULL);
    g_assert_true (has_finding (findings, CK_FINDING_ERROR, "must be critical"));
    g_clear_pointer (&findings, g_ptr_array_unref);
    ck_request_builder_set_san_critical (contents, TRUE);
    findings = ck_certificate_builder_check (builder, NULL);
    g_assert_false (ck_request_findings_have_errors (findings));
    cert = ck_certificate_builder_self_sign (builder, key, CK_BUILD_NONE, &error);
    g_assert_no_error (error);
    g_assert_cmpstr (ck_certificate_get_subject (cert), ==, "");
    /* certtool --verify-chain cannot print an empty issuer name and
     * gives up ("gnutls_x509_crt_get_issuer_dn: The requested data were
     * not available"): openssl alone decides here. */
    if (g_getenv ("CK_OPENSSL") != NULL && g_getenv ("CK_CERTTOOL") != NULL)
      assert_verifies_with (cert, NULL, cert, FALSE);
  }
}

/* --- The store: issuers, revocations, CRLs ------------------------------- */

static void
test_store_and_crl (void)
{
  const CkKeySpec p256 = { CK_KEY_TYPE_ECDSA, 0, "P-256" };
  g_autofree char *dir = g_build_filename (tmpdir, "store", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(CkStore) store = NULL;
  g_autoptr(CkCa) ca = NULL;
  g_autoptr(CkPrivateKey) ca_key = generate (&p256);
  g_autoptr(CkCertificate) root = make_root (ca_key, "CN=Store Root, O=Certkeeper");
  g_autoptr(GPtrArray) leaves = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GBytes) crl = NULL;
  g_autoptr(GBytes) crl2 = NULL;
  g_autoptr(GPtrArray) revoked = NULL;
  g_autofree char *crl_path = NULL;
  g_autofree char *root_path = NULL;
  g_autofree char *crl_pem = NULL;
  g_autofree char *info = NULL;
  gint64 root_id = 0, ids[3] = { 0, }, issuer = 0, request_id;
  guint64 number = 0;
  guint issued = 0;

  store = ck_store_open (dir, &error);
  g_assert_no_error (error);
  ca = ck_ca_new (store, &error);
  g_assert_no_error (error);
  g_assert_true (ck_ca_add_issued (ca, root, 0, &root_id, NULL, &error));
  g_assert_no_error (error);

  for (int i = 0; i < 3; i++)
    {
      g_autoptr(CkPrivateKey) key = generate (&p256);
      g_autofree char *cn = g_strdup_printf ("leaf%d.store.example", i);
      g_autoptr(CkRequest) request = make_request (key, cn, CK_CERTIFICATE_PROFILE_TLS_CLIENT, FALSE);
      CkCertificate *cert;

      /* The first one is a pending request made here. */
      if (i == 0)
        {
          request_id = ck_store_add_request (store, request, "tls-client", &error);
          g_assert_no_error (error);
          g_assert_cmpint (ck_stored_request_get_status (ck_store_get_request_row (store, request_id)),
                           ==, CK_REQUEST_STATUS_PENDING);
        }
      cert = sign (request, CK_CERTIFICATE_PROFILE_TLS_CLIENT, NULL, root, ca_key);
      g_ptr_array_add (leaves, cert);
      g_assert_true (ck_ca_add_issued (ca, cert, root_id, &ids[i], &issued, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (issued, ==, i == 0 ? 1 : 0);
      g_assert_cmpint (ck_ca_find_issuer (ca, ids[i], NULL), ==, root_id);
    }
  g_assert_cmpint (ck_stored_request_get_status (ck_store_get_request_row (store, request_id)),
                   ==, CK_REQUEST_STATUS_ISSUED);
  g_assert_cmpint (ck_stored_request_get_certificate_id (ck_store_get_request_row (store, request_id)),
                   ==, ids[0]);
  g_assert_cmpint (ck_ca_find_issuer (ca, root_id, NULL), ==, 0);

  g_assert_true (ck_ca_revoke (ca, ids[1], CK_REVOCATION_SUPERSEDED, utc (2026, 11, 2), &issuer, &error));
  g_assert_no_error (error);
  g_assert_cmpint (issuer, ==, root_id);
  g_assert_false (ck_ca_revoke (ca, ids[1], CK_REVOCATION_UNSPECIFIED, 0, NULL, &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_false (ck_ca_revoke (ca, root_id, CK_REVOCATION_UNSPECIFIED, 0, NULL, &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* One certificate's revocation, by serial, in either case. */
  {
    g_autoptr(CkRevocation) found = NULL;
    g_autofree char *upper = g_ascii_strup (ck_certificate_get_serial (leaves->pdata[1]), -1);

    g_assert_true (ck_ca_lookup_revocation (ca, root_id, upper, &found, &error));
    g_assert_no_error (error);
    g_assert_nonnull (found);
    g_assert_cmpint (found->reason, ==, CK_REVOCATION_SUPERSEDED);
    g_assert_cmpint (found->revoked_at, ==, utc (2026, 11, 2));
    g_assert_cmpstr (found->certificate_sha256, ==,
                     ck_certificate_get_sha256_fingerprint (leaves->pdata[1]));
    g_clear_pointer (&found, ck_revocation_free);
    g_assert_true (ck_ca_lookup_revocation (ca, root_id, ck_certificate_get_serial (leaves->pdata[2]),
                                            &found, &error));
    g_assert_no_error (error);
    g_assert_null (found);
  }

  /* Deleting the revoked certificate does not take it off the CRL. */
  g_assert_true (ck_store_delete (store, ids[1], &error));
  g_assert_no_error (error);
  revoked = ck_ca_list_revocations (ca, root_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (revoked->len, ==, 1);
  g_assert_cmpint (((CkRevocation *) revoked->pdata[0])->reason, ==, CK_REVOCATION_SUPERSEDED);

  crl = ck_ca_make_crl (ca, root_id, ca_key, 86400, GNUTLS_DIG_UNKNOWN, &number, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (number, ==, 1);
  crl2 = ck_ca_make_crl (ca, root_id, ca_key, 86400, GNUTLS_DIG_UNKNOWN, &number, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (number, ==, 2);

  SKIP_WITHOUT_TOOLS ();
  crl_pem = ck_crl_to_pem (crl);
  crl_path = write_pem ("store.crl", crl_pem);
  root_path = write_cert ("store-root.pem", root);
  info = ck_test_run_tool ((const char * const[]) { g_getenv ("CK_OPENSSL"), "crl", "-in", crl_path,
                                                    "-noout", "-text", "-verify", "-CAfile", root_path, NULL });
  g_assert_nonnull (info);
  g_assert_nonnull (strstr (info, "Superseded"));
  g_clear_pointer (&info, g_free);
  info = ck_test_run_tool ((const char * const[]) { g_getenv ("CK_CERTTOOL"), "--crl-info",
                                                    "--infile", crl_path, NULL });
  g_assert_nonnull (info);
  g_assert_nonnull (strstr (info, "Revoked certificates (1)"));
  g_clear_pointer (&info, g_free);
  for (guint i = 0; i < leaves->len; i++)
    {
      g_autofree char *leaf_path = write_cert ("store-leaf.pem", leaves->pdata[i]);
      g_autofree char *out = ck_test_run_tool ((const char * const[]) {
          g_getenv ("CK_OPENSSL"), "verify", "-crl_check", "-CAfile", root_path, "-CRLfile", crl_path,
          leaf_path, NULL });

      if (i == 1)
        g_assert_null (out);
      else
        g_assert_nonnull (out);
    }
}

/* --- A CA whose key is on a token ---------------------------------------- */

static void
test_token_ca (void)
{
  g_autofree char *uri = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CkToken) token = NULL;
  g_autoptr(CkPrivateKey) ca_key = NULL;
  g_autoptr(CkPrivateKey) leaf_key = NULL;
  g_autoptr(CkCertificate) root = NULL;
  g_autoptr(CkRequest) request = NULL;
  g_autoptr(CkCertificate) leaf = NULL;
  const CkKeySpec p256 = { CK_KEY_TYPE_ECDSA, 0, "P-256" };
  CkTokenKeySpec spec = { { CK_KEY_TYPE_ECDSA, 0, "P-256" }, "ck-ca-key", NULL, FALSE, FALSE };

  if (!have_softhsm)
    {
      g_test_skip ("SoftHSM2 is not installed");
      return;
    }
  SKIP_WITHOUT_TOOLS ();
  uri = ck_test_softhsm_token_uri ("ck-ca");
  token = ck_token_lookup (uri, &error);
  g_assert_no_error (error);
  ck_token_login (token, CK_TEST_SOFTHSM_USER_PIN, &error);
  g_assert_no_error (error);
  ca_key = ck_token_generate_key (token, &spec, &error);
  g_assert_no_error (error);
  g_assert_true (ck_private_key_is_on_token (ca_key));

  root = make_root (ca_key, "CN=Token Root, O=Certkeeper");
  leaf_key = generate (&p256);
  request = make_request (leaf_key, "leaf.token.example", CK_CERTIFICATE_PROFILE_TLS_SERVER, FALSE);
  leaf = sign (request, CK_CERTIFICATE_PROFILE_TLS_SERVER, "san", root, ca_key);
  assert_verifies (root, NULL, root);
  assert_verifies (leaf, NULL, root);
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);
  have_softhsm = ck_test_softhsm_setup (token_labels);
  ck_core_init ();
  gnutls_pkcs11_set_pin_function (NULL, NULL);
  tmpdir = g_dir_make_tmp ("ck-test-certificate-builder-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/certificate-builder/key-types", test_key_types);
  g_test_add_func ("/certificate-builder/sub-ca", test_sub_ca);
  g_test_add_func ("/certificate-builder/keep", test_keep);
  g_test_add_func ("/certificate-builder/bad-request-signature", test_bad_request_signature);
  g_test_add_func ("/certificate-builder/issuer-without-key-cert-sign", test_issuer_without_key_cert_sign);
  g_test_add_func ("/certificate-builder/checks", test_checks);
  g_test_add_func ("/certificate-builder/store-and-crl", test_store_and_crl);
  g_test_add_func ("/certificate-builder/token-ca", test_token_ca);

  ret = g_test_run ();
  ck_test_softhsm_teardown ();
  ck_test_remove_tree (tmpdir);
  g_free (tmpdir);
  return ret;
}
