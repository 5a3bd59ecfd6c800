/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ck-import-plan.h"

#include <glib/gi18n-lib.h>

struct _CkImportPlan
{
  GObject parent_instance;

  GPtrArray *items;   /* element-type CkImportItem, owned */
  /* Items replaced or removed, kept until the plan goes: callers hold the
   * pointers of ck_import_plan_get_item() across an unlock or a removal
   * (to name the item in a message), so an item must not die while the
   * plan lives. */
  GPtrArray *retired;
  GPtrArray *notes;   /* NULL-terminated strings */
};

static void ck_import_plan_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CkImportPlan, ck_import_plan, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      ck_import_plan_list_model_init))

enum {
  PROP_0,
  PROP_N_ITEMS,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static GType
ck_import_plan_get_item_type (GListModel *model)
{
  return CK_TYPE_IMPORT_ITEM;
}

static guint
ck_import_plan_get_n_items_iface (GListModel *model)
{
  return CK_IMPORT_PLAN (model)->items->len;
}

static gpointer
ck_import_plan_get_item_iface (GListModel *model,
                               guint       position)
{
  CkImportPlan *self = CK_IMPORT_PLAN (model);

  if (position >= self->items->len)
    return NULL;
  return g_object_ref (g_ptr_array_index (self->items, position));
}

static void
ck_import_plan_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = ck_import_plan_get_item_type;
  iface->get_n_items = ck_import_plan_get_n_items_iface;
  iface->get_item = ck_import_plan_get_item_iface;
}

static void
ck_import_plan_finalize (GObject *object)
{
  CkImportPlan *self = CK_IMPORT_PLAN (object);

  g_ptr_array_unref (self->items);
  g_ptr_array_unref (self->retired);
  g_ptr_array_unref (self->notes);

  G_OBJECT_CLASS (ck_import_plan_parent_class)->finalize (object);
}

