/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ck-certificate-builder.h"

#include <glib/gi18n-lib.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/x509.h>
#include <string.h>

#include "ck-error.h"
#include "ck-oid.h"
#include "ck-utils.h"

#define CK_OID_EXT_SUBJECT_KEY_ID   "2.5.29.14"
#define CK_OID_EXT_AUTHORITY_KEY_ID "2.5.29.35"
#define DAY (24 * 60 * 60)
#define PATH_LEN_UNSET (-2)

struct _CkCertificateBuilder
{
  GObject parent_instance;

  CkRequestBuilder *contents;   /* self-signed from contents */
  CkRequest *request;           /* a certificate for a request */
  CkPrivateKey *subject_key;    /* contents signed by a CA: whose key */
  CkCertificateProfile profile;
  gboolean profile_set;
  CkKeepFlags keep;
  GPtrArray *keep_oids;         /* char * */
  gboolean keep_all;
  gint64 not_before;
  gint64 not_after;
  guint days;
  GBytes *serial;
  gnutls_digest_algorithm_t hash;
  char *ocsp_url;
  char *ca_issuers_url;
  char *crl_url;
  int path_len;
};

G_DEFINE_FINAL_TYPE (CkCertificateBuilder, ck_certificate_builder, G_TYPE_OBJECT)

/* --- Profiles ---------------------------------------------------------- */

static const struct {
  CkCertificateProfile profile;
  const char *name;
} profiles[] = {
  { CK_CERTIFICATE_PROFILE_NONE, "none" },
  { CK_CERTIFICATE_PROFILE_TLS_SERVER, "tls-server" },
  { CK_CERTIFICATE_PROFILE_TLS_CLIENT, "tls-client" },
  { CK_CERTIFICATE_PROFILE_CODE_SIGNING, "code-signing" },
  { CK_CERTIFICATE_PROFILE_EMAIL, "email" },
  { CK_CERTIFICATE_PROFILE_ROOT_CA, "root-ca" },
  { CK_CERTIFICATE_PROFILE_SUB_CA, "sub-ca" },
};

const char *
ck_certificate_profile_to_string (CkCertificateProfile profile)
{
  for (gsize i = 0; i < G_N_ELEMENTS (profiles); i++)
    if (profiles[i].profile == profile)
      return profiles[i].name;
  return NULL;
}

gboolean
ck_certificate_profile_from_string (const char           *name,
                                    CkCertificateProfile *profile)
{
  for (gsize i = 0; name != NULL && i < G_N_ELEMENTS (profiles); i++)
    if (g_ascii_strcasecmp (name, profiles[i].name) == 0)
      {
        *profile = profiles[i].profile;
        return TRUE;
      }
  return FALSE;
}

static gboolean
profile_is_ca (CkCertificateProfile profile)
{
  return profile == CK_CERTIFICATE_PROFILE_ROOT_CA || profile == CK_CERTIFICATE_PROFILE_SUB_CA;
}

void
ck_certificate_profile_apply (CkCertificateProfile profile,
                              CkRequestBuilder    *builder)
{
  CkRequestProfile request_profile = CK_REQUEST_PROFILE_CUSTOM;

  g_return_if_fail (CK_IS_REQUEST_BUILDER (builder));

  switch (profile)
    {
    case CK_CERTIFICATE_PROFILE_TLS_SERVER: request_profile = CK_REQUEST_PROFILE_TLS_SERVER; break;
    case CK_CERTIFICATE_PROFILE_TLS_CLIENT: request_profile = CK_REQUEST_PROFILE_TLS_CLIENT; break;
    case CK_CERTIFICATE_PROFILE_CODE_SIGNING: request_profile = CK_REQUEST_PROFILE_CODE_SIGNING; break;
    case CK_CERTIFICATE_PROFILE_EMAIL: request_profile = CK_REQUEST_PROFILE_EMAIL; break;
    case CK_CERTIFICATE_PROFILE_ROOT_CA:
    case CK_CERTIFICATE_PROFILE_SUB_CA: request_profile = CK_REQUEST_PROFILE_SUB_CA; break;
    case CK_CERTIFICATE_PROFILE_NONE:
    default: break;
    }
  ck_request_builder_apply_profile (builder, request_profile);
  if (profile_is_ca (profile))
    ck_request_builder_set_basic_constraints (builder, TRUE, TRUE,
                                              profile == CK_CERTIFICATE_PROFILE_SUB_CA ? 0 : -1,
                                              TRUE);
  else
    /* A leaf says so: a relying party must not have to guess. */
    ck_request_builder_set_basic_constraints (builder, TRUE, FALSE, -1, TRUE);
}

guint
ck_tls_server_max_validity_days (gint64 not_before)
{
  /* CA/Browser Forum ballot SC-081, TLS BR 6.3.2. */
  if (not_before >= 1868227200)        /* 2029-03-15T00:00:00Z */
    return 47;
  if (not_before >= 1805068800)        /* 2027-03-15T00:00:00Z */
    return 100;
  if (not_before >= 1773532800)        /* 2026-03-15T00:00:00Z */
    return 200;
  return 398;
}

/* --- Object ------------------------------------------------------------ */

