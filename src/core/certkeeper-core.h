/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The model layer: everything the GUI and the CLI do goes through here. */

#include "ck-bounded-read.h"
#include "ck-ca.h"
#include "ck-certificate-builder.h"
#include "ck-certificate.h"
#include "ck-crl.h"
#include "ck-deletion.h"
#include "ck-description.h"
#include "ck-dn-attribute.h"
#include "ck-error.h"
#include "ck-expiry-agent.h"
#include "ck-expiry-check.h"
#include "ck-expiry-message.h"
#include "ck-export.h"
#include "ck-extension.h"
#include "ck-general-name.h"
#include "ck-http.h"
#include "ck-import-item.h"
#include "ck-import-plan.h"
#include "ck-importer.h"
#include "ck-keeper.h"
#include "ck-key-generator.h"
#include "ck-key-vault.h"
#include "ck-key-usage.h"
#include "ck-ocsp.h"
#include "ck-oid.h"
#include "ck-private-key.h"
#include "ck-request.h"
#include "ck-request-builder.h"
#include "ck-request-diff.h"
#include "ck-revocation-check.h"
#include "ck-revocation-status.h"
#include "ck-revocation-store.h"
#include "ck-store.h"
#include "ck-stored-certificate.h"
#include "ck-stored-key.h"
#include "ck-stored-request.h"
#include "ck-template.h"
#include "ck-token.h"
#include "ck-trust.h"
#include "ck-trust-export.h"
#include "ck-utils.h"
#include "ck-verification.h"
#include "ck-verifier.h"
#include "ck-verdict-cache.h"

G_BEGIN_DECLS

/* Initialises GnuTLS once; safe to call repeatedly. */
void ck_core_init (void);
/* Binds the certkeeper text domain (LOCALEDIR, or $CK_LOCALEDIR) and
 * makes it the default: for main() of the app and the CLI. */
void ck_core_bind_textdomain (void);

G_END_DECLS
