/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* CkCa's steps as CkKeeper's issuing actions (ck-keeper-issue.c) run them:
 * each inside the action's one store transaction, with the action's own
 * last step (writing the output) before the commit. */

#include "ck-ca.h"
#include "ck-store-private.h"

G_BEGIN_DECLS

/* Writes @der where the user asked, inside the transaction, last: when it
 * fails nothing is stored. */
typedef gboolean (*CkCaOutputFunc) (GBytes   *der,
                                    gpointer  user_data,
                                    GError  **error);

typedef struct {
  /* In: a new key stored with the certificate (NULL: none), as
   * ck_store_add_certificate_with_key() stores it. */
  CkPrivateKey   *key;
  const char     *label;
  const char     *passphrase;
  CkCommitFlags   flags;
  CkCaOutputFunc  output;       /* nullable */
  gpointer        output_data;
  /* Out */
  gint64          id;
  gint64          key_id;
  gboolean        key_added;
  GArray         *issued_requests;  /* element-type gint64; set by the caller, or NULL */
} CkCaIssue;

/* A CkCa whose tables are brought up to date only inside the first write
 * transaction of ck_ca_add_issued_full(), so that an issuing action that
 * fails leaves even a store that never had a CA as it was. */
CkCa     *ck_ca_new_deferred    (CkStore        *store);

/* ck_ca_add_issued() with a key and an output, all in one transaction:
 * the key, the certificate (pending requests for its key issued), the
 * link to @issuer_id, the serial checked unused by that CA, @output. */
gboolean  ck_ca_add_issued_full (CkCa           *self,
                                 CkCertificate  *certificate,
                                 gint64          issuer_id,
                                 CkCaIssue      *issue,
                                 GError        **error);

/* ck_ca_make_crl() with @output (nullable) run in the transaction that
 * records the CRL number, after the CRL was signed outside it. */
GBytes   *ck_ca_make_crl_full   (CkCa                     *self,
                                 gint64                    ca_id,
                                 CkPrivateKey             *ca_key,
                                 gint64                    next_update,
                                 gnutls_digest_algorithm_t hash,
                                 CkCaOutputFunc            output,
                                 gpointer                  output_data,
                                 GCancellable             *cancellable,
                                 guint64                  *number,
                                 GError                  **error);

G_END_DECLS
