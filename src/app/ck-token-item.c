/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gi18n.h>

#include "ck-token-item.h"

struct _CkTokenItem
{
  GObject parent_instance;

  CkToken *token;
  CkTokenObject object;
  CkCertificate *certificate;
  gboolean key_on_token;
};

G_DEFINE_FINAL_TYPE (CkTokenItem, ck_token_item, G_TYPE_OBJECT)

static void
ck_token_item_finalize (GObject *object)
{
  CkTokenItem *self = CK_TOKEN_ITEM (object);

  g_clear_object (&self->token);
  g_clear_object (&self->certificate);
  g_free (self->object.uri);
  g_free (self->object.label);
  g_free (self->object.id_hex);
  g_free (self->object.kind);
  G_OBJECT_CLASS (ck_token_item_parent_class)->finalize (object);
}

static void
ck_token_item_class_init (CkTokenItemClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ck_token_item_finalize;
}

static void
ck_token_item_init (CkTokenItem *self)
{
}

CkTokenItem *
ck_token_item_new (CkToken             *token,
                   const CkTokenObject *object,
                   CkCertificate       *certificate)
{
  CkTokenItem *self;

  g_return_val_if_fail (CK_IS_TOKEN (token), NULL);
  g_return_val_if_fail (object != NULL, NULL);

  self = g_object_new (CK_TYPE_TOKEN_ITEM, NULL);
  self->token = g_object_ref (token);
  self->object.uri = g_strdup (object->uri);
  self->object.label = g_strdup (object->label);
  self->object.id_hex = g_strdup (object->id_hex);
  self->object.kind = g_strdup (object->kind);
  self->certificate = certificate != NULL ? g_object_ref (certificate) : NULL;
  return self;
}

CkToken *
ck_token_item_get_token (CkTokenItem *self)
{
  g_return_val_if_fail (CK_IS_TOKEN_ITEM (self), NULL);
  return self->token;
}

const CkTokenObject *
ck_token_item_get_object (CkTokenItem *self)
{
  g_return_val_if_fail (CK_IS_TOKEN_ITEM (self), NULL);
  return &self->object;
}

gboolean
ck_token_item_is_key (CkTokenItem *self)
{
  g_return_val_if_fail (CK_IS_TOKEN_ITEM (self), FALSE);
  return g_strcmp0 (self->object.kind, "private-key") == 0 ||
         g_strcmp0 (self->object.kind, "public-key") == 0 ||
         g_strcmp0 (self->object.kind, "secret-key") == 0;
}

CkCertificate *
ck_token_item_get_certificate (CkTokenItem *self)
{
  g_return_val_if_fail (CK_IS_TOKEN_ITEM (self), NULL);
  return self->certificate;
}

char *
ck_token_item_dup_source (CkTokenItem *self)
{
  g_return_val_if_fail (CK_IS_TOKEN_ITEM (self), NULL);
  /* Translators: where a key or certificate is, e.g. "Token: My Smart Card" */
  return g_strdup_printf (_("Token: %s"), ck_token_get_label (self->token));
}

const char *
ck_token_item_get_display_name (CkTokenItem *self)
{
  g_return_val_if_fail (CK_IS_TOKEN_ITEM (self), NULL);
  if (self->certificate != NULL)
    return ck_certificate_get_display_name (self->certificate);
  if (self->object.label != NULL && self->object.label[0] != '\0')
    return self->object.label;
  return _("Unlabelled object");
}

gboolean
ck_token_item_get_key_on_token (CkTokenItem *self)
{
  g_return_val_if_fail (CK_IS_TOKEN_ITEM (self), FALSE);
  return self->key_on_token;
}

void
ck_token_item_set_key_on_token (CkTokenItem *self,
                                gboolean     key_on_token)
{
  g_return_if_fail (CK_IS_TOKEN_ITEM (self));
  self->key_on_token = key_on_token;
}
