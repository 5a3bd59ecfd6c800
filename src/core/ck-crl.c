/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ck-crl.h"

#include <glib/gi18n-lib.h>
#include <gnutls/gnutls.h>
#include <string.h>

#include "ck-der-private.h"
#include "ck-dn-attribute.h"
#include "ck-error.h"
#include "ck-utils.h"

struct _CkCrl
{
  GObject parent_instance;

  gnutls_x509_crl_t crl;
  GBytes *der;
  char *sha256;
  char *issuer;
  char *display_name;
  char *aki;
  char *number;
  gint64 this_update;
  gint64 next_update;
  GPtrArray *entries;
  GHashTable *by_serial;     /* serial → CkCrlEntry, owned by entries */
};

G_DEFINE_FINAL_TYPE (CkCrl, ck_crl, G_TYPE_OBJECT)

void
ck_crl_entry_free (CkCrlEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->serial);
  g_free (entry);
}

static void
ck_crl_finalize (GObject *object)
{
  CkCrl *self = CK_CRL (object);

  if (self->crl != NULL)
    gnutls_x509_crl_deinit (self->crl);
  g_clear_pointer (&self->der, g_bytes_unref);
  g_free (self->sha256);
  g_free (self->issuer);
  g_free (self->display_name);
  g_free (self->aki);
  g_free (self->number);
  g_clear_pointer (&self->by_serial, g_hash_table_unref);
  g_clear_pointer (&self->entries, g_ptr_array_unref);
  G_OBJECT_CLASS (ck_crl_parent_class)->finalize (object);
}

static void
ck_crl_class_init (CkCrlClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ck_crl_finalize;
}

static void
ck_crl_init (CkCrl *self)
{
  self->entries = g_ptr_array_new_with_free_func ((GDestroyNotify) ck_crl_entry_free);
  self->by_serial = g_hash_table_new (g_str_hash, g_str_equal);
}

/* Hex of an unsigned big-endian number without its leading zero octets. */
static char *
number_hex (const guint8 *data,
            gsize         len)
{
  char *hex;
  const char *p;

  while (len > 1 && data[0] == 0)
    {
      data++;
      len--;
    }
  hex = ck_hex_encode (data, len);
  /* One octet 0x0f is "f", not "0f": numbers compare by length. */
  p = hex;
  while (p[0] == '0' && p[1] != '\0')
    p++;
  if (p != hex)
    memmove (hex, p, strlen (p) + 1);
  return hex;
}

/* The reason codes of the entries, by serial: walks the tbsCertList GnuTLS
 * has accepted (RFC 5280 5.1): version?, signature, issuer, thisUpdate,
 * nextUpdate?, revokedCertificates? { userCertificate, revocationDate,
 * crlEntryExtensions? }. A structure it does not follow leaves reasons
 * unknown (-1) rather than failing: GnuTLS has read the entries. */
static void
read_reasons (GBytes     *der,
              GHashTable *reasons)
{
  static const guint8 reason_oid[] = { 0x55, 0x1d, 0x15 };   /* 2.5.29.21 */
  gsize size;
  const guint8 *data = g_bytes_get_data (der, &size);
  const guint8 *pos = data, *end = data + size;
  CkDerTlv list, tbs, tlv;

  if (!ck_der_read (&pos, end, &list) || list.tag != 0x30)
    return;
  pos = list.data;
  end = list.data + list.len;
  if (!ck_der_read (&pos, end, &tbs) || tbs.tag != 0x30)
    return;
  pos = tbs.data;
  end = tbs.data + tbs.len;
  if (!ck_der_read (&pos, end, &tlv))
    return;
  if (tlv.tag == 0x02 && !ck_der_read (&pos, end, &tlv))     /* version → signature */
    return;
  if (!ck_der_read (&pos, end, &tlv) ||                      /* issuer */
      !ck_der_read (&pos, end, &tlv))                        /* thisUpdate */
    return;
  if (!ck_der_read (&pos, end, &tlv))
    return;
  if ((tlv.tag == 0x17 || tlv.tag == 0x18) && !ck_der_read (&pos, end, &tlv))
    return;
  if (tlv.tag != 0x30)
    return;

  for (const guint8 *e = tlv.data; e < tlv.data + tlv.len;)
    {
      CkDerTlv entry, serial, date, exts;
      const guint8 *p;

      if (!ck_der_read (&e, tlv.data + tlv.len, &entry) || entry.tag != 0x30)
        return;
      p = entry.data;
      if (!ck_der_read (&p, entry.data + entry.len, &serial) || serial.tag != 0x02 ||
          !ck_der_read (&p, entry.data + entry.len, &date))
        return;
      if (p >= entry.data + entry.len)
        continue;
      if (!ck_der_read (&p, entry.data + entry.len, &exts) || exts.tag != 0x30)
        return;
      for (const guint8 *x = exts.data; x < exts.data + exts.len;)
        {
          CkDerTlv ext, oid, value, enumerated;
          const guint8 *q, *v;

          if (!ck_der_read (&x, exts.data + exts.len, &ext) || ext.tag != 0x30)
            return;
          q = ext.data;
          if (!ck_der_read (&q, ext.data + ext.len, &oid) || oid.tag != 0x06 ||
              !ck_der_read (&q, ext.data + ext.len, &value))
            return;
          if (value.tag == 0x01 && !ck_der_read (&q, ext.data + ext.len, &value))
            return;
          if (oid.len != sizeof reason_oid || memcmp (oid.data, reason_oid, oid.len) != 0 ||
              value.tag != 0x04)
            continue;
          v = value.data;
          if (ck_der_read (&v, value.data + value.len, &enumerated) &&
              enumerated.tag == 0x0a && enumerated.len == 1)
            g_hash_table_insert (reasons, ck_hex_encode (serial.data, serial.len),
                                 GINT_TO_POINTER (enumerated.data[0] + 1));
        }
    }
}

