/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ck-certificate.h"

#include <glib/gi18n-lib.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <string.h>

#include "ck-der-private.h"
#include "ck-dn-attribute-private.h"
#include "ck-error.h"
#include "ck-oid.h"
#include "ck-utils.h"

/* What only the details view needs: decoded on first use, then cached. */
typedef struct {
  GPtrArray *extensions;   /* element-type CkExtension */
  gboolean   has_key_usage;
  guint      key_usage;
  gboolean   key_usage_critical;
  char     **eku;          /* NULL when the extension is absent */
  gboolean   eku_critical;
  char      *ski;
  char      *aki;
} ExtensionInfo;

typedef struct {
  gnutls_pk_algorithm_t algo;
  guint                 bits;
  const char           *curve;
  GBytes               *spki;  /* as GnuTLS encodes it, which is what we hash */
  char                 *unsupported_oid;  /* the algorithm, when GnuTLS has none */
} KeyInfo;

/* Where the parts of the TBSCertificate are in the DER (views into it). */
typedef struct {
  CkDerTlv issuer;
  CkDerTlv subject;
  CkDerTlv spki;
  gboolean has_extensions;
  CkDerTlv extensions;  /* the SEQUENCE OF Extension */
} TbsView;

struct _CkCertificate
{
  GObject parent_instance;

  gnutls_x509_crt_t crt;
  GBytes *der;

  /* Computed at construction: what a store summary row needs. */
  char *subject;
  char *issuer;
  char *display_name;
  char *issuer_display_name;
  char *serial;
  guint version;
  gint64 not_before;
  gint64 not_after;
  gnutls_sign_algorithm_t sign_algo;
  char *sign_algo_name;
  char *sha1;
  char *sha256;
  char *spki_sha256;
  gboolean has_basic_constraints;
  gboolean bc_is_ca;
  gboolean bc_critical;
  int bc_path_len;
  GPtrArray *sans;

  /* Computed once, on first use (g_once guards: the object is shared
   * between threads by the importer and the store). */
  GPtrArray *subject_attrs;
  GPtrArray *issuer_attrs;
  ExtensionInfo *ext_info;
  KeyInfo *key_info;
  gsize self_signed;  /* 0 unknown, 1 no, 2 yes */
};

G_DEFINE_FINAL_TYPE (CkCertificate, ck_certificate, G_TYPE_OBJECT)

static void
extension_info_free (ExtensionInfo *info)
{
  if (info == NULL)
    return;
  g_clear_pointer (&info->extensions, g_ptr_array_unref);
  g_strfreev (info->eku);
  g_free (info->ski);
  g_free (info->aki);
  g_free (info);
}

static void
key_info_free (KeyInfo *info)
{
  if (info == NULL)
    return;
  g_clear_pointer (&info->spki, g_bytes_unref);
  g_free (info->unsupported_oid);
  g_free (info);
}

static void
ck_certificate_finalize (GObject *object)
{
  CkCertificate *self = CK_CERTIFICATE (object);

  if (self->crt != NULL)
    gnutls_x509_crt_deinit (self->crt);
  g_clear_pointer (&self->der, g_bytes_unref);
  g_free (self->subject);
  g_free (self->issuer);
  g_free (self->display_name);
  g_free (self->issuer_display_name);
  g_free (self->serial);
  g_free (self->sign_algo_name);
  g_free (self->sha1);
  g_free (self->sha256);
  g_free (self->spki_sha256);
  g_clear_pointer (&self->sans, g_ptr_array_unref);
  g_clear_pointer (&self->subject_attrs, g_ptr_array_unref);
  g_clear_pointer (&self->issuer_attrs, g_ptr_array_unref);
  g_clear_pointer (&self->ext_info, extension_info_free);
  g_clear_pointer (&self->key_info, key_info_free);

  G_OBJECT_CLASS (ck_certificate_parent_class)->finalize (object);
}

static void
ck_certificate_class_init (CkCertificateClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ck_certificate_finalize;
}

static void
ck_certificate_init (CkCertificate *self)
{
  self->bc_path_len = -1;
}

/* ---- construction ---------------------------------------------------- */

static char *
digest_hex (gnutls_digest_algorithm_t algo,
            const guint8             *data,
            gsize                     len)
{
  guint8 digest[64];

  /* gnutls_hash_fast uses the CPU's SHA instructions where GChecksum does
   * not; this runs three times per certificate on every import. */
  if (gnutls_hash_fast (algo, data, len, digest) < 0)
    g_error ("GnuTLS cannot compute %s", gnutls_digest_get_name (algo));
  return ck_hex_encode (digest, gnutls_hash_get_len (algo));
}

/* How GnuTLS decodes the value of a DN attribute it knows. */
typedef enum {
  VALUE_DIRECTORY_STRING,  /* CHOICE: we take UTF8String and PrintableString */
  VALUE_PRINTABLE_STRING,
  VALUE_IA5_STRING,
} ValueKind;

static struct {
  const char *oid;
  const char *der;     /* contents of the OBJECT IDENTIFIER */
  gsize       der_len;
  ValueKind   kind;
  const char *name;    /* GnuTLS's name for it, checked at run time */
} plain_dn_oids[] = {
#define X520(n, byte, kind) { "2.5.4." #n, "\x55\x04" byte, 3, kind, NULL }
  X520 (3, "\x03", VALUE_DIRECTORY_STRING),   /* CN */
  X520 (4, "\x04", VALUE_DIRECTORY_STRING),   /* surName */
  X520 (5, "\x05", VALUE_PRINTABLE_STRING),   /* serialNumber */
  X520 (6, "\x06", VALUE_PRINTABLE_STRING),   /* C */
  X520 (7, "\x07", VALUE_DIRECTORY_STRING),   /* L */
  X520 (8, "\x08", VALUE_DIRECTORY_STRING),   /* ST */
  X520 (9, "\x09", VALUE_DIRECTORY_STRING),   /* street */
  X520 (10, "\x0a", VALUE_DIRECTORY_STRING),  /* O */
  X520 (11, "\x0b", VALUE_DIRECTORY_STRING),  /* OU */
  X520 (12, "\x0c", VALUE_DIRECTORY_STRING),  /* title */
  X520 (17, "\x11", VALUE_DIRECTORY_STRING),  /* postalCode */
  X520 (42, "\x2a", VALUE_DIRECTORY_STRING),  /* givenName */
  X520 (43, "\x2b", VALUE_DIRECTORY_STRING),  /* initials */
  X520 (46, "\x2e", VALUE_PRINTABLE_STRING),  /* dnQualifier */
#undef X520
  { CK_OID_DC, "\x09\x92\x26\x89\x93\xf2\x2c\x64\x01\x19", 10, VALUE_IA5_STRING, NULL },
  { CK_OID_UID, "\x09\x92\x26\x89\x93\xf2\x2c\x64\x01\x01", 10, VALUE_DIRECTORY_STRING, NULL },
  { CK_OID_EMAIL, "\x2a\x86\x48\x86\xf7\x0d\x01\x09\x01", 9, VALUE_IA5_STRING, NULL },
};

