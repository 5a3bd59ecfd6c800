#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Fails when a file under src/ has translatable strings but is not listed in
# po/POTFILES.in (xgettext would silently leave its strings out of the
# template), or when POTFILES.in lists a file that does not exist (xgettext
# would fail on it).
# Usage: check-potfiles.sh [SOURCE_ROOT]   (default: the parent of po/)

set -u
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root" || exit 2
potfiles=po/POTFILES.in
if [ ! -f "$potfiles" ]; then
  echo "check-potfiles: $root/$potfiles does not exist" >&2
  exit 2
fi

# Entries without comments, blank lines or a "[type: …]" prefix.
listed=$(sed -e 's/#.*//' -e 's/^\[[^]]*\][[:space:]]*//' -e 's/[[:space:]]*$//' \
         "$potfiles" | grep -v '^$')

status=0

# _( N_( C_( NC_( Q_( with or without the GNU-style space before the
# parenthesis, any *ngettext, and translatable="yes" / translatable='yes'
# (GtkBuilder .ui) or translatable=yes / _("…") (Blueprint).
pattern='(^|[^A-Za-z0-9_])(_|N_|C_|NC_|Q_)[[:space:]]*\(|ngettext|translatable[[:space:]]*=[[:space:]]*["'"'"']?(yes|true)'

if [ -d src ]; then
  for f in $(grep -rlIE "$pattern" src | LC_ALL=C sort); do
    if ! printf '%s\n' "$listed" | grep -qxF "$f"; then
      line=$(grep -nIE "$pattern" "$f" | head -n 1 | cut -d: -f1)
      echo "FAIL: $f has translatable strings (first at line $line) but is not in $potfiles."
      echo "      Add this line to $potfiles (keep the list sorted): $f"
      status=1
    fi
  done
fi

for f in $listed; do
  if [ ! -f "$f" ]; then
    echo "FAIL: $potfiles lists $f, which does not exist. Remove or correct that line."
    status=1
  fi
done

if [ $status -eq 0 ]; then
  echo "OK: every file under src/ with translatable strings is listed in $potfiles"
fi
exit $status
