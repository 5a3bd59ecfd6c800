/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The DER module (ck-der-private.h, ck-der.c): the one TLV reader and its
 * limits, the OID decoder and encoder, and the writers, checked against
 * GnuTLS where it has the same operation. */
#include <gnutls/gnutls.h>
#include <gnutls/x509.h>
#include <string.h>

#include "ck-der-private.h"
#include "ck-test-tools.h"

static GBytes *
unhex (const char *hex)
{
  gnutls_datum_t in = { (unsigned char *) hex, (unsigned int) strlen (hex) };
  gnutls_datum_t out = { NULL, 0 };
  GBytes *bytes;

  g_assert_cmpint (gnutls_hex_decode2 (&in, &out), >=, 0);
  bytes = g_bytes_new (out.data, out.size);
  gnutls_free (out.data);
  return bytes;
}

static void
test_read_limits (void)
{
  /* SEQUENCE { INTEGER 5 } and what surrounds it */
  static const guint8 seq[] = { 0x30, 0x03, 0x02, 0x01, 0x05, 0xff };
  /* a long-form length of 5 octets: over CK_DER_MAX_LENGTH_OCTETS */
  static const guint8 five[] = { 0x04, 0x85, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00 };
  static const guint8 four[] = { 0x04, 0x84, 0x00, 0x00, 0x00, 0x01, 0xaa };
  static const guint8 indefinite[] = { 0x30, 0x80, 0x02, 0x01, 0x05, 0x00, 0x00 };
  static const guint8 truncated[] = { 0x30, 0x10, 0x02, 0x01, 0x05 };
  static const guint8 multi_octet_tag[] = { 0x1f, 0x22, 0x01, 0x00 };
  const guint8 *pos = seq;
  CkDerTlv tlv;
  gsize avail = 0;

  g_assert_true (ck_der_read (&pos, seq + sizeof seq, &tlv));
  g_assert_cmpint (tlv.tag, ==, 0x30);
  g_assert_cmpuint (tlv.len, ==, 3);
  g_assert_true (tlv.start == seq && tlv.data == seq + 2 && pos == seq + 5);
  g_assert_cmpuint (ck_der_element_length (seq, sizeof seq), ==, 5);
  /* one element exactly: the trailing octet makes it not one */
  g_assert_false (ck_der_check (seq, sizeof seq));
  g_assert_true (ck_der_check (seq, 5));

  pos = five;
  g_assert_false (ck_der_read (&pos, five + sizeof five, &tlv));
  pos = four;
  g_assert_true (ck_der_read (&pos, four + sizeof four, &tlv));
  g_assert_cmpuint (tlv.len, ==, 1);

  /* DER refuses BER's indefinite length; the partial reader for damaged
   * input lets it run to the end. */
  pos = indefinite;
  g_assert_false (ck_der_read (&pos, indefinite + sizeof indefinite, &tlv));
  pos = indefinite;
  g_assert_true (ck_der_read_partial (&pos, indefinite + sizeof indefinite, &tlv, &avail));
  g_assert_cmpuint (avail, ==, sizeof indefinite - 2);

  pos = truncated;
  g_assert_false (ck_der_read (&pos, truncated + sizeof truncated, &tlv));
  g_assert_cmpuint (ck_der_element_length (truncated, sizeof truncated), ==, 0);
  pos = truncated;
  g_assert_true (ck_der_read_partial (&pos, truncated + sizeof truncated, &tlv, &avail));
  g_assert_cmpuint (tlv.len, ==, 0x10);
  g_assert_cmpuint (avail, ==, 3);
  g_assert_true (pos == truncated + sizeof truncated);

  pos = multi_octet_tag;
  g_assert_false (ck_der_read (&pos, multi_octet_tag + sizeof multi_octet_tag, &tlv));

  pos = seq;
  g_assert_cmpint (ck_der_enter (&pos, seq + sizeof seq, 0x30), ==, 3);
  g_assert_cmpint (ck_der_enter (&pos, seq + sizeof seq, 0x30), ==, -1);
  g_assert_cmpint (ck_der_enter (&pos, seq + sizeof seq, 0x02), ==, 1);
  g_assert_cmpint (ck_der_small_uint (pos, 1), ==, 5);
}

