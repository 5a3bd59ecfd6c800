/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The keeper's import actions: read files or bytes into a plan, unlock
 * its encrypted items, commit it. One copy for the import dialog and
 * certkeeper-cli import, modelled on GcrImporter: the work runs in a GTask
 * worker on its own copy of the inputs, and the plan (which a list view
 * may be bound to) is changed only on the caller's thread, or while no
 * view watches it (reading). */
#include <glib/gi18n-lib.h>

#include "ck-error.h"
#include "ck-keeper-private.h"

/* --- Reading ----------------------------------------------------------- */

typedef struct
{
  CkImporter *importer;
  GPtrArray  *files;   /* GFile, or NULL where the input is bytes */
  GPtrArray  *bytes;   /* GBytes, or NULL */
  GPtrArray  *names;   /* char * */
} ReadJob;

static void
read_job_free (ReadJob *job)
{
  g_clear_object (&job->importer);
  g_clear_pointer (&job->files, g_ptr_array_unref);
  g_clear_pointer (&job->bytes, g_ptr_array_unref);
  g_clear_pointer (&job->names, g_ptr_array_unref);
  g_free (job);
}

static void
unref_nullable (gpointer object)
{
  if (object != NULL)
    g_object_unref (object);
}

static void
bytes_unref_nullable (gpointer bytes)
{
  if (bytes != NULL)
    g_bytes_unref (bytes);
}

static void
read_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  ReadJob *job = task_data;

  for (guint i = 0; i < job->names->len; i++)
    {
      GFile *file = job->files->pdata[i];
      g_autoptr(GError) error = NULL;

      if (g_task_return_error_if_cancelled (task))
        return;
      if (file == NULL)
        {
          ck_importer_add_bytes (job->importer, job->bytes->pdata[i], job->names->pdata[i]);
          continue;
        }
      if (!ck_importer_add_file (job->importer, file, cancellable, &error))
        {
          g_autoptr(CkImportItem) item = NULL;
          g_autofree char *name = NULL;

          if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            {
              g_task_return_error (task, g_steal_pointer (&error));
              return;
            }
          /* The file is named as the importer names it. */
          name = g_file_get_basename (file);
          if (name != NULL)
            {
              char *display = g_filename_display_name (name);

              g_free (name);
              name = display;
            }
          item = ck_import_item_new_error (error, name != NULL ? name : "?", NULL);
          ck_import_plan_append (ck_importer_get_plan (job->importer), item);
        }
    }
  g_task_return_pointer (task, g_object_ref (job->importer), g_object_unref);
}

static GTask *
read_run (CkKeeper                  *self,
          CkImporter                *importer,
          const CkKeeperImportInput *inputs,
          guint                      n_inputs,
          GCancellable              *cancellable,
          gboolean                   sync,
          GAsyncReadyCallback        callback,
          gpointer                   user_data)
{
  ReadJob *job = g_new0 (ReadJob, 1);
  GTask *task;

  job->importer = importer != NULL ? g_object_ref (importer)
                                   : ck_importer_new (ck_keeper_get_store (self));
  job->files = g_ptr_array_new_with_free_func (unref_nullable);
  job->bytes = g_ptr_array_new_with_free_func (bytes_unref_nullable);
  job->names = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < n_inputs; i++)
    {
      g_ptr_array_add (job->files, inputs[i].file != NULL ? g_object_ref (inputs[i].file) : NULL);
      g_ptr_array_add (job->bytes, inputs[i].file == NULL && inputs[i].bytes != NULL
                                   ? g_bytes_ref (inputs[i].bytes)
                                   : inputs[i].file == NULL ? g_bytes_new (NULL, 0) : NULL);
      g_ptr_array_add (job->names, g_strdup (inputs[i].name != NULL ? inputs[i].name
                                                                     : _("input")));
    }
  task = ck_keeper_task_new (self, ck_keeper_import_read_async, job,
                             (GDestroyNotify) read_job_free, cancellable, callback, user_data);
  ck_keeper_task_start (task, read_thread, sync);
  return task;
}

