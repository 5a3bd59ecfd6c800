/* SPDX-License-Identifier: GPL-3.0-or-later */
/* ck-bench-store: the core's import and list paths, timed.
 *
 *   ck-bench-store import [--runs R] FILE…   CkImporter + ck_store_commit
 *                                            into a fresh temporary store
 *   ck-bench-store build STORE-DIR FILE…     one import into STORE-DIR (to
 *                                            make the store `list` reads)
 *   ck-bench-store list [--runs R] STORE-DIR ck_store_open + every row of
 *                                            the certificate GListModel
 *   ck-bench-store plan [--runs R] FILE…     CkImporter alone, no store: the
 *                                            parse, to compare containers
 *                                            (PKCS#7 against PEM)
 *
 * Every run happens in a forked child: a fresh process with its own peak
 * RSS, like a real certkeeper-cli or app start (minus exec and dynamic
 * linking, which the hyperfine figures of run.sh include). */

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib/gstdio.h>

#include "certkeeper-core.h"
#include "ck-bench-common.h"

enum {
  FIG_OPEN_MS,
  FIG_PARSE_MS,
  FIG_COMMIT_MS,
  FIG_TEARDOWN_MS,
  FIG_CERTS,
  FIG_KEYS,
  FIG_WRITTEN,
  FIG_PARSE_CPU_MS,
  FIG_COMMIT_CPU_MS,
};

enum {
  FIG_LIST_OPEN_MS,
  FIG_LIST_MODEL_MS,
  FIG_LIST_ROWS_MS,
  FIG_LIST_WARM_MS,
  FIG_LIST_SEARCH_MS,
  FIG_LIST_N,
  FIG_LIST_EXPIRED,
  FIG_LIST_MATCHES,
  FIG_LIST_CPU_MS,
  FIG_LIST_WARM_CPU_MS,
};

/* Warm runs: open + list again in the same process. */
#define WARM_RUNS 3

typedef struct {
  char       **files;
  const char  *store_dir;   /* NULL: a temporary store, removed after */
  gboolean     plan_only;   /* no store at all: parse into a plan */
} ImportJob;

typedef struct {
  const char *store_dir;
} ListJob;

static gboolean
fail (const char *what, const GError *error)
{
  fprintf (stderr, "ck-bench-store: %s: %s\n", what,
           error != NULL ? error->message : "failed");
  return FALSE;
}

/* Reads @files into @importer's plan and counts what it found; FALSE when
 * a file cannot be read or the plan has problems. */
static gboolean
fill_plan (CkImporter     *importer,
           char          **files,
           CkBenchFigures *figures)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *problems = NULL;
  CkImportPlan *plan;

  for (guint i = 0; files[i] != NULL; i++)
    {
      g_autoptr(GFile) file = g_file_new_for_commandline_arg (files[i]);

      if (!ck_importer_add_file (importer, file, NULL, &error))
        return fail (files[i], error);
    }
  plan = ck_importer_get_plan (importer);
  figures->values[FIG_CERTS] = ck_import_plan_count (plan, CK_IMPORT_ITEM_CERTIFICATE);
  figures->values[FIG_KEYS] = ck_import_plan_count (plan, CK_IMPORT_ITEM_PRIVATE_KEY);
  problems = ck_import_plan_describe_problems (plan);
  if (problems != NULL)
    {
      fprintf (stderr, "ck-bench-store: the bundle has problems:\n%.2000s\n", problems);
      return FALSE;
    }
  return TRUE;
}

/* The importer without a store: reading the files into a plan. */
static gboolean
plan_run (ImportJob      *job,
          CkBenchFigures *figures)
{
  CkImporter *importer;
  double t1, t2, c1, c2;

  t1 = ck_bench_now_ms ();
  c1 = ck_bench_cpu_ms ();
  importer = ck_importer_new (NULL);
  if (!fill_plan (importer, job->files, figures))
    return FALSE;
  t2 = ck_bench_now_ms ();
  c2 = ck_bench_cpu_ms ();
  figures->values[FIG_PARSE_MS] = t2 - t1;
  figures->values[FIG_PARSE_CPU_MS] = c2 - c1;
  g_object_unref (importer);
  return TRUE;
}

