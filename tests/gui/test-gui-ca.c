/* SPDX-License-Identifier: GPL-3.0-or-later */
/* Widget tests of the window's CA dialogs on a real temporary store:
 * Sign Request offers only CAs that may sign (and says why the others are
 * not offered), compares the request with what will be issued, never keeps
 * a requested CA:TRUE unless the user turns it on (and then warns), warns
 * about the CA/Browser Forum limit by name, blocks on errors, and signs
 * through the keeper so that the pending request becomes issued; Revoke
 * takes an RFC 5280 reason and refuses a date in the future; the CRL dialog
 * gives the interval and encoding the keeper writes with. */

#include <glib/gstdio.h>
#include <gnutls/pkcs11.h>

#include "ck-crl-dialog.h"
#include "ck-gui-test-util.h"
#include "ck-resources.h"
#include "ck-revocation-status.h"
#include "ck-revoke-dialog.h"
#include "ck-sign-dialog.h"
#include "ck-pin-dialog.h"
#include "ck-test-softhsm.h"
#include "ck-test-tools.h"

static gboolean have_softhsm;

typedef struct
{
  char          *dir;
  CkStore       *store;
  CkKeeper      *keeper;
  CkCa          *ca;
  gint64         root_id;
  gint64         keyless_id;
  gint64         no_cert_sign_id;
  gint64         request_id;
} Fixture;

/* A self-signed CA with a new P-256 key, stored with (@store_key) or
 * without its key; @key_usage 0 for the root-ca profile's. */
static gint64
make_ca (Fixture    *fixture,
         const char *cn,
         gboolean    store_key,
         guint       key_usage)
{
  g_autoptr(GError) error = NULL;
  CkKeySpec spec = { CK_KEY_TYPE_ECDSA, 0, "P-256" };
  g_autoptr(CkPrivateKey) key = ck_key_generate (&spec, NULL, &error);
  g_autoptr(CkRequestBuilder) contents = ck_request_builder_new ();
  g_autoptr(CkCertificateBuilder) builder = NULL;
  g_autoptr(CkCertificate) cert = NULL;
  g_autofree char *subject = g_strdup_printf ("CN=%s,O=Certkeeper Tests", cn);
  gint64 key_id = 0, id = 0;

  g_assert_no_error (error);
  g_assert_true (ck_request_builder_add_subject_string (contents, subject, &error));
  ck_certificate_profile_apply (CK_CERTIFICATE_PROFILE_ROOT_CA, contents);
  if (key_usage != 0)
    ck_request_builder_set_key_usage (contents, key_usage, TRUE);
  builder = ck_certificate_builder_new_self_signed (contents);
  cert = ck_certificate_builder_self_sign (builder, key, CK_BUILD_IGNORE_FINDINGS, &error);
  g_assert_no_error (error);
  if (store_key)
    g_assert_true (ck_store_add_key (fixture->store, key, cn, NULL, CK_COMMIT_NO_KEY_PASSPHRASE,
                                     &key_id, &error));
  g_assert_no_error (error);
  g_assert_true (ck_ca_add_issued (fixture->ca, cert, 0, &id, NULL, &error));
  g_assert_no_error (error);
  return id;
}

