/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdio.h>

#include "certkeeper-core.h"
#include "ck-json-writer.h"

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
int       ck_cli_label   (CkCli *cli, int argc, char **argv);
int       ck_cli_trust   (CkCli *cli, int argc, char **argv);
int       ck_cli_verify  (CkCli *cli, int argc, char **argv);
int       ck_cli_keygen  (CkCli *cli, int argc, char **argv);
int       ck_cli_request (CkCli *cli, int argc, char **argv);
int       ck_cli_requests (CkCli *cli, int argc, char **argv);
int       ck_cli_template (CkCli *cli, int argc, char **argv);
int       ck_cli_tokens   (CkCli *cli, int argc, char **argv);
int       ck_cli_check    (CkCli *cli, int argc, char **argv);
/* ck-cli-notify.c: check --notify's desktop notification, over D-Bus;
 * *@id (nullable) gets the server's id for it. */
gboolean  ck_cli_notify_send (const CkExpiryMessage  *message,
                              guint32                *id,
                              GError                **error);
int       ck_cli_renew    (CkCli *cli, int argc, char **argv);
int       ck_cli_selfsign (CkCli *cli, int argc, char **argv);
int       ck_cli_sign     (CkCli *cli, int argc, char **argv);
int       ck_cli_revoke   (CkCli *cli, int argc, char **argv);
int       ck_cli_crl      (CkCli *cli, int argc, char **argv);
int       ck_cli_revocations (CkCli *cli, int argc, char **argv);
int       ck_cli_fetch_crl    (CkCli *cli, int argc, char **argv);
int       ck_cli_fetch_issuer (CkCli *cli, int argc, char **argv);
int       ck_cli_ocsp_responder (CkCli *cli, int argc, char **argv);

/* ck-cli-revocation.c: the "revocation" JSON member (null for none) and
 * the lines `verify` prints about revocation and a fetched issuer. */
void      ck_cli_revocation_to_json (CkJsonWriter             *json,
                                     const CkRevocationStatus *status);
void      ck_cli_print_revocation   (CkVerification *verification,
                                     gint64          id);
int       ck_cli_passphrase (CkCli *cli, int argc, char **argv);

/* A command that makes something from the choices `request` takes (the
 * key, subject, SANs, extensions, profile, template): ck-cli-request.c
 * parses them with @entries added, asks for the passphrase of a new key,
 * and @finish makes the thing through @keeper with the key the options
 * chose (a new one is made by the keeper's action, so nothing is left
 * behind when it fails). @check (nullable) judges the builder first;
 * @apply_profile reads --profile. */
typedef struct {
  const char         *summary;
  const char         *description;
  const GOptionEntry *entries;
  gboolean          (*apply_profile) (CkRequestBuilder        *builder,
                                      const char              *name,
                                      GError                 **error);
  gboolean          (*check)         (CkRequestBuilder        *builder,
                                      gpointer                 data);
  int               (*finish)        (CkCli                   *cli,
                                      CkKeeper                *keeper,
                                      CkRequestBuilder        *builder,
                                      const CkKeeperKeyChoice *key,
                                      gpointer                 data);
  gpointer            data;
} CkCliRequestMode;

int       ck_cli_request_run (CkCli                  *cli,
                              int                     argc,
                              char                  **argv,
                              const CkCliRequestMode *mode);
/* "error: …" and "warning: …" lines on stderr, one per finding. */
void      ck_cli_print_findings (GPtrArray *findings);
/* @data to the file @out (0644), or to stdout when @out is NULL; binary
 * data is refused on a terminal. */
int       ck_cli_write_result   (const void *data,
                                 gsize       len,
                                 gboolean    is_text,
                                 const char *out,
                                 gboolean    force);

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
 * prompt), then each certificate written beside its key on the token by
 * the keeper (@check_only: only whether its key is a token key in the
 * store, on this token); *@written FALSE when the token had it already. */
CkToken  *ck_cli_token_open    (CkCli           *cli,
                                const char      *token_uri,
                                GError         **error);
gboolean  ck_cli_token_write_certificate (CkToken       *token,
                                          CkStore       *store,
                                          CkCertificate *certificate,
                                          gboolean       check_only,
                                          gboolean      *written,
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

/* @text with control characters (C0, DEL, C1) shown as \xHH escapes,
 * bidirectional controls as \uHHHH and invalid UTF-8 repaired
 * (ck_text_escape_for_display()): names and messages come from
 * certificates and file names, and must not drive the terminal. */
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

/* Ends the array @json holds and writes it to stdout. */
int       ck_cli_write_json_array (CkJsonWriter *json);
/* Where a command writes what it made: --format, --out, --force. */
typedef struct {
  const char *format;   /* NULL or "pem", or "der" */
  const char *out;      /* NULL or "-": standard output */
  gboolean    force;
} CkCliOutput;

/* A CkKeeperIssueSink (and the one writer of encoded output): @pem or @der
 * as the CkCliOutput @user_data says, to --out or standard output; DER is
 * refused on a terminal. Run by the keeper inside its transaction, so a
 * file that cannot be written leaves the store as it was. */
gboolean  ck_cli_output_sink    (GBytes      *der,
                                 const char  *pem,
                                 gpointer     user_data,
                                 GError     **error);
/* @pem when @format is NULL or "pem", else @der; as ck_cli_write_result(). */
int       ck_cli_write_encoded  (const char *format,
                                 const char *pem,
                                 GBytes     *der,
                                 const char *out,
                                 gboolean    force);
/* "sha256", "sha384" or "sha512"; CK_ERROR_INVALID otherwise. */
gboolean  ck_cli_parse_hash     (const char                *name,
                                 gnutls_digest_algorithm_t *hash,
                                 GError                   **error);
/* ISO 8601 ("2031-05-01T12:00:00Z", a time zone or UTC) or a date
 * ("2031-05-01", midnight UTC). */
gboolean  ck_cli_parse_time    (const char *text,
                                gint64     *when);
/* "2031-05-01T12:00:00Z", or NULL when the time cannot be represented. */
char     *ck_cli_format_time   (gint64 unix_time);

/* Writes @data to stdout, all of it. */
gboolean  ck_cli_write_stdout  (const void *data,
                                gsize       len,
                                GError    **error);

/* --out of every command: NULL and "-" are standard output. */
gboolean  ck_cli_out_is_stdout (const char *out);
/* Writes @data to --out @out: standard output, or the file through
 * ck_file_write(), replacing an existing regular file only with @force
 * (--force). The error says "cannot write FILE: …". */
gboolean  ck_cli_write_out     (const char   *out,
                                gboolean      force,
                                const void   *data,
                                gsize         len,
                                CkWriteFlags  flags,
                                GError      **error);

G_END_DECLS
