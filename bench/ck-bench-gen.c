/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ck-bench-gen: writes N distinct CA-signed certificates, each with its own
 * private key, for the benchmarks.
 *
 * Everything is derived from --seed and --now, keys included, so two runs
 * with the same options write the same bytes: the benchmarks then always
 * parse the same data. Keys are derived with Nettle (GnuTLS 3.7 has no
 * seeded generator for EC keys, and its seeded RSA one is slow) and
 * imported into GnuTLS, which builds and signs the certificates; ECDSA
 * signatures use RFC 6979. */

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <gmp.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <nettle/ecc-curve.h>
#include <nettle/ecc.h>
#include <nettle/eddsa.h>
#include <nettle/rsa.h>

#define DAY (24 * 60 * 60)

typedef enum {
  KEY_P256,
  KEY_ED25519,
  KEY_RSA,
} KeyType;

typedef struct {
  KeyType  key_type;
  guint64  seed;
  gint64   now;
  guint    n;
  guint    n_threads;
  char    *ca_der;       /* the CA, as DER, for each thread to import */
  gsize    ca_der_len;
  char    *ca_key_der;   /* its key, PKCS#8 DER */
  gsize    ca_key_der_len;
  char   **cert_pem;     /* [n] */
  char   **key_pem;      /* [n], NULL when keys are not written */
} GenJob;

typedef struct {
  GenJob *job;
  guint   first;
} GenThread;

static const char *const organizations[] = {
  "Example Corp", "Acme Widgets Ltd", "Globex", "Initech", "Umbrella Labs",
  "Stark Industries", "Wayne Enterprises", "Hooli", "Vandelay Industries",
  "Soylent GmbH", "Tyrell S.A.", "Cyberdyne Systems",
};
static const char *const units[] = {
  "Operations", "Web Services", "Platform", "IT", "Research",
  "Payments", "Mail", "Internal Tools",
};
static const char *const countries[] = {
  "US", "DE", "FR", "GB", "NL", "JP", "BR", "SE",
};
static const char *const localities[] = {
  "Springfield", "Berlin", "Lyon", "Leeds", "Utrecht", "Osaka", "Recife",
  "Malmö",
};

#define PICK(rand, array) ((array)[g_rand_int_range ((rand), 0, G_N_ELEMENTS (array))])

static void G_GNUC_NORETURN G_GNUC_PRINTF (1, 2)
die (const char *format, ...)
{
  va_list args;

  va_start (args, format);
  fputs ("ck-bench-gen: ", stderr);
  vfprintf (stderr, format, args);
  fputc ('\n', stderr);
  va_end (args);
  exit (1);
}

static void
check (int ret, const char *what)
{
  if (ret < 0)
    die ("%s: %s", what, gnutls_strerror (ret));
}

/* 32 bytes that depend only on the seed, what they are for, the index and
 * a retry counter. */
static void
derive_bytes (guint64     seed,
              const char *purpose,
              guint       index,
              guint       counter,
              guint8      out[32])
{
  g_autofree char *input = g_strdup_printf ("ck-bench-gen/%" G_GUINT64_FORMAT
                                            "/%s/%u/%u", seed, purpose,
                                            index, counter);

  check (gnutls_hash_fast (GNUTLS_DIG_SHA256, input, strlen (input), out),
         "SHA-256");
}

static void
mpz_to_32 (const mpz_t value,
           guint8      out[32])
{
  size_t count = 0;
  guint8 buf[32];

  mpz_export (buf, &count, 1, 1, 1, 0, value);
  g_assert (count <= 32);
  memset (out, 0, 32 - count);
  memcpy (out + 32 - count, buf, count);
}

