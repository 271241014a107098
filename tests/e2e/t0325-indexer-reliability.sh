#!/bin/sh
# prov-indexer under failure: killed with -9 mid-batch and restarted;
# PostgreSQL restarted mid-run; reorganisations while running and while
# stopped, one 60 blocks deep, one deeper than the window; an RPC proxy
# that drops, delays, truncates and corrupts replies, answers 429 and 500
# and refuses wide ranges, behind a dead endpoint. After each, the rows are
# exactly the chain's canonical events: nothing lost, nothing doubled.
. "$(dirname "$0")/lib.sh"
IDX=$(dirname "$PROV")/prov-indexer
ORACLE=$ROOT/tests/oracle
anvil_start
pg_start
"$IDX" migrate --db "$PGDB" >/dev/null
REG=$(node "$ORACLE/anchors.mjs" "$ANVIL_URL" deploy)
run() { "$IDX" --db "$PGDB" --chain eip155:31337 --registry-contract "$REG" "$@"; }
# in the background, $! is prov-indexer itself (not a subshell)
run_bg() { exec "$IDX" --db "$PGDB" --chain eip155:31337 --registry-contract "$REG" "$@"; }
anchor() { node "$ORACLE/anchors.mjs" "$ANVIL_URL" anchor "$REG" "$@" >/dev/null; }

# rows_equal: the anchors table holds exactly the chain's Anchored logs.
rows_equal() {
	node "$ORACLE/logs.mjs" "$ANVIL_URL" "$REG" >"$TMP/chain.txt"
	psql_q "SELECT block_number || ' 0x' || encode(block_hash, 'hex') || ' ' || log_index
		FROM anchors ORDER BY block_number, log_index" >"$TMP/db.txt"
	cmp -s "$TMP/chain.txt" "$TMP/db.txt"
}
rows_match() {
	rows_equal || { diff "$TMP/chain.txt" "$TMP/db.txt" >&2; fail "anchors differ from the chain ($1)"; }
	expect_eq "$(psql_q 'SELECT count(*) FROM anchors')" "$(wc -l <"$TMP/chain.txt" | tr -d ' ')" "$1"
	expect_eq "$(psql_q 'SELECT count(*) = max(seq) FROM anchors')" t "$1: seq without gaps"
}
# wait_rows N: until the table holds N rows or more (at most 60 s).
rows_at_least() { test "$(psql_q 'SELECT count(*) FROM anchors')" -ge "$1"; }
wait_rows() { wait_for rows_at_least "$1"; }
reorgs_are() { test "$(psql_q 'SELECT reorgs FROM cursors')" = "$1"; }

# -- kill -9 mid-batch, then a restart ---------------------------------------
# 2,000 events on 1,000 blocks, read 2 blocks a batch, so the kill lands
# while batches are in flight
anchor 2000 --per-block 2 --tag k
run_bg --rpc "$ANVIL_URL" --once --batch-blocks 2 --workers 1 2>"$TMP/kill.err" &
pid=$!
cleanup_add "kill -9 $pid 2>/dev/null"
wait_rows 1
kill -9 $pid
wait $pid 2>/dev/null || true
n=$(psql_q 'SELECT count(*) FROM anchors')
[ "$n" -lt 2000 ] || fail "the kill came too late ($n rows)"
expect_eq "$(psql_q 'SELECT count(*) = max(seq) FROM anchors')" t "after kill -9"
expect_exit 0 run --rpc "$ANVIL_URL" --once
rows_match "kill -9 and restart"
expect_eq "$(psql_q 'SELECT count(*) FROM anchors')" 2000

# -- PostgreSQL restarted mid-run ---------------------------------------------
# through a proxy that slows a third of the replies, so the restart lands
# while the indexer works
anchor 2000 --per-block 2 --tag p
echo '{"seed":3,"rate":0.3,"faults":["delay"],"delay_ms":200}' >"$TMP/slow.json"
proxy_start "$TMP/slow.json"
SLOW=$PROXY_URL
run_bg --rpc "$SLOW" --once --batch-blocks 5 --workers 2 2>"$TMP/pg.err" &
pid=$!
cleanup_add "kill -9 $pid 2>/dev/null"
wait_rows 2001
pg_restart
st=0
wait $pid || st=$?
cat "$TMP/pg.err" >"$TMP/err"
expect_eq "$st" 0 "prov-indexer's exit status across a PostgreSQL restart"
expect_grep 'connected to the database again' "$TMP/err"
rows_match "PostgreSQL restarted"
expect_eq "$(psql_q 'SELECT count(*) FROM anchors')" 4000
proxy_stop

