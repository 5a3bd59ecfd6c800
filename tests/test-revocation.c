/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Revocation in the core against real parts: CRLs made by GnuTLS (and
 * read back by openssl as the oracle), the SQLite store's "revocation"
 * module, the importer and commit, and ck-http against a Python
 * http.server and a socket that never answers, both on 127.0.0.1 and
 * started here (the server prints its port once it listens: no sleeping,
 * no polling). */
#include <gnutls/ocsp.h>
#include <string.h>

#include "certkeeper-core.h"
#include "ck-test-certs.h"
#include "ck-test-tools.h"

#define DAY (G_GINT64_CONSTANT (24) * 60 * 60)

typedef struct {
  char              *dir;
  CkStore           *store;
  CkRevocationStore *revocations;
  CkTestCa          *ca;
  CkCertificate     *ca_cert;
  CkCertificate     *leaf1;       /* serial 1 */
  CkCertificate     *leaf2;       /* serial 2 */
  gint64             now;
} Fixture;

static CkCertificate *
cert_from_pem (const char *pem)
{
  g_autoptr (GError) error = NULL;
  CkCertificate *cert = ck_certificate_new_from_pem (pem, -1, &error);

  g_assert_no_error (error);
  return cert;
}

static void
import_pem (CkStore    *store,
            const char *pem)
{
  g_autoptr (CkImporter) importer = ck_importer_new (store);
  g_autoptr (GBytes) bytes = g_bytes_new (pem, strlen (pem));
  g_autoptr (GError) error = NULL;

  ck_importer_add_bytes (importer, bytes, "test.pem");
  g_assert_true (ck_store_commit (store, ck_importer_get_plan (importer), NULL,
                                  CK_COMMIT_NO_KEY_PASSPHRASE, NULL, NULL, NULL, &error));
  g_assert_no_error (error);
}

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  gnutls_x509_privkey_t key = ck_test_key_new ();
  g_autofree char *ca_pem = NULL, *pem1 = NULL, *pem2 = NULL;

  f->dir = g_dir_make_tmp ("ck-revocation-XXXXXX", &error);
  g_assert_no_error (error);
  f->store = ck_store_open (f->dir, &error);
  g_assert_no_error (error);
  f->revocations = ck_revocation_store_new (f->store);
  f->ca = ck_test_ca_new ("Revocation Root");
  ca_pem = ck_test_ca_get_pem (f->ca);
  pem1 = ck_test_ca_issue (f->ca, key, "one.example", 1);
  pem2 = ck_test_ca_issue (f->ca, key, "two.example", 2);
  gnutls_x509_privkey_deinit (key);
  f->ca_cert = cert_from_pem (ca_pem);
  f->leaf1 = cert_from_pem (pem1);
  f->leaf2 = cert_from_pem (pem2);
  import_pem (f->store, ca_pem);
  f->now = g_get_real_time () / G_USEC_PER_SEC;
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  g_clear_object (&f->leaf1);
  g_clear_object (&f->leaf2);
  g_clear_object (&f->ca_cert);
  g_clear_pointer (&f->ca, ck_test_ca_free);
  g_clear_object (&f->revocations);
  g_clear_object (&f->store);
  ck_test_remove_tree (f->dir);
  g_free (f->dir);
}

static CkCrl *
make_crl (Fixture       *f,
          const guint64 *serials,
          guint          n,
          gint64         this_update,
          gint64         next_update,
          guint          number)
{
  g_autoptr (GBytes) der = ck_test_ca_crl (f->ca, serials, n, this_update, next_update, number);
  g_autoptr (GError) error = NULL;
  CkCrl *crl = ck_crl_new_from_der (der, &error);

  g_assert_no_error (error);
  return crl;
}

static CkRevocationState
lookup (Fixture       *f,
        CkCertificate *leaf,
        char         **detail)
{
  g_autoptr (CkRevocationStatus) status = ck_revocation_store_lookup (f->revocations, leaf,
                                                                      f->ca_cert, 0);

  if (detail != NULL)
    *detail = g_strdup (status->detail);
  return status->state;
}

