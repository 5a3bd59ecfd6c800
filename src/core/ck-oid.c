/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ck-oid.h"

#include <gnutls/gnutls.h>

#include <glib/gi18n-lib.h>
#include <string.h>

typedef enum {
  OID_DN,
  OID_EKU,
  OID_EXTENSION,
  OID_POLICY,
} OidKind;

typedef struct {
  const char *oid;
  OidKind     kind;
  /* For DN attributes, the name GnuTLS 3.7.9 prints in an RFC 4514 string
   * (gnutls_x509_crt_get_dn3), so attribute lists and subject strings use
   * the same words; the few GnuTLS does not know use the RFC/X.520 name. */
  const char *short_name;
  const char *display_name;
  /* '|'-separated other spellings ck_oid_from_short_name() accepts: the
   * OpenSSL long and short names and RFC 4519 names. */
  const char *aliases;
} OidEntry;

static const OidEntry oid_table[] = {
  /* X.520 / RFC 4519 attributes. */
  { CK_OID_CN, OID_DN, "CN", N_("Common Name"), "commonName" },
  { CK_OID_SURNAME, OID_DN, "surName", N_("Surname"), "SN|surname" },
  { CK_OID_SERIAL_NUMBER, OID_DN, "serialNumber", N_("Serial Number"), NULL },
  { CK_OID_C, OID_DN, "C", N_("Country"), "countryName" },
  { CK_OID_L, OID_DN, "L", N_("Locality"), "localityName" },
  { CK_OID_ST, OID_DN, "ST", N_("State or Province"), "stateOrProvinceName|S" },
  { CK_OID_STREET, OID_DN, "street", N_("Street Address"), "streetAddress" },
  { CK_OID_O, OID_DN, "O", N_("Organization"), "organizationName" },
  { CK_OID_OU, OID_DN, "OU", N_("Organizational Unit"), "organizationalUnitName" },
  { CK_OID_TITLE, OID_DN, "title", N_("Title"), "T" },
  { "2.5.4.13", OID_DN, "description", N_("Description"), NULL },
  { "2.5.4.15", OID_DN, "businessCategory", N_("Business Category"), NULL },
  { "2.5.4.16", OID_DN, "postalAddress", N_("Postal Address"), NULL },
  { CK_OID_POSTAL_CODE, OID_DN, "postalCode", N_("Postal Code"), NULL },
  { "2.5.4.18", OID_DN, "postOfficeBox", N_("Post Office Box"), NULL },
  { "2.5.4.20", OID_DN, "telephoneNumber", N_("Telephone Number"), NULL },
  { "2.5.4.41", OID_DN, "name", N_("Name"), NULL },
  { CK_OID_GIVEN_NAME, OID_DN, "givenName", N_("Given Name"), "GN|G" },
  { CK_OID_INITIALS, OID_DN, "initials", N_("Initials"), "I" },
  { CK_OID_GENERATION_QUALIFIER, OID_DN, "generationQualifier", N_("Generation Qualifier"), NULL },
  { "2.5.4.45", OID_DN, "x500UniqueIdentifier", N_("Unique Identifier"), "uniqueIdentifier" },
  { CK_OID_DN_QUALIFIER, OID_DN, "dnQualifier", N_("DN Qualifier"), NULL },
  { "2.5.4.51", OID_DN, "houseIdentifier", N_("House Identifier"), NULL },
  { "2.5.4.54", OID_DN, "dmdName", N_("DMD Name"), NULL },
  { CK_OID_PSEUDONYM, OID_DN, "pseudonym", N_("Pseudonym"), NULL },
  { "2.5.4.72", OID_DN, "role", N_("Role"), NULL },
  { CK_OID_ORGANIZATION_IDENTIFIER, OID_DN, "organizationIdentifier", N_("Organization Identifier"), NULL },
  { CK_OID_DC, OID_DN, "DC", N_("Domain Component"), "domainComponent" },
  { CK_OID_UID, OID_DN, "UID", N_("User ID"), "userId" },
  { "0.9.2342.19200300.100.1.3", OID_DN, "mail", N_("Mail"), "rfc822Mailbox" },
  { CK_OID_EMAIL, OID_DN, "EMAIL", N_("Email Address"), "emailAddress|E|email" },
  { "1.2.840.113549.1.9.2", OID_DN, "unstructuredName", N_("Unstructured Name"), NULL },
  { "1.2.840.113549.1.9.8", OID_DN, "unstructuredAddress", N_("Unstructured Address"), NULL },
  /* EV certificates (CA/Browser Forum guidelines). */
  { "1.3.6.1.4.1.311.60.2.1.1", OID_DN, "jurisdictionOfIncorporationLocalityName",
    N_("Jurisdiction Locality"), "jurisdictionL|jurisdictionLocalityName" },
  { "1.3.6.1.4.1.311.60.2.1.2", OID_DN, "jurisdictionOfIncorporationStateOrProvinceName",
    N_("Jurisdiction State or Province"), "jurisdictionST|jurisdictionStateOrProvinceName" },
  { "1.3.6.1.4.1.311.60.2.1.3", OID_DN, "jurisdictionOfIncorporationCountryName",
    N_("Jurisdiction Country"), "jurisdictionC|jurisdictionCountryName" },
  /* RFC 3039 personal data. */
  { "1.3.6.1.5.5.7.9.1", OID_DN, "dateOfBirth", N_("Date of Birth"), NULL },
  { "1.3.6.1.5.5.7.9.2", OID_DN, "placeOfBirth", N_("Place of Birth"), NULL },
  { "1.3.6.1.5.5.7.9.3", OID_DN, "gender", N_("Gender"), NULL },
  { "1.3.6.1.5.5.7.9.4", OID_DN, "countryOfCitizenship", N_("Country of Citizenship"), NULL },
  { "1.3.6.1.5.5.7.9.5", OID_DN, "countryOfResidence", N_("Country of Residence"), NULL },

  /* Extended key usage purposes. */
  { CK_OID_EKU_SERVER_AUTH, OID_EKU, "serverAuth", N_("TLS Server Authentication"), NULL },
  { CK_OID_EKU_CLIENT_AUTH, OID_EKU, "clientAuth", N_("TLS Client Authentication"), NULL },
  { CK_OID_EKU_CODE_SIGNING, OID_EKU, "codeSigning", N_("Code Signing"), NULL },
  { CK_OID_EKU_EMAIL_PROTECTION, OID_EKU, "emailProtection", N_("Email Protection"), NULL },
  { "1.3.6.1.5.5.7.3.5", OID_EKU, "ipsecEndSystem", N_("IPsec End System"), NULL },
  { "1.3.6.1.5.5.7.3.6", OID_EKU, "ipsecTunnel", N_("IPsec Tunnel"), NULL },
  { "1.3.6.1.5.5.7.3.7", OID_EKU, "ipsecUser", N_("IPsec User"), NULL },
  { CK_OID_EKU_TIME_STAMPING, OID_EKU, "timeStamping", N_("Time Stamping"), NULL },
  { CK_OID_EKU_OCSP_SIGNING, OID_EKU, "OCSPSigning", N_("OCSP Signing"), NULL },
  { "1.3.6.1.5.5.7.3.17", OID_EKU, "ipsecIKE", N_("IPsec IKE"), NULL },
  { "1.3.6.1.5.5.7.3.21", OID_EKU, "secureShellClient", N_("SSH Client"), NULL },
  { "1.3.6.1.5.5.7.3.22", OID_EKU, "secureShellServer", N_("SSH Server"), NULL },
  { "1.3.6.1.5.5.7.3.36", OID_EKU, "documentSigning", N_("Document Signing"), NULL },
  { "1.3.6.1.5.2.3.4", OID_EKU, "pkInitClientAuth", N_("Kerberos Client Authentication"), NULL },
  { "1.3.6.1.5.2.3.5", OID_EKU, "pkInitKDC", N_("Kerberos KDC"), NULL },
  { "1.3.6.1.4.1.311.20.2.2", OID_EKU, "msSmartcardLogin", N_("Smart Card Logon"), NULL },
  { "1.3.6.1.4.1.311.10.3.4", OID_EKU, "msEFS", N_("Encrypting File System"), NULL },
  { "1.3.6.1.4.1.311.10.3.12", OID_EKU, "msDocumentSigning", N_("Microsoft Document Signing"), NULL },
  { "1.3.6.1.4.1.311.2.1.21", OID_EKU, "msCodeInd", N_("Microsoft Individual Code Signing"), NULL },
  { "1.3.6.1.4.1.311.2.1.22", OID_EKU, "msCodeCom", N_("Microsoft Commercial Code Signing"), NULL },
  { CK_OID_EKU_ANY, OID_EKU, "anyExtendedKeyUsage", N_("Any Purpose"), NULL },

  /* Certificate policies (RFC 5280, CA/Browser Forum). */
  { "2.5.29.32.0", OID_POLICY, "anyPolicy", N_("Any Policy"), NULL },
  { "2.23.140.1.1", OID_POLICY, NULL, N_("Extended Validation (CA/Browser Forum)"), NULL },
  { "2.23.140.1.2.1", OID_POLICY, NULL, N_("Domain Validated (CA/Browser Forum)"), NULL },
  { "2.23.140.1.2.2", OID_POLICY, NULL, N_("Organization Validated (CA/Browser Forum)"), NULL },
  { "2.23.140.1.2.3", OID_POLICY, NULL, N_("Individual Validated (CA/Browser Forum)"), NULL },
  { "2.23.140.1.3", OID_POLICY, NULL, N_("Extended Validation Code Signing (CA/Browser Forum)"), NULL },
  { "2.23.140.1.4.1", OID_POLICY, NULL, N_("Code Signing (CA/Browser Forum)"), NULL },
  { "2.23.140.1.5.1.1", OID_POLICY, NULL, N_("S/MIME Mailbox Validated (CA/Browser Forum)"), NULL },
  { "2.23.140.1.5.2.1", OID_POLICY, NULL, N_("S/MIME Organization Validated (CA/Browser Forum)"), NULL },
  { "2.23.140.1.5.3.1", OID_POLICY, NULL, N_("S/MIME Sponsor Validated (CA/Browser Forum)"), NULL },
  { "2.23.140.1.5.4.1", OID_POLICY, NULL, N_("S/MIME Individual Validated (CA/Browser Forum)"), NULL },

  /* Certificate extensions. */
  { "2.5.29.9", OID_EXTENSION, NULL, N_("Subject Directory Attributes"), NULL },
  { CK_OID_EXT_SUBJECT_KEY_ID, OID_EXTENSION, NULL, N_("Subject Key Identifier"), NULL },
  { CK_OID_EXT_KEY_USAGE, OID_EXTENSION, NULL, N_("Key Usage"), NULL },
  { "2.5.29.16", OID_EXTENSION, NULL, N_("Private Key Usage Period"), NULL },
  { CK_OID_EXT_SUBJECT_ALT_NAME, OID_EXTENSION, NULL, N_("Subject Alternative Name"), NULL },
  { CK_OID_EXT_ISSUER_ALT_NAME, OID_EXTENSION, NULL, N_("Issuer Alternative Name"), NULL },
  { CK_OID_EXT_BASIC_CONSTRAINTS, OID_EXTENSION, NULL, N_("Basic Constraints"), NULL },
  { CK_OID_EXT_NAME_CONSTRAINTS, OID_EXTENSION, NULL, N_("Name Constraints"), NULL },
  { CK_OID_EXT_CRL_DIST_POINTS, OID_EXTENSION, NULL, N_("CRL Distribution Points"), NULL },
  { CK_OID_EXT_CERT_POLICIES, OID_EXTENSION, NULL, N_("Certificate Policies"), NULL },
  { "2.5.29.33", OID_EXTENSION, NULL, N_("Policy Mappings"), NULL },
  { CK_OID_EXT_AUTHORITY_KEY_ID, OID_EXTENSION, NULL, N_("Authority Key Identifier"), NULL },
  { "2.5.29.36", OID_EXTENSION, NULL, N_("Policy Constraints"), NULL },
  { CK_OID_EXT_EXT_KEY_USAGE, OID_EXTENSION, NULL, N_("Extended Key Usage"), NULL },
  { "2.5.29.46", OID_EXTENSION, NULL, N_("Freshest CRL"), NULL },
  { "2.5.29.54", OID_EXTENSION, NULL, N_("Inhibit Any Policy"), NULL },
  { CK_OID_EXT_AUTHORITY_INFO, OID_EXTENSION, NULL, N_("Authority Information Access"), NULL },
  { "1.3.6.1.5.5.7.1.3", OID_EXTENSION, NULL, N_("Qualified Certificate Statements"), NULL },
  { "1.3.6.1.5.5.7.1.11", OID_EXTENSION, NULL, N_("Subject Information Access"), NULL },
  { CK_OID_EXT_TLS_FEATURE, OID_EXTENSION, NULL, N_("TLS Feature"), NULL },
  { "1.3.6.1.5.5.7.48.1.5", OID_EXTENSION, NULL, N_("OCSP No Check"), NULL },
  { "1.3.6.1.4.1.11129.2.4.2", OID_EXTENSION, NULL, N_("Certificate Transparency SCTs"), NULL },
  { "1.3.6.1.4.1.11129.2.4.3", OID_EXTENSION, NULL, N_("Certificate Transparency Poison"), NULL },
  { "2.16.840.1.113730.1.1", OID_EXTENSION, NULL, N_("Netscape Certificate Type"), NULL },
  { "2.16.840.1.113730.1.13", OID_EXTENSION, NULL, N_("Netscape Comment"), NULL },
  { "1.3.6.1.4.1.311.20.2", OID_EXTENSION, NULL, N_("Microsoft Certificate Template Name"), NULL },
  { "1.3.6.1.4.1.311.21.1", OID_EXTENSION, NULL, N_("Microsoft CA Version"), NULL },
  { "1.3.6.1.4.1.311.21.7", OID_EXTENSION, NULL, N_("Microsoft Certificate Template"), NULL },
  { "1.3.6.1.4.1.311.21.10", OID_EXTENSION, NULL, N_("Microsoft Application Policies"), NULL },
};

