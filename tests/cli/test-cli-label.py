#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end tests of `certkeeper-cli label`: naming a certificate or key
(its label), clearing it, and refusing names that are not one line of
text, with the store unchanged. Output is TAP, for meson. Reuses the
harness of test-cli.py.

Usage: test-cli-label.py PATH/TO/certkeeper-cli
"""

import importlib.util
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("test_cli", os.path.join(HERE, "test-cli.py"))
tc = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tc)
Failure, check, check_equal, Store = tc.Failure, tc.check, tc.check_equal, tc.Store

WORKDIR = None
TESTS = []
_counter = [0]
CN = "label.certkeeper.test"


def test(func):
    TESTS.append(func)
    return func


def path(name):
    return os.path.join(WORKDIR, name)


def new_store():
    _counter[0] += 1
    return Store(WORKDIR, f"label-{_counter[0]}")


def store_with_certificate():
    store = new_store()
    cert = path("label.crt")
    if not os.path.exists(cert):
        subprocess.run([tc.OPENSSL, "req", "-x509", "-newkey", "ec", "-pkeyopt",
                        "ec_paramgen_curve:P-256", "-nodes", "-keyout", path("label.key"),
                        "-out", cert, "-days", "30", "-subj", f"/CN={CN}"],
                       check=True, capture_output=True)
    store.ok("import", cert)
    (row,) = store.certificates()
    return store, row


def db_bytes(store):
    with open(os.path.join(store.dir, "store.db"), "rb") as f:
        return f.read()


@test
def label_and_clear_a_certificate():
    store, row = store_with_certificate()
    check_equal(row["display_name"], CN, "named by its subject first")
    out = store.ok("label", str(row["id"]), "  Web front end (prod)  ").stdout
    check("Web front end (prod)" in out, out)
    (after,) = store.certificates()
    check_equal(after["label"], "Web front end (prod)", "label stored, trimmed")
    check_equal(after["display_name"], "Web front end (prod)", "the label is its name")
    check("Web front end (prod)" in store.ok("list").stdout, "list shows the name")
    check_equal(after["sha256"], row["sha256"], "the certificate itself is unchanged")
    store.ok("label", str(row["id"]), "--clear")
    (cleared,) = store.certificates()
    check_equal(cleared["label"], None, "--clear removes the label")
    check_equal(cleared["display_name"], CN, "named by its subject again")
    store.ok("label", row["sha256"][:16], "By fingerprint")
    check_equal(store.certificates()[0]["display_name"], "By fingerprint",
                "a fingerprint prefix names it too")
    store.ok("label", str(row["id"]), "")
    check_equal(store.certificates()[0]["label"], None, "an empty label clears it")


@test
def label_a_key():
    store = new_store()
    store.ok("keygen", "--algorithm", "ecdsa", "--no-key-passphrase")
    (key,) = store.keys()
    store.ok("label", str(key["id"]), "VPN gateway key")
    (after,) = store.keys()
    check_equal(after["display_name"], "VPN gateway key", "a key takes a name")


@test
def bad_names_leave_the_store_unchanged():
    store, row = store_with_certificate()
    before = db_bytes(store)
    for bad, why in (("two\nlines", "control character"),
                     ("bell\x07", "control character"),
                     ("x" * 1025, "too long")):
        result = store.fails(1, "label", str(row["id"]), bad)
        check(why in result.stderr, f"{why}: {result.stderr!r}")
    result = store.fails(1, "label", "4242", "nothing")
    check("4242" in result.stderr, result.stderr)
    check_equal(db_bytes(store), before, "the store is byte for byte unchanged")
    check_equal(store.certificates()[0]["label"], None, "no label set")


@test
def usage_errors():
    store, row = store_with_certificate()
    store.fails(2, "label")
    store.fails(2, "label", str(row["id"]))
    store.fails(2, "label", str(row["id"]), "a", "b")
    store.fails(2, "label", str(row["id"]), "--clear", "a")
    help_text = store.ok("label", "--help").stdout
    check("--clear" in help_text, help_text)
    check("label ID" in store.ok("help").stdout, "listed in the main help")


def main():
    def prepare(workdir):
        global WORKDIR
        WORKDIR = workdir
    return tc.tap_main("test-cli-label.py", TESTS, {"openssl": tc.OPENSSL}, prepare)


if __name__ == "__main__":
    sys.exit(main())
