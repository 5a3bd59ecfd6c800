/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <gnutls/gnutls.h>
#include <gnutls/pkcs11.h>
#include <gnutls/x509.h>
#include <p11-kit/p11-kit.h>
#include <string.h>

#include "certkeeper-core.h"
#include "ck-test-softhsm.h"
#include "ck-test-tools.h"

/* One fresh token per test: what one test writes, another never sees. */
static const char * const token_labels[] = {
  "ck-list", "ck-pin", "ck-csr", "ck-extract", "ck-cert", "ck-limits", "ck-import", "ck-plan", "ck-delete", NULL,
};
static gboolean have_softhsm;
static char *tmpdir;

static CkToken *
open_token (const char *label,
            gboolean    login)
{
  g_autofree char *uri = ck_test_softhsm_token_uri (label);
  g_autoptr(GError) error = NULL;
  CkToken *token;

  token = ck_token_lookup (uri, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ck_token_get_label (token), ==, label);
  if (login)
    {
      ck_token_login (token, CK_TEST_SOFTHSM_USER_PIN, &error);
      g_assert_no_error (error);
    }
  return token;
}

#define SKIP_WITHOUT_SOFTHSM() \
  G_STMT_START { if (!have_softhsm) { g_test_skip ("SoftHSM2 is not installed"); return; } } G_STMT_END

static void
test_list (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tokens = NULL;
  g_autoptr(CkToken) missing = NULL;
  g_autofree char *state = NULL;
  CkToken *mine = NULL;

  SKIP_WITHOUT_SOFTHSM ();
  tokens = ck_token_list_all (&error);
  g_assert_no_error (error);
  for (guint i = 0; i < tokens->len; i++)
    {
      CkToken *token = tokens->pdata[i];

      g_test_message ("token %s (%s): %s", ck_token_get_label (token),
                      ck_token_get_module_name (token), ck_token_get_uri (token));
      if (g_strcmp0 (ck_token_get_label (token), "ck-list") == 0)
        mine = token;
      /* p11-kit's trust module shows, read-only, when it is registered. */
      if (g_strcmp0 (ck_token_get_module_name (token), "p11-kit-trust") == 0)
        {
          g_assert_true (ck_token_is_system_trust (token));
          g_assert_true (ck_token_is_read_only (token));
        }
    }
  g_assert_nonnull (mine);
  g_assert_cmpstr (ck_token_get_manufacturer (mine), ==, "SoftHSM project");
  g_assert_cmpstr (ck_token_get_model (mine), ==, "SoftHSM v2");
  g_assert_cmpuint (strlen (ck_token_get_serial (mine)), >, 0);
  g_assert_cmpstr (ck_token_get_module_name (mine), ==, "softhsm2");
  g_assert_true (ck_token_is_initialized (mine));
  g_assert_true (ck_token_needs_login (mine));
  g_assert_false (ck_token_has_protected_path (mine));
  g_assert_false (ck_token_is_read_only (mine));
  g_assert_false (ck_token_is_system_trust (mine));
  g_assert_null (ck_token_get_pin_warning (mine));
  state = ck_token_describe_state (mine);
  g_assert_cmpstr (state, ==, "initialized, login required");

  missing = ck_token_lookup ("pkcs11:token=ck-no-such-token", &error);
  g_assert_null (missing);
  g_assert_error (error, CK_ERROR, CK_ERROR_NOT_FOUND);
  g_clear_error (&error);
  missing = ck_token_lookup ("pkcs11:token=a;bogus", &error);
  g_assert_error (error, CK_ERROR, CK_ERROR_INVALID);
}

static void
test_pin (void)
{
  g_autofree char *state = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CkToken) token = NULL;

  SKIP_WITHOUT_SOFTHSM ();
  token = open_token ("ck-pin", FALSE);
  g_assert_false (ck_token_is_logged_in (token));

  g_assert_false (ck_token_login (token, NULL, &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_PASSWORD_REQUIRED);
  g_clear_error (&error);

  g_assert_false (ck_token_login (token, "not-the-pin", &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_BAD_PASSWORD);
  g_test_message ("%s", error->message);
  g_assert_nonnull (strstr (error->message, "wrong PIN"));
  /* SoftHSM raises CKF_USER_PIN_COUNT_LOW after a wrong PIN, and the
   * message passes that on. */
  g_assert_nonnull (strstr (error->message, "few tries are left"));
  g_assert_cmpstr (ck_token_get_pin_warning (token), ==, "PIN count low");
  g_assert_false (ck_token_is_logged_in (token));
  g_clear_error (&error);

  /* More wrong PINs: a token with a retry counter would report the final
   * try and then lock; SoftHSM has no such counter (its flags stay at
   * "count low" and the right PIN still works), which is logged here. */
  for (guint i = 0; i < 5; i++)
    {
      g_assert_false (ck_token_login (token, "not-the-pin", &error));
      if (g_error_matches (error, CK_ERROR, CK_ERROR_BAD_PASSWORD))
        g_test_message ("wrong PIN %u: %s (flags 0x%lx)", i + 2, error->message,
                        ck_token_get_flags (token));
      else
        g_test_message ("wrong PIN %u: %s", i + 2, error->message);
      g_clear_error (&error);
    }

  g_assert_true (ck_token_login (token, CK_TEST_SOFTHSM_USER_PIN, &error));
  g_assert_no_error (error);
  g_assert_true (ck_token_is_logged_in (token));
  state = ck_token_describe_state (token);
  g_assert_nonnull (strstr (state, "logged in"));
  g_test_message ("after the right PIN: %s", state);
  ck_token_logout (token);
  g_assert_false (ck_token_is_logged_in (token));
}

/* The attributes of the private key labelled @label, read straight from
 * the token. */
static CK_RV
key_attributes (CkToken      *token,
                const char   *label,
                CK_ATTRIBUTE *attrs,
                CK_ULONG      n_attrs)
{
  CK_FUNCTION_LIST *module;
  CK_OBJECT_CLASS klass = CKO_PRIVATE_KEY;
  CK_ATTRIBUTE find[] = {
    { CKA_CLASS, &klass, sizeof klass },
    { CKA_LABEL, (void *) label, strlen (label) },
  };
  CK_SESSION_HANDLE session;
  CK_OBJECT_HANDLE handle;
  CK_ULONG n = 0;
  unsigned long slot;
  void *ptr;
  CK_RV rv;

  g_assert_cmpint (gnutls_pkcs11_token_get_ptr (ck_token_get_uri (token), &ptr, &slot, 0), ==, 0);
  module = ptr;
  g_assert_cmpint (module->C_OpenSession (slot, CKF_SERIAL_SESSION, NULL, NULL, &session), ==, CKR_OK);
  g_assert_cmpint (module->C_FindObjectsInit (session, find, G_N_ELEMENTS (find)), ==, CKR_OK);
  g_assert_cmpint (module->C_FindObjects (session, &handle, 1, &n), ==, CKR_OK);
  module->C_FindObjectsFinal (session);
  g_assert_cmpuint (n, ==, 1);
  rv = module->C_GetAttributeValue (session, handle, attrs, n_attrs);
  module->C_CloseSession (session);
  return rv;
}

static void
assert_key_flags (CkToken    *token,
                  const char *label,
                  gboolean    extractable)
{
  CK_BBOOL sign = 0, decrypt = 1, sensitive = 0, extract = 1, priv = 0;
  CK_ATTRIBUTE attrs[] = {
    { CKA_SIGN, &sign, sizeof sign },
    { CKA_DECRYPT, &decrypt, sizeof decrypt },
    { CKA_SENSITIVE, &sensitive, sizeof sensitive },
    { CKA_EXTRACTABLE, &extract, sizeof extract },
    { CKA_PRIVATE, &priv, sizeof priv },
  };

  g_assert_cmpint (key_attributes (token, label, attrs, G_N_ELEMENTS (attrs)), ==, CKR_OK);
  g_assert_true (sign);
  g_assert_false (decrypt);
  g_assert_true (sensitive);
  g_assert_cmpint (extract, ==, extractable ? CK_TRUE : CK_FALSE);
  g_assert_true (priv);
}

static char *
write_temp (const char *name,
            const char *text)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (tmpdir, name, NULL);

  g_file_set_contents (path, text, -1, &error);
  g_assert_no_error (error);
  return path;
}

