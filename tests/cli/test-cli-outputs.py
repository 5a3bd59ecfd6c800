#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Where certkeeper-cli writes: --out, --force and the temporary file.

Every command with --out goes through one writer (ck_file_write): it
never replaces a device, a folder or a symbolic link, replaces an existing
file only with --force, takes "-" for standard output, writes keys 0600
from the first byte, and leaves no named file holding key bytes at any
moment (O_TMPFILE), not even when killed with SIGKILL half-way. The kill
test stops the CLI with SIGSTOP at the exact point through
CK_TEST_STOP_BEFORE_LINK and waits for that state with waitpid(WUNTRACED):
no sleeps. Output is TAP, for meson. Reuses the harness of test-cli.py.

Usage: test-cli-outputs.py PATH/TO/certkeeper-cli
"""

import importlib.util
import os
import signal
import stat
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("test_cli", os.path.join(HERE, "test-cli.py"))
tc = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tc)
Failure, check, check_equal = tc.Failure, tc.check, tc.check_equal

TESTS = []
STORE = None


def test(func):
    TESTS.append(func)
    return func


def fresh_dir():
    return tempfile.mkdtemp(dir=tc.FX.workdir)


def listing(directory):
    return sorted(os.listdir(directory))


def read(path):
    with open(path, "rb") as f:
        return f.read()


class Ids:
    cert = None
    key = None


def cli_argv(*args):
    return [tc.CLI, "--store", STORE.dir, *args]


def cert_pem():
    return STORE.ok("export", Ids.cert).stdout_bytes


# ---- refusals ---------------------------------------------------------------

def special_files(directory):
    """A null device and a FIFO of our own: never the real /dev/null, which a
    regressed build (as root) would replace for the whole machine. The
    device needs CAP_MKNOD and a file system without nodev; the FIFO
    needs nothing."""
    made = []
    fifo = os.path.join(directory, "fifo")
    os.mkfifo(fifo)
    made.append((fifo, stat.S_ISFIFO))
    null = os.path.join(directory, "null")
    try:
        os.mknod(null, 0o666 | stat.S_IFCHR, os.makedev(1, 3))
        made.append((null, stat.S_ISCHR))
    except PermissionError:
        print("# no CAP_MKNOD: the character device case is left to the FIFO")
    return made


@test
def null_device_and_fifo_stay():
    directory = fresh_dir()
    for path, is_kind in special_files(directory):
        for args in (["export", Ids.cert], ["export", Ids.key, "--no-passphrase"]):
            for force in ([], ["--force"]):
                result = STORE.fails(1, *args, "--out", path, *force)
                check("not a regular file" in result.stderr, repr(result))
                check(is_kind(os.lstat(path).st_mode),
                      f"{path} was replaced by {args + force}")


@test
def existing_file_needs_force():
    directory = fresh_dir()
    out = os.path.join(directory, "cert.pem")
    with open(out, "wb") as f:
        f.write(b"precious\n")
    result = STORE.fails(1, "export", Ids.cert, "--out", out)
    check("--force" in result.stderr and "already exists" in result.stderr, repr(result))
    check_equal(read(out), b"precious\n", "existing file untouched without --force")

    STORE.ok("export", Ids.cert, "--out", out, "--force")
    check_equal(read(out), cert_pem(), "replaced with --force")
    check_equal(listing(directory), ["cert.pem"], "nothing but the file")


@test
def symlink_is_refused():
    directory = fresh_dir()
    target = os.path.join(directory, "target.pem")
    with open(target, "wb") as f:
        f.write(b"target\n")
    link = os.path.join(directory, "link.pem")
    os.symlink(target, link)
    dangling = os.path.join(directory, "dangling.pem")
    os.symlink(os.path.join(directory, "created-through-link.pem"), dangling)

    for out in (link, dangling):
        for force in ([], ["--force"]):
            result = STORE.fails(1, "export", Ids.key, "--no-passphrase", "--out", out, *force)
            check("symbolic link" in result.stderr, repr(result))
            check(os.path.islink(out), f"{out} is still a link")
    check_equal(read(target), b"target\n", "the link's target untouched")
    check_equal(listing(directory), ["dangling.pem", "link.pem", "target.pem"],
                "nothing written through the dangling link")


@test
def folder_is_refused():
    directory = fresh_dir()
    result = STORE.fails(1, "export", Ids.cert, "--out", directory, "--force")
    check("folder" in result.stderr, repr(result))
    check(os.path.isdir(directory), "still a folder")


@test
def dash_is_standard_output():
    directory = fresh_dir()
    proc = subprocess.run(cli_argv("export", Ids.cert, "--out", "-"), cwd=directory,
                          stdin=subprocess.DEVNULL, capture_output=True, timeout=tc.TIMEOUT)
    check_equal(proc.returncode, 0, f"export --out -: {proc.stderr!r}")
    check_equal(proc.stdout, cert_pem(), "--out - writes the PEM to stdout")
    check_equal(listing(directory), [], "no file named '-'")

    proc = subprocess.run(cli_argv("export", Ids.cert, "--format", "der", "--out", "-"),
                          cwd=directory, stdin=subprocess.DEVNULL, capture_output=True,
                          timeout=tc.TIMEOUT)
    check_equal(proc.returncode, 0, f"export --format der --out -: {proc.stderr!r}")
    check_equal(proc.stdout, read(tc.FX.server_der), "DER on stdout (not a terminal)")


@test
def every_out_option_has_force():
    """trust export, template export and request write through the same
    writer: refused without --force, replaced with it."""
    directory = fresh_dir()
    out = os.path.join(directory, "out")
    cases = [
        ["trust", "export", "--format", "pem"],
        ["template", "export", "--profile", "tls-server"],
    ]
    for args in cases:
        with open(out, "wb") as f:
            f.write(b"old\n")
        result = STORE.fails(1, *args, "--out", out)
        check("--force" in result.stderr, repr(result))
        check_equal(read(out), b"old\n", f"{args}: untouched")
        STORE.ok(*args, "--out", out, "--force")
        check(read(out) != b"old\n", f"{args}: replaced with --force")
        os.unlink(out)
        # And "-" is standard output for them too.
        check_equal(STORE.ok(*args, "--out", "-").stdout, STORE.ok(*args).stdout,
                    f"{args} --out -")
        check(not os.path.exists("-"), f"{args} --out -: no file named '-'")


# ---- modes and temporary files ----------------------------------------------

def run_with(argv, preexec, env=None):
    full_env = dict(os.environ)
    full_env.pop("CERTKEEPER_STORE", None)
    if env:
        full_env.update(env)
    return subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True,
                          env=full_env, preexec_fn=preexec, timeout=tc.TIMEOUT)


@test
def modes_and_no_temporary_file():
    directory = fresh_dir()
    key = os.path.join(directory, "k.pem")
    cert = os.path.join(directory, "c.pem")
    # umask 0: the key must be 0600 because Certkeeper says so, not the umask.
    for argv in (cli_argv("export", Ids.key, "--no-passphrase", "--out", key),
                 cli_argv("export", Ids.cert, "--out", cert)):
        proc = run_with(argv, lambda: os.umask(0))
        check_equal(proc.returncode, 0, f"{argv}: {proc.stderr!r}")
    check_equal(stat.S_IMODE(os.lstat(key).st_mode), 0o600, "key file mode")
    check_equal(stat.S_IMODE(os.lstat(cert).st_mode), 0o644, "certificate file mode")
    check_equal(listing(directory), ["c.pem", "k.pem"], "no temporary file left")

    # Replacing keeps the rule: the new file is 0600 even if the old was not.
    os.chmod(key, 0o666)
    proc = run_with(cli_argv("export", Ids.key, "--no-passphrase", "--out", key, "--force"),
                    lambda: os.umask(0))
    check_equal(proc.returncode, 0, repr(proc.stderr))
    check_equal(stat.S_IMODE(os.lstat(key).st_mode), 0o600, "replaced key file mode")
    check_equal(listing(directory), ["c.pem", "k.pem"], "no temporary file after --force")


# A write that fails half-way (EFBIG under RLIMIT_FSIZE) is tested on
# ck_file_write() itself in tests/test-utils.c (/utils/failed-write*): the
# CLI cannot be given a file size limit here, its store needs to write too.


def stopped_at_link(argv, directory):
    """Starts argv with the stop hook and returns it stopped by SIGSTOP right
    after the key bytes are written, before they get a name."""
    full_env = dict(os.environ)
    full_env.pop("CERTKEEPER_STORE", None)
    full_env["CK_TEST_STOP_BEFORE_LINK"] = "1"
    proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                            stderr=subprocess.DEVNULL, env=full_env, cwd=directory)
    # Blocks until the child stops (or ends): a state, not a time.
    pid, status = os.waitpid(proc.pid, os.WUNTRACED)
    check(os.WIFSTOPPED(status), f"the CLI did not stop at the write (status {status:#x})")
    return proc


def kill_and_reap(proc):
    os.kill(proc.pid, signal.SIGKILL)
    _, status = os.waitpid(proc.pid, 0)
    proc.returncode = -signal.SIGKILL  # reaped here, not by Popen
    check(os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL,
          f"killed by SIGKILL (status {status:#x})")


def anonymous_files_holding(pid, needle):
    """The open files of @pid that have no name and hold @needle."""
    found = []
    fd_dir = f"/proc/{pid}/fd"
    for fd in os.listdir(fd_dir):
        try:
            target = os.readlink(os.path.join(fd_dir, fd))
        except OSError:
            continue
        if target.endswith("(deleted)"):
            try:
                if needle in read(os.path.join(fd_dir, fd)):
                    found.append(target)
            except OSError:
                pass
    return found


@test
def kill_during_key_export_leaves_no_key():
    clear_key = STORE.ok("export", Ids.key, "--no-passphrase").stdout_bytes
    check(b"BEGIN PRIVATE KEY" in clear_key, "an unencrypted key to look for")
    needle = clear_key.splitlines()[1]

    # A new file: at the stop the key bytes exist only in an unnamed file.
    directory = fresh_dir()
    proc = stopped_at_link(cli_argv("export", Ids.key, "--no-passphrase", "--out", "k.pem"),
                           directory)
    try:
        check_equal(listing(directory), [], "no named file while the key is written")
        check(anonymous_files_holding(proc.pid, needle),
              "the key bytes are written, in an unnamed (O_TMPFILE) file")
    finally:
        kill_and_reap(proc)
    check_equal(listing(directory), [], "nothing left after kill -9")

    # Replacing a file: the old one stays whole, nothing else appears.
    with open(os.path.join(directory, "k.pem"), "wb") as f:
        f.write(b"old\n")
    proc = stopped_at_link(cli_argv("export", Ids.key, "--no-passphrase", "--out", "k.pem",
                                    "--force"), directory)
    try:
        check_equal(listing(directory), ["k.pem"], "only the old file during the write")
    finally:
        kill_and_reap(proc)
    check_equal(listing(directory), ["k.pem"], "only the old file after kill -9")
    check_equal(read(os.path.join(directory, "k.pem")), b"old\n", "the old file intact")


def main():
    def prepare(workdir):
        global STORE
        tc.FX = tc.Fixtures(workdir)
        STORE = tc.Store(workdir, "outputs")
        STORE.ok("import", tc.FX.cert_then_key, "--no-key-passphrase")
        Ids.cert = str(STORE.certificates()[0]["id"])
        Ids.key = str(STORE.keys()[0]["id"])
    return tc.tap_main("test-cli-outputs.py", TESTS,
                       {"certtool": tc.CERTTOOL, "openssl": tc.OPENSSL}, prepare)


if __name__ == "__main__":
    sys.exit(main())