static void
ck_certificate_builder_finalize (GObject *object)
{
  CkCertificateBuilder *self = CK_CERTIFICATE_BUILDER (object);

  g_clear_object (&self->contents);
  g_clear_object (&self->request);
  g_clear_object (&self->subject_key);
  g_clear_pointer (&self->keep_oids, g_ptr_array_unref);
  g_clear_pointer (&self->serial, g_bytes_unref);
  g_free (self->ocsp_url);
  g_free (self->ca_issuers_url);
  g_free (self->crl_url);
  G_OBJECT_CLASS (ck_certificate_builder_parent_class)->finalize (object);
}

static void
ck_certificate_builder_class_init (CkCertificateBuilderClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ck_certificate_builder_finalize;
}

static void
ck_certificate_builder_init (CkCertificateBuilder *self)
{
  self->keep_oids = g_ptr_array_new_with_free_func (g_free);
  self->path_len = PATH_LEN_UNSET;
}

CkCertificateBuilder *
ck_certificate_builder_new_self_signed (CkRequestBuilder *contents)
{
  CkCertificateBuilder *self;

  g_return_val_if_fail (CK_IS_REQUEST_BUILDER (contents), NULL);

  self = g_object_new (CK_TYPE_CERTIFICATE_BUILDER, NULL);
  self->contents = g_object_ref (contents);
  return self;
}

CkCertificateBuilder *
ck_certificate_builder_new_for_request (CkRequest *request)
{
  CkCertificateBuilder *self;

  g_return_val_if_fail (CK_IS_REQUEST (request), NULL);

  self = g_object_new (CK_TYPE_CERTIFICATE_BUILDER, NULL);
  self->request = g_object_ref (request);
  return self;
}

CkCertificateBuilder *
ck_certificate_builder_copy (CkCertificateBuilder *self)
{
  CkCertificateBuilder *copy;

  g_return_val_if_fail (CK_IS_CERTIFICATE_BUILDER (self), NULL);

  copy = g_object_new (CK_TYPE_CERTIFICATE_BUILDER, NULL);
  copy->contents = self->contents != NULL ? ck_request_builder_copy (self->contents) : NULL;
  /* Requests, keys and serials do not change once made. */
  copy->request = self->request != NULL ? g_object_ref (self->request) : NULL;
  copy->subject_key = self->subject_key != NULL ? g_object_ref (self->subject_key) : NULL;
  copy->profile = self->profile;
  copy->profile_set = self->profile_set;
  copy->keep = self->keep;
  for (guint i = 0; i < self->keep_oids->len; i++)
    g_ptr_array_add (copy->keep_oids, g_strdup (self->keep_oids->pdata[i]));
  copy->keep_all = self->keep_all;
  copy->not_before = self->not_before;
  copy->not_after = self->not_after;
  copy->days = self->days;
  copy->serial = self->serial != NULL ? g_bytes_ref (self->serial) : NULL;
  copy->hash = self->hash;
  copy->ocsp_url = g_strdup (self->ocsp_url);
  copy->ca_issuers_url = g_strdup (self->ca_issuers_url);
  copy->crl_url = g_strdup (self->crl_url);
  copy->path_len = self->path_len;
  return copy;
}

CkRequest *
ck_certificate_builder_get_request (CkCertificateBuilder *self)
{
  g_return_val_if_fail (CK_IS_CERTIFICATE_BUILDER (self), NULL);
  return self->request;
}

gboolean
ck_certificate_builder_is_self_signed (CkCertificateBuilder *self)
{
  g_return_val_if_fail (CK_IS_CERTIFICATE_BUILDER (self), FALSE);
  return self->request == NULL && self->subject_key == NULL && self->contents != NULL;
}

void
ck_certificate_builder_set_contents (CkCertificateBuilder *self,
                                     CkRequestBuilder     *contents)
{
  g_return_if_fail (CK_IS_CERTIFICATE_BUILDER (self));
  g_set_object (&self->contents, contents);
}

void
ck_certificate_builder_set_subject_key (CkCertificateBuilder *self,
                                        CkPrivateKey         *key)
{
  g_return_if_fail (CK_IS_CERTIFICATE_BUILDER (self));
  g_set_object (&self->subject_key, key);
  if (key != NULL && self->contents != NULL)
    ck_request_builder_set_key_info (self->contents, ck_private_key_get_algorithm_id (key),
                                     ck_private_key_get_bits (key));
}

void
ck_certificate_builder_set_profile (CkCertificateBuilder *self,
                                    CkCertificateProfile  profile)
{
  g_return_if_fail (CK_IS_CERTIFICATE_BUILDER (self));
  self->profile = profile;
  self->profile_set = TRUE;
}

CkCertificateProfile
ck_certificate_builder_get_profile (CkCertificateBuilder *self)
{
  g_return_val_if_fail (CK_IS_CERTIFICATE_BUILDER (self), CK_CERTIFICATE_PROFILE_NONE);
  return self->profile;
}

void
ck_certificate_builder_set_keep (CkCertificateBuilder *self,
                                 CkKeepFlags           keep,
                                 const char * const   *oids)
{
  g_return_if_fail (CK_IS_CERTIFICATE_BUILDER (self));
  self->keep = keep;
  self->keep_all = FALSE;
  g_ptr_array_set_size (self->keep_oids, 0);
  for (guint i = 0; oids != NULL && oids[i] != NULL; i++)
    g_ptr_array_add (self->keep_oids, g_strdup (oids[i]));
}

