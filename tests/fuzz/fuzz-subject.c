/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: the DN string parser behind `certkeeper-cli request
 * --subject` ("CN=api.acme.com, O=Acme, C=US"). Whatever the text, the
 * subject or an error; the string a subject is shown as must parse back
 * to the same subject. */
#include <string.h>

#include "fuzz-common.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = ck_fuzz_string (data, size);
  g_autoptr(CkRequestBuilder) builder = ck_request_builder_new ();
  g_autoptr(CkRequestBuilder) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *shown = NULL;
  g_autofree char *shown_again = NULL;

  if (!g_utf8_validate (text, -1, NULL))
    return 0;   /* the CLI takes UTF-8 arguments only */
  if (!ck_request_builder_add_subject_string (builder, text, &error))
    {
      if (error == NULL)
        __builtin_trap ();
      return 0;
    }
  if (ck_request_builder_get_subject (builder)->len == 0)
    return 0;

  shown = ck_request_builder_get_subject_string (builder);
  again = ck_request_builder_new ();
  g_clear_error (&error);
  if (!ck_request_builder_add_subject_string (again, shown, &error))
    __builtin_trap ();   /* what we show, we read */
  shown_again = ck_request_builder_get_subject_string (again);
  if (strcmp (shown, shown_again) != 0)
    __builtin_trap ();
  return 0;
}
