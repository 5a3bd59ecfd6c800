/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <sqlite3.h>

#include "ck-expiry-check.h"

G_BEGIN_DECLS

/* Records that @request_id renews @certificate_id, inside a transaction
 * the caller holds (the keeper's, with the request's row), so that a
 * renewal request is never stored unlinked. The expiry module must be
 * migrated already (ck_expiry_check_new()). */
gboolean ck_expiry_record_renewal_in_db (sqlite3  *db,
                                         gint64    request_id,
                                         gint64    certificate_id,
                                         GError  **error);

G_END_DECLS
