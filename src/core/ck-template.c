/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ck-template.h"

#include "ck-bounded-read.h"

#include <arpa/inet.h>
#include <errno.h>
#include <glib/gi18n-lib.h>
#include <gnutls/x509.h>
#include <string.h>

#include "ck-der-private.h"
#include "ck-error.h"
#include "ck-key-usage.h"
#include "ck-oid.h"
#include "ck-utils.h"

/* certtool keeps this many lines of a repeatable key (MAX_ENTRIES in
 * certtool-cfg.c); the "OID value" keys use two slots per line. */
#define MAX_ENTRIES 128

#define OID_XMPP "1.3.6.1.5.5.7.8.5"
#define OID_UPN "1.3.6.1.4.1.311.20.2.3"
#define OID_IPSEC_IKE "1.3.6.1.5.5.7.3.17"

/* Every key certtool 3.7.9's template parser knows (available_options in
 * certtool-cfg.c); anything else is "skipping unknown option". */
static const char * const known_keys[] = {
  "unit", "ou", "organization", "o", "dc", "dns_name", "ip_address", "email",
  "krb5_principal", "other_name", "other_name_utf8", "other_name_octet",
  "xmpp_name", "key_purpose_oid", "nc_exclude_dns", "nc_exclude_ip",
  "nc_exclude_email", "nc_permit_dns", "nc_permit_ip", "nc_permit_email",
  "dn_oid", "add_extension", "add_critical_extension", "crl_dist_points",
  "uri", "ocsp_uri", "ca_issuers_uri", "locality", "state", "dn", "cn",
  "uid", "subject_unique_id", "issuer_unique_id", "challenge_password",
  "password", "pkcs9_email", "country", "expiration_date",
  "activation_date", "crl_revocation_date", "crl_this_update_date",
  "crl_next_update_date", "inhibit_anypolicy_skip_certs",
  "pkcs12_key_name", "proxy_policy_language", "serial", "expiration_days",
  "crl_next_update", "crl_number", "path_len", "ca",
  "honor_crq_extensions", "honor_crq_ext", "tls_www_client",
  "tls_www_server", "signing_key", "encryption_key", "cert_signing_key",
  "crl_signing_key", "code_signing_key", "ocsp_signing_key",
  "time_stamping_key", "email_protection_key", "ipsec_ike_key",
  "key_agreement", "data_encipherment", "non_repudiation", "tls_feature",
};

typedef struct {
  char *name;
  char *value;   /* NULL for a bare key ("ca") */
  guint line;
} Entry;

static void
entry_free (Entry *entry)
{
  g_free (entry->name);
  if (entry->value != NULL)
    gnutls_memset (entry->value, 0, strlen (entry->value));
  g_free (entry->value);
  g_free (entry);
}

typedef struct {
  const char *name;
  GPtrArray *entries;
  GPtrArray *warnings;
} Template;

static gboolean
is_known_key (const char *name)
{
  if (g_ascii_strncasecmp (name, "policy", 6) == 0)
    return TRUE;
  for (gsize i = 0; i < G_N_ELEMENTS (known_keys); i++)
    if (g_ascii_strcasecmp (name, known_keys[i]) == 0)
      return TRUE;
  return FALSE;
}

/* A double-quoted value, C escapes cooked as AutoOpts does. */
static char *
read_quoted (const char *p,
             char        quote)
{
  GString *out = g_string_new (NULL);

  for (p++; *p != '\0' && *p != quote; p++)
    {
      if (*p == '\\' && p[1] != '\0')
        {
          p++;
          if (quote == '\'' && *p != '\'' && *p != '\\')
            g_string_append_c (out, '\\');
          switch (*p)
            {
            case 'n': g_string_append_c (out, quote == '"' ? '\n' : 'n'); break;
            case 't': g_string_append_c (out, quote == '"' ? '\t' : 't'); break;
            case 'r': g_string_append_c (out, quote == '"' ? '\r' : 'r'); break;
            default: g_string_append_c (out, *p); break;
            }
        }
      else
        g_string_append_c (out, *p);
    }
  return g_string_free (out, FALSE);
}

static GPtrArray *
parse_entries (const char *text,
               gsize       len)
{
  GPtrArray *entries = g_ptr_array_new_with_free_func ((GDestroyNotify) entry_free);
  g_autofree char *copy = g_strndup (text, len);
  g_auto(GStrv) lines = g_strsplit (copy, "\n", -1);

  for (guint i = 0; lines[i] != NULL; i++)
    {
      char *line = g_strstrip (lines[i]);
      const char *p = line;
      Entry *entry;

      if (*p == '\0' || *p == '#')
        continue;
      while (g_ascii_isalnum (*p) || *p == '_' || *p == '-')
        p++;
      if (p == line)
        continue;
      entry = g_new0 (Entry, 1);
      entry->name = g_strndup (line, p - line);
      entry->line = i + 1;
      while (*p == ' ' || *p == '\t')
        p++;
      if (*p == '=' || *p == ':')
        p++;
      while (*p == ' ' || *p == '\t')
        p++;
      if (*p == '"' || *p == '\'')
        entry->value = read_quoted (p, *p);
      else if (*p != '\0')
        entry->value = g_strdup (p);
      g_ptr_array_add (entries, entry);
    }
  g_strfreev (g_steal_pointer (&lines));
  gnutls_memset (copy, 0, strlen (copy));
  return entries;
}

static Entry *
get_first (Template   *t,
           const char *name)
{
  for (guint i = 0; i < t->entries->len; i++)
    {
      Entry *entry = t->entries->pdata[i];

      if (g_ascii_strcasecmp (entry->name, name) == 0)
        return entry;
    }
  return NULL;
}

static const char *
get_string (Template   *t,
            const char *name)
{
  Entry *entry = get_first (t, name);

  return entry != NULL ? entry->value : NULL;
}

static gboolean
get_bool (Template   *t,
          const char *name)
{
  /* certtool only looks at whether the key is there. */
  return get_first (t, name) != NULL;
}

