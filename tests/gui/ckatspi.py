# SPDX-License-Identifier: GPL-3.0-or-later
"""Shared helpers for the end-to-end tests that drive the real certkeeper
through AT-SPI: TAP output, polling waits (never fixed sleeps), tree search,
actions, and starting the application on a private store and home.

Import it from a test next to it: `from ckatspi import *`.
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


def walk(node, depth=0, last_first=False):
    if node is None or depth > 60:
        return
    yield node
    try:
        children = list(node)
    except Exception:
        return
    if last_first:
        children.reverse()
    for child in children:
        yield from walk(child, depth + 1, last_first)


def find(root, role=None, name=None, name_re=None, predicate=None, last_first=False):
    for node in walk(root, last_first=last_first):
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


def find_toast(root, role="label", name=None, name_re=None, predicate=None):
    """Finds a node of a toast. Toasts are the last children of the toast
    overlay, so the walk goes last child first: a toast lasts seconds, and
    a full walk of a busy window on a loaded machine can take longer."""
    return find(root, role, name, name_re, predicate, last_first=True)


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
    """The top-level window called @title. The main window on a store other
    than the usual one is titled "Certkeeper — DIRECTORY": "Certkeeper"
    finds it too (the first, if there are several)."""
    for child in app:
        if child is not None and (child.name == title or
                                  (title == "Certkeeper" and
                                   child.name.startswith("Certkeeper — "))):
            return child
    return None


def is_main_window(node):
    """The main window: "Certkeeper", or "Certkeeper — DIRECTORY" on a store
    other than the usual one."""
    return node is not None and (node.name == "Certkeeper" or node.name.startswith("Certkeeper — "))


def n_windows(app):
    # Only the count: GTK 4.8 can crash answering for a window that is
    # being destroyed, so a closing window is waited for by count.
    return app.childCount


def openssl(*args, **kwargs):
    return subprocess.run([os.environ.get("CK_OPENSSL", "openssl")] + list(args),
                          check=True, capture_output=True, **kwargs)


def der_of(pem_path):
    return openssl("x509", "-in", pem_path, "-outform", "DER").stdout


def app_env(home):
    """The environment for a certkeeper under test: its own home and
    settings, AT-SPI on, no portals."""
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
    return env


def start_app(tmp, *args, size="1260x900", env_extra=None):
    """Starts certkeeper on tmp/store with tmp/home as its home; returns the
    process. Stop it with stop_app()."""
    certkeeper = os.environ.get("CK_CERTKEEPER")
    if not certkeeper or not os.path.exists(certkeeper):
        bail("CK_CERTKEEPER does not name the certkeeper binary")
    home = os.path.join(tmp, "home")
    os.makedirs(home, exist_ok=True)
    env = app_env(home)
    if env_extra:
        env.update(env_extra)
    return subprocess.Popen([certkeeper, "--store", os.path.join(tmp, "store"),
                             "--window-size", size] + list(args), env=env)


def stop_app(proc):
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()


def main_menu_button(main_window):
    """The main window's Main Menu button. The empty page has one too,
    earlier in the tree; GTK 4.8 does not say which is showing: the store
    page's is the last."""
    found = None
    for node in walk(main_window):
        try:
            if node.name == "Main Menu" and clickable(node):
                found = node
        except Exception:
            continue
    return found


def checks_run():
    return tests_run


def button(root, name):
    """Waits for a sensitive push button called @name. GTK 4.8 names a
    button with a mnemonic "_Next Next", hence the match on the end."""
    return wait_for("the %s button" % name,
                    lambda: find(root, "push button", name_re=r"(^|\s)%s$" % re.escape(name),
                                 predicate=lambda n: sensitive(n) and clickable(n)))


