/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `keygen`, `request`, `requests` and `template export`: making keys and
 * certificate signing requests. Keys are generated and stored encrypted
 * (unless --no-key-passphrase); every request made is recorded in the
 * store as pending under its key, and becomes issued when its certificate
 * is imported. */
#include <glib/gi18n.h>

#include "ck-cli.h"

#include <string.h>

#include "ck-cli-describe.h"
#include "ck-cli-password.h"
#include "ck-json-writer.h"


/* --- Shared ------------------------------------------------------------ */

static gboolean
parse_key_spec (const char *algorithm,
                int         bits,
                const char *curve,
                CkKeySpec  *spec,
                GError    **error)
{
  if (!ck_key_type_from_string (algorithm, &spec->type))
    {
      g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                   _("Unknown key algorithm “%s”: use rsa, rsa-pss, ecdsa, ed25519 or ed448"),
                   algorithm);
      return FALSE;
    }
  if (bits < 0)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_INVALID, _("--bits must be positive"));
      return FALSE;
    }
  spec->bits = (guint) bits;
  spec->curve = curve;
  if (spec->type == CK_KEY_TYPE_ECDSA && spec->curve == NULL)
    spec->curve = "P-256";
  return ck_key_spec_validate (spec, error);
}

static gnutls_pk_algorithm_t
spec_algorithm (const CkKeySpec *spec)
{
  switch (spec->type)
    {
    case CK_KEY_TYPE_RSA: return GNUTLS_PK_RSA;
    case CK_KEY_TYPE_RSA_PSS: return GNUTLS_PK_RSA_PSS;
    case CK_KEY_TYPE_ECDSA: return GNUTLS_PK_ECDSA;
    case CK_KEY_TYPE_ED25519: return GNUTLS_PK_EDDSA_ED25519;
    case CK_KEY_TYPE_ED448: return GNUTLS_PK_EDDSA_ED448;
    default: return GNUTLS_PK_UNKNOWN;
    }
}

/* The passphrase that will protect a new key, as the options say: *@out
 * stays NULL with --no-key-passphrase. FALSE after printing the error. */
static gboolean
ask_new_key_passphrase (CkStore     *store,
                        const char  *passphrase_file,
                        gboolean     no_passphrase,
                        CkPassword **out)
{
  g_autoptr (GError) error = NULL;

  *out = NULL;
  if (no_passphrase)
    return TRUE;
  if (passphrase_file == NULL && !ck_cli_can_prompt ())
    {
      ck_cli_error (_("the new key needs a passphrase to be stored encrypted: give "
                    "--key-passphrase-file FILE, or --no-key-passphrase to store it "
                    "without one"));
      return FALSE;
    }
  *out = ck_cli_get_store_passphrase (store, passphrase_file, "--no-key-passphrase", &error);
  if (*out == NULL)
    {
      ck_cli_fail (error);
      return FALSE;
    }
  return TRUE;
}

static void
say_generating (const CkKeySpec *spec)
{
  g_autofree char *what = ck_key_spec_describe (spec);

  if (spec->bits >= 8192)
    fprintf (stderr, "Generating a %s key; this can take a minute…\n", what);
}

/* --- keygen ------------------------------------------------------------ */

