/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ck-stored-certificate.h"

#include <string.h>

#include "ck-store-private.h"

/* The strings of a row, stored one after the other in a single block. */
typedef enum {
  FIELD_DISPLAY_NAME,
  FIELD_SUBJECT,
  FIELD_ISSUER,
  FIELD_ISSUER_NAME,
  FIELD_SERIAL,
  FIELD_SHA256,
  FIELD_SHA1,
  FIELD_SPKI_SHA256,
  FIELD_KEY_ALGORITHM,
  FIELD_SAN,
  FIELD_SOURCE,
  N_FIELDS
} Field;

#define NO_FIELD G_MAXUINT32

/* Column of CK_STORED_CERTIFICATE_COLUMNS for each field. */
static const int field_columns[N_FIELDS] = {
  [FIELD_DISPLAY_NAME] = 1,
  [FIELD_SUBJECT] = 2,
  [FIELD_ISSUER] = 3,
  [FIELD_ISSUER_NAME] = 4,
  [FIELD_SERIAL] = 5,
  [FIELD_SHA256] = 9,
  [FIELD_SHA1] = 10,
  [FIELD_SPKI_SHA256] = 11,
  [FIELD_KEY_ALGORITHM] = 12,
  [FIELD_SAN] = 13,
  [FIELD_SOURCE] = 14,
};

/* What the search looks at as text (the hex fields are searched apart). */
static const Field text_fields[] = {
  FIELD_DISPLAY_NAME, FIELD_SUBJECT, FIELD_ISSUER, FIELD_SAN,
};

struct _CkStoredCertificate
{
  GObject parent_instance;

  gint64 id;
  gint64 not_before;
  gint64 not_after;
  gint64 imported_at;
  guint is_ca : 1;
  guint has_key : 1;
  guint ascii : 1;

  /* 100,000 of these are loaded when the store opens: one allocation for
   * all strings, addressed by offset, keeps that fast and small. */
  char *block;
  guint32 offsets[N_FIELDS];

  /* Casefolded copy of the searchable text, only for rows that are not
   * plain ASCII (ASCII rows are searched in place), made on the first
   * search: folding costs more than reading the row, and most opens never
   * search. g_once guards it, searches may run in a thread. */
  char *folded;

  /* The label is the one string that changes, so it lives apart. */
  char *label;
  char *label_folded;
};

