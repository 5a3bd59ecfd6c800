/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ck-bench-sign: the CA side of Certkeeper against certtool.
 *
 *   ck-bench-sign sign --dir DIR [-n 1000]
 *     makes a P-256 CA and N P-256 requests (untimed), then times signing
 *     all N with CkCertificateBuilder, the same plus storing each
 *     (ck_ca_add_issued()), and the whole action as the window and the
 *     CLI run it (ck_keeper_sign_request(): checks, signature, and
 *     certificate and issuer link in one transaction, in a GTask worker,
 *     in a fresh store); writes DIR/ca.pem, DIR/ca.key and
 *     DIR/req-NNNNN.pem for certtool to sign the same (bench/sign.sh).
 *
 *   ck-bench-sign crl --dir DIR [-n 100000]
 *     makes a P-256 CA and N certificates it issued (untimed), records
 *     their revocation (timed apart), then times ck_ca_make_crl(); writes
 *     DIR/ca.pem, DIR/ca.key and DIR/revoked.pem for certtool
 *     --generate-crl.
 *
 * Figures: wall-clock and CPU milliseconds, one line each. */
#include "certkeeper-core.h"

#include <gnutls/crypto.h>
#include <gnutls/x509.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>

static double
cpu_ms (void)
{
  struct rusage ru;

  getrusage (RUSAGE_SELF, &ru);
  return ru.ru_utime.tv_sec * 1e3 + ru.ru_utime.tv_usec / 1e3 +
         ru.ru_stime.tv_sec * 1e3 + ru.ru_stime.tv_usec / 1e3;
}

typedef struct {
  gint64 wall;
  double cpu;
} Clock;

static Clock
start (void)
{
  Clock c = { g_get_monotonic_time (), cpu_ms () };
  return c;
}

static void
report (const char *what,
        Clock       c,
        guint       n)
{
  double wall = (g_get_monotonic_time () - c.wall) / 1e3;
  double cpu = cpu_ms () - c.cpu;

  printf ("%-28s n=%-7u wall %9.1f ms  cpu %9.1f ms  (%.3f ms cpu each)\n",
          what, n, wall, cpu, n > 0 ? cpu / n : 0.0);
  fflush (stdout);
}

static void
die (GError *error)
{
  g_printerr ("ck-bench-sign: %s\n", error->message);
  exit (1);
}

static void
write_file (const char *dir,
            const char *name,
            const char *text)
{
  g_autofree char *path = g_build_filename (dir, name, NULL);
  GError *error = NULL;

  if (!g_file_set_contents (path, text, -1, &error))
    die (error);
}

static CkCertificate *
make_ca (CkPrivateKey *key)
{
  g_autoptr (CkRequestBuilder) contents = ck_request_builder_new ();
  g_autoptr (CkCertificateBuilder) builder = NULL;
  GError *error = NULL;
  CkCertificate *cert;

  ck_request_builder_add_subject_string (contents, "CN=Bench CA, O=Certkeeper", NULL);
  ck_certificate_profile_apply (CK_CERTIFICATE_PROFILE_ROOT_CA, contents);
  builder = ck_certificate_builder_new_self_signed (contents);
  cert = ck_certificate_builder_self_sign (builder, key, CK_BUILD_NONE, &error);
  if (cert == NULL)
    die (error);
  return cert;
}

static void
write_ca (const char    *dir,
          CkCertificate *ca,
          CkPrivateKey  *key)
{
  g_autofree char *pem = ck_certificate_to_pem (ca);
  g_autofree char *key_pem = NULL;
  GError *error = NULL;

  write_file (dir, "ca.pem", pem);
  key_pem = ck_private_key_export_pkcs8_pem (key, NULL, &error);
  if (key_pem == NULL)
    die (error);
  write_file (dir, "ca.key", key_pem);
}

static CkStore *
open_store (const char    *dir,
            const char    *name,
            CkCertificate *ca,
            CkCa         **ca_out,
            gint64        *ca_id)
{
  g_autofree char *store_dir = g_build_filename (dir, name, NULL);
  GError *error = NULL;
  CkStore *store;

  store = ck_store_open (store_dir, &error);
  if (store == NULL)
    die (error);
  *ca_out = ck_ca_new (store, &error);
  if (*ca_out == NULL || !ck_ca_add_issued (*ca_out, ca, 0, ca_id, NULL, &error))
    die (error);
  return store;
}

