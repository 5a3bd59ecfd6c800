/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gi18n.h>

#include "ck-details-pane.h"
#include "ck-revocation-row.h"
#include "ck-details-row.h"
#include "ck-expiry.h"
#include "ck-trust-status.h"

struct _CkDetailsPane
{
  GtkWidget          parent_instance;

  /* Value labels in the order shown; their "ck-title" data names them. */
  GPtrArray         *values;
  guint              warning_days;

  /* Trust: what the trust line and group show, kept up to date when a
   * decision changes while the certificate is shown. */
  CkTrust           *trust;
  CkVerifier        *verifier;
  char              *purpose;
  CkCertificate     *certificate;
  GtkWidget         *trust_icon;
  GtkLabel          *trust_value;
  GtkWidget         *trust_group;
  /* What the store's CA records say: revoked or not (ck-window-ca.c). */
  GtkWidget         *revocation_group;
  GtkWidget         *description_group;  /* while the description is laid out */
  /* The Renewal group goes after this one (ck_details_pane_set_expiry). */
  GtkWidget         *summary_group;
  GtkWidget         *expiry_group;

  GtkScrolledWindow *scrolled_window;
  GtkBox            *content;
};

G_DEFINE_FINAL_TYPE (CkDetailsPane, ck_details_pane, GTK_TYPE_WIDGET)

enum {
  COPIED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

#define ROW_PLAIN     CK_DETAILS_ROW_PLAIN
#define ROW_MONOSPACE CK_DETAILS_ROW_MONOSPACE
#define ROW_COPY      CK_DETAILS_ROW_COPY

static GtkWidget *
add_group (CkDetailsPane *self,
           const char    *title,
           const char    *description)
{
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  if (description != NULL)
    adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), description);
  gtk_box_append (self->content, group);
  return group;
}

/* The rows every details pane shows (ck-details-row.c). */
static GtkWidget *
add_row (CkDetailsPane     *self,
         GtkWidget         *group,
         const char        *title,
         const char        *value,
         const char        *icon_name,
         CkDetailsRowFlags  flags)
{
  GtkWidget *row = ck_details_row_add (group, title, value, icon_name, flags, GTK_WIDGET (self));

  g_ptr_array_add (self->values, ck_details_row_get_value (row));
  return row;
}

static void
clear (CkDetailsPane *self)
{
  GtkWidget *child;

  g_ptr_array_set_size (self->values, 0);
  g_clear_object (&self->certificate);
  self->trust_icon = NULL;
  self->trust_value = NULL;
  self->trust_group = NULL;
  self->revocation_group = NULL;
  self->summary_group = NULL;
  self->expiry_group = NULL;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->content))) != NULL)
    gtk_box_remove (self->content, child);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scrolled_window), 0);
}

static void
add_header (CkDetailsPane *self,
            const char    *icon_name,
            const char    *title,
            const char    *subtitle)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
  GtkWidget *icon = gtk_image_new_from_icon_name (icon_name);
  GtkWidget *label = gtk_label_new (title);
  GtkWidget *sub = gtk_label_new (subtitle);

  gtk_image_set_pixel_size (GTK_IMAGE (icon), 64);
  gtk_widget_add_css_class (icon, "dim-label");
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, subtitle, -1);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_CENTER);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_add_css_class (label, "title-2");
  gtk_label_set_wrap (GTK_LABEL (sub), TRUE);
  gtk_label_set_justify (GTK_LABEL (sub), GTK_JUSTIFY_CENTER);
  gtk_widget_add_css_class (sub, "dim-label");
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), label);
  gtk_box_append (GTK_BOX (box), sub);
  gtk_box_append (self->content, box);
}

char *
ck_details_pane_field_text (const CkDescriptionField *field)
{
  /* Dates in local time, as the rest of the window shows them. */
  if (field->type == CK_DESCRIPTION_DATE)
    return ck_expiry_format_datetime (field->time);
  return ck_description_field_to_display (field);
}

/* The description's sections, one group each: the same model `show` and
 * `show --json` render. Each value label carries its section and field
 * keys ("ck-section", "ck-field"), so that a test can walk the pane and
 * compare it with the JSON. */
