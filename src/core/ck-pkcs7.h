/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Reading the certificates out of a PKCS#7 / CMS SignedData structure
 * (a ".p7b" bundle). What they become is the importer's business. */

#include <gio/gio.h>

G_BEGIN_DECLS

/* The certificates of @der in file order: a GPtrArray of GBytes, one per
 * element of the certificates SET; NULL for an element that is not an
 * X.509 certificate (an attribute certificate, say). *@n_crls gets the
 * number of CRLs. NULL with CK_ERROR_PARSE when @der is not PKCS#7. */
GPtrArray *ck_pkcs7_read_certificates (GBytes  *der,
                                       guint   *n_crls,
                                       GError **error);

/* The CRLs of @der (DER each, in file order); NULL with CK_ERROR_PARSE
 * when @der is not PKCS#7. */
GPtrArray *ck_pkcs7_read_crls         (GBytes  *der,
                                       GError **error);

G_END_DECLS
