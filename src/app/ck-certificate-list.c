/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gi18n.h>

#include "ck-cell-tooltip.h"
#include "ck-certificate-list.h"
#include "ck-certificate-model.h"
#include "ck-expiry.h"
#include "ck-trust-column.h"
#include "ck-trust-status.h"

#define DEFAULT_WARNING_DAYS 30

struct _CkCertificateList
{
  GtkWidget            parent_instance;

  CkStore             *store;
  CkCertificateModel  *model;
  GtkSingleSelection  *selection;
  char                *needle;       /* prepared; NULL matches everything */
  GHashTable          *live;         /* rows bound to a widget: see CkCertificateModelLiveFunc */
  gboolean             activate_first; /* once the search has finished */
  guint                warning_days;

  GtkStack            *stack;
  GtkColumnView       *column_view;
  GtkColumnViewColumn *name_column;
  GtkColumnViewColumn *issuer_column;
  GtkColumnViewColumn *expires_column;
  GtkColumnViewColumn *trust_column;
  GtkColumnViewColumn *source_column;

  /* Trust: the column's verdicts, the purpose and the trust filter (see
   * ck-trust-column.c). */
  CkTrustColumn       *trust;
  GtkDropDown         *purpose_dropdown;
  GtkDropDown         *trust_filter_dropdown;
  GtkWidget           *trust_progress;
  GtkWidget           *row_menu;

  /* Which column a header click sorts by: see sorter_changed(). */
  struct ColumnSort {
    CkCertificateList    *self;
    CkCertificateSortKey  key;
  }                    column_sorts[5];
  gboolean             probing;
  CkCertificateSortKey probed;
};

G_DEFINE_FINAL_TYPE (CkCertificateList, ck_certificate_list, GTK_TYPE_WIDGET)

enum {
  PROP_0,
  PROP_SELECTED,
  PROP_WARNING_DAYS,
  N_PROPS
};

enum {
  ACTIVATE,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

/* Cells. Widgets are made once per visible row (setup) and only get new
 * text when a row scrolls into view (bind). */

static GtkWidget *
make_label (gboolean           expand,
            PangoEllipsizeMode ellipsize)
{
  GtkWidget *label = gtk_label_new (NULL);

  gtk_label_set_xalign (GTK_LABEL (label), 0);
  gtk_label_set_ellipsize (GTK_LABEL (label), ellipsize);
  gtk_widget_set_hexpand (label, expand);
  return label;
}

static void
name_setup (GtkSignalListItemFactory *factory,
            GtkListItem              *list_item,
            gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 8);
  GtkWidget *icon = gtk_image_new ();
  GtkWidget *badge = gtk_image_new_from_icon_name ("dialog-password-symbolic");

  gtk_widget_set_tooltip_text (badge, _("Private key in the store"));
  gtk_accessible_update_property (GTK_ACCESSIBLE (badge),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, _("Private key in the store"),
                                  -1);
  gtk_widget_add_css_class (badge, "key-badge");
  ck_cell_init_tooltip (icon);
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), make_label (TRUE, PANGO_ELLIPSIZE_END));
  gtk_box_append (GTK_BOX (box), badge);
  gtk_list_item_set_child (list_item, box);
}

/* The row widget around a cell (CSS node "row") gets the certificate's
 * name and expiry as its accessible name: GTK 4.8 names a column view row
 * after its type ("GtkListItemWidget") otherwise. */
static void
name_row (GtkWidget           *cell_child,
          CkStoredCertificate *row)
{
  GtkWidget *widget = cell_child;
  g_autofree char *expiry = NULL;
  g_autofree char *name = NULL;

  while (widget != NULL && g_strcmp0 (gtk_widget_get_css_name (widget), "row") != 0)
    widget = gtk_widget_get_parent (widget);
  if (widget == NULL)
    return;
  expiry = ck_expiry_format_cell (ck_stored_certificate_get_not_after (row),
                                  g_get_real_time () / G_USEC_PER_SEC);
  /* Translators: a certificate row as a screen reader says it:
   * "www.example.com, expires 4 Dec 2026" */
  name = g_strdup_printf (_("%s, expires %s"), ck_stored_certificate_get_display_name (row), expiry);
  gtk_accessible_update_property (GTK_ACCESSIBLE (widget), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
}

/* A GtkDropDown is read out through its button, which GTK 4.8 leaves
 * named "GtkToggleButton": it gets the drop-down's name. (The drop-down
 * itself is named by its mnemonic label.) */
static void
name_dropdown_button (GtkDropDown *dropdown,
                      const char  *name)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (dropdown)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (GTK_IS_TOGGLE_BUTTON (child))
      {
        gtk_accessible_update_property (GTK_ACCESSIBLE (child), GTK_ACCESSIBLE_PROPERTY_LABEL, name, -1);
        return;
      }
}

