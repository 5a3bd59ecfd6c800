/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ck-certificate.h"
#include "ck-private-key.h"

G_BEGIN_DECLS

/* The key types Certkeeper generates. */
typedef enum {
  CK_KEY_TYPE_RSA,
  CK_KEY_TYPE_RSA_PSS,
  CK_KEY_TYPE_ECDSA,
  CK_KEY_TYPE_ED25519,
  CK_KEY_TYPE_ED448,
} CkKeyType;

#define CK_TYPE_KEY_TYPE (ck_key_type_get_type ())
GType        ck_key_type_get_type       (void) G_GNUC_CONST;

/* "rsa", "rsa-pss", "ecdsa", "ed25519", "ed448" (case-insensitive). */
gboolean     ck_key_type_from_string    (const char *name,
                                         CkKeyType  *type);
const char  *ck_key_type_to_string      (CkKeyType   type);

/* What to generate. @bits only for RSA and RSA-PSS (2048, 3072, 4096 or
 * 8192; 0 means 3072); @curve only for ECDSA ("P-256", "P-384", "P-521",
 * also "SECP256R1"…; NULL means P-256). */
typedef struct {
  CkKeyType   type;
  guint       bits;
  const char *curve;
} CkKeySpec;

/* CK_ERROR_INVALID for sizes and curves outside the lists above, with a
 * message saying what is allowed. */
gboolean     ck_key_spec_validate       (const CkKeySpec *spec,
                                         GError         **error);
/* A new key like @certificate's: the same type and RSA size or curve, for
 * a renewal. CK_ERROR_UNSUPPORTED when Certkeeper cannot generate that
 * kind of key (DSA, GOST…). @spec->curve points into @certificate. */
gboolean     ck_key_spec_from_certificate (CkCertificate *certificate,
                                           CkKeySpec     *spec,
                                           GError       **error);
/* "RSA 4096", "ECDSA P-384", "Ed25519" */
char        *ck_key_spec_describe       (const CkKeySpec *spec);

/* Generates a key in memory. GnuTLS cannot be interrupted once it has
 * started (an RSA 8192 key takes up to a minute), so the work runs in a
 * thread of its own: when @cancellable is cancelled this returns at once
 * with G_IO_ERROR_CANCELLED, and the thread's key is wiped and dropped
 * when it finishes. */
CkPrivateKey *ck_key_generate           (const CkKeySpec *spec,
                                         GCancellable    *cancellable,
                                         GError         **error);
/* The same from a GTask thread; the callback runs in the thread-default
 * main context of the caller. */
void          ck_key_generate_async     (const CkKeySpec     *spec,
                                         GCancellable        *cancellable,
                                         GAsyncReadyCallback  callback,
                                         gpointer             user_data);
CkPrivateKey *ck_key_generate_finish    (GAsyncResult        *result,
                                         GError             **error);

G_END_DECLS
