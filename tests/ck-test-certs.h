/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Test certificates made in-process with GnuTLS: a CA and as many leaves,
 * requests and keys as a test needs, in milliseconds (EC P-256, no
 * certtool runs). Everything comes out as PEM, ready for
 * ck_importer_add_bytes(). Aborts on any GnuTLS failure: a test fixture
 * that cannot be built is a broken test. */

#include <glib.h>
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>

G_BEGIN_DECLS

typedef struct _CkTestCa CkTestCa;

/* A self-signed CA ("CN=@cn") with its own EC P-256 key. */
CkTestCa  *ck_test_ca_new        (const char *cn);
void       ck_test_ca_free       (CkTestCa   *ca);
/* The CA certificate, PEM. */
char      *ck_test_ca_get_pem    (CkTestCa   *ca);

/* A fresh EC P-256 key (free with gnutls_x509_privkey_deinit). */
gnutls_x509_privkey_t ck_test_key_new   (void);
/* Unencrypted PKCS#8 PEM ("-----BEGIN PRIVATE KEY-----"). */
char      *ck_test_key_to_pem    (gnutls_x509_privkey_t key);

/* A leaf for @key signed by @ca: subject "CN=@cn", SAN DNS:@cn (with
 * spaces turned into dashes), serial @serial, valid from a day ago for a
 * year. PEM. */
char      *ck_test_ca_issue      (CkTestCa              *ca,
                                  gnutls_x509_privkey_t  key,
                                  const char            *cn,
                                  guint64                serial);
/* Appends @n leaves for @key ("CN=@cn_prefix <i>", serials @first_serial
 * onwards) to @pem. */
void       ck_test_ca_issue_many (CkTestCa              *ca,
                                  gnutls_x509_privkey_t  key,
                                  const char            *cn_prefix,
                                  guint64                first_serial,
                                  guint                  n,
                                  GString               *pem);

/* A v2 CRL of @ca (DER) listing @serials (revoked a day ago), with
 * thisUpdate @this_update, nextUpdate @next_update (0: none), CRL number
 * @number (0: none) and the CA's key identifier. */
GBytes    *ck_test_ca_crl        (CkTestCa              *ca,
                                  const guint64         *serials,
                                  guint                  n_serials,
                                  gint64                 this_update,
                                  gint64                 next_update,
                                  guint                  number);

/* A PKCS#10 request for @key, subject "CN=@cn". PEM. */
char      *ck_test_request_new   (gnutls_x509_privkey_t  key,
                                  const char            *cn);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CkTestCa, ck_test_ca_free)

G_END_DECLS
