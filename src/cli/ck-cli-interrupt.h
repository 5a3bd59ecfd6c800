/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* Exit status after Ctrl+C stopped a read: 128 + SIGINT, as a shell
 * reports a command killed by it. */
#define CK_CLI_EXIT_INTERRUPTED 130

/* While reading what the user named (a file, a FIFO, standard input, a
 * password file), Ctrl+C cancels the returned cancellable instead of
 * killing the process, so that the command can say what it stopped and
 * leave the store untouched. A thread of its own runs the SIGINT source
 * (g_unix_signal_source_new()), because the reading thread waits in
 * poll(). Outside such a scope Ctrl+C keeps its default effect. */
typedef struct _CkCliInterrupt CkCliInterrupt;

CkCliInterrupt *ck_cli_interrupt_begin          (void);
GCancellable   *ck_cli_interrupt_get_cancellable (CkCliInterrupt *self);
/* Restores Ctrl+C's default effect. */
void            ck_cli_interrupt_end            (CkCliInterrupt *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CkCliInterrupt, ck_cli_interrupt_end)

G_END_DECLS
