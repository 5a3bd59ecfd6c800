/* SPDX-License-Identifier: GPL-3.0-or-later */
/* CkKeeper's issuing actions: a self-signed certificate, a request signed
 * by a CA of the store, a revocation and a CRL. Each runs in a GTask
 * worker on a copy of its inputs, in the order ck-keeper.h documents:
 * checks, keys, signatures and key encryption first, then one store
 * transaction that ends with the output (the sink) and the commit. */
#include <glib/gi18n-lib.h>

#include "ck-ca-private.h"
#include "ck-error.h"
#include "ck-keeper.h"
#include "ck-keeper-private.h"
#include "ck-request-diff.h"
#include "ck-store-private.h"

#include <string.h>

/* --- Results and sinks ------------------------------------------------- */

void
ck_keeper_issued_free (CkKeeperIssued *issued)
{
  if (issued == NULL)
    return;
  g_clear_object (&issued->certificate);
  g_clear_pointer (&issued->issued_requests, g_array_unref);
  g_clear_pointer (&issued->differences, g_ptr_array_unref);
  g_clear_pointer (&issued->findings, g_ptr_array_unref);
  g_free (issued);
}

static CkKeeperIssued *
issued_new (void)
{
  CkKeeperIssued *issued = g_new0 (CkKeeperIssued, 1);

  issued->issued_requests = g_array_new (FALSE, FALSE, sizeof (gint64));
  issued->differences = g_ptr_array_new_with_free_func (g_free);
  return issued;
}

gboolean
ck_keeper_file_sink (GBytes      *der,
                     const char  *pem,
                     gpointer     user_data,
                     GError     **error)
{
  const CkKeeperFileOutput *output = user_data;
  const void *data;
  gsize len;

  g_return_val_if_fail (output != NULL && output->path != NULL, FALSE);

  if (output->der)
    data = g_bytes_get_data (der, &len);
  else
    {
      data = pem;
      len = strlen (pem);
    }
  if (!ck_file_write (output->path, data, len, output->flags & ~CK_WRITE_PRIVATE, error))
    {
      g_prefix_error (error, "%s: ", output->path);
      return FALSE;
    }
  return TRUE;
}

/* --- Jobs -------------------------------------------------------------- */

typedef struct
{
  CkStore              *store;
  CkCertificateBuilder *builder;       /* the worker's own copy */
  CkKeeperKeyJob       *key;           /* self-sign: the certificate's key */
  gint64                ca_id;         /* sign, CRL: the CA */
  char                 *ca_passphrase;
  CkPrivateKey         *ca_key;
  CkKeeperIssueSink     sink;
  gpointer              sink_data;
  GCancellable         *cancellable;   /* the task's, for the last check */
  gboolean              is_crl;

  /* Revoking */
  gint64                certificate_id;
  CkRevocationReason    reason;
  gint64                revoked_at;
  gint64                issuer_id;

  /* CRL */
  gint64                next_update;
  gnutls_digest_algorithm_t hash;
  guint64               number;

  /* Results */
  CkKeeperIssued       *issued;
} IssueJob;

static void
issue_job_free (IssueJob *job)
{
  g_clear_object (&job->store);
  g_clear_object (&job->builder);
  g_clear_pointer (&job->key, ck_keeper_key_job_free);
  ck_keeper_wipe_string (&job->ca_passphrase);
  g_clear_object (&job->ca_key);
  g_clear_object (&job->cancellable);
  g_clear_pointer (&job->issued, ck_keeper_issued_free);
  g_free (job);
}

static IssueJob *
issue_job_new (CkKeeper             *self,
               CkCertificateBuilder *builder,
               const CkKeeperSigner *signer,
               CkKeeperIssueSink     sink,
               gpointer              sink_data,
               GCancellable         *cancellable)
{
  IssueJob *job = g_new0 (IssueJob, 1);

  job->store = g_object_ref (ck_keeper_get_store (self));
  job->builder = builder != NULL ? ck_certificate_builder_copy (builder) : NULL;
  if (signer != NULL)
    {
      job->ca_id = signer->ca_id;
      job->ca_passphrase = g_strdup (signer->passphrase != NULL && signer->passphrase[0] != '\0'
                                     ? signer->passphrase : NULL);
      job->ca_key = signer->key != NULL ? g_object_ref (signer->key) : NULL;
    }
  job->sink = sink;
  job->sink_data = sink_data;
  job->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  return job;
}

