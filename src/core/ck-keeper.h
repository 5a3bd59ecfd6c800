/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

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
