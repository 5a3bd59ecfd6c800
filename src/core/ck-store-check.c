/* SPDX-License-Identifier: GPL-3.0-or-later */
/* What ck_store_open() checks before it trusts a store: who may write to
 * it, and whether the database is intact. */
#include "ck-store-private.h"

#include <errno.h>
#include <stdint.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>

#include "ck-error.h"

gboolean
ck_store_check_owner_and_mode (const char   *path,
                               const struct stat *st,
                               GError      **error)
{
  gboolean is_dir = S_ISDIR (st->st_mode);

  /* Someone else's store, or one others may write: they could have put
   * in a certificate, changed its trust or replaced a key. */
  if (st->st_uid != geteuid ())
    {
      g_set_error (error, CK_ERROR, CK_ERROR_STORE,
                   /* Translators: %s is a directory or file, %u user ids */
                   _("Refusing to use %s: it belongs to user %u, not to you (user %u); "
                     "the store must be your own (as its owner: chown %u %s)"),
                   path, (unsigned) st->st_uid, (unsigned) geteuid (),
                   (unsigned) geteuid (), path);
      return FALSE;
    }
  if ((st->st_mode & 022) != 0)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_STORE,
                   /* Translators: the last %s is a command: "chmod 700 DIR" */
                   _("Refusing to use %s: other users can write to it (mode %03o); "
                     "if nobody changed it, make it private with “chmod %s %s”"),
                   path, (unsigned) (st->st_mode & 0777), is_dir ? "700" : "600", path);
      return FALSE;
    }
  return TRUE;
}

gboolean
ck_store_set_damaged_error (GError     **error,
                            const char  *dir,
                            const char  *path,
                            const char  *reason)
{
  g_set_error (error, CK_ERROR, CK_ERROR_STORE,
               /* Translators: the commands stay as they are */
               _("The store %s is damaged (%s). Nothing was changed. Keep a copy first "
                 "(cp -a %s %s.damaged), then recover what can still be read into a new "
                 "store: sqlite3 %s .recover | sqlite3 NEW-DIR/store.db, and use it with "
                 "--store NEW-DIR"),
               path, reason, dir, dir, path);
  return FALSE;
}

/* PRAGMA quick_check: every page and b-tree of the file, without matching
 * indexes against tables (integrity_check, about 3 times the cost). On a
 * file the size of a 100,000-certificate store (147 MiB) it costs about
 * 0.2 s of CPU with the file in the page cache (README.md, "Limits"). */
gboolean
ck_store_check_integrity (sqlite3     *db,
                          const char  *dir,
                          const char  *path,
                          GError     **error)
{
  sqlite3_stmt *stmt = NULL;
  g_autofree char *problem = NULL;
  int rc;

  if (sqlite3_prepare_v2 (db, "PRAGMA quick_check(1)", -1, &stmt, NULL) != SQLITE_OK)
    return ck_store_set_damaged_error (error, dir, path, sqlite3_errmsg (db));
  rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    {
      const char *result = (const char *) sqlite3_column_text (stmt, 0);

      if (g_strcmp0 (result, "ok") != 0)
        problem = g_strdup (result != NULL ? result : "?");
    }
  else
    problem = g_strdup (sqlite3_errmsg (db));
  sqlite3_finalize (stmt);
  if (problem != NULL)
    return ck_store_set_damaged_error (error, dir, path, problem);
  return TRUE;
}

/* What identifies the bytes of @path as they are now: device, inode, size,
 * mtime and ctime (nanoseconds), for the database and its WAL (or that the
 * WAL is missing or empty). NULL when
 * the database cannot be examined. */
static char *
file_state (const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  const char *files[] = { path, wal };
  g_autoptr(GString) state = g_string_new ("certkeeper-quick-check 1\n");

  for (guint i = 0; i < G_N_ELEMENTS (files); i++)
    {
      struct stat st;

      if (g_stat (files[i], &st) != 0)
        {
          if (i == 0 || errno != ENOENT)
            return NULL;
          g_string_append (state, "none\n");
          continue;
        }
      /* Every open and close touches an empty WAL: only its content counts. */
      if (i == 1 && st.st_size == 0)
        {
          g_string_append (state, "empty\n");
          continue;
        }
      g_string_append_printf (state, "%ju %ju %jd %jd.%09ld %jd.%09ld\n",
                              (uintmax_t) st.st_dev, (uintmax_t) st.st_ino,
                              (intmax_t) st.st_size,
                              (intmax_t) st.st_mtim.tv_sec, st.st_mtim.tv_nsec,
                              (intmax_t) st.st_ctim.tv_sec, st.st_ctim.tv_nsec);
    }
  return g_string_free (g_steal_pointer (&state), FALSE);
}

gboolean
ck_store_check_integrity_once (sqlite3     *db,
                               const char  *dir,
                               const char  *path,
                               GError     **error)
{
  g_autofree char *record = g_strconcat (path, "-checked", NULL);
  g_autofree char *before = file_state (path);
  g_autofree char *recorded = NULL;
  g_autofree char *after = NULL;

  if (before != NULL && g_file_get_contents (record, &recorded, NULL, NULL) &&
      g_str_equal (recorded, before))
    return TRUE;
  if (!ck_store_check_integrity (db, dir, path, error))
    {
      g_unlink (record);
      return FALSE;
    }
  /* Recorded only when nothing changed the files during the check. */
  after = file_state (path);
  if (before != NULL && after != NULL && g_str_equal (before, after))
    g_file_set_contents_full (record, after, -1, G_FILE_SET_CONTENTS_CONSISTENT,
                              0600, NULL);
  return TRUE;
}

gboolean
ck_store_wal_is_empty (const char *path)
{
  g_autofree char *wal = g_strconcat (path, "-wal", NULL);
  struct stat st;

  if (g_stat (wal, &st) != 0)
    return errno == ENOENT;
  return st.st_size == 0;
}
