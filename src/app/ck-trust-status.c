/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gi18n.h>

#include "ck-trust-status.h"
#include "ck-cell-tooltip.h"

static const char * const purposes[] = {
  CK_PURPOSE_TLS_SERVER, CK_PURPOSE_TLS_CLIENT, CK_PURPOSE_CODE_SIGNING, CK_PURPOSE_EMAIL,
};

const char * const *
ck_trust_status_purposes (guint *n_purposes)
{
  if (n_purposes != NULL)
    *n_purposes = G_N_ELEMENTS (purposes);
  return purposes;
}

const char *
ck_trust_status_purpose_name (const char *purpose)
{
  if (g_strcmp0 (purpose, CK_PURPOSE_TLS_SERVER) == 0)
    return _("TLS server");
  if (g_strcmp0 (purpose, CK_PURPOSE_TLS_CLIENT) == 0)
    return _("TLS client");
  if (g_strcmp0 (purpose, CK_PURPOSE_CODE_SIGNING) == 0)
    return _("Code signing");
  if (g_strcmp0 (purpose, CK_PURPOSE_EMAIL) == 0)
    return _("Email protection");
  if (g_strcmp0 (purpose, CK_PURPOSE_ALL) == 0)
    return _("All purposes");
  return purpose != NULL ? ck_purpose_get_display_name (purpose) : "";
}

const char *
ck_trust_status_label (CkVerifyStatus status)
{
  switch (status)
    {
    case CK_VERIFY_TRUSTED:
      return _("Trusted");
    case CK_VERIFY_NOT_TRUSTED:
      return _("Not trusted");
    case CK_VERIFY_DISTRUSTED:
      return _("Distrusted");
    case CK_VERIFY_ISSUER_UNKNOWN:
      return _("Issuer unknown");
    case CK_VERIFY_EXPIRED:
      return _("Expired");
    case CK_VERIFY_NOT_YET_VALID:
      return _("Not yet valid");
    case CK_VERIFY_BAD_SIGNATURE:
      return _("Bad signature");
    case CK_VERIFY_INSECURE_ALGORITHM:
      return _("Insecure algorithm");
    case CK_VERIFY_UNKNOWN_CRITICAL_EXTENSION:
      return _("Unknown critical extension");
    case CK_VERIFY_PURPOSE_NOT_ALLOWED:
      return _("Not for this purpose");
    case CK_VERIFY_CONSTRAINT_VIOLATED:
      return _("Invalid chain");
    case CK_VERIFY_UNSUPPORTED_ALGORITHM:
      return _("Cannot be verified");
    case CK_VERIFY_CANNOT_VERIFY:
      return _("Cannot verify");
    case CK_VERIFY_REVOKED:
      return _("Revoked");
    case CK_VERIFY_REVOCATION_UNKNOWN:
      return _("Revocation unknown");
    default:
      return _("Unknown");
    }
}

const char *
ck_trust_status_icon (CkVerifyStatus status)
{
  switch (status)
    {
    case CK_VERIFY_TRUSTED:
      return "emblem-ok-symbolic";
    case CK_VERIFY_NOT_TRUSTED:
      return "action-unavailable-symbolic";
    case CK_VERIFY_DISTRUSTED:
    case CK_VERIFY_REVOKED:
      return "process-stop-symbolic";
    case CK_VERIFY_ISSUER_UNKNOWN:
      /* The app's own (a broken chain link), from its resources. */
      return "ck-issuer-unknown-symbolic";
    case CK_VERIFY_EXPIRED:
    case CK_VERIFY_NOT_YET_VALID:
      return "dialog-warning-symbolic";
    default:
      return "dialog-error-symbolic";
    }
}

static gboolean
by_system (CkVerification *verification)
{
  return ck_verification_get_status (verification) == CK_VERIFY_TRUSTED
         && g_strcmp0 (ck_verification_get_anchor_source (verification), "system") == 0;
}

