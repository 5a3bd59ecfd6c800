/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `export`: certificates and requests as PEM or DER; keys as PKCS#8; a
 * certificate with its key (and chain) as PKCS#12.
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
  FORMAT_PKCS12,
} ExportFormat;

typedef struct {
  const char     *format;
  const char     *out;
  gboolean        force;
  const char     *password_file;
  const char     *key_passphrase_file;
  gboolean        no_passphrase;
  CkExportChain   chain;
  CkPkcs12Profile profile;
  const char     *friendly_name;
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
  else if (g_ascii_strcasecmp (text, "pkcs12") == 0 || g_ascii_strcasecmp (text, "p12") == 0)
    *format = FORMAT_PKCS12;
  else
    return FALSE;
  return TRUE;
}

static int
write_output (const ExportOptions *options,
              const void          *data,
              gsize                len,
              CkWriteFlags         flags,
              const char          *what)
{
  g_autoptr (GError) error = NULL;

  if (!ck_cli_write_out (options->out, options->force, data, len, flags, &error))
    return ck_cli_fail (error);
  if (!ck_cli_out_is_stdout (options->out))
    ck_cli_print_line ("Wrote %s to %s", what, options->out);
  return CK_CLI_EXIT_OK;
}

/* The keeper encodes (one encoder for the window and here); the command
 * writes where --out says, standard output included. */
static int
keeper_export (CkStore                     *store,
               const CkKeeperExportRequest *request,
               const ExportOptions         *options,
               CkWriteFlags                 flags,
               const char                  *what,
               CkKeeperExported           **exported_out)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CkKeeper) keeper = ck_keeper_new (store);
  g_autoptr (CkKeeperExported) exported = ck_keeper_export (keeper, request, NULL, &error);
  int status;

  if (exported == NULL)
    return ck_cli_fail (error);
  status = write_output (options, g_bytes_get_data (exported->data, NULL),
                         g_bytes_get_size (exported->data), flags, what);
  if (exported_out != NULL)
    *exported_out = g_steal_pointer (&exported);
  return status;
}

static int
export_public (CkStore             *store,
               CkObjectKind         kind,
               gint64               id,
               ExportFormat         format,
               const ExportOptions *options)
{
  g_autofree char *what = NULL;
  CkKeeperExportRequest request = { 0 };

  request.format = format == FORMAT_PEM ? CK_KEEPER_EXPORT_PEM : CK_KEEPER_EXPORT_DER;
  request.id = id;
  request.chain = kind == CK_OBJECT_CERTIFICATE ? options->chain : CK_EXPORT_CHAIN_NONE;
  what = g_strdup_printf ("%s %" G_GINT64_FORMAT, ck_object_kind_to_string (kind), id);
  return keeper_export (store, &request, options, CK_WRITE_NONE, what, NULL);
}

/* Stored key @id, decrypted for export, once every requirement that
 * needs no prompt is met, so nothing is asked for in vain: not on a
 * token; a password for the new file when @prompts_for_new (else the
 * error @missing_new); the store passphrase. Prints the
 * error and returns NULL otherwise. */
static CkPrivateKey *
load_key_for_export (CkStore             *store,
                     gint64               id,
                     const ExportOptions *options,
                     gboolean             prompts_for_new,
                     const char          *missing_new)
{
  CkStoredKey *row = ck_store_get_key_row (store, id);

  if (row == NULL)
    return ck_cli_error (_("key %lld is not in the store"), (long long) id), NULL;
  if (ck_stored_key_get_pkcs11_uri (row) != NULL)
    return ck_cli_error (_("key %lld is on a PKCS#11 token (%s): its key "
                           "material cannot be exported"), (long long) id,
                         ck_stored_key_get_pkcs11_uri (row)), NULL;
  if (prompts_for_new && !ck_cli_can_prompt ())
    return ck_cli_error ("%s", missing_new), NULL;
  if (ck_stored_key_get_encrypted (row) && options->password_file == NULL &&
      !ck_cli_can_prompt ())
    return ck_cli_error (_("key %lld is encrypted in the store: give its "
                           "store passphrase with --password-file FILE"), (long long) id), NULL;

  return ck_cli_load_stored_key (store, id, options->password_file);
}

