#!/bin/sh
# SPDX-License-Identifier: GPL-3.0-or-later
# Makes all-extensions.pem (a self-signed CA certificate) and
# all-extensions.csr (a request asking for the same extensions), which carry
# every extension Certkeeper's description model decodes: basic
# constraints, key usage, EKU, SAN and IAN with every name type, SKI/AKI
# (with the issuer and serial), AIA (OCSP and caIssuers), CRL distribution
# points, freshest CRL, certificate policies (CPS URI, user notice with a
# notice reference), policy mappings, name constraints, policy constraints,
# inhibitAnyPolicy, an SCT list of two timestamps, TLS feature
# (must-staple), subject directory attributes, the Microsoft template name
# and template v2, a Netscape comment, and one extension nobody knows.
# The outputs are committed; run this again only to change them:
#   sh tests/data/extensions/make-all-extensions.sh
set -eu
cd "$(dirname "$0")"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# An RFC 6962 SignedCertificateTimestampList of two v1 SCTs (log id,
# timestamp, no extensions, ECDSA-SHA256 and a dummy signature), as the
# TLS encoding the extension's OCTET STRING carries.
sct() {  # $1: log id byte, $2: timestamp (ms, 16 hex digits)
  logid=$(printf "$1%.0s" $(seq 32))
  printf '00%s%s0000040300040102030400' "$logid" "$2" | sed 's/00$//'
}
sct1=$(sct aa 0000017f00000000)
sct2=$(sct bb 0000018000000000)
len() { printf '%04x' $(( ${#1} / 2 )); }
scts="$(len "$sct1")$sct1$(len "$sct2")$sct2"
sctlist="$(len "$scts")$scts"

cat > "$tmp/ext.cnf" <<CNF
[ req ]
distinguished_name = dn
prompt = no
req_extensions = ext
[ dn ]
C = DE
O = Certkeeper Test
CN = All Extensions CA

[ ext ]
basicConstraints = critical, CA:TRUE, pathlen:2
keyUsage = critical, digitalSignature, keyCertSign, cRLSign
extendedKeyUsage = serverAuth, clientAuth, 1.3.6.1.4.1.311.20.2.2, 1.2.3.4.5.6
subjectAltName = @san
issuerAltName = URI:http://ca.example.com/, email:ca@example.com
subjectKeyIdentifier = hash
authorityInfoAccess = OCSP;URI:http://ocsp.example.com/, caIssuers;URI:http://ca.example.com/ca.crt
crlDistributionPoints = URI:http://crl.example.com/ca.crl, URI:http://crl2.example.com/ca.crl
freshestCRL = URI:http://crl.example.com/delta.crl
certificatePolicies = ia5org, @policy1, 2.23.140.1.2.1, 2.5.29.32.0
policyMappings = 2.23.140.1.2.1:1.3.6.1.4.1.55555.1.2
nameConstraints = critical, permitted;DNS:.example.com, permitted;IP:192.0.2.0/255.255.255.0, excluded;DNS:bad.example.com, excluded;email:.example.net
policyConstraints = requireExplicitPolicy:0, inhibitPolicyMapping:1
inhibitAnyPolicy = 2
tlsfeature = status_request
nsComment = "Certkeeper test fixture: every extension"
# SCT list (RFC 6962)
1.3.6.1.4.1.11129.2.4.2 = ASN1:FORMAT:HEX,OCTETSTRING:$sctlist
# Subject directory attributes (RFC 3739): date and place of birth, citizenship
2.5.29.9 = ASN1:SEQUENCE:sda
# Microsoft szOID_ENROLL_CERTTYPE and szOID_CERTIFICATE_TEMPLATE
1.3.6.1.4.1.311.20.2 = ASN1:BMPSTRING:WebServer
1.3.6.1.4.1.311.21.7 = ASN1:SEQUENCE:template
# An extension nobody knows: shown as hex
1.3.6.1.4.1.55555.99 = ASN1:UTF8String:opaque

[ san ]
DNS.1 = www.example.com
DNS.2 = example.com
IP.1 = 192.0.2.1
IP.2 = 2001:db8::1
email.1 = admin@example.com
URI.1 = https://www.example.com/
dirName.1 = san_dn
RID.1 = 1.2.3.4
otherName.1 = 1.3.6.1.4.1.311.20.2.3;UTF8:user@example.com
otherName.2 = 1.3.6.1.4.1.55555.7;UTF8:something

[ san_dn ]
O = Certkeeper Test
CN = Directory Name

[ policy1 ]
policyIdentifier = 1.3.6.1.4.1.55555.1.1
CPS.1 = "https://cps.example.com/cps"
userNotice.1 = @notice

[ notice ]
explicitText = "Test certificate: no reliance"
organization = "Certkeeper Test CA"
noticeNumbers = 1, 2

[ sda ]
birth = SEQUENCE:sda_birth
place = SEQUENCE:sda_place
citizen = SEQUENCE:sda_citizen

[ sda_birth ]
type = OID:1.3.6.1.5.5.7.9.1
values = SET:sda_birth_values
[ sda_birth_values ]
v = GENTIME:19700101000000Z

[ sda_place ]
type = OID:1.3.6.1.5.5.7.9.2
values = SET:sda_place_values
[ sda_place_values ]
v = UTF8String:Berlin

[ sda_citizen ]
type = OID:1.3.6.1.5.5.7.9.4
values = SET:sda_citizen_values
[ sda_citizen_values ]
v = PRINTABLESTRING:DE

[ template ]
id = OID:1.3.6.1.4.1.311.21.8.1234.5678.1
major = INTEGER:100
minor = INTEGER:4
CNF

openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
  -keyout "$tmp/key.pem" -config "$tmp/ext.cnf" -out all-extensions.csr
# The certificate: the same extensions, and the AKI (keyid, issuer, serial).
sed 's/^subjectKeyIdentifier = hash$/&\nauthorityKeyIdentifier = keyid:always, issuer:always/' \
  "$tmp/ext.cnf" > "$tmp/x509.cnf"
openssl x509 -req -in all-extensions.csr -key "$tmp/key.pem" -days 7300 \
  -set_serial 0x1234567890abcdef -sha256 \
  -extfile "$tmp/x509.cnf" -extensions ext -out all-extensions.pem
