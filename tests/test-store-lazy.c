/* SPDX-License-Identifier: GPL-3.0-or-later */
/* A store opened with CK_STORE_OPEN_LAZY (the CLI's one-object commands)
 * answers every lookup as a fully opened one does, without filling its
 * list models; asking for a model fills it; its own changes reach the
 * rows it fetched and the verifier's caches. */
#include <string.h>
#include <sys/stat.h>

#include <glib/gstdio.h>

#include "certkeeper-core.h"
#include "ck-store-private.h"
#include "ck-test-certs.h"
#include "ck-test-tools.h"

typedef struct {
  char *dir;
  CkStore *full;
  CkStore *lazy;
  GArray *ids;        /* every object id, both stores agree */
  gint64 ca_id;
  gint64 leaf_id;     /* issued by the CA, its key stored */
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CkTestCa) ca = ck_test_ca_new ("Lazy Test CA");
  gnutls_x509_privkey_t key = ck_test_key_new ();
  gnutls_x509_privkey_t other_key = ck_test_key_new ();
  gnutls_x509_privkey_t request_key = ck_test_key_new ();
  g_autoptr (GString) pem = g_string_new (NULL);
  g_autofree char *ca_pem = ck_test_ca_get_pem (ca);
  g_autofree char *leaf = ck_test_ca_issue (ca, key, "leaf.example.test", 7);
  g_autofree char *key_pem = ck_test_key_to_pem (key);
  g_autofree char *pending = ck_test_request_new (request_key, "pending.example.test");
  g_autofree char *issued = ck_test_request_new (other_key, "other.example.test");
  g_autoptr (CkTrust) trust = NULL;
  g_autoptr (GArray) cas = NULL;
  GListModel *models[3];

  f->dir = g_dir_make_tmp ("ck-store-lazy-XXXXXX", &error);
  g_assert_no_error (error);
  f->full = ck_store_open (f->dir, &error);
  g_assert_no_error (error);

  /* The CA, a leaf with its key, two more leaves for one other key, a
   * request for that key (stored as issued) and a pending one. */
  g_string_append (pem, ca_pem);
  g_string_append (pem, leaf);
  g_string_append (pem, key_pem);
  g_string_append (pem, issued);
  ck_test_ca_issue_many (ca, other_key, "other", 100, 2, pem);
  g_string_append (pem, pending);
  ck_test_import_pem (f->full, pem->str);

  cas = ck_store_find_certificates_by_subject (f->full, "CN=Lazy Test CA");
  g_assert_cmpuint (cas->len, ==, 1);
  f->ca_id = g_array_index (cas, gint64, 0);
  trust = ck_trust_new (f->full, &error);
  g_assert_no_error (error);
  g_assert_true (ck_trust_set (trust, f->ca_id, CK_PURPOSE_TLS_SERVER, CK_TRUST_TRUSTED,
                               &error));
  g_assert_no_error (error);

  f->ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  models[0] = ck_store_get_certificates (f->full);
  models[1] = ck_store_get_keys (f->full);
  models[2] = ck_store_get_requests (f->full);
  for (guint m = 0; m < G_N_ELEMENTS (models); m++)
    for (guint i = 0; i < g_list_model_get_n_items (models[m]); i++)
      {
        g_autoptr (GObject) row = g_list_model_get_item (models[m], i);
        gint64 id = m == 0 ? ck_stored_certificate_get_id (CK_STORED_CERTIFICATE (row))
                  : m == 1 ? ck_stored_key_get_id (CK_STORED_KEY (row))
                  : ck_stored_request_get_id (CK_STORED_REQUEST (row));

        g_array_append_val (f->ids, id);
        if (m == 0 && g_strcmp0 (ck_stored_certificate_get_display_name (CK_STORED_CERTIFICATE (row)),
                                 "leaf.example.test") == 0)
          f->leaf_id = id;
      }
  /* Four certificates, one key, two requests. */
  g_assert_cmpuint (f->ids->len, ==, 4 + 1 + 2);
  g_assert_cmpint (f->leaf_id, >, 0);

  f->lazy = ck_store_open_full (f->dir, CK_STORE_OPEN_LAZY, &error);
  g_assert_no_error (error);
  g_assert_nonnull (f->lazy);

  gnutls_x509_privkey_deinit (key);
  gnutls_x509_privkey_deinit (other_key);
  gnutls_x509_privkey_deinit (request_key);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->lazy);
  g_clear_object (&f->full);
  g_clear_pointer (&f->ids, g_array_unref);
  ck_test_remove_tree (f->dir);
  g_free (f->dir);
}

static void
assert_same_ids (GArray *a,
                 GArray *b)
{
  g_assert_cmpuint (a->len, ==, b->len);
  for (guint i = 0; i < a->len; i++)
    g_assert_cmpint (g_array_index (a, gint64, i), ==, g_array_index (b, gint64, i));
  g_array_unref (a);
  g_array_unref (b);
}

