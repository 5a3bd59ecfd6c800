/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ck-import-item.h"

#include <glib/gi18n-lib.h>

struct _CkImportItem
{
  GObject parent_instance;

  CkImportItemKind kind;
  char *file;
  char *location;
  char *source;
  char *display_name;
  char *label;

  CkCertificate *cert;
  CkPrivateKey *key;
  CkRequest *request;
  CkCrl *crl;
  GBytes *locked_data;
  char *locked_format;
  GError *error;

  /* Partners point at each other: a weak reference avoids the cycle, the
   * plan owns both items. */
  GWeakRef partner;
  gint64 store_partner_id;
  char *store_partner_name;
  guint n_store_partners;
  gint64 existing_id;
  gboolean duplicate;
};

G_DEFINE_FINAL_TYPE (CkImportItem, ck_import_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_KIND,
  PROP_DISPLAY_NAME,
  PROP_SOURCE,
  PROP_LABEL,
  PROP_PARTNER,
  PROP_STORE_PARTNER_ID,
  PROP_EXISTING_ID,
  PROP_DUPLICATE,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
ck_import_item_finalize (GObject *object)
{
  CkImportItem *self = CK_IMPORT_ITEM (object);

  g_free (self->file);
  g_free (self->location);
  g_free (self->source);
  g_free (self->display_name);
  g_free (self->label);
  g_free (self->store_partner_name);
  g_clear_object (&self->cert);
  g_clear_object (&self->key);
  g_clear_object (&self->request);
  g_clear_object (&self->crl);
  g_clear_pointer (&self->locked_data, g_bytes_unref);
  g_free (self->locked_format);
  g_clear_error (&self->error);
  g_weak_ref_clear (&self->partner);

  G_OBJECT_CLASS (ck_import_item_parent_class)->finalize (object);
}

static void
ck_import_item_get_property (GObject    *object,
                             guint       prop_id,
                             GValue     *value,
                             GParamSpec *pspec)
{
  CkImportItem *self = CK_IMPORT_ITEM (object);

  switch (prop_id)
    {
    case PROP_KIND:
      g_value_set_int (value, self->kind);
      break;
    case PROP_DISPLAY_NAME:
      g_value_set_string (value, self->display_name);
      break;
    case PROP_SOURCE:
      g_value_set_string (value, self->source);
      break;
    case PROP_LABEL:
      g_value_set_string (value, self->label);
      break;
    case PROP_PARTNER:
      g_value_take_object (value, g_weak_ref_get (&self->partner));
      break;
    case PROP_STORE_PARTNER_ID:
      g_value_set_int64 (value, self->store_partner_id);
      break;
    case PROP_EXISTING_ID:
      g_value_set_int64 (value, self->existing_id);
      break;
    case PROP_DUPLICATE:
      g_value_set_boolean (value, self->duplicate);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ck_import_item_set_property (GObject      *object,
                             guint         prop_id,
                             const GValue *value,
                             GParamSpec   *pspec)
{
  CkImportItem *self = CK_IMPORT_ITEM (object);

  switch (prop_id)
    {
    case PROP_LABEL:
      ck_import_item_set_label (self, g_value_get_string (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ck_import_item_class_init (CkImportItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->finalize = ck_import_item_finalize;
  object_class->get_property = ck_import_item_get_property;
  object_class->set_property = ck_import_item_set_property;

  /* Read-only properties so list rows can bind to what the plan decides;
   * they notify only when the value really changes. */
  properties[PROP_KIND] =
    g_param_spec_int ("kind", NULL, NULL,
                      CK_IMPORT_ITEM_CERTIFICATE, CK_IMPORT_ITEM_CRL,
                      CK_IMPORT_ITEM_ERROR, ro);
  properties[PROP_DISPLAY_NAME] =
    g_param_spec_string ("display-name", NULL, NULL, NULL, ro);
  properties[PROP_SOURCE] =
    g_param_spec_string ("source", NULL, NULL, NULL, ro);
  properties[PROP_LABEL] =
    g_param_spec_string ("label", NULL, NULL, NULL,
                         G_PARAM_READWRITE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY);
  properties[PROP_PARTNER] =
    g_param_spec_object ("partner", NULL, NULL, CK_TYPE_IMPORT_ITEM, ro);
  properties[PROP_STORE_PARTNER_ID] =
    g_param_spec_int64 ("store-partner-id", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_EXISTING_ID] =
    g_param_spec_int64 ("existing-id", NULL, NULL, 0, G_MAXINT64, 0, ro);
  properties[PROP_DUPLICATE] =
    g_param_spec_boolean ("duplicate", NULL, NULL, FALSE, ro);

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ck_import_item_init (CkImportItem *self)
{
  g_weak_ref_init (&self->partner, NULL);
}

static CkImportItem *
item_new (CkImportItemKind kind,
          const char      *file,
          const char      *location)
{
  CkImportItem *self = g_object_new (CK_TYPE_IMPORT_ITEM, NULL);

  self->kind = kind;
  self->file = g_strdup (file != NULL ? file : _("input"));
  self->location = g_strdup (location);
  if (location != NULL)
    self->source = g_strdup_printf ("%s, %s", self->file, location);
  else
    self->source = g_strdup (self->file);
  return self;
}

static char *
key_display_name (CkPrivateKey *key)
{
  const char *alg = ck_private_key_get_algorithm (key);
  const char *curve = ck_private_key_get_curve (key);
  guint bits = ck_private_key_get_bits (key);

  if (alg == NULL)
    alg = "Unknown";
  if (curve != NULL)
    /* Translators: an algorithm and a curve: "ECDSA P-256 key" */
    return g_strdup_printf (_("%s %s key"), alg, curve);
  /* Ed25519/Ed448 name their size already. */
  if (bits > 0 && !g_str_has_prefix (alg, "Ed"))
    /* Translators: an algorithm and a size: "RSA 2048-bit key" */
    return g_strdup_printf (_("%s %u-bit key"), alg, bits);
  /* Translators: an algorithm: "Ed25519 key" */
  return g_strdup_printf (_("%s key"), alg);
}

CkImportItem *
ck_import_item_new_certificate (CkCertificate *cert,
                                const char    *file,
                                const char    *location)
{
  CkImportItem *self;

  g_return_val_if_fail (CK_IS_CERTIFICATE (cert), NULL);

  self = item_new (CK_IMPORT_ITEM_CERTIFICATE, file, location);
  self->cert = g_object_ref (cert);
  self->display_name = g_strdup (ck_certificate_get_display_name (cert));
  return self;
}

CkImportItem *
ck_import_item_new_private_key (CkPrivateKey *key,
                                const char   *file,
                                const char   *location)
{
  CkImportItem *self;

  g_return_val_if_fail (CK_IS_PRIVATE_KEY (key), NULL);

  self = item_new (CK_IMPORT_ITEM_PRIVATE_KEY, file, location);
  self->key = g_object_ref (key);
  self->display_name = key_display_name (key);
  return self;
}

CkImportItem *
ck_import_item_new_crl (CkCrl      *crl,
                        const char *file,
                        const char *location)
{
  CkImportItem *self;

  g_return_val_if_fail (CK_IS_CRL (crl), NULL);

  self = item_new (CK_IMPORT_ITEM_CRL, file, location);
  self->crl = g_object_ref (crl);
  self->display_name = g_strdup (ck_crl_get_display_name (crl));
  return self;
}

CkImportItem *
ck_import_item_new_request (CkRequest  *request,
                            const char *file,
                            const char *location)
{
  CkImportItem *self;

  g_return_val_if_fail (CK_IS_REQUEST (request), NULL);

  self = item_new (CK_IMPORT_ITEM_REQUEST, file, location);
  self->request = g_object_ref (request);
  self->display_name = g_strdup (ck_request_get_display_name (request));
  return self;
}

CkImportItem *
ck_import_item_new_locked (GBytes     *data,
                           const char *format,
                           const char *file,
                           const char *location)
{
  CkImportItem *self;

  g_return_val_if_fail (data != NULL, NULL);
  g_return_val_if_fail (format != NULL, NULL);

  self = item_new (CK_IMPORT_ITEM_LOCKED, file, location);
  self->locked_data = g_bytes_ref (data);
  self->locked_format = g_strdup (format);
  if (g_str_equal (format, "pkcs12"))
    self->display_name = g_strdup (_("Password-protected PKCS#12 file"));
  else
    self->display_name = g_strdup (_("Encrypted private key"));
  return self;
}

CkImportItem *
ck_import_item_new_error (const GError *error,
                          const char   *file,
                          const char   *location)
{
  CkImportItem *self;

  g_return_val_if_fail (error != NULL, NULL);

  self = item_new (CK_IMPORT_ITEM_ERROR, file, location);
  self->error = g_error_copy (error);
  self->display_name = g_strdup (error->message);
  return self;
}

CkImportItemKind
ck_import_item_get_kind (CkImportItem *self)
{
  g_return_val_if_fail (CK_IS_IMPORT_ITEM (self), CK_IMPORT_ITEM_ERROR);
  return self->kind;
}

const char *
ck_import_item_get_file (CkImportItem *self)
{
  g_return_val_if_fail (CK_IS_IMPORT_ITEM (self), NULL);
  return self->file;
}

const char *
ck_import_item_get_location (CkImportItem *self)
{
  g_return_val_if_fail (CK_IS_IMPORT_ITEM (self), NULL);
  return self->location;
}

const char *
ck_import_item_get_source (CkImportItem *self)
{
  g_return_val_if_fail (CK_IS_IMPORT_ITEM (self), NULL);
  return self->source;
}

const char *
ck_import_item_get_display_name (CkImportItem *self)
{
  g_return_val_if_fail (CK_IS_IMPORT_ITEM (self), NULL);
  return self->display_name;
}

CkCertificate *
ck_import_item_get_certificate (CkImportItem *self)
{
  g_return_val_if_fail (CK_IS_IMPORT_ITEM (self), NULL);
  return self->cert;
}

CkPrivateKey *
ck_import_item_get_private_key (CkImportItem *self)
{
  g_return_val_if_fail (CK_IS_IMPORT_ITEM (self), NULL);
  return self->key;
}

CkCrl *
ck_import_item_get_crl (CkImportItem *self)
{
  g_return_val_if_fail (CK_IS_IMPORT_ITEM (self), NULL);
  return self->crl;
}

CkRequest *
ck_import_item_get_request (CkImportItem *self)
{
  g_return_val_if_fail (CK_IS_IMPORT_ITEM (self), NULL);
  return self->request;
}

GBytes *
ck_import_item_get_locked_data (CkImportItem *self)
{
  g_return_val_if_fail (CK_IS_IMPORT_ITEM (self), NULL);
  return self->locked_data;
}

const char *
ck_import_item_get_locked_format (CkImportItem *self)
{
  g_return_val_if_fail (CK_IS_IMPORT_ITEM (self), NULL);
  return self->locked_format;
}

const GError *
ck_import_item_get_error (CkImportItem *self)
{
  g_return_val_if_fail (CK_IS_IMPORT_ITEM (self), NULL);
  return self->error;
}

const char *
ck_import_item_get_spki_sha256 (CkImportItem *self)
{
  g_return_val_if_fail (CK_IS_IMPORT_ITEM (self), NULL);

  switch (self->kind)
    {
    case CK_IMPORT_ITEM_CERTIFICATE:
      return ck_certificate_get_spki_sha256 (self->cert);
    case CK_IMPORT_ITEM_PRIVATE_KEY:
      return ck_private_key_get_spki_sha256 (self->key);
    case CK_IMPORT_ITEM_REQUEST:
      return ck_request_get_spki_sha256 (self->request);
    case CK_IMPORT_ITEM_LOCKED:
    case CK_IMPORT_ITEM_ERROR:
    default:
      return NULL;
    }
}

const char *
ck_import_item_get_fingerprint (CkImportItem *self)
{
  g_return_val_if_fail (CK_IS_IMPORT_ITEM (self), NULL);

  switch (self->kind)
    {
    case CK_IMPORT_ITEM_CERTIFICATE:
      return ck_certificate_get_sha256_fingerprint (self->cert);
    case CK_IMPORT_ITEM_PRIVATE_KEY:
      return ck_private_key_get_spki_sha256 (self->key);
    case CK_IMPORT_ITEM_REQUEST:
      return ck_request_get_sha256_fingerprint (self->request);
    case CK_IMPORT_ITEM_CRL:
      return ck_crl_get_sha256 (self->crl);
    case CK_IMPORT_ITEM_LOCKED:
    case CK_IMPORT_ITEM_ERROR:
    default:
      return NULL;
    }
}

const char *
ck_import_item_get_label (CkImportItem *self)
{
  g_return_val_if_fail (CK_IS_IMPORT_ITEM (self), NULL);
  return self->label;
}

void
ck_import_item_set_label (CkImportItem *self,
                          const char   *label)
{
  g_return_if_fail (CK_IS_IMPORT_ITEM (self));

  /* g_set_str() is GLib 2.76; we target 2.74. */
  if (g_strcmp0 (self->label, label) == 0)
    return;
  g_free (self->label);
  self->label = g_strdup (label);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LABEL]);
}

CkImportItem *
ck_import_item_get_partner (CkImportItem *self)
{
  CkImportItem *partner;

  g_return_val_if_fail (CK_IS_IMPORT_ITEM (self), NULL);

  /* transfer none: the plan holds the real reference */
  partner = g_weak_ref_get (&self->partner);
  if (partner != NULL)
    g_object_unref (partner);
  return partner;
}

void
ck_import_item_set_partner (CkImportItem *self,
                            CkImportItem *partner)
{
  g_return_if_fail (CK_IS_IMPORT_ITEM (self));
  g_return_if_fail (partner == NULL || CK_IS_IMPORT_ITEM (partner));

  if (ck_import_item_get_partner (self) == partner)
    return;
  g_weak_ref_set (&self->partner, partner);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_PARTNER]);
}

gint64
ck_import_item_get_store_partner_id (CkImportItem *self)
{
  g_return_val_if_fail (CK_IS_IMPORT_ITEM (self), 0);
  return self->store_partner_id;
}

void
ck_import_item_set_store_partner_id (CkImportItem *self,
                                     gint64        id)
{
  g_return_if_fail (CK_IS_IMPORT_ITEM (self));

  if (self->store_partner_id == id)
    return;
  self->store_partner_id = id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STORE_PARTNER_ID]);
}

const char *
ck_import_item_get_store_partner_name (CkImportItem *self)
{
  g_return_val_if_fail (CK_IS_IMPORT_ITEM (self), NULL);
  return self->store_partner_name;
}

guint
ck_import_item_get_n_store_partners (CkImportItem *self)
{
  g_return_val_if_fail (CK_IS_IMPORT_ITEM (self), 0);
  return self->n_store_partners;
}

void
ck_import_item_set_store_partner_name (CkImportItem *self,
                                       const char   *name,
                                       guint         n_partners)
{
  g_return_if_fail (CK_IS_IMPORT_ITEM (self));

  g_free (self->store_partner_name);
  self->store_partner_name = g_strdup (name);
  self->n_store_partners = name != NULL ? MAX (n_partners, 1) : 0;
}

gint64
ck_import_item_get_existing_id (CkImportItem *self)
{
  g_return_val_if_fail (CK_IS_IMPORT_ITEM (self), 0);
  return self->existing_id;
}

void
ck_import_item_set_existing_id (CkImportItem *self,
                                gint64        id)
{
  g_return_if_fail (CK_IS_IMPORT_ITEM (self));

  if (self->existing_id == id)
    return;
  self->existing_id = id;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_EXISTING_ID]);
}

