/* SPDX-License-Identifier: GPL-3.0-or-later */
#include <glib/gi18n-lib.h>
#include <gnutls/gnutls.h>
#include <gnutls/crypto.h>
#include <gnutls/pkcs11.h>
#include <gnutls/x509.h>
#include <p11-kit/p11-kit.h>
#include <p11-kit/uri.h>
#include <string.h>

#include "ck-error.h"
#include "ck-token.h"
#include "ck-utils.h"

struct _CkToken
{
  GObject parent_instance;

  char *uri;
  char *label;
  char *manufacturer;
  char *model;
  char *serial;
  char *module_name;
  gboolean trusted_module;

  /* Owned by GnuTLS, which keeps its modules loaded for the process. */
  CK_FUNCTION_LIST *module;
  CK_SLOT_ID slot;
  CK_FLAGS flags;
  /* Open while logged in: PKCS#11 login is per application and token, and
   * lasts while the application has a session open on the token. */
  CK_SESSION_HANDLE session;
};

G_DEFINE_FINAL_TYPE (CkToken, ck_token, G_TYPE_OBJECT)

static void
ck_token_finalize (GObject *object)
{
  CkToken *self = CK_TOKEN (object);

  if (self->session != 0)
    self->module->C_CloseSession (self->session);
  g_free (self->uri);
  g_free (self->label);
  g_free (self->manufacturer);
  g_free (self->model);
  g_free (self->serial);
  g_free (self->module_name);
  G_OBJECT_CLASS (ck_token_parent_class)->finalize (object);
}

static void
ck_token_class_init (CkTokenClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = ck_token_finalize;
}

static void
ck_token_init (CkToken *self)
{
}

const char *
ck_token_rv_message (gulong rv)
{
  switch (rv)
    {
    case CKR_DEVICE_REMOVED:
    case CKR_TOKEN_NOT_PRESENT:
    case CKR_SESSION_HANDLE_INVALID:
    case CKR_SESSION_CLOSED:
      return _("the token was removed");
    case CKR_TOKEN_NOT_RECOGNIZED:
      return _("the token is not recognized by its module");
    case CKR_DEVICE_ERROR:
    case CKR_DEVICE_MEMORY:
      return _("the token reported a device error");
    case CKR_PIN_INCORRECT:
      return _("wrong PIN");
    case CKR_PIN_LOCKED:
      return _("the PIN is locked; it must be unlocked with the security officer PIN");
    case CKR_PIN_EXPIRED:
      return _("the PIN has expired and must be changed");
    case CKR_PIN_LEN_RANGE:
      return _("the PIN is too short or too long for this token");
    case CKR_USER_NOT_LOGGED_IN:
      return _("not logged in to the token");
    case CKR_TOKEN_WRITE_PROTECTED:
      return _("the token is write-protected");
    case CKR_MECHANISM_INVALID:
      return _("the token does not support this mechanism");
    case CKR_KEY_SIZE_RANGE:
      return _("the token does not support this key size");
    case CKR_ATTRIBUTE_SENSITIVE:
      return _("the value is sensitive and stays on the token");
    case CKR_FUNCTION_CANCELED:
      return _("the operation was cancelled on the token");
    default:
      return p11_kit_strerror (rv);
    }
}

static CkError
rv_error_code (CK_RV rv)
{
  switch (rv)
    {
    case CKR_PIN_INCORRECT:
      return CK_ERROR_BAD_PASSWORD;
    case CKR_USER_NOT_LOGGED_IN:
      return CK_ERROR_PASSWORD_REQUIRED;
    case CKR_MECHANISM_INVALID:
    case CKR_KEY_SIZE_RANGE:
      return CK_ERROR_UNSUPPORTED;
    default:
      return CK_ERROR_FAILED;
    }
}

static void
set_rv_error (GError    **error,
              CkToken    *self,
              CK_RV       rv,
              const char *doing)
{
  g_set_error (error, CK_ERROR, rv_error_code (rv), _("Token “%s”: %s: %s"),
               self->label, doing, ck_token_rv_message (rv));
}

static char *
padded_string (const CK_UTF8CHAR *text,
               gsize              len)
{
  g_autofree char *copy = g_strndup ((const char *) text, len);

  g_strchomp (copy);
  if (!g_utf8_validate (copy, -1, NULL))
    return g_utf8_make_valid (copy, -1);
  return g_steal_pointer (&copy);
}

/* Strings the GUI may be showing stay valid when a worker thread reads
 * the token again and nothing changed. */
static void
replace_string (char **field,
                char  *value)
{
  if (g_strcmp0 (*field, value) == 0)
    {
      g_free (value);
      return;
    }
  g_free (*field);
  *field = value;
}

gboolean
ck_token_refresh (CkToken  *self,
                  GError  **error)
{
  CK_TOKEN_INFO info;
  CK_RV rv;

  g_return_val_if_fail (CK_IS_TOKEN (self), FALSE);

  rv = self->module->C_GetTokenInfo (self->slot, &info);
  if (rv != CKR_OK)
    {
      CK_SLOT_INFO slot_info;

      /* Modules answer a pulled-out token with anything from
       * CKR_TOKEN_NOT_PRESENT to CKR_GENERAL_ERROR: the slot tells. */
      if (self->module->C_GetSlotInfo (self->slot, &slot_info) != CKR_OK ||
          !(slot_info.flags & CKF_TOKEN_PRESENT))
        rv = CKR_TOKEN_NOT_PRESENT;
      set_rv_error (error, self, rv, _("cannot read the token"));
      return FALSE;
    }
  self->flags = info.flags;
  replace_string (&self->label, padded_string (info.label, sizeof info.label));
  replace_string (&self->manufacturer, padded_string (info.manufacturerID, sizeof info.manufacturerID));
  replace_string (&self->model, padded_string (info.model, sizeof info.model));
  replace_string (&self->serial, padded_string (info.serialNumber, sizeof info.serialNumber));
  return TRUE;
}

static CkToken *
token_new (const char  *url,
           GError     **error)
{
  g_autoptr(CkToken) self = g_object_new (CK_TYPE_TOKEN, NULL);
  void *ptr = NULL;
  unsigned long slot = 0;
  unsigned int gflags = 0;
  char *name;
  int ret;

  ret = gnutls_pkcs11_token_get_ptr (url, &ptr, &slot, 0);
  if (ret < 0)
    {
      ck_set_gnutls_error (error, ret, _("%s: cannot open the token"), url);
      return NULL;
    }
  self->uri = g_strdup (url);
  self->module = ptr;
  self->slot = slot;
  self->label = g_strdup (url);
  if (gnutls_pkcs11_token_get_flags (url, &gflags) == 0)
    self->trusted_module = (gflags & GNUTLS_PKCS11_TOKEN_TRUSTED) != 0;
  name = p11_kit_module_get_name (self->module);
  self->module_name = name ? g_strdup (name) : NULL;
  free (name);
  if (!ck_token_refresh (self, error))
    return NULL;
  return g_steal_pointer (&self);
}

