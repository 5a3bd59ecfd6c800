/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ck-http.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>

#include "ck-error.h"

#define READ_CHUNK 16384

gboolean
ck_http_check_url (const char  *url,
                   GError     **error)
{
  g_autoptr (GUri) uri = NULL;
  const char *scheme;

  if (url == NULL || *url == '\0')
    {
      g_set_error (error, CK_ERROR, CK_ERROR_INVALID, _("No URL to fetch from"));
      return FALSE;
    }
  uri = g_uri_parse (url, G_URI_FLAGS_ENCODED, NULL);
  scheme = uri != NULL ? g_uri_get_scheme (uri) : NULL;
  if (scheme == NULL ||
      (g_ascii_strcasecmp (scheme, "http") != 0 && g_ascii_strcasecmp (scheme, "https") != 0))
    {
      g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                   _("Cannot fetch %s: only http and https URLs are fetched"), url);
      return FALSE;
    }
  if (g_uri_get_host (uri) == NULL || *g_uri_get_host (uri) == '\0')
    {
      g_set_error (error, CK_ERROR, CK_ERROR_INVALID, _("Cannot fetch %s: the URL has no host"), url);
      return FALSE;
    }
  return TRUE;
}

/* Prefixes @error with the URL, keeping its domain and code. */
static void
prefix_url (GError    **error,
            const char *url)
{
  if (error != NULL && *error != NULL)
    /* Translators: a URL, then why fetching it failed */
    g_prefix_error (error, _("Fetching %s failed: "), url);
}

static GBytes *
read_body (GInputStream  *stream,
           gsize          max_size,
           gint64         deadline,
           GCancellable  *cancellable,
           GError       **error)
{
  g_autoptr (GByteArray) body = g_byte_array_new ();
  guint8 buf[READ_CHUNK];

  for (;;)
    {
      gssize n;

      if (g_get_monotonic_time () > deadline)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT,
                       _("no complete answer within %d seconds"), CK_HTTP_DEADLINE);
          return NULL;
        }
      n = g_input_stream_read (stream, buf, sizeof buf, cancellable, error);
      if (n < 0)
        return NULL;
      if (n == 0)
        break;
      if (body->len + (gsize) n > max_size)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                       _("the answer is larger than %zu bytes"), max_size);
          return NULL;
        }
      g_byte_array_append (body, buf, n);
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&body));
}

static GBytes *
request (const char    *url,
         const char    *body_type,
         GBytes        *body,
         gsize          max_size,
         char         **content_type,
         GCancellable  *cancellable,
         GError       **error)
{
  g_autoptr (SoupSession) session = NULL;
  g_autoptr (SoupMessage) msg = NULL;
  g_autoptr (GInputStream) stream = NULL;
  g_autoptr (GError) local_error = NULL;
  gint64 deadline = g_get_monotonic_time () + CK_HTTP_DEADLINE * G_USEC_PER_SEC;
  GBytes *result;
  guint status;

  if (!ck_http_check_url (url, error))
    return NULL;
  msg = soup_message_new (body != NULL ? SOUP_METHOD_POST : SOUP_METHOD_GET, url);
  if (msg == NULL)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_INVALID, _("Cannot fetch %s: not a valid URL"), url);
      return NULL;
    }
  session = soup_session_new_with_options ("timeout", CK_HTTP_TIMEOUT,
                                           "idle-timeout", CK_HTTP_TIMEOUT,
                                           "user-agent", "Certkeeper ",
                                           NULL);
  if (body != NULL)
    soup_message_set_request_body_from_bytes (msg, body_type, body);
  /* Caches and proxies must not answer an OCSP POST or a CRL from memory
   * (RFC 5019 allows GET caching; the freshness is checked here). */
  soup_message_headers_append (soup_message_get_request_headers (msg),
                               "Cache-Control", "no-cache");

  stream = soup_session_send (session, msg, cancellable, &local_error);
  if (stream == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      prefix_url (error, url);
      return NULL;
    }
  status = soup_message_get_status (msg);
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      const char *phrase = soup_message_get_reason_phrase (msg);

      g_input_stream_close (stream, NULL, NULL);
      g_set_error (error, CK_ERROR, status == SOUP_STATUS_NOT_FOUND ? CK_ERROR_NOT_FOUND
                                                                      : CK_ERROR_FAILED,
                   /* Translators: a URL, an HTTP status code and its phrase ("Not Found") */
                   _("Fetching %s failed: the server answered %u %s"), url, status,
                   phrase != NULL ? phrase : soup_status_get_phrase (status));
      return NULL;
    }
  /* A redirect may lead anywhere libsoup goes: http and https only. */
  {
    g_autofree char *final = g_uri_to_string (soup_message_get_uri (msg));

    if (!ck_http_check_url (final, error))
      return NULL;
  }

  result = read_body (stream, max_size, deadline, cancellable, &local_error);
  g_input_stream_close (stream, NULL, NULL);
  if (result == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      prefix_url (error, url);
      return NULL;
    }
  if (content_type != NULL)
    {
      const char *type = soup_message_headers_get_content_type (
        soup_message_get_response_headers (msg), NULL);

      *content_type = g_strdup (type);
    }
  return result;
}

GBytes *
ck_http_get (const char    *url,
             gsize          max_size,
             char         **content_type,
             GCancellable  *cancellable,
             GError       **error)
{
  return request (url, NULL, NULL, max_size, content_type, cancellable, error);
}

GBytes *
ck_http_post (const char    *url,
              const char    *body_type,
              GBytes        *body,
              gsize          max_size,
              char         **content_type,
              GCancellable  *cancellable,
              GError       **error)
{
  g_return_val_if_fail (body != NULL, NULL);
  return request (url, body_type, body, max_size, content_type, cancellable, error);
}

typedef struct {
  char *url;
  char *body_type;
  GBytes *body;
  gsize max_size;
  char *content_type;
} Request;

static void
request_free (Request *r)
{
  g_free (r->url);
  g_free (r->body_type);
  g_clear_pointer (&r->body, g_bytes_unref);
  g_free (r->content_type);
  g_free (r);
}

static void
request_thread (GTask        *task,
                gpointer      source,
                gpointer      task_data,
                GCancellable *cancellable)
{
  Request *r = task_data;
  GError *error = NULL;
  GBytes *body = request (r->url, r->body_type, r->body, r->max_size, &r->content_type,
                          cancellable, &error);

  if (body == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, body, (GDestroyNotify) g_bytes_unref);
}

void
ck_http_request_async (const char          *url,
                       const char          *body_type,
                       GBytes              *body,
                       gsize                max_size,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr (GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  Request *r = g_new0 (Request, 1);

  r->url = g_strdup (url);
  r->body_type = g_strdup (body_type);
  r->body = body != NULL ? g_bytes_ref (body) : NULL;
  r->max_size = max_size;
  g_task_set_source_tag (task, ck_http_request_async);
  g_task_set_task_data (task, r, (GDestroyNotify) request_free);
  /* Cancelling returns at once; the worker stops at its next read. */
  g_task_set_return_on_cancel (task, TRUE);
  g_task_run_in_thread (task, request_thread);
}

GBytes *
ck_http_request_finish (GAsyncResult  *result,
                        char         **content_type,
                        GError       **error)
{
  GTask *task = G_TASK (result);
  GBytes *body;

  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  g_return_val_if_fail (g_task_get_source_tag (task) == ck_http_request_async, NULL);

  body = g_task_propagate_pointer (task, error);
  if (body != NULL && content_type != NULL)
    {
      Request *r = g_task_get_task_data (task);

      *content_type = g_steal_pointer (&r->content_type);
    }
  return body;
}
