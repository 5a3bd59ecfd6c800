/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gi18n.h>

#include "ck-expiry.h"
#include "ck-request-list.h"

typedef enum {
  COLUMN_SUBJECT,
  COLUMN_KEY,
  COLUMN_PROFILE,
  COLUMN_CREATED,
  COLUMN_STATUS,
  N_COLUMNS
} Column;

static const char *column_names[N_COLUMNS] = {
  "subject", "key", "profile", "created", "status",
};

struct _CkRequestList
{
  GtkWidget            parent_instance;

  CkStore             *store;
  GtkFilterListModel  *filter_model;
  GtkCustomFilter     *filter;
  GtkSortListModel    *sort_model;
  GtkSingleSelection  *selection;
  char                *needle;        /* case-folded; NULL matches everything */
  char                *needle_hex;    /* without colons and spaces, when hex */
  /* SPKI SHA-256 → the key's display name, filled from the keys' model
   * when first needed and emptied when the keys change. */
  GHashTable          *key_names;
  guint                refilter_id;

  GtkStack            *stack;
  GtkColumnView       *column_view;
  /* A row's menu (right click, Shift+F10, Menu): the window's actions. */
  GtkWidget           *row_menu;
  GtkColumnViewColumn *columns[N_COLUMNS];

  struct ColumnSort {
    CkRequestList *self;
    Column         column;
  }                    column_sorts[N_COLUMNS];
};

G_DEFINE_FINAL_TYPE (CkRequestList, ck_request_list, GTK_TYPE_WIDGET)

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

/* Texts shared with the Keys page and the details */

char *
ck_request_status_text (CkStore         *store,
                        CkStoredRequest *row)
{
  CkStoredCertificate *cert = NULL;

  if (ck_stored_request_get_status (row) != CK_REQUEST_STATUS_ISSUED)
    return g_strdup (_("Pending"));

  if (store != NULL)
    cert = ck_store_get_certificate_row (store, ck_stored_request_get_certificate_id (row));
  if (cert == NULL)
    return g_strdup (_("Issued"));
  /* Translators: a request's status, with the certificate that answered
   * it: "Issued · www.example.com" */
  return g_strdup_printf (_("Issued · %s"), ck_stored_certificate_get_display_name (cert));
}

const char *
ck_request_profile_text (CkStoredRequest *row)
{
  const char *profile = ck_stored_request_get_profile (row);
  CkRequestProfile value;

  if (profile == NULL || profile[0] == '\0')
    return NULL;
  if (ck_request_profile_from_string (profile, &value))
    return ck_request_profile_get_display_name (value);
  return profile;
}

static const char *
key_name (CkRequestList   *self,
          CkStoredRequest *row)
{
  const char *spki = ck_stored_request_get_spki_sha256 (row);
  const char *name;

  if (self->store == NULL || spki == NULL)
    return "";
  /* From the keys' model, not the database: rows are bound and sorted
   * while an import may hold the store's lock in another thread. */
  if (g_hash_table_size (self->key_names) == 0)
    {
      GListModel *keys = ck_store_get_keys (self->store);

      for (guint i = 0; i < g_list_model_get_n_items (keys); i++)
        {
          g_autoptr(CkStoredKey) key = g_list_model_get_item (keys, i);

          g_hash_table_insert (self->key_names, g_strdup (ck_stored_key_get_spki_sha256 (key)),
                               g_strdup (ck_stored_key_get_display_name (key)));
        }
    }
  name = g_hash_table_lookup (self->key_names, spki);
  return name != NULL ? name : "";
}

/* Cells */

static void
label_setup (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             gpointer                  user_data)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_list_item_set_child (list_item, label);
}

static void
subject_setup (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *icon = gtk_image_new_from_icon_name ("document-new-symbolic");
  GtkWidget *label = gtk_label_new (NULL);

  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  _("Certificate signing request"), -1);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), label);
  gtk_list_item_set_child (list_item, box);
}

static void
set_label (GtkWidget  *label,
           const char *text)
{
  gtk_label_set_text (GTK_LABEL (label), text != NULL ? text : "");
  /* The whole text when the column is too narrow for it. */
  gtk_widget_set_tooltip_text (label, text != NULL && text[0] != '\0' ? text : NULL);
}