/* The values of a repeatable key, at most @max of them, as certtool. */
static GPtrArray *
get_all (Template   *t,
         const char *name,
         guint       max)
{
  GPtrArray *values = g_ptr_array_new ();
  guint dropped = 0;

  for (guint i = 0; i < t->entries->len; i++)
    {
      Entry *entry = t->entries->pdata[i];

      if (g_ascii_strcasecmp (entry->name, name) != 0 || entry->value == NULL)
        continue;
      if (values->len < max)
        g_ptr_array_add (values, entry->value);
      else
        dropped++;
    }
  if (dropped > 0)
    g_ptr_array_add (t->warnings,
                     g_strdup_printf (ngettext ("%s: only the first %u “%s” lines are used, as by certtool; %u more is ignored",
                                                "%s: only the first %u “%s” lines are used, as by certtool; %u more are ignored",
                                                dropped),
                                      t->name, max, name, dropped));
  return values;
}

/* "OID value" keys: splits at the first space or tab. */
static gboolean
split_oid_value (Template    *t,
                 const char  *key,
                 const char  *text,
                 char       **oid,
                 char       **value,
                 GError     **error)
{
  const char *p = strpbrk (text, " \t");

  if (p == NULL)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_PARSE,
                   _("%s: %s: “%s” needs an OID and a value"), t->name, key, text);
      return FALSE;
    }
  *oid = g_strndup (text, p - text);
  while (*p == ' ' || *p == '\t')
    p++;
  if (*p == '\0')
    {
      g_set_error (error, CK_ERROR, CK_ERROR_PARSE,
                   _("%s: %s: “%s” has no value"), t->name, key, text);
      g_clear_pointer (oid, g_free);
      return FALSE;
    }
  *value = g_strdup (p);
  return TRUE;
}

static GBytes *
hex_decode (Template    *t,
            const char  *key,
            const char  *hex,
            GError     **error)
{
  gnutls_datum_t in = { (unsigned char *) hex, strlen (hex) };
  gnutls_datum_t out = { NULL, 0 };
  GBytes *bytes;
  int ret = gnutls_hex_decode2 (&in, &out);

  if (ret < 0)
    {
      ck_set_gnutls_error (error, ret, _("%s: %s: bad hex “%s”"), t->name, key, hex);
      return NULL;
    }
  if (out.size == 0)
    {
      /* Nothing that could be written back: "0x" alone, or text GnuTLS
       * stops reading at once. */
      gnutls_free (out.data);
      g_set_error (error, CK_ERROR, CK_ERROR_PARSE,
                   _("%s: %s: “%s” has no value"), t->name, key, hex);
      return NULL;
    }
  bytes = g_bytes_new (out.data, out.size);
  gnutls_free (out.data);
  return bytes;
}

static GBytes *
der_wrap (guint8        tag,
          const guint8 *data,
          gsize         len)
{
  GByteArray *out = g_byte_array_new ();

  ck_der_append_tlv (out, tag, data, len);
  return g_byte_array_free_to_bytes (out);
}

/* --- Subject ----------------------------------------------------------- */

static gboolean
add_dn_string (Template         *t,
               CkRequestBuilder *builder,
               const char       *dn_text,
               GError          **error)
{
  gnutls_x509_dn_t dn = NULL;
  gnutls_datum_t der = { NULL, 0 };
  const char *err = NULL;
  g_autoptr(GPtrArray) attrs = NULL;
  int ret;

  gnutls_x509_dn_init (&dn);
  /* The parser gnutls_x509_crq_set_dn() uses, so errors match certtool's. */
  ret = gnutls_x509_dn_set_str (dn, dn_text, &err);
  if (ret >= 0)
    ret = gnutls_x509_dn_export2 (dn, GNUTLS_X509_FMT_DER, &der);
  gnutls_x509_dn_deinit (dn);
  if (ret < 0)
    {
      ck_set_gnutls_error (error, ret, _("%s: dn: cannot use “%s”%s%s"), t->name, dn_text,
                           err != NULL ? _(" at: ") : "", err != NULL ? err : "");
      if (error != NULL && *error != NULL)
        (*error)->code = CK_ERROR_PARSE;
      return FALSE;
    }
  attrs = ck_dn_parse_der (&der, error);
  gnutls_free (der.data);
  if (attrs == NULL)
    return FALSE;
  for (guint i = 0; i < attrs->len; i++)
    {
      CkDnAttribute *attr = attrs->pdata[i];

      ck_request_builder_add_attribute (builder, attr->oid, attr->value);
    }
  return TRUE;
}

/* A subject attribute from a keyword. An empty value is refused, as an
 * empty one in "dn" is: it cannot be written back, and certtool refuses
 * it too. */
static gboolean
add_value (Template         *t,
           CkRequestBuilder *builder,
           const char       *key,
           const char       *oid,
           const char       *value,
           GError          **error)
{
  if (value[0] == '\0')
    {
      g_set_error (error, CK_ERROR, CK_ERROR_PARSE,
                   _("%s: %s: the value is empty"), t->name, key);
      return FALSE;
    }
  ck_request_builder_add_attribute (builder, oid, value);
  return TRUE;
}

static gboolean
add_values (Template         *t,
            CkRequestBuilder *builder,
            const char       *key,
            const char       *oid,
            GPtrArray        *values,
            GError          **error)
{
  for (guint i = 0; i < values->len; i++)
    if (!add_value (t, builder, key, oid, values->pdata[i], error))
      return FALSE;
  return TRUE;
}