static gboolean
import_run (gpointer        data,
            CkBenchFigures *figures)
{
  ImportJob *job = data;
  g_autoptr(GError) error = NULL;
  g_autofree char *tmp_dir = NULL;
  const char *dir = job->store_dir;
  CkStore *store;
  CkImporter *importer;
  CkImportPlan *plan;
  CkCommitSummary summary = { 0 };
  double t0, t1, t2, t3, c1, c2, c3;
  gboolean ok;

  ck_core_init ();
  if (job->plan_only)
    return plan_run (job, figures);
  if (dir == NULL)
    {
      tmp_dir = g_dir_make_tmp ("ck-bench-store-XXXXXX", &error);
      if (tmp_dir == NULL)
        return fail ("temporary directory", error);
      dir = tmp_dir;
    }

  t0 = ck_bench_now_ms ();
  store = ck_store_open (dir, &error);
  if (store == NULL)
    return fail (dir, error);

  t1 = ck_bench_now_ms ();
  c1 = ck_bench_cpu_ms ();
  importer = ck_importer_new (store);
  if (!fill_plan (importer, job->files, figures))
    return FALSE;
  plan = ck_importer_get_plan (importer);

  t2 = ck_bench_now_ms ();
  c2 = ck_bench_cpu_ms ();
  ok = ck_store_commit (store, plan, NULL, CK_COMMIT_NO_KEY_PASSPHRASE,
                        NULL, NULL, &summary, &error);
  t3 = ck_bench_now_ms ();
  c3 = ck_bench_cpu_ms ();
  if (!ok)
    return fail ("commit", error);

  figures->values[FIG_OPEN_MS] = t1 - t0;
  figures->values[FIG_PARSE_MS] = t2 - t1;
  figures->values[FIG_COMMIT_MS] = t3 - t2;
  figures->values[FIG_PARSE_CPU_MS] = c2 - c1;
  figures->values[FIG_COMMIT_CPU_MS] = c3 - c2;
  figures->values[FIG_WRITTEN] = summary.certificates + summary.keys;

  /* Freeing tens of thousands of objects is part of what a CLI run pays. */
  g_object_unref (importer);
  g_object_unref (store);
  figures->values[FIG_TEARDOWN_MS] = ck_bench_now_ms () - t3;

  if (tmp_dir != NULL)
    ck_bench_remove_dir (tmp_dir);

  if (summary.certificates != figures->values[FIG_CERTS] ||
      summary.keys != figures->values[FIG_KEYS])
    {
      fprintf (stderr, "ck-bench-store: found %.0f certificates and %.0f keys "
               "but wrote %u and %u (%u skipped)\n",
               figures->values[FIG_CERTS], figures->values[FIG_KEYS],
               summary.certificates, summary.keys, summary.skipped);
      return FALSE;
    }
  return TRUE;
}

/* Opens the store and reads what a list view shows for every row. */
static gboolean
open_and_list (const char *dir,
               double     *open_ms,
               double     *model_ms,
               double     *rows_ms,
               double     *cpu_ms,
               CkStore   **out_store,
               guint      *out_expired)
{
  g_autoptr(GError) error = NULL;
  GListModel *model;
  CkStore *store;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  double t0, t1, t2, t3, c0;
  guint n, expired = 0;
  gsize name_bytes = 0;

  t0 = ck_bench_now_ms ();
  c0 = ck_bench_cpu_ms ();
  store = ck_store_open (dir, &error);
  if (store == NULL)
    return fail (dir, error);
  t1 = ck_bench_now_ms ();
  model = ck_store_get_certificates (store);
  n = g_list_model_get_n_items (model);
  t2 = ck_bench_now_ms ();
  for (guint i = 0; i < n; i++)
    {
      CkStoredCertificate *row = g_list_model_get_item (model, i);

      name_bytes += strlen (ck_stored_certificate_get_display_name (row));
      if (ck_stored_certificate_get_not_after (row) < now)
        expired++;
      g_object_unref (row);
    }
  t3 = ck_bench_now_ms ();

  /* A store of certificates has non-empty names: also keeps the loop. */
  if (n > 0 && name_bytes == 0)
    return fail (dir, NULL);

  *open_ms = t1 - t0;
  *model_ms = t2 - t1;
  *rows_ms = t3 - t2;
  *cpu_ms = ck_bench_cpu_ms () - c0;
  *out_expired = expired;
  *out_store = store;
  return TRUE;
}

