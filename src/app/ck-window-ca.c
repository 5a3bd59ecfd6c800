/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The window's CA actions: Sign Request… on a request, Revoke… on a
 * certificate a CA of the store issued, Export CRL… on such a CA. The
 * dialogs gather what the user chose; the keeper signs, revokes and
 * writes (one transaction each, nothing left behind on failure). */
#include <glib/gi18n.h>
#include <string.h>

#include "ck-crl-dialog.h"
#include "ck-file-chooser.h"
#include "ck-pin-dialog.h"
#include "ck-revocation-status.h"
#include "ck-revoke-dialog.h"
#include "ck-sign-dialog.h"
#include "ck-window-private.h"

void
ck_window_ca_set_store (CkWindow *self)
{
  g_autoptr(GError) error = NULL;

  g_clear_object (&self->ca);
  self->ca = ck_ca_new (self->store, &error);
  if (self->ca == NULL)
    ck_window_toast_error (self, _("The CA records of the store cannot be read"), error);
}

/* The CA module of the store; NULL when it could not be read. */
static CkCa *
window_ca (CkWindow *self)
{
  return self->ca;
}

/* The selected certificate's store id; 0 when the selection is none. */
static gint64
selected_certificate_id (CkWindow *self)
{
  if (!CK_IS_STORED_CERTIFICATE (self->selected) || self->selected_certificate == NULL)
    return 0;
  return ck_stored_certificate_get_id (CK_STORED_CERTIFICATE (self->selected));
}

/* --- Sign Request… ------------------------------------------------------- */

static void
issued_cb (CkSignDialog *dialog,
           gint64        certificate_id,
           gboolean      request_issued,
           CkWindow     *self)
{
  CkStoredCertificate *row = ck_store_get_certificate_row (self->store, certificate_id);
  g_autofree char *title = NULL;
  AdwToast *toast;

  if (row == NULL)
    return;
  title = request_issued
          /* Translators: %s is the new certificate's name */
          ? g_strdup_printf (_("Certificate for “%s” issued; the request is now issued"),
                             ck_stored_certificate_get_display_name (row))
          : g_strdup_printf (_("Certificate for “%s” issued"),
                             ck_stored_certificate_get_display_name (row));
  toast = adw_toast_new (title);
  adw_toast_set_timeout (toast, 10);
  ck_window_add_toast (self, toast);
  if (ck_stored_certificate_get_is_ca (row))
    ck_window_add_toast (self, adw_toast_new (_("The new CA is trusted for nothing until you "
                                                "say so in Trust Settings")));
  ck_window_show_certificate (self, certificate_id);
}

