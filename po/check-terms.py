#!/usr/bin/python3
# SPDX-License-Identifier: GPL-3.0-or-later
"""Fails on wording the project has settled:

- source strings (msgid, from src/) are American English: "initialized",
  not "initialised" (and the other -ise/-our spellings listed below);
- the German catalogues (po/de.po, help/de/de.po) call the store
  "Zertifikatsspeicher" throughout, never bare "Speicher", and a PKCS#12
  bag is a "Bag", not a "Beutel".

Usage: check-terms.py SOURCE_ROOT
"""

import re
import sys

BRITISH = re.compile(r"\b(initialis|recognis|organis|authoris|serialis|normalis|"
                     r"behaviour|colour|favour|licence\b)", re.I)
# "Speicher" alone is the store; "Speichern", "gespeichert", "Speicherort"
# are other words.
BARE_STORE = re.compile(r"(?<![A-Za-zÄÖÜäöüß-])Speichers?(?![A-Za-zÄÖÜäöüß-])|"
                        r"(?<![A-Za-zÄÖÜäöüß])Speicher-(?:Passphrase|ID)|Speicherkennung")
BEUTEL = re.compile(r"\bBeutel\b")


def entries(path):
    """(msgid, msgstr, line) of each entry, with continued lines joined."""
    key, parts, line_no, current = None, [], 0, {}
    with open(path, encoding="utf-8") as f:
        for number, line in enumerate(f, 1):
            line = line.rstrip("\n")
            m = re.match(r'^(msgid|msgid_plural|msgstr(?:\[\d+\])?) "(.*)"$', line)
            if m:
                if key is not None:
                    current.setdefault(key, []).append("".join(parts))
                key, parts = m.group(1).split("[")[0], [m.group(2)]
                if m.group(1) == "msgid":
                    if current:
                        yield current, line_no
                    current, line_no = {}, number
            elif line.startswith('"') and key is not None:
                parts.append(line[1:-1])
            else:
                if key is not None:
                    current.setdefault(key, []).append("".join(parts))
                key, parts = None, []
    if key is not None:
        current.setdefault(key, []).append("".join(parts))
    if current:
        yield current, line_no


def main():
    root = sys.argv[1] if len(sys.argv) > 1 else "."
    problems = []
    for path in (root + "/po/de.po", root + "/help/de/de.po"):
        for entry, line in entries(path):
            msgids = " ".join(entry.get("msgid", []) + entry.get("msgid_plural", []))
            msgstr = " ".join(entry.get("msgstr", []))
            if path.endswith("po/de.po") and BRITISH.search(msgids):
                problems.append("%s:%d: British spelling in the source string: %s"
                                % (path, line, msgids[:80]))
            for pattern, what in ((BARE_STORE, "the store is “Zertifikatsspeicher”"),
                                  (BEUTEL, "a PKCS#12 bag is a “Bag”")):
                m = pattern.search(msgstr.replace("\\n", " "))
                if m:
                    problems.append("%s:%d: “%s”: %s" % (path, line, m.group(0), what))
    for problem in problems:
        print(problem)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
