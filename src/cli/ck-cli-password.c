/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ck-cli-password.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

#include <gnutls/gnutls.h>

#include <glib/gi18n.h>

#include "ck-cli.h"
#include "ck-cli-interrupt.h"
#include "ck-error.h"

/* Longer input is refused rather than silently cut. */
#define MAX_PASSWORD 4096

void
ck_cli_password_free (char *password)
{
  if (password == NULL)
    return;
  gnutls_memset (password, 0, strlen (password));
  g_free (password);
}

char *
ck_cli_read_password_file (const char *path,
                           GError    **error)
{
  g_autoptr (CkCliInterrupt) interrupt = ck_cli_interrupt_begin ();
  g_autoptr (GFile) file = g_file_new_for_path (path);
  g_autofree char *name = g_filename_display_name (path);
  g_autoptr (GError) local_error = NULL;
  g_autoptr (GBytes) bytes = NULL;
  const char *contents;
  const char *end;
  gsize len = 0;
  gsize line_len;

  /* A FIFO (a password manager piping the secret) may take its time:
   * Ctrl+C stops the wait. A secret file over the cap is a wrong file. */
  bytes = ck_read_file_bounded (file, name, CK_MAX_SECRET_FILE_SIZE,
                                ck_cli_interrupt_get_cancellable (interrupt), &local_error);
  if (bytes == NULL)
    {
      if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                     _("interrupted while reading the password file %s"), name);
      else
        {
          /* The reader's message names the file already. */
          const char *reason = local_error->message;
          gsize name_len = strlen (name);

          if (strncmp (reason, name, name_len) == 0 && strncmp (reason + name_len, ": ", 2) == 0)
            reason += name_len + 2;
          g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                       _("cannot read password file %s: %s"), name, reason);
        }
      return NULL;
    }

  /* First line only, so "echo secret > f" and editors' final newline both
   * work; a CR of a CRLF file goes too. */
  contents = g_bytes_get_data (bytes, &len);
  end = len > 0 ? memchr (contents, '\n', len) : NULL;
  line_len = end != NULL ? (gsize) (end - contents) : len;
  if (line_len > 0 && contents[line_len - 1] == '\r')
    line_len--;
  if (line_len > MAX_PASSWORD)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                   _("%s: the password is longer than %d bytes"), name, MAX_PASSWORD);
      return NULL;
    }
  /* Wiped with the GBytes; the copy is the caller's to wipe. */
  return g_strndup (contents, line_len);
}

gboolean
ck_cli_can_prompt (void)
{
  return isatty (STDIN_FILENO);
}

static struct termios saved_termios;
static volatile sig_atomic_t termios_changed;

/* Ctrl-C at a prompt must not leave the terminal without echo. */
static void
restore_terminal_and_reraise (int signum)
{
  if (termios_changed)
    tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved_termios);
  signal (signum, SIG_DFL);
  raise (signum);
}

static const int caught_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT };

char *
ck_cli_prompt_password (const char *prompt,
                        GError    **error)
{
  struct sigaction action = { 0 };
  struct sigaction old_actions[G_N_ELEMENTS (caught_signals)];
  struct termios noecho;
  char *buffer;
  gsize len = 0;
  gboolean too_long = FALSE;
  gboolean eof = FALSE;
  int read_errno = 0;

  if (!ck_cli_can_prompt ())
    {
      g_set_error (error, CK_ERROR, CK_ERROR_PASSWORD_REQUIRED,
                   _("a password is needed and standard input is not a terminal"));
      return NULL;
    }

  if (tcgetattr (STDIN_FILENO, &saved_termios) != 0)
    {
      int saved_errno = errno;
      g_set_error (error, CK_ERROR, CK_ERROR_FAILED,
                   _("cannot read the terminal settings: %s"),
                   g_strerror (saved_errno));
      return NULL;
    }

  action.sa_handler = restore_terminal_and_reraise;
  sigemptyset (&action.sa_mask);
  for (guint i = 0; i < G_N_ELEMENTS (caught_signals); i++)
    sigaction (caught_signals[i], &action, &old_actions[i]);

  noecho = saved_termios;
  noecho.c_lflag &= ~(tcflag_t) ECHO;
  noecho.c_lflag |= ECHONL;
  termios_changed = TRUE;
  tcsetattr (STDIN_FILENO, TCSAFLUSH, &noecho);

  fputs (prompt, stderr);
  fflush (stderr);

  buffer = g_malloc (MAX_PASSWORD + 1);
  for (;;)
    {
      char c;
      ssize_t n = read (STDIN_FILENO, &c, 1);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          read_errno = errno;
          break;
        }
      if (n == 0)
        {
          eof = TRUE;
          break;
        }
      if (c == '\n' || c == '\r')
        break;
      if (len < MAX_PASSWORD)
        buffer[len++] = c;
      else
        too_long = TRUE;
    }
  buffer[len] = '\0';

  tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved_termios);
  termios_changed = FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (caught_signals); i++)
    sigaction (caught_signals[i], &old_actions[i], NULL);

  /* ECHONL echoes the newline; without it (end of input) end the line. */
  if (eof || read_errno != 0)
    fputc ('\n', stderr);

  if (read_errno != 0 || (eof && len == 0) || too_long)
    {
      if (read_errno != 0)
        g_set_error (error, CK_ERROR, CK_ERROR_FAILED,
                     _("cannot read from the terminal: %s"),
                     g_strerror (read_errno));
      else if (too_long)
        g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                     _("the password is longer than %d bytes"), MAX_PASSWORD);
      else
        g_set_error (error, CK_ERROR, CK_ERROR_PASSWORD_REQUIRED,
                     _("no password entered"));
      gnutls_memset (buffer, 0, MAX_PASSWORD + 1);
      g_free (buffer);
      return NULL;
    }

  return buffer;
}

char *
ck_cli_prompt_new_passphrase (const char *what,
                              GError    **error)
{
  g_autofree char *first_prompt = g_strdup_printf ("Enter %s: ", what);
  g_autofree char *second_prompt = g_strdup_printf ("Enter %s again: ", what);

  for (guint attempt = 0; attempt < 3; attempt++)
    {
      g_autoptr (CkPassword) first = NULL;
      g_autoptr (CkPassword) second = NULL;

      first = ck_cli_prompt_password (first_prompt, error);
      if (first == NULL)
        return NULL;
      if (first[0] == '\0')
        {
          fputs (_("The passphrase must not be empty.\n"), stderr);
          continue;
        }
      second = ck_cli_prompt_password (second_prompt, error);
      if (second == NULL)
        return NULL;
      if (strcmp (first, second) == 0)
        return g_steal_pointer (&first);
      fputs (_("The two entries differ; try again.\n"), stderr);
    }

  g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
               _("no matching %s entered after 3 attempts"), what);
  return NULL;
}

char *
ck_cli_get_new_passphrase (const char *file,
                           const char *what,
                           const char *no_passphrase_option,
                           GError    **error)
{
  char *passphrase;

  if (file == NULL)
    return ck_cli_prompt_new_passphrase (what, error);

  passphrase = ck_cli_read_password_file (file, error);
  if (passphrase != NULL && passphrase[0] == '\0')
    {
      if (no_passphrase_option != NULL)
        g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                     _("%s: the passphrase is empty; use %s to go without one"),
                     file, no_passphrase_option);
      else
        g_set_error (error, CK_ERROR, CK_ERROR_INVALID, _("%s: the passphrase is empty"), file);
      ck_cli_password_free (passphrase);
      return NULL;
    }
  return passphrase;
}