static void
assert_models_empty (CkStore *store)
{
  /* Peeking does not fill: a lazy store's model stays empty until asked. */
  g_assert_cmpuint (g_list_model_get_n_items (ck_store_peek_certificates (store)), ==, 0);
}

static void
assert_same_resolve (Fixture    *f,
                     const char *ref)
{
  g_autoptr (GError) full_error = NULL;
  g_autoptr (GError) lazy_error = NULL;
  CkObjectKind full_kind = CK_OBJECT_NONE, lazy_kind = CK_OBJECT_NONE;
  gint64 full_id = 0, lazy_id = 0;
  gboolean full_ok = ck_store_resolve (f->full, ref, &full_kind, &full_id, &full_error);
  gboolean lazy_ok = ck_store_resolve (f->lazy, ref, &lazy_kind, &lazy_id, &lazy_error);

  g_assert_cmpint (full_ok, ==, lazy_ok);
  g_assert_cmpint (full_kind, ==, lazy_kind);
  g_assert_cmpint (full_id, ==, lazy_id);
  if (!full_ok)
    g_assert_cmpstr (full_error->message, ==, lazy_error->message);
}

static void
test_lookups (Fixture       *f,
              gconstpointer  data)
{
  assert_models_empty (f->lazy);

  for (guint i = 0; i < f->ids->len; i++)
    {
      gint64 id = g_array_index (f->ids, gint64, i);
      g_autofree char *id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
      CkObjectKind kind = ck_store_get_kind (f->full, id);

      g_assert_cmpint (kind, ==, ck_store_get_kind (f->lazy, id));
      assert_same_resolve (f, id_text);

      /* A row of another kind is NULL in both, whatever was fetched. */
      g_assert_true ((ck_store_get_certificate_row (f->full, id) == NULL) ==
                     (ck_store_get_certificate_row (f->lazy, id) == NULL));
      g_assert_true ((ck_store_get_key_row (f->full, id) == NULL) ==
                     (ck_store_get_key_row (f->lazy, id) == NULL));
      g_assert_true ((ck_store_get_request_row (f->full, id) == NULL) ==
                     (ck_store_get_request_row (f->lazy, id) == NULL));

      if (kind == CK_OBJECT_CERTIFICATE)
        {
          CkStoredCertificate *a = ck_store_get_certificate_row (f->full, id);
          CkStoredCertificate *b = ck_store_get_certificate_row (f->lazy, id);
          const char *sha256 = ck_stored_certificate_get_sha256 (a);
          const char *spki = ck_stored_certificate_get_spki_sha256 (a);
          g_autofree char *prefix = g_strndup (sha256, 12);
          g_autoptr (CkCertificate) ca = ck_store_load_certificate (f->full, id, NULL);
          g_autoptr (CkCertificate) cb = ck_store_load_certificate (f->lazy, id, NULL);

          /* Transfer none, and the same object every time. */
          g_assert_true (b == ck_store_get_certificate_row (f->lazy, id));
          g_assert_cmpstr (ck_stored_certificate_get_display_name (a), ==,
                           ck_stored_certificate_get_display_name (b));
          g_assert_cmpstr (sha256, ==, ck_stored_certificate_get_sha256 (b));
          g_assert_cmpstr (spki, ==, ck_stored_certificate_get_spki_sha256 (b));
          g_assert_cmpstr (ck_stored_certificate_get_subject (a), ==,
                           ck_stored_certificate_get_subject (b));
          g_assert_cmpint (ck_stored_certificate_get_has_key (a), ==,
                           ck_stored_certificate_get_has_key (b));
          g_assert_cmpint (ck_store_find_certificate (f->lazy, sha256), ==, id);
          assert_same_resolve (f, prefix);
          assert_same_ids (ck_store_find_certificates_for_key (f->full, spki),
                           ck_store_find_certificates_for_key (f->lazy, spki));
          assert_same_ids (ck_store_find_certificates_by_subject (f->full,
                                                                  ck_stored_certificate_get_subject (a)),
                           ck_store_find_certificates_by_subject (f->lazy,
                                                                  ck_stored_certificate_get_subject (a)));
          assert_same_ids (ck_store_find_requests_for_certificate (f->full, id),
                           ck_store_find_requests_for_certificate (f->lazy, id));
          g_assert_nonnull (ca);
          g_assert_true (ck_certificate_equal (ca, cb));
        }
      else if (kind == CK_OBJECT_KEY)
        {
          CkStoredKey *a = ck_store_get_key_row (f->full, id);
          CkStoredKey *b = ck_store_get_key_row (f->lazy, id);
          const char *spki = ck_stored_key_get_spki_sha256 (a);

          g_assert_cmpstr (ck_stored_key_get_display_name (a), ==,
                           ck_stored_key_get_display_name (b));
          g_assert_cmpstr (spki, ==, ck_stored_key_get_spki_sha256 (b));
          g_assert_cmpint (ck_store_find_key (f->lazy, spki), ==, id);
          assert_same_ids (ck_store_find_requests_for_key (f->full, spki),
                           ck_store_find_requests_for_key (f->lazy, spki));
        }
      else
        {
          CkStoredRequest *a = ck_store_get_request_row (f->full, id);
          CkStoredRequest *b = ck_store_get_request_row (f->lazy, id);

          g_assert_cmpint (kind, ==, CK_OBJECT_REQUEST);
          g_assert_cmpstr (ck_stored_request_get_sha256 (a), ==, ck_stored_request_get_sha256 (b));
          g_assert_cmpint (ck_stored_request_get_status (a), ==, ck_stored_request_get_status (b));
          g_assert_cmpint (ck_stored_request_get_certificate_id (a), ==,
                           ck_stored_request_get_certificate_id (b));
          g_assert_cmpint (ck_store_find_request (f->lazy, ck_stored_request_get_sha256 (a)), ==, id);
          assert_same_ids (ck_store_find_requests_for_key (f->full, ck_stored_request_get_spki_sha256 (a)),
                           ck_store_find_requests_for_key (f->lazy, ck_stored_request_get_spki_sha256 (a)));
        }
    }

  /* Absent and ambiguous references fail the same way. */
  assert_same_resolve (f, "999999");
  assert_same_resolve (f, "ffffffffffff");
  assert_same_resolve (f, "zz");
  g_assert_null (ck_store_get_certificate_row (f->lazy, 999999));

  /* None of that filled a model. */
  assert_models_empty (f->lazy);
}

