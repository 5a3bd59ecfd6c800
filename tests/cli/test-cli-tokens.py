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


def issue(token, csr, name, ca_days, days, serial):
    """A throwaway openssl CA (valid @ca_days) answers @csr with a
    certificate valid @days. Returns (CA certificate, certificate) paths."""
    ca_key = os.path.join(token.dir, f"{name}-ca.key")
    ca_pem = os.path.join(token.dir, f"{name}-ca.pem")
    cert = os.path.join(token.dir, f"{name}.pem")
    subprocess.run([tc.OPENSSL, "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-nodes", "-keyout", ca_key, "-out", ca_pem,
                    "-subj", "/CN=Token Test CA", "-days", str(ca_days)],
                   check=True, capture_output=True)
    subprocess.run([tc.OPENSSL, "x509", "-req", "-in", csr, "-CA", ca_pem, "-CAkey", ca_key,
                    "-out", cert, "-days", str(days), "-set_serial", str(serial)],
                   check=True, capture_output=True)
    return ca_pem, cert


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
    ca_pem, cert = issue(token, csr, "issued", ca_days=2, days=1, serial=7)

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

    # Imported again: the keeper finds it on the token and writes no copy.
    out = token.ok("import", "--to-token", token.uri, cert, "--pin-file", token.pin_file).stdout
    check("Already on token" in out, out)
    objects = token.ok("tokens", "--objects", token.uri, "--json",
                       "--pin-file", token.pin_file).json()[0]["objects"]
    check_equal(sorted(o["kind"] for o in objects), ["certificate", "private-key", "public-key"],
                "objects on the token after the second import")


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
    # What the token now says about its PIN is said before the next try,
    # as the PIN dialog shows it.
    flags = token.ok("tokens", "--json").json()
    mine = [t for t in flags if t["label"] == "ck-cli-pin"][0]
    if mine["user_pin_count_low"]:
        result = token.fails(1, "tokens", "--objects", token.uri, "--pin-file", wrong)
        check("warning: token “ck-cli-pin”: PIN count low" in result.stderr, result.stderr)
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


@test
def check_names_the_token_of_a_key():
    """`check` says a certificate's key is on a token, by the label in the
    key's URI, without the token present (no SOFTHSM2_CONF for check)."""
    token = Token("ck-cli-expiry")
    token.ok("keygen", "--token", token.uri, "--algorithm", "ecdsa", "--curve", "P-256",
             "--label", "cli-expiring", "--pin-file", token.pin_file)
    csr = os.path.join(token.dir, "expiring.csr")
    token.ok("request", "--key", f"{token.uri};object=cli-expiring;type=private",
             "--subject", "CN=expiring.example.org", "--san", "DNS:expiring.example.org",
             "--out", csr, "--pin-file", token.pin_file)
    _, cert = issue(token, csr, "expiring", ca_days=365, days=10, serial=9)
    token.ok("import", cert)
    key_id = token.store.keys()[0]["id"]

    result = token.store.fails(4, "check", "--json")
    items = result.json()["certificates"]
    check_equal(len(items), 1, "one certificate due")
    check_equal((items[0]["key_location"], items[0]["key_id"], items[0]["token"]),
                ("token", key_id, "ck-cli-expiry"), "the key on the token")
    check(items[0]["pkcs11_uri"].startswith("pkcs11:"), items[0]["pkcs11_uri"])
    check_equal(items[0]["request_id"], None, "the request was issued")
    human = token.store.fails(4, "check").stdout
    check("token:ck-cli-expiry" in human, human)

    # Renewed with the same key: signed on the token, kept as pending.
    renewal = os.path.join(token.dir, "renewal.csr")
    token.ok("renew", str(items[0]["id"]), "--reuse-key", "--out", renewal,
             "--pin-file", token.pin_file)
    verify = subprocess.run([tc.OPENSSL, "req", "-in", renewal, "-noout", "-verify"],
                            capture_output=True, text=True)
    check_equal(verify.returncode, 0, f"openssl req -verify: {verify.stderr}")
    pubkeys = [subprocess.run([tc.OPENSSL, *args, "-noout", "-pubkey"], capture_output=True,
                              text=True, check=True).stdout
               for args in (["req", "-in", renewal], ["x509", "-in", cert])]
    check_equal(pubkeys[0], pubkeys[1], "the token key again")
    items = token.store.fails(4, "check", "--json").json()["certificates"]
    pending = [r for r in token.ok("requests", "--json").json() if r["status"] == "pending"]
    check_equal([r["key_id"] for r in pending], [key_id], "one pending request for the token key")
    check_equal(items[0]["request_id"], pending[0]["id"], "check shows the renewal in flight")

    # Renewed with a new key: like the old one, in the same place (the token).
    fresh = os.path.join(token.dir, "renewal-new.csr")
    token.ok("renew", str(items[0]["id"]), "--out", fresh, "--pin-file", token.pin_file)
    fresh_key = subprocess.run([tc.OPENSSL, "req", "-in", fresh, "-noout", "-pubkey"],
                               capture_output=True, text=True, check=True).stdout
    check(fresh_key != pubkeys[1], "a new key")
    keys = {k["id"]: k for k in token.ok("list", "--keys", "--json").json()}
    pending = [r for r in token.ok("requests", "--json").json() if r["status"] == "pending"]
    new_keys = [r["key_id"] for r in pending if r["key_id"] != key_id]
    check_equal(len(new_keys), 1, f"a second pending request for a new key: {pending}")
    check((keys[new_keys[0]]["pkcs11_uri"] or "").startswith("pkcs11:") and
          "ck-cli-expiry" in keys[new_keys[0]]["pkcs11_uri"],
          f"the new key is on the token: {keys[new_keys[0]]}")


