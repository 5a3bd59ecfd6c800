/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gi18n.h>

#include "ck-subject-editor.h"

typedef struct
{
  const char *oid;           /* NULL: "any attribute by OID", typed as OID=value */
  const char *title;
  gboolean    common;
  const char *add_tooltip;   /* repeatable attributes: the "add another" button */
} AttributeInfo;

static const AttributeInfo attributes[] = {
  { CK_OID_CN, N_("Common name (CN)"), TRUE, NULL },
  { CK_OID_O, N_("Organization (O)"), TRUE, NULL },
  { CK_OID_OU, N_("Organizational unit (OU)"), TRUE, N_("Add another organizational unit") },
  { CK_OID_L, N_("Locality (L)"), TRUE, NULL },
  { CK_OID_ST, N_("State or province (ST)"), TRUE, NULL },
  { CK_OID_C, N_("Country, two letters (C)"), TRUE, NULL },
  { CK_OID_EMAIL, N_("Email address (emailAddress)"), TRUE, NULL },
  { CK_OID_STREET, N_("Street address (street)"), FALSE, NULL },
  { CK_OID_POSTAL_CODE, N_("Postal code (postalCode)"), FALSE, NULL },
  { CK_OID_TITLE, N_("Title (title)"), FALSE, NULL },
  { CK_OID_SURNAME, N_("Surname (SN)"), FALSE, NULL },
  { CK_OID_GIVEN_NAME, N_("Given name (givenName)"), FALSE, NULL },
  { CK_OID_INITIALS, N_("Initials (initials)"), FALSE, NULL },
  { CK_OID_PSEUDONYM, N_("Pseudonym (pseudonym)"), FALSE, NULL },
  { CK_OID_GENERATION_QUALIFIER, N_("Generation qualifier (generationQualifier)"), FALSE, NULL },
  { CK_OID_SERIAL_NUMBER, N_("Serial number (serialNumber)"), FALSE, NULL },
  { CK_OID_DN_QUALIFIER, N_("DN qualifier (dnQualifier)"), FALSE, NULL },
  { CK_OID_ORGANIZATION_IDENTIFIER, N_("Organization identifier (organizationIdentifier)"), FALSE, NULL },
  { CK_OID_DC, N_("Domain component (DC)"), FALSE, N_("Add another domain component") },
  { CK_OID_UID, N_("User ID (UID)"), FALSE, NULL },
  { NULL, N_("Any attribute by OID (OID=value)"), FALSE, N_("Add another attribute by OID") },
};

typedef struct
{
  CkSubjectEditor     *self;
  const AttributeInfo *info;
  GtkWidget           *row;
  GtkWidget           *error_icon;
  char                *problem;
  /* When it was first filled in (0: never). Kept when the text is
   * replaced, which empties the row for a moment, so an edited value keeps
   * its place. */
  guint64              seq;
} Field;

struct _CkSubjectEditor
{
  AdwBin            parent_instance;

  CkRequestBuilder *builder;
  GPtrArray        *fields;
  guint64           counter;
  gboolean          loading;

  GtkListBox       *common_list;
  GtkListBox       *more_list;
  GtkExpander      *more_expander;
  GtkLabel         *preview_label;
};

G_DEFINE_FINAL_TYPE (CkSubjectEditor, ck_subject_editor, ADW_TYPE_BIN)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

static void
field_free (gpointer data)
{
  Field *field = data;

  g_free (field->problem);
  g_free (field);
}

/* Parses an "OID=value" row; the OID may also be a short name. */
static gboolean
split_custom (const char  *text,
              char       **oid,
              const char **value)
{
  const char *eq = strchr (text, '=');
  g_autofree char *name = NULL;
  const char *known;

  if (eq == NULL || eq == text || eq[1] == '\0')
    return FALSE;
  name = g_strstrip (g_strndup (text, eq - text));
  known = ck_oid_from_short_name (name);
  if (known != NULL)
    *oid = g_strdup (known);
  else if (ck_oid_is_valid (name))
    *oid = g_steal_pointer (&name);
  else
    return FALSE;
  *value = eq + 1;
  return TRUE;
}

static char *
field_problem (Field *field)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (field->row));
  g_autofree char *oid = NULL;
  const char *value;

  if (text[0] == '\0')
    return NULL;
  if (field->info->oid == NULL && !split_custom (text, &oid, &value))
    return g_strdup (_("Write a dotted OID or an attribute name, “=” and the value, such as 2.5.4.97=CHE-464.234.583"));
  if (g_strcmp0 (field->info->oid, CK_OID_C) == 0 && !ck_iso3166_is_valid_code (text))
    return g_strdup (_("The country is a two-letter ISO 3166 code in capitals, such as CH or US"));
  return NULL;
}

static gint
compare_seq (gconstpointer a,
             gconstpointer b)
{
  const Field *fa = *(Field **) a;
  const Field *fb = *(Field **) b;

  return fa->seq < fb->seq ? -1 : fa->seq > fb->seq;
}

