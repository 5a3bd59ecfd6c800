/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ck-dn-attribute.h"
#include "ck-dn-attribute-private.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "ck-der-private.h"
#include "ck-error.h"
#include "ck-oid.h"
#include "ck-utils.h"

/* ASN.1 universal tags of the string types a DirectoryString can hold. */
enum {
  TAG_UTF8_STRING = 12,
  TAG_SEQUENCE = 16,
  TAG_SET = 17,
  TAG_NUMERIC_STRING = 18,
  TAG_PRINTABLE_STRING = 19,
  TAG_TELETEX_STRING = 20,
  TAG_IA5_STRING = 22,
  TAG_VISIBLE_STRING = 26,
  TAG_UNIVERSAL_STRING = 28,
  TAG_BMP_STRING = 30,
};

G_DEFINE_BOXED_TYPE (CkDnAttribute, ck_dn_attribute,
                     ck_dn_attribute_copy, ck_dn_attribute_free)

CkDnAttribute *
ck_dn_attribute_new (const char *oid,
                     const char *value,
                     guint       rdn_index)
{
  CkDnAttribute *attr;

  g_return_val_if_fail (oid != NULL, NULL);

  attr = g_new0 (CkDnAttribute, 1);
  attr->oid = g_strdup (oid);
  attr->value = g_strdup (value != NULL ? value : "");
  attr->rdn_index = rdn_index;
  return attr;
}

CkDnAttribute *
ck_dn_attribute_copy (const CkDnAttribute *attr)
{
  g_return_val_if_fail (attr != NULL, NULL);

  return ck_dn_attribute_new (attr->oid, attr->value, attr->rdn_index);
}

void
ck_dn_attribute_free (CkDnAttribute *attr)
{
  if (attr == NULL)
    return;

  g_free (attr->oid);
  g_free (attr->value);
  g_free (attr);
}

const char *
ck_dn_attribute_get_name (const CkDnAttribute *attr)
{
  const char *name;

  g_return_val_if_fail (attr != NULL, NULL);

  name = ck_oid_get_short_name (attr->oid);
  return name != NULL ? name : attr->oid;
}

/* RFC 4514 section 2.4: a value that is not a string is shown as '#' and
 * the hex of its whole BER encoding. GnuTLS hands us the tag number and the
 * contents, so put the identifier and length octets back. */
static char *
value_to_hex (const gnutls_x509_ava_st *ava)
{
  GByteArray *der = g_byte_array_sized_new (ava->value.size + 8);
  guint8 ident = (guint8) (ava->value_tag & 0x1f);
  g_autofree char *hex = NULL;

  if (ava->value_tag == TAG_SEQUENCE || ava->value_tag == TAG_SET)
    ident |= 0x20;
  ck_der_append_tlv (der, ident, ava->value.data, ava->value.size);

  hex = ck_hex_encode (der->data, der->len);
  g_byte_array_unref (der);
  return g_strconcat ("#", hex, NULL);
}

static char *
utf8_or_null (const guint8 *data,
              gsize         len)
{
  /* Embedded NULs would silently truncate the value everywhere it is shown
   * or stored; treat them like invalid UTF-8. */
  if (memchr (data, 0, len) != NULL || !g_utf8_validate_len ((const char *) data, len, NULL))
    return NULL;
  return g_strndup ((const char *) data, len);
}

static char *
ucs2_be_to_utf8 (const guint8 *data,
                 gsize         len)
{
  g_autofree gunichar2 *units = NULL;

  if (len % 2 != 0)
    return NULL;

  units = g_new (gunichar2, len / 2 + 1);
  for (gsize i = 0; i < len / 2; i++)
    {
      units[i] = (gunichar2) ((data[2 * i] << 8) | data[2 * i + 1]);
      if (units[i] == 0)
        return NULL;
    }

  return g_utf16_to_utf8 (units, (glong) (len / 2), NULL, NULL, NULL);
}

static char *
ucs4_be_to_utf8 (const guint8 *data,
                 gsize         len)
{
  g_autofree gunichar *chars = NULL;

  if (len % 4 != 0)
    return NULL;

  chars = g_new (gunichar, len / 4 + 1);
  for (gsize i = 0; i < len / 4; i++)
    {
      chars[i] = ((gunichar) data[4 * i] << 24) | ((gunichar) data[4 * i + 1] << 16) |
                 ((gunichar) data[4 * i + 2] << 8) | data[4 * i + 3];
      if (chars[i] == 0)
        return NULL;
    }
  return g_ucs4_to_utf8 (chars, (glong) (len / 4), NULL, NULL, NULL);
}

