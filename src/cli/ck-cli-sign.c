/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `selfsign`, `sign`, `revoke` and `crl`: making certificates and running
 * a small CA kept in the store. The decisions (profiles, kept extensions,
 * checks, serials, CRL numbers) are the core's (CkCertificateBuilder,
 * CkCa); this file reads options and prints. A CA made here is trusted for
 * nothing until the user says so with `trust set`. */
#include <glib/gi18n.h>

#include "ck-cli.h"

#include <string.h>

#include "ck-json-writer.h"

/* --- Shared ------------------------------------------------------------ */

typedef struct {
  gboolean json;
  int days;
  char *not_before;
  char *not_after;
  char *serial;
  char *hash;
  char *format;
  char *out;
  gboolean force;
} CertOptions;

static void
cert_options_clear (CertOptions *o)
{
  g_free (o->not_before);
  g_free (o->not_after);
  g_free (o->serial);
  g_free (o->hash);
  g_free (o->format);
  g_free (o->out);
}

/* Validity, serial and hash as the options say. FALSE with @error set. */
static gboolean
apply_cert_options (CkCertificateBuilder *builder,
                    const CertOptions    *o,
                    GError              **error)
{
  gint64 when = 0;

  if (o->days < 0)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_INVALID, _("--days must be positive"));
      return FALSE;
    }
  if (o->days > 0 && o->not_after != NULL)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                   _("--days and --not-after cannot be used together"));
      return FALSE;
    }
  ck_certificate_builder_set_days (builder, (guint) o->days);
  if (o->not_before != NULL)
    {
      if (!ck_cli_parse_time (o->not_before, &when))
        {
          g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                       _("--not-before takes an ISO 8601 time or date, not “%s”"), o->not_before);
          return FALSE;
        }
      ck_certificate_builder_set_not_before (builder, when);
    }
  if (o->not_after != NULL)
    {
      if (!ck_cli_parse_time (o->not_after, &when))
        {
          g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                       _("--not-after takes an ISO 8601 time or date, not “%s”"), o->not_after);
          return FALSE;
        }
      ck_certificate_builder_set_not_after (builder, when);
    }
  if (o->serial != NULL)
    {
      g_autofree char *hex = g_strdup (o->serial);
      gnutls_datum_t in, bin = { NULL, 0 };
      g_autoptr (GBytes) serial = NULL;

      g_strdelimit (hex, ":", ' ');
      g_strstrip (hex);
      {
        g_autoptr (GString) clean = g_string_new (NULL);

        for (const char *p = hex; *p != '\0'; p++)
          if (*p != ' ')
            g_string_append_c (clean, *p);
        if (clean->len % 2 == 1)
          g_string_prepend_c (clean, '0');
        in.data = (unsigned char *) clean->str;
        in.size = clean->len;
        if (clean->len == 0 || gnutls_hex_decode2 (&in, &bin) < 0)
          {
            g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                         _("--serial takes hexadecimal octets, not “%s”"), o->serial);
            return FALSE;
          }
      }
      serial = g_bytes_new (bin.data, bin.size);
      gnutls_free (bin.data);
      ck_certificate_builder_set_serial (builder, serial);
    }
  if (o->hash != NULL)
    {
      gnutls_digest_algorithm_t hash;

      if (!ck_cli_parse_hash (o->hash, &hash, error))
        return FALSE;
      ck_certificate_builder_set_hash (builder, hash);
    }
  if (o->format != NULL && g_ascii_strcasecmp (o->format, "pem") != 0 &&
      g_ascii_strcasecmp (o->format, "der") != 0)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                   _("Unknown format “%s”: use pem or der"), o->format);
      return FALSE;
    }
  return TRUE;
}

/* The certificate made, as one JSON object on stdout (README.md, "JSON
 * output"). The certificate itself then only goes to --out. */
