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


# ---- 2. a damaged store -----------------------------------------------------

def store_with_certificates(name, n=3):
    store = new_store(name)
    certs = []
    for i in range(n):
        path = os.path.join(WORKDIR, f"{name}-{i}.pem")
        tc.run_tool(tc.OPENSSL, "req", "-x509", "-newkey", "ec", "-pkeyopt",
                    "ec_paramgen_curve:P-256", "-nodes", "-keyout", os.devnull,
                    "-subj", f"/CN={name} {i}", "-days", "30", "-out", path)
        certs.append(path)
    store.ok("import", *certs)
    # Verifying once creates the trust module's tables, as any real use does.
    store.run("verify", "1", "--purpose", "tls-server")
    check_equal(len(store.certificates()), n, "certificates imported")
    return store


def flip_bit_in_table_page(db_path, table):
    """Flips one bit of the cell count of @table's root b-tree page: the
    page then claims rows that are not there."""
    import sqlite3
    conn = sqlite3.connect(f"file:{db_path}?mode=ro", uri=True)
    root = conn.execute("SELECT rootpage FROM sqlite_master WHERE name = ?",
                        (table,)).fetchone()[0]
    conn.close()
    data = bytearray(open(db_path, "rb").read())
    page_size = int.from_bytes(data[16:18], "big") or 65536
    header = (root - 1) * page_size + (100 if root == 1 else 0)
    check_equal(data[header], 0x0D, "a table leaf page")
    data[header + 4] ^= 0x04
    with open(db_path, "wb") as f:
        f.write(data)


@test
def bit_flipped_store_is_refused_with_recovery_advice():
    store = store_with_certificates("damaged")
    db = os.path.join(store.dir, "store.db")
    check(not os.path.exists(db + "-wal") or os.path.getsize(db + "-wal") == 0,
          "checkpointed on close")
    flip_bit_in_table_page(db, "certificates")
    damaged = open(db, "rb").read()
    for command in (["list"], ["show", "1"], ["import", CERT]):
        result = store.fails(1, *command)
        check("is damaged" in result.stderr, f"{command}: {result!r}")
        check(f"cp -a {store.dir} {store.dir}.damaged" in result.stderr, repr(result))
        check(".recover" in result.stderr, repr(result))
        check_equal(result.stdout, "", f"{command}: nothing listed")
    check(open(db, "rb").read() == damaged, "the damaged file was left as it was")


@test
def file_that_is_not_a_database_is_refused_as_damaged():
    store = new_store("not-a-db")
    os.makedirs(store.dir, mode=0o700)
    with open(os.path.join(store.dir, "store.db"), "wb") as f:
        f.write(b"this is not SQLite" * 1000)
    result = store.fails(1, "list")
    check("is damaged" in result.stderr and "cp -a" in result.stderr, repr(result))


# ---- 3. store permissions ----------------------------------------------------

@test
def world_writable_store_directory_is_refused():
    store = store_with_certificates("loose-dir", 1)
    os.chmod(store.dir, 0o777)
    result = store.fails(1, "list")
    check("other users can write" in result.stderr, repr(result))
    check(f"chmod 700 {store.dir}" in result.stderr, repr(result))
    os.chmod(store.dir, 0o770)
    result = store.fails(1, "list")
    check(f"chmod 700 {store.dir}" in result.stderr, repr(result))
    os.chmod(store.dir, 0o755)   # readable by others: only a warning
    check_equal(len(store.certificates()), 1, "a 0755 store still opens")
    os.chmod(store.dir, 0o700)


@test
def group_writable_database_is_refused():
    store = store_with_certificates("loose-db", 1)
    db = os.path.join(store.dir, "store.db")
    os.chmod(db, 0o664)
    result = store.fails(1, "list")
    check(f"chmod 600 {db}" in result.stderr, repr(result))
    check_equal(stat_mode(db), 0o664, "not silently changed")
    os.chmod(db, 0o600)
    check_equal(len(store.certificates()), 1, "opens again once fixed")


def stat_mode(path):
    return os.stat(path).st_mode & 0o777


@test
def store_owned_by_someone_else_is_refused():
    if os.geteuid() != 0:
        skip("needs root to give the store to another user")
    store = store_with_certificates("foreign", 1)
    os.chown(store.dir, 65534, 65534)
    result = store.fails(1, "list")
    check("belongs to user 65534" in result.stderr and "chown" in result.stderr,
          repr(result))
    os.chown(store.dir, 0, 0)
    db = os.path.join(store.dir, "store.db")
    os.chown(db, 65534, 65534)
    result = store.fails(1, "list")
    check("belongs to user 65534" in result.stderr, repr(result))
    os.chown(db, 0, 0)
    check_equal(len(store.certificates()), 1, "opens again once fixed")


# ---- 4. full disk, read-only store ---------------------------------------------

