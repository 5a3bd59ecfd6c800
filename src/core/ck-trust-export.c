/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Trust decisions written out for the rest of the system.
 *
 * Every certificate with at least one decision is written, and every
 * certificate of the store that shares a key with a distrusted one. What
 * it is trusted for comes from its own "trusted" rows; what it is
 * rejected for from distrust on it or on its key, as the verifier sees
 * it. A purpose both trusted and distrusted is rejected: an explicit "no"
 * wins. */
#include "ck-trust-export.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "ck-der-private.h"
#include "ck-error.h"
#include "ck-utils.h"

/* anyExtendedKeyUsage: how OpenSSL and p11-kit spell "every purpose". */
#define OID_ANY_EKU "2.5.29.37.0"
/* p11-kit's stapled extension listing rejected purposes (OpenSSL's
 * "reject" list, as trust/oid.h calls it). */
#define OID_P11_KIT_REJECT "1.3.6.1.4.1.3319.6.10.1"

typedef struct {
  CkCertificate *cert;
  GPtrArray *trusted;     /* OIDs */
  GPtrArray *rejected;    /* OIDs, OID_ANY_EKU for everything */
  gboolean distrusted_all;
} Entry;

static void
entry_free (Entry *entry)
{
  g_clear_object (&entry->cert);
  g_ptr_array_unref (entry->trusted);
  g_ptr_array_unref (entry->rejected);
  g_free (entry);
}

static void
add_unique (GPtrArray  *oids,
            const char *oid)
{
  for (guint i = 0; i < oids->len; i++)
    if (g_str_equal (oids->pdata[i], oid))
      return;
  g_ptr_array_add (oids, g_strdup (oid));
}

static int
compare_ids (gconstpointer a,
             gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;

  return (x > y) - (x < y);
}

/* element-type Entry, in certificate id order: every certificate with a
 * decision, and every certificate whose key is distrusted through
 * another one (so the consumer, which only knows certificates, blocks it
 * too). */
