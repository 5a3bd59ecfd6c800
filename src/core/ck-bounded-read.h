/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* The largest certificate file (PEM bundle, DER, PKCS#7, PKCS#12) read:
 * 100,000 certificates in PEM are about 150 MiB. */
#define CK_MAX_INPUT_SIZE ((gsize) 256 * 1024 * 1024)

/* The largest password, passphrase or PIN file: only its first line is
 * used, and a password is at most 4,096 bytes. */
#define CK_MAX_SECRET_FILE_SIZE ((gsize) 8 * 1024)

/* The largest certtool template (a few hundred bytes in practice). */
#define CK_MAX_TEMPLATE_SIZE ((gsize) 1024 * 1024)

/* Every file the user names is read through here: a regular file, a
 * device (/dev/zero, /dev/urandom, a terminal), a FIFO, a pipe or a socket,
 * or any GFile (GVfs). The cap is checked while reading, not against a
 * size the file system reports: devices and pipes report 0. A regular file
 * over @max_size is refused without reading it; anything else is refused
 * after @max_size + 1 bytes.
 *
 * Never blocks without end: a FIFO with no writer, a terminal or a stalled
 * pipe is waited for in poll() together with @cancellable, so cancelling
 * (the window's Cancel, Ctrl+C in the CLI) ends the read at once with
 * G_IO_ERROR_CANCELLED.
 *
 * Errors name the file (@display_name, else the path or URI):
 * G_IO_ERROR_MESSAGE_TOO_LARGE "NAME: too large: more than 256 MiB",
 * G_IO_ERROR_IS_DIRECTORY, or the system's reason. The buffer is wiped
 * when the returned GBytes is freed (it may hold a key or a password), and
 * so is every partial buffer. */
GBytes   *ck_read_file_bounded   (GFile         *file,
                                  const char    *display_name,
                                  gsize          max_size,
                                  GCancellable  *cancellable,
                                  GError       **error);

/* The same on an open descriptor the caller owns (standard input): it is
 * neither closed nor switched to non-blocking. */
GBytes   *ck_read_fd_bounded     (int            fd,
                                  const char    *display_name,
                                  gsize          max_size,
                                  GCancellable  *cancellable,
                                  GError       **error);

/* "256 MiB", "8 KiB", "100 bytes": how the limits are written in messages. */
char     *ck_format_size_limit   (gsize          size);

G_END_DECLS
