/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gi18n-lib.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>

#include "ck-error.h"
#include "ck-expiry-agent.h"
#include "ck-expiry-agent-resources.h"
#include "ck-utils.h"

#define TEMPLATES "/io/github/certkeeper/Certkeeper/expiry/"
#define SERVICE_TEMPLATE CK_EXPIRY_AGENT_SERVICE ".in"
#define TIMER_TEMPLATE   CK_EXPIRY_AGENT_TIMER ".in"
#define DESKTOP_TEMPLATE "certkeeper-expiry-check.desktop.in"

char *
ck_expiry_agent_default_cli (void)
{
  const char *env = g_getenv ("CERTKEEPER_CLI");

  if (env != NULL && *env != '\0')
    return g_strdup (env);
  return g_build_filename (CK_BINDIR, "certkeeper-cli", NULL);
}

char *
ck_expiry_agent_path (CkExpiryAgentKind  kind,
                      const char        *name)
{
  if (kind == CK_EXPIRY_AGENT_AUTOSTART)
    return g_build_filename (g_get_user_config_dir (), "autostart", name, NULL);
  return g_build_filename (g_get_user_config_dir (), "systemd", "user", name, NULL);
}

static char *
find_systemctl (const CkExpiryAgentSpec *spec)
{
  if (spec->systemctl != NULL)
    return g_strdup (spec->systemctl);
  return g_find_program_in_path ("systemctl");
}

CkExpiryAgentKind
ck_expiry_agent_detect (const CkExpiryAgentSpec *spec)
{
  g_autofree char *systemctl = NULL;

  if (spec->kind != CK_EXPIRY_AGENT_AUTO)
    return spec->kind;
  /* sd_booted(): the system (and so the user session) runs systemd. */
  systemctl = find_systemctl (spec);
  if (systemctl != NULL && g_file_test ("/run/systemd/system", G_FILE_TEST_IS_DIR))
    return CK_EXPIRY_AGENT_SYSTEMD;
  return CK_EXPIRY_AGENT_AUTOSTART;
}

/* One word of ExecStart= (systemd.service(5), "Command lines"): in double
 * quotes, with \ and " escaped, % as %% (specifiers) and $ as $$
 * (environment variables). */
static void
append_systemd_word (GString    *line,
                     const char *word)
{
  g_string_append_c (line, '"');
  for (const char *p = word; *p != '\0'; p++)
    {
      if (*p == '\\' || *p == '"')
        g_string_append_c (line, '\\');
      else if (*p == '%' || *p == '$')
        g_string_append_c (line, *p);
      g_string_append_c (line, *p);
    }
  g_string_append_c (line, '"');
}

/* One word of Exec= (Desktop Entry Specification, "The Exec key"): in
 * double quotes with ", `, $ and \ escaped by a backslash, % as %%; then
 * the backslashes doubled again, as every string value's are. */
static void
append_desktop_word (GString    *line,
                     const char *word)
{
  g_string_append_c (line, '"');
  for (const char *p = word; *p != '\0'; p++)
    {
      if (*p == '"' || *p == '`' || *p == '$')
        g_string_append (line, "\\\\");
      else if (*p == '\\')
        g_string_append (line, "\\\\\\");
      else if (*p == '%')
        g_string_append_c (line, '%');
      g_string_append_c (line, *p);
    }
  g_string_append_c (line, '"');
}

static char *
exec_line (const CkExpiryAgentSpec *spec,
           gboolean                 desktop)
{
  g_autofree char *days = g_strdup_printf ("%u", spec->days);
  const char *words[8];
  GString *line = g_string_new (NULL);
  guint n = 0;

  words[n++] = spec->cli_path;
  if (spec->store_dir != NULL)
    {
      words[n++] = "--store";
      words[n++] = spec->store_dir;
    }
  words[n++] = "check";
  words[n++] = "--notify";
  words[n++] = "--within";
  words[n++] = days;
  for (guint i = 0; i < n; i++)
    {
      if (i > 0)
        g_string_append_c (line, ' ');
      if (desktop)
        append_desktop_word (line, words[i]);
      else
        append_systemd_word (line, words[i]);
    }
  return g_string_free (line, FALSE);
}

