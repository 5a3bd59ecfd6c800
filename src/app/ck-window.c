/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gi18n.h>
#include <string.h>

#include "ck-pin-dialog.h"
#include "ck-request-assistant.h"
#include "ck-window-private.h"

G_DEFINE_FINAL_TYPE (CkWindow, ck_window, ADW_TYPE_APPLICATION_WINDOW)

#define DEFAULT_WARNING_DAYS 30

CkWindow *
ck_window_new (CkApplication *app,
               CkStore       *store,
               const GError  *store_error)
{
  CkWindow *self = g_object_new (CK_TYPE_WINDOW, "application", app, NULL);
  GListModel *certificates;
  GListModel *keys;

  ck_window_actions_set_accels (GTK_APPLICATION (app));
  self->settings = ck_application_get_settings (app);
  if (self->settings != NULL)
    {
      g_object_ref (self->settings);
      gtk_window_set_default_size (GTK_WINDOW (self),
                                   g_settings_get_int (self->settings, "window-width"),
                                   g_settings_get_int (self->settings, "window-height"));
      if (g_settings_get_boolean (self->settings, "window-maximized"))
        gtk_window_maximize (GTK_WINDOW (self));
      g_settings_bind (self->settings, "expiry-warning-days",
                       self->certificate_list, "warning-days", G_SETTINGS_BIND_GET);
      ck_details_pane_set_warning_days (self->details_pane,
                                        g_settings_get_int (self->settings, "expiry-warning-days"));
    }
  else
    {
      gtk_window_set_default_size (GTK_WINDOW (self), 960, 640);
    }

  if (store == NULL)
    {
      adw_status_page_set_description (self->error_page,
                                       store_error != NULL ? store_error->message : NULL);
      gtk_stack_set_visible_child_name (self->main_stack, "error");
      ck_window_actions_update (self);
      return self;
    }

  self->store = g_object_ref (store);
  ck_window_set_store_dir (self, ck_store_get_dir (store));
  self->keeper = ck_keeper_new (store);
  ck_certificate_list_set_store (self->certificate_list, store);
  ck_key_list_set_store (self->key_list, store);
  ck_window_trust_set_store (self);
  ck_window_ca_set_store (self);
  ck_window_expiry_set_store (self);
  ck_request_list_set_store (self->request_list, store);
  ck_window_reload_init (self);
  ck_window_vault_init (self);
  /* Import, paste and search depend on the store alone; the selection
   * updates below only run when the selection changes. */
  ck_window_actions_update (self);

  certificates = ck_store_get_certificates (store);
  keys = ck_store_get_keys (store);
  g_signal_connect_object (certificates, "items-changed",
                           G_CALLBACK (ck_window_show_details), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (keys, "items-changed",
                           G_CALLBACK (ck_window_show_details), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (ck_store_get_requests (store), "items-changed",
                           G_CALLBACK (ck_window_show_details), self, G_CONNECT_SWAPPED);
  ck_window_show_details (self);

  return self;
}

CkStore *
ck_window_get_store (CkWindow *self)
{
  g_return_val_if_fail (CK_IS_WINDOW (self), NULL);

  return self->store;
}

char *
ck_window_format_store_dir (const char *dir)
{
  const char *home = g_get_home_dir ();
  gsize len = home != NULL ? strlen (home) : 0;

  if (len > 1 && g_str_has_prefix (dir, home) && (dir[len] == '/' || dir[len] == '\0'))
    return g_strconcat ("~", dir + len, NULL);
  return g_strdup (dir);
}

/* The store a plain launch opens: $XDG_DATA_HOME/certkeeper. */
static gboolean
is_default_store_dir (const char *dir)
{
  g_autofree char *usual = g_build_filename (g_get_user_data_dir (), "certkeeper", NULL);
  g_autofree char *canonical_usual = g_canonicalize_filename (usual, NULL);
  g_autofree char *canonical = g_canonicalize_filename (dir, NULL);

  return g_strcmp0 (canonical, canonical_usual) == 0;
}

void
ck_window_set_store_dir (CkWindow   *self,
                         const char *dir)
{
  g_autofree char *shown = NULL;
  g_autofree char *title = NULL;

  g_return_if_fail (CK_IS_WINDOW (self));
  g_return_if_fail (dir != NULL);

  g_free (self->store_dir);
  self->store_dir = g_strdup (dir);
  shown = ck_window_format_store_dir (dir);
  /* Which store this is, where the title is read, for any store but the
   * usual one (CERTKEEPER_STORE, --store, Open Another Store): with two
   * windows on two stores, the subtitle and the window list tell them
   * apart. About says it for every store. */
  if (is_default_store_dir (dir))
    {
      adw_view_switcher_title_set_subtitle (self->switcher_title, NULL);
      gtk_window_set_title (GTK_WINDOW (self), _("Certkeeper"));
    }
  else
    {
      adw_view_switcher_title_set_subtitle (self->switcher_title, shown);
      /* Translators: the window title; %s is the store's directory */
      title = g_strdup_printf (_("Certkeeper — %s"), shown);
      gtk_window_set_title (GTK_WINDOW (self), title);
    }
  if (self->store == NULL)
    {
      g_autofree char *description = NULL;
      const char *message = adw_status_page_get_description (self->error_page);

      /* Translators: %s is the store's directory */
      description = g_strdup_printf (_("The store in %s"), shown);
      if (message != NULL && strstr (message, dir) == NULL)
        {
          g_autofree char *full = g_strconcat (description, "\n", message, NULL);

          adw_status_page_set_description (self->error_page, full);
        }
      else if (message == NULL)
        adw_status_page_set_description (self->error_page, description);
    }
}

const char *
ck_window_get_store_dir (CkWindow *self)
{
  g_return_val_if_fail (CK_IS_WINDOW (self), NULL);

  if (self->store_dir == NULL && self->store != NULL)
    return ck_store_get_dir (self->store);
  return self->store_dir;
}

void
ck_window_add_toast (CkWindow *self,
                     AdwToast *toast)
{
  g_return_if_fail (CK_IS_WINDOW (self));

  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static gboolean
ck_window_store_is_empty (CkWindow *self)
{
  return g_list_model_get_n_items (ck_store_get_certificates (self->store)) == 0
         && g_list_model_get_n_items (ck_store_get_keys (self->store)) == 0
         && g_list_model_get_n_items (ck_store_get_requests (self->store)) == 0;
}

/* The one place that decides what the window shows: the empty state, the
 * store, and in the details pane the certificate or key selected on the
 * visible page. */
void
ck_window_show_details (CkWindow *self)
{
  const char *page;
  GObject *selected = NULL;
  g_autoptr(GError) error = NULL;

  if (self->store == NULL)
    return;

  page = adw_view_stack_get_visible_child_name (self->view_stack);
  /* Tokens are there whether the store is empty or not. */
  gtk_stack_set_visible_child_name (self->main_stack,
                                    ck_window_store_is_empty (self) && g_strcmp0 (page, "tokens") != 0
                                    ? "empty" : "store");

  if (g_strcmp0 (page, "keys") == 0)
    selected = ck_key_list_get_selected (self->key_list);
  else if (g_strcmp0 (page, "tokens") == 0)
    selected = G_OBJECT (ck_token_list_get_selected (self->token_list));
  else if (g_strcmp0 (page, "requests") == 0)
    selected = G_OBJECT (ck_request_list_get_selected (self->request_list));
  else
    selected = G_OBJECT (ck_certificate_list_get_selected (self->certificate_list));

  if (selected == self->selected)
    return;

  g_set_object (&self->selected, selected);
  g_clear_object (&self->selected_certificate);

  if (CK_IS_STORED_CERTIFICATE (selected))
    {
      CkStoredCertificate *row = CK_STORED_CERTIFICATE (selected);

      self->selected_certificate = ck_store_load_certificate (self->store,
                                                              ck_stored_certificate_get_id (row),
                                                              &error);
      if (self->selected_certificate == NULL)
        ck_details_pane_show_error (self->details_pane,
                                    ck_stored_certificate_get_display_name (row), error);
      else
        ck_details_pane_show_certificate (self->details_pane, self->store, row,
                                          self->selected_certificate);
      ck_window_expiry_update (self);
      adw_window_title_set_title (self->details_title,
                                  ck_stored_certificate_get_display_name (row));
      adw_window_title_set_subtitle (self->details_title, _("Certificate"));
      gtk_stack_set_visible_child_name (self->details_stack, "details");
    }
  else if (CK_IS_STORED_KEY (selected))
    {
      CkStoredKey *key = CK_STORED_KEY (selected);

      ck_details_pane_show_key (self->details_pane, self->store, key);
      adw_window_title_set_title (self->details_title, ck_stored_key_get_display_name (key));
      adw_window_title_set_subtitle (self->details_title, _("Private Key"));
      gtk_stack_set_visible_child_name (self->details_stack, "details");
    }
  else if (CK_IS_TOKEN_ITEM (selected))
    {
      /* Read from the token, shown with the token as its source. */
      CkTokenItem *item = CK_TOKEN_ITEM (selected);

      /* A certificate on a token exports (PEM, DER, chain) and takes
       * trust like one in the store; its key never leaves the token. */
      if (ck_token_item_get_certificate (item) != NULL)
        self->selected_certificate = g_object_ref (ck_token_item_get_certificate (item));
      ck_details_pane_show_token_item (self->details_pane, self->store, item);
      adw_window_title_set_title (self->details_title, ck_token_item_get_display_name (item));
      adw_window_title_set_subtitle (self->details_title,
                                     ck_token_item_get_certificate (item) != NULL
                                     ? _("Certificate on a Token") : _("Key on a Token"));
      gtk_stack_set_visible_child_name (self->details_stack, "details");
    }
  else if (CK_IS_STORED_REQUEST (selected))
    {
      CkStoredRequest *request = CK_STORED_REQUEST (selected);

      ck_request_details_show (self->request_details, self->store, request);
      adw_window_title_set_title (self->details_title,
                                  ck_stored_request_get_display_name (request));
      adw_window_title_set_subtitle (self->details_title, _("Certificate Signing Request"));
      gtk_stack_set_visible_child_name (self->details_stack, "request");
    }
  else
    {
      adw_window_title_set_title (self->details_title, _("Details"));
      adw_window_title_set_subtitle (self->details_title, NULL);
      gtk_stack_set_visible_child_name (self->details_stack, "none");
      if (adw_leaflet_get_folded (self->leaflet))
        adw_leaflet_set_visible_child (self->leaflet, self->list_pane);
    }

  ck_window_actions_update (self);
}

static void
certificate_selected_cb (CkWindow *self)
{
  ck_window_show_details (self);
}

static void
key_selected_cb (CkWindow *self)
{
  ck_window_show_details (self);
}

static void
request_selected_cb (CkWindow *self)
{
  ck_window_show_details (self);
}

static void
token_selected_cb (CkWindow *self)
{
  ck_window_show_details (self);
}

static void
page_changed_cb (CkWindow *self)
{
  gboolean requests = g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack),
                                 "requests") == 0;

  /* The Requests page is searched in place: say what is searched there. */
  g_object_set (self->search_entry, "placeholder-text",
                requests
                ? _("Subject, key, profile, status or fingerprint")
                : _("Name, issuer, address, serial or fingerprint"),
                NULL);
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->search_entry),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  requests ? _("Search requests") : _("Search certificates"),
                                  -1);
  ck_window_show_details (self);
}

