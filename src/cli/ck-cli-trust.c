/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `trust set|list|export` and `verify`: the only commands that touch trust
 * decisions. Importing never does; these go through CkTrust, which keeps
 * them in their own table. */
#include <glib/gi18n.h>

#include "ck-cli.h"

#include <string.h>

#include "ck-json-writer.h"

static CkTrust *
open_trust (CkCli   *cli,
            GError **error)
{
  CkStore *store = ck_cli_open_store (cli, error);

  if (store == NULL)
    return NULL;
  return ck_trust_new (store, error);
}

/* --purpose: a short name or an OID. */
static const char *
parse_purpose (CkCli      *cli,
               const char *text,
               gboolean    allow_all,
               int        *status)
{
  const char *purpose = ck_purpose_from_string (text);

  if (purpose == NULL || (!allow_all && g_str_equal (purpose, CK_PURPOSE_ALL)))
    {
      *status = ck_cli_usage_error (cli, _("Unknown purpose “%s”: use tls-server, "
                                    "tls-client, code-signing, email%s or an OID"),
                                    text, allow_all ? ", all" : "");
      return NULL;
    }
  return purpose;
}

/* Resolves the single ID argument to a certificate. */
static gboolean
resolve_certificate (CkCli    *cli,
                     int       argc,
                     char    **argv,
                     gint64   *id,
                     int      *status)
{
  CkStore *store = NULL;
  CkObjectKind kind = CK_OBJECT_NONE;

  if (!ck_cli_resolve (cli, argc, argv, &store, &kind, id, status))
    return FALSE;
  if (kind != CK_OBJECT_CERTIFICATE)
    {
      *status = ck_cli_error (_("%s is a %s: trust is decided on certificates"), argv[1],
                              ck_object_kind_to_string (kind));
      return FALSE;
    }
  return TRUE;
}

