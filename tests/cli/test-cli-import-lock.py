#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""A big import with a key passphrase does not lock other writers out.

Storing a key encrypted ran a slow key derivation per key. It used to run
inside the commit's write transaction: a 300-key import held the
database's write lock for 23 s, and a `trust set`, a second import or a
trust change in the window, all waiting at most 10 s for the lock, failed
with "database is locked". The keys are now encrypted before the
transaction, which only writes; and since the store's key vault, storing
them costs one key derivation in all. So that the big import still runs
for seconds, its input keys are encrypted PKCS#8 (PBKDF2 with
ENCRYPTED_ITERATIONS iterations each, opened with --password-file while
the plan is read, outside any transaction).

While a 300-key import runs, this test keeps writing to the same store:
`trust set`, a second import of one more key, and a plain SQLite write
transaction opened with a 1 s busy timeout. Every one of them must succeed,
and at least one round must have finished while the big import was still
running (else the test proved nothing, and says so). The pass criterion is
state (success, overlap); the one bound is the issue's: no writer waits
more than a second for the lock, which the SQLite probe checks with its
1 s busy timeout (every round, while the big import and the other
commands hold it in turn). Each command's wall time is reported.

Usage: test-cli-import-lock.py PATH/TO/certkeeper-cli
"""

import importlib.util
import os
import sqlite3
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("test_cli", os.path.join(HERE, "test-cli.py"))
tc = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tc)
Failure, check, check_equal, Store = tc.Failure, tc.check, tc.check_equal, tc.Store

N_KEYS = 300
ENCRYPTED_ITERATIONS = 30000
N_EXTRA = 60
# The big import may take minutes on a loaded machine: a deadline only
# against hanging.
BIG_DEADLINE = 900
PROBE_TIMEOUT = 1.0

WORKDIR = None
INPUTS = None
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


def encrypted(key_pem, password_file):
    """@key_pem as encrypted PKCS#8, slow to open on purpose."""
    return tc.run_tool(tc.OPENSSL, "pkcs8", "-topk8", "-v2", "aes-256-cbc",
                       "-iter", str(ENCRYPTED_ITERATIONS), "-passout", f"file:{password_file}",
                       stdin=key_pem.encode()).decode()


def timed(store, *args):
    start = time.monotonic()
    result = store.run(*args)
    return result, time.monotonic() - start


def probe_write_lock(db):
    """A write transaction of our own, as any other SQLite writer would
    open one: it waits at most PROBE_TIMEOUT for the lock."""
    start = time.monotonic()
    connection = sqlite3.connect(db, timeout=PROBE_TIMEOUT, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        connection.execute("ROLLBACK")
    except sqlite3.OperationalError as exc:
        raise Failure(f"SQLite write lock not free within {PROBE_TIMEOUT} s: {exc}")
    finally:
        connection.close()
    return time.monotonic() - start


@test
def writers_are_not_locked_out_by_a_big_import():
    store = Store(WORKDIR, "big")
    input_pw = write("input.pw", "input passphrase\n")
    keys = write("keys.pem", "".join(encrypted(key, input_pw) for key in ec_keys(N_KEYS)))
    extras = [write(f"extra-{i}.pem", key) for i, key in enumerate(ec_keys(N_EXTRA))]
    store_pw = write("store.pw", "store passphrase\n")

    # A certificate to change the trust of.
    cert = path("ca.pem")
    tc.run_tool(tc.OPENSSL, "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:P-256", "-nodes", "-keyout", path("ca.key"),
                "-out", cert, "-subj", "/CN=Lock Test CA", "-days", "30")
    store.ok("import", cert)
    cert_id = str(store.certificates()[0]["id"])
    db = os.path.join(store.dir, "store.db")
    check(os.path.exists(db), f"no {db}")

    env = dict(os.environ)
    env.pop("CERTKEEPER_STORE", None)
    big = subprocess.Popen([tc.CLI, "--store", store.dir, "import", keys,
                            "--password-file", input_pw, "--key-passphrase-file", store_pw],
                           stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                           stderr=subprocess.PIPE, env=env)
    deadline = time.monotonic() + BIG_DEADLINE
    rounds_during = 0
    rounds = 0
    walls = []
    trusted = False
    try:
        while big.poll() is None:
            check(time.monotonic() < deadline, f"the big import still runs after {BIG_DEADLINE} s")
            trusted = not trusted
            result, wall = timed(store, "trust", "set", cert_id, "--purpose", "tls-server",
                                 "--trusted" if trusted else "--default")
            check_equal(result.code, 0, f"trust set during the big import: {result!r}")
            walls.append(("trust set", wall))

            result, wall = timed(store, "import", extras[rounds % N_EXTRA],
                                 "--no-key-passphrase")
            check_equal(result.code, 0, f"second import during the big import: {result!r}")
            walls.append(("import", wall))

            walls.append(("sqlite", probe_write_lock(db)))
            rounds += 1
            if big.poll() is None:
                rounds_during += 1
            # Between rounds, wait for the big import to end, a little at a
            # time: writing flat out would only slow it down. The outcome
            # does not depend on this pace.
            try:
                big.wait(timeout=0.25)
            except subprocess.TimeoutExpired:
                pass
        out, err = big.communicate(timeout=max(1, deadline - time.monotonic()))
    finally:
        if big.poll() is None:
            big.kill()
            big.wait()

    print(f"# {rounds} rounds of writes, {rounds_during} finished while the big import ran")
    for what in ("trust set", "import", "sqlite"):
        times = [wall for name, wall in walls if name == what]
        if times:
            print(f"# {what}: longest {max(times):.2f} s, median "
                  f"{sorted(times)[len(times) // 2]:.2f} s over {len(times)}")
    check_equal(big.returncode, 0, f"the big import: {err.decode(errors='replace')}")
    check(f"Imported {N_KEYS} keys" in out.decode(), out.decode()[:300])
    check(rounds_during > 0, "no write finished while the big import ran: the test "
          "proved nothing (the big import was too quick)")
    check_equal(len(store.keys()), N_KEYS + min(rounds, N_EXTRA), "keys in the store")
    decisions = store.ok("trust", "list", "--json").json()
    check_equal(len(decisions) > 0, trusted, f"trust decision as last set: {decisions!r}")


def main():
    def prepare(workdir):
        global WORKDIR, INPUTS
        WORKDIR = workdir
        INPUTS = os.path.join(workdir, "inputs")
        os.makedirs(INPUTS)
    return tc.tap_main("test-cli-import-lock.py", TESTS, {"openssl": tc.OPENSSL}, prepare)


if __name__ == "__main__":
    sys.exit(main())
