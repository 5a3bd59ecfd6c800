/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gi18n.h>

#include "ck-details-pane.h"
#include "ck-details-row.h"
#include "ck-expiry.h"
#include "ck-file-chooser.h"
#include "ck-delete-dialog.h"
#include "ck-request-details.h"
#include "ck-request-list.h"

struct _CkRequestDetails
{
  GtkWidget          parent_instance;

  CkStore           *store;
  CkStoredRequest   *row;
  CkRequest         *request;      /* NULL when it could not be read */
  CkCertificate     *certificate;  /* the one that answered it, if any */
  GPtrArray         *differences;
  GtkWidget         *description_group;  /* while the description is laid out */

  GtkScrolledWindow *scrolled_window;
  GtkLabel          *title_label;
  GtkLabel          *subtitle_label;
  GtkBox            *content;
};

G_DEFINE_FINAL_TYPE (CkRequestDetails, ck_request_details, GTK_TYPE_WIDGET)

enum {
  COPIED,
  SHOW_CERTIFICATE,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* Rows */

static GtkWidget *
add_group (CkRequestDetails *self,
           const char       *title,
           const char       *description)
{
  GtkWidget *group = adw_preferences_group_new ();

  adw_preferences_group_set_title (ADW_PREFERENCES_GROUP (group), title);
  adw_preferences_group_set_description (ADW_PREFERENCES_GROUP (group), description);
  gtk_box_append (self->content, group);
  return group;
}

/* The rows of the certificate details (ck-details-row.c): one style. */
static GtkWidget *
add_row (GtkWidget  *group,
         const char *title,
         const char *value)
{
  return ck_details_row_add (group, title, value, NULL, CK_DETAILS_ROW_PLAIN, NULL);
}

static void
clear (CkRequestDetails *self)
{
  GtkWidget *child;

  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->content))) != NULL)
    gtk_box_remove (self->content, child);
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scrolled_window), 0);
}

/* Groups */

static void
add_status_group (CkRequestDetails *self)
{
  GtkWidget *group = add_group (self, _("Status"), NULL);
  gboolean issued = ck_stored_request_get_status (self->row) == CK_REQUEST_STATUS_ISSUED;
  gint64 cert_id = ck_stored_request_get_certificate_id (self->row);
  CkStoredCertificate *cert = issued ? ck_store_get_certificate_row (self->store, cert_id) : NULL;
  GtkWidget *row;

  if (!issued)
    {
      add_row (group, _("Status"),
               _("Pending: waiting for the certificate. Import it when the CA sends it, and it is linked to this request."));
      return;
    }

  add_row (group, _("Status"), _("Issued"));
  if (cert == NULL)
    return;

  row = add_row (group, _("Certificate"), ck_stored_certificate_get_display_name (cert));
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (row), "request.show-certificate");
  gtk_widget_set_focusable (row, TRUE);
  gtk_widget_set_tooltip_text (row, _("Show the certificate"));
  ck_details_row_add_suffix (row, gtk_image_new_from_icon_name ("go-next-symbolic"));

  if (self->differences == NULL)
    return;
  group = add_group (self, _("Differences from the Request"),
                     self->differences->len > 0
                     ? _("What the CA changed or left out in the certificate it issued")
                     : NULL);
  if (self->differences->len == 0)
    {
      add_row (group, _("Differences"), _("None: the certificate gives what was asked"));
      return;
    }
  for (guint i = 0; i < self->differences->len; i++)
    {
      row = ck_details_row_add (group, _("Changed by the CA"),
                                g_ptr_array_index (self->differences, i), "dialog-warning-symbolic",
                                CK_DETAILS_ROW_PLAIN, NULL);
      /* The icon comes first in the row's box. */
      gtk_widget_add_css_class (gtk_widget_get_first_child (gtk_list_box_row_get_child (GTK_LIST_BOX_ROW (row))),
                                "warning");
    }
}

/* The description's sections, one group each: the model the certificate
 * details and `show` render too. */
