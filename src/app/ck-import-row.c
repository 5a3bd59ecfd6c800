/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gi18n.h>

#include "ck-import-row.h"

/* The last unlock error of an item, kept on the item itself because list
 * rows are recycled while scrolling. */
#define UNLOCK_ERROR_KEY "ck-unlock-error"

struct _CkImportRow
{
  GtkWidget     parent_instance;

  CkImportItem *item;

  GtkImage     *icon;
  GtkLabel     *title;
  GtkLabel     *source;
  GtkImage     *status_icon;
  GtkLabel     *status;
  GtkWidget    *remove_button;
  GtkWidget    *unlock_box;
  GtkEditable  *password_entry;
};

G_DEFINE_FINAL_TYPE (CkImportRow, ck_import_row, GTK_TYPE_WIDGET)

enum {
  REMOVE,
  UNLOCK,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

GtkWidget *
ck_import_row_new (void)
{
  return g_object_new (CK_TYPE_IMPORT_ROW, NULL);
}

CkImportItem *
ck_import_row_get_item (CkImportRow *self)
{
  g_return_val_if_fail (CK_IS_IMPORT_ROW (self), NULL);

  return self->item;
}

static const char *
kind_icon (CkImportItemKind kind)
{
  switch (kind)
    {
    case CK_IMPORT_ITEM_CERTIFICATE:
      return "application-certificate-symbolic";
    case CK_IMPORT_ITEM_PRIVATE_KEY:
      return "dialog-password-symbolic";
    case CK_IMPORT_ITEM_REQUEST:
      return "document-edit-symbolic";
    case CK_IMPORT_ITEM_CRL:
      return "action-unavailable-symbolic";
    case CK_IMPORT_ITEM_LOCKED:
      return "channel-secure-symbolic";
    case CK_IMPORT_ITEM_ERROR:
    default:
      return "dialog-error-symbolic";
    }
}

static const char *
kind_name (CkImportItemKind kind)
{
  switch (kind)
    {
    case CK_IMPORT_ITEM_CERTIFICATE:
      return _("Certificate");
    case CK_IMPORT_ITEM_PRIVATE_KEY:
      return _("Private key");
    case CK_IMPORT_ITEM_REQUEST:
      return _("Certificate request");
    case CK_IMPORT_ITEM_CRL:
      return _("Revocation list");
    case CK_IMPORT_ITEM_LOCKED:
      return _("Encrypted item");
    case CK_IMPORT_ITEM_ERROR:
    default:
      return _("Unreadable item");
    }
}

/* What the import will do with the item, in words. @icon_name gets an icon
 * for problems and skips, so that they are not told by colour alone. */
static char *
describe_item (CkImportItem  *item,
               const char   **icon_name,
               const char   **css_class)
{
  CkImportItemKind kind = ck_import_item_get_kind (item);
  CkImportItem *partner = ck_import_item_get_partner (item);
  const char *unlock_error = g_object_get_data (G_OBJECT (item), UNLOCK_ERROR_KEY);

  *icon_name = NULL;
  *css_class = NULL;

  if (kind == CK_IMPORT_ITEM_ERROR)
    {
      const GError *error = ck_import_item_get_error (item);

      *icon_name = "dialog-error-symbolic";
      *css_class = "error";
      return g_strdup_printf (_("Cannot be imported: %s"),
                              error != NULL ? error->message : _("unknown error"));
    }

  if (kind == CK_IMPORT_ITEM_LOCKED)
    {
      if (unlock_error != NULL)
        {
          *icon_name = "dialog-error-symbolic";
          *css_class = "error";
          return g_strdup (unlock_error);
        }
      *icon_name = "dialog-password-symbolic";
      return g_strdup (_("Encrypted: enter its password to see what it holds"));
    }

  if (ck_import_item_get_existing_id (item) != 0)
    {
      *icon_name = "emblem-ok-symbolic";
      *css_class = "dim-label";
      return g_strdup (_("Already in the store: skipped"));
    }

  if (ck_import_item_get_duplicate (item))
    {
      *icon_name = "emblem-ok-symbolic";
      *css_class = "dim-label";
      return g_strdup (_("Appears earlier in this import: skipped"));
    }

  switch (kind)
    {
    case CK_IMPORT_ITEM_CERTIFICATE:
      if (partner != NULL && ck_import_item_get_kind (partner) == CK_IMPORT_ITEM_PRIVATE_KEY)
        return g_strdup_printf (_("Matches the key “%s” in this import"),
                                ck_import_item_get_display_name (partner));
      if (ck_import_item_get_store_partner_id (item) != 0)
        {
          if (ck_import_item_get_store_partner_name (item) != NULL)
            return g_strdup_printf (_("Matches the key “%s” already in the store"),
                                    ck_import_item_get_store_partner_name (item));
          return g_strdup (_("Matches a private key already in the store"));
        }
      return g_strdup (_("Will be imported, not trusted"));

    case CK_IMPORT_ITEM_PRIVATE_KEY:
      if (partner != NULL)
        return g_strdup_printf (_("Key for “%s”"), ck_import_item_get_display_name (partner));
      if (ck_import_item_get_store_partner_id (item) != 0)
        {
          const char *name = ck_import_item_get_store_partner_name (item);
          guint n = ck_import_item_get_n_store_partners (item);

          if (name != NULL && n > 1)
            /* Translators: %s is a certificate's name, %u how many more there are */
            return g_strdup_printf (ngettext ("Key for “%s” and %u other certificate already in the store",
                                              "Key for “%s” and %u other certificates already in the store",
                                              n - 1),
                                    name, n - 1);
          if (name != NULL)
            return g_strdup_printf (_("Key for “%s”, already in the store"), name);
          return g_strdup (_("Key for a certificate already in the store"));
        }
      return g_strdup (_("No certificate for this key yet"));

    case CK_IMPORT_ITEM_REQUEST:
      if (partner != NULL)
        return g_strdup_printf (_("Request for the key “%s”"),
                                ck_import_item_get_display_name (partner));
      return g_strdup (_("Will be kept as a pending request"));

    case CK_IMPORT_ITEM_CRL:
      return g_strdup (_("Will be kept to check revocation, once its signature verifies"));

    case CK_IMPORT_ITEM_LOCKED:
    case CK_IMPORT_ITEM_ERROR:
    default:
      g_assert_not_reached ();
    }
}

static void
update (CkImportRow *self)
{
  CkImportItemKind kind = ck_import_item_get_kind (self->item);
  const char *status_icon = NULL;
  const char *css_class = NULL;
  const char *label = ck_import_item_get_label (self->item);
  g_autofree char *status = describe_item (self->item, &status_icon, &css_class);
  g_autofree char *title = NULL;

  gtk_image_set_from_icon_name (self->icon, kind_icon (kind));
  gtk_accessible_update_property (GTK_ACCESSIBLE (self->icon),
                                  GTK_ACCESSIBLE_PROPERTY_LABEL, kind_name (kind), -1);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->icon), kind_name (kind));

  if (label != NULL && g_strcmp0 (label, ck_import_item_get_display_name (self->item)) != 0)
    title = g_strdup_printf ("%s (%s)", ck_import_item_get_display_name (self->item), label);
  else
    title = g_strdup (ck_import_item_get_display_name (self->item));
  gtk_label_set_text (self->title, title);
  gtk_label_set_text (self->source, ck_import_item_get_source (self->item));

  gtk_label_set_text (self->status, status);
  gtk_widget_set_visible (GTK_WIDGET (self->status_icon), status_icon != NULL);
  if (status_icon != NULL)
    gtk_image_set_from_icon_name (self->status_icon, status_icon);
  gtk_widget_remove_css_class (GTK_WIDGET (self->status), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (self->status), "dim-label");
  if (css_class != NULL)
    gtk_widget_add_css_class (GTK_WIDGET (self->status), css_class);

  gtk_widget_set_visible (self->unlock_box, kind == CK_IMPORT_ITEM_LOCKED);
}

