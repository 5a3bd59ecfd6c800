/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ck-stored-key.h"

#include <glib/gi18n-lib.h>

#include "ck-store-private.h"

struct _CkStoredKey
{
  GObject parent_instance;

  gint64 id;
  gint64 imported_at;
  guint bits;
  gboolean encrypted;
  char *spki_sha256;
  char *algorithm;
  char *curve;
  char *label;
  char *source;
  char *pkcs11_uri;
  char *display_name;
};

G_DEFINE_FINAL_TYPE (CkStoredKey, ck_stored_key, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_DISPLAY_NAME,
  PROP_LABEL,
  PROP_ALGORITHM,
  PROP_BITS,
  PROP_CURVE,
  PROP_SPKI_SHA256,
  PROP_ENCRYPTED,
  PROP_PKCS11_URI,
  PROP_SOURCE,
  PROP_IMPORTED_AT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
ck_stored_key_finalize (GObject *object)
{
  CkStoredKey *self = CK_STORED_KEY (object);

  g_free (self->spki_sha256);
  g_free (self->algorithm);
  g_free (self->curve);
  g_free (self->label);
  g_free (self->source);
  g_free (self->pkcs11_uri);
  g_free (self->display_name);

  G_OBJECT_CLASS (ck_stored_key_parent_class)->finalize (object);
}

static void
ck_stored_key_get_property (GObject    *object,
                            guint       prop_id,
                            GValue     *value,
                            GParamSpec *pspec)
{
  CkStoredKey *self = CK_STORED_KEY (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;
    case PROP_DISPLAY_NAME:
      g_value_set_string (value, self->display_name);
      break;
    case PROP_LABEL:
      g_value_set_string (value, self->label);
      break;
    case PROP_ALGORITHM:
      g_value_set_string (value, self->algorithm);
      break;
    case PROP_BITS:
      g_value_set_uint (value, self->bits);
      break;
    case PROP_CURVE:
      g_value_set_string (value, self->curve);
      break;
    case PROP_SPKI_SHA256:
      g_value_set_string (value, self->spki_sha256);
      break;
    case PROP_ENCRYPTED:
      g_value_set_boolean (value, self->encrypted);
      break;
    case PROP_PKCS11_URI:
      g_value_set_string (value, self->pkcs11_uri);
      break;
    case PROP_SOURCE:
      g_value_set_string (value, self->source);
      break;
    case PROP_IMPORTED_AT:
      g_value_set_int64 (value, self->imported_at);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ck_stored_key_class_init (CkStoredKeyClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ck_stored_key_finalize;
  object_class->get_property = ck_stored_key_get_property;

  properties[PROP_ID] =
    g_param_spec_int64 ("id", NULL, NULL, 0, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  /* display-name and label change through ck_store_set_label(), which
   * notifies both. */
  properties[PROP_DISPLAY_NAME] = ck_row_string_property ("display-name");
  properties[PROP_LABEL] = ck_row_string_property ("label");
  properties[PROP_ALGORITHM] = ck_row_string_property ("algorithm");
  properties[PROP_BITS] =
    g_param_spec_uint ("bits", NULL, NULL, 0, G_MAXUINT, 0,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CURVE] = ck_row_string_property ("curve");
  properties[PROP_SPKI_SHA256] = ck_row_string_property ("spki-sha256");
  properties[PROP_ENCRYPTED] =
    g_param_spec_boolean ("encrypted", NULL, NULL, TRUE,
                          G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_PKCS11_URI] = ck_row_string_property ("pkcs11-uri");
  properties[PROP_SOURCE] = ck_row_string_property ("source");
  properties[PROP_IMPORTED_AT] =
    g_param_spec_int64 ("imported-at", NULL, NULL, G_MININT64, G_MAXINT64, 0,
                        G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ck_stored_key_init (CkStoredKey *self)
{
}

static void
update_display_name (CkStoredKey *self)
{
  g_free (self->display_name);
  if (self->label != NULL)
    self->display_name = g_strdup (self->label);
  else if (self->bits > 0)
    self->display_name = g_strdup_printf (_("%s %u-bit key"), self->algorithm,
                                          self->bits);
  else
    self->display_name = g_strdup_printf (_("%s key"), self->algorithm);
}

CkStoredKey *
ck_stored_key_new_from_stmt (sqlite3_stmt *stmt)
{
  CkStoredKey *self = g_object_new (CK_TYPE_STORED_KEY, NULL);

  /* Column order: CK_STORED_KEY_COLUMNS. */
  self->id = sqlite3_column_int64 (stmt, 0);
  self->spki_sha256 = ck_row_column_strdup (stmt, 1);
  self->algorithm = ck_row_column_strdup (stmt, 2);
  self->bits = sqlite3_column_int (stmt, 3);
  self->curve = ck_row_column_strdup (stmt, 4);
  self->label = ck_row_column_strdup (stmt, 5);
  self->source = ck_row_column_strdup (stmt, 6);
  self->imported_at = sqlite3_column_int64 (stmt, 7);
  self->encrypted = sqlite3_column_int (stmt, 8) != 0;
  self->pkcs11_uri = ck_row_column_strdup (stmt, 9);
  if (self->algorithm == NULL)
    self->algorithm = g_strdup ("Unknown");
  update_display_name (self);

  return self;
}

gint64
ck_stored_key_get_id (CkStoredKey *self)
{
  g_return_val_if_fail (CK_IS_STORED_KEY (self), 0);
  return self->id;
}

const char *
ck_stored_key_get_display_name (CkStoredKey *self)
{
  g_return_val_if_fail (CK_IS_STORED_KEY (self), NULL);
  return self->display_name;
}

const char *
ck_stored_key_get_label (CkStoredKey *self)
{
  g_return_val_if_fail (CK_IS_STORED_KEY (self), NULL);
  return self->label;
}

void
ck_stored_key_set_label (CkStoredKey *self,
                         const char  *label)
{
  g_return_if_fail (CK_IS_STORED_KEY (self));

  if (label != NULL && *label == '\0')
    label = NULL;
  if (g_strcmp0 (self->label, label) == 0)
    return;
  g_free (self->label);
  self->label = g_strdup (label);
  update_display_name (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LABEL]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DISPLAY_NAME]);
}

const char *
ck_stored_key_get_algorithm (CkStoredKey *self)
{
  g_return_val_if_fail (CK_IS_STORED_KEY (self), NULL);
  return self->algorithm;
}

guint
ck_stored_key_get_bits (CkStoredKey *self)
{
  g_return_val_if_fail (CK_IS_STORED_KEY (self), 0);
  return self->bits;
}

const char *
ck_stored_key_get_curve (CkStoredKey *self)
{
  g_return_val_if_fail (CK_IS_STORED_KEY (self), NULL);
  return self->curve;
}

const char *
ck_stored_key_get_spki_sha256 (CkStoredKey *self)
{
  g_return_val_if_fail (CK_IS_STORED_KEY (self), NULL);
  return self->spki_sha256;
}

gboolean
ck_stored_key_get_encrypted (CkStoredKey *self)
{
  g_return_val_if_fail (CK_IS_STORED_KEY (self), FALSE);
  return self->encrypted;
}

const char *
ck_stored_key_get_pkcs11_uri (CkStoredKey *self)
{
  g_return_val_if_fail (CK_IS_STORED_KEY (self), NULL);
  return self->pkcs11_uri;
}

const char *
ck_stored_key_get_source (CkStoredKey *self)
{
  g_return_val_if_fail (CK_IS_STORED_KEY (self), NULL);
  return self->source;
}

gint64
ck_stored_key_get_imported_at (CkStoredKey *self)
{
  g_return_val_if_fail (CK_IS_STORED_KEY (self), 0);
  return self->imported_at;
}
