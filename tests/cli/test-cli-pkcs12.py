#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""`certkeeper-cli import` of PKCS#12 files and encrypted keys as OpenSSL 3
writes them, the legacy ones included, and of damaged ones.

Every file is imported with the right password twice: from --password-file
and typed at the prompt under a pseudo-terminal. Each import must either
succeed (exit 0, the certificate and its key stored and paired) or fail
with exit 1 and one message naming the file, the item and the reason, the
store unchanged; never die of a signal. (Unlocking used to replace the
locked item in the plan while the CLI still used it: SIGSEGV.)

Damaged files keep a valid MAC: their bags are changed in place and the
MAC is recomputed here (the PKCS#12 key derivation of RFC 7292 appendix B
and an HMAC, with hashlib), so the password still opens them and what is
inside is what fails. The MAC code checks itself on the undamaged file.

Usage: test-cli-pkcs12.py PATH/TO/certkeeper-cli
"""

import hashlib
import hmac
import importlib.util
import os
import re
import signal
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("test_cli", os.path.join(HERE, "test-cli.py"))
tc = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tc)
Failure, check, check_equal, Store = tc.Failure, tc.check, tc.check_equal, tc.Store

PASSWORD = "p12 secret"
OTHER_PASSWORD = "key bag secret"
STORE_PASSPHRASE = "store passphrase"
CN = "p12.example.com"

WORKDIR = None
INPUTS = None
TESTS = []
_counter = [0]


def test(func):
    TESTS.append(func)
    return func


def path(name):
    return os.path.join(INPUTS, name)


def write(name, data):
    with open(path(name), "wb") as f:
        f.write(data.encode() if isinstance(data, str) else data)
    return path(name)


def openssl(*args):
    return tc.run_tool(tc.OPENSSL, *args)


def new_store(name):
    _counter[0] += 1
    return Store(WORKDIR, f"{_counter[0]:02d}-{name}")


# ---- DER, just enough to find things in place --------------------------------

def tlv(data, pos):
    """(tag, start of contents, end of contents) of the TLV at @pos."""
    tag = data[pos]
    length = data[pos + 1]
    pos += 2
    if length & 0x80:
        n = length & 0x7F
        length = int.from_bytes(data[pos:pos + n], "big")
        pos += n
    return tag, pos, pos + length


def children(data, start, end):
    out = []
    while start < end:
        tag, c_start, c_end = tlv(data, start)
        out.append((tag, start, c_start, c_end))
        start = c_end
    return out


def der_int(value):
    body = value.to_bytes(max(1, (value.bit_length() + 8) // 8), "big")
    return bytes([0x02, len(body)]) + body


# ---- the PKCS#12 MAC ---------------------------------------------------------

MAC_HASHES = {
    bytes.fromhex("2b0e03021a"): ("sha1", 64),
    bytes.fromhex("608648016503040201"): ("sha256", 64),
    bytes.fromhex("608648016503040202"): ("sha384", 128),
    bytes.fromhex("608648016503040203"): ("sha512", 128),
}


def pkcs12_kdf(hash_name, block, password, salt, key_id, iterations, size):
    """RFC 7292 appendix B.2, password as BMPString with its two zeros."""
    def stretch(data):
        if not data:
            return b""
        n = block * ((len(data) + block - 1) // block)
        return (data * (n // len(data) + 1))[:n]

    pw = password.encode("utf-16-be") + b"\0\0"
    i_bytes = bytearray(stretch(salt) + stretch(pw))
    out = b""
    while len(out) < size:
        a = hashlib.new(hash_name, bytes([key_id]) * block + bytes(i_bytes)).digest()
        for _ in range(iterations - 1):
            a = hashlib.new(hash_name, a).digest()
        out += a
        b = int.from_bytes((a * (block // len(a) + 1))[:block], "big")
        for j in range(0, len(i_bytes), block):
            chunk = int.from_bytes(i_bytes[j:j + block], "big")
            chunk = (chunk + b + 1) % (1 << (block * 8))
            i_bytes[j:j + block] = chunk.to_bytes(block, "big")
    return out[:size]


class Pfx:
    """A PFX's authenticated content and MAC, by position."""

    def __init__(self, der):
        self.der = bytearray(der)
        _, start, end = tlv(self.der, 0)
        parts = children(self.der, start, end)
        check(len(parts) == 3, "PFX without macData")
        content_info, mac_data = parts[1], parts[2]
        # ContentInfo { contentType, [0] EXPLICIT OCTET STRING }
        explicit = children(self.der, content_info[2], content_info[3])[1]
        octets = tlv(self.der, explicit[2])
        check(octets[0] == 0x04, "authSafe is not plain data")
        self.content = (octets[1], octets[2])
        digest_info, salt, iterations = children(self.der, mac_data[2], mac_data[3])
        algorithm, digest = children(self.der, digest_info[2], digest_info[3])
        oid = children(self.der, algorithm[2], algorithm[3])[0]
        self.hash = MAC_HASHES[bytes(self.der[oid[2]:oid[3]])]
        self.digest = (digest[2], digest[3])
        self.salt = bytes(self.der[salt[2]:salt[3]])
        self.iterations = int.from_bytes(self.der[iterations[2]:iterations[3]], "big")

    def mac(self, password):
        name, block = self.hash
        key = pkcs12_kdf(name, block, password, self.salt, 3, self.iterations,
                         hashlib.new(name).digest_size)
        return hmac.new(key, bytes(self.der[self.content[0]:self.content[1]]), name).digest()

    def set_mac(self, password):
        self.der[self.digest[0]:self.digest[1]] = self.mac(password)

    def replace_once(self, old, new):
        """Changes bytes of the authenticated content in place."""
        check(len(old) == len(new), "in-place changes keep the length")
        start, end = self.content
        content = bytes(self.der[start:end])
        check(content.count(old) == 1, "the bytes to damage are in the file once")
        at = start + content.index(old)
        self.der[at:at + len(old)] = new


