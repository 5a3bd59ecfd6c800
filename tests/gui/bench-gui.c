/* SPDX-License-Identifier: GPL-3.0-or-later */
/* bench-gui: how the Certificates page copes with many certificates.
 *
 *   bench-gui [N]        (default 100000; needs a display: xvfb-run)
 *
 * Builds a temporary store of N certificates (EC P-256, in-process), shows
 * the certificate list in a 1280×800 window and prints: the time to load
 * the store and sort it by name, the time of one search keystroke (the
 * filter over all rows) and of the next, narrower one, and the time of a
 * frame after jumping to 50 positions and after scrolling a page at a time.
 * Not a test: figures for bench/README.md. */

#include <glib/gstdio.h>
#include <stdlib.h>
#include <time.h>

#include "ck-certificate-list.h"
#include "ck-gui-test-util.h"
#include "ck-resources.h"
#include "ck-test-certs.h"
#include "ck-test-tools.h"

static gint64 c0;

/* CPU time of the main thread, in ms (what a step costs the window; work
 * handed to other threads does not count): the machine is shared, wall-clock
 * figures swing with the load. */
static double
cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}
static gint64 hook_t0;

/* Where a keystroke's time goes: when each model in the chain starts
 * emitting items-changed (emission hooks run before the handlers). */
static gboolean
items_changed_hook (GSignalInvocationHint *hint,
                    guint                  n_values,
                    const GValue          *values,
                    gpointer               data)
{
  GObject *model = g_value_get_object (&values[0]);

  if (hook_t0 != 0)
    g_print ("  +%.1f ms (CPU +%.1f ms): %s items-changed (%u, -%u, +%u)\n",
             (g_get_monotonic_time () - hook_t0) / 1000.0, cpu_ms () - c0, G_OBJECT_TYPE_NAME (model),
             g_value_get_uint (&values[1]), g_value_get_uint (&values[2]),
             g_value_get_uint (&values[3]));
  return TRUE;
}

static double
wait_idle (CkCertificateList *list)
{
  gint64 start = g_get_monotonic_time ();

  while (ck_certificate_list_is_busy (list))
    g_main_context_iteration (NULL, TRUE);
  return (g_get_monotonic_time () - start) / 1000.0;
}

/* One step: the call itself ("model": what the handlers of the models'
 * items-changed cost, the views included), then until the next frame
 * has been painted, each in wall-clock and CPU time. */
static gint64 step_t0;
static guint n_setup, n_bind;

static gboolean
count_hook (GSignalInvocationHint *hint,
            guint                  n_values,
            const GValue          *values,
            gpointer               data)
{
  (*(guint *) data)++;
  return TRUE;
}
static double step_c0;

static void
begin_step (void)
{
  n_setup = n_bind = 0;
  hook_t0 = step_t0 = g_get_monotonic_time ();
  c0 = step_c0 = cpu_ms ();
}

static void
end_step (CkCertificateList *list,
          GtkWidget         *window,
          const char        *what)
{
  double model_ms = (g_get_monotonic_time () - step_t0) / 1000.0;
  double model_cpu = cpu_ms () - step_c0;

  wait_idle (list);
  ck_gui_test_wait_for_frame (window);
  g_print ("%s: %.1f ms in the call (CPU %.1f), %.1f ms to the frame (CPU %.1f), %u rows; "
           "%u cells made, %u bound\n",
           what, model_ms, model_cpu, (g_get_monotonic_time () - step_t0) / 1000.0,
           cpu_ms () - step_c0, g_list_model_get_n_items (ck_certificate_list_get_model (list)),
           n_setup, n_bind);
  hook_t0 = 0;
}

/* The import: a commit in a worker thread, as the import dialog does it,
 * while the list shows the store; the main loop's longest stall says
 * whether the window froze (a 10 ms timer that should run every 10 ms). */
static gint64 last_tick, worst_gap;
static double last_cpu, worst_cpu_gap;

/* CPU time of the calling (main) thread, in ms: on the loaded machine a
 * wall-clock stall is mostly waiting for a CPU. */
static double
thread_cpu_ms (void)
{
  struct timespec ts;

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &ts);
  return ts.tv_sec * 1000.0 + ts.tv_nsec / 1e6;
}

static gboolean
stall_tick (gpointer data)
{
  gint64 now = g_get_monotonic_time ();
  double cpu = thread_cpu_ms ();

  if (last_tick != 0 && now - last_tick > worst_gap)
    worst_gap = now - last_tick;
  if (last_tick != 0 && cpu - last_cpu > worst_cpu_gap)
    {
      worst_cpu_gap = cpu - last_cpu;
      if (hook_t0 != 0 && worst_cpu_gap > 50)
        g_print ("  main thread busy %.1f ms (CPU) without a break, until +%.1f ms\n",
                 worst_cpu_gap, (now - hook_t0) / 1000.0);
    }
  last_tick = now;
  last_cpu = cpu;
  return G_SOURCE_CONTINUE;
}

