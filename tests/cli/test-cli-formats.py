#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end tests of certificates whose key algorithm GnuTLS 3.7.9
cannot use, through `certkeeper-cli import`, `list`, `show` and `verify`:
a hand-made ML-DSA-65 CA and a leaf it signed
(tests/data/unsupported/make-mldsa65.py), and the certtool suite's GOST
certificates; and a PKCS#12 with more bags in one safe than GnuTLS keeps. Output is TAP, for meson. Reuses the harness of test-cli.py.

Usage: test-cli-formats.py PATH/TO/certkeeper-cli
"""

import base64
import hashlib
import importlib.util
import os
import re
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("test_cli", os.path.join(HERE, "test-cli.py"))
tc = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tc)
Failure, check, check_equal, Store = tc.Failure, tc.check, tc.check_equal, tc.Store

DATA = os.environ.get("CK_TEST_DATA", os.path.join(HERE, "..", "data"))
MLDSA_CA = os.path.join(DATA, "unsupported", "mldsa65-ca.pem")
MLDSA_LEAF = os.path.join(DATA, "unsupported", "mldsa65-leaf.pem")
MLDSA65 = "2.16.840.1.101.3.4.3.18"
PROBLEM = "key algorithm not supported: cannot be verified"
SERVER = "1.3.6.1.5.5.7.3.1"
WORKDIR = None
TESTS = []


def test(func):
    TESTS.append(func)
    return func


def sha256_of_pem(path):
    text = open(path, encoding="ascii").read()
    body = re.search(r"-----BEGIN CERTIFICATE-----(.*?)-----END", text, re.S).group(1)
    return hashlib.sha256(base64.b64decode("".join(body.split()))).hexdigest()


_counter = [0]


def new_store():
    _counter[0] += 1
    return Store(WORKDIR, f"formats-{_counter[0]}")


def import_ids(store, *paths):
    out = store.ok("import", *paths).stdout
    return [int(i) for i in re.findall(r"certificate (\d+):", out)]


@test
def mldsa_import_list_show():
    store = new_store()
    ca, leaf = import_ids(store, MLDSA_CA, MLDSA_LEAF)
    rows = {row["id"]: row for row in store.certificates()}
    check_equal(rows[ca]["sha256"], sha256_of_pem(MLDSA_CA), "CA fingerprint")
    check_equal(rows[ca]["key_algorithm"], "ML-DSA-65", "listed algorithm")
    check_equal(rows[leaf]["sha256"], sha256_of_pem(MLDSA_LEAF), "leaf fingerprint")

    doc = store.ok("show", str(ca), "--json").json()
    check_equal(doc["key_algorithm"], "ML-DSA-65", "algorithm name")
    check_equal(doc["key_algorithm_oid"], MLDSA65, "algorithm OID")
    check_equal(doc["key_supported"], False, "key_supported")
    check_equal(doc["subject"], "CN=ML-DSA-65 Test CA,O=Certkeeper tests", "subject")
    check_equal(doc["serial"], "4d4c44534136350001", "serial")
    check_equal(doc["is_ca"], True, "basic constraints")
    check_equal(doc["subject_key_id"], doc["authority_key_id"], "key ids")
    check_equal(len(doc["spki_sha256"]), 64, "SPKI SHA-256")

    text = store.ok("show", str(ca)).stdout
    check(re.search(r"Algorithm:\s+ML-DSA-65\n\s+Algorithm OID:\s+.*" + re.escape(MLDSA65)
                    + r".*\n\s+Status:\s+" + re.escape(PROBLEM), text), text)
    leaf_doc = store.ok("show", str(leaf), "--json").json()
    check_equal(leaf_doc["key_algorithm"], "ECDSA", "the leaf's own key is P-256")
    check_equal(leaf_doc["key_supported"], True, "leaf key_supported")
    check_equal(leaf_doc["signature_algorithm"], MLDSA65, "leaf signature algorithm")


@test
def mldsa_verify_says_so():
    store = new_store()
    ca, leaf = import_ids(store, MLDSA_CA, MLDSA_LEAF)
    # Not even trusting the CA makes the leaf trusted: its signature
    # cannot be checked.
    store.ok("trust", "set", str(ca), "--purpose", "tls-server", "--trusted")
    for _ in range(2):
        result = store.run("verify", str(leaf), "--purpose", "tls-server", "--json")
        check_equal(result.code, 3, f"verify exit status: {result!r}")
        doc = result.json()
        check_equal(doc["status"], "unsupported-algorithm", "status")
        check(PROBLEM in doc["reason"] and "ML-DSA-65 Test CA" in doc["reason"], doc["reason"])
        check_equal(doc["chain"], [sha256_of_pem(MLDSA_LEAF), sha256_of_pem(MLDSA_CA)], "chain")
        # and the same when nobody trusts the CA
        store.ok("trust", "set", str(ca), "--purpose", "tls-server", "--default")


@test
def pkcs12_with_40_certificates():
    # OpenSSL puts a whole chain in one safe; GnuTLS keeps 32 bags of it.
    tmp = tempfile.mkdtemp(dir=WORKDIR)
    key = os.path.join(tmp, "key.pem")
    chain = os.path.join(tmp, "chain.pem")
    leaf = os.path.join(tmp, "leaf.pem")
    pw = os.path.join(tmp, "pw")
    with open(pw, "w") as f:
        f.write("forty certificates\n")
    os.chmod(pw, 0o600)
    tc.run_tool(tc.OPENSSL, "genpkey", "-algorithm", "EC", "-pkeyopt",
                "ec_paramgen_curve:P-256", "-out", key)
    tc.run_tool(tc.OPENSSL, "req", "-x509", "-new", "-key", key, "-subj", "/CN=p12-leaf",
                "-days", "30", "-out", leaf)
    with open(chain, "wb") as f:
        for i in range(1, 41):
            f.write(tc.run_tool(tc.OPENSSL, "req", "-x509", "-new", "-key", key, "-subj",
                                f"/CN=p12-chain-{i}", "-set_serial", str(i), "-days", "30"))
    p12 = os.path.join(tmp, "40.p12")
    tc.run_tool(tc.OPENSSL, "pkcs12", "-export", "-inkey", key, "-in", leaf, "-certfile",
                chain, "-passout", f"file:{pw}", "-out", p12)

    store = new_store()
    out = store.ok("import", "--password-file", pw, "--no-key-passphrase", p12).stdout
    check_equal(len(re.findall(r"certificate \d+:", out)), 41, "certificates imported")
    names = sorted(row["display_name"] for row in store.certificates())
    check_equal(names, sorted(["p12-leaf"] + [f"p12-chain-{i}" for i in range(1, 41)]),
                "every certificate of the file")
    check_equal(len(store.keys()), 1, "the key")


@test
def gost_certificates():
    # Debian's GnuTLS 3.7.9 is built with GOST: these import as supported
    # keys, named by GnuTLS; where GOST is compiled out they are kept as
    # unsupported ones, named from the OID.
    store = new_store()
    gost = os.path.join(DATA, "certtool", "data", "gost-cert-new.pem")
    (cert,) = import_ids(store, gost)
    doc = store.ok("show", str(cert), "--json").json()
    check_equal(doc["sha256"], sha256_of_pem(gost), "fingerprint")
    check_equal(doc["key_algorithm_oid"], "1.2.643.7.1.1.1.2", "GOST R 34.10-2012-512 OID")
    check("GOST R 34.10-2012" in doc["key_algorithm"], doc["key_algorithm"])
    check_equal(doc["subject"], "CN=Test Server", "subject")


def main():
    def prepare(workdir):
        global WORKDIR
        WORKDIR = workdir
    return tc.tap_main("test-cli-formats.py", TESTS, {"openssl": tc.OPENSSL}, prepare)


if __name__ == "__main__":
    sys.exit(main())
