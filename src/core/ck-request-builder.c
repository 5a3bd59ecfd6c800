/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ck-request-builder.h"

#include <arpa/inet.h>
#include <glib/gi18n-lib.h>
#include <gnutls/abstract.h>
#include <gnutls/crypto.h>
#include <gnutls/x509-ext.h>
#include <string.h>

#include "ck-der-private.h"
#include "ck-error.h"
#include "ck-key-usage.h"
#include "ck-oid.h"
#include "ck-utils.h"

#define CK_OID_UPN "1.3.6.1.4.1.311.20.2.3"
/* RFC 9336 id-kp-documentSigning. */
#define CK_OID_EKU_DOCUMENT_SIGNING "1.3.6.1.5.5.7.3.36"

struct _CkRequestBuilder
{
  GObject parent_instance;

  CkRequestProfile profile;
  gnutls_pk_algorithm_t key_algo;
  guint key_bits;

  GPtrArray *subject;      /* CkDnAttribute, encoding order */
  GPtrArray *sans;         /* CkGeneralName */
  gboolean san_critical;
  guint key_usage;
  gboolean key_usage_critical;
  GPtrArray *eku;          /* char *, NULL-terminated */
  gboolean eku_critical;
  gboolean eku_first;
  gboolean bc_present;
  gboolean bc_ca;
  int bc_path_len;
  gboolean bc_critical;
  GArray *tls_features;    /* guint */
  GPtrArray *extensions;   /* CkExtension */
  char *challenge;
  gnutls_digest_algorithm_t hash;
  gboolean pss;
};

G_DEFINE_FINAL_TYPE (CkRequestBuilder, ck_request_builder, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_PROFILE,
  PROP_HASH,
  PROP_PSS,
  PROP_CHALLENGE_PASSWORD,
  PROP_KEY_USAGE,
  PROP_KEY_USAGE_CRITICAL,
  PROP_EKU_CRITICAL,
  PROP_SAN_CRITICAL,
  PROP_BASIC_CONSTRAINTS,
  PROP_IS_CA,
  PROP_PATH_LEN,
  PROP_BC_CRITICAL,
  N_PROPS
};

static GParamSpec *props[N_PROPS];

