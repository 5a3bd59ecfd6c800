/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "certkeeper-core.h"

#include <glib/gi18n-lib.h>
#include <gnutls/gnutls.h>

void
ck_core_bind_textdomain (void)
{
  /* CK_LOCALEDIR points an uninstalled build at the catalogues meson
   * compiles under BUILDDIR/po, so that tests can run it in German. */
  const char *dir = g_getenv ("CK_LOCALEDIR");

  bindtextdomain (GETTEXT_PACKAGE, dir != NULL && dir[0] != '\0' ? dir : LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}

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
