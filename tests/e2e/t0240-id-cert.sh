# prov id cert: X.509 certificates for C2PA signing from a private root,
# checked with openssl.
. "$(dirname "$0")/lib.sh"

new_identity alice
new_identity bob
did=$(prov id show alice --json | sed -n 's/^  "did": "\(.*\)",$/\1/p')
[ -n "$did" ] || fail "no did for alice"
leaf=$PROV_HOME/certs/alice.pem
root=$PROV_HOME/ca/prov-root.pem

# The first certificate makes the CA, whose key is encrypted like an
# identity's.
PROV_PASSPHRASE=ca-secret expect_exit 0 prov id cert alice --root-out root.pem
expect_grep "^certificate: $leaf$" "$TMP/out"
expect_grep "^subject:     O = prov, CN = alice$" "$TMP/out"
expect_grep "^issuer:      O = prov, CN = prov-root$" "$TMP/out"
expect_grep "^did:         $did$" "$TMP/out"
expect_grep "^root:        $root \(new CA\)$" "$TMP/out"
expect_grep "^root copy:   root.pem$" "$TMP/out"
cmp root.pem "$root" || fail "--root-out differs from the CA's root"
expect_eq "$(stat -c %a "$PROV_HOME/ca/prov-root.key")" 600 "CA key mode"
grep -q '"argon2id13"' "$PROV_HOME/ca/prov-root.key" || fail "CA key not encrypted"
expect_no_grep "ca-secret" "$PROV_HOME/ca/prov-root.key"

# openssl accepts the chain and sees the profile C2PA asks for.
openssl verify -CAfile root.pem "$leaf" >"$TMP/verify" 2>&1 || {
	cat "$TMP/verify" >&2
	fail "openssl verify rejects the leaf"
}
expect_eq "$(cat "$TMP/verify")" "$leaf: OK"
openssl x509 -in "$leaf" -noout -text >leaf.txt
for line in \
	"        Version: 3 (0x2)" \
	"        Signature Algorithm: ED25519" \
	"        Issuer: O = prov, CN = prov-root" \
	"        Subject: O = prov, CN = alice" \
	"            Public Key Algorithm: ED25519" \
	"            X509v3 Basic Constraints: critical" \
	"                CA:FALSE" \
	"            X509v3 Key Usage: critical" \
	"                Digital Signature" \
	"                E-mail Protection, 1.3.6.1.4.1.62558.2.1" \
	"            X509v3 Subject Key Identifier: " \
	"            X509v3 Authority Key Identifier: " \
	"                URI:$did"; do
	grep -Fxq -- "$line" leaf.txt || {
		cat leaf.txt >&2
		fail "the leaf lacks the line '$line'"
	}
done
expect_no_grep "Certificate Sign|TLS Web|Any Extended" leaf.txt
openssl x509 -in root.pem -noout -text >root.txt
for line in \
	"        Version: 3 (0x2)" \
	"        Issuer: O = prov, CN = prov-root" \
	"        Subject: O = prov, CN = prov-root" \
	"            X509v3 Basic Constraints: critical" \
	"                CA:TRUE" \
	"            X509v3 Key Usage: critical" \
	"                Certificate Sign, CRL Sign" \
	"            X509v3 Subject Key Identifier: "; do
	grep -Fxq -- "$line" root.txt || {
		cat root.txt >&2
		fail "the root lacks the line '$line'"
	}
done
# The leaf names the root's key; the serial is 16 random bytes; the
# fingerprint is the DER's SHA-256; the default validity is 365 days.
ski=$(sed -n '/Subject Key Identifier/{n;s/ //gp;}' root.txt)
aki=$(sed -n '/Authority Key Identifier/{n;s/ //gp;}' leaf.txt)
expect_eq "$aki" "$ski" "the leaf's AKI"
serial=$(openssl x509 -in "$leaf" -noout -serial | sed 's/^serial=//' | tr A-F a-f)
expect_eq "${#serial}" 32 "serial length"
expect_grep "^serial:      $serial$" "$TMP/out"
fp=$(openssl x509 -in "$leaf" -noout -fingerprint -sha256 | sed 's/^.*=//; s/://g' | tr A-F a-f)
expect_grep "^fingerprint: sha256:$fp$" "$TMP/out"
nb=$(date -u -d "$(openssl x509 -in "$leaf" -noout -startdate | sed 's/^notBefore=//')" +%s)
na=$(date -u -d "$(openssl x509 -in "$leaf" -noout -enddate | sed 's/^notAfter=//')" +%s)
expect_eq "$((na - nb))" "$((365 * 86400))" "default validity"
expect_grep "^valid:       $(date -u -d "@$nb" +%Y-%m-%dT%H:%M:%SZ) to $(date -u -d "@$na" +%Y-%m-%dT%H:%M:%SZ)$" "$TMP/out"

