/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Chain building and verification against the user's trust decisions.
 *
 * How a verdict is reached, in order of precedence (the first that applies
 * wins, so the verdict names the most serious problem):
 *
 *  1. DISTRUSTED: any certificate of the built chain is distrusted for the
 *     purpose or for everything, by its fingerprint or by its public key
 *     (a distrust on another certificate with the same SPKI counts, as in
 *     p11-kit's blocklist). An explicit "no" beats everything else.
 *  1b. REVOKED: a certificate of the chain (below the anchor) is on its
 *     issuer's stored CRL, or a kept OCSP answer says so; with network
 *     checks on (ck_verifier_set_revocation()) the CRL distribution point
 *     or the OCSP responder is asked first. What is known is reported with
 *     every verdict (ck_verification_get_revocation()); an unknown status
 *     only fails a chain that would be trusted, and only when hard-fail is
 *     asked (REVOCATION_UNKNOWN).
 *  2. Problems of the chain itself, found even when nothing is trusted:
 *     the chain (cut at the lowest certificate the user trusts for the
 *     purpose, if any) is verified by GnuTLS against its own top as a
 *     provisional anchor, at the "medium" profile, with the purpose as
 *     GNUTLS_DT_KEY_PURPOSE_OID. First BAD_SIGNATURE, then
 *     UNKNOWN_CRITICAL_EXTENSION.
 *  3. Time: EXPIRED / NOT_YET_VALID, checked here rather than by GnuTLS so
 *     that ck_verifier_set_time() works and the verdict names the
 *     certificate (leaf first).
 *  4. From the same GnuTLS run: CONSTRAINT_VIOLATED (issuer not a CA,
 *     path length, name constraints), INSECURE_ALGORITHM (MD5/SHA-1
 *     signatures, 512-bit keys…), PURPOSE_NOT_ALLOWED (an extended key
 *     usage in the chain excludes the purpose). Time goes before these
 *     because GnuTLS stops judging a certificate once it has expired (and
 *     judges the purpose before algorithms): following its order, the
 *     verdict names a failure that certtool --verify-chain also prints
 *     (checked by the differential test in tests/test-trust.c).
 *  0. CANNOT_VERIFY, before all: when the decisions or the issuers in
 *     the store cannot be read, nothing is concluded (fail closed: a
 *     distrust that cannot be read must not let a certificate pass).
 *     Such a verdict is never cached, so the next call tries again.
 *  5. Anchor status: TRUSTED when the chain reaches a certificate the user
 *     trusts for the purpose (or a system anchor, when enabled, verified by
 *     GnuTLS against the system list); otherwise NOT_TRUSTED when the chain
 *     ends at a self-signed root, ISSUER_UNKNOWN when it ends at a
 *     certificate whose issuer is in neither the store nor the anchors.
 *
 * Cost (tests/test-trust.c and the report have figures): a first verify
 * of a certificate runs one indexed SELECT per link to find issuers and
 * one gnutls_x509_trust_list_verify_crt2() (about 0.5 ms for a two-link
 * RSA-2048 chain); decisions are read once per CkTrust::changed, issuer
 * checks and parsed certificates are remembered, and the verdict itself is
 * kept until a decision or the certificate list changes, or the time
 * leaves the span in which no certificate of its chain starts or stops
 * being valid: a list row asking again costs a hash lookup. Finding which
 * certificate a failure is about re-verifies suffixes of the chain, only
 * on failure. */
#include "ck-verifier.h"

#include <glib/gi18n-lib.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

#include "ck-ca.h"
#include "ck-error.h"
#include "ck-revocation-check.h"
#include "ck-store-private.h"

/* Longer chains than this are refused as loops or abuse. */
#define MAX_CHAIN 16
/* Parsed certificates kept between calls (they never change). */
#define MAX_CACHE 2048

struct _CkVerifier
{
  GObject parent_instance;

  CkTrust *trust;
  gboolean use_system_anchors;
  gint64 when;

  GHashTable *cache;                        /* id → CkCertificate */
  GHashTable *issued;                       /* "child:issuer" → IssuerCheck */
  GHashTable *verdicts;                     /* "sha256 purpose system" → CachedVerdict */
  GListModel *certificates;                 /* the store's, to see changes */
  gulong certificates_changed_id;
  gnutls_x509_trust_list_t system_list;     /* loaded on first use */
  gboolean system_loaded;
  sqlite3_stmt *by_subject;                 /* persistent, under the store lock */

  /* Revocation: the stored CRLs and OCSP answers always; the network only
   * when asked. */
  CkRevocationStore *revocations;
  CkRevocationNetwork network;
  gboolean hard_fail;
  GCancellable *cancellable;

  /* The decisions, read once per change (CkTrust::changed): a verify then
   * costs no query for them. */
  gulong changed_id;
  gboolean decisions_stale;
  GPtrArray *decisions;                     /* CkTrustSetting */
  GHashTable *by_sha256;                    /* sha256 → GPtrArray of settings */
  GHashTable *distrust_by_spki;             /* spki → GPtrArray of distrusts */
};

/* A verdict, good while no decision or certificate changes and the time
 * stays inside [from, until]. */
typedef struct {
  CkVerification *verification;
  gint64 from;
  gint64 until;
  guint revocation_generation;
} CachedVerdict;

static void
cached_verdict_free (CachedVerdict *cached)
{
  g_object_unref (cached->verification);
  g_free (cached);
}

typedef enum {
  ISSUER_CHECKED = 1 << 0,
  ISSUER_NAME_MATCHES = 1 << 1,
  ISSUER_SIGNATURE_VERIFIES = 1 << 2,
  ISSUER_SIGNATURE_CHECKED = 1 << 3,
} IssuerCheck;

G_DEFINE_FINAL_TYPE (CkVerifier, ck_verifier, G_TYPE_OBJECT)

static void
ck_verifier_finalize (GObject *object)
{
  CkVerifier *self = CK_VERIFIER (object);

  if (self->by_subject != NULL)
    {
      CkStore *store = ck_trust_get_store (self->trust);

      ck_store_lock (store);
      sqlite3_finalize (self->by_subject);
      ck_store_unlock (store);
    }
  g_clear_signal_handler (&self->changed_id, self->trust);
  g_clear_signal_handler (&self->certificates_changed_id, self->certificates);
  g_hash_table_unref (self->verdicts);
  g_clear_object (&self->trust);
  g_clear_object (&self->revocations);
  g_clear_object (&self->cancellable);
  g_hash_table_unref (self->cache);
  g_hash_table_unref (self->issued);
  g_clear_pointer (&self->decisions, g_ptr_array_unref);
  g_clear_pointer (&self->by_sha256, g_hash_table_unref);
  g_clear_pointer (&self->distrust_by_spki, g_hash_table_unref);
  if (self->system_list != NULL)
    gnutls_x509_trust_list_deinit (self->system_list, 1);

  G_OBJECT_CLASS (ck_verifier_parent_class)->finalize (object);
}

static void
ck_verifier_class_init (CkVerifierClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ck_verifier_finalize;
}

static void
ck_verifier_init (CkVerifier *self)
{
  self->cache = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free,
                                       g_object_unref);
  self->issued = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->verdicts = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                          (GDestroyNotify) cached_verdict_free);
  self->decisions_stale = TRUE;
}