static gboolean
check_spec (const CkExpiryAgentSpec  *spec,
            GError                  **error)
{
  /* A newline would end the key early and start another. */
  if (spec->cli_path == NULL || !g_path_is_absolute (spec->cli_path) ||
      strchr (spec->cli_path, '\n') != NULL ||
      (spec->store_dir != NULL &&
       (!g_path_is_absolute (spec->store_dir) || strchr (spec->store_dir, '\n') != NULL)))
    {
      g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                   _("The expiry check needs absolute paths of one line for certkeeper-cli "
                     "and the store"));
      return FALSE;
    }
  return TRUE;
}

char *
ck_expiry_agent_render (const char               *template_name,
                        const CkExpiryAgentSpec  *spec,
                        GError                  **error)
{
  g_autofree char *resource = g_strconcat (TEMPLATES, template_name, NULL);
  g_autoptr (GBytes) bytes = NULL;
  g_autofree char *exec = NULL;
  g_auto (GStrv) parts = NULL;
  g_autofree char *text = NULL;

  g_return_val_if_fail (spec != NULL, NULL);

  if (!check_spec (spec, error))
    return NULL;
  /* From the resource itself: a reference, so that the linker keeps it
   * out of the static library. */
  bytes = g_resource_lookup_data (ck_expiry_agent_get_resource (), resource,
                                  G_RESOURCE_LOOKUP_FLAGS_NONE, error);
  if (bytes == NULL)
    return NULL;
  exec = exec_line (spec, g_str_has_suffix (template_name, ".desktop.in"));
  text = g_strndup (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes));
  parts = g_strsplit (text, "@EXEC@", -1);
  return g_strjoinv (exec, parts);
}

static gboolean
write_one (const char               *template_name,
           CkExpiryAgentKind         kind,
           const char               *name,
           const CkExpiryAgentSpec  *spec,
           GError                  **error)
{
  g_autofree char *text = ck_expiry_agent_render (template_name, spec, error);
  g_autofree char *path = ck_expiry_agent_path (kind, name);
  g_autofree char *dir = g_path_get_dirname (path);

  if (text == NULL)
    return FALSE;
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Cannot make the folder %s: %s"), dir, g_strerror (saved));
      return FALSE;
    }
  return ck_file_write (path, text, strlen (text), CK_WRITE_OVERWRITE, error);
}

static gboolean
remove_one (CkExpiryAgentKind   kind,
            const char         *name,
            GError            **error)
{
  g_autofree char *path = ck_expiry_agent_path (kind, name);

  if (g_unlink (path) != 0 && errno != ENOENT)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Cannot remove %s: %s"), path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

/* systemctl --user ARGS…; its standard error becomes the message. */
static gboolean
systemctl_user (const CkExpiryAgentSpec  *spec,
                GError                  **error,
                ...)
{
  g_autofree char *systemctl = find_systemctl (spec);
  g_autoptr (GPtrArray) argv = g_ptr_array_new ();
  g_autoptr (GSubprocess) process = NULL;
  g_autofree char *err = NULL;
  const char *arg;
  va_list args;

  if (systemctl == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, _("systemctl is not installed"));
      return FALSE;
    }
  g_ptr_array_add (argv, systemctl);
  g_ptr_array_add (argv, (gpointer) "--user");
  va_start (args, error);
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (gpointer) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  process = g_subprocess_newv ((const char * const *) argv->pdata,
                               G_SUBPROCESS_FLAGS_STDOUT_SILENCE | G_SUBPROCESS_FLAGS_STDERR_PIPE,
                               error);
  if (process == NULL ||
      !g_subprocess_communicate_utf8 (process, NULL, NULL, NULL, &err, error))
    return FALSE;
  if (!g_subprocess_get_successful (process))
    {
      g_autofree char *command = g_strjoinv (" ", (char **) argv->pdata);

      g_set_error (error, CK_ERROR, CK_ERROR_FAILED, _("“%s” failed: %s"), command,
                   err != NULL && *err != '\0' ? g_strstrip (err) : _("no message"));
      return FALSE;
    }
  return TRUE;
}