static int
print_json (CkCertificate *cert,
            gint64         id,
            gint64         issuer_id,
            gint64         request_id,
            gboolean       request_issued)
{
  g_autoptr (CkJsonWriter) json = ck_json_writer_new ();
  g_autoptr (GError) error = NULL;
  g_autofree char *not_before = ck_cli_format_time (ck_certificate_get_not_before (cert));
  g_autofree char *not_after = ck_cli_format_time (ck_certificate_get_not_after (cert));
  const char *text;

  ck_json_writer_begin_object (json);
  ck_json_writer_int_member (json, "id", id);
  ck_json_writer_string_member (json, "subject", ck_certificate_get_subject (cert));
  ck_json_writer_string_member (json, "issuer", ck_certificate_get_issuer (cert));
  ck_json_writer_string_member (json, "serial", ck_certificate_get_serial (cert));
  ck_json_writer_string_member (json, "not_before", not_before);
  ck_json_writer_string_member (json, "not_after", not_after);
  ck_json_writer_boolean_member (json, "is_ca", ck_certificate_is_ca (cert));
  ck_json_writer_string_member (json, "sha256", ck_certificate_get_sha256_fingerprint (cert));
  ck_json_writer_string_member (json, "spki_sha256", ck_certificate_get_spki_sha256 (cert));
  ck_json_writer_id_member (json, "issuer_id", issuer_id);
  ck_json_writer_id_member (json, "request_id", request_id);
  ck_json_writer_boolean_member (json, "request_issued", request_issued);
  ck_json_writer_end_object (json);
  text = ck_json_writer_get_text (json);
  if (!ck_cli_write_stdout (text, strlen (text), &error))
    return ck_cli_fail (error);
  return CK_CLI_EXIT_OK;
}

/* Where the keeper's sink writes the certificate: --out (or stdout), or
 * with --json to --out only (NULL: nowhere), the JSON going to stdout. */
static gboolean
cert_output (const CertOptions *o,
             CkCliOutput       *output)
{
  output->format = o->format;
  output->out = o->out;
  output->force = o->force;
  return !o->json || o->out != NULL;
}

/* What the keeper reports besides the certificate: the checks' warnings
 * and the requests it issued that it does not match. */
static void
report_issued (const CkKeeperIssued *issued)
{
  ck_cli_print_findings (issued->findings);
  for (guint i = 0; i < issued->differences->len; i++)
    ck_cli_error (_("warning: %s"), (char *) issued->differences->pdata[i]);
}

/* Status lines go to stdout when the certificate went to a file, to
 * stderr when it went to stdout. */
static void
report (const char *out,
        const char *format,
        ...) G_GNUC_PRINTF (2, 3);

/* With --json, stdout is the JSON: the lines go to stderr. */
static gboolean quiet_stdout;

static void
report (const char *out,
        const char *format,
        ...)
{
  g_autofree char *message = NULL;
  g_autofree char *printable = NULL;
  va_list args;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  if (out != NULL && !quiet_stdout)
    ck_cli_print_line ("%s", message);
  else
    {
      printable = ck_cli_printable (message);
      fprintf (stderr, "%s\n", printable);
    }
}

static void
report_ca_untrusted (const char    *out,
                     CkCertificate *cert,
                     gint64         id)
{
  if (!ck_certificate_is_ca (cert))
    return;
  report (out, _("Certificate %lld is a CA. It is trusted for nothing until "
                 "you say so: certkeeper-cli trust set %lld --purpose PURPOSE"),
          (long long) id, (long long) id);
}

/* --- selfsign ---------------------------------------------------------- */

typedef struct {
  CertOptions cert;
  CkCertificateProfile profile;
  gboolean profile_set;
} SelfSignData;

static gboolean
selfsign_apply_profile (CkRequestBuilder *builder,
                        const char       *name,
                        GError          **error)
{
  CkCertificateProfile profile;

  if (!ck_certificate_profile_from_string (name, &profile))
    {
      g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                   _("Unknown profile “%s”: use tls-server, tls-client, code-signing, email, "
                     "root-ca, sub-ca or none"), name);
      return FALSE;
    }
  ck_certificate_profile_apply (profile, builder);
  return TRUE;
}

