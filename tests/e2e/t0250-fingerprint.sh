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
expect_grep "^prov: warning: 'reenc.jpg' looks like work $ida by did:key:z[1-9A-Za-z]+ \($path, fingerprint distance [0-9]+\)$" "$TMP/err"
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
# a .jpg that is not a JPEG is registered, without a fingerprint
expect_exit 0 prov register text.jpg --license MIT --as bob
expect_eq "$(cat "$TMP/err")" "prov: warning: 'text.jpg': no fingerprint: JPEG: Not a JPEG file: starts with 0x6e 0x6f"
expect_exit 0 prov verify
