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

#include "ck-certificate-list.h"
#include "ck-resources.h"
#include "ck-test-certs.h"
#include "ck-test-tools.h"

static gboolean painted;

static void
after_paint (GdkFrameClock *clock,
             gpointer       data)
{
  painted = TRUE;
}

static void
wait_for_frame (GtkWidget *widget)
{
  painted = FALSE;
  gtk_widget_queue_draw (widget);
  while (!painted)
    g_main_context_iteration (NULL, TRUE);
}

static double
wait_idle (CkCertificateList *list)
{
  gint64 start = g_get_monotonic_time ();

  while (ck_certificate_list_is_busy (list))
    g_main_context_iteration (NULL, TRUE);
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
  GdkFrameClock *clock;
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
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  list = g_object_new (CK_TYPE_CERTIFICATE_LIST, NULL);
  gtk_window_set_child (GTK_WINDOW (window), GTK_WIDGET (list));
  gtk_window_present (GTK_WINDOW (window));
  clock = gtk_widget_get_frame_clock (window);
  g_signal_connect (clock, "after-paint", G_CALLBACK (after_paint), NULL);
  wait_for_frame (window);

  t0 = g_get_monotonic_time ();
  ck_certificate_list_set_store (list, store);
  wait_idle (list);
  wait_for_frame (window);
  g_print ("load and sort by name, first frame: %.1f ms\n",
           (g_get_monotonic_time () - t0) / 1000.0);

  t0 = g_get_monotonic_time ();
  ck_certificate_list_set_search (list, "server 5");
  ms = (g_get_monotonic_time () - t0) / 1000.0;
  wait_idle (list);
  wait_for_frame (window);
  g_print ("search keystroke \"server 5\" over all rows: %.1f ms in the model, %.1f ms to the frame (%u rows)\n",
           ms, (g_get_monotonic_time () - t0) / 1000.0,
           g_list_model_get_n_items (ck_certificate_list_get_model (list)));
  t0 = g_get_monotonic_time ();
  ck_certificate_list_set_search (list, "server 55");
  ms = (g_get_monotonic_time () - t0) / 1000.0;
  wait_idle (list);
  wait_for_frame (window);
  g_print ("next keystroke \"server 55\" (narrowing): %.1f ms in the model, %.1f ms to the frame (%u rows)\n",
           ms, (g_get_monotonic_time () - t0) / 1000.0,
           g_list_model_get_n_items (ck_certificate_list_get_model (list)));
  t0 = g_get_monotonic_time ();
  ck_certificate_list_set_search (list, "");
  ms = (g_get_monotonic_time () - t0) / 1000.0;
  wait_idle (list);
  wait_for_frame (window);
  g_print ("clearing the search: %.1f ms in the model, %.1f ms to the frame\n",
           ms, (g_get_monotonic_time () - t0) / 1000.0);

  t0 = g_get_monotonic_time ();
  ck_certificate_list_sort_by (list, "expires", GTK_SORT_DESCENDING);
  ms = (g_get_monotonic_time () - t0) / 1000.0;
  wait_idle (list);
  wait_for_frame (window);
  g_print ("sort by Expires: %.1f ms in the model, %.1f ms to the frame\n",
           ms, (g_get_monotonic_time () - t0) / 1000.0);

  vadj = find_vadjustment (GTK_WIDGET (list));
  g_assert_nonnull (vadj);
  for (guint i = 0; i < 50; i++)
    {
      double range = gtk_adjustment_get_upper (vadj) - gtk_adjustment_get_page_size (vadj);

      t0 = g_get_monotonic_time ();
      gtk_adjustment_set_value (vadj, g_random_double_range (0, range));
      wait_for_frame (window);
      ms = (g_get_monotonic_time () - t0) / 1000.0;
      worst = MAX (worst, ms);
      total += ms;
    }
  g_print ("jump to a random position: %.1f ms per frame on average, %.1f ms worst (50 jumps)\n",
           total / 50, worst);

  worst = total = 0;
  gtk_adjustment_set_value (vadj, 0);
  wait_for_frame (window);
  for (guint i = 0; i < 200; i++)
    {
      t0 = g_get_monotonic_time ();
      gtk_adjustment_set_value (vadj, gtk_adjustment_get_value (vadj)
                                      + gtk_adjustment_get_page_size (vadj) / 4);
      wait_for_frame (window);
      ms = (g_get_monotonic_time () - t0) / 1000.0;
      worst = MAX (worst, ms);
      total += ms;
    }
  g_print ("scrolling a quarter page at a time: %.1f ms per frame on average, %.1f ms worst (200 steps)\n",
           total / 200, worst);

  gtk_window_destroy (GTK_WINDOW (window));
  g_clear_object (&store);
  if (keep == NULL)
    ck_test_remove_tree (dir);
  return 0;
}
