#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end tests of `certkeeper-cli keygen`, `request`, `requests` and
`template export`, and of what `import` says about issued requests.

openssl and certtool check every request made; certtool also makes the
same request from the same template and key, and acts as the CA. Output is
TAP, for meson. Reuses the harness of test-cli.py.

Usage: test-cli-request.py PATH/TO/certkeeper-cli
"""

import importlib.util
import os
import re
import subprocess
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
_counter = [0]


def test(func):
    TESTS.append(func)
    return func


def path(name):
    return os.path.join(WORKDIR, name)


def write(name, text):
    with open(path(name), "w", encoding="utf-8") as f:
        f.write(text)
    return path(name)


def new_store():
    _counter[0] += 1
    return Store(WORKDIR, f"request-{_counter[0]}")


def passphrase_file():
    return write("passphrase", "correct horse battery\n")


def openssl_text(csr, der=False):
    args = ["req", "-noout", "-text", "-in", csr]
    if der:
        args += ["-inform", "DER"]
    return tc.run_tool(tc.OPENSSL, *args).decode()


def openssl_subject(csr, der=False):
    text = openssl_text(csr, der)
    return re.search(r"Subject: (.*)", text).group(1).strip()


def verify_csr(csr, der=False):
    """openssl and certtool both accept the request's self-signature."""
    args = ["req", "-verify", "-noout", "-in", csr]
    if der:
        args += ["-inform", "DER"]
    tc.run_tool(tc.OPENSSL, *args)
    info = tc.run_tool(tc.CERTTOOL, "--crq-info", "--infile", csr,
                       *(["--inder"] if der else [])).decode()
    check("Self signature: verified" in info, info)
    return info


def keygen(store, *args):
    result = store.ok("keygen", *args, "--key-passphrase-file", passphrase_file())
    return int(re.search(r"key (\d+)", result.stdout).group(1))


def requests(store):
    return store.ok("requests", "--json").json()


# ---- keygen ----------------------------------------------------------------

@test
def keygen_every_algorithm_stored_encrypted():
    store = new_store()
    cases = [(("--algorithm", "rsa", "--bits", "2048"), "RSA", 2048, None),
             (("--algorithm", "rsa-pss", "--bits", "2048"), "RSA-PSS", 2048, None),
             (("--algorithm", "ecdsa", "--curve", "P-384"), "ECDSA", 384, "SECP384R1"),
             (("--algorithm", "ed25519"), "Ed25519", 256, None),
             (("--algorithm", "ed448"), "Ed448", 456, None)]
    for args, algorithm, bits, curve in cases:
        key_id = keygen(store, *args, "--label", algorithm)
        key = [k for k in store.list_json("--keys") if k["id"] == key_id][0]
        check_equal(key["algorithm"], algorithm, f"{args} algorithm")
        check_equal(key["bits"], bits, f"{args} bits")
        check_equal(key.get("curve"), curve, f"{args} curve")
        check_equal(key["encrypted"], True, f"{args} stored encrypted")
        check_equal(key["label"], algorithm, "label")


@test
def keygen_refusals():
    store = new_store()
    store.fails(2, "keygen", "--algorithm", "rsa", "--bits", "1024", "--no-key-passphrase")
    store.fails(2, "keygen", "--algorithm", "dsa", "--no-key-passphrase")
    store.fails(2, "keygen", "--algorithm", "ecdsa", "--curve", "P-192", "--no-key-passphrase")
    store.fails(2, "keygen", "--algorithm", "ed25519", "--no-key-passphrase",
                "--key-passphrase-file", passphrase_file())
    result = store.fails(1, "keygen", "--algorithm", "ed25519")
    check("--key-passphrase-file" in result.stderr, result.stderr)
    check_equal(store.list_json("--keys"), [], "no key stored")


# ---- requests ----------------------------------------------------------------