static void
plain_dn_oids_init (void)
{
  static gsize done = 0;

  /* Only attributes this GnuTLS names take the fast path, under the name
   * it uses; anything else goes to GnuTLS itself. */
  if (g_once_init_enter (&done))
    {
      for (gsize i = 0; i < G_N_ELEMENTS (plain_dn_oids); i++)
        plain_dn_oids[i].name = gnutls_x509_dn_oid_name (plain_dn_oids[i].oid, 0);
      g_once_init_leave (&done, 1);
    }
}

/* gnutls_x509_crt_get_dn3() costs more than importing the certificate,
 * because libtasn1 looks every field up by name. For the common case,
 * a Name whose RDNs each hold one well-known attribute with a plain
 * printable-ASCII value, the RFC 4514 string is simply the RDNs in reverse
 * order, so build it from the DER. Anything else (multi-valued RDNs,
 * other OIDs or string types, non-ASCII, characters RFC 4514 escapes)
 * returns NULL and GnuTLS formats it. The differential test holds both
 * paths to what certtool prints. */
static char *
dn_string_fast (const CkDerTlv *name)
{
  const guint8 *pos = name->data, *end = name->data + name->len;
  const guint8 *starts[64];
  guint n_rdns = 0;
  GString *out;

  plain_dn_oids_init ();

  while (pos < end)
    {
      if (n_rdns == G_N_ELEMENTS (starts))
        return NULL;
      starts[n_rdns++] = pos;
      {
        CkDerTlv rdn;
        if (!ck_der_read (&pos, end, &rdn) || rdn.tag != 0x31)
          return NULL;
      }
    }
  if (n_rdns == 0)
    return NULL;

  out = g_string_sized_new (name->len + 16);
  for (guint r = n_rdns; r-- > 0;)
    {
      const guint8 *p = starts[r];
      CkDerTlv rdn, atv, oid, value;
      const guint8 *q;
      const char *attr_name = NULL;
      ValueKind kind = VALUE_DIRECTORY_STRING;

      if (!ck_der_read (&p, end, &rdn))
        goto slow;
      p = rdn.data;
      if (!ck_der_read (&p, rdn.data + rdn.len, &atv) || atv.tag != 0x30 ||
          p != rdn.data + rdn.len)
        goto slow;
      q = atv.data;
      if (!ck_der_read (&q, atv.data + atv.len, &oid) || oid.tag != 0x06 ||
          !ck_der_read (&q, atv.data + atv.len, &value) || q != atv.data + atv.len)
        goto slow;

      for (gsize i = 0; i < G_N_ELEMENTS (plain_dn_oids); i++)
        if (oid.len == plain_dn_oids[i].der_len &&
            memcmp (oid.data, plain_dn_oids[i].der, oid.len) == 0)
          {
            attr_name = plain_dn_oids[i].name;
            kind = plain_dn_oids[i].kind;
            break;
          }
      if (attr_name == NULL || value.len == 0)
        goto slow;

      switch (kind)
        {
        case VALUE_DIRECTORY_STRING:
          if (value.tag != 0x0c && value.tag != 0x13)
            goto slow;
          break;
        case VALUE_PRINTABLE_STRING:
          if (value.tag != 0x13)
            goto slow;
          break;
        case VALUE_IA5_STRING:
          if (value.tag != 0x16)
            goto slow;
          break;
        }

      if (value.data[0] == ' ' || value.data[value.len - 1] == ' ')
        goto slow;
      for (gsize i = 0; i < value.len; i++)
        {
          guint8 c = value.data[i];

          if (c < 0x20 || c > 0x7e || strchr (",+\"\\<>;=#", c) != NULL)
            goto slow;
        }

      if (out->len > 0)
        g_string_append_c (out, ',');
      g_string_append (out, attr_name);
      g_string_append_c (out, '=');
      g_string_append_len (out, (const char *) value.data, value.len);
    }
  return g_string_free (out, FALSE);

slow:
  g_string_free (out, TRUE);
  return NULL;
}

/* The DN as certtool prints it: gnutls_x509_crt_print() uses
 * gnutls_x509_crt_get_dn3() with no flags (RFC 4514 order). */
static char *
dn_string (gnutls_x509_crt_t crt,
           const CkDerTlv   *name,
           gboolean          issuer)
{
  gnutls_datum_t dn = { NULL, 0 };
  char *text;
  int ret;

  text = dn_string_fast (name);
  if (text != NULL)
    return text;

  ret = issuer ? gnutls_x509_crt_get_issuer_dn3 (crt, &dn, 0)
               : gnutls_x509_crt_get_dn3 (crt, &dn, 0);
  if (ret < 0)
    return g_strdup ("");

  text = g_utf8_make_valid ((const char *) dn.data, dn.size);
  gnutls_free (dn.data);
  return text;
}

/* Finds issuer, subject, SPKI and extensions in the DER. GnuTLS has already
 * accepted the structure; FALSE only if it does not look as expected. */
static gboolean
tbs_view_init (TbsView      *view,
               const guint8 *der,
               gsize         len)
{
  const guint8 *pos = der, *end = der + len;
  CkDerTlv cert, tbs, tlv;

  memset (view, 0, sizeof *view);
  if (!ck_der_read (&pos, end, &cert) || cert.tag != 0x30)
    return FALSE;
  pos = cert.data;
  end = cert.data + cert.len;
  if (!ck_der_read (&pos, end, &tbs) || tbs.tag != 0x30)
    return FALSE;

  pos = tbs.data;
  end = tbs.data + tbs.len;
  if (!ck_der_read (&pos, end, &tlv))
    return FALSE;
  if (tlv.tag == 0xa0 && !ck_der_read (&pos, end, &tlv))  /* [0] version */
    return FALSE;
  if (tlv.tag != 0x02)  /* serialNumber */
    return FALSE;
  if (!ck_der_read (&pos, end, &tlv) || tlv.tag != 0x30 ||  /* signature */
      !ck_der_read (&pos, end, &view->issuer) || view->issuer.tag != 0x30 ||
      !ck_der_read (&pos, end, &tlv) || tlv.tag != 0x30 ||  /* validity */
      !ck_der_read (&pos, end, &view->subject) || view->subject.tag != 0x30 ||
      !ck_der_read (&pos, end, &view->spki) || view->spki.tag != 0x30)
    return FALSE;

  while (pos < end)
    {
      if (!ck_der_read (&pos, end, &tlv))
        return FALSE;
      if (tlv.tag == 0xa3)
        {
          const guint8 *p = tlv.data;

          if (!ck_der_read (&p, tlv.data + tlv.len, &view->extensions) ||
              view->extensions.tag != 0x30)
            return FALSE;
          view->has_extensions = TRUE;
        }
    }
  return TRUE;
}

/* The value (inside the OCTET STRING) of the extension whose OID has DER
 * contents @der_oid; FALSE when absent or unreadable. */
