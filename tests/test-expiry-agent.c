/* SPDX-License-Identifier: GPL-3.0-or-later */
/* "Warn me even when Certkeeper is closed": the units and the autostart
 * entry made from data/expiry/, written under a throwaway
 * $XDG_CONFIG_HOME (G_TEST_OPTION_ISOLATE_DIRS), systemd driven through a
 * stand-in systemctl that logs its arguments, and the units checked by
 * `systemd-analyze verify` and the entry by `desktop-file-validate`. */
#include <glib/gstdio.h>
#include <string.h>

#include "certkeeper-core.h"
#include "ck-test-tools.h"

typedef struct {
  char *dir;
  char *cli;
  char *systemctl;
  char *log;
  char *store;
} Fixture;

static void
fixture_set_up (Fixture       *f,
                gconstpointer  data)
{
  g_autoptr (GError) error = NULL;
  const char *build = g_getenv ("CK_BUILD_DIR");
  g_autofree char *script = NULL;
  gboolean fail = GPOINTER_TO_INT (data);

  f->dir = g_dir_make_tmp ("ck-expiry-agent-XXXXXX", &error);
  g_assert_no_error (error);
  f->cli = build != NULL ? g_build_filename (build, "src", "cli", "certkeeper-cli", NULL)
                         : g_strdup ("/usr/bin/certkeeper-cli");
  f->log = g_build_filename (f->dir, "systemctl.log", NULL);
  f->systemctl = g_build_filename (f->dir, "systemctl", NULL);
  /* A store folder the quoting has to get right. */
  f->store = g_build_filename (f->dir, "my store 100%$HOME \"x\"", NULL);
  script = g_strdup_printf ("#!/bin/sh\necho \"$*\" >> '%s'\n%s", f->log,
                            fail ? "echo 'Failed to connect to bus' >&2\nexit 1\n" : "exit 0\n");
  g_file_set_contents (f->systemctl, script, -1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (g_chmod (f->systemctl, 0755), ==, 0);
}

static void
fixture_tear_down (Fixture       *f,
                   gconstpointer  data)
{
  ck_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->cli);
  g_free (f->systemctl);
  g_free (f->log);
  g_free (f->store);
}

static CkExpiryAgentSpec
spec_for (Fixture           *f,
          CkExpiryAgentKind  kind)
{
  CkExpiryAgentSpec spec = {
    .cli_path = f->cli, .store_dir = f->store, .days = 21, .kind = kind,
    .systemctl = f->systemctl,
  };
  return spec;
}