@test
def securosys_request_subject_order():
    store = new_store()
    key_id = keygen(store, "--algorithm", "rsa", "--bits", "2048")
    out = path("securosys.csr")
    result = store.ok("request", "--key", str(key_id), "--password-file", passphrase_file(),
                      "--subject", "CN=SUB-Securosys-001, OU=Operations, O=Securosys SA, "
                      "L=Zurich, ST=Zurich, C=CH",
                      "--organization-identifier", "CHE-464.234.583 MWST",
                      "--key-usage", "digitalSignature", "--eku", "anyExtendedKeyUsage",
                      "--out", out)
    check("pending" in result.stdout, result.stdout)
    verify_csr(out)
    check_equal(openssl_subject(out),
                "CN = SUB-Securosys-001, OU = Operations, O = Securosys SA, L = Zurich, "
                "ST = Zurich, C = CH, organizationIdentifier = CHE-464.234.583 MWST",
                "subject as openssl shows it")
    text = openssl_text(out)
    check(re.search(r"Key Usage: critical\s+Digital Signature\s", text), text)
    check("Any Extended Key Usage" in text, text)
    reqs = requests(store)
    check_equal(len(reqs), 1, "one request stored")
    check_equal(reqs[0]["status"], "pending", "pending")
    check_equal(reqs[0]["key_id"], key_id, "under its key")


@test
def attribute_options_keep_command_line_order():
    store = new_store()
    out = path("order.csr")
    store.ok("request", "--new-key", "ecdsa", "--no-key-passphrase",
             "--cn", "api.acme.com", "--o", "Acme", "--l", "Boston", "--st", "Massachusetts",
             "--c", "US", "--email", "api-admin@acme.com", "--ou", "One", "--ou", "Two",
             "--dc", "acme", "--dc", "com", "--attribute", "2.5.4.12=Boss",
             "--san", "DNS:api.acme.com", "--san", "IP:192.0.2.1", "--san", "IP:2001:db8::1",
             "--san", "email:api-admin@acme.com", "--san", "URI:https://api.acme.com/",
             "--san", "UPN:api@acme.com", "--out", out)
    verify_csr(out)
    check_equal(openssl_subject(out),
                "CN = api.acme.com, O = Acme, L = Boston, ST = Massachusetts, C = US, "
                "emailAddress = api-admin@acme.com, OU = One, OU = Two, DC = acme, DC = com, "
                "title = Boss", "subject")
    text = openssl_text(out)
    for san in ("DNS:api.acme.com", "IP Address:192.0.2.1", "IP Address:2001:DB8:0:0:0:0:0:1",
                "email:api-admin@acme.com", "URI:https://api.acme.com/"):
        check(san in text, f"{san} missing:\n{text}")


@test
def errors_stop_before_a_key_is_made():
    store = new_store()
    result = store.fails(1, "request", "--new-key", "ecdsa", "--no-key-passphrase",
                         "--profile", "tls-server", "--subject", "CN=www.example.com, C=CHE",
                         "--key-usage", "digitalSignature,keyEncipherment")
    check("two letters" in result.stderr, result.stderr)
    check("DNS name or IP" in result.stderr, result.stderr)
    check("keyEncipherment" in result.stderr, result.stderr)
    check_equal(store.list_json("--keys"), [], "no key generated")
    check_equal(requests(store), [], "no request stored")
    store.fails(1, "request", "--new-key", "ed25519", "--no-key-passphrase")
    store.fails(2, "request", "--new-key", "ed25519", "--no-key-passphrase", "--profile", "nope",
                "--cn", "x")
    store.fails(2, "request", "--cn", "x")


dump_store = tc.dump_store


