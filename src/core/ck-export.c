/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gi18n-lib.h>
#include <gnutls/pkcs12.h>

#include "ck-error.h"
#include "ck-export.h"
#include "ck-stored-certificate.h"
#include "ck-utils.h"

#define MAX_CHAIN_LENGTH 16

/* The stored summary has the subject string, so candidates are found
 * without parsing 100,000 certificates; only those are loaded. */
static CkCertificate *
find_issuer (CkStore       *store,
             CkCertificate *cert,
             GPtrArray     *chain)
{
  g_autoptr(GArray) ids = ck_store_find_certificates_by_subject (store,
                                                                  ck_certificate_get_issuer (cert));

  for (guint i = 0; i < ids->len; i++)
    {
      g_autoptr(CkCertificate) candidate = NULL;
      gboolean seen = FALSE;

      candidate = ck_store_load_certificate (store, g_array_index (ids, gint64, i), NULL);
      if (candidate == NULL || !ck_certificate_is_issued_by (cert, candidate))
        continue;

      for (guint j = 0; j < chain->len; j++)
        seen |= ck_certificate_equal (g_ptr_array_index (chain, j), candidate);
      if (seen)
        continue;

      return g_steal_pointer (&candidate);
    }

  return NULL;
}

GPtrArray *
ck_export_collect_chain (CkStore       *store,
                         CkCertificate *cert,
                         gboolean      *complete)
{
  GPtrArray *chain = g_ptr_array_new_with_free_func (g_object_unref);
  CkCertificate *current = cert;
  gboolean done = FALSE;

  g_return_val_if_fail (CK_IS_STORE (store), chain);
  g_return_val_if_fail (CK_IS_CERTIFICATE (cert), chain);

  g_ptr_array_add (chain, g_object_ref (cert));
  while (chain->len < MAX_CHAIN_LENGTH)
    {
      CkCertificate *issuer;

      if (ck_certificate_is_self_signed (current))
        {
          done = TRUE;
          break;
        }
      issuer = find_issuer (store, current, chain);
      if (issuer == NULL)
        break;
      g_ptr_array_add (chain, issuer);
      current = issuer;
    }

  if (complete != NULL)
    *complete = done;
  return chain;
}

char *
ck_export_chain_to_pem (GPtrArray *chain)
{
  GString *pem = g_string_new (NULL);

  for (guint i = 0; i < chain->len; i++)
    {
      g_autofree char *block = ck_certificate_to_pem (g_ptr_array_index (chain, i));

      g_string_append (pem, block);
    }

  return g_string_free (pem, FALSE);
}

GPtrArray *
ck_export_select_chain (CkStore       *store,
                        CkCertificate *cert,
                        CkExportChain  which,
                        gboolean      *complete)
{
  GPtrArray *chain = ck_export_collect_chain (store, cert, complete);

  if (which == CK_EXPORT_CHAIN_NONE)
    g_ptr_array_set_size (chain, 1);
  else if (which == CK_EXPORT_CHAIN_NO_ROOT && chain->len > 1
           && ck_certificate_is_self_signed (g_ptr_array_index (chain, chain->len - 1)))
    g_ptr_array_set_size (chain, chain->len - 1);
  return chain;
}

gboolean
ck_pkcs12_profile_from_string (const char      *text,
                               CkPkcs12Profile *profile)
{
  if (g_strcmp0 (text, "modern") == 0)
    *profile = CK_PKCS12_PROFILE_MODERN;
  else if (g_strcmp0 (text, "legacy") == 0)
    *profile = CK_PKCS12_PROFILE_LEGACY;
  else
    return FALSE;
  return TRUE;
}

/* The key as PKCS#8 encrypted with @schema: GnuTLS's own PKCS#8 writer, on
 * a copy of the key, wiped when done. */