static gnutls_x509_privkey_t
derive_p256 (guint64 seed, const char *purpose, guint index)
{
  const struct ecc_curve *curve = nettle_get_secp_256r1 ();
  struct ecc_scalar scalar;
  struct ecc_point point;
  gnutls_x509_privkey_t key;
  guint8 k[32], x[32], y[32];
  mpz_t z, px, py;
  guint counter = 0;

  ecc_scalar_init (&scalar, curve);
  ecc_point_init (&point, curve);
  mpz_inits (z, px, py, NULL);

  /* A scalar outside [1, q-1] is vanishingly rare; derive another. */
  do
    {
      derive_bytes (seed, purpose, index, counter++, k);
      mpz_import (z, 32, 1, 1, 1, 0, k);
    }
  while (!ecc_scalar_set (&scalar, z));

  ecc_point_mul_g (&point, &scalar);
  ecc_point_get (&point, px, py);
  mpz_to_32 (px, x);
  mpz_to_32 (py, y);

  check (gnutls_x509_privkey_init (&key), "privkey init");
  check (gnutls_x509_privkey_import_ecc_raw (key, GNUTLS_ECC_CURVE_SECP256R1,
                                             &(gnutls_datum_t) { x, 32 },
                                             &(gnutls_datum_t) { y, 32 },
                                             &(gnutls_datum_t) { k, 32 }),
         "P-256 key import");

  mpz_clears (z, px, py, NULL);
  ecc_point_clear (&point);
  ecc_scalar_clear (&scalar);
  gnutls_memset (k, 0, sizeof k);
  return key;
}

static gnutls_x509_privkey_t
derive_ed25519 (guint64 seed, const char *purpose, guint index)
{
  gnutls_x509_privkey_t key;
  guint8 k[32], pub[ED25519_KEY_SIZE];

  derive_bytes (seed, purpose, index, 0, k);
  ed25519_sha512_public_key (pub, k);

  check (gnutls_x509_privkey_init (&key), "privkey init");
  check (gnutls_x509_privkey_import_ecc_raw (key, GNUTLS_ECC_CURVE_ED25519,
                                             &(gnutls_datum_t) { pub, sizeof pub },
                                             NULL,
                                             &(gnutls_datum_t) { k, 32 }),
         "Ed25519 key import");
  gnutls_memset (k, 0, sizeof k);
  return key;
}

/* A deterministic byte stream for Nettle's RSA generator: SHA-256 of the
 * derived seed and a counter. */
typedef struct {
  guint8  seed[32];
  guint64 counter;
} SeedStream;

static void
seed_stream_random (void    *ctx,
                    size_t   length,
                    uint8_t *dst)
{
  SeedStream *stream = ctx;

  while (length > 0)
    {
      guint8 input[40], block[32];
      size_t n = MIN (length, sizeof block);

      memcpy (input, stream->seed, 32);
      for (guint i = 0; i < 8; i++)
        input[32 + i] = (guint8) (stream->counter >> (8 * i));
      stream->counter++;
      check (gnutls_hash_fast (GNUTLS_DIG_SHA256, input, sizeof input, block),
             "SHA-256");
      memcpy (dst, block, n);
      dst += n;
      length -= n;
    }
}

static gnutls_datum_t
mpz_datum (const mpz_t value)
{
  gnutls_datum_t datum;
  size_t count = 0;

  datum.data = mpz_export (NULL, &count, 1, 1, 1, 0, value);
  datum.size = (unsigned int) count;
  return datum;
}

