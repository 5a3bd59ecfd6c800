/* SPDX-License-Identifier: GPL-3.0-or-later */
#include "ck-cli-describe.h"

#include "ck-cli.h"

/* Width of the label column of `show`: "SHA-256 fingerprint:" plus a gap. */
#define LABEL_WIDTH 22

GHashTable *
ck_cli_index_requests (CkStore *store)
{
  GListModel *requests = ck_store_get_requests (store);
  GHashTable *index = g_hash_table_new_full (g_int64_hash, g_int64_equal,
                                             g_free,
                                             (GDestroyNotify) g_array_unref);
  guint n = g_list_model_get_n_items (requests);

  for (guint i = 0; i < n; i++)
    {
      g_autoptr (CkStoredRequest) row = g_list_model_get_item (requests, i);
      gint64 cert_id = ck_stored_request_get_certificate_id (row);
      gint64 request_id = ck_stored_request_get_id (row);
      GArray *ids;

      if (cert_id == 0)
        continue;
      ids = g_hash_table_lookup (index, &cert_id);
      if (ids == NULL)
        {
          ids = g_array_new (FALSE, FALSE, sizeof (gint64));
          g_hash_table_insert (index, g_memdup2 (&cert_id, sizeof cert_id), ids);
        }
      g_array_append_val (ids, request_id);
    }
  return index;
}

GHashTable *
ck_cli_index_certificate_requests (CkStore *store,
                                   gint64   certificate_id)
{
  GHashTable *index = g_hash_table_new_full (g_int64_hash, g_int64_equal,
                                             g_free,
                                             (GDestroyNotify) g_array_unref);
  GArray *ids = ck_store_find_requests_for_certificate (store, certificate_id);

  if (ids->len == 0)
    g_array_unref (ids);
  else
    g_hash_table_insert (index, g_memdup2 (&certificate_id, sizeof certificate_id), ids);
  return index;
}

char *
ck_cli_key_summary (const char *algorithm,
                    guint       bits,
                    const char *curve)
{
  if (algorithm == NULL)
    return g_strdup ("unknown");
  if (curve != NULL)
    return g_strdup_printf ("%s %s", algorithm, curve);
  /* Ed25519 and Ed448 name their size already. */
  if (bits == 0 || g_str_has_prefix (algorithm, "Ed"))
    return g_strdup (algorithm);
  return g_strdup_printf ("%s %u", algorithm, bits);
}

/* ---- shared pieces ---------------------------------------------------- */

/* g_strv_builder_take() is GLib 2.80; we target 2.74. */
static void
builder_take (GStrvBuilder *builder,
              char         *text)
{
  g_strv_builder_add (builder, text);
  g_free (text);
}

static char **
general_names_to_strv (GPtrArray *names)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();

  for (guint i = 0; names != NULL && i < names->len; i++)
    {
      char *text = ck_general_name_to_string (g_ptr_array_index (names, i));

      builder_take (builder, text);
    }
  return g_strv_builder_end (builder);
}

void
ck_cli_json_time_member (CkJsonWriter *json,
                         const char   *name,
                         gint64        unix_time)
{
  g_autofree char *text = ck_cli_format_time (unix_time);

  ck_json_writer_string_member (json, name, text);
}

void
ck_cli_json_id_member (CkJsonWriter *json,
                       const char   *name,
                       gint64        id)
{
  ck_json_writer_member (json, name);
  if (id > 0)
    ck_json_writer_int (json, id);
  else
    ck_json_writer_null (json);
}

static void
json_id_array_member (CkJsonWriter *json,
                      const char   *name,
                      GArray       *ids)
{
  ck_json_writer_member (json, name);
  ck_json_writer_begin_array (json);
  for (guint i = 0; ids != NULL && i < ids->len; i++)
    ck_json_writer_int (json, g_array_index (ids, gint64, i));
  ck_json_writer_end_array (json);
}

static void
json_key_usage_member (CkJsonWriter *json,
                       gboolean      present,
                       guint         usage)
{
  g_auto (GStrv) names = present ? ck_key_usage_to_strv (usage) : NULL;

  ck_json_writer_strv_member (json, "key_usage", (const char * const *) names);
}