static gboolean
tbs_view_find_extension (const TbsView *view,
                         const char    *der_oid,
                         gsize          der_oid_len,
                         CkDerTlv      *value,
                         gboolean      *critical)
{
  const guint8 *pos, *end;

  if (!view->has_extensions)
    return FALSE;

  pos = view->extensions.data;
  end = view->extensions.data + view->extensions.len;
  while (pos < end)
    {
      CkDerTlv ext, oid, tlv;
      const guint8 *p;

      if (!ck_der_read (&pos, end, &ext) || ext.tag != 0x30)
        return FALSE;
      p = ext.data;
      if (!ck_der_read (&p, ext.data + ext.len, &oid) || oid.tag != 0x06)
        return FALSE;
      if (oid.len != der_oid_len || memcmp (oid.data, der_oid, der_oid_len) != 0)
        continue;

      *critical = FALSE;
      if (!ck_der_read (&p, ext.data + ext.len, &tlv))
        return FALSE;
      if (tlv.tag == 0x01)
        {
          *critical = tlv.len == 1 && tlv.data[0] != 0;
          if (!ck_der_read (&p, ext.data + ext.len, &tlv))
            return FALSE;
        }
      if (tlv.tag != 0x04)
        return FALSE;
      *value = tlv;
      return TRUE;
    }
  return FALSE;
}

/* DER contents of the OIDs the constructor looks for. */
#define DER_OID_CN        "\x55\x04\x03"
#define DER_OID_O         "\x55\x04\x0a"
#define DER_OID_OU        "\x55\x04\x0b"
#define DER_OID_EMAIL     "\x2a\x86\x48\x86\xf7\x0d\x01\x09\x01"
#define DER_OID_EXT_SAN   "\x55\x1d\x11"
#define DER_OID_EXT_BC    "\x55\x1d\x13"

/* The friendliest name in a Name: the most specific CN (the last one in
 * encoding order, so "CN=Jo,CN=Users,DC=example" gives "Jo"), else
 * "O (OU)", else the email address attribute. NULL when none is there. */
static char *
dn_friendly_name (const CkDerTlv *name)
{
  g_autofree char *cn = NULL;
  g_autofree char *o = NULL;
  g_autofree char *ou = NULL;
  g_autofree char *email = NULL;
  const guint8 *pos = name->data, *end = name->data + name->len;

  while (pos < end)
    {
      CkDerTlv rdn;
      const guint8 *p;

      if (!ck_der_read (&pos, end, &rdn) || rdn.tag != 0x31)
        break;
      p = rdn.data;
      while (p < rdn.data + rdn.len)
        {
          CkDerTlv atv, oid, value;
          const guint8 *q;
          gnutls_x509_ava_st ava;
          char **slot = NULL;
          gboolean last_wins = FALSE;
          gboolean is_text;
          char *text;

          if (!ck_der_read (&p, rdn.data + rdn.len, &atv) || atv.tag != 0x30)
            break;
          q = atv.data;
          if (!ck_der_read (&q, atv.data + atv.len, &oid) || oid.tag != 0x06 ||
              !ck_der_read (&q, atv.data + atv.len, &value))
            break;

          if (CK_DER_OID_IS (oid.data, oid.len, DER_OID_CN))
            slot = &cn, last_wins = TRUE;
          else if (CK_DER_OID_IS (oid.data, oid.len, DER_OID_O))
            slot = &o;
          else if (CK_DER_OID_IS (oid.data, oid.len, DER_OID_OU))
            slot = &ou;
          else if (CK_DER_OID_IS (oid.data, oid.len, DER_OID_EMAIL))
            slot = &email;
          if (slot == NULL || (*slot != NULL && !last_wins))
            continue;

          ava.value.data = (unsigned char *) value.data;
          ava.value.size = (unsigned int) value.len;
          ava.value_tag = value.tag & 0x1f;
          text = ck_dn_ava_value_to_utf8 (&ava, &is_text);
          if (is_text && *text != '\0')
            {
              g_free (*slot);
              *slot = text;
            }
          else
            g_free (text);
        }
    }

  if (cn != NULL)
    return g_steal_pointer (&cn);
  if (o != NULL && ou != NULL)
    return g_strdup_printf ("%s (%s)", o, ou);
  if (o != NULL)
    return g_steal_pointer (&o);
  if (ou != NULL)
    return g_steal_pointer (&ou);
  return g_steal_pointer (&email);
}

/* A light certificate (ck_certificate_new_from_der_light) dropped its
 * parsed form after construction; whatever needs it again re-reads the DER
 * once, under g_once (the object is shared between threads). */
static gnutls_x509_crt_t
reimport_crt (CkCertificate *self)
{
  gnutls_x509_crt_t crt = NULL;
  gnutls_datum_t datum;
  gsize size;

  datum.data = (unsigned char *) g_bytes_get_data (self->der, &size);
  datum.size = (unsigned int) size;
  /* The same bytes parsed at construction: only a failed allocation can
   * make this fail, and GLib aborts on those too. */
  if (gnutls_x509_crt_init (&crt) < 0 ||
      gnutls_x509_crt_import (crt, &datum, GNUTLS_X509_FMT_DER) < 0)
    g_error ("Cannot parse again a certificate that parsed before (out of memory?)");
  return crt;
}

static gnutls_x509_crt_t
get_crt (CkCertificate *self)
{
  if (g_once_init_enter (&self->crt))
    g_once_init_leave (&self->crt, reimport_crt (self));
  return self->crt;
}

/* pubkey import and export each cost about as much as parsing the whole
 * certificate; only the details view needs them, so they wait. */
static KeyInfo *
read_key_info (CkCertificate *self)
{
  KeyInfo *info = g_new0 (KeyInfo, 1);
  gnutls_pubkey_t pubkey = NULL;

  if (gnutls_pubkey_init (&pubkey) < 0 || gnutls_pubkey_import_x509 (pubkey, get_crt (self), 0) < 0)
    {
      /* Cannot happen: the constructor has imported this key already. */
      gnutls_pubkey_deinit (pubkey);
      info->algo = GNUTLS_PK_UNKNOWN;
      info->spki = g_bytes_new (NULL, 0);
      return info;
    }

  /* Described the way keys and requests describe theirs. */
  ck_pubkey_describe (pubkey, &info->algo, &info->bits, &info->curve);
  g_free (ck_spki_sha256_from_pubkey (pubkey, &info->spki, NULL));
  if (info->spki == NULL)
    info->spki = g_bytes_new (NULL, 0);

  gnutls_pubkey_deinit (pubkey);
  return info;
}

static KeyInfo *
get_key_info (CkCertificate *self)
{
  if (g_once_init_enter (&self->key_info))
    g_once_init_leave (&self->key_info, read_key_info (self));
  return self->key_info;
}


