#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end tests of the built certkeeper-cli against temporary stores.

Inputs are made with certtool and openssl in a temporary directory, and the
same tools are the oracles for fingerprints, serials, dates and keys.
Passwords only ever travel in files (or through a pty for the prompt
tests), never in argv. Output is TAP, for meson.

Usage: test-cli.py PATH/TO/certkeeper-cli
"""

import datetime
import hashlib
import json
import os
import pty
import re
import select
import shutil
import stat
import subprocess
import sys
import tempfile
import traceback

CLI = None
CERTTOOL = os.environ.get("CK_CERTTOOL") or shutil.which("certtool")
OPENSSL = os.environ.get("CK_OPENSSL") or shutil.which("openssl")
TIMEOUT = 120

TESTS = []


def test(func):
    TESTS.append(func)
    return func


class Failure(Exception):
    pass


class Skip(Exception):
    """A test that cannot run here (not root, no mount): TAP "# SKIP"."""


def check(condition, message):
    if not condition:
        raise Failure(message)


def check_equal(actual, expected, what):
    if actual != expected:
        raise Failure(f"{what}: expected {expected!r}, got {actual!r}")


# ---- running things --------------------------------------------------------

def run_tool(*args, stdin=None):
    """certtool/openssl; fails the test when the tool fails."""
    result = subprocess.run(list(args), input=stdin, capture_output=True,
                            timeout=TIMEOUT)
    if result.returncode != 0:
        raise Failure(f"{' '.join(map(str, args))} failed: "
                      f"{result.stderr.decode(errors='replace')}")
    return result.stdout


class Result:
    def __init__(self, proc):
        self.code = proc.returncode
        self.stdout_bytes = proc.stdout
        self.stdout = proc.stdout.decode("utf-8", errors="replace")
        self.stderr = proc.stderr.decode("utf-8", errors="replace")

    def __repr__(self):
        return (f"exit {self.code}\n--- stdout\n{self.stdout}"
                f"--- stderr\n{self.stderr}")

    def json(self):
        return json.loads(self.stdout)


class Store:
    """One temporary store; every CLI call gets --store DIR."""

    def __init__(self, workdir, name):
        self.dir = os.path.join(workdir, "stores", name)

    def run(self, *args, env=None, use_env=False):
        full_env = dict(os.environ)
        full_env.pop("CERTKEEPER_STORE", None)
        if env:
            full_env.update(env)
        if use_env:
            full_env["CERTKEEPER_STORE"] = self.dir
            argv = [CLI, *args]
        else:
            argv = [CLI, "--store", self.dir, *args]
        # stdin is never a terminal here: the CLI must not prompt.
        proc = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True,
                              env=full_env, timeout=TIMEOUT)
        return Result(proc)

    def ok(self, *args, **kwargs):
        result = self.run(*args, **kwargs)
        if result.code != 0:
            raise Failure(f"certkeeper-cli {' '.join(args)}: {result!r}")
        return result

    def fails(self, code, *args, **kwargs):
        result = self.run(*args, **kwargs)
        if result.code != code:
            raise Failure(f"certkeeper-cli {' '.join(args)}: expected exit {code}, "
                          f"{result!r}")
        return result

    def list_json(self, *options):
        return self.ok("list", "--json", *options).json()

    def certificates(self):
        return self.list_json("--certificates")

    def keys(self):
        return self.list_json("--keys")

    def requests(self):
        return self.list_json("--requests")


def dump_store(store):
    """Every row of every table of store.db, for comparing before/after."""
    import sqlite3
    db = sqlite3.connect(f"file:{os.path.join(store.dir, 'store.db')}?mode=ro", uri=True)
    try:
        tables = [r[0] for r in db.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name")]
        return {t: sorted(map(repr, db.execute(f'SELECT * FROM "{t}"'))) for t in tables}
    finally:
        db.close()


def run_in_pty(argv, answers, stdout_is_tty=False, respond=None):
    """Runs argv with stdin and stderr on a pty, answering prompts.

    answers: list of (prompt regex, text to type). respond, instead: a
    function given what the terminal showed since the last answer, which
    returns the text to type or None. Returns (exit code, everything the
    terminal showed, stdout bytes).
    """
    master, slave = pty.openpty()
    proc = subprocess.Popen(argv, stdin=slave, stderr=slave,
                            stdout=slave if stdout_is_tty else subprocess.PIPE,
                            close_fds=True)
    os.close(slave)
    seen = b""
    pending = list(answers)
    stdout = b""
    try:
        while True:
            ready, _, _ = select.select([master], [], [], TIMEOUT)
            if not ready:
                raise Failure(f"no output from {argv}; terminal so far: {seen!r}")
            try:
                chunk = os.read(master, 4096)
            except OSError:  # EIO: the child closed the terminal
                break
            if not chunk:
                break
            seen += chunk
            if respond is not None:
                reply = respond(seen.decode(errors="replace").split("\x00")[-1])
                if reply is not None:
                    os.write(master, reply.encode() + b"\n")
                    seen += b"\x00"
            elif pending and re.search(pending[0][0], seen.decode(errors="replace").split(
                    "\x00")[-1]):
                # Only answer each prompt once: forget what was matched.
                os.write(master, pending[0][1].encode() + b"\n")
                pending.pop(0)
                seen += b"\x00"
        if proc.stdout is not None:
            stdout = proc.stdout.read()
        proc.wait(timeout=TIMEOUT)
    finally:
        os.close(master)
        if proc.poll() is None:
            proc.kill()
    return proc.returncode, seen.replace(b"\x00", b"").decode(errors="replace"), stdout


# ---- fixtures --------------------------------------------------------------

class Fixtures:
    """Keys, certificates, requests and password files, made once."""

    def __init__(self, workdir):
        self.dir = os.path.join(workdir, "inputs")
        os.makedirs(self.dir)
        self.workdir = workdir

        self.p12_pw = self.write("p12.pw", "p12 secret\n")
        self.wrong_pw = self.write("wrong.pw", "not the password\n")
        self.store_pw = self.write("store.pw", "store passphrase\n")
        self.store_pw_crlf = self.write("store-crlf.pw", "store passphrase\r\nsecond line\n")
        self.export_pw = self.write("export.pw", "export passphrase\n")
        self.pk8_pw = self.write("pk8.pw", "pkcs8 secret")
        self.empty_pw = self.write("empty.pw", "\n")

        self.ca_key = self.genkey("ca.key", "rsa", 2048)
        self.ca = self.certtool_cert("ca.pem", self.ca_key, """
