#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end test of the Tokens page: drives the real certkeeper through
AT-SPI against a SoftHSM2 token made fresh for it.

1. Makes a SoftHSM2 token (its own SOFTHSM2_CONF) with an ECDSA key on it,
   made by p11tool. The fixture's throwaway PINs go to softhsm2-util on its
   command line (it takes them no other way) and to p11tool through
   GNUTLS_PIN; certkeeper only ever gets a PIN typed into its PIN dialog.
2. Starts certkeeper on an empty store and opens the Tokens page from the
   empty state's button.
3. Logs in through the PIN dialog: first a wrong PIN (the dialog says so,
   the token stays logged out, the entry keeps it, selected), then the right one.
4. Sees the token's key listed under the token, and its details with the
   token as their source.

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


def selection_of(node):
    """(start, end) of the first text selection of @node, or None."""
    try:
        text = node.queryText()
        if text.getNSelections() < 1:
            return None
        return tuple(text.getSelection(0))
    except Exception:
        return None

LABEL = "e2e-token"
USER_PIN = "e2e-user-pin-1234"
SO_PIN = "e2e-so-pin-1234"
N_CHECKS = 7


def make_token(tmp):
    tokens = os.path.join(tmp, "softhsm", "tokens")
    os.makedirs(tokens)
    conf = os.path.join(tmp, "softhsm", "softhsm2.conf")
    with open(conf, "w", encoding="utf-8") as f:
        f.write(f"directories.tokendir = {tokens}\nobjectstore.backend = file\n"
                "log.level = ERROR\n")
    env = {**os.environ, "SOFTHSM2_CONF": conf}
    subprocess.run([shutil.which("softhsm2-util"), "--init-token", "--free", "--label", LABEL,
                    "--pin", USER_PIN, "--so-pin", SO_PIN],
                   check=True, capture_output=True, env=env)
    subprocess.run([shutil.which("p11tool"), "--login", "--generate-privkey=ECDSA",
                    "--curve=secp256r1", "--label=e2e-key", "--id=0e2e",
                    f"pkcs11:token={LABEL}"],
                   check=True, capture_output=True, env={**env, "GNUTLS_PIN": USER_PIN})
    return conf


def main():
    for tool in ("softhsm2-util", "p11tool"):
        if shutil.which(tool) is None:
            skip_all(f"{tool} is not installed")
    if not os.path.exists("/usr/share/p11-kit/modules/softhsm2.module"):
        skip_all("SoftHSM2 is not registered with p11-kit")

    print(f"1..{N_CHECKS}", flush=True)
    tmp = tempfile.mkdtemp(prefix="ck-e2e-tokens-")
    conf = make_token(tmp)
    proc = start_app(tmp, size="1000x760", env_extra={"SOFTHSM2_CONF": conf})
    try:
        app = wait_for("the application on the accessibility bus", app_node)
        main_window = wait_for("the main window", lambda: window(app, "Certkeeper"))

        # An empty store still leads to the tokens.
        tokens_button = wait_for("the Security Tokens button",
                                 lambda: find(main_window, "push button", name_re=r"Security _?Tokens",
                                              predicate=clickable))
        do_action(tokens_button, "click")
        wait_for("the token on the Tokens page", lambda: find(main_window, "label", LABEL))
        tap(find(main_window, "label", name_re=r"initialized, login required") is not None,
            "the Tokens page lists the token with its state")

        login = wait_for("the token's Log In button",
                         lambda: find(main_window, "push button", name_re=f"Log in to {LABEL}",
                                      predicate=clickable))
        windows_before = n_windows(app)
        do_action(login, "click")
        dialog = wait_for("the PIN dialog", lambda: window(app, "Log In to Token"))
        pin = wait_for("the PIN entry", lambda: find(dialog, "text", "PIN",
                                                     predicate=sensitive))
        tap(find(dialog, "label", name_re=r"initialized, login required") is not None
            and find(dialog, "label", LABEL) is not None,
            "the PIN dialog shows the token and its state before the PIN is typed")

        # A wrong PIN first.
        set_text(pin, "not-the-pin")
        log_in = find(dialog, "push button", name_re=r"^_?Log In(?!…)", predicate=sensitive)
        do_action(log_in, "click")
        said = wait_for("the wrong-PIN message",
                        lambda: find(dialog, "label", name_re=r"wrong PIN"))
        # Editable again, with the wrong PIN still there and selected, to
        # be typed over.
        wait_for("the PIN entry to be usable again",
                 lambda: sensitive(pin) and pin.getState().contains(pyatspi.STATE_EDITABLE))
        tap("wrong PIN" in said.name and len(text_of(pin)) == len("not-the-pin")
            and selection_of(pin) == (0, len("not-the-pin"))
            and n_windows(app) == windows_before + 1,
            "a wrong PIN is said, the entry keeps it selected and the dialog stays")
        tap(find(dialog, "label", name_re=r"PIN count low") is not None,
            "the dialog shows what the token now reports")

        # Then the right one.
        set_text(pin, USER_PIN)
        log_in = wait_for("Log In to be enabled",
                          lambda: find(dialog, "push button", name_re=r"^_?Log In(?!…)",
                                       predicate=sensitive))
        do_action(log_in, "click")
        wait_for("the PIN dialog to close", lambda: n_windows(app) == windows_before)
        wait_for("the logged-in state",
                 lambda: find(main_window, "label", name_re=r"logged in"))
        tap(find(main_window, "push button", name_re=f"Log out of {LABEL}") is not None,
            "the right PIN logs in and Log Out is offered")

        key = wait_for("the key on the token", lambda: find(main_window, "label", "e2e-key"))
        tap(find(main_window, "label", name_re=r"^Private key · ID 0e2e$") is not None,
            "the token's key is listed under the token")

        # Its details, read from the token, with the token as source.
        details = find(main_window, "push button", "Show details of e2e-key", predicate=clickable)
        do_action(details, "click")
        tap(wait_for("the token as source in the details",
                     lambda: find(main_window, "label", name_re=f"^Token: {LABEL}")) is not None,
            "the key's details name the token as its source")
    finally:
        stop_app(proc)
        shutil.rmtree(tmp, ignore_errors=True)

    if ckatspi.checks_run() != N_CHECKS:
        bail("ran %d of %d checks" % (ckatspi.checks_run(), N_CHECKS))


if __name__ == "__main__":
    main()