static gnutls_x509_privkey_t
derive_rsa (guint64 seed, const char *purpose, guint index)
{
  struct rsa_public_key pub;
  struct rsa_private_key priv;
  SeedStream stream = { .counter = 0 };
  gnutls_x509_privkey_t key;
  gnutls_datum_t d[8];

  /* Nettle's generator with a seeded stream: deterministic, and several
   * times faster than GnuTLS's seeded (FIPS 186-4 provable) one. */
  derive_bytes (seed, purpose, index, 0, stream.seed);
  rsa_public_key_init (&pub);
  rsa_private_key_init (&priv);
  mpz_set_ui (pub.e, 65537);
  if (!rsa_generate_keypair (&pub, &priv, &stream, seed_stream_random,
                             NULL, NULL, 2048, 0))
    die ("RSA key generation failed");

  /* PKCS#1 order: n, e, d, p, q, q⁻¹ mod p, d mod (p-1), d mod (q-1). */
  d[0] = mpz_datum (pub.n);
  d[1] = mpz_datum (pub.e);
  d[2] = mpz_datum (priv.d);
  d[3] = mpz_datum (priv.p);
  d[4] = mpz_datum (priv.q);
  d[5] = mpz_datum (priv.c);
  d[6] = mpz_datum (priv.a);
  d[7] = mpz_datum (priv.b);
  check (gnutls_x509_privkey_init (&key), "privkey init");
  check (gnutls_x509_privkey_import_rsa_raw2 (key, &d[0], &d[1], &d[2], &d[3],
                                              &d[4], &d[5], &d[6], &d[7]),
         "RSA key import");
  check (gnutls_x509_privkey_verify_params (key), "RSA key check");

  for (guint i = 0; i < G_N_ELEMENTS (d); i++)
    {
      gnutls_memset (d[i].data, 0, d[i].size);
      free (d[i].data);
    }
  rsa_private_key_clear (&priv);
  rsa_public_key_clear (&pub);
  gnutls_memset (&stream, 0, sizeof stream);
  return key;
}

static gnutls_x509_privkey_t
derive_key (KeyType type, guint64 seed, const char *purpose, guint index)
{
  switch (type)
    {
    case KEY_P256:
      return derive_p256 (seed, purpose, index);
    case KEY_ED25519:
      return derive_ed25519 (seed, purpose, index);
    case KEY_RSA:
      return derive_rsa (seed, purpose, index);
    default:
      g_assert_not_reached ();
    }
}

static gnutls_digest_algorithm_t
sign_digest (KeyType type)
{
  /* EdDSA hashes internally; GnuTLS wants no digest for it. */
  return type == KEY_ED25519 ? GNUTLS_DIG_UNKNOWN : GNUTLS_DIG_SHA256;
}

static gnutls_privkey_t
abstract_key (gnutls_x509_privkey_t x509_key)
{
  gnutls_privkey_t key;

  check (gnutls_privkey_init (&key), "privkey init");
  check (gnutls_privkey_import_x509 (key, x509_key,
                                     GNUTLS_PRIVKEY_IMPORT_AUTO_RELEASE),
         "privkey import");
  return key;
}

static char *
datum_to_string (gnutls_datum_t *datum)
{
  char *s = g_strndup ((const char *) datum->data, datum->size);

  gnutls_free (datum->data);
  datum->data = NULL;
  return s;
}

static void
set_key_ids (gnutls_x509_crt_t     crt,
             gnutls_x509_privkey_t key)
{
  guint8 id[64];
  size_t id_len = sizeof id;

  check (gnutls_x509_privkey_get_key_id (key, GNUTLS_KEYID_USE_SHA1, id,
                                         &id_len), "key id");
  check (gnutls_x509_crt_set_subject_key_id (crt, id, id_len), "SKI");
}