/* Enter or a double click on a row: on a narrow window that means "open". */
static void
row_activated_cb (CkWindow *self)
{
  ck_window_show_details (self);
  if (self->selected != NULL)
    {
      GtkWidget *shown = gtk_stack_get_visible_child (self->details_stack);

      adw_leaflet_set_visible_child (self->leaflet, self->details_scroller);
      /* Opened, the focus goes to what was opened (its name first), not to
       * the header's first button: Delete was a Space away. */
      if (shown != NULL && gtk_widget_get_mapped (shown) &&
          gtk_widget_child_focus (shown, GTK_DIR_TAB_FORWARD))
        {
          GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (self));

          /* A selectable label selects all its text when it takes the
           * focus from the keyboard: the name is focused, not selected. */
          if (GTK_IS_LABEL (focus))
            gtk_label_select_region (GTK_LABEL (focus), 0, 0);
        }
    }
}

/* A click on a row shows its details at every width. Side by side the
 * selection does that; folded to one pane (the default 960 px already
 * folds), a click that only selected would show nothing, so it opens the
 * details as Enter does. The press is seen in the capture phase, before
 * the list's own gesture selects the row; once that press has been
 * handled (the idle), the row is the selection. */
static gboolean
open_clicked_row (gpointer data)
{
  CkWindow *self = data;

  if (gtk_widget_get_realized (GTK_WIDGET (self)) && adw_leaflet_get_folded (self->leaflet))
    row_activated_cb (self);
  return G_SOURCE_REMOVE;
}

