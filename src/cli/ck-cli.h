/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdio.h>

#include "certkeeper-core.h"

G_BEGIN_DECLS

/* Exit codes, documented in README.md ("Command line"). */
enum {
  CK_CLI_EXIT_OK = 0,
  CK_CLI_EXIT_ERROR = 1,
  CK_CLI_EXIT_USAGE = 2,
  CK_CLI_EXIT_NOT_TRUSTED = 3,   /* verify: anything but "trusted" */
  CK_CLI_EXIT_DUE = 4,           /* check: a certificate expired or expires soon */
};

/* State shared by the commands of one run. */
typedef struct {
  const char *command;    /* "import" */
  char       *store_dir;  /* --store, NULL for the default */
  CkStore    *store;      /* opened on first use */
  char       *pin_file;   /* --pin-file: token PINs, never on argv */
} CkCli;

/* Each command parses its own options (so each has its own --help) and
 * returns an exit code. */
int       ck_cli_import  (CkCli *cli, int argc, char **argv);
int       ck_cli_list    (CkCli *cli, int argc, char **argv);
int       ck_cli_show    (CkCli *cli, int argc, char **argv);
int       ck_cli_export  (CkCli *cli, int argc, char **argv);
int       ck_cli_delete  (CkCli *cli, int argc, char **argv);
int       ck_cli_trust   (CkCli *cli, int argc, char **argv);
int       ck_cli_verify  (CkCli *cli, int argc, char **argv);
int       ck_cli_keygen  (CkCli *cli, int argc, char **argv);
int       ck_cli_request (CkCli *cli, int argc, char **argv);
int       ck_cli_requests (CkCli *cli, int argc, char **argv);
int       ck_cli_template (CkCli *cli, int argc, char **argv);
int       ck_cli_tokens   (CkCli *cli, int argc, char **argv);
int       ck_cli_check    (CkCli *cli, int argc, char **argv);

/* ck-cli-token.c: GnuTLS asks for token PINs through this (once per
 * request, from --pin-file or the terminal). */
void      ck_cli_token_install_pin_function (CkCli *cli);
/* keygen --token URI: generates on the token and records the key's URI. */
int       ck_cli_token_keygen  (CkCli           *cli,
                                const char      *token_uri,
                                const CkKeySpec *spec,
                                const char      *label,
                                const char      *id_hex,
                                gboolean         extractable);
/* import --to-token: the token found and logged in (--pin-file or the
 * prompt), then each certificate written beside its key on the token
 * (@check_only: only whether its key is a token key in the store). */
CkToken  *ck_cli_token_open    (CkCli           *cli,
                                const char      *token_uri,
                                GError         **error);
gboolean  ck_cli_token_write_certificate (CkToken       *token,
                                          CkStore       *store,
                                          CkCertificate *certificate,
                                          gboolean       check_only,
                                          GError       **error);

/* Parses the options of the current command: @entries plus --store. On
 * --help GOption prints the help and exits 0. FALSE after printing a usage
 * error; the command then returns CK_CLI_EXIT_USAGE. */
gboolean  ck_cli_parse_options (CkCli              *cli,
                                const char         *parameters,
                                const char         *summary,
                                const char         *description,
                                const GOptionEntry *entries,
                                int                *argc,
                                char             ***argv);

/* @text with control characters (C0, DEL, C1) shown as \xHH escapes and
 * invalid UTF-8 repaired: names and messages come from certificates and
 * file names, and must not drive the terminal. */
char     *ck_cli_printable     (const char *text);
/* printf of one line to stdout, made printable, newline added. */
void      ck_cli_print_line    (const char *format,
                                ...) G_GNUC_PRINTF (1, 2);

/* "certkeeper-cli: …" on stderr as one line; returns CK_CLI_EXIT_ERROR. */
int       ck_cli_error         (const char *format,
                                ...) G_GNUC_PRINTF (1, 2);
/* The same for a GError. */
int       ck_cli_fail          (const GError *error);
/* Opens a stored key for use: unencrypted and token keys directly, others
 * with the store passphrase from @password_file or, at a terminal, asked
 * for up to CK_CLI_PROMPT_ATTEMPTS times. Prints the error and returns
 * NULL on failure. */
CkPrivateKey *ck_cli_load_stored_key (CkStore    *store,
                                      gint64      id,
                                      const char *password_file);
/* "certkeeper-cli COMMAND: …" plus a hint to --help; returns
 * CK_CLI_EXIT_USAGE. */
int       ck_cli_usage_error   (CkCli      *cli,
                                const char *format,
                                ...) G_GNUC_PRINTF (2, 3);

CkStore  *ck_cli_open_store    (CkCli   *cli,
                                GError **error);

/* Takes the single ID argument of show, export and delete (argv[1]),
 * opens the store and resolves it. FALSE with *@status set (usage error or
 * error already printed) otherwise. */
gboolean  ck_cli_resolve       (CkCli        *cli,
                                int           argc,
                                char        **argv,
                                CkStore     **store,
                                CkObjectKind *kind,
                                gint64       *id,
                                int          *status);

/* "2031-05-01T12:00:00Z", or NULL when the time cannot be represented. */
char     *ck_cli_format_time   (gint64 unix_time);

/* Writes @data to stdout, all of it. */
gboolean  ck_cli_write_stdout  (const void *data,
                                gsize       len,
                                GError    **error);

G_END_DECLS
