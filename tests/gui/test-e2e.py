#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end test: drives the real certkeeper through AT-SPI as a user would.

1. Makes a certificate and its key with openssl, in one PEM file.
2. Starts certkeeper on an empty store with that file as argument ("opened
   from the file manager"), which opens the import dialog.
3. Types a passphrase twice and presses Import.
4. Searches for the certificate, opens its details and checks that the
   SHA-256 fingerprint shown equals `openssl x509 -fingerprint -sha256`.
5. Exports it as PEM through the Export menu and the save dialog (typing the
   path in the dialog's name entry) and compares the file with the original.
6. Deletes it (confirming in the dialog) and brings it back with Undo.

Needs an X server (xvfb-run) and a D-Bus session bus (dbus-run-session); the
accessibility bus is started on demand by D-Bus activation. Prints TAP.
"""

import os
import re
import shutil
import subprocess  # noqa: F401
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ckatspi import *  # noqa: E402,F401,F403
import ckatspi  # noqa: E402


def main():
    if shutil.which(os.environ.get("CK_OPENSSL", "openssl")) is None:
        skip_all("openssl is not installed")

    print("1..8", flush=True)
    tmp = tempfile.mkdtemp(prefix="ck-e2e-")
    cert = os.path.join(tmp, "server.crt")
    key = os.path.join(tmp, "server.key")
    combined = os.path.join(tmp, "server-with-key.pem")
    exported = os.path.join(tmp, "exported.pem")
    openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
            "-nodes", "-keyout", key, "-out", cert, "-days", "90",
            "-subj", "/CN=e2e.certkeeper.test/O=Certkeeper E2E",
            "-addext", "subjectAltName=DNS:e2e.certkeeper.test")
    with open(combined, "w") as out:
        out.write(open(cert).read())
        out.write(open(key).read())
    fingerprint = openssl("x509", "-in", cert, "-noout", "-fingerprint", "-sha256").stdout.decode()
    expected = fingerprint.strip().split("=", 1)[1].upper()

    # Wide enough for the list and the details side by side.
    proc = start_app(tmp, combined)
    try:
        app = wait_for("the application on the accessibility bus", app_node)

        # The import dialog, opened by the file given on the command line.
        dialog = wait_for("the import dialog", lambda: window(app, "Import"))
        wait_for("the certificate in the preview",
                 lambda: find(dialog, "label", "e2e.certkeeper.test"))
        tap(find(dialog, "label", name_re=r"^Key for .e2e\.certkeeper\.test.$") is not None,
            "the preview pairs the key with its certificate")

        passphrase = wait_for("the passphrase entry",
                              lambda: find(dialog, "text", "Passphrase"))
        confirm = find(dialog, "text", "Confirm passphrase")
        import_button = find(dialog, "push button", name_re=r"Import$")
        tap(not sensitive(import_button), "Import is disabled until a passphrase is chosen")
        set_text(passphrase, "correct horse battery staple")
        set_text(confirm, "correct horse battery staple")
        wait_for("the Import button to become sensitive", lambda: sensitive(import_button))
        windows_before = n_windows(app)
        do_action(import_button, "click")
        wait_for("the import dialog to close", lambda: n_windows(app) == windows_before - 1)

        main_window = wait_for("the main window", lambda: window(app, "Certkeeper"))
        toast = wait_for("the toast", lambda: find_toast(main_window, "label",
                                                   name_re=r"^Imported "))
        tap(toast.name == "Imported 1 certificate and 1 key",
            "the toast says what was imported (%s)" % toast.name)
        wait_for("the new row in the certificate list",
                 lambda: find(find(main_window, "list", "GtkColumnListView"),
                              "label", "e2e.certkeeper.test"))
        tap(find(main_window, "image", "Private key in the store") is not None,
            "the row shows that the private key is in the store")

        # Search for it, then select the one row left, as a screen reader
        # user would (the AT-SPI Selection interface of the list).
        search_button = find(main_window, "push button", "Search")
        do_action(search_button, "click")
        entry = wait_for("the search entry",
                         lambda: find(main_window, "entry", "Search certificates"))
        set_text(entry, "E2E.CERTKEEPER")
        rows = wait_for("the certificate list",
                        lambda: find(main_window, "list", "GtkColumnListView"))
        wait_for("the search to leave one row", lambda: rows.childCount == 1)
        rows.querySelection().selectChild(0)

        # The value label is labelled by its row title: GTK names it "<value>
        # SHA-256 fingerprint" and its text is the value.
        def fingerprint_shown():
            for node in walk(main_window):
                try:
                    if node.getRoleName() != "label":
                        continue
                    for value in (text_of(node), node.name or ""):
                        m = re.fullmatch(r"([0-9A-F]{2}(?::[0-9A-F]{2}){31})"
                                         r"(?: SHA-256 fingerprint)?", value)
                        if m and (node.name or "").endswith("SHA-256 fingerprint"):
                            return m.group(1)
                except Exception:
                    continue
            return None
        shown = wait_for("the SHA-256 fingerprint in the details pane", fingerprint_shown)
        tap(shown == expected, "the details show the openssl SHA-256 fingerprint (%s)" % shown)

        # Export as PEM: the Export menu, then the save dialog.
        export_button = wait_for("the Export menu button",
                                 lambda: find(main_window, "push button", "Export",
                                              predicate=lambda n: sensitive(n) and
                                              clickable(n)))
        do_action(export_button, "click")
        item = wait_for("the “Certificate as PEM…” menu item",
                        lambda: find(app, name_re=r"Certificate as _?PEM",
                                     predicate=clickable))
        do_action(item)
        chooser = wait_for("the save dialog", lambda: window(app, "Export Certificate"))
        name_entry = wait_for("the file name entry",
                              lambda: find(chooser, "text", predicate=lambda n:
                                           "EditableText" in pyatspi.listInterfaces(n)))
        set_text(name_entry, exported)
        save = wait_for("the Export button of the save dialog",
                        lambda: find(chooser, "push button", name_re=r"Export$",
                                     predicate=lambda n: sensitive(n) and clickable(n)))
        windows_before = n_windows(app)
        do_action(save, "click")
        wait_for("the exported file", lambda: os.path.exists(exported)
                 and os.path.getsize(exported) > 0)
        wait_for("the save dialog to close", lambda: n_windows(app) < windows_before)
        tap(der_of(exported) == der_of(cert), "the exported PEM is the original certificate")

        # Delete it (confirmed in a dialog), then Undo from the toast.
        delete_button = find(main_window, "push button", "Delete",
                             predicate=lambda n: sensitive(n) and clickable(n))
        do_action(delete_button, "click")
        confirm_delete = wait_for("the Delete response of the confirmation",
                                  lambda: next((find(w, "push button", name_re=r"Delete$",
                                                     predicate=clickable)
                                                for w in app if w is not None
                                                and not is_main_window(w)
                                                and find(w, "push button", name_re=r"Delete$",
                                                         predicate=clickable)),
                                               None))
        windows_before = n_windows(app)
        do_action(confirm_delete, "click")
        wait_for("the confirmation to close", lambda: n_windows(app) < windows_before)
        wait_for("the row to go", lambda: rows.childCount == 0)
        undo = wait_for("the Undo button of the toast",
                        lambda: find_toast(main_window, "push button", name_re=r"Undo$",
                                     predicate=clickable))
        tap(find_toast(main_window, "label", name_re=r"e2e\.certkeeper\.test.* deleted") is not None,
            "deleting asks first and then says so in a toast")
        do_action(undo, "click")
        wait_for("the row to come back", lambda: rows.childCount == 1)
        tap(find(rows, "label", "e2e.certkeeper.test") is not None,
            "Undo puts the certificate back")
    finally:
        stop_app(proc)
        shutil.rmtree(tmp, ignore_errors=True)

    if ckatspi.checks_run() != 8:
        bail("ran %d of 8 checks" % ckatspi.checks_run())


if __name__ == "__main__":
    main()
