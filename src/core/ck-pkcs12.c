/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ck-pkcs12.h"

#include <glib/gi18n-lib.h>
#include <gnutls/gnutls.h>
#include <gnutls/pkcs12.h>

#include "ck-error.h"
#include "ck-utils.h"

#define OID_PBMAC1 "1.2.840.113549.1.5.14"

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

/* Decrypts and flattens the bags: every SafeBag in order. */
static gboolean
pkcs12_collect_bags (gnutls_pkcs12_t p12,
                     const char     *password,
                     gboolean        has_mac,
                     GPtrArray      *bags,
                     GError        **error)
{
  for (int i = 0; ; i++)
    {
      gnutls_pkcs12_bag_t bag = NULL;
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
          unsigned int schema = 0, cipher = 0, salt_size = 0, iter = 0;
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
          g_ptr_array_add (bags, safe);
        }
      gnutls_pkcs12_bag_deinit (bag);
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
  if (!pkcs12_collect_bags (p12, password, *has_mac, bags, error))
    goto fail;

  gnutls_pkcs12_deinit (p12);
  return g_steal_pointer (&bags);

fail:
  gnutls_pkcs12_deinit (p12);
  return NULL;
}
