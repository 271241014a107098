# Sharing registries: push, pull as a union of records, conflicts refused,
# incoming records checked.
. "$(dirname "$0")/lib.sh"

new_identity alice
new_identity bob
prov init alice >/dev/null
prov init bob >/dev/null
echo "alice's work" >a.txt
echo "bob's work" >b.txt
echo "shared work" >s.txt
prov --registry alice register a.txt s.txt --license MIT --as alice >/dev/null
prov --registry bob register b.txt --license CC0-1.0 --as bob >/dev/null

# Pull into an empty registry: a fast-forward.
prov init carol >/dev/null
prov --registry carol remote add alice "$TMP/alice"
expect_exit 0 prov --registry carol remote list
expect_grep "^alice +$TMP/alice/.prov$" "$TMP/out"
expect_exit 0 prov --registry carol pull alice
expect_grep "^pulled 2 new records from alice$" "$TMP/out"
expect_eq "$(git -C carol/.prov rev-parse HEAD)" "$(git -C alice/.prov rev-parse HEAD)"

# Diverged: a signed merge commit holding the union.
prov --registry carol remote add bob "file://$TMP/bob/.prov"
expect_exit 0 prov --registry carol pull bob --as alice
expect_grep "^pulled 1 new record from bob$" "$TMP/out"
expect_eq "$(git -C carol/.prov rev-list --count --merges HEAD)" 1
expect_exit 0 prov --registry carol status --json
expect_grep '"records": 3' "$TMP/out"
expect_exit 0 prov --registry carol verify
expect_grep "^verified 3 records and 3 commits" "$TMP/out"
expect_exit 0 prov --registry carol pull bob
expect_grep "^pulled 0 new records from bob$" "$TMP/out"

# Push back: bob has nothing carol lacks, so it fast-forwards.
expect_exit 0 prov --registry carol push bob
expect_eq "$(git -C bob/.prov rev-parse HEAD)" "$(git -C carol/.prov rev-parse HEAD)"
# alice gained nothing meanwhile; after bob registers more, carol's push to
# bob is refused until she pulls.
echo "bob's second" >b2.txt
prov --registry bob register b2.txt --license MIT --as bob >/dev/null
echo "carol's" >c.txt
prov --registry carol register c.txt --license MIT --as alice >/dev/null
expect_exit 2 prov --registry carol push bob
expect_grep "run 'prov pull bob' first" "$TMP/err"

# Same path, different bytes: a conflict, and nothing changes.
prov init evil >/dev/null
prov --registry evil remote add alice "$TMP/alice"
prov --registry evil pull alice >/dev/null
git clone -q evil/.prov work
f=$(cd work && git ls-files | head -n 1)
sed -i 's/"sig":"A/"sig":"B/; t; s/"sig":"./"sig":"A/' "work/$f"
git -C work -c user.name=x -c user.email=x@example.org commit -qam "edit"
git -C work push -q origin main
before=$(git -C carol/.prov rev-parse HEAD)
prov --registry carol remote add evil "$TMP/evil"
expect_exit 1 prov --registry carol pull evil --as alice
expect_grep "^prov: '$f' differs between the registries" "$TMP/err"
expect_eq "$(git -C carol/.prov rev-parse HEAD)" "$before"

# A new record with a bad signature is refused before anything is merged.
prov init evil2 >/dev/null
echo "forged" >forged.txt
prov --registry evil2 register forged.txt --license MIT --as bob >/dev/null
git clone -q evil2/.prov work2
f2=$(cd work2 && git ls-files | head -n 1)
sed -i 's/"sig":"A/"sig":"B/; t; s/"sig":"./"sig":"A/' "work2/$f2"
git -C work2 -c user.name=x -c user.email=x@example.org commit -qam "forge"
git -C work2 push -q origin main
prov --registry carol remote add evil2 "$TMP/evil2"
expect_exit 1 prov --registry carol pull evil2 --as alice
expect_grep "refusing '$f2' from the remote" "$TMP/err"
expect_eq "$(git -C carol/.prov rev-parse HEAD)" "$before"
# A malformed incoming record is named as such, even when choosing an
# identity for a merge would also be needed (two identities, no --as).
prov init evil3 >/dev/null
git clone -q evil3/.prov work3 2>/dev/null
mkdir -p work3/works/00/00/x
echo "not json" >work3/works/00/00/x/y.json
git -C work3 add -A
git -C work3 -c user.name=x -c user.email=x@example.org commit -qm "junk"
git -C work3 push -q origin HEAD:main
prov --registry carol remote add evil3 "$TMP/evil3"
expect_exit 2 prov --registry carol pull evil3
expect_grep "refusing 'works/00/00/x/y.json' from the remote" "$TMP/err"
expect_no_grep "identities" "$TMP/err"

# A relative remote path is stored absolute: push works from a subfolder.
prov init dave >/dev/null
mkdir -p dave/sub
(cd dave && "$PROV" remote add carol ../carol && cd sub && "$PROV" pull carol --as alice >/dev/null) ||
	fail "a relative remote does not work from a subfolder"
expect_exit 0 prov --registry dave remote list
expect_grep "^carol +$TMP/carol/.prov$" "$TMP/out"

expect_exit 2 prov --registry carol pull nobody
expect_grep "no remote named 'nobody'" "$TMP/err"