static gboolean
list_run (gpointer        data,
          CkBenchFigures *figures)
{
  ListJob *job = data;
  double warm[WARM_RUNS], warm_cpu[WARM_RUNS];
  double open_ms, model_ms, rows_ms, cpu_ms, start;
  CkStore *store;
  GListModel *model;
  guint expired, n, matches = 0;

  ck_core_init ();
  if (!open_and_list (job->store_dir, &open_ms, &model_ms, &rows_ms, &cpu_ms,
                      &store, &expired))
    return FALSE;
  figures->values[FIG_LIST_CPU_MS] = cpu_ms;
  figures->values[FIG_LIST_OPEN_MS] = open_ms;
  figures->values[FIG_LIST_MODEL_MS] = model_ms;
  figures->values[FIG_LIST_ROWS_MS] = rows_ms;
  figures->values[FIG_LIST_EXPIRED] = expired;

  /* The search the list's filter does on each key press. */
  model = ck_store_get_certificates (store);
  n = g_list_model_get_n_items (model);
  figures->values[FIG_LIST_N] = n;
  start = ck_bench_now_ms ();
  for (guint i = 0; i < n; i++)
    {
      CkStoredCertificate *row = g_list_model_get_item (model, i);

      if (ck_stored_certificate_matches (row, "host-0999"))
        matches++;
      g_object_unref (row);
    }
  figures->values[FIG_LIST_SEARCH_MS] = ck_bench_now_ms () - start;
  figures->values[FIG_LIST_MATCHES] = matches;
  g_object_unref (store);

  for (guint r = 0; r < WARM_RUNS; r++)
    {
      if (!open_and_list (job->store_dir, &open_ms, &model_ms, &rows_ms, &cpu_ms,
                          &store, &expired))
        return FALSE;
      g_object_unref (store);
      warm[r] = open_ms + model_ms + rows_ms;
      warm_cpu[r] = cpu_ms;
    }
  figures->values[FIG_LIST_WARM_MS] = ck_bench_median (warm, WARM_RUNS);
  figures->values[FIG_LIST_WARM_CPU_MS] = ck_bench_median (warm_cpu, WARM_RUNS);
  return TRUE;
}

static double
median_of (GArray *runs, guint figure)
{
  g_autofree double *v = g_new (double, runs->len);

  for (guint i = 0; i < runs->len; i++)
    v[i] = g_array_index (runs, CkBenchFigures, i).values[figure];
  return ck_bench_median (v, runs->len);
}

static long
max_rss (GArray *runs)
{
  long rss = 0;

  for (guint i = 0; i < runs->len; i++)
    rss = MAX (rss, g_array_index (runs, CkBenchFigures, i).peak_rss_kb);
  return rss;
}

static GArray *
run_many (CkBenchFunc func, gpointer data, int runs, gboolean in_process)
{
  GArray *results = g_array_new (FALSE, TRUE, sizeof (CkBenchFigures));

  for (int r = 0; r < runs; r++)
    {
      CkBenchFigures figures;

      if (!ck_bench_run (func, data, in_process, &figures))
        {
          g_array_unref (results);
          return NULL;
        }
      g_array_append_val (results, figures);
    }
  return results;
}