static int
bench_sign (const char *dir,
            guint       n)
{
  const CkKeySpec p256 = { CK_KEY_TYPE_ECDSA, 0, "P-256" };
  g_autoptr (CkPrivateKey) ca_key = ck_key_generate (&p256, NULL, NULL);
  g_autoptr (CkCertificate) ca = make_ca (ca_key);
  g_autoptr (GPtrArray) requests = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (GPtrArray) certs = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr (CkStore) store = NULL;
  g_autoptr (CkCa) store_ca = NULL;
  gint64 ca_id = 0;
  GError *error = NULL;
  Clock c;

  write_ca (dir, ca, ca_key);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (CkPrivateKey) key = ck_key_generate (&p256, NULL, &error);
      g_autoptr (CkRequestBuilder) builder = ck_request_builder_new ();
      g_autofree char *cn = g_strdup_printf ("CN=host-%05u.bench.example", i);
      g_autofree char *san = g_strdup_printf ("DNS:host-%05u.bench.example", i);
      g_autofree char *name = g_strdup_printf ("req-%05u.pem", i);
      g_autofree char *pem = NULL;
      CkRequest *request;

      if (key == NULL)
        die (error);
      ck_request_builder_add_subject_string (builder, cn, NULL);
      ck_request_builder_add_san_string (builder, san, NULL);
      ck_request_builder_apply_profile (builder, CK_REQUEST_PROFILE_TLS_SERVER);
      request = ck_request_builder_build (builder, key, CK_BUILD_NONE, &error);
      if (request == NULL)
        die (error);
      pem = ck_request_to_pem (request);
      write_file (dir, name, pem);
      g_ptr_array_add (requests, request);
    }

  c = start ();
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (CkCertificateBuilder) builder = ck_certificate_builder_new_for_request (requests->pdata[i]);
      CkCertificate *cert;

      ck_certificate_builder_set_profile (builder, CK_CERTIFICATE_PROFILE_TLS_SERVER);
      ck_certificate_builder_set_keep_extensions (builder, "subjectAltName", NULL);
      ck_certificate_builder_set_days (builder, 90);
      cert = ck_certificate_builder_sign (builder, ca, ca_key, CK_BUILD_NONE, &error);
      if (cert == NULL)
        die (error);
      g_ptr_array_add (certs, cert);
    }
  report ("sign (builder)", c, n);

  store = open_store (dir, "store", ca, &store_ca, &ca_id);
  c = start ();
  for (guint i = 0; i < n; i++)
    if (!ck_ca_add_issued (store_ca, certs->pdata[i], ca_id, NULL, NULL, &error))
      die (error);
  report ("store (ck_ca_add_issued)", c, n);

  {
    g_autoptr (CkCa) keeper_ca = NULL;
    g_autoptr (CkStore) keeper_store = open_store (dir, "store-keeper", ca, &keeper_ca, &ca_id);
    g_autoptr (CkKeeper) keeper = ck_keeper_new (keeper_store);
    CkKeeperSigner signer = { ca_id, NULL, ca_key };

    c = start ();
    for (guint i = 0; i < n; i++)
      {
        g_autoptr (CkCertificateBuilder) builder = ck_certificate_builder_new_for_request (requests->pdata[i]);
        g_autoptr (CkKeeperIssued) issued = NULL;

        ck_certificate_builder_set_profile (builder, CK_CERTIFICATE_PROFILE_TLS_SERVER);
        ck_certificate_builder_set_keep_extensions (builder, "subjectAltName", NULL);
        ck_certificate_builder_set_days (builder, 90);
        issued = ck_keeper_sign_request (keeper, builder, &signer, NULL, NULL, NULL, &error);
        if (issued == NULL)
          die (error);
      }
    report ("sign and store (ck_keeper_sign_request)", c, n);
  }
  return 0;
}

/* A minimal certificate with this serial, issued by @ca: only the serial
 * matters to a CRL. */
static char *
dummy_certificate (gnutls_x509_crt_t ca,
                   gnutls_privkey_t  ca_key,
                   gnutls_pubkey_t   pub,
                   guint             i)
{
  gnutls_x509_crt_t crt;
  gnutls_datum_t pem = { NULL, 0 };
  guint8 serial[16];
  char *text;

  gnutls_rnd (GNUTLS_RND_NONCE, serial, sizeof serial);
  serial[0] &= 0x7f;
  serial[0] |= 0x01;
  serial[12] = (guint8) (i >> 24);
  serial[13] = (guint8) (i >> 16);
  serial[14] = (guint8) (i >> 8);
  serial[15] = (guint8) i;
  gnutls_x509_crt_init (&crt);
  gnutls_x509_crt_set_version (crt, 3);
  gnutls_x509_crt_set_serial (crt, serial, sizeof serial);
  gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0, "revoked", 7);
  gnutls_x509_crt_set_activation_time (crt, time (NULL));
  gnutls_x509_crt_set_expiration_time (crt, time (NULL) + 86400);
  gnutls_x509_crt_set_pubkey (crt, pub);
  if (gnutls_x509_crt_privkey_sign (crt, ca, ca_key, GNUTLS_DIG_SHA256, 0) < 0 ||
      gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_PEM, &pem) < 0)
    {
      g_printerr ("ck-bench-sign: cannot make certificate %u\n", i);
      exit (1);
    }
  gnutls_x509_crt_deinit (crt);
  text = g_strndup ((const char *) pem.data, pem.size);
  gnutls_free (pem.data);
  return text;
}