cn = "Certkeeper Test CA"
organization = "Certkeeper Tests"
ca
cert_signing_key
crl_signing_key
path_len = 1
expiration_days = 3650
serial = 1
""")
        self.server_key = self.genkey("server.key", "rsa", 2048)
        self.server = self.certtool_cert("server.pem", self.server_key, """
cn = "www.example.com"
organization = "Example Org"
dns_name = "www.example.com"
dns_name = "example.com"
ip_address = "192.0.2.1"
tls_www_server
signing_key
encryption_key
expiration_days = 365
serial = 123456789
""", signer=(self.ca, self.ca_key))
        self.ec_key = self.genkey("ec.key", "ecdsa", 256)
        self.ec = self.certtool_cert("ec.pem", self.ec_key, """
cn = "EC Host"
dns_name = "ec.example.com"
tls_www_client
signing_key
expiration_days = 100
serial = 4242
""")

        self.server_der = os.path.join(self.dir, "server.der")
        run_tool(OPENSSL, "x509", "-in", self.server, "-outform", "DER",
                 "-out", self.server_der)
        self.cert_then_key = self.concat("cert-then-key.pem", self.server, self.server_key)
        self.key_then_cert = self.concat("key-then-cert.pem", self.server_key, self.server)

        self.p12 = os.path.join(self.dir, "server.p12")
        run_tool(OPENSSL, "pkcs12", "-export", "-in", self.server, "-inkey",
                 self.server_key, "-name", "Server from P12",
                 "-passout", f"file:{self.p12_pw}", "-out", self.p12)

        self.ec_pk8 = os.path.join(self.dir, "ec-encrypted.pem")
        run_tool(OPENSSL, "pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", self.ec_key,
                 "-passout", f"file:{self.pk8_pw}", "-out", self.ec_pk8)

        self.req_key = self.genkey("req.key", "rsa", 2048)
        req_template = self.write("req.tmpl", """
