/* SPDX-License-Identifier: GPL-3.0-or-later */
/* certtool templates: every template of the certtool corpus, and our own
 * for the keys the corpus lacks, turned into a request by Certkeeper and by
 * `certtool --generate-request` with the same RSA key. PKCS#1 v1.5
 * signatures are deterministic, so the two DERs must be identical. */
#include <glib/gstdio.h>
#include <string.h>

#include "ck-test-tools.h"

static char *tmpdir;
static char *key_path;
static CkPrivateKey *key;

/* Templates of our own, for keys no corpus template uses. */
static const struct {
  const char *name;
  const char *text;
} own_templates[] = {
  { "challenge-password",
    "cn = \"Challenge\"\norganization = \"Certkeeper tests\"\n"
    "challenge_password = \"A1 challenge\"\ntls_www_client\n" },
  { "key-purpose-oid",
    "cn = kp.example\ndns_name = kp.example\nsigning_key\nencryption_key\n"
    "tls_www_server\nkey_purpose_oid = 1.3.6.1.5.5.7.3.36\n"
    "key_purpose_oid = 2.5.29.37.0\nkey_purpose_oid = 1.2.3.4.5\n" },
  { "path-len",
    "cn = \"Sub CA\"\norganization = \"Example\"\ncountry = CH\nca\npath_len = 2\n"
    "cert_signing_key\ncrl_signing_key\nsigning_key\n" },
  { "other-name",
    "cn = on.example\nother_name = \"1.3.6.1.5.2.2 302ca00d1b0b56414e5245494e2e4f5247a11b3019a006020400000002a10f300d1b047269636b1b0561646d696e\"\n"
    "other_name_utf8 = \"1.3.6.1.4.1.311.20.2.3 user@example.org\"\n"
    "other_name_octet = \"1.2.4.5.6 octets\"\nxmpp_name = chat@example.org\n"
    "krb5_principal = user@REALM.EXAMPLE\nuri = https://example.org/x\n"
    "ip_address = 2001:db8::7\nemail = someone@example.org\n" },
  { "tls-feature",
    "cn = staple.example\ndns_name = staple.example\ntls_www_server\n"
    "tls_feature = 5\ntls_feature = 17\n" },
  { "add-extension",
    "cn = ext.example\nadd_critical_extension = \"1.2.3.4.6 octet_string(00ff)\"\n"
    "add_extension = \"1.2.3.4.5 0x0403010203\"\n" },
  { "subject-keys",
    "dn = \"CN=from dn,O=Dn Org\"\ncn = extra\nou = unit one\nunit = unit a\nunit = unit b\n"
    "o = ignored because organization is set\norganization = org 1\norganization = org 2\n"
    "locality = Zurich\nstate = ZH\ncountry = CH\ndc = example\ndc = org\nuid = jdoe\n"
    "dn_oid = 2.5.4.12 Dr.\ndn_oid = 2.5.4.4 Doe\ndn_oid = 2.5.4.42 John\n"
    "pkcs9_email = ignored@example.org\nserial = 7\nexpiration_days = 10\n"
    "code_signing_key\ntime_stamping_key\nemail_protection_key\nipsec_ike_key\nocsp_signing_key\n"
    "title = \"not a certtool key\"\n" },
};

static char *
write_temp (const char *name,
            const char *text)
{
  char *path = g_build_filename (tmpdir, name, NULL);

  g_assert_true (g_file_set_contents (path, text, -1, NULL));
  return path;
}

/* certtool's request for @template as DER, NULL when certtool refuses. */
static GBytes *
certtool_request (const char *template)
{
  const char *certtool = g_getenv ("CK_CERTTOOL");
  g_autofree char *out = g_build_filename (tmpdir, "certtool.csr", NULL);
  const char *argv[] = { certtool, "--generate-request", "--load-privkey", key_path,
                         "--template", template, "--outder", "--outfile", out, NULL };
  g_autofree char *stdout_text = NULL;
  g_autofree char *der = NULL;
  gsize len = 0;
  int status = 0;

  g_unlink (out);
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, &stdout_text, NULL, &status, NULL))
    return NULL;
  if (!g_spawn_check_wait_status (status, NULL))
    return NULL;
  g_assert_true (g_file_get_contents (out, &der, &len, NULL));
  return g_bytes_new (der, len);
}

