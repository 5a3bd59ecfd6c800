/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ck-description.h"

#include <glib/gi18n-lib.h>
#include <gnutls/x509-ext.h>
#include <string.h>

#include "ck-asn1-private.h"
#include "ck-key-usage.h"
#include "ck-oid.h"
#include "ck-utils.h"

struct _CkDescription
{
  GObject    parent_instance;
  GPtrArray *sections;   /* element-type CkDescriptionSection */
};

G_DEFINE_FINAL_TYPE (CkDescription, ck_description, G_TYPE_OBJECT)

/* ---- the model ------------------------------------------------------- */

static void
field_free (CkDescriptionField *field)
{
  g_free (field->key);
  g_free (field->label);
  g_strfreev (field->values);
  g_strfreev (field->names);
  g_free (field);
}

static void
section_free (CkDescriptionSection *section)
{
  g_free (section->key);
  g_free (section->title);
  g_free (section->oid);
  g_ptr_array_unref (section->fields);
  g_free (section);
}

static void
ck_description_finalize (GObject *object)
{
  CkDescription *self = CK_DESCRIPTION (object);

  g_ptr_array_unref (self->sections);
  G_OBJECT_CLASS (ck_description_parent_class)->finalize (object);
}

static void
ck_description_class_init (CkDescriptionClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ck_description_finalize;
}

static void
ck_description_init (CkDescription *self)
{
  self->sections = g_ptr_array_new_with_free_func ((GDestroyNotify) section_free);
}

CkDescription *
ck_description_new (void)
{
  return g_object_new (CK_TYPE_DESCRIPTION, NULL);
}

guint
ck_description_get_n_sections (CkDescription *self)
{
  g_return_val_if_fail (CK_IS_DESCRIPTION (self), 0);
  return self->sections->len;
}

CkDescriptionSection *
ck_description_get_section (CkDescription *self,
                            guint          index)
{
  g_return_val_if_fail (CK_IS_DESCRIPTION (self), NULL);
  g_return_val_if_fail (index < self->sections->len, NULL);
  return g_ptr_array_index (self->sections, index);
}

CkDescriptionSection *
ck_description_lookup_section (CkDescription *self,
                               const char    *key)
{
  g_return_val_if_fail (CK_IS_DESCRIPTION (self), NULL);

  for (guint i = 0; i < self->sections->len; i++)
    {
      CkDescriptionSection *section = g_ptr_array_index (self->sections, i);

      if (g_strcmp0 (section->key, key) == 0)
        return section;
    }
  return NULL;
}

CkDescriptionSection *
ck_description_add_section (CkDescription *self,
                            const char    *key,
                            const char    *title)
{
  CkDescriptionSection *section;

  g_return_val_if_fail (CK_IS_DESCRIPTION (self), NULL);
  g_return_val_if_fail (key != NULL && title != NULL, NULL);

  section = g_new0 (CkDescriptionSection, 1);
  section->key = g_strdup (key);
  section->title = g_strdup (title);
  section->fields = g_ptr_array_new_with_free_func ((GDestroyNotify) field_free);
  g_ptr_array_add (self->sections, section);
  return section;
}

/* Text from a certificate must not be able to fake a line of the display:
 * control characters (a newline in a notice, bidi overrides) are escaped
 * by the front ends, but invalid UTF-8 is made valid here, once. */
static char *
valid_text (const char *text,
            gssize      len)
{
  return g_utf8_make_valid (text, len);
}

CkDescriptionField *
ck_description_section_add_field (CkDescriptionSection *section,
                                  const char           *key,
                                  const char           *label,
                                  CkDescriptionType     type,
                                  const char * const   *values)
{
  CkDescriptionField *field;
  GStrvBuilder *builder;

  g_return_val_if_fail (section != NULL && key != NULL && label != NULL, NULL);
  g_return_val_if_fail (values != NULL && values[0] != NULL, NULL);

  builder = g_strv_builder_new ();
  for (guint i = 0; values[i] != NULL; i++)
    {
      g_autofree char *text = valid_text (values[i], -1);

      g_strv_builder_add (builder, text);
    }
  field = g_new0 (CkDescriptionField, 1);
  field->key = g_strdup (key);
  field->label = g_strdup (label);
  field->type = type;
  field->values = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  g_ptr_array_add (section->fields, field);
  return field;
}

CkDescriptionField *
ck_description_section_add_text (CkDescriptionSection *section,
                                 const char           *key,
                                 const char           *label,
                                 const char           *value)
{
  const char *values[] = { value != NULL ? value : "", NULL };

  return ck_description_section_add_field (section, key, label, CK_DESCRIPTION_TEXT, values);
}

CkDescriptionField *
ck_description_section_add_hex (CkDescriptionSection *section,
                                const char           *key,
                                const char           *label,
                                const guint8         *data,
                                gsize                 len)
{
  g_autofree char *hex = ck_hex_encode (data, len);
  const char *values[] = { hex, NULL };

  return ck_description_section_add_field (section, key, label, CK_DESCRIPTION_HEX, values);
}

/* g_strv_builder_take() is GLib 2.80; we target 2.74. */
static void
builder_take (GStrvBuilder *builder,
              char         *text)
{
  g_strv_builder_add (builder, text);
  g_free (text);
}

static char *
iso8601 (gint64 unix_time)
{
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (unix_time);

  return dt != NULL ? g_date_time_format (dt, "%Y-%m-%dT%H:%M:%SZ") : NULL;
}

CkDescriptionField *
ck_description_section_add_date (CkDescriptionSection *section,
                                 const char           *key,
                                 const char           *label,
                                 gint64                unix_time)
{
  g_autofree char *text = iso8601 (unix_time);
  g_autofree char *fallback = g_strdup_printf ("%" G_GINT64_FORMAT, unix_time);
  const char *values[] = { text != NULL ? text : fallback, NULL };
  CkDescriptionField *field =
    ck_description_section_add_field (section, key, label,
                                      text != NULL ? CK_DESCRIPTION_DATE : CK_DESCRIPTION_NUMBER,
                                      values);

  field->time = unix_time;
  return field;
}

CkDescriptionField *
ck_description_section_add_number (CkDescriptionSection *section,
                                   const char           *key,
                                   const char           *label,
                                   gint64                value)
{
  g_autofree char *text = g_strdup_printf ("%" G_GINT64_FORMAT, value);
  const char *values[] = { text, NULL };

  return ck_description_section_add_field (section, key, label, CK_DESCRIPTION_NUMBER, values);
}