static void
make_ca (GenJob *job)
{
  gnutls_x509_privkey_t x509_key;
  gnutls_privkey_t key;
  gnutls_x509_crt_t crt;
  gnutls_datum_t out = { NULL, 0 };
  const guint8 serial[] = { 0x01 };

  x509_key = derive_key (job->key_type, job->seed, "ca", 0);
  check (gnutls_x509_privkey_export2_pkcs8 (x509_key, GNUTLS_X509_FMT_DER,
                                            NULL, GNUTLS_PKCS_PLAIN, &out),
         "CA key export");
  job->ca_key_der = g_memdup2 (out.data, out.size);
  job->ca_key_der_len = out.size;
  gnutls_memset (out.data, 0, out.size);
  gnutls_free (out.data);

  check (gnutls_x509_crt_init (&crt), "crt init");
  check (gnutls_x509_crt_set_version (crt, 3), "version");
  check (gnutls_x509_crt_set_serial (crt, serial, sizeof serial), "serial");
  check (gnutls_x509_crt_set_dn (crt, "CN=Certkeeper Bench CA,O=Certkeeper Bench,C=US",
                                 NULL), "CA DN");
  check (gnutls_x509_crt_set_issuer_dn (crt, "CN=Certkeeper Bench CA,O=Certkeeper Bench,C=US",
                                        NULL), "CA issuer DN");
  /* Wide enough for every leaf's validity. */
  check (gnutls_x509_crt_set_activation_time (crt, job->now - 3650L * DAY), "CA start");
  check (gnutls_x509_crt_set_expiration_time (crt, job->now + 3650L * DAY), "CA end");
  check (gnutls_x509_crt_set_key (crt, x509_key), "CA key");
  check (gnutls_x509_crt_set_basic_constraints (crt, 1, -1), "CA basic constraints");
  check (gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_KEY_CERT_SIGN |
                                             GNUTLS_KEY_CRL_SIGN |
                                             GNUTLS_KEY_DIGITAL_SIGNATURE),
         "CA key usage");
  set_key_ids (crt, x509_key);

  key = abstract_key (x509_key);
  check (gnutls_x509_crt_privkey_sign (crt, crt, key,
                                       sign_digest (job->key_type),
                                       GNUTLS_PRIVKEY_FLAG_REPRODUCIBLE),
         "CA self-signature");
  check (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_DER, &out), "CA export");
  job->ca_der = g_memdup2 (out.data, out.size);
  job->ca_der_len = out.size;
  gnutls_free (out.data);

  gnutls_privkey_deinit (key);
  gnutls_x509_crt_deinit (crt);
}

/* Validity spread like a real store: some expired, some expiring within
 * 30 days, most valid for months or years. */
static void
pick_validity (GRand  *rand,
               gint64  now,
               gint64 *not_before,
               gint64 *not_after)
{
  static const int lifetimes[] = { 90, 90, 365, 397, 730, 825 };
  double r = g_rand_double (rand);
  gint64 end;

  if (r < 0.15)        /* expired up to two years ago */
    end = now - g_rand_int_range (rand, 1, 730) * (gint64) DAY;
  else if (r < 0.25)   /* expiring soon */
    end = now + g_rand_int_range (rand, 0, 30) * (gint64) DAY;
  else
    end = now + g_rand_int_range (rand, 30, 3 * 365) * (gint64) DAY;
  end += g_rand_int_range (rand, 0, DAY);

  *not_after = end;
  *not_before = end - lifetimes[g_rand_int_range (rand, 0, G_N_ELEMENTS (lifetimes))] * (gint64) DAY;
}

static void
add_san (gnutls_x509_crt_t           crt,
         gnutls_x509_subject_alt_name_t type,
         const void                 *data,
         guint                       len)
{
  check (gnutls_x509_crt_set_subject_alt_name (crt, type, data, len,
                                               GNUTLS_FSAN_APPEND), "SAN");
}