int
ck_cli_keygen (CkCli *cli,
               int    argc,
               char **argv)
{
  g_autofree char *algorithm = NULL;
  g_autofree char *curve = NULL;
  g_autofree char *label = NULL;
  g_autofree char *key_passphrase_file = NULL;
  gboolean no_key_passphrase = FALSE;
  g_autofree char *token = NULL;
  g_autofree char *token_id = NULL;
  gboolean extractable = FALSE;
  int bits = 0;
  const GOptionEntry entries[] = {
    { "token", 0, 0, G_OPTION_ARG_STRING, &token,
      N_("Generate the key on the PKCS#11 token URI (RSA 2048-4096, ECDSA P-256/P-384)"), N_("URI") },
    { "id", 0, 0, G_OPTION_ARG_STRING, &token_id, N_("With --token: the key's CKA_ID, hex"), N_("HEX") },
    { "extractable", 0, 0, G_OPTION_ARG_NONE, &extractable,
      N_("With --token: let the key be exported (off by default)"), NULL },
    { "algorithm", 0, 0, G_OPTION_ARG_STRING, &algorithm,
      N_("rsa, rsa-pss, ecdsa, ed25519 or ed448"), N_("ALG") },
    { "bits", 0, 0, G_OPTION_ARG_INT, &bits,
      N_("RSA size: 2048, 3072 (default), 4096 or 8192"), N_("N") },
    { "curve", 0, 0, G_OPTION_ARG_STRING, &curve,
      N_("ECDSA curve: P-256 (default), P-384 or P-521"), N_("CURVE") },
    { "label", 0, 0, G_OPTION_ARG_STRING, &label, N_("A name for the key in the store"), N_("LABEL") },
    { "key-passphrase-file", 0, 0, G_OPTION_ARG_FILENAME, &key_passphrase_file,
      N_("Encrypt the key in the store with the passphrase in the first line of FILE"), N_("FILE") },
    { "no-key-passphrase", 0, 0, G_OPTION_ARG_NONE, &no_key_passphrase,
      N_("Store the key without a passphrase"), NULL },
    { NULL }
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (CkPrivateKey) key = NULL;
  g_autofree char *what = NULL;
  g_autoptr (CkKeeper) keeper = NULL;
  g_autoptr (CkPassword) passphrase = NULL;
  CkKeeperKeyChoice choice = { .source = CK_KEEPER_KEY_NEW };
  CkKeySpec spec = { 0, };
  CkStore *store;
  gint64 id = 0;

  if (!ck_cli_parse_options (cli, "", N_("Generates a private key and keeps it in the store."),
                             N_("The key is stored encrypted with the passphrase from\n"
                             "--key-passphrase-file or the prompt (the store passphrase); without\n"
                             "a terminal one of --key-passphrase-file or --no-key-passphrase\n"
                             "is required. Use 'request --key ID' to make a request for it."),
                             entries, &argc, &argv))
    return CK_CLI_EXIT_USAGE;
  if (argc > 1)
    return ck_cli_usage_error (cli, _("Unexpected argument “%s”"), argv[1]);
  if (algorithm == NULL)
    return ck_cli_usage_error (cli, _("--algorithm is required"));
  if (key_passphrase_file != NULL && no_key_passphrase)
    return ck_cli_usage_error (cli, _("--key-passphrase-file and --no-key-passphrase "
                                    "cannot be used together"));
  if (!parse_key_spec (algorithm, bits, curve, &spec, &error))
    return ck_cli_usage_error (cli, "%s", error->message);
  if (token != NULL && (key_passphrase_file != NULL || no_key_passphrase))
    return ck_cli_usage_error (cli, _("A key on a token has no passphrase; its PIN protects it "
                                    "(--pin-file FILE or the prompt)"));
  if (token == NULL && (token_id != NULL || extractable))
    return ck_cli_usage_error (cli, _("--id and --extractable go with --token"));
  if (token != NULL)
    return ck_cli_token_keygen (cli, token, &spec, label, token_id, extractable);

  store = ck_cli_open_store (cli, &error);
  if (store == NULL)
    return ck_cli_fail (error);
  if (!ask_new_key_passphrase (store, key_passphrase_file, no_key_passphrase, &passphrase))
    return CK_CLI_EXIT_ERROR;
  say_generating (&spec);
  choice.spec = spec;
  choice.label = label;
  choice.passphrase = passphrase;
  choice.no_passphrase = no_key_passphrase;
  keeper = ck_keeper_new (store);
  key = ck_keeper_generate_key (keeper, &choice, NULL, &id, &error);
  if (key == NULL)
    return ck_cli_fail (error);

  what = ck_key_spec_describe (&spec);
  /* Translators: "Generated ECDSA P-256 key 3 (stored encrypted), SPKI SHA-256 AB:…" */
  ck_cli_print_line (_("Generated %s key %lld (%s), SPKI SHA-256 %s"),
                     what, (long long) id,
                     no_key_passphrase ? _("stored without a passphrase") : _("stored encrypted"),
                     ck_private_key_get_spki_sha256 (key));
  return CK_CLI_EXIT_OK;
}

/* --- request ----------------------------------------------------------- */

/* Subject and SAN options, in command-line order: GOption calls the
 * callbacks in argv order, so the subject is encoded as written. */
typedef struct {
  char *oid;       /* NULL for a --subject string or a SAN */
  char *value;
  gboolean san;
} Edit;

static GPtrArray *pending_edits;

static void
edit_free (Edit *edit)
{
  g_free (edit->oid);
  g_free (edit->value);
  g_free (edit);
}

static const struct {
  const char *option;
  const char *oid;
} attribute_options[] = {
  { "--cn", CK_OID_CN }, { "--o", CK_OID_O }, { "--ou", CK_OID_OU }, { "--l", CK_OID_L },
  { "--st", CK_OID_ST }, { "--c", CK_OID_C }, { "--street", CK_OID_STREET },
  { "--postal-code", CK_OID_POSTAL_CODE }, { "--email", CK_OID_EMAIL },
  { "--organization-identifier", CK_OID_ORGANIZATION_IDENTIFIER }, { "--dc", CK_OID_DC },
  { "--uid", CK_OID_UID }, { "--title", CK_OID_TITLE }, { "--surname", CK_OID_SURNAME },
  { "--given-name", CK_OID_GIVEN_NAME }, { "--serial-number", CK_OID_SERIAL_NUMBER },
  { "--pseudonym", CK_OID_PSEUDONYM },
};

static gboolean
on_subject_option (const char *option_name,
                   const char *value,
                   gpointer    data,
                   GError    **error)
{
  Edit *edit = g_new0 (Edit, 1);

  edit->value = g_strdup (value);
  if (g_str_equal (option_name, "--san"))
    edit->san = TRUE;
  else if (g_str_equal (option_name, "--attribute"))
    {
      const char *eq = strchr (value, '=');

      if (eq == NULL)
        {
          edit_free (edit);
          g_set_error (error, G_OPTION_ERROR, G_OPTION_ERROR_BAD_VALUE,
                       _("--attribute takes OID=VALUE or NAME=VALUE, not “%s”"), value);
          return FALSE;
        }
      edit->oid = g_strndup (value, eq - value);
      g_free (edit->value);
      edit->value = g_strdup (eq + 1);
    }
  else if (!g_str_equal (option_name, "--subject"))
    for (gsize i = 0; i < G_N_ELEMENTS (attribute_options); i++)
      if (g_str_equal (option_name, attribute_options[i].option))
        edit->oid = g_strdup (attribute_options[i].oid);
  g_ptr_array_add (pending_edits, edit);
  return TRUE;
}

static gboolean
apply_edits (CkRequestBuilder *builder,
             GPtrArray        *edits,
             GError          **error)
{
  for (guint i = 0; i < edits->len; i++)
    {
      Edit *edit = edits->pdata[i];

      if (edit->san)
        {
          if (!ck_request_builder_add_san_string (builder, edit->value, error))
            return FALSE;
        }
      else if (edit->oid != NULL)
        {
          if (!ck_request_builder_add_attribute_by_name (builder, edit->oid, edit->value, error))
            return FALSE;
        }
      else if (!ck_request_builder_add_subject_string (builder, edit->value, error))
        return FALSE;
    }
  return TRUE;
}

typedef struct {
  char *key_ref;
  char *new_key;
  int bits;
  char *curve;
  char *label;
  char *password_file;
  char *key_passphrase_file;
  gboolean no_key_passphrase;
  char *key_usage;
  char **eku;
  char **critical;
  char **not_critical;
  gboolean ca;
  int path_len;
  char *challenge_file;
  char *profile;
  char *template;
  char *hash;
  gboolean pss;
  char *format;
  char *out;
  gboolean force;
} RequestOptions;

static void
request_options_clear (RequestOptions *o)
{
  g_free (o->key_ref);
  g_free (o->new_key);
  g_free (o->curve);
  g_free (o->label);
  g_free (o->password_file);
  g_free (o->key_passphrase_file);
  g_free (o->key_usage);
  g_strfreev (o->eku);
  g_strfreev (o->critical);
  g_strfreev (o->not_critical);
  g_free (o->challenge_file);
  g_free (o->profile);
  g_free (o->template);
  g_free (o->hash);
  g_free (o->format);
  g_free (o->out);
}

static gboolean
set_critical (CkRequestBuilder *builder,
              const char       *name,
              gboolean          critical,
              GError          **error)
{
  if (g_ascii_strcasecmp (name, "san") == 0 || g_ascii_strcasecmp (name, "subjectAltName") == 0)
    ck_request_builder_set_san_critical (builder, critical);
  else if (g_ascii_strcasecmp (name, "key-usage") == 0 || g_ascii_strcasecmp (name, "keyUsage") == 0)
    g_object_set (builder, "key-usage-critical", critical, NULL);
  else if (g_ascii_strcasecmp (name, "eku") == 0 ||
           g_ascii_strcasecmp (name, "extendedKeyUsage") == 0)
    g_object_set (builder, "extended-key-usage-critical", critical, NULL);
  else if (g_ascii_strcasecmp (name, "basic-constraints") == 0 ||
           g_ascii_strcasecmp (name, "basicConstraints") == 0)
    g_object_set (builder, "basic-constraints-critical", critical, NULL);
  else
    {
      g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                   _("Unknown extension “%s” for --critical: use san, key-usage, eku or "
                   "basic-constraints"), name);
      return FALSE;
    }
  return TRUE;
}

