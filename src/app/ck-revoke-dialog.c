/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gi18n.h>
#include <string.h>

#include "ck-revocation-status.h"
#include "ck-revoke-dialog.h"

struct _CkRevokeDialog
{
  AdwMessageDialog  parent_instance;

  AdwComboRow      *reason_row;
  GtkEditable      *date_row;
  GtkLabel         *date_error;
  gint64            not_before;   /* the certificate's: no revocation before it */
};

G_DEFINE_FINAL_TYPE (CkRevokeDialog, ck_revoke_dialog, ADW_TYPE_MESSAGE_DIALOG)

/* "2026-12-08 14:30", "2026-12-08" (midnight) or ISO 8601 with a zone;
 * local time when none is given. 0 when it does not read. */
static gint64
parse_time (const char *text)
{
  g_autofree char *iso = g_strstrip (g_strdup (text));
  g_autoptr(GTimeZone) local = g_time_zone_new_local ();
  g_autoptr(GDateTime) when = NULL;

  if (strlen (iso) == 10)
    {
      char *with_time = g_strconcat (iso, "T00:00:00", NULL);

      g_free (iso);
      iso = with_time;
    }
  else if (strlen (iso) >= 16 && iso[10] == ' ')
    iso[10] = 'T';
  /* Minutes without seconds are ISO 8601 too, but GLib wants them. */
  if (strlen (iso) == 16)
    {
      char *with_seconds = g_strconcat (iso, ":00", NULL);

      g_free (iso);
      iso = with_seconds;
    }
  when = g_date_time_new_from_iso8601 (iso, local);
  return when != NULL ? g_date_time_to_unix (when) : 0;
}

static void
date_changed (CkRevokeDialog *self)
{
  gint64 when = parse_time (gtk_editable_get_text (self->date_row));
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  const char *problem = NULL;

  if (when == 0)
    problem = _("Type the date as YYYY-MM-DD, with the time as HH:MM if you know it");
  /* A minute's grace: "now" typed by hand. */
  else if (when > now + 60)
    problem = _("A revocation cannot be dated in the future");
  /* Minutes are what people type: the minute it became valid counts. */
  else if (when + 60 <= self->not_before)
    problem = _("The certificate was not valid yet at that time");

  gtk_label_set_text (self->date_error, problem != NULL ? problem : "");
  gtk_widget_set_visible (GTK_WIDGET (self->date_error), problem != NULL);
  if (problem != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->date_row), "error");
  else
    gtk_widget_remove_css_class (GTK_WIDGET (self->date_row), "error");
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "revoke", problem == NULL);
}

CkRevokeDialog *
ck_revoke_dialog_new (GtkWindow     *parent,
                      CkCertificate *certificate,
                      CkCertificate *ca)
{
  CkRevokeDialog *self;
  g_autofree char *heading = NULL;
  g_autofree char *body = NULL;
  g_autoptr(GDateTime) now = g_date_time_new_now_local ();
  g_autofree char *now_text = g_date_time_format (now, "%Y-%m-%d %H:%M");

  g_return_val_if_fail (CK_IS_CERTIFICATE (certificate), NULL);
  g_return_val_if_fail (CK_IS_CERTIFICATE (ca), NULL);

  self = g_object_new (CK_TYPE_REVOKE_DIALOG, "transient-for", parent, NULL);
  self->not_before = ck_certificate_get_not_before (certificate);
  heading = g_strdup_printf (_("Revoke “%s”?"), ck_certificate_get_display_name (certificate));
  body = g_strdup_printf (_("The CA “%s” will list it in every CRL it publishes from now on. "
                            "A revocation cannot be undone: to use the key again, issue a new "
                            "certificate."),
                          ck_certificate_get_display_name (ca));
  adw_message_dialog_set_heading (ADW_MESSAGE_DIALOG (self), heading);
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (self), body);
  gtk_editable_set_text (self->date_row, now_text);
  date_changed (self);
  return self;
}

CkRevocationReason
ck_revoke_dialog_get_reason (CkRevokeDialog *self)
{
  guint n = 0;
  const CkRevocationReason *reasons = ck_revocation_reasons (&n);
  guint i;

  g_return_val_if_fail (CK_IS_REVOKE_DIALOG (self), CK_REVOCATION_UNSPECIFIED);

  i = adw_combo_row_get_selected (self->reason_row);
  return i < n ? reasons[i] : CK_REVOCATION_UNSPECIFIED;
}

void
ck_revoke_dialog_set_reason (CkRevokeDialog     *self,
                             CkRevocationReason  reason)
{
  guint n = 0;
  const CkRevocationReason *reasons = ck_revocation_reasons (&n);

  g_return_if_fail (CK_IS_REVOKE_DIALOG (self));

  for (guint i = 0; i < n; i++)
    if (reasons[i] == reason)
      adw_combo_row_set_selected (self->reason_row, i);
}

gint64
ck_revoke_dialog_get_time (CkRevokeDialog *self)
{
  gint64 when;

  g_return_val_if_fail (CK_IS_REVOKE_DIALOG (self), 0);

  if (!adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (self), "revoke"))
    return 0;
  when = parse_time (gtk_editable_get_text (self->date_row));
  /* Within the minute it became valid: not before it. */
  return MAX (when, self->not_before);
}

void
ck_revoke_dialog_set_time_text (CkRevokeDialog *self,
                                const char     *text)
{
  g_return_if_fail (CK_IS_REVOKE_DIALOG (self));
  gtk_editable_set_text (self->date_row, text);
}

static void
ck_revoke_dialog_class_init (CkRevokeDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/certkeeper/Certkeeper/ck-revoke-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, CkRevokeDialog, reason_row);
  gtk_widget_class_bind_template_child (widget_class, CkRevokeDialog, date_row);
  gtk_widget_class_bind_template_child (widget_class, CkRevokeDialog, date_error);
}

static void
ck_revoke_dialog_init (CkRevokeDialog *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  guint n = 0;
  const CkRevocationReason *reasons = ck_revocation_reasons (&n);

  gtk_widget_init_template (GTK_WIDGET (self));
  for (guint i = 0; i < n; i++)
    gtk_string_list_append (names, ck_revocation_reason_display_name (reasons[i]));
  adw_combo_row_set_model (self->reason_row, G_LIST_MODEL (names));
  g_signal_connect_object (self->date_row, "changed", G_CALLBACK (date_changed), self,
                           G_CONNECT_SWAPPED);
}