static const struct {
  const char *name;
  const char *alias;
  const char *oid;
  CkKeepFlags flag;
} keep_names[] = {
  { "subjectAltName", "san", CK_OID_EXT_SUBJECT_ALT_NAME, CK_KEEP_SUBJECT_ALT_NAME },
  { "keyUsage", "key-usage", CK_OID_EXT_KEY_USAGE, CK_KEEP_KEY_USAGE },
  { "extendedKeyUsage", "eku", CK_OID_EXT_EXT_KEY_USAGE, CK_KEEP_EXTENDED_KEY_USAGE },
  { "basicConstraints", "basic-constraints", CK_OID_EXT_BASIC_CONSTRAINTS, CK_KEEP_BASIC_CONSTRAINTS },
  { "tlsFeature", "tls-feature", CK_OID_EXT_TLS_FEATURE, CK_KEEP_TLS_FEATURE },
};

gboolean
ck_certificate_builder_set_keep_extensions (CkCertificateBuilder *self,
                                            const char           *list,
                                            GError              **error)
{
  g_auto (GStrv) names = NULL;
  g_autoptr (GPtrArray) oids = g_ptr_array_new_with_free_func (g_free);
  CkKeepFlags keep = CK_KEEP_NONE;
  gboolean all = FALSE;

  g_return_val_if_fail (CK_IS_CERTIFICATE_BUILDER (self), FALSE);

  names = g_strsplit (list != NULL ? list : "", ",", -1);
  for (guint i = 0; names[i] != NULL; i++)
    {
      const char *name = g_strstrip (names[i]);
      gboolean known = FALSE;

      if (*name == '\0' || g_ascii_strcasecmp (name, "none") == 0)
        continue;
      if (g_ascii_strcasecmp (name, "all") == 0)
        {
          all = TRUE;
          continue;
        }
      for (gsize j = 0; j < G_N_ELEMENTS (keep_names); j++)
        if (g_ascii_strcasecmp (name, keep_names[j].name) == 0 ||
            g_ascii_strcasecmp (name, keep_names[j].alias) == 0 ||
            g_str_equal (name, keep_names[j].oid))
          {
            keep |= keep_names[j].flag;
            known = TRUE;
          }
      if (known)
        continue;
      if (!ck_oid_is_valid (name))
        {
          g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                       _("Unknown extension “%s” to keep: use subjectAltName, keyUsage, "
                         "extendedKeyUsage, basicConstraints, tlsFeature, an OID, all or none"),
                       name);
          return FALSE;
        }
      g_ptr_array_add (oids, g_strdup (name));
    }

  self->keep = keep;
  self->keep_all = all;
  g_ptr_array_unref (self->keep_oids);
  self->keep_oids = g_steal_pointer (&oids);
  return TRUE;
}

void
ck_certificate_builder_set_not_before (CkCertificateBuilder *self,
                                       gint64                not_before)
{
  g_return_if_fail (CK_IS_CERTIFICATE_BUILDER (self));
  self->not_before = not_before;
}

void
ck_certificate_builder_set_not_after (CkCertificateBuilder *self,
                                      gint64                not_after)
{
  g_return_if_fail (CK_IS_CERTIFICATE_BUILDER (self));
  self->not_after = not_after;
}

void
ck_certificate_builder_set_days (CkCertificateBuilder *self,
                                 guint                 days)
{
  g_return_if_fail (CK_IS_CERTIFICATE_BUILDER (self));
  self->days = days;
}

void
ck_certificate_builder_set_serial (CkCertificateBuilder *self,
                                   GBytes               *serial)
{
  g_return_if_fail (CK_IS_CERTIFICATE_BUILDER (self));
  g_clear_pointer (&self->serial, g_bytes_unref);
  if (serial != NULL)
    self->serial = g_bytes_ref (serial);
}

void
ck_certificate_builder_set_hash (CkCertificateBuilder     *self,
                                 gnutls_digest_algorithm_t hash)
{
  g_return_if_fail (CK_IS_CERTIFICATE_BUILDER (self));
  self->hash = hash;
}

void
ck_certificate_builder_set_ocsp_url (CkCertificateBuilder *self,
                                     const char           *url)
{
  g_return_if_fail (CK_IS_CERTIFICATE_BUILDER (self));
  g_free (self->ocsp_url);
  self->ocsp_url = g_strdup (url);
}

void
ck_certificate_builder_set_ca_issuers_url (CkCertificateBuilder *self,
                                           const char           *url)
{
  g_return_if_fail (CK_IS_CERTIFICATE_BUILDER (self));
  g_free (self->ca_issuers_url);
  self->ca_issuers_url = g_strdup (url);
}

void
ck_certificate_builder_set_crl_url (CkCertificateBuilder *self,
                                    const char           *url)
{
  g_return_if_fail (CK_IS_CERTIFICATE_BUILDER (self));
  g_free (self->crl_url);
  self->crl_url = g_strdup (url);
}

void
ck_certificate_builder_set_path_len (CkCertificateBuilder *self,
                                     int                   path_len)
{
  g_return_if_fail (CK_IS_CERTIFICATE_BUILDER (self));
  self->path_len = path_len;
}

/* --- What the certificate says ------------------------------------------ */

