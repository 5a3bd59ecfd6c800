/* SPDX-License-Identifier: GPL-3.0-or-later */
/* certkeeper-cli: a thin command-line front end over the core, for scripts
 * and for people who live in a terminal. Every command is a few calls into
 * src/core; this file only dispatches and holds the shared helpers. */
#include <glib/gi18n.h>

#include "ck-cli.h"
#include "ck-cli-interrupt.h"
#include "ck-json-writer.h"

#include <errno.h>
#include <locale.h>
#include <string.h>
#include <unistd.h>

typedef struct {
  const char *name;
  const char *synopsis;
  const char *summary;
  int       (*run) (CkCli *cli, int argc, char **argv);
} CkCliCommand;

static const CkCliCommand commands[] = {
  { "import", "import FILE…",
    N_("Import certificates, keys and requests (PEM, DER, PKCS#7, PKCS#12)"),
    ck_cli_import },
  { "list", "list [--certificates|--keys|--requests] [--json]",
    N_("List what the store holds"),
    ck_cli_list },
  { "show", "show ID [--json|--pem]",
    N_("Show everything about one certificate, key or request"),
    ck_cli_show },
  { "export", "export ID [--format FORMAT] [--out FILE]",
    N_("Write a certificate, request or key out of the store"),
    ck_cli_export },
  { "delete", "delete ID",
    N_("Delete one object from the store"),
    ck_cli_delete },
  { "label", "label ID LABEL|--clear",
    N_("Name a certificate or key (its label, shown wherever its name is)"),
    ck_cli_label },
  { "trust", "trust set|list|export …",
    N_("Trust or distrust a certificate for a purpose; list or export decisions"),
    ck_cli_trust },
  { "verify", "verify ID [--purpose PURPOSE] [--system-anchors] [--json]",
    N_("Say whether a certificate is trusted for a purpose, and why"),
    ck_cli_verify },
  { "keygen", "keygen --algorithm ALG [--bits N|--curve CURVE] [--label LABEL]",
    N_("Generate a private key and keep it, encrypted, in the store"),
    ck_cli_keygen },
  { "request", "request --key ID|--new-key ALG [--subject DN] [--san NAME]… [--profile P]",
    N_("Make a certificate signing request, kept as pending in the store"),
    ck_cli_request },
  { "requests", "requests [--json]",
    N_("List requests: pending, or issued with their certificate"),
    ck_cli_requests },
  { "template", "template export ID|--profile PROFILE [--out FILE]",
    N_("Write a certtool template of a request or a profile"),
    ck_cli_template },
  { "selfsign", "selfsign --key ID|--new-key ALG [--subject DN] [--san NAME]… [--profile P] [--days N]",
    N_("Make a self-signed certificate, kept in the store"),
    ck_cli_selfsign },
  { "sign", "sign REQUEST-ID|FILE --ca ID [--profile P] [--keep-extensions LIST] [--days N]",
    N_("Sign a request with a CA kept in the store"),
    ck_cli_sign },
  { "revoke", "revoke ID [--reason REASON] [--at TIME]",
    N_("Revoke a certificate issued by a CA kept in the store"),
    ck_cli_revoke },
  { "revocations", "revocations CA-ID [--json]",
    N_("List the certificates a CA in the store revoked"),
    ck_cli_revocations },
  { "crl", "crl CA-ID [--next-update-days N] [--format pem|der] [--out FILE]",
    N_("Write a new certificate revocation list of a CA"),
    ck_cli_crl },
  { "fetch-crl", "fetch-crl ID",
    N_("Fetch and store the CRL of a certificate's CRL distribution point"),
    ck_cli_fetch_crl },
  { "fetch-issuer", "fetch-issuer ID [--out FILE]",
    N_("Fetch a certificate's issuer from its AIA caIssuers URL (not stored, not trusted)"),
    ck_cli_fetch_issuer },
  { "ocsp-responder", "ocsp-responder CA-ID [URL | --clear]",
    N_("Show or choose the OCSP responder for a CA's certificates"),
    ck_cli_ocsp_responder },
  { "tokens", "tokens [--json] [--objects TOKEN-URI]",
    N_("List the PKCS#11 tokens (and the keys and certificates on one)"),
    ck_cli_tokens },
  { "check", "check [--within DAYS] [--all] [--json|--nagios]",
    N_("List the certificates that have expired or expire soon (exit status 4)"),
    ck_cli_check },
  { "renew", "renew ID [--reuse-key] [--out FILE]",
    N_("Make the request that renews a certificate (same subject, SANs, usages), kept as pending"),
    ck_cli_renew },
  { "passphrase", "passphrase [--old-passphrase-file F] [--new-passphrase-file F]",
    N_("Change the store passphrase (every stored key re-sealed, in one step)"),
    ck_cli_passphrase },
};

