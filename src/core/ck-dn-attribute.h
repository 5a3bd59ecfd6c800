/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>
#include <gnutls/gnutls.h>

G_BEGIN_DECLS

#define CK_TYPE_DN_ATTRIBUTE (ck_dn_attribute_get_type ())

/* One attribute of a distinguished name, in the order it is encoded. */
typedef struct {
  char *oid;        /* "2.5.4.3" */
  char *value;      /* UTF-8; hex "#04..." when the value is not a string */
  guint rdn_index;  /* which RDN it belongs to (multi-valued RDNs share one) */
} CkDnAttribute;

GType          ck_dn_attribute_get_type (void) G_GNUC_CONST;
CkDnAttribute *ck_dn_attribute_new      (const char *oid,
                                         const char *value,
                                         guint       rdn_index);
CkDnAttribute *ck_dn_attribute_copy     (const CkDnAttribute *attr);
void           ck_dn_attribute_free     (CkDnAttribute *attr);

/* Short name where there is one ("CN"), else the dotted OID. */
const char    *ck_dn_attribute_get_name (const CkDnAttribute *attr);

/* Splits a DER-encoded Name into attributes (element-type CkDnAttribute). */
GPtrArray     *ck_dn_parse_der          (const gnutls_datum_t *der,
                                         GError              **error);

/* First value of @oid in @attrs, or NULL. */
const char    *ck_dn_lookup             (GPtrArray  *attrs,
                                         const char *oid);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CkDnAttribute, ck_dn_attribute_free)

G_END_DECLS
