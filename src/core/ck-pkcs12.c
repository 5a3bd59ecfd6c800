/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ck-pkcs12.h"

#include <glib/gi18n-lib.h>
#include <gnutls/crypto.h>
#include <gnutls/gnutls.h>
#include <gnutls/pkcs12.h>
#include <libtasn1.h>
#include <stdlib.h>
#include <string.h>

#include "ck-asn1-private.h"
#include "ck-der-private.h"
#include "ck-error.h"
#include "ck-utils.h"

#define OID_PBMAC1 "1.2.840.113549.1.5.14"
#define OID_PBES2 "1.2.840.113549.1.5.13"
#define OID_PBKDF2 "1.2.840.113549.1.5.12"
#define OID_HMAC_SHA1 "1.2.840.113549.2.7"
#define OID_DATA "1.2.840.113549.1.7.1"
#define OID_ENCRYPTED_DATA "1.2.840.113549.1.7.6"
#define OID_BAG_PREFIX "1.2.840.113549.1.12.10.1."
#define OID_X509_CERTIFICATE "1.2.840.113549.1.9.22.1"
#define OID_X509_CRL "1.2.840.113549.1.9.23.1"
#define OID_FRIENDLY_NAME "1.2.840.113549.1.9.20"

/* GnuTLS keeps at most this many bags of a safe (MAX_BAG_ELEMENTS in its
 * lib/x509/x509_int.h) and drops the rest without a word: a safe that
 * comes back this full is read again here, all of it. */
#define GNUTLS_MAX_BAG_ELEMENTS 32

/* ck-pkcs12.asn, compiled by asn1Parser */
extern const asn1_static_node ck_pkcs12_asn1_tab[];

/* The MAC algorithm of a PKCS#12 file: FALSE with CK_ERROR_UNSUPPORTED
 * when this GnuTLS cannot check it (PBMAC1 before 3.8.6); *@has_mac is
 * FALSE for files without integrity protection. */
static gboolean
pkcs12_check_mac_algorithm (gnutls_pkcs12_t p12,
                            gboolean       *has_mac,
                            GError        **error)
{
  unsigned int mac = 0, iter = 0, salt_size = 0;
  char *oid = NULL;
  int ret;

  ret = gnutls_pkcs12_mac_info (p12, &mac, NULL, &salt_size, &iter, &oid);
  if (ret == GNUTLS_E_SHORT_MEMORY_BUFFER)
    ret = 0;   /* only the salt did not fit: we did not want it */
  if (ret >= 0)
    {
      *has_mac = TRUE;
      gnutls_free (oid);
      return ck_check_kdf_iterations (iter, error);
    }

  if (ret == GNUTLS_E_UNKNOWN_HASH_ALGORITHM ||
      ck_error_code_from_gnutls (ret) == CK_ERROR_UNSUPPORTED)
    {
      if (oid != NULL && g_str_equal (oid, OID_PBMAC1))
        g_set_error (error, CK_ERROR, CK_ERROR_UNSUPPORTED,
                     _("PKCS#12 integrity protection with PBMAC1 is not supported by "
                     "this GnuTLS version (%s)"), gnutls_check_version (NULL));
      else
        g_set_error (error, CK_ERROR, CK_ERROR_UNSUPPORTED,
                     _("the PKCS#12 MAC algorithm %s is not supported by this "
                     "GnuTLS version (%s)"), oid != NULL ? oid : _("(unknown)"),
                     gnutls_check_version (NULL));
      gnutls_free (oid);
      return FALSE;
    }

  gnutls_free (oid);
  *has_mac = FALSE;
  return TRUE;
}

static gboolean
pkcs12_import (GBytes           *data,
               gnutls_pkcs12_t  *p12_out,
               GError          **error)
{
  gnutls_pkcs12_t p12 = NULL;
  gnutls_datum_t datum;
  int ret;

  datum.data = (guchar *) g_bytes_get_data (data, NULL);
  datum.size = g_bytes_get_size (data);

  gnutls_pkcs12_init (&p12);
  ret = gnutls_pkcs12_import (p12, &datum, GNUTLS_X509_FMT_DER, 0);
  if (ret < 0)
    {
      ck_set_gnutls_error (error, ret, _("not a valid PKCS#12 file"));
      gnutls_pkcs12_deinit (p12);
      return FALSE;
    }
  *p12_out = p12;
  return TRUE;
}

