#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Hostile and odd inputs for certkeeper-cli (issue 12, "Inputs").

Devices, FIFOs and standard input are read with a cap checked while
reading, and the child's peak RSS proves it (a watchdog kills a child that
grows past the bound, so a regression fails instead of eating the
machine's memory). A FIFO without a writer is waited for until Ctrl+C.
Damaged stores, loose permissions, full and read-only file systems, and
the wording of odd-input messages follow. Output is TAP, for meson.

Usage: test-cli-inputs.py PATH/TO/certkeeper-cli
"""

import importlib.util
import os
import select
import shutil
import signal
import subprocess
import sys
import tempfile
import threading

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("test_cli", os.path.join(HERE, "test-cli.py"))
tc = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tc)
Failure, check, check_equal, Store = tc.Failure, tc.check, tc.check_equal, tc.Store

MiB = 1024 * 1024
INPUT_LIMIT = 256 * MiB          # CK_MAX_INPUT_SIZE
SECRET_LIMIT = 8 * 1024          # CK_MAX_SECRET_FILE_SIZE
# Peak RSS allowed: the cap itself plus the process (ASan's shadow memory
# and runtime included) for certificate inputs; a secret file must cost
# next to nothing.
INPUT_RSS_BOUND = INPUT_LIMIT + 160 * MiB
SECRET_RSS_BOUND = 128 * MiB

WORKDIR = None
CERT = None
TESTS = []


def test(func):
    TESTS.append(func)
    return func


_counter = [0]


def new_store(name):
    _counter[0] += 1
    return Store(WORKDIR, f"{_counter[0]:02d}-{name}")


def vm_rss(pid):
    try:
        with open(f"/proc/{pid}/status", encoding="ascii") as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1]) * 1024
    except OSError:
        pass
    return 0


def run_bounded(store, args, rss_bound, stdin=subprocess.DEVNULL):
    """Runs the CLI on @store; returns (exit code, stderr, peak RSS in
    bytes). Fails as soon as the child's RSS passes @rss_bound."""
    env = dict(os.environ)
    env.pop("CERTKEEPER_STORE", None)
    err = tempfile.TemporaryFile()
    proc = subprocess.Popen([tc.CLI, "--store", store.dir, *args], stdin=stdin,
                            stdout=subprocess.DEVNULL, stderr=err, env=env)
    pidfd = os.pidfd_open(proc.pid)
    try:
        deadline_polls = int(tc.TIMEOUT / 0.05)
        for _ in range(deadline_polls):
            # Wakes when the child exits; meanwhile looks at its size.
            ready, _, _ = select.select([pidfd], [], [], 0.05)
            if ready:
                break
            rss = vm_rss(proc.pid)
            if rss > rss_bound:
                proc.kill()
                proc.wait()
                raise Failure(f"certkeeper-cli {' '.join(args)}: RSS {rss >> 20} MiB, "
                              f"over the bound of {rss_bound >> 20} MiB")
        else:
            proc.kill()
            proc.wait()
            raise Failure(f"certkeeper-cli {' '.join(args)}: still running after "
                          f"{tc.TIMEOUT} s")
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    finally:
        os.close(pidfd)
    err.seek(0)
    stderr = err.read().decode("utf-8", errors="replace")
    err.close()
    peak = usage.ru_maxrss * 1024
    check(peak <= rss_bound, f"peak RSS {peak >> 20} MiB over {rss_bound >> 20} MiB")
    return proc.returncode, stderr, peak


def check_store_empty(store):
    if os.path.exists(os.path.join(store.dir, "store.db")):
        check_equal(store.list_json(), [], "store after a refused input")


# ---- 1. unbounded reads ---------------------------------------------------

def refused_too_large(args, names, limit_text, rss_bound, stdin=subprocess.DEVNULL,
                      store=None):
    store = store or new_store("too-large")
    code, stderr, peak = run_bounded(store, args, rss_bound, stdin=stdin)
    check_equal(code, 1, f"exit status: {stderr!r}")
    check("too large" in stderr, f"no 'too large': {stderr!r}")
    check(limit_text in stderr, f"the limit {limit_text} not named: {stderr!r}")
    for name in names:
        check(name in stderr, f"{name} not named: {stderr!r}")
    check_store_empty(store)
    print(f"# {' '.join(args)}: refused, peak RSS {peak >> 20} MiB")


@test
def import_dev_zero_is_refused_with_bounded_memory():
    refused_too_large(["import", "/dev/zero"], ["/dev/zero"], "256 MiB", INPUT_RSS_BOUND)


@test
def import_dev_urandom_is_refused_with_bounded_memory():
    refused_too_large(["import", "/dev/urandom"], ["/dev/urandom"], "256 MiB", INPUT_RSS_BOUND)


@test
def import_symlink_to_dev_zero_is_refused_with_bounded_memory():
    link = os.path.join(WORKDIR, "innocent.pem")
    os.symlink("/dev/zero", link)
    refused_too_large(["import", link], [link], "256 MiB", INPUT_RSS_BOUND)


@test
def import_stdin_from_dev_zero_is_refused_with_bounded_memory():
    with open("/dev/zero", "rb") as zero:
        refused_too_large(["import", "-"], ["standard input"], "256 MiB", INPUT_RSS_BOUND,
                          stdin=zero)


