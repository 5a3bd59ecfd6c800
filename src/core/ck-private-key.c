/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ck-private-key.h"

#include "ck-der-private.h"
#include "ck-error.h"
#include "ck-utils.h"

#include <glib/gi18n-lib.h>
#include <gnutls/pkcs11.h>
#include <string.h>

struct _CkPrivateKey
{
  GObject parent_instance;

  gnutls_privkey_t privkey;
  /* Only for keys in memory: what export_pkcs8 writes from. The privkey
   * above borrows it, so it is released after the privkey. */
  gnutls_x509_privkey_t x509;
  char *uri;

  gnutls_pk_algorithm_t algo;
  guint bits;
  const char *curve;
  GBytes *spki;
  char *spki_sha256;
};

G_DEFINE_FINAL_TYPE (CkPrivateKey, ck_private_key, G_TYPE_OBJECT)

static void
ck_private_key_finalize (GObject *object)
{
  CkPrivateKey *self = CK_PRIVATE_KEY (object);

  g_clear_pointer (&self->privkey, gnutls_privkey_deinit);
  g_clear_pointer (&self->x509, gnutls_x509_privkey_deinit);
  g_clear_pointer (&self->uri, g_free);
  g_clear_pointer (&self->spki, g_bytes_unref);
  g_clear_pointer (&self->spki_sha256, g_free);

  G_OBJECT_CLASS (ck_private_key_parent_class)->finalize (object);
}

static void
ck_private_key_class_init (CkPrivateKeyClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ck_private_key_finalize;
}

static void
ck_private_key_init (CkPrivateKey *self)
{
}

/* Fills in everything derived from the public half. Works the same for
 * keys in memory and on a token, as long as GnuTLS can get at the public
 * key. */
static gboolean
describe_public_half (CkPrivateKey *self,
                      GError      **error)
{
  gnutls_pubkey_t pubkey = NULL;
  int ret;

  gnutls_pubkey_init (&pubkey);
  ret = gnutls_pubkey_import_privkey (pubkey, self->privkey, 0, 0);
  if (ret < 0 && self->uri != NULL)
    {
      /* Some tokens only expose the public values on a separate public-key
       * object with the same id. */
      gnutls_pubkey_deinit (pubkey);
      gnutls_pubkey_init (&pubkey);
      ret = gnutls_pubkey_import_url (pubkey, self->uri, 0);
    }
  if (ret < 0)
    {
      ck_set_gnutls_error (error, ret, _("cannot read the public half of the key"));
      gnutls_pubkey_deinit (pubkey);
      return FALSE;
    }

  self->spki_sha256 = ck_spki_sha256_from_pubkey (pubkey, &self->spki, error);
  gnutls_pubkey_deinit (pubkey);
  if (self->spki_sha256 == NULL)
    return FALSE;

  /* Describe the key from its SPKI, the way a certificate's key is read:
   * a public key taken from a token's private-key object knows its curve
   * but not its size. */
  pubkey = ck_private_key_dup_pubkey (self, error);
  if (pubkey == NULL)
    return FALSE;
  ck_pubkey_describe (pubkey, &self->algo, &self->bits, &self->curve);
  gnutls_pubkey_deinit (pubkey);
  return TRUE;
}

CkPrivateKey *
ck_private_key_new_from_x509 (gnutls_x509_privkey_t key,
                              GError              **error)
{
  g_autoptr(CkPrivateKey) self = NULL;
  int ret;

  g_return_val_if_fail (key != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (CK_TYPE_PRIVATE_KEY, NULL);
  self->x509 = key;

  /* An RSA key whose primes do not multiply to the modulus, or an EC
   * point off the curve, parses fine but signs garbage (or leaks the key
   * through a faulty signature): reject it here, as certtool -k does. */
  ret = gnutls_x509_privkey_verify_params (key);
  if (ret < 0)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_PARSE,
                   _("the %s key is inconsistent (its parameters do not "
                     "validate): %s"),
                   ck_pk_algorithm_name (gnutls_x509_privkey_get_pk_algorithm (key)),
                   gnutls_strerror (ret));
      return NULL;
    }

  gnutls_privkey_init (&self->privkey);
  ret = gnutls_privkey_import_x509 (self->privkey, key, 0);
  if (ret < 0)
    {
      ck_set_gnutls_error (error, ret, _("cannot use the private key"));
      return NULL;
    }

  if (!describe_public_half (self, error))
    return NULL;

  return g_steal_pointer (&self);
}