static void
print_main_help (FILE *out)
{
  fputs (_("Usage: certkeeper-cli [--store DIR] COMMAND [OPTION…]\n"
           "\n"
           "Keeps X.509 certificates, private keys and certificate signing\n"
           "requests in the Certkeeper store. Importing never makes anything\n"
           "trusted.\n"
           "\n"
           "Commands:\n"), out);
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    fprintf (out, "  %s\n      %s\n", commands[i].synopsis, _(commands[i].summary));
  fprintf (out, "  %s\n      %s\n", "help [COMMAND]", _("Show this help, or a command's help"));
  fputs (_("\n"
           "Options:\n"
           "  --store DIR   The store directory (default: $CERTKEEPER_STORE,\n"
           "                else $XDG_DATA_HOME/certkeeper)\n"
           "  -h, --help    Show this help\n"
           "  --version     Show the version\n"
           "\n"
           "ID is a store id as 'list' prints it, or a unique prefix of the\n"
           "SHA-256 fingerprint (the SPKI SHA-256 for keys), hex, with or\n"
           "without colons.\n"
           "\n"
           "Passwords are never taken from the command line: use\n"
           "--password-file FILE (first line of FILE) or answer the prompt.\n"
           "\n"
           "Exit status: 0 on success, 1 on an error, 2 on a usage error;\n"
           "'verify' exits 3 when the certificate is not trusted, 'check' 4\n"
           "when a certificate has expired or expires soon.\n"
           "Run 'certkeeper-cli COMMAND --help' for a command's options.\n"), out);
}

static const CkCliCommand *
find_command (const char *name)
{
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (g_str_equal (commands[i].name, name))
      return &commands[i];
  return NULL;
}

static char *
single_line (const char *message)
{
  g_autoptr (GString) line = g_string_new (message);

  g_strchomp (line->str);
  line->len = strlen (line->str);
  g_string_replace (line, "\n", "; ", 0);
  return g_string_free (g_steal_pointer (&line), FALSE);
}

char *
ck_cli_printable (const char *text)
{
  return ck_text_escape_for_display (text);
}

void
ck_cli_print_line (const char *format,
                   ...)
{
  g_autofree char *message = NULL;
  g_autofree char *line = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  line = ck_cli_printable (message);
  printf ("%s\n", line);
}

int
ck_cli_error (const char *format,
              ...)
{
  g_autofree char *message = NULL;
  g_autofree char *one_line = NULL;
  g_autofree char *line = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);

  one_line = single_line (message);
  line = ck_cli_printable (one_line);
  fflush (stdout);
  fprintf (stderr, "certkeeper-cli: %s\n", line);
  return CK_CLI_EXIT_ERROR;
}

int
ck_cli_fail (const GError *error)
{
  ck_cli_error ("%s", error->message);
  /* Ctrl+C stopped a read (ck-cli-interrupt.h) */
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return CK_CLI_EXIT_INTERRUPTED;
  return CK_CLI_EXIT_ERROR;
}