static void
list_pressed_cb (GtkGestureClick *gesture,
                 int              n_press,
                 double           x,
                 double           y,
                 CkWindow        *self)
{
  GtkWidget *list = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));
  GtkWidget *picked = gtk_widget_pick (list, x, y, GTK_PICK_DEFAULT);

  if (n_press != 1 || !adw_leaflet_get_folded (self->leaflet))
    return;
  /* Rows only (their CSS node is "row"), not headers or scroll bars. */
  for (; picked != NULL && picked != list; picked = gtk_widget_get_parent (picked))
    if (g_strcmp0 (gtk_widget_get_css_name (picked), "row") == 0)
      {
        g_idle_add_full (G_PRIORITY_DEFAULT, open_clicked_row, g_object_ref (self), g_object_unref);
        return;
      }
}

static void
open_rows_on_click (CkWindow  *self,
                    GtkWidget *list)
{
  GtkGesture *click = gtk_gesture_click_new ();

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_PRIMARY);
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (click), GTK_PHASE_CAPTURE);
  g_signal_connect (click, "pressed", G_CALLBACK (list_pressed_cb), self);
  gtk_widget_add_controller (list, GTK_EVENT_CONTROLLER (click));
}

static gboolean
showing_requests (CkWindow *self)
{
  return g_strcmp0 (adw_view_stack_get_visible_child_name (self->view_stack), "requests") == 0;
}

