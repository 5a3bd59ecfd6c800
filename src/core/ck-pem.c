/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ck-pem.h"

#include <glib/gi18n-lib.h>
#include <gnutls/gnutls.h>
#include <string.h>

#include "ck-error.h"

#define BEGIN_MARK "-----BEGIN "
#define END_MARK "-----END "
#define DASHES "-----"
/* Real labels are short ("ENCRYPTED PRIVATE KEY"); bounding the search
 * for the end of a BEGIN line keeps junk full of "-----BEGIN " linear. */
#define MAX_LABEL 80

enum {
  B64_INVALID = -1,
  B64_SPACE = -2,
  B64_PAD = -3,
};

static gint8 b64_table[256];

static void
b64_table_init (void)
{
  static gsize initialized = 0;

  if (g_once_init_enter (&initialized))
    {
      const char *alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

      memset (b64_table, B64_INVALID, sizeof b64_table);
      for (int i = 0; i < 64; i++)
        b64_table[(guchar) alphabet[i]] = i;
      b64_table[' '] = b64_table['\t'] = b64_table['\r'] = B64_SPACE;
      b64_table['\n'] = b64_table['\v'] = b64_table['\f'] = B64_SPACE;
      b64_table['='] = B64_PAD;
      g_once_init_leave (&initialized, 1);
    }
}

/* Line numbers are only needed for messages: count newlines lazily, from
 * where the last count stopped (errors come in increasing offsets). */
typedef struct {
  const char *data;
  gsize pos;
  guint line;
} LineCounter;

static guint
line_at (LineCounter *lc,
         gsize        offset)
{
  while (lc->pos < offset)
    {
      const char *nl = memchr (lc->data + lc->pos, '\n', offset - lc->pos);

      if (nl == NULL)
        {
          lc->pos = offset;
          break;
        }
      lc->line++;
      lc->pos = nl - lc->data + 1;
    }
  return lc->line;
}

/* The DER of a key block is key material: wipe it when the last reference
 * goes. */
typedef struct {
  gsize size;
  guint8 data[];
} WipedBuffer;

static void
wiped_buffer_free (gpointer data)
{
  WipedBuffer *buf = data;

  gnutls_memset (buf->data, 0, buf->size);
  g_free (buf);
}

/* memmem() would do, but sanitizers check its whole haystack on every
 * call, which turns a file of many blocks quadratic under ASan (fuzzing);
 * memchr() is only checked up to what it found. */
static const char *
find_marker (const char *p,
             const char *end,
             const char *marker)
{
  gsize mlen = strlen (marker);

  while (p < end && (gsize) (end - p) >= mlen)
    {
      const char *dash = memchr (p, '-', end - p - mlen + 1);

      if (dash == NULL)
        return NULL;
      if (memcmp (dash, marker, mlen) == 0)
        return dash;
      p = dash + 1;
    }
  return NULL;
}

void
ck_pem_block_free (CkPemBlock *block)
{
  if (block == NULL)
    return;
  g_free (block->label);
  g_strfreev (block->header_names);
  g_strfreev (block->header_values);
  g_clear_pointer (&block->der, g_bytes_unref);
  g_free (block->location);
  g_clear_error (&block->error);
  g_free (block);
}

const char *
ck_pem_block_get_header (const CkPemBlock *block,
                         const char       *name)
{
  g_return_val_if_fail (block != NULL, NULL);

  if (block->header_names == NULL)
    return NULL;
  for (guint i = 0; block->header_names[i] != NULL; i++)
    if (g_ascii_strcasecmp (block->header_names[i], name) == 0)
      return block->header_values[i];
  return NULL;
}

/* "-----BEGIN" with a NUL after (little-endian) or before (big-endian)
 * every character. */
static gboolean
has_utf16_begin (const char *data,
                 gsize       len)
{
  static const char begin[] = BEGIN_MARK;
  const gsize n = sizeof begin - 1;

  for (int order = 0; order < 2; order++)
    for (gsize i = 0; i + 2 * n <= len; i++)
      {
        gsize k = 0;

        while (k < n && data[i + 2 * k + order] == begin[k] &&
               data[i + 2 * k + 1 - order] == '\0')
          k++;
        if (k == n)
          return TRUE;
      }
  return FALSE;
}

