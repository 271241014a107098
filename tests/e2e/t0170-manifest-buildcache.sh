# The build cache: a build over the same files and registry reuses an
# earlier build's decisions and gets the outcome deciding again gets; a
# change to the files, the registry or the spec decides again; a cache not
# written under this user's key is ignored.
. "$(dirname "$0")/lib.sh"

prov init . >/dev/null
new_identity alice
new_identity curator
mkdir d
for n in a b c; do echo "$n" >d/$n.txt; done
prov register d/a.txt d/b.txt --license CC-BY-4.0 --as alice >/dev/null
prov register d/c.txt --license CC-BY-NC-4.0 --as alice >/dev/null

# build VERSION [ARGS...]: builds ds@VERSION from d, as the curator, --json
build() {
	v=$1
	shift
	expect_exit 0 prov manifest build ds --version "$v" --from d \
		--purpose "${PURPOSE:-commercial}" --json --as curator "$@"
}
field() { # field NAME: a top-level scalar of the --json output
	tr -d ' \n' <"$TMP/out" | grep -o "\"$1\":[^,}]*" | head -n 1
}

build 1
expect_grep '"reused": false' "$TMP/out"
root=$(field root)
build 2
expect_grep '"reused": true' "$TMP/out"
expect_eq "$(field root)" "$root" "reused root"
expect_eq "$(field included)" '"included":2'
expect_grep '"license": 1' "$TMP/out" # c.txt: NC, for a commercial purpose
expect_exit 0 prov manifest build ds --version 2t --from d --purpose commercial --as curator
expect_grep 'its decisions reused' "$TMP/out"
expect_grep '^    license +1$' "$TMP/out"

# the same outcome as deciding again: the records differ only in version,
# time and parent, and the item lists are the same blobs
rm .prov/buildcache
build 3
expect_grep '"reused": false' "$TMP/out"
expect_eq "$(field root)" "$root" "decided again"
for v in 2 3; do
	prov manifest show ds@$v --items --excluded --json |
		grep -Ev '"(version|created|parent|id)"|"path": "records/' >show-$v.json
done
expect_grep '"path": "c.txt"' show-2.json
cmp show-2.json show-3.json || fail "a reused build's record or items differ"
expect_exit 0 prov verify

# the files change: decided again
echo "b, edited" >d/b.txt
build 4
expect_grep '"reused": false' "$TMP/out"
expect_grep '"unregistered": 1' "$TMP/out"
# the registry changes (a work, then an opt-out): decided again
prov register d/b.txt --license CC0-1.0 --as alice >/dev/null
build 5
expect_grep '"reused": false' "$TMP/out"
build 6
expect_grep '"reused": true' "$TMP/out"
prov optout d/a.txt --scope ai_training --as alice >/dev/null
build 7
expect_grep '"reused": false' "$TMP/out"
expect_grep '"opted-out": 1' "$TMP/out"
# a custom license is added (records/license changes): decided again
cat >acme.json <<'JSON'
{
  "id": "LicenseRef-Acme-Data-1.0",
  "name": "Acme Data License 1.0",
  "url": "https://acme.example/data-license",
  "text_sha256": "2c26b46b68ffc68ff99b453c1d30413413422d706483bfa0f98a5e886266e7ae",
  "attributes": {"commercial": true, "derivatives": true, "share_alike": null,
                 "attribution": true, "use_restrictions": false}
}
JSON
build 7b
expect_grep '"reused": true' "$TMP/out"
prov license add acme.json --as alice >/dev/null
build 7c
expect_grep '"reused": false' "$TMP/out"
# the spec changes: decided again
PURPOSE=research build 8
expect_grep '"reused": false' "$TMP/out"
echo '{"a.txt": 3}' >w.json
build 10 --weights w.json
expect_grep '"reused": false' "$TMP/out"

# a cache edited, or written under another key, is ignored
build 11
expect_grep '"reused": true' "$TMP/out"
sed -i 's/"included":[0-9]*/"included":99/' .prov/buildcache
build 12
expect_grep '"reused": false' "$TMP/out"
expect_no_grep '"included": 99' "$TMP/out"
build 13
expect_grep '"reused": true' "$TMP/out"
cp .prov/buildcache cache.saved
mv home/cache.key cache.key.saved
build 14
expect_grep '"reused": false' "$TMP/out"
test -s home/cache.key || fail "no new cache key"
cmp -s home/cache.key cache.key.saved && fail "the same cache key again"
# a key others can read is refused, with a warning, and no cache is used
build 15
expect_grep '"reused": true' "$TMP/out"
chmod 644 home/cache.key
build 16
expect_grep '"reused": false' "$TMP/out"
expect_grep "cache.key' is not a 32-byte file only you can read: caches are not used" "$TMP/err"
exit 0
