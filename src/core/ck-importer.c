/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ck-importer.h"

#include <glib/gi18n-lib.h>
#include <gnutls/gnutls.h>
#include <gnutls/pkcs12.h>
#include <gnutls/pkcs7.h>
#include <gnutls/x509.h>
#include <string.h>

#include "ck-bounded-read.h"
#include "ck-error.h"
#include "ck-oid.h"
#include "ck-pem.h"
#include "ck-revocation-private.h"
#include "ck-pkcs7.h"
#include "ck-pkcs12.h"
#include "ck-store.h"
#include "ck-utils.h"

void ck_core_init (void);

/* Anything bigger is not a certificate file: refuse it before reading it
 * into memory. A 10,000-certificate bundle is about 20 MiB. */
/* A file of junk full of "-----BEGIN " lines gets this many error items,
 * then one that counts the rest. */
#define MAX_BLOCK_ERRORS 20

#define OID_PKCS7_DATA "1.2.840.113549.1.7.1"
#define OID_PKCS7_SIGNED "1.2.840.113549.1.7.2"

struct _CkImporter
{
  GObject parent_instance;

  CkStore *store;
  CkImportPlan *plan;

  CkPasswordFunc password_func;
  gpointer password_data;
  GDestroyNotify password_destroy;

  /* the plan is being changed by us (we recompute afterwards anyway) */
  gboolean changing_plan;
};

G_DEFINE_FINAL_TYPE (CkImporter, ck_importer, G_TYPE_OBJECT)

/* Set on an item once the store has been asked about it: the store does
 * not change while a plan is built, and asking again for every item after
 * every file would make adding N files O(N²) queries. */
static GQuark store_checked_quark;

/* What one input (or one unlock) produced. */
typedef struct {
  const char *file;   /* the name items carry */
  GPtrArray *items;   /* CkImportItem */
  GPtrArray *notes;   /* char *, "file, location: …" */
} Input;

static void
input_init (Input      *in,
            const char *file)
{
  in->file = file;
  in->items = g_ptr_array_new_with_free_func (g_object_unref);
  in->notes = g_ptr_array_new_with_free_func (g_free);
}

static void
input_clear (Input *in)
{
  g_clear_pointer (&in->items, g_ptr_array_unref);
  g_clear_pointer (&in->notes, g_ptr_array_unref);
}

static char *
make_source (const char *file,
             const char *location)
{
  if (location == NULL)
    return g_strdup (file);
  return g_strdup_printf ("%s, %s", file, location);
}

static void
input_add_error_literal (Input      *in,
                         const char *location,
                         int         code,
                         const char *reason)
{
  g_autofree char *source = make_source (in->file, location);
  g_autoptr(GError) error = g_error_new (CK_ERROR, code, "%s: %s", source, reason);

  g_ptr_array_add (in->items, ck_import_item_new_error (error, in->file, location));
}

static void
input_add_error (Input      *in,
                 const char *location,
                 int         code,
                 const char *format,
                 ...) G_GNUC_PRINTF (4, 5);

static void
input_add_error (Input      *in,
                 const char *location,
                 int         code,
                 const char *format,
                 ...)
{
  g_autofree char *reason = NULL;
  va_list args;

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);
  input_add_error_literal (in, location, code, reason);
}

static void
input_add_note (Input      *in,
                const char *location,
                const char *format,
                ...) G_GNUC_PRINTF (3, 4);

static void
input_add_note (Input      *in,
                const char *location,
                const char *format,
                ...)
{
  g_autofree char *source = make_source (in->file, location);
  g_autofree char *reason = NULL;
  va_list args;

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);
  g_ptr_array_add (in->notes, g_strdup_printf ("%s: %s", source, reason));
}

/* "wrong password" and friends: an error with the code it came with and
 * the source in front. */
static void
input_add_gerror (Input        *in,
                  const char   *location,
                  const GError *error)
{
  input_add_error_literal (in, location,
                           error->domain == CK_ERROR ? error->code : CK_ERROR_PARSE,
                           error->message);
}

static char *
location_join (const char *outer,
               const char *inner)
{
  if (outer == NULL)
    return g_strdup (inner);
  return g_strdup_printf ("%s, %s", outer, inner);
}

static void
wipe_password (char *password)
{
  if (password != NULL)
    {
      gnutls_memset (password, 0, strlen (password));
      g_free (password);
    }
}

/* ------------------------------------------------------------------ */
/* ASN.1 sniffing                                                      */

/* Just enough DER to tell what a blob means to be, even when it is
 * truncated or broken, so that a damaged certificate is reported as a
 * damaged certificate and not as an unknown format. */
typedef struct {
  guint8 tag;
  const guint8 *value;   /* start of the contents */
  gsize len;             /* declared length (or what is there, for BER
                          * indefinite lengths) */
  gsize avail;           /* contents actually present: <= len */
  const guint8 *next;    /* after this element (clamped to the data) */
} Tlv;

static gboolean
tlv_read (const guint8 *p,
          const guint8 *end,
          Tlv          *t)
{
  gsize len;
  guint8 first;

  if (p >= end || end - p < 2)
    return FALSE;
  t->tag = *p++;
  if ((t->tag & 0x1f) == 0x1f)
    return FALSE;   /* multi-byte tags appear in nothing we read */
  first = *p++;
  if (first < 0x80)
    len = first;
  else if (first == 0x80)
    len = end - p;  /* BER indefinite length (old PKCS#12 writers) */
  else
    {
      guint n = first & 0x7f;

      if (n > 4 || (gsize) (end - p) < n)
        return FALSE;
      len = 0;
      for (guint i = 0; i < n; i++)
        len = len << 8 | *p++;
    }
  t->value = p;
  t->len = len;
  t->avail = MIN (len, (gsize) (end - p));
  t->next = p + t->avail;
  return TRUE;
}

/* The @n-th (0-based) element inside a constructed @outer. */
static gboolean
tlv_child (const Tlv *outer,
           guint      n,
           Tlv       *child)
{
  const guint8 *p = outer->value;
  const guint8 *end = outer->value + outer->avail;

  for (guint i = 0; i <= n; i++)
    {
      if (!tlv_read (p, end, child))
        return FALSE;
      p = child->next;
    }
  return TRUE;
}

static guint
tlv_count_children (const Tlv *outer)
{
  const guint8 *p = outer->value;
  const guint8 *end = outer->value + outer->avail;
  Tlv child;
  guint n = 0;

  while (p < end && tlv_read (p, end, &child))
    {
      n++;
      p = child.next;
    }
  return n;
}

/* Small non-negative INTEGER, or -1. */
static gint64
tlv_small_int (const Tlv *t)
{
  gint64 v = 0;

  if (t->tag != 0x02 || t->avail == 0 || t->avail > 4 || (t->value[0] & 0x80))
    return -1;
  for (gsize i = 0; i < t->avail; i++)
    v = v << 8 | t->value[i];
  return v;
}

static char *
tlv_oid (const Tlv *t)
{
  GString *s;
  guint64 v = 0;
  gboolean first = TRUE;

  if (t->tag != 0x06 || t->avail == 0 || t->avail != t->len || t->avail > 64)
    return NULL;
  s = g_string_new (NULL);
  for (gsize i = 0; i < t->avail; i++)
    {
      v = v << 7 | (t->value[i] & 0x7f);
      if (v > G_MAXUINT32)
        break;
      if (t->value[i] & 0x80)
        continue;
      if (first)
        {
          guint arc1 = v < 40 ? 0 : v < 80 ? 1 : 2;
          g_string_append_printf (s, "%u.%" G_GUINT64_FORMAT, arc1, v - 40 * arc1);
          first = FALSE;
        }
      else
        g_string_append_printf (s, ".%" G_GUINT64_FORMAT, v);
      v = 0;
    }
  return g_string_free (s, FALSE);
}