static const char *
description_type_name (CkDescriptionType type)
{
  switch (type)
    {
    case CK_DESCRIPTION_HEX: return "hex";
    case CK_DESCRIPTION_DATE: return "date";
    case CK_DESCRIPTION_URI: return "uri";
    case CK_DESCRIPTION_OID: return "oid";
    case CK_DESCRIPTION_NUMBER: return "number";
    case CK_DESCRIPTION_BOOLEAN: return "boolean";
    case CK_DESCRIPTION_TEXT:
    default: return "text";
    }
}

/* The decoded fields of one section as an object: key → every value of
 * the fields with that key, in order (a SAN's "dns" names, a policy
 * extension's "cps" URIs). */
static void
json_fields_object (CkJsonWriter         *json,
                    CkDescriptionSection *section)
{
  g_autoptr (GPtrArray) keys = g_ptr_array_new ();

  ck_json_writer_begin_object (json);
  for (guint i = 0; i < section->fields->len; i++)
    {
      CkDescriptionField *field = g_ptr_array_index (section->fields, i);

      if (g_ptr_array_find_with_equal_func (keys, field->key, g_str_equal, NULL))
        continue;
      g_ptr_array_add (keys, field->key);
      ck_json_writer_member (json, field->key);
      ck_json_writer_begin_array (json);
      for (guint j = i; j < section->fields->len; j++)
        {
          CkDescriptionField *same = g_ptr_array_index (section->fields, j);

          if (!g_str_equal (same->key, field->key))
            continue;
          for (guint v = 0; same->values[v] != NULL; v++)
            ck_json_writer_string (json, same->values[v]);
        }
      ck_json_writer_end_array (json);
    }
  ck_json_writer_end_object (json);
}

/* @extensions and the extension sections of @description are in the same
 * order (ck_description_new_for_*() makes one section per extension). */
static void
json_extensions_member (CkJsonWriter  *json,
                        GPtrArray     *extensions,
                        CkDescription *description)
{
  guint next = 0;

  ck_json_writer_member (json, "extensions");
  ck_json_writer_begin_array (json);
  for (guint i = 0; extensions != NULL && i < extensions->len; i++)
    {
      CkExtension *ext = g_ptr_array_index (extensions, i);
      gsize len = 0;
      const guint8 *data = ext->value ? g_bytes_get_data (ext->value, &len) : NULL;
      g_autofree char *hex = ck_hex_encode (data, len);
      CkDescriptionSection *section = NULL;

      while (section == NULL && next < ck_description_get_n_sections (description))
        {
          CkDescriptionSection *candidate = ck_description_get_section (description, next++);

          if (candidate->oid != NULL)
            section = candidate;
        }
      g_assert (section != NULL && g_str_equal (section->oid, ext->oid));

      ck_json_writer_begin_object (json);
      ck_json_writer_string_member (json, "oid", ext->oid);
      ck_json_writer_string_member (json, "name", ck_oid_get_display_name (ext->oid));
      ck_json_writer_boolean_member (json, "critical", ext->critical);
      ck_json_writer_string_member (json, "value", hex);
      ck_json_writer_string_member (json, "key", section->key);
      ck_json_writer_boolean_member (json, "decoded", section->decoded);
      ck_json_writer_member (json, "fields");
      json_fields_object (json, section);
      ck_json_writer_end_object (json);
    }
  ck_json_writer_end_array (json);
}