/* The algorithm OID of a PrivateKeyInfo and, for EC and GOST keys, the
 * curve OID in its parameters: to name what GnuTLS refused. */
static gboolean
pkcs8_algorithm_oids (GBytes *der,
                      char  **algorithm,
                      char  **curve)
{
  gsize size;
  const guint8 *p = g_bytes_get_data (der, &size);
  const guint8 *end = p + size;
  gssize len;

  *algorithm = *curve = NULL;
  if (ck_der_enter (&p, end, 0x30) < 0)
    return FALSE;
  /* version */
  if ((len = ck_der_enter (&p, end, 0x02)) < 0)
    return FALSE;
  p += len;
  if ((len = ck_der_enter (&p, end, 0x30)) < 0)
    return FALSE;
  end = p + len;
  if ((len = ck_der_enter (&p, end, 0x06)) <= 0)
    return FALSE;
  *algorithm = ck_der_oid_to_string (p, len);
  if (*algorithm == NULL)
    return FALSE;
  p += len;

  /* EC: the curve OID itself; GOST: a SEQUENCE that starts with it. */
  if (p < end && p[0] == 0x30 && ck_der_enter (&p, end, 0x30) < 0)
    return TRUE;
  if ((len = ck_der_enter (&p, end, 0x06)) > 0)
    *curve = ck_der_oid_to_string (p, len);
  return TRUE;
}

static const struct {
  const char *oid;
  const char *name;
} known_oids[] = {
  /* Key algorithms newer than GnuTLS 3.7. */
  { "2.16.840.1.101.3.4.3.17", "ML-DSA-44" },
  { "2.16.840.1.101.3.4.3.18", "ML-DSA-65" },
  { "2.16.840.1.101.3.4.3.19", "ML-DSA-87" },
  { "2.16.840.1.101.3.4.4.1", "ML-KEM-512" },
  { "2.16.840.1.101.3.4.4.2", "ML-KEM-768" },
  { "2.16.840.1.101.3.4.4.3", "ML-KEM-1024" },
  /* PKCS#5 v1.5 schemes GnuTLS 3.7 does not implement. */
  { "1.2.840.113549.1.5.1", "pbeWithMD2AndDES-CBC" },
  { "1.2.840.113549.1.5.4", "pbeWithMD2AndRC2-CBC" },
  { "1.2.840.113549.1.5.6", "pbeWithMD5AndRC2-CBC" },
  { "1.2.840.113549.1.5.10", "pbeWithSHA1AndDES-CBC" },
  { "1.2.840.113549.1.5.11", "pbeWithSHA1AndRC2-CBC" },
  { "1.2.840.113549.1.12.1.2", "pbeWithSHAAnd40BitRC4" },
  /* Curves. */
  { "1.2.643.7.1.2.1.2.1", "GOST TC26-512-A" },
  { "1.2.643.7.1.2.1.2.2", "GOST TC26-512-B" },
  { "1.2.643.7.1.2.1.2.3", "GOST TC26-512-C" },
  { "1.3.132.0.10", "secp256k1" },
  { "1.3.36.3.3.2.8.1.1.7", "brainpoolP256r1" },
  { "1.3.36.3.3.2.8.1.1.11", "brainpoolP384r1" },
  { "1.3.36.3.3.2.8.1.1.13", "brainpoolP512r1" },
};

static char *
describe_oid (const char *oid)
{
  for (gsize i = 0; i < G_N_ELEMENTS (known_oids); i++)
    if (g_str_equal (known_oids[i].oid, oid))
      return g_strdup_printf ("%s (%s)", known_oids[i].name, oid);
  return g_strdup (oid);
}

/* @format has two %s: the OID (with its name when known), then the
 * GnuTLS version. */
static void
set_unsupported (GError    **error,
                 const char *format,
                 const char *oid)
{
  g_autofree char *desc = describe_oid (oid);

  g_set_error (error, CK_ERROR, CK_ERROR_UNSUPPORTED, format,
               desc, gnutls_check_version (NULL));
}

