/* SPDX-License-Identifier: GPL-3.0-or-later */
/* CkKeeper: the user's actions, one copy for the window and the command
 * line. Modelled on GcrImporter (an action object with _async/_finish and
 * a cancellable) and GNOME Text Editor's EditorDocument (the work done in a
 * GTask thread on a snapshot of its inputs, the result applied back on the
 * caller's context). */
#include <glib/gi18n-lib.h>

#include "ck-error.h"
#include "ck-keeper.h"
#include "ck-keeper-private.h"
#include "ck-key-vault.h"
#include "ck-store-private.h"

#include <string.h>

struct _CkKeeper
{
  GObject     parent_instance;

  CkStore    *store;
  CkTrust    *trust;
  CkVerifier *verifier;
};

G_DEFINE_FINAL_TYPE (CkKeeper, ck_keeper, G_TYPE_OBJECT)

static void
ck_keeper_finalize (GObject *object)
{
  CkKeeper *self = CK_KEEPER (object);

  g_clear_object (&self->verifier);
  g_clear_object (&self->trust);
  g_clear_object (&self->store);
  G_OBJECT_CLASS (ck_keeper_parent_class)->finalize (object);
}

static void
ck_keeper_class_init (CkKeeperClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ck_keeper_finalize;
}

static void
ck_keeper_init (CkKeeper *self)
{
}

CkKeeper *
ck_keeper_new (CkStore *store)
{
  CkKeeper *self;

  g_return_val_if_fail (store == NULL || CK_IS_STORE (store), NULL);
  self = g_object_new (CK_TYPE_KEEPER, NULL);
  self->store = store != NULL ? g_object_ref (store) : NULL;
  return self;
}

CkStore *
ck_keeper_get_store (CkKeeper *self)
{
  g_return_val_if_fail (CK_IS_KEEPER (self), NULL);
  return self->store;
}

void
ck_keeper_use_trust (CkKeeper   *self,
                     CkTrust    *trust,
                     CkVerifier *verifier)
{
  g_return_if_fail (CK_IS_KEEPER (self));
  g_return_if_fail (trust == NULL || CK_IS_TRUST (trust));
  g_return_if_fail (verifier == NULL || CK_IS_VERIFIER (verifier));
  g_set_object (&self->trust, trust);
  g_set_object (&self->verifier, verifier);
}

CkTrust *
ck_keeper_get_trust (CkKeeper *self)
{
  g_return_val_if_fail (CK_IS_KEEPER (self), NULL);
  return self->trust;
}

CkVerifier *
ck_keeper_get_verifier (CkKeeper *self)
{
  g_return_val_if_fail (CK_IS_KEEPER (self), NULL);
  return self->verifier;
}

/* --- Shared ------------------------------------------------------------ */

void
ck_keeper_wipe_string (char **str)
{
  if (*str != NULL)
    {
      explicit_bzero (*str, strlen (*str));
      g_clear_pointer (str, g_free);
    }
}

GTask *
ck_keeper_task_new (CkKeeper            *self,
                    gpointer             source_tag,
                    gpointer             data,
                    GDestroyNotify       data_free,
                    GCancellable        *cancellable,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  GTask *task = g_task_new (self, cancellable, callback, user_data);

  g_task_set_source_tag (task, source_tag);
  g_task_set_task_data (task, data, data_free);
  g_task_set_return_on_cancel (task, FALSE);
  return task;
}

void
ck_keeper_task_start (GTask           *task,
                      GTaskThreadFunc  func,
                      gboolean         sync)
{
  if (sync)
    g_task_run_in_thread_sync (task, func);
  else
    g_task_run_in_thread (task, func);
}

gboolean
ck_keeper_task_is (CkKeeper     *self,
                   GAsyncResult *result,
                   gpointer      source_tag)
{
  return g_task_is_valid (result, self) &&
         g_task_get_source_tag (G_TASK (result)) == source_tag;
}

/* --- Making a request -------------------------------------------------- */

struct _CkKeeperKeyJob
{
  CkStore             *store;
  CkRequestBuilder    *builder;     /* the worker's own copy; NULL for a key alone */
  CkKeeperKeySource    source;
  CkKeySpec            spec;
  char                *curve;
  char                *label;
  char                *passphrase;
  gboolean             no_passphrase;
  gint64               key_id;
  CkToken             *token;
  GBytes              *token_id;
  gboolean             extractable;
  char                *uri;
  CkPrivateKey        *key;
  CkKeeperRequestSink  sink;
  gpointer             sink_data;

  /* Results */
  CkRequest           *request;
  CkKeeperRequestResult result;
};
typedef CkKeeperKeyJob RequestJob;

