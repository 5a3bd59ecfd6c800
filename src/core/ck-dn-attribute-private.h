/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gnutls/x509.h>

#include "ck-dn-attribute.h"

G_BEGIN_DECLS

/* Shared by the certificate, which walks the Name inside its own parsed
 * structure instead of re-importing the DER. */
GPtrArray *ck_dn_attributes_from_dn (gnutls_x509_dn_t dn,
                                     GError         **error);
/* UTF-8 text of an attribute value; "#<hex DER>" when it is not a string
 * type or does not decode, and then @is_text (may be NULL) is FALSE: a
 * value can itself start with '#'. */
char      *ck_dn_ava_value_to_utf8  (const gnutls_x509_ava_st *ava,
                                     gboolean                 *is_text);

G_END_DECLS
