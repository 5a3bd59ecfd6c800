/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "ck-certificate.h"
#include "ck-key-generator.h"
#include "ck-private-key.h"
#include "ck-store.h"

G_BEGIN_DECLS

/* One PKCS#11 token, as p11-kit's module registry (the .module files of the
 * system and the user) presents it through GnuTLS. The state is read from
 * the token each time it is asked for; keys and certificates stay on the
 * token and are never copied into the store. */
#define CK_TYPE_TOKEN (ck_token_get_type ())
G_DECLARE_FINAL_TYPE (CkToken, ck_token, CK, TOKEN, GObject)

/* Every token of every registered module. An empty array when there are
 * none. */
GPtrArray   *ck_token_list_all              (GError    **error);
/* The first token matching @uri ("pkcs11:token=…", any token URI);
 * CK_ERROR_NOT_FOUND when none does. */
CkToken     *ck_token_lookup                (const char *uri,
                                             GError    **error);

const char  *ck_token_get_uri               (CkToken *self);
const char  *ck_token_get_label             (CkToken *self);
const char  *ck_token_get_manufacturer      (CkToken *self);
const char  *ck_token_get_model             (CkToken *self);
const char  *ck_token_get_serial            (CkToken *self);
const char  *ck_token_get_module_name       (CkToken *self);

/* Re-reads the token's flags; FALSE with @error when it is gone. */
gboolean     ck_token_refresh               (CkToken  *self,
                                             GError  **error);
/* CK_TOKEN_INFO.flags as last read. */
gulong       ck_token_get_flags             (CkToken *self);
gboolean     ck_token_is_initialized        (CkToken *self);
gboolean     ck_token_needs_login           (CkToken *self);
/* A PIN pad or similar: log in without a typed PIN. */
gboolean     ck_token_has_protected_path    (CkToken *self);
/* Write-protected tokens and p11-kit's "System Trust". */
gboolean     ck_token_is_read_only          (CkToken *self);
gboolean     ck_token_is_system_trust       (CkToken *self);
/* What the token says about its user PIN (CKF_USER_PIN_* of its flags
 * as last read): the one reader of them for every front end. */
typedef enum {
  CK_PIN_FLAGS_NONE      = 0,
  CK_PIN_FLAGS_COUNT_LOW = 1 << 0,  /* a wrong PIN was entered; few tries left */
  CK_PIN_FLAGS_FINAL_TRY = 1 << 1,  /* the next wrong PIN locks it */
  CK_PIN_FLAGS_LOCKED    = 1 << 2,  /* no user login until the SO unlocks it */
} CkPinFlags;

CkPinFlags   ck_token_get_pin_flags         (CkToken *self);
/* The most severe of @flags as a sentence telling the user what it means
 * and what to do; NULL for CK_PIN_FLAGS_NONE. */
const char  *ck_pin_flags_get_advice        (CkPinFlags flags);
/* NULL when the user PIN is fine, else "PIN count low", "final try" or
 * "locked", as the token reports it. */
const char  *ck_token_get_pin_warning       (CkToken *self);
/* "initialized, login required, final try", for listings. */
char        *ck_token_describe_state        (CkToken *self);

/* Logs in as the user with @pin (NULL on a protected authentication path
 * token). The session stays open, so GnuTLS operations on the token find
 * it logged in, until ck_token_logout() or the last reference goes. A wrong
 * PIN is CK_ERROR_BAD_PASSWORD with what the token says about the tries
 * left; it is never retried here. */
gboolean     ck_token_login                 (CkToken    *self,
                                             const char *pin,
                                             GError    **error);
void         ck_token_logout                (CkToken    *self);
gboolean     ck_token_is_logged_in          (CkToken    *self);

/* One object on the token. */
typedef struct {
  char    *uri;
  char    *label;
  char    *id_hex;    /* CKA_ID as lower-case hex, "" when none */
  char    *kind;      /* "private-key", "public-key", "certificate", "secret-key", "data" */
} CkTokenObject;

void         ck_token_object_free           (CkTokenObject *object);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CkTokenObject, ck_token_object_free)

/* Keys and certificates on the token (private objects only when logged
 * in). */
GPtrArray   *ck_token_list_objects          (CkToken  *self,
                                             GError  **error);

/* The certificate @object_uri (a "certificate" object of
 * ck_token_list_objects()) read from the token: for showing it, never to
 * copy it into the store. */
CkCertificate *ck_token_load_certificate    (CkToken     *self,
                                             const char  *object_uri,
                                             GError     **error);

/* Deletes @object (one of ck_token_list_objects(); log in first for a
 * private one) from the token. A private key takes its public key (same
 * CKA_ID) with it, so that no half of the pair is left behind; its
 * certificates stay. There is no undo: the token keeps no copy.
 * CK_ERROR_NOT_FOUND when the object is no longer there. */