/* Everything the options say, on top of the template or profile. */
static gboolean
apply_options (CkRequestBuilder     *builder,
               const RequestOptions *o,
               GError              **error)
{
  if (!apply_edits (builder, pending_edits, error))
    return FALSE;

  if (o->key_usage != NULL)
    {
      guint usage = 0;
      gboolean critical = TRUE;

      if (!ck_key_usage_from_string (o->key_usage, &usage, error))
        return FALSE;
      ck_request_builder_get_key_usage (builder, &critical);
      ck_request_builder_set_key_usage (builder, usage, critical);
    }
  if (o->eku != NULL)
    {
      gboolean critical = FALSE;

      ck_request_builder_get_extended_key_usage (builder, &critical);
      ck_request_builder_set_extended_key_usage (builder, NULL, critical);
      for (guint i = 0; o->eku[i] != NULL; i++)
        {
          g_auto (GStrv) names = g_strsplit (o->eku[i], ",", -1);

          for (guint j = 0; names[j] != NULL; j++)
            if (*g_strstrip (names[j]) != '\0' &&
                !ck_request_builder_add_extended_key_usage (builder, names[j], error))
              return FALSE;
        }
    }
  if (o->ca || o->path_len >= 0)
    {
      gboolean critical = TRUE;

      ck_request_builder_get_basic_constraints (builder, NULL, NULL, &critical);
      ck_request_builder_set_basic_constraints (builder, TRUE, o->ca, o->path_len, critical);
    }
  for (guint i = 0; o->critical != NULL && o->critical[i] != NULL; i++)
    if (!set_critical (builder, o->critical[i], TRUE, error))
      return FALSE;
  for (guint i = 0; o->not_critical != NULL && o->not_critical[i] != NULL; i++)
    if (!set_critical (builder, o->not_critical[i], FALSE, error))
      return FALSE;

  if (o->hash != NULL)
    {
      gnutls_digest_algorithm_t hash;

      if (!ck_cli_parse_hash (o->hash, &hash, error))
        return FALSE;
      ck_request_builder_set_hash (builder, hash);
    }
  if (o->pss)
    ck_request_builder_set_pss (builder, TRUE);
  return TRUE;
}

void
ck_cli_print_findings (GPtrArray *findings)
{
  for (guint i = 0; i < findings->len; i++)
    {
      CkRequestFinding *finding = findings->pdata[i];

      if (finding->severity == CK_FINDING_ERROR)
        ck_cli_error (_("error: %s"), finding->message);
      else
        ck_cli_error (_("warning: %s"), finding->message);
    }
}

/* The keeper's sink: the request written inside the store transaction,
 * so that a file that cannot be written leaves the store as it was. */
static gboolean
write_request (CkRequest  *request,
               gpointer    user_data,
               GError    **error)
{
  g_autofree char *pem = ck_request_to_pem (request);

  return ck_cli_output_sink (ck_request_get_der (request), pem, user_data, error);
}

int
ck_cli_request (CkCli *cli,
                int    argc,
                char **argv)
{
  return ck_cli_request_run (cli, argc, argv, NULL);
}

/* `request`, and with @mode the commands that make something else from the
 * same choices (selfsign, in ck-cli-sign.c). */
