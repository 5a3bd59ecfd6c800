/* SPDX-License-Identifier: GPL-3.0-or-later */
/* One reader for every file the user names: capped while it reads, and
 * interruptible while it waits. */
#include "ck-bounded-read.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <gnutls/gnutls.h>

/* Pipes and devices are read into chunks of this size rather than one
 * buffer doubled by realloc(): a refused /dev/zero then costs the cap and
 * not up to twice it (allocators without mremap copy on every doubling). */
#define CHUNK_SIZE ((gsize) 1024 * 1024)

typedef struct {
  guint8 *data;
  gsize   len;
  gsize   capacity;
} Chunk;

typedef struct {
  const char *name;
  gsize       max_size;
  GArray     *chunks;   /* Chunk, all full but the last */
  gsize       total;
} Reader;

static void
chunk_clear (gpointer data)
{
  Chunk *chunk = data;

  if (chunk->data != NULL)
    {
      gnutls_memset (chunk->data, 0, chunk->len);
      g_free (chunk->data);
      chunk->data = NULL;
    }
}

static void
reader_init (Reader     *reader,
             const char *name,
             gsize       max_size)
{
  reader->name = name;
  reader->max_size = max_size;
  reader->chunks = g_array_new (FALSE, TRUE, sizeof (Chunk));
  g_array_set_clear_func (reader->chunks, chunk_clear);
  reader->total = 0;
}

static void
reader_clear (Reader *reader)
{
  g_clear_pointer (&reader->chunks, g_array_unref);
}

/* Room for the next read, at most up to @max_size + 1 bytes in all (one
 * byte past the cap proves the input is too large). @hint: the size the
 * file claims, so that a regular file is read into one exact buffer. */
static Chunk *
reader_room (Reader *reader,
             gsize   hint,
             gsize  *room)
{
  gsize left = reader->max_size + 1 - reader->total;
  Chunk *last = NULL;

  if (reader->chunks->len > 0)
    last = &g_array_index (reader->chunks, Chunk, reader->chunks->len - 1);
  if (last == NULL || last->len == last->capacity)
    {
      Chunk chunk = { 0 };

      if (reader->chunks->len == 0 && hint > 0)
        chunk.capacity = MIN (hint + 1, left);
      else
        chunk.capacity = MIN (CHUNK_SIZE, left);
      chunk.data = g_malloc (chunk.capacity);
      g_array_append_val (reader->chunks, chunk);
      last = &g_array_index (reader->chunks, Chunk, reader->chunks->len - 1);
    }
  *room = MIN (last->capacity - last->len, left);
  return last;
}

static void
reader_added (Reader *reader,
              Chunk  *chunk,
              gsize   n)
{
  chunk->len += n;
  reader->total += n;
}

static gboolean
set_too_large (Reader  *reader,
               goffset  known_size,
               GError **error)
{
  g_autofree char *limit = ck_format_size_limit (reader->max_size);

  if (known_size > 0)
    {
      g_autofree char *size = g_format_size_full ((guint64) known_size,
                                                  G_FORMAT_SIZE_IEC_UNITS);

      /* Translators: "server.pem: too large: 300.0 MiB, the limit is 256 MiB" */
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                   _("%s: too large: %s, the limit is %s"), reader->name, size, limit);
    }
  else
    /* Translators: for devices and pipes, which have no size */
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                 _("%s: too large: more than the limit of %s"), reader->name, limit);
  return FALSE;
}

static gboolean
set_errno_error (Reader     *reader,
                 int         err,
                 GError    **error)
{
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (err),
               "%s: %s", reader->name, g_strerror (err));
  return FALSE;
}

static void
secret_free (gpointer data)
{
  Chunk *chunk = data;

  chunk_clear (chunk);
  g_free (chunk);
}

/* One GBytes over everything read; the chunks are wiped and freed. */
static GBytes *
reader_finish (Reader *reader)
{
  Chunk *whole = g_new0 (Chunk, 1);

  if (reader->chunks->len == 1)
    {
      /* The usual case (a regular file): hand the buffer over. */
      *whole = g_array_index (reader->chunks, Chunk, 0);
      g_array_index (reader->chunks, Chunk, 0).data = NULL;
    }
  else
    {
      whole->data = g_malloc (MAX (reader->total, 1));
      for (guint i = 0; i < reader->chunks->len; i++)
        {
          Chunk *chunk = &g_array_index (reader->chunks, Chunk, i);

          memcpy (whole->data + whole->len, chunk->data, chunk->len);
          whole->len += chunk->len;
        }
    }
  whole->capacity = whole->len;
  return g_bytes_new_with_free_func (whole->data, whole->len, secret_free, whole);
}