static int
trust_set (CkCli *cli,
           int    argc,
           char **argv)
{
  g_autofree char *purpose_text = NULL;
  gboolean trusted = FALSE, distrusted = FALSE, by_default = FALSE;
  const GOptionEntry entries[] = {
    { "purpose", 0, 0, G_OPTION_ARG_STRING, &purpose_text,
      N_("tls-server, tls-client, code-signing, email, all (with --distrusted only) or an OID"),
      N_("PURPOSE") },
    { "trusted", 0, 0, G_OPTION_ARG_NONE, &trusted,
      N_("Trust the certificate as an anchor for the purpose"), NULL },
    { "distrusted", 0, 0, G_OPTION_ARG_NONE, &distrusted,
      N_("Never accept it, nor any certificate with the same key, for the purpose"), NULL },
    { "default", 0, 0, G_OPTION_ARG_NONE, &by_default,
      N_("Remove the decision for the purpose"), NULL },
    { NULL }
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (CkTrust) trust = NULL;
  g_autoptr (CkKeeper) keeper = NULL;
  CkStoredCertificate *row;
  const char *purpose;
  CkTrustLevel level;
  gint64 id = 0;
  int status = CK_CLI_EXIT_OK;

  if (!ck_cli_parse_options (cli, N_("ID"),
                             N_("Records a trust decision on one certificate for one purpose."),
                             N_("A decision is kept apart from the certificate and dropped when\n"
                             "the certificate is deleted. A distrust also covers every\n"
                             "certificate with the same public key."),
                             entries, &argc, &argv))
    return CK_CLI_EXIT_USAGE;
  if (trusted + distrusted + by_default != 1)
    return ck_cli_usage_error (cli, _("Give exactly one of --trusted, --distrusted, --default"));
  if (purpose_text == NULL)
    return ck_cli_usage_error (cli, _("--purpose is required"));
  purpose = parse_purpose (cli, purpose_text, TRUE, &status);
  if (purpose == NULL)
    return status;
  if (trusted && g_str_equal (purpose, CK_PURPOSE_ALL))
    return ck_cli_usage_error (cli, _("--purpose all goes with --distrusted (or --default) "
                               "only: trust is given for named purposes"));
  if (!resolve_certificate (cli, argc, argv, &id, &status))
    return status;

  trust = open_trust (cli, &error);
  if (trust == NULL)
    return ck_cli_fail (error);
  level = trusted ? CK_TRUST_TRUSTED : distrusted ? CK_TRUST_DISTRUSTED : CK_TRUST_DEFAULT;
  keeper = ck_keeper_new (cli->store);
  ck_keeper_use_trust (keeper, trust, NULL);
  if (!ck_keeper_set_trust (keeper, id, purpose, level, &error))
    return ck_cli_fail (error);

  row = ck_store_get_certificate_row (cli->store, id);
  if (level == CK_TRUST_DEFAULT)
    ck_cli_print_line ("Certificate %" G_GINT64_FORMAT " (%s): no decision for %s.", id,
                       row ? ck_stored_certificate_get_display_name (row) : "?",
                       ck_purpose_get_display_name (purpose));
  else
    ck_cli_print_line ("Certificate %" G_GINT64_FORMAT " (%s): %s for %s.", id,
                       row ? ck_stored_certificate_get_display_name (row) : "?",
                       ck_trust_level_to_string (level),
                       ck_purpose_get_display_name (purpose));
  return CK_CLI_EXIT_OK;
}

static int
trust_list (CkCli *cli,
            int    argc,
            char **argv)
{
  gboolean json_output = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json_output,
      N_("Write a JSON array of decisions (fields documented in README.md)"), NULL },
    { NULL }
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (CkTrust) trust = NULL;
  g_autoptr (GPtrArray) settings = NULL;
  g_autoptr (CkJsonWriter) json = NULL;

  if (!ck_cli_parse_options (cli, NULL, N_("Lists the trust decisions in the store."),
                             NULL, entries, &argc, &argv))
    return CK_CLI_EXIT_USAGE;
  if (argc > 1)
    return ck_cli_usage_error (cli, _("Unexpected argument “%s”"), argv[1]);

  trust = open_trust (cli, &error);
  if (trust == NULL)
    return ck_cli_fail (error);
  settings = ck_trust_list (trust, NULL, &error);
  if (settings == NULL)
    return ck_cli_fail (error);

  if (json_output)
    json = ck_json_writer_new ();
  if (json != NULL)
    ck_json_writer_begin_array (json);
  else if (settings->len == 0)
    ck_cli_print_line (_("No trust decisions: nothing is trusted or distrusted."));
  for (guint i = 0; i < settings->len; i++)
    {
      CkTrustSetting *s = settings->pdata[i];
      CkStoredCertificate *row = ck_store_get_certificate_row (cli->store, s->certificate_id);
      const char *name = row ? ck_stored_certificate_get_display_name (row)
                             : s->certificate_id == 0
                             /* Translators: a distrust whose certificate was deleted while
                              * its key stays in the store */
                             ? _("(certificate deleted: the distrust stays with its key)")
                             : "?";
      g_autofree char *set_at = ck_cli_format_time (s->set_at);

      if (json == NULL)
        {
          ck_cli_print_line ("%-6" G_GINT64_FORMAT "%-12s%-20s%s  %s", s->certificate_id,
                             ck_trust_level_to_string (s->level),
                             ck_purpose_get_display_name (s->purpose),
                             set_at ? set_at : "?", name);
          continue;
        }
      ck_json_writer_begin_object (json);
      ck_json_writer_int_member (json, "id", s->certificate_id);
      ck_json_writer_string_member (json, "name", name);
      ck_json_writer_string_member (json, "sha256", s->sha256);
      ck_json_writer_string_member (json, "spki_sha256", s->spki_sha256);
      ck_json_writer_string_member (json, "purpose", s->purpose);
      ck_json_writer_string_member (json, "purpose_name", ck_purpose_get_display_name (s->purpose));
      ck_json_writer_string_member (json, "level", ck_trust_level_to_string (s->level));
      ck_json_writer_string_member (json, "set_at", set_at);
      ck_json_writer_end_object (json);
    }
  if (json != NULL)
    {
      ck_json_writer_end_array (json);
      fputs (ck_json_writer_get_text (json), stdout);
    }
  return CK_CLI_EXIT_OK;
}