enum {
  SIGNAL_CHANGED,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

/* --- Profiles, EKU names, countries ------------------------------------ */

static const struct {
  CkRequestProfile profile;
  const char *name;
  const char *display;
} profiles[] = {
  { CK_REQUEST_PROFILE_TLS_SERVER, "tls-server", N_("TLS server") },
  { CK_REQUEST_PROFILE_TLS_CLIENT, "tls-client", N_("TLS client") },
  { CK_REQUEST_PROFILE_CODE_SIGNING, "code-signing", N_("Code signing") },
  { CK_REQUEST_PROFILE_EMAIL, "email", N_("S/MIME email") },
  { CK_REQUEST_PROFILE_DOCUMENT_SIGNING, "document-signing", N_("Document signing") },
  { CK_REQUEST_PROFILE_XROAD_SIGNING, "xroad-signing", N_("X-Road signing") },
  { CK_REQUEST_PROFILE_XROAD_AUTH, "xroad-auth", N_("X-Road authentication") },
  { CK_REQUEST_PROFILE_SUB_CA, "sub-ca", N_("Subordinate CA") },
  { CK_REQUEST_PROFILE_CUSTOM, "custom", N_("Custom") },
};

static const struct {
  const char *name;
  const char *alias;
  const char *oid;
} eku_names[] = {
  { "serverAuth", "server-auth", CK_OID_EKU_SERVER_AUTH },
  { "clientAuth", "client-auth", CK_OID_EKU_CLIENT_AUTH },
  { "codeSigning", "code-signing", CK_OID_EKU_CODE_SIGNING },
  { "emailProtection", "email-protection", CK_OID_EKU_EMAIL_PROTECTION },
  { "timeStamping", "time-stamping", CK_OID_EKU_TIME_STAMPING },
  { "OCSPSigning", "ocsp-signing", CK_OID_EKU_OCSP_SIGNING },
  { "anyExtendedKeyUsage", "any", CK_OID_EKU_ANY },
  { "documentSigning", "document-signing", CK_OID_EKU_DOCUMENT_SIGNING },
  { "ipsecIKE", "ipsec-ike", "1.3.6.1.5.5.7.3.17" },
};

/* ISO 3166-1 alpha-2, officially assigned codes. */
static const char iso3166[] =
  "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ "
  "BA BB BD BE BF BG BH BI BJ BL BM BN BO BQ BR BS BT BV BW BY BZ "
  "CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ "
  "DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR "
  "GA GB GD GE GF GG GH GI GL GM GN GP GQ GR GS GT GU GW GY "
  "HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM JO JP "
  "KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY "
  "MA MC MD ME MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ "
  "NA NC NE NF NG NI NL NO NP NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY "
  "QA RE RO RS RU RW SA SB SC SD SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ "
  "TC TD TF TG TH TJ TK TL TM TN TO TR TT TV TW TZ UA UG UM US UY UZ "
  "VA VC VE VG VI VN VU WF WS YE YT ZA ZM ZW";

GType
ck_request_profile_get_type (void)
{
  static gsize type = 0;

  if (g_once_init_enter (&type))
    {
      static const GEnumValue values[] = {
        { CK_REQUEST_PROFILE_CUSTOM, "CK_REQUEST_PROFILE_CUSTOM", "custom" },
        { CK_REQUEST_PROFILE_TLS_SERVER, "CK_REQUEST_PROFILE_TLS_SERVER", "tls-server" },
        { CK_REQUEST_PROFILE_TLS_CLIENT, "CK_REQUEST_PROFILE_TLS_CLIENT", "tls-client" },
        { CK_REQUEST_PROFILE_CODE_SIGNING, "CK_REQUEST_PROFILE_CODE_SIGNING", "code-signing" },
        { CK_REQUEST_PROFILE_EMAIL, "CK_REQUEST_PROFILE_EMAIL", "email" },
        { CK_REQUEST_PROFILE_DOCUMENT_SIGNING, "CK_REQUEST_PROFILE_DOCUMENT_SIGNING", "document-signing" },
        { CK_REQUEST_PROFILE_XROAD_SIGNING, "CK_REQUEST_PROFILE_XROAD_SIGNING", "xroad-signing" },
        { CK_REQUEST_PROFILE_XROAD_AUTH, "CK_REQUEST_PROFILE_XROAD_AUTH", "xroad-auth" },
        { CK_REQUEST_PROFILE_SUB_CA, "CK_REQUEST_PROFILE_SUB_CA", "sub-ca" },
        { 0, NULL, NULL },
      };
      g_once_init_leave (&type, g_enum_register_static ("CkRequestProfile", values));
    }
  return type;
}

const char *
ck_request_profile_to_string (CkRequestProfile profile)
{
  for (gsize i = 0; i < G_N_ELEMENTS (profiles); i++)
    if (profiles[i].profile == profile)
      return profiles[i].name;
  return NULL;
}

gboolean
ck_request_profile_from_string (const char       *name,
                                CkRequestProfile *profile)
{
  for (gsize i = 0; name != NULL && i < G_N_ELEMENTS (profiles); i++)
    if (g_ascii_strcasecmp (name, profiles[i].name) == 0)
      {
        *profile = profiles[i].profile;
        return TRUE;
      }
  return FALSE;
}

const char *
ck_request_profile_get_display_name (CkRequestProfile profile)
{
  for (gsize i = 0; i < G_N_ELEMENTS (profiles); i++)
    if (profiles[i].profile == profile)
      return _(profiles[i].display);
  return NULL;
}

const char *
ck_extended_key_usage_from_name (const char *name)
{
  for (gsize i = 0; name != NULL && i < G_N_ELEMENTS (eku_names); i++)
    if (g_ascii_strcasecmp (name, eku_names[i].name) == 0 ||
        g_ascii_strcasecmp (name, eku_names[i].alias) == 0)
      return eku_names[i].oid;
  return NULL;
}

const char *
ck_extended_key_usage_to_name (const char *oid)
{
  for (gsize i = 0; oid != NULL && i < G_N_ELEMENTS (eku_names); i++)
    if (g_str_equal (oid, eku_names[i].oid))
      return eku_names[i].name;
  return NULL;
}

gboolean
ck_iso3166_is_valid_code (const char *code)
{
  if (code == NULL || strlen (code) != 2 ||
      !g_ascii_isupper (code[0]) || !g_ascii_isupper (code[1]))
    return FALSE;
  /* Two letters and a space each; the last one ends the string. */
  for (gsize i = 0; i + 1 < sizeof iso3166; i += 3)
    if (iso3166[i] == code[0] && iso3166[i + 1] == code[1])
      return TRUE;
  return FALSE;
}

G_DEFINE_BOXED_TYPE (CkRequestFinding, ck_request_finding,
                     ck_request_finding_copy, ck_request_finding_free)

static CkRequestFinding *
finding_new (CkFindingSeverity severity,
             const char       *field,
             char             *message)
{
  CkRequestFinding *finding = g_new0 (CkRequestFinding, 1);

  finding->severity = severity;
  finding->field = g_strdup (field);
  finding->message = message;
  return finding;
}

CkRequestFinding *
ck_request_finding_copy (const CkRequestFinding *finding)
{
  return finding_new (finding->severity, finding->field, g_strdup (finding->message));
}

void
ck_request_finding_free (CkRequestFinding *finding)
{
  if (finding == NULL)
    return;
  g_free (finding->field);
  g_free (finding->message);
  g_free (finding);
}

/* --- The object -------------------------------------------------------- */

static void
changed (CkRequestBuilder *self)
{
  g_signal_emit (self, signals[SIGNAL_CHANGED], 0);
}

static void
wipe_string (char **str)
{
  if (*str != NULL)
    {
      gnutls_memset (*str, 0, strlen (*str));
      g_clear_pointer (str, g_free);
    }
}

static void
ck_request_builder_finalize (GObject *object)
{
  CkRequestBuilder *self = CK_REQUEST_BUILDER (object);

  g_clear_pointer (&self->subject, g_ptr_array_unref);
  g_clear_pointer (&self->sans, g_ptr_array_unref);
  g_clear_pointer (&self->eku, g_ptr_array_unref);
  g_clear_pointer (&self->tls_features, g_array_unref);
  g_clear_pointer (&self->extensions, g_ptr_array_unref);
  wipe_string (&self->challenge);

  G_OBJECT_CLASS (ck_request_builder_parent_class)->finalize (object);
}

static void
ck_request_builder_get_property (GObject    *object,
                                 guint       prop_id,
                                 GValue     *value,
                                 GParamSpec *pspec)
{
  CkRequestBuilder *self = CK_REQUEST_BUILDER (object);

  switch (prop_id)
    {
    case PROP_PROFILE:
      g_value_set_enum (value, self->profile);
      break;
    case PROP_HASH:
      g_value_set_int (value, self->hash);
      break;
    case PROP_PSS:
      g_value_set_boolean (value, self->pss);
      break;
    case PROP_CHALLENGE_PASSWORD:
      g_value_set_string (value, self->challenge);
      break;
    case PROP_KEY_USAGE:
      g_value_set_uint (value, self->key_usage);
      break;
    case PROP_KEY_USAGE_CRITICAL:
      g_value_set_boolean (value, self->key_usage_critical);
      break;
    case PROP_EKU_CRITICAL:
      g_value_set_boolean (value, self->eku_critical);
      break;
    case PROP_SAN_CRITICAL:
      g_value_set_boolean (value, self->san_critical);
      break;
    case PROP_BASIC_CONSTRAINTS:
      g_value_set_boolean (value, self->bc_present);
      break;
    case PROP_IS_CA:
      g_value_set_boolean (value, self->bc_ca);
      break;
    case PROP_PATH_LEN:
      g_value_set_int (value, self->bc_path_len);
      break;
    case PROP_BC_CRITICAL:
      g_value_set_boolean (value, self->bc_critical);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ck_request_builder_set_property (GObject      *object,
                                 guint         prop_id,
                                 const GValue *value,
                                 GParamSpec   *pspec)
{
  CkRequestBuilder *self = CK_REQUEST_BUILDER (object);

  switch (prop_id)
    {
    case PROP_PROFILE:
      ck_request_builder_apply_profile (self, g_value_get_enum (value));
      return;
    case PROP_HASH:
      self->hash = g_value_get_int (value);
      break;
    case PROP_PSS:
      self->pss = g_value_get_boolean (value);
      break;
    case PROP_CHALLENGE_PASSWORD:
      wipe_string (&self->challenge);
      self->challenge = g_value_dup_string (value);
      break;
    case PROP_KEY_USAGE:
      self->key_usage = g_value_get_uint (value);
      break;
    case PROP_KEY_USAGE_CRITICAL:
      self->key_usage_critical = g_value_get_boolean (value);
      break;
    case PROP_EKU_CRITICAL:
      self->eku_critical = g_value_get_boolean (value);
      break;
    case PROP_SAN_CRITICAL:
      self->san_critical = g_value_get_boolean (value);
      break;
    case PROP_BASIC_CONSTRAINTS:
      self->bc_present = g_value_get_boolean (value);
      break;
    case PROP_IS_CA:
      self->bc_ca = g_value_get_boolean (value);
      break;
    case PROP_PATH_LEN:
      self->bc_path_len = g_value_get_int (value);
      break;
    case PROP_BC_CRITICAL:
      self->bc_critical = g_value_get_boolean (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
      return;
    }
  changed (self);
}

static void
ck_request_builder_class_init (CkRequestBuilderClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags flags = G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY | G_PARAM_STATIC_STRINGS;

  object_class->finalize = ck_request_builder_finalize;
  object_class->get_property = ck_request_builder_get_property;
  object_class->set_property = ck_request_builder_set_property;

  props[PROP_PROFILE] =
    g_param_spec_enum ("profile", NULL, NULL, CK_TYPE_REQUEST_PROFILE,
                       CK_REQUEST_PROFILE_CUSTOM, flags);
  props[PROP_HASH] =
    g_param_spec_int ("hash", NULL, NULL, 0, G_MAXINT, GNUTLS_DIG_UNKNOWN, flags);
  props[PROP_PSS] = g_param_spec_boolean ("pss", NULL, NULL, FALSE, flags);
  props[PROP_CHALLENGE_PASSWORD] =
    g_param_spec_string ("challenge-password", NULL, NULL, NULL, flags);
  props[PROP_KEY_USAGE] =
    g_param_spec_uint ("key-usage", NULL, NULL, 0, G_MAXUINT, 0, flags);
  props[PROP_KEY_USAGE_CRITICAL] =
    g_param_spec_boolean ("key-usage-critical", NULL, NULL, TRUE, flags);
  props[PROP_EKU_CRITICAL] =
    g_param_spec_boolean ("extended-key-usage-critical", NULL, NULL, FALSE, flags);
  props[PROP_SAN_CRITICAL] =
    g_param_spec_boolean ("san-critical", NULL, NULL, FALSE, flags);
  props[PROP_BASIC_CONSTRAINTS] =
    g_param_spec_boolean ("basic-constraints", NULL, NULL, FALSE, flags);
  props[PROP_IS_CA] = g_param_spec_boolean ("is-ca", NULL, NULL, FALSE, flags);
  props[PROP_PATH_LEN] =
    g_param_spec_int ("path-len", NULL, NULL, -1, G_MAXINT, -1, flags);
  props[PROP_BC_CRITICAL] =
    g_param_spec_boolean ("basic-constraints-critical", NULL, NULL, TRUE, flags);
  g_object_class_install_properties (object_class, N_PROPS, props);

  signals[SIGNAL_CHANGED] =
    g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                  0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
ck_request_builder_init (CkRequestBuilder *self)
{
  self->subject = g_ptr_array_new_with_free_func ((GDestroyNotify) ck_dn_attribute_free);
  self->sans = g_ptr_array_new_with_free_func ((GDestroyNotify) ck_general_name_free);
  self->eku = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (self->eku, NULL);
  self->tls_features = g_array_new (FALSE, FALSE, sizeof (guint));
  self->extensions = g_ptr_array_new_with_free_func ((GDestroyNotify) ck_extension_free);
  self->key_usage_critical = TRUE;
  self->bc_path_len = -1;
  self->bc_critical = TRUE;
  self->key_algo = GNUTLS_PK_UNKNOWN;
}

CkRequestBuilder *
ck_request_builder_new (void)
{
  return g_object_new (CK_TYPE_REQUEST_BUILDER, NULL);
}

CkRequestBuilder *
ck_request_builder_copy (CkRequestBuilder *self)
{
  CkRequestBuilder *copy = ck_request_builder_new ();

  g_return_val_if_fail (CK_IS_REQUEST_BUILDER (self), NULL);

  copy->profile = self->profile;
  copy->key_algo = self->key_algo;
  copy->key_bits = self->key_bits;
  for (guint i = 0; i < self->subject->len; i++)
    g_ptr_array_add (copy->subject, ck_dn_attribute_copy (self->subject->pdata[i]));
  for (guint i = 0; i < self->sans->len; i++)
    g_ptr_array_add (copy->sans, ck_general_name_copy (self->sans->pdata[i]));
  copy->san_critical = self->san_critical;
  copy->key_usage = self->key_usage;
  copy->key_usage_critical = self->key_usage_critical;
  ck_request_builder_set_extended_key_usage (copy, ck_request_builder_get_extended_key_usage (self, NULL),
                                             self->eku_critical);
  copy->eku_first = self->eku_first;
  copy->bc_present = self->bc_present;
  copy->bc_ca = self->bc_ca;
  copy->bc_path_len = self->bc_path_len;
  copy->bc_critical = self->bc_critical;
  g_array_append_vals (copy->tls_features, self->tls_features->data, self->tls_features->len);
  for (guint i = 0; i < self->extensions->len; i++)
    g_ptr_array_add (copy->extensions, ck_extension_copy (self->extensions->pdata[i]));
  copy->challenge = g_strdup (self->challenge);
  copy->hash = self->hash;
  copy->pss = self->pss;
  return copy;
}

/* TLS features go back in their own list, so they are written last again. */
static gboolean
read_tls_features (CkRequestBuilder *self,
                   GBytes           *value)
{
  gnutls_x509_tlsfeatures_t features = NULL;
  gnutls_datum_t der = { (unsigned char *) g_bytes_get_data (value, NULL), g_bytes_get_size (value) };
  unsigned int feature;
  gboolean ok;

  gnutls_x509_tlsfeatures_init (&features);
  ok = gnutls_x509_ext_import_tlsfeatures (&der, features, 0) >= 0;
  for (guint i = 0; ok && gnutls_x509_tlsfeatures_get (features, i, &feature) >= 0; i++)
    g_array_append_val (self->tls_features, feature);
  gnutls_x509_tlsfeatures_deinit (features);
  return ok;
}

/* What a request or a certificate says about its subject, as the two
 * constructors below read it. */
typedef struct {
  GPtrArray          *subject;       /* CkDnAttribute */
  GPtrArray          *sans;          /* CkGeneralName */
  gboolean            has_key_usage;
  guint               key_usage;
  gboolean            key_usage_critical;
  const char * const *eku;           /* NULL when absent */
  gboolean            eku_critical;
  gboolean            has_bc;
  gboolean            is_ca;
  int                 path_len;
  gboolean            bc_critical;
  GPtrArray          *extensions;    /* CkExtension, in order */
  /* A request's other extensions were asked for; a certificate's are the
   * CA's (key ids, CRL and OCSP locations, policies, SCTs): not kept. */
  gboolean            keep_other_extensions;
  int                 key_algo;      /* <= 0 when unknown */
  guint               key_bits;
} BuilderSource;

static CkRequestBuilder *
builder_new_from_source (const BuilderSource *src)
{
  CkRequestBuilder *self = ck_request_builder_new ();
  int ku_index = -1, eku_index = -1;

  for (guint i = 0; src->subject != NULL && i < src->subject->len; i++)
    {
      CkDnAttribute *attr = src->subject->pdata[i];

      g_ptr_array_add (self->subject, ck_dn_attribute_new (attr->oid, attr->value,
                                                           self->subject->len));
    }
  for (guint i = 0; src->sans != NULL && i < src->sans->len; i++)
    g_ptr_array_add (self->sans, ck_general_name_copy (src->sans->pdata[i]));

  if (src->has_key_usage)
    {
      self->key_usage = src->key_usage;
      self->key_usage_critical = src->key_usage_critical;
    }
  if (src->eku != NULL)
    ck_request_builder_set_extended_key_usage (self, src->eku, src->eku_critical);
  if (src->has_bc)
    {
      self->bc_present = TRUE;
      self->bc_ca = src->is_ca;
      self->bc_path_len = src->path_len;
      self->bc_critical = src->bc_critical;
    }

  for (guint i = 0; src->extensions != NULL && i < src->extensions->len; i++)
    {
      CkExtension *ext = src->extensions->pdata[i];

      if (g_str_equal (ext->oid, CK_OID_EXT_SUBJECT_ALT_NAME))
        self->san_critical = ext->critical;
      else if (g_str_equal (ext->oid, CK_OID_EXT_KEY_USAGE))
        ku_index = (int) i;
      else if (g_str_equal (ext->oid, CK_OID_EXT_EXT_KEY_USAGE))
        eku_index = (int) i;
      else if (g_str_equal (ext->oid, CK_OID_EXT_TLS_FEATURE) && !ext->critical &&
               read_tls_features (self, ext->value))
        continue;
      else if (src->keep_other_extensions &&
               !g_str_equal (ext->oid, CK_OID_EXT_BASIC_CONSTRAINTS))
        g_ptr_array_add (self->extensions, ck_extension_copy (ext));
    }
  self->eku_first = eku_index >= 0 && ku_index >= 0 && eku_index < ku_index;

  if (src->key_algo > 0)
    {
      self->key_algo = src->key_algo;
      self->key_bits = src->key_bits;
    }
  return self;
}

CkRequestBuilder *
ck_request_builder_new_from_request (CkRequest *request)
{
  BuilderSource src = { 0 };
  unsigned int bits = 0;

  g_return_val_if_fail (CK_IS_REQUEST (request), NULL);

  src.subject = ck_request_get_subject_attributes (request);
  src.sans = ck_request_get_subject_alt_names (request);
  src.has_key_usage = ck_request_get_key_usage (request, &src.key_usage,
                                                &src.key_usage_critical);
  src.eku = ck_request_get_extended_key_usage (request, &src.eku_critical);
  src.path_len = -1;
  src.has_bc = ck_request_get_basic_constraints (request, &src.is_ca, &src.path_len,
                                                 &src.bc_critical);
  src.extensions = ck_request_get_extensions (request);
  src.keep_other_extensions = TRUE;
  src.key_algo = gnutls_x509_crq_get_pk_algorithm (ck_request_get_crq (request), &bits);
  src.key_bits = bits;
  return builder_new_from_source (&src);
}

CkRequestBuilder *
ck_request_builder_new_from_certificate (CkCertificate *certificate)
{
  BuilderSource src = { 0 };

  g_return_val_if_fail (CK_IS_CERTIFICATE (certificate), NULL);

  src.subject = ck_certificate_get_subject_attributes (certificate);
  src.sans = ck_certificate_get_subject_alt_names (certificate);
  src.has_key_usage = ck_certificate_get_key_usage (certificate, &src.key_usage,
                                                    &src.key_usage_critical);
  src.eku = ck_certificate_get_extended_key_usage (certificate, &src.eku_critical);
  src.path_len = -1;
  src.has_bc = ck_certificate_get_basic_constraints (certificate, &src.is_ca, &src.path_len,
                                                     &src.bc_critical);
  src.extensions = ck_certificate_get_extensions (certificate);
  src.keep_other_extensions = FALSE;
  src.key_algo = ck_certificate_get_key_algorithm_id (certificate);
  src.key_bits = ck_certificate_get_key_bits (certificate);
  return builder_new_from_source (&src);
}

static void
notify_all (CkRequestBuilder *self)
{
  g_object_freeze_notify (G_OBJECT (self));
  for (guint i = 1; i < N_PROPS; i++)
    g_object_notify_by_pspec (G_OBJECT (self), props[i]);
  g_object_thaw_notify (G_OBJECT (self));
}

void
ck_request_builder_set_key_info (CkRequestBuilder     *self,
                                 gnutls_pk_algorithm_t algo,
                                 guint                 bits)
{
  g_return_if_fail (CK_IS_REQUEST_BUILDER (self));
  self->key_algo = algo;
  self->key_bits = bits;
  changed (self);
}

static gboolean
key_is_rsa (CkRequestBuilder *self)
{
  return self->key_algo == GNUTLS_PK_RSA;
}

void
ck_request_builder_set_profile_name (CkRequestBuilder *self,
                                     CkRequestProfile  profile)
{
  g_return_if_fail (CK_IS_REQUEST_BUILDER (self));
  if (self->profile == profile)
    return;
  self->profile = profile;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_PROFILE]);
  changed (self);
}

/* Profile contents. X-Road: the security server tells its keys apart by
 * the certificate alone (nordic-institute/X-Road, common-util CertUtils):
 * isSigningCert() requires the nonRepudiation bit, isAuthCert() accepts
 * clientAuth in the EKU or digitalSignature, keyEncipherment or
 * dataEncipherment. The authentication certificate is also the TLS
 * certificate between security servers, hence clientAuth and serverAuth;
 * the signing certificate signs messages and carries nothing else. */
void
ck_request_builder_apply_profile (CkRequestBuilder *self,
                                  CkRequestProfile  profile)
{
  const char *eku[3] = { NULL, };
  guint usage = 0;

  g_return_if_fail (CK_IS_REQUEST_BUILDER (self));

  self->profile = profile;
  self->bc_present = FALSE;
  self->bc_ca = FALSE;
  self->bc_path_len = -1;
  self->bc_critical = TRUE;
  self->key_usage_critical = TRUE;
  self->eku_critical = FALSE;
  self->eku_first = FALSE;

  switch (profile)
    {
    case CK_REQUEST_PROFILE_TLS_SERVER:
      usage = GNUTLS_KEY_DIGITAL_SIGNATURE;
      if (key_is_rsa (self))
        usage |= GNUTLS_KEY_KEY_ENCIPHERMENT;
      eku[0] = CK_OID_EKU_SERVER_AUTH;
      break;
    case CK_REQUEST_PROFILE_TLS_CLIENT:
      usage = GNUTLS_KEY_DIGITAL_SIGNATURE;
      eku[0] = CK_OID_EKU_CLIENT_AUTH;
      break;
    case CK_REQUEST_PROFILE_CODE_SIGNING:
      usage = GNUTLS_KEY_DIGITAL_SIGNATURE;
      eku[0] = CK_OID_EKU_CODE_SIGNING;
      break;
    case CK_REQUEST_PROFILE_EMAIL:
      usage = GNUTLS_KEY_DIGITAL_SIGNATURE;
      if (key_is_rsa (self))
        usage |= GNUTLS_KEY_KEY_ENCIPHERMENT;
      eku[0] = CK_OID_EKU_EMAIL_PROTECTION;
      break;
    case CK_REQUEST_PROFILE_DOCUMENT_SIGNING:
      usage = GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_NON_REPUDIATION;
      eku[0] = CK_OID_EKU_DOCUMENT_SIGNING;
      break;
    case CK_REQUEST_PROFILE_XROAD_SIGNING:
      usage = GNUTLS_KEY_NON_REPUDIATION;
      break;
    case CK_REQUEST_PROFILE_XROAD_AUTH:
      usage = GNUTLS_KEY_DIGITAL_SIGNATURE;
      if (key_is_rsa (self))
        usage |= GNUTLS_KEY_KEY_ENCIPHERMENT;
      eku[0] = CK_OID_EKU_CLIENT_AUTH;
      eku[1] = CK_OID_EKU_SERVER_AUTH;
      break;
    case CK_REQUEST_PROFILE_SUB_CA:
      usage = GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN;
      self->bc_present = TRUE;
      self->bc_ca = TRUE;
      break;
    case CK_REQUEST_PROFILE_CUSTOM:
    default:
      break;
    }

  self->key_usage = usage;
  ck_request_builder_set_extended_key_usage (self, eku, FALSE);
  notify_all (self);
  changed (self);
}

CkRequestProfile
ck_request_builder_get_profile (CkRequestBuilder *self)
{
  g_return_val_if_fail (CK_IS_REQUEST_BUILDER (self), CK_REQUEST_PROFILE_CUSTOM);
  return self->profile;
}

/* --- Subject ----------------------------------------------------------- */

void
ck_request_builder_add_attribute (CkRequestBuilder *self,
                                  const char       *oid,
                                  const char       *value)
{
  g_return_if_fail (CK_IS_REQUEST_BUILDER (self));
  g_return_if_fail (oid != NULL && value != NULL);

  g_ptr_array_add (self->subject, ck_dn_attribute_new (oid, value, self->subject->len));
  changed (self);
}

gboolean
ck_request_builder_add_attribute_by_name (CkRequestBuilder *self,
                                          const char       *name,
                                          const char       *value,
                                          GError          **error)
{
  const char *oid;

  g_return_val_if_fail (CK_IS_REQUEST_BUILDER (self), FALSE);

  oid = ck_oid_from_short_name (name);
  if (oid == NULL && ck_oid_is_valid (name))
    oid = name;
  if (oid == NULL)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                   _("Unknown subject attribute “%s”: use a name such as CN, O, "
                     "OU, C or organizationIdentifier, or a dotted OID"), name);
      return FALSE;
    }
  if (value == NULL || *value == '\0')
    {
      g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                   _("The subject attribute %s has no value"), name);
      return FALSE;
    }
  ck_request_builder_add_attribute (self, oid, value);
  return TRUE;
}