static void
update_preview (CkSubjectEditor *self)
{
  g_autofree char *subject = NULL;

  if (self->builder != NULL)
    subject = ck_request_builder_get_subject_string (self->builder);
  gtk_label_set_text (self->preview_label,
                      subject != NULL && subject[0] != '\0' ? subject : _("(empty)"));
}

/* The subject, in the order the attributes were filled in. Rows that
 * cannot be encoded are left out (and keep the assistant from going on);
 * a bad country is kept, so that the checks report it. */
static void
write_builder (CkSubjectEditor *self)
{
  g_autoptr(GPtrArray) filled = g_ptr_array_new ();

  if (self->builder == NULL)
    return;
  for (guint i = 0; i < self->fields->len; i++)
    {
      Field *field = self->fields->pdata[i];

      if (field->seq != 0 && gtk_editable_get_text (GTK_EDITABLE (field->row))[0] != '\0')
        g_ptr_array_add (filled, field);
    }
  g_ptr_array_sort (filled, compare_seq);

  ck_request_builder_clear_subject (self->builder);
  for (guint i = 0; i < filled->len; i++)
    {
      Field *field = filled->pdata[i];
      const char *text = gtk_editable_get_text (GTK_EDITABLE (field->row));
      g_autofree char *oid = NULL;
      const char *value = text;

      if (field->info->oid != NULL)
        oid = g_strdup (field->info->oid);
      else if (!split_custom (text, &oid, &value))
        continue;
      ck_request_builder_add_attribute (self->builder, oid, value);
    }
}

static void
show_problem (Field *field)
{
  g_free (field->problem);
  field->problem = field_problem (field);
  gtk_widget_set_visible (field->error_icon, field->problem != NULL);
  gtk_widget_set_tooltip_text (field->error_icon, field->problem);
  gtk_accessible_update_property (GTK_ACCESSIBLE (field->error_icon),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  field->problem != NULL ? field->problem : "", -1);
  if (field->problem != NULL)
    {
      gtk_widget_add_css_class (field->row, "error");
      gtk_accessible_update_property (GTK_ACCESSIBLE (field->row),
                                      GTK_ACCESSIBLE_PROPERTY_DESCRIPTION, field->problem, -1);
    }
  else
    {
      gtk_widget_remove_css_class (field->row, "error");
      gtk_accessible_reset_property (GTK_ACCESSIBLE (field->row),
                                     GTK_ACCESSIBLE_PROPERTY_DESCRIPTION);
    }
}