static int
selfsign_finish (CkCli                   *cli,
                 CkKeeper                *keeper,
                 CkRequestBuilder        *contents,
                 const CkKeeperKeyChoice *key,
                 gpointer                 user_data)
{
  SelfSignData *data = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (CkCertificateBuilder) builder = ck_certificate_builder_new_self_signed (contents);
  g_autoptr (CkKeeperIssued) issued = NULL;
  g_autofree char *until = NULL;
  CkCliOutput output;
  gboolean write = cert_output (&data->cert, &output);
  int status;

  if (!apply_cert_options (builder, &data->cert, &error))
    return ck_cli_fail (error);
  /* Checks, key, signature, then the key, the certificate and --out in
   * one store transaction: a failure anywhere leaves the store as it was. */
  issued = ck_keeper_self_sign (keeper, builder, key, write ? ck_cli_output_sink : NULL, &output,
                                NULL, &error);
  if (issued == NULL)
    return ck_cli_fail (error);
  report_issued (issued);
  if (issued->key_added && key->source == CK_KEEPER_KEY_NEW)
    fprintf (stderr, _("Generated and stored key %lld\n"), (long long) issued->key_id);
  quiet_stdout = data->cert.json;
  if (data->cert.json)
    {
      status = print_json (issued->certificate, issued->certificate_id, 0, 0, FALSE);
      if (status != CK_CLI_EXIT_OK)
        return status;
    }
  until = ck_cli_format_time (ck_certificate_get_not_after (issued->certificate));
  report (data->cert.out,
          _("Self-signed certificate %lld for key %lld"
            " (%s), serial %s, valid until %s, stored"),
          (long long) issued->certificate_id, (long long) issued->key_id,
          ck_certificate_get_subject (issued->certificate),
          ck_certificate_get_serial (issued->certificate), until != NULL ? until : "?");
  for (guint i = 0; i < issued->issued_requests->len; i++)
    report (data->cert.out, _("Request %lld is now issued"),
            (long long) g_array_index (issued->issued_requests, gint64, i));
  report_ca_untrusted (data->cert.out, issued->certificate, issued->certificate_id);
  return CK_CLI_EXIT_OK;
}

int
ck_cli_selfsign (CkCli *cli,
                 int    argc,
                 char **argv)
{
  SelfSignData data = { { 0, } };
  const GOptionEntry entries[] = {
    { "days", 0, 0, G_OPTION_ARG_INT, &data.cert.days,
      N_("Valid for N days (default: by profile; 10 years for a root CA)"), N_("N") },
    { "not-before", 0, 0, G_OPTION_ARG_STRING, &data.cert.not_before,
      N_("Valid from TIME (ISO 8601; default now)"), N_("TIME") },
    { "not-after", 0, 0, G_OPTION_ARG_STRING, &data.cert.not_after,
      N_("Valid until TIME (ISO 8601)"), N_("TIME") },
    { "serial", 0, 0, G_OPTION_ARG_STRING, &data.cert.serial,
      N_("Serial number, hex (default: 20 random octets)"), N_("HEX") },
    { "cert-hash", 0, 0, G_OPTION_ARG_STRING, &data.cert.hash,
      N_("Signature hash of the certificate: sha256, sha384 or sha512"), N_("HASH") },
    { "format", 0, 0, G_OPTION_ARG_STRING, &data.cert.format, N_("pem (default) or der"), N_("FORMAT") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &data.cert.json,
      N_("Describe the certificate made in JSON on standard output (the certificate goes to --out)"), NULL },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &data.cert.out, N_("Write the certificate to FILE"), N_("FILE") },
    { "force", 0, 0, G_OPTION_ARG_NONE, &data.cert.force, N_("Replace FILE if it exists"), NULL },
    { NULL }
  };
  const CkCliRequestMode mode = {
    N_("Makes a self-signed certificate."),
    N_("The certificate is for a stored key (--key ID) or a new one\n"
       "(--new-key ALG); subject, SANs and extensions are given as for\n"
       "'request'. --profile is one of tls-server, tls-client, code-signing,\n"
       "email, root-ca, sub-ca or none. The serial is 20 random octets unless\n"
       "--serial says otherwise. Errors found are listed and nothing is made\n"
       "(exit status 1); warnings go to standard error. The certificate is\n"
       "written to standard output or --out and kept in the store. A CA made\n"
       "here is trusted for nothing until you say so with 'trust set'."),
    entries,
    selfsign_apply_profile,
    NULL,
    selfsign_finish,
    &data,
  };
  int status = ck_cli_request_run (cli, argc, argv, &mode);

  cert_options_clear (&data.cert);
  return status;
}

/* --- sign -------------------------------------------------------------- */