static gboolean
add_subject (Template         *t,
             CkRequestBuilder *builder,
             GError          **error)
{
  g_autoptr(GPtrArray) orgs = NULL;
  g_autoptr(GPtrArray) units = NULL;
  g_autoptr(GPtrArray) dcs = NULL;
  g_autoptr(GPtrArray) oids = NULL;
  GPtrArray *subject;
  const char *value;

  if ((value = get_string (t, "dn")) != NULL && !add_dn_string (t, builder, value, error))
    return FALSE;

  if ((value = get_string (t, "country")) != NULL &&
      !add_value (t, builder, "country", CK_OID_C, value, error))
    return FALSE;
  if ((value = get_string (t, "state")) != NULL &&
      !add_value (t, builder, "state", CK_OID_ST, value, error))
    return FALSE;
  if ((value = get_string (t, "locality")) != NULL &&
      !add_value (t, builder, "locality", CK_OID_L, value, error))
    return FALSE;

  orgs = get_all (t, "organization", MAX_ENTRIES);
  if (orgs->len == 0)
    {
      g_ptr_array_unref (orgs);
      orgs = get_all (t, "o", MAX_ENTRIES);
    }
  if (!add_values (t, builder, "organization", CK_OID_O, orgs, error))
    return FALSE;
  units = get_all (t, "unit", MAX_ENTRIES);
  if (units->len == 0)
    {
      g_ptr_array_unref (units);
      units = get_all (t, "ou", MAX_ENTRIES);
    }
  if (!add_values (t, builder, "unit", CK_OID_OU, units, error))
    return FALSE;

  if ((value = get_string (t, "cn")) != NULL &&
      !add_value (t, builder, "cn", CK_OID_CN, value, error))
    return FALSE;
  if ((value = get_string (t, "uid")) != NULL &&
      !add_value (t, builder, "uid", CK_OID_UID, value, error))
    return FALSE;
  dcs = get_all (t, "dc", MAX_ENTRIES);
  if (!add_values (t, builder, "dc", CK_OID_DC, dcs, error))
    return FALSE;

  oids = get_all (t, "dn_oid", MAX_ENTRIES / 2);
  for (guint i = 0; i < oids->len; i++)
    {
      g_autofree char *oid = NULL;
      g_autofree char *text = NULL;

      if (!split_oid_value (t, "dn_oid", oids->pdata[i], &oid, &text, error))
        return FALSE;
      if (!ck_oid_is_valid (oid))
        {
          g_set_error (error, CK_ERROR, CK_ERROR_PARSE,
                       _("%s: dn_oid: “%s” is not an OID"), t->name, oid);
          return FALSE;
        }
      if (!gnutls_x509_dn_oid_known (oid))
        g_ptr_array_add (t->warnings,
                         g_strdup_printf (_("%s: dn_oid %s: certtool (GnuTLS %s) refuses this OID; "
                                            "Certkeeper encodes it as a directory string"),
                                          t->name, oid, gnutls_check_version (NULL)));
      ck_request_builder_add_attribute (builder, oid, text);
    }

  /* An attribute with an empty value is no name: certtool refuses the
   * request ("set_dn: The request is invalid"), and so does GnuTLS's DN
   * parser the "CN=" it would be written back as. */
  subject = ck_request_builder_get_subject (builder);
  for (guint i = 0; i < subject->len; i++)
    {
      const CkDnAttribute *attr = subject->pdata[i];

      if (attr->value == NULL || *attr->value == '\0')
        {
          g_set_error (error, CK_ERROR, CK_ERROR_PARSE,
                       _("%s: the subject attribute %s has an empty value"),
                       t->name, ck_dn_attribute_get_name (attr));
          return FALSE;
        }
    }
  return TRUE;
}

/* --- SANs -------------------------------------------------------------- */

static void
add_names (CkRequestBuilder  *builder,
           CkGeneralNameKind  kind,
           GPtrArray         *values)
{
  for (guint i = 0; i < values->len; i++)
    {
      g_autoptr(CkGeneralName) name = ck_general_name_new (kind, values->pdata[i], NULL);

      ck_request_builder_add_san (builder, name);
    }
}

/* Names GnuTLS encodes itself (Kerberos principals, XMPP addresses): let
 * it, then take the otherName back as DER. */
static gboolean
add_gnutls_encoded_names (Template                *t,
                          CkRequestBuilder        *builder,
                          gnutls_x509_subject_alt_name_t type,
                          const char              *key,
                          GPtrArray               *values,
                          GError                 **error)
{
  gnutls_x509_crq_t crq = NULL;
  gnutls_datum_t der = { NULL, 0 };
  g_autoptr(GPtrArray) names = NULL;
  int ret = 0;

  if (values->len == 0)
    return TRUE;
  gnutls_x509_crq_init (&crq);
  for (guint i = 0; ret >= 0 && i < values->len; i++)
    ret = gnutls_x509_crq_set_subject_alt_name (crq, type, values->pdata[i],
                                                strlen (values->pdata[i]), GNUTLS_FSAN_APPEND);
  if (ret >= 0)
    ret = gnutls_x509_crq_get_extension_by_oid2 (crq, CK_OID_EXT_SUBJECT_ALT_NAME, 0, &der, NULL);
  gnutls_x509_crq_deinit (crq);
  if (ret < 0)
    {
      ck_set_gnutls_error (error, ret, _("%s: %s"), t->name, key);
      return FALSE;
    }
  names = ck_general_names_from_der (&der, error);
  gnutls_free (der.data);
  if (names == NULL)
    return FALSE;
  for (guint i = 0; i < names->len; i++)
    ck_request_builder_add_san (builder, names->pdata[i]);
  return TRUE;
}

static gboolean
add_othernames (Template         *t,
                CkRequestBuilder *builder,
                const char       *key,
                guint8            tag,
                GError          **error)
{
  g_autoptr(GPtrArray) values = get_all (t, key, MAX_ENTRIES / 2);

  for (guint i = 0; i < values->len; i++)
    {
      g_autofree char *oid = NULL;
      g_autofree char *text = NULL;
      g_autoptr(GBytes) der = NULL;

      if (!split_oid_value (t, key, values->pdata[i], &oid, &text, error))
        return FALSE;
      if (tag == 0)
        {
          der = hex_decode (t, key, text, error);
          if (der == NULL)
            return FALSE;
          /* certtool stops at an empty value. */
          if (g_bytes_get_size (der) == 0)
            break;
        }
      else if (tag == 0x0c && g_str_equal (oid, OID_UPN))
        {
          g_autoptr(CkGeneralName) upn = ck_general_name_new (CK_GENERAL_NAME_UPN, text, OID_UPN);

          ck_request_builder_add_san (builder, upn);
          continue;
        }
      else
        der = der_wrap (tag, (const guint8 *) text, strlen (text));
      ck_request_builder_add_othername (builder, oid, der);
    }
  return TRUE;
}