@test
def unwritable_output_leaves_the_store_as_it_was():
    # The request is written inside the store transaction: when --out
    # cannot be written, neither the new key nor the request is kept.
    store = new_store()
    keygen(store, "--algorithm", "ecdsa")
    before = dump_store(store)
    check("keys" in before and "requests" in before, sorted(before))
    result = store.fails(1, "request", "--new-key", "ecdsa", "--no-key-passphrase",
                         "--cn", "lost.example", "--out", "/nonexistent/dir/req.csr")
    check("/nonexistent/dir/req.csr" in result.stderr, result.stderr)
    check_equal(dump_store(store), before, "store after a failed --out")
    # The same for standard output that cannot take it (a full disk).
    proc = subprocess.run([tc.CLI, "--store", store.dir, "request", "--new-key", "ecdsa",
                           "--no-key-passphrase", "--cn", "full.example"],
                          stdin=subprocess.DEVNULL, stdout=open("/dev/full", "wb"),
                          stderr=subprocess.PIPE, timeout=tc.TIMEOUT)
    check_equal(proc.returncode, 1, proc.stderr.decode())
    check("standard output" in proc.stderr.decode(), proc.stderr.decode())
    check_equal(dump_store(store), before, "store after a failed write to stdout")
    # And the same command with a writable --out keeps both.
    out = path("kept.csr")
    store.ok("request", "--new-key", "ecdsa", "--no-key-passphrase", "--cn", "kept.example",
             "--out", out)
    verify_csr(out)
    check_equal(len(store.keys()), 2, "the new key is kept")
    check_equal(len(requests(store)), 1, "the request is kept")


@test
def warnings_go_to_stderr():
    store = new_store()
    out = path("warn.csr")
    result = store.ok("request", "--new-key", "ecdsa", "--no-key-passphrase",
                      "--profile", "tls-server", "--cn", "www.example.com",
                      "--san", "DNS:other.example.com", "--out", out)
    check("warning:" in result.stderr and "not among" in result.stderr, result.stderr)
    verify_csr(out)


@test
def der_pss_hash_and_challenge_password():
    store = new_store()
    key_id = keygen(store, "--algorithm", "rsa", "--bits", "2048")
    challenge = write("challenge", "open sesame\n")
    out = path("pss.der")
    store.ok("request", "--key", str(key_id), "--password-file", passphrase_file(),
             "--cn", "pss.example", "--pss", "--hash", "sha384",
             "--challenge-password-file", challenge, "--format", "der", "--out", out)
    verify_csr(out, der=True)
    text = openssl_text(out, der=True)
    check("rsassaPss" in text and "sha384" in text, text)
    check("open sesame" in text, "challenge password in the request")
    check_equal(open(out, "rb").read(1), b"\x30", "DER")
    # The challenge password never appears on the command line: it came
    # from a file, and no option takes it directly.
    store.fails(2, "request", "--key", str(key_id), "--challenge-password", "x")


@test
def xroad_signing_and_authentication_pem_and_der():
    store = new_store()
    for profile, usage in (("xroad-signing", "Non Repudiation"),
                           ("xroad-auth", "Digital Signature, Key Encipherment")):
        key_id = keygen(store, "--algorithm", "rsa", "--bits", "2048")
        for fmt in ("pem", "der"):
            out = path(f"{profile}.{fmt}")
            store.ok("request", "--key", str(key_id), "--password-file", passphrase_file(),
                     "--profile", profile, "--subject", "C=EE, O=Example OU, CN=12345678",
                     "--format", fmt, "--out", out)
            verify_csr(out, der=(fmt == "der"))
            text = openssl_text(out, der=(fmt == "der"))
            check(re.search(r"Key Usage: critical\s+" + usage + r"\s", text), f"{profile}:\n{text}")
            if profile == "xroad-auth":
                check("TLS Web Client Authentication, TLS Web Server Authentication" in text, text)
            else:
                check("Extended Key Usage" not in text, text)
    # PEM and DER of one request are one request: stored once each.
    check_equal([r["profile"] for r in requests(store)],
                ["xroad-signing", "xroad-auth"], "profiles recorded")


