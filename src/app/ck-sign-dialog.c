/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gi18n.h>
#include <string.h>

#include "ck-extension-text.h"
#include "ck-expiry.h"
#include "ck-pin-dialog.h"
#include "ck-sign-dialog.h"

/* A CA certificate the user may sign with. */
typedef struct
{
  gint64         id;
  CkCertificate *certificate;
  gint64         key_id;
  char          *token_uri;     /* its key is on a token */
  gboolean       encrypted;     /* its key is in the store, under a passphrase */
} Candidate;

static void
candidate_free (gpointer data)
{
  Candidate *c = data;

  g_clear_object (&c->certificate);
  g_free (c->token_uri);
  g_free (c);
}

/* The profiles a CA may give what it signs: a root is self-signed. */
static const struct {
  CkCertificateProfile profile;
  const char *name;
} profiles[] = {
  { CK_CERTIFICATE_PROFILE_NONE, N_("End entity (no profile)") },
  { CK_CERTIFICATE_PROFILE_TLS_SERVER, N_("TLS server") },
  { CK_CERTIFICATE_PROFILE_TLS_CLIENT, N_("TLS client") },
  { CK_CERTIFICATE_PROFILE_CODE_SIGNING, N_("Code signing") },
  { CK_CERTIFICATE_PROFILE_EMAIL, N_("Email protection") },
  { CK_CERTIFICATE_PROFILE_SUB_CA, N_("Intermediate CA") },
};

static const struct {
  gnutls_digest_algorithm_t hash;
  const char *name;
} hashes[] = {
  { GNUTLS_DIG_UNKNOWN, N_("The CA key’s default") },
  { GNUTLS_DIG_SHA256, "SHA-256" },
  { GNUTLS_DIG_SHA384, "SHA-384" },
  { GNUTLS_DIG_SHA512, "SHA-512" },
};

/* The extensions a request may ask for, each kept or dropped with a
 * switch. */
typedef struct
{
  const char *oid;
  CkKeepFlags flag;      /* CK_KEEP_NONE: kept by OID */
  GtkSwitch  *keep;
  GtkWidget  *row;
} KeepRow;

/* The fields compared side by side. */
enum {
  FIELD_ISSUER,
  FIELD_SUBJECT,
  FIELD_SAN,
  FIELD_KEY_USAGE,
  FIELD_EKU,
  FIELD_BASIC_CONSTRAINTS,
  FIELD_VALIDITY,
  N_FIELDS
};

static const struct {
  const char *id;
  const char *title;
} fields[N_FIELDS] = {
  { "issuer", N_("Issuer") },
  { "subject", N_("Subject") },
  { "subjectAltName", N_("Subject alternative names") },
  { "keyUsage", N_("Key usage") },
  { "extendedKeyUsage", N_("Extended key usage") },
  { "basicConstraints", N_("Basic constraints") },
  { "validity", N_("Validity") },
};

struct _CkSignDialog
{
  AdwWindow            parent_instance;

  CkKeeper            *keeper;
  CkStore             *store;
  GSettings           *settings;
  gint64               request_id;
  CkRequest           *request;
  CkRequestBuilder    *asked;       /* the request, read as a builder */
  GPtrArray           *candidates;  /* Candidate */
  GPtrArray           *not_offered; /* utf8 */
  GArray              *keep_rows;   /* KeepRow */
  GPtrArray           *findings;    /* CkRequestFinding */
  GPtrArray            *finding_rows;
  GPtrArray           *not_offered_rows;
  GtkLabel            *issued_labels[N_FIELDS];
  CkToken             *token;
  GCancellable        *cancellable;
  gint64               urls_for;    /* the CA whose URLs the rows show */
  gboolean             busy;
  gboolean             disposed;

  AdwToastOverlay     *toast_overlay;
  AdwWindowTitle      *window_title;
  GtkWidget           *sign_button;
  GtkWidget           *cancel_button;
  GtkStack            *stack;
  AdwPreferencesGroup *findings_group;
  AdwComboRow         *ca_row;
  GtkEditable         *passphrase_row;
  AdwExpanderRow      *not_offered_row;
  GtkGrid             *compare_grid;
  AdwPreferencesGroup *keep_group;
  AdwComboRow         *profile_row;
  GtkSpinButton       *days_spin;
  AdwComboRow         *hash_row;
  GtkEditable         *serial_row;
  AdwExpanderRow      *path_len_row;
  GtkSpinButton       *path_len_spin;
  GtkEditable         *ca_issuers_row;
  GtkEditable         *ocsp_row;
  GtkEditable         *crl_row;
  AdwStatusPage       *working_page;
  GtkSpinner          *spinner;
  GtkWidget           *stop_button;
  AdwStatusPage       *no_ca_page;
};

G_DEFINE_FINAL_TYPE (CkSignDialog, ck_sign_dialog, ADW_TYPE_WINDOW)