static void
on_trust_changed (CkVerifier *self)
{
  self->decisions_stale = TRUE;
}

/* A new certificate may complete a chain, a deleted one break it. */
static void
on_certificates_changed (CkVerifier *self)
{
  g_hash_table_remove_all (self->verdicts);
}

CkVerifier *
ck_verifier_new (CkTrust *trust)
{
  CkVerifier *self;

  g_return_val_if_fail (CK_IS_TRUST (trust), NULL);

  self = g_object_new (CK_TYPE_VERIFIER, NULL);
  self->trust = g_object_ref (trust);
  self->changed_id = g_signal_connect_swapped (trust, "changed",
                                               G_CALLBACK (on_trust_changed), self);
  self->certificates = ck_store_peek_certificates (ck_trust_get_store (trust));
  self->revocations = ck_revocation_store_new (ck_trust_get_store (trust));
  self->certificates_changed_id =
    g_signal_connect_swapped (self->certificates, "items-changed",
                              G_CALLBACK (on_certificates_changed), self);
  return self;
}

void
ck_verifier_set_use_system_anchors (CkVerifier *self,
                                    gboolean    use)
{
  g_return_if_fail (CK_IS_VERIFIER (self));
  self->use_system_anchors = use;
}

void
ck_verifier_set_revocation (CkVerifier          *self,
                            CkRevocationNetwork  network,
                            gboolean             hard_fail,
                            GCancellable        *cancellable)
{
  g_return_if_fail (CK_IS_VERIFIER (self));
  self->network = network;
  self->hard_fail = hard_fail;
  g_set_object (&self->cancellable, cancellable);
  g_hash_table_remove_all (self->verdicts);
}

void
ck_verifier_set_time (CkVerifier *self,
                      gint64      when)
{
  g_return_if_fail (CK_IS_VERIFIER (self));
  self->when = when;
}

/* --- Decisions --------------------------------------------------------- */

static void
index_add (GHashTable     *index,
           const char     *key,
           CkTrustSetting *setting)
{
  GPtrArray *list = g_hash_table_lookup (index, key);

  if (list == NULL)
    {
      list = g_ptr_array_new ();
      g_hash_table_insert (index, (char *) key, list);
    }
  g_ptr_array_add (list, setting);
}

static gboolean
refresh_decisions (CkVerifier  *self,
                   GError     **error)
{
  if (!self->decisions_stale)
    return TRUE;
  g_hash_table_remove_all (self->verdicts);
  g_clear_pointer (&self->by_sha256, g_hash_table_unref);
  g_clear_pointer (&self->distrust_by_spki, g_hash_table_unref);
  g_clear_pointer (&self->decisions, g_ptr_array_unref);

  /* Keys point into the settings, which the array owns. Stays stale on
   * error: the next verify reads them again. */
  self->decisions = ck_trust_list (self->trust, NULL, error);
  if (self->decisions == NULL)
    return FALSE;
  self->decisions_stale = FALSE;
  self->by_sha256 = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                           (GDestroyNotify) g_ptr_array_unref);
  self->distrust_by_spki = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                  (GDestroyNotify) g_ptr_array_unref);
  for (guint i = 0; i < self->decisions->len; i++)
    {
      CkTrustSetting *setting = self->decisions->pdata[i];

      index_add (self->by_sha256, setting->sha256, setting);
      if (setting->level == CK_TRUST_DISTRUSTED)
        index_add (self->distrust_by_spki, setting->spki_sha256, setting);
    }
  return TRUE;
}

static gboolean
is_anchor (CkVerifier    *self,
           CkCertificate *cert,
           const char    *purpose)
{
  GPtrArray *list = g_hash_table_lookup (self->by_sha256,
                                         ck_certificate_get_sha256_fingerprint (cert));

  for (guint i = 0; list != NULL && i < list->len; i++)
    {
      CkTrustSetting *setting = list->pdata[i];

      if (setting->level == CK_TRUST_TRUSTED && g_str_equal (setting->purpose, purpose))
        return TRUE;
    }
  return FALSE;
}

/* The distrust that applies to @cert for @purpose, as
 * ck_trust_is_distrusted() ranks them: on the certificate itself before
 * one on its key, for the purpose before "everything". */
