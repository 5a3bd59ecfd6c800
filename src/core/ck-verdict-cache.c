/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The verdict cache: see ck-verdict-cache.h.
 *
 * Threads. The cache object, its tables and its signals belong to the
 * main context it was made on. The worker owns its CkStore (a read-only
 * connection), the CkTrust on it and the CkVerifier of the generation it
 * works on; it shares with the main thread only the Job below, under
 * job_lock: what to compute (generation, purpose, system anchors), the
 * ids to do first, and whether to quit. Results travel the other way as
 * Batch structures through g_main_context_invoke_full(), at idle
 * priority so that drawing and input go first; a batch of an older
 * generation or purpose is dropped on arrival.
 *
 * Batches: the worker sends what it has when BATCH_USEC have passed since
 * the last one (or BATCH_MAX verdicts, or a preferred row is done, or the
 * work is finished), so that the main thread gets a handful of batches a
 * second, each a few hundred hash insertions, whatever the speed of the
 * verifier. */
#include "ck-verdict-cache.h"

#include <glib/gi18n-lib.h>

#include "ck-store-private.h"
#include "ck-verifier.h"

#define BATCH_USEC (100 * 1000)
#define BATCH_MAX 4096
#define PROGRESS_USEC (G_USEC_PER_SEC / 4)

typedef struct
{
  /* Under job_lock. */
  guint64    generation;
  char      *purpose;
  gboolean   use_system_anchors;
  GArray    *preferred;          /* gint64, newest last */
  gboolean   quit;
} Job;

struct _CkVerdictCache
{
  GObject       parent_instance;

  CkTrust      *trust;
  GListModel   *certificates;
  char         *dir;
  GMainContext *context;
  GWeakRef     *self_ref;        /* shared with the batches */

  /* Main thread. */
  guint64       generation;
  char         *purpose;
  gboolean      use_system_anchors;
  GHashTable   *tables;          /* purpose → Table */
  gint64        progress_at;

  /* Shared with the worker. */
  GMutex        job_lock;
  GCond         job_cond;
  Job           job;
  GThread      *thread;
};

/* The verdicts of one purpose and generation. */
typedef struct
{
  guint64     generation;
  GHashTable *verdicts;          /* gint64 id → CkVerification */
  guint       total;             /* certificates in the store, 0 until known */
  gboolean    complete;
  /* The store could not be read: every verdict is this one. */
  CkVerification *failed;
} Table;

typedef struct
{
  GWeakRef  *cache;
  guint64    generation;
  char      *purpose;
  GArray    *ids;                /* gint64 */
  GPtrArray *verdicts;           /* CkVerification, same order */
  guint      total;
  gboolean   complete;
  char      *error;              /* nothing could be verified, and why */
} Batch;

enum {
  PROP_0,
  PROP_BUSY,
  PROP_PROGRESS,
  N_PROPS
};

enum {
  VERDICTS_ADDED,
  INVALIDATED,
  N_SIGNALS
};

static GParamSpec *properties[N_PROPS];
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (CkVerdictCache, ck_verdict_cache, G_TYPE_OBJECT)

static void
table_free (gpointer data)
{
  Table *table = data;

  g_hash_table_unref (table->verdicts);
  g_clear_object (&table->failed);
  g_free (table);
}

static void
batch_free (gpointer data)
{
  Batch *batch = data;

  g_atomic_rc_box_release_full (batch->cache, (GDestroyNotify) g_weak_ref_clear);
  g_free (batch->purpose);
  g_free (batch->error);
  g_array_unref (batch->ids);
  g_ptr_array_unref (batch->verdicts);
  g_free (batch);
}

static Table *
current_table (CkVerdictCache *self)
{
  Table *table = g_hash_table_lookup (self->tables, self->purpose);

  if (table != NULL && table->generation == self->generation)
    return table;
  return NULL;
}

/* --- The worker -------------------------------------------------------- */

typedef struct
{
  CkVerdictCache *self;          /* only for job_lock, job_cond and job */
  char           *dir;
  GMainContext   *main_context;
  GWeakRef       *cache_ref;
} Worker;