/* A stored CA certificate and its key, unlocked. */
static CkPrivateKey *
load_ca (CkStore        *store,
         const char     *ref,
         const char     *password_file,
         gint64         *ca_id,
         CkCertificate **ca_cert)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CkCertificate) cert = NULL;
  CkObjectKind kind = CK_OBJECT_NONE;
  gint64 key_id;

  if (!ck_store_resolve (store, ref, &kind, ca_id, &error))
    {
      ck_cli_fail (error);
      return NULL;
    }
  if (kind != CK_OBJECT_CERTIFICATE)
    {
      ck_cli_error (_("%s is a %s, not a CA certificate"), ref, ck_object_kind_to_string (kind));
      return NULL;
    }
  cert = ck_store_load_certificate (store, *ca_id, &error);
  if (cert == NULL)
    {
      ck_cli_fail (error);
      return NULL;
    }
  key_id = ck_store_find_key (store, ck_certificate_get_spki_sha256 (cert));
  if (key_id <= 0)
    {
      ck_cli_error (_("The store has no key for certificate %lld (%s): import "
                      "the CA's key, or its token's URI with 'keygen --token'"),
                    (long long) *ca_id, ck_certificate_get_display_name (cert));
      return NULL;
    }
  *ca_cert = g_steal_pointer (&cert);
  return ck_cli_load_stored_key (store, key_id, password_file);
}

/* The request: a file when one is there, else a stored request. */
static CkRequest *
load_request (CkStore    *store,
              const char *ref,
              gint64     *request_id)
{
  g_autoptr (GError) error = NULL;
  CkObjectKind kind = CK_OBJECT_NONE;

  *request_id = 0;
  if (g_file_test (ref, G_FILE_TEST_EXISTS))
    {
      /* Read as `import` reads files: any encoding, bounded, and errors
       * naming the file and the item. */
      g_autoptr (CkImporter) importer = ck_importer_new (NULL);
      g_autoptr (GFile) file = g_file_new_for_commandline_arg (ref);
      g_autofree char *problems = NULL;
      CkImportPlan *plan;
      CkRequest *request = NULL;
      guint found = 0;

      if (!ck_importer_add_file (importer, file, NULL, &error))
        {
          ck_cli_fail (error);
          return NULL;
        }
      plan = ck_importer_get_plan (importer);
      problems = ck_import_plan_describe_problems (plan);
      if (problems != NULL)
        {
          ck_cli_error ("%s", problems);
          return NULL;
        }
      for (guint i = 0; i < ck_import_plan_get_n_items (plan); i++)
        {
          CkImportItem *item = ck_import_plan_get_item (plan, i);

          if (ck_import_item_get_kind (item) == CK_IMPORT_ITEM_REQUEST)
            {
              request = ck_import_item_get_request (item);
              found++;
            }
        }
      if (found != 1)
        {
          ck_cli_error (found == 0 ? _("%s: no certificate signing request in the file")
                                   : _("%s: more than one certificate signing request; give one"),
                        ref);
          return NULL;
        }
      *request_id = ck_store_find_request (store, ck_request_get_sha256_fingerprint (request));
      return g_object_ref (request);
    }
  if (!ck_store_resolve (store, ref, &kind, request_id, &error))
    {
      ck_cli_fail (error);
      return NULL;
    }
  if (kind != CK_OBJECT_REQUEST)
    {
      ck_cli_error (_("%s is a %s, not a request"), ref, ck_object_kind_to_string (kind));
      return NULL;
    }
  {
    CkRequest *request = ck_store_load_request (store, *request_id, &error);

    if (request == NULL)
      ck_cli_fail (error);
    return request;
  }
}

