/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <string.h>

#include "ck-certificate-model.h"

/* Collation keys are computed once per row and column, the first time the
 * list is sorted by that column: a sort then only compares bytes. */
enum { KEY_NAME, KEY_ISSUER, KEY_SOURCE, N_KEYS };

typedef struct
{
  CkStoredCertificate *row;
  guint                pos;  /* in the source: equal rows keep store order */
  guint                shown; /* == the model's serial: in the new visible rows */
  guint                matched; /* == needle_serial: matches the needle */
  int                  rank;  /* from rank_func, for sorting by trust */
  char                *keys[N_KEYS];
} Entry;

struct _CkCertificateModel
{
  GObject               parent_instance;

  GListModel           *source;
  GPtrArray            *entries;  /* Entry *, source order, owns them */
  GPtrArray            *sorted;   /* Entry *, sort order */
  GPtrArray            *matching; /* Entry *, the sorted ones that match the needle */
  GPtrArray            *visible;  /* Entry *, the matching ones filter_func lets through */
  GPtrArray            *by_name;  /* Entry *, by name: sorting by rank starts here */
  char                 *needle;
  guint                 needle_serial;
  CkCertificateSortKey  sort_key;
  gboolean              descending;
  guint                 serial;
  GPtrArray            *reveal;   /* the rows still to be shown, or NULL */
  guint                 reveal_id;
  CkCertificateModelLiveFunc live_func;
  gpointer              live_data;
  CkCertificateModelFilterFunc filter_func;
  gpointer              filter_data;
  CkCertificateModelRankFunc rank_func;
  gpointer              rank_data;
  GCancellable         *preparing; /* the search keys' thread */
};

enum {
  PROP_0,
  PROP_BUSY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void ck_certificate_model_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (CkCertificateModel, ck_certificate_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      ck_certificate_model_list_model_init))

static void
entry_free (gpointer data)
{
  Entry *entry = data;

  g_object_unref (entry->row);
  for (guint i = 0; i < N_KEYS; i++)
    g_free (entry->keys[i]);
  g_free (entry);
}

static char *
collate_key (const char *text)
{
  g_autofree char *folded = g_utf8_casefold (text != NULL ? text : "", -1);

  return g_utf8_collate_key (folded, -1);
}

static const char *
key_text (CkStoredCertificate *row,
          guint                key)
{
  switch (key)
    {
    case KEY_NAME:
      return ck_stored_certificate_get_display_name (row);
    case KEY_ISSUER:
      return ck_stored_certificate_get_issuer_name (row);
    default:
      return ck_stored_certificate_get_source (row);
    }
}

static const char *
entry_key (Entry *entry,
           guint  key)
{
  if (entry->keys[key] == NULL)
    entry->keys[key] = collate_key (key_text (entry->row, key));
  return entry->keys[key];
}

static int
compare_by (CkCertificateSortKey  sort_key,
            Entry                *x,
            Entry                *y)
{
  gint64 u, v;
  int cmp = 0;

  switch (sort_key)
    {
    case CK_CERTIFICATE_SORT_NONE:
      break;
    case CK_CERTIFICATE_SORT_EXPIRES:
      u = ck_stored_certificate_get_not_after (x->row);
      v = ck_stored_certificate_get_not_after (y->row);
      cmp = (u > v) - (u < v);
      break;
    case CK_CERTIFICATE_SORT_TRUST:
      cmp = x->rank - y->rank;
      /* Equal trust: by name, so that the order stays useful. */
      if (cmp == 0)
        cmp = strcmp (entry_key (x, KEY_NAME), entry_key (y, KEY_NAME));
      break;
    case CK_CERTIFICATE_SORT_NAME:
      cmp = strcmp (entry_key (x, KEY_NAME), entry_key (y, KEY_NAME));
      break;
    case CK_CERTIFICATE_SORT_ISSUER:
      cmp = strcmp (entry_key (x, KEY_ISSUER), entry_key (y, KEY_ISSUER));
      break;
    case CK_CERTIFICATE_SORT_SOURCE:
      cmp = strcmp (entry_key (x, KEY_SOURCE), entry_key (y, KEY_SOURCE));
      break;
    }
  return cmp;
}