/* The whole description, in the order the details pane shows it. */
static void
json_sections_member (CkJsonWriter  *json,
                      CkDescription *description)
{
  ck_json_writer_member (json, "sections");
  ck_json_writer_begin_array (json);
  for (guint i = 0; i < ck_description_get_n_sections (description); i++)
    {
      CkDescriptionSection *section = ck_description_get_section (description, i);

      ck_json_writer_begin_object (json);
      ck_json_writer_string_member (json, "key", section->key);
      ck_json_writer_string_member (json, "title", section->title);
      ck_json_writer_string_member (json, "oid", section->oid);
      ck_json_writer_boolean_member (json, "critical", section->critical);
      ck_json_writer_member (json, "fields");
      ck_json_writer_begin_array (json);
      for (guint f = 0; f < section->fields->len; f++)
        {
          CkDescriptionField *field = g_ptr_array_index (section->fields, f);
          g_autofree char *display = ck_description_field_to_display (field);

          ck_json_writer_begin_object (json);
          ck_json_writer_string_member (json, "key", field->key);
          ck_json_writer_string_member (json, "label", field->label);
          ck_json_writer_string_member (json, "type", description_type_name (field->type));
          ck_json_writer_strv_member (json, "values", (const char * const *) field->values);
          ck_json_writer_string_member (json, "text", display);
          ck_json_writer_end_object (json);
        }
      ck_json_writer_end_array (json);
      ck_json_writer_end_object (json);
    }
  ck_json_writer_end_array (json);
}

static GArray *
certificate_ids_for_key (CkStore    *store,
                         const char *spki_sha256)
{
  if (spki_sha256 == NULL)
    return NULL;
  return ck_store_find_certificates_for_key (store, spki_sha256);
}

static GArray *
request_ids_for_key (CkStore    *store,
                     const char *spki_sha256)
{
  return ck_store_find_requests_for_key (store, spki_sha256);
}

/* ---- JSON ------------------------------------------------------------- */

void
ck_cli_certificate_to_json (CkJsonWriter        *json,
                            CkStore             *store,
                            GHashTable          *requests,
                            CkStoredCertificate *row,
                            CkCertificate       *cert)
{
  gint64 id = ck_stored_certificate_get_id (row);
  gboolean is_ca = FALSE, bc_critical = FALSE, ku_critical = FALSE;
  int path_len = -1;
  guint usage = 0;
  gboolean has_bc = ck_certificate_get_basic_constraints (cert, &is_ca, &path_len,
                                                          &bc_critical);
  gboolean has_ku = ck_certificate_get_key_usage (cert, &usage, &ku_critical);
  const char * const *eku = ck_certificate_get_extended_key_usage (cert, NULL);
  g_auto (GStrv) san = general_names_to_strv (ck_certificate_get_subject_alt_names (cert));
  gint64 key_id = ck_store_find_key (store, ck_certificate_get_spki_sha256 (cert));
  g_autoptr (CkDescription) description = ck_description_new_for_certificate (cert);

  ck_json_writer_begin_object (json);
  ck_json_writer_int_member (json, "id", id);
  ck_json_writer_string_member (json, "kind", "certificate");
  ck_json_writer_string_member (json, "display_name", ck_stored_certificate_get_display_name (row));
  ck_json_writer_string_member (json, "label", ck_stored_certificate_get_label (row));
  ck_json_writer_string_member (json, "subject", ck_certificate_get_subject (cert));
  ck_json_writer_string_member (json, "issuer", ck_certificate_get_issuer (cert));
  ck_json_writer_string_member (json, "issuer_display_name",
                                ck_certificate_get_issuer_display_name (cert));
  ck_json_writer_string_member (json, "serial", ck_certificate_get_serial (cert));
  ck_json_writer_int_member (json, "version", ck_certificate_get_version (cert));
  ck_cli_json_time_member (json, "not_before", ck_certificate_get_not_before (cert));
  ck_cli_json_time_member (json, "not_after", ck_certificate_get_not_after (cert));
  ck_json_writer_string_member (json, "sha256", ck_certificate_get_sha256_fingerprint (cert));
  ck_json_writer_string_member (json, "sha1", ck_certificate_get_sha1_fingerprint (cert));
  ck_json_writer_string_member (json, "spki_sha256", ck_certificate_get_spki_sha256 (cert));
  ck_json_writer_string_member (json, "signature_algorithm",
                                ck_certificate_get_signature_algorithm (cert));
  ck_json_writer_string_member (json, "key_algorithm", ck_certificate_get_key_algorithm (cert));
  ck_json_writer_string_member (json, "key_algorithm_oid",
                                ck_certificate_get_key_algorithm_oid (cert));
  ck_json_writer_boolean_member (json, "key_supported", ck_certificate_get_key_supported (cert));
  ck_json_writer_int_member (json, "key_bits", ck_certificate_get_key_bits (cert));
  ck_json_writer_string_member (json, "key_curve", ck_certificate_get_key_curve (cert));
  ck_json_writer_boolean_member (json, "is_ca", ck_certificate_is_ca (cert));
  ck_json_writer_member (json, "path_len_constraint");
  if (has_bc && is_ca && path_len >= 0)
    ck_json_writer_int (json, path_len);
  else
    ck_json_writer_null (json);
  ck_json_writer_boolean_member (json, "self_signed", ck_certificate_is_self_signed (cert));
  ck_json_writer_boolean_member (json, "has_key", key_id > 0);
  ck_cli_json_id_member (json, "key_id", key_id);
  ck_json_writer_strv_member (json, "san", (const char * const *) san);
  json_key_usage_member (json, has_ku, usage);
  ck_json_writer_strv_member (json, "extended_key_usage", eku);
  ck_json_writer_string_member (json, "subject_key_id", ck_certificate_get_subject_key_id (cert));
  ck_json_writer_string_member (json, "authority_key_id",
                                ck_certificate_get_authority_key_id (cert));
  json_extensions_member (json, ck_certificate_get_extensions (cert), description);
  json_sections_member (json, description);
  json_id_array_member (json, "requests",
                        requests ? g_hash_table_lookup (requests, &id) : NULL);
  ck_json_writer_string_member (json, "source", ck_stored_certificate_get_source (row));
  ck_cli_json_time_member (json, "imported_at", ck_stored_certificate_get_imported_at (row));
  ck_json_writer_end_object (json);
}