const char *
ck_trust_status_verdict_label (CkVerification *verification)
{
  if (ck_verification_get_status (verification) != CK_VERIFY_TRUSTED)
    return ck_trust_status_label (ck_verification_get_status (verification));
  /* Translators: a verdict in the Trust column: the chain ends at an
   * anchor of the operating system's list */
  return by_system (verification) ? _("Trusted by the system")
                                  /* Translators: the chain ends at a
                                   * certificate the user chose to trust */
                                  : _("Trusted by you");
}

const char *
ck_trust_status_verdict_icon (CkVerification *verification)
{
  return by_system (verification) ? "computer-symbolic"
                                  : ck_trust_status_icon (ck_verification_get_status (verification));
}

int
ck_trust_status_rank (CkVerification *verification)
{
  CkVerifyStatus status;

  if (verification == NULL)
    return CK_TRUST_STATUS_RANK_PENDING;
  status = ck_verification_get_status (verification);
  switch (status)
    {
    case CK_VERIFY_DISTRUSTED:
      return 0;
    case CK_VERIFY_BAD_SIGNATURE:
    case CK_VERIFY_INSECURE_ALGORITHM:
    case CK_VERIFY_UNKNOWN_CRITICAL_EXTENSION:
    case CK_VERIFY_CONSTRAINT_VIOLATED:
    case CK_VERIFY_UNSUPPORTED_ALGORITHM:
    case CK_VERIFY_CANNOT_VERIFY:
      return 2;
    case CK_VERIFY_EXPIRED:
    case CK_VERIFY_NOT_YET_VALID:
      return 3;
    case CK_VERIFY_PURPOSE_NOT_ALLOWED:
      return 4;
    case CK_VERIFY_NOT_TRUSTED:
      return 5;
    case CK_VERIFY_ISSUER_UNKNOWN:
      return 6;
    case CK_VERIFY_TRUSTED:
      return by_system (verification) ? 7 : 8;
    default:
      /* A status newer than this list: revoked (by its JSON name, so
       * that this builds before and after it exists) next to distrusted,
       * anything else with the invalid ones. */
      return g_strcmp0 (ck_verify_status_to_string (status), "revoked") == 0 ? 1 : 2;
    }
}

const char *
ck_trust_status_css_class (CkVerifyStatus status)
{
  switch (status)
    {
    case CK_VERIFY_TRUSTED:
      return "success";
    case CK_VERIFY_NOT_TRUSTED:
    case CK_VERIFY_ISSUER_UNKNOWN:
      return NULL;
    case CK_VERIFY_EXPIRED:
    case CK_VERIFY_NOT_YET_VALID:
      return "warning";
    default:
      return "error";
    }
}

static char *
format_day (gint64 when)
{
  g_autoptr(GDateTime) time = g_date_time_new_from_unix_utc (when);

  /* Translators: the day a trust decision was made, see g_date_time_format() */
  return time != NULL ? g_date_time_format (time, _("%-d %B %Y")) : g_strdup ("?");
}