static void
has_key_changed (CkStoredCertificate *row,
                 GParamSpec          *pspec,
                 GtkWidget           *badge)
{
  gtk_widget_set_visible (badge, ck_stored_certificate_get_has_key (row));
}

static void
name_bind (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           gpointer                  user_data)
{
  CkStoredCertificate *row = gtk_list_item_get_item (list_item);
  GtkWidget *icon = gtk_widget_get_first_child (gtk_list_item_get_child (list_item));
  GtkWidget *label = gtk_widget_get_next_sibling (icon);
  GtkWidget *badge = gtk_widget_get_next_sibling (label);
  gboolean is_ca = ck_stored_certificate_get_is_ca (row);

  g_hash_table_add (CK_CERTIFICATE_LIST (user_data)->live, row);

  ck_cell_set_icon (icon, is_ca ? "security-high-symbolic" : "application-certificate-symbolic",
                 is_ca ? _("Certificate authority") : _("Certificate"));
  gtk_label_set_text (GTK_LABEL (label), ck_stored_certificate_get_display_name (row));
  name_row (gtk_list_item_get_child (list_item), row);
  has_key_changed (row, NULL, badge);
  g_signal_connect_object (row, "notify::has-key", G_CALLBACK (has_key_changed), badge, 0);
}

static void
name_unbind (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             gpointer                  user_data)
{
  CkStoredCertificate *row = gtk_list_item_get_item (list_item);
  GtkWidget *badge = gtk_widget_get_last_child (gtk_list_item_get_child (list_item));

  if (row != NULL)
    {
      g_hash_table_remove (CK_CERTIFICATE_LIST (user_data)->live, row);
      g_signal_handlers_disconnect_by_func (row, has_key_changed, badge);
    }
}

static void
label_setup (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             gpointer                  user_data)
{
  GtkWidget *label = make_label (TRUE, PANGO_ELLIPSIZE_END);

  /* The whole text when the column is too narrow for it. */
  ck_cell_init_tooltip (label);
  gtk_list_item_set_child (list_item, label);
}

static void
issuer_bind (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             gpointer                  user_data)
{
  CkStoredCertificate *row = gtk_list_item_get_item (list_item);
  GtkWidget *label = gtk_list_item_get_child (list_item);

  gtk_label_set_text (GTK_LABEL (label), ck_stored_certificate_get_issuer_name (row));
  ck_cell_set_tooltip (label, ck_stored_certificate_get_issuer_name (row));
}

static void
source_bind (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             gpointer                  user_data)
{
  CkStoredCertificate *row = gtk_list_item_get_item (list_item);
  GtkWidget *label = gtk_list_item_get_child (list_item);
  const char *source = ck_stored_certificate_get_source (row);

  gtk_label_set_text (GTK_LABEL (label), source != NULL ? source : "");
  ck_cell_set_tooltip (label, source);
}

/* Expires: the date, and under it "in 12 days" / "expired 23 months ago"
 * in a caption line of its own, so that the long forms are never cut off
 * in a narrow column; the state icon is there for more than colour. */
static void
expires_setup (GtkSignalListItemFactory *factory,
               GtkListItem              *list_item,
               gpointer                  user_data)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *lines = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  GtkWidget *icon = gtk_image_new ();
  GtkWidget *relative = make_label (TRUE, PANGO_ELLIPSIZE_NONE);

  ck_cell_init_tooltip (icon);
  gtk_label_set_wrap (GTK_LABEL (relative), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (relative), PANGO_WRAP_WORD_CHAR);
  gtk_widget_add_css_class (relative, "caption");
  gtk_box_append (GTK_BOX (lines), make_label (TRUE, PANGO_ELLIPSIZE_END));
  gtk_box_append (GTK_BOX (lines), relative);
  gtk_widget_set_valign (lines, GTK_ALIGN_CENTER);
  gtk_box_append (GTK_BOX (box), icon);
  gtk_box_append (GTK_BOX (box), lines);
  gtk_list_item_set_child (list_item, box);
}

static void
set_state_class (GtkWidget  *widget,
                 const char *css_class)
{
  /* Only on change: each change restyles the row. */
  if (css_class == NULL || !gtk_widget_has_css_class (widget, css_class))
    {
      gtk_widget_remove_css_class (widget, "error");
      gtk_widget_remove_css_class (widget, "warning");
      if (css_class != NULL)
        gtk_widget_add_css_class (widget, css_class);
    }
}

