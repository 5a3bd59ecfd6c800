/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ck-store.h"

G_BEGIN_DECLS

/* Where the private key of a certificate is. */
typedef enum {
  CK_KEY_LOCATION_NONE,   /* no key in the store: someone else's certificate */
  CK_KEY_LOCATION_STORE,  /* a software key in the store */
  CK_KEY_LOCATION_TOKEN,  /* a key on a PKCS#11 token, recorded in the store */
} CkKeyLocation;

/* Whether a certificate is watched for expiry. */
typedef enum {
  CK_EXPIRY_WATCH_DEFAULT, /* no decision: watched when it has a key */
  CK_EXPIRY_WATCH_ON,      /* always watched, even without a key */
  CK_EXPIRY_WATCH_OFF,     /* never warned about ("don't warn") */
} CkExpiryWatch;

typedef enum {
  CK_EXPIRY_CHECK_NONE = 0,
  /* Every certificate, with or without a key, whatever its watch setting. */
  CK_EXPIRY_CHECK_ALL  = 1 << 0,
} CkExpiryCheckFlags;

/* One certificate that has expired or expires within the window. */
typedef struct {
  CkStoredCertificate *certificate;
  gboolean             expired;       /* not_after < now */
  gint64               seconds_left;  /* not_after - now; negative once expired */
  /* Whole days, truncated towards zero like the GUI's Expires column: 36
   * hours left is 1, expired 36 hours ago is -1, within a day either way 0. */
  gint64               days_left;
  gboolean             watched;       /* would be listed without _ALL */
  CkExpiryWatch        watch;         /* the certificate's own setting */
  CkKeyLocation        key_location;
  CkStoredKey         *key;           /* nullable */
  /* For a token key: the token's label, read from the key's PKCS#11 URI
   * (the token need not be present). NULL otherwise. */
  char                *token_label;
  /* The renewal in flight: the newest pending request made to renew this
   * certificate, or else the newest pending request for the same public
   * key or the same subject. Nullable. */
  CkStoredRequest     *request;
  /* Already renewed: the certificate issued for a renewal request made
   * for this one (ck_keeper_renew()), or else the newest certificate with
   * the same subject, when it is not due itself (it outlasts the window).
   * A renewed certificate is not watched (it is listed only with
   * CK_EXPIRY_CHECK_ALL). Nullable. */
  CkStoredCertificate *renewed_by;
} CkExpiryItem;

#define CK_TYPE_EXPIRY_ITEM (ck_expiry_item_get_type ())
GType         ck_expiry_item_get_type (void) G_GNUC_CONST;
CkExpiryItem *ck_expiry_item_copy     (const CkExpiryItem *item);
void          ck_expiry_item_free     (CkExpiryItem       *item);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CkExpiryItem, ck_expiry_item_free)

#define CK_TYPE_EXPIRY_CHECK (ck_expiry_check_get_type ())
G_DECLARE_FINAL_TYPE (CkExpiryCheck, ck_expiry_check, CK, EXPIRY_CHECK, GObject)

/* The expiry watch over a store: which certificates have expired or will
 * expire within a number of days, where their keys are and which renewal
 * request is already pending. By default only certificates whose key is in
 * the store (in software or on a token) are watched, so CA roots and other
 * people's certificates are not nagged about, and one renewed already (a
 * newer certificate for the same subject outlasts the window) is not
 * either; a per-certificate setting
 * (the "expiry" module of store.db, dropped with its certificate) turns
 * the watch on or off. */

/* Runs the expiry module's migrations on @store. */
CkExpiryCheck *ck_expiry_check_new       (CkStore            *store,
                                          GError            **error);

/* The certificates due at @now (seconds since the epoch) within @days
 * days: expired (not_after < @now) or not_after - @now <= @days days.
 * element-type CkExpiryItem, soonest first (then by id). */
GPtrArray     *ck_expiry_check_run       (CkExpiryCheck      *self,
                                          gint64              now,
                                          guint               days,
                                          CkExpiryCheckFlags  flags,
                                          GError            **error);

/* The same judgement for one certificate, due or not (the details pane:
 * watched or not, renewed by which certificate, the renewal in flight).
 * CK_ERROR_NOT_FOUND when @certificate_id is not a stored certificate. */
CkExpiryItem  *ck_expiry_check_get_item  (CkExpiryCheck      *self,
                                          gint64              certificate_id,
                                          gint64              now,
                                          guint               days,
                                          GError            **error);

/* The certificate @request_id was made to renew ("Renew…", `renew`);
 * 0 when it renews none. The link is recorded with the request by
 * ck_keeper_renew(); once the request is issued, that certificate is
 * renewed by the one imported for it (renewed_by above), whatever its
 * subject, and is no longer warned about. */
gint64         ck_expiry_check_get_renewed_certificate (CkExpiryCheck *self,
                                                        gint64         request_id);

/* The one rule for "due": expired (not_after < @now) or expiring within
 * @days days of @now. The window's "Expires soon" uses it too. */
gboolean       ck_expiry_is_due          (gint64              not_after,
                                          gint64              now,
                                          guint               days);

/* CK_EXPIRY_WATCH_DEFAULT removes the setting. CK_ERROR_NOT_FOUND when
 * @certificate_id is not a stored certificate. */
gboolean       ck_expiry_check_set_watch (CkExpiryCheck      *self,
                                          gint64              certificate_id,
                                          CkExpiryWatch       watch,
                                          GError            **error);
CkExpiryWatch  ck_expiry_check_get_watch (CkExpiryCheck      *self,
                                          gint64              certificate_id);

/* "none", "store", "token" (stable, for JSON) */
const char    *ck_key_location_to_string (CkKeyLocation      location);
/* "default", "on", "off" (stable, for JSON and the command line) */
const char    *ck_expiry_watch_to_string (CkExpiryWatch      watch);
gboolean       ck_expiry_watch_from_string (const char       *text,
                                            CkExpiryWatch    *watch);

G_END_DECLS
