#!/bin/sh
# prov-indexer: migrations (and a version 3 database with the old
# distributor's rows upgraded), one row per canonical Anchored event with its
# exact values, a replay that inserts nothing, 500 empty blocks, a uint256
# of 2^256-1 through the distributor, the advisory lock, SIGTERM, and an
# error reply or a malformed one that is never taken for "no logs".
. "$(dirname "$0")/lib.sh"
IDX=$(dirname "$PROV")/prov-indexer
ORACLE=$ROOT/tests/oracle
anvil_start
pg_start

# rows_match ADDRESS TABLE...: the tables' rows of that contract are
# exactly the chain's logs of it (block number, block hash, log index).
rows_match() {
	addr=$1
	shift
	node "$ORACLE/logs.mjs" "$ANVIL_URL" "$addr" >"$TMP/chain.txt"
	union=""
	for t in "$@"; do
		union="$union${union:+ UNION ALL }SELECT contract, block_number, block_hash, log_index FROM $t"
	done
	psql_q "SELECT block_number || ' 0x' || encode(block_hash, 'hex') || ' ' || log_index
		FROM ($union) r WHERE contract = '\\x${addr#0x}' ORDER BY block_number, log_index" >"$TMP/db.txt"
	diff "$TMP/chain.txt" "$TMP/db.txt" >&2 || fail "$* differ from the chain's logs of $addr"
}

# -- the schema ---------------------------------------------------------------
expect_exit 2 "$IDX" --db "$PGDB" --rpc "$ANVIL_URL" --chain eip155:31337 \
	--registry-contract 0x5FbDB2315678afecb367f032d93F642f64180aa3 --once
expect_grep "lacks schema migration 0001_chain: run 'prov-indexer migrate" "$TMP/err"
expect_exit 0 "$IDX" migrate --db "$PGDB"
expect_grep '^schema at version 4 \(0004_payout_ids\): 4 migrations applied$' "$TMP/out"
expect_exit 0 "$IDX" migrate --db "$PGDB" --json
expect_grep '"applied": 0' "$TMP/out"
expect_eq "$(psql_q 'SELECT string_agg(name, \x27 \x27 ORDER BY version) FROM schema_migrations' 2>/dev/null ||
	psql_q "SELECT string_agg(name, ' ' ORDER BY version) FROM schema_migrations")" \
	"0001_chain 0002_registry 0003_views 0004_payout_ids"
# a migration whose text changed is refused
psql_q "UPDATE schema_migrations SET sha256 = repeat('0', 64) WHERE version = 2"
expect_exit 2 "$IDX" migrate --db "$PGDB"
expect_grep 'migration 0002_registry in the database differs' "$TMP/err"
psql_q "UPDATE schema_migrations SET sha256 = '$(sha256sum "$ROOT/indexer/migrations/0002_registry.sql" | cut -c1-64)' WHERE version = 2"
expect_exit 0 "$IDX" migrate --db "$PGDB"

# A database at version 3 with rows of the old distributor's events (no
# batch ids) upgrades: the rows stay in payout_batches_v1 and claims_v1,
# the new tables start empty, and payouts is made again with batch.
psql_q "CREATE DATABASE v3"
V3DB=$(echo "$PGDB" | sed 's/dbname=[^ ]*/dbname=v3/')
v3_q() { psql -X -A -t -q -v ON_ERROR_STOP=1 -d "$V3DB" -f -; }
for m in 0001_chain 0002_registry 0003_views; do
	v3_q <"$ROOT/indexer/migrations/$m.sql" >/dev/null || fail "migration $m by psql"
done
sha_of() { sha256sum "$ROOT/indexer/migrations/$1.sql" | cut -c1-64; }
hx() { printf "'\\\\x%s'" "$(printf "$1%.0s" $(seq "$2"))"; } # hx BYTE N: a bytea literal
v3_q <<EOF || fail "the version 3 database's rows"
CREATE TABLE schema_migrations (version integer PRIMARY KEY, name text NOT NULL,
	sha256 text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now());
INSERT INTO schema_migrations (version, name, sha256) VALUES
	(1, '0001_chain', '$(sha_of 0001_chain)'),
	(2, '0002_registry', '$(sha_of 0002_registry)'),
	(3, '0003_views', '$(sha_of 0003_views)');
