# prov trace: a model back to its runs, datasets, items, works and
# creators, every check named; each check failing for its own reason.
. "$(dirname "$0")/lib.sh"

prov init . >/dev/null
for who in alice bob curator provider owner judge; do new_identity "$who"; done
did() { prov id show "$1" --json | sed -n 's/.*"did": "\(did:key:[^"]*\)".*/\1/p'; }
mkdir d
echo "alpha" >d/a.txt
echo "beta" >d/b.txt
echo "gamma" >d/c.txt
prov register d/a.txt --license CC-BY-4.0 --as alice >/dev/null
prov register d/b.txt --license CC0-1.0 --as bob >/dev/null
prov register d/c.txt --license MIT --as alice >/dev/null
prov manifest build ds --version 1 --from d --purpose commercial --as curator >/dev/null
printf 'weights, first run' >base.bin
expect_exit 0 prov run record --dataset ds@1 --checkpoint base.bin --as provider --json
run=$(sed -n 's/.*"id": "\(sha256:[0-9a-f]*\)".*/\1/p' "$TMP/out" | head -n 1)
expect_exit 0 prov model register base --weights base.bin --run "$run" --license Apache-2.0 --as owner --json
model=$(sed -n 's/.*"id": "\(sha256:[0-9a-f]*\)".*/\1/p' "$TMP/out" | head -n 1)

# A clean lineage: every check passes, by name, by id, by weights and digest.
expect_exit 0 prov trace base
expect_grep '^model base  sha256:' "$TMP/out"
expect_grep '^   dataset ds@1  sha256:' "$TMP/out"
expect_grep '^checks: [0-9]+ passed, 0 failed$' "$TMP/out"
expect_grep "^  $(did alice)  CC-BY-4.0  items: 1$" "$TMP/out"
expect_grep '^not verified:$' "$TMP/out"
expect_grep 'that any claim is true' "$TMP/out"
for arg in "$model" base.bin "$(sha256sum base.bin | cut -d' ' -f1)"; do
	expect_exit 0 prov trace "$arg" --json
	expect_grep "\"model\": \"$model\"" "$TMP/out"
	expect_grep '"failed": 0' "$TMP/out"
done
for c in record signature checkpoint run-names-dataset items-blob merkle-root \
	item-count item-licenses item-works item-optouts item-challenges; do
	expect_grep "\"check\": \"$c\"" "$TMP/out"
done
expect_exit 0 prov trace base --dot
expect_grep '^digraph lineage \{$' "$TMP/out"
expect_grep "\"$model\" -> \"$run\" \\[label=\"trained by\"\\];" "$TMP/out"

# Bad input: an unknown model, a file no run names, a bad trust file.
expect_exit 2 prov trace nosuch
expect_grep "no model 'nosuch'" "$TMP/err"
echo "never trained" >stray.bin
expect_exit 2 prov trace stray.bin
expect_grep "is not a checkpoint named by any run" "$TMP/err"
echo "not a key" >bad-trust.txt
expect_exit 2 prov trace base --trust bad-trust.txt
expect_grep "line 1: 'not a key' is not a did:key" "$TMP/err"

# Trust: the provider and curator in the list pass; a list without the
# curator fails naming it.
printf '# keys we trust\n%s\n%s\n%s\n' "$(did provider)" "$(did curator)" "$(did owner)" >trust.txt
expect_exit 0 prov trace base --trust trust.txt
printf '%s\n%s\n' "$(did provider)" "$(did owner)" >trust-provider.txt
expect_exit 1 prov trace base --trust trust-provider.txt
expect_grep "! trust: curator $(did curator) is not in the trust list" "$TMP/out"

# A fine-tune: its parent is traced too.
printf 'weights, fine-tuned' >ft.bin
expect_exit 0 prov run record --dataset ds@1 --checkpoint ft.bin --as provider --json
run2=$(sed -n 's/.*"id": "\(sha256:[0-9a-f]*\)".*/\1/p' "$TMP/out" | head -n 1)
prov model register ft --weights ft.bin --run "$run2" --parent base --as owner >/dev/null
expect_exit 0 prov trace ft --json
expect_grep "\"id\": \"$model\"" "$TMP/out"
expect_exit 0 prov trace ft
expect_grep '^parent model base  sha256:' "$TMP/out"

