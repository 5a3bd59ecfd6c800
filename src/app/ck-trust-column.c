/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gi18n.h>

#include "ck-trust-column.h"
#include "ck-trust-status.h"

/* Per idle slice: short enough that scrolling stays at 60 fps. */
#define SLICE_USEC 6000

struct _CkTrustColumn
{
  GObject             parent_instance;

  CkTrust            *trust;
  CkVerifier         *verifier;
  GListModel         *rows;
  char               *purpose;
  gboolean            use_system_anchors;
  GtkListItemFactory *factory;

  GHashTable         *verdicts;   /* id → CkVerification, for this purpose */
  GHashTable         *bound;      /* GtkListItem set: the visible cells */
  GHashTable         *pending;    /* GtkListItem set: cells still "Checking…" */
  guint               cells_idle;

  /* The Trusted/Distrusted filter. */
  CkTrustFilterMode   mode;
  GHashTable         *matches;    /* ids */
  GPtrArray          *candidates; /* CkStoredCertificate still to verify */
  guint               next_candidate;
  guint               scan_idle;
  gboolean            scanning;
  gint64              shown_at;   /* when progress was last notified */
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
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

static void start_scan (CkTrustColumn *self);

gboolean
ck_trust_column_is_busy (CkTrustColumn *self)
{
  g_return_val_if_fail (CK_IS_TRUST_COLUMN (self), FALSE);

  return g_hash_table_size (self->pending) > 0 || self->scanning;
}

static void
notify_busy (CkTrustColumn *self,
             gboolean       was_busy)
{
  if (was_busy != ck_trust_column_is_busy (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

CkVerification *
ck_trust_column_verify (CkTrustColumn       *self,
                        CkStoredCertificate *row)
{
  gint64 id = ck_stored_certificate_get_id (row);
  CkVerification *verification;
  g_autoptr(GError) error = NULL;

  g_return_val_if_fail (CK_IS_TRUST_COLUMN (self), NULL);

  if (self->verifier == NULL)
    return NULL;
  verification = g_hash_table_lookup (self->verdicts, &id);
  if (verification != NULL)
    return verification;

  verification = ck_verifier_verify_id (self->verifier, id, self->purpose, &error);
  if (verification == NULL)
    {
      g_debug ("trust column: %s", error->message);
      return NULL;
    }
  g_hash_table_insert (self->verdicts, g_memdup2 (&id, sizeof id), verification);
  return verification;
}

static void
render (CkTrustColumn *self,
        GtkListItem   *list_item)
{
  CkStoredCertificate *row = gtk_list_item_get_item (list_item);
  GtkWidget *box = gtk_list_item_get_child (list_item);
  CkVerification *verification;
  g_autofree char *reason = NULL;

  if (row == NULL || box == NULL)
    return;
  verification = ck_trust_column_verify (self, row);
  if (verification == NULL)
    {
      /* No store, or a certificate that cannot be read: nothing to say. */
      ck_trust_status_box_clear (box);
      return;
    }
  reason = ck_trust_status_describe (verification, self->trust);
  ck_trust_status_box_set (box, verification, reason);
}

static gboolean
cells_idle_cb (gpointer user_data)
{
  CkTrustColumn *self = user_data;
  gint64 deadline = g_get_monotonic_time () + SLICE_USEC;
  gboolean was_busy = ck_trust_column_is_busy (self);
  GHashTableIter iter;
  gpointer list_item;

  g_hash_table_iter_init (&iter, self->pending);
  while (g_hash_table_iter_next (&iter, &list_item, NULL))
    {
      render (self, list_item);
      g_hash_table_iter_remove (&iter);
      if (g_get_monotonic_time () > deadline)
        break;
    }

  notify_busy (self, was_busy);
  if (g_hash_table_size (self->pending) > 0)
    return G_SOURCE_CONTINUE;
  self->cells_idle = 0;
  return G_SOURCE_REMOVE;
}

static void
queue_cell (CkTrustColumn *self,
            GtkListItem   *list_item)
{
  gboolean was_busy = ck_trust_column_is_busy (self);

  g_hash_table_add (self->pending, list_item);
  if (self->cells_idle == 0)
    /* After layout and drawing: a fling through 100,000 rows binds many
     * rows that are gone again before the idle runs. */
    self->cells_idle = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, cells_idle_cb, self, NULL);
  notify_busy (self, was_busy);
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
  CkStoredCertificate *row = gtk_list_item_get_item (list_item);
  gint64 id = ck_stored_certificate_get_id (row);

  g_hash_table_add (self->bound, list_item);
  if (self->verifier == NULL || g_hash_table_contains (self->verdicts, &id))
    {
      render (self, list_item);
      return;
    }
  ck_trust_status_box_set_pending (gtk_list_item_get_child (list_item));
  queue_cell (self, list_item);
}

static void
cell_unbind (GtkSignalListItemFactory *factory,
             GtkListItem              *list_item,
             CkTrustColumn            *self)
{
  gboolean was_busy = ck_trust_column_is_busy (self);

  g_hash_table_remove (self->bound, list_item);
  g_hash_table_remove (self->pending, list_item);
  notify_busy (self, was_busy);
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
  GHashTableIter iter;
  gpointer list_item;

  g_return_if_fail (CK_IS_TRUST_COLUMN (self));

  g_hash_table_remove_all (self->verdicts);
  g_hash_table_iter_init (&iter, self->bound);
  while (g_hash_table_iter_next (&iter, &list_item, NULL))
    queue_cell (self, list_item);
  if (self->mode != CK_TRUST_FILTER_ALL)
    start_scan (self);
}

/* The filter */

double
ck_trust_column_get_progress (CkTrustColumn *self)
{
  g_return_val_if_fail (CK_IS_TRUST_COLUMN (self), 1);

  if (!self->scanning || self->candidates == NULL || self->candidates->len == 0)
    return 1;
  return (double) self->next_candidate / self->candidates->len;
}

gboolean
ck_trust_column_matches (CkTrustColumn       *self,
                         CkStoredCertificate *row)
{
  gint64 id;

  if (self->mode == CK_TRUST_FILTER_ALL)
    return TRUE;
  id = ck_stored_certificate_get_id (row);
  return g_hash_table_contains (self->matches, &id);
}

static void
stop_scan (CkTrustColumn *self)
{
  g_clear_handle_id (&self->scan_idle, g_source_remove);
  g_clear_pointer (&self->candidates, g_ptr_array_unref);
  self->next_candidate = 0;
  self->scanning = FALSE;
}

static gboolean
scan_idle_cb (gpointer user_data)
{
  CkTrustColumn *self = user_data;
  gint64 deadline = g_get_monotonic_time () + SLICE_USEC;
  CkVerifyStatus wanted = self->mode == CK_TRUST_FILTER_TRUSTED ? CK_VERIFY_TRUSTED
                                                                 : CK_VERIFY_DISTRUSTED;
  gboolean was_busy = ck_trust_column_is_busy (self);

  /* The visible cells first. */
  if (self->cells_idle != 0)
    return G_SOURCE_CONTINUE;

  while (self->next_candidate < self->candidates->len
         && g_get_monotonic_time () < deadline)
    {
      CkStoredCertificate *row = self->candidates->pdata[self->next_candidate++];
      CkVerification *verification = ck_trust_column_verify (self, row);

      if (verification != NULL && ck_verification_get_status (verification) == wanted)
        {
          gint64 id = ck_stored_certificate_get_id (row);

          g_hash_table_add (self->matches, g_memdup2 (&id, sizeof id));
        }
    }
  if (self->next_candidate < self->candidates->len)
    {
      /* Progress, a few times a second. Matches are not shown before the
       * end: refiltering 100,000 rows each time would cost more than the
       * scan (and move the rows under the pointer). */
      if (g_get_monotonic_time () - self->shown_at > G_USEC_PER_SEC / 4)
        {
          self->shown_at = g_get_monotonic_time ();
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
        }
      return G_SOURCE_CONTINUE;
    }

  self->scan_idle = 0;
  stop_scan (self);
  g_debug ("trust filter: %u matches", g_hash_table_size (self->matches));
  g_signal_emit (self, signals[FILTER_CHANGED], 0);
  notify_busy (self, was_busy);
  return G_SOURCE_REMOVE;
}

static void
add_unique (GHashTable *seen,
            GPtrArray  *list,
            gpointer    row)
{
  if (g_hash_table_add (seen, row))
    g_ptr_array_add (list, row);
}

/* The certificates whose verdict can be @mode: those the decisions are
 * on (or share a distrusted key), and everything their subjects issued,
 * down the tree. NULL means all (system anchors can make anything
 * trusted). */
static GPtrArray *
find_candidates (CkTrustColumn *self,
                 guint         *n_seeds)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) decisions = ck_trust_list (self->trust, NULL, &error);
  g_autoptr(GHashTable) seeds = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) seed_keys = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) by_issuer = NULL;
  g_autoptr(GHashTable) seen = NULL;
  GPtrArray *found;
  guint n = g_list_model_get_n_items (self->rows);

  if (self->mode == CK_TRUST_FILTER_TRUSTED && self->use_system_anchors)
    return NULL;
  /* Unreadable decisions: every row is verified, and says it cannot be. */
  if (decisions == NULL)
    {
      g_debug ("trust column: %s", error->message);
      return NULL;
    }

  for (guint i = 0; i < decisions->len; i++)
    {
      CkTrustSetting *setting = decisions->pdata[i];

      if (self->mode == CK_TRUST_FILTER_TRUSTED
          ? setting->level == CK_TRUST_TRUSTED && g_str_equal (setting->purpose, self->purpose)
          : setting->level == CK_TRUST_DISTRUSTED
            && (g_str_equal (setting->purpose, self->purpose)
                || g_str_equal (setting->purpose, CK_PURPOSE_ALL)))
        {
          g_hash_table_add (seeds, setting->sha256);
          if (setting->level == CK_TRUST_DISTRUSTED)
            g_hash_table_add (seed_keys, setting->spki_sha256);
        }
    }

  found = g_ptr_array_new_with_free_func (g_object_unref);
  if (g_hash_table_size (seeds) == 0)
    return found;

  by_issuer = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                     (GDestroyNotify) g_ptr_array_unref);
  seen = g_hash_table_new (NULL, NULL);
  for (guint i = 0; i < n; i++)
    {
      CkStoredCertificate *row = g_list_model_get_item (self->rows, i);
      const char *issuer = ck_stored_certificate_get_issuer (row);
      GPtrArray *children;

      /* The store's model keeps its rows: borrowed from here on. */
      g_object_unref (row);
      if (g_hash_table_contains (seeds, ck_stored_certificate_get_sha256 (row))
          || g_hash_table_contains (seed_keys, ck_stored_certificate_get_spki_sha256 (row)))
        add_unique (seen, found, g_object_ref (row));
      if (issuer == NULL)
        continue;
      children = g_hash_table_lookup (by_issuer, issuer);
      if (children == NULL)
        {
          children = g_ptr_array_new ();
          g_hash_table_insert (by_issuer, (char *) issuer, children);
        }
      g_ptr_array_add (children, row);
    }

  *n_seeds = found->len;
  /* Down the tree; found grows while it is walked. */
  for (guint i = 0; i < found->len; i++)
    {
      CkStoredCertificate *row = found->pdata[i];
      GPtrArray *children = g_hash_table_lookup (by_issuer, ck_stored_certificate_get_subject (row));

      for (guint j = 0; children != NULL && j < children->len; j++)
        if (!g_hash_table_contains (seen, children->pdata[j]))
          add_unique (seen, found, g_object_ref (children->pdata[j]));
    }
  return found;
}