static int
trust_export (CkCli *cli,
              int    argc,
              char **argv)
{
  g_autofree char *format_text = NULL;
  g_autofree char *out = NULL;
  gboolean force = FALSE;
  const GOptionEntry entries[] = {
    { "format", 0, 0, G_OPTION_ARG_STRING, &format_text,
      N_("p11-kit (persist file), openssl (TRUSTED CERTIFICATE bundle) or pem (anchors only)"),
      N_("FORMAT") },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, N_("Write to FILE (default: standard output)"),
      N_("FILE") },
    { "force", 0, 0, G_OPTION_ARG_NONE, &force, N_("Replace FILE if it exists"), NULL },
    { NULL }
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (CkTrust) trust = NULL;
  g_autoptr (GBytes) bytes = NULL;
  CkTrustExportFormat format;

  if (!ck_cli_parse_options (cli, NULL, N_("Writes the trust decisions out for other tools."),
                             N_("p11-kit: a .p11-kit persist file for p11-kit's trust module\n"
                             "  (trusted/x-distrusted, purposes as stapled extended key usage).\n"
                             "openssl: TRUSTED CERTIFICATE blocks with trusted and rejected uses.\n"
                             "pem: certificates trusted for some purpose and distrusted for\n"
                             "  none, for update-ca-certificates (purposes are lost)."),
                             entries, &argc, &argv))
    return CK_CLI_EXIT_USAGE;
  if (argc > 1)
    return ck_cli_usage_error (cli, _("Unexpected argument “%s”"), argv[1]);
  if (format_text == NULL)
    return ck_cli_usage_error (cli, _("--format is required"));
  if (!ck_trust_export_format_from_string (format_text, &format))
    return ck_cli_usage_error (cli, _("Unknown format “%s”: use p11-kit, openssl or pem"),
                               format_text);

  trust = open_trust (cli, &error);
  if (trust == NULL)
    return ck_cli_fail (error);
  bytes = ck_trust_export (trust, format, &error);
  if (bytes == NULL)
    return ck_cli_fail (error);

  if (!ck_cli_write_out (out, force, g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes),
                         CK_WRITE_NONE, &error))
    return ck_cli_fail (error);
  if (ck_cli_out_is_stdout (out))
    return CK_CLI_EXIT_OK;
  ck_cli_print_line (_("Wrote trust decisions (%s) to %s"), format_text, out);
  return CK_CLI_EXIT_OK;
}

static const struct {
  const char *name;
  const char *command;
  int       (*run) (CkCli *cli, int argc, char **argv);
} trust_commands[] = {
  { "set", "trust set", trust_set },
  { "list", "trust list", trust_list },
  { "export", "trust export", trust_export },
};

int
ck_cli_trust (CkCli *cli,
              int    argc,
              char **argv)
{
  g_autofree char *prgname = NULL;

  if (argc < 2 || g_str_equal (argv[1], "--help") || g_str_equal (argv[1], "-h"))
    {
      FILE *out = argc < 2 ? stderr : stdout;

      fprintf (out,
               "Usage: certkeeper-cli trust set ID --purpose PURPOSE --trusted|--distrusted|--default\n"
               "       certkeeper-cli trust list [--json]\n"
               "       certkeeper-cli trust export --format p11-kit|openssl|pem [--out FILE]\n"
               "\n"
               "Trust decisions are kept apart from the certificates: importing\n"
               "never makes anything trusted. PURPOSE is tls-server, tls-client,\n"
               "code-signing, email, all (distrust only) or an OID.\n");
      return argc < 2 ? CK_CLI_EXIT_USAGE : CK_CLI_EXIT_OK;
    }

  for (guint i = 0; i < G_N_ELEMENTS (trust_commands); i++)
    if (g_str_equal (argv[1], trust_commands[i].name))
      {
        cli->command = trust_commands[i].command;
        prgname = g_strdup_printf ("certkeeper-cli %s", trust_commands[i].command);
        g_set_prgname (prgname);
        return trust_commands[i].run (cli, argc - 1, argv + 1);
      }
  return ck_cli_usage_error (cli, _("Unknown trust command “%s”: use set, list or export"),
                             argv[1]);
}