# A challenge against the dataset: open, it fails; dismissed, it passes;
# upheld, it fails.
ds=$(prov manifest show ds@1 --json | sed -n 's/^  "id": "\(sha256:[0-9a-f]*\)".*/\1/p' | head -n 1)
[ -n "$ds" ] || fail "no dataset id"
expect_exit 0 prov challenge "$ds" --reason "b.txt is not CC0" --as alice --json
ch=$(sed -n 's/.*"id": "\(sha256:[0-9a-f]*\)".*/\1/p' "$TMP/out" | head -n 1)
expect_exit 1 prov trace base
expect_grep "! challenge: challenge $ch by $(did alice): open \\(b.txt is not CC0\\)" "$TMP/out"
prov resolve "$ch" --dismissed --reason "the license is as declared" --as judge >/dev/null
expect_exit 0 prov trace base
# with a trust list that does not name the judge, the resolution does not count
printf '%s\n%s\n' "$(did provider)" "$(did curator)" >trust.txt
expect_exit 1 prov trace base --trust trust.txt
expect_grep 'open \(b.txt is not CC0\)' "$TMP/out"

# A challenge to a work an item relies on.
bwork=$(prov show d/b.txt --json | sed -n 's/.*"id": "\(sha256:[0-9a-f]*\)".*/\1/p' | head -n 1)
[ -n "$bwork" ] || fail "no work id"
expect_exit 0 prov challenge "$bwork" --reason "not bob's photo" --as alice --json
wch=$(sed -n 's/.*"id": "\(sha256:[0-9a-f]*\)".*/\1/p' "$TMP/out" | head -n 1)
expect_exit 1 prov trace base
expect_grep '! item-challenges: 2 of 3 items free of challenges to their works' "$TMP/out"
expect_grep "! challenge $bwork: challenge $wch by $(did alice): open" "$TMP/out"
prov resolve "$wch" --dismissed --reason "it is bob's" --as judge >/dev/null
expect_exit 0 prov trace base

# An opt-out after the build: the item is named, the manifest is not rewritten.
prov optout d/a.txt --scope ai_training --as alice >/dev/null
expect_exit 1 prov trace base
expect_grep '! item-optouts: 2 of 3 items free of their creators. opt-outs' "$TMP/out"
expect_grep 'a.txt: opt-out sha256:[0-9a-f]+ by .* registered after the build' "$TMP/out"

# A work record removed behind prov's back (a plain git commit): the item
# that relied on it no longer has a verified claim.
cpath=$(git -C .prov ls-tree -r --name-only main works | while read -r p; do
	git -C .prov show "main:$p" | grep -q '"payloadType"' && echo "$p"
done | while read -r p; do
	prov show d/c.txt --json | grep -q "$(basename "$p" .json)" && echo "$p"
done | head -n 1)
[ -n "$cpath" ] || fail "no work path for c.txt"
export GIT_INDEX_FILE="$TMP/index"
git -C .prov read-tree main
printf '0 0000000000000000000000000000000000000000\t%s\n' "$cpath" |
	git -C .prov update-index --index-info
git -C .prov update-ref refs/heads/main \
	"$(git -C .prov commit-tree "$(git -C .prov write-tree)" -p main -m remove)"
unset GIT_INDEX_FILE
expect_exit 1 prov trace base
expect_grep '! item-works: 2 of 3 items backed by work records that verify today' "$TMP/out"
expect_grep 'c.txt: a work record it relied on no longer verifies' "$TMP/out"

# A tampered item list: the blob at its path replaced by a plain git commit.
blob=$(prov manifest show ds@1 --json | tr -d ' \n' |
	sed -n 's/.*"items":{"blob":"\([0-9a-f]\{64\}\)".*/\1/p')
[ -n "$blob" ] || fail "no blob id"
new=$(printf 'tampered\n' | git -C .prov hash-object -w --stdin)
export GIT_INDEX_FILE="$TMP/index"
git -C .prov read-tree main
git -C .prov update-index --cacheinfo "100644,$new,blobs/$(echo "$blob" | cut -c1-2)/$blob"
tree=$(git -C .prov write-tree)
commit=$(git -C .prov commit-tree "$tree" -p main -m tamper)
git -C .prov update-ref refs/heads/main "$commit"
unset GIT_INDEX_FILE
expect_exit 1 prov trace base
expect_grep "! items-blob: 'blobs/../$blob' has been altered: its sha256 is [0-9a-f]{64}" "$TMP/out"

# Anyone can sign a model called "base" for the same weights: a name (or
# a weights file) that models of two owners claim is refused; the record
# id still names one.
new_identity eve
prov model register base --weights base.bin --run "$run" --as eve >/dev/null
expect_exit 2 prov trace base
expect_grep "models of more than one owner match 'base': name the model by its record id" "$TMP/err"
expect_exit 2 prov trace base.bin
expect_exit 1 prov trace "$model"
exit 0