static void
expires_bind (GtkSignalListItemFactory *factory,
              GtkListItem              *list_item,
              gpointer                  user_data)
{
  CkCertificateList *self = user_data;
  CkStoredCertificate *row = gtk_list_item_get_item (list_item);
  GtkWidget *icon = gtk_widget_get_first_child (gtk_list_item_get_child (list_item));
  GtkWidget *date = gtk_widget_get_first_child (gtk_widget_get_next_sibling (icon));
  GtkWidget *relative = gtk_widget_get_next_sibling (date);
  gint64 now = g_get_real_time () / G_USEC_PER_SEC;
  gint64 not_after = ck_stored_certificate_get_not_after (row);
  CkExpiryState state = ck_expiry_get_state (ck_stored_certificate_get_not_before (row),
                                             not_after, now, self->warning_days);
  const char *icon_name = ck_expiry_state_icon (state);
  g_autofree char *date_text = ck_expiry_format_date (not_after);
  g_autofree char *relative_text = ck_expiry_format_relative (not_after, now);

  gtk_label_set_text (GTK_LABEL (date), date_text);
  gtk_label_set_text (GTK_LABEL (relative), relative_text);
  gtk_widget_set_visible (icon, icon_name != NULL);
  if (icon_name != NULL)
    ck_cell_set_icon (icon, icon_name, ck_expiry_state_label (state));
  set_state_class (relative, state == CK_EXPIRY_EXPIRED ? "error"
                             : state != CK_EXPIRY_VALID ? "warning" : NULL);
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
  if (unbind != NULL)
    g_signal_connect (factory, "unbind", unbind, user_data);
  gtk_column_view_column_set_factory (column, factory);
}

/* Sorting. The rows are sorted by CkCertificateModel, not by a
 * GtkSortListModel (1.2-1.5 s at 100,000 rows on GTK 4.8). The columns
 * still carry sorters, so that the headers sort and show the arrows; the
 * column view's sorter then says which column is first and in which
 * direction. GTK 4.8 has no public getter for that
 * (gtk_column_view_sorter_get_primary_sort_column() is 4.10), so
 * sorter_changed() asks the column view's sorter to compare two items
 * while each column's sorter notes that it was asked: the first column
 * asked decides, and the sign of the answer is the direction. */

static int
column_compare (gconstpointer a,
                gconstpointer b,
                gpointer      user_data)
{
  struct ColumnSort *sort = user_data;

  if (sort->self->probing)
    {
      sort->self->probed = sort->key;
      return GTK_ORDERING_SMALLER;
    }
  return ck_certificate_model_compare (sort->key, (gpointer) a, (gpointer) b);
}

/* A new order or a new search starts at its top: the rows that were on
 * screen mean nothing in it. */
static void
scroll_to_top (CkCertificateList *self)
{
  if (g_list_model_get_n_items (G_LIST_MODEL (self->model)) == 0)
    return;
  /* Through the column view's list (CSS node "listview"), which anchors
   * the view on the first row: a bare adjustment value would be undone
   * when the view follows its old anchor row to where it went. */
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->column_view));
       child != NULL; child = gtk_widget_get_next_sibling (child))
    if (g_strcmp0 (gtk_widget_get_css_name (child), "listview") == 0)
      {
        gtk_widget_activate_action (child, "list.scroll-to-item", "u", 0);
        return;
      }
}

static void
sorter_changed (CkCertificateList *self)
{
  GtkSorter *sorter = gtk_column_view_get_sorter (self->column_view);
  GtkOrdering order;

  self->probing = TRUE;
  self->probed = CK_CERTIFICATE_SORT_NONE;
  /* Two distinct objects: gtk_sorter_compare() does not ask the sorters
   * about an item and itself. */
  order = gtk_sorter_compare (sorter, self, self->model);
  self->probing = FALSE;
  ck_certificate_model_set_sort (self->model, self->probed, order == GTK_ORDERING_LARGER);
  scroll_to_top (self);
}

static void
set_sorters (CkCertificateList *self)
{
  GtkColumnViewColumn *columns[] = {
    self->name_column, self->issuer_column, self->expires_column,
    self->trust_column, self->source_column,
  };
  CkCertificateSortKey keys[] = {
    CK_CERTIFICATE_SORT_NAME, CK_CERTIFICATE_SORT_ISSUER, CK_CERTIFICATE_SORT_EXPIRES,
    CK_CERTIFICATE_SORT_TRUST, CK_CERTIFICATE_SORT_SOURCE,
  };

  G_STATIC_ASSERT (G_N_ELEMENTS (columns) == G_N_ELEMENTS (self->column_sorts));
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      g_autoptr(GtkCustomSorter) sorter = NULL;

      self->column_sorts[i].self = self;
      self->column_sorts[i].key = keys[i];
      sorter = gtk_custom_sorter_new (column_compare, &self->column_sorts[i], NULL);
      gtk_column_view_column_set_sorter (columns[i], GTK_SORTER (sorter));
    }
}