gboolean
ck_request_builder_add_subject_string (CkRequestBuilder *self,
                                       const char       *subject,
                                       GError          **error)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GString) part = g_string_new (NULL);
  guint first = self->subject->len;

  g_return_val_if_fail (CK_IS_REQUEST_BUILDER (self), FALSE);

  /* Split on unescaped commas, keeping escapes for the value. */
  for (const char *p = subject; ; p++)
    {
      if (*p == '\\' && p[1] != '\0')
        {
          g_string_append_c (part, p[1]);
          p++;
        }
      else if (*p == ',' || *p == '\0')
        {
          g_ptr_array_add (parts, g_strdup (g_strstrip (part->str)));
          g_string_truncate (part, 0);
          if (*p == '\0')
            break;
        }
      else
        g_string_append_c (part, *p);
    }

  for (guint i = 0; i < parts->len; i++)
    {
      char *item = parts->pdata[i];
      char *eq = strchr (item, '=');

      if (*item == '\0' && parts->len == 1)
        break;
      if (eq == NULL)
        {
          g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                       _("“%s” in the subject is not NAME=VALUE"), item);
          goto fail;
        }
      *eq = '\0';
      if (!ck_request_builder_add_attribute_by_name (self, g_strstrip (item),
                                                     g_strstrip (eq + 1), error))
        goto fail;
    }
  return TRUE;