CkPrivateKey *
ck_private_key_new_from_pkcs8 (GBytes     *der,
                               const char *password,
                               GError    **error)
{
  gnutls_x509_privkey_t key = NULL;
  gnutls_datum_t data;
  unsigned int schema = 0, cipher = 0, iter = 0;
  char *scheme_oid = NULL;
  gboolean encrypted, pkcs12_scheme;
  gsize size;
  int ret, info_ret;

  g_return_val_if_fail (der != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  data.data = (unsigned char *) g_bytes_get_data (der, &size);
  data.size = size;

  /* Look at the encryption first: an unknown scheme must be reported as
   * such, not as a wrong password, and a missing password must be asked
   * for rather than reported as a decryption failure. */
  ret = gnutls_pkcs8_info (&data, GNUTLS_X509_FMT_DER, &schema, &cipher,
                           NULL, NULL, &iter, &scheme_oid);
  if (ret == GNUTLS_E_UNKNOWN_CIPHER_TYPE)
    {
      set_unsupported (error, _("the key’s encryption scheme %s is not supported "
                                "by this GnuTLS version (%s)"),
                       scheme_oid != NULL ? scheme_oid : "?");
      gnutls_free (scheme_oid);
      return NULL;
    }
  gnutls_free (scheme_oid);
  info_ret = ret;
  encrypted = info_ret >= 0;
  pkcs12_scheme = (schema & (GNUTLS_PKCS_PKCS12_3DES | GNUTLS_PKCS_PKCS12_ARCFOUR |
                             GNUTLS_PKCS_PKCS12_RC2_40)) != 0;

  /* Every attempt runs the key derivation: a file asking for billions of
   * iterations would hang the importer for hours. */
  if (encrypted && iter > CK_MAX_KDF_ITERATIONS)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_UNSUPPORTED,
                   _("the key’s encryption asks for %u key-derivation "
                     "iterations; more than %u are refused"),
                   iter, (guint) CK_MAX_KDF_ITERATIONS);
      return NULL;
    }

  gnutls_x509_privkey_init (&key);
  if (encrypted)
    {
      /* A NULL password still opens a key encrypted with the PKCS#12 "null
       * password" (no bytes at all, unlike ""); for other schemes there is
       * nothing to try without a password. */
      if (password == NULL && !pkcs12_scheme)
        ret = GNUTLS_E_DECRYPTION_FAILED;
      else
        ret = gnutls_x509_privkey_import_pkcs8 (key, &data, GNUTLS_X509_FMT_DER,
                                                password, 0);
      if (ret == GNUTLS_E_DECRYPTION_FAILED && pkcs12_scheme &&
          password != NULL && password[0] == '\0')
        {
          /* Someone who leaves the password field empty may mean either. */
          gnutls_x509_privkey_deinit (key);
          gnutls_x509_privkey_init (&key);
          ret = gnutls_x509_privkey_import_pkcs8 (key, &data, GNUTLS_X509_FMT_DER,
                                                  NULL, GNUTLS_PKCS_NULL_PASSWORD);
        }
    }
  else
    {
      /* For DER, GnuTLS assumes encryption unless told otherwise. */
      ret = gnutls_x509_privkey_import_pkcs8 (key, &data, GNUTLS_X509_FMT_DER,
                                              NULL, GNUTLS_PKCS_PLAIN);
      /* gnutls_pkcs8_info() says INVALID_REQUEST for a PrivateKeyInfo and
       * TAG_ERROR for something else entirely; any other complaint is about
       * a broken EncryptedPrivateKeyInfo (an iteration count of 0, truncated
       * PBES2 parameters), which says more than "not a key". */
      if (ret < 0 && info_ret != GNUTLS_E_INVALID_REQUEST &&
          info_ret != GNUTLS_E_ASN1_TAG_ERROR)
        ret = info_ret;
    }
  if (ret < 0)
    {
      g_autofree char *alg_oid = NULL;
      g_autofree char *curve_oid = NULL;

      gnutls_x509_privkey_deinit (key);

      /* GnuTLS reports a wrong password as GNUTLS_E_DECRYPTION_FAILED (bad
       * padding, or a decrypted blob that is not a key): the two cannot be
       * told apart, and both mean "try another password". */
      if (ret == GNUTLS_E_DECRYPTION_FAILED && encrypted && password == NULL)
        g_set_error_literal (error, CK_ERROR, CK_ERROR_PASSWORD_REQUIRED,
                             _("the private key is encrypted: a password is needed"));
      else if (ret == GNUTLS_E_DECRYPTION_FAILED && encrypted)
        g_set_error_literal (error, CK_ERROR, CK_ERROR_BAD_PASSWORD,
                             _("wrong password for the encrypted private key"));
      else if (ret == GNUTLS_E_UNKNOWN_PK_ALGORITHM && !encrypted &&
               pkcs8_algorithm_oids (der, &alg_oid, &curve_oid))
        set_unsupported (error, _("the key algorithm %s is not supported by this "
                                  "GnuTLS version (%s)"), alg_oid);
      else if (ret == GNUTLS_E_ECC_UNSUPPORTED_CURVE && !encrypted &&
               pkcs8_algorithm_oids (der, &alg_oid, &curve_oid) && curve_oid != NULL)
        set_unsupported (error, _("the key’s curve %s is not supported by this "
                                  "GnuTLS version (%s)"), curve_oid);
      else if (ck_error_code_from_gnutls (ret) == CK_ERROR_UNSUPPORTED)
        g_set_error (error, CK_ERROR, CK_ERROR_UNSUPPORTED,
                     _("not supported by this GnuTLS version (%s): %s"),
                     gnutls_check_version (NULL), gnutls_strerror (ret));
      else
        ck_set_gnutls_error (error, ret, _("not a valid PKCS#8 private key"));
      return NULL;
    }

  return ck_private_key_new_from_x509 (key, error);
}

