/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gi18n.h>

#include "ck-expiry.h"
#include "ck-pin-dialog.h"
#include "ck-token-list.h"

/* One token's row and what was read from it. */
typedef struct
{
  CkToken *token;
  AdwExpanderRow *row;
  GtkWidget *state_icon;  /* a warning or an error in the state */
  GtkWidget *login_button;
  GtkWidget *logout_button;
  GPtrArray *children;   /* rows added under the expander */
  GPtrArray *items;      /* CkTokenItem, in the order shown */
  char *error;           /* what went wrong with the token last, or NULL */
  gboolean loading;
} TokenEntry;

struct _CkTokenList
{
  GtkWidget parent_instance;

  GPtrArray *entries;    /* TokenEntry */
  CkTokenItem *selected;
  GCancellable *cancellable;
  guint busy;

  GtkStack *stack;
  GtkSpinner *loading_spinner;
  AdwStatusPage *error_page;
  GtkLabel *count_label;
  GtkListBox *list_box;
};

G_DEFINE_FINAL_TYPE (CkTokenList, ck_token_list, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SELECTED,
  N_PROPS
};

enum {
  ACTIVATE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void load_objects (CkTokenList *self,
                          TokenEntry  *entry);

static void
token_entry_free (TokenEntry *entry)
{
  g_clear_object (&entry->token);
  g_clear_pointer (&entry->children, g_ptr_array_unref);
  g_clear_pointer (&entry->items, g_ptr_array_unref);
  g_free (entry->error);
  g_free (entry);
}

/* The entry of @token, if it is still listed: worker threads finish after
 * the list may have been read again. */
static TokenEntry *
find_entry (CkTokenList *self,
            CkToken     *token)
{
  for (guint i = 0; i < self->entries->len; i++)
    {
      TokenEntry *entry = self->entries->pdata[i];

      if (entry->token == token)
        return entry;
    }
  return NULL;
}

static void
busy_changed (CkTokenList *self,
              int          delta)
{
  self->busy += delta;
}

/* State */

static void
update_entry (CkTokenList *self,
              TokenEntry  *entry)
{
  CkToken *token = entry->token;
  g_autofree char *state = ck_token_describe_state (token);
  gboolean logged_in = ck_token_is_logged_in (token);
  CkPinFlags flags = ck_token_get_pin_flags (token);
  const char *module = ck_token_get_module_name (token);
  const char *icon_name = NULL;
  const char *style = NULL;
  g_autofree char *subtitle = NULL;

  if (entry->error != NULL)
    {
      g_free (state);
      state = g_strdup (_("not available"));
      icon_name = "dialog-error-symbolic";
      style = "error";
    }
  else if (flags & CK_PIN_FLAGS_LOCKED)
    {
      icon_name = "dialog-error-symbolic";
      style = "error";
    }
  else if (flags != CK_PIN_FLAGS_NONE)
    {
      icon_name = "dialog-warning-symbolic";
      style = "warning";
    }
  /* The state is the subtitle's last line, not a narrow column beside the
   * buttons (where "initialized, login required, logged in" took four
   * lines); the serial keeps its word ("serial" and the number joined by
   * a no-break space), so a narrow window wraps around it, never in it. */
  /* Translators: a token's subtitle on the Tokens page, three lines:
   * manufacturer · model, then serial number · PKCS#11 module, then the
   * state. Keep the no-break space between "serial" and its number. */
  subtitle = g_strdup_printf (_("%s · %s\nserial %s · module %s\n%s"),
                              ck_token_get_manufacturer (token), ck_token_get_model (token),
                              ck_token_get_serial (token), module != NULL ? module : _("unknown"),
                              state);
  adw_expander_row_set_subtitle (entry->row, subtitle);

  gtk_widget_set_visible (entry->state_icon, icon_name != NULL);
  gtk_widget_remove_css_class (entry->state_icon, "warning");
  gtk_widget_remove_css_class (entry->state_icon, "error");
  if (icon_name != NULL)
    {
      gtk_image_set_from_icon_name (GTK_IMAGE (entry->state_icon), icon_name);
      gtk_widget_add_css_class (entry->state_icon, style);
      gtk_widget_set_tooltip_text (entry->state_icon, state);
      gtk_accessible_update_property (GTK_ACCESSIBLE (entry->state_icon),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, state, -1);
    }

  gtk_widget_set_visible (entry->login_button,
                          entry->error == NULL && !logged_in && ck_token_needs_login (token));
  gtk_widget_set_sensitive (entry->login_button, !(flags & CK_PIN_FLAGS_LOCKED));
  gtk_widget_set_visible (entry->logout_button, entry->error == NULL && logged_in &&
                                                ck_token_needs_login (token));
}

/* Objects */

static void
clear_children (TokenEntry *entry)
{
  for (guint i = 0; i < entry->children->len; i++)
    adw_expander_row_remove (entry->row, entry->children->pdata[i]);
  g_ptr_array_set_size (entry->children, 0);
}

static void
add_child (TokenEntry *entry,
           GtkWidget  *child)
{
  adw_expander_row_add_row (entry->row, child);
  g_ptr_array_add (entry->children, child);
}

static void
add_message_row (TokenEntry *entry,
                 const char *message,
                 const char *css_class)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), message);
  gtk_widget_add_css_class (row, "property");
  if (css_class != NULL)
    gtk_widget_add_css_class (row, css_class);
  add_child (entry, row);
}

