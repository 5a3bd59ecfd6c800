/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The GnuTLS certtool test-suite corpus, driven by its MANIFEST.tsv:
 * - every valid certificate, key, PKCS#12 and request imports (with the
 *   password the suite uses);
 * - every must-fail file whose expectation is about parsing (certtool -i,
 *   -k, --p12-info, --crq-info) is rejected with a clear error, and
 *   committing the plan leaves a store byte for byte unchanged;
 * - must-fail files that only fail chain verification import fine;
 * - what GnuTLS 3.7 cannot read (ML-DSA keys, PBMAC1, PBE-SHA1-DES) fails
 *   with CK_ERROR_UNSUPPORTED and says so;
 * - "unknown" files: whatever happens, no crash and a clear message.
 * The figures are printed with g_test_message. */
#include <glib/gstdio.h>
#include <string.h>

#include "certkeeper-core.h"

typedef struct {
  char *path;
  char *kind;
  char *expected;
  char *password;
  char *expect_op;
  char *notes;
} Row;

typedef enum {
  OUTCOME_IMPORTED,
  OUTCOME_REJECTED,
  OUTCOME_LOCKED,
  /* locked, and ck_importer_unlock() refused the MANIFEST's password */
  OUTCOME_PASSWORD_REFUSED,
} Outcome;

static const char *outcome_names[] = {
  "imported", "rejected", "locked", "rejected (password refused)"
};

typedef struct {
  guint imported, rejected, locked;
} Tally;

static char *corpus_dir;
static GPtrArray *rows;
static char *tmpdir;

static void
row_free (gpointer data)
{
  Row *row = data;

  g_free (row->path);
  g_free (row->kind);
  g_free (row->expected);
  g_free (row->password);
  g_free (row->expect_op);
  g_free (row->notes);
  g_free (row);
}

static void
load_manifest (void)
{
  g_autofree char *path = g_build_filename (corpus_dir, "MANIFEST.tsv", NULL);
  g_autofree char *text = NULL;
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) lines = NULL;

  g_file_get_contents (path, &text, NULL, &error);
  g_assert_no_error (error);
  lines = g_strsplit (text, "\n", -1);
  rows = g_ptr_array_new_with_free_func (row_free);

  for (guint i = 1; lines[i] != NULL; i++)
    {
      g_auto(GStrv) f = NULL;
      Row *row;

      if (*lines[i] == '\0')
        continue;
      f = g_strsplit (lines[i], "\t", -1);
      g_assert_cmpuint (g_strv_length (f), >=, 6);
      row = g_new0 (Row, 1);
      row->path = g_strdup (f[0]);
      row->kind = g_strdup (f[1]);
      row->expected = g_strdup (f[2]);
      row->password = g_strdup (f[3]);
      row->expect_op = g_strdup (f[5]);
      row->notes = g_strdup (f[6] != NULL ? f[6] : "");
      g_ptr_array_add (rows, row);
    }
  g_assert_cmpuint (rows->len, >, 100);
}

static gboolean
is_input_kind (const Row *row)
{
  return g_str_equal (row->kind, "cert") || g_str_equal (row->kind, "key") ||
         g_str_equal (row->kind, "p12") || g_str_equal (row->kind, "crq") ||
         g_str_equal (row->kind, "crl");
}

/* The certtool operation the must-fail expectation is about parses the
 * file (as opposed to verifying a chain made of it). */
static gboolean
op_is_parse (const Row *row)
{
  const char *op = row->expect_op;

  if (strstr (op, "verify") != NULL || g_str_has_prefix (op, "-e"))
    return FALSE;
  return g_str_has_prefix (op, "-i") || g_str_has_prefix (op, "-k") ||
         g_str_has_prefix (op, "--p12-info") || g_str_has_prefix (op, "--crq-info");
}