static gboolean
add_sans (Template         *t,
          CkRequestBuilder *builder,
          GError          **error)
{
  g_autoptr(GPtrArray) dns = get_all (t, "dns_name", MAX_ENTRIES);
  g_autoptr(GPtrArray) uris = get_all (t, "uri", MAX_ENTRIES);
  g_autoptr(GPtrArray) ips = get_all (t, "ip_address", MAX_ENTRIES);
  g_autoptr(GPtrArray) emails = get_all (t, "email", MAX_ENTRIES);
  g_autoptr(GPtrArray) xmpp = get_all (t, "xmpp_name", MAX_ENTRIES);
  g_autoptr(GPtrArray) krb5 = get_all (t, "krb5_principal", MAX_ENTRIES);

  add_names (builder, CK_GENERAL_NAME_DNS, dns);
  add_names (builder, CK_GENERAL_NAME_URI, uris);
  for (guint i = 0; i < ips->len; i++)
    {
      const char *ip = ips->pdata[i];
      guint8 buf[16];
      /* certtool's test: a colon or more than 16 characters is IPv6. */
      gboolean v6 = strchr (ip, ':') != NULL || strlen (ip) > 16;

      if (inet_pton (v6 ? AF_INET6 : AF_INET, ip, buf) != 1)
        {
          g_set_error (error, CK_ERROR, CK_ERROR_PARSE,
                       _("%s: ip_address: “%s” is not an %s address"), t->name, ip,
                       v6 ? "IPv6" : "IPv4");
          return FALSE;
        }
    }
  add_names (builder, CK_GENERAL_NAME_IP, ips);
  add_names (builder, CK_GENERAL_NAME_EMAIL, emails);

  return add_othernames (t, builder, "other_name", 0, error) &&
         add_othernames (t, builder, "other_name_octet", 0x04, error) &&
         add_othernames (t, builder, "other_name_utf8", 0x0c, error) &&
         add_gnutls_encoded_names (t, builder, GNUTLS_SAN_OTHERNAME_XMPP, "xmpp_name", xmpp, error) &&
         add_gnutls_encoded_names (t, builder, GNUTLS_SAN_OTHERNAME_KRB5PRINCIPAL,
                                   "krb5_principal", krb5, error);
}

/* --- Extensions -------------------------------------------------------- */

/* certtool's decode_ext_string(): hex, optionally "0x"-prefixed, or
 * octet_string(HEX) for a DER OCTET STRING around it. */
static GBytes *
decode_extension_value (Template    *t,
                        const char  *key,
                        const char  *text,
                        GError     **error)
{
  g_autofree char *hex = NULL;
  gboolean octet_string = FALSE;
  const char *paren = strchr (text, '(');
  g_autoptr(GBytes) raw = NULL;

  if (paren != NULL)
    {
      const char *close;

      if (!g_str_has_prefix (text, "octet_string"))
        {
          g_set_error (error, CK_ERROR, CK_ERROR_PARSE,
                       _("%s: %s: cannot parse “%s”"), t->name, key, text);
          return NULL;
        }
      close = strchr (paren, ')');
      if (close == NULL)
        {
          g_set_error (error, CK_ERROR, CK_ERROR_PARSE,
                       _("%s: %s: no closing parenthesis in “%s”"), t->name, key, text);
          return NULL;
        }
      hex = g_strndup (paren + 1, close - paren - 1);
      octet_string = TRUE;
    }
  else
    hex = g_strdup (text);

  raw = hex_decode (t, key, g_str_has_prefix (hex, "0x") ? hex + 2 : hex, error);
  if (raw == NULL)
    return NULL;
  if (octet_string)
    return der_wrap (0x04, g_bytes_get_data (raw, NULL), g_bytes_get_size (raw));
  return g_steal_pointer (&raw);
}

static gboolean
add_extensions (Template         *t,
                CkRequestBuilder *builder,
                const char       *key,
                gboolean          critical,
                GError          **error)
{
  g_autoptr(GPtrArray) values = get_all (t, key, MAX_ENTRIES / 2);

  for (guint i = 0; i < values->len; i++)
    {
      g_autofree char *oid = NULL;
      g_autofree char *text = NULL;
      g_autoptr(GBytes) der = NULL;

      if (!split_oid_value (t, key, values->pdata[i], &oid, &text, error))
        return FALSE;
      der = decode_extension_value (t, key, text, error);
      if (der == NULL)
        return FALSE;
      ck_request_builder_add_extension (builder, oid, der, critical);
    }
  return TRUE;
}

/* Basic constraints (critical), as certtool always writes them. */
static void
add_basic_constraints (Template         *t,
                       CkRequestBuilder *builder,
                       gboolean          ca)
{
  int path_len = -1;

  if (ca && get_string (t, "path_len") != NULL)
    path_len = (int) strtol (get_string (t, "path_len"), NULL, 10);
  ck_request_builder_set_basic_constraints (builder, TRUE, ca, path_len, TRUE);
}

static void
add_tls_features (Template         *t,
                  CkRequestBuilder *builder)
{
  g_autoptr(GPtrArray) features = get_all (t, "tls_feature", MAX_ENTRIES);

  for (guint i = 0; i < features->len; i++)
    ck_request_builder_add_tls_feature (builder, (guint) strtoul (features->pdata[i], NULL, 10));
}