def reading_commands_work(store):
    listed = store.list_json()
    check_equal(len(listed), 2, f"list: {listed!r}")
    ident = str(listed[0]["id"])
    check("BEGIN CERTIFICATE" in store.ok("export", ident).stdout, "export")
    check(store.ok("show", ident).stdout.startswith("Certificate"), "show")
    result = store.run("verify", ident, "--purpose", "tls-server")
    check(result.code in (0, 3) and "disk" not in result.stderr
          and "readonly" not in result.stderr, f"verify: {result!r}")


class Mount:
    """A mount for the length of a test, as root; None when not possible."""

    def __init__(self, *args):
        self.target = args[-1]
        os.makedirs(self.target, exist_ok=True)
        self.proc = subprocess.run(["mount", *args], capture_output=True)

    def ok(self):
        return self.proc.returncode == 0

    def reason(self):
        return self.proc.stderr.decode(errors="replace").strip()

    def umount(self):
        if self.ok():
            subprocess.run(["umount", self.target], capture_output=True)


def skip(message):
    # TAP: a test that could not run is reported as skipped, never passed.
    raise tc.Skip(message)


@test
def reading_commands_work_on_a_full_disk():
    if os.geteuid() != 0 or not shutil.which("mount"):
        skip("needs root and mount(8) for a small tmpfs")
    source = store_with_certificates("full-src", 2)
    mnt = Mount("-t", "tmpfs", "-o", "size=1m", "tmpfs", os.path.join(WORKDIR, "full"))
    if not mnt.ok():
        skip(f"cannot mount a tmpfs: {mnt.reason()}")
    try:
        shutil.copytree(source.dir, os.path.join(mnt.target, "store"))
        store = Store(WORKDIR, "unused")
        store.dir = os.path.join(mnt.target, "store")
        with open(os.path.join(mnt.target, "fill"), "wb") as f:
            try:
                while True:
                    f.write(b"\0" * 65536)
                    f.flush()
            except OSError:
                pass
        check(shutil.disk_usage(mnt.target).free < 4096, "the file system is full")
        reading_commands_work(store)
        result = store.fails(1, "import", CERT)
        check("nothing imported" in result.stderr and "can only be read" in result.stderr,
              repr(result))
    finally:
        mnt.umount()


@test
def reading_commands_work_on_a_read_only_store():
    if os.geteuid() != 0 or not shutil.which("mount"):
        skip("needs root and mount(8) for a read-only bind mount")
    source = store_with_certificates("ro-src", 2)
    target = os.path.join(WORKDIR, "ro")
    mnt = Mount("--bind", source.dir, target)
    if not mnt.ok():
        skip(f"cannot bind-mount: {mnt.reason()}")
    try:
        remount = subprocess.run(["mount", "-o", "remount,bind,ro", target],
                                 capture_output=True)
        if remount.returncode != 0:
            skip(f"cannot remount read-only: {remount.stderr.decode(errors='replace')}")
        store = Store(WORKDIR, "unused")
        store.dir = target
        reading_commands_work(store)
        result = store.fails(1, "import", CERT)
        check("nothing imported" in result.stderr and "can only be read" in result.stderr,
              repr(result))
    finally:
        mnt.umount()


# ---- 5. messages --------------------------------------------------------------

@test
def nested_sequence_garbage_is_not_called_a_crl():
    store = new_store("nested")
    garbage = os.path.join(WORKDIR, "nested.der")
    with open(garbage, "wb") as f:
        f.write(bytes([0x30, 0x08, 0x30, 0x06, 0x30, 0x04, 0x30, 0x02, 0x30, 0x00]))
    result = store.fails(1, "import", garbage)
    check("revocation list" not in result.stderr, repr(result))
    check("nested.der" in result.stderr and "nested SEQUENCEs" in result.stderr, repr(result))

    # A real CRL in DER is still recognised and skipped as one.
    if not tc.CERTTOOL:
        skip("certtool needed to make a CRL")
    ca_key = os.path.join(WORKDIR, "crl-ca.key")
    ca = os.path.join(WORKDIR, "crl-ca.pem")
    tmpl = os.path.join(WORKDIR, "crl-ca.tmpl")
    with open(tmpl, "w", encoding="ascii") as f:
        f.write('cn = "CRL CA"\nca\ncert_signing_key\ncrl_signing_key\n'
                'expiration_days = 30\ncrl_next_update = 7\ncrl_number = 1\n')
    tc.run_tool(tc.CERTTOOL, "--generate-privkey", "--key-type", "ecdsa", "--no-text",
                "--outfile", ca_key)
    tc.run_tool(tc.CERTTOOL, "--generate-self-signed", "--load-privkey", ca_key,
                "--template", tmpl, "--no-text", "--outfile", ca)
    crl = os.path.join(WORKDIR, "list.crl")
    tc.run_tool(tc.CERTTOOL, "--generate-crl", "--load-ca-privkey", ca_key,
                "--load-ca-certificate", ca, "--template", tmpl, "--outder",
                "--no-text", "--outfile", crl)
    # Its issuer unknown, the CRL cannot be verified: left out, and a file
    # with nothing to import fails the import, saying why.
    result = store.fails(1, "import", crl)
    check("neither in the store nor in this import" in result.stderr
          and "nested" not in result.stderr, repr(result))
    # With its CA in the store, the DER CRL is read as one.
    store.ok("import", ca)
    result = store.ok("import", crl)
    check("1 CRL" in result.stdout, repr(result))