def remac(name, der, password, damage=None):
    pfx = Pfx(der)
    stored = bytes(pfx.der[pfx.digest[0]:pfx.digest[1]])
    check_equal(pfx.mac(PASSWORD), stored, "our PKCS#12 MAC of openssl's file")
    if damage is not None:
        damage(pfx)
    pfx.set_mac(password)
    return write(name, bytes(pfx.der))


def pw_file(password):
    return write(hashlib.sha256(password.encode()).hexdigest()[:12] + ".pw", password + "\n")


# ---- fixtures ------------------------------------------------------------------

CASES = []   # (name, path, expectation); expectation: None for success, else
             # a list of regexes the error line must match


def make_inputs():
    key = path("key.pem")
    cert = path("cert.pem")
    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key, "-out", cert,
            "-subj", f"/CN={CN}", "-days", "30")
    cert_der = openssl("x509", "-in", cert, "-outform", "DER")
    key_der = openssl("pkcs8", "-topk8", "-nocrypt", "-in", key, "-outform", "DER")
    pw = pw_file(PASSWORD)
    legacy = subprocess.run([tc.OPENSSL, "list", "-providers", "-provider", "legacy"],
                            capture_output=True, timeout=tc.TIMEOUT).returncode == 0

    def p12(name, *options):
        out = path(name)
        openssl("pkcs12", "-export", "-in", cert, "-inkey", key, "-name", "From P12",
                "-passout", f"file:{pw}", "-out", out, *options)
        return out

    CASES.append(("default", p12("default.p12"), None))
    if legacy:
        CASES.append(("legacy", p12("legacy.p12", "-legacy"), None))
        CASES.append(("sha1-3des-rc2-40",
                      p12("sha1-3des-rc2-40.p12", "-keypbe", "PBE-SHA1-3DES",
                          "-certpbe", "PBE-SHA1-RC2-40",
                          "-provider", "legacy", "-provider", "default"), None))
    else:
        print("# openssl has no legacy provider: -legacy and RC2-40 files not made")
    CASES.append(("descert", p12("descert.p12", "-descert"), None))
    # OpenSSL 3.0 spells it -iter N; -nomaciter leaves the MAC at one
    # iteration. 3,000,000 is past the limit Certkeeper accepts.
    CASES.append(("iter-3000000", p12("iter.p12", "-iter", "3000000", "-nomaciter"),
                  [r"iter\.p12", r"3000000", r"iterations"]))

    # Bags in the clear so that they can be damaged in place; the MAC is
    # then made again with the right password.
    clear = open(p12("clear.p12", "-keypbe", "NONE", "-certpbe", "NONE"), "rb").read()

    def damage_cert(pfx):
        # The version tag [0] of the TBSCertificate becomes [5].
        _, tbs, _ = tlv(cert_der, 0)
        tag, start, _ = tlv(cert_der, tbs)
        check_equal(cert_der[start], 0xA0, "certificate version tag")
        damaged = bytearray(cert_der[:start + 1])
        damaged[start] = 0xA5
        pfx.replace_once(cert_der[:start + 1], bytes(damaged))

    def damage_key(pfx):
        # The PKCS#8 version INTEGER becomes a BOOLEAN.
        _, start, _ = tlv(key_der, 0)
        check_equal(key_der[start:start + 3], b"\x02\x01\x00", "PKCS#8 version")
        pfx.replace_once(key_der[:start + 3], key_der[:start] + b"\x01\x01\x00")

    CASES.append(("damaged-certificate",
                  remac("damaged-cert.p12", clear, PASSWORD, damage_cert),
                  [r"damaged-cert\.p12", r"bag \d+ \(certificate\)"]))
    CASES.append(("damaged-key",
                  remac("damaged-key.p12", clear, PASSWORD, damage_key),
                  [r"damaged-key\.p12", r"bag \d+ \(private key\)"]))

    # The key bag under another password than the file: the MAC made again
    # with PASSWORD over a file whose key was encrypted with OTHER_PASSWORD.
    other = path("other.p12")
    openssl("pkcs12", "-export", "-in", cert, "-inkey", key, "-certpbe", "NONE",
            "-passout", f"file:{pw_file(OTHER_PASSWORD)}", "-out", other)
    other_der = open(other, "rb").read()
    pfx = Pfx(other_der)
    check_equal(pfx.mac(OTHER_PASSWORD), bytes(pfx.der[pfx.digest[0]:pfx.digest[1]]),
                "our PKCS#12 MAC of openssl's file")
    pfx.set_mac(PASSWORD)
    CASES.append(("key-bag-second-password", write("second-password.p12", bytes(pfx.der)),
                  [r"second-password\.p12", r"bag \d+ \(private key\)",
                   r"does not decrypt"]))

    # An encrypted PKCS#8 (AES-256-CBC) with one bit of its ciphertext
    # flipped. In CBC, a flip garbles its own plaintext block and flips the
    # same bit 16 bytes on: in the last byte of the second-to-last block it
    # breaks the padding; 100 bytes into the ciphertext it lands in the RSA
    # modulus, which then no longer is the product of the primes.
    pk8 = openssl("pkcs8", "-topk8", "-v2", "aes-256-cbc", "-in", key,
                  "-outform", "DER", "-passout", f"file:{pw}")
    _, start, end = tlv(pk8, 0)
    encrypted = children(pk8, start, end)[1]
    check_equal(encrypted[0], 0x04, "encryptedData tag")
    check_equal(encrypted[3], len(pk8), "encryptedData ends the key")
    for name, at in (("padding", len(pk8) - 17), ("modulus", encrypted[2] + 100)):
        flipped = bytearray(pk8)
        flipped[at] ^= 0x01
        CASES.append((f"bit-flipped-pkcs8-{name}", write(f"flipped-{name}.p8", bytes(flipped)),
                      [rf"flipped-{name}\.p8", r"password|damaged|inconsistent"]))

    # A legacy encrypted PEM ("BEGIN RSA PRIVATE KEY" with DEK-Info) whose
    # RSA numbers do not agree: the modulus is no longer p·q. (GnuTLS
    # recomputes the CRT values on import: changing those would not do.)
    rsa_der = bytearray(openssl("rsa", "-in", key, "-traditional", "-outform", "DER"))
    _, start, end = tlv(rsa_der, 0)
    modulus = children(rsa_der, start, end)[1]
    rsa_der[modulus[3] - 1] ^= 0x02
    bad_rsa = write("inconsistent.der", bytes(rsa_der))
    legacy_pem = path("inconsistent.pem")
    openssl("rsa", "-inform", "DER", "-in", bad_rsa, "-traditional", "-aes128",
            "-passout", f"file:{pw}", "-out", legacy_pem)
    check("DEK-Info:" in open(legacy_pem).read(), "legacy PEM encryption")
    CASES.append(("inconsistent-legacy-pem", legacy_pem,
                  [r"inconsistent\.pem", r"inconsistent"]))


