#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end test of running a small CA in the window, through AT-SPI:

1. certkeeper-cli ($CK_CLI) makes a root CA in the store (selfsign
   --profile root-ca) and a pending request; openssl makes a CSR for a key
   of its own that asks for CA:TRUE.
2. certkeeper starts with the CSR as its argument; it is imported.
3. The root is trusted for TLS server in Trust Settings.
4. The imported request is signed in the Sign Request dialog: the dialog
   offers the root, shows that the certificate will not be a CA, and the
   new certificate is shown, trusted through the root.
5. The pending request is signed: the Requests page shows it issued.
6. The first leaf is revoked (Revoke…, reason Key compromise), the CRL is
   exported as PEM (Export CRL…); openssl checks the CRL's signature and
   that `verify -crl_check` rejects the revoked leaf and accepts the other.

Needs an X server (xvfb-run) and a D-Bus session bus (dbus-run-session).
Prints TAP.
"""

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ckatspi import *  # noqa: E402,F401,F403
import ckatspi  # noqa: E402

N_CHECKS = 10
ROOT = "E2E Lab Root CA"
IMPORTED = "imported.e2e.test"
PENDING = "pending.e2e.test"


def run(*args, check=True):
    return subprocess.run(list(args), check=check, capture_output=True, text=True)


def cli(tmp, *args):
    return run(os.environ["CK_CLI"], "--store", os.path.join(tmp, "store"), *args).stdout


def make_store(tmp):
    cli(tmp, "selfsign", "--new-key", "ecdsa", "--no-key-passphrase", "--label", "Root key",
        "--profile", "root-ca", "--cn", ROOT, "--o", "Certkeeper E2E",
        "--out", os.path.join(tmp, "root.pem"))
    cli(tmp, "request", "--new-key", "ecdsa", "--no-key-passphrase", "--label", "Pending key",
        "--profile", "tls-server", "--cn", PENDING, "--san", "DNS:" + PENDING,
        "--out", os.path.join(tmp, "pending.csr"))
    # A request from elsewhere that asks for more than a leaf should get.
    openssl("req", "-new", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
            "-keyout", os.path.join(tmp, "imported.key"), "-subj", "/CN=" + IMPORTED,
            "-addext", "subjectAltName=DNS:" + IMPORTED,
            "-addext", "basicConstraints=critical,CA:TRUE",
            "-addext", "extendedKeyUsage=serverAuth",
            "-out", os.path.join(tmp, "imported.csr"))


def trust_of(rows, name):
    i = row_with(rows, name)
    if i is None:
        return None
    for label in ("Trusted by you", "Trusted by the system", "Not trusted", "Distrusted",
                  "Issuer unknown", "Expired", "Not for this purpose", "Revoked"):
        if label in labels_in(rows.getChildAtIndex(i)):
            return label
    return None


def show_page(main_window, name):
    tab = wait_for("the %s page tab" % name, lambda: find(main_window, "page tab", name))
    do_action(tab if clickable(tab) else
              find(tab, predicate=lambda n: n is not tab and clickable(n)))


def requests_list(main_window, text):
    """The Requests page's rows, once one of them shows @text."""
    def found():
        table = find(main_window, "tree table", "Certificate signing requests")
        return find(table, "list", "GtkColumnListView",
                    predicate=lambda n: row_with(n, text) is not None)
    return wait_for("the requests with %s" % text, found)


def dialog_with_label(app, pattern):
    """A window other than the main one with a label matching @pattern."""
    for w in app:
        if w is None or w.name == "Certkeeper":
            continue
        if find(w, "label", name_re=pattern) is not None:
            return w
    return None


def menu_item(app, name):
    return wait_for("the %s menu item" % name,
                    lambda: find(app, name_re=r"^_?%s" % re.escape(name),
                                 predicate=lambda n: clickable(n) and sensitive(n)))


def ca_menu(app, main_window, item):
    menu = wait_for("the Certificate Authority menu button",
                    lambda: find(main_window, name="Certificate Authority",
                                 predicate=lambda n: clickable(n) and sensitive(n)))
    do_action(menu)
    do_action(menu_item(app, item))


