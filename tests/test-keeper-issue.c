/* SPDX-License-Identifier: GPL-3.0-or-later */
/* CkKeeper's issuing actions: self-signing, signing a request, revoking and
 * writing a CRL, each in one store transaction with nothing left behind
 * when it fails. Real stores in temporary directories; "unchanged" is
 * checked row by row over every table (ck_test_dump_tables()), so a key
 * added and taken out again, a spent id or a spent CRL number is caught.
 * openssl, when installed, judges the certificates and the CRL. */

#include <string.h>

#include <glib/gstdio.h>

#include "certkeeper-core.h"
#include "ck-test-certs.h"
#include "ck-test-tools.h"

#define PASSPHRASE "correct horse battery staple"

typedef struct {
  char     *dir;
  CkStore  *store;
  CkKeeper *keeper;
} Fixture;

static void
fixture_setup (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  f->dir = g_dir_make_tmp ("ck-test-keeper-issue-XXXXXX", &error);
  g_assert_no_error (error);
  f->store = ck_store_open (f->dir, &error);
  g_assert_no_error (error);
  f->keeper = ck_keeper_new (f->store);
}

static void
fixture_teardown (Fixture       *f,
                  gconstpointer  data)
{
  g_clear_object (&f->keeper);
  g_clear_object (&f->store);
  ck_test_remove_tree (f->dir);
  g_free (f->dir);
}

static char *
dump (Fixture *f)
{
  return ck_test_dump_tables (ck_store_get_path (f->store));
}

static void
assert_store_is (Fixture    *f,
                 const char *before)
{
  g_autofree char *now = dump (f);

  g_assert_cmpstr (now, ==, before);
}

static CkKeeperKeyChoice
new_key (CkKeyType   type,
         guint       bits,
         const char *curve)
{
  CkKeeperKeyChoice key = {
    .source = CK_KEEPER_KEY_NEW,
    .spec = { type, bits, curve },
    .label = "issued key",
    .passphrase = PASSPHRASE,
  };

  return key;
}

/* Contents with @profile applied, for a self-signed certificate. */
static CkCertificateBuilder *
self_signed_builder (const char           *subject,
                     const char           *san,
                     CkCertificateProfile  profile)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CkRequestBuilder) contents = ck_request_builder_new ();

  if (subject != NULL)
    g_assert_true (ck_request_builder_add_subject_string (contents, subject, &error));
  g_assert_no_error (error);
  if (san != NULL)
    g_assert_true (ck_request_builder_add_san_string (contents, san, &error));
  g_assert_no_error (error);
  ck_request_builder_set_key_info (contents, GNUTLS_PK_ECDSA, 256);
  ck_certificate_profile_apply (profile, contents);
  return ck_certificate_builder_new_self_signed (contents);
}

/* A sink that keeps what it was given, or fails as a full disk would. */
typedef struct {
  gboolean      fail;
  GCancellable *cancel;     /* cancelled from inside the sink */
  guint         calls;
  GBytes       *der;
  char         *pem;
} Sink;

static gboolean
sink_write (GBytes      *der,
            const char  *pem,
            gpointer     user_data,
            GError     **error)
{
  Sink *sink = user_data;

  sink->calls++;
  if (sink->cancel != NULL)
    g_cancellable_cancel (sink->cancel);
  if (sink->fail)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE, "No space left on device");
      return FALSE;
    }
  g_clear_pointer (&sink->der, g_bytes_unref);
  g_free (sink->pem);
  sink->der = g_bytes_ref (der);
  sink->pem = g_strdup (pem);
  return TRUE;
}

static void
sink_clear (Sink *sink)
{
  g_clear_pointer (&sink->der, g_bytes_unref);
  g_clear_pointer (&sink->pem, g_free);
}

/* openssl as the oracle (meson passes CK_OPENSSL); without it the test
 * says it was skipped rather than pass unjudged. */
static gboolean
have_openssl (void)
{
  if (g_getenv ("CK_OPENSSL") != NULL)
    return TRUE;
  g_test_skip ("openssl is not installed: the certificates were not verified");
  return FALSE;
}