void
ck_pkcs12_bag_free (CkPkcs12Bag *bag)
{
  if (bag == NULL)
    return;
  g_free (bag->friendly_name);
  g_clear_pointer (&bag->der, g_bytes_unref);
  g_free (bag);
}

/* ------------------------------------------------------------------ */
/* A whole safe, read with libtasn1                                    */

static CkAsn1Schema pkcs12_schema = CK_ASN1_SCHEMA_INIT (ck_pkcs12_asn1_tab, "CK-PKCS12");

/* @bytes decoded as the CK-PKCS12 type @type, or NULL with CK_ERROR_PARSE
 * naming @what. */
static asn1_node
asn1_decode (const char   *type,
             GBytes       *bytes,
             const char   *what,
             GError      **error)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (bytes, &len);
  char message[ASN1_MAX_ERROR_DESCRIPTION_SIZE] = "";
  asn1_node node = ck_asn1_decode (&pkcs12_schema, type, data, len, FALSE, message);

  if (node == NULL)
    g_set_error (error, CK_ERROR, CK_ERROR_PARSE, _("%s is damaged: %s"), what, message);
  return node;
}

/* The contents of the DER OCTET STRING @tlv (BER constructed forms too). */
static GBytes *
octet_string_contents (GBytes *tlv)
{
  unsigned char *str = NULL;
  unsigned int str_len = 0, ber_len = 0;
  gsize len;
  const guint8 *data = g_bytes_get_data (tlv, &len);
  GBytes *out;

  if (len == 0 || len > G_MAXINT ||
      asn1_decode_simple_ber (ASN1_ETYPE_OCTET_STRING, data, len,
                              &str, &str_len, &ber_len) != ASN1_SUCCESS)
    return NULL;
  out = ck_bytes_new_secret (g_memdup2 (str, str_len), str_len);
  gnutls_memset (str, 0, str_len);
  free (str);
  return out;
}

/* PBES2 (RFC 8018, 6.2) with PBKDF2 and a CBC cipher: the scheme OpenSSL
 * 3 and GnuTLS write. The key derivation and the cipher are GnuTLS's;
 * only the parameters are read here, since GnuTLS has no call that gives
 * a decrypted safe back whole. @schema and the cipher came from
 * gnutls_pkcs12_bag_enc_info(), which already accepted them. */