int
ck_cli_sign (CkCli *cli,
             int    argc,
             char **argv)
{
  CertOptions o = { 0, };
  g_autofree char *ca_ref = NULL;
  g_autofree char *password_file = NULL;
  g_autofree char *profile_name = NULL;
  g_autofree char *keep = NULL;
  g_autofree char *template = NULL;
  g_autofree char *ocsp_url = NULL;
  g_autofree char *ca_issuers_url = NULL;
  g_autofree char *crl_url = NULL;
  int path_len = -2;
  const GOptionEntry entries[] = {
    { "ca", 0, 0, G_OPTION_ARG_STRING, &ca_ref, N_("The CA certificate, whose key is in the store"), N_("ID") },
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &password_file,
      N_("The store passphrase of the CA's key, first line of FILE"), N_("FILE") },
    { "profile", 0, 0, G_OPTION_ARG_STRING, &profile_name,
      N_("tls-server, tls-client, code-signing, email, sub-ca or none (default)"), N_("PROFILE") },
    { "template", 0, 0, G_OPTION_ARG_FILENAME, &template,
      N_("The extensions of a certtool template, read as certtool --generate-certificate "
         "reads it, instead of a profile"), N_("FILE") },
    { "keep-extensions", 0, 0, G_OPTION_ARG_STRING, &keep,
      N_("Request extensions to copy: subjectAltName, keyUsage, extendedKeyUsage, "
         "basicConstraints, tlsFeature, OIDs, all or none (default)"), N_("LIST") },
    { "days", 0, 0, G_OPTION_ARG_INT, &o.days, N_("Valid for N days (default: by profile)"), N_("N") },
    { "not-before", 0, 0, G_OPTION_ARG_STRING, &o.not_before,
      N_("Valid from TIME (ISO 8601; default now)"), N_("TIME") },
    { "not-after", 0, 0, G_OPTION_ARG_STRING, &o.not_after, N_("Valid until TIME (ISO 8601)"), N_("TIME") },
    { "serial", 0, 0, G_OPTION_ARG_STRING, &o.serial,
      N_("Serial number, hex (default: 20 random octets)"), N_("HEX") },
    { "hash", 0, 0, G_OPTION_ARG_STRING, &o.hash, N_("sha256, sha384 or sha512"), N_("HASH") },
    { "path-len", 0, 0, G_OPTION_ARG_INT, &path_len, N_("Path length limit of a CA certificate"), N_("N") },
    { "ocsp-url", 0, 0, G_OPTION_ARG_STRING, &ocsp_url, N_("OCSP responder URL (authority information access)"), N_("URL") },
    { "ca-issuers-url", 0, 0, G_OPTION_ARG_STRING, &ca_issuers_url,
      N_("Where the CA certificate is published (authority information access)"), N_("URL") },
    { "crl-url", 0, 0, G_OPTION_ARG_STRING, &crl_url, N_("CRL distribution point URL"), N_("URL") },
    { "format", 0, 0, G_OPTION_ARG_STRING, &o.format, N_("pem (default) or der"), N_("FORMAT") },
    { "json", 0, 0, G_OPTION_ARG_NONE, &o.json,
      N_("Describe the certificate made in JSON on standard output (the certificate goes to --out)"), NULL },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &o.out, N_("Write the certificate to FILE"), N_("FILE") },
    { "force", 0, 0, G_OPTION_ARG_NONE, &o.force, N_("Replace FILE if it exists"), NULL },
    { NULL }
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (CkRequest) request = NULL;
  g_autoptr (CkCertificate) ca_cert = NULL;
  g_autoptr (CkPrivateKey) ca_key = NULL;
  g_autoptr (CkCertificateBuilder) builder = NULL;
  g_autoptr (CkKeeper) keeper = NULL;
  g_autoptr (CkKeeperIssued) issued = NULL;
  g_autofree char *until = NULL;
  CkCertificateProfile profile = CK_CERTIFICATE_PROFILE_NONE;
  CkKeeperSigner signer = { 0, };
  CkCliOutput output;
  gboolean write, request_issued = FALSE;
  gint64 request_id = 0, ca_id = 0;
  CkStore *store;
  int status;

  if (!ck_cli_parse_options (cli, N_("REQUEST-ID|FILE"), N_("Signs a certificate signing request with a CA kept in the store."),
                             N_("The request is a file (PEM or DER) or a request in the store. Its\n"
                                "subject and key go into the certificate as they are; its extensions\n"
                                "only where --keep-extensions names them, and a basicConstraints\n"
                                "CA:TRUE only when basicConstraints is named (never through 'all').\n"
                                "--profile sets the key usage, extended key usage and basic\n"
                                "constraints. A request whose signature does not verify is refused,\n"
                                "and so is a CA without keyCertSign. The certificate is kept in the\n"
                                "store, linked to its CA; a pending request for its key becomes issued."),
                             entries, &argc, &argv))
    {
      cert_options_clear (&o);
      return CK_CLI_EXIT_USAGE;
    }
  if (argc != 2)
    status = ck_cli_usage_error (cli, _("Give one request (an ID or a file)"));
  else if (ca_ref == NULL)
    status = ck_cli_usage_error (cli, _("--ca ID is required"));
  else if (template != NULL && profile_name != NULL)
    status = ck_cli_usage_error (cli, _("--template and --profile cannot be used together"));
  else if (profile_name != NULL && (!ck_certificate_profile_from_string (profile_name, &profile) ||
                                    profile == CK_CERTIFICATE_PROFILE_ROOT_CA))
    status = ck_cli_usage_error (cli, _("Unknown profile “%s”: use tls-server, tls-client, "
                                        "code-signing, email, sub-ca or none"), profile_name);
  else
    status = CK_CLI_EXIT_OK;
  if (status != CK_CLI_EXIT_OK)
    {
      cert_options_clear (&o);
      return status;
    }

  status = CK_CLI_EXIT_ERROR;
  store = ck_cli_open_store (cli, &error);
  if (store == NULL)
    {
      status = ck_cli_fail (error);
      goto out;
    }
  request = load_request (store, argv[1], &request_id);
  if (request == NULL)
    goto out;

  builder = ck_certificate_builder_new_for_request (request);
  ck_certificate_builder_set_profile (builder, profile);
  if (template != NULL)
    {
      g_autoptr (GPtrArray) warnings = NULL;
      g_autoptr (CkRequestBuilder) contents = NULL;
      unsigned int bits = 0;
      int algo = gnutls_x509_crq_get_pk_algorithm (ck_request_get_crq (request), &bits);

      contents = ck_template_load_file_for (template, algo > 0 ? algo : GNUTLS_PK_UNKNOWN,
                                            CK_TEMPLATE_CERTIFICATE, &warnings, &error);
      if (contents == NULL)
        {
          status = ck_cli_fail (error);
          goto out;
        }
      for (guint i = 0; i < warnings->len; i++)
        ck_cli_error (_("warning: %s"), (char *) warnings->pdata[i]);
      ck_certificate_builder_set_contents (builder, contents);
    }
  if (!ck_certificate_builder_set_keep_extensions (builder, keep, &error) ||
      !apply_cert_options (builder, &o, &error))
    {
      status = ck_cli_usage_error (cli, "%s", error->message);
      goto out;
    }
  ck_certificate_builder_set_path_len (builder, path_len);
  ck_certificate_builder_set_ocsp_url (builder, ocsp_url);
  ck_certificate_builder_set_ca_issuers_url (builder, ca_issuers_url);
  ck_certificate_builder_set_crl_url (builder, crl_url);

  /* Unlocked here, at the prompt, with its retries; the keeper signs. */
  ca_key = load_ca (store, ca_ref, password_file, &ca_id, &ca_cert);
  if (ca_key == NULL)
    goto out;
  signer.ca_id = ca_id;
  signer.key = ca_key;
  keeper = ck_keeper_new (store);
  write = cert_output (&o, &output);
  issued = ck_keeper_sign_request (keeper, builder, &signer, write ? ck_cli_output_sink : NULL,
                                   &output, NULL, &error);
  if (issued == NULL)
    {
      status = ck_cli_fail (error);
      goto out;
    }
  report_issued (issued);
  for (guint i = 0; i < issued->issued_requests->len; i++)
    if (issued->request_id > 0 && g_array_index (issued->issued_requests, gint64, i) == issued->request_id)
      request_issued = TRUE;
  quiet_stdout = o.json;
  status = CK_CLI_EXIT_OK;
  if (o.json)
    {
      status = print_json (issued->certificate, issued->certificate_id, ca_id, issued->request_id,
                           request_issued);
      if (status != CK_CLI_EXIT_OK)
        goto out;
    }
  until = ck_cli_format_time (ck_certificate_get_not_after (issued->certificate));
  report (o.out, _("Certificate %lld (%s), serial %s, valid until %s, "
                   "signed by CA %lld and stored"),
          (long long) issued->certificate_id, ck_certificate_get_subject (issued->certificate),
          ck_certificate_get_serial (issued->certificate), until != NULL ? until : "?",
          (long long) ca_id);
  for (guint i = 0; i < issued->issued_requests->len; i++)
    report (o.out, _("Request %lld is now issued"),
            (long long) g_array_index (issued->issued_requests, gint64, i));
  report_ca_untrusted (o.out, issued->certificate, issued->certificate_id);