static char *
write_temp (Fixture    *f,
            const char *name,
            const char *text)
{
  g_autoptr(GError) error = NULL;
  char *path = g_build_filename (f->dir, name, NULL);

  g_assert_true (g_file_set_contents (path, text, -1, &error));
  g_assert_no_error (error);
  return path;
}

/* openssl verify -CAfile @ca_pem @cert_pem (-crl_check with @crl_pem). */
static gboolean
openssl_verifies (Fixture    *f,
                  const char *ca_pem,
                  const char *cert_pem,
                  const char *crl_pem)
{
  g_autofree char *ca = write_temp (f, "ca.pem", ca_pem);
  g_autofree char *cert = write_temp (f, "cert.pem", cert_pem);
  g_autofree char *crl = crl_pem != NULL ? write_temp (f, "crl.pem", crl_pem) : NULL;
  g_autofree char *out = NULL;

  if (crl != NULL)
    {
      const char *argv[] = { g_getenv ("CK_OPENSSL"), "verify", "-CAfile", ca, "-crl_check", "-CRLfile", crl,
                             cert, NULL };
      out = ck_test_run_tool (argv);
    }
  else
    {
      const char *argv[] = { g_getenv ("CK_OPENSSL"), "verify", "-CAfile", ca, cert, NULL };
      out = ck_test_run_tool (argv);
    }
  return out != NULL && strstr (out, ": OK") != NULL;
}

/* A root CA made through the keeper: its id, and its PEM in *@pem. */
static gint64
make_root (Fixture  *f,
           char    **pem)
{
  g_autoptr(CkCertificateBuilder) builder =
    self_signed_builder ("CN=Keeper Issue Root,O=Certkeeper Tests", NULL,
                         CK_CERTIFICATE_PROFILE_ROOT_CA);
  g_autoptr(CkKeeperIssued) root = NULL;
  g_autoptr(GError) error = NULL;
  CkKeeperKeyChoice key = new_key (CK_KEY_TYPE_ECDSA, 0, "P-256");

  root = ck_keeper_self_sign (f->keeper, builder, &key, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ck_certificate_is_ca (root->certificate));
  if (pem != NULL)
    *pem = ck_certificate_to_pem (root->certificate);
  return root->certificate_id;
}

/* A pending request of this store, made through the keeper. */
static CkRequest *
make_pending_request (Fixture    *f,
                      const char *cn,
                      gboolean    ask_ca,
                      gint64     *request_id)
{
  g_autoptr(CkRequestBuilder) builder = ck_request_builder_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *subject = g_strdup_printf ("CN=%s", cn);
  g_autofree char *san = g_strdup_printf ("DNS:%s", cn);
  CkKeeperKeyChoice key = new_key (CK_KEY_TYPE_ECDSA, 0, "P-256");
  CkKeeperRequestResult made = { 0, };
  CkRequest *request;

  g_assert_true (ck_request_builder_add_subject_string (builder, subject, &error));
  g_assert_true (ck_request_builder_add_san_string (builder, san, &error));
  g_assert_no_error (error);
  ck_request_builder_set_key_info (builder, GNUTLS_PK_ECDSA, 256);
  if (ask_ca)
    {
      ck_request_builder_set_basic_constraints (builder, TRUE, TRUE, -1, TRUE);
      ck_request_builder_set_key_usage (builder, GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN,
                                        TRUE);
    }
  request = ck_keeper_create_request (f->keeper, builder, &key, NULL, NULL, NULL, &made, &error);
  g_assert_no_error (error);
  *request_id = made.request_id;
  return request;
}

/* --- Self-signed ------------------------------------------------------- */

