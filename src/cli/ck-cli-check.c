/* SPDX-License-Identifier: GPL-3.0-or-later */
/* certkeeper-cli check: what has expired or expires soon, for a person at a
 * terminal, a cron job (exit status 4), a script (--json) or a monitoring
 * system (--nagios). The decisions are ck_expiry_check_run()'s. */
#include <glib/gi18n.h>

#include "ck-cli.h"
#include "ck-cli-describe.h"
#include "ck-json-writer.h"

#include <string.h>

/* The Nagios/Icinga plugin exit codes. */
enum {
  NAGIOS_OK = 0,
  NAGIOS_WARNING = 1,
  NAGIOS_CRITICAL = 2,
  NAGIOS_UNKNOWN = 3,
};

/* A maximum of a hundred years keeps days * 86400 far from overflowing. */
#define MAX_WITHIN_DAYS 36500

static const char *
item_state (const CkExpiryItem *item)
{
  return item->expired ? "expired" : "expiring";
}

static char *
key_text (const CkExpiryItem *item)
{
  switch (item->key_location)
    {
    case CK_KEY_LOCATION_STORE:
      return g_strdup_printf ("store:%" G_GINT64_FORMAT, ck_stored_key_get_id (item->key));
    case CK_KEY_LOCATION_TOKEN:
      return g_strdup_printf ("token:%s", item->token_label != NULL ? item->token_label
                                                                     : ck_stored_key_get_pkcs11_uri (item->key));
    case CK_KEY_LOCATION_NONE:
    default:
      return g_strdup ("-");
    }
}

static void
count_items (GPtrArray *items,
             guint     *expired,
             guint     *expiring)
{
  *expired = *expiring = 0;
  for (guint i = 0; i < items->len; i++)
    {
      const CkExpiryItem *item = g_ptr_array_index (items, i);

      if (item->expired)
        (*expired)++;
      else
        (*expiring)++;
    }
}

static int
print_json (GPtrArray *items,
            gint64     now,
            guint      days)
{
  g_autoptr (CkJsonWriter) json = ck_json_writer_new ();
  g_autoptr (GError) error = NULL;
  guint expired, expiring;
  const char *text;

  count_items (items, &expired, &expiring);
  ck_json_writer_begin_object (json);
  ck_cli_json_time_member (json, "now", now);
  ck_json_writer_int_member (json, "within_days", days);
  ck_json_writer_int_member (json, "expired", expired);
  ck_json_writer_int_member (json, "expiring", expiring);
  ck_json_writer_member (json, "certificates");
  ck_json_writer_begin_array (json);
  for (guint i = 0; i < items->len; i++)
    {
      const CkExpiryItem *item = g_ptr_array_index (items, i);
      CkStoredCertificate *row = item->certificate;

      ck_json_writer_begin_object (json);
      ck_json_writer_int_member (json, "id", ck_stored_certificate_get_id (row));
      ck_json_writer_string_member (json, "display_name", ck_stored_certificate_get_display_name (row));
      ck_json_writer_string_member (json, "subject", ck_stored_certificate_get_subject (row));
      ck_json_writer_string_member (json, "issuer", ck_stored_certificate_get_issuer (row));
      ck_json_writer_string_member (json, "serial", ck_stored_certificate_get_serial (row));
      ck_json_writer_string_member (json, "sha256", ck_stored_certificate_get_sha256 (row));
      ck_cli_json_time_member (json, "not_after", ck_stored_certificate_get_not_after (row));
      ck_json_writer_int_member (json, "days_left", item->days_left);
      ck_json_writer_string_member (json, "state", item_state (item));
      ck_json_writer_boolean_member (json, "watched", item->watched);
      ck_json_writer_string_member (json, "watch", ck_expiry_watch_to_string (item->watch));
      ck_json_writer_string_member (json, "key_location", ck_key_location_to_string (item->key_location));
      ck_cli_json_id_member (json, "key_id", item->key != NULL ? ck_stored_key_get_id (item->key) : 0);
      ck_json_writer_string_member (json, "token", item->token_label);
      ck_json_writer_string_member (json, "pkcs11_uri",
                                    item->key != NULL ? ck_stored_key_get_pkcs11_uri (item->key) : NULL);
      ck_cli_json_id_member (json, "request_id", item->request != NULL ? ck_stored_request_get_id (item->request) : 0);
      ck_cli_json_id_member (json, "renewed_by",
                             item->renewed_by != NULL ? ck_stored_certificate_get_id (item->renewed_by) : 0);
      ck_json_writer_end_object (json);
    }
  ck_json_writer_end_array (json);
  ck_json_writer_end_object (json);

  text = ck_json_writer_get_text (json);
  if (!ck_cli_write_stdout (text, strlen (text), &error))
    return ck_cli_fail (error);
  return items->len > 0 ? CK_CLI_EXIT_DUE : CK_CLI_EXIT_OK;
}