void
ck_keeper_import_read_async (CkKeeper                  *self,
                             CkImporter                *importer,
                             const CkKeeperImportInput *inputs,
                             guint                      n_inputs,
                             GCancellable              *cancellable,
                             GAsyncReadyCallback        callback,
                             gpointer                   user_data)
{
  g_return_if_fail (CK_IS_KEEPER (self));
  g_return_if_fail (importer == NULL || CK_IS_IMPORTER (importer));
  g_return_if_fail (n_inputs == 0 || inputs != NULL);
  g_object_unref (read_run (self, importer, inputs, n_inputs, cancellable, FALSE,
                            callback, user_data));
}

CkImporter *
ck_keeper_import_read_finish (CkKeeper      *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (ck_keeper_task_is (self, result, ck_keeper_import_read_async), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

CkImporter *
ck_keeper_import_read (CkKeeper                  *self,
                       CkImporter                *importer,
                       const CkKeeperImportInput *inputs,
                       guint                      n_inputs,
                       GCancellable              *cancellable,
                       GError                   **error)
{
  g_autoptr(GTask) task = NULL;

  g_return_val_if_fail (CK_IS_KEEPER (self), NULL);
  g_return_val_if_fail (importer == NULL || CK_IS_IMPORTER (importer), NULL);
  task = read_run (self, importer, inputs, n_inputs, cancellable, TRUE, NULL, NULL);
  return ck_keeper_import_read_finish (self, G_ASYNC_RESULT (task), error);
}

/* --- Unlocking --------------------------------------------------------- */

typedef struct
{
  CkImporter   *importer;
  CkImportItem *item;
  char         *password;
  GTask        *outer;    /* the caller's task, completed once the plan is changed */
} UnlockJob;

static void
unlock_job_free (UnlockJob *job)
{
  g_clear_object (&job->importer);
  g_clear_object (&job->item);
  ck_keeper_wipe_string (&job->password);
  g_clear_object (&job->outer);
  g_free (job);
}

static void
unlock_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  UnlockJob *job = task_data;
  CkImportUnlock *unlock;
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;
  unlock = ck_importer_open_locked (job->item, job->password, &error);
  ck_keeper_wipe_string (&job->password);
  if (unlock == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, unlock, (GDestroyNotify) ck_import_unlock_free);
}

/* On the caller's thread: the plan changes here, then the caller hears. */
static void
unlock_opened (GObject      *source,
               GAsyncResult *result,
               gpointer      user_data)
{
  UnlockJob *job = g_task_get_task_data (G_TASK (result));
  g_autoptr(GTask) outer = g_steal_pointer (&job->outer);
  GError *error = NULL;
  g_autoptr(CkImportUnlock) unlock = g_task_propagate_pointer (G_TASK (result), &error);

  if (unlock == NULL)
    {
      g_task_return_error (outer, error);
      return;
    }
  if (ck_importer_apply_unlocked (job->importer, unlock, &error))
    g_task_return_boolean (outer, TRUE);
  else
    g_task_return_error (outer, error);
}

void
ck_keeper_import_unlock_async (CkKeeper            *self,
                               CkImporter          *importer,
                               CkImportItem        *item,
                               const char          *password,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_autoptr(GTask) inner = NULL;
  UnlockJob *job;

  g_return_if_fail (CK_IS_KEEPER (self));
  g_return_if_fail (CK_IS_IMPORTER (importer));
  g_return_if_fail (CK_IS_IMPORT_ITEM (item));

  job = g_new0 (UnlockJob, 1);
  job->importer = g_object_ref (importer);
  job->item = g_object_ref (item);
  job->password = g_strdup (password != NULL ? password : "");
  job->outer = ck_keeper_task_new (self, ck_keeper_import_unlock_async, NULL, NULL,
                                   cancellable, callback, user_data);
  inner = g_task_new (self, cancellable, unlock_opened, NULL);
  g_task_set_task_data (inner, job, (GDestroyNotify) unlock_job_free);
  g_task_set_return_on_cancel (inner, FALSE);
  g_task_run_in_thread (inner, unlock_thread);
}

gboolean
ck_keeper_import_unlock_finish (CkKeeper      *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (ck_keeper_task_is (self, result, ck_keeper_import_unlock_async), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
ck_keeper_import_unlock (CkKeeper      *self,
                         CkImporter    *importer,
                         CkImportItem  *item,
                         const char    *password,
                         GError       **error)
{
  g_return_val_if_fail (CK_IS_KEEPER (self), FALSE);
  g_return_val_if_fail (CK_IS_IMPORTER (importer), FALSE);
  g_return_val_if_fail (CK_IS_IMPORT_ITEM (item), FALSE);
  /* The calling thread owns the plan and waits anyway: both halves here. */
  return ck_importer_unlock (importer, item, password, error);
}

/* --- Committing -------------------------------------------------------- */

void
ck_keeper_commit_free (CkKeeperCommit *commit)
{
  if (commit == NULL)
    return;
  g_clear_object (&commit->committed);
  g_clear_pointer (&commit->token_writes, g_ptr_array_unref);
  g_free (commit);
}

static void
token_write_free (CkKeeperTokenWrite *write)
{
  g_clear_object (&write->item);
  g_free (write);
}

typedef struct
{
  CkStore        *store;
  CkImportPlan   *plan;
  char           *passphrase;
  CkCommitFlags   flags;
  CkToken        *token;
  gboolean        all_certificates;
  CkProgressFunc  progress;
  gpointer        progress_data;
  GCancellable   *cancellable;
} CommitJob;

static void
commit_job_free (CommitJob *job)
{
  g_clear_object (&job->store);
  g_clear_object (&job->plan);
  g_clear_object (&job->token);
  ck_keeper_wipe_string (&job->passphrase);
  g_free (job);
}

/* The caller's progress, and the cancellable: FALSE rolls back. */
static gboolean
commit_progress (guint    done,
                 guint    total,
                 gpointer user_data)
{
  CommitJob *job = user_data;

  if (g_cancellable_is_cancelled (job->cancellable))
    return FALSE;
  return job->progress == NULL || job->progress (done, total, job->progress_data);
}

/* The keys this commit put onto the token go again: the store refused
 * them, and a token must not keep what the store does not know of. */
static void
take_token_keys_back (CkToken      *token,
                      CkImportPlan *plan,
                      CkImportPlan *committed)
{
  guint n = ck_import_plan_get_n_items (committed);

  g_return_if_fail (n == ck_import_plan_get_n_items (plan));
  for (guint i = 0; i < n; i++)
    {
      CkImportItem *was = ck_import_plan_get_item (plan, i);
      CkImportItem *now = ck_import_plan_get_item (committed, i);

      if (ck_import_item_get_kind (now) == CK_IMPORT_ITEM_PRIVATE_KEY && was != now &&
          ck_private_key_get_pkcs11_uri (ck_import_item_get_private_key (now)) != NULL)
        ck_keeper_delete_token_key (token, ck_import_item_get_private_key (now), NULL);
    }
}

static void
commit_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  CkKeeper *self = source_object;
  CommitJob *job = task_data;
  g_autoptr(CkKeeperCommit) commit = g_new0 (CkKeeperCommit, 1);
  GError *error = NULL;

  job->cancellable = cancellable;
  commit->token_writes = g_ptr_array_new_with_free_func ((GDestroyNotify) token_write_free);
  if (g_task_return_error_if_cancelled (task))
    return;

  if (job->token != NULL && job->all_certificates)
    {
      /* Everything checked before anything is written, store or token:
       * a certificate with its key in the input goes beside that key,
       * any other beside its key already on this token. */
      for (guint i = 0; i < ck_import_plan_get_n_items (job->plan); i++)
        {
          CkImportItem *item = ck_import_plan_get_item (job->plan, i);

          if (ck_import_item_get_kind (item) == CK_IMPORT_ITEM_CERTIFICATE &&
              !ck_token_plan_has_key_for (job->plan, item) &&
              !ck_keeper_check_certificate_for_token (self, ck_import_item_get_certificate (item),
                                                      job->token, &error))
            {
              g_task_return_error (task, error);
              return;
            }
        }
    }
  if (job->token != NULL)
    {
      commit->committed = ck_token_import_plan (job->token, job->plan, &commit->n_token_keys,
                                                &error);
      if (commit->committed == NULL)
        {
          g_task_return_error (task, error);
          return;
        }
    }
  else
    commit->committed = g_object_ref (job->plan);

  /* The store encrypts new keys before its write transaction begins. */
  if (!ck_store_commit (job->store, commit->committed, job->passphrase, job->flags,
                        commit_progress, job, &commit->summary, &error))
    {
      if (job->token != NULL && commit->n_token_keys > 0)
        take_token_keys_back (job->token, job->plan, commit->committed);
      g_task_return_error (task, error);
      return;
    }
  ck_keeper_wipe_string (&job->passphrase);

  /* Stored: the certificates for keys already on the token go there. */
  for (guint i = 0; job->token != NULL && i < ck_import_plan_get_n_items (commit->committed); i++)
    {
      CkImportItem *item = ck_import_plan_get_item (commit->committed, i);
      CkKeeperTokenWrite *write;

      if (ck_import_item_get_kind (item) != CK_IMPORT_ITEM_CERTIFICATE ||
          (!job->all_certificates && !ck_token_plan_has_key_for (commit->committed, item)))
        continue;
      write = g_new0 (CkKeeperTokenWrite, 1);
      write->item = g_object_ref (item);
      write->with_key = ck_token_plan_has_key_for (commit->committed, item);
      write->written = write->with_key;
      if (!write->with_key &&
          !ck_keeper_write_certificate_to_token (self, ck_import_item_get_certificate (item),
                                                 job->token, NULL, &write->written, &error))
        {
          token_write_free (write);
          g_prefix_error (&error, _("Imported into the store, but not written to the token: "));
          g_task_return_error (task, error);
          return;
        }
      g_ptr_array_add (commit->token_writes, write);
    }
  g_task_return_pointer (task, g_steal_pointer (&commit), (GDestroyNotify) ck_keeper_commit_free);
}

static GTask *
commit_run (CkKeeper                    *self,
            CkImportPlan                *plan,
            const CkKeeperCommitOptions *options,
            GCancellable                *cancellable,
            gboolean                     sync,
            GAsyncReadyCallback          callback,
            gpointer                     user_data)
{
  CommitJob *job = g_new0 (CommitJob, 1);
  GTask *task;

  job->store = g_object_ref (ck_keeper_get_store (self));
  job->plan = g_object_ref (plan);
  if (options != NULL)
    {
      job->passphrase = g_strdup (options->key_passphrase != NULL &&
                                  options->key_passphrase[0] != '\0'
                                  ? options->key_passphrase : NULL);
      job->flags = options->flags;
      job->token = options->token != NULL ? g_object_ref (options->token) : NULL;
      job->all_certificates = options->all_certificates_to_token;
      job->progress = options->progress;
      job->progress_data = options->progress_data;
    }
  task = ck_keeper_task_new (self, ck_keeper_import_commit_async, job,
                             (GDestroyNotify) commit_job_free, cancellable, callback, user_data);
  ck_keeper_task_start (task, commit_thread, sync);
  return task;
}

void
ck_keeper_import_commit_async (CkKeeper                    *self,
                               CkImportPlan                *plan,
                               const CkKeeperCommitOptions *options,
                               GCancellable                *cancellable,
                               GAsyncReadyCallback          callback,
                               gpointer                     user_data)
{
  g_return_if_fail (CK_IS_KEEPER (self));
  g_return_if_fail (ck_keeper_get_store (self) != NULL);
  g_return_if_fail (CK_IS_IMPORT_PLAN (plan));
  g_object_unref (commit_run (self, plan, options, cancellable, FALSE, callback, user_data));
}

CkKeeperCommit *
ck_keeper_import_commit_finish (CkKeeper      *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  g_return_val_if_fail (ck_keeper_task_is (self, result, ck_keeper_import_commit_async), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

CkKeeperCommit *
ck_keeper_import_commit (CkKeeper                    *self,
                         CkImportPlan                *plan,
                         const CkKeeperCommitOptions *options,
                         GCancellable                *cancellable,
                         GError                     **error)
{
  g_autoptr(GTask) task = NULL;

  g_return_val_if_fail (CK_IS_KEEPER (self), NULL);
  g_return_val_if_fail (ck_keeper_get_store (self) != NULL, NULL);
  g_return_val_if_fail (CK_IS_IMPORT_PLAN (plan), NULL);
  task = commit_run (self, plan, options, cancellable, TRUE, NULL, NULL);
  return ck_keeper_import_commit_finish (self, G_ASYNC_RESULT (task), error);
}