static int
export_key (CkStore             *store,
            gint64               id,
            ExportFormat         format,
            const ExportOptions *options)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CkPrivateKey) key = NULL;
  g_autoptr (CkPassword) passphrase = NULL;
  g_autofree char *what = NULL;
  g_autofree char *missing = NULL;
  CkKeeperExportRequest request = { 0 };

  missing = g_strdup_printf (_("exporting key %lld needs "
                               "--key-passphrase-file FILE (the passphrase of the exported "
                               "file) or --no-passphrase (write it unencrypted)"), (long long) id);
  key = load_key_for_export (store, id, options,
                             !options->no_passphrase && options->key_passphrase_file == NULL,
                             missing);
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
  request.format = format == FORMAT_DER ? CK_KEEPER_EXPORT_PKCS8_DER : CK_KEEPER_EXPORT_PKCS8_PEM;
  request.id = id;
  request.key = key;
  request.password = passphrase;
  /* Written 0600; an unencrypted key is the key itself, wiped after. */
  return keeper_export (store, &request, options, CK_WRITE_PRIVATE, what, NULL);
}

/* The certificate and the key of a PKCS#12 file from the ID given: a
 * certificate whose key is stored, or a key with exactly one stored
 * certificate. */
static gboolean
resolve_pkcs12_pair (CkStore        *store,
                     CkObjectKind    kind,
                     gint64          id,
                     CkCertificate **cert_out,
                     gint64         *key_id_out)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CkCertificate) cert = NULL;

  if (kind == CK_OBJECT_CERTIFICATE)
    {
      cert = ck_store_load_certificate (store, id, &error);
      if (cert == NULL)
        return ck_cli_fail (error), FALSE;
      *key_id_out = ck_store_find_key (store, ck_certificate_get_spki_sha256 (cert));
      if (*key_id_out == 0)
        {
          ck_cli_error (_("certificate %lld has no private key in the store: a PKCS#12 "
                          "file needs both"), (long long) id);
          return FALSE;
        }
    }
  else if (kind == CK_OBJECT_KEY)
    {
      CkStoredKey *row = ck_store_get_key_row (store, id);
      g_autoptr (GArray) certs = NULL;

      if (row == NULL)
        {
          ck_cli_error (_("key %lld is not in the store"), (long long) id);
          return FALSE;
        }
      certs = ck_store_find_certificates_for_key (store, ck_stored_key_get_spki_sha256 (row));
      if (certs->len != 1)
        {
          ck_cli_error (certs->len == 0
                        ? _("key %lld has no certificate in the store: a PKCS#12 file "
                            "needs both")
                        : _("key %lld has several certificates: give the ID of the one "
                            "to export"), (long long) id);
          return FALSE;
        }
      cert = ck_store_load_certificate (store, g_array_index (certs, gint64, 0), &error);
      if (cert == NULL)
        return ck_cli_fail (error), FALSE;
      *key_id_out = id;
    }
  else
    {
      ck_cli_error (_("%lld is a %s: PKCS#12 holds a certificate and its key"),
                    (long long) id, ck_object_kind_to_string (kind));
      return FALSE;
    }

  *cert_out = g_steal_pointer (&cert);
  return TRUE;
}