static void
make_leaf (GenJob            *job,
           guint              index,
           gnutls_x509_crt_t  ca,
           gnutls_privkey_t   ca_key,
           const guint8      *ca_key_id,
           size_t             ca_key_id_len)
{
  g_autoptr(GRand) rand = NULL;
  g_autoptr(GString) dn = g_string_new (NULL);
  g_autofree char *cn = NULL;
  gnutls_x509_privkey_t key;
  gnutls_x509_crt_t crt;
  gnutls_datum_t out = { NULL, 0 };
  guint32 seeds[3];
  guint8 serial[16];
  gint64 not_before, not_after;
  gboolean client;
  guint usage;

  /* One generator per certificate, so threads need not share one and the
   * output does not depend on how work is split between them. */
  seeds[0] = (guint32) job->seed;
  seeds[1] = (guint32) (job->seed >> 32);
  seeds[2] = index;
  rand = g_rand_new_with_seed_array (seeds, G_N_ELEMENTS (seeds));

  check (gnutls_x509_crt_init (&crt), "crt init");
  check (gnutls_x509_crt_set_version (crt, 3), "version");

  /* Positive, no leading zero, and unique through the index at the end. */
  for (guint i = 0; i < 12; i++)
    serial[i] = (guint8) g_rand_int_range (rand, 0, 256);
  serial[0] = (serial[0] & 0x7f) | 0x10;
  serial[12] = (guint8) (index >> 24);
  serial[13] = (guint8) (index >> 16);
  serial[14] = (guint8) (index >> 8);
  serial[15] = (guint8) index;
  check (gnutls_x509_crt_set_serial (crt, serial, sizeof serial), "serial");

  /* One in ten is a client (person) certificate. */
  client = g_rand_int_range (rand, 0, 10) == 0;
  if (client)
    cn = g_strdup_printf ("user-%06u", index);
  else
    cn = g_strdup_printf ("host-%06u.example.test", index);

  g_string_append_printf (dn, "CN=%s", cn);
  if (g_rand_int_range (rand, 0, 4) != 0)
    g_string_append_printf (dn, ",OU=%s", PICK (rand, units));
  g_string_append_printf (dn, ",O=%s", PICK (rand, organizations));
  if (g_rand_boolean (rand))
    g_string_append_printf (dn, ",L=%s", PICK (rand, localities));
  g_string_append_printf (dn, ",C=%s", PICK (rand, countries));
  check (gnutls_x509_crt_set_dn (crt, dn->str, NULL), dn->str);
  /* The issuer DN is copied from @ca when signing. */

  pick_validity (rand, job->now, &not_before, &not_after);
  check (gnutls_x509_crt_set_activation_time (crt, not_before), "not before");
  check (gnutls_x509_crt_set_expiration_time (crt, not_after), "not after");

  key = derive_key (job->key_type, job->seed, "leaf", index);
  check (gnutls_x509_crt_set_key (crt, key), "key");

  if (client)
    {
      g_autofree char *email = g_strdup_printf ("user-%06u@example.test", index);

      add_san (crt, GNUTLS_SAN_RFC822NAME, email, strlen (email));
      check (gnutls_x509_crt_set_key_purpose_oid (crt, GNUTLS_KP_TLS_WWW_CLIENT, 0),
             "EKU");
      check (gnutls_x509_crt_set_key_purpose_oid (crt, GNUTLS_KP_EMAIL_PROTECTION, 0),
             "EKU");
    }
  else
    {
      guint extra = g_rand_int_range (rand, 0, 4);

      add_san (crt, GNUTLS_SAN_DNSNAME, cn, strlen (cn));
      for (guint i = 0; i < extra; i++)
        {
          static const char *const prefixes[] = { "www", "api", "mail", "cdn" };
          g_autofree char *name = g_strdup_printf ("%s.host-%06u.example.test",
                                                   prefixes[i], index);

          add_san (crt, GNUTLS_SAN_DNSNAME, name, strlen (name));
        }
      if (g_rand_int_range (rand, 0, 5) == 0)
        {
          guint8 ip[4] = { 10, (guint8) (index >> 16), (guint8) (index >> 8),
                           (guint8) index };

          add_san (crt, GNUTLS_SAN_IPADDRESS, ip, sizeof ip);
        }
      check (gnutls_x509_crt_set_key_purpose_oid (crt, GNUTLS_KP_TLS_WWW_SERVER, 0),
             "EKU");
    }

  usage = GNUTLS_KEY_DIGITAL_SIGNATURE;
  if (job->key_type == KEY_RSA)
    usage |= GNUTLS_KEY_KEY_ENCIPHERMENT;
  check (gnutls_x509_crt_set_key_usage (crt, usage), "key usage");
  check (gnutls_x509_crt_set_basic_constraints (crt, 0, -1), "basic constraints");
  set_key_ids (crt, key);
  check (gnutls_x509_crt_set_authority_key_id (crt, ca_key_id, ca_key_id_len), "AKI");

  /* REPRODUCIBLE: RFC 6979 ECDSA, so signatures depend on the seed only. */
  check (gnutls_x509_crt_privkey_sign (crt, ca, ca_key,
                                       sign_digest (job->key_type),
                                       GNUTLS_PRIVKEY_FLAG_REPRODUCIBLE),
         "signature");
  check (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_PEM, &out), "export");
  job->cert_pem[index] = datum_to_string (&out);

  if (job->key_pem != NULL)
    {
      check (gnutls_x509_privkey_export2_pkcs8 (key, GNUTLS_X509_FMT_PEM, NULL,
                                                GNUTLS_PKCS_PLAIN, &out),
             "key export");
      job->key_pem[index] = g_strndup ((const char *) out.data, out.size);
      gnutls_memset (out.data, 0, out.size);
      gnutls_free (out.data);
    }

  gnutls_x509_privkey_deinit (key);
  gnutls_x509_crt_deinit (crt);
}