fail:
  g_ptr_array_set_size (self->subject, first);
  return FALSE;
}

void
ck_request_builder_remove_attribute (CkRequestBuilder *self,
                                     guint             index)
{
  g_return_if_fail (CK_IS_REQUEST_BUILDER (self));
  g_return_if_fail (index < self->subject->len);

  g_ptr_array_remove_index (self->subject, index);
  for (guint i = index; i < self->subject->len; i++)
    ((CkDnAttribute *) self->subject->pdata[i])->rdn_index = i;
  changed (self);
}

void
ck_request_builder_clear_subject (CkRequestBuilder *self)
{
  g_return_if_fail (CK_IS_REQUEST_BUILDER (self));
  g_ptr_array_set_size (self->subject, 0);
  changed (self);
}

GPtrArray *
ck_request_builder_get_subject (CkRequestBuilder *self)
{
  g_return_val_if_fail (CK_IS_REQUEST_BUILDER (self), NULL);
  return self->subject;
}

char *
ck_request_builder_get_subject_string (CkRequestBuilder *self)
{
  GString *out = g_string_new (NULL);

  g_return_val_if_fail (CK_IS_REQUEST_BUILDER (self), NULL);

  for (guint i = 0; i < self->subject->len; i++)
    {
      CkDnAttribute *attr = self->subject->pdata[i];

      if (i > 0)
        g_string_append (out, ", ");
      g_string_append_printf (out, "%s=", ck_dn_attribute_get_name (attr));
      for (const char *p = attr->value; *p != '\0'; p++)
        {
          if (*p == ',' || *p == '\\')
            g_string_append_c (out, '\\');
          g_string_append_c (out, *p);
        }
    }
  return g_string_free (out, FALSE);
}

/* --- SANs -------------------------------------------------------------- */

void
ck_request_builder_add_san (CkRequestBuilder    *self,
                            const CkGeneralName *name)
{
  g_return_if_fail (CK_IS_REQUEST_BUILDER (self));
  g_return_if_fail (name != NULL);

  g_ptr_array_add (self->sans, ck_general_name_copy (name));
  changed (self);
}

gboolean
ck_request_builder_add_san_string (CkRequestBuilder *self,
                                   const char       *text,
                                   GError          **error)
{
  g_autoptr(CkGeneralName) name = ck_general_name_parse (text, error);

  if (name == NULL)
    return FALSE;
  if (name->kind == CK_GENERAL_NAME_UPN && name->other_oid == NULL)
    name->other_oid = g_strdup (CK_OID_UPN);
  ck_request_builder_add_san (self, name);
  return TRUE;
}

void
ck_request_builder_add_othername (CkRequestBuilder *self,
                                  const char       *oid,
                                  GBytes           *der)
{
  gsize len;
  const guint8 *data = g_bytes_get_data (der, &len);
  g_autofree char *hex = ck_hex_encode (data, len);
  g_autoptr(CkGeneralName) name = ck_general_name_new (CK_GENERAL_NAME_OTHER, hex, oid);

  ck_request_builder_add_san (self, name);
}

void
ck_request_builder_remove_san (CkRequestBuilder *self,
                               guint             index)
{
  g_return_if_fail (CK_IS_REQUEST_BUILDER (self));
  g_return_if_fail (index < self->sans->len);
  g_ptr_array_remove_index (self->sans, index);
  changed (self);
}

void
ck_request_builder_clear_sans (CkRequestBuilder *self)
{
  g_return_if_fail (CK_IS_REQUEST_BUILDER (self));
  g_ptr_array_set_size (self->sans, 0);
  changed (self);
}

GPtrArray *
ck_request_builder_get_sans (CkRequestBuilder *self)
{
  g_return_val_if_fail (CK_IS_REQUEST_BUILDER (self), NULL);
  return self->sans;
}

/* --- Extensions -------------------------------------------------------- */

void
ck_request_builder_set_key_usage (CkRequestBuilder *self,
                                  guint             usage,
                                  gboolean          critical)
{
  g_return_if_fail (CK_IS_REQUEST_BUILDER (self));
  self->key_usage = usage;
  self->key_usage_critical = critical;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_KEY_USAGE]);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_KEY_USAGE_CRITICAL]);
  changed (self);
}

guint
ck_request_builder_get_key_usage (CkRequestBuilder *self,
                                  gboolean         *critical)
{
  g_return_val_if_fail (CK_IS_REQUEST_BUILDER (self), 0);
  if (critical != NULL)
    *critical = self->key_usage_critical;
  return self->key_usage;
}

gboolean
ck_request_builder_add_extended_key_usage (CkRequestBuilder *self,
                                           const char       *purpose,
                                           GError          **error)
{
  const char *oid;

  g_return_val_if_fail (CK_IS_REQUEST_BUILDER (self), FALSE);

  oid = ck_extended_key_usage_from_name (purpose);
  if (oid == NULL && purpose != NULL && ck_oid_is_valid (purpose))
    oid = purpose;
  if (oid == NULL)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                   _("Unknown extended key usage “%s”: use serverAuth, clientAuth, "
                     "codeSigning, emailProtection, timeStamping, OCSPSigning, "
                     "anyExtendedKeyUsage or an OID"), purpose);
      return FALSE;
    }
  for (guint i = 0; i + 1 < self->eku->len; i++)
    if (g_str_equal (self->eku->pdata[i], oid))
      return TRUE;
  g_ptr_array_insert (self->eku, self->eku->len - 1, g_strdup (oid));
  changed (self);
  return TRUE;
}