static int
export_pkcs12 (CkStore             *store,
               CkObjectKind         kind,
               gint64               id,
               const ExportOptions *options)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CkCertificate) cert = NULL;
  g_autoptr (CkPrivateKey) key = NULL;
  g_autoptr (CkPassword) password = NULL;
  g_autoptr (CkKeeper) keeper = NULL;
  g_autoptr (CkKeeperExported) exported = NULL;
  g_autofree char *what = NULL;
  g_autofree char *missing = NULL;
  CkKeeperExportRequest request = { 0 };
  gint64 key_id = 0;

  if (!resolve_pkcs12_pair (store, kind, id, &cert, &key_id))
    return CK_CLI_EXIT_ERROR;
  missing = g_strdup_printf (_("a PKCS#12 file needs a password: give it with "
                               "--key-passphrase-file FILE"));
  key = load_key_for_export (store, key_id, options, options->key_passphrase_file == NULL,
                             missing);
  if (key == NULL)
    return CK_CLI_EXIT_ERROR;

  password = ck_cli_get_new_passphrase (options->key_passphrase_file,
                                        "a password for the PKCS#12 file", NULL, &error);
  if (password == NULL)
    return ck_cli_fail (error);

  request.format = CK_KEEPER_EXPORT_PKCS12;
  request.certificate = cert;
  request.key = key;
  request.password = password;
  request.chain = options->chain;
  request.profile = options->profile;
  request.friendly_name = options->friendly_name;
  keeper = ck_keeper_new (store);
  exported = ck_keeper_export (keeper, &request, NULL, &error);
  if (exported == NULL)
    return ck_cli_fail (error);
  if (options->chain != CK_EXPORT_CHAIN_NONE && !exported->chain_complete)
    ck_cli_error (_("note: the issuer of “%s” is not in the store; the chain ends there"),
                  exported->last_name);

  what = g_strdup_printf ("“%s”, key %lld and %u more certificate(s) (PKCS#12, %s)",
                          ck_certificate_get_display_name (cert), (long long) key_id,
                          exported->n_certificates - 1,
                          options->profile == CK_PKCS12_PROFILE_LEGACY ? "legacy" : "modern");
  return write_output (options, g_bytes_get_data (exported->data, NULL),
                       g_bytes_get_size (exported->data), CK_WRITE_PRIVATE, what);
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
  g_autofree char *profile_text = NULL;
  g_autofree char *friendly_name = NULL;
  gboolean no_passphrase = FALSE;
  gboolean force = FALSE;
  gboolean with_chain = FALSE;
  gboolean with_root = FALSE;
  const GOptionEntry entries[] = {
    { "format", 0, 0, G_OPTION_ARG_STRING, &format_text,
      N_("pem or der for certificates and requests (default pem); pkcs8 (PEM) or der "
      "(PKCS#8 DER) for keys (default pkcs8); pkcs12 for a certificate with its key"),
      N_("FORMAT") },
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out,
      N_("Write to FILE instead of standard output (0600 for keys; - is standard output)"),
      N_("FILE") },
    { "force", 0, 0, G_OPTION_ARG_NONE, &force,
      N_("Replace FILE if it exists (never a link, device or folder)"), NULL },
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &password_file,
      N_("Keys: the store passphrase, first line of FILE"), N_("FILE") },
    { "key-passphrase-file", 0, 0, G_OPTION_ARG_FILENAME, &key_passphrase_file,
      N_("Keys and PKCS#12: encrypt the exported file with the passphrase in the first "
         "line of FILE"),
      N_("FILE") },
    { "no-passphrase", 0, 0, G_OPTION_ARG_NONE, &no_passphrase,
      N_("Keys: write the key unencrypted"), NULL },
    { "pkcs12-profile", 0, 0, G_OPTION_ARG_STRING, &profile_text,
      N_("PKCS#12: modern (AES-256, SHA-256 MAC; the default) or legacy (3DES, RC2-40, "
         "SHA-1 MAC)"), N_("PROFILE") },
    { "chain", 0, 0, G_OPTION_ARG_NONE, &with_chain,
      N_("Certificates and PKCS#12: add the issuers the store has, less the root"), NULL },
    { "chain-with-root", 0, 0, G_OPTION_ARG_NONE, &with_root,
      N_("Certificates and PKCS#12: add the issuers the store has, root included"), NULL },
    { "friendly-name", 0, 0, G_OPTION_ARG_STRING, &friendly_name,
      N_("PKCS#12: the name shown for the key and certificate (default: the "
         "certificate’s name)"), N_("NAME") },
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
                             "--format pkcs12 writes a certificate (or a key's certificate)\n"
                             "with its key, protected with the password of\n"
                             "--key-passphrase-file or the prompt. --pkcs12-profile modern\n"
                             "(the default: AES-256-CBC, PBKDF2-HMAC-SHA256, SHA-256 MAC) is\n"
                             "for OpenSSL 3, Windows 10 1709+, macOS and Java 11+; legacy\n"
                             "(3DES key, RC2-40 certificates, SHA-1 MAC) for Windows Server\n"
                             "2016 and older, Java 8 and old appliances. --chain adds the\n"
                             "issuers without the root, --chain-with-root with it.\n"
                             "\n"
                             "An existing file is replaced only with --force; a symbolic\n"
                             "link, a device or a folder never. --out - is standard output.\n"
                             "Binary output is never written to a terminal: use --out."),
                             entries, &argc, &argv))
    return CK_CLI_EXIT_USAGE;

  if (format_text != NULL && !parse_format (format_text, &format))
    return ck_cli_usage_error (cli, _("Unknown format “%s” (use pem, der, pkcs8 or pkcs12)"),
                               format_text);
  if (key_passphrase_file != NULL && no_passphrase)
    return ck_cli_usage_error (cli, _("--key-passphrase-file and --no-passphrase "
                                    "cannot be used together"));
  if (with_chain && with_root)
    return ck_cli_usage_error (cli, _("--chain and --chain-with-root cannot be used together"));
  if (profile_text != NULL && !ck_pkcs12_profile_from_string (profile_text, &options.profile))
    return ck_cli_usage_error (cli, _("Unknown PKCS#12 profile “%s” (use modern or legacy)"),
                               profile_text);
  if (format != FORMAT_PKCS12 && (profile_text != NULL || friendly_name != NULL))
    return ck_cli_usage_error (cli, _("--pkcs12-profile and --friendly-name are for "
                                      "--format pkcs12"));
  if (format == FORMAT_PKCS12 && no_passphrase)
    return ck_cli_usage_error (cli, _("a PKCS#12 file always has a password: "
                                      "--no-passphrase is for --format pkcs8"));
  if (!ck_cli_resolve (cli, argc, argv, &store, &kind, &id, &status))
    return status;

  if (format_text == NULL)
    format = kind == CK_OBJECT_KEY ? FORMAT_PKCS8 : FORMAT_PEM;

  if ((with_chain || with_root) && format != FORMAT_PKCS12
      && !(kind == CK_OBJECT_CERTIFICATE && format == FORMAT_PEM))
    return ck_cli_usage_error (cli, _("--chain and --chain-with-root are for certificates "
                                      "as PEM and for --format pkcs12"));

  if (format == FORMAT_PKCS12)
    ;
  else if (kind != CK_OBJECT_KEY)
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

  if (ck_cli_out_is_stdout (out) && (format == FORMAT_DER || format == FORMAT_PKCS12)
      && isatty (STDOUT_FILENO))
    return ck_cli_error (_("binary output; use --out FILE"));

  options.format = format_text;
  options.out = out;
  options.force = force;
  options.chain = with_root ? CK_EXPORT_CHAIN_WITH_ROOT
                  : with_chain ? CK_EXPORT_CHAIN_NO_ROOT : CK_EXPORT_CHAIN_NONE;
  options.friendly_name = friendly_name;
  options.password_file = password_file;
  options.key_passphrase_file = key_passphrase_file;
  options.no_passphrase = no_passphrase;

  if (format == FORMAT_PKCS12)
    return export_pkcs12 (store, kind, id, &options);
  if (kind == CK_OBJECT_KEY)
    return export_key (store, id, format, &options);
  return export_public (store, kind, id, format, &options);
}
