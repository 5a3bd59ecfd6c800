/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ck-revocation-row.h"

#include <glib/gi18n.h>

struct _CkRevocationRow
{
  AdwActionRow parent_instance;

  CkStore *store;
  CkCertificate *certificate;
  char *purpose;
  GtkWidget *button;
  GtkWidget *spinner;
  GCancellable *cancellable;
};

G_DEFINE_FINAL_TYPE (CkRevocationRow, ck_revocation_row, ADW_TYPE_ACTION_ROW)

enum {
  CHECKED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* The preference, when its schema is installed (tests may run without). */
static gboolean
network_checks_enabled (void)
{
  GSettingsSchemaSource *source = g_settings_schema_source_get_default ();
  g_autoptr (GSettingsSchema) schema = NULL;
  g_autoptr (GSettings) settings = NULL;

  if (source != NULL)
    schema = g_settings_schema_source_lookup (source, APP_ID, TRUE);
  if (schema == NULL || !g_settings_schema_has_key (schema, "revocation-network-checks"))
    return FALSE;
  settings = g_settings_new (APP_ID);
  return g_settings_get_boolean (settings, "revocation-network-checks");
}

static char *
describe (CkVerification *verification)
{
  const CkRevocationStatus *status = ck_verification_get_revocation (verification);
  g_autofree char *checked = NULL;

  if (status == NULL)
    return g_strdup (_("Not checked: nothing above this certificate could revoke it"));
  if (status->checked_at != 0)
    checked = ck_revocation_format_time (status->checked_at);
  switch (status->state)
    {
    case CK_REVOCATION_STATE_GOOD:
      /* Translators: where the answer comes from ("CRL of Example CA"), then when it was issued */
      return g_strdup_printf (_("Not revoked (%s, checked %s)"), status->detail,
                              checked != NULL ? checked : "?");
    case CK_REVOCATION_STATE_REVOKED:
      {
        g_autofree char *when = ck_revocation_format_time (status->revoked_at);

        /* Translators: a date, then where that is known from, then when it was checked */
        return g_strdup_printf (_("Revoked on %s (%s, checked %s)"), when, status->detail,
                                checked != NULL ? checked : "?");
      }
    case CK_REVOCATION_STATE_UNKNOWN:
    default:
      /* Translators: why the revocation status is unknown */
      return g_strdup_printf (_("Unknown: %s"), status->detail);
    }
}

static void
show (CkRevocationRow *self,
      CkVerification  *verification)
{
  g_autofree char *text = describe (verification);

  adw_action_row_set_subtitle (ADW_ACTION_ROW (self), text);
}

typedef struct {
  CkStore *store;
  CkCertificate *certificate;
  char *purpose;
  gboolean network;
} Check;

static void
check_free (Check *check)
{
  g_clear_object (&check->store);
  g_clear_object (&check->certificate);
  g_free (check->purpose);
  g_free (check);
}

static void
check_thread (GTask        *task,
              gpointer      source,
              gpointer      task_data,
              GCancellable *cancellable)
{
  Check *check = task_data;
  g_autoptr (GError) error = NULL;
  g_autoptr (CkTrust) trust = ck_trust_new (check->store, &error);
  g_autoptr (CkVerifier) verifier = NULL;
  CkVerification *verification;

  if (trust == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  verifier = ck_verifier_new (trust);
  ck_verifier_set_revocation (verifier,
                              check->network ? CK_REVOCATION_NETWORK_CRL | CK_REVOCATION_NETWORK_OCSP
                                             : CK_REVOCATION_NETWORK_NONE,
                              FALSE, cancellable);
  verification = ck_verifier_verify (verifier, check->certificate, check->purpose, &error);
  if (verification == NULL)
    g_task_return_error (task, g_steal_pointer (&error));
  else
    g_task_return_pointer (task, verification, g_object_unref);
}

static void
check_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  CkRevocationRow *self = CK_REVOCATION_ROW (source);
  g_autoptr (GError) error = NULL;
  g_autoptr (CkVerification) verification = g_task_propagate_pointer (G_TASK (result), &error);

  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  gtk_spinner_stop (GTK_SPINNER (self->spinner));
  gtk_widget_set_visible (self->spinner, FALSE);
  gtk_widget_set_sensitive (self->button, TRUE);
  if (verification == NULL)
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (self), error->message);
      return;
    }
  show (self, verification);
  g_signal_emit (self, signals[CHECKED], 0);
}

static void
check_clicked (CkRevocationRow *self)
{
  g_autoptr (GTask) task = NULL;
  Check *check = g_new0 (Check, 1);

  check->store = g_object_ref (self->store);
  check->certificate = g_object_ref (self->certificate);
  check->purpose = g_strdup (self->purpose);
  check->network = network_checks_enabled ();
  if (!check->network)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self),
                                 _("Reading the stored revocation lists (network checks are off)…"));
  else
    adw_action_row_set_subtitle (ADW_ACTION_ROW (self), _("Asking the certificate authority…"));

  g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  self->cancellable = g_cancellable_new ();
  gtk_widget_set_sensitive (self->button, FALSE);
  gtk_widget_set_visible (self->spinner, TRUE);
  gtk_spinner_start (GTK_SPINNER (self->spinner));

  task = g_task_new (self, self->cancellable, check_done, NULL);
  g_task_set_task_data (task, check, (GDestroyNotify) check_free);
  /* Cancelling returns at once: the window never waits for a responder. */
  g_task_set_return_on_cancel (task, TRUE);
  g_task_run_in_thread (task, check_thread);
}

static void
ck_revocation_row_dispose (GObject *object)
{
  CkRevocationRow *self = CK_REVOCATION_ROW (object);

  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  g_clear_object (&self->cancellable);
  g_clear_object (&self->store);
  g_clear_object (&self->certificate);
  g_clear_pointer (&self->purpose, g_free);
  G_OBJECT_CLASS (ck_revocation_row_parent_class)->dispose (object);
}

static void
ck_revocation_row_class_init (CkRevocationRowClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = ck_revocation_row_dispose;

  signals[CHECKED] = g_signal_new ("checked", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
ck_revocation_row_init (CkRevocationRow *self)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);

  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self), _("Revocation"));
  self->spinner = gtk_spinner_new ();
  gtk_widget_set_visible (self->spinner, FALSE);
  self->button = gtk_button_new_with_mnemonic (_("_Check Revocation"));
  gtk_widget_set_valign (self->button, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (self->button,
                               _("Check the stored revocation lists and, when network checks "
                                 "are on, ask the certificate authority"));
  g_signal_connect_swapped (self->button, "clicked", G_CALLBACK (check_clicked), self);
  gtk_box_append (GTK_BOX (box), self->spinner);
  gtk_box_append (GTK_BOX (box), self->button);
  adw_action_row_add_suffix (ADW_ACTION_ROW (self), box);
}

GtkWidget *
ck_revocation_row_new (CkStore        *store,
                       CkCertificate  *certificate,
                       const char     *purpose,
                       CkVerification *verification)
{
  CkRevocationRow *self;

  g_return_val_if_fail (CK_IS_STORE (store), NULL);
  g_return_val_if_fail (CK_IS_CERTIFICATE (certificate), NULL);
  g_return_val_if_fail (CK_IS_VERIFICATION (verification), NULL);

  self = g_object_new (CK_TYPE_REVOCATION_ROW, NULL);
  self->store = g_object_ref (store);
  self->certificate = g_object_ref (certificate);
  self->purpose = g_strdup (purpose);
  show (self, verification);
  return GTK_WIDGET (self);
}
