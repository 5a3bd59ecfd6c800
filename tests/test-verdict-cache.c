/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The verdict cache against a real SQLite store: its verdicts are the
 * verifier's, certificate by certificate; a trust decision, an import and
 * a delete each start a new generation whose verdicts are computed again
 * (never an old one returned), and so does a CRL stored or replaced;
 * purposes are kept apart. Waits on the
 * cache's state, never on time. */
#include <string.h>

#include "certkeeper-core.h"
#include "ck-test-certs.h"
#include "ck-test-tools.h"

#define N_LEAVES 40

typedef struct {
  char           *dir;
  CkStore        *store;
  CkTrust        *trust;
  CkVerdictCache *cache;
  CkTestCa       *ca;
  gint64          ca_id;
  guint           added;   /* ids delivered through "verdicts-added" */
} Fixture;

static gint64
find_id (CkStore    *store,
         const char *pem)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CkCertificate) cert = ck_certificate_new_from_pem (pem, -1, &error);

  g_assert_no_error (error);
  return ck_store_find_certificate (store, ck_certificate_get_sha256_fingerprint (cert));
}

static void
added_cb (CkVerdictCache *cache,
          GArray         *ids,
          Fixture        *f)
{
  g_assert_cmpuint (ids->len, >, 0);
  /* Delivered on the main thread, looked up at once. */
  for (guint i = 0; i < ids->len; i++)
    g_assert_nonnull (ck_verdict_cache_lookup (cache, g_array_index (ids, gint64, i)));
  f->added += ids->len;
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GString) pem = g_string_new (NULL);
  g_autofree char *ca_pem = NULL;
  gnutls_x509_privkey_t key;

  f->dir = g_dir_make_tmp ("ck-verdicts-XXXXXX", &error);
  g_assert_no_error (error);
  f->store = ck_store_open (f->dir, &error);
  g_assert_no_error (error);
  f->trust = ck_trust_new (f->store, &error);
  g_assert_no_error (error);

  f->ca = ck_test_ca_new ("Verdict Root CA");
  ca_pem = ck_test_ca_get_pem (f->ca);
  g_string_append (pem, ca_pem);
  key = ck_test_key_new ();
  ck_test_ca_issue_many (f->ca, key, "leaf", 1, N_LEAVES, pem);
  gnutls_x509_privkey_deinit (key);
  ck_test_import_pem (f->store, pem->str);
  f->ca_id = find_id (f->store, ca_pem);
  g_assert_cmpint (f->ca_id, >, 0);

  f->cache = ck_verdict_cache_new (f->trust);
  g_signal_connect (f->cache, "verdicts-added", G_CALLBACK (added_cb), f);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->cache);
  g_clear_object (&f->trust);
  g_clear_object (&f->store);
  g_clear_pointer (&f->ca, ck_test_ca_free);
  ck_test_remove_tree (f->dir);
  g_free (f->dir);
}

static gboolean
cache_idle (gpointer data)
{
  return !ck_verdict_cache_is_busy (data);
}

/* Every certificate's cached verdict is what a fresh verifier on the GUI's
 * own connection says now: status, reason and anchor. */
static void
assert_equals_verifier (Fixture    *f,
                        const char *purpose)
{
  GListModel *rows = ck_store_get_certificates (f->store);
  g_autoptr(CkVerifier) verifier = ck_verifier_new (f->trust);
  guint done, total;

  ck_test_wait_until (cache_idle, f->cache);
  g_assert_cmpstr (ck_verdict_cache_get_purpose (f->cache), ==, purpose);
  ck_verdict_cache_get_progress (f->cache, &done, &total);
  g_assert_cmpuint (total, ==, g_list_model_get_n_items (rows));
  g_assert_cmpuint (done, ==, total);
  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(CkStoredCertificate) row = g_list_model_get_item (rows, i);
      gint64 id = ck_stored_certificate_get_id (row);
      CkVerification *cached = ck_verdict_cache_lookup (f->cache, id);
      g_autoptr(GError) error = NULL;
      CkVerification *expected = ck_verifier_verify_id (verifier, id, purpose, &error);

      g_assert_no_error (error);
      g_assert_nonnull (cached);
      g_assert_cmpstr (ck_verification_get_purpose (cached), ==, purpose);
      g_assert_cmpint (ck_verification_get_status (cached), ==,
                       ck_verification_get_status (expected));
      g_assert_cmpstr (ck_verification_get_reason (cached), ==,
                       ck_verification_get_reason (expected));
      g_assert_cmpstr (ck_verification_get_anchor_source (cached), ==,
                       ck_verification_get_anchor_source (expected));
    }
}

