/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `fetch-crl`, `fetch-issuer` and how `verify` shows revocation. */
#include "ck-cli.h"

#include <glib/gi18n.h>
#include <string.h>

#include "ck-cli-describe.h"

void
ck_cli_revocation_to_json (CkJsonWriter             *json,
                           const CkRevocationStatus *status)
{
  ck_json_writer_member (json, "revocation");
  if (status == NULL)
    {
      ck_json_writer_null (json);
      return;
    }
  ck_json_writer_begin_object (json);
  ck_json_writer_string_member (json, "status", ck_revocation_state_to_string (status->state));
  ck_json_writer_string_member (json, "source", status->source);
  if (status->checked_at != 0)
    ck_cli_json_time_member (json, "checked_at", status->checked_at);
  else
    ck_json_writer_string_member (json, "checked_at", NULL);
  if (status->next_update != 0)
    ck_cli_json_time_member (json, "next_update", status->next_update);
  else
    ck_json_writer_string_member (json, "next_update", NULL);
  ck_json_writer_string_member (json, "reason", ck_revocation_status_get_reason_string (status));
  if (status->state == CK_REVOCATION_STATE_REVOKED)
    ck_cli_json_time_member (json, "revoked_at", status->revoked_at);
  else
    ck_json_writer_string_member (json, "revoked_at", NULL);
  ck_json_writer_string_member (json, "detail", status->detail);
  ck_json_writer_end_object (json);
}

void
ck_cli_print_revocation (CkVerification *verification,
                         gint64          id)
{
  const CkRevocationStatus *status = ck_verification_get_revocation (verification);
  CkCertificate *issuer = ck_verification_get_fetched_issuer (verification);

  if (status != NULL)
    {
      g_autofree char *checked = status->checked_at != 0
                                 ? ck_revocation_format_time (status->checked_at) : NULL;

      if (status->state == CK_REVOCATION_STATE_UNKNOWN)
        ck_cli_print_line (_("Revocation: unknown (%s)"), status->detail);
      else
        /* Translators: "good" or "revoked", where from, then when */
        ck_cli_print_line (_("Revocation: %s (%s, %s)"),
                           ck_revocation_state_to_string (status->state), status->detail,
                           checked != NULL ? checked : "?");
    }
  if (issuer != NULL)
    {
      ck_cli_print_line (_("Missing issuer fetched from %s: %s (SHA-256 %s)"),
                         ck_verification_get_fetched_issuer_url (verification),
                         ck_certificate_get_display_name (issuer),
                         ck_certificate_get_sha256_fingerprint (issuer));
      ck_cli_print_line (_("  Not trusted by being fetched. To keep it: certkeeper-cli "
                           "fetch-issuer %lld --out FILE, then import FILE"), (long long) id);
    }
}

static CkCertificate *
load_certificate (CkCli   *cli,
                  int      argc,
                  char   **argv,
                  gint64  *id,
                  int     *status)
{
  CkStore *store = NULL;
  CkObjectKind kind = CK_OBJECT_NONE;
  g_autoptr (GError) error = NULL;
  CkCertificate *cert;

  if (!ck_cli_resolve (cli, argc, argv, &store, &kind, id, status))
    return NULL;
  if (kind != CK_OBJECT_CERTIFICATE)
    {
      *status = ck_cli_error (_("%s is a %s, not a certificate"), argv[1],
                              ck_object_kind_to_string (kind));
      return NULL;
    }
  cert = ck_store_load_certificate (store, *id, &error);
  if (cert == NULL)
    *status = ck_cli_fail (error);
  return cert;
}