static void
test_csr (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CkToken) token = NULL;
  g_autoptr(CkPrivateKey) key = NULL;
  g_autoptr(CkPrivateKey) rsa = NULL;
  g_autoptr(CkRequestBuilder) builder = NULL;
  g_autoptr(CkRequest) request = NULL;
  g_autoptr(CkStore) store = NULL;
  g_autoptr(CkPrivateKey) loaded = NULL;
  g_autofree char *pem = NULL;
  g_autofree char *path = NULL;
  g_autofree char *out = NULL;
  g_autofree char *store_dir = NULL;
  CkTokenKeySpec spec = { { CK_KEY_TYPE_ECDSA, 0, "P-384" }, "ck-csr-key", NULL, FALSE, FALSE };
  CkTokenKeySpec rsa_spec = { { CK_KEY_TYPE_RSA, 2048, NULL }, "ck-csr-rsa", NULL, FALSE, FALSE };
  gint64 key_id = 0;
  const char *openssl = g_getenv ("CK_OPENSSL");

  SKIP_WITHOUT_SOFTHSM ();
  token = open_token ("ck-csr", TRUE);
  key = ck_token_generate_key (token, &spec, &error);
  g_assert_no_error (error);
  g_assert_true (ck_private_key_is_on_token (key));
  g_assert_cmpstr (ck_private_key_get_algorithm (key), ==, "ECDSA");
  g_assert_cmpuint (ck_private_key_get_bits (key), ==, 384);
  g_test_message ("key: %s", ck_private_key_get_pkcs11_uri (key));
  assert_key_flags (token, "ck-csr-key", FALSE);

  /* RSA too, with CKA_DECRYPT off whatever GnuTLS put there. */
  rsa = ck_token_generate_key (token, &rsa_spec, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (ck_private_key_get_bits (rsa), ==, 2048);
  assert_key_flags (token, "ck-csr-rsa", FALSE);

  builder = ck_request_builder_new ();
  g_assert_true (ck_request_builder_add_subject_string (builder, "CN=token.example.org", &error));
  g_assert_no_error (error);
  g_assert_true (ck_request_builder_add_san_string (builder, "DNS:token.example.org", &error));
  g_assert_no_error (error);
  request = ck_request_builder_build (builder, key, CK_BUILD_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ck_request_get_spki_sha256 (request), ==, ck_private_key_get_spki_sha256 (key));

  /* The pending request is recorded like any other: the key row has the
   * URI and no key material. */
  store_dir = g_build_filename (tmpdir, "store-csr", NULL);
  store = ck_store_open (store_dir, &error);
  g_assert_no_error (error);
  g_assert_true (ck_store_add_key (store, key, "token key", NULL, CK_COMMIT_NONE, &key_id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (ck_store_add_request (store, request, NULL, &error), >, 0);
  g_assert_no_error (error);
  g_assert_cmpstr (ck_stored_key_get_pkcs11_uri (ck_store_get_key_row (store, key_id)), ==,
                   ck_private_key_get_pkcs11_uri (key));
  loaded = ck_store_load_private_key (store, key_id, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ck_private_key_get_spki_sha256 (loaded), ==, ck_private_key_get_spki_sha256 (key));

  if (openssl == NULL)
    {
      g_test_skip ("openssl is not installed");
      return;
    }
  pem = ck_request_to_pem (request);
  path = write_temp ("token.csr", pem);
  out = ck_test_run_tool ((const char * const[]) { openssl, "req", "-in", path, "-noout",
                                                   "-verify", NULL });
  g_assert_nonnull (out);
}

static void
test_not_extractable (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CkToken) token = NULL;
  g_autoptr(CkPrivateKey) key = NULL;
  g_autoptr(CkPrivateKey) soft = NULL;
  g_autoptr(GBytes) exported = NULL;
  CkTokenKeySpec spec = { { CK_KEY_TYPE_RSA, 2048, NULL }, "ck-locked-in", NULL, FALSE, FALSE };
  CkTokenKeySpec soft_spec = { { CK_KEY_TYPE_ECDSA, 0, "P-256" }, "ck-extractable", NULL, TRUE, FALSE };
  guint8 buffer[1024];
  CK_ATTRIBUTE value = { CKA_PRIVATE_EXPONENT, buffer, sizeof buffer };

  SKIP_WITHOUT_SOFTHSM ();
  token = open_token ("ck-extract", TRUE);
  key = ck_token_generate_key (token, &spec, &error);
  g_assert_no_error (error);

  /* The token itself refuses to hand out the secret... */
  g_assert_cmpint (key_attributes (token, "ck-locked-in", &value, 1), ==, CKR_ATTRIBUTE_SENSITIVE);
  g_assert_cmpint ((CK_LONG) value.ulValueLen, ==, -1);
  /* ...and Certkeeper does not pretend to export it. */
  exported = ck_private_key_export_pkcs8 (key, "passphrase", &error);
  g_assert_null (exported);
  g_assert_error (error, CK_ERROR, CK_ERROR_UNSUPPORTED);
  g_clear_error (&error);

  /* GnuTLS 3.7.9 would make even an "extractable" key non-extractable:
   * refused up front, nothing is created. */
  soft = ck_token_generate_key (token, &soft_spec, &error);
  g_assert_null (soft);
  g_assert_error (error, CK_ERROR, CK_ERROR_UNSUPPORTED);
}

static char *
self_signed_pem (CkPrivateKey *key,
                 const char   *cn)
{
  g_autoptr(GError) error = NULL;
  gnutls_x509_crt_t crt;
  gnutls_pubkey_t pub;
  gnutls_datum_t out;
  guint8 serial[] = { 0x42 };
  time_t now = time (NULL);
  char *pem;

  pub = ck_private_key_dup_pubkey (key, &error);
  g_assert_no_error (error);
  g_assert_cmpint (gnutls_x509_crt_init (&crt), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_pubkey (crt, pub), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0, cn, strlen (cn)), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_serial (crt, serial, sizeof serial), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_activation_time (crt, now - 60), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_expiration_time (crt, now + 86400), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_set_version (crt, 3), ==, 0);
  /* Signed on the token as well. */
  g_assert_cmpint (gnutls_x509_crt_privkey_sign (crt, crt, ck_private_key_get_privkey (key),
                                                 GNUTLS_DIG_SHA256, 0), ==, 0);
  g_assert_cmpint (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_PEM, &out), ==, 0);
  pem = g_strndup ((char *) out.data, out.size);
  gnutls_free (out.data);
  gnutls_x509_crt_deinit (crt);
  gnutls_pubkey_deinit (pub);
  return pem;
}