static void
add_usage (Template             *t,
           CkRequestBuilder     *builder,
           gnutls_pk_algorithm_t key_algo)
{
  gboolean ca = get_bool (t, "ca");
  guint usage = 0;
  g_autoptr(GPtrArray) eku = g_ptr_array_new ();
  g_autoptr(GPtrArray) oids = NULL;
  gboolean eku_first;

  add_basic_constraints (t, builder, ca);

  if (key_algo == GNUTLS_PK_RSA)
    {
      if (get_bool (t, "signing_key"))
        usage |= GNUTLS_KEY_DIGITAL_SIGNATURE;
      if (get_bool (t, "encryption_key"))
        usage |= GNUTLS_KEY_KEY_ENCIPHERMENT;
      else
        usage |= GNUTLS_KEY_DIGITAL_SIGNATURE;
    }
  else
    {
      if (get_bool (t, "encryption_key"))
        g_ptr_array_add (t->warnings,
                         g_strdup_printf (_("%s: encryption_key: this key type cannot encrypt; "
                                            "the flag is left out, as by certtool"), t->name));
      usage |= GNUTLS_KEY_DIGITAL_SIGNATURE;
    }
  if (ca && get_bool (t, "cert_signing_key"))
    usage |= GNUTLS_KEY_KEY_CERT_SIGN;
  if (ca && get_bool (t, "crl_signing_key"))
    usage |= GNUTLS_KEY_CRL_SIGN;
  ck_request_builder_set_key_usage (builder, usage, TRUE);

  if (get_bool (t, "code_signing_key"))
    g_ptr_array_add (eku, CK_OID_EKU_CODE_SIGNING);
  if (get_bool (t, "time_stamping_key"))
    g_ptr_array_add (eku, CK_OID_EKU_TIME_STAMPING);
  if (get_bool (t, "email_protection_key"))
    g_ptr_array_add (eku, CK_OID_EKU_EMAIL_PROTECTION);
  if (get_bool (t, "ipsec_ike_key"))
    g_ptr_array_add (eku, OID_IPSEC_IKE);
  if (get_bool (t, "ocsp_signing_key"))
    g_ptr_array_add (eku, CK_OID_EKU_OCSP_SIGNING);
  /* certtool sets these before the key usage, the rest after it. */
  eku_first = eku->len > 0;
  if (get_bool (t, "tls_www_client"))
    g_ptr_array_add (eku, CK_OID_EKU_CLIENT_AUTH);
  if (get_bool (t, "tls_www_server"))
    g_ptr_array_add (eku, CK_OID_EKU_SERVER_AUTH);
  oids = get_all (t, "key_purpose_oid", MAX_ENTRIES);
  for (guint i = 0; i < oids->len; i++)
    g_ptr_array_add (eku, oids->pdata[i]);
  g_ptr_array_add (eku, NULL);
  ck_request_builder_set_extended_key_usage (builder, (const char * const *) eku->pdata, TRUE);
  ck_request_builder_set_eku_first (builder, eku_first);

  add_tls_features (t, builder);
}

/* What certtool --generate-certificate (3.7.9, batch mode) makes of the
 * usage keys, which is not what --generate-request makes of them: the
 * key usage only has digitalSignature for an RSA key with signing_key (for
 * any key of a CA without tls_www_server), and keyEncipherment with
 * encryption_key; key_agreement, data_encipherment and non_repudiation
 * count; no key usage at all when nothing is set; the extended key usage
 * is not critical, its purposes in certtool's order. */
static void
add_certificate_usage (Template             *t,
                       CkRequestBuilder     *builder,
                       gnutls_pk_algorithm_t key_algo)
{
  gboolean ca = get_bool (t, "ca");
  gboolean server = get_bool (t, "tls_www_server");
  guint usage = 0;
  g_autoptr(GPtrArray) eku = g_ptr_array_new ();
  g_autoptr(GPtrArray) oids = NULL;

  add_basic_constraints (t, builder, ca);

  oids = get_all (t, "key_purpose_oid", MAX_ENTRIES);
  for (guint i = 0; i < oids->len; i++)
    g_ptr_array_add (eku, oids->pdata[i]);
  if (get_bool (t, "tls_www_client"))
    g_ptr_array_add (eku, CK_OID_EKU_CLIENT_AUTH);
  if (server)
    g_ptr_array_add (eku, CK_OID_EKU_SERVER_AUTH);
  if (!ca || server)
    {
      if (key_algo == GNUTLS_PK_RSA)
        {
          if (get_bool (t, "signing_key"))
            usage |= GNUTLS_KEY_DIGITAL_SIGNATURE;
          if (get_bool (t, "encryption_key"))
            usage |= GNUTLS_KEY_KEY_ENCIPHERMENT;
        }
      else
        usage |= GNUTLS_KEY_DIGITAL_SIGNATURE;
      if (get_bool (t, "ipsec_ike_key"))
        g_ptr_array_add (eku, OID_IPSEC_IKE);
    }
  else if (get_bool (t, "signing_key"))
    usage |= GNUTLS_KEY_DIGITAL_SIGNATURE;
  if (get_bool (t, "key_agreement"))
    usage |= GNUTLS_KEY_KEY_AGREEMENT;
  if (get_bool (t, "data_encipherment"))
    usage |= GNUTLS_KEY_DATA_ENCIPHERMENT;
  if (get_bool (t, "non_repudiation"))
    usage |= GNUTLS_KEY_NON_REPUDIATION;
  if (get_bool (t, "ocsp_signing_key"))
    g_ptr_array_add (eku, CK_OID_EKU_OCSP_SIGNING);
  if (get_bool (t, "code_signing_key"))
    g_ptr_array_add (eku, CK_OID_EKU_CODE_SIGNING);
  if (get_bool (t, "time_stamping_key"))
    g_ptr_array_add (eku, CK_OID_EKU_TIME_STAMPING);
  if (get_bool (t, "email_protection_key"))
    g_ptr_array_add (eku, CK_OID_EKU_EMAIL_PROTECTION);
  if (ca && get_bool (t, "cert_signing_key"))
    usage |= GNUTLS_KEY_KEY_CERT_SIGN;
  if (ca && get_bool (t, "crl_signing_key"))
    usage |= GNUTLS_KEY_CRL_SIGN;
  /* RFC 4945 5.1.3.2, as certtool: an IKE certificate with a key usage
   * has digitalSignature or nonRepudiation. */
  if (usage != 0 && get_bool (t, "ipsec_ike_key") && !get_bool (t, "signing_key"))
    usage |= GNUTLS_KEY_NON_REPUDIATION;
  ck_request_builder_set_key_usage (builder, usage, TRUE);
  g_ptr_array_add (eku, NULL);
  ck_request_builder_set_extended_key_usage (builder, (const char * const *) eku->pdata, FALSE);

  add_tls_features (t, builder);
}