static void
add_description_item (const CkDescriptionSection *section,
                      const CkDescriptionField   *field,
                      gpointer                    user_data)
{
  CkRequestDetails *self = user_data;
  g_autofree char *value = NULL;

  if (field == NULL)
    {
      g_autofree char *subtitle = ck_description_section_to_subtitle (section);

      self->description_group = add_group (self, section->title, subtitle);
      return;
    }
  value = ck_details_pane_field_text (field);
  add_row (self->description_group, field->label, value);
}

static void
add_request_group (CkRequestDetails *self)
{
  GtkWidget *group = add_group (self, _("Request"), NULL);
  const char *spki = ck_stored_request_get_spki_sha256 (self->row);
  gint64 key_id = ck_store_find_key (self->store, spki);
  CkStoredKey *key = key_id != 0 ? ck_store_get_key_row (self->store, key_id) : NULL;
  const char *profile = ck_request_profile_text (self->row);
  g_autofree char *created = ck_expiry_format_datetime (ck_stored_request_get_created_at (self->row));
  g_autofree char *sha256 = ck_hex_format_colons (ck_stored_request_get_sha256 (self->row));
  g_autofree char *spki_colons = ck_hex_format_colons (spki);
  g_autoptr(GError) error = NULL;

  add_row (group, _("Private key"),
           key != NULL ? ck_stored_key_get_display_name (key) : _("Not in the store"));
  if (self->request != NULL)
    {
      add_row (group, _("Signature"),
               ck_request_verify_signature (self->request, &error)
               ? _("Valid: made with the private key of this request") : error->message);
    }
  add_row (group, _("Profile"), profile != NULL ? profile : _("None"));
  /* Requests made here have none; imported ones name their file. */
  if (ck_stored_request_get_source (self->row) != NULL)
    add_row (group, _("Source"), ck_stored_request_get_source (self->row));
  add_row (group, _("Created"), created);
  /* The parsed request's own sections say these; one that does not parse
   * still has what the store knows. */
  if (self->request == NULL)
    {
      add_row (group, _("SHA-256 fingerprint"), sha256);
      add_row (group, _("Public key SHA-256"), spki_colons);
    }
}

static void
add_pem_group (CkRequestDetails *self)
{
  GtkWidget *group = add_group (self, _("PEM"), NULL);
  g_autofree char *pem = ck_request_to_pem (self->request);

  /* As the certificate details show theirs. */
  ck_details_row_add (group, _("Request in PEM format"), g_strchomp (pem), NULL,
                      CK_DETAILS_ROW_MONOSPACE | CK_DETAILS_ROW_COPY, GTK_WIDGET (self));
}

static void
update_actions (CkRequestDetails *self)
{
  gboolean have = self->row != NULL;

  gtk_widget_action_set_enabled (GTK_WIDGET (self), "request.copy-pem", self->request != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "request.save", self->request != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "request.delete", have);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "request.show-certificate",
                                 self->certificate != NULL);
}

static void
rebuild (CkRequestDetails *self)
{
  g_autofree char *status = NULL;
  g_autofree char *subtitle = NULL;

  clear (self);
  g_clear_object (&self->certificate);
  g_clear_pointer (&self->differences, g_ptr_array_unref);
  if (self->row == NULL)
    {
      update_actions (self);
      return;
    }

  if (ck_stored_request_get_status (self->row) == CK_REQUEST_STATUS_ISSUED && self->request != NULL)
    {
      self->certificate = ck_store_load_certificate (self->store,
                                                     ck_stored_request_get_certificate_id (self->row),
                                                     NULL);
      if (self->certificate != NULL)
        self->differences = ck_request_compare_certificate (self->request, self->certificate);
    }

  status = ck_request_status_text (self->store, self->row);
  /* Translators: under the request's name: "Certificate signing request · Pending" */
  subtitle = g_strdup_printf (_("Certificate signing request · %s"), status);
  gtk_label_set_text (self->title_label, ck_stored_request_get_display_name (self->row));
  gtk_label_set_text (self->subtitle_label, subtitle);

  add_status_group (self);
  if (self->request != NULL)
    {
      g_autoptr(CkDescription) description = ck_description_new_for_request (self->request);

      ck_description_foreach (description, add_description_item, self);
      self->description_group = NULL;
    }
  add_request_group (self);
  if (self->request != NULL)
    add_pem_group (self);
  update_actions (self);
}