static void
fixture_setup (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  CkKeySpec spec = { CK_KEY_TYPE_ECDSA, 0, "P-256" };
  g_autoptr(CkPrivateKey) key = NULL;
  g_autoptr(CkRequestBuilder) builder = ck_request_builder_new ();
  g_autoptr(CkRequest) request = NULL;
  gint64 key_id = 0;

  fixture->dir = g_dir_make_tmp ("ck-gui-ca-XXXXXX", &error);
  g_assert_no_error (error);
  fixture->store = ck_store_open (fixture->dir, &error);
  g_assert_no_error (error);
  fixture->keeper = ck_keeper_new (fixture->store);
  fixture->ca = ck_ca_new (fixture->store, &error);
  g_assert_no_error (error);

  fixture->root_id = make_ca (fixture, "Lab Root CA", TRUE, 0);
  fixture->keyless_id = make_ca (fixture, "Keyless CA", FALSE, 0);
  fixture->no_cert_sign_id = make_ca (fixture, "No Cert Sign CA", TRUE,
                                      GNUTLS_KEY_DIGITAL_SIGNATURE | GNUTLS_KEY_CRL_SIGN);

  /* A pending request that asks for too much: CA:TRUE. */
  key = ck_key_generate (&spec, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (ck_store_add_key (fixture->store, key, "www key", NULL, CK_COMMIT_NO_KEY_PASSPHRASE,
                                   &key_id, &error));
  g_assert_true (ck_request_builder_add_subject_string (builder, "CN=www.lab.test,O=Lab", &error));
  g_assert_true (ck_request_builder_add_san_string (builder, "DNS:www.lab.test", &error));
  ck_request_builder_apply_profile (builder, CK_REQUEST_PROFILE_TLS_SERVER);
  ck_request_builder_set_basic_constraints (builder, TRUE, TRUE, -1, TRUE);
  request = ck_request_builder_build (builder, key, CK_BUILD_IGNORE_FINDINGS, &error);
  g_assert_no_error (error);
  fixture->request_id = ck_store_add_request (fixture->store, request, "tls-server", &error);
  g_assert_no_error (error);
}

static void
fixture_teardown (Fixture       *fixture,
                  gconstpointer  data)
{
  g_clear_object (&fixture->ca);
  g_clear_object (&fixture->keeper);
  g_clear_object (&fixture->store);
  ck_test_remove_tree (fixture->dir);
  g_free (fixture->dir);
}

static gboolean
has_finding (CkSignDialog      *dialog,
             CkFindingSeverity  severity,
             const char        *part)
{
  GPtrArray *findings = ck_sign_dialog_get_findings (dialog);

  for (guint i = 0; i < findings->len; i++)
    {
      CkRequestFinding *finding = findings->pdata[i];

      if (finding->severity == severity && strstr (finding->message, part) != NULL)
        return TRUE;
    }
  return FALSE;
}

static gboolean
strv_has_prefix (GPtrArray  *lines,
                 const char *prefix)
{
  for (guint i = 0; i < lines->len; i++)
    if (g_str_has_prefix (lines->pdata[i], prefix))
      return TRUE;
  return FALSE;
}

typedef struct
{
  gint64   certificate_id;
  gboolean request_issued;
  gboolean done;
} Issued;

static void
issued_cb (CkSignDialog *dialog,
           gint64        certificate_id,
           gboolean      request_issued,
           Issued       *issued)
{
  issued->certificate_id = certificate_id;
  issued->request_issued = request_issued;
  issued->done = TRUE;
}

static gboolean
issued_done (gpointer data)
{
  return ((Issued *) data)->done;
}

static gboolean
request_is_issued (gpointer data)
{
  Fixture *fixture = data;
  CkStoredRequest *row = ck_store_get_request_row (fixture->store, fixture->request_id);

  return row != NULL && ck_stored_request_get_status (row) == CK_REQUEST_STATUS_ISSUED;
}

static void
test_offered (Fixture       *fixture,
              gconstpointer  data)
{
  CkSignDialog *dialog = ck_sign_dialog_new (NULL, fixture->keeper, NULL, fixture->request_id);
  g_autoptr(GArray) offered = ck_sign_dialog_get_offered (dialog);
  GPtrArray *not_offered = ck_sign_dialog_get_not_offered (dialog);

  /* Only the root: the others are explained. */
  g_assert_cmpuint (offered->len, ==, 1);
  g_assert_cmpint (g_array_index (offered, gint64, 0), ==, fixture->root_id);
  g_assert_cmpuint (not_offered->len, ==, 2);
  g_assert_true (strv_has_prefix (not_offered, "Keyless CA: Its private key is neither"));
  g_assert_true (strv_has_prefix (not_offered, "No Cert Sign CA: The key usage of the CA certificate"));
  g_assert_false (ck_sign_dialog_select_ca (dialog, fixture->keyless_id));
  g_assert_true (ck_sign_dialog_select_ca (dialog, fixture->root_id));
  g_assert_true (ck_sign_dialog_can_sign (dialog));
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
test_ca_true_not_kept (Fixture       *fixture,
                       gconstpointer  data)
{
  CkSignDialog *dialog = ck_sign_dialog_new (NULL, fixture->keeper, NULL, fixture->request_id);
  GtkSwitch *keep_bc = ck_sign_dialog_get_keep_switch (dialog, CK_OID_EXT_BASIC_CONSTRAINTS);
  GtkSwitch *keep_san = ck_sign_dialog_get_keep_switch (dialog, CK_OID_EXT_SUBJECT_ALT_NAME);

  g_assert_nonnull (keep_bc);
  g_assert_nonnull (keep_san);
  /* Off by default: the issued certificate is a leaf. */
  g_assert_false (gtk_switch_get_active (keep_bc));
  g_assert_true (gtk_switch_get_active (keep_san));
  g_assert_cmpstr (ck_sign_dialog_get_issued_text (dialog, "basicConstraints"), ==,
                   "Not a certificate authority\n(critical)");
  g_assert_cmpstr (ck_sign_dialog_get_issued_text (dialog, "subjectAltName"), ==,
                   "DNS name: www.lab.test");
  g_assert_false (has_finding (dialog, CK_FINDING_WARNING, "CA:TRUE is kept"));

  /* Kept by hand: a CA, and a warning says so. */
  gtk_switch_set_active (keep_bc, TRUE);
  g_assert_true (g_str_has_prefix (ck_sign_dialog_get_issued_text (dialog, "basicConstraints"),
                                   "A certificate authority"));
  g_assert_true (has_finding (dialog, CK_FINDING_WARNING, "CA:TRUE is kept"));

  /* Dropping the names: the certificate says what the profile gives. */
  gtk_switch_set_active (keep_bc, FALSE);
  gtk_switch_set_active (keep_san, FALSE);
  g_assert_cmpstr (ck_sign_dialog_get_issued_text (dialog, "subjectAltName"), ==, "None");
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
test_checks (Fixture       *fixture,
             gconstpointer  data)
{
  CkSignDialog *dialog = ck_sign_dialog_new (NULL, fixture->keeper, NULL, fixture->request_id);
  GtkSpinButton *days = NULL;
  GtkEditable *serial = NULL;

  days = GTK_SPIN_BUTTON (gtk_widget_get_template_child (GTK_WIDGET (dialog), CK_TYPE_SIGN_DIALOG,
                                                         "days_spin"));
  serial = GTK_EDITABLE (gtk_widget_get_template_child (GTK_WIDGET (dialog), CK_TYPE_SIGN_DIALOG,
                                                        "serial_row"));
  /* A TLS server request: the profile's default stays within the limit. */
  g_assert_false (has_finding (dialog, CK_FINDING_WARNING, "SC-081"));
  gtk_spin_button_set_value (days, 825);
  g_assert_true (has_finding (dialog, CK_FINDING_WARNING, "CA/Browser Forum ballot SC-081"));
  /* A warning does not block. */
  g_assert_true (ck_sign_dialog_can_sign (dialog));
  g_assert_true (g_str_has_suffix (ck_sign_dialog_get_issued_text (dialog, "validity"),
                                   "(825 days)"));

  gtk_editable_set_text (serial, "not hex");
  g_assert_true (has_finding (dialog, CK_FINDING_ERROR, "hexadecimal"));
  g_assert_false (ck_sign_dialog_can_sign (dialog));
  /* 21 octets: the core's RFC 5280 check. */
  gtk_editable_set_text (serial, "01:02:03:04:05:06:07:08:09:0a:0b:0c:0d:0e:0f:10:11:12:13:14:15");
  g_assert_false (ck_sign_dialog_can_sign (dialog));
  gtk_editable_set_text (serial, "7f:01");
  g_assert_true (ck_sign_dialog_can_sign (dialog));
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
test_sign_revoke (Fixture       *fixture,
                  gconstpointer  data)
{
  CkSignDialog *dialog = ck_sign_dialog_new (NULL, fixture->keeper, NULL, fixture->request_id);
  GtkWidget *sign_button = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (dialog),
                                                                      CK_TYPE_SIGN_DIALOG,
                                                                      "sign_button"));
  Issued issued = { 0, };
  g_autoptr(CkCertificate) cert = NULL;
  g_autoptr(CkCertificate) root = NULL;
  g_autoptr(CkRevocation) revocation = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *status = NULL;
  CkRevokeDialog *revoke;
  gint64 issuer_id = 0;
  gboolean is_ca = TRUE;

  g_signal_connect (dialog, "issued", G_CALLBACK (issued_cb), &issued);
  gtk_window_present (GTK_WINDOW (dialog));
  g_assert_true (ck_sign_dialog_can_sign (dialog));
  g_signal_emit_by_name (sign_button, "clicked");
  ck_gui_test_spin_until (issued_done, &issued);

  g_assert_cmpint (issued.certificate_id, >, 0);
  g_assert_true (issued.request_issued);
  ck_gui_test_spin_until (request_is_issued, fixture);
  cert = ck_store_load_certificate (fixture->store, issued.certificate_id, &error);
  g_assert_no_error (error);
  root = ck_store_load_certificate (fixture->store, fixture->root_id, &error);
  g_assert_no_error (error);
  /* A leaf of the root, whatever the request asked. */
  g_assert_cmpstr (ck_certificate_get_issuer (cert), ==, ck_certificate_get_subject (root));
  g_assert_true (!ck_certificate_get_basic_constraints (cert, &is_ca, NULL, NULL) || !is_ca);
  g_assert_cmpint (ck_ca_find_issuer (fixture->ca, issued.certificate_id, NULL), ==, fixture->root_id);

  /* Revoke: a date in the future is refused; the reason is kept. */
  revoke = ck_revoke_dialog_new (NULL, cert, root);
  ck_revoke_dialog_set_time_text (revoke, "2999-01-01");
  g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (revoke), "revoke"));
  g_assert_cmpint (ck_revoke_dialog_get_time (revoke), ==, 0);
  ck_revoke_dialog_set_time_text (revoke, "nonsense");
  g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (revoke), "revoke"));
  {
    g_autoptr(GDateTime) now = g_date_time_new_now_local ();
    g_autofree char *text = g_date_time_format (now, "%Y-%m-%d %H:%M");

    ck_revoke_dialog_set_time_text (revoke, text);
  }
  g_assert_true (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (revoke), "revoke"));
  ck_revoke_dialog_set_reason (revoke, CK_REVOCATION_KEY_COMPROMISE);
  g_assert_cmpint (ck_revoke_dialog_get_reason (revoke), ==, CK_REVOCATION_KEY_COMPROMISE);
  g_assert_true (ck_keeper_revoke (fixture->keeper, issued.certificate_id,
                                   ck_revoke_dialog_get_reason (revoke),
                                   ck_revoke_dialog_get_time (revoke), NULL, &issuer_id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (issuer_id, ==, fixture->root_id);
  gtk_window_destroy (GTK_WINDOW (revoke));

  /* What the details then say. */
  revocation = ck_revocation_status_lookup (fixture->ca, fixture->store, issued.certificate_id,
                                            &issuer_id);
  g_assert_nonnull (revocation);
  g_assert_cmpint (revocation->reason, ==, CK_REVOCATION_KEY_COMPROMISE);
  status = ck_revocation_status_text (fixture->store, revocation, issuer_id);
  g_assert_true (g_str_has_prefix (status, "Revoked on "));
  g_assert_nonnull (strstr (status, "(Key compromise) by “Lab Root CA”"));
}

static void
test_crl_dialog (Fixture       *fixture,
                 gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CkCertificate) root = ck_store_load_certificate (fixture->store, fixture->root_id, &error);
  CkCrlDialog *dialog;

  g_assert_no_error (error);
  dialog = ck_crl_dialog_new (NULL, root, 0, FALSE);
  g_assert_cmpint (ck_crl_dialog_get_next_update (dialog), ==, 7 * 24 * 60 * 60);
  g_assert_false (ck_crl_dialog_get_der (dialog));
  g_assert_null (ck_crl_dialog_get_passphrase (dialog));
  ck_crl_dialog_set_days (dialog, 30);
  ck_crl_dialog_set_der (dialog, TRUE);
  g_assert_cmpint (ck_crl_dialog_get_next_update (dialog), ==, 30 * 24 * 60 * 60);
  g_assert_true (ck_crl_dialog_get_der (dialog));
  gtk_window_destroy (GTK_WINDOW (dialog));

  /* An encrypted CA key: Export waits for its passphrase. */
  dialog = ck_crl_dialog_new (NULL, root, 3, TRUE);
  g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "export"));
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static GtkWidget *
shown_pin_dialog (void)
{
  return ck_gui_test_find_toplevel (CK_TYPE_PIN_DIALOG);
}