/* Searching */

static gboolean
row_is_live (CkStoredCertificate *row,
             gpointer             user_data)
{
  return g_hash_table_contains (CK_CERTIFICATE_LIST (user_data)->live, row);
}

gboolean ck_certificate_list_is_busy (CkCertificateList *self);

static gboolean
trust_matches (CkStoredCertificate *row,
               gpointer             user_data)
{
  return ck_trust_column_matches (CK_CERTIFICATE_LIST (user_data)->trust, row);
}

static int
trust_rank (CkStoredCertificate *row,
            gpointer             user_data)
{
  return ck_trust_column_rank (CK_CERTIFICATE_LIST (user_data)->trust, row);
}

static void
update_stack (CkCertificateList *self)
{
  /* Under a trust filter, rows whose verdict is still coming are not
   * "no results" yet. */
  gboolean empty = g_list_model_get_n_items (G_LIST_MODEL (self->model)) == 0
                   && (ck_trust_column_get_filter_mode (self->trust) == CK_TRUST_FILTER_ALL
                       || !ck_trust_column_is_busy (self->trust));

  /* Not while rows are still being revealed: no flash of "empty". */
  gboolean settled = !ck_certificate_model_is_busy (self->model);
  gboolean narrowed = self->needle != NULL
                      || ck_trust_column_get_filter_mode (self->trust) != CK_TRUST_FILTER_ALL;

  /* Empty: no certificates at all (the store may have keys or requests),
   * or none left by the search or the trust filter. */
  gtk_stack_set_visible_child_name (self->stack,
                                    !empty || !settled ? "list" : narrowed ? "no-results" : "empty");

  if (self->activate_first && !ck_certificate_list_is_busy (self))
    {
      self->activate_first = FALSE;
      if (ck_certificate_list_select_first (self))
        g_signal_emit (self, signals[ACTIVATE], 0);
    }
}

void
ck_certificate_list_set_search (CkCertificateList *self,
                                const char        *text)
{
  g_autofree char *needle = NULL;

  g_return_if_fail (CK_IS_CERTIFICATE_LIST (self));

  if (text != NULL && text[0] != '\0')
    needle = ck_stored_certificate_prepare_needle (text);
  if (needle != NULL && needle[0] == '\0')
    g_clear_pointer (&needle, g_free);

  if (g_strcmp0 (needle, self->needle) == 0)
    return;

  g_free (self->needle);
  self->needle = g_steal_pointer (&needle);
  ck_certificate_model_set_needle (self->model, self->needle);
  scroll_to_top (self);
  update_stack (self);
}

void
ck_certificate_list_set_store (CkCertificateList *self,
                               CkStore           *store)
{
  g_return_if_fail (CK_IS_CERTIFICATE_LIST (self));

  if (!g_set_object (&self->store, store))
    return;
  ck_certificate_model_set_source (self->model,
                                   store != NULL ? ck_store_get_certificates (store) : NULL);
  /* A store without certificates changes no items: say so now. */
  update_stack (self);
}

void
ck_certificate_list_set_warning_days (CkCertificateList *self,
                                      guint              days)
{
  g_return_if_fail (CK_IS_CERTIFICATE_LIST (self));

  if (self->warning_days == days)
    return;
  /* Set from GSettings before the first rows are bound. */
  self->warning_days = days;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WARNING_DAYS]);
}

CkStoredCertificate *
ck_certificate_list_get_selected (CkCertificateList *self)
{
  g_return_val_if_fail (CK_IS_CERTIFICATE_LIST (self), NULL);

  return gtk_single_selection_get_selected_item (self->selection);
}

gboolean
ck_certificate_list_select_first (CkCertificateList *self)
{
  g_return_val_if_fail (CK_IS_CERTIFICATE_LIST (self), FALSE);

  if (g_list_model_get_n_items (G_LIST_MODEL (self->selection)) == 0)
    return FALSE;

  gtk_single_selection_set_selected (self->selection, 0);
  gtk_widget_activate_action (GTK_WIDGET (self->column_view), "list.scroll-to-item", "u", 0);
  return TRUE;
}