const char *
ck_pem_encoding_problem (const char *data,
                         gsize       len)
{
  const guint8 *u = (const guint8 *) data;
  /* The encoding shows in the first lines; do not scan a whole bundle. */
  gsize head = MIN (len, 4096);

  if ((len >= 2 && ((u[0] == 0xff && u[1] == 0xfe) || (u[0] == 0xfe && u[1] == 0xff))) ||
      has_utf16_begin (data, head))
    return _("the file is UTF-16 text (as some Windows editors save it); certificates "
             "in PEM must be ASCII: convert it with “iconv -f UTF-16 -t UTF-8”");
  if (ck_pem_has_blocks (data, len) && memchr (data, '\r', head) != NULL &&
      memchr (data, '\n', len) == NULL)
    return _("its lines end in a carriage return alone (classic Mac OS); PEM needs LF "
             "or CR LF line ends: convert it with “tr '\\r' '\\n'”");
  return NULL;
}

gboolean
ck_pem_has_blocks (const char *data,
                   gsize       len)
{
  return find_marker (data, data + len, BEGIN_MARK) != NULL;
}

static const char *
find_eol (const char *p,
          const char *end)
{
  const char *nl = memchr (p, '\n', end - p);

  return nl != NULL ? nl : end;
}

static gboolean
is_blank (char c)
{
  return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

/* [start, stop) is the text after "-----BEGIN " or "-----END " on its
 * line; it must be "LABEL-----" with optional trailing blanks. Sets the
 * label's span, without copying it. */
static gboolean
marker_label (const char  *start,
              const char  *stop,
              const char **label,
              gsize       *label_len)
{
  while (stop > start && is_blank (stop[-1]))
    stop--;
  if (stop - start < (gssize) strlen (DASHES) ||
      memcmp (stop - strlen (DASHES), DASHES, strlen (DASHES)) != 0)
    return FALSE;
  stop -= strlen (DASHES);
  for (const char *p = start; p < stop; p++)
    if (!g_ascii_isprint (*p))
      return FALSE;
  if (stop == start)
    return FALSE;
  *label = start;
  *label_len = stop - start;
  return TRUE;
}

/* While parsing: past the error limit, broken blocks are only counted,
 * so junk full of BEGIN lines costs no message formatting. */
typedef struct {
  CkPemBlock pub;   /* first: block_fail() gets &pub */
  gboolean quiet;
  gboolean failed;
} ParseBlock;

static void
block_fail (CkPemBlock *block,
            const char *format,
            ...) G_GNUC_PRINTF (2, 3);

static void
block_fail (CkPemBlock *block,
            const char *format,
            ...)
{
  ParseBlock *pb = (ParseBlock *) block;
  g_autofree char *reason = NULL;
  va_list args;

  pb->failed = TRUE;
  g_clear_pointer (&block->der, g_bytes_unref);
  if (pb->quiet)
    return;

  va_start (args, format);
  reason = g_strdup_vprintf (format, args);
  va_end (args);

  g_clear_error (&block->error);
  block->error = g_error_new (CK_ERROR, CK_ERROR_PARSE, "%s: %s",
                              block->location, reason);
}

/* RFC 1421 headers: "Name: value" lines, continuation lines starting with
 * a blank, ended by an empty line. Returns where the base64 starts. */
static const char *
parse_headers (CkPemBlock *block,
               const char *p,
               const char *end)
{
  g_autoptr(GPtrArray) names = NULL;
  g_autoptr(GPtrArray) values = NULL;
  const char *eol = find_eol (p, end);

  if (memchr (p, ':', eol - p) == NULL)
    return p;

  names = g_ptr_array_new_with_free_func (g_free);
  values = g_ptr_array_new_with_free_func (g_free);
  while (p < end)
    {
      const char *line_end = eol;
      const char *colon;

      while (line_end > p && is_blank (line_end[-1]))
        line_end--;
      if (line_end == p)
        {
          /* the blank line that ends the headers */
          p = eol < end ? eol + 1 : end;
          break;
        }

      colon = memchr (p, ':', line_end - p);
      if (is_blank (*p) && values->len > 0)
        {
          char *prev = values->pdata[values->len - 1];
          g_autofree char *more = g_strndup (p, line_end - p);

          values->pdata[values->len - 1] =
            g_strconcat (prev, " ", g_strstrip (more), NULL);
          g_free (prev);
        }
      else if (colon != NULL)
        {
          g_ptr_array_add (names, g_strstrip (g_strndup (p, colon - p)));
          g_ptr_array_add (values,
                           g_strstrip (g_strndup (colon + 1, line_end - colon - 1)));
        }
      else
        {
          /* No empty line after the headers: tolerate it, this is the
           * base64 already. */
          break;
        }

      p = eol < end ? eol + 1 : end;
      eol = find_eol (p, end);
    }

  g_ptr_array_add (names, NULL);
  g_ptr_array_add (values, NULL);
  block->header_names = (char **) g_ptr_array_free (g_steal_pointer (&names), FALSE);
  block->header_values = (char **) g_ptr_array_free (g_steal_pointer (&values), FALSE);
  return p;
}

static void
decode_body (CkPemBlock  *block,
             const char  *data,
             const char  *p,
             const char  *end,
             LineCounter *lines)
{
  WipedBuffer *buf;
  guint8 *out;
  guint32 acc = 0;
  guint n_chars = 0;  /* base64 characters seen, padding included */
  guint n_pad = 0;

  buf = g_malloc (sizeof (WipedBuffer) + (end - p) / 4 * 3 + 3);
  buf->size = (end - p) / 4 * 3 + 3;   /* wiped whole on the error paths */
  out = buf->data;

  for (; p < end; p++)
    {
      gint8 v = b64_table[(guchar) *p];

      if (G_LIKELY (v >= 0))
        {
          if (G_UNLIKELY (n_pad > 0))
            goto bad_char;
          acc = acc << 6 | (guint32) v;
          if ((++n_chars & 3) == 0)
            {
              *out++ = acc >> 16;
              *out++ = acc >> 8;
              *out++ = acc;
              acc = 0;
            }
        }
      else if (v == B64_SPACE)
        continue;
      else if (v == B64_PAD)
        {
          guint in_quad = n_chars & 3;

          /* "xx==" or "xxx=" only */
          if (in_quad < 2 || n_pad >= 2 || (n_pad == 1 && in_quad != 3))
            goto bad_char;
          n_pad++;
          n_chars++;
          if ((n_chars & 3) == 0)
            {
              if (n_pad == 2)
                *out++ = acc >> 4;
              else
                {
                  *out++ = acc >> 10;
                  *out++ = acc >> 2;
                }
              acc = 0;
            }
        }
      else
        goto bad_char;
    }

  if ((n_chars & 3) != 0)
    {
      wiped_buffer_free (buf);
      block_fail (block, _("the base64 data is truncated (%u characters, not a multiple of 4)"),
                  n_chars);
      return;
    }
  if (out == buf->data)
    {
      wiped_buffer_free (buf);
      block_fail (block, _("no data between the BEGIN and END lines"));
      return;
    }

  buf->size = out - buf->data;
  block->der = g_bytes_new_with_free_func (buf->data, buf->size,
                                           wiped_buffer_free, buf);
  return;

bad_char:
  {
    guint line = line_at (lines, p - data);

    wiped_buffer_free (buf);
    if (*p == '=')
      block_fail (block, _("misplaced base64 padding '=' on line %u"), line);
    else if (g_ascii_isprint (*p))
      block_fail (block, _("invalid base64 character '%c' on line %u"), *p, line);
    else
      block_fail (block, _("invalid base64 byte 0x%02x on line %u"), (guchar) *p, line);
  }
}

static void
parse_block_clear (ParseBlock *pb)
{
  CkPemBlock *block = &pb->pub;

  g_clear_pointer (&block->label, g_free);
  g_clear_pointer (&block->header_names, g_strfreev);
  g_clear_pointer (&block->header_values, g_strfreev);
  g_clear_pointer (&block->der, g_bytes_unref);
  g_clear_pointer (&block->location, g_free);
  g_clear_error (&block->error);
}

GPtrArray *
ck_pem_parse (const char *data,
              gsize       len,
              guint       max_errors,
              guint      *n_more_errors)
{
  GPtrArray *blocks = g_ptr_array_new_with_free_func ((GDestroyNotify) ck_pem_block_free);
  LineCounter lines = { data, 0, 1 };
  const char *end = data + len;
  const char *p = data;
  /* Where the next BEGIN / END markers are, cached so a file of many
   * unterminated blocks is still scanned once (NULL: none left). */
  const char *next_begin = NULL;
  const char *next_end = NULL;
  gboolean begin_known = FALSE, end_known = FALSE;
  guint n_errors = 0, n_more = 0;
  guint index = 0;

  b64_table_init ();

  while (p < end)
    {
      /* On the stack until it is kept: junk past the error limit costs
       * no allocation. */
      ParseBlock pb = { { 0 } };
      CkPemBlock *block = &pb.pub;
      const char *begin, *label_start, *label_stop, *body, *body_end;
      const char *end_line, *end_eol;
      const char *label = NULL, *end_label = NULL;
      gsize label_len = 0, end_label_len = 0;

      if (!begin_known || (next_begin != NULL && next_begin < p))
        {
          next_begin = find_marker (p, end, BEGIN_MARK);
          begin_known = TRUE;
        }
      if (next_begin == NULL)
        break;
      begin = next_begin;
      begin_known = FALSE;

      pb.quiet = max_errors > 0 && n_errors >= max_errors;
      block->index = ++index;
      block->offset = begin - data;

      label_start = begin + strlen (BEGIN_MARK);
      label_stop = find_eol (label_start, MIN (end, label_start + MAX_LABEL + 16));
      if (!marker_label (label_start, label_stop, &label, &label_len))
        {
          if (!pb.quiet)
            {
              block->location = g_strdup_printf (_("block %u"), block->index);
              block_fail (block, _("malformed BEGIN line on line %u"),
                          line_at (&lines, block->offset));
            }
          pb.failed = TRUE;
          block->length = label_stop - begin;
          p = label_start;
          goto done;
        }
      if (!pb.quiet)
        {
          block->label = g_strndup (label, label_len);
          block->location = g_strdup_printf (_("block %u (%s)"), block->index, block->label);
        }
      body = label_stop < end ? label_stop + 1 : end;

      if (!end_known || (next_end != NULL && next_end < body))
        {
          next_end = find_marker (body, end, END_MARK);
          end_known = TRUE;
        }
      if (!begin_known || (next_begin != NULL && next_begin < body))
        {
          next_begin = find_marker (body, end, BEGIN_MARK);
          begin_known = TRUE;
        }
      if (next_end == NULL || (next_begin != NULL && next_begin < next_end))
        {
          block_fail (block, _("no END line: the block is truncated"));
          block->length = (next_begin != NULL ? next_begin : end) - begin;
          p = next_begin != NULL ? next_begin : end;
          goto done;
        }

      body_end = next_end;
      end_line = next_end + strlen (END_MARK);
      end_eol = find_eol (end_line, MIN (end, end_line + MAX_LABEL + 16));
      end_known = FALSE;
      block->length = (end_eol < end ? end_eol + 1 : end) - begin;
      p = end_eol;

      if (!marker_label (end_line, end_eol, &end_label, &end_label_len))
        {
          block_fail (block, _("malformed END line on line %u"),
                      line_at (&lines, body_end - data));
          goto done;
        }
      if (end_label_len != label_len || memcmp (end_label, label, label_len) != 0)
        {
          block_fail (block, _("the END line on line %u says %.*s"),
                      line_at (&lines, body_end - data), (int) end_label_len, end_label);
          goto done;
        }

      body = parse_headers (block, body, body_end);
      decode_body (block, data, body, body_end, &lines);

    done:
      if (pb.failed)
        {
          if (pb.quiet)
            {
              n_more++;
              parse_block_clear (&pb);
              continue;
            }
          n_errors++;
        }
      if (block->label == NULL && label != NULL)
        block->label = g_strndup (label, label_len);
      if (block->location == NULL)
        block->location = g_strdup_printf (_("block %u (%s)"), block->index, block->label);
      g_ptr_array_add (blocks, g_memdup2 (block, sizeof *block));
    }

  if (n_more_errors != NULL)
    *n_more_errors = n_more;
  return blocks;
}
