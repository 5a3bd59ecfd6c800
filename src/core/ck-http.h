/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Everything Certkeeper fetches over the network (CRLs, OCSP answers,
 * caIssuers certificates) goes through here, on libsoup 3: http and https
 * only, a time limit, a size limit, errors that name the URL. Each call
 * uses its own SoupSession, so it may run on any thread. */

/* Seconds a connection, a request or a read may take before the fetch
 * fails with G_IO_ERROR_TIMED_OUT; the whole fetch takes at most
 * CK_HTTP_DEADLINE seconds. */
#define CK_HTTP_TIMEOUT  5
#define CK_HTTP_DEADLINE 15

/* Size limits for what a fetch may return. */
#define CK_HTTP_MAX_CRL         (32 * 1024 * 1024)
#define CK_HTTP_MAX_OCSP        (64 * 1024)
#define CK_HTTP_MAX_CERTIFICATE (1024 * 1024)

/* TRUE for an http:// or https:// URL with a host; otherwise FALSE with
 * CK_ERROR_INVALID naming it (file:, ldap:, a missing host…). */
gboolean ck_http_check_url   (const char   *url,
                              GError      **error);

/* GET @url. The body (at most @max_size bytes; more fails with
 * G_IO_ERROR_MESSAGE_TOO_LARGE) of a 2xx answer; *@content_type
 * (nullable) gets the answer's media type. Blocks: call it from a worker
 * thread or the CLI, or use ck_http_request_async(). */
GBytes  *ck_http_get         (const char   *url,
                              gsize         max_size,
                              char        **content_type,
                              GCancellable *cancellable,
                              GError      **error);
/* POST @body with @body_type ("application/ocsp-request") to @url. */
GBytes  *ck_http_post        (const char   *url,
                              const char   *body_type,
                              GBytes       *body,
                              gsize         max_size,
                              char        **content_type,
                              GCancellable *cancellable,
                              GError      **error);

/* Either of the above off the calling thread; @body NULL for a GET.
 * @callback runs in the thread-default main context of the caller. */
void     ck_http_request_async  (const char          *url,
                                 const char          *body_type,
                                 GBytes              *body,
                                 gsize                max_size,
                                 GCancellable        *cancellable,
                                 GAsyncReadyCallback  callback,
                                 gpointer             user_data);
GBytes  *ck_http_request_finish (GAsyncResult        *result,
                                 char               **content_type,
                                 GError             **error);

G_END_DECLS