static GPtrArray *
collect (CkTrust  *trust,
         GError  **error)
{
  CkStore *store = ck_trust_get_store (trust);
  g_autoptr (GPtrArray) settings = ck_trust_list (trust, NULL, error);
  g_autoptr (GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  g_autoptr (GHashTable) seen = g_hash_table_new (g_int64_hash, g_int64_equal);
  g_autoptr (GArray) ids = g_array_new (FALSE, FALSE, sizeof (gint64));

  /* Never an export with the distrusts missing. */
  if (settings == NULL)
    return NULL;

  for (guint i = 0; i < settings->len; i++)
    {
      CkTrustSetting *s = settings->pdata[i];
      g_autoptr (GArray) same_key = NULL;

      /* 0: a distrust kept for a key, only its certificates below. */
      if (s->certificate_id != 0)
        g_array_append_val (ids, s->certificate_id);
      if (s->level == CK_TRUST_DISTRUSTED)
        {
          same_key = ck_store_find_certificates_for_key (store, s->spki_sha256);
          g_array_append_vals (ids, same_key->data, same_key->len);
        }
    }
  g_array_sort (ids, compare_ids);

  for (guint i = 0; i < ids->len; i++)
    {
      gint64 *id = &g_array_index (ids, gint64, i);
      g_autoptr (CkCertificate) cert = NULL;
      const char *sha256, *spki;
      Entry *entry;

      if (g_hash_table_contains (seen, id))
        continue;
      g_hash_table_add (seen, id);
      cert = ck_store_load_certificate (store, *id, error);
      if (cert == NULL)
        return NULL;
      sha256 = ck_certificate_get_sha256_fingerprint (cert);
      spki = ck_certificate_get_spki_sha256 (cert);

      entry = g_new0 (Entry, 1);
      entry->cert = g_steal_pointer (&cert);
      entry->trusted = g_ptr_array_new_with_free_func (g_free);
      entry->rejected = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (entries, entry);

      /* Rejected: every distrust on it or on its key. */
      for (guint k = 0; k < settings->len; k++)
        {
          CkTrustSetting *s = settings->pdata[k];

          if (s->level != CK_TRUST_DISTRUSTED ||
              (!g_str_equal (s->sha256, sha256) && !g_str_equal (s->spki_sha256, spki)))
            continue;
          if (g_str_equal (s->purpose, CK_PURPOSE_ALL))
            entry->distrusted_all = TRUE;
          else
            add_unique (entry->rejected, s->purpose);
        }
      if (entry->distrusted_all)
        {
          g_ptr_array_set_size (entry->rejected, 0);
          add_unique (entry->rejected, OID_ANY_EKU);
          continue;
        }
      /* Trusted: its own decisions, unless rejected. */
      for (guint k = 0; k < settings->len; k++)
        {
          CkTrustSetting *s = settings->pdata[k];
          gboolean rejected = FALSE;

          if (s->level != CK_TRUST_TRUSTED || !g_str_equal (s->sha256, sha256))
            continue;
          for (guint r = 0; r < entry->rejected->len; r++)
            rejected |= g_str_equal (entry->rejected->pdata[r], s->purpose);
          if (!rejected)
            add_unique (entry->trusted, s->purpose);
        }
    }
  return g_steal_pointer (&entries);
}

/* SEQUENCE OF OBJECT IDENTIFIER, with @tag (0x30, or 0xa0 for OpenSSL's
 * IMPLICIT [0]). */
static gboolean
der_append_oid_sequence (GByteArray *out,
                         guint8      tag,
                         GPtrArray  *oids)
{
  g_autoptr (GByteArray) body = g_byte_array_new ();

  for (guint i = 0; i < oids->len; i++)
    if (!ck_der_append_oid (body, oids->pdata[i]))
      return FALSE;
  ck_der_append_tlv (out, tag, body->data, body->len);
  return TRUE;
}

/* --- Formats ----------------------------------------------------------- */

static void
append_pem (GString      *out,
            const char   *label,
            const guint8 *der,
            gsize         len)
{
  g_autofree char *base64 = g_base64_encode (der, len);
  gsize total = strlen (base64);

  g_string_append_printf (out, "-----BEGIN %s-----\n", label);
  for (gsize i = 0; i < total; i += 64)
    {
      g_string_append_len (out, base64 + i, MIN (64, total - i));
      g_string_append_c (out, '\n');
    }
  g_string_append_printf (out, "-----END %s-----\n", label);
}

/* p11-kit's persist values: a quoted string where anything but plain
 * printable ASCII is %XX. */
static void
append_p11_string (GString      *out,
                   const guint8 *data,
                   gsize         len,
                   gboolean      encode_all)
{
  g_string_append_c (out, '"');
  for (gsize i = 0; i < len; i++)
    {
      guint8 c = data[i];

      if (!encode_all && g_ascii_isalnum (c))
        g_string_append_c (out, (char) c);
      else if (!encode_all && c != '"' && c != '%' && c != '\\' && c >= 0x20 && c < 0x7f)
        g_string_append_c (out, (char) c);
      else
        g_string_append_printf (out, "%%%02x", c);
    }
  g_string_append_c (out, '"');
}

/* A stapled certificate extension ("x-certificate-extension") holding an
 * ExtendedKeyUsage-shaped list of @oids under @extension_oid, attached
 * to the certificate's public key. */
static gboolean
append_p11_stapled (GString       *out,
                    CkCertificate *cert,
                    const char    *extension_oid,
                    GPtrArray     *oids)
{
  g_autoptr (GByteArray) syntax = g_byte_array_new ();
  g_autoptr (GByteArray) body = g_byte_array_new ();
  g_autoptr (GByteArray) extension = g_byte_array_new ();
  const char *name = ck_certificate_get_display_name (cert);
  GBytes *spki = ck_certificate_get_spki (cert);

  if (!der_append_oid_sequence (syntax, 0x30, oids) ||
      !ck_der_append_oid (body, extension_oid))
    return FALSE;
  ck_der_append_tlv (body, 0x04, syntax->data, syntax->len);
  ck_der_append_tlv (extension, 0x30, body->data, body->len);

  g_string_append (out, "[p11-kit-object-v1]\nclass: x-certificate-extension\nlabel: ");
  append_p11_string (out, (const guint8 *) name, strlen (name), FALSE);
  g_string_append_printf (out, "\nobject-id: %s\nvalue: ", extension_oid);
  append_p11_string (out, extension->data, extension->len, TRUE);
  g_string_append_c (out, '\n');
  append_pem (out, "PUBLIC KEY", g_bytes_get_data (spki, NULL), g_bytes_get_size (spki));
  g_string_append_c (out, '\n');
  return TRUE;
}

static gboolean
write_p11_kit (GString    *out,
               GPtrArray  *entries,
               GError    **error)
{
  g_string_append (out, "# Trust decisions exported by Certkeeper (p11-kit persist format).\n"
                        "# Purposes are stapled extended key usage extensions.\n\n");
  for (guint i = 0; i < entries->len; i++)
    {
      Entry *entry = entries->pdata[i];
      const char *name = ck_certificate_get_display_name (entry->cert);
      GBytes *der = ck_certificate_get_der (entry->cert);
      gboolean trusted = entry->trusted->len > 0 && !entry->distrusted_all;

      if (trusted && !append_p11_stapled (out, entry->cert, "2.5.29.37", entry->trusted))
        goto bad_oid;
      if (!entry->distrusted_all && entry->rejected->len > 0 &&
          !append_p11_stapled (out, entry->cert, OID_P11_KIT_REJECT, entry->rejected))
        goto bad_oid;

      g_string_append (out, "[p11-kit-object-v1]\nclass: certificate\n"
                            "certificate-type: x-509\nlabel: ");
      append_p11_string (out, (const guint8 *) name, strlen (name), FALSE);
      g_string_append_printf (out, "\ntrusted: %s\nx-distrusted: %s\n",
                              trusted ? "true" : "false",
                              entry->distrusted_all ? "true" : "false");
      append_pem (out, "CERTIFICATE", g_bytes_get_data (der, NULL), g_bytes_get_size (der));
      g_string_append_c (out, '\n');
      continue;

    bad_oid:
      g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                   _("%s: a purpose of its trust settings is not a valid OID"), name);
      return FALSE;
    }
  return TRUE;
}