static void
search_changed_cb (CkWindow *self)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));

  ck_certificate_list_set_search (self->certificate_list, text);
  ck_request_list_set_search (self->request_list, text);
  /* The Requests page is searched in place; the others show certificates. */
  if (text[0] != '\0' && !showing_requests (self))
    adw_view_stack_set_visible_child_name (self->view_stack, "certificates");
}

/* Enter in the search entry opens the first match, as in Files. */
static void
search_activate_cb (CkWindow *self)
{
  /* The entry delays search-changed: apply the text now. */
  search_changed_cb (self);
  if (showing_requests (self))
    {
      if (ck_request_list_select_first (self->request_list))
        row_activated_cb (self);
      return;
    }
  ck_certificate_list_activate_first (self->certificate_list);
}

static void
search_stop_cb (CkWindow *self)
{
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "");
  gtk_search_bar_set_search_mode (self->search_bar, FALSE);
}

/* "Certificate" on an issued request: find it the way a user would, by
 * its fingerprint in the certificates' search. */
static void
request_show_certificate_cb (CkWindow *self,
                             gint64    id)
{
  CkStoredCertificate *row = self->store != NULL ? ck_store_get_certificate_row (self->store, id) : NULL;

  if (row == NULL)
    return;
  adw_view_stack_set_visible_child_name (self->view_stack, "certificates");
  gtk_search_bar_set_search_mode (self->search_bar, TRUE);
  gtk_editable_set_text (GTK_EDITABLE (self->search_entry), ck_stored_certificate_get_sha256 (row));
  search_activate_cb (self);
}

static void
details_copied_cb (CkWindow   *self,
                   const char *what)
{
  g_autofree char *title = g_strdup_printf (_("%s copied"), what);
  AdwToast *toast = adw_toast_new (title);

  adw_toast_set_timeout (toast, 2);
  ck_window_add_toast (self, toast);
}

