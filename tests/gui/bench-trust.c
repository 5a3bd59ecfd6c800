/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-trust: the Trust column and filters with many certificates.
 *
 *   bench-trust [N]      (default 100000; needs a display: xvfb-run)
 *
 * Builds a store of a CA and N leaves it signed (EC P-256, in-process;
 * CK_BENCH_STORE reuses one), shows the certificate list with a verifier
 * in a 1280×800 window and prints, wall clock, CPU time of the process
 * and the longest main-loop turn (what a user feels as a stall): the first
 * screen of verdicts and all N of them, jumps through the list, the
 * Distrusted filter with no decision, trusting the CA (all N verdicts
 * again), the Trusted filter (every leaf descends from the CA: the worst
 * case), the Not trusted filter, sorting by Trust, and the Distrusted
 * filter with one distrusted leaf. Not a test: figures for
 * bench/README.md. */

#include <glib/gstdio.h>
#include <time.h>

#include "ck-certificate-list.h"
#include "ck-resources.h"
#include "ck-test-certs.h"
#include "ck-test-tools.h"

static double longest;
static double longest_cpu;
static double settle_cpu;
static double first_screen;

/* TRUE when a "Checking…" cell is on screen. */
static gboolean
shows_checking (GtkWidget *widget)
{
  if (GTK_IS_LABEL (widget) && gtk_widget_get_mapped (widget)
      && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), "Checking…") == 0)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (shows_checking (child))
      return TRUE;
  return FALSE;
}

/* CPU time of this process (every thread): the machine is shared, wall
 * clock swings. */
static double
cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

/* Runs the main loop until @list is idle; the time, and the longest turn
 * in @longest. */
static gboolean painted;

static void
after_paint (GdkFrameClock *clock,
             gpointer       data)
{
  painted = TRUE;
}

static double cpu_ms (void);

/* CPU time of the main thread alone: on a loaded machine a turn's wall
 * time is mostly waiting for a core; this is the work it did. */
static double
thread_cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

/* One main loop iteration, as g_main_context_iteration (NULL, TRUE) does
 * it, timing only the dispatch: waiting for events is not a stall. */
static void
iterate (void)
{
  GMainContext *context = g_main_context_default ();
  static GPollFD *fds;
  static gint n_allocated;
  gint max_priority, timeout, n_fds;

  g_main_context_acquire (context);
  g_main_context_prepare (context, &max_priority);
  while ((n_fds = g_main_context_query (context, max_priority, &timeout, fds, n_allocated))
         > n_allocated)
    {
      g_free (fds);
      n_allocated = n_fds;
      fds = g_new (GPollFD, n_allocated);
    }
  g_main_context_get_poll_func (context) (fds, n_fds, timeout);
  if (g_main_context_check (context, max_priority, fds, n_fds))
    {
      gint64 t = g_get_monotonic_time ();
      double ct = thread_cpu_ms ();

      g_main_context_dispatch (context);
      longest = MAX (longest, (g_get_monotonic_time () - t) / 1000.0);
      longest_cpu = MAX (longest_cpu, thread_cpu_ms () - ct);
    }
  g_main_context_release (context);
}

static void
print_stall (void)
{
  g_print ("    longest main-loop dispatch: %.1f ms wall, %.1f ms main-thread CPU\n", longest,
           longest_cpu);
}

static double
settle (CkCertificateList *list)
{
  gint64 start = g_get_monotonic_time ();
  double c0 = cpu_ms ();

  longest = 0;
  longest_cpu = 0;
  first_screen = -1;
  /* At least one frame: a scroll binds the new rows in the next layout. */
  painted = FALSE;
  gtk_widget_queue_draw (GTK_WIDGET (list));
  do
    {
      iterate ();
      /* Outside the turn measured. */
      if (first_screen < 0 && painted && !shows_checking (GTK_WIDGET (list)))
        first_screen = (g_get_monotonic_time () - start) / 1000.0;
    }
  while (!painted || ck_certificate_list_is_busy (list));
  settle_cpu = cpu_ms () - c0;
  return (g_get_monotonic_time () - start) / 1000.0;
}

static GtkAdjustment *
find_vadjustment (GtkWidget *widget)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkAdjustment *adj;

      if (GTK_IS_SCROLLED_WINDOW (child))
        return gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (child));
      if ((adj = find_vadjustment (child)) != NULL)
        return adj;
    }
  return NULL;
}

static CkStoredCertificate *
find_ca (CkStore *store)
{
  GListModel *rows = ck_store_get_certificates (store);

  for (guint i = 0; i < g_list_model_get_n_items (rows); i++)
    {
      g_autoptr(CkStoredCertificate) row = g_list_model_get_item (rows, i);

      if (ck_stored_certificate_get_is_ca (row))
        return row;
    }
  return NULL;
}