GtkWidget *
ck_window_ca_sign_request (CkWindow *self)
{
  CkSignDialog *dialog;

  if (self->keeper == NULL || !CK_IS_STORED_REQUEST (self->selected))
    return NULL;
  dialog = ck_sign_dialog_new (GTK_WINDOW (self), self->keeper, self->settings,
                               ck_stored_request_get_id (CK_STORED_REQUEST (self->selected)));
  g_signal_connect_object (dialog, "issued", G_CALLBACK (issued_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
  return GTK_WIDGET (dialog);
}

static void
sign_request_action (GSimpleAction *action,
                     GVariant      *parameter,
                     gpointer       user_data)
{
  ck_window_ca_sign_request (user_data);
}

/* --- Revoke… --------------------------------------------------------------- */

typedef struct
{
  CkWindow *self;
  gint64    certificate_id;
  char     *name;
} RevokeJob;

static void
revoke_job_free (RevokeJob *job)
{
  g_object_unref (job->self);
  g_free (job->name);
  g_free (job);
}

static void
revoke_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  RevokeJob *job = user_data;
  CkWindow *self = job->self;
  g_autoptr(GError) error = NULL;
  gint64 issuer_id = 0;

  if (!ck_keeper_revoke_finish (CK_KEEPER (source), result, &issuer_id, &error))
    ck_window_toast_error (self, _("Cannot revoke"), error);
  else
    {
      g_autofree char *title = g_strdup_printf (_("“%s” revoked: export the CA’s CRL to publish it"),
                                                job->name);

      ck_window_add_toast (self, adw_toast_new (title));
      /* The pane and the actions show the revocation now. */
      ck_window_ca_update (self);
    }
  revoke_job_free (job);
}

static void
revoke_response (CkRevokeDialog *dialog,
                 const char     *response,
                 RevokeJob      *job)
{
  g_signal_handlers_disconnect_by_func (dialog, revoke_response, job);
  if (g_strcmp0 (response, "revoke") != 0 || ck_revoke_dialog_get_time (dialog) == 0
      || job->self->keeper == NULL)
    {
      revoke_job_free (job);
      return;
    }
  ck_keeper_revoke_async (job->self->keeper, job->certificate_id,
                          ck_revoke_dialog_get_reason (dialog), ck_revoke_dialog_get_time (dialog),
                          NULL, revoke_done, job);
}

GtkWidget *
ck_window_ca_revoke (CkWindow *self)
{
  gint64 id = selected_certificate_id (self);
  g_autoptr(CkCertificate) ca_cert = NULL;
  CkRevokeDialog *dialog;
  RevokeJob *job;
  gint64 ca_id;

  if (id == 0 || window_ca (self) == NULL)
    return NULL;
  ca_id = ck_ca_find_issuer (self->ca, id, NULL);
  ca_cert = ca_id > 0 ? ck_store_load_certificate (self->store, ca_id, NULL) : NULL;
  if (ca_cert == NULL)
    return NULL;
  dialog = ck_revoke_dialog_new (GTK_WINDOW (self), self->selected_certificate, ca_cert);
  job = g_new0 (RevokeJob, 1);
  job->self = g_object_ref (self);
  job->certificate_id = id;
  job->name = g_strdup (ck_certificate_get_display_name (self->selected_certificate));
  g_signal_connect (dialog, "response", G_CALLBACK (revoke_response), job);
  gtk_window_present (GTK_WINDOW (dialog));
  return GTK_WIDGET (dialog);
}

static void
revoke_action (GSimpleAction *action,
               GVariant      *parameter,
               gpointer       user_data)
{
  ck_window_ca_revoke (user_data);
}

/* --- Export CRL… ----------------------------------------------------------- */

typedef struct
{
  CkWindow  *self;
  gint64     ca_id;
  char      *name;
  char      *passphrase;
  char      *token_uri;
  CkToken   *token;
  gint64     next_update;
  gboolean   der;
  char      *path;
  /* Read by the keeper's sink in its worker: lives as long as the job. */
  CkKeeperFileOutput output;
} CrlJob;

static void
crl_job_free (CrlJob *job)
{
  g_object_unref (job->self);
  g_free (job->name);
  if (job->passphrase != NULL)
    {
      explicit_bzero (job->passphrase, strlen (job->passphrase));
      g_free (job->passphrase);
    }
  g_free (job->token_uri);
  g_clear_object (&job->token);
  g_free (job->path);
  g_free (job);
}

static void
crl_written (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  CrlJob *job = user_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) crl = NULL;
  guint64 number = 0;

  crl = ck_keeper_write_crl_finish (CK_KEEPER (source), result, &number, &error);
  if (crl == NULL)
    ck_window_toast_error (job->self, _("Cannot export the CRL"), error);
  else
    {
      g_autofree char *basename = g_path_get_basename (job->path);
      /* Translators: "CRL number 3 of “Lab Root CA” written to “lab.crl”" */
      g_autofree char *title = g_strdup_printf (_("CRL number %llu of “%s” "
                                                  "written to “%s”"),
                                                (unsigned long long) number, job->name,
                                                basename);

      ck_window_add_toast (job->self, adw_toast_new (title));
    }
  crl_job_free (job);
}

static void
write_crl (CrlJob *job)
{
  CkKeeperSigner signer = { job->ca_id, job->passphrase, NULL };
  job->output.path = job->path;
  job->output.der = job->der;
  /* The file chooser asked before replacing a file. */
  job->output.flags = CK_WRITE_OVERWRITE;
  ck_keeper_write_crl_async (job->self->keeper, &signer, job->next_update, GNUTLS_DIG_UNKNOWN,
                             ck_keeper_file_sink, &job->output, NULL, crl_written, job);
}

static void
crl_token_login_done (GObject      *source,
                      GAsyncResult *result,
                      gpointer      user_data)
{
  CrlJob *job = user_data;
  g_autoptr(GError) error = NULL;

  if (ck_pin_dialog_login_finish (result, &error))
    {
      write_crl (job);
      return;
    }
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    ck_window_toast_error (job->self, _("Cannot export the CRL"), error);
  crl_job_free (job);
}

static void
crl_file_chosen (GFile    *file,
                 gpointer  user_data)
{
  CrlJob *job = user_data;
  g_autoptr(GError) error = NULL;

  if (file == NULL || job->self->keeper == NULL)
    {
      crl_job_free (job);
      return;
    }
  job->path = g_file_get_path (file);
  if (job->path == NULL)
    {
      g_set_error (&error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                   _("Choose a local file"));
      ck_window_toast_error (job->self, _("Cannot export the CRL"), error);
      crl_job_free (job);
      return;
    }
  if (job->token_uri != NULL)
    {
      /* A CA key on a token signs there: log in first. */
      job->token = ck_token_lookup (job->token_uri, &error);
      if (job->token == NULL)
        {
          ck_window_toast_error (job->self, _("Cannot export the CRL"), error);
          crl_job_free (job);
          return;
        }
      if (ck_token_needs_login (job->token) && !ck_token_is_logged_in (job->token))
        {
          ck_pin_dialog_login_async (GTK_WINDOW (job->self), job->token, NULL,
                                     crl_token_login_done, job);
          return;
        }
    }
  write_crl (job);
}

