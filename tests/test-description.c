/* SPDX-License-Identifier: GPL-3.0-or-later */
/* CkDescription: the sections and fields of tests/data/extensions/
 * all-extensions.pem and .csr (one of every extension the model decodes),
 * damaged and unknown extensions, and sections added by hand. */
#include <string.h>

#include "ck-test-tools.h"

static char *
data_path (const char *name)
{
  return g_build_filename (g_getenv ("CK_TEST_DATA"), "extensions", name, NULL);
}

static CkCertificate *
load_fixture (void)
{
  g_autofree char *path = data_path ("all-extensions.pem");
  gsize len = 0;
  g_autofree char *pem = ck_test_read_text (path, &len);
  g_autoptr(GError) error = NULL;
  CkCertificate *cert = ck_certificate_new_from_pem (pem, len, &error);

  g_assert_no_error (error);
  return cert;
}

static CkDescriptionSection *
section (CkDescription *description,
         const char    *key)
{
  CkDescriptionSection *found = ck_description_lookup_section (description, key);

  if (found == NULL)
    g_error ("no section %s", key);
  return found;
}

/* Every value of the fields with @key in @section, one per line. */
static char *
values_of (CkDescriptionSection *s,
           const char           *key)
{
  g_autoptr(GString) out = g_string_new (NULL);

  for (guint i = 0; i < s->fields->len; i++)
    {
      CkDescriptionField *field = g_ptr_array_index (s->fields, i);

      if (!g_str_equal (field->key, key))
        continue;
      for (guint v = 0; field->values[v] != NULL; v++)
        g_string_append_printf (out, "%s%s", out->len > 0 ? "\n" : "", field->values[v]);
    }
  return g_string_free (g_steal_pointer (&out), FALSE);
}

#define assert_values(s, key, expected) \
  G_STMT_START { \
    g_autofree char *got_ = values_of ((s), (key)); \
    g_assert_cmpstr (got_, ==, (expected)); \
  } G_STMT_END