INSERT INTO payout_batches VALUES (31337, $(hx dd 20), $(hx 44 32), $(hx ee 20), $(hx ff 20),
	7, 'old', 'old', 5, $(hx 55 32), $(hx 66 32), 0);
INSERT INTO claims VALUES (31337, $(hx dd 20), $(hx 44 32), $(hx a1 20), 7,
	6, $(hx 77 32), $(hx 88 32), 0);
EOF
expect_exit 0 "$IDX" migrate --db "$V3DB"
expect_grep '^schema at version 4 \(0004_payout_ids\): 1 migration applied$' "$TMP/out"
expect_eq "$(echo "SELECT total, uri, encode(root, 'hex') FROM payout_batches_v1" | v3_q)" \
	"7|old|$(printf '44%.0s' $(seq 32))" "the old batch kept"
expect_eq "$(echo "SELECT amount, encode(account, 'hex') FROM claims_v1" | v3_q)" \
	"7|$(printf 'a1%.0s' $(seq 20))" "the old claim kept"
expect_eq "$(echo "SELECT (SELECT count(*) FROM payout_batches) + (SELECT count(*) FROM claims)
	+ (SELECT count(*) FROM payouts)" | v3_q)" 0 "the new tables' rows"
# the tables and the view as a fresh database has them
schema_of() {
	psql -X -A -t -q -v ON_ERROR_STOP=1 -d "$1" -f - <<-'EOF'
	SELECT table_name || '.' || column_name || ' ' || data_type FROM information_schema.columns
	WHERE table_name IN ('payout_batches', 'claims', 'payouts') ORDER BY table_name, ordinal_position;
	SELECT indexdef FROM pg_indexes WHERE tablename IN ('payout_batches', 'claims') ORDER BY 1;
	EOF
}
schema_of "$PGDB" >"$TMP/schema-fresh"
schema_of "$V3DB" >"$TMP/schema-upgraded"
diff -u "$TMP/schema-fresh" "$TMP/schema-upgraded" >&2 || fail "an upgraded schema differs from a fresh one"
expect_grep '^payouts\.batch bytea$' "$TMP/schema-upgraded"
expect_grep '^CREATE UNIQUE INDEX claims_batch ON public\.claims USING btree \(batch, account, chain_id, contract\)$' "$TMP/schema-upgraded"
expect_exit 0 "$IDX" migrate --db "$V3DB"
expect_grep '^schema at version 4 \(0004_payout_ids\): 0 migrations applied$' "$TMP/out"

# -- usage ----------------------------------------------------------------------
expect_exit 0 "$IDX" --help
expect_grep '^usage: prov-indexer \[run\] --db CONNINFO' "$TMP/out"
expect_exit 2 "$IDX" --db "$PGDB" --once
expect_grep 'run needs --db, --rpc, --chain and --registry-contract' "$TMP/err"
expect_exit 2 "$IDX" --db "$PGDB" --rpc "$ANVIL_URL" --chain eip155:1 \
	--registry-contract 0x5FbDB2315678afecb367f032d93F642f64180aa3 --once
expect_grep 'the endpoint is on chain eip155:31337, not eip155:1' "$TMP/err"
expect_exit 2 "$IDX" --db "$PGDB" --rpc "$ANVIL_URL" --chain eip155:31337 \
	--registry-contract 0x5FbDB2315678afecb367f032d93F642f64180aa3 --once
expect_grep 'no contract at 0x5' "$TMP/err"

# -- 300 events, 7 to a block -----------------------------------------------------
REG=$(node "$ORACLE/anchors.mjs" "$ANVIL_URL" deploy)
node "$ORACLE/anchors.mjs" "$ANVIL_URL" anchor "$REG" 300 --per-block 7 >/dev/null
run() { "$IDX" --db "$PGDB" --rpc "$ANVIL_URL" --chain eip155:31337 --registry-contract "$REG" "$@"; }
# in the background, $! is prov-indexer itself (not a subshell)
run_bg() { exec "$IDX" --db "$PGDB" --rpc "$ANVIL_URL" --chain eip155:31337 --registry-contract "$REG" "$@"; }
expect_exit 0 run --once --json
expect_grep '"from_block": 1,' "$TMP/out"
expect_grep '"events": 300,' "$TMP/out"
expect_grep '"inserted": 300,' "$TMP/out"
expect_grep 'was deployed at block 1$' "$TMP/err"
expect_eq "$(psql_q 'SELECT count(*), min(seq), max(seq), count(DISTINCT root) FROM anchors')" "300|1|300|300"
rows_match "$REG" anchors
# one row's values, against what anchors.mjs sent: root keccak256("t/41"),
# count 42, uri "t/41", and the submitter, dev account 0
root41=$(cd "$ORACLE" && node -e 'import("ethereum-cryptography/keccak.js").then(({keccak256}) =>
	console.log(Buffer.from(keccak256(Buffer.from("t/41"))).toString("hex")))')