static void
test_certificate (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CkToken) token = NULL;
  g_autoptr(CkPrivateKey) key = NULL;
  g_autoptr(CkPrivateKey) other = NULL;
  g_autoptr(CkCertificate) cert = NULL;
  g_autoptr(GPtrArray) objects = NULL;
  g_autofree char *pem = NULL;
  g_autofree char *listing = NULL;
  g_autofree char *token_uri = NULL;
  g_autofree char *p11tool = NULL;
  const char *key_id = NULL;
  const char *cert_id = NULL;
  guint8 id[] = { 0xc0, 0xff, 0xee, 0x01 };
  g_autoptr(GBytes) id_bytes = g_bytes_new (id, sizeof id);
  CkTokenKeySpec spec = { { CK_KEY_TYPE_ECDSA, 0, "P-256" }, "ck-with-cert", id_bytes, FALSE, FALSE };
  CkTokenKeySpec other_spec = { { CK_KEY_TYPE_ECDSA, 0, "P-256" }, "ck-other", NULL, FALSE, FALSE };

  SKIP_WITHOUT_SOFTHSM ();
  token = open_token ("ck-cert", TRUE);
  key = ck_token_generate_key (token, &spec, &error);
  g_assert_no_error (error);
  other = ck_token_generate_key (token, &other_spec, &error);
  g_assert_no_error (error);
  pem = self_signed_pem (key, "cert-on-token.example");
  cert = ck_certificate_new_from_pem (pem, -1, &error);
  g_assert_no_error (error);

  /* Not beside a key it does not belong to. */
  g_assert_false (ck_token_import_certificate (token, cert, other, &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_MISMATCH);
  g_clear_error (&error);

  g_assert_true (ck_token_import_certificate (token, cert, key, &error));
  g_assert_no_error (error);

  objects = ck_token_list_objects (token, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < objects->len; i++)
    {
      CkTokenObject *object = objects->pdata[i];

      g_test_message ("%s %s %s", object->kind, object->label, object->id_hex);
      if (g_strcmp0 (object->label, "ck-with-cert") == 0 && g_str_equal (object->kind, "private-key"))
        key_id = object->id_hex;
      if (g_strcmp0 (object->label, "ck-with-cert") == 0 && g_str_equal (object->kind, "certificate"))
        cert_id = object->id_hex;
    }
  g_assert_cmpstr (key_id, ==, "c0ffee01");
  g_assert_cmpstr (cert_id, ==, "c0ffee01");

  /* p11tool, a separate process reading the same token directory, finds
   * the certificate with the key's ID. */
  p11tool = g_find_program_in_path ("p11tool");
  if (p11tool == NULL)
    {
      g_test_skip ("p11tool is not installed");
      return;
    }
  token_uri = ck_test_softhsm_token_uri ("ck-cert");
  listing = ck_test_run_tool ((const char * const[]) { p11tool, "--list-all-certs", token_uri, NULL });
  g_assert_nonnull (listing);
  g_test_message ("%s", listing);
  g_assert_nonnull (strstr (listing, "Label: ck-with-cert"));
  g_assert_nonnull (strstr (listing, "ID: c0:ff:ee:01"));
}

