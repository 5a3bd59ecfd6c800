/* SPDX-License-Identifier: GPL-3.0-or-later */
/* certkeeper-cli passphrase: changes the store passphrase. The old one is
 * checked first; every sealed key is then re-sealed under a key derived
 * from the new one, in one transaction (ck_key_vault_change_passphrase()).
 * Both come from files or the terminal, never from argv. */
#include <glib/gi18n.h>

#include "ck-cli.h"
#include "ck-cli-password.h"

static gboolean
count_keys (guint    done,
            guint    total,
            gpointer user_data)
{
  *(guint *) user_data = total;
  return TRUE;
}

/* The current passphrase, checked against the vault (so a typo at the
 * prompt is asked again); NULL after printing why. */
static CkPassword *
get_old_passphrase (CkKeyVault *vault,
                    const char *file)
{
  g_autoptr (GError) error = NULL;
  CkPassword *password;

  if (file != NULL)
    {
      password = ck_cli_read_password_file (file, &error);
      if (password == NULL)
        return ck_cli_fail (error), NULL;
      if (!ck_key_vault_unlock (vault, password, &error))
        {
          ck_cli_password_free (password);
          if (g_error_matches (error, CK_ERROR, CK_ERROR_BAD_PASSWORD))
            ck_cli_error (_("wrong store passphrase (from %s); nothing changed"), file);
          else
            ck_cli_fail (error);
          return NULL;
        }
      return password;
    }
  if (!ck_cli_can_prompt ())
    {
      ck_cli_error (_("give the current store passphrase with --old-passphrase-file FILE"));
      return NULL;
    }
  for (guint attempt = 0; attempt < CK_CLI_PROMPT_ATTEMPTS; attempt++)
    {
      password = ck_cli_prompt_password ("Current store passphrase: ", &error);
      if (password == NULL)
        return ck_cli_fail (error), NULL;
      if (ck_key_vault_unlock (vault, password, &error))
        return password;
      ck_cli_password_free (password);
      if (!g_error_matches (error, CK_ERROR, CK_ERROR_BAD_PASSWORD))
        return ck_cli_fail (error), NULL;
      g_clear_error (&error);
      fputs (_("Wrong store passphrase; try again.\n"), stderr);
    }
  ck_cli_error (_("wrong store passphrase after %d attempts; nothing changed"),
                CK_CLI_PROMPT_ATTEMPTS);
  return NULL;
}

int
ck_cli_passphrase (CkCli *cli,
                   int    argc,
                   char **argv)
{
  g_autofree char *old_file = NULL;
  g_autofree char *new_file = NULL;
  g_autoptr (GError) error = NULL;
  g_autoptr (CkPassword) old_passphrase = NULL;
  g_autoptr (CkPassword) new_passphrase = NULL;
  const GOptionEntry entries[] = {
    { "old-passphrase-file", 0, 0, G_OPTION_ARG_FILENAME, &old_file,
      N_("The current store passphrase, first line of FILE"), N_("FILE") },
    { "new-passphrase-file", 0, 0, G_OPTION_ARG_FILENAME, &new_file,
      N_("The new store passphrase, first line of FILE"), N_("FILE") },
    { NULL }
  };
  CkStore *store;
  CkKeyVault *vault;
  gboolean is_new;
  guint n_keys = 0, n_kept = 0;

  if (!ck_cli_parse_options (cli, NULL, N_("Changes the store passphrase."),
                             N_("Every private key kept encrypted in the store is re-sealed\n"
                               "under the new passphrase in one step: if anything fails, the\n"
                               "old passphrase still opens every key. The passphrases come from\n"
                               "--old-passphrase-file and --new-passphrase-file, or the prompt\n"
                               "(the new one typed twice); never from the command line. A store\n"
                               "without a passphrase yet needs only the new one.\n"
                               "\n"
                               "Exported files keep the passphrase they were written with."),
                             entries, &argc, &argv))
    return CK_CLI_EXIT_USAGE;
  if (argc > 1)
    return ck_cli_usage_error (cli, _("passphrase takes no arguments"));

  store = ck_cli_open_store (cli, &error);
  if (store == NULL)
    return ck_cli_fail (error);
  vault = ck_key_vault_get (store);
  is_new = ck_key_vault_get_state (vault) == CK_KEY_VAULT_NEW;
  if (!is_new)
    {
      old_passphrase = get_old_passphrase (vault, old_file);
      if (old_passphrase == NULL)
        return CK_CLI_EXIT_ERROR;
    }
  if (new_file == NULL && !ck_cli_can_prompt ())
    return ck_cli_error (_("give the new store passphrase with --new-passphrase-file FILE"));
  new_passphrase = ck_cli_get_new_passphrase (new_file, "the new store passphrase", NULL, &error);
  if (new_passphrase == NULL)
    return ck_cli_fail (error);

  if (!ck_key_vault_change_passphrase (vault, old_passphrase, new_passphrase,
                                       count_keys, &n_keys, &n_kept, &error))
    return ck_cli_fail (error);

  if (is_new)
    ck_cli_print_line (_("Store passphrase set"));
  else
    ck_cli_print_line (g_dngettext (NULL, "Store passphrase changed; %u key re-sealed under it",
                                    "Store passphrase changed; %u keys re-sealed under it",
                                    n_keys), n_keys);
  if (n_kept > 0)
    ck_cli_print_line (g_dngettext (NULL,
                                    "%u key from an earlier version keeps a passphrase of its "
                                    "own; it moves to the store passphrase when it is next used",
                                    "%u keys from an earlier version keep a passphrase of their "
                                    "own; each moves to the store passphrase when it is next used",
                                    n_kept), n_kept);
  return CK_CLI_EXIT_OK;
}
