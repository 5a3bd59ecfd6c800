/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ck-trust.h"

G_BEGIN_DECLS

typedef enum {
  /* p11-kit persist file (.p11-kit): [p11-kit-object-v1] objects,
   * trusted or x-distrusted, with a stapled extended key usage for the
   * purposes. For /etc/pki/ca-trust/source or ~/.local/share/pki/... */
  CK_TRUST_EXPORT_P11_KIT,
  /* OpenSSL "TRUSTED CERTIFICATE" PEM blocks carrying the trusted and
   * rejected purposes in their aux data. */
  CK_TRUST_EXPORT_OPENSSL,
  /* The anchors only, as plain CERTIFICATE PEM, for
   * update-ca-certificates (purposes are lost: only certificates trusted
   * for at least one purpose, and distrusted for none, are written). */
  CK_TRUST_EXPORT_PEM_BUNDLE,
} CkTrustExportFormat;

GBytes   *ck_trust_export          (CkTrust             *trust,
                                    CkTrustExportFormat  format,
                                    GError             **error);
gboolean  ck_trust_export_format_from_string (const char          *text,
                                              CkTrustExportFormat *format);

G_END_DECLS
