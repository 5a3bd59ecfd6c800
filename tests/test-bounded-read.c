/* SPDX-License-Identifier: GPL-3.0-or-later */
/* The one reader of user-named files: capped while reading, cancellable
 * while waiting (the window's Cancel during an import goes through here). */
#include <errno.h>
#include <fcntl.h>
#include <glib/gstdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "certkeeper-core.h"

static char *
tmp_path (const char *name)
{
  static char *dir;

  if (dir == NULL)
    dir = g_dir_make_tmp ("ck-test-bounded-read-XXXXXX", NULL);
  return g_build_filename (dir, name, NULL);
}

static void
test_regular_file (void)
{
  g_autofree char *path = tmp_path ("small.txt");
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;

  g_assert_true (g_file_set_contents (path, "0123456789", 10, NULL));
  bytes = ck_read_file_bounded (file, NULL, 10, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "0123456789", 10);

  /* One byte over the cap: refused, naming the file and the limit. */
  g_clear_pointer (&bytes, g_bytes_unref);
  bytes = ck_read_file_bounded (file, "small.txt", 9, NULL, &error);
  g_assert_null (bytes);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE);
  g_assert_true (g_str_has_prefix (error->message, "small.txt: too large"));
  g_assert_nonnull (strstr (error->message, "9 bytes"));
}

static void
test_device (void)
{
  g_autoptr(GFile) file = g_file_new_for_path ("/dev/zero");
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;

  bytes = ck_read_file_bounded (file, NULL, 3 * 1024 * 1024 + 5, NULL, &error);
  g_assert_null (bytes);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE);
  g_assert_nonnull (strstr (error->message, "/dev/zero: too large: more than the limit of"));
}

static void
test_pipe (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = NULL;
  int fds[2];

  /* Exactly the cap through a pipe is accepted, in order. */
  g_assert_no_errno (pipe (fds));
  g_assert_cmpint (write (fds[1], "abcdef", 6), ==, 6);
  close (fds[1]);
  bytes = ck_read_fd_bounded (fds[0], "pipe", 6, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpmem (g_bytes_get_data (bytes, NULL), g_bytes_get_size (bytes), "abcdef", 6);
  close (fds[0]);
}

/* TRUE once this process has @path open (the reader is past open()). */
static gboolean
have_open (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open ("/proc/self/fd", 0, NULL);
  const char *name;

  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *link = g_build_filename ("/proc/self/fd", name, NULL);
      g_autofree char *target = g_file_read_link (link, NULL);

      if (g_strcmp0 (target, path) == 0)
        return TRUE;
    }
  return FALSE;
}

typedef struct {
  GFile        *file;
  GCancellable *cancellable;
  GError       *error;
  GBytes       *bytes;
  gboolean      done;
} ReadJob;

static gpointer
read_thread (gpointer data)
{
  ReadJob *job = data;

  job->bytes = ck_read_file_bounded (job->file, NULL, 1024, job->cancellable, &job->error);
  g_atomic_int_set (&job->done, TRUE);
  return NULL;
}

/* A FIFO nobody writes to: the read waits, and cancelling ends it. */
static void
test_fifo_cancelled (void)
{
  g_autofree char *path = tmp_path ("fifo");
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autoptr(GFile) file = g_file_new_for_path (path);
  ReadJob job = { file, cancellable, NULL, NULL, FALSE };
  GThread *thread;

  g_assert_no_errno (mkfifo (path, 0600));
  thread = g_thread_new ("reader", read_thread, &job);
  /* Waits on state: the reader has the FIFO open, so it waits in poll(). */
  while (!have_open (path))
    g_thread_yield ();
  g_assert_false (g_atomic_int_get (&job.done));
  g_cancellable_cancel (cancellable);
  g_thread_join (thread);
  g_assert_null (job.bytes);
  g_assert_error (job.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&job.error);
  g_unlink (path);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/bounded-read/regular-file", test_regular_file);
  g_test_add_func ("/bounded-read/device", test_device);
  g_test_add_func ("/bounded-read/pipe", test_pipe);
  g_test_add_func ("/bounded-read/fifo-cancelled", test_fifo_cancelled);
  return g_test_run ();
}