int
ck_cli_fetch_crl (CkCli *cli,
                  int    argc,
                  char **argv)
{
  const GOptionEntry entries[] = { { NULL } };
  g_autoptr (CkCertificate) cert = NULL;
  g_autoptr (CkRevocationStore) revocations = NULL;
  g_autoptr (CkCrl) crl = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *this_update = NULL;
  CkCrlAddResult result;
  gint64 id = 0;
  int status = CK_CLI_EXIT_OK;

  if (!ck_cli_parse_options (cli, N_("ID"),
                             N_("Fetches the CRL of a certificate's CRL distribution point."),
                             N_("The CRL is stored once its signature verifies with its issuer,\n"
                                "which must be in the store; a newer one replaces an older one.\n"
                                "Stored CRLs are used by every verify."),
                             entries, &argc, &argv))
    return CK_CLI_EXIT_USAGE;
  cert = load_certificate (cli, argc, argv, &id, &status);
  if (cert == NULL)
    return status;
  revocations = ck_revocation_store_new (cli->store);
  crl = ck_revocation_fetch_crl (revocations, cert, &url, &result, NULL, &error);
  if (crl == NULL)
    return ck_cli_fail (error);
  this_update = ck_revocation_format_time (ck_crl_get_this_update (crl));
  switch (result)
    {
    case CK_CRL_SAME:
      ck_cli_print_line (_("%s from %s is stored already (issued %s)"),
                         ck_crl_get_display_name (crl), url, this_update);
      break;
    case CK_CRL_OLDER:
      ck_cli_print_line (_("%s from %s (issued %s) is older than the one stored: not kept"),
                         ck_crl_get_display_name (crl), url, this_update);
      break;
    case CK_CRL_ADDED:
    case CK_CRL_REPLACED:
    default:
      ck_cli_print_line (_("Stored %s from %s: %u revoked, issued %s"),
                         ck_crl_get_display_name (crl), url, ck_crl_get_entries (crl)->len,
                         this_update);
      break;
    }
  return CK_CLI_EXIT_OK;
}

int
ck_cli_fetch_issuer (CkCli *cli,
                     int    argc,
                     char **argv)
{
  g_autofree char *out = NULL;
  gboolean force = FALSE;
  const GOptionEntry entries[] = {
    { "out", 'o', 0, G_OPTION_ARG_FILENAME, &out, N_("Write to FILE instead of stdout"),
      N_("FILE") },
    { "force", 0, 0, G_OPTION_ARG_NONE, &force, N_("Overwrite FILE"), NULL },
    { NULL }
  };
  g_autoptr (CkCertificate) cert = NULL;
  g_autoptr (CkCertificate) issuer = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *url = NULL;
  g_autofree char *pem = NULL;
  gint64 id = 0;
  int status = CK_CLI_EXIT_OK;

  if (!ck_cli_parse_options (cli, N_("ID"),
                             N_("Fetches a certificate's issuer from its AIA caIssuers URL."),
                             N_("Writes the issuer (PEM) whose key verifies the certificate; it\n"
                                "is not stored and not trusted: import it to keep it."),
                             entries, &argc, &argv))
    return CK_CLI_EXIT_USAGE;
  cert = load_certificate (cli, argc, argv, &id, &status);
  if (cert == NULL)
    return status;
  issuer = ck_revocation_fetch_issuer (cert, &url, NULL, &error);
  if (issuer == NULL)
    return ck_cli_fail (error);
  g_printerr (_("Fetched %s from %s\n"), ck_certificate_get_display_name (issuer), url);
  pem = ck_certificate_to_pem (issuer);
  return ck_cli_write_result (pem, strlen (pem), TRUE, out, force);
}

int
ck_cli_ocsp_responder (CkCli *cli,
                       int    argc,
                       char **argv)
{
  gboolean clear = FALSE;
  const GOptionEntry entries[] = {
    { "clear", 0, 0, G_OPTION_ARG_NONE, &clear,
      N_("Forget the responder chosen for this CA: use the certificates' AIA again"), NULL },
    { NULL }
  };
  g_autoptr (CkCertificate) ca = NULL;
  g_autoptr (CkRevocationStore) revocations = NULL;
  g_autoptr (GError) error = NULL;
  g_autofree char *current = NULL;
  const char *url = NULL;
  gint64 id = 0;
  int status = CK_CLI_EXIT_OK;

  if (!ck_cli_parse_options (cli, N_("CA-ID [URL]"),
                             N_("Shows or sets the OCSP responder asked about a CA's certificates."),
                             N_("With URL (http or https), certificates issued by CA-ID are asked\n"
                                "about there instead of at the responder their AIA names."),
                             entries, &argc, &argv))
    return CK_CLI_EXIT_USAGE;
  if (argc == 3)
    {
      url = argv[2];
      argc = 2;
    }
  if (argc > 3 || (url != NULL && clear))
    return ck_cli_usage_error (cli, _("Give a URL or --clear, not both"));
  ca = load_certificate (cli, argc, argv, &id, &status);
  if (ca == NULL)
    return status;
  revocations = ck_revocation_store_new (cli->store);
  if (url == NULL && !clear)
    {
      current = ck_revocation_store_get_responder (revocations, ca);
      ck_cli_print_line ("%s", current != NULL ? current : _("(the certificates' AIA)"));
      return CK_CLI_EXIT_OK;
    }
  if (!ck_revocation_store_set_responder (revocations, ca, url, &error))
    return ck_cli_fail (error);
  return CK_CLI_EXIT_OK;
}