out:
  cert_options_clear (&o);
  return status;
}

/* --- revoke ------------------------------------------------------------ */

int
ck_cli_revoke (CkCli *cli,
               int    argc,
               char **argv)
{
  g_autofree char *reason_name = NULL;
  g_autofree char *at = NULL;
  const GOptionEntry entries[] = {
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason_name,
      N_("unspecified (default), key-compromise, ca-compromise, affiliation-changed, superseded, "
         "cessation-of-operation, certificate-hold, privilege-withdrawn or aa-compromise"), N_("REASON") },
    { "at", 0, 0, G_OPTION_ARG_STRING, &at, N_("When it was revoked (ISO 8601; default now)"), N_("TIME") },
    { NULL }
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (CkKeeper) keeper = NULL;
  CkRevocationReason reason = CK_REVOCATION_UNSPECIFIED;
  CkStore *store;
  CkObjectKind kind;
  gint64 id, when = 0, ca_id = 0;
  int status;

  if (!ck_cli_parse_options (cli, N_("ID"), N_("Revokes a certificate issued by a CA kept in the store."),
                             N_("The revocation is recorded with its reason and time; run\n"
                                "'crl CA-ID' to publish it in a new CRL."),
                             entries, &argc, &argv))
    return CK_CLI_EXIT_USAGE;
  if (reason_name != NULL && !ck_revocation_reason_from_string (reason_name, &reason))
    return ck_cli_usage_error (cli, _("Unknown reason “%s”"), reason_name);
  if (at != NULL && !ck_cli_parse_time (at, &when))
    return ck_cli_usage_error (cli, _("--at takes an ISO 8601 time or date, not “%s”"), at);
  if (!ck_cli_resolve (cli, argc, argv, &store, &kind, &id, &status))
    return status;
  if (kind != CK_OBJECT_CERTIFICATE)
    return ck_cli_error (_("%s is a %s, not a certificate"), argv[1], ck_object_kind_to_string (kind));
  keeper = ck_keeper_new (store);
  if (!ck_keeper_revoke (keeper, id, reason, when, NULL, &ca_id, &error))
    return ck_cli_fail (error);
  ck_cli_print_line (_("Revoked certificate %lld (%s) of CA %lld"
                       "; run 'certkeeper-cli crl %lld' to publish it"),
                     (long long) id, ck_revocation_reason_to_string (reason),
                     (long long) ca_id, (long long) ca_id);
  return CK_CLI_EXIT_OK;
}