@test
def utf16_and_cr_only_pem_get_an_encoding_hint():
    store = new_store("encodings")
    text = open(CERT, encoding="ascii").read()
    cases = {
        "bom.pem": text.encode("utf-16"),           # with a BOM
        "le.pem": text.encode("utf-16-le"),         # without
        "be.pem": text.encode("utf-16-be"),
    }
    for name, data in cases.items():
        path = os.path.join(WORKDIR, name)
        with open(path, "wb") as f:
            f.write(data)
        result = store.fails(1, "import", path)
        check(name in result.stderr and "UTF-16" in result.stderr and "iconv" in result.stderr,
              f"{name}: {result!r}")
    cr = os.path.join(WORKDIR, "cr.pem")
    with open(cr, "wb") as f:
        f.write(text.replace("\n", "\r").encode("ascii"))
    result = store.fails(1, "import", cr)
    check("carriage return" in result.stderr and "tr " in result.stderr, repr(result))
    # CR LF is fine.
    crlf = os.path.join(WORKDIR, "crlf.pem")
    with open(crlf, "wb") as f:
        f.write(text.replace("\n", "\r\n").encode("ascii"))
    store.ok("import", crlf)


@test
def losing_a_race_says_already_in_the_store():
    # The loser plans first, then waits for its key passphrase (a FIFO) while
    # the winner imports the same certificate and key.
    store = new_store("race")
    key = os.path.join(WORKDIR, "cert.key")
    fifo = os.path.join(WORKDIR, "race.pw")
    os.mkfifo(fifo)
    store.ok("list")
    loser = subprocess.Popen([tc.CLI, "--store", store.dir, "import", "--key-passphrase-file",
                              fifo, CERT, key], stdin=subprocess.DEVNULL,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        wait_until_open(loser, fifo)
        winner = store.ok("import", "--no-key-passphrase", CERT, key)
        check("Imported 1 certificate, 1 key" in winner.stdout, repr(winner))
        with open(fifo, "w", encoding="ascii") as f:
            f.write("race passphrase\n")
        out, err = loser.communicate(timeout=tc.TIMEOUT)
    finally:
        if loser.poll() is None:
            loser.kill()
            loser.wait()
    out = out.decode()
    check_equal(loser.returncode, 0, f"{out!r} {err!r}")
    check("Nothing new imported; 2 already in the store" in out, repr(out))
    check_equal(len(store.certificates()), 1, "one copy")


@test
def non_utf8_file_name_is_stored_as_valid_utf8():
    import sqlite3
    store = new_store("latin1")
    name = os.path.join(os.fsencode(WORKDIR), b"caf\xe9.pem")
    with open(name, "wb") as f:
        f.write(open(CERT, "rb").read())
    proc = subprocess.run([tc.CLI, "--store", store.dir, "import", name],
                          capture_output=True, timeout=tc.TIMEOUT)
    check_equal(proc.returncode, 0, repr(proc))
    proc.stdout.decode("utf-8")   # strict: printed as valid UTF-8 too
    conn = sqlite3.connect(f"file:{store.dir}/store.db?mode=ro", uri=True)
    raw = conn.execute("SELECT CAST(source AS BLOB) FROM certificates").fetchone()[0]
    conn.close()
    try:
        source = bytes(raw).decode("utf-8")
    except UnicodeDecodeError:
        raise Failure(f"source stored as invalid UTF-8: {bytes(raw)!r}")
    check(source.startswith("caf") and source.endswith(".pem"), repr(source))


@test
def bidi_controls_in_a_name_are_shown_escaped():
    store = new_store("bidi")
    cert = os.path.join(WORKDIR, "bidi.pem")
    cn = "evil\u202egnp.exe\u2066x\u200f"
    tc.run_tool(tc.OPENSSL, "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:P-256", "-nodes", "-keyout", os.devnull, "-utf8",
                "-subj", f"/CN={cn}", "-days", "30", "-out", cert)
    imported = store.ok("import", cert).stdout
    listed = store.ok("list").stdout
    shown = store.ok("show", "1").stdout
    for what, text in (("import", imported), ("list", listed), ("show", shown)):
        check(not any(c in text for c in "\u202e\u2066\u200f"),
              f"{what}: a bidirectional control reaches the terminal: {text!r}")
        check("evil\\u202egnp.exe\\u2066x\\u200f" in text, f"{what}: {text!r}")
    # JSON carries the exact name for scripts.
    check_equal(store.certificates()[0]["display_name"], cn, "JSON display name")


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