enum {
  ISSUED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void update (CkSignDialog *self);

static Candidate *
chosen_ca (CkSignDialog *self)
{
  guint i = adw_combo_row_get_selected (self->ca_row);

  if (self->candidates == NULL || i == GTK_INVALID_LIST_POSITION || i >= self->candidates->len)
    return NULL;
  return self->candidates->pdata[i];
}

static CkCertificateProfile
chosen_profile (CkSignDialog *self)
{
  guint i = adw_combo_row_get_selected (self->profile_row);

  return i < G_N_ELEMENTS (profiles) ? profiles[i].profile : CK_CERTIFICATE_PROFILE_NONE;
}

/* The serial typed, as DER content octets; NULL for a random one.
 * *@valid is FALSE when it is not hex. */
static GBytes *
chosen_serial (CkSignDialog *self,
               gboolean     *valid)
{
  g_autofree char *hex = ck_hex_normalize (gtk_editable_get_text (self->serial_row));
  gsize len;
  guint8 *octets;

  *valid = TRUE;
  if (hex != NULL && hex[0] == '\0')
    return NULL;
  if (hex == NULL)
    {
      *valid = FALSE;
      return NULL;
    }
  len = (strlen (hex) + 1) / 2;
  octets = g_malloc0 (len);
  /* An odd number of digits reads as if a 0 came first. */
  for (gsize i = 0, digit = strlen (hex) % 2 == 1 ? 1 : 0; hex[i] != '\0'; i++, digit++)
    octets[digit / 2] |= g_ascii_xdigit_value (hex[i]) << (digit % 2 == 0 ? 4 : 0);
  return g_bytes_new_take (octets, len);
}

static const char *
entry_text_or_null (GtkEditable *entry)
{
  const char *text = gtk_editable_get_text (entry);

  return text[0] != '\0' ? text : NULL;
}

/* The certificate the form describes, for the preview, the checks and the
 * keeper (which copies it). NULL while the serial is not hex. */
static CkCertificateBuilder *
make_builder (CkSignDialog *self,
              gboolean     *serial_valid)
{
  g_autoptr(CkCertificateBuilder) builder = ck_certificate_builder_new_for_request (self->request);
  g_autoptr(GPtrArray) oids = g_ptr_array_new ();
  g_autoptr(GBytes) serial = NULL;
  CkKeepFlags keep = CK_KEEP_NONE;

  ck_certificate_builder_set_profile (builder, chosen_profile (self));
  for (guint i = 0; i < self->keep_rows->len; i++)
    {
      KeepRow *row = &g_array_index (self->keep_rows, KeepRow, i);

      if (!gtk_switch_get_active (row->keep))
        continue;
      if (row->flag != CK_KEEP_NONE)
        keep |= row->flag;
      else
        g_ptr_array_add (oids, (gpointer) row->oid);
    }
  g_ptr_array_add (oids, NULL);
  ck_certificate_builder_set_keep (builder, keep, (const char * const *) oids->pdata);
  ck_certificate_builder_set_days (builder, (guint) gtk_spin_button_get_value_as_int (self->days_spin));
  ck_certificate_builder_set_hash (builder, hashes[MIN (adw_combo_row_get_selected (self->hash_row),
                                                        G_N_ELEMENTS (hashes) - 1)].hash);
  serial = chosen_serial (self, serial_valid);
  ck_certificate_builder_set_serial (builder, serial);
  ck_certificate_builder_set_path_len (builder,
                                       adw_expander_row_get_enable_expansion (self->path_len_row)
                                       ? gtk_spin_button_get_value_as_int (self->path_len_spin)
                                       : -2);
  ck_certificate_builder_set_ca_issuers_url (builder, entry_text_or_null (self->ca_issuers_row));
  ck_certificate_builder_set_ocsp_url (builder, entry_text_or_null (self->ocsp_row));
  ck_certificate_builder_set_crl_url (builder, entry_text_or_null (self->crl_row));
  return g_steal_pointer (&builder);
}

/* --- The side-by-side comparison --------------------------------------- */

static char *
field_text (CkRequestBuilder *contents,
            guint             field)
{
  gboolean critical = FALSE, is_ca = FALSE;
  int path_len = -1;
  guint usage;
  const char * const *eku;
  g_autofree char *text = NULL;

  switch (field)
    {
    case FIELD_SUBJECT:
      text = ck_request_builder_get_subject_string (contents);
      break;
    case FIELD_SAN:
      text = ck_general_names_text (ck_request_builder_get_sans (contents));
      break;
    case FIELD_KEY_USAGE:
      usage = ck_request_builder_get_key_usage (contents, &critical);
      text = ck_key_usage_text (usage);
      break;
    case FIELD_EKU:
      eku = ck_request_builder_get_extended_key_usage (contents, &critical);
      text = ck_extended_key_usage_text (eku);
      break;
    case FIELD_BASIC_CONSTRAINTS:
      if (ck_request_builder_get_basic_constraints (contents, &is_ca, &path_len, &critical))
        text = ck_basic_constraints_text (is_ca, path_len);
      break;
    default:
      break;
    }
  if (text == NULL || text[0] == '\0')
    return g_strdup (_("None"));
  if (critical)
    {
      /* Translators: an extension's value, then that it is marked critical */
      return g_strdup_printf (_("%s\n(critical)"), text);
    }
  return g_steal_pointer (&text);
}

static GtkLabel *
grid_label (CkSignDialog *self,
            const char   *text,
            int           column,
            int           row,
            const char   *css_class)
{
  GtkWidget *label = gtk_label_new (text);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_yalign (GTK_LABEL (label), 0);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_selectable (GTK_LABEL (label), column > 0 && row > 0);
  gtk_widget_set_hexpand (label, column > 0);
  /* Two value columns of the same width, wrapping rather than widening
   * the dialog. */
  if (column > 0)
    {
      gtk_label_set_width_chars (GTK_LABEL (label), 16);
      gtk_label_set_max_width_chars (GTK_LABEL (label), 30);
    }
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  gtk_grid_attach (self->compare_grid, label, column, row, 1, 1);
  return GTK_LABEL (label);
}

static char *
validity_text (CkCertificateBuilder *builder)
{
  gint64 not_before = 0, not_after = 0;
  g_autofree char *from = NULL;
  g_autofree char *until = NULL;
  double days;

  ck_certificate_builder_get_validity (builder, &not_before, &not_after);
  from = ck_expiry_format_date (not_before);
  until = ck_expiry_format_date (not_after);
  days = (double) (not_after - not_before + 1) / (24 * 60 * 60);
  /* Translators: "1 Jan 2027 to 6 Feb 2028 (398 days)" */
  return g_strdup_printf (ngettext ("%s to %s (%.0f day)", "%s to %s (%.0f days)",
                                    (gulong) (days + 0.5)), from, until, days);
}

static void
build_grid (CkSignDialog *self)
{
  for (guint f = 0; f < N_FIELDS; f++)
    {
      g_autofree char *asked = f == FIELD_VALIDITY || f == FIELD_ISSUER
                               ? g_strdup (_("Not part of a request: the CA chooses"))
                               : field_text (self->asked, f);

      grid_label (self, _(fields[f].title), 0, f + 1, "dim-label");
      grid_label (self, asked, 1, f + 1, NULL);
      self->issued_labels[f] = grid_label (self, "", 2, f + 1, NULL);
    }
  grid_label (self, _("Requested"), 1, 0, "heading");
  grid_label (self, _("Will be issued"), 2, 0, "heading");
}

static void
update_grid (CkSignDialog         *self,
             CkCertificateBuilder *builder,
             Candidate            *ca)
{
  g_autoptr(CkRequestBuilder) issued = ck_certificate_builder_get_contents (builder);

  for (guint f = 0; f < N_FIELDS; f++)
    {
      g_autofree char *text = NULL;
      g_autofree char *asked = f == FIELD_VALIDITY || f == FIELD_ISSUER
                               ? NULL : field_text (self->asked, f);

      if (f == FIELD_VALIDITY)
        text = validity_text (builder);
      else if (f == FIELD_ISSUER && ca != NULL)
        {
          /* Written as the subject is. */
          g_autoptr(CkRequestBuilder) issuer = ck_request_builder_new_from_certificate (ca->certificate);

          text = ck_request_builder_get_subject_string (issuer);
        }
      else if (f == FIELD_ISSUER)
        text = g_strdup (_("None"));
      else
        text = field_text (issued, f);
      gboolean differs = asked != NULL && g_strcmp0 (asked, text) != 0;

      gtk_label_set_text (self->issued_labels[f], text);
      /* What the CA changes stands out. */
      if (differs)
        gtk_widget_add_css_class (GTK_WIDGET (self->issued_labels[f]), "accent");
      else
        gtk_widget_remove_css_class (GTK_WIDGET (self->issued_labels[f]), "accent");
    }
}

/* --- Findings ---------------------------------------------------------- */

static void
show_findings (CkSignDialog *self)
{
  for (guint i = 0; i < self->finding_rows->len; i++)
    adw_preferences_group_remove (self->findings_group, self->finding_rows->pdata[i]);
  g_ptr_array_set_size (self->finding_rows, 0);

  for (guint i = 0; i < self->findings->len; i++)
    {
      CkRequestFinding *finding = self->findings->pdata[i];
      gboolean error = finding->severity == CK_FINDING_ERROR;
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *icon = gtk_image_new_from_icon_name (error ? "dialog-error-symbolic"
                                                            : "dialog-warning-symbolic");

      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), finding->message);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), error ? _("Error: blocks signing")
                                                               : _("Warning"));
      gtk_widget_add_css_class (icon, error ? "error" : "warning");
      gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      error ? _("Error") : _("Warning"), -1);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), icon);
      adw_preferences_group_add (self->findings_group, row);
      g_ptr_array_add (self->finding_rows, row);
    }
  gtk_widget_set_visible (GTK_WIDGET (self->findings_group), self->findings->len > 0);
}