static int
compare_entries (gconstpointer a,
                 gconstpointer b,
                 gpointer      user_data)
{
  CkCertificateModel *self = user_data;
  Entry *x = *(Entry **) a;
  Entry *y = *(Entry **) b;
  int cmp = compare_by (self->sort_key, x, y);

  if (self->descending)
    cmp = -cmp;
  if (cmp == 0)
    cmp = (x->pos > y->pos) - (x->pos < y->pos);
  return cmp;
}

int
ck_certificate_model_compare (CkCertificateSortKey  key,
                              CkStoredCertificate  *a,
                              CkStoredCertificate  *b)
{
  Entry x = { .row = a }, y = { .row = b };
  int cmp = compare_by (key, &x, &y);

  for (guint i = 0; i < N_KEYS; i++)
    {
      g_free (x.keys[i]);
      g_free (y.keys[i]);
    }
  return cmp;
}

/* Tells the views that old[head, old->len - tail) became
 * self->visible[head, self->visible->len - tail).
 *
 * GTK 4.8's list views destroy the row widgets of removed items unless the
 * same items come back in the same items-changed, and make new ones: ~200
 * rows of cells, created, styled and measured, 0.5-0.7 s for a search
 * keystroke at 100,000 rows. Widgets of items that do come back are kept
 * and, when off screen, reused for other rows (a rebind, ten times
 * cheaper). So the removed rows the views have widgets for (live_func) are
 * first put back after the new ones, and then removed in a second
 * items-changed, when their widgets have moved to the new rows.
 *
 * Except the first few: the row the view scrolls by (its anchor, the top
 * row on screen, with two above it; perhaps the selected and the focused
 * row before them) must stay removed, or the view would follow it to
 * where it was put back. */
#define ANCHOR_GUARD 6
static void
emit_change (CkCertificateModel *self,
             GPtrArray          *old,
             guint               head,
             guint               tail)
{
  guint removed = old->len - head - tail;
  guint added = self->visible->len - head - tail;
  g_autoptr(GPtrArray) keep = NULL;
  g_autoptr(GPtrArray) final = NULL;
  guint guard = ANCHOR_GUARD;

  if (removed == 0 && added == 0)
    return;

  if (self->live_func != NULL)
    for (guint i = head; i < old->len - tail; i++)
      {
        Entry *entry = old->pdata[i];

        if (entry->shown != self->serial && self->live_func (entry->row, self->live_data))
          {
            if (guard > 0)
              {
                guard--;
                continue;
              }
            if (keep == NULL)
              keep = g_ptr_array_new ();
            g_ptr_array_add (keep, entry);
          }
      }

  if (keep == NULL)
    {
      g_list_model_items_changed (G_LIST_MODEL (self), head, removed, added);
      return;
    }

  final = g_ptr_array_ref (self->visible);
  g_clear_pointer (&self->visible, g_ptr_array_unref);
  self->visible = g_ptr_array_sized_new (final->len + keep->len);
  for (guint i = 0; i < head + added; i++)
    g_ptr_array_add (self->visible, final->pdata[i]);
  for (guint i = 0; i < keep->len; i++)
    g_ptr_array_add (self->visible, keep->pdata[i]);
  for (guint i = head + added; i < final->len; i++)
    g_ptr_array_add (self->visible, final->pdata[i]);
  g_list_model_items_changed (G_LIST_MODEL (self), head, removed, added + keep->len);

  g_ptr_array_unref (self->visible);
  self->visible = g_steal_pointer (&final);
  g_list_model_items_changed (G_LIST_MODEL (self), head + added, keep->len, 0);
}

/* A list view makes the widgets of ~200 rows at once when its model goes
 * from empty to full, 0.5 s and more for this list's cells: the window
 * would freeze after a large import into an empty store, or on opening a
 * large one. Rows are shown REVEAL_STEP at a time up to REVEAL_ROWS, so
 * that the window draws between steps, then all the others at once (those
 * need no widgets until scrolled to). */
