/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gi18n.h>

#include "ck-usage-editor.h"

#define MAX_KU_BITS 16

static const struct {
  const char *name;
  const char *title;
} eku_purposes[] = {
  { "serverAuth", N_("TLS server authentication (serverAuth)") },
  { "clientAuth", N_("TLS client authentication (clientAuth)") },
  { "codeSigning", N_("Code signing (codeSigning)") },
  { "emailProtection", N_("Email protection (emailProtection)") },
  { "timeStamping", N_("Time stamping (timeStamping)") },
  { "OCSPSigning", N_("OCSP signing (OCSPSigning)") },
  { "anyExtendedKeyUsage", N_("Any purpose (anyExtendedKeyUsage)") },
};

/* The SAN types of the dropdown, in its order. */
static const char *san_prefixes[] = { "DNS", "IP", "IP", "email", "URI", "UPN" };

struct _CkUsageEditor
{
  AdwBin            parent_instance;

  CkRequestBuilder *builder;
  gboolean          loading;

  GtkCheckButton   *ku_checks[MAX_KU_BITS];
  guint             ku_flags[MAX_KU_BITS];
  guint             n_ku;
  GtkSwitch        *ku_critical_switch;
  GtkCheckButton   *eku_checks[G_N_ELEMENTS (eku_purposes)];
  GtkSwitch        *eku_critical_switch;
  GPtrArray        *custom_rows;

  GtkListBox       *san_list;
  GtkDropDown      *san_type_dropdown;
  GtkEntry         *san_entry;
  GtkWidget        *san_add_button;
  GtkWidget        *san_error_box;
  GtkLabel         *san_error_label;
  GtkSwitch        *san_critical_switch;
  AdwPreferencesGroup *key_usage_group;
  AdwPreferencesGroup *eku_group;
  GtkListBox       *eku_custom_list;
  GtkWidget        *eku_custom_entry;
  GtkWidget        *eku_custom_error;
  GtkSwitch        *bc_switch;
  GtkSwitch        *ca_switch;
  GtkSwitch        *path_len_switch;
  GtkSpinButton    *path_len_spin;
  GtkSwitch        *bc_critical_switch;
  GtkEditable      *challenge_entry;
};

G_DEFINE_FINAL_TYPE (CkUsageEditor, ck_usage_editor, ADW_TYPE_BIN)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
edited (CkUsageEditor *self)
{
  if (!self->loading)
    g_signal_emit (self, signals[CHANGED], 0);
}

/* --- Subject alternative names */

static void load_sans (CkUsageEditor *self);

static void
san_remove_clicked (GtkButton     *button,
                    CkUsageEditor *self)
{
  GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (button), GTK_TYPE_LIST_BOX_ROW);

  ck_request_builder_remove_san (self->builder,
                                 gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (row)));
  load_sans (self);
  edited (self);
}

static void
load_sans (CkUsageEditor *self)
{
  GPtrArray *sans = ck_request_builder_get_sans (self->builder);
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->san_list))) != NULL)
    gtk_list_box_remove (self->san_list, child);

  for (guint i = 0; i < sans->len; i++)
    {
      CkGeneralName *name = sans->pdata[i];
      GtkWidget *row = adw_action_row_new ();
      GtkWidget *button = gtk_button_new_from_icon_name ("list-remove-symbolic");
      g_autofree char *tooltip = NULL;

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name->value);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row),
                                   ck_general_name_kind_to_string (name->kind));
      /* Values are data, not markup. */
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      tooltip = g_strdup_printf (_("Remove “%s”"), name->value);
      gtk_widget_set_tooltip_text (button, tooltip);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (button, "flat");
      g_signal_connect (button, "clicked", G_CALLBACK (san_remove_clicked), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      gtk_list_box_append (self->san_list, row);
    }
  if (sans->len == 0)
    {
      GtkWidget *row = adw_action_row_new ();

      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), _("No alternative names yet"));
      gtk_widget_add_css_class (row, "dim-label");
      gtk_list_box_append (self->san_list, row);
    }
}

