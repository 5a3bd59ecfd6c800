/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Attempts at a password prompt, as sudo and gpg allow. */
#define CK_CLI_PROMPT_ATTEMPTS 3

/* Passwords reach the CLI only from a file or from the terminal, never from
 * argv (which any user can read in /proc). Every string returned here must
 * be released with ck_cli_password_free(), which wipes it. */

/* The first line of @path without its line ending. Fails when the file
 * cannot be read. */
char     *ck_cli_read_password_file    (const char *path,
                                        GError    **error);

/* TRUE when a prompt may be shown: stdin is a terminal. */
gboolean  ck_cli_can_prompt            (void);

/* Prints @prompt on stderr and reads one line from the terminal on stdin
 * with echo off. NULL with @error on end of input or a terminal error. */
char     *ck_cli_prompt_password       (const char *prompt,
                                        GError    **error);

/* Asks for a new passphrase twice, up to three times until both entries
 * match and are not empty. @what completes "Enter @what:". */
char     *ck_cli_prompt_new_passphrase (const char *what,
                                        GError    **error);

/* A passphrase that will protect a key: the first line of @file when
 * given, else asked twice at the prompt. Refuses an empty one, pointing to
 * @no_passphrase_option, the explicit way to go without (NULL: there is
 * none). */
char     *ck_cli_get_new_passphrase    (const char *file,
                                        const char *what,
                                        const char *no_passphrase_option,
                                        GError    **error);

/* The store passphrase for storing new keys: from @file when given (the
 * store checks it), else at the prompt: typed twice when the store has
 * none yet, else once and checked against the store's key vault (up to
 * CK_CLI_PROMPT_ATTEMPTS times), so a typo is caught before any work. */
struct _CkStore;
char     *ck_cli_get_store_passphrase  (struct _CkStore *store,
                                        const char      *file,
                                        const char      *no_passphrase_option,
                                        GError         **error);

void      ck_cli_password_free         (char       *password);

/* So that g_autoptr (CkPassword) wipes on every return path. */
typedef char CkPassword;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (CkPassword, ck_cli_password_free)

G_END_DECLS