char *
ck_trust_status_describe (CkVerification *verification,
                          CkTrust        *trust)
{
  const char *purpose = ck_trust_status_purpose_name (ck_verification_get_purpose (verification));
  const char *subject = ck_verification_get_subject_name (verification);
  const char *subject_sha256 = ck_verification_get_subject_sha256 (verification);
  g_autoptr(CkStoredCertificate) row = NULL;

  if (subject == NULL)
    subject = "?";
  if (trust != NULL && subject_sha256 != NULL)
    {
      CkStore *store = ck_trust_get_store (trust);
      gint64 id = ck_store_find_certificate (store, subject_sha256);

      if (id != 0 && (row = ck_store_get_certificate_row (store, id)) != NULL)
        g_object_ref (row);
    }

  switch (ck_verification_get_status (verification))
    {
    case CK_VERIFY_TRUSTED:
      if (g_strcmp0 (ck_verification_get_anchor_source (verification), "system") == 0)
        /* Translators: "Trusted for TLS server through ISRG Root X1 (a system anchor)" */
        return g_strdup_printf (_("Trusted for %s through %s (an anchor of the system)"), purpose,
                                ck_verification_get_anchor_name (verification));
      /* Translators: "Trusted for TLS server through Example Root CA" */
      return g_strdup_printf (_("Trusted for %s through %s"), purpose,
                              ck_verification_get_anchor_name (verification));
    case CK_VERIFY_NOT_TRUSTED:
      /* Translators: the second %s is the self-signed root at the top of the chain */
      return g_strdup_printf (_("Not trusted for %s: the root “%s” is not trusted"), purpose,
                              subject);
    case CK_VERIFY_ISSUER_UNKNOWN:
      return g_strdup_printf (_("Not trusted: issued by an unknown authority (%s)"),
                              row != NULL ? ck_stored_certificate_get_issuer_name (row) : subject);
    case CK_VERIFY_DISTRUSTED:
      {
        CkTrustSetting *setting = NULL;
        g_autofree char *day = NULL;
        char *text;

        if (trust == NULL || row == NULL
            || !ck_trust_is_distrusted (trust, subject_sha256,
                                        ck_stored_certificate_get_spki_sha256 (row),
                                        ck_verification_get_purpose (verification), &setting,
                                        NULL))
          return g_strdup_printf (_("Distrusted: “%s” is distrusted"), subject);
        day = format_day (setting->set_at);
        if (g_strcmp0 (setting->sha256, subject_sha256) != 0)
          /* Translators: a distrust made on another certificate with the same key */
          text = g_strdup_printf (_("Distrusted by you on %s: the key of “%s” is distrusted"),
                                  day, subject);
        else if (g_str_equal (subject_sha256, ck_verification_get_chain (verification)[0]))
          text = g_strdup_printf (_("Distrusted by you on %s"), day);
        else
          /* Translators: an issuer in the chain was distrusted */
          text = g_strdup_printf (_("Distrusted by you on %s: “%s” in its chain"), day, subject);
        ck_trust_setting_free (setting);
        return text;
      }
    case CK_VERIFY_EXPIRED:
      return g_strdup_printf (_("Not valid: “%s” has expired"), subject);
    case CK_VERIFY_NOT_YET_VALID:
      return g_strdup_printf (_("Not valid yet: “%s” is not valid before its start date"), subject);
    case CK_VERIFY_BAD_SIGNATURE:
      return g_strdup_printf (_("Not valid: the signature on “%s” does not verify"), subject);
    case CK_VERIFY_INSECURE_ALGORITHM:
      return g_strdup_printf (_("Not valid: “%s” uses an insecure algorithm or key size"), subject);
    case CK_VERIFY_UNKNOWN_CRITICAL_EXTENSION:
      return g_strdup_printf (_("Not valid: “%s” has an unknown critical extension"), subject);
    case CK_VERIFY_PURPOSE_NOT_ALLOWED:
      return g_strdup_printf (_("Not valid for %s: the extended key usage of “%s” does not allow it"),
                              purpose, subject);
    case CK_VERIFY_UNSUPPORTED_ALGORITHM:
      return g_strdup_printf (_("Cannot be verified: “%s” is signed with a key algorithm "
                                "that is not supported"), subject);
    case CK_VERIFY_CANNOT_VERIFY:
    case CK_VERIFY_REVOKED:
    case CK_VERIFY_REVOCATION_UNKNOWN:
      /* The core's reason names what could not be read, and why; or
       * which certificate is revoked, when and why. */
      return g_strdup (ck_verification_get_reason (verification));
    case CK_VERIFY_CONSTRAINT_VIOLATED:
    default:
      return g_strdup_printf (_("Not valid: “%s” breaks its issuer’s constraints"), subject);
    }
}

#define DEFERRED_VERIFICATION "ck-trust-status-verification"
#define DEFERRED_TRUST "ck-trust-status-trust"

/* The why of ck_trust_status_box_set_deferred(), worked out when the
 * pointer rests on the cell: ck_trust_status_describe() reads the store,
 * too much for each of the hundreds of cells a keystroke or a batch of
 * verdicts binds. Runs after the cell's own tooltip text (none then). */
char *
ck_trust_status_box_get_deferred_tooltip (GtkWidget *box)
{
  CkVerification *verification = g_object_get_data (G_OBJECT (box), DEFERRED_VERIFICATION);

  if (verification == NULL)
    return NULL;
  return ck_trust_status_describe (verification,
                                   g_object_get_data (G_OBJECT (box), DEFERRED_TRUST));
}