/* The worker answers cancellation: once the output is written the action
 * stands, even if Cancel comes a moment later. */
static void
issue_task_start (GTask           *task,
                  GTaskThreadFunc  func,
                  gboolean         sync)
{
  g_task_set_check_cancellable (task, FALSE);
  ck_keeper_task_start (task, func, sync);
}

/* The output, last inside the transaction: a cancel that came in time
 * still stops everything; once written, the action stands. */
static gboolean
issue_output (GBytes   *der,
              gpointer  user_data,
              GError  **error)
{
  IssueJob *job = user_data;
  g_autofree char *pem = NULL;

  if (g_cancellable_set_error_if_cancelled (job->cancellable, error))
    return FALSE;
  if (job->sink == NULL)
    return TRUE;
  pem = job->is_crl ? ck_crl_to_pem (der) : ck_certificate_to_pem (job->issued->certificate);
  if (pem == NULL)
    {
      g_set_error_literal (error, CK_ERROR, CK_ERROR_FAILED, _("Cannot encode the result as PEM"));
      return FALSE;
    }
  return job->sink (der, pem, job->sink_data, error);
}

/* Errors block, before any key is made or unlocked; the warnings are
 * handed back with the result. */
static GPtrArray *
check_builder (CkCertificateBuilder  *builder,
               CkCertificate         *issuer,
               GError               **error)
{
  g_autoptr(GPtrArray) findings = ck_certificate_builder_check (builder, issuer);

  if (ck_request_findings_have_errors (findings))
    {
      g_autofree char *errors = ck_request_findings_describe (findings, CK_FINDING_ERROR);

      g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                   _("The certificate has errors; nothing was made:\n%s"), errors);
      return NULL;
    }
  return g_steal_pointer (&findings);
}

/* The checks' findings without the errors (there are none by now). */
static GPtrArray *
warnings_of (CkCertificateBuilder *builder,
             CkCertificate        *issuer)
{
  GPtrArray *findings = ck_certificate_builder_check (builder, issuer);

  for (guint i = findings->len; i > 0; i--)
    if (((CkRequestFinding *) findings->pdata[i - 1])->severity == CK_FINDING_ERROR)
      g_ptr_array_remove_index (findings, i - 1);
  return findings;
}

/* Stores what @job->issued holds in one transaction (with @new_key when
 * one is to be recorded), and then reads what it did. */
static gboolean
store_issued (IssueJob      *job,
              CkCa          *ca,
              gint64         issuer_id,
              CkPrivateKey  *new_key,
              GError       **error)
{
  CkKeeperIssued *issued = job->issued;
  CkCaIssue issue = {
    .key = new_key, .flags = CK_COMMIT_NONE,
    .output = issue_output, .output_data = job,
    .issued_requests = issued->issued_requests,
  };

  if (new_key != NULL && job->key != NULL)
    ck_keeper_key_job_get_storage (job->key, &issue.label, &issue.passphrase, &issue.flags);
  if (!ck_ca_add_issued_full (ca, issued->certificate, issuer_id, &issue, error))
    return FALSE;
  issued->certificate_id = issue.id;
  issued->issuer_id = issuer_id;
  issued->key_id = issue.key_id;
  issued->key_added = issue.key_added;

  /* Differences are reported as import reports them; the store is
   * written, so a request that cannot be read back only costs its line. */
  for (guint i = 0; i < issued->issued_requests->len; i++)
    {
      gint64 request_id = g_array_index (issued->issued_requests, gint64, i);
      g_autoptr(CkRequest) request = ck_store_load_request (job->store, request_id, NULL);
      char *line = request != NULL
                   ? ck_request_diff_line (request_id, request, issued->certificate) : NULL;

      if (line != NULL)
        g_ptr_array_add (issued->differences, line);
    }
  return TRUE;
}

/* --- Self-signed ------------------------------------------------------- */