static void
request_job_free (RequestJob *job)
{
  g_clear_object (&job->store);
  g_clear_object (&job->builder);
  g_clear_object (&job->token);
  g_clear_pointer (&job->token_id, g_bytes_unref);
  g_clear_object (&job->request);
  g_clear_object (&job->key);
  g_free (job->curve);
  g_free (job->label);
  g_free (job->uri);
  ck_keeper_wipe_string (&job->passphrase);
  g_free (job);
}

static RequestJob *
request_job_new (CkKeeper                *self,
                 CkRequestBuilder        *builder,
                 const CkKeeperKeyChoice *key,
                 CkKeeperRequestSink      sink,
                 gpointer                 sink_data)
{
  RequestJob *job = g_new0 (RequestJob, 1);

  job->store = g_object_ref (self->store);
  job->builder = builder != NULL ? ck_request_builder_copy (builder) : NULL;
  job->source = key->source;
  job->spec = key->spec;
  job->curve = g_strdup (key->spec.curve);
  job->spec.curve = job->curve;
  job->label = g_strdup (key->label != NULL && key->label[0] != '\0' ? key->label : NULL);
  job->passphrase = g_strdup (key->passphrase != NULL && key->passphrase[0] != '\0'
                              ? key->passphrase : NULL);
  job->no_passphrase = key->no_passphrase;
  job->key_id = key->key_id;
  job->token = key->token != NULL ? g_object_ref (key->token) : NULL;
  job->token_id = key->token_id != NULL ? g_bytes_ref (key->token_id) : NULL;
  job->extractable = key->extractable;
  job->uri = g_strdup (key->uri);
  if (key->key != NULL && (key->source == CK_KEEPER_KEY_STORED || key->source == CK_KEEPER_KEY_TOKEN))
    job->key = g_object_ref (key->key);
  job->sink = sink;
  job->sink_data = sink_data;
  return job;
}

/* What can be said before a key is made, so that a doomed request costs
 * no RSA 8192 key and no object on a token. */
static gboolean
request_job_check (RequestJob  *job,
                   GError     **error)
{
  g_autoptr(GPtrArray) findings = job->builder != NULL ? ck_request_builder_check (job->builder)
                                                       : NULL;

  if (findings != NULL && ck_request_findings_have_errors (findings))
    {
      g_autofree char *errors = ck_request_findings_describe (findings, CK_FINDING_ERROR);

      g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                   _("The request has errors; nothing was made:\n%s"), errors);
      return FALSE;
    }
  switch (job->source)
    {
    case CK_KEEPER_KEY_NEW:
      if (!ck_key_spec_validate (&job->spec, error))
        return FALSE;
      /* An unlocked store vault protects it without a passphrase. */
      if (job->passphrase == NULL && !job->no_passphrase &&
          !ck_key_vault_is_unlocked (ck_key_vault_get (job->store)))
        {
          g_set_error_literal (error, CK_ERROR, CK_ERROR_PASSWORD_REQUIRED,
                               _("The new key needs a passphrase to be stored encrypted"));
          return FALSE;
        }
      return TRUE;
    case CK_KEEPER_KEY_STORED:
      if (ck_store_get_kind (job->store, job->key_id) != CK_OBJECT_KEY)
        {
          g_set_error (error, CK_ERROR, CK_ERROR_NOT_FOUND,
                       _("There is no key %lld in the store"), (long long) job->key_id);
          return FALSE;
        }
      return TRUE;
    case CK_KEEPER_KEY_TOKEN_NEW:
      if (job->token == NULL)
        {
          g_set_error_literal (error, CK_ERROR, CK_ERROR_INVALID,
                               _("No token was chosen for the new key"));
          return FALSE;
        }
      if (job->label == NULL)
        {
          g_set_error_literal (error, CK_ERROR, CK_ERROR_INVALID, _("A key on a token needs a label"));
          return FALSE;
        }
      return TRUE;
    case CK_KEEPER_KEY_TOKEN:
      if (job->key != NULL && ck_private_key_is_on_token (job->key))
        return TRUE;
      if (job->uri == NULL || !g_str_has_prefix (job->uri, "pkcs11:"))
        {
          g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                       _("“%s” is not a pkcs11: URI"), job->uri != NULL ? job->uri : "");
          return FALSE;
        }
      return TRUE;
    default:
      g_return_val_if_reached (FALSE);
    }
}

