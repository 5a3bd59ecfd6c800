/* SPDX-License-Identifier: GPL-3.0-or-later */
/* certkeeper-cli label: renames a certificate or key, through the keeper
 * as the window's Rename does. */
#include <glib/gi18n.h>

#include "ck-cli.h"
#include "ck-cli-describe.h"

int
ck_cli_label (CkCli *cli,
              int    argc,
              char **argv)
{
  g_autoptr (GError) error = NULL;
  CkStore *store = NULL;   /* owned by @cli */
  g_autoptr (CkKeeper) keeper = NULL;
  g_autofree char *before = NULL;
  g_autofree char *stripped = NULL;
  gboolean clear = FALSE;
  CkObjectKind kind = CK_OBJECT_NONE;
  const char *label;
  gint64 id = 0;
  const GOptionEntry entries[] = {
    { "clear", 0, 0, G_OPTION_ARG_NONE, &clear,
      N_("Remove the label: the name is made from the contents again"), NULL },
    { NULL }
  };

  if (!ck_cli_parse_options (cli, N_("ID [LABEL]"),
                             N_("Names a certificate or key in the store."),
                             N_("ID is a store id or a unique fingerprint prefix (see 'show').\n"
                                "The label is the name shown in 'list', 'show' and the window;\n"
                                "the certificate or key itself does not change. One line of\n"
                                "text; give --clear (or an empty LABEL) to go back to the\n"
                                "name made from its subject or algorithm."),
                             entries, &argc, &argv))
    return CK_CLI_EXIT_USAGE;
  if (argc < 2)
    return ck_cli_usage_error (cli, _("No ID given"));
  if (clear ? argc > 2 : argc != 3)
    return argc < 3 ? ck_cli_usage_error (cli, _("No label given (or --clear)"))
                    : ck_cli_usage_error (cli, _("Unexpected argument “%s”"), argv[clear ? 2 : 3]);
  label = clear ? NULL : argv[2];

  store = ck_cli_open_store (cli, &error);
  if (store == NULL || !ck_store_resolve (store, argv[1], &kind, &id, &error))
    return ck_cli_fail (error);
  before = ck_cli_object_title (store, kind, id);
  keeper = ck_keeper_new (store);
  if (!ck_keeper_set_label (keeper, id, label, &error))
    return ck_cli_fail (error);
  stripped = label != NULL ? g_strstrip (g_strdup (label)) : NULL;
  if (stripped != NULL && *stripped != '\0')
    ck_cli_print_line (_("Renamed %s to “%s”."), before, stripped);
  else
    ck_cli_print_line (_("Removed the label of %s: its name is made from its contents again."),
                       before);
  return CK_CLI_EXIT_OK;
}
