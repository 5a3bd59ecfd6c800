#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end test of the Requests page, through AT-SPI as a screen reader
user would drive it:

1. With certkeeper-cli ($CK_CLI), makes two keys and a request for each;
   a CA made with certtool ($CK_CERTTOOL) issues the first one without
   one of its DNS names, and the certificate is imported.
2. Starts certkeeper, opens the Requests page: one row pending, one
   issued with the certificate's name.
3. Selecting the issued row shows its details, which say which name the
   CA dropped.
4. Every button shown has an accessible name.
5. Delete asks first; Undo in the toast brings the row back.

Needs an X server (xvfb-run) and a D-Bus session bus (dbus-run-session).
Prints TAP.
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ckatspi import *  # noqa: E402,F401,F403
import ckatspi  # noqa: E402

N_CHECKS = 7
CN = "e2e-requests.certkeeper.test"
OTHER = "other.certkeeper.test"


def run(*args):
    return subprocess.run(list(args), check=True, capture_output=True, text=True).stdout


def make_store(tmp):
    cli = os.environ["CK_CLI"]
    certtool = os.environ["CK_CERTTOOL"]
    store = os.path.join(tmp, "store")
    csr = os.path.join(tmp, "a.csr")

    run(cli, "--store", store, "request", "--new-key", "ecdsa", "--no-key-passphrase",
        "--label", "E2E web key", "--profile", "tls-server", "--cn", CN, "--o", "Acme",
        "--c", "US", "--san", "DNS:" + CN, "--san", "DNS:alt." + CN, "--out", csr)
    run(cli, "--store", store, "request", "--new-key", "ecdsa", "--no-key-passphrase",
        "--label", "E2E other key", "--profile", "tls-client", "--cn", OTHER,
        "--o", "Acme", "--c", "US", "--out", os.path.join(tmp, "b.csr"))

    # The CA keeps the first name only.
    ca_key, ca_cert = os.path.join(tmp, "ca.key"), os.path.join(tmp, "ca.pem")
    ca_tmpl, leaf_tmpl = os.path.join(tmp, "ca.tmpl"), os.path.join(tmp, "leaf.tmpl")
    leaf = os.path.join(tmp, "leaf.pem")
    with open(ca_tmpl, "w") as f:
        f.write('cn = "E2E Requests CA"\nca\ncert_signing_key\nexpiration_days = 30\n')
    with open(leaf_tmpl, "w") as f:
        f.write("cn = %s\norganization = Acme\ncountry = US\ndns_name = %s\n"
                "tls_www_server\nsigning_key\nexpiration_days = 30\n" % (CN, CN))
    run(certtool, "--generate-privkey", "--key-type", "ecdsa", "--outfile", ca_key)
    run(certtool, "--generate-self-signed", "--load-privkey", ca_key, "--template", ca_tmpl,
        "--outfile", ca_cert)
    run(certtool, "--generate-certificate", "--load-request", csr, "--load-ca-certificate",
        ca_cert, "--load-ca-privkey", ca_key, "--template", leaf_tmpl, "--outfile", leaf)
    run(cli, "--store", store, "import", leaf)


def main():
    for var in ("CK_CLI", "CK_CERTTOOL"):
        if not os.environ.get(var) or not os.path.exists(os.environ[var]):
            skip_all("%s is not set" % var)

    print("1..%d" % N_CHECKS, flush=True)
    tmp = tempfile.mkdtemp(prefix="ck-e2e-requests-")
    make_store(tmp)
    proc = start_app(tmp)
    try:
        app = wait_for("the application on the accessibility bus", app_node)
        main_window = wait_for("the main window", lambda: window(app, "Certkeeper"))

        # Either view switcher (header or bottom bar): they share the stack.
        tab = wait_for("the Requests page tab",
                       lambda: find(main_window, "page tab", "Requests"))
        do_action(tab if clickable(tab) else
                  find(tab, predicate=lambda n: n is not tab and clickable(n)))

        # GTK 4.8 sets no SHOWING state: find the list by its table's name.
        def requests_list():
            table = find(main_window, "tree table", "Certificate signing requests")
            return find(table, "list", "GtkColumnListView",
                        predicate=lambda n: row_with(n, CN) is not None)
        rows = wait_for("the requests on the Requests page", requests_list)
        wait_for("both requests", lambda: rows.childCount == 2)
        issued = row_with(rows, CN)
        pending = row_with(rows, OTHER)
        tap(pending is not None and "Pending" in labels_in(rows.getChildAtIndex(pending)),
            "the other request is pending")
        tap("Issued · " + CN in labels_in(rows.getChildAtIndex(issued))
            and "E2E web key" in labels_in(rows.getChildAtIndex(issued)),
            "the first is issued, names its certificate and shows its key")

        rows.querySelection().selectChild(issued)
        dropped = "SAN DNS:alt.%s dropped" % CN
        wait_for("the request's details",
                 lambda: find(main_window, "label", predicate=lambda n:
                              dropped in (n.name or "", text_of(n))))
        shown = labels_in(main_window)
        tap("Certificate Signing Request" in shown and "Common Name" in shown,
            "selecting the row shows the request's details")
        tap(dropped in shown, "the details say which name the CA dropped")

        # The controls of this page and of the request's details.
        details = find(main_window, "push button", name_re=r"Copy PEM$")
        while details is not None and details.getRoleName() != "scroll pane":
            details = details.parent
        unnamed = []
        for root in (find(main_window, "tree table", "Certificate signing requests"), details):
            for n in walk(root):
                try:
                    if n.getRoleName() in ("push button", "toggle button", "check box"):
                        if not n.name or n.name.startswith("Gtk"):
                            unnamed.append(n.getRoleName())
                except Exception:
                    continue
        tap(details is not None and not unnamed,
            "every control of the page and the details has an accessible name (%d without)"
            % len(unnamed))

        delete_button = wait_for("the Delete button",
                                 lambda: find(main_window, "push button", "Delete",
                                              predicate=lambda n: sensitive(n) and clickable(n)))
        do_action(delete_button, "click")

        def confirmation():
            for w in app:
                if w is None or is_main_window(w):
                    continue
                if find(w, "label", name_re=r"^Delete Request") is not None:
                    return find(w, "push button", name_re=r"Delete$", predicate=clickable)
            return None
        confirm = wait_for("the confirmation of the delete", confirmation)
        windows_before = n_windows(app)
        do_action(confirm, "click")
        wait_for("the confirmation to close", lambda: n_windows(app) < windows_before)
        wait_for("the row to go", lambda: rows.childCount == 1)
        tap(row_with(rows, CN) is None, "Delete removes the request after asking")

        undo = wait_for("the Undo button of the toast",
                        lambda: find_toast(main_window, "push button", name_re=r"Undo$",
                                     predicate=clickable))
        do_action(undo, "click")
        wait_for("the row to come back", lambda: rows.childCount == 2)

        def issued_again():
            back = row_with(rows, CN)
            return back is not None and "Issued · " + CN in labels_in(rows.getChildAtIndex(back))
        wait_for("the row to show its status", issued_again, timeout=10)
        tap(issued_again(), "Undo brings it back, still issued")
    finally:
        stop_app(proc)
        shutil.rmtree(tmp, ignore_errors=True)

    if ckatspi.checks_run() != N_CHECKS:
        bail("ran %d of %d checks" % (ckatspi.checks_run(), N_CHECKS))


if __name__ == "__main__":
    main()