static GBytes *
pbes2_decrypt (asn1_node     enc,
               unsigned int  schema,
               const char   *password,
               guint         safe_number,
               GError      **error)
{
  g_autoptr(asn1_node_st) pbes2 = NULL;
  g_autoptr(asn1_node_st) kdf = NULL;
  g_autoptr(GBytes) params = NULL;
  g_autoptr(GBytes) kdf_params = NULL;
  g_autoptr(GBytes) salt = NULL;
  g_autoptr(GBytes) iv_tlv = NULL;
  g_autoptr(GBytes) iv = NULL;
  g_autoptr(GBytes) ciphertext = NULL;
  gnutls_cipher_algorithm_t cipher;
  gnutls_mac_algorithm_t prf = GNUTLS_MAC_SHA1;
  gnutls_cipher_hd_t handle = NULL;
  gnutls_datum_t key, salt_datum, iv_datum, pass;
  char oid[128];
  gint64 iterations, key_len;
  guint8 *plain;
  gsize len, block, pad;
  int ret;

  switch (schema)
    {
    case GNUTLS_PKCS_PBES2_AES_128: cipher = GNUTLS_CIPHER_AES_128_CBC; break;
    case GNUTLS_PKCS_PBES2_AES_192: cipher = GNUTLS_CIPHER_AES_192_CBC; break;
    case GNUTLS_PKCS_PBES2_AES_256: cipher = GNUTLS_CIPHER_AES_256_CBC; break;
    case GNUTLS_PKCS_PBES2_3DES: cipher = GNUTLS_CIPHER_3DES_CBC; break;
    default:
      /* PKCS#12 key derivation (3DES, RC2, RC4), GOST: GnuTLS offers no
       * call for these, and Certkeeper writes no crypto of its own. */
      g_set_error (error, CK_ERROR, CK_ERROR_UNSUPPORTED,
                   _("PKCS#12 safe %u holds %d or more bags and is encrypted with "
                     "a PKCS#12 password-based cipher (3DES, RC2 or RC4): this GnuTLS "
                     "version (%s) gives only the first %d bags of such a safe, so "
                     "nothing was imported; export the file again with AES "
                     "encryption (PBES2)"),
                   safe_number, GNUTLS_MAX_BAG_ELEMENTS, gnutls_check_version (NULL),
                   GNUTLS_MAX_BAG_ELEMENTS);
      return NULL;
    }

  ck_asn1_read_oid (enc, "encryptedContentInfo.contentEncryptionAlgorithm.algorithm", oid);
  params = ck_asn1_read_bytes (enc, "encryptedContentInfo.contentEncryptionAlgorithm.parameters");
  ciphertext = ck_asn1_read_bytes (enc, "encryptedContentInfo.encryptedContent");
  if (!g_str_equal (oid, OID_PBES2) || params == NULL || ciphertext == NULL)
    goto damaged;

  pbes2 = asn1_decode ("PBES2-params", params, _("the PBES2 parameters"), error);
  if (pbes2 == NULL)
    return NULL;
  ck_asn1_read_oid (pbes2, "keyDerivationFunc.algorithm", oid);
  kdf_params = ck_asn1_read_bytes (pbes2, "keyDerivationFunc.parameters");
  iv_tlv = ck_asn1_read_bytes (pbes2, "encryptionScheme.parameters");
  if (!g_str_equal (oid, OID_PBKDF2) || kdf_params == NULL || iv_tlv == NULL)
    goto damaged;
  iv = octet_string_contents (iv_tlv);

  kdf = asn1_decode ("PBKDF2-params", kdf_params, _("the PBKDF2 parameters"), error);
  if (kdf == NULL)
    return NULL;
  salt = ck_asn1_read_bytes (kdf, "salt.specified");
  iterations = ck_asn1_read_uint (kdf, "iterationCount");
  key_len = ck_asn1_read_uint (kdf, "keyLength");
  ck_asn1_read_oid (kdf, "prf.algorithm", oid);
  if (*oid != '\0')
    prf = gnutls_oid_to_mac (oid);
  if (salt == NULL || iterations <= 0 || iv == NULL ||
      g_bytes_get_size (iv) != (gsize) gnutls_cipher_get_iv_size (cipher) ||
      (key_len != -1 && key_len != (gint64) gnutls_cipher_get_key_size (cipher)))
    goto damaged;
  if (prf == GNUTLS_MAC_UNKNOWN)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_UNSUPPORTED,
                   _("PKCS#12 safe %u uses the key-derivation function %s, which is "
                     "not supported by this GnuTLS version (%s)"),
                   safe_number, oid, gnutls_check_version (NULL));
      return NULL;
    }
  if (!ck_check_kdf_iterations ((guint) iterations, error))
    return NULL;

  block = gnutls_cipher_get_block_size (cipher);
  len = g_bytes_get_size (ciphertext);
  if (len == 0 || len % block != 0 || len > G_MAXUINT)
    goto damaged;

  /* The password as GnuTLS gives it to PBKDF2 for PBES2: its UTF-8 bytes */
  pass.data = (guchar *) (password != NULL ? password : "");
  pass.size = strlen ((const char *) pass.data);
  salt_datum.data = (guchar *) g_bytes_get_data (salt, NULL);
  salt_datum.size = g_bytes_get_size (salt);
  key.size = gnutls_cipher_get_key_size (cipher);
  key.data = g_malloc (key.size);
  ret = gnutls_pbkdf2 (prf, &pass, &salt_datum, (unsigned) iterations, key.data, key.size);
  if (ret >= 0)
    {
      iv_datum.data = (guchar *) g_bytes_get_data (iv, NULL);
      iv_datum.size = g_bytes_get_size (iv);
      ret = gnutls_cipher_init (&handle, cipher, &key, &iv_datum);
    }
  gnutls_memset (key.data, 0, key.size);
  g_free (key.data);
  if (ret < 0)
    {
      ck_set_gnutls_error (error, ret, _("cannot decrypt PKCS#12 safe %u"), safe_number);
      return NULL;
    }

  plain = g_malloc (len);
  ret = gnutls_cipher_decrypt2 (handle, g_bytes_get_data (ciphertext, NULL), len, plain, len);
  gnutls_cipher_deinit (handle);

  /* PKCS#5 padding: 1 to block bytes, all the same */
  pad = ret >= 0 ? plain[len - 1] : 0;
  for (gsize i = 1; pad != 0 && i <= pad && pad <= block; i++)
    if (plain[len - i] != pad)
      pad = 0;
  if (ret < 0 || pad == 0 || pad > block)
    {
      gnutls_memset (plain, 0, len);
      g_free (plain);
      /* GnuTLS decrypted the same safe with this password a moment ago */
      g_set_error (error, CK_ERROR, CK_ERROR_PARSE,
                   _("cannot decrypt PKCS#12 safe %u: %s"), safe_number,
                   ret < 0 ? gnutls_strerror (ret) : _("bad padding"));
      return NULL;
    }
  return ck_bytes_new_secret (plain, len - pad);

