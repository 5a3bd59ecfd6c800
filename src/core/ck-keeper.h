/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ck-ca.h"
#include "ck-certificate-builder.h"
#include "ck-deletion.h"
#include "ck-export.h"
#include "ck-importer.h"
#include "ck-key-generator.h"
#include "ck-request-builder.h"
#include "ck-store.h"
#include "ck-token.h"
#include "ck-trust.h"
#include "ck-utils.h"
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

/* --- Issuing certificates and CRLs (ck-keeper-issue.c) -------------------- */

/* Writes what an issuing action made (a certificate, a CRL) where the user
 * asked: @der and @pem are the same object in both encodings, the sink
 * picks one. Called in the worker thread, inside the action's one store
 * transaction, as its last step before the commit, after the last check
 * for cancellation: when it fails nothing is stored (no key, no
 * certificate, no CRL number); once it has written, the action is no
 * longer cancelled. It must not touch widgets. */
typedef gboolean (*CkKeeperIssueSink) (GBytes      *der,
                                       const char  *pem,
                                       gpointer     user_data,
                                       GError     **error);

/* A ready-made sink for the window: @user_data is a CkKeeperFileOutput;
 * the file is written with ck_file_write() (atomic, never a symbolic
 * link; CK_WRITE_OVERWRITE in @flags when the user agreed to replace it). */
typedef struct {
  const char   *path;
  gboolean      der;       /* else PEM */
  CkWriteFlags  flags;
} CkKeeperFileOutput;

gboolean      ck_keeper_file_sink               (GBytes      *der,
                                                 const char  *pem,
                                                 gpointer     user_data,
                                                 GError     **error);

/* The CA that signs (a request, a CRL): its certificate in the store and
 * its key, the stored key of that certificate (unlocked with @passphrase
 * when encrypted: CK_ERROR_PASSWORD_REQUIRED / CK_ERROR_BAD_PASSWORD) or
 * a key on a token recorded in the store (log in first:
 * ck_keeper_token_login*(); it signs on the token). @key, when the
 * caller has the key open already (unlocked at its prompt), is used as it
 * is and must be the CA's. */
typedef struct {
  gint64        ca_id;
  const char   *passphrase;
  CkPrivateKey *key;
} CkKeeperSigner;

/* What an issuing action did, for the front ends to show. */
typedef struct {
  CkCertificate *certificate;
  gint64         certificate_id;   /* in the store */
  gint64         issuer_id;        /* the CA that signed it; 0 for self-signed */
  gint64         key_id;           /* its key in the store; 0 when the store has none
                                    * (a request signed for someone else) */
  gboolean       key_added;        /* this action made the key and stored it */
  gint64         request_id;       /* sign: the request signed, when it is in the store */
  GArray        *issued_requests;  /* (element-type gint64) this store's pending
                                    * requests for the key that are now issued by
                                    * the certificate (the signed one among them) */
  GPtrArray     *differences;      /* (element-type utf8) one line for each of them
                                    * that the certificate does not match ("certificate
                                    * for request 4 differs: SAN DNS:b.example dropped"),
                                    * as import reports it */
  GPtrArray     *findings;         /* (element-type CkRequestFinding) the issuance
                                    * checks' warnings (RFC 5280, the CA/Browser
                                    * Forum validity limit naming it): errors block */
} CkKeeperIssued;

void          ck_keeper_issued_free             (CkKeeperIssued *issued);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CkKeeperIssued, ck_keeper_issued_free)

/* The order of every issuing action, so that a failure or a cancel at any
 * step leaves the store as it was:
 *   1. the builder's checks (ck_certificate_builder_check(): errors are
 *      CK_ERROR_INVALID listing them, before any key is made or unlocked);
 *   2. the key: generated (in memory, or on a token), or unlocked / opened
 *      (the passphrase's KDF), the CA's key likewise;
 *   3. the signature (on the token for a token key), and the PKCS#8
 *      encryption of a new key: all before the write transaction;
 *   4. one transaction: the key, the certificate (pending requests for its
 *      key become issued), its link to its CA; the sink; COMMIT.
 * A failure in 1-4 rolls everything back, and a key generated on a token
 * for this action is taken off it again (one made in memory is wiped). A
 * cancel is honoured up to the sink. Should COMMIT itself fail after the
 * sink wrote (a full disk), the file is complete but the store unchanged.
 * The certificate is copied from @builder (copied: edit it on). */

