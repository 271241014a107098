# prov manifest diff, check and attribution: two versions of a dataset, an
# opt-out registered after a build, and the credits owed under CC BY.
. "$(dirname "$0")/lib.sh"

prov init . >/dev/null
new_identity alice
new_identity bob
new_identity curator
mkdir data
echo "one" >data/one.jpg
echo "two" >data/two.jpg
echo "three" >data/three.jpg
echo "free" >data/free.jpg
prov register data/one.jpg data/two.jpg --license CC-BY-4.0 --as alice >/dev/null
prov register data/three.jpg --license CC-BY-SA-4.0 --as bob >/dev/null
prov register data/free.jpg --license CC0-1.0 --as bob >/dev/null
sha() { sha256sum "$1" | cut -c1-64; }
one=$(sha data/one.jpg) two=$(sha data/two.jpg) three=$(sha data/three.jpg)
free=$(sha data/free.jpg)
alice=$(prov id show alice --json | sed -n 's/.*"did": "\(did:key:[^"]*\)".*/\1/p')
bob=$(prov id show bob --json | sed -n 's/.*"did": "\(did:key:[^"]*\)".*/\1/p')
[ -n "$alice" ] && [ -n "$bob" ] || fail "no did for alice or bob"

expect_exit 0 prov manifest build photos --version 1 --from data \
	--purpose commercial --as curator --json
expect_grep '"included": 4' "$TMP/out"
root1=$(prov manifest show photos@1 --json | sed -n 's/.*"root": "\(0x[0-9a-f]*\)".*/\1/p')

# v2: four.jpg added, free.jpg removed, two.jpg re-licensed by its creator
# (a second claim: the item's license joins both).
echo "four" >data/four.jpg
four=$(sha data/four.jpg)
prov register data/four.jpg --license CC-BY-4.0 --as bob >/dev/null
rm data/free.jpg
prov register data/two.jpg --license CC0-1.0 --as alice >/dev/null
expect_exit 0 prov manifest build photos --version 2 --from data \
	--purpose commercial --as curator --json
expect_grep '"included": 4' "$TMP/out"

# Claims join in the registry's tree order (by record id): either order.
lic2=$(prov manifest show photos@2 --items --json | grep -o '"license": "[^"]*CC0[^"]*"' | cut -d'"' -f4)
case $lic2 in "CC-BY-4.0 AND CC0-1.0" | "CC0-1.0 AND CC-BY-4.0") ;; *) fail "two.jpg's license: '$lic2'" ;; esac
expect_exit 0 prov manifest diff photos@1 photos@2
sort -k2 >"$TMP/want" <<EOT
- $free free.jpg
+ $four four.jpg CC-BY-4.0
~ $two two.jpg CC-BY-4.0 -> $lic2
EOT
printf '%s\n' "photos@1 -> photos@2: 1 added, 1 removed, 1 re-licensed" >>"$TMP/want"
{ head -n -1 "$TMP/out" | sort -k2; tail -n 1 "$TMP/out"; } >"$TMP/got"
diff -u "$TMP/want" "$TMP/got" >&2 || fail "diff output"
expect_exit 0 prov manifest diff photos@1 photos@2 --json
expect_grep "\"to\": \"$lic2\"" "$TMP/out"
expect_exit 0 prov manifest diff photos@2 photos@2
expect_eq "$(cat "$TMP/out")" "photos@2 -> photos@2: 0 added, 0 removed, 0 re-licensed"

# check: v1 still holds (two.jpg's license string changed, not its fate)...
expect_exit 0 prov manifest check photos@1
expect_grep '^photos@1: 0 of 4 items would now be excluded, 1 changed$' "$TMP/out"
expect_grep "^~ $two two.jpg CC-BY-4.0 -> $lic2\$" "$TMP/out"
# ...until alice opts one.jpg out after the build.
prov optout data/one.jpg --reason "no more" --as alice >/dev/null
expect_exit 1 prov manifest check photos@1
expect_grep "^! $one one.jpg opted-out: ai_training refused by $alice: no more \\(opt-out sha256:[0-9a-f]{64} created [0-9TZ:-]+, the manifest [0-9TZ:-]+\\)$" "$TMP/out"
expect_grep '^photos@1: 1 of 4 items would now be excluded, 1 changed$' "$TMP/out"
expect_exit 1 prov manifest check photos@2 --json
expect_grep '"reason": "opted-out"' "$TMP/out"
expect_grep '"optout_created": "' "$TMP/out"
# an opt-out by someone who claims nothing on the item changes nothing
expect_exit 0 prov optout data/four.jpg --as curator
expect_exit 1 prov manifest check photos@2
expect_no_grep "four.jpg" "$TMP/out"

# attribution: the CC BY items (CC-BY-SA too), by creator then license;
# free.jpg (CC0) owes nothing, two.jpg only under its CC BY claim.
expect_exit 0 prov manifest attribution photos@1
if [ "$alice" \< "$bob" ]; then first=alice; else first=bob; fi
{
	echo "Attribution for the dataset photos@1"
	echo "Merkle root $root1 (record sha256:X)"
	echo
	echo "These works are used under licenses that require attribution:"
	a="one.jpg — CC-BY-4.0 — $alice
two.jpg — CC-BY-4.0 — $alice"
	b="three.jpg — CC-BY-SA-4.0 — $bob"
	if [ $first = alice ]; then printf '\n%s\n\n%s\n' "$a" "$b"; else printf '\n%s\n\n%s\n' "$b" "$a"; fi
} >"$TMP/want"
sed -E 's/\(record sha256:[0-9a-f]{64}\)/(record sha256:X)/' "$TMP/out" >"$TMP/got"
diff -u "$TMP/want" "$TMP/got" >&2 || fail "attribution output"
expect_exit 0 prov manifest attribution photos@2 --json
expect_eq "$(grep -c '"license": "CC-BY' "$TMP/out")" 4
expect_grep "\"path\": \"four.jpg\"" "$TMP/out"
expect_grep "\"sha256\": \"$four\"" "$TMP/out"
expect_no_grep "CC0" "$TMP/out"

# Bad input.
for sub in "diff photos@1 nosuch@1" "check nosuch@1" "attribution nosuch@1"; do
	expect_exit 2 prov manifest $sub
	expect_grep "no dataset 'nosuch@1'" "$TMP/err"
done
for bad in photos photos@ @1 'photos@1@2'; do
	expect_exit 2 prov manifest check "$bad"
	expect_grep "is not NAME@VERSION" "$TMP/err"
	expect_exit 2 prov manifest attribution "$bad"
	expect_exit 2 prov manifest diff photos@1 "$bad"
done
expect_exit 2 prov manifest diff photos@1