int
ck_cli_usage_error (CkCli      *cli,
                    const char *format,
                    ...)
{
  g_autofree char *raw = NULL;
  g_autofree char *message = NULL;
  va_list args;

  va_start (args, format);
  raw = g_strdup_vprintf (format, args);
  va_end (args);

  message = ck_cli_printable (raw);
  if (cli != NULL && cli->command != NULL)
    {
      fprintf (stderr, "certkeeper-cli %s: %s\n", cli->command, message);
      fprintf (stderr, _("Try 'certkeeper-cli %s --help' for more information.\n"), cli->command);
    }
  else
    {
      fprintf (stderr, "certkeeper-cli: %s\n", message);
      fputs (_("Try 'certkeeper-cli --help' for more information.\n"), stderr);
    }
  return CK_CLI_EXIT_USAGE;
}

gboolean
ck_cli_parse_options (CkCli              *cli,
                      const char         *parameters,
                      const char         *summary,
                      const char         *description,
                      const GOptionEntry *entries,
                      int                *argc,
                      char             ***argv)
{
  g_autoptr (GOptionContext) context = NULL;
  g_autoptr (GArray) all = g_array_new (TRUE, TRUE, sizeof (GOptionEntry));
  g_autoptr (GError) error = NULL;
  g_autofree char *store_dir = NULL;
  g_autofree char *pin_file = NULL;
  const GOptionEntry store_entry = {
    "store", 0, 0, G_OPTION_ARG_FILENAME, &store_dir,
    N_("The store directory (default: $CERTKEEPER_STORE, else $XDG_DATA_HOME/certkeeper)"),
    N_("DIR")
  };
  const GOptionEntry pin_entry = {
    "pin-file", 0, 0, G_OPTION_ARG_FILENAME, &pin_file,
    N_("Read a PKCS#11 token PIN from the first line of FILE (else a prompt)"),
    N_("FILE")
  };

  for (guint i = 0; entries != NULL && entries[i].long_name != NULL; i++)
    g_array_append_val (all, entries[i]);
  g_array_append_val (all, store_entry);
  g_array_append_val (all, pin_entry);

  /* NULL rather than "": translating "" would print the catalog header. */
  context = g_option_context_new (parameters != NULL && *parameters != '\0' ? parameters : NULL);
  /* Translates the summary, description, parameters and option help,
   * which the commands mark with N_(). */
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, summary);
  if (description != NULL)
    g_option_context_set_description (context, description);
  g_option_context_add_main_entries (context,
                                     (const GOptionEntry *) (void *) all->data,
                                     NULL);

  if (!g_option_context_parse (context, argc, argv, &error))
    {
      ck_cli_usage_error (cli, "%s", error->message);
      return FALSE;
    }

  if (store_dir != NULL)
    {
      g_free (cli->store_dir);
      cli->store_dir = g_steal_pointer (&store_dir);
    }
  if (pin_file != NULL)
    {
      g_free (cli->pin_file);
      cli->pin_file = g_steal_pointer (&pin_file);
    }
  return TRUE;
}

/* Commands about one object: they read that object (and its chain) by
 * SQL, so the list models are not filled at open. Anything that still
 * asks for a model gets it filled then: lazy is never less correct. */
static gboolean
reads_one_object (const char *command)
{
  static const char * const one_object[] = { "show", "verify", "export", "request" };

  for (guint i = 0; command != NULL && i < G_N_ELEMENTS (one_object); i++)
    if (g_str_equal (command, one_object[i]))
      return TRUE;
  return FALSE;
}

CkStore *
ck_cli_open_store (CkCli   *cli,
                   GError **error)
{
  if (cli->store == NULL)
    cli->store = ck_store_open_full (cli->store_dir,
                                     reads_one_object (cli->command) ? CK_STORE_OPEN_LAZY
                                                                     : CK_STORE_OPEN_DEFAULT,
                                     error);
  return cli->store;
}

char *
ck_cli_format_time (gint64 unix_time)
{
  g_autoptr (GDateTime) time = g_date_time_new_from_unix_utc (unix_time);

  if (time == NULL)
    return NULL;
  return g_date_time_format (time, "%Y-%m-%dT%H:%M:%SZ");
}

