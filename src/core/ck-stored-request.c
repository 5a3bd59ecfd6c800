/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ck-stored-request.h"

#include "ck-store-private.h"

G_DEFINE_ENUM_TYPE (CkRequestStatus, ck_request_status,
  G_DEFINE_ENUM_VALUE (CK_REQUEST_STATUS_PENDING, "pending"),
  G_DEFINE_ENUM_VALUE (CK_REQUEST_STATUS_ISSUED, "issued"))

struct _CkStoredRequest
{
  GObject parent_instance;

  gint64 id;
  gint64 certificate_id;
  gint64 created_at;
  CkRequestStatus status;
  char *sha256;
  char *spki_sha256;
  char *subject;
  char *display_name;
  char *profile;
  char *source;
};

G_DEFINE_FINAL_TYPE (CkStoredRequest, ck_stored_request, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_DISPLAY_NAME,
  PROP_SUBJECT,
  PROP_SHA256,
  PROP_SPKI_SHA256,
  PROP_STATUS,
  PROP_CERTIFICATE_ID,
  PROP_PROFILE,
  PROP_SOURCE,
  PROP_CREATED_AT,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

static void
ck_stored_request_finalize (GObject *object)
{
  CkStoredRequest *self = CK_STORED_REQUEST (object);

  g_free (self->sha256);
  g_free (self->spki_sha256);
  g_free (self->subject);
  g_free (self->display_name);
  g_free (self->profile);
  g_free (self->source);

  G_OBJECT_CLASS (ck_stored_request_parent_class)->finalize (object);
}

static void
ck_stored_request_get_property (GObject    *object,
                                guint       prop_id,
                                GValue     *value,
                                GParamSpec *pspec)
{
  CkStoredRequest *self = CK_STORED_REQUEST (object);

  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_int64 (value, self->id);
      break;
    case PROP_DISPLAY_NAME:
      g_value_set_string (value, self->display_name);
      break;
    case PROP_SUBJECT:
      g_value_set_string (value, self->subject);
      break;
    case PROP_SHA256:
      g_value_set_string (value, self->sha256);
      break;
    case PROP_SPKI_SHA256:
      g_value_set_string (value, self->spki_sha256);
      break;
    case PROP_STATUS:
      g_value_set_enum (value, self->status);
      break;
    case PROP_CERTIFICATE_ID:
      g_value_set_int64 (value, self->certificate_id);
      break;
    case PROP_PROFILE:
      g_value_set_string (value, self->profile);
      break;
    case PROP_SOURCE:
      g_value_set_string (value, self->source);
      break;
    case PROP_CREATED_AT:
      g_value_set_int64 (value, self->created_at);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
ck_stored_request_class_init (CkStoredRequestClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);

  object_class->finalize = ck_stored_request_finalize;
  object_class->get_property = ck_stored_request_get_property;

  properties[PROP_ID] = ck_row_int64_property ("id");
  properties[PROP_DISPLAY_NAME] = ck_row_string_property ("display-name");
  properties[PROP_SUBJECT] = ck_row_string_property ("subject");
  properties[PROP_SHA256] = ck_row_string_property ("sha256");
  properties[PROP_SPKI_SHA256] = ck_row_string_property ("spki-sha256");
  /* status and certificate-id change together through
   * ck_stored_request_set_status(), which notifies both. */
  properties[PROP_STATUS] =
    g_param_spec_enum ("status", NULL, NULL, CK_TYPE_REQUEST_STATUS,
                       CK_REQUEST_STATUS_PENDING,
                       G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_CERTIFICATE_ID] = ck_row_int64_property ("certificate-id");
  properties[PROP_PROFILE] = ck_row_string_property ("profile");
  properties[PROP_SOURCE] = ck_row_string_property ("source");
  properties[PROP_CREATED_AT] = ck_row_int64_property ("created-at");

  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
ck_stored_request_init (CkStoredRequest *self)
{
}

CkStoredRequest *
ck_stored_request_new_from_stmt (sqlite3_stmt *stmt)
{
  CkStoredRequest *self = g_object_new (CK_TYPE_STORED_REQUEST, NULL);
  const char *status;

  /* Column order: CK_STORED_REQUEST_COLUMNS. */
  self->id = sqlite3_column_int64 (stmt, 0);
  self->sha256 = ck_row_column_strdup (stmt, 1);
  self->spki_sha256 = ck_row_column_strdup (stmt, 2);
  self->subject = ck_row_column_strdup (stmt, 3);
  self->display_name = ck_row_column_strdup (stmt, 4);
  status = (const char *) sqlite3_column_text (stmt, 5);
  self->status = g_strcmp0 (status, "issued") == 0 ? CK_REQUEST_STATUS_ISSUED
                                                   : CK_REQUEST_STATUS_PENDING;
  self->certificate_id = sqlite3_column_int64 (stmt, 6);
  self->profile = ck_row_column_strdup (stmt, 7);
  self->source = ck_row_column_strdup (stmt, 8);
  self->created_at = sqlite3_column_int64 (stmt, 9);

  return self;
}

gint64
ck_stored_request_get_id (CkStoredRequest *self)
{
  g_return_val_if_fail (CK_IS_STORED_REQUEST (self), 0);
  return self->id;
}

const char *
ck_stored_request_get_display_name (CkStoredRequest *self)
{
  g_return_val_if_fail (CK_IS_STORED_REQUEST (self), NULL);
  return self->display_name;
}

const char *
ck_stored_request_get_subject (CkStoredRequest *self)
{
  g_return_val_if_fail (CK_IS_STORED_REQUEST (self), NULL);
  return self->subject;
}

const char *
ck_stored_request_get_sha256 (CkStoredRequest *self)
{
  g_return_val_if_fail (CK_IS_STORED_REQUEST (self), NULL);
  return self->sha256;
}

const char *
ck_stored_request_get_spki_sha256 (CkStoredRequest *self)
{
  g_return_val_if_fail (CK_IS_STORED_REQUEST (self), NULL);
  return self->spki_sha256;
}

CkRequestStatus
ck_stored_request_get_status (CkStoredRequest *self)
{
  g_return_val_if_fail (CK_IS_STORED_REQUEST (self), CK_REQUEST_STATUS_PENDING);
  return self->status;
}

void
ck_stored_request_set_status (CkStoredRequest *self,
                              CkRequestStatus  status,
                              gint64           certificate_id)
{
  g_return_if_fail (CK_IS_STORED_REQUEST (self));

  /* A pending request has no certificate. */
  if (status == CK_REQUEST_STATUS_PENDING)
    certificate_id = 0;

  g_object_freeze_notify (G_OBJECT (self));
  if (self->status != status)
    {
      self->status = status;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
    }
  if (self->certificate_id != certificate_id)
    {
      self->certificate_id = certificate_id;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CERTIFICATE_ID]);
    }
  g_object_thaw_notify (G_OBJECT (self));
}

gint64
ck_stored_request_get_certificate_id (CkStoredRequest *self)
{
  g_return_val_if_fail (CK_IS_STORED_REQUEST (self), 0);
  return self->certificate_id;
}

const char *
ck_stored_request_get_profile (CkStoredRequest *self)
{
  g_return_val_if_fail (CK_IS_STORED_REQUEST (self), NULL);
  return self->profile;
}

const char *
ck_stored_request_get_source (CkStoredRequest *self)
{
  g_return_val_if_fail (CK_IS_STORED_REQUEST (self), NULL);
  return self->source;
}

gint64
ck_stored_request_get_created_at (CkStoredRequest *self)
{
  g_return_val_if_fail (CK_IS_STORED_REQUEST (self), 0);
  return self->created_at;
}

const char *
ck_request_status_to_string (CkRequestStatus status)
{
  switch (status)
    {
    case CK_REQUEST_STATUS_PENDING:
      return "pending";
    case CK_REQUEST_STATUS_ISSUED:
      return "issued";
    default:
      return "unknown";
    }
}