/* A self-signed certificate for @key (any source of CkKeeperKeyChoice: a
 * new key in the store or on a token, a stored key, a key on a token).
 * @builder comes from ck_certificate_builder_new_self_signed() with the
 * contents the user chose (the profile applied with
 * ck_certificate_profile_apply(), or a certtool template read with
 * ck_template_load_file_for (…, CK_TEMPLATE_CERTIFICATE, …)), and the
 * validity, serial and hash. A CA made here is trusted for nothing. */
void            ck_keeper_self_sign_async       (CkKeeper                *self,
                                                 CkCertificateBuilder    *builder,
                                                 const CkKeeperKeyChoice *key,
                                                 CkKeeperIssueSink        sink,
                                                 gpointer                 sink_data,
                                                 GCancellable            *cancellable,
                                                 GAsyncReadyCallback      callback,
                                                 gpointer                 user_data);
CkKeeperIssued *ck_keeper_self_sign_finish      (CkKeeper                *self,
                                                 GAsyncResult            *result,
                                                 GError                 **error);
CkKeeperIssued *ck_keeper_self_sign             (CkKeeper                *self,
                                                 CkCertificateBuilder    *builder,
                                                 const CkKeeperKeyChoice *key,
                                                 CkKeeperIssueSink        sink,
                                                 gpointer                 sink_data,
                                                 GCancellable            *cancellable,
                                                 GError                 **error);

/* Signs the request of @builder (ck_certificate_builder_new_for_request()
 * with a request loaded from the store or read from a file) as the CA of
 * @signer, with what the user chose on @builder: profile or template
 * contents, the extensions kept (CA:TRUE only when named), validity,
 * serial, hash, AIA and CRL distribution point URLs, path length.
 * Refused (CK_ERROR_INVALID) when the request's signature does not
 * verify, when the CA is not allowed to sign certificates (CA:TRUE and
 * keyCertSign) and for every other error of the checks. The certificate
 * is stored linked to its CA; CK_ERROR_EXISTS when the CA already issued
 * the same serial. */
void            ck_keeper_sign_request_async    (CkKeeper                *self,
                                                 CkCertificateBuilder    *builder,
                                                 const CkKeeperSigner    *signer,
                                                 CkKeeperIssueSink        sink,
                                                 gpointer                 sink_data,
                                                 GCancellable            *cancellable,
                                                 GAsyncReadyCallback      callback,
                                                 gpointer                 user_data);
CkKeeperIssued *ck_keeper_sign_request_finish   (CkKeeper                *self,
                                                 GAsyncResult            *result,
                                                 GError                 **error);
CkKeeperIssued *ck_keeper_sign_request          (CkKeeper                *self,
                                                 CkCertificateBuilder    *builder,
                                                 const CkKeeperSigner    *signer,
                                                 CkKeeperIssueSink        sink,
                                                 gpointer                 sink_data,
                                                 GCancellable            *cancellable,
                                                 GError                 **error);

/* Revokes certificate @certificate_id, issued by a CA in the store, for
 * @reason at @revoked_at (0: now), in one transaction (ck_ca_revoke()).
 * *@issuer_id (nullable) gets the CA: its next CRL lists it. */
void            ck_keeper_revoke_async          (CkKeeper            *self,
                                                 gint64               certificate_id,
                                                 CkRevocationReason   reason,
                                                 gint64               revoked_at,
                                                 GCancellable        *cancellable,
                                                 GAsyncReadyCallback  callback,
                                                 gpointer             user_data);
gboolean        ck_keeper_revoke_finish         (CkKeeper            *self,
                                                 GAsyncResult        *result,
                                                 gint64              *issuer_id,
                                                 GError             **error);
gboolean        ck_keeper_revoke                (CkKeeper            *self,
                                                 gint64               certificate_id,
                                                 CkRevocationReason   reason,
                                                 gint64               revoked_at,
                                                 GCancellable        *cancellable,
                                                 gint64              *issuer_id,
                                                 GError             **error);

