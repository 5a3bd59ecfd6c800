/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ck-key-usage.h"

#include <glib/gi18n-lib.h>
#include <gnutls/gnutls.h>
#include <string.h>

#include "ck-error.h"

/* RFC 5280 section 4.2.1.3, in bit order. */
static const CkKeyUsageBit usage_bits[] = {
  { GNUTLS_KEY_DIGITAL_SIGNATURE, "digitalSignature", N_("Digital signature") },
  { GNUTLS_KEY_NON_REPUDIATION, "nonRepudiation", N_("Non-repudiation") },
  { GNUTLS_KEY_KEY_ENCIPHERMENT, "keyEncipherment", N_("Key encipherment") },
  { GNUTLS_KEY_DATA_ENCIPHERMENT, "dataEncipherment", N_("Data encipherment") },
  { GNUTLS_KEY_KEY_AGREEMENT, "keyAgreement", N_("Key agreement") },
  { GNUTLS_KEY_KEY_CERT_SIGN, "keyCertSign", N_("Certificate signing") },
  { GNUTLS_KEY_CRL_SIGN, "cRLSign", N_("CRL signing") },
  { GNUTLS_KEY_ENCIPHER_ONLY, "encipherOnly", N_("Encipher only") },
  { GNUTLS_KEY_DECIPHER_ONLY, "decipherOnly", N_("Decipher only") },
};

const CkKeyUsageBit *
ck_key_usage_bits (guint *n_bits)
{
  if (n_bits != NULL)
    *n_bits = G_N_ELEMENTS (usage_bits);
  return usage_bits;
}

char **
ck_key_usage_to_strv (guint usage)
{
  GStrvBuilder *builder = g_strv_builder_new ();
  char **strv;

  for (gsize i = 0; i < G_N_ELEMENTS (usage_bits); i++)
    if (usage & usage_bits[i].flag)
      g_strv_builder_add (builder, usage_bits[i].name);

  strv = g_strv_builder_end (builder);
  g_strv_builder_unref (builder);
  return strv;
}

char *
ck_key_usage_to_string (guint usage)
{
  g_auto(GStrv) names = ck_key_usage_to_strv (usage);

  return g_strjoinv (", ", names);
}

gboolean
ck_key_usage_from_string (const char *text,
                          guint      *usage,
                          GError    **error)
{
  g_auto(GStrv) items = NULL;
  guint result = 0;

  g_return_val_if_fail (text != NULL, FALSE);

  items = g_strsplit (text, ",", -1);
  for (guint i = 0; items[i] != NULL; i++)
    {
      const char *item = g_strstrip (items[i]);
      gboolean found = FALSE;

      if (*item == '\0')
        {
          /* "a, , b" is a typo; a wholly empty string means no usage. */
          if (items[1] == NULL)
            break;
          g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                       _("Empty item in key usage list “%s”"), text);
          return FALSE;
        }

      /* X.509 (2005) renamed nonRepudiation; accept both spellings. */
      if (g_ascii_strcasecmp (item, "contentCommitment") == 0)
        item = "nonRepudiation";

      for (gsize j = 0; j < G_N_ELEMENTS (usage_bits); j++)
        if (g_ascii_strcasecmp (item, usage_bits[j].name) == 0)
          {
            result |= usage_bits[j].flag;
            found = TRUE;
            break;
          }

      if (!found)
        {
          g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                       _("Unknown key usage “%s”"), item);
          return FALSE;
        }
    }

  if (usage != NULL)
    *usage = result;
  return TRUE;
}
