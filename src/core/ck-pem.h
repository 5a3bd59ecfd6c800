/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One "-----BEGIN X-----" … "-----END X-----" block of a PEM file. */
typedef struct {
  char   *label;          /* "CERTIFICATE", as written after BEGIN */
  char  **header_names;   /* RFC 1421 headers (Proc-Type, DEK-Info), in order */
  char  **header_values;  /* same length as header_names */
  GBytes *der;            /* the decoded body; NULL when @error is set.
                           * Wiped when freed: it may hold a key. */
  gsize   offset;         /* byte offset of "-----BEGIN" in the input */
  gsize   length;         /* bytes up to and including the END line */
  guint   index;          /* 1-based position among the blocks of the input */
  char   *location;       /* "block 3 (CERTIFICATE)" */
  GError *error;          /* CK_ERROR_PARSE when the block is broken; the
                           * message starts with @location */
} CkPemBlock;

void        ck_pem_block_free       (CkPemBlock *block);
/* NULL when absent; names compare case-insensitively. */
const char *ck_pem_block_get_header (const CkPemBlock *block,
                                     const char       *name);

/* Why text that should be PEM cannot be read as such, when it is how it
 * was saved: UTF-16 (a BOM, or "-\0-\0-\0…BEGIN" in either byte order),
 * or lines that end in CR alone (classic Mac OS). A translated sentence
 * that says what it is and how to convert it, or NULL. */
const char *ck_pem_encoding_problem (const char *data,
                                     gsize       len);

/* TRUE when @data holds at least one BEGIN line. */
gboolean    ck_pem_has_blocks       (const char *data,
                                     gsize       len);

/* Finds every block of @data, in order (element-type CkPemBlock). Text
 * around the blocks is ignored (certtool "golden" files put their text
 * output there); CRLF and trailing blanks are fine. A broken block
 * (unterminated, bad base64, mismatched END) is returned with its @error
 * set and parsing goes on with the next one. At most @max_errors broken
 * blocks are returned (0: no limit); *@n_more_errors (nullable) gets how
 * many more there were. Linear in @len. */
GPtrArray  *ck_pem_parse            (const char *data,
                                     gsize       len,
                                     guint       max_errors,
                                     guint      *n_more_errors);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CkPemBlock, ck_pem_block_free)

G_END_DECLS