/* The key of an SPKI whose bytes GnuTLS's encoder is known to give back
 * unchanged: RSA with NULL parameters and minimal integers, ECDSA on a named
 * NIST curve with an uncompressed point of the curve's size, Ed25519 and
 * Ed448. Described from the same DER walk, as ck_pubkey_describe() would
 * describe it, so neither the constructor nor the commit imports the key.
 * Anything else returns NULL and takes the slow path; the differential test
 * checks both paths agree over the whole corpus. */
static KeyInfo *
key_info_fast (const CkDerTlv *spki)
{
  static const guint8 alg_rsa[] = { 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7,
                                    0x0d, 0x01, 0x01, 0x01, 0x05, 0x00 };
  static const guint8 alg_ed25519[] = { 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70 };
  static const guint8 alg_ed448[] = { 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x71 };
  static const struct {
    guint8 alg[21];
    gsize alg_len;
    gsize point_len;
    gnutls_ecc_curve_t curve;
    guint bits;
  } ec_curves[] = {
    /* ecPublicKey + secp256r1 / secp384r1 / secp521r1 */
    { { 0x30, 0x13, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x08, 0x2a,
        0x86, 0x48, 0xce, 0x3d, 0x03, 0x01, 0x07 }, 21, 65, GNUTLS_ECC_CURVE_SECP256R1, 256 },
    { { 0x30, 0x10, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x05, 0x2b,
        0x81, 0x04, 0x00, 0x22 }, 18, 97, GNUTLS_ECC_CURVE_SECP384R1, 384 },
    { { 0x30, 0x10, 0x06, 0x07, 0x2a, 0x86, 0x48, 0xce, 0x3d, 0x02, 0x01, 0x06, 0x05, 0x2b,
        0x81, 0x04, 0x00, 0x23 }, 18, 133, GNUTLS_ECC_CURVE_SECP521R1, 521 },
  };
  const guint8 *pos = spki->data, *end = spki->data + spki->len;
  CkDerTlv alg, bits;
  gsize alg_len;
  KeyInfo key = { GNUTLS_PK_UNKNOWN, 0, NULL, NULL };
  KeyInfo *info;

  if (!ck_der_read (&pos, end, &alg) || alg.tag != 0x30 ||
      !ck_der_read (&pos, end, &bits) || bits.tag != 0x03 || pos != end ||
      bits.len < 2 || bits.data[0] != 0)
    return NULL;
  alg_len = alg.data + alg.len - alg.start;

  if (alg_len == sizeof alg_rsa && memcmp (alg.start, alg_rsa, alg_len) == 0)
    {
      const guint8 *p = bits.data + 1, *e = bits.data + bits.len;
      CkDerTlv seq, n, exp;

      if (ck_der_read (&p, e, &seq) && seq.tag == 0x30 && p == e)
        {
          p = seq.data;
          e = seq.data + seq.len;
          if (ck_der_read (&p, e, &n) && ck_der_is_minimal_positive_integer (&n) &&
              ck_der_read (&p, e, &exp) && ck_der_is_minimal_positive_integer (&exp) && p == e)
            {
              const guint8 *m = n.data;
              gsize m_len = n.len;

              /* The modulus size in bits, as GnuTLS counts it. */
              if (m_len > 1 && m[0] == 0)
                {
                  m++;
                  m_len--;
                }
              key.algo = GNUTLS_PK_RSA;
              key.bits = m[0] == 0 ? 0 : (guint) ((m_len - 1) * 8 + g_bit_storage (m[0]));
            }
        }
    }
  else if (alg_len == sizeof alg_ed25519 && memcmp (alg.start, alg_ed25519, alg_len) == 0)
    {
      if (bits.len == 1 + 32)
        {
          key.algo = GNUTLS_PK_EDDSA_ED25519;
          key.bits = 256;
        }
    }
  else if (alg_len == sizeof alg_ed448 && memcmp (alg.start, alg_ed448, alg_len) == 0)
    {
      if (bits.len == 1 + 57)
        {
          key.algo = GNUTLS_PK_EDDSA_ED448;
          key.bits = 456;  /* GnuTLS counts the 57 bytes of the encoding */
        }
    }
  else
    {
      for (gsize i = 0; i < G_N_ELEMENTS (ec_curves); i++)
        if (alg_len == ec_curves[i].alg_len && memcmp (alg.start, ec_curves[i].alg, alg_len) == 0 &&
            bits.len == 1 + ec_curves[i].point_len && bits.data[1] == 0x04)
          {
            key.algo = GNUTLS_PK_ECDSA;
            key.bits = ec_curves[i].bits;
            key.curve = gnutls_ecc_curve_get_name (ec_curves[i].curve);
          }
    }

  /* The outer SEQUENCE must itself be minimal for the bytes to match. */
  if (key.algo == GNUTLS_PK_UNKNOWN ||
      spki->data - spki->start != (spki->len < 0x80 ? 2 : spki->len < 0x100 ? 3 : 4))
    return NULL;

  info = g_new (KeyInfo, 1);
  *info = key;
  info->spki = g_bytes_new (spki->start, spki->data + spki->len - spki->start);
  return info;
}

/* The key of an SPKI whose algorithm this GnuTLS cannot use (ML-DSA,
 * SLH-DSA, GOST where GnuTLS is built without it, any other OID): kept as
 * it is, hashed as it is, its algorithm known by OID. */
static KeyInfo *
key_info_unsupported (const CkDerTlv *spki)
{
  const guint8 *pos = spki->data, *end = spki->data + spki->len;
  CkDerTlv alg, oid;
  KeyInfo *info;
  g_autofree char *unsupported_oid = NULL;

  if (!ck_der_read (&pos, end, &alg) || alg.tag != 0x30)
    return NULL;
  pos = alg.data;
  end = alg.data + alg.len;
  if (!ck_der_read (&pos, end, &oid) || oid.tag != 0x06 || oid.len == 0)
    return NULL;

  unsupported_oid = ck_der_oid_to_string (oid.data, oid.len);
  if (unsupported_oid == NULL)
    return NULL;
  info = g_new0 (KeyInfo, 1);
  info->algo = GNUTLS_PK_UNKNOWN;
  info->unsupported_oid = g_steal_pointer (&unsupported_oid);
  info->spki = g_bytes_new (spki->start, spki->data + spki->len - spki->start);
  return info;
}

static char *
spki_sha256_slow (CkCertificate  *self,
                  GError        **error)
{
  gnutls_pubkey_t pubkey = NULL;
  char *hex;
  int ret;

  ret = gnutls_pubkey_init (&pubkey);
  if (ret >= 0)
    ret = gnutls_pubkey_import_x509 (pubkey, self->crt, 0);
  if (ret < 0)
    {
      char oid[128];
      size_t oid_size = sizeof oid;

      gnutls_pubkey_deinit (pubkey);
      if (gnutls_x509_crt_get_pk_oid (self->crt, oid, &oid_size) < 0)
        g_strlcpy (oid, "?", sizeof oid);

      if (ck_error_code_from_gnutls (ret) == CK_ERROR_UNSUPPORTED ||
          gnutls_x509_crt_get_pk_algorithm (self->crt, NULL) == GNUTLS_PK_UNKNOWN)
        g_set_error (error, CK_ERROR, CK_ERROR_UNSUPPORTED,
                     _("The certificate’s public-key algorithm (%s) is not supported by this GnuTLS (%s)"),
                     oid, gnutls_check_version (NULL));
      else
        ck_set_gnutls_error (error, ret, _("not a valid X.509 certificate: cannot read its public key"));
      return NULL;
    }

  hex = ck_spki_sha256_from_pubkey (pubkey, NULL, error);
  gnutls_pubkey_deinit (pubkey);
  return hex;
}