/* What GnuTLS wrote, read back by ck_crl and by openssl. */
static void
test_crl_parse (Fixture       *f,
                gconstpointer  data)
{
  const guint64 serials[] = { 2, 0x1234 };
  g_autoptr (CkCrl) crl = make_crl (f, serials, 2, f->now - 60, f->now + DAY, 300);
  g_autoptr (GError) error = NULL;
  g_autoptr (CkTestCa) other = ck_test_ca_new ("Revocation Root");
  g_autofree char *other_pem = ck_test_ca_get_pem (other);
  g_autoptr (CkCertificate) other_cert = cert_from_pem (other_pem);
  GPtrArray *entries = ck_crl_get_entries (crl);

  g_assert_cmpstr (ck_crl_get_display_name (crl), ==, "CRL of Revocation Root");
  g_assert_cmpstr (ck_crl_get_issuer (crl), ==, ck_certificate_get_subject (f->ca_cert));
  g_assert_cmpstr (ck_crl_get_number (crl), ==, "12c");
  g_assert_cmpint (ck_crl_get_this_update (crl), ==, f->now - 60);
  g_assert_cmpint (ck_crl_get_next_update (crl), ==, f->now + DAY);
  g_assert_cmpstr (ck_crl_get_authority_key_id (crl), ==,
                   ck_certificate_get_subject_key_id (f->ca_cert));
  g_assert_cmpuint (entries->len, ==, 2);
  g_assert_nonnull (ck_crl_find_entry (crl, ck_certificate_get_serial (f->leaf2)));
  g_assert_null (ck_crl_find_entry (crl, ck_certificate_get_serial (f->leaf1)));
  g_assert_cmpint (((CkCrlEntry *) entries->pdata[0])->revoked_at, ==, f->now - 60 - DAY);
  g_assert_cmpint (((CkCrlEntry *) entries->pdata[0])->reason, ==, -1);

  g_assert_true (ck_crl_verify (crl, f->ca_cert, &error));
  g_assert_no_error (error);
  /* Same name, another key: the signature does not verify. */
  g_assert_false (ck_crl_verify (crl, other_cert, &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_false (ck_crl_verify (crl, f->leaf1, &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_MISMATCH);
  g_clear_error (&error);

  if (g_getenv ("CK_OPENSSL") != NULL)
    {
      g_autofree char *path = g_build_filename (f->dir, "crl.der", NULL);
      g_autofree char *text = NULL;
      gsize size;
      const guint8 *der = g_bytes_get_data (ck_crl_get_der (crl), &size);

      g_assert_true (g_file_set_contents (path, (const char *) der, size, NULL));
      text = ck_test_run_tool ((const char * const[]) { g_getenv ("CK_OPENSSL"), "crl", "-inform",
                                                        "DER", "-noout", "-text", "-in", path,
                                                        NULL });
      g_assert_nonnull (text);
      g_assert_nonnull (strstr (text, "300"));            /* X509v3 CRL Number: 300 */
      g_assert_nonnull (strstr (text, "Serial Number: 1234"));
      g_assert_nonnull (strstr (text, "Serial Number: 02"));
    }
}

static void
test_store_crls (Fixture       *f,
                 gconstpointer  data)
{
  const guint64 two[] = { 2 };
  g_autoptr (CkCrl) first = make_crl (f, two, 1, f->now - 60, f->now + DAY, 5);
  g_autoptr (CkCrl) newer = make_crl (f, NULL, 0, f->now - 30, f->now + DAY, 6);
  g_autoptr (CkCrl) stale = make_crl (f, NULL, 0, f->now - 2 * DAY, f->now - DAY, 7);
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) list = NULL;
  g_autofree char *detail = NULL;
  CkCrlAddResult result;
  guint generation;

  /* Nothing stored, and reading makes no tables. */
  g_assert_cmpint (lookup (f, f->leaf2, NULL), ==, CK_REVOCATION_STATE_UNKNOWN);
  list = ck_revocation_store_list_crls (f->revocations, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 0);
  g_clear_pointer (&list, g_ptr_array_unref);

  generation = ck_revocation_store_get_generation ();
  g_assert_true (ck_revocation_store_add_crl (f->revocations, first, "first.crl", &result, &error));
  g_assert_no_error (error);
  g_assert_cmpint (result, ==, CK_CRL_ADDED);
  g_assert_cmpuint (ck_revocation_store_get_generation (), !=, generation);
  g_assert_true (ck_revocation_store_add_crl (f->revocations, first, "first.crl", &result, &error));
  g_assert_cmpint (result, ==, CK_CRL_SAME);
  g_assert_cmpint (lookup (f, f->leaf2, NULL), ==, CK_REVOCATION_STATE_REVOKED);
  g_assert_cmpint (lookup (f, f->leaf1, NULL), ==, CK_REVOCATION_STATE_GOOD);

  g_assert_true (ck_revocation_store_add_crl (f->revocations, newer, "newer.crl", &result, &error));
  g_assert_cmpint (result, ==, CK_CRL_REPLACED);
  g_assert_cmpint (lookup (f, f->leaf2, NULL), ==, CK_REVOCATION_STATE_GOOD);
  g_assert_true (ck_revocation_store_add_crl (f->revocations, first, "first.crl", &result, &error));
  g_assert_cmpint (result, ==, CK_CRL_OLDER);
  g_assert_cmpint (lookup (f, f->leaf2, NULL), ==, CK_REVOCATION_STATE_GOOD);
  list = ck_revocation_store_list_crls (f->revocations, &error);
  g_assert_cmpuint (list->len, ==, 1);
  g_assert_cmpstr (((CkStoredCrl *) list->pdata[0])->number, ==, "6");
  g_assert_cmpstr (((CkStoredCrl *) list->pdata[0])->source, ==, "newer.crl");

  /* A higher number but out of date: stored, and it says nothing. */
  ck_revocation_store_add_crl (f->revocations, stale, "stale.crl", &result, &error);
  g_assert_no_error (error);
  g_assert_cmpint (result, ==, CK_CRL_REPLACED);
  g_assert_cmpint (lookup (f, f->leaf1, &detail), ==, CK_REVOCATION_STATE_UNKNOWN);
  g_assert_nonnull (strstr (detail, "out of date"));
}

static void
test_store_refuses (Fixture       *f,
                    gconstpointer  data)
{
  g_autoptr (CkTestCa) stranger = ck_test_ca_new ("Stranger CA");
  g_autoptr (GBytes) der = ck_test_ca_crl (stranger, NULL, 0, f->now, f->now + DAY, 1);
  g_autoptr (CkCrl) crl = ck_crl_new_from_der (der, NULL);
  g_autoptr (GBytes) good = ck_test_ca_crl (f->ca, NULL, 0, f->now, f->now + DAY, 1);
  g_autoptr (GByteArray) bad = g_byte_array_new ();
  g_autoptr (CkCrl) tampered = NULL;
  g_autoptr (GBytes) bad_bytes = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *before = NULL, *after = NULL;
  g_autofree char *db = g_build_filename (f->dir, "store.db", NULL);

  g_assert_false (ck_revocation_store_add_crl (f->revocations, crl, NULL, NULL, &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "Stranger CA"));
  g_clear_error (&error);

  g_byte_array_append (bad, g_bytes_get_data (good, NULL), g_bytes_get_size (good));
  bad->data[bad->len - 3] ^= 1;
  bad_bytes = g_byte_array_free_to_bytes (g_steal_pointer (&bad));
  tampered = ck_crl_new_from_der (bad_bytes, &error);
  g_assert_no_error (error);
  before = ck_test_dump_tables (db);
  g_assert_false (ck_revocation_store_add_crl (f->revocations, tampered, NULL, NULL, &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "does not verify"));
  after = ck_test_dump_tables (db);
  /* The tables may have been made; no CRL is in them. */
  g_assert_null (strstr (after, ck_crl_get_sha256 (tampered)));
  g_assert_cmpint (lookup (f, f->leaf1, NULL), ==, CK_REVOCATION_STATE_UNKNOWN);
}

/* The importer lists CRLs as items and the commit stores them; one that
 * does not verify is an error item; its issuer and itself in one file
 * import together. */
static void
test_import (Fixture       *f,
             gconstpointer  data)
{
  const guint64 one[] = { 1 };
  g_autoptr (GBytes) der = ck_test_ca_crl (f->ca, one, 1, f->now, f->now + DAY, 1);
  g_autoptr (CkImporter) importer = ck_importer_new (f->store);
  g_autoptr (GError) error = NULL;
  CkCommitSummary summary;
  CkImportPlan *plan;
  CkImportItem *item;

  ck_importer_add_bytes (importer, der, "ca.crl");
  plan = ck_importer_get_plan (importer);
  g_assert_cmpuint (ck_import_plan_get_n_items (plan), ==, 1);
  item = ck_import_plan_get_item (plan, 0);
  g_assert_cmpint (ck_import_item_get_kind (item), ==, CK_IMPORT_ITEM_CRL);
  g_assert_cmpstr (ck_import_item_get_display_name (item), ==, "CRL of Revocation Root");
  g_assert_true (ck_import_item_is_new (item));
  g_assert_true (ck_store_commit (f->store, plan, NULL, CK_COMMIT_NONE, NULL, NULL, &summary,
                                  &error));
  g_assert_no_error (error);
  g_assert_cmpuint (summary.crls, ==, 1);
  g_assert_cmpint (lookup (f, f->leaf1, NULL), ==, CK_REVOCATION_STATE_REVOKED);

  /* Again: already in the store. */
  {
    g_autoptr (CkImporter) again = ck_importer_new (f->store);

    ck_importer_add_bytes (again, der, "ca.crl");
    g_assert_false (ck_import_item_is_new (ck_import_plan_get_item (ck_importer_get_plan (again), 0)));
  }

  /* Another CA and its CRL in one PEM file, into a store without it. */
  {
    g_autoptr (CkTestCa) second = ck_test_ca_new ("Second Root");
    g_autofree char *pem = ck_test_ca_get_pem (second);
    g_autoptr (GBytes) crl = ck_test_ca_crl (second, NULL, 0, f->now, f->now + DAY, 1);
    g_autofree char *crl_pem = ck_crl_to_pem (crl);
    g_autofree char *both = g_strconcat (pem, crl_pem, NULL);
    g_autoptr (GBytes) bytes = g_bytes_new (both, strlen (both));
    g_autoptr (CkImporter) together = ck_importer_new (f->store);

    ck_importer_add_bytes (together, bytes, "bundle.pem");
    plan = ck_importer_get_plan (together);
    g_assert_cmpuint (ck_import_plan_count (plan, CK_IMPORT_ITEM_CRL), ==, 1);
    g_assert_cmpuint (ck_import_plan_count (plan, CK_IMPORT_ITEM_CERTIFICATE), ==, 1);
    g_assert_true (ck_store_commit (f->store, plan, NULL, CK_COMMIT_NONE, NULL, NULL, &summary,
                                    &error));
    g_assert_no_error (error);
    g_assert_cmpuint (summary.crls, ==, 1);
  }

  /* A CRL whose issuer is in the store but whose signature is broken. */
  {
    g_autoptr (GByteArray) bad = g_byte_array_new ();
    g_autoptr (GBytes) bad_bytes = NULL;
    g_autoptr (CkImporter) refused = ck_importer_new (f->store);
    const GError *item_error;

    g_byte_array_append (bad, g_bytes_get_data (der, NULL), g_bytes_get_size (der));
    bad->data[bad->len - 3] ^= 1;
    bad_bytes = g_byte_array_free_to_bytes (g_steal_pointer (&bad));
    ck_importer_add_bytes (refused, bad_bytes, "bad.crl");
    plan = ck_importer_get_plan (refused);
    g_assert_cmpuint (ck_import_plan_get_n_items (plan), ==, 1);
    item = ck_import_plan_get_item (plan, 0);
    g_assert_cmpint (ck_import_item_get_kind (item), ==, CK_IMPORT_ITEM_ERROR);
    item_error = ck_import_item_get_error (item);
    g_assert_nonnull (strstr (item_error->message, "does not verify"));
  }
}

/* --- HTTP -------------------------------------------------------------- */

typedef struct {
  GSubprocess *server;
  char        *base;
  char        *dir;
} Http;

static const char server_script[] =
  "import functools, http.server, sys\n"
  "class H(http.server.SimpleHTTPRequestHandler):\n"
  "    def log_message(self, *a): pass\n"
  "s = http.server.ThreadingHTTPServer(('127.0.0.1', 0),\n"
  "    functools.partial(H, directory=sys.argv[1]))\n"
  "print(s.server_address[1], flush=True)\n"
  "s.serve_forever()\n";

static gboolean
http_start (Http *h)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GDataInputStream) out = NULL;
  g_autofree char *line = NULL;
  g_autofree char *python = g_find_program_in_path ("python3");

  if (python == NULL)
    return FALSE;
  h->dir = g_dir_make_tmp ("ck-http-XXXXXX", &error);
  g_assert_no_error (error);
  h->server = g_subprocess_new (G_SUBPROCESS_FLAGS_STDOUT_PIPE, &error, python, "-c",
                                server_script, h->dir, NULL);
  g_assert_no_error (error);
  /* The port comes once the server listens. */
  out = g_data_input_stream_new (g_subprocess_get_stdout_pipe (h->server));
  line = g_data_input_stream_read_line (out, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (line);
  h->base = g_strdup_printf ("http://127.0.0.1:%s/", line);
  return TRUE;
}

static void
http_stop (Http *h)
{
  g_subprocess_force_exit (h->server);
  g_subprocess_wait (h->server, NULL, NULL);
  g_clear_object (&h->server);
  ck_test_remove_tree (h->dir);
  g_free (h->dir);
  g_free (h->base);
}

static void
test_http (void)
{
  Http h = { 0, };
  g_autoptr (GError) error = NULL;
  g_autoptr (GBytes) body = NULL;
  g_autofree char *url = NULL, *missing = NULL, *file = NULL;
  g_autofree char *type = NULL;
  char data[5000];

  if (!http_start (&h))
    {
      g_test_skip ("python3 is needed");
      return;
    }
  memset (data, 'x', sizeof data);
  file = g_build_filename (h.dir, "five.bin", NULL);
  g_assert_true (g_file_set_contents (file, data, sizeof data, NULL));
  url = g_strconcat (h.base, "five.bin", NULL);

  body = ck_http_get (url, sizeof data, &type, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (body, NULL), g_bytes_get_size (body), data, sizeof data);
  g_assert_nonnull (type);

  g_assert_null (ck_http_get (url, sizeof data - 1, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, url));
  g_clear_error (&error);

  missing = g_strconcat (h.base, "missing.crl", NULL);
  g_assert_null (ck_http_get (missing, 1024, NULL, NULL, &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, missing));
  g_assert_nonnull (strstr (error->message, "404"));
  g_clear_error (&error);

  g_assert_null (ck_http_get ("file:///etc/passwd", 1024, NULL, NULL, &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_null (ck_http_get ("ldap://example.com/cn=x", 1024, NULL, NULL, &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_INVALID);
  g_clear_error (&error);

  /* Asynchronously, the same answer. */
  {
    GAsyncResult *result = NULL;
    g_autoptr (GBytes) async_body = NULL;

    ck_http_request_async (url, NULL, NULL, sizeof data, NULL, ck_test_store_result, &result);
    async_body = ck_http_request_finish (ck_test_wait_for_result (&result), NULL, &error);
    g_assert_no_error (error);
    g_assert_cmpuint (g_bytes_get_size (async_body), ==, sizeof data);
    g_object_unref (result);
  }
  http_stop (&h);
}

/* A server that accepts and never answers: the fetch ends with a time-out
 * (CK_HTTP_TIMEOUT), and a cancelled one ends at once. */
static void
test_http_silent (void)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GSocket) sock = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                           G_SOCKET_PROTOCOL_TCP, &error);
  g_autoptr (GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr (GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_autoptr (GSocketAddress) bound = NULL;
  g_autofree char *url = NULL;
  g_autoptr (GCancellable) cancellable = g_cancellable_new ();
  GAsyncResult *result = NULL;
  gint64 start;

  g_assert_no_error (error);
  g_assert_true (g_socket_bind (sock, any, TRUE, &error));
  g_assert_true (g_socket_listen (sock, &error));
  bound = g_socket_get_local_address (sock, &error);
  url = g_strdup_printf ("http://127.0.0.1:%u/ocsp",
                         g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound)));

  start = g_get_monotonic_time ();
  g_assert_null (ck_http_get (url, 1024, NULL, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT);
  g_assert_nonnull (strstr (error->message, url));
  g_clear_error (&error);
  /* Bounded by the deadline, whatever the load. */
  g_assert_cmpint (g_get_monotonic_time () - start, <, (CK_HTTP_DEADLINE + 30) * G_USEC_PER_SEC);

  ck_http_request_async (url, NULL, NULL, 1024, cancellable, ck_test_store_result, &result);
  g_cancellable_cancel (cancellable);
  g_assert_null (ck_http_request_finish (ck_test_wait_for_result (&result), NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_object_unref (result);
}

/* --- OCSP answers, offline ------------------------------------------- */

static char *
tmp_file (const char *dir,
          const char *name)
{
  return g_build_filename (dir, name, NULL);
}

static GBytes *
read_all (const char *path)
{
  g_autoptr (GError) error = NULL;
  char *data = NULL;
  gsize len = 0;

  g_assert_true (g_file_get_contents (path, &data, &len, &error));
  return g_bytes_new_take (data, len);
}

static CkCertificate *
load_pem_file (const char *path)
{
  g_autoptr (GBytes) bytes = read_all (path);
  g_autoptr (GError) error = NULL;
  CkCertificate *cert = ck_certificate_new_from_pem (g_bytes_get_data (bytes, NULL),
                                                     g_bytes_get_size (bytes), &error);

  g_assert_no_error (error);
  return cert;
}

#define RUN(...) G_STMT_START {                                              \
    g_autofree char *out_ = ck_test_run_tool ((const char * const[]) { __VA_ARGS__, NULL }); \
    g_assert_nonnull (out_);                                                 \
  } G_STMT_END

/* An answer made by openssl for a request made by openssl: accepted with
 * its own nonce, refused with another one, when stale, and when checked
 * against another issuer. */
static void
test_ocsp_response (void)
{
  const char *openssl = g_getenv ("CK_OPENSSL");
  g_autoptr (GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autofree char *ca_key = NULL, *ca = NULL, *leaf_key = NULL, *csr = NULL, *leaf = NULL;
  g_autofree char *index = NULL, *req = NULL, *resp = NULL, *other_key = NULL, *other = NULL;
  g_autoptr (CkCertificate) ca_cert = NULL, leaf_cert = NULL, other_cert = NULL;
  g_autoptr (GBytes) req_der = NULL, resp_der = NULL, nonce = NULL, wrong = NULL;
  g_autoptr (CkRevocationStatus) status = NULL;
  gnutls_ocsp_req_t ocsp_req;
  gnutls_datum_t datum, n = { NULL, 0 };
  unsigned int critical;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;

  if (openssl == NULL)
    {
      g_test_skip ("openssl is needed");
      return;
    }
  dir = g_dir_make_tmp ("ck-ocsp-XXXXXX", &error);
  g_assert_no_error (error);
  ca_key = tmp_file (dir, "ca.key");
  ca = tmp_file (dir, "ca.pem");
  leaf_key = tmp_file (dir, "leaf.key");
  csr = tmp_file (dir, "leaf.csr");
  leaf = tmp_file (dir, "leaf.pem");
  index = tmp_file (dir, "index.txt");
  req = tmp_file (dir, "req.der");
  resp = tmp_file (dir, "resp.der");
  other_key = tmp_file (dir, "other.key");
  other = tmp_file (dir, "other.pem");

  RUN (openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
       "-keyout", ca_key, "-out", ca, "-subj", "/CN=OCSP Test CA", "-days", "30");
  RUN (openssl, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
       "-keyout", other_key, "-out", other, "-subj", "/CN=OCSP Test CA", "-days", "30");
  RUN (openssl, "req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
       "-keyout", leaf_key, "-out", csr, "-subj", "/CN=ocsp-leaf.example");
  RUN (openssl, "x509", "-req", "-in", csr, "-CA", ca, "-CAkey", ca_key, "-set_serial", "0x1f",
       "-days", "30", "-out", leaf);
  g_assert_true (g_file_set_contents (index, "V\t301231235959Z\t\t1F\tunknown\t/CN=x\n", -1, NULL));
  RUN (openssl, "ocsp", "-issuer", ca, "-cert", leaf, "-reqout", req);
  RUN (openssl, "ocsp", "-index", index, "-rsigner", ca, "-rkey", ca_key, "-CA", ca, "-reqin", req,
       "-respout", resp, "-nmin", "10");

  ca_cert = load_pem_file (ca);
  leaf_cert = load_pem_file (leaf);
  other_cert = load_pem_file (other);
  req_der = read_all (req);
  resp_der = read_all (resp);
  datum.data = (unsigned char *) g_bytes_get_data (req_der, NULL);
  datum.size = g_bytes_get_size (req_der);
  g_assert_cmpint (gnutls_ocsp_req_init (&ocsp_req), >=, 0);
  g_assert_cmpint (gnutls_ocsp_req_import (ocsp_req, &datum), >=, 0);
  g_assert_cmpint (gnutls_ocsp_req_get_nonce (ocsp_req, &critical, &n), >=, 0);
  gnutls_ocsp_req_deinit (ocsp_req);
  nonce = g_bytes_new (n.data, n.size);
  gnutls_free (n.data);
  wrong = g_bytes_new ("0123456789abcdef", 16);

  status = ck_ocsp_read_response (leaf_cert, ca_cert, resp_der, nonce, "test", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpint (status->state, ==, CK_REVOCATION_STATE_GOOD);
  g_assert_cmpstr (status->source, ==, "ocsp");
  g_assert_cmpint (status->next_update, >, now);
  g_assert_cmpint (status->next_update, <=, now + 11 * 60 + 60);

  g_assert_null (ck_ocsp_read_response (leaf_cert, ca_cert, resp_der, wrong, "test", 0, &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "nonce"));
  g_clear_error (&error);

  g_assert_null (ck_ocsp_read_response (leaf_cert, ca_cert, resp_der, nonce, "test",
                                        now + 3600, &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "stale"));
  g_clear_error (&error);

  g_assert_null (ck_ocsp_read_response (leaf_cert, other_cert, resp_der, nonce, "test", 0, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  /* Not an OCSP response at all. */
  g_assert_null (ck_ocsp_read_response (leaf_cert, ca_cert, req_der, nonce, "test", 0, &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_PARSE);
  g_clear_error (&error);
  ck_test_remove_tree (dir);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);
  ck_core_init ();

  g_test_add ("/revocation/crl-parse", Fixture, NULL, fixture_set_up, test_crl_parse,
              fixture_tear_down);
  g_test_add ("/revocation/store-crls", Fixture, NULL, fixture_set_up, test_store_crls,
              fixture_tear_down);
  g_test_add ("/revocation/store-refuses", Fixture, NULL, fixture_set_up, test_store_refuses,
              fixture_tear_down);
  g_test_add ("/revocation/import", Fixture, NULL, fixture_set_up, test_import,
              fixture_tear_down);
  g_test_add_func ("/revocation/http", test_http);
  g_test_add_func ("/revocation/http-silent", test_http_silent);
  g_test_add_func ("/revocation/ocsp-response", test_ocsp_response);
  return g_test_run ();
}
