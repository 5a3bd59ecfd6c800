/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define CK_TYPE_STORED_CERTIFICATE (ck_stored_certificate_get_type ())
G_DECLARE_FINAL_TYPE (CkStoredCertificate, ck_stored_certificate, CK, STORED_CERTIFICATE, GObject)

/* A certificate row of the store: the summary columns the list view needs,
 * read without parsing the certificate. ck_store_load_certificate() gives
 * the full CkCertificate. Properties (all read-only except has-key):
 * id, display-name, subject, issuer, issuer-name, serial, not-before,
 * not-after, is-ca, has-key, sha256, sha1, spki-sha256, key-algorithm,
 * san, source, label, imported-at. */

gint64      ck_stored_certificate_get_id            (CkStoredCertificate *self);
const char *ck_stored_certificate_get_display_name  (CkStoredCertificate *self);
const char *ck_stored_certificate_get_subject       (CkStoredCertificate *self);
const char *ck_stored_certificate_get_issuer        (CkStoredCertificate *self);
const char *ck_stored_certificate_get_issuer_name   (CkStoredCertificate *self);
const char *ck_stored_certificate_get_serial        (CkStoredCertificate *self);
gint64      ck_stored_certificate_get_not_before    (CkStoredCertificate *self);
gint64      ck_stored_certificate_get_not_after     (CkStoredCertificate *self);
gboolean    ck_stored_certificate_get_is_ca         (CkStoredCertificate *self);
gboolean    ck_stored_certificate_get_has_key       (CkStoredCertificate *self);
void        ck_stored_certificate_set_has_key       (CkStoredCertificate *self,
                                                     gboolean             has_key);
const char *ck_stored_certificate_get_sha256        (CkStoredCertificate *self);
const char *ck_stored_certificate_get_sha1          (CkStoredCertificate *self);
const char *ck_stored_certificate_get_spki_sha256   (CkStoredCertificate *self);
const char *ck_stored_certificate_get_key_algorithm (CkStoredCertificate *self);
/* "DNS:a.example, IP:192.0.2.1" */
const char *ck_stored_certificate_get_san           (CkStoredCertificate *self);
const char *ck_stored_certificate_get_source        (CkStoredCertificate *self);
const char *ck_stored_certificate_get_label         (CkStoredCertificate *self);
gint64      ck_stored_certificate_get_imported_at   (CkStoredCertificate *self);

/* Search. Prepare the user's text ONCE with
 * ck_stored_certificate_prepare_needle() (NFKC-normalised, casefolded,
 * surrounding white space removed), then call matches() on every row: it
 * is allocation-free, for a filter over 100,000 rows. A row matches when
 * the needle is a substring of the display name, subject, issuer, SAN or
 * label (case-insensitively), or of the serial, SHA-256 or SHA-1 (lower-case
 * hex): for those, colons in the needle are ignored, so "AB:CD:EF" and
 * "abcdef" both match. An empty needle matches every row. */
char       *ck_stored_certificate_prepare_needle    (const char          *text);
gboolean    ck_stored_certificate_matches           (CkStoredCertificate *self,
                                                     const char          *needle);
/* Makes the row's search key now (the searchable text, lower-cased, in one
 * string), so that matches() is one strstr(); otherwise an ASCII row is
 * searched field by field. Thread-safe: a list calls it for its rows in a
 * worker thread after loading them, so that the first keystroke does not
 * pay for it. */
void        ck_stored_certificate_prepare_search    (CkStoredCertificate *self);

G_END_DECLS
