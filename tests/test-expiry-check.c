/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The expiry watch against real SQLite stores: what is due at a given
 * "now" within a window, where its key is, which request is in flight,
 * and the per-certificate watch setting. "now" is a parameter of the core,
 * so no clock is moved here (the CLI test does that with faketime). */
#include <string.h>

#include "certkeeper-core.h"
#include "ck-store-private.h"
#include "ck-test-certs.h"
#include "ck-test-tools.h"

#define DAY (G_GINT64_CONSTANT (24) * 60 * 60)

typedef struct {
  char          *dir;
  CkStore       *store;
  CkExpiryCheck *check;
  CkTestCa      *ca;
  gint64         ca_id;
  gint64         keyed_id;     /* leaf whose key is in the store */
  gint64         unkeyed_id;   /* leaf whose key is not */
  gint64         not_after;    /* of both leaves (same second or so) */
  char          *rekey_pem;    /* a request for the keyed leaf's own key */
} Fixture;

static gint64
find_by_cn (CkStore    *store,
            const char *cn)
{
  GListModel *model = ck_store_get_certificates (store);

  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr (CkStoredCertificate) row = g_list_model_get_item (model, i);

      if (g_str_equal (ck_stored_certificate_get_display_name (row), cn))
        return ck_stored_certificate_get_id (row);
    }
  g_assert_not_reached ();
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  gnutls_x509_privkey_t keyed = ck_test_key_new ();
  gnutls_x509_privkey_t unkeyed = ck_test_key_new ();
  g_autofree char *ca_pem = NULL;
  g_autofree char *keyed_pem = NULL;
  g_autofree char *key_pem = NULL;
  g_autofree char *unkeyed_pem = NULL;

  f->dir = g_dir_make_tmp ("ck-expiry-XXXXXX", &error);
  g_assert_no_error (error);
  f->store = ck_store_open (f->dir, &error);
  g_assert_no_error (error);
  f->check = ck_expiry_check_new (f->store, &error);
  g_assert_no_error (error);

  f->ca = ck_test_ca_new ("Expiry Root");
  ca_pem = ck_test_ca_get_pem (f->ca);
  keyed_pem = ck_test_ca_issue (f->ca, keyed, "keyed.example", 1);
  key_pem = ck_test_key_to_pem (keyed);
  f->rekey_pem = ck_test_request_new (keyed, "keyed.example");
  unkeyed_pem = ck_test_ca_issue (f->ca, unkeyed, "unkeyed.example", 2);
  ck_test_import_pem (f->store, ca_pem);
  ck_test_import_pem (f->store, keyed_pem);
  ck_test_import_pem (f->store, key_pem);
  ck_test_import_pem (f->store, unkeyed_pem);
  gnutls_x509_privkey_deinit (keyed);
  gnutls_x509_privkey_deinit (unkeyed);

  f->ca_id = find_by_cn (f->store, "Expiry Root");
  f->keyed_id = find_by_cn (f->store, "keyed.example");
  f->unkeyed_id = find_by_cn (f->store, "unkeyed.example");
  f->not_after = ck_stored_certificate_get_not_after (ck_store_get_certificate_row (f->store,
                                                                                   f->keyed_id));
  g_assert_true (ck_stored_certificate_get_has_key (ck_store_get_certificate_row (f->store,
                                                                                 f->keyed_id)));
  g_assert_false (ck_stored_certificate_get_has_key (ck_store_get_certificate_row (f->store,
                                                                                  f->unkeyed_id)));
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->check);
  g_clear_object (&f->store);
  g_clear_pointer (&f->ca, ck_test_ca_free);
  g_free (f->rekey_pem);
  ck_test_remove_tree (f->dir);
  g_free (f->dir);
}

static GPtrArray *
run (Fixture            *f,
     gint64              now,
     guint               days,
     CkExpiryCheckFlags  flags)
{
  g_autoptr (GError) error = NULL;
  GPtrArray *items = ck_expiry_check_run (f->check, now, days, flags, &error);

  g_assert_no_error (error);
  g_assert_nonnull (items);
  return items;
}

static CkExpiryItem *
find_item (GPtrArray *items,
           gint64     id)
{
  for (guint i = 0; i < items->len; i++)
    {
      CkExpiryItem *item = g_ptr_array_index (items, i);

      if (ck_stored_certificate_get_id (item->certificate) == id)
        return item;
    }
  return NULL;
}