static gboolean
keeps_oid (CkCertificateBuilder *self,
           const char           *oid)
{
  if (g_str_equal (oid, CK_OID_EXT_SUBJECT_KEY_ID) || g_str_equal (oid, CK_OID_EXT_AUTHORITY_KEY_ID))
    return FALSE;   /* always computed here */
  if (self->keep_all)
    return TRUE;
  for (guint i = 0; i < self->keep_oids->len; i++)
    if (g_str_equal (self->keep_oids->pdata[i], oid))
      return TRUE;
  return FALSE;
}

CkRequestBuilder *
ck_certificate_builder_get_contents (CkCertificateBuilder *self)
{
  g_autoptr (CkRequestBuilder) from = NULL;
  CkRequestBuilder *contents;
  CkKeepFlags keep;
  gboolean critical = FALSE, is_ca = FALSE, bc_critical = TRUE;
  int path_len = -1;

  g_return_val_if_fail (CK_IS_CERTIFICATE_BUILDER (self), NULL);

  if (self->request == NULL)
    {
      contents = ck_request_builder_copy (self->contents);
      if (self->profile_set)
        ck_certificate_profile_apply (self->profile, contents);
    }
  else
    {
      GPtrArray *attrs;
      unsigned int bits = 0;
      int algo;

      from = ck_request_builder_new_from_request (self->request);
      if (self->contents != NULL)
        {
          /* A template's extensions instead of a profile's; the subject
           * stays the request's. */
          contents = ck_request_builder_copy (self->contents);
          ck_request_builder_clear_subject (contents);
        }
      else
        contents = ck_request_builder_new ();
      algo = gnutls_x509_crq_get_pk_algorithm (ck_request_get_crq (self->request), &bits);
      if (algo > 0)
        ck_request_builder_set_key_info (contents, algo, bits);
      if (self->contents == NULL)
        ck_certificate_profile_apply (self->profile, contents);

      /* The subject, for the checks: the certificate copies the DER. */
      attrs = ck_request_builder_get_subject (from);
      for (guint i = 0; i < attrs->len; i++)
        {
          CkDnAttribute *attr = attrs->pdata[i];

          ck_request_builder_add_attribute (contents, attr->oid, attr->value);
        }

      keep = self->keep;
      if (self->keep_all)
        keep |= CK_KEEP_SUBJECT_ALT_NAME | CK_KEEP_KEY_USAGE | CK_KEEP_EXTENDED_KEY_USAGE |
                CK_KEEP_TLS_FEATURE | CK_KEEP_OTHER;
      if (keep & CK_KEEP_SUBJECT_ALT_NAME)
        {
          GPtrArray *sans = ck_request_builder_get_sans (from);
          gboolean san_critical = FALSE;

          for (guint i = 0; i < sans->len; i++)
            ck_request_builder_add_san (contents, sans->pdata[i]);
          g_object_get (from, "san-critical", &san_critical, NULL);
          ck_request_builder_set_san_critical (contents, san_critical);
        }
      if (keep & CK_KEEP_KEY_USAGE)
        {
          guint usage = ck_request_builder_get_key_usage (from, &critical);

          if (usage != 0)
            ck_request_builder_set_key_usage (contents, usage, critical);
        }
      if (keep & CK_KEEP_EXTENDED_KEY_USAGE)
        {
          const char * const *eku = ck_request_builder_get_extended_key_usage (from, &critical);

          if (eku != NULL && eku[0] != NULL)
            ck_request_builder_set_extended_key_usage (contents, eku, critical);
        }
      /* A CA:TRUE is only ever kept when named, never through "all". */
      if (ck_request_builder_get_basic_constraints (from, &is_ca, &path_len, &bc_critical) &&
          ((self->keep & CK_KEEP_BASIC_CONSTRAINTS) || (self->keep_all && !is_ca)))
        ck_request_builder_set_basic_constraints (contents, TRUE, is_ca, path_len, bc_critical);
      if (keep & CK_KEEP_TLS_FEATURE)
        {
          GArray *features = ck_request_builder_get_tls_features (from);

          for (guint i = 0; i < features->len; i++)
            ck_request_builder_add_tls_feature (contents, g_array_index (features, guint, i));
        }
      {
        GPtrArray *extensions = ck_request_builder_get_extensions (from);

        for (guint i = 0; i < extensions->len; i++)
          {
            CkExtension *ext = extensions->pdata[i];

            if (keeps_oid (self, ext->oid))
              ck_request_builder_add_extension (contents, ext->oid, ext->value, ext->critical);
          }
      }
    }

  if (self->path_len != PATH_LEN_UNSET &&
      ck_request_builder_get_basic_constraints (contents, &is_ca, NULL, &bc_critical) && is_ca)
    ck_request_builder_set_basic_constraints (contents, TRUE, TRUE, self->path_len, bc_critical);
  return contents;
}

static gboolean
contents_is_ca (CkRequestBuilder *contents)
{
  gboolean is_ca = FALSE;

  return ck_request_builder_get_basic_constraints (contents, &is_ca, NULL, NULL) && is_ca;
}

static gboolean
contents_has_eku (CkRequestBuilder *contents,
                  const char       *oid)
{
  const char * const *eku = ck_request_builder_get_extended_key_usage (contents, NULL);

  return eku != NULL && g_strv_contains (eku, oid);
}

