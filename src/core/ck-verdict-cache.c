/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The verdict cache: see ck-verdict-cache.h.
 *
 * Threads. The cache object, its tables and its signals belong to the
 * main context it was made on. Verdicts are computed by one worker per
 * processor (a verdict is mostly one ECDSA or RSA signature check, so
 * they scale with cores); each owns its CkStore (a read-only
 * connection), the CkTrust on it and the CkVerifier of the generation it
 * works on. They share with the main thread only the Job below, under
 * job_lock: what to compute (generation, purpose, system anchors), the
 * ids to do first, whether to quit, and the ids of the store and which of
 * them a worker has taken, so that each certificate is verified once.
 * Results travel the other way as Batch structures, idle sources on the
 * main context, at idle priority so that drawing and input go first; a
 * batch of an older generation or purpose is dropped on arrival.
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
#define MAX_WORKERS 4
/* Ids a worker takes from the shared list at once. */
#define CLAIM 32
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
  /* The store's ids for this generation and purpose, listed by the first
   * worker that starts on it; NULL before. */
  GArray    *ids;
  guint      next;               /* ids[0, next) are taken */
  GHashTable *taken;             /* gint64 * into ids: preferred ones taken early */
  GHashTable *in_store;          /* gint64 * into ids */
  char      *error;              /* listing them failed */
} Job;

struct _CkVerdictCache
{
  GObject       parent_instance;

  CkTrust      *trust;
  GListModel   *certificates;
  CkStore      *store;          /* its "revocation-changed" */
  char         *dir;
  GMainContext *context;
  GWeakRef     *self_ref;        /* shared with the batches */

  /* Main thread. */
  guint64       generation;
  char         *purpose;
  gboolean      use_system_anchors;
  GHashTable   *tables;          /* purpose → Table */
  gint64        progress_at;