char *
ck_dn_ava_value_to_utf8 (const gnutls_x509_ava_st *ava,
                         gboolean                 *is_text)
{
  const guint8 *data = ava->value.data;
  gsize len = ava->value.size;
  char *text = NULL;

  if (is_text != NULL)
    *is_text = FALSE;

  if (len == 0)
    {
      if (ava->value_tag == TAG_UTF8_STRING || ava->value_tag == TAG_PRINTABLE_STRING ||
          ava->value_tag == TAG_IA5_STRING || ava->value_tag == TAG_TELETEX_STRING ||
          ava->value_tag == TAG_BMP_STRING || ava->value_tag == TAG_UNIVERSAL_STRING ||
          ava->value_tag == TAG_VISIBLE_STRING || ava->value_tag == TAG_NUMERIC_STRING)
        {
          if (is_text != NULL)
            *is_text = TRUE;
          return g_strdup ("");
        }
      return value_to_hex (ava);
    }

  switch (ava->value_tag)
    {
    case TAG_UTF8_STRING:
    case TAG_PRINTABLE_STRING:
    case TAG_IA5_STRING:
    case TAG_VISIBLE_STRING:
    case TAG_NUMERIC_STRING:
      text = utf8_or_null (data, len);
      break;

    case TAG_TELETEX_STRING:
      /* T.61 in theory; in practice CAs put ASCII, UTF-8 or Latin-1 in it. */
      text = utf8_or_null (data, len);
      if (text == NULL && memchr (data, 0, len) == NULL)
        text = g_convert ((const char *) data, len, "UTF-8", "ISO-8859-1", NULL, NULL, NULL);
      break;

    case TAG_BMP_STRING:
      text = ucs2_be_to_utf8 (data, len);
      break;

    case TAG_UNIVERSAL_STRING:
      text = ucs4_be_to_utf8 (data, len);
      break;

    default:
      break;
    }

  if (text == NULL)
    return value_to_hex (ava);
  if (is_text != NULL)
    *is_text = TRUE;
  return text;
}

GPtrArray *
ck_dn_attributes_from_dn (gnutls_x509_dn_t dn,
                          GError         **error)
{
  g_autoptr(GPtrArray) attrs = g_ptr_array_new_with_free_func ((GDestroyNotify) ck_dn_attribute_free);

  for (int irdn = 0; ; irdn++)
    {
      int iava;

      for (iava = 0; ; iava++)
        {
          gnutls_x509_ava_st ava;
          g_autofree char *oid = NULL;
          char *value;
          int ret;

          ret = gnutls_x509_dn_get_rdn_ava (dn, irdn, iava, &ava);
          if (ret == GNUTLS_E_ASN1_ELEMENT_NOT_FOUND)
            break;
          if (ret < 0)
            {
              ck_set_gnutls_error (error, ret, _("Cannot read attribute %d of name component %d"),
                                   iava + 1, irdn + 1);
              return NULL;
            }

          oid = g_strndup ((const char *) ava.oid.data, ava.oid.size);
          value = ck_dn_ava_value_to_utf8 (&ava, NULL);
          g_ptr_array_add (attrs, ck_dn_attribute_new (oid, value, (guint) irdn));
          g_free (value);
        }

      /* An RDN without attributes means we walked past the last one. */
      if (iava == 0)
        break;
    }

  return g_steal_pointer (&attrs);
}

GPtrArray *
ck_dn_parse_der (const gnutls_datum_t *der,
                 GError              **error)
{
  gnutls_x509_dn_t dn = NULL;
  GPtrArray *attrs;
  int ret;

  g_return_val_if_fail (der != NULL, NULL);

  ret = gnutls_x509_dn_init (&dn);
  if (ret < 0)
    {
      ck_set_gnutls_error (error, ret, _("Cannot parse the distinguished name"));
      return NULL;
    }

  ret = gnutls_x509_dn_import (dn, der);
  if (ret < 0)
    {
      gnutls_x509_dn_deinit (dn);
      ck_set_gnutls_error (error, ret, _("Not a valid distinguished name"));
      return NULL;
    }

  attrs = ck_dn_attributes_from_dn (dn, error);
  gnutls_x509_dn_deinit (dn);
  return attrs;
}

const char *
ck_dn_lookup (GPtrArray  *attrs,
              const char *oid)
{
  g_return_val_if_fail (attrs != NULL, NULL);
  g_return_val_if_fail (oid != NULL, NULL);

  for (guint i = 0; i < attrs->len; i++)
    {
      const CkDnAttribute *attr = g_ptr_array_index (attrs, i);

      if (strcmp (attr->oid, oid) == 0)
        return attr->value;
    }
  return NULL;
}
