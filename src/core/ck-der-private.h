/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* The one DER module of Certkeeper (with ck-der.c): the TLV reader, the
 * OBJECT IDENTIFIER decoder and encoder and the writers every part of the
 * core uses, with one set of limits.
 *
 * Reading: walking a structure GnuTLS has already accepted is several
 * times cheaper than asking libtasn1 for each field by name, so the hot
 * path of certificate import reads the DER itself. Every read is
 * bounds-checked; callers fall back to GnuTLS when a read fails. Nothing
 * here recurses: each caller walks a fixed structure one level at a time,
 * and CK_DER_MAX_DEPTH bounds the walkers that follow nesting of unknown
 * depth (ck_der_check()).
 *
 * Schemas are never parsed here: structures with optional and tagged parts
 * are read with libtasn1 (ck-asn1-private.h). */

#include <glib.h>
#include <string.h>

G_BEGIN_DECLS

/* Definite lengths of at most this many octets (contents < 4 GiB). */
#define CK_DER_MAX_LENGTH_OCTETS 4
/* Nesting ck_der_check() follows. */
#define CK_DER_MAX_DEPTH         32
/* Contents of an OBJECT IDENTIFIER: 128 octets hold any OID in use. */
#define CK_DER_MAX_OID_LENGTH    128

typedef struct {
  guint8        tag;     /* the identifier octet (class, constructed, number) */
  const guint8 *data;    /* contents */
  gsize         len;     /* declared length of the contents */
  const guint8 *start;   /* identifier octet: start..data+len is the element */
} CkDerTlv;

/* The identifier and length octets at @p (not beyond @end): fills @tlv
 * (tag, start, data, len) and returns TRUE. Only single-octet tags;
 * @indefinite_ok lets the BER indefinite form through (with len set to
 * G_MAXSIZE), else it is refused. The contents are not checked to fit. */
static inline gboolean
ck_der_read_header (const guint8 *p,
                    const guint8 *end,
                    gboolean      indefinite_ok,
                    CkDerTlv     *tlv)
{
  gsize len;

  if (p == NULL || p >= end || end - p < 2 || (p[0] & 0x1f) == 0x1f)
    return FALSE;

  tlv->start = p;
  tlv->tag = p[0];
  len = p[1];
  p += 2;
  if (len == 0x80)
    {
      if (!indefinite_ok)
        return FALSE;
      len = G_MAXSIZE;
    }
  else if (len & 0x80)
    {
      guint n = len & 0x7f;

      if (n > CK_DER_MAX_LENGTH_OCTETS || (gsize) (end - p) < n)
        return FALSE;
      len = 0;
      for (guint i = 0; i < n; i++)
        len = (len << 8) | *p++;
    }
  tlv->data = p;
  tlv->len = len;
  return TRUE;
}

/* Reads the element at *@pos (not beyond @end) and moves *@pos past it.
 * Only single-octet tags and definite lengths (DER), contents that fit. */
static inline gboolean
ck_der_read (const guint8 **pos,
             const guint8  *end,
             CkDerTlv      *tlv)
{
  if (!ck_der_read_header (*pos, end, FALSE, tlv) || (gsize) (end - tlv->data) < tlv->len)
    return FALSE;
  *pos = tlv->data + tlv->len;
  return TRUE;
}

/* For telling what damaged data means to be: like ck_der_read(), but an
 * element whose contents run past @end is read with what is there, and a
 * BER indefinite length runs to @end. *@avail gets the contents present
 * (<= tlv->len, which keeps the declared length); *@pos moves past them. */
gboolean ck_der_read_partial (const guint8 **pos,
                              const guint8  *end,
                              CkDerTlv      *tlv,
                              gsize         *avail);

/* If the element at *@p has tag @tag, moves *@p to its contents and
 * returns their length; else (or when they overrun @end) -1. */
gssize   ck_der_enter        (const guint8 **p,
                              const guint8  *end,
                              guint8         tag);

/* The length of the whole DER element at the start of @data (identifier,
 * length and contents), or 0 when it is not one that fits in @len. */
gsize    ck_der_element_length (const guint8 *data,
                                gsize         len);

/* TRUE when @data is exactly one DER element whose constructed contents
 * are, down to CK_DER_MAX_DEPTH levels, whole elements. */
gboolean ck_der_check        (const guint8 *data,
                              gsize         len);

/* A positive INTEGER in minimal DER: what GnuTLS writes back. */
gboolean ck_der_is_minimal_positive_integer (const CkDerTlv *tlv);

/* A non-negative INTEGER's contents that fit in 32 bits, or -1. */
gint64   ck_der_small_uint   (const guint8 *data,
                              gsize         len);

/* Dotted form of the contents of an OBJECT IDENTIFIER; NULL when they are
 * not one (empty, longer than CK_DER_MAX_OID_LENGTH, an arc that does not
 * end or does not fit in 64 bits, a non-minimal arc). */
char    *ck_der_oid_to_string (const guint8 *data,
                               gsize         len);

/* Appends DER length octets for @len. */
void     ck_der_append_length (GByteArray *out,
                               gsize       len);
/* Appends the identifier and length octets of an element. */
void     ck_der_append_header (GByteArray *out,
                               guint8      tag,
                               gsize       len);
/* Appends a whole element: @tag, length, @len octets of @data. */
void     ck_der_append_tlv    (GByteArray   *out,
                               guint8        tag,
                               const guint8 *data,
                               gsize         len);
/* Appends the OBJECT IDENTIFIER for dotted @oid; FALSE (nothing appended)
 * when it is not a well-formed OID. */
gboolean ck_der_append_oid    (GByteArray *out,
                               const char *oid);

/* TRUE when the OBJECT IDENTIFIER contents @data equal the DER of @der_oid
 * (the contents octets, as a string literal). */
#define CK_DER_OID_IS(data, len, der_oid) \
  ((len) == sizeof (der_oid) - 1 && memcmp ((data), (der_oid), sizeof (der_oid) - 1) == 0)

G_END_DECLS
