/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

#include "ck-certificate.h"
#include "ck-request.h"

G_BEGIN_DECLS

/* What a certificate or a request says, as ordered sections of fields, in
 * the manner of gcr's certificate sections: the details pane, `show` and
 * `show --json` all render this one model, so they cannot disagree.
 *
 * A section has a stable key ("subject", "authority_info_access", …: the
 * JSON name), a translated title and, for an extension, its OID and
 * critical flag. A field has a stable key ("ocsp", "ca_issuers"), a
 * translated label and one value or several, typed so that each front end
 * can render them its own way (hex with colons in the window, plain hex in
 * JSON). Every extension commonly carried is decoded (GnuTLS's
 * gnutls_x509_ext_import_*(), libtasn1 with ck-extensions.asn for the ones
 * GnuTLS lacks); an unknown one, or one that does not decode, is one field
 * of raw hex.
 *
 * Adding a section (a revocation status, say) is ck_description_add_section()
 * and ck_description_section_add_*(): the front ends show it without
 * change. */

typedef enum {
  CK_DESCRIPTION_TEXT,    /* free text */
  CK_DESCRIPTION_HEX,     /* lower-case hex without separators */
  CK_DESCRIPTION_DATE,    /* ISO 8601 UTC ("2027-05-01T12:00:00Z"); see time */
  CK_DESCRIPTION_URI,     /* a URI (CPS, OCSP, CRL): can be opened */
  CK_DESCRIPTION_OID,     /* a dotted OID, named in the field's text */
  CK_DESCRIPTION_NUMBER,  /* a decimal integer */
  CK_DESCRIPTION_BOOLEAN, /* "true" or "false" */
} CkDescriptionType;

typedef struct {
  char              *key;       /* stable: "ocsp", "cps", "dns" */
  char              *label;     /* translated: "OCSP responder" */
  CkDescriptionType  type;
  /* One value, or several (a list): never empty, never NULL. */
  char             **values;
  /* A name for people for each value, "" where none is known (an OID's
   * "Any Policy", a key usage bit's "Digital signature"); or NULL. */
  char             **names;
  /* For CK_DESCRIPTION_DATE: the first value as seconds since the epoch. */
  gint64             time;
} CkDescriptionField;

typedef struct {
  char      *key;        /* stable: "basic_constraints", "extension" */
  char      *title;      /* translated: "Basic Constraints" */
  char      *oid;        /* for an extension, else NULL */
  gboolean   critical;   /* for an extension */
  gboolean   decoded;    /* an extension decoded field by field (not hex) */
  GPtrArray *fields;     /* element-type CkDescriptionField */
} CkDescriptionSection;

#define CK_TYPE_DESCRIPTION (ck_description_get_type ())
G_DECLARE_FINAL_TYPE (CkDescription, ck_description, CK, DESCRIPTION, GObject)

CkDescription *ck_description_new                 (void);
/* Sections: "subject", "issuer", "validity", "public_key", "signature",
 * "fingerprints", then one per extension in certificate order. */
CkDescription *ck_description_new_for_certificate (CkCertificate *certificate);
/* Sections: "subject", "public_key", "signature", "fingerprints",
 * "attributes", then one per requested extension. */
CkDescription *ck_description_new_for_request     (CkRequest     *request);

guint                 ck_description_get_n_sections (CkDescription *self);
CkDescriptionSection *ck_description_get_section    (CkDescription *self,
                                                     guint          index);
/* The first section with @key, or NULL. */
CkDescriptionSection *ck_description_lookup_section (CkDescription *self,
                                                     const char    *key);

/* Appends a section (owned by @self) and returns it. */
CkDescriptionSection *ck_description_add_section    (CkDescription *self,
                                                     const char    *key,
                                                     const char    *title);

CkDescriptionField *ck_description_section_add_field (CkDescriptionSection *section,
                                                      const char           *key,
                                                      const char           *label,
                                                      CkDescriptionType     type,
                                                      const char * const   *values);
CkDescriptionField *ck_description_section_add_text  (CkDescriptionSection *section,
                                                      const char           *key,
                                                      const char           *label,
                                                      const char           *value);
CkDescriptionField *ck_description_section_add_hex   (CkDescriptionSection *section,
                                                      const char           *key,
                                                      const char           *label,
                                                      const guint8         *data,
                                                      gsize                 len);
CkDescriptionField *ck_description_section_add_date  (CkDescriptionSection *section,
                                                      const char           *key,
                                                      const char           *label,
                                                      gint64                unix_time);
CkDescriptionField *ck_description_section_add_number (CkDescriptionSection *section,
                                                       const char           *key,
                                                       const char           *label,
                                                       gint64                value);
CkDescriptionField *ck_description_section_add_oid   (CkDescriptionSection *section,
                                                      const char           *key,
                                                      const char           *label,
                                                      const char           *oid);
/* The first field with @key in @section, or NULL. */
CkDescriptionField *ck_description_section_lookup    (CkDescriptionSection *section,
                                                      const char           *key);

/* The text a person reads for @field: hex with colons, an OID with its name
 * ("Any Policy (2.5.29.32.0)"), several values one per line. Dates are
 * left to the caller (the window shows local time); this gives ISO 8601. */
char *ck_description_field_to_display (const CkDescriptionField *field);

/* Calls @visit for each section (with @field NULL) and then for each of
 * its fields, in order: what a front end needs to lay the model out. */
typedef void (*CkDescriptionVisitFunc) (const CkDescriptionSection *section,
                                        const CkDescriptionField   *field,
                                        gpointer                    user_data);

void ck_description_foreach (CkDescription          *self,
                             CkDescriptionVisitFunc  visit,
                             gpointer                user_data);

/* What goes under an extension's title: "2.5.29.19 · critical", its OID;
 * NULL for a section that is not an extension. */
char *ck_description_section_to_subtitle (const CkDescriptionSection *section);

/* Decodes one extension (@value is the DER inside the OCTET STRING) into
 * @self as a section: what ck_description_new_for_*() do for each. */
CkDescriptionSection *ck_description_add_extension (CkDescription *self,
                                                    const char    *oid,
                                                    gboolean       critical,
                                                    GBytes        *value);

G_END_DECLS