void
ck_request_builder_set_extended_key_usage (CkRequestBuilder   *self,
                                           const char * const *oids,
                                           gboolean            critical)
{
  g_return_if_fail (CK_IS_REQUEST_BUILDER (self));

  g_ptr_array_set_size (self->eku, 0);
  for (guint i = 0; oids != NULL && oids[i] != NULL; i++)
    g_ptr_array_add (self->eku, g_strdup (oids[i]));
  g_ptr_array_add (self->eku, NULL);
  self->eku_critical = critical;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_EKU_CRITICAL]);
  changed (self);
}

const char * const *
ck_request_builder_get_extended_key_usage (CkRequestBuilder *self,
                                           gboolean         *critical)
{
  g_return_val_if_fail (CK_IS_REQUEST_BUILDER (self), NULL);
  if (critical != NULL)
    *critical = self->eku_critical;
  return (const char * const *) self->eku->pdata;
}

void
ck_request_builder_set_basic_constraints (CkRequestBuilder *self,
                                          gboolean          present,
                                          gboolean          is_ca,
                                          int               path_len,
                                          gboolean          critical)
{
  g_return_if_fail (CK_IS_REQUEST_BUILDER (self));
  self->bc_present = present;
  self->bc_ca = is_ca;
  self->bc_path_len = path_len < 0 ? -1 : path_len;
  self->bc_critical = critical;
  notify_all (self);
  changed (self);
}

gboolean
ck_request_builder_get_basic_constraints (CkRequestBuilder *self,
                                          gboolean         *is_ca,
                                          int              *path_len,
                                          gboolean         *critical)
{
  g_return_val_if_fail (CK_IS_REQUEST_BUILDER (self), FALSE);
  if (is_ca != NULL)
    *is_ca = self->bc_ca;
  if (path_len != NULL)
    *path_len = self->bc_path_len;
  if (critical != NULL)
    *critical = self->bc_critical;
  return self->bc_present;
}

void
ck_request_builder_set_san_critical (CkRequestBuilder *self,
                                     gboolean          critical)
{
  g_return_if_fail (CK_IS_REQUEST_BUILDER (self));
  self->san_critical = critical;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_SAN_CRITICAL]);
  changed (self);
}

void
ck_request_builder_add_tls_feature (CkRequestBuilder *self,
                                    guint             feature)
{
  g_return_if_fail (CK_IS_REQUEST_BUILDER (self));
  g_array_append_val (self->tls_features, feature);
  changed (self);
}

GArray *
ck_request_builder_get_tls_features (CkRequestBuilder *self)
{
  g_return_val_if_fail (CK_IS_REQUEST_BUILDER (self), NULL);
  return self->tls_features;
}

void
ck_request_builder_add_extension (CkRequestBuilder *self,
                                  const char       *oid,
                                  GBytes           *value,
                                  gboolean          critical)
{
  g_return_if_fail (CK_IS_REQUEST_BUILDER (self));
  g_ptr_array_add (self->extensions, ck_extension_new (oid, critical, value));
  changed (self);
}

GPtrArray *
ck_request_builder_get_extensions (CkRequestBuilder *self)
{
  g_return_val_if_fail (CK_IS_REQUEST_BUILDER (self), NULL);
  return self->extensions;
}

void
ck_request_builder_set_eku_first (CkRequestBuilder *self,
                                  gboolean          eku_first)
{
  g_return_if_fail (CK_IS_REQUEST_BUILDER (self));
  self->eku_first = eku_first;
  changed (self);
}

void
ck_request_builder_set_challenge_password (CkRequestBuilder *self,
                                           const char       *password)
{
  g_return_if_fail (CK_IS_REQUEST_BUILDER (self));
  wipe_string (&self->challenge);
  self->challenge = g_strdup (password);
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_CHALLENGE_PASSWORD]);
  changed (self);
}

void
ck_request_builder_set_hash (CkRequestBuilder         *self,
                             gnutls_digest_algorithm_t hash)
{
  g_return_if_fail (CK_IS_REQUEST_BUILDER (self));
  self->hash = hash;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_HASH]);
  changed (self);
}

gnutls_digest_algorithm_t
ck_request_builder_get_hash (CkRequestBuilder *self)
{
  g_return_val_if_fail (CK_IS_REQUEST_BUILDER (self), GNUTLS_DIG_UNKNOWN);
  return self->hash;
}

void
ck_request_builder_set_pss (CkRequestBuilder *self,
                            gboolean          pss)
{
  g_return_if_fail (CK_IS_REQUEST_BUILDER (self));
  self->pss = pss;
  g_object_notify_by_pspec (G_OBJECT (self), props[PROP_PSS]);
  changed (self);
}

gboolean
ck_request_builder_get_pss (CkRequestBuilder *self)
{
  g_return_val_if_fail (CK_IS_REQUEST_BUILDER (self), FALSE);
  return self->pss;
}

/* --- Checks ------------------------------------------------------------ */

static void
add_finding (GPtrArray        *findings,
             CkFindingSeverity severity,
             const char       *field,
             const char       *format,
             ...) G_GNUC_PRINTF (4, 5);

static void
add_finding (GPtrArray        *findings,
             CkFindingSeverity severity,
             const char       *field,
             const char       *format,
             ...)
{
  va_list args;
  char *message;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_ptr_array_add (findings, finding_new (severity, field, message));
}

static gboolean
has_address_san (CkRequestBuilder *self)
{
  for (guint i = 0; i < self->sans->len; i++)
    {
      CkGeneralName *name = self->sans->pdata[i];

      if (name->kind == CK_GENERAL_NAME_DNS || name->kind == CK_GENERAL_NAME_IP)
        return TRUE;
    }
  return FALSE;
}

static gboolean
cn_in_sans (CkRequestBuilder *self,
            const char       *cn)
{
  for (guint i = 0; i < self->sans->len; i++)
    {
      CkGeneralName *name = self->sans->pdata[i];

      if ((name->kind == CK_GENERAL_NAME_DNS || name->kind == CK_GENERAL_NAME_EMAIL ||
           name->kind == CK_GENERAL_NAME_UPN) &&
          g_ascii_strcasecmp (name->value, cn) == 0)
        return TRUE;
      if ((name->kind == CK_GENERAL_NAME_IP || name->kind == CK_GENERAL_NAME_URI) &&
          g_str_equal (name->value, cn))
        return TRUE;
    }
  return FALSE;
}

static gboolean
eku_has (CkRequestBuilder *self,
         const char       *oid)
{
  for (guint i = 0; i + 1 < self->eku->len; i++)
    if (g_str_equal (self->eku->pdata[i], oid))
      return TRUE;
  return FALSE;
}

static int
compare_findings (gconstpointer a,
                  gconstpointer b)
{
  const CkRequestFinding *fa = *(CkRequestFinding **) a;
  const CkRequestFinding *fb = *(CkRequestFinding **) b;

  return (int) fb->severity - (int) fa->severity;
}

GPtrArray *
ck_request_builder_check (CkRequestBuilder *self)
{
  return ck_request_builder_check_for (self, CK_CHECK_REQUEST);
}

