#!/bin/sh
# prov-indexer --registry: a registry's works (two creators), a dataset, a
# run and a model, anchored on anvil, loaded into PostgreSQL beside the
# chain's anchors; exact rows per table and the output of every query of
# docs/indexer.md's "Queries"; a second load takes only what is new, a
# third finds nothing.
. "$(dirname "$0")/lib.sh"
IDX=$(dirname "$PROV")/prov-indexer
[ -x "$IDX" ] || fail "no prov-indexer next to $PROV"

anvil_start
pg_start
prov init . >/dev/null
for who in alice bob curator provider owner dave; do new_identity "$who"; done
id_of() { sed -n 's/^  "id": "\(sha256:[0-9a-f]*\)".*/\1/p' "$TMP/out" | head -n 1; }

mkdir d
echo "alpha" >d/a.txt
echo "beta" >d/b.txt
echo "gamma" >d/c.txt
prov register d/a.txt d/c.txt --license CC-BY-4.0 --deny ai_generative_training \
	--payout eip155:31337:0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed --as alice >/dev/null
prov register d/b.txt --license CC0-1.0 --allow ai_training --as bob >/dev/null
prov manifest build ds --version 1 --from d --purpose commercial --as curator >/dev/null
printf 'weights, first run' >base.bin
expect_exit 0 prov run record --dataset ds@1 --checkpoint base.bin --as provider --json
run=$(id_of)
expect_exit 0 prov model register base --weights base.bin --run "$run" --as owner --json

expect_exit 0 prov chain key new ops --no-passphrase
ops=$(cat "$TMP/out")
rpc anvil_setBalance "[\"$ops\",\"0x56bc75e2d63100000\"]" >/dev/null
expect_exit 0 prov contracts deploy --rpc "$ANVIL_URL" --key ops --json
reg=$(sed -nE 's/^  "address": "(0x[0-9a-fA-F]{40})",?$/\1/p' "$TMP/out")
anchor() { prov anchor --rpc "$ANVIL_URL" --key ops --contract "$reg" --poll-ms 100 --confirmations 1 --as alice; }
expect_exit 0 anchor

expect_exit 0 "$IDX" migrate --db "$PGDB"
index() {
	"$IDX" --db "$PGDB" --rpc "$ANVIL_URL" --chain eip155:31337 \
		--registry-contract "$reg" --registry .prov --once --confirmations 0
}
counts() {
	psql_q "SELECT (SELECT count(*) FROM anchors), (SELECT count(*) FROM records),
		(SELECT count(*) FROM dataset_items), (SELECT count(*) FROM record_anchors),
		(SELECT count(*) FROM registry_loads)"
}
kinds() { psql_q "SELECT kind, count(*) FROM records GROUP BY kind ORDER BY kind" | tr '\n' ' '; }
# q NAME: the query of docs/indexer.md's "Queries" named NAME, run, with
# what differs run to run (keys, ids, times, hashes) normalised.
q() {
	sed -n "/^-- query: $1\$/,/^\$/p" "$ROOT/docs/indexer.md" >"$TMP/q.sql"
	[ -s "$TMP/q.sql" ] || fail "no query $1 in docs/indexer.md"
	psql_q <"$TMP/q.sql" >"$TMP/q.out"
	normalise "$TMP/q.out" | sed -E 's/\\x[0-9a-f]{40,64}/<HEX>/g'
}

# The first load: everything. 3 works, the dataset, the run, the model
# and the anchor record; 3 items; the 6 records the anchor covers.
expect_exit 0 index
expect_grep 'registry .prov: loaded 7 records, 3 dataset items, 6 anchor proofs' "$TMP/err"
expect_eq "$(counts)" "1|7|3|6|1" "rows after the first load"
expect_eq "$(kinds)" "anchor|1 dataset|1 model|1 run|1 work|3 " "records by kind"
expect_eq "$(psql_q "SELECT base IS NULL, records, items, proofs, skipped,
	commit = '$(git -C .prov rev-parse HEAD)',
	root = '$(git -C .prov rev-list --max-parents=0 HEAD)' FROM registry_loads")" \
	"t|7|3|6|0|t|t" "the registry_loads row"
expect_eq "$(psql_q "SELECT count(*) FROM records r WHERE r.signers = ARRAY[r.payload->>'creator']
	AND kind = 'work'")" 3 "works signed by their creators"