static void
add_finding (GPtrArray         *findings,
             CkFindingSeverity  severity,
             const char        *field,
             const char        *message)
{
  CkRequestFinding finding = { severity, (char *) field, (char *) message };

  /* Errors first, as the core orders them. */
  if (severity == CK_FINDING_ERROR)
    g_ptr_array_insert (findings, 0, ck_request_finding_copy (&finding));
  else
    g_ptr_array_add (findings, ck_request_finding_copy (&finding));
}

/* --- The CA's URLs, remembered per CA ------------------------------------ */

static void
load_urls (CkSignDialog *self,
           Candidate    *ca)
{
  g_autoptr(GVariant) urls = NULL;
  const char *ca_issuers = "", *ocsp = "", *crl = "";

  if (ca == NULL || ca->id == self->urls_for)
    return;
  self->urls_for = ca->id;
  if (self->settings != NULL)
    {
      urls = g_settings_get_value (self->settings, "ca-urls");
      g_variant_lookup (urls, ck_certificate_get_sha256_fingerprint (ca->certificate),
                        "(&s&s&s)", &ca_issuers, &ocsp, &crl);
    }
  gtk_editable_set_text (self->ca_issuers_row, ca_issuers);
  gtk_editable_set_text (self->ocsp_row, ocsp);
  gtk_editable_set_text (self->crl_row, crl);
}

