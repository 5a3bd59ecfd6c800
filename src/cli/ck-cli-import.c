/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `import`: one plan over all the files, then all or nothing. A script
 * must be able to rely on "exit 1 means the store is unchanged". */
#include <glib/gi18n.h>

#include "ck-cli.h"

#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "ck-cli-interrupt.h"
#include "ck-cli-password.h"

typedef struct {
  CkKeeper   *keeper;
  CkImporter *importer;
  const char *password;       /* from --password-file, or NULL */
  const char *password_file;
  /* Locked items that stay locked (CkImportItem → message naming it). */
  GHashTable *failures;
} ImportRun;

/* Core messages usually name the file and item already; make sure the
 * line does even when one does not. */
static char *
name_item (CkImportItem *item,
           const char   *message)
{
  g_autofree char *base = g_path_get_basename (ck_import_item_get_file (item));

  if (strstr (message, base) != NULL)
    return g_strdup (message);
  return g_strdup_printf ("%s: %s", ck_import_item_get_source (item), message);
}

static gboolean
unlock_with_prompt (ImportRun    *run,
                    CkImportItem *item,
                    char        **failure)
{
  g_autofree char *source = ck_cli_printable (ck_import_item_get_source (item));
  g_autofree char *prompt = g_strdup_printf ("Password for %s: ", source);

  for (guint attempt = 0; attempt < CK_CLI_PROMPT_ATTEMPTS; attempt++)
    {
      g_autoptr (GError) error = NULL;
      g_autoptr (CkPassword) password = ck_cli_prompt_password (prompt, &error);

      if (password == NULL)
        {
          *failure = name_item (item, error->message);
          return FALSE;
        }
      if (ck_keeper_import_unlock (run->keeper, run->importer, item, password, &error))
        return TRUE;
      if (!g_error_matches (error, CK_ERROR, CK_ERROR_BAD_PASSWORD))
        {
          *failure = name_item (item, error->message);
          return FALSE;
        }
      fputs (_("Wrong password.\n"), stderr);
    }

  *failure = name_item (item, "wrong password (3 attempts)");
  return FALSE;
}

static gboolean
unlock_item (ImportRun    *run,
             CkImportItem *item,
             char        **failure)
{
  g_autoptr (GError) error = NULL;

  if (run->password != NULL)
    {
      g_autofree char *message = NULL;

      if (ck_keeper_import_unlock (run->keeper, run->importer, item, run->password, &error))
        return TRUE;
      message = name_item (item, error->message);
      if (g_error_matches (error, CK_ERROR, CK_ERROR_BAD_PASSWORD))
        *failure = g_strdup_printf ("%s (password from %s)", message, run->password_file);
      else
        *failure = g_steal_pointer (&message);
      return FALSE;
    }

  if (ck_cli_can_prompt ())
    return unlock_with_prompt (run, item, failure);

  *failure = name_item (item, "encrypted; give its password with --password-file FILE");
  return FALSE;
}

/* Unlocking replaces an item by what it holds (a PKCS#12 by its keys and
 * certificates), which may itself be locked: rescan until nothing changes. */
static void
unlock_all (ImportRun *run)
{
  CkImportPlan *plan = ck_importer_get_plan (run->importer);
  gboolean changed = TRUE;

  while (changed)
    {
      changed = FALSE;
      for (guint i = 0; i < ck_import_plan_get_n_items (plan); i++)
        {
          CkImportItem *item = ck_import_plan_get_item (plan, i);
          char *failure = NULL;

          if (ck_import_item_get_kind (item) != CK_IMPORT_ITEM_LOCKED ||
              g_hash_table_contains (run->failures, item))
            continue;
          if (unlock_item (run, item, &failure))
            {
              changed = TRUE;
              break;
            }
          g_hash_table_insert (run->failures, g_object_ref (item), failure);
        }
    }
}

static void
collect_problems (ImportRun *run,
                  GPtrArray *problems)
{
  CkImportPlan *plan = ck_importer_get_plan (run->importer);

  for (guint i = 0; i < ck_import_plan_get_n_items (plan); i++)
    {
      CkImportItem *item = ck_import_plan_get_item (plan, i);
      CkImportItemKind kind = ck_import_item_get_kind (item);

      if (kind == CK_IMPORT_ITEM_ERROR)
        {
          const GError *error = ck_import_item_get_error (item);

          g_ptr_array_add (problems, name_item (item, error ? error->message
                                                            : "cannot be read"));
        }
      else if (kind == CK_IMPORT_ITEM_LOCKED)
        {
          const char *failure = g_hash_table_lookup (run->failures, item);

          g_ptr_array_add (problems,
                           failure ? g_strdup (failure)
                                   : name_item (item, "still encrypted"));
        }
    }
}