gboolean
ck_certificate_list_select_row (CkCertificateList   *self,
                                CkStoredCertificate *row)
{
  GListModel *model;

  g_return_val_if_fail (CK_IS_CERTIFICATE_LIST (self), FALSE);
  g_return_val_if_fail (CK_IS_STORED_CERTIFICATE (row), FALSE);

  model = G_LIST_MODEL (self->selection);
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(CkStoredCertificate) item = g_list_model_get_item (model, i);

      if (item == row)
        {
          gtk_single_selection_set_selected (self->selection, i);
          gtk_widget_activate_action (GTK_WIDGET (self->column_view), "list.scroll-to-item", "u", i);
          return TRUE;
        }
    }
  return FALSE;
}

void
ck_certificate_list_activate_first (CkCertificateList *self)
{
  g_return_if_fail (CK_IS_CERTIFICATE_LIST (self));

  self->activate_first = TRUE;
  update_stack (self);
}

gboolean
ck_certificate_list_is_busy (CkCertificateList *self)
{
  g_return_val_if_fail (CK_IS_CERTIFICATE_LIST (self), FALSE);

  return ck_certificate_model_is_busy (self->model)
         || ck_trust_column_is_busy (self->trust);
}

GListModel *
ck_certificate_list_get_model (CkCertificateList *self)
{
  g_return_val_if_fail (CK_IS_CERTIFICATE_LIST (self), NULL);

  return G_LIST_MODEL (self->selection);
}

void
ck_certificate_list_sort_by (CkCertificateList *self,
                             const char        *column,
                             GtkSortType        order)
{
  GtkColumnViewColumn *target = NULL;

  g_return_if_fail (CK_IS_CERTIFICATE_LIST (self));

  if (g_strcmp0 (column, "name") == 0)
    target = self->name_column;
  else if (g_strcmp0 (column, "issuer") == 0)
    target = self->issuer_column;
  else if (g_strcmp0 (column, "expires") == 0)
    target = self->expires_column;
  else if (g_strcmp0 (column, "trust") == 0)
    target = self->trust_column;
  else if (g_strcmp0 (column, "source") == 0)
    target = self->source_column;
  g_return_if_fail (target != NULL);

  gtk_column_view_sort_by_column (self->column_view, target, order);
}

/* The row's menu (right click, or a long press): it selects the row,
 * then offers what the window can do with the selection. */

static GtkWidget *
list_row_of (CkCertificateList *self,
             GtkWidget         *picked)
{
  for (GtkWidget *w = picked; w != NULL && w != GTK_WIDGET (self); w = gtk_widget_get_parent (w))
    {
      GtkWidget *parent = gtk_widget_get_parent (w);

      if (parent != NULL && g_strcmp0 (G_OBJECT_TYPE_NAME (parent), "GtkColumnListView") == 0)
        return w;
    }
  return NULL;
}

static gboolean
select_row_at (CkCertificateList *self,
               double             x,
               double             y)
{
  GtkWidget *picked = gtk_widget_pick (GTK_WIDGET (self->column_view), x, y, GTK_PICK_DEFAULT);
  GtkWidget *row = list_row_of (self, picked);
  GListModel *model = G_LIST_MODEL (self->selection);
  GtkListItem *list_item;

  if (row == NULL)
    return FALSE;
  /* The trust cell knows its list item (see ck-trust-column.c). */
  list_item = ck_trust_column_find_list_item (self->trust, row);
  if (list_item == NULL || gtk_list_item_get_position (list_item) >= g_list_model_get_n_items (model))
    return FALSE;
  gtk_single_selection_set_selected (self->selection, gtk_list_item_get_position (list_item));
  return TRUE;
}

static void
row_menu_pressed (GtkGestureClick   *gesture,
                  int                n_press,
                  double             x,
                  double             y,
                  CkCertificateList *self)
{
  if (!select_row_at (self, x, y))
    return;
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
  gtk_popover_set_pointing_to (GTK_POPOVER (self->row_menu),
                               &(GdkRectangle) { (int) x, (int) y, 1, 1 });
  gtk_popover_popup (GTK_POPOVER (self->row_menu));
}

static void
init_row_menu (CkCertificateList *self)
{
  g_autoptr(GMenu) menu = g_menu_new ();
  g_autoptr(GMenu) section = g_menu_new ();
  GtkGesture *click = gtk_gesture_click_new ();

  g_menu_append (menu, _("_Trust Settings…"), "win.trust-settings");
  g_menu_append (menu, _("_Copy SHA-256 Fingerprint"), "win.copy-fingerprint");
  g_menu_append (section, _("_Delete"), "win.delete");
  g_menu_append_section (menu, NULL, G_MENU_MODEL (section));
  self->row_menu = gtk_popover_menu_new_from_model (G_MENU_MODEL (menu));
  gtk_popover_set_has_arrow (GTK_POPOVER (self->row_menu), FALSE);
  gtk_widget_set_halign (self->row_menu, GTK_ALIGN_START);
  gtk_widget_set_parent (self->row_menu, GTK_WIDGET (self->column_view));

  gtk_gesture_single_set_button (GTK_GESTURE_SINGLE (click), GDK_BUTTON_SECONDARY);
  g_signal_connect (click, "pressed", G_CALLBACK (row_menu_pressed), self);
  gtk_widget_add_controller (GTK_WIDGET (self->column_view), GTK_EVENT_CONTROLLER (click));
}