damaged:
  g_set_error (error, CK_ERROR, CK_ERROR_PARSE,
               _("PKCS#12 safe %u: the encryption parameters are damaged"), safe_number);
  return NULL;
}

static gnutls_pkcs12_bag_type_t
bag_type_from_oid (const char *oid)
{
  if (!g_str_has_prefix (oid, OID_BAG_PREFIX))
    return GNUTLS_BAG_UNKNOWN;
  oid += strlen (OID_BAG_PREFIX);
  if (g_str_equal (oid, "1"))
    return GNUTLS_BAG_PKCS8_KEY;
  if (g_str_equal (oid, "2"))
    return GNUTLS_BAG_PKCS8_ENCRYPTED_KEY;
  if (g_str_equal (oid, "3"))
    return GNUTLS_BAG_CERTIFICATE;
  if (g_str_equal (oid, "4"))
    return GNUTLS_BAG_CRL;
  if (g_str_equal (oid, "5"))
    return GNUTLS_BAG_SECRET;
  return GNUTLS_BAG_UNKNOWN;   /* safeContentsBag: GnuTLS has none either */
}

/* A bag's attributes read for its friendlyName: real files have one or
 * two; the cap keeps a crafted bag from costing attributes² lookups. */
#define MAX_BAG_ATTRIBUTES 32
/* Bags of a SafeContents that is not DER (BER indefinite lengths), read
 * by index: each lookup walks the list, so this many at most. */
#define MAX_BER_BAGS 4096

/* The friendlyName attribute of the SafeBag at @prefix ("" or "?3."), as
 * UTF-8. */
static char *
bag_friendly_name (asn1_node   node,
                   const char *prefix)
{
  for (guint a = 1; a <= MAX_BAG_ATTRIBUTES; a++)
    {
      g_autofree char *type_name = g_strdup_printf ("%sbagAttributes.?%u.attrType", prefix, a);
      g_autofree char *value_name = g_strdup_printf ("%sbagAttributes.?%u.attrValues.?1",
                                                     prefix, a);
      g_autoptr(GBytes) value = NULL;
      const unsigned char *str = NULL;
      unsigned int str_len = 0;
      char oid[128];
      char *utf8;

      ck_asn1_read_oid (node, type_name, oid);
      if (*oid == '\0')
        return NULL;
      if (!g_str_equal (oid, OID_FRIENDLY_NAME))
        continue;
      value = ck_asn1_read_bytes (node, value_name);
      if (value == NULL ||
          asn1_decode_simple_der (ASN1_ETYPE_BMP_STRING, g_bytes_get_data (value, NULL),
                                  g_bytes_get_size (value), &str, &str_len) != ASN1_SUCCESS)
        return NULL;
      utf8 = g_convert ((const char *) str, str_len, "UTF-8", "UTF-16BE", NULL, NULL, NULL);
      if (utf8 != NULL && *utf8 == '\0')
        g_clear_pointer (&utf8, g_free);
      return utf8;
    }
  return NULL;
}

