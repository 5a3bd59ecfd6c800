/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ck-bench-parse: the baseline the importer is measured against. A bare
 * GnuTLS loop over a PEM bundle: read the file, split it into blocks,
 * gnutls_x509_crt_import each certificate (and
 * gnutls_x509_privkey_import_pkcs8 each unencrypted key), free it.
 *
 * --derive also computes what a store row needs (DNs as strings, SHA-1
 * and SHA-256 fingerprints, SPKI SHA-256, key algorithm, serial, dates,
 * SANs), the cheapest way found: a floor for any importer that keeps
 * those, to tell what parsing must cost from the core's own overhead.
 *
 * --keep frees nothing until the end, as an import plan holds every parsed
 * certificate: its peak RSS is what the GnuTLS objects alone cost. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "ck-bench-common.h"

enum {
  FIG_TOTAL_MS,
  FIG_CERTS,
  FIG_KEYS,
  FIG_OTHER,
  FIG_CPU_MS,
};

typedef struct {
  const char *path;
  gboolean    derive;
  gboolean    keep;
  GPtrArray  *kept;   /* gnutls_x509_crt_t, with --keep */
} ParseJob;

/* The element at @p (within @end): its full length, and where its content
 * starts. FALSE when it is not a definite-length DER element. */
static gboolean
der_element (const guint8  *p,
             const guint8  *end,
             const guint8 **content,
             gsize         *length)
{
  gsize header = 2, len = 0;

  if (end - p < 2 || (p[0] & 0x1f) == 0x1f)
    return FALSE;
  if (p[1] < 0x80)
    len = p[1];
  else
    {
      guint n = p[1] & 0x7f;

      if (n == 0 || n > 4 || (gsize) (end - p) < 2 + n)
        return FALSE;
      for (guint i = 0; i < n; i++)
        len = (len << 8) | p[2 + i];
      header += n;
    }
  if (len > (gsize) (end - p) - header)
    return FALSE;
  *content = p + header;
  *length = header + len;
  return TRUE;
}

/* The SubjectPublicKeyInfo inside a certificate's DER, found by walking
 * tbsCertificate: [0] version, serial, signature, issuer, validity,
 * subject, then SPKI. No ASN.1 tree is built. */
static gboolean
find_spki (const gnutls_datum_t *der,
           const guint8        **spki,
           gsize                *spki_len)
{
  const guint8 *end = der->data + der->size, *p, *tbs;
  gsize len;

  if (!der_element (der->data, end, &tbs, &len) ||
      !der_element (tbs, end, &p, &len))
    return FALSE;
  end = tbs + len;
  if (*p == 0xa0 && !der_element (p, end, &tbs, &len))
    return FALSE;
  if (*p == 0xa0)
    p += len;
  for (guint skip = 0; skip < 5; skip++)
    {
      if (!der_element (p, end, &tbs, &len))
        return FALSE;
      p += len;
    }
  if (!der_element (p, end, &tbs, &len))
    return FALSE;
  *spki = p;
  *spki_len = len;
  return TRUE;
}

/* The cheapest way to get what a store row holds: hash the DER as it is
 * (not re-encoded), find the SPKI by walking the DER, and read the SANs
 * GnuTLS already decoded on import. */
