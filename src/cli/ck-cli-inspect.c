/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The read-only commands, list and show, and delete (which shares their
 * way of naming an object). */
#include <glib/gi18n.h>

#include "ck-cli.h"

#include <string.h>

#include "ck-cli-describe.h"
#include "ck-json-writer.h"

typedef struct {
  CkObjectKind kind;
  gint64       id;
  gpointer     row;   /* CkStoredCertificate, CkStoredKey or CkStoredRequest */
} ListEntry;

static void
list_entry_clear (gpointer data)
{
  ListEntry *entry = data;

  g_clear_object (&entry->row);
}

static int
compare_entries (gconstpointer a,
                 gconstpointer b)
{
  const ListEntry *x = a, *y = b;

  return (x->id > y->id) - (x->id < y->id);
}

static void
collect (GArray       *entries,
         GListModel   *model,
         CkObjectKind  kind)
{
  guint n = g_list_model_get_n_items (model);

  for (guint i = 0; i < n; i++)
    {
      ListEntry entry = { kind, 0, g_list_model_get_item (model, i) };

      if (kind == CK_OBJECT_CERTIFICATE)
        entry.id = ck_stored_certificate_get_id (entry.row);
      else if (kind == CK_OBJECT_KEY)
        entry.id = ck_stored_key_get_id (entry.row);
      else
        entry.id = ck_stored_request_get_id (entry.row);
      g_array_append_val (entries, entry);
    }
}

static gboolean
entry_to_json (CkJsonWriter *json,
               CkStore      *store,
               GHashTable   *requests,
               ListEntry    *entry,
               GError      **error)
{
  switch (entry->kind)
    {
    case CK_OBJECT_CERTIFICATE:
      {
        g_autoptr (CkCertificate) cert = ck_store_load_certificate (store, entry->id, error);

        if (cert == NULL)
          return FALSE;
        ck_cli_certificate_to_json (json, store, requests, entry->row, cert);
        return TRUE;
      }
    case CK_OBJECT_KEY:
      ck_cli_key_to_json (json, store, entry->row);
      return TRUE;
    case CK_OBJECT_REQUEST:
      {
        g_autoptr (CkRequest) request = ck_store_load_request (store, entry->id, error);

        if (request == NULL)
          return FALSE;
        ck_cli_request_to_json (json, store, entry->row, request);
        return TRUE;
      }
    case CK_OBJECT_NONE:
    default:
      g_assert_not_reached ();
    }
}

/* One row of the human table: ID, KIND, EXPIRES, KEY, NAME. */
static char **
entry_to_columns (CkStore   *store,
                  ListEntry *entry)
{
  char **columns = g_new0 (char *, 6);

  columns[0] = g_strdup_printf ("%" G_GINT64_FORMAT, entry->id);
  switch (entry->kind)
    {
    case CK_OBJECT_CERTIFICATE:
      {
        CkStoredCertificate *row = entry->row;
        g_autofree char *expires = ck_cli_format_time (ck_stored_certificate_get_not_after (row));

        columns[1] = g_strdup ("certificate");
        /* The date is enough in a table; `show` has the time. */
        columns[2] = expires ? g_strndup (expires, 10) : g_strdup ("?");
        columns[3] = g_strdup (ck_stored_certificate_get_has_key (row) ? "yes" : "no");
        columns[4] = g_strdup (ck_stored_certificate_get_display_name (row));
        break;
      }
    case CK_OBJECT_KEY:
      {
        CkStoredKey *row = entry->row;

        columns[1] = g_strdup ("key");
        columns[2] = g_strdup ("-");
        columns[3] = ck_cli_key_summary (ck_stored_key_get_algorithm (row),
                                         ck_stored_key_get_bits (row),
                                         ck_stored_key_get_curve (row));
        columns[4] = g_strdup (ck_stored_key_get_display_name (row));
        break;
      }
    case CK_OBJECT_REQUEST:
      {
        CkStoredRequest *row = entry->row;
        gint64 key_id = ck_store_find_key (store, ck_stored_request_get_spki_sha256 (row));

        columns[1] = g_strdup ("request");
        columns[2] = g_strdup ("-");
        columns[3] = g_strdup (key_id > 0 ? "yes" : "no");
        columns[4] = g_strdup_printf ("%s (%s)", ck_stored_request_get_display_name (row),
                                      ck_request_status_to_string (ck_stored_request_get_status (row)));
        break;
      }
    case CK_OBJECT_NONE:
    default:
      g_assert_not_reached ();
    }

  for (guint c = 0; columns[c] != NULL; c++)
    {
      char *printable = ck_cli_printable (columns[c]);

      g_free (columns[c]);
      columns[c] = printable;
    }
  return columns;
}