static void
test_self_sign_new_key (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(CkCertificateBuilder) builder =
    self_signed_builder ("CN=lab.keeper.test", "DNS:lab.keeper.test",
                         CK_CERTIFICATE_PROFILE_TLS_SERVER);
  g_autoptr(CkKeeperIssued) issued = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(CkPrivateKey) loaded = NULL;
  g_autoptr(GError) error = NULL;
  CkKeeperKeyChoice key = new_key (CK_KEY_TYPE_ECDSA, 0, "P-256");
  CkStoredCertificate *row;
  Sink sink = { 0, };
  gboolean warned = FALSE;

  /* Longer than any CA/Browser Forum limit: made, with the warning. */
  ck_certificate_builder_set_days (builder, 500);
  ck_keeper_self_sign_async (f->keeper, builder, &key, sink_write, &sink, NULL,
                             ck_test_store_result, &result);
  /* The keeper works on its copy. */
  ck_certificate_builder_set_days (builder, 1);
  issued = ck_keeper_self_sign_finish (f->keeper, ck_test_wait_for_result (&result), &error);
  g_assert_no_error (error);
  g_assert_nonnull (issued);

  g_assert_cmpuint (sink.calls, ==, 1);
  g_assert_true (g_bytes_equal (sink.der, ck_certificate_get_der (issued->certificate)));
  g_assert_true (g_str_has_prefix (sink.pem, "-----BEGIN CERTIFICATE-----"));
  g_assert_cmpint (ck_certificate_get_not_after (issued->certificate) -
                   ck_certificate_get_not_before (issued->certificate), >=, 499 * 86400);

  g_assert_true (issued->key_added);
  g_assert_cmpint (issued->key_id, >, 0);
  g_assert_cmpint (issued->certificate_id, >, issued->key_id);
  g_assert_cmpint (issued->issuer_id, ==, 0);
  g_assert_cmpuint (issued->issued_requests->len, ==, 0);
  /* In the models at once, with its key. */
  row = ck_store_get_certificate_row (f->store, issued->certificate_id);
  g_assert_nonnull (row);
  g_assert_true (ck_stored_certificate_get_has_key (row));
  g_assert_cmpstr (ck_stored_key_get_label (ck_store_get_key_row (f->store, issued->key_id)), ==,
                   "issued key");
  loaded = ck_store_load_private_key (f->store, issued->key_id, PASSPHRASE, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ck_private_key_get_spki_sha256 (loaded), ==,
                   ck_certificate_get_spki_sha256 (issued->certificate));

  for (guint i = 0; i < issued->findings->len; i++)
    {
      CkRequestFinding *finding = issued->findings->pdata[i];

      g_assert_cmpint (finding->severity, !=, CK_FINDING_ERROR);
      if (strstr (finding->message, "SC-081") != NULL &&
          strstr (finding->message, "at most") != NULL)
        warned = TRUE;
    }
  g_assert_true (warned);

  if (have_openssl ())
    g_assert_true (openssl_verifies (f, sink.pem, sink.pem, NULL));
  sink_clear (&sink);
}

/* Every way the action can fail leaves the store as it was: no key, no
 * certificate, no spent id. */