static CkDescriptionField *
add_boolean (CkDescriptionSection *section,
             const char           *key,
             const char           *label,
             gboolean              value)
{
  const char *values[] = { value ? "true" : "false", NULL };

  return ck_description_section_add_field (section, key, label, CK_DESCRIPTION_BOOLEAN, values);
}

static CkDescriptionField *
add_uri (CkDescriptionSection *section,
         const char           *key,
         const char           *label,
         const char           *uri)
{
  const char *values[] = { uri, NULL };

  return ck_description_section_add_field (section, key, label, CK_DESCRIPTION_URI, values);
}

/* A list being read: values and their names for people, added in step. */
typedef struct {
  GStrvBuilder *values;
  GStrvBuilder *names;
} NamedList;

static void
named_list_init (NamedList *list)
{
  list->values = g_strv_builder_new ();
  list->names = g_strv_builder_new ();
}

static void
named_list_add (NamedList  *list,
                const char *value,
                const char *name)
{
  g_strv_builder_add (list->values, value);
  g_strv_builder_add (list->names, name != NULL ? name : "");
}

static CkDescriptionField *add_named_list (CkDescriptionSection *section,
                                           const char           *key,
                                           const char           *label,
                                           CkDescriptionType     type,
                                           const char * const   *values,
                                           const char * const   *names);

/* Adds the list as one field (or @empty as text when it has no value) and
 * frees it. */
static void
named_list_finish (NamedList            *list,
                   CkDescriptionSection *section,
                   const char           *key,
                   const char           *label,
                   CkDescriptionType     type,
                   const char           *empty)
{
  g_auto(GStrv) values = g_strv_builder_end (list->values);
  g_auto(GStrv) names = g_strv_builder_end (list->names);

  g_strv_builder_unref (list->values);
  g_strv_builder_unref (list->names);
  if (values[0] != NULL)
    add_named_list (section, key, label, type, (const char * const *) values,
                    (const char * const *) names);
  else if (empty != NULL)
    ck_description_section_add_text (section, key, label, empty);
}

/* Several values, each with a name for people (an OID's, a usage bit's). */
static CkDescriptionField *
add_named_list (CkDescriptionSection *section,
                const char           *key,
                const char           *label,
                CkDescriptionType     type,
                const char * const   *values,
                const char * const   *names)
{
  CkDescriptionField *field = ck_description_section_add_field (section, key, label, type, values);
  GStrvBuilder *builder = g_strv_builder_new ();

  for (guint i = 0; values[i] != NULL; i++)
    g_strv_builder_add (builder, names != NULL && names[i] != NULL ? names[i] : "");
  field->names = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return field;
}

CkDescriptionField *
ck_description_section_add_oid (CkDescriptionSection *section,
                                const char           *key,
                                const char           *label,
                                const char           *oid)
{
  const char *values[] = { oid, NULL };
  const char *names[] = { ck_oid_get_display_name (oid), NULL };

  return add_named_list (section, key, label, CK_DESCRIPTION_OID, values, names);
}

CkDescriptionField *
ck_description_section_lookup (CkDescriptionSection *section,
                               const char           *key)
{
  g_return_val_if_fail (section != NULL, NULL);

  for (guint i = 0; i < section->fields->len; i++)
    {
      CkDescriptionField *field = g_ptr_array_index (section->fields, i);

      if (g_strcmp0 (field->key, key) == 0)
        return field;
    }
  return NULL;
}

