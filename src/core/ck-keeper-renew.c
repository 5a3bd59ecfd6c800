/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The keeper's renewal: the request that renews a stored certificate,
 * for the window's "Renew…" and `certkeeper-cli renew` alike. What it
 * asks for is ck_request_builder_new_from_certificate()'s; the key is a
 * new one like the old (in the store, or on the old key's token) or the
 * old one; the request is made by ck_keeper_create_request() and linked
 * to the certificate it renews in the same transaction (the expiry
 * module), so that the certificate that comes back for it marks the old
 * one "renewed". */
#include <glib/gi18n-lib.h>

#include "ck-error.h"
#include "ck-expiry-check-private.h"
#include "ck-keeper.h"
#include "ck-store-private.h"

#include <string.h>

G_DEFINE_BOXED_TYPE (CkRenewal, ck_renewal, ck_renewal_ref, ck_renewal_unref)

struct _CkRenewal
{
  gatomicrefcount   ref_count;
  gint64            certificate_id;
  CkCertificate    *certificate;
  CkRequestBuilder *builder;
  gboolean          have_spec;
  CkKeySpec         spec;
  char             *spec_problem;
  gint64            key_id;
  char             *key_uri;
  gboolean          key_encrypted;
};

CkRenewal *
ck_renewal_ref (CkRenewal *self)
{
  g_atomic_ref_count_inc (&self->ref_count);
  return self;
}

void
ck_renewal_unref (CkRenewal *self)
{
  if (self == NULL || !g_atomic_ref_count_dec (&self->ref_count))
    return;
  g_clear_object (&self->certificate);
  g_clear_object (&self->builder);
  g_free (self->spec_problem);
  g_free (self->key_uri);
  g_free (self);
}

/* The profile of the request the old certificate was issued for, if it
 * was made here: the renewal asks for the same one. */
static void
copy_profile (CkStore          *store,
              gint64            certificate_id,
              CkRequestBuilder *builder)
{
  GListModel *requests = ck_store_get_requests (store);
  guint n = g_list_model_get_n_items (requests);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (CkStoredRequest) row = g_list_model_get_item (requests, i);
      CkRequestProfile profile;

      if (ck_stored_request_get_certificate_id (row) != certificate_id ||
          !ck_request_profile_from_string (ck_stored_request_get_profile (row), &profile))
        continue;
      /* Only the name: applying the profile would reset the extensions,
       * and the renewal asks for the certificate's own. */
      ck_request_builder_set_profile_name (builder, profile);
      return;
    }
}

CkRenewal *
ck_keeper_plan_renewal (CkKeeper  *self,
                        gint64     certificate_id,
                        GError   **error)
{
  g_autoptr (CkExpiryCheck) check = NULL;
  g_autoptr (GError) spec_error = NULL;
  CkStore *store;
  CkRenewal *renewal;
  CkStoredKey *key = NULL;

  g_return_val_if_fail (CK_IS_KEEPER (self), NULL);
  store = ck_keeper_get_store (self);
  g_return_val_if_fail (store != NULL, NULL);

  if (ck_store_get_kind (store, certificate_id) != CK_OBJECT_CERTIFICATE)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_NOT_FOUND,
                   _("No certificate with id %lld in the store"), (long long) certificate_id);
      return NULL;
    }
  /* Here, on the caller's thread: the link is written in the request's
   * transaction, which must find the module's table. */
  check = ck_expiry_check_new (store, error);
  if (check == NULL)
    return NULL;

  renewal = g_new0 (CkRenewal, 1);
  g_atomic_ref_count_init (&renewal->ref_count);
  renewal->certificate_id = certificate_id;
  renewal->certificate = ck_store_load_certificate (store, certificate_id, error);
  if (renewal->certificate == NULL)
    {
      ck_renewal_unref (renewal);
      return NULL;
    }
  renewal->builder = ck_request_builder_new_from_certificate (renewal->certificate);
  copy_profile (store, certificate_id, renewal->builder);
  renewal->have_spec = ck_key_spec_from_certificate (renewal->certificate, &renewal->spec,
                                                     &spec_error);
  if (!renewal->have_spec)
    renewal->spec_problem = g_strdup (spec_error->message);

  renewal->key_id = ck_store_find_key (store, ck_certificate_get_spki_sha256 (renewal->certificate));
  if (renewal->key_id > 0)
    key = ck_store_get_key_row (store, renewal->key_id);
  if (key != NULL)
    {
      renewal->key_uri = g_strdup (ck_stored_key_get_pkcs11_uri (key));
      renewal->key_encrypted = renewal->key_uri == NULL && ck_stored_key_get_encrypted (key);
    }
  else
    renewal->key_id = 0;
  return renewal;
}

gint64
ck_renewal_get_certificate_id (CkRenewal *self)
{
  return self->certificate_id;
}

CkCertificate *
ck_renewal_get_certificate (CkRenewal *self)
{
  return self->certificate;
}

CkRequestBuilder *
ck_renewal_get_builder (CkRenewal *self)
{
  return self->builder;
}

gboolean
ck_renewal_can_reuse_key (CkRenewal *self)
{
  return self->key_id > 0;
}

gboolean
ck_renewal_key_is_encrypted (CkRenewal *self)
{
  return self->key_encrypted;
}

const char *
ck_renewal_get_token_key_uri (CkRenewal *self)
{
  return self->key_uri;
}

gboolean
ck_renewal_can_make_new_key (CkRenewal   *self,
                             const char **problem)
{
  if (problem != NULL)
    *problem = self->spec_problem;
  return self->have_spec;
}

const CkKeySpec *
ck_renewal_get_key_spec (CkRenewal *self)
{
  return self->have_spec ? &self->spec : NULL;
}