@test
def a_ca_whose_key_is_on_the_token_signs_and_makes_crls():
    token = Token("ck-cli-ca")
    token.ok("keygen", "--token", token.uri, "--algorithm", "ecdsa", "--curve", "P-256",
             "--label", "cli-ca", "--pin-file", token.pin_file)
    ca_pem = os.path.join(token.dir, "ca.pem")
    out = token.ok("selfsign", "--key", f"{token.uri};object=cli-ca;type=private",
                   "--subject", "CN=Token CA, O=Certkeeper", "--profile", "root-ca",
                   "--json", "--out", ca_pem, "--pin-file", token.pin_file).json()
    ca_id = out["id"]
    csr = os.path.join(token.dir, "leaf.csr")
    token.ok("request", "--new-key", "ecdsa", "--no-key-passphrase", "--cn", "leaf.token.example",
             "--san", "DNS:leaf.token.example", "--profile", "tls-server", "--out", csr)
    leaf = os.path.join(token.dir, "leaf.pem")
    made = token.ok("sign", csr, "--ca", str(ca_id), "--profile", "tls-server",
                    "--keep-extensions", "san", "--json", "--out", leaf,
                    "--pin-file", token.pin_file).json()
    check_equal(made["issuer_id"], ca_id, "issuer")
    result = subprocess.run([tc.OPENSSL, "verify", "-CAfile", ca_pem, leaf], capture_output=True)
    check(result.returncode == 0, result.stdout + result.stderr)
    token.ok("revoke", str(made["id"]), "--reason", "key-compromise")
    crl = os.path.join(token.dir, "ca.crl")
    token.ok("crl", str(ca_id), "--out", crl, "--pin-file", token.pin_file)
    result = subprocess.run([tc.OPENSSL, "verify", "-crl_check", "-CAfile", ca_pem,
                             "-CRLfile", crl, leaf], capture_output=True)
    check(result.returncode != 0 and b"certificate revoked" in result.stdout + result.stderr,
          result.stdout + result.stderr)


def main():
    def prepare(workdir):
        global WORKDIR
        WORKDIR = workdir
    return tc.tap_main("test-cli-tokens.py", TESTS, {"softhsm2-util": SOFTHSM_UTIL, "openssl": tc.OPENSSL}, prepare)


if __name__ == "__main__":
    sys.exit(main())
