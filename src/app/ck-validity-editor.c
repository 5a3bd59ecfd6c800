/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The validity page of the New Self-Signed Certificate assistant (and of
 * any dialog that issues a certificate): the profile's default, a number
 * of days, or a date. What the default is, and whether the period is too
 * long for a TLS server, the core says (CkCertificateBuilder). */
#include <glib/gi18n.h>

#include "ck-validity-editor.h"

#include <string.h>

struct _CkValidityEditor
{
  AdwBin          parent_instance;

  AdwPreferencesGroup *group;
  AdwActionRow   *default_row;
  GtkCheckButton *default_check;
  GtkCheckButton *days_check;
  GtkSpinButton  *days_spin;
  AdwActionRow   *until_row;
  GtkCheckButton *until_check;
  GtkEntry       *until_entry;
};

G_DEFINE_FINAL_TYPE (CkValidityEditor, ck_validity_editor, ADW_TYPE_BIN)

enum {
  CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The date typed, as midnight UTC; 0 when it is not a date. */
static gint64
until_time (CkValidityEditor *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->until_entry));
  g_autofree char *iso = g_strdup_printf ("%sT00:00:00Z", text);
  g_autoptr(GDateTime) when = NULL;

  if (strlen (text) != 10)
    return 0;
  when = g_date_time_new_from_iso8601 (iso, NULL);
  return when != NULL ? g_date_time_to_unix (when) : 0;
}

gboolean
ck_validity_editor_is_valid (CkValidityEditor *self)
{
  g_return_val_if_fail (CK_IS_VALIDITY_EDITOR (self), FALSE);

  if (!gtk_check_button_get_active (self->until_check))
    return TRUE;
  return until_time (self) > g_get_real_time () / G_USEC_PER_SEC;
}

static void
update (CkValidityEditor *self)
{
  gboolean until = gtk_check_button_get_active (self->until_check);

  gtk_widget_set_sensitive (GTK_WIDGET (self->days_spin),
                            gtk_check_button_get_active (self->days_check));
  gtk_widget_set_sensitive (GTK_WIDGET (self->until_entry), until);
  if (until && !ck_validity_editor_is_valid (self) &&
      gtk_editable_get_text (GTK_EDITABLE (self->until_entry))[0] != '\0')
    gtk_widget_add_css_class (GTK_WIDGET (self->until_entry), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->until_entry), "error");
}

static void
choice_toggled (CkValidityEditor *self,
                GtkCheckButton   *check)
{
  if (!gtk_check_button_get_active (check))
    return;
  update (self);
  if (check == self->until_check)
    gtk_widget_grab_focus (GTK_WIDGET (self->until_entry));
  else if (check == self->days_check)
    gtk_widget_grab_focus (GTK_WIDGET (self->days_spin));
  g_signal_emit (self, signals[CHANGED], 0);
}

static void
value_changed (CkValidityEditor *self)
{
  update (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

void
ck_validity_editor_set_default (CkValidityEditor *self,
                                guint             days,
                                const char       *note)
{
  g_autofree char *subtitle = NULL;

  g_return_if_fail (CK_IS_VALIDITY_EDITOR (self));

  if (note != NULL)
    /* Translators: "200 days (the CA/Browser Forum limit)" */
    subtitle = g_strdup_printf (ngettext ("%u day (%s)", "%u days (%s)", days), days, note);
  else
    subtitle = g_strdup_printf (ngettext ("%u day", "%u days", days), days);
  adw_action_row_set_subtitle (self->default_row, subtitle);
}

void
ck_validity_editor_set_days (CkValidityEditor *self,
                             guint             days)
{
  g_return_if_fail (CK_IS_VALIDITY_EDITOR (self));

  if (days == 0)
    {
      gtk_check_button_set_active (self->default_check, TRUE);
      return;
    }
  gtk_spin_button_set_value (self->days_spin, days);
  gtk_check_button_set_active (self->days_check, TRUE);
}

void
ck_validity_editor_apply (CkValidityEditor     *self,
                          CkCertificateBuilder *builder)
{
  g_return_if_fail (CK_IS_VALIDITY_EDITOR (self));
  g_return_if_fail (CK_IS_CERTIFICATE_BUILDER (builder));

  ck_certificate_builder_set_days (builder, 0);
  ck_certificate_builder_set_not_after (builder, 0);
  if (gtk_check_button_get_active (self->days_check))
    ck_certificate_builder_set_days (builder, (guint) gtk_spin_button_get_value_as_int (self->days_spin));
  else if (gtk_check_button_get_active (self->until_check) && ck_validity_editor_is_valid (self))
    ck_certificate_builder_set_not_after (builder, until_time (self));
}

static void
ck_validity_editor_dispose (GObject *object)
{
  gtk_widget_dispose_template (GTK_WIDGET (object), CK_TYPE_VALIDITY_EDITOR);
  G_OBJECT_CLASS (ck_validity_editor_parent_class)->dispose (object);
}

static void
ck_validity_editor_class_init (CkValidityEditorClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ck_validity_editor_dispose;

  /**
   * CkValidityEditor::changed:
   *
   * The user changed the validity.
   */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/certkeeper/Certkeeper/ck-validity-editor.ui");
  gtk_widget_class_bind_template_child (widget_class, CkValidityEditor, group);
  gtk_widget_class_bind_template_child (widget_class, CkValidityEditor, default_row);
  gtk_widget_class_bind_template_child (widget_class, CkValidityEditor, default_check);
  gtk_widget_class_bind_template_child (widget_class, CkValidityEditor, days_check);
  gtk_widget_class_bind_template_child (widget_class, CkValidityEditor, days_spin);
  gtk_widget_class_bind_template_child (widget_class, CkValidityEditor, until_row);
  gtk_widget_class_bind_template_child (widget_class, CkValidityEditor, until_check);
  gtk_widget_class_bind_template_child (widget_class, CkValidityEditor, until_entry);
  gtk_widget_class_bind_template_callback (widget_class, choice_toggled);
  gtk_widget_class_bind_template_callback (widget_class, value_changed);
}

static void
ck_validity_editor_init (CkValidityEditor *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

CkValidityEditor *
ck_validity_editor_new (void)
{
  return g_object_new (CK_TYPE_VALIDITY_EDITOR, NULL);
}
