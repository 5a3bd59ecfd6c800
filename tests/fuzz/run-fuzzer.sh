#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Runs the libFuzzer targets for a bounded time, each on a corpus seeded
# for it:
#   fuzz-importer  every input-like file of tests/data, plus PKCS#12 (one
#                  with 40 certificates in one safe), encrypted PKCS#8 and
#                  legacy encrypted PEM made here with openssl under the
#                  password the target answers (1234)
#   fuzz-pkcs7     the PKCS#7 files of tests/data, plus a 40-certificate one
#   fuzz-template  the certtool templates of tests/data, and tests/fuzz/seeds/template
#                  (inputs that once crashed it)
#   fuzz-subject   tests/fuzz/seeds/subject (--subject strings)
#   fuzz-san       tests/fuzz/seeds/san (--san strings)
#   fuzz-description tests/fuzz/seeds/description (the extensions of
#                  tests/data/extensions/all-extensions.pem, each after
#                  the octet that picks its decoder)
#
#   tests/fuzz/run-fuzzer.sh BUILD_DIR SECONDS [TARGET…]
#
# SECONDS is the total: the importer gets 2/7 of it, the others 1/7 each
# (at least 5 s). BUILD_DIR must be configured with CC=clang
# -Dfuzzing=true (see tests/fuzz/meson.build). Exits non-zero when a
# target finds a crash; the reproducer is kept in tests/fuzz/crashes/,
# named after the target.
#
# CK_FUZZ_SEED fixes libFuzzer's random seed. With CI=true it defaults to
# 1, so that the CI stage is repeatable: the same inputs, mutated in the
# same order, and a failure there is a failure here too (a slower machine
# runs a prefix of the same sequence). Otherwise each run draws its own
# seed and explores further; what it finds goes into tests/fuzz/seeds and
# a unit test once fixed.
set -eu