CkRequestBuilder *
ck_template_parse (const char           *text,
                   gssize                len,
                   const char           *name,
                   gnutls_pk_algorithm_t key_algo,
                   GPtrArray           **warnings,
                   GError              **error)
{
  return ck_template_parse_for (text, len, name, key_algo, CK_TEMPLATE_REQUEST, warnings, error);
}

CkRequestBuilder *
ck_template_parse_for (const char           *text,
                       gssize                len,
                       const char           *name,
                       gnutls_pk_algorithm_t key_algo,
                       CkTemplateTarget      target,
                       GPtrArray           **warnings,
                       GError              **error)
{
  g_autoptr(CkRequestBuilder) builder = ck_request_builder_new ();
  g_autoptr(GPtrArray) entries = NULL;
  g_autoptr(GPtrArray) local_warnings = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  Template t = { 0, };
  const char *challenge;

  g_return_val_if_fail (text != NULL, NULL);

  if (len < 0)
    len = strlen (text);
  if (name == NULL)
    name = "template";
  /* A template is text: a NUL would cut a value short without a word. */
  if (memchr (text, '\0', len) != NULL)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_PARSE,
                   _("%s: not a text file (it holds a NUL byte)"), name);
      return NULL;
    }
  entries = parse_entries (text, len);
  t.name = name;
  t.entries = entries;
  t.warnings = local_warnings;

  for (guint i = 0; i < entries->len; i++)
    {
      Entry *entry = entries->pdata[i];
      g_autofree char *lower = g_ascii_strdown (entry->name, -1);

      if (!is_known_key (entry->name))
        g_ptr_array_add (local_warnings,
                         g_strdup_printf (_("%s, line %u: skipping unknown option “%s”, as certtool does"),
                                          name, entry->line, entry->name));
      else if (g_hash_table_contains (seen, lower) && entry->value != NULL &&
               (g_str_equal (lower, "cn") || g_str_equal (lower, "dn") ||
                g_str_equal (lower, "country") || g_str_equal (lower, "state") ||
                g_str_equal (lower, "locality") || g_str_equal (lower, "uid") ||
                g_str_equal (lower, "challenge_password")))
        g_ptr_array_add (local_warnings,
                         g_strdup_printf (_("%s, line %u: “%s” given again; only the first is used"),
                                          name, entry->line, entry->name));
      g_hash_table_add (seen, g_steal_pointer (&lower));
    }

  if (!add_subject (&t, builder, error) || !add_sans (&t, builder, error) ||
      !add_extensions (&t, builder, "add_extension", FALSE, error) ||
      !add_extensions (&t, builder, "add_critical_extension", TRUE, error))
    return NULL;

  challenge = get_string (&t, "challenge_password");
  if (challenge != NULL && *challenge != '\0')
    ck_request_builder_set_challenge_password (builder, challenge);

  if (target == CK_TEMPLATE_CERTIFICATE)
    add_certificate_usage (&t, builder, key_algo);
  else
    add_usage (&t, builder, key_algo);
  ck_request_builder_set_key_info (builder, key_algo, 0);

  if (warnings != NULL)
    *warnings = g_steal_pointer (&local_warnings);
  return g_steal_pointer (&builder);
}

CkRequestBuilder *
ck_template_load_file (const char           *path,
                       gnutls_pk_algorithm_t key_algo,
                       GPtrArray           **warnings,
                       GError              **error)
{
  return ck_template_load_file_for (path, key_algo, CK_TEMPLATE_REQUEST, warnings, error);
}

CkRequestBuilder *
ck_template_load_file_for (const char           *path,
                           gnutls_pk_algorithm_t key_algo,
                           CkTemplateTarget      target,
                           GPtrArray           **warnings,
                           GError              **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autofree char *base = g_path_get_basename (path);
  g_autofree char *name = g_filename_display_name (path);
  g_autoptr(GBytes) bytes = NULL;
  const char *text;
  gsize len = 0;

  /* Wiped when freed: a template may hold a challenge password. */
  bytes = ck_read_file_bounded (file, name, CK_MAX_TEMPLATE_SIZE, NULL, error);
  if (bytes == NULL)
    return NULL;
  text = g_bytes_get_data (bytes, &len);
  return ck_template_parse_for (text, (gssize) len, base, key_algo, target, warnings, error);
}

/* --- Writing ----------------------------------------------------------- */

/* A value inside double quotes, as AutoOpts reads it back. */
static void
append_quoted (GString    *out,
               const char *value)
{
  g_string_append_c (out, '"');
  for (const char *p = value; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '\\')
        g_string_append_c (out, '\\');
      g_string_append_c (out, *p);
    }
  g_string_append_c (out, '"');
}

static void
append_key (GString    *out,
            const char *key,
            const char *value)
{
  g_string_append_printf (out, "%s = ", key);
  append_quoted (out, value);
  g_string_append_c (out, '\n');
}

static void
note (GString    *out,
      GPtrArray  *warnings,
      const char *format,
      ...) G_GNUC_PRINTF (3, 4);

static void
note (GString    *out,
      GPtrArray  *warnings,
      const char *format,
      ...)
{
  va_list args;
  char *message;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_string_append_printf (out, "# NOTE: %s\n", message);
  g_ptr_array_add (warnings, message);
}

/* The names gnutls_x509_dn_set_str() knows for sure; anything else goes
 * as a dotted OID. */