/* Trust: the column, the purpose chooser and the filter. */

/* The drop-down's order, by CkTrustFilterMode. */
static const CkTrustFilterMode filter_modes[] = {
  CK_TRUST_FILTER_ALL, CK_TRUST_FILTER_TRUSTED, CK_TRUST_FILTER_NOT_TRUSTED,
  CK_TRUST_FILTER_DISTRUSTED, CK_TRUST_FILTER_REVOKED,
};

static void
trust_filter_changed_cb (CkCertificateList *self)
{
  /* The model filters over the rows its search found; "All" has no
   * filter to call. */
  if (ck_trust_column_get_filter_mode (self->trust) == CK_TRUST_FILTER_ALL)
    ck_certificate_model_set_filter_func (self->model, NULL, NULL);
  else
    {
      ck_certificate_model_set_filter_func (self->model, trust_matches, self);
      ck_certificate_model_rows_changed (self->model);
    }
  scroll_to_top (self);
  update_stack (self);
}

/* A batch of verdicts: the filter and the order by trust grow with it. */
static void
trust_verdicts_changed_cb (CkCertificateList *self)
{
  ck_certificate_model_rows_changed (self->model);
  update_stack (self);
}

static void
trust_progress_cb (CkCertificateList *self)
{
  g_autofree char *text = NULL;
  guint done, total;

  ck_trust_column_get_counts (self->trust, &done, &total);
  /* Translators: while trust verdicts are computed: "Checking trust…
   * 12,345 of 100,000" */
  text = g_strdup_printf (_("Checking trust… %'u of %'u"), done, total);
  gtk_label_set_text (GTK_LABEL (self->trust_progress), text);
}

static void
trust_busy_cb (CkCertificateList *self)
{
  /* Cells say "Checking…"; this says how far the whole store is. */
  gtk_widget_set_visible (self->trust_progress, ck_trust_column_is_busy (self->trust));
  trust_progress_cb (self);
  update_stack (self);
}

static void
purpose_selected_cb (CkCertificateList *self)
{
  guint n_purposes;
  const char * const *purposes = ck_trust_status_purposes (&n_purposes);
  guint selected = gtk_drop_down_get_selected (self->purpose_dropdown);

  if (self->trust != NULL && selected < n_purposes)
    ck_trust_column_set_purpose (self->trust, purposes[selected]);
}

static void
trust_filter_selected_cb (CkCertificateList *self)
{
  guint selected = gtk_drop_down_get_selected (self->trust_filter_dropdown);

  if (self->trust != NULL && selected < G_N_ELEMENTS (filter_modes))
    ck_trust_column_set_filter_mode (self->trust, filter_modes[selected]);
}

static void
purpose_changed_cb (CkCertificateList *self)
{
  guint n_purposes;
  const char * const *purposes = ck_trust_status_purposes (&n_purposes);

  for (guint i = 0; i < n_purposes; i++)
    if (g_strcmp0 (purposes[i], ck_trust_column_get_purpose (self->trust)) == 0)
      gtk_drop_down_set_selected (self->purpose_dropdown, i);
}

static void
init_trust (CkCertificateList *self)
{
  g_autoptr(GtkStringList) purposes = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) filters = gtk_string_list_new (NULL);
  guint n_purposes;
  const char * const *oids = ck_trust_status_purposes (&n_purposes);

  self->trust = ck_trust_column_new ();
  gtk_column_view_column_set_factory (self->trust_column, ck_trust_column_get_factory (self->trust));
  g_signal_connect_swapped (self->trust, "filter-changed", G_CALLBACK (trust_filter_changed_cb), self);
  g_signal_connect_swapped (self->trust, "verdicts-changed", G_CALLBACK (trust_verdicts_changed_cb),
                            self);
  g_signal_connect_swapped (self->trust, "notify::busy", G_CALLBACK (trust_busy_cb), self);
  g_signal_connect_swapped (self->trust, "notify::progress", G_CALLBACK (trust_progress_cb), self);
  g_signal_connect_swapped (self->trust, "notify::purpose", G_CALLBACK (purpose_changed_cb), self);

  for (guint i = 0; i < n_purposes; i++)
    gtk_string_list_append (purposes, ck_trust_status_purpose_name (oids[i]));
  gtk_drop_down_set_model (self->purpose_dropdown, G_LIST_MODEL (purposes));
  /* In filter_modes' order. */
  gtk_string_list_append (filters, _("All"));
  gtk_string_list_append (filters, _("Trusted"));
  gtk_string_list_append (filters, _("Not trusted"));
  gtk_string_list_append (filters, _("Distrusted"));
  gtk_string_list_append (filters, _("Revoked"));
  gtk_drop_down_set_model (self->trust_filter_dropdown, G_LIST_MODEL (filters));
  init_row_menu (self);
}