static void
test_certificate_sections (void)
{
  g_autoptr(CkCertificate) cert = load_fixture ();
  g_autoptr(CkDescription) description = ck_description_new_for_certificate (cert);
  GPtrArray *extensions = ck_certificate_get_extensions (cert);
  CkDescriptionSection *s;
  guint ext_index = 0;

  /* The fixed sections first, then one per extension in certificate order. */
  g_assert_cmpstr (ck_description_get_section (description, 0)->key, ==, "subject");
  g_assert_cmpstr (ck_description_get_section (description, 1)->key, ==, "issuer");
  g_assert_cmpstr (ck_description_get_section (description, 2)->key, ==, "validity");
  g_assert_cmpstr (ck_description_get_section (description, 3)->key, ==, "public_key");
  g_assert_cmpstr (ck_description_get_section (description, 4)->key, ==, "fingerprints");
  for (guint i = 0; i < ck_description_get_n_sections (description); i++)
    {
      CkDescriptionSection *each = ck_description_get_section (description, i);
      const CkExtension *ext;

      g_assert_cmpuint (each->fields->len, >, 0);
      if (each->oid == NULL)
        continue;
      ext = g_ptr_array_index (extensions, ext_index++);
      g_assert_cmpstr (each->oid, ==, ext->oid);
      g_assert_cmpint (each->critical, ==, ext->critical);
      /* Only the extension nobody knows is left as hex. */
      g_assert_cmpint (each->decoded, ==, !g_str_equal (ext->oid, "1.3.6.1.4.1.55555.99"));
    }
  g_assert_cmpuint (ext_index, ==, extensions->len);

  s = section (description, "subject");
  assert_values (s, "CN", "All Extensions CA");
  assert_values (s, "C", "DE");
  s = section (description, "validity");
  g_assert_cmpint (ck_description_section_lookup (s, "not_after")->time, ==,
                   ck_certificate_get_not_after (cert));
  g_assert_cmpint (ck_description_section_lookup (s, "not_after")->type, ==, CK_DESCRIPTION_DATE);
  s = section (description, "fingerprints");
  assert_values (s, "sha256", ck_certificate_get_sha256_fingerprint (cert));
  assert_values (s, "serial", "1234567890abcdef");

  s = section (description, "basic_constraints");
  g_assert_true (s->critical);
  assert_values (s, "ca", "true");
  assert_values (s, "path_len", "2");
  assert_values (section (description, "key_usage"), "usage",
                 "digitalSignature\nkeyCertSign\ncRLSign");
  s = section (description, "extended_key_usage");
  assert_values (s, "purpose",
                 "1.3.6.1.5.5.7.3.1\n1.3.6.1.5.5.7.3.2\n1.3.6.1.4.1.311.20.2.2\n1.2.3.4.5.6");
  {
    CkDescriptionField *purpose = ck_description_section_lookup (s, "purpose");
    g_autofree char *shown = ck_description_field_to_display (purpose);

    g_assert_cmpint (purpose->type, ==, CK_DESCRIPTION_OID);
    g_assert_cmpstr (shown, ==,
                     "TLS Server Authentication (1.3.6.1.5.5.7.3.1)\n"
                     "TLS Client Authentication (1.3.6.1.5.5.7.3.2)\n"
                     "Smart Card Logon (1.3.6.1.4.1.311.20.2.2)\n"
                     "1.2.3.4.5.6");
  }

  s = section (description, "subject_alt_name");
  assert_values (s, "dns", "www.example.com\nexample.com");
  assert_values (s, "ip", "192.0.2.1\n2001:db8::1");
  assert_values (s, "email", "admin@example.com");
  assert_values (s, "uri", "https://www.example.com/");
  g_assert_cmpint (ck_description_section_lookup (s, "uri")->type, ==, CK_DESCRIPTION_URI);
  assert_values (s, "dn", "CN=Directory Name,O=Certkeeper Test");
  assert_values (s, "rid", "1.2.3.4");
  assert_values (s, "upn", "user@example.com");
  assert_values (s, "other_name", "1.3.6.1.4.1.55555.7:0c09736f6d657468696e67");
  s = section (description, "issuer_alt_name");
  assert_values (s, "uri", "http://ca.example.com/");
  assert_values (s, "email", "ca@example.com");

  assert_values (section (description, "subject_key_id"), "key_id",
                 ck_certificate_get_subject_key_id (cert));
  s = section (description, "authority_key_id");
  assert_values (s, "key_id", ck_certificate_get_authority_key_id (cert));
  assert_values (s, "issuer", "DN:CN=All Extensions CA,O=Certkeeper Test,C=DE");
  assert_values (s, "serial", "1234567890abcdef");

  s = section (description, "authority_info_access");
  assert_values (s, "ocsp", "http://ocsp.example.com/");
  assert_values (s, "ca_issuers", "http://ca.example.com/ca.crt");
  assert_values (section (description, "crl_distribution_points"), "uri",
                 "http://crl.example.com/ca.crl\nhttp://crl2.example.com/ca.crl");
  assert_values (section (description, "freshest_crl"), "uri",
                 "http://crl.example.com/delta.crl");

  s = section (description, "certificate_policies");
  assert_values (s, "policy", "1.3.6.1.4.1.55555.1.1\n2.23.140.1.2.1\n2.5.29.32.0");
  assert_values (s, "cps", "https://cps.example.com/cps");
  assert_values (s, "user_notice", "Test certificate: no reliance");
  assert_values (s, "notice_organization", "Certkeeper Test CA");
  assert_values (s, "notice_numbers", "1\n2");
  /* In order: each policy's qualifiers follow it. */
  g_assert_cmpstr (((CkDescriptionField *) s->fields->pdata[1])->key, ==, "cps");
  {
    g_autofree char *any = ck_description_field_to_display (s->fields->pdata[s->fields->len - 1]);

    g_assert_cmpstr (any, ==, "Any Policy (2.5.29.32.0)");
  }

  s = section (description, "policy_mappings");
  assert_values (s, "issuer_domain_policy", "2.23.140.1.2.1");
  assert_values (s, "subject_domain_policy", "1.3.6.1.4.1.55555.1.2");
  s = section (description, "name_constraints");
  g_assert_true (s->critical);
  assert_values (s, "permitted", "DNS:.example.com\nIP:192.0.2.0/24");
  assert_values (s, "excluded", "DNS:bad.example.com\nemail:.example.net");
  s = section (description, "policy_constraints");
  assert_values (s, "require_explicit_policy", "0");
  assert_values (s, "inhibit_policy_mapping", "1");
  assert_values (section (description, "inhibit_any_policy"), "skip_certs", "2");

  s = section (description, "sct_list");
  assert_values (s, "count", "2");
  assert_values (s, "log_id",
                 "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n"
                 "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb");
  assert_values (s, "timestamp", "2022-02-16T00:47:54Z\n2022-04-06T17:50:41Z");

  s = section (description, "tls_feature");
  assert_values (s, "feature", "5");
  {
    g_autofree char *shown = ck_description_field_to_display (ck_description_section_lookup (s, "feature"));

    g_assert_cmpstr (shown, ==, "OCSP must-staple (status_request)");
  }

  s = section (description, "subject_directory_attributes");
  assert_values (s, "dateOfBirth", "1970-01-01");
  assert_values (s, "placeOfBirth", "Berlin");
  assert_values (s, "countryOfCitizenship", "DE");
  assert_values (section (description, "ms_certificate_template_name"), "name", "WebServer");
  s = section (description, "ms_certificate_template");
  assert_values (s, "template_id", "1.3.6.1.4.1.311.21.8.1234.5678.1");
  assert_values (s, "major_version", "100");
  assert_values (s, "minor_version", "4");
  assert_values (section (description, "netscape_comment"), "comment",
                 "Certkeeper test fixture: every extension");

  s = section (description, "extension");
  g_assert_cmpstr (s->oid, ==, "1.3.6.1.4.1.55555.99");
  g_assert_false (s->decoded);
  assert_values (s, "value", "0c066f7061717565");
}