static void
print_table (CkStore *store,
             GArray  *entries)
{
  static const char * const header[] = { "ID", "KIND", "EXPIRES", "KEY", "NAME", NULL };
  g_autoptr (GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) g_strfreev);
  g_autoptr (GString) out = g_string_new (NULL);
  int widths[5] = { 0 };

  g_ptr_array_add (rows, g_strdupv ((char **) header));
  for (guint i = 0; i < entries->len; i++)
    g_ptr_array_add (rows, entry_to_columns (store, &g_array_index (entries, ListEntry, i)));

  for (guint i = 0; i < rows->len; i++)
    {
      char **columns = g_ptr_array_index (rows, i);

      for (guint c = 0; c < 4; c++)
        widths[c] = MAX (widths[c], (int) g_utf8_strlen (columns[c], -1));
    }

  for (guint i = 0; i < rows->len; i++)
    {
      char **columns = g_ptr_array_index (rows, i);

      for (guint c = 0; c < 4; c++)
        {
          /* Pad by characters, not bytes: names and algorithms are UTF-8. */
          g_string_append (out, columns[c]);
          for (int pad = (int) g_utf8_strlen (columns[c], -1); pad < widths[c] + 2; pad++)
            g_string_append_c (out, ' ');
        }
      g_string_append (out, columns[4]);
      g_string_append_c (out, '\n');
    }
  fputs (out->str, stdout);
}