static void
read_basic_constraints (CkCertificate *self,
                        const TbsView *view)
{
  unsigned int critical = 0, ca = 0;
  int path_len = -1;
  CkDerTlv value;
  gboolean crit;

  if (!tbs_view_find_extension (view, DER_OID_EXT_BC, sizeof DER_OID_EXT_BC - 1, &value, &crit))
    return;

  if (gnutls_x509_crt_get_basic_constraints (self->crt, &critical, &ca, &path_len) < 0)
    return;

  self->has_basic_constraints = TRUE;
  self->bc_is_ca = ca != 0;
  self->bc_critical = critical != 0;
  /* GnuTLS reports an absent pathLenConstraint as -1, as we do. */
  self->bc_path_len = self->bc_is_ca && path_len >= 0 ? path_len : -1;
}

static void
read_subject_alt_names (CkCertificate *self,
                        const TbsView *view)
{
  CkDerTlv value;
  gboolean critical;

  if (tbs_view_find_extension (view, DER_OID_EXT_SAN, sizeof DER_OID_EXT_SAN - 1,
                               &value, &critical))
    {
      g_autoptr(GError) error = NULL;
      gnutls_datum_t der = { (unsigned char *) value.data, (unsigned int) value.len };

      self->sans = ck_general_names_from_der (&der, &error);
      /* A broken SAN does not make the rest of the certificate unusable;
       * the extension list still shows its bytes. */
      if (self->sans == NULL)
        g_debug ("Ignoring the subjectAltName of “%s”: %s", self->subject, error->message);
    }

  if (self->sans == NULL)
    self->sans = g_ptr_array_new_with_free_func ((GDestroyNotify) ck_general_name_free);
}

static char *
first_san_text (GPtrArray *sans)
{
  /* Email first: a certificate without a CN or O is usually S/MIME. */
  for (guint i = 0; i < sans->len; i++)
    {
      CkGeneralName *name = g_ptr_array_index (sans, i);
      if (name->kind == CK_GENERAL_NAME_EMAIL)
        return g_strdup (name->value);
    }
  for (guint i = 0; i < sans->len; i++)
    {
      CkGeneralName *name = g_ptr_array_index (sans, i);
      if (name->kind != CK_GENERAL_NAME_OTHER && *name->value != '\0')
        return g_strdup (name->value);
    }
  return NULL;
}

static gboolean
ck_certificate_load (CkCertificate  *self,
                     GError        **error)
{
  gconstpointer data;
  gsize size;
  gnutls_datum_t datum;
  TbsView view;
  guint8 serial[64];
  size_t serial_size = sizeof serial;
  int ret;

  data = g_bytes_get_data (self->der, &size);
  if (size == 0)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_PARSE,
                   _("not a valid X.509 certificate: the data is empty"));
      return FALSE;
    }
  if (size > G_MAXUINT)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_PARSE,
                   _("not a valid X.509 certificate: too large"));
      return FALSE;
    }

  datum.data = (unsigned char *) data;
  datum.size = (unsigned int) size;

  ret = gnutls_x509_crt_init (&self->crt);
  if (ret < 0)
    {
      ck_set_gnutls_error (error, ret, _("Cannot initialize a certificate"));
      return FALSE;
    }

  ret = gnutls_x509_crt_import (self->crt, &datum, GNUTLS_X509_FMT_DER);
  if (ret < 0)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_PARSE,
                   _("not a valid X.509 certificate: %s"), gnutls_strerror (ret));
      return FALSE;
    }

  if (!tbs_view_init (&view, data, size))
    {
      g_set_error (error, CK_ERROR, CK_ERROR_PARSE,
                   _("not a valid X.509 certificate: unexpected DER structure"));
      return FALSE;
    }

  self->key_info = key_info_fast (&view.spki);
  if (self->key_info != NULL)
    {
      gconstpointer spki;
      gsize spki_size;

      spki = g_bytes_get_data (self->key_info->spki, &spki_size);
      self->spki_sha256 = digest_hex (GNUTLS_DIG_SHA256, spki, spki_size);
    }
  else
    {
      g_autoptr(GError) local_error = NULL;

      self->spki_sha256 = spki_sha256_slow (self, &local_error);
      /* A well-formed certificate with a key GnuTLS cannot use is kept
       * and shown; it only cannot verify anything. */
      if (self->spki_sha256 == NULL &&
          g_error_matches (local_error, CK_ERROR, CK_ERROR_UNSUPPORTED) &&
          (self->key_info = key_info_unsupported (&view.spki)) != NULL)
        {
          gsize spki_size;
          gconstpointer spki = g_bytes_get_data (self->key_info->spki, &spki_size);

          self->spki_sha256 = digest_hex (GNUTLS_DIG_SHA256, spki, spki_size);
        }
      if (self->spki_sha256 == NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
    }

  ret = gnutls_x509_crt_get_serial (self->crt, serial, &serial_size);
  if (ret < 0)
    {
      ck_set_gnutls_error (error, ret, _("not a valid X.509 certificate: cannot read the serial number"));
      return FALSE;
    }
  self->serial = ck_hex_encode (serial, serial_size);

  ret = gnutls_x509_crt_get_version (self->crt);
  self->version = ret > 0 ? (guint) ret : 1;

  self->not_before = (gint64) gnutls_x509_crt_get_activation_time (self->crt);
  self->not_after = (gint64) gnutls_x509_crt_get_expiration_time (self->crt);

  ret = gnutls_x509_crt_get_signature_algorithm (self->crt);
  self->sign_algo = ret > 0 ? (gnutls_sign_algorithm_t) ret : GNUTLS_SIGN_UNKNOWN;
  if (self->sign_algo != GNUTLS_SIGN_UNKNOWN && gnutls_sign_get_name (self->sign_algo) != NULL)
    self->sign_algo_name = g_strdup (gnutls_sign_get_name (self->sign_algo));
  else
    {
      char oid[128];
      size_t oid_size = sizeof oid;

      self->sign_algo_name = gnutls_x509_crt_get_signature_oid (self->crt, oid, &oid_size) >= 0
                               ? g_strdup (oid) : g_strdup ("unknown");
    }

  self->sha1 = digest_hex (GNUTLS_DIG_SHA1, data, size);
  self->sha256 = digest_hex (GNUTLS_DIG_SHA256, data, size);

  self->subject = dn_string (self->crt, &view.subject, FALSE);
  self->issuer = dn_string (self->crt, &view.issuer, TRUE);

  read_basic_constraints (self, &view);
  read_subject_alt_names (self, &view);

  self->display_name = dn_friendly_name (&view.subject);
  if (self->display_name == NULL)
    self->display_name = first_san_text (self->sans);
  if (self->display_name == NULL)
    self->display_name = g_strdup (self->subject);

  self->issuer_display_name = dn_friendly_name (&view.issuer);
  if (self->issuer_display_name == NULL)
    self->issuer_display_name = g_strdup (self->issuer);

  return TRUE;
}