static void
item_notify_cb (CkImportRow *self)
{
  if (self->item != NULL)
    update (self);
}

void
ck_import_row_set_item (CkImportRow  *self,
                        CkImportItem *item)
{
  g_return_if_fail (CK_IS_IMPORT_ROW (self));

  if (self->item == item)
    {
      if (item != NULL)
        update (self);
      return;
    }

  gtk_editable_set_text (self->password_entry, "");
  if (self->item != NULL)
    g_signal_handlers_disconnect_by_func (self->item, item_notify_cb, self);
  g_set_object (&self->item, item);
  /* Unlocking another item (a PKCS#12 holding this key's certificate) or
   * dropping one changes what the plan says about this one: its partner,
   * whether it is a duplicate, already stored. */
  if (item != NULL)
    {
      g_signal_connect_object (item, "notify", G_CALLBACK (item_notify_cb), self,
                               G_CONNECT_SWAPPED);
      update (self);
    }
}

void
ck_import_row_set_unlock_error (CkImportRow *self,
                                const char  *message)
{
  g_return_if_fail (CK_IS_IMPORT_ROW (self));

  if (self->item == NULL)
    return;
  g_object_set_data_full (G_OBJECT (self->item), UNLOCK_ERROR_KEY, g_strdup (message), g_free);
  update (self);
  if (message != NULL)
    {
      gtk_widget_grab_focus (GTK_WIDGET (self->password_entry));
      gtk_editable_select_region (self->password_entry, 0, -1);
    }
}

static void
remove_clicked_cb (CkImportRow *self)
{
  g_signal_emit (self, signals[REMOVE], 0);
}

static void
unlock_cb (CkImportRow *self)
{
  const char *password = gtk_editable_get_text (self->password_entry);

  if (password[0] == '\0')
    return;
  g_signal_emit (self, signals[UNLOCK], 0, password);
}

static void
ck_import_row_dispose (GObject *object)
{
  CkImportRow *self = CK_IMPORT_ROW (object);

  GtkWidget *child;

  gtk_widget_dispose_template (GTK_WIDGET (self), CK_TYPE_IMPORT_ROW);
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  if (self->item != NULL)
    g_signal_handlers_disconnect_by_func (self->item, item_notify_cb, self);
  g_clear_object (&self->item);

  G_OBJECT_CLASS (ck_import_row_parent_class)->dispose (object);
}

static void
ck_import_row_class_init (CkImportRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = ck_import_row_dispose;

  signals[REMOVE] = g_signal_new ("remove", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  signals[UNLOCK] = g_signal_new ("unlock", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/certkeeper/Certkeeper/ck-import-row.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, CkImportRow, icon);
  gtk_widget_class_bind_template_child (widget_class, CkImportRow, title);
  gtk_widget_class_bind_template_child (widget_class, CkImportRow, source);
  gtk_widget_class_bind_template_child (widget_class, CkImportRow, status_icon);
  gtk_widget_class_bind_template_child (widget_class, CkImportRow, status);
  gtk_widget_class_bind_template_child (widget_class, CkImportRow, remove_button);
  gtk_widget_class_bind_template_child (widget_class, CkImportRow, unlock_box);
  gtk_widget_class_bind_template_child (widget_class, CkImportRow, password_entry);
  gtk_widget_class_bind_template_callback (widget_class, remove_clicked_cb);
  gtk_widget_class_bind_template_callback (widget_class, unlock_cb);
}

static void
ck_import_row_init (CkImportRow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}