static void
item_activated_cb (GtkWidget   *row,
                   CkTokenList *self)
{
  CkTokenItem *item = g_object_get_data (G_OBJECT (row), "ck-token-item");

  g_set_object (&self->selected, item);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED]);
  g_signal_emit (self, signals[ACTIVATE], 0);
}

static void
add_item_row (CkTokenList *self,
              TokenEntry  *entry,
              CkTokenItem *item,
              gboolean     under_key)
{
  const CkTokenObject *object = ck_token_item_get_object (item);
  CkCertificate *certificate = ck_token_item_get_certificate (item);
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *icon;
  g_autofree char *subtitle = NULL;
  g_autofree char *id = NULL;
  const char *kind;

  if (object->id_hex != NULL && object->id_hex[0] != '\0')
    /* Translators: the CKA_ID of an object on a token */
    id = g_strdup_printf (_("ID %s"), object->id_hex);
  else
    id = g_strdup (_("no ID"));

  if (certificate != NULL)
    {
      g_autofree char *expiry =
        ck_expiry_format_cell (ck_certificate_get_not_after (certificate),
                               g_get_real_time () / G_USEC_PER_SEC);

      icon = gtk_image_new_from_icon_name ("application-certificate-symbolic");
      kind = _("Certificate");
      /* Translators: "Issued by Example CA · expires 4 Dec 2026 · ID 01ab" */
      subtitle = g_strdup_printf (_("Issued by %s · expires %s · %s"),
                                  ck_certificate_get_issuer_display_name (certificate), expiry, id);
    }
  else
    {
      icon = gtk_image_new_from_icon_name ("dialog-password-symbolic");
      if (g_str_equal (object->kind, "private-key"))
        kind = _("Private key");
      else if (g_str_equal (object->kind, "public-key"))
        kind = _("Public key");
      else if (g_str_equal (object->kind, "secret-key"))
        kind = _("Secret key");
      else
        kind = _("Certificate that cannot be read");
      /* Translators: "Private key · ID 01ab" */
      subtitle = g_strdup_printf (_("%s · %s"), kind, id);
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL, kind, -1);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), ck_token_item_get_display_name (item));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  if (under_key)
    {
      /* Indented under its key, as on the Keys page. */
      GtkWidget *indent = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);

      gtk_widget_set_size_request (indent, 18, -1);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), indent);
    }
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
  g_object_set_data_full (G_OBJECT (row), "ck-token-item", g_object_ref (item), g_object_unref);
  g_signal_connect (row, "activated", G_CALLBACK (item_activated_cb), self);
  {
    /* The same as activating the row, for pointer and screen reader users. */
    GtkWidget *details = gtk_button_new_from_icon_name ("go-next-symbolic");
    g_autofree char *name = g_strdup_printf (_("Show details of %s"),
                                             ck_token_item_get_display_name (item));

    gtk_widget_set_valign (details, GTK_ALIGN_CENTER);
    gtk_widget_add_css_class (details, "flat");
    gtk_widget_set_tooltip_text (details, _("Show Details"));
    gtk_accessible_update_property (GTK_ACCESSIBLE (details), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
    g_object_set_data_full (G_OBJECT (details), "ck-token-item", g_object_ref (item), g_object_unref);
    g_signal_connect (details, "clicked", G_CALLBACK (item_activated_cb), self);
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), details);
  }
  add_child (entry, row);
}