/* The passphrase that protects new keys in the store. FALSE after printing
 * an error. *@passphrase stays NULL with --no-key-passphrase. */
static gboolean
get_key_passphrase (CkStore       *store,
                    CkImportItem  *key_item,
                    const char    *passphrase_file,
                    gboolean       no_passphrase,
                    char         **passphrase)
{
  g_autoptr (GError) error = NULL;

  if (no_passphrase)
    return TRUE;

  if (passphrase_file != NULL || ck_cli_can_prompt ())
    {
      *passphrase = ck_cli_get_store_passphrase (store, passphrase_file,
                                                 "--no-key-passphrase", &error);
      if (*passphrase == NULL)
        {
          ck_cli_error (_("%s; nothing imported"), error->message);
          return FALSE;
        }
      return TRUE;
    }

  ck_cli_error (_("%s is a private key: give --key-passphrase-file FILE to store "
                "it encrypted, or --no-key-passphrase to store it without a "
                "passphrase; nothing imported"),
                ck_import_item_get_source (key_item));
  return FALSE;
}

static void
append_count (GString    *out,
              guint       n,
              const char *singular,
              const char *plural)
{
  if (n == 0)
    return;
  if (out->len > 0)
    g_string_append (out, ", ");
  g_string_append_printf (out, "%u %s", n, n == 1 ? singular : plural);
}

/* What each new key was paired with, in the words of the spec:
 * "key matches certificate 'CN'". Keys without a certificate are counted,
 * not listed: a 300-key import is one short line. */
static void
append_pairings (GString      *out,
                 CkStore      *store,
                 CkImportPlan *plan)
{
  guint unpaired = 0;

  for (guint i = 0; i < ck_import_plan_get_n_items (plan); i++)
    {
      CkImportItem *item = ck_import_plan_get_item (plan, i);
      CkImportItemKind kind = ck_import_item_get_kind (item);
      CkImportItem *partner = ck_import_item_get_partner (item);
      gint64 stored = ck_import_item_get_store_partner_id (item);

      if (!ck_import_item_is_new (item))
        continue;

      if (kind == CK_IMPORT_ITEM_PRIVATE_KEY && partner != NULL)
        g_string_append_printf (out, "; key matches certificate '%s'",
                                ck_import_item_get_display_name (partner));
      else if (kind == CK_IMPORT_ITEM_PRIVATE_KEY && stored > 0)
        {
          CkStoredCertificate *row = ck_store_get_certificate_row (store, stored);

          g_string_append_printf (out, "; key matches stored certificate %" G_GINT64_FORMAT " '%s'",
                                  stored, row ? ck_stored_certificate_get_display_name (row) : "?");
        }
      else if (kind == CK_IMPORT_ITEM_PRIVATE_KEY)
        unpaired++;
      else if (kind == CK_IMPORT_ITEM_CERTIFICATE && partner == NULL && stored > 0)
        g_string_append_printf (out, "; certificate '%s' matches stored key %" G_GINT64_FORMAT,
                                ck_import_item_get_display_name (item), stored);
    }
  if (unpaired == 1)
    g_string_append (out, "; no certificate for the key yet");
  else if (unpaired > 1)
    g_string_append_printf (out, "; %u keys without a certificate yet", unpaired);
}

