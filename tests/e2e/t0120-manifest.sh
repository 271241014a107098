# prov manifest: a curator's build from mixed licenses, opt-outs and
# unregistered files; versions; proofs checked by OpenZeppelin's library.
. "$(dirname "$0")/lib.sh"
ORACLE="$ROOT/tests/oracle/oz-merkle.mjs"
[ -d "$ROOT/tests/oracle/node_modules" ] || fail "run scripts/npm-deps.sh"

prov init . >/dev/null
new_identity alice
new_identity bob
new_identity curator
mkdir data
for i in 1 2 3; do echo "photo $i" >data/by$i.jpg; done
echo "nc" >data/nc.jpg
echo "sa" >data/sa.jpg
echo "sa-other" >data/sa2.jpg
echo "opted out" >data/gone.jpg
echo "nobody's" >data/unreg.jpg
echo "no training" >data/deny.jpg
prov register data/by1.jpg data/by2.jpg data/by3.jpg --license CC-BY-4.0 --as alice >/dev/null
prov register data/nc.jpg --license CC-BY-NC-4.0 --as alice >/dev/null
prov register data/sa.jpg --license CC-BY-SA-4.0 --as bob >/dev/null
prov register data/sa2.jpg --license ODbL-1.0 --as bob >/dev/null
prov register data/gone.jpg --license MIT --as bob >/dev/null
prov register data/deny.jpg --license MIT --deny ai_training --as bob >/dev/null
prov optout data/gone.jpg --reason "changed my mind" --as bob >/dev/null
# an opt-out by someone who claims nothing on by3.jpg does not count
prov optout data/by3.jpg --as curator >/dev/null 2>&1

expect_exit 0 prov manifest build photos --version 1 --from data \
	--purpose commercial --distribute-weights --as curator --json
expect_grep '"included": 4' "$TMP/out"
expect_grep '"excluded": 5' "$TMP/out"
for r in opted-out license permission unregistered share-alike; do
	expect_grep "\"$r\": 1" "$TMP/out"
done
expect_grep 'opt-out sha256:[0-9a-f]+ by did:key:[^,]*, who claims no work on it, not applied' "$TMP/out"

expect_exit 0 prov manifest show photos@1 --excluded
expect_grep '^  opted-out +gone.jpg +ai_training refused by did:key:[^ ]+: changed my mind$' "$TMP/out"
expect_grep '^  license +nc.jpg .*noncommercial' "$TMP/out"
expect_grep '^  permission +deny.jpg .*ai_training is notAllowed' "$TMP/out"
expect_grep '^  unregistered +unreg.jpg ' "$TMP/out"
expect_grep '^  share-alike +sa2?.jpg ' "$TMP/out"
expect_exit 0 prov manifest show photos --items --json
expect_eq "$(grep -c '"path": "by[123].jpg"' "$TMP/out")" 3
expect_exit 0 prov manifest list
expect_grep '^photos@1  sha256:[0-9a-f]{64}  4 items  0x[0-9a-f]{64}$' "$TMP/out"

# Versions are immutable; the next one names the last as its parent.
expect_exit 2 prov manifest build photos --version 1 --from data --purpose commercial --as curator
expect_grep "'photos@1' exists" "$TMP/err"
v1=$(prov manifest list --json | sed -n 's/.*"id": "\(sha256:[0-9a-f]*\)".*/\1/p' | head -n 1)
expect_exit 0 prov manifest build photos --version 2 --from data --purpose research \
	--include-unregistered --as curator --json
expect_grep '"included": 6' "$TMP/out"
expect_grep '"share-alike": 1' "$TMP/out"
expect_exit 0 prov manifest show photos@2 --json
expect_grep "\"parent\": \"$v1\"" "$TMP/out"

# Proofs: ours verify with OpenZeppelin's StandardMerkleTree.verify...
expect_exit 0 prov manifest prove photos@1 data/by2.jpg
cp "$TMP/out" proof.json
expect_exit 0 prov manifest verify-proof proof.json
sed 's/"leaf": \[/"value": [/' proof.json | node "$ORACLE" verify >"$TMP/oz"
expect_eq "$(cat "$TMP/oz")" true "OpenZeppelin rejects our proof"
# ...and OpenZeppelin's tree over the same leaves has our root and proofs.
prov manifest show photos@1 --items --json |
	sed -n 's/.*"sha256": "\([0-9a-f]\{64\}\)".*/["0x\1"]/p' | paste -sd, - |
	sed 's/^/{"types":["bytes32"],"values":[/; s/$/]}/' | node "$ORACLE" >"$TMP/tree"
root=$(sed -n 's/.*"root": "\(0x[0-9a-f]*\)".*/\1/p' proof.json)
grep -q "\"root\":\"$root\"" "$TMP/tree" || fail "OpenZeppelin computes another root"
# A proof for another root, a changed leaf: rejected.
expect_exit 0 prov manifest prove photos@2 data/unreg.jpg
cp "$TMP/out" proof2.json
sed "s/\"root\": \"0x[0-9a-f]*\"/\"root\": \"$root\"/" proof2.json >wrong-root.json
expect_exit 1 prov manifest verify-proof wrong-root.json
expect_exit 2 prov manifest prove photos@1 data/nc.jpg
expect_grep "is not an item of 'photos@1'" "$TMP/err"

# Bad input.
mkdir empty
expect_exit 2 prov manifest build x --version 1 --from empty --purpose commercial --as curator
expect_exit 2 prov manifest build x --version 1 --from data --as curator
expect_exit 2 prov manifest build x --version 1 --from data --purpose commercial --use everything --as curator
expect_exit 2 prov manifest build x --version 1 --from data --purpose sale --as curator
expect_exit 2 prov manifest build 'bad name' --version 1 --from data --purpose commercial --as curator
expect_exit 2 prov manifest show nosuch
echo '{"root": "0x12"}' >junk.json
expect_exit 2 prov manifest verify-proof junk.json

# A tampered item list: show and verify both catch it.
expect_exit 0 prov verify
blob=$(prov manifest show photos@1 --json | sed -n '/"items": {/,/}/s/.*"blob": "\([0-9a-f]*\)".*/\1/p')
git clone -q .prov work
sed -i 's/"weight":1/"weight":9/' "work/blobs/$(echo "$blob" | cut -c1-2)/$blob"
git -C work -c user.name=x -c user.email=x@example.org commit -qam "tamper"
git -C work push -q origin main
expect_exit 1 prov manifest show photos@1
expect_grep "has been altered" "$TMP/err"
expect_exit 1 prov verify
expect_grep "^FAIL blobs/" "$TMP/out"
