/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>
#include <gnutls/gnutls.h>
#include <gnutls/abstract.h>

G_BEGIN_DECLS

/* The most key-derivation iterations a password-protected file (PKCS#8,
 * PKCS#12) may ask for. Real files use 2,048 (OpenSSL) to 600,000 (current
 * PBKDF2 advice, and what Certkeeper writes); every password attempt runs
 * the derivation, so a file asking for millions would stall an import. */
#define CK_MAX_KDF_ITERATIONS 2000000u

/* Lower-case hex without separators: the form fingerprints are stored in. */
char     *ck_hex_encode            (const guint8 *data,
                                    gsize         len);
/* "ab:cd:ef", upper-case, as shown to people and printed by certtool. */
char     *ck_hex_format_colons     (const char   *hex);
/* Accepts "AB:cd:EF", "abcdef", "AB CD EF"; returns lower-case hex without
 * separators, or NULL if @text has anything but hex digits and separators. */
char     *ck_hex_normalize         (const char   *text);

/* @text as it may be shown in a terminal or a label: control characters
 * (C0, DEL, C1) as \xHH and the invisible bidirectional controls (U+061C,
 * U+200E/F, U+202A–U+202E, U+2066–U+2069) as \uHHHH, so that a name from a
 * certificate or a file can neither drive the terminal nor show its text
 * reversed ("moc.elpmaxe" as "example.com"); invalid UTF-8 is repaired. */
char     *ck_text_escape_for_display (const char *text);

char     *ck_sha256_hex            (const guint8 *data,
                                    gsize         len);
char     *ck_sha1_hex              (const guint8 *data,
                                    gsize         len);

GBytes   *ck_bytes_from_datum      (const gnutls_datum_t *datum);

/* Lower-case hex SHA-256 of @pubkey's DER SubjectPublicKeyInfo: the value
 * that links keys, certificates and requests (certtool's "Public Key ID:
 * sha256:…"). @spki_out, if not NULL, gets the DER itself. */
char     *ck_spki_sha256_from_pubkey (gnutls_pubkey_t pubkey,
                                      GBytes        **spki_out,
                                      GError        **error);

/* How keys, certificates and requests name a key algorithm: "RSA",
 * "RSA-PSS", "ECDSA", "Ed25519", "Ed448", "DSA", else gnutls_pk_get_name()
 * ("GOST R 34.10-2001"). */
const char *ck_pk_algorithm_name   (gnutls_pk_algorithm_t algo);
/* Algorithm, size in bits and curve ("SECP256R1"; NULL for anything but
 * ECDSA and GOST keys) of a public key. Any out argument may be NULL. */
void      ck_pubkey_describe       (gnutls_pubkey_t        pubkey,
                                    gnutls_pk_algorithm_t *algo,
                                    guint                 *bits,
                                    const char           **curve);

/* FALSE with CK_ERROR_UNSUPPORTED when a password-protected file asks for
 * more than CK_MAX_KDF_ITERATIONS key-derivation iterations. */
gboolean  ck_check_kdf_iterations  (guint          iterations,
                                    GError       **error);

/* Bytes that may hold a plain private key (a file's contents, a PKCS#12
 * key bag): takes @data (g_malloc()ed) and wipes it when the last
 * reference goes. */
GBytes   *ck_bytes_new_secret      (gpointer       data,
                                    gsize          len);

/* Wipes and frees a g_malloc()ed passphrase or PIN; sets *@secret NULL. */
void      ck_clear_secret          (char          **secret);

/* Frees a datum allocated by GnuTLS, wiping it first (it may hold a key). */
void      ck_datum_clear           (gnutls_datum_t *datum);

typedef enum {
  CK_WRITE_NONE      = 0,
  /* Holds a key (even an encrypted one): 0600 from the first byte. Else
   * 0644. */
  CK_WRITE_PRIVATE   = 1 << 0,
  /* Replace an existing regular file (the user said so: --force, or a
   * file chooser that asked). */
  CK_WRITE_OVERWRITE = 1 << 1,
  /* For tests: skip O_TMPFILE and use the named-temporary-file fallback
   * of file systems without it. */
  CK_WRITE_NO_TMPFILE = 1 << 2,
} CkWriteFlags;

/* The one way Certkeeper writes a file. Refuses a @path that is a symbolic
 * link (never followed, never replaced), a folder or anything else that is
 * not a regular file (/dev/null stays a device), and an existing file
 * without CK_WRITE_OVERWRITE (G_IO_ERROR_EXISTS). The data is written to
 * an unnamed O_TMPFILE file and linked in when complete, so no named file
 * ever holds part of it; where the file system has no O_TMPFILE, to a
 * named temporary file removed on every failure. Atomic: @path has the
 * old contents or the new, never a part. */
gboolean  ck_file_write            (const char   *path,
                                    const void   *data,
                                    gsize         len,
                                    CkWriteFlags  flags,
                                    GError      **error);

G_END_DECLS
