/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum {
  CK_REQUEST_STATUS_PENDING,
  CK_REQUEST_STATUS_ISSUED,
} CkRequestStatus;

#define CK_TYPE_REQUEST_STATUS (ck_request_status_get_type ())
GType ck_request_status_get_type (void) G_GNUC_CONST;

#define CK_TYPE_STORED_REQUEST (ck_stored_request_get_type ())
G_DECLARE_FINAL_TYPE (CkStoredRequest, ck_stored_request, CK, STORED_REQUEST, GObject)

/* A certificate signing request kept under its key, like X-Road's
 * "Request" record: pending until a certificate for the same public key is
 * imported, then issued and linked to it. Properties: id, display-name,
 * subject, sha256, spki-sha256, status, certificate-id, profile, source,
 * created-at. */

gint64          ck_stored_request_get_id             (CkStoredRequest *self);
const char     *ck_stored_request_get_display_name   (CkStoredRequest *self);
const char     *ck_stored_request_get_subject        (CkStoredRequest *self);
const char     *ck_stored_request_get_sha256         (CkStoredRequest *self);
const char     *ck_stored_request_get_spki_sha256    (CkStoredRequest *self);
CkRequestStatus ck_stored_request_get_status         (CkStoredRequest *self);
void            ck_stored_request_set_status         (CkStoredRequest *self,
                                                      CkRequestStatus  status,
                                                      gint64           certificate_id);
/* 0 while pending */
gint64          ck_stored_request_get_certificate_id (CkStoredRequest *self);
const char     *ck_stored_request_get_profile        (CkStoredRequest *self);
const char     *ck_stored_request_get_source         (CkStoredRequest *self);
gint64          ck_stored_request_get_created_at     (CkStoredRequest *self);

const char     *ck_request_status_to_string          (CkRequestStatus status);

G_END_DECLS