gboolean     ck_token_delete_object         (CkToken             *self,
                                             const CkTokenObject *object,
                                             GError             **error);

/* How a key is made on a token. */
typedef struct {
  CkKeySpec   spec;          /* RSA 2048–4096 or ECDSA P-256/P-384 */
  const char *label;         /* CKA_LABEL, required */
  GBytes     *id;            /* CKA_ID; NULL for 16 random bytes */
  gboolean    extractable;   /* FALSE; TRUE is refused (CK_ERROR_UNSUPPORTED) with GnuTLS 3.7.9 */
  gboolean    decrypt;       /* FALSE by default: a signing key */
} CkTokenKeySpec;

/* Generates the key pair on the token (logged in): sign on, sensitive,
 * private, not extractable and no decrypt unless asked. CK_ERROR_UNSUPPORTED
 * when the token's mechanism info does not allow the size. Returns the
 * private key by its PKCS#11 URI. */
CkPrivateKey *ck_token_generate_key         (CkToken              *self,
                                             const CkTokenKeySpec *spec,
                                             GError              **error);
/* Whether ck_token_generate_key() can make a key of @spec here, from the
 * token's mechanism info (no login needed): what the request assistant
 * offers. CK_ERROR_UNSUPPORTED or CK_ERROR_INVALID saying why when not. */
gboolean     ck_token_can_generate          (CkToken              *self,
                                             const CkKeySpec      *spec,
                                             GError              **error);

/* A CKA_ID as the user types it, hex digits with or without colons or
 * spaces ("c0:ff:ee"): NULL without an error for an empty @text (the
 * token then gets 16 random bytes), CK_ERROR_INVALID when it is not an
 * even number of hex digits. */
GBytes      *ck_token_id_from_hex           (const char           *text,
                                             GError              **error);
/* @key (a key on a token, by its PKCS#11 URI with a CKA_ID) as the
 * object ck_token_delete_object() takes: deleting it takes its public
 * half too, which is what undoes ck_token_generate_key(). */
CkTokenObject *ck_token_object_new_for_key  (CkPrivateKey         *key,
                                             GError              **error);
/* Writes @certificate onto the token beside @key (same CKA_ID and label). */
gboolean     ck_token_import_certificate    (CkToken       *self,
                                             CkCertificate *certificate,
                                             CkPrivateKey  *key,
                                             GError       **error);

/* Copies a software @key onto the token (logged in) as @label with @id
 * (NULL for 16 random bytes): sensitive, private, not extractable, sign on
 * and decrypt off. The store's copy is not touched. Returns the key on the
 * token by its PKCS#11 URI. */
CkPrivateKey *ck_token_import_key           (CkToken       *self,
                                             CkPrivateKey  *key,
                                             const char    *label,
                                             GBytes        *id,
                                             GError       **error);

/* The token label in @uri ("pkcs11:token=HSM%201;object=…" → "HSM 1"),
 * read from the URI alone (no token is asked); NULL when it names none. */
char        *ck_token_label_from_uri        (const char     *uri);
/* The token holding the object @object_uri ("pkcs11:token=…;object=…"). */
CkToken     *ck_token_lookup_for_object     (const char     *object_uri,
                                             GError        **error);
/* When @certificate's key in @store lives on a token: the token (NULL,
 * without an error, otherwise) and that key, so that the certificate can
 * go onto the token beside it with ck_token_import_certificate(). */
CkToken     *ck_token_find_for_certificate  (CkStore        *store,
                                             CkCertificate  *certificate,
                                             CkPrivateKey  **key,
                                             GError        **error);
/* For importing a certificate + key file onto the token (logged in): each
 * new software key of @plan is written onto the token as in
 * ck_token_import_key() (sensitive, not extractable), with the plan's new
 * certificates of that key beside it (same CKA_ID and label). Returns a
 * copy of @plan to commit in which those keys are the keys on the token,
 * so that the store records their URIs and never the software key;
 * *@n_keys (nullable) gets how many keys were written. */
CkImportPlan *ck_token_import_plan          (CkToken        *self,
                                             CkImportPlan   *plan,
                                             guint          *n_keys,
                                             GError        **error);
/* TRUE when @plan also holds the key of @certificate (an item of @plan):
 * the certificate then goes where the key goes, and is not an issued
 * certificate for a key already on a token. */
gboolean     ck_token_plan_has_key_for      (CkImportPlan   *plan,
                                             CkImportItem   *certificate);
/* TRUE when the token already holds @certificate (same DER). */
gboolean     ck_token_has_certificate       (CkToken        *self,
                                             CkCertificate  *certificate);

/* A CK_RV as a sentence ("the token was removed"). */
const char  *ck_token_rv_message            (gulong rv);

G_END_DECLS