int
ck_cli_verify (CkCli *cli,
               int    argc,
               char **argv)
{
  g_autofree char *purpose_text = NULL;
  g_autofree char *at = NULL;
  gboolean system_anchors = FALSE, json_output = FALSE, hard_fail = FALSE;
  g_autofree char *revocation_text = NULL;
  CkRevocationNetwork network = CK_REVOCATION_NETWORK_NONE;
  const GOptionEntry entries[] = {
    { "revocation", 0, 0, G_OPTION_ARG_STRING, &revocation_text,
      N_("Also ask the network: crl (distribution point), ocsp (responder) or both"),
      N_("WHAT") },
    { "hard-fail", 0, 0, G_OPTION_ARG_NONE, &hard_fail,
      N_("Not trusted when no CRL or OCSP answer says the chain is not revoked"), NULL },
    { "purpose", 0, 0, G_OPTION_ARG_STRING, &purpose_text,
      N_("tls-server (default), tls-client, code-signing, email or an OID"), N_("PURPOSE") },
    { "system-anchors", 0, 0, G_OPTION_ARG_NONE, &system_anchors,
      N_("Also accept the system's trust anchors (read-only)"), NULL },
    { "at", 0, 0, G_OPTION_ARG_STRING, &at,
      N_("Verify at this time (ISO 8601, e.g. 2030-01-01) instead of now"), N_("TIME") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json_output,
      N_("Write one JSON object (fields documented in README.md)"), NULL },
    { NULL }
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (CkTrust) trust = NULL;
  g_autoptr (CkVerifier) verifier = NULL;
  g_autoptr (CkVerification) result = NULL;
  const char *purpose = CK_PURPOSE_TLS_SERVER;
  const char * const *chain;
  gint64 id = 0, when = 0;
  int status = CK_CLI_EXIT_OK;

  if (!ck_cli_parse_options (cli, N_("ID"),
                             N_("Says whether a certificate is trusted for a purpose."),
                             N_("The chain is built from the store's certificates and verified\n"
                             "with GnuTLS (medium profile) against the certificates you trust\n"
                             "for the purpose. Exit status: 0 trusted, 3 not trusted (any\n"
                             "reason), 1 on an error, including when the store's trust\n"
                             "decisions or certificates cannot be read (cannot verify)."),
                             entries, &argc, &argv))
    return CK_CLI_EXIT_USAGE;
  if (purpose_text != NULL)
    {
      purpose = parse_purpose (cli, purpose_text, FALSE, &status);
      if (purpose == NULL)
        return status;
    }
  if (at != NULL && !ck_cli_parse_time (at, &when))
    return ck_cli_usage_error (cli, _("Cannot read the time “%s”: use ISO 8601"), at);
  if (revocation_text != NULL && !ck_revocation_network_from_string (revocation_text, &network))
    return ck_cli_usage_error (cli, _("Unknown revocation check “%s”: use crl, ocsp or both"),
                               revocation_text);
  if (!resolve_certificate (cli, argc, argv, &id, &status))
    return status;

  trust = open_trust (cli, &error);
  if (trust == NULL)
    return ck_cli_fail (error);
  verifier = ck_verifier_new (trust);
  ck_verifier_set_use_system_anchors (verifier, system_anchors);
  ck_verifier_set_time (verifier, when);
  ck_verifier_set_revocation (verifier, network, hard_fail, NULL);
  result = ck_verifier_verify_id (verifier, id, purpose, &error);
  if (result == NULL)
    return ck_cli_fail (error);

  chain = ck_verification_get_chain (result);
  if (json_output)
    {
      g_autoptr (CkJsonWriter) json = ck_json_writer_new ();

      ck_json_writer_begin_object (json);
      ck_json_writer_int_member (json, "id", id);
      ck_json_writer_string_member (json, "status",
                                    ck_verify_status_to_string (ck_verification_get_status (result)));
      ck_json_writer_string_member (json, "reason", ck_verification_get_reason (result));
      ck_json_writer_string_member (json, "purpose", purpose);
      ck_json_writer_string_member (json, "purpose_name", ck_purpose_get_display_name (purpose));
      ck_json_writer_string_member (json, "anchor", ck_verification_get_anchor_name (result));
      ck_json_writer_string_member (json, "anchor_source",
                                    ck_verification_get_anchor_source (result));
      ck_json_writer_string_member (json, "subject_sha256",
                                    ck_verification_get_subject_sha256 (result));
      ck_json_writer_string_member (json, "subject_name",
                                    ck_verification_get_subject_name (result));
      ck_json_writer_strv_member (json, "chain", chain);
      ck_cli_revocation_to_json (json, ck_verification_get_revocation (result));
      {
        CkCertificate *fetched = ck_verification_get_fetched_issuer (result);

        ck_json_writer_string_member (json, "fetched_issuer_sha256",
                                      fetched != NULL ? ck_certificate_get_sha256_fingerprint (fetched) : NULL);
        ck_json_writer_string_member (json, "fetched_issuer_url",
                                      ck_verification_get_fetched_issuer_url (result));
      }
      ck_json_writer_end_object (json);
      fputs (ck_json_writer_get_text (json), stdout);
    }
  else if (ck_verification_get_status (result) == CK_VERIFY_CANNOT_VERIFY)
    /* Fail closed, and loudly: an error, not a verdict. */
    return ck_cli_error ("%s", ck_verification_get_reason (result));
  else
    {
      ck_cli_print_line ("%s", ck_verification_get_reason (result));
      for (guint i = 0; chain[i] != NULL; i++)
        {
          gint64 cid = ck_store_find_certificate (cli->store, chain[i]);
          CkStoredCertificate *row = cid > 0 ? ck_store_get_certificate_row (cli->store, cid) : NULL;

          ck_cli_print_line ("  %u. %s  %s", i, chain[i],
                             row ? ck_stored_certificate_get_display_name (row) : "(system anchor)");
        }
      ck_cli_print_revocation (result, id);
    }
  switch (ck_verification_get_status (result))
    {
    case CK_VERIFY_TRUSTED:
      return CK_CLI_EXIT_OK;
    case CK_VERIFY_CANNOT_VERIFY:
      return CK_CLI_EXIT_ERROR;
    default:
      return CK_CLI_EXIT_NOT_TRUSTED;
    }
}