# ---- running -----------------------------------------------------------------

def answer_prompt(shown):
    """Every password prompt gets PASSWORD, the store passphrase prompts
    STORE_PASSPHRASE."""
    if re.search(r"Password for .*: $", shown):
        return PASSWORD
    if re.search(r"(passphrase to protect .*|again): $", shown):
        return STORE_PASSPHRASE
    return None


def check_outcome(name, file, expectation, code, errors, stdout, store):
    where = f"{name} ({os.path.basename(file)}): exit {code}\n{errors}\n{stdout}"
    if code < 0:
        raise Failure(f"killed by signal {signal.Signals(-code).name}: {where}")
    if expectation is None:
        check_equal(code, 0, f"exit status of {where}")
        certs, keys = store.certificates(), store.keys()
        check_equal(len(certs), 1, f"certificates stored: {where}")
        check_equal(len(keys), 1, f"keys stored: {where}")
        check_equal(certs[0]["key_id"], keys[0]["id"], f"certificate paired: {where}")
        check(f"key matches certificate '{CN}'" in stdout, f"pairing reported: {where}")
        return
    check_equal(code, 1, f"exit status of {where}")
    lines = [line for line in errors.splitlines()
             if line.startswith("certkeeper-cli:") and "nothing imported" in line]
    check_equal(len(lines), 1, f"one error line: {where}")
    for pattern in expectation:
        check(re.search(pattern, lines[0]), f"{pattern!r} not in {lines[0]!r}: {where}")
    check_equal(store.list_json(), [], f"store after the failed import: {where}")


