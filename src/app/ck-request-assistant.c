/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The New Request assistant. The pages edit one CkRequestBuilder; the key
 * is generated, the request signed and both recorded in a worker thread,
 * and CkKeeper makes the request from it in a worker thread, so that an
 * RSA 8192 key can be cancelled while the window stays responsive. A
 * cancelled or failed run stores nothing: the keeper records the key and
 * the request in one transaction, or neither. */
#include <glib/gi18n.h>
#include <gnutls/gnutls.h>

#include "ck-file-chooser.h"
#include "ck-pin-dialog.h"
#include "ck-request-assistant.h"
#include "ck-subject-editor.h"
#include "ck-usage-editor.h"
#include "ck-validity-editor.h"

typedef enum {
  KEY_NEW,
  KEY_EXISTING,
  KEY_TOKEN,
} KeySource;

typedef struct {
  const char *label;
  CkKeyType   type;
  guint       bits;
  const char *curve;
  /* Said under the menu when chosen: the menu's items stay short, so that
   * the popover never clips them. */
  const char *detail;
} Algorithm;

static const Algorithm algorithms[] = {
  { N_("RSA 2048"), CK_KEY_TYPE_RSA, 2048, NULL },
  { N_("RSA 3072"), CK_KEY_TYPE_RSA, 3072, NULL },
  { N_("RSA 4096"), CK_KEY_TYPE_RSA, 4096, NULL },
  { N_("RSA 8192"), CK_KEY_TYPE_RSA, 8192, NULL, N_("Takes up to a minute to make") },
  { N_("RSA-PSS 2048"), CK_KEY_TYPE_RSA_PSS, 2048, NULL },
  { N_("RSA-PSS 3072"), CK_KEY_TYPE_RSA_PSS, 3072, NULL },
  { N_("RSA-PSS 4096"), CK_KEY_TYPE_RSA_PSS, 4096, NULL },
  { N_("ECDSA P-256"), CK_KEY_TYPE_ECDSA, 0, "P-256" },
  { N_("ECDSA P-384"), CK_KEY_TYPE_ECDSA, 0, "P-384" },
  { N_("ECDSA P-521"), CK_KEY_TYPE_ECDSA, 0, "P-521" },
  { N_("Ed25519"), CK_KEY_TYPE_ED25519, 0, NULL },
  { N_("Ed448"), CK_KEY_TYPE_ED448, 0, NULL },
};

/* What ck_token_generate_key() accepts. */
static const Algorithm token_algorithms[] = {
  { N_("RSA 2048"), CK_KEY_TYPE_RSA, 2048, NULL },
  { N_("RSA 3072"), CK_KEY_TYPE_RSA, 3072, NULL },
  { N_("RSA 4096"), CK_KEY_TYPE_RSA, 4096, NULL },
  { N_("ECDSA P-256"), CK_KEY_TYPE_ECDSA, 0, "P-256" },
  { N_("ECDSA P-384"), CK_KEY_TYPE_ECDSA, 0, "P-384" },
};

enum { ALG_RSA_2048 = 0, ALG_RSA_3072 = 1, ALG_RSA_4096 = 2, ALG_P256 = 7 };

static const struct {
  CkRequestProfile profile;
  const char      *explanation;
  guint            algorithm;     /* the default new key, index in algorithms[] */
} profiles[] = {
  { CK_REQUEST_PROFILE_TLS_SERVER, N_("A web, mail or API server; needs its DNS names or IP addresses"), ALG_P256 },
  { CK_REQUEST_PROFILE_TLS_CLIENT, N_("A person or machine logging in to a TLS server"), ALG_P256 },
  { CK_REQUEST_PROFILE_CODE_SIGNING, N_("Signing programs, drivers and packages"), ALG_RSA_3072 },
  { CK_REQUEST_PROFILE_EMAIL, N_("Signing and encrypting email with S/MIME"), ALG_RSA_3072 },
  { CK_REQUEST_PROFILE_DOCUMENT_SIGNING, N_("Signing PDF and office documents"), ALG_RSA_3072 },
  { CK_REQUEST_PROFILE_XROAD_SIGNING, N_("The signing key of an X-Road member (non-repudiation)"), ALG_RSA_2048 },
  { CK_REQUEST_PROFILE_XROAD_AUTH, N_("The TLS authentication key of an X-Road security server"), ALG_RSA_2048 },
  { CK_REQUEST_PROFILE_SUB_CA, N_("An intermediate certificate authority that issues certificates"), ALG_RSA_4096 },
  { CK_REQUEST_PROFILE_CUSTOM, N_("Start from nothing and choose every extension yourself"), ALG_RSA_3072 },
};

/* A self-signed certificate: what it is for, as certkeeper-cli selfsign
 * --profile names it. */
static const struct {
  CkCertificateProfile profile;
  const char          *title;
  const char          *explanation;
  guint                algorithm;
} certificate_profiles[] = {
  { CK_CERTIFICATE_PROFILE_TLS_SERVER, N_("TLS Server"), N_("A test or lab web, mail or API server; needs its DNS names or IP addresses"), ALG_P256 },
  { CK_CERTIFICATE_PROFILE_TLS_CLIENT, N_("TLS Client"), N_("A person or machine logging in to a TLS server"), ALG_P256 },
  { CK_CERTIFICATE_PROFILE_CODE_SIGNING, N_("Code Signing"), N_("Signing programs and packages for your own machines"), ALG_RSA_3072 },
  { CK_CERTIFICATE_PROFILE_EMAIL, N_("Email (S/MIME)"), N_("Signing and encrypting email"), ALG_RSA_3072 },
  { CK_CERTIFICATE_PROFILE_ROOT_CA, N_("Root Certificate Authority"), N_("The root of a small internal CA, for VPN, Wi-Fi and intranet services"), ALG_P256 },
  { CK_CERTIFICATE_PROFILE_NONE, N_("Custom"), N_("Start from nothing and choose every extension yourself"), ALG_RSA_3072 },
};

static const char * const request_steps[] = { "profile", "key", "subject", "names", "review" };
static const char * const request_step_titles[] = {
  N_("Profile"), N_("Key"), N_("Subject"), N_("Names and Usage"), N_("Review"),
};
/* A self-signed certificate has a validity too. */
static const char * const certificate_steps[] = { "profile", "key", "subject", "names", "validity", "review" };
static const char * const certificate_step_titles[] = {
  N_("Profile"), N_("Key"), N_("Subject"), N_("Names and Usage"), N_("Validity"), N_("Review"),
};

struct _CkRequestAssistant
{
  AdwWindow         parent_instance;

  CkKeeper         *keeper;
  CkStore          *store;            /* the keeper's */
  CkRequestBuilder *builder;
  GCancellable     *cancellable;
  guint             pulse_id;
  gboolean          busy;
  gboolean          disposed;

  CkRequestProfile  profile;
  GtkCheckButton   *profile_checks[MAX (G_N_ELEMENTS (profiles), G_N_ELEMENTS (certificate_profiles))];
  /* New Self-Signed Certificate rather than New Request. */
  gboolean          self_signed;
  CkCertificateProfile certificate_profile;
  const char * const *steps;
  const char * const *step_titles;
  guint             n_steps;
  gboolean          loading;          /* set while the code changes the widgets */
  gboolean          algorithm_chosen; /* the user picked one: profiles leave it */
  gboolean          subject_edited;
  gboolean          usage_edited;
  char             *template_path;
  gnutls_pk_algorithm_t preset_algo;  /* key type the preset was made for */
  guint             preset_bits;

  gint64            existing_key_id;
  CkToken          *existing_token;   /* the token of a stored token key, logged in */
  GPtrArray        *tokens;           /* writable tokens, CkToken */
  /* The rows of the token's algorithm list: indices in token_algorithms[]
   * of what the chosen token can generate. */
  guint             token_algorithm_map[G_N_ELEMENTS (token_algorithms)];
  guint             n_token_algorithms;
  gboolean          tokens_listed;

  /* The result. */
  CkCertificate    *certificate;
  gint64            certificate_id;
  CkRequest        *request;
  gint64            request_id;
  gint64            key_id;
  gboolean          der;