expect_eq "$(psql_q "SELECT seq, count, uri, encode(submitter, 'hex') FROM anchors WHERE root = '\\x$root41'")" \
	"42|42|t/41|f39fd6e51aad88f6f4ce6ab8827279cfffb92266"
expect_eq "$(psql_q "SELECT encode(tx_hash, 'hex') FROM anchors WHERE seq = 42")" \
	"$(rpc eth_getLogs "[{\"address\":\"$REG\",\"fromBlock\":\"0x1\",\"toBlock\":\"latest\"}]" |
		node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).result[41].transactionHash.slice(2)))')"
head=$(printf '%d' "$(rpc_result eth_blockNumber '[]')")
expect_eq "$(psql_q "SELECT kind, block_number, head FROM cursors")" "registry|$head|$head"

# -- the same range delivered twice: the cursor put back, a replay inserts nothing
genesis=$(rpc eth_getBlockByNumber '["0x0",false]' | sed -E 's/.*"hash":"0x([0-9a-f]{64})".*/\1/')
psql_q "UPDATE cursors SET block_number = 0, block_hash = decode('$genesis', 'hex')"
expect_exit 0 run --once --json
expect_grep '"events": 300,' "$TMP/out"
expect_grep '"inserted": 0,' "$TMP/out"
expect_eq "$(psql_q 'SELECT count(*) FROM anchors')" 300
rows_match "$REG" anchors

# -- 500 empty blocks -----------------------------------------------------------
rpc anvil_mine '["0x1f4"]' >/dev/null
expect_exit 0 run --once --json
expect_grep '"blocks": 500,' "$TMP/out"
expect_grep '"events": 0,' "$TMP/out"
expect_eq "$(psql_q 'SELECT count(*) FROM anchors')" 300
expect_eq "$(psql_q 'SELECT block_number FROM cursors')" "$((head + 500))"
# only the unfinal window's headers are kept (128 and the cursor's parent)
expect_eq "$(psql_q "SELECT count(*) <= 130 FROM blocks")" t

