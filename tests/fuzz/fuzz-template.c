/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: the certtool template reader. Whatever the text, a
 * request builder or an error; a template written back from a builder
 * must read again. */
#include <string.h>

#include "fuzz-common.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GPtrArray) warnings = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CkRequestBuilder) builder = NULL;
  g_autoptr(CkRequestBuilder) again = NULL;
  g_autoptr(GPtrArray) findings = NULL;
  g_autoptr(GError) again_error = NULL;
  g_autofree char *written = NULL;
  g_autofree char *subject = NULL;
  gnutls_pk_algorithm_t algo = size > 0 && (data[0] & 1) ? GNUTLS_PK_RSA : GNUTLS_PK_ECDSA;

  builder = ck_template_parse ((const char *) data, size, "fuzz.tmpl", algo, &warnings, &error);
  if ((builder == NULL) == (error == NULL))
    __builtin_trap ();
  if (builder == NULL)
    return 0;

  subject = ck_request_builder_get_subject_string (builder);
  findings = ck_request_builder_check (builder);
  written = ck_template_from_builder (builder, NULL);
  if (written == NULL)
    __builtin_trap ();
  again = ck_template_parse (written, -1, "written.tmpl", algo, NULL, &again_error);
  if (again == NULL)
    __builtin_trap ();   /* what we write, we read */
  return 0;
}