typedef enum {
  SNIFF_UNKNOWN,
  SNIFF_CERTIFICATE,
  SNIFF_REQUEST,
  SNIFF_CRL,
  SNIFF_PKCS8,
  SNIFF_PKCS8_ENCRYPTED,
  SNIFF_RAW_KEY,          /* PKCS#1 RSA, SEC1 EC, OpenSSL DSA */
  SNIFF_PKCS12,
  SNIFF_PKCS7,
} Sniff;

static Sniff
sniff_tbs (const Tlv *tbs)
{
  Tlv t1, t2, t3, t4, inner;

  if (!tlv_child (tbs, 0, &t1))
    return SNIFF_CERTIFICATE;
  if (t1.tag == 0xa0)
    return SNIFF_CERTIFICATE;      /* [0] EXPLICIT version: v2/v3 certificate */
  if (t1.tag == 0x30)
    return SNIFF_CRL;              /* v1 CRL: signature AlgorithmIdentifier first */
  if (t1.tag != 0x02 || !tlv_child (tbs, 1, &t2))
    return SNIFF_CERTIFICATE;

  /* CertificationRequestInfo: version, subject Name (SEQUENCE OF SET),
   * SubjectPublicKeyInfo, [0] attributes. */
  if (t2.tag == 0x30 && tlv_child (tbs, 2, &t3) && t3.tag == 0x30 &&
      (!tlv_child (&t2, 0, &inner) || inner.tag == 0x31) &&
      (!tlv_child (tbs, 3, &t4) || t4.tag == 0xa0) &&
      tlv_count_children (tbs) <= 4)
    return SNIFF_REQUEST;

  /* v2 TBSCertList: version, signature, issuer, thisUpdate (a Time) */
  if (tlv_small_int (&t1) == 1 && t2.tag == 0x30 &&
      tlv_child (tbs, 3, &t4) && (t4.tag == 0x17 || t4.tag == 0x18))
    return SNIFF_CRL;

  return SNIFF_CERTIFICATE;        /* v1 certificate: serial first */
}

static Sniff
sniff_der (const guint8 *data,
           gsize         len,
           char        **oid_out)
{
  const guint8 *end = data + len;
  Tlv outer, c1, c2, c3;
  gint64 v;

  if (!tlv_read (data, end, &outer) || outer.tag != 0x30)
    return SNIFF_UNKNOWN;
  if (!tlv_child (&outer, 0, &c1))
    return SNIFF_UNKNOWN;

  switch (c1.tag)
    {
    case 0x06:
      {
        /* ContentInfo: a PKCS#7 / CMS structure */
        g_autofree char *oid = tlv_oid (&c1);

        if (oid != NULL && g_str_has_prefix (oid, "1.2.840.113549.1.7."))
          return SNIFF_PKCS7;
        return SNIFF_UNKNOWN;
      }

    case 0x30:
      if (!tlv_child (&outer, 1, &c2))
        return sniff_tbs (&c1);
      if (c2.tag == 0x04)
        return SNIFF_PKCS8_ENCRYPTED;   /* EncryptedPrivateKeyInfo */
      if (c2.tag == 0x30 && (!tlv_child (&outer, 2, &c3) || c3.tag == 0x03))
        return sniff_tbs (&c1);         /* signed: tbs, algorithm, signature */
      return SNIFF_UNKNOWN;

    case 0x02:
      v = tlv_small_int (&c1);
      if (!tlv_child (&outer, 1, &c2))
        return SNIFF_UNKNOWN;
      if (v == 3 && c2.tag == 0x30)
        {
          Tlv oid_tlv;

          /* PFX: version 3, authSafe ContentInfo, macData */
          if (tlv_child (&c2, 0, &oid_tlv) && oid_tlv.tag == 0x06)
            return SNIFF_PKCS12;
          return SNIFF_UNKNOWN;
        }
      if ((v == 0 || v == 1) && c2.tag == 0x30)
        {
          /* PrivateKeyInfo / OneAsymmetricKey: version, algorithm, key */
          Tlv alg;

          if (oid_out != NULL && tlv_child (&c2, 0, &alg))
            *oid_out = tlv_oid (&alg);
          return SNIFF_PKCS8;
        }
      if (v == 1 && c2.tag == 0x04)
        return SNIFF_RAW_KEY;           /* SEC1 ECPrivateKey */
      if (v == 0 && c2.tag == 0x02)
        return SNIFF_RAW_KEY;           /* PKCS#1 RSA, OpenSSL DSA */
      return SNIFF_UNKNOWN;

    default:
      return SNIFF_UNKNOWN;
    }
}

/* ------------------------------------------------------------------ */
/* Certificates, requests, PKCS#7                                      */

/* CkCertificate and CkRequest start their parse errors with "not a valid
 * …" already, in English or in the user's language: not said twice. */
static gboolean
says_not_valid (const char *message)
{
  return g_str_has_prefix (message, "not a valid") ||
         /* Translators: must be how the "not a valid X.509 certificate: …"
          * messages begin in your language. */
         g_str_has_prefix (message, _("not a valid X.509 certificate")) ||
         /* Translators: must be how the "not a valid certificate request: …"
          * messages begin in your language. */
         g_str_has_prefix (message, _("not a valid certificate request"));
}

static void
add_certificate (Input      *in,
                 GBytes     *der,
                 const char *location,
                 const char *label)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CkCertificate) cert = ck_certificate_new_from_der_light (der, &error);
  CkImportItem *item;

  if (cert == NULL)
    {
      /* CkCertificate may say "not a valid X.509 certificate" already */
      input_add_error (in, location, error->code, "%s%s",
                       says_not_valid (error->message) ? "" :
                       _("not a valid certificate: "), error->message);
      return;
    }
  item = ck_import_item_new_certificate (cert, in->file, location);
  if (label != NULL)
    ck_import_item_set_label (item, label);
  g_ptr_array_add (in->items, item);
}

static void
add_request (Input      *in,
             GBytes     *der,
             const char *location)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CkRequest) request = ck_request_new_from_der (der, &error);

  if (request == NULL)
    {
      input_add_error (in, location, error->code, "%s%s",
                       says_not_valid (error->message) ? "" :
                       _("not a valid certificate request: "), error->message);
      return;
    }
  g_ptr_array_add (in->items, ck_import_item_new_request (request, in->file, location));
}

/* OpenSSL's TRUSTED CERTIFICATE is the certificate followed by its
 * X509_CERT_AUX (trusted uses, rejected uses, alias). Only the certificate
 * is taken: importing never makes anything trusted. */
static void
add_crl (Input      *in,
         GBytes     *der,
         const char *location)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CkCrl) crl = ck_crl_new_from_der (der, &error);

  if (crl == NULL)
    {
      input_add_error (in, location, error->code, _("not a valid certificate revocation list: %s"),
                       error->message);
      return;
    }
  g_ptr_array_add (in->items, ck_import_item_new_crl (crl, in->file, location));
}

static void
add_trusted_certificate (Input      *in,
                         GBytes     *der,
                         const char *location)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (der, &len);
  Tlv cert;
  g_autoptr(GBytes) cert_der = NULL;

  if (!tlv_read (data, data + len, &cert) || cert.tag != 0x30 ||
      cert.avail != cert.len)
    {
      add_certificate (in, der, location, NULL);
      return;
    }
  cert_der = g_bytes_new_from_bytes (der, 0, cert.next - data);
  add_certificate (in, cert_der, location, NULL);
  if (cert.next < data + len)
    input_add_note (in, location,
                    _("the OpenSSL trust settings that follow the certificate were "
                    "ignored: importing never makes a certificate trusted"));
}