/* What the corpus README says GnuTLS 3.7 cannot read. */
static gboolean
needs_newer_gnutls (const Row *row)
{
  if (strstr (row->path, "mldsa") != NULL)
    return gnutls_check_version ("3.8.10") == NULL;
  if (strstr (row->path, "pbmac1") != NULL)
    return gnutls_check_version ("3.8.6") == NULL;
  if (strstr (row->path, "PBE-SHA1-DES") != NULL)
    return gnutls_check_version ("3.8.0") == NULL;
  return FALSE;
}

/* `certtool -i` on the file: TRUE when it exits 0. Without certtool,
 * assume it does. */
static gboolean
certtool_parses (const Row *row)
{
  const char *certtool = g_getenv ("CK_CERTTOOL");
  g_autofree char *path = g_build_filename (corpus_dir, row->path, NULL);
  const char *argv[] = { certtool, "-i", "--infile", path, NULL };
  int status = 0;

  if (certtool == NULL || !g_str_equal (row->kind, "cert"))
    return TRUE;
  if (!g_spawn_sync (NULL, (char **) argv, NULL,
                     G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, NULL, NULL, &status, NULL))
    return TRUE;
  return g_spawn_check_wait_status (status, NULL);
}

static char *
manifest_password (CkImportItem *item,
                   guint         attempt,
                   gpointer      user_data)
{
  const Row *row = user_data;

  /* Once: a wrong "right" password must not loop. The empty and the NULL
   * password are tried by the importer itself, without asking. */
  if (attempt > 0 || *row->password == '\0' || g_str_has_prefix (row->password, "("))
    return NULL;
  return g_strdup (row->password);
}

static CkImporter *
import_row (const Row *row)
{
  g_autofree char *path = g_build_filename (corpus_dir, row->path, NULL);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  CkImporter *importer = ck_importer_new (NULL);

  ck_importer_set_password_func (importer, manifest_password, (gpointer) row, NULL);
  g_assert_true (ck_importer_add_file (importer, file, NULL, &error));
  g_assert_no_error (error);
  return importer;
}

static Outcome
outcome_of (CkImportPlan *plan)
{
  if (ck_import_plan_has_errors (plan))
    return OUTCOME_REJECTED;
  if (ck_import_plan_has_locked (plan))
    return OUTCOME_LOCKED;
  return OUTCOME_IMPORTED;
}

/* Every problem names the file, and is a sentence, not a dump. */
static void
assert_clear_problems (const Row    *row,
                       CkImportPlan *plan)
{
  g_autofree char *base = g_path_get_basename (row->path);

  for (guint i = 0; i < ck_import_plan_get_n_items (plan); i++)
    {
      CkImportItem *item = ck_import_plan_get_item (plan, i);
      const GError *error = ck_import_item_get_error (item);

      if (error == NULL)
        continue;
      g_assert_true (error->domain == CK_ERROR);
      if (!g_str_has_prefix (error->message, base))
        g_error ("%s: message does not name the file: %s", row->path, error->message);
      g_assert_cmpuint (strlen (error->message), <, 300);
      g_assert_cmpuint (strlen (error->message), >, strlen (base) + 10);
    }
}

static char *
first_problem (CkImportPlan *plan)
{
  g_autofree char *all = ck_import_plan_describe_problems (plan);
  char *nl;

  if (all == NULL)
    return g_strdup ("(none)");
  nl = strchr (all, '\n');
  if (nl != NULL)
    *nl = '\0';
  return g_steal_pointer (&all);
}

static const GError *
first_error (CkImportPlan *plan)
{
  for (guint i = 0; i < ck_import_plan_get_n_items (plan); i++)
    {
      const GError *error = ck_import_item_get_error (ck_import_plan_get_item (plan, i));

      if (error != NULL)
        return error;
    }
  return NULL;
}

/* A PKCS#8 file whose decryption fails with the right password cannot be
 * told from one given a wrong password (GnuTLS says "Decryption has
 * failed" for both): the importer keeps it locked. Unlocking it with the
 * MANIFEST's password must then fail with a clear BAD_PASSWORD error. */
