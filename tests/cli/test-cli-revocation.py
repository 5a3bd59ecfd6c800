#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end tests of revocation in `certkeeper-cli`: CRLs imported and
fetched (`import`, `fetch-crl`), OCSP asked (`verify --revocation`), the
missing issuer fetched from caIssuers (`verify`, `fetch-issuer`).

The network is local and started by the test: a Python http.server on
127.0.0.1 (port 0, so it accepts before the test goes on) serving CRLs and
the CA certificate, `openssl ocsp -port 0` responders (the test reads the
port from its ACCEPT line, printed once it listens) answering good, revoked
and unknown, one signing with a key the CA never delegated, one whose clock
is two days behind (faketime: every answer is stale), and a socket that
accepts and never answers. openssl and certtool decide the CRL verdicts:
`openssl verify -crl_check` and `certtool --verify --load-crl` must agree
with `verify`. Output is TAP, for meson. Reuses the harness of test-cli.py.

Usage: test-cli-revocation.py PATH/TO/certkeeper-cli
"""

import functools
import http.server
import importlib.util
import os
import re
import shutil
import socket
import subprocess
import sys
import threading
import time

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("test_cli", os.path.join(HERE, "test-cli.py"))
tc = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tc)
Failure, check, check_equal, Store = tc.Failure, tc.check, tc.check_equal, tc.Store

FAKETIME = shutil.which("faketime")
WORKDIR = None
TESTS = []
ONLY = os.environ.get("CK_TEST_ONLY")
# Everything network ends within ck-http's 15 s deadline: a check that has
# not ended well after it hangs.
HANG_BOUND = 60
_counter = [0]
CTX = {}


def test(func):
    if ONLY is None or ONLY == func.__name__:
        TESTS.append(func)
    return func


def path(*names):
    return os.path.join(WORKDIR, *names)


def write(name, data):
    mode = "wb" if isinstance(data, bytes) else "w"
    with open(path(name), mode) as f:
        f.write(data)
    return path(name)


def read(name):
    with open(path(name), "rb") as f:
        return f.read()


def stored_id(result, what):
    match = re.search(what + r" (\d+)", result.stdout + result.stderr)
    check(match is not None, f"no “{what} N” in {result!r}")
    return int(match.group(1))


# --- Local servers ------------------------------------------------------

class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


def start_http():
    """http.server on 127.0.0.1, serving WORKDIR/www; bound and listening
    before this returns."""
    os.makedirs(path("www"), exist_ok=True)
    handler = functools.partial(QuietHandler, directory=path("www"))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    return server


class Responder:
    """openssl ocsp on a port of its choosing; ready once it says ACCEPT."""

    def __init__(self, index, signer, key, ca, extra=(), fake_offset=None):
        argv = [tc.OPENSSL, "ocsp", "-index", index, "-port", "0", "-rsigner", signer,
                "-rkey", key, "-CA", ca, *extra]
        env = dict(os.environ)
        if fake_offset is not None:
            argv = [FAKETIME, "-f", fake_offset, *argv]
            env["FAKETIME_DONT_FAKE_MONOTONIC"] = "1"
        self.proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                                     stderr=subprocess.STDOUT, env=env)
        self.port = None
        seen = []
        # Blocks on the responder's own output: it prints ACCEPT once bound.
        for raw in self.proc.stdout:
            line = raw.decode(errors="replace")
            seen.append(line)
            match = re.match(r"ACCEPT \S*:(\d+)", line)
            if match:
                self.port = int(match.group(1))
                break
        if self.port is None:
            self.stop()
            raise Failure(f"openssl ocsp did not start: {''.join(seen)}")
        # Keep reading its output so it never blocks on a full pipe.
        threading.Thread(target=self.proc.stdout.read, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.port}/"

    def stop(self):
        self.proc.terminate()
        self.proc.wait(timeout=30)


class Silent:
    """Accepts connections (the kernel's backlog) and never answers."""

    def __init__(self):
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.url = f"http://127.0.0.1:{self.sock.getsockname()[1]}/"

    def stop(self):
        self.sock.close()


# --- The CA -------------------------------------------------------------

def serial_of(cert):
    out = tc.run_tool(tc.OPENSSL, "x509", "-noout", "-serial", "-in", cert).decode()
    return out.strip().split("=", 1)[1].upper()


def sha256_of(cert):
    out = tc.run_tool(tc.OPENSSL, "x509", "-noout", "-fingerprint", "-sha256", "-in",
                      cert).decode()
    return out.strip().split("=", 1)[1].replace(":", "").lower()


def make_ca(name, days_back=None):
    """A root made by openssl (key on disk for the responders)."""
    key, cert = path(f"{name}.key"), path(f"{name}.pem")
    argv = [tc.OPENSSL, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
            "-nodes", "-keyout", key, "-out", cert, "-subj", f"/CN={name}/O=Certkeeper Tests",
            "-days", "3650", "-addext", "keyUsage=critical,keyCertSign,cRLSign"]
    if days_back is not None:
        argv = [FAKETIME, "-f", f"-{days_back}d", *argv]
    tc.run_tool(*argv)
    return key, cert


def make_leaf(store, ca_id, cn):
    csr = path(f"{cn}.csr")
    store.ok("request", "--new-key", "ecdsa", "--curve", "P-256", "--no-key-passphrase",
             "--cn", cn, "--profile", "tls-server", "--san", f"DNS:{cn}", "--out", csr)
    out = path(f"{cn}.crt")
    result = store.ok("sign", csr, "--ca", str(ca_id), "--profile", "tls-server",
                      "--keep-extensions", "subjectAltName",
                      "--crl-url", CTX["http"] + "ca.crl",
                      "--ca-issuers-url", CTX["http"] + "ca.der",
                      "--ocsp-url", CTX.get("ocsp_url", CTX["http"] + "ocsp"),
                      "--out", out)
    return stored_id(result, "Certificate"), out


def new_store():
    _counter[0] += 1
    store = Store(WORKDIR, f"revocation-{_counter[0]}")
    store.ok("import", "--no-key-passphrase", CTX["ca_pem"], CTX["ca_key"])
    ca_id = [c for c in store.certificates() if c["sha256"] == CTX["ca_sha256"]][0]["id"]
    store.ok("trust", "set", str(ca_id), "--purpose", "tls-server", "--trusted")
    return store, ca_id


def verify_json(store, cert_id, *args, code=None):
    result = store.run("verify", str(cert_id), "--json", *args)
    if code is not None:
        check(result.code == code, f"verify {cert_id} {args}: expected exit {code}: {result!r}")
    return result.json()


def openssl_crl_verdict(leaf, crl):
    proc = subprocess.run([tc.OPENSSL, "verify", "-crl_check", "-CAfile", CTX["ca_pem"],
                           "-CRLfile", crl, leaf], capture_output=True, timeout=60)
    text = (proc.stdout + proc.stderr).decode(errors="replace")
    if proc.returncode == 0 and text.strip().endswith("OK"):
        return "good"
    check("certificate revoked" in text, f"openssl verify: {text}")
    return "revoked"


def certtool_crl_verdict(leaf, crl):
    proc = subprocess.run([tc.CERTTOOL, "--verify", "--load-ca-certificate", CTX["ca_pem"],
                           "--load-crl", crl, "--infile", leaf], capture_output=True, timeout=60)
    text = (proc.stdout + proc.stderr).decode(errors="replace")
    if proc.returncode == 0 and "Verified" in text:
        return "good"
    check("revoked" in text, f"certtool --verify: {text}")
    return "revoked"


def make_crl(store, ca_id, name):
    out = path(name)
    store.ok("crl", str(ca_id), "--out", out)
    return out


# --- Tests --------------------------------------------------------------

@test
def test_crl_import_and_verdicts():
    store, ca_id = new_store()
    good_id, good = make_leaf(store, ca_id, "crl-good.example")
    bad_id, bad = make_leaf(store, ca_id, "crl-revoked.example")

    # No CRL yet: trusted, revocation unknown (reported, not failing).
    v = verify_json(store, good_id, code=0)
    check_equal(v["revocation"]["status"], "unknown", "before any CRL")

    store.ok("revoke", str(bad_id), "--reason", "key-compromise")
    crl = make_crl(store, ca_id, "first.crl")
    result = store.ok("import", crl)
    check("1 CRL" in result.stdout, result.stdout)

    for cert_id, leaf in ((good_id, good), (bad_id, bad)):
        oracle = openssl_crl_verdict(leaf, crl)
        check_equal(certtool_crl_verdict(leaf, crl), oracle, f"certtool and openssl on {leaf}")
        v = verify_json(store, cert_id, code=0 if oracle == "good" else 3)
        check_equal(v["revocation"]["status"], oracle, f"revocation of {leaf}")
        check_equal(v["revocation"]["source"], "crl", "source")
        check(v["revocation"]["checked_at"] is not None and v["revocation"]["next_update"],
              f"dates: {v['revocation']}")
        if oracle == "revoked":
            check_equal(v["status"], "revoked", "verdict of the revoked leaf")
            check_equal(v["revocation"]["reason"], "key-compromise", "reason")
            check(v["revocation"]["revoked_at"] is not None, "revoked_at")
        else:
            check_equal(v["status"], "trusted", "verdict of the good leaf")

    text = store.run("verify", str(bad_id))
    check(text.code == 3 and "Revoked:" in text.stdout and "key compromise" in text.stdout,
          repr(text))

    # In a PKCS#7 bundle (openssl crl2pkcs7) with its CA, into a fresh store.
    p7 = path("bundle.p7b")
    tc.run_tool(tc.OPENSSL, "crl2pkcs7", "-in", crl, "-certfile", CTX["ca_pem"], "-out", p7)
    _counter[0] += 1
    fresh = Store(WORKDIR, f"revocation-p7-{_counter[0]}")
    result = fresh.ok("import", p7)
    check("1 certificate" in result.stdout and "1 CRL" in result.stdout, repr(result))

    # DER works as PEM does, and the same CRL again is nothing new.
    der = path("first.crl.der")
    tc.run_tool(tc.OPENSSL, "crl", "-in", crl, "-outform", "DER", "-out", der)
    result = store.ok("import", der)
    check("Nothing new imported" in result.stdout, result.stdout)


@test
def test_crl_refused():
    store, ca_id = new_store()
    leaf_id, _ = make_leaf(store, ca_id, "refused.example")
    crl = make_crl(store, ca_id, "good.crl")
    der = bytearray(tc.run_tool(tc.OPENSSL, "crl", "-in", crl, "-outform", "DER"))
    der[-3] ^= 0x01                  # inside the signature value
    tampered = write("tampered.crl", bytes(der))
    result = store.fails(1, "import", tampered)
    check("does not verify" in result.stderr, repr(result))
    v = verify_json(store, leaf_id, code=0)
    check_equal(v["revocation"]["status"], "unknown", "the tampered CRL was not kept")

    # A CRL of an issuer the store does not have: left out with a note.
    other_key, other = make_ca("Other Test CA")
    tc.run_tool(tc.OPENSSL, "x509", "-in", other, "-noout")
    index = write("other-index.txt", "")
    crlnumber = write("other-crlnumber", "01\n")
    write("other-ca.cnf", f"""[ ca ]
default_ca = this
[ this ]
database = {index}
crlnumber = {crlnumber}
default_md = sha256
default_crl_days = 7
""")
    other_crl = path("other.crl")
    tc.run_tool(tc.OPENSSL, "ca", "-config", path("other-ca.cnf"), "-gencrl", "-keyfile",
                other_key, "-cert", other, "-out", other_crl)
    result = store.fails(1, "import", other_crl)
    check("neither in the store nor in this import" in result.stderr, repr(result))


@test
def test_newer_crl_replaces_older():
    store, ca_id = new_store()
    first_id, _ = make_leaf(store, ca_id, "first.example")
    second_id, _ = make_leaf(store, ca_id, "second.example")
    store.ok("revoke", str(first_id), "--reason", "superseded")
    crl1 = make_crl(store, ca_id, "n1.crl")
    store.ok("revoke", str(second_id), "--reason", "cessation-of-operation")
    crl2 = make_crl(store, ca_id, "n2.crl")

    store.ok("import", crl2)
    check_equal(verify_json(store, second_id, code=3)["revocation"]["reason"],
                "cessation-of-operation", "from CRL 2")
    result = store.ok("import", crl1)
    check("Nothing new imported" in result.stdout, f"the older CRL was kept: {result!r}")
    check_equal(verify_json(store, second_id, code=3)["status"], "revoked",
                "CRL 2 still decides")


@test
def test_fetch_crl():
    store, ca_id = new_store()
    leaf_id, leaf = make_leaf(store, ca_id, "fetch.example")
    store.ok("revoke", str(leaf_id), "--reason", "key-compromise")
    shutil.copy(make_crl(store, ca_id, "served.crl"), path("www", "ca.crl"))
    result = store.ok("fetch-crl", str(leaf_id))
    check("Stored" in result.stdout and CTX["http"] + "ca.crl" in result.stdout, repr(result))
    check_equal(openssl_crl_verdict(leaf, path("www", "ca.crl")), "revoked", "oracle")
    check_equal(verify_json(store, leaf_id, code=3)["status"], "revoked", "after fetch-crl")

    # verify --revocation crl fetches by itself.
    other_store, other_ca = new_store()
    other_id, _ = make_leaf(other_store, other_ca, "fetch2.example")
    v = verify_json(other_store, other_id, "--revocation", "crl", code=0)
    check_equal(v["revocation"]["status"], "good", "fetched through verify")

    # A URL that is not there: a clear error naming it.
    os.remove(path("www", "ca.crl"))
    result = store.fails(1, "fetch-crl", str(leaf_id))
    check("404" in result.stderr and "ca.crl" in result.stderr, repr(result))


def ocsp_index(entries):
    lines = []
    for status, cert, reason in entries:
        serial = serial_of(cert)
        if status == "V":
            lines.append(f"V\t301231235959Z\t\t{serial}\tunknown\t/CN=x\n")
        else:
            lines.append(f"R\t301231235959Z\t250101000000Z,{reason}\t{serial}\tunknown\t/CN=x\n")
    return "".join(lines)


@test
def test_ocsp_good_revoked_unknown():
    store, ca_id = new_store()
    good_id, good = make_leaf(store, ca_id, "ocsp-good.example")
    bad_id, bad = make_leaf(store, ca_id, "ocsp-revoked.example")
    unknown_id, _ = make_leaf(store, ca_id, "ocsp-unknown.example")
    index = write("ocsp-index.txt", ocsp_index([("V", good, None), ("R", bad, "keyCompromise")]))
    responder = Responder(index, CTX["ca_pem"], CTX["ca_key"], CTX["ca_pem"], ("-nmin", "60"))
    try:
        # The per-issuer responder is used instead of the AIA one.
        store.ok("ocsp-responder", str(ca_id), responder.url)
        v = verify_json(store, good_id, "--revocation", "ocsp", code=0)
        check_equal((v["revocation"]["status"], v["revocation"]["source"]), ("good", "ocsp"), "good")
        v = verify_json(store, bad_id, "--revocation", "ocsp", code=3)
        check_equal((v["status"], v["revocation"]["reason"]), ("revoked", "key-compromise"),
                    "revoked")
        v = verify_json(store, unknown_id, "--revocation", "ocsp", code=0)
        check_equal(v["revocation"]["status"], "unknown", "not in the responder's index")
        verify_json(store, unknown_id, "--revocation", "ocsp", "--hard-fail", code=3)

        # Without a chosen responder, the one the certificate's AIA names.
        store.ok("ocsp-responder", str(ca_id), "--clear")
        CTX["ocsp_url"] = responder.url
        try:
            aia_id, _ = make_leaf(store, ca_id, "ocsp-aia.example")
        finally:
            del CTX["ocsp_url"]
        v = verify_json(store, aia_id, "--revocation", "ocsp", code=0)
        check(responder.url in v["revocation"]["detail"] and
              "does not know" in v["revocation"]["detail"], v["revocation"])
    finally:
        responder.stop()
    # Kept until nextUpdate: the answer decides with the responder gone.
    v = verify_json(store, bad_id, code=3)
    check_equal(v["revocation"]["source"], "ocsp", "kept answer")


@test
def test_ocsp_delegated_responder():
    """A responder certificate the CA issued for OCSP signing answers; one
    the CA issued without that purpose does not count."""
    store, ca_id = new_store()
    leaf_id, leaf = make_leaf(store, ca_id, "delegated.example")
    index = write("delegated-index.txt", ocsp_index([("R", leaf, "superseded")]))
    for name, eku in (("ocsp-signer", "OCSPSigning"), ("not-a-signer", "serverAuth")):
        key, csr, cert = path(f"{name}.key"), path(f"{name}.csr"), path(f"{name}.pem")
        tc.run_tool(tc.OPENSSL, "req", "-new", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", csr,
                    "-subj", f"/CN={name}")
        ext = write(f"{name}.ext", f"extendedKeyUsage=critical,{eku}\nkeyUsage=critical,digitalSignature\n")
        tc.run_tool(tc.OPENSSL, "x509", "-req", "-in", csr, "-CA", CTX["ca_pem"], "-CAkey",
                    CTX["ca_key"], "-CAcreateserial", "-days", "30", "-extfile", ext, "-out", cert)
    responder = Responder(index, path("ocsp-signer.pem"), path("ocsp-signer.key"), CTX["ca_pem"],
                          ("-nmin", "60"))
    try:
        store.ok("ocsp-responder", str(ca_id), responder.url)
        good = verify_json(store, leaf_id, "--revocation", "ocsp", code=3)
    finally:
        responder.stop()
    check_equal((good["status"], good["revocation"]["source"], good["revocation"]["reason"]),
                ("revoked", "ocsp", "superseded"), "the delegated responder's answer")
    # That answer is kept: a fresh store asks the undelegated one.
    other_store, other_ca = new_store()
    other_id, other_leaf = make_leaf(other_store, other_ca, "undelegated.example")
    index = write("undelegated-index.txt", ocsp_index([("R", other_leaf, "superseded")]))
    responder = Responder(index, path("not-a-signer.pem"), path("not-a-signer.key"),
                          CTX["ca_pem"], ("-nmin", "60"))
    try:
        other_store.ok("ocsp-responder", str(other_ca), responder.url)
        v = verify_json(other_store, other_id, "--revocation", "ocsp", code=0)
    finally:
        responder.stop()
    check_equal(v["revocation"]["status"], "unknown", "an undelegated responder")
    check("may not sign OCSP" in v["revocation"]["detail"] or
          "not delegated" in v["revocation"]["detail"] or
          "not signed by the issuer" in v["revocation"]["detail"], v["revocation"])


@test
def test_ocsp_bad_signature_and_stale():
    store, ca_id = new_store()
    leaf_id, leaf = make_leaf(store, ca_id, "ocsp-bad.example")
    index = write("bad-index.txt", ocsp_index([("V", leaf, None)]))
    rogue_key, rogue = make_ca("Rogue Responder")
    responder = Responder(index, rogue, rogue_key, CTX["ca_pem"], ("-nmin", "60"))
    try:
        store.ok("ocsp-responder", str(ca_id), responder.url)
        v = verify_json(store, leaf_id, "--revocation", "ocsp", code=0)
        check_equal(v["revocation"]["status"], "unknown", "a rogue signature is no answer")
        check("not signed by the issuer" in v["revocation"]["detail"], v["revocation"])
        v = verify_json(store, leaf_id, "--revocation", "ocsp", "--hard-fail", code=3)
        check_equal(v["status"], "revocation-unknown", "hard-fail")
    finally:
        responder.stop()

    if FAKETIME is None:
        return
    # Two days behind, answers good for one day: stale on arrival.
    responder = Responder(index, CTX["ca_pem"], CTX["ca_key"], CTX["ca_pem"], ("-ndays", "1"),
                          fake_offset="-2d")
    try:
        store.ok("ocsp-responder", str(ca_id), responder.url)
        v = verify_json(store, leaf_id, "--revocation", "ocsp", code=0)
        check_equal(v["revocation"]["status"], "unknown", "stale")
        check("stale" in v["revocation"]["detail"], v["revocation"])
    finally:
        responder.stop()


@test
def test_unresponsive_responder():
    store, ca_id = new_store()
    leaf_id, _ = make_leaf(store, ca_id, "silent.example")
    silent = Silent()
    try:
        store.ok("ocsp-responder", str(ca_id), silent.url)
        start = time.monotonic()
        v = verify_json(store, leaf_id, "--revocation", "ocsp", "--hard-fail", code=3)
        elapsed = time.monotonic() - start
        check_equal(v["status"], "revocation-unknown", "no answer")
        check(silent.url in v["revocation"]["detail"], v["revocation"])
        check(elapsed < HANG_BOUND, f"the check took {elapsed:.1f} s")
    finally:
        silent.stop()


@test
def test_missing_issuer_from_ca_issuers():
    store, ca_id = new_store()
    leaf_id, leaf = make_leaf(store, ca_id, "aia.example")
    tc.run_tool(tc.OPENSSL, "x509", "-in", CTX["ca_pem"], "-outform", "DER", "-out",
                path("www", "ca.der"))
    _counter[0] += 1
    bare = Store(WORKDIR, f"revocation-bare-{_counter[0]}")
    bare.ok("import", leaf)
    bare_id = bare.certificates()[0]["id"]

    # Without network checks nothing is fetched.
    v = verify_json(bare, bare_id, code=3)
    check_equal((v["status"], v["fetched_issuer_sha256"]), ("issuer-unknown", None), "offline")
    v = verify_json(bare, bare_id, "--revocation", "crl", code=3)
    check_equal(v["status"], "issuer-unknown", "a fetched issuer is not trusted")
    check_equal(v["fetched_issuer_sha256"], CTX["ca_sha256"], "the CA was fetched")
    text = bare.run("verify", str(bare_id), "--revocation", "crl")
    check("Missing issuer fetched from" in text.stdout and "fetch-issuer" in text.stdout,
          repr(text))
    bare.ok("fetch-issuer", str(bare_id), "--out", path("fetched.pem"))
    check_equal(sha256_of(path("fetched.pem")), CTX["ca_sha256"], "fetch-issuer")
    bare.ok("import", path("fetched.pem"))
    v = verify_json(bare, bare_id, code=3)
    check_equal(v["status"], "not-trusted", "imported, still not trusted")


def main():
    def prepare(workdir):
        global WORKDIR
        WORKDIR = workdir
        server = start_http()
        CTX["http"] = f"http://127.0.0.1:{server.server_address[1]}/"
        CTX["ca_key"], CTX["ca_pem"] = make_ca("Revocation Test CA", days_back=10)
        CTX["ca_sha256"] = sha256_of(CTX["ca_pem"])
    needs = {"certtool": tc.CERTTOOL, "openssl": tc.OPENSSL, "faketime": FAKETIME}
    return tc.tap_main("test-cli-revocation.py", TESTS, needs, prepare)


if __name__ == "__main__":
    sys.exit(main())
