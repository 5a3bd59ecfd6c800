/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What the window does with a key or certificate on a token (the Tokens
 * page): deleting it from the token, after a confirmation that names it
 * and says that there is no undo. The keeper deletes it, in a worker
 * thread, as every token call of the Tokens page runs. */
#include <glib/gi18n.h>

#include "ck-delete-dialog.h"
#include "ck-window-private.h"

typedef struct
{
  CkWindow    *self;
  CkTokenItem *item;
  char        *name;
} TokenDelete;

static void
token_delete_free (TokenDelete *job)
{
  g_clear_object (&job->self);
  g_clear_object (&job->item);
  g_free (job->name);
  g_free (job);
}

static void
delete_done (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  TokenDelete *job = data;
  CkWindow *self = job->self;
  CkToken *token = ck_token_item_get_token (job->item);
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;
  AdwToast *toast;

  /* What is on the token now, deleted or not. */
  ck_token_list_reload (self->token_list, token);
  if (!ck_keeper_delete_token_object_finish (CK_KEEPER (source), result, &error))
    {
      /* Translators: %s is why, from the token */
      title = g_strdup_printf (_("Cannot delete from the token: %s"), error->message);
      toast = adw_toast_new (title);
      adw_toast_set_timeout (toast, 0);
      ck_window_add_toast (self, toast);
      token_delete_free (job);
      return;
    }
  /* Translators: "“web key” deleted from token “HSM 1”" */
  title = g_strdup_printf (_("“%s” deleted from token “%s”"), job->name,
                           ck_token_get_label (token));
  ck_window_add_toast (self, adw_toast_new (title));
  token_delete_free (job);
}

static void
delete_confirmed (AdwMessageDialog *dialog,
                  const char       *response,
                  TokenDelete      *job)
{
  if (g_strcmp0 (response, "delete") != 0)
    {
      token_delete_free (job);
      return;
    }
  ck_keeper_delete_token_object_async (job->self->keeper, ck_token_item_get_token (job->item),
                                       ck_token_item_get_object (job->item), NULL,
                                       delete_done, job);
}

GtkWidget *
ck_window_delete_token_item (CkWindow    *self,
                             CkTokenItem *item)
{
  const CkTokenObject *object = ck_token_item_get_object (item);
  CkToken *token = ck_token_item_get_token (item);
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  GtkWidget *dialog;
  TokenDelete *job;

  g_return_val_if_fail (CK_IS_WINDOW (self), NULL);
  g_return_val_if_fail (CK_IS_TOKEN_ITEM (item), NULL);

  job = g_new0 (TokenDelete, 1);
  job->self = g_object_ref (self);
  job->item = g_object_ref (item);
  job->name = g_strdup (ck_token_item_get_display_name (item));

  /* Translators: "Delete “web key” from token “HSM 1”?" */
  heading = g_strdup_printf (_("Delete “%s” from token “%s”?"), job->name,
                             ck_token_get_label (token));
  if (g_strcmp0 (object->kind, "private-key") == 0)
    body = g_strdup (_("The private key and its public key are removed from the token. "
                       "This cannot be undone: a key made on the token has no copy elsewhere, "
                       "and certificates for it can no longer be used. Its certificates stay on the token."));
  else if (ck_token_item_is_key (item))
    body = g_strdup (_("The key is removed from the token. This cannot be undone."));
  else
    body = g_strdup (_("The certificate is removed from the token. This cannot be undone; "
                       "its key stays on the token."));

  dialog = GTK_WIDGET (ck_delete_dialog_new (GTK_WINDOW (self), heading, body));
  g_signal_connect (dialog, "response", G_CALLBACK (delete_confirmed), job);
  gtk_window_present (GTK_WINDOW (dialog));
  return dialog;
}
