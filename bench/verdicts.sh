#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# Trust verdicts and search at 100,000 certificates, before and after, in
# one run: tests/gui/bench-trust and tests/gui/bench-gui of two build
# directories, alternated on the same stores, with the load average
# before each. See "Trust verdicts off the main thread" in bench/README.md.
#
#   bench/verdicts.sh AFTER-BUILD BEFORE-BUILD [N]
#
# BEFORE-BUILD is a build of the tree to compare with (for instance
# `git worktree add /tmp/before fbe5d26`, its bench-trust.c replaced by
# this tree's and compiled with -DCK_BENCH_BEFORE: the code before the
# verdict cache has no "Not trusted" filter). Both need
# `meson compile -C BUILD tests/gui/bench-trust tests/gui/bench-gui`.
# Stores are kept in $CK_BENCH_DIR (default /tmp/ck-bench-verdicts), made
# on the first run (a few minutes).
set -eu

after=$1
before=$2
n=${3:-100000}
dir=${CK_BENCH_DIR:-/tmp/ck-bench-verdicts}
mkdir -p "$dir/trust" "$dir/gui"
chmod 700 "$dir" "$dir/trust" "$dir/gui"

run () {
  local label=$1 build=$2 bench=$3 store=$4
  echo "=== $label: $bench, load average $(cut -d' ' -f1-3 /proc/loadavg)"
  CK_BENCH_STORE=$store NO_AT_BRIDGE=1 GTK_A11Y=none LC_ALL=C.UTF-8 \
    xvfb-run -a -s '-screen 0 1280x1024x24' "$build/tests/gui/$bench" "$n" 2>&1 \
    | grep -v WARNING
}

run after "$after" bench-gui "$dir/gui"
run before "$before" bench-gui "$dir/gui"
run after "$after" bench-trust "$dir/trust"
run before "$before" bench-trust "$dir/trust"
echo "=== done, load average $(cut -d' ' -f1-3 /proc/loadavg)"
