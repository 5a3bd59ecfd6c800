/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "certkeeper-core.h"

G_BEGIN_DECLS

/* The token side of importing, for the import dialog: where new keys go
 * (the store, or a writable token), putting them there, and writing
 * issued certificates onto the token that holds their key. */

/* A "Destination" group: "Certificate store" or one of the writable
 * tokens (listed in a worker thread). Emits notify::selected on its
 * combo row when the choice changes. */
GtkWidget *ck_token_destination_new        (void);
/* TRUE once writable tokens were found: else there is nothing to choose
 * and the group need not show. Notifies "model" on its combo row. */
gboolean   ck_token_destination_has_choice (GtkWidget *destination);
/* The token chosen in @destination, or NULL for the store. */
CkToken   *ck_token_destination_get_token  (GtkWidget *destination);

/* After a commit: each new certificate of @plan whose key in @store lives
 * on a token is written onto that token beside the key (same CKA_ID and
 * label), logging in through the PIN dialog when needed. What happened is
 * told in toasts on @parent (a CkWindow). */
void ck_token_import_write_issued (GtkWindow    *parent,
                                   CkStore      *store,
                                   CkImportPlan *plan);

G_END_DECLS