/* --- crl --------------------------------------------------------------- */

int
ck_cli_crl (CkCli *cli,
            int    argc,
            char **argv)
{
  g_autofree char *password_file = NULL;
  g_autofree char *format = NULL;
  g_autofree char *out = NULL;
  g_autofree char *hash_name = NULL;
  int days = 7;
  gboolean force = FALSE;
  const GOptionEntry entries[] = {
    { "next-update-days", 0, 0, G_OPTION_ARG_INT, &days,
      N_("The CRL's nextUpdate, N days from now (default 7)"), N_("N") },
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &password_file,
      N_("The store passphrase of the CA's key, first line of FILE"), N_("FILE") },
    { "hash", 0, 0, G_OPTION_ARG_STRING, &hash_name, N_("sha256, sha384 or sha512"), N_("HASH") },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format, N_("pem (default) or der"), N_("FORMAT") },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, N_("Write the CRL to FILE"), N_("FILE") },
    { "force", 0, 0, G_OPTION_ARG_NONE, &force, N_("Replace FILE if it exists"), NULL },
    { NULL }
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (CkKeeper) keeper = NULL;
  g_autoptr (CkCertificate) ca_cert = NULL;
  g_autoptr (CkPrivateKey) ca_key = NULL;
  g_autoptr (GBytes) crl = NULL;
  CkKeeperSigner signer = { 0, };
  CkCliOutput output = { 0, };
  gnutls_digest_algorithm_t hash = GNUTLS_DIG_UNKNOWN;
  guint64 number = 0;
  gint64 ca_id = 0;
  CkStore *store;

  if (!ck_cli_parse_options (cli, N_("CA-ID"), N_("Writes a new certificate revocation list of a CA."),
                             N_("The CRL lists every certificate revoked with 'revoke', signed by\n"
                                "the CA's key, with a CRL number one higher than the last one."),
                             entries, &argc, &argv))
    return CK_CLI_EXIT_USAGE;
  if (argc != 2)
    return ck_cli_usage_error (cli, _("Give one CA certificate ID"));
  if (days <= 0)
    return ck_cli_usage_error (cli, _("--next-update-days must be positive"));
  if (format != NULL && g_ascii_strcasecmp (format, "pem") != 0 && g_ascii_strcasecmp (format, "der") != 0)
    return ck_cli_usage_error (cli, _("Unknown format “%s”: use pem or der"), format);
  if (hash_name != NULL && !ck_cli_parse_hash (hash_name, &hash, &error))
    return ck_cli_usage_error (cli, "%s", error->message);

  store = ck_cli_open_store (cli, &error);
  if (store == NULL)
    return ck_cli_fail (error);
  ca_key = load_ca (store, argv[1], password_file, &ca_id, &ca_cert);
  if (ca_key == NULL)
    return CK_CLI_EXIT_ERROR;
  signer.ca_id = ca_id;
  signer.key = ca_key;
  output.format = format;
  output.out = out;
  output.force = force;
  keeper = ck_keeper_new (store);
  /* Signed, then written and its number recorded in one transaction: a
   * CRL that cannot be written spends no number. */
  crl = ck_keeper_write_crl (keeper, &signer, (gint64) days * 24 * 60 * 60, hash,
                             ck_cli_output_sink, &output, NULL, &number, &error);
  if (crl == NULL)
    return ck_cli_fail (error);
  report (out, _("CRL number %llu of CA %lld (%s)"),
          (unsigned long long) number, (long long) ca_id,
          ck_certificate_get_display_name (ca_cert));
  return CK_CLI_EXIT_OK;
}