static void
show_san_error (CkUsageEditor *self,
                const char    *message)
{
  gtk_label_set_text (self->san_error_label, message != NULL ? message : "");
  gtk_widget_set_visible (self->san_error_box, message != NULL);
  if (message != NULL)
    {
      gtk_widget_add_css_class (GTK_WIDGET (self->san_entry), "error");
      gtk_accessible_update_property (GTK_ACCESSIBLE (self->san_entry),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, message, -1);
    }
  else
    {
      gtk_widget_remove_css_class (GTK_WIDGET (self->san_entry), "error");
      gtk_accessible_reset_property (GTK_ACCESSIBLE (self->san_entry),
                                     GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
    }
}

static void
san_entry_changed (CkUsageEditor *self)
{
  show_san_error (self, NULL);
}

static void
san_add_clicked (CkUsageEditor *self)
{
  g_autofree char *value = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->san_entry))));
  guint type = gtk_drop_down_get_selected (self->san_type_dropdown);
  g_autoptr(GError) error = NULL;
  g_autoptr(CkGeneralName) name = NULL;
  g_autofree char *text = NULL;

  if (value[0] == '\0' || type >= G_N_ELEMENTS (san_prefixes))
    return;

  /* IPv4 and IPv6 are one kind to the core; the dropdown says which. */
  if (type == 1 || type == 2)
    {
      g_autoptr(GInetAddress) address = g_inet_address_new_from_string (value);
      GSocketFamily family = type == 1 ? G_SOCKET_FAMILY_IPV4 : G_SOCKET_FAMILY_IPV6;

      if (address == NULL || g_inet_address_get_family (address) != family)
        {
          show_san_error (self, type == 1
                          ? _("Not an IPv4 address, such as 192.0.2.10")
                          : _("Not an IPv6 address, such as 2001:db8::10"));
          return;
        }
    }
  text = g_strdup_printf ("%s:%s", san_prefixes[type], value);
  name = ck_general_name_parse (text, &error);
  if (name == NULL)
    {
      show_san_error (self, error->message);
      return;
    }
  ck_request_builder_add_san (self->builder, name);
  gtk_editable_set_text (GTK_EDITABLE (self->san_entry), "");
  load_sans (self);
  edited (self);
}

static void
san_critical_changed (CkUsageEditor *self)
{
  if (self->loading)
    return;
  ck_request_builder_set_san_critical (self->builder, gtk_switch_get_active (self->san_critical_switch));
  edited (self);
}

/* --- Key usage */

static void
key_usage_changed (CkUsageEditor *self)
{
  guint usage = 0;

  if (self->loading)
    return;
  for (guint i = 0; i < self->n_ku; i++)
    if (gtk_check_button_get_active (self->ku_checks[i]))
      usage |= self->ku_flags[i];
  ck_request_builder_set_key_usage (self->builder, usage,
                                    gtk_switch_get_active (self->ku_critical_switch));
  edited (self);
}

/* --- Extended key usage */

/* The builder's list with @oid added or taken out, order kept. */
static void
set_eku (CkUsageEditor *self,
         const char    *oid,
         gboolean       present)
{
  gboolean critical = FALSE;
  const char * const *current = ck_request_builder_get_extended_key_usage (self->builder, &critical);
  /* Copies: the builder frees its old list as it takes the new one. */
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; current[i] != NULL; i++)
    if (oid == NULL || !g_str_equal (current[i], oid))
      g_ptr_array_add (list, g_strdup (current[i]));
  if (oid != NULL && present)
    g_ptr_array_add (list, g_strdup (oid));
  g_ptr_array_add (list, NULL);
  ck_request_builder_set_extended_key_usage (self->builder, (const char * const *) list->pdata,
                                             gtk_switch_get_active (self->eku_critical_switch));
}

static void load_custom_ekus (CkUsageEditor *self);

static void
eku_toggled (GtkCheckButton *check,
             CkUsageEditor  *self)
{
  const char *oid = g_object_get_data (G_OBJECT (check), "oid");

  if (self->loading)
    return;
  set_eku (self, oid, gtk_check_button_get_active (check));
  edited (self);
}

static void
eku_critical_changed (CkUsageEditor *self)
{
  if (self->loading)
    return;
  set_eku (self, NULL, FALSE);
  edited (self);
}

static void
custom_remove_clicked (GtkButton     *button,
                       CkUsageEditor *self)
{
  set_eku (self, g_object_get_data (G_OBJECT (button), "oid"), FALSE);
  load_custom_ekus (self);
  edited (self);
}

