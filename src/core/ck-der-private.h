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

/* TRUE when the OBJECT IDENTIFIER contents @data equal the DER of @der_oid
 * (the contents octets, as a string literal). */
#define CK_DER_OID_IS(data, len, der_oid) \
  ((len) == sizeof (der_oid) - 1 && memcmp ((data), (der_oid), sizeof (der_oid) - 1) == 0)

G_END_DECLS
