/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ck-general-name.h"

#include <gio/gio.h>
#include <glib/gi18n-lib.h>
#include <gnutls/x509.h>
#include <gnutls/x509-ext.h>
#include <string.h>

#include "ck-der-private.h"
#include "ck-error.h"
#include "ck-oid.h"
#include "ck-utils.h"

#define CK_OID_UPN "1.3.6.1.4.1.311.20.2.3"

G_DEFINE_BOXED_TYPE (CkGeneralName, ck_general_name,
                     ck_general_name_copy, ck_general_name_free)

static const struct {
  CkGeneralNameKind kind;
  const char *name;
} kind_names[] = {
  { CK_GENERAL_NAME_DNS, "DNS" },
  { CK_GENERAL_NAME_IP, "IP" },
  { CK_GENERAL_NAME_EMAIL, "email" },
  { CK_GENERAL_NAME_URI, "URI" },
  { CK_GENERAL_NAME_DN, "DN" },
  { CK_GENERAL_NAME_UPN, "UPN" },
  { CK_GENERAL_NAME_OTHER, "otherName" },
  { CK_GENERAL_NAME_REGISTERED_ID, "RID" },
};

CkGeneralName *
ck_general_name_new (CkGeneralNameKind kind,
                     const char       *value,
                     const char       *other_oid)
{
  CkGeneralName *name = g_new0 (CkGeneralName, 1);

  name->kind = kind;
  name->value = g_strdup (value != NULL ? value : "");
  name->other_oid = g_strdup (other_oid);
  return name;
}

CkGeneralName *
ck_general_name_copy (const CkGeneralName *name)
{
  g_return_val_if_fail (name != NULL, NULL);

  return ck_general_name_new (name->kind, name->value, name->other_oid);
}

void
ck_general_name_free (CkGeneralName *name)
{
  if (name == NULL)
    return;

  g_free (name->value);
  g_free (name->other_oid);
  g_free (name);
}

const char *
ck_general_name_kind_get_display_name (CkGeneralNameKind kind)
{
  switch (kind)
    {
    case CK_GENERAL_NAME_DNS:
      return _("DNS name");
    case CK_GENERAL_NAME_IP:
      return _("IP address");
    case CK_GENERAL_NAME_EMAIL:
      return _("Email address");
    case CK_GENERAL_NAME_URI:
      return _("URI");
    case CK_GENERAL_NAME_DN:
      return _("Directory name");
    case CK_GENERAL_NAME_UPN:
      return _("User principal name");
    case CK_GENERAL_NAME_REGISTERED_ID:
      return _("Registered ID");
    case CK_GENERAL_NAME_OTHER:
    default:
      return _("Other name");
    }
}

const char *
ck_general_name_kind_to_string (CkGeneralNameKind kind)
{
  for (gsize i = 0; i < G_N_ELEMENTS (kind_names); i++)
    if (kind_names[i].kind == kind)
      return kind_names[i].name;
  return NULL;
}

gboolean
ck_general_name_kind_from_string (const char        *str,
                                  CkGeneralNameKind *kind)
{
  g_return_val_if_fail (str != NULL, FALSE);

  for (gsize i = 0; i < G_N_ELEMENTS (kind_names); i++)
    if (g_ascii_strcasecmp (kind_names[i].name, str) == 0)
      {
        if (kind != NULL)
          *kind = kind_names[i].kind;
        return TRUE;
      }
  return FALSE;
}

char *
ck_general_name_to_string (const CkGeneralName *name)
{
  g_return_val_if_fail (name != NULL, NULL);

  /* An unknown otherName needs its OID to mean anything. */
  if (name->kind == CK_GENERAL_NAME_OTHER)
    return g_strdup_printf ("otherName:%s:%s",
                            name->other_oid != NULL ? name->other_oid : "",
                            name->value);

  return g_strdup_printf ("%s:%s", ck_general_name_kind_to_string (name->kind), name->value);
}