static gboolean
is_standard_eku (const char *oid)
{
  const char *name = ck_extended_key_usage_to_name (oid);

  for (guint i = 0; name != NULL && i < G_N_ELEMENTS (eku_purposes); i++)
    if (g_str_equal (name, eku_purposes[i].name))
      return TRUE;
  return FALSE;
}

static void
load_custom_ekus (CkUsageEditor *self)
{
  const char * const *current = ck_request_builder_get_extended_key_usage (self->builder, NULL);

  for (guint i = 0; i < self->custom_rows->len; i++)
    gtk_list_box_remove (self->eku_custom_list, self->custom_rows->pdata[i]);
  g_ptr_array_set_size (self->custom_rows, 0);

  for (guint i = 0; current[i] != NULL; i++)
    {
      GtkWidget *row, *button;
      const char *display;
      g_autofree char *tooltip = NULL;

      if (is_standard_eku (current[i]))
        continue;
      row = adw_action_row_new ();
      display = ck_oid_get_display_name (current[i]);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), current[i]);
      if (display != NULL)
        adw_action_row_set_subtitle (ADW_ACTION_ROW (row), display);
      button = gtk_button_new_from_icon_name ("list-remove-symbolic");
      tooltip = g_strdup_printf (_("Remove the purpose %s"), current[i]);
      gtk_widget_set_tooltip_text (button, tooltip);
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL, tooltip, -1);
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (button, "flat");
      g_object_set_data_full (G_OBJECT (button), "oid", g_strdup (current[i]), g_free);
      g_signal_connect (button, "clicked", G_CALLBACK (custom_remove_clicked), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
      gtk_list_box_insert (self->eku_custom_list, row, self->custom_rows->len);
      g_ptr_array_add (self->custom_rows, row);
    }
}

static void
eku_custom_changed (CkUsageEditor *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->eku_custom_entry));
  gboolean bad = text[0] != '\0' && !ck_oid_is_valid (text)
                 && ck_extended_key_usage_from_name (text) == NULL;

  gtk_widget_set_visible (self->eku_custom_error, bad);
  if (bad)
    gtk_widget_add_css_class (self->eku_custom_entry, "error");
  else
    gtk_widget_remove_css_class (self->eku_custom_entry, "error");
}

static void
eku_custom_apply (CkUsageEditor *self)
{
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->eku_custom_entry))));
  const char *oid = ck_extended_key_usage_from_name (text);

  if (oid == NULL && ck_oid_is_valid (text))
    oid = text;
  if (oid == NULL)
    {
      eku_custom_changed (self);
      return;
    }
  set_eku (self, oid, TRUE);
  gtk_editable_set_text (GTK_EDITABLE (self->eku_custom_entry), "");
  ck_usage_editor_set_builder (self, self->builder);
  edited (self);
}

/* --- Basic constraints and the challenge password */

static void
update_bc_sensitivity (CkUsageEditor *self)
{
  gboolean present = gtk_switch_get_active (self->bc_switch);

  gtk_widget_set_sensitive (GTK_WIDGET (self->ca_switch), present);
  gtk_widget_set_sensitive (GTK_WIDGET (self->path_len_switch),
                            present && gtk_switch_get_active (self->ca_switch));
  gtk_widget_set_sensitive (GTK_WIDGET (self->path_len_spin),
                            present && gtk_switch_get_active (self->ca_switch)
                            && gtk_switch_get_active (self->path_len_switch));
  gtk_widget_set_sensitive (GTK_WIDGET (self->bc_critical_switch), present);
}

static void
bc_changed (CkUsageEditor *self)
{
  gboolean limit;

  update_bc_sensitivity (self);
  if (self->loading)
    return;
  limit = gtk_switch_get_active (self->ca_switch) && gtk_switch_get_active (self->path_len_switch);
  ck_request_builder_set_basic_constraints (self->builder,
                                            gtk_switch_get_active (self->bc_switch),
                                            gtk_switch_get_active (self->ca_switch),
                                            limit ? gtk_spin_button_get_value_as_int (self->path_len_spin) : -1,
                                            gtk_switch_get_active (self->bc_critical_switch));
  edited (self);
}

