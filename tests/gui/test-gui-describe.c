/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The details pane and `certkeeper-cli show --json` describe a certificate
 * alike, field for field: tests/data/extensions/all-extensions.pem (one of
 * every extension the description model decodes) is imported into a real
 * store, shown in the pane, and its rows walked and compared with the
 * "sections" the CLI writes for the same store. */

#include <json-glib/json-glib.h>
#include <string.h>

#include "ck-details-pane.h"
#include "ck-expiry.h"
#include "ck-resources.h"
#include "ck-test-tools.h"

typedef struct {
  char *section;
  char *field;
  char *group_title;
  char *label;
  char *text;
} Row;

static void
row_free (Row *row)
{
  g_free (row->section);
  g_free (row->field);
  g_free (row->group_title);
  g_free (row->label);
  g_free (row->text);
  g_free (row);
}

/* The value labels the pane made from the description, in order, with the
 * title of the group they are in. */
static void
collect_rows (GtkWidget *widget,
              GPtrArray *rows)
{
  const char *section = g_object_get_data (G_OBJECT (widget), "ck-section");

  if (GTK_IS_LABEL (widget) && section != NULL)
    {
      Row *row = g_new0 (Row, 1);
      GtkWidget *group = gtk_widget_get_ancestor (widget, ADW_TYPE_PREFERENCES_GROUP);

      row->section = g_strdup (section);
      row->field = g_strdup (g_object_get_data (G_OBJECT (widget), "ck-field"));
      row->label = g_strdup (g_object_get_data (G_OBJECT (widget), "ck-title"));
      row->text = g_strdup (gtk_label_get_text (GTK_LABEL (widget)));
      row->group_title = group != NULL
                         ? g_strdup (adw_preferences_group_get_title (ADW_PREFERENCES_GROUP (group)))
                         : NULL;
      g_ptr_array_add (rows, row);
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    collect_rows (child, rows);
}

/* What the pane must show for one field of the JSON: its "text", or for a
 * date the window's local-time form of its value. */
static char *
expected_text (JsonObject *field)
{
  const char *type = json_object_get_string_member (field, "type");

  if (g_str_equal (type, "date"))
    {
      JsonArray *values = json_object_get_array_member (field, "values");
      g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601 (json_array_get_string_element (values, 0),
                                                              NULL);

      g_assert_nonnull (dt);
      return ck_expiry_format_datetime (g_date_time_to_unix (dt));
    }
  return g_strdup (json_object_get_string_member (field, "text"));
}

static void
test_pane_agrees_with_json (void)
{
  const char *cli = g_getenv ("CK_CLI");
  g_autofree char *fixture = g_build_filename (g_getenv ("CK_TEST_DATA"), "extensions",
                                               "all-extensions.pem", NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("ck-gui-describe-XXXXXX", &error);
  g_autoptr(CkStore) store = NULL;
  g_autoptr(CkImporter) importer = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(CkCertificate) cert = NULL;
  g_autoptr(CkDetailsPane) pane = NULL;
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) row_free);
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autofree char *id_text = NULL;
  g_autofree char *json = NULL;
  CkCommitSummary summary = { 0 };
  JsonArray *sections;
  CkStoredCertificate *row;
  gint64 id;
  guint next = 0, compared = 0;

  if (cli == NULL)
    {
      g_test_skip ("CK_CLI is not set: run through meson test");
      return;
    }
  g_assert_no_error (error);

  /* A real store, filled the way an import fills it. */
  store = ck_store_open (dir, &error);
  g_assert_no_error (error);
  bytes = ck_test_read_bytes (fixture);
  importer = ck_importer_new (store);
  ck_importer_add_bytes (importer, bytes, "all-extensions.pem");
  g_assert_true (ck_store_commit (store, ck_importer_get_plan (importer), "test passphrase",
                                  CK_COMMIT_NONE, NULL, NULL, &summary, &error));
  g_assert_no_error (error);
  cert = ck_certificate_new_from_pem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                                      &error);
  g_assert_no_error (error);
  id = ck_store_find_certificate (store, ck_certificate_get_sha256_fingerprint (cert));
  g_assert_cmpint (id, >, 0);
  row = ck_store_get_certificate_row (store, id);
  g_assert_nonnull (row);

  pane = g_object_ref_sink (g_object_new (CK_TYPE_DETAILS_PANE, NULL));
  ck_details_pane_show_certificate (pane, store, row, cert);
  collect_rows (GTK_WIDGET (pane), rows);

  /* The CLI, on the same store. */
  id_text = g_strdup_printf ("%" G_GINT64_FORMAT, id);
  {
    const char *argv[] = { cli, "--store", dir, "show", id_text, "--json", NULL };

    json = ck_test_run_tool (argv);
  }
  g_assert_nonnull (json);
  g_assert_true (json_parser_load_from_data (parser, json, -1, &error));
  g_assert_no_error (error);
  sections = json_object_get_array_member (json_node_get_object (json_parser_get_root (parser)),
                                           "sections");
  g_assert_nonnull (sections);

  for (guint s = 0; s < json_array_get_length (sections); s++)
    {
      JsonObject *section = json_array_get_object_element (sections, s);
      const char *key = json_object_get_string_member (section, "key");
      JsonArray *fields = json_object_get_array_member (section, "fields");

      for (guint f = 0; f < json_array_get_length (fields); f++)
        {
          JsonObject *field = json_array_get_object_element (fields, f);
          g_autofree char *want = expected_text (field);
          Row *shown;

          g_assert_cmpuint (next, <, rows->len);
          shown = g_ptr_array_index (rows, next++);
          g_test_message ("%s/%s: %s", key, json_object_get_string_member (field, "key"), want);
          g_assert_cmpstr (shown->section, ==, key);
          g_assert_cmpstr (shown->group_title, ==, json_object_get_string_member (section, "title"));
          g_assert_cmpstr (shown->field, ==, json_object_get_string_member (field, "key"));
          g_assert_cmpstr (shown->label, ==, json_object_get_string_member (field, "label"));
          g_assert_cmpstr (shown->text, ==, want[0] != '\0' ? want : "—");
          compared++;
        }
    }
  /* Nothing in the pane that the JSON lacks, and enough to mean something:
   * every extension of the fixture has at least one field. */
  g_assert_cmpuint (next, ==, rows->len);
  g_assert_cmpuint (compared, >, 60);

  g_clear_object (&pane);
  g_clear_object (&store);
  ck_test_remove_tree (dir);
}

static void
skip_without_display (void)
{
  g_test_skip ("no display: run under xvfb-run");
}

int
main (int   argc,
      char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  ck_core_init ();

  if (!gtk_init_check ())
    {
      g_test_add_func ("/gui/describe/needs-a-display", skip_without_display);
      return g_test_run ();
    }
  adw_init ();
  (void) ck_get_resource ();

  g_test_add_func ("/gui/describe/pane-agrees-with-json", test_pane_agrees_with_json);
  return g_test_run ();
}