#define REVEAL_STEP 25
#define REVEAL_ROWS 200

static gboolean
reveal_step (gpointer data)
{
  CkCertificateModel *self = data;
  guint from = self->visible->len;
  guint count = self->reveal->len - from;

  if (from < REVEAL_ROWS)
    count = MIN (count, REVEAL_STEP);
  for (guint i = 0; i < count; i++)
    g_ptr_array_add (self->visible, self->reveal->pdata[from + i]);
  if (self->visible->len == self->reveal->len)
    {
      g_ptr_array_unref (self->visible);
      self->visible = g_steal_pointer (&self->reveal);
      self->reveal_id = 0;
    }
  g_list_model_items_changed (G_LIST_MODEL (self), from, 0, count);
  if (self->reveal == NULL)
    {
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
      return G_SOURCE_REMOVE;
    }
  return G_SOURCE_CONTINUE;
}

/* Replaces the visible rows by the sorted ones that match and tells the
 * views, trimmed to the part that differs so that the selection and the
 * rows on screen outside it stay. */
static void
refilter (CkCertificateModel *self,
          GPtrArray          *from)
{
  g_autoptr(GPtrArray) old = self->visible;
  guint head = 0, tail = 0;

  g_clear_handle_id (&self->reveal_id, g_source_remove);
  g_clear_pointer (&self->reveal, g_ptr_array_unref);
  self->serial++;
  /* The search: @from is every sorted row, or (a longer needle) the rows
   * that matched the shorter one, in sorted order either way. */
  if (from != NULL)
    {
      g_autoptr(GPtrArray) matching = g_ptr_array_sized_new (from->len);

      self->needle_serial++;
      for (guint i = 0; i < from->len; i++)
        {
          Entry *entry = from->pdata[i];

          if (self->needle == NULL || ck_stored_certificate_matches (entry->row, self->needle))
            {
              entry->matched = self->needle_serial;
              g_ptr_array_add (matching, entry);
            }
        }
      g_ptr_array_unref (self->matching);
      self->matching = g_steal_pointer (&matching);
    }
  /* The filter (trust) over what the search found. */
  self->visible = g_ptr_array_sized_new (self->matching->len);
  for (guint i = 0; i < self->matching->len; i++)
    {
      Entry *entry = self->matching->pdata[i];

      if (self->filter_func == NULL || self->filter_func (entry->row, self->filter_data))
        {
          entry->shown = self->serial;
          g_ptr_array_add (self->visible, entry);
        }
    }

  while (head < old->len && head < self->visible->len
         && old->pdata[head] == self->visible->pdata[head])
    head++;
  while (tail < old->len - head && tail < self->visible->len - head
         && old->pdata[old->len - 1 - tail] == self->visible->pdata[self->visible->len - 1 - tail])
    tail++;

  /* From (nearly) nothing to many rows: show the first screenfuls a few
   * rows per main loop iteration (see reveal_step()). */
  if (head == old->len && tail == 0 && head < REVEAL_ROWS
      && self->visible->len - head > REVEAL_STEP)
    {
      self->reveal = g_steal_pointer (&self->visible);
      self->visible = g_ptr_array_sized_new (self->reveal->len);
      for (guint i = 0; i < head; i++)
        g_ptr_array_add (self->visible, self->reveal->pdata[i]);
      /* Below GTK's redraw priority: a frame is drawn between steps. */
      self->reveal_id = g_idle_add_full (G_PRIORITY_DEFAULT_IDLE, reveal_step, self, NULL);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
      reveal_step (self);
      return;
    }
  emit_change (self, old, head, tail);
}

static int
compare_names (gconstpointer a,
               gconstpointer b,
               gpointer      user_data)
{
  Entry *x = *(Entry **) a;
  Entry *y = *(Entry **) b;
  int cmp = compare_by (CK_CERTIFICATE_SORT_NAME, x, y);

  return cmp != 0 ? cmp : (x->pos > y->pos) - (x->pos < y->pos);
}