static Batch *
batch_new (Worker     *worker,
           guint64     generation,
           const char *purpose)
{
  Batch *batch = g_new0 (Batch, 1);

  batch->cache = g_atomic_rc_box_acquire (worker->cache_ref);
  batch->generation = generation;
  batch->purpose = g_strdup (purpose);
  batch->ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  batch->verdicts = g_ptr_array_new_with_free_func (g_object_unref);
  return batch;
}

static gboolean deliver (gpointer data);

static void
send_batch (Worker  *worker,
            Batch   *batch)
{
  GSource *source = g_idle_source_new ();

  /* Idle: drawing and input on the main thread go first. Never called
   * here, whoever owns the context. */
  g_source_set_priority (source, G_PRIORITY_DEFAULT_IDLE);
  g_source_set_callback (source, deliver, batch, batch_free);
  g_source_set_static_name (source, "[ck-verdicts] batch");
  g_source_attach (source, worker->main_context);
  g_source_unref (source);
}

/* The store's certificate ids, as the worker's connection sees them now. */
static GArray *
list_ids (CkStore  *store,
          GError  **error)
{
  GArray *ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3 *db = ck_store_get_db (store);
  sqlite3_stmt *stmt = NULL;
  int rc;

  ck_store_lock (store);
  rc = sqlite3_prepare_v2 (db, "SELECT id FROM certificates ORDER BY id", -1, &stmt, NULL);
  if (rc == SQLITE_OK)
    while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
      {
        gint64 id = sqlite3_column_int64 (stmt, 0);

        g_array_append_val (ids, id);
      }
  if (rc != SQLITE_DONE)
    {
      ck_store_set_sqlite_error (error, db, _("listing the certificates"));
      g_clear_pointer (&ids, g_array_unref);
    }
  sqlite3_finalize (stmt);
  ck_store_unlock (store);
  return ids;
}

static CkVerification *
cannot_verify (const char *purpose,
               const char *reason)
{
  CkVerification *verification = ck_verification_new (CK_VERIFY_CANNOT_VERIFY, purpose);

  ck_verification_set_reason (verification, reason);
  return verification;
}

/* Verifies every certificate for one generation and purpose, until done
 * or until the job changes. */
static void
run_job (Worker     *worker,
         CkTrust    *trust,
         guint64     generation,
         const char *purpose,
         gboolean    use_system_anchors)
{
  CkVerdictCache *self = worker->self;
  g_autoptr(CkVerifier) verifier = ck_verifier_new (trust);
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) ids = list_ids (ck_trust_get_store (trust), &error);
  g_autoptr(GHashTable) done = NULL;
  g_autoptr(GHashTable) in_store = NULL;
  Batch *batch = batch_new (worker, generation, purpose);
  gint64 sent_at = g_get_monotonic_time ();
  guint next = 0;

  ck_verifier_set_use_system_anchors (verifier, use_system_anchors);
  if (ids == NULL)
    {
      /* Nothing can be said about any row: every lookup says why. */
      batch->error = g_strdup (error->message);
      batch->complete = TRUE;
      send_batch (worker, batch);
      return;
    }
  batch->total = ids->len;
  done = g_hash_table_new (g_int64_hash, g_int64_equal);
  in_store = g_hash_table_new (g_int64_hash, g_int64_equal);
  for (guint i = 0; i < ids->len; i++)
    g_hash_table_add (in_store, &g_array_index (ids, gint64, i));

  for (;;)
    {
      gint64 id = 0;
      gboolean preferred = FALSE;
      CkVerification *verification;
      g_autoptr(GError) local_error = NULL;

      g_mutex_lock (&self->job_lock);
      if (self->job.quit || self->job.generation != generation
          || g_strcmp0 (self->job.purpose, purpose) != 0)
        {
          g_mutex_unlock (&self->job_lock);
          batch_free (batch);
          return;
        }
      while (id == 0 && self->job.preferred->len > 0)
        {
          gint64 *wanted = &g_array_index (self->job.preferred, gint64,
                                           self->job.preferred->len - 1);

          if (!g_hash_table_contains (done, wanted))
            {
              gpointer stored = g_hash_table_lookup (in_store, wanted);

              if (stored != NULL)
                {
                  id = *wanted;
                  preferred = TRUE;
                }
            }
          g_array_set_size (self->job.preferred, self->job.preferred->len - 1);
        }
      g_mutex_unlock (&self->job_lock);

      while (id == 0 && next < ids->len)
        {
          gint64 *candidate = &g_array_index (ids, gint64, next++);

          if (!g_hash_table_contains (done, candidate))
            id = *candidate;
        }
      if (id == 0)
        break;

      verification = ck_verifier_verify_id (verifier, id, purpose, &local_error);
      if (verification == NULL)
        verification = cannot_verify (purpose, local_error->message);
      else
        g_object_ref (verification);
      g_hash_table_add (done, g_hash_table_lookup (in_store, &id));
      g_array_append_val (batch->ids, id);
      g_ptr_array_add (batch->verdicts, verification);

      if (preferred || batch->ids->len >= BATCH_MAX
          || g_get_monotonic_time () - sent_at >= BATCH_USEC)
        {
          send_batch (worker, batch);
          batch = batch_new (worker, generation, purpose);
          batch->total = ids->len;
          sent_at = g_get_monotonic_time ();
        }
    }
  batch->complete = TRUE;
  send_batch (worker, batch);
}