static gboolean
drop_cb (GtkDropTarget *target,
         const GValue  *value,
         double         x,
         double         y,
         CkWindow      *self)
{
  if (self->store == NULL)
    return FALSE;

  if (G_VALUE_HOLDS (value, GDK_TYPE_FILE_LIST))
    {
      GSList *list = g_value_get_boxed (value);
      g_autoptr(GPtrArray) files = g_ptr_array_new ();

      for (GSList *l = list; l != NULL; l = l->next)
        g_ptr_array_add (files, l->data);
      if (files->len == 0)
        return FALSE;
      ck_window_import_files (self, (GFile **) files->pdata, files->len);
      return TRUE;
    }

  if (G_VALUE_HOLDS (value, G_TYPE_STRING))
    {
      ck_window_import_text (self, g_value_get_string (value), _("dropped text"));
      return TRUE;
    }

  return FALSE;
}

static void
import_dialog_imported_cb (CkImportDialog *dialog,
                           const char     *message,
                           CkWindow       *self)
{
  ck_window_add_toast (self, adw_toast_new (message));
}

CkImportDialog *
ck_window_get_import_dialog (CkWindow *self)
{
  if (self->import_dialog == NULL)
    {
      self->import_dialog = ck_import_dialog_new (GTK_WINDOW (self), self->store);
      g_object_add_weak_pointer (G_OBJECT (self->import_dialog),
                                 (gpointer *) &self->import_dialog);
      g_signal_connect_object (self->import_dialog, "imported",
                               G_CALLBACK (import_dialog_imported_cb), self, 0);
    }

  gtk_window_present (GTK_WINDOW (self->import_dialog));
  return self->import_dialog;
}

void
ck_window_import_files (CkWindow  *self,
                        GFile    **files,
                        guint      n_files)
{
  g_return_if_fail (CK_IS_WINDOW (self));

  if (self->store == NULL || n_files == 0)
    return;

  ck_import_dialog_add_files (ck_window_get_import_dialog (self), files, n_files);
}

void
ck_window_import_text (CkWindow   *self,
                       const char *text,
                       const char *name)
{
  g_autoptr(GBytes) bytes = NULL;

  g_return_if_fail (CK_IS_WINDOW (self));

  if (self->store == NULL || text == NULL || text[0] == '\0')
    return;

  bytes = g_bytes_new (text, strlen (text));
  ck_import_dialog_add_bytes (ck_window_get_import_dialog (self), bytes, name);
}

static gboolean
ck_window_close_request (GtkWindow *window)
{
  CkWindow *self = CK_WINDOW (window);

  if (self->settings != NULL)
    {
      int width, height;

      gtk_window_get_default_size (window, &width, &height);
      g_settings_delay (self->settings);
      g_settings_set_int (self->settings, "window-width", width);
      g_settings_set_int (self->settings, "window-height", height);
      g_settings_set_boolean (self->settings, "window-maximized",
                              gtk_window_is_maximized (window));
      g_settings_apply (self->settings);
    }

  return GTK_WINDOW_CLASS (ck_window_parent_class)->close_request (window);
}

/* Screenshots for data/screenshots: rendered by GTK itself, so they need
 * neither a compositor nor an X screenshot tool. */

/* The New Request assistant, when one is open. */
static GtkWidget *
ck_window_find_assistant (void)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (CK_IS_REQUEST_ASSISTANT (l->data))
      return l->data;
  return NULL;
}

static GtkWidget *
ck_window_find_pin_dialog (void)
{
  g_autoptr(GList) toplevels = gtk_window_list_toplevels ();

  for (GList *l = toplevels; l != NULL; l = l->next)
    if (CK_IS_PIN_DIALOG (l->data))
      return l->data;
  return NULL;
}