static void
challenge_changed (CkUsageEditor *self)
{
  const char *text = gtk_editable_get_text (self->challenge_entry);

  if (self->loading)
    return;
  ck_request_builder_set_challenge_password (self->builder, text[0] != '\0' ? text : NULL);
  edited (self);
}

void
ck_usage_editor_set_builder (CkUsageEditor    *self,
                             CkRequestBuilder *builder)
{
  gboolean critical = FALSE, is_ca = FALSE, present;
  const char * const *ekus;
  g_autofree char *challenge = NULL;
  int path_len = -1;
  guint usage;

  g_return_if_fail (CK_IS_USAGE_EDITOR (self));

  g_set_object (&self->builder, builder);
  self->loading = TRUE;

  load_sans (self);
  g_object_get (builder, "san-critical", &critical, NULL);
  gtk_switch_set_active (self->san_critical_switch, critical);

  usage = ck_request_builder_get_key_usage (builder, &critical);
  for (guint i = 0; i < self->n_ku; i++)
    gtk_check_button_set_active (self->ku_checks[i], (usage & self->ku_flags[i]) != 0);
  gtk_switch_set_active (self->ku_critical_switch, critical);

  ekus = ck_request_builder_get_extended_key_usage (builder, &critical);
  for (guint i = 0; i < G_N_ELEMENTS (eku_purposes); i++)
    gtk_check_button_set_active (self->eku_checks[i],
                                 g_strv_contains (ekus, g_object_get_data (G_OBJECT (self->eku_checks[i]), "oid")));
  gtk_switch_set_active (self->eku_critical_switch, critical);
  load_custom_ekus (self);

  present = ck_request_builder_get_basic_constraints (builder, &is_ca, &path_len, &critical);
  gtk_switch_set_active (self->bc_switch, present);
  gtk_switch_set_active (self->ca_switch, is_ca);
  gtk_switch_set_active (self->path_len_switch, path_len >= 0);
  gtk_spin_button_set_value (self->path_len_spin, MAX (path_len, 0));
  gtk_switch_set_active (self->bc_critical_switch, present ? critical : TRUE);
  update_bc_sensitivity (self);

  g_object_get (builder, "challenge-password", &challenge, NULL);
  gtk_editable_set_text (self->challenge_entry, challenge != NULL ? challenge : "");
  if (challenge != NULL)
    memset (challenge, 0, strlen (challenge));

  self->loading = FALSE;
}

/* A row that toggles @toggle (a check button in front, or a switch at the
 * end) wherever it is clicked. */
static gpointer
add_toggle_row (AdwPreferencesGroup *group,
                const char          *title,
                GtkWidget           *toggle)
{
  GtkWidget *row = adw_action_row_new ();

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  gtk_accessible_update_property (GTK_ACCESSIBLE (toggle), GTK_ACCESSIBLE_PROPERTY_LABEL, title, -1);
  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  if (GTK_IS_CHECK_BUTTON (toggle))
    adw_action_row_add_prefix (ADW_ACTION_ROW (row), toggle);
  else
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);
  adw_preferences_group_add (group, row);
  return toggle;
}

CkUsageEditor *
ck_usage_editor_new (void)
{
  return g_object_new (CK_TYPE_USAGE_EDITOR, NULL);
}

static void
ck_usage_editor_dispose (GObject *object)
{
  CkUsageEditor *self = CK_USAGE_EDITOR (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CK_TYPE_USAGE_EDITOR);
  g_clear_pointer (&self->custom_rows, g_ptr_array_unref);
  g_clear_object (&self->builder);

  G_OBJECT_CLASS (ck_usage_editor_parent_class)->dispose (object);
}