G_DEFINE_FINAL_TYPE (CkStoredCertificate, ck_stored_certificate, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_DISPLAY_NAME,
  PROP_SUBJECT,
  PROP_ISSUER,
  PROP_ISSUER_NAME,
  PROP_SERIAL,
  PROP_NOT_BEFORE,
  PROP_NOT_AFTER,
  PROP_IS_CA,
  PROP_HAS_KEY,
  PROP_SHA256,
  PROP_SHA1,
  PROP_SPKI_SHA256,
  PROP_KEY_ALGORITHM,
  PROP_SAN,
  PROP_SOURCE,
  PROP_LABEL,
  PROP_IMPORTED_AT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static inline const char *
field (CkStoredCertificate *self,
       Field                f)
{
  return self->offsets[f] == NO_FIELD ? NULL : self->block + self->offsets[f];
}

static void
ck_stored_certificate_finalize (GObject *object)
{
  CkStoredCertificate *self = CK_STORED_CERTIFICATE (object);

  g_free (self->block);
  g_free (self->folded);
  g_free (self->label);
  g_free (self->label_folded);

  G_OBJECT_CLASS (ck_stored_certificate_parent_class)->finalize (object);
}

static void
ck_stored_certificate_get_property (GObject    *object,
                                    guint       prop_id,
                                    GValue     *value,
                                    GParamSpec *pspec)
{
  CkStoredCertificate *self = CK_STORED_CERTIFICATE (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;
    case PROP_DISPLAY_NAME:
      g_value_set_string (value, ck_stored_certificate_get_display_name (self));
      break;
    case PROP_SUBJECT:
      g_value_set_string (value, field (self, FIELD_SUBJECT));
      break;
    case PROP_ISSUER:
      g_value_set_string (value, field (self, FIELD_ISSUER));
      break;
    case PROP_ISSUER_NAME:
      g_value_set_string (value, field (self, FIELD_ISSUER_NAME));
      break;
    case PROP_SERIAL:
      g_value_set_string (value, field (self, FIELD_SERIAL));
      break;
    case PROP_NOT_BEFORE:
      g_value_set_int64 (value, self->not_before);
      break;
    case PROP_NOT_AFTER:
      g_value_set_int64 (value, self->not_after);
      break;
    case PROP_IS_CA:
      g_value_set_boolean (value, self->is_ca);
      break;
    case PROP_HAS_KEY:
      g_value_set_boolean (value, self->has_key);
      break;
    case PROP_SHA256:
      g_value_set_string (value, field (self, FIELD_SHA256));
      break;
    case PROP_SHA1:
      g_value_set_string (value, field (self, FIELD_SHA1));
      break;
    case PROP_SPKI_SHA256:
      g_value_set_string (value, field (self, FIELD_SPKI_SHA256));
      break;
    case PROP_KEY_ALGORITHM:
      g_value_set_string (value, field (self, FIELD_KEY_ALGORITHM));
      break;
    case PROP_SAN:
      g_value_set_string (value, field (self, FIELD_SAN));
      break;
    case PROP_SOURCE:
      g_value_set_string (value, field (self, FIELD_SOURCE));
      break;
    case PROP_LABEL:
      g_value_set_string (value, self->label);
      break;
    case PROP_IMPORTED_AT:
      g_value_set_int64 (value, self->imported_at);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ck_stored_certificate_set_property (GObject      *object,
                                    guint         prop_id,
                                    const GValue *value,
                                    GParamSpec   *pspec)
{
  CkStoredCertificate *self = CK_STORED_CERTIFICATE (object);

  switch (prop_id)
    {
    case PROP_HAS_KEY:
      ck_stored_certificate_set_has_key (self, g_value_get_boolean (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ck_stored_certificate_class_init (CkStoredCertificateClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ck_stored_certificate_finalize;
  object_class->get_property = ck_stored_certificate_get_property;
  object_class->set_property = ck_stored_certificate_set_property;

  properties[PROP_ID] = ck_row_int64_property ("id");
  properties[PROP_DISPLAY_NAME] = ck_row_string_property ("display-name");
  properties[PROP_SUBJECT] = ck_row_string_property ("subject");
  properties[PROP_ISSUER] = ck_row_string_property ("issuer");
  properties[PROP_ISSUER_NAME] = ck_row_string_property ("issuer-name");
  properties[PROP_SERIAL] = ck_row_string_property ("serial");
  properties[PROP_NOT_BEFORE] = ck_row_int64_property ("not-before");
  properties[PROP_NOT_AFTER] = ck_row_int64_property ("not-after");
  properties[PROP_IS_CA] =
    g_param_spec_boolean ("is-ca", NULL, NULL, FALSE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_HAS_KEY] =
    g_param_spec_boolean ("has-key", NULL, NULL, FALSE,
                          G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                          G_PARAM_STATIC_STRINGS);
  properties[PROP_SHA256] = ck_row_string_property ("sha256");
  properties[PROP_SHA1] = ck_row_string_property ("sha1");
  properties[PROP_SPKI_SHA256] = ck_row_string_property ("spki-sha256");
  properties[PROP_KEY_ALGORITHM] = ck_row_string_property ("key-algorithm");
  properties[PROP_SAN] = ck_row_string_property ("san");
  properties[PROP_SOURCE] = ck_row_string_property ("source");
  /* Read-only here: the store changes it (ck_store_set_label) and notifies. */
  properties[PROP_LABEL] = ck_row_string_property ("label");
  properties[PROP_IMPORTED_AT] = ck_row_int64_property ("imported-at");

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ck_stored_certificate_init (CkStoredCertificate *self)
{
}

static gboolean
is_ascii (const char *s)
{
  for (; s != NULL && *s; s++)
    if ((guchar) *s >= 0x80)
      return FALSE;
  return TRUE;
}

static char *
fold (const char *text)
{
  g_autofree char *normal = g_utf8_normalize (text, -1, G_NORMALIZE_ALL_COMPOSE);

  /* Invalid UTF-8 cannot come from the store (the columns are written from
   * GnuTLS' UTF-8 output), but never let one bad row break the search. */
  if (normal == NULL)
    return g_ascii_strdown (text, -1);
  return g_utf8_casefold (normal, -1);
}

CkStoredCertificate *
ck_stored_certificate_new_from_stmt (sqlite3_stmt *stmt,
                                     gboolean      has_key)
{
  CkStoredCertificate *self = g_object_new (CK_TYPE_STORED_CERTIFICATE, NULL);
  const char *values[N_FIELDS] = { NULL, };
  int lengths[N_FIELDS] = { 0, };
  gsize total = 0;
  gboolean ascii = TRUE;
  char *p;

  self->id = sqlite3_column_int64 (stmt, 0);
  self->not_before = sqlite3_column_int64 (stmt, 6);
  self->not_after = sqlite3_column_int64 (stmt, 7);
  self->is_ca = sqlite3_column_int (stmt, 8) != 0;
  self->imported_at = sqlite3_column_int64 (stmt, 16);
  self->has_key = has_key != FALSE;

  for (Field f = 0; f < N_FIELDS; f++)
    {
      values[f] = (const char *) sqlite3_column_text (stmt, field_columns[f]);
      lengths[f] = sqlite3_column_bytes (stmt, field_columns[f]);
    }

  for (gsize i = 0; i < G_N_ELEMENTS (text_fields); i++)
    ascii = ascii && is_ascii (values[text_fields[i]]);
  self->ascii = ascii;

  for (Field f = 0; f < N_FIELDS; f++)
    if (values[f] != NULL)
      total += lengths[f] + 1;

  self->block = p = g_malloc (MAX (total, 1));
  for (Field f = 0; f < N_FIELDS; f++)
    {
      if (values[f] == NULL)
        {
          self->offsets[f] = NO_FIELD;
          continue;
        }
      self->offsets[f] = p - self->block;
      memcpy (p, values[f], lengths[f]);
      p[lengths[f]] = '\0';
      p += lengths[f] + 1;
    }

  if (sqlite3_column_type (stmt, 15) != SQLITE_NULL)
    {
      self->label = g_strdup ((const char *) sqlite3_column_text (stmt, 15));
      self->label_folded = fold (self->label);
    }

  return self;
}

gint64
ck_stored_certificate_get_id (CkStoredCertificate *self)
{
  g_return_val_if_fail (CK_IS_STORED_CERTIFICATE (self), 0);
  return self->id;
}

const char *
ck_stored_certificate_get_display_name (CkStoredCertificate *self)
{
  g_return_val_if_fail (CK_IS_STORED_CERTIFICATE (self), NULL);
  /* The user's name for it first, as for keys. */
  if (self->label != NULL)
    return self->label;
  return field (self, FIELD_DISPLAY_NAME);
}

const char *
ck_stored_certificate_get_subject (CkStoredCertificate *self)
{
  g_return_val_if_fail (CK_IS_STORED_CERTIFICATE (self), NULL);
  return field (self, FIELD_SUBJECT);
}

const char *
ck_stored_certificate_get_issuer (CkStoredCertificate *self)
{
  g_return_val_if_fail (CK_IS_STORED_CERTIFICATE (self), NULL);
  return field (self, FIELD_ISSUER);
}

const char *
ck_stored_certificate_get_issuer_name (CkStoredCertificate *self)
{
  g_return_val_if_fail (CK_IS_STORED_CERTIFICATE (self), NULL);
  return field (self, FIELD_ISSUER_NAME);
}

const char *
ck_stored_certificate_get_serial (CkStoredCertificate *self)
{
  g_return_val_if_fail (CK_IS_STORED_CERTIFICATE (self), NULL);
  return field (self, FIELD_SERIAL);
}

gint64
ck_stored_certificate_get_not_before (CkStoredCertificate *self)
{
  g_return_val_if_fail (CK_IS_STORED_CERTIFICATE (self), 0);
  return self->not_before;
}

gint64
ck_stored_certificate_get_not_after (CkStoredCertificate *self)
{
  g_return_val_if_fail (CK_IS_STORED_CERTIFICATE (self), 0);
  return self->not_after;
}

gboolean
ck_stored_certificate_get_is_ca (CkStoredCertificate *self)
{
  g_return_val_if_fail (CK_IS_STORED_CERTIFICATE (self), FALSE);
  return self->is_ca;
}

gboolean
ck_stored_certificate_get_has_key (CkStoredCertificate *self)
{
  g_return_val_if_fail (CK_IS_STORED_CERTIFICATE (self), FALSE);
  return self->has_key;
}

void
ck_stored_certificate_set_has_key (CkStoredCertificate *self,
                                   gboolean             has_key)
{
  g_return_if_fail (CK_IS_STORED_CERTIFICATE (self));

  has_key = has_key != FALSE;
  if (self->has_key == (guint) has_key)
    return;
  self->has_key = has_key;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_KEY]);
}

const char *
ck_stored_certificate_get_sha256 (CkStoredCertificate *self)
{
  g_return_val_if_fail (CK_IS_STORED_CERTIFICATE (self), NULL);
  return field (self, FIELD_SHA256);
}

const char *
ck_stored_certificate_get_sha1 (CkStoredCertificate *self)
{
  g_return_val_if_fail (CK_IS_STORED_CERTIFICATE (self), NULL);
  return field (self, FIELD_SHA1);
}

const char *
ck_stored_certificate_get_spki_sha256 (CkStoredCertificate *self)
{
  g_return_val_if_fail (CK_IS_STORED_CERTIFICATE (self), NULL);
  return field (self, FIELD_SPKI_SHA256);
}

const char *
ck_stored_certificate_get_key_algorithm (CkStoredCertificate *self)
{
  g_return_val_if_fail (CK_IS_STORED_CERTIFICATE (self), NULL);
  return field (self, FIELD_KEY_ALGORITHM);
}

const char *
ck_stored_certificate_get_san (CkStoredCertificate *self)
{
  g_return_val_if_fail (CK_IS_STORED_CERTIFICATE (self), NULL);
  return field (self, FIELD_SAN);
}

const char *
ck_stored_certificate_get_source (CkStoredCertificate *self)
{
  g_return_val_if_fail (CK_IS_STORED_CERTIFICATE (self), NULL);
  return field (self, FIELD_SOURCE);
}

const char *
ck_stored_certificate_get_label (CkStoredCertificate *self)
{
  g_return_val_if_fail (CK_IS_STORED_CERTIFICATE (self), NULL);
  return self->label;
}

void
ck_stored_certificate_set_label (CkStoredCertificate *self,
                                 const char          *label)
{
  g_return_if_fail (CK_IS_STORED_CERTIFICATE (self));

  if (label != NULL && *label == '\0')
    label = NULL;
  if (g_strcmp0 (self->label, label) == 0)
    return;
  g_free (self->label);
  g_free (self->label_folded);
  self->label = g_strdup (label);
  self->label_folded = label != NULL ? fold (label) : NULL;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LABEL]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISPLAY_NAME]);
}

gint64
ck_stored_certificate_get_imported_at (CkStoredCertificate *self)
{
  g_return_val_if_fail (CK_IS_STORED_CERTIFICATE (self), 0);
  return self->imported_at;
}

char *
ck_stored_certificate_prepare_needle (const char *text)
{
  g_autofree char *stripped = NULL;

  if (text == NULL)
    return g_strdup ("");
  stripped = g_strstrip (g_strdup (text));
  return fold (stripped);
}

/* g_ascii_tolower() is a function call; this runs 100,000 times a key. */
#define LOWER(c) ((c) >= 'A' && (c) <= 'Z' ? (c) + ('a' - 'A') : (c))

/* @needle is casefolded, so lower-case: compare against the lower-cased
 * haystack byte by byte. Non-ASCII needle bytes never equal ASCII ones. */
static gboolean
ascii_contains (const char *haystack,
                const char *needle,
                gsize       needle_len)
{
  const char first = needle[0];

  if (haystack == NULL)
    return FALSE;
  for (const char *p = haystack; *p; p++)
    {
      gsize j;

      if (LOWER (*p) != first)
        continue;
      for (j = 1; j < needle_len && p[j] != '\0'; j++)
        if (LOWER (p[j]) != needle[j])
          break;
      if (j == needle_len)
        return TRUE;
    }
  return FALSE;
}

/* @haystack is lower-case hex; colons in @needle are skipped. @needle
 * starts with a hex digit (the caller skips leading colons). */
static gboolean
hex_contains (const char *haystack,
              const char *needle)
{
  if (haystack == NULL)
    return FALSE;
  for (const char *p = strchr (haystack, needle[0]); p != NULL;
       p = strchr (p + 1, needle[0]))
    {
      const char *h = p;
      const char *n = needle;

      while (*n != '\0')
        {
          if (*n == ':')
            {
              n++;
              continue;
            }
          if (*h != *n)
            break;
          h++;
          n++;
        }
      if (*n == '\0')
        return TRUE;
    }
  return FALSE;
}

/* The searchable text of a non-ASCII row, casefolded. Only the fields that
 * are not ASCII need Unicode folding; for the others it is lower-casing. */
static char *
build_folded (CkStoredCertificate *self)
{
  GString *s = g_string_new (NULL);

  for (gsize i = 0; i < G_N_ELEMENTS (text_fields); i++)
    {
      const char *value = field (self, text_fields[i]);
      g_autofree char *f = NULL;

      if (value == NULL)
        continue;
      f = is_ascii (value) ? g_ascii_strdown (value, -1) : fold (value);
      /* A separator no needle contains, so matches never straddle two
       * fields. */
      if (s->len > 0)
        g_string_append_c (s, '\x1f');
      g_string_append (s, f);
    }
  return g_string_free (s, FALSE);
}

static const char *
get_folded (CkStoredCertificate *self)
{
  if (g_once_init_enter (&self->folded))
    g_once_init_leave (&self->folded, build_folded (self));
  return self->folded;
}

void
ck_stored_certificate_prepare_search (CkStoredCertificate *self)
{
  g_return_if_fail (CK_IS_STORED_CERTIFICATE (self));

  (void) get_folded (self);
}

gboolean
ck_stored_certificate_matches (CkStoredCertificate *self,
                               const char          *needle)
{
  gsize len;
  gboolean hex = FALSE;

  g_return_val_if_fail (CK_IS_STORED_CERTIFICATE (self), FALSE);

  if (needle == NULL || needle[0] == '\0')
    return TRUE;
  len = strlen (needle);

  /* The prepared search key (lower-cased, casefolded where not ASCII):
   * one strstr() over one string. Made on the first search for non-ASCII
   * rows; for ASCII ones by ck_stored_certificate_prepare_search(), else
   * they are searched in place, field by field. */
  if (!self->ascii || g_atomic_pointer_get (&self->folded) != NULL)
    {
      if (strstr (get_folded (self), needle) != NULL)
        return TRUE;
    }
  else
    {
      for (gsize i = 0; i < G_N_ELEMENTS (text_fields); i++)
        if (ascii_contains (field (self, text_fields[i]), needle, len))
          return TRUE;
    }

  if (self->label_folded != NULL && strstr (self->label_folded, needle) != NULL)
    return TRUE;

  /* Only a needle of hex digits and colons (with at least one digit) can
   * be part of a fingerprint or serial. */
  for (const char *p = needle; *p; p++)
    {
      if (g_ascii_isxdigit (*p))
        hex = TRUE;
      else if (*p != ':')
        return FALSE;
    }
  if (!hex)
    return FALSE;
  while (*needle == ':')
    needle++;

  return hex_contains (field (self, FIELD_SERIAL), needle) ||
         hex_contains (field (self, FIELD_SHA256), needle) ||
         hex_contains (field (self, FIELD_SHA1), needle);
}