static CkTokenObject *
find_object (CkToken    *token,
             const char *kind,
             const char *id_hex)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) objects = ck_token_list_objects (token, &error);

  g_assert_no_error (error);
  for (guint i = 0; i < objects->len; i++)
    {
      CkTokenObject *object = objects->pdata[i];

      if (g_str_equal (object->kind, kind) && g_str_equal (object->id_hex, id_hex))
        return g_ptr_array_steal_index (objects, i);
    }
  return NULL;
}

static gboolean
has_object (CkToken    *token,
            const char *kind,
            const char *id_hex)
{
  g_autoptr(CkTokenObject) object = find_object (token, kind, id_hex);

  return object != NULL;
}

/* Deleting from the Tokens page: the certificate alone, then the key with
 * its public half; the other key stays, and a second delete says the
 * object is gone. p11tool, another process on the same token, agrees. */
static void
test_delete (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CkToken) token = NULL;
  g_autoptr(CkPrivateKey) key = NULL;
  g_autoptr(CkPrivateKey) other = NULL;
  g_autoptr(CkCertificate) cert = NULL;
  g_autoptr(CkTokenObject) cert_object = NULL;
  g_autoptr(CkTokenObject) key_object = NULL;
  g_autofree char *pem = NULL;
  g_autofree char *p11tool = NULL;
  guint8 id[] = { 0xde, 0x1e, 0x7e, 0x01 };
  guint8 other_id[] = { 0x07, 0x7e, 0x72 };
  g_autoptr(GBytes) id_bytes = g_bytes_new (id, sizeof id);
  g_autoptr(GBytes) other_bytes = g_bytes_new (other_id, sizeof other_id);
  CkTokenKeySpec spec = { { CK_KEY_TYPE_ECDSA, 0, "P-256" }, "ck-doomed", id_bytes, FALSE, FALSE };
  CkTokenKeySpec other_spec = { { CK_KEY_TYPE_ECDSA, 0, "P-256" }, "ck-kept", other_bytes, FALSE, FALSE };

  SKIP_WITHOUT_SOFTHSM ();
  token = open_token ("ck-delete", TRUE);
  key = ck_token_generate_key (token, &spec, &error);
  g_assert_no_error (error);
  other = ck_token_generate_key (token, &other_spec, &error);
  g_assert_no_error (error);
  pem = self_signed_pem (key, "doomed.example");
  cert = ck_certificate_new_from_pem (pem, -1, &error);
  g_assert_no_error (error);
  g_assert_true (ck_token_import_certificate (token, cert, key, &error));
  g_assert_no_error (error);
  g_assert_true (has_object (token, "certificate", "de1e7e01"));
  g_assert_true (has_object (token, "public-key", "de1e7e01"));

  /* The certificate alone. */
  cert_object = find_object (token, "certificate", "de1e7e01");
  g_assert_nonnull (cert_object);
  g_assert_true (ck_token_delete_object (token, cert_object, &error));
  g_assert_no_error (error);
  g_assert_false (has_object (token, "certificate", "de1e7e01"));
  g_assert_true (has_object (token, "private-key", "de1e7e01"));

  /* The key takes its public half along, and nothing else. */
  key_object = find_object (token, "private-key", "de1e7e01");
  g_assert_nonnull (key_object);
  g_assert_true (ck_token_delete_object (token, key_object, &error));
  g_assert_no_error (error);
  g_assert_false (has_object (token, "private-key", "de1e7e01"));
  g_assert_false (has_object (token, "public-key", "de1e7e01"));
  g_assert_true (has_object (token, "private-key", "077e72"));
  g_assert_true (has_object (token, "public-key", "077e72"));

  /* Gone is gone. */
  g_assert_false (ck_token_delete_object (token, cert_object, &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_NOT_FOUND);
  g_test_message ("%s", error->message);
  g_clear_error (&error);

  p11tool = g_find_program_in_path ("p11tool");
  if (p11tool == NULL)
    {
      g_test_skip ("p11tool is not installed");
      return;
    }
  {
    g_autofree char *token_uri = ck_test_softhsm_token_uri ("ck-delete");
    g_autofree char *listing = ck_test_run_tool ((const char * const[]) {
      p11tool, "--list-all", token_uri, NULL });

    g_assert_nonnull (listing);
    g_test_message ("%s", listing);
    g_assert_null (strstr (listing, "ck-doomed"));
    g_assert_nonnull (strstr (listing, "ck-kept"));
  }
}

static void
test_limits (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CkToken) token = NULL;
  g_autoptr(CkPrivateKey) key = NULL;
  CkTokenKeySpec ed = { { CK_KEY_TYPE_ED25519, 0, NULL }, "ck-ed", NULL, FALSE, FALSE };
  CkTokenKeySpec big = { { CK_KEY_TYPE_RSA, 8192, NULL }, "ck-big", NULL, FALSE, FALSE };
  CkTokenKeySpec curve = { { CK_KEY_TYPE_ECDSA, 0, "P-521" }, "ck-521", NULL, FALSE, FALSE };
  CkTokenKeySpec nolabel = { { CK_KEY_TYPE_ECDSA, 0, NULL }, "", NULL, FALSE, FALSE };

  SKIP_WITHOUT_SOFTHSM ();
  token = open_token ("ck-limits", TRUE);
  key = ck_token_generate_key (token, &ed, &error);
  g_assert_error (error, CK_ERROR, CK_ERROR_UNSUPPORTED);
  g_clear_error (&error);
  key = ck_token_generate_key (token, &big, &error);
  g_assert_error (error, CK_ERROR, CK_ERROR_INVALID);
  g_clear_error (&error);
  key = ck_token_generate_key (token, &curve, &error);
  g_assert_error (error, CK_ERROR, CK_ERROR_INVALID);
  g_clear_error (&error);
  key = ck_token_generate_key (token, &nolabel, &error);
  g_assert_error (error, CK_ERROR, CK_ERROR_INVALID);
  g_assert_null (key);
}