int
ck_cli_request_run (CkCli                  *cli,
                    int                     argc,
                    char                  **argv,
                    const CkCliRequestMode *mode)
{
  RequestOptions o = { .path_len = -1 };
  const GOptionEntry entries[] = {
    { "key", 0, 0, G_OPTION_ARG_STRING, &o.key_ref, N_("The stored key, or a key on a token by its pkcs11: URI"), N_("ID|URI") },
    { "new-key", 0, 0, G_OPTION_ARG_STRING, &o.new_key,
      N_("Generate a new key (rsa, rsa-pss, ecdsa, ed25519, ed448) and store it"), N_("ALG") },
    { "bits", 0, 0, G_OPTION_ARG_INT, &o.bits, N_("RSA size for --new-key"), N_("N") },
    { "curve", 0, 0, G_OPTION_ARG_STRING, &o.curve, N_("ECDSA curve for --new-key"), N_("CURVE") },
    { "label", 0, 0, G_OPTION_ARG_STRING, &o.label, N_("Label of the new key"), N_("LABEL") },
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &o.password_file,
      N_("The store passphrase of the key (--key), first line of FILE"), N_("FILE") },
    { "key-passphrase-file", 0, 0, G_OPTION_ARG_FILENAME, &o.key_passphrase_file,
      N_("Encrypt the new key (--new-key) with the passphrase in FILE"), N_("FILE") },
    { "no-key-passphrase", 0, 0, G_OPTION_ARG_NONE, &o.no_key_passphrase,
      N_("Store the new key without a passphrase"), NULL },
    { "subject", 0, 0, G_OPTION_ARG_CALLBACK, on_subject_option,
      N_("Subject attributes in encoding order: \"CN=…, O=…, C=…\""), N_("DN") },
    { "cn", 0, 0, G_OPTION_ARG_CALLBACK, on_subject_option, N_("Common name"), N_("VALUE") },
    { "o", 0, 0, G_OPTION_ARG_CALLBACK, on_subject_option, N_("Organization"), N_("VALUE") },
    { "ou", 0, 0, G_OPTION_ARG_CALLBACK, on_subject_option, N_("Organizational unit (repeatable)"), N_("VALUE") },
    { "l", 0, 0, G_OPTION_ARG_CALLBACK, on_subject_option, N_("Locality"), N_("VALUE") },
    { "st", 0, 0, G_OPTION_ARG_CALLBACK, on_subject_option, N_("State or province"), N_("VALUE") },
    { "c", 0, 0, G_OPTION_ARG_CALLBACK, on_subject_option, N_("Country, ISO 3166 (CH, US…)"), N_("CC") },
    { "street", 0, 0, G_OPTION_ARG_CALLBACK, on_subject_option, N_("Street address"), N_("VALUE") },
    { "postal-code", 0, 0, G_OPTION_ARG_CALLBACK, on_subject_option, N_("Postal code"), N_("VALUE") },
    { "email", 0, 0, G_OPTION_ARG_CALLBACK, on_subject_option, N_("emailAddress in the subject"), N_("ADDRESS") },
    { "organization-identifier", 0, 0, G_OPTION_ARG_CALLBACK, on_subject_option,
      N_("organizationIdentifier (2.5.4.97), e.g. \"CHE-464.234.583 MWST\""), N_("VALUE") },
    { "dc", 0, 0, G_OPTION_ARG_CALLBACK, on_subject_option, N_("Domain component (repeatable)"), N_("VALUE") },
    { "uid", 0, 0, G_OPTION_ARG_CALLBACK, on_subject_option, N_("User id"), N_("VALUE") },
    { "title", 0, 0, G_OPTION_ARG_CALLBACK, on_subject_option, N_("Title"), N_("VALUE") },
    { "surname", 0, 0, G_OPTION_ARG_CALLBACK, on_subject_option, N_("Surname"), N_("VALUE") },
    { "given-name", 0, 0, G_OPTION_ARG_CALLBACK, on_subject_option, N_("Given name"), N_("VALUE") },
    { "serial-number", 0, 0, G_OPTION_ARG_CALLBACK, on_subject_option, N_("serialNumber attribute"), N_("VALUE") },
    { "pseudonym", 0, 0, G_OPTION_ARG_CALLBACK, on_subject_option, N_("Pseudonym"), N_("VALUE") },
    { "attribute", 0, 0, G_OPTION_ARG_CALLBACK, on_subject_option,
      N_("Any subject attribute (repeatable)"), N_("OID=VALUE") },
    { "san", 0, 0, G_OPTION_ARG_CALLBACK, on_subject_option,
      N_("Subject alternative name: DNS:…, IP:…, email:…, URI:…, UPN:… (repeatable)"), N_("NAME") },
    { "key-usage", 0, 0, G_OPTION_ARG_STRING, &o.key_usage,
      N_("Key usage bits, comma-separated (digitalSignature, keyEncipherment…)"), N_("LIST") },
    { "eku", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.eku,
      N_("Extended key usage: serverAuth, clientAuth, codeSigning, emailProtection, "
      "timeStamping, OCSPSigning, anyExtendedKeyUsage or OIDs (repeatable)"), N_("LIST") },
    { "critical", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.critical,
      N_("Mark san, key-usage, eku or basic-constraints critical (repeatable)"), N_("EXT") },
    { "not-critical", 0, 0, G_OPTION_ARG_STRING_ARRAY, &o.not_critical,
      N_("Mark an extension not critical (repeatable)"), N_("EXT") },
    { "ca", 0, 0, G_OPTION_ARG_NONE, &o.ca, N_("Request a CA certificate"), NULL },
    { "path-len", 0, 0, G_OPTION_ARG_INT, &o.path_len, N_("Path length limit for --ca"), N_("N") },
    { "challenge-password-file", 0, 0, G_OPTION_ARG_FILENAME, &o.challenge_file,
      N_("Challenge password, first line of FILE"), N_("FILE") },
    { "profile", 0, 0, G_OPTION_ARG_STRING, &o.profile,
      N_("tls-server, tls-client, code-signing, email, document-signing, xroad-signing, "
      "xroad-auth, sub-ca or custom"), N_("PROFILE") },
    { "template", 0, 0, G_OPTION_ARG_FILENAME, &o.template,
      N_("Start from a certtool template"), N_("FILE") },
    { "hash", 0, 0, G_OPTION_ARG_STRING, &o.hash, N_("sha256, sha384 or sha512"), N_("HASH") },
    { "pss", 0, 0, G_OPTION_ARG_NONE, &o.pss, N_("Sign with RSA-PSS"), NULL },
    { "format", 0, 0, G_OPTION_ARG_STRING, &o.format, N_("pem (default) or der"), N_("FORMAT") },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &o.out, N_("Write the request to FILE (- for standard output)"), N_("FILE") },
    { "force", 0, 0, G_OPTION_ARG_NONE, &o.force, N_("Replace FILE if it exists"), NULL },
    { NULL }
  };
  g_autoptr (GPtrArray) edits = g_ptr_array_new_with_free_func ((GDestroyNotify) edit_free);
  g_autofree GOptionEntry *all_entries = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (CkRequestBuilder) builder = NULL;
  g_autoptr (GPtrArray) findings = NULL;
  g_autoptr (GPtrArray) warnings = NULL;
  g_autoptr (CkPrivateKey) key = NULL;
  g_autoptr (CkRequest) request = NULL;
  CkRequestProfile profile = CK_REQUEST_PROFILE_CUSTOM;
  gnutls_pk_algorithm_t algo = GNUTLS_PK_UNKNOWN;
  guint key_bits = 0;
  CkKeySpec spec = { 0, };
  CkObjectKind kind = CK_OBJECT_NONE;
  g_autoptr (CkKeeper) keeper = NULL;
  g_autoptr (CkPassword) passphrase = NULL;
  CkKeeperKeyChoice choice = { 0, };
  CkKeeperRequestResult result = { 0, };
  CkCliOutput output = { 0, };
  CkStore *store;
  gint64 key_id = 0;
  int status = CK_CLI_EXIT_ERROR;

  pending_edits = edits;
  if (mode != NULL)
    {
      gsize n = G_N_ELEMENTS (entries) - 1, m = 0, k = 0;

      while (mode->entries[m].long_name != NULL)
        m++;
      all_entries = g_new0 (GOptionEntry, n + m + 1);
      for (gsize i = 0; i < n; i++)
        /* The mode writes something else: its own --format and --out. */
        if (!g_str_equal (entries[i].long_name, "format") &&
            !g_str_equal (entries[i].long_name, "out") &&
            !g_str_equal (entries[i].long_name, "force") &&
            !g_str_equal (entries[i].long_name, "challenge-password-file"))
          all_entries[k++] = entries[i];
      for (gsize i = 0; i < m; i++)
        all_entries[k++] = mode->entries[i];
      if (!ck_cli_parse_options (cli, "", mode->summary, mode->description,
                                 all_entries, &argc, &argv))
        {
          status = CK_CLI_EXIT_USAGE;
          goto out;
        }
    }
  else if (!ck_cli_parse_options (cli, "", N_("Makes a certificate signing request (PKCS#10)."),
                             N_("The request is for a stored key (--key ID) or a new one\n"
                             "(--new-key ALG, stored like 'keygen' stores it). The subject is\n"
                             "encoded in the order the options are given, first to last, as\n"
                             "'openssl req -text' shows it. --profile presets the extensions,\n"
                             "--template reads a certtool template; later options change them.\n"
                             "Errors found in the request are listed and nothing is made (exit\n"
                             "status 1); warnings go to standard error. The request is written\n"
                             "to standard output or --out, and kept in the store as pending."),
                             entries, &argc, &argv))
    {
      status = CK_CLI_EXIT_USAGE;
      goto out;
    }
  if (argc > 1)
    {
      status = ck_cli_usage_error (cli, _("Unexpected argument “%s”"), argv[1]);
      goto out;
    }
  output.format = o.format;
  output.out = o.out;
  output.force = o.force;
  if ((o.key_ref == NULL) == (o.new_key == NULL))
    {
      status = ck_cli_usage_error (cli, _("Give exactly one of --key ID and --new-key ALG"));
      goto out;
    }
  if (o.format != NULL && g_ascii_strcasecmp (o.format, "pem") != 0 &&
      g_ascii_strcasecmp (o.format, "der") != 0)
    {
      status = ck_cli_usage_error (cli, _("Unknown format “%s”: use pem or der"), o.format);
      goto out;
    }
  if (o.profile != NULL && mode == NULL && !ck_request_profile_from_string (o.profile, &profile))
    {
      status = ck_cli_usage_error (cli, _("Unknown profile “%s”"), o.profile);
      goto out;
    }
  if (o.template != NULL && o.profile != NULL)
    {
      status = ck_cli_usage_error (cli, _("--template and --profile cannot be used together"));
      goto out;
    }
  if (o.new_key != NULL && !parse_key_spec (o.new_key, o.bits, o.curve, &spec, &error))
    {
      status = ck_cli_usage_error (cli, "%s", error->message);
      goto out;
    }

  if (ck_cli_out_is_stdout (o.out) && o.format != NULL && g_ascii_strcasecmp (o.format, "der") == 0 &&
      isatty (STDOUT_FILENO))
    {
      status = ck_cli_error (_("refusing to write DER to a terminal: use --out FILE"));
      goto out;
    }

  store = ck_cli_open_store (cli, &error);
  if (store == NULL)
    {
      status = ck_cli_fail (error);
      goto out;
    }

  /* The key type first: profiles and templates depend on it. */
  if (o.key_ref != NULL && g_str_has_prefix (o.key_ref, "pkcs11:"))
    {
      /* A key on a token: recorded by its URI (once), signed there. */
      choice.source = CK_KEEPER_KEY_TOKEN;
      choice.uri = o.key_ref;
      key = ck_private_key_new_from_pkcs11_uri (o.key_ref, &error);
      if (key == NULL)
        {
          status = ck_cli_fail (error);
          goto out;
        }
      algo = ck_private_key_get_algorithm_id (key);
      key_bits = ck_private_key_get_bits (key);
    }
  else if (o.key_ref != NULL)
    {
      if (!ck_store_resolve (store, o.key_ref, &kind, &key_id, &error))
        {
          status = ck_cli_fail (error);
          goto out;
        }
      if (kind != CK_OBJECT_KEY)
        {
          status = ck_cli_error (_("%s is a %s, not a key"), o.key_ref, ck_object_kind_to_string (kind));
          goto out;
        }
      /* Unlocked here, at the prompt, with its retries. */
      key = ck_cli_load_stored_key (store, key_id, o.password_file);
      if (key == NULL)
        goto out;
      choice.source = CK_KEEPER_KEY_STORED;
      choice.key_id = key_id;
      algo = ck_private_key_get_algorithm_id (key);
      key_bits = ck_private_key_get_bits (key);
    }
  else
    {
      choice.source = CK_KEEPER_KEY_NEW;
      choice.spec = spec;
      choice.label = o.label;
      choice.no_passphrase = o.no_key_passphrase;
      algo = spec_algorithm (&spec);
      key_bits = spec.bits != 0 ? spec.bits : (algo == GNUTLS_PK_RSA || algo == GNUTLS_PK_RSA_PSS ? 3072 : 0);
    }
  choice.key = key;

  if (o.template != NULL)
    {
      /* A mode makes a certificate: read the template as certtool
       * --generate-certificate (--generate-self-signed) reads it. */
      builder = ck_template_load_file_for (o.template, algo,
                                           mode != NULL ? CK_TEMPLATE_CERTIFICATE
                                                        : CK_TEMPLATE_REQUEST,
                                           &warnings, &error);
      if (builder == NULL)
        {
          status = ck_cli_fail (error);
          goto out;
        }
      for (guint i = 0; i < warnings->len; i++)
        ck_cli_error (_("warning: %s"), (char *) warnings->pdata[i]);
    }
  else
    builder = ck_request_builder_new ();
  ck_request_builder_set_key_info (builder, algo, key_bits);
  if (o.profile != NULL && mode != NULL)
    {
      if (!mode->apply_profile (builder, o.profile, &error))
        {
          status = ck_cli_usage_error (cli, "%s", error->message);
          goto out;
        }
    }
  else if (o.profile != NULL)
    ck_request_builder_apply_profile (builder, profile);

  if (!apply_options (builder, &o, &error))
    {
      status = ck_cli_fail (error);
      goto out;
    }
  if (o.challenge_file != NULL)
    {
      g_autoptr (CkPassword) challenge = ck_cli_read_password_file (o.challenge_file, &error);

      if (challenge == NULL)
        {
          status = ck_cli_fail (error);
          goto out;
        }
      ck_request_builder_set_challenge_password (builder, challenge);
    }

  if (mode != NULL)
    {
      /* Judged as what it becomes, before a new key is made for it. */
      if (mode->check != NULL && !mode->check (builder, mode->data))
        goto out;
    }
  else
    {
      findings = ck_request_builder_check (builder);
      ck_cli_print_findings (findings);
      if (ck_request_findings_have_errors (findings))
        {
          status = ck_cli_error (_("the request has errors; nothing was made"));
          goto out;
        }
    }

  if (choice.source == CK_KEEPER_KEY_NEW)
    {
      if (!ask_new_key_passphrase (store, o.key_passphrase_file, o.no_key_passphrase, &passphrase))
        goto out;
      choice.passphrase = passphrase;
      say_generating (&spec);
    }

  keeper = ck_keeper_new (store);
  if (mode != NULL)
    {
      status = mode->finish (cli, keeper, builder, &choice, mode->data);
      goto out;
    }
  request = ck_keeper_create_request (keeper, builder, &choice, write_request, &output,
                                      NULL, &result, &error);
  if (request == NULL)
    {
      status = ck_cli_fail (error);
      goto out;
    }
  status = CK_CLI_EXIT_OK;
  if (result.key_added && choice.source == CK_KEEPER_KEY_NEW)
    fprintf (stderr, _("Generated and stored key %lld\n"), (long long) result.key_id);
  if (result.request_existed)
    fprintf (stderr, "This request is already in the store as request %" G_GINT64_FORMAT "\n",
             result.request_id);
  if (!ck_cli_out_is_stdout (o.out))
    ck_cli_print_line ("Request %" G_GINT64_FORMAT " for key %" G_GINT64_FORMAT " (%s) written to %s; "
                       "pending until its certificate is imported",
                       result.request_id, result.key_id, ck_request_get_subject (request), o.out);
  else
    fprintf (stderr, "Request %" G_GINT64_FORMAT " for key %" G_GINT64_FORMAT " stored as pending\n",
             result.request_id, result.key_id);