int
main (int   argc,
      char *argv[])
{
  guint n = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 100000;
  g_autoptr(GError) error = NULL;
  const char *keep = g_getenv ("CK_BENCH_STORE");
  g_autofree char *dir = keep != NULL ? g_strdup (keep) : g_dir_make_tmp ("ck-bench-trust-XXXXXX", &error);
  g_autoptr(CkStore) store = NULL;
  g_autoptr(CkTrust) trust = NULL;
  g_autoptr(CkVerifier) verifier = NULL;
  g_autoptr(CkTestCa) ca = NULL;
  CkStoredCertificate *ca_row;
  GListModel *rows;
  GtkWidget *window;
  CkCertificateList *list;
  GtkAdjustment *vadj;
  gnutls_x509_privkey_t key;
  double ms, worst = 0, total = 0;
  gint64 t0;

  if (!gtk_init_check ())
    {
      g_printerr ("bench-trust needs a display (xvfb-run)\n");
      return 77;
    }
  adw_init ();
  ck_core_init ();
  (void) ck_get_resource ();

  store = ck_store_open (dir, &error);
  g_assert_no_error (error);
  rows = ck_store_get_certificates (store);
  t0 = g_get_monotonic_time ();
  if (g_list_model_get_n_items (rows) == 0)
    {
      ca = ck_test_ca_new ("Bench Trust CA");
      key = ck_test_key_new ();
      for (guint done = 0; done < n; done += 10000)
        {
          g_autoptr(GString) pem = g_string_new (NULL);
          g_autoptr(CkImporter) importer = ck_importer_new (store);
          g_autoptr(GBytes) bytes = NULL;

          if (done == 0)
            {
              g_autofree char *ca_pem = ck_test_ca_get_pem (ca);

              g_string_append (pem, ca_pem);
            }
          ck_test_ca_issue_many (ca, key, "server", done + 1, MIN (10000, n - done), pem);
          bytes = g_string_free_to_bytes (g_steal_pointer (&pem));
          ck_importer_add_bytes (importer, bytes, "bench.pem");
          if (!ck_store_commit (store, ck_importer_get_plan (importer), NULL, CK_COMMIT_NONE,
                                NULL, NULL, NULL, &error))
            g_error ("commit: %s", error->message);
        }
      gnutls_x509_privkey_deinit (key);
    }
  g_print ("store of %u certificates ready in %.1f s\n", g_list_model_get_n_items (rows),
           (g_get_monotonic_time () - t0) / 1e6);
  ca_row = find_ca (store);
  g_assert_nonnull (ca_row);

  trust = ck_trust_new (store, &error);
  g_assert_no_error (error);
  /* A reused store starts without the decisions of the last run. */
  {
    g_autoptr(GPtrArray) decisions = ck_trust_list (trust, NULL, NULL);

    for (guint i = 0; i < decisions->len; i++)
      {
        CkTrustSetting *setting = decisions->pdata[i];

        if (!ck_trust_set (trust, setting->certificate_id, setting->purpose, CK_TRUST_DEFAULT, &error))
          g_error ("reset: %s", error->message);
      }
  }
  verifier = ck_verifier_new (trust);

  /* The verifier alone, for scale: one verdict per leaf, uncached. */
  {
    guint count = MIN (500, g_list_model_get_n_items (rows));
    double c0 = cpu_ms ();

    t0 = g_get_monotonic_time ();
    for (guint i = 0; i < count; i++)
      {
        g_autoptr(CkStoredCertificate) row = g_list_model_get_item (rows, i);
        g_autoptr(CkVerification) verification =
          ck_verifier_verify_id (verifier, ck_stored_certificate_get_id (row), CK_PURPOSE_TLS_SERVER, NULL);
      }
    g_print ("ck_verifier_verify_id: %.2f ms each (CPU %.2f ms), %u certificates\n",
             (g_get_monotonic_time () - t0) / 1000.0 / count, (cpu_ms () - c0) / count, count);
  }
  g_clear_object (&verifier);
  verifier = ck_verifier_new (trust);

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  list = g_object_new (CK_TYPE_CERTIFICATE_LIST, NULL);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (list));
  gtk_window_present (GTK_WINDOW (window));
  g_signal_connect (gtk_widget_get_frame_clock (window), "after-paint", G_CALLBACK (after_paint), NULL);
  settle (list);

  t0 = g_get_monotonic_time ();
  ck_certificate_list_set_store (list, store);
  ck_certificate_list_set_verifier (list, trust, verifier);
  ms = settle (list);
  g_print ("load, sort and the first screen of verdicts: %.1f ms\n", first_screen);
  g_print ("all %u verdicts: %.1f ms (CPU %.1f ms), longest main-loop turn %.1f ms (main thread CPU %.1f ms)\n",
           g_list_model_get_n_items (rows), ms, settle_cpu, longest, longest_cpu);
  print_stall ();

  vadj = find_vadjustment (GTK_WIDGET (list));
  for (guint i = 1; i <= 20; i++)
    {
      gtk_adjustment_set_value (vadj, (gtk_adjustment_get_upper (vadj) - gtk_adjustment_get_page_size (vadj))
                                      * ((i * 7919) % 20) / 20.0);
      ms = settle (list);
      total += ms;
      worst = MAX (worst, longest);
    }
  g_print ("20 jumps through the list, verdicts of the new screen: %.1f ms each "
           "(longest turn %.1f ms)\n", total / 20, worst);

  t0 = g_get_monotonic_time ();
  ck_certificate_list_set_trust_filter (list, CK_TRUST_FILTER_DISTRUSTED);
  ms = settle (list);
  g_print ("Distrusted filter, no decision: %.1f ms, %u rows (longest turn %.1f ms)\n", ms,
           g_list_model_get_n_items (ck_certificate_list_get_model (list)), longest);
  print_stall ();
  ck_certificate_list_set_trust_filter (list, CK_TRUST_FILTER_ALL);
  settle (list);

  t0 = g_get_monotonic_time ();
  if (!ck_trust_set (trust, ck_stored_certificate_get_id (ca_row), CK_PURPOSE_TLS_SERVER,
                     CK_TRUST_TRUSTED, &error))
    g_error ("trust: %s", error->message);
  ms = settle (list);
  g_print ("trusting the CA, the screen's verdicts again: %.1f ms\n", first_screen);
  g_print ("trusting the CA, all verdicts again: %.1f ms (CPU %.1f ms), longest turn %.1f ms\n",
           ms, settle_cpu, longest);
  print_stall ();

  ck_certificate_list_set_trust_filter (list, CK_TRUST_FILTER_TRUSTED);
  ms = settle (list);
  g_print ("Trusted filter, all %u leaves under the trusted CA: %.1f ms, %u rows "
           "(longest turn %.1f ms)\n", g_list_model_get_n_items (rows) - 1, ms,
           g_list_model_get_n_items (ck_certificate_list_get_model (list)), longest);
  print_stall ();
  ck_certificate_list_set_trust_filter (list, CK_TRUST_FILTER_ALL);
  settle (list);

