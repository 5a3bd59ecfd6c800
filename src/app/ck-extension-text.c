/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gi18n.h>

#include "ck-extension-text.h"

static void
append_line (GString    *text,
             const char *line)
{
  if (text->len > 0)
    g_string_append_c (text, '\n');
  g_string_append (text, line);
}

char *
ck_key_usage_text (guint usage)
{
  g_autoptr(GString) text = g_string_new (NULL);
  guint n_bits = 0;
  const CkKeyUsageBit *bits = ck_key_usage_bits (&n_bits);

  for (guint i = 0; i < n_bits; i++)
    if (usage & bits[i].flag)
      append_line (text, _(bits[i].display_name));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

char *
ck_extended_key_usage_text (const char * const *oids)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; oids != NULL && oids[i] != NULL; i++)
    {
      const char *name = ck_oid_get_display_name (oids[i]);

      append_line (text, name != NULL ? name : oids[i]);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

char *
ck_basic_constraints_text (gboolean is_ca,
                           int      path_len)
{
  if (!is_ca)
    return g_strdup (_("Not a certificate authority"));
  if (path_len < 0)
    return g_strdup (_("A certificate authority, with no path length limit"));
  return g_strdup_printf (ngettext ("A certificate authority, with at most %d intermediate below it",
                                    "A certificate authority, with at most %d intermediates below it",
                                    path_len), path_len);
}

char *
ck_general_names_text (GPtrArray *names)
{
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; names != NULL && i < names->len; i++)
    {
      const CkGeneralName *name = g_ptr_array_index (names, i);
      /* Translators: a subject alternative name: "DNS name: www.example.com" */
      g_autofree char *line = g_strdup_printf (_("%s: %s"),
                                               ck_general_name_kind_get_display_name (name->kind),
                                               name->value);

      append_line (text, line);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}
