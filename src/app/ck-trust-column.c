/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gi18n.h>

#include "ck-trust-column.h"
#include "ck-trust-status.h"

struct _CkTrustColumn
{
  GObject             parent_instance;

  CkTrust            *trust;
  CkVerifier         *verifier;
  CkVerdictCache     *cache;
  char               *purpose;
  gboolean            use_system_anchors;
  GtkListItemFactory *factory;

  GHashTable         *bound;      /* GtkListItem set: the visible cells */
  GHashTable         *pending;    /* GtkListItem set: cells still "Checking…" */

  /* The Trusted/Not trusted/Distrusted filter. */
  CkTrustFilterMode   mode;
};

G_DEFINE_FINAL_TYPE (CkTrustColumn, ck_trust_column, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PURPOSE,
  PROP_BUSY,
  PROP_PROGRESS,
  N_PROPS
};

enum {
  FILTER_CHANGED,
  VERDICTS_CHANGED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

gboolean
ck_trust_column_is_busy (CkTrustColumn *self)
{
  g_return_val_if_fail (CK_IS_TRUST_COLUMN (self), FALSE);

  return self->cache != NULL && ck_verdict_cache_is_busy (self->cache);
}

CkVerification *
ck_trust_column_verify (CkTrustColumn       *self,
                        CkStoredCertificate *row)
{
  g_return_val_if_fail (CK_IS_TRUST_COLUMN (self), NULL);

  if (self->cache == NULL)
    return NULL;
  return ck_verdict_cache_lookup (self->cache, ck_stored_certificate_get_id (row));
}

/* Shows the verdict, or "Checking…" and asks for it first. */
static void
render (CkTrustColumn *self,
        GtkListItem   *list_item)
{
  CkStoredCertificate *row = gtk_list_item_get_item (list_item);
  GtkWidget *box = gtk_list_item_get_child (list_item);
  CkVerification *verification;

  if (row == NULL || box == NULL)
    return;
  if (self->cache == NULL)
    {
      /* No store: nothing to say. */
      g_hash_table_remove (self->pending, list_item);
      ck_trust_status_box_clear (box);
      return;
    }
  verification = ck_verdict_cache_lookup (self->cache, ck_stored_certificate_get_id (row));
  if (verification == NULL)
    {
      if (g_hash_table_add (self->pending, list_item))
        ck_trust_status_box_set_pending (box);
      ck_verdict_cache_prefer (self->cache, ck_stored_certificate_get_id (row));
      return;
    }
  g_hash_table_remove (self->pending, list_item);
  ck_trust_status_box_set_deferred (box, verification, self->trust);
}

/* The cells of @set, copied: rendering changes the sets. */
static GPtrArray *
cells_of (GHashTable *set)
{
  GPtrArray *cells = g_ptr_array_sized_new (g_hash_table_size (set));
  GHashTableIter iter;
  gpointer cell;

  g_hash_table_iter_init (&iter, set);
  while (g_hash_table_iter_next (&iter, &cell, NULL))
    g_ptr_array_add (cells, cell);
  return cells;
}

/* A batch arrived: the cells waiting for one of them, and the list's
 * filter and sort. */
static void
verdicts_added_cb (CkTrustColumn *self)
{
  g_autoptr(GPtrArray) waiting = cells_of (self->pending);

  for (guint i = 0; i < waiting->len; i++)
    render (self, waiting->pdata[i]);
  g_signal_emit (self, signals[VERDICTS_CHANGED], 0);
}

/* A new generation or purpose: every cell again. */
static void
invalidated_cb (CkTrustColumn *self)
{
  g_autoptr(GPtrArray) shown = cells_of (self->bound);

  for (guint i = 0; i < shown->len; i++)
    render (self, shown->pdata[i]);
  g_signal_emit (self, signals[VERDICTS_CHANGED], 0);
}

static void
busy_cb (CkTrustColumn *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

static void
progress_cb (CkTrustColumn *self)
{
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
}

static void
cell_setup (GtkSignalListItemFactory *factory,
            GtkListItem              *list_item,
            CkTrustColumn            *self)
{
  GtkWidget *box = ck_trust_status_box_new ();

  /* For ck_trust_column_find_list_item(): the list's row menu. */
  g_object_set_data (G_OBJECT (box), "ck-list-item", list_item);
  gtk_list_item_set_child (list_item, box);
}

static GtkListItem *
find_in (GtkWidget *widget)
{
  GtkListItem *list_item = g_object_get_data (G_OBJECT (widget), "ck-list-item");

  for (GtkWidget *child = gtk_widget_get_first_child (widget);
       list_item == NULL && child != NULL; child = gtk_widget_get_next_sibling (child))
    list_item = find_in (child);
  return list_item;
}

GtkListItem *
ck_trust_column_find_list_item (CkTrustColumn *self,
                                GtkWidget     *row)
{
  g_return_val_if_fail (CK_IS_TRUST_COLUMN (self), NULL);

  return find_in (row);
}

static void
cell_bind (GtkSignalListItemFactory *factory,
           GtkListItem              *list_item,
           CkTrustColumn            *self)
{
  g_hash_table_add (self->bound, list_item);
  render (self, list_item);
}

static void
cell_unbind (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             CkTrustColumn            *self)
{
  g_hash_table_remove (self->bound, list_item);
  g_hash_table_remove (self->pending, list_item);
}

GtkListItemFactory *
ck_trust_column_get_factory (CkTrustColumn *self)
{
  g_return_val_if_fail (CK_IS_TRUST_COLUMN (self), NULL);

  return self->factory;
}

void
ck_trust_column_refresh (CkTrustColumn *self)
{
  g_return_if_fail (CK_IS_TRUST_COLUMN (self));

  if (self->cache != NULL)
    ck_verdict_cache_invalidate (self->cache);
}

/* The filter and the sort */

double
ck_trust_column_get_progress (CkTrustColumn *self)
{
  guint done, total;

  g_return_val_if_fail (CK_IS_TRUST_COLUMN (self), 1);

  if (self->cache == NULL)
    return 1;
  ck_verdict_cache_get_progress (self->cache, &done, &total);
  return total > 0 ? (double) done / total : 1;
}

void
ck_trust_column_get_counts (CkTrustColumn *self,
                            guint         *done,
                            guint         *total)
{
  g_return_if_fail (CK_IS_TRUST_COLUMN (self));

  *done = *total = 0;
  if (self->cache != NULL)
    ck_verdict_cache_get_progress (self->cache, done, total);
}

gboolean
ck_trust_column_matches (CkTrustColumn       *self,
                         CkStoredCertificate *row)
{
  CkVerification *verification;
  CkVerifyStatus status;

  if (self->mode == CK_TRUST_FILTER_ALL)
    return TRUE;
  /* Not known yet: not shown until it is (the list grows as verdicts
   * arrive). */
  verification = ck_trust_column_verify (self, row);
  if (verification == NULL)
    return FALSE;
  status = ck_verification_get_status (verification);
  switch (self->mode)
    {
    case CK_TRUST_FILTER_TRUSTED:
      return status == CK_VERIFY_TRUSTED;
    case CK_TRUST_FILTER_NOT_TRUSTED:
      return status != CK_VERIFY_TRUSTED;
    case CK_TRUST_FILTER_DISTRUSTED:
      return status == CK_VERIFY_DISTRUSTED;
    case CK_TRUST_FILTER_REVOKED:
      return status == CK_VERIFY_REVOKED;
    case CK_TRUST_FILTER_ALL:
    default:
      return TRUE;
    }
}

int
ck_trust_column_rank (CkTrustColumn       *self,
                      CkStoredCertificate *row)
{
  return ck_trust_status_rank (ck_trust_column_verify (self, row));
}

void
ck_trust_column_set_filter_mode (CkTrustColumn     *self,
                                 CkTrustFilterMode  mode)
{
  g_return_if_fail (CK_IS_TRUST_COLUMN (self));

  if (self->mode == mode)
    return;
  self->mode = mode;
  g_signal_emit (self, signals[FILTER_CHANGED], 0);
}

CkTrustFilterMode
ck_trust_column_get_filter_mode (CkTrustColumn *self)
{
  g_return_val_if_fail (CK_IS_TRUST_COLUMN (self), CK_TRUST_FILTER_ALL);

  return self->mode;
}

/* Settings */

void
ck_trust_column_set_verifier (CkTrustColumn *self,
                              CkTrust       *trust,
                              CkVerifier    *verifier)
{
  gboolean was_busy;

  g_return_if_fail (CK_IS_TRUST_COLUMN (self));

  if (self->trust == trust && self->verifier == verifier)
    return;
  was_busy = ck_trust_column_is_busy (self);
  if (self->cache != NULL)
    g_signal_handlers_disconnect_by_data (self->cache, self);
  g_clear_object (&self->cache);
  g_set_object (&self->trust, trust);
  g_set_object (&self->verifier, verifier);
  if (self->trust != NULL)
    {
      self->cache = ck_verdict_cache_new (self->trust);
      ck_verdict_cache_set_purpose (self->cache, self->purpose);
      ck_verdict_cache_set_use_system_anchors (self->cache, self->use_system_anchors);
      g_signal_connect_swapped (self->cache, "verdicts-added", G_CALLBACK (verdicts_added_cb), self);
      g_signal_connect_swapped (self->cache, "invalidated", G_CALLBACK (invalidated_cb), self);
      g_signal_connect_swapped (self->cache, "notify::busy", G_CALLBACK (busy_cb), self);
      g_signal_connect_swapped (self->cache, "notify::progress", G_CALLBACK (progress_cb), self);
    }
  invalidated_cb (self);
  if (was_busy != ck_trust_column_is_busy (self))
    busy_cb (self);
  progress_cb (self);
}

CkTrust *
ck_trust_column_get_trust (CkTrustColumn *self)
{
  g_return_val_if_fail (CK_IS_TRUST_COLUMN (self), NULL);

  return self->trust;
}

CkVerifier *
ck_trust_column_get_verifier (CkTrustColumn *self)
{
  g_return_val_if_fail (CK_IS_TRUST_COLUMN (self), NULL);

  return self->verifier;
}

void
ck_trust_column_set_purpose (CkTrustColumn *self,
                             const char    *purpose)
{
  g_return_if_fail (CK_IS_TRUST_COLUMN (self));
  g_return_if_fail (purpose != NULL);

  if (g_strcmp0 (self->purpose, purpose) == 0)
    return;
  g_free (self->purpose);
  self->purpose = g_strdup (purpose);
  if (self->cache != NULL)
    ck_verdict_cache_set_purpose (self->cache, purpose);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PURPOSE]);
}