static void
self_sign_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  IssueJob *job = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) findings = NULL;
  g_autoptr(CkPrivateKey) key = NULL;
  g_autoptr(CkCa) ca = NULL;
  gboolean is_new = ck_keeper_key_job_is_new (job->key);

  if (!ck_certificate_builder_is_self_signed (job->builder))
    {
      g_task_return_new_error (task, CK_ERROR, CK_ERROR_INVALID,
                               _("A self-signed certificate is made from contents, not from a request"));
      return;
    }
  findings = check_builder (job->builder, NULL, &error);
  if (findings == NULL || !ck_keeper_key_job_check (job->key, &error) ||
      g_cancellable_set_error_if_cancelled (cancellable, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  ca = ck_ca_new_deferred (job->store);
  key = ck_keeper_key_job_open (job->key, cancellable, &error);
  if (key != NULL)
    job->issued->certificate = ck_certificate_builder_self_sign (job->builder, key, CK_BUILD_NONE,
                                                                 &error);
  if (job->issued->certificate == NULL ||
      g_cancellable_set_error_if_cancelled (cancellable, &error) ||
      /* A stored key is there; a key on a token is recorded once. */
      !store_issued (job, ca, 0, is_new || ck_private_key_is_on_token (key) ? key : NULL, &error))
    {
      if (is_new)
        ck_keeper_key_job_discard (job->key, key, &error);
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  /* Judged again with the key's real type and size. */
  job->issued->findings = warnings_of (job->builder, NULL);
  g_task_return_boolean (task, TRUE);
}

static GTask *
self_sign_run (CkKeeper                *self,
               CkCertificateBuilder    *builder,
               const CkKeeperKeyChoice *key,
               CkKeeperIssueSink        sink,
               gpointer                 sink_data,
               GCancellable            *cancellable,
               gboolean                 sync,
               GAsyncReadyCallback      callback,
               gpointer                 user_data)
{
  IssueJob *job = issue_job_new (self, builder, NULL, sink, sink_data, cancellable);
  GTask *task;

  job->key = ck_keeper_key_job_new (self, key);
  job->issued = issued_new ();
  task = ck_keeper_task_new (self, ck_keeper_self_sign_async, job, (GDestroyNotify) issue_job_free,
                             cancellable, callback, user_data);
  issue_task_start (task, self_sign_thread, sync);
  return task;
}

/* The result of a self-sign or sign task. */
static CkKeeperIssued *
issued_finish (CkKeeper      *self,
               GAsyncResult  *result,
               gpointer       source_tag,
               GError       **error)
{
  IssueJob *job;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == source_tag, NULL);

  if (!g_task_propagate_boolean (G_TASK (result), error))
    return NULL;
  job = g_task_get_task_data (G_TASK (result));
  return g_steal_pointer (&job->issued);
}

void
ck_keeper_self_sign_async (CkKeeper                *self,
                           CkCertificateBuilder    *builder,
                           const CkKeeperKeyChoice *key,
                           CkKeeperIssueSink        sink,
                           gpointer                 sink_data,
                           GCancellable            *cancellable,
                           GAsyncReadyCallback      callback,
                           gpointer                 user_data)
{
  g_return_if_fail (CK_IS_KEEPER (self));
  g_return_if_fail (ck_keeper_get_store (self) != NULL);
  g_return_if_fail (CK_IS_CERTIFICATE_BUILDER (builder));
  g_return_if_fail (key != NULL);
  g_object_unref (self_sign_run (self, builder, key, sink, sink_data, cancellable, FALSE,
                                 callback, user_data));
}

CkKeeperIssued *
ck_keeper_self_sign_finish (CkKeeper      *self,
                            GAsyncResult  *result,
                            GError       **error)
{
  return issued_finish (self, result, ck_keeper_self_sign_async, error);
}

CkKeeperIssued *
ck_keeper_self_sign (CkKeeper                *self,
                     CkCertificateBuilder    *builder,
                     const CkKeeperKeyChoice *key,
                     CkKeeperIssueSink        sink,
                     gpointer                 sink_data,
                     GCancellable            *cancellable,
                     GError                 **error)
{
  g_autoptr(GTask) task = NULL;

  g_return_val_if_fail (CK_IS_KEEPER (self), NULL);
  g_return_val_if_fail (ck_keeper_get_store (self) != NULL, NULL);
  g_return_val_if_fail (CK_IS_CERTIFICATE_BUILDER (builder), NULL);
  g_return_val_if_fail (key != NULL, NULL);
  task = self_sign_run (self, builder, key, sink, sink_data, cancellable, TRUE, NULL, NULL);
  return ck_keeper_self_sign_finish (self, G_ASYNC_RESULT (task), error);
}

/* --- The CA's key ------------------------------------------------------ */

/* The CA certificate @job->ca_id and its key, opened (job->ca_key). */
static CkCertificate *
open_ca (IssueJob  *job,
         GError   **error)
{
  g_autoptr(CkCertificate) ca_cert = NULL;
  gint64 key_id;

  if (ck_store_get_kind (job->store, job->ca_id) != CK_OBJECT_CERTIFICATE)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_NOT_FOUND,
                   _("There is no CA certificate %lld in the store"), (long long) job->ca_id);
      return NULL;
    }
  ca_cert = ck_store_load_certificate (job->store, job->ca_id, error);
  if (ca_cert == NULL)
    return NULL;
  if (job->ca_key == NULL)
    {
      key_id = ck_store_find_key (job->store, ck_certificate_get_spki_sha256 (ca_cert));
      if (key_id <= 0)
        {
          g_set_error (error, CK_ERROR, CK_ERROR_NOT_FOUND,
                       _("The store has no key for the CA certificate “%s”: import the CA’s "
                         "key, or record its key on a token"),
                       ck_certificate_get_display_name (ca_cert));
          return NULL;
        }
      /* The passphrase's key derivation, or the token key's handle. */
      job->ca_key = ck_store_load_private_key (job->store, key_id, job->ca_passphrase, error);
      ck_keeper_wipe_string (&job->ca_passphrase);
      if (job->ca_key == NULL)
        return NULL;
    }
  if (g_strcmp0 (ck_private_key_get_spki_sha256 (job->ca_key),
                 ck_certificate_get_spki_sha256 (ca_cert)) != 0)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                   _("The key given is not the key of the CA certificate “%s”"),
                   ck_certificate_get_display_name (ca_cert));
      return NULL;
    }
  return g_steal_pointer (&ca_cert);
}