static gboolean
pin_dialog_or_issued (gpointer data)
{
  return shown_pin_dialog () != NULL || ((Issued *) data)->done;
}

static gboolean
is_password_row (GtkWidget     *widget,
                 gconstpointer  data)
{
  return ADW_IS_PASSWORD_ENTRY_ROW (widget);
}

static gboolean
widget_ready (gpointer data)
{
  /* A PIN entry stays sensitive (and focused) while the token is read,
   * but is not editable until it can be typed into. */
  return gtk_widget_is_visible (data) && gtk_widget_is_sensitive (data) &&
         (!GTK_IS_EDITABLE (data) || gtk_editable_get_editable (GTK_EDITABLE (data)));
}

/* A CA whose key is on a SoftHSM token: offered, said to be on the token,
 * and signing asks for the token's PIN in the PIN dialog, then signs on
 * the token. */
static void
test_token_ca (Fixture       *fixture,
               gconstpointer  data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(CkToken) token = NULL;
  g_autoptr(CkRequestBuilder) contents = ck_request_builder_new ();
  g_autoptr(CkCertificateBuilder) builder = NULL;
  g_autoptr(CkKeeperIssued) root = NULL;
  g_autoptr(CkCertificate) cert = NULL;
  g_autofree char *uri = NULL;
  CkKeeperKeyChoice key = { 0, };
  CkSignDialog *dialog;
  GtkWidget *sign_button, *pin, *entry, *login;
  Issued issued = { 0, };

  if (!have_softhsm)
    {
      g_test_skip ("SoftHSM2 is not installed");
      return;
    }
  uri = ck_test_softhsm_token_uri ("gui-ca");
  token = ck_token_lookup (uri, &error);
  g_assert_no_error (error);
  g_assert_true (ck_token_login (token, CK_TEST_SOFTHSM_USER_PIN, &error));
  g_assert_no_error (error);
  g_assert_true (ck_request_builder_add_subject_string (contents, "CN=Token Root CA", &error));
  ck_certificate_profile_apply (CK_CERTIFICATE_PROFILE_ROOT_CA, contents);
  builder = ck_certificate_builder_new_self_signed (contents);
  key.source = CK_KEEPER_KEY_TOKEN_NEW;
  key.spec.type = CK_KEY_TYPE_ECDSA;
  key.spec.curve = "P-256";
  key.label = "Token Root CA";
  key.token = token;
  root = ck_keeper_self_sign (fixture->keeper, builder, &key, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  /* The window comes to a token that is not logged in. */
  ck_token_logout (token);

  dialog = ck_sign_dialog_new (NULL, fixture->keeper, NULL, fixture->request_id);
  g_signal_connect (dialog, "issued", G_CALLBACK (issued_cb), &issued);
  gtk_window_present (GTK_WINDOW (dialog));
  g_assert_true (ck_sign_dialog_select_ca (dialog, root->certificate_id));
  g_assert_true (ck_sign_dialog_can_sign (dialog));
  sign_button = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (dialog), CK_TYPE_SIGN_DIALOG,
                                                           "sign_button"));
  g_signal_emit_by_name (sign_button, "clicked");

  /* The PIN, typed in the PIN dialog (never asked when still logged in). */
  ck_gui_test_spin_until (pin_dialog_or_issued, &issued);
  pin = shown_pin_dialog ();
  if (pin != NULL)
    {
      entry = ck_gui_test_find_widget (pin, is_password_row, NULL);
      login = ck_gui_test_find_button (pin, "_Log In");
      g_assert_nonnull (entry);
      g_assert_nonnull (login);
      ck_gui_test_spin_until (widget_ready, entry);
      gtk_editable_set_text (GTK_EDITABLE (entry), CK_TEST_SOFTHSM_USER_PIN);
      ck_gui_test_spin_until (widget_ready, login);
      g_signal_emit_by_name (login, "clicked");
    }
  else
    g_test_message ("the token stayed logged in: no PIN dialog");
  ck_gui_test_spin_until (issued_done, &issued);

  cert = ck_store_load_certificate (fixture->store, issued.certificate_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (ck_certificate_get_issuer (cert), ==, "CN=Token Root CA");
  g_assert_cmpint (ck_ca_find_issuer (fixture->ca, issued.certificate_id, NULL), ==,
                   root->certificate_id);
  g_assert_true (issued.request_issued);
}

