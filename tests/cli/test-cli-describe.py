#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end tests of how `certkeeper-cli show` and `show --json` describe
a certificate: the extensions of tests/data/extensions/all-extensions.pem
(made by make-all-extensions.sh, one of every kind the description model
decodes) and of the certtool suite's certificates, checked against what
`openssl x509 -text` prints for AIA, CRL distribution points and
certificate policies. Output is TAP, for meson. Reuses the harness of
test-cli.py.

Usage: test-cli-describe.py PATH/TO/certkeeper-cli
"""

import glob
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

DATA = os.environ.get("CK_TEST_DATA", os.path.join(HERE, "..", "data"))
ALL = os.path.join(DATA, "extensions", "all-extensions.pem")
ALL_CSR = os.path.join(DATA, "extensions", "all-extensions.csr")
WORKDIR = None
TESTS = []


def test(func):
    TESTS.append(func)
    return func


_counter = [0]


def new_store():
    _counter[0] += 1
    return Store(WORKDIR, f"describe-{_counter[0]}")


def openssl_text(path):
    return tc.run_tool(tc.OPENSSL, "x509", "-in", path, "-noout", "-text").decode("utf-8")


def openssl_sha256(path):
    out = tc.run_tool(tc.OPENSSL, "x509", "-in", path, "-noout", "-fingerprint",
                      "-sha256").decode("ascii")
    return out.strip().split("=", 1)[1].replace(":", "").lower()


def extension_blocks(text):
    """The X509v3 extensions of `openssl x509 -text`: header → its lines,
    with their indentation relative to the header's contents."""
    blocks = {}
    lines = text.splitlines()
    for i, line in enumerate(lines):
        m = re.match(r"^( {12})(\S.*?):( critical)?\s*$", line)
        if not m:
            continue
        body = []
        for nxt in lines[i + 1:]:
            if not nxt.startswith(" " * 16):
                break
            body.append(nxt[16:])
        blocks[m.group(2)] = body
    return blocks


