/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ck-certificate.h"
#include "ck-import-plan.h"
#include "ck-private-key.h"
#include "ck-request.h"
#include "ck-stored-certificate.h"
#include "ck-stored-key.h"
#include "ck-stored-request.h"

G_BEGIN_DECLS

typedef struct _CkDeletion CkDeletion;

typedef enum {
  CK_OBJECT_NONE,
  CK_OBJECT_CERTIFICATE,
  CK_OBJECT_KEY,
  CK_OBJECT_REQUEST,
} CkObjectKind;

typedef enum {
  CK_COMMIT_NONE = 0,
  /* Store keys as plain PKCS#8. Only when the user explicitly chose it. */
  CK_COMMIT_NO_KEY_PASSPHRASE = 1 << 0,
} CkCommitFlags;

/* What a commit did. */
typedef struct {
  guint certificates;   /* written */
  guint keys;
  guint requests;
  guint skipped;        /* already in the store before this commit */
  guint duplicates;     /* repeated in the plan: written once, from the first copy */
  guint requests_issued; /* pending requests that a new certificate fulfilled */
  guint crls;           /* certificate revocation lists stored (new or newer) */
} CkCommitSummary;

/* Called during a commit, from the committing thread, with the steps done
 * of @total: first one per new private key as it is encrypted (before the
 * write transaction), then the plan's items written (every 64 items and
 * once at the end); @total counts both. Return FALSE to cancel: nothing is
 * written (the transaction is rolled back) and the commit fails with
 * G_IO_ERROR_CANCELLED. It may run with the store locked: it must not wait
 * for another thread that calls the store (post the figures, as with
 * atomics or g_main_context_invoke(), instead). */
typedef gboolean (*CkProgressFunc) (guint    done,
                                    guint    total,
                                    gpointer user_data);

#define CK_TYPE_STORE (ck_store_get_type ())
G_DECLARE_FINAL_TYPE (CkStore, ck_store, CK, STORE, GObject)

/* The on-disk store: one SQLite database (store.db) in a 0700 directory.
 * Certificates are kept as DER plus the summary columns the list needs;
 * keys sealed under the store passphrase (ck-key-vault.h); certificates, keys
 * and requests are linked through their SPKI SHA-256. Importing never
 * touches trust.
 *
 * Threads: every function that reads or writes the database takes an
 * internal lock, so it may be called from any thread; calls from two
 * threads are serialised (a commit of 100,000 certificates in a GTask
 * thread holds the lock for its whole length: meanwhile the GUI thread
 * should only read the models, not call the store). The list models,
 * their rows and ck_store_get_*_row() belong to the thread-default main
 * context of the thread that called ck_store_open() (the GUI thread): a
 * change made on that thread is in the models when the call returns; a
 * change made on another thread is applied there through
 * g_main_context_invoke(), in order, before any callback queued after it
 * at default priority (such as the GTask's own callback).
 *
 * Ids: certificates, keys and requests share one id space, so an id names
 * one object whatever its kind. */

/* $CERTKEEPER_STORE, else $XDG_DATA_HOME/certkeeper. */
char         *ck_store_get_default_dir  (void);
/* Creates the directory (0700) and database (0600) if needed, and migrates
 * the schema. @dir NULL means the default. Fails with CK_ERROR_STORE when
 * the database was written by a newer Certkeeper. */
CkStore      *ck_store_open             (const char   *dir,
                                         GError      **error);

/* How ck_store_open_full() opens a store. */
typedef enum {
  CK_STORE_OPEN_DEFAULT = 0,
  /* For a command about one object (the CLI's show, verify, export…):
   * the list models are not filled at open. ck_store_resolve(), the
   * ck_store_find_*() lookups, ck_store_get_*_row() and the loaders read
   * the rows they need by SQL (rows fetched by id are kept for the
   * store's life, so transfer none still holds); the models are filled in
   * full on the first ck_store_get_certificates(), _get_keys() or
   * _get_requests(), on the thread that opened the store. */
  CK_STORE_OPEN_LAZY = 1 << 0,
} CkStoreOpenFlags;

/* ck_store_open() with @flags. */
CkStore      *ck_store_open_full        (const char        *dir,
                                         CkStoreOpenFlags   flags,
                                         GError           **error);
const char   *ck_store_get_dir          (CkStore      *self);
const char   *ck_store_get_path         (CkStore      *self);
/* TRUE when the store could only be opened for reading (a full disk, a
 * read-only file system): listing, showing, exporting and verifying work;
 * importing, deleting and changing trust fail. */
