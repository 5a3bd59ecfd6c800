/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ck-request.h"

#include <glib/gi18n-lib.h>
#include <gnutls/abstract.h>
#include <string.h>

#include "ck-der-private.h"
#include "ck-error.h"
#include "ck-oid.h"
#include "ck-utils.h"

/* The requested extensions, decoded on first use: the store and the
 * importer only need the summary fields. */
typedef struct {
  GPtrArray *extensions;   /* element-type CkExtension */
  GPtrArray *sans;         /* element-type CkGeneralName */
  gboolean   has_key_usage;
  guint      key_usage;
  gboolean   key_usage_critical;
  char     **eku;          /* NULL when absent */
  gboolean   eku_critical;
  gboolean   has_basic_constraints;
  gboolean   bc_is_ca;
  int        bc_path_len;
  gboolean   bc_critical;
} ExtensionInfo;

struct _CkRequest
{
  GObject parent_instance;

  gnutls_x509_crq_t crq;
  GBytes *der;

  char *subject;
  char *display_name;
  gnutls_pk_algorithm_t pk_algo;
  guint key_bits;
  const char *key_curve;
  char *sign_algo_name;
  char *sha256;
  GBytes *spki;
  char *spki_sha256;

  /* Computed on first use; g_once guards them, since requests are shared
   * between the importer's worker thread and the UI. */
  GPtrArray *subject_attrs;
  ExtensionInfo *ext_info;
};

G_DEFINE_FINAL_TYPE (CkRequest, ck_request, G_TYPE_OBJECT)

static void
extension_info_free (ExtensionInfo *info)
{
  g_clear_pointer (&info->extensions, g_ptr_array_unref);
  g_clear_pointer (&info->sans, g_ptr_array_unref);
  g_strfreev (info->eku);
  g_free (info);
}

static void
ck_request_finalize (GObject *object)
{
  CkRequest *self = CK_REQUEST (object);

  g_clear_pointer (&self->crq, gnutls_x509_crq_deinit);
  g_clear_pointer (&self->der, g_bytes_unref);
  g_free (self->subject);
  g_free (self->display_name);
  g_free (self->sign_algo_name);
  g_free (self->sha256);
  g_clear_pointer (&self->spki, g_bytes_unref);
  g_free (self->spki_sha256);
  g_clear_pointer (&self->subject_attrs, g_ptr_array_unref);
  g_clear_pointer (&self->ext_info, extension_info_free);

  G_OBJECT_CLASS (ck_request_parent_class)->finalize (object);
}

static void
ck_request_class_init (CkRequestClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ck_request_finalize;
}

static void
ck_request_init (CkRequest *self)
{
}

/* ---- construction ---------------------------------------------------- */

/* The subject Name as DER: GnuTLS has no getter for a request's raw DN,
 * so walk CertificationRequest → certificationRequestInfo → (version,
 * subject). */
static gboolean
subject_der (GBytes         *der,
             gnutls_datum_t *out)
{
  gsize size;
  const guint8 *p = g_bytes_get_data (der, &size);
  const guint8 *end = p + size;
  const guint8 *start;
  gssize len;

  if (ck_der_enter (&p, end, 0x30) < 0 || ck_der_enter (&p, end, 0x30) < 0)
    return FALSE;
  if ((len = ck_der_enter (&p, end, 0x02)) < 0)
    return FALSE;
  p += len;
  start = p;
  if ((len = ck_der_enter (&p, end, 0x30)) < 0)
    return FALSE;
  out->data = (unsigned char *) start;
  out->size = (p - start) + len;
  return TRUE;
}

static char *
subject_string (gnutls_x509_crq_t crq)
{
  gnutls_datum_t dn = { NULL, 0 };
  char *text;

  /* Flags 0: RFC 4514 order, as `certtool --crq-info` and
   * ck_certificate_get_subject() print it. */
  if (gnutls_x509_crq_get_dn3 (crq, &dn, 0) < 0)
    return g_strdup ("");
  text = g_utf8_make_valid ((const char *) dn.data, dn.size);
  gnutls_free (dn.data);
  return text;
}