/* Nesting: CK_DER_MAX_DEPTH constructed levels pass, one more does not. */
static void
test_depth (void)
{
  for (guint depth = CK_DER_MAX_DEPTH; depth <= CK_DER_MAX_DEPTH + 2; depth++)
    {
      g_autoptr(GByteArray) der = g_byte_array_new ();
      static const guint8 null[] = { 0x05, 0x00 };

      g_byte_array_append (der, null, sizeof null);
      for (guint i = 0; i < depth; i++)
        {
          g_autoptr(GByteArray) outer = g_byte_array_new ();

          ck_der_append_tlv (outer, 0x30, der->data, der->len);
          g_byte_array_set_size (der, 0);
          g_byte_array_append (der, outer->data, outer->len);
        }
      g_assert_cmpint (ck_der_check (der->data, der->len), ==, depth <= CK_DER_MAX_DEPTH);
    }
}

static void
test_integers (void)
{
  static const guint8 zero[] = { 0x02, 0x01, 0x00 };
  static const guint8 padded[] = { 0x02, 0x02, 0x00, 0x7f };
  static const guint8 needed[] = { 0x02, 0x02, 0x00, 0x80 };
  static const guint8 negative[] = { 0x02, 0x01, 0x80 };
  static const guint8 big[] = { 0x01, 0x00, 0x00, 0x00, 0x00 };
  static const guint8 max32[] = { 0x00, 0xff, 0xff, 0xff, 0xff };
  const struct { const guint8 *der; gsize len; gboolean minimal; } cases[] = {
    { zero, sizeof zero, TRUE }, { padded, sizeof padded, FALSE },
    { needed, sizeof needed, TRUE }, { negative, sizeof negative, FALSE },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const guint8 *pos = cases[i].der;
      CkDerTlv tlv;

      g_assert_true (ck_der_read (&pos, cases[i].der + cases[i].len, &tlv));
      g_assert_cmpint (ck_der_is_minimal_positive_integer (&tlv), ==, cases[i].minimal);
    }
  g_assert_cmpint (ck_der_small_uint (max32, sizeof max32), ==, G_MAXUINT32);
  g_assert_cmpint (ck_der_small_uint (big, sizeof big), ==, -1);
  g_assert_cmpint (ck_der_small_uint (negative + 2, 1), ==, -1);
  g_assert_cmpint (ck_der_small_uint (NULL, 0), ==, -1);
}

/* Encode and decode, and agree with GnuTLS (which encodes through
 * libtasn1) on every OID of the corpus's certificate extensions. */