  /* Shared with the workers. */
  GMutex        job_lock;
  GCond         job_cond;
  Job           job;
  GPtrArray    *threads;
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

/* --- The workers ------------------------------------------------------- */

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
           const char *purpose,
           guint       total)
{
  Batch *batch = g_new0 (Batch, 1);

  batch->cache = g_atomic_rc_box_acquire (worker->cache_ref);
  batch->generation = generation;
  batch->purpose = g_strdup (purpose);
  batch->total = total;
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

/* The store's certificate ids, as this connection sees them now. */
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

/* Forgets the ids of the last job. With job_lock. */
static void
job_clear_ids (Job *job)
{
  g_clear_pointer (&job->taken, g_hash_table_unref);
  g_clear_pointer (&job->in_store, g_hash_table_unref);
  g_clear_pointer (&job->ids, g_array_unref);
  g_clear_pointer (&job->error, g_free);
  job->next = 0;
}

/* With job_lock: the ids of the job, listed through @store if no worker
 * has yet. FALSE when they cannot be listed (job->error says why). */
static gboolean
job_list_ids (Job     *job,
              CkStore *store)
{
  g_autoptr(GError) error = NULL;

  if (job->ids != NULL || job->error != NULL)
    return job->ids != NULL;
  job->ids = list_ids (store, &error);
  if (job->ids == NULL)
    {
      job->error = g_strdup (error->message);
      return FALSE;
    }
  job->taken = g_hash_table_new (g_int64_hash, g_int64_equal);
  job->in_store = g_hash_table_new (g_int64_hash, g_int64_equal);
  for (guint i = 0; i < job->ids->len; i++)
    g_hash_table_add (job->in_store, &g_array_index (job->ids, gint64, i));
  return TRUE;
}

/* With job_lock: up to CLAIM ids nobody has taken, the preferred ones
 * first (*@preferred then). */
static void
job_take (Job      *job,
          GArray   *out,
          gboolean *preferred)
{
  *preferred = FALSE;
  while (out->len == 0 && job->preferred->len > 0)
    {
      gint64 wanted = g_array_index (job->preferred, gint64, job->preferred->len - 1);
      gint64 *in_store = g_hash_table_lookup (job->in_store, &wanted);

      g_array_set_size (job->preferred, job->preferred->len - 1);
      if (in_store != NULL && g_hash_table_add (job->taken, in_store))
        {
          g_array_append_val (out, wanted);
          *preferred = TRUE;
        }
    }
  while (out->len < CLAIM && job->next < job->ids->len)
    {
      gint64 *id = &g_array_index (job->ids, gint64, job->next++);

      if (g_hash_table_add (job->taken, id))
        g_array_append_val (out, *id);
    }
}

/* Verifies certificates of one generation and purpose with the others,
 * until none is left or the job changes. */
static void
run_job (Worker     *worker,
         CkTrust    *trust,
         guint64     generation,
         const char *purpose,
         gboolean    use_system_anchors)
{
  CkVerdictCache *self = worker->self;
  g_autoptr(CkVerifier) verifier = ck_verifier_new (trust);
  g_autoptr(GArray) claimed = g_array_new (FALSE, FALSE, sizeof (gint64));
  Batch *batch = NULL;
  gint64 sent_at = g_get_monotonic_time ();
  guint total;

  ck_verifier_set_use_system_anchors (verifier, use_system_anchors);
  g_mutex_lock (&self->job_lock);
  if (self->job.generation != generation || g_strcmp0 (self->job.purpose, purpose) != 0)
    {
      g_mutex_unlock (&self->job_lock);
      return;
    }
  if (!job_list_ids (&self->job, ck_trust_get_store (trust)))
    {
      /* Nothing can be said about any row: every lookup says why. */
      batch = batch_new (worker, generation, purpose, 0);
      batch->error = g_strdup (self->job.error);
      g_mutex_unlock (&self->job_lock);
      send_batch (worker, batch);
      return;
    }
  total = self->job.ids->len;
  g_mutex_unlock (&self->job_lock);
  batch = batch_new (worker, generation, purpose, total);

  for (;;)
    {
      gboolean preferred;

      g_mutex_lock (&self->job_lock);
      if (self->job.quit || self->job.generation != generation
          || g_strcmp0 (self->job.purpose, purpose) != 0)
        {
          g_mutex_unlock (&self->job_lock);
          batch_free (batch);
          return;
        }
      g_array_set_size (claimed, 0);
      job_take (&self->job, claimed, &preferred);
      g_mutex_unlock (&self->job_lock);
      if (claimed->len == 0)
        break;

      for (guint i = 0; i < claimed->len; i++)
        {
          gint64 id = g_array_index (claimed, gint64, i);
          g_autoptr(GError) error = NULL;
          CkVerification *verification = ck_verifier_verify_id (verifier, id, purpose, &error);

          /* A certificate deleted since the list was made: the delete
           * starts a new generation, this verdict is never seen. */
          if (verification == NULL)
            verification = cannot_verify (purpose, error->message);
          else
            g_object_ref (verification);
          g_array_append_val (batch->ids, id);
          g_ptr_array_add (batch->verdicts, verification);
        }

      if (preferred || batch->ids->len >= BATCH_MAX
          || g_get_monotonic_time () - sent_at >= BATCH_USEC)
        {
          send_batch (worker, batch);
          batch = batch_new (worker, generation, purpose, total);
          sent_at = g_get_monotonic_time ();
        }
    }
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

  /* The signals of the worker's store and trust are its own. */
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
              Batch *batch = batch_new (worker, generation, purpose, 0);

              /* Tried again at the next generation; until then every
               * lookup says why. */
              batch->error = g_strdup (error->message);
              send_batch (worker, batch);
            }
        }
      if (trust != NULL)
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
  /* The workers' batches arrive in any order: done when all are in. */
  table->complete = g_hash_table_size (table->verdicts) >= table->total;
  if (batch->error != NULL && table->failed == NULL)
    table->failed = cannot_verify (batch->purpose, batch->error);
  if (table->failed != NULL)
    table->complete = TRUE;

  if (g_strcmp0 (batch->purpose, self->purpose) != 0)
    return G_SOURCE_REMOVE;
  if (batch->ids->len > 0)
    g_signal_emit (self, signals[VERDICTS_ADDED], 0, batch->ids);
  notify_progress (self, table->complete);
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
  /* Unless the workers are at it already (back to a purpose whose
   * verdicts are still coming). */
  if (self->job.generation != self->generation || g_strcmp0 (self->job.purpose, self->purpose) != 0)
    {
      self->job.generation = self->generation;
      g_free (self->job.purpose);
      self->job.purpose = g_strdup (self->purpose);
      self->job.use_system_anchors = self->use_system_anchors;
      g_array_set_size (self->job.preferred, 0);
      job_clear_ids (&self->job);
      g_cond_broadcast (&self->job_cond);
    }
  g_mutex_unlock (&self->job_lock);

  if (self->threads->len == 0)
    {
      guint n = CLAMP (g_get_num_processors (), 1, MAX_WORKERS);

      for (guint i = 0; i < n; i++)
        {
          Worker *worker = g_new0 (Worker, 1);

          worker->self = self;
          worker->dir = g_strdup (self->dir);
          worker->main_context = g_main_context_ref (self->context);
          worker->cache_ref = self->self_ref;
          g_ptr_array_add (self->threads, g_thread_new ("ck-verdicts", worker_main, worker));
        }
    }
}