gboolean      ck_store_is_read_only     (CkStore      *self);
int           ck_store_get_schema_version (CkStore    *self);

/* Live models (transfer none), updated by commits and deletes made through
 * this CkStore, and by ck_store_reload(). */
/* Signal "revocation-changed": a CRL or an OCSP answer was stored through
 * this CkStore (ck_revocation_store_get_generation() moved), emitted on
 * the models' context: revocation verdicts may have changed. */
GListModel   *ck_store_get_certificates (CkStore      *self);
GListModel   *ck_store_get_keys         (CkStore      *self);
GListModel   *ck_store_get_requests     (CkStore      *self);

/* Re-reads the database, for changes made by another process. */
gboolean      ck_store_reload           (CkStore      *self,
                                         GError      **error);
/* TRUE when another process (or another CkStore) has committed changes
 * since this one was opened or last reloaded: cheap (no I/O beyond the
 * WAL index), for deciding when to call ck_store_reload(), e.g. when the
 * window gets the focus. Commits made through @self do not count. */
gboolean      ck_store_changed_elsewhere (CkStore     *self);

/* Lookups by fingerprint (lower-case hex). 0 when absent. */
gint64        ck_store_find_certificate (CkStore      *self,
                                         const char   *sha256);
gint64        ck_store_find_key         (CkStore      *self,
                                         const char   *spki_sha256);
gint64        ck_store_find_request     (CkStore      *self,
                                         const char   *sha256);
/* Every certificate whose subject (the stored RFC 4514 string) is
 * @subject, in id order (element-type gint64 in a GArray): issuer
 * candidates, found without the models. */
GArray       *ck_store_find_certificates_by_subject (CkStore    *self,
                                                     const char *subject);
/* Every request for this public key (element-type gint64 in a GArray). */
GArray       *ck_store_find_requests_for_key (CkStore    *self,
                                              const char *spki_sha256);
/* Every request @certificate_id issued (element-type gint64 in a GArray). */
GArray       *ck_store_find_requests_for_certificate (CkStore *self,
                                                      gint64   certificate_id);
/* Every certificate for this public key (element-type gint64 in a GArray). */
GArray       *ck_store_find_certificates_for_key (CkStore    *self,
                                                  const char *spki_sha256);

/* @ref is a store id ("42") or a unique prefix of a SHA-256 fingerprint
 * (certificates and requests) or SPKI SHA-256 (keys), hex, with or without
 * colons. CK_ERROR_NOT_FOUND or CK_ERROR_AMBIGUOUS otherwise. */
gboolean      ck_store_resolve          (CkStore      *self,
                                         const char   *ref,
                                         CkObjectKind *kind,
                                         gint64       *id,
                                         GError      **error);
CkObjectKind  ck_store_get_kind         (CkStore      *self,
                                         gint64        id);

/* (transfer none): the row in the model, NULL when absent. */
CkStoredCertificate *ck_store_get_certificate_row (CkStore *self, gint64 id);
CkStoredKey         *ck_store_get_key_row         (CkStore *self, gint64 id);
CkStoredRequest     *ck_store_get_request_row     (CkStore *self, gint64 id);

CkCertificate *ck_store_load_certificate (CkStore     *self,
                                          gint64       id,
                                          GError     **error);
CkRequest    *ck_store_load_request      (CkStore     *self,
                                          gint64       id,
                                          GError     **error);
/* Decrypts a stored key. @passphrase is the store passphrase (it unlocks
 * the store's key vault, ck-key-vault.h; NULL when the vault is unlocked
 * already) or, for a key from before the vault, the key's own; ignored
 * for unencrypted keys. CK_ERROR_BAD_PASSWORD when wrong,
 * CK_ERROR_PASSWORD_REQUIRED when NULL and needed. */
CkPrivateKey *ck_store_load_private_key  (CkStore     *self,
                                          gint64       id,
                                          const char  *passphrase,
                                          GError     **error);
/* The key's blob as stored: sealed under the key vault (or PBES2 PKCS#8
 * from before it), plain PKCS#8 when the user chose no passphrase. */
GBytes       *ck_store_get_key_pkcs8     (CkStore     *self,
                                          gint64       id,
                                          GError     **error);

