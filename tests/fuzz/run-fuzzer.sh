#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs the importer fuzzer for a bounded time on a corpus seeded from
# tests/data (certificates, keys, PKCS#12, PKCS#7, requests).
#   tests/fuzz/run-fuzzer.sh BUILD_DIR SECONDS
# BUILD_DIR must be configured with CC=clang -Dfuzzing=true (see
# tests/fuzz/meson.build). Exits non-zero when the fuzzer finds a crash;
# the reproducer is kept in tests/fuzz/crashes/.
set -eu

if [ $# -ne 2 ]; then
  echo "usage: $0 BUILD_DIR SECONDS" >&2
  exit 2
fi
build_dir=$1
seconds=$2
here=$(cd "$(dirname "$0")" && pwd)
srcdata=$here/../data
crashes=$here/crashes

meson compile -C "$build_dir" fuzz-importer
fuzzer=$build_dir/tests/fuzz/fuzz-importer

corpus=$(mktemp -d "${TMPDIR:-/tmp}/ck-fuzz-corpus.XXXXXX")
trap 'rm -rf "$corpus"' EXIT INT TERM

# Seeds: every input-like file, small enough to mutate usefully.
find "$srcdata" -type f \( -name '*.pem' -o -name '*.der' -o -name '*.crt' \
    -o -name '*.key' -o -name '*.p12' -o -name '*.pfx' -o -name '*.p7b' \
    -o -name '*.p7' -o -name '*.p8' -o -name '*.csr' -o -name '*.crq' \
    -o -name '*.crl' \) -size -64k |
  while read -r f; do
    cp "$f" "$corpus/$(basename "$f")"
  done
echo "seeded $(ls "$corpus" | wc -l) files into $corpus"

mkdir -p "$crashes"
# -rss_limit_mb: the importer caps inputs, a blow-up is a bug.
"$fuzzer" "$corpus" \
  -max_total_time="$seconds" \
  -max_len=65536 \
  -timeout=20 \
  -rss_limit_mb=2048 \
  -print_final_stats=1 \
  -artifact_prefix="$crashes/"
