#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end test of trust: drives the real certkeeper through AT-SPI.

1. Makes a CA and a leaf it signed with certtool.
2. Starts certkeeper on an empty store with both files as arguments and
   imports them through the import dialog.
3. Sees the leaf "Not trusted" in the Trust column: importing trusts nothing.
4. Selects the CA, opens Trust Settings from the details pane, checks the
   fingerprint shown is certtool's, and sets TLS server to Trust.
5. Sees the leaf become "Trusted" in the list.
6. Exports the anchors (main menu, Export Trust Settings, PEM) through the
   save dialog and checks with certtool that the file holds the CA.

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


def certtool(tmp, *args):
    tool = os.environ.get("CK_CERTTOOL") or shutil.which("certtool")
    return subprocess.run([tool] + list(args), cwd=tmp, check=True,
                          capture_output=True, text=True).stdout


def make_chain(tmp):
    with open(os.path.join(tmp, "ca.tmpl"), "w") as f:
        f.write('cn = "E2E Root CA"\norganization = "Certkeeper E2E"\nca\n'
                'cert_signing_key\ncrl_signing_key\nexpiration_days = 3650\n')
    with open(os.path.join(tmp, "leaf.tmpl"), "w") as f:
        f.write('cn = "trust.e2e.test"\ndns_name = "trust.e2e.test"\ntls_www_server\n'
                'signing_key\nencryption_key\nexpiration_days = 365\n')
    certtool(tmp, "--generate-privkey", "--key-type", "ecdsa", "--outfile", "ca.key")
    certtool(tmp, "--generate-self-signed", "--load-privkey", "ca.key",
             "--template", "ca.tmpl", "--outfile", "ca.crt")
    certtool(tmp, "--generate-privkey", "--key-type", "ecdsa", "--outfile", "leaf.key")
    certtool(tmp, "--generate-certificate", "--load-privkey", "leaf.key",
             "--load-ca-certificate", "ca.crt", "--load-ca-privkey", "ca.key",
             "--template", "leaf.tmpl", "--outfile", "leaf.crt")
    info = certtool(tmp, "--fingerprint", "--hash", "sha256", "--infile", "ca.crt")
    return info.strip()


def row_of(rows, name):
    """The list row whose cells include a label called @name."""
    for i, row in enumerate(rows):
        if row is not None and find(row, "label", name) is not None:
            return i, row
    return None


def trust_shown(rows, name):
    """The Trust cell's words in @name's row."""
    found = row_of(rows, name)
    if found is None:
        return None
    for node in walk(found[1]):
        try:
            if node.getRoleName() == "label" and node.name in (
                    "Trusted by you", "Trusted by the system", "Not trusted", "Distrusted",
                    "Issuer unknown", "Checking…",
                    "Expired", "Not for this purpose"):
                return node.name
        except Exception:
            continue
    return None


