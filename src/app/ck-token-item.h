/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "certkeeper-core.h"

G_BEGIN_DECLS

#define CK_TYPE_TOKEN_ITEM (ck_token_item_get_type ())
G_DECLARE_FINAL_TYPE (CkTokenItem, ck_token_item, CK, TOKEN_ITEM, GObject)

/* A key or certificate on a PKCS#11 token as the Tokens page and the
 * details pane show it: read from the token, never copied into the store.
 * Its source is the token. */

CkTokenItem         *ck_token_item_new             (CkToken             *token,
                                                    const CkTokenObject *object,
                                                    CkCertificate       *certificate);
CkToken             *ck_token_item_get_token       (CkTokenItem *self);
/* kind, label, id_hex and uri as ck_token_list_objects() gave them. */
const CkTokenObject *ck_token_item_get_object      (CkTokenItem *self);
gboolean             ck_token_item_is_key          (CkTokenItem *self);
/* The certificate read from the token; NULL for keys. */
CkCertificate       *ck_token_item_get_certificate (CkTokenItem *self);
/* For a certificate: whether its private key (same CKA_ID) is on the
 * token too. Set by whoever listed the token's objects. */
gboolean             ck_token_item_get_key_on_token (CkTokenItem *self);
void                 ck_token_item_set_key_on_token (CkTokenItem *self,
                                                     gboolean     key_on_token);
/* "Token: LABEL", the source shown beside the item. */
char                *ck_token_item_dup_source      (CkTokenItem *self);
/* The label, or a stand-in for objects that have none. */
const char          *ck_token_item_get_display_name (CkTokenItem *self);

G_END_DECLS
