/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ck-extension.h"

G_DEFINE_BOXED_TYPE (CkExtension, ck_extension,
                     ck_extension_copy, ck_extension_free)

CkExtension *
ck_extension_new (const char *oid,
                  gboolean    critical,
                  GBytes     *value)
{
  CkExtension *ext;

  g_return_val_if_fail (oid != NULL, NULL);

  ext = g_new0 (CkExtension, 1);
  ext->oid = g_strdup (oid);
  ext->critical = !!critical;
  ext->value = value != NULL ? g_bytes_ref (value) : g_bytes_new (NULL, 0);
  return ext;
}

CkExtension *
ck_extension_copy (const CkExtension *ext)
{
  g_return_val_if_fail (ext != NULL, NULL);

  return ck_extension_new (ext->oid, ext->critical, ext->value);
}

void
ck_extension_free (CkExtension *ext)
{
  if (ext == NULL)
    return;

  g_free (ext->oid);
  g_clear_pointer (&ext->value, g_bytes_unref);
  g_free (ext);
}
