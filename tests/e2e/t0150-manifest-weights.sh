# manifest build --weights and --list: curator weights land on the items;
# a list names exactly the files to take.
. "$(dirname "$0")/lib.sh"

prov init . >/dev/null
new_identity curator
mkdir d
for n in a b c; do echo "$n" >d/$n.txt; done
prov register -r d --license CC0-1.0 >/dev/null
echo '{"a.txt": 5, "b.txt": 2}' >weights.json
expect_exit 0 prov manifest build w --version 1 --from d --purpose commercial --weights weights.json
expect_exit 0 prov manifest show w@1 --items --json
expect_grep '"path": "a.txt"' "$TMP/out"
tr -d ' \n' <"$TMP/out" >"$TMP/flat"
grep -q '"path":"a.txt","sha256":"[0-9a-f]*","size":2,"weight":5' "$TMP/flat" || fail "a.txt weight"
grep -q '"path":"b.txt","sha256":"[0-9a-f]*","size":2,"weight":2' "$TMP/flat" || fail "b.txt weight"
grep -q '"path":"c.txt","sha256":"[0-9a-f]*","size":2,"weight":1' "$TMP/flat" || fail "c.txt default weight"

printf 'd/a.txt\n# a comment\nd/c.txt\n' >list.txt
expect_exit 0 prov manifest build w --version 2 --list list.txt --purpose commercial --json
expect_grep '"included": 2' "$TMP/out"
expect_grep '"files": 2|"excluded": 0' "$TMP/out"
echo '[1, 2]' >bad.json
expect_exit 2 prov manifest build w --version 3 --from d --purpose commercial --weights bad.json
expect_grep "not a JSON object of path -> weight" "$TMP/err"
for w in -1 1.5 '"5"' 9007199254740992; do
	echo "{\"a.txt\": 1, \"b.txt\": $w}" >bad.json
	expect_exit 2 prov manifest build w --version 3 --from d --purpose commercial --weights bad.json
	expect_grep "the weight of 'b.txt' is not an integer from 0 to 2\^53-1" "$TMP/err"
done
echo '{"a.txt": 9007199254740991}' >big.json
expect_exit 0 prov manifest build w --version 3 --from d --purpose commercial --weights big.json
expect_exit 0 prov manifest show w@3 --items --json
tr -d ' \n' <"$TMP/out" >"$TMP/flat"
grep -q '"path":"a.txt","sha256":"[0-9a-f]*","size":2,"weight":9007199254740991' "$TMP/flat" || fail "a.txt largest weight"
: >empty.txt
expect_exit 2 prov manifest build w --version 4 --list empty.txt --purpose commercial
expect_grep "lists no files" "$TMP/err"
expect_exit 2 prov manifest build w --version 4 --from d --list list.txt --purpose commercial