/* The SafeBag at @prefix of @node, as GnuTLS would give it; NULL with
 * @error when damaged. */
static CkPkcs12Bag *
read_bag (asn1_node    node,
          const char  *prefix,
          const char  *what,
          guint        safe_number,
          guint        n,
          GError     **error)
{
  g_autofree char *id_name = g_strconcat (prefix, "bagId", NULL);
  g_autofree char *value_name = g_strconcat (prefix, "bagValue", NULL);
  g_autoptr(GBytes) value = NULL;
  g_autoptr(CkPkcs12Bag) bag = NULL;
  char oid[128];

  ck_asn1_read_oid (node, id_name, oid);
  value = ck_asn1_read_bytes (node, value_name);
  if (value == NULL)
    goto damaged;

  bag = g_new0 (CkPkcs12Bag, 1);
  bag->type = bag_type_from_oid (oid);
  bag->friendly_name = bag_friendly_name (node, prefix);

  if (bag->type == GNUTLS_BAG_CERTIFICATE || bag->type == GNUTLS_BAG_CRL)
    {
      /* CertBag and CRLBag: an id, then [0] EXPLICIT OCTET STRING */
      g_autoptr(asn1_node_st) inner = NULL;
      g_autoptr(GBytes) octets = NULL;

      inner = asn1_decode ("CertBag", value, what, error);
      if (inner == NULL)
        return NULL;
      ck_asn1_read_oid (inner, "certId", oid);
      octets = ck_asn1_read_bytes (inner, "certValue");
      if (!g_str_equal (oid, bag->type == GNUTLS_BAG_CERTIFICATE ?
                        OID_X509_CERTIFICATE : OID_X509_CRL))
        {
          bag->type = GNUTLS_BAG_UNKNOWN;   /* an SDSI certificate */
          return g_steal_pointer (&bag);
        }
      if (octets != NULL)
        bag->der = octet_string_contents (octets);
      if (bag->der == NULL)
        goto damaged;
    }
  else if (g_bytes_get_size (value) > 0)
    bag->der = g_steal_pointer (&value);
  return g_steal_pointer (&bag);

damaged:
  g_set_error (error, CK_ERROR, CK_ERROR_PARSE,
               _("PKCS#12 safe %u, bag %u is damaged"), safe_number, n);
  return NULL;
}

/* The elements of the DER SEQUENCE @der, as slices of it; NULL when @der
 * is not one definite-length SEQUENCE (BER). */
static GPtrArray *
split_sequence (GBytes *der)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (der, &size);
  const guint8 *p = data, *q, *end = data + size;
  g_autoptr(GPtrArray) elements = g_ptr_array_new_with_free_func ((GDestroyNotify) g_bytes_unref);
  CkDerTlv outer, element;

  if (!ck_der_read (&p, end, &outer) || outer.tag != 0x30 || p != end)
    return NULL;
  q = outer.data;
  end = outer.data + outer.len;
  while (q < end)
    {
      if (!ck_der_read (&q, end, &element))
        return NULL;
      g_ptr_array_add (elements, g_bytes_new_from_bytes (der, element.start - data,
                                                         element.data + element.len -
                                                         element.start));
    }
  return g_steal_pointer (&elements);
}

/* Every SafeBag of the SafeContents @contents, as GnuTLS would give them.
 * libtasn1 checks the whole first; then each bag is decoded on its own
 * (asking libtasn1 for "?N" walks the list from its start, N² for a
 * safe of N bags). */