def save_as(app, dialog, chooser_title, path):
    """Clicks Save As… in @dialog, types @path into the save dialog titled
    @chooser_title, saves, and waits until the file is there and the
    dialog gone."""
    windows_before = n_windows(app)
    do_action(button(dialog, "Save As…"), "click")
    save_in_chooser(app, chooser_title, path)
    wait_for("the saved file", lambda: os.path.exists(path) and os.path.getsize(path) > 0)
    wait_for("the save dialog to close", lambda: n_windows(app) < windows_before + 1)


ASSISTANT_STEPS = ["Profile", "Key", "Subject", "Names and Usage", "Review"]
# New Self-Signed Certificate: the same pages and a validity page.
SELF_SIGNED_STEPS = ["Profile", "Key", "Subject", "Names and Usage", "Validity", "Review"]


def step_label(step, steps=ASSISTANT_STEPS):
    """The assistant's subtitle on step @step (1-based): "Step 3 of 5: Subject"."""
    return "Step %d of %d: %s" % (step, len(steps), steps[step - 1])


def on_step(dialog, step, steps=ASSISTANT_STEPS):
    """Waits until the assistant shows step @step."""
    return wait_for("step %d of the assistant (%s)" % (step, step_label(step, steps)),
                    lambda: find(dialog, "label", step_label(step, steps)))


def next_step(dialog, step, steps=ASSISTANT_STEPS):
    """Clicks Next once it is sensitive and waits until the assistant shows
    step @step: the next click never lands on the page being left, nor on
    one still validating what was typed."""
    do_action(button(dialog, "Next"), "click")
    return on_step(dialog, step, steps)


def press(node):
    """Clicks @node with the pointer: GTK 4.8 gives check buttons no AT-SPI
    action. Without a window manager Xvfb puts windows at the origin, so
    the window coordinates GTK reports are the screen's."""
    x, y, width, height = node.queryComponent().getExtents(pyatspi.WINDOW_COORDS)
    pyatspi.Registry.generateMouseEvent(x + width // 2, y + height // 2, "b1c")


def labels_in(node):
    """Every label's name and text under @node."""
    found = set()
    for n in walk(node):
        try:
            if n.getRoleName() == "label":
                found.add(n.name or "")
                found.add(text_of(n))
        except Exception:
            continue
    return found


def row_with(rows, text):
    """The index of the first row of @rows with a label @text, or None."""
    for i in range(rows.childCount):
        if text in labels_in(rows.getChildAtIndex(i)):
            return i
    return None


def save_in_chooser(app, title, path):
    """Types @path into the save dialog called @title and saves."""
    def chooser_entry():
        # A dialog that led here may still be closing under the same
        # title: the chooser is the window with a file name entry.
        for w in app:
            if w is not None and w.name == title:
                entry = find(w, "text", predicate=lambda n:
                             "EditableText" in pyatspi.listInterfaces(n))
                if entry is not None:
                    return w, entry
        return None
    chooser, entry = wait_for("the save dialog %s with its file name entry" % title, chooser_entry)
    set_text(entry, path)
    save = wait_for("the save button", lambda: find(chooser, "push button",
                                                    name_re=r"(Export|Save)$",
                                                    predicate=lambda n: sensitive(n)
                                                    and clickable(n)))
    do_action(save, "click")


def make_softhsm_token(tmp, label, user_pin, so_pin):
    """A fresh SoftHSM2 token in @tmp; returns its SOFTHSM2_CONF. The
    throwaway PINs go to softhsm2-util on its command line: it takes them
    no other way."""
    tokens = os.path.join(tmp, "softhsm", "tokens")
    os.makedirs(tokens)
    conf = os.path.join(tmp, "softhsm", "softhsm2.conf")
    with open(conf, "w", encoding="utf-8") as f:
        f.write(f"directories.tokendir = {tokens}\nobjectstore.backend = file\n"
                "log.level = ERROR\n")
    subprocess.run([shutil.which("softhsm2-util"), "--init-token", "--free", "--label", label,
                    "--pin", user_pin, "--so-pin", so_pin],
                   check=True, capture_output=True, env={**os.environ, "SOFTHSM2_CONF": conf})
    return conf
