/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gi18n.h>

#include "ck-expiry.h"
#include "ck-trust-dialog.h"
#include "ck-trust-status.h"

/* A purpose's row: one toggle per level, linked (all choices in sight,
 * one click each), and the verdict under its title. */
typedef struct
{
  CkTrustDialog   *self;
  char            *purpose;
  AdwActionRow    *row;
  GtkToggleButton *buttons[3];     /* by CkTrustLevel; no Trust for "all" */
  gboolean         distrust_only;  /* CK_PURPOSE_ALL: Default / Distrust */
} PurposeRow;

struct _CkTrustDialog
{
  AdwWindow       parent_instance;

  CkTrust        *trust;
  CkVerifier     *verifier;
  CkKeeper       *keeper;
  CkCertificate  *certificate;
  gint64          id;
  GPtrArray      *rows;        /* PurposeRow */
  gboolean        updating;    /* drop-downs being set from the store */

  /* The last change, for Undo. */
  char           *undo_purpose;
  CkTrustLevel    undo_level;

  AdwToastOverlay      *toast_overlay;
  AdwWindowTitle       *window_title;
  GtkLabel             *name_label;
  GtkLabel             *fingerprint_label;
  AdwPreferencesGroup  *purposes_group;
  AdwPreferencesGroup  *all_group;
};

G_DEFINE_FINAL_TYPE (CkTrustDialog, ck_trust_dialog, ADW_TYPE_WINDOW)

static void
purpose_row_free (PurposeRow *row)
{
  g_free (row->purpose);
  g_free (row);
}

/* The level a purpose's row shows: the decision on this certificate, or
 * Distrusted when a distrust is kept for its key (the certificate it was
 * set on deleted): choosing Default then lifts it. */
static CkTrustLevel
shown_level (CkTrustDialog  *self,
             const char     *purpose,
             GError        **error)
{
  GError *local_error = NULL;
  CkTrustLevel level = ck_trust_get (self->trust,
                                     ck_certificate_get_sha256_fingerprint (self->certificate),
                                     purpose, &local_error);

  if (local_error == NULL && level == CK_TRUST_DEFAULT &&
      ck_trust_is_kept_for_key (self->trust, ck_certificate_get_spki_sha256 (self->certificate),
                                purpose, &local_error))
    level = CK_TRUST_DISTRUSTED;
  if (local_error != NULL)
    g_propagate_error (error, local_error);
  return level;
}

/* Sets every toggle and verdict from what the store says now. */
static void
update_rows (CkTrustDialog *self)
{
  gboolean all_distrusted = shown_level (self, CK_PURPOSE_ALL, NULL) == CK_TRUST_DISTRUSTED;

  self->updating = TRUE;
  for (guint i = 0; i < self->rows->len; i++)
    {
      PurposeRow *row = self->rows->pdata[i];
      g_autoptr(GError) error = NULL;
      CkTrustLevel level = shown_level (self, row->purpose, &error);
      GtkWidget *choices = gtk_widget_get_parent (GTK_WIDGET (row->buttons[CK_TRUST_DEFAULT]));
      gboolean overridden = all_distrusted && !row->distrust_only;

      /* What is decided cannot be read: show why, and offer no toggle
       * that would pretend it is "default". */
      gtk_widget_set_sensitive (GTK_WIDGET (row->row), error == NULL);
      if (error != NULL)
        {
          adw_action_row_set_subtitle (row->row, error->message);
          continue;
        }

      /* Distrust for everything wins over every purpose: the row shows
       * that (Distrust, not its own setting underneath) and cannot be
       * changed until it is lifted. */
      if (overridden)
        level = CK_TRUST_DISTRUSTED;
      if (row->buttons[level] != NULL)
        gtk_toggle_button_set_active (row->buttons[level], TRUE);
      gtk_widget_set_sensitive (choices, !overridden);
      gtk_widget_set_tooltip_text (choices, overridden
                                   ? _("Distrusted for everything: set “Distrust for everything” back to Default to choose here")
                                   : NULL);
      if (!row->distrust_only && ck_purpose_from_string (row->purpose) != NULL)
        {
          g_autoptr(CkVerification) verification = NULL;
          g_autofree char *reason = NULL;

          verification = ck_verifier_verify (self->verifier, self->certificate, row->purpose, NULL);
          if (verification == NULL)
            continue;
          reason = ck_trust_status_describe (verification, self->trust);
          adw_action_row_set_subtitle (row->row, reason);
        }
    }
  self->updating = FALSE;
}