static char *
crq_info (GBytes *der)
{
  const char *certtool = g_getenv ("CK_CERTTOOL");
  g_autofree char *path = g_build_filename (tmpdir, "info.der", NULL);
  const char *argv[] = { certtool, "--crq-info", "--inder", "--infile", path, NULL };
  g_autoptr(GString) filtered = g_string_new (NULL);
  g_autofree char *info = NULL;
  g_auto(GStrv) lines = NULL;

  g_assert_true (g_file_set_contents (path, g_bytes_get_data (der, NULL), g_bytes_get_size (der), NULL));
  info = ck_test_run_tool (argv);
  g_assert_nonnull (info);
  lines = g_strsplit (info, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], "Algorithm Security Level") == NULL)
      g_string_append_printf (filtered, "%s\n", lines[i]);
  return g_string_free (g_steal_pointer (&filtered), FALSE);
}

static GBytes *
our_request (const char *template,
             GError    **error)
{
  g_autoptr(GPtrArray) warnings = NULL;
  g_autoptr(CkRequestBuilder) builder =
    ck_template_load_file (template, ck_private_key_get_algorithm_id (key), &warnings, error);
  g_autoptr(CkRequest) request = NULL;

  if (builder == NULL)
    return NULL;
  for (guint i = 0; i < warnings->len; i++)
    g_test_message ("%s", (char *) warnings->pdata[i]);
  request = ck_request_builder_build (builder, key, CK_BUILD_IGNORE_FINDINGS, error);
  if (request == NULL)
    return NULL;
  return g_bytes_ref (ck_request_get_der (request));
}

/* Our request and certtool's for @template; TRUE when both refuse. */
static guint refused_by_both;

static void
compare_with_certtool (const char *template,
                       guint      *identical)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) ours = our_request (template, &error);
  g_autoptr(GBytes) theirs = certtool_request (template);

  if (theirs == NULL)
    {
      g_assert_null (ours);
      g_test_message ("%s: refused by both (%s)", template, error->message);
      refused_by_both++;
      (*identical)++;
      return;
    }
  g_assert_no_error (error);
  g_assert_nonnull (ours);
  if (!g_bytes_equal (ours, theirs))
    {
      g_autofree char *a = crq_info (ours);
      g_autofree char *b = crq_info (theirs);

      g_test_message ("%s: DER differs", template);
      g_assert_cmpstr (a, ==, b);
    }
  else
    (*identical)++;

  /* And certtool and openssl accept what we made. */
  {
    g_autofree char *info = crq_info (ours);
    g_autofree char *der_path = g_build_filename (tmpdir, "info.der", NULL);
    const char *openssl = g_getenv ("CK_OPENSSL");

    g_assert_nonnull (strstr (info, "Self signature: verified"));
    if (openssl != NULL)
      {
        const char *argv[] = { openssl, "req", "-verify", "-noout", "-inform", "DER",
                               "-in", der_path, NULL };
        g_autofree char *out = ck_test_run_tool (argv);

        g_assert_nonnull (out);
      }
  }
}

