/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "certkeeper-core.h"

G_BEGIN_DECLS

#define CK_TYPE_CRL_DIALOG (ck_crl_dialog_get_type ())
G_DECLARE_FINAL_TYPE (CkCrlDialog, ck_crl_dialog, CK, CRL_DIALOG, AdwMessageDialog)

/* What a new CRL of @ca should be: when the next one is due, PEM or DER,
 * and the passphrase of the CA's key when @key_encrypted. The response
 * "export" goes on to the file chooser; the caller writes the CRL through
 * the keeper. @revoked is how many certificates it lists. Not yet
 * presented. */
CkCrlDialog *ck_crl_dialog_new            (GtkWindow     *parent,
                                           CkCertificate *ca,
                                           guint          revoked,
                                           gboolean       key_encrypted);
/* Seconds from thisUpdate to nextUpdate. */
gint64       ck_crl_dialog_get_next_update (CkCrlDialog  *self);
void         ck_crl_dialog_set_days        (CkCrlDialog  *self,
                                            guint         days);
gboolean     ck_crl_dialog_get_der         (CkCrlDialog  *self);
void         ck_crl_dialog_set_der         (CkCrlDialog  *self,
                                            gboolean      der);
/* NULL when the key needs none. */
const char  *ck_crl_dialog_get_passphrase  (CkCrlDialog  *self);

G_END_DECLS
