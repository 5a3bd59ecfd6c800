#!/bin/bash
# SPDX-License-Identifier: GPL-3.0-or-later
# One-object commands (show, verify, export) on a 1,000 and a 100,000
# certificate store, two certkeeper-cli builds side by side in one run:
# whole processes, alternated before/after run by run, CPU time (user +
# system) and peak RSS of each, medians. See "Open only what is asked
# for" in bench/README.md.
#
#   bench/one-object.sh AFTER-BUILD BEFORE-BUILD [RUNS]
#
# BEFORE-BUILD is a build of the tree to compare with, for instance
# `git worktree add --detach /tmp/before f2faa38` then
# `meson setup /tmp/before/_build /tmp/before -Dgui=false -Dtests=false &&
#  ninja -C /tmp/before/_build src/cli/certkeeper-cli` (same buildtype as
# AFTER-BUILD). AFTER-BUILD needs src/cli/certkeeper-cli, bench/ck-bench-gen
# and bench/ck-bench-store. The certificates (ck-bench-gen --seed 2
# --ca-in-bundle: one CA, then the leaves it signed) and the stores are
# kept in $CK_BENCH_DIR (default /tmp/ck-bench-one), made on the first run
# (a few minutes for 100,000). Both builds read the same stores, which
# neither changes (the CA's trust is set once, when a store is made).
set -eu

after=$1
before=$2
runs=${3:-7}
dir=${CK_BENCH_DIR:-/tmp/ck-bench-one}
sizes="1000 100000"
mkdir -p "$dir"
chmod 700 "$dir"

for b in "$after" "$before"; do
  [ -x "$b/src/cli/certkeeper-cli" ] || { echo "$b/src/cli/certkeeper-cli is missing" >&2; exit 1; }
done
for p in ck-bench-gen ck-bench-store; do
  [ -x "$after/bench/$p" ] || { echo "$after/bench/$p is missing" >&2; exit 1; }
done
cli_after=$after/src/cli/certkeeper-cli
cli_before=$before/src/cli/certkeeper-cli

today=$(( $(date -u +%s) / 86400 * 86400 ))
for n in $sizes; do
  certs=$dir/certs-$n.pem
  store=$dir/store-$n
  if [ ! -s "$certs" ]; then
    echo "=== generating $n certificates" >&2
    "$after/bench/ck-bench-gen" -n "$n" --seed 2 --now "$today" --ca-in-bundle \
      -o "$certs" -j "$(nproc)" >&2
  fi
  if [ ! -f "$store/store.db" ]; then
    echo "=== building the $n store" >&2
    rm -rf "$store"
    "$after/bench/ck-bench-store" build "$store" "$certs" >&2
    # The CA is the first certificate (id 1): trusted, so verify walks a
    # chain to an anchor rather than stopping at an unknown issuer.
    "$cli_after" --store "$store" trust set 1 --purpose tls-server --trusted >/dev/null
  fi
done

# One process: "CPU-ms RSS-KiB", from wait4() (microseconds: /usr/bin/time
# rounds to 10 ms, as much as a whole command on the small store).
measure () {
  /usr/bin/python3 - "$dir/stderr.txt" "$@" <<'PY' || { echo "failed: $*" >&2; cat "$dir/stderr.txt" >&2; return 1; }
import os, sys
err = open(sys.argv[1], "w")
pid = os.fork()
if pid == 0:
    os.dup2(os.open(os.devnull, os.O_WRONLY), 1)
    os.dup2(err.fileno(), 2)
    os.execv(sys.argv[2], sys.argv[2:])
_, status, ru = os.wait4(pid, 0)
if os.waitstatus_to_exitcode(status) != 0:
    sys.exit(1)
print(f"{(ru.ru_utime + ru.ru_stime) * 1000:.1f} {ru.ru_maxrss}")
PY
}
median () { sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

echo "date:  $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "after: $(git -C "$(dirname "$0")" rev-parse --short HEAD 2>/dev/null || echo '?') ($after)"
echo "before: $before"
echo "cpu:   $(nproc) × $(lscpu | sed -n 's/^Model name: *//p')"
echo "load at the start: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "runs:  $runs per figure, before and after alternated; medians"
echo
printf '%-8s %-8s %-7s %12s %12s %12s %12s\n' command store id "before CPU" "after CPU" "before RSS" "after RSS"

for n in $sizes; do
  store=$dir/store-$n
  # A leaf from the middle of the store that is trusted for TLS server
  # (not expired, a server certificate): verify walks its whole chain.
  id=$(( n / 2 ))
  until "$cli_after" --store "$store" verify "$id" --purpose tls-server >/dev/null; do
    id=$(( id + 1 ))
  done
  for cmd in show verify export; do
    case $cmd in
      show) args=(show "$id") ;;
      verify) args=(verify "$id" --purpose tls-server) ;;
      export) args=(export "$id" --chain) ;;
    esac
    : > "$dir/before.txt"
    : > "$dir/after.txt"
    : > "$dir/first.txt"
    for _ in $(seq "$runs"); do
      measure "$cli_before" --store "$store" "${args[@]}" >> "$dir/before.txt"
      measure "$cli_after" --store "$store" "${args[@]}" >> "$dir/after.txt"
    done
    printf '%-8s %-8s %-7s %9s ms %9s ms %8s MiB %8s MiB\n' "$cmd" "$n" "$id" \
      "$(cut -d' ' -f1 "$dir/before.txt" | median)" \
      "$(cut -d' ' -f1 "$dir/after.txt" | median)" \
      "$(cut -d' ' -f2 "$dir/before.txt" | median | awk '{ printf "%.1f", $1 / 1024 }')" \
      "$(cut -d' ' -f2 "$dir/after.txt" | median | awk '{ printf "%.1f", $1 / 1024 }')"
  done
  # A lazy open checks the whole file once after each change (see
  # ck_store_check_integrity_once()): what the first command pays.
  for _ in $(seq "$runs"); do
    rm -f "$store/store.db-checked"
    measure "$cli_after" --store "$store" show "$id" >> "$dir/first.txt"
  done
  printf '%-8s %-8s %-7s %12s %9s ms %12s %8s MiB   (after: first command after a change)\n' \
    "show" "$n" "$id" "" "$(cut -d' ' -f1 "$dir/first.txt" | median)" "" \
    "$(cut -d' ' -f2 "$dir/first.txt" | median | awk '{ printf "%.1f", $1 / 1024 }')"
  : > "$dir/first.txt"
done
echo
echo "load at the end: $(cut -d' ' -f1-3 /proc/loadavg)"