/* Keys first, each with its certificates below it (same CKA_ID, as
 * tokens pair them); then certificates without a key. A public key is
 * shown only when its private key is not. */
static void
show_items (CkTokenList *self,
            TokenEntry  *entry)
{
  GPtrArray *items = entry->items;
  g_autoptr(GHashTable) private_ids = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) key_ids = g_hash_table_new (g_str_hash, g_str_equal);
  guint shown = 0;

  clear_children (entry);
  for (guint i = 0; i < items->len; i++)
    {
      const CkTokenObject *object = ck_token_item_get_object (items->pdata[i]);

      if (g_str_equal (object->kind, "private-key") && object->id_hex[0] != '\0')
        g_hash_table_add (private_ids, object->id_hex);
    }
  for (guint i = 0; i < items->len; i++)
    {
      CkTokenItem *key = items->pdata[i];
      const CkTokenObject *object = ck_token_item_get_object (key);

      if (!ck_token_item_is_key (key) ||
          (g_str_equal (object->kind, "public-key") &&
           g_hash_table_contains (private_ids, object->id_hex)))
        continue;
      add_item_row (self, entry, key, FALSE);
      shown++;
      if (object->id_hex[0] == '\0')
        continue;
      g_hash_table_add (key_ids, object->id_hex);
      for (guint j = 0; j < items->len; j++)
        {
          CkTokenItem *cert = items->pdata[j];

          if (!ck_token_item_is_key (cert) &&
              g_str_equal (ck_token_item_get_object (cert)->id_hex, object->id_hex))
            {
              ck_token_item_set_key_on_token (cert, g_str_equal (object->kind, "private-key"));
              add_item_row (self, entry, cert, TRUE);
            }
        }
    }
  for (guint i = 0; i < items->len; i++)
    {
      CkTokenItem *cert = items->pdata[i];

      if (!ck_token_item_is_key (cert) &&
          !g_hash_table_contains (key_ids, ck_token_item_get_object (cert)->id_hex))
        {
          add_item_row (self, entry, cert, FALSE);
          shown++;
        }
    }
  if (shown == 0)
    add_message_row (entry, _("No keys or certificates"), "dim-label");
  if (ck_token_needs_login (entry->token) && !ck_token_is_logged_in (entry->token))
    add_message_row (entry, _("Log in to see the private keys on this token"), "dim-label");
}

typedef struct
{
  CkToken *token;
  GPtrArray *items;
} ObjectsJob;

static void
objects_job_free (ObjectsJob *job)
{
  g_clear_object (&job->token);
  g_clear_pointer (&job->items, g_ptr_array_unref);
  g_free (job);
}

