#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Importing N private keys with a store passphrase against the same import
# without one, whole certkeeper-cli processes into fresh stores, alternated,
# R runs each; the medians of wall and CPU (user + system) time, and the
# load average. Target (issue 16): with a passphrase ≤ 2 s for 1,000 keys.
# With OLD-CLI (a certkeeper-cli from before the key vault, which ran the
# passphrase's key derivation once per key) it is timed too, on OLD-N keys.
# Figures go to bench/README.md ("Keys with a store passphrase").
# Usage: bench/keys.sh BUILD-DIR [N] [R] [OLD-CLI] [OLD-N]
set -eu
build=${1:?usage: keys.sh BUILD-DIR [N] [R] [OLD-CLI] [OLD-N]}
n=${2:-1000}
runs=${3:-5}
old_cli=${4:-}
old_n=${5:-100}
cli=$build/src/cli/certkeeper-cli
gen=$build/bench/ck-bench-gen
work=$(mktemp -d "${TMPDIR:-/tmp}/ck-bench-keys-XXXXXX")
trap 'rm -rf "$work"' EXIT

[ -x "$cli" ] && [ -x "$gen" ] || { echo "keys.sh: build $cli and $gen first" >&2; exit 1; }
echo "load: $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min) on $(nproc) CPUs, commit $(git -C "$(dirname "$0")" rev-parse --short HEAD 2>/dev/null || echo '?')"
"$gen" -n "$n" --seed 3 --key-type p256 --out-certs "$work/certs.pem" --out-keys "$work/keys.pem" >/dev/null
echo "store passphrase" > "$work/pw"
chmod 600 "$work/pw"

# One import into a fresh store; appends "wall cpu" to FILE.
timed_import () { # FILE CLI KEYS OPTIONS…
  out=$1 bin=$2 keys=$3; shift 3
  rm -rf "$work/store"
  /usr/bin/time -f "%e %U %S" -o "$work/t" "$bin" --store "$work/store" import "$keys" "$@" \
    </dev/null >"$work/stdout" 2>"$work/stderr" || { cat "$work/stderr" >&2; exit 1; }
  grep -q "Imported" "$work/stdout" || { cat "$work/stdout" >&2; exit 1; }
  awk '{ printf "%s %.2f\n", $1, $2 + $3 }' "$work/t" >> "$out"
}
median () { # FILE COLUMN
  sort -n -k"$2" "$1" | awk -v c="$2" '{ v[NR] = $c } END { print v[int((NR + 1) / 2)] }'
}

: > "$work/with"; : > "$work/without"
for r in $(seq "$runs"); do
  timed_import "$work/without" "$cli" "$work/keys.pem" --no-key-passphrase
  timed_import "$work/with" "$cli" "$work/keys.pem" --key-passphrase-file "$work/pw"
done
# Every key of the last import stored sealed: it did what it says.
sealed=$(sqlite3 "$work/store/store.db" \
  "SELECT count(*) FROM keys WHERE encrypted = 1 AND substr(pkcs8, 1, 4) = CAST('CKW1' AS BLOB)" \
  2>/dev/null || echo '?')
echo "import $n keys, store passphrase: wall $(median "$work/with" 1) s, cpu $(median "$work/with" 2) s (median of $runs)"
echo "import $n keys, no passphrase:    wall $(median "$work/without" 1) s, cpu $(median "$work/without" 2) s (median of $runs)"
echo "sealed keys in the last store: $sealed of $n"

if [ -n "$old_cli" ]; then
  head -n "$(grep -n 'END PRIVATE KEY' "$work/keys.pem" | sed -n "${old_n}p" | cut -d: -f1)" \
    "$work/keys.pem" > "$work/old-keys.pem"
  : > "$work/old"
  timed_import "$work/old" "$old_cli" "$work/old-keys.pem" --key-passphrase-file "$work/pw"
  echo "before the vault ($old_cli), $old_n keys, store passphrase: wall $(median "$work/old" 1) s, cpu $(median "$work/old" 2) s (one run)"
fi
echo "load: $(cut -d' ' -f1-3 /proc/loadavg) (at the end)"