const char *
ck_trust_column_get_purpose (CkTrustColumn *self)
{
  g_return_val_if_fail (CK_IS_TRUST_COLUMN (self), NULL);

  return self->purpose;
}

void
ck_trust_column_set_use_system_anchors (CkTrustColumn *self,
                                        gboolean       use)
{
  g_return_if_fail (CK_IS_TRUST_COLUMN (self));

  self->use_system_anchors = use;
  if (self->verifier != NULL)
    ck_verifier_set_use_system_anchors (self->verifier, use);
  if (self->cache != NULL)
    ck_verdict_cache_set_use_system_anchors (self->cache, use);
}

static void
ck_trust_column_get_property (GObject    *object,
                              guint       prop_id,
                              GValue     *value,
                              GParamSpec *pspec)
{
  CkTrustColumn *self = CK_TRUST_COLUMN (object);

  switch (prop_id)
    {
    case PROP_PURPOSE:
      g_value_set_string (value, self->purpose);
      break;
    case PROP_BUSY:
      g_value_set_boolean (value, ck_trust_column_is_busy (self));
      break;
    case PROP_PROGRESS:
      g_value_set_double (value, ck_trust_column_get_progress (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ck_trust_column_set_property (GObject      *object,
                              guint         prop_id,
                              const GValue *value,
                              GParamSpec   *pspec)
{
  CkTrustColumn *self = CK_TRUST_COLUMN (object);

  switch (prop_id)
    {
    case PROP_PURPOSE:
      ck_trust_column_set_purpose (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ck_trust_column_dispose (GObject *object)
{
  CkTrustColumn *self = CK_TRUST_COLUMN (object);

  if (self->cache != NULL)
    g_signal_handlers_disconnect_by_data (self->cache, self);
  if (self->factory != NULL)
    g_signal_handlers_disconnect_by_data (self->factory, self);
  g_clear_object (&self->cache);
  g_clear_object (&self->factory);
  g_clear_object (&self->verifier);
  g_clear_object (&self->trust);

  G_OBJECT_CLASS (ck_trust_column_parent_class)->dispose (object);
}

static void
ck_trust_column_finalize (GObject *object)
{
  CkTrustColumn *self = CK_TRUST_COLUMN (object);

  g_hash_table_unref (self->bound);
  g_hash_table_unref (self->pending);
  g_free (self->purpose);

  G_OBJECT_CLASS (ck_trust_column_parent_class)->finalize (object);
}

static void
ck_trust_column_class_init (CkTrustColumnClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ck_trust_column_dispose;
  object_class->finalize = ck_trust_column_finalize;
  object_class->get_property = ck_trust_column_get_property;
  object_class->set_property = ck_trust_column_set_property;

  properties[PROP_PURPOSE] =
    g_param_spec_string ("purpose", NULL, NULL, CK_PURPOSE_TLS_SERVER,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* How many of the store's verdicts are known, 0 to 1. */
  properties[PROP_PROGRESS] =
    g_param_spec_double ("progress", NULL, NULL, 0, 1, 1,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The filter mode changed. */
  signals[FILTER_CHANGED] = g_signal_new ("filter-changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 0);
  /* Verdicts arrived or were dropped: what ck_trust_column_matches() and
   * ck_trust_column_rank() say may have changed. */
  signals[VERDICTS_CHANGED] = g_signal_new ("verdicts-changed", G_TYPE_FROM_CLASS (klass),
                                            G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                            G_TYPE_NONE, 0);
}

static void
ck_trust_column_init (CkTrustColumn *self)
{
  self->purpose = g_strdup (CK_PURPOSE_TLS_SERVER);
  self->bound = g_hash_table_new (NULL, NULL);
  self->pending = g_hash_table_new (NULL, NULL);

  self->factory = gtk_signal_list_item_factory_new ();
  g_signal_connect (self->factory, "setup", G_CALLBACK (cell_setup), self);
  g_signal_connect (self->factory, "bind", G_CALLBACK (cell_bind), self);
  g_signal_connect (self->factory, "unbind", G_CALLBACK (cell_unbind), self);
  g_signal_connect (self->factory, "teardown", G_CALLBACK (cell_unbind), self);
}

CkTrustColumn *
ck_trust_column_new (void)
{
  return g_object_new (CK_TYPE_TRUST_COLUMN, NULL);
}
