/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "certkeeper-core.h"
#include "ck-token-item.h"

G_BEGIN_DECLS

#define CK_TYPE_DETAILS_PANE (ck_details_pane_get_type ())
G_DECLARE_FINAL_TYPE (CkDetailsPane, ck_details_pane, CK, DETAILS_PANE, GtkWidget)

/* Everything about one certificate or key, in groups of rows whose values
 * can be selected and copied. Emits "copied" (the name of what was copied)
 * after a copy button put a value on the clipboard. */

void ck_details_pane_show_certificate (CkDetailsPane       *self,
                                       CkStore             *store,
                                       CkStoredCertificate *row,
                                       CkCertificate       *certificate);
void ck_details_pane_show_key         (CkDetailsPane       *self,
                                       CkStore             *store,
                                       CkStoredKey         *key);
/* A key or certificate on a PKCS#11 token (read from it, not in the
 * store), with the token as its source. */
void ck_details_pane_show_token_item  (CkDetailsPane       *self,
                                       CkStore             *store,
                                       CkTokenItem         *item);
void ck_details_pane_show_error       (CkDetailsPane       *self,
                                       const char          *name,
                                       const GError        *error);
/* "Expires soon" within this many days (expiry-warning-days). */
void ck_details_pane_set_warning_days (CkDetailsPane       *self,
                                       guint                days);
/* The trust line shows the verdict of @verifier for the purpose, and a
 * Trust group the chain, the decisions and a "Trust Settings…" button
 * (win.trust-settings); NULLs when the store is closed. */
void ck_details_pane_set_trust        (CkDetailsPane       *self,
                                       CkTrust             *trust,
                                       CkVerifier          *verifier);
void ck_details_pane_set_purpose      (CkDetailsPane       *self,
                                       const char          *purpose);
/* What the store's CA records say about the certificate shown ("Revoked
 * on … (key compromise) by …", "Not revoked by …"); NULL removes it. */
void ck_details_pane_set_revocation   (CkDetailsPane       *self,
                                       const char          *text,
                                       gboolean             revoked);
/* After ck_details_pane_show_certificate(): a Renewal group below the
 * summary with "Renewed by" or the renewal in flight, the "Warn before it
 * expires" switch (win.warn-about-certificate) and "Renew…" (win.renew);
 * NULL removes it. */
void ck_details_pane_set_expiry       (CkDetailsPane       *self,
                                       const CkExpiryItem  *item);
/* The value shown under @title ("SHA-256 fingerprint"), or NULL (tests). */
const char *ck_details_pane_lookup    (CkDetailsPane       *self,
                                       const char          *title);

/* How the window shows one field of a CkDescription: as
 * ck_description_field_to_display(), with dates in local time. */
char *ck_details_pane_field_text (const CkDescriptionField *field);

G_END_DECLS
