#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end tests of `certkeeper-cli selfsign`, `sign`, `revoke` and
`crl`: a small CA kept in the store.

openssl and certtool decide: every certificate made must verify with
`openssl verify -CAfile` and `certtool --verify-chain`; a CRL must be read
by `openssl crl -verify` and `certtool --crl-info`, and make
`openssl verify -crl_check` reject the revoked certificate only; a
certificate made from a certtool template must equal, field for field, the
one certtool makes from the same template, CA and key. Output is TAP, for
meson. Reuses the harness of test-cli.py.

Usage: test-cli-sign.py PATH/TO/certkeeper-cli
"""

import importlib.util
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("test_cli", os.path.join(HERE, "test-cli.py"))
tc = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tc)
Failure, check, check_equal, Store = tc.Failure, tc.check, tc.check_equal, tc.Store

WORKDIR = None
TESTS = []
ONLY = os.environ.get("CK_TEST_ONLY")
_counter = [0]

KEY_TYPES = [
    ("rsa", ["--bits", "2048"]),
    ("rsa-pss", ["--bits", "2048"]),
    ("ecdsa", ["--curve", "P-256"]),
    ("ecdsa", ["--curve", "P-384"]),
    ("ed25519", []),
    ("ed448", []),
]
LEAF_PROFILES = {
    "tls-server": ["--san", "DNS:{cn}"],
    "tls-client": [],
    "code-signing": [],
    "email": ["--san", "email:{cn}@example.com"],
}


def test(func):
    if ONLY is None or ONLY == func.__name__:
        TESTS.append(func)
    return func


def path(name):
    return os.path.join(WORKDIR, name)


def write(name, text):
    with open(path(name), "w", encoding="utf-8") as f:
        f.write(text)
    return path(name)


def new_store():
    _counter[0] += 1
    return Store(WORKDIR, f"sign-{_counter[0]}")


def stored_id(result, what):
    match = re.search(what + r" (\d+)", result.stdout + result.stderr)
    check(match is not None, f"no “{what} N” in {result!r}")
    return int(match.group(1))


def make_root(store, name, alg="ecdsa", alg_args=("--curve", "P-256")):
    out = path(f"{name}.pem")
    result = store.ok("selfsign", "--new-key", alg, *alg_args, "--no-key-passphrase",
                      "--subject", f"CN={name}, O=Certkeeper Tests, C=CH",
                      "--profile", "root-ca", "--out", out)
    check("trusted for nothing" in result.stdout, result.stdout)
    return stored_id(result, "certificate"), out


def make_request(store, cn, profile, alg="ecdsa", alg_args=("--curve", "P-256"), extra=()):
    out = path(f"{cn}.csr")
    args = [a.format(cn=cn) for a in LEAF_PROFILES.get(profile, [])]
    store.ok("request", "--new-key", alg, *alg_args, "--no-key-passphrase", "--cn", cn,
             "--profile", profile, *args, *extra, "--out", out)
    return out


def sign(store, request, ca_id, *args, name=None):
    out = path(f"{name or os.path.basename(request)}.crt")
    result = store.ok("sign", request, "--ca", str(ca_id), *args, "--out", out)
    return stored_id(result, "Certificate"), out


def verify_chain(leaf, *cas):
    """openssl and certtool both accept @leaf with @cas (root last)."""
    root = cas[-1] if cas else leaf
    args = ["verify", "-CAfile", root]
    if len(cas) > 1:
        args += ["-untrusted", concat(path("untrusted.pem"), *cas[:-1])]
    out = tc.run_tool(tc.OPENSSL, *args, leaf).decode()
    check(out.strip().endswith("OK"), out)
    chain = concat(path("chain.pem"), leaf, *cas) if cas else leaf
    info = tc.run_tool(tc.CERTTOOL, "--verify-chain", "--infile", chain).decode()
    check("Chain verification output: Verified." in info, info)


def concat(target, *paths):
    with open(target, "wb") as out:
        for p in paths:
            with open(p, "rb") as f:
                out.write(f.read())
    return target


def key_spki_sha256(key):
    info = tc.run_tool(tc.CERTTOOL, "-k", "--infile", key).decode()
    match = re.search(r"Public Key ID:(?:\s*sha1:[0-9a-f]+)?\s*sha256:([0-9a-f]+)", info)
    check(match is not None, "certtool -k prints no Public Key ID sha256")
    return match.group(1)


def openssl_text(cert):
    return tc.run_tool(tc.OPENSSL, "x509", "-noout", "-text", "-in", cert).decode()


def certtool_fields(cert):
    """certtool -i without what differs between two signings of the same
    certificate (serial, dates, signature, fingerprints), extensions as a
    sorted list of blocks (certtool and Certkeeper order them
    differently)."""
    info = tc.run_tool(tc.CERTTOOL, "-i", "--infile", cert).decode()
    info = info.split("Other Information:")[0]
    head, blocks, current, section = [], [], None, None
    for line in info.splitlines():
        if line.startswith("\tSerial Number") or line.startswith("\t\tNot Before") or \
           line.startswith("\t\tNot After"):
            continue
        if line.startswith("\tSignature"):
            section = "signature"
            continue
        if line.startswith("\tExtensions:"):
            section = "extensions"
            continue
        if line.startswith("\t") and not line.startswith("\t\t"):
            section = None
        if section == "signature":
            continue
        if section == "extensions":
            if line.startswith("\t\t") and not line.startswith("\t\t\t"):
                current = [line]
                blocks.append(current)
            elif current is not None:
                current.append(line)
            continue
        head.append(line)
    return head, sorted("\n".join(b) for b in blocks)


# --- Self-signed and signed certificates --------------------------------


@test
def every_profile_and_key_type_verifies():
    for alg, alg_args in KEY_TYPES:
        store = new_store()
        tag = alg + "".join(alg_args).replace("--", "-")
        ca_id, ca = make_root(store, f"root{tag}", alg, alg_args)
        verify_chain(ca)
        text = openssl_text(ca)
        check("CA:TRUE" in text and "Certificate Sign" in text, text)
        check(re.search(r"X509v3 Basic Constraints: critical", text), text)
        for profile in LEAF_PROFILES:
            cn = f"{profile}{tag}"
            request = make_request(store, cn, profile, alg, alg_args)
            cert_id, cert = sign(store, request, ca_id, "--profile", profile,
                                 "--keep-extensions", "subjectAltName")
            verify_chain(cert, ca)
            text = openssl_text(cert)
            check("CA:FALSE" in text, text)
            check("X509v3 Authority Key Identifier" in text, text)
            serial = re.search(r"Serial Number:\s*\n\s*([0-9a-f:]+)", text).group(1)
            octets = serial.split(":")
            check(len(octets) == 20 and int(octets[0], 16) < 0x80, f"serial {serial}")
        # A self-signed leaf, too.
        out = path(f"self{tag}.pem")
        store.ok("selfsign", "--new-key", alg, *alg_args, "--no-key-passphrase", "--cn",
                 f"self{tag}.example", "--san", f"DNS:self{tag}.example", "--profile",
                 "tls-server", "--days", "30", "--out", out)
        out_text = tc.run_tool(tc.OPENSSL, "verify", "-CAfile", out, out).decode()
        check(out_text.strip().endswith("OK"), out_text)


@test
def sub_ca_chain_verifies_and_requests_become_issued():
    store = new_store()
    root_id, root = make_root(store, "chain-root")
    sub_request = make_request(store, "chain-sub", "sub-ca")
    sub_id, sub = sign(store, sub_request, root_id, "--profile", "sub-ca")
    text = openssl_text(sub)
    check("CA:TRUE, pathlen:0" in text, text)
    verify_chain(sub, root)
    leaf_request = make_request(store, "leaf.chain.example", "tls-server")
    leaf_id, leaf = sign(store, leaf_request, sub_id, "--profile", "tls-server",
                         "--keep-extensions", "san", "--days", "90",
                         "--ocsp-url", "http://ocsp.example/", "--ca-issuers-url",
                         "http://ca.example/sub.crt", "--crl-url", "http://ca.example/sub.crl")
    text = openssl_text(leaf)
    check("OCSP - URI:http://ocsp.example/" in text, text)
    check("CA Issuers - URI:http://ca.example/sub.crt" in text, text)
    check("URI:http://ca.example/sub.crl" in text, text)
    out = tc.run_tool(tc.OPENSSL, "verify", "-CAfile", root, "-untrusted", sub, leaf).decode()
    check(out.strip().endswith("OK"), out)
    info = tc.run_tool(tc.CERTTOOL, "--verify-chain", "--infile",
                       concat(path("full-chain.pem"), leaf, sub, root)).decode()
    check("Chain verification output: Verified." in info, info)
    requests = {r["display_name"]: r for r in store.requests()}
    for name, cert_id in (("chain-sub", sub_id), ("leaf.chain.example", leaf_id)):
        check_equal(requests[name]["status"], "issued", f"request {name}")
        check_equal(requests[name]["certificate_id"], cert_id, f"request {name} linked")
    # The sub-CA has a path length of 0: it cannot sign another CA.
    result = store.fails(1, "sign", make_request(store, "chain-sub2", "sub-ca"),
                         "--ca", str(sub_id), "--profile", "sub-ca")
    check("path length of 0" in result.stderr, result.stderr)


@test
def a_request_for_a_ca_yields_a_leaf_unless_kept_by_name():
    store = new_store()
    ca_id, ca = make_root(store, "keep-root")
    request = make_request(store, "wants-ca", "tls-client", extra=("--ca",))
    _, cert = sign(store, request, ca_id, "--keep-extensions", "all", name="kept-all")
    text = openssl_text(cert)
    check("CA:FALSE" in text and "CA:TRUE" not in text, text)
    _, cert = sign(store, request, ca_id, name="kept-none")
    check("CA:FALSE" in openssl_text(cert), "no keep: a leaf")
    # Named explicitly, with a CA profile for the key usage: a CA, with a warning.
    result = store.ok("sign", request, "--ca", str(ca_id), "--profile", "sub-ca",
                      "--keep-extensions", "basicConstraints", "--out", path("kept-bc.crt"))
    check("CA:TRUE is kept" in result.stderr, result.stderr)
    check("CA:TRUE" in openssl_text(path("kept-bc.crt")), "kept by name")


@test
def extensions_are_copied_only_when_kept():
    store = new_store()
    ca_id, ca = make_root(store, "copy-root")
    request = make_request(store, "copy.example", "tls-server",
                           extra=("--san", "DNS:other.example"))
    _, bare = sign(store, request, ca_id, name="bare")
    text = openssl_text(bare)
    check("Subject Alternative Name" not in text and "Extended Key Usage" not in text, text)
    _, kept = sign(store, request, ca_id, "--keep-extensions", "san,eku,keyUsage", name="kept")
    text = openssl_text(kept)
    check("DNS:copy.example, DNS:other.example" in text, text)
    check("TLS Web Server Authentication" in text, text)
    store.fails(2, "sign", request, "--ca", str(ca_id), "--keep-extensions", "nonsense")


@test
def a_bad_request_signature_is_refused():
    store = new_store()
    ca_id, _ = make_root(store, "badsig-root")
    request = make_request(store, "badsig", "tls-client")
    der = tc.run_tool(tc.OPENSSL, "req", "-in", request, "-outform", "DER")
    broken = bytearray(der)
    broken[-5] ^= 0x01   # inside the signature
    with open(path("badsig.der"), "wb") as f:
        f.write(bytes(broken))
    before = len(store.certificates())
    result = store.fails(1, "sign", path("badsig.der"), "--ca", str(ca_id))
    check("signature does not verify" in result.stderr, result.stderr)
    check_equal(len(store.certificates()), before, "nothing stored")
    # Not a request at all: the file is named, nothing is made.
    result = store.fails(1, "sign", write("junk.pem", "junk\n"), "--ca", str(ca_id))
    check("junk.pem" in result.stderr, result.stderr)
    result = store.fails(1, "sign", path("badsig-root.pem"), "--ca", str(ca_id))
    check("no certificate signing request" in result.stderr, result.stderr)
    check_equal(len(store.certificates()), before, "still nothing stored")


@test
def a_ca_without_key_cert_sign_is_refused():
    store = new_store()
    key, cert = path("nokcs.key"), path("nokcs.pem")
    tc.run_tool(tc.CERTTOOL, "--generate-privkey", "--key-type", "ecdsa", "--outfile", key)
    tc.run_tool(tc.CERTTOOL, "--generate-self-signed", "--load-privkey", key, "--template",
                write("nokcs.tmpl", 'cn = "No keyCertSign CA"\nca\nsigning_key\n'
                      "crl_signing_key\nexpiration_days = 30\n"),
                "--outfile", cert)
    store.ok("import", "--no-key-passphrase", key, cert)
    ca_id = [c for c in store.certificates() if c["display_name"] == "No keyCertSign CA"][0]["id"]
    request = make_request(store, "victim", "tls-client")
    result = store.fails(1, "sign", request, "--ca", str(ca_id))
    check("keyCertSign" in result.stderr, result.stderr)
    # And a certificate that is no CA at all.
    leaf_id, _ = sign(store, make_request(store, "leafy", "tls-client"),
                      make_root(store, "real-root")[0])
    result = store.fails(1, "sign", request, "--ca", str(leaf_id))
    check("not a CA certificate" in result.stderr, result.stderr)


@test
def a_failure_leaves_the_store_as_it_was():
    # Issuing is one store transaction that ends with writing --out: when
    # the file cannot be written, or the checks refuse, nothing is kept,
    # not the new key, not the CA tables of a store that had none.
    store = new_store()
    store.ok("list")
    before = tc.dump_store(store)
    result = store.fails(1, "selfsign", "--new-key", "ecdsa", "--no-key-passphrase",
                         "--cn", "lost.example", "--san", "DNS:lost.example",
                         "--profile", "tls-server", "--out", "/nonexistent/dir/x.pem")
    check("/nonexistent/dir/x.pem" in result.stderr, result.stderr)
    check_equal(tc.dump_store(store), before, "store after a failed selfsign --out")
    # Refused by the checks (a TLS server without a SAN) before a key is made.
    result = store.fails(1, "selfsign", "--new-key", "rsa", "--bits", "2048",
                         "--no-key-passphrase", "--cn", "nosan.example", "--profile", "tls-server",
                         "--out", path("nosan.pem"))
    check("subject alternative names" in result.stderr, result.stderr)
    check(not os.path.exists(path("nosan.pem")), "no file written")
    check_equal(tc.dump_store(store), before, "store after refused checks")
    # Standard output that cannot take it (a full disk).
    with open("/dev/full", "wb") as full:
        proc = tc.subprocess.run([tc.CLI, "--store", store.dir, "selfsign", "--new-key", "ecdsa",
                                  "--no-key-passphrase", "--cn", "full.example",
                                  "--profile", "root-ca"],
                                 stdin=tc.subprocess.DEVNULL, stdout=full,
                                 stderr=tc.subprocess.PIPE, timeout=tc.TIMEOUT)
    check_equal(proc.returncode, 1, proc.stderr.decode())
    check_equal(tc.dump_store(store), before, "store after a failed write to stdout")

    # Signing: the request stays pending, the CA's serials unspent.
    ca_id, ca = make_root(store, "fail-root")
    request = make_request(store, "fail.example", "tls-client")
    before = tc.dump_store(store)
    result = store.fails(1, "sign", request, "--ca", str(ca_id), "--out", "/nonexistent/dir/y.crt")
    check("/nonexistent/dir/y.crt" in result.stderr, result.stderr)
    check_equal(tc.dump_store(store), before, "store after a failed sign --out")
    check_equal([r["status"] for r in store.requests()], ["pending"], "still pending")

    # A CRL that cannot be written spends no CRL number.
    leaf_id, leaf = sign(store, request, ca_id)
    store.ok("revoke", str(leaf_id), "--reason", "superseded")
    before = tc.dump_store(store)
    store.fails(1, "crl", str(ca_id), "--out", "/nonexistent/dir/z.crl")
    check_equal(tc.dump_store(store), before, "store after a failed crl --out")
    result = store.ok("crl", str(ca_id), "--out", path("fail-root.crl"))
    check("CRL number 1 " in result.stdout, result.stdout)
    text = tc.run_tool(tc.OPENSSL, "crl", "-in", path("fail-root.crl"), "-noout", "-text",
                       "-CAfile", ca).decode()
    check("Superseded" in text, text)


@test
def tls_server_validity_beyond_the_forum_limit_is_a_warning():
    store = new_store()
    ca_id, _ = make_root(store, "limit-root")
    request = make_request(store, "long.example", "tls-server")
    result = store.ok("sign", request, "--ca", str(ca_id), "--profile", "tls-server",
                      "--keep-extensions", "san", "--not-before", "2026-04-01",
                      "--days", "365", "--out", path("long.crt"))
    check("at most 200 days" in result.stderr, result.stderr)
    result = store.ok("sign", request, "--ca", str(ca_id), "--profile", "tls-server",
                      "--keep-extensions", "san", "--not-before", "2029-04-01",
                      "--days", "48", "--out", path("long2.crt"))
    check("at most 47 days" in result.stderr, result.stderr)
    result = store.ok("sign", request, "--ca", str(ca_id), "--profile", "tls-server",
                      "--keep-extensions", "san", "--out", path("default.crt"))
    check("at most" not in result.stderr, result.stderr)
    # A serial chosen by hand is used once per CA.
    store.ok("sign", request, "--ca", str(ca_id), "--serial", "0c:a5", "--out", path("s1.crt"))
    before = len(store.certificates())
    result = store.fails(1, "sign", request, "--ca", str(ca_id), "--serial", "0CA5",
                         "--out", path("s2.crt"))
    check("serial 0ca5" in result.stderr and "twice" in result.stderr, result.stderr)
    check_equal(len(store.certificates()), before, "nothing stored")
    # Errors block: a serial that is negative, or longer than 20 octets.
    for serial in ("80", "01" * 21):
        result = store.fails(1, "sign", request, "--ca", str(ca_id), "--serial", serial)
        check("serial" in result.stderr.lower(), result.stderr)


@test
def json_describes_what_was_made():
    store = new_store()
    ca_id, ca = make_root(store, "json-root")
    request = make_request(store, "json.example", "tls-client")
    request_id = [r for r in store.requests() if r["display_name"] == "json.example"][0]["id"]
    out = path("json.crt")
    result = store.ok("sign", request, "--ca", str(ca_id), "--json", "--out", out)
    made = result.json()
    check_equal(made["issuer_id"], ca_id, "issuer_id")
    check_equal(made["request_id"], request_id, "request_id")
    check_equal(made["request_issued"], True, "request_issued")
    check_equal(made["is_ca"], False, "is_ca")
    check_equal(made["subject"], "CN=json.example", "subject")
    serial = tc.run_tool(tc.OPENSSL, "x509", "-in", out, "-noout", "-serial").decode()
    check_equal(made["serial"], serial.strip().split("=")[1].lower(), "serial")
    check_equal(made["sha256"], tc.openssl_fingerprint(out, "sha256"), "sha256")
    check(any(c["id"] == made["id"] for c in store.certificates()), "stored")
    made = store.ok("selfsign", "--new-key", "ed25519", "--no-key-passphrase", "--cn", "json-self",
                    "--json").json()
    check_equal(made["issuer_id"], None, "self-signed: no issuer")
    check_equal(made["request_id"], None, "self-signed: no request")


# --- Revocation and CRLs ------------------------------------------------


@test
def crl_revokes_exactly_the_revoked_certificate():
    store = new_store()
    ca_id, ca = make_root(store, "crl-root")
    certs = []
    for i in range(3):
        certs.append(sign(store, make_request(store, f"crl-leaf{i}", "tls-client"), ca_id))
    revoked_id, revoked = certs[1]
    result = store.ok("revoke", str(revoked_id), "--reason", "key-compromise",
                      "--at", "2026-11-01T10:00:00Z")
    check(f"crl {ca_id}" in result.stdout, result.stdout)
    store.fails(1, "revoke", str(revoked_id))            # once only
    store.fails(2, "revoke", str(certs[0][0]), "--reason", "bogus")
    store.fails(1, "revoke", str(ca_id))                 # no stored CA issued the root

    listed = store.ok("revocations", str(ca_id), "--json").json()
    check_equal([(r["certificate_id"], r["reason"], r["revoked_at"]) for r in listed],
                [(revoked_id, "key-compromise", "2026-11-01T10:00:00Z")], "revocations")
    check(str(revoked_id) in store.ok("revocations", str(ca_id)).stdout, "table")
    crl = path("root.crl")
    result = store.ok("crl", str(ca_id), "--next-update-days", "3", "--out", crl)
    check("CRL number 1" in result.stdout, result.stdout)
    text = tc.run_tool(tc.OPENSSL, "crl", "-in", crl, "-noout", "-text", "-verify",
                       "-CAfile", ca).decode()
    check("Key Compromise" in text, text)
    info = tc.run_tool(tc.CERTTOOL, "--crl-info", "--infile", crl).decode()
    check("Revoked certificates (1)" in info, info)
    serial = re.search(r"Serial Number:\s*\n\s*([0-9a-f:]+)", openssl_text(revoked)).group(1)
    check(serial.replace(":", "") in info, info)
    check("Revoked at: Sun Nov 01 10:00:00 UTC 2026" in info, info)
    for cert_id, cert in certs:
        proc = tc.subprocess.run([tc.OPENSSL, "verify", "-crl_check", "-CAfile", ca,
                                  "-CRLfile", crl, cert], capture_output=True)
        if cert_id == revoked_id:
            check(proc.returncode != 0 and b"certificate revoked" in proc.stdout + proc.stderr,
                  proc.stdout + proc.stderr)
        else:
            check(proc.returncode == 0, proc.stdout + proc.stderr)

    # The number goes up; DER works; an empty CRL has no entry list.
    der = path("root2.crl")
    result = store.ok("crl", str(ca_id), "--format", "der", "--out", der)
    check("CRL number 2" in result.stdout, result.stdout)
    text = tc.run_tool(tc.OPENSSL, "crl", "-inform", "DER", "-in", der, "-noout", "-text",
                       "-verify", "-CAfile", ca).decode()
    check(re.search(r"CRL Number:\s*\n\s*2", text), text)
    other_id, other = make_root(store, "empty-root")
    empty = path("empty.crl")
    store.ok("crl", str(other_id), "--out", empty)
    text = tc.run_tool(tc.OPENSSL, "crl", "-in", empty, "-noout", "-text", "-verify",
                       "-CAfile", other).decode()
    check("No Revoked Certificates" in text, text)
    tc.run_tool(tc.CERTTOOL, "--crl-info", "--infile", empty)


@test
def crl_of_every_key_type_verifies():
    store = new_store()
    for alg, alg_args in KEY_TYPES:
        tag = alg + "".join(alg_args).replace("--", "-")
        ca_id, ca = make_root(store, f"crlroot{tag}", alg, alg_args)
        leaf_id, leaf = sign(store, make_request(store, f"crlleaf{tag}", "tls-client"), ca_id)
        store.ok("revoke", str(leaf_id), "--reason", "cessation-of-operation")
        crl = path(f"crl{tag}.pem")
        store.ok("crl", str(ca_id), "--out", crl)
        tc.run_tool(tc.OPENSSL, "crl", "-in", crl, "-noout", "-verify", "-CAfile", ca)
        tc.run_tool(tc.CERTTOOL, "--crl-info", "--infile", crl)
        # GnuTLS 3.7.9's certtool --verify-crl rejects every RSA-PSS CRL,
        # its own from --generate-crl included ("The signature in the
        # certificate is invalid"); openssl checks that one.
        if alg != "rsa-pss":
            out = tc.run_tool(tc.CERTTOOL, "--verify-crl", "--load-ca-certificate", ca,
                              "--infile", crl).decode()
            check("Verification output: Verified." in out, out)
        proc = tc.subprocess.run([tc.OPENSSL, "verify", "-crl_check", "-CAfile", ca,
                                  "-CRLfile", crl, leaf], capture_output=True)
        check(proc.returncode != 0 and b"certificate revoked" in proc.stdout + proc.stderr,
              f"{tag}: {proc.stdout + proc.stderr}")


# --- certtool templates ---------------------------------------------------


@test
def a_template_certificate_equals_certtools():
    store = new_store()
    ca_key, ca = path("tmpl-ca.key"), path("tmpl-ca.pem")
    tc.run_tool(tc.CERTTOOL, "--generate-privkey", "--key-type", "ecdsa", "--outfile", ca_key)
    tc.run_tool(tc.CERTTOOL, "--generate-self-signed", "--load-privkey", ca_key, "--template",
                write("tmpl-ca.tmpl", 'cn = "Template CA"\nca\ncert_signing_key\n'
                      "crl_signing_key\nexpiration_days = 365\n"),
                "--outfile", ca)
    store.ok("import", "--no-key-passphrase", ca_key, ca)
    ca_id = [c for c in store.certificates() if c["display_name"] == "Template CA"][0]["id"]
    templates = {
        "server": 'cn = "www.tmpl.example"\norganization = "Acme"\ncountry = US\n'
                  'dns_name = "www.tmpl.example"\ndns_name = "tmpl.example"\n'
                  "ip_address = 192.0.2.7\ntls_www_server\nsigning_key\nencryption_key\n",
        "client": 'cn = "alice"\nunit = "Ops"\nunit = "Night"\nemail = "alice@example.com"\n'
                  "tls_www_client\nsigning_key\n",
        "code": 'cn = "Signer"\ncode_signing_key\nsigning_key\n',
    }
    for name, template in templates.items():
        for key_type in ("rsa", "ecdsa"):
            key = path(f"tmpl-{name}-{key_type}.key")
            tc.run_tool(tc.CERTTOOL, "--generate-privkey", "--key-type", key_type,
                        *(["--bits", "2048"] if key_type == "rsa" else []), "--outfile", key)
            store.ok("import", "--no-key-passphrase", key)
            key_id = [k for k in store.keys()
                      if k["spki_sha256"] == key_spki_sha256(key)][0]["id"]
            tmpl = write(f"tmpl-{name}.tmpl", template)
            csr = path(f"tmpl-{name}-{key_type}.csr")
            store.ok("request", "--key", str(key_id), "--template", tmpl, "--out", csr)
            _, ours = sign(store, csr, ca_id, "--template", tmpl, "--days", "30",
                           name=f"ours-{name}-{key_type}")
            theirs = path(f"theirs-{name}-{key_type}.crt")
            tc.run_tool(tc.CERTTOOL, "--generate-certificate", "--load-privkey", key,
                        "--load-ca-certificate", ca, "--load-ca-privkey", ca_key,
                        "--template", write("theirs.tmpl", template + "expiration_days = 30\n"),
                        "--outfile", theirs)
            check_equal(certtool_fields(ours), certtool_fields(theirs),
                        f"certtool -i of {name} ({key_type})")
            verify_chain(ours, ca)

    # Self-signed from a template: certtool --generate-self-signed.
    template = ('cn = "Self Template CA"\norganization = "Acme"\nca\npath_len = 1\n'
                "cert_signing_key\ncrl_signing_key\nsigning_key\n")
    for key_type in ("rsa", "ecdsa"):
        key = path(f"tmpl-self-{key_type}.key")
        tc.run_tool(tc.CERTTOOL, "--generate-privkey", "--key-type", key_type,
                    *(["--bits", "2048"] if key_type == "rsa" else []), "--outfile", key)
        store.ok("import", "--no-key-passphrase", key)
        key_id = [k for k in store.keys() if k["spki_sha256"] == key_spki_sha256(key)][0]["id"]
        ours = path(f"ours-self-{key_type}.crt")
        store.ok("selfsign", "--key", str(key_id), "--template", write("self.tmpl", template),
                 "--days", "30", "--out", ours)
        theirs = path(f"theirs-self-{key_type}.crt")
        tc.run_tool(tc.CERTTOOL, "--generate-self-signed", "--load-privkey", key, "--template",
                    write("theirs-self.tmpl", template + "expiration_days = 30\n"),
                    "--outfile", theirs)
        # One difference, on purpose: a self-signed CA made here also says
        # AKI = SKI (certtool leaves the AKI out), so chains built by key
        # identifier find it.
        head, blocks = certtool_fields(ours)
        aki = [b for b in blocks if b.startswith("\t\tAuthority Key Identifier")]
        ski = [b for b in blocks if b.startswith("\t\tSubject Key Identifier")]
        check(len(aki) == 1 and len(ski) == 1 and aki[0].split("\n")[1] == ski[0].split("\n")[1],
              f"AKI = SKI: {blocks}")
        blocks.remove(aki[0])
        check_equal((head, blocks), certtool_fields(theirs), f"self-signed ({key_type})")
        verify_chain(ours)


def main():
    def prepare(workdir):
        global WORKDIR
        WORKDIR = workdir
    return tc.tap_main("test-cli-sign.py", TESTS, {"certtool": tc.CERTTOOL, "openssl": tc.OPENSSL},
                       prepare)


if __name__ == "__main__":
    sys.exit(main())