/* A new CRL of the CA of @signer (every revocation, thisUpdate now,
 * nextUpdate @next_update seconds later, the CA's key identifier, a CRL
 * number one higher than the last one), hash @hash (GNUTLS_DIG_UNKNOWN:
 * the key's preferred one). Signed before the write transaction; in it
 * the number is checked to be still the next one (signed again if
 * another process made a CRL meanwhile), @sink writes the CRL, and the
 * number is recorded: a CRL that could not be written uses no number.
 * Returns the CRL (DER); *@number (nullable) its number. */
void            ck_keeper_write_crl_async       (CkKeeper                 *self,
                                                 const CkKeeperSigner     *signer,
                                                 gint64                    next_update,
                                                 gnutls_digest_algorithm_t hash,
                                                 CkKeeperIssueSink         sink,
                                                 gpointer                  sink_data,
                                                 GCancellable             *cancellable,
                                                 GAsyncReadyCallback       callback,
                                                 gpointer                  user_data);
GBytes         *ck_keeper_write_crl_finish      (CkKeeper                 *self,
                                                 GAsyncResult             *result,
                                                 guint64                  *number,
                                                 GError                  **error);
GBytes         *ck_keeper_write_crl             (CkKeeper                 *self,
                                                 const CkKeeperSigner     *signer,
                                                 gint64                    next_update,
                                                 gnutls_digest_algorithm_t hash,
                                                 CkKeeperIssueSink         sink,
                                                 gpointer                  sink_data,
                                                 GCancellable             *cancellable,
                                                 guint64                  *number,
                                                 GError                  **error);

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

/* --- Names (ck-keeper-label.c) --------------------------------------- */

/* Sets the label of certificate or key @id, its name wherever it is shown;
 * NULL or blank puts back the name made from its contents. One line of at
 * most 1,024 bytes of UTF-8 without control characters, else
 * CK_ERROR_INVALID (ck_keeper_check_label() says the same beforehand, for
 * a dialog to say it as the user types). A request has no label:
 * CK_ERROR_INVALID. */
gboolean      ck_keeper_check_label             (const char           *label,
                                                 GError              **error);