static void
test_render (Fixture       *f,
             gconstpointer  data)
{
  CkExpiryAgentSpec spec = spec_for (f, CK_EXPIRY_AGENT_SYSTEMD);
  g_autoptr (GError) error = NULL;
  g_autofree char *service = ck_expiry_agent_render (CK_EXPIRY_AGENT_SERVICE ".in", &spec, &error);
  g_autofree char *desktop = NULL;
  g_autofree char *expected = NULL;

  g_assert_no_error (error);
  /* systemd: \" for the quote, %% and $$ for specifiers and variables. */
  expected = g_strdup_printf ("\nExecStart=\"%s\" \"--store\" \"%s/my store 100%%%%$$HOME \\\"x\\\"\" "
                              "\"check\" \"--notify\" \"--within\" \"21\"\n", f->cli, f->dir);
  g_assert_nonnull (strstr (service, expected));
  g_assert_nonnull (strstr (service, "SuccessExitStatus=4"));
  g_assert_null (strstr (service, "@EXEC@"));

  desktop = ck_expiry_agent_render ("certkeeper-expiry-check.desktop.in", &spec, &error);
  g_assert_no_error (error);
  g_free (expected);
  /* Desktop entry: \\" \\$ after the string escape, %% for a literal %. */
  expected = g_strdup_printf ("\nExec=\"%s\" \"--store\" \"%s/my store 100%%%%\\\\$HOME \\\\\"x\\\\\"\" "
                              "\"check\" \"--notify\" \"--within\" \"21\"\n", f->cli, f->dir);
  g_assert_nonnull (strstr (desktop, expected));

  /* Without a store: the default one, no --store. */
  spec.store_dir = NULL;
  g_clear_pointer (&service, g_free);
  service = ck_expiry_agent_render (CK_EXPIRY_AGENT_SERVICE ".in", &spec, &error);
  g_assert_no_error (error);
  g_assert_null (strstr (service, "--store"));

  /* A relative path or a newline is refused: it would run something else. */
  spec.cli_path = "certkeeper-cli";
  g_assert_null (ck_expiry_agent_render (CK_EXPIRY_AGENT_SERVICE ".in", &spec, &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_INVALID);
  g_clear_error (&error);
  spec.cli_path = f->cli;
  spec.store_dir = "/tmp/a\nExecStartPost=/bin/false";
  g_assert_null (ck_expiry_agent_render (CK_EXPIRY_AGENT_SERVICE ".in", &spec, &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_INVALID);
}

/* systemd-analyze verify --user on the installed units; a skip, never a
 * pass, without it. Any complaint about our files fails. */
static void
verify_units (Fixture *f)
{
  g_autofree char *analyze = g_find_program_in_path ("systemd-analyze");
  g_autofree char *service = ck_expiry_agent_path (CK_EXPIRY_AGENT_SYSTEMD, CK_EXPIRY_AGENT_SERVICE);
  g_autofree char *timer = ck_expiry_agent_path (CK_EXPIRY_AGENT_SYSTEMD, CK_EXPIRY_AGENT_TIMER);
  g_autofree char *runtime = g_build_filename (f->dir, "runtime", NULL);
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr (GError) error = NULL;
  g_auto (GStrv) env = NULL;
  const char *argv[] = { NULL, "verify", "--user", service, timer, NULL };
  int status = 0;

  if (analyze == NULL)
    {
      g_test_skip ("systemd-analyze is not installed: the units are not verified");
      return;
    }
  if (!g_file_test (f->cli, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("certkeeper-cli is not built: ExecStart= cannot be verified");
      return;
    }
  g_assert_cmpint (g_mkdir (runtime, 0700), ==, 0);
  /* The user manager it simulates needs a runtime folder of its own. */
  env = g_environ_setenv (g_get_environ (), "XDG_RUNTIME_DIR", runtime, TRUE);
  argv[0] = analyze;
  g_spawn_sync (NULL, (char **) argv, env, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status,
                &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL) || strstr (err, "certkeeper-expiry-check") != NULL)
    g_error ("systemd-analyze verify: %s%s", out, err);
}

static void
validate_desktop (const char *path)
{
  g_autofree char *validate = g_find_program_in_path ("desktop-file-validate");
  g_autofree char *out = NULL;
  g_autofree char *err = NULL;
  g_autoptr (GError) error = NULL;
  const char *argv[] = { NULL, path, NULL };
  int status = 0;

  if (validate == NULL)
    {
      g_test_skip ("desktop-file-validate is not installed: the entry is not validated");
      return;
    }
  argv[0] = validate;
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, &err, &status,
                &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL) || *out != '\0')
    g_error ("desktop-file-validate %s: %s%s", path, out, err);
}

