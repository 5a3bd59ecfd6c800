#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end test: a launch for another store opens that store, never the
one already on screen (issue 13, "The wrong store").

1. Starts certkeeper on store A.
2. Launches `CERTKEEPER_STORE=B certkeeper cert.pem` from another
   directory, as a file manager or a terminal would: the launching process
   hands over to the running instance and exits; a second window opens on
   store B, titled with B's directory, and the file goes into B's import
   dialog. Before, the file went into A's dialog and B was never opened.
3. Imports it: the certificate is in B (read back with certkeeper-cli) and
   A is still empty.
4. Launches again for A, with a relative --store: no new window opens.

Needs an X server (xvfb-run) and a D-Bus session bus (dbus-run-session).
Prints TAP.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ckatspi import *  # noqa: E402,F401,F403
import ckatspi  # noqa: E402

CN = "stores.certkeeper.test"
N_CHECKS = 7


def titled(app, suffix):
    for child in app:
        if child is not None and child.name.startswith("Certkeeper — ") \
                and child.name.endswith(suffix):
            return child
    return None


def listed(cli, store):
    out = subprocess.run([cli, "--store", store, "list", "--json"], check=True,
                         capture_output=True, text=True).stdout
    return [row for row in json.loads(out) if row.get("kind") == "certificate"]


def main():
    if shutil.which(os.environ.get("CK_OPENSSL", "openssl")) is None:
        skip_all("openssl is not installed")
    cli = os.environ.get("CK_CLI")
    if not cli:
        skip_all("CK_CLI is not set")

    print("1..%d" % N_CHECKS, flush=True)
    tmp = tempfile.mkdtemp(prefix="ck-e2e-stores-")
    proc = None
    try:
        cert = os.path.join(tmp, "elsewhere", "stores.crt")
        os.makedirs(os.path.dirname(cert))
        openssl("req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256",
                "-nodes", "-keyout", os.path.join(tmp, "stores.key"), "-out", cert,
                "-days", "90", "-subj", "/CN=%s/O=Certkeeper E2E" % CN)
        store_a = os.path.join(tmp, "store")
        store_b = os.path.join(tmp, "store-b")

        proc = start_app(tmp)
        app = wait_for("the application on the accessibility bus", app_node)
        window_a = wait_for("the window on store A", lambda: titled(app, "/store"))
        tap(window_a.name == "Certkeeper — " + store_a,
            "the window's title names its store (%s)" % window_a.name)

        env = app_env(os.path.join(tmp, "home"))
        env["CERTKEEPER_STORE"] = store_b
        launch = subprocess.run([os.environ["CK_CERTKEEPER"], "stores.crt"],
                                cwd=os.path.dirname(cert), env=env, timeout=TIMEOUT,
                                capture_output=True, text=True)
        tap(launch.returncode == 0 and proc.poll() is None,
            "the second launch hands over to the running instance and exits (%d: %s)"
            % (launch.returncode, launch.stderr.strip()))

        window_b = wait_for("a window on store B", lambda: titled(app, "/store-b"))
        tap(window_b is not None, "a second window opens on store B (%s)" % window_b.name)

        dialog = wait_for("the import dialog", lambda: window(app, "Import"))
        import_button = button(dialog, "Import")
        windows_before = n_windows(app)
        do_action(import_button, "click")
        wait_for("the import dialog to close", lambda: n_windows(app) == windows_before - 1)
        in_b = wait_for("the certificate in store B",
                        lambda: [c for c in listed(cli, store_b) if c.get("display_name") == CN])
        tap(len(in_b) == 1, "the file was imported into store B")
        tap(listed(cli, store_a) == [], "store A is unchanged")

        # The same store again, named relative to the launching directory:
        # its window comes forward, no second one opens.
        windows_before = n_windows(app)
        env.pop("CERTKEEPER_STORE")
        again = subprocess.run([os.environ["CK_CERTKEEPER"], "--store", "store"],
                               cwd=tmp, env=env, timeout=TIMEOUT, capture_output=True)
        tap(again.returncode == 0, "a launch for store A exits once handed over")
        tap(n_windows(app) == windows_before and titled(app, "/store") is not None,
            "a launch for the store already open opens no second window")
    finally:
        if proc is not None:
            stop_app(proc)
        shutil.rmtree(tmp, ignore_errors=True)
    if checks_run() != N_CHECKS:
        bail("ran %d of %d checks" % (checks_run(), N_CHECKS))


if __name__ == "__main__":
    main()