static gboolean
ck_window_save_screenshot (CkWindow *self)
{
  GtkWidget *widget = GTK_WIDGET (self);
  g_autoptr(GdkPaintable) paintable = NULL;
  g_autoptr(GtkSnapshot) snapshot = NULL;
  g_autoptr(GskRenderNode) node = NULL;
  g_autoptr(GdkTexture) texture = NULL;
  GtkWidget *target = widget;
  int width, height;

  if (g_strcmp0 (self->screenshot_view, "import") == 0 && self->import_dialog != NULL)
    target = GTK_WIDGET (self->import_dialog);
  if (g_strcmp0 (self->screenshot_view, "trust") == 0 && self->trust_dialog != NULL)
    target = self->trust_dialog;
  if (g_strcmp0 (self->screenshot_view, "assistant") == 0)
    target = ck_window_find_assistant ();
  if (g_strcmp0 (self->screenshot_view, "pin") == 0 && ck_window_find_pin_dialog () != NULL)
    target = ck_window_find_pin_dialog ();
  if (g_strcmp0 (self->screenshot_view, "sign") == 0 && self->screenshot_dialog != NULL)
    target = self->screenshot_dialog;

  width = gtk_widget_get_width (target);
  height = gtk_widget_get_height (target);
  paintable = gtk_widget_paintable_new (target);
  snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  texture = gsk_renderer_render_texture (gtk_native_get_renderer (GTK_NATIVE (target)), node,
                                         &GRAPHENE_RECT_INIT (0, 0, width, height));
  if (!gdk_texture_save_to_png (texture, self->screenshot_path))
    g_printerr ("Cannot write %s\n", self->screenshot_path);
  else
    g_print ("Saved %s (%d×%d)\n", self->screenshot_path, width, height);

  g_application_quit (g_application_get_default ());
  return G_SOURCE_REMOVE;
}

static gboolean
ck_window_screenshot_tick (GtkWidget     *widget,
                           GdkFrameClock *clock,
                           gpointer       user_data)
{
  CkWindow *self = CK_WINDOW (user_data);

  /* Let a few frames through so that lists, fonts and icons have settled. */
  if (++self->screenshot_frames < 10)
    return G_SOURCE_CONTINUE;

  g_idle_add ((GSourceFunc) ck_window_save_screenshot, self);
  return G_SOURCE_REMOVE;
}

