#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end test of the expiry watch and renewal, through AT-SPI as a
screen reader user would drive it:

1. openssl makes a CA and a certificate with two DNS names that expires
   in 10 days; certkeeper-cli ($CK_CLI) imports it with its key, and the
   CA (no key: not watched).
2. Started with GNOTIFICATION_BACKEND=freedesktop, certkeeper notifies at
   start through GApplication: a fake org.freedesktop.Notifications on
   the test's session bus receives "1 certificate needs renewal" naming
   only the keyed certificate.
3. Clicking the notification (the fake server emits ActionInvoked) runs
   app.show-certificate: the window shows that certificate.
4. Renew… in its details pane: the dialog shows the subject; Renew makes
   a pending request whose subject and SANs are the old certificate's,
   for a new key.
5. The CA signs the request (openssl); its certificate is opened with
   `certkeeper FILE`, which hands it to the running app (unique on the
   session bus, on the store named by $CERTKEEPER_STORE) like a file
   manager would; the import dialog imports it and the window shows
   "Renewed by" on the old certificate.

Needs an X server (xvfb-run) and a D-Bus session bus (dbus-run-session).
Prints TAP.
"""

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from ckatspi import *  # noqa: E402,F401,F403
import ckatspi  # noqa: E402

_spec = importlib.util.spec_from_file_location(
    "ck_fake_notifications", os.path.join(HERE, "..", "ck_fake_notifications.py"))
fake = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(fake)

N_CHECKS = 7
CN = "renew.e2e.certkeeper.test"
SANS = ["DNS:" + CN, "DNS:www." + CN]


def run(*args):
    return subprocess.run(list(args), check=True, capture_output=True, text=True).stdout


def cli(tmp, *args):
    return run(os.environ["CK_CLI"], "--store", os.path.join(tmp, "store"), *args)


def make_store(tmp):
    def p(name):
        return os.path.join(tmp, name)
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", p("ca.key"), "-out", p("ca.pem"), "-days", "365",
            "-subj", "/CN=E2E Renewal CA/O=Certkeeper Tests",
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "keyUsage=critical,keyCertSign,cRLSign")
    openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", p("leaf.key"), "-out", p("leaf.csr"),
            "-subj", "/CN=%s/O=Acme/C=US" % CN)
    with open(p("leaf.ext"), "w") as f:
        f.write("subjectAltName=%s\nkeyUsage=critical,digitalSignature\n"
                "extendedKeyUsage=serverAuth\n" % ",".join(SANS))
    openssl("x509", "-req", "-in", p("leaf.csr"), "-CA", p("ca.pem"), "-CAkey", p("ca.key"),
            "-days", "10", "-extfile", p("leaf.ext"), "-out", p("leaf.pem"))
    cli(tmp, "import", p("leaf.pem"), p("leaf.key"), "--no-key-passphrase")
    cli(tmp, "import", p("ca.pem"))
    leaf = [c for c in json.loads(cli(tmp, "list", "--certificates", "--json"))
            if c["display_name"] == CN]
    return leaf[0]["id"]


def req_text(path):
    return openssl("req", "-in", path, "-noout", "-text").stdout.decode()


def pubkey(*args):
    return openssl(*args, "-noout", "-pubkey").stdout


def labels_in(node):
    found = []
    for n in walk(node):
        try:
            if n.getRoleName() == "label":
                found.append(n.name or text_of(n))
        except Exception:
            continue
    return found


def launch(tmp, *args):
    """certkeeper on tmp/store as the default store ($CERTKEEPER_STORE):
    without --store the app is unique, so a second `certkeeper FILE`
    opens FILE in the running one."""
    home = os.path.join(tmp, "home")
    os.makedirs(home, exist_ok=True)
    env = ckatspi.app_env(home)
    env.update({"CERTKEEPER_STORE": os.path.join(tmp, "store"),
                "GNOTIFICATION_BACKEND": "freedesktop"})
    return subprocess.Popen([os.environ["CK_CERTKEEPER"], "--window-size", "1260x900",
                             *args], env=env)


def main():
    for var in ("CK_CLI",):
        if not os.environ.get(var) or not os.path.exists(os.environ[var]):
            skip_all("%s is not set" % var)
    if shutil.which(os.environ.get("CK_OPENSSL", "openssl")) is None:
        skip_all("openssl is needed")

    print("1..%d" % N_CHECKS, flush=True)
    tmp = tempfile.mkdtemp(prefix="ck-e2e-renew-")
    old_id = make_store(tmp)
    proc = None
    with fake.PrivateBus(timeout_s=int(TIMEOUT), own_daemon=False) as bus:
        try:
            if not os.environ.get("CK_CERTKEEPER"):
                bail("CK_CERTKEEPER does not name the certkeeper binary")
            proc = launch(tmp)
            app = wait_for("the application on the accessibility bus", app_node)
            main_window = wait_for("the main window", lambda: window(app, "Certkeeper"))

            sent = bus.wait_for_notifications(1)
            note = sent[0]
            tap(note["summary"] == "1 certificate needs renewal"
                and re.fullmatch(re.escape(CN) + r": in (9|10) days", note["body"]) is not None,
                "at start the app notifies about the watched certificate only (%r, %r)"
                % (note["summary"], note["body"]))
            tap("default" in note["actions"], "the notification can be clicked")

            # Before the click the list shows the CA (first by name) or
            # nothing: not the keyed certificate.
            watched_label = "Watched because its private key is kept here"
            shown_before = find(main_window, "label", watched_label) is not None
            bus.invoke(note["id"], "default")

            def details_of_leaf():
                return (find(main_window, "label", CN) is not None and
                        find(main_window, "label", watched_label) is not None)
            tap(not shown_before and
                wait_for("the certificate the notification names", details_of_leaf),
                "clicking the notification shows the certificate and its Renewal group")

            do_action(button(main_window, "Renew…"), "click")
            dialog = wait_for("the Renew dialog", lambda: window(app, "Renew Certificate"))
            subject = wait_for("the subject in the dialog",
                               lambda: find(dialog, "label", name_re=re.escape(CN)))
            tap(subject is not None, "the dialog shows what the renewal asks for")

            # A new key in the store, protected by a passphrase typed twice.
            for title in ("Passphrase", "Confirm passphrase"):
                entry = wait_for("the %s entry" % title,
                                 lambda: find(dialog, predicate=lambda n: n.name == title and
                                              n.getRoleName() in ("password text", "text", "entry")))
                set_text(entry, "renewal passphrase 1")
            do_action(button(dialog, "Renew"), "click")

            def pending():
                rows = json.loads(cli(tmp, "requests", "--json"))
                return [r for r in rows if r["status"] == "pending"]
            requests = wait_for("the pending renewal request", pending)
            csr = os.path.join(tmp, "renewal.csr")
            cli(tmp, "export", str(requests[0]["id"]), "--out", csr)
            text = req_text(csr)
            tap(re.search(r"Subject: CN ?= ?%s, O ?= ?Acme, C ?= ?US" % re.escape(CN), text)
                and "DNS:%s, DNS:www.%s" % (CN, CN) in text
                and pubkey("req", "-in", csr) != pubkey("x509", "-in", os.path.join(tmp, "leaf.pem")),
                "the request asks for the old subject and SANs, for a new key")

            # The CA answers; its certificate is opened in the running app.
            new_cert = os.path.join(tmp, "renewed.pem")
            openssl("x509", "-req", "-in", csr, "-CA", os.path.join(tmp, "ca.pem"),
                    "-CAkey", os.path.join(tmp, "ca.key"), "-days", "90",
                    "-copy_extensions", "copy", "-out", new_cert)
            opener = launch(tmp, new_cert)
            if opener.wait(timeout=TIMEOUT) != 0:
                bail("certkeeper FILE did not hand the file over (exit %d)" % opener.returncode)
            dialog = wait_for("the import dialog", lambda: window(app, "Import"))
            import_button = wait_for("the Import button",
                                     lambda: find(dialog, "push button", name_re=r"Import$",
                                                  predicate=sensitive))
            windows_before = n_windows(app)
            do_action(import_button, "click")
            wait_for("the import dialog to close", lambda: n_windows(app) == windows_before - 1)
            statuses = [r["status"] for r in json.loads(cli(tmp, "requests", "--json"))]
            tap(statuses == ["issued"], "the renewal is issued by the import (%s)" % statuses)

            renewed = wait_for("“Renewed by” on the old certificate",
                               lambda: find(main_window, "label",
                                            predicate=lambda n: text_of(n).startswith(
                                                CN + ", valid until ")))
            tap(renewed is not None and "Renewed by" in (renewed.name or "") and
                find(main_window, "label", "Renewed: no longer warned about") is not None,
                "the old certificate shows “Renewed by” and is no longer warned about")
        finally:
            if proc is not None:
                stop_app(proc)
            shutil.rmtree(tmp, ignore_errors=True)

    if ckatspi.checks_run() != N_CHECKS:
        bail("ran %d of %d checks" % (ckatspi.checks_run(), N_CHECKS))



if __name__ == "__main__":
    main()