GPtrArray *
ck_request_builder_check_for (CkRequestBuilder *self,
                              CkCheckTarget     target)
{
  GPtrArray *findings = g_ptr_array_new_with_free_func ((GDestroyNotify) ck_request_finding_free);
  gboolean is_rsa = self->key_algo == GNUTLS_PK_RSA || self->key_algo == GNUTLS_PK_RSA_PSS;
  gboolean is_ec = self->key_algo == GNUTLS_PK_ECDSA;
  gboolean is_eddsa = self->key_algo == GNUTLS_PK_EDDSA_ED25519 ||
                      self->key_algo == GNUTLS_PK_EDDSA_ED448;
  const char *cn = NULL;

  g_return_val_if_fail (CK_IS_REQUEST_BUILDER (self), findings);

  if (self->subject->len == 0 && target == CK_CHECK_REQUEST)
    add_finding (findings, CK_FINDING_ERROR, "subject",
                 _("The subject is empty: give at least a common name (CN) or an organization (O)"));
  else if (self->subject->len == 0 && self->sans->len == 0)
    add_finding (findings, CK_FINDING_ERROR, "subject",
                 _("The subject is empty and there are no subject alternative names: "
                   "the certificate would name nobody (RFC 5280, 4.1.2.6)"));
  else if (self->subject->len == 0 && !self->san_critical)
    add_finding (findings, CK_FINDING_ERROR, "subjectAltName",
                 _("The subject is empty, so the subject alternative names must be "
                   "critical (RFC 5280, 4.2.1.6)"));

  for (guint i = 0; i < self->subject->len; i++)
    {
      CkDnAttribute *attr = self->subject->pdata[i];

      if (g_str_equal (attr->oid, CK_OID_CN) && cn == NULL)
        cn = attr->value;
      if (*attr->value == '\0')
        add_finding (findings, CK_FINDING_ERROR, ck_dn_attribute_get_name (attr),
                     _("The subject attribute %s is empty"), ck_dn_attribute_get_name (attr));
      if (g_str_equal (attr->oid, CK_OID_C))
        {
          if (strlen (attr->value) != 2)
            add_finding (findings, CK_FINDING_ERROR, "C",
                         _("The country (C) must be two letters (ISO 3166), not “%s”"),
                         attr->value);
          else if (!ck_iso3166_is_valid_code (attr->value))
            {
              g_autofree char *upper = g_ascii_strup (attr->value, -1);

              if (ck_iso3166_is_valid_code (upper))
                add_finding (findings, CK_FINDING_ERROR, "C",
                             _("The country (C) must be written in capitals: “%s”"), upper);
              else if (g_str_equal (upper, "UK"))
                add_finding (findings, CK_FINDING_ERROR, "C",
                             _("“UK” is not an ISO 3166 country code: the United Kingdom is “GB”"));
              else
                add_finding (findings, CK_FINDING_ERROR, "C",
                             _("“%s” is not an ISO 3166 country code"), attr->value);
            }
        }
      if (g_str_equal (attr->oid, CK_OID_EMAIL) && strchr (attr->value, '@') == NULL)
        add_finding (findings, CK_FINDING_WARNING, "emailAddress",
                     _("The e-mail address “%s” in the subject has no “@”"), attr->value);
    }

  if (self->profile == CK_REQUEST_PROFILE_TLS_SERVER && !has_address_san (self))
    add_finding (findings, CK_FINDING_ERROR, "subjectAltName", "%s",
                 target == CK_CHECK_REQUEST
                 ? _("A TLS server request needs at least one DNS name or IP address "
                     "in the subject alternative names: browsers ignore the CN")
                 : _("A TLS server certificate needs at least one DNS name or IP address "
                     "in the subject alternative names: browsers ignore the CN"));
  else if (self->profile != CK_REQUEST_PROFILE_TLS_SERVER &&
           eku_has (self, CK_OID_EKU_SERVER_AUTH) && !has_address_san (self))
    add_finding (findings, CK_FINDING_WARNING, "subjectAltName", "%s",
                 target == CK_CHECK_REQUEST
                 ? _("The request asks for serverAuth but has no DNS name or IP address "
                     "in the subject alternative names")
                 : _("The certificate is for serverAuth but has no DNS name or IP address "
                     "in the subject alternative names"));

  if (cn != NULL && self->sans->len > 0 && !cn_in_sans (self, cn))
    add_finding (findings, CK_FINDING_WARNING, "CN",
                 _("The common name “%s” is not among the subject alternative names"), cn);

  if (is_rsa && self->key_bits > 0 && self->key_bits < 2048)
    add_finding (findings, CK_FINDING_ERROR, "key",
                 _("The RSA key has %u bits: at least 2048 are needed"), self->key_bits);

  if ((is_ec || is_eddsa) &&
      (self->key_usage & (GNUTLS_KEY_KEY_ENCIPHERMENT | GNUTLS_KEY_DATA_ENCIPHERMENT)))
    add_finding (findings, CK_FINDING_ERROR, "keyUsage",
                 _("%s does not fit a %s key: it cannot encrypt (RFC 5480, RFC 8410)"),
                 (self->key_usage & GNUTLS_KEY_KEY_ENCIPHERMENT) ? "keyEncipherment"
                                                                 : "dataEncipherment",
                 is_ec ? "ECDSA" : "EdDSA");
  if ((is_rsa || is_eddsa) &&
      (self->key_usage & (GNUTLS_KEY_KEY_AGREEMENT | GNUTLS_KEY_ENCIPHER_ONLY |
                          GNUTLS_KEY_DECIPHER_ONLY)))
    add_finding (findings, CK_FINDING_ERROR, "keyUsage",
                 _("keyAgreement does not fit a %s key: it is for Diffie-Hellman keys"),
                 is_rsa ? "RSA" : "EdDSA");
  if ((self->key_usage & (GNUTLS_KEY_ENCIPHER_ONLY | GNUTLS_KEY_DECIPHER_ONLY)) &&
      !(self->key_usage & GNUTLS_KEY_KEY_AGREEMENT))
    add_finding (findings, CK_FINDING_ERROR, "keyUsage",
                 _("encipherOnly and decipherOnly only mean something with keyAgreement"));

  if (self->pss && self->key_algo != GNUTLS_PK_UNKNOWN && !is_rsa)
    add_finding (findings, CK_FINDING_ERROR, "signature",
                 _("An RSA-PSS signature needs an RSA key"));

  if (self->bc_present && !self->bc_ca && self->bc_path_len >= 0)
    add_finding (findings, CK_FINDING_ERROR, "basicConstraints",
                 _("A path length only applies to a CA"));
  if ((self->key_usage & GNUTLS_KEY_KEY_CERT_SIGN) && !(self->bc_present && self->bc_ca))
    add_finding (findings, CK_FINDING_WARNING, "keyUsage", "%s",
                 target == CK_CHECK_REQUEST
                 ? _("keyCertSign is requested but the request is not for a CA")
                 : _("The key usage has keyCertSign but the certificate is not a CA"));
  if (target == CK_CHECK_REQUEST && self->bc_present && self->bc_ca &&
      !(self->key_usage & GNUTLS_KEY_KEY_CERT_SIGN))
    add_finding (findings, CK_FINDING_WARNING, "keyUsage",
                 _("The request is for a CA but its key usage lacks keyCertSign"));

  /* RFC 5280 4.2.1.12: anyExtendedKeyUsage says "no restriction", and
   * "applications that require the presence of a particular purpose MAY
   * reject certificates that include the anyExtendedKeyUsage OID but not
   * the particular OID"; it SHOULD NOT be in a critical extension. A
   * request gets a warning (the CA decides); a certificate made here is
   * refused, since this is where that choice is made. */
  if (self->eku_critical && eku_has (self, CK_OID_EKU_ANY))
    {
      if (target == CK_CHECK_CERTIFICATE)
        add_finding (findings, CK_FINDING_ERROR, "extendedKeyUsage",
                     _("anyExtendedKeyUsage must not be in a critical extended key usage "
                       "(RFC 5280, 4.2.1.12)"));
      else
        add_finding (findings, CK_FINDING_WARNING, "extendedKeyUsage",
                     _("anyExtendedKeyUsage is in a critical extended key usage: "
                       "RFC 5280 (4.2.1.12) says that extension should not be critical then"));
    }
  if (target == CK_CHECK_CERTIFICATE && self->bc_present && self->bc_ca && !self->bc_critical)
    add_finding (findings, CK_FINDING_ERROR, "basicConstraints",
                 _("The basic constraints of a CA certificate must be critical (RFC 5280, 4.2.1.9)"));
  if (target == CK_CHECK_CERTIFICATE && self->bc_present && self->bc_ca &&
      !(self->key_usage & GNUTLS_KEY_KEY_CERT_SIGN))
    add_finding (findings, CK_FINDING_ERROR, "keyUsage",
                 _("A CA certificate needs keyCertSign in its key usage (RFC 5280, 4.2.1.3)"));

  for (guint i = 0; i < self->extensions->len; i++)
    {
      CkExtension *ext = self->extensions->pdata[i];

      if (!ck_oid_is_valid (ext->oid))
        add_finding (findings, CK_FINDING_ERROR, "extension",
                     _("“%s” is not a valid OID"), ext->oid);
    }

  g_ptr_array_sort (findings, compare_findings);
  return findings;
}

gboolean
ck_request_findings_have_errors (GPtrArray *findings)
{
  for (guint i = 0; findings != NULL && i < findings->len; i++)
    if (((CkRequestFinding *) findings->pdata[i])->severity == CK_FINDING_ERROR)
      return TRUE;
  return FALSE;
}

char *
ck_request_findings_describe (GPtrArray        *findings,
                              CkFindingSeverity severity)
{
  GString *out = g_string_new (NULL);

  for (guint i = 0; findings != NULL && i < findings->len; i++)
    {
      CkRequestFinding *finding = findings->pdata[i];

      if (finding->severity != severity)
        continue;
      if (out->len > 0)
        g_string_append_c (out, '\n');
      g_string_append (out, finding->message);
    }
  return g_string_free (out, FALSE);
}

/* --- Building ---------------------------------------------------------- */

static GBytes *
der_string (guint8      tag,
            const char *value,
            gsize       len)
{
  GByteArray *out = g_byte_array_new ();

  ck_der_append_tlv (out, tag, (const guint8 *) value, len);
  return g_byte_array_free_to_bytes (out);
}

static gboolean
is_printable_string (const char *value)
{
  for (const char *p = value; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr (" '()+,-./:=?", *p) == NULL)
      return FALSE;
  return TRUE;
}