static void
start_scan (CkTrustColumn *self)
{
  gboolean was_busy = ck_trust_column_is_busy (self);
  gint64 start = g_get_monotonic_time ();
  guint n_seeds = 0;

  stop_scan (self);
  g_hash_table_remove_all (self->matches);
  if (self->mode == CK_TRUST_FILTER_ALL || self->verifier == NULL || self->rows == NULL)
    {
      g_signal_emit (self, signals[FILTER_CHANGED], 0);
      notify_busy (self, was_busy);
      return;
    }

  self->candidates = find_candidates (self, &n_seeds);
  /* A certificate distrusted itself, or through its key, is Distrusted
   * whatever its chain (the verifier checks distrust first): no need to
   * verify it. At 100,000 leaves sharing one distrusted key, that is the
   * whole difference. */
  if (self->candidates != NULL && self->mode == CK_TRUST_FILTER_DISTRUSTED)
    for (; self->next_candidate < n_seeds; self->next_candidate++)
      {
        gint64 id = ck_stored_certificate_get_id (self->candidates->pdata[self->next_candidate]);

        g_hash_table_add (self->matches, g_memdup2 (&id, sizeof id));
      }
  if (self->candidates == NULL)
    {
      guint n = g_list_model_get_n_items (self->rows);

      self->candidates = g_ptr_array_new_full (n, g_object_unref);
      for (guint i = 0; i < n; i++)
        g_ptr_array_add (self->candidates, g_list_model_get_item (self->rows, i));
    }
  g_debug ("trust filter: %u candidates found in %.1f ms", self->candidates->len,
           (g_get_monotonic_time () - start) / 1000.0);
  self->scanning = TRUE;
  self->shown_at = g_get_monotonic_time ();
  g_signal_emit (self, signals[FILTER_CHANGED], 0);
  self->scan_idle = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE + 10, scan_idle_cb, self, NULL);
  notify_busy (self, was_busy);
}