out:
  pending_edits = NULL;
  request_options_clear (&o);
  return status;
}

/* --- renew ------------------------------------------------------------- */

/* The key a renewal is signed with, as the keeper chooses it: its own
 * (--reuse-key; an encrypted stored key unlocked here, at the prompt, with
 * its retries), or a new one like it in the same place (the store, or the
 * old key's token, logged in here). FALSE after printing the error. */
static gboolean
choose_renewal_key (CkCli             *cli,
                    CkStore           *store,
                    CkRenewal         *renewal,
                    gboolean           reuse_key,
                    const char        *password_file,
                    const char        *label,
                    CkKeeperKeyChoice *choice,
                    CkToken          **token,
                    CkPrivateKey     **key)
{
  g_autoptr (GError) error = NULL;
  const char *token_key_uri = ck_renewal_get_token_key_uri (renewal);

  if (!reuse_key && token_key_uri != NULL)
    {
      g_autoptr (CkToken) found = ck_token_lookup_for_object (token_key_uri, &error);

      if (found == NULL ||
          (*token = ck_cli_token_open (cli, ck_token_get_uri (found), &error)) == NULL)
        {
          ck_cli_fail (error);
          return FALSE;
        }
    }
  if (!ck_renewal_choose_key (renewal, reuse_key, *token, choice, &error))
    {
      ck_cli_fail (error);
      return FALSE;
    }
  if (choice->source == CK_KEEPER_KEY_STORED && ck_renewal_key_is_encrypted (renewal))
    {
      *key = ck_cli_load_stored_key (store, choice->key_id, password_file);
      if (*key == NULL)
        return FALSE;
      choice->key = *key;
    }
  if (label != NULL)
    choice->label = label;
  return TRUE;
}