static void
add_description_item (const CkDescriptionSection *section,
                      const CkDescriptionField   *field,
                      gpointer                    user_data)
{
  CkDetailsPane *self = user_data;
  g_autofree char *value = NULL;
  CkDetailsRowFlags flags = ROW_PLAIN;
  GtkLabel *label;

  if (field == NULL)
    {
      g_autofree char *subtitle = ck_description_section_to_subtitle (section);

      self->description_group = add_group (self, section->title, subtitle);
      return;
    }
  value = ck_details_pane_field_text (field);
  if (field->type == CK_DESCRIPTION_HEX)
    flags = ROW_MONOSPACE | ROW_COPY;
  else if (field->type == CK_DESCRIPTION_URI)
    flags = ROW_COPY;
  add_row (self, self->description_group, field->label, value, NULL, flags);
  label = g_ptr_array_index (self->values, self->values->len - 1);
  g_object_set_data_full (G_OBJECT (label), "ck-section", g_strdup (section->key), g_free);
  g_object_set_data_full (G_OBJECT (label), "ck-field", g_strdup (field->key), g_free);
}

/* Trust */

static char *
chain_text (CkDetailsPane  *self,
            CkVerification *verification)
{
  const char * const *chain = ck_verification_get_chain (verification);
  CkStore *store = ck_trust_get_store (self->trust);
  g_autoptr(GString) text = g_string_new (NULL);

  for (guint i = 0; chain != NULL && chain[i] != NULL; i++)
    {
      gint64 id = ck_store_find_certificate (store, chain[i]);
      CkStoredCertificate *row = id != 0 ? ck_store_get_certificate_row (store, id) : NULL;
      const char *name;

      if (row != NULL)
        name = ck_stored_certificate_get_display_name (row);
      else if (chain[i + 1] == NULL && ck_verification_get_anchor_name (verification) != NULL)
        name = ck_verification_get_anchor_name (verification);
      else
        name = chain[i];
      if (text->len > 0)
        g_string_append (text, "\n");
      /* An anchor of the system is not in the store: say where it is from. */
      if (row == NULL && g_strcmp0 (ck_verification_get_anchor_source (verification), "system") == 0)
        /* Translators: a certificate in a chain, from the system's trust store */
        g_string_append_printf (text, _("%s (system trust store, read-only)"), name);
      else
        g_string_append (text, name);
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static char *
decisions_text (CkDetailsPane *self)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) settings = ck_trust_list (self->trust,
                                                 ck_certificate_get_sha256_fingerprint (self->certificate),
                                                 &error);
  g_autoptr(GString) text = g_string_new (NULL);

  if (settings == NULL)
    return g_strdup (error->message);

  for (guint i = 0; i < settings->len; i++)
    {
      CkTrustSetting *setting = settings->pdata[i];
      g_autofree char *day = ck_expiry_format_date (setting->set_at);

      if (text->len > 0)
        g_string_append (text, "\n");
      if (g_str_equal (setting->purpose, CK_PURPOSE_ALL))
        /* Translators: %s is a date */
        g_string_append_printf (text, _("Distrusted for everything (since %s)"), day);
      else if (setting->level == CK_TRUST_TRUSTED)
        /* Translators: "Trusted for TLS server (since 4 Dec 2026)" */
        g_string_append_printf (text, _("Trusted for %s (since %s)"),
                                ck_trust_status_purpose_name (setting->purpose), day);
      else
        g_string_append_printf (text, _("Distrusted for %s (since %s)"),
                                ck_trust_status_purpose_name (setting->purpose), day);
    }
  if (text->len == 0)
    return g_strdup (_("None: importing a certificate never makes it trusted"));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
clear_trust_group (CkDetailsPane *self)
{
  if (self->trust_group != NULL)
    {
      /* Its value labels leave the list that lookup() searches. */
      for (guint i = self->values->len; i-- > 0;)
        if (gtk_widget_is_ancestor (self->values->pdata[i], self->trust_group))
          g_ptr_array_remove_index (self->values, i);
      gtk_box_remove (self->content, self->trust_group);
      self->trust_group = NULL;
    }
}

/* The trust line of the summary and the Trust group after it. */
static void
update_trust (CkDetailsPane *self)
{
  g_autoptr(CkVerification) verification = NULL;
  g_autofree char *reason = NULL;
  g_autofree char *chain = NULL;
  g_autofree char *decisions = NULL;
  g_autoptr(GError) error = NULL;
  GtkWidget *group;
  GtkWidget *button;
  GtkWidget *sibling;
  g_autofree char *title = NULL;

  if (self->certificate == NULL || self->trust_value == NULL)
    return;

  if (self->verifier == NULL)
    {
      gtk_label_set_text (self->trust_value,
                          _("Not trusted: importing a certificate never makes it trusted"));
      return;
    }

  verification = ck_verifier_verify (self->verifier, self->certificate, self->purpose, &error);
  if (verification == NULL)
    {
      gtk_label_set_text (self->trust_value, error->message);
      return;
    }
  reason = ck_trust_status_describe (verification, self->trust);
  gtk_label_set_text (self->trust_value, reason);
  gtk_image_set_from_icon_name (GTK_IMAGE (self->trust_icon),
                                ck_trust_status_icon (ck_verification_get_status (verification)));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->trust_icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  ck_trust_status_label (ck_verification_get_status (verification)),
                                  -1);
  gtk_widget_set_visible (self->trust_icon, TRUE);

  /* The Trust group goes right after the summary. */
  sibling = self->trust_group != NULL ? gtk_widget_get_prev_sibling (self->trust_group) : NULL;
  if (sibling == NULL)
    sibling = gtk_widget_get_ancestor (GTK_WIDGET (self->trust_value), ADW_TYPE_PREFERENCES_GROUP);
  clear_trust_group (self);
  /* Translators: the title of the details pane's trust group: "Trust for TLS Server" */
  title = g_strdup_printf (_("Trust for %s"), ck_trust_status_purpose_name (self->purpose));
  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  button = gtk_button_new_with_mnemonic (_("_Trust Settings…"));
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.trust-settings");
  gtk_widget_set_tooltip_text (button, _("Trust or distrust this certificate (Ctrl+T)"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Trust Settings…"), -1);
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (group), button);
  gtk_box_insert_child_after (self->content, group, sibling);
  self->trust_group = group;

  chain = chain_text (self, verification);
  add_row (self, group, _("Chain"), chain, NULL, ROW_PLAIN);
  decisions = decisions_text (self);
  add_row (self, group, _("Your decisions"), decisions, NULL, ROW_PLAIN);
  {
    GtkWidget *revocation = ck_revocation_row_new (ck_trust_get_store (self->trust),
                                                   self->certificate, self->purpose,
                                                   verification);

    /* What a check stored (a CRL, an OCSP answer) may change the verdict. */
    g_signal_connect_object (revocation, "checked", G_CALLBACK (update_trust), self,
                             G_CONNECT_SWAPPED);
    adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), revocation);
  }
}

