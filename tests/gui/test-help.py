#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""F1 opens the help; where no program handles help: URIs (no Yelp, as on
a server with a minimal desktop) it must say so in a dialog rather than do
nothing. Also checks that the About window carries credits and a licence.
Runs under xvfb-run and dbus-run-session like test-e2e.py."""

import os
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ckatspi import *  # noqa: E402,F403


def press(keysym_name):
    import gi
    gi.require_version("Gdk", "4.0")
    from gi.repository import Gdk
    keyval = Gdk.keyval_from_name(keysym_name)
    pyatspi.Registry.generateKeyboardEvent(keyval, None, pyatspi.KEY_SYM)


def x_server_ready():
    """xvfb-run can return before Xvfb accepts clients on a loaded machine;
    the app would then fail with "cannot open display"."""
    import gi
    gi.require_version("Gdk", "4.0")
    from gi.repository import Gdk
    display = Gdk.Display.open(os.environ["DISPLAY"])
    if display is None:
        return False
    display.close()
    return True


def main():
    if shutil.which("yelp"):
        skip_all("yelp is installed: F1 would open it, not the fallback dialog")
    wait_for("the X server", x_server_ready)
    tmp = tempfile.mkdtemp(prefix="ck-help-")
    # No handler for help: URIs in this home: only the system's could answer.
    proc = start_app(tmp)
    try:
        app = wait_for("the application on the accessibility bus", app_node)
        wait_for("the main window", lambda: window(app, "Certkeeper"))

        press("F1")
        dialog = wait_for("the help fallback dialog",
                          lambda: find(app, name="Help Is Not Available"))
        tap(dialog is not None, "F1 without a help viewer shows “Help Is Not Available”")
        read_online = find(dialog, role="push button", name_re="Online")
        tap(read_online is not None, "the dialog offers to read the help online")
        close = find(dialog, role="push button", name_re="Close")
        tap(close is not None, "the dialog can be closed")
        do_action(close)
        wait_for("the dialog to close",
                 lambda: find(app, name="Help Is Not Available") is None)

        # The About window, through the main menu as a user opens it.
        menu = wait_for("the main menu button",
                        lambda: find(window(app, "Certkeeper"), name="Main Menu", predicate=clickable))
        do_action(menu)
        item = wait_for("the About item", lambda: find(app, name_re="About Certkeeper",
                                                       predicate=clickable))
        do_action(item)
        about = wait_for("the About window", lambda: window(app, "About"))
        tap(find(about, name_re="Credits") is not None, "the About window has credits")
        tap(find(about, name_re="Legal") is not None, "the About window has the licence")
        print("1..%d" % checks_run(), flush=True)
    finally:
        stop_app(proc)
        shutil.rmtree(tmp, ignore_errors=True)


main()
