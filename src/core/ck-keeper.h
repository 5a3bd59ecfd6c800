/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ck-export.h"
#include "ck-key-generator.h"
#include "ck-request-builder.h"
#include "ck-store.h"
#include "ck-token.h"
#include "ck-trust.h"
#include "ck-verifier.h"

G_BEGIN_DECLS

/* The user's actions, done once for every front end: the window and
 * certkeeper-cli only gather what the user chose, call the action and show
 * its result or error. Each action runs in a GTask worker thread that sees
 * only its task data (a copy of what it was given, never a widget), writes
 * the store in one transaction, and on failure or cancellation leaves
 * nothing behind: no key, no row, nothing on a token.
 *
 * Every action has an _async/_finish pair, for the window (the callback
 * runs in the thread-default main context of the caller), and a blocking
 * form, for the command line, that runs the same worker in the calling
 * thread. */
#define CK_TYPE_KEEPER (ck_keeper_get_type ())
G_DECLARE_FINAL_TYPE (CkKeeper, ck_keeper, CK, KEEPER, GObject)

/* Keeps a reference to @store. Trust and the verifier come later (they
 * are read from the store once it is open), for the trust actions.
 * @store NULL makes a keeper for the token actions alone (logging in,
 * reading a token's state), which need no store: `certkeeper-cli tokens`
 * and the PIN dialog. */
CkKeeper     *ck_keeper_new                     (CkStore     *store);
/* (nullable) */
CkStore      *ck_keeper_get_store               (CkKeeper    *self);
void          ck_keeper_use_trust               (CkKeeper    *self,
                                                 CkTrust     *trust,
                                                 CkVerifier  *verifier);
/* (nullable) */
CkTrust      *ck_keeper_get_trust               (CkKeeper    *self);
CkVerifier   *ck_keeper_get_verifier            (CkKeeper    *self);

/* --- Making a request ---------------------------------------------------- */

typedef enum {
  /* Generated in memory, stored encrypted with @passphrase (or, when the
   * user chose it, without one) together with its request. */
  CK_KEEPER_KEY_NEW,
  /* A key in the store, unlocked with @passphrase when it is encrypted;
   * a stored key that lives on a token signs there (log in first). */
  CK_KEEPER_KEY_STORED,
  /* Generated on @token (logged in), recorded by its URI; taken off the
   * token again when the request cannot be made or recorded. */
  CK_KEEPER_KEY_TOKEN_NEW,
  /* Already on a token, by its pkcs11: @uri: recorded once, signs there. */
  CK_KEEPER_KEY_TOKEN,
} CkKeeperKeySource;

/* Which key signs. Only the members of its source are read; the keeper
 * copies what it needs (and wipes its copy of the passphrase). */
typedef struct {
  CkKeeperKeySource source;
  CkKeySpec         spec;            /* NEW, TOKEN_NEW */
  const char       *label;           /* NEW (may be NULL), TOKEN_NEW (CKA_LABEL, required) */
  const char       *passphrase;      /* NEW: protects it; STORED: unlocks it */
  gboolean          no_passphrase;   /* NEW: store it unencrypted, as the user chose */
  gint64            key_id;          /* STORED */
  CkToken          *token;           /* TOKEN_NEW */
  GBytes           *token_id;        /* TOKEN_NEW: CKA_ID, NULL for 16 random bytes */
  gboolean          extractable;     /* TOKEN_NEW: see CkTokenKeySpec */
  const char       *uri;             /* TOKEN */
  CkPrivateKey     *key;             /* STORED, TOKEN: the key when the caller
                                      * already has it open (unlocked at its
                                      * prompt), else it is opened here */
} CkKeeperKeyChoice;

/* Writes the signed request where the user asked (a file, standard
 * output). Called in the worker thread, inside the store transaction, as
 * the last step before the commit: when it fails nothing is stored. It
 * must not touch widgets. */
typedef gboolean (*CkKeeperRequestSink) (CkRequest  *request,
                                         gpointer    user_data,
                                         GError    **error);