static void
trust_changed_cb (CkDetailsPane *self)
{
  update_trust (self);
}

void
ck_details_pane_set_trust (CkDetailsPane *self,
                           CkTrust       *trust,
                           CkVerifier    *verifier)
{
  g_return_if_fail (CK_IS_DETAILS_PANE (self));

  if (self->trust != NULL)
    g_signal_handlers_disconnect_by_data (self->trust, self);
  g_set_object (&self->trust, trust);
  g_set_object (&self->verifier, verifier);
  /* After the verifier's own handler: it must see the change first. */
  if (trust != NULL)
    g_signal_connect_object (trust, "changed", G_CALLBACK (trust_changed_cb), self,
                             G_CONNECT_SWAPPED | G_CONNECT_AFTER);
  update_trust (self);
}

void
ck_details_pane_set_purpose (CkDetailsPane *self,
                             const char    *purpose)
{
  g_return_if_fail (CK_IS_DETAILS_PANE (self));
  g_return_if_fail (purpose != NULL);

  if (g_strcmp0 (self->purpose, purpose) == 0)
    return;
  g_free (self->purpose);
  self->purpose = g_strdup (purpose);
  update_trust (self);
}

void
ck_details_pane_set_revocation (CkDetailsPane *self,
                                const char    *text,
                                gboolean       revoked)
{
  GtkWidget *summary;

  g_return_if_fail (CK_IS_DETAILS_PANE (self));

  if (self->revocation_group != NULL)
    {
      for (guint i = self->values->len; i-- > 0;)
        if (gtk_widget_is_ancestor (self->values->pdata[i], self->revocation_group))
          g_ptr_array_remove_index (self->values, i);
      gtk_box_remove (self->content, self->revocation_group);
      self->revocation_group = NULL;
    }
  if (text == NULL || self->certificate == NULL || self->trust_value == NULL)
    return;
  summary = gtk_widget_get_ancestor (GTK_WIDGET (self->trust_value), ADW_TYPE_PREFERENCES_GROUP);
  self->revocation_group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (self->revocation_group),
                                   _("Revocation"));
  gtk_box_insert_child_after (self->content, self->revocation_group, summary);
  add_row (self, self->revocation_group, _("Revocation"), text,
           revoked ? "dialog-error-symbolic" : NULL, ROW_PLAIN);
}