def oid_of(name):
    """The dotted OID OpenSSL means by a name it prints ("X509v3 Any
    Policy"), from the DER it makes of it."""
    if re.fullmatch(r"[0-9.]+", name):
        return name
    der = tc.run_tool(tc.OPENSSL, "asn1parse", "-genstr", f"OID:{name}", "-noout",
                      "-out", "/dev/stdout")
    body = der[2:]
    arcs, value = [], 0
    for byte in body:
        value = value << 7 | (byte & 0x7f)
        if not byte & 0x80:
            arcs.append(value)
            value = 0
    first = min(arcs[0] // 40, 2)
    return ".".join(str(a) for a in [first, arcs[0] - 40 * first] + arcs[1:])


def openssl_aia(blocks):
    out = {"ocsp": [], "ca_issuers": []}
    for line in blocks.get("Authority Information Access", []):
        m = re.match(r"^(OCSP|CA Issuers) - URI:(.*)$", line)
        if m:
            out["ocsp" if m.group(1) == "OCSP" else "ca_issuers"].append(m.group(2))
    return out


def openssl_crl_uris(blocks, header):
    return [line.strip()[4:] for line in blocks.get(header, []) if line.strip().startswith("URI:")]


def openssl_policies(blocks):
    """[(oid, [cps…], [explicit text…], organization or None, [numbers])]."""
    policies = []
    for line in blocks.get("X509v3 Certificate Policies", []):
        stripped = line.strip()
        if line.startswith("Policy: "):
            policies.append([oid_of(line[len("Policy: "):].strip()), [], [], None, []])
        elif stripped.startswith("CPS: "):
            policies[-1][1].append(stripped[len("CPS: "):])
        elif stripped.startswith("Explicit Text: "):
            policies[-1][2].append(stripped[len("Explicit Text: "):])
        elif stripped.startswith("Organization: "):
            policies[-1][3] = stripped[len("Organization: "):]
        elif stripped.startswith("Numbers: "):
            policies[-1][4] = [n.strip() for n in stripped[len("Numbers: "):].split(",")]
    return [tuple(p) for p in policies]


def model_policies(section):
    """The same, from a certificate_policies section of `sections`."""
    policies = []
    for field in section["fields"]:
        value = field["values"]
        if field["key"] == "policy":
            policies.append([value[0], [], [], None, []])
        elif field["key"] == "cps":
            policies[-1][1].extend(value)
        elif field["key"] == "user_notice":
            policies[-1][2].extend(value)
        elif field["key"] == "notice_organization":
            policies[-1][3] = value[0]
        elif field["key"] == "notice_numbers":
            policies[-1][4] = list(value)
    return [tuple(p) for p in policies]


def extension(doc, key):
    found = [e for e in doc["extensions"] if e["key"] == key]
    return found[0] if found else None


def section(doc, key):
    found = [s for s in doc["sections"] if s["key"] == key]
    return found[0] if found else None


def compare_with_openssl(doc, path, what):
    """AIA, CRL DP, freshest CRL and policies as openssl reads them."""
    blocks = extension_blocks(openssl_text(path))
    aia = extension(doc, "authority_info_access")
    want = openssl_aia(blocks)
    got = {k: (aia["fields"].get(k, []) if aia else []) for k in want}
    check_equal(got, want, f"{what}: AIA")
    for key, header in (("crl_distribution_points", "X509v3 CRL Distribution Points"),
                        ("freshest_crl", "X509v3 Freshest CRL")):
        ext = extension(doc, key)
        check_equal(ext["fields"].get("uri", []) if ext else [],
                    openssl_crl_uris(blocks, header), f"{what}: {key}")
    pol = section(doc, "certificate_policies")
    check_equal(model_policies(pol) if pol else [], openssl_policies(blocks),
                f"{what}: certificate policies")


@test
def every_extension_decoded():
    store = new_store()
    store.ok("import", ALL)
    doc = store.ok("show", "1", "--json").json()
    keys = [e["key"] for e in doc["extensions"]]
    for key in ("basic_constraints", "key_usage", "extended_key_usage", "subject_alt_name",
                "issuer_alt_name", "subject_key_id", "authority_key_id",
                "authority_info_access", "crl_distribution_points", "freshest_crl",
                "certificate_policies", "policy_mappings", "name_constraints",
                "policy_constraints", "inhibit_any_policy", "sct_list", "tls_feature",
                "subject_directory_attributes", "ms_certificate_template_name",
                "ms_certificate_template", "netscape_comment"):
        check(key in keys, f"{key} not decoded: {keys}")
        check(extension(doc, key)["decoded"], f"{key} decoded")
    # Only the unknown one is raw hex.
    unknown = [e for e in doc["extensions"] if not e["decoded"]]
    check_equal([(e["key"], e["oid"]) for e in unknown], [("extension", "1.3.6.1.4.1.55555.99")],
                "undecoded extensions")
    check_equal(unknown[0]["fields"], {"value": [unknown[0]["value"]]}, "unknown as hex")

    fields = {e["key"]: e["fields"] for e in doc["extensions"]}
    check_equal(fields["basic_constraints"], {"ca": ["true"], "path_len": ["2"]}, "BC")
    check(extension(doc, "basic_constraints")["critical"], "BC critical")
    check_equal(fields["key_usage"]["usage"], ["digitalSignature", "keyCertSign", "cRLSign"],
                "KU")
    check_equal(fields["extended_key_usage"]["purpose"],
                ["1.3.6.1.5.5.7.3.1", "1.3.6.1.5.5.7.3.2", "1.3.6.1.4.1.311.20.2.2",
                 "1.2.3.4.5.6"], "EKU")
    san = fields["subject_alt_name"]
    check_equal(san["dns"], ["www.example.com", "example.com"], "SAN DNS")
    check_equal(san["ip"], ["192.0.2.1", "2001:db8::1"], "SAN IP")
    check_equal(san["email"], ["admin@example.com"], "SAN email")
    check_equal(san["uri"], ["https://www.example.com/"], "SAN URI")
    check_equal(san["dn"], ["CN=Directory Name,O=Certkeeper Test"], "SAN DN")
    check_equal(san["rid"], ["1.2.3.4"], "SAN RID")
    check_equal(san["upn"], ["user@example.com"], "SAN UPN")
    check_equal(san["other_name"], ["1.3.6.1.4.1.55555.7:0c09736f6d657468696e67"],
                "SAN otherName")
    check_equal(fields["issuer_alt_name"], {"uri": ["http://ca.example.com/"],
                                            "email": ["ca@example.com"]}, "IAN")
    check_equal(fields["subject_key_id"]["key_id"], [doc["subject_key_id"]], "SKI")
    check_equal(fields["authority_key_id"],
                {"key_id": [doc["authority_key_id"]],
                 "issuer": ["DN:CN=All Extensions CA,O=Certkeeper Test,C=DE"],
                 "serial": [doc["serial"]]}, "AKI")
    check_equal(fields["name_constraints"],
                {"permitted": ["DNS:.example.com", "IP:192.0.2.0/24"],
                 "excluded": ["DNS:bad.example.com", "email:.example.net"]}, "name constraints")
    check_equal(fields["policy_mappings"],
                {"issuer_domain_policy": ["2.23.140.1.2.1"],
                 "subject_domain_policy": ["1.3.6.1.4.1.55555.1.2"]}, "policy mappings")
    check_equal(fields["policy_constraints"],
                {"require_explicit_policy": ["0"], "inhibit_policy_mapping": ["1"]},
                "policy constraints")
    check_equal(fields["inhibit_any_policy"], {"skip_certs": ["2"]}, "inhibitAnyPolicy")
    check_equal(fields["tls_feature"], {"feature": ["5"]}, "TLS feature: status_request")
    check_equal(fields["sct_list"],
                {"count": ["2"], "log_id": ["aa" * 32, "bb" * 32],
                 "timestamp": ["2022-02-16T00:47:54Z", "2022-04-06T17:50:41Z"]}, "SCTs")
    check_equal(fields["subject_directory_attributes"],
                {"dateOfBirth": ["1970-01-01"], "placeOfBirth": ["Berlin"],
                 "countryOfCitizenship": ["DE"]}, "subject directory attributes")
    check_equal(fields["ms_certificate_template_name"], {"name": ["WebServer"]},
                "template name")
    check_equal(fields["ms_certificate_template"],
                {"template_id": ["1.3.6.1.4.1.311.21.8.1234.5678.1"],
                 "major_version": ["100"], "minor_version": ["4"]}, "template v2")
    check_equal(fields["netscape_comment"],
                {"comment": ["Certkeeper test fixture: every extension"]}, "nsComment")

    # The old keys keep their meaning.
    check_equal(doc["san"][:2], ["DNS:www.example.com", "DNS:example.com"], "san")
    check_equal(doc["path_len_constraint"], 2, "path_len_constraint")
    # The sections are the whole model, in the pane's order, and their
    # extension sections are the extensions, in certificate order.
    check_equal([s["key"] for s in doc["sections"]][:6],
                ["subject", "issuer", "validity", "public_key", "fingerprints",
                 "basic_constraints"], "section order")
    check_equal([s["oid"] for s in doc["sections"] if s["oid"]],
                [e["oid"] for e in doc["extensions"]], "one section per extension")
    check_equal(section(doc, "validity")["fields"][1]["values"], [doc["not_after"]],
                "validity in the JSON time format")


@test
def aia_crl_policies_match_openssl():
    store = new_store()
    store.ok("import", ALL)
    doc = store.ok("show", "1", "--json").json()
    compare_with_openssl(doc, ALL, "all-extensions.pem")
    # The fixture has them all, so the comparison compared something.
    blocks = extension_blocks(openssl_text(ALL))
    check(len(openssl_policies(blocks)) == 3 and openssl_aia(blocks)["ocsp"], "fixture")


@test
def corpus_matches_openssl():
    """Every certificate of the certtool suite that carries AIA, CRL
    distribution points or policies, in its own store."""
    compared = 0
    for path in sorted(glob.glob(os.path.join(DATA, "certtool", "*", "*"))):
        text = subprocess.run([tc.OPENSSL, "x509", "-in", path, "-noout", "-text"],
                              capture_output=True, timeout=tc.TIMEOUT)
        if text.returncode != 0 or not re.search(
                rb"Authority Information Access|CRL Distribution Points|Certificate Policies",
                text.stdout):
            continue
        store = new_store()
        if store.run("import", path).code != 0:
            continue
        sha256 = openssl_sha256(path)
        matches = [c for c in store.certificates() if c["sha256"] == sha256]
        if not matches:
            continue
        doc = store.ok("show", str(matches[0]["id"]), "--json").json()
        compare_with_openssl(doc, path, os.path.relpath(path, DATA))
        compared += 1
    check(compared >= 10, f"only {compared} corpus certificates compared")


@test
def text_shows_the_sections():
    store = new_store()
    store.ok("import", ALL)
    text = store.ok("show", "1").stdout
    for needle in ("Authority Information Access (1.3.6.1.5.5.7.1.1):",
                   "OCSP responder:", "http://ocsp.example.com/",
                   "CA issuers:", "http://ca.example.com/ca.crt",
                   "CRL Distribution Points (2.5.29.31):", "http://crl2.example.com/ca.crl",
                   "Practice statement (CPS): https://cps.example.com/cps",
                   "User notice:", "Test certificate: no reliance",
                   "Any Policy (2.5.29.32.0)",
                   "Name Constraints (2.5.29.30), critical:",
                   "OCSP must-staple (status_request)",
                   "Template name:", "WebServer",
                   "1.3.6.1.4.1.55555.99:", "0C:06:6F:70:61:71:75:65"):
        check(needle in text, f"show lacks {needle!r}:\n{text}")


@test
def request_described_the_same_way():
    store = new_store()
    store.ok("import", ALL_CSR)
    doc = store.ok("show", "1", "--json").json()
    check_equal(doc["kind"], "request", "kind")
    cert_store = new_store()
    cert_store.ok("import", ALL)
    cert = cert_store.ok("show", "1", "--json").json()
    # The same extensions, but the AKI (the request has no issuer yet).
    want = [e for e in cert["extensions"] if e["key"] != "authority_key_id"]
    check_equal([(e["key"], e["fields"]) for e in doc["extensions"]],
                [(e["key"], e["fields"]) for e in want], "request extensions")
    check_equal([s["key"] for s in doc["sections"]][:3], ["subject", "public_key", "fingerprints"],
                "request sections")


def main():
    def prepare(workdir):
        global WORKDIR
        WORKDIR = workdir
    return tc.tap_main("test-cli-describe.py", TESTS, {"openssl": tc.OPENSSL}, prepare)


if __name__ == "__main__":
    sys.exit(main())