static gboolean
has_space_or_control (const char *text)
{
  for (const char *p = text; *p; p++)
    if (g_ascii_isspace (*p) || g_ascii_iscntrl (*p))
      return TRUE;
  return FALSE;
}

static gboolean
validate_dn (const char  *text,
             GError     **error)
{
  gnutls_x509_crq_t crq = NULL;
  const char *err_pos = NULL;
  int ret;

  /* GnuTLS has no stand-alone RFC 4514 parser; setting it on a scratch
   * request runs the same one certtool uses. */
  ret = gnutls_x509_crq_init (&crq);
  if (ret >= 0)
    ret = gnutls_x509_crq_set_dn (crq, text, &err_pos);
  gnutls_x509_crq_deinit (crq);

  if (ret < 0)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                   _("“%s” is not a valid distinguished name near “%s”: %s"),
                   text, err_pos != NULL ? err_pos : text, gnutls_strerror (ret));
      return FALSE;
    }
  return TRUE;
}

CkGeneralName *
ck_general_name_parse (const char *text,
                       GError    **error)
{
  const char *colon;
  g_autofree char *prefix = NULL;
  g_autofree char *value = NULL;
  CkGeneralNameKind kind;

  g_return_val_if_fail (text != NULL, NULL);

  colon = strchr (text, ':');
  if (colon == NULL)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                   _("“%s” has no type; write it as DNS:name, IP:address, email:address, URI:uri or UPN:name"),
                   text);
      return NULL;
    }

  prefix = g_strstrip (g_strndup (text, colon - text));
  value = g_strstrip (g_strdup (colon + 1));

  if (!ck_general_name_kind_from_string (prefix, &kind))
    {
      g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                   _("Unknown alternative name type “%s” in “%s”"), prefix, text);
      return NULL;
    }

  if (*value == '\0')
    {
      g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                   _("“%s” has an empty value"), text);
      return NULL;
    }

  switch (kind)
    {
    case CK_GENERAL_NAME_IP:
      {
        g_autoptr(GInetAddress) addr = g_inet_address_new_from_string (value);

        if (addr == NULL)
          {
            g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                         _("“%s” is not an IPv4 or IPv6 address"), value);
            return NULL;
          }
        /* Canonical form, so "2001:DB8:0::1" and "2001:db8::1" compare equal. */
        g_free (value);
        value = g_inet_address_to_string (addr);
      }
      break;

    case CK_GENERAL_NAME_DNS:
    case CK_GENERAL_NAME_EMAIL:
    case CK_GENERAL_NAME_UPN:
      if (has_space_or_control (value))
        {
          g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                       _("“%s” must not contain spaces"), value);
          return NULL;
        }
      if (kind != CK_GENERAL_NAME_DNS &&
          (strchr (value, '@') == NULL || value[0] == '@' || g_str_has_suffix (value, "@")))
        {
          g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                       _("“%s” is not of the form user@domain"), value);
          return NULL;
        }
      if (kind == CK_GENERAL_NAME_DNS &&
          (value[0] == '.' || strstr (value, "..") != NULL || strchr (value, '@') != NULL))
        {
          g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                       _("“%s” is not a valid DNS name"), value);
          return NULL;
        }
      break;

    case CK_GENERAL_NAME_URI:
      if (!g_uri_is_valid (value, G_URI_FLAGS_NONE, NULL))
        {
          g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                       _("“%s” is not a valid absolute URI"), value);
          return NULL;
        }
      break;

    case CK_GENERAL_NAME_DN:
      if (!validate_dn (value, error))
        return NULL;
      break;

    case CK_GENERAL_NAME_REGISTERED_ID:
      if (!ck_oid_is_valid (value))
        {
          g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                       _("“%s” is not a dotted-decimal OID"), value);
          return NULL;
        }
      break;

    case CK_GENERAL_NAME_OTHER:
      {
        /* otherName:<oid>:<hex of the DER value> */
        char *sep = strchr (value, ':');
        g_autofree char *hex = NULL;

        if (sep == NULL)
          {
            g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                         _("“%s” must be written otherName:OID:hex"), text);
            return NULL;
          }
        *sep = '\0';
        hex = ck_hex_normalize (sep + 1);
        if (!ck_oid_is_valid (value) || hex == NULL || *hex == '\0' || strlen (hex) % 2 != 0)
          {
            g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                         _("“%s” must be written otherName:OID:hex"), text);
            return NULL;
          }
        if (strcmp (value, CK_OID_UPN) == 0)
          {
            g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                         _("Write a user principal name as UPN:user@domain"));
            return NULL;
          }
        return ck_general_name_new (CK_GENERAL_NAME_OTHER, hex, value);
      }
    }

  return ck_general_name_new (kind, value, kind == CK_GENERAL_NAME_UPN ? CK_OID_UPN : NULL);
}