gboolean
ck_cli_write_stdout (const void *data,
                     gsize       len,
                     GError    **error)
{
  const char *p = data;

  fflush (stdout);
  while (len > 0)
    {
      ssize_t n = write (STDOUT_FILENO, p, len);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved_errno = errno;
          g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
                       _("cannot write to standard output: %s"),
                       g_strerror (saved_errno));
          return FALSE;
        }
      p += n;
      len -= (gsize) n;
    }
  return TRUE;
}

gboolean
ck_cli_out_is_stdout (const char *out)
{
  return out == NULL || g_str_equal (out, "-");
}

gboolean
ck_cli_write_out (const char   *out,
                  gboolean      force,
                  const void   *data,
                  gsize         len,
                  CkWriteFlags  flags,
                  GError      **error)
{
  g_autoptr (GError) local = NULL;

  if (ck_cli_out_is_stdout (out))
    return ck_cli_write_stdout (data, len, error);

  if (ck_file_write (out, data, len, flags | (force ? CK_WRITE_OVERWRITE : 0), &local))
    return TRUE;
  if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_EXISTS))
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_EXISTS,
                 _("cannot write %s: it already exists (use --force to replace it)"), out);
  else
    g_set_error (error, local->domain, local->code, _("cannot write %s: %s"), out,
                 local->message);
  return FALSE;
}

gboolean
ck_cli_parse_time (const char *text,
                   gint64     *when)
{
  g_autoptr (GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr (GDateTime) time = g_date_time_new_from_iso8601 (text, utc);

  if (time == NULL)
    {
      g_autofree char *midnight = g_strconcat (text, "T00:00:00Z", NULL);

      time = g_date_time_new_from_iso8601 (midnight, NULL);
    }
  if (time == NULL)
    return FALSE;
  *when = g_date_time_to_unix (time);
  return TRUE;
}

int
ck_cli_write_json_array (CkJsonWriter *json)
{
  g_autoptr (GError) error = NULL;
  const char *text;

  ck_json_writer_end_array (json);
  text = ck_json_writer_get_text (json);
  if (!ck_cli_write_stdout (text, strlen (text), &error))
    return ck_cli_fail (error);
  return CK_CLI_EXIT_OK;
}

gboolean
ck_cli_output_sink (GBytes      *der,
                    const char  *pem,
                    gpointer     user_data,
                    GError     **error)
{
  const CkCliOutput *output = user_data;
  const void *data;
  gsize len;

  if (output->format == NULL || g_ascii_strcasecmp (output->format, "pem") == 0)
    {
      data = pem;
      len = strlen (pem);
    }
  else
    {
      if (ck_cli_out_is_stdout (output->out) && isatty (STDOUT_FILENO))
        {
          g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                               _("refusing to write DER to a terminal: use --out FILE"));
          return FALSE;
        }
      data = g_bytes_get_data (der, &len);
    }
  return ck_cli_write_out (output->out, output->force, data, len, CK_WRITE_NONE, error);
}

int
ck_cli_write_encoded (const char *format,
                      const char *pem,
                      GBytes     *der,
                      const char *out,
                      gboolean    force)
{
  CkCliOutput output = { format, out, force };
  g_autoptr (GError) error = NULL;

  if (!ck_cli_output_sink (der, pem, &output, &error))
    return ck_cli_fail (error);
  return CK_CLI_EXIT_OK;
}

gboolean
ck_cli_parse_hash (const char                *name,
                   gnutls_digest_algorithm_t *hash,
                   GError                   **error)
{
  if (g_ascii_strcasecmp (name, "sha256") == 0)
    *hash = GNUTLS_DIG_SHA256;
  else if (g_ascii_strcasecmp (name, "sha384") == 0)
    *hash = GNUTLS_DIG_SHA384;
  else if (g_ascii_strcasecmp (name, "sha512") == 0)
    *hash = GNUTLS_DIG_SHA512;
  else
    {
      g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                   _("Unknown hash “%s”: use sha256, sha384 or sha512"), name);
      return FALSE;
    }
  return TRUE;
}