char *
ck_crl_normalize_serial (const char *hex)
{
  gsize len = strlen (hex);

  /* "00" followed by an octet below 0x80 is one zero too many. */
  while (len >= 4 && hex[0] == '0' && hex[1] == '0' && g_ascii_xdigit_value (hex[2]) < 8)
    {
      hex += 2;
      len -= 2;
    }
  return g_ascii_strdown (hex, len);
}

CkCrl *
ck_crl_new_from_der (GBytes  *der,
                     GError **error)
{
  g_autoptr (CkCrl) self = g_object_new (CK_TYPE_CRL, NULL);
  g_autoptr (GHashTable) reasons = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gnutls_x509_crl_iter_t iter = NULL;
  gnutls_datum_t datum, dn = { NULL, 0 };
  guint8 buf[64];
  size_t buf_size = sizeof buf;
  unsigned int critical;
  gsize size;
  time_t t;
  int ret;

  g_return_val_if_fail (der != NULL, NULL);

  datum.data = (unsigned char *) g_bytes_get_data (der, &size);
  datum.size = size;
  if (size == 0 || size > G_MAXUINT ||
      (ret = gnutls_x509_crl_init (&self->crl)) < 0 ||
      (ret = gnutls_x509_crl_import (self->crl, &datum, GNUTLS_X509_FMT_DER)) < 0)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_PARSE, _("Not a certificate revocation list"));
      return NULL;
    }
  self->der = g_bytes_ref (der);
  self->sha256 = ck_sha256_hex (datum.data, size);

  if (gnutls_x509_crl_get_issuer_dn3 (self->crl, &dn, 0) < 0)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_PARSE, _("The CRL's issuer cannot be read"));
      return NULL;
    }
  self->issuer = g_strndup ((const char *) dn.data, dn.size);
  gnutls_free (dn.data);
  if (gnutls_x509_crl_get_raw_issuer_dn (self->crl, &dn) >= 0)
    {
      g_autoptr (GPtrArray) attrs = ck_dn_parse_der (&dn, NULL);
      const char *cn = attrs != NULL ? ck_dn_lookup (attrs, "2.5.4.3") : NULL;

      /* Translators: the name of the CA that issued a revocation list */
      self->display_name = g_strdup_printf (_("CRL of %s"), cn != NULL ? cn : self->issuer);
      gnutls_free (dn.data);
    }
  else
    self->display_name = g_strdup_printf (_("CRL of %s"), self->issuer);

  t = gnutls_x509_crl_get_this_update (self->crl);
  if (t == (time_t) -1)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_PARSE, _("The CRL has no valid thisUpdate"));
      return NULL;
    }
  self->this_update = t;
  t = gnutls_x509_crl_get_next_update (self->crl);
  self->next_update = t == (time_t) -1 ? 0 : t;

  if (gnutls_x509_crl_get_authority_key_id (self->crl, buf, &buf_size, &critical) >= 0)
    self->aki = ck_hex_encode (buf, buf_size);
  buf_size = sizeof buf;
  if (gnutls_x509_crl_get_number (self->crl, buf, &buf_size, &critical) >= 0 && buf_size > 0)
    self->number = number_hex (buf, buf_size);

  read_reasons (der, reasons);
  for (;;)
    {
      gnutls_datum_t serial = { NULL, 0 };
      guint8 serial_buf[64];
      size_t serial_size = sizeof serial_buf;
      time_t when;
      CkCrlEntry *entry;
      gpointer reason;

      ret = gnutls_x509_crl_iter_crt_serial (self->crl, &iter, serial_buf, &serial_size, &when);
      if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
        break;
      if (ret < 0)
        {
          gnutls_x509_crl_iter_deinit (iter);
          ck_set_gnutls_error (error, ret, _("An entry of the CRL cannot be read"));
          return NULL;
        }
      serial.data = serial_buf;
      serial.size = serial_size;
      entry = g_new0 (CkCrlEntry, 1);
      {
        g_autofree char *raw = ck_hex_encode (serial.data, serial.size);

        reason = g_hash_table_lookup (reasons, raw);
        entry->serial = ck_crl_normalize_serial (raw);
      }
      entry->revoked_at = when;
      entry->reason = reason != NULL ? GPOINTER_TO_INT (reason) - 1 : -1;
      g_ptr_array_add (self->entries, entry);
      g_hash_table_insert (self->by_serial, entry->serial, entry);
    }
  gnutls_x509_crl_iter_deinit (iter);
  return g_steal_pointer (&self);
}

