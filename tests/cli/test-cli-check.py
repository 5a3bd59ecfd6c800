#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end tests of `certkeeper-cli check`: what has expired or expires
within a window, with exit status 0/4, JSON and the Nagios plugin
convention.

The certificates are made by openssl and certtool at test time, valid from
now for a few days; faketime then moves the clock of `check` (only) so
that they become due or expired. Output is TAP, for meson. Reuses the
harness of test-cli.py.

Usage: test-cli-check.py PATH/TO/certkeeper-cli
"""

import calendar
import importlib.util
import os
import re
import shutil
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
_spec = importlib.util.spec_from_file_location("test_cli", os.path.join(HERE, "test-cli.py"))
tc = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(tc)
Failure, check, check_equal, Store = tc.Failure, tc.check, tc.check_equal, tc.Store

FAKETIME = os.environ.get("CK_FAKETIME") or shutil.which("faketime")
APP_ID = "io.github.certkeeper.Certkeeper"


def fake_notifications():
    """The fake notification server's module (tests/), or a Skip naming
    what is missing."""
    if shutil.which("dbus-daemon") is None:
        raise tc.Skip("dbus-daemon needed")
    try:
        _fspec = importlib.util.spec_from_file_location(
            "ck_fake_notifications", os.path.join(HERE, "..", "ck_fake_notifications.py"))
        module = importlib.util.module_from_spec(_fspec)
        _fspec.loader.exec_module(module)
    except ImportError as exc:
        raise tc.Skip(f"python3-gi needed ({exc})")
    return module
DAY = 24 * 60 * 60
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
    return Store(WORKDIR, f"check-{_counter[0]}")


def passphrase_file():
    return write("passphrase", "correct horse battery\n")


def self_signed(name, cn, days, ca=False):
    """An EC key and a self-signed certificate valid from now for @days."""
    key, cert = path(name + ".key"), path(name + ".pem")
    args = ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
            "-nodes", "-keyout", key, "-out", cert, "-days", str(days), "-subj", f"/CN={cn}"]
    if ca:
        args += ["-addext", "basicConstraints=critical,CA:TRUE"]
    tc.run_tool(tc.OPENSSL, *args)
    return key, cert


def not_after(cert):
    """notAfter as seconds since the epoch, as openssl reads it."""
    text = tc.run_tool(tc.OPENSSL, "x509", "-noout", "-enddate", "-in", cert).decode()
    stamp = text.strip().split("=", 1)[1]
    return calendar.timegm(time.strptime(stamp, "%b %d %H:%M:%S %Y %Z"))


def run_check(store, offset_days, *args, env=None):
    """`check` with its clock moved @offset_days (may be fractional)."""
    env = dict(env if env is not None else os.environ)
    env.pop("CERTKEEPER_STORE", None)
    # libfaketime goes before the ASan runtime in the ASan build.
    env["ASAN_OPTIONS"] = (env.get("ASAN_OPTIONS", "") + ":verify_asan_link_order=0").lstrip(":")
    env["FAKETIME_DONT_FAKE_MONOTONIC"] = "1"
    seconds = int(offset_days * DAY)
    argv = [FAKETIME, "-f", f"{seconds:+d}", tc.CLI, "--store", store.dir, "check", *args]
    proc = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, env=env,
                          timeout=tc.TIMEOUT)
    return tc.Result(proc)


def expect(result, code, what):
    if result.code != code:
        raise Failure(f"{what}: expected exit {code}, {result!r}")
    return result


def import_pair(store, key, cert):
    result = store.ok("import", cert, key, "--no-key-passphrase")
    return int(re.search(r"certificate (\d+):", result.stdout).group(1))


def import_cert(store, cert):
    result = store.ok("import", cert)
    return int(re.search(r"certificate (\d+):", result.stdout).group(1))


@test
def faketime_moves_the_clock_of_check():
    """The oracle: faketime really moves what check calls "now"."""
    store = new_store()
    store.ok("list")
    before = time.time()
    report = expect(run_check(store, 400, "--json"), 0, "json at +400 days").json()
    now = calendar.timegm(time.strptime(report["now"], "%Y-%m-%dT%H:%M:%SZ"))
    check(before + 399 * DAY <= now <= time.time() + 401 * DAY, f"now is {report['now']}")


@test
def keyed_certificate_becomes_due_then_expired():
    store = new_store()
    key, cert = self_signed("web", "web.example", 10)
    cert_id = import_pair(store, key, cert)
    end = not_after(cert)

    # Now: 10 days left, nothing due within 5 days, due within 30.
    result = expect(run_check(store, 0, "--within", "5"), 0, "within 5 now")
    check("Nothing expires within 5 days" in result.stdout, result.stdout)
    result = expect(run_check(store, 0), 4, "within the default 30 days")
    check(re.search(rf"^{cert_id}\s+expiring\s+\S+Z\s+(9|10)\s+store:\d+\s+-\s+web\.example$",
                    result.stdout, re.M), result.stdout)

    # Eight days on: two days left, due within 5.
    report = expect(run_check(store, 8, "--within", "5", "--json"), 4, "+8 days").json()
    check_equal(report["within_days"], 5, "within_days")
    check_equal((report["expired"], report["expiring"]), (0, 1), "counts")
    item = report["certificates"][0]
    now = calendar.timegm(time.strptime(report["now"], "%Y-%m-%dT%H:%M:%SZ"))
    check_equal(item["id"], cert_id, "id")
    check_equal(item["state"], "expiring", "state")
    check_equal(item["days_left"], (end - now) // DAY, "days_left")
    check(item["days_left"] in (1, 2), f"days_left {item['days_left']}")
    check_equal(item["not_after"], time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(end)),
                "not_after")

    # Eleven days on: expired, even with --within 0.
    report = expect(run_check(store, 11, "--within", "0", "--json"), 4, "+11 days").json()
    check_equal((report["expired"], report["expiring"]), (1, 0), "counts")
    item = report["certificates"][0]
    check_equal(item["state"], "expired", "state")
    check(item["days_left"] in (0, -1), f"days_left {item['days_left']}")
    human = expect(run_check(store, 11, "--within", "0"), 4, "+11 days, table").stdout
    check(re.search(rf"^{cert_id}\s+expired\s", human, re.M), human)
    check("1 expired, 0 expiring within 0 days" in human, human)


@test
def nagios_ok_warning_critical():
    store = new_store()
    key, cert = self_signed("mail", "mail.example", 10)
    import_pair(store, key, cert)

    result = expect(run_check(store, 0, "--within", "5", "--nagios"), 0, "OK")
    lines = result.stdout.splitlines()
    check_equal(len(lines), 1, "one status line")
    check(lines[0].startswith("CERTKEEPER OK - "), lines[0])
    check(lines[0].endswith("| expired=0;;0;0 expiring=0;0;;0"), lines[0])

    result = expect(run_check(store, 8, "--within", "5", "--nagios"), 1, "WARNING")
    line = result.stdout.strip()
    check(re.match(r"^CERTKEEPER WARNING - 0 expired, 1 expiring within 5 days: mail\.example "
                   r"\(expires \S+Z\) \| expired=0;;0;0 expiring=1;0;;0 days_left=[12];5:;0:$",
                   line), line)

    result = expect(run_check(store, 11, "--within", "5", "--nagios"), 2, "CRITICAL")
    line = result.stdout.strip()
    check(line.startswith("CERTKEEPER CRITICAL - 1 expired, 0 expiring within 5 days: "
                          "mail.example (expired "), line)
    check(re.search(r"\| expired=1;;0;0 expiring=0;0;;0 days_left=(0|-1);5:;0:$", line), line)

    # An error is UNKNOWN (3), still one status line.
    result = expect(run_check(store, 0, "--nagios", "--within", "-1"), 3, "bad --within")
    result = expect(run_check(store, 0, "--nagios", "--bogus"), 3, "unknown option")


@test
def certificate_without_key_only_with_all():
    store = new_store()
    _, ca = self_signed("root", "Example Root", 10, ca=True)
    ca_id = import_cert(store, ca)

    result = expect(run_check(store, 0, "--json"), 0, "default")
    check_equal(result.json()["certificates"], [], "not watched without a key")
    result = expect(run_check(store, 0, "--all", "--json"), 4, "--all")
    items = result.json()["certificates"]
    check_equal([i["id"] for i in items], [ca_id], "listed with --all")
    check_equal(items[0]["key_location"], "none", "key_location")
    check_equal(items[0]["key_id"], None, "key_id")
    check_equal(items[0]["watched"], False, "watched")
    check_equal(items[0]["watch"], "default", "watch")
    result = expect(run_check(store, 0, "--all"), 4, "--all table")
    check(re.search(rf"^{ca_id}\s+expiring\s+\S+\s+\d+\s+-\s+-\s+Example Root$", result.stdout,
                    re.M), result.stdout)

    # Watched on request, even without a key; and silenced again.
    store.ok("check", "--set-watch", "on", str(ca_id))
    items = expect(run_check(store, 0, "--json"), 4, "watch on").json()["certificates"]
    check_equal([(i["id"], i["watch"], i["watched"]) for i in items], [(ca_id, "on", True)],
                "watched")
    store.ok("check", "--set-watch", "off", str(ca_id))
    expect(run_check(store, 0), 0, "watch off")
    store.ok("check", "--set-watch", "default", str(ca_id))
    expect(run_check(store, 0), 0, "watch default")
    expect(run_check(store, 0, "--all"), 4, "--all")


@test
def silenced_keyed_certificate_is_not_due():
    store = new_store()
    key, cert = self_signed("old", "old.example", 3)
    cert_id = import_pair(store, key, cert)
    expect(run_check(store, 0), 4, "due")
    store.ok("check", "--set-watch", "off", str(cert_id))
    expect(run_check(store, 0), 0, "silenced")
    expect(run_check(store, 5, "--nagios"), 0, "silenced, expired")
    item = expect(run_check(store, 5, "--all", "--json"), 4, "--all").json()["certificates"][0]
    check_equal((item["watch"], item["watched"], item["key_location"]), ("off", False, "store"),
                "silenced item")


@test
def pending_request_is_shown():
    store = new_store()
    pw = passphrase_file()
    key_id = int(re.search(r"key (\d+)", store.ok(
        "keygen", "--algorithm", "ecdsa", "--key-passphrase-file", pw).stdout).group(1))
    csr = path("renew-me.csr")
    store.ok("request", "--key", str(key_id), "--password-file", pw, "--profile", "tls-server",
             "--subject", "CN=renew.example", "--san", "DNS:renew.example", "--out", csr)
    # A CA answers with a certificate valid for 20 days.
    ca_key, ca_cert = self_signed("ca", "Check CA", 365, ca=True)
    cert = path("renew-me.pem")
    tc.run_tool(tc.OPENSSL, "x509", "-req", "-in", csr, "-CA", ca_cert, "-CAkey", ca_key,
                "-CAcreateserial", "-days", "20", "-out", cert)
    cert_id = import_cert(store, cert)

    item = expect(run_check(store, 0, "--json"), 4, "due").json()["certificates"][0]
    check_equal((item["id"], item["key_location"], item["key_id"]), (cert_id, "store", key_id),
                "keyed item")
    check_equal(item["request_id"], None, "the first request was issued: none in flight")

    # The renewal: a new key, the same subject, kept as pending.
    store.ok("request", "--new-key", "ecdsa", "--key-passphrase-file", pw,
             "--profile", "tls-server", "--subject", "CN=renew.example",
             "--san", "DNS:renew.example", "--out", path("renewal.csr"))
    pending = [r for r in store.ok("requests", "--json").json() if r["status"] == "pending"]
    check_equal(len(pending), 1, "one pending request")
    item = expect(run_check(store, 0, "--json"), 4, "due").json()["certificates"][0]
    check_equal(item["request_id"], pending[0]["id"], "the renewal in flight")
    human = expect(run_check(store, 0), 4, "table").stdout
    check(re.search(rf"^{cert_id}\s+expiring\s+\S+\s+\d+\s+store:{key_id}\s+{pending[0]['id']}\s+"
                    r"renew\.example$", human, re.M), human)


@test
def renewed_certificate_is_not_due():
    """Once a newer certificate for the same subject outlasts the window,
    the old one is renewed: not due, only listed with --all."""
    store = new_store()
    old_key, old = self_signed("old-site", "site.example", 10)
    old_id = import_pair(store, old_key, old)
    expect(run_check(store, 0), 4, "due before the renewal")
    new_key, new = self_signed("new-site", "site.example", 90)
    new_id = import_pair(store, new_key, new)

    result = expect(run_check(store, 0, "--json"), 0, "renewed")
    check_equal(result.json()["certificates"], [], "nothing due")
    expect(run_check(store, 0, "--nagios"), 0, "renewed, nagios")
    items = expect(run_check(store, 0, "--all", "--json"), 4, "--all").json()["certificates"]
    check_equal([(i["id"], i["renewed_by"], i["watched"]) for i in items],
                [(old_id, new_id, False)], "old one, renewed")
    human = expect(run_check(store, 0, "--all"), 4, "--all table").stdout
    check(f"site.example (renewed by certificate {new_id})" in human, human)

    # A renewal that is due itself does not count.
    items = expect(run_check(store, 0, "--within", "100", "--json"), 4,
                   "both within 100 days").json()["certificates"]
    check_equal([(i["id"], i["renewed_by"]) for i in items], [(old_id, None), (new_id, None)],
                "both due, soonest first")


def openssl_req_text(csr):
    return tc.run_tool(tc.OPENSSL, "req", "-noout", "-text", "-in", csr).decode()


def public_key(args):
    return tc.run_tool(tc.OPENSSL, *args, "-noout", "-pubkey").decode()


@test
def renew_asks_for_the_same_again():
    store = new_store()
    key, cert = path("renew-rsa.key"), path("renew-rsa.pem")
    tc.run_tool(tc.OPENSSL, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                "-out", cert, "-days", "10", "-subj", "/CN=r.example/O=Acme/C=US",
                "-addext", "subjectAltName=DNS:r.example,DNS:www.r.example,IP:192.0.2.9",
                "-addext", "keyUsage=critical,digitalSignature,keyEncipherment",
                "-addext", "extendedKeyUsage=serverAuth,clientAuth")
    cert_id = import_pair(store, key, cert)

    # A new key of the same kind: RSA 2048, stored; the request is pending.
    csr = path("renew-new.csr")
    result = store.ok("renew", str(cert_id), "--out", csr, "--no-key-passphrase")
    check("stored as pending" in result.stderr, result.stderr)
    text = openssl_req_text(csr)
    tc.run_tool(tc.OPENSSL, "req", "-verify", "-noout", "-in", csr)
    check(re.search(r"Subject: CN ?= ?r\.example, O ?= ?Acme, C ?= ?US", text), text)
    check("DNS:r.example, DNS:www.r.example, IP Address:192.0.2.9" in text, text)
    check(re.search(r"X509v3 Key Usage: critical\s+Digital Signature, Key Encipherment", text), text)
    check(re.search(r"TLS Web Server Authentication, TLS Web Client Authentication", text), text)
    check("Public-Key: (2048 bit)" in text, text)
    check("Authority Key Identifier" not in text and "Subject Key Identifier" not in text, text)
    check(public_key(["req", "-in", csr]) != public_key(["x509", "-in", cert]), "a new key")
    pending = [r for r in store.ok("requests", "--json").json() if r["status"] == "pending"]
    check_equal(len(pending), 1, "one pending request")
    item = expect(run_check(store, 0, "--json"), 4, "due").json()["certificates"][0]
    check_equal(item["request_id"], pending[0]["id"], "check shows the renewal in flight")

    # The same key.
    reuse = path("renew-reuse.csr")
    store.ok("renew", str(cert_id), "--reuse-key", "--out", reuse)
    check_equal(public_key(["req", "-in", reuse]), public_key(["x509", "-in", cert]), "same key")
    check("DNS:www.r.example" in openssl_req_text(reuse), "SANs again")

    store.fails(2, "renew")
    store.fails(2, "renew", str(cert_id), "--reuse-key", "--no-key-passphrase")
    store.fails(1, "renew", "4242")
    key_id = item["key_id"]
    result = store.fails(1, "renew", str(key_id))
    check("not a certificate" in result.stderr, result.stderr)


@test
def renewal_linked_to_its_certificate():
    """The certificate that comes back for `renew` renews the old one even
    when it is due itself, which the same-subject rule does not count."""
    store = new_store()
    ca_key, ca_cert = self_signed("link-ca", "Link CA", 365, ca=True)
    key, cert = path("link.key"), path("link.pem")
    tc.run_tool(tc.OPENSSL, "req", "-x509", "-newkey", "ec", "-pkeyopt",
                "ec_paramgen_curve:P-256", "-nodes", "-keyout", key, "-out", cert,
                "-days", "10", "-subj", "/CN=link.example",
                "-addext", "subjectAltName=DNS:link.example")
    old_id = import_pair(store, key, cert)
    csr = path("link-renewal.csr")
    store.ok("renew", str(old_id), "--out", csr, "--no-key-passphrase")
    # The CA answers with a certificate that is itself due within 30 days.
    new_cert = path("link-new.pem")
    tc.run_tool(tc.OPENSSL, "x509", "-req", "-in", csr, "-CA", ca_cert, "-CAkey", ca_key,
                "-days", "20", "-copy_extensions", "copy", "-out", new_cert)
    new_id = import_cert(store, new_cert)
    requests = store.ok("requests", "--json").json()
    check_equal([r["status"] for r in requests], ["issued"], "the renewal came back")
    report = expect(run_check(store, 0, "--json", "--all"), 4, "the new one is due").json()
    items = {i["id"]: i for i in report["certificates"]}
    check_equal((items[old_id]["renewed_by"], items[old_id]["watched"]), (new_id, False),
                "the old one is renewed and no longer watched")
    check_equal((items[new_id]["renewed_by"], items[new_id]["watched"]), (None, True),
                "the new one is watched")
    watched = expect(run_check(store, 0, "--json"), 4, "watched only").json()
    check_equal([i["id"] for i in watched["certificates"]], [new_id], "only the new one is due")


@test
def notify_sends_a_desktop_notification():
    """check --notify tells org.freedesktop.Notifications (a fake server on
    the test's own bus) what is due, with faketime moving the clock: the
    watched certificates only, none when nothing is due."""
    fake = fake_notifications()
    store = new_store()
    key, cert = self_signed("notify", "notify.example", 10)
    cert_id = import_pair(store, key, cert)
    off_key, off_cert = self_signed("notify-off", "quiet.example", 10)
    off_id = import_pair(store, off_key, off_cert)
    store.ok("check", "--set-watch", "off", str(off_id))
    _, ca = self_signed("notify-ca", "Someone Else's CA", 10, ca=True)
    import_cert(store, ca)

    with fake.PrivateBus(timeout_s=tc.TIMEOUT) as bus:
        # Nothing due within 5 days: no notification.
        expect(run_check(store, 0, "--notify", "--within", "5", env=bus.env), 0, "nothing due")
        check_equal(bus.notifications(), [], "no notification when nothing is due")

        # 5 days and an hour on: 4 days and 23 hours left, whatever the
        # seconds between making the certificate and checking it (at 5 days
        # exactly a fast run saw exactly 5 days left: "in 5 days").
        expect(run_check(store, 5 + 1 / 24, "--notify", env=bus.env), 4, "due in 4 days")
        sent = bus.notifications()
        check_equal(len(sent), 1, f"one notification: {sent}")
        note = sent[0]
        check_equal(note["summary"], "1 certificate needs renewal", "summary")
        check_equal(note["body"], "notify.example: in 4 days", "body: the watched one only")
        check_equal(note["hints"].get("desktop-entry"), APP_ID, "desktop-entry hint")
        check_equal(note["hints"].get("urgency"), 1, "normal urgency")
        check_equal(note["app_icon"], APP_ID, "icon")

        # Expired: critical. --json still writes its report.
        result = expect(run_check(store, 11 + 1 / 24, "--notify", "--json", env=bus.env), 4,
                        "expired")
        check_equal([i["id"] for i in result.json()["certificates"]], [cert_id], "json")
        note = bus.notifications()[-1]
        check_equal(note["body"], "notify.example: expired 1 day ago", "expired body")
        check_equal(note["hints"].get("urgency"), 2, "critical urgency")

    # No notification server, no bus: an error, and UNKNOWN for Nagios.
    nobus = dict(os.environ, DBUS_SESSION_BUS_ADDRESS=f"unix:path={path('no-such-bus')}")
    result = expect(run_check(store, 5, "--notify", env=nobus), 1, "no bus")
    check("Cannot send the desktop notification" in result.stderr, result.stderr)
    result = expect(run_check(store, 5, "--notify", "--nagios", env=nobus), 3, "no bus, nagios")
    check(result.stdout.startswith("CERTKEEPER UNKNOWN - "), result.stdout)
    expect(run_check(store, 0, "--notify", "--set-watch", "on", str(cert_id)), 2,
           "--notify with --set-watch")


@test
def usage_and_errors():
    store = new_store()
    store.ok("list")
    expect(run_check(store, 0, "--within", "-1"), 2, "negative window")
    expect(run_check(store, 0, "--json", "--within", "x"), 2, "not a number")
    # With --nagios every usage error is UNKNOWN.
    expect(run_check(store, 0, "--json", "--nagios"), 3, "json and nagios")
    expect(run_check(store, 0, "extra"), 2, "extra argument")
    expect(run_check(store, 0, "--set-watch", "maybe", "1"), 2, "bad watch")
    result = expect(run_check(store, 0, "--set-watch", "off", "4242"), 1, "no such certificate")
    check("4242" in result.stderr, result.stderr)
    help_text = store.ok("check", "--help").stdout
    check("4 when a certificate has" in help_text, help_text)
    check("--nagios" in help_text and "--within" in help_text and "--all" in help_text, help_text)
    # A store that cannot be opened: exit 1 (UNKNOWN with --nagios).
    bad = path("not-a-store")
    write("not-a-store", "a file, not a directory\n")
    proc = subprocess.run([tc.CLI, "--store", bad, "check"], capture_output=True,
                          stdin=subprocess.DEVNULL, timeout=tc.TIMEOUT)
    check_equal(proc.returncode, 1, f"bad store: {proc.stderr!r}")
    proc = subprocess.run([tc.CLI, "--store", bad, "check", "--nagios"], capture_output=True,
                          stdin=subprocess.DEVNULL, timeout=tc.TIMEOUT)
    check_equal(proc.returncode, 3, f"bad store, nagios: {proc.stdout!r}")
    check(proc.stdout.decode().startswith("CERTKEEPER UNKNOWN - "), proc.stdout)


def main():
    def prepare(workdir):
        global WORKDIR
        WORKDIR = workdir
    return tc.tap_main("test-cli-check.py", TESTS,
                       {"certtool": tc.CERTTOOL, "openssl": tc.OPENSSL, "faketime": FAKETIME},
                       prepare)


if __name__ == "__main__":
    sys.exit(main())
