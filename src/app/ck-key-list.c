/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gi18n.h>

#include "ck-expiry.h"
#include "ck-key-list.h"
#include "ck-request-list.h"

struct _CkKeyList
{
  GtkWidget           parent_instance;

  CkStore            *store;
  GtkSingleSelection *selection;
  GObject            *selected;   /* the selected row's item */
  guint               rebuild_id;
  gboolean            rebuilding;

  GtkStack           *stack;
  GtkListView        *list_view;
};

G_DEFINE_FINAL_TYPE (CkKeyList, ck_key_list, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SELECTED,
  N_PROPS
};

enum {
  ACTIVATE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* A key's children: its certificates, found through the store's index on
 * the SPKI SHA-256, then its requests, like X-Road's key → certificates
 * and requests. NULL (not expandable) when it has none. */
static GListModel *
create_children (gpointer item,
                 gpointer user_data)
{
  CkKeyList *self = user_data;
  g_autoptr(GArray) ids = NULL;
  GListModel *requests;
  const char *spki;
  GListStore *children;

  if (!CK_IS_STORED_KEY (item) || self->store == NULL)
    return NULL;

  spki = ck_stored_key_get_spki_sha256 (CK_STORED_KEY (item));
  children = g_list_store_new (G_TYPE_OBJECT);
  ids = ck_store_find_certificates_for_key (self->store, spki);
  for (guint i = 0; ids != NULL && i < ids->len; i++)
    {
      CkStoredCertificate *row =
        ck_store_get_certificate_row (self->store, g_array_index (ids, gint64, i));

      if (row != NULL)
        g_list_store_append (children, row);
    }

  /* Requests are few: a scan is cheaper than an index to keep. */
  requests = ck_store_get_requests (self->store);
  for (guint i = 0; i < g_list_model_get_n_items (requests); i++)
    {
      g_autoptr(CkStoredRequest) row = g_list_model_get_item (requests, i);

      if (g_strcmp0 (ck_stored_request_get_spki_sha256 (row), spki) == 0)
        g_list_store_append (children, row);
    }

  if (g_list_model_get_n_items (G_LIST_MODEL (children)) == 0)
    g_clear_object (&children);
  return G_LIST_MODEL (children);
}

static void
update_stack (CkKeyList *self)
{
  gboolean empty = self->store == NULL
                   || g_list_model_get_n_items (ck_store_get_keys (self->store)) == 0;

  gtk_stack_set_visible_child_name (self->stack, empty ? "empty" : "list");
}

static void selection_changed_cb (CkKeyList *self);

static gboolean
rebuild (gpointer user_data)
{
  CkKeyList *self = user_data;
  GtkTreeListModel *tree = NULL;
  g_autoptr(GObject) previous = self->selected != NULL ? g_object_ref (self->selected) : NULL;

  self->rebuild_id = 0;
  if (self->store != NULL)
    tree = gtk_tree_list_model_new (g_object_ref (ck_store_get_keys (self->store)),
                                    FALSE, TRUE, create_children, self, NULL);
  /* Keep the selection across the rebuild (a request turning issued under
   * the user's eyes): the rows are the store's objects, found again. */
  self->rebuilding = TRUE;
  gtk_single_selection_set_model (self->selection, G_LIST_MODEL (tree));
  for (guint i = 0; previous != NULL && tree != NULL
                    && i < g_list_model_get_n_items (G_LIST_MODEL (tree)); i++)
    {
      g_autoptr(GtkTreeListRow) row = g_list_model_get_item (G_LIST_MODEL (tree), i);
      g_autoptr(GObject) item = gtk_tree_list_row_get_item (row);

      if (item == previous)
        {
          gtk_single_selection_set_selected (self->selection, i);
          break;
        }
    }
  /* Whether or not the selection model said so while the model changed. */
  selection_changed_cb (self);
  self->rebuilding = FALSE;
  g_clear_object (&tree);
  if (self->selected != previous)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED]);
  update_stack (self);
  return G_SOURCE_REMOVE;
}

/* Keys and certificates change together in a commit: rebuild once, when
 * the main loop is idle again. */
static void
queue_rebuild (CkKeyList *self)
{
  if (self->rebuild_id == 0)
    self->rebuild_id = g_idle_add (rebuild, self);
}

void
ck_key_list_set_store (CkKeyList *self,
                       CkStore   *store)
{
  g_return_if_fail (CK_IS_KEY_LIST (self));

  if (self->store != NULL)
    {
      g_signal_handlers_disconnect_by_func (ck_store_get_keys (self->store), queue_rebuild, self);
      g_signal_handlers_disconnect_by_func (ck_store_get_certificates (self->store),
                                            queue_rebuild, self);
      g_signal_handlers_disconnect_by_func (ck_store_get_requests (self->store),
                                            queue_rebuild, self);
    }
  g_set_object (&self->store, store);
  if (store != NULL)
    {
      g_signal_connect_swapped (ck_store_get_keys (store), "items-changed",
                                G_CALLBACK (queue_rebuild), self);
      g_signal_connect_swapped (ck_store_get_certificates (store), "items-changed",
                                G_CALLBACK (queue_rebuild), self);
      g_signal_connect_swapped (ck_store_get_requests (store), "items-changed",
                                G_CALLBACK (queue_rebuild), self);
    }
  rebuild (self);
}

