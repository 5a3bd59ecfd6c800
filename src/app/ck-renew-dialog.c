/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gi18n.h>

#include "ck-renew-dialog.h"

struct _CkRenewDialog
{
  AdwWindow     parent_instance;

  CkKeeper     *keeper;
  CkRenewal    *renewal;
  CkToken      *token;
  GCancellable *cancellable;
  gboolean      working;

  GtkWidget    *renew_button;
  GtkWidget    *cancel_button;
  GtkWidget    *spinner;
  GtkLabel     *intro_label;
  GtkLabel     *error_label;
  AdwActionRow *subject_row;
  AdwActionRow *names_row;
  AdwActionRow *profile_row;
  AdwActionRow *new_key_row;
  AdwActionRow *reuse_key_row;
  GtkCheckButton *new_key_check;
  GtkCheckButton *reuse_key_check;
  GtkWidget    *new_passphrase_group;
  GtkEditable  *passphrase_row;
  GtkEditable  *confirm_row;
  GtkSwitch    *no_passphrase_switch;
  GtkWidget    *key_passphrase_group;
  GtkEditable  *key_passphrase_row;
  GtkWidget    *pin_group;
  GtkEditable  *pin_row;
};

G_DEFINE_FINAL_TYPE (CkRenewDialog, ck_renew_dialog, ADW_TYPE_WINDOW)

enum {
  REQUEST_ADDED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static gboolean
reusing (CkRenewDialog *self)
{
  return gtk_check_button_get_active (self->reuse_key_check);
}

static gboolean
on_token (CkRenewDialog *self)
{
  return ck_renewal_get_token_key_uri (self->renewal) != NULL;
}

static void
update (CkRenewDialog *self)
{
  gboolean reuse = reusing (self);
  gboolean token = on_token (self);
  gboolean new_in_store = !reuse && !token;
  gboolean ok = TRUE;

  gtk_widget_set_visible (self->new_passphrase_group, new_in_store);
  gtk_widget_set_visible (self->key_passphrase_group,
                          reuse && ck_renewal_key_is_encrypted (self->renewal));
  gtk_widget_set_visible (self->pin_group, token);
  gtk_widget_set_sensitive (GTK_WIDGET (self->passphrase_row),
                            !gtk_switch_get_active (self->no_passphrase_switch));
  gtk_widget_set_sensitive (GTK_WIDGET (self->confirm_row),
                            !gtk_switch_get_active (self->no_passphrase_switch));

  if (new_in_store && !gtk_switch_get_active (self->no_passphrase_switch))
    {
      const char *passphrase = gtk_editable_get_text (self->passphrase_row);

      ok = passphrase[0] != '\0' &&
           g_strcmp0 (passphrase, gtk_editable_get_text (self->confirm_row)) == 0;
    }
  if (reuse && ck_renewal_key_is_encrypted (self->renewal))
    ok = ok && gtk_editable_get_text (self->key_passphrase_row)[0] != '\0';
  gtk_widget_set_sensitive (self->renew_button, ok && !self->working);
}

static void
key_choice_changed (CkRenewDialog *self)
{
  update (self);
}

static void
inputs_changed (CkRenewDialog *self)
{
  update (self);
}

static void
show_error (CkRenewDialog *self,
            const GError  *error)
{
  gtk_label_set_text (self->error_label, error->message);
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
}

static void
set_working (CkRenewDialog *self,
             gboolean       working)
{
  self->working = working;
  gtk_widget_set_visible (self->spinner, working);
  gtk_spinner_set_spinning (GTK_SPINNER (self->spinner), working);
  update (self);
}

static void
renewed (GObject      *source,
         GAsyncResult *result,
         gpointer      user_data)
{
  g_autoptr (CkRenewDialog) self = user_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (CkRequest) request = NULL;
  CkKeeperRequestResult out = { 0, };

  request = ck_keeper_renew_finish (CK_KEEPER (source), result, &out, &error);
  set_working (self, FALSE);
  if (request == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, error);
      return;
    }
  g_signal_emit (self, signals[REQUEST_ADDED], 0, out.request_id);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
start_renewal (CkRenewDialog *self)
{
  g_autoptr (GError) error = NULL;
  CkKeeperKeyChoice choice;
  gboolean reuse = reusing (self);

  if (!ck_renewal_choose_key (self->renewal, reuse, self->token, &choice, &error))
    {
      set_working (self, FALSE);
      show_error (self, error);
      return;
    }
  if (choice.source == CK_KEEPER_KEY_NEW)
    {
      choice.no_passphrase = gtk_switch_get_active (self->no_passphrase_switch);
      if (!choice.no_passphrase)
        choice.passphrase = gtk_editable_get_text (self->passphrase_row);
    }
  else if (choice.source == CK_KEEPER_KEY_STORED && ck_renewal_key_is_encrypted (self->renewal))
    choice.passphrase = gtk_editable_get_text (self->key_passphrase_row);

  /* The keeper copies the choice (and wipes its copy of the passphrase). */
  ck_keeper_renew_async (self->keeper, self->renewal, &choice, NULL, NULL, self->cancellable,
                         renewed, g_object_ref (self));
}

static void
logged_in (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr (CkRenewDialog) self = user_data;
  g_autoptr (GError) error = NULL;

  if (!ck_keeper_token_login_finish (CK_KEEPER (source), result, &error))
    {
      set_working (self, FALSE);
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          show_error (self, error);
          gtk_widget_grab_focus (GTK_WIDGET (self->pin_row));
        }
      return;
    }
  start_renewal (self);
}