/* Writes every new item of @plan in one transaction: all or nothing. Items
 * already in the store and duplicates are skipped and counted. Keys are
 * sealed under the store's key vault before the transaction begins,
 * unlocked with @key_passphrase (one key derivation for the whole plan;
 * CK_ERROR_BAD_PASSWORD when it is not the store passphrase) or unlocked
 * already; a plan with keys and no passphrase nor unlocked vault fails
 * with CK_ERROR_PASSWORD_REQUIRED unless @flags has
 * CK_COMMIT_NO_KEY_PASSPHRASE. A plan with errors or locked items is
 * refused (CK_ERROR_INVALID): the caller decides what to drop first.
 * A new certificate issues every pending request for its public key
 * (counted in requests_issued); a request imported while a certificate for
 * its key is already stored is stored as issued, linked to the newest one.
 * Trust is never written. */
gboolean      ck_store_commit           (CkStore         *self,
                                         CkImportPlan    *plan,
                                         const char      *key_passphrase,
                                         CkCommitFlags    flags,
                                         CkProgressFunc   progress,
                                         gpointer         progress_data,
                                         CkCommitSummary *summary,
                                         GError         **error);

/* Adds a key generated by Certkeeper (or any key in memory), sealed
 * like a committed one (@passphrase, or the vault unlocked); in the clear
 * only when
 * @flags has CK_COMMIT_NO_KEY_PASSPHRASE (else CK_ERROR_PASSWORD_REQUIRED).
 * CK_ERROR_EXISTS when the store already has this key. Certificates
 * already stored for it get their key. *@id (nullable) gets its id. */
gboolean      ck_store_add_key          (CkStore      *self,
                                         CkPrivateKey *key,
                                         const char   *label,
                                         const char   *passphrase,
                                         CkCommitFlags flags,
                                         gint64       *id,
                                         GError      **error);

/* Adds a request generated by Certkeeper under its key, as pending. */
gint64        ck_store_add_request      (CkStore      *self,
                                         CkRequest    *request,
                                         const char   *profile,
                                         GError      **error);

/* Puts back a request that was deleted (the GUI's Undo): with its
 * profile, source and creation time, and issued by @certificate_id when
 * that certificate is still stored (pending otherwise). Gets a new id;
 * CK_ERROR_EXISTS when the request is in the store again already. */
gint64        ck_store_restore_request  (CkStore      *self,
                                         CkRequest    *request,
                                         const char   *profile,
                                         const char   *source,
                                         gint64        created_at,
                                         gint64        certificate_id,
                                         GError      **error);

/* Puts back a key that was deleted (the GUI's Undo), exactly as it was
 * stored: @pkcs8 is the blob ck_store_get_key_pkcs8() returned before the
 * delete (encrypted or not, never decrypted here; NULL for a token key),
 * @row the deleted row, for its metadata (label, source, import time).
 * Certificates still stored get their key again. Returns the new id, 0 on
 * error; CK_ERROR_EXISTS when the key is in the store again already. */
gint64        ck_store_restore_key      (CkStore      *self,
                                         CkStoredKey  *row,
                                         GBytes       *pkcs8,
                                         GError      **error);

/* Deletes one object. Deleting a key leaves its certificates; deleting a
 * certificate puts an issued request back to pending. */
gboolean      ck_store_delete           (CkStore      *self,
                                         gint64        id,
                                         GError      **error);

/* Deletes one object as ck_store_delete() does, and returns exactly what
 * went (see CkDeletion), for ck_store_restore(). A certificate's
 * distrusts stay in force for its public key while another certificate
 * with it, or the key, is stored (the trust module's tables: open it
 * with ck_trust_new() first); the CkDeletion lists them. */
CkDeletion   *ck_store_delete_for_undo  (CkStore      *self,
                                         gint64        id,
                                         GError      **error);
/* Undoes @deletion in one transaction: the same rows come back, with the
 * same id, source, import time, label, blob, trust decisions and links
 * (a request it issued is issued by it again, unless it changed since;
 * an issued request whose certificate is gone comes back pending).
 * CK_ERROR_EXISTS, and nothing changed, when the object is in the store
 * again already. */
gboolean      ck_store_restore          (CkStore      *self,
                                         CkDeletion   *deletion,
                                         GError      **error);

/* Sets a certificate's or key's label. */
gboolean      ck_store_set_label        (CkStore      *self,
                                         gint64        id,
                                         const char   *label,
                                         GError      **error);

const char   *ck_object_kind_to_string  (CkObjectKind kind);

G_END_DECLS