static void
status_changed (CkRequestDetails *self)
{
  rebuild (self);
}

void
ck_request_details_show (CkRequestDetails *self,
                         CkStore          *store,
                         CkStoredRequest  *row)
{
  g_autoptr(GError) error = NULL;

  g_return_if_fail (CK_IS_REQUEST_DETAILS (self));

  if (self->row != NULL)
    g_signal_handlers_disconnect_by_func (self->row, status_changed, self);
  g_set_object (&self->store, store);
  g_set_object (&self->row, row);
  g_clear_object (&self->request);
  if (row != NULL && store != NULL)
    {
      self->request = ck_store_load_request (store, ck_stored_request_get_id (row), &error);
      if (self->request == NULL)
        g_warning ("Cannot read request %" G_GINT64_FORMAT ": %s",
                   ck_stored_request_get_id (row), error->message);
      /* Issued when its certificate comes in, pending again when that is
       * deleted: show it as it is now. */
      g_signal_connect_object (row, "notify::status", G_CALLBACK (status_changed), self,
                               G_CONNECT_SWAPPED);
    }
  rebuild (self);
}

CkStoredRequest *
ck_request_details_get_request (CkRequestDetails *self)
{
  g_return_val_if_fail (CK_IS_REQUEST_DETAILS (self), NULL);

  return self->row;
}

CkRequest *
ck_request_details_get_parsed (CkRequestDetails *self)
{
  g_return_val_if_fail (CK_IS_REQUEST_DETAILS (self), NULL);

  return self->request;
}

GPtrArray *
ck_request_details_get_differences (CkRequestDetails *self)
{
  g_return_val_if_fail (CK_IS_REQUEST_DETAILS (self), NULL);

  return self->differences;
}

/* Actions */

static void
toast_error (AdwToastOverlay *overlay,
             const char      *what,
             const GError    *error)
{
  g_autofree char *title = g_strdup_printf ("%s: %s", what, error->message);
  AdwToast *toast = adw_toast_new (title);

  adw_toast_set_timeout (toast, 0);
  adw_toast_overlay_add_toast (overlay, toast);
}

static void
copy_pem_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  CkRequestDetails *self = CK_REQUEST_DETAILS (widget);
  g_autofree char *pem = NULL;

  if (self->request == NULL)
    return;
  pem = ck_request_to_pem (self->request);
  gdk_clipboard_set_text (gtk_widget_get_clipboard (widget), pem);
  g_signal_emit (self, signals[COPIED], 0, _("PEM"));
}

typedef struct
{
  CkRequest       *request;
  gboolean         der;
  AdwToastOverlay *overlay;
} SaveJob;

static void
save_job_free (SaveJob *job)
{
  g_clear_object (&job->request);
  g_clear_object (&job->overlay);
  g_free (job);
}

