#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end test of the New Request assistant with a key made on a
PKCS#11 token, through AT-SPI, against a SoftHSM2 token made fresh for it:

1. Makes an empty SoftHSM2 token (its own SOFTHSM2_CONF). The fixture's
   throwaway PINs go to softhsm2-util on its command line (it takes them
   no other way) and to p11tool through GNUTLS_PIN; certkeeper only gets a
   PIN typed into its PIN dialog.
2. Starts certkeeper, presses New Request, chooses "New key on a token",
   logs in through the PIN dialog and names the key.
3. Walks subject → names → review → Generate, and saves the request.
4. openssl verifies the request, and its public key is the one p11tool
   reads from the token under the label typed.
5. "New Request for This Key" on the token key's row makes a second
   request, signed on the token (logging in through the PIN dialog when
   the token is logged out by then).

Needs an X server (xvfb-run) and a D-Bus session bus (dbus-run-session).
Prints TAP.
"""

import os
import shutil
import subprocess
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ckatspi import *  # noqa: E402,F401,F403
import ckatspi  # noqa: E402

LABEL = "e2e-request-token"
KEY_LABEL = "e2e-request-key"
USER_PIN = "e2e-user-pin-5678"
SO_PIN = "e2e-so-pin-5678"
CN = "token-request.certkeeper.test"
N_CHECKS = 6


def main():
    for tool in ("softhsm2-util", "p11tool"):
        if shutil.which(tool) is None:
            skip_all(f"{tool} is not installed")
    if not os.path.exists("/usr/share/p11-kit/modules/softhsm2.module"):
        skip_all("SoftHSM2 is not registered with p11-kit")
    if shutil.which(os.environ.get("CK_OPENSSL", "openssl")) is None:
        skip_all("openssl is not installed")

    print(f"1..{N_CHECKS}", flush=True)
    tmp = tempfile.mkdtemp(prefix="ck-e2e-request-token-")
    saved = os.path.join(tmp, "token-request.csr")
    conf = make_softhsm_token(tmp, LABEL, USER_PIN, SO_PIN)
    proc = start_app(tmp, env_extra={"SOFTHSM2_CONF": conf})
    try:
        app = wait_for("the application on the accessibility bus", app_node)
        main_window = wait_for("the main window", lambda: window(app, "Certkeeper"))
        new_request = wait_for("the New Request button",
                               lambda: find(main_window, "push button", name_re=r"New Request",
                                            predicate=lambda n: sensitive(n) and clickable(n)))
        do_action(new_request, "click")
        dialog = wait_for("the assistant", lambda: window(app, "New Request"))
        next_step(dialog, 2)

        # The key: on the token, after logging in through the PIN dialog.
        on_token = wait_for("the token choice",
                            lambda: find(dialog, "check box", name_re=r"^New key on a token",
                                         predicate=sensitive))
        press(on_token)
        wait_for("the token choice to be checked",
                 lambda: on_token.getState().contains(pyatspi.STATE_CHECKED))
        wait_for("the token in the list", lambda: find(dialog, "label", LABEL))
        windows_before = n_windows(app)
        do_action(button(dialog, "Log In…"), "click")
        pin_dialog = wait_for("the PIN dialog", lambda: window(app, "Log In to Token"))
        pin = wait_for("the PIN entry", lambda: find(pin_dialog, "text", "PIN",
                                                     predicate=sensitive))
        set_text(pin, USER_PIN)
        log_in = wait_for("Log In to be enabled",
                          lambda: find(pin_dialog, "push button", name_re=r"^_?Log In(?!…)",
                                       predicate=sensitive))
        do_action(log_in, "click")
        wait_for("the PIN dialog to close", lambda: n_windows(app) == windows_before)
        tap(wait_for("the logged-in state", lambda: find(dialog, "label", "Logged in")) is not None,
            "the assistant logs in to the token through the PIN dialog")
        set_text(wait_for("the label entry", lambda: find(dialog, "text", "Label on the token")),
                 KEY_LABEL)
        next_step(dialog, 3)

        cn = wait_for("the common name entry", lambda: find(dialog, "text", "Common name (CN)"))
        set_text(cn, CN)
        next_step(dialog, 4)
        name_entry = wait_for("the new name entry", lambda: find(dialog, "text", "New name"))
        set_text(name_entry, CN)
        do_action(button(dialog, "Add Name"), "click")
        wait_for("the name in the list", lambda: find(dialog, "label", CN))
        next_step(dialog, 5)
        do_action(button(dialog, "Generate"), "click")

        recorded = wait_for("the result page",
                            lambda: find(dialog, "label", name_re=r"^Recorded as a pending request"),
                            timeout=90)
        tap(KEY_LABEL in recorded.name, "the request is recorded under the token key (%s)"
            % recorded.name[:90])
        do_action(button(dialog, "Save As…"), "click")
        chooser = wait_for("the save dialog", lambda: window(app, "Save Request"))
        file_entry = wait_for("the file name entry",
                              lambda: find(chooser, "text", predicate=lambda n:
                                           "EditableText" in pyatspi.listInterfaces(n)))
        set_text(file_entry, saved)
        do_action(wait_for("the save button of the dialog",
                           lambda: find(chooser, "push button", name_re=r"Export$",
                                        predicate=lambda n: sensitive(n) and clickable(n))),
                  "click")
        wait_for("the saved file", lambda: os.path.exists(saved) and os.path.getsize(saved) > 0)
        wait_for("the save dialog to close", lambda: window(app, "Save Request") is None)
        windows_before = n_windows(app)
        do_action(button(dialog, "Close"), "click")
        wait_for("the assistant to close", lambda: n_windows(app) < windows_before)

        # A second request for the token key, from its row on the Keys page.
        do_action(wait_for("the Keys page switch",
                           lambda: find(main_window, name_re=r"^_?Keys", predicate=clickable)))
        do_action(wait_for("the New Request for This Key button",
                           lambda: find(main_window, "push button",
                                        name_re=r"New Request for This Key",
                                        predicate=lambda n: sensitive(n) and clickable(n))),
                  "click")
        dialog = wait_for("the assistant", lambda: window(app, "New Request"))
        on_step(dialog, 3)
        set_text(wait_for("the common name entry",
                          lambda: find(dialog, "text", "Common name (CN)")), "second." + CN)
        next_step(dialog, 4)
        set_text(wait_for("the new name entry", lambda: find(dialog, "text", "New name")),
                 "second." + CN)
        do_action(button(dialog, "Add Name"), "click")
        wait_for("the name in the list", lambda: find(dialog, "label", "second." + CN))
        next_step(dialog, 5)
        do_action(button(dialog, "Generate"), "click")

        def result_or_pin():
            return (find(dialog, "label", name_re=r"^Recorded as a pending request")
                    or window(app, "Log In to Token"))
        seen = wait_for("the PIN dialog or the result", result_or_pin, timeout=90)
        if seen.getRoleName() != "label":
            pin = wait_for("the PIN entry", lambda: find(seen, "text", "PIN", predicate=sensitive))
            set_text(pin, USER_PIN)
            do_action(wait_for("Log In to be enabled",
                               lambda: find(seen, "push button", name_re=r"^_?Log In(?!…)",
                                            predicate=sensitive)), "click")
        recorded = wait_for("the second result",
                            lambda: find(dialog, "label", name_re=r"^Recorded as a pending request"),
                            timeout=90)
        tap(KEY_LABEL in recorded.name,
            "New Request for This Key signs a second request with the token key (%s)"
            % recorded.name[:90])
    finally:
        stop_app(proc)

    try:
        verify = subprocess.run([os.environ.get("CK_OPENSSL", "openssl"), "req", "-in", saved,
                                 "-verify", "-noout"], capture_output=True, text=True)
        tap(verify.returncode == 0, "openssl req -verify accepts the request signed on the token")
        subject = openssl("req", "-in", saved, "-noout", "-subject", "-nameopt", "oneline",
                          text=True).stdout.strip()
        tap(subject == "subject=CN = " + CN, "the subject is the one typed (%s)" % subject)

        # The request's public key is the token's key of that label.
        env = {**os.environ, "SOFTHSM2_CONF": conf, "GNUTLS_PIN": USER_PIN}
        token_pub = subprocess.run([shutil.which("p11tool"), "--login", "--export-pubkey",
                                    f"pkcs11:token={LABEL};object={KEY_LABEL};type=private"],
                                   capture_output=True, text=True, env=env)
        request_pub = openssl("req", "-in", saved, "-noout", "-pubkey", text=True).stdout

        def body(pem):
            return "".join(line for line in pem.splitlines() if not line.startswith("-----"))
        tap(token_pub.returncode == 0 and body(token_pub.stdout) == body(request_pub)
            and body(request_pub) != "",
            "the request's public key is the key generated on the token (%s)"
            % token_pub.stderr.strip()[:120])
    finally:
        shutil.rmtree(tmp, ignore_errors=True)

    if ckatspi.checks_run() != N_CHECKS:
        bail("ran %d of %d checks" % (ckatspi.checks_run(), N_CHECKS))


if __name__ == "__main__":
    main()
