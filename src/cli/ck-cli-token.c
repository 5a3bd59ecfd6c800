/* SPDX-License-Identifier: GPL-3.0-or-later */
/* `tokens`, `keygen --token` and the PIN handling for PKCS#11 tokens. */
#include <gnutls/gnutls.h>
#include <gnutls/pkcs11.h>
#include <string.h>

#include <glib/gi18n.h>

#include "ck-cli.h"
#include "ck-cli-password.h"
#include "ck-json-writer.h"

/* The PIN for @label: the first line of --pin-file, else asked at the
 * terminal. Never from argv. */
static char *
get_pin (CkCli       *cli,
         const char  *label,
         GError     **error)
{
  g_autofree char *prompt = NULL;

  if (cli->pin_file != NULL)
    return ck_cli_read_password_file (cli->pin_file, error);
  if (!ck_cli_can_prompt ())
    {
      g_set_error (error, CK_ERROR, CK_ERROR_PASSWORD_REQUIRED,
                   _("Token “%s” needs a PIN: use --pin-file FILE or run on a terminal"), label);
      return NULL;
    }
  prompt = g_strdup_printf ("PIN for token “%s”: ", label);
  return ck_cli_prompt_password (prompt, error);
}

/* GnuTLS asks when an operation (signing on the token, writing to it)
 * finds the token logged out. One PIN per request: a wrong one is never
 * tried again behind the user's back. */
static int
pin_function (void         *userdata,
              int           attempt,
              const char   *token_url,
              const char   *token_label,
              unsigned int  flags,
              char         *pin,
              size_t        pin_max)
{
  CkCli *cli = userdata;
  g_autoptr (GError) error = NULL;
  g_autoptr (CkPassword) value = NULL;

  if (attempt > 0 || (flags & GNUTLS_PIN_SO))
    return -1;
  value = get_pin (cli, token_label, &error);
  if (value == NULL)
    {
      ck_cli_fail (error);
      return -1;
    }
  if (strlen (value) >= pin_max)
    return -1;
  g_strlcpy (pin, value, pin_max);
  return 0;
}

void
ck_cli_token_install_pin_function (CkCli *cli)
{
  gnutls_pkcs11_set_pin_function (pin_function, cli);
}

/* As the PIN dialog does it: the token's state read first, a locked PIN
 * refused without asking, a PIN count low or final try said before the
 * prompt, then one try through the keeper. */
static gboolean
login (CkCli    *cli,
       CkToken  *token,
       GError  **error)
{
  g_autoptr (CkKeeper) keeper = NULL;
  g_autoptr (CkPassword) pin = NULL;
  CkPinFlags flags;

  if (!ck_token_needs_login (token) || ck_token_is_logged_in (token))
    return TRUE;
  if (!ck_token_refresh (token, error))
    return FALSE;
  flags = ck_token_get_pin_flags (token);
  if (flags & CK_PIN_FLAGS_LOCKED)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_BAD_PASSWORD, _("Token “%s”: %s"),
                   ck_token_get_label (token), ck_pin_flags_get_advice (flags));
      return FALSE;
    }
  if (flags != CK_PIN_FLAGS_NONE)
    ck_cli_error (_("warning: token “%s”: %s"), ck_token_get_label (token),
                  ck_pin_flags_get_advice (flags));
  if (!ck_token_has_protected_path (token))
    {
      pin = get_pin (cli, ck_token_get_label (token), error);
      if (pin == NULL)
        return FALSE;
    }
  else
    fprintf (stderr, "Enter the PIN on the device of token “%s”\n", ck_token_get_label (token));
  keeper = ck_keeper_new (NULL);
  return ck_keeper_token_login (keeper, token, pin, NULL, error);
}

