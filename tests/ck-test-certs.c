/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ck-test-certs.h"

#include <string.h>
#include <time.h>

struct _CkTestCa
{
  gnutls_x509_privkey_t key;
  gnutls_x509_crt_t crt;
};

#define CHECK(expr) G_STMT_START {                                          \
    int check_rc_ = (expr);                                                 \
    if (check_rc_ < 0)                                                      \
      g_error ("%s:%d: %s: %s", __FILE__, __LINE__, #expr,                  \
               gnutls_strerror (check_rc_));                                \
  } G_STMT_END

gnutls_x509_privkey_t
ck_test_key_new (void)
{
  gnutls_x509_privkey_t key;

  CHECK (gnutls_x509_privkey_init (&key));
  CHECK (gnutls_x509_privkey_generate (key, GNUTLS_PK_ECDSA,
                                       GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_SECP256R1),
                                       0));
  return key;
}

char *
ck_test_key_to_pem (gnutls_x509_privkey_t key)
{
  gnutls_datum_t out = { NULL, 0 };
  char *pem;

  CHECK (gnutls_x509_privkey_export2_pkcs8 (key, GNUTLS_X509_FMT_PEM, NULL,
                                            GNUTLS_PKCS_PLAIN, &out));
  pem = g_strndup ((const char *) out.data, out.size);
  gnutls_free (out.data);
  return pem;
}

static char *
crt_to_pem (gnutls_x509_crt_t crt)
{
  gnutls_datum_t out = { NULL, 0 };
  char *pem;

  CHECK (gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_PEM, &out));
  pem = g_strndup ((const char *) out.data, out.size);
  gnutls_free (out.data);
  return pem;
}

static void
set_serial (gnutls_x509_crt_t crt,
            guint64           serial)
{
  guint8 bytes[9];

  /* A leading zero byte keeps the INTEGER positive. */
  bytes[0] = 0;
  for (int i = 0; i < 8; i++)
    bytes[8 - i] = (serial >> (8 * i)) & 0xff;
  CHECK (gnutls_x509_crt_set_serial (crt, bytes, sizeof bytes));
}

/* Everything but the issuer and signature. */
static gnutls_x509_crt_t
new_crt (gnutls_x509_privkey_t key,
         const char           *cn,
         guint64               serial,
         gboolean              ca)
{
  gnutls_x509_crt_t crt;
  time_t now = time (NULL);

  CHECK (gnutls_x509_crt_init (&crt));
  CHECK (gnutls_x509_crt_set_version (crt, 3));
  set_serial (crt, serial);
  CHECK (gnutls_x509_crt_set_activation_time (crt, now - 24 * 3600));
  CHECK (gnutls_x509_crt_set_expiration_time (crt, now + 365 * 24 * 3600));
  CHECK (gnutls_x509_crt_set_dn_by_oid (crt, GNUTLS_OID_X520_COMMON_NAME, 0,
                                        cn, strlen (cn)));
  CHECK (gnutls_x509_crt_set_key (crt, key));
  CHECK (gnutls_x509_crt_set_basic_constraints (crt, ca, -1));
  if (ca)
    CHECK (gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_KEY_CERT_SIGN |
                                               GNUTLS_KEY_CRL_SIGN));
  else
    {
      g_autofree char *dns = g_strdelimit (g_ascii_strdown (cn, -1), " ", '-');

      CHECK (gnutls_x509_crt_set_key_usage (crt, GNUTLS_KEY_DIGITAL_SIGNATURE));
      CHECK (gnutls_x509_crt_set_subject_alt_name (crt, GNUTLS_SAN_DNSNAME, dns,
                                                   strlen (dns),
                                                   GNUTLS_FSAN_SET));
    }
  return crt;
}

CkTestCa *
ck_test_ca_new (const char *cn)
{
  CkTestCa *ca = g_new0 (CkTestCa, 1);

  ca->key = ck_test_key_new ();
  ca->crt = new_crt (ca->key, cn, 1, TRUE);
  CHECK (gnutls_x509_crt_sign2 (ca->crt, ca->crt, ca->key, GNUTLS_DIG_SHA256, 0));
  return ca;
}

void
ck_test_ca_free (CkTestCa *ca)
{
  if (ca == NULL)
    return;
  gnutls_x509_crt_deinit (ca->crt);
  gnutls_x509_privkey_deinit (ca->key);
  g_free (ca);
}