static void
subject_bind (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              gpointer                  user_data)
{
  CkStoredRequest *row = gtk_list_item_get_item (list_item);
  GtkWidget *label = gtk_widget_get_last_child (gtk_list_item_get_child (list_item));

  set_label (label, ck_stored_request_get_display_name (row));
  gtk_widget_set_tooltip_text (label, ck_stored_request_get_subject (row));
}

static void
key_bind (GtkSignalListItemFactory *factory,
          GtkListItem              *list_item,
          gpointer                  user_data)
{
  CkRequestList *self = user_data;
  CkStoredRequest *row = gtk_list_item_get_item (list_item);
  const char *name = key_name (self, row);

  set_label (gtk_list_item_get_child (list_item),
             name[0] != '\0' ? name : _("Not in the store"));
}

static void
profile_bind (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              gpointer                  user_data)
{
  CkStoredRequest *row = gtk_list_item_get_item (list_item);
  const char *profile = ck_request_profile_text (row);

  set_label (gtk_list_item_get_child (list_item), profile != NULL ? profile : "—");
}

static void
created_bind (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              gpointer                  user_data)
{
  CkStoredRequest *row = gtk_list_item_get_item (list_item);
  g_autofree char *date = ck_expiry_format_date (ck_stored_request_get_created_at (row));

  set_label (gtk_list_item_get_child (list_item), date);
}

static void
status_setup (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_box_append (GTK_BOX (box), gtk_image_new ());
  gtk_box_append (GTK_BOX (box), label);
  gtk_list_item_set_child (list_item, box);
}

static void
status_update (CkStoredRequest *row,
               GParamSpec      *pspec,
               GtkListItem     *list_item)
{
  CkRequestList *self = g_object_get_data (G_OBJECT (list_item), "ck-list");
  GtkWidget *icon = gtk_widget_get_first_child (gtk_list_item_get_child (list_item));
  GtkWidget *label = gtk_widget_get_next_sibling (icon);
  gboolean issued = ck_stored_request_get_status (row) == CK_REQUEST_STATUS_ISSUED;
  g_autofree char *text = ck_request_status_text (self->store, row);

  gtk_image_set_from_icon_name (GTK_IMAGE (icon),
                                issued ? "emblem-ok-symbolic" : "content-loading-symbolic");
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL,
                                  issued ? _("Issued") : _("Pending"), -1);
  set_label (label, text);
}

static void
status_bind (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             gpointer                  user_data)
{
  CkStoredRequest *row = gtk_list_item_get_item (list_item);

  g_object_set_data (G_OBJECT (list_item), "ck-list", user_data);
  status_update (row, NULL, list_item);
  g_signal_connect_object (row, "notify::status", G_CALLBACK (status_update), list_item, 0);
}

static void
status_unbind (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               gpointer                  user_data)
{
  CkStoredRequest *row = gtk_list_item_get_item (list_item);

  if (row != NULL)
    g_signal_handlers_disconnect_by_func (row, status_update, list_item);
}

/* Sorting: small lists (people make requests by the dozen), so a plain
 * GtkSortListModel over the column view's sorter. */

static int
compare_strings (const char *a,
                 const char *b)
{
  g_autofree char *x = g_utf8_casefold (a != NULL ? a : "", -1);
  g_autofree char *y = g_utf8_casefold (b != NULL ? b : "", -1);

  return g_utf8_collate (x, y);
}