static void
test_import_key (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CkToken) token = NULL;
  g_autoptr(CkPrivateKey) soft = NULL;
  g_autoptr(CkPrivateKey) copy = NULL;
  g_autoptr(CkPrivateKey) again = NULL;
  CkKeySpec spec = { CK_KEY_TYPE_RSA, 2048, NULL };
  guint8 buffer[1024];
  CK_ATTRIBUTE value = { CKA_PRIVATE_EXPONENT, buffer, sizeof buffer };

  SKIP_WITHOUT_SOFTHSM ();
  token = open_token ("ck-import", TRUE);
  soft = ck_key_generate (&spec, NULL, &error);
  g_assert_no_error (error);

  copy = ck_token_import_key (token, soft, "ck-imported", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ck_private_key_is_on_token (copy));
  g_assert_cmpstr (ck_private_key_get_spki_sha256 (copy), ==, ck_private_key_get_spki_sha256 (soft));
  assert_key_flags (token, "ck-imported", FALSE);
  g_assert_cmpint (key_attributes (token, "ck-imported", &value, 1), ==, CKR_ATTRIBUTE_SENSITIVE);

  again = ck_token_import_key (token, copy, "ck-again", NULL, &error);
  g_assert_null (again);
  g_assert_error (error, CK_ERROR, CK_ERROR_INVALID);
}


/* A certificate + key file imported onto a token: the key goes there with
 * its certificate beside it, the store gets the key's URI, and the
 * certificate can be traced back to its token. */