static CkTrustSetting *
find_distrust (CkVerifier    *self,
               CkCertificate *cert,
               const char    *purpose)
{
  GPtrArray *list = g_hash_table_lookup (self->distrust_by_spki,
                                         ck_certificate_get_spki_sha256 (cert));
  CkTrustSetting *best = NULL;
  int best_rank = G_MAXINT;

  for (guint i = 0; list != NULL && i < list->len; i++)
    {
      CkTrustSetting *setting = list->pdata[i];
      gboolean all = g_str_equal (setting->purpose, CK_PURPOSE_ALL);
      int rank;

      if (!all && !g_str_equal (setting->purpose, purpose))
        continue;
      rank = (g_str_equal (setting->sha256, ck_certificate_get_sha256_fingerprint (cert)) ? 0 : 2) +
             (all ? 1 : 0);
      if (rank < best_rank)
        {
          best_rank = rank;
          best = setting;
        }
    }
  return best;
}

/* --- Chain building ---------------------------------------------------- */

static CkCertificate *
load_cached (CkVerifier  *self,
             gint64       id,
             GError     **error)
{
  CkCertificate *cert = g_hash_table_lookup (self->cache, &id);

  if (cert != NULL)
    return g_object_ref (cert);
  cert = ck_store_load_certificate (ck_trust_get_store (self->trust), id, error);
  if (cert == NULL)
    return NULL;
  if (g_hash_table_size (self->cache) >= MAX_CACHE)
    g_hash_table_remove_all (self->cache);
  g_hash_table_insert (self->cache, g_memdup2 (&id, sizeof id), g_object_ref (cert));
  return cert;
}

/* Store ids of the certificates whose subject is @issuer; NULL with
 * @error set when they cannot be read (an issuer that cannot be seen may
 * be one the user distrusts). */
static GArray *
find_by_subject (CkVerifier  *self,
                 const char  *issuer,
                 GError     **error)
{
  CkStore *store = ck_trust_get_store (self->trust);
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));
  sqlite3 *db;
  int rc;

  ck_store_lock (store);
  db = ck_store_get_db (store);
  if (self->by_subject == NULL &&
      sqlite3_prepare_v3 (db, "SELECT id FROM certificates WHERE subject = ? "
                          "ORDER BY id LIMIT 64", -1, SQLITE_PREPARE_PERSISTENT,
                          &self->by_subject, NULL) != SQLITE_OK)
    {
      ck_store_set_sqlite_error (error, db, _("finding issuers"));
      ck_store_unlock (store);
      return NULL;
    }
  sqlite3_bind_text (self->by_subject, 1, issuer, -1, SQLITE_STATIC);
  while ((rc = sqlite3_step (self->by_subject)) == SQLITE_ROW)
    {
      gint64 id = sqlite3_column_int64 (self->by_subject, 0);
      g_array_append_val (ids, id);
    }
  if (rc != SQLITE_DONE)
    ck_store_set_sqlite_error (error, db, _("finding issuers"));
  sqlite3_reset (self->by_subject);
  sqlite3_clear_bindings (self->by_subject);
  ck_store_unlock (store);
  if (rc != SQLITE_DONE)
    return NULL;
  return g_steal_pointer (&ids);
}

/* Whether @candidate's name matches @cert's issuer and (@signature)
 * whether its key verifies @cert's signature; remembered, since
 * certificates never change. The signature is checked only when asked
 * for: it only ranks candidates, and GnuTLS checks the chain's again. */
static IssuerCheck
check_issuer (CkVerifier    *self,
              CkCertificate *cert,
              CkCertificate *candidate,
              gboolean       signature)
{
  g_autofree char *key = g_strconcat (ck_certificate_get_sha256_fingerprint (cert), ":",
                                      ck_certificate_get_sha256_fingerprint (candidate), NULL);
  IssuerCheck check = GPOINTER_TO_UINT (g_hash_table_lookup (self->issued, key));

  if (check != 0 && (!signature || !(check & ISSUER_NAME_MATCHES)
                     || (check & ISSUER_SIGNATURE_CHECKED)))
    return check;
  if (check == 0)
    {
      check = ISSUER_CHECKED;
      if (gnutls_x509_crt_check_issuer (ck_certificate_get_crt (cert),
                                        ck_certificate_get_crt (candidate)))
        check |= ISSUER_NAME_MATCHES;
    }
  if (signature && (check & ISSUER_NAME_MATCHES))
    {
      check |= ISSUER_SIGNATURE_CHECKED;
      if (cert == candidate ? ck_certificate_is_self_signed (cert)
                            : ck_certificate_is_issued_by (cert, candidate))
        check |= ISSUER_SIGNATURE_VERIFIES;
    }
  if (g_hash_table_size (self->issued) >= MAX_CACHE)
    g_hash_table_remove_all (self->issued);
  g_hash_table_insert (self->issued, g_steal_pointer (&key), GUINT_TO_POINTER (check));
  return check;
}

static gboolean
is_self_issued (CkVerifier    *self,
                CkCertificate *cert)
{
  return (check_issuer (self, cert, cert, FALSE) & ISSUER_NAME_MATCHES) != 0;
}

static gboolean
in_chain (GPtrArray     *chain,
          CkCertificate *cert)
{
  for (guint i = 0; i < chain->len; i++)
    if (g_str_equal (ck_certificate_get_sha256_fingerprint (chain->pdata[i]),
                     ck_certificate_get_sha256_fingerprint (cert)))
      return TRUE;
  return FALSE;
}

static gint64
verify_time (CkVerifier *self)
{
  return self->when != 0 ? self->when : g_get_real_time () / G_USEC_PER_SEC;
}

/* How good an issuer candidate is: a verifying signature first (else a
 * name match only, so that a bad signature is reported rather than an
 * unknown issuer), then the AKI naming its SKI, then being valid now,
 * then being an anchor for the purpose. The signature is only checked
 * when there are others to rank it against (!@alone): a lone candidate
 * whose name matches is the issuer either way, and GnuTLS then checks its
 * signature (a bad one is BAD_SIGNATURE all the same), so a verdict costs
 * one signature check per link, not two. */