static int
column_compare (gconstpointer a,
                gconstpointer b,
                gpointer      user_data)
{
  struct ColumnSort *sort = user_data;
  CkRequestList *self = sort->self;
  CkStoredRequest *x = CK_STORED_REQUEST ((gpointer) a);
  CkStoredRequest *y = CK_STORED_REQUEST ((gpointer) b);
  int cmp = 0;

  switch (sort->column)
    {
    case COLUMN_SUBJECT:
      cmp = compare_strings (ck_stored_request_get_display_name (x),
                             ck_stored_request_get_display_name (y));
      break;
    case COLUMN_KEY:
      cmp = compare_strings (key_name (self, x), key_name (self, y));
      break;
    case COLUMN_PROFILE:
      cmp = compare_strings (ck_request_profile_text (x), ck_request_profile_text (y));
      break;
    case COLUMN_CREATED:
      cmp = (ck_stored_request_get_created_at (x) > ck_stored_request_get_created_at (y))
            - (ck_stored_request_get_created_at (x) < ck_stored_request_get_created_at (y));
      break;
    case COLUMN_STATUS:
      {
        g_autofree char *sx = ck_request_status_text (self->store, x);
        g_autofree char *sy = ck_request_status_text (self->store, y);

        cmp = compare_strings (sx, sy);
      }
      break;
    case N_COLUMNS:
    default:
      g_assert_not_reached ();
    }

  /* Equal cells keep the store's order (oldest first). */
  if (cmp == 0)
    cmp = (ck_stored_request_get_id (x) > ck_stored_request_get_id (y))
          - (ck_stored_request_get_id (x) < ck_stored_request_get_id (y));
  return cmp < 0 ? GTK_ORDERING_SMALLER : cmp > 0 ? GTK_ORDERING_LARGER : GTK_ORDERING_EQUAL;
}

void
ck_request_list_sort_by (CkRequestList *self,
                         const char    *column,
                         GtkSortType    order)
{
  g_return_if_fail (CK_IS_REQUEST_LIST (self));

  for (guint i = 0; i < N_COLUMNS; i++)
    if (g_strcmp0 (column, column_names[i]) == 0)
      {
        gtk_column_view_sort_by_column (self->column_view, self->columns[i], order);
        return;
      }
  g_return_if_reached ();
}

/* Searching */

static gboolean
contains (const char *haystack,
          const char *needle)
{
  g_autofree char *folded = NULL;

  if (haystack == NULL || haystack[0] == '\0')
    return FALSE;
  folded = g_utf8_casefold (haystack, -1);
  return strstr (folded, needle) != NULL;
}

static gboolean
filter_func (gpointer item,
             gpointer user_data)
{
  CkRequestList *self = user_data;
  CkStoredRequest *row = item;
  g_autofree char *status = NULL;

  if (self->needle == NULL)
    return TRUE;
  if (self->needle_hex != NULL
      && (g_str_has_prefix (ck_stored_request_get_sha256 (row), self->needle_hex)
          || g_str_has_prefix (ck_stored_request_get_spki_sha256 (row), self->needle_hex)))
    return TRUE;

  status = ck_request_status_text (self->store, row);
  return contains (ck_stored_request_get_subject (row), self->needle)
         || contains (ck_stored_request_get_display_name (row), self->needle)
         || contains (key_name (self, row), self->needle)
         || contains (ck_request_profile_text (row), self->needle)
         || contains (status, self->needle);
}

static void
update_stack (CkRequestList *self)
{
  const char *page = "list";

  if (self->store == NULL || g_list_model_get_n_items (ck_store_get_requests (self->store)) == 0)
    page = "empty";
  else if (g_list_model_get_n_items (G_LIST_MODEL (self->filter_model)) == 0)
    page = "no-results";
  gtk_stack_set_visible_child_name (self->stack, page);
}

/* A fingerprint as people copy it ("AB:CD:…"), as lower-case hex. */
static char *
hex_needle (const char *needle)
{
  g_autoptr(GString) hex = g_string_new (NULL);

  for (const char *p = needle; *p != '\0'; p++)
    {
      if (g_ascii_isxdigit (*p))
        g_string_append_c (hex, g_ascii_tolower (*p));
      else if (*p != ':' && *p != ' ')
        return NULL;
    }
  return hex->len >= 4 ? g_string_free (g_steal_pointer (&hex), FALSE) : NULL;
}

void
ck_request_list_set_search (CkRequestList *self,
                            const char    *text)
{
  g_autofree char *stripped = NULL;

  g_return_if_fail (CK_IS_REQUEST_LIST (self));

  stripped = g_strstrip (g_strdup (text != NULL ? text : ""));
  g_clear_pointer (&self->needle, g_free);
  g_clear_pointer (&self->needle_hex, g_free);
  if (stripped[0] != '\0')
    {
      self->needle = g_utf8_casefold (stripped, -1);
      self->needle_hex = hex_needle (stripped);
    }
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  update_stack (self);
}