static void
print_summary (CkStore               *store,
               CkImportPlan          *plan,
               const CkCommitSummary *summary,
               const char            *key_protection)
{
  g_autoptr (GString) line = g_string_new (NULL);
  guint existing = 0, duplicates = 0;

  for (guint i = 0; i < ck_import_plan_get_n_items (plan); i++)
    {
      CkImportItem *item = ck_import_plan_get_item (plan, i);

      if (ck_import_item_get_existing_id (item) > 0)
        existing++;
      else if (ck_import_item_get_duplicate (item))
        duplicates++;
    }

  /* The database decides at commit time: another import may have added
   * the same objects since the plan was made (summary->skipped counts
   * those, and the plan's repeats). */
  if (summary->skipped >= duplicates)
    existing = MAX (existing, summary->skipped - duplicates);

  append_count (line, summary->certificates, "certificate", "certificates");
  append_count (line, summary->keys, "key", "keys");
  append_count (line, summary->requests, "request", "requests");
  append_count (line, summary->crls, "CRL", "CRLs");
  if (line->len > 0)
    g_string_prepend (line, "Imported ");
  else
    g_string_append (line, "Nothing new imported");
  if (summary->keys > 0 && key_protection != NULL)
    g_string_append_printf (line, " (%s)", key_protection);
  if (existing > 0)
    g_string_append_printf (line, "; %u already in the store", existing);
  if (duplicates > 0)
    g_string_append_printf (line, "; %u repeated in the input", duplicates);
  append_pairings (line, store, plan);
  if (summary->requests_issued > 0)
    g_string_append_printf (line, "; %u pending %s now issued", summary->requests_issued,
                            summary->requests_issued == 1 ? "request" : "requests");
  ck_cli_print_line ("%s", line->str);
}

/* After the commit: one line per new object with its store id, so a
 * person (or a script without --json) can go on with show/export. */
static void
print_imported (CkStore      *store,
                CkImportPlan *plan)
{
  for (guint i = 0; i < ck_import_plan_get_n_items (plan); i++)
    {
      CkImportItem *item = ck_import_plan_get_item (plan, i);
      const char *fingerprint = ck_import_item_get_fingerprint (item);
      const char *kind_name = NULL;
      gint64 id = 0;

      if (!ck_import_item_is_new (item) || fingerprint == NULL)
        continue;
      switch (ck_import_item_get_kind (item))
        {
        case CK_IMPORT_ITEM_CERTIFICATE:
          id = ck_store_find_certificate (store, fingerprint);
          kind_name = "certificate";
          break;
        case CK_IMPORT_ITEM_PRIVATE_KEY:
          id = ck_store_find_key (store, fingerprint);
          kind_name = "key";
          break;
        case CK_IMPORT_ITEM_REQUEST:
          id = ck_store_find_request (store, fingerprint);
          kind_name = "request";
          break;
        case CK_IMPORT_ITEM_CRL:
          ck_cli_print_line ("  crl: %s", ck_import_item_get_display_name (item));
          continue;
        case CK_IMPORT_ITEM_LOCKED:
        case CK_IMPORT_ITEM_ERROR:
        default:
          continue;
        }
      if (id > 0)
        ck_cli_print_line ("  %s %" G_GINT64_FORMAT ": %s", kind_name, id,
                ck_import_item_get_display_name (item));
    }
}

/* Where a certificate that issued pending requests differs from what was
 * asked for: the CA may drop or change names and usages. */
static void
print_request_differences (CkStore      *store,
                           CkImportPlan *plan)
{
  for (guint i = 0; i < ck_import_plan_get_n_items (plan); i++)
    {
      CkImportItem *item = ck_import_plan_get_item (plan, i);
      g_autoptr (GPtrArray) lines = NULL;
      g_autoptr (GError) error = NULL;
      gint64 id;

      if (ck_import_item_get_kind (item) != CK_IMPORT_ITEM_CERTIFICATE ||
          !ck_import_item_is_new (item))
        continue;
      id = ck_store_find_certificate (store, ck_import_item_get_fingerprint (item));
      if (id <= 0)
        continue;
      lines = ck_request_diff_issued (store, id, &error);
      if (lines == NULL)
        {
          ck_cli_error ("%s", error->message);
          continue;
        }
      for (guint j = 0; j < lines->len; j++)
        ck_cli_print_line ("%s", (char *) lines->pdata[j]);
    }
}

/* Reads one FILE argument ('-': standard input) through the core's capped,
 * cancellable reader, as an input for the keeper. FALSE when it could not
 * be read (the problem, naming the path as given, is added) or Ctrl+C
 * stopped the read (*@interrupted). */
