/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gi18n.h>

#include "ck-details-pane.h"
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

  GtkScrolledWindow *scrolled_window;
  GtkBox            *content;
};

G_DEFINE_FINAL_TYPE (CkDetailsPane, ck_details_pane, GTK_TYPE_WIDGET)

enum {
  COPIED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

typedef enum {
  ROW_PLAIN     = 0,
  ROW_MONOSPACE = 1 << 0,
  ROW_COPY      = 1 << 1,
} RowFlags;

static void
copy_clicked (GtkButton     *button,
              CkDetailsPane *self)
{
  const char *text = g_object_get_data (G_OBJECT (button), "ck-text");
  const char *what = g_object_get_data (G_OBJECT (button), "ck-title");

  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (button)), text);
  g_signal_emit (self, signals[COPIED], 0, what);
}

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

/* A row with the name above the value: stays readable at 360 px, where
 * name and value side by side would not fit. Values are selectable and
 * wrap anywhere (fingerprints and PEM have no spaces). */
static GtkWidget *
add_row (CkDetailsPane *self,
         GtkWidget     *group,
         const char    *title,
         const char    *value,
         const char    *icon_name,
         RowFlags       flags)
{
  /* An AdwPreferencesRow, so that AdwPreferencesGroup puts it in its boxed
   * list (1.2 only does that for preferences rows). */
  GtkWidget *row = adw_preferences_row_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  GtkWidget *title_label = gtk_label_new (title);
  GtkWidget *value_label = gtk_label_new (value != NULL && value[0] != '\0' ? value : "—");

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), FALSE);
  gtk_widget_set_focusable (row, FALSE);

  gtk_label_set_xalign (GTK_LABEL (title_label), 0);
  gtk_label_set_wrap (GTK_LABEL (title_label), TRUE);
  gtk_widget_add_css_class (title_label, "caption-heading");
  gtk_widget_add_css_class (title_label, "dim-label");

  gtk_label_set_xalign (GTK_LABEL (value_label), 0);
  gtk_label_set_selectable (GTK_LABEL (value_label), TRUE);
  gtk_label_set_wrap (GTK_LABEL (value_label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (value_label), PANGO_WRAP_WORD_CHAR);
  gtk_widget_set_hexpand (value_label, TRUE);
  if (flags & ROW_MONOSPACE)
    gtk_widget_add_css_class (value_label, "monospace");
  gtk_accessible_update_relation (GTK_ACCESSIBLE (value_label),
                                  GTK_ACCESSIBLE_RELATION_LABELLED_BY, title_label, NULL,
                                  -1);
  g_object_set_data_full (G_OBJECT (value_label), "ck-title", g_strdup (title), g_free);
  g_ptr_array_add (self->values, value_label);

  gtk_box_append (GTK_BOX (text), title_label);
  gtk_box_append (GTK_BOX (text), value_label);
  gtk_widget_set_hexpand (text, TRUE);

  gtk_widget_set_margin_top (box, 8);
  gtk_widget_set_margin_bottom (box, 8);
  gtk_widget_set_margin_start (box, 12);
  gtk_widget_set_margin_end (box, 6);
  if (icon_name != NULL)
    {
      GtkWidget *icon = gtk_image_new_from_icon_name (icon_name);

      gtk_widget_set_valign (icon, GTK_ALIGN_CENTER);
      gtk_accessible_update_property (GTK_ACCESSIBLE (icon),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
      gtk_box_append (GTK_BOX (box), icon);
    }
  gtk_box_append (GTK_BOX (box), text);

  if ((flags & ROW_COPY) && value != NULL && value[0] != '\0')
    {
      GtkWidget *button = gtk_button_new_from_icon_name ("edit-copy-symbolic");
      g_autofree char *tooltip = g_strdup_printf (_("Copy %s"), title);

      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_set_tooltip_text (button, tooltip);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
      g_object_set_data_full (G_OBJECT (button), "ck-text", g_strdup (value), g_free);
      g_object_set_data_full (G_OBJECT (button), "ck-title", g_strdup (title), g_free);
      g_signal_connect (button, "clicked", G_CALLBACK (copy_clicked), self);
      gtk_box_append (GTK_BOX (box), button);
    }
  else
    {
      gtk_widget_set_margin_end (box, 12);
    }

  gtk_list_box_row_set_child (GTK_LIST_BOX_ROW (row), box);
  adw_preferences_group_add (ADW_PREFERENCES_GROUP (group), row);
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

static const char *
attribute_title (const CkDnAttribute *attr)
{
  const char *name = ck_oid_get_display_name (attr->oid);

  return name != NULL ? name : attr->oid;
}

static void
add_name_group (CkDetailsPane *self,
                const char    *title,
                GPtrArray     *attributes,
                const char    *rfc4514)
{
  GtkWidget *group = add_group (self, title, NULL);

  for (guint i = 0; attributes != NULL && i < attributes->len; i++)
    {
      const CkDnAttribute *attr = g_ptr_array_index (attributes, i);

      add_row (self, group, attribute_title (attr), attr->value, NULL, ROW_PLAIN);
    }
  if (attributes == NULL || attributes->len == 0)
    add_row (self, group, _("Distinguished name"), rfc4514, NULL, ROW_PLAIN);
}

static char *
with_critical (const char *title,
               gboolean    critical)
{
  /* Translators: a row title for an extension marked critical */
  return critical ? g_strdup_printf (_("%s (critical)"), title) : g_strdup (title);
}

static void
add_usage_group (CkDetailsPane *self,
                 CkCertificate *cert)
{
  GtkWidget *group = add_group (self, _("Usage"), NULL);
  guint usage = 0;
  gboolean critical = FALSE;
  gboolean is_ca = FALSE;
  int path_len = -1;
  const char * const *eku;

  if (ck_certificate_get_key_usage (cert, &usage, &critical))
    {
      g_autoptr(GString) text = g_string_new (NULL);
      g_autofree char *title = with_critical (_("Key usage"), critical);
      const CkKeyUsageBit *bits;
      guint n_bits = 0;

      bits = ck_key_usage_bits (&n_bits);
      for (guint i = 0; i < n_bits; i++)
        if (usage & bits[i].flag)
          g_string_append_printf (text, "%s%s", text->len > 0 ? "\n" : "",
                                  _(bits[i].display_name));
      add_row (self, group, title, text->str, NULL, ROW_PLAIN);
    }

  eku = ck_certificate_get_extended_key_usage (cert, &critical);
  if (eku != NULL)
    {
      g_autoptr(GString) text = g_string_new (NULL);
      g_autofree char *title = with_critical (_("Extended key usage"), critical);

      for (guint i = 0; eku[i] != NULL; i++)
        {
          const char *name = ck_oid_get_display_name (eku[i]);

          g_string_append_printf (text, "%s%s", text->len > 0 ? "\n" : "",
                                  name != NULL ? name : eku[i]);
        }
      add_row (self, group, title, text->str, NULL, ROW_PLAIN);
    }

  if (ck_certificate_get_basic_constraints (cert, &is_ca, &path_len, &critical))
    {
      g_autofree char *title = with_critical (_("Basic constraints"), critical);
      g_autofree char *value = NULL;

      if (!is_ca)
        value = g_strdup (_("Not a certificate authority"));
      else if (path_len < 0)
        value = g_strdup (_("Certificate authority, no limit on the path length"));
      else
        value = g_strdup_printf (ngettext ("Certificate authority, at most %d intermediate below it",
                                           "Certificate authority, at most %d intermediates below it",
                                           path_len), path_len);
      add_row (self, group, title, value, NULL, ROW_PLAIN);
    }
  else
    {
      add_row (self, group, _("Basic constraints"),
               _("Absent: not a certificate authority"), NULL, ROW_PLAIN);
    }
}

static char *
hex_of_bytes (GBytes *bytes)
{
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  g_autofree char *hex = ck_hex_encode (data, len);

  return ck_hex_format_colons (hex);
}

static gboolean
extension_shown_elsewhere (const char *oid)
{
  static const char *decoded[] = {
    CK_OID_EXT_KEY_USAGE, CK_OID_EXT_EXT_KEY_USAGE, CK_OID_EXT_BASIC_CONSTRAINTS,
    CK_OID_EXT_SUBJECT_ALT_NAME,
  };

  for (guint i = 0; i < G_N_ELEMENTS (decoded); i++)
    if (g_strcmp0 (oid, decoded[i]) == 0)
      return TRUE;
  return FALSE;
}

static void
add_extensions_group (CkDetailsPane *self,
                      CkCertificate *cert)
{
  GPtrArray *extensions = ck_certificate_get_extensions (cert);
  GtkWidget *group = NULL;

  for (guint i = 0; extensions != NULL && i < extensions->len; i++)
    {
      const CkExtension *ext = g_ptr_array_index (extensions, i);
      const char *name = ck_oid_get_display_name (ext->oid);
      g_autofree char *title = NULL;
      g_autofree char *value = NULL;

      if (extension_shown_elsewhere (ext->oid))
        continue;
      if (group == NULL)
        group = add_group (self, _("Other Extensions"), NULL);

      /* Translators: an extension's name and its OID */
      title = name != NULL ? g_strdup_printf (_("%s (%s)"), name, ext->oid) : g_strdup (ext->oid);
      if (ext->critical)
        {
          char *critical = with_critical (title, TRUE);

          g_free (title);
          title = critical;
        }

      if (g_strcmp0 (ext->oid, CK_OID_EXT_SUBJECT_KEY_ID) == 0
          && ck_certificate_get_subject_key_id (cert) != NULL)
        value = ck_hex_format_colons (ck_certificate_get_subject_key_id (cert));
      else if (g_strcmp0 (ext->oid, CK_OID_EXT_AUTHORITY_KEY_ID) == 0
               && ck_certificate_get_authority_key_id (cert) != NULL)
        value = ck_hex_format_colons (ck_certificate_get_authority_key_id (cert));
      else
        value = hex_of_bytes (ext->value);

      add_row (self, group, title, value, NULL, ROW_MONOSPACE);
    }
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
  GPtrArray *names;
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 not_after = ck_certificate_get_not_after (cert);
  CkExpiryState state = ck_expiry_get_state (ck_certificate_get_not_before (cert), not_after,
                                             now, self->warning_days);
  g_autofree char *valid_from = ck_expiry_format_datetime (ck_certificate_get_not_before (cert));
  g_autofree char *valid_until = ck_expiry_format_datetime (not_after);
  g_autofree char *relative = ck_expiry_format_relative (not_after, now);
  g_autofree char *until_text = NULL;
  g_autofree char *sha256 = ck_hex_format_colons (ck_certificate_get_sha256_fingerprint (cert));
  g_autofree char *sha1 = ck_hex_format_colons (ck_certificate_get_sha1_fingerprint (cert));
  g_autofree char *spki = ck_hex_format_colons (ck_certificate_get_spki_sha256 (cert));
  g_autofree char *serial = ck_hex_format_colons (ck_certificate_get_serial (cert));
  g_autofree char *version = g_strdup_printf ("%u", ck_certificate_get_version (cert));
  g_autofree char *key_size = NULL;
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
              ck_certificate_get_display_name (cert),
              ck_certificate_is_ca (cert) ? _("Certificate authority") : _("Certificate"));

  group = add_group (self, _("Summary"), NULL);
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

  add_name_group (self, _("Subject"), ck_certificate_get_subject_attributes (cert),
                  ck_certificate_get_subject (cert));
  add_name_group (self, _("Issuer"), ck_certificate_get_issuer_attributes (cert),
                  ck_certificate_get_issuer (cert));

  names = ck_certificate_get_subject_alt_names (cert);
  if (names != NULL && names->len > 0)
    {
      group = add_group (self, _("Subject Alternative Names"), NULL);
      for (guint i = 0; i < names->len; i++)
        {
          const CkGeneralName *name = g_ptr_array_index (names, i);

          add_row (self, group, ck_general_name_kind_get_display_name (name->kind),
                   name->value, NULL, ROW_PLAIN);
        }
    }

  add_usage_group (self, cert);

  group = add_group (self, _("Public Key"), NULL);
  add_row (self, group, _("Algorithm"), ck_certificate_get_key_algorithm (cert), NULL, ROW_PLAIN);
  if (!ck_certificate_get_key_supported (cert))
    {
      add_row (self, group, _("Algorithm OID"), ck_certificate_get_key_algorithm_oid (cert),
               NULL, ROW_MONOSPACE | ROW_COPY);
      add_row (self, group, _("Status"), ck_certificate_get_key_problem (cert),
               "dialog-warning-symbolic", ROW_PLAIN);
    }
  if (ck_certificate_get_key_curve (cert) != NULL)
    add_row (self, group, _("Curve"), ck_certificate_get_key_curve (cert), NULL, ROW_PLAIN);
  else if (ck_certificate_get_key_bits (cert) > 0)
    {
      key_size = g_strdup_printf (ngettext ("%u bit", "%u bits", ck_certificate_get_key_bits (cert)),
                                  ck_certificate_get_key_bits (cert));
      add_row (self, group, _("Key size"), key_size, NULL, ROW_PLAIN);
    }
  add_row (self, group, _("Public key SHA-256"), spki, NULL, ROW_MONOSPACE | ROW_COPY);

  group = add_group (self, _("Fingerprints"), NULL);
  add_row (self, group, _("SHA-256 fingerprint"), sha256, NULL, ROW_MONOSPACE | ROW_COPY);
  add_row (self, group, _("SHA-1 fingerprint"), sha1, NULL, ROW_MONOSPACE | ROW_COPY);
  add_row (self, group, _("Serial number"), serial, NULL, ROW_MONOSPACE | ROW_COPY);
  add_row (self, group, _("Signature algorithm"), ck_certificate_get_signature_algorithm (cert),
           NULL, ROW_PLAIN);
  add_row (self, group, _("Version"), version, NULL, ROW_PLAIN);

  add_extensions_group (self, cert);

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