char *
ck_description_field_to_display (const CkDescriptionField *field)
{
  g_autoptr(GString) text = g_string_new (NULL);

  g_return_val_if_fail (field != NULL, NULL);

  for (guint i = 0; field->values[i] != NULL; i++)
    {
      const char *value = field->values[i];
      const char *name = field->names != NULL ? field->names[i] : NULL;

      if (i > 0)
        g_string_append_c (text, '\n');
      switch (field->type)
        {
        case CK_DESCRIPTION_HEX:
          {
            g_autofree char *colons = ck_hex_format_colons (value);

            g_string_append (text, colons);
          }
          break;

        case CK_DESCRIPTION_BOOLEAN:
          if (name != NULL && name[0] != '\0')
            g_string_append (text, name);
          else
            g_string_append (text, g_str_equal (value, "true") ? _("Yes") : _("No"));
          break;

        case CK_DESCRIPTION_OID:
          if (name != NULL && name[0] != '\0')
            /* Translators: an OID's name and the OID: "Any Policy (2.5.29.32.0)" */
            g_string_append_printf (text, _("%s (%s)"), name, value);
          else
            g_string_append (text, value);
          break;

        case CK_DESCRIPTION_TEXT:
        case CK_DESCRIPTION_DATE:
        case CK_DESCRIPTION_URI:
        case CK_DESCRIPTION_NUMBER:
        default:
          g_string_append (text, name != NULL && name[0] != '\0' ? name : value);
          break;
        }
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

void
ck_description_foreach (CkDescription          *self,
                        CkDescriptionVisitFunc  visit,
                        gpointer                user_data)
{
  g_return_if_fail (CK_IS_DESCRIPTION (self));

  for (guint i = 0; i < self->sections->len; i++)
    {
      CkDescriptionSection *section = g_ptr_array_index (self->sections, i);

      visit (section, NULL, user_data);
      for (guint f = 0; f < section->fields->len; f++)
        visit (section, g_ptr_array_index (section->fields, f), user_data);
    }
}

char *
ck_description_section_to_subtitle (const CkDescriptionSection *section)
{
  g_return_val_if_fail (section != NULL, NULL);

  if (section->oid == NULL)
    return NULL;
  if (section->critical)
    /* Translators: under an extension's heading: its OID, and that it is critical */
    return g_strdup_printf (_("%s · critical"), section->oid);
  return g_strdup (section->oid);
}

/* ---- libtasn1, for what GnuTLS does not decode ------------------------ */

extern const asn1_static_node ck_extensions_asn1_tab[];

static CkAsn1Schema extensions_schema = CK_ASN1_SCHEMA_INIT (ck_extensions_asn1_tab,
                                                             "CK-EXTENSIONS");

/* @type of ck-extensions.asn decoded from @data (strict DER), or NULL. */
static asn1_node
asn1_decode (const char           *type,
             const gnutls_datum_t *data)
{
  return ck_asn1_decode (&extensions_schema, type, data->data, data->size, TRUE, NULL);
}

static asn1_node
asn1_decode_bytes (const char *type,
                   GBytes     *bytes)
{
  gsize len = 0;
  const guint8 *data = g_bytes_get_data (bytes, &len);

  return ck_asn1_decode (&extensions_schema, type, data, len, TRUE, NULL);
}

/* A BMPString's contents as UTF-8, or NULL. */
static char *
bmp_to_utf8 (const guint8 *data,
             gsize         len)
{
  return g_convert ((const char *) data, len, "UTF-8", "UTF-16BE", NULL, NULL, NULL);
}

/* The text of a CHOICE of strings (DisplayText, CertificateTemplateName,
 * AttributeValue) at @name: "bmpString" is converted, the others are
 * UTF-8 or ASCII already. NULL when absent. */
static char *
asn1_get_choice_text (asn1_node   node,
                      const char *name)
{
  char which[64] = "";
  int len = sizeof which - 1;
  g_autofree char *path = NULL;
  g_autoptr(GBytes) bytes = NULL;
  const guint8 *data;
  gsize data_len = 0;

  if (asn1_read_value (node, name, which, &len) != ASN1_SUCCESS || len <= 0)
    return NULL;
  path = name[0] != '\0' ? g_strconcat (name, ".", which, NULL) : g_strdup (which);
  bytes = ck_asn1_read_bytes (node, path);
  if (bytes == NULL)
    return NULL;
  data = g_bytes_get_data (bytes, &data_len);
  if (g_str_equal (which, "bmpString"))
    return bmp_to_utf8 (data, data_len);
  return valid_text ((const char *) data, data_len);
}

/* ---- extensions ------------------------------------------------------ */

/* A GeneralName as GnuTLS's extension getters give it: "DNS:…", "URI:…".
 * They give a directory name as an RFC 4514 string already (the SAN
 * decoder gets DER), so that one is taken as it is. */
static char *
gnutls_name_to_string (unsigned int          type,
                       const gnutls_datum_t *san,
                       const gnutls_datum_t *othername_oid)
{
  g_autoptr(CkGeneralName) name = NULL;

  if (type == GNUTLS_SAN_DN && san->size > 0 && san->data[0] != 0x30)
    {
      g_autofree char *text = valid_text ((const char *) san->data, san->size);

      return g_strconcat ("DN:", text, NULL);
    }
  name = ck_general_name_new_from_gnutls (type, san, othername_oid);
  return name != NULL ? ck_general_name_to_string (name) : NULL;
}

typedef gboolean (*DecodeFunc) (CkDescriptionSection *section,
                                const gnutls_datum_t *der);

static void
add_general_name (CkDescriptionSection *section,
                  CkGeneralName        *name)
{
  static const struct { CkGeneralNameKind kind; const char *key; } keys[] = {
    { CK_GENERAL_NAME_DNS, "dns" }, { CK_GENERAL_NAME_IP, "ip" },
    { CK_GENERAL_NAME_EMAIL, "email" }, { CK_GENERAL_NAME_URI, "uri" },
    { CK_GENERAL_NAME_DN, "dn" }, { CK_GENERAL_NAME_UPN, "upn" },
    { CK_GENERAL_NAME_OTHER, "other_name" }, { CK_GENERAL_NAME_REGISTERED_ID, "rid" },
  };
  const char *key = "other_name";
  g_autofree char *value = NULL;

  for (guint i = 0; i < G_N_ELEMENTS (keys); i++)
    if (keys[i].kind == name->kind)
      key = keys[i].key;

  if (name->kind == CK_GENERAL_NAME_OTHER)
    value = g_strdup_printf ("%s:%s", name->other_oid, name->value);
  else
    value = g_strdup (name->value);

  if (name->kind == CK_GENERAL_NAME_URI)
    add_uri (section, key, ck_general_name_kind_get_display_name (name->kind), value);
  else
    ck_description_section_add_text (section, key,
                                      ck_general_name_kind_get_display_name (name->kind), value);
}

static gboolean
decode_basic_constraints (CkDescriptionSection *section,
                          const gnutls_datum_t *der)
{
  unsigned int ca = 0;
  int path_len = -1;

  if (gnutls_x509_ext_import_basic_constraints (der, &ca, &path_len) < 0)
    return FALSE;
  add_boolean (section, "ca", _("Certificate authority"), ca);
  if (ca && path_len >= 0)
    ck_description_section_add_number (section, "path_len", _("Maximum path length"), path_len);
  else if (ca)
    ck_description_section_add_text (section, "path_len", _("Maximum path length"),
                                     _("Unlimited"));
  return TRUE;
}

static gboolean
decode_key_usage (CkDescriptionSection *section,
                  const gnutls_datum_t *der)
{
  unsigned int usage = 0;
  const CkKeyUsageBit *bits;
  guint n_bits = 0;
  NamedList list;

  if (gnutls_x509_ext_import_key_usage (der, &usage) < 0)
    return FALSE;
  named_list_init (&list);
  bits = ck_key_usage_bits (&n_bits);
  for (guint i = 0; i < n_bits; i++)
    if (usage & bits[i].flag)
      named_list_add (&list, bits[i].name, _(bits[i].display_name));
  named_list_finish (&list, section, "usage", _("Usages"), CK_DESCRIPTION_TEXT, _("None"));
  return TRUE;
}

static gboolean
decode_key_purposes (CkDescriptionSection *section,
                     const gnutls_datum_t *der)
{
  gnutls_x509_key_purposes_t purposes = NULL;
  gnutls_datum_t oid;
  NamedList list;

  if (gnutls_x509_key_purpose_init (&purposes) < 0)
    return FALSE;
  if (gnutls_x509_ext_import_key_purposes (der, purposes, 0) < 0)
    {
      gnutls_x509_key_purpose_deinit (purposes);
      return FALSE;
    }
  named_list_init (&list);
  for (guint i = 0; gnutls_x509_key_purpose_get (purposes, i, &oid) >= 0; i++)
    {
      g_autofree char *text = g_strndup ((const char *) oid.data, oid.size);

      named_list_add (&list, text, ck_oid_get_display_name (text));
    }
  gnutls_x509_key_purpose_deinit (purposes);
  named_list_finish (&list, section, "purpose", _("Purposes"), CK_DESCRIPTION_OID, _("None"));
  return TRUE;
}

static gboolean
decode_alt_names (CkDescriptionSection *section,
                  const gnutls_datum_t *der)
{
  g_autoptr(GPtrArray) names = ck_general_names_from_der (der, NULL);

  if (names == NULL)
    return FALSE;
  for (guint i = 0; i < names->len; i++)
    add_general_name (section, g_ptr_array_index (names, i));
  return TRUE;
}

static gboolean
decode_subject_key_id (CkDescriptionSection *section,
                       const gnutls_datum_t *der)
{
  gnutls_datum_t id = { NULL, 0 };

  if (gnutls_x509_ext_import_subject_key_id (der, &id) < 0)
    return FALSE;
  ck_description_section_add_hex (section, "key_id", _("Key identifier"), id.data, id.size);
  gnutls_free (id.data);
  return TRUE;
}

static gboolean
decode_authority_key_id (CkDescriptionSection *section,
                         const gnutls_datum_t *der)
{
  gnutls_x509_aki_t aki = NULL;
  gnutls_datum_t id = { NULL, 0 };
  gboolean ok = FALSE;

  if (gnutls_x509_aki_init (&aki) < 0)
    return FALSE;
  if (gnutls_x509_ext_import_authority_key_id (der, aki, 0) >= 0)
    {
      unsigned int type;
      gnutls_datum_t san = { NULL, 0 }, other_oid = { NULL, 0 }, serial = { NULL, 0 };

      ok = TRUE;
      if (gnutls_x509_aki_get_id (aki, &id) >= 0 && id.size > 0)
        ck_description_section_add_hex (section, "key_id", _("Key identifier"), id.data, id.size);
      for (guint i = 0;
           gnutls_x509_aki_get_cert_issuer (aki, i, &type, &san, &other_oid, &serial) >= 0;
           i++)
        {
          g_autofree char *text = gnutls_name_to_string (type, &san, &other_oid);

          if (text != NULL)
            ck_description_section_add_text (section, "issuer", _("Issuer of the issuer"), text);
        }
      if (serial.size > 0)
        ck_description_section_add_hex (section, "serial", _("Serial number of the issuer"),
                                        serial.data, serial.size);
    }
  gnutls_x509_aki_deinit (aki);
  return ok;
}

#define OID_AD_OCSP       "1.3.6.1.5.5.7.48.1"
#define OID_AD_CA_ISSUERS "1.3.6.1.5.5.7.48.2"
#define OID_AD_TIMESTAMPING "1.3.6.1.5.5.7.48.3"
#define OID_AD_CA_REPOSITORY "1.3.6.1.5.5.7.48.5"

/* Authority and Subject Information Access. */
static gboolean
decode_info_access (CkDescriptionSection *section,
                    const gnutls_datum_t *der)
{
  gnutls_x509_aia_t aia = NULL;
  gboolean ok = FALSE;

  if (gnutls_x509_aia_init (&aia) < 0)
    return FALSE;
  if (gnutls_x509_ext_import_aia (der, aia, 0) >= 0)
    {
      gnutls_datum_t oid, san;
      unsigned int type;

      ok = TRUE;
      for (guint i = 0; gnutls_x509_aia_get (aia, i, &oid, &type, &san) >= 0; i++)
        {
          g_autofree char *method = g_strndup ((const char *) oid.data, oid.size);
          g_autoptr(CkGeneralName) name = ck_general_name_new_from_gnutls (type, &san, NULL);
          g_autofree char *location = NULL;
          const char *key = "access";
          const char *label = _("Access method");

          if (name == NULL)
            continue;
          if (g_str_equal (method, OID_AD_OCSP))
            key = "ocsp", label = _("OCSP responder");
          else if (g_str_equal (method, OID_AD_CA_ISSUERS))
            key = "ca_issuers", label = _("CA issuers");
          else if (g_str_equal (method, OID_AD_TIMESTAMPING))
            key = "time_stamping", label = _("Time stamping");
          else if (g_str_equal (method, OID_AD_CA_REPOSITORY))
            key = "ca_repository", label = _("CA repository");

          if (name->kind == CK_GENERAL_NAME_URI && !g_str_equal (key, "access"))
            add_uri (section, key, label, name->value);
          else
            {
              g_autofree char *where = gnutls_name_to_string (type, &san, NULL);

              location = g_str_equal (key, "access") ? g_strdup_printf ("%s %s", method, where)
                                                     : g_strdup (where);
              ck_description_section_add_text (section, key, label, location);
            }
        }
    }
  gnutls_x509_aia_deinit (aia);
  return ok;
}

static const struct { guint flag; const char *name; } crl_reasons[] = {
  { GNUTLS_CRL_REASON_UNUSED, "unused" },
  { GNUTLS_CRL_REASON_KEY_COMPROMISE, "keyCompromise" },
  { GNUTLS_CRL_REASON_CA_COMPROMISE, "cACompromise" },
  { GNUTLS_CRL_REASON_AFFILIATION_CHANGED, "affiliationChanged" },
  { GNUTLS_CRL_REASON_SUPERSEDED, "superseded" },
  { GNUTLS_CRL_REASON_CESSATION_OF_OPERATION, "cessationOfOperation" },
  { GNUTLS_CRL_REASON_CERTIFICATE_HOLD, "certificateHold" },
  { GNUTLS_CRL_REASON_PRIVILEGE_WITHDRAWN, "privilegeWithdrawn" },
  { GNUTLS_CRL_REASON_AA_COMPROMISE, "aACompromise" },
};

/* CRL Distribution Points and Freshest CRL. */
static gboolean
decode_crl_dist_points (CkDescriptionSection *section,
                        const gnutls_datum_t *der)
{
  gnutls_x509_crl_dist_points_t points = NULL;
  gboolean ok = FALSE;

  if (gnutls_x509_crl_dist_points_init (&points) < 0)
    return FALSE;
  if (gnutls_x509_ext_import_crl_dist_points (der, points, 0) >= 0)
    {
      gnutls_datum_t san;
      unsigned int type, reasons;

      ok = TRUE;
      for (guint i = 0; gnutls_x509_crl_dist_points_get (points, i, &type, &san, &reasons) >= 0; i++)
        {
          g_autoptr(CkGeneralName) name = ck_general_name_new_from_gnutls (type, &san, NULL);
          g_autofree char *text = gnutls_name_to_string (type, &san, NULL);

          if (name != NULL && name->kind == CK_GENERAL_NAME_URI)
            add_uri (section, "uri", _("Distribution point"), name->value);
          else if (text != NULL)
            ck_description_section_add_text (section, "name", _("Distribution point"), text);
          if (reasons != 0)
            {
              g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
              g_auto(GStrv) list = NULL;

              for (guint r = 0; r < G_N_ELEMENTS (crl_reasons); r++)
                if (reasons & crl_reasons[r].flag)
                  g_strv_builder_add (builder, crl_reasons[r].name);
              list = g_strv_builder_end (builder);
              if (list[0] != NULL)
                ck_description_section_add_field (section, "reasons", _("Reasons"),
                                                  CK_DESCRIPTION_TEXT,
                                                  (const char * const *) list);
            }
        }
    }
  gnutls_x509_crl_dist_points_deinit (points);
  return ok;
}

#define OID_QT_CPS     "1.3.6.1.5.5.7.2.1"
#define OID_QT_UNOTICE "1.3.6.1.5.5.7.2.2"

/* The notice reference of the @q-th qualifier of the @p-th policy (both
 * 1-based, libtasn1's "?N"), which GnuTLS does not give. */
static void
add_notice_reference (CkDescriptionSection *section,
                      asn1_node             policies,
                      guint                 p,
                      guint                 q)
{
  g_autofree char *qid = g_strdup_printf ("?%u.policyQualifiers.?%u.policyQualifierId", p, q);
  g_autofree char *qval = g_strdup_printf ("?%u.policyQualifiers.?%u.qualifier", p, q);
  char oid[128];
  g_autoptr(GBytes) raw = NULL;
  g_autoptr(asn1_node_st) notice = NULL;
  g_autofree char *organization = NULL;
  g_autoptr(GStrvBuilder) numbers = g_strv_builder_new ();
  g_auto(GStrv) list = NULL;

  if (!ck_asn1_read_oid (policies, qid, oid) || strcmp (oid, OID_QT_UNOTICE) != 0 ||
      (raw = ck_asn1_read_bytes (policies, qval)) == NULL)
    return;
  notice = asn1_decode_bytes ("UserNotice", raw);
  if (notice == NULL)
    return;
  organization = asn1_get_choice_text (notice, "noticeRef.organization");
  if (organization == NULL)
    return;
  ck_description_section_add_text (section, "notice_organization", _("Notice organization"),
                                   organization);
  for (guint i = 1; ; i++)
    {
      g_autofree char *path = g_strdup_printf ("noticeRef.noticeNumbers.?%u", i);
      gint64 n = ck_asn1_read_uint (notice, path);

      if (n < 0)
        break;
      builder_take (numbers, g_strdup_printf ("%" G_GINT64_FORMAT, n));
    }
  list = g_strv_builder_end (numbers);
  if (list[0] != NULL)
    ck_description_section_add_field (section, "notice_numbers", _("Notice numbers"),
                                      CK_DESCRIPTION_NUMBER, (const char * const *) list);
}

static gboolean
decode_policies (CkDescriptionSection *section,
                 const gnutls_datum_t *der)
{
  gnutls_x509_policies_t policies = NULL;
  g_autoptr(asn1_node_st) tree = asn1_decode ("CertificatePolicies", der);
  gboolean ok = FALSE;

  if (gnutls_x509_policies_init (&policies) < 0)
    return FALSE;
  if (gnutls_x509_ext_import_policies (der, policies, 0) >= 0)
    {
      struct gnutls_x509_policy_st policy;

      ok = TRUE;
      /* gnutls_x509_policies_get() gives a view: nothing to release. */
      for (guint i = 0; gnutls_x509_policies_get (policies, i, &policy) >= 0; i++)
        {
          ck_description_section_add_oid (section, "policy", _("Policy"), policy.oid);
          for (guint q = 0; q < policy.qualifiers && q < GNUTLS_MAX_QUALIFIERS; q++)
            {
              g_autofree char *data = valid_text (policy.qualifier[q].data,
                                                  policy.qualifier[q].size);

              if (policy.qualifier[q].type == GNUTLS_X509_QUALIFIER_URI)
                add_uri (section, "cps", _("Practice statement (CPS)"), data);
              else if (policy.qualifier[q].type == GNUTLS_X509_QUALIFIER_NOTICE)
                {
                  if (tree != NULL)
                    add_notice_reference (section, tree, i + 1, q + 1);
                  if (data[0] != '\0')
                    ck_description_section_add_text (section, "user_notice", _("User notice"),
                                                     data);
                }
            }
        }
    }
  gnutls_x509_policies_deinit (policies);
  return ok;
}

/* An IP name constraint is an address and a mask: "192.0.2.0/24". */
static char *
constraint_to_string (unsigned int          type,
                      const gnutls_datum_t *name)
{
  if (type == GNUTLS_SAN_IPADDRESS && (name->size == 8 || name->size == 32))
    {
      gsize half = name->size / 2;
      g_autoptr(GInetAddress) addr =
        g_inet_address_new_from_bytes (name->data, half == 4 ? G_SOCKET_FAMILY_IPV4
                                                             : G_SOCKET_FAMILY_IPV6);
      g_autofree char *text = g_inet_address_to_string (addr);
      guint prefix = 0;

      for (gsize i = half; i < name->size; i++)
        for (int b = 7; b >= 0 && (name->data[i] >> b & 1); b--)
          prefix++;
      return g_strdup_printf ("IP:%s/%u", text, prefix);
    }
  return gnutls_name_to_string (type, name, NULL);
}

static gboolean
decode_name_constraints (CkDescriptionSection *section,
                         const gnutls_datum_t *der)
{
  gnutls_x509_name_constraints_t nc = NULL;
  gboolean ok = FALSE;

  if (gnutls_x509_name_constraints_init (&nc) < 0)
    return FALSE;
  if (gnutls_x509_ext_import_name_constraints (der, nc, 0) >= 0)
    {
      gnutls_datum_t name;
      unsigned int type;

      ok = TRUE;
      for (guint i = 0; gnutls_x509_name_constraints_get_permitted (nc, i, &type, &name) >= 0; i++)
        {
          g_autofree char *text = constraint_to_string (type, &name);

          if (text != NULL)
            ck_description_section_add_text (section, "permitted", _("Permitted"), text);
        }
      for (guint i = 0; gnutls_x509_name_constraints_get_excluded (nc, i, &type, &name) >= 0; i++)
        {
          g_autofree char *text = constraint_to_string (type, &name);

          if (text != NULL)
            ck_description_section_add_text (section, "excluded", _("Excluded"), text);
        }
    }
  gnutls_x509_name_constraints_deinit (nc);
  return ok;
}

static gboolean
decode_policy_constraints (CkDescriptionSection *section,
                           const gnutls_datum_t *der)
{
  g_autoptr(asn1_node_st) node = asn1_decode ("PolicyConstraints", der);
  gint64 require, inhibit;

  if (node == NULL)
    return FALSE;
  require = ck_asn1_read_uint (node, "requireExplicitPolicy");
  inhibit = ck_asn1_read_uint (node, "inhibitPolicyMapping");
  if (require >= 0)
    ck_description_section_add_number (section, "require_explicit_policy",
                                       _("Require an explicit policy after"), require);
  if (inhibit >= 0)
    ck_description_section_add_number (section, "inhibit_policy_mapping",
                                       _("Inhibit policy mapping after"), inhibit);
  return require >= 0 || inhibit >= 0;
}

static gboolean
decode_policy_mappings (CkDescriptionSection *section,
                        const gnutls_datum_t *der)
{
  g_autoptr(asn1_node_st) node = asn1_decode ("PolicyMappings", der);
  guint i;

  if (node == NULL)
    return FALSE;
  for (i = 1; ; i++)
    {
      g_autofree char *ip = g_strdup_printf ("?%u.issuerDomainPolicy", i);
      g_autofree char *sp = g_strdup_printf ("?%u.subjectDomainPolicy", i);
      char issuer[128], subject[128];

      if (!ck_asn1_read_oid (node, ip, issuer) || !ck_asn1_read_oid (node, sp, subject))
        break;
      /* In pairs: the issuer's policy, and what it means for the subject. */
      ck_description_section_add_oid (section, "issuer_domain_policy", _("Issuer policy"), issuer);
      ck_description_section_add_oid (section, "subject_domain_policy", _("Maps to subject policy"),
                                      subject);
    }
  return i > 1;
}

static gboolean
decode_inhibit_any_policy (CkDescriptionSection *section,
                           const gnutls_datum_t *der)
{
  unsigned int skip = 0;

  if (gnutls_x509_ext_import_inhibit_anypolicy (der, &skip) < 0)
    return FALSE;
  ck_description_section_add_number (section, "skip_certs",
                                     _("Any policy inhibited after"), skip);
  return TRUE;
}

static gboolean
decode_scts (CkDescriptionSection *section,
             const gnutls_datum_t *der)
{
  gnutls_x509_ct_scts_t scts = NULL;
  guint n = 0;
  gboolean ok = FALSE;

  if (gnutls_x509_ext_ct_scts_init (&scts) < 0)
    return FALSE;
  if (gnutls_x509_ext_ct_import_scts (der, scts, 0) >= 0)
    {
      unsigned int version;

      ok = TRUE;
      while (gnutls_x509_ct_sct_get_version (scts, n, &version) >= 0)
        n++;
      ck_description_section_add_number (section, "count", _("Timestamps"), n);
      for (guint i = 0; i < n; i++)
        {
          time_t when = 0;
          gnutls_datum_t log_id = { NULL, 0 }, signature = { NULL, 0 };
          gnutls_sign_algorithm_t algorithm;

          if (gnutls_x509_ct_sct_get (scts, i, &when, &log_id, &algorithm, &signature) < 0)
            continue;
          ck_description_section_add_hex (section, "log_id", _("Log ID"), log_id.data,
                                          log_id.size);
          ck_description_section_add_date (section, "timestamp", _("Logged on"), when);
          gnutls_free (log_id.data);
          gnutls_free (signature.data);
        }
    }
  gnutls_x509_ext_ct_scts_deinit (scts);
  return ok;
}

static gboolean
decode_tls_features (CkDescriptionSection *section,
                     const gnutls_datum_t *der)
{
  gnutls_x509_tlsfeatures_t features = NULL;
  unsigned int feature;
  NamedList list;

  if (gnutls_x509_tlsfeatures_init (&features) < 0)
    return FALSE;
  if (gnutls_x509_ext_import_tlsfeatures (der, features, 0) < 0)
    {
      gnutls_x509_tlsfeatures_deinit (features);
      return FALSE;
    }
  named_list_init (&list);
  for (guint i = 0; gnutls_x509_tlsfeatures_get (features, i, &feature) >= 0; i++)
    {
      g_autofree char *number = g_strdup_printf ("%u", feature);

      /* RFC 7633: the TLS extension numbers of RFC 6066 and RFC 6961. */
      named_list_add (&list, number,
                      feature == 5 ? _("OCSP must-staple (status_request)")
                      : feature == 17 ? _("OCSP multi-staple (status_request_v2)") : NULL);
    }
  gnutls_x509_tlsfeatures_deinit (features);
  named_list_finish (&list, section, "feature", _("Required features"), CK_DESCRIPTION_NUMBER,
                     _("None"));
  return TRUE;
}

static gboolean
decode_directory_attributes (CkDescriptionSection *section,
                             const gnutls_datum_t *der)
{
  g_autoptr(asn1_node_st) node = asn1_decode ("SubjectDirectoryAttributes", der);
  guint i;

  if (node == NULL)
    return FALSE;
  for (i = 1; ; i++)
    {
      g_autofree char *type_path = g_strdup_printf ("?%u.type", i);
      char oid[128];
      const char *short_name, *label;

      if (!ck_asn1_read_oid (node, type_path, oid))
        break;
      short_name = ck_oid_get_short_name (oid);
      label = ck_oid_get_display_name (oid);
      for (guint v = 1; ; v++)
        {
          g_autofree char *value_path = g_strdup_printf ("?%u.values.?%u", i, v);
          g_autoptr(GBytes) raw = NULL;
          g_autoptr(asn1_node_st) value = NULL;
          g_autofree char *text = NULL;
          gsize raw_len = 0;
          const guint8 *raw_data;

          if ((raw = ck_asn1_read_bytes (node, value_path)) == NULL)
            break;
          raw_data = g_bytes_get_data (raw, &raw_len);
          value = asn1_decode_bytes ("AttributeValue", raw);
          text = value != NULL ? asn1_get_choice_text (value, "") : NULL;
          /* dateOfBirth is a GeneralizedTime "19700101000000Z": show the day. */
          if (text != NULL && g_str_equal (oid, "1.3.6.1.5.5.7.9.1") && strlen (text) >= 8)
            {
              char *day = g_strdup_printf ("%.4s-%.2s-%.2s", text, text + 4, text + 6);

              g_free (text);
              text = day;
            }
          if (text != NULL)
            ck_description_section_add_text (section, short_name != NULL ? short_name : oid,
                                             label != NULL ? label : oid, text);
          else
            ck_description_section_add_hex (section, short_name != NULL ? short_name : oid,
                                            label != NULL ? label : oid, raw_data, raw_len);
        }
    }
  return i > 1;
}

static gboolean
decode_template_name (CkDescriptionSection *section,
                      const gnutls_datum_t *der)
{
  g_autoptr(asn1_node_st) node = asn1_decode ("CertificateTemplateName", der);
  g_autofree char *name = node != NULL ? asn1_get_choice_text (node, "") : NULL;

  if (name == NULL)
    return FALSE;
  ck_description_section_add_text (section, "name", _("Template name"), name);
  return TRUE;
}

static gboolean
decode_template (CkDescriptionSection *section,
                 const gnutls_datum_t *der)
{
  g_autoptr(asn1_node_st) node = asn1_decode ("CertificateTemplate", der);
  char oid[128];
  gint64 major, minor;

  if (node == NULL || !ck_asn1_read_oid (node, "templateID", oid) || (major = ck_asn1_read_uint (node, "templateMajorVersion")) < 0)
    return FALSE;
  minor = ck_asn1_read_uint (node, "templateMinorVersion");
  ck_description_section_add_oid (section, "template_id", _("Template"), oid);
  ck_description_section_add_number (section, "major_version", _("Major version"), major);
  if (minor >= 0)
    ck_description_section_add_number (section, "minor_version", _("Minor version"), minor);
  return TRUE;
}

static gboolean
decode_netscape_comment (CkDescriptionSection *section,
                         const gnutls_datum_t *der)
{
  g_autoptr(asn1_node_st) node = asn1_decode ("NetscapeComment", der);
  g_autoptr(GBytes) text = NULL;
  g_autofree char *valid = NULL;
  gsize len = 0;
  const char *data;

  if (node == NULL || (text = ck_asn1_read_bytes (node, "")) == NULL)
    return FALSE;
  data = g_bytes_get_data (text, &len);
  valid = valid_text (data != NULL ? data : "", len);
  ck_description_section_add_text (section, "comment", _("Comment"), valid);
  return TRUE;
}

static gboolean
decode_private_key_usage_period (CkDescriptionSection *section,
                                 const gnutls_datum_t *der)
{
  time_t from = -1, until = -1;

  if (gnutls_x509_ext_import_private_key_usage_period (der, &from, &until) < 0)
    return FALSE;
  if (from != (time_t) -1)
    ck_description_section_add_date (section, "not_before", _("Not before"), from);
  if (until != (time_t) -1)
    ck_description_section_add_date (section, "not_after", _("Not after"), until);
  return TRUE;
}

/* An extension whose value is ASN.1 NULL: its presence is the meaning. */
static gboolean
decode_null_marker (CkDescriptionSection *section,
                    const gnutls_datum_t *der)
{
  if (der->size != 2 || der->data[0] != 0x05 || der->data[1] != 0x00)
    return FALSE;
  add_boolean (section, "present", _("Present"), TRUE);
  return TRUE;
}

static const struct {
  const char *oid;
  const char *key;
  DecodeFunc  decode;
} extension_decoders[] = {
  { CK_OID_EXT_BASIC_CONSTRAINTS, "basic_constraints", decode_basic_constraints },
  { CK_OID_EXT_KEY_USAGE, "key_usage", decode_key_usage },
  { CK_OID_EXT_EXT_KEY_USAGE, "extended_key_usage", decode_key_purposes },
  { CK_OID_EXT_SUBJECT_ALT_NAME, "subject_alt_name", decode_alt_names },
  { CK_OID_EXT_ISSUER_ALT_NAME, "issuer_alt_name", decode_alt_names },
  { CK_OID_EXT_SUBJECT_KEY_ID, "subject_key_id", decode_subject_key_id },
  { CK_OID_EXT_AUTHORITY_KEY_ID, "authority_key_id", decode_authority_key_id },
  { CK_OID_EXT_AUTHORITY_INFO, "authority_info_access", decode_info_access },
  { "1.3.6.1.5.5.7.1.11", "subject_info_access", decode_info_access },
  { CK_OID_EXT_CRL_DIST_POINTS, "crl_distribution_points", decode_crl_dist_points },
  { "2.5.29.46", "freshest_crl", decode_crl_dist_points },
  { CK_OID_EXT_CERT_POLICIES, "certificate_policies", decode_policies },
  { "2.5.29.33", "policy_mappings", decode_policy_mappings },
  { CK_OID_EXT_NAME_CONSTRAINTS, "name_constraints", decode_name_constraints },
  { "2.5.29.36", "policy_constraints", decode_policy_constraints },
  { "2.5.29.54", "inhibit_any_policy", decode_inhibit_any_policy },
  { "2.5.29.16", "private_key_usage_period", decode_private_key_usage_period },
  { "2.5.29.9", "subject_directory_attributes", decode_directory_attributes },
  { "1.3.6.1.4.1.11129.2.4.2", "sct_list", decode_scts },
  { "1.3.6.1.4.1.11129.2.4.3", "ct_poison", decode_null_marker },
  { "1.3.6.1.5.5.7.48.1.5", "ocsp_no_check", decode_null_marker },
  { CK_OID_EXT_TLS_FEATURE, "tls_feature", decode_tls_features },
  { "1.3.6.1.4.1.311.20.2", "ms_certificate_template_name", decode_template_name },
  { "1.3.6.1.4.1.311.21.7", "ms_certificate_template", decode_template },
  { "2.16.840.1.113730.1.13", "netscape_comment", decode_netscape_comment },
};

CkDescriptionSection *
ck_description_add_extension (CkDescription *self,
                              const char    *oid,
                              gboolean       critical,
                              GBytes        *value)
{
  const char *name = ck_oid_get_display_name (oid);
  CkDescriptionSection *section = NULL;
  gsize len = 0;
  const guint8 *data = value != NULL ? g_bytes_get_data (value, &len) : NULL;
  gnutls_datum_t der = { (unsigned char *) data, (unsigned int) len };

  g_return_val_if_fail (CK_IS_DESCRIPTION (self), NULL);
  g_return_val_if_fail (oid != NULL, NULL);

  for (guint i = 0; len <= G_MAXUINT && i < G_N_ELEMENTS (extension_decoders); i++)
    {
      if (!g_str_equal (oid, extension_decoders[i].oid))
        continue;
      section = ck_description_add_section (self, extension_decoders[i].key,
                                            name != NULL ? name : oid);
      section->oid = g_strdup (oid);
      section->critical = critical;
      section->decoded = data != NULL && extension_decoders[i].decode (section, &der);
      if (section->decoded)
        return section;
      /* Known but malformed: what was read goes, the bytes stay. */
      g_ptr_array_set_size (section->fields, 0);
      ck_description_section_add_text (section, "problem", _("Problem"),
                                       _("The extension cannot be decoded"));
      break;
    }
  if (section == NULL)
    {
      section = ck_description_add_section (self, "extension", name != NULL ? name : oid);
      section->oid = g_strdup (oid);
      section->critical = critical;
    }
  ck_description_section_add_hex (section, "value", _("Value"), data, len);
  return section;
}

/* ---- certificates and requests --------------------------------------- */

static void
add_name_section (CkDescription *self,
                  const char    *key,
                  const char    *title,
                  GPtrArray     *attributes,
                  const char    *rfc4514)
{
  CkDescriptionSection *section = ck_description_add_section (self, key, title);

  for (guint i = 0; attributes != NULL && i < attributes->len; i++)
    {
      const CkDnAttribute *attr = g_ptr_array_index (attributes, i);
      const char *short_name = ck_oid_get_short_name (attr->oid);
      const char *label = ck_oid_get_display_name (attr->oid);

      ck_description_section_add_text (section, short_name != NULL ? short_name : attr->oid,
                                       label != NULL ? label : attr->oid, attr->value);
    }
  if (attributes == NULL || attributes->len == 0)
    ck_description_section_add_text (section, "dn", _("Distinguished name"), rfc4514);
}

static void
add_public_key_section (CkDescription *self,
                        const char    *algorithm,
                        const char    *algorithm_oid,
                        const char    *problem,
                        const char    *curve,
                        guint          bits,
                        const char    *spki_sha256)
{
  CkDescriptionSection *section = ck_description_add_section (self, "public_key", _("Public Key"));

  ck_description_section_add_text (section, "algorithm", _("Algorithm"), algorithm);
  if (algorithm_oid != NULL)
    ck_description_section_add_field (section, "algorithm_oid", _("Algorithm OID"),
                                      CK_DESCRIPTION_OID,
                                      (const char * const[]) { algorithm_oid, NULL });
  if (problem != NULL)
    ck_description_section_add_text (section, "problem", _("Status"), problem);
  if (curve != NULL)
    ck_description_section_add_text (section, "curve", _("Curve"), curve);
  else if (bits > 0)
    ck_description_section_add_number (section, "bits", _("Key size in bits"), bits);
  if (spki_sha256 != NULL)
    ck_description_section_add_field (section, "spki_sha256", _("Public key SHA-256"),
                                      CK_DESCRIPTION_HEX,
                                      (const char * const[]) { spki_sha256, NULL });
}

static void
add_extensions (CkDescription *self,
                GPtrArray     *extensions)
{
  for (guint i = 0; extensions != NULL && i < extensions->len; i++)
    {
      const CkExtension *ext = g_ptr_array_index (extensions, i);

      ck_description_add_extension (self, ext->oid, ext->critical, ext->value);
    }
}

CkDescription *
ck_description_new_for_certificate (CkCertificate *cert)
{
  CkDescription *self;
  CkDescriptionSection *section;

  g_return_val_if_fail (CK_IS_CERTIFICATE (cert), NULL);

  self = ck_description_new ();
  add_name_section (self, "subject", _("Subject"), ck_certificate_get_subject_attributes (cert),
                    ck_certificate_get_subject (cert));
  add_name_section (self, "issuer", _("Issuer"), ck_certificate_get_issuer_attributes (cert),
                    ck_certificate_get_issuer (cert));

  section = ck_description_add_section (self, "validity", _("Validity"));
  ck_description_section_add_date (section, "not_before", _("Not before"),
                                   ck_certificate_get_not_before (cert));
  ck_description_section_add_date (section, "not_after", _("Not after"),
                                   ck_certificate_get_not_after (cert));

  add_public_key_section (self, ck_certificate_get_key_algorithm (cert),
                          !ck_certificate_get_key_supported (cert)
                            ? ck_certificate_get_key_algorithm_oid (cert) : NULL,
                          ck_certificate_get_key_problem (cert),
                          ck_certificate_get_key_curve (cert),
                          ck_certificate_get_key_bits (cert),
                          ck_certificate_get_spki_sha256 (cert));

  section = ck_description_add_section (self, "fingerprints", _("Fingerprints"));
  ck_description_section_add_field (section, "sha256", _("SHA-256 fingerprint"),
                                    CK_DESCRIPTION_HEX,
                                    (const char * const[]) { ck_certificate_get_sha256_fingerprint (cert), NULL });
  ck_description_section_add_field (section, "sha1", _("SHA-1 fingerprint"), CK_DESCRIPTION_HEX,
                                    (const char * const[]) { ck_certificate_get_sha1_fingerprint (cert), NULL });
  ck_description_section_add_field (section, "serial", _("Serial number"), CK_DESCRIPTION_HEX,
                                    (const char * const[]) { ck_certificate_get_serial (cert), NULL });
  ck_description_section_add_text (section, "signature_algorithm", _("Signature algorithm"),
                                   ck_certificate_get_signature_algorithm (cert));
  ck_description_section_add_number (section, "version", _("Version"),
                                     ck_certificate_get_version (cert));

  add_extensions (self, ck_certificate_get_extensions (cert));
  return self;
}

CkDescription *
ck_description_new_for_request (CkRequest *request)
{
  CkDescription *self;
  CkDescriptionSection *section;

  g_return_val_if_fail (CK_IS_REQUEST (request), NULL);

  self = ck_description_new ();
  add_name_section (self, "subject", _("Subject"), ck_request_get_subject_attributes (request),
                    ck_request_get_subject (request));
  add_public_key_section (self, ck_request_get_key_algorithm (request), NULL, NULL,
                          ck_request_get_key_curve (request),
                          ck_request_get_key_bits (request),
                          ck_request_get_spki_sha256 (request));

  section = ck_description_add_section (self, "fingerprints", _("Fingerprints"));
  ck_description_section_add_field (section, "sha256", _("SHA-256 fingerprint"),
                                    CK_DESCRIPTION_HEX,
                                    (const char * const[]) { ck_request_get_sha256_fingerprint (request), NULL });
  ck_description_section_add_text (section, "signature_algorithm", _("Signature algorithm"),
                                   ck_request_get_signature_algorithm (request));

  if (ck_request_has_challenge_password (request))
    {
      section = ck_description_add_section (self, "attributes", _("Attributes"));
      /* The value itself is never handed out (ck_request_has_challenge_password()). */
      add_named_list (section, "challenge_password", _("Challenge password"),
                      CK_DESCRIPTION_BOOLEAN, (const char * const[]) { "true", NULL },
                      (const char * const[]) { _("Present (not shown)"), NULL });
    }

  add_extensions (self, ck_request_get_extensions (request));
  return self;
}