static gboolean
add_input (GArray       *inputs,
           GPtrArray    *names,
           GPtrArray    *datas,
           const char   *arg,
           GCancellable *cancellable,
           GPtrArray    *problems,
           gboolean     *interrupted)
{
  g_autoptr (GError) error = NULL;
  CkKeeperImportInput input = { 0 };
  GBytes *data;
  char *name;

  if (g_str_equal (arg, "-"))
    {
      name = g_strdup (_("standard input"));
      data = ck_read_fd_bounded (STDIN_FILENO, name, CK_MAX_INPUT_SIZE, cancellable, &error);
    }
  else
    {
      g_autoptr (GFile) file = g_file_new_for_commandline_arg (arg);
      g_autofree char *display = g_filename_display_name (arg);
      g_autofree char *base = g_path_get_basename (arg);

      /* The store keeps the name as text: a file name that is not UTF-8
       * is stored as GLib displays it. */
      name = g_filename_display_name (base);
      data = ck_read_file_bounded (file, display, CK_MAX_INPUT_SIZE, cancellable, &error);
    }
  g_ptr_array_add (names, name);
  if (data == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        *interrupted = TRUE;
      else
        g_ptr_array_add (problems, g_strdup (error->message));
      return FALSE;
    }
  g_ptr_array_add (datas, data);
  input.bytes = data;
  input.name = name;
  g_array_append_val (inputs, input);
  return TRUE;
}

