/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* A minimal DER reader for the hot path of certificate import: walking a
 * structure GnuTLS has already accepted is several times cheaper than
 * asking libtasn1 for each field by name. Every read is bounds-checked;
 * callers fall back to GnuTLS when a read fails. */

#include <glib.h>
#include <string.h>

G_BEGIN_DECLS

typedef struct {
  guint8        tag;     /* the identifier octet (class, constructed, number) */
  const guint8 *data;    /* contents */
  gsize         len;
  const guint8 *start;   /* identifier octet: start..data+len is the element */
} CkDerTlv;

/* Reads the element at *@pos (not beyond @end) and moves *@pos past it.
 * Only single-octet tags and definite lengths (DER). */
static inline gboolean
ck_der_read (const guint8 **pos,
             const guint8  *end,
             CkDerTlv      *tlv)
{
  const guint8 *p = *pos;
  gsize len;

  if (p == NULL || p >= end || end - p < 2 || (p[0] & 0x1f) == 0x1f)
    return FALSE;

  tlv->start = p;
  tlv->tag = p[0];
  len = p[1];
  p += 2;
  if (len & 0x80)
    {
      guint n = len & 0x7f;

      if (n == 0 || n > 4 || (gsize) (end - p) < n)
        return FALSE;
      len = 0;
      for (guint i = 0; i < n; i++)
        len = (len << 8) | *p++;
    }
  if ((gsize) (end - p) < len)
    return FALSE;

  tlv->data = p;
  tlv->len = len;
  *pos = p + len;
  return TRUE;
}

/* Appends DER length octets for @len. */
static inline void
ck_der_append_length (GByteArray *out,
                      gsize       len)
{
  guint8 buf[9];
  int n = 0;

  if (len < 0x80)
    {
      buf[0] = (guint8) len;
      g_byte_array_append (out, buf, 1);
      return;
    }
  for (gsize l = len; l > 0; l >>= 8)
    n++;
  buf[0] = 0x80 | n;
  for (int i = 0; i < n; i++)
    buf[n - i] = (guint8) (len >> (8 * i));
  g_byte_array_append (out, buf, n + 1);
}

/* Appends a whole element: @tag, length, @len octets of @data. */
static inline void
ck_der_append_tlv (GByteArray   *out,
                   guint8        tag,
                   const guint8 *data,
                   gsize         len)
{
  g_byte_array_append (out, &tag, 1);
  ck_der_append_length (out, len);
  if (len > 0)
    g_byte_array_append (out, data, len);
}

/* TRUE when the OBJECT IDENTIFIER contents @data equal the DER of @der_oid
 * (the contents octets, as a string literal). */
#define CK_DER_OID_IS(data, len, der_oid) \
  ((len) == sizeof (der_oid) - 1 && memcmp ((data), (der_oid), sizeof (der_oid) - 1) == 0)

G_END_DECLS
