# prov trace --html on a real registry: works, a dataset built from them,
# a training run that used it and the model it made; the page checked in
# headless Chromium against the --json report of the same trace. Then an
# opt-out registered after the build fails item-optouts, and the page
# outlines that dataset in red.
. "$(dirname "$0")/lib.sh"
CHECK="$ROOT/tests/oracle/html-check.mjs"
command -v chromium >/dev/null || fail "no chromium: run scripts/deps.sh"

prov init . >/dev/null
new_identity alice
new_identity curator
new_identity lab
mkdir data
for i in 1 2 3; do echo "photo $i" >data/p$i.jpg; done
prov register data/p1.jpg data/p2.jpg --license CC-BY-4.0 --as alice >/dev/null
prov register data/p3.jpg --license MIT --as alice >/dev/null
expect_exit 0 prov manifest build photos --version 1 --from data \
	--purpose commercial --as curator
printf 'weights\n' >model.bin
expect_exit 0 prov run record --checkpoint model.bin \
	--dataset photos@1 --as lab --json
run=$(sed -n 's/.*"id": "\(sha256:[0-9a-f]*\)".*/\1/p' "$TMP/out" | head -n 1)
[ -n "$run" ] || fail "no run id in: $(cat "$TMP/out")"
expect_exit 0 prov model register photo-model --weights model.bin \
	--run "$run" --license Apache-2.0 --as lab

# Every check passes: the page says so, with no red anywhere.
expect_exit 0 prov trace photo-model --json --html page.html
cp "$TMP/out" report.json
expect_exit 0 node "$CHECK" report.json page.html page.png
expect_grep ': ok \(3 boxes, [0-9]+ checks, 0 failed, .* 0 red outline pixels\)$' "$TMP/out"
# The tree is printed as without --html; the page is the same bytes again.
expect_exit 0 prov trace photo-model --html again.html
expect_grep '^model photo-model  sha256:' "$TMP/out"
cmp page.html again.html || fail "two traces of one registry, two pages"

# An opt-out after the build: item-optouts fails, the dataset is outlined.
prov optout data/p1.jpg --as alice >/dev/null
expect_exit 1 prov trace photo-model --json --html failed.html
cp "$TMP/out" failed.json
expect_grep '"check": "item-optouts"' failed.json
expect_exit 0 node "$CHECK" failed.json failed.html failed.png
expect_grep ': ok \(3 boxes, [0-9]+ checks, 1 failed, .* [1-9][0-9]* red outline pixels\)$' "$TMP/out"
expect_grep '<g class="node dataset failed">' failed.html

# A page that cannot be written leaves nothing behind, and no tree.
mkdir taken.html
expect_exit 2 prov trace photo-model --html taken.html
expect_grep '^prov: .*taken\.html' "$TMP/err"
[ ! -s "$TMP/out" ] || fail "a tree was printed after the page failed"
expect_exit 2 prov trace photo-model --html missing/page.html
[ ! -e missing ] || fail "--html made a folder"
leftovers=$(find . -maxdepth 1 -name '*.tmp.*' | head -n 1)
[ -z "$leftovers" ] || fail "a temporary file was left: $leftovers"