GObject *
ck_key_list_get_selected (CkKeyList *self)
{
  g_return_val_if_fail (CK_IS_KEY_LIST (self), NULL);

  return self->selected;
}

GListModel *
ck_key_list_get_model (CkKeyList *self)
{
  g_return_val_if_fail (CK_IS_KEY_LIST (self), NULL);

  return G_LIST_MODEL (self->selection);
}

/* Rows */

/* "New Request for This Key": the assistant's win.new-request-for-key
 * action, with the key's store id (bound per row). Insensitive while the
 * window has no such action. */
static GtkWidget *
new_request_button_new (void)
{
  GtkWidget *button = gtk_button_new_from_icon_name ("document-new-symbolic");

  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_widget_add_css_class (button, "flat");
  gtk_widget_set_tooltip_text (button, _("New Request for This Key"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (button), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("New Request for This Key"), -1);
  /* A target of the action's type from the start: bind sets the key's. */
  gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "x", (gint64) 0);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "win.new-request-for-key");
  return button;
}

static void
row_setup (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           gpointer                  user_data)
{
  GtkWidget *expander = gtk_tree_expander_new ();
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 12);
  GtkWidget *text = gtk_box_new (GTK_ORIENTATION_VERTICAL, 2);
  GtkWidget *title = gtk_label_new (NULL);
  GtkWidget *subtitle = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (title), 0);
  gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
  gtk_label_set_xalign (GTK_LABEL (subtitle), 0);
  gtk_label_set_ellipsize (GTK_LABEL (subtitle), PANGO_ELLIPSIZE_END);
  gtk_widget_add_css_class (subtitle, "caption");
  gtk_widget_add_css_class (subtitle, "dim-label");
  gtk_box_append (GTK_BOX (text), title);
  gtk_box_append (GTK_BOX (text), subtitle);
  gtk_widget_set_hexpand (text, TRUE);
  gtk_box_append (GTK_BOX (box), gtk_image_new ());
  gtk_box_append (GTK_BOX (box), text);
  gtk_box_append (GTK_BOX (box), new_request_button_new ());
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_tree_expander_set_child (GTK_TREE_EXPANDER (expander), box);
  gtk_list_item_set_child (list_item, expander);
}

static char *
key_subtitle (CkStoredKey *key)
{
  const char *protection = ck_stored_key_get_pkcs11_uri (key) != NULL
                           ? _("On a security token")
                           : ck_stored_key_get_encrypted (key)
                             ? _("Protected by a passphrase")
                             : _("Not protected by a passphrase");
  const char *source = ck_stored_key_get_source (key);

  if (source == NULL || source[0] == '\0')
    return g_strdup (protection);
  /* Translators: "Protected by a passphrase · from key.pem" */
  return g_strdup_printf (_("%s · from %s"), protection, source);
}

static char *
certificate_subtitle (CkStoredCertificate *row)
{
  g_autofree char *expiry = ck_expiry_format_cell (ck_stored_certificate_get_not_after (row),
                                                   g_get_real_time () / G_USEC_PER_SEC);

  /* Translators: "Issued by Example CA · expires 4 Dec 2026 · in 12 days" */
  return g_strdup_printf (_("Issued by %s · expires %s"),
                          ck_stored_certificate_get_issuer_name (row), expiry);
}

static char *
request_subtitle (CkStoredRequest *request)
{
  g_autofree char *date = ck_expiry_format_date (ck_stored_request_get_created_at (request));
  const char *profile = ck_request_profile_text (request);

  if (profile == NULL)
    /* Translators: a request under its key: "www.example.com · made 4 Dec 2026" */
    return g_strdup_printf (_("%s · made %s"), ck_stored_request_get_display_name (request), date);
  /* Translators: "www.example.com · TLS server · made 4 Dec 2026" */
  return g_strdup_printf (_("%s · %s · made %s"), ck_stored_request_get_display_name (request),
                          profile, date);
}