static void
objects_thread (GTask        *task,
                gpointer      source,
                gpointer      data,
                GCancellable *cancellable)
{
  ObjectsJob *job = data;
  g_autoptr(GPtrArray) objects = NULL;
  GError *error = NULL;

  /* A token that was pulled out fails here, with the reason. */
  if (!ck_token_refresh (job->token, &error) ||
      (objects = ck_token_list_objects (job->token, &error)) == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  job->items = g_ptr_array_new_with_free_func (g_object_unref);
  for (guint i = 0; i < objects->len; i++)
    {
      CkTokenObject *object = objects->pdata[i];
      g_autoptr(CkCertificate) certificate = NULL;

      if (g_str_equal (object->kind, "data"))
        continue;
      if (g_str_equal (object->kind, "certificate") && object->uri != NULL)
        {
          g_autoptr(GError) cert_error = NULL;

          certificate = ck_token_load_certificate (job->token, object->uri, &cert_error);
          if (certificate == NULL)
            g_debug ("%s", cert_error->message);
        }
      g_ptr_array_add (job->items, ck_token_item_new (job->token, object, certificate));
    }
  g_task_return_boolean (task, TRUE);
}

static void
objects_done (GObject      *source,
              GAsyncResult *result,
              gpointer      data)
{
  CkTokenList *self = CK_TOKEN_LIST (source);
  ObjectsJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  TokenEntry *entry;

  busy_changed (self, -1);
  if (!g_task_propagate_boolean (G_TASK (result), &error) &&
      g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  entry = find_entry (self, job->token);
  if (entry == NULL)
    return;
  entry->loading = FALSE;
  g_clear_pointer (&entry->error, g_free);
  if (error != NULL)
    {
      entry->error = g_strdup (error->message);
      clear_children (entry);
      add_message_row (entry, error->message, "error");
      update_entry (self, entry);
      return;
    }
  g_clear_pointer (&entry->items, g_ptr_array_unref);
  entry->items = g_steal_pointer (&job->items);
  update_entry (self, entry);
  show_items (self, entry);
}

static void
load_objects (CkTokenList *self,
              TokenEntry  *entry)
{
  g_autoptr(GTask) task = NULL;
  ObjectsJob *job;

  if (entry->loading)
    return;
  entry->loading = TRUE;
  clear_children (entry);
  add_message_row (entry, _("Reading the token…"), "dim-label");
  job = g_new0 (ObjectsJob, 1);
  job->token = g_object_ref (entry->token);
  task = g_task_new (self, self->cancellable, objects_done, NULL);
  g_task_set_task_data (task, job, (GDestroyNotify) objects_job_free);
  busy_changed (self, +1);
  g_task_run_in_thread (task, objects_thread);
}

static void
expanded_cb (AdwExpanderRow *row,
             GParamSpec     *pspec,
             CkTokenList    *self)
{
  CkToken *token = g_object_get_data (G_OBJECT (row), "ck-token");
  TokenEntry *entry = find_entry (self, token);

  if (entry != NULL && adw_expander_row_get_expanded (row))
    load_objects (self, entry);
}

/* Log in and out */

static void
login_done (GObject      *source,
            GAsyncResult *result,
            gpointer      data)
{
  g_autoptr(CkTokenList) self = data;
  g_autoptr(GError) error = NULL;

  /* Cancelled or not, the token's state is shown again; after a login
   * its private keys are read. */
  ck_pin_dialog_login_finish (result, &error);
  for (guint i = 0; i < self->entries->len; i++)
    {
      TokenEntry *entry = self->entries->pdata[i];

      update_entry (self, entry);
      if (ck_token_is_logged_in (entry->token))
        {
          adw_expander_row_set_expanded (entry->row, TRUE);
          load_objects (self, entry);
        }
    }
}

static void
login_clicked_cb (GtkButton   *button,
                  CkTokenList *self)
{
  CkToken *token = g_object_get_data (G_OBJECT (button), "ck-token");
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));

  ck_pin_dialog_login_async (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, token,
                             self->cancellable, login_done, g_object_ref (self));
}

static void
logout_thread (GTask        *task,
               gpointer      source,
               gpointer      data,
               GCancellable *cancellable)
{
  ck_token_logout (data);
  ck_token_refresh (data, NULL);
  g_task_return_boolean (task, TRUE);
}