/* The toast after a change: "Trusted for TLS server". */
static char *
level_toast (CkTrustLevel  level,
             const char   *purpose)
{
  const char *name = ck_trust_status_purpose_name (purpose);

  if (g_strcmp0 (purpose, CK_PURPOSE_ALL) == 0)
    return g_strdup (level == CK_TRUST_DISTRUSTED ? _("Distrusted for everything")
                                                  : _("No longer distrusted for everything"));
  switch (level)
    {
    case CK_TRUST_TRUSTED:
      /* Translators: "Trusted for TLS server" */
      return g_strdup_printf (_("Trusted for %s"), name);
    case CK_TRUST_DISTRUSTED:
      return g_strdup_printf (_("Distrusted for %s"), name);
    case CK_TRUST_DEFAULT:
    default:
      /* Translators: "TLS server set back to default" */
      return g_strdup_printf (_("%s set back to default"), name);
    }
}

static void
undo_clicked (AdwToast      *toast,
              CkTrustDialog *self)
{
  g_autoptr(GError) error = NULL;

  if (!ck_trust_dialog_undo (self, &error))
    adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));
}

gboolean
ck_trust_dialog_apply (CkTrustDialog *self,
                       const char    *purpose,
                       CkTrustLevel   level,
                       GError       **error)
{
  CkTrustLevel previous;
  g_autoptr(GError) read_error = NULL;
  g_autofree char *title = NULL;
  AdwToast *toast;

  g_return_val_if_fail (CK_IS_TRUST_DIALOG (self), FALSE);

  previous = shown_level (self, purpose, &read_error);
  if (read_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&read_error));
      update_rows (self);
      return FALSE;
    }
  if (!ck_keeper_set_trust (self->keeper, self->id, purpose, level, error))
    {
      update_rows (self);
      return FALSE;
    }

  g_free (self->undo_purpose);
  self->undo_purpose = g_strdup (purpose);
  self->undo_level = previous;
  update_rows (self);

  title = level_toast (level, purpose);
  toast = adw_toast_new (title);
  adw_toast_set_button_label (toast, _("_Undo"));
  adw_toast_set_priority (toast, ADW_TOAST_PRIORITY_HIGH);
  g_signal_connect_object (toast, "button-clicked", G_CALLBACK (undo_clicked), self, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
  return TRUE;
}

gboolean
ck_trust_dialog_undo (CkTrustDialog  *self,
                      GError        **error)
{
  g_autofree char *purpose = NULL;

  g_return_val_if_fail (CK_IS_TRUST_DIALOG (self), FALSE);

  if (self->undo_purpose == NULL)
    return TRUE;
  purpose = g_steal_pointer (&self->undo_purpose);
  if (!ck_keeper_set_trust (self->keeper, self->id, purpose, self->undo_level, error))
    return FALSE;
  update_rows (self);
  return TRUE;
}