GPtrArray *
ck_token_list_all (GError **error)
{
  g_autoptr(GPtrArray) tokens = g_ptr_array_new_with_free_func (g_object_unref);

  for (unsigned int seq = 0;; seq++)
    {
      g_autoptr(GError) local_error = NULL;
      char *url = NULL;
      CkToken *token;
      int ret;

      ret = gnutls_pkcs11_token_get_url (seq, GNUTLS_PKCS11_URL_GENERIC, &url);
      if (ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
        break;
      if (ret < 0)
        {
          ck_set_gnutls_error (error, ret, "%s", _("Cannot list the PKCS#11 tokens"));
          return NULL;
        }
      /* A token pulled out while listing is simply not listed. */
      token = token_new (url, &local_error);
      if (token != NULL)
        g_ptr_array_add (tokens, token);
      else
        g_debug ("%s", local_error->message);
      gnutls_free (url);
    }
  return g_steal_pointer (&tokens);
}

CkToken *
ck_token_lookup (const char *uri,
                 GError    **error)
{
  g_autoptr(GPtrArray) tokens = NULL;
  P11KitUri *parsed;
  int ret;

  g_return_val_if_fail (uri != NULL, NULL);

  parsed = p11_kit_uri_new ();
  /* FOR_ANY: parsed for the token alone, the object attributes of a key's
   * URI would count as unrecognised, and nothing would match. */
  ret = p11_kit_uri_parse (uri, P11_KIT_URI_FOR_ANY, parsed);
  if (ret != P11_KIT_URI_OK)
    {
      p11_kit_uri_free (parsed);
      g_set_error (error, CK_ERROR, CK_ERROR_INVALID, _("%s: not a PKCS#11 token URI: %s"),
                   uri, p11_kit_uri_message (ret));
      return NULL;
    }
  tokens = ck_token_list_all (error);
  for (guint i = 0; tokens != NULL && i < tokens->len; i++)
    {
      CkToken *token = tokens->pdata[i];
      CK_TOKEN_INFO info;

      if (token->module->C_GetTokenInfo (token->slot, &info) == CKR_OK &&
          p11_kit_uri_match_token_info (parsed, &info))
        {
          p11_kit_uri_free (parsed);
          return g_object_ref (token);
        }
    }
  p11_kit_uri_free (parsed);
  if (tokens != NULL)
    g_set_error (error, CK_ERROR, CK_ERROR_NOT_FOUND,
                 _("%s: no such token (is it plugged in, and is its module registered with p11-kit?)"),
                 uri);
  return NULL;
}

const char *
ck_token_get_uri (CkToken *self)
{
  g_return_val_if_fail (CK_IS_TOKEN (self), NULL);
  return self->uri;
}

const char *
ck_token_get_label (CkToken *self)
{
  g_return_val_if_fail (CK_IS_TOKEN (self), NULL);
  return self->label;
}

const char *
ck_token_get_manufacturer (CkToken *self)
{
  g_return_val_if_fail (CK_IS_TOKEN (self), NULL);
  return self->manufacturer;
}

const char *
ck_token_get_model (CkToken *self)
{
  g_return_val_if_fail (CK_IS_TOKEN (self), NULL);
  return self->model;
}

const char *
ck_token_get_serial (CkToken *self)
{
  g_return_val_if_fail (CK_IS_TOKEN (self), NULL);
  return self->serial;
}

const char *
ck_token_get_module_name (CkToken *self)
{
  g_return_val_if_fail (CK_IS_TOKEN (self), NULL);
  return self->module_name;
}

gulong
ck_token_get_flags (CkToken *self)
{
  g_return_val_if_fail (CK_IS_TOKEN (self), 0);
  return self->flags;
}

gboolean
ck_token_is_initialized (CkToken *self)
{
  g_return_val_if_fail (CK_IS_TOKEN (self), FALSE);
  return (self->flags & CKF_TOKEN_INITIALIZED) != 0;
}

gboolean
ck_token_needs_login (CkToken *self)
{
  g_return_val_if_fail (CK_IS_TOKEN (self), FALSE);
  return (self->flags & CKF_LOGIN_REQUIRED) != 0;
}

gboolean
ck_token_has_protected_path (CkToken *self)
{
  g_return_val_if_fail (CK_IS_TOKEN (self), FALSE);
  return (self->flags & CKF_PROTECTED_AUTHENTICATION_PATH) != 0;
}

gboolean
ck_token_is_system_trust (CkToken *self)
{
  g_return_val_if_fail (CK_IS_TOKEN (self), FALSE);
  return self->trusted_module || g_strcmp0 (self->module_name, "p11-kit-trust") == 0;
}

gboolean
ck_token_is_read_only (CkToken *self)
{
  g_return_val_if_fail (CK_IS_TOKEN (self), FALSE);
  /* The trust module can be writable, but anchors are changed through
   * Certkeeper's trust decisions, never by writing into it. */
  return (self->flags & CKF_WRITE_PROTECTED) != 0 || ck_token_is_system_trust (self);
}

CkPinFlags
ck_token_get_pin_flags (CkToken *self)
{
  CkPinFlags flags = CK_PIN_FLAGS_NONE;

  g_return_val_if_fail (CK_IS_TOKEN (self), CK_PIN_FLAGS_NONE);
  if (self->flags & CKF_USER_PIN_COUNT_LOW)
    flags |= CK_PIN_FLAGS_COUNT_LOW;
  if (self->flags & CKF_USER_PIN_FINAL_TRY)
    flags |= CK_PIN_FLAGS_FINAL_TRY;
  if (self->flags & CKF_USER_PIN_LOCKED)
    flags |= CK_PIN_FLAGS_LOCKED;
  return flags;
}

const char *
ck_pin_flags_get_advice (CkPinFlags flags)
{
  if (flags & CK_PIN_FLAGS_LOCKED)
    return _("Locked: the token no longer accepts the user PIN after too many wrong ones. "
             "It must be unlocked with the security officer (SO) PIN, using the token’s own "
             "tools or “p11tool --initialize-pin”.");
  if (flags & CK_PIN_FLAGS_FINAL_TRY)
    return _("Final try: a wrong PIN locks the token.");
  if (flags & CK_PIN_FLAGS_COUNT_LOW)
    return _("PIN count low: the token reports that a wrong PIN was entered and few tries are left.");
  return NULL;
}

const char *
ck_token_get_pin_warning (CkToken *self)
{
  CkPinFlags flags = ck_token_get_pin_flags (self);

  if (flags & CK_PIN_FLAGS_LOCKED)
    return _("PIN locked");
  if (flags & CK_PIN_FLAGS_FINAL_TRY)
    return _("final PIN try");
  if (flags & CK_PIN_FLAGS_COUNT_LOW)
    return _("PIN count low");
  return NULL;
}

char *
ck_token_describe_state (CkToken *self)
{
  g_autoptr(GPtrArray) parts = g_ptr_array_new ();

  g_return_val_if_fail (CK_IS_TOKEN (self), NULL);
  g_ptr_array_add (parts, ck_token_is_initialized (self) ? _("initialized") : _("not initialized"));
  if (ck_token_needs_login (self))
    g_ptr_array_add (parts, _("login required"));
  if (ck_token_has_protected_path (self))
    g_ptr_array_add (parts, _("PIN pad"));
  if (ck_token_is_read_only (self))
    g_ptr_array_add (parts, _("read-only"));
  if (ck_token_get_pin_warning (self) != NULL)
    g_ptr_array_add (parts, (char *) ck_token_get_pin_warning (self));
  if (self->session != 0)
    g_ptr_array_add (parts, _("logged in"));
  g_ptr_array_add (parts, NULL);
  return g_strjoinv (", ", (char **) parts->pdata);
}

static CK_RV
open_session (CkToken           *self,
              CK_SESSION_HANDLE *session)
{
  CK_FLAGS flags = CKF_SERIAL_SESSION;

  if (!(self->flags & CKF_WRITE_PROTECTED))
    flags |= CKF_RW_SESSION;
  return self->module->C_OpenSession (self->slot, flags, NULL, NULL, session);
}

gboolean
ck_token_login (CkToken    *self,
                const char *pin,
                GError    **error)
{
  CK_SESSION_HANDLE session = 0;
  CK_RV rv;

  g_return_val_if_fail (CK_IS_TOKEN (self), FALSE);

  if (!ck_token_refresh (self, error))
    return FALSE;
  if (ck_token_get_pin_flags (self) & CK_PIN_FLAGS_LOCKED)
    {
      set_rv_error (error, self, CKR_PIN_LOCKED, _("cannot log in"));
      return FALSE;
    }
  if (pin == NULL && !ck_token_has_protected_path (self) && ck_token_needs_login (self))
    {
      g_set_error (error, CK_ERROR, CK_ERROR_PASSWORD_REQUIRED,
                   _("Token “%s”: a PIN is needed to log in"), self->label);
      return FALSE;
    }

  if (self->session == 0)
    {
      rv = open_session (self, &session);
      if (rv != CKR_OK)
        {
          set_rv_error (error, self, rv, _("cannot open a session"));
          return FALSE;
        }
      self->session = session;
    }
  if (!ck_token_needs_login (self))
    return TRUE;

  /* A protected authentication path takes the PIN on the device. */
  rv = self->module->C_Login (self->session, CKU_USER,
                              (CK_UTF8CHAR_PTR) (pin && !ck_token_has_protected_path (self) ? pin : NULL),
                              pin && !ck_token_has_protected_path (self) ? strlen (pin) : 0);
  if (rv == CKR_OK || rv == CKR_USER_ALREADY_LOGGED_IN)
    return TRUE;

  self->module->C_CloseSession (self->session);
  self->session = 0;
  ck_token_refresh (self, NULL);
  if (rv == CKR_PIN_INCORRECT)
    {
      const char *tries;

      CkPinFlags pin_flags = ck_token_get_pin_flags (self);

      if (pin_flags & CK_PIN_FLAGS_LOCKED)
        tries = _("the PIN is now locked; unlock it with the security officer PIN");
      else if (pin_flags & CK_PIN_FLAGS_FINAL_TRY)
        tries = _("the token says the next wrong PIN locks it");
      else if (pin_flags & CK_PIN_FLAGS_COUNT_LOW)
        tries = _("the token says few tries are left");
      else
        tries = _("the token does not say how many tries are left");
      g_set_error (error, CK_ERROR, CK_ERROR_BAD_PASSWORD,
                   _("Token “%s”: wrong PIN; %s"), self->label, tries);
      return FALSE;
    }
  set_rv_error (error, self, rv, _("cannot log in"));
  return FALSE;
}

void
ck_token_logout (CkToken *self)
{
  g_return_if_fail (CK_IS_TOKEN (self));
  if (self->session == 0)
    return;
  self->module->C_Logout (self->session);
  self->module->C_CloseSession (self->session);
  self->session = 0;
}

gboolean
ck_token_is_logged_in (CkToken *self)
{
  CK_SESSION_INFO info;
  CK_SESSION_HANDLE session = 0;

  g_return_val_if_fail (CK_IS_TOKEN (self), FALSE);
  if (self->session != 0)
    return self->module->C_GetSessionInfo (self->session, &info) == CKR_OK &&
           (info.state == CKS_RO_USER_FUNCTIONS || info.state == CKS_RW_USER_FUNCTIONS);

  /* A login is the application's, not one CkToken's: another CkToken of
   * the same token may have logged in. Then this one keeps a session too,
   * so that the login lasts while it is used. */
  if (open_session (self, &session) != CKR_OK)
    return FALSE;
  if (self->module->C_GetSessionInfo (session, &info) == CKR_OK &&
      (info.state == CKS_RO_USER_FUNCTIONS || info.state == CKS_RW_USER_FUNCTIONS))
    {
      self->session = session;
      return TRUE;
    }
  self->module->C_CloseSession (session);
  return FALSE;
}

void
ck_token_object_free (CkTokenObject *object)
{
  if (object == NULL)
    return;
  g_free (object->uri);
  g_free (object->label);
  g_free (object->id_hex);
  g_free (object->kind);
  g_free (object);
}

static char *
obj_info (gnutls_pkcs11_obj_t           obj,
          gnutls_pkcs11_obj_info_t      what)
{
  char buf[1024];
  size_t size = sizeof buf;

  if (gnutls_pkcs11_obj_get_info (obj, what, buf, &size) < 0)
    return g_strdup ("");
  return g_strndup (buf, MIN (size, sizeof buf - 1));
}

GPtrArray *
ck_token_list_objects (CkToken  *self,
                       GError  **error)
{
  g_autoptr(GPtrArray) objects = g_ptr_array_new_with_free_func ((GDestroyNotify) ck_token_object_free);
  gnutls_pkcs11_obj_t *list = NULL;
  unsigned int n_list = 0;
  int ret;

  g_return_val_if_fail (CK_IS_TOKEN (self), NULL);

  ret = gnutls_pkcs11_obj_list_import_url4 (&list, &n_list, self->uri, 0);
  if (ret < 0)
    {
      ck_set_gnutls_error (error, ret, _("Token “%s”: cannot list the objects"), self->label);
      return NULL;
    }
  for (unsigned int i = 0; i < n_list; i++)
    {
      CkTokenObject *object = g_new0 (CkTokenObject, 1);
      char *uri = NULL;

      switch (gnutls_pkcs11_obj_get_type (list[i]))
        {
        case GNUTLS_PKCS11_OBJ_X509_CRT: object->kind = g_strdup ("certificate"); break;
        case GNUTLS_PKCS11_OBJ_PUBKEY: object->kind = g_strdup ("public-key"); break;
        case GNUTLS_PKCS11_OBJ_PRIVKEY: object->kind = g_strdup ("private-key"); break;
        case GNUTLS_PKCS11_OBJ_SECRET_KEY: object->kind = g_strdup ("secret-key"); break;
        default: object->kind = g_strdup ("data"); break;
        }
      object->label = obj_info (list[i], GNUTLS_PKCS11_OBJ_LABEL);
      object->id_hex = obj_info (list[i], GNUTLS_PKCS11_OBJ_ID_HEX);
      /* GnuTLS writes "01:ab:…"; plain hex matches the rest of Certkeeper. */
      {
        g_autofree char *normal = ck_hex_normalize (object->id_hex);

        if (normal != NULL)
          {
            g_free (object->id_hex);
            object->id_hex = g_steal_pointer (&normal);
          }
      }
      if (gnutls_pkcs11_obj_export_url (list[i], GNUTLS_PKCS11_URL_GENERIC, &uri) == 0)
        {
          object->uri = g_strdup (uri);
          gnutls_free (uri);
        }
      g_ptr_array_add (objects, object);
      gnutls_pkcs11_obj_deinit (list[i]);
    }
  gnutls_free (list);
  return g_steal_pointer (&objects);
}

static gboolean
delete_url (CkToken     *self,
            const char  *uri,
            const char  *label,
            GError     **error)
{
  int ret = gnutls_pkcs11_delete_url (uri, GNUTLS_PKCS11_OBJ_FLAG_LOGIN);

  if (ret == 0 || ret == GNUTLS_E_REQUESTED_DATA_NOT_AVAILABLE)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_NOT_FOUND,
                   _("Token “%s”: “%s” is no longer on the token"), self->label, label);
      return FALSE;
    }
  if (ret < 0)
    {
      ck_set_gnutls_error (error, ret, _("Token “%s”: cannot delete “%s”"), self->label, label);
      return FALSE;
    }
  return TRUE;
}