alice=$(prov id show alice --json | sed -n 's/.*"did": "\(did:key:[^"]*\)".*/\1/p')
cat >"$TMP/want" <<-'EOF'
	<DID>|a.txt|CC-BY-4.0|eip155:31337:0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed||notAllowed
	<DID>|c.txt|CC-BY-4.0|eip155:31337:0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed||notAllowed
	<DID>|b.txt|CC0-1.0||allowed|
EOF
q works >"$TMP/got"
diff -u "$TMP/want" "$TMP/got" >&2 || fail "works"
cat >"$TMP/want" <<-'EOF'
	dataset|<ID>|1|<HEX>
	model|<ID>|1|<HEX>
	run|<ID>|1|<HEX>
	work|<ID>|1|<HEX>
	work|<ID>|1|<HEX>
	work|<ID>|1|<HEX>
EOF
q anchored >"$TMP/got"
diff -u "$TMP/want" "$TMP/got" >&2 || fail "anchored"
cat >"$TMP/want" <<-'EOF'
	ds|1|a.txt|<ID>
	ds|1|c.txt|<ID>
EOF
psql_q "$(sed -n '/^-- query: creator-datasets$/,/^$/p' "$ROOT/docs/indexer.md" |
	sed "s/:'creator'/'$alice'/")" >"$TMP/q.out"
normalise "$TMP/q.out" >"$TMP/got"
diff -u "$TMP/want" "$TMP/got" >&2 || fail "creator-datasets"
cat >"$TMP/want" <<-'EOF'
	base|<DID>|ds|1|<DID>|a.txt
	base|<DID>|ds|1|<DID>|b.txt
	base|<DID>|ds|1|<DID>|c.txt
EOF
q model-works >"$TMP/got"
diff -u "$TMP/want" "$TMP/got" >&2 || fail "model-works"
q payouts >"$TMP/got"
[ ! -s "$TMP/got" ] || fail "payouts without a distributor"

# Nothing new: nothing loaded, no registry_loads row.
expect_exit 0 index
expect_no_grep 'registry .prov: loaded' "$TMP/err"
expect_eq "$(counts)" "1|7|3|6|1" "rows after a load with nothing new"

# More records: a third creator, a second dataset version with 4 items,
# their anchor. Only the new ones are read: 3 records, 4 items, 2 proofs.
echo "delta" >d/d.txt
prov register d/d.txt --license MIT --as dave >/dev/null
prov manifest build ds --version 2 --from d --purpose commercial --as curator >/dev/null
expect_exit 0 anchor
expect_exit 0 index
expect_grep 'registry .prov: loaded 3 records, 4 dataset items, 2 anchor proofs' "$TMP/err"
expect_eq "$(counts)" "2|10|7|8|2" "rows after the second load"
expect_eq "$(psql_q "SELECT base IS NOT NULL, records, items, proofs FROM registry_loads ORDER BY n DESC LIMIT 1")" \
	"t|3|4|2" "the second load's row"
expect_eq "$(psql_q "SELECT count(*) FROM anchored_records WHERE seq IS NULL")" 0 "every anchored record is on chain"

# A record that does not check is skipped and counted: the model's
# envelope with its signature damaged, committed with plain git.
p=$(git -C .prov ls-tree -r --name-only HEAD records/model | head -n 1)
git -C .prov show "HEAD:$p" | sed -E 's/("sig":")(.)/\1\2\2/' >bad.json
export GIT_INDEX_FILE=$TMP/git-index
git -C .prov read-tree HEAD
git -C .prov update-index --cacheinfo "100644,$(git -C .prov hash-object -w "$TMP/bad.json"),$p"
tree=$(git -C .prov write-tree)
unset GIT_INDEX_FILE
commit=$(git -C .prov -c user.name=x -c user.email=x@example.org commit-tree "$tree" -p HEAD -m tamper)
git -C .prov update-ref refs/heads/main "$commit"
expect_exit 0 index
expect_eq "$(psql_q "SELECT records, items, proofs, skipped FROM registry_loads ORDER BY n DESC LIMIT 1")" \
	"0|0|0|1" "the damaged record's load"
expect_eq "$(counts)" "2|10|7|8|3" "rows after loading a damaged record"
