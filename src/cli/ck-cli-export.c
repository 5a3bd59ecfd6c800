/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `export`: certificates and requests as PEM or DER; keys as PKCS#8.
 *
 * The key flow: the stored key is decrypted with its store passphrase
 * (--password-file or a prompt) and written re-encrypted under an export
 * passphrase (--key-passphrase-file or a prompt, asked twice). It is
 * written in the clear only with --no-passphrase. The stored PKCS#8 is
 * never handed out as is, so the store passphrase never has to be shared
 * with whoever receives the file. Files holding a key are written 0600. */
#include <glib/gi18n.h>

#include "ck-cli.h"

#include <string.h>
#include <unistd.h>

#include "ck-cli-password.h"


typedef enum {
  FORMAT_PEM,
  FORMAT_DER,
  FORMAT_PKCS8,      /* PEM-armoured PKCS#8 */
} ExportFormat;

typedef struct {
  const char *format;
  const char *out;
  const char *password_file;
  const char *key_passphrase_file;
  gboolean    no_passphrase;
} ExportOptions;

static gboolean
parse_format (const char   *text,
              ExportFormat *format)
{
  if (g_ascii_strcasecmp (text, "pem") == 0)
    *format = FORMAT_PEM;
  else if (g_ascii_strcasecmp (text, "der") == 0)
    *format = FORMAT_DER;
  else if (g_ascii_strcasecmp (text, "pkcs8") == 0)
    *format = FORMAT_PKCS8;
  else
    return FALSE;
  return TRUE;
}

static int
write_output (const ExportOptions *options,
              const void          *data,
              gsize                len,
              int                  mode,
              const char          *what)
{
  g_autoptr (GError) error = NULL;

  if (options->out == NULL)
    {
      if (!ck_cli_write_stdout (data, len, &error))
        return ck_cli_fail (error);
      return CK_CLI_EXIT_OK;
    }

  if (!ck_file_set_contents_private (options->out, data, len, mode, &error))
    return ck_cli_error (_("cannot write %s: %s"), options->out, error->message);
  ck_cli_print_line ("Wrote %s to %s", what, options->out);
  return CK_CLI_EXIT_OK;
}

static int
export_public (CkStore             *store,
               CkObjectKind         kind,
               gint64               id,
               ExportFormat         format,
               const ExportOptions *options)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CkCertificate) cert = NULL;
  g_autoptr (CkRequest) request = NULL;
  g_autofree char *pem = NULL;
  g_autofree char *what = NULL;
  GBytes *der;

  if (kind == CK_OBJECT_CERTIFICATE)
    {
      cert = ck_store_load_certificate (store, id, &error);
      if (cert == NULL)
        return ck_cli_fail (error);
      pem = format == FORMAT_PEM ? ck_certificate_to_pem (cert) : NULL;
      der = ck_certificate_get_der (cert);
    }
  else
    {
      request = ck_store_load_request (store, id, &error);
      if (request == NULL)
        return ck_cli_fail (error);
      pem = format == FORMAT_PEM ? ck_request_to_pem (request) : NULL;
      der = ck_request_get_der (request);
    }

  what = g_strdup_printf ("%s %" G_GINT64_FORMAT, ck_object_kind_to_string (kind), id);
  if (pem != NULL)
    return write_output (options, pem, strlen (pem), 0644, what);
  return write_output (options, g_bytes_get_data (der, NULL), g_bytes_get_size (der),
                       0644, what);
}

static int
export_key (CkStore             *store,
            gint64               id,
            ExportFormat         format,
            const ExportOptions *options)
{
  g_autoptr (GError) error = NULL;
  CkStoredKey *row = ck_store_get_key_row (store, id);
  g_autoptr (CkPrivateKey) key = NULL;
  g_autoptr (CkPassword) passphrase = NULL;
  g_autofree char *what = NULL;
  int status;

  if (row == NULL)
    return ck_cli_error (_("key %lld is not in the store"), (long long) id);
  if (ck_stored_key_get_pkcs11_uri (row) != NULL)
    return ck_cli_error (_("key %lld is on a PKCS#11 token (%s): its key "
                         "material cannot be exported"), (long long) id, ck_stored_key_get_pkcs11_uri (row));

  /* Check every non-interactive requirement before asking for anything. */
  if (!options->no_passphrase && options->key_passphrase_file == NULL &&
      !ck_cli_can_prompt ())
    return ck_cli_error (_("exporting key %lld needs "
                         "--key-passphrase-file FILE (the passphrase of the exported "
                         "file) or --no-passphrase (write it unencrypted)"), (long long) id);
  if (ck_stored_key_get_encrypted (row) && options->password_file == NULL &&
      !ck_cli_can_prompt ())
    return ck_cli_error (_("key %lld is encrypted in the store: give its "
                         "store passphrase with --password-file FILE"), (long long) id);

  key = ck_cli_load_stored_key (store, id, options->password_file);
  if (key == NULL)
    return CK_CLI_EXIT_ERROR;

  if (!options->no_passphrase)
    {
      passphrase = ck_cli_get_new_passphrase (options->key_passphrase_file,
                                              "a passphrase for the exported key",
                                              "--no-passphrase", &error);
      if (passphrase == NULL)
        return ck_cli_fail (error);
    }

  what = g_strdup_printf ("key %" G_GINT64_FORMAT " (%s)", id,
                          passphrase ? "PKCS#8, encrypted" : "PKCS#8, NOT encrypted");
  if (format == FORMAT_DER)
    {
      GBytes *der = ck_private_key_export_pkcs8 (key, passphrase, &error);
      gsize len = 0;
      guint8 *data;

      if (der == NULL)
        return ck_cli_fail (error);
      data = g_bytes_unref_to_data (der, &len);
      status = write_output (options, data, len, 0600, what);
      /* Unencrypted DER is the key itself. */
      gnutls_memset (data, 0, len);
      g_free (data);
    }
  else
    {
      char *pem = ck_private_key_export_pkcs8_pem (key, passphrase, &error);

      if (pem == NULL)
        return ck_cli_fail (error);
      status = write_output (options, pem, strlen (pem), 0600, what);
      /* An unencrypted PEM is the key itself. */
      ck_cli_password_free (pem);
    }
  return status;
}