/* --- Signing a request ------------------------------------------------- */

static void
sign_request_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  IssueJob *job = task_data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) findings = NULL;
  g_autoptr(CkCertificate) ca_cert = NULL;
  g_autoptr(CkCa) ca = NULL;
  CkRequest *request = ck_certificate_builder_get_request (job->builder);

  if (request == NULL)
    {
      g_task_return_new_error (task, CK_ERROR, CK_ERROR_INVALID,
                               _("Only a certificate signing request can be signed"));
      return;
    }
  /* The CA's certificate is read for the checks; its key is unlocked only
   * once they pass. */
  ca_cert = ck_store_get_kind (job->store, job->ca_id) == CK_OBJECT_CERTIFICATE
            ? ck_store_load_certificate (job->store, job->ca_id, &error) : NULL;
  if (ca_cert == NULL && error == NULL)
    g_set_error (&error, CK_ERROR, CK_ERROR_NOT_FOUND,
                 _("There is no CA certificate %lld in the store"), (long long) job->ca_id);
  if (ca_cert != NULL)
    findings = check_builder (job->builder, ca_cert, &error);
  g_clear_object (&ca_cert);
  if (findings == NULL ||
      g_cancellable_set_error_if_cancelled (cancellable, &error) ||
      (ca_cert = open_ca (job, &error)) == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }

  ca = ck_ca_new_deferred (job->store);
  job->issued->certificate = ck_certificate_builder_sign (job->builder, ca_cert, job->ca_key,
                                                          CK_BUILD_NONE, &error);
  if (job->issued->certificate == NULL ||
      g_cancellable_set_error_if_cancelled (cancellable, &error) ||
      !store_issued (job, ca, job->ca_id, NULL, &error))
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  job->issued->request_id = ck_store_find_request (job->store,
                                                   ck_request_get_sha256_fingerprint (request));
  job->issued->findings = warnings_of (job->builder, ca_cert);
  g_task_return_boolean (task, TRUE);
}

static GTask *
sign_request_run (CkKeeper             *self,
                  CkCertificateBuilder *builder,
                  const CkKeeperSigner *signer,
                  CkKeeperIssueSink     sink,
                  gpointer              sink_data,
                  GCancellable         *cancellable,
                  gboolean              sync,
                  GAsyncReadyCallback   callback,
                  gpointer              user_data)
{
  IssueJob *job = issue_job_new (self, builder, signer, sink, sink_data, cancellable);
  GTask *task;

  job->issued = issued_new ();
  task = ck_keeper_task_new (self, ck_keeper_sign_request_async, job,
                             (GDestroyNotify) issue_job_free, cancellable, callback, user_data);
  issue_task_start (task, sign_request_thread, sync);
  return task;
}