static int
score_issuer (CkVerifier    *self,
              CkCertificate *cert,
              CkCertificate *candidate,
              const char    *purpose,
              gboolean       alone)
{
  const char *aki = ck_certificate_get_authority_key_id (cert);
  const char *ski = ck_certificate_get_subject_key_id (candidate);
  gint64 now = verify_time (self);
  IssuerCheck check = check_issuer (self, cert, candidate, !alone);
  int score = 0;

  if (!(check & ISSUER_NAME_MATCHES))
    return -1;
  if (check & ISSUER_SIGNATURE_VERIFIES)
    score += 8;
  if (aki != NULL && ski != NULL && g_str_equal (aki, ski))
    score += 4;
  if (ck_certificate_get_not_before (candidate) <= now &&
      now <= ck_certificate_get_not_after (candidate))
    score += 2;
  if (is_anchor (self, candidate, purpose))
    score += 1;
  return score;
}

/* element-type CkCertificate, leaf first, ending at a self-issued
 * certificate or at one whose issuer the store does not hold. NULL with
 * @error set when the store cannot be read. */
static GPtrArray *
build_chain (CkVerifier     *self,
             CkCertificate  *leaf,
             const char     *purpose,
             GError        **error)
{
  g_autoptr (GPtrArray) chain = g_ptr_array_new_with_free_func (g_object_unref);
  CkCertificate *current = leaf;

  g_ptr_array_add (chain, g_object_ref (leaf));
  while (chain->len < MAX_CHAIN)
    {
      g_autoptr (GArray) ids = NULL;
      g_autoptr (CkCertificate) best = NULL;
      int best_score = -1;

      if (is_self_issued (self, current))
        break;
      ids = find_by_subject (self, ck_certificate_get_issuer (current), error);
      if (ids == NULL)
        return NULL;
      for (guint i = 0; i < ids->len; i++)
        {
          g_autoptr (GError) local_error = NULL;
          g_autoptr (CkCertificate) candidate = load_cached (self, g_array_index (ids, gint64, i),
                                                             &local_error);
          int score;

          /* Gone since the query (deleted by another process): not an
           * issuer any more. Anything else fails the verdict. */
          if (candidate == NULL &&
              !g_error_matches (local_error, CK_ERROR, CK_ERROR_NOT_FOUND))
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return NULL;
            }
          if (candidate == NULL || in_chain (chain, candidate))
            continue;
          score = score_issuer (self, current, candidate, purpose, ids->len == 1);
          if (score > best_score)
            {
              best_score = score;
              g_set_object (&best, candidate);
            }
        }
      if (best == NULL)
        break;
      current = best;
      g_ptr_array_add (chain, g_steal_pointer (&best));
    }
  return g_steal_pointer (&chain);
}

/* --- GnuTLS ------------------------------------------------------------ */

static const unsigned int verify_flags =
  GNUTLS_PROFILE_TO_VFLAGS (GNUTLS_PROFILE_MEDIUM) |
  /* Time is checked by check_time(), at the verifier's time. */
  GNUTLS_VERIFY_DISABLE_TIME_CHECKS |
  GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS;

/* Verifies @chain[@first..@last] against @list, or against a list holding
 * only @chain[@last] when @list is NULL. Returns the GnuTLS status bits;
 * GNUTLS_CERT_INVALID alone when GnuTLS itself fails. */
static unsigned int
run_gnutls (gnutls_x509_trust_list_t  list,
            GPtrArray                *chain,
            guint                     first,
            guint                     last,
            const char               *purpose)
{
  gnutls_x509_trust_list_t own = NULL;
  gnutls_x509_crt_t crts[MAX_CHAIN];
  gnutls_typed_vdata_st data = {
    GNUTLS_DT_KEY_PURPOSE_OID, (unsigned char *) purpose, 0
  };
  unsigned int status = 0;
  guint n = 0;
  int ret;

  for (guint i = first; i <= last; i++)
    crts[n++] = ck_certificate_get_crt (chain->pdata[i]);

  if (list == NULL)
    {
      /* The list borrows the certificate's own crt: without
       * GNUTLS_TL_NO_DUPLICATES it is never freed by the list, and
       * deinit(…, 0) leaves it alone. Saves parsing a copy per call. */
      gnutls_x509_crt_t anchor = crts[n - 1];

      if (gnutls_x509_trust_list_init (&own, 0) < 0)
        return GNUTLS_CERT_INVALID;
      if (gnutls_x509_trust_list_add_cas (own, &anchor, 1, 0) != 1)
        {
          gnutls_x509_trust_list_deinit (own, 0);
          return GNUTLS_CERT_INVALID;
        }
      list = own;
    }

  ret = gnutls_x509_trust_list_verify_crt2 (list, crts, n, &data,
                                            purpose != NULL ? 1 : 0,
                                            verify_flags, &status, NULL);
  if (own != NULL)
    gnutls_x509_trust_list_deinit (own, 0);
  if (ret < 0)
    return GNUTLS_CERT_INVALID;
  return status;
}

static gnutls_x509_trust_list_t
get_system_list (CkVerifier *self)
{
  if (!self->system_loaded)
    {
      self->system_loaded = TRUE;
      if (gnutls_x509_trust_list_init (&self->system_list, 0) < 0)
        self->system_list = NULL;
      else if (gnutls_x509_trust_list_add_system_trust (self->system_list, 0, 0) < 0)
        g_debug ("verifier: no system trust anchors could be loaded");
    }
  return self->system_list;
}

/* --- Verdicts ---------------------------------------------------------- */

static CkVerification *
verdict (CkVerifyStatus  status,
         const char     *purpose,
         GPtrArray      *chain,
         guint           chain_len,
         CkCertificate  *about,
         char           *reason)    /* transfer full */
{
  CkVerification *v = ck_verification_new (status, purpose);
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) strv = NULL;

  for (guint i = 0; i < chain_len; i++)
    g_strv_builder_add (builder, ck_certificate_get_sha256_fingerprint (chain->pdata[i]));
  strv = g_strv_builder_end (builder);
  ck_verification_set_chain (v, strv);
  if (about != NULL)
    ck_verification_set_subject (v, ck_certificate_get_sha256_fingerprint (about),
                                 ck_certificate_get_display_name (about));
  ck_verification_set_reason (v, reason);
  g_free (reason);
  return v;
}