static void
import_thread (GTask        *task,
               gpointer      source,
               gpointer      data,
               GCancellable *cancellable)
{
  CkImporter *importer = data;
  GError *error = NULL;

  if (!ck_store_commit (source, ck_importer_get_plan (importer), NULL,
                        CK_COMMIT_NONE, NULL, NULL, NULL, &error))
    g_error ("commit: %s", error->message);
  g_task_return_boolean (task, TRUE);
}

static void
import_done (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  *(gboolean *) data = TRUE;
}

static void
bench_import (CkCertificateList *list,
              GtkWidget         *window,
              CkTestCa          *ca,
              guint              count)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("ck-bench-import-XXXXXX", &error);
  g_autoptr(CkStore) store = ck_store_open (dir, &error);
  g_autoptr(CkImporter) importer = ck_importer_new (store);
  g_autoptr(GString) pem = g_string_new (NULL);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GTask) task = NULL;
  gnutls_x509_privkey_t key = ck_test_key_new ();
  gboolean done = FALSE;
  guint timer;
  gint64 t0;
  double cpu0;

  g_assert_no_error (error);
  ck_test_ca_issue_many (ca, key, "imported", 1, count, pem);
  gnutls_x509_privkey_deinit (key);
  bytes = g_string_free_to_bytes (g_steal_pointer (&pem));
  ck_importer_add_bytes (importer, bytes, "import.pem");

  ck_certificate_list_set_store (list, store);
  ck_gui_test_wait_for_frame (window);
  last_tick = worst_gap = 0;
  last_cpu = worst_cpu_gap = 0;
  timer = g_timeout_add (10, stall_tick, NULL);
  hook_t0 = t0 = g_get_monotonic_time ();
  c0 = cpu0 = cpu_ms ();
  task = g_task_new (store, NULL, import_done, &done);
  g_task_set_task_data (task, g_object_ref (importer), g_object_unref);
  g_task_run_in_thread (task, import_thread);
  while (!done || g_list_model_get_n_items (ck_certificate_list_get_model (list)) < count)
    g_main_context_iteration (NULL, TRUE);
  ck_gui_test_wait_for_frame (window);
  g_source_remove (timer);
  g_print ("import of %u certificates in a thread while the list shows: %.1f s (CPU %.1f s, "
           "both threads), rows shown; longest main loop stall %.1f ms wall, %.1f ms of "
           "main thread CPU\n",
           count, (g_get_monotonic_time () - t0) / 1e6, (cpu_ms () - cpu0) / 1000,
           worst_gap / 1000.0, worst_cpu_gap);
  hook_t0 = 0;
  ck_certificate_list_set_store (list, NULL);
  g_clear_object (&importer);
  g_clear_object (&store);
  ck_test_remove_tree (dir);
}