GBytes *
ck_crl_get_der (CkCrl *self)
{
  g_return_val_if_fail (CK_IS_CRL (self), NULL);
  return self->der;
}

gnutls_x509_crl_t
ck_crl_get_crl (CkCrl *self)
{
  g_return_val_if_fail (CK_IS_CRL (self), NULL);
  return self->crl;
}

const char *
ck_crl_get_sha256 (CkCrl *self)
{
  g_return_val_if_fail (CK_IS_CRL (self), NULL);
  return self->sha256;
}

const char *
ck_crl_get_issuer (CkCrl *self)
{
  g_return_val_if_fail (CK_IS_CRL (self), NULL);
  return self->issuer;
}

const char *
ck_crl_get_display_name (CkCrl *self)
{
  g_return_val_if_fail (CK_IS_CRL (self), NULL);
  return self->display_name;
}

const char *
ck_crl_get_authority_key_id (CkCrl *self)
{
  g_return_val_if_fail (CK_IS_CRL (self), NULL);
  return self->aki;
}

gint64
ck_crl_get_this_update (CkCrl *self)
{
  g_return_val_if_fail (CK_IS_CRL (self), 0);
  return self->this_update;
}

gint64
ck_crl_get_next_update (CkCrl *self)
{
  g_return_val_if_fail (CK_IS_CRL (self), 0);
  return self->next_update;
}

const char *
ck_crl_get_number (CkCrl *self)
{
  g_return_val_if_fail (CK_IS_CRL (self), NULL);
  return self->number;
}

GPtrArray *
ck_crl_get_entries (CkCrl *self)
{
  g_return_val_if_fail (CK_IS_CRL (self), NULL);
  return self->entries;
}

const CkCrlEntry *
ck_crl_find_entry (CkCrl      *self,
                   const char *serial)
{
  g_autofree char *normal = NULL;

  g_return_val_if_fail (CK_IS_CRL (self), NULL);

  if (serial == NULL)
    return NULL;
  normal = ck_crl_normalize_serial (serial);
  return g_hash_table_lookup (self->by_serial, normal);
}

gboolean
ck_crl_verify (CkCrl         *self,
               CkCertificate *issuer,
               GError       **error)
{
  gnutls_x509_crt_t crt;
  unsigned int status = 0;
  int ret;

  g_return_val_if_fail (CK_IS_CRL (self), FALSE);
  g_return_val_if_fail (CK_IS_CERTIFICATE (issuer), FALSE);

  crt = ck_certificate_get_crt (issuer);
  if (!gnutls_x509_crl_check_issuer (self->crl, crt))
    {
      g_set_error (error, CK_ERROR, CK_ERROR_MISMATCH,
                   _("%s was not issued by %s: the names differ"),
                   self->display_name, ck_certificate_get_display_name (issuer));
      return FALSE;
    }
  ret = gnutls_x509_crl_verify (self->crl, &crt, 1, 0, &status);
  if (ret < 0)
    {
      ck_set_gnutls_error (error, ret, _("The signature of %s cannot be checked"),
                           self->display_name);
      return FALSE;
    }
  /* The dates say how fresh the list is, not whether it is genuine. */
  status &= ~(GNUTLS_CERT_REVOCATION_DATA_SUPERSEDED |
              GNUTLS_CERT_REVOCATION_DATA_ISSUED_IN_FUTURE);
  /* GnuTLS adds INVALID to any reason, the dates included. */
  if ((status & ~GNUTLS_CERT_INVALID) == 0)
    status = 0;
  if (status != 0)
    {
      gnutls_datum_t out = { NULL, 0 };
      g_autofree char *why = NULL;

      if (gnutls_certificate_verification_status_print (status, GNUTLS_CRT_X509, &out, 0) >= 0)
        {
          why = g_strchomp (g_strndup ((const char *) out.data, out.size));
          gnutls_free (out.data);
        }
      g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                   /* Translators: the CRL's name, the issuer's name, then GnuTLS's reason */
                   _("The signature of %s does not verify with the key of %s (%s)"),
                   self->display_name, ck_certificate_get_display_name (issuer),
                   why != NULL ? why : _("rejected"));
      return FALSE;
    }
  return TRUE;
}