static void
skip_without_display (void)
{
  g_test_skip ("No display: the widget tests need Xvfb");
}

int
main (int   argc,
      char *argv[])
{
  static const char *token_labels[] = { "gui-ca", NULL };
  int ret;

  g_test_init (&argc, &argv, NULL);
  /* Before GnuTLS loads the modules. */
  have_softhsm = ck_test_softhsm_setup (token_labels);
  ck_core_init ();
  /* A GnuTLS PIN prompt would be a bug: logins go through the dialog. */
  gnutls_pkcs11_set_pin_function (NULL, NULL);

  if (!gtk_init_check ())
    {
      g_test_add_func ("/ca/need-a-display", skip_without_display);
      ret = g_test_run ();
      ck_test_softhsm_teardown ();
      return ret;
    }
  adw_init ();
  g_object_set (gtk_settings_get_default (), "gtk-cursor-blink", FALSE, NULL);
  (void) ck_get_resource ();

  g_test_add ("/ca/offered", Fixture, NULL, fixture_setup, test_offered, fixture_teardown);
  g_test_add ("/ca/ca-true-not-kept", Fixture, NULL, fixture_setup, test_ca_true_not_kept,
              fixture_teardown);
  g_test_add ("/ca/checks", Fixture, NULL, fixture_setup, test_checks, fixture_teardown);
  g_test_add ("/ca/sign-revoke", Fixture, NULL, fixture_setup, test_sign_revoke, fixture_teardown);
  g_test_add ("/ca/crl-dialog", Fixture, NULL, fixture_setup, test_crl_dialog, fixture_teardown);
  g_test_add ("/ca/token-ca", Fixture, NULL, fixture_setup, test_token_ca, fixture_teardown);

  ret = g_test_run ();
  ck_test_softhsm_teardown ();
  return ret;
}