static void
test_corpus_templates (void)
{
  g_autofree char *dir = ck_test_corpus_path ("templates");
  g_autoptr(GDir) d = NULL;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  guint identical = 0;
  const char *name;

  if (g_getenv ("CK_CERTTOOL") == NULL)
    {
      g_test_skip ("certtool is not installed");
      return;
    }
  d = g_dir_open (dir, 0, NULL);
  g_assert_nonnull (d);
  while ((name = g_dir_read_name (d)) != NULL)
    if (g_str_has_suffix (name, ".tmpl"))
      g_ptr_array_add (names, g_strdup (name));
  g_ptr_array_sort (names, (GCompareFunc) g_strcmp0);
  g_assert_cmpuint (names->len, >=, 20);

  for (guint i = 0; i < names->len; i++)
    {
      g_autofree char *path = g_build_filename (dir, names->pdata[i], NULL);

      compare_with_certtool (path, &identical);
    }
  g_test_message ("corpus templates: %u; identical DER: %u; refused by both: %u",
                  names->len, identical - refused_by_both, refused_by_both);
  g_assert_cmpuint (identical, ==, names->len);
}

static void
test_dn_error (void)
{
  g_autofree char *path = ck_test_corpus_path ("templates/template-dn-err.tmpl");
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) ours = our_request (path, &error);

  g_assert_null (ours);
  g_assert_error (error, CK_ERROR, CK_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "template-dn-err.tmpl"));
  if (g_getenv ("CK_CERTTOOL") != NULL)
    g_assert_null (certtool_request (path));
}

static void
test_own_templates (void)
{
  guint identical = 0;

  if (g_getenv ("CK_CERTTOOL") == NULL)
    {
      g_test_skip ("certtool is not installed");
      return;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (own_templates); i++)
    {
      g_autofree char *file = g_strdup_printf ("%s.tmpl", own_templates[i].name);
      g_autofree char *path = write_temp (file, own_templates[i].text);

      compare_with_certtool (path, &identical);
    }
  g_test_message ("own templates: %zu, identical to certtool: %u",
                  G_N_ELEMENTS (own_templates), identical);
  g_assert_cmpuint (identical, ==, G_N_ELEMENTS (own_templates));
}

/* What certtool does with keys it does not know, and the warnings. */
static void
test_unknown_keys (void)
{
  const char *text = "cn = a\ntitle = Dr\nsurname = Doe\n";
  g_autoptr(GPtrArray) warnings = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CkRequestBuilder) builder =
    ck_template_parse (text, -1, "t.tmpl", GNUTLS_PK_RSA, &warnings, &error);

  g_assert_no_error (error);
  g_assert_cmpuint (ck_request_builder_get_subject (builder)->len, ==, 1);
  g_assert_cmpuint (warnings->len, ==, 2);
  g_assert_nonnull (strstr (warnings->pdata[0], "title"));
  g_assert_nonnull (strstr (warnings->pdata[1], "line 3"));
}

/* A template written from a parsed one makes the same request again with
 * certtool: the writer says everything the reader understood. */
static void
test_write_back (void)
{
  g_autofree char *dir = ck_test_corpus_path ("templates");
  const char *corpus[] = { "template-test.tmpl", "template-dn.tmpl", "template-othername.tmpl",
                           "template-tlsfeature.tmpl", "arb-extensions.tmpl",
                           "template-encryption-only.tmpl", "inhibit-anypolicy.tmpl" };
  guint same = 0;

  if (g_getenv ("CK_CERTTOOL") == NULL)
    {
      g_test_skip ("certtool is not installed");
      return;
    }
  for (gsize i = 0; i < G_N_ELEMENTS (corpus) + G_N_ELEMENTS (own_templates); i++)
    {
      g_autofree char *path = NULL;
      g_autofree char *out_path = NULL;
      g_autofree char *written = NULL;
      g_autoptr(GPtrArray) warnings = NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(CkRequestBuilder) builder = NULL;
      g_autoptr(CkRequest) request = NULL;
      g_autoptr(GBytes) theirs = NULL;

      if (i < G_N_ELEMENTS (corpus))
        path = g_build_filename (dir, corpus[i], NULL);
      else
        {
          gsize j = i - G_N_ELEMENTS (corpus);
          g_autofree char *file = g_strdup_printf ("%s.tmpl", own_templates[j].name);

          path = write_temp (file, own_templates[j].text);
        }
      builder = ck_template_load_file (path, GNUTLS_PK_RSA, NULL, &error);
      g_assert_no_error (error);
      /* The writer leaves challenge passwords out on purpose. */
      ck_request_builder_set_challenge_password (builder, NULL);
      request = ck_request_builder_build (builder, key, CK_BUILD_IGNORE_FINDINGS, &error);
      g_assert_no_error (error);

      written = ck_template_from_builder (builder, &warnings);
      for (guint w = 0; w < warnings->len; w++)
        g_test_message ("%s: %s", path, (char *) warnings->pdata[w]);
      out_path = write_temp ("written.tmpl", written);
      theirs = certtool_request (out_path);
      g_assert_nonnull (theirs);
      if (g_bytes_equal (theirs, ck_request_get_der (request)))
        same++;
      else
        {
          g_autofree char *a = crq_info (ck_request_get_der (request));
          g_autofree char *b = crq_info (theirs);

          g_test_message ("%s, written back:\n%s", path, written);
          g_assert_cmpstr (a, ==, b);
        }
    }
  g_test_message ("templates written back: %u, identical with certtool: %u",
                  (guint) (G_N_ELEMENTS (corpus) + G_N_ELEMENTS (own_templates)), same);
}