static void
ck_import_plan_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  CkImportPlan *self = CK_IMPORT_PLAN (object);

  switch (prop_id)
    {
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->items->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ck_import_plan_class_init (CkImportPlanClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ck_import_plan_finalize;
  object_class->get_property = ck_import_plan_get_property;

  properties[PROP_N_ITEMS] =
    g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ck_import_plan_init (CkImportPlan *self)
{
  self->items = g_ptr_array_new_with_free_func (g_object_unref);
  self->retired = g_ptr_array_new_with_free_func (g_object_unref);
  self->notes = g_ptr_array_new_null_terminated (0, g_free, TRUE);
}

CkImportPlan *
ck_import_plan_new (void)
{
  return g_object_new (CK_TYPE_IMPORT_PLAN, NULL);
}

guint
ck_import_plan_get_n_items (CkImportPlan *self)
{
  g_return_val_if_fail (CK_IS_IMPORT_PLAN (self), 0);
  return self->items->len;
}

CkImportItem *
ck_import_plan_get_item (CkImportPlan *self,
                         guint         position)
{
  g_return_val_if_fail (CK_IS_IMPORT_PLAN (self), NULL);

  /* transfer none, unlike g_list_model_get_item() */
  if (position >= self->items->len)
    return NULL;
  return g_ptr_array_index (self->items, position);
}

gboolean
ck_import_plan_contains (CkImportPlan *self,
                         CkImportItem *item)
{
  g_return_val_if_fail (CK_IS_IMPORT_PLAN (self), FALSE);
  g_return_val_if_fail (CK_IS_IMPORT_ITEM (item), FALSE);

  return g_ptr_array_find (self->items, item, NULL);
}

void
ck_import_plan_append (CkImportPlan *self,
                       CkImportItem *item)
{
  g_return_if_fail (CK_IS_IMPORT_PLAN (self));
  g_return_if_fail (CK_IS_IMPORT_ITEM (item));

  g_ptr_array_add (self->items, g_object_ref (item));
  g_list_model_items_changed (G_LIST_MODEL (self), self->items->len - 1, 0, 1);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

void
ck_import_plan_append_many (CkImportPlan *self,
                            GPtrArray    *items)
{
  guint position;

  g_return_if_fail (CK_IS_IMPORT_PLAN (self));
  g_return_if_fail (items != NULL);

  if (items->len == 0)
    return;
  position = self->items->len;
  for (guint i = 0; i < items->len; i++)
    {
      CkImportItem *item = g_ptr_array_index (items, i);

      g_return_if_fail (CK_IS_IMPORT_ITEM (item));
      g_ptr_array_add (self->items, g_object_ref (item));
    }
  g_list_model_items_changed (G_LIST_MODEL (self), position, 0, items->len);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

void
ck_import_plan_replace (CkImportPlan *self,
                        CkImportItem *item,
                        GPtrArray    *replacements)
{
  guint position;
  guint n_new;

  g_return_if_fail (CK_IS_IMPORT_PLAN (self));
  g_return_if_fail (CK_IS_IMPORT_ITEM (item));

  if (!g_ptr_array_find (self->items, item, &position))
    {
      g_critical ("%s: item %s is not in this plan", G_STRFUNC,
                  ck_import_item_get_source (item));
      return;
    }

  n_new = replacements != NULL ? replacements->len : 0;

  /* @item leaves the list but not the plan: it moves to the retired items
   * with the list's reference (see the header on ownership). */
  g_ptr_array_add (self->retired, g_ptr_array_steal_index (self->items, position));
  for (guint i = 0; i < n_new; i++)
    {
      CkImportItem *replacement = g_ptr_array_index (replacements, i);

      g_ptr_array_insert (self->items, position + i, g_object_ref (replacement));
    }
  g_list_model_items_changed (G_LIST_MODEL (self), position, 1, n_new);
  if (n_new != 1)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
}

guint
ck_import_plan_count (CkImportPlan    *self,
                      CkImportItemKind kind)
{
  guint n = 0;

  g_return_val_if_fail (CK_IS_IMPORT_PLAN (self), 0);

  for (guint i = 0; i < self->items->len; i++)
    if (ck_import_item_get_kind (g_ptr_array_index (self->items, i)) == kind)
      n++;
  return n;
}

guint
ck_import_plan_count_new (CkImportPlan *self)
{
  guint n = 0;

  g_return_val_if_fail (CK_IS_IMPORT_PLAN (self), 0);

  for (guint i = 0; i < self->items->len; i++)
    if (ck_import_item_is_new (g_ptr_array_index (self->items, i)))
      n++;
  return n;
}

CkImportItem *
ck_import_plan_get_key_needing_passphrase (CkImportPlan *self)
{
  g_return_val_if_fail (CK_IS_IMPORT_PLAN (self), NULL);

  for (guint i = 0; i < self->items->len; i++)
    {
      CkImportItem *item = g_ptr_array_index (self->items, i);

      /* A key on a token is protected by its PIN instead. */
      if (ck_import_item_get_kind (item) == CK_IMPORT_ITEM_PRIVATE_KEY &&
          ck_import_item_is_new (item) &&
          !ck_private_key_is_on_token (ck_import_item_get_private_key (item)))
        return item;
    }
  return NULL;
}

gboolean
ck_import_plan_has_errors (CkImportPlan *self)
{
  g_return_val_if_fail (CK_IS_IMPORT_PLAN (self), FALSE);
  return ck_import_plan_count (self, CK_IMPORT_ITEM_ERROR) > 0;
}

gboolean
ck_import_plan_has_locked (CkImportPlan *self)
{
  g_return_val_if_fail (CK_IS_IMPORT_PLAN (self), FALSE);
  return ck_import_plan_count (self, CK_IMPORT_ITEM_LOCKED) > 0;
}

char *
ck_import_plan_describe_problems (CkImportPlan *self)
{
  GString *out;

  g_return_val_if_fail (CK_IS_IMPORT_PLAN (self), NULL);

  out = g_string_new (NULL);
  for (guint i = 0; i < self->items->len; i++)
    {
      CkImportItem *item = g_ptr_array_index (self->items, i);
      const char *source = ck_import_item_get_source (item);

      switch (ck_import_item_get_kind (item))
        {
        case CK_IMPORT_ITEM_ERROR:
          {
            const GError *error = ck_import_item_get_error (item);

            /* The importer's messages already start with the source;
             * errors made elsewhere may not. */
            if (g_str_has_prefix (error->message, source))
              g_string_append_printf (out, "%s\n", error->message);
            else
              g_string_append_printf (out, "%s: %s\n", source, error->message);
          }
          break;
        case CK_IMPORT_ITEM_LOCKED:
          /* Translators: where the item is, then what it is */
          g_string_append_printf (out, _("%s: %s, password needed\n"), source,
                                  ck_import_item_get_display_name (item));
          break;
        case CK_IMPORT_ITEM_CERTIFICATE:
        case CK_IMPORT_ITEM_PRIVATE_KEY:
        case CK_IMPORT_ITEM_REQUEST:
        case CK_IMPORT_ITEM_CRL:
        default:
          break;
        }
    }

  if (out->len == 0)
    {
      g_string_free (out, TRUE);
      return NULL;
    }
  g_string_truncate (out, out->len - 1);
  return g_string_free (out, FALSE);
}

void
ck_import_plan_add_note (CkImportPlan *self,
                         const char   *note)
{
  g_return_if_fail (CK_IS_IMPORT_PLAN (self));
  g_return_if_fail (note != NULL);

  g_ptr_array_add (self->notes, g_strdup (note));
}

const char * const *
ck_import_plan_get_notes (CkImportPlan *self)
{
  g_return_val_if_fail (CK_IS_IMPORT_PLAN (self), NULL);
  return (const char * const *) self->notes->pdata;
}
