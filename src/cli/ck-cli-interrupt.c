/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ck-cli-interrupt.h"

#include <signal.h>

#include <glib-unix.h>

struct _CkCliInterrupt {
  GCancellable *cancellable;
  GMainContext *context;
  gint          stop;
  GSource      *source;
  GThread      *thread;
};

static gboolean
interrupted (gpointer user_data)
{
  g_cancellable_cancel (user_data);
  return G_SOURCE_CONTINUE;
}

static gpointer
watch (gpointer user_data)
{
  CkCliInterrupt *self = user_data;

  g_main_context_push_thread_default (self->context);
  /* Not a GMainLoop: quitting one that has not started yet is lost. */
  while (!g_atomic_int_get (&self->stop))
    g_main_context_iteration (self->context, TRUE);
  g_main_context_pop_thread_default (self->context);
  return NULL;
}

CkCliInterrupt *
ck_cli_interrupt_begin (void)
{
  CkCliInterrupt *self = g_new0 (CkCliInterrupt, 1);

  self->cancellable = g_cancellable_new ();
  self->context = g_main_context_new ();
  /* Installs GLib's SIGINT handler now, before the read starts. */
  self->source = g_unix_signal_source_new (SIGINT);
  g_source_set_callback (self->source, interrupted, g_object_ref (self->cancellable),
                         g_object_unref);
  g_source_attach (self->source, self->context);
  self->thread = g_thread_new ("ck-cli-interrupt", watch, self);
  return self;
}

GCancellable *
ck_cli_interrupt_get_cancellable (CkCliInterrupt *self)
{
  return self->cancellable;
}

void
ck_cli_interrupt_end (CkCliInterrupt *self)
{
  if (self == NULL)
    return;
  g_atomic_int_set (&self->stop, 1);
  g_main_context_wakeup (self->context);
  g_thread_join (self->thread);
  /* The last SIGINT source gone, GLib puts back the default action. */
  g_source_destroy (self->source);
  g_source_unref (self->source);
  g_main_context_unref (self->context);
  g_object_unref (self->cancellable);
  g_free (self);
}
