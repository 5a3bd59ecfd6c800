/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ck-store.h"

G_BEGIN_DECLS

/* Purposes are key-purpose OIDs; these are the four the GUI offers. */
#define CK_PURPOSE_TLS_SERVER  "1.3.6.1.5.5.7.3.1"
#define CK_PURPOSE_TLS_CLIENT  "1.3.6.1.5.5.7.3.2"
#define CK_PURPOSE_CODE_SIGNING "1.3.6.1.5.5.7.3.3"
#define CK_PURPOSE_EMAIL       "1.3.6.1.5.5.7.3.4"
/* Only with CK_TRUST_DISTRUSTED: "distrust for everything". */
#define CK_PURPOSE_ALL         "*"

typedef enum {
  CK_TRUST_DEFAULT,     /* no decision: no row */
  CK_TRUST_TRUSTED,     /* a trust anchor for the purpose */
  CK_TRUST_DISTRUSTED,  /* never accept, nor anything with the same key */
} CkTrustLevel;

/* One decision the user made. */
typedef struct {
  char        *sha256;       /* the certificate it was made on */
  char        *spki_sha256;  /* distrust covers every cert with this key */
  gint64       certificate_id;
  char        *purpose;      /* OID or CK_PURPOSE_ALL */
  CkTrustLevel level;
  gint64       set_at;       /* seconds since the epoch */
} CkTrustSetting;

#define CK_TYPE_TRUST_SETTING (ck_trust_setting_get_type ())
GType           ck_trust_setting_get_type (void) G_GNUC_CONST;
CkTrustSetting *ck_trust_setting_copy     (const CkTrustSetting *setting);
void            ck_trust_setting_free     (CkTrustSetting       *setting);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CkTrustSetting, ck_trust_setting_free)

#define CK_TYPE_TRUST (ck_trust_get_type ())
G_DECLARE_FINAL_TYPE (CkTrust, ck_trust, CK, TRUST, GObject)

/* Trust decisions, kept in their own table of store.db and written only
 * here: import code never calls this module. A decision is keyed by the
 * certificate's SHA-256 fingerprint; deleting the certificate drops it in
 * the same transaction (ON DELETE CASCADE), except a distrust while the
 * public key stays in the store (another certificate with it, or the key
 * itself): that one is kept for the key, and lists with certificate_id 0
 * and the deleted certificate's sha256, until the last certificate with
 * the key and the key are gone, or ck_trust_set() sets "default" for the
 * purpose on a certificate with that key. Emits "changed" (no
 * arguments) after every change, so views can refresh. */

/* Runs the trust module's migrations on @store. */
CkTrust      *ck_trust_new          (CkStore      *store,
                                     GError      **error);
CkStore      *ck_trust_get_store    (CkTrust      *self);

/* CK_TRUST_DEFAULT removes the decision. CK_PURPOSE_ALL only goes with
 * CK_TRUST_DISTRUSTED (CK_ERROR_INVALID otherwise); @purpose must be an
 * OID otherwise. */
gboolean      ck_trust_set          (CkTrust      *self,
                                     gint64        certificate_id,
                                     const char   *purpose,
                                     CkTrustLevel  level,
                                     GError      **error);
/* Reading decisions fails closed: when the trust table cannot be read
 * (a damaged or tampered store) the functions below set @error
 * (CK_ERROR_STORE) rather than answer "no decision", which would let a
 * distrusted certificate pass. A caller that cannot show the error must
 * treat the answer as unknown, never as "default". */

/* The decision recorded on this very certificate for @purpose (not what
 * follows from its key or chain: see ck_verifier_verify()).
 * CK_TRUST_DEFAULT with @error set when it cannot be read. */
CkTrustLevel  ck_trust_get          (CkTrust      *self,
                                     const char   *sha256,
                                     const char   *purpose,
                                     GError      **error);
/* Distrusted for @purpose or for everything, by fingerprint or by key.
 * Fills @setting (nullable) with the decision that applies. FALSE with
 * @error set when the decisions cannot be read. */
gboolean      ck_trust_is_distrusted (CkTrust        *self,
                                      const char     *sha256,
                                      const char     *spki_sha256,
                                      const char     *purpose,
                                      CkTrustSetting **setting,
                                      GError         **error);
/* element-type CkTrustSetting, ordered by certificate then purpose.
 * @sha256 NULL lists all. NULL with @error set when they cannot be read. */
GPtrArray    *ck_trust_list         (CkTrust      *self,
                                     const char   *sha256,
                                     GError      **error);

/* Whether a distrust for @purpose is kept for the key @spki_sha256 (its
 * certificate deleted while the key stayed): in force for every
 * certificate with that key; ck_trust_set() with CK_TRUST_DEFAULT on one
 * of them lifts it. FALSE with @error set when it cannot be read. */
gboolean      ck_trust_is_kept_for_key (CkTrust     *self,
                                        const char  *spki_sha256,
                                        const char  *purpose,
                                        GError     **error);

/* The distrusts on @certificate_id that deleting it would not lift:
 * another certificate with the same public key, or the key, is in the
 * store, so they stay in force for that key (element-type CkTrustSetting).
 * For the confirmation before a delete. */
GPtrArray    *ck_trust_list_kept_on_delete (CkTrust  *self,
                                            gint64    certificate_id,
                                            GError  **error);

const char   *ck_trust_level_to_string   (CkTrustLevel level);
/* "TLS server", "TLS client", "Code signing", "Email protection", the
 * OID's known name, else the OID itself; "All purposes" for '*'. */
const char   *ck_purpose_get_display_name (const char *purpose);
/* Accepts the short names used on command lines ("tls-server",
 * "tls-client", "code-signing", "email", "all") or a dotted OID. */
const char   *ck_purpose_from_string     (const char *text);

G_END_DECLS
