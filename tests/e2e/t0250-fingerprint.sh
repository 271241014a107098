# prov fingerprint, and the fingerprints prov register keeps for JPEGs.
. "$(dirname "$0")/lib.sh"

orig="$ROOT/tests/fixtures/c2pa/no_manifest.jpg"
cp "$orig" a.jpg
# a re-encode and a half-size copy, through libjpeg-turbo's own tools
djpeg "$orig" | cjpeg -quality 60 >reenc.jpg
djpeg -scale 1/2 "$orig" | cjpeg -quality 85 >half.jpg
cp "$ROOT/tests/fixtures/c2pa/C.jpg" other.jpg
echo "not a picture" >text.jpg
head -c 2000 "$orig" >cut.jpg

# The command: text, JSON, errors after the others, --help.
expect_exit 0 prov fingerprint a.jpg other.jpg
expect_eq "$(cat "$TMP/out")" "dct48:74fe2c033361  a.jpg
dct48:018a764e4f9e  other.jpg"
expect_exit 0 prov fingerprint --json a.jpg
expect_eq "$(tr -d ' \n' <"$TMP/out")" \
	'[{"file":"a.jpg","fingerprint":"dct48:74fe2c033361"}]'
# a name that is not UTF-8 is still listed in JSON (U+FFFD for the byte)
cp a.jpg "$(printf 'bad\377name.jpg')"
expect_exit 0 prov fingerprint --json bad*name.jpg
expect_grep '"file": "bad.+name.jpg",' "$TMP/out"
rm bad*name.jpg
expect_exit 0 prov fingerprint reenc.jpg half.jpg
expect_grep '^dct48:[0-9a-f]{12}  reenc.jpg$' "$TMP/out"
expect_exit 2 prov fingerprint text.jpg a.jpg cut.jpg
expect_eq "$(cat "$TMP/out")" "dct48:74fe2c033361  a.jpg"
expect_eq "$(cat "$TMP/err")" "prov: 'text.jpg': JPEG: Not a JPEG file: starts with 0x6e 0x6f
prov: 'cut.jpg': JPEG: Premature end of JPEG file"
expect_exit 2 prov fingerprint nosuch.jpg
expect_grep "nosuch.jpg" "$TMP/err"
expect_exit 2 prov fingerprint
expect_exit 0 prov fingerprint --help
expect_grep '^usage: prov fingerprint FILE.jpg' "$TMP/out"

# register keeps the fingerprint in JPEG work records, not in others.
prov init . >/dev/null
new_identity alice
new_identity bob
echo words >notes.txt
expect_exit 0 prov register a.jpg notes.txt --license CC-BY-4.0 --as alice --json
expect_no_grep warning "$TMP/err"
ida=$(sed -n 's/.*"id": "\(sha256:[0-9a-f]*\)".*/\1/p' "$TMP/out" | head -n 1)
expect_exit 0 prov show "$ida" --json
expect_grep '"fingerprint": "dct48:74fe2c033361"' "$TMP/out"
idt=$(sed -n 's/.*"id": "\(sha256:[0-9a-f]*\)".*/\1/p' "$TMP/out" | head -n 1)
prov register notes.txt --license CC-BY-4.0 --as alice --json >"$TMP/n.json"
idn=$(sed -n 's/.*"id": "\(sha256:[0-9a-f]*\)".*/\1/p' "$TMP/n.json")
expect_exit 0 prov show "$idn" --json
expect_no_grep fingerprint "$TMP/out"

# bob registers alice's picture re-encoded: a warning naming her work;
# the same picture by alice again (another copy) warns of no one.
expect_exit 0 prov register reenc.jpg --license MIT --as bob
path=$(git -C .prov ls-tree -r --name-only HEAD | grep "${ida#sha256:}")
alice=$(prov show "$ida" --json | sed -n 's/.*"creator": "\(did:key:[^"]*\)".*/\1/p' | head -n 1)
expect_grep "^prov: warning: 'reenc.jpg' looks like work $ida by $alice \($path, fingerprint distance [0-9]+\)$" "$TMP/err"
expect_eq "$(wc -l <"$TMP/err")" 1
# another picture warns of no one; nor do one's own works (bob's reenc.jpg)
expect_exit 0 prov register other.jpg --license MIT --as alice --json
expect_no_grep warning "$TMP/err"
expect_no_grep near_duplicates "$TMP/out"
expect_exit 0 prov register half.jpg --license MIT --as bob --json
expect_eq "$(cat "$TMP/err")" ""
expect_grep '"near_duplicates": \[' "$TMP/out"
expect_grep "\"id\": \"$ida\"" "$TMP/out"
expect_grep "\"path\": \"$path\"" "$TMP/out"
expect_eq "$(grep -c '"creator": "did:key:' "$TMP/out")" 1
expect_grep '"distance": [0-9]+' "$TMP/out"
# a .jpg that is not a JPEG is registered without a fingerprint, quietly;
# a JPEG that does not decode, with a warning
expect_exit 0 prov register text.jpg --license MIT --as bob
expect_eq "$(cat "$TMP/err")" ""
expect_exit 0 prov register cut.jpg --license MIT --as bob
expect_eq "$(cat "$TMP/err")" "prov: warning: 'cut.jpg': no fingerprint: JPEG: Premature end of JPEG file"
expect_exit 0 prov show "$(sed -n 's/^registered  \(sha256:[0-9a-f]*\) .*/\1/p' "$TMP/out")" --json
expect_no_grep fingerprint "$TMP/out"
expect_exit 0 prov verify

# manifest build: copies of an opted-out picture are excluded, naming it.
new_identity curator
mkdir data
djpeg -scale 1/2 "$orig" | cjpeg -quality 75 >data/small.jpg
cp other.jpg data/other.jpg
cp notes.txt data/notes.txt
prov register data/small.jpg --license MIT --as bob >/dev/null 2>&1
# before alice opts out, small.jpg is in
expect_exit 0 prov manifest build pics --version 1 --from data \
	--purpose research --as curator --json
expect_grep '"included": 3' "$TMP/out"
expect_exit 0 prov optout a.jpg --reason "not for machines" --as alice
optout=$(sed -n 's/^opted out .*(\(sha256:[0-9a-f]*\)).*/\1/p' "$TMP/out")
expect_exit 0 prov manifest build pics --version 2 --from data \
	--purpose research --as curator --json
expect_grep '"included": 2' "$TMP/out"
expect_grep '"near-duplicate": 1' "$TMP/out"
expect_exit 0 prov manifest show pics@2 --excluded
expect_eq "$(sed -n '/^excluded:$/,$p' "$TMP/out")" "excluded:
  near-duplicate small.jpg  looks like work $ida ('a.jpg' by $alice; fingerprint distance 0), opted out by $alice"
expect_eq "$(grep -c near-duplicate "$TMP/out")" 1
expect_exit 0 prov manifest show pics@2 --excluded --json
expect_grep "\"record\": \"$ida\"" "$TMP/out"
expect_grep '"reason": "near-duplicate"' "$TMP/out"
