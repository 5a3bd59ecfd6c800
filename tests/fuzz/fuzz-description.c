/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: the extension decoders of the description model
 * (ck_description_add_extension(): GnuTLS's gnutls_x509_ext_import_*()
 * and libtasn1 with ck-extensions.asn). The first octet picks the
 * extension (its low seven bits) and says critical (its top bit); the
 * rest is its value (the DER inside the OCTET STRING).
 * Whatever the value, a section with at least one field, every field with
 * a value, and text to show for each. */
#include <string.h>

#include "fuzz-common.h"

/* In the order of tests/fuzz/seeds/description (named NN-key). */
static const char * const oids[] = {
  "2.5.29.19", "2.5.29.15", "2.5.29.37", "2.5.29.17", "2.5.29.18", "2.5.29.14",
  "2.5.29.35", "1.3.6.1.5.5.7.1.1", "1.3.6.1.5.5.7.1.11", "2.5.29.31", "2.5.29.46",
  "2.5.29.32", "2.5.29.33", "2.5.29.30", "2.5.29.36", "2.5.29.54", "2.5.29.16",
  "2.5.29.9", "1.3.6.1.4.1.11129.2.4.2", "1.3.6.1.4.1.11129.2.4.3",
  "1.3.6.1.5.5.7.48.1.5", "1.3.6.1.5.5.7.1.24", "1.3.6.1.4.1.311.20.2",
  "1.3.6.1.4.1.311.21.7", "2.16.840.1.113730.1.13", "1.2.3.4",
};

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(CkDescription) description = NULL;
  g_autoptr(GBytes) value = NULL;
  CkDescriptionSection *section;

  if (size < 1)
    return 0;
  description = ck_description_new ();
  value = g_bytes_new (data + 1, size - 1);
  section = ck_description_add_extension (description, oids[(data[0] & 0x7f) % G_N_ELEMENTS (oids)],
                                          data[0] & 0x80, value);
  if (section == NULL || section->fields->len == 0)
    __builtin_trap ();
  for (guint i = 0; i < section->fields->len; i++)
    {
      CkDescriptionField *field = g_ptr_array_index (section->fields, i);
      g_autofree char *text = NULL;

      if (field->values == NULL || field->values[0] == NULL)
        __builtin_trap ();
      text = ck_description_field_to_display (field);
      if (text == NULL || !g_utf8_validate (text, -1, NULL))
        __builtin_trap ();
    }
  return 0;
}
