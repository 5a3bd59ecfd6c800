/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Shared by the benchmark programs: clocks, statistics, peak RSS, PEM
 * splitting and running one measurement in a fresh child process. */

#include <glib.h>

G_BEGIN_DECLS

/* Up to this many figures come back from one child run. */
#define CK_BENCH_MAX_FIGURES 16

typedef struct {
  double values[CK_BENCH_MAX_FIGURES];
  long   peak_rss_kb;
  gboolean ok;
} CkBenchFigures;

/* Fills @figures; returns FALSE (after printing why) on failure. */
typedef gboolean (*CkBenchFunc) (gpointer        data,
                                 CkBenchFigures *figures);

/* Monotonic clock, milliseconds. */
double   ck_bench_now_ms        (void);
/* CPU time of this process (all threads), milliseconds: less disturbed
 * than wall-clock time when other jobs share the machine. */
double   ck_bench_cpu_ms        (void);
/* Sorts @values in place. */
double   ck_bench_median        (double *values,
                                 guint   n);
double   ck_bench_min           (const double *values,
                                 guint         n);
/* getrusage ru_maxrss of this process, KiB. */
long     ck_bench_peak_rss_kb   (void);

/* Runs @func in a forked child so every run starts from a fresh process
 * (no allocator or cache state from earlier runs) and has its own peak
 * RSS. With @in_process (for valgrind/perf) it runs here instead. */
gboolean ck_bench_run           (CkBenchFunc     func,
                                 gpointer        data,
                                 gboolean        in_process,
                                 CkBenchFigures *figures);

/* Iterates over the PEM blocks of @data: *@pos starts at @data. Gives the
 * label ("CERTIFICATE") and the whole block, armour lines included. */
gboolean ck_bench_next_pem_block (const char  *data,
                                  gsize        len,
                                  gsize       *pos,
                                  char        *label,
                                  gsize        label_size,
                                  const char **block,
                                  gsize       *block_len);

/* Prints "RESULT <key> <value>" on stdout: run.sh collects these. */
void     ck_bench_result        (const char *key,
                                 double      value);

/* Removes a directory and the files in it (stores are flat). */
void     ck_bench_remove_dir    (const char *path);

G_END_DECLS
