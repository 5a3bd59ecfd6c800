/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What the keeper's action files (ck-keeper.c, ck-keeper-import.c,
 * ck-keeper-delete.c, ck-keeper-export.c, ck-keeper-issue.c…) share: one
 * way to make and run an action's GTask, so that every action answers
 * cancellation, threads and errors alike. Never used outside the core. */
/* And the key a CkKeeperKeyChoice names, checked, opened or made, and
 * taken off its token again when the action fails. */

#include "ck-keeper.h"

G_BEGIN_DECLS

/* A GTask of @self tagged @source_tag (the action's _async function) with
 * @data as its task data. Return-on-cancel is off: the worker answers
 * cancellation itself, since it knows when the store has been written and
 * the answer is no longer "nothing happened". */
GTask   *ck_keeper_task_new   (CkKeeper            *self,
                               gpointer             source_tag,
                               gpointer             data,
                               GDestroyNotify       data_free,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data);
/* Runs @func in a worker thread (the _async forms), or in one while this
 * thread waits (@sync: the blocking forms). */
void     ck_keeper_task_start (GTask               *task,
                               GTaskThreadFunc      func,
                               gboolean             sync);
/* Checks that @result is a task of @self from @source_tag. */
gboolean ck_keeper_task_is    (CkKeeper            *self,
                               GAsyncResult        *result,
                               gpointer             source_tag);
/* Wipes a password or passphrase and frees it; *@str becomes NULL. */
void     ck_keeper_wipe_string (char              **str);

/* Takes @key, made on @token, off the token again with its public half
 * (ck-keeper-delete.c): what a failed action that made it leaves. */
gboolean ck_keeper_delete_token_key (CkToken           *token,
                                     CkPrivateKey      *key,
                                     GError           **error);

typedef struct _CkKeeperKeyJob CkKeeperKeyJob;

/* A copy of @key (its passphrase wiped when freed). */
CkKeeperKeyJob *ck_keeper_key_job_new         (CkKeeper                *self,
                                               const CkKeeperKeyChoice *key);
void            ck_keeper_key_job_free        (CkKeeperKeyJob          *job);
/* What can be said before a key is made or opened. */
gboolean        ck_keeper_key_job_check       (CkKeeperKeyJob          *job,
                                               GError                 **error);
/* Generates, unlocks or opens the key (cancellable while generating). */
CkPrivateKey   *ck_keeper_key_job_open        (CkKeeperKeyJob          *job,
                                               GCancellable            *cancellable,
                                               GError                 **error);
/* CK_KEEPER_KEY_NEW or CK_KEEPER_KEY_TOKEN_NEW: the action stores it. */
gboolean        ck_keeper_key_job_is_new      (CkKeeperKeyJob          *job);
/* How a new key is stored (transfer none). */
void            ck_keeper_key_job_get_storage (CkKeeperKeyJob          *job,
                                               const char             **label,
                                               const char             **passphrase,
                                               CkCommitFlags           *flags);
/* After a failure (*@error set): a key generated on a token for the job
 * is taken off it again; if that fails too, *@error says so as well. */
void            ck_keeper_key_job_discard     (CkKeeperKeyJob          *job,
                                               CkPrivateKey            *key,
                                               GError                 **error);

G_END_DECLS
