#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""`certkeeper-cli export ID --format pkcs12` read back by every consumer.

The matrix: both profiles (modern, legacy) times the three chain choices
(none, --chain, --chain-with-root), each file read by OpenSSL
(`openssl pkcs12`, with -legacy for the legacy profile), GnuTLS
(`certtool --p12-info`, its password typed at a pty), NSS (`pk12util -i`
into a fresh database, then `certutil -L` and `-K`) and Java
(`keytool -list -v -storetype PKCS12`). Each must find the key (matching
the leaf's public key), the leaf, exactly the chain certificates asked
for, and the friendly name. Passwords travel in files or the pty only. A
missing tool skips the whole script (1..0 # SKIP). Output is TAP, for
meson. Reuses the harness of test-cli.py.

Usage: test-cli-pkcs12-export.py PATH/TO/certkeeper-cli
"""

import base64
import hashlib
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("test_cli", os.path.join(HERE, "test-cli.py"))
tc = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tc)
Failure, check, check_equal = tc.Failure, tc.check, tc.check_equal

PK12UTIL = shutil.which("pk12util")
NSS_CERTUTIL = shutil.which("certutil")
KEYTOOL = shutil.which("keytool")

TESTS = []
STORE = None
CHAIN = None   # the PKI below, made once


def test(func):
    TESTS.append(func)
    return func


def pem_ders(text):
    return [base64.b64decode("".join(b.split())) for b in
            re.findall(r"-----BEGIN CERTIFICATE-----(.*?)-----END CERTIFICATE-----", text, re.S)]


def sha256(der):
    return hashlib.sha256(der).hexdigest()


def colon_hex(text):
    return re.sub(r"[^0-9a-f]", "", text.lower())


class Pki:
    """Root CA -> intermediate CA -> leaf (RSA), all in one store, the leaf's
    key stored encrypted (so the store passphrase is asked for too)."""

    def __init__(self, fx):
        self.dir = fx.dir
        self.root_key = fx.genkey("p12-root.key", "rsa", 2048)
        self.root = fx.certtool_cert("p12-root.pem", self.root_key, """
cn = "P12 Test Root"
ca
cert_signing_key
expiration_days = 3650
serial = 1
""")
        self.int_key = fx.genkey("p12-int.key", "rsa", 2048)
        self.intermediate = fx.certtool_cert("p12-int.pem", self.int_key, """
cn = "P12 Test Intermediate"
ca
cert_signing_key
path_len = 0
expiration_days = 1825
serial = 2
""", signer=(self.root, self.root_key))
        self.leaf_key = fx.genkey("p12-leaf.key", "rsa", 2048)
        self.leaf = fx.certtool_cert("p12-leaf.pem", self.leaf_key, """
cn = "p12.example.com"
dns_name = "p12.example.com"
tls_www_server
signing_key
encryption_key
expiration_days = 365
serial = 3
""", signer=(self.intermediate, self.int_key))
        self.fp = {name: sha256(pem_ders(open(getattr(self, name)).read())[0])
                   for name in ("root", "intermediate", "leaf")}
        self.leaf_spki = tc.public_key_of_cert(self.leaf)
        # ASCII: Java opens no PKCS#12 file with a non-ASCII password, not
        # even one OpenSSL made (README.md, "PKCS#12 for every consumer").
        self.password = fx.write("p12-export.pw", "p12 export password\n")
        self.password_text = "p12 export password"
        self.nss_db_password = fx.write("nss-db.pw", "nss db password\n")


CHAINS = {
    "none": ([], ["leaf"]),
    "chain": (["--chain"], ["leaf", "intermediate"]),
    "chain-with-root": (["--chain-with-root"], ["leaf", "intermediate", "root"]),
}
PROFILES = ["modern", "legacy"]
# The name shown by each consumer. Latin-1 beyond ASCII on purpose: it
# checks the BMPString is written right (GnuTLS alone writes it wrong).
FRIENDLY = "Büro Server"


def export(profile, chain, friendly=True):
    out = os.path.join(tempfile.mkdtemp(dir=tc.FX.workdir), f"{profile}-{chain}.p12")
    args = ["export", CHAIN.leaf_id, "--format", "pkcs12", "--pkcs12-profile", profile,
            *CHAINS[chain][0], "--password-file", tc.FX.store_pw,
            "--key-passphrase-file", CHAIN.password, "--out", out]
    if friendly:
        args += ["--friendly-name", FRIENDLY]
    STORE.ok(*args)
    check_equal(os.stat(out).st_mode & 0o777, 0o600, "PKCS#12 file mode")
    return out


def expected(chain):
    return sorted(CHAIN.fp[name] for name in CHAINS[chain][1])


# ---- the readers -----------------------------------------------------------

def read_openssl(path, profile):
    legacy = ["-legacy"] if profile == "legacy" else []
    info = subprocess.run([tc.OPENSSL, "pkcs12", "-in", path, "-info", "-noout",
                           "-passin", f"file:{CHAIN.password}", *legacy],
                          capture_output=True, timeout=tc.TIMEOUT)
    check_equal(info.returncode, 0, f"openssl pkcs12 -info: {info.stderr!r}")
    text = info.stderr.decode(errors="replace") + info.stdout.decode(errors="replace")
    if profile == "modern":
        for what in ("MAC: sha256", "PBES2, PBKDF2, AES-256-CBC", "PRF hmacWithSHA256",
                     "Shrouded Keybag: PBES2, PBKDF2, AES-256-CBC"):
            check(what in text, f"modern profile: {what!r} in {text}")
    else:
        for what in ("MAC: sha1", "pbeWithSHA1And40BitRC2-CBC",
                     "Shrouded Keybag: pbeWithSHA1And3-KeyTripleDES-CBC"):
            check(what in text, f"legacy profile: {what!r} in {text}")
        # What -legacy is for: OpenSSL 3 refuses RC2 without it.
        plain = subprocess.run([tc.OPENSSL, "pkcs12", "-in", path, "-noout",
                                "-passin", f"file:{CHAIN.password}"],
                               capture_output=True, timeout=tc.TIMEOUT)
        check(plain.returncode != 0, "OpenSSL 3 reads RC2-40 only with -legacy")

    dump = tc.run_tool(tc.OPENSSL, "pkcs12", "-in", path, "-nodes",
                       "-passin", f"file:{CHAIN.password}", *legacy).decode(errors="replace")
    check_equal(sorted(sha256(d) for d in pem_ders(dump)), expected_now, "openssl: certificates")
    key = re.search(r"-----BEGIN PRIVATE KEY-----.*?-----END PRIVATE KEY-----", dump, re.S)
    check(key is not None, "openssl: the private key")
    key_file = path + ".key.pem"
    with open(key_file, "w") as f:
        f.write(key.group(0) + "\n")
    check_equal(tc.pubkey_of_private_key(key_file), CHAIN.leaf_spki, "openssl: key matches leaf")
    os.unlink(key_file)
    # Both the key and the leaf carry the name, tied by one localKeyID.
    check_equal(len(re.findall(r"localKeyID:", dump)), 2, "openssl: localKeyID on key and leaf")
    return dump


def read_certtool(path):
    code, shown, stdout = tc.run_in_pty(
        [tc.CERTTOOL, "--p12-info", "--inder", "--infile", path],
        [(r"Enter password: ?$", CHAIN.password_text)])
    text = stdout.decode(errors="replace")
    check_equal(code, 0, f"certtool --p12-info: {shown} {text}")
    check_equal(sorted(sha256(d) for d in pem_ders(text)), expected_now, "certtool: certificates")
    check("Type: PKCS #8 Encrypted key" in text or "PKCS #8" in text,
          f"certtool: an encrypted key bag in {text}")
    check_equal(text.count(f"Friendly name: {FRIENDLY}"), 2,
                f"certtool: the friendly name on key and leaf in {text}")


def read_nss(path):
    db = tempfile.mkdtemp(dir=tc.FX.workdir)
    tc.run_tool(NSS_CERTUTIL, "-N", "-d", f"sql:{db}", "-f", CHAIN.nss_db_password)
    tc.run_tool(PK12UTIL, "-i", path, "-d", f"sql:{db}", "-w", CHAIN.password,
                "-k", CHAIN.nss_db_password)
    listing = tc.run_tool(NSS_CERTUTIL, "-L", "-d", f"sql:{db}").decode()
    # "Nickname    u,u,u": the leaf has its key (u) and the friendly name.
    rows = [line.rstrip() for line in listing.splitlines()[4:] if line.strip()]
    nicknames = [re.split(r"\s{2,}", row)[0] for row in rows]
    check(FRIENDLY in nicknames, f"NSS: nickname {FRIENDLY!r} in {nicknames}")
    found = []
    for nick in nicknames:
        pem = tc.run_tool(NSS_CERTUTIL, "-L", "-d", f"sql:{db}", "-n", nick, "-a").decode()
        found.extend(sha256(d) for d in pem_ders(pem))
    check_equal(sorted(found), expected_now, "NSS: certificates")
    leaf_pem = tc.run_tool(NSS_CERTUTIL, "-L", "-d", f"sql:{db}", "-n", FRIENDLY, "-a").decode()
    check_equal(sha256(pem_ders(leaf_pem)[0]), CHAIN.fp["leaf"], "NSS: the leaf has the name")
    keys = tc.run_tool(NSS_CERTUTIL, "-K", "-d", f"sql:{db}",
                       "-f", CHAIN.nss_db_password).decode(errors="replace")
    key_rows = [line for line in keys.splitlines() if re.match(r"<\s*\d+>", line)]
    check_equal(len(key_rows), 1, f"NSS: one private key in {keys}")
    check(key_rows[0].rstrip().endswith(FRIENDLY) and " rsa " in key_rows[0],
          f"NSS: the RSA key under the friendly name: {key_rows[0]!r}")


def read_keytool(path):
    out = tc.run_tool(KEYTOOL, "-list", "-v", "-keystore", path, "-storetype", "PKCS12",
                      "-storepass:file", CHAIN.password).decode(errors="replace")
    check("Your keystore contains 1 entry" in out, f"keytool: one entry in {out}")
    # Java keeps PKCS#12 aliases in lower case.
    alias = re.search(r"^Alias name: (.*)$", out, re.M)
    check(alias is not None and alias.group(1) == FRIENDLY.lower(),
          f"keytool: alias {alias.group(1) if alias else None!r}")
    check("Entry type: PrivateKeyEntry" in out, "keytool: the key")
    length = re.search(r"^Certificate chain length: (\d+)$", out, re.M)
    check_equal(int(length.group(1)), len(expected_now), "keytool: chain length")
    fps = [colon_hex(m) for m in re.findall(r"^\s*SHA256: ([0-9A-F:]+)$", out, re.M)]
    check_equal(sorted(fps), expected_now, "keytool: certificates")
    # The chain in order, leaf first: Java builds it from the issuers.
    check_equal(fps[0], CHAIN.fp["leaf"], "keytool: the leaf first")


expected_now = None


def make_case(profile, chain):
    def case():
        global expected_now
        expected_now = expected(chain)
        path = export(profile, chain)
        read_openssl(path, profile)
        read_certtool(path)
        read_nss(path)
        read_keytool(path)
    case.__name__ = f"pkcs12_{profile}_{chain.replace('-', '_')}"
    return case


for _profile in PROFILES:
    for _chain in CHAINS:
        TESTS.append(make_case(_profile, _chain))


@test
def default_friendly_name_and_profile():
    """No --pkcs12-profile: modern. No --friendly-name: the certificate's
    name. An ID of the key finds its one certificate."""
    global expected_now
    expected_now = expected("none")
    out = os.path.join(tempfile.mkdtemp(dir=tc.FX.workdir), "default.p12")
    STORE.ok("export", CHAIN.key_id, "--format", "pkcs12", "--password-file", tc.FX.store_pw,
             "--key-passphrase-file", CHAIN.password, "--out", out)
    dump = read_openssl(out, "modern")
    check_equal(dump.count("friendlyName: p12.example.com"), 2, f"default name in {dump}")


@test
def refusals():
    base = ["export", CHAIN.leaf_id, "--format", "pkcs12", "--password-file", tc.FX.store_pw]
    # No password source and no terminal: refused before anything is asked.
    result = STORE.fails(1, *base, "--out", os.path.join(tc.FX.workdir, "never.p12"))
    check("--key-passphrase-file" in result.stderr, repr(result))
    check(not os.path.exists(os.path.join(tc.FX.workdir, "never.p12")), "no file")
    STORE.fails(2, *base, "--key-passphrase-file", CHAIN.password, "--no-passphrase")
    STORE.fails(2, *base, "--key-passphrase-file", CHAIN.password, "--pkcs12-profile", "rc4")
    STORE.fails(2, *base, "--key-passphrase-file", CHAIN.password, "--chain",
                "--chain-with-root")
    STORE.fails(2, "export", CHAIN.leaf_id, "--friendly-name", "x")
    # The root has no key in the store: a PKCS#12 file needs both.
    result = STORE.fails(1, "export", CHAIN.root_id, "--format", "pkcs12",
                         "--key-passphrase-file", CHAIN.password)
    check("no private key" in result.stderr, repr(result))


@test
def passwords_at_the_prompt():
    """At a terminal: the store passphrase, then the file's password twice,
    none of them echoed; the file opens with the typed password."""
    out = os.path.join(tempfile.mkdtemp(dir=tc.FX.workdir), "prompted.p12")
    code, shown, _ = tc.run_in_pty(
        [tc.CLI, "--store", STORE.dir, "export", CHAIN.leaf_id, "--format", "pkcs12",
         "--out", out],
        [(r"Store passphrase for key .*: $", "store passphrase"),
         (r"Enter a password for the PKCS#12 file: $", "typed p12 pass"),
         (r"again: $", "typed p12 pass")])
    check_equal(code, 0, f"exit code; terminal: {shown!r}")
    for secret in ("store passphrase", "typed p12 pass"):
        check(secret not in shown, f"{secret!r} was echoed: {shown!r}")
    typed = tc.FX.write("typed-p12.pw", "typed p12 pass\n")
    tc.run_tool(tc.OPENSSL, "pkcs12", "-in", out, "-noout", "-passin", f"file:{typed}")


@test
def pem_chain_without_and_with_root():
    for option, names in ((["--chain"], ["leaf", "intermediate"]),
                          (["--chain-with-root"], ["leaf", "intermediate", "root"])):
        text = STORE.ok("export", CHAIN.leaf_id, *option).stdout
        check_equal([sha256(d) for d in pem_ders(text)], [CHAIN.fp[n] for n in names],
                    f"export {option}: leaf first, then its issuers")


def main():
    def prepare(workdir):
        global STORE, CHAIN
        tc.FX = tc.Fixtures(workdir)
        CHAIN = Pki(tc.FX)
        STORE = tc.Store(workdir, "pkcs12")
        STORE.ok("import", CHAIN.root, CHAIN.intermediate, CHAIN.leaf, CHAIN.leaf_key,
                 "--key-passphrase-file", tc.FX.store_pw)
        ids = {c["sha256"]: str(c["id"]) for c in STORE.certificates()}
        CHAIN.leaf_id = ids[CHAIN.fp["leaf"]]
        CHAIN.root_id = ids[CHAIN.fp["root"]]
        CHAIN.key_id = str(STORE.keys()[0]["id"])
    return tc.tap_main("test-cli-pkcs12-export.py", TESTS,
                       {"certtool": tc.CERTTOOL, "openssl": tc.OPENSSL,
                        "pk12util (libnss3-tools)": PK12UTIL,
                        "certutil (libnss3-tools)": NSS_CERTUTIL,
                        "keytool (default-jre-headless)": KEYTOOL}, prepare)


if __name__ == "__main__":
    sys.exit(main())
