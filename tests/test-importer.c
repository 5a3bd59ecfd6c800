/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The importer: what it finds in PEM, DER, PKCS#12, PKCS#7 and encrypted
 * key files, how it pairs and de-duplicates, and how it fails on junk.
 * Inputs are made with certtool and openssl in a temporary directory;
 * passwords reach the tools through files, never the command line. */
#include <glib/gstdio.h>
#include <string.h>

#include "certkeeper-core.h"
#include "ck-pem.h"

static char *tmpdir;
static const char *certtool;
static const char *openssl;

/* ------------------------------------------------------------------ */
/* helpers                                                            */

static char *
tmp_path (const char *name)
{
  return g_build_filename (tmpdir, name, NULL);
}

static char *
data_path (const char *name)
{
  return g_build_filename (g_getenv ("CK_TEST_DATA"), "certtool", "data", name, NULL);
}

static void
write_file (const char *name,
            const char *contents,
            gssize      len)
{
  g_autofree char *path = tmp_path (name);
  g_autoptr(GError) error = NULL;

  g_file_set_contents (path, contents, len, &error);
  g_assert_no_error (error);
}

static GBytes *
read_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  char *contents = NULL;
  gsize len = 0;

  g_file_get_contents (path, &contents, &len, &error);
  g_assert_no_error (error);
  return g_bytes_new_take (contents, len);
}

static char *
read_tmp_text (const char *name)
{
  g_autofree char *path = tmp_path (name);
  g_autoptr(GBytes) bytes = read_file (path);

  return g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
}

/* Runs @tool with the NULL-terminated arguments in the temporary
 * directory; fails the test when it does not exit 0. */