void
ck_cli_key_to_json (CkJsonWriter *json,
                    CkStore      *store,
                    CkStoredKey  *row)
{
  const char *spki = ck_stored_key_get_spki_sha256 (row);
  g_autoptr (GArray) certificates = certificate_ids_for_key (store, spki);
  g_autoptr (GArray) requests = request_ids_for_key (store, spki);
  guint bits = ck_stored_key_get_bits (row);

  ck_json_writer_begin_object (json);
  ck_json_writer_int_member (json, "id", ck_stored_key_get_id (row));
  ck_json_writer_string_member (json, "kind", "key");
  ck_json_writer_string_member (json, "display_name", ck_stored_key_get_display_name (row));
  ck_json_writer_string_member (json, "label", ck_stored_key_get_label (row));
  ck_json_writer_string_member (json, "algorithm", ck_stored_key_get_algorithm (row));
  ck_json_writer_member (json, "bits");
  if (bits > 0)
    ck_json_writer_int (json, bits);
  else
    ck_json_writer_null (json);
  ck_json_writer_string_member (json, "curve", ck_stored_key_get_curve (row));
  ck_json_writer_string_member (json, "spki_sha256", spki);
  ck_json_writer_boolean_member (json, "encrypted", ck_stored_key_get_encrypted (row));
  ck_json_writer_string_member (json, "pkcs11_uri", ck_stored_key_get_pkcs11_uri (row));
  json_id_array_member (json, "certificates", certificates);
  json_id_array_member (json, "requests", requests);
  ck_json_writer_string_member (json, "source", ck_stored_key_get_source (row));
  ck_cli_json_time_member (json, "imported_at", ck_stored_key_get_imported_at (row));
  ck_json_writer_end_object (json);
}