  /* Template children */
  AdwToastOverlay  *toast_overlay;
  GtkWidget        *cancel_button;
  GtkWidget        *back_button;
  GtkWidget        *next_button;
  AdwWindowTitle   *window_title;
  GtkRevealer      *error_revealer;
  GtkLabel         *error_label;
  GtkStack         *stack;
  AdwPreferencesGroup *profile_group;
  AdwActionRow     *template_row;
  GtkCheckButton   *new_key_check;
  GtkCheckButton   *existing_key_check;
  GtkCheckButton   *token_key_check;
  GtkWidget        *existing_key_row;
  GtkWidget        *token_key_row;
  GtkWidget        *new_key_group;
  AdwComboRow      *algorithm_row;
  GtkEditable      *label_row;
  GtkEditable      *passphrase_row;
  GtkEditable      *confirm_row;
  GtkSwitch        *no_passphrase_switch;
  GtkWidget        *existing_group;
  GtkListBox       *existing_list;
  GtkEditable      *existing_passphrase_row;
  GtkWidget        *token_group;
  AdwComboRow      *token_row;
  AdwActionRow     *token_login_row;
  GtkWidget        *token_login_button;
  AdwComboRow      *token_algorithm_row;
  GtkEditable      *token_label_row;
  GtkEditable      *token_id_row;
  GtkSwitch        *token_extractable_switch;
  CkSubjectEditor  *subject_editor;
  CkUsageEditor    *usage_editor;
  CkValidityEditor *validity_editor;
  AdwPreferencesGroup *review_group;
  GtkListBox       *findings_list;
  GtkLabel         *review_label;
  AdwComboRow      *hash_row;
  GtkWidget        *pss_row;
  GtkSwitch        *pss_switch;
  AdwComboRow      *format_row;
  AdwStatusPage    *working_page;
  GtkProgressBar   *progress_bar;
  GtkWidget        *working_cancel_button;
  GtkLabel         *recorded_label;
  GtkStack         *result_stack;
  GtkTextView      *result_view;
  AdwStatusPage    *der_page;
  GtkWidget        *trust_note;
  GtkWidget        *trust_button;
  GtkWidget        *copy_button;
  GtkWidget        *save_button;
};

G_DEFINE_FINAL_TYPE (CkRequestAssistant, ck_request_assistant, ADW_TYPE_WINDOW)

enum {
  REQUEST_ADDED,
  CERTIFICATE_ADDED,
  TRUST_REQUESTED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void update_buttons (CkRequestAssistant *self);

static void
wipe_string (char **str)
{
  if (*str != NULL)
    {
      gnutls_memset (*str, 0, strlen (*str));
      g_clear_pointer (str, g_free);
    }
}

static void
toast (CkRequestAssistant *self,
       const char         *title)
{
  adw_toast_overlay_add_toast (self->toast_overlay, adw_toast_new (title));
}

static void
show_error (CkRequestAssistant *self,
            const char         *message)
{
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_revealer_set_reveal_child (self->error_revealer, message != NULL);
}

/* --- The key the request is for */

static KeySource
key_source (CkRequestAssistant *self)
{
  if (gtk_check_button_get_active (self->existing_key_check))
    return KEY_EXISTING;
  if (gtk_check_button_get_active (self->token_key_check))
    return KEY_TOKEN;
  return KEY_NEW;
}

static const Algorithm *
chosen_algorithm (CkRequestAssistant *self)
{
  if (key_source (self) == KEY_TOKEN)
    {
      guint row = adw_combo_row_get_selected (self->token_algorithm_row);

      return &token_algorithms[row < self->n_token_algorithms
                               ? self->token_algorithm_map[row] : 0];
    }
  return &algorithms[MIN (adw_combo_row_get_selected (self->algorithm_row),
                          G_N_ELEMENTS (algorithms) - 1)];
}

static gnutls_pk_algorithm_t
key_type_algorithm (CkKeyType type)
{
  switch (type)
    {
    case CK_KEY_TYPE_RSA: return GNUTLS_PK_RSA;
    case CK_KEY_TYPE_RSA_PSS: return GNUTLS_PK_RSA_PSS;
    case CK_KEY_TYPE_ECDSA: return GNUTLS_PK_ECDSA;
    case CK_KEY_TYPE_ED25519: return GNUTLS_PK_EDDSA_ED25519;
    case CK_KEY_TYPE_ED448: return GNUTLS_PK_EDDSA_ED448;
    default: return GNUTLS_PK_UNKNOWN;
    }
}

static gnutls_pk_algorithm_t
algorithm_from_name (const char *name)
{
  static const struct { const char *name; gnutls_pk_algorithm_t algo; } names[] = {
    { "RSA", GNUTLS_PK_RSA }, { "RSA-PSS", GNUTLS_PK_RSA_PSS }, { "ECDSA", GNUTLS_PK_ECDSA },
    { "Ed25519", GNUTLS_PK_EDDSA_ED25519 }, { "Ed448", GNUTLS_PK_EDDSA_ED448 },
  };

  for (gsize i = 0; name != NULL && i < G_N_ELEMENTS (names); i++)
    if (g_ascii_strcasecmp (name, names[i].name) == 0)
      return names[i].algo;
  return GNUTLS_PK_UNKNOWN;
}

/* The key type and size the request will carry, for the checks and the
 * profile presets. */
static void
chosen_key_info (CkRequestAssistant    *self,
                 gnutls_pk_algorithm_t *algo,
                 guint                 *bits)
{
  if (key_source (self) == KEY_EXISTING)
    {
      CkStoredKey *row = self->existing_key_id > 0
                         ? ck_store_get_key_row (self->store, self->existing_key_id) : NULL;

      *algo = row != NULL ? algorithm_from_name (ck_stored_key_get_algorithm (row)) : GNUTLS_PK_UNKNOWN;
      *bits = row != NULL ? ck_stored_key_get_bits (row) : 0;
      return;
    }
  *algo = key_type_algorithm (chosen_algorithm (self)->type);
  *bits = chosen_algorithm (self)->bits;
}

static gboolean
is_rsa (gnutls_pk_algorithm_t algo)
{
  return algo == GNUTLS_PK_RSA || algo == GNUTLS_PK_RSA_PSS;
}

/* --- Presets: a profile or a template */

static void
use_builder (CkRequestAssistant *self,
             CkRequestBuilder   *builder)
{
  g_set_object (&self->builder, builder);
  ck_subject_editor_set_builder (self->subject_editor, builder);
  ck_usage_editor_set_builder (self->usage_editor, builder);
}

static gboolean
load_template (CkRequestAssistant *self,
               const char         *path,
               GError            **error)
{
  g_autoptr(CkRequestBuilder) builder = NULL;
  g_autoptr(GPtrArray) warnings = NULL;
  g_autofree char *basename = g_path_get_basename (path);
  g_autofree char *subtitle = NULL;
  gnutls_pk_algorithm_t algo;
  guint bits;

  chosen_key_info (self, &algo, &bits);
  builder = ck_template_load_file_for (path, algo,
                                       self->self_signed ? CK_TEMPLATE_CERTIFICATE
                                                         : CK_TEMPLATE_REQUEST,
                                       &warnings, error);
  if (builder == NULL)
    return FALSE;
  ck_request_builder_set_key_info (builder, algo, bits);

  /* Asked again for another key type: what the user typed stays. */
  if (self->subject_edited && self->builder != NULL)
    {
      GPtrArray *subject = ck_request_builder_get_subject (self->builder);

      ck_request_builder_clear_subject (builder);
      for (guint i = 0; i < subject->len; i++)
        {
          CkDnAttribute *attr = subject->pdata[i];

          ck_request_builder_add_attribute (builder, attr->oid, attr->value);
        }
    }

  if (g_strcmp0 (path, self->template_path) != 0)
    {
      g_free (self->template_path);
      self->template_path = g_strdup (path);
    }
  self->preset_algo = algo;
  self->preset_bits = bits;
  use_builder (self, builder);

  if (warnings != NULL && warnings->len > 0)
    {
      g_autofree char *notes = NULL;

      g_ptr_array_add (warnings, NULL);
      notes = g_strjoinv ("\n", (char **) warnings->pdata);
      subtitle = g_strdup_printf (_("Loaded from “%s”. Notes:\n%s"), basename, notes);
    }
  else
    subtitle = g_strdup_printf (_("Loaded from “%s”"), basename);
  adw_action_row_set_subtitle (self->template_row, subtitle);
  return TRUE;
}

static void
apply_preset (CkRequestAssistant *self)
{
  gnutls_pk_algorithm_t algo;
  guint bits;

  if (self->template_path != NULL)
    {
      g_autoptr(GError) error = NULL;

      if (!load_template (self, self->template_path, &error))
        show_error (self, error->message);
      return;
    }

  chosen_key_info (self, &algo, &bits);
  ck_request_builder_set_key_info (self->builder, algo, bits);
  if (self->self_signed)
    ck_certificate_profile_apply (self->certificate_profile, self->builder);
  else
    ck_request_builder_apply_profile (self->builder, self->profile);
  self->preset_algo = algo;
  self->preset_bits = bits;
  ck_usage_editor_set_builder (self->usage_editor, self->builder);
}

static void
profile_toggled (GtkCheckButton     *check,
                 CkRequestAssistant *self)
{
  guint index = GPOINTER_TO_UINT (g_object_get_data (G_OBJECT (check), "index"));

  if (!gtk_check_button_get_active (check) || self->loading)
    return;

  if (self->self_signed)
    self->certificate_profile = certificate_profiles[index].profile;
  else
    self->profile = profiles[index].profile;
  g_clear_pointer (&self->template_path, g_free);
  adw_action_row_set_subtitle (self->template_row, _("Fill in everything from a template file"));
  self->usage_edited = FALSE;
  if (!self->algorithm_chosen)
    {
      self->loading = TRUE;
      adw_combo_row_set_selected (self->algorithm_row,
                                  self->self_signed ? certificate_profiles[index].algorithm
                                                    : profiles[index].algorithm);
      self->loading = FALSE;
    }
  apply_preset (self);
}

gboolean
ck_request_assistant_load_template (CkRequestAssistant *self,
                                    const char         *path,
                                    GError            **error)
{
  g_return_val_if_fail (CK_IS_REQUEST_ASSISTANT (self), FALSE);

  self->subject_edited = FALSE;
  self->usage_edited = FALSE;
  if (!load_template (self, path, error))
    return FALSE;
  self->profile = ck_request_builder_get_profile (self->builder);
  self->certificate_profile = CK_CERTIFICATE_PROFILE_NONE;
  /* The template replaces the profile's presets. */
  self->loading = TRUE;
  if (self->self_signed)
    gtk_check_button_set_active (self->profile_checks[G_N_ELEMENTS (certificate_profiles) - 1], TRUE);
  else
    for (guint i = 0; i < G_N_ELEMENTS (profiles); i++)
      if (profiles[i].profile == CK_REQUEST_PROFILE_CUSTOM)
        gtk_check_button_set_active (self->profile_checks[i], TRUE);
  self->loading = FALSE;
  return TRUE;
}

static void
template_chosen (GListModel *files,
                 gpointer    user_data)
{
  g_autoptr(CkRequestAssistant) self = user_data;
  g_autoptr(GFile) file = NULL;
  g_autoptr(GError) error = NULL;

  if (files == NULL || g_list_model_get_n_items (files) == 0 || self->disposed)
    return;
  file = g_list_model_get_item (files, 0);
  if (g_file_peek_path (file) == NULL)
    {
      show_error (self, _("The template must be a local file"));
      return;
    }
  if (!ck_request_assistant_load_template (self, g_file_peek_path (file), &error))
    {
      show_error (self, error->message);
      return;
    }
  show_error (self, NULL);
  toast (self, _("Template loaded"));
}

static void
load_template_clicked (CkRequestAssistant *self)
{
  ck_file_chooser_open_files (GTK_WINDOW (self), _("Load certtool Template"),
                              template_chosen, g_object_ref (self));
}

/* --- Key page */

static void
existing_key_toggled (GtkCheckButton     *check,
                      CkRequestAssistant *self)
{
  CkStoredKey *row;

  if (!gtk_check_button_get_active (check))
    return;
  self->existing_key_id = GPOINTER_TO_SIZE (g_object_get_data (G_OBJECT (check), "key-id"));
  g_clear_object (&self->existing_token);
  row = ck_store_get_key_row (self->store, self->existing_key_id);
  /* Asked once per session: not while the store is unlocked. */
  gtk_widget_set_visible (GTK_WIDGET (self->existing_passphrase_row),
                          row != NULL && ck_stored_key_get_encrypted (row)
                          && ck_stored_key_get_pkcs11_uri (row) == NULL
                          && !ck_key_vault_is_unlocked (ck_key_vault_get (self->store)));
  gtk_editable_set_text (self->existing_passphrase_row, "");
  update_buttons (self);
}

static void
list_existing_keys (CkRequestAssistant *self)
{
  GListModel *keys = ck_store_get_keys (self->store);
  GtkCheckButton *group = NULL;
  GtkWidget *child;
  guint n = g_list_model_get_n_items (keys);

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->existing_list))) != NULL)
    gtk_list_box_remove (self->existing_list, child);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CkStoredKey) key = g_list_model_get_item (keys, i);
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *check = gtk_check_button_new ();
      g_autofree char *subtitle = NULL;
      const char *curve = ck_stored_key_get_curve (key);
      const char *protection;

      if (ck_stored_key_get_pkcs11_uri (key) != NULL)
        protection = _("on a token");
      else if (ck_stored_key_get_encrypted (key))
        protection = _("encrypted");
      else
        protection = _("stored without a passphrase");
      if (curve != NULL)
        subtitle = g_strdup_printf ("%s %s · %s", ck_stored_key_get_algorithm (key), curve, protection);
      else if (ck_stored_key_get_bits (key) > 0 && ck_stored_key_get_algorithm (key)[0] == 'R')
        subtitle = g_strdup_printf ("%s %u · %s", ck_stored_key_get_algorithm (key),
                                    ck_stored_key_get_bits (key), protection);
      else
        subtitle = g_strdup_printf ("%s · %s", ck_stored_key_get_algorithm (key), protection);

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), ck_stored_key_get_display_name (key));
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      ck_stored_key_get_display_name (key), -1);
      gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
      if (group != NULL)
        gtk_check_button_set_group (GTK_CHECK_BUTTON (check), group);
      else
        group = GTK_CHECK_BUTTON (check);
      g_object_set_data (G_OBJECT (check), "key-id", GSIZE_TO_POINTER (ck_stored_key_get_id (key)));
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      g_signal_connect (check, "toggled", G_CALLBACK (existing_key_toggled), self);
      if (ck_stored_key_get_id (key) == self->existing_key_id)
        gtk_check_button_set_active (GTK_CHECK_BUTTON (check), TRUE);
      gtk_list_box_append (self->existing_list, row);
    }

  gtk_widget_set_sensitive (self->existing_key_row, n > 0);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->existing_key_row),
                               n > 0 ? _("A key already in the store, to renew or re-request")
                                     : _("There are no keys in the store yet"));
}

