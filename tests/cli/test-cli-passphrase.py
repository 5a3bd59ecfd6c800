#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""The store passphrase on the command line.

Keys are sealed under the store's key vault: one passphrase per store,
asked once per command, checked before anything is written; `passphrase`
changes it (old and new from files or the prompt, never argv) and every
key still opens to the same bytes; a store written before the vault
(tests/data/legacy-store, by the previous code) is migrated on first use.
openssl is the oracle for the key bytes.

Usage: test-cli-passphrase.py PATH/TO/certkeeper-cli
"""

import importlib.util
import os
import shutil
import sqlite3
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("test_cli", os.path.join(HERE, "test-cli.py"))
tc = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tc)
Failure, check, check_equal, Store = tc.Failure, tc.check, tc.check_equal, tc.Store

WORKDIR = None
INPUTS = None
LEGACY = os.path.join(os.environ.get("CK_TEST_DATA", os.path.join(HERE, "..", "data")),
                      "legacy-store")
TESTS = []


def test(func):
    TESTS.append(func)
    return func


def path(name):
    return os.path.join(INPUTS, name)


def write(name, text):
    with open(path(name), "w", encoding="utf-8") as f:
        f.write(text)
    return path(name)


def ec_keys(n):
    return [tc.run_tool(tc.OPENSSL, "genpkey", "-algorithm", "EC",
                        "-pkeyopt", "ec_paramgen_curve:P-256").decode() for _ in range(n)]


def private_der(pem_file):
    """The key as openssl reads it, in one canonical form."""
    return tc.run_tool(tc.OPENSSL, "pkey", "-in", pem_file, "-outform", "DER")


def key_blobs(store):
    db = sqlite3.connect(os.path.join(store.dir, "store.db"))
    try:
        return db.execute("SELECT id, encrypted, pkcs8 FROM keys ORDER BY id").fetchall()
    finally:
        db.close()


def export_plain(store, key_id, password_file, name):
    out = path(name)
    if os.path.exists(out):
        os.unlink(out)
    args = ["export", str(key_id), "--no-passphrase", "--out", out]
    if password_file is not None:
        args[2:2] = ["--password-file", password_file]
    store.ok(*args)
    check_equal(os.stat(out).st_mode & 0o777, 0o600, f"mode of {out}")
    return out


@test
def one_passphrase_per_store():
    store = Store(WORKDIR, "one")
    pw = write("one.pw", "the store passphrase\n")
    other = write("other.pw", "another passphrase\n")
    keys = ec_keys(4)
    files = [write(f"one-{i}.pem", key) for i, key in enumerate(keys)]

    store.ok("import", *files[:3], "--key-passphrase-file", pw)
    rows = key_blobs(store)
    check_equal(len(rows), 3, "keys stored")
    for key_id, encrypted, blob in rows:
        check_equal(encrypted, 1, f"key {key_id} encrypted")
        check(blob[:4] == b"CKW1", f"key {key_id} is sealed under the vault: {blob[:8]!r}")
        check(b"PRIVATE KEY" not in blob, f"key {key_id} in the clear")

    # Another passphrase is not the store's: refused, nothing written.
    before = key_blobs(store)
    result = store.fails(1, "import", files[3], "--key-passphrase-file", other)
    check("Wrong store passphrase" in result.stderr, result.stderr)
    check_equal(key_blobs(store), before, "keys after the refused import")

    store.ok("import", files[3], "--key-passphrase-file", pw)
    for i, (key_id, _, _) in enumerate(key_blobs(store)):
        out = export_plain(store, key_id, pw, f"one-out-{i}.pem")
        check_equal(private_der(out), private_der(files[i]), f"key {key_id} bytes")


@test
def change_passphrase_from_files():
    store = Store(WORKDIR, "change")
    old = write("change-old.pw", "old passphrase\n")
    new = write("change-new.pw", "new passphrase\n")
    wrong = write("change-wrong.pw", "wrong\n")
    files = [write(f"change-{i}.pem", key) for i, key in enumerate(ec_keys(3))]
    store.ok("import", *files, "--key-passphrase-file", old)
    before = key_blobs(store)

    result = store.fails(1, "passphrase", "--old-passphrase-file", wrong,
                         "--new-passphrase-file", new)
    check("wrong store passphrase" in result.stderr, result.stderr)
    check_equal(key_blobs(store), before, "keys after a wrong old passphrase")

    result = store.ok("passphrase", "--old-passphrase-file", old, "--new-passphrase-file", new)
    check("3 keys re-sealed" in result.stdout, result.stdout)
    after = key_blobs(store)
    check_equal([r[0] for r in after], [r[0] for r in before], "key ids")
    for (key_id, _, a), (_, _, b) in zip(before, after):
        check(a != b and b[:4] == b"CKW1", f"key {key_id} re-sealed")

    result = store.fails(1, "export", str(before[0][0]), "--password-file", old,
                         "--no-passphrase", "--out", path("change-refused.pem"))
    check(not os.path.exists(path("change-refused.pem")), "written with the old passphrase")
    for i, (key_id, _, _) in enumerate(after):
        out = export_plain(store, key_id, new, f"change-out-{i}.pem")
        check_equal(private_der(out), private_der(files[i]), f"key {key_id} bytes")


@test
def change_passphrase_at_the_prompt():
    store = Store(WORKDIR, "prompt")
    old = write("prompt-old.pw", "old at the prompt\n")
    new = write("prompt-new.pw", "new at the prompt\n")
    key = write("prompt.pem", ec_keys(1)[0])
    store.ok("import", key, "--key-passphrase-file", old)

    code, shown, _ = tc.run_in_pty(
        [tc.CLI, "--store", store.dir, "passphrase"],
        [(r"Current store passphrase: $", "a typo"),
         (r"try again\.\s+Current store passphrase: $", "old at the prompt"),
         (r"Enter the new store passphrase: $", "new at the prompt"),
         (r"Enter the new store passphrase again: $", "new at the prompt")])
    check_equal(code, 0, f"passphrase at the prompt: {shown!r}")
    check("Wrong store passphrase" in shown, shown)
    check("new at the prompt" not in shown and "old at the prompt" not in shown,
          f"a passphrase was echoed: {shown!r}")
    out = export_plain(store, key_blobs(store)[0][0], new, "prompt-out.pem")
    check_equal(private_der(out), private_der(key), "key bytes")


@test
def import_asks_once_and_checks_at_the_prompt():
    store = Store(WORKDIR, "ask")
    pw = write("ask.pw", "asked once\n")
    store.ok("import", write("ask-0.pem", ec_keys(1)[0]), "--key-passphrase-file", pw)
    files = [write(f"ask-{i}.pem", key) for i, key in enumerate(ec_keys(3), 1)]
    # A store with a passphrase: asked once (not twice, as a new one is),
    # and a wrong one is asked again before anything is imported.
    code, shown, _ = tc.run_in_pty(
        [tc.CLI, "--store", store.dir, "import", *files],
        [(r"Store passphrase: $", "not it"),
         (r"try again\.\s+Store passphrase: $", "asked once")])
    check_equal(code, 0, f"import at the prompt: {shown!r}")
    check_equal(shown.count("Store passphrase:"), 2, f"prompts: {shown!r}")
    check_equal(len(key_blobs(store)), 4, "keys stored")


@test
def passphrases_never_on_argv():
    store = Store(WORKDIR, "argv")
    for option in ("--old-passphrase", "--new-passphrase", "--passphrase"):
        store.fails(2, "passphrase", option, "secret")
    store.fails(1, "passphrase", "--new-passphrase-file", path("missing.pw"))


@test
def legacy_store_is_migrated():
    store = Store(WORKDIR, "legacy")
    os.makedirs(store.dir, mode=0o700)
    shutil.copyfile(os.path.join(LEGACY, "store.db"), os.path.join(store.dir, "store.db"))
    os.chmod(os.path.join(store.dir, "store.db"), 0o600)
    p1 = write("legacy-1.pw", "old store pass\n")
    p2 = write("legacy-2.pw", "another pass\n")

    before = key_blobs(store)
    check([r[2][:1] for r in before] == [b"\x30"] * 4, "the fixture holds PKCS#8 blobs")
    store.fails(1, "export", "2", "--password-file", p2, "--no-passphrase",
                "--out", path("legacy-refused.pem"))
    check_equal(key_blobs(store), before, "keys after a wrong passphrase")

    out = export_plain(store, 2, p1, "legacy-a.pem")
    check_equal(private_der(out), private_der(os.path.join(LEGACY, "a.key")), "key 2 bytes")
    forms = {key_id: (encrypted, blob[:4]) for key_id, encrypted, blob in key_blobs(store)}
    check_equal(forms[2], (1, b"CKW1"), "key 2 re-sealed")
    check_equal(forms[3], (1, b"CKW1"), "key 3 re-sealed")
    check_equal(forms[4][1][:1], b"\x30", "key 4 keeps its own passphrase")
    check_equal(forms[5][0], 0, "key 5 stays unencrypted")

    out = export_plain(store, 3, p1, "legacy-b.pem")
    check_equal(private_der(out), private_der(os.path.join(LEGACY, "b.key")), "key 3 bytes")
    out = export_plain(store, 4, p2, "legacy-c.pem")
    check_equal(private_der(out), private_der(os.path.join(LEGACY, "c.key")), "key 4 bytes")
    # Its own passphrase does not unlock the vault: it stays as it was
    # until it is opened with the store unlocked (as the window does).
    check_equal(key_blobs(store)[2][2][:1], b"\x30", "key 4 still in its own form")
    out = export_plain(store, 5, None, "legacy-d.pem")
    check_equal(private_der(out), private_der(os.path.join(LEGACY, "d.key")), "key 5 bytes")


def main():
    def prepare(workdir):
        global WORKDIR, INPUTS
        WORKDIR = workdir
        INPUTS = os.path.join(workdir, "inputs")
        os.makedirs(INPUTS)
    return tc.tap_main("test-cli-passphrase.py", TESTS, {"openssl": tc.OPENSSL}, prepare)


if __name__ == "__main__":
    sys.exit(main())