static int
report_import (GArray *runs, const char *prefix)
{
  const CkBenchFigures *first = &g_array_index (runs, CkBenchFigures, 0);
  double items = first->values[FIG_CERTS] + first->values[FIG_KEYS];
  double open_ms = median_of (runs, FIG_OPEN_MS);
  double parse_ms = median_of (runs, FIG_PARSE_MS);
  double commit_ms = median_of (runs, FIG_COMMIT_MS);
  double teardown_ms = median_of (runs, FIG_TEARDOWN_MS);
  g_autofree double *totals = g_new (double, runs->len);
  g_autofree double *cpu = g_new (double, runs->len);
  double total_ms, cpu_ms;
  char key[128];

  /* The median of the sums, not the sum of the medians. */
  for (guint i = 0; i < runs->len; i++)
    {
      const CkBenchFigures *f = &g_array_index (runs, CkBenchFigures, i);
      totals[i] = f->values[FIG_PARSE_MS] + f->values[FIG_COMMIT_MS];
      cpu[i] = f->values[FIG_PARSE_CPU_MS] + f->values[FIG_COMMIT_CPU_MS];
    }
  total_ms = ck_bench_median (totals, runs->len);
  cpu_ms = ck_bench_median (cpu, runs->len);

  printf ("%s: %.0f certificates, %.0f keys (median of %u runs)\n"
          "  open %.1f ms | parse %.1f ms (%.4f ms/item) | commit %.1f ms (%.4f ms/item)\n"
          "  parse+commit %.1f ms (%.4f ms/item; CPU %.4f ms/item) | teardown %.1f ms"
          " | peak RSS %ld KiB\n",
          prefix, first->values[FIG_CERTS], first->values[FIG_KEYS], runs->len,
          open_ms, parse_ms, parse_ms / items, commit_ms, commit_ms / items,
          total_ms, total_ms / items, cpu_ms / items, teardown_ms, max_rss (runs));

#define RESULT(name, value) \
  (g_snprintf (key, sizeof key, "%s.%s", prefix, name), ck_bench_result (key, value))
  RESULT ("items", items);
  RESULT ("open_ms", open_ms);
  RESULT ("parse_ms", parse_ms);
  RESULT ("commit_ms", commit_ms);
  RESULT ("teardown_ms", teardown_ms);
  RESULT ("total_ms", total_ms);
  RESULT ("parse_ms_per_item", parse_ms / items);
  RESULT ("commit_ms_per_item", commit_ms / items);
  RESULT ("ms_per_item", total_ms / items);
  RESULT ("cpu_ms_per_item", cpu_ms / items);
  RESULT ("parse_cpu_ms_per_item", median_of (runs, FIG_PARSE_CPU_MS) / items);
  RESULT ("commit_cpu_ms_per_item", median_of (runs, FIG_COMMIT_CPU_MS) / items);
  RESULT ("rss_kb", max_rss (runs));
#undef RESULT
  return 0;
}

static int
report_list (GArray *runs)
{
  const CkBenchFigures *first = &g_array_index (runs, CkBenchFigures, 0);
  g_autofree double *totals = g_new (double, runs->len);
  double cold_ms;

  for (guint i = 0; i < runs->len; i++)
    {
      const CkBenchFigures *f = &g_array_index (runs, CkBenchFigures, i);
      totals[i] = f->values[FIG_LIST_OPEN_MS] + f->values[FIG_LIST_MODEL_MS] +
                  f->values[FIG_LIST_ROWS_MS];
    }
  cold_ms = ck_bench_median (totals, runs->len);

  printf ("list: %.0f rows (%.0f expired; %.0f match \"host-0999\"), median of %u processes\n"
          "  cold process: open %.1f ms | model %.1f ms | rows %.1f ms | total %.1f ms (CPU %.1f ms)\n"
          "  warm (reopen in the same process): total %.1f ms (CPU %.1f ms) | search %.1f ms"
          " | peak RSS %ld KiB\n",
          first->values[FIG_LIST_N], first->values[FIG_LIST_EXPIRED],
          first->values[FIG_LIST_MATCHES], runs->len,
          median_of (runs, FIG_LIST_OPEN_MS), median_of (runs, FIG_LIST_MODEL_MS),
          median_of (runs, FIG_LIST_ROWS_MS), cold_ms, median_of (runs, FIG_LIST_CPU_MS),
          median_of (runs, FIG_LIST_WARM_MS), median_of (runs, FIG_LIST_WARM_CPU_MS),
          median_of (runs, FIG_LIST_SEARCH_MS),
          max_rss (runs));

  ck_bench_result ("list.rows", first->values[FIG_LIST_N]);
  ck_bench_result ("list.cold_open_ms", median_of (runs, FIG_LIST_OPEN_MS));
  ck_bench_result ("list.cold_model_ms", median_of (runs, FIG_LIST_MODEL_MS));
  ck_bench_result ("list.cold_rows_ms", median_of (runs, FIG_LIST_ROWS_MS));
  ck_bench_result ("list.cold_total_ms", cold_ms);
  ck_bench_result ("list.cold_cpu_ms", median_of (runs, FIG_LIST_CPU_MS));
  ck_bench_result ("list.warm_total_ms", median_of (runs, FIG_LIST_WARM_MS));
  ck_bench_result ("list.warm_cpu_ms", median_of (runs, FIG_LIST_WARM_CPU_MS));
  ck_bench_result ("list.search_ms", median_of (runs, FIG_LIST_SEARCH_MS));
  ck_bench_result ("list.rss_kb", max_rss (runs));
  return 0;
}