# A second identity reuses the root: same bytes, no new CA.
cp "$root" root-before.pem
PROV_PASSPHRASE=ca-secret expect_exit 0 prov id cert bob --days 30 --json
cmp "$root" root-before.pem || fail "the root changed"
bleaf=$PROV_HOME/certs/bob.pem
openssl verify -CAfile root.pem "$bleaf" >/dev/null || fail "openssl verify rejects bob's leaf"
bdid=$(prov id show bob --json | sed -n 's/^  "did": "\(.*\)",$/\1/p')
bserial=$(openssl x509 -in "$bleaf" -noout -serial | sed 's/^serial=//' | tr A-F a-f)
bfp=$(openssl x509 -in "$bleaf" -noout -fingerprint -sha256 | sed 's/^.*=//; s/://g' | tr A-F a-f)
nb=$(date -u -d "$(openssl x509 -in "$bleaf" -noout -startdate | sed 's/^notBefore=//')" +%s)
na=$(date -u -d "$(openssl x509 -in "$bleaf" -noout -enddate | sed 's/^notAfter=//')" +%s)
expect_eq "$((na - nb))" "$((30 * 86400))" "--days 30"
cat >want.json <<EOF
{
  "name": "bob",
  "did": "$bdid",
  "certificate": "$bleaf",
  "subject": "O = prov, CN = bob",
  "issuer": "O = prov, CN = prov-root",
  "serial": "$bserial",
  "not_before": "$(date -u -d "@$nb" +%Y-%m-%dT%H:%M:%SZ)",
  "not_after": "$(date -u -d "@$na" +%Y-%m-%dT%H:%M:%SZ)",
  "fingerprint": "sha256:$bfp",
  "ca": "prov-root",
  "root": "$root",
  "ca_created": false,
  "root_out": null
}
EOF
diff -u want.json "$TMP/out" >&2 || fail "--json differs"
[ "$bserial" != "$serial" ] || fail "two certificates share a serial"

# Issuing again replaces the leaf (a new serial); the old one is gone.
cp "$leaf" alice-old.pem
PROV_PASSPHRASE=ca-secret expect_exit 0 prov id cert alice
! cmp -s "$leaf" alice-old.pem || fail "the leaf was not replaced"
expect_grep "^root:        $root$" "$TMP/out"
ls "$PROV_HOME/certs" >certs.txt
expect_eq "$(cat certs.txt | tr '\n' ' ')" "alice.pem bob.pem " "files in certs/"

# Another CA by name: its own root, which alice's old leaf does not chain to.
PROV_PASSPHRASE=other expect_exit 0 prov id cert alice --ca team --root-out team.pem
expect_grep "^issuer:      O = prov, CN = team$" "$TMP/out"
expect_grep "^root:        $PROV_HOME/ca/team.pem \(new CA\)$" "$TMP/out"
openssl verify -CAfile team.pem "$leaf" >/dev/null || fail "openssl rejects the team leaf"
if openssl verify -CAfile team.pem alice-old.pem >/dev/null 2>&1; then
	fail "a leaf of prov-root verifies under team"
fi
cmp "$root" root-before.pem || fail "prov-root changed"

# Refusals: exit 2, a message, nothing written.
cp "$leaf" alice-now.pem
for days in 0 -1 x 12x "" 3651 99999999999999999999; do
	PROV_PASSPHRASE=ca-secret expect_exit 2 prov id cert alice --days "$days"
	expect_grep "^prov: id cert: --days takes a whole number of days from 1 to 3650, not '$days'$" "$TMP/err"
done
PROV_PASSPHRASE=ca-secret expect_exit 2 prov id cert carol
expect_eq "$(cat "$TMP/err")" "prov: no identity named 'carol'"
PROV_PASSPHRASE=ca-secret expect_exit 2 prov id cert ../alice
PROV_PASSPHRASE=ca-secret expect_exit 2 prov id cert alice --ca ../x
expect_grep "not a valid CA name" "$TMP/err"
PROV_PASSPHRASE=wrong expect_exit 2 prov id cert alice
expect_grep "wrong passphrase" "$TMP/err"
PROV_PASSPHRASE=ca-secret expect_exit 2 prov id cert alice --root-out "$TMP/no/such/dir/root.pem"
expect_eq "$(cat "$TMP/err")" "prov: cannot write the root certificate '$TMP/no/such/dir/root.pem': no such file or directory"
PROV_PASSPHRASE= expect_exit 2 prov id cert alice --ca empty
expect_grep "empty passphrase" "$TMP/err"
[ ! -e "$PROV_HOME/ca/empty.key" ] && [ ! -e "$PROV_HOME/ca/empty.pem" ] || fail "a CA was written despite the error"
cmp "$leaf" alice-now.pem || fail "a refused command changed the leaf"
ls "$PROV_HOME/certs" >certs.txt
expect_eq "$(cat certs.txt | tr '\n' ' ')" "alice.pem bob.pem " "files in certs/ after refusals"
ls -A "$PROV_HOME/ca" >ca.txt
expect_eq "$(cat ca.txt | tr '\n' ' ')" "prov-root.key prov-root.pem team.key team.pem " "files in ca/"
expect_exit 2 prov id cert
expect_exit 2 prov id cert alice bob

expect_exit 0 prov id cert --help
expect_grep "^usage: prov id cert NAME \[--ca CA-NAME\] \[--days N\] \[--root-out ROOT.pem\] \[--json\]$" "$TMP/out"
expect_exit 0 prov id --help
expect_grep "prov id cert NAME" "$TMP/out"