static GBytes *
encrypt_key (CkPrivateKey  *key,
             const char    *password,
             unsigned int   schema,
             GError       **error)
{
  gnutls_x509_privkey_t x509 = NULL;
  gnutls_datum_t der = { NULL, 0 };
  GBytes *result;
  int ret;

  if (ck_private_key_is_on_token (key))
    {
      g_set_error_literal (error, CK_ERROR, CK_ERROR_UNSUPPORTED,
                           _("the key is on a token and cannot be exported"));
      return NULL;
    }
  ret = gnutls_privkey_export_x509 (ck_private_key_get_privkey (key), &x509);
  if (ret >= 0)
    ret = gnutls_x509_privkey_export2_pkcs8 (x509, GNUTLS_X509_FMT_DER, password, schema, &der);
  if (x509 != NULL)
    gnutls_x509_privkey_deinit (x509);
  if (ret < 0)
    {
      ck_set_gnutls_error (error, ret, _("cannot export the private key"));
      return NULL;
    }
  result = g_bytes_new (der.data, der.size);
  ck_datum_clear (&der);
  return result;
}

/* gnutls_pkcs12_bag_set_friendly_name() (3.7.9) writes the BMPString by
 * widening each byte of its argument, so UTF-8 "Büro" came out as "BÃ¼ro"
 * in OpenSSL, NSS, Java and Windows (and in GnuTLS itself on the way
 * back). Handing it ISO-8859-1 makes every character up to U+00FF right;
 * the rest become their ASCII transliteration or "?". */
static char *
friendly_name_for_gnutls (const char *utf8)
{
  GString *out;

  if (utf8 == NULL || !g_utf8_validate (utf8, -1, NULL))
    return NULL;
  out = g_string_new (NULL);
  for (const char *p = utf8; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (c >= 1 && c <= 0xff)
        g_string_append_c (out, (char) c);
      else
        {
          char one[8] = { 0 };
          g_autofree char *ascii = NULL;

          g_unichar_to_utf8 (c, one);
          ascii = g_str_to_ascii (one, "C");
          g_string_append (out, ascii);
        }
    }
  return g_string_free (out, FALSE);
}

static gboolean
add_certificate (gnutls_pkcs12_bag_t   bag,
                 CkCertificate        *cert,
                 const gnutls_datum_t *key_id,
                 const char           *friendly_name,
                 GError              **error)
{
  int idx = gnutls_pkcs12_bag_set_crt (bag, ck_certificate_get_crt (cert));
  int ret;

  if (idx < 0)
    {
      ck_set_gnutls_error (error, idx, _("Cannot add “%s” to the PKCS#12 file"),
                           ck_certificate_get_display_name (cert));
      return FALSE;
    }
  if (key_id != NULL && (ret = gnutls_pkcs12_bag_set_key_id (bag, idx, key_id)) < 0)
    {
      ck_set_gnutls_error (error, ret, _("Cannot add “%s” to the PKCS#12 file"),
                           ck_certificate_get_display_name (cert));
      return FALSE;
    }
  if (friendly_name != NULL
      && (ret = gnutls_pkcs12_bag_set_friendly_name (bag, idx, friendly_name)) < 0)
    {
      ck_set_gnutls_error (error, ret, _("Cannot add “%s” to the PKCS#12 file"),
                           ck_certificate_get_display_name (cert));
      return FALSE;
    }
  return TRUE;
}