static CkToken *
chosen_token (CkRequestAssistant *self)
{
  guint index = adw_combo_row_get_selected (self->token_row);

  if (self->tokens == NULL || index >= self->tokens->len)
    return NULL;
  return self->tokens->pdata[index];
}

static void
update_login_row (CkRequestAssistant *self)
{
  CkToken *token = chosen_token (self);
  gboolean logged_in = token != NULL && (ck_token_is_logged_in (token) || !ck_token_needs_login (token));

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->token_login_row),
                                 logged_in ? _("Logged in") : _("Not logged in"));
  gtk_widget_set_visible (self->token_login_button, token != NULL && !logged_in);
}

/* Only what the token's mechanisms allow. */
static void
list_token_algorithms (CkRequestAssistant *self)
{
  CkToken *token = chosen_token (self);
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
  guint selected = 0;

  self->n_token_algorithms = 0;
  for (guint i = 0; token != NULL && i < G_N_ELEMENTS (token_algorithms); i++)
    {
      CkKeySpec spec = { token_algorithms[i].type, token_algorithms[i].bits, token_algorithms[i].curve };

      if (!ck_token_can_generate (token, &spec, NULL))
        continue;
      if (token_algorithms[i].type == CK_KEY_TYPE_ECDSA && selected == 0 && self->n_token_algorithms > 0
          && token_algorithms[self->token_algorithm_map[0]].type != CK_KEY_TYPE_ECDSA)
        selected = self->n_token_algorithms;
      self->token_algorithm_map[self->n_token_algorithms++] = i;
      gtk_string_list_append (labels, _(token_algorithms[i].label));
    }
  adw_combo_row_set_model (self->token_algorithm_row, G_LIST_MODEL (labels));
  adw_combo_row_set_selected (self->token_algorithm_row, selected);
  gtk_widget_set_sensitive (GTK_WIDGET (self->token_algorithm_row), self->n_token_algorithms > 0);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->token_algorithm_row),
                               token != NULL && self->n_token_algorithms == 0
                               ? _("This token cannot generate RSA or ECDSA keys") : NULL);
}

static void
list_tokens (CkRequestAssistant *self)
{
  g_autoptr(GPtrArray) all = NULL;
  g_autoptr(GError) error = NULL;
  GtkStringList *labels = gtk_string_list_new (NULL);

  self->tokens_listed = TRUE;
  g_clear_pointer (&self->tokens, g_ptr_array_unref);
  self->tokens = g_ptr_array_new_with_free_func (g_object_unref);
  all = ck_token_list_all (&error);
  for (guint i = 0; all != NULL && i < all->len; i++)
    {
      CkToken *token = all->pdata[i];

      /* Nothing can be generated on those. */
      if (ck_token_is_read_only (token) || ck_token_is_system_trust (token)
          || !ck_token_is_initialized (token))
        continue;
      g_ptr_array_add (self->tokens, g_object_ref (token));
      gtk_string_list_append (labels, ck_token_get_label (token));
    }
  adw_combo_row_set_model (self->token_row, G_LIST_MODEL (labels));
  g_object_unref (labels);

  list_token_algorithms (self);
  gtk_widget_set_sensitive (self->token_key_row, self->tokens->len > 0);
  if (self->tokens->len == 0)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self->token_key_row),
                                 error != NULL ? error->message
                                               : _("No token that can hold a new key is connected"));
  update_login_row (self);
}

static void
token_changed (CkRequestAssistant *self)
{
  list_token_algorithms (self);
  update_login_row (self);
  update_buttons (self);
}

static void
login_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr(CkRequestAssistant) self = user_data;
  g_autoptr(GError) error = NULL;

  if (!ck_pin_dialog_login_finish (result, &error)
      && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED) && !self->disposed)
    show_error (self, error->message);
  if (self->disposed)
    return;
  update_login_row (self);
  update_buttons (self);
}

static void
token_login_clicked (CkRequestAssistant *self)
{
  CkToken *token = chosen_token (self);

  if (token == NULL)
    return;
  show_error (self, NULL);
  ck_pin_dialog_login_async (GTK_WINDOW (self), token, self->cancellable,
                             login_done, g_object_ref (self));
}

