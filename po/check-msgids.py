#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fails on a translatable string that xgettext cannot extract whole.

xgettext joins adjacent string literals but cannot expand macros, so in
_("Certificate %" G_GINT64_FORMAT " is a CA") it extracts only
"Certificate %": the catalogue never has the string the program looks up,
and it stays English in every language. Use %lld with a (long long) cast
(or %zu for a gsize) in translatable strings instead.

The C files of po/POTFILES.in are extracted with the keywords of meson's
glib preset; every msgid that ends in the middle of a %-directive is
reported with its place. Exit status 77 (skip) without xgettext.

Usage: check-msgids.py SOURCE_ROOT
"""

import os
import re
import shutil
import subprocess
import sys
import tempfile

KEYWORDS = ["_", "N_", "C_:1c,2", "NC_:1c,2", "g_dngettext:2,3", "ngettext:1,2",
            "g_dpgettext2:2c,3"]
# A '%' not doubled, then only flags, a width, a precision or a length
# modifier up to the end of the string: the conversion was cut off.
CUT_DIRECTIVE = re.compile(r"(?<!%)(?:%%)*%[-+ #0']*[0-9*]*(?:\.[0-9*]*)?"
                           r"(?:hh|h|ll|l|j|z|t|L)?$")


def unquote(s):
    return s.encode("latin-1", "backslashreplace").decode("unicode_escape")


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else os.path.join(os.path.dirname(__file__), "..")
    xgettext = shutil.which("xgettext")
    if xgettext is None:
        print("SKIP: xgettext is not installed")
        return 77
    files = []
    with open(os.path.join(root, "po", "POTFILES.in"), encoding="utf-8") as f:
        for line in f:
            line = re.sub(r"#.*", "", line)
            line = re.sub(r"^\[[^]]*\]\s*", "", line).strip()
            if line.endswith((".c", ".h")):
                files.append(line)
    with tempfile.TemporaryDirectory() as tmp:
        pot = os.path.join(tmp, "check.pot")
        subprocess.run([xgettext, "--from-code=UTF-8", "--language=C", "-o", pot,
                        "--directory=" + root]
                       + ["--keyword=" + k for k in KEYWORDS] + files,
                       check=True, stderr=subprocess.DEVNULL)
        problems = []
        places, key, msgid = [], None, None
        with open(pot, encoding="utf-8") as f:
            for line in f:
                line = line.rstrip("\n")
                if line.startswith("#: "):
                    places.extend(line[3:].split())
                    continue
                m = re.match(r'^(msgid|msgid_plural|msgstr\S*|msgctxt) "(.*)"$', line)
                if m:
                    if key in ("msgid", "msgid_plural") and msgid is not None:
                        if CUT_DIRECTIVE.search(unquote(msgid)):
                            problems.append((places, msgid))
                    key, msgid = m.group(1), m.group(2)
                    if key == "msgstr" or key.startswith("msgstr["):
                        places = []
                elif line.startswith('"') and key is not None:
                    msgid += line[1:-1]
        for where, text in problems:
            print("FAIL: %s: the translatable string \"%s\" is cut off at a format macro: "
                  "use %%lld with a (long long) cast (or %%zu) instead"
                  % (", ".join(where), text))
    if problems:
        return 1
    print("OK: every translatable string is extracted whole")
    return 0


if __name__ == "__main__":
    sys.exit(main())
