/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Formats read whole: a PKCS#12 whose one SafeContents holds more bags
 * than GnuTLS keeps (OpenSSL puts a whole chain in one), PKCS#7 bundles
 * with many certificates, in order, and certificates whose key algorithm
 * GnuTLS cannot use (ML-DSA-65, tests/data/unsupported/make-mldsa65.py). The files are made at
 * test time by `openssl pkcs12 -export` and `openssl crl2pkcs7` from
 * certificates issued in-process; passwords reach openssl through a
 * file. */
#include <glib/gstdio.h>
#include <string.h>

#include "certkeeper-core.h"
#include "ck-test-certs.h"
#include "ck-test-tools.h"
#include "ck-utils.h"

#define PASSWORD "many bags, one password"

static char *tmpdir;
static const char *openssl;

static char *
tmp_path (const char *name)
{
  return g_build_filename (tmpdir, name, NULL);
}

static void
write_tmp (const char *name,
           const char *contents)
{
  g_autofree char *path = tmp_path (name);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, -1, &error);
  g_assert_no_error (error);
  g_chmod (path, 0600);
}

/* Runs openssl with the NULL-terminated arguments in the temporary
 * directory; fails the test when it does not exit 0. */
static void
run_openssl (const char *first,
             ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *err = NULL;
  int status = 0;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (char *) openssl);
  g_ptr_array_add (argv, (char *) first);
  va_start (args, first);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (tmpdir, (char **) argv->pdata, NULL, G_SPAWN_STDOUT_TO_DEV_NULL,
                NULL, NULL, NULL, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("openssl %s failed: %s", first, err);
}

/* The SHA-256 fingerprints of the certificates of @pem, in order. */
static GPtrArray *
pem_fingerprints (const char *pem)
{
  GPtrArray *fps = g_ptr_array_new_with_free_func (g_free);
  const char *p = pem;

  while ((p = strstr (p, "-----BEGIN CERTIFICATE-----")) != NULL)
    {
      const char *end = strstr (p, "-----END CERTIFICATE-----");
      gnutls_x509_crt_t crt;
      gnutls_datum_t datum;
      guint8 digest[32];
      size_t size = sizeof digest;

      g_assert_nonnull (end);
      end += strlen ("-----END CERTIFICATE-----");
      datum.data = (guchar *) p;
      datum.size = end - p;
      g_assert_cmpint (gnutls_x509_crt_init (&crt), ==, 0);
      g_assert_cmpint (gnutls_x509_crt_import (crt, &datum, GNUTLS_X509_FMT_PEM), ==, 0);
      g_assert_cmpint (gnutls_x509_crt_get_fingerprint (crt, GNUTLS_DIG_SHA256, digest, &size), ==, 0);
      gnutls_x509_crt_deinit (crt);
      g_ptr_array_add (fps, ck_hex_encode (digest, size));
      p = end;
    }
  return fps;
}

static char *
answer_password (CkImportItem *item,
                 guint         attempt,
                 gpointer      user_data)
{
  guint *calls = user_data;

  (*calls)++;
  return attempt == 0 ? g_strdup (PASSWORD) : NULL;
}

/* A key, its leaf ("CN=leaf", friendly name "Leaf friendly") and @n more
 * certificates from one CA (the first named "Chain friendly"), written as leaf.key, leaf.crt, chain.pem;
 * the fingerprints of leaf.crt then chain.pem, in order. */
static GPtrArray *
make_chain (guint n)
{
  g_autoptr(CkTestCa) ca = ck_test_ca_new ("Containers CA");
  gnutls_x509_privkey_t key = ck_test_key_new ();
  g_autofree char *key_pem = ck_test_key_to_pem (key);
  g_autofree char *leaf = ck_test_ca_issue (ca, key, "leaf", 1);
  g_autoptr(GString) chain = g_string_new (NULL);
  g_autoptr(GPtrArray) fps = NULL;
  g_autoptr(GPtrArray) chain_fps = NULL;

  ck_test_ca_issue_many (ca, key, "chain", 100, n, chain);
  gnutls_x509_privkey_deinit (key);
  write_tmp ("leaf.key", key_pem);
  write_tmp ("leaf.crt", leaf);
  write_tmp ("chain.pem", chain->str);
  write_tmp ("p12.pw", PASSWORD "\n");

  fps = pem_fingerprints (leaf);
  chain_fps = pem_fingerprints (chain->str);
  g_assert_cmpuint (chain_fps->len, ==, n);
  g_ptr_array_extend_and_steal (fps, g_steal_pointer (&chain_fps));
  return g_steal_pointer (&fps);
}