char *
ck_trust_dialog_get_warnings (CkTrustDialog *self)
{
  CkCertificate *cert;
  g_autoptr(GString) text = g_string_new (NULL);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gnutls_digest_algorithm_t hash;

  g_return_val_if_fail (CK_IS_TRUST_DIALOG (self), NULL);

  cert = self->certificate;
  if (!ck_certificate_is_ca (cert))
    g_string_append_printf (text, "%s\n",
                            _("It is not a certificate authority: only this one certificate would be trusted, and it does not say it may vouch for others."));
  if (now > ck_certificate_get_not_after (cert))
    {
      g_autofree char *date = ck_expiry_format_date (ck_certificate_get_not_after (cert));

      g_string_append_printf (text, _("It expired on %s."), date);
      g_string_append_c (text, '\n');
    }
  else if (now < ck_certificate_get_not_before (cert))
    {
      g_autofree char *date = ck_expiry_format_date (ck_certificate_get_not_before (cert));

      g_string_append_printf (text, _("It is not valid before %s."), date);
      g_string_append_c (text, '\n');
    }

  hash = gnutls_sign_get_hash_algorithm (ck_certificate_get_signature_algorithm_id (cert));
  if (hash == GNUTLS_DIG_MD5 || hash == GNUTLS_DIG_MD2 || hash == GNUTLS_DIG_SHA1)
    {
      g_string_append_printf (text, _("It is signed with %s, which is no longer secure."),
                              gnutls_digest_get_name (hash));
      g_string_append_c (text, '\n');
    }
  if ((ck_certificate_get_key_algorithm_id (cert) == GNUTLS_PK_RSA
       || ck_certificate_get_key_algorithm_id (cert) == GNUTLS_PK_DSA)
      && ck_certificate_get_key_bits (cert) > 0 && ck_certificate_get_key_bits (cert) < 2048)
    {
      g_string_append_printf (text, ngettext ("Its key has only %u bit; at least 2048 are needed.",
                                              "Its key has only %u bits; at least 2048 are needed.",
                                              ck_certificate_get_key_bits (cert)),
                              ck_certificate_get_key_bits (cert));
      g_string_append_c (text, '\n');
    }

  if (text->len == 0)
    return NULL;
  g_strchomp (text->str);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

typedef struct
{
  CkTrustDialog *self;
  char          *purpose;
} PendingTrust;

static void
pending_trust_free (PendingTrust *pending)
{
  g_object_unref (pending->self);
  g_free (pending->purpose);
  g_free (pending);
}

static void
warning_response (AdwMessageDialog *dialog,
                  const char       *response,
                  PendingTrust     *pending)
{
  g_autoptr(GError) error = NULL;

  if (g_strcmp0 (response, "trust") == 0)
    {
      if (!ck_trust_dialog_apply (pending->self, pending->purpose, CK_TRUST_TRUSTED, &error))
        adw_toast_overlay_add_toast (pending->self->toast_overlay, adw_toast_new (error->message));
    }
  else
    update_rows (pending->self);
  pending_trust_free (pending);
}

static void
choice_toggled (GtkToggleButton *button,
                PurposeRow      *row)
{
  CkTrustDialog *self = row->self;
  CkTrustLevel level = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (button), "ck-level"));
  g_autofree char *warnings = NULL;
  g_autoptr(GError) error = NULL;

  if (self->updating || !gtk_toggle_button_get_active (button)
      || level == shown_level (self, row->purpose, NULL))
    return;

  if (level == CK_TRUST_TRUSTED && (warnings = ck_trust_dialog_get_warnings (self)) != NULL)
    {
      g_autofree char *heading = g_strdup_printf (_("Trust “%s” for %s?"),
                                                  ck_certificate_get_display_name (self->certificate),
                                                  ck_trust_status_purpose_name (row->purpose));
      GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), heading, warnings);
      PendingTrust *pending = g_new0 (PendingTrust, 1);

      pending->self = g_object_ref (self);
      pending->purpose = g_strdup (row->purpose);
      adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                        "cancel", _("_Cancel"),
                                        "trust", _("_Trust Anyway"),
                                        NULL);
      adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "trust",
                                                  ADW_RESPONSE_DESTRUCTIVE);
      adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
      adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
      g_signal_connect (dialog, "response", G_CALLBACK (warning_response), pending);
      gtk_window_present (GTK_WINDOW (dialog));
      return;
    }

  if (!ck_trust_dialog_apply (self, row->purpose, level, &error))
    adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (error->message));
}

