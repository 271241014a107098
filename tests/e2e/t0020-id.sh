# Identities: encrypted at rest, did:key names, exports, bad key files.
. "$(dirname "$0")/lib.sh"

PROV_PASSPHRASE=correct-horse expect_exit 0 prov id new alice
did=$(cat "$TMP/out")
echo "$did" | grep -Eq '^did:key:z6Mk[1-9A-HJ-NP-Za-km-z]{44}$' || fail "bad did: $did"
key="$PROV_HOME/keys/alice.key"
expect_eq "$(stat -c %a "$key")" 600 "key file mode"
expect_no_grep "correct-horse" "$key"
grep -q '"argon2id13"' "$key" || fail "key not encrypted with argon2id"

# Same name twice; a bad name; an empty passphrase.
PROV_PASSPHRASE=x expect_exit 2 prov id new alice
expect_grep "already exists" "$TMP/err"
PROV_PASSPHRASE=x expect_exit 2 prov id new ../evil
expect_grep "not a valid name" "$TMP/err"
PROV_PASSPHRASE= expect_exit 2 prov id new empty
expect_grep "empty passphrase" "$TMP/err"
[ ! -e "$PROV_HOME/keys/empty.key" ] || fail "a key was written despite the error"

new_identity bob
expect_exit 0 prov id list
expect_eq "$(wc -l <"$TMP/out")" 2
expect_grep "^alice +$did$" "$TMP/out"
expect_exit 0 prov id list --json
expect_grep '"encrypted": true' "$TMP/out"
expect_grep '"encrypted": false' "$TMP/out"

expect_exit 0 prov id show alice
expect_grep "^did: +$did$" "$TMP/out"
expect_exit 2 prov id show carol
expect_grep "no identity named 'carol'" "$TMP/err"

# Exports other tools read.
expect_exit 0 prov id export alice --ssh
expect_grep '^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5[A-Za-z0-9+/=]+ alice$' "$TMP/out"
cp "$TMP/out" alice.ssh.pub
ssh-keygen -l -f alice.ssh.pub >/dev/null || fail "ssh-keygen rejects the export"
expect_exit 0 prov id export alice --minisign
expect_grep '^untrusted comment: minisign public key [0-9A-F]{1,16}$' "$TMP/out"
kid=$(sed -n 's/^untrusted comment: minisign public key //p' "$TMP/out")
prov id show alice | grep -q "^minisign key id: $kid$" || fail "id show and the export disagree on the key id"
expect_exit 2 prov id export alice

# Signing needs the passphrase: a wrong one fails cleanly.
prov init . >/dev/null
echo work >w.txt
PROV_PASSPHRASE=wrong expect_exit 2 prov register w.txt --license MIT --as alice
expect_grep "wrong passphrase" "$TMP/err"
PROV_PASSPHRASE=correct-horse expect_exit 0 prov register w.txt --license MIT --as alice
# Two identities: --as is required.
expect_exit 2 prov sign w.txt
expect_grep "choose one with --as" "$TMP/err"
PROV_IDENTITY=bob expect_exit 0 prov sign w.txt

# Damaged key files: truncated, a flipped ciphertext byte, not JSON.
cp "$key" saved.key
head -c 100 saved.key >"$key"
PROV_PASSPHRASE=correct-horse expect_exit 2 prov sign w.txt --as alice
expect_grep "alice.key" "$TMP/err"
sed 's/"ciphertext":"\(.\)/"ciphertext":"Z\1/; s/"ciphertext":"ZZ/"ciphertext":"Y/' saved.key >"$key"
PROV_PASSPHRASE=correct-horse expect_exit 2 prov sign w.txt --as alice
expect_grep "damaged|wrong passphrase" "$TMP/err"
echo "garbage" >"$key"
PROV_PASSPHRASE=correct-horse expect_exit 2 prov sign w.txt --as alice
expect_grep "alice.key" "$TMP/err"
cp saved.key "$key"
PROV_PASSPHRASE=correct-horse expect_exit 0 prov sign w.txt --as alice
