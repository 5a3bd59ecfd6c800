/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gi18n.h>

#include "ck-expiry-notifier.h"

#define CHECK_INTERVAL_SECONDS (24 * 60 * 60)
#define DEFAULT_WARNING_DAYS 30

struct _CkExpiryNotifier
{
  GObject        parent_instance;

  GApplication  *application;   /* weak: the application owns us */
  GSettings     *settings;
  CkStore       *store;
  CkExpiryCheck *check;
  guint          daily_id;
  gboolean       shown;         /* a notification of ours is out */
};

G_DEFINE_FINAL_TYPE (CkExpiryNotifier, ck_expiry_notifier, G_TYPE_OBJECT)

static void
stop_timer (CkExpiryNotifier *self)
{
  g_clear_handle_id (&self->daily_id, g_source_remove);
}

static void
ck_expiry_notifier_dispose (GObject *object)
{
  CkExpiryNotifier *self = CK_EXPIRY_NOTIFIER (object);

  stop_timer (self);
  g_clear_object (&self->check);
  g_clear_object (&self->store);
  g_clear_object (&self->settings);
  if (self->application != NULL)
    g_object_remove_weak_pointer (G_OBJECT (self->application), (gpointer *) &self->application);
  self->application = NULL;

  G_OBJECT_CLASS (ck_expiry_notifier_parent_class)->dispose (object);
}

static void
ck_expiry_notifier_class_init (CkExpiryNotifierClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = ck_expiry_notifier_dispose;
}

static void
ck_expiry_notifier_init (CkExpiryNotifier *self)
{
}

CkExpiryNotifier *
ck_expiry_notifier_new (GApplication *application,
                        GSettings    *settings)
{
  CkExpiryNotifier *self;

  g_return_val_if_fail (G_IS_APPLICATION (application), NULL);

  self = g_object_new (CK_TYPE_EXPIRY_NOTIFIER, NULL);
  self->application = application;
  g_object_add_weak_pointer (G_OBJECT (application), (gpointer *) &self->application);
  if (settings != NULL)
    {
      self->settings = g_object_ref (settings);
      /* Switched off: the notification out goes at once; on: what is due
       * now. The same when the threshold changes. */
      g_signal_connect_object (settings, "changed::expiry-notifications",
                               G_CALLBACK (ck_expiry_notifier_check), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (settings, "changed::expiry-warning-days",
                               G_CALLBACK (ck_expiry_notifier_check), self, G_CONNECT_SWAPPED);
    }
  return self;
}

static gboolean
notifications_enabled (CkExpiryNotifier *self)
{
  return self->settings == NULL || g_settings_get_boolean (self->settings, "expiry-notifications");
}

static guint
warning_days (CkExpiryNotifier *self)
{
  return self->settings != NULL
    ? (guint) g_settings_get_int (self->settings, "expiry-warning-days")
    : DEFAULT_WARNING_DAYS;
}

/* GNotification goes over the session bus (to the portal, the shell or
 * the notification server): without one there is nobody to tell. */
static gboolean
can_notify (CkExpiryNotifier *self)
{
  return self->application != NULL &&
         g_application_get_is_registered (self->application) &&
         !g_application_get_is_remote (self->application) &&
         g_application_get_dbus_connection (self->application) != NULL;
}

static void
withdraw (CkExpiryNotifier *self)
{
  if (self->shown && can_notify (self))
    g_application_withdraw_notification (self->application, CK_EXPIRY_NOTIFICATION_ID);
  self->shown = FALSE;
}

gboolean
ck_expiry_notifier_check (CkExpiryNotifier *self)
{
  g_autoptr (GError) error = NULL;
  g_autoptr (GPtrArray) items = NULL;
  g_autoptr (CkExpiryMessage) message = NULL;
  g_autoptr (GNotification) notification = NULL;
  g_autoptr (GIcon) icon = NULL;
  gint64 now;

  g_return_val_if_fail (CK_IS_EXPIRY_NOTIFIER (self), FALSE);

  if (self->check == NULL || !notifications_enabled (self))
    {
      withdraw (self);
      return FALSE;
    }
  if (!can_notify (self))
    {
      g_debug ("No session bus: the expiry notification is not sent");
      return FALSE;
    }

  now = g_get_real_time () / G_USEC_PER_SEC;
  items = ck_expiry_check_run (self->check, now, warning_days (self), CK_EXPIRY_CHECK_NONE, &error);
  if (items == NULL)
    {
      g_warning ("Cannot check the certificates for expiry: %s", error->message);
      return FALSE;
    }
  message = ck_expiry_message_new (items, now);
  if (message == NULL)
    {
      withdraw (self);
      return FALSE;
    }

  notification = g_notification_new (message->title);
  g_notification_set_body (notification, message->body);
  icon = g_themed_icon_new (APP_ID);
  g_notification_set_icon (notification, icon);
  g_notification_set_priority (notification, message->urgent ? G_NOTIFICATION_PRIORITY_URGENT
                                                             : G_NOTIFICATION_PRIORITY_NORMAL);
  g_notification_set_default_action_and_target (notification, "app.show-certificate", "x",
                                                message->certificate_id);
  g_notification_add_button_with_target (notification, _("Show"), "app.show-certificate", "x",
                                         message->certificate_id);
  g_application_send_notification (self->application, CK_EXPIRY_NOTIFICATION_ID, notification);
  self->shown = TRUE;
  return TRUE;
}

static gboolean
daily_cb (gpointer data)
{
  ck_expiry_notifier_check (data);
  return G_SOURCE_CONTINUE;
}

void
ck_expiry_notifier_set_store (CkExpiryNotifier *self,
                              CkStore          *store)
{
  g_autoptr (GError) error = NULL;

  g_return_if_fail (CK_IS_EXPIRY_NOTIFIER (self));

  stop_timer (self);
  g_clear_object (&self->check);
  g_set_object (&self->store, store);
  if (store == NULL)
    {
      withdraw (self);
      return;
    }
  self->check = ck_expiry_check_new (store, &error);
  if (self->check == NULL)
    {
      g_warning ("Cannot watch the certificates for expiry: %s", error->message);
      return;
    }
  ck_expiry_notifier_check (self);
  self->daily_id = g_timeout_add_seconds_full (G_PRIORITY_LOW, CHECK_INTERVAL_SECONDS,
                                               daily_cb, self, NULL);
  g_source_set_name_by_id (self->daily_id, "[certkeeper] daily expiry check");
}