/* Values with commas, quotes, "#" and non-ASCII survive the trip through
 * a template to certtool, and so do attributes GnuTLS does not know. */
static void
test_write_escapes (void)
{
  g_autoptr(CkRequestBuilder) builder = ck_request_builder_new ();
  g_autoptr(CkRequest) request = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) theirs = NULL;
  g_autofree char *written = NULL;
  g_autofree char *path = NULL;

  if (g_getenv ("CK_CERTTOOL") == NULL)
    {
      g_test_skip ("certtool is not installed");
      return;
    }
  g_assert_true (ck_request_builder_add_subject_string (
    builder, "CN=Doe\\, John \"JJ\", O=A+B <x>; y, OU=#hash, OU=a=b, L=Zürich, C=CH", &error));
  g_assert_no_error (error);
  ck_request_builder_add_attribute (builder, CK_OID_ORGANIZATION_IDENTIFIER, "CHE-464.234.583 MWST");
  ck_request_builder_add_attribute (builder, CK_OID_ORGANIZATION_IDENTIFIER, "VAT ü");
  g_assert_true (ck_request_builder_add_san_string (builder, "DNS:x.example", NULL));
  ck_request_builder_set_basic_constraints (builder, TRUE, FALSE, -1, TRUE);
  ck_request_builder_set_key_usage (builder, GNUTLS_KEY_DIGITAL_SIGNATURE, TRUE);
  request = ck_request_builder_build (builder, key, CK_BUILD_IGNORE_FINDINGS, &error);
  g_assert_no_error (error);

  written = ck_template_from_builder (builder, NULL);
  path = write_temp ("escapes.tmpl", written);
  theirs = certtool_request (path);
  g_assert_nonnull (theirs);
  if (!g_bytes_equal (theirs, ck_request_get_der (request)))
    {
      g_autofree char *a = crq_info (ck_request_get_der (request));
      g_autofree char *b = crq_info (theirs);

      g_test_message ("%s", written);
      g_assert_cmpstr (a, ==, b);
    }
}

/* Found by fuzz-template: an attribute GnuTLS does not know whose text
 * starts with "#" ("dn_oid = 2.5 # …") was written back as if it were
 * "#" + DER hex, and the template written could not be read again. */