void          ck_keeper_set_label_async         (CkKeeper             *self,
                                                 gint64                id,
                                                 const char           *label,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
gboolean      ck_keeper_set_label_finish        (CkKeeper             *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);
gboolean      ck_keeper_set_label               (CkKeeper             *self,
                                                 gint64                id,
                                                 const char           *label,
                                                 GError              **error);

/* --- Importing (ck-keeper-import.c) ------------------------------------- */

/* One input of an import: a file, or bytes named by @name in messages
 * ("pasted text", "standard input"). */
typedef struct {
  GFile      *file;
  GBytes     *bytes;
  const char *name;
} CkKeeperImportInput;

/* Reads @inputs (copied) into @importer (NULL: a new one over the
 * keeper's store) in a worker: its plan gets every item found, with
 * pairing, repeats and store matches. A file that cannot be read becomes
 * an error item naming it. Nothing is written. The plan's signals are
 * emitted in the worker: bind it to a view only once it is read. FALSE
 * (G_IO_ERROR_CANCELLED) only when cancelled. */
void          ck_keeper_import_read_async       (CkKeeper                  *self,
                                                 CkImporter                *importer,
                                                 const CkKeeperImportInput *inputs,
                                                 guint                      n_inputs,
                                                 GCancellable              *cancellable,
                                                 GAsyncReadyCallback        callback,
                                                 gpointer                   user_data);
/* (transfer full): the importer read into. */
CkImporter   *ck_keeper_import_read_finish      (CkKeeper                  *self,
                                                 GAsyncResult              *result,
                                                 GError                   **error);
CkImporter   *ck_keeper_import_read             (CkKeeper                  *self,
                                                 CkImporter                *importer,
                                                 const CkKeeperImportInput *inputs,
                                                 guint                      n_inputs,
                                                 GCancellable              *cancellable,
                                                 GError                   **error);

/* Opens the locked @item of @importer's plan with @password (copied, and
 * wiped): the key derivation runs in a worker; the plan is changed on the
 * caller's thread, before the callback, with pairing and "already in the
 * store" recomputed for the whole plan. CK_ERROR_BAD_PASSWORD leaves the
 * item locked for another try; another error means an error item took
 * its place, saying why. @item stays valid (see ck-import-plan.h). */
void          ck_keeper_import_unlock_async     (CkKeeper             *self,
                                                 CkImporter           *importer,
                                                 CkImportItem         *item,
                                                 const char           *password,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
gboolean      ck_keeper_import_unlock_finish    (CkKeeper             *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);
gboolean      ck_keeper_import_unlock           (CkKeeper             *self,
                                                 CkImporter           *importer,
                                                 CkImportItem         *item,
                                                 const char           *password,
                                                 GError              **error);

typedef struct {
  const char     *key_passphrase;  /* protects new keys in the store (copied, wiped) */
  CkCommitFlags   flags;           /* CK_COMMIT_NO_KEY_PASSPHRASE: as the user chose */
  /* Logged in (ck_keeper_token_login*() or the PIN dialog): new keys go
   * onto it (sensitive, not extractable) with their certificates beside
   * them, and the plan's other certificates beside their keys there. */
  CkToken        *token;
  /* With @token: every certificate of the plan goes onto it too, beside
   * its key there (certkeeper-cli import --to-token), and the commit is
   * refused up front when one cannot. Otherwise only the certificates of
   * the new keys go there with them. */
  gboolean        all_certificates_to_token;
  /* Called in the worker; see CkProgressFunc. */
  CkProgressFunc  progress;
  gpointer        progress_data;
} CkKeeperCommitOptions;

/* A certificate the commit wrote onto the token, or found there. */
typedef struct {
  CkImportItem *item;
  gboolean      with_key;   /* written with its key from the same import */
  gboolean      written;    /* FALSE: the token had it already */
} CkKeeperTokenWrite;

typedef struct {
  CkCommitSummary summary;
  CkImportPlan   *committed;      /* the plan as committed (token keys by URI) */
  guint           n_token_keys;   /* new keys written onto the token */
  GPtrArray      *token_writes;   /* element-type CkKeeperTokenWrite */
} CkKeeperCommit;

void          ck_keeper_commit_free             (CkKeeperCommit *commit);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CkKeeperCommit, ck_keeper_commit_free)

/* Commits @plan: everything checked first (errors, locked items, a
 * passphrase, with a token whether each certificate can go there), new
 * keys encrypted before the store's write transaction begins (through
 * ck_store_commit()), then every new item written in that one
 * transaction, all or nothing; pending requests a new certificate
 * fulfils become issued. With a token, the keys go there first and are
 * recorded by URI. Cancelling (or the progress function returning FALSE)
 * before the transaction commits writes nothing to the store. */
void          ck_keeper_import_commit_async     (CkKeeper                    *self,
                                                 CkImportPlan                *plan,
                                                 const CkKeeperCommitOptions *options,
                                                 GCancellable                *cancellable,
                                                 GAsyncReadyCallback          callback,
                                                 gpointer                     user_data);
CkKeeperCommit *ck_keeper_import_commit_finish  (CkKeeper                    *self,
                                                 GAsyncResult                *result,
                                                 GError                     **error);
CkKeeperCommit *ck_keeper_import_commit         (CkKeeper                    *self,
                                                 CkImportPlan                *plan,
                                                 const CkKeeperCommitOptions *options,
                                                 GCancellable                *cancellable,
                                                 GError                     **error);

/* --- Exporting (ck-keeper-export.c) ------------------------------------- */

typedef enum {
  CK_KEEPER_EXPORT_PEM,        /* a certificate (with @chain) or a request */
  CK_KEEPER_EXPORT_DER,        /* a certificate or a request */
  CK_KEEPER_EXPORT_PKCS8_PEM,  /* a private key, encrypted with @password unless NULL */
  CK_KEEPER_EXPORT_PKCS8_DER,
  CK_KEEPER_EXPORT_PKCS12,     /* a certificate with its key (and @chain), under @password */
} CkKeeperExportFormat;

/* What to write where. Only what the format needs is read; the keeper
 * copies it (and wipes its copies of the passwords). */
typedef struct {
  CkKeeperExportFormat format;
  gint64           id;               /* the certificate, request or key in the store */
  CkCertificate   *certificate;      /* instead of @id: a certificate shown from a token */
  CkPrivateKey    *key;              /* PKCS#8, PKCS#12: the key, unlocked already; else
                                      * the stored one, unlocked with @store_passphrase */
  const char      *store_passphrase;
  const char      *password;         /* protects the file written */
  CkExportChain    chain;            /* PEM of a certificate, PKCS#12 */
  CkPkcs12Profile  profile;
  const char      *friendly_name;    /* PKCS#12; NULL: the certificate's name */
  const char      *path;             /* written through ck_file_write() (0600 when
                                      * it holds a key); NULL: returned as bytes */
  CkWriteFlags     write_flags;      /* CK_WRITE_OVERWRITE when the user agreed */
} CkKeeperExportRequest;

typedef struct {
  GBytes   *data;             /* when no @path was given; wiped when freed */
  guint     n_certificates;   /* in the file */
  gboolean  chain_complete;   /* with a chain: every issuer up to a root was there */
  char     *last_name;        /* the last certificate of the chain written */
  gboolean  holds_key;
} CkKeeperExported;

void          ck_keeper_exported_free           (CkKeeperExported *exported);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CkKeeperExported, ck_keeper_exported_free)

