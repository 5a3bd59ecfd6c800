/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* What every libFuzzer target shares: the core initialised once, GLib
 * criticals and warnings made crashes the fuzzer reports, GIO's debug
 * chatter silenced. */

#include <stddef.h>
#include <stdint.h>

#include "certkeeper-core.h"

int LLVMFuzzerInitialize (int *argc, char ***argv);
int LLVMFuzzerTestOneInput (const uint8_t *data, size_t size);

static void
ck_fuzz_quiet_log (const char     *domain,
                   GLogLevelFlags  level,
                   const char     *message,
                   gpointer        user_data)
{
}

int
LLVMFuzzerInitialize (int    *argc,
                      char ***argv)
{
  ck_core_init ();
  /* criticals are bugs: make them crashes the fuzzer reports */
  g_log_set_always_fatal (G_LOG_LEVEL_CRITICAL | G_LOG_LEVEL_WARNING);
  g_log_set_handler ("GLib-GIO", G_LOG_LEVEL_DEBUG, ck_fuzz_quiet_log, NULL);
  return 0;
}

/* The input as a NUL-terminated string (parsers of text take those). */
static inline char *
ck_fuzz_string (const uint8_t *data,
                size_t         size)
{
  return g_strndup ((const char *) data, size);
}