gboolean
ck_renewal_choose_key (CkRenewal         *self,
                       gboolean           reuse_key,
                       CkToken           *token,
                       CkKeeperKeyChoice *choice,
                       GError           **error)
{
  memset (choice, 0, sizeof *choice);
  if (reuse_key)
    {
      if (self->key_id == 0)
        {
          g_set_error (error, CK_ERROR, CK_ERROR_NOT_FOUND,
                       _("The key of “%s” is not in the store: renew it with a new key"),
                       ck_certificate_get_display_name (self->certificate));
          return FALSE;
        }
      if (self->key_uri != NULL)
        {
          choice->source = CK_KEEPER_KEY_TOKEN;
          choice->uri = self->key_uri;
        }
      else
        {
          choice->source = CK_KEEPER_KEY_STORED;
          choice->key_id = self->key_id;
        }
      return TRUE;
    }

  if (!self->have_spec)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_UNSUPPORTED,
                   _("Cannot make a new key like the key of “%s”: %s"),
                   ck_certificate_get_display_name (self->certificate), self->spec_problem);
      return FALSE;
    }
  choice->spec = self->spec;
  if (self->key_uri != NULL)
    {
      /* Same place: the old key's token. */
      if (token == NULL)
        {
          g_set_error (error, CK_ERROR, CK_ERROR_PASSWORD_REQUIRED,
                       _("The key of “%s” is on a token: open that token to make the new key there"),
                       ck_certificate_get_display_name (self->certificate));
          return FALSE;
        }
      choice->source = CK_KEEPER_KEY_TOKEN_NEW;
      choice->token = token;
      choice->label = ck_certificate_get_display_name (self->certificate);
    }
  else
    choice->source = CK_KEEPER_KEY_NEW;
  return TRUE;
}

/* --- the action ---------------------------------------------------------- */

typedef struct {
  CkStore             *store;
  gint64               certificate_id;
  CkKeeperRequestSink  sink;
  gpointer             sink_data;
  CkKeeperRequestResult result;
} RenewJob;

static void
renew_job_free (RenewJob *job)
{
  g_clear_object (&job->store);
  g_free (job);
}

/* In the worker, inside the request's transaction: the caller's sink,
 * then the link. A failure rolls the request (and a new key) back. */
static gboolean
renew_sink (CkRequest  *request,
            gpointer    user_data,
            GError    **error)
{
  RenewJob *job = user_data;
  gint64 request_id;

  if (job->sink != NULL && !job->sink (request, job->sink_data, error))
    return FALSE;
  request_id = ck_store_find_request (job->store, ck_request_get_sha256_fingerprint (request));
  if (request_id <= 0)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_FAILED,
                   _("The renewal request was not stored"));
      return FALSE;
    }
  return ck_expiry_record_renewal_in_db (ck_store_get_db (job->store), request_id,
                                         job->certificate_id, error);
}

static RenewJob *
renew_job_new (CkKeeper            *self,
               CkRenewal           *renewal,
               CkKeeperRequestSink  sink,
               gpointer             sink_data)
{
  RenewJob *job = g_new0 (RenewJob, 1);

  job->store = g_object_ref (ck_keeper_get_store (self));
  job->certificate_id = renewal->certificate_id;
  job->sink = sink;
  job->sink_data = sink_data;
  return job;
}

static void
renew_done (GObject      *source,
            GAsyncResult *result,
            gpointer      user_data)
{
  g_autoptr (GTask) task = user_data;
  RenewJob *job = g_task_get_task_data (task);
  GError *error = NULL;
  CkRequest *request;

  request = ck_keeper_create_request_finish (CK_KEEPER (source), result, &job->result, &error);
  if (request == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, request, g_object_unref);
}

void
ck_keeper_renew_async (CkKeeper                *self,
                       CkRenewal               *renewal,
                       const CkKeeperKeyChoice *key,
                       CkKeeperRequestSink      sink,
                       gpointer                 sink_data,
                       GCancellable            *cancellable,
                       GAsyncReadyCallback      callback,
                       gpointer                 user_data)
{
  GTask *task;
  RenewJob *job;

  g_return_if_fail (CK_IS_KEEPER (self));
  g_return_if_fail (renewal != NULL);
  g_return_if_fail (key != NULL);

  job = renew_job_new (self, renewal, sink, sink_data);
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, ck_keeper_renew_async);
  g_task_set_task_data (task, job, (GDestroyNotify) renew_job_free);
  ck_keeper_create_request_async (self, renewal->builder, key, renew_sink, job,
                                  cancellable, renew_done, task);
}

CkRequest *
ck_keeper_renew_finish (CkKeeper               *self,
                        GAsyncResult           *result,
                        CkKeeperRequestResult  *out,
                        GError                **error)
{
  RenewJob *job;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ck_keeper_renew_async, NULL);

  job = g_task_get_task_data (G_TASK (result));
  if (out != NULL && !g_task_had_error (G_TASK (result)))
    *out = job->result;
  return g_task_propagate_pointer (G_TASK (result), error);
}

CkRequest *
ck_keeper_renew (CkKeeper                *self,
                 CkRenewal               *renewal,
                 const CkKeeperKeyChoice *key,
                 CkKeeperRequestSink      sink,
                 gpointer                 sink_data,
                 GCancellable            *cancellable,
                 CkKeeperRequestResult   *out,
                 GError                 **error)
{
  RenewJob *job;
  CkRequest *request;

  g_return_val_if_fail (CK_IS_KEEPER (self), NULL);
  g_return_val_if_fail (renewal != NULL, NULL);

  job = renew_job_new (self, renewal, sink, sink_data);
  request = ck_keeper_create_request (self, renewal->builder, key, renew_sink, job,
                                      cancellable, out, error);
  renew_job_free (job);
  return request;
}