int
ck_crl_compare_figures (const char *number_a,
                        gint64      this_update_a,
                        const char *number_b,
                        gint64      this_update_b)
{
  if (number_a != NULL && number_b != NULL)
    {
      gsize la = strlen (number_a), lb = strlen (number_b);
      int c = la != lb ? (la > lb ? 1 : -1) : strcmp (number_a, number_b);

      if (c != 0)
        return c > 0 ? 1 : -1;
    }
  if (this_update_a != this_update_b)
    return this_update_a > this_update_b ? 1 : -1;
  return 0;
}

int
ck_crl_compare_age (CkCrl *self,
                    CkCrl *other)
{
  g_return_val_if_fail (CK_IS_CRL (self) && CK_IS_CRL (other), 0);
  return ck_crl_compare_figures (self->number, self->this_update,
                                 other->number, other->this_update);
}

static gboolean
is_http_url (const char *url)
{
  return g_ascii_strncasecmp (url, "http://", 7) == 0 ||
         g_ascii_strncasecmp (url, "https://", 8) == 0;
}

GStrv
ck_crl_urls_of_certificate (CkCertificate *cert)
{
  g_autoptr (GStrvBuilder) urls = g_strv_builder_new ();

  g_return_val_if_fail (CK_IS_CERTIFICATE (cert), NULL);

  for (unsigned int seq = 0;; seq++)
    {
      char buf[2048];
      size_t size = sizeof buf - 1;
      unsigned int reasons, critical;
      int type;

      type = gnutls_x509_crt_get_crl_dist_points (ck_certificate_get_crt (cert), seq, buf, &size,
                                                  &reasons, &critical);
      if (type == GNUTLS_E_SHORT_MEMORY_BUFFER)
        continue;                       /* a URL too long to be one we fetch */
      if (type < 0)
        break;
      buf[size] = '\0';
      if (type == GNUTLS_SAN_URI && strlen (buf) == size && is_http_url (buf))
        g_strv_builder_add (urls, buf);
    }
  return g_strv_builder_end (urls);
}

GStrv
ck_aia_urls_of_certificate (CkCertificate *cert,
                            const char    *method_oid)
{
  g_autoptr (GStrvBuilder) urls = g_strv_builder_new ();

  g_return_val_if_fail (CK_IS_CERTIFICATE (cert), NULL);

  for (unsigned int seq = 0;; seq++)
    {
      gnutls_datum_t method = { NULL, 0 }, location = { NULL, 0 };
      unsigned int critical;
      int ret;

      ret = gnutls_x509_crt_get_authority_info_access (ck_certificate_get_crt (cert), seq,
                                                       GNUTLS_IA_ACCESSMETHOD_OID,
                                                       &method, &critical);
      if (ret < 0)
        break;
      /* GnuTLS may count a terminating NUL in the OID's size. */
      if (method.size >= strlen (method_oid) &&
          memcmp (method.data, method_oid, strlen (method_oid)) == 0 &&
          (method.size == strlen (method_oid) || method.data[strlen (method_oid)] == '\0') &&
          gnutls_x509_crt_get_authority_info_access (ck_certificate_get_crt (cert), seq,
                                                     GNUTLS_IA_URI, &location,
                                                     &critical) >= 0)
        {
          g_autofree char *url = g_strndup ((const char *) location.data, location.size);

          if (is_http_url (url))
            g_strv_builder_add (urls, url);
          gnutls_free (location.data);
        }
      gnutls_free (method.data);
    }
  return g_strv_builder_end (urls);
}