def password_file_case(name, file, expectation):
    store = new_store(name + "-file")
    result = store.run("import", file, "--password-file", pw_file(PASSWORD),
                       "--key-passphrase-file", pw_file(STORE_PASSPHRASE))
    check_outcome(name, file, expectation, result.code, result.stderr, result.stdout, store)


def prompt_case(name, file, expectation):
    store = new_store(name + "-prompt")
    code, shown, stdout = tc.run_in_pty([tc.CLI, "--store", store.dir, "import", file], [],
                                        respond=answer_prompt)
    stdout = stdout.decode(errors="replace")
    check(PASSWORD not in shown and STORE_PASSPHRASE not in shown,
          f"a password was echoed: {shown!r}")
    check(re.search(r"Password for .*: ", shown), f"no password prompt: {shown!r}")
    check_outcome(name, file, expectation, code, shown, stdout, store)


def run_cases(case):
    """Runs @case on every file; one failure does not hide the others."""
    failures = []
    for name, file, expectation in CASES:
        try:
            case(name, file, expectation)
        except Failure as exc:
            failures.append(str(exc))
    check(not failures, "\n".join(failures))


@test
def import_with_password_file():
    run_cases(password_file_case)


@test
def import_at_the_prompt():
    run_cases(prompt_case)


def main():
    def prepare(workdir):
        global WORKDIR, INPUTS
        WORKDIR = workdir
        INPUTS = os.path.join(workdir, "inputs")
        os.makedirs(INPUTS)
        make_inputs()
    return tc.tap_main("test-cli-pkcs12.py", TESTS, {"openssl": tc.OPENSSL}, prepare)


if __name__ == "__main__":
    sys.exit(main())
