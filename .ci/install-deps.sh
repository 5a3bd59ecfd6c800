#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Installs the Debian 12 packages listed in .ci/debian-packages.txt.
# Runs apt-get only when something is missing, so that repeated CI runs on a
# prepared machine do not depend on the mirror. Uses sudo when not root.
set -eu

list="$(dirname "$0")/debian-packages.txt"
packages=$(sed -e 's/#.*//' "$list" | tr -s ' \t' '\n' | grep -v '^$')

missing=
for p in $packages; do
  status=$(dpkg-query -W -f='${db:Status-Status}' "$p" 2>/dev/null || true)
  [ "$status" = installed ] || missing="$missing $p"
done

if [ -z "$missing" ]; then
  echo "install-deps: all $(echo $packages | wc -w) packages are installed"
  exit 0
fi

sudo=
if [ "$(id -u)" -ne 0 ]; then
  sudo="sudo"
fi
echo "install-deps: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update
# shellcheck disable=SC2086
$sudo env DEBIAN_FRONTEND=noninteractive \
  apt-get install -y --no-install-recommends $packages < /dev/null
