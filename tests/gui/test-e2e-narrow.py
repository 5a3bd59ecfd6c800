#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end test: one click on a certificate shows its details at the
default window size, where the panes fold, through AT-SPI and the pointer
as a user would.

1. Imports a certificate made by openssl with certkeeper-cli ($CK_CLI).
2. Starts certkeeper at the default size (960×640), where the list and the
   details fold into one pane.
3. Clicks the certificate's row once with the pointer: the details pane
   comes up (before, a click there only selected the row and showed
   nothing).

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

CN = "narrow.certkeeper.test"
# The default size, where the panes fold. (Narrower, the window grows to
# its minimum width after it is shown, and a click synthesized then is not
# yet reliable here: not part of the test until that is understood.)
SIZES = ["960x640"]
N_CHECKS = 2 * len(SIZES) + 2


def accessible_at(root, x, y):
    try:
        return root.queryComponent().getAccessibleAtPoint(x, y, pyatspi.WINDOW_COORDS)
    except Exception:
        return None


def details_shown(main_window):
    """The details pane is on screen: hit-testing at its "Issued to" row
    finds that row (GTK 4.8 sets no SHOWING state, and a folded-away pane
    keeps its old extents, so the pointer's view is what tells)."""
    issued = find(main_window, "label", "Issued to")
    if issued is None:
        return False
    x, y, width, height = issued.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
    under = accessible_at(main_window, x + min(width, 40) // 2, y + height // 2)
    return under is not None and under.name == "Issued to"


def main():
    if shutil.which(os.environ.get("CK_OPENSSL", "openssl")) is None:
        skip_all("openssl is not installed")
    if not os.environ.get("CK_CLI"):
        skip_all("CK_CLI is not set")

    print("1..%d" % N_CHECKS, flush=True)
    tmp = tempfile.mkdtemp(prefix="ck-e2e-narrow-")
    try:
        cert = os.path.join(tmp, "narrow.crt")
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-keyout", os.path.join(tmp, "narrow.key"), "-out", cert,
                "-days", "90", "-subj", "/CN=%s/O=Certkeeper E2E" % CN)
        subprocess.run([os.environ["CK_CLI"], "--store", os.path.join(tmp, "store"),
                        "import", cert], check=True, capture_output=True)

        for size in SIZES:
            proc = start_app(tmp, size=size)
            try:
                app = wait_for("the application on the accessibility bus", app_node)
                main_window = wait_for("the main window", lambda: window(app, "Certkeeper"))
                rows = wait_for("the certificate list",
                                lambda: find(main_window, "list", "GtkColumnListView"))
                cell = wait_for("the certificate's row", lambda: find(rows, "label", CN))
                # The list has settled once the row has its trust verdict,
                # and the window once the row stays where it is (a window
                # asked for less than its minimum width grows after it is
                # shown).
                wait_for("the row's trust verdict",
                         lambda: find(rows, "label", name_re=r"^Not trusted"))
                seen = []

                def row_settled():
                    seen.append(tuple(cell.queryComponent().getExtents(pyatspi.WINDOW_COORDS)))
                    return len(seen) >= 3 and seen[-1] == seen[-2] == seen[-3]
                wait_for("the row to stay in place", row_settled)
                x, y, width, height = seen[-1]
                point = (x + width // 2, y + height // 2)
                under = wait_for("the row under the pointer",
                                 lambda: accessible_at(main_window, *point))
                tap(under.name == CN and find(main_window, "label", "Issued to") is None,
                    "at %s the list has the window and nothing is selected" % size)
                if size == SIZES[0]:
                    # What a screen reader says: the drop-downs by their
                    # labels (GTK 4.8 named their buttons "GtkToggleButton")
                    # and a row by its certificate, not "GtkListItemWidget".
                    tap(all(find(main_window, role, name) is not None
                            for role in ("combo box", "push button")
                            for name in ("Trust for", "Show")),
                        "the Trust for and Show drop-downs and their buttons have names")
                    row = find(rows, "table row", name_re=r"^%s, expires " % re.escape(CN))
                    tap(row is not None, "the row is named by its certificate and expiry (%s)"
                        % (row.name if row else None))
                press(cell)
                tap(wait_for("the details after one click",
                             lambda: details_shown(main_window)),
                    "at %s one click on the row shows its details" % size)
            finally:
                stop_app(proc)
            # The next size talks to the next process, not this one's ghost.
            wait_for("the application to leave the accessibility bus",
                     lambda: app_node() is None)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    if ckatspi.checks_run() != N_CHECKS:
        bail("ran %d of %d checks" % (ckatspi.checks_run(), N_CHECKS))


if __name__ == "__main__":
    main()