int
ck_cli_renew (CkCli *cli,
              int    argc,
              char **argv)
{
  gboolean reuse_key = FALSE;
  gboolean force = FALSE;
  gboolean no_key_passphrase = FALSE;
  g_autofree char *out = NULL;
  g_autofree char *format = NULL;
  g_autofree char *label = NULL;
  g_autofree char *password_file = NULL;
  g_autofree char *key_passphrase_file = NULL;
  const GOptionEntry entries[] = {
    { "reuse-key", 0, 0, G_OPTION_ARG_NONE, &reuse_key,
      N_("Sign with the certificate's own key (in the store or on its token) instead of a new one"),
      NULL },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, N_("Write the request to FILE"), N_("FILE") },
    { "force", 0, 0, G_OPTION_ARG_NONE, &force, N_("Replace FILE when it exists"), NULL },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format, N_("pem (default) or der"), N_("FORMAT") },
    { "label", 0, 0, G_OPTION_ARG_STRING, &label, N_("Label of the new key"), N_("LABEL") },
    { "password-file", 0, 0, G_OPTION_ARG_FILENAME, &password_file,
      N_("With --reuse-key: the store passphrase of the key, from the first line of FILE"),
      N_("FILE") },
    { "key-passphrase-file", 0, 0, G_OPTION_ARG_FILENAME, &key_passphrase_file,
      N_("Protect the new key with the first line of FILE"), N_("FILE") },
    { "no-key-passphrase", 0, 0, G_OPTION_ARG_NONE, &no_key_passphrase,
      N_("Store the new key without a passphrase"), NULL },
    { NULL }
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (CkRenewal) renewal = NULL;
  g_autoptr (CkPrivateKey) key = NULL;
  g_autoptr (CkToken) token = NULL;
  g_autoptr (CkKeeper) keeper = NULL;
  g_autoptr (CkRequest) request = NULL;
  g_autoptr (GPtrArray) findings = NULL;
  g_autoptr (CkPassword) passphrase = NULL;
  CkKeeperKeyChoice choice = { 0, };
  CkKeeperRequestResult result = { 0, };
  CkCliOutput output = { 0, };
  CkObjectKind kind;
  CkStore *store;
  gint64 id;

  if (!ck_cli_parse_options (cli, N_("ID"),
                             N_("Makes the request that renews a certificate."),
                             N_("The request asks for the certificate's subject, SANs, key usage,\n"
                                "extended key usage, basic constraints and TLS features again, for\n"
                                "a new key of the same type and size, in the same place (the store,\n"
                                "as by 'keygen', or the token of the old key, --pin-file or the\n"
                                "prompt) or, with --reuse-key, for the same key. What its CA added (key ids,\n"
                                "CRL and OCSP locations, policies) is not asked for. The request\n"
                                "is written to standard output or --out and kept as pending, linked\n"
                                "to the certificate it renews: once its certificate is imported,\n"
                                "'check' counts the old one as renewed and no longer warns about it."),
                             entries, &argc, &argv))
    return CK_CLI_EXIT_USAGE;
  if (argc < 2)
    return ck_cli_usage_error (cli, _("Missing certificate ID"));
  if (argc > 2)
    return ck_cli_usage_error (cli, _("Unexpected argument “%s”"), argv[2]);
  if (format != NULL && g_ascii_strcasecmp (format, "pem") != 0 &&
      g_ascii_strcasecmp (format, "der") != 0)
    return ck_cli_usage_error (cli, _("Unknown format “%s”: use pem or der"), format);
  if (reuse_key && (key_passphrase_file != NULL || no_key_passphrase || label != NULL))
    return ck_cli_usage_error (cli, _("--reuse-key makes no new key: --key-passphrase-file, "
                                      "--no-key-passphrase and --label do not apply"));
  if (key_passphrase_file != NULL && no_key_passphrase)
    return ck_cli_usage_error (cli, _("--key-passphrase-file and --no-key-passphrase cannot "
                                      "be used together"));

  store = ck_cli_open_store (cli, &error);
  if (store == NULL || !ck_store_resolve (store, argv[1], &kind, &id, &error))
    return ck_cli_fail (error);
  if (kind != CK_OBJECT_CERTIFICATE)
    return ck_cli_error (_("%s is a %s, not a certificate"), argv[1], ck_object_kind_to_string (kind));
  keeper = ck_keeper_new (store);
  renewal = ck_keeper_plan_renewal (keeper, id, &error);
  if (renewal == NULL)
    return ck_cli_fail (error);
  if (!choose_renewal_key (cli, store, renewal, reuse_key, password_file, label, &choice,
                           &token, &key))
    return CK_CLI_EXIT_ERROR;
  if (key != NULL)
    ck_request_builder_set_key_info (ck_renewal_get_builder (renewal),
                                     ck_private_key_get_algorithm_id (key),
                                     ck_private_key_get_bits (key));

  findings = ck_request_builder_check (ck_renewal_get_builder (renewal));
  ck_cli_print_findings (findings);
  if (ck_request_findings_have_errors (findings))
    return ck_cli_error (_("the request has errors; nothing was made"));

  if (choice.source == CK_KEEPER_KEY_NEW)
    {
      if (!ask_new_key_passphrase (store, key_passphrase_file, no_key_passphrase, &passphrase))
        return CK_CLI_EXIT_ERROR;
      choice.passphrase = passphrase;
      choice.no_passphrase = no_key_passphrase;
    }
  if (choice.source == CK_KEEPER_KEY_NEW || choice.source == CK_KEEPER_KEY_TOKEN_NEW)
    say_generating (ck_renewal_get_key_spec (renewal));

  output.format = format;
  output.out = out;
  output.force = force;
  request = ck_keeper_renew (keeper, renewal, &choice, write_request, &output,
                             NULL, &result, &error);
  if (request == NULL)
    return ck_cli_fail (error);
  if (result.key_added)
    fprintf (stderr, _("Generated and stored key %lld\n"), (long long) result.key_id);
  fprintf (stderr, _("Request %lld renewing certificate %lld, for key %lld, stored as pending\n"),
           (long long) result.request_id, (long long) id, (long long) result.key_id);
  return CK_CLI_EXIT_OK;
}