/* Where the certificate's key is: in the store, on a token (the store
 * keeps only its URI), or nowhere Certkeeper knows of. */
static char *
key_location (CkStore       *store,
              CkCertificate *cert,
              gboolean       has_key)
{
  gint64 key_id = has_key && store != NULL
                  ? ck_store_find_key (store, ck_certificate_get_spki_sha256 (cert)) : 0;
  CkStoredKey *key = key_id != 0 ? ck_store_get_key_row (store, key_id) : NULL;

  if (!has_key)
    return g_strdup (_("Not in the store"));
  if (key != NULL && ck_stored_key_get_pkcs11_uri (key) != NULL)
    {
      g_autofree char *label = ck_token_label_from_uri (ck_stored_key_get_pkcs11_uri (key));

      /* Translators: where a certificate's private key is: "On token “HSM 1”" */
      return label != NULL ? g_strdup_printf (_("On token “%s”"), label)
                           : g_strdup (_("On a security token"));
    }
  return g_strdup (_("In the store"));
}

void
ck_details_pane_show_certificate (CkDetailsPane       *self,
                                  CkStore             *store,
                                  CkStoredCertificate *row,
                                  CkCertificate       *cert)
{
  GtkWidget *group;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 not_after = ck_certificate_get_not_after (cert);
  CkExpiryState state = ck_expiry_get_state (ck_certificate_get_not_before (cert), not_after,
                                             now, self->warning_days);
  g_autofree char *valid_from = ck_expiry_format_datetime (ck_certificate_get_not_before (cert));
  g_autofree char *valid_until = ck_expiry_format_datetime (not_after);
  g_autofree char *relative = ck_expiry_format_relative (not_after, now);
  g_autofree char *until_text = NULL;
  g_autofree char *pem = ck_certificate_to_pem (cert);
  gboolean has_key;
  GtkWidget *trust_row;

  g_return_if_fail (CK_IS_DETAILS_PANE (self));
  g_return_if_fail (CK_IS_CERTIFICATE (cert));

  clear (self);
  g_set_object (&self->certificate, cert);
  has_key = row != NULL ? ck_stored_certificate_get_has_key (row)
                        : ck_store_find_key (store, ck_certificate_get_spki_sha256 (cert)) != 0;

  add_header (self,
              ck_certificate_is_ca (cert) ? "security-high-symbolic" : "application-certificate-symbolic",
              /* Its name in the store (the user's label) where it has one. */
              row != NULL ? ck_stored_certificate_get_display_name (row)
                          : ck_certificate_get_display_name (cert),
              ck_certificate_is_ca (cert) ? _("Certificate authority") : _("Certificate"));

  group = add_group (self, _("Summary"), NULL);
  self->summary_group = group;
  add_row (self, group, _("Issued to"), ck_certificate_get_display_name (cert), NULL, ROW_PLAIN);
  add_row (self, group, _("Issued by"), ck_certificate_get_issuer_display_name (cert), NULL,
           ROW_PLAIN);
  add_row (self, group, _("Valid from"), valid_from, NULL, ROW_PLAIN);
  if (ck_expiry_state_label (state) != NULL)
    until_text = g_strdup_printf ("%s (%s: %s)", valid_until, ck_expiry_state_label (state),
                                  relative);
  else
    until_text = g_strdup_printf ("%s (%s)", valid_until, relative);
  add_row (self, group, _("Valid until"), until_text, ck_expiry_state_icon (state), ROW_PLAIN);
  trust_row = add_row (self, group, _("Trust"),
                       _("Not trusted: importing a certificate never makes it trusted"),
                       "dialog-question-symbolic", ROW_PLAIN);
  self->trust_icon = gtk_widget_get_first_child (gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (trust_row)));
  gtk_widget_set_visible (self->trust_icon, FALSE);
  self->trust_value = g_ptr_array_index (self->values, self->values->len - 1);
  {
    g_autofree char *where = key_location (store, cert, has_key);

    add_row (self, group, _("Private key"), where, NULL, ROW_PLAIN);
  }
  if (row != NULL && ck_stored_certificate_get_source (row) != NULL)
    add_row (self, group, _("Imported from"), ck_stored_certificate_get_source (row), NULL,
             ROW_PLAIN);

  update_trust (self);

  {
    g_autoptr(CkDescription) description = ck_description_new_for_certificate (cert);

    ck_description_foreach (description, add_description_item, self);
    self->description_group = NULL;
  }

  group = add_group (self, _("PEM"), NULL);
  g_strchomp (pem);
  add_row (self, group, _("Certificate in PEM format"), pem, NULL, ROW_MONOSPACE | ROW_COPY);
}