/* Imports @name with the password, checks the plan holds every
 * certificate of @fps (in the same order) and the key, commits it to a
 * fresh store and checks the store has them all. */
static void
assert_imports_all (const char *name,
                    GPtrArray  *fps)
{
  g_autoptr(CkImporter) importer = ck_importer_new (NULL);
  g_autofree char *path = tmp_path (name);
  g_autofree char *store_dir = tmp_path ("store");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(CkStore) store = NULL;
  g_autoptr(GPtrArray) seen = g_ptr_array_new ();
  CkCommitSummary summary = { 0 };
  CkImportPlan *plan;
  g_autofree char *problems = NULL;
  guint calls = 0, n_keys = 0, next = 0;
  gint64 t0 = g_get_monotonic_time ();

  ck_importer_set_password_func (importer, answer_password, &calls, NULL);
  g_assert_true (ck_importer_add_file (importer, file, NULL, &error));
  g_assert_no_error (error);
  plan = ck_importer_get_plan (importer);
  problems = ck_import_plan_describe_problems (plan);
  g_assert_cmpstr (problems, ==, NULL);
  g_assert_cmpuint (calls, ==, 1);
  g_test_message ("%s: %u items in %.2f s", name, ck_import_plan_get_n_items (plan),
                  (g_get_monotonic_time () - t0) / 1e6);

  for (guint i = 0; i < ck_import_plan_get_n_items (plan); i++)
    {
      CkImportItem *item = ck_import_plan_get_item (plan, i);

      if (ck_import_item_get_kind (item) == CK_IMPORT_ITEM_PRIVATE_KEY)
        {
          n_keys++;
          continue;
        }
      g_assert_cmpint (ck_import_item_get_kind (item), ==, CK_IMPORT_ITEM_CERTIFICATE);
      /* OpenSSL writes the leaf (with its key's friendly name) first */
      g_assert_cmpuint (next, <, fps->len);
      g_assert_cmpstr (ck_import_item_get_fingerprint (item), ==, g_ptr_array_index (fps, next));
      if (next == 0)
        g_assert_cmpstr (ck_import_item_get_label (item), ==, "Leaf friendly");
      else if (next == 1)
        g_assert_cmpstr (ck_import_item_get_label (item), ==, "Chain friendly");
      else
        g_assert_cmpstr (ck_import_item_get_label (item), ==, NULL);
      next++;
    }
  g_assert_cmpuint (next, ==, fps->len);
  g_assert_cmpuint (n_keys, ==, 1);

  ck_test_remove_tree (store_dir);
  store = ck_store_open (store_dir, &error);
  g_assert_no_error (error);
  g_assert_true (ck_store_commit (store, plan, NULL, CK_COMMIT_NO_KEY_PASSPHRASE,
                                  NULL, NULL, &summary, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (g_list_model_get_n_items (ck_store_get_certificates (store)), ==, fps->len);
  g_assert_cmpuint (g_list_model_get_n_items (ck_store_get_keys (store)), ==, 1);
  g_clear_object (&store);
  ck_test_remove_tree (store_dir);
}

static gboolean
need_openssl (void)
{
  if (openssl == NULL)
    {
      g_test_skip ("openssl not available");
      return FALSE;
    }
  return TRUE;
}

/* 40 certificates and a key: more than the 32 bags GnuTLS keeps of a
 * safe. OpenSSL 3's default puts the certificates in one PBES2/AES-256
 * encrypted safe; -certpbe NONE in one plain safe. */
static void
test_pkcs12_40 (void)
{
  g_autoptr(GPtrArray) fps = NULL;

  if (!need_openssl ())
    return;
  fps = make_chain (40);
  run_openssl ("pkcs12", "-export", "-inkey", "leaf.key", "-in", "leaf.crt",
               "-certfile", "chain.pem", "-name", "Leaf friendly", "-caname", "Chain friendly",
               "-passout", "file:p12.pw", "-out", "40.p12", NULL);
  assert_imports_all ("40.p12", fps);

  run_openssl ("pkcs12", "-export", "-inkey", "leaf.key", "-in", "leaf.crt",
               "-certfile", "chain.pem", "-name", "Leaf friendly", "-caname", "Chain friendly", "-certpbe", "NONE",
               "-passout", "file:p12.pw", "-out", "40-plain.p12", NULL);
  assert_imports_all ("40-plain.p12", fps);

  run_openssl ("pkcs12", "-export", "-inkey", "leaf.key", "-in", "leaf.crt",
               "-certfile", "chain.pem", "-name", "Leaf friendly", "-caname", "Chain friendly",
               "-certpbe", "AES-128-CBC", "-macalg", "sha512",
               "-passout", "file:p12.pw", "-out", "40-aes128.p12", NULL);
  assert_imports_all ("40-aes128.p12", fps);
}

static void
test_pkcs12_1000 (void)
{
  g_autoptr(GPtrArray) fps = NULL;

  if (!need_openssl ())
    return;
  fps = make_chain (1000);
  run_openssl ("pkcs12", "-export", "-inkey", "leaf.key", "-in", "leaf.crt",
               "-certfile", "chain.pem", "-name", "Leaf friendly", "-caname", "Chain friendly",
               "-passout", "file:p12.pw", "-out", "1000.p12", NULL);
  assert_imports_all ("1000.p12", fps);
}

/* A safe encrypted with the PKCS#12 key derivation (openssl -legacy:
 * RC2-40 or 3DES): GnuTLS gives only 32 bags and offers no call to
 * decrypt the rest, so the import fails and says why; nothing is
 * dropped silently. */
static void
test_pkcs12_legacy_refused (void)
{
  const char *pbes[] = { "PBE-SHA1-3DES", "PBE-SHA1-RC2-40" };
  g_autoptr(GPtrArray) fps = NULL;

  if (!need_openssl ())
    return;
  fps = make_chain (40);
  for (guint i = 0; i < G_N_ELEMENTS (pbes); i++)
    {
      g_autoptr(CkImporter) importer = ck_importer_new (NULL);
      g_autofree char *path = tmp_path ("legacy.p12");
      g_autoptr(GFile) file = g_file_new_for_path (path);
      g_autoptr(GError) error = NULL;
      g_autofree char *problems = NULL;
      CkImportPlan *plan;
      CkImportItem *item;
      guint calls = 0;

      /* RC2 needs OpenSSL's legacy provider: -legacy loads it */
      run_openssl ("pkcs12", "-export", "-legacy", "-inkey", "leaf.key", "-in", "leaf.crt",
                   "-certfile", "chain.pem", "-certpbe", pbes[i],
                   "-passout", "file:p12.pw", "-out", "legacy.p12", NULL);
      ck_importer_set_password_func (importer, answer_password, &calls, NULL);
      g_assert_true (ck_importer_add_file (importer, file, NULL, &error));
      g_assert_no_error (error);
      plan = ck_importer_get_plan (importer);
      problems = ck_import_plan_describe_problems (plan);
      g_test_message ("%s: %s", pbes[i], problems);
      g_assert_cmpuint (ck_import_plan_get_n_items (plan), ==, 1);
      item = ck_import_plan_get_item (plan, 0);
      g_assert_cmpint (ck_import_item_get_kind (item), ==, CK_IMPORT_ITEM_ERROR);
      g_assert_error (ck_import_item_get_error (item), CK_ERROR, CK_ERROR_UNSUPPORTED);
      g_assert_nonnull (strstr (problems, "32 or more"));
      g_assert_nonnull (strstr (problems, "AES"));
      g_assert_cmpuint (ck_import_plan_count_new (plan), ==, 0);
    }
}

/* A PKCS#7 bundle of many certificates (openssl crl2pkcs7, DER and PEM)
 * gives every one, in file order, named by position. */
static void
test_pkcs7_many (void)
{
  const char *files[] = { "many.p7b", "many.p7.pem" };
  g_autoptr(GPtrArray) fps = NULL;

  if (!need_openssl ())
    return;
  fps = make_chain (2000);
  run_openssl ("crl2pkcs7", "-nocrl", "-certfile", "leaf.crt", "-certfile", "chain.pem",
               "-outform", "DER", "-out", "many.p7b", NULL);
  run_openssl ("crl2pkcs7", "-nocrl", "-certfile", "leaf.crt", "-certfile", "chain.pem",
               "-out", "many.p7.pem", NULL);

  for (guint f = 0; f < G_N_ELEMENTS (files); f++)
    {
      g_autoptr(CkImporter) importer = ck_importer_new (NULL);
      g_autofree char *path = tmp_path (files[f]);
      g_autoptr(GFile) file = g_file_new_for_path (path);
      g_autoptr(GError) error = NULL;
      g_autofree char *problems = NULL;
      CkImportPlan *plan;

      g_assert_true (ck_importer_add_file (importer, file, NULL, &error));
      g_assert_no_error (error);
      plan = ck_importer_get_plan (importer);
      problems = ck_import_plan_describe_problems (plan);
      g_assert_cmpstr (problems, ==, NULL);
      g_assert_cmpuint (ck_import_plan_get_n_items (plan), ==, fps->len);
      for (guint i = 0; i < fps->len; i++)
        {
          CkImportItem *item = ck_import_plan_get_item (plan, i);
          g_autofree char *where = g_strdup_printf ("certificate %u", i + 1);

          g_assert_cmpint (ck_import_item_get_kind (item), ==, CK_IMPORT_ITEM_CERTIFICATE);
          g_assert_cmpstr (ck_import_item_get_fingerprint (item), ==, g_ptr_array_index (fps, i));
          g_assert_true (g_str_has_suffix (ck_import_item_get_source (item), where));
        }
    }
}

/* A BER PKCS#7 (indefinite lengths, as openssl cms -stream writes them):
 * not the DER the single walk reads, so the certificates come from
 * GnuTLS index by index; still all of them. */
static void
test_pkcs7_ber (void)
{
  g_autoptr(GPtrArray) fps = NULL;
  g_autoptr(CkImporter) importer = ck_importer_new (NULL);
  g_autofree char *path = NULL;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autofree char *problems = NULL;
  CkImportPlan *plan;

  if (!need_openssl ())
    return;
  fps = make_chain (40);
  write_tmp ("msg.txt", "signed\n");
  run_openssl ("cms", "-sign", "-in", "msg.txt", "-signer", "leaf.crt", "-inkey", "leaf.key",
               "-certfile", "chain.pem", "-outform", "DER", "-stream", "-nodetach",
               "-out", "ber.p7", NULL);
  path = tmp_path ("ber.p7");
  {
    g_autoptr(GBytes) bytes = ck_test_read_bytes (path);
    const guint8 *data = g_bytes_get_data (bytes, NULL);

    g_assert_cmpuint (data[1], ==, 0x80);   /* indefinite length: BER */
  }
  file = g_file_new_for_path (path);
  g_assert_true (ck_importer_add_file (importer, file, NULL, &error));
  g_assert_no_error (error);
  plan = ck_importer_get_plan (importer);
  problems = ck_import_plan_describe_problems (plan);
  g_assert_cmpstr (problems, ==, NULL);
  g_assert_cmpuint (ck_import_plan_count (plan, CK_IMPORT_ITEM_CERTIFICATE), ==, fps->len);
  for (guint i = 0; i < ck_import_plan_get_n_items (plan); i++)
    g_hash_table_add (seen, (gpointer) ck_import_item_get_fingerprint (ck_import_plan_get_item (plan, i)));
  for (guint i = 0; i < fps->len; i++)
    g_assert_true (g_hash_table_contains (seen, g_ptr_array_index (fps, i)));
}

static CkCertificate *
load_pem (const char *rel)
{
  g_autofree char *path = g_build_filename (g_getenv ("CK_TEST_DATA"), rel, NULL);
  g_autofree char *pem = ck_test_read_text (path, NULL);
  g_autoptr(GError) error = NULL;
  CkCertificate *cert = ck_certificate_new_from_pem (pem, -1, &error);

  g_assert_no_error (error);
  g_assert_nonnull (cert);
  return cert;
}

/* A well-formed ML-DSA-65 certificate is kept with everything that can be
 * read, its key named by OID, and nothing it signed verifies: not even
 * when the user trusts it. */
static void
test_unsupported_key (void)
{
  g_autoptr(CkCertificate) ca = load_pem ("unsupported/mldsa65-ca.pem");
  g_autoptr(CkCertificate) leaf = load_pem ("unsupported/mldsa65-leaf.pem");
  g_autofree char *store_dir = tmp_path ("unsupported-store");
  g_autofree char *ca_pem = ck_certificate_to_pem (ca);
  g_autofree char *leaf_pem = ck_certificate_to_pem (leaf);
  g_autofree char *both = g_strconcat (ca_pem, leaf_pem, NULL);
  g_autoptr(GBytes) input = g_bytes_new (both, strlen (both));
  g_autoptr(CkImporter) importer = NULL;
  g_autoptr(CkStore) store = NULL;
  g_autoptr(CkTrust) trust = NULL;
  g_autoptr(CkVerifier) verifier = NULL;
  g_autoptr(GError) error = NULL;
  CkCommitSummary summary = { 0 };
  CkImportPlan *plan;
  GBytes *spki;
  gsize der_len, spki_len;
  const guint8 *der, *spki_data;
  gint64 ids[2] = { 0, 0 };
  GListModel *rows;

  g_assert_false (ck_certificate_get_key_supported (ca));
  g_assert_cmpstr (ck_certificate_get_key_algorithm (ca), ==, "ML-DSA-65");
  g_assert_cmpstr (ck_certificate_get_key_algorithm_oid (ca), ==, "2.16.840.1.101.3.4.3.18");
  g_assert_cmpint (ck_certificate_get_key_algorithm_id (ca), ==, GNUTLS_PK_UNKNOWN);
  g_assert_cmpstr (ck_certificate_get_key_problem (ca), ==,
                   "key algorithm not supported: cannot be verified");
  g_assert_cmpstr (ck_certificate_get_subject (ca), ==, "CN=ML-DSA-65 Test CA,O=Certkeeper tests");
  g_assert_cmpstr (ck_certificate_get_serial (ca), ==, "4d4c44534136350001");
  g_assert_true (ck_certificate_is_ca (ca));
  g_assert_cmpstr (ck_certificate_get_signature_algorithm (ca), ==, "2.16.840.1.101.3.4.3.18");
  g_assert_cmpuint (strlen (ck_certificate_get_sha256_fingerprint (ca)), ==, 64);
  /* the SPKI as it is in the certificate, 1952 bytes of key and all */
  der = g_bytes_get_data (ck_certificate_get_der (ca), &der_len);
  spki = ck_certificate_get_spki (ca);
  spki_data = g_bytes_get_data (spki, &spki_len);
  g_assert_cmpuint (spki_len, >, 1952);
  g_assert_nonnull (memmem (der, der_len, spki_data, spki_len));
  {
    g_autofree char *hex = ck_sha256_hex (spki_data, spki_len);
    g_assert_cmpstr (ck_certificate_get_spki_sha256 (ca), ==, hex);
  }
  g_assert_true (ck_certificate_get_key_supported (leaf));
  g_assert_cmpstr (ck_certificate_get_key_algorithm (leaf), ==, "ECDSA");

  /* imported and committed like any other */
  ck_test_remove_tree (store_dir);
  store = ck_store_open (store_dir, &error);
  g_assert_no_error (error);
  importer = ck_importer_new (store);
  ck_importer_add_bytes (importer, input, "mldsa.pem");
  plan = ck_importer_get_plan (importer);
  g_assert_false (ck_import_plan_has_errors (plan));
  g_assert_cmpuint (ck_import_plan_count (plan, CK_IMPORT_ITEM_CERTIFICATE), ==, 2);
  g_assert_true (ck_store_commit (store, plan, NULL, CK_COMMIT_NONE, NULL, NULL, &summary, &error));
  g_assert_no_error (error);
  rows = ck_store_get_certificates (store);
  g_assert_cmpuint (g_list_model_get_n_items (rows), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(CkStoredCertificate) row = g_list_model_get_item (rows, i);
      gboolean is_ca = g_str_equal (ck_stored_certificate_get_sha256 (row),
                                    ck_certificate_get_sha256_fingerprint (ca));

      ids[is_ca ? 0 : 1] = ck_stored_certificate_get_id (row);
      if (is_ca)
        g_assert_cmpstr (ck_stored_certificate_get_key_algorithm (row), ==, "ML-DSA-65");
    }
  g_assert_cmpint (ids[0], >, 0);
  g_assert_cmpint (ids[1], >, 0);

  /* verification through it says why it cannot be done */
  trust = ck_trust_new (store, &error);
  g_assert_no_error (error);
  verifier = ck_verifier_new (trust);
  for (guint trusted = 0; trusted < 2; trusted++)
    {
      g_autoptr(CkVerification) v = NULL;

      if (trusted)
        {
          g_assert_true (ck_trust_set (trust, ids[0], CK_PURPOSE_TLS_SERVER, CK_TRUST_TRUSTED, &error));
          g_assert_no_error (error);
        }
      v = ck_verifier_verify_id (verifier, ids[1], CK_PURPOSE_TLS_SERVER, &error);
      g_assert_no_error (error);
      g_test_message ("%s", ck_verification_get_reason (v));
      g_assert_cmpint (ck_verification_get_status (v), ==, CK_VERIFY_UNSUPPORTED_ALGORITHM);
      g_assert_nonnull (strstr (ck_verification_get_reason (v),
                                "key algorithm not supported: cannot be verified"));
    }
  g_clear_object (&verifier);
  g_clear_object (&trust);
  g_clear_object (&importer);
  g_clear_object (&store);
  ck_test_remove_tree (store_dir);
}

/* Found by fuzz-template: "state = \"\"" (or '') gave an
 * empty ST the template writer then wrote as dn = "ST=", which nothing
 * reads back; certtool refuses such a request too. */
static void
test_template_empty_dn_value (void)
{
  const char *templates[] = {
    "cn = \"\"\n",
    "cn = \"x\"\nstate = \"\"\n",
    "state = ''\n",
    "dn_oid = \"2.5.4.3\" \"\"\n",
  };

  for (guint i = 0; i < G_N_ELEMENTS (templates); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(CkRequestBuilder) builder =
        ck_template_parse (templates[i], -1, "empty.tmpl", GNUTLS_PK_ECDSA, NULL, &error);

      g_test_message ("%s", error != NULL ? error->message : "(accepted)");
      g_assert_null (builder);
      g_assert_error (error, CK_ERROR, CK_ERROR_PARSE);
    }
}

int
main (int    argc,
      char **argv)
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  ck_core_init ();
  openssl = g_getenv ("CK_OPENSSL");
  tmpdir = g_dir_make_tmp ("ck-formats-XXXXXX", NULL);
  g_assert_nonnull (tmpdir);

  g_test_add_func ("/pkcs12/40-bags", test_pkcs12_40);
  g_test_add_func ("/pkcs12/1000-bags", test_pkcs12_1000);
  g_test_add_func ("/pkcs12/legacy-many-bags-refused", test_pkcs12_legacy_refused);
  g_test_add_func ("/pkcs7/many-certificates", test_pkcs7_many);
  g_test_add_func ("/pkcs7/ber", test_pkcs7_ber);
  g_test_add_func ("/certificate/unsupported-key", test_unsupported_key);
  g_test_add_func ("/template/empty-dn-value", test_template_empty_dn_value);

  ret = g_test_run ();
  ck_test_remove_tree (tmpdir);
  g_free (tmpdir);
  return ret;
}