gboolean
ck_request_details_write (CkRequest  *request,
                          GFile      *file,
                          gboolean    der,
                          GError    **error)
{
  g_autofree char *pem = NULL;
  const void *data;
  gsize len;

  g_return_val_if_fail (CK_IS_REQUEST (request), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  if (der)
    data = g_bytes_get_data (ck_request_get_der (request), &len);
  else
    {
      pem = ck_request_to_pem (request);
      data = pem;
      len = strlen (pem);
    }
  /* A request is public: no private file mode. */
  return g_file_replace_contents (file, data, len, NULL, FALSE, G_FILE_CREATE_NONE,
                                  NULL, NULL, error);
}

static void
save_chosen (GFile    *file,
             gpointer  user_data)
{
  SaveJob *job = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *basename = NULL;
  g_autofree char *title = NULL;

  if (file == NULL)
    {
      save_job_free (job);
      return;
    }

  if (!ck_request_details_write (job->request, file, job->der, &error))
    {
      if (job->overlay != NULL)
        toast_error (job->overlay, _("Cannot save the request"), error);
      save_job_free (job);
      return;
    }

  basename = g_file_get_basename (file);
  title = g_strdup_printf (_("Saved to “%s”"), basename);
  if (job->overlay != NULL)
    adw_toast_overlay_add_toast (job->overlay, adw_toast_new (title));
  save_job_free (job);
}

static void
save_action (GtkWidget  *widget,
             const char *action_name,
             GVariant   *parameter)
{
  CkRequestDetails *self = CK_REQUEST_DETAILS (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *overlay = gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);
  SaveJob *job;
  g_autofree char *name = NULL;
  g_autofree char *file_name = NULL;

  if (self->request == NULL)
    return;

  job = g_new0 (SaveJob, 1);
  job->request = g_object_ref (self->request);
  job->der = g_strcmp0 (g_variant_get_string (parameter, NULL), "der") == 0;
  job->overlay = overlay != NULL ? g_object_ref (ADW_TOAST_OVERLAY (overlay)) : NULL;

  /* No separators and nothing hidden in the suggested name. */
  name = g_strdup (ck_stored_request_get_display_name (self->row));
  g_strdelimit (name, "/\\:*?\"<>|", '_');
  if (name[0] == '.' || name[0] == '\0')
    {
      g_free (name);
      name = g_strdup ("request");
    }
  file_name = g_strconcat (name, job->der ? ".der" : ".csr", NULL);
  ck_file_chooser_save_file (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                             _("Save Request"), file_name, save_chosen, job);
}

static void
show_certificate_action (GtkWidget  *widget,
                         const char *action_name,
                         GVariant   *parameter)
{
  CkRequestDetails *self = CK_REQUEST_DETAILS (widget);

  if (self->certificate != NULL)
    g_signal_emit (self, signals[SHOW_CERTIFICATE], 0,
                   ck_stored_request_get_certificate_id (self->row));
}

/* Delete, with Undo: the core's record of what the delete took (the row
 * with its id, profile, source, creation time and issued link) is kept
 * until the toast goes; Undo puts exactly that back (pending when its
 * certificate went since). */

typedef struct
{
  CkKeeper        *keeper;   /* deletes and undoes, as for certificates */
  AdwToastOverlay *overlay;
  CkStoredRequest *row;
  CkDeletion      *deletion;
} DeletedRequest;

static void
deleted_request_clear (gpointer data)
{
  DeletedRequest *deleted = data;

  g_clear_object (&deleted->keeper);
  g_clear_object (&deleted->overlay);
  g_clear_object (&deleted->row);
  g_clear_object (&deleted->deletion);
}

static void
deleted_request_free (gpointer data)
{
  g_rc_box_release_full (data, deleted_request_clear);
}

static void
undo_done (GObject      *source,
           GAsyncResult *result,
           gpointer      user_data)
{
  DeletedRequest *deleted = user_data;
  g_autoptr(GError) error = NULL;

  if (!ck_keeper_undo_delete_finish (CK_KEEPER (source), result, &error))
    toast_error (deleted->overlay, _("Cannot restore"), error);
  deleted_request_free (deleted);
}

static void
undo_delete (AdwToast       *toast,
             DeletedRequest *deleted)
{
  ck_keeper_undo_delete_async (deleted->keeper, deleted->deletion, NULL, undo_done,
                               g_rc_box_acquire (deleted));
}

static void
delete_done (GObject      *source,
             GAsyncResult *result,
             gpointer      user_data)
{
  DeletedRequest *deleted = user_data;
  g_autoptr(GError) error = NULL;
  g_autofree char *title = NULL;
  AdwToast *toast;

  deleted->deletion = ck_keeper_delete_finish (CK_KEEPER (source), result, &error);
  if (deleted->deletion == NULL)
    {
      toast_error (deleted->overlay, _("Cannot delete"), error);
      deleted_request_free (deleted);
      return;
    }

  title = g_strdup_printf (_("“%s” deleted"), ck_stored_request_get_display_name (deleted->row));
  toast = adw_toast_new (title);
  adw_toast_set_button_label (toast, _("_Undo"));
  /* As long as for certificates: time to notice the wrong row went. */
  adw_toast_set_timeout (toast, 10);
  g_signal_connect_data (toast, "button-clicked", G_CALLBACK (undo_delete),
                         g_rc_box_acquire (deleted),
                         (GClosureNotify) (void (*) (void)) deleted_request_free, 0);
  adw_toast_overlay_add_toast (deleted->overlay, toast);
  deleted_request_free (deleted);
}

static void
delete_confirmed (AdwMessageDialog *dialog,
                  const char       *response,
                  DeletedRequest   *deleted)
{
  /* One answer per dialog: @deleted is given away below. */
  g_signal_handlers_disconnect_by_func (dialog, delete_confirmed, deleted);
  if (g_strcmp0 (response, "delete") != 0)
    {
      deleted_request_free (deleted);
      return;
    }

  ck_keeper_delete_async (deleted->keeper, ck_stored_request_get_id (deleted->row), NULL,
                          delete_done, deleted);
}

static void
delete_action (GtkWidget  *widget,
               const char *action_name,
               GVariant   *parameter)
{
  CkRequestDetails *self = CK_REQUEST_DETAILS (widget);
  GtkWidget *overlay = gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);
  GtkRoot *root = gtk_widget_get_root (widget);
  DeletedRequest *deleted;
  GtkWidget *dialog;
  g_autofree char *heading = NULL;

  if (self->row == NULL || self->store == NULL || overlay == NULL)
    return;

  deleted = g_rc_box_new0 (DeletedRequest);
  deleted->keeper = ck_keeper_new (self->store);
  deleted->overlay = g_object_ref (ADW_TOAST_OVERLAY (overlay));
  deleted->row = g_object_ref (self->row);

  heading = g_strdup_printf (_("Delete Request “%s”?"),
                             ck_stored_request_get_display_name (self->row));
  dialog = GTK_WIDGET (ck_delete_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading,
                                            ck_stored_request_get_status (self->row) == CK_REQUEST_STATUS_ISSUED
                                            ? _("Its certificate and key stay in the store.")
                                            : _("Its key stays in the store, and a certificate the CA sends for that key can still be imported.")));
  g_signal_connect (dialog, "response", G_CALLBACK (delete_confirmed), deleted);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* GObject */