static void
row_bind (GtkSignalListItemFactory *factory,
          GtkListItem              *list_item,
          gpointer                  user_data)
{
  GtkTreeListRow *tree_row = gtk_list_item_get_item (list_item);
  GtkWidget *expander = gtk_list_item_get_child (list_item);
  GtkWidget *box = gtk_tree_expander_get_child (GTK_TREE_EXPANDER (expander));
  GtkWidget *icon = gtk_widget_get_first_child (box);
  GtkWidget *title = gtk_widget_get_first_child (gtk_widget_get_next_sibling (icon));
  GtkWidget *subtitle = gtk_widget_get_next_sibling (title);
  GtkWidget *button = gtk_widget_get_last_child (box);
  g_autoptr(GObject) item = gtk_tree_list_row_get_item (tree_row);
  g_autofree char *text = NULL;

  gtk_tree_expander_set_list_row (GTK_TREE_EXPANDER (expander), tree_row);
  gtk_widget_set_visible (button, CK_IS_STORED_KEY (item));
  gtk_widget_set_tooltip_text (subtitle, NULL);

  if (CK_IS_STORED_KEY (item))
    {
      CkStoredKey *key = CK_STORED_KEY (item);

      gtk_image_set_from_icon_name (GTK_IMAGE (icon), "dialog-password-symbolic");
      gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Private key"), -1);
      gtk_label_set_text (GTK_LABEL (title), ck_stored_key_get_display_name (key));
      text = key_subtitle (key);
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "x", ck_stored_key_get_id (key));
    }
  else if (CK_IS_STORED_REQUEST (item))
    {
      CkStoredRequest *request = CK_STORED_REQUEST (item);
      gboolean issued = ck_stored_request_get_status (request) == CK_REQUEST_STATUS_ISSUED;
      g_autofree char *heading = NULL;

      gtk_image_set_from_icon_name (GTK_IMAGE (icon), "document-new-symbolic");
      gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Certificate signing request"), -1);
      /* Translators: a request row under its key on the Keys page */
      heading = g_strdup_printf (_("Request · %s"), issued ? _("Issued") : _("Pending"));
      gtk_label_set_text (GTK_LABEL (title), heading);
      text = request_subtitle (request);
      /* The whole subject, which the subtitle only names. */
      gtk_widget_set_tooltip_text (subtitle, ck_stored_request_get_subject (request));
    }
  else
    {
      CkStoredCertificate *row = CK_STORED_CERTIFICATE (item);

      gtk_image_set_from_icon_name (GTK_IMAGE (icon), "application-certificate-symbolic");
      gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                      _("Certificate"), -1);
      gtk_label_set_text (GTK_LABEL (title), ck_stored_certificate_get_display_name (row));
      text = certificate_subtitle (row);
    }
  gtk_label_set_text (GTK_LABEL (subtitle), text);
}

static void
activate_cb (CkKeyList *self,
             guint      position)
{
  g_signal_emit (self, signals[ACTIVATE], 0);
}

static void
selection_changed_cb (CkKeyList *self)
{
  GtkTreeListRow *row = gtk_single_selection_get_selected_item (self->selection);

  g_clear_object (&self->selected);
  if (row != NULL)
    self->selected = gtk_tree_list_row_get_item (row);
  if (!self->rebuilding)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED]);
}

static void
ck_key_list_get_property (GObject    *object,
                          guint       prop_id,
                          GValue     *value,
                          GParamSpec *pspec)
{
  CkKeyList *self = CK_KEY_LIST (object);

  switch (prop_id)
    {
    case PROP_SELECTED:
      g_value_set_object (value, ck_key_list_get_selected (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ck_key_list_dispose (GObject *object)
{
  CkKeyList *self = CK_KEY_LIST (object);
  GtkWidget *child;

  g_clear_handle_id (&self->rebuild_id, g_source_remove);
  if (self->store != NULL)
    ck_key_list_set_store (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), CK_TYPE_KEY_LIST);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->selection);
  g_clear_object (&self->selected);

  G_OBJECT_CLASS (ck_key_list_parent_class)->dispose (object);
}

static void
ck_key_list_class_init (CkKeyListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ck_key_list_dispose;
  object_class->get_property = ck_key_list_get_property;

  properties[PROP_SELECTED] =
    g_param_spec_object ("selected", NULL, NULL, G_TYPE_OBJECT,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[ACTIVATE] = g_signal_new ("activate", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/certkeeper/Certkeeper/ck-key-list.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, CkKeyList, stack);
  gtk_widget_class_bind_template_child (widget_class, CkKeyList, list_view);
  gtk_widget_class_bind_template_callback (widget_class, activate_cb);
}

static void
ck_key_list_init (CkKeyList *self)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  gtk_widget_init_template (GTK_WIDGET (self));

  g_signal_connect (factory, "setup", G_CALLBACK (row_setup), self);
  g_signal_connect (factory, "bind", G_CALLBACK (row_bind), self);
  gtk_list_view_set_factory (self->list_view, factory);

  self->selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect_swapped (self->selection, "notify::selected-item",
                            G_CALLBACK (selection_changed_cb), self);
  update_stack (self);
}
