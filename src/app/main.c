/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gi18n.h>
#include <locale.h>

#include "certkeeper-core.h"
#include "ck-application.h"

int
main (int   argc,
      char *argv[])
{
  g_autoptr(CkApplication) app = NULL;

  setlocale (LC_ALL, "");
  ck_core_bind_textdomain ();

  ck_core_init ();

  app = ck_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
