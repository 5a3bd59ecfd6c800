/* SPDX-License-Identifier: GPL-3.0-or-later */
/* certkeeper-cli check --notify: the desktop notification, sent to the
 * notification server (org.freedesktop.Notifications, Desktop
 * Notifications Specification 1.2) on the session bus with GDBus, as the
 * systemd user timer or the autostart entry runs it while the app is
 * closed. The words are ck_expiry_message_new()'s, as in the app. */
#include <glib/gi18n.h>

#include "ck-cli.h"

#define NOTIFICATIONS_NAME "org.freedesktop.Notifications"
#define NOTIFICATIONS_PATH "/org/freedesktop/Notifications"
/* The notification server may start on demand: allow it time. */
#define NOTIFY_TIMEOUT_MS 25000

/* Urgency levels of the specification. */
enum {
  URGENCY_NORMAL = 1,
  URGENCY_CRITICAL = 2,
};

gboolean
ck_cli_notify_send (const CkExpiryMessage  *message,
                    guint32                *id,
                    GError                **error)
{
  g_autoptr (GDBusConnection) bus = NULL;
  g_autoptr (GVariant) reply = NULL;
  GVariantBuilder hints;
  const char *actions[] = { NULL };

  g_return_val_if_fail (message != NULL, FALSE);

  bus = g_bus_get_sync (G_BUS_TYPE_SESSION, NULL, error);
  if (bus == NULL)
    {
      g_prefix_error (error, _("Cannot send the desktop notification (no session bus): "));
      return FALSE;
    }

  g_variant_builder_init (&hints, G_VARIANT_TYPE_VARDICT);
  /* The server shows the app's name and icon, and opens the app when the
   * notification is clicked. */
  g_variant_builder_add (&hints, "{sv}", "desktop-entry", g_variant_new_string (APP_ID));
  g_variant_builder_add (&hints, "{sv}", "urgency",
                         g_variant_new_byte (message->urgent ? URGENCY_CRITICAL : URGENCY_NORMAL));
  g_variant_builder_add (&hints, "{sv}", "category", g_variant_new_string ("x-certkeeper.expiry"));

  reply = g_dbus_connection_call_sync (bus, NOTIFICATIONS_NAME, NOTIFICATIONS_PATH,
                                       NOTIFICATIONS_NAME, "Notify",
                                       g_variant_new ("(susss^asa{sv}i)",
                                                      _("Certkeeper"), (guint32) 0, APP_ID,
                                                      message->title, message->body,
                                                      actions, &hints, (gint32) -1),
                                       G_VARIANT_TYPE ("(u)"), G_DBUS_CALL_FLAGS_NONE,
                                       NOTIFY_TIMEOUT_MS, NULL, error);
  if (reply == NULL)
    {
      g_prefix_error (error, _("Cannot send the desktop notification: "));
      return FALSE;
    }
  if (id != NULL)
    g_variant_get (reply, "(u)", id);
  return TRUE;
}