int
ck_cli_import (CkCli *cli,
               int    argc,
               char **argv)
{
  g_autofree char *password_file = NULL;
  g_autofree char *key_passphrase_file = NULL;
  gboolean no_key_passphrase = FALSE;
  g_autofree char *to_token = NULL;
  g_autoptr (CkToken) token = NULL;
  guint n_token_keys = 0;
  const GOptionEntry entries[] = {
    { "to-token", 0, 0, G_OPTION_ARG_STRING, &to_token,
      N_("Put new keys onto the PKCS#11 token URI (sensitive, never exportable; the store "
      "keeps their URI) and write the certificates there beside their keys (same ID and "
      "label); PIN from --pin-file or the prompt"), N_("URI") },
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &password_file,
      N_("Read the password of encrypted keys and PKCS#12 files from the first line of FILE"),
      N_("FILE") },
    { "key-passphrase-file", 0, 0, G_OPTION_ARG_FILENAME, &key_passphrase_file,
      N_("Encrypt new private keys in the store with the passphrase in the first line of FILE"),
      N_("FILE") },
    { "no-key-passphrase", 0, 0, G_OPTION_ARG_NONE, &no_key_passphrase,
      N_("Store new private keys without a passphrase"), NULL },
    { NULL }
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (CkKeeper) keeper = NULL;
  g_autoptr (CkImporter) importer = NULL;
  g_autoptr (CkKeeperCommit) commit = NULL;
  CkKeeperCommitOptions commit_options = { 0 };
  g_autoptr (GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  g_autoptr (GHashTable) failures = NULL;
  g_autoptr (CkPassword) password = NULL;
  g_autoptr (CkPassword) key_passphrase = NULL;
  CkCommitSummary summary = { 0 };
  CkImportItem *key_item;
  CkImportPlan *plan;
  CkStore *store;
  ImportRun run = { 0 };

  if (!ck_cli_parse_options (cli, N_("FILE…"),
                             N_("Imports certificates, private keys and certificate signing requests."),
                             N_("FILE may be PEM (any mix of blocks), DER, PKCS#7, PKCS#12 or an\n"
                             "encrypted key; '-' reads standard input. All files form one\n"
                             "import: if any item cannot be read or opened, every problem is\n"
                             "listed and nothing is imported (exit status 1).\n"
                             "\n"
                             "Encrypted items are opened with the password from\n"
                             "--password-file; without it, and when standard input is a\n"
                             "terminal, you are asked for each one (3 attempts).\n"
                             "\n"
                             "New private keys are stored encrypted under the store passphrase,\n"
                             "from --key-passphrase-file or the prompt (typed twice when the\n"
                             "store has none yet), or\n"
                             "unencrypted only with --no-key-passphrase. Without a terminal,\n"
                             "one of the two options is required when the input holds a key.\n"
                             "\n"
                             "Importing never marks anything as trusted."),
                             entries, &argc, &argv))
    return CK_CLI_EXIT_USAGE;
  if (argc < 2)
    return ck_cli_usage_error (cli, _("No FILE given"));
  if (key_passphrase_file != NULL && no_key_passphrase)
    return ck_cli_usage_error (cli, _("--key-passphrase-file and --no-key-passphrase "
                                    "cannot be used together"));

  store = ck_cli_open_store (cli, &error);
  if (store == NULL)
    return ck_cli_fail (error);

  if (password_file != NULL)
    {
      password = ck_cli_read_password_file (password_file, &error);
      if (password == NULL)
        return ck_cli_fail (error);
    }

  keeper = ck_keeper_new (store);
  {
    /* Ctrl+C while a FIFO, a terminal or a slow pipe is read stops the
     * read: nothing has been written yet. */
    g_autoptr (CkCliInterrupt) interrupt = ck_cli_interrupt_begin ();
    GCancellable *cancellable = ck_cli_interrupt_get_cancellable (interrupt);
    g_autoptr (GArray) inputs = g_array_new (FALSE, TRUE, sizeof (CkKeeperImportInput));
    g_autoptr (GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
    g_autoptr (GPtrArray) datas = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
    gboolean interrupted = FALSE;

    for (int i = 1; i < argc && !interrupted; i++)
      add_input (inputs, names, datas, argv[i], cancellable, problems, &interrupted);
    if (!interrupted)
      importer = ck_keeper_import_read (keeper, NULL, (CkKeeperImportInput *) (void *) inputs->data,
                                        inputs->len, cancellable, &error);
    if (interrupted || importer == NULL)
      {
        ck_cli_error (_("interrupted while reading the input; nothing imported"));
        return CK_CLI_EXIT_INTERRUPTED;
      }
  }
  plan = ck_importer_get_plan (importer);

  failures = g_hash_table_new_full (g_direct_hash, g_direct_equal, g_object_unref, g_free);
  run.keeper = keeper;
  run.importer = importer;
  run.password = password;
  run.password_file = password_file;
  run.failures = failures;
  unlock_all (&run);
  collect_problems (&run, problems);

  if (problems->len == 1)
    return ck_cli_error (_("%s; nothing imported"), (char *) problems->pdata[0]);
  if (problems->len > 1)
    {
      for (guint i = 0; i < problems->len; i++)
        ck_cli_error ("%s", (char *) problems->pdata[i]);
      return ck_cli_error (_("%u problems; nothing imported"), problems->len);
    }

  if (ck_import_plan_get_n_items (plan) == 0)
    return ck_cli_error (_("no certificates, keys or requests found; nothing imported"));

  if (to_token != NULL)
    {
      token = ck_cli_token_open (cli, to_token, &error);
      if (token == NULL)
        return ck_cli_error (_("%s; nothing imported"), error->message);
    }

  key_item = token == NULL ? ck_import_plan_get_key_needing_passphrase (plan) : NULL;
  if (key_item != NULL &&
      !get_key_passphrase (store, key_item, key_passphrase_file, no_key_passphrase,
                           &key_passphrase))
    return CK_CLI_EXIT_ERROR;

  /* Everything is checked before anything is written, store or token; new
   * keys go onto the token first, and the store records their URIs. */
  commit_options.key_passphrase = key_passphrase;
  commit_options.flags = no_key_passphrase ? CK_COMMIT_NO_KEY_PASSPHRASE : CK_COMMIT_NONE;
  commit_options.token = token;
  commit_options.all_certificates_to_token = TRUE;
  commit = ck_keeper_import_commit (keeper, plan, &commit_options, NULL, &error);
  if (commit == NULL)
    return ck_cli_error (_("%s; nothing imported"), error->message);
  plan = commit->committed;
  summary = commit->summary;
  n_token_keys = commit->n_token_keys;

  print_summary (store, plan, &summary,
                 n_token_keys > 0 ? "on the token"
                 : no_key_passphrase ? "stored without a passphrase" : "stored encrypted");
  print_imported (store, plan);
  if (summary.requests_issued > 0)
    print_request_differences (store, plan);
  for (guint i = 0; i < commit->token_writes->len; i++)
    {
      CkKeeperTokenWrite *write = commit->token_writes->pdata[i];

      ck_cli_print_line (write->with_key ? "Written to token “%s” with its key: %s"
                         : write->written ? "Written to token “%s”: %s"
                         : "Already on token “%s”: %s",
                         ck_token_get_label (token), ck_import_item_get_display_name (write->item));
    }
  return CK_CLI_EXIT_OK;
}