void
ck_details_pane_show_key (CkDetailsPane *self,
                          CkStore       *store,
                          CkStoredKey   *key)
{
  GtkWidget *group;
  g_autofree char *spki = ck_hex_format_colons (ck_stored_key_get_spki_sha256 (key));
  g_autofree char *size = NULL;
  g_autofree char *imported = ck_expiry_format_datetime (ck_stored_key_get_imported_at (key));
  g_autoptr(GArray) ids = NULL;

  g_return_if_fail (CK_IS_DETAILS_PANE (self));
  g_return_if_fail (CK_IS_STORED_KEY (key));

  clear (self);
  add_header (self, "dialog-password-symbolic", ck_stored_key_get_display_name (key),
              _("Private key"));

  group = add_group (self, _("Private Key"), NULL);
  add_row (self, group, _("Algorithm"), ck_stored_key_get_algorithm (key), NULL, ROW_PLAIN);
  if (ck_stored_key_get_curve (key) != NULL)
    add_row (self, group, _("Curve"), ck_stored_key_get_curve (key), NULL, ROW_PLAIN);
  else if (ck_stored_key_get_bits (key) > 0)
    {
      size = g_strdup_printf (ngettext ("%u bit", "%u bits", ck_stored_key_get_bits (key)),
                              ck_stored_key_get_bits (key));
      add_row (self, group, _("Key size"), size, NULL, ROW_PLAIN);
    }
  if (ck_stored_key_get_pkcs11_uri (key) != NULL)
    add_row (self, group, _("Stored on a security token"), ck_stored_key_get_pkcs11_uri (key),
             NULL, ROW_MONOSPACE);
  else if (ck_stored_key_get_encrypted (key))
    add_row (self, group, _("Protection"), _("Encrypted with your passphrase"), NULL, ROW_PLAIN);
  else
    add_row (self, group, _("Protection"),
             _("Not protected by a passphrase: anyone who can read your files can use it"),
             "dialog-warning-symbolic", ROW_PLAIN);
  add_row (self, group, _("Public key SHA-256"), spki, NULL, ROW_MONOSPACE | ROW_COPY);
  add_row (self, group, _("Imported from"), ck_stored_key_get_source (key), NULL, ROW_PLAIN);
  add_row (self, group, _("Imported on"), imported, NULL, ROW_PLAIN);

  group = add_group (self, _("Certificates for This Key"), NULL);
  ids = ck_store_find_certificates_for_key (store, ck_stored_key_get_spki_sha256 (key));
  for (guint i = 0; ids != NULL && i < ids->len; i++)
    {
      CkStoredCertificate *row =
        ck_store_get_certificate_row (store, g_array_index (ids, gint64, i));
      g_autofree char *until = NULL;

      if (row == NULL)
        continue;
      until = ck_expiry_format_cell (ck_stored_certificate_get_not_after (row),
                                     g_get_real_time () / G_USEC_PER_SEC);
      add_row (self, group, ck_stored_certificate_get_display_name (row), until,
               "application-certificate-symbolic", ROW_PLAIN);
    }
  if (ids == NULL || ids->len == 0)
    add_row (self, group, _("None"),
             _("Import the certificate issued for this key and it is matched automatically"),
             NULL, ROW_PLAIN);
}

