/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ck-json-writer.h"

typedef enum {
  SCOPE_OBJECT,
  SCOPE_ARRAY,
} ScopeKind;

typedef struct {
  ScopeKind kind;
  guint     n_values;
  gboolean  have_name;  /* objects: a member name waits for its value */
} Scope;

struct _CkJsonWriter {
  GString *out;
  GArray  *stack;   /* of Scope */
  gboolean done;    /* the top-level value is complete */
};

CkJsonWriter *
ck_json_writer_new (void)
{
  CkJsonWriter *self = g_new0 (CkJsonWriter, 1);

  self->out = g_string_new (NULL);
  self->stack = g_array_new (FALSE, FALSE, sizeof (Scope));
  return self;
}

void
ck_json_writer_free (CkJsonWriter *self)
{
  if (self == NULL)
    return;
  g_string_free (self->out, TRUE);
  g_array_unref (self->stack);
  g_free (self);
}

static Scope *
top (CkJsonWriter *self)
{
  if (self->stack->len == 0)
    return NULL;
  return &g_array_index (self->stack, Scope, self->stack->len - 1);
}

static void
newline_indent (CkJsonWriter *self)
{
  g_string_append_c (self->out, '\n');
  for (guint i = 0; i < self->stack->len; i++)
    g_string_append (self->out, "  ");
}

/* Everything that starts a value goes through here: it writes the comma
 * and indentation an array element needs, and checks that an object member
 * got its name first. */
static gboolean
before_value (CkJsonWriter *self)
{
  Scope *scope = top (self);

  if (scope == NULL)
    {
      g_return_val_if_fail (!self->done, FALSE);
      return TRUE;
    }

  if (scope->kind == SCOPE_OBJECT)
    {
      g_return_val_if_fail (scope->have_name, FALSE);
      scope->have_name = FALSE;
    }
  else
    {
      if (scope->n_values > 0)
        g_string_append_c (self->out, ',');
      newline_indent (self);
    }
  scope->n_values++;
  return TRUE;
}

static void
after_value (CkJsonWriter *self)
{
  if (self->stack->len == 0)
    {
      self->done = TRUE;
      g_string_append_c (self->out, '\n');
    }
}

static void
begin (CkJsonWriter *self,
       ScopeKind     kind)
{
  Scope scope = { kind, 0, FALSE };

  if (!before_value (self))
    return;
  g_string_append_c (self->out, kind == SCOPE_OBJECT ? '{' : '[');
  g_array_append_val (self->stack, scope);
}

static void
end (CkJsonWriter *self,
     ScopeKind     kind)
{
  Scope *scope = top (self);
  gboolean empty;

  g_return_if_fail (scope != NULL && scope->kind == kind && !scope->have_name);

  empty = scope->n_values == 0;
  g_array_set_size (self->stack, self->stack->len - 1);
  if (!empty)
    newline_indent (self);
  g_string_append_c (self->out, kind == SCOPE_OBJECT ? '}' : ']');
  after_value (self);
}

void
ck_json_writer_begin_object (CkJsonWriter *self)
{
  begin (self, SCOPE_OBJECT);
}

void
ck_json_writer_end_object (CkJsonWriter *self)
{
  end (self, SCOPE_OBJECT);
}

void
ck_json_writer_begin_array (CkJsonWriter *self)
{
  begin (self, SCOPE_ARRAY);
}

void
ck_json_writer_end_array (CkJsonWriter *self)
{
  end (self, SCOPE_ARRAY);
}

void
ck_json_writer_member (CkJsonWriter *self,
                       const char   *name)
{
  Scope *scope = top (self);

  g_return_if_fail (scope != NULL && scope->kind == SCOPE_OBJECT);
  g_return_if_fail (!scope->have_name);

  if (scope->n_values > 0)
    g_string_append_c (self->out, ',');
  newline_indent (self);
  ck_json_escape_string (self->out, name);
  g_string_append (self->out, ": ");
  scope->have_name = TRUE;
}

void
ck_json_escape_string (GString    *out,
                       const char *value)
{
  g_autofree char *valid = NULL;

  /* Certificate strings are decoded by the core, but a T61String or a
   * broken BMPString can still end up as invalid UTF-8: JSON must not. */
  if (!g_utf8_validate (value, -1, NULL))
    value = valid = g_utf8_make_valid (value, -1);

  g_string_append_c (out, '"');
  for (const char *p = value; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      switch (c)
        {
        case '"':
          g_string_append (out, "\\\"");
          break;
        case '\\':
          g_string_append (out, "\\\\");
          break;
        case '\b':
          g_string_append (out, "\\b");
          break;
        case '\f':
          g_string_append (out, "\\f");
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '\r':
          g_string_append (out, "\\r");
          break;
        case '\t':
          g_string_append (out, "\\t");
          break;
        default:
          if (c < 0x20 || c == 0x7f)
            g_string_append_printf (out, "\\u%04x", c);
          else
            g_string_append_c (out, (char) c);
        }
    }
  g_string_append_c (out, '"');
}

void
ck_json_writer_string (CkJsonWriter *self,
                       const char   *value)
{
  if (value == NULL)
    {
      ck_json_writer_null (self);
      return;
    }
  if (!before_value (self))
    return;
  ck_json_escape_string (self->out, value);
  after_value (self);
}

void
ck_json_writer_int (CkJsonWriter *self,
                    gint64        value)
{
  if (!before_value (self))
    return;
  g_string_append_printf (self->out, "%" G_GINT64_FORMAT, value);
  after_value (self);
}

void
ck_json_writer_boolean (CkJsonWriter *self,
                        gboolean      value)
{
  if (!before_value (self))
    return;
  g_string_append (self->out, value ? "true" : "false");
  after_value (self);
}

void
ck_json_writer_null (CkJsonWriter *self)
{
  if (!before_value (self))
    return;
  g_string_append (self->out, "null");
  after_value (self);
}

void
ck_json_writer_string_member (CkJsonWriter *self,
                              const char   *name,
                              const char   *value)
{
  ck_json_writer_member (self, name);
  ck_json_writer_string (self, value);
}

void
ck_json_writer_int_member (CkJsonWriter *self,
                           const char   *name,
                           gint64        value)
{
  ck_json_writer_member (self, name);
  ck_json_writer_int (self, value);
}

void
ck_json_writer_id_member (CkJsonWriter *self,
                          const char   *name,
                          gint64        id)
{
  ck_json_writer_member (self, name);
  if (id > 0)
    ck_json_writer_int (self, id);
  else
    ck_json_writer_null (self);
}

void
ck_json_writer_boolean_member (CkJsonWriter *self,
                               const char   *name,
                               gboolean      value)
{
  ck_json_writer_member (self, name);
  ck_json_writer_boolean (self, value);
}

void
ck_json_writer_strv_member (CkJsonWriter       *self,
                            const char         *name,
                            const char * const *strv)
{
  ck_json_writer_member (self, name);
  ck_json_writer_begin_array (self);
  for (guint i = 0; strv != NULL && strv[i] != NULL; i++)
    ck_json_writer_string (self, strv[i]);
  ck_json_writer_end_array (self);
}

void
ck_json_writer_flush (CkJsonWriter *self,
                      FILE         *stream)
{
  fwrite (self->out->str, 1, self->out->len, stream);
  g_string_truncate (self->out, 0);
}

const char *
ck_json_writer_get_text (CkJsonWriter *self)
{
  return self->out->str;
}