/* By rank, then name: a stable bucket pass over the rows sorted by name
 * (kept from one call to the next), so that each batch of new verdicts
 * costs one pass over the rows, not a sort. Descending reverses both. */
static void
sort_by_rank (CkCertificateModel *self)
{
  int low = G_MAXINT, high = G_MININT;
  g_autofree guint *start = NULL;
  guint n = self->entries->len;

  if (self->by_name == NULL)
    {
      self->by_name = g_ptr_array_sized_new (n);
      for (guint i = 0; i < n; i++)
        g_ptr_array_add (self->by_name, self->entries->pdata[i]);
      g_qsort_with_data (self->by_name->pdata, n, sizeof (gpointer), compare_names, self);
    }
  for (guint i = 0; i < n; i++)
    {
      Entry *entry = self->entries->pdata[i];

      entry->rank = self->rank_func != NULL ? self->rank_func (entry->row, self->rank_data) : 0;
      low = MIN (low, entry->rank);
      high = MAX (high, entry->rank);
    }
  g_ptr_array_set_size (self->sorted, n);
  if (n == 0)
    return;
  /* Ranks are a handful of small numbers: one counter each. */
  start = g_new0 (guint, (gsize) (high - low) + 2);
  for (guint i = 0; i < n; i++)
    {
      Entry *entry = self->by_name->pdata[i];
      int bucket = self->descending ? high - entry->rank : entry->rank - low;

      start[bucket + 1]++;
    }
  for (int b = 1; b <= high - low + 1; b++)
    start[b] += start[b - 1];
  for (guint i = 0; i < n; i++)
    {
      Entry *entry = self->by_name->pdata[self->descending ? n - 1 - i : i];
      int bucket = self->descending ? high - entry->rank : entry->rank - low;

      self->sorted->pdata[start[bucket]++] = entry;
    }
}

static void
resort (CkCertificateModel *self)
{
  if (self->sort_key == CK_CERTIFICATE_SORT_TRUST)
    {
      sort_by_rank (self);
      return;
    }
  g_ptr_array_set_size (self->sorted, 0);
  for (guint i = 0; i < self->entries->len; i++)
    g_ptr_array_add (self->sorted, self->entries->pdata[i]);
  g_qsort_with_data (self->sorted->pdata, self->sorted->len, sizeof (gpointer),
                     compare_entries, self);
}

/* The rows that match the needle, in the new sorted order: the search is
 * not run again (Entry.matched remembers it). */
static void
rematch (CkCertificateModel *self)
{
  g_ptr_array_set_size (self->matching, 0);
  for (guint i = 0; i < self->sorted->len; i++)
    {
      Entry *entry = self->sorted->pdata[i];

      if (self->needle == NULL || entry->matched == self->needle_serial)
        g_ptr_array_add (self->matching, entry);
    }
}

/* The search keys of new rows, made in a thread: a keystroke is then one
 * strstr() per row (measured in bench/README.md, "Search"). */
static void
prepare_search_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  GPtrArray *rows = task_data;

  for (guint i = 0; i < rows->len; i++)
    {
      if (i % 1024 == 0 && g_cancellable_is_cancelled (cancellable))
        break;
      ck_stored_certificate_prepare_search (rows->pdata[i]);
    }
  g_task_return_boolean (task, TRUE);
}

static void
prepare_search (CkCertificateModel *self,
                guint               position,
                guint               added)
{
  g_autoptr(GTask) task = NULL;
  GPtrArray *rows;

  if (added == 0)
    return;
  rows = g_ptr_array_new_full (added, g_object_unref);
  for (guint i = 0; i < added; i++)
    g_ptr_array_add (rows, g_object_ref (((Entry *) self->entries->pdata[position + i])->row));
  if (self->preparing == NULL)
    self->preparing = g_cancellable_new ();
  task = g_task_new (NULL, self->preparing, NULL, NULL);
  g_task_set_name (task, "ck-certificate-model search keys");
  g_task_set_task_data (task, rows, (GDestroyNotify) g_ptr_array_unref);
  g_task_run_in_thread (task, prepare_search_thread);
}

