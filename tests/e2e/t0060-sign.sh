# prov sign writes minisign signatures that stock minisign verifies.
. "$(dirname "$0")/lib.sh"

new_identity alice
new_identity bob
head -c 100000 /dev/urandom >data.bin
expect_exit 0 prov sign data.bin --as alice
expect_eq "$(cat "$TMP/out")" "data.bin.minisig"
prov id export alice --minisign >alice.pub
prov id export bob --minisign >bob.pub
minisign -V -p alice.pub -m data.bin >"$TMP/mv" || fail "minisign -V rejects our signature"
expect_grep "Signature and comment signature verified" "$TMP/mv"
expect_grep "file:data.bin" "$TMP/mv"
minisign -V -p bob.pub -m data.bin >/dev/null 2>&1 && fail "minisign accepted the wrong key"

expect_exit 0 prov verify-sig data.bin --key alice.pub
expect_grep "^signature valid$" "$TMP/out"
did=$(prov id show alice --json | sed -n 's/.*"did": "\(.*\)".*/\1/p')
expect_exit 0 prov verify-sig data.bin --key "$did"
expect_exit 1 prov verify-sig data.bin --key bob.pub
expect_exit 0 prov sign data.bin --as alice --comment "release 1.0"
minisign -V -p alice.pub -m data.bin >"$TMP/mv" || fail "minisign -V rejects a custom comment"
expect_grep "release 1.0" "$TMP/mv"

# Tampered file, tampered signature, missing signature, garbage key.
cp data.bin.minisig saved.sig
printf 'x' >>data.bin
expect_exit 1 prov verify-sig data.bin --key alice.pub
minisign -V -p alice.pub -m data.bin >/dev/null 2>&1 && fail "minisign accepted a changed file"
head -c 100000 data.bin >d2 && mv d2 data.bin
sed -i 's/trusted comment: release 1.0/trusted comment: release 2.0/' data.bin.minisig
expect_exit 1 prov verify-sig data.bin --key alice.pub
expect_exit 2 prov verify-sig data.bin --sig nothere.minisig --key alice.pub
echo "junk" >junk.pub
expect_exit 2 prov verify-sig data.bin --sig saved.sig --key junk.pub
expect_exit 0 prov verify-sig data.bin --sig saved.sig --key alice.pub