static void
save_urls (CkSignDialog *self,
           Candidate    *ca)
{
  g_autoptr(GVariant) old = NULL;
  g_auto(GVariantBuilder) builder = G_VARIANT_BUILDER_INIT (G_VARIANT_TYPE ("a{s(sss)}"));
  const char *fingerprint = ck_certificate_get_sha256_fingerprint (ca->certificate);
  GVariantIter iter;
  const char *key;
  GVariant *value;

  if (self->settings == NULL)
    return;
  old = g_settings_get_value (self->settings, "ca-urls");
  g_variant_iter_init (&iter, old);
  while (g_variant_iter_next (&iter, "{&s@(sss)}", &key, &value))
    {
      if (!g_str_equal (key, fingerprint))
        g_variant_builder_add (&builder, "{s@(sss)}", key, value);
      g_variant_unref (value);
    }
  g_variant_builder_add (&builder, "{s(sss)}", fingerprint,
                         gtk_editable_get_text (self->ca_issuers_row),
                         gtk_editable_get_text (self->ocsp_row),
                         gtk_editable_get_text (self->crl_row));
  g_settings_set_value (self->settings, "ca-urls", g_variant_builder_end (&builder));
}

/* --- Updating ------------------------------------------------------------ */

static void
update (CkSignDialog *self)
{
  g_autoptr(CkCertificateBuilder) builder = NULL;
  Candidate *ca = chosen_ca (self);
  gboolean serial_valid = TRUE, will_be_ca = FALSE, blocked;
  g_autoptr(CkRequestBuilder) issued = NULL;

  if (self->request == NULL || self->busy)
    return;

  load_urls (self, ca);
  builder = make_builder (self, &serial_valid);
  update_grid (self, builder, ca);

  g_clear_pointer (&self->findings, g_ptr_array_unref);
  self->findings = ck_certificate_builder_check (builder, ca != NULL ? ca->certificate : NULL);
  if (!serial_valid)
    add_finding (self->findings, CK_FINDING_ERROR, "serial",
                 _("The serial number must be hexadecimal octets, such as 01:A4:3F"));
  if (ca == NULL)
    add_finding (self->findings, CK_FINDING_ERROR, "issuer", _("Choose the CA that signs"));
  show_findings (self);

  issued = ck_certificate_builder_get_contents (builder);
  ck_request_builder_get_basic_constraints (issued, &will_be_ca, NULL, NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->path_len_row), will_be_ca);
  gtk_widget_set_visible (GTK_WIDGET (self->passphrase_row), ca != NULL && ca->encrypted);

  blocked = ck_request_findings_have_errors (self->findings)
            || (ca != NULL && ca->encrypted
                && gtk_editable_get_text (self->passphrase_row)[0] == '\0');
  gtk_widget_set_sensitive (self->sign_button, !blocked);
}

/* --- The CAs ------------------------------------------------------------- */

/* Why @cert cannot sign, in the core's words: its refusal of the issuer
 * for this request. NULL when it can. */
static char *
issuer_problem (CkSignDialog  *self,
                CkCertificate *cert)
{
  g_autoptr(CkCertificateBuilder) builder = ck_certificate_builder_new_for_request (self->request);
  g_autoptr(GPtrArray) findings = ck_certificate_builder_check (builder, cert);

  for (guint i = 0; i < findings->len; i++)
    {
      CkRequestFinding *finding = findings->pdata[i];

      if (finding->severity == CK_FINDING_ERROR && g_strcmp0 (finding->field, "issuer") == 0)
        return g_strdup (finding->message);
    }
  return NULL;
}

static void
add_not_offered (CkSignDialog *self,
                 const char   *name,
                 const char   *reason)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), reason);
  adw_expander_row_add_row (self->not_offered_row, row);
  g_ptr_array_add (self->not_offered, g_strdup_printf ("%s: %s", name, reason));
}

static void
find_cas (CkSignDialog *self)
{
  GListModel *certificates = ck_store_get_certificates (self->store);
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  g_autofree char *count = NULL;

  for (guint i = 0; i < g_list_model_get_n_items (certificates); i++)
    {
      g_autoptr(CkStoredCertificate) row = g_list_model_get_item (certificates, i);
      g_autoptr(CkCertificate) cert = NULL;
      g_autofree char *problem = NULL;
      CkStoredKey *key = NULL;
      gint64 key_id = 0;
      Candidate *candidate;

      /* Only CAs are explained: every other certificate is not one. */
      if (!ck_stored_certificate_get_is_ca (row))
        continue;
      cert = ck_store_load_certificate (self->store, ck_stored_certificate_get_id (row), NULL);
      if (cert == NULL)
        continue;
      if (ck_stored_certificate_get_has_key (row))
        key_id = ck_store_find_key (self->store, ck_certificate_get_spki_sha256 (cert));
      key = key_id != 0 ? ck_store_get_key_row (self->store, key_id) : NULL;
      if (key == NULL)
        {
          add_not_offered (self, ck_stored_certificate_get_display_name (row),
                           _("Its private key is neither in the store nor on a token the store knows"));
          continue;
        }
      problem = issuer_problem (self, cert);
      if (problem != NULL)
        {
          add_not_offered (self, ck_stored_certificate_get_display_name (row), problem);
          continue;
        }

      candidate = g_new0 (Candidate, 1);
      candidate->id = ck_stored_certificate_get_id (row);
      candidate->certificate = g_steal_pointer (&cert);
      candidate->key_id = key_id;
      candidate->token_uri = g_strdup (ck_stored_key_get_pkcs11_uri (key));
      candidate->encrypted = candidate->token_uri == NULL && ck_stored_key_get_encrypted (key);
      g_ptr_array_add (self->candidates, candidate);
      gtk_string_list_append (names, ck_stored_certificate_get_display_name (row));
    }

  adw_combo_row_set_model (self->ca_row, G_LIST_MODEL (names));
  gtk_widget_set_visible (GTK_WIDGET (self->not_offered_row), self->not_offered->len > 0);
  count = g_strdup_printf (ngettext ("%u CA certificate of the store cannot sign",
                                     "%u CA certificates of the store cannot sign",
                                     self->not_offered->len), self->not_offered->len);
  adw_expander_row_set_subtitle (self->not_offered_row, count);

  if (self->candidates->len == 0)
    {
      g_autofree char *reasons = NULL;

      g_ptr_array_add (self->not_offered, NULL);
      reasons = g_strjoinv ("\n", (char **) self->not_offered->pdata);
      g_ptr_array_remove_index (self->not_offered, self->not_offered->len - 1);
      adw_status_page_set_description (self->no_ca_page,
                                       self->not_offered->len > 0
                                       ? reasons
                                       : _("The store holds no CA certificate. Make one with "
                                           "New Self-Signed Certificate (profile Root CA), or import "
                                           "a CA certificate with its key."));
      gtk_stack_set_visible_child_name (self->stack, "no-ca");
      gtk_widget_set_visible (self->sign_button, FALSE);
    }
}