static const OidEntry *
lookup (const char *oid)
{
  if (oid == NULL)
    return NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (oid_table); i++)
    if (strcmp (oid_table[i].oid, oid) == 0)
      return &oid_table[i];
  return NULL;
}

const char *
ck_oid_get_short_name (const char *oid)
{
  const OidEntry *entry = lookup (oid);

  if (entry == NULL || entry->kind != OID_DN)
    return NULL;
  return entry->short_name;
}

const char *
ck_oid_get_display_name (const char *oid)
{
  const OidEntry *entry = lookup (oid);

  if (entry == NULL)
    return NULL;
  return _(entry->display_name);
}

static gboolean
alias_matches (const char *aliases,
               const char *name)
{
  gsize len = strlen (name);

  for (const char *p = aliases; p != NULL && *p != '\0';)
    {
      const char *end = strchr (p, '|');
      gsize n = end != NULL ? (gsize) (end - p) : strlen (p);

      if (n == len && g_ascii_strncasecmp (p, name, n) == 0)
        return TRUE;
      p = end != NULL ? end + 1 : NULL;
    }
  return FALSE;
}

const char *
ck_oid_from_short_name (const char *name)
{
  if (name == NULL || *name == '\0')
    return NULL;

  /* Canonical names first, so an alias can never shadow one. */
  for (gsize i = 0; i < G_N_ELEMENTS (oid_table); i++)
    if (oid_table[i].kind == OID_DN &&
        g_ascii_strcasecmp (oid_table[i].short_name, name) == 0)
      return oid_table[i].oid;

  for (gsize i = 0; i < G_N_ELEMENTS (oid_table); i++)
    if (oid_table[i].kind == OID_DN && alias_matches (oid_table[i].aliases, name))
      return oid_table[i].oid;

  return NULL;
}

