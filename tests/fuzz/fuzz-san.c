/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: the subject alternative name parser ("DNS:…", "IP:…",
 * "email:…", "URI:…", "UPN:…") behind --san and the assistant. Whatever
 * the text, a name or an error; a name written out must parse back to
 * the same name. */
#include <string.h>

#include "fuzz-common.h"

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autofree char *text = ck_fuzz_string (data, size);
  g_autoptr(CkGeneralName) name = NULL;
  g_autoptr(CkGeneralName) again = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(CkRequestBuilder) builder = NULL;
  g_autofree char *written = NULL;
  g_autofree char *written_again = NULL;

  if (!g_utf8_validate (text, -1, NULL))
    return 0;
  name = ck_general_name_parse (text, &error);
  if ((name == NULL) == (error == NULL))
    __builtin_trap ();
  if (name == NULL)
    return 0;

  written = ck_general_name_to_string (name);
  g_clear_error (&error);
  again = ck_general_name_parse (written, &error);
  if (again == NULL)
    __builtin_trap ();   /* what we write, we read */
  written_again = ck_general_name_to_string (again);
  if (strcmp (written, written_again) != 0)
    __builtin_trap ();

  /* and through the builder, as the CLI adds it */
  builder = ck_request_builder_new ();
  g_clear_error (&error);
  if (!ck_request_builder_add_san_string (builder, text, &error))
    __builtin_trap ();
  return 0;
}