static void
logout_done (GObject      *source,
             GAsyncResult *result,
             gpointer      data)
{
  CkTokenList *self = CK_TOKEN_LIST (source);
  TokenEntry *entry = find_entry (self, g_task_get_task_data (G_TASK (result)));

  busy_changed (self, -1);
  if (entry == NULL)
    return;
  update_entry (self, entry);
  /* What stays readable without a login. */
  if (adw_expander_row_get_expanded (entry->row))
    load_objects (self, entry);
}

static void
logout_clicked_cb (GtkButton   *button,
                   CkTokenList *self)
{
  CkToken *token = g_object_get_data (G_OBJECT (button), "ck-token");
  g_autoptr(GTask) task = g_task_new (self, NULL, logout_done, NULL);

  /* The selected item may be a private key that is no longer readable. */
  if (self->selected != NULL && ck_token_item_get_token (self->selected) == token)
    {
      g_clear_object (&self->selected);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED]);
    }
  g_task_set_task_data (task, g_object_ref (token), g_object_unref);
  busy_changed (self, +1);
  g_task_run_in_thread (task, logout_thread);
}

/* Rows */

static GtkWidget *
token_button (CkToken     *token,
              const char  *label,
              GCallback    callback,
              CkTokenList *self)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  g_object_set_data (G_OBJECT (button), "ck-token", token);
  g_signal_connect (button, "clicked", callback, self);
  return button;
}

static TokenEntry *
add_token_row (CkTokenList *self,
               CkToken     *token)
{
  TokenEntry *entry = g_new0 (TokenEntry, 1);
  GtkWidget *row = adw_expander_row_new ();
  GtkWidget *icon;
  g_autofree char *description = NULL;

  entry->token = g_object_ref (token);
  entry->row = ADW_EXPANDER_ROW (row);
  entry->children = g_ptr_array_new ();

  icon = gtk_image_new_from_icon_name (ck_token_is_system_trust (token)
                                       ? "security-high-symbolic" : "media-removable-symbolic");
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Token"), -1);
  adw_expander_row_add_prefix (entry->row, icon);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), ck_token_get_label (token));
  entry->state_icon = gtk_image_new ();
  gtk_widget_set_valign (entry->state_icon, GTK_ALIGN_CENTER);
  adw_expander_row_add_action (entry->row, entry->state_icon);

  entry->login_button = token_button (token, _("_Log In…"), G_CALLBACK (login_clicked_cb), self);
  /* Translators: accessible name of a token's Log In button */
  description = g_strdup_printf (_("Log in to %s"), ck_token_get_label (token));
  gtk_widget_set_tooltip_text (entry->login_button, description);
  /* Several tokens: each button says which one it is for. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry->login_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, description, -1);
  adw_expander_row_add_action (entry->row, entry->login_button);
  entry->logout_button = token_button (token, _("Log _Out"), G_CALLBACK (logout_clicked_cb), self);
  g_free (description);
  description = g_strdup_printf (_("Log out of %s"), ck_token_get_label (token));
  gtk_widget_set_tooltip_text (entry->logout_button, description);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry->logout_button),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, description, -1);
  adw_expander_row_add_action (entry->row, entry->logout_button);

  g_object_set_data_full (G_OBJECT (row), "ck-token", g_object_ref (token), g_object_unref);
  g_signal_connect (row, "notify::expanded", G_CALLBACK (expanded_cb), self);
  gtk_list_box_append (self->list_box, row);
  g_ptr_array_add (self->entries, entry);
  update_entry (self, entry);
  return entry;
}

/* Listing */

