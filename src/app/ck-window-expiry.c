/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The window's part of the expiry watch: the details pane's Renewal group
 * (renewed by, the renewal in flight, "Warn before it expires"), "Renew…",
 * and showing a certificate a notification names. The judgement is the
 * core's (ck_expiry_check_get_item()); the renewal the keeper's. */
#include <glib/gi18n.h>

#include "ck-renew-dialog.h"
#include "ck-window-private.h"

#define DEFAULT_WARNING_DAYS 30

static guint
warning_days (CkWindow *self)
{
  return self->settings != NULL
    ? (guint) g_settings_get_int (self->settings, "expiry-warning-days")
    : DEFAULT_WARNING_DAYS;
}

static CkStoredCertificate *
shown_certificate (CkWindow *self)
{
  if (self->store == NULL || self->selected_certificate == NULL ||
      !CK_IS_STORED_CERTIFICATE (self->selected))
    return NULL;
  return CK_STORED_CERTIFICATE (self->selected);
}

void
ck_window_expiry_update (CkWindow *self)
{
  CkStoredCertificate *row = shown_certificate (self);
  g_autoptr (CkExpiryItem) item = NULL;
  g_autoptr (GError) error = NULL;
  GAction *warn = g_action_map_lookup_action (G_ACTION_MAP (self), "warn-about-certificate");

  if (row != NULL && self->expiry_check != NULL)
    {
      item = ck_expiry_check_get_item (self->expiry_check, ck_stored_certificate_get_id (row),
                                       g_get_real_time () / G_USEC_PER_SEC, warning_days (self),
                                       &error);
      if (item == NULL && !g_error_matches (error, CK_ERROR, CK_ERROR_NOT_FOUND))
        g_warning ("Cannot read the expiry watch: %s", error->message);
    }

  ck_window_set_action_enabled (self, "renew", item != NULL);
  ck_window_set_action_enabled (self, "warn-about-certificate", item != NULL && item->renewed_by == NULL);
  g_simple_action_set_state (G_SIMPLE_ACTION (warn),
                             g_variant_new_boolean (item != NULL && item->watched));
  if (row != NULL)
    ck_details_pane_set_expiry (self->details_pane, item);
}

/* On: watched (by default when it has a key, else explicitly); off:
 * "Don't warn about this certificate". */
static void
warn_change_state (GSimpleAction *action,
                   GVariant      *value,
                   gpointer       user_data)
{
  CkWindow *self = user_data;
  CkStoredCertificate *row = shown_certificate (self);
  g_autoptr (GError) error = NULL;
  CkExpiryWatch watch;

  if (row == NULL || self->expiry_check == NULL)
    return;
  if (!g_variant_get_boolean (value))
    watch = CK_EXPIRY_WATCH_OFF;
  else if (ck_stored_certificate_get_has_key (row))
    watch = CK_EXPIRY_WATCH_DEFAULT;
  else
    watch = CK_EXPIRY_WATCH_ON;
  if (!ck_expiry_check_set_watch (self->expiry_check, ck_stored_certificate_get_id (row), watch,
                                  &error))
    {
      g_autofree char *title = g_strdup_printf (_("Cannot change the warning: %s"), error->message);

      ck_window_add_toast (self, adw_toast_new (title));
    }
  ck_window_expiry_update (self);
}

static void
renewal_added (CkRenewDialog *dialog,
               gint64         id,
               CkWindow      *self)
{
  CkStoredRequest *row = ck_store_get_request_row (self->store, id);
  g_autofree char *title = NULL;
  AdwToast *toast;

  /* Translators: %s is the request's name, usually its common name. */
  title = g_strdup_printf (_("Renewal request for “%s” saved as pending"),
                           row != NULL ? ck_stored_request_get_display_name (row) : "");
  toast = adw_toast_new (title);
  adw_toast_set_button_label (toast, _("_Show"));
  adw_toast_set_action_name (toast, "win.show-page");
  adw_toast_set_action_target (toast, "s", "requests");
  adw_toast_set_timeout (toast, 10);
  ck_window_add_toast (self, toast);
  ck_window_expiry_update (self);
}