static const char *
dn_key (const char *oid)
{
  static const struct { const char *oid; const char *name; } names[] = {
    { CK_OID_CN, "CN" }, { CK_OID_C, "C" }, { CK_OID_O, "O" }, { CK_OID_OU, "OU" },
    { CK_OID_L, "L" }, { CK_OID_ST, "ST" }, { CK_OID_DC, "DC" }, { CK_OID_UID, "UID" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_str_equal (oid, names[i].oid))
      return names[i].name;
  return oid;
}

static gboolean
printable (const char *value)
{
  for (const char *p = value; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && strchr (" '()+,-./:=?", *p) == NULL)
      return FALSE;
  return TRUE;
}

/* "#" + hex digits, as the request builder reads a value given as its
 * DER (set_attribute() in ck-request-builder.c); any other value starting
 * with "#" is text. */
static gboolean
is_der_hex (const char *value)
{
  gsize len = strlen (value);

  if (len < 3 || value[0] != '#' || len % 2 != 1)
    return FALSE;
  for (gsize i = 1; i < len; i++)
    if (!g_ascii_isxdigit (value[i]))
      return FALSE;
  return TRUE;
}

static gboolean
needs_escape (const char *value)
{
  gsize len = strlen (value);

  if (len == 0 || value[0] == '#' || g_ascii_isspace (value[0]) ||
      g_ascii_isspace (value[len - 1]))
    return TRUE;
  /* GnuTLS's DN parser trims white space and knows no escapes for
   * control characters: such a value goes as its DER. */
  for (gsize i = 0; i < len; i++)
    if ((guchar) value[i] < 0x20 || value[i] == 0x7f)
      return TRUE;
  return strpbrk (value, ",+\"\\<>;=") != NULL;
}

/* The DER GnuTLS gives the value when it encodes it itself, as the
 * request builder has it encode it. */
static char *
attribute_der_hex (const char *oid,
                   const char *value)
{
  gnutls_x509_crq_t crq = NULL;
  guint8 buf[1024];
  size_t size = sizeof buf;
  char *hex = NULL;

  gnutls_x509_crq_init (&crq);
  if (gnutls_x509_crq_set_dn_by_oid (crq, oid, 0, value, strlen (value)) >= 0 &&
      gnutls_x509_crq_get_dn_by_oid (crq, oid, 0, 1, buf, &size) >= 0)
    hex = ck_hex_encode (buf, size);
  gnutls_x509_crq_deinit (crq);
  return hex;
}

static char *
dn_string (GPtrArray *subject)
{
  GString *out = g_string_new (NULL);

  /* RFC 4514: last RDN first. */
  for (guint i = subject->len; i > 0; i--)
    {
      CkDnAttribute *attr = subject->pdata[i - 1];
      const char *value = attr->value;

      if (out->len > 0)
        g_string_append_c (out, ',');
      g_string_append_printf (out, "%s=", dn_key (attr->oid));
      if (!gnutls_x509_dn_oid_known (attr->oid) && !is_der_hex (value))
        {
          /* GnuTLS only takes unknown attributes as "#" + DER hex. */
          g_autoptr(GBytes) der = der_wrap (printable (value) ? 0x13 : 0x0c,
                                            (const guint8 *) value, strlen (value));
          g_autofree char *hex = ck_hex_encode (g_bytes_get_data (der, NULL),
                                                g_bytes_get_size (der));

          g_string_append_printf (out, "#%s", hex);
          continue;
        }
      if (needs_escape (value))
        {
          /* AutoOpts and GnuTLS do not agree on backslashes in a quoted
           * template value: give the attribute as "#" + its DER. */
          g_autofree char *hex = attribute_der_hex (attr->oid, value);

          if (hex != NULL)
            {
              g_string_append_printf (out, "#%s", hex);
              continue;
            }
        }
      g_string_append (out, value);
    }
  return g_string_free (out, FALSE);
}

static void
write_sans (GString          *out,
            CkRequestBuilder *builder,
            GPtrArray        *warnings)
{
  static const CkGeneralNameKind order[] = {
    CK_GENERAL_NAME_DNS, CK_GENERAL_NAME_URI, CK_GENERAL_NAME_IP, CK_GENERAL_NAME_EMAIL,
    CK_GENERAL_NAME_OTHER,
  };
  GPtrArray *sans = ck_request_builder_get_sans (builder);
  guint next = 0;
  gboolean reordered = FALSE;

  for (gsize k = 0; k < G_N_ELEMENTS (order); k++)
    for (guint i = 0; i < sans->len; i++)
      {
        CkGeneralName *name = sans->pdata[i];
        g_autofree char *line = NULL;

        /* A UPN is an otherName too: it goes in the same group. */
        if (name->kind != order[k] &&
            !(order[k] == CK_GENERAL_NAME_OTHER && name->kind == CK_GENERAL_NAME_UPN))
          continue;
        if (i != next++)
          reordered = TRUE;
        switch (name->kind)
          {
          case CK_GENERAL_NAME_DNS:
            append_key (out, "dns_name", name->value);
            break;
          case CK_GENERAL_NAME_URI:
            append_key (out, "uri", name->value);
            break;
          case CK_GENERAL_NAME_IP:
            append_key (out, "ip_address", name->value);
            break;
          case CK_GENERAL_NAME_EMAIL:
            append_key (out, "email", name->value);
            break;
          case CK_GENERAL_NAME_OTHER:
            line = g_strdup_printf ("%s %s", name->other_oid, name->value);
            append_key (out, "other_name", line);
            break;
          case CK_GENERAL_NAME_UPN:
            {
              g_autoptr(GBytes) der = der_wrap (0x0c, (const guint8 *) name->value,
                                                strlen (name->value));
              g_autofree char *hex = ck_hex_encode (g_bytes_get_data (der, NULL),
                                                    g_bytes_get_size (der));

              line = g_strdup_printf ("%s %s", OID_UPN, hex);
              append_key (out, "other_name", line);
            }
            break;
          case CK_GENERAL_NAME_DN:
          case CK_GENERAL_NAME_REGISTERED_ID:
          default:
            break;
          }
      }
  for (guint i = 0; i < sans->len; i++)
    {
      CkGeneralName *name = sans->pdata[i];

      if (name->kind == CK_GENERAL_NAME_DN || name->kind == CK_GENERAL_NAME_REGISTERED_ID)
        {
          g_autofree char *text = ck_general_name_to_string (name);

          note (out, warnings, _("the name %s cannot be written in a certtool template"), text);
        }
    }
  if (reordered)
    note (out, warnings, _("certtool groups the alternative names by type: DNS, URI, IP, "
                           "email, other names"));
  if (sans->len > 0)
    {
      gboolean critical = FALSE;

      g_object_get (builder, "san-critical", &critical, NULL);
      if (critical)
        note (out, warnings, _("certtool marks the alternative names not critical"));
    }
}

static void
write_usage (GString          *out,
             CkRequestBuilder *builder,
             GPtrArray        *warnings)
{
  gboolean is_ca = FALSE, bc_critical = TRUE, ku_critical = TRUE, eku_critical = FALSE;
  int path_len = -1;
  gboolean has_bc = ck_request_builder_get_basic_constraints (builder, &is_ca, &path_len, &bc_critical);
  guint usage = ck_request_builder_get_key_usage (builder, &ku_critical);
  const char * const *eku = ck_request_builder_get_extended_key_usage (builder, &eku_critical);
  guint unexpressed;
  GArray *features = ck_request_builder_get_tls_features (builder);

  if (has_bc && is_ca)
    {
      g_string_append (out, "ca\n");
      if (path_len >= 0)
        g_string_append_printf (out, "path_len = %d\n", path_len);
    }
  if (!has_bc)
    note (out, warnings, _("certtool always requests basic constraints (CA: FALSE here)"));
  else if (!bc_critical)
    note (out, warnings, _("certtool marks basic constraints critical"));

  if (usage & GNUTLS_KEY_DIGITAL_SIGNATURE)
    g_string_append (out, "signing_key\n");
  if (usage & GNUTLS_KEY_KEY_ENCIPHERMENT)
    g_string_append (out, "encryption_key\n");
  if ((usage & GNUTLS_KEY_KEY_CERT_SIGN) && is_ca)
    g_string_append (out, "cert_signing_key\n");
  if ((usage & GNUTLS_KEY_CRL_SIGN) && is_ca)
    g_string_append (out, "crl_signing_key\n");
  unexpressed = usage & ~(GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_KEY_ENCIPHERMENT);
  if (is_ca)
    unexpressed &= ~(GNUTLS_KEY_KEY_CERT_SIGN | GNUTLS_KEY_CRL_SIGN);
  if (unexpressed != 0)
    {
      g_autofree char *names = ck_key_usage_to_string (unexpressed);

      note (out, warnings, _("certtool cannot request the key usage %s (its template keys "
                             "for those apply to certificates only)"), names);
    }
  if (usage == 0)
    note (out, warnings, _("certtool always requests a key usage (digitalSignature here)"));
  else if (!ku_critical)
    note (out, warnings, _("certtool marks the key usage critical"));

  for (guint i = 0; eku != NULL && eku[i] != NULL; i++)
    {
      const char *oid = eku[i];

      if (g_str_equal (oid, CK_OID_EKU_SERVER_AUTH))
        g_string_append (out, "tls_www_server\n");
      else if (g_str_equal (oid, CK_OID_EKU_CLIENT_AUTH))
        g_string_append (out, "tls_www_client\n");
      else if (g_str_equal (oid, CK_OID_EKU_CODE_SIGNING))
        g_string_append (out, "code_signing_key\n");
      else if (g_str_equal (oid, CK_OID_EKU_EMAIL_PROTECTION))
        g_string_append (out, "email_protection_key\n");
      else if (g_str_equal (oid, CK_OID_EKU_TIME_STAMPING))
        g_string_append (out, "time_stamping_key\n");
      else if (g_str_equal (oid, CK_OID_EKU_OCSP_SIGNING))
        g_string_append (out, "ocsp_signing_key\n");
      else if (g_str_equal (oid, OID_IPSEC_IKE))
        g_string_append (out, "ipsec_ike_key\n");
      else
        g_string_append_printf (out, "key_purpose_oid = %s\n", oid);
    }
  if (eku != NULL && eku[0] != NULL && !eku_critical)
    note (out, warnings, _("certtool marks the extended key usage critical"));

  for (guint i = 0; i < features->len; i++)
    g_string_append_printf (out, "tls_feature = %u\n", g_array_index (features, guint, i));
}

char *
ck_template_from_builder (CkRequestBuilder *builder,
                          GPtrArray       **warnings)
{
  GString *out = g_string_new (NULL);
  g_autoptr(GPtrArray) local = g_ptr_array_new_with_free_func (g_free);
  GPtrArray *subject;
  GPtrArray *extensions;
  g_autofree char *challenge = NULL;
  CkRequestProfile profile;

  g_return_val_if_fail (CK_IS_REQUEST_BUILDER (builder), NULL);

  profile = ck_request_builder_get_profile (builder);
  g_string_append (out, "# certtool template written by Certkeeper, for\n"
                        "#   certtool --generate-request --load-privkey KEY --template FILE\n");
  if (profile != CK_REQUEST_PROFILE_CUSTOM)
    g_string_append_printf (out, "# Profile: %s\n", ck_request_profile_get_display_name (profile));

  subject = ck_request_builder_get_subject (builder);
  if (subject->len > 0)
    {
      g_autofree char *dn = dn_string (subject);

      g_string_append (out, "\n# Subject, last attribute first (RFC 4514)\n");
      append_key (out, "dn", dn);
    }

  g_string_append (out, "\n# Subject alternative names\n");
  write_sans (out, builder, local);

  g_object_get (builder, "challenge-password", &challenge, NULL);
  if (challenge != NULL && *challenge != '\0')
    g_string_append (out, "\n# A challenge password was set: it is not written here.\n"
                          "# challenge_password = \"…\"\n");
  if (challenge != NULL)
    gnutls_memset (challenge, 0, strlen (challenge));

  g_string_append (out, "\n# Extensions\n");
  extensions = ck_request_builder_get_extensions (builder);
  for (guint critical = 0; critical < 2; critical++)
    for (guint i = 0; i < extensions->len; i++)
      {
        CkExtension *ext = extensions->pdata[i];
        g_autofree char *hex = NULL;
        g_autofree char *line = NULL;

        if ((guint) ext->critical != critical)
          continue;
        hex = ck_hex_encode (g_bytes_get_data (ext->value, NULL), g_bytes_get_size (ext->value));
        line = g_strdup_printf ("%s %s", ext->oid, hex);
        append_key (out, critical ? "add_critical_extension" : "add_extension", line);
      }
  write_usage (out, builder, local);

  if (warnings != NULL)
    *warnings = g_steal_pointer (&local);
  return g_string_free (out, FALSE);
}