# -- a reorganisation while running -----------------------------------------------
run_bg --rpc "$ANVIL_URL" --follow --poll-ms 100 2>"$TMP/follow.err" &
pid=$!
cleanup_add "kill -9 $pid 2>/dev/null"
anchor 20 --tag r
wait_for rows_equal
before=$(psql_q 'SELECT count(*) FROM anchors')
rpc anvil_reorg '[5, []]' >/dev/null
wait_for reorgs_are 1
wait_for rows_equal
rows_match "reorg while running"
expect_eq "$(psql_q 'SELECT count(*) FROM anchors')" "$((before - 5))"
expect_eq "$(psql_q 'SELECT last_reorg_depth FROM cursors')" 5
kill -TERM $pid
st=0
wait $pid || st=$?
expect_eq "$st" 0 "exit status after SIGTERM"
cp "$TMP/follow.err" "$TMP/err"
expect_grep 'reorg: .*; rolled back 5 blocks to block [0-9]+, the last both forks share; 5 rows deleted' "$TMP/err"

# -- a reorganisation while stopped, then new events --------------------------------
# (blocks with transactions: anvil rebuilds an empty block with its old hash)
anchor 6 --tag s0
expect_exit 0 run --rpc "$ANVIL_URL" --once
rpc anvil_reorg '[3, []]' >/dev/null
anchor 4 --tag s
expect_exit 0 run --rpc "$ANVIL_URL" --once
expect_grep "reorg: the cursor's block [0-9]+ is not the chain's any more; rolled back 3 blocks" "$TMP/err"
rows_match "reorg while stopped"
expect_eq "$(psql_q 'SELECT reorgs, last_reorg_depth FROM cursors')" "2|3"

# -- a 60-block reorganisation ------------------------------------------------------
# on a fresh chain: after the thousands of blocks and the reorganisations
# above, anvil 1.7.1's anvil_reorg 60 deep loses the registry's code
psql_q 'TRUNCATE anchors, blocks, cursors'
anvil_start
REG=$(node "$ORACLE/anchors.mjs" "$ANVIL_URL" deploy)
anchor 70 --tag d
expect_exit 0 run --rpc "$ANVIL_URL" --once
before=$(psql_q 'SELECT count(*) FROM anchors')
rpc anvil_reorg '[60, []]' >/dev/null
expect_exit 0 run --rpc "$ANVIL_URL" --once
rows_match "60-block reorg"
expect_eq "$(psql_q 'SELECT count(*) FROM anchors')" "$((before - 60))"
expect_eq "$(psql_q 'SELECT last_reorg_depth FROM cursors')" 60

# -- deeper than the window: a clear error, nothing changed ---------------------------
anchor 30 --tag w
expect_exit 0 run --rpc "$ANVIL_URL" --once --reorg-window 10
before=$(psql_q 'SELECT count(*) FROM anchors')
rpc anvil_reorg '[25, []]' >/dev/null
expect_exit 1 run --rpc "$ANVIL_URL" --once --reorg-window 10
expect_grep 'a reorganisation deeper than the 10 blocks kept' "$TMP/err"
expect_eq "$(psql_q 'SELECT count(*) FROM anchors')" "$before"

# -- a faulty endpoint behind a dead one, from scratch -------------------------------
# 300 more events on 300 blocks, and 200 empty ones: most are read by range
anchor 300 --tag x
rpc anvil_mine '["0xc8"]' >/dev/null
psql_q 'TRUNCATE anchors, blocks, cursors'
# limit_blocks 12: the first ranges are 4 blocks, the next 16 (1 log a block
# grows them 4 times), which the proxy then refuses with a suggested range
cat >"$TMP/faults.json" <<'EOF'
{"seed": 11, "rate": 0.15, "faults": ["drop", "delay", "truncate", "corrupt", "error", "429", "500"],
 "delay_ms": 3000, "limit_blocks": 12}
EOF
proxy_start "$TMP/faults.json"
expect_exit 0 run --rpc "http://127.0.0.1:1,$PROXY_URL" --once --rpc-timeout-ms 1000 --batch-blocks 500
rows_match "faulty endpoints"
proxy_stop
for fault in drop delay truncate corrupt error 429 500 limit; do
	grep -q "$fault" "$PROXY_LOG" || fail "the proxy injected no '$fault' fault"
done
echo ok