static GPtrArray *
read_safe_contents (GBytes  *contents,
                    guint    safe_number,
                    GError **error)
{
  g_autofree char *what = g_strdup_printf (_("PKCS#12 safe %u"), safe_number);
  g_autoptr(asn1_node_st) safe = NULL;
  g_autoptr(GPtrArray) bags = NULL;
  g_autoptr(GPtrArray) elements = NULL;
  int count = 0;

  safe = asn1_decode ("SafeContents", contents, what, error);
  if (safe == NULL)
    return NULL;
  if (asn1_number_of_elements (safe, "", &count) != ASN1_SUCCESS)
    count = 0;

  bags = g_ptr_array_new_full (count, (GDestroyNotify) ck_pkcs12_bag_free);
  elements = split_sequence (contents);
  if (elements != NULL && elements->len == (guint) count)
    {
      g_clear_pointer (&safe, ck_asn1_free);
      for (guint n = 0; n < elements->len; n++)
        {
          g_autoptr(asn1_node_st) node = NULL;
          CkPkcs12Bag *bag;

          node = asn1_decode ("SafeBag", g_ptr_array_index (elements, n), what, error);
          if (node == NULL || (bag = read_bag (node, "", what, safe_number, n + 1, error)) == NULL)
            return NULL;
          g_ptr_array_add (bags, bag);
        }
      return g_steal_pointer (&bags);
    }

  if (count > MAX_BER_BAGS)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_UNSUPPORTED,
                   _("PKCS#12 safe %u holds %d bags in BER form; Certkeeper reads at "
                     "most %d of those"), safe_number, count, MAX_BER_BAGS);
      return NULL;
    }
  for (int n = 1; n <= count; n++)
    {
      g_autofree char *prefix = g_strdup_printf ("?%d.", n);
      CkPkcs12Bag *bag = read_bag (safe, prefix, what, safe_number, n, error);

      if (bag == NULL)
        return NULL;
      g_ptr_array_add (bags, bag);
    }
  return g_steal_pointer (&bags);
}

static gboolean
same_bag (const CkPkcs12Bag *a,
          const CkPkcs12Bag *b)
{
  if (a->type != b->type)
    return FALSE;
  if (a->der == NULL || b->der == NULL)
    return a->der == b->der;
  return g_bytes_equal (a->der, b->der);
}

/* Safe @index (0-based) of the PKCS#12 @der, all its bags: for when
 * GnuTLS stopped at GNUTLS_MAX_BAG_ELEMENTS. @from_gnutls are the bags
 * GnuTLS gave; they must be the first of ours, or something is misread. */
static GPtrArray *
read_safe_in_full (GBytes       *der,
                   int           index,
                   const char   *password,
                   gboolean      encrypted,
                   unsigned int  schema,
                   GPtrArray    *from_gnutls,
                   GError      **error)
{
  g_autoptr(asn1_node_st) pfx = NULL;
  g_autoptr(asn1_node_st) auth = NULL;
  g_autoptr(GBytes) auth_tlv = NULL;
  g_autoptr(GBytes) auth_der = NULL;
  g_autoptr(GBytes) content = NULL;
  g_autoptr(GBytes) contents = NULL;
  g_autoptr(GPtrArray) bags = NULL;
  g_autofree char *type_name = g_strdup_printf ("?%d.contentType", index + 1);
  g_autofree char *content_name = g_strdup_printf ("?%d.content", index + 1);
  guint safe_number = index + 1;
  char oid[128];

  pfx = asn1_decode ("PFX", der, _("the PKCS#12 file"), error);
  if (pfx == NULL)
    return NULL;
  auth_tlv = ck_asn1_read_bytes (pfx, "authSafe.content");
  if (auth_tlv != NULL)
    auth_der = octet_string_contents (auth_tlv);
  if (auth_der == NULL)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_PARSE,
                   _("the PKCS#12 file is damaged: no authenticated safe"));
      return NULL;
    }
  auth = asn1_decode ("AuthenticatedSafe", auth_der, _("the PKCS#12 file"), error);
  if (auth == NULL)
    return NULL;

  ck_asn1_read_oid (auth, type_name, oid);
  content = ck_asn1_read_bytes (auth, content_name);
  if (content != NULL && !encrypted && g_str_equal (oid, OID_DATA))
    contents = octet_string_contents (content);
  else if (content != NULL && encrypted && g_str_equal (oid, OID_ENCRYPTED_DATA))
    {
      g_autofree char *what = g_strdup_printf (_("PKCS#12 safe %u"), safe_number);
      g_autoptr(asn1_node_st) enc = NULL;

      enc = asn1_decode ("EncryptedData", content, what, error);
      if (enc == NULL)
        return NULL;
      contents = pbes2_decrypt (enc, schema, password, safe_number, error);
      if (contents == NULL)
        return NULL;
    }
  if (contents == NULL)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_PARSE,
                   _("PKCS#12 safe %u is damaged"), safe_number);
      return NULL;
    }

  bags = read_safe_contents (contents, safe_number, error);
  if (bags == NULL)
    return NULL;

  if (bags->len < from_gnutls->len)
    goto differ;
  for (guint i = 0; i < from_gnutls->len; i++)
    if (!same_bag (g_ptr_array_index (bags, i), g_ptr_array_index (from_gnutls, i)))
      goto differ;
  return g_steal_pointer (&bags);