int
main (int   argc,
      char *argv[])
{
  guint n = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 100000;
  g_autoptr(GError) error = NULL;
  /* CK_BENCH_STORE: a store to reuse (filled on the first run, kept). */
  const char *keep = g_getenv ("CK_BENCH_STORE");
  g_autofree char *dir = keep != NULL ? g_strdup (keep) : g_dir_make_tmp ("ck-bench-gui-XXXXXX", &error);
  g_autoptr(CkStore) store = NULL;
  g_autoptr(CkTestCa) ca = NULL;
  gnutls_x509_privkey_t key;
  GtkWidget *window;
  CkCertificateList *list;
  GtkAdjustment *vadj;
  gint64 t0;
  double ms, worst = 0, total = 0;
  guint batch = 10000;

  if (!gtk_init_check ())
    {
      g_printerr ("bench-gui needs a display (xvfb-run)\n");
      return 77;
    }
  adw_init ();
  ck_core_init ();
  (void) ck_get_resource ();
  g_signal_add_emission_hook (g_signal_lookup ("items-changed", G_TYPE_LIST_MODEL), 0,
                              items_changed_hook, NULL, NULL);
  g_type_class_unref (g_type_class_ref (GTK_TYPE_SIGNAL_LIST_ITEM_FACTORY));
  g_signal_add_emission_hook (g_signal_lookup ("setup", GTK_TYPE_SIGNAL_LIST_ITEM_FACTORY), 0,
                              count_hook, &n_setup, NULL);
  g_signal_add_emission_hook (g_signal_lookup ("bind", GTK_TYPE_SIGNAL_LIST_ITEM_FACTORY), 0,
                              count_hook, &n_bind, NULL);

  store = ck_store_open (dir, &error);
  g_assert_no_error (error);

  /* Fill the store in batches of 10,000, each one commit. */
  t0 = g_get_monotonic_time ();
  ca = ck_test_ca_new ("Bench CA");
  key = ck_test_key_new ();
  for (guint done = g_list_model_get_n_items (ck_store_get_certificates (store)); done < n;
       done += batch)
    {
      g_autoptr(GString) pem = g_string_new (NULL);
      g_autoptr(CkImporter) importer = ck_importer_new (store);
      g_autoptr(GBytes) bytes = NULL;
      guint count = MIN (batch, n - done);

      ck_test_ca_issue_many (ca, key, "server", done + 1, count, pem);
      bytes = g_string_free_to_bytes (g_steal_pointer (&pem));
      ck_importer_add_bytes (importer, bytes, "bench.pem");
      if (!ck_store_commit (store, ck_importer_get_plan (importer), NULL, CK_COMMIT_NONE,
                            NULL, NULL, NULL, &error))
        g_error ("commit: %s", error->message);
    }
  gnutls_x509_privkey_deinit (key);
  g_print ("store of %u certificates built in %.1f s\n",
           g_list_model_get_n_items (ck_store_get_certificates (store)),
           (g_get_monotonic_time () - t0) / 1e6);

  window = gtk_window_new ();
  gtk_window_set_default_size (GTK_WINDOW (window), 1280,
                               g_getenv ("CK_BENCH_HEIGHT") != NULL ? atoi (g_getenv ("CK_BENCH_HEIGHT")) : 800);
  list = g_object_new (CK_TYPE_CERTIFICATE_LIST, NULL);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (list));
  gtk_window_present (GTK_WINDOW (window));
  ck_gui_test_wait_for_frame (window);

  begin_step ();
  ck_certificate_list_set_store (list, store);
  end_step (list, window, "load and sort by name");

  begin_step ();
  ck_certificate_list_set_search (list, "server 5");
  end_step (list, window, "search keystroke \"server 5\" over all rows");
  begin_step ();
  ck_certificate_list_set_search (list, "server 55");
  end_step (list, window, "next keystroke \"server 55\" (narrowing)");
  begin_step ();
  ck_certificate_list_set_search (list, "server 5");
  end_step (list, window, "backspace to \"server 5\" (widening)");
  begin_step ();
  ck_certificate_list_set_search (list, "4a");
  end_step (list, window, "search \"4a\" (fingerprints and serials)");
  if (g_getenv ("CK_BENCH_LOOP") != NULL)
    {
      guint loops = atoi (g_getenv ("CK_BENCH_LOOP"));

      t0 = g_get_monotonic_time ();
      for (guint i = 0; i < loops; i++)
        {
          ck_certificate_list_set_search (list, "server 5");
          ck_gui_test_wait_for_frame (window);
          ck_certificate_list_set_search (list, "server 55");
          ck_gui_test_wait_for_frame (window);
        }
      g_print ("%u narrowing/widening pairs, each to its frame: %.1f ms each\n", loops,
               (g_get_monotonic_time () - t0) / 1000.0 / loops);
    }
  begin_step ();
  ck_certificate_list_set_search (list, "");
  end_step (list, window, "clearing the search");

  begin_step ();
  ck_certificate_list_sort_by (list, "expires", GTK_SORT_DESCENDING);
  end_step (list, window, "sort by Expires");

  vadj = ck_gui_test_find_vadjustment (GTK_WIDGET (list));
  g_assert_nonnull (vadj);
  for (guint i = 0; i < 50; i++)
    {
      double range = gtk_adjustment_get_upper (vadj) - gtk_adjustment_get_page_size (vadj);

      t0 = g_get_monotonic_time ();
      gtk_adjustment_set_value (vadj, g_random_double_range (0, range));
      ck_gui_test_wait_for_frame (window);
      ms = (g_get_monotonic_time () - t0) / 1000.0;
      worst = MAX (worst, ms);
      total += ms;
    }
  g_print ("jump to a random position: %.1f ms per frame on average, %.1f ms worst (50 jumps)\n",
           total / 50, worst);

  worst = total = 0;
  gtk_adjustment_set_value (vadj, 0);
  ck_gui_test_wait_for_frame (window);
  for (guint i = 0; i < 200; i++)
    {
      t0 = g_get_monotonic_time ();
      gtk_adjustment_set_value (vadj, gtk_adjustment_get_value (vadj)
                                      + gtk_adjustment_get_page_size (vadj) / 4);
      ck_gui_test_wait_for_frame (window);
      ms = (g_get_monotonic_time () - t0) / 1000.0;
      worst = MAX (worst, ms);
      total += ms;
    }
  g_print ("scrolling a quarter page at a time: %.1f ms per frame on average, %.1f ms worst (200 steps)\n",
           total / 200, worst);

  /* CK_BENCH_IMPORT=N: also an import of N certificates into a new store. */
  if (g_getenv ("CK_BENCH_IMPORT") != NULL)
    bench_import (list, window, ca, atoi (g_getenv ("CK_BENCH_IMPORT")));

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&store);
  if (keep == NULL)
    ck_test_remove_tree (dir);
  return 0;
}