static CkVerifyStatus
status_of (Fixture *f,
           gint64   id)
{
  CkVerification *verification = ck_verdict_cache_lookup (f->cache, id);

  g_assert_nonnull (verification);
  return ck_verification_get_status (verification);
}

static void
test_equals_verifier (Fixture       *f,
                      gconstpointer  data)
{
  assert_equals_verifier (f, CK_PURPOSE_TLS_SERVER);
  g_assert_cmpint (status_of (f, f->ca_id), ==, CK_VERIFY_NOT_TRUSTED);
  /* Every verdict came through the signal, in batches. */
  g_assert_cmpuint (f->added, ==, N_LEAVES + 1);
}

/* A trust decision: the old verdicts are gone at once, the new ones are
 * the verifier's. */
static void
test_trust_decision (Fixture       *f,
                     gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  guint64 generation;

  assert_equals_verifier (f, CK_PURPOSE_TLS_SERVER);
  generation = ck_verdict_cache_get_generation (f->cache);

  g_assert_true (ck_trust_set (f->trust, f->ca_id, CK_PURPOSE_TLS_SERVER, CK_TRUST_TRUSTED, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ck_verdict_cache_get_generation (f->cache), >, generation);
  /* Not "Not trusted" from before: nothing until computed again. */
  g_assert_null (ck_verdict_cache_lookup (f->cache, f->ca_id));
  g_assert_true (ck_verdict_cache_is_busy (f->cache));
  assert_equals_verifier (f, CK_PURPOSE_TLS_SERVER);
  g_assert_cmpint (status_of (f, f->ca_id), ==, CK_VERIFY_TRUSTED);

  generation = ck_verdict_cache_get_generation (f->cache);
  g_assert_true (ck_trust_set (f->trust, f->ca_id, CK_PURPOSE_ALL, CK_TRUST_DISTRUSTED, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ck_verdict_cache_get_generation (f->cache), >, generation);
  assert_equals_verifier (f, CK_PURPOSE_TLS_SERVER);
  g_assert_cmpint (status_of (f, f->ca_id), ==, CK_VERIFY_DISTRUSTED);
}

/* An import that completes a chain, then a delete that breaks it. */
static void
test_import_and_delete (Fixture       *f,
                        gconstpointer  data)
{
  g_autoptr(CkTestCa) other = ck_test_ca_new ("Other Root CA");
  g_autofree char *other_pem = ck_test_ca_get_pem (other);
  g_autofree char *leaf_pem = NULL;
  gnutls_x509_privkey_t key = ck_test_key_new ();
  g_autoptr(GError) error = NULL;
  guint64 generation;
  gint64 leaf_id, other_id;

  leaf_pem = ck_test_ca_issue (other, key, "orphan", 7);
  gnutls_x509_privkey_deinit (key);
  assert_equals_verifier (f, CK_PURPOSE_TLS_SERVER);

  /* The leaf alone: its issuer is unknown. */
  generation = ck_verdict_cache_get_generation (f->cache);
  ck_test_import_pem (f->store, leaf_pem);
  g_assert_cmpuint (ck_verdict_cache_get_generation (f->cache), >, generation);
  leaf_id = find_id (f->store, leaf_pem);
  assert_equals_verifier (f, CK_PURPOSE_TLS_SERVER);
  g_assert_cmpint (status_of (f, leaf_id), ==, CK_VERIFY_ISSUER_UNKNOWN);

  /* Its CA arrives: the chain ends at a root nobody trusts. */
  generation = ck_verdict_cache_get_generation (f->cache);
  ck_test_import_pem (f->store, other_pem);
  g_assert_cmpuint (ck_verdict_cache_get_generation (f->cache), >, generation);
  other_id = find_id (f->store, other_pem);
  assert_equals_verifier (f, CK_PURPOSE_TLS_SERVER);
  g_assert_cmpint (status_of (f, leaf_id), ==, CK_VERIFY_NOT_TRUSTED);

  /* Trusted through it, then the CA is deleted: unknown again. */
  g_assert_true (ck_trust_set (f->trust, other_id, CK_PURPOSE_TLS_SERVER, CK_TRUST_TRUSTED, &error));
  g_assert_no_error (error);
  assert_equals_verifier (f, CK_PURPOSE_TLS_SERVER);
  g_assert_cmpint (status_of (f, leaf_id), ==, CK_VERIFY_TRUSTED);
  generation = ck_verdict_cache_get_generation (f->cache);
  g_assert_true (ck_store_delete (f->store, other_id, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ck_verdict_cache_get_generation (f->cache), >, generation);
  g_assert_null (ck_verdict_cache_lookup (f->cache, leaf_id));
  assert_equals_verifier (f, CK_PURPOSE_TLS_SERVER);
  g_assert_cmpint (status_of (f, leaf_id), ==, CK_VERIFY_ISSUER_UNKNOWN);
  g_assert_null (ck_verdict_cache_lookup (f->cache, other_id));
}

/* Each purpose has its own verdicts; going back to one already computed
 * for this generation needs no work. */
static void
test_purposes (Fixture       *f,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  guint64 generation;

  g_assert_true (ck_trust_set (f->trust, f->ca_id, CK_PURPOSE_TLS_SERVER, CK_TRUST_TRUSTED, &error));
  g_assert_no_error (error);
  assert_equals_verifier (f, CK_PURPOSE_TLS_SERVER);
  generation = ck_verdict_cache_get_generation (f->cache);

  ck_verdict_cache_set_purpose (f->cache, CK_PURPOSE_EMAIL);
  g_assert_cmpuint (ck_verdict_cache_get_generation (f->cache), ==, generation);
  g_assert_true (ck_verdict_cache_is_busy (f->cache));
  assert_equals_verifier (f, CK_PURPOSE_EMAIL);
  g_assert_cmpint (status_of (f, f->ca_id), ==, CK_VERIFY_NOT_TRUSTED);

  ck_verdict_cache_set_purpose (f->cache, CK_PURPOSE_TLS_SERVER);
  g_assert_false (ck_verdict_cache_is_busy (f->cache));
  g_assert_cmpint (status_of (f, f->ca_id), ==, CK_VERIFY_TRUSTED);
  assert_equals_verifier (f, CK_PURPOSE_TLS_SERVER);
}

/* A purpose changed while the worker is at another: the results of the
 * overtaken job never land under the new one. */
static void
test_overtaken (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr(GError) error = NULL;

  g_assert_true (ck_trust_set (f->trust, f->ca_id, CK_PURPOSE_EMAIL, CK_TRUST_TRUSTED, &error));
  g_assert_no_error (error);
  /* No waiting: TLS server was being computed. */
  ck_verdict_cache_set_purpose (f->cache, CK_PURPOSE_EMAIL);
  ck_verdict_cache_set_purpose (f->cache, CK_PURPOSE_TLS_CLIENT);
  ck_verdict_cache_set_purpose (f->cache, CK_PURPOSE_EMAIL);
  assert_equals_verifier (f, CK_PURPOSE_EMAIL);
  g_assert_cmpint (status_of (f, f->ca_id), ==, CK_VERIFY_TRUSTED);
  ck_verdict_cache_set_purpose (f->cache, CK_PURPOSE_TLS_SERVER);
  assert_equals_verifier (f, CK_PURPOSE_TLS_SERVER);
  g_assert_cmpint (status_of (f, f->ca_id), ==, CK_VERIFY_NOT_TRUSTED);
}

/* The ids of the certificates whose cached verdict is revoked. */
static GArray *
revoked_ids (Fixture *f)
{
  GListModel *rows = ck_store_get_certificates (f->store);
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(CkStoredCertificate) row = g_list_model_get_item (rows, i);
      gint64 id = ck_stored_certificate_get_id (row);

      if (status_of (f, id) == CK_VERIFY_REVOKED)
        g_array_append_val (ids, id);
    }
  return ids;
}

/* A CRL stored through CkRevocationStore revoking a leaf whose verdict is
 * cached: a new generation, the leaf's verdict says revoked. A newer CRL
 * of the CA, imported as a file, that no longer lists it: good again. */
static void
test_crl (Fixture       *f,
          gconstpointer  data)
{
  const guint64 three[] = { 3 };
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  g_autoptr(CkRevocationStore) revocations = ck_revocation_store_new (f->store);
  g_autoptr(GBytes) der = ck_test_ca_crl (f->ca, three, 1, now - 60, now + 86400, 1);
  g_autoptr(GBytes) newer = ck_test_ca_crl (f->ca, NULL, 0, now - 30, now + 86400, 2);
  g_autoptr(CkCrl) crl = NULL;
  g_autoptr(CkImporter) importer = ck_importer_new (f->store);
  CkStoredCertificate *row;
  g_autoptr(GArray) revoked = NULL;
  g_autoptr(GError) error = NULL;
  CkCrlAddResult result;
  guint64 generation;
  gint64 leaf_id;

  g_assert_true (ck_trust_set (f->trust, f->ca_id, CK_PURPOSE_TLS_SERVER, CK_TRUST_TRUSTED, &error));
  g_assert_no_error (error);
  assert_equals_verifier (f, CK_PURPOSE_TLS_SERVER);
  revoked = revoked_ids (f);
  g_assert_cmpuint (revoked->len, ==, 0);
  g_clear_pointer (&revoked, g_array_unref);

  generation = ck_verdict_cache_get_generation (f->cache);
  crl = ck_crl_new_from_der (der, &error);
  g_assert_no_error (error);
  g_assert_true (ck_revocation_store_add_crl (revocations, crl, "ca.crl", &result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (result, ==, CK_CRL_ADDED);
  /* On this (the store's) thread the signal came within the call. */
  g_assert_cmpuint (ck_verdict_cache_get_generation (f->cache), >, generation);
  g_assert_true (ck_verdict_cache_is_busy (f->cache));
  assert_equals_verifier (f, CK_PURPOSE_TLS_SERVER);
  revoked = revoked_ids (f);
  g_assert_cmpuint (revoked->len, ==, 1);
  leaf_id = g_array_index (revoked, gint64, 0);
  row = ck_store_get_certificate_row (f->store, leaf_id);
  g_assert_nonnull (row);
  g_assert_cmpstr (ck_stored_certificate_get_serial (row), ==, "03");
  g_assert_cmpint (status_of (f, f->ca_id), ==, CK_VERIFY_TRUSTED);

  /* The same CRL again changes nothing: no new generation. */
  generation = ck_verdict_cache_get_generation (f->cache);
  g_assert_true (ck_revocation_store_add_crl (revocations, crl, "ca.crl", &result, &error));
  g_assert_cmpint (result, ==, CK_CRL_SAME);
  g_assert_cmpuint (ck_verdict_cache_get_generation (f->cache), ==, generation);

  /* Replaced by an import of a newer CRL. */
  ck_importer_add_bytes (importer, newer, "newer.crl");
  g_assert_true (ck_store_commit (f->store, ck_importer_get_plan (importer), NULL,
                                  CK_COMMIT_NO_KEY_PASSPHRASE, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (ck_verdict_cache_get_generation (f->cache), >, generation);
  g_assert_null (ck_verdict_cache_lookup (f->cache, leaf_id));
  assert_equals_verifier (f, CK_PURPOSE_TLS_SERVER);
  g_assert_cmpint (status_of (f, leaf_id), ==, CK_VERIFY_TRUSTED);
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  ck_core_init ();

#define ADD(name, func) \
  g_test_add (name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/verdict-cache/equals-verifier", test_equals_verifier);
  ADD ("/verdict-cache/trust-decision", test_trust_decision);
  ADD ("/verdict-cache/import-and-delete", test_import_and_delete);
  ADD ("/verdict-cache/purposes", test_purposes);
  ADD ("/verdict-cache/overtaken", test_overtaken);
  ADD ("/verdict-cache/crl", test_crl);
#undef ADD

  return g_test_run ();
}