static void
add_pkcs7 (Input      *in,
           GBytes     *der,
           const char *location)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) certs = NULL;
  guint n_crls = 0;

  certs = ck_pkcs7_read_certificates (der, &n_crls, &error);
  if (certs == NULL)
    {
      input_add_gerror (in, location, error);
      return;
    }

  for (guint i = 0; i < certs->len; i++)
    {
      GBytes *cert_der = g_ptr_array_index (certs, i);
      g_autofree char *inner = g_strdup_printf (_("certificate %d"), (int) i + 1);
      g_autofree char *where = location_join (location, inner);

      if (cert_der == NULL)
        input_add_error_literal (in, where, CK_ERROR_PARSE,
                                 _("cannot read the certificate: not an X.509 "
                                   "certificate (an attribute certificate?)"));
      else
        add_certificate (in, cert_der, where, NULL);
    }

  if (n_crls > 0)
    {
      g_autoptr(GPtrArray) crls = ck_pkcs7_read_crls (der, NULL);

      for (guint i = 0; crls != NULL && i < crls->len; i++)
        {
          g_autofree char *inner = g_strdup_printf (_("CRL %d"), (int) i + 1);
          g_autofree char *where = location_join (location, inner);

          add_crl (in, g_ptr_array_index (crls, i), where);
        }
    }
  if (certs->len == 0 && n_crls == 0)
    input_add_note (in, location, _("the PKCS#7 structure holds no certificates"));
}

/* ------------------------------------------------------------------ */
/* Private keys                                                        */

static const char *
gnutls_version_string (void)
{
  return gnutls_check_version (NULL);
}

/* The encryption parameters of an EncryptedPrivateKeyInfo, checked before
 * any decryption: a scheme this GnuTLS lacks is refused without asking
 * for a password, and so is an absurd iteration count. */
static gboolean
check_pkcs8_scheme (const gnutls_datum_t *datum,
                    GError              **error)
{
  unsigned int schema = 0, cipher = 0, salt_size = 0, iter = 0;
  char *oid = NULL;
  int ret;

  ret = gnutls_pkcs8_info (datum, GNUTLS_X509_FMT_DER, &schema, &cipher,
                           NULL, &salt_size, &iter, &oid);
  if (ret == GNUTLS_E_SHORT_MEMORY_BUFFER)
    ret = 0;
  if (ret < 0 && ck_error_code_from_gnutls (ret) == CK_ERROR_UNSUPPORTED)
    g_set_error (error, CK_ERROR, CK_ERROR_UNSUPPORTED,
                 _("the key is encrypted with %s, which is not supported by "
                 "this GnuTLS version (%s)"),
                 oid != NULL ? oid : _("an unknown scheme"), gnutls_version_string ());
  else if (ret < 0)
    g_set_error (error, CK_ERROR, ck_error_code_from_gnutls (ret),
                 _("not a valid encrypted private key: %s"), gnutls_strerror (ret));
  gnutls_free (oid);
  return ret >= 0 && ck_check_kdf_iterations (iter, error);
}

/* Wraps a parsed gnutls key into an item. The consistency check `certtool
 * -k` makes (an RSA key with an even prime factor, an EC point not on the
 * curve) is ck_private_key_new_from_x509()'s: it is most of the cost of a
 * key (recomputing the public half), so it runs once. Takes ownership of
 * @key. */
static gboolean
make_key_item (gnutls_x509_privkey_t key,
               Input                *in,
               const char           *location,
               const char           *label,
               GError              **error)
{
  g_autoptr(CkPrivateKey) pk = NULL;
  CkImportItem *item;

  pk = ck_private_key_new_from_x509 (key, error);
  if (pk == NULL)
    return FALSE;

  item = ck_import_item_new_private_key (pk, in->file, location);
  if (label != NULL)
    ck_import_item_set_label (item, label);
  g_ptr_array_add (in->items, item);
  return TRUE;
}

/* A failed gnutls key import: say "not supported by this GnuTLS" when the
 * algorithm is one it does not know (ML-DSA on 3.7), else why it failed. */
static void
set_key_error (GError    **error,
               int         ret,
               const char *alg_oid)
{
  if (alg_oid != NULL && gnutls_oid_to_pk (alg_oid) == GNUTLS_PK_UNKNOWN)
    g_set_error (error, CK_ERROR, CK_ERROR_UNSUPPORTED,
                 _("%s keys are not supported by this GnuTLS version (%s)"),
                 ck_oid_get_pk_algorithm_name (alg_oid), gnutls_version_string ());
  else if (ck_error_code_from_gnutls (ret) == CK_ERROR_UNSUPPORTED)
    g_set_error (error, CK_ERROR, CK_ERROR_UNSUPPORTED,
                 _("%s: not supported by this GnuTLS version (%s)"),
                 gnutls_strerror (ret), gnutls_version_string ());
  else
    g_set_error (error, CK_ERROR, ck_error_code_from_gnutls (ret),
                 _("not a valid private key: %s"), gnutls_strerror (ret));
}

static void
add_plain_key (Input      *in,
               GBytes     *der,
               const char *location,
               gboolean    pkcs8)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *alg_oid = NULL;
  gnutls_x509_privkey_t key = NULL;
  gnutls_datum_t datum;
  int ret;

  datum.data = (guchar *) g_bytes_get_data (der, NULL);
  datum.size = g_bytes_get_size (der);

  gnutls_x509_privkey_init (&key);
  if (pkcs8)
    ret = gnutls_x509_privkey_import_pkcs8 (key, &datum, GNUTLS_X509_FMT_DER,
                                            NULL, GNUTLS_PKCS_PLAIN);
  else
    ret = gnutls_x509_privkey_import (key, &datum, GNUTLS_X509_FMT_DER);

  if (ret < 0)
    {
      gnutls_x509_privkey_deinit (key);
      if (pkcs8)
        sniff_der (datum.data, datum.size, &alg_oid);
      set_key_error (&error, ret, alg_oid);
    }
  else
    make_key_item (key, in, location, NULL, &error);

  if (error != NULL)
    input_add_gerror (in, location, error);
}

/* ------------------------------------------------------------------ */
/* Locked items: encrypted PKCS#8, legacy PEM, PKCS#12                  */

static gboolean
open_pkcs8 (Input       *in,
            GBytes      *data,
            const char  *location,
            const char  *label,
            const char  *password,
            GError     **error)
{
  gnutls_x509_privkey_t key = NULL;
  gnutls_datum_t datum;
  int ret;

  datum.data = (guchar *) g_bytes_get_data (data, NULL);
  datum.size = g_bytes_get_size (data);

  if (!check_pkcs8_scheme (&datum, error))
    return FALSE;

  gnutls_x509_privkey_init (&key);
  /* Some schemes tell a NULL password from an empty one. */
  ret = gnutls_x509_privkey_import_pkcs8 (key, &datum, GNUTLS_X509_FMT_DER,
                                          password,
                                          password == NULL ? GNUTLS_PKCS_NULL_PASSWORD : 0);
  if (ret < 0)
    {
      gnutls_x509_privkey_deinit (key);
      if (ret == GNUTLS_E_DECRYPTION_FAILED)
        g_set_error (error, CK_ERROR, CK_ERROR_BAD_PASSWORD,
                     _("the password is wrong (or the key is damaged)"));
      else
        set_key_error (error, ret, NULL);
      return FALSE;
    }

  return make_key_item (key, in, location, label, error);
}