static gboolean
set_attribute (gnutls_x509_crq_t crq,
               CkDnAttribute    *attr,
               GError          **error)
{
  g_autoptr(GBytes) raw = NULL;
  gsize len;
  const guint8 *data;
  int ret;

  /* "#" + hex: the DER of a value that is not a string (CkDnAttribute). */
  if (attr->value[0] == '#' && strlen (attr->value) > 2 && strlen (attr->value) % 2 == 1)
    {
      gnutls_datum_t hex = { (unsigned char *) attr->value + 1, strlen (attr->value) - 1 };
      gnutls_datum_t bin = { NULL, 0 };

      if (gnutls_hex_decode2 (&hex, &bin) >= 0)
        {
          ret = gnutls_x509_crq_set_dn_by_oid (crq, attr->oid, 1, bin.data, bin.size);
          gnutls_free (bin.data);
          if (ret >= 0)
            return TRUE;
        }
    }

  /* Not by trying: a refused attribute leaves an empty RDN behind. */
  if (gnutls_x509_dn_oid_known (attr->oid))
    ret = gnutls_x509_crq_set_dn_by_oid (crq, attr->oid, 0, attr->value, strlen (attr->value));
  else
    {
      /* GnuTLS only encodes the attributes it knows (3.7 lacks
       * organizationIdentifier): encode the DirectoryString ourselves, as
       * GnuTLS would, PrintableString when it can be one. */
      if (is_printable_string (attr->value))
        raw = der_string (0x13, attr->value, strlen (attr->value));
      else
        raw = der_string (0x0c, attr->value, strlen (attr->value));
      data = g_bytes_get_data (raw, &len);
      ret = gnutls_x509_crq_set_dn_by_oid (crq, attr->oid, 1, data, len);
    }
  if (ret < 0)
    {
      ck_set_gnutls_error (error, ret, _("subject attribute %s=%s"),
                           ck_dn_attribute_get_name (attr), attr->value);
      return FALSE;
    }
  return TRUE;
}

static gboolean
san_to_gnutls (gnutls_subject_alt_names_t sans,
               CkGeneralName            *name,
               GError                  **error)
{
  g_autofree char *text = ck_general_name_to_string (name);
  gnutls_datum_t datum;
  guint8 ip[16];
  g_autoptr(GBytes) der = NULL;
  int ret;

  switch (name->kind)
    {
    case CK_GENERAL_NAME_DNS:
    case CK_GENERAL_NAME_EMAIL:
    case CK_GENERAL_NAME_URI:
      datum.data = (unsigned char *) name->value;
      datum.size = strlen (name->value);
      ret = gnutls_subject_alt_names_set (sans,
                                          name->kind == CK_GENERAL_NAME_DNS ? GNUTLS_SAN_DNSNAME :
                                          name->kind == CK_GENERAL_NAME_EMAIL ? GNUTLS_SAN_RFC822NAME :
                                          GNUTLS_SAN_URI, &datum, NULL);
      break;
    case CK_GENERAL_NAME_IP:
      if (inet_pton (AF_INET, name->value, ip) == 1)
        datum.size = 4;
      else if (inet_pton (AF_INET6, name->value, ip) == 1)
        datum.size = 16;
      else
        {
          g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                       _("“%s” is not an IP address"), name->value);
          return FALSE;
        }
      datum.data = ip;
      ret = gnutls_subject_alt_names_set (sans, GNUTLS_SAN_IPADDRESS, &datum, NULL);
      break;
    case CK_GENERAL_NAME_UPN:
      /* otherName UPN: a UTF8String (MS-WCCE). */
      der = der_string (0x0c, name->value, strlen (name->value));
      datum.data = (unsigned char *) g_bytes_get_data (der, NULL);
      datum.size = g_bytes_get_size (der);
      ret = gnutls_subject_alt_names_set (sans, GNUTLS_SAN_OTHERNAME, &datum,
                                          name->other_oid ? name->other_oid : CK_OID_UPN);
      break;
    case CK_GENERAL_NAME_OTHER:
      {
        gnutls_datum_t hex = { (unsigned char *) name->value, strlen (name->value) };
        gnutls_datum_t bin = { NULL, 0 };

        ret = gnutls_hex_decode2 (&hex, &bin);
        if (ret >= 0)
          ret = gnutls_subject_alt_names_set (sans, GNUTLS_SAN_OTHERNAME, &bin, name->other_oid);
        gnutls_free (bin.data);
      }
      break;
    case CK_GENERAL_NAME_DN:
    case CK_GENERAL_NAME_REGISTERED_ID:
    default:
      g_set_error (error, CK_ERROR, CK_ERROR_UNSUPPORTED,
                   _("%s: this kind of name cannot be requested"), text);
      return FALSE;
    }
  if (ret < 0)
    {
      ck_set_gnutls_error (error, ret, _("subject alternative name %s"), text);
      return FALSE;
    }
  return TRUE;
}

/* Where the encoded extensions go: straight into a request, or into a
 * list for a certificate (ck_request_builder_encode_extensions()). */
typedef struct {
  gnutls_x509_crq_t crq;
  GPtrArray *list;   /* CkExtension */
} ExtensionSink;

static gboolean
set_extension (ExtensionSink    *sink,
               const char       *oid,
               gnutls_datum_t   *der,
               gboolean          critical,
               GError          **error)
{
  int ret = 0;

  if (sink->crq != NULL)
    ret = gnutls_x509_crq_set_extension_by_oid (sink->crq, oid, der->data, der->size, critical);
  else
    {
      g_autoptr (GBytes) value = ck_bytes_from_datum (der);

      g_ptr_array_add (sink->list, ck_extension_new (oid, critical, value));
    }
  gnutls_free (der->data);
  der->data = NULL;
  if (ret < 0)
    {
      ck_set_gnutls_error (error, ret, _("extension %s"), oid);
      return FALSE;
    }
  return TRUE;
}

static gboolean
set_sans (CkRequestBuilder  *self,
          ExtensionSink     *crq,
          GError           **error)
{
  gnutls_subject_alt_names_t sans = NULL;
  gnutls_datum_t der = { NULL, 0 };
  int ret;

  if (self->sans->len == 0)
    return TRUE;
  gnutls_subject_alt_names_init (&sans);
  for (guint i = 0; i < self->sans->len; i++)
    if (!san_to_gnutls (sans, self->sans->pdata[i], error))
      {
        gnutls_subject_alt_names_deinit (sans);
        return FALSE;
      }
  ret = gnutls_x509_ext_export_subject_alt_names (sans, &der);
  gnutls_subject_alt_names_deinit (sans);
  if (ret < 0)
    {
      ck_set_gnutls_error (error, ret, _("subject alternative names"));
      return FALSE;
    }
  return set_extension (crq, CK_OID_EXT_SUBJECT_ALT_NAME, &der, self->san_critical, error);
}

static gboolean
set_key_usage (CkRequestBuilder  *self,
               ExtensionSink     *crq,
               GError           **error)
{
  gnutls_datum_t der = { NULL, 0 };
  int ret;

  if (self->key_usage == 0)
    return TRUE;
  ret = gnutls_x509_ext_export_key_usage (self->key_usage, &der);
  if (ret < 0)
    {
      ck_set_gnutls_error (error, ret, _("key usage"));
      return FALSE;
    }
  return set_extension (crq, CK_OID_EXT_KEY_USAGE, &der, self->key_usage_critical, error);
}

static gboolean
set_eku (CkRequestBuilder  *self,
         ExtensionSink     *crq,
         GError           **error)
{
  gnutls_x509_key_purposes_t purposes = NULL;
  gnutls_datum_t der = { NULL, 0 };
  int ret = 0;

  if (self->eku->len <= 1)
    return TRUE;
  gnutls_x509_key_purpose_init (&purposes);
  for (guint i = 0; ret >= 0 && i + 1 < self->eku->len; i++)
    {
      ret = gnutls_x509_key_purpose_set (purposes, self->eku->pdata[i]);
    }
  if (ret >= 0)
    ret = gnutls_x509_ext_export_key_purposes (purposes, &der);
  gnutls_x509_key_purpose_deinit (purposes);
  if (ret < 0)
    {
      ck_set_gnutls_error (error, ret, _("extended key usage"));
      return FALSE;
    }
  return set_extension (crq, CK_OID_EXT_EXT_KEY_USAGE, &der, self->eku_critical, error);
}

static gboolean
set_basic_constraints (CkRequestBuilder  *self,
                       ExtensionSink     *crq,
                       GError           **error)
{
  gnutls_datum_t der = { NULL, 0 };
  int ret;

  if (!self->bc_present)
    return TRUE;
  ret = gnutls_x509_ext_export_basic_constraints (self->bc_ca, self->bc_ca ? self->bc_path_len : -1, &der);
  if (ret < 0)
    {
      ck_set_gnutls_error (error, ret, _("basic constraints"));
      return FALSE;
    }
  return set_extension (crq, CK_OID_EXT_BASIC_CONSTRAINTS, &der, self->bc_critical, error);
}

static gboolean
set_tls_features (CkRequestBuilder  *self,
                  ExtensionSink     *crq,
                  GError           **error)
{
  gnutls_x509_tlsfeatures_t features = NULL;
  gnutls_datum_t der = { NULL, 0 };
  int ret = 0;

  if (self->tls_features->len == 0)
    return TRUE;
  gnutls_x509_tlsfeatures_init (&features);
  for (guint i = 0; ret >= 0 && i < self->tls_features->len; i++)
    ret = gnutls_x509_tlsfeatures_add (features, g_array_index (self->tls_features, guint, i));
  if (ret >= 0)
    ret = gnutls_x509_ext_export_tlsfeatures (features, &der);
  gnutls_x509_tlsfeatures_deinit (features);
  if (ret < 0)
    {
      ck_set_gnutls_error (error, ret, _("TLS features"));
      return FALSE;
    }
  return set_extension (crq, CK_OID_EXT_TLS_FEATURE, &der, FALSE, error);
}

/* The extensions after the challenge password, in certtool's order:
 * basic constraints, key usage and EKU (EKU first when asked), TLS
 * features. */