static void
remove_all (void)
{
  remove_one (CK_EXPIRY_AGENT_SYSTEMD, CK_EXPIRY_AGENT_TIMER, NULL);
  remove_one (CK_EXPIRY_AGENT_SYSTEMD, CK_EXPIRY_AGENT_SERVICE, NULL);
  remove_one (CK_EXPIRY_AGENT_AUTOSTART, CK_EXPIRY_AGENT_AUTOSTART_FILE, NULL);
}

gboolean
ck_expiry_agent_install (const CkExpiryAgentSpec  *spec,
                         GError                  **error)
{
  g_return_val_if_fail (spec != NULL, FALSE);

  if (ck_expiry_agent_detect (spec) == CK_EXPIRY_AGENT_AUTOSTART)
    {
      /* One kind at a time: a timer left from an earlier install goes. */
      if (!remove_one (CK_EXPIRY_AGENT_SYSTEMD, CK_EXPIRY_AGENT_TIMER, error) ||
          !remove_one (CK_EXPIRY_AGENT_SYSTEMD, CK_EXPIRY_AGENT_SERVICE, error))
        return FALSE;
      return write_one (DESKTOP_TEMPLATE, CK_EXPIRY_AGENT_AUTOSTART,
                        CK_EXPIRY_AGENT_AUTOSTART_FILE, spec, error);
    }

  if (!write_one (SERVICE_TEMPLATE, CK_EXPIRY_AGENT_SYSTEMD, CK_EXPIRY_AGENT_SERVICE, spec, error) ||
      !write_one (TIMER_TEMPLATE, CK_EXPIRY_AGENT_SYSTEMD, CK_EXPIRY_AGENT_TIMER, spec, error) ||
      !remove_one (CK_EXPIRY_AGENT_AUTOSTART, CK_EXPIRY_AGENT_AUTOSTART_FILE, error) ||
      !systemctl_user (spec, error, "daemon-reload", NULL) ||
      !systemctl_user (spec, error, "enable", "--now", CK_EXPIRY_AGENT_TIMER, NULL))
    {
      remove_all ();
      return FALSE;
    }
  return TRUE;
}

gboolean
ck_expiry_agent_uninstall (const CkExpiryAgentSpec  *spec,
                           GError                  **error)
{
  g_autofree char *timer = ck_expiry_agent_path (CK_EXPIRY_AGENT_SYSTEMD, CK_EXPIRY_AGENT_TIMER);
  gboolean had_timer = g_file_test (timer, G_FILE_TEST_EXISTS);

  g_return_val_if_fail (spec != NULL, FALSE);

  /* Stopped before its files go, so that systemd forgets it cleanly. */
  if (had_timer && ck_expiry_agent_detect (spec) == CK_EXPIRY_AGENT_SYSTEMD &&
      !systemctl_user (spec, error, "disable", "--now", CK_EXPIRY_AGENT_TIMER, NULL))
    return FALSE;
  if (!remove_one (CK_EXPIRY_AGENT_SYSTEMD, CK_EXPIRY_AGENT_TIMER, error) ||
      !remove_one (CK_EXPIRY_AGENT_SYSTEMD, CK_EXPIRY_AGENT_SERVICE, error) ||
      !remove_one (CK_EXPIRY_AGENT_AUTOSTART, CK_EXPIRY_AGENT_AUTOSTART_FILE, error))
    return FALSE;
  if (had_timer && ck_expiry_agent_detect (spec) == CK_EXPIRY_AGENT_SYSTEMD)
    return systemctl_user (spec, error, "daemon-reload", NULL);
  return TRUE;
}
