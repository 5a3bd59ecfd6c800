/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include "certkeeper-core.h"
#include "ck-json-writer.h"

G_BEGIN_DECLS

/* How `list` and `show` render store objects, as JSON for scripts and as
 * aligned text for people. The JSON fields are documented in README.md
 * ("Command line"); keep the two in step. `list --json` writes the same
 * objects as `show --json`, so a script can use either. */

/* A time as ISO 8601 UTC, null when it cannot be represented. */
void        ck_cli_json_time_member        (CkJsonWriter *json,
                                            const char   *name,
                                            gint64        unix_time);
/* An id, null for 0 ("none" for every id the store hands out). */
void        ck_cli_json_id_member          (CkJsonWriter *json,
                                            const char   *name,
                                            gint64        id);

/* Certificate id → GArray of request ids issued for it (gint64). Built once
 * per run so a list of many certificates stays linear. */
GHashTable *ck_cli_index_requests          (CkStore *store);
/* The same index for one certificate only, read by SQL (no models). */
GHashTable *ck_cli_index_certificate_requests (CkStore *store,
                                               gint64   certificate_id);

/* @cert is the parsed certificate of @row. */
void        ck_cli_certificate_to_json     (CkJsonWriter        *json,
                                            CkStore             *store,
                                            GHashTable          *requests,
                                            CkStoredCertificate *row,
                                            CkCertificate       *cert);
void        ck_cli_key_to_json             (CkJsonWriter        *json,
                                            CkStore             *store,
                                            CkStoredKey         *row);
/* @request (nullable) adds what only the parsed request knows. */
void        ck_cli_request_to_json         (CkJsonWriter        *json,
                                            CkStore             *store,
                                            CkStoredRequest     *row,
                                            CkRequest           *request);

void        ck_cli_describe_certificate    (GString             *out,
                                            CkStore             *store,
                                            GHashTable          *requests,
                                            CkStoredCertificate *row,
                                            CkCertificate       *cert);
void        ck_cli_describe_key            (GString             *out,
                                            CkStore             *store,
                                            CkStoredKey         *row);
void        ck_cli_describe_request        (GString             *out,
                                            CkStore             *store,
                                            CkStoredRequest     *row,
                                            CkRequest           *request);

/* "certificate 3 (www.example.com)", "request 5 (www.example.com, pending)" */
char       *ck_cli_object_title            (CkStore      *store,
                                            CkObjectKind  kind,
                                            gint64        id);

/* "RSA 2048", "ECDSA SECP256R1", "Ed25519": what the list's KEY column and
 * the summaries say about a key. */
char       *ck_cli_key_summary             (const char *algorithm,
                                            guint       bits,
                                            const char *curve);

G_END_DECLS