differ:
  g_set_error (error, CK_ERROR, CK_ERROR_PARSE,
               _("PKCS#12 safe %u reads differently with GnuTLS and libtasn1: "
                 "the file is damaged"), safe_number);
  return NULL;
}

/* Decrypts and flattens the bags: every SafeBag in order. */
static gboolean
pkcs12_collect_bags (gnutls_pkcs12_t p12,
                     GBytes         *der,
                     const char     *password,
                     gboolean        has_mac,
                     GPtrArray      *bags,
                     GError        **error)
{
  for (int i = 0; ; i++)
    {
      gnutls_pkcs12_bag_t bag = NULL;
      GPtrArray *safe_bags;
      unsigned int schema = 0;
      gboolean encrypted = FALSE;
      int ret, count;

      gnutls_pkcs12_bag_init (&bag);
      ret = gnutls_pkcs12_get_bag (p12, i, bag);
      if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
        {
          gnutls_pkcs12_bag_deinit (bag);
          return TRUE;
        }
      if (ret < 0)
        {
          ck_set_gnutls_error (error, ret, _("cannot read PKCS#12 safe %d"), i + 1);
          gnutls_pkcs12_bag_deinit (bag);
          return FALSE;
        }

      if (gnutls_pkcs12_bag_get_type (bag, 0) == GNUTLS_BAG_ENCRYPTED)
        {
          unsigned int cipher = 0, salt_size = 0, iter = 0;
          char *oid = NULL;

          if (gnutls_pkcs12_bag_enc_info (bag, &schema, &cipher, NULL, &salt_size,
                                          &iter, &oid) != GNUTLS_E_UNKNOWN_CIPHER_TYPE &&
              !ck_check_kdf_iterations (iter, error))
            {
              gnutls_free (oid);
              gnutls_pkcs12_bag_deinit (bag);
              return FALSE;
            }
          gnutls_free (oid);
          encrypted = TRUE;

          ret = gnutls_pkcs12_bag_decrypt (bag, password);
          if (ret < 0)
            {
              CkError code = ck_error_code_from_gnutls (ret);

              /* Without a MAC a wrong password is only noticed here, and
               * RC2-40 has no padding check: garbage fails as ASN.1. */
              if (code == CK_ERROR_UNSUPPORTED)
                g_set_error (error, CK_ERROR, CK_ERROR_UNSUPPORTED,
                             _("PKCS#12 safe %d is encrypted with an algorithm not "
                             "supported by this GnuTLS version (%s): %s"),
                             i + 1, gnutls_check_version (NULL), gnutls_strerror (ret));
              else if (!has_mac || code == CK_ERROR_BAD_PASSWORD)
                g_set_error (error, CK_ERROR, CK_ERROR_BAD_PASSWORD,
                             _("the password is wrong (or the file is damaged)"));
              else
                ck_set_gnutls_error (error, ret, _("cannot decrypt PKCS#12 safe %d"), i + 1);
              gnutls_pkcs12_bag_deinit (bag);
              return FALSE;
            }
        }

      count = gnutls_pkcs12_bag_get_count (bag);
      safe_bags = g_ptr_array_new_with_free_func ((GDestroyNotify) ck_pkcs12_bag_free);
      for (int j = 0; j < count; j++)
        {
          CkPkcs12Bag *safe = g_new0 (CkPkcs12Bag, 1);
          gnutls_datum_t datum = { NULL, 0 };
          char *name = NULL;

          safe->type = gnutls_pkcs12_bag_get_type (bag, j);
          if (gnutls_pkcs12_bag_get_data (bag, j, &datum) >= 0 && datum.size > 0)
            safe->der = ck_bytes_new_secret (g_memdup2 (datum.data, datum.size), datum.size);
          if (gnutls_pkcs12_bag_get_friendly_name (bag, j, &name) >= 0 &&
              name != NULL && *name != '\0' && g_utf8_validate (name, -1, NULL))
            safe->friendly_name = g_strdup (name);
          g_ptr_array_add (safe_bags, safe);
        }
      gnutls_pkcs12_bag_deinit (bag);

      if (count >= GNUTLS_MAX_BAG_ELEMENTS)
        {
          g_autoptr(GPtrArray) all = NULL;

          /* GnuTLS may have dropped bags: read the whole safe again */
          all = read_safe_in_full (der, i, password, encrypted, schema, safe_bags, error);
          if (all == NULL)
            {
              g_ptr_array_unref (safe_bags);
              return FALSE;
            }
          g_ptr_array_unref (safe_bags);
          safe_bags = g_steal_pointer (&all);
        }

      g_ptr_array_extend_and_steal (bags, g_steal_pointer (&safe_bags));
    }
}