/* The store */

static gboolean
refilter (gpointer user_data)
{
  CkRequestList *self = user_data;

  self->refilter_id = 0;
  g_hash_table_remove_all (self->key_names);
  /* Key names and statuses are searched and sorted on: look again. The
   * selection stays: the filter only drops rows that stopped matching, and
   * GtkSingleSelection finds its row again after a re-sort. */
  gtk_filter_changed (GTK_FILTER (self->filter), GTK_FILTER_CHANGE_DIFFERENT);
  for (guint i = 0; i < N_COLUMNS; i++)
    gtk_sorter_changed (gtk_column_view_column_get_sorter (self->columns[i]),
                        GTK_SORTER_CHANGE_DIFFERENT);
  update_stack (self);
  return G_SOURCE_REMOVE;
}

/* A commit changes keys, certificates and request statuses together, and
 * statuses last: look once the main loop is idle again. */
static void
queue_refilter (CkRequestList *self)
{
  if (self->refilter_id == 0)
    self->refilter_id = g_idle_add (refilter, self);
}

void
ck_request_list_set_store (CkRequestList *self,
                           CkStore       *store)
{
  g_return_if_fail (CK_IS_REQUEST_LIST (self));

  if (self->store != NULL)
    {
      g_signal_handlers_disconnect_by_func (ck_store_get_keys (self->store),
                                            queue_refilter, self);
      g_signal_handlers_disconnect_by_func (ck_store_get_certificates (self->store),
                                            queue_refilter, self);
      g_signal_handlers_disconnect_by_func (ck_store_get_requests (self->store),
                                            update_stack, self);
    }
  g_set_object (&self->store, store);
  g_hash_table_remove_all (self->key_names);
  gtk_filter_list_model_set_model (self->filter_model,
                                   store != NULL ? ck_store_get_requests (store) : NULL);
  if (store != NULL)
    {
      g_signal_connect_swapped (ck_store_get_keys (store), "items-changed",
                                G_CALLBACK (queue_refilter), self);
      g_signal_connect_swapped (ck_store_get_certificates (store), "items-changed",
                                G_CALLBACK (queue_refilter), self);
      g_signal_connect_swapped (ck_store_get_requests (store), "items-changed",
                                G_CALLBACK (update_stack), self);
    }
  update_stack (self);
}

CkStoredRequest *
ck_request_list_get_selected (CkRequestList *self)
{
  g_return_val_if_fail (CK_IS_REQUEST_LIST (self), NULL);

  return gtk_single_selection_get_selected_item (self->selection);
}

gboolean
ck_request_list_select_first (CkRequestList *self)
{
  g_return_val_if_fail (CK_IS_REQUEST_LIST (self), FALSE);

  if (g_list_model_get_n_items (G_LIST_MODEL (self->selection)) == 0)
    return FALSE;
  gtk_single_selection_set_selected (self->selection, 0);
  return TRUE;
}

gboolean
ck_request_list_select_id (CkRequestList *self,
                           gint64         id)
{
  GListModel *model;

  g_return_val_if_fail (CK_IS_REQUEST_LIST (self), FALSE);

  model = G_LIST_MODEL (self->selection);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(CkStoredRequest) row = g_list_model_get_item (model, i);

      if (ck_stored_request_get_id (row) == id)
        {
          gtk_single_selection_set_selected (self->selection, i);
          return TRUE;
        }
    }
  return FALSE;
}

GListModel *
ck_request_list_get_model (CkRequestList *self)
{
  g_return_val_if_fail (CK_IS_REQUEST_LIST (self), NULL);

  return G_LIST_MODEL (self->selection);
}

static void
activate_cb (CkRequestList *self,
             guint          position)
{
  g_signal_emit (self, signals[ACTIVATE], 0);
}

static void
selection_changed_cb (CkRequestList *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED]);
}

/* The row menu */