void
ck_details_pane_show_error (CkDetailsPane *self,
                            const char    *name,
                            const GError  *error)
{
  GtkWidget *group;

  g_return_if_fail (CK_IS_DETAILS_PANE (self));

  clear (self);
  add_header (self, "dialog-error-symbolic", name, _("Cannot be read"));
  group = add_group (self, _("Problem"), NULL);
  add_row (self, group, _("Error"), error != NULL ? error->message : NULL, NULL, ROW_PLAIN);
}

void
ck_details_pane_set_warning_days (CkDetailsPane *self,
                                  guint          days)
{
  g_return_if_fail (CK_IS_DETAILS_PANE (self));

  self->warning_days = days;
}

void
ck_details_pane_set_expiry (CkDetailsPane      *self,
                            const CkExpiryItem *item)
{
  GtkWidget *group, *row, *toggle, *button;
  const char *why;

  g_return_if_fail (CK_IS_DETAILS_PANE (self));

  if (self->expiry_group != NULL)
    {
      gtk_box_remove (self->content, self->expiry_group);
      self->expiry_group = NULL;
    }
  if (item == NULL || self->summary_group == NULL)
    return;

  group = adw_preferences_group_new ();
  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), _("Renewal"));
  gtk_box_insert_child_after (self->content, group, self->summary_group);
  self->expiry_group = group;

  button = gtk_button_new_with_mnemonic (_("_Renew…"));
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.renew");
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (button, _("Make the request that renews this certificate"));
  adw_preferences_group_set_header_suffix (ADW_PREFERENCES_GROUP (group), button);

  if (item->renewed_by != NULL)
    {
      g_autofree char *until = ck_expiry_format_date (ck_stored_certificate_get_not_after (item->renewed_by));
      /* Translators: "Renewed by": the new certificate's name, then its expiry date */
      g_autofree char *text = g_strdup_printf (_("%s, valid until %s"),
                                               ck_stored_certificate_get_display_name (item->renewed_by),
                                               until);

      add_row (self, group, _("Renewed by"), text, "emblem-ok-symbolic", ROW_PLAIN);
    }
  else if (item->request != NULL)
    {
      g_autofree char *since = ck_expiry_format_date (ck_stored_request_get_created_at (item->request));
      /* Translators: a pending renewal request: its name, then the day it was made */
      g_autofree char *text = g_strdup_printf (_("%s, pending since %s"),
                                               ck_stored_request_get_display_name (item->request),
                                               since);

      add_row (self, group, _("Renewal request"), text, NULL, ROW_PLAIN);
    }

  if (item->renewed_by != NULL)
    why = _("Renewed: no longer warned about");
  else if (item->watch == CK_EXPIRY_WATCH_OFF)
    why = _("You chose not to be warned about this certificate");
  else if (item->watch == CK_EXPIRY_WATCH_ON)
    why = _("Watched because you asked");
  else if (item->key != NULL)
    why = _("Watched because its private key is kept here");
  else
    why = _("Not watched: its private key is not kept here");
  row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("_Warn before it expires"));
  adw_preferences_row_set_use_underline (ADW_PREFERENCES_ROW (row), TRUE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), why);
  toggle = gtk_switch_new ();
  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (toggle), "win.warn-about-certificate");
  gtk_accessible_update_property (GTK_ACCESSIBLE (toggle), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Warn before it expires"), -1);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
}