gboolean
ck_token_delete_object (CkToken             *self,
                        const CkTokenObject *object,
                        GError             **error)
{
  g_autoptr(GPtrArray) objects = NULL;
  const char *label;

  g_return_val_if_fail (CK_IS_TOKEN (self), FALSE);
  g_return_val_if_fail (object != NULL, FALSE);

  label = object->label != NULL && object->label[0] != '\0' ? object->label : object->id_hex;
  if (object->uri == NULL)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                   _("Token “%s”: “%s” has no PKCS#11 URI to delete it by"), self->label, label);
      return FALSE;
    }
  if (!ck_token_refresh (self, error))
    return FALSE;
  if (ck_token_is_read_only (self))
    {
      set_rv_error (error, self, CKR_TOKEN_WRITE_PROTECTED, _("cannot delete"));
      return FALSE;
    }

  /* The public half, found before the private one goes. */
  if (g_strcmp0 (object->kind, "private-key") == 0 && object->id_hex[0] != '\0')
    objects = ck_token_list_objects (self, error);
  if (g_strcmp0 (object->kind, "private-key") == 0 && object->id_hex[0] != '\0' && objects == NULL)
    return FALSE;

  if (!delete_url (self, object->uri, label, error))
    return FALSE;
  for (guint i = 0; objects != NULL && i < objects->len; i++)
    {
      CkTokenObject *other = objects->pdata[i];

      if (g_str_equal (other->kind, "public-key") && other->uri != NULL &&
          g_str_equal (other->id_hex, object->id_hex) &&
          !delete_url (self, other->uri, label, error))
        return FALSE;
    }
  return TRUE;
}

