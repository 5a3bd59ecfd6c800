#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end tests of `certkeeper-cli trust …` and `verify`.

Verdicts come from the certtool corpus; the exports are read back by the
other side's own tools: p11-kit's `trust` (pointed at the exported file
through a user module config in a temporary HOME) and `openssl`. Output is
TAP, for meson. Reuses the harness of test-cli.py.

Usage: test-cli-trust.py PATH/TO/certkeeper-cli
"""

import base64
import hashlib
import importlib.util
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("test_cli", os.path.join(HERE, "test-cli.py"))
tc = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tc)
Failure, check, check_equal, Store = tc.Failure, tc.check, tc.check_equal, tc.Store

DATA = os.path.join(os.environ.get("CK_TEST_DATA", os.path.join(HERE, "..", "data")),
                    "certtool")
TRUST_TOOL = shutil.which("trust")
WORKDIR = None
TESTS = []

SERVER, CLIENT = "1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2"
CODE, EMAIL = "1.3.6.1.5.5.7.3.3", "1.3.6.1.5.5.7.3.4"


def test(func):
    TESTS.append(func)
    return func


def corpus(rel):
    return os.path.join(DATA, rel)


def pem_blocks(path, label="CERTIFICATE"):
    text = open(path, encoding="ascii", errors="replace").read()
    pattern = rf"-----BEGIN {label}-----(.*?)-----END {label}-----"
    return [base64.b64decode("".join(b.split())) for b in re.findall(pattern, text, re.S)]


def sha256_of_blocks(path):
    return [hashlib.sha256(der).hexdigest() for der in pem_blocks(path)]


_counter = [0]


def new_store():
    _counter[0] += 1
    return Store(WORKDIR, f"trust-{_counter[0]}")


def import_chain(store, rel):
    """Imports a corpus file; returns the ids of its certificates, file order."""
    out = store.ok("import", corpus(rel)).stdout
    return [int(i) for i in re.findall(r"certificate (\d+):", out)]


def verify(store, cert_id, purpose, *extra, code=None):
    result = store.run("verify", str(cert_id), "--purpose", purpose, "--json", *extra)
    if result.code not in (0, 3):
        raise Failure(f"verify {cert_id}: {result!r}")
    doc = result.json()
    check_equal(result.code, 0 if doc["status"] == "trusted" else 3, "verify exit status")
    return doc


# ---- verdicts ---------------------------------------------------------------

@test
def verify_before_and_after_trust():
    store = new_store()
    leaf, root = import_chain(store, "email-certs/chain.test.example.com")
    fingerprints = sha256_of_blocks(corpus("email-certs/chain.test.example.com"))

    doc = verify(store, leaf, "email")
    check_equal(doc["status"], "not-trusted", "before trusting")
    check_equal(doc["subject_name"], "CA-0", "the untrusted root is named")
    check_equal(doc["chain"], fingerprints, "chain, leaf first")
    check_equal(doc["anchor"], None, "no anchor")

    store.ok("trust", "set", str(root), "--purpose", "email", "--trusted")
    doc = verify(store, leaf, "email")
    check_equal(doc["status"], "trusted", "after trusting for email")
    check_equal(doc["purpose"], EMAIL, "purpose OID")
    check_equal(doc["anchor"], "CA-0", "anchor")
    check_equal(doc["anchor_source"], "store", "anchor source")
    check_equal(doc["reason"], "Trusted for Email protection through CA-0", "reason")
    check_equal(doc["chain"], fingerprints, "chain")

    # Trusted for email is not trusted for TLS server.
    doc = verify(store, leaf, "tls-server")
    check_equal(doc["status"], "not-trusted", "TLS server")
    # Human output names the chain and exits 3.
    result = store.fails(3, "verify", str(leaf), "--purpose", "code-signing")
    check("Not trusted for Code signing" in result.stdout, result.stdout)

    # Distrusting the root for everything beats the trust.
    store.ok("trust", "set", str(root), "--purpose", "all", "--distrusted")
    doc = verify(store, leaf, "email")
    check_equal(doc["status"], "distrusted", "after distrust")
    check("Distrusted by you on" in doc["reason"], doc["reason"])

    # Not yet valid: the leaf is from 2015.
    store.ok("trust", "set", str(root), "--purpose", "all", "--default")
    doc = verify(store, leaf, "email", "--at", "2001-01-01")
    check_equal(doc["status"], "not-yet-valid", "verify --at 2001")


# File, purpose, status: what the chain's leaf gets with its root trusted.
CORPUS_VERDICTS = [
    ("data/chain-md5.pem", "tls-server", "purpose-not-allowed"),
    ("data/chain-512-leaf.pem", "tls-server", "insecure-algorithm"),
    ("data/chain-512-ca.pem", "tls-server", "insecure-algorithm"),
    ("data/chain-with-critical-on-endcert.pem", "tls-server", "unknown-critical-extension"),
    ("data/chain-with-critical-on-root.pem", "tls-server", "unknown-critical-extension"),
    ("data/invalid-sig.pem", "tls-server", "bad-signature"),
    ("data/pkcs1-pad-broken.pem", "tls-server", "bad-signature"),
    ("data/cve-2019-3829.pem", "code-signing", "expired"),
    ("email-certs/chain.exclude.test.example.com", "email", "constraint-violated"),
]


@test
def corpus_failures_match_certtool():
    for rel, purpose, expected in CORPUS_VERDICTS:
        store = new_store()
        ids = import_chain(store, rel)
        store.ok("trust", "set", str(ids[-1]), "--purpose", purpose, "--trusted")
        doc = verify(store, ids[0], purpose)
        check_equal(doc["status"], expected, rel)
        check(doc["reason"], f"{rel}: a reason in words")
        # certtool fails the same chain.
        oid = doc["purpose"]
        proc = subprocess.run([tc.CERTTOOL, "--verify-chain", "--verify-profile=medium",
                               f"--verify-purpose={oid}", "--infile", corpus(rel)],
                              capture_output=True, timeout=tc.TIMEOUT)
        check_equal(proc.returncode, 1, f"certtool on {rel}")


@test
def usage_and_errors():
    store = new_store()
    leaf, root = import_chain(store, "email-certs/chain.test.example.com")
    store.fails(2, "trust", "set", str(root), "--purpose", "all", "--trusted")
    store.fails(2, "trust", "set", str(root), "--purpose", "web", "--trusted")
    store.fails(2, "trust", "set", str(root), "--purpose", "email")
    store.fails(2, "trust", "set", str(root), "--trusted", "--distrusted", "--purpose", "email")
    store.fails(2, "verify", str(leaf), "--purpose", "all")
    store.fails(2, "trust", "frobnicate")
    store.fails(1, "verify", "999999")
    store.fails(1, "trust", "set", "999999", "--purpose", "email", "--trusted")
    store.ok("trust", "set", str(root), "--purpose", "1.3.6.1.5.5.7.3.9", "--trusted")
    rows = store.ok("trust", "list", "--json").json()
    check_equal([(r["id"], r["purpose"], r["level"]) for r in rows],
                [(root, "1.3.6.1.5.5.7.3.9", "trusted")], "an OID purpose")
    check_equal(rows[0]["purpose_name"] != "", True, "purpose name")


@test
def delete_drops_trust_and_import_never_adds_it():
    store = new_store()
    leaf, root = import_chain(store, "email-certs/chain.test.example.com")
    store.ok("trust", "set", str(root), "--purpose", "email", "--trusted")
    store.ok("trust", "set", str(leaf), "--purpose", "code-signing", "--distrusted")
    before = store.ok("trust", "list", "--json").json()
    check_equal(len(before), 2, "two decisions")

    # Importing more (the same files again, other chains, a TRUSTED
    # CERTIFICATE bundle with its own trust settings) changes nothing.
    tmp = tempfile.mkdtemp(dir=WORKDIR)
    bundle = os.path.join(tmp, "trusted.pem")
    tc.run_tool(tc.OPENSSL, "x509", "-in", corpus("data/chain-md5.pem"), "-addtrust",
                "serverAuth", "-trustout", "-out", bundle)
    for path in [corpus("email-certs/chain.test.example.com"), corpus("data/chain-md5.pem"),
                 corpus("data/ca-certs.pem"), bundle]:
        store.run("import", path)
    check_equal(store.ok("trust", "list", "--json").json(), before, "trust after imports")

    store.ok("delete", str(root))
    after = store.ok("trust", "list", "--json").json()
    check_equal([(r["id"], r["level"]) for r in after], [(leaf, "distrusted")],
                "the root's decision went with it")
    fresh = new_store()
    fresh.ok("import", bundle)
    check_equal(fresh.ok("trust", "list", "--json").json(), [], "a fresh import trusts nothing")


def damage(store, sql):
    """Changes store.db behind the CLI's back, as a damaged disk or another
    program would."""
    db = sqlite3.connect(os.path.join(store.dir, "store.db"))
    try:
        db.executescript(sql)
        db.commit()
    finally:
        db.close()


def check_cannot_verify(store, cert_id, what):
    result = store.fails(1, "verify", str(cert_id), "--purpose", "email")
    check("Cannot verify" in result.stderr, f"{what}: {result!r}")
    check_equal(result.stdout, "", f"{what}: no verdict on stdout")
    result = store.fails(1, "verify", str(cert_id), "--purpose", "email", "--json")
    doc = result.json()
    check_equal(doc["status"], "cannot-verify", f"{what}: JSON status")
    check("Cannot verify" in doc["reason"], f"{what}: JSON reason {doc['reason']!r}")


@test
def unreadable_trust_fails_closed():
    """A trust table that cannot be read is an error (exit 1), never "no
    decisions": read as "none", the distrusted leaf would verify as trusted
    through its trusted root."""
    store = new_store()
    leaf, root = import_chain(store, "email-certs/chain.test.example.com")
    store.ok("trust", "set", str(root), "--purpose", "email", "--trusted")
    store.ok("trust", "set", str(leaf), "--purpose", "email", "--distrusted")
    check_equal(verify(store, leaf, "email")["status"], "distrusted", "before the damage")

    # A row that says neither "trusted" nor "distrusted".
    damage(store, "PRAGMA ignore_check_constraints = ON;"
                  "UPDATE trust SET level = 'distrusted?' WHERE level = 'distrusted';")
    check_cannot_verify(store, leaf, "malformed level")
    result = store.fails(1, "trust", "list")
    check("trust decisions" in result.stderr, result.stderr)
    store.fails(1, "trust", "export", "--format", "p11-kit",
                "--out", os.path.join(tempfile.mkdtemp(dir=WORKDIR), "x.p11-kit"))
    damage(store, "PRAGMA ignore_check_constraints = ON;"
                  "UPDATE trust SET level = 'distrusted' WHERE level = 'distrusted?';")
    check_equal(verify(store, leaf, "email")["status"], "distrusted", "repaired")

    # The table renamed away, then dropped; a column renamed.
    damage(store, "ALTER TABLE trust RENAME TO trust_elsewhere;")
    check_cannot_verify(store, leaf, "table renamed")
    check_cannot_verify(store, root, "table renamed (the root)")
    damage(store, "ALTER TABLE trust_elsewhere RENAME TO trust;"
                  "ALTER TABLE trust RENAME COLUMN level TO level_elsewhere;")
    check_cannot_verify(store, leaf, "column renamed")
    damage(store, "DROP TABLE trust;")
    check_cannot_verify(store, leaf, "table dropped")
    store.fails(1, "trust", "list", "--json")



@test
def distrust_for_key_stays_after_delete():
    """Two self-signed certificates with one key: a distrust set on one is
    for the key, and deleting that certificate does not lift it."""
    store = new_store()
    tmp = tempfile.mkdtemp(dir=WORKDIR)
    key = os.path.join(tmp, "key.pem")
    tc.run_tool(tc.OPENSSL, "genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-out", key)
    paths = []
    for name in ("first", "second"):
        path = os.path.join(tmp, f"{name}.pem")
        tc.run_tool(tc.OPENSSL, "req", "-x509", "-new", "-key", key, "-subj", f"/CN={name}.example",
                    "-days", "30", "-addext", "extendedKeyUsage=serverAuth", "-out", path)
        paths.append(path)
    first = import_chain_file(store, paths[0])
    second = import_chain_file(store, paths[1])
    store.ok("trust", "set", str(second), "--purpose", "tls-server", "--trusted")
    check_equal(verify(store, second, "tls-server")["status"], "trusted", "trusted first")
    store.ok("trust", "set", str(first), "--purpose", "all", "--distrusted")
    check_equal(verify(store, second, "tls-server")["status"], "distrusted", "by its key")

    result = store.ok("delete", str(first))
    check("Its distrust for every purpose stays in force for its public key" in result.stdout,
          result.stdout)
    doc = verify(store, second, "tls-server")
    check_equal(doc["status"], "distrusted", "still distrusted after the delete")
    check("same key" in doc["reason"], doc["reason"])
    rows = store.ok("trust", "list", "--json").json()
    check_equal(sorted((r["id"], r["purpose"], r["level"]) for r in rows),
                [(0, "*", "distrusted"), (second, SERVER, "trusted")], "kept for the key")

    # "Default" on a certificate with the key lifts it.
    store.ok("trust", "set", str(second), "--purpose", "all", "--default")
    check_equal(verify(store, second, "tls-server")["status"], "trusted", "lifted")

    # Kept again (the first imported anew, distrusted, deleted), then the
    # last certificate with the key goes: so does the kept distrust.
    again = import_chain_file(store, paths[0])
    store.ok("trust", "set", str(again), "--purpose", "tls-server", "--distrusted")
    check("stays in force" in store.ok("delete", str(again)).stdout, "kept again")
    result = store.ok("delete", str(second))
    check("stays in force" not in result.stdout, result.stdout)
    check("The distrust kept for its public key is lifted" in result.stdout, result.stdout)
    check("1 trust decision on it was removed" in result.stdout, result.stdout)
    check_equal(store.ok("trust", "list", "--json").json(), [], "nothing left")


def import_chain_file(store, path):
    out = store.ok("import", path).stdout
    return int(re.findall(r"certificate (\d+):", out)[0])


# ---- exports, read back -----------------------------------------------------

def exported_store():
    """chain.test (root trusted for email and TLS server, leaf distrusted for
    code signing) and chain-512-ca (its root distrusted for everything)."""
    store = new_store()
    leaf, root = import_chain(store, "email-certs/chain.test.example.com")
    other = import_chain(store, "data/chain-512-ca.pem")
    store.ok("trust", "set", str(root), "--purpose", "email", "--trusted")
    store.ok("trust", "set", str(root), "--purpose", "tls-server", "--trusted")
    store.ok("trust", "set", str(leaf), "--purpose", "code-signing", "--distrusted")
    store.ok("trust", "set", str(other[-1]), "--purpose", "all", "--distrusted")
    return store, leaf, root, other[-1]


def p11_kit_env(anchors_dir):
    """A HOME whose p11-kit trust module reads only @anchors_dir.

    p11-kit skips user configuration for root, so when run as root the tool
    is run as nobody (everything here world-readable)."""
    home = tempfile.mkdtemp(dir=WORKDIR)
    modules = os.path.join(home, ".config", "pkcs11", "modules")
    os.makedirs(modules)
    with open(os.path.join(modules, "p11-kit-trust.module"), "w") as f:
        f.write("module: p11-kit-trust.so\ntrust-policy: yes\npriority: 1\n"
                f"x-init-reserved: paths={anchors_dir}\n")
    prefix = []
    if os.getuid() == 0:
        setpriv = shutil.which("setpriv")
        if not setpriv:
            return None, None
        prefix = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
        stores = os.path.join(WORKDIR, "stores")
        for path in [WORKDIR, home, anchors_dir]:
            for root, dirs, files in os.walk(path):
                # Not the stores: a store others can write is refused.
                dirs[:] = [d for d in dirs if os.path.join(root, d) != stores]
                os.chmod(root, 0o777)
                for name in files:
                    os.chmod(os.path.join(root, name), 0o644)
    env = dict(os.environ, HOME=home)
    env.pop("XDG_CONFIG_HOME", None)
    return prefix, env


def run_trust(prefix, env, *args):
    proc = subprocess.run([*prefix, TRUST_TOOL, *args], capture_output=True, env=env,
                          timeout=tc.TIMEOUT, text=True)
    if proc.returncode != 0:
        raise Failure(f"trust {' '.join(args)}: {proc.stderr}")
    return proc.stdout


@test
def export_p11_kit_read_by_trust():
    if not TRUST_TOOL:
        print("# SKIP p11-kit's trust tool is not installed")
        return
    store, leaf, root, other = exported_store()
    anchors = tempfile.mkdtemp(dir=WORKDIR)
    out = os.path.join(anchors, "certkeeper.p11-kit")
    store.ok("trust", "export", "--format", "p11-kit", "--out", out)
    prefix, env = p11_kit_env(anchors)
    if prefix is None:
        print("# SKIP running as root without setpriv: p11-kit ignores user config")
        return

    listing = run_trust(prefix, env, "list")
    entries = [e for e in listing.split("\n\n") if e.strip()]
    seen = sorted((re.search(r"label: (.*)", e).group(1), re.search(r"trust: (.*)", e).group(1))
                  for e in entries)
    check_equal(seen, [("CA-0", "anchor"), ("CA-0", "distrusted")],
                "trust list sees only the exported file, one anchor and one distrusted")
    blocklist = run_trust(prefix, env, "list", "--filter=blocklist")
    check("trust: distrusted" in blocklist, blocklist)

    # The purposes come back from the stapled extended key usage.
    root_fp = sha256_of_blocks(corpus("email-certs/chain.test.example.com"))[1]
    for purpose, expected in [("server-auth", [root_fp]), ("email", [root_fp]),
                              ("client-auth", []), ("code-signing", [])]:
        target = os.path.join(anchors, "..", f"extract-{purpose}-{os.getpid()}.pem")
        target = os.path.abspath(target)
        run_trust(prefix, env, "extract", "--format=pem-bundle", "--filter=ca-anchors",
                  f"--purpose={purpose}", target)
        got = sha256_of_blocks(target) if os.path.exists(target) else []
        check_equal(got, expected, f"trust extract --purpose={purpose}")

    # And p11-kit's own OpenSSL extraction carries the same uses as ours.
    bundle = os.path.abspath(os.path.join(anchors, "..", f"p11-openssl-{os.getpid()}.pem"))
    run_trust(prefix, env, "extract", "--format=openssl-bundle", "--filter=certificates", bundle)
    uses = openssl_uses(bundle)
    check(("CA-0", "TLS Web Server Authentication, E-mail Protection", None) in uses, uses)
    check(("invalid@example.com", "", "Code Signing") in uses or
          ("invalid@example.com", None, "Code Signing") in uses, uses)


def openssl_uses(path):
    """(subject CN, trusted uses, rejected uses) of each TRUSTED CERTIFICATE."""
    text = open(path).read()
    blocks = re.findall(r"-----BEGIN TRUSTED CERTIFICATE-----.*?-----END TRUSTED CERTIFICATE-----",
                        text, re.S)
    uses = []
    for block in blocks:
        out = tc.run_tool(tc.OPENSSL, "x509", "-noout", "-subject", "-text",
                          stdin=block.encode()).decode()
        cn = re.search(r"subject=.*CN = ([^,\n]*)", out).group(1)
        trusted = re.search(r"Trusted Uses:\n  (.*)", out)
        rejected = re.search(r"Rejected Uses:\n  (.*)", out)
        uses.append((cn, trusted.group(1).strip() if trusted else None,
                     rejected.group(1).strip() if rejected else None))
    return uses


@test
def export_openssl_read_by_openssl():
    store, leaf, root, other = exported_store()
    out = os.path.join(tempfile.mkdtemp(dir=WORKDIR), "trusted.pem")
    store.ok("trust", "export", "--format", "openssl", "--out", out)
    uses = openssl_uses(out)
    check_equal(sorted(uses, key=repr), sorted([
        ("invalid@example.com", None, "Code Signing"),
        ("CA-0", "TLS Web Server Authentication, E-mail Protection", None),
        ("CA-0", None, "Any Extended Key Usage"),
    ], key=repr), "Trusted Uses / Rejected Uses")

    # openssl honours the uses: the root is an anchor for TLS server and
    # S/MIME, not for TLS client.
    blocks = re.findall(r"# CA-0\n(-----BEGIN TRUSTED CERTIFICATE-----.*?-----END TRUSTED "
                        r"CERTIFICATE-----\n)", open(out).read(), re.S)
    tmp = os.path.dirname(out)
    ca = os.path.join(tmp, "ca.pem")
    with open(ca, "w") as f:
        f.write(blocks[0])
    leaf_pem = os.path.join(tmp, "leaf.pem")
    der = pem_blocks(corpus("email-certs/chain.test.example.com"))[0]
    with open(leaf_pem, "w") as f:
        f.write("-----BEGIN CERTIFICATE-----\n" + base64.encodebytes(der).decode() +
                "-----END CERTIFICATE-----\n")
    for purpose, ok in [("sslserver", True), ("smimesign", True), ("sslclient", False)]:
        proc = subprocess.run([tc.OPENSSL, "verify", "-purpose", purpose, "-CAfile", ca,
                               leaf_pem], capture_output=True, timeout=tc.TIMEOUT)
        check_equal(proc.returncode == 0, ok, f"openssl verify -purpose {purpose}")
    # -trustout round trip keeps the uses.
    again = tc.run_tool(tc.OPENSSL, "x509", "-in", ca, "-trustout").decode()
    check("BEGIN TRUSTED CERTIFICATE" in again, again)


@test
def export_pem_anchors():
    store, leaf, root, other = exported_store()
    out = os.path.join(tempfile.mkdtemp(dir=WORKDIR), "anchors.pem")
    store.ok("trust", "export", "--format", "pem", "--out", out)
    root_fp = sha256_of_blocks(corpus("email-certs/chain.test.example.com"))[1]
    check_equal(sha256_of_blocks(out), [root_fp], "only the clean anchor")
    proc = subprocess.run([tc.OPENSSL, "verify", "-CAfile", out,
                           corpus("email-certs/chain.test.example.com")],
                          capture_output=True, timeout=tc.TIMEOUT)
    check_equal(proc.returncode, 0, "openssl verify against the anchors bundle")
    store.fails(2, "trust", "export", "--format", "jks")


def main():
    def prepare(workdir):
        global WORKDIR
        WORKDIR = workdir
    return tc.tap_main("test-cli-trust.py", TESTS, {"certtool": tc.CERTTOOL, "openssl": tc.OPENSSL}, prepare)


if __name__ == "__main__":
    sys.exit(main())