/* IA5String names should be ASCII; never let bad bytes reach a label or the
 * search index. */
static char *
datum_to_text (const gnutls_datum_t *datum)
{
  char *text = g_utf8_make_valid ((const char *) datum->data, datum->size);

  /* "www.bank.example\0.evil.example" must not show as the bank. */
  if (memchr (datum->data, 0, datum->size) != NULL)
    {
      g_autofree char *hex = ck_hex_encode (datum->data, datum->size);
      g_free (text);
      text = g_strconcat ("#", hex, NULL);
    }
  return text;
}

CkGeneralName *
ck_general_name_new_from_gnutls (unsigned int          type,
                                 const gnutls_datum_t *san,
                                 const gnutls_datum_t *othername_oid)
{
  switch (type)
    {
    case GNUTLS_SAN_DNSNAME:
    case GNUTLS_SAN_RFC822NAME:
    case GNUTLS_SAN_URI:
      {
        g_autofree char *text = datum_to_text (san);
        CkGeneralNameKind kind = type == GNUTLS_SAN_DNSNAME ? CK_GENERAL_NAME_DNS :
                                 type == GNUTLS_SAN_URI ? CK_GENERAL_NAME_URI :
                                 CK_GENERAL_NAME_EMAIL;
        return ck_general_name_new (kind, text, NULL);
      }

    case GNUTLS_SAN_IPADDRESS:
      if (san->size == 4 || san->size == 16)
        {
          g_autoptr(GInetAddress) addr =
            g_inet_address_new_from_bytes (san->data, san->size == 4 ? G_SOCKET_FAMILY_IPV4
                                                                     : G_SOCKET_FAMILY_IPV6);
          g_autofree char *text = g_inet_address_to_string (addr);
          return ck_general_name_new (CK_GENERAL_NAME_IP, text, NULL);
        }
      else
        {
          /* Not an address (a name constraint's address+mask, or junk). */
          g_autofree char *hex = ck_hex_encode (san->data, san->size);
          g_autofree char *text = g_strconcat ("#", hex, NULL);
          return ck_general_name_new (CK_GENERAL_NAME_IP, text, NULL);
        }

    case GNUTLS_SAN_DN:
      {
        gnutls_x509_dn_t dn = NULL;
        gnutls_datum_t str = { NULL, 0 };
        CkGeneralName *name = NULL;

        if (gnutls_x509_dn_init (&dn) >= 0 &&
            gnutls_x509_dn_import (dn, san) >= 0 &&
            gnutls_x509_dn_get_str2 (dn, &str, 0) >= 0)
          {
            g_autofree char *text = datum_to_text (&str);
            name = ck_general_name_new (CK_GENERAL_NAME_DN, text, NULL);
          }
        else
          {
            g_autofree char *hex = ck_hex_encode (san->data, san->size);
            g_autofree char *text = g_strconcat ("#", hex, NULL);
            name = ck_general_name_new (CK_GENERAL_NAME_DN, text, NULL);
          }
        gnutls_free (str.data);
        if (dn != NULL)
          gnutls_x509_dn_deinit (dn);
        return name;
      }

    case GNUTLS_SAN_REGISTERED_ID:
      {
        g_autofree char *text = datum_to_text (san);
        return ck_general_name_new (CK_GENERAL_NAME_REGISTERED_ID, text, NULL);
      }

    case GNUTLS_SAN_OTHERNAME:
      if (othername_oid == NULL || othername_oid->data == NULL)
        return NULL;
      {
        g_autofree char *oid = g_strndup ((const char *) othername_oid->data, othername_oid->size);

        if (strcmp (oid, CK_OID_UPN) == 0)
          {
            gnutls_datum_t virt = { NULL, 0 };
            unsigned int virt_type;

            if (gnutls_x509_othername_to_virtual (oid, san, &virt_type, &virt) >= 0)
              {
                g_autofree char *text = datum_to_text (&virt);
                gnutls_free (virt.data);
                return ck_general_name_new (CK_GENERAL_NAME_UPN, text, oid);
              }
            /* A UPN that is not a UTF8String: keep it, as an opaque one. */
          }

        {
          g_autofree char *hex = ck_hex_encode (san->data, san->size);
          return ck_general_name_new (CK_GENERAL_NAME_OTHER, hex, oid);
        }
      }

    default:
      return NULL;
    }
}