static char *
format_date (gint64 when)
{
  g_autoptr (GDateTime) time = g_date_time_new_from_unix_utc (when);

  return time != NULL ? g_date_time_format (time, "%Y-%m-%d") : g_strdup ("?");
}

/* How a reason names chain[@index]: its name, with "(in its chain)"
 * when it is not the certificate verified. */
static char *
describe (GPtrArray *chain,
          guint      index)
{
  const char *name = ck_certificate_get_display_name (chain->pdata[index]);

  if (index == 0)
    return g_strdup (name);
  /* Translators: %s is the name of a CA certificate in the chain of the
   * certificate being verified, as in "Not valid: %s expired on …". */
  return g_strdup_printf (_("%s (in its chain)"), name);
}

static CkVerification *
check_distrust (CkVerifier *self,
                GPtrArray  *chain,
                const char *purpose)
{
  for (guint i = 0; i < chain->len; i++)
    {
      CkCertificate *cert = chain->pdata[i];
      CkTrustSetting *setting = find_distrust (self, cert, purpose);
      g_autofree char *who = NULL;
      g_autofree char *date = NULL;
      g_autofree char *what = NULL;

      if (setting == NULL)
        continue;

      who = describe (chain, i);
      date = format_date (setting->set_at);
      /* Translators: these go into the parentheses of "Distrusted by you
       * on <date> (for every purpose)" or "(for TLS server)". */
      what = g_str_equal (setting->purpose, CK_PURPOSE_ALL)
               ? g_strdup (_("for every purpose"))
               : g_strdup_printf (_("for %s"), ck_purpose_get_display_name (setting->purpose));
      if (g_str_equal (setting->sha256, ck_certificate_get_sha256_fingerprint (cert)))
        return verdict (CK_VERIFY_DISTRUSTED, purpose, chain, chain->len, cert,
                        /* Translators: a date, "for <purpose>", a certificate name */
                        g_strdup_printf (_("Distrusted by you on %s (%s): %s"),
                                         date, what, who));
      return verdict (CK_VERIFY_DISTRUSTED, purpose, chain, chain->len, cert,
                      g_strdup_printf (_("Distrusted by you on %s (%s): the key of %s "
                                       "is distrusted through another certificate "
                                       "with the same key"),
                                       date, what, who));
    }
  return NULL;
}

static CkVerification *
check_time (CkVerifier *self,
            GPtrArray  *chain,
            guint       len,
            const char *purpose)
{
  gint64 now = verify_time (self);

  for (guint i = 0; i < len; i++)
    {
      CkCertificate *cert = chain->pdata[i];
      g_autofree char *who = describe (chain, i);

      if (now > ck_certificate_get_not_after (cert))
        {
          g_autofree char *date = format_date (ck_certificate_get_not_after (cert));
          return verdict (CK_VERIFY_EXPIRED, purpose, chain, len, cert,
                          g_strdup_printf (_("Not valid: %s expired on %s"), who, date));
        }
      if (now < ck_certificate_get_not_before (cert))
        {
          g_autofree char *date = format_date (ck_certificate_get_not_before (cert));
          return verdict (CK_VERIFY_NOT_YET_VALID, purpose, chain, len, cert,
                          g_strdup_printf (_("Not valid yet: %s is valid from %s"), who, date));
        }
    }
  return NULL;
}

/* GnuTLS status bits in the order they are reported; time comes after
 * UNKNOWN_CRITICAL_EXTENSION (see the top of the file). */
static const struct {
  unsigned int   bits;
  CkVerifyStatus status;
} structural[] = {
  { GNUTLS_CERT_SIGNATURE_FAILURE, CK_VERIFY_BAD_SIGNATURE },
  { GNUTLS_CERT_UNKNOWN_CRIT_EXTENSIONS, CK_VERIFY_UNKNOWN_CRITICAL_EXTENSION },
  /* Time here. */
  { GNUTLS_CERT_SIGNER_NOT_CA | GNUTLS_CERT_SIGNER_CONSTRAINTS_FAILURE |
    GNUTLS_CERT_MISMATCH, CK_VERIFY_CONSTRAINT_VIOLATED },
  { GNUTLS_CERT_INSECURE_ALGORITHM, CK_VERIFY_INSECURE_ALGORITHM },
  { GNUTLS_CERT_PURPOSE_MISMATCH, CK_VERIFY_PURPOSE_NOT_ALLOWED },
};
#define N_BEFORE_TIME 2

static char *
structural_reason (CkVerifyStatus  status,
                   const char     *who,
                   const char     *purpose,
                   unsigned int    bits)
{
  switch (status)
    {
    case CK_VERIFY_BAD_SIGNATURE:
      return g_strdup_printf (_("Not valid: the signature on %s does not verify"), who);
    case CK_VERIFY_INSECURE_ALGORITHM:
      return g_strdup_printf (_("Not valid: %s uses an insecure signature algorithm "
                              "or key size"), who);
    case CK_VERIFY_UNKNOWN_CRITICAL_EXTENSION:
      return g_strdup_printf (_("Not valid: %s has an unknown critical extension"), who);
    case CK_VERIFY_PURPOSE_NOT_ALLOWED:
      return g_strdup_printf (_("Not valid for %s: the extended key usage of %s "
                              "does not allow it"),
                              ck_purpose_get_display_name (purpose), who);
    default:
      {
        gnutls_datum_t out = { NULL, 0 };
        char *reason;

        if (gnutls_certificate_verification_status_print (bits, GNUTLS_CRT_X509,
                                                          &out, 0) < 0)
          return g_strdup_printf (_("Not valid: %s breaks its issuer's constraints"), who);
        reason = g_strdup_printf (_("Not valid: %s breaks its issuer's constraints (%s)"),
                                  who, (const char *) out.data);
        gnutls_free (out.data);
        return g_strchomp (reason);
      }
    }
}