static gboolean
open_legacy_pem (Input       *in,
                 GBytes      *data,
                 const char  *location,
                 const char  *password,
                 GError     **error)
{
  gnutls_x509_privkey_t key = NULL;
  gnutls_datum_t datum;
  int ret;

  if (password == NULL)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_PASSWORD_REQUIRED,
                   _("the key is encrypted"));
      return FALSE;
    }

  datum.data = (guchar *) g_bytes_get_data (data, NULL);
  datum.size = g_bytes_get_size (data);

  gnutls_x509_privkey_init (&key);
  ret = gnutls_x509_privkey_import_openssl (key, &datum, password);
  if (ret < 0)
    {
      gnutls_x509_privkey_deinit (key);
      /* A wrong password shows up as bad padding or as garbage where the
       * key should be. */
      if (ret == GNUTLS_E_DECRYPTION_FAILED || ret == GNUTLS_E_ASN1_DER_ERROR ||
          ret == GNUTLS_E_ASN1_TAG_ERROR || ret == GNUTLS_E_ASN1_GENERIC_ERROR)
        g_set_error (error, CK_ERROR, CK_ERROR_BAD_PASSWORD,
                     _("the password is wrong (or the key is damaged)"));
      else
        set_key_error (error, ret, NULL);
      return FALSE;
    }
  return make_key_item (key, in, location, NULL, error);
}

static gboolean
open_pkcs12 (Input       *in,
             GBytes      *data,
             const char  *location,
             const char  *password,
             GError     **error)
{
  g_autoptr(GPtrArray) bags = NULL;
  gboolean has_mac = FALSE;
  guint first_item = in->items->len;
  guint first_note = in->notes->len;

  bags = ck_pkcs12_read_bags (data, password, &has_mac, error);
  if (bags == NULL)
    return FALSE;

  for (guint i = 0; i < bags->len; i++)
    {
      CkPkcs12Bag *safe = g_ptr_array_index (bags, i);
      g_autofree char *inner = NULL;
      g_autofree char *where = NULL;
      g_autoptr(GError) local_error = NULL;

      switch (safe->type)
        {
        case GNUTLS_BAG_CERTIFICATE:
          inner = g_strdup_printf (_("bag %u (certificate)"), i + 1);
          where = location_join (location, inner);
          if (safe->der == NULL)
            break;
          add_certificate (in, safe->der, where, safe->friendly_name);
          break;

        case GNUTLS_BAG_PKCS8_ENCRYPTED_KEY:
        case GNUTLS_BAG_PKCS8_KEY:
          inner = g_strdup_printf (_("bag %u (private key)"), i + 1);
          where = location_join (location, inner);
          if (safe->der == NULL)
            break;
          if (safe->type == GNUTLS_BAG_PKCS8_KEY)
            {
              g_autoptr(GBytes) der = g_bytes_ref (safe->der);
              guint before = in->items->len;

              add_plain_key (in, der, where, TRUE);
              if (in->items->len > before && safe->friendly_name != NULL)
                ck_import_item_set_label (g_ptr_array_index (in->items, before),
                                          safe->friendly_name);
            }
          else if (!open_pkcs8 (in, safe->der, where, safe->friendly_name,
                                password, &local_error))
            {
              /* The MAC vouched for the password: a failure here is the
               * key's, unless there was no MAC. */
              if (has_mac && local_error->code == CK_ERROR_BAD_PASSWORD)
                {
                  g_clear_error (&local_error);
                  g_set_error (&local_error, CK_ERROR, CK_ERROR_PARSE,
                               _("the key does not decrypt with the password that "
                               "opened the file"));
                }
              g_propagate_prefixed_error (error, g_steal_pointer (&local_error),
                                          "%s: ", inner);
              goto fail;
            }
          break;

        case GNUTLS_BAG_CRL:
          inner = g_strdup_printf (_("bag %u (CRL)"), i + 1);
          where = location_join (location, inner);
          if (safe->der != NULL)
            add_crl (in, safe->der, where);
          break;

        case GNUTLS_BAG_EMPTY:
          break;

        case GNUTLS_BAG_SECRET:
        case GNUTLS_BAG_ENCRYPTED:
        case GNUTLS_BAG_UNKNOWN:
        default:
          inner = g_strdup_printf (_("bag %u"), i + 1);
          where = location_join (location, inner);
          input_add_note (in, where, _("skipped: not a certificate or private key"));
          break;
        }
    }

  /* All or nothing: a PKCS#12 with one unreadable bag is not imported in
   * part (the errors would block the commit anyway; say it once). */
  for (guint i = first_item; i < in->items->len; i++)
    {
      CkImportItem *item = g_ptr_array_index (in->items, i);

      if (ck_import_item_get_kind (item) == CK_IMPORT_ITEM_ERROR)
        {
          const GError *item_error = ck_import_item_get_error (item);
          g_autofree char *prefix = make_source (in->file, location);
          const char *msg = item_error->message;

          if (g_str_has_prefix (msg, prefix) && msg[strlen (prefix)] == ',')
            msg += strlen (prefix) + 2;
          g_set_error_literal (error, CK_ERROR, item_error->code, msg);
          goto fail;
        }
    }

  return TRUE;

fail:
  /* nothing of a PKCS#12 that failed stays behind */
  g_ptr_array_remove_range (in->items, first_item, in->items->len - first_item);
  g_ptr_array_remove_range (in->notes, first_note, in->notes->len - first_note);
  return FALSE;
}

/* Only the PKCS#12 key derivation (PKCS#12 files, PKCS#8 with PKCS#12
 * schemes) encodes a NULL password differently from an empty one; for
 * PBES2 trying both would only run the (slow) key derivation twice. */
static gboolean
pkcs8_tells_null_from_empty (const char *format,
                             GBytes     *data)
{
  unsigned int schema = 0, cipher = 0, salt_size = 0, iter = 0;
  gnutls_datum_t datum;
  char *oid = NULL;
  int ret;

  if (!g_str_equal (format, "pkcs8"))
    return TRUE;

  datum.data = (guchar *) g_bytes_get_data (data, NULL);
  datum.size = g_bytes_get_size (data);
  ret = gnutls_pkcs8_info (&datum, GNUTLS_X509_FMT_DER, &schema, &cipher,
                           NULL, &salt_size, &iter, &oid);
  gnutls_free (oid);
  if (ret < 0 && ret != GNUTLS_E_SHORT_MEMORY_BUFFER)
    return TRUE;
  return (schema & (GNUTLS_PKCS_PKCS12_3DES | GNUTLS_PKCS_PKCS12_ARCFOUR |
                    GNUTLS_PKCS_PKCS12_RC2_40)) != 0;
}

/* Opens a locked blob; its items go to @in. A NULL or empty password
 * tries both forms: PKCS#12 key derivation tells them apart, and a person
 * who typed nothing means whichever the file uses. */
