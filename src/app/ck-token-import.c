/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gi18n.h>

#include "ck-pin-dialog.h"
#include "ck-token-import.h"
#include "ck-window.h"

/* Destination */

static void
writable_tokens_thread (GTask        *task,
                        gpointer      source,
                        gpointer      data,
                        GCancellable *cancellable)
{
  g_autoptr(GPtrArray) tokens = ck_token_list_all (NULL);
  GPtrArray *writable = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; tokens != NULL && i < tokens->len; i++)
    if (!ck_token_is_read_only (tokens->pdata[i]) && ck_token_is_initialized (tokens->pdata[i]))
      g_ptr_array_add (writable, g_object_ref (tokens->pdata[i]));
  g_task_return_pointer (task, writable, (GDestroyNotify) g_ptr_array_unref);
}

static void
writable_tokens_done (GObject      *source,
                      GAsyncResult *result,
                      gpointer      data)
{
  GtkWidget *destination = GTK_WIDGET (source);
  AdwComboRow *row = g_object_get_data (G_OBJECT (destination), "ck-combo");
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  g_autoptr(GPtrArray) tokens = g_task_propagate_pointer (G_TASK (result), NULL);

  if (tokens == NULL || tokens->len == 0)
    return;
  gtk_string_list_append (names, _("Certificate store"));
  for (guint i = 0; i < tokens->len; i++)
    {
      /* Translators: a destination for imported keys, "Token: My Smart Card" */
      g_autofree char *name = g_strdup_printf (_("Token: %s"), ck_token_get_label (tokens->pdata[i]));

      gtk_string_list_append (names, name);
    }
  g_object_set_data_full (G_OBJECT (destination), "ck-tokens", g_ptr_array_ref (tokens),
                          (GDestroyNotify) g_ptr_array_unref);
  /* A new model: notify::model tells the dialog there is a choice now. */
  adw_combo_row_set_model (row, G_LIST_MODEL (names));
}

gboolean
ck_token_destination_has_choice (GtkWidget *destination)
{
  GPtrArray *tokens = g_object_get_data (G_OBJECT (destination), "ck-tokens");

  return tokens != NULL && tokens->len > 0;
}

GtkWidget *
ck_token_destination_new (void)
{
  GtkWidget *clamp = adw_clamp_new ();
  GtkWidget *group = adw_preferences_group_new ();
  GtkWidget *row = adw_combo_row_new ();
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  g_autoptr(GTask) task = NULL;

  gtk_string_list_append (names, _("Certificate store"));
  adw_clamp_set_maximum_size (ADW_CLAMP (clamp), 560);
  gtk_widget_set_margin_top (group, 12);
  gtk_widget_set_margin_start (group, 12);
  gtk_widget_set_margin_end (group, 12);
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Destination"));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("_Keys go to"));
  /* Short: the dialog has to fit 600 pixels of height. */
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                               _("On a token a key is sensitive: used there, never exported"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (names));
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
  adw_clamp_set_child (ADW_CLAMP (clamp), group);
  g_object_set_data (G_OBJECT (clamp), "ck-combo", row);

  task = g_task_new (clamp, NULL, writable_tokens_done, NULL);
  g_task_run_in_thread (task, writable_tokens_thread);
  return clamp;
}

CkToken *
ck_token_destination_get_token (GtkWidget *destination)
{
  AdwComboRow *row = g_object_get_data (G_OBJECT (destination), "ck-combo");
  GPtrArray *tokens = g_object_get_data (G_OBJECT (destination), "ck-tokens");
  guint selected = adw_combo_row_get_selected (row);

  if (selected == 0 || selected == GTK_INVALID_LIST_POSITION || tokens == NULL ||
      selected - 1 >= tokens->len)
    return NULL;
  return tokens->pdata[selected - 1];
}

/* Issued certificates onto the token of their key */

typedef struct
{
  CkCertificate *certificate;
  char *key_uri;
  CkToken *token;
} IssuedWrite;

typedef struct
{
  GtkWindow *parent;
  CkKeeper *keeper;    /* writes them, as certkeeper-cli import --to-token does */
  GPtrArray *writes;   /* IssuedWrite */
  guint next;
} IssuedJob;

static void
issued_write_free (IssuedWrite *write)
{
  g_clear_object (&write->certificate);
  g_free (write->key_uri);
  g_clear_object (&write->token);
  g_free (write);
}

static void
issued_job_free (IssuedJob *job)
{
  g_clear_object (&job->parent);
  g_clear_object (&job->keeper);
  g_ptr_array_unref (job->writes);
  g_free (job);
}

static void
toast (IssuedJob  *job,
       const char *message)
{
  if (CK_IS_WINDOW (job->parent))
    ck_window_add_toast (CK_WINDOW (job->parent), adw_toast_new (message));
  else
    g_message ("%s", message);
}

static void issued_next (IssuedJob *job);