static gboolean
emit_constraints (CkRequestBuilder  *self,
                  ExtensionSink     *sink,
                  GError           **error)
{
  if (!set_basic_constraints (self, sink, error))
    return FALSE;
  if (self->eku_first)
    {
      if (!set_eku (self, sink, error) || !set_key_usage (self, sink, error))
        return FALSE;
    }
  else if (!set_key_usage (self, sink, error) || !set_eku (self, sink, error))
    return FALSE;
  return set_tls_features (self, sink, error);
}

/* The extensions given by OID, as given. */
static gboolean
emit_other_extensions (CkRequestBuilder  *self,
                       ExtensionSink     *sink,
                       GError           **error)
{
  for (guint i = 0; i < self->extensions->len; i++)
    {
      CkExtension *ext = self->extensions->pdata[i];
      gnutls_datum_t der;
      gsize len;
      const guint8 *data = g_bytes_get_data (ext->value, &len);

      der.data = gnutls_malloc (MAX (len, 1));
      der.size = len;
      if (len > 0)
        memcpy (der.data, data, len);
      if (!set_extension (sink, ext->oid, &der, ext->critical, error))
        return FALSE;
    }
  return TRUE;
}

/* The order certtool writes them in, so that a request made from a
 * template is byte for byte the one certtool makes: subject, SANs, the
 * extensions given by OID, the challenge password, then basic
 * constraints, key usage and EKU (EKU first when asked), TLS features. */
static gboolean
fill_crq (CkRequestBuilder  *self,
          gnutls_x509_crq_t  crq,
          GError           **error)
{
  ExtensionSink sink = { crq, NULL };
  int ret;

  for (guint i = 0; i < self->subject->len; i++)
    if (!set_attribute (crq, self->subject->pdata[i], error))
      return FALSE;

  if (!set_sans (self, &sink, error) || !emit_other_extensions (self, &sink, error))
    return FALSE;

  if (self->challenge != NULL && *self->challenge != '\0')
    {
      ret = gnutls_x509_crq_set_challenge_password (crq, self->challenge);
      if (ret < 0)
        {
          ck_set_gnutls_error (error, ret, _("challenge password"));
          return FALSE;
        }
    }

  return emit_constraints (self, &sink, error);
}

GPtrArray *
ck_request_builder_encode_extensions (CkRequestBuilder  *self,
                                      GError           **error)
{
  g_autoptr (GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) ck_extension_free);
  ExtensionSink sink = { NULL, list };

  g_return_val_if_fail (CK_IS_REQUEST_BUILDER (self), NULL);

  if (!set_sans (self, &sink, error) || !emit_other_extensions (self, &sink, error) ||
      !emit_constraints (self, &sink, error))
    return NULL;
  return g_steal_pointer (&list);
}

CkRequest *
ck_request_builder_build (CkRequestBuilder *self,
                          CkPrivateKey     *key,
                          CkBuildFlags      flags,
                          GError          **error)
{
  gnutls_x509_crq_t crq = NULL;
  gnutls_pubkey_t pubkey = NULL;
  gnutls_digest_algorithm_t hash = self->hash;
  gnutls_pk_algorithm_t algo;
  gnutls_datum_t der = { NULL, 0 };
  g_autoptr(GBytes) bytes = NULL;
  unsigned int sign_flags = 0;
  gnutls_privkey_t signer, pss_signer = NULL;
  CkRequest *request = NULL;
  int ret;

  g_return_val_if_fail (CK_IS_REQUEST_BUILDER (self), NULL);
  g_return_val_if_fail (CK_IS_PRIVATE_KEY (key), NULL);

  algo = ck_private_key_get_algorithm_id (key);
  ck_request_builder_set_key_info (self, algo, ck_private_key_get_bits (key));

  if ((flags & CK_BUILD_IGNORE_FINDINGS) == 0)
    {
      g_autoptr(GPtrArray) findings = ck_request_builder_check (self);

      if (ck_request_findings_have_errors (findings))
        {
          g_autofree char *errors = ck_request_findings_describe (findings, CK_FINDING_ERROR);

          g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                       _("The request cannot be made:\n%s"), errors);
          return NULL;
        }
    }

  pubkey = ck_private_key_dup_pubkey (key, error);
  if (pubkey == NULL)
    return NULL;

  gnutls_x509_crq_init (&crq);
  if (!fill_crq (self, crq, error))
    goto out;

  ret = gnutls_x509_crq_set_pubkey (crq, pubkey);
  if (ret < 0)
    {
      ck_set_gnutls_error (error, ret, _("cannot put the public key in the request"));
      goto out;
    }

  if (hash == GNUTLS_DIG_UNKNOWN)
    {
      unsigned int mand = 0;

      /* What certtool does: the key's preferred hash. */
      if (gnutls_pubkey_get_preferred_hash_algorithm (pubkey, &hash, &mand) < 0)
        hash = GNUTLS_DIG_SHA256;
    }
  signer = ck_private_key_get_privkey (key);
  if (self->pss && algo == GNUTLS_PK_RSA)
    {
      /* GnuTLS signs a request the way the private key's SPKI parameters
       * say. Setting RSA-PSS parameters on the key itself would change it
       * for every later use, so sign with a copy; the request keeps the
       * rsaEncryption public key, and so its link to the stored key. */
      gnutls_x509_privkey_t x509 = NULL;
      gnutls_x509_spki_t spki = NULL;

      ret = gnutls_privkey_export_x509 (signer, &x509);
      if (ret >= 0)
        ret = gnutls_privkey_init (&pss_signer);
      if (ret >= 0)
        {
          ret = gnutls_privkey_import_x509 (pss_signer, x509, GNUTLS_PRIVKEY_IMPORT_AUTO_RELEASE);
          if (ret >= 0)
            x509 = NULL;
        }
      if (ret >= 0)
        ret = gnutls_x509_spki_init (&spki);
      if (ret >= 0)
        {
          gnutls_x509_spki_set_rsa_pss_params (spki, hash, gnutls_hash_get_len (hash));
          ret = gnutls_privkey_set_spki (pss_signer, spki, 0);
          gnutls_x509_spki_deinit (spki);
        }
      g_clear_pointer (&x509, gnutls_x509_privkey_deinit);
      if (ret < 0)
        {
          ck_set_gnutls_error (error, ret, _("cannot prepare an RSA-PSS signature"));
          goto out;
        }
      signer = pss_signer;
    }

  ret = gnutls_x509_crq_privkey_sign (crq, signer, hash, sign_flags);
  if (ret < 0)
    {
      ck_set_gnutls_error (error, ret, _("cannot sign the request"));
      goto out;
    }
  ret = gnutls_x509_crq_export2 (crq, GNUTLS_X509_FMT_DER, &der);
  if (ret < 0)
    {
      ck_set_gnutls_error (error, ret, _("cannot encode the request"));
      goto out;
    }
  bytes = ck_bytes_from_datum (&der);
  gnutls_free (der.data);
  request = ck_request_new_from_der (bytes, error);

out:
  g_clear_pointer (&pss_signer, gnutls_privkey_deinit);
  gnutls_x509_crq_deinit (crq);
  gnutls_pubkey_deinit (pubkey);
  return request;
}

typedef struct {
  CkRequestBuilder *builder;
  CkKeySpec spec;
  char *curve;
  CkBuildFlags flags;
  CkPrivateKey *key;
} GenerateData;

static void
generate_data_free (gpointer data)
{
  GenerateData *gen = data;

  g_clear_object (&gen->builder);
  g_clear_object (&gen->key);
  g_free (gen->curve);
  g_free (gen);
}

static void
generate_task (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  GenerateData *gen = task_data;
  GError *error = NULL;
  CkRequest *request;

  gen->key = ck_key_generate (&gen->spec, cancellable, &error);
  if (gen->key == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  request = ck_request_builder_build (gen->builder, gen->key, gen->flags, &error);
  if (request == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, request, g_object_unref);
}

void
ck_request_builder_generate_async (CkRequestBuilder    *self,
                                   const CkKeySpec     *spec,
                                   CkBuildFlags         flags,
                                   GCancellable        *cancellable,
                                   GAsyncReadyCallback  callback,
                                   gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  GenerateData *gen = g_new0 (GenerateData, 1);

  g_return_if_fail (CK_IS_REQUEST_BUILDER (self));

  gen->builder = ck_request_builder_copy (self);
  gen->spec = *spec;
  gen->curve = g_strdup (spec->curve);
  gen->spec.curve = gen->curve;
  gen->flags = flags;
  g_task_set_source_tag (task, ck_request_builder_generate_async);
  g_task_set_task_data (task, gen, generate_data_free);
  g_task_run_in_thread (task, generate_task);
}

CkRequest *
ck_request_builder_generate_finish (CkRequestBuilder  *self,
                                    GAsyncResult      *result,
                                    CkPrivateKey     **key,
                                    GError           **error)
{
  CkRequest *request;

  g_return_val_if_fail (g_task_is_valid (result, self), NULL);

  request = g_task_propagate_pointer (G_TASK (result), error);
  if (request != NULL && key != NULL)
    {
      GenerateData *gen = g_task_get_task_data (G_TASK (result));

      *key = g_object_ref (gen->key);
    }
  return request;
}