static gpointer
worker_main (gpointer data)
{
  Worker *worker = data;
  CkVerdictCache *self = worker->self;
  g_autoptr(GMainContext) context = g_main_context_new ();
  g_autoptr(CkStore) store = NULL;
  g_autoptr(CkTrust) trust = NULL;
  guint64 done_generation = 0;
  g_autofree char *done_purpose = NULL;

  /* The worker's store's models and signals are its own. */
  g_main_context_push_thread_default (context);

  for (;;)
    {
      guint64 generation;
      g_autofree char *purpose = NULL;
      gboolean use_system_anchors;

      g_mutex_lock (&self->job_lock);
      while (!self->job.quit && self->job.generation == done_generation
             && g_strcmp0 (self->job.purpose, done_purpose) == 0)
        g_cond_wait (&self->job_cond, &self->job_lock);
      if (self->job.quit)
        {
          g_mutex_unlock (&self->job_lock);
          break;
        }
      generation = self->job.generation;
      purpose = g_strdup (self->job.purpose);
      use_system_anchors = self->job.use_system_anchors;
      g_mutex_unlock (&self->job_lock);

      if (trust == NULL)
        {
          g_autoptr(GError) error = NULL;

          g_clear_object (&store);
          store = ck_store_open_read_only (worker->dir, &error);
          if (store != NULL)
            trust = ck_trust_new (store, &error);
          if (trust == NULL)
            {
              Batch *batch = batch_new (worker, generation, purpose);

              /* Tried again at the next generation; until then every
               * lookup says why. */
              batch->error = g_strdup (error->message);
              batch->complete = TRUE;
              send_batch (worker, batch);
              done_generation = generation;
              g_free (done_purpose);
              done_purpose = g_steal_pointer (&purpose);
              continue;
            }
        }

      run_job (worker, trust, generation, purpose, use_system_anchors);
      /* Whether finished or overtaken: the next round looks at the job. */
      done_generation = generation;
      g_free (done_purpose);
      done_purpose = g_steal_pointer (&purpose);
      /* Signals of this thread's store, if any, and nothing else. */
      while (g_main_context_iteration (context, FALSE))
        ;
    }

  g_clear_object (&trust);
  g_clear_object (&store);
  g_main_context_pop_thread_default (context);
  g_free (worker->dir);
  g_main_context_unref (worker->main_context);
  g_free (worker);
  return NULL;
}

/* --- The main thread --------------------------------------------------- */

