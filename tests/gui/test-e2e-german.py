#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""End-to-end test of the translation machinery: the real certkeeper, run
with LANGUAGE=de against the catalogue meson compiled (CK_LOCALEDIR), is
German where a user sees it: the empty page, the import dialog, and a
plural in the toast ("2 Zertifikate importiert").

The expected texts are read from po/de.po, so the test checks that the
catalogue reaches the screen, not a copy of the translation.
"""

import os
import re
import shutil
import sys
import tempfile

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from ckatspi import *  # noqa: E402,F401,F403
import ckatspi  # noqa: E402

N_CHECKS = 5


def catalogue(path):
    """msgid -> msgstr, and (msgid, n) -> msgstr[n] for plurals, from a
    plain .po file (no fuzzy entries; msgfmt --check guards its syntax)."""
    entries = {}
    msgid = plural = None
    field = None
    values = {}

    def flush():
        if msgid is None:
            return
        if plural is None:
            entries[msgid] = values.get("msgstr", "")
        else:
            for key, value in values.items():
                m = re.fullmatch(r"msgstr\[(\d+)\]", key)
                if m:
                    entries[(msgid, int(m.group(1)))] = value

    def unquote(s):
        return bytes(s[1:-1], "utf-8").decode("unicode_escape").encode("latin-1").decode("utf-8")

    for line in open(path, encoding="utf-8"):
        line = line.strip()
        if line.startswith("msgid "):
            flush()
            msgid, plural, values = unquote(line[6:]), None, {}
            field = "msgid"
        elif line.startswith("msgid_plural "):
            plural = unquote(line[13:])
            field = "msgid_plural"
        elif line.startswith("msgstr"):
            key, _, rest = line.partition(" ")
            values[key] = unquote(rest)
            field = key
        elif line.startswith('"') and field is not None:
            if field == "msgid":
                msgid += unquote(line)
            elif field.startswith("msgstr"):
                values[field] += unquote(line)
    flush()
    return entries


def main():
    localedir = os.environ.get("CK_LOCALEDIR")
    po = os.environ.get("CK_DE_PO")
    if not localedir or not os.path.exists(os.path.join(localedir, "de", "LC_MESSAGES",
                                                          "certkeeper.mo")):
        bail("CK_LOCALEDIR does not hold de/LC_MESSAGES/certkeeper.mo")
    de = catalogue(po)
    chain = os.path.join(os.environ["CK_TEST_DATA"], "certtool", "email-certs",
                         "chain.test.example.com")

    print("1..%d" % N_CHECKS, flush=True)
    tmp = tempfile.mkdtemp(prefix="ck-e2e-de-")
    proc = start_app(tmp, env_extra={"LANGUAGE": "de", "LC_ALL": "C.UTF-8",
                                     "CK_LOCALEDIR": localedir})
    try:
        app = wait_for("the application on the accessibility bus", app_node)
        main_window = wait_for("the main window", lambda: window(app, "Certkeeper"))
        empty = de["No Certificates or Keys"]
        tap(wait_for("the empty page", lambda: find(main_window, name=empty)) is not None,
            "the empty page is German (%s)" % empty)
        stop_app(proc)

        proc = start_app(tmp, chain, env_extra={"LANGUAGE": "de", "LC_ALL": "C.UTF-8",
                                                "CK_LOCALEDIR": localedir})
        app = wait_for("the application on the accessibility bus", app_node)
        title = de["Import"]
        dialog = wait_for("the import dialog", lambda: window(app, title))
        tap(dialog is not None, "the import dialog is titled %s" % title)
        wait_for("the certificates in the preview",
                 lambda: find(dialog, "label", "CA-0"))
        button_name = de["_Import"].replace("_", "")
        import_button = wait_for("the %s button" % button_name,
                                 lambda: find(dialog, "push button", name_re=button_name + "$",
                                              predicate=sensitive))
        tap(import_button.name.endswith(button_name), "the import button says %s" % button_name)
        windows_before = n_windows(app)
        do_action(import_button, "click")
        wait_for("the import dialog to close", lambda: n_windows(app) == windows_before - 1)

        main_window = wait_for("the main window", lambda: window(app, "Certkeeper"))
        counts = de[("%u certificate", 1)].replace("%u", "2")
        expected = de["Imported %s"].replace("%s", counts)
        toast = wait_for("the toast", lambda: find_toast(main_window, "label",
                                                         name_re=re.escape(counts)))
        tap(toast.name == expected, "the toast uses the German plural (%s)" % toast.name)
        search_button = find(main_window, "push button", de["Search"])
        do_action(search_button, "click")
        entry_name = de["Search certificates"]
        tap(wait_for("the search entry", lambda: find(main_window, "entry", entry_name))
            is not None, "the search entry is named %s" % entry_name)
    finally:
        stop_app(proc)
        shutil.rmtree(tmp, ignore_errors=True)

    if ckatspi.checks_run() != N_CHECKS:
        bail("ran %d of %d checks" % (ckatspi.checks_run(), N_CHECKS))


if __name__ == "__main__":
    main()
