/* SPDX-License-Identifier: GPL-3.0-or-later */
#pragma once

#include <gio/gio.h>

#include "ck-certificate.h"
#include "ck-private-key.h"
#include "ck-store.h"

G_BEGIN_DECLS

/* What the Export menu needs beyond a single certificate: its chain as far
 * as the store knows it, and PKCS#12 files. */

/* @cert and its issuers found in @store, walked upwards (element-type
 * CkCertificate, @cert first). An issuer counts when its subject equals the
 * issuer name and its key verifies the signature. Stops at a self-signed
 * certificate (@complete TRUE), at an issuer the store lacks (@complete
 * FALSE), or at a loop. Never fails: a broken store entry ends the walk. */
GPtrArray *ck_export_collect_chain (CkStore       *store,
                                    CkCertificate *cert,
                                    gboolean      *complete);
/* The certificates of @chain as concatenated PEM blocks. */
char      *ck_export_chain_to_pem  (GPtrArray     *chain);

/* How much of the chain goes with a certificate. */
typedef enum {
  CK_EXPORT_CHAIN_NONE,        /* the certificate alone */
  CK_EXPORT_CHAIN_NO_ROOT,     /* and its issuers, the self-signed root left out
                                * (the other side has its own anchors) */
  CK_EXPORT_CHAIN_WITH_ROOT,   /* and every issuer the store has, root included */
} CkExportChain;

/* ck_export_collect_chain() cut to @which: @cert first. @complete as
 * there (it says whether the store had every issuer up to a root, whether
 * or not the root is kept). */
GPtrArray *ck_export_select_chain  (CkStore       *store,
                                    CkCertificate *cert,
                                    CkExportChain  which,
                                    gboolean      *complete);

/* Who has to read a PKCS#12 file. */
typedef enum {
  /* AES-256-CBC (PBES2, PBKDF2-HMAC-SHA256) for the key and the
   * certificates, a SHA-256 MAC: OpenSSL 3, Windows 10 1709 and later,
   * macOS, Java 11 and later, NSS, GnuTLS. */
  CK_PKCS12_PROFILE_MODERN,
  /* 3DES (pbeWithSHAAnd3-KeyTripleDES-CBC) for the key, RC2-40 for the
   * certificates, a SHA-1 MAC: Windows Server 2016 and older, Java 8, old
   * appliances; OpenSSL 3 reads it only with -legacy. */
  CK_PKCS12_PROFILE_LEGACY,
} CkPkcs12Profile;

/* "modern" / "legacy"; FALSE for anything else. */
gboolean   ck_pkcs12_profile_from_string (const char      *text,
                                          CkPkcs12Profile *profile);

/* A PKCS#12 file (DER) holding @cert, its @key and the rest of @chain
 * (nullable; its first element is skipped when it is @cert), encrypted
 * with @password as @profile says. @friendly_name (nullable) labels the
 * certificate and key (characters past U+00FF as their ASCII
 * transliteration: GnuTLS writes the BMPString one byte a character); the
 * key and its certificate share a localKeyID. */
GBytes    *ck_export_pkcs12        (CkCertificate   *cert,
                                    CkPrivateKey    *key,
                                    GPtrArray       *chain,
                                    const char      *password,
                                    const char      *friendly_name,
                                    CkPkcs12Profile  profile,
                                    GError         **error);

G_END_DECLS