static void
key_source_toggled (CkRequestAssistant *self)
{
  KeySource source = key_source (self);

  gtk_widget_set_visible (self->new_key_group, source == KEY_NEW);
  gtk_widget_set_visible (self->existing_group, source == KEY_EXISTING);
  gtk_widget_set_visible (self->token_group, source == KEY_TOKEN);
  if (source == KEY_TOKEN && !self->tokens_listed)
    list_tokens (self);
  update_buttons (self);
}

static void
algorithm_changed (CkRequestAssistant *self)
{
  const Algorithm *algorithm = &algorithms[MIN (adw_combo_row_get_selected (self->algorithm_row),
                                                G_N_ELEMENTS (algorithms) - 1)];

  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->algorithm_row),
                               algorithm->detail != NULL ? _(algorithm->detail) : "");
  if (!self->loading)
    self->algorithm_chosen = TRUE;
}

static void
no_passphrase_changed (CkRequestAssistant *self)
{
  gboolean none = gtk_switch_get_active (self->no_passphrase_switch);

  gtk_widget_set_sensitive (GTK_WIDGET (self->passphrase_row), !none);
  gtk_widget_set_sensitive (GTK_WIDGET (self->confirm_row), !none);
  update_buttons (self);
}

/* The token ID typed as hex; NULL for none (the token picks 16 random
 * bytes), and *@ok FALSE when it is not hex. */
static GBytes *
token_id (CkRequestAssistant *self,
          gboolean           *ok)
{
  g_autoptr(GError) error = NULL;
  GBytes *id = ck_token_id_from_hex (gtk_editable_get_text (self->token_id_row), &error);

  *ok = error == NULL;
  return id;
}

static gboolean
key_page_ready (CkRequestAssistant *self)
{
  switch (key_source (self))
    {
    case KEY_NEW:
      {
        const char *passphrase = gtk_editable_get_text (self->passphrase_row);
        const char *confirm = gtk_editable_get_text (self->confirm_row);
        gboolean mismatch = confirm[0] != '\0' && g_strcmp0 (passphrase, confirm) != 0;
        CkKeyVaultState state = ck_key_vault_get_state (ck_key_vault_get (self->store));

        /* The store passphrase: chosen (twice) for a new store, typed once
         * for a locked one, not asked while the store is unlocked. */
        gtk_widget_set_visible (GTK_WIDGET (self->passphrase_row), state != CK_KEY_VAULT_UNLOCKED);
        gtk_widget_set_visible (GTK_WIDGET (self->confirm_row), state == CK_KEY_VAULT_NEW);
        if (state == CK_KEY_VAULT_UNLOCKED)
          return TRUE;
        if (state == CK_KEY_VAULT_LOCKED)
          return gtk_switch_get_active (self->no_passphrase_switch) || passphrase[0] != '\0';

        if (mismatch && gtk_widget_get_sensitive (GTK_WIDGET (self->confirm_row)))
          gtk_widget_add_css_class (GTK_WIDGET (self->confirm_row), "error");
        else
          gtk_widget_remove_css_class (GTK_WIDGET (self->confirm_row), "error");
        return gtk_switch_get_active (self->no_passphrase_switch)
               || (passphrase[0] != '\0' && !mismatch && confirm[0] != '\0');
      }
    case KEY_EXISTING:
      return self->existing_key_id > 0
             && (!gtk_widget_get_visible (GTK_WIDGET (self->existing_passphrase_row))
                 || gtk_editable_get_text (self->existing_passphrase_row)[0] != '\0');
    case KEY_TOKEN:
      {
        CkToken *token = chosen_token (self);
        g_autoptr(GBytes) id = NULL;
        gboolean id_ok;

        id = token_id (self, &id_ok);
        if (!id_ok)
          gtk_widget_add_css_class (GTK_WIDGET (self->token_id_row), "error");
        else
          gtk_widget_remove_css_class (GTK_WIDGET (self->token_id_row), "error");
        return token != NULL && id_ok && self->n_token_algorithms > 0
               && (ck_token_is_logged_in (token) || !ck_token_needs_login (token))
               && gtk_editable_get_text (self->token_label_row)[0] != '\0';
      }
    default:
      return FALSE;
    }
}

/* --- Review */

static void
add_finding_row (CkRequestAssistant *self,
                 const char         *icon,
                 const char         *style,
                 const char         *title,
                 const char         *subtitle)
{
  GtkWidget *row = adw_action_row_new ();
  GtkWidget *image = gtk_image_new_from_icon_name (icon);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  adw_action_row_set_title_lines (ADW_ACTION_ROW (row), 0);
  gtk_accessible_update_property (GTK_ACCESSIBLE (image), GTK_ACCESSIBLE_PROPERTY_LABEL, subtitle, -1);
  if (style != NULL)
    gtk_widget_add_css_class (image, style);
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), image);
  gtk_list_box_append (self->findings_list, row);
}

/* The self-signed certificate the pages describe (the builder's contents
 * by reference, the validity page's choice). */
static CkCertificateBuilder *
certificate_builder (CkRequestAssistant *self)
{
  CkCertificateBuilder *builder = ck_certificate_builder_new_self_signed (self->builder);

  ck_validity_editor_apply (self->validity_editor, builder);
  ck_certificate_builder_set_hash (builder, ck_request_builder_get_hash (self->builder));
  return builder;
}

/* The core's checks of what will be made: the request's, or for a
 * certificate those of issuance too (validity, the CA/Browser Forum
 * limit for a TLS server). */
static GPtrArray *
check_contents (CkRequestAssistant *self)
{
  g_autoptr(CkCertificateBuilder) builder = NULL;

  if (!self->self_signed)
    return ck_request_builder_check (self->builder);
  builder = certificate_builder (self);
  return ck_certificate_builder_check (builder, NULL);
}

static gboolean
has_blocking_findings (CkRequestAssistant *self)
{
  g_autoptr(GPtrArray) findings = check_contents (self);

  return ck_request_findings_have_errors (findings);
}

static void
show_findings (CkRequestAssistant *self)
{
  g_autoptr(GPtrArray) findings = check_contents (self);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->findings_list))) != NULL)
    gtk_list_box_remove (self->findings_list, child);

  for (guint i = 0; i < findings->len; i++)
    {
      CkRequestFinding *finding = findings->pdata[i];
      g_autofree char *subtitle = NULL;

      if (finding->severity == CK_FINDING_ERROR)
        {
          /* Translators: %s is what the finding is about, such as "C". */
          subtitle = g_strdup_printf (_("Error in %s: fix it before generating"), finding->field);
          add_finding_row (self, "dialog-error-symbolic", "error", finding->message, subtitle);
        }
      else
        {
          subtitle = g_strdup_printf (_("Warning about %s"), finding->field);
          add_finding_row (self, "dialog-warning-symbolic", "warning", finding->message, subtitle);
        }
    }
  if (findings->len == 0)
    add_finding_row (self, "emblem-ok-symbolic", "success", _("No problems found"),
                     _("All checks passed"));
}

static char *
describe_key (CkRequestAssistant *self)
{
  const Algorithm *algorithm = chosen_algorithm (self);

  switch (key_source (self))
    {
    case KEY_NEW:
      return g_strdup_printf (gtk_switch_get_active (self->no_passphrase_switch)
                              ? _("a new %s key, stored without a passphrase")
                              : _("a new %s key, stored encrypted"),
                              _(algorithm->label));
    case KEY_EXISTING:
      {
        CkStoredKey *row = ck_store_get_key_row (self->store, self->existing_key_id);

        return g_strdup_printf (_("the stored key “%s”"),
                                row != NULL ? ck_stored_key_get_display_name (row) : "?");
      }
    case KEY_TOKEN:
      return g_strdup_printf (_("a new %s key on the token “%s”"), _(algorithm->label),
                              chosen_token (self) != NULL ? ck_token_get_label (chosen_token (self)) : "?");
    default:
      return g_strdup ("");
    }
}

static void
append_line (GString    *text,
             const char *name,
             gboolean    critical,
             const char *value)
{
  g_string_append_printf (text, "\n%s%s: %s", name, critical ? _(" (critical)") : "", value);
}

/* The request as it will be encoded, one extension a line, with the names
 * RFC 5280 and openssl use. */
