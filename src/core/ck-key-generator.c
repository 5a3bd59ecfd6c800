/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ck-key-generator.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "ck-error.h"

static const struct {
  CkKeyType   type;
  const char *name;
  const char *display;
} key_types[] = {
  { CK_KEY_TYPE_RSA, "rsa", "RSA" },
  { CK_KEY_TYPE_RSA_PSS, "rsa-pss", "RSA-PSS" },
  { CK_KEY_TYPE_ECDSA, "ecdsa", "ECDSA" },
  { CK_KEY_TYPE_ED25519, "ed25519", "Ed25519" },
  { CK_KEY_TYPE_ED448, "ed448", "Ed448" },
};

/* The curves offered, NIST names first (what people type), then the SEC 2
 * names GnuTLS and certtool print. */
static const struct {
  const char         *nist;
  const char         *sec;
  const char         *openssl;
  gnutls_ecc_curve_t  curve;
} ec_curves[] = {
  { "P-256", "SECP256R1", "prime256v1", GNUTLS_ECC_CURVE_SECP256R1 },
  { "P-384", "SECP384R1", "secp384r1", GNUTLS_ECC_CURVE_SECP384R1 },
  { "P-521", "SECP521R1", "secp521r1", GNUTLS_ECC_CURVE_SECP521R1 },
};

static const guint rsa_sizes[] = { 2048, 3072, 4096, 8192 };

GType
ck_key_type_get_type (void)
{
  static gsize type = 0;

  if (g_once_init_enter (&type))
    {
      static const GEnumValue values[] = {
        { CK_KEY_TYPE_RSA, "CK_KEY_TYPE_RSA", "rsa" },
        { CK_KEY_TYPE_RSA_PSS, "CK_KEY_TYPE_RSA_PSS", "rsa-pss" },
        { CK_KEY_TYPE_ECDSA, "CK_KEY_TYPE_ECDSA", "ecdsa" },
        { CK_KEY_TYPE_ED25519, "CK_KEY_TYPE_ED25519", "ed25519" },
        { CK_KEY_TYPE_ED448, "CK_KEY_TYPE_ED448", "ed448" },
        { 0, NULL, NULL },
      };
      g_once_init_leave (&type, g_enum_register_static ("CkKeyType", values));
    }
  return type;
}

gboolean
ck_key_type_from_string (const char *name,
                         CkKeyType  *type)
{
  for (gsize i = 0; name != NULL && i < G_N_ELEMENTS (key_types); i++)
    if (g_ascii_strcasecmp (name, key_types[i].name) == 0)
      {
        *type = key_types[i].type;
        return TRUE;
      }
  return FALSE;
}

const char *
ck_key_type_to_string (CkKeyType type)
{
  for (gsize i = 0; i < G_N_ELEMENTS (key_types); i++)
    if (key_types[i].type == type)
      return key_types[i].name;
  return NULL;
}

static int
find_curve (const char *name)
{
  if (name == NULL)
    return 0;
  for (gsize i = 0; i < G_N_ELEMENTS (ec_curves); i++)
    if (g_ascii_strcasecmp (name, ec_curves[i].nist) == 0 ||
        g_ascii_strcasecmp (name, ec_curves[i].sec) == 0 ||
        g_ascii_strcasecmp (name, ec_curves[i].openssl) == 0)
      return (int) i;
  return -1;
}

gboolean
ck_key_spec_validate (const CkKeySpec *spec,
                      GError         **error)
{
  g_return_val_if_fail (spec != NULL, FALSE);

  switch (spec->type)
    {
    case CK_KEY_TYPE_RSA:
    case CK_KEY_TYPE_RSA_PSS:
      if (spec->curve != NULL)
        goto no_curve;
      if (spec->bits == 0)
        return TRUE;
      for (gsize i = 0; i < G_N_ELEMENTS (rsa_sizes); i++)
        if (rsa_sizes[i] == spec->bits)
          return TRUE;
      g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                   _("%u bits is not offered for %s keys: choose 2048, 3072, 4096 or 8192"),
                   spec->bits, spec->type == CK_KEY_TYPE_RSA ? "RSA" : "RSA-PSS");
      return FALSE;
    case CK_KEY_TYPE_ECDSA:
      if (spec->bits != 0)
        {
          g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                       _("ECDSA keys take a curve (P-256, P-384 or P-521), not a size in bits"));
          return FALSE;
        }
      if (find_curve (spec->curve) < 0)
        {
          g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                       _("Unknown curve “%s”: choose P-256, P-384 or P-521"), spec->curve);
          return FALSE;
        }
      return TRUE;
    case CK_KEY_TYPE_ED25519:
    case CK_KEY_TYPE_ED448:
      if (spec->bits != 0)
        {
          g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                       _("%s keys have a fixed size: leave the size out"),
                       spec->type == CK_KEY_TYPE_ED25519 ? "Ed25519" : "Ed448");
          return FALSE;
        }
      if (spec->curve != NULL)
        goto no_curve;
      return TRUE;
    default:
      g_set_error (error, CK_ERROR, CK_ERROR_INVALID, _("Unknown key type"));
      return FALSE;
    }

