/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

/* Reading PKCS#12 (RFC 7292) files: the MAC checked, every safe decrypted
 * and every SafeBag in it returned in file order. What the bags become
 * (items, errors, notes) is the importer's business. */

#include <gio/gio.h>
#include <gnutls/pkcs12.h>

G_BEGIN_DECLS

typedef struct {
  gnutls_pkcs12_bag_type_t type;
  /* The bag's value: a certificate's or CRL's DER, a PrivateKeyInfo or an
   * EncryptedPrivateKeyInfo (wiped when freed); NULL when empty. */
  GBytes *der;
  char *friendly_name;   /* UTF-8, or NULL */
} CkPkcs12Bag;

void       ck_pkcs12_bag_free  (CkPkcs12Bag *bag);

/* Checks that @der is a PKCS#12 file whose MAC algorithm this GnuTLS can
 * check (or that has none), before any password is asked for. */
gboolean   ck_pkcs12_check     (GBytes      *der,
                                GError     **error);

/* Checks the MAC with @password, decrypts the safes and returns every bag
 * (CkPkcs12Bag) in order, or NULL with CK_ERROR_BAD_PASSWORD,
 * CK_ERROR_UNSUPPORTED, CK_ERROR_PARSE… *@has_mac tells whether the file
 * had a MAC (without one a wrong password shows only later). */
GPtrArray *ck_pkcs12_read_bags (GBytes      *der,
                                const char  *password,
                                gboolean    *has_mac,
                                GError     **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (CkPkcs12Bag, ck_pkcs12_bag_free)

G_END_DECLS
