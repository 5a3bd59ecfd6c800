/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define CK_TYPE_EXTENSION (ck_extension_get_type ())

/* An X.509 extension as it is encoded: the details pane decodes the ones it
 * knows and shows the others as hex. */
typedef struct {
  char    *oid;
  gboolean critical;
  GBytes  *value;   /* the DER inside the OCTET STRING */
} CkExtension;

GType        ck_extension_get_type (void) G_GNUC_CONST;
CkExtension *ck_extension_new      (const char *oid,
                                    gboolean    critical,
                                    GBytes     *value);
CkExtension *ck_extension_copy     (const CkExtension *ext);
void         ck_extension_free     (CkExtension *ext);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CkExtension, ck_extension_free)

G_END_DECLS
