#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""certkeeper-cli in German, end to end.

meson runs this with LANGUAGE=de, LC_ALL=C.UTF-8 and CK_LOCALEDIR pointing
at the catalogues it compiled from po/de.po, so the uninstalled build finds
them. The checks are on messages made in the core library (import errors,
store errors, trust verdicts), not only in the CLI: a message the core
left unmarked would come out English, or half English half German.
Output is TAP, for meson. Reuses the harness of test-cli.py.

Usage: test-cli-german.py PATH/TO/certkeeper-cli
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

DATA = os.path.join(os.environ.get("CK_TEST_DATA", os.path.join(HERE, "..", "data")),
                    "certtool")
WORKDIR = None
TESTS = []

# Words of the English messages that must not survive in German output.
ENGLISH = re.compile(r"\b(not a|nothing|the store|No object|Not trusted|is not|with id)\b")


def test(func):
    TESTS.append(func)
    return func


_counter = [0]


def new_store():
    _counter[0] += 1
    return Store(WORKDIR, f"german-{_counter[0]}")


def check_german(text, what):
    check(ENGLISH.search(text) is None, f"{what}: English left in {text!r}")


@test
def environment_asks_for_german():
    # Without these the other checks would pass or fail for the wrong reason.
    check_equal(os.environ.get("LANGUAGE"), "de", "LANGUAGE")
    locale_dir = os.environ.get("CK_LOCALEDIR", "")
    mo = os.path.join(locale_dir, "de", "LC_MESSAGES", "certkeeper.mo")
    check(os.path.isfile(mo), f"no compiled catalogue at {mo}")


@test
def help_is_german():
    result = new_store().ok("--help")
    check(result.stdout.startswith("Aufruf:"), f"--help: {result!r}")


@test
def import_error_from_the_core_is_german():
    path = os.path.join(WORKDIR, "notes.txt")
    with open(path, "w", encoding="utf-8") as f:
        f.write("neither a certificate nor a key\n")
    result = new_store().fails(1, "import", path)
    line = result.stderr.strip()
    # The file name is kept as it is; the reason and the verdict are German.
    check_equal(line, "certkeeper-cli: notes.txt: keine Zertifikats-, Schlüssel-, "
                      "Anforderungs-, PKCS#7- oder PKCS#12-Datei; nichts importiert",
                "import error")


@test
def empty_file_is_german():
    path = os.path.join(WORKDIR, "empty.pem")
    open(path, "wb").close()
    result = new_store().fails(1, "import", path)
    check("empty.pem: die Datei ist leer" in result.stderr, f"empty file: {result!r}")
    check_german(result.stderr, "empty file")


@test
def unknown_id_is_german():
    result = new_store().run("show", "42")
    check(result.code != 0, f"show 42 on an empty store succeeded: {result!r}")
    check_equal(result.stderr.strip(), "certkeeper-cli: Kein Objekt mit der ID 42 im Zertifikatsspeicher",
                "show 42")


@test
def unknown_fingerprint_prefix_is_german():
    result = new_store().run("show", "abcdef")
    check(result.code != 0, f"show abcdef on an empty store succeeded: {result!r}")
    check("„abcdef“ beginnen" in result.stderr, f"show abcdef: {result!r}")
    check_german(result.stderr, "show abcdef")


@test
def untrusted_verdict_is_german():
    store = new_store()
    store.ok("import", os.path.join(DATA, "email-certs", "chain.test.example.com"))
    leaf = [c for c in store.certificates() if c["display_name"] == "invalid@example.com"]
    check_equal(len(leaf), 1, "leaf certificates imported")
    result = store.run("verify", str(leaf[0]["id"]), "--purpose", "tls-server")
    check_equal(result.code, 3, f"verify exit status ({result!r})")
    reason = result.stdout.splitlines()[0]
    check_equal(reason, "Nicht vertraut für TLS-Server: Der Wurzel CA-0 wird nicht vertraut",
                "verify reason")
    doc = store.run("verify", str(leaf[0]["id"]), "--purpose", "tls-server", "--json").json()
    # Machine-readable values stay as they are in every language.
    check_equal(doc["status"], "not-trusted", "JSON status")
    check_equal(doc["reason"], reason, "JSON reason")


def main():
    def prepare(workdir):
        global WORKDIR
        WORKDIR = workdir
    return tc.tap_main("test-cli-german.py", TESTS, {}, prepare)


if __name__ == "__main__":
    sys.exit(main())
