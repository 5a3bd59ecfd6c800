/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define CK_TYPE_STORED_KEY (ck_stored_key_get_type ())
G_DECLARE_FINAL_TYPE (CkStoredKey, ck_stored_key, CK, STORED_KEY, GObject)

/* A private key row of the store (never the key material). Properties:
 * id, display-name, label, algorithm, bits, curve, spki-sha256, encrypted,
 * pkcs11-uri, source, imported-at. */

gint64      ck_stored_key_get_id           (CkStoredKey *self);
/* The label, else "RSA 2048-bit key" */
const char *ck_stored_key_get_display_name (CkStoredKey *self);
const char *ck_stored_key_get_label        (CkStoredKey *self);
const char *ck_stored_key_get_algorithm    (CkStoredKey *self);
guint       ck_stored_key_get_bits         (CkStoredKey *self);
const char *ck_stored_key_get_curve        (CkStoredKey *self);
const char *ck_stored_key_get_spki_sha256  (CkStoredKey *self);
/* FALSE only when the user chose to store it without a passphrase. */
gboolean    ck_stored_key_get_encrypted    (CkStoredKey *self);
const char *ck_stored_key_get_pkcs11_uri   (CkStoredKey *self);
const char *ck_stored_key_get_source       (CkStoredKey *self);
gint64      ck_stored_key_get_imported_at  (CkStoredKey *self);

G_END_DECLS
