# prov manifest export: Croissant 1.1, SPDX 3.0.1 and CycloneDX 1.6 documents
# that carry every included item's SHA-256; deterministic.
. "$(dirname "$0")/lib.sh"

prov init . >/dev/null
new_identity alice
new_identity curator
mkdir data
echo "photo 1" >data/a.jpg
echo "photo 2" >data/b.png
echo "notes" >data/c.txt
echo "nobody's" >data/unreg.jpg
prov register data/a.jpg data/b.png --license CC-BY-4.0 --as alice >/dev/null
prov register data/c.txt --license CC0-1.0 --as alice >/dev/null
expect_exit 0 prov manifest build pics --version 1 --from data \
	--purpose research --include-unregistered --as curator --json
expect_grep '"included": 4' "$TMP/out"
id=$(prov manifest list --json | sed -n 's/.*"id": "\(sha256:[0-9a-f]*\)".*/\1/p' | head -n 1)
root=$(sed -n 's/.*"root": "\(0x[0-9a-f]*\)".*/\1/p' "$TMP/out")
prov manifest show pics@1 --items --json |
	sed -n 's/.*"sha256": "\([0-9a-f]\{64\}\)".*/\1/p' >hashes
expect_eq "$(wc -l <hashes | tr -d ' ')" 4

for f in croissant spdx cyclonedx; do
	expect_exit 0 prov manifest export pics@1 --format $f -o $f.json
	[ -s "$TMP/out" ] && fail "-o still wrote to stdout"
	python3 -m json.tool $f.json >/dev/null || fail "$f export is not JSON"
	while read -r h; do
		grep -q "\"$h\"" $f.json || fail "$f export lacks item $h"
	done <hashes
	# deterministic: stdout gives the same bytes as -o
	expect_exit 0 prov manifest export pics@1 --format $f
	cmp -s "$TMP/out" $f.json || fail "$f export differs between runs"
done

# Croissant
expect_grep '"@type": "sc:Dataset"' croissant.json
expect_grep '"dct:conformsTo": "http://mlcommons.org/croissant/1.1"' croissant.json
expect_grep '"https://spdx.org/licenses/CC-BY-4.0.html"' croissant.json
expect_grep '"https://spdx.org/licenses/CC0-1.0.html"' croissant.json
expect_grep '"NOASSERTION"' croissant.json
expect_grep "\"url\": \"urn:prov:dataset:$id\"" croissant.json
expect_grep "Dataset manifest pics@1 built by prov; 4 items under Merkle root $root" croissant.json
expect_grep '"encodingFormat": "image/png"' croissant.json
expect_grep '"contentUrl": "b.png"' croissant.json
expect_eq "$(grep -c '"@type": "cr:FileObject"' croissant.json)" 4
# SPDX
expect_grep '"@context": "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"' spdx.json
expect_grep '"type": "dataset_DatasetPackage"' spdx.json
expect_eq "$(grep -c '"type": "software_File"' spdx.json)" 4
expect_eq "$(grep -c '"relationshipType": "hasDeclaredLicense"' spdx.json)" 3
expect_grep '"simplelicensing_licenseExpression": "CC0-1.0"' spdx.json
# CycloneDX
expect_grep '"bomFormat": "CycloneDX"' cyclonedx.json
expect_grep '"specVersion": "1.6"' cyclonedx.json
expect_grep '"serialNumber": "urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}"' cyclonedx.json
expect_grep "\"value\": \"$root\"" cyclonedx.json
expect_grep "\"value\": \"$id\"" cyclonedx.json
expect_eq "$(grep -c '"alg": "SHA-256"' cyclonedx.json)" 4
expect_eq "$(grep -c '"expression": ' cyclonedx.json)" 3
# ... and valid against the official CycloneDX 1.6 JSON schema, checked by
# tests/oracle/validate.mjs (Ajv; scripts/npm-deps.sh installs it), which
# rejects a BOM without specVersion or with a hash algorithm CycloneDX does
# not name (so this check can fail). No npm package ships the SPDX 3.0.1
# JSON schema, so the SPDX export is not schema-checked.
validate() { node "$ROOT/tests/oracle/validate.mjs" "$@"; }
expect_exit 0 validate cyclonedx cyclonedx.json
grep -v '"specVersion": ' cyclonedx.json >broken.json
expect_exit 1 validate cyclonedx broken.json
expect_grep "must have required property 'specVersion'" "$TMP/err"
sed 's/"alg": "SHA-256"/"alg": "SHA256"/' cyclonedx.json >broken.json
expect_exit 1 validate cyclonedx broken.json
expect_grep '/components/0/hashes/0/alg must be equal to one of the allowed values' "$TMP/err"
expect_exit 2 validate spdx spdx.json

# Usage errors and unknown datasets exit 2.
expect_exit 2 prov manifest export pics@1 --format rdf
expect_grep "'rdf' is not an export format" "$TMP/err"
expect_exit 2 prov manifest export pics@1
expect_exit 2 prov manifest export nope@1 --format spdx
expect_grep "no dataset 'nope@1'" "$TMP/err"
expect_exit 0 prov manifest export --help
expect_grep '^usage: prov manifest export' "$TMP/out"

# A second version names the first as what it was derived from.
expect_exit 0 prov manifest build pics --version 2 --from data \
	--purpose research --as curator
expect_exit 0 prov manifest export pics@2 --format croissant
expect_grep "\"@id\": \"urn:prov:dataset:$id\"" "$TMP/out"
expect_exit 0 prov manifest export pics@2 --format cyclonedx
expect_grep "\"value\": \"$id\"" "$TMP/out"
cp "$TMP/out" cyclonedx2.json
expect_exit 0 validate cyclonedx cyclonedx2.json
expect_exit 0 prov manifest export pics@1 --format croissant
expect_no_grep '"prov:wasDerivedFrom": \[\s*\{\s*"@id": "urn:prov:dataset' "$TMP/out"

# A failed write says what could not be written and why, exits 2, and
# leaves no partial -o file: what was there before stays, and no temporary
# file is left beside it.
to_full() { "$PROV" "$@" >/dev/full; }
expect_exit 2 to_full manifest export pics@1 --format spdx
expect_grep '^prov: could not write the export: standard output: no space left on device$' "$TMP/err"
small_files() { (trap '' XFSZ && ulimit -f 2 && exec "$PROV" "$@"); }
echo "before" >kept.json
for f in croissant spdx cyclonedx; do
	expect_exit 2 small_files manifest export pics@1 --format $f -o kept.json
	expect_grep "^prov: could not write the export: 'kept.json': file too large$" "$TMP/err"
	expect_eq "$(cat kept.json)" before
	expect_exit 2 small_files manifest export pics@1 --format $f -o new.json
	[ ! -e new.json ] || fail "a failed export left new.json"
done
expect_eq "$(ls | grep -c '\.tmp\.')" 0