no_curve:
  g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
               _("Only ECDSA keys take a curve"));
  return FALSE;
}

char *
ck_key_spec_describe (const CkKeySpec *spec)
{
  const char *name = "?";
  int curve;

  for (gsize i = 0; i < G_N_ELEMENTS (key_types); i++)
    if (key_types[i].type == spec->type)
      name = key_types[i].display;

  switch (spec->type)
    {
    case CK_KEY_TYPE_RSA:
    case CK_KEY_TYPE_RSA_PSS:
      return g_strdup_printf ("%s %u", name, spec->bits != 0 ? spec->bits : 3072);
    case CK_KEY_TYPE_ECDSA:
      curve = find_curve (spec->curve);
      return g_strdup_printf ("%s %s", name, curve >= 0 ? ec_curves[curve].nist : "?");
    case CK_KEY_TYPE_ED25519:
    case CK_KEY_TYPE_ED448:
    default:
      return g_strdup (name);
    }
}

/* One generation, shared by the thread doing it and the caller waiting for
 * it. Whoever is last drops it: a cancelled caller leaves early and the
 * thread cleans up after itself. */
typedef struct {
  gatomicrefcount ref;
  GMutex mutex;
  GCond cond;
  gboolean done;
  gboolean abandoned;
  CkKeySpec spec;
  char *curve;
  gnutls_x509_privkey_t key;
  int ret;
} Generation;

static void
generation_unref (Generation *gen)
{
  if (!g_atomic_ref_count_dec (&gen->ref))
    return;
  /* Deinit wipes the key material. */
  g_clear_pointer (&gen->key, gnutls_x509_privkey_deinit);
  g_mutex_clear (&gen->mutex);
  g_cond_clear (&gen->cond);
  g_free (gen->curve);
  g_free (gen);
}

static gpointer
generate_thread (gpointer data)
{
  Generation *gen = data;
  gnutls_x509_privkey_t key = NULL;
  gnutls_pk_algorithm_t algo;
  unsigned int bits;
  int ret;

  switch (gen->spec.type)
    {
    case CK_KEY_TYPE_RSA:
    case CK_KEY_TYPE_RSA_PSS:
      algo = gen->spec.type == CK_KEY_TYPE_RSA ? GNUTLS_PK_RSA : GNUTLS_PK_RSA_PSS;
      bits = gen->spec.bits != 0 ? gen->spec.bits : 3072;
      break;
    case CK_KEY_TYPE_ECDSA:
      algo = GNUTLS_PK_ECDSA;
      bits = GNUTLS_CURVE_TO_BITS (ec_curves[MAX (find_curve (gen->curve), 0)].curve);
      break;
    case CK_KEY_TYPE_ED25519:
      algo = GNUTLS_PK_EDDSA_ED25519;
      bits = GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_ED25519);
      break;
    case CK_KEY_TYPE_ED448:
    default:
      algo = GNUTLS_PK_EDDSA_ED448;
      bits = GNUTLS_CURVE_TO_BITS (GNUTLS_ECC_CURVE_ED448);
      break;
    }

  ret = gnutls_x509_privkey_init (&key);
  if (ret >= 0)
    ret = gnutls_x509_privkey_generate2 (key, algo, bits, 0, NULL, 0);
  if (ret < 0)
    g_clear_pointer (&key, gnutls_x509_privkey_deinit);

  g_mutex_lock (&gen->mutex);
  gen->ret = ret;
  gen->key = key;
  gen->done = TRUE;
  g_cond_broadcast (&gen->cond);
  g_mutex_unlock (&gen->mutex);

  generation_unref (gen);
  return NULL;
}

static void
on_cancelled (GCancellable *cancellable,
              gpointer      data)
{
  Generation *gen = data;

  g_mutex_lock (&gen->mutex);
  gen->abandoned = TRUE;
  g_cond_broadcast (&gen->cond);
  g_mutex_unlock (&gen->mutex);
}