static void
notify_progress (CkVerdictCache *self,
                 gboolean        now)
{
  gint64 t = g_get_monotonic_time ();

  if (now || t - self->progress_at >= PROGRESS_USEC)
    {
      self->progress_at = t;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PROGRESS]);
    }
}

static gboolean
deliver (gpointer data)
{
  Batch *batch = data;
  g_autoptr(CkVerdictCache) self = g_weak_ref_get (batch->cache);
  gboolean was_busy;
  Table *table;

  if (self == NULL || batch->generation != self->generation)
    return G_SOURCE_REMOVE;
  was_busy = ck_verdict_cache_is_busy (self);
  table = g_hash_table_lookup (self->tables, batch->purpose);
  if (table == NULL || table->generation != batch->generation)
    return G_SOURCE_REMOVE;

  for (guint i = 0; i < batch->ids->len; i++)
    g_hash_table_insert (table->verdicts,
                         g_memdup2 (&g_array_index (batch->ids, gint64, i), sizeof (gint64)),
                         g_object_ref (batch->verdicts->pdata[i]));
  table->total = batch->total;
  table->complete = batch->complete;
  if (batch->error != NULL && table->failed == NULL)
    table->failed = cannot_verify (batch->purpose, batch->error);

  if (g_strcmp0 (batch->purpose, self->purpose) != 0)
    return G_SOURCE_REMOVE;
  if (batch->ids->len > 0)
    g_signal_emit (self, signals[VERDICTS_ADDED], 0, batch->ids);
  notify_progress (self, batch->complete);
  if (was_busy != ck_verdict_cache_is_busy (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
  return G_SOURCE_REMOVE;
}

/* Tells the worker what to compute now, starting it the first time. */
static void
post_job (CkVerdictCache *self)
{
  Table *table = g_hash_table_lookup (self->tables, self->purpose);

  if (table == NULL || table->generation != self->generation)
    {
      table = g_new0 (Table, 1);
      table->generation = self->generation;
      table->verdicts = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                               g_object_unref);
      g_hash_table_insert (self->tables, g_strdup (self->purpose), table);
    }

  g_mutex_lock (&self->job_lock);
  self->job.generation = self->generation;
  g_free (self->job.purpose);
  self->job.purpose = g_strdup (self->purpose);
  self->job.use_system_anchors = self->use_system_anchors;
  g_array_set_size (self->job.preferred, 0);
  g_cond_signal (&self->job_cond);
  g_mutex_unlock (&self->job_lock);

  if (self->thread == NULL)
    {
      Worker *worker = g_new0 (Worker, 1);

      worker->self = self;
      worker->dir = g_strdup (self->dir);
      worker->main_context = g_main_context_ref (self->context);
      worker->cache_ref = self->self_ref;
      self->thread = g_thread_new ("ck-verdicts", worker_main, worker);
    }
}

static void
new_generation (CkVerdictCache *self)
{
  gboolean was_busy = ck_verdict_cache_is_busy (self);

  self->generation++;
  /* Every table is of an older generation now. */
  g_hash_table_remove_all (self->tables);
  post_job (self);
  g_signal_emit (self, signals[INVALIDATED], 0);
  notify_progress (self, TRUE);
  if (was_busy != ck_verdict_cache_is_busy (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

void
ck_verdict_cache_invalidate (CkVerdictCache *self)
{
  g_return_if_fail (CK_IS_VERDICT_CACHE (self));

  new_generation (self);
}

guint64
ck_verdict_cache_get_generation (CkVerdictCache *self)
{
  g_return_val_if_fail (CK_IS_VERDICT_CACHE (self), 0);

  return self->generation;
}

CkTrust *
ck_verdict_cache_get_trust (CkVerdictCache *self)
{
  g_return_val_if_fail (CK_IS_VERDICT_CACHE (self), NULL);

  return self->trust;
}

void
ck_verdict_cache_set_purpose (CkVerdictCache *self,
                              const char     *purpose)
{
  gboolean was_busy;
  Table *table;

  g_return_if_fail (CK_IS_VERDICT_CACHE (self));
  g_return_if_fail (purpose != NULL);

  if (g_strcmp0 (self->purpose, purpose) == 0)
    return;
  was_busy = ck_verdict_cache_is_busy (self);
  g_free (self->purpose);
  self->purpose = g_strdup (purpose);
  table = current_table (self);
  /* Complete already: the worker may stay idle (or finish another). */
  if (table == NULL || !table->complete)
    post_job (self);
  g_signal_emit (self, signals[INVALIDATED], 0);
  notify_progress (self, TRUE);
  if (was_busy != ck_verdict_cache_is_busy (self))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BUSY]);
}

const char *
ck_verdict_cache_get_purpose (CkVerdictCache *self)
{
  g_return_val_if_fail (CK_IS_VERDICT_CACHE (self), NULL);

  return self->purpose;
}

void
ck_verdict_cache_set_use_system_anchors (CkVerdictCache *self,
                                         gboolean        use)
{
  g_return_if_fail (CK_IS_VERDICT_CACHE (self));

  use = !!use;
  if (self->use_system_anchors == use)
    return;
  self->use_system_anchors = use;
  new_generation (self);
}

CkVerification *
ck_verdict_cache_lookup (CkVerdictCache *self,
                         gint64          certificate_id)
{
  CkVerification *verification;
  Table *table;

  g_return_val_if_fail (CK_IS_VERDICT_CACHE (self), NULL);

  table = current_table (self);
  if (table == NULL)
    return NULL;
  verification = g_hash_table_lookup (table->verdicts, &certificate_id);
  /* Fail closed: never "no verdict yet" for ever. */
  return verification != NULL ? verification : table->failed;
}

void
ck_verdict_cache_prefer (CkVerdictCache *self,
                         gint64          certificate_id)
{
  Table *table;

  g_return_if_fail (CK_IS_VERDICT_CACHE (self));

  table = current_table (self);
  if (table == NULL || table->complete || g_hash_table_contains (table->verdicts, &certificate_id))
    return;
  g_mutex_lock (&self->job_lock);
  g_array_append_val (self->job.preferred, certificate_id);
  g_mutex_unlock (&self->job_lock);
}

gboolean
ck_verdict_cache_is_busy (CkVerdictCache *self)
{
  Table *table;

  g_return_val_if_fail (CK_IS_VERDICT_CACHE (self), FALSE);

  table = current_table (self);
  return table == NULL || !table->complete;
}

void
ck_verdict_cache_get_progress (CkVerdictCache *self,
                               guint          *done,
                               guint          *total)
{
  Table *table;

  g_return_if_fail (CK_IS_VERDICT_CACHE (self));

  table = current_table (self);
  if (done != NULL)
    *done = table != NULL ? g_hash_table_size (table->verdicts) : 0;
  if (total != NULL)
    *total = table != NULL ? MAX (table->total, g_hash_table_size (table->verdicts)) : 0;
}

static void
trust_changed_cb (CkVerdictCache *self)
{
  new_generation (self);
}

static void
certificates_changed_cb (CkVerdictCache *self,
                         guint           position,
                         guint           removed,
                         guint           added)
{
  /* A new certificate can complete a chain, a deleted one break it. */
  if (removed > 0 || added > 0)
    new_generation (self);
}

static void
ck_verdict_cache_get_property (GObject    *object,
                               guint       prop_id,
                               GValue     *value,
                               GParamSpec *pspec)
{
  CkVerdictCache *self = CK_VERDICT_CACHE (object);
  guint done, total;

  switch (prop_id)
    {
    case PROP_BUSY:
      g_value_set_boolean (value, ck_verdict_cache_is_busy (self));
      break;
    case PROP_PROGRESS:
      ck_verdict_cache_get_progress (self, &done, &total);
      g_value_set_double (value, total > 0 ? (double) done / total : 1.0);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ck_verdict_cache_dispose (GObject *object)
{
  CkVerdictCache *self = CK_VERDICT_CACHE (object);

  if (self->thread != NULL)
    {
      /* At most one verification (or the worker's store opening) to wait
       * for: the worker checks the job between certificates. */
      g_mutex_lock (&self->job_lock);
      self->job.quit = TRUE;
      g_cond_signal (&self->job_cond);
      g_mutex_unlock (&self->job_lock);
      g_thread_join (g_steal_pointer (&self->thread));
    }
  if (self->trust != NULL)
    g_signal_handlers_disconnect_by_data (self->trust, self);
  if (self->certificates != NULL)
    g_signal_handlers_disconnect_by_data (self->certificates, self);
  g_clear_object (&self->trust);
  g_clear_object (&self->certificates);

  G_OBJECT_CLASS (ck_verdict_cache_parent_class)->dispose (object);
}

static void
ck_verdict_cache_finalize (GObject *object)
{
  CkVerdictCache *self = CK_VERDICT_CACHE (object);

  /* Batches still queued hold the weak reference: they find nothing. */
  g_weak_ref_set (self->self_ref, NULL);
  g_atomic_rc_box_release_full (self->self_ref, (GDestroyNotify) g_weak_ref_clear);
  g_hash_table_unref (self->tables);
  g_free (self->purpose);
  g_free (self->dir);
  g_free (self->job.purpose);
  g_array_unref (self->job.preferred);
  g_mutex_clear (&self->job_lock);
  g_cond_clear (&self->job_cond);
  g_main_context_unref (self->context);

  G_OBJECT_CLASS (ck_verdict_cache_parent_class)->finalize (object);
}

static void
ck_verdict_cache_class_init (CkVerdictCacheClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ck_verdict_cache_dispose;
  object_class->finalize = ck_verdict_cache_finalize;
  object_class->get_property = ck_verdict_cache_get_property;

  properties[PROP_BUSY] =
    g_param_spec_boolean ("busy", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  /* done / total, 0 to 1. */
  properties[PROP_PROGRESS] =
    g_param_spec_double ("progress", NULL, NULL, 0, 1, 1,
                         G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* A batch of verdicts for the current purpose and generation arrived:
   * the ids (a GArray of gint64), now found by ck_verdict_cache_lookup(). */
  signals[VERDICTS_ADDED] = g_signal_new ("verdicts-added", G_TYPE_FROM_CLASS (klass),
                                          G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                          G_TYPE_NONE, 1, G_TYPE_ARRAY);
  /* Every verdict looked up so far may be gone (a new generation) or be
   * another (a new purpose). */
  signals[INVALIDATED] = g_signal_new ("invalidated", G_TYPE_FROM_CLASS (klass),
                                       G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                       G_TYPE_NONE, 0);
}

static void
ck_verdict_cache_init (CkVerdictCache *self)
{
  self->tables = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, table_free);
  self->purpose = g_strdup (CK_PURPOSE_TLS_SERVER);
  self->generation = 1;
  g_mutex_init (&self->job_lock);
  g_cond_init (&self->job_cond);
  self->job.preferred = g_array_new (FALSE, FALSE, sizeof (gint64));
}

CkVerdictCache *
ck_verdict_cache_new (CkTrust *trust)
{
  CkVerdictCache *self;
  CkStore *store;

  g_return_val_if_fail (CK_IS_TRUST (trust), NULL);

  store = ck_trust_get_store (trust);
  self = g_object_new (CK_TYPE_VERDICT_CACHE, NULL);
  self->trust = g_object_ref (trust);
  self->dir = g_strdup (ck_store_get_dir (store));
  self->certificates = g_object_ref (ck_store_get_certificates (store));
  self->context = g_main_context_ref_thread_default ();
  self->self_ref = g_atomic_rc_box_new0 (GWeakRef);
  g_weak_ref_init (self->self_ref, self);
  g_signal_connect_swapped (trust, "changed", G_CALLBACK (trust_changed_cb), self);
  g_signal_connect_swapped (self->certificates, "items-changed",
                            G_CALLBACK (certificates_changed_cb), self);
  post_job (self);
  return self;
}