static void
test_import_plan (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CkToken) token = NULL;
  g_autoptr(CkToken) found = NULL;
  g_autoptr(CkToken) by_object = NULL;
  g_autoptr(CkPrivateKey) soft = NULL;
  g_autoptr(CkPrivateKey) token_key = NULL;
  g_autoptr(CkCertificate) cert = NULL;
  g_autoptr(CkCertificate) read_back = NULL;
  g_autoptr(CkImportPlan) plan = ck_import_plan_new ();
  g_autoptr(CkImportPlan) copy = NULL;
  g_autoptr(GPtrArray) objects = NULL;
  g_autoptr(CkStore) store = NULL;
  g_autofree char *pem = NULL;
  g_autofree char *store_dir = NULL;
  CkKeySpec spec = { CK_KEY_TYPE_ECDSA, 0, "P-256" };
  CkCommitSummary summary = { 0 };
  CkImportItem *key_item;
  const char *cert_uri = NULL;
  const char *key_id = NULL;
  guint n_keys = 0, n_objects = 0;

  SKIP_WITHOUT_SOFTHSM ();
  token = open_token ("ck-plan", TRUE);
  soft = ck_key_generate (&spec, NULL, &error);
  g_assert_no_error (error);
  pem = self_signed_pem (soft, "plan.example");
  cert = ck_certificate_new_from_pem (pem, -1, &error);
  g_assert_no_error (error);
  {
    g_autoptr(CkImportItem) key_in = ck_import_item_new_private_key (soft, "plan.pem", "block 2");
    g_autoptr(CkImportItem) cert_in = ck_import_item_new_certificate (cert, "plan.pem", "block 1");

    ck_import_plan_append (plan, key_in);
    ck_import_plan_append (plan, cert_in);
  }

  copy = ck_token_import_plan (token, plan, &n_keys, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (n_keys, ==, 1);
  g_assert_cmpuint (ck_import_plan_get_n_items (copy), ==, 2);
  key_item = ck_import_plan_get_item (copy, 0);
  g_assert_true (ck_private_key_is_on_token (ck_import_item_get_private_key (key_item)));
  g_assert_true (ck_import_plan_get_item (copy, 1) == ck_import_plan_get_item (plan, 1));
  /* The plan shown to the user is left as it was. */
  g_assert_false (ck_private_key_is_on_token (ck_import_item_get_private_key (ck_import_plan_get_item (plan, 0))));

  /* Key (private and public) and certificate: one label, one CKA_ID. */
  objects = ck_token_list_objects (token, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < objects->len; i++)
    {
      CkTokenObject *object = objects->pdata[i];

      g_test_message ("%s %s %s", object->kind, object->label, object->id_hex);
      g_assert_cmpstr (object->label, ==, "plan.example");
      if (key_id == NULL)
        key_id = object->id_hex;
      g_assert_cmpstr (object->id_hex, ==, key_id);
      if (g_str_equal (object->kind, "certificate"))
        cert_uri = object->uri;
      n_objects++;
    }
  g_assert_cmpuint (n_objects, ==, 3);
  g_assert_nonnull (cert_uri);
  read_back = ck_token_load_certificate (token, cert_uri, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ck_certificate_get_sha256_fingerprint (read_back), ==,
                   ck_certificate_get_sha256_fingerprint (cert));
  g_assert_true (ck_token_has_certificate (token, cert));

  /* Committed, the store holds the key's URI and no key material: no
   * passphrase is asked for. */
  store_dir = g_build_filename (tmpdir, "store-plan", NULL);
  store = ck_store_open (store_dir, &error);
  g_assert_no_error (error);
  g_assert_true (ck_store_commit (store, copy, NULL, CK_COMMIT_NONE, NULL, NULL, &summary, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (summary.keys, ==, 1);
  g_assert_cmpuint (summary.certificates, ==, 1);

  /* From the certificate back to the token and key. */
  found = ck_token_find_for_certificate (store, cert, &token_key, &error);
  g_assert_no_error (error);
  g_assert_nonnull (found);
  g_assert_cmpstr (ck_token_get_label (found), ==, "ck-plan");
  g_assert_cmpstr (ck_private_key_get_spki_sha256 (token_key), ==, ck_certificate_get_spki_sha256 (cert));
  by_object = ck_token_lookup_for_object (ck_private_key_get_pkcs11_uri (token_key), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ck_token_get_label (by_object), ==, "ck-plan");
  g_clear_object (&by_object);
  by_object = ck_token_lookup_for_object ("not a uri", &error);
  g_assert_null (by_object);
  g_assert_error (error, CK_ERROR, CK_ERROR_INVALID);
}
/* --- CkKeeper's token actions: what the PIN dialog, the assistant, the
 * import dialog and certkeeper-cli all call. Tokens of their own. */

static const char * const keeper_token_labels[] = {
  "ck-keeper-pin", "ck-keeper-req", "ck-keeper-other", "ck-issue-ca", NULL,
};

static void
test_keeper_login (void)
{
  g_autoptr(CkKeeper) keeper = ck_keeper_new (NULL);
  g_autoptr(CkToken) token = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  CkPinFlags flags;

  /* What the assistant's ID row and 'keygen --token --id' accept. */
  {
    g_autoptr(GBytes) id = ck_token_id_from_hex ("c0:FF ee01", &error);

    g_assert_no_error (error);
    g_assert_cmpmem (g_bytes_get_data (id, NULL), g_bytes_get_size (id),
                     "\xc0\xff\xee\x01", 4);
    g_assert_null (ck_token_id_from_hex ("", &error));
    g_assert_no_error (error);
    g_assert_null (ck_token_id_from_hex ("c0f", &error));
    g_assert_error (error, CK_ERROR, CK_ERROR_INVALID);
    g_clear_error (&error);
    g_assert_null (ck_token_id_from_hex ("zz", &error));
    g_assert_error (error, CK_ERROR, CK_ERROR_INVALID);
    g_clear_error (&error);
  }

  SKIP_WITHOUT_SOFTHSM ();
  token = open_token ("ck-keeper-pin", FALSE);
  g_assert_cmpint (ck_token_get_pin_flags (token), ==, CK_PIN_FLAGS_NONE);
  g_assert_null (ck_pin_flags_get_advice (ck_token_get_pin_flags (token)));

  /* A wrong PIN, from a worker thread as the PIN dialog does it. */
  ck_keeper_token_login_async (keeper, token, "not-the-pin", NULL, ck_test_store_result, &result);
  g_assert_false (ck_keeper_token_login_finish (keeper, ck_test_wait_for_result (&result), &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_BAD_PASSWORD);
  g_assert_nonnull (strstr (error->message, "few tries are left"));
  g_clear_error (&error);
  g_clear_object (&result);

  /* One reader of the flags: the same answer as the raw CK_TOKEN_INFO
   * flags, the listing's warning and the advice the dialog and the CLI
   * show. */
  ck_keeper_token_refresh_async (keeper, token, NULL, ck_test_store_result, &result);
  g_assert_true (ck_keeper_token_refresh_finish (keeper, ck_test_wait_for_result (&result), &error));
  g_assert_no_error (error);
  flags = ck_token_get_pin_flags (token);
  g_assert_cmpint (flags & CK_PIN_FLAGS_COUNT_LOW, ==, CK_PIN_FLAGS_COUNT_LOW);
  g_assert_cmpint ((flags & CK_PIN_FLAGS_COUNT_LOW) != 0, ==,
                   (ck_token_get_flags (token) & CKF_USER_PIN_COUNT_LOW) != 0);
  g_assert_cmpint ((flags & CK_PIN_FLAGS_FINAL_TRY) != 0, ==,
                   (ck_token_get_flags (token) & CKF_USER_PIN_FINAL_TRY) != 0);
  g_assert_cmpint ((flags & CK_PIN_FLAGS_LOCKED) != 0, ==,
                   (ck_token_get_flags (token) & CKF_USER_PIN_LOCKED) != 0);
  g_assert_cmpstr (ck_token_get_pin_warning (token), ==, "PIN count low");
  g_assert_nonnull (strstr (ck_pin_flags_get_advice (flags), "few tries are left"));
  g_assert_nonnull (strstr (ck_pin_flags_get_advice (CK_PIN_FLAGS_COUNT_LOW | CK_PIN_FLAGS_LOCKED),
                            "SO"));
  g_assert_nonnull (strstr (ck_pin_flags_get_advice (CK_PIN_FLAGS_FINAL_TRY), "locks"));

  /* The right one, blocking, as certkeeper-cli does it; then nothing to do. */
  g_assert_true (ck_keeper_token_login (keeper, token, CK_TEST_SOFTHSM_USER_PIN, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (ck_token_is_logged_in (token));
  g_assert_true (ck_keeper_token_login (keeper, token, "ignored, logged in", NULL, &error));
  g_assert_no_error (error);
  ck_token_logout (token);
}

static guint
n_objects (CkToken    *token,
           const char *kind)
{
  g_autoptr(GPtrArray) objects = NULL;
  g_autoptr(GError) error = NULL;
  guint n = 0;

  objects = ck_token_list_objects (token, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < objects->len; i++)
    if (g_str_equal (((CkTokenObject *) objects->pdata[i])->kind, kind))
      n++;
  return n;
}

static gboolean
sink_fails (CkRequest  *request,
            gpointer    user_data,
            GError    **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE, "No space left on device");
  return FALSE;
}

/* A key made on a token for a request that cannot be recorded is taken
 * off the token again; one that is recorded gets its issued certificate
 * written beside it once, on its own token only. */
static void
test_keeper_token_request_and_write (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CkToken) token = NULL;
  g_autoptr(CkToken) other = NULL;
  g_autoptr(CkToken) fresh = NULL;
  g_autoptr(CkStore) store = NULL;
  g_autoptr(CkKeeper) keeper = NULL;
  g_autoptr(CkRequestBuilder) builder = ck_request_builder_new ();
  g_autoptr(CkRequest) request = NULL;
  g_autoptr(CkPrivateKey) key = NULL;
  g_autoptr(CkPrivateKey) software = NULL;
  g_autoptr(CkCertificate) cert = NULL;
  g_autoptr(CkCertificate) software_cert = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autofree char *dir = g_build_filename (tmpdir, "keeper-store", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  g_autofree char *pem = NULL;
  g_autofree char *software_pem = NULL;
  CkKeySpec ec = { CK_KEY_TYPE_ECDSA, 0, "P-256" };
  CkKeeperKeyChoice choice = {
    .source = CK_KEEPER_KEY_TOKEN_NEW, .spec = ec, .label = "ck-keeper-key",
  };
  CkKeeperRequestResult made = { 0, };
  CkStoredKey *row;
  gboolean written = TRUE;

  SKIP_WITHOUT_SOFTHSM ();
  token = open_token ("ck-keeper-req", TRUE);
  other = open_token ("ck-keeper-other", TRUE);
  store = ck_store_open (dir, &error);
  g_assert_no_error (error);
  keeper = ck_keeper_new (store);
  choice.token = token;
  g_assert_true (ck_request_builder_add_subject_string (builder, "CN=token.keeper.test", &error));
  ck_request_builder_set_key_info (builder, GNUTLS_PK_ECDSA, 256);

  /* Recording fails (here its output): nothing on the token, nothing in
   * the store. */
  before = ck_test_dump_tables (ck_store_get_path (store));
  g_assert_cmpuint (n_objects (token, "private-key"), ==, 0);
  request = ck_keeper_create_request (keeper, builder, &choice, sink_fails, NULL, NULL, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
  g_assert_null (request);
  g_clear_error (&error);
  g_assert_cmpuint (n_objects (token, "private-key"), ==, 0);
  g_assert_cmpuint (n_objects (token, "public-key"), ==, 0);
  after = ck_test_dump_tables (ck_store_get_path (store));
  g_assert_cmpstr (after, ==, before);

  /* Recorded: the key by its URI, the request pending under it. */
  ck_keeper_create_request_async (keeper, builder, &choice, NULL, NULL, NULL, ck_test_store_result, &result);
  request = ck_keeper_create_request_finish (keeper, ck_test_wait_for_result (&result), &made, &error);
  g_assert_no_error (error);
  g_assert_true (made.key_added);
  g_assert_cmpuint (n_objects (token, "private-key"), ==, 1);
  row = ck_store_get_key_row (store, made.key_id);
  g_assert_nonnull (ck_stored_key_get_pkcs11_uri (row));
  g_assert_cmpint (ck_stored_request_get_status (ck_store_get_request_row (store, made.request_id)),
                   ==, CK_REQUEST_STATUS_PENDING);

  /* Its certificate (signed by the token key itself, standing in for the
   * CA's) goes onto the key's token, once. */
  key = ck_private_key_new_from_pkcs11_uri (ck_stored_key_get_pkcs11_uri (row), &error);
  g_assert_no_error (error);
  pem = self_signed_pem (key, "token.keeper.test");
  cert = ck_certificate_new_from_pem (pem, -1, &error);
  g_assert_no_error (error);

  /* Not onto another token. */
  g_assert_false (ck_keeper_check_certificate_for_token (keeper, cert, other, &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_MISMATCH);
  g_clear_error (&error);
  g_assert_false (ck_keeper_write_certificate_to_token (keeper, cert, other, NULL, &written, &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_MISMATCH);
  g_assert_false (written);
  g_clear_error (&error);
  g_assert_cmpuint (n_objects (other, "certificate"), ==, 0);

  g_assert_true (ck_keeper_check_certificate_for_token (keeper, cert, token, &error));
  g_assert_no_error (error);
  g_clear_object (&result);
  ck_keeper_write_certificate_to_token_async (keeper, cert, NULL, NULL, ck_test_store_result, &result);
  g_assert_true (ck_keeper_write_certificate_to_token_finish (keeper, ck_test_wait_for_result (&result),
                                                              &written, &error));
  g_assert_no_error (error);
  g_assert_true (written);
  g_assert_true (ck_token_has_certificate (token, cert));
  g_assert_true (ck_keeper_write_certificate_to_token (keeper, cert, token, NULL, &written, &error));
  g_assert_no_error (error);
  g_assert_false (written);
  g_assert_cmpuint (n_objects (token, "certificate"), ==, 1);

  /* A certificate of a software key has no token to go to. */
  software = ck_key_generate (&ec, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ck_store_add_key (store, software, NULL, NULL, CK_COMMIT_NO_KEY_PASSPHRASE,
                                   NULL, &error));
  software_pem = self_signed_pem (software, "software.keeper.test");
  software_cert = ck_certificate_new_from_pem (software_pem, -1, &error);
  g_assert_no_error (error);
  g_assert_false (ck_keeper_write_certificate_to_token (keeper, software_cert, NULL, NULL,
                                                        &written, &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_MISMATCH);
  g_clear_error (&error);

  /* Logged out: the front end must log in first. */
  ck_token_logout (token);
  fresh = open_token ("ck-keeper-req", FALSE);
  g_assert_false (ck_keeper_write_certificate_to_token (keeper, cert, fresh, NULL, &written, &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_PASSWORD_REQUIRED);
}

static gboolean
issue_sink_fails (GBytes      *der,
                  const char  *pem,
                  gpointer     user_data,
                  GError     **error)
{
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE, "No space left on device");
  return FALSE;
}

static char *
write_tmp (const char *name,
           const char *text)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (tmpdir, name, NULL);

  g_assert_true (g_file_set_contents (path, text, -1, &error));
  g_assert_no_error (error);
  return path;
}

/* A root CA whose key is made on the token by the keeper's self-sign:
 * when its output fails, the new key is taken off the token again and
 * the store is as it was; then it signs a request and a CRL on the
 * token, and openssl accepts both. */
static void
test_keeper_token_ca (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CkToken) token = NULL;
  g_autoptr(CkStore) store = NULL;
  g_autoptr(CkKeeper) keeper = NULL;
  g_autoptr(CkRequestBuilder) contents = ck_request_builder_new ();
  g_autoptr(CkCertificateBuilder) root_builder = NULL;
  g_autoptr(CkKeeperIssued) root = NULL;
  g_autoptr(CkKeeperIssued) leaf = NULL;
  g_autoptr(CkRequestBuilder) request_builder = ck_request_builder_new ();
  g_autoptr(CkCertificateBuilder) leaf_builder = NULL;
  g_autoptr(CkRequest) request = NULL;
  g_autoptr(GBytes) crl = NULL;
  g_autofree char *dir = g_build_filename (tmpdir, "issue-store", NULL);
  g_autofree char *before = NULL;
  g_autofree char *after = NULL;
  CkKeySpec ec = { CK_KEY_TYPE_ECDSA, 0, "P-256" };
  CkKeeperKeyChoice choice = {
    .source = CK_KEEPER_KEY_TOKEN_NEW, .spec = ec, .label = "ck-issue-ca-key",
  };
  CkKeeperKeyChoice leaf_key = {
    .source = CK_KEEPER_KEY_NEW, .spec = ec, .no_passphrase = TRUE,
  };
  CkKeeperSigner signer = { 0, };
  guint64 number = 0;

  SKIP_WITHOUT_SOFTHSM ();
  token = open_token ("ck-issue-ca", TRUE);
  store = ck_store_open (dir, &error);
  g_assert_no_error (error);
  keeper = ck_keeper_new (store);
  choice.token = token;
  g_assert_true (ck_request_builder_add_subject_string (contents, "CN=Token Issue Root", &error));
  ck_request_builder_set_key_info (contents, GNUTLS_PK_ECDSA, 256);
  ck_certificate_profile_apply (CK_CERTIFICATE_PROFILE_ROOT_CA, contents);
  root_builder = ck_certificate_builder_new_self_signed (contents);

  before = ck_test_dump_tables (ck_store_get_path (store));
  root = ck_keeper_self_sign (keeper, root_builder, &choice, issue_sink_fails, NULL, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
  g_assert_null (root);
  g_clear_error (&error);
  g_assert_cmpuint (n_objects (token, "private-key"), ==, 0);
  g_assert_cmpuint (n_objects (token, "public-key"), ==, 0);
  after = ck_test_dump_tables (ck_store_get_path (store));
  g_assert_cmpstr (after, ==, before);

  root = ck_keeper_self_sign (keeper, root_builder, &choice, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (root->key_added);
  g_assert_cmpuint (n_objects (token, "private-key"), ==, 1);
  g_assert_nonnull (ck_stored_key_get_pkcs11_uri (ck_store_get_key_row (store, root->key_id)));
  g_assert_true (ck_certificate_is_ca (root->certificate));

  /* A request signed by the CA's key on the token, found through the
   * store's record of it. */
  g_assert_true (ck_request_builder_add_subject_string (request_builder, "CN=leaf.token.test", &error));
  g_assert_true (ck_request_builder_add_san_string (request_builder, "DNS:leaf.token.test", &error));
  ck_request_builder_set_key_info (request_builder, GNUTLS_PK_ECDSA, 256);
  request = ck_keeper_create_request (keeper, request_builder, &leaf_key, NULL, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  leaf_builder = ck_certificate_builder_new_for_request (request);
  ck_certificate_builder_set_profile (leaf_builder, CK_CERTIFICATE_PROFILE_TLS_SERVER);
  g_assert_true (ck_certificate_builder_set_keep_extensions (leaf_builder, "san", &error));
  ck_certificate_builder_set_days (leaf_builder, 30);
  signer.ca_id = root->certificate_id;
  leaf = ck_keeper_sign_request (keeper, leaf_builder, &signer, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (leaf->issuer_id, ==, root->certificate_id);
  g_assert_cmpuint (leaf->issued_requests->len, ==, 1);

  crl = ck_keeper_write_crl (keeper, &signer, 86400, GNUTLS_DIG_UNKNOWN, NULL, NULL, NULL,
                             &number, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (number, ==, 1);

  if (g_getenv ("CK_OPENSSL") != NULL)
    {
      g_autofree char *root_pem = ck_certificate_to_pem (root->certificate);
      g_autofree char *leaf_pem = ck_certificate_to_pem (leaf->certificate);
      g_autofree char *crl_pem = ck_crl_to_pem (crl);
      g_autofree char *root_path = write_tmp ("issue-root.pem", root_pem);
      g_autofree char *leaf_path = write_tmp ("issue-leaf.pem", leaf_pem);
      g_autofree char *crl_path = write_tmp ("issue.crl", crl_pem);
      const char *verify[] = { g_getenv ("CK_OPENSSL"), "verify", "-CAfile", root_path,
                               "-crl_check", "-CRLfile", crl_path, leaf_path, NULL };
      const char *crl_verify[] = { g_getenv ("CK_OPENSSL"), "crl", "-verify", "-in", crl_path, "-noout",
                                   "-CAfile", root_path, NULL };
      g_autofree char *out = ck_test_run_tool (verify);
      g_autofree char *crl_out = ck_test_run_tool (crl_verify);

      g_assert_nonnull (out);
      g_assert_nonnull (strstr (out, ": OK"));
      g_assert_nonnull (crl_out);
    }
  else
    g_test_skip ("openssl is not installed: the certificates were not verified");
}

int
main (int argc, char **argv)
{
  g_autoptr(GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);
  /* Before GnuTLS loads the modules. */
  {
    g_autoptr(GStrvBuilder) labels = g_strv_builder_new ();
    g_auto(GStrv) all = NULL;

    g_strv_builder_addv (labels, (const char **) token_labels);
    g_strv_builder_addv (labels, (const char **) keeper_token_labels);
    all = g_strv_builder_end (labels);
    have_softhsm = ck_test_softhsm_setup ((const char * const *) all);
  }
  ck_core_init ();
  /* A PIN prompt in a test would be a bug: GnuTLS must find the sessions
   * logged in by ck_token_login(). */
  gnutls_pkcs11_set_pin_function (NULL, NULL);
  tmpdir = g_dir_make_tmp ("ck-test-tokens-XXXXXX", &error);
  g_assert_no_error (error);

  g_test_add_func ("/tokens/list", test_list);
  g_test_add_func ("/tokens/keeper-ca", test_keeper_token_ca);
  g_test_add_func ("/tokens/pin", test_pin);
  g_test_add_func ("/tokens/csr", test_csr);
  g_test_add_func ("/tokens/not-extractable", test_not_extractable);
  g_test_add_func ("/tokens/certificate", test_certificate);
  g_test_add_func ("/tokens/delete", test_delete);
  g_test_add_func ("/tokens/limits", test_limits);
  g_test_add_func ("/tokens/import-key", test_import_key);
  g_test_add_func ("/tokens/import-plan", test_import_plan);
  g_test_add_func ("/tokens/keeper/login", test_keeper_login);
  g_test_add_func ("/tokens/keeper/request-and-write", test_keeper_token_request_and_write);

  ret = g_test_run ();
  ck_test_softhsm_teardown ();
  ck_test_remove_tree (tmpdir);
  g_free (tmpdir);
  return ret;
}
