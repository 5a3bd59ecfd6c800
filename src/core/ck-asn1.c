/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ck-asn1-private.h"

#include "ck-utils.h"

static asn1_node
definitions (CkAsn1Schema *schema)
{
  if (g_once_init_enter (&schema->once))
    {
      char message[ASN1_MAX_ERROR_DESCRIPTION_SIZE] = "";

      /* the module is compiled into the program: failing is a build bug */
      if (asn1_array2tree (schema->table, &schema->definitions, message) != ASN1_SUCCESS)
        g_error ("%s: %s", schema->name, message);
      g_once_init_leave (&schema->once, 1);
    }
  return schema->definitions;
}

asn1_node
ck_asn1_decode (CkAsn1Schema *schema,
                const char   *type,
                const guint8 *data,
                gsize         len,
                gboolean      strict,
                char         *message)
{
  g_autofree char *name = g_strconcat (schema->name, ".", type, NULL);
  char scratch[ASN1_MAX_ERROR_DESCRIPTION_SIZE] = "";
  asn1_node node = NULL;
  int ret;
  int used;

  if (message == NULL)
    message = scratch;
  message[0] = '\0';
  ret = asn1_create_element (definitions (schema), name, &node);
  g_assert (ret == ASN1_SUCCESS);
  if (len > G_MAXINT)
    {
      g_strlcpy (message, asn1_strerror (ASN1_DER_OVERFLOW), ASN1_MAX_ERROR_DESCRIPTION_SIZE);
      ck_asn1_free (node);
      return NULL;
    }
  used = (int) len;
  ret = asn1_der_decoding2 (&node, data, &used, strict ? ASN1_DECODE_FLAG_STRICT_DER : 0,
                            message);
  /* In DER, trailing bytes after the structure are damage too. */
  if (ret == ASN1_SUCCESS && strict && (gsize) used != len)
    ret = ASN1_DER_ERROR;
  if (ret != ASN1_SUCCESS)
    {
      if (message[0] == '\0')
        g_strlcpy (message, asn1_strerror (ret), ASN1_MAX_ERROR_DESCRIPTION_SIZE);
      ck_asn1_free (node);
      return NULL;
    }
  return node;
}

void
ck_asn1_free (asn1_node node)
{
  if (node != NULL)
    asn1_delete_structure2 (&node, ASN1_DELETE_FLAG_ZEROIZE);
}

GBytes *
ck_asn1_read_bytes (asn1_node   node,
                    const char *name)
{
  guint8 *buf;
  int len = 0;
  int ret;

  ret = asn1_read_value (node, name, NULL, &len);
  if (ret == ASN1_SUCCESS)
    return g_bytes_new (NULL, 0);
  if (ret != ASN1_MEM_ERROR || len <= 0)
    return NULL;
  buf = g_malloc (len);
  if (asn1_read_value (node, name, buf, &len) != ASN1_SUCCESS)
    {
      g_free (buf);
      return NULL;
    }
  return ck_bytes_new_secret (buf, len);
}

gboolean
ck_asn1_read_oid (asn1_node   node,
                  const char *name,
                  char        oid[static 128])
{
  int len = 128;

  if (asn1_read_value (node, name, oid, &len) != ASN1_SUCCESS || len <= 0)
    {
      oid[0] = '\0';
      return FALSE;
    }
  return TRUE;
}

gint64
ck_asn1_read_uint (asn1_node   node,
                   const char *name)
{
  guint8 buf[8];
  int len = sizeof buf;
  guint64 v = 0;

  if (asn1_read_value (node, name, buf, &len) != ASN1_SUCCESS || len == 0 ||
      (buf[0] & 0x80))
    return -1;
  for (int i = 0; i < len; i++)
    v = v << 8 | buf[i];
  return v <= G_MAXUINT32 ? (gint64) v : -1;
}