static void
write_done (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  IssuedJob *job = data;
  IssuedWrite *write = job->writes->pdata[job->next - 1];
  g_autoptr(GError) error = NULL;
  g_autofree char *message = NULL;
  gboolean written = FALSE;

  /* Nothing to say when the token had it already. */
  if (ck_keeper_write_certificate_to_token_finish (job->keeper, result, &written, &error) && written)
    /* Translators: "Certificate “host.example” written to token “HSM” beside its key" */
    message = g_strdup_printf (_("Certificate “%s” written to token “%s” beside its key"),
                               ck_certificate_get_display_name (write->certificate),
                               ck_token_get_label (write->token));
  else if (error != NULL)
    message = g_strdup_printf (_("Certificate “%s” could not be written to the token: %s"),
                               ck_certificate_get_display_name (write->certificate),
                               error->message);
  if (message != NULL)
    toast (job, message);
  issued_next (job);
}

static void
issued_login_done (GObject      *source,
                   GAsyncResult *result,
                   gpointer      data)
{
  IssuedJob *job = data;
  IssuedWrite *write = job->writes->pdata[job->next - 1];
  g_autoptr(GError) error = NULL;

  if (!ck_pin_dialog_login_finish (result, &error))
    {
      g_autofree char *message =
        g_strdup_printf (_("Certificate “%s” was not written to token “%s”: not logged in"),
                         ck_certificate_get_display_name (write->certificate),
                         ck_token_get_label (write->token));

      toast (job, message);
      issued_next (job);
      return;
    }
  ck_keeper_write_certificate_to_token_async (job->keeper, write->certificate, write->token,
                                              NULL, write_done, job);
}

/* One certificate after the other: at most one PIN dialog at a time. */
static void
issued_next (IssuedJob *job)
{
  IssuedWrite *write;

  if (job->next >= job->writes->len)
    {
      issued_job_free (job);
      return;
    }
  write = job->writes->pdata[job->next++];
  if (write->token == NULL)
    {
      issued_next (job);
      return;
    }
  ck_pin_dialog_login_async (job->parent, write->token, NULL, issued_login_done, job);
}

static void
lookup_thread (GTask        *task,
               gpointer      source,
               gpointer      data,
               GCancellable *cancellable)
{
  IssuedJob *job = data;
  g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func (g_object_unref);

  for (guint i = 0; i < job->writes->len; i++)
    {
      IssuedWrite *write = job->writes->pdata[i];
      g_autoptr(GError) error = NULL;
      g_autoptr(CkToken) token = ck_token_lookup_for_object (write->key_uri, &error);

      if (token == NULL)
        {
          g_debug ("%s", error->message);
          continue;
        }
      /* One CkToken per token, so one login serves all its certificates. */
      for (guint j = 0; j < seen->len; j++)
        if (g_str_equal (ck_token_get_uri (seen->pdata[j]), ck_token_get_uri (token)))
          g_set_object (&token, seen->pdata[j]);
      if (!g_ptr_array_find (seen, token, NULL))
        g_ptr_array_add (seen, g_object_ref (token));
      write->token = g_steal_pointer (&token);
    }
  g_task_return_boolean (task, TRUE);
}

static void
lookup_done (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  issued_next (data);
}

void
ck_token_import_write_issued (GtkWindow    *parent,
                              CkStore      *store,
                              CkImportPlan *plan)
{
  g_autoptr(GTask) task = NULL;
  IssuedJob *job;

  g_return_if_fail (CK_IS_STORE (store));
  g_return_if_fail (CK_IS_IMPORT_PLAN (plan));

  job = g_new0 (IssuedJob, 1);
  job->parent = parent != NULL ? g_object_ref (parent) : NULL;
  job->keeper = ck_keeper_new (store);
  job->writes = g_ptr_array_new_with_free_func ((GDestroyNotify) issued_write_free);
  /* The store is read here, in the main thread; the tokens in a worker. */
  for (guint i = 0; i < ck_import_plan_get_n_items (plan); i++)
    {
      CkImportItem *item = ck_import_plan_get_item (plan, i);
      IssuedWrite *write;
      char *key_uri;

      if (ck_import_item_get_kind (item) != CK_IMPORT_ITEM_CERTIFICATE ||
          !ck_import_item_is_new (item))
        continue;
      /* A certificate that came with its key went where the key went
       * (store, or token with the certificate beside it): only issued
       * certificates, which come alone, are written here. */
      if (ck_token_plan_has_key_for (plan, item))
        continue;
      /* Only certificates of keys on a token. */
      key_uri = ck_keeper_dup_token_key_uri (job->keeper, ck_import_item_get_certificate (item), NULL);
      if (key_uri == NULL)
        continue;
      write = g_new0 (IssuedWrite, 1);
      write->certificate = g_object_ref (ck_import_item_get_certificate (item));
      write->key_uri = key_uri;
      g_ptr_array_add (job->writes, write);
    }
  if (job->writes->len == 0)
    {
      issued_job_free (job);
      return;
    }
  task = g_task_new (NULL, NULL, lookup_done, job);
  g_task_set_task_data (task, job, NULL);
  g_task_run_in_thread (task, lookup_thread);
}