static void
free_tables_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  g_hash_table_unref (task_data);
  g_task_return_boolean (task, TRUE);
}

static void
new_generation (CkVerdictCache *self)
{
  gboolean was_busy = ck_verdict_cache_is_busy (self);
  g_autoptr(GTask) task = NULL;

  self->generation++;
  /* Every table is of an older generation now. Freeing 100,000 verdicts
   * takes the main thread 50-90 ms (bench-trust): a thread does it. */
  task = g_task_new (NULL, NULL, NULL, NULL);
  g_task_set_name (task, "ck-verdicts free");
  g_task_set_task_data (task, g_steal_pointer (&self->tables), NULL);
  g_task_run_in_thread (task, free_tables_thread);
  self->tables = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, table_free);
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
revocation_changed_cb (CkVerdictCache *self)
{
  /* A CRL or OCSP answer can make a verdict revoked, or good again. */
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

  if (self->threads->len > 0)
    {
      /* At most CLAIM verifications (or a store opening) to wait for:
       * the workers look at the job between claims. */
      g_mutex_lock (&self->job_lock);
      self->job.quit = TRUE;
      g_cond_broadcast (&self->job_cond);
      g_mutex_unlock (&self->job_lock);
      for (guint i = 0; i < self->threads->len; i++)
        g_thread_join (self->threads->pdata[i]);
      g_ptr_array_set_size (self->threads, 0);
    }
  if (self->trust != NULL)
    g_signal_handlers_disconnect_by_data (self->trust, self);
  if (self->certificates != NULL)
    g_signal_handlers_disconnect_by_data (self->certificates, self);
  if (self->store != NULL)
    g_signal_handlers_disconnect_by_data (self->store, self);
  g_clear_object (&self->trust);
  g_clear_object (&self->store);
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
  job_clear_ids (&self->job);
  g_ptr_array_unref (self->threads);
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
  self->threads = g_ptr_array_new ();
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
  self->store = g_object_ref (store);
  self->context = g_main_context_ref_thread_default ();
  self->self_ref = g_atomic_rc_box_new0 (GWeakRef);
  g_weak_ref_init (self->self_ref, self);
  g_signal_connect_swapped (trust, "changed", G_CALLBACK (trust_changed_cb), self);
  g_signal_connect_swapped (self->certificates, "items-changed",
                            G_CALLBACK (certificates_changed_cb), self);
  g_signal_connect_swapped (store, "revocation-changed",
                            G_CALLBACK (revocation_changed_cb), self);
  post_job (self);
  return self;
}