static gpointer
gen_thread (gpointer data)
{
  GenThread *thread = data;
  GenJob *job = thread->job;
  gnutls_x509_crt_t ca;
  gnutls_x509_privkey_t ca_x509_key;
  gnutls_privkey_t ca_key;
  guint8 ca_key_id[64];
  size_t ca_key_id_len = sizeof ca_key_id;

  /* Each thread parses its own copy of the CA: GnuTLS objects are not
   * meant to be shared between threads. */
  check (gnutls_x509_crt_init (&ca), "crt init");
  check (gnutls_x509_crt_import (ca, &(gnutls_datum_t) { (guint8 *) job->ca_der,
                                                         job->ca_der_len },
                                 GNUTLS_X509_FMT_DER), "CA import");
  check (gnutls_x509_privkey_init (&ca_x509_key), "privkey init");
  check (gnutls_x509_privkey_import_pkcs8 (ca_x509_key,
                                           &(gnutls_datum_t) { (guint8 *) job->ca_key_der,
                                                               job->ca_key_der_len },
                                           GNUTLS_X509_FMT_DER, NULL,
                                           GNUTLS_PKCS_PLAIN),
         "CA key import");
  check (gnutls_x509_crt_get_subject_key_id (ca, ca_key_id, &ca_key_id_len, NULL),
         "CA SKI");
  ca_key = abstract_key (ca_x509_key);

  for (guint i = thread->first; i < job->n; i += job->n_threads)
    make_leaf (job, i, ca, ca_key, ca_key_id, ca_key_id_len);

  gnutls_privkey_deinit (ca_key);
  gnutls_x509_crt_deinit (ca);
  return NULL;
}

static FILE *
open_output (const char *path)
{
  FILE *f = fopen (path, "w");

  if (f == NULL)
    die ("%s: %s", path, g_strerror (errno));
  return f;
}

static void
close_output (FILE *f, const char *path)
{
  if (ferror (f) || fclose (f) != 0)
    die ("%s: write failed", path);
}

static char *
ca_pem (GenJob *job)
{
  gnutls_datum_t out = { NULL, 0 };

  check (gnutls_pem_base64_encode2 ("CERTIFICATE",
                                    &(gnutls_datum_t) { (guint8 *) job->ca_der,
                                                        job->ca_der_len },
                                    &out), "CA PEM");
  return datum_to_string (&out);
}