static void
ck_request_details_dispose (GObject *object)
{
  CkRequestDetails *self = CK_REQUEST_DETAILS (object);
  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), CK_TYPE_REQUEST_DETAILS);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->row);
  g_clear_object (&self->request);
  g_clear_object (&self->certificate);
  g_clear_object (&self->store);
  g_clear_pointer (&self->differences, g_ptr_array_unref);

  G_OBJECT_CLASS (ck_request_details_parent_class)->dispose (object);
}

static void
ck_request_details_class_init (CkRequestDetailsClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ck_request_details_dispose;

  signals[COPIED] = g_signal_new ("copied", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  signals[SHOW_CERTIFICATE] = g_signal_new ("show-certificate", G_TYPE_FROM_CLASS (klass),
                                            G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                            G_TYPE_NONE, 1, G_TYPE_INT64);

  gtk_widget_class_install_action (widget_class, "request.copy-pem", NULL, copy_pem_action);
  gtk_widget_class_install_action (widget_class, "request.save", "s", save_action);
  gtk_widget_class_install_action (widget_class, "request.delete", NULL, delete_action);
  gtk_widget_class_install_action (widget_class, "request.show-certificate", NULL,
                                   show_certificate_action);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/certkeeper/Certkeeper/ck-request-details.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, CkRequestDetails, scrolled_window);
  gtk_widget_class_bind_template_child (widget_class, CkRequestDetails, title_label);
  gtk_widget_class_bind_template_child (widget_class, CkRequestDetails, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, CkRequestDetails, content);
}

static void
ck_request_details_init (CkRequestDetails *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  update_actions (self);
}
