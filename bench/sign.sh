#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Certkeeper's CA against certtool on the same inputs: signing N requests
# with a P-256 CA, and a CRL with M revoked entries. Figures go to
# bench/README.md. Usage: bench/sign.sh BUILD-DIR [N] [M]
set -eu
build=${1:?usage: sign.sh BUILD-DIR [N] [M]}
n=${2:-1000}
m=${3:-100000}
work=$(mktemp -d "${TMPDIR:-/tmp}/ck-bench-sign-XXXXXX")
trap 'rm -rf "$work"' EXIT

cpu() { # command… : prints "wall W s, cpu C s" of the command and its children
  /usr/bin/time -f "wall %e s, cpu %U+%S s" "$@" 2>&1 >/dev/null | tail -1
}

echo "== signing $n requests with a P-256 CA"
"$build/bench/ck-bench-sign" sign --dir "$work/sign" -n "$n"
printf 'tls_www_server\nsigning_key\nhonor_crq_extensions\nexpiration_days = 90\n' > "$work/sign/leaf.tmpl"
cat > "$work/sign/all.sh" <<SH
for r in "$work"/sign/req-*.pem; do
  certtool --generate-certificate --load-request "\$r" --load-ca-certificate "$work/sign/ca.pem" \
    --load-ca-privkey "$work/sign/ca.key" --template "$work/sign/leaf.tmpl" --outfile "\$r.crt" 2>/dev/null
done
SH
echo "certtool --generate-certificate x$n (one process each): $(cpu sh "$work/sign/all.sh")"

echo "== a CRL with $m revoked entries"
"$build/bench/ck-bench-sign" crl --dir "$work/crl" -n "$m"
printf 'crl_next_update = 7\ncrl_number = 1\n' > "$work/crl/crl.tmpl"
echo "certtool --generate-crl with $m certificates: $(cpu certtool --generate-crl \
  --load-ca-privkey "$work/crl/ca.key" --load-ca-certificate "$work/crl/ca.pem" \
  --load-certificate "$work/crl/revoked.pem" --template "$work/crl/crl.tmpl" \
  --outfile "$work/crl/certtool.crl")"
openssl crl -in "$work/crl/ours.crl" -noout -verify -CAfile "$work/crl/ca.pem" 2>&1 | tail -1
echo "entries: ours $(openssl crl -in "$work/crl/ours.crl" -noout -text | grep -c 'Serial Number'), certtool $(openssl crl -in "$work/crl/certtool.crl" -noout -text | grep -c 'Serial Number')"