int
main (int argc, char **argv)
{
  gint64 n = 1000;
  gint64 seed = 1;
  gint64 now = 0;
  int threads = 0;
  g_autofree char *key_type = NULL;
  g_autofree char *out_certs = NULL;
  g_autofree char *out_ca = NULL;
  g_autofree char *out_keys = NULL;
  gboolean ca_in_bundle = FALSE;
  gboolean quiet = FALSE;
  GOptionEntry entries[] = {
    { "count", 'n', 0, G_OPTION_ARG_INT64, &n, "Number of leaf certificates (1000)", "N" },
    { "seed", 's', 0, G_OPTION_ARG_INT64, &seed, "Seed: same seed, same bytes (1)", "S" },
    { "now", 0, 0, G_OPTION_ARG_INT64, &now,
      "Reference time for validity dates, seconds since the epoch (today 00:00 UTC)", "T" },
    { "key-type", 't', 0, G_OPTION_ARG_STRING, &key_type,
      "p256 (default), ed25519 or rsa (RSA-2048, about 20× slower)", "TYPE" },
    { "out-certs", 'o', 0, G_OPTION_ARG_FILENAME, &out_certs,
      "Write the leaf certificates here, PEM (required)", "FILE" },
    { "out-ca", 0, 0, G_OPTION_ARG_FILENAME, &out_ca, "Write the CA certificate here", "FILE" },
    { "out-keys", 0, 0, G_OPTION_ARG_FILENAME, &out_keys,
      "Write the leaf keys here, unencrypted PKCS#8 PEM, in certificate order", "FILE" },
    { "ca-in-bundle", 0, 0, G_OPTION_ARG_NONE, &ca_in_bundle,
      "Also put the CA first in the certificate bundle", NULL },
    { "threads", 'j', 0, G_OPTION_ARG_INT, &threads, "Worker threads (number of CPUs)", "J" },
    { "quiet", 'q', 0, G_OPTION_ARG_NONE, &quiet, "Do not report the time taken", NULL },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree GThread **workers = NULL;
  g_autofree GenThread *thread_data = NULL;
  GenJob job = { 0 };
  gint64 start;
  FILE *f;

  context = g_option_context_new ("- generate CA-signed certificates and keys for benchmarks");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    die ("%s", error->message);
  if (out_certs == NULL)
    die ("--out-certs is required");
  if (n < 1 || n > 16777215)
    die ("-n must be between 1 and 16777215");

  if (key_type == NULL || g_str_equal (key_type, "p256"))
    job.key_type = KEY_P256;
  else if (g_str_equal (key_type, "ed25519"))
    job.key_type = KEY_ED25519;
  else if (g_str_equal (key_type, "rsa"))
    job.key_type = KEY_RSA;
  else
    die ("unknown key type %s", key_type);

  if (now == 0)
    now = (g_get_real_time () / G_USEC_PER_SEC) / DAY * DAY;
  if (threads <= 0)
    threads = (int) g_get_num_processors ();
  threads = (int) MIN ((gint64) threads, n);

  job.seed = (guint64) seed;
  job.now = now;
  job.n = (guint) n;
  job.n_threads = (guint) threads;
  job.cert_pem = g_new0 (char *, job.n);
  if (out_keys != NULL)
    job.key_pem = g_new0 (char *, job.n);

  start = g_get_monotonic_time ();
  make_ca (&job);

  workers = g_new0 (GThread *, job.n_threads);
  thread_data = g_new0 (GenThread, job.n_threads);
  for (guint t = 0; t < job.n_threads; t++)
    {
      thread_data[t].job = &job;
      thread_data[t].first = t;
      workers[t] = g_thread_new ("gen", gen_thread, &thread_data[t]);
    }
  for (guint t = 0; t < job.n_threads; t++)
    g_thread_join (workers[t]);

  f = open_output (out_certs);
  if (ca_in_bundle)
    {
      g_autofree char *pem = ca_pem (&job);
      fputs (pem, f);
    }
  for (guint i = 0; i < job.n; i++)
    fputs (job.cert_pem[i], f);
  close_output (f, out_certs);

  if (out_ca != NULL)
    {
      g_autofree char *pem = ca_pem (&job);

      f = open_output (out_ca);
      fputs (pem, f);
      close_output (f, out_ca);
    }

  if (out_keys != NULL)
    {
      f = open_output (out_keys);
      for (guint i = 0; i < job.n; i++)
        fputs (job.key_pem[i], f);
      close_output (f, out_keys);
    }

  if (!quiet)
    fprintf (stderr, "ck-bench-gen: %u certificates (%s) in %.2f s with %u threads\n",
             job.n, key_type ? key_type : "p256",
             (g_get_monotonic_time () - start) / 1e6, job.n_threads);

  for (guint i = 0; i < job.n; i++)
    {
      g_free (job.cert_pem[i]);
      if (job.key_pem != NULL)
        {
          gnutls_memset (job.key_pem[i], 0, strlen (job.key_pem[i]));
          g_free (job.key_pem[i]);
        }
    }
  g_free (job.cert_pem);
  g_free (job.key_pem);
  g_free (job.ca_der);
  gnutls_memset (job.ca_key_der, 0, job.ca_key_der_len);
  g_free (job.ca_key_der);
  return 0;
}
