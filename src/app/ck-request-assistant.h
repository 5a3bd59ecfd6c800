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