static CkPrivateKey *
request_job_get_key (RequestJob    *job,
                     GCancellable  *cancellable,
                     GError       **error)
{
  if (job->key != NULL)
    return g_object_ref (job->key);
  switch (job->source)
    {
    case CK_KEEPER_KEY_NEW:
      return ck_key_generate (&job->spec, cancellable, error);
    case CK_KEEPER_KEY_STORED:
      return ck_store_load_private_key (job->store, job->key_id, job->passphrase, error);
    case CK_KEEPER_KEY_TOKEN_NEW:
      {
        CkTokenKeySpec spec = {
          .spec = job->spec, .label = job->label, .id = job->token_id,
          .extractable = job->extractable, .decrypt = FALSE,
        };

        return ck_token_generate_key (job->token, &spec, error);
      }
    case CK_KEEPER_KEY_TOKEN:
      return ck_private_key_new_from_pkcs11_uri (job->uri, error);
    default:
      g_return_val_if_reached (NULL);
    }
}

/* The last step inside the transaction: a cancel that came in time still
 * stops everything, then the request goes where the user wants it. */
static gboolean
request_before_commit (CkStore  *store,
                       sqlite3  *db,
                       gpointer  user_data,
                       GError  **error)
{
  GTask *task = user_data;
  RequestJob *job = g_task_get_task_data (task);

  GCancellable *cancellable = g_task_get_cancellable (task);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return FALSE;
  if (job->sink != NULL && !job->sink (job->request, job->sink_data, error))
    return FALSE;
  return !g_cancellable_set_error_if_cancelled (cancellable, error);
}