static gboolean
derive_certificate (gnutls_x509_crt_t     crt,
                    const gnutls_datum_t *der)
{
  static gboolean spki_checked = FALSE;
  gnutls_datum_t dn = { NULL, 0 };
  const guint8 *spki;
  gsize spki_len;
  guint8 buf[64];
  size_t size;
  char san[256];
  unsigned int bits;
  int ret;

  if (gnutls_x509_crt_get_dn3 (crt, &dn, 0) < 0)
    return FALSE;
  gnutls_free (dn.data);
  if (gnutls_x509_crt_get_issuer_dn3 (crt, &dn, 0) < 0)
    return FALSE;
  gnutls_free (dn.data);

  if (gnutls_hash_fast (GNUTLS_DIG_SHA256, der->data, der->size, buf) < 0 ||
      gnutls_hash_fast (GNUTLS_DIG_SHA1, der->data, der->size, buf) < 0)
    return FALSE;
  if (!find_spki (der, &spki, &spki_len) ||
      gnutls_hash_fast (GNUTLS_DIG_SHA256, spki, spki_len, buf) < 0)
    return FALSE;
  if (!spki_checked)
    {
      /* Once per run: the DER walk finds what GnuTLS calls the key ID. */
      guint8 id[32];

      size = sizeof id;
      if (gnutls_x509_crt_get_key_id (crt, GNUTLS_KEYID_USE_SHA256, id, &size) < 0 ||
          memcmp (id, buf, sizeof id) != 0)
        {
          fprintf (stderr, "ck-bench-parse: the SPKI walk found the wrong bytes\n");
          return FALSE;
        }
      spki_checked = TRUE;
    }
  if (gnutls_x509_crt_get_pk_algorithm (crt, &bits) < 0)
    return FALSE;

  size = sizeof buf;
  if (gnutls_x509_crt_get_serial (crt, buf, &size) < 0)
    return FALSE;
  if (gnutls_x509_crt_get_activation_time (crt) == (time_t) -1 ||
      gnutls_x509_crt_get_expiration_time (crt) == (time_t) -1)
    return FALSE;

  for (unsigned int i = 0;; i++)
    {
      size = sizeof san;
      ret = gnutls_x509_crt_get_subject_alt_name (crt, i, san, &size, NULL);
      if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
        break;
      if (ret < 0)
        return FALSE;
    }
  return TRUE;
}

static gboolean
parse_block (ParseJob          *job,
             const char        *label,
             const char        *block,
             gsize              block_len,
             CkBenchFigures    *figures)
{
  gnutls_datum_t datum = { (unsigned char *) block, (unsigned int) block_len };
  gboolean ok = TRUE;

  if (g_str_equal (label, "CERTIFICATE"))
    {
      gnutls_x509_crt_t crt;
      gnutls_datum_t der = { NULL, 0 };

      gnutls_x509_crt_init (&crt);
      if (job->derive)
        /* Decoded here, as the importer does, so the DER can be hashed. */
        ok = gnutls_pem_base64_decode2 ("CERTIFICATE", &datum, &der) == 0 &&
             gnutls_x509_crt_import (crt, &der, GNUTLS_X509_FMT_DER) == 0 &&
             derive_certificate (crt, &der);
      else
        ok = gnutls_x509_crt_import (crt, &datum, GNUTLS_X509_FMT_PEM) == 0;
      gnutls_free (der.data);
      if (job->keep)
        g_ptr_array_add (job->kept, crt);
      else
        gnutls_x509_crt_deinit (crt);
      figures->values[FIG_CERTS]++;
    }
  else if (g_str_equal (label, "PRIVATE KEY"))
    {
      gnutls_x509_privkey_t key;
      guint8 id[32];
      size_t size = sizeof id;

      gnutls_x509_privkey_init (&key);
      ok = gnutls_x509_privkey_import_pkcs8 (key, &datum, GNUTLS_X509_FMT_PEM,
                                             NULL, GNUTLS_PKCS_PLAIN) == 0 &&
           (!job->derive ||
            gnutls_x509_privkey_get_key_id (key, GNUTLS_KEYID_USE_SHA256,
                                            id, &size) == 0);
      gnutls_x509_privkey_deinit (key);
      figures->values[FIG_KEYS]++;
    }
  else
    figures->values[FIG_OTHER]++;

  if (!ok)
    fprintf (stderr, "%s: a %s block does not parse\n", job->path, label);
  return ok;
}