/* --- requests ---------------------------------------------------------- */

int
ck_cli_requests (CkCli *cli,
                 int    argc,
                 char **argv)
{
  gboolean json_output = FALSE;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json_output, N_("Write a JSON array"), NULL },
    { NULL }
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (CkJsonWriter) json = NULL;
  GListModel *model;
  CkStore *store;
  guint n;

  if (!ck_cli_parse_options (cli, "", N_("Lists the certificate signing requests in the store."),
                             N_("Each request is pending until a certificate for its key is\n"
                             "imported, then issued and linked to that certificate."),
                             entries, &argc, &argv))
    return CK_CLI_EXIT_USAGE;
  if (argc > 1)
    return ck_cli_usage_error (cli, _("Unexpected argument “%s”"), argv[1]);

  store = ck_cli_open_store (cli, &error);
  if (store == NULL)
    return ck_cli_fail (error);
  model = ck_store_get_requests (store);
  n = g_list_model_get_n_items (model);

  if (json_output)
    {
      json = ck_json_writer_new ();
      ck_json_writer_begin_array (json);
    }
  else if (n > 0)
    ck_cli_print_line ("%-5s %-8s %-6s %-11s %-16s %s", "ID", "STATUS", "KEY", "CERTIFICATE",
                       "PROFILE", "SUBJECT");
  for (guint i = 0; i < n; i++)
    {
      g_autoptr (CkStoredRequest) row = g_list_model_get_item (model, i);
      gint64 key_id = ck_store_find_key (store, ck_stored_request_get_spki_sha256 (row));
      gint64 cert_id = ck_stored_request_get_certificate_id (row);
      const char *profile = ck_stored_request_get_profile (row);

      if (json != NULL)
        {
          ck_json_writer_begin_object (json);
          ck_json_writer_int_member (json, "id", ck_stored_request_get_id (row));
          ck_json_writer_string_member (json, "status",
                                        ck_request_status_to_string (ck_stored_request_get_status (row)));
          ck_json_writer_string_member (json, "subject", ck_stored_request_get_subject (row));
          ck_json_writer_string_member (json, "display_name", ck_stored_request_get_display_name (row));
          ck_json_writer_id_member (json, "key_id", key_id);
          ck_json_writer_id_member (json, "certificate_id", cert_id);
          ck_json_writer_string_member (json, "profile", profile);
          ck_json_writer_string_member (json, "sha256", ck_stored_request_get_sha256 (row));
          ck_json_writer_string_member (json, "spki_sha256", ck_stored_request_get_spki_sha256 (row));
          ck_json_writer_end_object (json);
        }
      else
        {
          g_autofree char *key_text = key_id > 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, key_id) : g_strdup ("-");
          g_autofree char *cert_text = cert_id > 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, cert_id) : g_strdup ("-");

          ck_cli_print_line ("%-5" G_GINT64_FORMAT " %-8s %-6s %-11s %-16s %s",
                             ck_stored_request_get_id (row),
                             ck_request_status_to_string (ck_stored_request_get_status (row)),
                             key_text, cert_text, profile != NULL ? profile : "-",
                             ck_stored_request_get_subject (row));
        }
    }
  if (json != NULL)
    return ck_cli_write_json_array (json);
  else if (n == 0)
    ck_cli_print_line (_("No requests in the store"));
  return CK_CLI_EXIT_OK;
}