CkPrivateKey *
ck_key_generate (const CkKeySpec *spec,
                 GCancellable    *cancellable,
                 GError         **error)
{
  Generation *gen;
  GThread *thread;
  gnutls_x509_privkey_t key = NULL;
  gulong handler = 0;
  int ret;

  g_return_val_if_fail (spec != NULL, NULL);

  if (!ck_key_spec_validate (spec, error))
    return NULL;
  if (g_cancellable_set_error_if_cancelled (cancellable, error))
    return NULL;

  gen = g_new0 (Generation, 1);
  g_atomic_ref_count_init (&gen->ref);
  g_mutex_init (&gen->mutex);
  g_cond_init (&gen->cond);
  gen->spec = *spec;
  gen->curve = g_strdup (spec->curve);
  gen->spec.curve = gen->curve;

  g_atomic_ref_count_inc (&gen->ref);
  thread = g_thread_try_new ("ck-keygen", generate_thread, gen, error);
  if (thread == NULL)
    {
      generation_unref (gen);
      generation_unref (gen);
      return NULL;
    }
  /* Never joined: a cancelled caller does not wait for it. */
  g_thread_unref (thread);

  if (cancellable != NULL)
    handler = g_cancellable_connect (cancellable, G_CALLBACK (on_cancelled), gen, NULL);

  g_mutex_lock (&gen->mutex);
  while (!gen->done && !gen->abandoned)
    g_cond_wait (&gen->cond, &gen->mutex);
  if (gen->done && !gen->abandoned)
    {
      key = g_steal_pointer (&gen->key);
      ret = gen->ret;
    }
  else
    ret = GNUTLS_E_INTERRUPTED;
  g_mutex_unlock (&gen->mutex);

  /* Disconnecting waits for a running handler, which uses @gen. */
  if (handler != 0)
    g_cancellable_disconnect (cancellable, handler);
  generation_unref (gen);

  if (ret == GNUTLS_E_INTERRUPTED)
    {
      g_clear_pointer (&key, gnutls_x509_privkey_deinit);
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED,
                   _("Key generation cancelled"));
      return NULL;
    }
  if (ret < 0)
    {
      g_autofree char *what = ck_key_spec_describe (spec);

      ck_set_gnutls_error (error, ret, _("cannot generate a %s key"), what);
      return NULL;
    }
  return ck_private_key_new_from_x509 (key, error);
}

static void
generate_task (GTask        *task,
               gpointer      source_object,
               gpointer      task_data,
               GCancellable *cancellable)
{
  GError *error = NULL;
  CkPrivateKey *key = ck_key_generate (task_data, cancellable, &error);

  if (key != NULL)
    g_task_return_pointer (task, key, g_object_unref);
  else
    g_task_return_error (task, error);
}

static void
spec_free (gpointer data)
{
  CkKeySpec *spec = data;

  g_free ((char *) spec->curve);
  g_free (spec);
}

void
ck_key_generate_async (const CkKeySpec     *spec,
                       GCancellable        *cancellable,
                       GAsyncReadyCallback  callback,
                       gpointer             user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  CkKeySpec *copy = g_new0 (CkKeySpec, 1);

  *copy = *spec;
  copy->curve = g_strdup (spec->curve);
  g_task_set_source_tag (task, ck_key_generate_async);
  g_task_set_task_data (task, copy, spec_free);
  /* ck_key_generate() answers a cancellation itself, at once. */
  g_task_set_return_on_cancel (task, FALSE);
  g_task_run_in_thread (task, generate_task);
}

CkPrivateKey *
ck_key_generate_finish (GAsyncResult  *result,
                        GError       **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}

gboolean
ck_key_spec_from_certificate (CkCertificate  *certificate,
                              CkKeySpec      *spec,
                              GError        **error)
{
  g_return_val_if_fail (CK_IS_CERTIFICATE (certificate), FALSE);

  spec->bits = 0;
  spec->curve = NULL;
  switch ((int) ck_certificate_get_key_algorithm_id (certificate))
    {
    case GNUTLS_PK_RSA:
      spec->type = CK_KEY_TYPE_RSA;
      spec->bits = ck_certificate_get_key_bits (certificate);
      break;
    case GNUTLS_PK_RSA_PSS:
      spec->type = CK_KEY_TYPE_RSA_PSS;
      spec->bits = ck_certificate_get_key_bits (certificate);
      break;
    case GNUTLS_PK_ECDSA:
      spec->type = CK_KEY_TYPE_ECDSA;
      spec->curve = ck_certificate_get_key_curve (certificate);
      break;
    case GNUTLS_PK_EDDSA_ED25519:
      spec->type = CK_KEY_TYPE_ED25519;
      break;
    case GNUTLS_PK_EDDSA_ED448:
      spec->type = CK_KEY_TYPE_ED448;
      break;
    default:
      g_set_error (error, CK_ERROR, CK_ERROR_UNSUPPORTED,
                   _("Certkeeper cannot generate a %s key like the one of “%s”"),
                   ck_certificate_get_key_algorithm (certificate),
                   ck_certificate_get_display_name (certificate));
      return FALSE;
    }
  return ck_key_spec_validate (spec, error);
}
