/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The keeper's export action: one encoder of every export format (PEM,
 * DER, a chain, PKCS#8, PKCS#12) and one writer, for the window and
 * certkeeper-cli export. Run in a worker: PKCS#12 and encrypted PKCS#8
 * spend a key derivation. */
#include <glib/gi18n-lib.h>
#include <gnutls/gnutls.h>

#include <string.h>

#include "ck-error.h"
#include "ck-keeper-private.h"

void
ck_keeper_exported_free (CkKeeperExported *exported)
{
  if (exported == NULL)
    return;
  g_clear_pointer (&exported->data, g_bytes_unref);
  g_free (exported->last_name);
  g_free (exported);
}

typedef struct
{
  CkStore               *store;
  CkKeeperExportRequest  request;   /* strings and objects owned */
} ExportWriteJob;

static void
export_write_job_free (ExportWriteJob *job)
{
  g_clear_object (&job->store);
  g_clear_object (&job->request.certificate);
  g_clear_object (&job->request.key);
  ck_keeper_wipe_string ((char **) &job->request.store_passphrase);
  ck_keeper_wipe_string ((char **) &job->request.password);
  g_free ((char *) job->request.friendly_name);
  g_free ((char *) job->request.path);
  g_free (job);
}

/* A copy that is wiped when the last reference goes: an unencrypted key
 * is the key itself. */
static void
wipe_free (gpointer data,
           gsize    len)
{
  gnutls_memset (data, 0, len);
  g_free (data);
}

typedef struct {
  guint8 *data;
  gsize   len;
} Wiped;

static void
wiped_free (gpointer data)
{
  Wiped *wiped = data;

  wipe_free (wiped->data, wiped->len);
  g_free (wiped);
}

static GBytes *
bytes_new_wiped (const void *data,
                 gsize       len)
{
  Wiped *wiped = g_new0 (Wiped, 1);

  wiped->data = g_memdup2 (data, len);
  wiped->len = len;
  return g_bytes_new_with_free_func (wiped->data, len, wiped_free, wiped);
}

static GBytes *
bytes_from_pem (char     *pem,
                gboolean  secret)
{
  GBytes *bytes = secret ? bytes_new_wiped (pem, strlen (pem)) : g_bytes_new (pem, strlen (pem));

  if (secret)
    gnutls_memset (pem, 0, strlen (pem));
  g_free (pem);
  return bytes;
}

static CkCertificate *
export_certificate (ExportWriteJob  *job,
                    GError         **error)
{
  if (job->request.certificate != NULL)
    return g_object_ref (job->request.certificate);
  return ck_store_load_certificate (job->store, job->request.id, error);
}

static CkPrivateKey *
export_key (ExportWriteJob  *job,
            gint64           key_id,
            GError         **error)
{
  if (job->request.key != NULL)
    return g_object_ref (job->request.key);
  return ck_store_load_private_key (job->store, key_id, job->request.store_passphrase, error);
}

static GBytes *
encode (ExportWriteJob    *job,
        CkKeeperExported  *exported,
        GError           **error)
{
  CkKeeperExportRequest *request = &job->request;
  g_autoptr(CkCertificate) cert = NULL;
  g_autoptr(CkPrivateKey) key = NULL;
  g_autoptr(GPtrArray) chain = NULL;

  switch (request->format)
    {
    case CK_KEEPER_EXPORT_PEM:
    case CK_KEEPER_EXPORT_DER:
      if (request->certificate == NULL &&
          ck_store_get_kind (job->store, request->id) == CK_OBJECT_REQUEST)
        {
          g_autoptr(CkRequest) req = ck_store_load_request (job->store, request->id, error);

          if (req == NULL)
            return NULL;
          if (request->format == CK_KEEPER_EXPORT_PEM)
            return bytes_from_pem (ck_request_to_pem (req), FALSE);
          return g_bytes_ref (ck_request_get_der (req));
        }
      cert = export_certificate (job, error);
      if (cert == NULL)
        return NULL;
      exported->n_certificates = 1;
      exported->chain_complete = TRUE;
      exported->last_name = g_strdup (ck_certificate_get_display_name (cert));
      if (request->format == CK_KEEPER_EXPORT_DER)
        return g_bytes_ref (ck_certificate_get_der (cert));
      if (request->chain == CK_EXPORT_CHAIN_NONE)
        return bytes_from_pem (ck_certificate_to_pem (cert), FALSE);
      chain = ck_export_select_chain (job->store, cert, request->chain,
                                      &exported->chain_complete);
      exported->n_certificates = chain->len;
      g_free (exported->last_name);
      exported->last_name = g_strdup (ck_certificate_get_display_name (chain->pdata[chain->len - 1]));
      return bytes_from_pem (ck_export_chain_to_pem (chain), FALSE);

    case CK_KEEPER_EXPORT_PKCS8_PEM:
    case CK_KEEPER_EXPORT_PKCS8_DER:
      key = export_key (job, request->id, error);
      if (key == NULL)
        return NULL;
      exported->holds_key = TRUE;
      if (request->format == CK_KEEPER_EXPORT_PKCS8_PEM)
        {
          char *pem = ck_private_key_export_pkcs8_pem (key, request->password, error);

          return pem != NULL ? bytes_from_pem (pem, TRUE) : NULL;
        }
      else
        {
          g_autoptr(GBytes) der = ck_private_key_export_pkcs8 (key, request->password, error);
          GBytes *copy;

          if (der == NULL)
            return NULL;
          copy = bytes_new_wiped (g_bytes_get_data (der, NULL), g_bytes_get_size (der));
          gnutls_memset ((void *) g_bytes_get_data (der, NULL), 0, g_bytes_get_size (der));
          return copy;
        }

    case CK_KEEPER_EXPORT_PKCS12:
      {
        gint64 key_id = 0;

        cert = export_certificate (job, error);
        if (cert == NULL)
          return NULL;
        if (request->key == NULL)
          {
            key_id = ck_store_find_key (job->store, ck_certificate_get_spki_sha256 (cert));
            if (key_id <= 0)
              {
                g_set_error (error, CK_ERROR, CK_ERROR_NOT_FOUND,
                             _("Certificate “%s”: its private key is not in the store"),
                             ck_certificate_get_display_name (cert));
                return NULL;
              }
          }
        key = export_key (job, key_id, error);
        if (key == NULL)
          return NULL;
        exported->holds_key = TRUE;
        chain = ck_export_select_chain (job->store, cert, request->chain,
                                        &exported->chain_complete);
        exported->n_certificates = chain->len;
        exported->last_name = g_strdup (ck_certificate_get_display_name (chain->pdata[chain->len - 1]));
        return ck_export_pkcs12 (cert, key, chain, request->password,
                                 request->friendly_name != NULL
                                 ? request->friendly_name
                                 : ck_certificate_get_display_name (cert),
                                 request->profile, error);
      }

    default:
      g_set_error_literal (error, CK_ERROR, CK_ERROR_INVALID, _("Unknown export format"));
      return NULL;
    }
}