/* The most specific CN (the last one), else the first O. */
static char *
friendly_name (GPtrArray *attrs)
{
  const char *cn = NULL;

  for (guint i = 0; attrs != NULL && i < attrs->len; i++)
    {
      CkDnAttribute *attr = g_ptr_array_index (attrs, i);

      if (g_str_equal (attr->oid, CK_OID_CN) && attr->value[0] != '\0' &&
          attr->value[0] != '#')
        cn = attr->value;
    }
  if (cn != NULL)
    return g_strdup (cn);

  cn = attrs != NULL ? ck_dn_lookup (attrs, CK_OID_O) : NULL;
  if (cn != NULL && cn[0] != '\0' && cn[0] != '#')
    return g_strdup (cn);
  return NULL;
}

static ExtensionInfo *ensure_extension_info (CkRequest *self);

static char *
first_san_text (CkRequest *self)
{
  GPtrArray *sans = ensure_extension_info (self)->sans;

  for (guint i = 0; i < sans->len; i++)
    {
      CkGeneralName *name = g_ptr_array_index (sans, i);

      if (name->kind != CK_GENERAL_NAME_OTHER && name->value[0] != '\0')
        return g_strdup (name->value);
    }
  return NULL;
}

static gboolean
read_public_key (CkRequest *self,
                 GError   **error)
{
  gnutls_pubkey_t pubkey = NULL;
  int ret;

  gnutls_pubkey_init (&pubkey);
  ret = gnutls_pubkey_import_x509_crq (pubkey, self->crq, 0);
  if (ret < 0)
    {
      char oid[128];
      size_t oid_size = sizeof oid;

      gnutls_pubkey_deinit (pubkey);
      if (gnutls_x509_crq_get_pk_algorithm (self->crq, NULL) == GNUTLS_PK_UNKNOWN &&
          gnutls_x509_crq_get_pk_oid (self->crq, oid, &oid_size) >= 0)
        g_set_error (error, CK_ERROR, CK_ERROR_UNSUPPORTED,
                     _("the request’s public-key algorithm %s is not supported by "
                       "this GnuTLS version (%s)"), oid, gnutls_check_version (NULL));
      else
        ck_set_gnutls_error (error, ret, _("not a valid certificate request: "
                                           "cannot read its public key"));
      return FALSE;
    }

  ck_pubkey_describe (pubkey, &self->pk_algo, &self->key_bits, &self->key_curve);
  self->spki_sha256 = ck_spki_sha256_from_pubkey (pubkey, &self->spki, error);
  gnutls_pubkey_deinit (pubkey);
  if (self->spki_sha256 == NULL)
    {
      /* csr-invalid.der: GnuTLS reads the key's fields but cannot encode
       * them again; certtool fails on its key id the same way. */
      g_prefix_error (error, _("not a valid certificate request: its public key is broken: "));
      return FALSE;
    }
  return TRUE;
}

static gboolean
ck_request_load (CkRequest *self,
                 GError   **error)
{
  gnutls_datum_t datum;
  gsize size;
  int ret;

  datum.data = (unsigned char *) g_bytes_get_data (self->der, &size);
  if (size == 0 || size > G_MAXUINT)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_PARSE,
                   "%s", size == 0 ? _("not a valid certificate request: the data is empty")
                                   : _("not a valid certificate request: too large"));
      return FALSE;
    }
  datum.size = size;

  gnutls_x509_crq_init (&self->crq);
  ret = gnutls_x509_crq_import (self->crq, &datum, GNUTLS_X509_FMT_DER);
  if (ret < 0)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_PARSE,
                   _("not a valid certificate request: %s"), gnutls_strerror (ret));
      return FALSE;
    }

  if (!read_public_key (self, error))
    return FALSE;

  ret = gnutls_x509_crq_get_signature_algorithm (self->crq);
  if (ret > 0 && gnutls_sign_get_name (ret) != NULL)
    self->sign_algo_name = g_strdup (gnutls_sign_get_name (ret));
  else
    {
      char oid[128];
      size_t oid_size = sizeof oid;

      self->sign_algo_name = gnutls_x509_crq_get_signature_oid (self->crq, oid, &oid_size) >= 0
                               ? g_strdup (oid) : g_strdup ("unknown");
    }

  self->sha256 = ck_sha256_hex (datum.data, datum.size);
  self->subject = subject_string (self->crq);
  self->display_name = friendly_name (ck_request_get_subject_attributes (self));
  /* Modern requests often leave the subject empty and put the names in
   * the subjectAltName. */
  if (self->display_name == NULL)
    self->display_name = first_san_text (self);
  if (self->display_name == NULL)
    self->display_name = g_strdup (self->subject);

  return TRUE;
}