static void
ca_subtitle (CkSignDialog *self)
{
  Candidate *ca = chosen_ca (self);
  g_autofree char *label = NULL;
  g_autofree char *text = NULL;

  if (ca == NULL)
    return;
  if (ca->token_uri != NULL)
    {
      label = ck_token_label_from_uri (ca->token_uri);
      /* Translators: where a CA's key is: "Key on token “HSM 1”" */
      text = label != NULL ? g_strdup_printf (_("Key on token “%s”"), label)
                           : g_strdup (_("Key on a security token"));
    }
  else
    text = g_strdup (ca->encrypted ? _("Key in the store, under a passphrase")
                                   : _("Key in the store"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->ca_row), text);
}

static void
ca_changed (CkSignDialog *self)
{
  gtk_editable_set_text (self->passphrase_row, "");
  g_clear_object (&self->token);
  ca_subtitle (self);
  update (self);
}

/* --- Requested extensions -------------------------------------------------- */

static void
keep_toggled (CkSignDialog *self)
{
  /* A CA:TRUE kept is said on its row as well as in the findings. */
  for (guint i = 0; i < self->keep_rows->len; i++)
    {
      KeepRow *row = &g_array_index (self->keep_rows, KeepRow, i);
      gboolean is_ca = FALSE;

      if (row->flag == CK_KEEP_BASIC_CONSTRAINTS
          && ck_request_builder_get_basic_constraints (self->asked, &is_ca, NULL, NULL) && is_ca)
        {
          if (gtk_switch_get_active (row->keep))
            gtk_widget_add_css_class (row->row, "warning");
          else
            gtk_widget_remove_css_class (row->row, "warning");
        }
    }
  update (self);
}

static void
add_keep_row (CkSignDialog *self,
              const char   *oid,
              CkKeepFlags   flag,
              const char   *title,
              const char   *value,
              gboolean      keep)
{
  KeepRow row = { oid, flag, NULL, NULL };
  GtkWidget *toggle = gtk_switch_new ();

  row.row = adw_action_row_new ();
  row.keep = GTK_SWITCH (toggle);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row.row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row.row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row.row), value);
  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  gtk_switch_set_active (row.keep, keep);
  {
    /* Translators: the accessible name of a switch: "Keep Key usage" */
    g_autofree char *name = g_strdup_printf (_("Keep %s"), title);

    gtk_accessible_update_property (GTK_ACCESSIBLE (toggle), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
  }
  adw_action_row_add_suffix (ADW_ACTION_ROW (row.row), toggle);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row.row), toggle);
  adw_preferences_group_add (self->keep_group, row.row);
  g_signal_connect_object (toggle, "notify::active", G_CALLBACK (keep_toggled), self,
                           G_CONNECT_SWAPPED);
  g_array_append_val (self->keep_rows, row);
}

static void
build_keep_rows (CkSignDialog *self)
{
  gboolean critical = FALSE, is_ca = FALSE;
  int path_len = -1;
  GPtrArray *extensions = ck_request_builder_get_extensions (self->asked);
  GArray *features = ck_request_builder_get_tls_features (self->asked);

  if (ck_request_builder_get_sans (self->asked)->len > 0)
    {
      g_autofree char *text = field_text (self->asked, FIELD_SAN);

      add_keep_row (self, CK_OID_EXT_SUBJECT_ALT_NAME, CK_KEEP_SUBJECT_ALT_NAME,
                    _("Subject alternative names"), text, TRUE);
    }
  if (ck_request_builder_get_key_usage (self->asked, &critical) != 0)
    {
      g_autofree char *text = field_text (self->asked, FIELD_KEY_USAGE);

      add_keep_row (self, CK_OID_EXT_KEY_USAGE, CK_KEEP_KEY_USAGE, _("Key usage"), text, TRUE);
    }
  {
    const char * const *eku = ck_request_builder_get_extended_key_usage (self->asked, &critical);

    if (eku != NULL && eku[0] != NULL)
      {
        g_autofree char *text = field_text (self->asked, FIELD_EKU);

        add_keep_row (self, CK_OID_EXT_EXT_KEY_USAGE, CK_KEEP_EXTENDED_KEY_USAGE,
                      _("Extended key usage"), text, TRUE);
      }
  }
  if (ck_request_builder_get_basic_constraints (self->asked, &is_ca, &path_len, &critical))
    {
      g_autofree char *text = field_text (self->asked, FIELD_BASIC_CONSTRAINTS);
      g_autofree char *subtitle = is_ca
                                  ? g_strdup_printf (_("%s\nKeeping it makes the certificate a CA "
                                                       "that can issue certificates of its own"),
                                                     text)
                                  : g_strdup (text);

      /* Never kept silently: a CA:TRUE is off until the user turns it on. */
      add_keep_row (self, CK_OID_EXT_BASIC_CONSTRAINTS, CK_KEEP_BASIC_CONSTRAINTS,
                    _("Basic constraints"), subtitle, !is_ca);
    }
  if (features->len > 0)
    add_keep_row (self, CK_OID_EXT_TLS_FEATURE, CK_KEEP_TLS_FEATURE,
                  _("TLS feature (OCSP must-staple)"), _("Requested"), TRUE);
  for (guint i = 0; i < extensions->len; i++)
    {
      const CkExtension *ext = extensions->pdata[i];
      const char *name = ck_oid_get_display_name (ext->oid);

      /* Computed by the CA, never copied. */
      if (g_str_equal (ext->oid, CK_OID_EXT_SUBJECT_KEY_ID)
          || g_str_equal (ext->oid, CK_OID_EXT_AUTHORITY_KEY_ID))
        continue;
      /* Unknown extensions stay out unless the user keeps them. */
      add_keep_row (self, ext->oid, CK_KEEP_NONE, name != NULL ? name : ext->oid,
                    ext->critical ? _("Critical") : ext->oid, FALSE);
    }
  if (self->keep_rows->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("The request asks for no extensions"));
      adw_preferences_group_add (self->keep_group, row);
    }
}