static int
print_table (GPtrArray *items,
             guint      days)
{
  guint expired, expiring;

  if (items->len == 0)
    {
      ck_cli_print_line (ngettext ("Nothing expires within %u day",
                                   "Nothing expires within %u days", days), days);
      return CK_CLI_EXIT_OK;
    }

  ck_cli_print_line ("%-5s %-8s %-20s %6s %-16s %-7s %s", "ID", "STATE", "EXPIRES", "DAYS",
                     "KEY", "REQUEST", "NAME");
  for (guint i = 0; i < items->len; i++)
    {
      const CkExpiryItem *item = g_ptr_array_index (items, i);
      CkStoredCertificate *row = item->certificate;
      g_autofree char *expires = ck_cli_format_time (ck_stored_certificate_get_not_after (row));
      g_autofree char *key = key_text (item);
      g_autofree char *request = item->request != NULL
        ? g_strdup_printf ("%" G_GINT64_FORMAT, ck_stored_request_get_id (item->request))
        : g_strdup ("-");

      g_autofree char *name = item->renewed_by == NULL
        ? g_strdup (ck_stored_certificate_get_display_name (row))
        /* Translators: a certificate's name, then the id of its renewal */
        : g_strdup_printf (_("%s (renewed by certificate %lld)"),
                           ck_stored_certificate_get_display_name (row),
                           (long long) ck_stored_certificate_get_id (item->renewed_by));

      ck_cli_print_line ("%-5" G_GINT64_FORMAT " %-8s %-20s %6" G_GINT64_FORMAT " %-16s %-7s %s",
                         ck_stored_certificate_get_id (row), item_state (item),
                         expires != NULL ? expires : "-", item->days_left, key, request, name);
    }

  count_items (items, &expired, &expiring);
  ck_cli_print_line (ngettext ("%u expired, %u expiring within %u day",
                               "%u expired, %u expiring within %u days", days),
                     expired, expiring, days);
  return CK_CLI_EXIT_DUE;
}

