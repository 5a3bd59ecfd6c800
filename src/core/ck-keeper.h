/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

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
 * are read from the store once it is open), for the trust actions. */
CkKeeper     *ck_keeper_new                     (CkStore     *store);
CkStore      *ck_keeper_get_store               (CkKeeper    *self);
void          ck_keeper_set_trust               (CkKeeper    *self,
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

G_END_DECLS