/* The certificate a failure with @bits is about: walking down from the
 * top, the first one whose sub-chain already fails that way. */
static guint
find_culprit (GPtrArray    *chain,
              guint         len,
              const char   *purpose,
              unsigned int  bits)
{
  for (guint i = len; i-- > 0;)
    if (run_gnutls (NULL, chain, i, len - 1, purpose) & bits)
      return i;
  return len - 1;
}

/* The first problem of structural[@first..@last) that @status shows. */
static CkVerification *
check_structure (GPtrArray    *chain,
                 guint         len,
                 const char   *purpose,
                 unsigned int  status,
                 guint         first,
                 guint         last)
{
  for (guint k = first; k < last; k++)
    if (status & structural[k].bits)
      {
        guint culprit = find_culprit (chain, len, purpose, structural[k].bits);
        g_autofree char *who = describe (chain, culprit);

        return verdict (structural[k].status, purpose, chain, len, chain->pdata[culprit],
                        structural_reason (structural[k].status, who, purpose, status));
      }
  return NULL;
}

/* A signature GnuTLS could not check because the key that made it, or its
 * algorithm, is one this GnuTLS cannot use (ML-DSA, SLH-DSA, any unknown
 * OID): said as such, not as a bad signature, and never passed over. The
 * anchor's own signature is not checked, as GnuTLS does not. */
static CkVerification *
check_unsupported (GPtrArray    *chain,
                   guint         len,
                   const char   *purpose,
                   unsigned int  status)
{
  if (status == 0)
    return NULL;
  for (guint i = 0; i + 1 < len; i++)
    {
      CkCertificate *signer = chain->pdata[i + 1];
      g_autofree char *who = NULL;

      if (ck_certificate_get_key_supported (signer) &&
          ck_certificate_get_signature_algorithm_id (chain->pdata[i]) != GNUTLS_SIGN_UNKNOWN)
        continue;
      if (!ck_certificate_get_key_supported (signer))
        {
          who = describe (chain, i + 1);
          return verdict (CK_VERIFY_UNSUPPORTED_ALGORITHM, purpose, chain, len, signer,
                          /* Translators: a certificate's name, its key algorithm
                           * ("ML-DSA-65"), then "key algorithm not supported:
                           * cannot be verified" */
                          g_strdup_printf (_("Cannot be verified: the key of %s is %s: %s"),
                                           who, ck_certificate_get_key_algorithm (signer),
                                           ck_certificate_get_key_problem (signer)));
        }
      who = describe (chain, i);
      return verdict (CK_VERIFY_UNSUPPORTED_ALGORITHM, purpose, chain, len, chain->pdata[i],
                      g_strdup_printf (_("Cannot be verified: %s is signed with an algorithm "
                                         "this GnuTLS does not support (%s)"),
                                       who, ck_certificate_get_signature_algorithm (chain->pdata[i])));
    }
  return NULL;
}

/* The anchor GnuTLS found in the system list for @top, as a certificate. */
static CkCertificate *
system_anchor_for (gnutls_x509_trust_list_t  list,
                   CkCertificate            *top)
{
  gnutls_x509_crt_t issuer = NULL;
  gnutls_datum_t der = { NULL, 0 };
  g_autoptr (GBytes) bytes = NULL;

  if (gnutls_x509_trust_list_get_issuer (list, ck_certificate_get_crt (top), &issuer,
                                         GNUTLS_TL_GET_COPY) < 0)
    return NULL;
  if (gnutls_x509_crt_export2 (issuer, GNUTLS_X509_FMT_DER, &der) < 0)
    {
      gnutls_x509_crt_deinit (issuer);
      return NULL;
    }
  gnutls_x509_crt_deinit (issuer);
  bytes = g_bytes_new (der.data, der.size);
  gnutls_free (der.data);
  return ck_certificate_new_from_der (bytes, NULL);
}

/* The span of time around @now in which no certificate of @chain starts
 * or stops being valid: a verdict reached at @now holds all through it. */
static void
stable_window (GPtrArray *chain,
               gint64     now,
               gint64    *from,
               gint64    *until)
{
  *from = G_MININT64;
  *until = G_MAXINT64;
  for (guint i = 0; i < chain->len; i++)
    {
      gint64 edges[2] = {
        ck_certificate_get_not_before (chain->pdata[i]),
        ck_certificate_get_not_after (chain->pdata[i]) + 1,
      };

      for (guint e = 0; e < 2; e++)
        if (edges[e] <= now)
          *from = MAX (*from, edges[e]);
        else
          *until = MIN (*until, edges[e] - 1);
    }
}

static const char *
reason_words (int reason)
{
  switch (reason)
    {
    case CK_REVOCATION_KEY_COMPROMISE:
      return _("key compromise");
    case CK_REVOCATION_CA_COMPROMISE:
      return _("CA compromise");
    case CK_REVOCATION_AFFILIATION_CHANGED:
      return _("affiliation changed");
    case CK_REVOCATION_SUPERSEDED:
      return _("superseded");
    case CK_REVOCATION_CESSATION_OF_OPERATION:
      return _("cessation of operation");
    case CK_REVOCATION_CERTIFICATE_HOLD:
      return _("on hold");
    case CK_REVOCATION_PRIVILEGE_WITHDRAWN:
      return _("privilege withdrawn");
    case CK_REVOCATION_AA_COMPROMISE:
      return _("AA compromise");
    default:
      return _("no reason given");
    }
}

/* The revocation status of each certificate of @chain[0..@len) that has
 * its issuer above it, worst first: a revoked one ends the walk. With
 * network checks on, the network is asked before the store is read. */