static void
field_changed (GtkEditable *editable,
               Field       *field)
{
  CkSubjectEditor *self = field->self;
  const char *text = gtk_editable_get_text (editable);

  if (text[0] != '\0' && field->seq == 0)
    field->seq = ++self->counter;
  show_problem (field);
  if (self->loading)
    return;
  write_builder (self);
  update_preview (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

static Field *add_field (CkSubjectEditor     *self,
                         const AttributeInfo *info,
                         gboolean             extra);

static void
add_another_clicked (GtkButton *button,
                     Field     *field)
{
  Field *added = add_field (field->self, field->info, TRUE);

  gtk_widget_grab_focus (added->row);
}

static void
remove_clicked (GtkButton *button,
                Field     *field)
{
  CkSubjectEditor *self = field->self;
  GtkWidget *list = gtk_widget_get_parent (field->row);

  gtk_list_box_remove (GTK_LIST_BOX (list), field->row);
  g_ptr_array_remove (self->fields, field);
  write_builder (self);
  update_preview (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

static Field *
add_field (CkSubjectEditor     *self,
           const AttributeInfo *info,
           gboolean             extra)
{
  Field *field = g_new0 (Field, 1);
  GtkListBox *list = info->common ? self->common_list : self->more_list;
  int position = -1;

  field->self = self;
  field->info = info;
  field->row = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (field->row), _(info->title));

  field->error_icon = gtk_image_new_from_icon_name ("dialog-error-symbolic");
  gtk_widget_add_css_class (field->error_icon, "error");
  gtk_widget_set_visible (field->error_icon, FALSE);
  adw_entry_row_add_suffix (ADW_ENTRY_ROW (field->row), field->error_icon);

  if (info->add_tooltip != NULL)
    {
      GtkWidget *button;

      if (extra)
        {
          button = gtk_button_new_from_icon_name ("list-remove-symbolic");
          gtk_widget_set_tooltip_text (button, _("Remove this attribute"));
          g_signal_connect (button, "clicked", G_CALLBACK (remove_clicked), field);
        }
      else
        {
          button = gtk_button_new_from_icon_name ("list-add-symbolic");
          gtk_widget_set_tooltip_text (button, _(info->add_tooltip));
          g_signal_connect (button, "clicked", G_CALLBACK (add_another_clicked), field);
        }
      gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      gtk_widget_get_tooltip_text (button), -1);
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (button, "flat");
      adw_entry_row_add_suffix (ADW_ENTRY_ROW (field->row), button);
    }

  /* Another OU goes below the last OU, and so on. */
  for (guint i = 0; extra && i < self->fields->len; i++)
    {
      Field *other = self->fields->pdata[i];

      if (other->info == info)
        position = gtk_list_box_row_get_index (GTK_LIST_BOX_ROW (other->row)) + 1;
    }
  gtk_list_box_insert (list, field->row, position);
  g_signal_connect (field->row, "changed", G_CALLBACK (field_changed), field);
  g_ptr_array_add (self->fields, field);
  return field;
}

/* The row that takes a value of @oid when loading: a free row of that
 * attribute, another one of a repeatable attribute, else an OID=value row. */
static Field *
field_for_oid (CkSubjectEditor *self,
               const char      *oid)
{
  const AttributeInfo *info = NULL;
  const AttributeInfo *custom = &attributes[G_N_ELEMENTS (attributes) - 1];

  for (guint i = 0; i < self->fields->len; i++)
    {
      Field *field = self->fields->pdata[i];

      if (g_strcmp0 (field->info->oid, oid) == 0)
        {
          info = field->info;
          if (field->seq == 0)
            return field;
        }
    }
  if (info != NULL && info->add_tooltip != NULL)
    return add_field (self, info, TRUE);

  for (guint i = 0; i < self->fields->len; i++)
    {
      Field *field = self->fields->pdata[i];

      if (field->info == custom && field->seq == 0)
        return field;
    }
  return add_field (self, custom, TRUE);
}

void
ck_subject_editor_set_builder (CkSubjectEditor  *self,
                               CkRequestBuilder *builder)
{
  GPtrArray *subject;
  gboolean more = FALSE;

  g_return_if_fail (CK_IS_SUBJECT_EDITOR (self));

  g_set_object (&self->builder, builder);
  self->loading = TRUE;
  /* Back to one empty row per attribute. */
  for (guint i = self->fields->len; i > 0; i--)
    {
      Field *field = self->fields->pdata[i - 1];
      gboolean first = TRUE;

      for (guint j = 0; j < i - 1; j++)
        if (((Field *) self->fields->pdata[j])->info == field->info)
          first = FALSE;
      if (!first)
        {
          gtk_list_box_remove (GTK_LIST_BOX (gtk_widget_get_parent (field->row)), field->row);
          g_ptr_array_remove_index (self->fields, i - 1);
        }
      else
        {
          gtk_editable_set_text (GTK_EDITABLE (field->row), "");
          field->seq = 0;
        }
    }

  subject = ck_request_builder_get_subject (builder);
  for (guint i = 0; i < subject->len; i++)
    {
      CkDnAttribute *attr = subject->pdata[i];
      Field *field = field_for_oid (self, attr->oid);

      if (field->info->oid == NULL)
        {
          g_autofree char *text = g_strdup_printf ("%s=%s", attr->oid, attr->value);

          gtk_editable_set_text (GTK_EDITABLE (field->row), text);
        }
      else
        gtk_editable_set_text (GTK_EDITABLE (field->row), attr->value);
      more = more || !field->info->common;
    }
  self->loading = FALSE;
  if (more)
    gtk_expander_set_expanded (self->more_expander, TRUE);
  update_preview (self);
}

gboolean
ck_subject_editor_is_valid (CkSubjectEditor *self)
{
  g_return_val_if_fail (CK_IS_SUBJECT_EDITOR (self), FALSE);

  for (guint i = 0; i < self->fields->len; i++)
    {
      Field *field = self->fields->pdata[i];

      if (field->info->oid == NULL && field->problem != NULL)
        return FALSE;
    }
  return TRUE;
}

CkSubjectEditor *
ck_subject_editor_new (void)
{
  return g_object_new (CK_TYPE_SUBJECT_EDITOR, NULL);
}

static void
ck_subject_editor_dispose (GObject *object)
{
  CkSubjectEditor *self = CK_SUBJECT_EDITOR (object);

  gtk_widget_dispose_template (GTK_WIDGET (self), CK_TYPE_SUBJECT_EDITOR);
  g_clear_pointer (&self->fields, g_ptr_array_unref);
  g_clear_object (&self->builder);

  G_OBJECT_CLASS (ck_subject_editor_parent_class)->dispose (object);
}

static void
ck_subject_editor_class_init (CkSubjectEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ck_subject_editor_dispose;

  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/certkeeper/Certkeeper/ck-subject-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, CkSubjectEditor, common_list);
  gtk_widget_class_bind_template_child (widget_class, CkSubjectEditor, more_list);
  gtk_widget_class_bind_template_child (widget_class, CkSubjectEditor, more_expander);
  gtk_widget_class_bind_template_child (widget_class, CkSubjectEditor, preview_label);
}

static void
ck_subject_editor_init (CkSubjectEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));

  self->fields = g_ptr_array_new_with_free_func (field_free);
  for (guint i = 0; i < G_N_ELEMENTS (attributes); i++)
    add_field (self, &attributes[i], FALSE);
  update_preview (self);
}