typedef struct {
  gint64   key_id;           /* the key in the store */
  gint64   request_id;       /* the pending request */
  gboolean key_added;        /* this call added the key to the store */
  gboolean request_existed;  /* the same request was stored already (RSA
                              * signatures are deterministic): kept once */
} CkKeeperRequestResult;

/* Makes the request @builder describes (copied: edit it on), in one path:
 * the builder's checks (CK_ERROR_INVALID listing the errors, before any
 * key is made), the key, the signature, @sink, and the key and the
 * pending request recorded in one store transaction. Cancelling stops key
 * generation at once; it is honoured up to the commit. */
void          ck_keeper_create_request_async    (CkKeeper                *self,
                                                 CkRequestBuilder        *builder,
                                                 const CkKeeperKeyChoice *key,
                                                 CkKeeperRequestSink      sink,
                                                 gpointer                 sink_data,
                                                 GCancellable            *cancellable,
                                                 GAsyncReadyCallback      callback,
                                                 gpointer                 user_data);
/* The request made; @result (nullable) gets the ids. */
CkRequest    *ck_keeper_create_request_finish   (CkKeeper                *self,
                                                 GAsyncResult            *result,
                                                 CkKeeperRequestResult   *out,
                                                 GError                 **error);
CkRequest    *ck_keeper_create_request          (CkKeeper                *self,
                                                 CkRequestBuilder        *builder,
                                                 const CkKeeperKeyChoice *key,
                                                 CkKeeperRequestSink      sink,
                                                 gpointer                 sink_data,
                                                 GCancellable            *cancellable,
                                                 CkKeeperRequestResult   *out,
                                                 GError                 **error);

/* --- Renewing a certificate (ck-keeper-renew.c) ------------------------- */

/* What a renewal of one stored certificate asks for and where its key
 * is: the window shows it before the user decides, the CLI goes on at
 * once. */
typedef struct _CkRenewal CkRenewal;
#define CK_TYPE_RENEWAL (ck_renewal_get_type ())
GType         ck_renewal_get_type               (void) G_GNUC_CONST;
CkRenewal    *ck_renewal_ref                    (CkRenewal *self);
void          ck_renewal_unref                  (CkRenewal *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CkRenewal, ck_renewal_unref)

/* The certificate's subject, SANs, key usage, EKU, basic constraints and
 * TLS features, and the profile of the request it was issued for (when
 * made here). Migrates the expiry module where needed. CK_ERROR_NOT_FOUND
 * when @certificate_id is not a stored certificate. */
CkRenewal    *ck_keeper_plan_renewal            (CkKeeper   *self,
                                                 gint64      certificate_id,
                                                 GError    **error);
gint64        ck_renewal_get_certificate_id     (CkRenewal  *self);
CkCertificate *ck_renewal_get_certificate       (CkRenewal  *self);
/* (transfer none): edit it before renewing, as the user asks. */
CkRequestBuilder *ck_renewal_get_builder        (CkRenewal  *self);
/* Whether the old key is in the store (in software or as a token key). */
gboolean      ck_renewal_can_reuse_key          (CkRenewal  *self);
/* The old key is in the store and encrypted: reusing it needs its
 * passphrase. */
gboolean      ck_renewal_key_is_encrypted       (CkRenewal  *self);
/* The old key's pkcs11: URI when it lives on a token (a new key is made
 * on that token), else NULL. */
const char   *ck_renewal_get_token_key_uri      (CkRenewal  *self);
/* FALSE (with why, transfer none) when no new key like the old can be
 * made (DSA, GOST…): only reusing the key is left. */
gboolean      ck_renewal_can_make_new_key       (CkRenewal  *self,
                                                 const char **problem);
/* The new key's type and size (the old one's); NULL when none. */
const CkKeySpec *ck_renewal_get_key_spec        (CkRenewal  *self);
/* Fills @choice: the old key (@reuse_key), or a new key like it in the
 * same place: the store, or @token (the old key's token, opened and
 * logged in by the caller; CK_ERROR_PASSWORD_REQUIRED when NULL then).
 * The caller adds the passphrases. @choice points into @self and @token. */