@test
def template_request_is_certtools_request():
    store = new_store()
    key = path("rsa2048.pem")
    tc.run_tool(tc.CERTTOOL, "--generate-privkey", "--key-type", "rsa", "--bits", "2048",
                "--outfile", key)
    store.ok("import", key, "--no-key-passphrase")
    key_id = store.list_json("--keys")[0]["id"]
    template = write("crq.tmpl", 'organization = "Koko inc."\nunit = "sleeping dept."\n'
                     'state = "Attiki"\ncountry = GR\ncn = "cindy.example"\n'
                     'dns_name = cindy.example\nip_address = 192.168.1.1\n'
                     'tls_www_server\ntls_www_client\nsigning_key\nencryption_key\n'
                     'key_purpose_oid = 1.2.3.4\ntls_feature = 5\n'
                     'add_extension = "1.2.3.4.5 octet_string(cafe)"\n')
    ours = path("ours.der")
    theirs = path("theirs.der")
    store.ok("request", "--key", str(key_id), "--template", template, "--format", "der",
             "--out", ours)
    tc.run_tool(tc.CERTTOOL, "--generate-request", "--load-privkey", key, "--template", template,
                "--outder", "--outfile", theirs)
    check_equal(open(ours, "rb").read(), open(theirs, "rb").read(), "DER identical to certtool's")

    # The request written back as a template gives the same request again.
    request_id = requests(store)[0]["id"]
    exported = path("exported.tmpl")
    store.ok("template", "export", str(request_id), "--out", exported)
    again = path("again.der")
    tc.run_tool(tc.CERTTOOL, "--generate-request", "--load-privkey", key, "--template", exported,
                "--outder", "--outfile", again)
    check_equal(open(again, "rb").read(), open(ours, "rb").read(), "exported template")


@test
def template_export_of_a_profile_notes_what_certtool_cannot_say():
    store = new_store()
    result = store.ok("template", "export", "--profile", "xroad-signing")
    check("# NOTE:" in result.stdout and "nonRepudiation" in result.stdout, result.stdout)
    check("nonRepudiation" in result.stderr, result.stderr)
    result = store.ok("template", "export", "--profile", "tls-server")
    check("tls_www_server" in result.stdout and "signing_key" in result.stdout, result.stdout)
    store.fails(2, "template", "export")
    store.fails(2, "template", "export", "--profile", "nope")


@test
def import_reports_what_the_ca_dropped():
    store = new_store()
    key_id = keygen(store, "--algorithm", "ecdsa")
    csr = path("life.csr")
    store.ok("request", "--key", str(key_id), "--password-file", passphrase_file(),
             "--profile", "tls-server", "--subject", "CN=a.example, O=Acme, C=US",
             "--san", "DNS:a.example", "--san", "DNS:b.example", "--out", csr)
    ca_key, ca_cert = path("ca.key"), path("ca.pem")
    tc.run_tool(tc.CERTTOOL, "--generate-privkey", "--key-type", "ecdsa", "--outfile", ca_key)
    tc.run_tool(tc.CERTTOOL, "--generate-self-signed", "--load-privkey", ca_key, "--template",
                write("ca.tmpl", 'cn = "CLI CA"\nca\ncert_signing_key\nexpiration_days = 30\n'),
                "--outfile", ca_cert)
    cert = path("life.pem")
    tc.run_tool(tc.CERTTOOL, "--generate-certificate", "--load-request", csr,
                "--load-ca-certificate", ca_cert, "--load-ca-privkey", ca_key, "--template",
                write("leaf.tmpl", "cn = a.example\norganization = Acme\ncountry = US\n"
                      "dns_name = a.example\ntls_www_server\nsigning_key\nexpiration_days = 30\n"),
                "--outfile", cert)
    request_id = requests(store)[0]["id"]
    result = store.ok("import", cert)
    check("1 pending request now issued" in result.stdout, result.stdout)
    check(f"certificate for request {request_id} differs: SAN DNS:b.example dropped"
          in result.stdout, result.stdout)
    cert_id = int(re.search(r"certificate (\d+):", result.stdout).group(1))
    reqs = requests(store)
    check_equal(reqs[0]["status"], "issued", "issued")
    check_equal(reqs[0]["certificate_id"], cert_id, "linked to the certificate")
    human = store.ok("requests").stdout
    check(re.search(rf"^{request_id}\s+issued\s+{key_id}\s+{cert_id}\s+tls-server", human, re.M),
          human)


def main():
    def prepare(workdir):
        global WORKDIR
        WORKDIR = workdir
    return tc.tap_main("test-cli-request.py", TESTS, {"certtool": tc.CERTTOOL, "openssl": tc.OPENSSL}, prepare)


if __name__ == "__main__":
    sys.exit(main())
