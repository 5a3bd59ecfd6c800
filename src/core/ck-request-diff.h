/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ck-certificate.h"
#include "ck-request.h"
#include "ck-store.h"

G_BEGIN_DECLS

/* Where a certificate differs from the request it answers: what the CA
 * dropped, added or changed. One human-readable line each ("SAN
 * DNS:b.example dropped", "key usage keyEncipherment dropped", "subject
 * O changed from “Acme” to “Acme Inc.”"), subject first, then SANs, key
 * usage, extended key usage and basic constraints. Empty when the
 * certificate gives exactly what was asked. */
GPtrArray *ck_request_compare_certificate (CkRequest     *request,
                                           CkCertificate *certificate);

/* For a certificate just stored: every request the store marks as issued
 * by it that it does not match, as one line per request ("certificate for
 * request 4 differs: SAN DNS:b.example dropped; …"). Uses the store's
 * request model, so call it on the thread that opened the store. */
GPtrArray *ck_request_diff_issued         (CkStore       *store,
                                           gint64         certificate_id,
                                           GError       **error);

/* The line ck_request_diff_issued() gives for request @request_id
 * answered by @certificate, NULL when the certificate matches it. Reads
 * no store: any thread. */
char      *ck_request_diff_line           (gint64         request_id,
                                           CkRequest     *request,
                                           CkCertificate *certificate);

G_END_DECLS