void
ck_cli_request_to_json (CkJsonWriter    *json,
                        CkStore         *store,
                        CkStoredRequest *row,
                        CkRequest       *request)
{
  CkRequestStatus status = ck_stored_request_get_status (row);

  ck_json_writer_begin_object (json);
  ck_json_writer_int_member (json, "id", ck_stored_request_get_id (row));
  ck_json_writer_string_member (json, "kind", "request");
  ck_json_writer_string_member (json, "display_name", ck_stored_request_get_display_name (row));
  ck_json_writer_string_member (json, "subject", ck_stored_request_get_subject (row));
  ck_json_writer_string_member (json, "sha256", ck_stored_request_get_sha256 (row));
  ck_json_writer_string_member (json, "spki_sha256", ck_stored_request_get_spki_sha256 (row));
  ck_json_writer_string_member (json, "status", ck_request_status_to_string (status));
  ck_cli_json_id_member (json, "certificate_id",
                  status == CK_REQUEST_STATUS_ISSUED ?
                  ck_stored_request_get_certificate_id (row) : 0);
  ck_cli_json_id_member (json, "key_id",
                  ck_store_find_key (store, ck_stored_request_get_spki_sha256 (row)));
  if (request != NULL)
    {
      gboolean has_ku, critical;
      guint usage = 0;
      g_auto (GStrv) san = general_names_to_strv (ck_request_get_subject_alt_names (request));

      has_ku = ck_request_get_key_usage (request, &usage, &critical);
      ck_json_writer_string_member (json, "key_algorithm", ck_request_get_key_algorithm (request));
      ck_json_writer_int_member (json, "key_bits", ck_request_get_key_bits (request));
      ck_json_writer_string_member (json, "signature_algorithm",
                                    ck_request_get_signature_algorithm (request));
      ck_json_writer_strv_member (json, "san", (const char * const *) san);
      json_key_usage_member (json, has_ku, usage);
      ck_json_writer_strv_member (json, "extended_key_usage",
                                  ck_request_get_extended_key_usage (request, NULL));
      g_autoptr (CkDescription) description = ck_description_new_for_request (request);

      json_extensions_member (json, ck_request_get_extensions (request), description);
      json_sections_member (json, description);
    }
  ck_json_writer_string_member (json, "profile", ck_stored_request_get_profile (row));
  ck_json_writer_string_member (json, "source", ck_stored_request_get_source (row));
  ck_cli_json_time_member (json, "created_at", ck_stored_request_get_created_at (row));
  ck_json_writer_end_object (json);
}

/* ---- human-readable --------------------------------------------------- */

static void
field (GString    *out,
       const char *label,
       const char *value)
{
  g_autofree char *with_colon = g_strconcat (label, ":", NULL);
  g_autofree char *printable = NULL;

  if (value == NULL || value[0] == '\0')
    return;
  printable = ck_cli_printable (value);
  g_string_append_printf (out, "  %-*s%s\n", LABEL_WIDTH, with_colon, printable);
}

G_GNUC_PRINTF (3, 4)
static void
fieldf (GString    *out,
        const char *label,
        const char *format,
        ...)
{
  g_autofree char *value = NULL;
  va_list args;

  va_start (args, format);
  value = g_strdup_vprintf (format, args);
  va_end (args);
  field (out, label, value);
}

/* The first value on the label's line, the others aligned under it. */
static void
field_list (GString            *out,
            const char         *label,
            const char * const *values)
{
  for (guint i = 0; values != NULL && values[i] != NULL; i++)
    field (out, i == 0 ? label : "", values[i]);
}

static void
fingerprint_field (GString    *out,
                   const char *label,
                   const char *hex)
{
  g_autofree char *colons = hex ? ck_hex_format_colons (hex) : NULL;

  field (out, label, colons);
}

static void
time_field (GString    *out,
            const char *label,
            gint64      unix_time,
            const char *note)
{
  g_autofree char *text = ck_cli_format_time (unix_time);

  if (text == NULL)
    fieldf (out, label, "(out of range: %" G_GINT64_FORMAT ")", unix_time);
  else
    fieldf (out, label, "%s%s", text, note ? note : "");
}

static void
id_list_field (GString      *out,
               const char   *label,
               GArray       *ids,
               CkObjectKind  kind,
               CkStore      *store)
{
  g_autoptr (GStrvBuilder) builder = g_strv_builder_new ();
  g_auto (GStrv) lines = NULL;

  for (guint i = 0; ids != NULL && i < ids->len; i++)
    builder_take (builder, ck_cli_object_title (store, kind, g_array_index (ids, gint64, i)));
  lines = g_strv_builder_end (builder);
  field_list (out, label, (const char * const *) lines);
}