void
ck_keeper_sign_request_async (CkKeeper             *self,
                              CkCertificateBuilder *builder,
                              const CkKeeperSigner *signer,
                              CkKeeperIssueSink     sink,
                              gpointer              sink_data,
                              GCancellable         *cancellable,
                              GAsyncReadyCallback   callback,
                              gpointer              user_data)
{
  g_return_if_fail (CK_IS_KEEPER (self));
  g_return_if_fail (ck_keeper_get_store (self) != NULL);
  g_return_if_fail (CK_IS_CERTIFICATE_BUILDER (builder));
  g_return_if_fail (signer != NULL);
  g_object_unref (sign_request_run (self, builder, signer, sink, sink_data, cancellable, FALSE,
                                    callback, user_data));
}

CkKeeperIssued *
ck_keeper_sign_request_finish (CkKeeper      *self,
                               GAsyncResult  *result,
                               GError       **error)
{
  return issued_finish (self, result, ck_keeper_sign_request_async, error);
}

CkKeeperIssued *
ck_keeper_sign_request (CkKeeper             *self,
                        CkCertificateBuilder *builder,
                        const CkKeeperSigner *signer,
                        CkKeeperIssueSink     sink,
                        gpointer              sink_data,
                        GCancellable         *cancellable,
                        GError              **error)
{
  g_autoptr(GTask) task = NULL;

  g_return_val_if_fail (CK_IS_KEEPER (self), NULL);
  g_return_val_if_fail (ck_keeper_get_store (self) != NULL, NULL);
  g_return_val_if_fail (CK_IS_CERTIFICATE_BUILDER (builder), NULL);
  g_return_val_if_fail (signer != NULL, NULL);
  task = sign_request_run (self, builder, signer, sink, sink_data, cancellable, TRUE, NULL, NULL);
  return ck_keeper_sign_request_finish (self, G_ASYNC_RESULT (task), error);
}

/* --- Revoking ---------------------------------------------------------- */