static void
test_request_sections (void)
{
  g_autofree char *path = data_path ("all-extensions.csr");
  gsize len = 0;
  g_autofree char *pem = ck_test_read_text (path, &len);
  g_autoptr(GError) error = NULL;
  g_autoptr(CkRequest) request = ck_request_new_from_pem (pem, len, &error);
  g_autoptr(CkCertificate) cert = load_fixture ();
  g_autoptr(CkDescription) from_request = NULL;
  g_autoptr(CkDescription) from_cert = NULL;
  guint c = 0;

  g_assert_no_error (error);
  from_request = ck_description_new_for_request (request);
  from_cert = ck_description_new_for_certificate (cert);
  g_assert_cmpstr (ck_description_get_section (from_request, 0)->key, ==, "subject");
  g_assert_cmpstr (ck_description_get_section (from_request, 1)->key, ==, "public_key");
  g_assert_cmpstr (ck_description_get_section (from_request, 2)->key, ==, "fingerprints");
  assert_values (section (from_request, "fingerprints"), "sha256",
                 ck_request_get_sha256_fingerprint (request));
  g_assert_null (ck_description_lookup_section (from_request, "attributes"));

  /* The requested extensions read as the certificate's (less the AKI). */
  for (guint r = 0; r < ck_description_get_n_sections (from_request); r++)
    {
      CkDescriptionSection *rs = ck_description_get_section (from_request, r);
      CkDescriptionSection *cs = NULL;

      if (rs->oid == NULL)
        continue;
      while (cs == NULL || cs->oid == NULL || g_str_equal (cs->key, "authority_key_id"))
        cs = ck_description_get_section (from_cert, c++);
      g_assert_cmpstr (rs->key, ==, cs->key);
      g_assert_cmpuint (rs->fields->len, ==, cs->fields->len);
      for (guint f = 0; f < rs->fields->len; f++)
        {
          CkDescriptionField *rf = rs->fields->pdata[f], *cf = cs->fields->pdata[f];

          g_assert_cmpstr (rf->key, ==, cf->key);
          g_assert_cmpstrv (rf->values, cf->values);
        }
    }
}

static void
test_damaged_and_unknown (void)
{
  g_autoptr(CkDescription) description = ck_description_new ();
  /* A truncated SEQUENCE, then BER (indefinite length) where DER is due. */
  static const guint8 truncated[] = { 0x30, 0x05, 0x30, 0x03, 0x06 };
  static const guint8 ber_comment[] = { 0x16, 0x80, 0x41, 0x00, 0x00 };
  static const guint8 opaque[] = { 0x04, 0x01, 0xff };
  const char *known[] = {
    CK_OID_EXT_AUTHORITY_INFO, CK_OID_EXT_CRL_DIST_POINTS, CK_OID_EXT_CERT_POLICIES,
    CK_OID_EXT_NAME_CONSTRAINTS, "2.5.29.36", "2.5.29.54", "2.5.29.9",
    "1.3.6.1.4.1.11129.2.4.2", CK_OID_EXT_TLS_FEATURE, "1.3.6.1.4.1.311.20.2",
    "1.3.6.1.4.1.311.21.7", "2.16.840.1.113730.1.13", CK_OID_EXT_BASIC_CONSTRAINTS,
    CK_OID_EXT_KEY_USAGE, CK_OID_EXT_EXT_KEY_USAGE, CK_OID_EXT_SUBJECT_ALT_NAME,
    CK_OID_EXT_AUTHORITY_KEY_ID, CK_OID_EXT_SUBJECT_KEY_ID, "2.5.29.33",
  };
  g_autoptr(GBytes) bad = g_bytes_new_static (truncated, sizeof truncated);
  g_autoptr(GBytes) ber = g_bytes_new_static (ber_comment, sizeof ber_comment);
  g_autoptr(GBytes) unknown = g_bytes_new_static (opaque, sizeof opaque);
  CkDescriptionSection *s;

  for (guint i = 0; i < G_N_ELEMENTS (known); i++)
    {
      s = ck_description_add_extension (description, known[i], TRUE, bad);
      g_assert_cmpstr (s->oid, ==, known[i]);
      g_assert_false (s->decoded);
      g_assert_true (s->critical);
      /* What was read is dropped; the reason and the bytes stay. */
      g_assert_cmpuint (s->fields->len, ==, 2);
      g_assert_cmpstr (((CkDescriptionField *) s->fields->pdata[0])->key, ==, "problem");
      assert_values (s, "value", "3005300306");
    }

  s = ck_description_add_extension (description, "2.16.840.1.113730.1.13", FALSE, ber);
  g_assert_false (s->decoded);

  s = ck_description_add_extension (description, "1.2.3.4.5", FALSE, unknown);
  g_assert_cmpstr (s->key, ==, "extension");
  g_assert_cmpstr (s->title, ==, "1.2.3.4.5");
  assert_values (s, "value", "0401ff");
  {
    g_autofree char *shown = ck_description_field_to_display (s->fields->pdata[0]);

    g_assert_cmpstr (shown, ==, "04:01:FF");
  }
}

