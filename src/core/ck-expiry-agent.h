/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/* "Warn me even when Certkeeper is closed": a systemd user timer and
 * service that run `certkeeper-cli check --notify` once a day, or, where
 * there is no systemd, an XDG autostart entry that runs it at login. The
 * files are made from the templates in data/expiry/ (compiled into the
 * core) and written under $XDG_CONFIG_HOME; turning the option off takes
 * them away again. */

typedef enum {
  CK_EXPIRY_AGENT_AUTO,       /* systemd when it runs the session, else autostart */
  CK_EXPIRY_AGENT_SYSTEMD,
  CK_EXPIRY_AGENT_AUTOSTART,
} CkExpiryAgentKind;

#define CK_EXPIRY_AGENT_SERVICE   "certkeeper-expiry-check.service"
#define CK_EXPIRY_AGENT_TIMER     "certkeeper-expiry-check.timer"
#define CK_EXPIRY_AGENT_AUTOSTART_FILE "io.github.certkeeper.Certkeeper.ExpiryCheck.desktop"

typedef struct {
  const char        *cli_path;   /* absolute path of certkeeper-cli */
  const char        *store_dir;  /* nullable: the default store */
  guint              days;       /* check --within DAYS */
  CkExpiryAgentKind  kind;
  /* nullable: `systemctl` from PATH (tests give a stand-in). */
  const char        *systemctl;
} CkExpiryAgentSpec;

/* $CERTKEEPER_CLI when set (an uninstalled build: `meson devenv`, the
 * tests), else the installed certkeeper-cli. */
char              *ck_expiry_agent_default_cli   (void);
/* What AUTO means here: SYSTEMD when the system runs systemd
 * (/run/systemd/system) and systemctl is found, else AUTOSTART. */
CkExpiryAgentKind  ck_expiry_agent_detect        (const CkExpiryAgentSpec *spec);
/* The text of @template_name ("certkeeper-expiry-check.service.in", …)
 * with @spec filled in, quoted for its file type. */
char              *ck_expiry_agent_render        (const char              *template_name,
                                                  const CkExpiryAgentSpec *spec,
                                                  GError                 **error);
/* Writes the files for @spec (replacing earlier ones) and, for systemd,
 * reloads the user manager and enables and starts the timer. Blocks
 * while systemctl runs: call it from a worker thread in the app. On
 * failure what was written is taken away again. */
gboolean           ck_expiry_agent_install       (const CkExpiryAgentSpec *spec,
                                                  GError                 **error);
/* Stops and disables the timer (when systemd has it) and removes every
 * file ck_expiry_agent_install() may have written, of either kind. */
gboolean           ck_expiry_agent_uninstall     (const CkExpiryAgentSpec *spec,
                                                  GError                 **error);
/* Where the files go: $XDG_CONFIG_HOME/systemd/user/NAME and
 * $XDG_CONFIG_HOME/autostart/NAME. */
char              *ck_expiry_agent_path          (CkExpiryAgentKind        kind,
                                                  const char              *name);

G_END_DECLS