int
ck_cli_list (CkCli *cli,
             int    argc,
             char **argv)
{
  gboolean certificates = FALSE, keys = FALSE, requests = FALSE, json_output = FALSE;
  const GOptionEntry entries[] = {
    { "certificates", 0, 0, G_OPTION_ARG_NONE, &certificates, N_("List certificates"), NULL },
    { "keys", 0, 0, G_OPTION_ARG_NONE, &keys, N_("List private keys"), NULL },
    { "requests", 0, 0, G_OPTION_ARG_NONE, &requests, N_("List certificate signing requests"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json_output,
      N_("Write a JSON array of objects (the fields of 'show --json')"), NULL },
    { NULL }
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (GArray) list = NULL;
  g_autoptr (GHashTable) request_index = NULL;
  CkStore *store;

  if (!ck_cli_parse_options (cli, NULL,
                             N_("Lists the certificates, keys and requests in the store, by id."),
                             N_("Without a kind option, everything is listed. The KEY column\n"
                             "says whether the private key of a certificate or request is in\n"
                             "the store, and a key's algorithm. Use --json in scripts: its\n"
                             "fields are stable and documented in README.md."),
                             entries, &argc, &argv))
    return CK_CLI_EXIT_USAGE;
  if (argc > 1)
    return ck_cli_usage_error (cli, _("Unexpected argument “%s”"), argv[1]);

  if (!certificates && !keys && !requests)
    certificates = keys = requests = TRUE;

  store = ck_cli_open_store (cli, &error);
  if (store == NULL)
    return ck_cli_fail (error);

  list = g_array_new (FALSE, FALSE, sizeof (ListEntry));
  g_array_set_clear_func (list, list_entry_clear);
  if (certificates)
    collect (list, ck_store_get_certificates (store), CK_OBJECT_CERTIFICATE);
  if (keys)
    collect (list, ck_store_get_keys (store), CK_OBJECT_KEY);
  if (requests)
    collect (list, ck_store_get_requests (store), CK_OBJECT_REQUEST);
  g_array_sort (list, compare_entries);

  if (json_output)
    {
      g_autoptr (CkJsonWriter) json = ck_json_writer_new ();
      const char *text;

      request_index = ck_cli_index_requests (store);
      ck_json_writer_begin_array (json);
      for (guint i = 0; i < list->len; i++)
        {
          if (!entry_to_json (json, store, request_index,
                              &g_array_index (list, ListEntry, i), &error))
            return ck_cli_fail (error);
          /* Streamed: 100,000 certificates are 250 MB of JSON. */
          if (i % 64 == 63)
            ck_json_writer_flush (json, stdout);
        }
      ck_json_writer_end_array (json);
      text = ck_json_writer_get_text (json);
      fputs (text, stdout);
      return CK_CLI_EXIT_OK;
    }

  if (list->len == 0)
    ck_cli_print_line (_("Nothing in the store (%s)."), ck_store_get_dir (store));
  else
    print_table (store, list);
  return CK_CLI_EXIT_OK;
}

/* Parses the single ID argument common to show, export and delete. */
static gboolean
get_id_argument (CkCli       *cli,
                 int          argc,
                 char       **argv,
                 const char **ref,
                 int         *status)
{
  if (argc < 2)
    {
      *status = ck_cli_usage_error (cli, _("No ID given"));
      return FALSE;
    }
  if (argc > 2)
    {
      *status = ck_cli_usage_error (cli, _("Unexpected argument “%s”"), argv[2]);
      return FALSE;
    }
  *ref = argv[1];
  return TRUE;
}

gboolean
ck_cli_resolve (CkCli        *cli,
                int           argc,
                char        **argv,
                CkStore     **store,
                CkObjectKind *kind,
                gint64       *id,
                int          *status)
{
  g_autoptr (GError) error = NULL;
  const char *ref = NULL;

  if (!get_id_argument (cli, argc, argv, &ref, status))
    return FALSE;

  *store = ck_cli_open_store (cli, &error);
  if (*store == NULL || !ck_store_resolve (*store, ref, kind, id, &error))
    {
      *status = ck_cli_fail (error);
      return FALSE;
    }
  return TRUE;
}

static int
show_pem (CkStore      *store,
          CkObjectKind  kind,
          gint64        id)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *pem = NULL;

  if (kind == CK_OBJECT_CERTIFICATE)
    {
      g_autoptr (CkCertificate) cert = ck_store_load_certificate (store, id, &error);

      if (cert == NULL)
        return ck_cli_fail (error);
      pem = ck_certificate_to_pem (cert);
    }
  else if (kind == CK_OBJECT_REQUEST)
    {
      g_autoptr (CkRequest) request = ck_store_load_request (store, id, &error);

      if (request == NULL)
        return ck_cli_fail (error);
      pem = ck_request_to_pem (request);
    }
  else
    return ck_cli_error (_("%lld is a private key: 'show --pem' is for "
                         "certificates and requests; use 'export %lld --format pkcs8' for keys"), (long long) id, (long long) id);

  fputs (pem, stdout);
  return CK_CLI_EXIT_OK;
}

int
ck_cli_show (CkCli *cli,
             int    argc,
             char **argv)
{
  gboolean json_output = FALSE, pem_output = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json_output,
      N_("Write one JSON object (fields documented in README.md)"), NULL },
    { "pem", 0, 0, G_OPTION_ARG_NONE, &pem_output,
      N_("Write the certificate or request in PEM"), NULL },
    { NULL }
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (GHashTable) request_index = NULL;
  g_autoptr (CkJsonWriter) json = NULL;
  g_autoptr (GString) text = g_string_new (NULL);
  CkStore *store = NULL;
  CkObjectKind kind = CK_OBJECT_NONE;
  gint64 id = 0;
  int status = CK_CLI_EXIT_OK;

  if (!ck_cli_parse_options (cli, N_("ID"),
                             N_("Shows everything about one certificate, key or request."),
                             N_("ID is a store id as 'list' prints it, or a unique prefix of the\n"
                             "SHA-256 fingerprint (the SPKI SHA-256 for keys), hex, with or\n"
                             "without colons."),
                             entries, &argc, &argv))
    return CK_CLI_EXIT_USAGE;
  if (json_output && pem_output)
    return ck_cli_usage_error (cli, _("--json and --pem cannot be used together"));
  if (!ck_cli_resolve (cli, argc, argv, &store, &kind, &id, &status))
    return status;

  if (pem_output)
    return show_pem (store, kind, id);

  json = ck_json_writer_new ();
  switch (kind)
    {
    case CK_OBJECT_CERTIFICATE:
      {
        CkStoredCertificate *row = ck_store_get_certificate_row (store, id);
        g_autoptr (CkCertificate) cert = ck_store_load_certificate (store, id, &error);

        if (row == NULL || cert == NULL)
          return error ? ck_cli_fail (error)
                       : ck_cli_error (_("certificate %lld vanished"), (long long) id);
        request_index = ck_cli_index_certificate_requests (store, id);
        if (json_output)
          ck_cli_certificate_to_json (json, store, request_index, row, cert);
        else
          ck_cli_describe_certificate (text, store, request_index, row, cert);
        break;
      }
    case CK_OBJECT_KEY:
      {
        CkStoredKey *row = ck_store_get_key_row (store, id);

        if (row == NULL)
          return ck_cli_error (_("key %lld vanished"), (long long) id);
        if (json_output)
          ck_cli_key_to_json (json, store, row);
        else
          ck_cli_describe_key (text, store, row);
        break;
      }
    case CK_OBJECT_REQUEST:
      {
        CkStoredRequest *row = ck_store_get_request_row (store, id);
        g_autoptr (CkRequest) request = ck_store_load_request (store, id, &error);

        if (row == NULL || request == NULL)
          return error ? ck_cli_fail (error)
                       : ck_cli_error (_("request %lld vanished"), (long long) id);
        if (json_output)
          ck_cli_request_to_json (json, store, row, request);
        else
          ck_cli_describe_request (text, store, row, request);
        break;
      }
    case CK_OBJECT_NONE:
    default:
      return ck_cli_error (_("%lld: unknown kind of object"), (long long) id);
    }

  fputs (json_output ? ck_json_writer_get_text (json) : text->str, stdout);
  return CK_CLI_EXIT_OK;
}