int
ck_cli_write_result (const void *data,
                     gsize       len,
                     gboolean    is_text,
                     const char *out,
                     gboolean    force)
{
  g_autoptr (GError) error = NULL;

  if (ck_cli_out_is_stdout (out) && !is_text && isatty (STDOUT_FILENO))
    return ck_cli_error (_("refusing to write DER to a terminal: use --out FILE"));
  if (!ck_cli_write_out (out, force, data, len, CK_WRITE_NONE, &error))
    return ck_cli_fail (error);
  return CK_CLI_EXIT_OK;
}

/* Reads "--store DIR" / "--store=DIR" given before the command. Returns
 * the number of arguments consumed, or -1 after a usage error. */
static int
parse_global_store (CkCli  *cli,
                    int     argc,
                    char  **argv,
                    int     i)
{
  if (g_str_has_prefix (argv[i], "--store="))
    {
      g_free (cli->store_dir);
      cli->store_dir = g_strdup (argv[i] + strlen ("--store="));
      return 1;
    }
  if (i + 1 >= argc)
    {
      ck_cli_usage_error (cli, _("Missing argument for --store"));
      return -1;
    }
  g_free (cli->store_dir);
  cli->store_dir = g_strdup (argv[i + 1]);
  return 2;
}

static int
run (CkCli *cli,
     int    argc,
     char **argv)
{
  const CkCliCommand *command;
  g_autofree char *prgname = NULL;
  g_autoptr (GPtrArray) sub_argv = NULL;
  int i = 1;

  while (i < argc && argv[i][0] == '-')
    {
      if (g_str_equal (argv[i], "-h") || g_str_equal (argv[i], "--help"))
        {
          print_main_help (stdout);
          return CK_CLI_EXIT_OK;
        }
      else if (g_str_equal (argv[i], "--version"))
        {
          printf ("certkeeper-cli %s\n", PACKAGE_VERSION);
          return CK_CLI_EXIT_OK;
        }
      else if (g_str_equal (argv[i], "--store") ||
               g_str_has_prefix (argv[i], "--store="))
        {
          int consumed = parse_global_store (cli, argc, argv, i);

          if (consumed < 0)
            return CK_CLI_EXIT_USAGE;
          i += consumed;
        }
      else
        return ck_cli_usage_error (cli, _("Unknown option %s"), argv[i]);
    }

  if (i >= argc)
    return ck_cli_usage_error (cli, _("No command given"));

  sub_argv = g_ptr_array_new ();
  if (g_str_equal (argv[i], "help"))
    {
      if (i + 1 >= argc)
        {
          print_main_help (stdout);
          return CK_CLI_EXIT_OK;
        }
      command = find_command (argv[i + 1]);
      if (command == NULL)
        return ck_cli_usage_error (cli, _("Unknown command “%s”"), argv[i + 1]);
      g_ptr_array_add (sub_argv, (char *) command->name);
      g_ptr_array_add (sub_argv, (char *) "--help");
    }
  else
    {
      command = find_command (argv[i]);
      if (command == NULL)
        return ck_cli_usage_error (cli, _("Unknown command “%s”"), argv[i]);
      for (int j = i; j < argc; j++)
        g_ptr_array_add (sub_argv, argv[j]);
    }
  g_ptr_array_add (sub_argv, NULL);

  /* GOption prints "Usage: PRGNAME [OPTION…] PARAMETERS". */
  cli->command = command->name;
  prgname = g_strdup_printf ("certkeeper-cli %s", command->name);
  g_set_prgname (prgname);

  return command->run (cli, (int) sub_argv->len - 1, (char **) sub_argv->pdata);
}

int
main (int    argc,
      char **argv)
{
  CkCli cli = { 0 };
  int status;

  setlocale (LC_ALL, "");
  ck_core_bind_textdomain ();
  ck_core_init ();

  ck_cli_token_install_pin_function (&cli);
  status = run (&cli, argc, argv);

  g_clear_object (&cli.store);
  g_free (cli.store_dir);
  g_free (cli.pin_file);

  if (fflush (stdout) != 0 && status == CK_CLI_EXIT_OK)
    status = ck_cli_error (_("cannot write to standard output: %s"),
                           g_strerror (errno));
  return status;
}