if [ $# -lt 2 ]; then
  echo "usage: $0 BUILD_DIR SECONDS [TARGET…]" >&2
  exit 2
fi
build_dir=$1
seconds=$2
shift 2
targets=${*:-fuzz-importer fuzz-pkcs7 fuzz-template fuzz-subject fuzz-san fuzz-description}
here=$(cd "$(dirname "$0")" && pwd)
srcdata=$here/../data
crashes=$here/crashes
password=1234
if [ -n "${CK_FUZZ_SEED:-}" ]; then
  seed=$CK_FUZZ_SEED
elif [ "${CI:-}" = true ]; then
  seed=1
else
  seed=0   # libFuzzer draws one
fi

# shellcheck disable=SC2086
meson compile -C "$build_dir" $targets

work=$(mktemp -d "${TMPDIR:-/tmp}/ck-fuzz.XXXXXX")
trap 'rm -rf "$work"' EXIT INT TERM

# Copies the files find(1) selects (small enough to mutate usefully).
seed_from () {
  dest=$1
  shift
  find "$@" -type f -size -64k | while read -r f; do
    cp "$f" "$dest/$(basename "$f")"
  done
}

# Encrypted inputs under $password, so that the importer's unlock paths
# run: a single iteration, so each execution stays cheap. The password
# reaches openssl through a file, never the command line.
make_encrypted_seeds () {
  dest=$1
  command -v openssl >/dev/null || { echo "no openssl: encrypted seeds skipped" >&2; return 0; }
  gen=$work/gen
  mkdir -p "$gen"
  (
    cd "$gen"
    umask 077
    echo "$password" > pw
    openssl genpkey -algorithm EC -pkeyopt ec_paramgen_curve:P-256 -out key.pem
    openssl req -x509 -new -key key.pem -subj /CN=fuzz-leaf -days 30 -out leaf.pem
    : > chain.pem
    i=1
    while [ $i -le 40 ]; do
      openssl req -x509 -new -key key.pem -subj "/CN=fuzz-chain-$i" -set_serial $i \
        -days 30 >> chain.pem
      i=$((i + 1))
    done
    openssl pkcs8 -topk8 -v2 aes-256-cbc -iter 1 -in key.pem -passout file:pw \
      -outform DER -out "$dest/enc-pkcs8.der"
    openssl pkcs8 -topk8 -v2 aes-128-cbc -iter 1 -in key.pem -passout file:pw \
      -out "$dest/enc-pkcs8.pem"
    openssl ec -in key.pem -aes128 -passout file:pw -out "$dest/legacy-enc.pem"
    openssl pkcs12 -export -inkey key.pem -in leaf.pem -name "fuzz leaf" \
      -iter 1 -nomaciter -passout file:pw -out "$dest/one.p12"
    openssl pkcs12 -export -inkey key.pem -in leaf.pem -certfile chain.pem \
      -iter 1 -nomaciter -passout file:pw -out "$dest/40-certs.p12"
    openssl pkcs12 -export -inkey key.pem -in leaf.pem -certfile chain.pem -certpbe NONE \
      -iter 1 -nomaciter -passout file:pw -out "$dest/40-certs-plain.p12"
    openssl pkcs12 -export -inkey key.pem -in leaf.pem -certpbe PBE-SHA1-3DES \
      -keypbe PBE-SHA1-3DES -iter 1 -nomaciter -passout file:pw -out "$dest/3des.p12"
    openssl crl2pkcs7 -nocrl -certfile leaf.pem -certfile chain.pem -outform DER \
      -out "$work/40-certs.p7b"
  ) >/dev/null 2>"$work/openssl.log" || {
    cat "$work/openssl.log" >&2
    echo "making the encrypted seeds failed" >&2
    return 1
  }
}

importer_corpus=$work/fuzz-importer
pkcs7_corpus=$work/fuzz-pkcs7
mkdir -p "$importer_corpus" "$pkcs7_corpus" "$work/fuzz-template" "$work/fuzz-subject" \
  "$work/fuzz-san" "$work/fuzz-description" "$crashes"
seed_from "$importer_corpus" "$srcdata" \( -name '*.pem' -o -name '*.der' -o -name '*.crt' \
    -o -name '*.key' -o -name '*.p12' -o -name '*.pfx' -o -name '*.p7b' \
    -o -name '*.p7' -o -name '*.p8' -o -name '*.csr' -o -name '*.crq' -o -name '*.crl' \)
make_encrypted_seeds "$importer_corpus"
seed_from "$pkcs7_corpus" "$srcdata" \( -name '*.p7b' -o -name '*.p7' \)
[ ! -f "$work/40-certs.p7b" ] || cp "$work/40-certs.p7b" "$pkcs7_corpus/"
seed_from "$work/fuzz-template" "$srcdata" -name '*.tmpl'
seed_from "$work/fuzz-template" "$here/seeds/template"
seed_from "$work/fuzz-subject" "$here/seeds/subject"
seed_from "$work/fuzz-san" "$here/seeds/san"
seed_from "$work/fuzz-description" "$here/seeds/description"

status=0
for target in $targets; do
  case $target in
    fuzz-importer) share=$((seconds * 2 / 7)) ;;
    *) share=$((seconds / 7)) ;;
  esac
  [ "$share" -ge 5 ] || share=5
  echo "== $target: $(ls "$work/$target" | wc -l) seeds, $share s, random seed $seed"
  # -rss_limit_mb: the importer caps inputs, a blow-up is a bug.
  if ! "$build_dir/tests/fuzz/$target" "$work/$target" \
      -max_total_time="$share" \
      -max_len=65536 \
      -timeout=20 \
      -rss_limit_mb=2048 \
      -print_final_stats=1 \
      -seed="$seed" \
      -artifact_prefix="$crashes/$target-"; then
    echo "$target: found a crash (reproducer in $crashes/)" >&2
    status=1
  fi
done
exit $status
