#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end test: Rename (issue 13, "Rename a key or certificate"),
through AT-SPI as a user would.

1. Imports a certificate made by openssl with certkeeper-cli ($CK_CLI).
2. Selects it in the window and presses Rename in the details.
3. The dialog offers Rename only once the name changed, and refuses a
   name that is not one line; a new name is then shown in the list, and
   stored (read back with certkeeper-cli).

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

CN = "rename.certkeeper.test"
NEW_NAME = "Web front end (production)"
N_CHECKS = 5


def rename_button(root):
    return find(root, "push button", name_re=r"(^|\s)_?Rename$")


def main():
    if shutil.which(os.environ.get("CK_OPENSSL", "openssl")) is None:
        skip_all("openssl is not installed")
    cli = os.environ.get("CK_CLI")
    if not cli:
        skip_all("CK_CLI is not set")

    print("1..%d" % N_CHECKS, flush=True)
    tmp = tempfile.mkdtemp(prefix="ck-e2e-rename-")
    proc = None
    try:
        cert = os.path.join(tmp, "rename.crt")
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-keyout", os.path.join(tmp, "rename.key"), "-out", cert,
                "-days", "90", "-subj", "/CN=%s/O=Certkeeper E2E" % CN)
        store = os.path.join(tmp, "store")
        subprocess.run([cli, "--store", store, "import", cert], check=True, capture_output=True)

        proc = start_app(tmp)
        app = wait_for("the application on the accessibility bus", app_node)
        main_window = wait_for("the main window", lambda: window(app, "Certkeeper"))
        rows = wait_for("the certificate list",
                        lambda: find(main_window, "list", "GtkColumnListView"))
        cell = wait_for("the certificate's row", lambda: find(rows, "label", CN))
        press(cell)
        wait_for("the details of the certificate",
                 lambda: find(main_window, "label", "Issued to"))
        do_action(button(main_window, "Rename"), "click")

        dialog = wait_for("the rename dialog", lambda: window(app, "Rename Certificate")
                          or find(app, "dialog", "Rename Certificate")
                          or find(app, "alert", "Rename Certificate"))
        entry = wait_for("the name entry", lambda: find(dialog, "text", "Name"))
        confirm = wait_for("the dialog's Rename button", lambda: rename_button(dialog))
        tap(text_of(entry) == CN and not sensitive(confirm),
            "the entry holds the current name and Rename waits for a change")

        set_text(entry, "two\tlines")
        problem = wait_for("the problem with the name",
                           lambda: find(dialog, "label", name_re=r"control character"))
        tap(problem is not None and not sensitive(confirm),
            "a name with a control character is refused as it is typed")

        set_text(entry, NEW_NAME)
        wait_for("Rename to become sensitive", lambda: sensitive(confirm))
        windows_before = n_windows(app)
        do_action(confirm, "click")
        wait_for("the dialog to close", lambda: n_windows(app) == windows_before - 1)
        tap(wait_for("the new name in the list", lambda: find(rows, "label", NEW_NAME))
            is not None, "the list shows the new name")
        # Self-signed: its Issued By column still says CN, but the row is
        # named (and announced) by the new name.
        row = wait_for("the row named by the new name",
                       lambda: find(rows, "table row", name_re=r"^%s, expires " % re.escape(NEW_NAME)))
        tap(row is not None and find(rows, "table row", name_re=r"^%s, expires " % re.escape(CN)) is None,
            "the row is announced by the new name, not the old one")

        listed = json.loads(subprocess.run([cli, "--store", store, "list", "--json"],
                                           check=True, capture_output=True, text=True).stdout)
        certs = [r for r in listed if r.get("kind") == "certificate"]
        tap(len(certs) == 1 and certs[0]["label"] == NEW_NAME,
            "the store keeps the name (%s)" % [c.get("label") for c in certs])
    finally:
        if proc is not None:
            stop_app(proc)
        shutil.rmtree(tmp, ignore_errors=True)
    if checks_run() != N_CHECKS:
        bail("ran %d of %d checks" % (checks_run(), N_CHECKS))


if __name__ == "__main__":
    main()