# -- the distributor: 2^256-1 in and out ---------------------------------------
MAX=115792089237316195423570985008687907853269984665640564039457584007913129639935
ACCT=0x00000000000000000000000000000000000000A1
set -- $(node "$ORACLE/distributor.mjs" "$ANVIL_URL" deploy)
TOKEN=${1#token=}
DIST=${2#distributor=}
leaf=$(cd "$ORACLE" && node -e "import('@openzeppelin/merkle-tree').then(({StandardMerkleTree}) =>
	console.log(StandardMerkleTree.of([['$ACCT', '$MAX']], ['address', 'uint256']).root))")
ID1=$(printf '11%.0s' $(seq 32))
node "$ORACLE/distributor.mjs" "$ANVIL_URL" fund "$DIST" "$TOKEN" "$leaf" "$MAX" "batch-1" "0x$ID1" >/dev/null
node "$ORACLE/distributor.mjs" "$ANVIL_URL" claim "$DIST" "0x$ID1" "$ACCT" "$MAX" >/dev/null
expect_exit 0 run --distributor "$DIST" --once --json
expect_eq "$(psql_q "SELECT total, uri, encode(token, 'hex') = lower('${TOKEN#0x}'), encode(id, 'hex'),
	encode(root, 'hex'), encode(funder, 'hex') FROM payout_batches")" \
	"$MAX|batch-1|t|$ID1|${leaf#0x}|f39fd6e51aad88f6f4ce6ab8827279cfffb92266"
expect_eq "$(psql_q "SELECT amount, encode(account, 'hex'), encode(batch, 'hex') FROM claims")" \
	"$MAX|00000000000000000000000000000000000000a1|$ID1"
expect_eq "$(psql_q "SELECT total = 2::numeric ^ 256 - 1 AND total + 1 = 2::numeric ^ 256 FROM payout_batches")" t
rows_match "$DIST" payout_batches claims
expect_eq "$(psql_q 'SELECT count(*) FROM cursors')" 2
# a total whose 32 bytes all differ (0x81, 0x02, ..., 0x20), so that a word
# read in the wrong byte order or shifted cannot give it back; node's BigInt
# writes the decimal expected
ASYM=0x8102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f20
ASYM_DEC=$(node -e 'console.log(BigInt(process.argv[1]).toString())' "$ASYM")
set -- $(node "$ORACLE/distributor.mjs" "$ANVIL_URL" deploy)
ID2=$(printf '33%.0s' $(seq 32))
node "$ORACLE/distributor.mjs" "$ANVIL_URL" fund "$DIST" "${1#token=}" "0x$(printf '22%.0s' $(seq 32))" "$ASYM" "batch-2" "0x$ID2" >/dev/null
expect_exit 0 run --distributor "$DIST" --once
expect_eq "$(psql_q "SELECT total, encode(id, 'hex'), encode(root, 'hex') FROM payout_batches WHERE uri = 'batch-2'")" \
	"$ASYM_DEC|$ID2|$(printf '22%.0s' $(seq 32))"
expect_eq "$ASYM_DEC" 58351911974978788923295437481848361530025028719969901156892977186671301631776

# -- a uri that is not UTF-8 is kept as bytes -----------------------------------
node "$ORACLE/anchors.mjs" "$ANVIL_URL" anchor "$REG" 1 --tag bad --uri-hex ff00fe >/dev/null
expect_exit 0 run --once
expect_eq "$(psql_q "SELECT uri IS NULL, encode(uri_bytes, 'hex') FROM anchors WHERE seq = 301")" "t|ff00fe"

# -- an error reply, a malformed reply, duplicated logs: never "no logs" ----------
node "$ORACLE/anchors.mjs" "$ANVIL_URL" anchor "$REG" 5 --tag e >/dev/null
for plan in '{"rate":1,"faults":["error"],"methods":["eth_getLogs"]}' \
	'{"rate":1,"faults":["corrupt"],"methods":["eth_getLogs"]}' \
	'{"rate":0,"dup":true}'; do
	echo "$plan" >"$TMP/plan.json"
	proxy_start "$TMP/plan.json"
	expect_exit 2 "$IDX" --db "$PGDB" --rpc "$PROXY_URL" --chain eip155:31337 --registry-contract "$REG" \
		--once --rpc-timeout-ms 2000
	expect_grep 'eth_getLogs' "$TMP/err"
	proxy_stop
	expect_eq "$(psql_q 'SELECT count(*) FROM anchors')" 301 "after $plan"
done
expect_grep 'out of order' "$TMP/err"
expect_exit 0 run --once
expect_eq "$(psql_q 'SELECT count(*) FROM anchors')" 306
rows_match "$REG" anchors

# -- one instance per (chain, contract); SIGTERM finishes and exits 0 -----------
run_bg --follow --poll-ms 100 2>"$TMP/follow.err" &
pid=$!
cleanup_add "kill -9 $pid 2>/dev/null"
locked() { test "$(psql_q "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND granted")" -ge 1; }
wait_for locked
expect_exit 2 run --once
expect_grep 'another prov-indexer follows 0x[0-9a-f]{40} on eip155:31337' "$TMP/err"
node "$ORACLE/anchors.mjs" "$ANVIL_URL" anchor "$REG" 3 --tag f >/dev/null
rows_are() { test "$(psql_q 'SELECT count(*) FROM anchors')" = "$1"; }
wait_for rows_are 309
kill -TERM $pid
st=0
wait $pid || st=$?
expect_eq "$st" 0 "prov-indexer's exit status after SIGTERM"
expect_grep 'stopped: every committed batch is in' "$TMP/follow.err"
rows_match "$REG" anchors

# -- status ---------------------------------------------------------------------
expect_exit 0 "$IDX" status --db "$PGDB" --json
expect_grep '"anchors": 309' "$TMP/out"
expect_grep '"claims": 1' "$TMP/out"
expect_grep '"lag": 0' "$TMP/out"
expect_exit 0 "$IDX" status --db "$PGDB"
expect_grep '^registry 0x[0-9a-f]{40} on eip155:31337: block [0-9]+ \(0x[0-9a-f]{64}\), head [0-9]+, lag 0$' "$TMP/out"
expect_grep '^  anchors +309$' "$TMP/out"
echo ok