gboolean      ck_renewal_choose_key             (CkRenewal         *self,
                                                 gboolean           reuse_key,
                                                 CkToken           *token,
                                                 CkKeeperKeyChoice *choice,
                                                 GError           **error);
/* Makes the renewal request with ck_keeper_create_request_async() and
 * records, in the same transaction, which certificate it renews
 * (ck_expiry_check_get_renewed_certificate()). It stays pending until the
 * CA's certificate for it is imported; from then on the old certificate
 * is renewed by that one. */
void          ck_keeper_renew_async             (CkKeeper                *self,
                                                 CkRenewal               *renewal,
                                                 const CkKeeperKeyChoice *key,
                                                 CkKeeperRequestSink      sink,
                                                 gpointer                 sink_data,
                                                 GCancellable            *cancellable,
                                                 GAsyncReadyCallback      callback,
                                                 gpointer                 user_data);
CkRequest    *ck_keeper_renew_finish            (CkKeeper                *self,
                                                 GAsyncResult            *result,
                                                 CkKeeperRequestResult   *out,
                                                 GError                 **error);
CkRequest    *ck_keeper_renew                   (CkKeeper                *self,
                                                 CkRenewal               *renewal,
                                                 const CkKeeperKeyChoice *key,
                                                 CkKeeperRequestSink      sink,
                                                 gpointer                 sink_data,
                                                 GCancellable            *cancellable,
                                                 CkKeeperRequestResult   *out,
                                                 GError                 **error);

/* --- Tokens -------------------------------------------------------------- */

/* Logs in to @token with @pin (NULL on a PIN pad, or for a token that
 * needs no PIN): done at once when it is logged in already. The token's
 * state is read first, so a locked PIN is refused without trying it
 * (CK_ERROR_BAD_PASSWORD, with what the token says about the tries left
 * after a wrong one, as ck_token_login() words it). Never retried. */