gboolean
ck_import_item_get_duplicate (CkImportItem *self)
{
  g_return_val_if_fail (CK_IS_IMPORT_ITEM (self), FALSE);
  return self->duplicate;
}

void
ck_import_item_set_duplicate (CkImportItem *self,
                              gboolean      duplicate)
{
  g_return_if_fail (CK_IS_IMPORT_ITEM (self));

  duplicate = !!duplicate;
  if (self->duplicate == duplicate)
    return;
  self->duplicate = duplicate;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_DUPLICATE]);
}

gboolean
ck_import_item_is_new (CkImportItem *self)
{
  g_return_val_if_fail (CK_IS_IMPORT_ITEM (self), FALSE);

  switch (self->kind)
    {
    case CK_IMPORT_ITEM_CERTIFICATE:
    case CK_IMPORT_ITEM_PRIVATE_KEY:
    case CK_IMPORT_ITEM_REQUEST:
    case CK_IMPORT_ITEM_CRL:
      return !self->duplicate && self->existing_id == 0;
    case CK_IMPORT_ITEM_LOCKED:
    case CK_IMPORT_ITEM_ERROR:
    default:
      return FALSE;
    }
}

const char *
ck_import_item_kind_to_string (CkImportItemKind kind)
{
  switch (kind)
    {
    case CK_IMPORT_ITEM_CERTIFICATE:
      return "certificate";
    case CK_IMPORT_ITEM_PRIVATE_KEY:
      return "private key";
    case CK_IMPORT_ITEM_REQUEST:
      return "request";
    case CK_IMPORT_ITEM_CRL:
      return "crl";
    case CK_IMPORT_ITEM_LOCKED:
      return "locked";
    case CK_IMPORT_ITEM_ERROR:
      return "error";
    default:
      return "unknown";
    }
}
