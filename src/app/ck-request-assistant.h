/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <adwaita.h>

#include "certkeeper-core.h"

G_BEGIN_DECLS

#define CK_TYPE_REQUEST_ASSISTANT (ck_request_assistant_get_type ())
G_DECLARE_FINAL_TYPE (CkRequestAssistant, ck_request_assistant, CK, REQUEST_ASSISTANT, AdwWindow)

/* The New Request assistant: profile, key (new in the store, existing, or
 * new on a PKCS#11 token), subject, names and usage, review, result. The
 * request is made by @keeper, recorded in its store as pending under its
 * key; "request-added" is emitted with the new request's store id once it is. */

CkRequestAssistant *ck_request_assistant_new (GtkWindow *parent,
                                              CkKeeper  *keeper);
/* The same pages for "New Self-Signed Certificate…", with the certificate
 * profiles (certkeeper-cli selfsign --profile), a validity page, and
 * certificate templates: the certificate is made by @keeper
 * (ck_keeper_self_sign_async()) and stored with its key;
 * "certificate-added" is emitted with its id. After a CA is made, the
 * result says it is trusted for nothing yet, with a button that emits
 * "trust-requested" with its id. */
CkRequestAssistant *ck_request_assistant_new_self_signed (GtkWindow *parent,
                                                          CkKeeper  *keeper);
/* Chooses @days days on the validity page (0: the profile's default). */
void                ck_request_assistant_set_days (CkRequestAssistant *self,
                                                   guint               days);
/* Starts on the subject page with @key_id (a key row of @store) chosen, as
 * "New Request for This Key" does. */
void                ck_request_assistant_set_key (CkRequestAssistant *self,
                                                  gint64              key_id);
/* Fills in everything from a certtool template, as "Load certtool
 * Template…" does (for the tests, and for opening a template file). */
gboolean            ck_request_assistant_load_template (CkRequestAssistant *self,
                                                        const char         *path,
                                                        GError            **error);

G_END_DECLS