static int
report_plan (GArray     *runs,
             const char *prefix)
{
  const CkBenchFigures *first = &g_array_index (runs, CkBenchFigures, 0);
  double items = first->values[FIG_CERTS] + first->values[FIG_KEYS];
  double parse_ms = median_of (runs, FIG_PARSE_MS);
  double cpu_ms = median_of (runs, FIG_PARSE_CPU_MS);
  char key[128];

  printf ("%s: %.0f certificates, %.0f keys (median of %u runs)\n"
          "  parse %.1f ms (%.4f ms/item; CPU %.1f ms, %.4f ms/item) | peak RSS %ld KiB\n",
          prefix, first->values[FIG_CERTS], first->values[FIG_KEYS], runs->len,
          parse_ms, parse_ms / items, cpu_ms, cpu_ms / items, max_rss (runs));
  g_snprintf (key, sizeof key, "%s.items", prefix);
  ck_bench_result (key, items);
  g_snprintf (key, sizeof key, "%s.parse_ms", prefix);
  ck_bench_result (key, parse_ms);
  g_snprintf (key, sizeof key, "%s.parse_cpu_ms", prefix);
  ck_bench_result (key, cpu_ms);
  g_snprintf (key, sizeof key, "%s.rss_kb", prefix);
  ck_bench_result (key, max_rss (runs));
  return 0;
}

static void G_GNUC_NORETURN
usage (void)
{
  fprintf (stderr,
           "usage: ck-bench-store import [--runs R] [--in-process] FILE…\n"
           "       ck-bench-store build STORE-DIR FILE…\n"
           "       ck-bench-store list [--runs R] [--in-process] STORE-DIR\n"
           "       ck-bench-store plan [--runs R] [--in-process] [--name NAME] FILE…\n");
  exit (2);
}

int
main (int argc, char **argv)
{
  int runs = 5;
  gboolean in_process = FALSE;
  const char *name = "plan";
  GOptionEntry entries[] = {
    { "runs", 'r', 0, G_OPTION_ARG_INT, &runs, "Runs, each in a fresh process (5)", "R" },
    { "in-process", 0, 0, G_OPTION_ARG_NONE, &in_process,
      "Do not fork for each run (for valgrind and perf)", NULL },
    { "name", 0, 0, G_OPTION_ARG_STRING, &name,
      "The prefix of plan's RESULT lines (plan)", "NAME" },
    G_OPTION_ENTRY_NULL
  };
  g_autoptr(GOptionContext) context = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) results = NULL;
  const char *command;

  context = g_option_context_new ("import|build|list … - time the core");
  g_option_context_add_main_entries (context, entries, NULL);
  if (!g_option_context_parse (context, &argc, &argv, &error) || argc < 3 || runs < 1)
    usage ();
  command = argv[1];

  /* Nothing of the core runs in this process before the fork, so every
   * child starts with the core untouched. */
  if (g_str_equal (command, "import"))
    {
      ImportJob job = { argv + 2, NULL, FALSE };

      results = run_many (import_run, &job, runs, in_process);
      return results != NULL ? report_import (results, "import") : 1;
    }
  else if (g_str_equal (command, "plan"))
    {
      ImportJob job = { argv + 2, NULL, TRUE };

      results = run_many (import_run, &job, runs, in_process);
      return results != NULL ? report_plan (results, name) : 1;
    }
  else if (g_str_equal (command, "build"))
    {
      ImportJob job = { argv + 3, argv[2], FALSE };

      if (argc < 4)
        usage ();
      results = run_many (import_run, &job, 1, in_process);
      return results != NULL ? report_import (results, "build") : 1;
    }
  else if (g_str_equal (command, "list"))
    {
      ListJob job = { argv[2] };

      if (argc != 3)
        usage ();
      results = run_many (list_run, &job, runs, in_process);
      return results != NULL ? report_list (results) : 1;
    }
  usage ();
}