static Outcome
settle_locked (CkImporter *importer,
               const Row  *row,
               char      **problem)
{
  CkImportPlan *plan = ck_importer_get_plan (importer);
  Outcome outcome = outcome_of (plan);
  g_autoptr(CkImportItem) locked = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *base = g_path_get_basename (row->path);

  if (outcome != OUTCOME_LOCKED || *row->password == '\0' ||
      g_str_has_prefix (row->password, "("))
    {
      *problem = first_problem (plan);
      return outcome;
    }

  for (guint i = 0; i < ck_import_plan_get_n_items (plan) && locked == NULL; i++)
    if (ck_import_item_get_kind (ck_import_plan_get_item (plan, i)) == CK_IMPORT_ITEM_LOCKED)
      locked = g_object_ref (ck_import_plan_get_item (plan, i));

  if (ck_importer_unlock (importer, locked, row->password, &error))
    g_error ("%s: the callback's password failed but unlock() took it", row->path);
  g_assert_true (error->domain == CK_ERROR);
  g_assert_true (g_str_has_prefix (error->message, base));
  *problem = g_strdup (error->message);
  if (error->code == CK_ERROR_BAD_PASSWORD)
    {
      g_assert_true (ck_import_plan_has_locked (plan));
      return OUTCOME_PASSWORD_REFUSED;
    }
  return outcome_of (plan);
}

static guint
count_kind_for_row (const Row    *row,
                    CkImportPlan *plan)
{
  if (g_str_equal (row->kind, "cert"))
    return ck_import_plan_count (plan, CK_IMPORT_ITEM_CERTIFICATE);
  if (g_str_equal (row->kind, "key"))
    return ck_import_plan_count (plan, CK_IMPORT_ITEM_PRIVATE_KEY);
  if (g_str_equal (row->kind, "crq"))
    return ck_import_plan_count (plan, CK_IMPORT_ITEM_REQUEST);
  return ck_import_plan_get_n_items (plan);
}