/* What another part of Certkeeper (revocation, say) does to add its own
 * section: it shows up in order, typed, with no change to the renderers. */
static void
test_added_section (void)
{
  g_autoptr(CkCertificate) cert = load_fixture ();
  g_autoptr(CkDescription) description = ck_description_new_for_certificate (cert);
  guint n = ck_description_get_n_sections (description);
  CkDescriptionSection *s = ck_description_add_section (description, "revocation", "Revocation");
  CkDescriptionField *field;
  g_autofree char *shown = NULL;

  ck_description_section_add_text (s, "status", "Status", "good");
  field = ck_description_section_add_date (s, "checked_at", "Checked", 1700000000);
  ck_description_section_add_number (s, "crl_number", "CRL number", 42);
  ck_description_section_add_oid (s, "policy", "Policy", "2.5.29.32.0");
  g_assert_cmpuint (ck_description_get_n_sections (description), ==, n + 1);
  g_assert_true (ck_description_get_section (description, n) == s);
  g_assert_true (ck_description_lookup_section (description, "revocation") == s);
  g_assert_cmpstr (field->values[0], ==, "2023-11-14T22:13:20Z");
  g_assert_cmpint (field->time, ==, 1700000000);
  shown = ck_description_field_to_display (ck_description_section_lookup (s, "policy"));
  g_assert_cmpstr (shown, ==, "Any Policy (2.5.29.32.0)");
  assert_values (s, "crl_number", "42");
}

/* Every certificate of the certtool suite describes, every extension as a
 * section of its own, and only ones this model does not know stay hex. */
static void
test_corpus (void)
{
  g_autofree char *dir = ck_test_corpus_path ("data");
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  guint described = 0;

  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      gsize len = 0;
      g_autofree char *text = NULL;
      g_autoptr(CkCertificate) cert = NULL;
      g_autoptr(CkDescription) description = NULL;
      guint extension_sections = 0;

      if (!g_str_has_suffix (name, ".pem") && !g_str_has_suffix (name, ".crt"))
        continue;
      text = ck_test_read_text (path, &len);
      if (g_strstr_len (text, len, "BEGIN CERTIFICATE") == NULL)
        continue;
      cert = ck_certificate_new_from_pem (text, len, NULL);
      if (cert == NULL)
        continue;
      description = ck_description_new_for_certificate (cert);
      for (guint i = 0; i < ck_description_get_n_sections (description); i++)
        {
          CkDescriptionSection *s = ck_description_get_section (description, i);

          if (s->oid != NULL)
            extension_sections++;
          if (s->oid != NULL && !s->decoded && !g_str_equal (s->key, "extension"))
            g_test_message ("%s: %s (%s) does not decode", name, s->title, s->oid);
        }
      g_assert_cmpuint (extension_sections, ==, ck_certificate_get_extensions (cert)->len);
      described++;
    }
  g_assert_cmpuint (described, >, 50);
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, NULL);

  g_test_add_func ("/description/certificate", test_certificate_sections);
  g_test_add_func ("/description/request", test_request_sections);
  g_test_add_func ("/description/damaged-and-unknown", test_damaged_and_unknown);
  g_test_add_func ("/description/added-section", test_added_section);
  g_test_add_func ("/description/corpus", test_corpus);
  return g_test_run ();
}