static CkRevocationStatus *
check_revocation (CkVerifier *self,
                  GPtrArray  *chain,
                  guint       len,
                  guint      *revoked_index)
{
  CkRevocationStatus *worst = NULL;
  gint64 now = verify_time (self);

  /* Each certificate below the top (the anchor, a self-signed root or
   * the last one found) with the issuer above it: nothing in the chain
   * could revoke the top. */
  for (guint i = 0; i + 1 < len; i++)
    {
      CkCertificate *cert = chain->pdata[i];
      CkCertificate *issuer = chain->pdata[i + 1];
      g_autoptr (GError) fetch_error = NULL;
      CkRevocationStatus *status;

      if (self->network != CK_REVOCATION_NETWORK_NONE)
        ck_revocation_fetch (self->revocations, cert, issuer, self->network,
                             self->cancellable, &fetch_error);
      status = ck_revocation_store_lookup (self->revocations, cert, issuer, now);
      if (status->state == CK_REVOCATION_STATE_UNKNOWN && fetch_error != NULL)
        {
          g_free (status->detail);
          status->detail = g_strdup (fetch_error->message);
        }
      if (i > 0 && status->state == CK_REVOCATION_STATE_UNKNOWN)
        {
          /* Translators: a certificate's name, then why its revocation
           * status is unknown */
          char *detail = g_strdup_printf (_("%s: %s"), ck_certificate_get_display_name (cert),
                                          status->detail);
          g_free (status->detail);
          status->detail = detail;
        }
      if (status->state == CK_REVOCATION_STATE_REVOKED)
        {
          ck_revocation_status_free (worst);
          *revoked_index = i;
          return status;
        }
      if (worst == NULL || (worst->state == CK_REVOCATION_STATE_GOOD &&
                            status->state == CK_REVOCATION_STATE_UNKNOWN))
        {
          ck_revocation_status_free (worst);
          worst = status;
        }
      else
        ck_revocation_status_free (status);
    }
  return worst;
}

/* The issuer the store lacks, from the top's caIssuers URL. */
static void
fetch_missing_issuer (CkVerifier     *self,
                      CkVerification *result,
                      CkCertificate  *top)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *url = NULL;
  g_autoptr (CkCertificate) issuer = ck_revocation_fetch_issuer (top, &url, self->cancellable,
                                                                 &error);

  if (issuer != NULL)
    ck_verification_set_fetched_issuer (result, issuer, url);
  else
    g_debug ("verifier: no missing issuer fetched: %s", error->message);
}

static CkVerification *verify_unrevoked (CkVerifier    *self,
                                         CkCertificate *certificate,
                                         GPtrArray     *chain,
                                         guint          len,
                                         gboolean       anchored,
                                         const char    *purpose);

static CkVerification *
verify_chain (CkVerifier    *self,
              CkCertificate *certificate,
              GPtrArray     *chain,
              const char    *purpose)
{
  g_autoptr (CkRevocationStatus) revocation = NULL;
  CkVerification *result;
  gboolean anchored = FALSE;
  guint len, revoked = 0;

  result = check_distrust (self, chain, purpose);
  if (result != NULL)
    return result;

  /* Cut at the lowest certificate the user trusts for the purpose: what
   * is above it does not matter (GnuTLS does the same). */
  len = chain->len;
  for (guint i = 0; i < chain->len; i++)
    if (is_anchor (self, chain->pdata[i], purpose))
      {
        len = i + 1;
        anchored = TRUE;
        break;
      }

  revocation = check_revocation (self, chain, len, &revoked);
  if (revocation != NULL && revocation->state == CK_REVOCATION_STATE_REVOKED)
    {
      CkCertificate *cert = chain->pdata[revoked];
      g_autofree char *who = describe (chain, revoked);
      g_autofree char *date = format_date (revocation->revoked_at);

      result = verdict (CK_VERIFY_REVOKED, purpose, chain, len, cert,
                        /* Translators: a certificate, a date, a reason ("key compromise"),
                         * then where that is known from ("CRL of Example CA") */
                        g_strdup_printf (_("Revoked: %s was revoked on %s (%s; %s)"), who, date,
                                         reason_words (revocation->reason),
                                         revocation->detail));
      ck_verification_set_revocation (result, revocation);
      return result;
    }

  result = verify_unrevoked (self, certificate, chain, len, anchored, purpose);
  if (revocation != NULL)
    ck_verification_set_revocation (result, revocation);
  if (revocation != NULL && revocation->state == CK_REVOCATION_STATE_UNKNOWN &&
      self->hard_fail && ck_verification_get_status (result) == CK_VERIFY_TRUSTED)
    {
      CkVerification *failed =
        verdict (CK_VERIFY_REVOCATION_UNKNOWN, purpose, chain, len, certificate,
                 /* Translators: why the revocation status is unknown */
                 g_strdup_printf (_("Not trusted: whether it is revoked is unknown (%s)"),
                                  revocation->detail));

      ck_verification_set_revocation (failed, revocation);
      g_object_unref (result);
      return failed;
    }
  if (ck_verification_get_status (result) == CK_VERIFY_ISSUER_UNKNOWN &&
      self->network != CK_REVOCATION_NETWORK_NONE)
    fetch_missing_issuer (self, result, chain->pdata[len - 1]);
  return result;
}