static void
write_token_json (CkJsonWriter *json,
                  CkToken      *token,
                  GPtrArray    *objects)
{
  ck_json_writer_begin_object (json);
  ck_json_writer_string_member (json, "uri", ck_token_get_uri (token));
  ck_json_writer_string_member (json, "label", ck_token_get_label (token));
  ck_json_writer_string_member (json, "manufacturer", ck_token_get_manufacturer (token));
  ck_json_writer_string_member (json, "model", ck_token_get_model (token));
  ck_json_writer_string_member (json, "serial", ck_token_get_serial (token));
  ck_json_writer_string_member (json, "module", ck_token_get_module_name (token));
  ck_json_writer_boolean_member (json, "initialized", ck_token_is_initialized (token));
  ck_json_writer_boolean_member (json, "login_required", ck_token_needs_login (token));
  ck_json_writer_boolean_member (json, "protected_authentication_path", ck_token_has_protected_path (token));
  ck_json_writer_boolean_member (json, "read_only", ck_token_is_read_only (token));
  ck_json_writer_boolean_member (json, "system_trust", ck_token_is_system_trust (token));
  ck_json_writer_boolean_member (json, "user_pin_count_low",
                                 (ck_token_get_pin_flags (token) & CK_PIN_FLAGS_COUNT_LOW) != 0);
  ck_json_writer_boolean_member (json, "user_pin_final_try",
                                 (ck_token_get_pin_flags (token) & CK_PIN_FLAGS_FINAL_TRY) != 0);
  ck_json_writer_boolean_member (json, "user_pin_locked",
                                 (ck_token_get_pin_flags (token) & CK_PIN_FLAGS_LOCKED) != 0);
  if (objects != NULL)
    {
      ck_json_writer_member (json, "objects");
      ck_json_writer_begin_array (json);
      for (guint i = 0; i < objects->len; i++)
        {
          CkTokenObject *object = objects->pdata[i];

          ck_json_writer_begin_object (json);
          ck_json_writer_string_member (json, "kind", object->kind);
          ck_json_writer_string_member (json, "label", object->label);
          ck_json_writer_string_member (json, "id", object->id_hex);
          ck_json_writer_string_member (json, "uri", object->uri);
          ck_json_writer_end_object (json);
        }
      ck_json_writer_end_array (json);
    }
  ck_json_writer_end_object (json);
}

static void
print_token (CkToken   *token,
             GPtrArray *objects)
{
  g_autofree char *state = ck_token_describe_state (token);

  ck_cli_print_line ("%s", ck_token_get_label (token));
  ck_cli_print_line ("  URI:          %s", ck_token_get_uri (token));
  ck_cli_print_line ("  Manufacturer: %s", ck_token_get_manufacturer (token));
  ck_cli_print_line ("  Model:        %s", ck_token_get_model (token));
  ck_cli_print_line ("  Serial:       %s", ck_token_get_serial (token));
  ck_cli_print_line ("  Module:       %s", ck_token_get_module_name (token) ? ck_token_get_module_name (token) : "-");
  ck_cli_print_line ("  State:        %s", state);
  for (guint i = 0; objects != NULL && i < objects->len; i++)
    {
      CkTokenObject *object = objects->pdata[i];

      ck_cli_print_line ("  %-12s  %-24s id=%s", object->kind, object->label,
                         *object->id_hex ? object->id_hex : "-");
    }
}