GBytes *
ck_export_pkcs12 (CkCertificate   *cert,
                  CkPrivateKey    *key,
                  GPtrArray       *chain,
                  const char      *password,
                  const char      *friendly_name,
                  CkPkcs12Profile  profile,
                  GError         **error)
{
  gboolean legacy = profile == CK_PKCS12_PROFILE_LEGACY;
  g_autofree char *name = friendly_name_for_gnutls (friendly_name);
  gnutls_pkcs12_t p12 = NULL;
  gnutls_pkcs12_bag_t cert_bag = NULL;
  gnutls_pkcs12_bag_t key_bag = NULL;
  g_autoptr(GBytes) pkcs8 = NULL;
  guint8 key_id_buf[20];
  size_t key_id_size = sizeof key_id_buf;
  gnutls_datum_t key_id;
  gnutls_datum_t key_datum;
  gnutls_datum_t out = { NULL, 0 };
  GBytes *result = NULL;
  int idx;
  int ret;

  g_return_val_if_fail (CK_IS_CERTIFICATE (cert), NULL);
  g_return_val_if_fail (CK_IS_PRIVATE_KEY (key), NULL);
  g_return_val_if_fail (password != NULL, NULL);

  if (g_strcmp0 (ck_certificate_get_spki_sha256 (cert),
                 ck_private_key_get_spki_sha256 (key)) != 0)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_MISMATCH,
                   _("The private key does not belong to “%s”"),
                   ck_certificate_get_display_name (cert));
      return NULL;
    }

  /* The key travels encrypted inside the file as well: a shrouded key
   * bag, whatever the profile. */
  pkcs8 = encrypt_key (key, password,
                       legacy ? GNUTLS_PKCS_PKCS12_3DES : GNUTLS_PKCS_PBES2_AES_256, error);
  if (pkcs8 == NULL)
    return NULL;

  /* The localKeyID ties the key bag to its certificate, as OpenSSL and
   * certtool expect: the SHA-1 of the public key. */
  ret = gnutls_x509_crt_get_key_id (ck_certificate_get_crt (cert), GNUTLS_KEYID_USE_SHA1,
                                    key_id_buf, &key_id_size);
  if (ret < 0)
    {
      ck_set_gnutls_error (error, ret, _("Cannot compute the key identifier of “%s”"),
                           ck_certificate_get_display_name (cert));
      return NULL;
    }
  key_id.data = key_id_buf;
  key_id.size = (unsigned int) key_id_size;

  if ((ret = gnutls_pkcs12_init (&p12)) < 0
      || (ret = gnutls_pkcs12_bag_init (&cert_bag)) < 0
      || (ret = gnutls_pkcs12_bag_init (&key_bag)) < 0)
    {
      ck_set_gnutls_error (error, ret, _("Cannot create a PKCS#12 file"));
      goto out;
    }

  if (!add_certificate (cert_bag, cert, &key_id, name, error))
    goto out;
  for (guint i = 0; chain != NULL && i < chain->len; i++)
    {
      CkCertificate *extra = g_ptr_array_index (chain, i);

      if (ck_certificate_equal (extra, cert))
        continue;
      if (!add_certificate (cert_bag, extra, NULL, NULL, error))
        goto out;
    }
  ret = gnutls_pkcs12_bag_encrypt (cert_bag, password,
                                   legacy ? GNUTLS_PKCS_PKCS12_RC2_40 : GNUTLS_PKCS_PBES2_AES_256);
  if (ret < 0 || (ret = gnutls_pkcs12_set_bag (p12, cert_bag)) < 0)
    {
      ck_set_gnutls_error (error, ret, _("Cannot encrypt the certificates of the PKCS#12 file"));
      goto out;
    }

  key_datum.data = (unsigned char *) g_bytes_get_data (pkcs8, NULL);
  key_datum.size = (unsigned int) g_bytes_get_size (pkcs8);
  idx = gnutls_pkcs12_bag_set_data (key_bag, GNUTLS_BAG_PKCS8_ENCRYPTED_KEY, &key_datum);
  if (idx < 0
      || (ret = gnutls_pkcs12_bag_set_key_id (key_bag, idx, &key_id)) < 0
      || (name != NULL && (ret = gnutls_pkcs12_bag_set_friendly_name (key_bag, idx, name)) < 0)
      || (ret = gnutls_pkcs12_set_bag (p12, key_bag)) < 0)
    {
      ck_set_gnutls_error (error, idx < 0 ? idx : ret,
                           _("Cannot add the private key to the PKCS#12 file"));
      goto out;
    }

  ret = gnutls_pkcs12_generate_mac2 (p12, legacy ? GNUTLS_MAC_SHA1 : GNUTLS_MAC_SHA256,
                                     password);
  if (ret < 0)
    {
      ck_set_gnutls_error (error, ret, _("Cannot protect the PKCS#12 file"));
      goto out;
    }

  ret = gnutls_pkcs12_export2 (p12, GNUTLS_X509_FMT_DER, &out);
  if (ret < 0)
    {
      ck_set_gnutls_error (error, ret, _("Cannot write the PKCS#12 file"));
      goto out;
    }
  result = g_bytes_new (out.data, out.size);
  gnutls_free (out.data);

out:
  if (key_bag != NULL)
    gnutls_pkcs12_bag_deinit (key_bag);
  if (cert_bag != NULL)
    gnutls_pkcs12_bag_deinit (cert_bag);
  if (p12 != NULL)
    gnutls_pkcs12_deinit (p12);
  return result;
}