static gboolean
parse_run (gpointer        data,
           CkBenchFigures *figures)
{
  ParseJob *job = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *contents = NULL;
  gsize len, pos = 0, block_len;
  const char *block;
  char label[64];
  double start, cpu_start;

  if (job->keep)
    job->kept = g_ptr_array_new_with_free_func ((GDestroyNotify) gnutls_x509_crt_deinit);
  start = ck_bench_now_ms ();
  cpu_start = ck_bench_cpu_ms ();
  /* The file is read inside the timed region, as the importer must. */
  if (!g_file_get_contents (job->path, &contents, &len, &error))
    {
      fprintf (stderr, "%s\n", error->message);
      return FALSE;
    }
  while (ck_bench_next_pem_block (contents, len, &pos, label, sizeof label,
                                  &block, &block_len))
    if (!parse_block (job, label, block, block_len, figures))
      return FALSE;
  figures->values[FIG_TOTAL_MS] = ck_bench_now_ms () - start;
  figures->values[FIG_CPU_MS] = ck_bench_cpu_ms () - cpu_start;
  /* ru_maxrss is a high-water mark: freeing now does not lower it. */
  g_clear_pointer (&job->kept, g_ptr_array_unref);
  return TRUE;
}

int
main (int argc, char **argv)
{
  int runs = 7;
  gboolean derive = FALSE;
  gboolean in_process = FALSE;
  gboolean keep = FALSE;
  GOptionEntry entries[] = {
    { "runs", 'r', 0, G_OPTION_ARG_INT, &runs, "Runs, each in a fresh process (7)", "R" },
    { "derive", 'd', 0, G_OPTION_ARG_NONE, &derive,
      "Also compute the values a store row needs", NULL },
    { "keep", 'k', 0, G_OPTION_ARG_NONE, &keep,
      "Keep every parsed certificate until the end (memory of an import plan)", NULL },
    { "in-process", 0, 0, G_OPTION_ARG_NONE, &in_process,
      "Do not fork for each run (for valgrind and perf)", NULL },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree double *totals = NULL;
  g_autofree double *cpu = NULL;
  CkBenchFigures figures;
  ParseJob job = { 0 };
  const char *mode;
  double items, median;
  long rss = 0;
  char key[128];

  context = g_option_context_new ("BUNDLE.pem - time a bare GnuTLS parse loop");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc != 2 || runs < 1)
    {
      fprintf (stderr, "usage: ck-bench-parse [--runs R] [--derive] [--keep] BUNDLE.pem\n");
      return 2;
    }
  job.path = argv[1];
  job.derive = derive;
  job.keep = keep;
  mode = keep ? "keep" : derive ? "derive" : "bare";

  if (gnutls_global_init () < 0)
    return 1;

  totals = g_new0 (double, runs);
  cpu = g_new0 (double, runs);
  for (int r = 0; r < runs; r++)
    {
      if (!ck_bench_run (parse_run, &job, in_process, &figures))
        return 1;
      totals[r] = figures.values[FIG_TOTAL_MS];
      cpu[r] = figures.values[FIG_CPU_MS];
      rss = MAX (rss, figures.peak_rss_kb);
    }

  items = figures.values[FIG_CERTS] + figures.values[FIG_KEYS];
  if (items == 0)
    {
      fprintf (stderr, "%s: no certificate or key blocks\n", job.path);
      return 1;
    }
  median = ck_bench_median (totals, runs);
  printf ("parse (%s GnuTLS loop): %.0f certificates, %.0f keys, %.0f other blocks\n"
          "  %.1f ms total, %.4f ms per item (median of %d; best %.4f; CPU %.4f),"
          " peak RSS %ld KiB\n",
          mode, figures.values[FIG_CERTS], figures.values[FIG_KEYS],
          figures.values[FIG_OTHER], median, median / items, runs,
          ck_bench_min (totals, runs) / items, ck_bench_median (cpu, runs) / items, rss);

#define RESULT(name, value) \
  (g_snprintf (key, sizeof key, "parse.%s.%s", mode, name), ck_bench_result (key, value))
  RESULT ("items", items);
  RESULT ("total_ms", median);
  RESULT ("ms_per_item", median / items);
  RESULT ("best_ms_per_item", ck_bench_min (totals, runs) / items);
  RESULT ("cpu_ms_per_item", ck_bench_median (cpu, runs) / items);
  RESULT ("rss_kb", rss);
#undef RESULT

  gnutls_global_deinit ();
  return 0;
}
