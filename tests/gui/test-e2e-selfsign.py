#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end test of New Self-Signed Certificate, through AT-SPI as a user:

1. Starts certkeeper on an empty store and presses New Self-Signed
   Certificate… in the middle of the window.
2. Walks profile (TLS Server, preselected) → new key (ECDSA P-256,
   passphrase typed twice) → subject (CN) → names (a DNS name) →
   validity (the profile's default, the CA/Browser Forum limit) → review
   → Create.
3. On the result page, Save As… writes the certificate through the save
   dialog; `openssl verify -CAfile` accepts it on itself, and openssl and
   `certtool -i` read a TLS server certificate for the name typed (GnuTLS
   refuses a CA:FALSE certificate as its own trust anchor, as it should,
   so `certtool --verify-chain` is no oracle for a self-signed leaf); no
   "not trusted" note is shown for a leaf.
4. Closing the assistant shows the "created" toast, and the store, read
   with certkeeper-cli ($CK_CLI), has the certificate with its key.

Needs an X server (xvfb-run) and a D-Bus session bus (dbus-run-session).
Prints TAP. Waits on state with deadlines, never for a time.
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

N_CHECKS = 8
CN = "e2e-selfsign.certkeeper.test"
STEPS = ckatspi.SELF_SIGNED_STEPS


def click(node):
    do_action(node, "click")


def main():
    openssl_bin = os.environ.get("CK_OPENSSL", "openssl")
    certtool_bin = os.environ.get("CK_CERTTOOL", "certtool")
    if shutil.which(openssl_bin) is None:
        skip_all("openssl is not installed")
    if shutil.which(certtool_bin) is None:
        skip_all("certtool is not installed")

    print("1..%d" % N_CHECKS, flush=True)
    tmp = tempfile.mkdtemp(prefix="ck-e2e-selfsign-")
    saved = os.path.join(tmp, "lab.crt")
    proc = start_app(tmp)
    try:
        app = wait_for("the application on the accessibility bus", app_node)
        main_window = wait_for("the main window", lambda: window(app, "Certkeeper"))

        new_cert = wait_for("the New Self-Signed Certificate button",
                            lambda: find(main_window, "push button",
                                         name_re=r"New Self-Signed Certificate",
                                         predicate=lambda n: sensitive(n) and clickable(n)))
        click(new_cert)
        dialog = wait_for("the assistant", lambda: window(app, "New Self-Signed Certificate"))

        # Profile: TLS Server is preselected.
        tls = wait_for("the TLS Server profile",
                       lambda: find(dialog, "check box", name_re=r"^TLS Server"))
        tap(tls.getState().contains(pyatspi.STATE_CHECKED), "TLS Server is the default profile")
        tap(find(dialog, "check box", name_re=r"^Root Certificate Authority") is not None,
            "a root CA is one of the profiles")
        next_step(dialog, 2, STEPS)

        # Key: a new key, encrypted with a passphrase typed twice.
        set_text(wait_for("the passphrase entry", lambda: find(dialog, "text", "Passphrase")),
                 "e2e passphrase")
        set_text(wait_for("the confirm entry", lambda: find(dialog, "text", "Confirm passphrase")),
                 "e2e passphrase")
        next_step(dialog, 3, STEPS)

        set_text(wait_for("the common name entry", lambda: find(dialog, "text", "Common name (CN)")),
                 CN)
        next_step(dialog, 4, STEPS)

        set_text(wait_for("the new name entry", lambda: find(dialog, "text", "New name")), CN)
        click(button(dialog, "Add Name"))
        wait_for("the name in the list", lambda: find(dialog, "label", CN))
        next_step(dialog, 5, STEPS)

        # Validity: the profile's default is the CA/Browser Forum limit.
        default = wait_for("the profile's default", lambda: find(
            dialog, "label", name_re=r"days \(the longest the CA/Browser Forum allows"))
        tap(default is not None, "the validity page offers the profile's default (%s)" % default.name)
        next_step(dialog, 6, STEPS)

        wait_for("the review", lambda: find(dialog, "label", "No problems found")
                 or find(dialog, "label", name_re=r"^Warning"))
        click(button(dialog, "Create"))

        stored = wait_for("the result page",
                          lambda: find(dialog, "label", name_re=r"^Stored as certificate \d+"),
                          timeout=60)
        tap(find(dialog, "label", name_re=r"not trusted for anything") is None
            or not showing(find(dialog, "label", name_re=r"not trusted for anything")),
            "no trust note for a leaf (%s)" % stored.name[:60])

        save_as(app, dialog, "Save Certificate", saved)

        # openssl takes a self-signed leaf as its own anchor; GnuTLS rightly
        # refuses a CA:FALSE certificate as an anchor, so certtool judges
        # what it reads instead: its name and purpose.
        verify = subprocess.run([openssl_bin, "verify", "-CAfile", saved, saved],
                                capture_output=True, text=True)
        tap(verify.returncode == 0 and verify.stdout.strip().endswith("OK"),
            "openssl verify -CAfile accepts it on itself (%s)"
            % (verify.stdout.strip() or verify.stderr.strip()))
        text = openssl("x509", "-in", saved, "-noout", "-text", text=True).stdout
        info = subprocess.run([certtool_bin, "-i", "--infile", saved],
                              capture_output=True, text=True).stdout
        tap(("DNS:" + CN) in text and "TLS Web Server Authentication" in text
            and "CA:FALSE" in text and ("DNSname: " + CN) in info and "TLS WWW Server" in info,
            "openssl and certtool read a TLS server certificate for the name typed")

        windows_before = n_windows(app)
        click(button(dialog, "Close"))
        wait_for("the assistant to close", lambda: n_windows(app) < windows_before)
        toast = wait_for("the toast", lambda: find_toast(main_window, "label",
                                                   name_re=r"created$"))
        tap(CN in toast.name, "a toast says the certificate was created (%s)" % toast.name)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        stop_app(proc)

    try:
        listed = subprocess.run([os.environ["CK_CLI"], "--store", os.path.join(tmp, "store"),
                                 "list", "--json", "--certificates"],
                                capture_output=True, text=True, check=True)
        certificates = json.loads(listed.stdout)
        tap(len(certificates) == 1 and certificates[0].get("has_key") is True,
            "the store has the certificate with its key (%s)" % " ".join(listed.stdout.split())[:200])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    if ckatspi.checks_run() != N_CHECKS:
        bail("ran %d of %d checks" % (ckatspi.checks_run(), N_CHECKS))


if __name__ == "__main__":
    main()