static gboolean
open_locked (Input       *in,
             GBytes      *data,
             const char  *format,
             const char  *location,
             const char  *password,
             GError     **error)
{
  const char *forms[2] = { password, NULL };
  guint n_forms = 1;
  gboolean ok = FALSE;

  if (password == NULL || *password == '\0')
    {
      forms[0] = NULL;
      forms[1] = "";
      n_forms = pkcs8_tells_null_from_empty (format, data) ? 2 : 1;
      if (n_forms == 1)
        forms[0] = "";
    }

  for (guint i = 0; i < n_forms && !ok; i++)
    {
      g_autoptr(GError) local_error = NULL;

      if (g_str_equal (format, "pkcs12"))
        ok = open_pkcs12 (in, data, location, forms[i], &local_error);
      else if (g_str_equal (format, "pkcs8"))
        ok = open_pkcs8 (in, data, location, NULL, forms[i], &local_error);
      else if (g_str_equal (format, "legacy-pem"))
        ok = open_legacy_pem (in, data, location, forms[i], &local_error);
      else
        g_set_error (&local_error, CK_ERROR, CK_ERROR_INVALID,
                     _("unknown encrypted format “%s”"), format);

      if (!ok)
        {
          gboolean retry = i + 1 < n_forms &&
            (local_error->code == CK_ERROR_BAD_PASSWORD ||
             local_error->code == CK_ERROR_PASSWORD_REQUIRED);

          if (!retry)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
        }
    }
  return ok;
}

/* An encrypted thing found while adding input: opened right away when it
 * needs no password or the callback gives the right one, else a locked
 * item. */
static void
add_lockable (CkImporter *self,
              Input      *in,
              GBytes     *data,
              const char *format,
              const char *location)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CkImportItem) locked = NULL;

  if (open_locked (in, data, format, location, NULL, &error))
    return;
  if (error->code != CK_ERROR_BAD_PASSWORD && error->code != CK_ERROR_PASSWORD_REQUIRED)
    {
      input_add_gerror (in, location, error);
      return;
    }

  locked = ck_import_item_new_locked (data, format, in->file, location);
  if (self->password_func != NULL)
    {
      for (guint attempt = 0; ; attempt++)
        {
          char *password = self->password_func (locked, attempt, self->password_data);
          gboolean ok;

          if (password == NULL)
            break;
          g_clear_error (&error);
          ok = open_locked (in, data, format, location, password, &error);
          wipe_password (password);
          if (ok)
            return;
          if (error->code != CK_ERROR_BAD_PASSWORD)
            {
              input_add_gerror (in, location, error);
              return;
            }
        }
    }
  g_ptr_array_add (in->items, g_steal_pointer (&locked));
}

static void
add_pkcs8_encrypted (CkImporter *self,
                     Input      *in,
                     GBytes     *der,
                     const char *location)
{
  g_autoptr(GError) error = NULL;
  gnutls_datum_t datum;

  datum.data = (guchar *) g_bytes_get_data (der, NULL);
  datum.size = g_bytes_get_size (der);

  if (!check_pkcs8_scheme (&datum, &error))
    {
      input_add_gerror (in, location, error);
      return;
    }

  add_lockable (self, in, der, "pkcs8", location);
}

static void
add_pkcs12 (CkImporter *self,
            Input      *in,
            GBytes     *der,
            const char *location)
{
  g_autoptr(GError) error = NULL;

  if (!ck_pkcs12_check (der, &error))
    {
      input_add_gerror (in, location, error);
      return;
    }

  add_lockable (self, in, der, "pkcs12", location);
}

/* ------------------------------------------------------------------ */
/* Input dispatch                                                      */

static gboolean
is_crl (const guint8 *data,
        gsize         len)
{
  gnutls_x509_crl_t crl = NULL;
  gnutls_datum_t datum = { (unsigned char *) data, (unsigned int) len };
  gboolean ok;

  if (len > G_MAXUINT || gnutls_x509_crl_init (&crl) < 0)
    return FALSE;
  ok = gnutls_x509_crl_import (crl, &datum, GNUTLS_X509_FMT_DER) >= 0;
  gnutls_x509_crl_deinit (crl);
  return ok;
}

static void
add_der (CkImporter *self,
         Input      *in,
         GBytes     *der,
         const char *location)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (der, &len);

  switch (sniff_der (data, len, NULL))
    {
    case SNIFF_CERTIFICATE:
      add_certificate (in, der, location, NULL);
      break;
    case SNIFF_REQUEST:
      add_request (in, der, location);
      break;
    case SNIFF_CRL:
      /* Only the outline was sniffed: nested SEQUENCEs of anything look
       * like a v1 CRL. Only a real one is taken as a CRL. */
      if (is_crl (data, len))
        add_crl (in, der, location);
      else
        input_add_error (in, location, CK_ERROR_PARSE,
                         _("not a certificate, key, request, CRL, PKCS#7 or PKCS#12 file: "
                           "ASN.1 DER data (nested SEQUENCEs) of no kind Certkeeper knows"));
      break;
    case SNIFF_PKCS8:
      add_plain_key (in, der, location, TRUE);
      break;
    case SNIFF_PKCS8_ENCRYPTED:
      add_pkcs8_encrypted (self, in, der, location);
      break;
    case SNIFF_RAW_KEY:
      add_plain_key (in, der, location, FALSE);
      break;
    case SNIFF_PKCS12:
      add_pkcs12 (self, in, der, location);
      break;
    case SNIFF_PKCS7:
      add_pkcs7 (in, der, location);
      break;
    case SNIFF_UNKNOWN:
    default:
      input_add_error (in, location, CK_ERROR_PARSE,
                       _("not a certificate, key, request, PKCS#7 or PKCS#12 file"));
      break;
    }
}

static gboolean
label_is (const CkPemBlock *block,
          const char       *label)
{
  return g_str_equal (block->label, label);
}

static gboolean
label_is_one_of (const CkPemBlock   *block,
                 const char * const *labels)
{
  return g_strv_contains (labels, block->label);
}

static void
add_pem_block (CkImporter *self,
               Input      *in,
               const char *data,
               CkPemBlock *block)
{
  static const char * const legacy_keys[] = {
    "RSA PRIVATE KEY", "EC PRIVATE KEY", "DSA PRIVATE KEY", NULL
  };
  static const char * const pkcs7[] = {
    "PKCS7", "PKCS #7 SIGNED DATA", "CMS", NULL
  };
  static const char * const requests[] = {
    "CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST", NULL
  };
  /* Well-formed things with no place in the store. They are reported as
   * notes, not errors: an error item blocks the commit, and a CA bundle
   * that carries a CRL or a public key next to its certificates is
   * normal; nothing the user wants kept is lost. A file holding nothing
   * else still fails ("nothing to import"). */
  static const char * const ignored[] = {
    "PUBLIC KEY", "RSA PUBLIC KEY", "DH PARAMETERS",
    "X9.42 DH PARAMETERS", "EC PARAMETERS", "DSA PARAMETERS", NULL
  };
  const char *location = block->location;

  if (block->error != NULL)
    {
      const char *reason = block->error->message;

      /* the tokenizer's message starts with the location already */
      if (g_str_has_prefix (reason, location) && reason[strlen (location)] == ':')
        reason += strlen (location) + 2;
      input_add_error_literal (in, location, block->error->code, reason);
      return;
    }

  if (label_is (block, "CERTIFICATE") || label_is (block, "X509 CERTIFICATE"))
    add_certificate (in, block->der, location, NULL);
  else if (label_is (block, "TRUSTED CERTIFICATE"))
    add_trusted_certificate (in, block->der, location);
  else if (label_is_one_of (block, requests))
    add_request (in, block->der, location);
  else if (label_is (block, "X509 CRL"))
    add_crl (in, block->der, location);
  else if (label_is (block, "PRIVATE KEY"))
    add_plain_key (in, block->der, location, TRUE);
  else if (label_is (block, "ENCRYPTED PRIVATE KEY"))
    add_pkcs8_encrypted (self, in, block->der, location);
  else if (label_is_one_of (block, legacy_keys))
    {
      const char *proc_type = ck_pem_block_get_header (block, "Proc-Type");

      if (proc_type != NULL && strstr (proc_type, "ENCRYPTED") != NULL)
        {
          /* gnutls_x509_privkey_import_openssl() wants the armour. */
          g_autoptr(GBytes) armour = g_bytes_new (data + block->offset, block->length);

          add_lockable (self, in, armour, "legacy-pem", location);
        }
      else
        add_plain_key (in, block->der, location, FALSE);
    }
  else if (label_is_one_of (block, pkcs7))
    add_pkcs7 (in, block->der, location);
  else if (label_is (block, "PKCS12"))
    add_pkcs12 (self, in, block->der, location);
  else if (label_is_one_of (block, ignored))
    input_add_note (in, location, _("skipped: Certkeeper does not keep this kind of object"));
  else
    input_add_note (in, location, _("skipped: unknown PEM block type"));
}