CkCertificate *
ck_certificate_new_from_der (GBytes  *der,
                             GError **error)
{
  g_autoptr(CkCertificate) self = NULL;

  g_return_val_if_fail (der != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (CK_TYPE_CERTIFICATE, NULL);
  self->der = g_bytes_ref (der);

  if (!ck_certificate_load (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

CkCertificate *
ck_certificate_new_from_der_light (GBytes  *der,
                                   GError **error)
{
  CkCertificate *self = ck_certificate_new_from_der (der, error);

  /* Not shared with anyone yet, so no g_once race. */
  if (self != NULL)
    g_clear_pointer (&self->crt, gnutls_x509_crt_deinit);
  return self;
}


static const char * const cert_pem_labels[] = {
  "CERTIFICATE",
  "X509 CERTIFICATE",
  "TRUSTED CERTIFICATE",
};

/* Finds the first certificate block; sets @label_out to which one. */
static gboolean
find_pem_block (const char  *pem,
                gsize        len,
                const char **body_out,
                gsize       *body_len_out,
                const char **label_out)
{
  const char *end = pem + len;
  const char *p = pem;

  while (p < end)
    {
      const char *begin = g_strstr_len (p, end - p, "-----BEGIN ");
      const char *label, *label_end;

      if (begin == NULL)
        return FALSE;
      label = begin + strlen ("-----BEGIN ");
      label_end = g_strstr_len (label, end - label, "-----");
      if (label_end == NULL)
        return FALSE;

      for (gsize i = 0; i < G_N_ELEMENTS (cert_pem_labels); i++)
        {
          gsize n = strlen (cert_pem_labels[i]);
          g_autofree char *end_marker = NULL;
          const char *body, *body_end;

          if ((gsize) (label_end - label) != n || memcmp (label, cert_pem_labels[i], n) != 0)
            continue;

          body = label_end + 5;
          end_marker = g_strdup_printf ("-----END %s-----", cert_pem_labels[i]);
          body_end = g_strstr_len (body, end - body, end_marker);
          if (body_end == NULL)
            return FALSE;

          *body_out = body;
          *body_len_out = body_end - body;
          *label_out = cert_pem_labels[i];
          return TRUE;
        }

      p = label_end + 5;
    }
  return FALSE;
}

CkCertificate *
ck_certificate_new_from_pem (const char *pem,
                             gssize      len,
                             GError    **error)
{
  const char *body = NULL, *label = NULL;
  gsize body_len = 0, der_len = 0, n_chars = 0;
  g_autofree char *b64 = NULL;
  g_autofree guchar *der = NULL;
  g_autoptr(GBytes) bytes = NULL;
  gsize element_len;

  g_return_val_if_fail (pem != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  if (len < 0)
    len = strlen (pem);

  if (!find_pem_block (pem, len, &body, &body_len, &label))
    {
      g_set_error (error, CK_ERROR, CK_ERROR_PARSE,
                   _("not a valid X.509 certificate: no complete CERTIFICATE block in the PEM data"));
      return NULL;
    }

  /* Only base64 and white space: g_base64_decode() skips anything else
   * silently, and would turn a corrupted block into a different one. */
  b64 = g_malloc (body_len + 1);
  for (gsize i = 0; i < body_len; i++)
    {
      char c = body[i];

      if (g_ascii_isspace (c))
        continue;
      if (!g_ascii_isalnum (c) && c != '+' && c != '/' && c != '=')
        {
          g_set_error (error, CK_ERROR, CK_ERROR_PARSE,
                       _("not a valid X.509 certificate: the %s block has a character that is not base64"),
                       label);
          return NULL;
        }
      b64[n_chars++] = c;
    }
  b64[n_chars] = '\0';

  if (n_chars == 0 || n_chars % 4 != 0)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_PARSE,
                   _("not a valid X.509 certificate: the %s block is truncated"), label);
      return NULL;
    }

  der = g_base64_decode (b64, &der_len);

  /* OpenSSL's TRUSTED CERTIFICATE appends its trust settings after the
   * certificate; they are not ours to import (trust is decided by the user). */
  element_len = ck_der_element_length (der, der_len);
  if (element_len == 0)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_PARSE,
                   _("not a valid X.509 certificate: the %s block is not DER"), label);
      return NULL;
    }
  if (strcmp (label, "TRUSTED CERTIFICATE") == 0)
    der_len = element_len;

  bytes = g_bytes_new_take (g_steal_pointer (&der), der_len);
  return ck_certificate_new_from_der (bytes, error);
}

/* ---- lazily computed parts ------------------------------------------- */

static GPtrArray *
read_dn_attributes (CkCertificate *self,
                    gboolean       issuer)
{
  gnutls_x509_dn_t dn = NULL;
  g_autoptr(GError) error = NULL;
  GPtrArray *attrs = NULL;
  int ret;

  ret = issuer ? gnutls_x509_crt_get_issuer (get_crt (self), &dn)
               : gnutls_x509_crt_get_subject (get_crt (self), &dn);
  if (ret >= 0)
    attrs = ck_dn_attributes_from_dn (dn, &error);
  if (attrs == NULL)
    {
      /* The import already checked the Name; never fail a getter. */
      g_debug ("Cannot split the %s of “%s”: %s", issuer ? "issuer" : "subject",
               self->subject, error != NULL ? error->message : gnutls_strerror (ret));
      attrs = g_ptr_array_new_with_free_func ((GDestroyNotify) ck_dn_attribute_free);
    }
  return attrs;
}

static char *
read_key_id (CkCertificate *self,
             gboolean       authority)
{
  guint8 id[128];
  size_t id_size = sizeof id;
  unsigned int critical;
  int ret;

  ret = authority ? gnutls_x509_crt_get_authority_key_id (get_crt (self), id, &id_size, &critical)
                  : gnutls_x509_crt_get_subject_key_id (get_crt (self), id, &id_size, &critical);
  if (ret < 0 || id_size == 0)
    return NULL;
  return ck_hex_encode (id, id_size);
}

static ExtensionInfo *
read_extension_info (CkCertificate *self)
{
  ExtensionInfo *info = g_new0 (ExtensionInfo, 1);
  unsigned int usage = 0, critical = 0;

  info->extensions = g_ptr_array_new_with_free_func ((GDestroyNotify) ck_extension_free);
  for (unsigned int i = 0; ; i++)
    {
      char oid[256];
      size_t oid_size = sizeof oid;
      gnutls_datum_t value = { NULL, 0 };
      g_autoptr(GBytes) bytes = NULL;
      int ret;

      ret = gnutls_x509_crt_get_extension_info (get_crt (self), i, oid, &oid_size, &critical);
      if (ret < 0)
        break;
      if (gnutls_x509_crt_get_extension_data2 (get_crt (self), i, &value) < 0)
        continue;
      bytes = g_bytes_new (value.data, value.size);
      gnutls_free (value.data);
      g_ptr_array_add (info->extensions, ck_extension_new (oid, critical != 0, bytes));
    }

  if (gnutls_x509_crt_get_key_usage (get_crt (self), &usage, &critical) >= 0)
    {
      info->has_key_usage = TRUE;
      info->key_usage = usage;
      info->key_usage_critical = critical != 0;
    }

  for (guint i = 0; i < info->extensions->len; i++)
    {
      CkExtension *ext = g_ptr_array_index (info->extensions, i);
      GPtrArray *eku;

      if (strcmp (ext->oid, CK_OID_EXT_EXT_KEY_USAGE) != 0)
        continue;

      /* Present, even if empty or undecodable: an empty array, not NULL. */
      eku = g_ptr_array_new ();
      for (unsigned int j = 0; ; j++)
        {
          char oid[256];
          size_t oid_size = sizeof oid;

          if (gnutls_x509_crt_get_key_purpose_oid (get_crt (self), j, oid, &oid_size, NULL) < 0)
            break;
          g_ptr_array_add (eku, g_strdup (oid));
        }
      g_ptr_array_add (eku, NULL);
      info->eku = (char **) g_ptr_array_free (eku, FALSE);
      info->eku_critical = ext->critical;
      break;
    }

  info->ski = read_key_id (self, FALSE);
  info->aki = read_key_id (self, TRUE);
  return info;
}

static ExtensionInfo *
get_extension_info (CkCertificate *self)
{
  if (g_once_init_enter (&self->ext_info))
    g_once_init_leave (&self->ext_info, read_extension_info (self));
  return self->ext_info;
}

/* ---- getters ---------------------------------------------------------- */

gnutls_x509_crt_t
ck_certificate_get_crt (CkCertificate *self)
{
  g_return_val_if_fail (CK_IS_CERTIFICATE (self), NULL);
  return get_crt (self);
}

GBytes *
ck_certificate_get_der (CkCertificate *self)
{
  g_return_val_if_fail (CK_IS_CERTIFICATE (self), NULL);
  return self->der;
}

char *
ck_certificate_to_pem (CkCertificate *self)
{
  gnutls_datum_t der, pem = { NULL, 0 };
  gsize size;
  char *text;

  g_return_val_if_fail (CK_IS_CERTIFICATE (self), NULL);

  der.data = (unsigned char *) g_bytes_get_data (self->der, &size);
  der.size = (unsigned int) size;
  if (gnutls_pem_base64_encode2 ("CERTIFICATE", &der, &pem) < 0)
    return NULL;
  text = g_strndup ((const char *) pem.data, pem.size);
  gnutls_free (pem.data);
  return text;
}

const char *
ck_certificate_get_subject (CkCertificate *self)
{
  g_return_val_if_fail (CK_IS_CERTIFICATE (self), NULL);
  return self->subject;
}

const char *
ck_certificate_get_issuer (CkCertificate *self)
{
  g_return_val_if_fail (CK_IS_CERTIFICATE (self), NULL);
  return self->issuer;
}

GPtrArray *
ck_certificate_get_subject_attributes (CkCertificate *self)
{
  g_return_val_if_fail (CK_IS_CERTIFICATE (self), NULL);

  if (g_once_init_enter (&self->subject_attrs))
    g_once_init_leave (&self->subject_attrs, read_dn_attributes (self, FALSE));
  return self->subject_attrs;
}

GPtrArray *
ck_certificate_get_issuer_attributes (CkCertificate *self)
{
  g_return_val_if_fail (CK_IS_CERTIFICATE (self), NULL);

  if (g_once_init_enter (&self->issuer_attrs))
    g_once_init_leave (&self->issuer_attrs, read_dn_attributes (self, TRUE));
  return self->issuer_attrs;
}

const char *
ck_certificate_get_display_name (CkCertificate *self)
{
  g_return_val_if_fail (CK_IS_CERTIFICATE (self), NULL);
  return self->display_name;
}

const char *
ck_certificate_get_issuer_display_name (CkCertificate *self)
{
  g_return_val_if_fail (CK_IS_CERTIFICATE (self), NULL);
  return self->issuer_display_name;
}

const char *
ck_certificate_get_serial (CkCertificate *self)
{
  g_return_val_if_fail (CK_IS_CERTIFICATE (self), NULL);
  return self->serial;
}

guint
ck_certificate_get_version (CkCertificate *self)
{
  g_return_val_if_fail (CK_IS_CERTIFICATE (self), 0);
  return self->version;
}

gint64
ck_certificate_get_not_before (CkCertificate *self)
{
  g_return_val_if_fail (CK_IS_CERTIFICATE (self), 0);
  return self->not_before;
}

gint64
ck_certificate_get_not_after (CkCertificate *self)
{
  g_return_val_if_fail (CK_IS_CERTIFICATE (self), 0);
  return self->not_after;
}

const char *
ck_certificate_get_signature_algorithm (CkCertificate *self)
{
  g_return_val_if_fail (CK_IS_CERTIFICATE (self), NULL);
  return self->sign_algo_name;
}

gnutls_sign_algorithm_t
ck_certificate_get_signature_algorithm_id (CkCertificate *self)
{
  g_return_val_if_fail (CK_IS_CERTIFICATE (self), GNUTLS_SIGN_UNKNOWN);
  return self->sign_algo;
}

const char *
ck_certificate_get_key_algorithm (CkCertificate *self)
{
  KeyInfo *info;

  g_return_val_if_fail (CK_IS_CERTIFICATE (self), NULL);
  info = get_key_info (self);
  if (info->unsupported_oid != NULL)
    return ck_oid_get_pk_algorithm_name (info->unsupported_oid);
  return ck_pk_algorithm_name (info->algo);
}

const char *
ck_certificate_get_key_algorithm_oid (CkCertificate *self)
{
  KeyInfo *info;

  g_return_val_if_fail (CK_IS_CERTIFICATE (self), NULL);
  info = get_key_info (self);
  if (info->unsupported_oid != NULL)
    return info->unsupported_oid;
  return gnutls_pk_get_oid (info->algo);
}

gboolean
ck_certificate_get_key_supported (CkCertificate *self)
{
  g_return_val_if_fail (CK_IS_CERTIFICATE (self), FALSE);
  return get_key_info (self)->unsupported_oid == NULL;
}

const char *
ck_certificate_get_key_problem (CkCertificate *self)
{
  g_return_val_if_fail (CK_IS_CERTIFICATE (self), NULL);
  if (ck_certificate_get_key_supported (self))
    return NULL;
  return _("key algorithm not supported: cannot be verified");
}

gnutls_pk_algorithm_t
ck_certificate_get_key_algorithm_id (CkCertificate *self)
{
  g_return_val_if_fail (CK_IS_CERTIFICATE (self), GNUTLS_PK_UNKNOWN);
  return get_key_info (self)->algo;
}

guint
ck_certificate_get_key_bits (CkCertificate *self)
{
  g_return_val_if_fail (CK_IS_CERTIFICATE (self), 0);
  return get_key_info (self)->bits;
}

const char *
ck_certificate_get_key_curve (CkCertificate *self)
{
  g_return_val_if_fail (CK_IS_CERTIFICATE (self), NULL);
  return get_key_info (self)->curve;
}

GBytes *
ck_certificate_get_spki (CkCertificate *self)
{
  g_return_val_if_fail (CK_IS_CERTIFICATE (self), NULL);
  return get_key_info (self)->spki;
}

const char *
ck_certificate_get_sha1_fingerprint (CkCertificate *self)
{
  g_return_val_if_fail (CK_IS_CERTIFICATE (self), NULL);
  return self->sha1;
}

const char *
ck_certificate_get_sha256_fingerprint (CkCertificate *self)
{
  g_return_val_if_fail (CK_IS_CERTIFICATE (self), NULL);
  return self->sha256;
}

const char *
ck_certificate_get_spki_sha256 (CkCertificate *self)
{
  g_return_val_if_fail (CK_IS_CERTIFICATE (self), NULL);
  return self->spki_sha256;
}

gboolean
ck_certificate_get_basic_constraints (CkCertificate *self,
                                      gboolean      *is_ca,
                                      int           *path_len,
                                      gboolean      *critical)
{
  g_return_val_if_fail (CK_IS_CERTIFICATE (self), FALSE);

  if (is_ca != NULL)
    *is_ca = self->bc_is_ca;
  if (path_len != NULL)
    *path_len = self->bc_path_len;
  if (critical != NULL)
    *critical = self->bc_critical;
  return self->has_basic_constraints;
}

gboolean
ck_certificate_is_ca (CkCertificate *self)
{
  g_return_val_if_fail (CK_IS_CERTIFICATE (self), FALSE);
  return self->has_basic_constraints && self->bc_is_ca;
}

gboolean
ck_certificate_get_key_usage (CkCertificate *self,
                              guint         *usage,
                              gboolean      *critical)
{
  ExtensionInfo *info;

  g_return_val_if_fail (CK_IS_CERTIFICATE (self), FALSE);

  info = get_extension_info (self);
  if (usage != NULL)
    *usage = info->key_usage;
  if (critical != NULL)
    *critical = info->key_usage_critical;
  return info->has_key_usage;
}

const char * const *
ck_certificate_get_extended_key_usage (CkCertificate *self,
                                       gboolean      *critical)
{
  ExtensionInfo *info;

  g_return_val_if_fail (CK_IS_CERTIFICATE (self), NULL);

  info = get_extension_info (self);
  if (critical != NULL)
    *critical = info->eku_critical;
  return (const char * const *) info->eku;
}

GPtrArray *
ck_certificate_get_subject_alt_names (CkCertificate *self)
{
  g_return_val_if_fail (CK_IS_CERTIFICATE (self), NULL);
  return self->sans;
}

const char *
ck_certificate_get_subject_key_id (CkCertificate *self)
{
  g_return_val_if_fail (CK_IS_CERTIFICATE (self), NULL);
  return get_extension_info (self)->ski;
}

const char *
ck_certificate_get_authority_key_id (CkCertificate *self)
{
  g_return_val_if_fail (CK_IS_CERTIFICATE (self), NULL);
  return get_extension_info (self)->aki;
}

GPtrArray *
ck_certificate_get_extensions (CkCertificate *self)
{
  g_return_val_if_fail (CK_IS_CERTIFICATE (self), NULL);
  return get_extension_info (self)->extensions;
}

gboolean
ck_certificate_equal (CkCertificate *self,
                      CkCertificate *other)
{
  g_return_val_if_fail (CK_IS_CERTIFICATE (self), FALSE);
  g_return_val_if_fail (CK_IS_CERTIFICATE (other), FALSE);

  return self == other || g_bytes_equal (self->der, other->der);
}

/* Only "does @issuer's key verify @cert's signature": time, CA flags, key
 * usage and unknown critical extensions are chain-validation questions the
 * trust code answers, not this relation. MD5 and SHA-1 are allowed here
 * for the same reason (an old root is still its own issuer). */
static gboolean
signature_verifies (CkCertificate *cert,
                    CkCertificate *issuer)
{
  const unsigned int flags = GNUTLS_VERIFY_DISABLE_CA_SIGN |
                             GNUTLS_VERIFY_ALLOW_BROKEN |
                             GNUTLS_VERIFY_DISABLE_TIME_CHECKS |
                             GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS |
                             GNUTLS_VERIFY_IGNORE_UNKNOWN_CRIT_EXTENSIONS |
                             GNUTLS_VERIFY_ALLOW_ANY_X509_V1_CA_CRT |
                             /* Without this GnuTLS trusts a certificate that
                              * is in the CA list without checking anything,
                              * which would make every certificate its own
                              * issuer. */
                             GNUTLS_VERIFY_DO_NOT_ALLOW_SAME;
  gnutls_x509_crt_t issuer_crt = get_crt (issuer);
  unsigned int status = 0;
  int ret;

  ret = gnutls_x509_crt_verify (get_crt (cert), &issuer_crt, 1, flags, &status);
  return ret >= 0 && status == 0;
}

gboolean
ck_certificate_is_self_signed (CkCertificate *self)
{
  g_return_val_if_fail (CK_IS_CERTIFICATE (self), FALSE);

  if (g_once_init_enter (&self->self_signed))
    {
      /* GnuTLS compares the raw DNs, then their RFC 4514 strings: the
       * strings we hold are those (the differential test checks it), so
       * different strings are a cheap "no" for most leaves, where
       * gnutls_x509_crt_check_issuer() would format both DNs again. */
      gboolean yes = strcmp (self->subject, self->issuer) == 0 &&
                     gnutls_x509_crt_check_issuer (get_crt (self), get_crt (self)) &&
                     signature_verifies (self, self);
      g_once_init_leave (&self->self_signed, yes ? 2 : 1);
    }
  return self->self_signed == 2;
}

gboolean
ck_certificate_is_issued_by (CkCertificate *self,
                             CkCertificate *issuer)
{
  g_return_val_if_fail (CK_IS_CERTIFICATE (self), FALSE);
  g_return_val_if_fail (CK_IS_CERTIFICATE (issuer), FALSE);

  if (self == issuer || ck_certificate_equal (self, issuer))
    return ck_certificate_is_self_signed (self);

  return gnutls_x509_crt_check_issuer (get_crt (self), get_crt (issuer)) &&
         signature_verifies (self, issuer);
}