static void
test_verify_and_chain (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CkTrust) full_trust = ck_trust_new (f->full, &error);
  g_autoptr (CkTrust) lazy_trust = ck_trust_new (f->lazy, &error);
  g_autoptr (CkVerifier) full_verifier = ck_verifier_new (full_trust);
  g_autoptr (CkVerifier) lazy_verifier = ck_verifier_new (lazy_trust);
  g_autoptr (CkVerification) leaf = NULL;

  g_assert_no_error (error);
  for (guint i = 0; i < f->ids->len; i++)
    {
      gint64 id = g_array_index (f->ids, gint64, i);
      g_autoptr (CkVerification) a = NULL;
      g_autoptr (CkVerification) b = NULL;
      g_autoptr (CkCertificate) cert = NULL;
      g_autoptr (GPtrArray) chain_a = NULL;
      g_autoptr (GPtrArray) chain_b = NULL;
      gboolean complete_a = FALSE, complete_b = FALSE;
      const char * const *names_a;
      const char * const *names_b;

      if (ck_store_get_kind (f->full, id) != CK_OBJECT_CERTIFICATE)
        continue;
      a = ck_verifier_verify_id (full_verifier, id, CK_PURPOSE_TLS_SERVER, &error);
      g_assert_no_error (error);
      b = ck_verifier_verify_id (lazy_verifier, id, CK_PURPOSE_TLS_SERVER, &error);
      g_assert_no_error (error);
      g_assert_cmpint (ck_verification_get_status (a), ==, ck_verification_get_status (b));
      g_assert_cmpstr (ck_verification_get_reason (a), ==, ck_verification_get_reason (b));
      names_a = ck_verification_get_chain (a);
      names_b = ck_verification_get_chain (b);
      g_assert_cmpuint (names_a ? g_strv_length ((char **) names_a) : 0, ==,
                        names_b ? g_strv_length ((char **) names_b) : 0);
      for (guint j = 0; names_a != NULL && names_a[j] != NULL; j++)
        g_assert_cmpstr (names_a[j], ==, names_b[j]);

      cert = ck_store_load_certificate (f->lazy, id, &error);
      g_assert_no_error (error);
      chain_a = ck_export_collect_chain (f->full, cert, &complete_a);
      chain_b = ck_export_collect_chain (f->lazy, cert, &complete_b);
      g_assert_cmpint (complete_a, ==, complete_b);
      g_assert_cmpuint (chain_a->len, ==, chain_b->len);
      for (guint j = 0; j < chain_a->len; j++)
        g_assert_true (ck_certificate_equal (chain_a->pdata[j], chain_b->pdata[j]));
      if (id == f->leaf_id)
        {
          g_assert_true (complete_b);
          g_assert_cmpuint (chain_b->len, ==, 2);
        }
    }

  /* The test means something: the leaf's chain ends at the trusted CA. */
  leaf = ck_verifier_verify_id (lazy_verifier, f->leaf_id, CK_PURPOSE_TLS_SERVER, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ck_verification_get_status (leaf), ==, CK_VERIFY_TRUSTED);
  assert_models_empty (f->lazy);
}

