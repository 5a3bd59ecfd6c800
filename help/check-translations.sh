#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# For every language in help/LINGUAS: the po file compiles (msgfmt -c), its
# translations merge into the pages (itstool refuses broken markup), and the
# merged pages are valid Mallard (yelp-check validate). The build would
# install whatever itstool produced, so this is what keeps a typo in a
# translated <gui> tag from shipping.
# Usage: check-translations.sh HELP_SOURCE_DIR
set -eu
help=$1
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
status=0
for lang in $(sed -e 's/#.*//' "$help/LINGUAS"); do
  mkdir -p "$tmp/$lang"
  if ! msgfmt -c --statistics -o "$tmp/$lang.gmo" "$help/$lang/$lang.po"; then
    echo "FAIL: $help/$lang/$lang.po does not compile"
    status=1
    continue
  fi
  # itstool falls back to English, with only a warning, for a translation
  # whose markup is broken: such a warning fails the check.
  if ! itstool -m "$tmp/$lang.gmo" --lang "$lang" -o "$tmp/$lang/" \
         "$help"/C/*.page "$help"/C/legal.xml 2>"$tmp/$lang.log" \
     || grep -q . "$tmp/$lang.log"; then
    cat "$tmp/$lang.log"
    echo "FAIL: $lang: some translations do not merge into the pages (see above)"
    status=1
    continue
  fi
  if yelp-check validate "$tmp/$lang"/*.page; then
    echo "OK: $lang pages are valid Mallard"
  else
    echo "FAIL: $lang: merged pages are not valid Mallard"
    status=1
  fi
done
exit $status
