/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "certkeeper-core.h"

G_BEGIN_DECLS

#define CK_TYPE_REQUEST_DETAILS (ck_request_details_get_type ())
G_DECLARE_FINAL_TYPE (CkRequestDetails, ck_request_details, CK, REQUEST_DETAILS, GtkWidget)

/* A stored certificate signing request, for the details side of the
 * window: its subject under the attributes' names, the names and usages it
 * asks for, its key and status, what the CA changed in the certificate it
 * issued, and the PEM. Its actions ("request.copy-pem",
 * "request.save::pem|der", "request.delete", "request.show-certificate")
 * work on the request shown. Signals: "copied" (what, as in the details
 * pane) and "show-certificate" (the certificate's store id). */

void             ck_request_details_show        (CkRequestDetails *self,
                                                 CkStore          *store,
                                                 CkStoredRequest  *row);
CkStoredRequest *ck_request_details_get_request (CkRequestDetails *self);
/* The request as parsed from the store, NULL when it could not be read. */
CkRequest       *ck_request_details_get_parsed  (CkRequestDetails *self);
/* The lines telling how the issued certificate differs from the request
 * (empty when it gives what was asked or while pending). For tests. */
GPtrArray       *ck_request_details_get_differences (CkRequestDetails *self);

/* What Save As writes: the request as PEM ("CERTIFICATE REQUEST") or DER. */
gboolean         ck_request_details_write       (CkRequest        *request,
                                                 GFile            *file,
                                                 gboolean          der,
                                                 GError          **error);

G_END_DECLS