static void
popup_row_menu (CkRequestList *self,
                GtkWidget     *cell,
                double         x,
                double         y)
{
  graphene_point_t point = GRAPHENE_POINT_INIT ((float) x, (float) y), at;

  if (cell == NULL || !gtk_widget_compute_point (cell, GTK_WIDGET (self), &point, &at))
    at = GRAPHENE_POINT_INIT (0, 0);
  gtk_popover_set_pointing_to (GTK_POPOVER (self->row_menu),
                               &(GdkRectangle) { (int) at.x, (int) at.y, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (self->row_menu));
}

static void
cell_pressed (GtkGestureClick *gesture,
              int              n_press,
              double           x,
              double           y,
              GtkListItem     *list_item)
{
  CkRequestList *self = g_object_get_data (G_OBJECT (list_item), "ck-row-menu-list");
  GtkWidget *cell = gtk_event_controller_get_widget (GTK_EVENT_CONTROLLER (gesture));

  if (self == NULL || gtk_list_item_get_position (list_item) == GTK_INVALID_LIST_POSITION)
    return;
  /* The menu is about the row clicked: select it first. */
  gtk_single_selection_set_selected (self->selection, gtk_list_item_get_position (list_item));
  popup_row_menu (self, cell, x, y);
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
}

static void
row_menu_setup (GtkSignalListItemFactory *factory,
                GtkListItem              *list_item,
                gpointer                  user_data)
{
  GtkGesture *click = gtk_gesture_click_new ();

  g_object_set_data (G_OBJECT (list_item), "ck-row-menu-list", user_data);
  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect (click, "pressed", G_CALLBACK (cell_pressed), list_item);
  gtk_widget_add_controller (gtk_list_item_get_child (list_item), GTK_EVENT_CONTROLLER (click));
}

static void
row_menu_action (GtkWidget  *widget,
                 const char *action_name,
                 GVariant   *parameter)
{
  CkRequestList *self = CK_REQUEST_LIST (widget);

  if (ck_request_list_get_selected (self) != NULL)
    popup_row_menu (self, NULL, 0, 0);
}

static void
set_factory (GtkColumnViewColumn *column,
             GCallback            setup,
             GCallback            bind,
             GCallback            unbind,
             gpointer             user_data)
{
  g_autoptr(GtkListItemFactory) factory = gtk_signal_list_item_factory_new ();

  g_signal_connect (factory, "setup", setup, user_data);
  g_signal_connect (factory, "bind", bind, user_data);
  /* After the cell's own setup: the menu goes on its child. */
  g_signal_connect (factory, "setup", G_CALLBACK (row_menu_setup), user_data);
  if (unbind != NULL)
    g_signal_connect (factory, "unbind", unbind, user_data);
  gtk_column_view_column_set_factory (column, factory);
}

static void
ck_request_list_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  CkRequestList *self = CK_REQUEST_LIST (object);

  switch (prop_id)
    {
    case PROP_SELECTED:
      g_value_set_object (value, ck_request_list_get_selected (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ck_request_list_dispose (GObject *object)
{
  CkRequestList *self = CK_REQUEST_LIST (object);
  GtkWidget *child;

  g_clear_handle_id (&self->refilter_id, g_source_remove);
  g_clear_pointer (&self->row_menu, gtk_widget_unparent);
  if (self->store != NULL)
    ck_request_list_set_store (self, NULL);
  gtk_widget_dispose_template (GTK_WIDGET (self), CK_TYPE_REQUEST_LIST);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->selection);
  g_clear_object (&self->sort_model);
  g_clear_object (&self->filter_model);
  g_clear_object (&self->filter);

  G_OBJECT_CLASS (ck_request_list_parent_class)->dispose (object);
}

static void
ck_request_list_finalize (GObject *object)
{
  CkRequestList *self = CK_REQUEST_LIST (object);

  g_free (self->needle);
  g_free (self->needle_hex);
  g_hash_table_unref (self->key_names);

  G_OBJECT_CLASS (ck_request_list_parent_class)->finalize (object);
}

static void
ck_request_list_class_init (CkRequestListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ck_request_list_dispose;
  object_class->finalize = ck_request_list_finalize;
  object_class->get_property = ck_request_list_get_property;

  properties[PROP_SELECTED] =
    g_param_spec_object ("selected", NULL, NULL, CK_TYPE_STORED_REQUEST,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[ACTIVATE] = g_signal_new ("activate", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/certkeeper/Certkeeper/ck-request-list.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, CkRequestList, stack);
  gtk_widget_class_bind_template_child (widget_class, CkRequestList, column_view);
  gtk_widget_class_bind_template_child_full (widget_class, "subject_column", FALSE,
                                             G_STRUCT_OFFSET (CkRequestList, columns[COLUMN_SUBJECT]));
  gtk_widget_class_bind_template_child_full (widget_class, "key_column", FALSE,
                                             G_STRUCT_OFFSET (CkRequestList, columns[COLUMN_KEY]));
  gtk_widget_class_bind_template_child_full (widget_class, "profile_column", FALSE,
                                             G_STRUCT_OFFSET (CkRequestList, columns[COLUMN_PROFILE]));
  gtk_widget_class_bind_template_child_full (widget_class, "created_column", FALSE,
                                             G_STRUCT_OFFSET (CkRequestList, columns[COLUMN_CREATED]));
  gtk_widget_class_bind_template_child_full (widget_class, "status_column", FALSE,
                                             G_STRUCT_OFFSET (CkRequestList, columns[COLUMN_STATUS]));
  gtk_widget_class_bind_template_callback (widget_class, activate_cb);
  gtk_widget_class_install_action (widget_class, "list.row-menu", NULL, row_menu_action);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_F10, GDK_SHIFT_MASK, "list.row-menu", NULL);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Menu, 0, "list.row-menu", NULL);
}

static void
ck_request_list_init (CkRequestList *self)
{
  static const struct {
    GCallback setup, bind, unbind;
  } cells[N_COLUMNS] = {
    [COLUMN_SUBJECT] = { G_CALLBACK (subject_setup), G_CALLBACK (subject_bind), NULL },
    [COLUMN_KEY] = { G_CALLBACK (label_setup), G_CALLBACK (key_bind), NULL },
    [COLUMN_PROFILE] = { G_CALLBACK (label_setup), G_CALLBACK (profile_bind), NULL },
    [COLUMN_CREATED] = { G_CALLBACK (label_setup), G_CALLBACK (created_bind), NULL },
    [COLUMN_STATUS] = { G_CALLBACK (status_setup), G_CALLBACK (status_bind),
                        G_CALLBACK (status_unbind) },
  };

  gtk_widget_init_template (GTK_WIDGET (self));

  {
    g_autoptr(GMenu) menu = g_menu_new ();

    g_menu_append (menu, _("_Sign Request…"), "win.sign-request");
    g_menu_append (menu, _("_Delete"), "win.delete");
    self->row_menu = gtk_popover_menu_new_from_model (G_MENU_MODEL (menu));
    gtk_popover_set_has_arrow (GTK_POPOVER (self->row_menu), FALSE);
    gtk_widget_set_halign (self->row_menu, GTK_ALIGN_START);
    gtk_widget_set_parent (self->row_menu, GTK_WIDGET (self));
  }

  self->key_names = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);

  for (guint i = 0; i < N_COLUMNS; i++)
    {
      g_autoptr(GtkCustomSorter) sorter = NULL;

      set_factory (self->columns[i], cells[i].setup, cells[i].bind, cells[i].unbind, self);
      self->column_sorts[i].self = self;
      self->column_sorts[i].column = i;
      sorter = gtk_custom_sorter_new (column_compare, &self->column_sorts[i], NULL);
      gtk_column_view_column_set_sorter (self->columns[i], GTK_SORTER (sorter));
    }

  self->filter = gtk_custom_filter_new (filter_func, self, NULL);
  self->filter_model = gtk_filter_list_model_new (NULL, g_object_ref (GTK_FILTER (self->filter)));
  self->sort_model = gtk_sort_list_model_new (g_object_ref (G_LIST_MODEL (self->filter_model)),
                                              g_object_ref (gtk_column_view_get_sorter (self->column_view)));
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->sort_model)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));
  g_signal_connect_swapped (self->selection, "notify::selected-item",
                            G_CALLBACK (selection_changed_cb), self);

  /* Newest first until the user picks a column. */
  gtk_column_view_sort_by_column (self->column_view, self->columns[COLUMN_CREATED],
                                  GTK_SORT_DESCENDING);
  update_stack (self);
}