/* The reference decoder: libtasn1 through GnuTLS. */
static GPtrArray *
general_names_from_der_gnutls (const gnutls_datum_t *der,
                               GError              **error)
{
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func ((GDestroyNotify) ck_general_name_free);
  gnutls_subject_alt_names_t sans = NULL;
  int ret;

  ret = gnutls_subject_alt_names_init (&sans);
  if (ret >= 0)
    ret = gnutls_x509_ext_import_subject_alt_names (der, sans, 0);
  if (ret < 0)
    {
      if (sans != NULL)
        gnutls_subject_alt_names_deinit (sans);
      ck_set_gnutls_error (error, ret, _("Cannot decode the alternative names"));
      return NULL;
    }

  for (unsigned int i = 0; ; i++)
    {
      gnutls_datum_t san = { NULL, 0 };
      gnutls_datum_t oid = { NULL, 0 };
      unsigned int type;
      CkGeneralName *name;

      ret = gnutls_subject_alt_names_get (sans, i, &type, &san, &oid);
      if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
        break;
      if (ret < 0)
        {
          gnutls_subject_alt_names_deinit (sans);
          ck_set_gnutls_error (error, ret, _("Cannot decode alternative name %u"), i + 1);
          return NULL;
        }

      /* x400Address and ediPartyName: nothing anyone can use. */
      name = ck_general_name_new_from_gnutls (type, &san, &oid);
      if (name != NULL)
        g_ptr_array_add (names, name);
    }

  gnutls_subject_alt_names_deinit (sans);
  return g_steal_pointer (&names);
}

/* The same decoding straight from the DER: this runs for every certificate
 * imported, and building a libtasn1 tree for it costs more than parsing the
 * whole certificate. Returns FALSE on anything unusual, and the caller then
 * asks GnuTLS, so both give the same answers. */
