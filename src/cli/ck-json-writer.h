/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <stdio.h>

#include <glib.h>

G_BEGIN_DECLS

/* A small streaming JSON writer for the CLI's --json output: pretty-printed
 * with two-space indentation, strings escaped per RFC 8259. Structural
 * misuse (a value where a member name is needed) is a programming error and
 * is caught by g_return_if_fail. */
typedef struct _CkJsonWriter CkJsonWriter;

CkJsonWriter *ck_json_writer_new          (void);
void          ck_json_writer_free         (CkJsonWriter *self);

void          ck_json_writer_begin_object (CkJsonWriter *self);
void          ck_json_writer_end_object   (CkJsonWriter *self);
void          ck_json_writer_begin_array  (CkJsonWriter *self);
void          ck_json_writer_end_array    (CkJsonWriter *self);

/* Inside an object: the name of the next value. */
void          ck_json_writer_member       (CkJsonWriter *self,
                                           const char   *name);

/* @value NULL writes null. */
void          ck_json_writer_string       (CkJsonWriter *self,
                                           const char   *value);
void          ck_json_writer_int          (CkJsonWriter *self,
                                           gint64        value);
void          ck_json_writer_boolean      (CkJsonWriter *self,
                                           gboolean      value);
void          ck_json_writer_null         (CkJsonWriter *self);

/* Shorthands for a member and its value. */
void          ck_json_writer_string_member  (CkJsonWriter *self,
                                             const char   *name,
                                             const char   *value);
void          ck_json_writer_int_member     (CkJsonWriter *self,
                                             const char   *name,
                                             gint64        value);
/* A store id, null when @id is 0 (none). */
void          ck_json_writer_id_member      (CkJsonWriter *self,
                                             const char   *name,
                                             gint64        id);
void          ck_json_writer_boolean_member (CkJsonWriter *self,
                                             const char   *name,
                                             gboolean      value);
/* An array of strings; @strv NULL writes an empty array. */
void          ck_json_writer_strv_member    (CkJsonWriter       *self,
                                             const char         *name,
                                             const char * const *strv);

/* Appends the JSON text for @value (quotes included) to @out. */
void          ck_json_escape_string       (GString      *out,
                                           const char   *value);

/* Writes the text written so far to @stream and forgets it, so a long
 * array need not be held in memory; ck_json_writer_get_text() then returns
 * only what was written after. */
void          ck_json_writer_flush        (CkJsonWriter *self,
                                           FILE         *stream);

/* The document written so far, with a final newline once complete. */
const char   *ck_json_writer_get_text     (CkJsonWriter *self);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CkJsonWriter, ck_json_writer_free)

G_END_DECLS