/* --- revocations ------------------------------------------------------- */

int
ck_cli_revocations (CkCli *cli,
                    int    argc,
                    char **argv)
{
  gboolean json_output = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json_output, N_("Write a JSON array"), NULL },
    { NULL }
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (CkCa) ca = NULL;
  g_autoptr (GPtrArray) list = NULL;
  g_autoptr (CkJsonWriter) json = NULL;
  CkStore *store;
  CkObjectKind kind;
  gint64 id;
  int status;

  if (!ck_cli_parse_options (cli, N_("CA-ID"), N_("Lists the certificates a CA in the store revoked."),
                             N_("Each revocation: serial, reason, when, and the certificate's id\n"
                                "while the store still holds it. 'crl CA-ID' publishes them."),
                             entries, &argc, &argv))
    return CK_CLI_EXIT_USAGE;
  if (!ck_cli_resolve (cli, argc, argv, &store, &kind, &id, &status))
    return status;
  if (kind != CK_OBJECT_CERTIFICATE)
    return ck_cli_error (_("%s is a %s, not a CA certificate"), argv[1], ck_object_kind_to_string (kind));
  ca = ck_ca_new (store, &error);
  if (ca != NULL)
    list = ck_ca_list_revocations (ca, id, &error);
  if (list == NULL)
    return ck_cli_fail (error);

  if (json_output)
    {
      json = ck_json_writer_new ();
      ck_json_writer_begin_array (json);
    }
  else if (list->len > 0)
    ck_cli_print_line ("%-42s %-22s %-20s %s", "SERIAL", "REASON", "REVOKED", "CERTIFICATE");
  for (guint i = 0; i < list->len; i++)
    {
      CkRevocation *r = list->pdata[i];
      g_autofree char *when = ck_cli_format_time (r->revoked_at);
      gint64 cert_id = r->certificate_sha256 != NULL
                       ? ck_store_find_certificate (store, r->certificate_sha256) : 0;

      if (json != NULL)
        {
          ck_json_writer_begin_object (json);
          ck_json_writer_string_member (json, "serial", r->serial);
          ck_json_writer_string_member (json, "reason", ck_revocation_reason_to_string (r->reason));
          ck_json_writer_string_member (json, "revoked_at", when);
          ck_json_writer_string_member (json, "certificate_sha256", r->certificate_sha256);
          ck_json_writer_id_member (json, "certificate_id", cert_id);
          ck_json_writer_end_object (json);
        }
      else
        {
          g_autofree char *cert_text = cert_id > 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, cert_id)
                                                   : g_strdup ("-");

          ck_cli_print_line ("%-42s %-22s %-20s %s", r->serial,
                             ck_revocation_reason_to_string (r->reason), when != NULL ? when : "?",
                             cert_text);
        }
    }
  if (json != NULL)
    return ck_cli_write_json_array (json);
  else if (list->len == 0)
    ck_cli_print_line (_("The CA has revoked nothing"));
  return CK_CLI_EXIT_OK;
}