int
ck_cli_export (CkCli *cli,
               int    argc,
               char **argv)
{
  g_autofree char *format_text = NULL;
  g_autofree char *out = NULL;
  g_autofree char *password_file = NULL;
  g_autofree char *key_passphrase_file = NULL;
  gboolean no_passphrase = FALSE;
  const GOptionEntry entries[] = {
    { "format", 0, 0, G_OPTION_ARG_STRING, &format_text,
      N_("pem or der for certificates and requests (default pem); pkcs8 (PEM) or der "
      "(PKCS#8 DER) for keys (default pkcs8)"), N_("FORMAT") },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out,
      N_("Write to FILE instead of standard output (0600 for keys)"), N_("FILE") },
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &password_file,
      N_("Keys: the store passphrase, first line of FILE"), N_("FILE") },
    { "key-passphrase-file", 0, 0, G_OPTION_ARG_FILENAME, &key_passphrase_file,
      N_("Keys: encrypt the exported key with the passphrase in the first line of FILE"),
      N_("FILE") },
    { "no-passphrase", 0, 0, G_OPTION_ARG_NONE, &no_passphrase,
      N_("Keys: write the key unencrypted"), NULL },
    { NULL }
  };
  ExportOptions options = { 0 };
  ExportFormat format = FORMAT_PEM;
  CkStore *store = NULL;
  CkObjectKind kind = CK_OBJECT_NONE;
  gint64 id = 0;
  int status = CK_CLI_EXIT_OK;

  if (!ck_cli_parse_options (cli, N_("ID"),
                             N_("Writes a certificate, request or private key out of the store."),
                             N_("Certificates and requests: --format pem (default) or der.\n"
                             "\n"
                             "Private keys are written as PKCS#8 (--format pkcs8, PEM, the\n"
                             "default; or der). The stored key is decrypted with its store\n"
                             "passphrase (--password-file or a prompt) and the exported file\n"
                             "is encrypted with a new passphrase (--key-passphrase-file or a\n"
                             "prompt, asked twice). --no-passphrase writes it unencrypted.\n"
                             "Key files are created with mode 0600. Keys on a PKCS#11 token\n"
                             "cannot be exported.\n"
                             "\n"
                             "DER is never written to a terminal: use --out."),
                             entries, &argc, &argv))
    return CK_CLI_EXIT_USAGE;

  if (format_text != NULL && !parse_format (format_text, &format))
    return ck_cli_usage_error (cli, _("Unknown format “%s” (use pem, der or pkcs8)"),
                               format_text);
  if (key_passphrase_file != NULL && no_passphrase)
    return ck_cli_usage_error (cli, _("--key-passphrase-file and --no-passphrase "
                                    "cannot be used together"));
  if (!ck_cli_resolve (cli, argc, argv, &store, &kind, &id, &status))
    return status;

  if (format_text == NULL)
    format = kind == CK_OBJECT_KEY ? FORMAT_PKCS8 : FORMAT_PEM;

  if (kind != CK_OBJECT_KEY)
    {
      if (format == FORMAT_PKCS8)
        return ck_cli_usage_error (cli, "--format pkcs8 is for private keys; "
                                        "%" G_GINT64_FORMAT " is a %s",
                                   id, ck_object_kind_to_string (kind));
      if (password_file || key_passphrase_file || no_passphrase)
        return ck_cli_usage_error (cli, "--password-file, --key-passphrase-file and "
                                        "--no-passphrase are for private keys; "
                                        "%" G_GINT64_FORMAT " is a %s",
                                   id, ck_object_kind_to_string (kind));
    }
  else if (format == FORMAT_PEM)
    format = FORMAT_PKCS8;

  if (out == NULL && format == FORMAT_DER && isatty (STDOUT_FILENO))
    return ck_cli_error (_("binary output; use --out FILE"));

  options.format = format_text;
  options.out = out;
  options.password_file = password_file;
  options.key_passphrase_file = key_passphrase_file;
  options.no_passphrase = no_passphrase;

  if (kind == CK_OBJECT_KEY)
    return export_key (store, id, format, &options);
  return export_public (store, kind, id, format, &options);
}