static void
renew_action (GSimpleAction *action,
              GVariant      *parameter,
              gpointer       user_data)
{
  CkWindow *self = user_data;
  CkStoredCertificate *row = shown_certificate (self);
  g_autoptr (CkRenewal) renewal = NULL;
  g_autoptr (GError) error = NULL;
  CkRenewDialog *dialog;

  if (row == NULL || self->keeper == NULL)
    return;
  renewal = ck_keeper_plan_renewal (self->keeper, ck_stored_certificate_get_id (row), &error);
  if (renewal == NULL)
    {
      g_autofree char *title = g_strdup_printf (_("Cannot renew: %s"), error->message);

      ck_window_add_toast (self, adw_toast_new (title));
      return;
    }
  dialog = ck_renew_dialog_new (GTK_WINDOW (self), self->keeper, renewal);
  g_signal_connect_object (dialog, "request-added", G_CALLBACK (renewal_added), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static const GActionEntry expiry_actions[] = {
  { .name = "renew", .activate = renew_action },
  { .name = "warn-about-certificate", .state = "false", .change_state = warn_change_state },
};

void
ck_window_expiry_init (CkWindow *self)
{
  g_action_map_add_action_entries (G_ACTION_MAP (self), expiry_actions,
                                   G_N_ELEMENTS (expiry_actions), self);
  ck_window_set_action_enabled (self, "renew", FALSE);
  ck_window_set_action_enabled (self, "warn-about-certificate", FALSE);
}

void
ck_window_expiry_set_store (CkWindow *self)
{
  g_autoptr (GError) error = NULL;
  static const char *const keys[] = { "expiry-notifications", "expiry-notify-when-closed" };

  /* The primary menu's switches (the application acts on them). */
  for (guint i = 0; self->settings != NULL && i < G_N_ELEMENTS (keys); i++)
    {
      g_autoptr (GAction) action = g_settings_create_action (self->settings, keys[i]);

      g_action_map_add_action (G_ACTION_MAP (self), action);
    }

  self->expiry_check = ck_expiry_check_new (self->store, &error);
  if (self->expiry_check == NULL)
    {
      g_warning ("Cannot watch the certificates for expiry: %s", error->message);
      return;
    }
  /* A renewal that came back (an import here or by certkeeper-cli) makes
   * the shown certificate "renewed by" it. */
  g_signal_connect_object (ck_store_get_certificates (self->store), "items-changed",
                           G_CALLBACK (ck_window_expiry_update), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (ck_store_get_requests (self->store), "items-changed",
                           G_CALLBACK (ck_window_expiry_update), self, G_CONNECT_SWAPPED);
}

/* --- showing a certificate ------------------------------------------------ */

#define PENDING_SHOW "ck-pending-show-certificate"

static gboolean
select_certificate (CkWindow *self,
                    gint64    id)
{
  CkStoredCertificate *row = ck_store_get_certificate_row (self->store, id);

  if (row == NULL || !ck_certificate_list_select_row (self->certificate_list, row))
    return FALSE;
  ck_window_show_details (self);
  adw_leaflet_set_visible_child (self->leaflet, self->details_scroller);
  return TRUE;
}

/* The list is filtered off the main loop: once the cleared search has
 * gone through, the row is there to select. */
static void
shown_rows_changed (GListModel *model,
                    guint       position,
                    guint       removed,
                    guint       added,
                    CkWindow   *self)
{
  gint64 *id = g_object_get_data (G_OBJECT (self), PENDING_SHOW);

  if (id != NULL && select_certificate (self, *id))
    {
      g_signal_handlers_disconnect_by_func (model, shown_rows_changed, self);
      g_object_set_data (G_OBJECT (self), PENDING_SHOW, NULL);
    }
}

gboolean
ck_window_show_certificate (CkWindow *self,
                            gint64    id)
{
  GListModel *shown;

  g_return_val_if_fail (CK_IS_WINDOW (self), FALSE);

  if (self->store == NULL || ck_store_get_certificate_row (self->store, id) == NULL)
    return FALSE;
  adw_view_stack_set_visible_child_name (self->view_stack, "certificates");
  shown = ck_certificate_list_get_model (self->certificate_list);
  g_signal_handlers_disconnect_by_func (shown, shown_rows_changed, self);
  g_object_set_data (G_OBJECT (self), PENDING_SHOW, NULL);
  if (select_certificate (self, id))
    return TRUE;

  /* Hidden by a search: show everything, then select it. */
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
  if (select_certificate (self, id))
    return TRUE;
  g_object_set_data_full (G_OBJECT (self), PENDING_SHOW, g_memdup2 (&id, sizeof id), g_free);
  g_signal_connect_object (shown, "items-changed", G_CALLBACK (shown_rows_changed), self, 0);
  return TRUE;
}