static gboolean
query_deferred_tooltip (GtkWidget  *box,
                        int         x,
                        int         y,
                        gboolean    keyboard,
                        GtkTooltip *tooltip,
                        gpointer    user_data)
{
  g_autofree char *reason = ck_trust_status_box_get_deferred_tooltip (box);

  if (reason == NULL || reason[0] == '\0')
    return FALSE;
  gtk_tooltip_set_text (tooltip, reason);
  return TRUE;
}

static void
clear_deferred (GtkWidget *box)
{
  g_object_set_data (G_OBJECT (box), DEFERRED_VERIFICATION, NULL);
  g_object_set_data (G_OBJECT (box), DEFERRED_TRUST, NULL);
}

GtkWidget *
ck_trust_status_box_new (void)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  GtkWidget *label = gtk_label_new (NULL);

  gtk_box_append (GTK_BOX (box), gtk_image_new ());
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  /* A verdict wraps onto a second line ("Issuer / unknown") before it is
   * cut short: the rows have two lines anyway (the expiry cell). */
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  gtk_label_set_lines (GTK_LABEL (label), 2);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  gtk_widget_set_hexpand (label, TRUE);
  gtk_box_append (GTK_BOX (box), label);
  /* Cells are bound by the hundred on a search keystroke: the tooltip is
   * answered on demand instead of set in bind (see ck-cell-tooltip.h). */
  ck_cell_init_tooltip (box);
  g_signal_connect (box, "query-tooltip", G_CALLBACK (query_deferred_tooltip), NULL);
  return box;
}

static void
box_set (GtkWidget  *box,
         const char *icon_name,
         const char *text,
         const char *css_class,
         const char *tooltip)
{
  GtkWidget *icon = gtk_widget_get_first_child (box);
  GtkWidget *label = gtk_widget_get_next_sibling (icon);
  static const char *classes[] = { "success", "warning", "error", "dim-label" };

  gtk_image_set_from_icon_name (GTK_IMAGE (icon), icon_name);
  /* The words are next to it: the icon itself is decoration. */
  gtk_accessible_update_property (GTK_ACCESSIBLE (icon), GTK_ACCESSIBLE_PROPERTY_LABEL, text, -1);
  gtk_label_set_text (GTK_LABEL (label), text);
  for (guint i = 0; i < G_N_ELEMENTS (classes); i++)
    gtk_widget_remove_css_class (label, classes[i]);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  ck_cell_set_tooltip (box, tooltip);
}

void
ck_trust_status_box_set (GtkWidget      *box,
                         CkVerification *verification,
                         const char     *tooltip)
{
  clear_deferred (box);
  box_set (box, ck_trust_status_verdict_icon (verification),
           ck_trust_status_verdict_label (verification),
           ck_trust_status_css_class (ck_verification_get_status (verification)), tooltip);
}

void
ck_trust_status_box_set_deferred (GtkWidget      *box,
                                  CkVerification *verification,
                                  CkTrust        *trust)
{
  box_set (box, ck_trust_status_verdict_icon (verification),
           ck_trust_status_verdict_label (verification),
           ck_trust_status_css_class (ck_verification_get_status (verification)), NULL);
  g_object_set_data_full (G_OBJECT (box), DEFERRED_VERIFICATION, g_object_ref (verification),
                          g_object_unref);
  if (trust != NULL)
    g_object_set_data_full (G_OBJECT (box), DEFERRED_TRUST, g_object_ref (trust), g_object_unref);
  else
    g_object_set_data (G_OBJECT (box), DEFERRED_TRUST, NULL);
}

void
ck_trust_status_box_set_pending (GtkWidget *box)
{
  clear_deferred (box);
  box_set (box, "content-loading-symbolic", _("Checking…"), "dim-label", NULL);
}

void
ck_trust_status_box_clear (GtkWidget *box)
{
  GtkWidget *icon = gtk_widget_get_first_child (box);

  clear_deferred (box);
  gtk_image_clear (GTK_IMAGE (icon));
  gtk_label_set_text (GTK_LABEL (gtk_widget_get_next_sibling (icon)), "");
  ck_cell_set_tooltip (box, NULL);
}