/* The profile the request suggests: its own when made here, else by its
 * extended key usage. Never a CA: the user chooses that. */
static guint
suggested_profile (CkSignDialog *self)
{
  CkStoredRequest *row = ck_store_get_request_row (self->store, self->request_id);
  const char *name = row != NULL ? ck_stored_request_get_profile (row) : NULL;
  const char * const *eku = ck_request_builder_get_extended_key_usage (self->asked, NULL);
  CkCertificateProfile profile = CK_CERTIFICATE_PROFILE_NONE;

  if (name == NULL || !ck_certificate_profile_from_string (name, &profile))
    {
      profile = CK_CERTIFICATE_PROFILE_NONE;
      if (eku != NULL && g_strv_contains (eku, CK_OID_EKU_SERVER_AUTH))
        profile = CK_CERTIFICATE_PROFILE_TLS_SERVER;
      else if (eku != NULL && g_strv_contains (eku, CK_OID_EKU_CLIENT_AUTH))
        profile = CK_CERTIFICATE_PROFILE_TLS_CLIENT;
      else if (eku != NULL && g_strv_contains (eku, CK_OID_EKU_CODE_SIGNING))
        profile = CK_CERTIFICATE_PROFILE_CODE_SIGNING;
      else if (eku != NULL && g_strv_contains (eku, CK_OID_EKU_EMAIL_PROTECTION))
        profile = CK_CERTIFICATE_PROFILE_EMAIL;
    }
  for (guint i = 0; i < G_N_ELEMENTS (profiles); i++)
    if (profiles[i].profile == profile && profile != CK_CERTIFICATE_PROFILE_SUB_CA)
      return i;
  return 0;
}

/* The default validity of a profile: what the core picks for days = 0. */
static guint
profile_days (CkSignDialog *self)
{
  g_autoptr(CkCertificateBuilder) builder = ck_certificate_builder_new_for_request (self->request);
  gint64 not_before = 0, not_after = 0;

  ck_certificate_builder_set_profile (builder, chosen_profile (self));
  ck_certificate_builder_get_validity (builder, &not_before, &not_after);
  return (guint) ((not_after - not_before + 1 + 24 * 60 * 60 - 1) / (24 * 60 * 60));
}

static void
profile_changed (CkSignDialog *self)
{
  gtk_spin_button_set_value (self->days_spin, profile_days (self));
  update (self);
}

/* --- Signing ------------------------------------------------------------- */

static void
set_busy (CkSignDialog *self,
          gboolean      busy)
{
  self->busy = busy;
  gtk_spinner_set_spinning (self->spinner, busy);
  gtk_stack_set_visible_child_name (self->stack, busy ? "working" : "form");
  gtk_widget_set_sensitive (self->sign_button, !busy);
  gtk_widget_set_sensitive (self->cancel_button, !busy);
  gtk_window_set_deletable (GTK_WINDOW (self), !busy);
}

static void
show_error (CkSignDialog *self,
            const char   *message)
{
  AdwToast *toast = adw_toast_new (message);

  adw_toast_set_timeout (toast, 0);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
sign_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  g_autoptr(CkSignDialog) self = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(CkKeeperIssued) issued = NULL;
  Candidate *ca;

  issued = ck_keeper_sign_request_finish (CK_KEEPER (source), result, &error);
  if (self->disposed)
    return;
  set_busy (self, FALSE);
  if (issued == NULL)
    {
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        show_error (self, _("Signing cancelled; nothing was stored"));
      else if (g_error_matches (error, CK_ERROR, CK_ERROR_BAD_PASSWORD)
               || g_error_matches (error, CK_ERROR, CK_ERROR_PASSWORD_REQUIRED))
        {
          show_error (self, g_error_matches (error, CK_ERROR, CK_ERROR_BAD_PASSWORD)
                            ? _("The passphrase of the CA’s key is wrong. Type it again.")
                            : _("The CA’s key is encrypted: type its passphrase."));
          gtk_widget_grab_focus (GTK_WIDGET (self->passphrase_row));
        }
      else
        show_error (self, error->message);
      update (self);
      return;
    }
  ca = chosen_ca (self);
  if (ca != NULL)
    save_urls (self, ca);
  g_signal_emit (self, signals[ISSUED], 0, issued->certificate_id,
                 issued->issued_requests != NULL && issued->issued_requests->len > 0);
  gtk_window_destroy (GTK_WINDOW (self));
}