cn = "Requested Host"
organization = "Certkeeper Tests"
dns_name = "requested.example.com"
tls_www_server
signing_key
""")
        self.req = os.path.join(self.dir, "req.csr")
        run_tool(CERTTOOL, "--generate-request", "--no-text", "--load-privkey", self.req_key,
                 "--template", req_template, "--outfile", self.req)
        issue_template = self.write("issue.tmpl", "expiration_days = 200\nserial = 77\n"
                                    "honor_crq_extensions\n")
        self.req_cert = os.path.join(self.dir, "req-cert.pem")
        run_tool(CERTTOOL, "--generate-certificate", "--no-text", "--load-request", self.req,
                 "--load-ca-certificate", self.ca, "--load-ca-privkey", self.ca_key,
                 "--template", issue_template, "--outfile", self.req_cert)

        self.garbage = self.write("garbage.pem", "-----BEGIN CERTIFICATE-----\n"
                                  "bm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n")

    def write(self, name, text):
        path = os.path.join(self.dir, name)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text)
        return path

    def concat(self, name, *paths):
        data = b"".join(open(p, "rb").read() for p in paths)
        path = os.path.join(self.dir, name)
        with open(path, "wb") as f:
            f.write(data)
        return path

    def genkey(self, name, key_type, bits):
        path = os.path.join(self.dir, name)
        args = [CERTTOOL, "--generate-privkey", "--no-text", "--outfile", path]
        if key_type == "rsa":
            args += ["--key-type", "rsa", "--bits", str(bits)]
        else:
            args += ["--key-type", "ecdsa", "--curve", "secp256r1"]
        run_tool(*args)
        return path

    def certtool_cert(self, name, key, template, signer=None):
        path = os.path.join(self.dir, name)
        tmpl = self.write(name + ".tmpl", template)
        if signer is None:
            run_tool(CERTTOOL, "--generate-self-signed", "--no-text", "--load-privkey", key,
                     "--template", tmpl, "--outfile", path)
        else:
            run_tool(CERTTOOL, "--generate-certificate", "--no-text", "--load-privkey", key,
                     "--load-ca-certificate", signer[0], "--load-ca-privkey", signer[1],
                     "--template", tmpl, "--outfile", path)
        return path


FX = None
STORE_COUNTER = [0]


def new_store(name):
    STORE_COUNTER[0] += 1
    return Store(FX.workdir, f"{STORE_COUNTER[0]:02d}-{name}")


# ---- oracles ---------------------------------------------------------------

def hexnorm(text):
    return re.sub(r"[^0-9a-f]", "", text.lower())


def openssl_fingerprint(cert, digest):
    out = run_tool(OPENSSL, "x509", "-noout", "-fingerprint", f"-{digest}",
                   "-in", cert).decode()
    return hexnorm(out.split("=", 1)[1])


def openssl_fingerprint_colons(cert, digest="sha256"):
    out = run_tool(OPENSSL, "x509", "-noout", "-fingerprint", f"-{digest}",
                   "-in", cert).decode()
    return out.split("=", 1)[1].strip()


def openssl_dates(cert):
    out = run_tool(OPENSSL, "x509", "-noout", "-startdate", "-enddate", "-in", cert).decode()
    dates = {}
    for line in out.splitlines():
        name, value = line.split("=", 1)
        parsed = datetime.datetime.strptime(value.strip(), "%b %d %H:%M:%S %Y %Z")
        dates[name] = parsed.strftime("%Y-%m-%dT%H:%M:%SZ")
    return dates["notBefore"], dates["notAfter"]


def openssl_serial(cert):
    out = run_tool(OPENSSL, "x509", "-noout", "-serial", "-in", cert).decode()
    return hexnorm(out.split("=", 1)[1])


def certtool_info(cert):
    return run_tool(CERTTOOL, "-i", "--infile", cert).decode()


def certtool_field(info, name):
    match = re.search(rf"^\s*{re.escape(name)}: (.*)$", info, re.M)
    check(match is not None, f"certtool -i has no {name}")
    return match.group(1).strip()


def certtool_spki_sha256(cert):
    match = re.search(r"Public Key ID:\s*\n\s*sha1:[0-9a-f]+\s*\n\s*sha256:([0-9a-f]+)",
                      certtool_info(cert))
    check(match is not None, "certtool -i prints no Public Key ID sha256")
    return match.group(1)


def public_key_of_cert(cert):
    return run_tool(OPENSSL, "x509", "-in", cert, "-noout", "-pubkey")


def find_by(objects, **fields):
    found = [o for o in objects if all(o.get(k) == v for k, v in fields.items())]
    check(len(found) == 1, f"expected one object with {fields}, found {len(found)} "
          f"in {json.dumps(objects, indent=1)[:2000]}")
    return found[0]


def import_server_pair(store, *files):
    return store.ok("import", *files, "--key-passphrase-file", FX.store_pw)


# ---- usage and help ----------------------------------------------------------

@test
def usage_errors_exit_2():
    store = new_store("usage")
    for args, needle in [
        ([], "No command"),
        (["frobnicate"], "Unknown command"),
        (["--bogus", "list"], "Unknown option"),
        (["import"], "No FILE"),
        (["list", "--bogus"], "Unknown option"),
        (["list", "extra"], "Unexpected argument"),
        (["show"], "No ID"),
        (["show", "1", "2"], "Unexpected argument"),
        (["show", "1", "--json", "--pem"], "cannot be used together"),
        (["export", "1", "--format", "p7b"], "Unknown format"),
        (["export", "1", "--key-passphrase-file", FX.export_pw, "--no-passphrase"],
         "cannot be used together"),
        (["import", FX.server, "--key-passphrase-file", FX.store_pw,
          "--no-key-passphrase"], "cannot be used together"),
        (["delete"], "No ID"),
        (["help", "frobnicate"], "Unknown command"),
    ]:
        result = store.run(*args)
        check_equal(result.code, 2, f"exit code of {args}")
        check(needle in result.stderr, f"{args}: stderr lacks {needle!r}: {result!r}")
        check("--help" in result.stderr, f"{args}: no usage hint: {result!r}")
        check(result.stdout == "", f"{args}: wrote to stdout: {result!r}")


@test
def no_password_option_on_the_command_line():
    # Passwords in argv are visible to every user (ps, /proc): the CLI has
    # no option that takes one, so this is a usage error before any work.
    store = new_store("no-password-arg")
    for args in (["import", FX.p12, "--password", "p12 secret"],
                 ["import", FX.p12, "--password=p12 secret"],
                 ["import", FX.p12, "--pass", "p12 secret"],
                 ["export", "1", "--passphrase", "x"]):
        result = store.run(*args)
        check_equal(result.code, 2, f"exit code of {args}")
        check("Unknown option" in result.stderr, repr(result))
    check(not os.path.exists(os.path.join(store.dir, "store.db")) or
          store.list_json() == [], "something was imported")


@test
def help_for_tool_and_each_command():
    store = new_store("help")
    main_help = store.ok("--help").stdout
    for command in ("import", "list", "show", "export", "delete"):
        check(command in main_help, f"--help does not mention {command}")
        for argv in ([command, "--help"], ["help", command]):
            result = store.ok(*argv)
            check(f"certkeeper-cli {command}" in result.stdout,
                  f"{argv}: no usage line: {result.stdout}")
            check("--store" in result.stdout, f"{argv} help lacks --store")
    check("--password-file" in store.ok("import", "--help").stdout, "import help")
    check("--no-key-passphrase" in store.ok("import", "--help").stdout, "import help")
    export_help = store.ok("export", "--help").stdout
    for option in ("--format", "--out", "--no-passphrase", "--key-passphrase-file",
                   "--password-file"):
        check(option in export_help, f"export help lacks {option}")
    check(re.match(r"certkeeper-cli \d+\.\d+", store.ok("--version").stdout), "--version")


# ---- import ----------------------------------------------------------------

def check_server_pair_imported(store, result, encrypted=True):
    certs = store.certificates()
    keys = store.keys()
    check_equal(len(certs), 1, "certificates in the store")
    check_equal(len(keys), 1, "keys in the store")
    cert, key = certs[0], keys[0]
    check_equal(cert["has_key"], True, "has_key")
    check_equal(cert["key_id"], key["id"], "key_id")
    check_equal(key["certificates"], [cert["id"]], "key's certificates")
    check_equal(key["spki_sha256"], cert["spki_sha256"], "spki links key and cert")
    check_equal(key["encrypted"], encrypted, "key encrypted")
    check("Imported 1 certificate, 1 key" in result.stdout, repr(result))
    check("key matches certificate 'www.example.com'" in result.stdout, repr(result))
    return cert, key


@test
def import_combined_cert_then_key():
    store = new_store("combined-ck")
    result = import_server_pair(store, FX.cert_then_key)
    check_server_pair_imported(store, result)


@test
def import_combined_key_then_cert():
    store = new_store("combined-kc")
    result = import_server_pair(store, FX.key_then_cert)
    check_server_pair_imported(store, result)


@test
def import_separate_files_both_orders():
    for order in ((FX.server, FX.server_key), (FX.server_key, FX.server)):
        store = new_store("separate")
        result = import_server_pair(store, *order)
        check_server_pair_imported(store, result)


@test
def import_key_then_its_certificate_in_two_runs():
    store = new_store("two-runs")
    store.ok("import", FX.server_key, "--key-passphrase-file", FX.store_pw)
    check_equal(store.keys()[0]["certificates"], [], "key without certificate")
    result = store.ok("import", FX.server)
    check("Imported 1 certificate" in result.stdout, repr(result))
    cert = store.certificates()[0]
    check_equal(cert["has_key"], True, "certificate paired with the stored key")
    check_equal(store.keys()[0]["certificates"], [cert["id"]], "key's certificates")


@test
def import_with_no_key_passphrase():
    store = new_store("no-key-pass")
    result = store.ok("import", FX.cert_then_key, "--no-key-passphrase")
    check_server_pair_imported(store, result, encrypted=False)
    check("without a passphrase" in result.stdout, repr(result))


@test
def import_key_without_passphrase_option_fails_non_interactive():
    store = new_store("missing-key-pass")
    result = store.fails(1, "import", FX.cert_then_key)
    lines = result.stderr.strip().splitlines()
    check_equal(len(lines), 1, f"stderr lines: {result!r}")
    check("--key-passphrase-file" in result.stderr and "--no-key-passphrase" in result.stderr,
          f"the error must name both options: {result!r}")
    check("cert-then-key.pem" in result.stderr, f"the error must name the file: {result!r}")
    check_equal(store.list_json(), [], "store after the refused import")
    # A certificate alone needs no key passphrase.
    store.ok("import", FX.server)


@test
def import_empty_key_passphrase_file_is_refused():
    store = new_store("empty-key-pass")
    result = store.fails(1, "import", FX.server_key, "--key-passphrase-file", FX.empty_pw)
    check("empty" in result.stderr and "--no-key-passphrase" in result.stderr, repr(result))
    check_equal(store.list_json(), [], "store after the refused import")


@test
def import_pkcs12_wrong_password_imports_nothing():
    store = new_store("p12-wrong")
    # The good certificate in the same run must not be imported either.
    result = store.fails(1, "import", FX.ca, FX.p12, "--password-file", FX.wrong_pw,
                         "--key-passphrase-file", FX.store_pw)
    lines = result.stderr.strip().splitlines()
    check_equal(len(lines), 1, f"one line for one problem: {result!r}")
    check(lines[0].startswith("certkeeper-cli: "), repr(result))
    check("server.p12" in lines[0], f"the error must name the file: {result!r}")
    check("wrong.pw" in lines[0], f"the error must name the password file: {result!r}")
    check("nothing imported" in lines[0], repr(result))
    check_equal(store.list_json(), [], "store after a wrong password")


@test
def import_pkcs12_without_password_non_interactive():
    store = new_store("p12-nopass")
    result = store.fails(1, "import", FX.p12, "--key-passphrase-file", FX.store_pw)
    check("server.p12" in result.stderr and "--password-file" in result.stderr, repr(result))
    check_equal(store.list_json(), [], "store after a locked item")


@test
def import_pkcs12_right_password():
    store = new_store("p12-ok")
    result = store.ok("import", FX.p12, "--password-file", FX.p12_pw,
                      "--key-passphrase-file", FX.store_pw)
    cert, key = check_server_pair_imported(store, result)
    check_equal(cert["sha256"], openssl_fingerprint(FX.server, "sha256"), "sha256")


@test
def import_encrypted_pkcs8_key():
    store = new_store("pkcs8")
    store.ok("import", FX.ec_pk8, FX.ec, "--password-file", FX.pk8_pw,
             "--key-passphrase-file", FX.store_pw)
    key = store.keys()[0]
    check_equal(key["algorithm"], "ECDSA", "algorithm")
    check_equal(key["curve"], "SECP256R1", "curve")
    check_equal(key["spki_sha256"], certtool_spki_sha256(FX.ec), "spki_sha256")
    check_equal(len(key["certificates"]), 1, "key paired with the EC certificate")


@test
def import_bad_file_one_line_naming_it():
    store = new_store("bad-file")
    result = store.fails(1, "import", FX.garbage)
    lines = result.stderr.strip().splitlines()
    check_equal(len(lines), 1, f"one line: {result!r}")
    check("garbage.pem" in lines[0], f"the line must name the file: {result!r}")
    check_equal(store.list_json(), [], "store after a bad file")

    missing = os.path.join(FX.dir, "does-not-exist.pem")
    result = store.fails(1, "import", missing)
    lines = result.stderr.strip().splitlines()
    check_equal(len(lines), 1, f"one line: {result!r}")
    check("does-not-exist.pem" in lines[0], repr(result))


@test
def import_good_and_bad_lists_every_problem_and_imports_nothing():
    store = new_store("mixed")
    empty = FX.write("empty.pem", "")
    result = store.fails(1, "import", FX.ca, FX.garbage, FX.server, FX.p12, empty,
                         "--key-passphrase-file", FX.store_pw)
    lines = result.stderr.strip().splitlines()
    check(any("garbage.pem" in line for line in lines), repr(result))
    check(any("server.p12" in line for line in lines), repr(result))
    check(all(line.startswith("certkeeper-cli: ") for line in lines), repr(result))
    check("nothing imported" in lines[-1], repr(result))
    check_equal(store.list_json(), [], "store after a failed import")


@test
def import_twice_reports_existing():
    store = new_store("twice")
    store.ok("import", FX.ca, FX.server)
    result = store.ok("import", FX.server, FX.ca)
    check("2 already in the store" in result.stdout, repr(result))
    check_equal(len(store.certificates()), 2, "no duplicates")
    # The same certificate twice in one input is counted, not stored twice.
    store2 = new_store("repeat")
    result = store2.ok("import", FX.server, FX.server_der)
    check("Imported 1 certificate" in result.stdout, repr(result))
    check_equal(len(store2.certificates()), 1, "one copy")


@test
def import_from_stdin_and_env_store():
    store = new_store("stdin")
    env = dict(os.environ, CERTKEEPER_STORE=store.dir)
    with open(FX.ca, "rb") as f:
        proc = subprocess.run([CLI, "import", "-"], stdin=f, capture_output=True, env=env,
                              timeout=TIMEOUT)
    check_equal(proc.returncode, 0, f"import - : {proc.stderr!r}")
    certs = store.run("list", "--json", use_env=True).json()
    check_equal(len(certs), 1, "certificate imported into $CERTKEEPER_STORE")
    check(os.path.exists(os.path.join(store.dir, "store.db")), "store in $CERTKEEPER_STORE")


# ---- list and show -----------------------------------------------------------

@test
def certificate_json_matches_openssl_and_certtool():
    store = new_store("json")
    import_server_pair(store, FX.server, FX.server_key, FX.ca)
    certs = store.certificates()
    server = find_by(certs, sha256=openssl_fingerprint(FX.server, "sha256"))
    ca = find_by(certs, sha256=openssl_fingerprint(FX.ca, "sha256"))

    info = certtool_info(FX.server)
    check_equal(server["kind"], "certificate", "kind")
    check_equal(server["sha256"], openssl_fingerprint(FX.server, "sha256"), "sha256")
    check_equal(server["sha1"], openssl_fingerprint(FX.server, "sha1"), "sha1")
    check_equal(server["serial"], openssl_serial(FX.server), "serial")
    check_equal(hexnorm(server["serial"]), "075bcd15", "serial of 123456789")
    not_before, not_after = openssl_dates(FX.server)
    check_equal(server["not_before"], not_before, "not_before")
    check_equal(server["not_after"], not_after, "not_after")
    check_equal(server["subject"], certtool_field(info, "Subject"), "subject")
    check_equal(server["issuer"], certtool_field(info, "Issuer"), "issuer")
    check_equal(server["spki_sha256"], certtool_spki_sha256(FX.server), "spki_sha256")
    check_equal(server["key_algorithm"], "RSA", "key_algorithm")
    check_equal(server["key_bits"], 2048, "key_bits")
    check_equal(server["is_ca"], False, "is_ca")
    check_equal(server["has_key"], True, "has_key")
    check_equal(sorted(server["san"]), sorted(["DNS:www.example.com", "DNS:example.com",
                                               "IP:192.0.2.1"]),
                "san")
    check_equal(sorted(server["key_usage"]), ["digitalSignature", "keyEncipherment"],
                "key_usage")
    check_equal(server["extended_key_usage"], ["1.3.6.1.5.5.7.3.1"], "extended_key_usage")
    check_equal(server["authority_key_id"], ca["subject_key_id"], "AKI = issuer's SKI")
    check(server["source"] and "server.pem" in server["source"], f"source {server['source']}")
    check("label" in server, "label field")

    check_equal(ca["is_ca"], True, "CA is_ca")
    check_equal(ca["path_len_constraint"], 1, "CA path length")
    check_equal(ca["has_key"], False, "CA has no key here")
    check_equal(ca["key_id"], None, "CA key_id")
    check_equal(ca["self_signed"], True, "CA self-signed")
    check_equal(ca["sha256"], openssl_fingerprint(FX.ca, "sha256"), "CA sha256")

    # What a person calls it: the CN, even without a SAN to fall back on.
    check_equal(server["display_name"], "www.example.com", "display_name")
    check_equal(ca["display_name"], "Certkeeper Test CA", "CA display_name")
    check_equal(server["issuer_display_name"], "Certkeeper Test CA", "issuer_display_name")


@test
def key_and_list_filters():
    store = new_store("filters")
    import_server_pair(store, FX.server, FX.server_key, FX.ca)
    everything = store.list_json()
    check_equal(sorted(o["kind"] for o in everything),
                ["certificate", "certificate", "key"], "kinds")
    ids = [o["id"] for o in everything]
    check_equal(ids, sorted(ids), "list is ordered by id")
    key = store.keys()[0]
    check_equal(key["kind"], "key", "kind")
    check_equal(key["algorithm"], "RSA", "algorithm")
    check_equal(key["bits"], 2048, "bits")
    check_equal(key["curve"], None, "curve")
    check_equal(key["pkcs11_uri"], None, "pkcs11_uri")
    check_equal(key["spki_sha256"], certtool_spki_sha256(FX.server), "spki_sha256")
    for field in ("id", "display_name", "encrypted", "source", "certificates"):
        check(field in key, f"key JSON lacks {field}")
    check_equal(len(store.list_json("--certificates", "--keys")), 3, "two kinds")
    check_equal(store.requests(), [], "no requests")

    table = store.ok("list").stdout.splitlines()
    check(table[0].split() == ["ID", "KIND", "EXPIRES", "KEY", "NAME"], f"header {table[0]}")
    check_equal(len(table), 4, "table rows")
    server_row = next(line for line in table if "www.example.com" in line)
    check(" certificate " in server_row and " yes " in server_row, server_row)
    expires = openssl_dates(FX.server)[1][:10]
    check(expires in server_row, f"{server_row} lacks {expires}")
    key_row = next(line for line in table if " key " in line)
    check("RSA 2048" in key_row, key_row)


@test
def show_by_id_and_fingerprint_prefix():
    store = new_store("show")
    import_server_pair(store, FX.server, FX.server_key, FX.ca)
    server = find_by(store.certificates(), sha256=openssl_fingerprint(FX.server, "sha256"))

    by_id = store.ok("show", str(server["id"]), "--json").json()
    check_equal(by_id, server, "show --json = the list object")

    colons = openssl_fingerprint_colons(FX.server)        # "AB:CD:…"
    prefix = colons[:17]                                   # six bytes, with colons
    by_prefix = store.ok("show", prefix, "--json").json()
    check_equal(by_prefix["id"], server["id"], f"show {prefix}")
    by_lower = store.ok("show", hexnorm(colons)[:10], "--json").json()
    check_equal(by_lower["id"], server["id"], "prefix without colons")

    result = store.fails(1, "show", "00:11:22:33:44:55:66:77:88")
    check_equal(len(result.stderr.strip().splitlines()), 1, repr(result))
    store.fails(1, "show", "999999")

    text = store.ok("show", prefix).stdout
    for needle in ("Certificate %d" % server["id"], "Subject:", "CN=www.example.com",
                   "Issuer:", "Common Name:", "Serial number:", "Not before:", "Not after:",
                   "Signature algorithm:", "SHA-256 fingerprint:", colons,
                   "SHA-1 fingerprint:", "Public key SHA-256:", "Key Usage (2.5.29.15)",
                   "Digital signature", "Extended Key Usage (2.5.29.37)",
                   "TLS Server Authentication (1.3.6.1.5.5.7.3.1)",
                   "Subject Alternative Name (2.5.29.17)", "DNS name:", "example.com",
                   "IP address:", "192.0.2.1", "Subject Key Identifier (2.5.29.14)",
                   "Authority Key Identifier (2.5.29.35)", "Private key:", "key "):
        check(needle in text, f"show lacks {needle!r}:\n{text}")

    ca_text = store.ok("show", str(find_by(store.certificates(),
                                           sha256=openssl_fingerprint(FX.ca, "sha256"))["id"])).stdout
    check(re.search(r"Certificate authority:\s+Yes\n\s+Maximum path length:\s+1\n", ca_text),
          ca_text)

    key = store.keys()[0]
    key_text = store.ok("show", str(key["id"])).stdout
    check("encrypted" in key_text and "www.example.com" in key_text, key_text)
    check_equal(store.ok("show", str(key["id"]), "--json").json(), key, "key show --json")
    # A key is found by a prefix of its SPKI SHA-256.
    check_equal(store.ok("show", key["spki_sha256"][:12], "--json").json()["id"], key["id"],
                "key by SPKI prefix")

    pem = store.ok("show", str(server["id"]), "--pem").stdout_bytes
    check_equal(pem, open(FX.server, "rb").read(), "show --pem")
    store.fails(1, "show", str(key["id"]), "--pem")


@test
def requests_pending_then_issued():
    store = new_store("requests")
    store.ok("import", FX.req, FX.req_key, "--key-passphrase-file", FX.store_pw)
    request = store.requests()[0]
    check_equal(request["kind"], "request", "kind")
    check_equal(request["status"], "pending", "status")
    check_equal(request["certificate_id"], None, "certificate_id while pending")
    req_der = run_tool(OPENSSL, "req", "-in", FX.req, "-outform", "DER")
    check_equal(request["sha256"], hashlib.sha256(req_der).hexdigest(), "request sha256")
    key = store.keys()[0]
    check_equal(request["spki_sha256"], key["spki_sha256"], "request spki = key spki")
    check_equal(request["key_id"], key["id"], "request key_id")
    check(request["subject"].startswith("CN=Requested Host") or
          "CN=Requested Host" in request["subject"], request["subject"])
    check("DNS:requested.example.com" in request["san"], f"san {request['san']}")

    # certtool armours requests as "NEW CERTIFICATE REQUEST"; the CLI
    # writes RFC 7468's "CERTIFICATE REQUEST", as openssl does.
    exported = store.ok("export", str(request["id"]), "--format", "pem").stdout_bytes
    check_equal(exported, run_tool(OPENSSL, "req", "-in", FX.req), "request export pem")
    exported_der = store.ok("export", str(request["id"]), "--format", "der").stdout_bytes
    check_equal(exported_der, req_der, "request export der")

    result = store.ok("import", FX.req_cert)
    check("1 pending request now issued" in result.stdout, repr(result))
    cert = store.certificates()[0]
    request = store.requests()[0]
    check_equal(request["status"], "issued", "status after the certificate")
    check_equal(request["certificate_id"], cert["id"], "certificate_id")
    check_equal(cert["requests"], [request["id"]], "certificate's requests")
    check_equal(cert["has_key"], True, "issued certificate has the request's key")


@test
def unusual_strings_escaped_in_json_and_made_printable_for_terminals():
    # A subject with JSON metacharacters, UTF-8, a tab, a control character
    # and an ANSI escape sequence: JSON must carry it exactly, a terminal
    # must never receive the raw control bytes.
    cert = os.path.join(FX.dir, "unusual.pem")
    key = os.path.join(FX.dir, "unusual.key")
    subject = "/CN=Quote \" Back \\\\ Zo\u00eb \u6771\u4eac\ttab/O=Esc\x1b[31mred\x01x"
    run_tool(OPENSSL, "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
             "-nodes", "-keyout", key, "-utf8", "-subj", subject, "-days", "30", "-out", cert)
    store = new_store("unusual")
    result = store.ok("import", cert)
    imported = store.certificates()[0]
    expected = certtool_field(certtool_info(cert), "Subject")
    check_equal(imported["subject"], expected, "subject through JSON")
    check("\x1b[31m" in imported["subject"] and "\u6771\u4eac\ttab" in imported["subject"],
          repr(imported["subject"]))

    # import and list show the display name (the CN, with its tab); show
    # prints the whole subject, where the O carries the escape sequence.
    show = store.ok("show", str(imported["id"])).stdout_bytes
    for output in (result.stdout_bytes, store.ok("list").stdout_bytes, show):
        text = output.decode("utf-8")
        controls = [c for c in text if (ord(c) < 0x20 and c != "\n") or ord(c) == 0x7f]
        check(controls == [], f"control characters reach the terminal: {text!r}")
        check("\\x09tab" in text, f"tab not shown escaped: {text!r}")
        check("Zo\u00eb \u6771\u4eac" in text, f"UTF-8 mangled: {text!r}")
    text = show.decode("utf-8")
    check("\\x1b[31mred" in text, f"escape sequence not shown escaped: {text!r}")


# ---- export ----------------------------------------------------------------

@test
def export_certificate_pem_and_der_byte_identical():
    store = new_store("export-cert")
    store.ok("import", FX.server)
    cert_id = str(store.certificates()[0]["id"])
    pem = store.ok("export", cert_id, "--format", "pem").stdout_bytes
    check_equal(pem, open(FX.server, "rb").read(), "PEM export")
    check_equal(store.ok("export", cert_id).stdout_bytes, pem, "default format is PEM")
    der = store.ok("export", cert_id, "--format", "der").stdout_bytes
    check_equal(der, open(FX.server_der, "rb").read(), "DER export")

    out = os.path.join(FX.workdir, "exported.der")
    result = store.ok("export", cert_id, "--format", "der", "--out", out)
    check_equal(open(out, "rb").read(), open(FX.server_der, "rb").read(), "--out DER")
    check(result.stdout.startswith("Wrote"), repr(result))
    store.fails(2, "export", cert_id, "--format", "pkcs8")
    store.fails(2, "export", cert_id, "--no-passphrase")


@test
def export_der_to_terminal_is_refused():
    store = new_store("export-tty")
    store.ok("import", FX.server)
    cert_id = str(store.certificates()[0]["id"])
    code, shown, _ = run_in_pty([CLI, "--store", store.dir, "export", cert_id,
                                 "--format", "der"], [], stdout_is_tty=True)
    check_equal(code, 1, f"exit code; terminal: {shown!r}")
    check("binary output; use --out" in shown, shown)


def pubkey_of_private_key(path, passin=None):
    args = [OPENSSL, "pkey", "-in", path, "-pubout"]
    if passin:
        args += ["-passin", f"file:{passin}"]
    else:
        args += ["-passin", "pass:"]
    return run_tool(*args)


@test
def export_key_encrypted_pkcs8():
    store = new_store("export-key")
    import_server_pair(store, FX.cert_then_key)
    key_id = str(store.keys()[0]["id"])
    out = os.path.join(FX.workdir, "exported-key.pem")
    store.ok("export", key_id, "--format", "pkcs8", "--out", out,
             "--password-file", FX.store_pw, "--key-passphrase-file", FX.export_pw)
    check_equal(stat.S_IMODE(os.stat(out).st_mode), 0o600, "key file mode")
    text = open(out).read()
    check(text.startswith("-----BEGIN ENCRYPTED PRIVATE KEY-----"), text[:60])
    check_equal(pubkey_of_private_key(out, FX.export_pw), public_key_of_cert(FX.server),
                "exported key matches the certificate")
    # It is not readable with the store passphrase or without one.
    bad = subprocess.run([OPENSSL, "pkey", "-in", out, "-passin", f"file:{FX.store_pw}",
                          "-noout"], capture_output=True, timeout=TIMEOUT)
    check(bad.returncode != 0, "exported key opened with the store passphrase")

    # DER PKCS#8, to stdout (not a terminal here), CRLF password file.
    der = store.ok("export", key_id, "--format", "der", "--password-file", FX.store_pw_crlf,
                   "--key-passphrase-file", FX.export_pw).stdout_bytes
    der_path = os.path.join(FX.workdir, "exported-key.der")
    with open(der_path, "wb") as f:
        f.write(der)
    pub = run_tool(OPENSSL, "pkey", "-inform", "DER", "-in", der_path, "-passin",
                   f"file:{FX.export_pw}", "-pubout")
    check_equal(pub, public_key_of_cert(FX.server), "DER export matches")


@test
def export_key_refusals():
    store = new_store("export-key-refusals")
    import_server_pair(store, FX.cert_then_key)
    key_id = str(store.keys()[0]["id"])
    out = os.path.join(FX.workdir, "should-not-exist.pem")
    # No export passphrase choice, no terminal.
    result = store.fails(1, "export", key_id, "--password-file", FX.store_pw, "--out", out)
    check("--key-passphrase-file" in result.stderr and "--no-passphrase" in result.stderr,
          repr(result))
    # No store passphrase, no terminal.
    result = store.fails(1, "export", key_id, "--key-passphrase-file", FX.export_pw,
                         "--out", out)
    check("--password-file" in result.stderr, repr(result))
    # Wrong store passphrase.
    result = store.fails(1, "export", key_id, "--password-file", FX.wrong_pw,
                         "--key-passphrase-file", FX.export_pw, "--out", out)
    check("wrong" in result.stderr.lower(), repr(result))
    check(not os.path.exists(out), "a key file was written after an error")


@test
def export_key_unencrypted_only_when_asked():
    store = new_store("export-clear")
    store.ok("import", FX.cert_then_key, "--no-key-passphrase")
    key_id = str(store.keys()[0]["id"])
    out = os.path.join(FX.workdir, "clear-key.pem")
    # A key stored without passphrase needs no --password-file.
    store.ok("export", key_id, "--no-passphrase", "--out", out)
    check_equal(stat.S_IMODE(os.stat(out).st_mode), 0o600, "key file mode")
    check(open(out).read().startswith("-----BEGIN PRIVATE KEY-----"), "clear PKCS#8")
    check_equal(pubkey_of_private_key(out), public_key_of_cert(FX.server), "public key")


# ---- delete ----------------------------------------------------------------

@test
def delete_objects():
    store = new_store("delete")
    import_server_pair(store, FX.cert_then_key)
    cert = store.certificates()[0]
    key = store.keys()[0]
    result = store.ok("delete", str(cert["id"]))
    check("Deleted certificate" in result.stdout and "www.example.com" in result.stdout,
          repr(result))
    check_equal(store.certificates(), [], "certificate gone")
    check_equal(store.keys()[0]["certificates"], [], "key stays, unlinked")
    store.fails(1, "delete", str(cert["id"]))
    store.ok("delete", key["spki_sha256"][:16])
    check_equal(store.list_json(), [], "store empty")


# ---- the prompts, through a pty ---------------------------------------------

@test
def interactive_prompts_without_echo():
    store = new_store("interactive")
    # Wrong password first: the prompt comes back.
    code, shown, stdout = run_in_pty(
        [CLI, "--store", store.dir, "import", FX.ec_pk8, FX.ec],
        [(r"Password for .*ec-encrypted\.pem.*: $", "wrong guess"),
         (r"Wrong password\.\s*Password for .*: $", "pkcs8 secret"),
         (r"Enter a passphrase to protect .*: $", "typed store pass"),
         (r"again: $", "typed store pass")])
    check_equal(code, 0, f"exit code; terminal: {shown!r}; stdout {stdout!r}")
    for secret in ("wrong guess", "pkcs8 secret", "typed store pass"):
        check(secret not in shown, f"{secret!r} was echoed: {shown!r}")
    check(b"Imported 1 certificate, 1 key" in stdout, stdout)

    # The typed passphrase protects the key: export with it from a file.
    typed = FX.write("typed.pw", "typed store pass\n")
    out = os.path.join(FX.workdir, "interactive-export.pem")
    key_id = str(store.keys()[0]["id"])
    store.ok("export", key_id, "--password-file", typed, "--key-passphrase-file",
             FX.export_pw, "--out", out)
    check_equal(pubkey_of_private_key(out, FX.export_pw), public_key_of_cert(FX.ec),
                "key stored under the typed passphrase")

    # Export at the terminal: the store passphrase, then the new one twice.
    out = os.path.join(FX.workdir, "interactive-export-prompted.pem")
    code, shown, stdout = run_in_pty(
        [CLI, "--store", store.dir, "export", key_id, "--out", out],
        [(r"Store passphrase for key .*: $", "typed store pass"),
         (r"Enter a passphrase for the exported key: $", "typed export pass"),
         (r"again: $", "typed export pass")])
    check_equal(code, 0, f"exit code; terminal: {shown!r}")
    for secret in ("typed store pass", "typed export pass"):
        check(secret not in shown, f"{secret!r} was echoed: {shown!r}")
    typed_export = FX.write("typed-export.pw", "typed export pass\n")
    check_equal(pubkey_of_private_key(out, typed_export), public_key_of_cert(FX.ec),
                "key exported under the typed passphrase")

    # Mismatched entries are asked again.
    store2 = new_store("interactive-mismatch")
    code, shown, stdout = run_in_pty(
        [CLI, "--store", store2.dir, "import", FX.server_key],
        [(r"Enter a passphrase to protect .*: $", "one"),
         (r"again: $", "two"),
         (r"differ; try again\.\s*Enter a passphrase to protect .*: $", "three"),
         (r"again: $", "three")])
    check_equal(code, 0, f"exit code; terminal: {shown!r}")
    check_equal(len(store2.keys()), 1, "key imported after a retry")


# ---- driver ----------------------------------------------------------------

def tap_main(script, tests, needs, prepare):
    """The main() of every CLI test script: checks the command line and the
    tools in @needs (name -> path, or None when missing), makes a work
    directory and hands it to @prepare, then runs @tests as a TAP stream.
    Returns the exit status."""
    global CLI
    if len(sys.argv) != 2:
        print(f"usage: {script} PATH/TO/certkeeper-cli", file=sys.stderr)
        return 2
    CLI = os.path.abspath(sys.argv[1])
    missing = [name for name, found in needs.items() if not found]
    if missing:
        print(f"1..0 # SKIP {' and '.join(missing)} needed")
        return 0

    workdir = tempfile.mkdtemp(prefix=f"certkeeper-{os.path.splitext(script)[0]}-")
    failed = 0
    try:
        prepare(workdir)
        print(f"1..{len(tests)}")
        for number, func in enumerate(tests, 1):
            name = func.__name__
            try:
                func()
                print(f"ok {number} - {name}")
            except Skip as exc:
                print(f"ok {number} - {name} # SKIP {exc}")
            except Exception as exc:  # a crash is a failure too, with its trace
                failed += 1
                print(f"not ok {number} - {name}")
                detail = str(exc) if isinstance(exc, Failure) else traceback.format_exc()
                for line in detail.splitlines():
                    print(f"# {line}")
            sys.stdout.flush()
    finally:
        if os.environ.get("CK_KEEP_TMP"):
            print(f"# kept {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    return 1 if failed else 0


def main():
    def prepare(workdir):
        global FX
        FX = Fixtures(workdir)
    return tap_main("test-cli.py", TESTS, {"certtool": CERTTOOL, "openssl": OPENSSL}, prepare)


if __name__ == "__main__":
    sys.exit(main())