static void
list_thread (GTask        *task,
             gpointer      source,
             gpointer      data,
             GCancellable *cancellable)
{
  GPtrArray *known = data;
  GPtrArray *tokens;
  GError *error = NULL;

  tokens = ck_token_list_all (&error);
  if (tokens == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  /* The tokens already shown stay the same objects: a login lasts while
   * its CkToken does. */
  for (guint i = 0; i < tokens->len; i++)
    for (guint j = 0; j < known->len; j++)
      if (g_str_equal (ck_token_get_uri (tokens->pdata[i]), ck_token_get_uri (known->pdata[j])) &&
          ck_token_refresh (known->pdata[j], NULL))
        {
          g_object_unref (tokens->pdata[i]);
          tokens->pdata[i] = g_object_ref (known->pdata[j]);
          break;
        }
  g_task_return_pointer (task, tokens, (GDestroyNotify) g_ptr_array_unref);
}

static void
list_done (GObject      *source,
           GAsyncResult *result,
           gpointer      data)
{
  CkTokenList *self = CK_TOKEN_LIST (source);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) tokens = g_task_propagate_pointer (G_TASK (result), &error);
  g_autoptr(GPtrArray) expanded = g_ptr_array_new_with_free_func (g_object_unref);
  GtkWidget *child;

  busy_changed (self, -1);
  gtk_spinner_set_spinning (self->loading_spinner, FALSE);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  for (guint i = 0; i < self->entries->len; i++)
    {
      TokenEntry *entry = self->entries->pdata[i];

      if (adw_expander_row_get_expanded (entry->row))
        g_ptr_array_add (expanded, g_object_ref (entry->token));
    }
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->list_box))) != NULL)
    gtk_list_box_remove (self->list_box, child);
  g_ptr_array_set_size (self->entries, 0);
  if (self->selected != NULL)
    {
      g_clear_object (&self->selected);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED]);
    }

  if (tokens == NULL)
    {
      adw_status_page_set_description (self->error_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "error");
      return;
    }
  for (guint i = 0; i < tokens->len; i++)
    {
      TokenEntry *entry = add_token_row (self, tokens->pdata[i]);

      if (g_ptr_array_find (expanded, entry->token, NULL))
        adw_expander_row_set_expanded (entry->row, TRUE);
    }
  {
    g_autofree char *count = g_strdup_printf (ngettext ("%u token", "%u tokens", tokens->len),
                                              tokens->len);

    gtk_label_set_label (self->count_label, count);
  }
  gtk_stack_set_visible_child_name (self->stack, tokens->len > 0 ? "list" : "empty");
}

void
ck_token_list_refresh (CkTokenList *self)
{
  g_autoptr(GTask) task = NULL;
  GPtrArray *known = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_if_fail (CK_IS_TOKEN_LIST (self));

  for (guint i = 0; i < self->entries->len; i++)
    g_ptr_array_add (known, g_object_ref (((TokenEntry *) self->entries->pdata[i])->token));
  if (self->entries->len == 0)
    {
      gtk_stack_set_visible_child_name (self->stack, "loading");
      gtk_spinner_set_spinning (self->loading_spinner, TRUE);
    }
  task = g_task_new (self, self->cancellable, list_done, NULL);
  g_task_set_task_data (task, known, (GDestroyNotify) g_ptr_array_unref);
  busy_changed (self, +1);
  g_task_run_in_thread (task, list_thread);
}

gboolean
ck_token_list_is_busy (CkTokenList *self)
{
  g_return_val_if_fail (CK_IS_TOKEN_LIST (self), FALSE);
  /* Also before the page was first shown: the listing is still to come. */
  return self->busy > 0 ||
         g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "loading") == 0;
}

GPtrArray *
ck_token_list_get_tokens (CkTokenList *self)
{
  GPtrArray *tokens = g_ptr_array_new_with_free_func (g_object_unref);

  g_return_val_if_fail (CK_IS_TOKEN_LIST (self), tokens);
  for (guint i = 0; i < self->entries->len; i++)
    g_ptr_array_add (tokens, g_object_ref (((TokenEntry *) self->entries->pdata[i])->token));
  return tokens;
}

CkTokenItem *
ck_token_list_get_selected (CkTokenList *self)
{
  g_return_val_if_fail (CK_IS_TOKEN_LIST (self), NULL);
  return self->selected;
}

GPtrArray *
ck_token_list_get_items (CkTokenList *self,
                         CkToken     *token)
{
  TokenEntry *entry;

  g_return_val_if_fail (CK_IS_TOKEN_LIST (self), NULL);
  entry = find_entry (self, token);
  return entry != NULL ? entry->items : NULL;
}

