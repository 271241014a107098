# Every commit prov makes carries an SSH signature stock git verifies.
. "$(dirname "$0")/lib.sh"

prov init . >/dev/null
new_identity alice
new_identity bob
echo one >one.txt
echo two >two.txt
prov register one.txt --license MIT --as alice >/dev/null
prov register two.txt --license MIT --as bob >/dev/null
{
	echo "alice namespaces=\"git\" $(prov id export alice --ssh)"
	echo "bob namespaces=\"git\" $(prov id export bob --ssh)"
} >allowed_signers
git -C .prov -c gpg.ssh.allowedSignersFile="$TMP/allowed_signers" \
	log --show-signature >"$TMP/log" 2>&1
expect_eq "$(grep -c '^Good "git" signature for alice with ED25519 key' "$TMP/log")" 1
expect_eq "$(grep -c '^Good "git" signature for bob with ED25519 key' "$TMP/log")" 1
for c in $(git -C .prov rev-list HEAD); do
	git -C .prov -c gpg.ssh.allowedSignersFile="$TMP/allowed_signers" \
		verify-commit "$c" 2>/dev/null || fail "git verify-commit $c"
done
# Without bob in the allowed signers, git says so.
head -n 1 allowed_signers >alice_only
git -C .prov -c gpg.ssh.allowedSignersFile="$TMP/alice_only" \
	verify-commit HEAD 2>/dev/null && fail "git trusted an unknown signer"
# The header holds the armor and nothing more, as git's own signing writes it.
git -C .prov cat-file commit HEAD >"$TMP/commit"
expect_grep '^ -----END SSH SIGNATURE-----$' "$TMP/commit"
if grep -qx ' ' "$TMP/commit"; then fail "a blank continuation line in gpgsig"; fi
exit 0