static void
add_purpose_row (CkTrustDialog       *self,
                 AdwPreferencesGroup *group,
                 const char          *purpose,
                 const char          *title,
                 const char          *subtitle)
{
  PurposeRow *row = g_new0 (PurposeRow, 1);
  GtkWidget *action_row = adw_action_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 0);
  const char *labels[] = {
    C_("trust level", "Default"), C_("trust level", "Trust"), C_("trust level", "Distrust"),
  };
  GtkToggleButton *group_leader = NULL;

  row->self = self;
  row->purpose = g_strdup (purpose);
  row->distrust_only = g_strcmp0 (purpose, CK_PURPOSE_ALL) == 0;
  gtk_widget_add_css_class (box, "linked");
  gtk_widget_set_valign (box, GTK_ALIGN_CENTER);
  for (CkTrustLevel level = CK_TRUST_DEFAULT; level <= CK_TRUST_DISTRUSTED; level++)
    {
      GtkWidget *button;
      g_autofree char *accessible = NULL;

      if (row->distrust_only && level == CK_TRUST_TRUSTED)
        continue;
      button = gtk_toggle_button_new_with_label (labels[level]);
      /* Translators: a toggle's accessible name: "TLS server: Trust" */
      accessible = g_strdup_printf (_("%s: %s"), title, labels[level]);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, accessible, -1);
      g_object_set_data (G_OBJECT (button), "ck-level", GINT_TO_POINTER (level));
      if (group_leader != NULL)
        gtk_toggle_button_set_group (GTK_TOGGLE_BUTTON (button), group_leader);
      else
        group_leader = GTK_TOGGLE_BUTTON (button);
      gtk_box_append (GTK_BOX (box), button);
      row->buttons[level] = GTK_TOGGLE_BUTTON (button);
      g_signal_connect (button, "toggled", G_CALLBACK (choice_toggled), row);
    }

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (action_row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (action_row), subtitle);
  adw_action_row_add_suffix (ADW_ACTION_ROW (action_row), box);

  row->row = ADW_ACTION_ROW (action_row);
  g_ptr_array_add (self->rows, row);
  adw_preferences_group_add (group, action_row);
}

gboolean
ck_trust_dialog_choose (CkTrustDialog *self,
                        const char    *purpose,
                        CkTrustLevel   level)
{
  g_return_val_if_fail (CK_IS_TRUST_DIALOG (self), FALSE);

  for (guint i = 0; i < self->rows->len; i++)
    {
      PurposeRow *row = self->rows->pdata[i];

      if (g_strcmp0 (row->purpose, purpose) == 0 && row->buttons[level] != NULL)
        {
          /* A click on an insensitive choice does nothing. */
          if (!gtk_widget_is_sensitive (GTK_WIDGET (row->buttons[level])))
            return FALSE;
          /* What a click does, without gtk_widget_activate()'s delay. */
          g_signal_emit_by_name (row->buttons[level], "clicked");
          return TRUE;
        }
    }
  return FALSE;
}

static PurposeRow *
find_row (CkTrustDialog *self,
          const char    *purpose)
{
  for (guint i = 0; i < self->rows->len; i++)
    {
      PurposeRow *row = self->rows->pdata[i];

      if (g_strcmp0 (row->purpose, purpose) == 0)
        return row;
    }
  return NULL;
}

CkTrustLevel
ck_trust_dialog_get_choice (CkTrustDialog *self,
                            const char    *purpose)
{
  PurposeRow *row;

  g_return_val_if_fail (CK_IS_TRUST_DIALOG (self), CK_TRUST_DEFAULT);

  row = find_row (self, purpose);
  for (CkTrustLevel level = CK_TRUST_DEFAULT; row != NULL && level <= CK_TRUST_DISTRUSTED; level++)
    if (row->buttons[level] != NULL && gtk_toggle_button_get_active (row->buttons[level]))
      return level;
  return CK_TRUST_DEFAULT;
}

CkCertificate *
ck_trust_dialog_get_certificate (CkTrustDialog *self)
{
  g_return_val_if_fail (CK_IS_TRUST_DIALOG (self), NULL);

  return self->certificate;
}