def sign_selected_request(app, main_window, check_leaf):
    """Sign Request… in the request's details, then Sign; returns what the
    dialog said the certificate's basic constraints would be."""
    do_action(button(main_window, "Sign Request…"), "click")
    dialog = wait_for("the Sign Request dialog", lambda: window(app, "Sign Request"))
    wait_for("the root as the issuer",
             lambda: any(ROOT in l for l in labels_in(dialog)))
    said = None
    if check_leaf:
        said = wait_for("the issued basic constraints",
                        lambda: "Not a certificate authority\n(critical)" in labels_in(dialog)
                        and "Not a certificate authority")
    windows_before = n_windows(app)
    do_action(button(dialog, "Sign"), "click")
    wait_for("the Sign Request dialog to close", lambda: n_windows(app) < windows_before)
    return said


def certificate_pem(tmp, cn, path):
    listed = json.loads(cli(tmp, "list", "--certificates", "--json"))
    for cert in listed:
        if cn in (cert.get("subject") or ""):
            cli(tmp, "export", str(cert["id"]), "--out", path)
            return path
    bail("no certificate for %s in the store" % cn)


def main():
    for var in ("CK_CLI", "CK_OPENSSL"):
        if not os.environ.get(var) or not os.path.exists(os.environ[var]):
            skip_all("%s is not set" % var)

    print("1..%d" % N_CHECKS, flush=True)
    tmp = tempfile.mkdtemp(prefix="ck-e2e-ca-")
    make_store(tmp)
    proc = start_app(tmp, os.path.join(tmp, "imported.csr"))
    try:
        app = wait_for("the application on the accessibility bus", app_node)
        dialog = wait_for("the import dialog", lambda: window(app, "Import"))
        wait_for("the request in the preview", lambda: find(dialog, "label", IMPORTED))
        import_button = wait_for("the Import button",
                                 lambda: find(dialog, "push button", name_re=r"Import$",
                                              predicate=sensitive))
        windows_before = n_windows(app)
        do_action(import_button, "click")
        wait_for("the import dialog to close", lambda: n_windows(app) == windows_before - 1)
        main_window = wait_for("the main window", lambda: window(app, "Certkeeper"))

        # Trust the root for TLS server.
        show_page(main_window, "Certificates")
        rows = wait_for("the certificate list",
                        lambda: find(main_window, "list", "GtkColumnListView",
                                     predicate=lambda n: row_with(n, ROOT) is not None))
        rows.querySelection().selectChild(row_with(rows, ROOT))
        trust_button = wait_for("the Trust Settings button",
                                lambda: find(main_window, "push button", name_re=r"^Trust Settings",
                                             predicate=lambda n: sensitive(n) and clickable(n)))
        do_action(trust_button, "click")
        settings = wait_for("the Trust Settings dialog", lambda: window(app, "Trust Settings"))
        do_action(wait_for("the TLS server row's Trust toggle",
                           lambda: find(settings, name="TLS server: Trust", predicate=clickable)),
                  "click")
        wait_for("the root to become trusted", lambda: trust_of(rows, ROOT) == "Trusted by you")
        windows_before = n_windows(app)
        do_action(wait_for("the Close button", lambda: find(settings, "push button", "Close",
                                                            predicate=clickable)), "click")
        wait_for("Trust Settings to close", lambda: n_windows(app) < windows_before)
        tap(True, "the root made with certkeeper-cli is trusted for TLS server in the window")

        # Sign the imported request.
        show_page(main_window, "Requests")
        requests = requests_list(main_window, IMPORTED)
        wait_for("both requests", lambda: requests.childCount == 2)
        requests.querySelection().selectChild(row_with(requests, IMPORTED))
        said = sign_selected_request(app, main_window, check_leaf=True)
        tap(said == "Not a certificate authority",
            "the dialog shows the requested CA:TRUE is not kept")
        toast = wait_for("the toast", lambda: find_toast(main_window, "label",
                                                         name_re=r"^Certificate for “%s” issued"
                                                         % re.escape(IMPORTED)))
        tap(toast is not None, "a toast says the certificate was issued")

        # The new certificate is shown, trusted through the root.
        rows = wait_for("the certificate list with the leaf",
                        lambda: find(main_window, "list", "GtkColumnListView",
                                     predicate=lambda n: row_with(n, IMPORTED) is not None))
        shown = wait_for("the leaf's trust", lambda: trust_of(rows, IMPORTED) == "Trusted by you"
                         and "Trusted by you")
        tap(shown == "Trusted by you", "the signed leaf is trusted through the root")
        tap(wait_for("the leaf's details", lambda: find(main_window, "label",
                                                        name_re=r"^Not revoked by “%s”"
                                                        % re.escape(ROOT))) is not None,
            "its details say its CA has not revoked it")

        # Sign the pending request: it shows as issued.
        show_page(main_window, "Requests")
        requests = requests_list(main_window, PENDING)
        requests.querySelection().selectChild(row_with(requests, PENDING))
        sign_selected_request(app, main_window, check_leaf=False)
        wait_for("the toast", lambda: find_toast(main_window, "label",
                                                 name_re=r"^Certificate for “%s” issued"
                                                 % re.escape(PENDING)))
        show_page(main_window, "Requests")
        issued = requests_list(main_window, "Issued · " + PENDING) is not None
        tap(issued, "the pending request made with certkeeper-cli is now issued")

        # Revoke the first leaf.
        show_page(main_window, "Certificates")
        rows = wait_for("the certificate list",
                        lambda: find(main_window, "list", "GtkColumnListView",
                                     predicate=lambda n: row_with(n, IMPORTED) is not None))
        rows.querySelection().selectChild(row_with(rows, IMPORTED))
        wait_for("the leaf's details", lambda: find(main_window, "label",
                                                    name_re=r"^Not revoked by"))
        ca_menu(app, main_window, "Revoke…")
        revoke = wait_for("the Revoke dialog",
                          lambda: dialog_with_label(app, r"^Revoke “%s”\?" % re.escape(IMPORTED)))
        tap(find(revoke, "label", name_re=r"cannot be undone") is not None,
            "the Revoke dialog says a revocation cannot be undone")
        windows_before = n_windows(app)
        do_action(wait_for("the Revoke button", lambda: find(revoke, "push button",
                                                            name_re=r"Revoke$",
                                                            predicate=clickable)), "click")
        wait_for("the Revoke dialog to close", lambda: n_windows(app) < windows_before)
        revoked = wait_for("the revocation in the details",
                           lambda: find(main_window, "label", name_re=r"^Revoked on .* by “%s”"
                                        % re.escape(ROOT)))
        tap(revoked is not None, "the details say the certificate is revoked")

        # Export the root's CRL.
        rows.querySelection().selectChild(row_with(rows, ROOT))
        wait_for("the root's details", lambda: find(main_window, "label", "Certificate authority"))
        ca_menu(app, main_window, "Export CRL…")
        crl_dialog = wait_for("the Export CRL dialog",
                              lambda: dialog_with_label(app, r"certificate revocation list"))
        # The file chooser takes the dialog's place.
        do_action(wait_for("the Export button", lambda: find(crl_dialog, "push button",
                                                            name_re=r"Export…$",
                                                            predicate=clickable)), "click")
        crl = os.path.join(tmp, "root.crl.pem")
        save_in_chooser(app, "Export CRL", crl)
        wait_for("the CRL file", lambda: os.path.exists(crl) and os.path.getsize(crl) > 0)
        wait_for("the toast", lambda: find_toast(main_window, "label",
                                                 name_re=r"^CRL number 1 of"))

        root = os.path.join(tmp, "root.pem")
        checked = run(os.environ["CK_OPENSSL"], "crl", "-in", crl, "-CAfile", root, "-verify",
                      "-noout", check=False)
        tap(checked.returncode == 0 and "verify OK" in checked.stderr + checked.stdout,
            "openssl crl -verify accepts the CRL's signature (%s)" % checked.stderr.strip())
        leaf = certificate_pem(tmp, IMPORTED, os.path.join(tmp, "imported.pem"))
        other = certificate_pem(tmp, PENDING, os.path.join(tmp, "pending.pem"))
        rejected = run(os.environ["CK_OPENSSL"], "verify", "-crl_check", "-CAfile", root,
                       "-CRLfile", crl, leaf, check=False)
        accepted = run(os.environ["CK_OPENSSL"], "verify", "-crl_check", "-CAfile", root,
                       "-CRLfile", crl, other, check=False)
        tap(rejected.returncode != 0 and "certificate revoked" in rejected.stdout + rejected.stderr
            and accepted.returncode == 0,
            "openssl verify -crl_check rejects the revoked leaf and accepts the other (%s)"
            % (rejected.stdout + rejected.stderr).strip().replace("\n", " / "))
    finally:
        stop_app(proc)
        shutil.rmtree(tmp, ignore_errors=True)

    if ckatspi.checks_run() != N_CHECKS:
        bail("ran %d of %d checks" % (ckatspi.checks_run(), N_CHECKS))


if __name__ == "__main__":
    main()
