/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gtk/gtk.h>

#include "certkeeper-core.h"

G_BEGIN_DECLS

/* How the GUI words and draws a trust verdict, shared by the list's Trust
 * column, the details pane and the Trust Settings dialog. Words always
 * come with the icon: status is never shown by colour or icon alone. */

/* The purposes offered in choosers, in order: CK_PURPOSE_TLS_SERVER,
 * CK_PURPOSE_TLS_CLIENT, CK_PURPOSE_CODE_SIGNING, CK_PURPOSE_EMAIL. */
const char * const *ck_trust_status_purposes (guint *n_purposes);
/* Translated: "TLS server", … ; other OIDs by the core's name or OID. */
const char *ck_trust_status_purpose_name  (const char     *purpose);
/* "Trusted", "Not trusted", "Distrusted", "Issuer unknown", "Expired", … */
const char *ck_trust_status_label         (CkVerifyStatus  status);
const char *ck_trust_status_icon          (CkVerifyStatus  status);
/* The words and icon for one verdict: as the two above, except that a
 * trusted verdict says whose anchor it rests on, "Trusted by you" (a
 * decision in the store) or "Trusted by the system" (an anchor of the
 * system's list), with a computer for the latter. */
const char *ck_trust_status_verdict_label (CkVerification *verification);
const char *ck_trust_status_verdict_icon  (CkVerification *verification);
/* The order the Trust column sorts in, lower first: distrusted, revoked,
 * invalid (bad signature and the like), expired, not for this purpose,
 * not trusted, issuer unknown, trusted by the system, trusted by you;
 * CK_TRUST_STATUS_RANK_PENDING (after all) while not yet known. */
#define CK_TRUST_STATUS_RANK_PENDING 100
int         ck_trust_status_rank          (CkVerification *verification);
/* "success", "error", "warning" or NULL, for the label's style. */
const char *ck_trust_status_css_class     (CkVerifyStatus  status);
/* The why, translated: "Trusted for TLS server through Example Root CA",
 * "Not trusted: issued by an unknown authority (Example CA)", "Distrusted
 * by you on 22 November 2026". @trust (nullable) finds when a distrust was
 * decided. */
char       *ck_trust_status_describe      (CkVerification *verification,
                                           CkTrust        *trust);
/* Sets an icon + label box (as made by ck_trust_status_box_new()). */
GtkWidget  *ck_trust_status_box_new       (void);
void        ck_trust_status_box_set       (GtkWidget      *box,
                                           CkVerification *verification,
                                           const char     *tooltip);
/* As ck_trust_status_box_set(), the tooltip (ck_trust_status_describe()
 * with @trust) worked out only when it is asked for: for list cells. */
void        ck_trust_status_box_set_deferred (GtkWidget      *box,
                                              CkVerification *verification,
                                              CkTrust        *trust);
/* The tooltip a box set that way shows (NULL for any other). */
char       *ck_trust_status_box_get_deferred_tooltip (GtkWidget *box);
/* While the verdict is being computed. */
void        ck_trust_status_box_set_pending (GtkWidget    *box);
/* No verdict to show. */
void        ck_trust_status_box_clear     (GtkWidget      *box);

G_END_DECLS