/* Encodes what @request asks for, in a worker, and writes it to its path
 * (or hands it back): one encoder of every export format for the window
 * and certkeeper-cli export. Errors name the object and the file. */
void          ck_keeper_export_async            (CkKeeper                    *self,
                                                 const CkKeeperExportRequest *request,
                                                 GCancellable                *cancellable,
                                                 GAsyncReadyCallback          callback,
                                                 gpointer                     user_data);
CkKeeperExported *ck_keeper_export_finish       (CkKeeper                    *self,
                                                 GAsyncResult                *result,
                                                 GError                     **error);
CkKeeperExported *ck_keeper_export              (CkKeeper                    *self,
                                                 const CkKeeperExportRequest *request,
                                                 GCancellable                *cancellable,
                                                 GError                     **error);

/* --- Deleting, and undoing it (ck-keeper-delete.c) ----------------------- */

/* Deletes the certificate, key or request @id from the store, in one
 * transaction, and returns exactly what went (CkDeletion: rows with their
 * ids, trust decisions, request links, distrusts kept for its key), for
 * ck_keeper_undo_delete*(). The trust module's tables are opened first
 * (the trust given with ck_keeper_use_trust(), else the keeper opens
 * it), so that a distrust made "for this key" stays in force. */
void          ck_keeper_delete_async            (CkKeeper             *self,
                                                 gint64                id,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
CkDeletion   *ck_keeper_delete_finish           (CkKeeper             *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);
CkDeletion   *ck_keeper_delete                  (CkKeeper             *self,
                                                 gint64                id,
                                                 GCancellable         *cancellable,
                                                 GError              **error);
/* Puts back what @deletion took, as it was (same id, source, import time,
 * label, blob, trust decisions and links), in one transaction;
 * CK_ERROR_EXISTS, and nothing changed, when the object is back already. */
void          ck_keeper_undo_delete_async       (CkKeeper             *self,
                                                 CkDeletion           *deletion,
                                                 GCancellable         *cancellable,
                                                 GAsyncReadyCallback   callback,
                                                 gpointer              user_data);
gboolean      ck_keeper_undo_delete_finish      (CkKeeper             *self,
                                                 GAsyncResult         *result,
                                                 GError              **error);
gboolean      ck_keeper_undo_delete             (CkKeeper             *self,
                                                 CkDeletion           *deletion,
                                                 GCancellable         *cancellable,
                                                 GError              **error);
/* Deletes @object (copied) from @token (logged in for a private one), as
 * ck_token_delete_object() does: a private key takes its public half with
 * it. There is no undo. Needs no store. */
void          ck_keeper_delete_token_object_async  (CkKeeper            *self,
                                                    CkToken             *token,
                                                    const CkTokenObject *object,
                                                    GCancellable        *cancellable,
                                                    GAsyncReadyCallback  callback,
                                                    gpointer             user_data);
gboolean      ck_keeper_delete_token_object_finish (CkKeeper            *self,
                                                    GAsyncResult        *result,
                                                    GError             **error);

G_END_DECLS