static void
start_signing (CkSignDialog *self)
{
  g_autoptr(CkCertificateBuilder) builder = NULL;
  Candidate *ca = chosen_ca (self);
  CkKeeperSigner signer = { 0, };
  gboolean serial_valid = TRUE;
  g_autofree char *what = NULL;

  if (ca == NULL)
    return;
  builder = make_builder (self, &serial_valid);
  if (!serial_valid)
    return;

  /* The keeper copies what it needs. */
  signer.ca_id = ca->id;
  if (ca->encrypted)
    signer.passphrase = gtk_editable_get_text (self->passphrase_row);

  if (ca->token_uri != NULL)
    {
      g_autofree char *label = ck_token_label_from_uri (ca->token_uri);

      /* Translators: progress while a token signs: "On token “HSM 1”" */
      what = g_strdup_printf (_("On token “%s”. You can cancel until the certificate is stored."),
                              label != NULL ? label : "?");
    }
  adw_status_page_set_title (self->working_page, _("Signing the Certificate…"));
  adw_status_page_set_description (self->working_page, what);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  set_busy (self, TRUE);
  ck_keeper_sign_request_async (self->keeper, builder, &signer, NULL, NULL, self->cancellable,
                                sign_done, g_object_ref (self));
}

static void
token_login_done (GObject      *source,
                  GAsyncResult *result,
                  gpointer      user_data)
{
  g_autoptr(CkSignDialog) self = user_data;
  g_autoptr(GError) error = NULL;

  if (self->disposed)
    return;
  if (ck_pin_dialog_login_finish (result, &error))
    start_signing (self);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_error (self, error->message);
}

static void
sign_clicked_cb (CkSignDialog *self)
{
  Candidate *ca = chosen_ca (self);
  g_autoptr(GError) error = NULL;

  update (self);
  if (ca == NULL || self->busy || !gtk_widget_get_sensitive (self->sign_button))
    return;
  if (ca->token_uri == NULL)
    {
      start_signing (self);
      return;
    }
  /* A CA key on a token signs there: log in first, with the PIN dialog. */
  if (self->token == NULL)
    self->token = ck_token_lookup (ca->token_uri, &error);
  if (self->token == NULL)
    {
      show_error (self, error->message);
      return;
    }
  if (!ck_token_needs_login (self->token) || ck_token_is_logged_in (self->token))
    {
      start_signing (self);
      return;
    }
  ck_pin_dialog_login_async (GTK_WINDOW (self), self->token, NULL, token_login_done,
                             g_object_ref (self));
}

static void
stop_clicked_cb (CkSignDialog *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

static void
cancel_clicked_cb (CkSignDialog *self)
{
  gtk_window_close (GTK_WINDOW (self));
}

/* --- Public -------------------------------------------------------------- */

CkSignDialog *
ck_sign_dialog_new (GtkWindow *parent,
                    CkKeeper  *keeper,
                    GSettings *settings,
                    gint64     request_id)
{
  CkSignDialog *self;
  g_autoptr(GError) error = NULL;
  g_autoptr(GtkStringList) profile_names = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) hash_names = gtk_string_list_new (NULL);

  g_return_val_if_fail (CK_IS_KEEPER (keeper), NULL);
  g_return_val_if_fail (ck_keeper_get_store (keeper) != NULL, NULL);

  self = g_object_new (CK_TYPE_SIGN_DIALOG, "transient-for", parent, NULL);
  self->keeper = g_object_ref (keeper);
  self->store = g_object_ref (ck_keeper_get_store (keeper));
  self->settings = settings != NULL ? g_object_ref (settings) : NULL;
  self->request_id = request_id;
  self->request = ck_store_load_request (self->store, request_id, &error);
  if (self->request == NULL)
    {
      adw_status_page_set_title (self->no_ca_page, _("Cannot Read the Request"));
      adw_status_page_set_description (self->no_ca_page, error->message);
      gtk_stack_set_visible_child_name (self->stack, "no-ca");
      gtk_widget_set_visible (self->sign_button, FALSE);
      return self;
    }
  self->asked = ck_request_builder_new_from_request (self->request);
  adw_window_title_set_subtitle (self->window_title, ck_request_get_display_name (self->request));

  for (guint i = 0; i < G_N_ELEMENTS (profiles); i++)
    gtk_string_list_append (profile_names, _(profiles[i].name));
  adw_combo_row_set_model (self->profile_row, G_LIST_MODEL (profile_names));
  adw_combo_row_set_selected (self->profile_row, suggested_profile (self));
  for (guint i = 0; i < G_N_ELEMENTS (hashes); i++)
    gtk_string_list_append (hash_names, _(hashes[i].name));
  adw_combo_row_set_model (self->hash_row, G_LIST_MODEL (hash_names));
  gtk_spin_button_set_value (self->days_spin, profile_days (self));

  build_grid (self);
  build_keep_rows (self);
  find_cas (self);

  g_signal_connect_object (self->ca_row, "notify::selected", G_CALLBACK (ca_changed), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->profile_row, "notify::selected", G_CALLBACK (profile_changed),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->hash_row, "notify::selected", G_CALLBACK (update), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->days_spin, "value-changed", G_CALLBACK (update), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->path_len_spin, "value-changed", G_CALLBACK (update), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->path_len_row, "notify::enable-expansion", G_CALLBACK (update),
                           self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->serial_row, "changed", G_CALLBACK (update), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (self->passphrase_row, "changed", G_CALLBACK (update), self,
                           G_CONNECT_SWAPPED);
  ca_changed (self);
  return self;
}

GArray *
ck_sign_dialog_get_offered (CkSignDialog *self)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  g_return_val_if_fail (CK_IS_SIGN_DIALOG (self), ids);
  for (guint i = 0; i < self->candidates->len; i++)
    g_array_append_val (ids, ((Candidate *) self->candidates->pdata[i])->id);
  return ids;
}