gboolean
ck_pkcs12_check (GBytes  *der,
                 GError **error)
{
  gnutls_pkcs12_t p12 = NULL;
  gboolean has_mac, ok;

  if (!pkcs12_import (der, &p12, error))
    return FALSE;
  ok = pkcs12_check_mac_algorithm (p12, &has_mac, error);
  gnutls_pkcs12_deinit (p12);
  return ok;
}

GPtrArray *
ck_pkcs12_read_bags (GBytes      *der,
                     const char  *password,
                     gboolean    *has_mac,
                     GError     **error)
{
  gnutls_pkcs12_t p12 = NULL;
  g_autoptr(GPtrArray) bags = NULL;
  int ret;

  g_return_val_if_fail (der != NULL, NULL);
  g_return_val_if_fail (has_mac != NULL, NULL);

  *has_mac = FALSE;
  /* A fresh structure every time: a failed bag decryption leaves the bag
   * half-decrypted. */
  if (!pkcs12_import (der, &p12, error))
    return NULL;
  if (!pkcs12_check_mac_algorithm (p12, has_mac, error))
    goto fail;

  if (*has_mac)
    {
      ret = gnutls_pkcs12_verify_mac (p12, password);
      if (ret == GNUTLS_E_MAC_VERIFY_FAILED)
        {
          g_set_error (error, CK_ERROR, CK_ERROR_BAD_PASSWORD,
                       _("the password is wrong (or the file is damaged)"));
          goto fail;
        }
      if (ret < 0)
        {
          ck_set_gnutls_error (error, ret, _("cannot check the PKCS#12 MAC"));
          goto fail;
        }
    }

  bags = g_ptr_array_new_with_free_func ((GDestroyNotify) ck_pkcs12_bag_free);
  if (!pkcs12_collect_bags (p12, der, password, *has_mac, bags, error))
    goto fail;

  gnutls_pkcs12_deinit (p12);
  return g_steal_pointer (&bags);

fail:
  gnutls_pkcs12_deinit (p12);
  return NULL;
}