static void
renew_clicked (CkRenewDialog *self)
{
  g_autoptr (GError) error = NULL;
  const char *pin;

  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  set_working (self, TRUE);
  if (!on_token (self))
    {
      start_renewal (self);
      return;
    }

  /* The key is on a token: log in there first (the new key is made there,
   * or the old one signs there). */
  if (self->token == NULL)
    self->token = ck_token_lookup_for_object (ck_renewal_get_token_key_uri (self->renewal), &error);
  if (self->token == NULL)
    {
      set_working (self, FALSE);
      show_error (self, error);
      return;
    }
  pin = gtk_editable_get_text (self->pin_row);
  ck_keeper_token_login_async (self->keeper, self->token, pin[0] != '\0' ? pin : NULL,
                               self->cancellable, logged_in, g_object_ref (self));
}

static void
cancel_clicked (CkRenewDialog *self)
{
  gtk_window_close (GTK_WINDOW (self));
}

static void
ck_renew_dialog_dispose (GObject *object)
{
  CkRenewDialog *self = CK_RENEW_DIALOG (object);

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->keeper);
  g_clear_object (&self->token);
  g_clear_pointer (&self->renewal, ck_renewal_unref);

  G_OBJECT_CLASS (ck_renew_dialog_parent_class)->dispose (object);
}

static void
ck_renew_dialog_class_init (CkRenewDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ck_renew_dialog_dispose;

  /**
   * CkRenewDialog::request-added:
   * @id: the store id of the new pending request
   */
  signals[REQUEST_ADDED] = g_signal_new ("request-added", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 1, G_TYPE_INT64);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/certkeeper/Certkeeper/ck-renew-dialog.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, CkRenewDialog, name)
  BIND (renew_button);
  BIND (cancel_button);
  BIND (spinner);
  BIND (intro_label);
  BIND (error_label);
  BIND (subject_row);
  BIND (names_row);
  BIND (profile_row);
  BIND (new_key_row);
  BIND (reuse_key_row);
  BIND (new_key_check);
  BIND (reuse_key_check);
  BIND (new_passphrase_group);
  BIND (passphrase_row);
  BIND (confirm_row);
  BIND (no_passphrase_switch);
  BIND (key_passphrase_group);
  BIND (key_passphrase_row);
  BIND (pin_group);
  BIND (pin_row);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, renew_clicked);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked);
  gtk_widget_class_bind_template_callback (widget_class, key_choice_changed);
  gtk_widget_class_bind_template_callback (widget_class, inputs_changed);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