static gboolean
ck_window_screenshot_prepare (CkWindow *self)
{
  /* A selection made while the list is still sorting would be lost. */
  if (ck_certificate_list_is_busy (self->certificate_list)
      || (g_strcmp0 (self->screenshot_view, "import") == 0 && self->import_dialog == NULL))
    return G_SOURCE_CONTINUE;

  if (g_strcmp0 (self->screenshot_view, "details") == 0)
    {
      g_debug ("screenshot: selecting the first certificate of %u",
               g_list_model_get_n_items (ck_certificate_list_get_model (self->certificate_list)));
      if (ck_certificate_list_select_first (self->certificate_list))
        row_activated_cb (self);
    }
  else if (g_strcmp0 (self->screenshot_view, "keys") == 0)
    {
      adw_view_stack_set_visible_child_name (self->view_stack, "keys");
    }
  else if (g_strcmp0 (self->screenshot_view, "requests") == 0
           || g_strcmp0 (self->screenshot_view, "request") == 0)
    {
      /* "requests": the page with the first request selected; "request":
       * that request opened, as on a narrow window. */
      adw_view_stack_set_visible_child_name (self->view_stack, "requests");
      if (ck_request_list_select_first (self->request_list)
          && g_strcmp0 (self->screenshot_view, "request") == 0)
        row_activated_cb (self);
    }
  else if (g_strcmp0 (self->screenshot_view, "tokens") == 0)
    {
      adw_view_stack_set_visible_child_name (self->view_stack, "tokens");
      /* The shot waits for the tokens to be listed. */
      if (ck_token_list_is_busy (self->token_list))
        return G_SOURCE_CONTINUE;
    }
  else if (g_strcmp0 (self->screenshot_view, "search") == 0)
    {
      gtk_search_bar_set_search_mode (self->search_bar, TRUE);
      gtk_editable_set_text (GTK_EDITABLE (self->search_entry), "example");
      ck_certificate_list_set_search (self->certificate_list, "example");
    }

  if (g_strcmp0 (self->screenshot_view, "pin") == 0)
    {
      /* The PIN dialog of the first token that asks for a PIN. */
      g_autoptr(GPtrArray) tokens = NULL;

      adw_view_stack_set_visible_child_name (self->view_stack, "tokens");
      if (ck_token_list_is_busy (self->token_list))
        return G_SOURCE_CONTINUE;
      tokens = ck_token_list_get_tokens (self->token_list);
      for (guint i = 0; i < tokens->len && ck_window_find_pin_dialog () == NULL; i++)
        if (ck_token_needs_login (tokens->pdata[i]))
          ck_pin_dialog_login_async (GTK_WINDOW (self), tokens->pdata[i], NULL, NULL, NULL);
      if (ck_window_find_pin_dialog () != NULL)
        {
          gtk_widget_add_tick_callback (ck_window_find_pin_dialog (), ck_window_screenshot_tick,
                                        self, NULL);
          self->screenshot_frames = 0;
          return G_SOURCE_REMOVE;
        }
    }

  if (g_strcmp0 (self->screenshot_view, "assistant") == 0)
    {
      gtk_widget_activate_action (GTK_WIDGET (self), "win.new-request", NULL);
      if (ck_window_find_assistant () != NULL)
        {
          gtk_widget_add_tick_callback (ck_window_find_assistant (), ck_window_screenshot_tick,
                                        self, NULL);
          self->screenshot_frames = 0;
          return G_SOURCE_REMOVE;
        }
    }

  if (g_strcmp0 (self->screenshot_view, "sign") == 0)
    {
      /* Sign Request on the newest request. */
      adw_view_stack_set_visible_child_name (self->view_stack, "requests");
      if (ck_request_list_select_first (self->request_list))
        row_activated_cb (self);
      self->screenshot_dialog = ck_window_ca_sign_request (self);
      if (self->screenshot_dialog != NULL)
        {
          g_object_add_weak_pointer (G_OBJECT (self->screenshot_dialog),
                                     (gpointer *) &self->screenshot_dialog);
          gtk_widget_add_tick_callback (self->screenshot_dialog, ck_window_screenshot_tick, self,
                                        NULL);
          self->screenshot_frames = 0;
          return G_SOURCE_REMOVE;
        }
    }

  if (g_strcmp0 (self->screenshot_view, "trust") == 0)
    {
      /* Trust Settings on the selected certificate: the first one. */
      if (ck_certificate_list_select_first (self->certificate_list))
        row_activated_cb (self);
      if (ck_window_trust_settings (self) != NULL)
        {
          gtk_widget_add_tick_callback (self->trust_dialog, ck_window_screenshot_tick, self, NULL);
          self->screenshot_frames = 0;
          return G_SOURCE_REMOVE;
        }
    }

  if (g_strcmp0 (self->screenshot_view, "import") == 0 && self->import_dialog != NULL)
    gtk_widget_add_tick_callback (GTK_WIDGET (self->import_dialog),
                                  ck_window_screenshot_tick, self, NULL);
  else
    gtk_widget_add_tick_callback (GTK_WIDGET (self), ck_window_screenshot_tick, self, NULL);
  self->screenshot_frames = 0;
  return G_SOURCE_REMOVE;
}

void
ck_window_take_screenshot (CkWindow   *self,
                           const char *path,
                           const char *view)
{
  g_return_if_fail (CK_IS_WINDOW (self));

  g_free (self->screenshot_path);
  self->screenshot_path = g_strdup (path);
  g_free (self->screenshot_view);
  self->screenshot_view = g_strdup (view);
  /* After the files given on the command line have been read. */
  g_timeout_add (500, (GSourceFunc) ck_window_screenshot_prepare, self);
}

static void
ck_window_dispose (GObject *object)
{
  CkWindow *self = CK_WINDOW (object);

  ck_window_vault_dispose (self);
  gtk_widget_dispose_template (GTK_WIDGET (self), CK_TYPE_WINDOW);
  g_clear_object (&self->selected);
  g_clear_object (&self->selected_certificate);
  g_clear_object (&self->verifier);
  g_clear_object (&self->trust);
  g_clear_object (&self->ca);

  G_OBJECT_CLASS (ck_window_parent_class)->dispose (object);
}