static void
test_oids (void)
{
  const struct { const char *oid; const char *hex; } known[] = {
    { "1.2.840.113549.1.1.11", "2a864886f70d01010b" },
    { "2.5.29.32.0", "551d2000" },
    { "0.9.2342.19200300.100.1.25", "0992268993f22c640119" },
    { "2.999.3", "883703" },
    { "1.3.6.1.4.1.9223372036854775807", "2b06010401" "ffffffffffffffff7f" },
  };
  static const guint8 dangling[] = { 0x2a, 0x86 };
  static const guint8 leading_0x80[] = { 0x2a, 0x80, 0x01 };
  guint8 too_long[CK_DER_MAX_OID_LENGTH + 1];

  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    {
      g_autoptr(GByteArray) out = g_byte_array_new ();
      g_autoptr(GBytes) want = unhex (known[i].hex);
      g_autofree char *back = NULL;
      gsize len = 0;
      const guint8 *data = g_bytes_get_data (want, &len);

      g_assert_true (ck_der_append_oid (out, known[i].oid));
      g_assert_cmpint (out->data[0], ==, 0x06);
      g_assert_cmpuint (out->data[1], ==, len);
      g_assert_cmpmem (out->data + 2, out->len - 2, data, len);
      back = ck_der_oid_to_string (data, len);
      g_assert_cmpstr (back, ==, known[i].oid);
    }

  {
      g_autoptr(GByteArray) out = g_byte_array_new ();

      g_assert_false (ck_der_append_oid (out, "1.40.1"));
      g_assert_false (ck_der_append_oid (out, "3.1"));
      g_assert_false (ck_der_append_oid (out, "1"));
      g_assert_false (ck_der_append_oid (out, "1.2.x"));
      g_assert_cmpuint (out->len, ==, 0);
  }

  g_assert_null (ck_der_oid_to_string (dangling, sizeof dangling));
  g_assert_null (ck_der_oid_to_string (leading_0x80, sizeof leading_0x80));
  g_assert_null (ck_der_oid_to_string (NULL, 0));
  memset (too_long, 0x01, sizeof too_long);
  g_assert_null (ck_der_oid_to_string (too_long, sizeof too_long));
  {
    g_autofree char *longest = ck_der_oid_to_string (too_long, CK_DER_MAX_OID_LENGTH);

    g_assert_nonnull (longest);
  }

  /* GnuTLS's view of the extension OIDs of every corpus certificate. */
  {
    g_autofree char *dir = ck_test_corpus_path ("data");
    g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
    const char *name;
    guint checked = 0;

    while (d != NULL && (name = g_dir_read_name (d)) != NULL)
      {
        g_autofree char *path = g_build_filename (dir, name, NULL);
        gsize len = 0;
        g_autofree char *text = NULL;
        g_autoptr(CkCertificate) cert = NULL;
        GPtrArray *extensions;

        if (!g_str_has_suffix (name, ".pem"))
          continue;
        text = ck_test_read_text (path, &len);
        if (g_strstr_len (text, len, "BEGIN CERTIFICATE") == NULL ||
            (cert = ck_certificate_new_from_pem (text, len, NULL)) == NULL)
          continue;
        extensions = ck_certificate_get_extensions (cert);
        for (guint i = 0; i < extensions->len; i++)
          {
            const CkExtension *ext = g_ptr_array_index (extensions, i);
            g_autoptr(GByteArray) der = g_byte_array_new ();
            g_autofree char *back = NULL;

            g_assert_true (ck_der_append_oid (der, ext->oid));
            back = ck_der_oid_to_string (der->data + 2, der->len - 2);
            g_assert_cmpstr (back, ==, ext->oid);
            checked++;
          }
      }
    g_assert_cmpuint (checked, >, 100);
  }
}

static void
test_writers (void)
{
  const struct { gsize len; const char *hex; } lengths[] = {
    { 0, "00" }, { 0x7f, "7f" }, { 0x80, "8180" }, { 0xff, "81ff" },
    { 0x100, "820100" }, { 0x10000, "83010000" }, { 0x1000000, "8401000000" },
  };

  for (guint i = 0; i < G_N_ELEMENTS (lengths); i++)
    {
      g_autoptr(GByteArray) out = g_byte_array_new ();
      g_autoptr(GBytes) want = unhex (lengths[i].hex);
      gsize len = 0;
      const guint8 *data = g_bytes_get_data (want, &len);

      ck_der_append_length (out, lengths[i].len);
      g_assert_cmpmem (out->data, out->len, data, len);
    }

  /* What the writer makes, the reader reads back. */
  {
    g_autoptr(GByteArray) out = g_byte_array_new ();
    g_autofree guint8 *content = g_malloc0 (300);
    const guint8 *pos;
    CkDerTlv tlv = { 0 };

    ck_der_append_tlv (out, 0x04, content, 300);
    pos = out->data;
    g_assert_true (ck_der_read (&pos, out->data + out->len, &tlv));
    g_assert_cmpint (tlv.tag, ==, 0x04);
    g_assert_cmpuint (tlv.len, ==, 300);
    g_assert_true (pos == out->data + out->len);
  }
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/der/read-limits", test_read_limits);
  g_test_add_func ("/der/depth", test_depth);
  g_test_add_func ("/der/integers", test_integers);
  g_test_add_func ("/der/oids", test_oids);
  g_test_add_func ("/der/writers", test_writers);
  return g_test_run ();
}