const char *
ck_oid_get_pk_algorithm_name (const char *oid)
{
  /* What GnuTLS 3.7 does not know: post-quantum signatures (FIPS 204 and
   * 205, RFC 9881 and 9909), ML-KEM (FIPS 203) and GOST R 34.10, for a
   * GnuTLS built without GOST. */
  static const struct { const char *oid; const char *name; } names[] = {
    { "2.16.840.1.101.3.4.3.17", "ML-DSA-44" },
    { "2.16.840.1.101.3.4.3.18", "ML-DSA-65" },
    { "2.16.840.1.101.3.4.3.19", "ML-DSA-87" },
    { "2.16.840.1.101.3.4.3.20", "SLH-DSA-SHA2-128s" },
    { "2.16.840.1.101.3.4.3.21", "SLH-DSA-SHA2-128f" },
    { "2.16.840.1.101.3.4.3.22", "SLH-DSA-SHA2-192s" },
    { "2.16.840.1.101.3.4.3.23", "SLH-DSA-SHA2-192f" },
    { "2.16.840.1.101.3.4.3.24", "SLH-DSA-SHA2-256s" },
    { "2.16.840.1.101.3.4.3.25", "SLH-DSA-SHA2-256f" },
    { "2.16.840.1.101.3.4.3.26", "SLH-DSA-SHAKE-128s" },
    { "2.16.840.1.101.3.4.3.27", "SLH-DSA-SHAKE-128f" },
    { "2.16.840.1.101.3.4.3.28", "SLH-DSA-SHAKE-192s" },
    { "2.16.840.1.101.3.4.3.29", "SLH-DSA-SHAKE-192f" },
    { "2.16.840.1.101.3.4.3.30", "SLH-DSA-SHAKE-256s" },
    { "2.16.840.1.101.3.4.3.31", "SLH-DSA-SHAKE-256f" },
    { "2.16.840.1.101.3.4.4.1", "ML-KEM-512" },
    { "2.16.840.1.101.3.4.4.2", "ML-KEM-768" },
    { "2.16.840.1.101.3.4.4.3", "ML-KEM-1024" },
    { "1.2.643.2.2.19", "GOST R 34.10-2001" },
    { "1.2.643.7.1.1.1.1", "GOST R 34.10-2012 (256-bit)" },
    { "1.2.643.7.1.1.1.2", "GOST R 34.10-2012 (512-bit)" },
  };
  gnutls_pk_algorithm_t algo;

  g_return_val_if_fail (oid != NULL, NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (names); i++)
    if (g_str_equal (names[i].oid, oid))
      return names[i].name;
  algo = gnutls_oid_to_pk (oid);
  if (algo != GNUTLS_PK_UNKNOWN && gnutls_pk_get_name (algo) != NULL)
    return gnutls_pk_get_name (algo);
  return oid;
}

gboolean
ck_oid_is_valid (const char *oid)
{
  const char *p = oid;
  guint n_arcs = 0;

  if (oid == NULL)
    return FALSE;

  /* X.660: at least two arcs, the first 0..2, the second below 40 unless
   * the first is 2, no empty arcs and no leading zeros. */
  while (TRUE)
    {
      const char *start = p;
      guint64 value = 0;

      while (g_ascii_isdigit (*p))
        {
          if (value > (G_MAXUINT64 - 9) / 10)
            return FALSE;
          value = value * 10 + (guint64) (*p - '0');
          p++;
        }
      if (p == start || (p - start > 1 && *start == '0'))
        return FALSE;

      if (n_arcs == 0 && value > 2)
        return FALSE;
      if (n_arcs == 1 && oid[0] != '2' && value >= 40)
        return FALSE;
      n_arcs++;

      if (*p == '\0')
        break;
      if (*p != '.')
        return FALSE;
      p++;
    }

  return n_arcs >= 2;
}
