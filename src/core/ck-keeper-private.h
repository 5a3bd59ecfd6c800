/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What CkKeeper's action files share (ck-keeper.c defines it): the task
 * helpers and the key a CkKeeperKeyChoice names, checked, opened or made,
 * and taken off its token again when the action fails. Core only. */

#include "ck-keeper.h"

G_BEGIN_DECLS

/* A GTask of @self that answers cancellation itself (the worker knows when
 * the store was written). */
GTask    *ck_keeper_task_new     (CkKeeper            *self,
                                  gpointer             source_tag,
                                  gpointer             data,
                                  GDestroyNotify       data_free,
                                  GCancellable        *cancellable,
                                  GAsyncReadyCallback  callback,
                                  gpointer             user_data);
/* In a worker thread, or (@sync, the blocking forms) in one while this
 * thread waits. */
void      ck_keeper_task_start   (GTask               *task,
                                  GTaskThreadFunc      func,
                                  gboolean             sync);
/* Zeroes and frees a secret string. */
void      ck_keeper_wipe_string  (char               **str);

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
