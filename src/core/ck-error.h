/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define CK_ERROR (ck_error_quark ())

/**
 * CkError:
 * @CK_ERROR_FAILED: anything not covered below
 * @CK_ERROR_PARSE: the input is malformed or not what it claims to be
 * @CK_ERROR_UNSUPPORTED: well-formed, but this GnuTLS cannot handle it
 *   (an algorithm, a PKCS#12 MAC, a PKCS#8 cipher)
 * @CK_ERROR_PASSWORD_REQUIRED: the item is encrypted and no password was given
 * @CK_ERROR_BAD_PASSWORD: a password was given and it is wrong; may be retried
 * @CK_ERROR_NOT_FOUND: no object with that id or fingerprint
 * @CK_ERROR_AMBIGUOUS: a fingerprint prefix matches more than one object
 * @CK_ERROR_EXISTS: the object is already in the store
 * @CK_ERROR_STORE: the database failed (I/O, corruption, schema too new)
 * @CK_ERROR_MISMATCH: a key and a certificate (or request) do not belong together
 * @CK_ERROR_INVALID: a value given by the user is not acceptable
 */
typedef enum {
  CK_ERROR_FAILED,
  CK_ERROR_PARSE,
  CK_ERROR_UNSUPPORTED,
  CK_ERROR_PASSWORD_REQUIRED,
  CK_ERROR_BAD_PASSWORD,
  CK_ERROR_NOT_FOUND,
  CK_ERROR_AMBIGUOUS,
  CK_ERROR_EXISTS,
  CK_ERROR_STORE,
  CK_ERROR_MISMATCH,
  CK_ERROR_INVALID,
} CkError;

GQuark ck_error_quark (void);

/* Sets @error from a negative GnuTLS return code, mapping it to the CkError
 * code a user-facing message needs (wrong password, unsupported algorithm,
 * parse error), with @format as the prefix and gnutls_strerror() after it. */
void ck_set_gnutls_error (GError    **error,
                          int         gnutls_code,
                          const char *format,
                          ...) G_GNUC_PRINTF (3, 4);

CkError ck_error_code_from_gnutls (int gnutls_code);

G_END_DECLS