/* The window's edges: due exactly DAYS days before not_after, not a second
 * earlier; expired only after not_after (RFC 5280: valid through it). */
static void
test_window (Fixture       *f,
             gconstpointer  data)
{
  g_autoptr (GPtrArray) early = run (f, f->not_after - 30 * DAY - 1, 30, CK_EXPIRY_CHECK_NONE);
  g_autoptr (GPtrArray) edge = run (f, f->not_after - 30 * DAY, 30, CK_EXPIRY_CHECK_NONE);
  g_autoptr (GPtrArray) last = run (f, f->not_after, 30, CK_EXPIRY_CHECK_NONE);
  g_autoptr (GPtrArray) after = run (f, f->not_after + 1, 0, CK_EXPIRY_CHECK_NONE);
  g_autoptr (GPtrArray) later = run (f, f->not_after + 36 * 60 * 60, 0, CK_EXPIRY_CHECK_NONE);
  CkExpiryItem *item;

  g_assert_cmpuint (early->len, ==, 0);

  g_assert_cmpuint (edge->len, ==, 1);
  item = g_ptr_array_index (edge, 0);
  g_assert_cmpint (ck_stored_certificate_get_id (item->certificate), ==, f->keyed_id);
  g_assert_false (item->expired);
  g_assert_true (item->watched);
  g_assert_cmpint (item->days_left, ==, 30);
  g_assert_cmpint (item->seconds_left, ==, 30 * DAY);
  g_assert_cmpint (item->key_location, ==, CK_KEY_LOCATION_STORE);
  g_assert_nonnull (item->key);
  g_assert_cmpstr (ck_stored_key_get_spki_sha256 (item->key), ==,
                   ck_stored_certificate_get_spki_sha256 (item->certificate));
  g_assert_null (item->token_label);
  g_assert_null (item->request);

  item = g_ptr_array_index (last, 0);
  g_assert_false (item->expired);
  g_assert_cmpint (item->days_left, ==, 0);

  g_assert_cmpuint (after->len, ==, 1);
  item = g_ptr_array_index (after, 0);
  g_assert_true (item->expired);
  g_assert_cmpint (item->seconds_left, ==, -1);
  g_assert_cmpint (item->days_left, ==, 0);

  item = g_ptr_array_index (later, 0);
  g_assert_true (item->expired);
  g_assert_cmpint (item->days_left, ==, -1);
}

/* Without a key, a certificate (a CA root, someone else's leaf) is only
 * listed with CK_EXPIRY_CHECK_ALL, marked as not watched. */
static void
test_unkeyed_only_with_all (Fixture       *f,
                            gconstpointer  data)
{
  gint64 now = f->not_after - 10 * DAY;
  g_autoptr (GPtrArray) watched = run (f, now, 30, CK_EXPIRY_CHECK_NONE);
  g_autoptr (GPtrArray) all = run (f, now, 30, CK_EXPIRY_CHECK_ALL);
  CkExpiryItem *item;

  g_assert_cmpuint (watched->len, ==, 1);
  g_assert_nonnull (find_item (watched, f->keyed_id));
  g_assert_null (find_item (watched, f->unkeyed_id));

  item = find_item (all, f->unkeyed_id);
  g_assert_nonnull (item);
  g_assert_false (item->watched);
  g_assert_cmpint (item->key_location, ==, CK_KEY_LOCATION_NONE);
  g_assert_null (item->key);
  g_assert_true (find_item (all, f->keyed_id)->watched);
}

/* Sorted soonest first: the CA (valid longer) comes after the leaves. */
static void
test_sorted_soonest_first (Fixture       *f,
                           gconstpointer  data)
{
  gint64 ca_not_after = ck_stored_certificate_get_not_after (ck_store_get_certificate_row (f->store,
                                                                                          f->ca_id));
  g_autoptr (GPtrArray) all = run (f, MAX (ca_not_after, f->not_after) + DAY, 0,
                                   CK_EXPIRY_CHECK_ALL);

  g_assert_cmpuint (all->len, ==, 3);
  for (guint i = 1; i < all->len; i++)
    {
      CkExpiryItem *a = g_ptr_array_index (all, i - 1);
      CkExpiryItem *b = g_ptr_array_index (all, i);

      g_assert_cmpint (ck_stored_certificate_get_not_after (a->certificate), <=,
                       ck_stored_certificate_get_not_after (b->certificate));
    }
}