static void
source_items_changed (GListModel         *source,
                      guint               position,
                      guint               removed,
                      guint               added,
                      CkCertificateModel *self)
{
  /* The removed entries live until the views have been told. */
  g_autoptr(GPtrArray) gone = g_ptr_array_new_with_free_func (entry_free);

  for (guint i = 0; i < removed; i++)
    g_ptr_array_add (gone, self->entries->pdata[position + i]);
  g_ptr_array_remove_range (self->entries, position, removed);
  for (guint i = 0; i < added; i++)
    {
      Entry *entry = g_new0 (Entry, 1);

      entry->row = g_list_model_get_item (source, position + i);
      g_ptr_array_insert (self->entries, position + i, entry);
    }
  for (guint i = position; i < self->entries->len; i++)
    ((Entry *) self->entries->pdata[i])->pos = i;
  g_clear_pointer (&self->by_name, g_ptr_array_unref);
  prepare_search (self, position, added);

  resort (self);
  refilter (self, self->sorted);
}

void
ck_certificate_model_set_source (CkCertificateModel *self,
                                 GListModel         *source)
{
  guint old_n;

  g_return_if_fail (CK_IS_CERTIFICATE_MODEL (self));
  g_return_if_fail (source == NULL || G_IS_LIST_MODEL (source));

  if (self->source == source)
    return;
  if (self->source != NULL)
    {
      old_n = g_list_model_get_n_items (self->source);
      g_signal_handlers_disconnect_by_func (self->source, source_items_changed, self);
      source_items_changed (self->source, 0, old_n, 0, self);
      g_clear_object (&self->source);
    }
  if (source != NULL)
    {
      self->source = g_object_ref (source);
      g_signal_connect_object (source, "items-changed",
                               G_CALLBACK (source_items_changed), self, 0);
      source_items_changed (source, 0, 0, g_list_model_get_n_items (source), self);
    }
}

void
ck_certificate_model_set_needle (CkCertificateModel *self,
                                 const char         *needle)
{
  char *old;

  g_return_if_fail (CK_IS_CERTIFICATE_MODEL (self));

  if (needle != NULL && needle[0] == '\0')
    needle = NULL;
  if (g_strcmp0 (needle, self->needle) == 0)
    return;

  old = g_steal_pointer (&self->needle);
  self->needle = g_strdup (needle);
  /* One more character only narrows: test the rows still shown (all of
   * them: not while they are still being revealed). */
  if (old != NULL && needle != NULL && strstr (needle, old) != NULL)
    {
      g_autoptr(GPtrArray) matched = g_ptr_array_ref (self->matching);

      refilter (self, matched);
    }
  else
    refilter (self, self->sorted);
  g_free (old);
}

void
ck_certificate_model_set_live_func (CkCertificateModel         *self,
                                    CkCertificateModelLiveFunc  func,
                                    gpointer                    user_data)
{
  g_return_if_fail (CK_IS_CERTIFICATE_MODEL (self));

  self->live_func = func;
  self->live_data = user_data;
}

void
ck_certificate_model_set_sort (CkCertificateModel   *self,
                               CkCertificateSortKey  key,
                               gboolean              descending)
{
  g_return_if_fail (CK_IS_CERTIFICATE_MODEL (self));

  if (key == CK_CERTIFICATE_SORT_NONE)
    descending = FALSE;
  if (self->sort_key == key && self->descending == descending)
    return;
  self->sort_key = key;
  self->descending = descending;
  resort (self);
  rematch (self);
  refilter (self, NULL);
}

void
ck_certificate_model_set_filter_func (CkCertificateModel           *self,
                                      CkCertificateModelFilterFunc  func,
                                      gpointer                      user_data)
{
  g_return_if_fail (CK_IS_CERTIFICATE_MODEL (self));

  if (self->filter_func == func && self->filter_data == user_data)
    return;
  self->filter_func = func;
  self->filter_data = user_data;
  refilter (self, NULL);
}