CkRequest *
ck_request_new_from_der (GBytes  *der,
                         GError **error)
{
  g_autoptr(CkRequest) self = NULL;

  g_return_val_if_fail (der != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  self = g_object_new (CK_TYPE_REQUEST, NULL);
  self->der = g_bytes_ref (der);
  if (!ck_request_load (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

CkRequest *
ck_request_new_from_pem (const char *pem,
                         gssize      len,
                         GError    **error)
{
  /* Windows and old Netscape tools write "NEW CERTIFICATE REQUEST". */
  static const char * const labels[] = { "CERTIFICATE REQUEST", "NEW CERTIFICATE REQUEST" };
  gnutls_datum_t in, out = { NULL, 0 };
  int ret = GNUTLS_E_BASE64_DECODING_ERROR;

  g_return_val_if_fail (pem != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  in.data = (unsigned char *) pem;
  in.size = len < 0 ? strlen (pem) : (gsize) len;

  for (gsize i = 0; i < G_N_ELEMENTS (labels); i++)
    {
      g_autofree char *begin = g_strconcat ("-----BEGIN ", labels[i], "-----", NULL);

      if (g_strstr_len (pem, in.size, begin) == NULL)
        continue;
      ret = gnutls_pem_base64_decode2 (labels[i], &in, &out);
      if (ret >= 0)
        {
          g_autoptr(GBytes) der = g_bytes_new (out.data, out.size);

          gnutls_free (out.data);
          return ck_request_new_from_der (der, error);
        }
      g_set_error (error, CK_ERROR, CK_ERROR_PARSE,
                   _("the %s block is not valid PEM: %s"), labels[i], gnutls_strerror (ret));
      return NULL;
    }

  g_set_error_literal (error, CK_ERROR, CK_ERROR_PARSE,
                       _("no CERTIFICATE REQUEST block found"));
  return NULL;
}

/* ---- getters --------------------------------------------------------- */

gnutls_x509_crq_t
ck_request_get_crq (CkRequest *self)
{
  g_return_val_if_fail (CK_IS_REQUEST (self), NULL);
  return self->crq;
}

GBytes *
ck_request_get_der (CkRequest *self)
{
  g_return_val_if_fail (CK_IS_REQUEST (self), NULL);
  return self->der;
}

char *
ck_request_to_pem (CkRequest *self)
{
  gnutls_datum_t in, out = { NULL, 0 };
  gsize size;
  char *pem;

  g_return_val_if_fail (CK_IS_REQUEST (self), NULL);

  in.data = (unsigned char *) g_bytes_get_data (self->der, &size);
  in.size = size;
  if (gnutls_pem_base64_encode2 ("CERTIFICATE REQUEST", &in, &out) < 0)
    g_error ("GnuTLS cannot PEM-encode %" G_GSIZE_FORMAT " bytes", size);
  pem = g_strndup ((const char *) out.data, out.size);
  gnutls_free (out.data);
  return pem;
}

const char *
ck_request_get_subject (CkRequest *self)
{
  g_return_val_if_fail (CK_IS_REQUEST (self), NULL);
  return self->subject;
}

GPtrArray *
ck_request_get_subject_attributes (CkRequest *self)
{
  g_return_val_if_fail (CK_IS_REQUEST (self), NULL);

  if (g_once_init_enter (&self->subject_attrs))
    {
      GPtrArray *attrs = NULL;
      gnutls_datum_t dn;

      if (subject_der (self->der, &dn))
        {
          g_autoptr(GError) error = NULL;

          attrs = ck_dn_parse_der (&dn, &error);
          if (attrs == NULL)
            g_debug ("Cannot split the subject “%s”: %s", self->subject, error->message);
        }
      if (attrs == NULL)
        attrs = g_ptr_array_new_with_free_func ((GDestroyNotify) ck_dn_attribute_free);
      g_once_init_leave (&self->subject_attrs, attrs);
    }
  return self->subject_attrs;
}

const char *
ck_request_get_display_name (CkRequest *self)
{
  g_return_val_if_fail (CK_IS_REQUEST (self), NULL);
  return self->display_name;
}

const char *
ck_request_get_key_algorithm (CkRequest *self)
{
  g_return_val_if_fail (CK_IS_REQUEST (self), NULL);
  return ck_pk_algorithm_name (self->pk_algo);
}

guint
ck_request_get_key_bits (CkRequest *self)
{
  g_return_val_if_fail (CK_IS_REQUEST (self), 0);
  return self->key_bits;
}

const char *
ck_request_get_key_curve (CkRequest *self)
{
  g_return_val_if_fail (CK_IS_REQUEST (self), NULL);
  return self->key_curve;
}

const char *
ck_request_get_signature_algorithm (CkRequest *self)
{
  g_return_val_if_fail (CK_IS_REQUEST (self), NULL);
  return self->sign_algo_name;
}

const char *
ck_request_get_sha256_fingerprint (CkRequest *self)
{
  g_return_val_if_fail (CK_IS_REQUEST (self), NULL);
  return self->sha256;
}

const char *
ck_request_get_spki_sha256 (CkRequest *self)
{
  g_return_val_if_fail (CK_IS_REQUEST (self), NULL);
  return self->spki_sha256;
}

/* ---- requested extensions -------------------------------------------- */

static void
read_extension_list (CkRequest     *self,
                     ExtensionInfo *info)
{
  info->extensions = g_ptr_array_new_with_free_func ((GDestroyNotify) ck_extension_free);

  for (unsigned int i = 0; ; i++)
    {
      char oid[128];
      size_t oid_size = sizeof oid;
      unsigned int critical = 0;
      gnutls_datum_t data = { NULL, 0 };
      g_autoptr(GBytes) value = NULL;
      int ret;

      ret = gnutls_x509_crq_get_extension_info (self->crq, i, oid, &oid_size, &critical);
      if (ret == GNUTLS_E_SHORT_MEMORY_BUFFER)
        {
          /* An absurdly long OID: list it by position rather than drop it. */
          g_snprintf (oid, sizeof oid, "?");
        }
      else if (ret < 0)
        break;
      if (gnutls_x509_crq_get_extension_data2 (self->crq, i, &data) < 0)
        break;
      value = g_bytes_new (data.data, data.size);
      gnutls_free (data.data);
      g_ptr_array_add (info->extensions, ck_extension_new (oid, critical != 0, value));
    }
}

static void
read_subject_alt_names (CkRequest     *self,
                        ExtensionInfo *info)
{
  gnutls_datum_t der = { NULL, 0 };
  unsigned int critical = 0;

  if (gnutls_x509_crq_get_extension_by_oid2 (self->crq, CK_OID_EXT_SUBJECT_ALT_NAME, 0,
                                             &der, &critical) >= 0)
    {
      g_autoptr(GError) error = NULL;

      info->sans = ck_general_names_from_der (&der, &error);
      /* The extension list still shows the bytes of a broken SAN. */
      if (info->sans == NULL)
        g_debug ("Ignoring the subjectAltName of request “%s”: %s",
                 self->subject, error->message);
      gnutls_free (der.data);
    }
  if (info->sans == NULL)
    info->sans = g_ptr_array_new_with_free_func ((GDestroyNotify) ck_general_name_free);
}

static void
read_key_purposes (CkRequest     *self,
                   ExtensionInfo *info)
{
  GPtrArray *oids = NULL;

  for (unsigned int i = 0; ; i++)
    {
      char oid[128];
      size_t oid_size = sizeof oid;
      unsigned int critical = 0;

      if (gnutls_x509_crq_get_key_purpose_oid (self->crq, i, oid, &oid_size, &critical) < 0)
        break;
      if (oids == NULL)
        oids = g_ptr_array_new ();
      g_ptr_array_add (oids, g_strdup (oid));
      info->eku_critical = critical != 0;
    }
  if (oids != NULL)
    {
      g_ptr_array_add (oids, NULL);
      info->eku = (char **) g_ptr_array_free (oids, FALSE);
    }
}

static ExtensionInfo *
ensure_extension_info (CkRequest *self)
{
  if (g_once_init_enter (&self->ext_info))
    {
      ExtensionInfo *info = g_new0 (ExtensionInfo, 1);
      unsigned int usage = 0, critical = 0, ca = 0;
      int path_len = -1;

      read_extension_list (self, info);
      read_subject_alt_names (self, info);
      read_key_purposes (self, info);

      if (gnutls_x509_crq_get_key_usage (self->crq, &usage, &critical) >= 0)
        {
          info->has_key_usage = TRUE;
          info->key_usage = usage;
          info->key_usage_critical = critical != 0;
        }

      info->bc_path_len = -1;
      if (gnutls_x509_crq_get_basic_constraints (self->crq, &critical, &ca, &path_len) >= 0)
        {
          info->has_basic_constraints = TRUE;
          info->bc_is_ca = ca != 0;
          info->bc_critical = critical != 0;
          info->bc_path_len = info->bc_is_ca && path_len >= 0 ? path_len : -1;
        }

      g_once_init_leave (&self->ext_info, info);
    }
  return self->ext_info;
}

GPtrArray *
ck_request_get_subject_alt_names (CkRequest *self)
{
  g_return_val_if_fail (CK_IS_REQUEST (self), NULL);
  return ensure_extension_info (self)->sans;
}

gboolean
ck_request_get_key_usage (CkRequest *self,
                          guint     *usage,
                          gboolean  *critical)
{
  ExtensionInfo *info;

  g_return_val_if_fail (CK_IS_REQUEST (self), FALSE);

  info = ensure_extension_info (self);
  if (usage != NULL)
    *usage = info->key_usage;
  if (critical != NULL)
    *critical = info->key_usage_critical;
  return info->has_key_usage;
}

const char * const *
ck_request_get_extended_key_usage (CkRequest *self,
                                   gboolean  *critical)
{
  ExtensionInfo *info;

  g_return_val_if_fail (CK_IS_REQUEST (self), NULL);

  info = ensure_extension_info (self);
  if (critical != NULL)
    *critical = info->eku_critical;
  return (const char * const *) info->eku;
}

gboolean
ck_request_get_basic_constraints (CkRequest *self,
                                  gboolean  *is_ca,
                                  int       *path_len,
                                  gboolean  *critical)
{
  ExtensionInfo *info;

  g_return_val_if_fail (CK_IS_REQUEST (self), FALSE);

  info = ensure_extension_info (self);
  if (is_ca != NULL)
    *is_ca = info->bc_is_ca;
  if (path_len != NULL)
    *path_len = info->bc_path_len;
  if (critical != NULL)
    *critical = info->bc_critical;
  return info->has_basic_constraints;
}

GPtrArray *
ck_request_get_extensions (CkRequest *self)
{
  g_return_val_if_fail (CK_IS_REQUEST (self), NULL);
  return ensure_extension_info (self)->extensions;
}

gboolean
ck_request_has_challenge_password (CkRequest *self)
{
  char buf[256];
  size_t size = sizeof buf;
  int ret;

  g_return_val_if_fail (CK_IS_REQUEST (self), FALSE);

  ret = gnutls_x509_crq_get_challenge_password (self->crq, buf, &size);
  gnutls_memset (buf, 0, sizeof buf);
  /* A password longer than the buffer is still a password. */
  return ret == 0 || ret == GNUTLS_E_SHORT_MEMORY_BUFFER;
}

gboolean
ck_request_verify_signature (CkRequest *self,
                             GError   **error)
{
  int ret;

  g_return_val_if_fail (CK_IS_REQUEST (self), FALSE);
  g_return_val_if_fail (error == NULL || *error == NULL, FALSE);

  ret = gnutls_x509_crq_verify (self->crq, 0);
  if (ret == GNUTLS_E_PK_SIG_VERIFY_FAILED)
    {
      g_set_error_literal (error, CK_ERROR, CK_ERROR_MISMATCH,
                           _("the request’s signature does not match its public key"));
      return FALSE;
    }
  if (ret < 0)
    {
      ck_set_gnutls_error (error, ret, _("cannot verify the request’s signature"));
      return FALSE;
    }
  return TRUE;
}