def main():
    tool = os.environ.get("CK_CERTTOOL") or shutil.which("certtool")
    if tool is None:
        skip_all("certtool is not installed")

    print("1..%d" % N_CHECKS, flush=True)
    tmp = tempfile.mkdtemp(prefix="ck-e2e-trust-")
    fingerprint = make_chain(tmp)
    expected = ":".join(re.findall("..", fingerprint.upper()))

    proc = start_app(tmp, os.path.join(tmp, "ca.crt"), os.path.join(tmp, "leaf.crt"))
    try:
        app = wait_for("the application on the accessibility bus", app_node)
        dialog = wait_for("the import dialog", lambda: window(app, "Import"))
        wait_for("the leaf in the preview", lambda: find(dialog, "label", "trust.e2e.test"))
        import_button = wait_for("the Import button",
                                 lambda: find(dialog, "push button", name_re=r"Import$",
                                              predicate=sensitive))
        windows_before = n_windows(app)
        do_action(import_button, "click")
        wait_for("the import dialog to close", lambda: n_windows(app) == windows_before - 1)

        main_window = wait_for("the main window", lambda: window(app, "Certkeeper"))
        rows = wait_for("the certificate list",
                        lambda: find(main_window, "list", "GtkColumnListView"))
        wait_for("both rows", lambda: rows.childCount == 2)
        shown = wait_for("the leaf's trust", lambda: trust_shown(rows, "trust.e2e.test")
                         not in (None, "Checking…") and trust_shown(rows, "trust.e2e.test"))
        tap(shown == "Not trusted", "after import the leaf is Not trusted (%s)" % shown)
        tap(trust_shown(rows, "E2E Root CA") == "Not trusted",
            "after import the CA is Not trusted either")

        # Select the CA as a screen reader user would, then Trust Settings…
        index, _ = wait_for("the CA's row", lambda: row_of(rows, "E2E Root CA"))
        rows.querySelection().selectChild(index)
        button = wait_for("the Trust Settings button of the details pane",
                          lambda: find(main_window, "push button", name_re=r"^Trust Settings",
                                       predicate=lambda n: sensitive(n) and clickable(n)))
        do_action(button, "click")
        settings = wait_for("the Trust Settings dialog", lambda: window(app, "Trust Settings"))
        wait_for("the CA's name in the dialog", lambda: find(settings, "label", "E2E Root CA"))

        def fingerprint_shown():
            for node in walk(settings):
                try:
                    if node.getRoleName() == "label" and re.fullmatch(
                            r"[0-9A-F]{2}(?::[0-9A-F]{2}){31}", text_of(node)):
                        return text_of(node)
                except Exception:
                    continue
            return None
        shown = wait_for("the fingerprint in the dialog", fingerprint_shown)
        tap(shown == expected, "the dialog shows certtool's SHA-256 fingerprint (%s)" % shown)

        # TLS server: Default → Trust, one click on its toggle.
        trust = wait_for("the TLS server row's Trust toggle",
                         lambda: find(settings, name="TLS server: Trust", predicate=clickable))
        do_action(trust, "click")
        toast = wait_for("the toast", lambda: find_toast(settings, "label", "Trusted for TLS server"))
        tap(toast is not None and find_toast(settings, "push button", name_re=r"Undo$") is not None,
            "a toast says it and offers Undo")

        shown = wait_for("the leaf to become Trusted by you",
                         lambda: trust_shown(rows, "trust.e2e.test") == "Trusted by you"
                         and "Trusted by you", timeout=30)
        tap(shown == "Trusted by you", "the leaf is now Trusted for TLS server, by the user's anchor")
        tap(trust_shown(rows, "E2E Root CA") == "Trusted by you", "the CA is Trusted for TLS server")

        # Export the anchors: main menu → Export Trust Settings → PEM.
        close = wait_for("the Close button of the dialog",
                         lambda: find(settings, "push button", "Close", predicate=clickable))
        windows_before = n_windows(app)
        do_action(close, "click")
        wait_for("the Trust Settings dialog to close", lambda: n_windows(app) < windows_before)
        exported = os.path.join(tmp, "anchors.pem")
        menu_button = wait_for("the main menu button", lambda: main_menu_button(main_window))
        do_action(menu_button, "click")
        submenu = wait_for("the Export Trust Settings item",
                           lambda: find(app, name_re=r"^E_?xport Trust Settings",
                                        predicate=clickable))
        do_action(submenu)
        item = wait_for("the anchors item", lambda: find(app, name_re=r"Anchors Only",
                                                         predicate=clickable))
        do_action(item)
        save_in_chooser(app, "Export Trust Settings", exported)
        wait_for("the exported file", lambda: os.path.exists(exported)
                 and os.path.getsize(exported) > 0)
        info = certtool(tmp, "--fingerprint", "--hash", "sha256", "--infile", exported).strip()
        tap(info == fingerprint, "the exported anchors are the CA (certtool: %s)" % info)
    finally:
        stop_app(proc)
        shutil.rmtree(tmp, ignore_errors=True)

    if ckatspi.checks_run() != N_CHECKS:
        bail("ran %d of %d checks" % (ckatspi.checks_run(), N_CHECKS))


if __name__ == "__main__":
    main()