static void
export_write_thread (GTask        *task,
                     gpointer      source_object,
                     gpointer      task_data,
                     GCancellable *cancellable)
{
  ExportWriteJob *job = task_data;
  g_autoptr(CkKeeperExported) exported = g_new0 (CkKeeperExported, 1);
  g_autoptr(GBytes) data = NULL;
  GError *error = NULL;

  if (g_task_return_error_if_cancelled (task))
    return;
  data = encode (job, exported, &error);
  if (data == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  ck_keeper_wipe_string ((char **) &job->request.password);
  ck_keeper_wipe_string ((char **) &job->request.store_passphrase);
  if (g_task_return_error_if_cancelled (task))
    return;
  if (job->request.path == NULL)
    exported->data = g_steal_pointer (&data);
  else if (!ck_file_write (job->request.path, g_bytes_get_data (data, NULL),
                           g_bytes_get_size (data),
                           job->request.write_flags | (exported->holds_key ? CK_WRITE_PRIVATE : 0),
                           &error))
    {
      g_task_return_error (task, error);
      return;
    }
  g_task_return_pointer (task, g_steal_pointer (&exported),
                         (GDestroyNotify) ck_keeper_exported_free);
}

static GTask *
export_write_run (CkKeeper                    *self,
                  const CkKeeperExportRequest *request,
                  GCancellable                *cancellable,
                  gboolean                     sync,
                  GAsyncReadyCallback          callback,
                  gpointer                     user_data)
{
  ExportWriteJob *job = g_new0 (ExportWriteJob, 1);
  GTask *task;

  job->store = ck_keeper_get_store (self) != NULL ? g_object_ref (ck_keeper_get_store (self)) : NULL;
  job->request = *request;
  job->request.certificate = request->certificate != NULL ? g_object_ref (request->certificate) : NULL;
  job->request.key = request->key != NULL ? g_object_ref (request->key) : NULL;
  job->request.store_passphrase = g_strdup (request->store_passphrase);
  job->request.password = g_strdup (request->password);
  job->request.friendly_name = g_strdup (request->friendly_name);
  job->request.path = g_strdup (request->path);
  task = ck_keeper_task_new (self, ck_keeper_export_async, job,
                             (GDestroyNotify) export_write_job_free, cancellable, callback,
                             user_data);
  if (job->store == NULL && request->certificate == NULL)
    g_task_return_new_error (task, CK_ERROR, CK_ERROR_INVALID,
                             _("Nothing to export: no store and no certificate"));
  else
    ck_keeper_task_start (task, export_write_thread, sync);
  return task;
}

void
ck_keeper_export_async (CkKeeper                    *self,
                        const CkKeeperExportRequest *request,
                        GCancellable                *cancellable,
                        GAsyncReadyCallback          callback,
                        gpointer                     user_data)
{
  g_return_if_fail (CK_IS_KEEPER (self));
  g_return_if_fail (request != NULL);
  g_object_unref (export_write_run (self, request, cancellable, FALSE, callback, user_data));
}

CkKeeperExported *
ck_keeper_export_finish (CkKeeper      *self,
                         GAsyncResult  *result,
                         GError       **error)
{
  g_return_val_if_fail (ck_keeper_task_is (self, result, ck_keeper_export_async), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

CkKeeperExported *
ck_keeper_export (CkKeeper                    *self,
                  const CkKeeperExportRequest *request,
                  GCancellable                *cancellable,
                  GError                     **error)
{
  g_autoptr(GTask) task = NULL;

  g_return_val_if_fail (CK_IS_KEEPER (self), NULL);
  g_return_val_if_fail (request != NULL, NULL);
  task = export_write_run (self, request, cancellable, TRUE, NULL, NULL);
  return ck_keeper_export_finish (self, G_ASYNC_RESULT (task), error);
}