static gboolean
general_names_from_der_fast (const gnutls_datum_t *der,
                             GPtrArray            *names)
{
  const guint8 *pos = der->data, *end = der->data + der->size;
  CkDerTlv seq;

  if (!ck_der_read (&pos, end, &seq) || seq.tag != 0x30 || pos != end)
    return FALSE;

  pos = seq.data;
  end = seq.data + seq.len;
  while (pos < end)
    {
      CkDerTlv gn;
      gnutls_datum_t value;
      CkGeneralName *name = NULL;

      if (!ck_der_read (&pos, end, &gn))
        return FALSE;
      value.data = (unsigned char *) gn.data;
      value.size = (unsigned int) gn.len;

      switch (gn.tag)
        {
        case 0x81:  /* [1] rfc822Name */
          name = ck_general_name_new_from_gnutls (GNUTLS_SAN_RFC822NAME, &value, NULL);
          break;
        case 0x82:  /* [2] dNSName */
          name = ck_general_name_new_from_gnutls (GNUTLS_SAN_DNSNAME, &value, NULL);
          break;
        case 0x86:  /* [6] uniformResourceIdentifier */
          name = ck_general_name_new_from_gnutls (GNUTLS_SAN_URI, &value, NULL);
          break;
        case 0x87:  /* [7] iPAddress */
          name = ck_general_name_new_from_gnutls (GNUTLS_SAN_IPADDRESS, &value, NULL);
          break;
        case 0x88:  /* [8] registeredID */
          {
            g_autofree char *oid = ck_der_oid_to_string (gn.data, gn.len);

            if (!ck_oid_is_valid (oid))
              return FALSE;
            name = ck_general_name_new (CK_GENERAL_NAME_REGISTERED_ID, oid, NULL);
          }
          break;
        case 0xa0:  /* [0] otherName: type-id OID, [0] EXPLICIT value */
          {
            const guint8 *p = gn.data, *e = gn.data + gn.len;
            CkDerTlv oid_tlv, explicit, inner;
            g_autofree char *oid = NULL;

            if (!ck_der_read (&p, e, &oid_tlv) || oid_tlv.tag != 0x06 ||
                !ck_der_read (&p, e, &explicit) || explicit.tag != 0xa0 || p != e)
              return FALSE;
            oid = ck_der_oid_to_string (oid_tlv.data, oid_tlv.len);
            p = explicit.data;
            e = explicit.data + explicit.len;
            if (!ck_oid_is_valid (oid) || !ck_der_read (&p, e, &inner) || p != e)
              return FALSE;

            if (strcmp (oid, CK_OID_UPN) == 0 && inner.tag == 0x0c)
              {
                gnutls_datum_t text = { (unsigned char *) inner.data, (unsigned int) inner.len };
                g_autofree char *upn = datum_to_text (&text);
                name = ck_general_name_new (CK_GENERAL_NAME_UPN, upn, oid);
              }
            else
              {
                g_autofree char *hex = ck_hex_encode (inner.start, inner.data + inner.len - inner.start);
                name = ck_general_name_new (CK_GENERAL_NAME_OTHER, hex, oid);
              }
          }
          break;
        case 0xa4:  /* [4] directoryName: EXPLICIT Name */
          {
            const guint8 *p = gn.data, *e = gn.data + gn.len;
            CkDerTlv dn;
            gnutls_datum_t dn_der;

            if (!ck_der_read (&p, e, &dn) || dn.tag != 0x30 || p != e)
              return FALSE;
            dn_der.data = (unsigned char *) dn.start;
            dn_der.size = (unsigned int) (dn.data + dn.len - dn.start);
            name = ck_general_name_new_from_gnutls (GNUTLS_SAN_DN, &dn_der, NULL);
          }
          break;
        case 0xa3:  /* [3] x400Address, [5] ediPartyName: nothing anyone can use */
        case 0xa5:
          break;
        default:
          return FALSE;
        }

      if (name != NULL)
        g_ptr_array_add (names, name);
    }
  return TRUE;
}

GPtrArray *
ck_general_names_from_der (const gnutls_datum_t *der,
                           GError              **error)
{
  GPtrArray *names;

  g_return_val_if_fail (der != NULL, NULL);

  names = g_ptr_array_new_with_free_func ((GDestroyNotify) ck_general_name_free);
  if (general_names_from_der_fast (der, names))
    return names;

  g_ptr_array_unref (names);
  return general_names_from_der_gnutls (der, error);
}