/* P-256 and P-384: what every token that does ECDSA supports. */
static gboolean
token_curve (const char             *name,
             gnutls_ecc_curve_t     *curve)
{
  if (name == NULL || g_ascii_strcasecmp (name, "P-256") == 0 ||
      g_ascii_strcasecmp (name, "SECP256R1") == 0 || g_ascii_strcasecmp (name, "prime256v1") == 0)
    *curve = GNUTLS_ECC_CURVE_SECP256R1;
  else if (g_ascii_strcasecmp (name, "P-384") == 0 || g_ascii_strcasecmp (name, "SECP384R1") == 0)
    *curve = GNUTLS_ECC_CURVE_SECP384R1;
  else
    return FALSE;
  return TRUE;
}

static gboolean
check_mechanism (CkToken          *self,
                 CK_MECHANISM_TYPE mechanism,
                 guint             bits,
                 const char       *what,
                 GError          **error)
{
  CK_MECHANISM_INFO info;
  CK_RV rv;

  rv = self->module->C_GetMechanismInfo (self->slot, mechanism, &info);
  if (rv == CKR_MECHANISM_INVALID || (rv == CKR_OK && !(info.flags & CKF_GENERATE_KEY_PAIR)))
    {
      g_set_error (error, CK_ERROR, CK_ERROR_UNSUPPORTED,
                   _("Token “%s” cannot generate %s keys"), self->label, what);
      return FALSE;
    }
  if (rv != CKR_OK)
    {
      set_rv_error (error, self, rv, _("cannot read the mechanism information"));
      return FALSE;
    }
  /* Some EC tokens give the sizes in bytes; 0 means "no limit said". */
  if (mechanism == CKM_EC_KEY_PAIR_GEN && info.ulMaxKeySize > 0 && info.ulMaxKeySize < 128)
    bits = (bits + 7) / 8;
  if ((info.ulMinKeySize > 0 && bits < info.ulMinKeySize) ||
      (info.ulMaxKeySize > 0 && bits > info.ulMaxKeySize))
    {
      g_set_error (error, CK_ERROR, CK_ERROR_UNSUPPORTED,
                   _("Token “%s” generates %s keys of %lu to %lu bits only"),
                   self->label, what, (gulong) info.ulMinKeySize, (gulong) info.ulMaxKeySize);
      return FALSE;
    }
  return TRUE;
}

