/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

typedef enum {
  CK_REVOCATION_STATE_UNKNOWN,   /* no CRL or OCSP answer that can be relied on */
  CK_REVOCATION_STATE_GOOD,
  CK_REVOCATION_STATE_REVOKED,
} CkRevocationState;

/* What is known about whether one certificate is revoked, and from where. */
typedef struct {
  CkRevocationState state;
  char   *source;        /* "crl", "ocsp"; NULL when unknown */
  gint64  checked_at;    /* when the CRL was issued or the responder answered; 0 */
  gint64  next_update;   /* when newer information is due; 0 for none */
  gint64  revoked_at;    /* revoked only */
  int     reason;        /* CkRevocationReason, -1 when none is given */
  char   *detail;        /* in words: where it comes from, or why it is unknown */
} CkRevocationStatus;

#define CK_TYPE_REVOCATION_STATUS (ck_revocation_status_get_type ())
GType               ck_revocation_status_get_type (void) G_GNUC_CONST;

CkRevocationStatus *ck_revocation_status_new      (CkRevocationState state,
                                                   const char       *source,
                                                   const char       *detail);
CkRevocationStatus *ck_revocation_status_copy     (const CkRevocationStatus *status);
void                ck_revocation_status_free     (CkRevocationStatus *status);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CkRevocationStatus, ck_revocation_status_free)

/* "good", "revoked", "unknown": the CLI's JSON. */
const char *ck_revocation_state_to_string (CkRevocationState state);
/* A revocation reason as the JSON writes it ("key-compromise"), for -1
 * NULL. */
const char *ck_revocation_status_get_reason_string (const CkRevocationStatus *status);

/* "2026-12-08 01:45:00 UTC": how revocation messages give times. */
char       *ck_revocation_format_time (gint64 when);

G_END_DECLS