int
ck_cli_delete (CkCli *cli,
               int    argc,
               char **argv)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *title = NULL;
  g_autoptr (CkKeeper) keeper = NULL;
  g_autoptr (CkDeletion) deletion = NULL;
  const char * const *kept;
  CkStore *store = NULL;
  CkObjectKind kind = CK_OBJECT_NONE;
  gint64 id = 0;
  guint n_lifted;
  int status = CK_CLI_EXIT_OK;

  if (!ck_cli_parse_options (cli, N_("ID"),
                             N_("Deletes one certificate, key or request from the store."),
                             N_("ID is a store id or a unique fingerprint prefix (see 'show').\n"
                             "Deleting a key leaves its certificates; deleting a certificate\n"
                             "puts a request it fulfilled back to pending, and removes its\n"
                             "trust decisions, except a distrust while another certificate\n"
                             "with the same key, or the key, stays: that one stays in force\n"
                             "for the key. There is no undo:\n"
                             "export a key first if you may need it again."),
                             NULL, &argc, &argv))
    return CK_CLI_EXIT_USAGE;
  if (!ck_cli_resolve (cli, argc, argv, &store, &kind, &id, &status))
    return status;

  title = ck_cli_object_title (store, kind, id);
  keeper = ck_keeper_new (store);
  deletion = ck_keeper_delete (keeper, id, NULL, &error);
  if (deletion == NULL)
    return ck_cli_fail (error);
  ck_cli_print_line (_("Deleted %s."), title);
  kept = ck_deletion_get_kept_distrusts (deletion);
  for (guint i = 0; kept[i] != NULL; i++)
    ck_cli_print_line (g_str_equal (kept[i], CK_PURPOSE_ALL)
                       ? _("Its distrust for every purpose stays in force for its public key: "
                           "another certificate with the same key, or the key, is still in the store.")
                       : _("Its distrust for %s stays in force for its public key: another "
                           "certificate with the same key, or the key, is still in the store."),
                       ck_purpose_get_display_name (kept[i]));
  if (ck_deletion_get_n_lifted_key_distrusts (deletion) > 0)
    ck_cli_print_line (_("The distrust kept for its public key is lifted: no certificate with "
                         "that key, nor the key, is left in the store."));
  n_lifted = ck_deletion_get_n_decisions (deletion) - g_strv_length ((char **) kept);
  if (n_lifted > 0)
    ck_cli_print_line (g_dngettext (GETTEXT_PACKAGE, "%u trust decision on it was removed with it.",
                                    "%u trust decisions on it were removed with it.", n_lifted),
                       n_lifted);
  return CK_CLI_EXIT_OK;
}
