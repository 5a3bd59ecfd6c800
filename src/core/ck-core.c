/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "certkeeper-core.h"

#include <gnutls/gnutls.h>

void
ck_core_init (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      /* GnuTLS initialises itself in a library constructor; this only
       * checks we run against a usable version. */
      if (gnutls_check_version ("3.7.0") == NULL)
        g_error ("GnuTLS 3.7.0 or newer is needed, found %s",
                 gnutls_check_version (NULL));
      g_once_init_leave (&initialized, 1);
    }
}