static void
crl_response (CkCrlDialog *dialog,
              const char  *response,
              CrlJob      *job)
{
  g_autofree char *file_name = NULL;
  g_autofree char *name = NULL;

  g_signal_handlers_disconnect_by_func (dialog, crl_response, job);
  if (g_strcmp0 (response, "export") != 0)
    {
      crl_job_free (job);
      return;
    }
  job->next_update = ck_crl_dialog_get_next_update (dialog);
  job->der = ck_crl_dialog_get_der (dialog);
  job->passphrase = g_strdup (ck_crl_dialog_get_passphrase (dialog));
  name = g_strdup (job->name);
  g_strdelimit (name, "/\\:*?\"<>| ", '-');
  if (name[0] == '.' || name[0] == '\0')
    {
      g_free (name);
      name = g_strdup ("ca");
    }
  file_name = g_strconcat (name, job->der ? ".crl" : ".crl.pem", NULL);
  ck_file_chooser_save_file (GTK_WINDOW (job->self), _("Export CRL"), file_name,
                             crl_file_chosen, job);
}

/* The stored key of CA @cert, NULL when the store has none. */
static CkStoredKey *
ca_key_row (CkWindow      *self,
            CkCertificate *cert)
{
  gint64 key_id = ck_store_find_key (self->store, ck_certificate_get_spki_sha256 (cert));

  return key_id != 0 ? ck_store_get_key_row (self->store, key_id) : NULL;
}

GtkWidget *
ck_window_ca_export_crl (CkWindow *self)
{
  gint64 id = selected_certificate_id (self);
  g_autoptr(GPtrArray) revocations = NULL;
  g_autoptr(GError) error = NULL;
  CkStoredKey *key;
  CkCrlDialog *dialog;
  CrlJob *job;

  if (id == 0 || window_ca (self) == NULL || !ck_certificate_is_ca (self->selected_certificate))
    return NULL;
  key = ca_key_row (self, self->selected_certificate);
  if (key == NULL)
    return NULL;
  revocations = ck_ca_list_revocations (self->ca, id, &error);
  if (revocations == NULL)
    {
      ck_window_toast_error (self, _("Cannot export the CRL"), error);
      return NULL;
    }
  dialog = ck_crl_dialog_new (GTK_WINDOW (self), self->selected_certificate, revocations->len,
                              ck_stored_key_get_pkcs11_uri (key) == NULL
                              && ck_stored_key_get_encrypted (key));
  job = g_new0 (CrlJob, 1);
  job->self = g_object_ref (self);
  job->ca_id = id;
  job->name = g_strdup (ck_certificate_get_display_name (self->selected_certificate));
  job->token_uri = g_strdup (ck_stored_key_get_pkcs11_uri (key));
  g_signal_connect (dialog, "response", G_CALLBACK (crl_response), job);
  gtk_window_present (GTK_WINDOW (dialog));
  return GTK_WIDGET (dialog);
}

static void
export_crl_action (GSimpleAction *action,
                   GVariant      *parameter,
                   gpointer       user_data)
{
  ck_window_ca_export_crl (user_data);
}

/* --- State ------------------------------------------------------------------ */

static const GActionEntry ca_actions[] = {
  { .name = "sign-request", .activate = sign_request_action },
  { .name = "revoke", .activate = revoke_action },
  { .name = "export-crl", .activate = export_crl_action },
};

void
ck_window_ca_init (CkWindow *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), ca_actions, G_N_ELEMENTS (ca_actions), self);
}

static void
set_enabled (CkWindow   *self,
             const char *name,
             gboolean    enabled)
{
  GAction *action = g_action_map_lookup_action (G_ACTION_MAP (self), name);

  if (action != NULL)
    g_simple_action_set_enabled (G_SIMPLE_ACTION (action), enabled);
}

void
ck_window_ca_update (CkWindow *self)
{
  gint64 id = selected_certificate_id (self);
  gboolean revocable = FALSE, can_publish = FALSE;

  set_enabled (self, "sign-request", self->keeper != NULL && CK_IS_STORED_REQUEST (self->selected));
  if (id != 0 && window_ca (self) != NULL)
    {
      gint64 issuer_id = 0;
      g_autoptr(CkRevocation) revocation = ck_revocation_status_lookup (self->ca, self->store, id,
                                                                        &issuer_id);
      revocable = issuer_id > 0 && revocation == NULL;
      can_publish = ck_certificate_is_ca (self->selected_certificate)
                    && ca_key_row (self, self->selected_certificate) != NULL;
      g_autofree char *text = ck_revocation_status_text (self->store, revocation, issuer_id);

      ck_details_pane_set_revocation (self->details_pane, text, revocation != NULL);
    }
  set_enabled (self, "revoke", revocable);
  set_enabled (self, "export-crl", can_publish);
}