static void
test_changes (Fixture       *f,
              gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CkTrust) trust = ck_trust_new (f->lazy, &error);
  g_autoptr (CkVerifier) verifier = ck_verifier_new (trust);
  g_autoptr (CkVerification) before = NULL;
  g_autoptr (CkVerification) after = NULL;
  CkStoredCertificate *row;
  GListModel *model;

  g_assert_no_error (error);
  before = ck_verifier_verify_id (verifier, f->leaf_id, CK_PURPOSE_TLS_SERVER, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ck_verification_get_status (before), ==, CK_VERIFY_TRUSTED);

  /* A label set through the lazy store reaches the row it fetched. */
  row = ck_store_get_certificate_row (f->lazy, f->leaf_id);
  g_assert_nonnull (row);
  g_assert_true (ck_store_set_label (f->lazy, f->leaf_id, "Lazy label", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (ck_stored_certificate_get_label (row), ==, "Lazy label");

  /* Deleting the CA breaks the leaf's chain: the verifier hears of it
   * although the model is empty, and the deleted row is gone. */
  g_assert_nonnull (ck_store_get_certificate_row (f->lazy, f->ca_id));
  g_assert_true (ck_store_delete (f->lazy, f->ca_id, &error));
  g_assert_no_error (error);
  g_assert_null (ck_store_get_certificate_row (f->lazy, f->ca_id));
  after = ck_verifier_verify_id (verifier, f->leaf_id, CK_PURPOSE_TLS_SERVER, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ck_verification_get_status (after), !=, CK_VERIFY_TRUSTED);
  assert_models_empty (f->lazy);

  /* Asking for a model fills all three, as a full open would. */
  model = ck_store_get_certificates (f->lazy);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 3);
  g_assert_cmpuint (g_list_model_get_n_items (ck_store_get_keys (f->lazy)), ==, 1);
  g_assert_cmpuint (g_list_model_get_n_items (ck_store_get_requests (f->lazy)), ==, 2);
  g_assert_cmpstr (ck_stored_certificate_get_label (ck_store_get_certificate_row (f->lazy, f->leaf_id)),
                   ==, "Lazy label");
  g_assert_null (ck_store_get_certificate_row (f->lazy, f->ca_id));
}

static char *
read_record (Fixture *f)
{
  g_autofree char *path = g_build_filename (f->dir, "store.db-checked", NULL);
  char *text = NULL;

  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  return text;
}

/* A lazy open checks the whole file once per state of the files: the
 * record of the last good check is kept, and a write makes the next lazy
 * open check (and record) again. */
static void
test_integrity_record (Fixture       *f,
                       gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CkTestCa) ca = ck_test_ca_new ("Another CA");
  g_autofree char *pem = ck_test_ca_get_pem (ca);
  g_autofree char *path = g_build_filename (f->dir, "store.db-checked", NULL);
  g_autofree char *first = NULL;
  g_autofree char *again = NULL;
  g_autofree char *after_write = NULL;
  struct stat st;

  /* With every connection closed the WAL is gone: a lazy open checks and
   * records, 0600. */
  g_clear_object (&f->lazy);
  g_clear_object (&f->full);
  f->lazy = ck_store_open_full (f->dir, CK_STORE_OPEN_LAZY, &error);
  g_assert_no_error (error);
  first = read_record (f);
  g_assert_true (g_str_has_prefix (first, "certkeeper-quick-check 1\n"));
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  /* Unchanged files: the record stands. */
  g_clear_object (&f->lazy);
  f->lazy = ck_store_open_full (f->dir, CK_STORE_OPEN_LAZY, &error);
  g_assert_no_error (error);
  again = read_record (f);
  g_assert_cmpstr (again, ==, first);

  /* A write (a CLI import, say) changes the files: the next lazy open
   * checks and records anew. */
  g_clear_object (&f->lazy);
  f->full = ck_store_open (f->dir, &error);
  g_assert_no_error (error);
  ck_test_import_pem (f->full, pem);
  g_clear_object (&f->full);
  f->lazy = ck_store_open_full (f->dir, CK_STORE_OPEN_LAZY, &error);
  g_assert_no_error (error);
  after_write = read_record (f);
  g_assert_cmpstr (after_write, !=, first);
  g_assert_true (g_str_has_prefix (after_write, "certkeeper-quick-check 1\n"));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

#define ADD(path, func) \
  g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/store/lazy/lookups", test_lookups);
  ADD ("/store/lazy/verify-and-chain", test_verify_and_chain);
  ADD ("/store/lazy/changes", test_changes);
  ADD ("/store/lazy/integrity-record", test_integrity_record);
#undef ADD

  return g_test_run ();
}
