# prov verify: ids, paths, signatures, commit signatures, immutable history;
# a record edited with stock git is named and the exit status is 1.
. "$(dirname "$0")/lib.sh"

prov init . >/dev/null
new_identity alice
for n in 1 2 3; do echo "work $n" >w$n.txt; done
prov register w1.txt w2.txt w3.txt --license MIT >/dev/null
expect_exit 0 prov verify
expect_grep "^verified 3 records and 1 commit: " "$TMP/out"
expect_exit 0 prov verify --json
expect_grep '"ok": true' "$TMP/out"

# Edit one record with plain git: swap a character of its signature.
git clone -q .prov work
f=$(cd work && git ls-files | head -n 1)
sed -i 's/"sig":"A/"sig":"B/; t; s/"sig":"./"sig":"A/' "work/$f"
# shellcheck disable=SC2016
git -C work -c user.name=x -c user.email=x@example.org commit -qam "edit"
git -C work push -q origin main
expect_exit 1 prov verify
expect_grep "^FAIL $f$" "$TMP/out"
expect_grep "signature by did:key:.* does not verify" "$TMP/out"
expect_grep "record was changed after it was added" "$TMP/out"
expect_grep "commit is not signed" "$TMP/out"
expect_exit 1 prov verify --json
expect_grep '"ok": false' "$TMP/out"

# Verifying given ids: a good one passes, the edited one fails.
good=$(cd work && git ls-files | sed -n 2p)
good_id=sha256:$(basename "$good" .json)
bad_id=sha256:$(basename "$f" .json)
expect_exit 0 prov verify "$good_id"
expect_exit 1 prov verify "$bad_id"
expect_grep "^FAIL $f" "$TMP/out"
expect_exit 2 prov verify sha256:0000000000000000000000000000000000000000000000000000000000000000

# A record removed, and a stray file added, with plain git.
git -C work rm -q "$good"
echo junk >work/junk.txt
git -C work add junk.txt
git -C work -c user.name=x -c user.email=x@example.org commit -qm "remove"
git -C work push -q origin main
expect_exit 1 prov verify
expect_grep "record was removed after it was added" "$TMP/out"
expect_grep "^FAIL junk.txt$" "$TMP/out"

# A merge commit that silently drops a record one parent had.
prov init m >/dev/null
echo "first" >m1.txt
echo "second" >m2.txt
prov --registry m register m1.txt --license MIT >/dev/null
prov --registry m register m2.txt --license MIT >/dev/null
git clone -q m/.prov mw
dropped=$(git -C mw diff --name-only HEAD~1 HEAD)
merge=$(git -C mw -c user.name=x -c user.email=x@example.org \
	commit-tree "HEAD~1^{tree}" -p HEAD~1 -p HEAD -m merge)
git -C mw push -q origin "$merge:main"
expect_exit 1 prov --registry m verify
expect_grep "^FAIL $dropped commit $merge$" "$TMP/out"
expect_grep "record was removed after it was added" "$TMP/out"