/* --- template export --------------------------------------------------- */

int
ck_cli_template (CkCli *cli,
                 int    argc,
                 char **argv)
{
  g_autofree char *profile_name = NULL;
  g_autofree char *out = NULL;
  gboolean force = FALSE;
  const GOptionEntry entries[] = {
    { "profile", 0, 0, G_OPTION_ARG_STRING, &profile_name,
      N_("Write the template of a profile instead of a stored request"), N_("PROFILE") },
    { "out", 0, 0, G_OPTION_ARG_FILENAME, &out, N_("Write to FILE (- for standard output)"), N_("FILE") },
    { "force", 0, 0, G_OPTION_ARG_NONE, &force, N_("Replace FILE if it exists"), NULL },
    { NULL }
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (CkRequestBuilder) builder = NULL;
  g_autoptr (GPtrArray) warnings = NULL;
  g_autofree char *text = NULL;
  CkRequestProfile profile;

  if (!ck_cli_parse_options (cli, N_("export [ID]"), N_("Writes a certtool template."),
                             N_("'template export ID' writes the template of a stored request;\n"
                             "'template export --profile PROFILE' the one of a profile. What\n"
                             "certtool cannot express is noted in the template and on\n"
                             "standard error."),
                             entries, &argc, &argv))
    return CK_CLI_EXIT_USAGE;
  if (argc < 2 || !g_str_equal (argv[1], "export"))
    return ck_cli_usage_error (cli, _("Use 'template export ID' or 'template export --profile PROFILE'"));
  if ((argc > 2) == (profile_name != NULL) || argc > 3)
    return ck_cli_usage_error (cli, _("Give either a request ID or --profile PROFILE"));

  if (profile_name != NULL)
    {
      if (!ck_request_profile_from_string (profile_name, &profile))
        return ck_cli_usage_error (cli, _("Unknown profile “%s”"), profile_name);
      builder = ck_request_builder_new ();
      ck_request_builder_apply_profile (builder, profile);
    }
  else
    {
      CkStore *store = ck_cli_open_store (cli, &error);
      g_autoptr (CkRequest) request = NULL;
      CkObjectKind kind = CK_OBJECT_NONE;
      gint64 id = 0;

      if (store == NULL)
        return ck_cli_fail (error);
      if (!ck_store_resolve (store, argv[2], &kind, &id, &error))
        return ck_cli_fail (error);
      if (kind != CK_OBJECT_REQUEST)
        return ck_cli_error (_("%s is a %s, not a request"), argv[2], ck_object_kind_to_string (kind));
      request = ck_store_load_request (store, id, &error);
      if (request == NULL)
        return ck_cli_fail (error);
      builder = ck_request_builder_new_from_request (request);
    }

  text = ck_template_from_builder (builder, &warnings);
  for (guint i = 0; i < warnings->len; i++)
    ck_cli_error (_("note: %s"), (char *) warnings->pdata[i]);
  if (!ck_cli_write_out (out, force, text, strlen (text), CK_WRITE_NONE, &error))
    return ck_cli_fail (error);
  if (ck_cli_out_is_stdout (out))
    return CK_CLI_EXIT_OK;
  ck_cli_print_line (_("Wrote the template to %s"), out);
  return CK_CLI_EXIT_OK;
}