static void
get_validity (CkCertificateBuilder *self,
              CkRequestBuilder     *contents,
              gint64               *not_before,
              gint64               *not_after)
{
  gint64 start = self->not_before != 0 ? self->not_before : g_get_real_time () / G_USEC_PER_SEC;
  guint days = self->days;

  *not_before = start;
  if (self->not_after != 0)
    {
      *not_after = self->not_after;
      return;
    }
  if (days == 0)
    {
      gboolean is_ca = FALSE;
      int path_len = -1;

      /* A self-signed CA is a root: ten years; a CA signed by one, five. */
      if (ck_request_builder_get_basic_constraints (contents, &is_ca, &path_len, NULL) && is_ca)
        days = self->request == NULL ? 3650 : 1825;
      else if (contents_has_eku (contents, CK_OID_EKU_SERVER_AUTH))
        days = ck_tls_server_max_validity_days (start);
      else
        days = 365;
    }
  /* RFC 5280 validity is inclusive of both ends: a day of validity ends
   * one second before the same time the next day. */
  *not_after = start + (gint64) days * DAY - 1;
}

void
ck_certificate_builder_get_validity (CkCertificateBuilder *self,
                                     gint64               *not_before,
                                     gint64               *not_after)
{
  g_autoptr (CkRequestBuilder) contents = ck_certificate_builder_get_contents (self);

  get_validity (self, contents, not_before, not_after);
}

/* --- Checks ------------------------------------------------------------ */

static void
add_finding (GPtrArray        *findings,
             CkFindingSeverity severity,
             const char       *field,
             char             *message)
{
  CkRequestFinding finding = { severity, (char *) field, message };

  g_ptr_array_add (findings, ck_request_finding_copy (&finding));
  g_free (message);
}

static char *
format_time (gint64 t)
{
  g_autoptr (GDateTime) dt = g_date_time_new_from_unix_utc (t);

  return dt != NULL ? g_date_time_format (dt, "%Y-%m-%d %H:%M:%S UTC") : g_strdup ("?");
}

/* Why @issuer cannot sign certificates, or NULL. */
static char *
issuer_refusal (CkCertificate *issuer)
{
  gboolean is_ca = FALSE;
  guint usage = 0;

  if (!ck_certificate_get_basic_constraints (issuer, &is_ca, NULL, NULL) || !is_ca)
    return g_strdup_printf (_("“%s” is not a CA certificate (its basic constraints do not "
                              "say CA:TRUE), so it cannot sign certificates"),
                            ck_certificate_get_display_name (issuer));
  if (!ck_certificate_get_key_usage (issuer, &usage, NULL))
    return g_strdup_printf (_("The CA certificate “%s” has no key usage extension, so it "
                              "does not allow keyCertSign (RFC 5280, 4.2.1.3)"),
                            ck_certificate_get_display_name (issuer));
  if (!(usage & GNUTLS_KEY_KEY_CERT_SIGN))
    return g_strdup_printf (_("The key usage of the CA certificate “%s” lacks keyCertSign, "
                              "so it cannot sign certificates"),
                            ck_certificate_get_display_name (issuer));
  return NULL;
}

