/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ck-request-diff.h"

#include <glib/gi18n-lib.h>
#include <gnutls/gnutls.h>
#include <string.h>

#include "ck-key-usage.h"
#include "ck-oid.h"
#include "ck-request-builder.h"

static gboolean
attr_equal (const CkDnAttribute *a,
            const CkDnAttribute *b)
{
  return g_str_equal (a->oid, b->oid) && g_str_equal (a->value, b->value);
}

/* Index of the first unused attribute of @list equal to @attr, or -1. */
static int
find_attr (GPtrArray           *list,
           gboolean            *used,
           const CkDnAttribute *attr,
           gboolean             same_oid_only)
{
  for (guint i = 0; i < list->len; i++)
    {
      const CkDnAttribute *other = list->pdata[i];

      if (used[i])
        continue;
      if (same_oid_only ? g_str_equal (other->oid, attr->oid) : attr_equal (other, attr))
        return (int) i;
    }
  return -1;
}

static void
compare_subjects (GPtrArray *asked,
                  GPtrArray *got,
                  GPtrArray *out)
{
  g_autofree gboolean *used = g_new0 (gboolean, got->len + 1);
  g_autofree gboolean *matched = g_new0 (gboolean, asked->len + 1);

  /* Exact matches first, so that a changed value pairs with what is left. */
  for (guint i = 0; i < asked->len; i++)
    {
      int j = find_attr (got, used, asked->pdata[i], FALSE);

      if (j >= 0)
        used[j] = matched[i] = TRUE;
    }
  for (guint i = 0; i < asked->len; i++)
    {
      CkDnAttribute *attr = asked->pdata[i];
      int j;

      if (matched[i])
        continue;
      j = find_attr (got, used, attr, TRUE);
      if (j >= 0)
        {
          used[j] = TRUE;
          g_ptr_array_add (out, g_strdup_printf (_("subject %s changed from “%s” to “%s”"),
                                                 ck_dn_attribute_get_name (attr), attr->value,
                                                 ((CkDnAttribute *) got->pdata[j])->value));
        }
      else
        g_ptr_array_add (out, g_strdup_printf (_("subject %s=%s dropped"),
                                               ck_dn_attribute_get_name (attr), attr->value));
    }
  for (guint j = 0; j < got->len; j++)
    if (!used[j])
      {
        CkDnAttribute *attr = got->pdata[j];

        g_ptr_array_add (out, g_strdup_printf (_("subject %s=%s added"),
                                               ck_dn_attribute_get_name (attr), attr->value));
      }
}

static gboolean
names_contain (GPtrArray           *names,
               const CkGeneralName *name)
{
  for (guint i = 0; i < names->len; i++)
    {
      const CkGeneralName *other = names->pdata[i];

      if (other->kind == name->kind &&
          (name->kind == CK_GENERAL_NAME_DNS || name->kind == CK_GENERAL_NAME_EMAIL
             ? g_ascii_strcasecmp (other->value, name->value) == 0
             : g_strcmp0 (other->value, name->value) == 0) &&
          g_strcmp0 (other->other_oid, name->other_oid) == 0)
        return TRUE;
    }
  return FALSE;
}

static void
compare_sans (GPtrArray *asked,
              GPtrArray *got,
              GPtrArray *out)
{
  for (guint i = 0; i < asked->len; i++)
    if (!names_contain (got, asked->pdata[i]))
      {
        g_autofree char *text = ck_general_name_to_string (asked->pdata[i]);

        g_ptr_array_add (out, g_strdup_printf (_("SAN %s dropped"), text));
      }
  for (guint i = 0; i < got->len; i++)
    if (!names_contain (asked, got->pdata[i]))
      {
        g_autofree char *text = ck_general_name_to_string (got->pdata[i]);

        g_ptr_array_add (out, g_strdup_printf (_("SAN %s added"), text));
      }
}

static void
compare_key_usage (gboolean   asked_present,
                   guint      asked,
                   gboolean   got_present,
                   guint      got,
                   GPtrArray *out)
{
  guint n_bits;
  const CkKeyUsageBit *bits = ck_key_usage_bits (&n_bits);

  if (!asked_present)
    return;
  if (!got_present)
    {
      g_ptr_array_add (out, g_strdup (_("key usage extension dropped")));
      return;
    }
  for (guint i = 0; i < n_bits; i++)
    {
      if ((asked & bits[i].flag) && !(got & bits[i].flag))
        g_ptr_array_add (out, g_strdup_printf (_("key usage %s dropped"), bits[i].name));
      else if (!(asked & bits[i].flag) && (got & bits[i].flag))
        g_ptr_array_add (out, g_strdup_printf (_("key usage %s added"), bits[i].name));
    }
}

