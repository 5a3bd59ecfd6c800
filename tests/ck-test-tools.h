/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What tests that use the certtool corpus and the command-line tools as
 * oracles share. */

#include "certkeeper-core.h"

G_BEGIN_DECLS

/* $CK_TEST_DATA/certtool/@rel ("data/key-ca.pem"). */
char         *ck_test_corpus_path   (const char *rel);
/* The whole file; the test fails when it cannot be read. */
GBytes       *ck_test_read_bytes    (const char *path);
char         *ck_test_read_text     (const char *path,
                                     gsize      *len);
gboolean      ck_test_is_pem        (GBytes     *data);
/* The decoded body of the first @label block of @pem, or NULL. */
GBytes       *ck_test_pem_block     (GBytes     *pem,
                                     const char *label);

/* Every row of every table of the SQLite database @path (store.db: trust
 * tables, sqlite_sequence and all), in full, rows in the order of their
 * values, through a connection of its own: "the store as it was". */
char         *ck_test_dump_tables   (const char *path);
/* Deletes @path and everything below it (a test's temporary directory). */
void          ck_test_remove_tree   (const char *path);

/* Runs @argv (no shell); its stdout, or NULL (with the reason in a test
 * message) when it exits non-zero. */
char         *ck_test_run_tool      (const char * const *argv);
/* certtool's "Public Key ID: … sha256:<hex>" from -k, -i or --crq-info
 * output; NULL when absent. */
char         *ck_test_certtool_spki_sha256 (const char *info);

/* Opens a key file the way the importer does: PKCS#8 blocks and DER
 * through ck_private_key_new_from_pkcs8(), OpenSSL's legacy forms ("RSA
 * PRIVATE KEY", raw DER) through GnuTLS and ck_private_key_new_from_x509(). */
CkPrivateKey *ck_test_load_key_file (const char *path,
                                     const char *password,
                                     GError    **error);

/* For an _async call in a test: ck_test_store_result as its callback with
 * &result (a GAsyncResult * starting NULL) as its data, then
 * ck_test_wait_for_result (&result), which iterates the main context until
 * the callback ran (failing after a deadline) and returns the result. */
void          ck_test_store_result   (GObject       *source,
                                      GAsyncResult  *result,
                                      gpointer       user_data);
GAsyncResult *ck_test_wait_for_result (GAsyncResult **result);
/* Imports @pem (certificates, keys: keys stored unencrypted) into @store
 * as a user's import would, asserting that it worked. */
void          ck_test_import_pem      (CkStore       *store,
                                       const char    *pem);
/* Iterates the main context until @done (@data) returns TRUE, failing
 * after a deadline: for state that arrives through the main context (a
 * worker thread's results). Never waits for a time. */
void          ck_test_wait_until      (gboolean     (*done) (gpointer data),
                                       gpointer       data);

G_END_DECLS