/* A pending request for the same subject (a new key) or the same key is
 * the renewal in flight; the newest wins; an issued request does not count. */
static void
test_pending_request (Fixture       *f,
                      gconstpointer  data)
{
  gnutls_x509_privkey_t new_key = ck_test_key_new ();
  gnutls_x509_privkey_t other_key = ck_test_key_new ();
  g_autofree char *renewal = ck_test_request_new (new_key, "keyed.example");
  g_autofree char *unrelated = ck_test_request_new (other_key, "other.example");
  gint64 now = f->not_after - 10 * DAY;
  g_autoptr (GPtrArray) before = run (f, now, 30, CK_EXPIRY_CHECK_ALL);
  g_autoptr (GPtrArray) after = NULL;
  CkExpiryItem *item;
  GListModel *requests;
  gint64 renewal_id = 0;

  g_assert_null (find_item (before, f->keyed_id)->request);

  ck_test_import_pem (f->store, unrelated);
  ck_test_import_pem (f->store, renewal);
  requests = ck_store_get_requests (f->store);
  g_assert_cmpuint (g_list_model_get_n_items (requests), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr (CkStoredRequest) row = g_list_model_get_item (requests, i);

      g_assert_cmpint (ck_stored_request_get_status (row), ==, CK_REQUEST_STATUS_PENDING);
      if (g_str_equal (ck_stored_request_get_display_name (row), "keyed.example"))
        renewal_id = ck_stored_request_get_id (row);
    }
  g_assert_cmpint (renewal_id, >, 0);

  after = run (f, now, 30, CK_EXPIRY_CHECK_ALL);
  item = find_item (after, f->keyed_id);
  g_assert_nonnull (item->request);
  g_assert_cmpint (ck_stored_request_get_id (item->request), ==, renewal_id);
  g_assert_null (find_item (after, f->unkeyed_id)->request);
  g_clear_pointer (&after, g_ptr_array_unref);

  /* A later request for the certificate's own key (a renewal keeping the
   * key, added as pending) is the newer one. */
  {
    g_autoptr (GError) error = NULL;
    g_autoptr (CkRequest) rekey = ck_request_new_from_pem (f->rekey_pem, -1, &error);
    gint64 rekey_id;

    g_assert_no_error (error);
    rekey_id = ck_store_add_request (f->store, rekey, NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpint (rekey_id, >, renewal_id);
    g_assert_cmpint (ck_stored_request_get_status (ck_store_get_request_row (f->store, rekey_id)),
                     ==, CK_REQUEST_STATUS_PENDING);
    after = run (f, now, 30, CK_EXPIRY_CHECK_NONE);
    item = find_item (after, f->keyed_id);
    g_assert_nonnull (item->request);
    g_assert_cmpint (ck_stored_request_get_id (item->request), ==, rekey_id);
  }

  gnutls_x509_privkey_deinit (new_key);
  gnutls_x509_privkey_deinit (other_key);
}

/* A key recorded by its PKCS#11 URI: on a token, named by the URI's token
 * label, without the token being present. */
static void
test_token_key (Fixture       *f,
                gconstpointer  data)
{
  CkStoredCertificate *row = ck_store_get_certificate_row (f->store, f->unkeyed_id);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) items = NULL;
  g_autofree char *sql = NULL;
  CkExpiryItem *item;

  sql = g_strdup_printf ("INSERT INTO objects (kind) VALUES ('key');"
                         "INSERT INTO keys (id, spki_sha256, algorithm, bits, imported_at, "
                         "encrypted, pkcs11_uri) VALUES (last_insert_rowid(), '%s', 'ECDSA', "
                         "256, 0, 1, 'pkcs11:model=SoftHSM%%20v2;token=Expiry%%20Token;"
                         "object=k;type=private');",
                         ck_stored_certificate_get_spki_sha256 (row));
  ck_store_lock (f->store);
  g_assert_cmpint (sqlite3_exec (ck_store_get_db (f->store), sql, NULL, NULL, NULL), ==,
                   SQLITE_OK);
  ck_store_unlock (f->store);
  g_assert_true (ck_store_reload (f->store, &error));
  g_assert_no_error (error);

  items = run (f, f->not_after - DAY, 30, CK_EXPIRY_CHECK_NONE);
  item = find_item (items, f->unkeyed_id);
  g_assert_nonnull (item);
  g_assert_true (item->watched);
  g_assert_cmpint (item->key_location, ==, CK_KEY_LOCATION_TOKEN);
  g_assert_cmpstr (item->token_label, ==, "Expiry Token");
  g_assert_cmpint (find_item (items, f->keyed_id)->key_location, ==, CK_KEY_LOCATION_STORE);
}