static CkVerification *
verify_unrevoked (CkVerifier    *self,
                  CkCertificate *certificate,
                  GPtrArray     *chain,
                  guint          len,
                  gboolean       anchored,
                  const char    *purpose)
{
  CkVerification *result;
  CkCertificate *top;
  const char *purpose_name = ck_purpose_get_display_name (purpose);
  unsigned int status;

  top = chain->pdata[len - 1];
  status = run_gnutls (NULL, chain, 0, len - 1, purpose);
  result = check_unsupported (chain, len, purpose, status);
  if (result == NULL)
    result = check_structure (chain, len, purpose, status, 0, N_BEFORE_TIME);
  if (result == NULL)
    result = check_time (self, chain, len, purpose);
  if (result == NULL)
    result = check_structure (chain, len, purpose, status, N_BEFORE_TIME,
                              G_N_ELEMENTS (structural));
  if (result != NULL)
    return result;

  if (anchored)
    {
      result = verdict (CK_VERIFY_TRUSTED, purpose, chain, len, certificate,
                        /* Translators: a purpose ("TLS server"), then the name of the
                         * certificate trusted as the anchor */
                        g_strdup_printf (_("Trusted for %s through %s"), purpose_name,
                                         ck_certificate_get_display_name (top)));
      ck_verification_set_anchor (result, ck_certificate_get_display_name (top), "store");
      return result;
    }

  if (self->use_system_anchors && get_system_list (self) != NULL &&
      run_gnutls (self->system_list, chain, 0, len - 1, purpose) == 0)
    {
      g_autoptr (CkCertificate) anchor = system_anchor_for (self->system_list, top);
      const char *name = anchor != NULL ? ck_certificate_get_display_name (anchor)
                                        : ck_certificate_get_issuer_display_name (top);
      g_autoptr (GPtrArray) full = g_ptr_array_new ();

      result = verdict (CK_VERIFY_TRUSTED, purpose, chain, len, certificate,
                        g_strdup_printf (_("Trusted for %s through %s (a system anchor)"),
                                         purpose_name, name));
      if (anchor != NULL && !ck_certificate_equal (anchor, top))
        {
          g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
          g_auto (GStrv) strv = NULL;

          g_strv_builder_addv (builder, (const char **) ck_verification_get_chain (result));
          g_strv_builder_add (builder, ck_certificate_get_sha256_fingerprint (anchor));
          strv = g_strv_builder_end (builder);
          ck_verification_set_chain (result, strv);
        }
      ck_verification_set_anchor (result, name, "system");
      return result;
    }

  if (is_self_issued (self, top))
    return verdict (CK_VERIFY_NOT_TRUSTED, purpose, chain, len, top,
                    g_strdup_printf (_("Not trusted for %s: the root %s is not trusted"),
                                     purpose_name, ck_certificate_get_display_name (top)));
  return verdict (CK_VERIFY_ISSUER_UNKNOWN, purpose, chain, len, top,
                  g_strdup_printf (_("Not trusted: issued by an unknown authority (%s)"),
                                   ck_certificate_get_issuer_display_name (top)));
}

/* The verdict when what it rests on could not be read: never cached. */
static CkVerification *
cannot_verify (CkCertificate *certificate,
               const char    *purpose,
               const char    *what,
               const GError  *error)
{
  const char * const chain[] = { ck_certificate_get_sha256_fingerprint (certificate), NULL };
  CkVerification *v = ck_verification_new (CK_VERIFY_CANNOT_VERIFY, purpose);
  /* Translators: the first %s says what could not be read ("the trust
   * decisions could not be read"), the second is the store's error. */
  g_autofree char *reason = g_strdup_printf (_("Cannot verify: %s (%s)"), what, error->message);

  ck_verification_set_chain (v, (GStrv) chain);
  ck_verification_set_subject (v, chain[0], ck_certificate_get_display_name (certificate));
  ck_verification_set_reason (v, reason);
  return v;
}

CkVerification *
ck_verifier_verify (CkVerifier     *self,
                    CkCertificate  *certificate,
                    const char     *purpose,
                    GError        **error)
{
  g_autoptr (GPtrArray) chain = NULL;
  g_autoptr (GError) read_error = NULL;
  g_autofree char *key = NULL;
  CachedVerdict *cached;
  gint64 now;

  g_return_val_if_fail (CK_IS_VERIFIER (self), NULL);
  g_return_val_if_fail (CK_IS_CERTIFICATE (certificate), NULL);

  if (purpose == NULL || g_str_equal (purpose, CK_PURPOSE_ALL) ||
      ck_purpose_from_string (purpose) == NULL)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                   _("“%s” is not a purpose a certificate can be verified for"),
                   purpose != NULL ? purpose : "");
      return NULL;
    }
  purpose = ck_purpose_from_string (purpose);

  if (!refresh_decisions (self, &read_error))
    return cannot_verify (certificate, purpose,
                          _("the trust decisions could not be read"), read_error);
  now = verify_time (self);
  key = g_strdup_printf ("%s %s %d", ck_certificate_get_sha256_fingerprint (certificate),
                         purpose, self->use_system_anchors);
  cached = g_hash_table_lookup (self->verdicts, key);
  if (cached != NULL && cached->from <= now && now <= cached->until &&
      cached->revocation_generation == ck_revocation_store_get_generation ())
    return g_object_ref (cached->verification);

  chain = build_chain (self, certificate, purpose, &read_error);
  if (chain == NULL)
    return cannot_verify (certificate, purpose,
                          _("its issuers could not be read from the store"), read_error);
  cached = g_new0 (CachedVerdict, 1);
  cached->revocation_generation = ck_revocation_store_get_generation ();
  cached->verification = verify_chain (self, certificate, chain, purpose);
  stable_window (chain, now, &cached->from, &cached->until);
  {
    const CkRevocationStatus *revocation = ck_verification_get_revocation (cached->verification);

    /* Good until the CRL or OCSP answer it rests on is due again. */
    if (revocation != NULL && revocation->next_update > now)
      cached->until = MIN (cached->until, revocation->next_update);
  }
  if (self->network != CK_REVOCATION_NETWORK_NONE)
    {
      /* Asked of the network: not kept, the next ask asks again. */
      CkVerification *v = g_object_ref (cached->verification);

      cached_verdict_free (cached);
      return v;
    }
  if (g_hash_table_size (self->verdicts) >= MAX_CACHE)
    g_hash_table_remove_all (self->verdicts);
  g_hash_table_insert (self->verdicts, g_steal_pointer (&key), cached);
  return g_object_ref (cached->verification);
}

CkVerification *
ck_verifier_verify_id (CkVerifier  *self,
                       gint64       certificate_id,
                       const char  *purpose,
                       GError     **error)
{
  g_autoptr (CkCertificate) cert = NULL;

  g_return_val_if_fail (CK_IS_VERIFIER (self), NULL);

  cert = load_cached (self, certificate_id, error);
  if (cert == NULL)
    return NULL;
  return ck_verifier_verify (self, cert, purpose, error);
}