char *
ck_cli_object_title (CkStore      *store,
                     CkObjectKind  kind,
                     gint64        id)
{
  const char *kind_name = ck_object_kind_to_string (kind);
  GObject *row = NULL;   /* rows are owned by the store's models */
  g_autofree char *name = NULL;

  if (kind == CK_OBJECT_CERTIFICATE)
    row = G_OBJECT (ck_store_get_certificate_row (store, id));
  else if (kind == CK_OBJECT_KEY)
    row = G_OBJECT (ck_store_get_key_row (store, id));
  else if (kind == CK_OBJECT_REQUEST)
    row = G_OBJECT (ck_store_get_request_row (store, id));

  /* Every row type has a "display-name" property. */
  if (row == NULL)
    return g_strdup_printf ("%s %" G_GINT64_FORMAT, kind_name, id);
  g_object_get (row, "display-name", &name, NULL);
  if (kind == CK_OBJECT_REQUEST)
    return g_strdup_printf ("%s %" G_GINT64_FORMAT " (%s, %s)", kind_name, id, name,
                            ck_request_status_to_string (
                              ck_stored_request_get_status (CK_STORED_REQUEST (row))));
  return g_strdup_printf ("%s %" G_GINT64_FORMAT " (%s)", kind_name, id, name);
}

static void
single_id_field (GString      *out,
                 const char   *label,
                 gint64        id,
                 CkObjectKind  kind,
                 CkStore      *store,
                 const char   *none)
{
  g_autofree char *text = id > 0 ? ck_cli_object_title (store, kind, id) : NULL;

  field (out, label, text ? text : none);
}

/* One section of the description: its title, then its fields indented
 * under it; a field of several values (or a value of several lines) has
 * its first on the label's line and the others aligned under it. */
static void
description_text (GString       *out,
                  CkDescription *description,
                  gint64         now)
{
  for (guint i = 0; i < ck_description_get_n_sections (description); i++)
    {
      CkDescriptionSection *section = ck_description_get_section (description, i);
      g_autofree char *title = ck_cli_printable (section->title);

      if (section->oid != NULL && !g_str_equal (section->title, section->oid))
        g_string_append_printf (out, "  %s (%s)%s:\n", title, section->oid,
                                section->critical ? ", critical" : "");
      else
        g_string_append_printf (out, "  %s%s:\n", title, section->critical ? ", critical" : "");
      guint width = LABEL_WIDTH;

      /* Labels are translated: the column is as wide as the longest. */
      for (guint f = 0; f < section->fields->len; f++)
        {
          CkDescriptionField *field = g_ptr_array_index (section->fields, f);

          width = MAX (width, g_utf8_strlen (field->label, -1) + 2);
        }
      for (guint f = 0; f < section->fields->len; f++)
        {
          CkDescriptionField *field = g_ptr_array_index (section->fields, f);
          g_autofree char *display = ck_description_field_to_display (field);
          g_autofree char *with_colon = g_strconcat (field->label, ":", NULL);
          g_auto (GStrv) lines = g_strsplit (display, "\n", -1);

          for (guint l = 0; lines[l] != NULL; l++)
            {
              g_autofree char *printable = ck_cli_printable (lines[l]);
              const char *label = l == 0 ? with_colon : "";
              const char *note = "";

              if (l == 0 && field->type == CK_DESCRIPTION_DATE &&
                  g_str_equal (section->key, "validity"))
                note = g_str_equal (field->key, "not_after") && field->time < now ? " (expired)"
                       : g_str_equal (field->key, "not_before") && field->time > now
                         ? " (not yet valid)" : "";
              g_string_append_printf (out, "    %s%*s%s%s\n", label,
                                      (int) (width - g_utf8_strlen (label, -1)), "",
                                      printable, note);
            }
        }
    }
}