static int
bench_crl (const char *dir,
           guint       n)
{
  const CkKeySpec p256 = { CK_KEY_TYPE_ECDSA, 0, "P-256" };
  g_autoptr (CkPrivateKey) ca_key = ck_key_generate (&p256, NULL, NULL);
  g_autoptr (CkPrivateKey) leaf_key = ck_key_generate (&p256, NULL, NULL);
  g_autoptr (CkCertificate) ca = make_ca (ca_key);
  g_autoptr (GPtrArray) revocations = g_ptr_array_new_with_free_func ((GDestroyNotify) ck_revocation_free);
  g_autoptr (CkStore) store = NULL;
  g_autoptr (CkCa) store_ca = NULL;
  g_autoptr (GBytes) crl = NULL;
  g_autofree char *path = g_build_filename (dir, "revoked.pem", NULL);
  gnutls_pubkey_t pub = ck_private_key_dup_pubkey (leaf_key, NULL);
  FILE *out = fopen (path, "w");
  GError *error = NULL;
  guint64 number = 0;
  gint64 ca_id = 0;
  Clock c;

  write_ca (dir, ca, ca_key);
  if (out == NULL)
    {
      g_printerr ("ck-bench-sign: cannot write %s\n", path);
      return 1;
    }
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *pem = dummy_certificate (ck_certificate_get_crt (ca),
                                                ck_private_key_get_privkey (ca_key), pub, i);
      g_autoptr (GBytes) bytes = NULL;
      g_autoptr (CkCertificate) cert = NULL;
      CkRevocation *r = g_new0 (CkRevocation, 1);
      gnutls_x509_crt_t crt;
      gnutls_datum_t d = { (unsigned char *) pem, strlen (pem) };
      guint8 serial[32];
      size_t size = sizeof serial;
      GString *hex = g_string_new (NULL);

      fputs (pem, out);
      gnutls_x509_crt_init (&crt);
      gnutls_x509_crt_import (crt, &d, GNUTLS_X509_FMT_PEM);
      gnutls_x509_crt_get_serial (crt, serial, &size);
      gnutls_x509_crt_deinit (crt);
      for (size_t j = 0; j < size; j++)
        g_string_append_printf (hex, "%02x", serial[j]);
      r->serial = g_string_free (hex, FALSE);
      r->reason = i % 3 == 0 ? CK_REVOCATION_KEY_COMPROMISE : CK_REVOCATION_UNSPECIFIED;
      g_ptr_array_add (revocations, r);
    }
  fclose (out);
  gnutls_pubkey_deinit (pub);

  store = open_store (dir, "store", ca, &store_ca, &ca_id);
  c = start ();
  if (!ck_ca_revoke_serials (store_ca, ca_id, revocations, &error))
    die (error);
  report ("revoke (one transaction)", c, n);

  c = start ();
  crl = ck_ca_make_crl (store_ca, ca_id, ca_key, 7 * 86400, GNUTLS_DIG_UNKNOWN, &number, &error);
  if (crl == NULL)
    die (error);
  report ("crl (ck_ca_make_crl)", c, n);
  {
    g_autofree char *pem = ck_crl_to_pem (crl);

    write_file (dir, "ours.crl", pem);
  }
  return 0;
}

int
main (int argc, char **argv)
{
  g_autofree char *dir = NULL;
  int n = 0;
  const GOptionEntry entries[] = {
    { "dir", 0, 0, G_OPTION_ARG_FILENAME, &dir, "Where to write the inputs for certtool", "DIR" },
    { "count", 'n', 0, G_OPTION_ARG_INT, &n, "How many (sign: 1000, crl: 100000)", "N" },
    { NULL }
  };
  g_autoptr (GOptionContext) context = g_option_context_new ("sign|crl");
  GError *error = NULL;

  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    die (error);
  if (argc != 2 || dir == NULL)
    {
      g_printerr ("usage: ck-bench-sign sign|crl --dir DIR [-n N]\n");
      return 2;
    }
  ck_core_init ();
  g_mkdir_with_parents (dir, 0700);
  if (g_str_equal (argv[1], "sign"))
    return bench_sign (dir, n > 0 ? (guint) n : 1000);
  if (g_str_equal (argv[1], "crl"))
    return bench_crl (dir, n > 0 ? (guint) n : 100000);
  g_printerr ("ck-bench-sign: unknown benchmark %s\n", argv[1]);
  return 2;
}