void
ck_certificate_list_set_verifier (CkCertificateList *self,
                                  CkTrust           *trust,
                                  CkVerifier        *verifier)
{
  g_return_if_fail (CK_IS_CERTIFICATE_LIST (self));

  ck_trust_column_set_verifier (self->trust, trust, verifier);
}

CkTrustColumn *
ck_certificate_list_get_trust_column (CkCertificateList *self)
{
  g_return_val_if_fail (CK_IS_CERTIFICATE_LIST (self), NULL);

  return self->trust;
}

void
ck_certificate_list_set_trust_filter (CkCertificateList *self,
                                      CkTrustFilterMode  mode)
{
  g_return_if_fail (CK_IS_CERTIFICATE_LIST (self));

  for (guint i = 0; i < G_N_ELEMENTS (filter_modes); i++)
    if (filter_modes[i] == mode)
      gtk_drop_down_set_selected (self->trust_filter_dropdown, i);
}

static void
activate_cb (CkCertificateList *self,
             guint              position)
{
  g_signal_emit (self, signals[ACTIVATE], 0);
}

static void
selection_changed_cb (CkCertificateList *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SELECTED]);
}

static void
ck_certificate_list_get_property (GObject    *object,
                                  guint       prop_id,
                                  GValue     *value,
                                  GParamSpec *pspec)
{
  CkCertificateList *self = CK_CERTIFICATE_LIST (object);

  switch (prop_id)
    {
    case PROP_SELECTED:
      g_value_set_object (value, ck_certificate_list_get_selected (self));
      break;
    case PROP_WARNING_DAYS:
      g_value_set_uint (value, self->warning_days);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ck_certificate_list_set_property (GObject      *object,
                                  guint         prop_id,
                                  const GValue *value,
                                  GParamSpec   *pspec)
{
  CkCertificateList *self = CK_CERTIFICATE_LIST (object);

  switch (prop_id)
    {
    case PROP_WARNING_DAYS:
      ck_certificate_list_set_warning_days (self, g_value_get_uint (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ck_certificate_list_dispose (GObject *object)
{
  CkCertificateList *self = CK_CERTIFICATE_LIST (object);
  GtkWidget *child;

  /* The models outlive the stack while the column view lets go of them. */
  if (self->model != NULL)
    g_signal_handlers_disconnect_by_data (self->model, self);
  if (self->column_view != NULL)
    g_signal_handlers_disconnect_by_data (gtk_column_view_get_sorter (self->column_view), self);
  if (self->selection != NULL)
    g_signal_handlers_disconnect_by_data (self->selection, self);

  g_clear_pointer (&self->row_menu, gtk_widget_unparent);
  gtk_widget_dispose_template (GTK_WIDGET (self), CK_TYPE_CERTIFICATE_LIST);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->selection);
  if (self->model != NULL)
    ck_certificate_model_set_live_func (self->model, NULL, NULL);
  g_clear_object (&self->model);
  if (self->trust != NULL)
    g_signal_handlers_disconnect_by_data (self->trust, self);
  g_clear_object (&self->trust);
  g_clear_object (&self->store);

  G_OBJECT_CLASS (ck_certificate_list_parent_class)->dispose (object);
}

static void
ck_certificate_list_finalize (GObject *object)
{
  CkCertificateList *self = CK_CERTIFICATE_LIST (object);

  g_free (self->needle);
  g_clear_pointer (&self->live, g_hash_table_unref);

  G_OBJECT_CLASS (ck_certificate_list_parent_class)->finalize (object);
}

static void
ck_certificate_list_class_init (CkCertificateListClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ck_certificate_list_dispose;
  object_class->finalize = ck_certificate_list_finalize;
  object_class->get_property = ck_certificate_list_get_property;
  object_class->set_property = ck_certificate_list_set_property;

  properties[PROP_SELECTED] =
    g_param_spec_object ("selected", NULL, NULL, CK_TYPE_STORED_CERTIFICATE,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_WARNING_DAYS] =
    g_param_spec_uint ("warning-days", NULL, NULL, 0, 3650, DEFAULT_WARNING_DAYS,
                       G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* Enter or a double click on a row. */
  signals[ACTIVATE] = g_signal_new ("activate", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/certkeeper/Certkeeper/ck-certificate-list.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, CkCertificateList, stack);
  gtk_widget_class_bind_template_child (widget_class, CkCertificateList, column_view);
  gtk_widget_class_bind_template_child (widget_class, CkCertificateList, name_column);
  gtk_widget_class_bind_template_child (widget_class, CkCertificateList, issuer_column);
  gtk_widget_class_bind_template_child (widget_class, CkCertificateList, expires_column);
  gtk_widget_class_bind_template_child (widget_class, CkCertificateList, trust_column);
  gtk_widget_class_bind_template_child (widget_class, CkCertificateList, source_column);
  gtk_widget_class_bind_template_child (widget_class, CkCertificateList, purpose_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CkCertificateList, trust_filter_dropdown);
  gtk_widget_class_bind_template_child (widget_class, CkCertificateList, trust_progress);
  gtk_widget_class_bind_template_callback (widget_class, purpose_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, trust_filter_selected_cb);
  gtk_widget_class_bind_template_callback (widget_class, activate_cb);
}

static void
ck_certificate_list_init (CkCertificateList *self)
{
  self->warning_days = DEFAULT_WARNING_DAYS;

  gtk_widget_init_template (GTK_WIDGET (self));
  name_dropdown_button (self->purpose_dropdown, _("Trust for"));
  name_dropdown_button (self->trust_filter_dropdown, _("Show"));

  set_factory (self->name_column, G_CALLBACK (name_setup), G_CALLBACK (name_bind),
               G_CALLBACK (name_unbind), self);
  set_factory (self->issuer_column, G_CALLBACK (label_setup), G_CALLBACK (issuer_bind), NULL, self);
  set_factory (self->expires_column, G_CALLBACK (expires_setup), G_CALLBACK (expires_bind),
               NULL, self);
  init_trust (self);
  set_factory (self->source_column, G_CALLBACK (label_setup), G_CALLBACK (source_bind), NULL, self);
  /* The natural width of the list: the window shows the details next to
   * it only when this fits (see the leaflet in ck-window.ui). */
  gtk_column_view_column_set_fixed_width (self->name_column, 190);
  gtk_column_view_column_set_fixed_width (self->issuer_column, 150);
  /* Room for "Issuer unknown" with its icon; Expires gives it up. */
  gtk_column_view_column_set_fixed_width (self->expires_column, 215);
  gtk_column_view_column_set_fixed_width (self->trust_column, 135);
  gtk_column_view_column_set_fixed_width (self->source_column, 100);
  set_sorters (self);

  /* store → CkCertificateModel (sorts, searches and filters by trust) →
   * selection. Measured with tests/gui/bench-gui.c at 100,000 rows on
   * GTK 4.8 (bench/README.md): GtkSortListModel took 1.1-1.3 s per header
   * click; the search as a GtkFilterListModel cost 0.3-0.5 s a keystroke,
   * nearly all of it in the views asking it for rows (each lookup walks
   * its bitset) and in cell tooltips, not in matching (25-35 ms). The
   * trust filter is the model's too: it runs again on every batch of
   * verdicts, over the rows the search found, without searching again. */
  self->model = ck_certificate_model_new ();
  /* Not owning: the model owns the rows, and unbind removes them. */
  self->live = g_hash_table_new (NULL, NULL);
  ck_certificate_model_set_live_func (self->model, row_is_live, self);
  ck_certificate_model_set_rank_func (self->model, trust_rank, self);
  self->selection = gtk_single_selection_new (g_object_ref (G_LIST_MODEL (self->model)));
  gtk_single_selection_set_autoselect (self->selection, FALSE);
  gtk_single_selection_set_can_unselect (self->selection, TRUE);
  gtk_column_view_set_model (self->column_view, GTK_SELECTION_MODEL (self->selection));

  g_signal_connect_swapped (self->selection, "notify::selected-item",
                            G_CALLBACK (selection_changed_cb), self);
  g_signal_connect_swapped (self->model, "items-changed",
                            G_CALLBACK (update_stack), self);
  g_signal_connect_swapped (self->model, "notify::busy",
                            G_CALLBACK (update_stack), self);
  g_signal_connect_swapped (gtk_column_view_get_sorter (self->column_view), "changed",
                            G_CALLBACK (sorter_changed), self);

  gtk_column_view_sort_by_column (self->column_view, self->name_column, GTK_SORT_ASCENDING);
}