static void
test_self_sign_failures (Fixture       *f,
                         gconstpointer  data)
{
  g_autoptr(CkCertificateBuilder) builder =
    self_signed_builder ("CN=fail.keeper.test", NULL, CK_CERTIFICATE_PROFILE_ROOT_CA);
  g_autoptr(CkCertificateBuilder) empty =
    self_signed_builder (NULL, NULL, CK_CERTIFICATE_PROFILE_TLS_SERVER);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(CkKeeperIssued) issued = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = dump (f);
  CkKeeperKeyChoice key = new_key (CK_KEY_TYPE_ECDSA, 0, "P-384");
  Sink failing = { .fail = TRUE };
  Sink cancelling = { .cancel = cancellable };

  /* The output cannot be written. */
  issued = ck_keeper_self_sign (f->keeper, builder, &key, sink_write, &failing, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
  g_assert_null (issued);
  g_assert_cmpuint (failing.calls, ==, 1);
  assert_store_is (f, before);
  g_clear_error (&error);

  /* Errors of the checks: nothing made, not even the key. */
  issued = ck_keeper_self_sign (f->keeper, empty, &key, sink_write, &failing, NULL, &error);
  g_assert_error (error, CK_ERROR, CK_ERROR_INVALID);
  g_assert_cmpuint (failing.calls, ==, 1);
  assert_store_is (f, before);
  g_clear_error (&error);

  /* A bad serial is an error too. */
  {
    const guint8 negative[] = { 0x80, 0x01 };
    g_autoptr(GBytes) serial = g_bytes_new (negative, sizeof negative);

    ck_certificate_builder_set_serial (builder, serial);
    issued = ck_keeper_self_sign (f->keeper, builder, &key, NULL, NULL, NULL, &error);
    g_assert_error (error, CK_ERROR, CK_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "positive"));
    assert_store_is (f, before);
    g_clear_error (&error);
    ck_certificate_builder_set_serial (builder, NULL);
  }

  /* No passphrase and no choice to go without one. */
  key.passphrase = NULL;
  issued = ck_keeper_self_sign (f->keeper, builder, &key, NULL, NULL, NULL, &error);
  g_assert_error (error, CK_ERROR, CK_ERROR_PASSWORD_REQUIRED);
  assert_store_is (f, before);
  g_clear_error (&error);
  key.passphrase = PASSPHRASE;

  /* Cancelled after signing, as the sink is reached: the sink is not
   * called, everything is rolled back. */
  issued = ck_keeper_self_sign (f->keeper, builder, &key, sink_write, &cancelling, cancellable,
                                &error);
  g_assert_no_error (error);
  g_assert_nonnull (issued);
  g_assert_cmpuint (cancelling.calls, ==, 1);
  g_clear_pointer (&issued, ck_keeper_issued_free);
  sink_clear (&cancelling);
  g_free (before);
  before = dump (f);

  /* Already cancelled: nothing is tried. */
  issued = ck_keeper_self_sign (f->keeper, builder, &key, sink_write, &cancelling, cancellable,
                                &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_cmpuint (cancelling.calls, ==, 1);
  assert_store_is (f, before);
}

/* RSA 8192 takes up to a minute: cancelled, the action answers at once
 * and the store is as it was. */
static void
test_self_sign_cancel_generation (Fixture       *f,
                                  gconstpointer  data)
{
  g_autoptr(CkCertificateBuilder) builder =
    self_signed_builder ("CN=slow.keeper.test", NULL, CK_CERTIFICATE_PROFILE_ROOT_CA);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(CkKeeperIssued) issued = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = dump (f);
  CkKeeperKeyChoice key = new_key (CK_KEY_TYPE_RSA, 8192, NULL);
  Sink sink = { 0, };

  ck_keeper_self_sign_async (f->keeper, builder, &key, sink_write, &sink, cancellable,
                             ck_test_store_result, &result);
  g_cancellable_cancel (cancellable);
  issued = ck_keeper_self_sign_finish (f->keeper, ck_test_wait_for_result (&result), &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_assert_null (issued);
  g_assert_cmpuint (sink.calls, ==, 0);
  assert_store_is (f, before);
}

/* A stored key gets its certificate; a pending request for it is issued
 * by it, and where they differ, the difference is reported. */
static void
test_self_sign_stored_key (Fixture       *f,
                           gconstpointer  data)
{
  g_autoptr(CkCertificateBuilder) builder =
    self_signed_builder ("CN=other.keeper.test", NULL, CK_CERTIFICATE_PROFILE_TLS_CLIENT);
  g_autoptr(CkKeeperIssued) issued = NULL;
  g_autoptr(CkRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  CkKeeperKeyChoice key = { .source = CK_KEEPER_KEY_STORED, .passphrase = PASSPHRASE };
  CkStoredRequest *row;
  gint64 request_id = 0;

  request = make_pending_request (f, "mine.keeper.test", FALSE, &request_id);
  key.key_id = ck_store_find_key (f->store, ck_request_get_spki_sha256 (request));
  g_assert_cmpint (key.key_id, >, 0);

  issued = ck_keeper_self_sign (f->keeper, builder, &key, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (issued->key_added);
  g_assert_cmpint (issued->key_id, ==, key.key_id);
  g_assert_cmpuint (issued->issued_requests->len, ==, 1);
  g_assert_cmpint (g_array_index (issued->issued_requests, gint64, 0), ==, request_id);
  row = ck_store_get_request_row (f->store, request_id);
  g_assert_cmpint (ck_stored_request_get_status (row), ==, CK_REQUEST_STATUS_ISSUED);
  g_assert_cmpint (ck_stored_request_get_certificate_id (row), ==, issued->certificate_id);
  /* The subject and the SAN differ from the request's. */
  g_assert_cmpuint (issued->differences->len, ==, 1);
  g_assert_nonnull (strstr (issued->differences->pdata[0], "differs"));
  g_assert_nonnull (strstr (issued->differences->pdata[0], "mine.keeper.test"));

  /* A wrong passphrase unlocks nothing and stores nothing. */
  {
    g_autofree char *before = dump (f);
    g_autoptr(CkKeeperIssued) again = NULL;

    key.passphrase = "wrong";
    again = ck_keeper_self_sign (f->keeper, builder, &key, NULL, NULL, NULL, &error);
    g_assert_error (error, CK_ERROR, CK_ERROR_BAD_PASSWORD);
    assert_store_is (f, before);
  }
}

/* --- Signing requests -------------------------------------------------- */

static void
test_sign_pending_request (Fixture       *f,
                           gconstpointer  data)
{
  g_autofree char *root_pem = NULL;
  gint64 root_id = make_root (f, &root_pem);
  g_autoptr(CkCa) ca = NULL;
  g_autoptr(CkCertificateBuilder) builder = NULL;
  g_autoptr(CkKeeperIssued) issued = NULL;
  g_autoptr(CkRequest) request = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *cert_path = g_build_filename (f->dir, "leaf.pem", NULL);
  g_autofree char *written = NULL;
  CkKeeperSigner signer = { .ca_id = root_id, .passphrase = PASSPHRASE };
  CkKeeperFileOutput output = { .path = cert_path };
  CkStoredRequest *row;
  gint64 request_id = 0;

  request = make_pending_request (f, "www.keeper.test", FALSE, &request_id);
  builder = ck_certificate_builder_new_for_request (request);
  ck_certificate_builder_set_profile (builder, CK_CERTIFICATE_PROFILE_TLS_CLIENT);
  /* The SAN is not kept: a difference to report. */
  g_assert_true (ck_certificate_builder_set_keep_extensions (builder, "none", &error));
  ck_certificate_builder_set_days (builder, 90);
  ck_certificate_builder_set_crl_url (builder, "http://crl.keeper.test/root.crl");

  ck_keeper_sign_request_async (f->keeper, builder, &signer, ck_keeper_file_sink, &output, NULL,
                                ck_test_store_result, &result);
  issued = ck_keeper_sign_request_finish (f->keeper, ck_test_wait_for_result (&result), &error);
  g_assert_no_error (error);
  g_assert_cmpint (issued->issuer_id, ==, root_id);
  g_assert_cmpint (issued->request_id, ==, request_id);
  g_assert_false (issued->key_added);
  g_assert_cmpint (issued->key_id, ==, ck_store_find_key (f->store, ck_request_get_spki_sha256 (request)));
  g_assert_false (ck_certificate_is_ca (issued->certificate));
  {
    g_autoptr(CkCertificate) root = ck_store_load_certificate (f->store, root_id, NULL);

    g_assert_true (ck_certificate_is_issued_by (issued->certificate, root));
  }

  row = ck_store_get_request_row (f->store, request_id);
  g_assert_cmpint (ck_stored_request_get_status (row), ==, CK_REQUEST_STATUS_ISSUED);
  g_assert_cmpuint (issued->differences->len, ==, 1);
  g_assert_nonnull (strstr (issued->differences->pdata[0], "www.keeper.test"));

  /* Linked to its CA. */
  ca = ck_ca_new (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ck_ca_find_issuer (ca, issued->certificate_id, &error), ==, root_id);

  written = ck_test_read_text (cert_path, NULL);
  if (have_openssl ())
    g_assert_true (openssl_verifies (f, root_pem, written, NULL));
}

/* Refusals: nothing stored, the request stays pending. */
static void
test_sign_refused (Fixture       *f,
                   gconstpointer  data)
{
  gint64 root_id = make_root (f, NULL);
  g_autoptr(CkCertificateBuilder) builder = NULL;
  g_autoptr(CkKeeperIssued) issued = NULL;
  g_autoptr(CkRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  CkKeeperSigner signer = { .ca_id = root_id, .passphrase = PASSPHRASE };
  Sink failing = { .fail = TRUE };
  gint64 request_id = 0, leaf_id;

  request = make_pending_request (f, "refused.keeper.test", FALSE, &request_id);
  before = dump (f);

  /* The output cannot be written. */
  builder = ck_certificate_builder_new_for_request (request);
  issued = ck_keeper_sign_request (f->keeper, builder, &signer, sink_write, &failing, NULL, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
  assert_store_is (f, before);
  g_clear_error (&error);

  /* The CA's passphrase is wrong. */
  signer.passphrase = "wrong";
  issued = ck_keeper_sign_request (f->keeper, builder, &signer, NULL, NULL, NULL, &error);
  g_assert_error (error, CK_ERROR, CK_ERROR_BAD_PASSWORD);
  assert_store_is (f, before);
  g_clear_error (&error);
  signer.passphrase = PASSPHRASE;

  /* A signature that does not verify: the last octet of the DER is in
   * the signature. */
  {
    gsize len;
    const guint8 *der = g_bytes_get_data (ck_request_get_der (request), &len);
    g_autofree guint8 *copy = g_memdup2 (der, len);
    g_autoptr(GBytes) bad_der = NULL;
    g_autoptr(CkRequest) bad = NULL;
    g_autoptr(CkCertificateBuilder) bad_builder = NULL;

    copy[len - 1] ^= 0x01;
    bad_der = g_bytes_new (copy, len);
    bad = ck_request_new_from_der (bad_der, &error);
    g_assert_no_error (error);
    bad_builder = ck_certificate_builder_new_for_request (bad);
    issued = ck_keeper_sign_request (f->keeper, bad_builder, &signer, NULL, NULL, NULL, &error);
    g_assert_error (error, CK_ERROR, CK_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "signature"));
    assert_store_is (f, before);
    g_clear_error (&error);
  }

  /* A leaf is no CA: no keyCertSign, CA:FALSE. */
  {
    g_autoptr(CkCertificateBuilder) leaf_builder =
      self_signed_builder ("CN=leaf.keeper.test", "DNS:leaf.keeper.test",
                           CK_CERTIFICATE_PROFILE_TLS_SERVER);
    g_autoptr(CkKeeperIssued) leaf = NULL;
    CkKeeperKeyChoice key = new_key (CK_KEY_TYPE_ECDSA, 0, "P-256");

    ck_certificate_builder_set_days (leaf_builder, 30);
    leaf = ck_keeper_self_sign (f->keeper, leaf_builder, &key, NULL, NULL, NULL, &error);
    g_assert_no_error (error);
    leaf_id = leaf->certificate_id;
    g_free (before);
    before = dump (f);
  }
  signer.ca_id = leaf_id;
  issued = ck_keeper_sign_request (f->keeper, builder, &signer, NULL, NULL, NULL, &error);
  g_assert_error (error, CK_ERROR, CK_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "not a CA certificate"));
  assert_store_is (f, before);
  g_clear_error (&error);

  /* CA:TRUE without keyCertSign, as another tool might make one (the
   * keeper's own checks would not): refused as issuer. */
  {
    g_autoptr(CkCertificateBuilder) odd_builder =
      self_signed_builder ("CN=No keyCertSign CA", NULL, CK_CERTIFICATE_PROFILE_ROOT_CA);
    g_autoptr(CkRequestBuilder) contents = ck_certificate_builder_get_contents (odd_builder);
    g_autoptr(CkCertificateBuilder) odd_self = NULL;
    g_autoptr(CkCertificate) odd = NULL;
    g_autoptr(CkPrivateKey) odd_key = NULL;
    g_autoptr(CkCa) ca = ck_ca_new (f->store, &error);
    CkKeySpec spec = { CK_KEY_TYPE_ECDSA, 0, "P-256" };
    gint64 odd_id = 0;

    g_assert_no_error (error);
    ck_request_builder_set_key_usage (contents, GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_CRL_SIGN,
                                      TRUE);
    odd_self = ck_certificate_builder_new_self_signed (contents);
    odd_key = ck_key_generate (&spec, NULL, &error);
    g_assert_no_error (error);
    odd = ck_certificate_builder_self_sign (odd_self, odd_key, CK_BUILD_IGNORE_FINDINGS, &error);
    g_assert_no_error (error);
    g_assert_true (ck_certificate_is_ca (odd));
    g_assert_true (ck_store_add_key (f->store, odd_key, NULL, PASSPHRASE, CK_COMMIT_NONE, NULL,
                                     &error));
    g_assert_true (ck_ca_add_issued (ca, odd, 0, &odd_id, NULL, &error));
    g_assert_no_error (error);
    g_free (before);
    before = dump (f);

    signer.ca_id = odd_id;
    issued = ck_keeper_sign_request (f->keeper, builder, &signer, NULL, NULL, NULL, &error);
    g_assert_error (error, CK_ERROR, CK_ERROR_INVALID);
    g_assert_nonnull (strstr (error->message, "keyCertSign"));
    assert_store_is (f, before);
    g_clear_error (&error);
  }

  /* Not a certificate at all. */
  signer.ca_id = request_id;
  issued = ck_keeper_sign_request (f->keeper, builder, &signer, NULL, NULL, NULL, &error);
  g_assert_error (error, CK_ERROR, CK_ERROR_NOT_FOUND);
  assert_store_is (f, before);
  g_clear_error (&error);

  g_assert_cmpint (ck_stored_request_get_status (ck_store_get_request_row (f->store, request_id)), ==,
                   CK_REQUEST_STATUS_PENDING);
}

/* A request that asks for CA:TRUE gets a leaf unless basicConstraints is
 * kept by name. */
static void
test_sign_ca_request (Fixture       *f,
                      gconstpointer  data)
{
  gint64 root_id = make_root (f, NULL);
  g_autoptr(CkCertificateBuilder) builder = NULL;
  g_autoptr(CkKeeperIssued) leaf = NULL;
  g_autoptr(CkKeeperIssued) sub = NULL;
  g_autoptr(CkRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  CkKeeperSigner signer = { .ca_id = root_id, .passphrase = PASSPHRASE };
  gboolean warned = FALSE;
  gint64 request_id = 0;

  request = make_pending_request (f, "wants-ca.keeper.test", TRUE, &request_id);
  builder = ck_certificate_builder_new_for_request (request);
  g_assert_true (ck_certificate_builder_set_keep_extensions (builder, "all", &error));
  leaf = ck_keeper_sign_request (f->keeper, builder, &signer, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_false (ck_certificate_is_ca (leaf->certificate));
  /* The request asked for more than it got. */
  g_assert_cmpuint (leaf->differences->len, ==, 1);

  g_assert_true (ck_certificate_builder_set_keep_extensions (builder, "basicConstraints,keyUsage",
                                                             &error));
  sub = ck_keeper_sign_request (f->keeper, builder, &signer, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ck_certificate_is_ca (sub->certificate));
  for (guint i = 0; i < sub->findings->len; i++)
    if (g_str_equal (((CkRequestFinding *) sub->findings->pdata[i])->field, "basicConstraints"))
      warned = TRUE;
  g_assert_true (warned);
}

/* --- Revocation and CRLs ----------------------------------------------- */

static void
test_revoke_and_crl (Fixture       *f,
                     gconstpointer  data)
{
  g_autofree char *root_pem = NULL;
  gint64 root_id = make_root (f, &root_pem);
  g_autoptr(CkCertificateBuilder) revoked_builder = NULL;
  g_autoptr(CkCertificateBuilder) kept_builder = NULL;
  g_autoptr(CkKeeperIssued) revoked = NULL;
  g_autoptr(CkKeeperIssued) kept = NULL;
  g_autoptr(CkRequest) request1 = NULL;
  g_autoptr(CkRequest) request2 = NULL;
  g_autoptr(GAsyncResult) result = NULL;
  g_autoptr(GBytes) crl = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *before = NULL;
  CkKeeperSigner signer = { .ca_id = root_id, .passphrase = PASSPHRASE };
  Sink failing = { .fail = TRUE };
  Sink sink = { 0, };
  gint64 id1 = 0, id2 = 0, issuer_id = 0;
  guint64 number = 0;

  request1 = make_pending_request (f, "revoked.keeper.test", FALSE, &id1);
  request2 = make_pending_request (f, "kept.keeper.test", FALSE, &id2);
  revoked_builder = ck_certificate_builder_new_for_request (request1);
  kept_builder = ck_certificate_builder_new_for_request (request2);
  ck_certificate_builder_set_profile (revoked_builder, CK_CERTIFICATE_PROFILE_TLS_SERVER);
  ck_certificate_builder_set_profile (kept_builder, CK_CERTIFICATE_PROFILE_TLS_SERVER);
  g_assert_true (ck_certificate_builder_set_keep_extensions (revoked_builder, "san", &error));
  g_assert_true (ck_certificate_builder_set_keep_extensions (kept_builder, "san", &error));
  revoked = ck_keeper_sign_request (f->keeper, revoked_builder, &signer, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  kept = ck_keeper_sign_request (f->keeper, kept_builder, &signer, NULL, NULL, NULL, &error);
  g_assert_no_error (error);

  ck_keeper_revoke_async (f->keeper, revoked->certificate_id, CK_REVOCATION_KEY_COMPROMISE, 0,
                          NULL, ck_test_store_result, &result);
  g_assert_true (ck_keeper_revoke_finish (f->keeper, ck_test_wait_for_result (&result), &issuer_id,
                                          &error));
  g_assert_no_error (error);
  g_assert_cmpint (issuer_id, ==, root_id);
  g_clear_object (&result);
  /* Twice is refused; the root was issued by nobody here. */
  g_assert_false (ck_keeper_revoke (f->keeper, revoked->certificate_id, CK_REVOCATION_SUPERSEDED, 0,
                                    NULL, NULL, &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_EXISTS);
  g_clear_error (&error);
  g_assert_false (ck_keeper_revoke (f->keeper, root_id, CK_REVOCATION_SUPERSEDED, 0, NULL, NULL,
                                    &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* A CRL that cannot be written spends no number. */
  before = dump (f);
  crl = ck_keeper_write_crl (f->keeper, &signer, 7 * 86400, GNUTLS_DIG_UNKNOWN, sink_write,
                             &failing, NULL, &number, &error);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
  g_assert_null (crl);
  g_assert_cmpuint (number, ==, 0);
  assert_store_is (f, before);
  g_clear_error (&error);

  ck_keeper_write_crl_async (f->keeper, &signer, 7 * 86400, GNUTLS_DIG_UNKNOWN, sink_write, &sink,
                             NULL, ck_test_store_result, &result);
  crl = ck_keeper_write_crl_finish (f->keeper, ck_test_wait_for_result (&result), &number, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (number, ==, 1);
  g_assert_true (g_bytes_equal (crl, sink.der));
  g_assert_true (g_str_has_prefix (sink.pem, "-----BEGIN X509 CRL-----"));
  g_clear_pointer (&crl, g_bytes_unref);

  if (have_openssl ())
    {
      g_autofree char *revoked_pem = ck_certificate_to_pem (revoked->certificate);
      g_autofree char *kept_pem = ck_certificate_to_pem (kept->certificate);

      g_assert_false (openssl_verifies (f, root_pem, revoked_pem, sink.pem));
      g_assert_true (openssl_verifies (f, root_pem, kept_pem, sink.pem));
    }

  crl = ck_keeper_write_crl (f->keeper, &signer, 86400, GNUTLS_DIG_SHA384, NULL, NULL, NULL,
                             &number, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (number, ==, 2);
  sink_clear (&sink);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  ck_core_init ();

  g_test_add ("/keeper-issue/self-sign/new-key", Fixture, NULL,
              fixture_setup, test_self_sign_new_key, fixture_teardown);
  g_test_add ("/keeper-issue/self-sign/failures", Fixture, NULL,
              fixture_setup, test_self_sign_failures, fixture_teardown);
  g_test_add ("/keeper-issue/self-sign/cancel-generation", Fixture, NULL,
              fixture_setup, test_self_sign_cancel_generation, fixture_teardown);
  g_test_add ("/keeper-issue/self-sign/stored-key", Fixture, NULL,
              fixture_setup, test_self_sign_stored_key, fixture_teardown);
  g_test_add ("/keeper-issue/sign/pending-request", Fixture, NULL,
              fixture_setup, test_sign_pending_request, fixture_teardown);
  g_test_add ("/keeper-issue/sign/refused", Fixture, NULL,
              fixture_setup, test_sign_refused, fixture_teardown);
  g_test_add ("/keeper-issue/sign/ca-request", Fixture, NULL,
              fixture_setup, test_sign_ca_request, fixture_teardown);
  g_test_add ("/keeper-issue/revoke-and-crl", Fixture, NULL,
              fixture_setup, test_revoke_and_crl, fixture_teardown);
  return g_test_run ();
}
