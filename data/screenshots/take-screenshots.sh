#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Takes the screenshots in this directory: builds a demo store with
# certtool and certkeeper-cli in a temporary directory, then starts the
# real application under Xvfb once per view with its hidden --screenshot
# option (GTK renders the window itself: no compositor or X screenshot tool
# needed).
#
# Usage: data/screenshots/take-screenshots.sh [BUILD_DIR]   (default: build)
# Needs: xvfb-run, certtool, a built certkeeper and certkeeper-cli.

set -eu

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
build=${1:-$root/build}
case $build in /*) ;; *) build=$root/$build ;; esac
app=$build/src/app/certkeeper
cli=$build/src/cli/certkeeper-cli

for tool in xvfb-run certtool "$app" "$cli"; do
  command -v "$tool" >/dev/null 2>&1 || { echo "take-screenshots: $tool not found" >&2; exit 1; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"

now=$(date -u +%s)
day=86400
iso () { date -u -d "@$1" '+%Y-%m-%d %H:%M:%S'; }

# cert NAME CN ORG DAYS_FROM_NOW_START DAYS_FROM_NOW_END [CA_NAME] [ca|server] [SANS]
cert () {
  name=$1 cn=$2 org=$3 start=$4 end=$5 ca=${6:-} kind=${7:-server} sans=${8:-}
  certtool --generate-privkey --key-type ecdsa --curve secp256r1 --outfile "$name.key" 2>/dev/null
  {
    echo "cn = \"$cn\""
    echo "organization = \"$org\""
    echo "country = DE"
    echo "activation_date = \"$(iso $((now + start * day)))\""
    echo "expiration_date = \"$(iso $((now + end * day)))\""
    echo "serial = $(od -An -N4 -tu4 /dev/urandom | tr -d ' ')"
    if [ "$kind" = ca ]; then
      echo "ca"
      echo "cert_signing_key"
      echo "crl_signing_key"
    else
      echo "signing_key"
      echo "encryption_key"
      echo "tls_www_server"
      for san in $sans; do echo "dns_name = \"$san\""; done
    fi
  } > "$name.tmpl"
  if [ -z "$ca" ]; then
    certtool --generate-self-signed --load-privkey "$name.key" --template "$name.tmpl" \
      --outfile "$name.pem" 2>/dev/null
  else
    certtool --generate-certificate --load-privkey "$name.key" --template "$name.tmpl" \
      --load-ca-certificate "$ca.pem" --load-ca-privkey "$ca.key" --outfile "$name.pem" 2>/dev/null
  fi
}

cert root "Example Root CA 2024" "Example Trust Services" -400 3250 "" ca
cert issuing "Example Issuing CA R3" "Example Trust Services" -300 1500 root ca
cert www "www.example.com" "Example Corp" -30 335 issuing server "www.example.com example.com"
cert mail "mail.example.com" "Example Corp" -353 12 issuing server "mail.example.com smtp.example.com"
cert vpn "vpn.example.org" "Example Org" -368 -3 issuing server "vpn.example.org"
cert api "api.internal.example" "Example Corp Platform" -10 80 issuing server "api.internal.example"
cert grafana "grafana.ops.example" "Example Corp Operations" -100 265 issuing server "grafana.ops.example"
cert legacy "Legacy Intranet Root" "Example Corp IT" -4000 -200 "" ca
cert wiki "wiki.intranet.example" "Example Corp IT" -2000 -250 legacy server "wiki.intranet.example"
cert git "git.example.com" "Example Corp" -5 360 issuing server "git.example.com"

# The usual store of a home whose data directory is $work/data: the window
# then shows no store directory in its title, as on a user's desktop.
store=$work/data/certkeeper
printf 'screenshot passphrase\n' > pass.txt
"$cli" --store "$store" import issuing.pem mail.pem vpn.pem api.pem grafana.pem \
  legacy.pem wiki.pem git.pem >/dev/null
# The root with its key: a CA of this store, for Sign Request.
cat root.pem root.key > root-with-key.pem
"$cli" --store "$store" import --key-passphrase-file pass.txt root-with-key.pem >/dev/null
cat www.pem www.key > www-with-key.pem
"$cli" --store "$store" import --key-passphrase-file pass.txt www-with-key.pem >/dev/null
cat api.key > api-key.pem
"$cli" --store "$store" import --key-passphrase-file pass.txt api-key.pem >/dev/null
cat git.pem git.key > import-me.pem

# Trust: the demo root is an anchor for TLS servers, the legacy root is
# distrusted; everything else stays at the default (importing trusts nothing).
fingerprint () { certtool -i --infile "$1" | awk '/Fingerprint:/ { f = 1 } f && /sha256:/ { sub(/.*sha256:/, ""); print; exit }'; }
"$cli" --store "$store" trust set "$(fingerprint root.pem)" --purpose tls-server --trusted >/dev/null
"$cli" --store "$store" trust set "$(fingerprint legacy.pem)" --purpose all --distrusted >/dev/null

# Two requests: one pending, one for the key of www (issued once imported).
"$cli" --store "$store" request --new-key ecdsa --label "shop.example.com" --profile tls-server \
  --cn shop.example.com --o "Example Corp" --c DE --san DNS:shop.example.com \
  --key-passphrase-file pass.txt --out shop.csr >/dev/null 2>&1
"$cli" --store "$store" request --new-key ecdsa --label "Example Corp code signing" --profile code-signing \
  --cn "Example Corp" --o "Example Corp" --c DE \
  --key-passphrase-file pass.txt --out code.csr >/dev/null 2>&1

# A SoftHSM token for the Tokens page, in this temporary directory only.
# PINs come from the environment, never from the command line.
if command -v softhsm2-util >/dev/null 2>&1 && command -v p11tool >/dev/null 2>&1; then
  mkdir -p "$work/tokens"
  printf 'directories.tokendir = %s/tokens\nobjectstore.backend = file\nlog.level = ERROR\n' "$work" \
    > "$work/softhsm2.conf"
  export SOFTHSM2_CONF="$work/softhsm2.conf"
  GNUTLS_SO_PIN=87654321 p11tool --initialize --label "Demo Token" "pkcs11:model=SoftHSM%20v2" >/dev/null 2>&1
  GNUTLS_SO_PIN=87654321 GNUTLS_PIN=123456 p11tool --initialize-pin "pkcs11:token=Demo%20Token" >/dev/null 2>&1
  printf '123456\n' > pin.txt
  "$cli" --store "$store" keygen --token "pkcs11:token=Demo%20Token" --algorithm ecdsa \
    --label "vpn-gateway" --pin-file pin.txt >/dev/null 2>&1 || true
fi

# GNOME's title buttons (close only): a bare X server has no XSettings
# daemon, and GTK would show minimise and maximise too, which a GNOME
# session does not (and which makes the narrow window wider).
mkdir -p "$work/config/gtk-4.0"
printf '[Settings]\ngtk-decoration-layout=appmenu:close\n' > "$work/config/gtk-4.0/settings.ini"

shoot () {
  out=$1 size=$2 view=$3
  shift 3
  xvfb-run -a -s '-screen 0 1600x1200x24' env \
    XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data" CK_LOCALEDIR="$build/po" \
    GSK_RENDERER=cairo GSETTINGS_BACKEND=memory GSETTINGS_SCHEMA_DIR="$build/data" \
    LC_ALL=${SCREENSHOT_LC_ALL:-C.UTF-8} LANGUAGE=${SCREENSHOT_LANGUAGE:-} \
    NO_AT_BRIDGE=1 GTK_A11Y=none \
    "$app" --window-size "$size" --screenshot-view "$view" \
    --screenshot "${SHOT_DIR:-$here}/$out" "$@" >/dev/null
  echo "wrote ${SHOT_DIR:-$here}/$out"
}

shoot main-window.png 1280x800 details
shoot certificates-800x600.png 800x600 list
shoot details-800x600.png 800x600 details
shoot details-360.png 360x720 details
shoot keys.png 1280x800 keys
shoot import-dialog.png 1280x800 import "$work/import-me.pem"
shoot requests.png 1280x800 requests
shoot tokens.png 1280x800 tokens
shoot pin-dialog.png 1280x800 pin
shoot trust-dialog.png 1280x800 trust
shoot request-assistant.png 1280x800 assistant
shoot sign-dialog.png 1280x1000 sign

# The help pages show some of the same pictures (help/C/figures, listed in
# help/meson.build): a copy, so that the help does not depend on data/.
figures=$root/help/C/figures
figure () {
  cp "$here/$1" "$figures/$2"
  echo "wrote help/C/figures/$2"
}
figure main-window.png main-window.png
figure import-dialog.png import-dialog.png
figure request-assistant.png request-assistant.png
figure trust-dialog.png trust-dialog.png
figure tokens.png tokens.png
figure pin-dialog.png pin-dialog.png
figure sign-dialog.png sign-dialog.png

# Translated help gets pictures in its language (help/<lang>/figures; the
# build falls back to help/C/figures for any that are missing), from the
# catalogues meson compiled under BUILD/po (CK_LOCALEDIR, set in shoot).
for lang in $(sed -e 's/#.*//' "$root/help/LINGUAS"); do
  if [ ! -f "$build/po/$lang/LC_MESSAGES/certkeeper.mo" ]; then
    echo "take-screenshots: no $build/po/$lang/LC_MESSAGES/certkeeper.mo: help/$lang/figures not taken"
    continue
  fi
  # Dates in the language too, when its UTF-8 locale exists.
  locale=$(locale -a 2>/dev/null | grep -i -m1 "^${lang}_.*utf-\?8$" || echo C.UTF-8)
  mkdir -p "$root/help/$lang/figures"
  for shot in "main-window.png 1280x800 details" "import-dialog.png 1280x800 import $work/import-me.pem" \
              "request-assistant.png 1280x800 assistant" "trust-dialog.png 1280x800 trust" \
              "tokens.png 1280x800 tokens" "pin-dialog.png 1280x800 pin"; do
    set -- $shot
    out=$1 size=$2 view=$3
    shift 3
    SHOT_DIR=$root/help/$lang/figures SCREENSHOT_LANGUAGE=$lang SCREENSHOT_LC_ALL=$locale \
      shoot "$out" "$size" "$view" "$@"
  done
done