static char *
describe_request (CkRequestAssistant *self)
{
  GString *text = g_string_new (NULL);
  g_autofree char *subject = ck_request_builder_get_subject_string (self->builder);
  g_autofree char *key = describe_key (self);
  GPtrArray *sans = ck_request_builder_get_sans (self->builder);
  GPtrArray *extensions = ck_request_builder_get_extensions (self->builder);
  GArray *features = ck_request_builder_get_tls_features (self->builder);
  const char * const *ekus;
  g_autofree char *challenge = NULL;
  gboolean critical = FALSE, is_ca = FALSE;
  int path_len = -1;
  guint usage;

  g_string_append_printf (text, _("Subject: %s"), subject[0] != '\0' ? subject : _("(empty)"));
  g_string_append_c (text, '\n');
  g_string_append_printf (text, _("Key: %s"), key);
  if (self->self_signed)
    {
      g_autoptr(CkCertificateBuilder) builder = certificate_builder (self);
      g_autoptr(GDateTime) from = NULL;
      g_autoptr(GDateTime) until = NULL;
      g_autofree char *from_text = NULL;
      g_autofree char *until_text = NULL;
      gint64 not_before, not_after;

      ck_certificate_builder_get_validity (builder, &not_before, &not_after);
      from = g_date_time_new_from_unix_utc (not_before);
      until = g_date_time_new_from_unix_utc (not_after);
      from_text = g_date_time_format (from, "%Y-%m-%d %H:%M UTC");
      until_text = g_date_time_format (until, "%Y-%m-%d %H:%M UTC");
      g_string_append_c (text, '\n');
      /* Translators: the validity of a certificate, two dates */
      g_string_append_printf (text, _("Valid: from %s until %s"), from_text, until_text);
      g_string_append_c (text, '\n');
      g_string_append (text, _("Issuer: the same (self-signed)"));
    }

  if (sans->len > 0)
    {
      g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);

      for (guint i = 0; i < sans->len; i++)
        g_ptr_array_add (names, ck_general_name_to_string (sans->pdata[i]));
      g_ptr_array_add (names, NULL);
      g_object_get (self->builder, "san-critical", &critical, NULL);
      {
        g_autofree char *joined = g_strjoinv (", ", (char **) names->pdata);

        append_line (text, "subjectAltName", critical, joined);
      }
    }
  usage = ck_request_builder_get_key_usage (self->builder, &critical);
  if (usage != 0)
    {
      g_autofree char *names = ck_key_usage_to_string (usage);

      append_line (text, "keyUsage", critical, names);
    }
  ekus = ck_request_builder_get_extended_key_usage (self->builder, &critical);
  if (ekus[0] != NULL)
    {
      GString *names = g_string_new (NULL);

      for (guint i = 0; ekus[i] != NULL; i++)
        {
          const char *name = ck_extended_key_usage_to_name (ekus[i]);

          g_string_append_printf (names, "%s%s", i > 0 ? ", " : "", name != NULL ? name : ekus[i]);
        }
      append_line (text, "extendedKeyUsage", critical, names->str);
      g_string_free (names, TRUE);
    }
  if (ck_request_builder_get_basic_constraints (self->builder, &is_ca, &path_len, &critical))
    {
      g_autofree char *value = path_len >= 0 && is_ca
                               ? g_strdup_printf ("CA:TRUE, pathlen:%d", path_len)
                               : g_strdup (is_ca ? "CA:TRUE" : "CA:FALSE");

      append_line (text, "basicConstraints", critical, value);
    }
  if (features != NULL && features->len > 0)
    {
      GString *values = g_string_new (NULL);

      for (guint i = 0; i < features->len; i++)
        g_string_append_printf (values, "%s%u", i > 0 ? ", " : "", g_array_index (features, guint, i));
      append_line (text, "tlsFeature", FALSE, values->str);
      g_string_free (values, TRUE);
    }
  for (guint i = 0; extensions != NULL && i < extensions->len; i++)
    {
      CkExtension *extension = extensions->pdata[i];

      append_line (text, extension->oid, extension->critical, _("(as given)"));
    }
  g_object_get (self->builder, "challenge-password", &challenge, NULL);
  if (challenge != NULL && challenge[0] != '\0')
    append_line (text, "challengePassword", FALSE, _("set (not shown)"));
  wipe_string (&challenge);

  return g_string_free (text, FALSE);
}

static void
update_signature_rows (CkRequestAssistant *self)
{
  gnutls_pk_algorithm_t algo;
  guint bits;
  gboolean eddsa;

  chosen_key_info (self, &algo, &bits);
  eddsa = algo == GNUTLS_PK_EDDSA_ED25519 || algo == GNUTLS_PK_EDDSA_ED448;
  self->loading = TRUE;
  /* EdDSA has its hash built in; RSA-PSS keys sign with PSS only. */
  gtk_widget_set_sensitive (GTK_WIDGET (self->hash_row), !eddsa);
  gtk_widget_set_sensitive (self->pss_row, algo == GNUTLS_PK_RSA);
  if (algo == GNUTLS_PK_RSA_PSS)
    gtk_switch_set_active (self->pss_switch, TRUE);
  else if (!is_rsa (algo))
    gtk_switch_set_active (self->pss_switch, FALSE);
  self->loading = FALSE;
}

static void
signature_changed (CkRequestAssistant *self)
{
  static const gnutls_digest_algorithm_t hashes[] = {
    GNUTLS_DIG_SHA256, GNUTLS_DIG_SHA384, GNUTLS_DIG_SHA512,
  };
  guint index = adw_combo_row_get_selected (self->hash_row);
  gnutls_pk_algorithm_t algo;
  guint bits;

  if (self->builder == NULL)
    return;
  chosen_key_info (self, &algo, &bits);
  if (algo == GNUTLS_PK_EDDSA_ED25519 || algo == GNUTLS_PK_EDDSA_ED448)
    ck_request_builder_set_hash (self->builder, GNUTLS_DIG_UNKNOWN);
  else
    ck_request_builder_set_hash (self->builder, hashes[MIN (index, G_N_ELEMENTS (hashes) - 1)]);
  ck_request_builder_set_pss (self->builder, gtk_switch_get_active (self->pss_switch)
                                             || algo == GNUTLS_PK_RSA_PSS);
}

static void
show_review (CkRequestAssistant *self)
{
  g_autofree char *text = NULL;

  update_signature_rows (self);
  signature_changed (self);
  show_findings (self);
  text = describe_request (self);
  gtk_label_set_text (self->review_label, text);
}

/* --- Navigation */

static int
current_step (CkRequestAssistant *self)
{
  const char *name = gtk_stack_get_visible_child_name (self->stack);

  for (guint i = 0; i < self->n_steps; i++)
    if (g_strcmp0 (name, self->steps[i]) == 0)
      return i;
  return -1;
}

static void
update_buttons (CkRequestAssistant *self)
{
  const char *page = gtk_stack_get_visible_child_name (self->stack);
  int step = current_step (self);
  gboolean ready = TRUE;

  if (self->disposed || page == NULL)
    return;

  if (step >= 0)
    {
      /* Translators: "Step 2 of 5: Key" */
      g_autofree char *subtitle = g_strdup_printf (_("Step %d of %d: %s"), step + 1,
                                                   (int) self->n_steps, _(self->step_titles[step]));

      adw_window_title_set_subtitle (self->window_title, subtitle);
    }
  else
    adw_window_title_set_subtitle (self->window_title,
                                   g_str_equal (page, "result") ? _("Done") : _("Working"));

  if (g_str_equal (page, "key"))
    ready = key_page_ready (self);
  else if (g_str_equal (page, "subject"))
    ready = ck_subject_editor_is_valid (self->subject_editor);
  else if (g_str_equal (page, "validity"))
    ready = ck_validity_editor_is_valid (self->validity_editor);
  else if (g_str_equal (page, "review"))
    ready = !has_blocking_findings (self);
  else if (g_str_equal (page, "working"))
    ready = FALSE;

  gtk_widget_set_sensitive (self->next_button, ready);
  gtk_widget_set_visible (self->back_button, step > 0);
  gtk_widget_set_visible (self->cancel_button, !g_str_equal (page, "result"));
  gtk_widget_set_sensitive (self->cancel_button, !self->busy);
  gtk_button_set_label (GTK_BUTTON (self->next_button),
                        g_str_equal (page, "review") ? (self->self_signed ? _("_Create") : _("_Generate"))
                        : g_str_equal (page, "result") ? _("_Close") : _("_Next"));
  /* One suggested action per page: on the result page it is Save As…
   * (the request still has to reach the CA); Close just ends. */
  if (g_str_equal (page, "result"))
    gtk_widget_remove_css_class (self->next_button, "suggested-action");
  else
    gtk_widget_add_css_class (self->next_button, "suggested-action");
}

/* What "the profile's default" is for these contents, as the core
 * decides it. */
static void
show_validity_default (CkRequestAssistant *self)
{
  g_autoptr(CkCertificateBuilder) builder = ck_certificate_builder_new_self_signed (self->builder);
  const char * const *ekus = ck_request_builder_get_extended_key_usage (self->builder, NULL);
  gboolean tls_server = FALSE;
  gint64 not_before, not_after;

  for (guint i = 0; ekus != NULL && ekus[i] != NULL; i++)
    if (g_str_equal (ekus[i], CK_OID_EKU_SERVER_AUTH))
      tls_server = TRUE;
  ck_certificate_builder_get_validity (builder, &not_before, &not_after);
  ck_validity_editor_set_default (self->validity_editor,
                                  (guint) ((not_after - not_before + 86399) / 86400),
                                  tls_server ? _("the longest the CA/Browser Forum allows a TLS server certificate")
                                             : NULL);
}

static void
go_to (CkRequestAssistant *self,
       const char         *page)
{
  if (g_str_equal (page, "key") && self->store != NULL)
    list_existing_keys (self);
  if (g_str_equal (page, "validity"))
    show_validity_default (self);
  if (g_str_equal (page, "review"))
    show_review (self);
  gtk_stack_set_visible_child_name (self->stack, page);
  update_buttons (self);
}

static void
usage_edited (CkRequestAssistant *self)
{
  self->usage_edited = TRUE;
  update_buttons (self);
}

