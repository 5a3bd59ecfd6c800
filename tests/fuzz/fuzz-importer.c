/* SPDX-License-Identifier: GPL-3.0-or-later */
/* libFuzzer target: whatever bytes come in, the importer must give items
 * or error items, never crash, leak or read out of bounds. A password
 * callback answers once with a fixed password so the PKCS#12, PKCS#8 and
 * legacy-PEM decryption paths run too (run-fuzzer.sh seeds the corpus
 * with such files under that password). */
#include <string.h>

#include "fuzz-common.h"

#define FUZZ_PASSWORD "1234"

static char *
fuzz_password (CkImportItem *item,
               guint         attempt,
               gpointer      user_data)
{
  /* once: a wrong answer must not loop */
  return attempt == 0 ? g_strdup (FUZZ_PASSWORD) : NULL;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data,
                        size_t         size)
{
  g_autoptr(GBytes) bytes = g_bytes_new (data, size);
  g_autoptr(CkImporter) importer = ck_importer_new (NULL);
  CkImportPlan *plan;
  g_autofree char *problems = NULL;
  guint n;

  ck_importer_set_password_func (importer, fuzz_password, NULL, NULL);
  ck_importer_add_bytes (importer, bytes, "fuzz.bin");

  plan = ck_importer_get_plan (importer);
  n = ck_import_plan_get_n_items (plan);
  if (n == 0)
    __builtin_trap ();   /* every input gives at least an error item */

  /* walk everything a caller would look at */
  for (guint i = 0; i < n; i++)
    {
      CkImportItem *item = ck_import_plan_get_item (plan, i);

      (void) ck_import_item_get_source (item);
      (void) ck_import_item_get_display_name (item);
      (void) ck_import_item_get_fingerprint (item);
      (void) ck_import_item_get_partner (item);
      if (ck_import_item_get_kind (item) == CK_IMPORT_ITEM_LOCKED)
        {
          g_autoptr(GError) error = NULL;

          /* a second, different password through unlock() */
          if (!ck_importer_unlock (importer, item, "", &error) && error == NULL)
            __builtin_trap ();
          break;   /* the plan may have changed under us */
        }
    }
  problems = ck_import_plan_describe_problems (plan);
  (void) ck_import_plan_count_new (plan);
  return 0;
}
