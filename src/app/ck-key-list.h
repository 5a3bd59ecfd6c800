/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "certkeeper-core.h"

G_BEGIN_DECLS

#define CK_TYPE_KEY_LIST (ck_key_list_get_type ())
G_DECLARE_FINAL_TYPE (CkKeyList, ck_key_list, CK, KEY_LIST, GtkWidget)

/* The Keys page: each private key with its certificates and its
 * certificate signing requests below it. */

void      ck_key_list_set_store    (CkKeyList *self,
                                    CkStore   *store);
/* A CkStoredKey, CkStoredCertificate or CkStoredRequest, or NULL. */
GObject  *ck_key_list_get_selected (CkKeyList *self);
/* The rows as shown, as GtkTreeListRow (for tests). */
GListModel *ck_key_list_get_model  (CkKeyList *self);

G_END_DECLS