static void
subject_changed (CkRequestAssistant *self)
{
  self->subject_edited = TRUE;
}

static void
back_clicked (CkRequestAssistant *self)
{
  int step = current_step (self);

  show_error (self, NULL);
  if (step > 0)
    go_to (self, self->steps[step - 1]);
}

static void start_generating (CkRequestAssistant *self);

static void
next_clicked (CkRequestAssistant *self)
{
  const char *page = gtk_stack_get_visible_child_name (self->stack);
  int step = current_step (self);

  if (!gtk_widget_get_sensitive (self->next_button))
    return;
  if (g_str_equal (page, "result"))
    {
      gtk_window_close (GTK_WINDOW (self));
      return;
    }
  if (g_str_equal (page, "review"))
    {
      start_generating (self);
      return;
    }
  show_error (self, NULL);
  if (g_str_equal (page, "key"))
    {
      gnutls_pk_algorithm_t algo;
      guint bits;

      /* A preset made for another key type is made again, unless the
       * user has changed the extensions since. */
      chosen_key_info (self, &algo, &bits);
      ck_request_builder_set_key_info (self->builder, algo, bits);
      if ((algo != self->preset_algo || bits != self->preset_bits) && !self->usage_edited)
        apply_preset (self);
    }
  if (step >= 0 && step + 1 < (int) self->n_steps)
    go_to (self, self->steps[step + 1]);
}

static void
cancel_clicked (CkRequestAssistant *self)
{
  gtk_window_close (GTK_WINDOW (self));
}

/* --- Generating: CkKeeper does it in a worker thread */

static gboolean
pulse (gpointer user_data)
{
  CkRequestAssistant *self = user_data;

  gtk_progress_bar_pulse (self->progress_bar);
  return G_SOURCE_CONTINUE;
}

static void
stop_working (CkRequestAssistant *self)
{
  self->busy = FALSE;
  g_clear_handle_id (&self->pulse_id, g_source_remove);
}

static void
show_result (CkRequestAssistant *self)
{
  CkStoredKey *row = ck_store_get_key_row (self->store, self->key_id);
  g_autofree char *recorded = NULL;
  g_autofree char *pem = ck_request_to_pem (self->request);

  /* Translators: %s is a key's name, the number its id in the store. */
  recorded = g_strdup_printf (_("Recorded as a pending request under key “%s” (key %lld in the store). Send it to your certificate authority; when you import the certificate, the request becomes issued."),
                              row != NULL ? ck_stored_key_get_display_name (row) : "?",
                              (long long) self->key_id);
  gtk_label_set_text (self->recorded_label, recorded);
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->result_view), pem, -1);
  gtk_stack_set_visible_child_name (self->result_stack, self->der ? "der" : "pem");
  gtk_widget_set_visible (self->copy_button, !self->der);
  go_to (self, "result");
}

/* A failed or cancelled run: back to where it can be put right, the
 * error shown in place. */
static void
show_failure (CkRequestAssistant *self,
              const GError       *error)
{
      if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          go_to (self, "review");
          toast (self, _("Cancelled; nothing was stored"));
        }
      else if (g_error_matches (error, CK_ERROR, CK_ERROR_BAD_PASSWORD)
               || g_error_matches (error, CK_ERROR, CK_ERROR_PASSWORD_REQUIRED))
        {
          go_to (self, "key");
          show_error (self, g_error_matches (error, CK_ERROR, CK_ERROR_BAD_PASSWORD)
                            ? _("The passphrase of the key is wrong. Type it again.")
                            : _("The key is encrypted: type its passphrase."));
          if (key_source (self) == KEY_EXISTING)
            {
              gtk_widget_set_visible (GTK_WIDGET (self->existing_passphrase_row), TRUE);
              gtk_widget_grab_focus (GTK_WIDGET (self->existing_passphrase_row));
            }
          else
            gtk_widget_grab_focus (GTK_WIDGET (self->passphrase_row));
        }
      else
        {
          go_to (self, "review");
          show_error (self, error->message);
        }
}

static void
show_certificate_result (CkRequestAssistant   *self,
                         const CkKeeperIssued *issued)
{
  CkStoredKey *row = ck_store_get_key_row (self->store, issued->key_id);
  g_autofree char *recorded = NULL;
  g_autofree char *pem = ck_certificate_to_pem (issued->certificate);
  GString *text = g_string_new (NULL);

  /* Translators: the first number is the certificate's id in the store,
   * %s its key's name. */
  g_string_printf (text, _("Stored as certificate %lld, with its key “%s”."),
                   (long long) issued->certificate_id,
                   row != NULL ? ck_stored_key_get_display_name (row) : "?");
  for (guint i = 0; i < issued->findings->len; i++)
    {
      CkRequestFinding *finding = issued->findings->pdata[i];

      g_string_append_c (text, '\n');
      /* Translators: a warning of the checks, shown after making the certificate */
      g_string_append_printf (text, _("Warning: %s"), finding->message);
    }
  for (guint i = 0; i < issued->differences->len; i++)
    {
      g_string_append_c (text, '\n');
      g_string_append_printf (text, _("Issued a pending request: %s"),
                              (char *) issued->differences->pdata[i]);
    }
  recorded = g_string_free (text, FALSE);
  gtk_label_set_text (self->recorded_label, recorded);
  gtk_widget_set_visible (self->trust_note, ck_certificate_is_ca (issued->certificate));
  gtk_text_buffer_set_text (gtk_text_view_get_buffer (self->result_view), pem, -1);
  gtk_stack_set_visible_child_name (self->result_stack, self->der ? "der" : "pem");
  gtk_widget_set_visible (self->copy_button, !self->der);
  go_to (self, "result");
}

static void
self_sign_done (GObject      *source,
                GAsyncResult *result,
                gpointer      user_data)
{
  g_autoptr(CkRequestAssistant) self = user_data;
  g_autoptr(CkKeeperIssued) issued = NULL;
  g_autoptr(GError) error = NULL;

  issued = ck_keeper_self_sign_finish (CK_KEEPER (source), result, &error);
  if (self->disposed)
    return;
  stop_working (self);
  if (issued == NULL)
    {
      show_failure (self, error);
      return;
    }
  g_set_object (&self->certificate, issued->certificate);
  self->certificate_id = issued->certificate_id;
  self->key_id = issued->key_id;
  show_certificate_result (self, issued);
  g_signal_emit (self, signals[CERTIFICATE_ADDED], 0, self->certificate_id);
}

static void
trust_clicked (CkRequestAssistant *self)
{
  if (self->certificate_id > 0)
    g_signal_emit (self, signals[TRUST_REQUESTED], 0, self->certificate_id);
}