static void
build (CkTrustDialog *self)
{
  guint n_purposes;
  const char * const *purposes = ck_trust_status_purposes (&n_purposes);
  g_autoptr(GPtrArray) settings = NULL;
  g_autofree char *fingerprint = NULL;

  adw_window_title_set_subtitle (self->window_title,
                                 ck_certificate_get_display_name (self->certificate));
  gtk_label_set_text (self->name_label, ck_certificate_get_display_name (self->certificate));
  fingerprint = ck_hex_format_colons (ck_certificate_get_sha256_fingerprint (self->certificate));
  gtk_label_set_text (self->fingerprint_label, fingerprint);

  /* A CA vouches for what it issues; any other certificate only for
   * itself. */
  adw_preferences_group_set_title (self->purposes_group,
                                   ck_certificate_is_ca (self->certificate)
                                   ? _("Trust as an Authority For")
                                   : _("Trust This Certificate For"));
  for (guint i = 0; i < n_purposes; i++)
    add_purpose_row (self, self->purposes_group, purposes[i],
                     ck_trust_status_purpose_name (purposes[i]), NULL);

  /* Purposes decided elsewhere (the CLI takes any OID) get a row too. */
  settings = ck_trust_list (self->trust, ck_certificate_get_sha256_fingerprint (self->certificate),
                            NULL);
  /* Unreadable: update_rows() shows why on every row. */
  for (guint i = 0; settings != NULL && i < settings->len; i++)
    {
      CkTrustSetting *setting = settings->pdata[i];

      if (g_str_equal (setting->purpose, CK_PURPOSE_ALL) || find_row (self, setting->purpose) != NULL)
        continue;
      add_purpose_row (self, self->purposes_group, setting->purpose,
                       ck_trust_status_purpose_name (setting->purpose), setting->purpose);
    }

  add_purpose_row (self, self->all_group, CK_PURPOSE_ALL, _("Distrust for everything"),
                   _("Never accept it, nor any certificate with the same key, for any purpose"));
  update_rows (self);
  /* Not the fingerprint: focusing a selectable label selects it all. */
  gtk_window_set_focus (GTK_WINDOW (self),
                        GTK_WIDGET (((PurposeRow *) self->rows->pdata[0])->buttons[CK_TRUST_DEFAULT]));
}

CkTrustDialog *
ck_trust_dialog_new (GtkWindow     *parent,
                     CkTrust       *trust,
                     CkVerifier    *verifier,
                     CkCertificate *certificate)
{
  CkTrustDialog *self;

  g_return_val_if_fail (CK_IS_TRUST (trust), NULL);
  g_return_val_if_fail (CK_IS_VERIFIER (verifier), NULL);
  g_return_val_if_fail (CK_IS_CERTIFICATE (certificate), NULL);

  self = g_object_new (CK_TYPE_TRUST_DIALOG, "transient-for", parent, NULL);
  self->trust = g_object_ref (trust);
  self->verifier = g_object_ref (verifier);
  /* Decisions are the keeper's to record, as for certkeeper-cli trust set. */
  self->keeper = ck_keeper_new (ck_trust_get_store (trust));
  ck_keeper_use_trust (self->keeper, trust, verifier);
  self->certificate = g_object_ref (certificate);
  self->id = ck_store_find_certificate (ck_trust_get_store (trust),
                                        ck_certificate_get_sha256_fingerprint (certificate));
  build (self);
  return self;
}

static void
ck_trust_dialog_dispose (GObject *object)
{
  CkTrustDialog *self = CK_TRUST_DIALOG (object);

  for (guint i = 0; self->rows != NULL && i < self->rows->len; i++)
    {
      PurposeRow *row = self->rows->pdata[i];

      for (guint j = 0; j < G_N_ELEMENTS (row->buttons); j++)
        if (row->buttons[j] != NULL)
          g_signal_handlers_disconnect_by_data (row->buttons[j], row);
    }
  g_clear_pointer (&self->rows, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), CK_TYPE_TRUST_DIALOG);
  g_clear_object (&self->trust);
  g_clear_object (&self->verifier);
  g_clear_object (&self->keeper);
  g_clear_object (&self->certificate);

  G_OBJECT_CLASS (ck_trust_dialog_parent_class)->dispose (object);
}

static void
ck_trust_dialog_finalize (GObject *object)
{
  CkTrustDialog *self = CK_TRUST_DIALOG (object);

  g_free (self->undo_purpose);

  G_OBJECT_CLASS (ck_trust_dialog_parent_class)->finalize (object);
}

static void
ck_trust_dialog_class_init (CkTrustDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ck_trust_dialog_dispose;
  object_class->finalize = ck_trust_dialog_finalize;

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/certkeeper/Certkeeper/ck-trust-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CkTrustDialog, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, CkTrustDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, CkTrustDialog, name_label);
  gtk_widget_class_bind_template_child (widget_class, CkTrustDialog, fingerprint_label);
  gtk_widget_class_bind_template_child (widget_class, CkTrustDialog, purposes_group);
  gtk_widget_class_bind_template_child (widget_class, CkTrustDialog, all_group);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
ck_trust_dialog_init (CkTrustDialog *self)
{
  self->rows = g_ptr_array_new_with_free_func ((GDestroyNotify) purpose_row_free);
  gtk_widget_init_template (GTK_WIDGET (self));
}
