#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end tests of `certkeeper-cli tokens`, `keygen --token` and
`request --key pkcs11:…` against a throwaway SoftHSM2 token made fresh for
each test (its own SOFTHSM2_CONF and token directory).

The fixture's throwaway PINs go to softhsm2-util on its command line (it
takes them no other way); certkeeper-cli itself only ever reads them from
--pin-file. Output is TAP, for meson. Reuses the harness of test-cli.py.

Usage: test-cli-tokens.py PATH/TO/certkeeper-cli
"""

import importlib.util
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("test_cli", os.path.join(HERE, "test-cli.py"))
tc = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tc)
Failure, check, check_equal, Store = tc.Failure, tc.check, tc.check_equal, tc.Store

SOFTHSM_UTIL = shutil.which("softhsm2-util")
USER_PIN = "user-pin-1234"
SO_PIN = "so-pin-1234"
WORKDIR = None
TESTS = []
_counter = [0]


def test(func):
    TESTS.append(func)
    return func


class Token:
    """A fresh SoftHSM2 token directory and one initialised token."""

    def __init__(self, label):
        _counter[0] += 1
        self.label = label
        self.dir = os.path.join(WORKDIR, f"softhsm-{_counter[0]}")
        os.makedirs(os.path.join(self.dir, "tokens"))
        self.conf = os.path.join(self.dir, "softhsm2.conf")
        with open(self.conf, "w", encoding="utf-8") as f:
            f.write(f"directories.tokendir = {self.dir}/tokens\n"
                    "objectstore.backend = file\nlog.level = ERROR\n")
        self.env = {"SOFTHSM2_CONF": self.conf}
        subprocess.run([SOFTHSM_UTIL, "--init-token", "--free", "--label", label,
                        "--pin", USER_PIN, "--so-pin", SO_PIN],
                       check=True, capture_output=True, env={**os.environ, **self.env})
        self.uri = f"pkcs11:token={label}"
        self.store = Store(WORKDIR, f"tokens-{_counter[0]}")
        self.pin_file = self.write("pin", USER_PIN + "\n")

    def write(self, name, text):
        name = os.path.join(self.dir, name)
        with open(name, "w", encoding="utf-8") as f:
            f.write(text)
        return name

    def ok(self, *args):
        return self.store.ok(*args, env=self.env)

    def fails(self, code, *args):
        return self.store.fails(code, *args, env=self.env)


@test
def tokens_lists_the_token():
    token = Token("ck-cli-list")
    listed = token.ok("tokens", "--json").json()
    mine = [t for t in listed if t["label"] == "ck-cli-list"]
    check_equal(len(mine), 1, "tokens labelled ck-cli-list")
    mine = mine[0]
    check_equal(mine["manufacturer"], "SoftHSM project", "manufacturer")
    check_equal(mine["model"], "SoftHSM v2", "model")
    check(mine["serial"], mine)
    check_equal(mine["module"], "softhsm2", "module")
    check(mine["initialized"] and mine["login_required"], mine)
    check(not mine["read_only"] and not mine["system_trust"], mine)
    check(not mine["user_pin_locked"] and not mine["user_pin_final_try"], mine)
    for other in listed:
        if other["module"] == "p11-kit-trust":
            check(other["read_only"] and other["system_trust"], other)
    human = token.ok("tokens").stdout
    check("ck-cli-list" in human and "initialized, login required" in human, human)


@test
def keygen_on_token_then_request_signed_there():
    token = Token("ck-cli-keygen")
    out = token.ok("keygen", "--token", token.uri, "--algorithm", "ecdsa", "--curve", "P-384",
                   "--label", "cli-key", "--id", "0a:0b:0c", "--pin-file", token.pin_file).stdout
    check("on token" in out, out)
    keys = token.store.keys()
    check_equal(len(keys), 1, "keys in the store")

    objects = token.ok("tokens", "--objects", token.uri, "--json",
                       "--pin-file", token.pin_file).json()[0]["objects"]
    mine = sorted((o["kind"], o["label"], o["id"]) for o in objects)
    check_equal(mine, [("private-key", "cli-key", "0a0b0c"), ("public-key", "cli-key", "0a0b0c")],
                "objects on the token")

    key_uri = f"{token.uri};object=cli-key;type=private"
    csr = os.path.join(token.dir, "token.csr")
    token.ok("request", "--key", key_uri, "--subject", "CN=token.example.org",
             "--san", "DNS:token.example.org", "--out", csr, "--pin-file", token.pin_file)
    verify = subprocess.run([tc.OPENSSL, "req", "-in", csr, "-noout", "-verify"],
                            capture_output=True, text=True)
    check_equal(verify.returncode, 0, f"openssl req -verify: {verify.stderr}")
    # The same key, not a second row; the request is pending.
    check_equal(len(token.store.keys()), 1, "keys after the request")
    requests = token.ok("requests", "--json").json()
    check_equal(len(requests), 1, "requests")
    check_equal(requests[0]["status"], "pending", "status")
    check_equal(requests[0]["key_id"], keys[0]["id"], "the request's key")


@test
def issued_certificate_goes_onto_the_token():
    token = Token("ck-cli-import")
    token.ok("keygen", "--token", token.uri, "--algorithm", "rsa", "--bits", "2048",
             "--label", "cli-issued", "--id", "c0ffee", "--pin-file", token.pin_file)
    csr = os.path.join(token.dir, "issued.csr")
    token.ok("request", "--key", f"{token.uri};object=cli-issued;type=private",
             "--subject", "CN=issued.example.org", "--san", "DNS:issued.example.org",
             "--out", csr, "--pin-file", token.pin_file)
    ca_key = os.path.join(token.dir, "ca.key")
    ca_pem = os.path.join(token.dir, "ca.pem")
    cert = os.path.join(token.dir, "issued.pem")
    subprocess.run([tc.OPENSSL, "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-nodes", "-keyout", ca_key, "-out", ca_pem,
                    "-subj", "/CN=Token Test CA", "-days", "2"], check=True, capture_output=True)
    subprocess.run([tc.OPENSSL, "x509", "-req", "-in", csr, "-CA", ca_pem, "-CAkey", ca_key,
                    "-out", cert, "-days", "1", "-set_serial", "7"], check=True, capture_output=True)

    # The CA certificate has no key on the token: refused, nothing written.
    result = token.fails(1, "import", "--to-token", token.uri, ca_pem, "--pin-file", token.pin_file)
    check("nothing imported" in result.stderr, result.stderr)
    check_equal(token.store.certificates(), [], "certificates after the refusal")

    out = token.ok("import", "--to-token", token.uri, cert, "--pin-file", token.pin_file).stdout
    check("Written to token" in out, out)
    requests = token.ok("requests", "--json").json()
    check_equal([r["status"] for r in requests], ["issued"], "request status")
    p11tool = shutil.which("p11tool")
    if p11tool:
        listing = subprocess.run([p11tool, "--list-all-certs", token.uri], capture_output=True,
                                 text=True, env={**os.environ, **token.env})
        check("Label: cli-issued" in listing.stdout and "ID: c0:ff:ee" in listing.stdout,
              listing.stdout + listing.stderr)
    objects = token.ok("tokens", "--objects", token.uri, "--json",
                       "--pin-file", token.pin_file).json()[0]["objects"]
    mine = sorted((o["kind"], o["label"], o["id"]) for o in objects)
    check_equal(mine, [("certificate", "cli-issued", "c0ffee"), ("private-key", "cli-issued", "c0ffee"),
                       ("public-key", "cli-issued", "c0ffee")], "objects on the token")


@test
def certificate_and_key_go_onto_the_token():
    token = Token("ck-cli-both")
    key = os.path.join(token.dir, "both.key")
    cert = os.path.join(token.dir, "both.pem")
    subprocess.run([tc.OPENSSL, "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", cert,
                    "-subj", "/CN=both.example.org", "-days", "2"], check=True, capture_output=True)
    # No --key-passphrase-file: a key on the token needs none.
    out = token.ok("import", "--to-token", token.uri, cert, key, "--pin-file", token.pin_file).stdout
    check("on the token" in out and "with its key" in out, out)
    keys = token.store.keys()
    check_equal(len(keys), 1, "keys in the store")
    objects = token.ok("tokens", "--objects", token.uri, "--json",
                       "--pin-file", token.pin_file).json()[0]["objects"]
    mine = sorted((o["kind"], o["label"]) for o in objects)
    check_equal(mine, [("certificate", "both.example.org"), ("private-key", "both.example.org"),
                       ("public-key", "both.example.org")], "objects on the token")
    check_equal(len({o["id"] for o in objects}), 1, "one CKA_ID for key and certificate")
    # The store has no key material to export...
    result = token.fails(1, "export", str(keys[0]["id"]), "--out",
                         os.path.join(token.dir, "out.p8"),
                         "--key-passphrase-file", token.write("pass", "x\n"))
    check("token" in result.stderr, result.stderr)
    # ...and the token holds it sensitive, never extractable.
    p11tool = shutil.which("p11tool")
    if p11tool:
        listing = subprocess.run([p11tool, "--login", "--list-all-privkeys", token.uri],
                                 capture_output=True, text=True,
                                 env={**os.environ, **token.env, "GNUTLS_PIN": USER_PIN})
        check("CKA_SENSITIVE" in listing.stdout and "CKA_EXTRACTABLE" not in listing.stdout
              and "UNWRAP" not in listing.stdout, listing.stdout + listing.stderr)


@test
def wrong_pin_is_reported_not_retried():
    token = Token("ck-cli-pin")
    wrong = token.write("wrong-pin", "not-the-pin\n")
    result = token.fails(1, "tokens", "--objects", token.uri, "--pin-file", wrong)
    check("wrong PIN" in result.stderr, result.stderr)
    # No terminal, no --pin-file: no prompt, a clear error instead.
    result = token.fails(1, "tokens", "--objects", token.uri)
    check("--pin-file" in result.stderr, result.stderr)


@test
def keygen_on_token_refuses_what_it_cannot_do():
    token = Token("ck-cli-limits")
    passphrase = token.write("passphrase", "x\n")
    token.fails(2, "keygen", "--token", token.uri, "--algorithm", "ecdsa", "--label", "k",
                "--key-passphrase-file", passphrase)
    token.fails(2, "keygen", "--algorithm", "ecdsa", "--id", "01", "--no-key-passphrase")
    result = token.fails(1, "keygen", "--token", token.uri, "--algorithm", "ed25519",
                         "--label", "k", "--pin-file", token.pin_file)
    check("RSA or ECDSA" in result.stderr, result.stderr)
    result = token.fails(1, "keygen", "--token", "pkcs11:token=ck-no-such-token",
                         "--algorithm", "ecdsa", "--label", "k", "--pin-file", token.pin_file)
    check("no such token" in result.stderr, result.stderr)


def main():
    def prepare(workdir):
        global WORKDIR
        WORKDIR = workdir
    return tc.tap_main("test-cli-tokens.py", TESTS, {"softhsm2-util": SOFTHSM_UTIL, "openssl": tc.OPENSSL}, prepare)


if __name__ == "__main__":
    sys.exit(main())