static void
generate_done (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  g_autoptr(CkRequestAssistant) self = user_data;
  g_autoptr(CkRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  CkKeeperRequestResult made = { 0, };

  request = ck_keeper_create_request_finish (CK_KEEPER (source), result, &made, &error);
  if (self->disposed)
    return;
  stop_working (self);
  if (request == NULL)
    {
      show_failure (self, error);
      return;
    }

  g_set_object (&self->request, request);
  self->request_id = made.request_id;
  self->key_id = made.key_id;
  show_result (self);
  g_signal_emit (self, signals[REQUEST_ADDED], 0, self->request_id);
}

static void
existing_token_login_done (GObject      *source,
                           GAsyncResult *result,
                           gpointer      user_data)
{
  g_autoptr(CkRequestAssistant) self = user_data;
  g_autoptr(GError) error = NULL;

  if (self->disposed)
    return;
  if (ck_pin_dialog_login_finish (result, &error))
    start_generating (self);
  else if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    show_error (self, error->message);
}

/* A stored key that lives on a token signs there: its token is logged in
 * first, through the PIN dialog. FALSE while that is under way. */
static gboolean
existing_token_ready (CkRequestAssistant *self)
{
  CkStoredKey *row = ck_store_get_key_row (self->store, self->existing_key_id);
  const char *uri = row != NULL ? ck_stored_key_get_pkcs11_uri (row) : NULL;
  g_autoptr(GError) error = NULL;

  if (uri == NULL)
    return TRUE;
  if (self->existing_token == NULL)
    self->existing_token = ck_token_lookup (uri, &error);
  if (self->existing_token == NULL)
    {
      show_error (self, error->message);
      return FALSE;
    }
  if (!ck_token_needs_login (self->existing_token) || ck_token_is_logged_in (self->existing_token))
    return TRUE;
  ck_pin_dialog_login_async (GTK_WINDOW (self), self->existing_token, NULL,
                             existing_token_login_done, g_object_ref (self));
  return FALSE;
}

static void
start_generating (CkRequestAssistant *self)
{
  const Algorithm *algorithm = chosen_algorithm (self);
  g_autoptr(GBytes) id = NULL;
  g_autofree char *what = NULL;
  CkKeeperKeyChoice key = { 0, };
  gboolean id_ok;

  show_error (self, NULL);
  signature_changed (self);
  if (has_blocking_findings (self))
    {
      show_findings (self);
      return;
    }
  if (key_source (self) == KEY_EXISTING && !existing_token_ready (self))
    return;

  /* What the user chose, for the keeper: it copies it all. */
  key.spec.type = algorithm->type;
  key.spec.bits = algorithm->bits;
  key.spec.curve = algorithm->curve;
  switch (key_source (self))
    {
    case KEY_NEW:
      key.source = CK_KEEPER_KEY_NEW;
      key.label = gtk_editable_get_text (self->label_row);
      key.no_passphrase = gtk_switch_get_active (self->no_passphrase_switch);
      if (!key.no_passphrase && gtk_widget_get_visible (GTK_WIDGET (self->passphrase_row)))
        key.passphrase = gtk_editable_get_text (self->passphrase_row);
      break;
    case KEY_EXISTING:
      key.source = CK_KEEPER_KEY_STORED;
      key.key_id = self->existing_key_id;
      /* None typed yet (the assistant was opened for this key and went
       * straight to the subject): the key page asks for it. */
      if (gtk_widget_get_visible (GTK_WIDGET (self->existing_passphrase_row)))
        key.passphrase = gtk_editable_get_text (self->existing_passphrase_row);
      break;
    case KEY_TOKEN:
      key.source = CK_KEEPER_KEY_TOKEN_NEW;
      key.label = gtk_editable_get_text (self->token_label_row);
      key.token = chosen_token (self);
      key.token_id = id = token_id (self, &id_ok);
      key.extractable = gtk_switch_get_active (self->token_extractable_switch);
      break;
    default:
      g_assert_not_reached ();
    }
  self->der = adw_combo_row_get_selected (self->format_row) == 1;

  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  self->busy = TRUE;

  if (key.source == CK_KEEPER_KEY_STORED)
    {
      adw_status_page_set_title (self->working_page, self->self_signed
                                                     ? _("Signing the Certificate…")
                                                     : _("Signing the Request…"));
      adw_status_page_set_description (self->working_page, NULL);
    }
  else
    {
      what = ck_key_spec_describe (&key.spec);
      adw_status_page_set_title (self->working_page, _("Generating the Key…"));
      adw_status_page_set_description (self->working_page, algorithm->bits >= 8192
                                       ? _("An RSA 8192 key can take a minute. You can cancel it.")
                                       : what);
    }
  /* A token cannot be interrupted. */
  gtk_widget_set_sensitive (self->working_cancel_button, key.source == CK_KEEPER_KEY_NEW);
  go_to (self, "working");
  self->pulse_id = g_timeout_add (100, pulse, self);

  if (self->self_signed)
    {
      g_autoptr(CkCertificateBuilder) builder = certificate_builder (self);

      /* The keeper copies it: checks, key, signature and the store's one
       * transaction, in a worker thread. */
      ck_keeper_self_sign_async (self->keeper, builder, &key, NULL, NULL, self->cancellable,
                                 self_sign_done, g_object_ref (self));
      return;
    }
  ck_keeper_create_request_async (self->keeper, self->builder, &key, NULL, NULL,
                                  self->cancellable, generate_done, g_object_ref (self));
}

static void
stop_clicked (CkRequestAssistant *self)
{
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
}

/* --- Result */

static char *
suggested_name (CkRequestAssistant *self,
                const char         *extension)
{
  GPtrArray *subject = ck_request_builder_get_subject (self->builder);
  const char *cn = ck_dn_lookup (subject, CK_OID_CN);
  g_autofree char *base = g_strdup (cn != NULL && cn[0] != '\0' ? cn : "request");

  g_strdelimit (base, "/\\:*?\"<>| ", '_');
  if (base[0] == '.')
    base[0] = '_';
  return g_strconcat (base, extension, NULL);
}

static void
saved_toast (CkRequestAssistant *self,
             GFile              *file)
{
  g_autofree char *basename = g_file_get_basename (file);
  g_autofree char *title = g_strdup_printf (_("Saved as “%s”"), basename);

  toast (self, title);
}

static gboolean
save_file (GFile       *file,
           const void  *data,
           gsize        len,
           GError     **error)
{
  if (g_file_peek_path (file) != NULL)
    /* The file chooser has asked about replacing an existing file. */
    return ck_file_write (g_file_peek_path (file), data, len, CK_WRITE_OVERWRITE, error);
  return g_file_replace_contents (file, data, len, NULL, FALSE, G_FILE_CREATE_NONE,
                                  NULL, NULL, error);
}

/* What was made, as PEM. */
static char *
result_pem (CkRequestAssistant *self)
{
  if (self->certificate != NULL)
    return ck_certificate_to_pem (self->certificate);
  return ck_request_to_pem (self->request);
}

static void
request_file_chosen (GFile    *file,
                     gpointer  user_data)
{
  g_autoptr(CkRequestAssistant) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (file == NULL || self->disposed || (self->request == NULL && self->certificate == NULL))
    return;
  if (self->der)
    {
      GBytes *der = self->certificate != NULL ? ck_certificate_get_der (self->certificate)
                                              : ck_request_get_der (self->request);

      ok = save_file (file, g_bytes_get_data (der, NULL), g_bytes_get_size (der), &error);
    }
  else
    {
      g_autofree char *pem = result_pem (self);

      ok = save_file (file, pem, strlen (pem), &error);
    }
  if (ok)
    saved_toast (self, file);
  else
    show_error (self, error->message);
}

static void
save_clicked (CkRequestAssistant *self)
{
  g_autofree char *name = suggested_name (self, self->der ? ".der"
                                                : self->self_signed ? ".crt" : ".csr");

  ck_file_chooser_save_file (GTK_WINDOW (self),
                             self->self_signed ? _("Save Certificate") : _("Save Request"),
                             name, request_file_chosen, g_object_ref (self));
}

static void
template_file_chosen (GFile    *file,
                      gpointer  user_data)
{
  g_autoptr(CkRequestAssistant) self = user_data;
  g_autoptr(GPtrArray) warnings = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;

  if (file == NULL || self->disposed)
    return;
  text = ck_template_from_builder (self->builder, &warnings);
  if (!save_file (file, text, strlen (text), &error))
    {
      show_error (self, error->message);
      return;
    }
  if (warnings != NULL && warnings->len > 0)
    {
      g_autofree char *title = g_strdup_printf (ngettext ("Template saved; %u choice cannot be expressed in it (see the comments in the file)",
                                                          "Template saved; %u choices cannot be expressed in it (see the comments in the file)",
                                                          warnings->len),
                                                warnings->len);

      toast (self, title);
    }
  else
    saved_toast (self, file);
}

static void
save_template_clicked (CkRequestAssistant *self)
{
  g_autofree char *name = suggested_name (self, ".tmpl");

  ck_file_chooser_save_file (GTK_WINDOW (self), _("Save as certtool Template"), name,
                             template_file_chosen, g_object_ref (self));
}

static void
copy_clicked (CkRequestAssistant *self)
{
  g_autofree char *pem = NULL;

  if (self->request == NULL && self->certificate == NULL)
    return;
  pem = result_pem (self);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (GTK_WIDGET (self)), pem);
  toast (self, self->certificate != NULL ? _("Certificate copied") : _("Request copied"));
}

/* --- Public API */

static void add_profile_rows (CkRequestAssistant *self);

static CkRequestAssistant *
assistant_new (GtkWindow *parent,
               CkKeeper  *keeper,
               gboolean   self_signed)
{
  CkRequestAssistant *self;

  self = g_object_new (CK_TYPE_REQUEST_ASSISTANT, "transient-for", parent, NULL);
  self->keeper = g_object_ref (keeper);
  self->store = g_object_ref (ck_keeper_get_store (keeper));
  self->self_signed = self_signed;
  self->steps = self_signed ? certificate_steps : request_steps;
  self->step_titles = self_signed ? certificate_step_titles : request_step_titles;
  self->n_steps = self_signed ? G_N_ELEMENTS (certificate_steps) : G_N_ELEMENTS (request_steps);
  if (self_signed)
    {
      gtk_window_set_title (GTK_WINDOW (self), _("New Self-Signed Certificate"));
      adw_window_title_set_title (self->window_title, _("New Self-Signed Certificate"));
      gtk_widget_set_tooltip_text (self->cancel_button, _("Close without making a certificate"));
      adw_preferences_group_set_title (self->review_group, _("The Certificate"));
      adw_status_page_set_title (self->der_page, _("The Certificate Is in DER"));
      adw_status_page_set_description (self->der_page,
                                       _("DER is a binary format and cannot be shown or copied as text. Save it to a file."));
      gtk_widget_set_tooltip_text (self->copy_button, _("Copy the certificate to the clipboard"));
      gtk_widget_set_tooltip_text (self->save_button, _("Save the certificate to a file"));
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->result_view),
                                      GTK_ACCESSIBLE_PROPERTY_LABEL, _("Certificate"), -1);
      /* A certificate's signature follows its key: no RSA-PSS choice. */
      gtk_widget_set_visible (self->pss_row, FALSE);
    }
  add_profile_rows (self);
  list_existing_keys (self);
  return self;
}

CkRequestAssistant *
ck_request_assistant_new (GtkWindow *parent,
                          CkKeeper  *keeper)
{
  g_return_val_if_fail (CK_IS_KEEPER (keeper), NULL);
  return assistant_new (parent, keeper, FALSE);
}