GPtrArray *
ck_certificate_builder_check (CkCertificateBuilder *self,
                              CkCertificate        *issuer)
{
  g_autoptr (CkRequestBuilder) contents = NULL;
  GPtrArray *findings;
  gint64 not_before, not_after;

  g_return_val_if_fail (CK_IS_CERTIFICATE_BUILDER (self), NULL);

  contents = ck_certificate_builder_get_contents (self);
  findings = ck_request_builder_check_for (contents, CK_CHECK_CERTIFICATE);
  get_validity (self, contents, &not_before, &not_after);

  if (not_after <= not_before)
    add_finding (findings, CK_FINDING_ERROR, "validity",
                 g_strdup (_("The certificate would expire before it becomes valid")));

  if (self->serial != NULL)
    {
      gsize len;
      const guint8 *data = g_bytes_get_data (self->serial, &len);
      gsize start = 0;

      /* A leading 0x00 before an octet with the top bit set is how DER
       * keeps a number positive; it counts towards the 20 octets. */
      if (len == 0 || (data[0] & 0x80))
        add_finding (findings, CK_FINDING_ERROR, "serial",
                     g_strdup (_("The serial number must be a positive integer (RFC 5280, 4.1.2.2)")));
      while (start + 1 < len && data[start] == 0 && !(data[start + 1] & 0x80))
        start++;
      if (len > 0 && len - start == 1 && data[start] == 0)
        add_finding (findings, CK_FINDING_ERROR, "serial",
                     g_strdup (_("The serial number must be a positive integer (RFC 5280, 4.1.2.2)")));
      if (len - start > 20)
        add_finding (findings, CK_FINDING_ERROR, "serial",
                     g_strdup_printf (_("The serial number has %u octets: RFC 5280 (4.1.2.2) "
                                        "allows at most 20"), (guint) (len - start)));
    }

  if (contents_has_eku (contents, CK_OID_EKU_SERVER_AUTH) ||
      self->profile == CK_CERTIFICATE_PROFILE_TLS_SERVER)
    {
      guint max_days = ck_tls_server_max_validity_days (not_before);
      gint64 period = not_after - not_before + 1;

      if (period > (gint64) max_days * DAY)
        add_finding (findings, CK_FINDING_WARNING, "validity",
                     g_strdup_printf (_("The certificate is valid for %.1f days: publicly trusted "
                                        "TLS server certificates may be valid for at most %u days "
                                        "when issued from %s (CA/Browser Forum ballot SC-081)"),
                                      (double) period / DAY, max_days,
                                      max_days == 398 ? "2020-09-01" :
                                      max_days == 200 ? "2026-03-15" :
                                      max_days == 100 ? "2027-03-15" : "2029-03-15"));
    }

  if (self->request != NULL)
    {
      g_autoptr (GError) error = NULL;

      if (!ck_request_verify_signature (self->request, &error))
        add_finding (findings, CK_FINDING_ERROR, "signature",
                     g_strdup_printf (_("The request’s signature does not verify, so it was not "
                                        "made with the key it names: %s"), error->message));
      if (self->keep & CK_KEEP_BASIC_CONSTRAINTS && contents_is_ca (contents))
        add_finding (findings, CK_FINDING_WARNING, "basicConstraints",
                     g_strdup (_("The request’s basicConstraints CA:TRUE is kept: the "
                                 "certificate will be a CA that can issue certificates")));
    }

  if (issuer != NULL)
    {
      char *refusal = issuer_refusal (issuer);
      gboolean issuer_ca = FALSE;
      int issuer_path_len = -1;

      if (refusal != NULL)
        add_finding (findings, CK_FINDING_ERROR, "issuer", refusal);
      if (ck_certificate_get_basic_constraints (issuer, &issuer_ca, &issuer_path_len, NULL) &&
          issuer_ca && issuer_path_len == 0 && contents_is_ca (contents))
        add_finding (findings, CK_FINDING_ERROR, "basicConstraints",
                     g_strdup_printf (_("The CA “%s” has a path length of 0: it may only sign "
                                        "end-entity certificates, not another CA"),
                                      ck_certificate_get_display_name (issuer)));
      if (not_after > ck_certificate_get_not_after (issuer))
        {
          g_autofree char *ca_end = format_time (ck_certificate_get_not_after (issuer));

          add_finding (findings, CK_FINDING_WARNING, "validity",
                       g_strdup_printf (_("The certificate would outlive its CA, which expires "
                                          "on %s"), ca_end));
        }
      if (not_before < ck_certificate_get_not_before (issuer))
        add_finding (findings, CK_FINDING_WARNING, "validity",
                     g_strdup (_("The certificate would become valid before its CA does")));
    }

  return findings;
}

/* --- Signing ----------------------------------------------------------- */

static GBytes *
random_serial (GError **error)
{
  guint8 serial[20];
  int ret = gnutls_rnd (GNUTLS_RND_NONCE, serial, sizeof serial);

  if (ret < 0)
    {
      ck_set_gnutls_error (error, ret, _("cannot make a serial number"));
      return NULL;
    }
  /* Positive, and 20 octets in DER: no leading zero to drop. */
  serial[0] &= 0x7f;
  if (serial[0] == 0)
    serial[0] = 0x01;
  return g_bytes_new (serial, sizeof serial);
}

