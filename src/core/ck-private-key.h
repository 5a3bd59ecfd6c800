/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>
#include <gnutls/x509.h>

G_BEGIN_DECLS

#define CK_TYPE_PRIVATE_KEY (ck_private_key_get_type ())
G_DECLARE_FINAL_TYPE (CkPrivateKey, ck_private_key, CK, PRIVATE_KEY, GObject)

/* A usable private key: either the key material in memory (decrypted from
 * PKCS#8, PKCS#12 or a legacy PEM), or a handle to a key on a PKCS#11
 * token. The material never leaves this object except through an explicit
 * export. */

/* Takes ownership of @key. */
CkPrivateKey *ck_private_key_new_from_x509      (gnutls_x509_privkey_t key,
                                                 GError              **error);
/* PKCS#8 DER, encrypted or not. An encrypted one with @password NULL fails
 * with CK_ERROR_PASSWORD_REQUIRED, a wrong password with
 * CK_ERROR_BAD_PASSWORD, an unsupported cipher with CK_ERROR_UNSUPPORTED. */
CkPrivateKey *ck_private_key_new_from_pkcs8     (GBytes     *der,
                                                 const char *password,
                                                 GError    **error);
/* A key on a token. The token must be reachable; login happens through the
 * PIN callback GnuTLS has been given. */
CkPrivateKey *ck_private_key_new_from_pkcs11_uri (const char *uri,
                                                  GError    **error);

/* "RSA", "RSA-PSS", "ECDSA", "Ed25519", "Ed448", "DSA" */
const char   *ck_private_key_get_algorithm      (CkPrivateKey *self);
gnutls_pk_algorithm_t ck_private_key_get_algorithm_id (CkPrivateKey *self);
guint         ck_private_key_get_bits           (CkPrivateKey *self);
/* "SECP256R1" or NULL */
const char   *ck_private_key_get_curve          (CkPrivateKey *self);
/* Same value as ck_certificate_get_spki_sha256() for the matching cert. */
const char   *ck_private_key_get_spki_sha256    (CkPrivateKey *self);
/* SubjectPublicKeyInfo, DER */
GBytes       *ck_private_key_get_spki           (CkPrivateKey *self);

/* NULL for a key in memory. */
const char   *ck_private_key_get_pkcs11_uri     (CkPrivateKey *self);
gboolean      ck_private_key_is_on_token        (CkPrivateKey *self);

/* For signing: a CSR, a self-signed certificate. Owned by @self. */
gnutls_privkey_t ck_private_key_get_privkey     (CkPrivateKey *self);
/* A new reference to the public half. */
gnutls_pubkey_t  ck_private_key_dup_pubkey      (CkPrivateKey *self,
                                                 GError      **error);

/* PKCS#8 DER. With @passphrase it is encrypted with PBES2 and AES-256;
 * with NULL it is written in the clear, which callers only do when the
 * user explicitly asked for no passphrase. Fails for token keys. */
GBytes       *ck_private_key_export_pkcs8       (CkPrivateKey *self,
                                                 const char   *passphrase,
                                                 GError      **error);
/* The same, PEM-armoured ("ENCRYPTED PRIVATE KEY" or "PRIVATE KEY"). */
char         *ck_private_key_export_pkcs8_pem   (CkPrivateKey *self,
                                                 const char   *passphrase,
                                                 GError      **error);

G_END_DECLS