CkRequestAssistant *
ck_request_assistant_new_self_signed (GtkWindow *parent,
                                      CkKeeper  *keeper)
{
  g_return_val_if_fail (CK_IS_KEEPER (keeper), NULL);
  return assistant_new (parent, keeper, TRUE);
}

void
ck_request_assistant_set_days (CkRequestAssistant *self,
                               guint               days)
{
  g_return_if_fail (CK_IS_REQUEST_ASSISTANT (self));
  ck_validity_editor_set_days (self->validity_editor, days);
}

void
ck_request_assistant_set_key (CkRequestAssistant *self,
                              gint64              key_id)
{
  g_return_if_fail (CK_IS_REQUEST_ASSISTANT (self));
  g_return_if_fail (self->store != NULL);

  if (ck_store_get_key_row (self->store, key_id) == NULL)
    return;
  self->existing_key_id = key_id;
  list_existing_keys (self);
  gtk_check_button_set_active (self->existing_key_check, TRUE);
  key_source_toggled (self);
  /* The profile's extensions for this key's type. */
  apply_preset (self);
  go_to (self, "subject");
}

static gboolean
ck_request_assistant_close_request (GtkWindow *window)
{
  CkRequestAssistant *self = CK_REQUEST_ASSISTANT (window);

  /* Until the store commits, cancelling leaves it as it was; after, the
   * request is kept and the assistant just goes. */
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  return GTK_WINDOW_CLASS (ck_request_assistant_parent_class)->close_request (window);
}

static void
ck_request_assistant_dispose (GObject *object)
{
  CkRequestAssistant *self = CK_REQUEST_ASSISTANT (object);

  self->disposed = TRUE;
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  stop_working (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), CK_TYPE_REQUEST_ASSISTANT);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->builder);
  g_clear_object (&self->request);
  g_clear_object (&self->certificate);
  g_clear_object (&self->existing_token);
  g_clear_pointer (&self->tokens, g_ptr_array_unref);
  g_clear_pointer (&self->template_path, g_free);
  g_clear_object (&self->store);
  g_clear_object (&self->keeper);

  G_OBJECT_CLASS (ck_request_assistant_parent_class)->dispose (object);
}

static void
ck_request_assistant_class_init (CkRequestAssistantClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = ck_request_assistant_dispose;
  window_class->close_request = ck_request_assistant_close_request;

  /**
   * CkRequestAssistant::request-added:
   * @id: the store id of the new pending request
   */
  signals[REQUEST_ADDED] = g_signal_new ("request-added", G_TYPE_FROM_CLASS (klass),
                                         G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                         G_TYPE_NONE, 1, G_TYPE_INT64);

  /**
   * CkRequestAssistant::certificate-added:
   * @id: the store id of the new self-signed certificate
   */
  signals[CERTIFICATE_ADDED] = g_signal_new ("certificate-added", G_TYPE_FROM_CLASS (klass),
                                             G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                             G_TYPE_NONE, 1, G_TYPE_INT64);
  /**
   * CkRequestAssistant::trust-requested:
   * @id: the store id of the CA certificate made, to open its trust settings
   */
  signals[TRUST_REQUESTED] = g_signal_new ("trust-requested", G_TYPE_FROM_CLASS (klass),
                                           G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                           G_TYPE_NONE, 1, G_TYPE_INT64);

  g_type_ensure (CK_TYPE_SUBJECT_EDITOR);
  g_type_ensure (CK_TYPE_USAGE_EDITOR);
  g_type_ensure (CK_TYPE_VALIDITY_EDITOR);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/certkeeper/Certkeeper/ck-request-assistant.ui");
#define BIND(name) gtk_widget_class_bind_template_child (widget_class, CkRequestAssistant, name)
  BIND (toast_overlay);
  BIND (cancel_button);
  BIND (back_button);
  BIND (next_button);
  BIND (window_title);
  BIND (error_revealer);
  BIND (error_label);
  BIND (stack);
  BIND (profile_group);
  BIND (template_row);
  BIND (new_key_check);
  BIND (existing_key_check);
  BIND (token_key_check);
  BIND (existing_key_row);
  BIND (token_key_row);
  BIND (new_key_group);
  BIND (algorithm_row);
  BIND (label_row);
  BIND (passphrase_row);
  BIND (confirm_row);
  BIND (no_passphrase_switch);
  BIND (existing_group);
  BIND (existing_list);
  BIND (existing_passphrase_row);
  BIND (token_group);
  BIND (token_row);
  BIND (token_login_row);
  BIND (token_login_button);
  BIND (token_algorithm_row);
  BIND (token_label_row);
  BIND (token_id_row);
  BIND (token_extractable_switch);
  BIND (subject_editor);
  BIND (usage_editor);
  BIND (validity_editor);
  BIND (review_group);
  BIND (findings_list);
  BIND (review_label);
  BIND (hash_row);
  BIND (pss_row);
  BIND (pss_switch);
  BIND (format_row);
  BIND (working_page);
  BIND (progress_bar);
  BIND (working_cancel_button);
  BIND (recorded_label);
  BIND (result_stack);
  BIND (result_view);
  BIND (der_page);
  BIND (trust_note);
  BIND (trust_button);
  BIND (copy_button);
  BIND (save_button);
#undef BIND
  gtk_widget_class_bind_template_callback (widget_class, cancel_clicked);
  gtk_widget_class_bind_template_callback (widget_class, back_clicked);
  gtk_widget_class_bind_template_callback (widget_class, next_clicked);
  gtk_widget_class_bind_template_callback (widget_class, load_template_clicked);
  gtk_widget_class_bind_template_callback (widget_class, key_source_toggled);
  gtk_widget_class_bind_template_callback (widget_class, algorithm_changed);
  gtk_widget_class_bind_template_callback (widget_class, update_buttons);
  gtk_widget_class_bind_template_callback (widget_class, no_passphrase_changed);
  gtk_widget_class_bind_template_callback (widget_class, token_changed);
  gtk_widget_class_bind_template_callback (widget_class, token_login_clicked);
  gtk_widget_class_bind_template_callback (widget_class, usage_edited);
  gtk_widget_class_bind_template_callback (widget_class, signature_changed);
  gtk_widget_class_bind_template_callback (widget_class, stop_clicked);
  gtk_widget_class_bind_template_callback (widget_class, save_template_clicked);
  gtk_widget_class_bind_template_callback (widget_class, copy_clicked);
  gtk_widget_class_bind_template_callback (widget_class, save_clicked);
  gtk_widget_class_bind_template_callback (widget_class, trust_clicked);

  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static GListModel *
algorithm_model (const Algorithm *list,
                 gsize            n)
{
  GtkStringList *model = gtk_string_list_new (NULL);

  for (gsize i = 0; i < n; i++)
    gtk_string_list_append (model, _(list[i].label));
  return G_LIST_MODEL (model);
}

static void
ck_request_assistant_init (CkRequestAssistant *self)
{
  g_autoptr(GListModel) model = NULL;

  gtk_widget_init_template (GTK_WIDGET (self));

  self->loading = TRUE;
  model = algorithm_model (algorithms, G_N_ELEMENTS (algorithms));
  adw_combo_row_set_model (self->algorithm_row, model);

  self->loading = FALSE;

  self->builder = ck_request_builder_new ();
  g_signal_connect_swapped (self->subject_editor, "changed", G_CALLBACK (subject_changed), self);
  ck_subject_editor_set_builder (self->subject_editor, self->builder);
  self->steps = request_steps;
  self->step_titles = request_step_titles;
  self->n_steps = G_N_ELEMENTS (request_steps);
}

/* The profiles of a request or of a self-signed certificate, once the
 * constructor has said which. */
static void
add_profile_rows (CkRequestAssistant *self)
{
  GtkCheckButton *group = NULL;
  guint n = self->self_signed ? G_N_ELEMENTS (certificate_profiles) : G_N_ELEMENTS (profiles);

  self->loading = TRUE;
  for (guint i = 0; i < n; i++)
    {
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *check = gtk_check_button_new ();
      const char *name = self->self_signed ? _(certificate_profiles[i].title)
                                           : ck_request_profile_get_display_name (profiles[i].profile);
      const char *explanation = self->self_signed ? certificate_profiles[i].explanation
                                                  : profiles[i].explanation;

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _(explanation));
      gtk_accessible_update_property (GTK_ACCESSIBLE (check), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
      gtk_widget_set_valign (check, GTK_ALIGN_CENTER);
      if (group != NULL)
        gtk_check_button_set_group (GTK_CHECK_BUTTON (check), group);
      else
        group = GTK_CHECK_BUTTON (check);
      g_object_set_data (G_OBJECT (check), "index", GUINT_TO_POINTER (i));
      g_signal_connect (check, "toggled", G_CALLBACK (profile_toggled), self);
      adw_action_row_add_prefix (ADW_ACTION_ROW (row), check);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), check);
      adw_preferences_group_add (self->profile_group, row);
      self->profile_checks[i] = GTK_CHECK_BUTTON (check);
    }
  self->loading = FALSE;
  /* TLS server is what most requests and test certificates are for. */
  gtk_check_button_set_active (self->profile_checks[0], TRUE);
  key_source_toggled (self);
  go_to (self, "profile");
}
