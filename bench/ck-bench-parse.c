/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ck-bench-parse: the baseline the importer is measured against. A bare
 * GnuTLS loop over a PEM bundle: read the file, split it into blocks,
 * gnutls_x509_crt_import each certificate (and
 * gnutls_x509_privkey_import_pkcs8 each unencrypted key), free it.
 *
 * --derive also computes what a store row needs (DNs as strings, SHA-1
 * and SHA-256 fingerprints, SPKI SHA-256, serial, dates, SANs): a floor
 * for any importer that keeps those, to tell parsing cost from the
 * core's own overhead.
 *
 * --keep frees nothing until the end, as an import plan holds every parsed
 * certificate: its peak RSS is what the GnuTLS objects alone cost. */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>
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

static gboolean
derive_certificate (gnutls_x509_crt_t crt)
{
  gnutls_datum_t dn = { NULL, 0 };
  guint8 buf[64];
  size_t size;
  char san[256];
  int ret;

  if (gnutls_x509_crt_get_dn3 (crt, &dn, 0) < 0)
    return FALSE;
  gnutls_free (dn.data);
  if (gnutls_x509_crt_get_issuer_dn3 (crt, &dn, 0) < 0)
    return FALSE;
  gnutls_free (dn.data);

  size = sizeof buf;
  if (gnutls_x509_crt_get_fingerprint (crt, GNUTLS_DIG_SHA256, buf, &size) < 0)
    return FALSE;
  size = sizeof buf;
  if (gnutls_x509_crt_get_fingerprint (crt, GNUTLS_DIG_SHA1, buf, &size) < 0)
    return FALSE;
  size = sizeof buf;
  if (gnutls_x509_crt_get_key_id (crt, GNUTLS_KEYID_USE_SHA256, buf, &size) < 0)
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

      gnutls_x509_crt_init (&crt);
      ok = gnutls_x509_crt_import (crt, &datum, GNUTLS_X509_FMT_PEM) == 0 &&
           (!job->derive || derive_certificate (crt));
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