static CkError
token_error_code (int ret)
{
  switch (ret)
    {
    case GNUTLS_E_PARSING_ERROR:
    case GNUTLS_E_INVALID_REQUEST:
      return CK_ERROR_INVALID;
    case GNUTLS_E_PKCS11_PIN_ERROR:
      return CK_ERROR_BAD_PASSWORD;
    case GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE:
    case GNUTLS_E_PKCS11_REQUESTED_OBJECT_NOT_AVAILBLE:
    case GNUTLS_E_PKCS11_SLOT_ERROR:
    case GNUTLS_E_PKCS11_TOKEN_ERROR:
      return CK_ERROR_NOT_FOUND;
    case GNUTLS_E_UNIMPLEMENTED_FEATURE:
    case GNUTLS_E_UNKNOWN_PK_ALGORITHM:
      return CK_ERROR_UNSUPPORTED;
    default:
      return CK_ERROR_FAILED;
    }
}

CkPrivateKey *
ck_private_key_new_from_pkcs11_uri (const char *uri,
                                    GError    **error)
{
  g_autoptr(CkPrivateKey) self = NULL;
  int ret;

  g_return_val_if_fail (uri != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!g_str_has_prefix (uri, "pkcs11:"))
    {
      g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                   _("%s: not a PKCS#11 URI"), uri);
      return NULL;
    }

  self = g_object_new (CK_TYPE_PRIVATE_KEY, NULL);
  self->uri = g_strdup (uri);

  gnutls_privkey_init (&self->privkey);
  ret = gnutls_privkey_import_url (self->privkey, uri, 0);
  if (ret < 0)
    {
      g_set_error (error, CK_ERROR, token_error_code (ret),
                   _("%s: cannot open the key on the token: %s"),
                   uri, gnutls_strerror (ret));
      return NULL;
    }

  if (!describe_public_half (self, error))
    {
      g_prefix_error (error, "%s: ", uri);
      return NULL;
    }

  return g_steal_pointer (&self);
}

const char *
ck_private_key_get_algorithm (CkPrivateKey *self)
{
  g_return_val_if_fail (CK_IS_PRIVATE_KEY (self), NULL);
  return ck_pk_algorithm_name (self->algo);
}

gnutls_pk_algorithm_t
ck_private_key_get_algorithm_id (CkPrivateKey *self)
{
  g_return_val_if_fail (CK_IS_PRIVATE_KEY (self), GNUTLS_PK_UNKNOWN);
  return self->algo;
}

guint
ck_private_key_get_bits (CkPrivateKey *self)
{
  g_return_val_if_fail (CK_IS_PRIVATE_KEY (self), 0);
  return self->bits;
}

const char *
ck_private_key_get_curve (CkPrivateKey *self)
{
  g_return_val_if_fail (CK_IS_PRIVATE_KEY (self), NULL);
  return self->curve;
}