static char *
object_uri (CkToken           *self,
            CK_OBJECT_CLASS    klass,
            const char        *label,
            GBytes            *id)
{
  P11KitUri *uri = p11_kit_uri_new ();
  CK_ATTRIBUTE attrs[3] = {
    { CKA_CLASS, &klass, sizeof klass },
    { CKA_LABEL, (void *) label, strlen (label) },
    { CKA_ID, (void *) g_bytes_get_data (id, NULL), g_bytes_get_size (id) },
  };
  char *text = NULL;
  char *result = NULL;

  if (p11_kit_uri_parse (self->uri, P11_KIT_URI_FOR_TOKEN, uri) == P11_KIT_URI_OK)
    {
      for (guint i = 0; i < G_N_ELEMENTS (attrs); i++)
        p11_kit_uri_set_attribute (uri, &attrs[i]);
      if (p11_kit_uri_format (uri, P11_KIT_URI_FOR_OBJECT_ON_TOKEN, &text) == P11_KIT_URI_OK)
        result = g_strdup (text);
      free (text);
    }
  p11_kit_uri_free (uri);
  return result;
}

/* Some GnuTLS releases create RSA keys with CKA_DECRYPT (and the public
 * half with CKA_ENCRYPT) on; a signing key has no business decrypting, so
 * the attribute is read back and switched off when needed. */
static gboolean
set_usage (CkToken         *self,
           CK_OBJECT_CLASS  klass,
           CK_ATTRIBUTE_TYPE type,
           GBytes          *id,
           CK_BBOOL         value,
           GError         **error)
{
  CK_ATTRIBUTE find[2] = {
    { CKA_CLASS, &klass, sizeof klass },
    { CKA_ID, (void *) g_bytes_get_data (id, NULL), g_bytes_get_size (id) },
  };
  CK_ATTRIBUTE attr = { type, &value, sizeof value };
  CK_BBOOL current = CK_FALSE;
  CK_ATTRIBUTE get = { type, &current, sizeof current };
  CK_OBJECT_HANDLE handle;
  CK_ULONG n = 0;
  CK_RV rv;

  rv = self->module->C_FindObjectsInit (self->session, find, G_N_ELEMENTS (find));
  if (rv == CKR_OK)
    {
      rv = self->module->C_FindObjects (self->session, &handle, 1, &n);
      self->module->C_FindObjectsFinal (self->session);
    }
  if (rv == CKR_OK && n == 0)
    rv = CKR_OBJECT_HANDLE_INVALID;
  if (rv == CKR_OK && self->module->C_GetAttributeValue (self->session, handle, &get, 1) == CKR_OK &&
      current == value)
    return TRUE;
  if (rv == CKR_OK)
    rv = self->module->C_SetAttributeValue (self->session, handle, &attr, 1);
  if (rv != CKR_OK)
    {
      set_rv_error (error, self, rv, _("cannot set the key's usage"));
      return FALSE;
    }
  return TRUE;
}

static GBytes *
object_id (GBytes *given)
{
  guint8 random_id[16];

  if (given != NULL && g_bytes_get_size (given) > 0)
    return g_bytes_ref (given);
  gnutls_rnd (GNUTLS_RND_NONCE, random_id, sizeof random_id);
  return g_bytes_new (random_id, sizeof random_id);
}

/* Usage attributes put right, then the key opened by its URI. */
static CkPrivateKey *
finish_new_key (CkToken     *self,
                const char  *label,
                GBytes      *id,
                gboolean     has_public_object,
                gboolean     decrypt,
                GError     **error)
{
  g_autofree char *key_uri = NULL;

  if (self->session == 0 && !ck_token_login (self, NULL, NULL))
    {
      CK_SESSION_HANDLE session;

      if (open_session (self, &session) == CKR_OK)
        self->session = session;
    }
  if (self->session != 0)
    {
      if (!set_usage (self, CKO_PRIVATE_KEY, CKA_DECRYPT, id, decrypt ? CK_TRUE : CK_FALSE, error))
        return NULL;
      /* GnuTLS marks copied keys for unwrapping too: another way to
       * decrypt with them. */
      if (!set_usage (self, CKO_PRIVATE_KEY, CKA_UNWRAP, id, decrypt ? CK_TRUE : CK_FALSE, error))
        return NULL;
      if (has_public_object &&
          !set_usage (self, CKO_PUBLIC_KEY, CKA_ENCRYPT, id, decrypt ? CK_TRUE : CK_FALSE, error))
        return NULL;
    }

  key_uri = object_uri (self, CKO_PRIVATE_KEY, label, id);
  if (key_uri == NULL)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_FAILED,
                   _("Token “%s”: cannot name the new key"), self->label);
      return NULL;
    }
  return ck_private_key_new_from_pkcs11_uri (key_uri, error);
}

CkPrivateKey *
ck_token_generate_key (CkToken              *self,
                       const CkTokenKeySpec *spec,
                       GError              **error)
{
  g_autoptr(GBytes) id = NULL;
  gnutls_pk_algorithm_t pk;
  gnutls_ecc_curve_t curve = GNUTLS_ECC_CURVE_INVALID;
  gnutls_datum_t cid;
  unsigned int bits;
  unsigned int flags;
  int ret;

  g_return_val_if_fail (CK_IS_TOKEN (self), NULL);
  g_return_val_if_fail (spec != NULL, NULL);

  if (spec->label == NULL || *spec->label == '\0')
    {
      g_set_error_literal (error, CK_ERROR, CK_ERROR_INVALID, _("A key on a token needs a label"));
      return NULL;
    }
  if (ck_token_is_read_only (self))
    {
      set_rv_error (error, self, CKR_TOKEN_WRITE_PROTECTED, _("cannot generate a key"));
      return NULL;
    }
  /* GnuTLS 3.7.9 creates the key with CKA_EXTRACTABLE false whatever its
   * MARK_EXTRACTABLE flag says (checked against SoftHSM), and PKCS#11 never
   * lets it turn true later: refuse rather than make a key other than the
   * one asked for. */
  if (spec->extractable)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_UNSUPPORTED,
                   _("Token “%s”: this GnuTLS cannot generate extractable keys on a token"),
                   self->label);
      return NULL;
    }
  switch (spec->spec.type)
    {
    case CK_KEY_TYPE_RSA:
      bits = spec->spec.bits ? spec->spec.bits : 3072;
      if (bits != 2048 && bits != 3072 && bits != 4096)
        {
          g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                       _("RSA keys on a token are 2048, 3072 or 4096 bits, not %u"), bits);
          return NULL;
        }
      if (!check_mechanism (self, CKM_RSA_PKCS_KEY_PAIR_GEN, bits, "RSA", error))
        return NULL;
      pk = GNUTLS_PK_RSA;
      break;
    case CK_KEY_TYPE_ECDSA:
      if (!token_curve (spec->spec.curve, &curve))
        {
          g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                       _("ECDSA keys on a token use P-256 or P-384, not %s"), spec->spec.curve);
          return NULL;
        }
      if (!check_mechanism (self, CKM_EC_KEY_PAIR_GEN, gnutls_ecc_curve_get_size (curve) * 8,
                            "ECDSA", error))
        return NULL;
      pk = GNUTLS_PK_ECDSA;
      bits = GNUTLS_CURVE_TO_BITS (curve);
      break;
    default:
      g_set_error (error, CK_ERROR, CK_ERROR_UNSUPPORTED,
                   _("Keys on a token are RSA or ECDSA; %s keys are not generated there"),
                   ck_key_type_to_string (spec->spec.type));
      return NULL;
    }

  id = object_id (spec->id);

  /* Logged in through ck_token_login() GnuTLS finds the session logged in
   * and asks for no PIN; otherwise its PIN callback is asked once. */
  flags = GNUTLS_PKCS11_OBJ_FLAG_LOGIN | GNUTLS_PKCS11_OBJ_FLAG_MARK_PRIVATE |
          GNUTLS_PKCS11_OBJ_FLAG_MARK_SENSITIVE;
  cid.data = (unsigned char *) g_bytes_get_data (id, NULL);
  cid.size = g_bytes_get_size (id);
  ret = gnutls_pkcs11_privkey_generate3 (self->uri, pk, bits, spec->label, &cid,
                                         0, NULL, 0, flags);
  if (ret < 0)
    {
      ck_set_gnutls_error (error, ret, _("Token “%s”: cannot generate the key"), self->label);
      return NULL;
    }

  return finish_new_key (self, spec->label, id, pk == GNUTLS_PK_RSA, spec->decrypt, error);
}