void
ck_certificate_model_set_rank_func (CkCertificateModel         *self,
                                    CkCertificateModelRankFunc  func,
                                    gpointer                    user_data)
{
  g_return_if_fail (CK_IS_CERTIFICATE_MODEL (self));

  self->rank_func = func;
  self->rank_data = user_data;
  ck_certificate_model_rows_changed (self);
}

void
ck_certificate_model_rows_changed (CkCertificateModel *self)
{
  g_return_if_fail (CK_IS_CERTIFICATE_MODEL (self));

  if (self->sort_key == CK_CERTIFICATE_SORT_TRUST)
    {
      sort_by_rank (self);
      rematch (self);
    }
  else if (self->filter_func == NULL)
    return;
  refilter (self, NULL);
}

static GType
ck_certificate_model_get_item_type (GListModel *model)
{
  return CK_TYPE_STORED_CERTIFICATE;
}

static guint
ck_certificate_model_get_n_items (GListModel *model)
{
  return CK_CERTIFICATE_MODEL (model)->visible->len;
}

static gpointer
ck_certificate_model_get_item (GListModel *model,
                               guint       position)
{
  CkCertificateModel *self = CK_CERTIFICATE_MODEL (model);

  if (position >= self->visible->len)
    return NULL;
  return g_object_ref (((Entry *) self->visible->pdata[position])->row);
}

static void
ck_certificate_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = ck_certificate_model_get_item_type;
  iface->get_n_items = ck_certificate_model_get_n_items;
  iface->get_item = ck_certificate_model_get_item;
}

static void
ck_certificate_model_dispose (GObject *object)
{
  CkCertificateModel *self = CK_CERTIFICATE_MODEL (object);

  if (self->source != NULL)
    g_signal_handlers_disconnect_by_func (self->source, source_items_changed, self);
  g_clear_object (&self->source);
  g_clear_handle_id (&self->reveal_id, g_source_remove);
  if (self->preparing != NULL)
    g_cancellable_cancel (self->preparing);
  g_clear_object (&self->preparing);

  G_OBJECT_CLASS (ck_certificate_model_parent_class)->dispose (object);
}

static void
ck_certificate_model_finalize (GObject *object)
{
  CkCertificateModel *self = CK_CERTIFICATE_MODEL (object);

  g_ptr_array_unref (self->visible);
  g_ptr_array_unref (self->matching);
  g_clear_pointer (&self->by_name, g_ptr_array_unref);
  g_clear_pointer (&self->reveal, g_ptr_array_unref);
  g_ptr_array_unref (self->sorted);
  g_ptr_array_set_free_func (self->entries, entry_free);
  g_ptr_array_unref (self->entries);
  g_free (self->needle);

  G_OBJECT_CLASS (ck_certificate_model_parent_class)->finalize (object);
}

gboolean
ck_certificate_model_is_busy (CkCertificateModel *self)
{
  g_return_val_if_fail (CK_IS_CERTIFICATE_MODEL (self), FALSE);

  return self->reveal != NULL;
}

static void
ck_certificate_model_get_property (GObject    *object,
                                   guint       prop_id,
                                   GValue     *value,
                                   GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_BUSY:
      g_value_set_boolean (value, ck_certificate_model_is_busy (CK_CERTIFICATE_MODEL (object)));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ck_certificate_model_class_init (CkCertificateModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ck_certificate_model_dispose;
  object_class->finalize = ck_certificate_model_finalize;
  object_class->get_property = ck_certificate_model_get_property;

  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ck_certificate_model_init (CkCertificateModel *self)
{
  /* Not freeing: source_items_changed() moves removed entries out. */
  self->entries = g_ptr_array_new ();
  self->sorted = g_ptr_array_new ();
  self->matching = g_ptr_array_new ();
  self->visible = g_ptr_array_new ();
}

CkCertificateModel *
ck_certificate_model_new (void)
{
  return g_object_new (CK_TYPE_CERTIFICATE_MODEL, NULL);
}