static void
test_systemd (Fixture       *f,
              gconstpointer  data)
{
  CkExpiryAgentSpec spec = spec_for (f, CK_EXPIRY_AGENT_SYSTEMD);
  g_autoptr (GError) error = NULL;
  g_autofree char *service = ck_expiry_agent_path (CK_EXPIRY_AGENT_SYSTEMD, CK_EXPIRY_AGENT_SERVICE);
  g_autofree char *timer = ck_expiry_agent_path (CK_EXPIRY_AGENT_SYSTEMD, CK_EXPIRY_AGENT_TIMER);
  g_autofree char *autostart = ck_expiry_agent_path (CK_EXPIRY_AGENT_AUTOSTART,
                                                     CK_EXPIRY_AGENT_AUTOSTART_FILE);
  g_autofree char *log = NULL;
  g_autofree char *text = NULL;

  g_assert_true (g_str_has_prefix (service, g_get_user_config_dir ()));
  /* An autostart entry left from before goes: one kind at a time. */
  spec.kind = CK_EXPIRY_AGENT_AUTOSTART;
  g_assert_true (ck_expiry_agent_install (&spec, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (autostart, G_FILE_TEST_EXISTS));
  spec.kind = CK_EXPIRY_AGENT_SYSTEMD;

  g_assert_true (ck_expiry_agent_install (&spec, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (service, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (timer, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (autostart, G_FILE_TEST_EXISTS));
  text = ck_test_read_text (timer, NULL);
  g_assert_nonnull (strstr (text, "OnCalendar=daily"));
  g_assert_nonnull (strstr (text, "Unit=" CK_EXPIRY_AGENT_SERVICE));
  log = ck_test_read_text (f->log, NULL);
  g_assert_cmpstr (log, ==, "--user daemon-reload\n--user enable --now " CK_EXPIRY_AGENT_TIMER "\n");

  verify_units (f);

  /* Installing again (another threshold) replaces the units. */
  spec.days = 7;
  g_assert_true (ck_expiry_agent_install (&spec, &error));
  g_assert_no_error (error);
  g_clear_pointer (&text, g_free);
  text = ck_test_read_text (service, NULL);
  g_assert_nonnull (strstr (text, "\"--within\" \"7\""));

  g_assert_true (ck_expiry_agent_uninstall (&spec, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (service, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (timer, G_FILE_TEST_EXISTS));
  g_clear_pointer (&log, g_free);
  log = ck_test_read_text (f->log, NULL);
  g_assert_true (g_str_has_suffix (log, "--user disable --now " CK_EXPIRY_AGENT_TIMER "\n"
                                        "--user daemon-reload\n"));
  /* Uninstalling what is not there is done at once. */
  g_assert_true (ck_expiry_agent_uninstall (&spec, &error));
  g_assert_no_error (error);
}

static void
test_systemctl_fails (Fixture       *f,
                      gconstpointer  data)
{
  CkExpiryAgentSpec spec = spec_for (f, CK_EXPIRY_AGENT_SYSTEMD);
  g_autoptr (GError) error = NULL;
  g_autofree char *service = ck_expiry_agent_path (CK_EXPIRY_AGENT_SYSTEMD, CK_EXPIRY_AGENT_SERVICE);
  g_autofree char *timer = ck_expiry_agent_path (CK_EXPIRY_AGENT_SYSTEMD, CK_EXPIRY_AGENT_TIMER);

  g_assert_false (ck_expiry_agent_install (&spec, &error));
  g_assert_error (error, CK_ERROR, CK_ERROR_FAILED);
  g_assert_nonnull (strstr (error->message, "Failed to connect to bus"));
  /* Nothing left behind. */
  g_assert_false (g_file_test (service, G_FILE_TEST_EXISTS));
  g_assert_false (g_file_test (timer, G_FILE_TEST_EXISTS));
}

static void
test_autostart (Fixture       *f,
                gconstpointer  data)
{
  CkExpiryAgentSpec spec = spec_for (f, CK_EXPIRY_AGENT_AUTOSTART);
  g_autoptr (GError) error = NULL;
  g_autofree char *autostart = ck_expiry_agent_path (CK_EXPIRY_AGENT_AUTOSTART,
                                                     CK_EXPIRY_AGENT_AUTOSTART_FILE);
  g_autoptr (GKeyFile) keys = g_key_file_new ();
  g_autofree char *exec = NULL;
  g_auto (GStrv) argv = NULL;
  int argc = 0;

  g_assert_true (ck_expiry_agent_install (&spec, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (f->log, G_FILE_TEST_EXISTS));   /* no systemctl */
  validate_desktop (autostart);

  /* Read back as a launcher does (string unescape, then the Exec rules,
   * %% to %), the command line is the one asked for, word for word. */
  g_key_file_load_from_file (keys, autostart, G_KEY_FILE_NONE, &error);
  g_assert_no_error (error);
  exec = g_key_file_get_string (keys, "Desktop Entry", "Exec", &error);
  g_assert_no_error (error);
  g_assert_true (g_shell_parse_argv (exec, &argc, &argv, &error));
  g_assert_no_error (error);
  g_assert_cmpint (argc, ==, 7);
  g_assert_cmpstr (argv[0], ==, f->cli);
  g_assert_cmpstr (argv[1], ==, "--store");
  {
    g_autofree char *doubled = NULL;
    g_auto (GStrv) parts = g_strsplit (f->store, "%", -1);

    doubled = g_strjoinv ("%%", parts);
    g_assert_cmpstr (argv[2], ==, doubled);
  }
  g_assert_cmpstr (argv[3], ==, "check");
  g_assert_cmpstr (argv[4], ==, "--notify");

  g_assert_true (ck_expiry_agent_uninstall (&spec, &error));
  g_assert_no_error (error);
  g_assert_false (g_file_test (autostart, G_FILE_TEST_EXISTS));
}

int
main (int    argc,
      char **argv)
{
  g_test_init (&argc, &argv, G_TEST_OPTION_ISOLATE_DIRS, NULL);

#define ADD(name, func, fail) \
  g_test_add ("/expiry-agent/" name, Fixture, GINT_TO_POINTER (fail), fixture_set_up, func, \
              fixture_tear_down)
  ADD ("render", test_render, FALSE);
  ADD ("systemd", test_systemd, FALSE);
  ADD ("systemctl-fails", test_systemctl_fails, TRUE);
  ADD ("autostart", test_autostart, FALSE);
  return g_test_run ();
}