static const char *
eku_name (const char *oid)
{
  const char *name = ck_extended_key_usage_to_name (oid);

  return name != NULL ? name : oid;
}

static void
compare_eku (const char * const *asked,
             const char * const *got,
             GPtrArray          *out)
{
  if (asked == NULL)
    return;
  if (got == NULL)
    {
      g_ptr_array_add (out, g_strdup (_("extended key usage extension dropped")));
      return;
    }
  for (guint i = 0; asked[i] != NULL; i++)
    if (!g_strv_contains (got, asked[i]))
      g_ptr_array_add (out, g_strdup_printf (_("EKU %s dropped"), eku_name (asked[i])));
  for (guint i = 0; got[i] != NULL; i++)
    if (!g_strv_contains (asked, got[i]))
      g_ptr_array_add (out, g_strdup_printf (_("EKU %s added"), eku_name (got[i])));
}

GPtrArray *
ck_request_compare_certificate (CkRequest     *request,
                                CkCertificate *certificate)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  guint asked_ku = 0, got_ku = 0;
  gboolean asked_ku_present, got_ku_present;
  gboolean asked_ca = FALSE, got_ca = FALSE;
  int asked_len = -1, got_len = -1;

  g_return_val_if_fail (CK_IS_REQUEST (request), out);
  g_return_val_if_fail (CK_IS_CERTIFICATE (certificate), out);

  compare_subjects (ck_request_get_subject_attributes (request),
                    ck_certificate_get_subject_attributes (certificate), out);
  compare_sans (ck_request_get_subject_alt_names (request),
                ck_certificate_get_subject_alt_names (certificate), out);

  asked_ku_present = ck_request_get_key_usage (request, &asked_ku, NULL);
  got_ku_present = ck_certificate_get_key_usage (certificate, &got_ku, NULL);
  compare_key_usage (asked_ku_present, asked_ku, got_ku_present, got_ku, out);

  compare_eku (ck_request_get_extended_key_usage (request, NULL),
               ck_certificate_get_extended_key_usage (certificate, NULL), out);

  if (ck_request_get_basic_constraints (request, &asked_ca, &asked_len, NULL))
    {
      ck_certificate_get_basic_constraints (certificate, &got_ca, &got_len, NULL);
      if (asked_ca && !got_ca)
        g_ptr_array_add (out, g_strdup (_("CA status dropped")));
      else if (!asked_ca && got_ca)
        g_ptr_array_add (out, g_strdup (_("CA status added")));
      else if (asked_ca && asked_len != got_len)
        g_ptr_array_add (out, g_strdup_printf (_("path length changed from %d to %d"),
                                               asked_len, got_len));
    }
  return out;
}

GPtrArray *
ck_request_diff_issued (CkStore  *store,
                        gint64    certificate_id,
                        GError  **error)
{
  GPtrArray *out = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(CkCertificate) cert = NULL;
  GListModel *requests;
  guint n;

  g_return_val_if_fail (CK_IS_STORE (store), out);

  cert = ck_store_load_certificate (store, certificate_id, error);
  if (cert == NULL)
    {
      g_clear_pointer (&out, g_ptr_array_unref);
      return NULL;
    }

  requests = ck_store_get_requests (store);
  n = g_list_model_get_n_items (requests);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(CkStoredRequest) row = g_list_model_get_item (requests, i);
      g_autoptr(CkRequest) request = NULL;
      g_autofree char *line = NULL;

      if (ck_stored_request_get_status (row) != CK_REQUEST_STATUS_ISSUED ||
          ck_stored_request_get_certificate_id (row) != certificate_id)
        continue;
      request = ck_store_load_request (store, ck_stored_request_get_id (row), error);
      if (request == NULL)
        {
          g_clear_pointer (&out, g_ptr_array_unref);
          return NULL;
        }
      line = ck_request_diff_line (ck_stored_request_get_id (row), request, cert);
      if (line != NULL)
        g_ptr_array_add (out, g_steal_pointer (&line));
    }
  return out;
}

char *
ck_request_diff_line (gint64         request_id,
                      CkRequest     *request,
                      CkCertificate *certificate)
{
  g_autoptr(GPtrArray) diffs = ck_request_compare_certificate (request, certificate);
  GString *line;

  if (diffs->len == 0)
    return NULL;
  line = g_string_new (NULL);
  /* %lld, not G_GINT64_FORMAT: xgettext cannot see through the macro. */
  g_string_printf (line, _("certificate for request %lld differs: "), (long long) request_id);
  for (guint j = 0; j < diffs->len; j++)
    g_string_append_printf (line, "%s%s", j > 0 ? "; " : "", (char *) diffs->pdata[j]);
  return g_string_free (line, FALSE);
}
