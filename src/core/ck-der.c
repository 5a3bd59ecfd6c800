/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ck-der-private.h"

gboolean
ck_der_read_partial (const guint8 **pos,
                     const guint8  *end,
                     CkDerTlv      *tlv,
                     gsize         *avail)
{
  gsize present;

  if (!ck_der_read_header (*pos, end, TRUE, tlv))
    return FALSE;
  present = (gsize) (end - tlv->data);
  if (tlv->len == G_MAXSIZE)
    tlv->len = present;   /* BER indefinite length (old PKCS#12 writers) */
  *avail = MIN (tlv->len, present);
  *pos = tlv->data + *avail;
  return TRUE;
}

gssize
ck_der_enter (const guint8 **p,
              const guint8  *end,
              guint8         tag)
{
  const guint8 *pos = *p;
  CkDerTlv tlv;

  if (!ck_der_read (&pos, end, &tlv) || tlv.tag != tag || tlv.len > G_MAXSSIZE)
    return -1;
  *p = tlv.data;
  return (gssize) tlv.len;
}

gsize
ck_der_element_length (const guint8 *data,
                       gsize         len)
{
  const guint8 *pos = data;
  CkDerTlv tlv;

  if (!ck_der_read (&pos, data + len, &tlv))
    return 0;
  return (gsize) (pos - data);
}

static gboolean
check_contents (const guint8 *p,
                const guint8 *end,
                guint         depth)
{
  while (p < end)
    {
      CkDerTlv tlv;

      if (!ck_der_read (&p, end, &tlv))
        return FALSE;
      if ((tlv.tag & 0x20) != 0 &&
          (depth >= CK_DER_MAX_DEPTH || !check_contents (tlv.data, tlv.data + tlv.len, depth + 1)))
        return FALSE;
    }
  return TRUE;
}

gboolean
ck_der_check (const guint8 *data,
              gsize         len)
{
  return data != NULL && len > 0 && ck_der_element_length (data, len) == len &&
         check_contents (data, data + len, 0);
}

gboolean
ck_der_is_minimal_positive_integer (const CkDerTlv *tlv)
{
  if (tlv->tag != 0x02 || tlv->len == 0 || (tlv->data[0] & 0x80) != 0)
    return FALSE;
  return tlv->len == 1 || tlv->data[0] != 0 || (tlv->data[1] & 0x80) != 0;
}

gint64
ck_der_small_uint (const guint8 *data,
                   gsize         len)
{
  guint64 v = 0;

  if (len == 0 || len > 5 || (data[0] & 0x80))
    return -1;
  for (gsize i = 0; i < len; i++)
    v = v << 8 | data[i];
  return v <= G_MAXUINT32 ? (gint64) v : -1;
}

char *
ck_der_oid_to_string (const guint8 *data,
                      gsize         len)
{
  g_autoptr(GString) out = NULL;
  guint64 value = 0;
  gboolean in_arc = FALSE;

  if (data == NULL || len == 0 || len > CK_DER_MAX_OID_LENGTH)
    return NULL;
  out = g_string_new (NULL);
  for (gsize i = 0; i < len; i++)
    {
      /* X.690 8.19.2: no leading 0x80 in an arc */
      if (!in_arc && data[i] == 0x80)
        return NULL;
      if (value > (G_MAXUINT64 >> 7))
        return NULL;
      value = (value << 7) | (data[i] & 0x7f);
      in_arc = (data[i] & 0x80) != 0;
      if (in_arc)
        continue;
      if (out->len == 0)
        {
          guint first = value < 40 ? 0 : value < 80 ? 1 : 2;

          g_string_append_printf (out, "%u.%" G_GUINT64_FORMAT, first, value - first * 40);
        }
      else
        g_string_append_printf (out, ".%" G_GUINT64_FORMAT, value);
      value = 0;
    }
  if (in_arc)
    return NULL;   /* the last arc does not end */
  return g_string_free (g_steal_pointer (&out), FALSE);
}

void
ck_der_append_length (GByteArray *out,
                      gsize       len)
{
  guint8 buf[1 + sizeof (gsize)];
  guint n = 0;

  if (len < 0x80)
    {
      buf[0] = (guint8) len;
      g_byte_array_append (out, buf, 1);
      return;
    }
  for (gsize l = len; l > 0; l >>= 8)
    n++;
  buf[0] = 0x80 | n;
  for (guint i = 0; i < n; i++)
    buf[n - i] = (guint8) (len >> (8 * i));
  g_byte_array_append (out, buf, n + 1);
}

void
ck_der_append_header (GByteArray *out,
                      guint8      tag,
                      gsize       len)
{
  g_byte_array_append (out, &tag, 1);
  ck_der_append_length (out, len);
}

void
ck_der_append_tlv (GByteArray   *out,
                   guint8        tag,
                   const guint8 *data,
                   gsize         len)
{
  ck_der_append_header (out, tag, len);
  if (len > 0)
    g_byte_array_append (out, data, len);
}

gboolean
ck_der_append_oid (GByteArray *out,
                   const char *oid)
{
  g_auto(GStrv) arcs = g_strsplit (oid, ".", -1);
  g_autoptr(GByteArray) body = g_byte_array_new ();
  guint n = g_strv_length (arcs);

  if (n < 2)
    return FALSE;
  for (guint i = 1; i < n; i++)
    {
      guint64 value;
      guint8 buf[10];
      guint len = 0;

      if (!g_ascii_string_to_unsigned (arcs[i], 10, 0, G_MAXUINT64 / 2, &value, NULL))
        return FALSE;
      if (i == 1)
        {
          guint64 first;

          if (!g_ascii_string_to_unsigned (arcs[0], 10, 0, 2, &first, NULL) ||
              (first < 2 && value >= 40))
            return FALSE;
          value += 40 * first;
        }
      do
        {
          buf[len++] = value & 0x7f;
          value >>= 7;
        }
      while (value != 0);
      /* Base 128, most significant group first, continuation bit on all
       * groups but the last. */
      for (guint j = len; j-- > 0;)
        {
          guint8 b = buf[j] | (j > 0 ? 0x80 : 0);

          g_byte_array_append (body, &b, 1);
        }
    }
  if (body->len > CK_DER_MAX_OID_LENGTH)
    return FALSE;
  ck_der_append_tlv (out, 0x06, body->data, body->len);
  return TRUE;
}