ck_renew_dialog_init (CkRenewDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->cancellable = g_cancellable_new ();
}

static char *
names_text (CkCertificate *certificate)
{
  GPtrArray *names = ck_certificate_get_subject_alt_names (certificate);
  GString *text = g_string_new (NULL);

  for (guint i = 0; names != NULL && i < names->len; i++)
    {
      const CkGeneralName *name = g_ptr_array_index (names, i);

      if (text->len > 0)
        g_string_append (text, ", ");
      g_string_append (text, name->value);
    }
  return g_string_free (text, FALSE);
}

CkRenewDialog *
ck_renew_dialog_new (GtkWindow *parent,
                     CkKeeper  *keeper,
                     CkRenewal *renewal)
{
  CkRenewDialog *self;
  CkCertificate *certificate;
  const CkKeySpec *spec;
  const char *problem = NULL;
  g_autofree char *intro = NULL;
  g_autofree char *names = NULL;
  g_autofree char *new_key = NULL;
  g_autofree char *token_label = NULL;

  g_return_val_if_fail (CK_IS_KEEPER (keeper), NULL);
  g_return_val_if_fail (renewal != NULL, NULL);

  self = g_object_new (CK_TYPE_RENEW_DIALOG, "transient-for", parent, NULL);
  self->keeper = g_object_ref (keeper);
  self->renewal = ck_renewal_ref (renewal);
  certificate = ck_renewal_get_certificate (renewal);

  intro = g_strdup_printf (_("A new request for “%s”, kept as pending and linked to this "
                             "certificate. Send it to your certificate authority: once its "
                             "certificate is imported, this one is marked renewed and no longer "
                             "warned about."),
                           ck_certificate_get_display_name (certificate));
  gtk_label_set_text (self->intro_label, intro);
  adw_action_row_set_subtitle (self->subject_row, ck_certificate_get_subject (certificate));
  names = names_text (certificate);
  adw_action_row_set_subtitle (self->names_row, names[0] != '\0' ? names : _("None"));
  adw_action_row_set_subtitle (self->profile_row,
                               ck_request_profile_get_display_name (
                                 ck_request_builder_get_profile (ck_renewal_get_builder (renewal))));

  spec = ck_renewal_get_key_spec (renewal);
  if (ck_renewal_get_token_key_uri (renewal) != NULL)
    token_label = ck_token_label_from_uri (ck_renewal_get_token_key_uri (renewal));
  if (spec != NULL)
    {
      g_autofree char *what = ck_key_spec_describe (spec);

      if (token_label != NULL)
        /* Translators: a key type ("ECDSA P-256"), then a token's label */
        new_key = g_strdup_printf (_("%s, made on the token “%s” like the current key"),
                                   what, token_label);
      else
        /* Translators: a key type ("ECDSA P-256") */
        new_key = g_strdup_printf (_("%s, kept in the store like the current key"), what);
      adw_action_row_set_subtitle (self->new_key_row, new_key);
    }
  else
    {
      ck_renewal_can_make_new_key (renewal, &problem);
      adw_action_row_set_subtitle (self->new_key_row, problem);
      gtk_widget_set_sensitive (GTK_WIDGET (self->new_key_row), FALSE);
    }

  if (ck_renewal_can_reuse_key (renewal))
    adw_action_row_set_subtitle (self->reuse_key_row,
                                 token_label != NULL
                                 ? _("Signed on the token with the key the certificate has")
                                 : _("Signed with the key the certificate has, kept in the store"));
  else
    {
      adw_action_row_set_subtitle (self->reuse_key_row, _("Its private key is not kept here"));
      gtk_widget_set_sensitive (GTK_WIDGET (self->reuse_key_row), FALSE);
    }
  if (spec == NULL && ck_renewal_can_reuse_key (renewal))
    gtk_check_button_set_active (self->reuse_key_check, TRUE);
  if (token_label != NULL)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (self->pin_group), token_label);

  update (self);
  return self;
}