static void
run (const char *tool,
     ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  int status = 0;
  const char *arg;
  va_list args;

  g_ptr_array_add (argv, (char *) tool);
  va_start (args, tool);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_spawn_sync (tmpdir, (char **) argv->pdata, NULL, G_SPAWN_DEFAULT,
                NULL, NULL, &out, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("%s %s failed: %s", tool, (char *) argv->pdata[1], err);
}

static gboolean
need_tools (void)
{
  if (certtool == NULL || openssl == NULL)
    {
      g_test_skip ("certtool or openssl not available");
      return FALSE;
    }
  return TRUE;
}

/* A self-signed ECDSA certificate, its key and a request for the same key:
 * NAME.key, NAME.crt, NAME.csr (all PEM). */
static void
make_identity (const char *name,
               gboolean    ca)
{
  g_autofree char *tmpl = g_strdup_printf ("%s.tmpl", name);
  g_autofree char *key = g_strdup_printf ("%s.key", name);
  g_autofree char *crt = g_strdup_printf ("%s.crt", name);
  g_autofree char *csr = g_strdup_printf ("%s.csr", name);
  g_autofree char *contents = NULL;
  g_autofree char *key_path = tmp_path (key);

  if (g_file_test (key_path, G_FILE_TEST_EXISTS))
    return;

  contents = g_strdup_printf ("cn = \"%s\"\norganization = \"Certkeeper tests\"\n"
                              "serial = 7\nexpiration_days = 30\n%s",
                              name, ca ? "ca\ncert_signing_key\n" : "tls_www_server\n");
  write_file (tmpl, contents, -1);
  run (certtool, "--generate-privkey", "--key-type", "ecdsa", "--outfile", key, NULL);
  run (certtool, "--generate-self-signed", "--load-privkey", key,
       "--template", tmpl, "--outfile", crt, NULL);
  run (certtool, "--generate-request", "--load-privkey", key,
       "--template", tmpl, "--outfile", csr, NULL);
}

/* An RSA identity made by openssl: NAME-rsa.key (PKCS#8 PEM) and
 * NAME-rsa.crt. */
static void
make_rsa_identity (const char *name)
{
  g_autofree char *key = g_strdup_printf ("%s-rsa.key", name);
  g_autofree char *crt = g_strdup_printf ("%s-rsa.crt", name);
  g_autofree char *subj = g_strdup_printf ("/CN=%s RSA", name);
  g_autofree char *key_path = tmp_path (key);

  if (g_file_test (key_path, G_FILE_TEST_EXISTS))
    return;
  run (openssl, "genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
       "-out", key, NULL);
  run (openssl, "req", "-new", "-x509", "-key", key, "-subj", subj,
       "-days", "30", "-out", crt, NULL);
}

typedef struct {
  const char * const *passwords;   /* given at attempts 0, 1, …; NULL ends */
  guint calls;
  guint last_attempt;
  char *last_source;
} PasswordScript;

static char *
scripted_password (CkImportItem *item,
                   guint         attempt,
                   gpointer      user_data)
{
  PasswordScript *script = user_data;

  g_assert_cmpint (ck_import_item_get_kind (item), ==, CK_IMPORT_ITEM_LOCKED);
  g_assert_cmpuint (attempt, ==, script->calls == 0 ? 0 : script->last_attempt + 1);
  script->calls++;
  script->last_attempt = attempt;
  g_free (script->last_source);
  script->last_source = g_strdup (ck_import_item_get_source (item));

  for (guint i = 0; script->passwords != NULL && script->passwords[i] != NULL; i++)
    if (i == attempt)
      return g_strdup (script->passwords[i]);
  return NULL;
}

static void
script_clear (PasswordScript *script)
{
  g_clear_pointer (&script->last_source, g_free);
}

static CkImportPlan *
import_paths (CkImporter  *importer,
              const char  *first,
              ...)
{
  va_list args;
  const char *path;

  va_start (args, first);
  for (path = first; path != NULL; path = va_arg (args, const char *))
    {
      g_autoptr(GFile) file = g_file_new_for_path (path);
      g_autoptr(GError) error = NULL;

      g_assert_true (ck_importer_add_file (importer, file, NULL, &error));
      g_assert_no_error (error);
    }
  va_end (args);
  return ck_importer_get_plan (importer);
}

static CkImportPlan *
import_tmp (CkImporter *importer,
            const char *name)
{
  g_autofree char *path = tmp_path (name);

  return import_paths (importer, path, NULL);
}

static void
assert_counts (CkImportPlan *plan,
               guint         certs,
               guint         keys,
               guint         requests,
               guint         locked,
               guint         errors)
{
  g_autofree char *problems = ck_import_plan_describe_problems (plan);

  if (errors == 0 && locked == 0 && problems != NULL)
    g_test_message ("unexpected problems: %s", problems);
  g_assert_cmpuint (ck_import_plan_count (plan, CK_IMPORT_ITEM_CERTIFICATE), ==, certs);
  g_assert_cmpuint (ck_import_plan_count (plan, CK_IMPORT_ITEM_PRIVATE_KEY), ==, keys);
  g_assert_cmpuint (ck_import_plan_count (plan, CK_IMPORT_ITEM_REQUEST), ==, requests);
  g_assert_cmpuint (ck_import_plan_count (plan, CK_IMPORT_ITEM_LOCKED), ==, locked);
  g_assert_cmpuint (ck_import_plan_count (plan, CK_IMPORT_ITEM_ERROR), ==, errors);
  g_assert_cmpuint (ck_import_plan_get_n_items (plan), ==,
                    certs + keys + requests + locked + errors);
}

static CkImportItem *
find_item (CkImportPlan    *plan,
           CkImportItemKind kind,
           guint            nth)
{
  for (guint i = 0; i < ck_import_plan_get_n_items (plan); i++)
    {
      CkImportItem *item = ck_import_plan_get_item (plan, i);

      if (ck_import_item_get_kind (item) == kind && nth-- == 0)
        return item;
    }
  g_assert_not_reached ();
  return NULL;
}

/* The only item is an error that names the file; returns its message. */
static const char *
assert_single_error (CkImportPlan *plan,
                     const char   *file)
{
  CkImportItem *item;
  const GError *error;

  assert_counts (plan, 0, 0, 0, 0, 1);
  item = ck_import_plan_get_item (plan, 0);
  error = ck_import_item_get_error (item);
  g_assert_nonnull (error);
  g_assert_true (error->domain == CK_ERROR);
  if (!g_str_has_prefix (error->message, file))
    g_error ("“%s” does not start with “%s”", error->message, file);
  g_assert_cmpuint (strlen (error->message), <, 400);
  g_assert_cmpuint (ck_import_plan_count_new (plan), ==, 0);
  return error->message;
}

static char *
sha256_of_pem_cert (const char *name)
{
  g_autofree char *pem = read_tmp_text (name);
  g_autoptr(GError) error = NULL;
  g_autoptr(CkCertificate) cert = ck_certificate_new_from_pem (pem, -1, &error);

  g_assert_no_error (error);
  return g_strdup (ck_certificate_get_sha256_fingerprint (cert));
}

/* ------------------------------------------------------------------ */
/* the PEM tokenizer                                                  */

static void
test_pem_tokenizer (void)
{
  /* "hello" = aGVsbG8=, "hi!" = aGkh */
  const char *text =
    "Subject: some certtool text output\r\n"
    "-----BEGIN CERTIFICATE-----  \r\n"
    "aGVs\r\n"
    "bG8=\r\n"
    "-----END CERTIFICATE-----\r\n"
    "between blocks\n"
    "-----BEGIN RSA PRIVATE KEY-----\n"
    "Proc-Type: 4,ENCRYPTED\n"
    "DEK-Info: AES-256-CBC,00112233445566778899AABBCCDDEEFF\n"
    "\n"
    "aGkh\n"
    "-----END RSA PRIVATE KEY-----\n"
    "-----BEGIN CERTIFICATE-----\n"
    "aGk!\n"
    "-----END CERTIFICATE-----\n"
    "-----BEGIN X509 CRL-----\n"
    "aGkh\n"
    "-----END CERTIFICATE-----\n"
    "-----BEGIN CERTIFICATE-----\n"
    "aGVsbG8\n"
    "-----END CERTIFICATE-----\n"
    "-----BEGIN CERTIFICATE-----\n"
    "aGkh\n";
  g_autoptr(GPtrArray) blocks = ck_pem_parse (text, strlen (text), 0, NULL);
  CkPemBlock *b;

  g_assert_true (ck_pem_has_blocks (text, strlen (text)));
  g_assert_false (ck_pem_has_blocks ("-----BEGIN", 10));
  g_assert_cmpuint (blocks->len, ==, 6);

  b = blocks->pdata[0];
  g_assert_no_error (b->error);
  g_assert_cmpstr (b->label, ==, "CERTIFICATE");
  g_assert_cmpuint (b->index, ==, 1);
  g_assert_cmpuint (b->offset, ==, strlen ("Subject: some certtool text output\r\n"));
  g_assert_cmpmem (g_bytes_get_data (b->der, NULL), g_bytes_get_size (b->der), "hello", 5);
  g_assert_cmpstr (b->location, ==, "block 1 (CERTIFICATE)");

  b = blocks->pdata[1];
  g_assert_no_error (b->error);
  g_assert_cmpstr (b->label, ==, "RSA PRIVATE KEY");
  g_assert_cmpstr (ck_pem_block_get_header (b, "proc-type"), ==, "4,ENCRYPTED");
  g_assert_cmpstr (ck_pem_block_get_header (b, "DEK-Info"), ==,
                   "AES-256-CBC,00112233445566778899AABBCCDDEEFF");
  g_assert_cmpmem (g_bytes_get_data (b->der, NULL), g_bytes_get_size (b->der), "hi!", 3);
  g_assert_true (g_str_has_prefix (text + b->offset, "-----BEGIN RSA"));
  {
    g_autofree char *armour = g_strndup (text + b->offset, b->length);

    g_assert_true (g_str_has_suffix (armour, "KEY-----\n"));
  }

  b = blocks->pdata[2];
  g_assert_error (b->error, CK_ERROR, CK_ERROR_PARSE);
  g_assert_null (b->der);
  g_assert_cmpstr (b->error->message, ==,
                   "block 3 (CERTIFICATE): invalid base64 character '!' on line 14");

  b = blocks->pdata[3];
  g_assert_error (b->error, CK_ERROR, CK_ERROR_PARSE);
  g_assert_true (g_str_has_prefix (b->error->message, "block 4 (X509 CRL): the END line"));

  b = blocks->pdata[4];
  g_assert_error (b->error, CK_ERROR, CK_ERROR_PARSE);
  g_assert_true (strstr (b->error->message, "truncated") != NULL);

  b = blocks->pdata[5];
  g_assert_error (b->error, CK_ERROR, CK_ERROR_PARSE);
  g_assert_cmpstr (b->error->message, ==,
                   "block 6 (CERTIFICATE): no END line: the block is truncated");
}

static void
test_pem_tokenizer_limits (void)
{
  GString *junk = g_string_new (NULL);
  g_autoptr(GPtrArray) blocks = NULL;
  guint more = 0;

  /* Many unterminated blocks and a long BEGIN line without dashes: linear
   * and capped. */
  for (guint i = 0; i < 200000; i++)
    g_string_append (junk, "-----BEGIN X-----\n");
  g_string_append (junk, "-----BEGIN ");
  for (guint i = 0; i < 100000; i++)
    g_string_append_c (junk, 'A');

  blocks = ck_pem_parse (junk->str, junk->len, 10, &more);
  g_assert_cmpuint (blocks->len, ==, 10);
  g_assert_cmpuint (more, ==, 200001 - 10);
  g_string_free (junk, TRUE);
}

/* ------------------------------------------------------------------ */
/* PEM bundles                                                        */

static void
test_pem_mix (void)
{
  g_autoptr(CkImporter) importer = NULL;
  g_autofree char *crt1 = NULL, *key1 = NULL, *csr1 = NULL, *crt2 = NULL;
  g_autofree char *crl = NULL, *bundle = NULL;
  g_autofree char *crl_path = data_path ("crl-demo1.pem");
  g_autoptr(GBytes) crl_bytes = NULL;
  CkImportPlan *plan;
  CkImportItem *cert1, *cert2, *key, *req;
  const char * const *notes;

  if (!need_tools ())
    return;
  make_identity ("alpha", FALSE);
  make_identity ("beta", TRUE);
  crt1 = read_tmp_text ("alpha.crt");
  key1 = read_tmp_text ("alpha.key");
  csr1 = read_tmp_text ("alpha.csr");
  crt2 = read_tmp_text ("beta.crt");
  crl_bytes = read_file (crl_path);
  crl = g_strndup (g_bytes_get_data (crl_bytes, NULL), g_bytes_get_size (crl_bytes));

  /* certtool's key files start with its text dump; text between the
   * blocks is fine */
  bundle = g_strconcat ("A bundle\n", crt1, "\nsome words\n", key1, crt2, csr1,
                        crl, NULL);
  write_file ("mix.pem", bundle, -1);

  importer = ck_importer_new (NULL);
  plan = import_tmp (importer, "mix.pem");
  assert_counts (plan, 2, 1, 1, 0, 0);
  g_assert_cmpuint (ck_import_plan_count_new (plan), ==, 4);

  cert1 = find_item (plan, CK_IMPORT_ITEM_CERTIFICATE, 0);
  cert2 = find_item (plan, CK_IMPORT_ITEM_CERTIFICATE, 1);
  key = find_item (plan, CK_IMPORT_ITEM_PRIVATE_KEY, 0);
  req = find_item (plan, CK_IMPORT_ITEM_REQUEST, 0);

  g_assert_cmpstr (ck_import_item_get_source (cert1), ==, "mix.pem, block 1 (CERTIFICATE)");
  g_assert_cmpstr (ck_import_item_get_file (cert1), ==, "mix.pem");
  /* certtool writes "EC PRIVATE KEY" (SEC1) */
  g_assert_cmpstr (ck_import_item_get_location (key), ==, "block 2 (EC PRIVATE KEY)");
  g_assert_cmpstr (ck_import_item_get_source (cert2), ==, "mix.pem, block 3 (CERTIFICATE)");
  g_assert_cmpstr (ck_import_item_get_source (req), ==,
                   "mix.pem, block 4 (NEW CERTIFICATE REQUEST)");
  g_assert_nonnull (strstr (ck_import_item_get_display_name (cert1), "alpha"));
  g_assert_nonnull (strstr (ck_import_item_get_display_name (req), "alpha"));
  g_assert_true (strstr (ck_import_item_get_display_name (key), "key") != NULL);

  /* pairing by SPKI SHA-256, both ways; the request goes to the key too */
  g_assert_true (ck_import_item_get_partner (cert1) == key);
  g_assert_true (ck_import_item_get_partner (key) == cert1);
  g_assert_true (ck_import_item_get_partner (req) == key);
  g_assert_null (ck_import_item_get_partner (cert2));
  g_assert_cmpstr (ck_import_item_get_spki_sha256 (cert1), ==,
                   ck_import_item_get_spki_sha256 (key));

  /* the CRL is left out with a note, not an error */
  notes = ck_import_plan_get_notes (plan);
  g_assert_nonnull (notes[0]);
  g_assert_true (g_str_has_prefix (notes[0], "mix.pem, block 5 (X509 CRL): skipped"));
  g_assert_null (notes[1]);
  g_assert_false (ck_import_plan_has_errors (plan));
  g_assert_null (ck_import_plan_describe_problems (plan));

  /* The dialog removes the certificate from the plan: the key pairs with
   * its request instead, both ways; removing the key unpairs the
   * request. */
  ck_import_plan_replace (plan, cert1, NULL);
  g_assert_true (ck_import_item_get_partner (key) == req);
  g_assert_true (ck_import_item_get_partner (req) == key);
  g_assert_null (ck_import_item_get_partner (cert2));
  ck_import_plan_replace (plan, key, NULL);
  g_assert_null (ck_import_item_get_partner (req));
  g_assert_cmpuint (ck_import_plan_count_new (plan), ==, 2);
}

static void
test_combined_pairs (void)
{
  g_autoptr(CkImporter) importer = NULL;
  g_autofree char *crt = NULL, *key = NULL, *both = NULL;
  g_autofree char *privkey2 = data_path ("privkey2.pem");
  CkImportPlan *plan;
  CkImportItem *cert_item, *key_item;

  if (!need_tools ())
    return;
  make_rsa_identity ("gamma");
  crt = read_tmp_text ("gamma-rsa.crt");
  key = read_tmp_text ("gamma-rsa.key");

  /* key first, then certificate: pairing does not depend on order */
  both = g_strconcat (key, crt, NULL);
  write_file ("gamma-combined.pem", both, -1);

  importer = ck_importer_new (NULL);
  plan = import_tmp (importer, "gamma-combined.pem");
  assert_counts (plan, 1, 1, 0, 0, 0);
  cert_item = find_item (plan, CK_IMPORT_ITEM_CERTIFICATE, 0);
  key_item = find_item (plan, CK_IMPORT_ITEM_PRIVATE_KEY, 0);
  g_assert_true (ck_import_item_get_partner (cert_item) == key_item);
  g_assert_true (ck_import_item_get_partner (key_item) == cert_item);
  g_assert_cmpstr (ck_import_item_get_display_name (key_item), ==, "RSA 2048-bit key");
  g_clear_object (&importer);

  /* privkey2.pem: a certificate and a key that do not belong together */
  importer = ck_importer_new (NULL);
  plan = import_paths (importer, privkey2, NULL);
  assert_counts (plan, 1, 1, 0, 0, 0);
  cert_item = find_item (plan, CK_IMPORT_ITEM_CERTIFICATE, 0);
  key_item = find_item (plan, CK_IMPORT_ITEM_PRIVATE_KEY, 0);
  g_assert_null (ck_import_item_get_partner (cert_item));
  g_assert_null (ck_import_item_get_partner (key_item));
  g_assert_cmpstr (ck_import_item_get_spki_sha256 (cert_item), !=,
                   ck_import_item_get_spki_sha256 (key_item));

  /* a key in one file, its certificate in another: pairing is per plan */
  g_clear_object (&importer);
  importer = ck_importer_new (NULL);
  import_tmp (importer, "gamma-rsa.key");
  plan = import_tmp (importer, "gamma-rsa.crt");
  assert_counts (plan, 1, 1, 0, 0, 0);
  g_assert_true (ck_import_item_get_partner (find_item (plan, CK_IMPORT_ITEM_PRIVATE_KEY, 0)) ==
                 find_item (plan, CK_IMPORT_ITEM_CERTIFICATE, 0));
}

/* ------------------------------------------------------------------ */
/* DER of every kind                                                  */

static void
write_password_file (const char *name,
                     const char *password)
{
  /* openssl reads the first line of the file */
  g_autofree char *line = g_strconcat (password, "\n", NULL);
  g_autofree char *path = tmp_path (name);

  write_file (name, line, -1);
  g_chmod (path, 0600);
}

static void
make_der_files (void)
{
  g_autofree char *p12_path = tmp_path ("delta.p12");

  if (g_file_test (p12_path, G_FILE_TEST_EXISTS))
    return;

  make_rsa_identity ("delta");
  make_identity ("epsilon", FALSE);
  write_password_file ("delta.pw", "s3cret pass");

  run (openssl, "x509", "-in", "delta-rsa.crt", "-outform", "DER", "-out", "delta.crt.der", NULL);
  run (openssl, "pkcs8", "-topk8", "-nocrypt", "-in", "delta-rsa.key",
       "-outform", "DER", "-out", "delta.p8.der", NULL);
  run (openssl, "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", "delta-rsa.key",
       "-passout", "file:delta.pw", "-outform", "DER", "-out", "delta-enc.p8.der", NULL);
  run (openssl, "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", "delta-rsa.key",
       "-passout", "file:delta.pw", "-out", "delta-enc.p8.pem", NULL);
  run (openssl, "rsa", "-in", "delta-rsa.key", "-traditional", "-outform", "DER",
       "-out", "delta.pkcs1.der", NULL);
  run (openssl, "rsa", "-in", "delta-rsa.key", "-traditional", "-aes256",
       "-passout", "file:delta.pw", "-out", "delta-legacy.pem", NULL);
  run (openssl, "ec", "-in", "epsilon.key", "-outform", "DER", "-out", "epsilon.sec1.der", NULL);
  run (openssl, "req", "-in", "epsilon.csr", "-outform", "DER", "-out", "epsilon.csr.der", NULL);
  run (openssl, "pkcs12", "-export", "-inkey", "delta-rsa.key", "-in", "delta-rsa.crt",
       "-certfile", "epsilon.crt", "-name", "Delta friendly",
       "-passout", "file:delta.pw", "-out", "delta.p12", NULL);
  run (openssl, "crl2pkcs7", "-nocrl", "-certfile", "delta-rsa.crt", "-certfile", "epsilon.crt",
       "-outform", "DER", "-out", "bundle.p7b", NULL);
  run (openssl, "crl2pkcs7", "-nocrl", "-certfile", "delta-rsa.crt", "-certfile", "epsilon.crt",
       "-out", "bundle.p7.pem", NULL);
}

static void
import_one_kind (const char      *name,
                 CkImportItemKind kind,
                 guint            n)
{
  g_autoptr(CkImporter) importer = ck_importer_new (NULL);
  CkImportPlan *plan = import_tmp (importer, name);
  g_autofree char *problems = ck_import_plan_describe_problems (plan);

  g_test_message ("%s: %u items%s%s", name, ck_import_plan_get_n_items (plan),
                  problems ? ": " : "", problems ? problems : "");
  g_assert_cmpuint (ck_import_plan_get_n_items (plan), ==, n);
  g_assert_cmpuint (ck_import_plan_count (plan, kind), ==, n);
  g_assert_cmpstr (ck_import_item_get_source (ck_import_plan_get_item (plan, 0)), ==,
                   kind == CK_IMPORT_ITEM_LOCKED || n == 1 ? name :
                   ck_import_item_get_source (ck_import_plan_get_item (plan, 0)));
}

static void
test_der_kinds (void)
{
  g_autoptr(CkImporter) importer = NULL;
  g_autofree char *delta_fp = NULL, *eps_fp = NULL;
  CkImportPlan *plan;

  if (!need_tools ())
    return;
  make_der_files ();

  import_one_kind ("delta.crt.der", CK_IMPORT_ITEM_CERTIFICATE, 1);
  import_one_kind ("delta.p8.der", CK_IMPORT_ITEM_PRIVATE_KEY, 1);
  import_one_kind ("delta.pkcs1.der", CK_IMPORT_ITEM_PRIVATE_KEY, 1);
  import_one_kind ("epsilon.sec1.der", CK_IMPORT_ITEM_PRIVATE_KEY, 1);
  import_one_kind ("epsilon.csr.der", CK_IMPORT_ITEM_REQUEST, 1);
  /* no password callback: encrypted things stay locked */
  import_one_kind ("delta-enc.p8.der", CK_IMPORT_ITEM_LOCKED, 1);
  import_one_kind ("delta.p12", CK_IMPORT_ITEM_LOCKED, 1);

  /* PKCS#7: every certificate, named by position */
  delta_fp = sha256_of_pem_cert ("delta-rsa.crt");
  eps_fp = sha256_of_pem_cert ("epsilon.crt");
  importer = ck_importer_new (NULL);
  plan = import_tmp (importer, "bundle.p7b");
  assert_counts (plan, 2, 0, 0, 0, 0);
  g_assert_cmpstr (ck_import_item_get_source (ck_import_plan_get_item (plan, 0)), ==,
                   "bundle.p7b, certificate 1");
  g_assert_cmpstr (ck_import_item_get_source (ck_import_plan_get_item (plan, 1)), ==,
                   "bundle.p7b, certificate 2");
  g_assert_cmpstr (ck_import_item_get_fingerprint (ck_import_plan_get_item (plan, 0)), ==, delta_fp);
  g_assert_cmpstr (ck_import_item_get_fingerprint (ck_import_plan_get_item (plan, 1)), ==, eps_fp);

  /* the same in PEM: duplicates of the DER ones now */
  plan = import_tmp (importer, "bundle.p7.pem");
  assert_counts (plan, 4, 0, 0, 0, 0);
  g_assert_cmpstr (ck_import_item_get_source (ck_import_plan_get_item (plan, 2)), ==,
                   "bundle.p7.pem, block 1 (PKCS7), certificate 1");
  g_assert_true (ck_import_item_get_duplicate (ck_import_plan_get_item (plan, 2)));
  g_assert_true (ck_import_item_get_duplicate (ck_import_plan_get_item (plan, 3)));
  g_assert_cmpuint (ck_import_plan_count_new (plan), ==, 2);

  /* the corpus' own PKCS#7 files */
  {
    g_autoptr(CkImporter) imp = ck_importer_new (NULL);
    g_autofree char *full = data_path ("full.p7b");
    g_autofree char *single = data_path ("single-ca.p7b");

    plan = import_paths (imp, full, single, NULL);
    g_assert_false (ck_import_plan_has_errors (plan));
    g_assert_cmpuint (ck_import_plan_count (plan, CK_IMPORT_ITEM_CERTIFICATE), >=, 2);
  }
}

/* ------------------------------------------------------------------ */
/* passwords                                                          */

static void
test_pkcs12_passwords (void)
{
  const char *right[] = { "s3cret pass", NULL };
  const char *wrong_then_right[] = { "nope", "still wrong", "s3cret pass", NULL };
  const char *wrong_only[] = { "nope", NULL };
  PasswordScript script = { 0 };
  g_autoptr(CkImporter) importer = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *delta_fp = NULL;
  CkImportPlan *plan;
  CkImportItem *locked, *cert, *key;

  if (!need_tools ())
    return;
  make_der_files ();
  delta_fp = sha256_of_pem_cert ("delta-rsa.crt");

  /* right password at once */
  script.passwords = right;
  importer = ck_importer_new (NULL);
  ck_importer_set_password_func (importer, scripted_password, &script, NULL);
  plan = import_tmp (importer, "delta.p12");
  assert_counts (plan, 2, 1, 0, 0, 0);
  g_assert_cmpuint (script.calls, ==, 1);
  g_assert_cmpstr (script.last_source, ==, "delta.p12");
  key = find_item (plan, CK_IMPORT_ITEM_PRIVATE_KEY, 0);
  g_assert_cmpstr (ck_import_item_get_label (key), ==, "Delta friendly");
  g_assert_true (g_str_has_prefix (ck_import_item_get_source (key), "delta.p12, bag "));
  g_assert_true (g_str_has_suffix (ck_import_item_get_source (key), " (private key)"));
  cert = ck_import_item_get_partner (key);
  g_assert_nonnull (cert);
  g_assert_cmpstr (ck_import_item_get_fingerprint (cert), ==, delta_fp);
  g_assert_cmpstr (ck_import_item_get_label (cert), ==, "Delta friendly");
  g_assert_true (g_str_has_suffix (ck_import_item_get_source (cert), " (certificate)"));
  g_clear_object (&importer);
  script_clear (&script);

  /* retried: asked again with attempt + 1 after each wrong one */
  script = (PasswordScript) { .passwords = wrong_then_right };
  importer = ck_importer_new (NULL);
  ck_importer_set_password_func (importer, scripted_password, &script, NULL);
  plan = import_tmp (importer, "delta.p12");
  assert_counts (plan, 2, 1, 0, 0, 0);
  g_assert_cmpuint (script.calls, ==, 3);
  g_assert_cmpuint (script.last_attempt, ==, 2);
  g_clear_object (&importer);
  script_clear (&script);

  /* wrong, then the callback gives up: one locked item for the file */
  script = (PasswordScript) { .passwords = wrong_only };
  importer = ck_importer_new (NULL);
  ck_importer_set_password_func (importer, scripted_password, &script, NULL);
  plan = import_tmp (importer, "delta.p12");
  assert_counts (plan, 0, 0, 0, 1, 0);
  g_assert_cmpuint (script.calls, ==, 2);
  locked = ck_import_plan_get_item (plan, 0);
  g_assert_cmpstr (ck_import_item_get_locked_format (locked), ==, "pkcs12");
  g_assert_true (ck_import_plan_has_locked (plan));
  g_assert_cmpuint (ck_import_plan_count_new (plan), ==, 0);
  {
    g_autofree char *problems = ck_import_plan_describe_problems (plan);
    g_assert_true (g_str_has_prefix (problems, "delta.p12: "));
  }

  /* unlock: wrong keeps it locked, right replaces it in place */
  g_object_ref (locked);
  g_assert_false (ck_importer_unlock (importer, locked, "bad", &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_BAD_PASSWORD);
  g_assert_true (g_str_has_prefix (error->message, "delta.p12: "));
  g_clear_error (&error);
  assert_counts (plan, 0, 0, 0, 1, 0);
  g_assert_true (ck_import_plan_get_item (plan, 0) == locked);

  g_assert_true (ck_importer_unlock (importer, locked, "s3cret pass", &error));
  g_assert_no_error (error);
  assert_counts (plan, 2, 1, 0, 0, 0);
  g_assert_nonnull (ck_import_item_get_partner (find_item (plan, CK_IMPORT_ITEM_PRIVATE_KEY, 0)));
  g_object_unref (locked);
  script_clear (&script);
}

/* The corpus' PKCS#12 files with the passwords their MANIFEST gives,
 * including the empty and the NULL password. The counts are what
 * `certtool --p12-info` lists for each. */
static void
test_pkcs12_corpus_passwords (void)
{
  static const struct {
    const char *file;
    const char *password;      /* NULL: the callback is never needed */
    guint certs, keys;
  } cases[] = {
    { "client.p12", "foobar", 1, 1 },
    { "noclient.p12", NULL, 1, 1 },            /* "(empty string)" */
    { "pkcs12_2certs.p12", NULL, 2, 1 },       /* "(empty string)" */
    { "test-null.p12", NULL, 1, 1 },           /* "(null password)" */
    { "pkcs12_5certs.p12", "1234", 5, 1 },
    { "key-utf8-1.p12", "ένα-δύο", 2, 1 },
    { "openssl.p12", "CaudFocwijRupogDoicsApfiHadManUgNa", 2, 1 },
    { "sha256.p12", "1234", 0, 1 },
    { "aes-128.p12", "Red Hat Enterprise Linux 7.4", 0, 1 },
    { "no-salt.p12", "Red Hat Enterprise Linux 7.4", 1, 1 },
    { "cert-ca.p12", "1234", 2, 1 },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      const char *passwords[] = { cases[i].password, NULL };
      PasswordScript script = { .passwords = passwords };
      g_autoptr(CkImporter) importer = ck_importer_new (NULL);
      g_autofree char *path = data_path (cases[i].file);
      g_autofree char *problems = NULL;
      CkImportPlan *plan;

      ck_importer_set_password_func (importer, scripted_password, &script, NULL);
      plan = import_paths (importer, path, NULL);
      problems = ck_import_plan_describe_problems (plan);
      g_test_message ("%s: %u certificates, %u keys, asked %u times%s%s", cases[i].file,
                      ck_import_plan_count (plan, CK_IMPORT_ITEM_CERTIFICATE),
                      ck_import_plan_count (plan, CK_IMPORT_ITEM_PRIVATE_KEY),
                      script.calls, problems ? ": " : "", problems ? problems : "");
      g_assert_null (problems);
      g_assert_cmpuint (ck_import_plan_count (plan, CK_IMPORT_ITEM_PRIVATE_KEY), ==, cases[i].keys);
      g_assert_cmpuint (ck_import_plan_count (plan, CK_IMPORT_ITEM_CERTIFICATE), ==, cases[i].certs);
      /* empty and NULL passwords open without asking */
      if (cases[i].password == NULL)
        g_assert_cmpuint (script.calls, ==, 0);
      script_clear (&script);
    }
}

static void
test_pbmac1_unsupported (void)
{
  g_autoptr(CkImporter) importer = NULL;
  g_autofree char *path = data_path ("pbmac1_256_256.good.p12");
  const char *passwords[] = { "1234", NULL };
  PasswordScript script = { .passwords = passwords };
  const GError *error;
  CkImportPlan *plan;

  if (gnutls_check_version ("3.8.6") != NULL)
    {
      g_test_skip ("this GnuTLS reads PBMAC1");
      return;
    }
  importer = ck_importer_new (NULL);
  ck_importer_set_password_func (importer, scripted_password, &script, NULL);
  plan = import_paths (importer, path, NULL);
  assert_single_error (plan, "pbmac1_256_256.good.p12: ");
  error = ck_import_item_get_error (ck_import_plan_get_item (plan, 0));
  g_assert_error ((GError *) error, CK_ERROR, CK_ERROR_UNSUPPORTED);
  g_assert_true (strstr (error->message, "not supported by this GnuTLS version") != NULL);
  /* refused before anyone is asked for a password */
  g_assert_cmpuint (script.calls, ==, 0);
  script_clear (&script);
}

static void
check_unlock_cycle (const char *name,
                    const char *format)
{
  g_autoptr(CkImporter) importer = ck_importer_new (NULL);
  g_autoptr(GError) error = NULL;
  g_autofree char *delta_spki = NULL;
  CkImportPlan *plan;
  CkImportItem *locked, *key;

  plan = import_tmp (importer, "delta-rsa.crt");
  plan = import_tmp (importer, name);
  assert_counts (plan, 1, 0, 0, 1, 0);
  locked = find_item (plan, CK_IMPORT_ITEM_LOCKED, 0);
  g_assert_cmpstr (ck_import_item_get_locked_format (locked), ==, format);
  g_assert_cmpstr (ck_import_item_get_display_name (locked), ==, "Encrypted private key");
  g_assert_true (g_str_has_prefix (ck_import_item_get_source (locked), name));

  g_object_ref (locked);
  g_assert_false (ck_importer_unlock (importer, locked, "wrong password", &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_BAD_PASSWORD);
  g_assert_true (g_str_has_prefix (error->message, name));
  g_clear_error (&error);
  assert_counts (plan, 1, 0, 0, 1, 0);
  g_assert_true (find_item (plan, CK_IMPORT_ITEM_LOCKED, 0) == locked);

  /* the empty password is wrong too */
  g_assert_false (ck_importer_unlock (importer, locked, "", &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_BAD_PASSWORD);
  g_clear_error (&error);

  g_assert_true (ck_importer_unlock (importer, locked, "s3cret pass", &error));
  g_assert_no_error (error);
  assert_counts (plan, 1, 1, 0, 0, 0);
  key = find_item (plan, CK_IMPORT_ITEM_PRIVATE_KEY, 0);
  g_assert_cmpstr (ck_import_item_get_source (key), ==, ck_import_item_get_source (locked));
  /* the unlocked key pairs with the certificate already in the plan */
  g_assert_true (ck_import_item_get_partner (key) == find_item (plan, CK_IMPORT_ITEM_CERTIFICATE, 0));
  g_assert_true (ck_import_item_get_partner (find_item (plan, CK_IMPORT_ITEM_CERTIFICATE, 0)) == key);

  /* unlocking what is no longer locked is refused */
  g_assert_false (ck_importer_unlock (importer, locked, "s3cret pass", &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_INVALID);
  g_object_unref (locked);
}

static void
test_pkcs8_unlock (void)
{
  if (!need_tools ())
    return;
  make_der_files ();
  check_unlock_cycle ("delta-enc.p8.pem", "pkcs8");
  check_unlock_cycle ("delta-enc.p8.der", "pkcs8");
}

static void
test_legacy_pem (void)
{
  g_autofree char *text = NULL;
  const char *right[] = { "wrong", "s3cret pass", NULL };
  PasswordScript script = { .passwords = right };
  g_autoptr(CkImporter) importer = NULL;
  CkImportPlan *plan;

  if (!need_tools ())
    return;
  make_der_files ();
  text = read_tmp_text ("delta-legacy.pem");
  g_assert_nonnull (strstr (text, "Proc-Type: 4,ENCRYPTED"));
  check_unlock_cycle ("delta-legacy.pem", "legacy-pem");

  /* through the callback, after a wrong one */
  importer = ck_importer_new (NULL);
  ck_importer_set_password_func (importer, scripted_password, &script, NULL);
  plan = import_tmp (importer, "delta-legacy.pem");
  assert_counts (plan, 0, 1, 0, 0, 0);
  g_assert_cmpuint (script.calls, ==, 2);
  g_assert_cmpstr (script.last_source, ==, "delta-legacy.pem, block 1 (RSA PRIVATE KEY)");
  script_clear (&script);
}

static void
test_trusted_certificate (void)
{
  g_autoptr(CkImporter) importer = NULL;
  g_autofree char *text = NULL;
  g_autofree char *fp = NULL;
  const char * const *notes;
  CkImportPlan *plan;

  if (!need_tools ())
    return;
  make_rsa_identity ("zeta");
  run (openssl, "x509", "-in", "zeta-rsa.crt", "-addtrust", "serverAuth",
       "-setalias", "Zeta alias", "-trustout", "-out", "zeta-trusted.pem", NULL);
  text = read_tmp_text ("zeta-trusted.pem");
  g_assert_nonnull (strstr (text, "BEGIN TRUSTED CERTIFICATE"));

  importer = ck_importer_new (NULL);
  plan = import_tmp (importer, "zeta-trusted.pem");
  assert_counts (plan, 1, 0, 0, 0, 0);
  fp = sha256_of_pem_cert ("zeta-rsa.crt");
  /* exactly the certificate, without the trust data */
  g_assert_cmpstr (ck_import_item_get_fingerprint (ck_import_plan_get_item (plan, 0)), ==, fp);
  notes = ck_import_plan_get_notes (plan);
  g_assert_nonnull (notes[0]);
  g_assert_true (g_str_has_prefix (notes[0], "zeta-trusted.pem, block 1 (TRUSTED CERTIFICATE): "));
  g_assert_nonnull (strstr (notes[0], "trust"));
}

static void
test_duplicates (void)
{
  g_autoptr(CkImporter) importer = NULL;
  g_autofree char *crt = NULL, *key = NULL, *twice = NULL;
  CkImportPlan *plan;

  if (!need_tools ())
    return;
  make_identity ("alpha", FALSE);
  crt = read_tmp_text ("alpha.crt");
  key = read_tmp_text ("alpha.key");
  twice = g_strconcat (crt, key, crt, key, NULL);
  write_file ("twice.pem", twice, -1);

  importer = ck_importer_new (NULL);
  plan = import_tmp (importer, "twice.pem");
  assert_counts (plan, 2, 2, 0, 0, 0);
  g_assert_false (ck_import_item_get_duplicate (ck_import_plan_get_item (plan, 0)));
  g_assert_false (ck_import_item_get_duplicate (ck_import_plan_get_item (plan, 1)));
  g_assert_true (ck_import_item_get_duplicate (ck_import_plan_get_item (plan, 2)));
  g_assert_true (ck_import_item_get_duplicate (ck_import_plan_get_item (plan, 3)));
  g_assert_cmpuint (ck_import_plan_count_new (plan), ==, 2);
  /* pairs are between the originals */
  g_assert_true (ck_import_item_get_partner (ck_import_plan_get_item (plan, 0)) ==
                 ck_import_plan_get_item (plan, 1));

  /* the same file again: everything a duplicate */
  plan = import_tmp (importer, "alpha.crt");
  g_assert_true (ck_import_item_get_duplicate (ck_import_plan_get_item (plan, 4)));
  g_assert_cmpuint (ck_import_plan_count_new (plan), ==, 2);

  /* the dialog drops the first certificate and key: the copies take over,
   * pairs included */
  ck_import_plan_replace (plan, ck_import_plan_get_item (plan, 0), NULL);
  ck_import_plan_replace (plan, ck_import_plan_get_item (plan, 0), NULL);
  assert_counts (plan, 2, 1, 0, 0, 0);
  g_assert_false (ck_import_item_get_duplicate (ck_import_plan_get_item (plan, 0)));
  g_assert_false (ck_import_item_get_duplicate (ck_import_plan_get_item (plan, 1)));
  g_assert_true (ck_import_item_get_duplicate (ck_import_plan_get_item (plan, 2)));
  g_assert_true (ck_import_item_get_partner (ck_import_plan_get_item (plan, 1)) ==
                 ck_import_plan_get_item (plan, 0));
  g_assert_cmpuint (ck_import_plan_count_new (plan), ==, 2);
}

/* ------------------------------------------------------------------ */
/* bad input                                                          */

static void
test_bad_inputs (void)
{
  g_autoptr(GRand) rand = g_rand_new_with_seed (42);
  g_autofree char *junk = g_malloc (4096);
  const char *msg;

  write_file ("empty.pem", "", 0);
  {
    g_autoptr(CkImporter) importer = ck_importer_new (NULL);
    msg = assert_single_error (import_tmp (importer, "empty.pem"), "empty.pem: ");
    g_assert_cmpstr (msg, ==, "empty.pem: the file is empty");
  }

  for (gsize i = 0; i < 4096; i++)
    junk[i] = g_rand_int (rand);
  junk[0] = 0x01;   /* not a SEQUENCE */
  write_file ("bundle.bin", junk, 4096);
  {
    g_autoptr(CkImporter) importer = ck_importer_new (NULL);
    msg = assert_single_error (import_tmp (importer, "bundle.bin"), "bundle.bin");
    g_assert_cmpstr (msg, ==,
                     "bundle.bin: not a certificate, key, request, PKCS#7 or PKCS#12 file");
  }

  write_file ("notes.txt", "Just some text.\nNothing to see here.\n", -1);
  {
    g_autoptr(CkImporter) importer = ck_importer_new (NULL);
    assert_single_error (import_tmp (importer, "notes.txt"), "notes.txt: not a certificate");
  }

  if (need_tools ())
    {
      g_autofree char *crt = NULL;
      g_autofree char *half = NULL;
      g_autoptr(GBytes) der = NULL;
      g_autofree char *der_path = NULL;

      make_identity ("alpha", FALSE);
      crt = read_tmp_text ("alpha.crt");

      /* cut in the middle of the base64 */
      half = g_strndup (crt, strlen (crt) / 2);
      write_file ("truncated.pem", half, -1);
      {
        g_autoptr(CkImporter) importer = ck_importer_new (NULL);
        msg = assert_single_error (import_tmp (importer, "truncated.pem"),
                                   "truncated.pem, block 1 (CERTIFICATE): ");
        g_assert_nonnull (strstr (msg, "truncated"));
      }

      /* a DER certificate cut short: still called a certificate */
      make_der_files ();
      der_path = tmp_path ("delta.crt.der");
      der = read_file (der_path);
      write_file ("cut.der", g_bytes_get_data (der, NULL), g_bytes_get_size (der) - 40);
      {
        g_autoptr(CkImporter) importer = ck_importer_new (NULL);
        msg = assert_single_error (import_tmp (importer, "cut.der"),
                                   "cut.der: not a valid ");
      }

      /* a damaged block among good ones: only it fails */
      {
        g_autofree char *mixed = g_strconcat (crt, "-----BEGIN CERTIFICATE-----\nMII$\n"
                                              "-----END CERTIFICATE-----\n", NULL);
        g_autoptr(CkImporter) importer = ck_importer_new (NULL);
        CkImportPlan *plan;
        g_autofree char *problems = NULL;

        write_file ("mixed.pem", mixed, -1);
        plan = import_tmp (importer, "mixed.pem");
        assert_counts (plan, 1, 0, 0, 0, 1);
        problems = ck_import_plan_describe_problems (plan);
        {
          /* lines count from the top of the file */
          guint line = 2;
          g_autofree char *expected = NULL;

          for (const char *c = crt; *c; c++)
            line += *c == '\n';
          expected = g_strdup_printf ("mixed.pem, block 2 (CERTIFICATE): invalid base64 "
                                      "character '$' on line %u", line);
          g_assert_cmpstr (problems, ==, expected);
        }
        g_assert_cmpuint (ck_import_plan_count_new (plan), ==, 1);
      }
    }

  /* a CRL alone: nothing to import, which is an error for that file */
  {
    g_autoptr(CkImporter) importer = ck_importer_new (NULL);
    g_autofree char *crl = data_path ("crl-demo1.pem");

    msg = assert_single_error (import_paths (importer, crl, NULL), "crl-demo1.pem: nothing to import");
  }

  /* a missing file is the one case add_file itself fails */
  {
    g_autoptr(CkImporter) importer = ck_importer_new (NULL);
    g_autofree char *path = tmp_path ("does-not-exist.pem");
    g_autoptr(GFile) file = g_file_new_for_path (path);
    g_autoptr(GError) error = NULL;

    g_assert_false (ck_importer_add_file (importer, file, NULL, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
    g_assert_cmpuint (ck_import_plan_get_n_items (ck_importer_get_plan (importer)), ==, 0);
  }
}

static void
test_big_garbage (void)
{
  const gsize size = 50 * 1024 * 1024;
  g_autoptr(GRand) rand = g_rand_new_with_seed (7);
  guint32 *words = g_malloc (size);
  g_autoptr(GBytes) bytes = NULL;
  g_autoptr(CkImporter) importer = NULL;
  gint64 start;
  const char *msg;

  for (gsize i = 0; i < size / 4; i++)
    words[i] = g_rand_int (rand);

  /* random bytes, then the same starting like a DER SEQUENCE */
  bytes = g_bytes_new_take (words, size);
  importer = ck_importer_new (NULL);
  start = g_get_monotonic_time ();
  ck_importer_add_bytes (importer, bytes, "garbage.bin");
  msg = assert_single_error (ck_importer_get_plan (importer), "garbage.bin: ");
  g_test_message ("50 MB of junk: %.3f s: %s",
                  (g_get_monotonic_time () - start) / 1e6, msg);
  g_clear_object (&importer);

  ((guint8 *) words)[0] = 0x30;
  ((guint8 *) words)[1] = 0x84;
  ((guint8 *) words)[2] = 0x03;
  ((guint8 *) words)[3] = 0x1f;
  ((guint8 *) words)[4] = 0xff;
  ((guint8 *) words)[5] = 0xfc;
  importer = ck_importer_new (NULL);
  ck_importer_add_bytes (importer, bytes, "garbage.der");
  msg = assert_single_error (ck_importer_get_plan (importer), "garbage.der: ");
  g_test_message ("50 MB of DER-looking junk: %s", msg);
  g_clear_object (&importer);

  /* text full of BEGIN lines: a capped number of errors */
  {
    GString *text = g_string_sized_new (size);
    g_autoptr(GBytes) text_bytes = NULL;
    CkImportPlan *plan;

    while (text->len < size)
      g_string_append (text, "-----BEGIN CERTIFICATE-----\nAAAA\n");
    text_bytes = g_string_free_to_bytes (text);
    importer = ck_importer_new (NULL);
    start = g_get_monotonic_time ();
    ck_importer_add_bytes (importer, text_bytes, "begins.pem");
    plan = ck_importer_get_plan (importer);
    g_test_message ("50 MB of BEGIN lines: %.3f s, %u items",
                    (g_get_monotonic_time () - start) / 1e6, ck_import_plan_get_n_items (plan));
    g_assert_cmpuint (ck_import_plan_get_n_items (plan), <=, 21);
    g_assert_cmpuint (ck_import_plan_count (plan, CK_IMPORT_ITEM_ERROR), ==,
                      ck_import_plan_get_n_items (plan));
  }
}

static void
test_too_large (void)
{
  g_autofree char *path = tmp_path ("huge.pem");
  g_autoptr(CkImporter) importer = ck_importer_new (NULL);
  const char *msg;
  FILE *f;

  /* sparse: the importer must refuse it without reading it */
  f = fopen (path, "w");
  g_assert_nonnull (f);
  g_assert_cmpint (fseek (f, 300L * 1024 * 1024, SEEK_SET), ==, 0);
  fputc ('\n', f);
  fclose (f);

  msg = assert_single_error (import_tmp (importer, "huge.pem"), "huge.pem: too large");
  g_test_message ("%s", msg);
  g_unlink (path);
}

static void
test_with_store (void)
{
  g_autofree char *dir = tmp_path ("store");
  g_autoptr(GError) error = NULL;
  g_autoptr(CkStore) store = NULL;
  gint64 cert_id, key_id;
  CkCommitSummary summary = { 0 };
  CkImportPlan *plan;
  CkImportItem *cert, *key, *req;

  if (!need_tools ())
    return;
  make_identity ("eta", FALSE);
  make_identity ("theta", FALSE);
  store = ck_store_open (dir, &error);
  g_assert_no_error (error);

  /* eta's certificate is in the store; theta's key too */
  {
    g_autoptr(CkImporter) importer = ck_importer_new (store);

    import_tmp (importer, "eta.crt");
    plan = import_tmp (importer, "theta.key");
    g_assert_true (ck_store_commit (store, plan, "store pass", CK_COMMIT_NONE,
                                    NULL, NULL, &summary, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (summary.certificates, ==, 1);
    g_assert_cmpuint (summary.keys, ==, 1);
    cert_id = ck_store_find_certificate (store,
                                         ck_import_item_get_fingerprint (ck_import_plan_get_item (plan, 0)));
    key_id = ck_store_find_key (store, ck_import_item_get_spki_sha256 (ck_import_plan_get_item (plan, 1)));
    g_assert_cmpint (cert_id, >, 0);
    g_assert_cmpint (key_id, >, 0);
  }

  /* a new import sees them: nothing is written by parsing */
  {
    g_autoptr(CkImporter) importer = ck_importer_new (store);

    import_tmp (importer, "eta.crt");   /* already there */
    import_tmp (importer, "eta.key");   /* new, its certificate is stored */
    plan = import_tmp (importer, "theta.crt");  /* new, its key is stored */
    import_tmp (importer, "theta.csr");
    assert_counts (plan, 2, 1, 1, 0, 0);

    cert = ck_import_plan_get_item (plan, 0);
    g_assert_cmpint (ck_import_item_get_existing_id (cert), ==, cert_id);
    g_assert_false (ck_import_item_is_new (cert));

    key = ck_import_plan_get_item (plan, 1);
    g_assert_cmpint (ck_import_item_get_existing_id (key), ==, 0);
    g_assert_cmpint (ck_import_item_get_store_partner_id (key), ==, cert_id);
    /* named, so that the preview can say which certificate it is for */
    g_assert_cmpstr (ck_import_item_get_store_partner_name (key), ==,
                     ck_stored_certificate_get_display_name (ck_store_get_certificate_row (store, cert_id)));
    g_assert_cmpuint (ck_import_item_get_n_store_partners (key), ==, 1);
    /* the plan pairs too: the stored certificate was added again */
    g_assert_true (ck_import_item_get_partner (key) == cert);
    g_assert_true (ck_import_item_is_new (key));

    cert = ck_import_plan_get_item (plan, 2);
    g_assert_cmpint (ck_import_item_get_existing_id (cert), ==, 0);
    g_assert_cmpint (ck_import_item_get_store_partner_id (cert), ==, key_id);
    g_assert_cmpstr (ck_import_item_get_store_partner_name (cert), ==,
                     ck_stored_key_get_display_name (ck_store_get_key_row (store, key_id)));
    g_assert_null (ck_import_item_get_partner (cert));

    req = ck_import_plan_get_item (plan, 3);
    g_assert_cmpint (ck_import_item_get_store_partner_id (req), ==, key_id);
    g_assert_cmpuint (ck_import_plan_count_new (plan), ==, 3);
  }
}

/* What the plan says about every item at the moment it tells its viewers
 * that it changed: the import dialog counts new items and binds rows in
 * that very signal. */
typedef struct {
  guint emissions;
  guint paired_keys;     /* keys with a certificate as partner */
  guint new_items;
  gboolean needs_passphrase;
} PlanSnapshot;

static void
snapshot_items_changed_cb (GListModel   *model,
                           guint         position,
                           guint         removed,
                           guint         added,
                           PlanSnapshot *snapshot)
{
  CkImportPlan *plan = CK_IMPORT_PLAN (model);

  snapshot->emissions++;
  snapshot->paired_keys = 0;
  for (guint i = 0; i < ck_import_plan_get_n_items (plan); i++)
    {
      CkImportItem *item = ck_import_plan_get_item (plan, i);
      CkImportItem *partner = ck_import_item_get_partner (item);

      if (ck_import_item_get_kind (item) == CK_IMPORT_ITEM_PRIVATE_KEY && partner != NULL &&
          ck_import_item_get_kind (partner) == CK_IMPORT_ITEM_CERTIFICATE &&
          ck_import_item_get_partner (partner) == item)
        snapshot->paired_keys++;
    }
  snapshot->new_items = ck_import_plan_count_new (plan);
  snapshot->needs_passphrase = ck_import_plan_get_key_needing_passphrase (plan) != NULL;
}

/* Unlocking a PKCS#12 re-pairs the plan and asks the store again, and the
 * plan is already right when it emits items-changed. The unlocked item
 * stays usable by whoever held it (the CLI names it in its messages). */
static void
test_unlock_recomputes (void)
{
  g_autofree char *dir = tmp_path ("store-unlock");
  g_autofree char *delta_fp = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CkStore) store = NULL;
  CkCommitSummary summary = { 0 };
  PlanSnapshot snapshot = { 0 };
  CkImportPlan *plan;
  CkImportItem *locked, *key, *cert;

  if (!need_tools ())
    return;
  make_der_files ();
  delta_fp = sha256_of_pem_cert ("delta-rsa.crt");
  store = ck_store_open (dir, &error);
  g_assert_no_error (error);

  /* Nothing stored yet: the key pairs with the certificate of the same
   * PKCS#12 and needs the store passphrase. */
  {
    g_autoptr(CkImporter) importer = ck_importer_new (store);

    plan = import_tmp (importer, "delta.p12");
    assert_counts (plan, 0, 0, 0, 1, 0);
    locked = ck_import_plan_get_item (plan, 0);
    g_signal_connect (plan, "items-changed", G_CALLBACK (snapshot_items_changed_cb), &snapshot);

    g_assert_true (ck_importer_unlock (importer, locked, "s3cret pass", &error));
    g_assert_no_error (error);
    g_assert_cmpuint (snapshot.emissions, ==, 1);
    g_assert_cmpuint (snapshot.paired_keys, ==, 1);
    g_assert_cmpuint (snapshot.new_items, ==, 3);
    g_assert_true (snapshot.needs_passphrase);

    assert_counts (plan, 2, 1, 0, 0, 0);
    key = find_item (plan, CK_IMPORT_ITEM_PRIVATE_KEY, 0);
    cert = ck_import_item_get_partner (key);
    g_assert_nonnull (cert);
    g_assert_cmpstr (ck_import_item_get_fingerprint (cert), ==, delta_fp);
    g_assert_true (ck_import_item_get_partner (cert) == key);
    g_assert_true (ck_import_plan_get_key_needing_passphrase (plan) == key);

    /* The replaced item is alive, unchanged and no longer in the plan. */
    g_assert_false (ck_import_plan_contains (plan, locked));
    g_assert_cmpint (ck_import_item_get_kind (locked), ==, CK_IMPORT_ITEM_LOCKED);
    g_assert_cmpstr (ck_import_item_get_source (locked), ==, "delta.p12");
    g_assert_false (ck_importer_unlock (importer, locked, "s3cret pass", &error));
    g_assert_error (error, CK_ERROR, CK_ERROR_INVALID);
    g_clear_error (&error);

    g_assert_true (ck_store_commit (store, plan, "store pass", CK_COMMIT_NONE,
                                    NULL, NULL, &summary, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (summary.certificates, ==, 2);
    g_assert_cmpuint (summary.keys, ==, 1);
    g_signal_handlers_disconnect_by_data (plan, &snapshot);
  }

  /* Everything stored already: once unlocked there is nothing new, so no
   * store passphrase is needed and a commit without one writes nothing. */
  {
    g_autoptr(CkImporter) importer = ck_importer_new (store);

    snapshot = (PlanSnapshot) { 0 };
    plan = import_tmp (importer, "delta.p12");
    locked = ck_import_plan_get_item (plan, 0);
    g_signal_connect (plan, "items-changed", G_CALLBACK (snapshot_items_changed_cb), &snapshot);
    g_assert_true (ck_importer_unlock (importer, locked, "s3cret pass", &error));
    g_assert_no_error (error);
    g_assert_cmpuint (snapshot.emissions, ==, 1);
    g_assert_cmpuint (snapshot.new_items, ==, 0);
    g_assert_false (snapshot.needs_passphrase);
    g_assert_cmpuint (snapshot.paired_keys, ==, 1);

    assert_counts (plan, 2, 1, 0, 0, 0);
    for (guint i = 0; i < ck_import_plan_get_n_items (plan); i++)
      g_assert_cmpint (ck_import_item_get_existing_id (ck_import_plan_get_item (plan, i)), >, 0);
    g_assert_null (ck_import_plan_get_key_needing_passphrase (plan));

    g_assert_true (ck_store_commit (store, plan, NULL, CK_COMMIT_NONE,
                                    NULL, NULL, &summary, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (summary.certificates + summary.keys + summary.requests, ==, 0);
    g_signal_handlers_disconnect_by_data (plan, &snapshot);
  }

  /* An encrypted key unlocked after its certificate came in another file:
   * the certificate, outside the replaced range, gets its partner too. */
  {
    g_autoptr(CkImporter) importer = ck_importer_new (NULL);
    g_autofree char *crt = tmp_path ("delta-rsa.crt");
    g_autofree char *p8 = tmp_path ("delta-enc.p8.der");

    snapshot = (PlanSnapshot) { 0 };
    plan = import_paths (importer, crt, p8, NULL);
    assert_counts (plan, 1, 0, 0, 1, 0);
    cert = ck_import_plan_get_item (plan, 0);
    g_assert_null (ck_import_item_get_partner (cert));
    g_signal_connect (plan, "items-changed", G_CALLBACK (snapshot_items_changed_cb), &snapshot);
    g_assert_true (ck_importer_unlock (importer, ck_import_plan_get_item (plan, 1),
                                       "s3cret pass", &error));
    g_assert_no_error (error);
    g_assert_cmpuint (snapshot.paired_keys, ==, 1);
    key = ck_import_plan_get_item (plan, 1);
    g_assert_true (ck_import_item_get_partner (cert) == key);
    g_assert_true (ck_import_item_get_partner (key) == cert);
    g_signal_handlers_disconnect_by_data (plan, &snapshot);
  }
}

typedef struct {
  guint calls;
  guint last_done;
  guint last_total;
  gboolean monotonic;
} ProgressLog;

static gboolean
log_progress (guint    done,
              guint    total,
              gpointer user_data)
{
  ProgressLog *log = user_data;

  if (log->calls > 0 && done < log->last_done)
    log->monotonic = FALSE;
  g_assert_cmpuint (done, <=, total);
  log->calls++;
  log->last_done = done;
  log->last_total = total;
  return TRUE;
}

/* Keys are encrypted before the write transaction. When the store lost a
 * key after the plan was made (the plan says "already there", so it was
 * not encrypted up front), the commit still stores it, encrypted with the
 * passphrase: the transaction is run again after encrypting it. */
static void
test_commit_encrypts_before_writing (void)
{
  g_autofree char *dir = tmp_path ("store-encrypt");
  g_autoptr(GError) error = NULL;
  g_autoptr(CkStore) store = NULL;
  g_autoptr(CkImporter) importer = NULL;
  g_autoptr(CkPrivateKey) loaded = NULL;
  CkCommitSummary summary = { 0 };
  ProgressLog log = { .monotonic = TRUE };
  CkImportPlan *plan;
  CkImportItem *key;
  gint64 key_id;

  if (!need_tools ())
    return;
  make_identity ("iota", FALSE);
  make_identity ("kappa", FALSE);
  store = ck_store_open (dir, &error);
  g_assert_no_error (error);

  {
    g_autoptr(CkImporter) first = ck_importer_new (store);

    plan = import_tmp (first, "iota.key");
    g_assert_true (ck_store_commit (store, plan, "store pass", CK_COMMIT_NONE,
                                    NULL, NULL, &summary, &error));
    g_assert_no_error (error);
  }

  importer = ck_importer_new (store);
  import_tmp (importer, "iota.key");
  import_tmp (importer, "kappa.key");
  plan = import_tmp (importer, "kappa.crt");
  key = ck_import_plan_get_item (plan, 0);
  key_id = ck_import_item_get_existing_id (key);
  g_assert_cmpint (key_id, >, 0);
  g_assert_cmpuint (ck_import_plan_count_new (plan), ==, 2);

  /* gone from the store behind the plan's back */
  g_assert_true (ck_store_delete (store, key_id, &error));
  g_assert_no_error (error);

  g_assert_true (ck_store_commit (store, plan, "store pass", CK_COMMIT_NONE,
                                  log_progress, &log, &summary, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (summary.keys, ==, 2);
  g_assert_cmpuint (summary.certificates, ==, 1);
  /* one step per key encrypted, then the items: ends at total/total */
  g_assert_cmpuint (log.calls, >=, 2);
  g_assert_cmpuint (log.last_done, ==, log.last_total);
  g_assert_cmpuint (log.last_total, >=, ck_import_plan_get_n_items (plan));

  /* stored encrypted under the passphrase, not in the clear */
  key_id = ck_store_find_key (store, ck_import_item_get_spki_sha256 (key));
  g_assert_cmpint (key_id, >, 0);
  loaded = ck_store_load_private_key (store, key_id, "wrong pass", &error);
  g_assert_null (loaded);
  g_assert_nonnull (error);
  g_clear_error (&error);
  loaded = ck_store_load_private_key (store, key_id, "store pass", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ck_private_key_get_spki_sha256 (loaded), ==,
                   ck_import_item_get_spki_sha256 (key));
}

static void
test_iteration_cap (void)
{
  /* 10,084,353 PBKDF2 iterations: refused before any password is asked */
  g_autofree char *path = data_path ("pkcs8-invalid11.der");
  const char *passwords[] = { "1234", NULL };
  PasswordScript script = { .passwords = passwords };
  g_autoptr(CkImporter) importer = ck_importer_new (NULL);
  const char *msg;

  ck_importer_set_password_func (importer, scripted_password, &script, NULL);
  msg = assert_single_error (import_paths (importer, path, NULL), "pkcs8-invalid11.der: ");
  g_assert_nonnull (strstr (msg, "10084353 key-derivation iterations"));
  g_assert_error ((GError *) ck_import_item_get_error (ck_import_plan_get_item (ck_importer_get_plan (importer), 0)),
                  CK_ERROR, CK_ERROR_UNSUPPORTED);
  g_assert_cmpuint (script.calls, ==, 0);
  script_clear (&script);
}

static void
count_items_changed (GListModel *model,
                     guint       position,
                     guint       removed,
                     guint       added,
                     gpointer    user_data)
{
  guint *counts = user_data;

  counts[0]++;
  counts[1] = position;
  counts[2] = removed;
  counts[3] = added;
}

static void
test_plan_model (void)
{
  g_autoptr(CkImporter) importer = NULL;
  g_autoptr(CkImportItem) locked = NULL;
  guint counts[4] = { 0 };
  CkImportPlan *plan;

  if (!need_tools ())
    return;
  make_der_files ();
  importer = ck_importer_new (NULL);
  plan = ck_importer_get_plan (importer);
  g_assert_true (G_IS_LIST_MODEL (plan));
  g_assert_true (g_list_model_get_item_type (G_LIST_MODEL (plan)) == CK_TYPE_IMPORT_ITEM);
  g_signal_connect (plan, "items-changed", G_CALLBACK (count_items_changed), counts);

  import_tmp (importer, "delta.crt.der");
  g_assert_cmpuint (counts[0], ==, 1);
  g_assert_cmpuint (counts[1], ==, 0);
  g_assert_cmpuint (counts[3], ==, 1);

  /* a file is one signal however many items it holds */
  import_tmp (importer, "bundle.p7b");
  g_assert_cmpuint (counts[0], ==, 2);
  g_assert_cmpuint (counts[1], ==, 1);
  g_assert_cmpuint (counts[3], ==, 2);
  g_clear_object (&importer);
  memset (counts, 0, sizeof counts);
  importer = ck_importer_new (NULL);
  plan = ck_importer_get_plan (importer);
  g_signal_connect (plan, "items-changed", G_CALLBACK (count_items_changed), counts);
  import_tmp (importer, "delta.crt.der");
  g_assert_cmpuint (counts[0], ==, 1);

  import_tmp (importer, "delta.p12");          /* locked: no callback */
  g_assert_cmpuint (counts[0], ==, 2);
  g_assert_cmpuint (counts[1], ==, 1);
  locked = g_list_model_get_item (G_LIST_MODEL (plan), 1);
  g_assert_cmpint (ck_import_item_get_kind (locked), ==, CK_IMPORT_ITEM_LOCKED);

  /* replaced in place: one signal, 1 removed, 3 added at its position */
  g_assert_true (ck_importer_unlock (importer, locked, "s3cret pass", NULL));
  g_assert_cmpuint (counts[0], ==, 3);
  g_assert_cmpuint (counts[1], ==, 1);
  g_assert_cmpuint (counts[2], ==, 1);
  g_assert_cmpuint (counts[3], ==, 3);
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (plan)), ==, 4);
  /* the certificate from the PKCS#12 is the one added first */
  g_assert_true (ck_import_item_get_duplicate (ck_import_plan_get_item (plan, 1)) ||
                 ck_import_item_get_duplicate (ck_import_plan_get_item (plan, 2)) ||
                 ck_import_item_get_duplicate (ck_import_plan_get_item (plan, 3)));
  g_signal_handlers_disconnect_by_data (plan, counts);
}

static void
rm_rf (const char *path)
{
  GDir *dir = g_dir_open (path, 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);

      if (g_file_test (child, G_FILE_TEST_IS_DIR))
        rm_rf (child);
      else
        g_unlink (child);
    }
  if (dir != NULL)
    g_dir_close (dir);
  g_rmdir (path);
}

int
main (int   argc,
      char *argv[])
{
  int ret;

  g_test_init (&argc, &argv, NULL);
  ck_core_init ();

  certtool = g_getenv ("CK_CERTTOOL");
  openssl = g_getenv ("CK_OPENSSL");
  tmpdir = g_dir_make_tmp ("ck-test-importer-XXXXXX", NULL);
  g_assert_nonnull (tmpdir);

  g_test_add_func ("/importer/pem-tokenizer", test_pem_tokenizer);
  g_test_add_func ("/importer/pem-tokenizer-limits", test_pem_tokenizer_limits);
  g_test_add_func ("/importer/pem-mix", test_pem_mix);
  g_test_add_func ("/importer/combined-pairs", test_combined_pairs);
  g_test_add_func ("/importer/der-kinds", test_der_kinds);
  g_test_add_func ("/importer/pkcs12-passwords", test_pkcs12_passwords);
  g_test_add_func ("/importer/pkcs12-corpus-passwords", test_pkcs12_corpus_passwords);
  g_test_add_func ("/importer/pbmac1-unsupported", test_pbmac1_unsupported);
  g_test_add_func ("/importer/pkcs8-unlock", test_pkcs8_unlock);
  g_test_add_func ("/importer/legacy-pem", test_legacy_pem);
  g_test_add_func ("/importer/trusted-certificate", test_trusted_certificate);
  g_test_add_func ("/importer/duplicates", test_duplicates);
  g_test_add_func ("/importer/bad-inputs", test_bad_inputs);
  g_test_add_func ("/importer/big-garbage", test_big_garbage);
  g_test_add_func ("/importer/too-large", test_too_large);
  g_test_add_func ("/importer/plan-model", test_plan_model);
  g_test_add_func ("/importer/with-store", test_with_store);
  g_test_add_func ("/importer/unlock-recomputes", test_unlock_recomputes);
  g_test_add_func ("/importer/commit-encrypts-before-writing",
                   test_commit_encrypts_before_writing);
  g_test_add_func ("/importer/iteration-cap", test_iteration_cap);

  ret = g_test_run ();
  rm_rf (tmpdir);
  g_free (tmpdir);
  return ret;
}
