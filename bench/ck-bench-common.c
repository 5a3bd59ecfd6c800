/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ck-bench-common.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

double
ck_bench_now_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_MONOTONIC, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

double
ck_bench_cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

static int
compare_doubles (const void *a, const void *b)
{
  double x = *(const double *) a, y = *(const double *) b;

  return (x > y) - (x < y);
}

double
ck_bench_median (double *values,
                 guint   n)
{
  g_return_val_if_fail (n > 0, 0);

  qsort (values, n, sizeof *values, compare_doubles);
  if (n % 2 == 1)
    return values[n / 2];
  return (values[n / 2 - 1] + values[n / 2]) / 2;
}

double
ck_bench_min (const double *values,
              guint         n)
{
  double m = values[0];

  for (guint i = 1; i < n; i++)
    m = MIN (m, values[i]);
  return m;
}

long
ck_bench_peak_rss_kb (void)
{
  struct rusage usage;

  if (getrusage (RUSAGE_SELF, &usage) != 0)
    return -1;
  return usage.ru_maxrss;
}

static gboolean
write_all (int fd, const void *buf, gsize len)
{
  const char *p = buf;

  while (len > 0)
    {
      ssize_t n = write (fd, p, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      p += n;
      len -= (gsize) n;
    }
  return TRUE;
}

gboolean
ck_bench_run (CkBenchFunc     func,
              gpointer        data,
              gboolean        in_process,
              CkBenchFigures *figures)
{
  int fds[2];
  pid_t pid;
  int status;
  gsize got = 0;

  memset (figures, 0, sizeof *figures);
  if (in_process)
    {
      figures->ok = func (data, figures);
      figures->peak_rss_kb = ck_bench_peak_rss_kb ();
      return figures->ok;
    }

  if (pipe (fds) != 0)
    {
      perror ("pipe");
      return FALSE;
    }
  fflush (stdout);
  fflush (stderr);
  pid = fork ();
  if (pid < 0)
    {
      perror ("fork");
      return FALSE;
    }
  if (pid == 0)
    {
      close (fds[0]);
      figures->ok = func (data, figures);
      figures->peak_rss_kb = ck_bench_peak_rss_kb ();
      fflush (stdout);
      fflush (stderr);
      /* _exit: no atexit handlers or destructors of the parent's state. */
      _exit (write_all (fds[1], figures, sizeof *figures) && figures->ok ? 0 : 1);
    }

  close (fds[1]);
  while (got < sizeof *figures)
    {
      ssize_t n = read (fds[0], (char *) figures + got, sizeof *figures - got);

      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        break;
      got += (gsize) n;
    }
  close (fds[0]);
  while (waitpid (pid, &status, 0) < 0 && errno == EINTR)
    ;

  if (got != sizeof *figures || !WIFEXITED (status) || WEXITSTATUS (status) != 0)
    {
      if (WIFSIGNALED (status))
        fprintf (stderr, "benchmark child killed by signal %d\n", WTERMSIG (status));
      figures->ok = FALSE;
    }
  return figures->ok;
}

gboolean
ck_bench_next_pem_block (const char  *data,
                         gsize        len,
                         gsize       *pos,
                         char        *label,
                         gsize        label_size,
                         const char **block,
                         gsize       *block_len)
{
  static const char begin[] = "-----BEGIN ";
  const char *end = data + len;
  const char *start, *label_start, *label_end, *footer, *footer_end;
  gsize n;

  start = g_strstr_len (data + *pos, end - (data + *pos), begin);
  if (start == NULL)
    return FALSE;
  label_start = start + strlen (begin);
  label_end = g_strstr_len (label_start, end - label_start, "-----");
  if (label_end == NULL)
    return FALSE;

  footer = g_strstr_len (label_end, end - label_end, "-----END ");
  if (footer == NULL)
    return FALSE;
  footer_end = g_strstr_len (footer + 9, end - (footer + 9), "-----");
  if (footer_end == NULL)
    return FALSE;
  footer_end += 5;

  n = MIN ((gsize) (label_end - label_start), label_size - 1);
  memcpy (label, label_start, n);
  label[n] = '\0';
  *block = start;
  *block_len = footer_end - start;
  *pos = footer_end - data;
  return TRUE;
}

void
ck_bench_result (const char *key,
                 double      value)
{
  printf ("RESULT %s %.6g\n", key, value);
  fflush (stdout);
}

void
ck_bench_remove_dir (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  if (dir == NULL)
    return;
  while ((name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        ck_bench_remove_dir (child);
      else
        g_unlink (child);
    }
  g_dir_close (dir);
  g_rmdir (path);
}