GBytes *
ck_token_id_from_hex (const char  *text,
                      GError     **error)
{
  g_autofree char *hex = NULL;
  gsize len;
  guint8 *bytes;

  if (text == NULL || *text == '\0')
    return NULL;
  hex = ck_hex_normalize (text);
  len = hex != NULL ? strlen (hex) : 0;
  if (len == 0 || len % 2 != 0)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                   _("A token object ID is hex digits in pairs, not “%s”"), text);
      return NULL;
    }
  bytes = g_malloc (len / 2);
  for (gsize i = 0; i < len / 2; i++)
    bytes[i] = (guint8) (g_ascii_xdigit_value (hex[2 * i]) << 4 | g_ascii_xdigit_value (hex[2 * i + 1]));
  return g_bytes_new_take (bytes, len / 2);
}

CkTokenObject *
ck_token_object_new_for_key (CkPrivateKey  *key,
                             GError       **error)
{
  g_autoptr(CkTokenObject) object = g_new0 (CkTokenObject, 1);
  const char *key_uri;
  P11KitUri *uri;
  CK_ATTRIBUTE *attr;

  g_return_val_if_fail (CK_IS_PRIVATE_KEY (key), NULL);

  key_uri = ck_private_key_get_pkcs11_uri (key);
  uri = p11_kit_uri_new ();
  if (key_uri == NULL ||
      p11_kit_uri_parse (key_uri, P11_KIT_URI_FOR_OBJECT, uri) != P11_KIT_URI_OK ||
      (attr = p11_kit_uri_get_attribute (uri, CKA_ID)) == NULL || attr->ulValueLen == 0)
    {
      p11_kit_uri_free (uri);
      g_set_error_literal (error, CK_ERROR, CK_ERROR_INVALID,
                           _("The key is not a token key with a CKA_ID to find it by"));
      return NULL;
    }
  object->uri = g_strdup (key_uri);
  object->kind = g_strdup ("private-key");
  object->id_hex = ck_hex_encode (attr->pValue, attr->ulValueLen);
  attr = p11_kit_uri_get_attribute (uri, CKA_LABEL);
  if (attr != NULL && attr->pValue != NULL)
    object->label = g_strndup (attr->pValue, attr->ulValueLen);
  p11_kit_uri_free (uri);
  return g_steal_pointer (&object);
}

CkPrivateKey *
ck_token_import_key (CkToken       *self,
                     CkPrivateKey  *key,
                     const char    *label,
                     GBytes        *id_in,
                     GError       **error)
{
  g_autoptr(GBytes) id = NULL;
  gnutls_x509_privkey_t x509 = NULL;
  gnutls_pubkey_t pubkey;
  gnutls_datum_t cid;
  int ret;

  g_return_val_if_fail (CK_IS_TOKEN (self), NULL);
  g_return_val_if_fail (CK_IS_PRIVATE_KEY (key), NULL);

  if (label == NULL || *label == '\0')
    {
      g_set_error_literal (error, CK_ERROR, CK_ERROR_INVALID, _("A key on a token needs a label"));
      return NULL;
    }
  if (ck_private_key_is_on_token (key))
    {
      g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                   _("Token “%s”: the key is already on a token"), self->label);
      return NULL;
    }
  if (ck_token_is_read_only (self))
    {
      set_rv_error (error, self, CKR_TOKEN_WRITE_PROTECTED, _("cannot write the key"));
      return NULL;
    }
  ret = gnutls_privkey_export_x509 (ck_private_key_get_privkey (key), &x509);
  if (ret < 0)
    {
      ck_set_gnutls_error (error, ret, _("Token “%s”: cannot read the key to copy"), self->label);
      return NULL;
    }
  id = object_id (id_in);
  cid.data = (unsigned char *) g_bytes_get_data (id, NULL);
  cid.size = g_bytes_get_size (id);
  ret = gnutls_pkcs11_copy_x509_privkey2 (self->uri, x509, label, &cid, GNUTLS_KEY_DIGITAL_SIGNATURE,
                                          GNUTLS_PKCS11_OBJ_FLAG_LOGIN |
                                          GNUTLS_PKCS11_OBJ_FLAG_MARK_PRIVATE |
                                          GNUTLS_PKCS11_OBJ_FLAG_MARK_SENSITIVE);
  gnutls_x509_privkey_deinit (x509);
  if (ret < 0)
    {
      ck_set_gnutls_error (error, ret, _("Token “%s”: cannot write the key"), self->label);
      return NULL;
    }
  /* An EC private key object has no CKA_EC_POINT: without a public key
   * object beside it (same ID and label) neither GnuTLS nor p11tool can
   * read the public half, and the key cannot sign a request. */
  pubkey = ck_private_key_dup_pubkey (key, error);
  if (pubkey == NULL)
    return NULL;
  ret = gnutls_pkcs11_copy_pubkey (self->uri, pubkey, label, &cid, GNUTLS_KEY_DIGITAL_SIGNATURE,
                                   GNUTLS_PKCS11_OBJ_FLAG_LOGIN);
  gnutls_pubkey_deinit (pubkey);
  if (ret < 0)
    {
      ck_set_gnutls_error (error, ret, _("Token “%s”: cannot write the public key"), self->label);
      return NULL;
    }
  return finish_new_key (self, label, id, TRUE, FALSE, error);
}