/* A file that gave only notes failed as far as the user is concerned. */
static void
input_check_not_empty (Input *in)
{
  if (in->items->len == 0)
    {
      const char *why = in->notes->len > 0 ? in->notes->pdata[0] : NULL;
      gsize skip = strlen (in->file) + 2;

      if (why != NULL && strlen (why) > skip)
        input_add_error (in, NULL, CK_ERROR_PARSE, _("nothing to import (%s)"), why + skip);
      else
        input_add_error (in, NULL, CK_ERROR_PARSE, _("nothing to import"));
    }
}

static void
add_data (CkImporter *self,
          Input      *in,
          GBytes     *bytes)
{
  gsize len;
  const char *data = g_bytes_get_data (bytes, &len);
  const char *problem;

  if (len == 0)
    {
      input_add_error (in, NULL, CK_ERROR_PARSE, _("the file is empty"));
      return;
    }
  if (len > CK_MAX_INPUT_SIZE)
    {
      g_autofree char *limit = ck_format_size_limit (CK_MAX_INPUT_SIZE);

      input_add_error (in, NULL, CK_ERROR_INVALID, _("too large: more than the limit of %s"),
                       limit);
      return;
    }

  problem = ck_pem_encoding_problem (data, len);
  if (problem != NULL)
    {
      input_add_error_literal (in, NULL, CK_ERROR_PARSE, problem);
      return;
    }

  if (ck_pem_has_blocks (data, len))
    {
      g_autoptr(GPtrArray) blocks = NULL;
      guint n_more = 0;

      blocks = ck_pem_parse (data, len, MAX_BLOCK_ERRORS, &n_more);
      for (guint i = 0; i < blocks->len; i++)
        add_pem_block (self, in, data, g_ptr_array_index (blocks, i));
      if (n_more > 0)
        input_add_error (in, NULL, CK_ERROR_PARSE,
                         ngettext ("%u more broken PEM block not listed",
                                   "%u more broken PEM blocks not listed", n_more),
                         n_more);
    }
  else
    add_der (self, in, bytes, NULL);

  input_check_not_empty (in);
}

/* ------------------------------------------------------------------ */
/* Pairing and duplicates                                              */

static gboolean
cert_is_ca (CkImportItem *item)
{
  return ck_certificate_is_ca (ck_import_item_get_certificate (item));
}

static void
check_store (CkImporter   *self,
             CkImportItem *item)
{
  const char *fp = ck_import_item_get_fingerprint (item);
  const char *spki = ck_import_item_get_spki_sha256 (item);

  if (g_object_get_qdata (G_OBJECT (item), store_checked_quark) != NULL)
    return;
  g_object_set_qdata (G_OBJECT (item), store_checked_quark, GINT_TO_POINTER (1));

  switch (ck_import_item_get_kind (item))
    {
    case CK_IMPORT_ITEM_CERTIFICATE:
      {
        gint64 key_id = ck_store_find_key (self->store, spki);
        CkStoredKey *key = key_id != 0 ? ck_store_get_key_row (self->store, key_id) : NULL;

        ck_import_item_set_existing_id (item, ck_store_find_certificate (self->store, fp));
        ck_import_item_set_store_partner_id (item, key_id);
        ck_import_item_set_store_partner_name (item, key != NULL ? ck_stored_key_get_display_name (key)
                                                                 : NULL, 1);
      }
      break;
    case CK_IMPORT_ITEM_PRIVATE_KEY:
      {
        g_autoptr(GArray) certs = ck_store_find_certificates_for_key (self->store, spki);
        gint64 cert_id = certs != NULL && certs->len > 0 ? g_array_index (certs, gint64, 0) : 0;
        CkStoredCertificate *cert = cert_id != 0 ? ck_store_get_certificate_row (self->store, cert_id)
                                                 : NULL;

        ck_import_item_set_existing_id (item, ck_store_find_key (self->store, spki));
        ck_import_item_set_store_partner_id (item, cert_id);
        ck_import_item_set_store_partner_name (item,
                                               cert != NULL ? ck_stored_certificate_get_display_name (cert)
                                                            : NULL,
                                               certs != NULL ? certs->len : 0);
      }
      break;
    case CK_IMPORT_ITEM_REQUEST:
      ck_import_item_set_existing_id (item, ck_store_find_request (self->store, fp));
      ck_import_item_set_store_partner_id (item, ck_store_find_key (self->store, spki));
      break;
    case CK_IMPORT_ITEM_CRL:
      ck_import_item_set_existing_id (item, ck_revocation_store_find_crl (self->store, fp));
      break;
    case CK_IMPORT_ITEM_LOCKED:
    case CK_IMPORT_ITEM_ERROR:
    default:
      break;
    }
}

/* Duplicates, pairs and what the store has, over @items (what the plan
 * holds or is about to hold), in one pass with hash tables: linear in its
 * size. */
static void
recompute_items (CkImporter *self,
                 GPtrArray  *items)
{
  guint n = items->len;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) key_by_spki = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) cert_by_spki = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GHashTable) request_by_spki = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) fp_keys = g_ptr_array_new_with_free_func (g_free);

  for (guint i = 0; i < n; i++)
    {
      CkImportItem *item = g_ptr_array_index (items, i);
      CkImportItemKind kind = ck_import_item_get_kind (item);
      const char *fp = ck_import_item_get_fingerprint (item);
      const char *spki = ck_import_item_get_spki_sha256 (item);
      char *seen_key;
      gboolean duplicate;

      if (fp == NULL)
        continue;

      /* kinds apart: a key's identity is its SPKI, which its request has
       * too */
      seen_key = g_strdup_printf ("%d:%s", kind, fp);
      g_ptr_array_add (fp_keys, seen_key);
      duplicate = !g_hash_table_add (seen, seen_key);
      ck_import_item_set_duplicate (item, duplicate);

      if (self->store != NULL)
        check_store (self, item);

      if (duplicate || spki == NULL)
        continue;

      switch (kind)
        {
        case CK_IMPORT_ITEM_PRIVATE_KEY:
          g_hash_table_insert (key_by_spki, (gpointer) spki, item);
          break;
        case CK_IMPORT_ITEM_CERTIFICATE:
          {
            CkImportItem *prev = g_hash_table_lookup (cert_by_spki, spki);

            /* The key's partner is the first end-entity certificate for
             * it, else the first one. */
            if (prev == NULL || (cert_is_ca (prev) && !cert_is_ca (item)))
              g_hash_table_insert (cert_by_spki, (gpointer) spki, item);
          }
          break;
        case CK_IMPORT_ITEM_REQUEST:
          if (!g_hash_table_contains (request_by_spki, spki))
            g_hash_table_insert (request_by_spki, (gpointer) spki, item);
          break;
        case CK_IMPORT_ITEM_LOCKED:
        case CK_IMPORT_ITEM_ERROR:
        default:
          break;
        }
    }

  for (guint i = 0; i < n; i++)
    {
      CkImportItem *item = g_ptr_array_index (items, i);
      const char *spki = ck_import_item_get_spki_sha256 (item);
      CkImportItem *partner = NULL;

      if (spki != NULL && !ck_import_item_get_duplicate (item))
        {
          switch (ck_import_item_get_kind (item))
            {
            case CK_IMPORT_ITEM_PRIVATE_KEY:
              partner = g_hash_table_lookup (cert_by_spki, spki);
              if (partner == NULL)
                partner = g_hash_table_lookup (request_by_spki, spki);
              break;
            case CK_IMPORT_ITEM_CERTIFICATE:
            case CK_IMPORT_ITEM_REQUEST:
              partner = g_hash_table_lookup (key_by_spki, spki);
              break;
            case CK_IMPORT_ITEM_LOCKED:
            case CK_IMPORT_ITEM_ERROR:
            default:
              break;
            }
        }
      ck_import_item_set_partner (item, partner);
    }
}