/* Waits until @fd can be read or @cancellable is cancelled. */
static gboolean
wait_readable (Reader        *reader,
               int            fd,
               GCancellable  *cancellable,
               GError       **error)
{
  GPollFD fds[2] = { { fd, G_IO_IN | G_IO_HUP | G_IO_ERR, 0 } };
  guint n_fds = 1;
  gboolean ok = TRUE;

  if (g_cancellable_make_pollfd (cancellable, &fds[1]))
    n_fds = 2;
  for (;;)
    {
      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        {
          ok = FALSE;
          break;
        }
      if (g_poll (fds, n_fds, -1) < 0)
        {
          if (errno == EINTR)
            continue;   /* a signal: look at the cancellable again */
          ok = set_errno_error (reader, errno, error);
          break;
        }
      if (fds[0].revents != 0)
        break;
    }
  if (n_fds == 2)
    g_cancellable_release_fd (cancellable);
  return ok;
}

/* Reads into @buffer what is there, up to @len bytes: > 0, 0 at the end,
 * < 0 with @error set. */
typedef gssize (*ReadSomeFunc) (Reader        *reader,
                                gpointer       source,
                                guint8        *buffer,
                                gsize          len,
                                GCancellable  *cancellable,
                                GError       **error);

/* @hint: the size the file claims (0: unknown). */
static GBytes *
read_all (Reader        *reader,
          ReadSomeFunc   read_some,
          gpointer       source,
          gsize          hint,
          GCancellable  *cancellable,
          GError       **error)
{
  for (;;)
    {
      gsize room;
      Chunk *chunk;
      gssize n;

      if (reader->total > reader->max_size)
        {
          set_too_large (reader, 0, error);
          return NULL;
        }
      chunk = reader_room (reader, hint, &room);
      n = read_some (reader, source, chunk->data + chunk->len, room, cancellable, error);
      if (n < 0)
        return NULL;
      if (n == 0)
        return reader_finish (reader);
      reader_added (reader, chunk, (gsize) n);
    }
}

typedef struct {
  int      fd;
  gboolean pollable;   /* wait in poll() before reading: not a regular file */
} FdSource;

static gssize
read_some_fd (Reader        *reader,
              gpointer       data,
              guint8        *buffer,
              gsize          len,
              GCancellable  *cancellable,
              GError       **error)
{
  FdSource *source = data;

  for (;;)
    {
      gssize n;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return -1;
      if (source->pollable && !wait_readable (reader, source->fd, cancellable, error))
        return -1;
      n = read (source->fd, buffer, len);
      if (n >= 0)
        return n;
      if (errno == EINTR)
        continue;
      if (errno == EAGAIN || errno == EWOULDBLOCK)
        {
          source->pollable = TRUE;
          continue;
        }
      set_errno_error (reader, errno, error);
      return -1;
    }
}

static GBytes *
read_fd (int            fd,
         const char    *name,
         gsize          max_size,
         gsize          hint,
         gboolean       pollable,
         GCancellable  *cancellable,
         GError       **error)
{
  FdSource source = { fd, pollable };
  Reader reader;
  GBytes *bytes;

  reader_init (&reader, name, max_size);
  bytes = read_all (&reader, read_some_fd, &source, hint, cancellable, error);
  reader_clear (&reader);
  return bytes;
}

GBytes *
ck_read_fd_bounded (int            fd,
                    const char    *display_name,
                    gsize          max_size,
                    GCancellable  *cancellable,
                    GError       **error)
{
  struct stat st;

  g_return_val_if_fail (fd >= 0, NULL);
  g_return_val_if_fail (display_name != NULL, NULL);
  g_return_val_if_fail (max_size < G_MAXSIZE, NULL);

  if (fstat (fd, &st) != 0)
    {
      int err = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (err),
                   "%s: %s", display_name, g_strerror (err));
      return NULL;
    }
  if (S_ISREG (st.st_mode) && (guint64) st.st_size > max_size)
    {
      Reader reader = { .name = display_name, .max_size = max_size };
      set_too_large (&reader, st.st_size, error);
      return NULL;
    }
  return read_fd (fd, display_name, max_size,
                  S_ISREG (st.st_mode) ? (gsize) st.st_size : 0,
                  !S_ISREG (st.st_mode), cancellable, error);
}