gboolean
ck_token_import_certificate (CkToken       *self,
                             CkCertificate *certificate,
                             CkPrivateKey  *key,
                             GError       **error)
{
  P11KitUri *uri;
  CK_ATTRIBUTE *label_attr;
  CK_ATTRIBUTE *id_attr;
  g_autofree char *label = NULL;
  gnutls_datum_t id = { NULL, 0 };
  g_autofree guint8 *id_data = NULL;
  const char *key_uri;
  int ret;

  g_return_val_if_fail (CK_IS_TOKEN (self), FALSE);
  g_return_val_if_fail (CK_IS_CERTIFICATE (certificate), FALSE);
  g_return_val_if_fail (CK_IS_PRIVATE_KEY (key), FALSE);

  key_uri = ck_private_key_get_pkcs11_uri (key);
  if (key_uri == NULL)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                   _("Token “%s”: the key is not on a token"), self->label);
      return FALSE;
    }
  if (g_strcmp0 (ck_certificate_get_spki_sha256 (certificate),
                 ck_private_key_get_spki_sha256 (key)) != 0)
    {
      g_set_error (error, CK_ERROR, CK_ERROR_MISMATCH,
                   _("Token “%s”: the certificate does not belong to the key %s"),
                   self->label, key_uri);
      return FALSE;
    }
  if (ck_token_is_read_only (self))
    {
      set_rv_error (error, self, CKR_TOKEN_WRITE_PROTECTED, _("cannot write the certificate"));
      return FALSE;
    }

  uri = p11_kit_uri_new ();
  if (p11_kit_uri_parse (key_uri, P11_KIT_URI_FOR_OBJECT_ON_TOKEN, uri) == P11_KIT_URI_OK)
    {
      label_attr = p11_kit_uri_get_attribute (uri, CKA_LABEL);
      id_attr = p11_kit_uri_get_attribute (uri, CKA_ID);
      if (label_attr != NULL)
        label = g_strndup (label_attr->pValue, label_attr->ulValueLen);
      if (id_attr != NULL)
        {
          id_data = g_memdup2 (id_attr->pValue, id_attr->ulValueLen);
          id.data = id_data;
          id.size = id_attr->ulValueLen;
        }
    }
  p11_kit_uri_free (uri);

  ret = gnutls_pkcs11_copy_x509_crt2 (self->uri, ck_certificate_get_crt (certificate),
                                      label, id.data ? &id : NULL,
                                      GNUTLS_PKCS11_OBJ_FLAG_LOGIN);
  if (ret < 0)
    {
      ck_set_gnutls_error (error, ret, _("Token “%s”: cannot write the certificate"), self->label);
      return FALSE;
    }
  return TRUE;
}

CkCertificate *
ck_token_load_certificate (CkToken     *self,
                           const char  *object_uri,
                           GError     **error)
{
  gnutls_x509_crt_t crt = NULL;
  gnutls_datum_t der = { NULL, 0 };
  g_autoptr(GBytes) bytes = NULL;
  int ret;

  g_return_val_if_fail (CK_IS_TOKEN (self), NULL);
  g_return_val_if_fail (object_uri != NULL, NULL);

  ret = gnutls_x509_crt_init (&crt);
  if (ret >= 0)
    ret = gnutls_x509_crt_import_url (crt, object_uri, 0);
  if (ret >= 0)
    ret = gnutls_x509_crt_export2 (crt, GNUTLS_X509_FMT_DER, &der);
  if (crt != NULL)
    gnutls_x509_crt_deinit (crt);
  if (ret < 0)
    {
      ck_set_gnutls_error (error, ret, _("Token “%s”: cannot read the certificate %s"),
                           self->label, object_uri);
      return NULL;
    }
  bytes = g_bytes_new (der.data, der.size);
  gnutls_free (der.data);
  return ck_certificate_new_from_der (bytes, error);
}

char *
ck_token_label_from_uri (const char *uri)
{
  P11KitUri *parsed;
  CK_TOKEN_INFO *info;
  char *label = NULL;

  g_return_val_if_fail (uri != NULL, NULL);

  parsed = p11_kit_uri_new ();
  if (p11_kit_uri_parse (uri, P11_KIT_URI_FOR_OBJECT_ON_TOKEN, parsed) == P11_KIT_URI_OK &&
      (info = p11_kit_uri_get_token_info (parsed)) != NULL)
    {
      label = padded_string (info->label, sizeof info->label);
      if (label[0] == '\0')
        g_clear_pointer (&label, g_free);
    }
  p11_kit_uri_free (parsed);
  return label;
}

CkToken *
ck_token_lookup_for_object (const char  *object_uri,
                            GError     **error)
{
  P11KitUri *parsed;
  char *token_uri = NULL;
  CkToken *token;

  g_return_val_if_fail (object_uri != NULL, NULL);

  /* An object's URI names its token as well (token=…;object=…): only the
   * token part is matched against the tokens. */
  parsed = p11_kit_uri_new ();
  if (p11_kit_uri_parse (object_uri, P11_KIT_URI_FOR_OBJECT_ON_TOKEN, parsed) != P11_KIT_URI_OK ||
      p11_kit_uri_format (parsed, P11_KIT_URI_FOR_TOKEN, &token_uri) != P11_KIT_URI_OK)
    {
      p11_kit_uri_free (parsed);
      g_set_error (error, CK_ERROR, CK_ERROR_INVALID, _("%s: not a PKCS#11 object URI"), object_uri);
      return NULL;
    }
  p11_kit_uri_free (parsed);
  token = ck_token_lookup (token_uri, error);
  free (token_uri);
  return token;
}

CkToken *
ck_token_find_for_certificate (CkStore        *store,
                               CkCertificate  *certificate,
                               CkPrivateKey  **key,
                               GError        **error)
{
  g_autoptr(CkPrivateKey) token_key = NULL;
  CkStoredKey *row;
  const char *uri;
  gint64 key_id;
  CkToken *token;

  g_return_val_if_fail (CK_IS_STORE (store), NULL);
  g_return_val_if_fail (CK_IS_CERTIFICATE (certificate), NULL);

  key_id = ck_store_find_key (store, ck_certificate_get_spki_sha256 (certificate));
  row = key_id > 0 ? ck_store_get_key_row (store, key_id) : NULL;
  uri = row != NULL ? ck_stored_key_get_pkcs11_uri (row) : NULL;
  if (uri == NULL)
    return NULL;
  token = ck_token_lookup_for_object (uri, error);
  if (token == NULL)
    return NULL;
  if (key != NULL)
    {
      token_key = ck_private_key_new_from_pkcs11_uri (uri, error);
      if (token_key == NULL)
        {
          g_object_unref (token);
          return NULL;
        }
      *key = g_steal_pointer (&token_key);
    }
  return token;
}