void
ck_trust_column_set_filter_mode (CkTrustColumn     *self,
                                 CkTrustFilterMode  mode)
{
  g_return_if_fail (CK_IS_TRUST_COLUMN (self));

  if (self->mode == mode)
    return;
  self->mode = mode;
  start_scan (self);
}

CkTrustFilterMode
ck_trust_column_get_filter_mode (CkTrustColumn *self)
{
  g_return_val_if_fail (CK_IS_TRUST_COLUMN (self), CK_TRUST_FILTER_ALL);

  return self->mode;
}

/* Settings */

static void
trust_changed_cb (CkTrustColumn *self)
{
  ck_trust_column_refresh (self);
}

void
ck_trust_column_set_verifier (CkTrustColumn *self,
                              CkTrust       *trust,
                              CkVerifier    *verifier)
{
  g_return_if_fail (CK_IS_TRUST_COLUMN (self));

  if (self->trust != NULL)
    g_signal_handlers_disconnect_by_data (self->trust, self);
  g_set_object (&self->trust, trust);
  g_set_object (&self->verifier, verifier);
  if (self->trust != NULL)
    g_signal_connect_object (self->trust, "changed", G_CALLBACK (trust_changed_cb), self,
                             G_CONNECT_SWAPPED);
  ck_trust_column_refresh (self);
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
ck_trust_column_set_rows (CkTrustColumn *self,
                          GListModel    *rows)
{
  g_return_if_fail (CK_IS_TRUST_COLUMN (self));

  if (self->rows != NULL)
    g_signal_handlers_disconnect_by_data (self->rows, self);
  g_set_object (&self->rows, rows);
  /* A new certificate can complete a chain, a deleted one break it. */
  if (self->rows != NULL)
    g_signal_connect_object (self->rows, "items-changed", G_CALLBACK (ck_trust_column_refresh),
                             self, G_CONNECT_SWAPPED);
  ck_trust_column_refresh (self);
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
  ck_trust_column_refresh (self);
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
  ck_trust_column_refresh (self);
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

  stop_scan (self);
  g_clear_handle_id (&self->cells_idle, g_source_remove);
  if (self->trust != NULL)
    g_signal_handlers_disconnect_by_data (self->trust, self);
  if (self->rows != NULL)
    g_signal_handlers_disconnect_by_data (self->rows, self);
  if (self->factory != NULL)
    g_signal_handlers_disconnect_by_data (self->factory, self);
  g_clear_object (&self->factory);
  g_clear_object (&self->verifier);
  g_clear_object (&self->trust);
  g_clear_object (&self->rows);

  G_OBJECT_CLASS (ck_trust_column_parent_class)->dispose (object);
}

static void
ck_trust_column_finalize (GObject *object)
{
  CkTrustColumn *self = CK_TRUST_COLUMN (object);

  g_hash_table_unref (self->verdicts);
  g_hash_table_unref (self->bound);
  g_hash_table_unref (self->pending);
  g_hash_table_unref (self->matches);
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
  /* How far the filter's scan is, 0 to 1. */
  properties[PROP_PROGRESS] =
    g_param_spec_double ("progress", NULL, NULL, 0, 1, 1,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The set of rows the Trusted/Distrusted filter lets through changed. */
  signals[FILTER_CHANGED] = g_signal_new ("filter-changed", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 0);
}

static void
ck_trust_column_init (CkTrustColumn *self)
{
  self->purpose = g_strdup (CK_PURPOSE_TLS_SERVER);
  self->verdicts = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
  self->bound = g_hash_table_new (NULL, NULL);
  self->pending = g_hash_table_new (NULL, NULL);
  self->matches = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);

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