@test
def import_regular_file_over_the_cap_is_refused_unread():
    # Sparse: no disk space, and the size check refuses it before reading.
    big = os.path.join(WORKDIR, "huge.pem")
    with open(big, "wb") as f:
        f.truncate(INPUT_LIMIT + 1)
    refused_too_large(["import", big], [big], "256 MiB", 64 * MiB)
    os.unlink(big)


@test
def password_file_from_dev_zero_is_refused():
    refused_too_large(["import", "--password-file", "/dev/zero", CERT], ["/dev/zero"],
                      "8 KiB", SECRET_RSS_BOUND)


@test
def key_passphrase_file_from_dev_urandom_is_refused():
    key = os.path.join(WORKDIR, "cert.key")
    refused_too_large(["import", "--key-passphrase-file", "/dev/urandom", CERT, key],
                      ["/dev/urandom"], "8 KiB", SECRET_RSS_BOUND)


@test
def password_file_just_over_the_cap_is_refused_and_under_it_read():
    store = new_store("secret-size")
    big = os.path.join(WORKDIR, "big.pw")
    with open(big, "w", encoding="ascii") as f:
        f.write("x" * (SECRET_LIMIT + 1))
    refused_too_large(["import", "--password-file", big, CERT], [big], "8 KiB",
                      SECRET_RSS_BOUND, store=store)
    # A long first line within the file cap is still over the password cap.
    long_pw = os.path.join(WORKDIR, "long.pw")
    with open(long_pw, "w", encoding="ascii") as f:
        f.write("y" * 5000 + "\n")
    result = store.fails(1, "import", "--password-file", long_pw, CERT)
    check("longer than 4096 bytes" in result.stderr, repr(result))
    # A password file with more lines is fine: only the first counts.
    ok_pw = os.path.join(WORKDIR, "ok.pw")
    with open(ok_pw, "w", encoding="ascii") as f:
        f.write("secret\n" + "z" * 4000 + "\n")
    store.ok("import", "--password-file", ok_pw, CERT)
    check_equal(len(store.certificates()), 1, "imported with a multi-line password file")


def wait_until_open(proc, path):
    """Waits (on state, with the usual deadline) until @proc has @path open."""
    fd_dir = f"/proc/{proc.pid}/fd"
    pidfd = os.pidfd_open(proc.pid)
    try:
        for _ in range(int(tc.TIMEOUT / 0.02)):
            try:
                targets = [os.readlink(os.path.join(fd_dir, fd)) for fd in os.listdir(fd_dir)]
            except OSError:
                targets = []
            if path in targets:
                return
            ready, _, _ = select.select([pidfd], [], [], 0.02)
            if ready:
                raise Failure(f"exited before opening {path}: "
                              f"{proc.communicate(timeout=tc.TIMEOUT)!r}")
        raise Failure(f"{path} never opened")
    finally:
        os.close(pidfd)


def interrupt_fifo_read(args_for, expected):
    store = new_store("fifo")
    store.ok("list")   # the store exists; the interrupted command must not change it
    before = open(os.path.join(store.dir, "store.db"), "rb").read()
    fifo = os.path.join(WORKDIR, f"fifo-{_counter[0]}")
    os.mkfifo(fifo)
    proc = subprocess.Popen([tc.CLI, "--store", store.dir, *args_for(fifo)],
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    try:
        wait_until_open(proc, fifo)
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=tc.TIMEOUT)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    err = err.decode("utf-8", errors="replace")
    check_equal(proc.returncode, 130, f"exit status after Ctrl+C: {err!r}")
    check(expected in err, f"no {expected!r}: {err!r}")
    check(err.startswith("certkeeper-cli: ") and err.count("\n") == 1, repr(err))
    check_equal(store.list_json(), [], "store after an interrupted import")
    check(open(os.path.join(store.dir, "store.db"), "rb").read() == before, "store.db changed")


@test
def fifo_without_writer_is_interrupted_by_ctrl_c():
    interrupt_fifo_read(lambda fifo: ["import", fifo], "interrupted while reading the input")


@test
def password_fifo_without_writer_is_interrupted_by_ctrl_c():
    interrupt_fifo_read(lambda fifo: ["import", "--password-file", fifo, CERT],
                        "interrupted while reading the password file")


@test
def fifo_with_a_writer_is_read():
    store = new_store("fifo-writer")
    fifo = os.path.join(WORKDIR, "fifo-writer")
    os.mkfifo(fifo)
    data = open(CERT, "rb").read()

    def write():
        with open(fifo, "wb") as f:   # waits for the reader
            f.write(data)

    writer = threading.Thread(target=write)
    writer.start()
    result = store.run("import", fifo)
    writer.join(timeout=tc.TIMEOUT)
    check_equal(result.code, 0, repr(result))
    check_equal(len(store.certificates()), 1, "certificate from the FIFO")


def main():
    def prepare(workdir):
        global WORKDIR, CERT
        WORKDIR = workdir
        CERT = os.path.join(workdir, "cert.pem")
        tc.run_tool(tc.OPENSSL, "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-nodes", "-keyout",
                    os.path.join(workdir, "cert.key"), "-subj", "/CN=Inputs Test",
                    "-days", "30", "-out", CERT)
    return tc.tap_main("test-cli-inputs.py", TESTS, {"openssl": tc.OPENSSL}, prepare)


if __name__ == "__main__":
    sys.exit(main())