/* The plan's items as they are now (borrowed: the plan keeps them). */
static GPtrArray *
plan_items (CkImporter *self,
            guint       reserve)
{
  guint n = ck_import_plan_get_n_items (self->plan);
  GPtrArray *items = g_ptr_array_sized_new (n + reserve);

  for (guint i = 0; i < n; i++)
    g_ptr_array_add (items, ck_import_plan_get_item (self->plan, i));
  return items;
}

static void
recompute (CkImporter *self)
{
  g_autoptr(GPtrArray) items = plan_items (self, 0);

  recompute_items (self, items);
}

static void
plan_items_changed_cb (GListModel *model,
                       guint       position,
                       guint       removed,
                       guint       added,
                       CkImporter *self)
{
  /* Someone else edited the plan (the import dialog drops an item):
   * duplicates and pairs may have changed. */
  if (!self->changing_plan)
    recompute (self);
}

/* The importer's own changes to the plan: pairs, duplicates and store
 * matches are worked out on the list the plan is about to have, before it
 * changes, so that whoever sees items-changed (the import dialog counting
 * what is new, a row being bound) already sees the final state: a key
 * paired with the certificate that came out of the same PKCS#12, an item
 * already in the store. */
static void
plan_replace (CkImporter   *self,
              CkImportItem *item,
              GPtrArray    *replacements)
{
  guint n = ck_import_plan_get_n_items (self->plan);
  g_autoptr(GPtrArray) items = g_ptr_array_sized_new (n + replacements->len);

  for (guint i = 0; i < n; i++)
    {
      CkImportItem *current = ck_import_plan_get_item (self->plan, i);

      if (current != item)
        g_ptr_array_add (items, current);
      else
        for (guint j = 0; j < replacements->len; j++)
          g_ptr_array_add (items, g_ptr_array_index (replacements, j));
    }
  recompute_items (self, items);

  self->changing_plan = TRUE;
  ck_import_plan_replace (self->plan, item, replacements);
  self->changing_plan = FALSE;
}

/* Whether one of @items (certificates) issued @crl: TRUE when one
 * verifies it; FALSE with the failure of one whose name matched, or with
 * CK_ERROR_NOT_FOUND when none has the CRL's issuer as its subject. */
static gboolean
crl_issuer_among (CkCrl      *crl,
                  GPtrArray  *items,
                  GError    **error)
{
  g_autoptr(GError) last = NULL;

  for (guint i = 0; i < items->len; i++)
    {
      CkImportItem *item = g_ptr_array_index (items, i);
      CkCertificate *cert;

      if (ck_import_item_get_kind (item) != CK_IMPORT_ITEM_CERTIFICATE)
        continue;
      cert = ck_import_item_get_certificate (item);
      if (g_strcmp0 (ck_certificate_get_subject (cert), ck_crl_get_issuer (crl)) != 0)
        continue;
      g_clear_error (&last);
      if (ck_crl_verify (crl, cert, &last))
        return TRUE;
    }
  if (last != NULL)
    g_propagate_error (error, g_steal_pointer (&last));
  else
    g_set_error (error, CK_ERROR, CK_ERROR_NOT_FOUND, "no issuer");
  return FALSE;
}

/* A CRL is kept only with the certificate that signed it: in this input,
 * earlier in the plan, or in the store. One whose issuer is there but
 * whose signature does not verify becomes an error (refused, with why);
 * one whose issuer is nowhere is left out with a note, as a CA bundle
 * often carries its CA's CRL and nothing else should be lost for it. */
static void
check_crls (CkImporter *self,
            Input      *in,
            GPtrArray  *items)
{
  for (guint i = 0; i < in->items->len; i++)
    {
      CkImportItem *item = g_ptr_array_index (in->items, i);
      g_autoptr(GError) error = NULL;
      g_autoptr(CkCertificate) issuer = NULL;
      CkCrl *crl;

      if (ck_import_item_get_kind (item) != CK_IMPORT_ITEM_CRL)
        continue;
      crl = ck_import_item_get_crl (item);
      if (crl_issuer_among (crl, items, &error))
        continue;
      if (self->store != NULL && g_error_matches (error, CK_ERROR, CK_ERROR_NOT_FOUND))
        {
          g_clear_error (&error);
          if (ck_revocation_store_find_crl_issuer (self->store, crl, &issuer, &error))
            continue;
        }
      if (g_error_matches (error, CK_ERROR, CK_ERROR_NOT_FOUND))
        {
          /* Translators: the issuer's distinguished name */
          input_add_note (in, ck_import_item_get_location (item),
                          _("skipped: this revocation list's issuer (%s) is neither in the "
                            "store nor in this import, so its signature cannot be verified"),
                          ck_crl_get_issuer (crl));
          g_ptr_array_remove (items, item);
          g_ptr_array_remove_index (in->items, i);       /* frees it */
          i--;
          continue;
        }
      {
        CkImportItem *refused = ck_import_item_new_error (error, in->file,
                                                          ck_import_item_get_location (item));

        g_ptr_array_remove (items, item);
        g_ptr_array_add (items, refused);
        /* in->items owns its items: replacing frees the CRL item. */
        g_ptr_array_index (in->items, i) = refused;
        g_object_unref (item);
      }
    }
}

static void
commit_input (CkImporter *self,
              Input      *in)
{
  g_autoptr(GPtrArray) items = plan_items (self, in->items->len);

  for (guint i = 0; i < in->items->len; i++)
    g_ptr_array_add (items, g_ptr_array_index (in->items, i));
  if (in->items->len > 0)
    {
      check_crls (self, in, items);
      if (in->items->len == 0)
        {
          input_check_not_empty (in);
          g_ptr_array_add (items, g_ptr_array_index (in->items, 0));
        }
    }
  recompute_items (self, items);

  self->changing_plan = TRUE;
  ck_import_plan_append_many (self->plan, in->items);
  self->changing_plan = FALSE;
  for (guint i = 0; i < in->notes->len; i++)
    ck_import_plan_add_note (self->plan, g_ptr_array_index (in->notes, i));
}

/* ------------------------------------------------------------------ */
/* GObject                                                              */

static void
ck_importer_dispose (GObject *object)
{
  CkImporter *self = CK_IMPORTER (object);

  if (self->password_destroy != NULL)
    self->password_destroy (self->password_data);
  self->password_destroy = NULL;
  self->password_func = NULL;
  self->password_data = NULL;
  g_clear_object (&self->store);
  if (self->plan != NULL)
    g_signal_handlers_disconnect_by_data (self->plan, self);
  g_clear_object (&self->plan);

  G_OBJECT_CLASS (ck_importer_parent_class)->dispose (object);
}

