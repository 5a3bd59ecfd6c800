#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Writes well-formed X.509 certificates with ML-DSA-65 (FIPS 204, OID
2.16.840.1.101.3.4.3.18, RFC 9881) keys and signatures that GnuTLS 3.7.9
cannot use, for tests of certificates with unsupported algorithms:

  mldsa65-ca.pem    self-signed ML-DSA-65 CA ("CN=ML-DSA-65 Test CA")
  mldsa65-leaf.pem  a P-256 leaf ("CN=mldsa-leaf.example.test") whose
                    signature is the CA's (ML-DSA-65)

OpenSSL 3.0 (Debian 12) cannot make ML-DSA, so the DER is assembled here.
The public key and the signatures are deterministic filler of the right
sizes (1952 and 3309 bytes): the certificates are well-formed, not
verifiable, which is the point. Run: python3 make-mldsa65.py (writes into
its own directory).
"""
import base64
import hashlib
import os

MLDSA65 = "2.16.840.1.101.3.4.3.18"
PK_BYTES, SIG_BYTES = 1952, 3309
# A P-256 SubjectPublicKeyInfo (a throwaway key made with openssl)
LEAF_SPKI = bytes.fromhex(
    "3059301306072a8648ce3d020106082a8648ce3d03010703420004badd08397f37"
    "2597a485a09c350094d26967ef6dccdfa231d3ecb827dfbd7d172a33ba0462c6f0"
    "254160669838c76e3b567cf906464b9cf6ff0fe67e22bec4f4")


def tlv(tag, content):
    n = len(content)
    if n < 0x80:
        length = bytes([n])
    else:
        b = n.to_bytes((n.bit_length() + 7) // 8, "big")
        length = bytes([0x80 | len(b)]) + b
    return bytes([tag]) + length + content


def seq(*items):
    return tlv(0x30, b"".join(items))


def oid(dotted):
    arcs = [int(a) for a in dotted.split(".")]
    out = [40 * arcs[0] + arcs[1]] + arcs[2:]
    body = b""
    for a in out:
        chunk = [a & 0x7f]
        a >>= 7
        while a:
            chunk.insert(0, 0x80 | (a & 0x7f))
            a >>= 7
        body += bytes(chunk)
    return tlv(0x06, body)


def integer(v):
    b = v.to_bytes(max(1, (v.bit_length() + 8) // 8), "big")
    return tlv(0x02, b)


def bitstring(b):
    return tlv(0x03, b"\x00" + b)


def filler(label, n):
    out = b""
    i = 0
    while len(out) < n:
        out += hashlib.sha256(f"{label}:{i}".encode()).digest()
        i += 1
    return out[:n]


def name(cn):
    atv = seq(oid("2.5.4.3"), tlv(0x0c, cn.encode()))
    org = seq(oid("2.5.4.10"), tlv(0x0c, b"Certkeeper tests"))
    return seq(tlv(0x31, org), tlv(0x31, atv))


def utctime(s):
    return tlv(0x17, s.encode())


def ext(ext_oid, critical, value):
    parts = [oid(ext_oid)]
    if critical:
        parts.append(tlv(0x01, b"\xff"))
    parts.append(tlv(0x04, value))
    return seq(*parts)


def key_id(spki):
    # RFC 5280 method 1: SHA-1 of the subjectPublicKey BIT STRING's value
    return hashlib.sha1(spki).digest()


def certificate(serial, issuer, subject, spki, subject_key, issuer_key, ca):
    alg = seq(oid(MLDSA65))   # parameters absent (RFC 9881)
    exts = [ext("2.5.29.19", True, seq(tlv(0x01, b"\xff")) if ca else seq()),
            ext("2.5.29.15", True, tlv(0x03, b"\x01\x06") if ca else tlv(0x03, b"\x07\x80")),
            ext("2.5.29.14", False, tlv(0x04, subject_key)),
            ext("2.5.29.35", False, seq(tlv(0x80, issuer_key)))]
    if not ca:
        exts.append(ext("2.5.29.17", False,
                        seq(tlv(0x82, b"mldsa-leaf.example.test"))))
    tbs = seq(tlv(0xa0, integer(2)), integer(serial), alg, name(issuer),
              seq(utctime("250101000000Z"), utctime("491231235959Z")),
              name(subject), spki, tlv(0xa3, seq(*exts)))
    return seq(tbs, alg, bitstring(filler(f"signature:{serial}", SIG_BYTES)))


def pem(der):
    b64 = base64.encodebytes(der).decode().replace("\n", "")
    lines = [b64[i:i + 64] for i in range(0, len(b64), 64)]
    return "-----BEGIN CERTIFICATE-----\n" + "\n".join(lines) + \
        "\n-----END CERTIFICATE-----\n"


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    ca_pk = filler("ML-DSA-65 public key", PK_BYTES)
    ca_spki = seq(seq(oid(MLDSA65)), bitstring(ca_pk))
    ca_kid = key_id(ca_pk)
    leaf_kid = key_id(LEAF_SPKI[-65:])
    ca = certificate(0x4d4c44534136350001, "ML-DSA-65 Test CA", "ML-DSA-65 Test CA",
                     ca_spki, ca_kid, ca_kid, True)
    leaf = certificate(0x4d4c44534136350002, "ML-DSA-65 Test CA",
                       "mldsa-leaf.example.test", LEAF_SPKI, leaf_kid, ca_kid, False)
    for fname, der in (("mldsa65-ca.pem", ca), ("mldsa65-leaf.pem", leaf)):
        with open(os.path.join(here, fname), "w") as f:
            f.write(pem(der))


if __name__ == "__main__":
    main()