int
ck_cli_tokens (CkCli *cli,
               int    argc,
               char **argv)
{
  gboolean json_output = FALSE;
  g_autofree char *objects_of = NULL;
  const GOptionEntry entries[] = {
    { "json", 0, 0, G_OPTION_ARG_NONE, &json_output, N_("Write a JSON array"), NULL },
    { "objects", 0, 0, G_OPTION_ARG_STRING, &objects_of,
      N_("Also list the keys and certificates on the token URI (logs in with --pin-file or a prompt)"),
      N_("URI") },
    { NULL }
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) tokens = NULL;
  g_autoptr (CkJsonWriter) json = NULL;

  if (!ck_cli_parse_options (cli, "", N_("List the PKCS#11 tokens p11-kit knows about"),
                             N_("Modules come from p11-kit's registry (the .module files of the\n"
                             "system and the user). Keys and certificates on a token stay there."),
                             entries, &argc, &argv))
    return CK_CLI_EXIT_USAGE;
  if (argc > 1)
    return ck_cli_usage_error (cli, _("Unexpected argument “%s”"), argv[1]);

  if (objects_of != NULL)
    {
      CkToken *token = ck_token_lookup (objects_of, &error);

      if (token == NULL)
        return ck_cli_fail (error);
      tokens = g_ptr_array_new_with_free_func (g_object_unref);
      g_ptr_array_add (tokens, token);
      if (!login (cli, token, &error))
        return ck_cli_fail (error);
    }
  else
    {
      tokens = ck_token_list_all (&error);
      if (tokens == NULL)
        return ck_cli_fail (error);
    }

  if (json_output)
    {
      json = ck_json_writer_new ();
      ck_json_writer_begin_array (json);
    }
  for (guint i = 0; i < tokens->len; i++)
    {
      g_autoptr (GPtrArray) objects = NULL;

      if (objects_of != NULL)
        {
          objects = ck_token_list_objects (tokens->pdata[i], &error);
          if (objects == NULL)
            return ck_cli_fail (error);
        }
      if (json != NULL)
        write_token_json (json, tokens->pdata[i], objects);
      else
        print_token (tokens->pdata[i], objects);
    }
  if (json != NULL)
    return ck_cli_write_json_array (json);
  else if (tokens->len == 0)
    ck_cli_print_line (_("No PKCS#11 tokens"));
  return CK_CLI_EXIT_OK;
}

int
ck_cli_token_keygen (CkCli           *cli,
                     const char      *token_uri,
                     const CkKeySpec *spec,
                     const char      *label,
                     const char      *id_hex,
                     gboolean         extractable)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (CkToken) token = NULL;
  g_autoptr (CkPrivateKey) key = NULL;
  g_autoptr (GBytes) id = NULL;
  g_autoptr (CkKeeper) keeper = NULL;
  CkStore *store;
  CkKeeperKeyChoice choice = {
    .source = CK_KEEPER_KEY_TOKEN_NEW, .spec = *spec, .label = label, .extractable = extractable,
  };
  gint64 key_id = 0;

  if (label == NULL)
    return ck_cli_usage_error (cli, _("--token needs --label: the key's name on the token"));
  if (id_hex != NULL)
    {
      id = ck_token_id_from_hex (id_hex, NULL);
      if (id == NULL)
        return ck_cli_usage_error (cli, _("--id takes hex digits, not “%s”"), id_hex);
      choice.token_id = id;
    }

  store = ck_cli_open_store (cli, &error);
  if (store == NULL)
    return ck_cli_fail (error);
  token = ck_token_lookup (token_uri, &error);
  if (token == NULL || !login (cli, token, &error))
    return ck_cli_fail (error);
  /* The store keeps the URI only; the key stays on the token (and goes
   * again when it cannot be recorded). */
  choice.token = token;
  keeper = ck_keeper_new (store);
  key = ck_keeper_generate_key (keeper, &choice, NULL, &key_id, &error);
  if (key == NULL)
    return ck_cli_fail (error);
  ck_cli_print_line (_("Generated key %lld on token “%s”: %s"),
                     (long long) key_id, ck_token_get_label (token), ck_private_key_get_pkcs11_uri (key));
  ck_cli_print_line ("SPKI SHA-256: %s", ck_private_key_get_spki_sha256 (key));
  return CK_CLI_EXIT_OK;
}

CkToken *
ck_cli_token_open (CkCli       *cli,
                   const char  *token_uri,
                   GError     **error)
{
  g_autoptr (CkToken) token = ck_token_lookup (token_uri, error);

  if (token == NULL || !login (cli, token, error))
    return NULL;
  return g_steal_pointer (&token);
}