static void
create_request_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  RequestJob *job = task_data;
  g_autoptr(CkPrivateKey) key = NULL;
  g_autoptr(GError) error = NULL;
  gboolean stored;

  if (!request_job_check (job, &error) ||
      g_cancellable_set_error_if_cancelled (cancellable, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  key = request_job_get_key (job, cancellable, &error);
  if (key != NULL)
    {
      ck_request_builder_set_key_info (job->builder, ck_private_key_get_algorithm_id (key),
                                       ck_private_key_get_bits (key));
      job->request = ck_request_builder_build (job->builder, key, CK_BUILD_NONE, &error);
    }
  stored = job->request != NULL &&
           !g_cancellable_set_error_if_cancelled (cancellable, &error) &&
           ck_store_add_request_with_key (job->store,
                                          job->source == CK_KEEPER_KEY_STORED ? NULL : key,
                                          job->label, job->passphrase,
                                          job->no_passphrase ? CK_COMMIT_NO_KEY_PASSPHRASE
                                                             : CK_COMMIT_NONE,
                                          job->request,
                                          ck_request_profile_to_string (ck_request_builder_get_profile (job->builder)),
                                          request_before_commit, task,
                                          &job->result.key_id, &job->result.request_id,
                                          &job->result.key_added, &job->result.request_existed,
                                          &error);
  if (!stored)
    {
      /* Nothing left behind: a key made on a token for this request goes
       * again (a key made in memory is wiped when dropped). */
      ck_keeper_key_job_discard (job, key, &error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_task_return_boolean (task, TRUE);
}

CkKeeperKeyJob *
ck_keeper_key_job_new (CkKeeper                *self,
                       const CkKeeperKeyChoice *key)
{
  return request_job_new (self, NULL, key, NULL, NULL);
}

void
ck_keeper_key_job_free (CkKeeperKeyJob *job)
{
  request_job_free (job);
}

gboolean
ck_keeper_key_job_check (CkKeeperKeyJob  *job,
                         GError         **error)
{
  return request_job_check (job, error);
}

CkPrivateKey *
ck_keeper_key_job_open (CkKeeperKeyJob  *job,
                        GCancellable    *cancellable,
                        GError         **error)
{
  return request_job_get_key (job, cancellable, error);
}

gboolean
ck_keeper_key_job_is_new (CkKeeperKeyJob *job)
{
  return job->source == CK_KEEPER_KEY_NEW || job->source == CK_KEEPER_KEY_TOKEN_NEW;
}

void
ck_keeper_key_job_get_storage (CkKeeperKeyJob  *job,
                               const char     **label,
                               const char     **passphrase,
                               CkCommitFlags   *flags)
{
  *label = job->label;
  *passphrase = job->passphrase;
  *flags = job->no_passphrase ? CK_COMMIT_NO_KEY_PASSPHRASE : CK_COMMIT_NONE;
}

void
ck_keeper_key_job_discard (CkKeeperKeyJob  *job,
                           CkPrivateKey    *key,
                           GError         **error)
{
  g_autoptr(GError) delete_error = NULL;

  /* A key made in memory is wiped when dropped; one made on a token goes
   * again. */
  if (key == NULL || job->source != CK_KEEPER_KEY_TOKEN_NEW)
    return;
  if (!ck_keeper_delete_token_key (job->token, key, &delete_error) && error != NULL && *error != NULL)
    {
      GError *both = g_error_new ((*error)->domain, (*error)->code,
                                  _("%s (and the new key could not be taken off the token again: %s)"),
                                  (*error)->message, delete_error->message);

      g_clear_error (error);
      *error = both;
    }
}

void
ck_keeper_create_request_async (CkKeeper                *self,
                                CkRequestBuilder        *builder,
                                const CkKeeperKeyChoice *key,
                                CkKeeperRequestSink      sink,
                                gpointer                 sink_data,
                                GCancellable            *cancellable,
                                GAsyncReadyCallback      callback,
                                gpointer                 user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (CK_IS_KEEPER (self));
  g_return_if_fail (self->store != NULL);
  g_return_if_fail (CK_IS_REQUEST_BUILDER (builder));
  g_return_if_fail (key != NULL);

  task = ck_keeper_task_new (self, ck_keeper_create_request_async,
                          request_job_new (self, builder, key, sink, sink_data),
                          (GDestroyNotify) request_job_free, cancellable, callback, user_data);
  g_task_run_in_thread (task, create_request_thread);
}

CkRequest *
ck_keeper_create_request_finish (CkKeeper               *self,
                                 GAsyncResult           *result,
                                 CkKeeperRequestResult  *out,
                                 GError                **error)
{
  RequestJob *job;

  g_return_val_if_fail (CK_IS_KEEPER (self), NULL);
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ck_keeper_create_request_async, NULL);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;
  job = g_task_get_task_data (G_TASK (result));
  if (out != NULL)
    *out = job->result;
  return g_object_ref (job->request);
}

CkRequest *
ck_keeper_create_request (CkKeeper                *self,
                          CkRequestBuilder        *builder,
                          const CkKeeperKeyChoice *key,
                          CkKeeperRequestSink      sink,
                          gpointer                 sink_data,
                          GCancellable            *cancellable,
                          CkKeeperRequestResult   *out,
                          GError                 **error)
{
  g_autoptr(GTask) task = NULL;

  g_return_val_if_fail (CK_IS_KEEPER (self), NULL);
  g_return_val_if_fail (self->store != NULL, NULL);
  g_return_val_if_fail (CK_IS_REQUEST_BUILDER (builder), NULL);
  g_return_val_if_fail (key != NULL, NULL);

  task = ck_keeper_task_new (self, ck_keeper_create_request_async,
                          request_job_new (self, builder, key, sink, sink_data),
                          (GDestroyNotify) request_job_free, cancellable, NULL, NULL);
  g_task_run_in_thread_sync (task, create_request_thread);
  return ck_keeper_create_request_finish (self, G_ASYNC_RESULT (task), out, error);
}

/* --- Tokens ------------------------------------------------------------ */

typedef struct
{
  CkToken       *token;
  char          *pin;
  gboolean       login;      /* else only read the state */
  CkCertificate *certificate;
  char          *key_uri;
  gboolean       written;
} TokenJob;

static void
token_job_free (TokenJob *job)
{
  g_clear_object (&job->token);
  ck_keeper_wipe_string (&job->pin);
  g_clear_object (&job->certificate);
  g_free (job->key_uri);
  g_free (job);
}

static void
token_login_thread (GTask        *task,
                    gpointer      source_object,
                    gpointer      task_data,
                    GCancellable *cancellable)
{
  TokenJob *job = task_data;
  GError *error = NULL;
  gboolean ok;

  if (g_task_return_error_if_cancelled (task))
    return;
  if (!job->login)
    ok = ck_token_refresh (job->token, &error);
  else if (ck_token_is_logged_in (job->token))
    ok = TRUE;
  else
    /* Reads the flags first: a locked PIN is refused without a try. */
    ok = ck_token_login (job->token, job->pin, &error);
  ck_keeper_wipe_string (&job->pin);
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

/* Logging in (@login) or reading the state: one job, started in a worker
 * thread (@callback given) or run in this one. */
static GTask *
token_login_run (CkKeeper            *self,
                 CkToken             *token,
                 const char          *pin,
                 gboolean             login,
                 GCancellable        *cancellable,
                 gboolean            sync,
                 GAsyncReadyCallback  callback,
                 gpointer             user_data)
{
  TokenJob *job = g_new0 (TokenJob, 1);
  GTask *task;

  job->token = g_object_ref (token);
  job->pin = g_strdup (pin);
  job->login = login;
  task = ck_keeper_task_new (self, login ? (gpointer) ck_keeper_token_login_async
                                      : (gpointer) ck_keeper_token_refresh_async,
                          job, (GDestroyNotify) token_job_free, cancellable, callback, user_data);
  ck_keeper_task_start (task, token_login_thread, sync);
  return task;
}

static gboolean
token_login_finish (CkKeeper      *self,
                    GAsyncResult  *result,
                    gpointer       source_tag,
                    GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

void
ck_keeper_token_login_async (CkKeeper            *self,
                             CkToken             *token,
                             const char          *pin,
                             GCancellable        *cancellable,
                             GAsyncReadyCallback  callback,
                             gpointer             user_data)
{
  g_return_if_fail (CK_IS_KEEPER (self));
  g_return_if_fail (CK_IS_TOKEN (token));
  g_object_unref (token_login_run (self, token, pin, TRUE, cancellable, FALSE, callback, user_data));
}

gboolean
ck_keeper_token_login_finish (CkKeeper      *self,
                              GAsyncResult  *result,
                              GError       **error)
{
  return token_login_finish (self, result, ck_keeper_token_login_async, error);
}

gboolean
ck_keeper_token_login (CkKeeper      *self,
                       CkToken       *token,
                       const char    *pin,
                       GCancellable  *cancellable,
                       GError       **error)
{
  g_autoptr(GTask) task = NULL;

  g_return_val_if_fail (CK_IS_KEEPER (self), FALSE);
  g_return_val_if_fail (CK_IS_TOKEN (token), FALSE);
  task = token_login_run (self, token, pin, TRUE, cancellable, TRUE, NULL, NULL);
  return ck_keeper_token_login_finish (self, G_ASYNC_RESULT (task), error);
}

void
ck_keeper_token_refresh_async (CkKeeper            *self,
                               CkToken             *token,
                               GCancellable        *cancellable,
                               GAsyncReadyCallback  callback,
                               gpointer             user_data)
{
  g_return_if_fail (CK_IS_KEEPER (self));
  g_return_if_fail (CK_IS_TOKEN (token));
  g_object_unref (token_login_run (self, token, NULL, FALSE, cancellable, FALSE, callback, user_data));
}

gboolean
ck_keeper_token_refresh_finish (CkKeeper      *self,
                                GAsyncResult  *result,
                                GError       **error)
{
  return token_login_finish (self, result, ck_keeper_token_refresh_async, error);
}

char *
ck_keeper_dup_token_key_uri (CkKeeper       *self,
                             CkCertificate  *certificate,
                             GError        **error)
{
  CkStoredKey *row;
  gint64 key_id;

  g_return_val_if_fail (CK_IS_KEEPER (self), NULL);
  g_return_val_if_fail (self->store != NULL, NULL);
  g_return_val_if_fail (CK_IS_CERTIFICATE (certificate), NULL);

  key_id = ck_store_find_key (self->store, ck_certificate_get_spki_sha256 (certificate));
  row = key_id > 0 ? ck_store_get_key_row (self->store, key_id) : NULL;
  if (row == NULL || ck_stored_key_get_pkcs11_uri (row) == NULL)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_MISMATCH,
                   _("Certificate “%s”: its key is not a key on a token in the store; "
                   "only certificates of token keys go onto a token"),
                   ck_certificate_get_display_name (certificate));
      return NULL;
    }
  return g_strdup (ck_stored_key_get_pkcs11_uri (row));
}

/* The token of @key_uri, which must be @token when one is given. */
static gboolean
check_key_token (const char     *key_uri,
                 CkCertificate  *certificate,
                 CkToken        *token,
                 CkToken       **key_token,
                 GError        **error)
{
  g_autoptr(CkToken) found = ck_token_lookup_for_object (key_uri, error);

  if (found == NULL)
    return FALSE;
  if (token != NULL && !g_str_equal (ck_token_get_uri (token), ck_token_get_uri (found)))
    {
      g_set_error (error, CK_ERROR, CK_ERROR_MISMATCH,
                   _("Certificate “%s”: its key is on token “%s”, not on “%s”"),
                   ck_certificate_get_display_name (certificate), ck_token_get_label (found),
                   ck_token_get_label (token));
      return FALSE;
    }
  if (key_token != NULL)
    *key_token = g_steal_pointer (&found);
  return TRUE;
}

gboolean
ck_keeper_check_certificate_for_token (CkKeeper       *self,
                                       CkCertificate  *certificate,
                                       CkToken        *token,
                                       GError        **error)
{
  g_autofree char *key_uri = ck_keeper_dup_token_key_uri (self, certificate, error);

  return key_uri != NULL && check_key_token (key_uri, certificate, token, NULL, error);
}

static void
write_certificate_thread (GTask        *task,
                          gpointer      source_object,
                          gpointer      task_data,
                          GCancellable *cancellable)
{
  TokenJob *job = task_data;
  g_autoptr(CkToken) key_token = NULL;
  g_autoptr(CkPrivateKey) key = NULL;
  GError *error = NULL;
  const char *name = ck_certificate_get_display_name (job->certificate);

  if (g_task_return_error_if_cancelled (task))
    return;
  if (!check_key_token (job->key_uri, job->certificate, job->token, &key_token, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (job->token == NULL)
    job->token = g_steal_pointer (&key_token);
  /* The private key is found only once logged in. */
  if (ck_token_needs_login (job->token) && !ck_token_is_logged_in (job->token))
    {
      g_task_return_new_error (task, CK_ERROR, CK_ERROR_PASSWORD_REQUIRED,
                               _("Token “%s”: log in to write the certificate “%s”"),
                               ck_token_get_label (job->token), name);
      return;
    }
  if (ck_token_has_certificate (job->token, job->certificate))
    {
      job->written = FALSE;
      g_task_return_boolean (task, TRUE);
      return;
    }
  key = ck_private_key_new_from_pkcs11_uri (job->key_uri, &error);
  if (key == NULL || !ck_token_import_certificate (job->token, job->certificate, key, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  job->written = TRUE;
  g_task_return_boolean (task, TRUE);
}

static GTask *
write_certificate_task (CkKeeper            *self,
                        CkCertificate       *certificate,
                        CkToken             *token,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  GError *error = NULL;
  TokenJob *job = g_new0 (TokenJob, 1);
  GTask *task;

  job->certificate = g_object_ref (certificate);
  job->token = token != NULL ? g_object_ref (token) : NULL;
  /* The store is read here, on its thread; the token in the worker. */
  job->key_uri = ck_keeper_dup_token_key_uri (self, certificate, &error);
  task = ck_keeper_task_new (self, ck_keeper_write_certificate_to_token_async, job,
                          (GDestroyNotify) token_job_free, cancellable, callback, user_data);
  if (job->key_uri == NULL)
    g_task_return_error (task, error);
  return task;
}

void
ck_keeper_write_certificate_to_token_async (CkKeeper            *self,
                                            CkCertificate       *certificate,
                                            CkToken             *token,
                                            GCancellable        *cancellable,
                                            GAsyncReadyCallback  callback,
                                            gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;

  g_return_if_fail (CK_IS_KEEPER (self));
  g_return_if_fail (CK_IS_CERTIFICATE (certificate));
  g_return_if_fail (token == NULL || CK_IS_TOKEN (token));

  task = write_certificate_task (self, certificate, token, cancellable, callback, user_data);
  if (!g_task_had_error (task))
    g_task_run_in_thread (task, write_certificate_thread);
}

gboolean
ck_keeper_write_certificate_to_token_finish (CkKeeper      *self,
                                             GAsyncResult  *result,
                                             gboolean      *written,
                                             GError       **error)
{
  TokenJob *job;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) ==
                        ck_keeper_write_certificate_to_token_async, FALSE);

  job = g_task_get_task_data (G_TASK (result));
  if (written != NULL)
    *written = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  if (written != NULL)
    *written = job->written;
  return TRUE;
}

gboolean
ck_keeper_write_certificate_to_token (CkKeeper       *self,
                                      CkCertificate  *certificate,
                                      CkToken        *token,
                                      GCancellable   *cancellable,
                                      gboolean       *written,
                                      GError        **error)
{
  g_autoptr(GTask) task = NULL;

  g_return_val_if_fail (CK_IS_KEEPER (self), FALSE);
  g_return_val_if_fail (CK_IS_CERTIFICATE (certificate), FALSE);
  g_return_val_if_fail (token == NULL || CK_IS_TOKEN (token), FALSE);

  task = write_certificate_task (self, certificate, token, cancellable, NULL, NULL);
  if (!g_task_had_error (task))
    g_task_run_in_thread_sync (task, write_certificate_thread);
  return ck_keeper_write_certificate_to_token_finish (self, G_ASYNC_RESULT (task), written, error);
}

/* --- Keys -------------------------------------------------------------- */

static void
generate_key_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  RequestJob *job = task_data;
  g_autoptr(CkPrivateKey) key = NULL;
  GError *error = NULL;
  gboolean stored;

  if (job->source != CK_KEEPER_KEY_NEW && job->source != CK_KEEPER_KEY_TOKEN_NEW)
    {
      g_task_return_new_error (task, CK_ERROR, CK_ERROR_INVALID,
                               _("Only a new key can be generated"));
      return;
    }
  /* The same checks as for a request's key, before any work. */
  if (job->source == CK_KEEPER_KEY_NEW && !ck_key_spec_validate (&job->spec, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  if (job->source == CK_KEEPER_KEY_NEW && job->passphrase == NULL && !job->no_passphrase &&
      !ck_key_vault_is_unlocked (ck_key_vault_get (job->store)))
    {
      g_task_return_new_error (task, CK_ERROR, CK_ERROR_PASSWORD_REQUIRED,
                               _("The new key needs a passphrase to be stored encrypted"));
      return;
    }
  if (job->source == CK_KEEPER_KEY_TOKEN_NEW && job->token == NULL)
    {
      g_task_return_new_error (task, CK_ERROR, CK_ERROR_INVALID,
                               _("No token was chosen for the new key"));
      return;
    }

  key = request_job_get_key (job, cancellable, &error);
  stored = key != NULL &&
           !g_cancellable_set_error_if_cancelled (cancellable, &error) &&
           ck_store_add_key (job->store, key, job->label, job->passphrase,
                             job->no_passphrase ? CK_COMMIT_NO_KEY_PASSPHRASE : CK_COMMIT_NONE,
                             &job->result.key_id, &error);
  if (!stored)
    {
      ck_keeper_key_job_discard (job, key, &error);
      g_task_return_error (task, error);
      return;
    }
  job->result.key_added = TRUE;
  g_task_return_pointer (task, g_steal_pointer (&key), g_object_unref);
}

static GTask *
generate_key_run (CkKeeper                *self,
                  const CkKeeperKeyChoice *key,
                  GCancellable            *cancellable,
                  gboolean                 sync,
                  GAsyncReadyCallback      callback,
                  gpointer                 user_data)
{
  GTask *task = ck_keeper_task_new (self, ck_keeper_generate_key_async,
                                 request_job_new (self, NULL, key, NULL, NULL),
                                 (GDestroyNotify) request_job_free, cancellable, callback, user_data);

  ck_keeper_task_start (task, generate_key_thread, sync);
  return task;
}

void
ck_keeper_generate_key_async (CkKeeper                *self,
                              const CkKeeperKeyChoice *key,
                              GCancellable            *cancellable,
                              GAsyncReadyCallback      callback,
                              gpointer                 user_data)
{
  g_return_if_fail (CK_IS_KEEPER (self));
  g_return_if_fail (self->store != NULL);
  g_return_if_fail (key != NULL);
  g_object_unref (generate_key_run (self, key, cancellable, FALSE, callback, user_data));
}

CkPrivateKey *
ck_keeper_generate_key_finish (CkKeeper      *self,
                               GAsyncResult  *result,
                               gint64        *key_id,
                               GError       **error)
{
  RequestJob *job;
  CkPrivateKey *key;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ck_keeper_generate_key_async, NULL);

  job = g_task_get_task_data (G_TASK (result));
  key = g_task_propagate_pointer (G_TASK (result), error);
  if (key_id != NULL)
    *key_id = key != NULL ? job->result.key_id : 0;
  return key;
}

CkPrivateKey *
ck_keeper_generate_key (CkKeeper                *self,
                        const CkKeeperKeyChoice *key,
                        GCancellable            *cancellable,
                        gint64                  *key_id,
                        GError                 **error)
{
  g_autoptr(GTask) task = NULL;

  g_return_val_if_fail (CK_IS_KEEPER (self), NULL);
  g_return_val_if_fail (self->store != NULL, NULL);
  g_return_val_if_fail (key != NULL, NULL);
  task = generate_key_run (self, key, cancellable, TRUE, NULL, NULL);
  return ck_keeper_generate_key_finish (self, G_ASYNC_RESULT (task), key_id, error);
}

/* --- Trust ------------------------------------------------------------- */

static gboolean
set_trust (CkKeeper      *self,
           gint64         certificate_id,
           const char    *purpose,
           CkTrustLevel   level,
           GError       **error)
{
  if (self->trust == NULL)
    {
      g_set_error_literal (error, CK_ERROR, CK_ERROR_FAILED, _("Trust settings cannot be read"));
      return FALSE;
    }
  return ck_trust_set (self->trust, certificate_id, purpose, level, error);
}

void
ck_keeper_set_trust_async (CkKeeper            *self,
                           gint64               certificate_id,
                           const char          *purpose,
                           CkTrustLevel         level,
                           GCancellable        *cancellable,
                           GAsyncReadyCallback  callback,
                           gpointer             user_data)
{
  g_autoptr(GTask) task = NULL;
  GError *error = NULL;

  g_return_if_fail (CK_IS_KEEPER (self));
  g_return_if_fail (self->store != NULL);

  task = ck_keeper_task_new (self, ck_keeper_set_trust_async, NULL, NULL,
                          cancellable, callback, user_data);
  if (g_task_return_error_if_cancelled (task))
    return;
  if (set_trust (self, certificate_id, purpose, level, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

gboolean
ck_keeper_set_trust_finish (CkKeeper      *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ck_keeper_set_trust_async, FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
ck_keeper_set_trust (CkKeeper      *self,
                     gint64         certificate_id,
                     const char    *purpose,
                     CkTrustLevel   level,
                     GError       **error)
{
  g_return_val_if_fail (CK_IS_KEEPER (self), FALSE);
  g_return_val_if_fail (self->store != NULL, FALSE);
  return set_trust (self, certificate_id, purpose, level, error);
}

/* --- Export ------------------------------------------------------------ */

void
ck_keeper_export_free (CkKeeperExport *export)
{
  if (export == NULL)
    return;
  g_clear_object (&export->certificate);
  g_clear_object (&export->key);
  g_clear_pointer (&export->chain, g_ptr_array_unref);
  g_free (export);
}

typedef struct
{
  CkStore *store;
  gint64   certificate_id;
  char    *key_passphrase;
} ExportJob;

static void
export_job_free (ExportJob *job)
{
  g_clear_object (&job->store);
  ck_keeper_wipe_string (&job->key_passphrase);
  g_free (job);
}

static void
prepare_export_thread (GTask        *task,
                       gpointer      source_object,
                       gpointer      task_data,
                       GCancellable *cancellable)
{
  ExportJob *job = task_data;
  g_autoptr(CkKeeperExport) export = g_new0 (CkKeeperExport, 1);
  GError *error = NULL;
  gint64 key_id;

  if (g_task_return_error_if_cancelled (task))
    return;
  export->certificate = ck_store_load_certificate (job->store, job->certificate_id, &error);
  if (export->certificate == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  key_id = ck_store_find_key (job->store, ck_certificate_get_spki_sha256 (export->certificate));
  if (key_id <= 0)
    {
      g_task_return_new_error (task, CK_ERROR, CK_ERROR_NOT_FOUND,
                               _("Certificate “%s”: its private key is not in the store"),
                               ck_certificate_get_display_name (export->certificate));
      return;
    }
  export->key = ck_store_load_private_key (job->store, key_id, job->key_passphrase, &error);
  if (export->key == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  export->chain = ck_export_collect_chain (job->store, export->certificate,
                                           &export->chain_complete);
  g_task_return_pointer (task, g_steal_pointer (&export), (GDestroyNotify) ck_keeper_export_free);
}

static GTask *
prepare_export_run (CkKeeper            *self,
                    gint64               certificate_id,
                    const char          *key_passphrase,
                    GCancellable        *cancellable,
                    gboolean             sync,
                    GAsyncReadyCallback  callback,
                    gpointer             user_data)
{
  ExportJob *job = g_new0 (ExportJob, 1);
  GTask *task;

  job->store = g_object_ref (self->store);
  job->certificate_id = certificate_id;
  job->key_passphrase = g_strdup (key_passphrase);
  task = ck_keeper_task_new (self, ck_keeper_prepare_export_async, job,
                          (GDestroyNotify) export_job_free, cancellable, callback, user_data);
  ck_keeper_task_start (task, prepare_export_thread, sync);
  return task;
}

void
ck_keeper_prepare_export_async (CkKeeper            *self,
                                gint64               certificate_id,
                                const char          *key_passphrase,
                                GCancellable        *cancellable,
                                GAsyncReadyCallback  callback,
                                gpointer             user_data)
{
  g_return_if_fail (CK_IS_KEEPER (self));
  g_return_if_fail (self->store != NULL);
  g_object_unref (prepare_export_run (self, certificate_id, key_passphrase, cancellable,
                                      FALSE, callback, user_data));
}

CkKeeperExport *
ck_keeper_prepare_export_finish (CkKeeper      *self,
                                 GAsyncResult  *result,
                                 GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ck_keeper_prepare_export_async, NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

CkKeeperExport *
ck_keeper_prepare_export (CkKeeper      *self,
                          gint64         certificate_id,
                          const char    *key_passphrase,
                          GCancellable  *cancellable,
                          GError       **error)
{
  g_autoptr(GTask) task = NULL;

  g_return_val_if_fail (CK_IS_KEEPER (self), NULL);
  g_return_val_if_fail (self->store != NULL, NULL);
  task = prepare_export_run (self, certificate_id, key_passphrase, cancellable, TRUE, NULL, NULL);
  return ck_keeper_prepare_export_finish (self, G_ASYNC_RESULT (task), error);
}