gboolean
ck_token_has_certificate (CkToken       *self,
                          CkCertificate *certificate)
{
  g_autoptr(GPtrArray) objects = NULL;

  g_return_val_if_fail (CK_IS_TOKEN (self), FALSE);
  g_return_val_if_fail (CK_IS_CERTIFICATE (certificate), FALSE);

  objects = ck_token_list_objects (self, NULL);
  for (guint i = 0; objects != NULL && i < objects->len; i++)
    {
      CkTokenObject *object = objects->pdata[i];
      g_autoptr(CkCertificate) other = NULL;

      if (!g_str_equal (object->kind, "certificate") || object->uri == NULL)
        continue;
      other = ck_token_load_certificate (self, object->uri, NULL);
      if (other != NULL &&
          g_strcmp0 (ck_certificate_get_sha256_fingerprint (other),
                     ck_certificate_get_sha256_fingerprint (certificate)) == 0)
        return TRUE;
    }
  return FALSE;
}

/* The label a key gets on the token: the name of its certificate in the
 * plan (what the user recognises in p11tool or a browser), else the key's. */
static char *
plan_key_label (CkImportPlan *plan,
                CkImportItem *key_item)
{
  const char *spki = ck_import_item_get_spki_sha256 (key_item);

  for (guint i = 0; i < ck_import_plan_get_n_items (plan); i++)
    {
      CkImportItem *item = ck_import_plan_get_item (plan, i);

      if (ck_import_item_get_kind (item) == CK_IMPORT_ITEM_CERTIFICATE &&
          g_strcmp0 (ck_import_item_get_spki_sha256 (item), spki) == 0)
        return g_strdup (ck_certificate_get_display_name (ck_import_item_get_certificate (item)));
    }
  if (ck_import_item_get_label (key_item) != NULL && ck_import_item_get_label (key_item)[0] != '\0')
    return g_strdup (ck_import_item_get_label (key_item));
  return g_strdup (ck_import_item_get_display_name (key_item));
}

CkImportPlan *
ck_token_import_plan (CkToken       *self,
                      CkImportPlan  *plan,
                      guint         *n_keys,
                      GError       **error)
{
  g_autoptr(CkImportPlan) copy = ck_import_plan_new ();
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_object_unref);
  guint written = 0;

  g_return_val_if_fail (CK_IS_TOKEN (self), NULL);
  g_return_val_if_fail (CK_IS_IMPORT_PLAN (plan), NULL);

  for (guint i = 0; i < ck_import_plan_get_n_items (plan); i++)
    {
      CkImportItem *item = ck_import_plan_get_item (plan, i);
      CkPrivateKey *key;
      g_autoptr(CkPrivateKey) token_key = NULL;
      g_autofree char *label = NULL;
      CkImportItem *replacement;

      if (ck_import_item_get_kind (item) != CK_IMPORT_ITEM_PRIVATE_KEY ||
          !ck_import_item_is_new (item) ||
          ck_private_key_is_on_token (key = ck_import_item_get_private_key (item)))
        {
          g_ptr_array_add (items, g_object_ref (item));
          continue;
        }
      label = plan_key_label (plan, item);
      token_key = ck_token_import_key (self, key, label, NULL, error);
      if (token_key == NULL)
        return NULL;
      written++;
      /* Its certificates beside it, as a token user expects to find them. */
      for (guint j = 0; j < ck_import_plan_get_n_items (plan); j++)
        {
          CkImportItem *cert = ck_import_plan_get_item (plan, j);

          if (ck_import_item_get_kind (cert) == CK_IMPORT_ITEM_CERTIFICATE &&
              g_strcmp0 (ck_import_item_get_spki_sha256 (cert),
                         ck_private_key_get_spki_sha256 (token_key)) == 0 &&
              !ck_token_import_certificate (self, ck_import_item_get_certificate (cert), token_key,
                                            error))
            return NULL;
        }
      replacement = ck_import_item_new_private_key (token_key, ck_import_item_get_file (item),
                                                    ck_import_item_get_location (item));
      ck_import_item_set_label (replacement, ck_import_item_get_label (item));
      g_ptr_array_add (items, replacement);
    }
  ck_import_plan_append_many (copy, items);
  if (n_keys != NULL)
    *n_keys = written;
  return g_steal_pointer (&copy);
}


gboolean
ck_token_can_generate (CkToken         *self,
                       const CkKeySpec *spec,
                       GError         **error)
{
  gnutls_ecc_curve_t curve;

  g_return_val_if_fail (CK_IS_TOKEN (self), FALSE);
  g_return_val_if_fail (spec != NULL, FALSE);

  switch (spec->type)
    {
    case CK_KEY_TYPE_RSA:
      return check_mechanism (self, CKM_RSA_PKCS_KEY_PAIR_GEN, spec->bits ? spec->bits : 3072,
                              "RSA", error);
    case CK_KEY_TYPE_ECDSA:
      if (!token_curve (spec->curve, &curve))
        {
          g_set_error (error, CK_ERROR, CK_ERROR_INVALID,
                       _("ECDSA keys on a token use P-256 or P-384, not %s"), spec->curve);
          return FALSE;
        }
      return check_mechanism (self, CKM_EC_KEY_PAIR_GEN, gnutls_ecc_curve_get_size (curve) * 8,
                              "ECDSA", error);
    default:
      g_set_error (error, CK_ERROR, CK_ERROR_UNSUPPORTED,
                   _("Keys on a token are RSA or ECDSA; %s keys are not generated there"),
                   ck_key_type_to_string (spec->type));
      return FALSE;
    }
}

gboolean
ck_token_plan_has_key_for (CkImportPlan *plan,
                           CkImportItem *certificate)
{
  g_return_val_if_fail (CK_IS_IMPORT_PLAN (plan), FALSE);
  g_return_val_if_fail (CK_IS_IMPORT_ITEM (certificate), FALSE);

  for (guint i = 0; i < ck_import_plan_get_n_items (plan); i++)
    {
      CkImportItem *item = ck_import_plan_get_item (plan, i);

      if (ck_import_item_get_kind (item) == CK_IMPORT_ITEM_PRIVATE_KEY &&
          g_strcmp0 (ck_import_item_get_spki_sha256 (item),
                     ck_import_item_get_spki_sha256 (certificate)) == 0)
        return TRUE;
    }
  return FALSE;
}