static int
print_nagios (GPtrArray *items,
              guint      days)
{
  g_autoptr (GString) line = g_string_new ("CERTKEEPER ");
  guint expired, expiring;
  int status;

  count_items (items, &expired, &expiring);
  if (expired > 0)
    status = NAGIOS_CRITICAL;
  else if (expiring > 0)
    status = NAGIOS_WARNING;
  else
    status = NAGIOS_OK;
  g_string_append (line, status == NAGIOS_CRITICAL ? "CRITICAL" :
                         status == NAGIOS_WARNING ? "WARNING" : "OK");
  g_string_append (line, " - ");

  if (items->len == 0)
    g_string_append_printf (line, ngettext ("nothing expires within %u day",
                                            "nothing expires within %u days", days), days);
  else
    {
      g_string_append_printf (line, ngettext ("%u expired, %u expiring within %u day:",
                                              "%u expired, %u expiring within %u days:", days),
                              expired, expiring, days);
      for (guint i = 0; i < items->len; i++)
        {
          const CkExpiryItem *item = g_ptr_array_index (items, i);
          g_autofree char *expires = ck_cli_format_time (ck_stored_certificate_get_not_after (item->certificate));

          g_string_append_printf (line, "%s %s (%s %s)", i == 0 ? "" : ",",
                                  ck_stored_certificate_get_display_name (item->certificate),
                                  item->expired ? _("expired") : _("expires"),
                                  expires != NULL ? expires : "-");
        }
    }

  /* Perfdata: 'label'=value;warn;crit;min. Ranges as the plugin
   * guidelines define them: "0" alerts above 0, "DAYS:" below DAYS. */
  g_string_append_printf (line, " | expired=%u;;0;0 expiring=%u;0;;0", expired, expiring);
  if (items->len > 0)
    {
      const CkExpiryItem *soonest = g_ptr_array_index (items, 0);

      g_string_append_printf (line, " days_left=%" G_GINT64_FORMAT ";%u:;0:",
                              soonest->days_left, days);
    }
  ck_cli_print_line ("%s", line->str);
  return status;
}

static gboolean
argv_has (int          argc,
          char       **argv,
          const char  *option)
{
  for (int i = 1; i < argc; i++)
    {
      if (g_str_equal (argv[i], "--"))
        break;
      if (g_str_equal (argv[i], option))
        return TRUE;
    }
  return FALSE;
}

static int
set_watch (CkCli         *cli,
           CkExpiryCheck *check,
           const char    *ref,
           CkExpiryWatch  watch)
{
  g_autoptr (GError) error = NULL;
  CkObjectKind kind;
  gint64 id;

  if (!ck_store_resolve (cli->store, ref, &kind, &id, &error))
    return ck_cli_fail (error);
  if (kind != CK_OBJECT_CERTIFICATE)
    return ck_cli_error (_("%s is a %s, not a certificate"), ref, ck_object_kind_to_string (kind));
  if (!ck_expiry_check_set_watch (check, id, watch, &error))
    return ck_cli_fail (error);
  ck_cli_print_line (_("Expiry watch of certificate %lld set to %s"),
                     (long long) id, ck_expiry_watch_to_string (watch));
  return CK_CLI_EXIT_OK;
}