char *
ck_cli_get_store_passphrase (CkStore    *store,
                             const char *file,
                             const char *no_passphrase_option,
                             GError    **error)
{
  CkKeyVault *vault = ck_key_vault_get (store);

  if (file != NULL || ck_key_vault_get_state (vault) == CK_KEY_VAULT_NEW)
    return ck_cli_get_new_passphrase (file, file != NULL ? "the store passphrase"
                                      : "a passphrase to protect the private keys in the store",
                                      no_passphrase_option, error);

  for (guint attempt = 0; attempt < CK_CLI_PROMPT_ATTEMPTS; attempt++)
    {
      g_autoptr (CkPassword) password = ck_cli_prompt_password ("Store passphrase: ", error);
      g_autoptr (GError) local_error = NULL;

      if (password == NULL)
        return NULL;
      if (ck_key_vault_unlock (vault, password, &local_error))
        return g_steal_pointer (&password);
      if (!g_error_matches (local_error, CK_ERROR, CK_ERROR_BAD_PASSWORD))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      fputs (_("Wrong store passphrase; try again.\n"), stderr);
    }
  g_set_error (error, CK_ERROR, CK_ERROR_BAD_PASSWORD,
               _("wrong store passphrase after %d attempts"), CK_CLI_PROMPT_ATTEMPTS);
  return NULL;
}

CkPrivateKey *
ck_cli_load_stored_key (CkStore    *store,
                        gint64      id,
                        const char *password_file)
{
  g_autoptr (GError) error = NULL;
  g_autofree char *prompt = NULL;
  CkStoredKey *row = ck_store_get_key_row (store, id);
  CkPrivateKey *key;

  if (row == NULL)
    {
      ck_cli_error (_("key %lld is not in the store"), (long long) id);
      return NULL;
    }
  if (!ck_stored_key_get_encrypted (row) || ck_stored_key_get_pkcs11_uri (row) != NULL)
    {
      key = ck_store_load_private_key (store, id, NULL, &error);
      if (key == NULL)
        ck_cli_fail (error);
      return key;
    }
  /* Nor does any key once the store's vault is unlocked in this command;
   * a key from before the vault with a passphrase of its own goes on to
   * the questions. */
  if (ck_key_vault_is_unlocked (ck_key_vault_get (store)))
    {
      key = ck_store_load_private_key (store, id, NULL, &error);
      if (key != NULL)
        return key;
      if (!g_error_matches (error, CK_ERROR, CK_ERROR_PASSWORD_REQUIRED))
        {
          ck_cli_fail (error);
          return NULL;
        }
      g_clear_error (&error);
    }
  if (password_file != NULL)
    {
      g_autoptr (CkPassword) password = ck_cli_read_password_file (password_file, &error);

      if (password == NULL)
        {
          ck_cli_fail (error);
          return NULL;
        }
      key = ck_store_load_private_key (store, id, password, &error);
      if (key == NULL && g_error_matches (error, CK_ERROR, CK_ERROR_BAD_PASSWORD))
        ck_cli_error (_("key %lld: wrong store passphrase (from %s)"),
                      (long long) id, password_file);
      else if (key == NULL)
        ck_cli_fail (error);
      return key;
    }
  if (!ck_cli_can_prompt ())
    {
      ck_cli_error (_("key %lld is encrypted in the store: give its "
                    "store passphrase with --password-file FILE"), (long long) id);
      return NULL;
    }
  prompt = g_strdup_printf ("Store passphrase for key %" G_GINT64_FORMAT " (%s): ",
                            id, ck_stored_key_get_display_name (row));
  for (guint attempt = 0; attempt < CK_CLI_PROMPT_ATTEMPTS; attempt++)
    {
      g_autoptr (CkPassword) password = ck_cli_prompt_password (prompt, &error);

      if (password == NULL)
        {
          ck_cli_fail (error);
          return NULL;
        }
      key = ck_store_load_private_key (store, id, password, &error);
      if (key != NULL)
        return key;
      if (!g_error_matches (error, CK_ERROR, CK_ERROR_BAD_PASSWORD))
        {
          ck_cli_fail (error);
          return NULL;
        }
      g_clear_error (&error);
      fputs (_("Wrong passphrase.\n"), stderr);
    }
  ck_cli_error (_("key %lld: wrong store passphrase (3 attempts)"), (long long) id);
  return NULL;
}