static void
ck_importer_class_init (CkImporterClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->dispose = ck_importer_dispose;
  store_checked_quark = g_quark_from_static_string ("ck-importer-store-checked");
}

static void
ck_importer_init (CkImporter *self)
{
  self->plan = ck_import_plan_new ();
  g_signal_connect (self->plan, "items-changed",
                    G_CALLBACK (plan_items_changed_cb), self);
}

CkImporter *
ck_importer_new (CkStore *store)
{
  CkImporter *self;

  g_return_val_if_fail (store == NULL || CK_IS_STORE (store), NULL);

  ck_core_init ();
  self = g_object_new (CK_TYPE_IMPORTER, NULL);
  if (store != NULL)
    self->store = g_object_ref (store);
  return self;
}

void
ck_importer_set_password_func (CkImporter    *self,
                               CkPasswordFunc func,
                               gpointer       user_data,
                               GDestroyNotify destroy)
{
  g_return_if_fail (CK_IS_IMPORTER (self));

  if (self->password_destroy != NULL)
    self->password_destroy (self->password_data);
  self->password_func = func;
  self->password_data = user_data;
  self->password_destroy = destroy;
}

CkImportPlan *
ck_importer_get_plan (CkImporter *self)
{
  g_return_val_if_fail (CK_IS_IMPORTER (self), NULL);
  return self->plan;
}

gboolean
ck_importer_add_file (CkImporter    *self,
                      GFile         *file,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_autofree char *name = NULL;
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(GError) local_error = NULL;
  Input in;

  g_return_val_if_fail (CK_IS_IMPORTER (self), FALSE);
  g_return_val_if_fail (G_IS_FILE (file), FALSE);

  /* Stored as text: a file name that is not UTF-8 as GLib displays it. */
  name = g_file_get_basename (file);
  if (name != NULL)
    {
      char *display = g_filename_display_name (name);

      g_free (name);
      name = display;
    }
  else
    name = g_file_get_uri (file);

  /* Capped while reading: devices and pipes have no size to check first. */
  bytes = ck_read_file_bounded (file, name, CK_MAX_INPUT_SIZE, cancellable, &local_error);
  if (bytes == NULL &&
      !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }

  input_init (&in, name);
  if (bytes == NULL)
    {
      /* Like any other bad input: an item of the plan; the message names
       * the file already. */
      g_autoptr(GError) too_large = g_error_new_literal (CK_ERROR, CK_ERROR_INVALID,
                                                         local_error->message);

      g_ptr_array_add (in.items, ck_import_item_new_error (too_large, name, NULL));
    }
  else
    add_data (self, &in, bytes);
  commit_input (self, &in);
  input_clear (&in);
  return TRUE;
}

void
ck_importer_add_bytes (CkImporter *self,
                       GBytes     *data,
                       const char *name)
{
  Input in;

  g_return_if_fail (CK_IS_IMPORTER (self));
  g_return_if_fail (data != NULL);

  input_init (&in, name != NULL ? name : _("input"));
  add_data (self, &in, data);
  commit_input (self, &in);
  input_clear (&in);
}

struct _CkImportUnlock
{
  CkImportItem *item;
  GPtrArray    *items;    /* what it holds, or the error item saying why it cannot be used */
  GPtrArray    *notes;
  GError       *error;    /* opened, but unusable */
};

void
ck_import_unlock_free (CkImportUnlock *unlock)
{
  if (unlock == NULL)
    return;
  g_clear_object (&unlock->item);
  g_clear_pointer (&unlock->items, g_ptr_array_unref);
  g_clear_pointer (&unlock->notes, g_ptr_array_unref);
  g_clear_error (&unlock->error);
  g_free (unlock);
}

CkImportUnlock *
ck_importer_open_locked (CkImportItem  *item,
                         const char    *password,
                         GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  CkImportUnlock *unlock;
  Input in;

  g_return_val_if_fail (CK_IS_IMPORT_ITEM (item), NULL);

  if (ck_import_item_get_kind (item) != CK_IMPORT_ITEM_LOCKED)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                   _("%s: not a locked item of this import"), ck_import_item_get_source (item));
      return NULL;
    }
  input_init (&in, ck_import_item_get_file (item));
  unlock = g_new0 (CkImportUnlock, 1);
  unlock->item = g_object_ref (item);
  if (!open_locked (&in, ck_import_item_get_locked_data (item),
                    ck_import_item_get_locked_format (item),
                    ck_import_item_get_location (item), password, &local_error))
    {
      const char *source = ck_import_item_get_source (item);

      if (local_error->code == CK_ERROR_BAD_PASSWORD ||
          local_error->code == CK_ERROR_PASSWORD_REQUIRED)
        {
          /* stays locked: the user may try again */
          g_set_error (error, CK_ERROR, CK_ERROR_BAD_PASSWORD, "%s: %s",
                       source, local_error->message);
          input_clear (&in);
          ck_import_unlock_free (unlock);
          return NULL;
        }

      /* The password opened it, but what is inside cannot be used: the
       * item becomes an error so the plan says why. */
      g_ptr_array_set_size (in.items, 0);
      input_add_gerror (&in, ck_import_item_get_location (item), local_error);
      unlock->error = g_error_new (CK_ERROR, local_error->code, "%s: %s",
                                   source, local_error->message);
    }
  else if (in.items->len == 0)
    input_add_error (&in, ck_import_item_get_location (item), CK_ERROR_PARSE,
                     _("nothing to import: no certificate or private key inside"));
  unlock->items = g_steal_pointer (&in.items);
  unlock->notes = g_steal_pointer (&in.notes);
  input_clear (&in);
  return unlock;
}

gboolean
ck_importer_apply_unlocked (CkImporter      *self,
                            CkImportUnlock  *unlock,
                            GError         **error)
{
  g_return_val_if_fail (CK_IS_IMPORTER (self), FALSE);
  g_return_val_if_fail (unlock != NULL, FALSE);

  if (!ck_import_plan_contains (self->plan, unlock->item))
    {
      /* typically unlocked already: its contents replaced it */
      g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                   _("%s: not a locked item of this import"),
                   ck_import_item_get_source (unlock->item));
      return FALSE;
    }
  for (guint i = 0; i < unlock->notes->len; i++)
    ck_import_plan_add_note (self->plan, g_ptr_array_index (unlock->notes, i));
  plan_replace (self, unlock->item, unlock->items);
  if (unlock->error != NULL)
    {
      g_propagate_error (error, g_error_copy (unlock->error));
      return FALSE;
    }
  return TRUE;
}

gboolean
ck_importer_unlock (CkImporter   *self,
                    CkImportItem *item,
                    const char   *password,
                    GError      **error)
{
  g_autoptr(CkImportUnlock) unlock = NULL;

  g_return_val_if_fail (CK_IS_IMPORTER (self), FALSE);
  g_return_val_if_fail (CK_IS_IMPORT_ITEM (item), FALSE);

  if (ck_import_item_get_kind (item) != CK_IMPORT_ITEM_LOCKED ||
      !ck_import_plan_contains (self->plan, item))
    {
      /* typically unlocked already: its contents replaced it */
      g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                   _("%s: not a locked item of this import"), ck_import_item_get_source (item));
      return FALSE;
    }
  unlock = ck_importer_open_locked (item, password, error);
  return unlock != NULL && ck_importer_apply_unlocked (self, unlock, error);
}
