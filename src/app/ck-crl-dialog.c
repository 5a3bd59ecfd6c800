/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gi18n.h>

#include "ck-crl-dialog.h"

struct _CkCrlDialog
{
  AdwMessageDialog  parent_instance;

  GtkSpinButton    *days_spin;
  AdwComboRow      *format_row;
  GtkEditable      *passphrase_row;
};

G_DEFINE_FINAL_TYPE (CkCrlDialog, ck_crl_dialog, ADW_TYPE_MESSAGE_DIALOG)

static void
passphrase_changed (CkCrlDialog *self)
{
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "export",
                                           !gtk_widget_get_visible (GTK_WIDGET (self->passphrase_row))
                                           || gtk_editable_get_text (self->passphrase_row)[0] != '\0');
}

CkCrlDialog *
ck_crl_dialog_new (GtkWindow     *parent,
                   CkCertificate *ca,
                   guint          revoked,
                   gboolean       key_encrypted)
{
  CkCrlDialog *self;
  g_autofree char *body = NULL;

  g_return_val_if_fail (CK_IS_CERTIFICATE (ca), NULL);

  self = g_object_new (CK_TYPE_CRL_DIALOG, "transient-for", parent, NULL);
  body = g_strdup_printf (ngettext ("A new certificate revocation list of “%s”, listing the %u "
                                    "certificate it revoked, signed by its key.",
                                    "A new certificate revocation list of “%s”, listing the %u "
                                    "certificates it revoked, signed by its key.", revoked),
                          ck_certificate_get_display_name (ca), revoked);
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (self), body);
  gtk_widget_set_visible (GTK_WIDGET (self->passphrase_row), key_encrypted);
  passphrase_changed (self);
  return self;
}

gint64
ck_crl_dialog_get_next_update (CkCrlDialog *self)
{
  g_return_val_if_fail (CK_IS_CRL_DIALOG (self), 0);
  return (gint64) gtk_spin_button_get_value_as_int (self->days_spin) * 24 * 60 * 60;
}

void
ck_crl_dialog_set_days (CkCrlDialog *self,
                        guint        days)
{
  g_return_if_fail (CK_IS_CRL_DIALOG (self));
  gtk_spin_button_set_value (self->days_spin, days);
}

gboolean
ck_crl_dialog_get_der (CkCrlDialog *self)
{
  g_return_val_if_fail (CK_IS_CRL_DIALOG (self), FALSE);
  return adw_combo_row_get_selected (self->format_row) == 1;
}

void
ck_crl_dialog_set_der (CkCrlDialog *self,
                       gboolean     der)
{
  g_return_if_fail (CK_IS_CRL_DIALOG (self));
  adw_combo_row_set_selected (self->format_row, der ? 1 : 0);
}

const char *
ck_crl_dialog_get_passphrase (CkCrlDialog *self)
{
  g_return_val_if_fail (CK_IS_CRL_DIALOG (self), NULL);

  if (!gtk_widget_get_visible (GTK_WIDGET (self->passphrase_row)))
    return NULL;
  return gtk_editable_get_text (self->passphrase_row);
}

static void
ck_crl_dialog_class_init (CkCrlDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/certkeeper/Certkeeper/ck-crl-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CkCrlDialog, days_spin);
  gtk_widget_class_bind_template_child (widget_class, CkCrlDialog, format_row);
  gtk_widget_class_bind_template_child (widget_class, CkCrlDialog, passphrase_row);
}

static void
ck_crl_dialog_init (CkCrlDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect_object (self->passphrase_row, "changed", G_CALLBACK (passphrase_changed), self,
                           G_CONNECT_SWAPPED);
}
