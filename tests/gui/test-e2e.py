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
import subprocess
import sys
import tempfile
import time

os.environ.pop("NO_AT_BRIDGE", None)

TIMEOUT = float(os.environ.get("CK_E2E_TIMEOUT", "30"))
tests_run = 0


def tap(ok, description):
    global tests_run
    tests_run += 1
    print(("ok" if ok else "not ok") + " %d - %s" % (tests_run, description), flush=True)
    return ok


def bail(message):
    print("Bail out! " + message, flush=True)
    sys.exit(1)


def skip_all(reason):
    print("1..0 # SKIP " + reason, flush=True)
    sys.exit(0)


try:
    import gi
    gi.require_version("Atspi", "2.0")
    import pyatspi
except Exception as e:  # pragma: no cover
    skip_all("pyatspi is not available: %s" % e)

if not os.environ.get("DISPLAY"):
    skip_all("no X display (run under xvfb-run)")
if not os.environ.get("DBUS_SESSION_BUS_ADDRESS"):
    skip_all("no D-Bus session bus (run under dbus-run-session)")


def wait_for(what, func, timeout=TIMEOUT):
    """Polls func() until it returns something true; never a fixed sleep."""
    deadline = time.monotonic() + timeout
    last_error = None
    while time.monotonic() < deadline:
        try:
            result = func()
            if result:
                return result
        except Exception as e:  # objects vanish while windows change
            last_error = e
        time.sleep(0.1)
    bail("timed out waiting for %s%s" % (what, " (%s)" % last_error if last_error else ""))


def walk(node, depth=0):
    if node is None or depth > 60:
        return
    yield node
    try:
        children = list(node)
    except Exception:
        return
    for child in children:
        yield from walk(child, depth + 1)


def find(root, role=None, name=None, name_re=None, predicate=None):
    for node in walk(root):
        try:
            if role is not None and node.getRoleName() != role:
                continue
            if name is not None and node.name != name:
                continue
            if name_re is not None and not re.search(name_re, node.name or ""):
                continue
            if predicate is not None and not predicate(node):
                continue
            return node
        except Exception:
            continue
    return None


def text_of(node):
    try:
        text = node.queryText()
        return text.getText(0, text.characterCount)
    except Exception:
        return ""


def sensitive(node):
    return node.getState().contains(pyatspi.STATE_SENSITIVE)


def showing(node):
    return node.getState().contains(pyatspi.STATE_SHOWING)


def clickable(node):
    try:
        return node.queryAction().nActions > 0
    except Exception:
        return False


def do_action(node, action_name=None):
    action = node.queryAction()
    for i in range(action.nActions):
        if action_name is None or action.getName(i) == action_name:
            return action.doAction(i)
    raise RuntimeError("%s has no action %s" % (node.name, action_name))


def set_text(node, text):
    return node.queryEditableText().setTextContents(text)


def app_node():
    desktop = pyatspi.Registry.getDesktop(0)
    for app in desktop:
        if app is not None and app.name == "certkeeper":
            return app
    return None


def window(app, title):
    for child in app:
        if child is not None and child.name == title:
            return child
    return None


def n_windows(app):
    # Only the count: GTK 4.8 can crash answering for a window that is
    # being destroyed, so a closing window is waited for by count.
    return app.childCount


def openssl(*args, **kwargs):
    return subprocess.run([os.environ.get("CK_OPENSSL", "openssl")] + list(args),
                          check=True, capture_output=True, **kwargs)


def der_of(pem_path):
    return openssl("x509", "-in", pem_path, "-outform", "DER").stdout


def main():
    certkeeper = os.environ.get("CK_CERTKEEPER")
    if not certkeeper or not os.path.exists(certkeeper):
        bail("CK_CERTKEEPER does not name the certkeeper binary")
    if shutil.which(os.environ.get("CK_OPENSSL", "openssl")) is None:
        skip_all("openssl is not installed")

    print("1..8", flush=True)
    tmp = tempfile.mkdtemp(prefix="ck-e2e-")
    home = os.path.join(tmp, "home")
    os.makedirs(home)
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

    env = dict(os.environ)
    env.pop("NO_AT_BRIDGE", None)
    env.update({
        "GTK_A11Y": "atspi",
        "GSETTINGS_BACKEND": "memory",
        "HOME": home,
        "XDG_CONFIG_HOME": os.path.join(home, ".config"),
        "XDG_DATA_HOME": os.path.join(home, ".local/share"),
        "XDG_CACHE_HOME": os.path.join(home, ".cache"),
        "GTK_USE_PORTAL": "0",
    })
    # Wide enough for the list and the details side by side.
    proc = subprocess.Popen([certkeeper, "--store", os.path.join(tmp, "store"),
                             "--window-size", "1260x900", combined], env=env)
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
        toast = wait_for("the toast", lambda: find(main_window, "label",
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
                                                and w.name != "Certkeeper"
                                                and find(w, "push button", name_re=r"Delete$",
                                                         predicate=clickable)),
                                               None))
        windows_before = n_windows(app)
        do_action(confirm_delete, "click")
        wait_for("the confirmation to close", lambda: n_windows(app) < windows_before)
        wait_for("the row to go", lambda: rows.childCount == 0)
        undo = wait_for("the Undo button of the toast",
                        lambda: find(main_window, "push button", name_re=r"Undo$",
                                     predicate=clickable))
        tap(find(main_window, "label", name_re=r"e2e\.certkeeper\.test.* deleted") is not None,
            "deleting asks first and then says so in a toast")
        do_action(undo, "click")
        wait_for("the row to come back", lambda: rows.childCount == 1)
        tap(find(rows, "label", "e2e.certkeeper.test") is not None,
            "Undo puts the certificate back")
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        shutil.rmtree(tmp, ignore_errors=True)

    if tests_run != 8:
        bail("ran %d of 8 checks" % tests_run)


if __name__ == "__main__":
    main()