/* X509_CERT_AUX ::= SEQUENCE {
 *   trust  SEQUENCE OF OBJECT IDENTIFIER OPTIONAL,
 *   reject [0] IMPLICIT SEQUENCE OF OBJECT IDENTIFIER OPTIONAL,
 *   alias  UTF8String OPTIONAL, ... }
 * after the certificate's DER, in one "TRUSTED CERTIFICATE" block, as
 * OpenSSL's PEM_write_X509_AUX() does. */
static gboolean
write_openssl (GString    *out,
               GPtrArray  *entries,
               GError    **error)
{
  for (guint i = 0; i < entries->len; i++)
    {
      Entry *entry = entries->pdata[i];
      const char *name = ck_certificate_get_display_name (entry->cert);
      GBytes *der = ck_certificate_get_der (entry->cert);
      g_autoptr (GByteArray) body = g_byte_array_new ();
      g_autoptr (GByteArray) block = g_byte_array_new ();

      if ((entry->trusted->len > 0 && !entry->distrusted_all &&
           !der_append_oid_sequence (body, 0x30, entry->trusted)) ||
          (entry->rejected->len > 0 &&
           !der_append_oid_sequence (body, 0xa0, entry->rejected)))
        {
          g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                       _("%s: a purpose of its trust settings is not a valid OID"), name);
          return FALSE;
        }
      ck_der_append_tlv (body, 0x0c, (const guint8 *) name, strlen (name));

      g_byte_array_append (block, g_bytes_get_data (der, NULL), g_bytes_get_size (der));
      ck_der_append_tlv (block, 0x30, body->data, body->len);
      g_string_append_printf (out, "# %s\n", name);
      append_pem (out, "TRUSTED CERTIFICATE", block->data, block->len);
    }
  return TRUE;
}

static void
write_pem_bundle (GString   *out,
                  GPtrArray *entries)
{
  for (guint i = 0; i < entries->len; i++)
    {
      Entry *entry = entries->pdata[i];
      g_autofree char *pem = NULL;

      /* Purposes cannot be expressed here: only certificates with no "no"
       * at all are anchors. */
      if (entry->trusted->len == 0 || entry->rejected->len > 0)
        continue;
      pem = ck_certificate_to_pem (entry->cert);
      g_string_append_printf (out, "# %s\n%s", ck_certificate_get_display_name (entry->cert),
                              pem);
    }
}

GBytes *
ck_trust_export (CkTrust              *trust,
                 CkTrustExportFormat   format,
                 GError              **error)
{
  g_autoptr (GPtrArray) entries = NULL;
  g_autoptr (GString) out = g_string_new (NULL);

  g_return_val_if_fail (CK_IS_TRUST (trust), NULL);

  entries = collect (trust, error);
  if (entries == NULL)
    return NULL;

  switch (format)
    {
    case CK_TRUST_EXPORT_P11_KIT:
      if (!write_p11_kit (out, entries, error))
        return NULL;
      break;
    case CK_TRUST_EXPORT_OPENSSL:
      if (!write_openssl (out, entries, error))
        return NULL;
      break;
    case CK_TRUST_EXPORT_PEM_BUNDLE:
      write_pem_bundle (out, entries);
      break;
    default:
      g_set_error (error, CK_ERROR, CK_ERROR_INVALID, _("Unknown trust export format %d"),
                   (int) format);
      return NULL;
    }
  return g_string_free_to_bytes (g_steal_pointer (&out));
}

gboolean
ck_trust_export_format_from_string (const char          *text,
                                    CkTrustExportFormat *format)
{
  g_return_val_if_fail (text != NULL && format != NULL, FALSE);

  if (g_ascii_strcasecmp (text, "p11-kit") == 0)
    *format = CK_TRUST_EXPORT_P11_KIT;
  else if (g_ascii_strcasecmp (text, "openssl") == 0)
    *format = CK_TRUST_EXPORT_OPENSSL;
  else if (g_ascii_strcasecmp (text, "pem") == 0)
    *format = CK_TRUST_EXPORT_PEM_BUNDLE;
  else
    return FALSE;
  return TRUE;
}
