/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* Throwaway SoftHSM2 tokens for tests: a temporary directory with its own
 * softhsm2.conf (SOFTHSM2_CONF), and tokens initialised through PKCS#11 in
 * this process, so no PIN ever reaches a command line. GnuTLS finds them
 * through p11-kit's module registry (Debian's softhsm2.module). */

#define CK_TEST_SOFTHSM_SO_PIN   "so-pin-1234"
#define CK_TEST_SOFTHSM_USER_PIN "user-pin-1234"

/* Creates the directory and one initialised token per label (user PIN
 * CK_TEST_SOFTHSM_USER_PIN), before GnuTLS loads any module: GnuTLS does
 * not see tokens initialised after it started. FALSE (and nothing set up)
 * when SoftHSM2 is not installed; an assertion fails when it is installed
 * but cannot be set up. */
gboolean     ck_test_softhsm_setup     (const char * const *labels);
/* The temporary directory, NULL before setup. */
const char  *ck_test_softhsm_dir       (void);
/* "pkcs11:token=LABEL" */
char        *ck_test_softhsm_token_uri (const char *label);
/* A GnuTLS PIN callback answering the test PINs once per request. */
void         ck_test_softhsm_use_pin_callback (void);
void         ck_test_softhsm_teardown  (void);

G_END_DECLS