static gssize
read_some_stream (Reader        *reader,
                  gpointer       source,
                  guint8        *buffer,
                  gsize          len,
                  GCancellable  *cancellable,
                  GError       **error)
{
  g_autoptr(GError) local_error = NULL;
  gssize n = g_input_stream_read (source, buffer, len, cancellable, &local_error);

  if (n >= 0)
    return n;
  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_propagate_error (error, g_steal_pointer (&local_error));
  else
    g_set_error (error, local_error->domain, local_error->code,
                 "%s: %s", reader->name, local_error->message);
  return -1;
}

/* Files without a local path (GVfs: sftp://, smb://): GIO's streams, which
 * take the cancellable themselves. */
static GBytes *
read_stream (GFile         *file,
             const char    *name,
             gsize          max_size,
             GCancellable  *cancellable,
             GError       **error)
{
  g_autoptr(GFileInputStream) stream = NULL;
  g_autoptr(GFileInfo) info = NULL;
  g_autoptr(GError) local_error = NULL;
  Reader reader;
  GBytes *bytes = NULL;
  goffset size = 0;

  stream = g_file_read (file, cancellable, &local_error);
  if (stream == NULL)
    {
      g_set_error (error, local_error->domain, local_error->code,
                   "%s: %s", name, local_error->message);
      return NULL;
    }
  info = g_file_input_stream_query_info (stream, G_FILE_ATTRIBUTE_STANDARD_SIZE,
                                         cancellable, NULL);
  if (info != NULL && g_file_info_has_attribute (info, G_FILE_ATTRIBUTE_STANDARD_SIZE))
    size = g_file_info_get_size (info);

  reader_init (&reader, name, max_size);
  if (size > 0 && (guint64) size > max_size)
    set_too_large (&reader, size, error);
  else
    bytes = read_all (&reader, read_some_stream, stream, (gsize) MAX (size, 0),
                      cancellable, error);
  reader_clear (&reader);
  return bytes;
}

GBytes *
ck_read_file_bounded (GFile         *file,
                      const char    *display_name,
                      gsize          max_size,
                      GCancellable  *cancellable,
                      GError       **error)
{
  g_autofree char *path = NULL;
  g_autofree char *fallback_name = NULL;
  struct stat st;
  GBytes *bytes;
  int fd;

  g_return_val_if_fail (G_IS_FILE (file), NULL);
  g_return_val_if_fail (max_size < G_MAXSIZE, NULL);

  path = g_file_get_path (file);
  if (display_name == NULL)
    display_name = fallback_name = path != NULL ? g_filename_display_name (path)
                                                : g_file_get_uri (file);
  if (path == NULL)
    return read_stream (file, display_name, max_size, cancellable, error);

  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;
  /* O_NONBLOCK: opening a FIFO would otherwise wait for a writer right
   * here, where nothing can interrupt it; reading then waits in poll(). */
  fd = g_open (path, O_RDONLY | O_NOCTTY | O_CLOEXEC | O_NONBLOCK, 0);
  if (fd < 0)
    {
      int err = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (err),
                   "%s: %s", display_name, g_strerror (err));
      return NULL;
    }
  if (fstat (fd, &st) == 0 && S_ISDIR (st.st_mode))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_IS_DIRECTORY,
                   _("%s: is a folder, not a file"), display_name);
      close (fd);
      return NULL;
    }
  bytes = ck_read_fd_bounded (fd, display_name, max_size, cancellable, error);
  close (fd);
  return bytes;
}

char *
ck_format_size_limit (gsize size)
{
  if (size >= 1024 * 1024 && size % (1024 * 1024) == 0)
    /* Translators: a size limit, "256 MiB" */
    return g_strdup_printf (_("%lu MiB"), (unsigned long) (size / (1024 * 1024)));
  if (size >= 1024 && size % 1024 == 0)
    /* Translators: a size limit, "8 KiB" */
    return g_strdup_printf (_("%lu KiB"), (unsigned long) (size / 1024));
  return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%lu byte", "%lu bytes", size),
                          (unsigned long) size);
}