static void
ck_usage_editor_class_init (CkUsageEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ck_usage_editor_dispose;

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/certkeeper/Certkeeper/ck-usage-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, CkUsageEditor, san_list);
  gtk_widget_class_bind_template_child (widget_class, CkUsageEditor, san_type_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CkUsageEditor, san_entry);
  gtk_widget_class_bind_template_child (widget_class, CkUsageEditor, san_add_button);
  gtk_widget_class_bind_template_child (widget_class, CkUsageEditor, san_error_box);
  gtk_widget_class_bind_template_child (widget_class, CkUsageEditor, san_error_label);
  gtk_widget_class_bind_template_child (widget_class, CkUsageEditor, san_critical_switch);
  gtk_widget_class_bind_template_child (widget_class, CkUsageEditor, key_usage_group);
  gtk_widget_class_bind_template_child (widget_class, CkUsageEditor, eku_group);
  gtk_widget_class_bind_template_child (widget_class, CkUsageEditor, eku_custom_list);
  gtk_widget_class_bind_template_child (widget_class, CkUsageEditor, eku_custom_entry);
  gtk_widget_class_bind_template_child (widget_class, CkUsageEditor, eku_custom_error);
  gtk_widget_class_bind_template_child (widget_class, CkUsageEditor, bc_switch);
  gtk_widget_class_bind_template_child (widget_class, CkUsageEditor, ca_switch);
  gtk_widget_class_bind_template_child (widget_class, CkUsageEditor, path_len_switch);
  gtk_widget_class_bind_template_child (widget_class, CkUsageEditor, path_len_spin);
  gtk_widget_class_bind_template_child (widget_class, CkUsageEditor, bc_critical_switch);
  gtk_widget_class_bind_template_child (widget_class, CkUsageEditor, challenge_entry);
  gtk_widget_class_bind_template_callback (widget_class, san_add_clicked);
  gtk_widget_class_bind_template_callback (widget_class, san_entry_changed);
  gtk_widget_class_bind_template_callback (widget_class, eku_custom_apply);
  gtk_widget_class_bind_template_callback (widget_class, eku_custom_changed);
}

static void
ck_usage_editor_init (CkUsageEditor *self)
{
  const CkKeyUsageBit *bits;
  guint n_bits = 0;

  gtk_widget_init_template (GTK_WIDGET (self));
  self->custom_rows = g_ptr_array_new ();

  bits = ck_key_usage_bits (&n_bits);
  for (guint i = 0; i < n_bits && i < MAX_KU_BITS; i++)
    {
      g_autofree char *title = g_strdup_printf ("%s (%s)", _(bits[i].display_name), bits[i].name);

      self->ku_checks[i] = add_toggle_row (self->key_usage_group, title, gtk_check_button_new ());
      self->ku_flags[i] = bits[i].flag;
      g_signal_connect_swapped (self->ku_checks[i], "toggled", G_CALLBACK (key_usage_changed), self);
    }
  self->n_ku = MIN (n_bits, MAX_KU_BITS);
  self->ku_critical_switch = add_toggle_row (self->key_usage_group, _("Key usage is critical"), gtk_switch_new ());
  g_signal_connect_swapped (self->ku_critical_switch, "notify::active",
                            G_CALLBACK (key_usage_changed), self);

  for (guint i = 0; i < G_N_ELEMENTS (eku_purposes); i++)
    {
      self->eku_checks[i] = add_toggle_row (self->eku_group, _(eku_purposes[i].title), gtk_check_button_new ());
      g_object_set_data (G_OBJECT (self->eku_checks[i]), "oid",
                         (gpointer) ck_extended_key_usage_from_name (eku_purposes[i].name));
      g_signal_connect (self->eku_checks[i], "toggled", G_CALLBACK (eku_toggled), self);
    }
  self->eku_critical_switch = add_toggle_row (self->eku_group, _("Extended key usage is critical"), gtk_switch_new ());
  g_signal_connect_swapped (self->eku_critical_switch, "notify::active",
                            G_CALLBACK (eku_critical_changed), self);

  g_signal_connect_swapped (self->san_critical_switch, "notify::active",
                            G_CALLBACK (san_critical_changed), self);
  g_signal_connect_swapped (self->bc_switch, "notify::active", G_CALLBACK (bc_changed), self);
  g_signal_connect_swapped (self->ca_switch, "notify::active", G_CALLBACK (bc_changed), self);
  g_signal_connect_swapped (self->path_len_switch, "notify::active", G_CALLBACK (bc_changed), self);
  g_signal_connect_swapped (self->path_len_spin, "value-changed", G_CALLBACK (bc_changed), self);
  g_signal_connect_swapped (self->bc_critical_switch, "notify::active", G_CALLBACK (bc_changed), self);
  g_signal_connect_swapped (self->challenge_entry, "changed", G_CALLBACK (challenge_changed), self);
}