int
ck_cli_check (CkCli *cli,
              int    argc,
              char **argv)
{
  int within = 30;
  gboolean all = FALSE;
  gboolean json_output = FALSE;
  gboolean nagios = FALSE;
  gboolean notify = FALSE;
  /* Seen before parsing, so that even a usage error is UNKNOWN (3) for a
   * monitoring system (GOption resets the flag when parsing fails). */
  gboolean nagios_given = argv_has (argc, argv, "--nagios");
  g_autofree char *watch_text = NULL;
  const GOptionEntry entries[] = {
    { "within", 0, 0, G_OPTION_ARG_INT, &within,
      N_("Certificates that expire within DAYS days (default 30)"), N_("DAYS") },
    { "all", 0, 0, G_OPTION_ARG_NONE, &all,
      N_("Every certificate, also those without a key in the store and those not watched"), NULL },
    { "json", 0, 0, G_OPTION_ARG_NONE, &json_output, N_("Write a JSON object"), NULL },
    { "nagios", 0, 0, G_OPTION_ARG_NONE, &nagios,
      N_("One Nagios/Icinga plugin status line with perfdata; exit 0 OK, 1 WARNING, 2 CRITICAL, 3 UNKNOWN"),
      NULL },
    { "notify", 0, 0, G_OPTION_ARG_NONE, &notify,
      N_("Also send a desktop notification listing what is due (none when nothing is)"), NULL },
    { "set-watch", 0, 0, G_OPTION_ARG_STRING, &watch_text,
      N_("Set the watch of certificate ID: on (even without a key), off (never warn) or default"),
      N_("on|off|default") },
    { NULL }
  };
  g_autoptr (GError) error = NULL;
  g_autoptr (CkExpiryCheck) check = NULL;
  g_autoptr (GPtrArray) items = NULL;
  int usage_status;
  gint64 now;

  if (!ck_cli_parse_options (cli, N_("[--set-watch on|off|default ID]"),
                             N_("Lists the certificates that have expired or expire soon."),
                             N_("By default only certificates whose private key is in the store\n"
                                "or on a token are watched, and not once renewed (a newer\n"
                                "certificate for the same subject outlasts DAYS); --set-watch\n"
                                "changes that for one certificate. Each line gives the expiry date, the days left, where\n"
                                "the key is (store:ID, token:LABEL or -) and the pending request\n"
                                "already made for the same key or subject, if any.\n"
                                "\n"
                                "Exit status: 0 when nothing is due, 4 when a certificate has\n"
                                "expired or expires within DAYS, 1 on an error. With --nagios:\n"
                                "0 OK, 1 WARNING (expires within DAYS), 2 CRITICAL (expired),\n"
                                "3 UNKNOWN (an error).\n"
                                "\n"
                                "--notify also tells the desktop (org.freedesktop.Notifications\n"
                                "on the session bus), as the \"Warn me even when Certkeeper is\n"
                                "closed\" timer runs it; failing to notify is an error (exit 1)."),
                             entries, &argc, &argv))
    return nagios_given ? NAGIOS_UNKNOWN : CK_CLI_EXIT_USAGE;

  usage_status = nagios ? NAGIOS_UNKNOWN : CK_CLI_EXIT_USAGE;
  if (within < 0 || within > MAX_WITHIN_DAYS)
    {
      ck_cli_usage_error (cli, _("--within takes a number of days from 0 to %d"), MAX_WITHIN_DAYS);
      return usage_status;
    }
  if (json_output && nagios)
    {
      ck_cli_usage_error (cli, _("--json and --nagios cannot be combined"));
      return usage_status;
    }

  if (watch_text != NULL)
    {
      CkExpiryWatch watch;

      if (!ck_expiry_watch_from_string (watch_text, &watch))
        return ck_cli_usage_error (cli, _("--set-watch takes on, off or default, not “%s”"),
                                   watch_text);
      if (argc != 2)
        return ck_cli_usage_error (cli, _("--set-watch needs one certificate ID"));
      if (json_output || nagios || all || notify)
        {
          ck_cli_usage_error (cli, _("--set-watch cannot be combined with a listing option"));
          return usage_status;
        }
      if (ck_cli_open_store (cli, &error) == NULL)
        return ck_cli_fail (error);
      check = ck_expiry_check_new (cli->store, &error);
      if (check == NULL)
        return ck_cli_fail (error);
      return set_watch (cli, check, argv[1], watch);
    }
  if (argc > 1)
    {
      ck_cli_usage_error (cli, _("Unexpected argument “%s”"), argv[1]);
      return usage_status;
    }

  if (ck_cli_open_store (cli, &error) == NULL ||
      (check = ck_expiry_check_new (cli->store, &error)) == NULL)
    goto failed;

  now = g_get_real_time () / G_USEC_PER_SEC;
  items = ck_expiry_check_run (check, now, (guint) within,
                               all ? CK_EXPIRY_CHECK_ALL : CK_EXPIRY_CHECK_NONE, &error);
  if (items == NULL)
    goto failed;

  if (notify && items->len > 0)
    {
      g_autoptr (CkExpiryMessage) message = ck_expiry_message_new (items, now);

      if (!ck_cli_notify_send (message, NULL, &error))
        goto failed;
    }

  if (nagios)
    return print_nagios (items, (guint) within);
  if (json_output)
    return print_json (items, now, (guint) within);
  return print_table (items, (guint) within);

failed:
  if (nagios)
    {
      g_autofree char *message = g_strdup (error->message);

      g_strdelimit (message, "\n|", ' ');
      ck_cli_print_line ("CERTKEEPER UNKNOWN - %s", message);
      return NAGIOS_UNKNOWN;
    }
  return ck_cli_fail (error);
}