const char *
ck_private_key_get_spki_sha256 (CkPrivateKey *self)
{
  g_return_val_if_fail (CK_IS_PRIVATE_KEY (self), NULL);
  return self->spki_sha256;
}

GBytes *
ck_private_key_get_spki (CkPrivateKey *self)
{
  g_return_val_if_fail (CK_IS_PRIVATE_KEY (self), NULL);
  return self->spki;
}

const char *
ck_private_key_get_pkcs11_uri (CkPrivateKey *self)
{
  g_return_val_if_fail (CK_IS_PRIVATE_KEY (self), NULL);
  return self->uri;
}

gboolean
ck_private_key_is_on_token (CkPrivateKey *self)
{
  g_return_val_if_fail (CK_IS_PRIVATE_KEY (self), FALSE);
  return self->uri != NULL;
}

gnutls_privkey_t
ck_private_key_get_privkey (CkPrivateKey *self)
{
  g_return_val_if_fail (CK_IS_PRIVATE_KEY (self), NULL);
  return self->privkey;
}

gnutls_pubkey_t
ck_private_key_dup_pubkey (CkPrivateKey *self,
                           GError      **error)
{
  gnutls_pubkey_t pubkey = NULL;
  gnutls_datum_t der;
  gsize size;
  int ret;

  g_return_val_if_fail (CK_IS_PRIVATE_KEY (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* From the SPKI rather than the privkey: works the same for token keys
   * and needs no token session. */
  der.data = (unsigned char *) g_bytes_get_data (self->spki, &size);
  der.size = size;
  gnutls_pubkey_init (&pubkey);
  ret = gnutls_pubkey_import (pubkey, &der, GNUTLS_X509_FMT_DER);
  if (ret < 0)
    {
      ck_set_gnutls_error (error, ret, _("cannot read the public key"));
      gnutls_pubkey_deinit (pubkey);
      return NULL;
    }
  return pubkey;
}

static gboolean
export_pkcs8 (CkPrivateKey          *self,
              gnutls_x509_crt_fmt_t  format,
              const char            *passphrase,
              gnutls_datum_t        *out,
              GError               **error)
{
  int ret;

  if (self->x509 == NULL)
    {
      g_set_error_literal (error, CK_ERROR, CK_ERROR_UNSUPPORTED,
                           _("the key is on a token and cannot be exported"));
      return FALSE;
    }

  ret = gnutls_x509_privkey_export2_pkcs8 (self->x509, format, passphrase,
                                           passphrase != NULL ? GNUTLS_PKCS_PBES2_AES_256
                                                              : GNUTLS_PKCS_PLAIN,
                                           out);
  if (ret < 0)
    {
      ck_set_gnutls_error (error, ret, _("cannot export the private key"));
      return FALSE;
    }
  return TRUE;
}

typedef struct {
  gnutls_datum_t datum;
} WipedDatum;

static void
wiped_datum_free (gpointer data)
{
  WipedDatum *wd = data;

  ck_datum_clear (&wd->datum);
  g_free (wd);
}

GBytes *
ck_private_key_export_pkcs8 (CkPrivateKey *self,
                             const char   *passphrase,
                             GError      **error)
{
  WipedDatum *wd;

  g_return_val_if_fail (CK_IS_PRIVATE_KEY (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  /* The GBytes keeps GnuTLS's buffer and wipes it when the last reference
   * goes: an unencrypted export must not linger in freed memory. */
  wd = g_new0 (WipedDatum, 1);
  if (!export_pkcs8 (self, GNUTLS_X509_FMT_DER, passphrase, &wd->datum, error))
    {
      g_free (wd);
      return NULL;
    }
  return g_bytes_new_with_free_func (wd->datum.data, wd->datum.size,
                                     wiped_datum_free, wd);
}

char *
ck_private_key_export_pkcs8_pem (CkPrivateKey *self,
                                 const char   *passphrase,
                                 GError      **error)
{
  gnutls_datum_t out = { NULL, 0 };
  char *pem;

  g_return_val_if_fail (CK_IS_PRIVATE_KEY (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (!export_pkcs8 (self, GNUTLS_X509_FMT_PEM, passphrase, &out, error))
    return NULL;
  pem = g_strndup ((const char *) out.data, out.size);
  ck_datum_clear (&out);
  return pem;
}