char *
ck_test_ca_get_pem (CkTestCa *ca)
{
  return crt_to_pem (ca->crt);
}

char *
ck_test_ca_issue (CkTestCa              *ca,
                  gnutls_x509_privkey_t  key,
                  const char            *cn,
                  guint64                serial)
{
  gnutls_x509_crt_t crt = new_crt (key, cn, serial, FALSE);
  char *pem;

  CHECK (gnutls_x509_crt_sign2 (crt, ca->crt, ca->key, GNUTLS_DIG_SHA256, 0));
  pem = crt_to_pem (crt);
  gnutls_x509_crt_deinit (crt);
  return pem;
}

void
ck_test_ca_issue_many (CkTestCa              *ca,
                       gnutls_x509_privkey_t  key,
                       const char            *cn_prefix,
                       guint64                first_serial,
                       guint                  n,
                       GString               *pem)
{
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *cn = g_strdup_printf ("%s %u", cn_prefix, i);
      g_autofree char *one = ck_test_ca_issue (ca, key, cn, first_serial + i);

      g_string_append (pem, one);
    }
}

char *
ck_test_request_new (gnutls_x509_privkey_t  key,
                     const char            *cn)
{
  gnutls_x509_crq_t crq;
  gnutls_datum_t out = { NULL, 0 };
  char *pem;

  CHECK (gnutls_x509_crq_init (&crq));
  CHECK (gnutls_x509_crq_set_version (crq, 1));
  CHECK (gnutls_x509_crq_set_dn_by_oid (crq, GNUTLS_OID_X520_COMMON_NAME, 0,
                                        cn, strlen (cn)));
  CHECK (gnutls_x509_crq_set_key (crq, key));
  CHECK (gnutls_x509_crq_sign2 (crq, key, GNUTLS_DIG_SHA256, 0));
  CHECK (gnutls_x509_crq_export2 (crq, GNUTLS_X509_FMT_PEM, &out));
  pem = g_strndup ((const char *) out.data, out.size);
  gnutls_free (out.data);
  gnutls_x509_crq_deinit (crq);
  return pem;
}

GBytes *
ck_test_ca_crl (CkTestCa      *ca,
                const guint64 *serials,
                guint          n_serials,
                gint64         this_update,
                gint64         next_update,
                guint          number)
{
  gnutls_x509_crl_t crl;
  gnutls_datum_t der = { NULL, 0 };
  guint8 id[64];
  size_t id_size = sizeof id;
  GBytes *out;

  CHECK (gnutls_x509_crl_init (&crl));
  CHECK (gnutls_x509_crl_set_version (crl, 2));
  CHECK (gnutls_x509_crl_set_this_update (crl, (time_t) this_update));
  if (next_update != 0)
    CHECK (gnutls_x509_crl_set_next_update (crl, (time_t) next_update));
  for (guint i = 0; i < n_serials; i++)
    {
      guint8 octets[9];

      /* As set_serial() writes the certificates' */
      octets[0] = 0;
      for (int k = 0; k < 8; k++)
        octets[8 - k] = (serials[i] >> (8 * k)) & 0xff;
      CHECK (gnutls_x509_crl_set_crt_serial (crl, octets, sizeof octets,
                                             (time_t) (this_update - 86400)));
    }
  if (number != 0)
    {
      guint8 n[4] = { number >> 24, number >> 16, number >> 8, number };
      int first = 0;

      while (first < 3 && n[first] == 0 && !(n[first + 1] & 0x80))
        first++;
      CHECK (gnutls_x509_crl_set_number (crl, n + first, 4 - first));
    }
  if (gnutls_x509_crt_get_subject_key_id (ca->crt, id, &id_size, NULL) >= 0)
    CHECK (gnutls_x509_crl_set_authority_key_id (crl, id, id_size));
  CHECK (gnutls_x509_crl_sign2 (crl, ca->crt, ca->key, GNUTLS_DIG_SHA256, 0));
  CHECK (gnutls_x509_crl_export2 (crl, GNUTLS_X509_FMT_DER, &der));
  gnutls_x509_crl_deinit (crl);
  out = g_bytes_new (der.data, der.size);
  gnutls_free (der.data);
  return out;
}
