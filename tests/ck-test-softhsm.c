/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gstdio.h>
#include <gnutls/gnutls.h>
#include <gnutls/pkcs11.h>
#include <p11-kit/p11-kit.h>
#include <string.h>

#include "ck-test-softhsm.h"
#include "ck-test-tools.h"

/* Test-only: the module is loaded by path just to initialise the tokens;
 * Certkeeper itself finds it through p11-kit's registry. */
#define SOFTHSM_MODULE "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so"

static char *softhsm_dir;

static int
pin_callback (void         *userdata,
              int           attempt,
              const char   *token_url,
              const char   *token_label,
              unsigned int  flags,
              char         *pin,
              size_t        pin_max)
{
  const char *value = (flags & GNUTLS_PIN_SO) ? CK_TEST_SOFTHSM_SO_PIN : CK_TEST_SOFTHSM_USER_PIN;

  if (attempt > 0)
    return -1;
  g_strlcpy (pin, value, pin_max);
  return 0;
}

void
ck_test_softhsm_use_pin_callback (void)
{
  gnutls_pkcs11_set_pin_function (pin_callback, NULL);
}

static gboolean
find_slot (CK_FUNCTION_LIST *module,
           const CK_UTF8CHAR *label,
           CK_SLOT_ID        *slot)
{
  CK_SLOT_ID slots[64];
  CK_ULONG n_slots = G_N_ELEMENTS (slots);

  if (module->C_GetSlotList (CK_TRUE, slots, &n_slots) != CKR_OK)
    return FALSE;
  for (CK_ULONG i = 0; i < n_slots; i++)
    {
      CK_TOKEN_INFO info;

      if (label == NULL && module->C_GetTokenInfo (slots[i], &info) == CKR_OK &&
          !(info.flags & CKF_TOKEN_INITIALIZED))
        {
          *slot = slots[i];
          return TRUE;
        }
      if (label != NULL && module->C_GetTokenInfo (slots[i], &info) == CKR_OK &&
          memcmp (info.label, label, sizeof info.label) == 0)
        {
          *slot = slots[i];
          return TRUE;
        }
    }
  return FALSE;
}

/* SoftHSM always offers one free slot; initialising it gives the token a
 * new slot id, so it is looked up again by label. */
static gboolean
init_token (CK_FUNCTION_LIST *module,
            const char       *name)
{
  const char *so_pin = CK_TEST_SOFTHSM_SO_PIN;
  const char *user_pin = CK_TEST_SOFTHSM_USER_PIN;
  CK_UTF8CHAR label[32];
  CK_SESSION_HANDLE session;
  CK_SLOT_ID slot;
  gboolean ok;

  memset (label, ' ', sizeof label);
  memcpy (label, name, MIN (strlen (name), sizeof label));
  if (!find_slot (module, NULL, &slot) ||
      module->C_InitToken (slot, (CK_UTF8CHAR_PTR) so_pin, strlen (so_pin), label) != CKR_OK ||
      !find_slot (module, label, &slot) ||
      module->C_OpenSession (slot, CKF_SERIAL_SESSION | CKF_RW_SESSION, NULL, NULL, &session) != CKR_OK)
    return FALSE;
  ok = module->C_Login (session, CKU_SO, (CK_UTF8CHAR_PTR) so_pin, strlen (so_pin)) == CKR_OK &&
       module->C_InitPIN (session, (CK_UTF8CHAR_PTR) user_pin, strlen (user_pin)) == CKR_OK;
  module->C_Logout (session);
  module->C_CloseSession (session);
  return ok;
}

gboolean
ck_test_softhsm_setup (const char * const *labels)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *conf = NULL;
  g_autofree char *tokens = NULL;
  g_autofree char *text = NULL;
  CK_FUNCTION_LIST *module;
  gboolean ok = TRUE;

  if (!g_file_test (SOFTHSM_MODULE, G_FILE_TEST_EXISTS))
    return FALSE;
  softhsm_dir = g_dir_make_tmp ("ck-test-softhsm-XXXXXX", &error);
  g_assert_no_error (error);
  tokens = g_build_filename (softhsm_dir, "tokens", NULL);
  g_assert_cmpint (g_mkdir (tokens, 0700), ==, 0);
  conf = g_build_filename (softhsm_dir, "softhsm2.conf", NULL);
  text = g_strdup_printf ("directories.tokendir = %s\nobjectstore.backend = file\n"
                          "log.level = ERROR\n", tokens);
  g_file_set_contents (conf, text, -1, &error);
  g_assert_no_error (error);
  g_setenv ("SOFTHSM2_CONF", conf, TRUE);

  module = p11_kit_module_load (SOFTHSM_MODULE, 0);
  g_assert_nonnull (module);
  /* SoftHSM adds its next free slot only when it starts again. */
  for (guint i = 0; ok && labels != NULL && labels[i] != NULL; i++)
    {
      g_assert_cmpint (p11_kit_module_initialize (module), ==, CKR_OK);
      ok = init_token (module, labels[i]);
      p11_kit_module_finalize (module);
    }
  p11_kit_module_release (module);
  g_assert_true (ok);
  return TRUE;
}

const char *
ck_test_softhsm_dir (void)
{
  return softhsm_dir;
}

char *
ck_test_softhsm_token_uri (const char *label)
{
  return g_strdup_printf ("pkcs11:token=%s", label);
}

void
ck_test_softhsm_teardown (void)
{
  if (softhsm_dir != NULL)
    ck_test_remove_tree (softhsm_dir);
  g_clear_pointer (&softhsm_dir, g_free);
}