void
ck_token_list_reload (CkTokenList *self,
                      CkToken     *token)
{
  TokenEntry *entry;

  g_return_if_fail (CK_IS_TOKEN_LIST (self));
  if (self->selected != NULL && ck_token_item_get_token (self->selected) == token)
    {
      g_clear_object (&self->selected);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED]);
    }
  entry = find_entry (self, token);
  if (entry != NULL && adw_expander_row_get_expanded (entry->row))
    load_objects (self, entry);
}

void
ck_token_list_expand (CkTokenList *self,
                      CkToken     *token)
{
  TokenEntry *entry;

  g_return_if_fail (CK_IS_TOKEN_LIST (self));
  entry = find_entry (self, token);
  if (entry == NULL)
    return;
  if (adw_expander_row_get_expanded (entry->row))
    load_objects (self, entry);
  else
    adw_expander_row_set_expanded (entry->row, TRUE);
}

static void
refresh_action (GtkWidget  *widget,
                const char *action_name,
                GVariant   *parameter)
{
  ck_token_list_refresh (CK_TOKEN_LIST (widget));
}

static void
ck_token_list_map (GtkWidget *widget)
{
  CkTokenList *self = CK_TOKEN_LIST (widget);

  GTK_WIDGET_CLASS (ck_token_list_parent_class)->map (widget);
  /* Tokens are looked for when the page is first shown, not at start-up:
   * loading PKCS#11 modules can take a while. */
  if (self->entries->len == 0 && self->busy == 0 &&
      g_strcmp0 (gtk_stack_get_visible_child_name (self->stack), "loading") == 0)
    ck_token_list_refresh (self);
}

static void
ck_token_list_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  CkTokenList *self = CK_TOKEN_LIST (object);

  switch (prop_id)
    {
    case PROP_SELECTED:
      g_value_set_object (value, self->selected);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ck_token_list_dispose (GObject *object)
{
  CkTokenList *self = CK_TOKEN_LIST (object);

  g_cancellable_cancel (self->cancellable);
  g_ptr_array_set_size (self->entries, 0);
  g_clear_object (&self->selected);
  gtk_widget_dispose_template (GTK_WIDGET (self), CK_TYPE_TOKEN_LIST);
  G_OBJECT_CLASS (ck_token_list_parent_class)->dispose (object);
}

static void
ck_token_list_finalize (GObject *object)
{
  CkTokenList *self = CK_TOKEN_LIST (object);

  g_ptr_array_unref (self->entries);
  g_clear_object (&self->cancellable);
  G_OBJECT_CLASS (ck_token_list_parent_class)->finalize (object);
}

static void
ck_token_list_class_init (CkTokenListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->get_property = ck_token_list_get_property;
  object_class->dispose = ck_token_list_dispose;
  object_class->finalize = ck_token_list_finalize;
  widget_class->map = ck_token_list_map;

  properties[PROP_SELECTED] =
    g_param_spec_object ("selected", NULL, NULL, CK_TYPE_TOKEN_ITEM,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  signals[ACTIVATE] = g_signal_new ("activate", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/certkeeper/Certkeeper/ck-token-list.ui");
  gtk_widget_class_bind_template_child (widget_class, CkTokenList, stack);
  gtk_widget_class_bind_template_child (widget_class, CkTokenList, loading_spinner);
  gtk_widget_class_bind_template_child (widget_class, CkTokenList, error_page);
  gtk_widget_class_bind_template_child (widget_class, CkTokenList, count_label);
  gtk_widget_class_bind_template_child (widget_class, CkTokenList, list_box);
  gtk_widget_class_install_action (widget_class, "tokens.refresh", NULL, refresh_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F5, 0, "tokens.refresh", NULL);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
}

static void
ck_token_list_init (CkTokenList *self)
{
  self->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) token_entry_free);
  self->cancellable = g_cancellable_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}