static void
ck_window_finalize (GObject *object)
{
  CkWindow *self = CK_WINDOW (object);

  g_clear_object (&self->keeper);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  g_free (self->store_dir);
  g_free (self->screenshot_path);
  g_free (self->screenshot_view);

  G_OBJECT_CLASS (ck_window_parent_class)->finalize (object);
}

static void
ck_window_class_init (CkWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  GtkWindowClass *window_class = GTK_WINDOW_CLASS (klass);

  object_class->dispose = ck_window_dispose;
  object_class->finalize = ck_window_finalize;
  window_class->close_request = ck_window_close_request;

  g_type_ensure (CK_TYPE_CERTIFICATE_LIST);
  g_type_ensure (CK_TYPE_KEY_LIST);
  g_type_ensure (CK_TYPE_REQUEST_LIST);
  g_type_ensure (CK_TYPE_TOKEN_LIST);
  g_type_ensure (CK_TYPE_REQUEST_DETAILS);
  g_type_ensure (CK_TYPE_DETAILS_PANE);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/certkeeper/Certkeeper/ck-window.ui");
  gtk_widget_class_bind_template_child (widget_class, CkWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, CkWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, CkWindow, error_page);
  gtk_widget_class_bind_template_child (widget_class, CkWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, CkWindow, list_pane);
  gtk_widget_class_bind_template_child (widget_class, CkWindow, details_scroller);
  gtk_widget_class_bind_template_child (widget_class, CkWindow, switcher_title);
  gtk_widget_class_bind_template_child (widget_class, CkWindow, view_stack);
  gtk_widget_class_bind_template_child (widget_class, CkWindow, search_bar);
  gtk_widget_class_bind_template_child (widget_class, CkWindow, search_entry);
  gtk_widget_class_bind_template_child (widget_class, CkWindow, certificate_list);
  gtk_widget_class_bind_template_child (widget_class, CkWindow, key_list);
  gtk_widget_class_bind_template_child (widget_class, CkWindow, request_list);
  gtk_widget_class_bind_template_child (widget_class, CkWindow, token_list);
  gtk_widget_class_bind_template_child (widget_class, CkWindow, request_details);
  gtk_widget_class_bind_template_child (widget_class, CkWindow, details_stack);
  gtk_widget_class_bind_template_child (widget_class, CkWindow, details_pane);
  gtk_widget_class_bind_template_child (widget_class, CkWindow, details_title);
  gtk_widget_class_bind_template_child (widget_class, CkWindow, request_button);
  gtk_widget_class_bind_template_child (widget_class, CkWindow, export_button);
  gtk_widget_class_bind_template_child (widget_class, CkWindow, ca_button);
  gtk_widget_class_bind_template_child (widget_class, CkWindow, empty_request_button);
  gtk_widget_class_bind_template_callback (widget_class, certificate_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, key_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, request_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, token_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, request_show_certificate_cb);
  gtk_widget_class_bind_template_callback (widget_class, page_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, search_stop_cb);
  gtk_widget_class_bind_template_callback (widget_class, details_copied_cb);

  ck_window_actions_class_init (klass);
}

static void
ck_window_init (CkWindow *self)
{
  GtkDropTarget *drop;
  GType drop_types[] = { GDK_TYPE_FILE_LIST, G_TYPE_STRING };

  gtk_widget_init_template (GTK_WIDGET (self));

  gtk_search_bar_connect_entry (self->search_bar, GTK_EDITABLE (self->search_entry));
  gtk_search_bar_set_key_capture_widget (self->search_bar, GTK_WIDGET (self));

  drop = gtk_drop_target_new (G_TYPE_INVALID, GDK_ACTION_COPY);
  gtk_drop_target_set_gtypes (drop, drop_types, G_N_ELEMENTS (drop_types));
  g_signal_connect (drop, "drop", G_CALLBACK (drop_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drop));

  /* The Tokens page's rows open on a click already (list box rows). */
  open_rows_on_click (self, GTK_WIDGET (self->certificate_list));
  open_rows_on_click (self, GTK_WIDGET (self->key_list));
  open_rows_on_click (self, GTK_WIDGET (self->request_list));

  ck_window_actions_init (self);
  ck_window_expiry_init (self);
}