static gboolean
set_key_ids (gnutls_x509_crt_t crt,
             gnutls_x509_crt_t issuer,
             gboolean          is_ca,
             GError          **error)
{
  guint8 id[64];
  size_t size = sizeof id;
  int ret;

  ret = gnutls_x509_crt_get_key_id (crt, GNUTLS_KEYID_USE_SHA1, id, &size);
  if (ret >= 0)
    ret = gnutls_x509_crt_set_subject_key_id (crt, id, size);
  if (ret < 0)
    {
      ck_set_gnutls_error (error, ret, _("subject key identifier"));
      return FALSE;
    }

  if (issuer == NULL)
    {
      /* Self-signed: a CA says AKI = SKI, so chains built by key id find it. */
      if (!is_ca)
        return TRUE;
    }
  else
    {
      size = sizeof id;
      ret = gnutls_x509_crt_get_subject_key_id (issuer, id, &size, NULL);
      if (ret < 0)
        {
          size = sizeof id;
          ret = gnutls_x509_crt_get_key_id (issuer, GNUTLS_KEYID_USE_SHA1, id, &size);
        }
      if (ret < 0)
        {
          ck_set_gnutls_error (error, ret, _("authority key identifier"));
          return FALSE;
        }
    }
  ret = gnutls_x509_crt_set_authority_key_id (crt, id, size);
  if (ret < 0)
    {
      ck_set_gnutls_error (error, ret, _("authority key identifier"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
set_urls (CkCertificateBuilder *self,
          gnutls_x509_crt_t     crt,
          GError              **error)
{
  int ret = 0;

  if (self->ocsp_url != NULL)
    {
      gnutls_datum_t url = { (unsigned char *) self->ocsp_url, strlen (self->ocsp_url) };

      ret = gnutls_x509_crt_set_authority_info_access (crt, GNUTLS_IA_OCSP_URI, &url);
    }
  if (ret >= 0 && self->ca_issuers_url != NULL)
    {
      gnutls_datum_t url = { (unsigned char *) self->ca_issuers_url, strlen (self->ca_issuers_url) };

      ret = gnutls_x509_crt_set_authority_info_access (crt, GNUTLS_IA_CAISSUERS_URI, &url);
    }
  if (ret < 0)
    {
      ck_set_gnutls_error (error, ret, _("authority information access"));
      return FALSE;
    }
  if (self->crl_url != NULL)
    {
      ret = gnutls_x509_crt_set_crl_dist_points2 (crt, GNUTLS_SAN_URI, self->crl_url,
                                                  strlen (self->crl_url), 0);
      if (ret < 0)
        {
          ck_set_gnutls_error (error, ret, _("CRL distribution point"));
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
check_or_fail (CkCertificateBuilder *self,
               CkCertificate        *issuer,
               CkBuildFlags          flags,
               GError              **error)
{
  g_autoptr (GPtrArray) findings = ck_certificate_builder_check (self, issuer);
  g_autofree char *errors = NULL;

  if (!ck_request_findings_have_errors (findings))
    return TRUE;
  if (flags & CK_BUILD_IGNORE_FINDINGS)
    {
      /* Templates may ask for what the checks dislike; never for these. */
      for (guint i = 0; i < findings->len; i++)
        {
          CkRequestFinding *f = findings->pdata[i];

          if (f->severity == CK_FINDING_ERROR &&
              (g_str_equal (f->field, "signature") || g_str_equal (f->field, "issuer")))
            {
              g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                           _("The certificate cannot be made:\n%s"), f->message);
              return FALSE;
            }
        }
      return TRUE;
    }
  errors = ck_request_findings_describe (findings, CK_FINDING_ERROR);
  g_set_error (error, CK_ERROR, CK_ERROR_INVALID, _("The certificate cannot be made:\n%s"), errors);
  return FALSE;
}

static CkCertificate *
issue (CkCertificateBuilder *self,
       CkRequest            *request,
       CkCertificate        *issuer,
       CkPrivateKey         *signer,
       GError              **error)
{
  g_autoptr (CkRequestBuilder) contents = ck_certificate_builder_get_contents (self);
  g_autoptr (GPtrArray) extensions = NULL;
  g_autoptr (GBytes) serial = NULL;
  g_autoptr (GBytes) bytes = NULL;
  gnutls_x509_crt_t crt = NULL;
  gnutls_x509_crt_t issuer_crt = issuer != NULL ? ck_certificate_get_crt (issuer) : NULL;
  gnutls_pubkey_t signer_pub = NULL;
  gnutls_digest_algorithm_t hash = self->hash;
  gnutls_datum_t der = { NULL, 0 };
  gint64 not_before, not_after;
  CkCertificate *result = NULL;
  const guint8 *serial_data;
  gsize serial_len;
  int ret;

  extensions = ck_request_builder_encode_extensions (contents, error);
  if (extensions == NULL)
    return NULL;
  serial = self->serial != NULL ? g_bytes_ref (self->serial) : random_serial (error);
  if (serial == NULL)
    return NULL;
  get_validity (self, contents, &not_before, &not_after);

  gnutls_x509_crt_init (&crt);
  /* The subject and public key exactly as the request has them. */
  ret = gnutls_x509_crt_set_crq (crt, ck_request_get_crq (request));
  if (ret < 0)
    {
      ck_set_gnutls_error (error, ret, _("cannot take the subject and key from the request"));
      goto out;
    }
  serial_data = g_bytes_get_data (serial, &serial_len);
  if ((ret = gnutls_x509_crt_set_version (crt, 3)) < 0 ||
      (ret = gnutls_x509_crt_set_serial (crt, serial_data, serial_len)) < 0 ||
      (ret = gnutls_x509_crt_set_activation_time (crt, (time_t) not_before)) < 0 ||
      (ret = gnutls_x509_crt_set_expiration_time (crt, (time_t) not_after)) < 0)
    {
      ck_set_gnutls_error (error, ret, _("cannot set the serial number and validity"));
      goto out;
    }

  for (guint i = 0; i < extensions->len; i++)
    {
      CkExtension *ext = extensions->pdata[i];
      gsize len;
      const guint8 *data = g_bytes_get_data (ext->value, &len);

      ret = gnutls_x509_crt_set_extension_by_oid (crt, ext->oid, data, len, ext->critical);
      if (ret < 0)
        {
          ck_set_gnutls_error (error, ret, _("extension %s"), ext->oid);
          goto out;
        }
    }
  if (!set_key_ids (crt, issuer_crt, contents_is_ca (contents), error) ||
      !set_urls (self, crt, error))
    goto out;

  signer_pub = ck_private_key_dup_pubkey (signer, error);
  if (signer_pub == NULL)
    goto out;
  if (hash == GNUTLS_DIG_UNKNOWN)
    {
      unsigned int mand = 0;

      if (gnutls_pubkey_get_preferred_hash_algorithm (signer_pub, &hash, &mand) < 0)
        hash = GNUTLS_DIG_SHA256;
    }
  ret = gnutls_x509_crt_privkey_sign (crt, issuer_crt != NULL ? issuer_crt : crt,
                                      ck_private_key_get_privkey (signer), hash, 0);
  if (ret < 0)
    {
      ck_set_gnutls_error (error, ret, _("cannot sign the certificate"));
      goto out;
    }
  ret = gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_DER, &der);
  if (ret < 0)
    {
      ck_set_gnutls_error (error, ret, _("cannot encode the certificate"));
      goto out;
    }
  bytes = ck_bytes_from_datum (&der);
  gnutls_free (der.data);
  result = ck_certificate_new_from_der (bytes, error);

  /* A signature that does not check out (a token that signed with another
   * key, say) must not reach the store. */
  if (result != NULL)
    {
      gnutls_x509_crt_t made = ck_certificate_get_crt (result);
      gnutls_x509_crt_t anchor = issuer_crt != NULL ? issuer_crt : made;
      unsigned int status = 0;

      ret = gnutls_x509_crt_verify (made, &anchor, 1,
                                    GNUTLS_VERIFY_DO_NOT_ALLOW_SAME |
                                    GNUTLS_VERIFY_DISABLE_CA_SIGN |
                                    GNUTLS_VERIFY_DISABLE_TIME_CHECKS |
                                    GNUTLS_VERIFY_DISABLE_TRUSTED_TIME_CHECKS,
                                    &status);
      if (ret < 0 || (status & (GNUTLS_CERT_SIGNATURE_FAILURE | GNUTLS_CERT_SIGNER_NOT_FOUND)))
        {
          g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                       _("The new certificate’s signature does not verify with the signing key"));
          g_clear_object (&result);
        }
    }

out:
  if (signer_pub != NULL)
    gnutls_pubkey_deinit (signer_pub);
  gnutls_x509_crt_deinit (crt);
  return result;
}

CkCertificate *
ck_certificate_builder_self_sign (CkCertificateBuilder *self,
                                  CkPrivateKey         *key,
                                  CkBuildFlags          flags,
                                  GError              **error)
{
  g_autoptr (CkRequest) request = NULL;

  g_return_val_if_fail (CK_IS_CERTIFICATE_BUILDER (self), NULL);
  g_return_val_if_fail (CK_IS_PRIVATE_KEY (key), NULL);

  if (self->contents != NULL)
    ck_request_builder_set_key_info (self->contents, ck_private_key_get_algorithm_id (key),
                                     ck_private_key_get_bits (key));
  if (!check_or_fail (self, NULL, flags, error))
    return NULL;

  if (self->request != NULL)
    {
      g_autoptr (GBytes) spki = ck_private_key_get_spki (key);
      g_autoptr (GBytes) request_spki = NULL;
      gnutls_pubkey_t pub = NULL;
      gnutls_datum_t d = { NULL, 0 };

      if (gnutls_pubkey_init (&pub) >= 0 &&
          gnutls_pubkey_import_x509_crq (pub, ck_request_get_crq (self->request), 0) >= 0 &&
          gnutls_pubkey_export2 (pub, GNUTLS_X509_FMT_DER, &d) >= 0)
        request_spki = ck_bytes_from_datum (&d);
      gnutls_free (d.data);
      if (pub != NULL)
        gnutls_pubkey_deinit (pub);
      if (request_spki == NULL || !g_bytes_equal (spki, request_spki))
        {
          g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                       _("The request is not for this key, so it cannot be self-signed with it"));
          return NULL;
        }
      request = g_object_ref (self->request);
    }
  else
    {
      /* The request builder encodes the subject; the certificate takes it
       * from the request as it is. */
      request = ck_request_builder_build (self->contents, key, CK_BUILD_IGNORE_FINDINGS, error);
      if (request == NULL)
        return NULL;
    }
  return issue (self, request, NULL, key, error);
}

CkCertificate *
ck_certificate_builder_sign (CkCertificateBuilder *self,
                             CkCertificate        *issuer,
                             CkPrivateKey         *issuer_key,
                             CkBuildFlags          flags,
                             GError              **error)
{
  g_autoptr (CkRequest) request = NULL;
  g_autofree char *refusal = NULL;

  g_return_val_if_fail (CK_IS_CERTIFICATE_BUILDER (self), NULL);
  g_return_val_if_fail (CK_IS_CERTIFICATE (issuer), NULL);
  g_return_val_if_fail (CK_IS_PRIVATE_KEY (issuer_key), NULL);

  if (g_strcmp0 (ck_private_key_get_spki_sha256 (issuer_key),
                 ck_certificate_get_spki_sha256 (issuer)) != 0)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                   _("The key given is not the key of the CA certificate “%s”"),
                   ck_certificate_get_display_name (issuer));
      return NULL;
    }
  refusal = issuer_refusal (issuer);
  if (refusal != NULL)
    {
      g_set_error_literal (error, CK_ERROR, CK_ERROR_INVALID, refusal);
      return NULL;
    }
  if (!check_or_fail (self, issuer, flags, error))
    return NULL;

  if (self->request != NULL)
    request = g_object_ref (self->request);
  else if (self->subject_key != NULL)
    {
      /* Contents for a key of ours (a certtool template, say), signed by
       * a CA: the request is only the carrier of subject and key. */
      request = ck_request_builder_build (self->contents, self->subject_key,
                                          CK_BUILD_IGNORE_FINDINGS, error);
      if (request == NULL)
        return NULL;
    }
  else
    {
      g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                   _("A certificate signed by a CA needs a request, or the key it is for"));
      return NULL;
    }
  return issue (self, request, issuer, issuer_key, error);
}
