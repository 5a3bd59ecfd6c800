/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* The keyUsage bits, named as in RFC 5280 ("digitalSignature"), in bit
 * order. Values are GnuTLS's GNUTLS_KEY_* flags. */
typedef struct {
  guint       flag;
  const char *name;          /* "digitalSignature" */
  const char *display_name;  /* "Digital signature", translated on use */
} CkKeyUsageBit;

const CkKeyUsageBit *ck_key_usage_bits (guint *n_bits);
/* NULL-terminated array of RFC names of the bits set in @usage. */
char    **ck_key_usage_to_strv    (guint        usage);
/* "digitalSignature, keyEncipherment" */
char     *ck_key_usage_to_string  (guint        usage);
/* Parses RFC names, comma-separated, case-insensitive. */
gboolean  ck_key_usage_from_string (const char *text,
                                    guint      *usage,
                                    GError    **error);

G_END_DECLS