static void
revoke_thread (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  IssueJob *job = task_data;
  g_autoptr(CkCa) ca = NULL;
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;
  ca = ck_ca_new (job->store, &error);
  if (ca == NULL ||
      !ck_ca_revoke (ca, job->certificate_id, job->reason, job->revoked_at, &job->issuer_id, &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_boolean (task, TRUE);
}

static GTask *
revoke_run (CkKeeper            *self,
            gint64               certificate_id,
            CkRevocationReason   reason,
            gint64               revoked_at,
            GCancellable        *cancellable,
            gboolean             sync,
            GAsyncReadyCallback  callback,
            gpointer             user_data)
{
  IssueJob *job = issue_job_new (self, NULL, NULL, NULL, NULL, cancellable);
  GTask *task;

  job->certificate_id = certificate_id;
  job->reason = reason;
  job->revoked_at = revoked_at;
  task = ck_keeper_task_new (self, ck_keeper_revoke_async, job, (GDestroyNotify) issue_job_free,
                             cancellable, callback, user_data);
  issue_task_start (task, revoke_thread, sync);
  return task;
}

void
ck_keeper_revoke_async (CkKeeper            *self,
                        gint64               certificate_id,
                        CkRevocationReason   reason,
                        gint64               revoked_at,
                        GCancellable        *cancellable,
                        GAsyncReadyCallback  callback,
                        gpointer             user_data)
{
  g_return_if_fail (CK_IS_KEEPER (self));
  g_return_if_fail (ck_keeper_get_store (self) != NULL);
  g_object_unref (revoke_run (self, certificate_id, reason, revoked_at, cancellable, FALSE,
                              callback, user_data));
}

gboolean
ck_keeper_revoke_finish (CkKeeper      *self,
                         GAsyncResult  *result,
                         gint64        *issuer_id,
                         GError       **error)
{
  IssueJob *job;

  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ck_keeper_revoke_async, FALSE);

  job = g_task_get_task_data (G_TASK (result));
  if (issuer_id != NULL)
    *issuer_id = 0;
  if (!g_task_propagate_boolean (G_TASK (result), error))
    return FALSE;
  if (issuer_id != NULL)
    *issuer_id = job->issuer_id;
  return TRUE;
}

gboolean
ck_keeper_revoke (CkKeeper            *self,
                  gint64               certificate_id,
                  CkRevocationReason   reason,
                  gint64               revoked_at,
                  GCancellable        *cancellable,
                  gint64              *issuer_id,
                  GError             **error)
{
  g_autoptr(GTask) task = NULL;

  g_return_val_if_fail (CK_IS_KEEPER (self), FALSE);
  g_return_val_if_fail (ck_keeper_get_store (self) != NULL, FALSE);
  task = revoke_run (self, certificate_id, reason, revoked_at, cancellable, TRUE, NULL, NULL);
  return ck_keeper_revoke_finish (self, G_ASYNC_RESULT (task), issuer_id, error);
}

/* --- CRLs -------------------------------------------------------------- */

static void
write_crl_thread (GTask        *task,
                  gpointer      source_object,
                  gpointer      task_data,
                  GCancellable *cancellable)
{
  IssueJob *job = task_data;
  g_autoptr(CkCertificate) ca_cert = NULL;
  g_autoptr(CkCa) ca = NULL;
  GError *error = NULL;
  GBytes *crl = NULL;

  if (!g_cancellable_set_error_if_cancelled (cancellable, &error) &&
      (ca = ck_ca_new (job->store, &error)) != NULL &&
      (ca_cert = open_ca (job, &error)) != NULL)
    crl = ck_ca_make_crl_full (ca, job->ca_id, job->ca_key, job->next_update, job->hash,
                               issue_output, job, cancellable, &job->number, &error);
  if (crl == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, crl, (GDestroyNotify) g_bytes_unref);
}

static GTask *
write_crl_run (CkKeeper                 *self,
               const CkKeeperSigner     *signer,
               gint64                    next_update,
               gnutls_digest_algorithm_t hash,
               CkKeeperIssueSink         sink,
               gpointer                  sink_data,
               GCancellable             *cancellable,
               gboolean                  sync,
               GAsyncReadyCallback       callback,
               gpointer                  user_data)
{
  IssueJob *job = issue_job_new (self, NULL, signer, sink, sink_data, cancellable);
  GTask *task;

  job->is_crl = TRUE;
  job->next_update = next_update;
  job->hash = hash;
  task = ck_keeper_task_new (self, ck_keeper_write_crl_async, job, (GDestroyNotify) issue_job_free,
                             cancellable, callback, user_data);
  issue_task_start (task, write_crl_thread, sync);
  return task;
}

void
ck_keeper_write_crl_async (CkKeeper                 *self,
                           const CkKeeperSigner     *signer,
                           gint64                    next_update,
                           gnutls_digest_algorithm_t hash,
                           CkKeeperIssueSink         sink,
                           gpointer                  sink_data,
                           GCancellable             *cancellable,
                           GAsyncReadyCallback       callback,
                           gpointer                  user_data)
{
  g_return_if_fail (CK_IS_KEEPER (self));
  g_return_if_fail (ck_keeper_get_store (self) != NULL);
  g_return_if_fail (signer != NULL);
  g_object_unref (write_crl_run (self, signer, next_update, hash, sink, sink_data, cancellable,
                                 FALSE, callback, user_data));
}

GBytes *
ck_keeper_write_crl_finish (CkKeeper      *self,
                            GAsyncResult  *result,
                            guint64       *number,
                            GError       **error)
{
  IssueJob *job;
  GBytes *crl;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  g_return_val_if_fail (g_task_get_source_tag (G_TASK (result)) == ck_keeper_write_crl_async, NULL);

  job = g_task_get_task_data (G_TASK (result));
  crl = g_task_propagate_pointer (G_TASK (result), error);
  if (number != NULL)
    *number = crl != NULL ? job->number : 0;
  return crl;
}

GBytes *
ck_keeper_write_crl (CkKeeper                 *self,
                     const CkKeeperSigner     *signer,
                     gint64                    next_update,
                     gnutls_digest_algorithm_t hash,
                     CkKeeperIssueSink         sink,
                     gpointer                  sink_data,
                     GCancellable             *cancellable,
                     guint64                  *number,
                     GError                  **error)
{
  g_autoptr(GTask) task = NULL;

  g_return_val_if_fail (CK_IS_KEEPER (self), NULL);
  g_return_val_if_fail (ck_keeper_get_store (self) != NULL, NULL);
  g_return_val_if_fail (signer != NULL, NULL);
  task = write_crl_run (self, signer, next_update, hash, sink, sink_data, cancellable, TRUE,
                        NULL, NULL);
  return ck_keeper_write_crl_finish (self, G_ASYNC_RESULT (task), number, error);
}
