/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The keeper's delete actions: an object out of the store, with its exact
 * undo, and an object off a token. One copy for the window (Delete and the
 * toast's Undo, the Tokens page) and certkeeper-cli delete. */
#include <glib/gi18n-lib.h>

#include "ck-error.h"
#include "ck-keeper-private.h"
#include "ck-store-private.h"

typedef struct
{
  CkStore       *store;
  gint64         id;
  CkDeletion    *deletion;   /* undo */
  CkToken       *token;      /* token object */
  CkTokenObject  object;
} DeleteJob;

static void
delete_job_free (DeleteJob *job)
{
  g_clear_object (&job->store);
  g_clear_object (&job->deletion);
  g_clear_object (&job->token);
  g_free (job->object.uri);
  g_free (job->object.label);
  g_free (job->object.id_hex);
  g_free (job->object.kind);
  g_free (job);
}

/* The trust module's triggers keep a distrust for its key when a
 * certificate goes: its tables must be in the store before a delete. On
 * the calling thread (CkTrust watches the store's models there); cheap
 * when nothing needs migrating. */
static gboolean
ensure_trust (CkKeeper  *self,
              GError   **error)
{
  g_autoptr(CkTrust) trust = NULL;

  if (ck_keeper_get_trust (self) != NULL)
    return TRUE;
  trust = ck_trust_new (ck_keeper_get_store (self), error);
  if (trust == NULL)
    return FALSE;
  ck_keeper_use_trust (self, trust, ck_keeper_get_verifier (self));
  return TRUE;
}

static void
delete_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  DeleteJob *job = task_data;
  CkDeletion *deletion;
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;
  deletion = ck_store_delete_for_undo (job->store, job->id, &error);
  if (deletion == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, deletion, g_object_unref);
}

/* Starts a store action of @job, once the trust module is open. */
static GTask *
store_job_run (CkKeeper            *self,
               gpointer             source_tag,
               DeleteJob           *job,
               GTaskThreadFunc      func,
               GCancellable        *cancellable,
               gboolean             sync,
               GAsyncReadyCallback  callback,
               gpointer             user_data)
{
  GError *error = NULL;
  GTask *task;

  job->store = g_object_ref (ck_keeper_get_store (self));
  task = ck_keeper_task_new (self, source_tag, job, (GDestroyNotify) delete_job_free,
                             cancellable, callback, user_data);
  if (!ensure_trust (self, &error))
    g_task_return_error (task, error);
  else
    ck_keeper_task_start (task, func, sync);
  return task;
}

static GTask *
delete_run (CkKeeper            *self,
            gint64               id,
            GCancellable        *cancellable,
            gboolean             sync,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  DeleteJob *job = g_new0 (DeleteJob, 1);

  job->id = id;
  return store_job_run (self, ck_keeper_delete_async, job, delete_thread, cancellable, sync,
                        callback, user_data);
}

void
ck_keeper_delete_async (CkKeeper            *self,
                        gint64               id,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_return_if_fail (CK_IS_KEEPER (self));
  g_return_if_fail (ck_keeper_get_store (self) != NULL);
  g_object_unref (delete_run (self, id, cancellable, FALSE, callback, user_data));
}

CkDeletion *
ck_keeper_delete_finish (CkKeeper      *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (ck_keeper_task_is (self, result, ck_keeper_delete_async), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

CkDeletion *
ck_keeper_delete (CkKeeper      *self,
                  gint64         id,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autoptr(GTask) task = NULL;

  g_return_val_if_fail (CK_IS_KEEPER (self), NULL);
  g_return_val_if_fail (ck_keeper_get_store (self) != NULL, NULL);
  task = delete_run (self, id, cancellable, TRUE, NULL, NULL);
  return ck_keeper_delete_finish (self, G_ASYNC_RESULT (task), error);
}

/* --- Undo -------------------------------------------------------------- */

static void
undo_thread (GTask        *task,
             gpointer      source_object,
             gpointer      task_data,
             GCancellable *cancellable)
{
  DeleteJob *job = task_data;
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;
  if (ck_store_restore (job->store, job->deletion, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static GTask *
undo_run (CkKeeper            *self,
          CkDeletion          *deletion,
          GCancellable        *cancellable,
          gboolean             sync,
          GAsyncReadyCallback  callback,
          gpointer             user_data)
{
  DeleteJob *job = g_new0 (DeleteJob, 1);

  job->deletion = g_object_ref (deletion);
  return store_job_run (self, ck_keeper_undo_delete_async, job, undo_thread, cancellable, sync,
                        callback, user_data);
}

void
ck_keeper_undo_delete_async (CkKeeper            *self,
                             CkDeletion          *deletion,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (CK_IS_KEEPER (self));
  g_return_if_fail (ck_keeper_get_store (self) != NULL);
  g_return_if_fail (CK_IS_DELETION (deletion));
  g_object_unref (undo_run (self, deletion, cancellable, FALSE, callback, user_data));
}

gboolean
ck_keeper_undo_delete_finish (CkKeeper      *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  g_return_val_if_fail (ck_keeper_task_is (self, result, ck_keeper_undo_delete_async), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
ck_keeper_undo_delete (CkKeeper      *self,
                       CkDeletion    *deletion,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autoptr(GTask) task = NULL;

  g_return_val_if_fail (CK_IS_KEEPER (self), FALSE);
  g_return_val_if_fail (ck_keeper_get_store (self) != NULL, FALSE);
  g_return_val_if_fail (CK_IS_DELETION (deletion), FALSE);
  task = undo_run (self, deletion, cancellable, TRUE, NULL, NULL);
  return ck_keeper_undo_delete_finish (self, G_ASYNC_RESULT (task), error);
}

/* --- Token objects ------------------------------------------------------ */

gboolean
ck_keeper_delete_token_key (CkToken       *token,
                            CkPrivateKey  *key,
                            GError       **error)
{
  g_autoptr(CkTokenObject) object = ck_token_object_new_for_key (key, error);

  return object != NULL && ck_token_delete_object (token, object, error);
}

static void
delete_token_object_thread (GTask        *task,
                            gpointer      source_object,
                            gpointer      task_data,
                            GCancellable *cancellable)
{
  DeleteJob *job = task_data;
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;
  if (ck_token_delete_object (job->token, &job->object, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

void
ck_keeper_delete_token_object_async (CkKeeper            *self,
                                     CkToken             *token,
                                     const CkTokenObject *object,
                                     GCancellable        *cancellable,
                                     GAsyncReadyCallback  callback,
                                     gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  DeleteJob *job;

  g_return_if_fail (CK_IS_KEEPER (self));
  g_return_if_fail (CK_IS_TOKEN (token));
  g_return_if_fail (object != NULL);

  job = g_new0 (DeleteJob, 1);
  job->token = g_object_ref (token);
  job->object.uri = g_strdup (object->uri);
  job->object.label = g_strdup (object->label);
  job->object.id_hex = g_strdup (object->id_hex != NULL ? object->id_hex : "");
  job->object.kind = g_strdup (object->kind);
  task = ck_keeper_task_new (self, ck_keeper_delete_token_object_async, job,
                             (GDestroyNotify) delete_job_free, cancellable, callback, user_data);
  ck_keeper_task_start (task, delete_token_object_thread, FALSE);
}

gboolean
ck_keeper_delete_token_object_finish (CkKeeper      *self,
                                      GAsyncResult  *result,
                                      GError       **error)
{
  g_return_val_if_fail (ck_keeper_task_is (self, result, ck_keeper_delete_token_object_async),
                        FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}