void
ck_cli_describe_certificate (GString             *out,
                             CkStore             *store,
                             GHashTable          *requests,
                             CkStoredCertificate *row,
                             CkCertificate       *cert)
{
  gint64 id = ck_stored_certificate_get_id (row);
  g_autoptr (CkDescription) description = ck_description_new_for_certificate (cert);

  g_string_append_printf (out, "Certificate %" G_GINT64_FORMAT "\n", id);
  field (out, "Name", ck_certificate_get_display_name (cert));
  field (out, "Label", ck_stored_certificate_get_label (row));
  field (out, "Subject", ck_certificate_get_subject (cert));
  field (out, "Issuer", ck_certificate_get_issuer (cert));
  field (out, "Self-signed", ck_certificate_is_self_signed (cert) ? "yes" : "no");
  single_id_field (out, "Private key",
                   ck_store_find_key (store, ck_certificate_get_spki_sha256 (cert)),
                   CK_OBJECT_KEY, store, "not in the store");
  id_list_field (out, "Requests",
                 requests ? g_hash_table_lookup (requests, &id) : NULL,
                 CK_OBJECT_REQUEST, store);
  field (out, "Source", ck_stored_certificate_get_source (row));
  time_field (out, "Imported", ck_stored_certificate_get_imported_at (row), NULL);
  description_text (out, description, g_get_real_time () / G_USEC_PER_SEC);
}

void
ck_cli_describe_key (GString     *out,
                     CkStore     *store,
                     CkStoredKey *row)
{
  const char *spki = ck_stored_key_get_spki_sha256 (row);
  const char *uri = ck_stored_key_get_pkcs11_uri (row);
  g_autoptr (GArray) certificates = certificate_ids_for_key (store, spki);
  g_autoptr (GArray) requests = request_ids_for_key (store, spki);
  guint bits = ck_stored_key_get_bits (row);

  g_string_append_printf (out, "Key %" G_GINT64_FORMAT "\n", ck_stored_key_get_id (row));
  field (out, "Name", ck_stored_key_get_display_name (row));
  field (out, "Label", ck_stored_key_get_label (row));
  field (out, "Algorithm", ck_stored_key_get_algorithm (row));
  if (bits > 0)
    fieldf (out, "Bits", "%u", bits);
  field (out, "Curve", ck_stored_key_get_curve (row));
  fingerprint_field (out, "SPKI SHA-256", spki);
  if (uri != NULL)
    field (out, "Stored", "on a PKCS#11 token");
  else if (ck_stored_key_get_encrypted (row))
    field (out, "Stored", "encrypted with a passphrase (PKCS#8)");
  else
    field (out, "Stored", "not encrypted (stored without a passphrase)");
  field (out, "PKCS#11 URI", uri);
  id_list_field (out, "Certificates", certificates, CK_OBJECT_CERTIFICATE, store);
  id_list_field (out, "Requests", requests, CK_OBJECT_REQUEST, store);
  field (out, "Source", ck_stored_key_get_source (row));
  time_field (out, "Imported", ck_stored_key_get_imported_at (row), NULL);
}

void
ck_cli_describe_request (GString         *out,
                         CkStore         *store,
                         CkStoredRequest *row,
                         CkRequest       *request)
{
  CkRequestStatus status = ck_stored_request_get_status (row);

  g_string_append_printf (out, "Request %" G_GINT64_FORMAT "\n", ck_stored_request_get_id (row));
  field (out, "Name", ck_stored_request_get_display_name (row));
  field (out, "Subject", ck_stored_request_get_subject (row));
  field (out, "Status", ck_request_status_to_string (status));
  if (status == CK_REQUEST_STATUS_ISSUED)
    single_id_field (out, "Certificate", ck_stored_request_get_certificate_id (row),
                     CK_OBJECT_CERTIFICATE, store, NULL);
  /* A request that does not parse: what the store knows of it. */
  if (request == NULL)
    {
      fingerprint_field (out, "SHA-256 fingerprint", ck_stored_request_get_sha256 (row));
      fingerprint_field (out, "SPKI SHA-256", ck_stored_request_get_spki_sha256 (row));
    }
  single_id_field (out, "Private key",
                   ck_store_find_key (store, ck_stored_request_get_spki_sha256 (row)),
                   CK_OBJECT_KEY, store, "not in the store");
  field (out, "Profile", ck_stored_request_get_profile (row));
  field (out, "Source", ck_stored_request_get_source (row));
  time_field (out, "Created", ck_stored_request_get_created_at (row), NULL);
  if (request != NULL)
    {
      g_autoptr (CkDescription) description = ck_description_new_for_request (request);

      description_text (out, description, g_get_real_time () / G_USEC_PER_SEC);
    }
}
