/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Reading the structures of Certkeeper's own ASN.1 modules (ck-pkcs12.asn,
 * ck-extensions.asn, compiled by asn1Parser) with libtasn1: the one place
 * that loads a module's definitions, decodes a type and reads its fields,
 * so that every reader has the same checks. */

#include <glib.h>
#include <libtasn1.h>

G_BEGIN_DECLS

typedef struct {
  const asn1_static_node *table;  /* asn1Parser's output */
  const char             *name;   /* the module's name: "CK-PKCS12" */
  /* private */
  gsize                   once;
  asn1_node               definitions;
} CkAsn1Schema;

#define CK_ASN1_SCHEMA_INIT(table, name) { (table), (name), 0, NULL }

/* @data decoded as @type of @schema; NULL when it does not decode, with
 * libtasn1's reason in @message (ASN1_MAX_ERROR_DESCRIPTION_SIZE bytes,
 * may be NULL). @strict refuses BER (ASN1_DECODE_FLAG_STRICT_DER). */
asn1_node ck_asn1_decode      (CkAsn1Schema *schema,
                               const char   *type,
                               const guint8 *data,
                               gsize         len,
                               gboolean      strict,
                               char         *message);
/* Frees @node, zeroing it: decoded safes hold keys. */
void      ck_asn1_free        (asn1_node     node);

/* The value of the field @name (the whole DER for ANY), or NULL when the
 * field is absent. Kept as a secret (zeroed on free). */
GBytes   *ck_asn1_read_bytes  (asn1_node     node,
                               const char   *name);
/* An OBJECT IDENTIFIER field, dotted, in @oid; FALSE ("") when absent. */
gboolean  ck_asn1_read_oid    (asn1_node     node,
                               const char   *name,
                               char          oid[static 128]);
/* A non-negative INTEGER field that fits in 32 bits, or -1. */
gint64    ck_asn1_read_uint   (asn1_node     node,
                               const char   *name);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (asn1_node_st, ck_asn1_free)

G_END_DECLS
