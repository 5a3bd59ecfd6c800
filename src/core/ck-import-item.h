/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ck-certificate.h"
#include "ck-crl.h"
#include "ck-private-key.h"
#include "ck-request.h"

G_BEGIN_DECLS

typedef enum {
  CK_IMPORT_ITEM_CERTIFICATE,
  CK_IMPORT_ITEM_PRIVATE_KEY,
  CK_IMPORT_ITEM_REQUEST,
  /* An encrypted key or PKCS#12 waiting for its password: unlocking it
   * replaces it with what it holds. */
  CK_IMPORT_ITEM_LOCKED,
  /* Could not be read: see ck_import_item_get_error(). */
  CK_IMPORT_ITEM_ERROR,
  /* A certificate revocation list, kept with its issuer's other CRLs
   * (ck-revocation-store.h). */
  CK_IMPORT_ITEM_CRL,
} CkImportItemKind;

#define CK_TYPE_IMPORT_ITEM (ck_import_item_get_type ())
G_DECLARE_FINAL_TYPE (CkImportItem, ck_import_item, CK, IMPORT_ITEM, GObject)

/* One thing found in the input, with what the plan knows about it. */

CkImportItem *ck_import_item_new_certificate (CkCertificate *cert,
                                              const char    *file,
                                              const char    *location);
CkImportItem *ck_import_item_new_private_key (CkPrivateKey  *key,
                                              const char    *file,
                                              const char    *location);
CkImportItem *ck_import_item_new_request     (CkRequest     *request,
                                              const char    *file,
                                              const char    *location);
CkImportItem *ck_import_item_new_crl         (CkCrl         *crl,
                                              const char    *file,
                                              const char    *location);
/* @data is the encrypted blob; @format says how to open it: "pkcs8"
 * (encrypted PKCS#8 DER), "pkcs12" (DER) or "legacy-pem" (an OpenSSL
 * "Proc-Type: 4,ENCRYPTED" PEM block, armour included). */
CkImportItem *ck_import_item_new_locked      (GBytes        *data,
                                              const char    *format,
                                              const char    *file,
                                              const char    *location);
/* Takes a copy of @error. */
CkImportItem *ck_import_item_new_error       (const GError  *error,
                                              const char    *file,
                                              const char    *location);

CkImportItemKind ck_import_item_get_kind     (CkImportItem *self);
/* The file name as given (basename for display). */
const char   *ck_import_item_get_file        (CkImportItem *self);
/* Where in the file: "block 3 (CERTIFICATE)", "PKCS#12 bag 2", or NULL for
 * a file that is one item. */
const char   *ck_import_item_get_location    (CkImportItem *self);
/* "bundle.pem, block 3 (CERTIFICATE)": how errors name the item. */
const char   *ck_import_item_get_source      (CkImportItem *self);
/* What the preview shows: a certificate's or request's display name, a
 * key's "RSA 2048-bit key", a locked item's "Encrypted private key". */
const char   *ck_import_item_get_display_name (CkImportItem *self);

CkCertificate *ck_import_item_get_certificate (CkImportItem *self);
CkPrivateKey  *ck_import_item_get_private_key (CkImportItem *self);
CkRequest     *ck_import_item_get_request     (CkImportItem *self);
CkCrl         *ck_import_item_get_crl         (CkImportItem *self);
GBytes        *ck_import_item_get_locked_data (CkImportItem *self);
const char    *ck_import_item_get_locked_format (CkImportItem *self);
const GError  *ck_import_item_get_error       (CkImportItem *self);

/* SPKI SHA-256 of a certificate, key or request; NULL otherwise. */
const char    *ck_import_item_get_spki_sha256 (CkImportItem *self);
/* SHA-256 identity: certificate, request or CRL fingerprint, a key's
 * SPKI. */
const char    *ck_import_item_get_fingerprint (CkImportItem *self);

/* A friendly name carried by the file (PKCS#12 friendlyName). */
const char    *ck_import_item_get_label       (CkImportItem *self);
void           ck_import_item_set_label       (CkImportItem *self,
                                               const char   *label);

/* Set by the plan. */
/* The key for this certificate (or a certificate for this key) in the same
 * plan; NULL when there is none. */
CkImportItem  *ck_import_item_get_partner     (CkImportItem *self);
void           ck_import_item_set_partner     (CkImportItem *self,
                                               CkImportItem *partner);
/* Store id of the matching key or certificate already in the store; 0. */
gint64         ck_import_item_get_store_partner_id (CkImportItem *self);
void           ck_import_item_set_store_partner_id (CkImportItem *self,
                                                    gint64        id);
/* What the store calls that partner ("www.example.com", "RSA 2048-bit
 * key"), for the preview to name it; NULL when there is none. When a key
 * has several certificates in the store: the first, and their count. */
const char    *ck_import_item_get_store_partner_name (CkImportItem *self);
guint          ck_import_item_get_n_store_partners   (CkImportItem *self);
void           ck_import_item_set_store_partner_name (CkImportItem *self,
                                                      const char   *name,
                                                      guint         n_partners);
/* Store id of this very item when it is already there; 0 otherwise. */
gint64         ck_import_item_get_existing_id (CkImportItem *self);
void           ck_import_item_set_existing_id (CkImportItem *self,
                                               gint64        id);
/* An earlier item of the same plan is the same object. */
gboolean       ck_import_item_get_duplicate   (CkImportItem *self);
void           ck_import_item_set_duplicate   (CkImportItem *self,
                                               gboolean      duplicate);
/* Will be written by a commit: not an error, not locked, not a duplicate,
 * not already in the store. */
gboolean       ck_import_item_is_new          (CkImportItem *self);

const char    *ck_import_item_kind_to_string  (CkImportItemKind kind);

G_END_DECLS