const char *
ck_details_pane_lookup (CkDetailsPane *self,
                        const char    *title)
{
  g_return_val_if_fail (CK_IS_DETAILS_PANE (self), NULL);

  for (guint i = 0; i < self->values->len; i++)
    {
      GtkLabel *label = g_ptr_array_index (self->values, i);

      if (g_strcmp0 (g_object_get_data (G_OBJECT (label), "ck-title"), title) == 0)
        return gtk_label_get_text (label);
    }
  return NULL;
}

static void
ck_details_pane_dispose (GObject *object)
{
  CkDetailsPane *self = CK_DETAILS_PANE (object);

  GtkWidget *child;

  g_clear_pointer (&self->values, g_ptr_array_unref);
  if (self->trust != NULL)
    g_signal_handlers_disconnect_by_data (self->trust, self);
  g_clear_object (&self->trust);
  g_clear_object (&self->verifier);
  g_clear_object (&self->certificate);
  g_clear_pointer (&self->purpose, g_free);

  gtk_widget_dispose_template (GTK_WIDGET (self), CK_TYPE_DETAILS_PANE);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);

  G_OBJECT_CLASS (ck_details_pane_parent_class)->dispose (object);
}

static void
ck_details_pane_class_init (CkDetailsPaneClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ck_details_pane_dispose;

  signals[COPIED] = g_signal_new ("copied", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/certkeeper/Certkeeper/ck-details-pane.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, CkDetailsPane, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, CkDetailsPane, content);
}

static void
ck_details_pane_init (CkDetailsPane *self)
{
  self->values = g_ptr_array_new ();
  self->warning_days = 30;
  self->purpose = g_strdup (CK_PURPOSE_TLS_SERVER);
  gtk_widget_init_template (GTK_WIDGET (self));
}

void
ck_details_pane_show_token_item (CkDetailsPane *self,
                                 CkStore       *store,
                                 CkTokenItem   *item)
{
  const CkTokenObject *object = ck_token_item_get_object (item);
  CkCertificate *certificate = ck_token_item_get_certificate (item);
  g_autofree char *source = ck_token_item_dup_source (item);
  GtkWidget *group;

  g_return_if_fail (CK_IS_DETAILS_PANE (self));
  g_return_if_fail (CK_IS_TOKEN_ITEM (item));

  if (certificate != NULL)
    {
      ck_details_pane_show_certificate (self, store, NULL, certificate);
      /* "In the store" or not says nothing about a key on the token. */
      for (guint i = 0; ck_token_item_get_key_on_token (item) && i < self->values->len; i++)
        {
          GtkLabel *label = g_ptr_array_index (self->values, i);

          if (g_strcmp0 (g_object_get_data (G_OBJECT (label), "ck-title"), _("Private key")) == 0)
            gtk_label_set_text (label, _("On the token, beside the certificate"));
        }
    }
  else
    {
      clear (self);
      add_header (self, "dialog-password-symbolic", ck_token_item_get_display_name (item),
                  g_strcmp0 (object->kind, "public-key") == 0 ? _("Public key on a token")
                                                              : _("Private key on a token"));
    }
  /* Where it lives comes first, right under the header. */
  group = add_group (self, _("On a Security Token"),
                     certificate == NULL ? _("The key never leaves the token: it is used there "
                                             "after a PIN login")
                                         : NULL);
  gtk_box_reorder_child_after (self->content, group,
                               gtk_widget_get_first_child (GTK_WIDGET (self->content)));
  add_row (self, group, _("Source"), source, NULL, ROW_PLAIN);
  add_row (self, group, _("Label"), object->label, NULL, ROW_PLAIN);
  add_row (self, group, _("ID"), object->id_hex[0] != '\0' ? object->id_hex : _("none"), NULL,
           ROW_MONOSPACE);
  add_row (self, group, _("PKCS#11 URI"), object->uri, NULL, ROW_MONOSPACE | ROW_COPY);
}