#ifndef CK_BENCH_BEFORE /* the code before the verdict cache had no such filter */
  ck_certificate_list_set_trust_filter (list, CK_TRUST_FILTER_NOT_TRUSTED);
  ms = settle (list);
  g_print ("Not trusted filter: %.1f ms, %u rows (longest turn %.1f ms)\n", ms,
           g_list_model_get_n_items (ck_certificate_list_get_model (list)), longest);
  print_stall ();
  ck_certificate_list_set_trust_filter (list, CK_TRUST_FILTER_ALL);
  settle (list);
#endif

  ck_certificate_list_sort_by (list, "trust", GTK_SORT_DESCENDING);
  ms = settle (list);
  {
    g_autoptr(CkStoredCertificate) first = g_list_model_get_item (ck_certificate_list_get_model (list), 0);

    g_print ("sort by Trust, descending: %.1f ms (CPU %.1f ms), longest turn %.1f ms; "
             "first row %s\n", ms, settle_cpu, longest,
             first != NULL ? ck_stored_certificate_get_display_name (first) : "-");
    print_stall ();
  }
  ck_certificate_list_sort_by (list, "name", GTK_SORT_ASCENDING);
  settle (list);

  {
    /* The CA is one row: the middle one or the next is a leaf. */
    guint middle = g_list_model_get_n_items (rows) / 2;
    g_autoptr(CkStoredCertificate) leaf = g_list_model_get_item (rows, middle);

    if (ck_stored_certificate_get_is_ca (leaf))
      {
        g_object_unref (leaf);
        leaf = g_list_model_get_item (rows, middle + 1);
      }
    if (!ck_trust_set (trust, ck_stored_certificate_get_id (leaf), CK_PURPOSE_ALL,
                       CK_TRUST_DISTRUSTED, &error))
      g_error ("distrust: %s", error->message);
  }
  settle (list);
  ck_certificate_list_set_trust_filter (list, CK_TRUST_FILTER_DISTRUSTED);
  ms = settle (list);
  g_print ("Distrusted filter, one distrusted leaf: %.1f ms, %u rows (longest turn %.1f ms)\n",
           ms, g_list_model_get_n_items (ck_certificate_list_get_model (list)), longest);
  print_stall ();

  gtk_window_destroy (GTK_WINDOW (window));
  /* The temporary store goes; CK_BENCH_STORE's stays for the next run. */
  g_clear_object (&store);
  if (keep == NULL)
    ck_test_remove_tree (dir);
  return 0;
}