GPtrArray *
ck_sign_dialog_get_not_offered (CkSignDialog *self)
{
  g_return_val_if_fail (CK_IS_SIGN_DIALOG (self), NULL);
  return self->not_offered;
}

gboolean
ck_sign_dialog_select_ca (CkSignDialog *self,
                          gint64        ca_id)
{
  g_return_val_if_fail (CK_IS_SIGN_DIALOG (self), FALSE);

  for (guint i = 0; i < self->candidates->len; i++)
    if (((Candidate *) self->candidates->pdata[i])->id == ca_id)
      {
        adw_combo_row_set_selected (self->ca_row, i);
        return TRUE;
      }
  return FALSE;
}

GtkSwitch *
ck_sign_dialog_get_keep_switch (CkSignDialog *self,
                                const char   *oid)
{
  g_return_val_if_fail (CK_IS_SIGN_DIALOG (self), NULL);

  for (guint i = 0; i < self->keep_rows->len; i++)
    if (g_str_equal (g_array_index (self->keep_rows, KeepRow, i).oid, oid))
      return g_array_index (self->keep_rows, KeepRow, i).keep;
  return NULL;
}

const char *
ck_sign_dialog_get_issued_text (CkSignDialog *self,
                                const char   *field)
{
  g_return_val_if_fail (CK_IS_SIGN_DIALOG (self), NULL);

  for (guint f = 0; f < N_FIELDS; f++)
    if (g_str_equal (fields[f].id, field) && self->issued_labels[f] != NULL)
      return gtk_label_get_text (self->issued_labels[f]);
  return NULL;
}

GPtrArray *
ck_sign_dialog_get_findings (CkSignDialog *self)
{
  g_return_val_if_fail (CK_IS_SIGN_DIALOG (self), NULL);
  return self->findings;
}

gboolean
ck_sign_dialog_can_sign (CkSignDialog *self)
{
  g_return_val_if_fail (CK_IS_SIGN_DIALOG (self), FALSE);
  return gtk_widget_get_visible (self->sign_button) && gtk_widget_get_sensitive (self->sign_button);
}

/* --- GObject ------------------------------------------------------------- */

static gboolean
ck_sign_dialog_close_request (GtkWindow *window)
{
  CkSignDialog *self = CK_SIGN_DIALOG (window);

  /* While signing, Cancel Signing is the way out: what was started ends
   * stored or not at all. */
  return self->busy;
}

static void
ck_sign_dialog_dispose (GObject *object)
{
  CkSignDialog *self = CK_SIGN_DIALOG (object);

  self->disposed = TRUE;
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->keeper);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_clear_object (&self->request);
  g_clear_object (&self->asked);
  g_clear_object (&self->token);
  g_clear_pointer (&self->findings, g_ptr_array_unref);
  gtk_widget_dispose_template (GTK_WIDGET (self), CK_TYPE_SIGN_DIALOG);

  G_OBJECT_CLASS (ck_sign_dialog_parent_class)->dispose (object);
}

static void
ck_sign_dialog_finalize (GObject *object)
{
  CkSignDialog *self = CK_SIGN_DIALOG (object);

  g_ptr_array_unref (self->candidates);
  g_ptr_array_unref (self->not_offered);
  g_ptr_array_unref (self->finding_rows);
  g_array_unref (self->keep_rows);

  G_OBJECT_CLASS (ck_sign_dialog_parent_class)->finalize (object);
}

static void
ck_sign_dialog_class_init (CkSignDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = ck_sign_dialog_dispose;
  object_class->finalize = ck_sign_dialog_finalize;
  window_class->close_request = ck_sign_dialog_close_request;

  signals[ISSUED] = g_signal_new ("issued", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                  NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_INT64, G_TYPE_BOOLEAN);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/certkeeper/Certkeeper/ck-sign-dialog.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, CkSignDialog, name)
  BIND (toast_overlay);
  BIND (window_title);
  BIND (sign_button);
  BIND (cancel_button);
  BIND (stack);
  BIND (findings_group);
  BIND (ca_row);
  BIND (passphrase_row);
  BIND (not_offered_row);
  BIND (compare_grid);
  BIND (keep_group);
  BIND (profile_row);
  BIND (days_spin);
  BIND (hash_row);
  BIND (serial_row);
  BIND (path_len_row);
  BIND (path_len_spin);
  BIND (ca_issuers_row);
  BIND (ocsp_row);
  BIND (crl_row);
  BIND (working_page);
  BIND (spinner);
  BIND (stop_button);
  BIND (no_ca_page);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, sign_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, stop_clicked_cb);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
ck_sign_dialog_init (CkSignDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->candidates = g_ptr_array_new_with_free_func (candidate_free);
  self->not_offered = g_ptr_array_new_with_free_func (g_free);
  self->finding_rows = g_ptr_array_new ();
  self->keep_rows = g_array_new (FALSE, TRUE, sizeof (KeepRow));
}