static void
test_write_hash_text (void)
{
  static const char text[] = "dn_oid = 2.5 # not hex\n"
                             "cn = \"Nik\"\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(CkRequestBuilder) builder = NULL;
  g_autoptr(CkRequestBuilder) again = NULL;
  g_autoptr(CkRequest) first = NULL;
  g_autoptr(CkRequest) second = NULL;
  g_autofree char *written = NULL;

  builder = ck_template_parse (text, -1, "hash.tmpl", GNUTLS_PK_RSA, NULL, &error);
  g_assert_no_error (error);
  written = ck_template_from_builder (builder, NULL);
  again = ck_template_parse (written, -1, "written.tmpl", GNUTLS_PK_RSA, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (again);
  /* The same subject: the text stays text. */
  first = ck_request_builder_build (builder, key, CK_BUILD_IGNORE_FINDINGS, &error);
  g_assert_no_error (error);
  second = ck_request_builder_build (again, key, CK_BUILD_IGNORE_FINDINGS, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ck_request_get_subject (first), ==, ck_request_get_subject (second));
}

/* More finds of fuzz-template: a NUL byte cut a value short without a
 * word, an extension value of "0x" alone read as no bytes, and a value of
 * control characters was written back where GnuTLS's DN parser trims it
 * away. The first two are refused; the third reads back the same. */
static void
test_odd_values (void)
{
  static const char with_nul[] = "organization = \"A\0B\"\ncn = \"x\"\n";
  static const char empty_ext[] = "cn = \"x\"\nadd_extension = \"1.6.7.8 0x\"\n";
  static const char control[] = "organization = \"\\vx\"\ncn = \"x\"\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(CkRequestBuilder) builder = NULL;
  g_autoptr(CkRequestBuilder) again = NULL;
  g_autoptr(CkRequest) first = NULL;
  g_autoptr(CkRequest) second = NULL;
  g_autofree char *written = NULL;

  builder = ck_template_parse (with_nul, sizeof with_nul - 1, "nul.tmpl", GNUTLS_PK_RSA, NULL, &error);
  g_assert_null (builder);
  g_assert_error (error, CK_ERROR, CK_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "NUL"));
  g_clear_error (&error);

  builder = ck_template_parse (empty_ext, -1, "ext.tmpl", GNUTLS_PK_RSA, NULL, &error);
  g_assert_null (builder);
  g_assert_error (error, CK_ERROR, CK_ERROR_PARSE);
  g_assert_nonnull (strstr (error->message, "has no value"));
  g_clear_error (&error);

  builder = ck_template_parse (control, -1, "control.tmpl", GNUTLS_PK_RSA, NULL, &error);
  g_assert_no_error (error);
  written = ck_template_from_builder (builder, NULL);
  again = ck_template_parse (written, -1, "written.tmpl", GNUTLS_PK_RSA, NULL, &error);
  g_assert_no_error (error);
  first = ck_request_builder_build (builder, key, CK_BUILD_IGNORE_FINDINGS, &error);
  g_assert_no_error (error);
  second = ck_request_builder_build (again, key, CK_BUILD_IGNORE_FINDINGS, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (ck_request_get_der (first), ck_request_get_der (second)));
}

int
main (int    argc,
      char **argv)
{
  g_autoptr(GError) error = NULL;
  int ret;

  g_test_init (&argc, &argv, NULL);
  ck_core_init ();

  tmpdir = g_dir_make_tmp ("ck-template-XXXXXX", NULL);
  key_path = ck_test_corpus_path ("data/template-test.key");
  key = ck_test_load_key_file (key_path, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ck_private_key_get_algorithm (key), ==, "RSA");

  g_test_add_func ("/template/corpus", test_corpus_templates);
  g_test_add_func ("/template/dn-error", test_dn_error);
  g_test_add_func ("/template/own", test_own_templates);
  g_test_add_func ("/template/unknown-keys", test_unknown_keys);
  g_test_add_func ("/template/write-back", test_write_back);
  g_test_add_func ("/template/write-escapes", test_write_escapes);
  g_test_add_func ("/template/write-hash-text", test_write_hash_text);
  g_test_add_func ("/template/odd-values", test_odd_values);

  ret = g_test_run ();

  g_clear_object (&key);
  g_free (key_path);
  ck_test_remove_tree (tmpdir);
  g_free (tmpdir);
  return ret;
}
