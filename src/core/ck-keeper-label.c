/* SPDX-License-Identifier: GPL-3.0-or-later */
/* CkKeeper: renaming a certificate or key (its label, shown wherever its
 * name is), for the window's Rename and `certkeeper-cli label`. */
#include <glib/gi18n-lib.h>

#include "ck-error.h"
#include "ck-keeper.h"
#include "ck-store.h"

#include <string.h>

/* A name is one line the user can read back: no control characters (a
 * newline would split list rows and CLI lines), and short enough for a
 * row. Bytes, not characters: the store keeps UTF-8. */
#define CK_LABEL_MAX_BYTES 1024

gboolean
ck_keeper_check_label (const char  *label,
                       GError     **error)
{
  if (label == NULL)
    return TRUE;
  if (!g_utf8_validate (label, -1, NULL))
    {
      g_set_error_literal (error, CK_ERROR, CK_ERROR_INVALID,
                           _("The name is not valid UTF-8"));
      return FALSE;
    }
  if (strlen (label) > CK_LABEL_MAX_BYTES)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                   _("The name is too long: at most %d bytes"), CK_LABEL_MAX_BYTES);
      return FALSE;
    }
  for (const char *p = label; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c) || c == 0x2028 || c == 0x2029)
        {
          g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                       _("The name contains a control character (U+%04X): "
                         "a name is one line of text"), c);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
set_label (CkKeeper    *self,
           gint64       id,
           const char  *label,
           GError     **error)
{
  return ck_keeper_check_label (label, error) &&
         ck_store_set_label (ck_keeper_get_store (self), id, label, error);
}

void
ck_keeper_set_label_async (CkKeeper            *self,
                           gint64               id,
                           const char          *label,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;

  g_return_if_fail (CK_IS_KEEPER (self));

  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ck_keeper_set_label_async);
  if (g_task_return_error_if_cancelled (task))
    return;
  /* One UPDATE of one row: done here, on the caller's context, as the
   * store's other writes of one row are; the models see it at once. */
  if (set_label (self, id, label, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

gboolean
ck_keeper_set_label_finish (CkKeeper      *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ck_keeper_set_label_async,
                        FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
ck_keeper_set_label (CkKeeper    *self,
                     gint64       id,
                     const char  *label,
                     GError     **error)
{
  g_return_val_if_fail (CK_IS_KEEPER (self), FALSE);
  return set_label (self, id, label, error);
}