static GHashTable *
tallies_new (void)
{
  return g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

static void
tally (GHashTable *tallies,
       const Row  *row,
       Outcome     outcome)
{
  g_autofree char *key = g_strdup_printf ("%s/%s", row->kind, row->expected);
  Tally *t = g_hash_table_lookup (tallies, key);

  if (t == NULL)
    {
      t = g_new0 (Tally, 1);
      g_hash_table_insert (tallies, g_steal_pointer (&key), t);
    }
  if (outcome == OUTCOME_IMPORTED)
    t->imported++;
  else if (outcome == OUTCOME_REJECTED || outcome == OUTCOME_PASSWORD_REFUSED)
    t->rejected++;
  else
    t->locked++;
}

static void
print_tallies (GHashTable *tallies)
{
  g_autoptr(GList) keys = g_list_sort (g_hash_table_get_keys (tallies),
                                       (GCompareFunc) g_strcmp0);

  for (GList *l = keys; l != NULL; l = l->next)
    {
      Tally *t = g_hash_table_lookup (tallies, l->data);

      g_test_message ("  %-16s imported %3u  rejected %3u  locked %3u",
                      (char *) l->data, t->imported, t->rejected, t->locked);
    }
}

static void
test_corpus_imports (void)
{
  g_autoptr(GHashTable) tallies = tallies_new ();
  guint n_files = 0, n_certs = 0, n_keys = 0, n_requests = 0;

  for (guint i = 0; i < rows->len; i++)
    {
      const Row *row = g_ptr_array_index (rows, i);
      g_autoptr(CkImporter) importer = NULL;
      g_autofree char *problem = NULL;
      CkImportPlan *plan;
      Outcome outcome;

      if (!is_input_kind (row))
        continue;

      importer = import_row (row);
      plan = ck_importer_get_plan (importer);
      outcome = settle_locked (importer, row, &problem);
      tally (tallies, row, outcome);
      n_files++;
      n_certs += ck_import_plan_count (plan, CK_IMPORT_ITEM_CERTIFICATE);
      n_keys += ck_import_plan_count (plan, CK_IMPORT_ITEM_PRIVATE_KEY);
      n_requests += ck_import_plan_count (plan, CK_IMPORT_ITEM_REQUEST);
      assert_clear_problems (row, plan);

      if (needs_newer_gnutls (row))
        {
          const GError *error = first_error (plan);

          g_test_message ("%s (%s, needs newer GnuTLS): %s: %s", row->path, row->expected,
                          outcome_names[outcome], problem);
          g_assert_cmpint (outcome, ==, OUTCOME_REJECTED);
          g_assert_error ((GError *) error, CK_ERROR, CK_ERROR_UNSUPPORTED);
          g_assert_nonnull (strstr (error->message, "not supported by this GnuTLS"));
          /* nothing half-imported */
          g_assert_cmpuint (ck_import_plan_count_new (plan), ==, 0);
        }
      else if (g_str_equal (row->kind, "crl"))
        {
          /* Certkeeper keeps no CRLs: a file of only that is refused */
          g_test_message ("%s (crl): %s: %s", row->path, outcome_names[outcome], problem);
          g_assert_cmpint (outcome, ==, OUTCOME_REJECTED);
          g_assert_nonnull (strstr (problem, "nothing to import"));
        }
      else if (g_str_equal (row->expected, "valid"))
        {
          if (outcome != OUTCOME_IMPORTED || count_kind_for_row (row, plan) == 0)
            g_error ("%s (valid) was not imported: %s", row->path, problem);
        }
      else if (g_str_equal (row->expected, "must-fail") && op_is_parse (row))
        {
          g_test_message ("%s (must-fail, %s): %s: %s", row->path, row->expect_op,
                          outcome_names[outcome], problem);
          if (outcome != OUTCOME_REJECTED && outcome != OUTCOME_PASSWORD_REFUSED)
            g_error ("%s (must-fail on %s) was not rejected", row->path, row->expect_op);
        }
      else if (g_str_equal (row->expected, "must-fail"))
        {
          /* fails only chain verification: a fine file to import, unless
           * this GnuTLS cannot even parse it (the oracle: certtool -i) */
          gboolean parses = certtool_parses (row);

          g_test_message ("%s (must-fail, %s only): %s: %s%s", row->path, row->expect_op,
                          outcome_names[outcome], problem,
                          parses ? "" : " [certtool -i fails too]");
          if (parses && (outcome != OUTCOME_IMPORTED || count_kind_for_row (row, plan) == 0))
            g_error ("%s (must-fail on %s only) was not imported: %s", row->path,
                     row->expect_op, problem);
          if (!parses && outcome != OUTCOME_REJECTED)
            g_error ("%s: certtool -i fails on it, but it was imported", row->path);
        }
      else
        {
          g_test_message ("%s (unknown, %s): %s, %u items: %s", row->path, row->expect_op,
                          outcome_names[outcome], ck_import_plan_get_n_items (plan), problem);
        }
    }

  g_test_message ("corpus: %u files, %u certificates, %u keys, %u requests found",
                  n_files, n_certs, n_keys, n_requests);
  g_test_message ("per kind/expectation:");
  print_tallies (tallies);
}

/* ------------------------------------------------------------------ */
/* rejected files never touch the store                               */

static GBytes *
snapshot_store (const char *dir)
{
  /* closed: the WAL has been checkpointed into store.db */
  g_autofree char *db = g_build_filename (dir, "store.db", NULL);
  g_autofree char *wal = g_build_filename (dir, "store.db-wal", NULL);
  g_autoptr(GError) error = NULL;
  GByteArray *all = g_byte_array_new ();
  char *contents = NULL;
  gsize len = 0;

  g_file_get_contents (db, &contents, &len, &error);
  g_assert_no_error (error);
  g_byte_array_append (all, (guint8 *) contents, len);
  g_free (contents);
  if (g_file_get_contents (wal, &contents, &len, NULL))
    {
      g_byte_array_append (all, (guint8 *) "\0WAL\0", 5);
      g_byte_array_append (all, (guint8 *) contents, len);
      g_free (contents);
    }
  return g_byte_array_free_to_bytes (all);
}

static void
test_corpus_rejected_not_stored (void)
{
  g_autofree char *dir = g_build_filename (tmpdir, "store", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) before = NULL;
  guint n_checked = 0;
  CkStore *store;

  /* a store with something in it already */
  store = ck_store_open (dir, &error);
  g_assert_no_error (error);
  {
    g_autoptr(CkImporter) importer = ck_importer_new (store);
    g_autofree char *path = g_build_filename (corpus_dir, "data", "cert-ecc256.pem", NULL);
    g_autoptr(GFile) file = g_file_new_for_path (path);
    CkCommitSummary summary = { 0 };

    g_assert_true (ck_importer_add_file (importer, file, NULL, &error));
    g_assert_true (ck_store_commit (store, ck_importer_get_plan (importer), NULL,
                                    CK_COMMIT_NONE, NULL, NULL, &summary, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (summary.certificates, ==, 1);
  }
  g_object_unref (store);
  before = snapshot_store (dir);

  for (guint i = 0; i < rows->len; i++)
    {
      const Row *row = g_ptr_array_index (rows, i);
      g_autoptr(CkImporter) importer = NULL;
      g_autoptr(GBytes) after = NULL;
      g_autofree char *path = NULL;
      g_autoptr(GFile) file = NULL;
      CkCommitSummary summary = { 0 };
      CkImportPlan *plan;
      gboolean ok;

      if (!is_input_kind (row) || g_str_equal (row->expected, "valid"))
        continue;

      store = ck_store_open (dir, &error);
      g_assert_no_error (error);
      importer = ck_importer_new (store);
      ck_importer_set_password_func (importer, manifest_password, (gpointer) row, NULL);
      path = g_build_filename (corpus_dir, row->path, NULL);
      file = g_file_new_for_path (path);
      g_assert_true (ck_importer_add_file (importer, file, NULL, &error));
      plan = ck_importer_get_plan (importer);

      if (outcome_of (plan) == OUTCOME_IMPORTED)
        {
          /* verification-only failures and some unknowns import: not
           * what this test is about */
          g_clear_object (&importer);
          g_object_unref (store);
          continue;
        }

      ok = ck_store_commit (store, plan, "corpus store passphrase", CK_COMMIT_NONE,
                            NULL, NULL, &summary, &error);
      g_assert_false (ok);
      g_assert_error (error, CK_ERROR, CK_ERROR_INVALID);
      g_clear_error (&error);
      g_assert_cmpuint (summary.certificates + summary.keys + summary.requests, ==, 0);

      g_clear_object (&importer);
      g_object_unref (store);
      after = snapshot_store (dir);
      if (!g_bytes_equal (before, after))
        g_error ("%s: the store changed after a refused commit", row->path);
      n_checked++;
    }

  g_test_message ("%u rejected corpus files: commit refused, store.db unchanged", n_checked);
  g_assert_cmpuint (n_checked, >, 10);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  ck_core_init ();

  corpus_dir = g_build_filename (g_getenv ("CK_TEST_DATA"), "certtool", NULL);
  tmpdir = g_dir_make_tmp ("ck-test-corpus-XXXXXX", NULL);
  g_assert_nonnull (tmpdir);
  load_manifest ();

  g_test_add_func ("/corpus/imports", test_corpus_imports);
  g_test_add_func ("/corpus/rejected-not-stored", test_corpus_rejected_not_stored);

  ret = g_test_run ();

  {
    g_autofree char *store_dir = g_build_filename (tmpdir, "store", NULL);
    const char *names[] = { "store.db", "store.db-wal", "store.db-shm", NULL };

    for (guint i = 0; names[i] != NULL; i++)
      {
        g_autofree char *p = g_build_filename (store_dir, names[i], NULL);
        g_unlink (p);
      }
    g_rmdir (store_dir);
    g_rmdir (tmpdir);
  }
  g_ptr_array_unref (rows);
  g_free (corpus_dir);
  g_free (tmpdir);
  return ret;
}
