/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ck-private-key.h"
#include "ck-store.h"

G_BEGIN_DECLS

/* The store's key-encryption key (KEK).
 *
 * The store passphrase is stretched once per unlock with
 * PBKDF2-HMAC-SHA256 (CK_KEY_VAULT_ITERATIONS iterations, a random 32-byte
 * salt kept in store.db) into a 256-bit KEK. A verifier (a known block
 * sealed with AES-256-GCM under the KEK) tells a wrong passphrase before
 * any key is read. Each private key is stored as its PKCS#8
 * PrivateKeyInfo sealed with AES-256-GCM under the KEK, with a nonce of
 * its own and the key's SPKI SHA-256 as associated data, so a sealed key
 * cannot be moved to another key's row. One key derivation per unlock,
 * not per key: importing a thousand keys costs one PBKDF2, and a guess at
 * the passphrase from a copy of store.db still costs a full PBKDF2.
 *
 * Stores written before the vault keep each key as PBES2-encrypted
 * PKCS#8 under the passphrase given at its import. Both forms are read;
 * the first unlock creates the vault and re-seals every key the
 * passphrase opens, in one transaction; a key with another passphrase is
 * re-sealed when it is next opened with it. Keys the user chose to store
 * unencrypted stay so.
 *
 * One vault per store (ck_key_vault_get()); every function may be called
 * from any thread. */

#define CK_KEY_VAULT_ITERATIONS 600000u

#define CK_TYPE_KEY_VAULT (ck_key_vault_get_type ())
G_DECLARE_FINAL_TYPE (CkKeyVault, ck_key_vault, CK, KEY_VAULT, GObject)

typedef enum {
  /* No store passphrase yet: no vault and no encrypted key. The first
   * unlock chooses it. */
  CK_KEY_VAULT_NEW,
  CK_KEY_VAULT_LOCKED,
  CK_KEY_VAULT_UNLOCKED,
} CkKeyVaultState;

/* The vault of @store, created with it and alive as long as it (borrowed). */
CkKeyVault     *ck_key_vault_get              (CkStore      *store);

CkKeyVaultState ck_key_vault_get_state        (CkKeyVault   *self);
gboolean        ck_key_vault_is_unlocked      (CkKeyVault   *self);

/* Derives the KEK from @passphrase and checks it against the verifier:
 * CK_ERROR_BAD_PASSWORD when it is wrong (nothing else read or written),
 * CK_ERROR_PASSWORD_REQUIRED when @passphrase is NULL and the vault is
 * locked. Already unlocked: @passphrase NULL or the same one costs
 * nothing; another one is checked (and refused). In the NEW state
 * @passphrase becomes the store passphrase. The first unlock of a store
 * from before the vault checks @passphrase on its first encrypted key,
 * creates the vault and re-seals the keys the passphrase opens. */
gboolean        ck_key_vault_unlock           (CkKeyVault   *self,
                                               const char   *passphrase,
                                               GError      **error);
/* Wipes the KEK from memory. */
void            ck_key_vault_lock             (CkKeyVault   *self);

/* The blob the store keeps for @key: its PrivateKeyInfo sealed under the
 * KEK. The vault must be unlocked. */
GBytes         *ck_key_vault_wrap             (CkKeyVault   *self,
                                               CkPrivateKey *key,
                                               GError      **error);
/* TRUE when @blob is in the vault's form (not PKCS#8). */
gboolean        ck_key_vault_is_wrapped       (GBytes       *blob);

/* Opens the stored key @id (its blob, encrypted, as read from the row)
 * in either form: sealed (unlocking with @passphrase first) or PBES2 from
 * before the vault, opened with @passphrase and then re-sealed under the
 * vault when it can be unlocked. */
CkPrivateKey   *ck_key_vault_open_key         (CkKeyVault   *self,
                                               gint64        id,
                                               const char   *spki_sha256,
                                               GBytes       *blob,
                                               const char   *passphrase,
                                               GError      **error);

/* Re-seals every sealed key under a KEK derived from @new_passphrase
 * (with a new salt) and replaces the verifier, in one transaction: the
 * key bytes are not changed, and a failure or a kill at any point leaves
 * the store with the old passphrase. @old_passphrase is checked first
 * (it may be NULL in the NEW state, or when the vault is unlocked).
 * @progress (nullable) is told about each key, inside the transaction.
 * *@n_kept (nullable): keys from before the vault that still have a
 * passphrase of their own and were left as they are. */
gboolean        ck_key_vault_change_passphrase (CkKeyVault     *self,
                                                const char     *old_passphrase,
                                                const char     *new_passphrase,
                                                CkProgressFunc  progress,
                                                gpointer        progress_data,
                                                guint          *n_kept,
                                                GError        **error);

G_END_DECLS