/* "off" silences a keyed certificate, "on" watches one without a key,
 * "default" forgets; the setting goes with its certificate. */
static void
test_watch_setting (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CkExpiryCheck) reopened = NULL;
  g_autoptr (GPtrArray) items = NULL;
  gint64 now = f->not_after - DAY;

  g_assert_cmpint (ck_expiry_check_get_watch (f->check, f->keyed_id), ==, CK_EXPIRY_WATCH_DEFAULT);
  g_assert_true (ck_expiry_check_set_watch (f->check, f->keyed_id, CK_EXPIRY_WATCH_OFF, &error));
  g_assert_no_error (error);
  g_assert_true (ck_expiry_check_set_watch (f->check, f->unkeyed_id, CK_EXPIRY_WATCH_ON, &error));
  g_assert_no_error (error);

  items = run (f, now, 30, CK_EXPIRY_CHECK_NONE);
  g_assert_cmpuint (items->len, ==, 1);
  g_assert_nonnull (find_item (items, f->unkeyed_id));
  g_assert_cmpint (find_item (items, f->unkeyed_id)->watch, ==, CK_EXPIRY_WATCH_ON);
  g_clear_pointer (&items, g_ptr_array_unref);

  /* --all still shows the silenced one, as not watched. */
  items = run (f, now, 30, CK_EXPIRY_CHECK_ALL);
  g_assert_false (find_item (items, f->keyed_id)->watched);
  g_assert_cmpint (find_item (items, f->keyed_id)->watch, ==, CK_EXPIRY_WATCH_OFF);
  g_clear_pointer (&items, g_ptr_array_unref);

  /* Kept in the store: a second CkExpiryCheck (another process) sees it. */
  reopened = ck_expiry_check_new (f->store, &error);
  g_assert_no_error (error);
  g_assert_cmpint (ck_expiry_check_get_watch (reopened, f->keyed_id), ==, CK_EXPIRY_WATCH_OFF);

  g_assert_true (ck_expiry_check_set_watch (f->check, f->keyed_id, CK_EXPIRY_WATCH_DEFAULT, &error));
  g_assert_no_error (error);
  g_assert_cmpint (ck_expiry_check_get_watch (f->check, f->keyed_id), ==, CK_EXPIRY_WATCH_DEFAULT);

  /* Not a certificate: refused, nothing written. */
  g_assert_false (ck_expiry_check_set_watch (f->check, 9999, CK_EXPIRY_WATCH_OFF, &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Deleting the certificate drops its setting. */
  g_assert_true (ck_store_delete (f->store, f->unkeyed_id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (ck_expiry_check_get_watch (f->check, f->unkeyed_id), ==, CK_EXPIRY_WATCH_DEFAULT);
}

/* Once migrated, a check reads only: it runs while another process holds
 * the store's write lock (a long import in the window), without waiting. */
static void
test_check_while_another_writes (Fixture       *f,
                                 gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CkStore) second = NULL;
  g_autoptr (CkExpiryCheck) check = NULL;
  g_autoptr (GPtrArray) items = NULL;
  sqlite3 *writer = NULL;

  g_assert_cmpint (sqlite3_open (ck_store_get_path (f->store), &writer), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (writer, "BEGIN IMMEDIATE", NULL, NULL, NULL), ==, SQLITE_OK);

  second = ck_store_open (f->dir, &error);
  g_assert_no_error (error);
  check = ck_expiry_check_new (second, &error);
  g_assert_no_error (error);
  g_assert_nonnull (check);
  items = ck_expiry_check_run (check, f->not_after - DAY, 30, CK_EXPIRY_CHECK_NONE, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (items->len, ==, 1);

  sqlite3_exec (writer, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_close (writer);
}

static void
test_strings (void)
{
  CkExpiryWatch watch = CK_EXPIRY_WATCH_DEFAULT;

  g_assert_cmpstr (ck_key_location_to_string (CK_KEY_LOCATION_NONE), ==, "none");
  g_assert_cmpstr (ck_key_location_to_string (CK_KEY_LOCATION_STORE), ==, "store");
  g_assert_cmpstr (ck_key_location_to_string (CK_KEY_LOCATION_TOKEN), ==, "token");
  g_assert_true (ck_expiry_watch_from_string ("off", &watch));
  g_assert_cmpint (watch, ==, CK_EXPIRY_WATCH_OFF);
  g_assert_true (ck_expiry_watch_from_string ("on", &watch));
  g_assert_cmpint (watch, ==, CK_EXPIRY_WATCH_ON);
  g_assert_true (ck_expiry_watch_from_string ("default", &watch));
  g_assert_cmpint (watch, ==, CK_EXPIRY_WATCH_DEFAULT);
  g_assert_false (ck_expiry_watch_from_string ("maybe", &watch));
  g_assert_false (ck_expiry_watch_from_string (NULL, &watch));
}

static gboolean
refusing_sink (CkRequest  *request,
               gpointer    user_data,
               GError    **error)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE, "disk full (test)");
  return FALSE;
}

/* ck_keeper_renew: the link is written with the request, in its
 * transaction: a failing step leaves no request, no key and no link. */
static void
test_renewal_link (Fixture       *f,
                   gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CkKeeper) keeper = ck_keeper_new (f->store);
  g_autoptr (CkRenewal) renewal = NULL;
  g_autoptr (CkRequest) request = NULL;
  g_autoptr (CkExpiryItem) item = NULL;
  CkKeeperKeyChoice choice;
  CkKeeperRequestResult result = { 0, };
  guint keys_before = g_list_model_get_n_items (ck_store_get_keys (f->store));

  renewal = ck_keeper_plan_renewal (keeper, f->keyed_id, &error);
  g_assert_no_error (error);
  g_assert_true (ck_renewal_can_reuse_key (renewal));
  g_assert_null (ck_renewal_get_token_key_uri (renewal));
  g_assert_null (ck_keeper_plan_renewal (keeper, 4242, &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_assert_true (ck_renewal_choose_key (renewal, FALSE, NULL, &choice, &error));
  g_assert_no_error (error);
  g_assert_cmpint (choice.source, ==, CK_KEEPER_KEY_NEW);
  choice.no_passphrase = TRUE;

  g_assert_null (ck_keeper_renew (keeper, renewal, &choice, refusing_sink, NULL, NULL, &result,
                                  &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NO_SPACE);
  g_clear_error (&error);
  g_assert_cmpuint (g_list_model_get_n_items (ck_store_get_requests (f->store)), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (ck_store_get_keys (f->store)), ==, keys_before);

  request = ck_keeper_renew (keeper, renewal, &choice, NULL, NULL, NULL, &result, &error);
  g_assert_no_error (error);
  g_assert_nonnull (request);
  g_assert_true (result.key_added);
  g_assert_cmpint (ck_expiry_check_get_renewed_certificate (f->check, result.request_id), ==,
                   f->keyed_id);
  g_assert_cmpstr (ck_request_get_subject (request), ==,
                   ck_stored_certificate_get_subject (ck_store_get_certificate_row (f->store,
                                                                                    f->keyed_id)));

  /* Pending: the renewal in flight, not yet renewed; still watched. */
  item = ck_expiry_check_get_item (f->check, f->keyed_id, f->not_after - DAY, 30, &error);
  g_assert_no_error (error);
  g_assert_nonnull (item->request);
  g_assert_cmpint (ck_stored_request_get_id (item->request), ==, result.request_id);
  g_assert_null (item->renewed_by);
  g_assert_true (item->watched);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  ck_core_init ();

#define ADD(name, func) \
  g_test_add ("/expiry-check/" name, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("window", test_window);
  ADD ("unkeyed-only-with-all", test_unkeyed_only_with_all);
  ADD ("sorted-soonest-first", test_sorted_soonest_first);
  ADD ("pending-request", test_pending_request);
  ADD ("token-key", test_token_key);
  ADD ("watch-setting", test_watch_setting);
  ADD ("check-while-another-writes", test_check_while_another_writes);
  ADD ("renewal-link", test_renewal_link);
#undef ADD
  g_test_add_func ("/expiry-check/strings", test_strings);

  return g_test_run ();
}