void          ck_keeper_token_login_async       (CkKeeper             *self,
                                                 CkToken              *token,
                                                 const char           *pin,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
gboolean      ck_keeper_token_login_finish      (CkKeeper             *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);
gboolean      ck_keeper_token_login             (CkKeeper             *self,
                                                 CkToken              *token,
                                                 const char           *pin,
                                                 GCancellable         *cancellable,
                                                 GError              **error);
/* Reads @token's state (flags, PIN flags) again, off the calling thread:
 * what a PIN prompt shows before the user types. */
void          ck_keeper_token_refresh_async     (CkKeeper             *self,
                                                 CkToken              *token,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
gboolean      ck_keeper_token_refresh_finish    (CkKeeper             *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);

/* The pkcs11: URI of @certificate's key when that key is a key on a token
 * in the store; else NULL with CK_ERROR_MISMATCH saying only certificates
 * of token keys go onto a token. Reads the store's rows: call it on the
 * store's thread. */
char         *ck_keeper_dup_token_key_uri       (CkKeeper             *self,
                                                 CkCertificate        *certificate,
                                                 GError              **error);
/* What ck_keeper_write_certificate_to_token() checks before it writes,
 * for checking a whole import before anything is written: its key is a
 * token key in the store, on @token when one is given. Calls into the
 * token modules: not on a GUI thread. */
gboolean      ck_keeper_check_certificate_for_token (CkKeeper         *self,
                                                     CkCertificate    *certificate,
                                                     CkToken          *token,
                                                     GError          **error);
/* Writes an issued @certificate onto the token of its key, beside it (same
 * CKA_ID and label). @token is that token when the caller has it open
 * (logged in through ck_keeper_token_login*()), NULL to look it up; a
 * token other than the key's is refused (CK_ERROR_MISMATCH). A token that
 * still needs a login is CK_ERROR_PASSWORD_REQUIRED. When the token holds
 * the certificate already nothing is written: TRUE with *@written FALSE. */
void          ck_keeper_write_certificate_to_token_async  (CkKeeper            *self,
                                                           CkCertificate       *certificate,
                                                           CkToken             *token,
                                                           GCancellable        *cancellable,
                                                           GAsyncReadyCallback  callback,
                                                           gpointer             user_data);
gboolean      ck_keeper_write_certificate_to_token_finish (CkKeeper            *self,
                                                           GAsyncResult        *result,
                                                           gboolean            *written,
                                                           GError             **error);
gboolean      ck_keeper_write_certificate_to_token        (CkKeeper            *self,
                                                           CkCertificate       *certificate,
                                                           CkToken             *token,
                                                           GCancellable        *cancellable,
                                                           gboolean            *written,
                                                           GError             **error);

/* --- Keys, trust, export --------------------------------------------------- */

/* Generates a key as @key says (CK_KEEPER_KEY_NEW: in memory, stored
 * encrypted unless the user chose otherwise; CK_KEEPER_KEY_TOKEN_NEW: on
 * the token, recorded by its URI) and records it in one transaction.
 * A token key that cannot be recorded is taken off the token again. */
void          ck_keeper_generate_key_async      (CkKeeper                *self,
                                                 const CkKeeperKeyChoice *key,
                                                 GCancellable            *cancellable,
                                                 GAsyncReadyCallback      callback,
                                                 gpointer                 user_data);
/* The key; *@key_id (nullable) its id in the store. */
CkPrivateKey *ck_keeper_generate_key_finish     (CkKeeper                *self,
                                                 GAsyncResult            *result,
                                                 gint64                  *key_id,
                                                 GError                 **error);
CkPrivateKey *ck_keeper_generate_key            (CkKeeper                *self,
                                                 const CkKeeperKeyChoice *key,
                                                 GCancellable            *cancellable,
                                                 gint64                  *key_id,
                                                 GError                 **error);

/* Records the user's decision through ck_trust_set() on the trust given
 * with ck_keeper_use_trust() (CK_ERROR_FAILED without one). CkTrust emits
 * "changed" for the views on the thread that writes, so the write is made
 * on the calling thread, not in a worker: the _async form only hands the
 * result back through the main loop like the other actions. */
void          ck_keeper_set_trust_async         (CkKeeper             *self,
                                                 gint64                certificate_id,
                                                 const char           *purpose,
                                                 CkTrustLevel          level,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
gboolean      ck_keeper_set_trust_finish        (CkKeeper             *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);
gboolean      ck_keeper_set_trust               (CkKeeper             *self,
                                                 gint64                certificate_id,
                                                 const char           *purpose,
                                                 CkTrustLevel          level,
                                                 GError              **error);

/* What exporting a stored certificate with its key needs, read and
 * unlocked in a worker: the certificate @certificate_id, its stored key
 * (unlocked with @key_passphrase when encrypted; CK_ERROR_NOT_FOUND when
 * the store has none, CK_ERROR_BAD_PASSWORD when wrong) and its chain as
 * ck_export_collect_chain() finds it. Encoding it (ck_export_pkcs12() with
 * the profile the user chose) and writing it are the caller's. */
typedef struct {
  CkCertificate *certificate;
  CkPrivateKey  *key;
  GPtrArray     *chain;        /* element-type CkCertificate, @certificate first */
  gboolean       chain_complete;
} CkKeeperExport;

void          ck_keeper_export_free             (CkKeeperExport       *export);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CkKeeperExport, ck_keeper_export_free)

void          ck_keeper_prepare_export_async    (CkKeeper             *self,
                                                 gint64                certificate_id,
                                                 const char           *key_passphrase,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
CkKeeperExport *ck_keeper_prepare_export_finish (CkKeeper             *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);
CkKeeperExport *ck_keeper_prepare_export        (CkKeeper             *self,
                                                 gint64                certificate_id,
                                                 const char           *key_passphrase,
                                                 GCancellable         *cancellable,
                                                 GError              **error);

G_END_DECLS
