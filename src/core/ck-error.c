/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ck-error.h"

#include <gnutls/gnutls.h>

G_DEFINE_QUARK (ck-error-quark, ck_error)

CkError
ck_error_code_from_gnutls (int code)
{
  switch (code)
    {
    case GNUTLS_E_DECRYPTION_FAILED:
      /* PKCS#8 and PKCS#12 report a wrong password as a failed decryption
       * or a MAC that does not verify. */
    case GNUTLS_E_MAC_VERIFY_FAILED:
      return CK_ERROR_BAD_PASSWORD;

    case GNUTLS_E_UNKNOWN_CIPHER_TYPE:
    case GNUTLS_E_UNKNOWN_HASH_ALGORITHM:
    case GNUTLS_E_UNKNOWN_PK_ALGORITHM:
    case GNUTLS_E_UNKNOWN_ALGORITHM:
    case GNUTLS_E_UNKNOWN_CIPHER_SUITE:
    case GNUTLS_E_UNIMPLEMENTED_FEATURE:
    case GNUTLS_E_UNSUPPORTED_SIGNATURE_ALGORITHM:
    case GNUTLS_E_ECC_UNSUPPORTED_CURVE:
    case GNUTLS_E_UNKNOWN_PKCS_CONTENT_TYPE:
    case GNUTLS_E_UNKNOWN_PKCS_BAG_TYPE:
    case GNUTLS_E_X509_UNSUPPORTED_OID:
    case GNUTLS_E_INSUFFICIENT_SECURITY:
      return CK_ERROR_UNSUPPORTED;

    default:
      return CK_ERROR_PARSE;
    }
}

void
ck_set_gnutls_error (GError    **error,
                     int         gnutls_code,
                     const char *format,
                     ...)
{
  g_autofree char *prefix = NULL;
  va_list args;

  if (error == NULL)
    return;

  va_start (args, format);
  prefix = g_strdup_vprintf (format, args);
  va_end (args);

  g_set_error (error, CK_ERROR, ck_error_code_from_gnutls (gnutls_code),
               "%s: %s", prefix, gnutls_strerror (gnutls_code));
}
