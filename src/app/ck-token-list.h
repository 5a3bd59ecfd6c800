/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "certkeeper-core.h"
#include "ck-token-item.h"

G_BEGIN_DECLS

#define CK_TYPE_TOKEN_LIST (ck_token_list_get_type ())
G_DECLARE_FINAL_TYPE (CkTokenList, ck_token_list, CK, TOKEN_LIST, GtkWidget)

/* The Tokens page: every PKCS#11 token of the modules registered with
 * p11-kit, with its state and Log In / Log Out; expanding a token lists
 * its keys, each with its certificates, read from the token (never copied
 * into the store). All token calls run in worker threads. Emits
 * "activate" when a key or certificate row is activated, and notifies
 * "selected". */

/* Lists the tokens again (in a worker thread). */
void         ck_token_list_refresh      (CkTokenList *self);
/* TRUE while tokens or their objects are being read (tests). */
gboolean     ck_token_list_is_busy      (CkTokenList *self);
/* The CkToken objects shown, in order (tests). */
GPtrArray   *ck_token_list_get_tokens   (CkTokenList *self);
/* The key or certificate last activated, or NULL. */
CkTokenItem *ck_token_list_get_selected (CkTokenList *self);
/* The items listed under @token once expanded (tests). */
GPtrArray   *ck_token_list_get_items    (CkTokenList *self,
                                         CkToken     *token);
/* Reads the objects of @token again (one was deleted or written); the
 * selection goes when it was an object of @token. */
void         ck_token_list_reload       (CkTokenList *self,
                                         CkToken     *token);
/* Expands the row of @token, reading its objects. */
void         ck_token_list_expand       (CkTokenList *self,
                                         CkToken     *token);

G_END_DECLS
