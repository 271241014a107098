#!/bin/sh
# The indexer tests' own infrastructure, checked before anything relies on
# it: lib.sh's throwaway PostgreSQL (pg_start, psql_q, pg_restart keeps
# committed rows, pg_stop), its cleanups (the server and anvil are gone and
# $TMP removed when a test exits, whichever started first, with the test's
# exit status kept), and tests/oracle/rpc-proxy.mjs between curl and anvil:
# each fault as a client sees it, the block range limit, duplicated logs,
# batches, the method filter, the seeded PRNG, and byte-identical replies
# when no fault applies.
. "$(dirname "$0")/lib.sh"

# PostgreSQL.
pg_start
expect_eq "$PGDB" "host=127.0.0.1 port=$PGPORT_TEST user=postgres dbname=postgres"
expect_eq "$(psql_q 'show port')" "$PGPORT_TEST" "the server's port"
psql_q "create table t (n int primary key, s text, v numeric(78,0));
	insert into t values (1, 'one', 115792089237316195423570985008687907853269984665640564039457584007913129639935),
		(2, 'two', 0)"
expect_eq "$(psql_q 'select n, s, v from t order by n')" "1|one|115792089237316195423570985008687907853269984665640564039457584007913129639935
2|two|0"
pg_restart
expect_eq "$(psql_q 'select n, s from t order by n')" "1|one
2|two" "rows after an immediate restart"
expect_eq "$(psql_q "select count(*) from t where s = 'two'")" 1
expect_eq "$(echo 'select sum(n) from t' | psql_q)" 3 "SQL on standard input"
# the unix socket too
expect_eq "$(psql -X -A -t -h "$TMP/pg/sock" -p "$PGPORT_TEST" -U postgres -c 'select 7' postgres)" 7
expect_exit 3 psql_q "select 1; select nosuchcolumn from t; select 2"
expect_grep 'column "nosuchcolumn" does not exist' "$TMP/err"
expect_eq "$(cat "$TMP/out")" 1 "output before the failed statement"
pg_stop
expect_exit 2 psql_q 'select 1'

# Cleanups compose: a test that starts both, in either order, and fails,
# leaves neither running nor its $TMP behind, and exits with its status.
gone() { ! kill -0 "$1" 2>/dev/null; }
for order in "pg_start; anvil_start" "anvil_start; pg_start"; do
	set +e
	sh -c '. "$1"; '"$order"'; echo "$TMP $ANVIL_PID $PGPORT_TEST $(head -1 "$TMP/pg/data/postmaster.pid")"; exit 5' \
		"$ROOT/tests/e2e/t0315-inner.sh" "$ROOT/tests/e2e/lib.sh" >inner.out 2>inner.err
	st=$?
	set -e
	[ $st -eq 5 ] || { cat inner.err >&2; fail "the inner test ($order) exited $st, not 5"; }
	read -r itmp apid pport ppid <inner.out
	[ -n "$ppid" ] || fail "the inner test ($order) printed '$(cat inner.out)'"
	[ ! -e "$itmp" ] || fail "$itmp is left behind ($order)"
	wait_for gone "$apid"
	wait_for gone "$ppid"
	expect_exit 2 psql -X -h 127.0.0.1 -p "$pport" -U postgres -c 'select 1' postgres
done

# The proxy. Blocks 1 and 2 each hold a log (contracts whose creation
# code is LOG0 and STOP); then 100 empty blocks.
anvil_start
dev=$(rpc eth_accounts '[]' | sed -nE 's/.*"result":\["(0x[0-9a-fA-F]{40})"\].*/\1/p')
[ -n "$dev" ] || fail "no dev account"
for i in 1 2; do
	rpc eth_sendTransaction "[{\"from\":\"$dev\",\"data\":\"0x60006000a000\"}]" >/dev/null
done
rpc anvil_mine '["0x64"]' >/dev/null
expect_eq "$(rpc_result eth_blockNumber '[]')" 0x66

plan() { # plan JSON: replaces the plan atomically
	printf '%s\n' "$1" >"$TMP/plan.new"
	mv "$TMP/plan.new" "$TMP/plan.json"
}
post() { # post URL BODY
	curl -sS -X POST -H 'content-type: application/json' -d "$2" "$1"
}
call() { # call METHOD PARAMS: the JSON-RPC request body, id 1
	echo "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$1\",\"params\":$2}"
}
valid_json() { node -e 'JSON.parse(require("fs").readFileSync(0, "utf8"))' <"$1" 2>/dev/null; }
block2=$(call eth_getBlockByNumber '["0x2",false]')
logs=$(call eth_getLogs '[{"fromBlock":"0x0","toBlock":"latest"}]')
batch="[$(call eth_blockNumber '[]'),$block2,$logs]"
for q in block2 logs batch; do
	eval "post \"\$ANVIL_URL\" \"\$$q\"" >"direct.$q"
done
expect_eq "$(grep -o '"logIndex"' direct.logs | wc -l)" 2 "logs in the chain"

plan '{"seed":7,"rate":0,"faults":["drop","delay","truncate","corrupt","error","429","500"]}'
proxy_start "$TMP/plan.json"
for q in block2 logs batch; do
	eval "post \"\$PROXY_URL\" \"\$$q\"" >"proxied.$q"
	cmp "direct.$q" "proxied.$q" || fail "rate 0 changed the reply to $q"
done

# Each fault at rate 1.
plan '{"rate":1,"faults":["drop"]}'
expect_exit 52 post "$PROXY_URL" "$block2" # empty reply from server
plan '{"rate":1,"faults":["delay"],"delay_ms":3000}'
expect_exit 28 curl -sS --max-time 0.5 -X POST -d "$block2" "$PROXY_URL" # timed out
plan '{"rate":1,"faults":["truncate"]}'
post "$PROXY_URL" "$block2" >truncated
head -c $(($(wc -c <direct.block2) / 2)) direct.block2 | cmp - truncated || fail "not the reply's first half"
valid_json truncated && fail "a truncated reply parses"
valid_json direct.block2 || fail "anvil's reply does not parse"
plan '{"rate":1,"faults":["corrupt"]}'
for kind in not-hex missing-field wrong-id jsonrpc-1.0 hash-31-bytes; do
	post "$PROXY_URL" "$block2" >"corrupt.$kind"
	valid_json "corrupt.$kind" || fail "the $kind reply is not JSON"
	cmp -s direct.block2 "corrupt.$kind" && fail "the $kind reply is anvil's"
	expect_grep "^rpc-proxy: fault corrupt \($kind\) on eth_getBlockByNumber id=1$" "$PROXY_LOG"
done
expect_grep '"number":"0xnothex"' corrupt.not-hex
expect_grep '"hash":"0x[0-9a-f]{64}"' corrupt.missing-field
expect_no_grep '"parentHash"' corrupt.missing-field
expect_grep '"id":1001[,}]' corrupt.wrong-id
expect_grep '"jsonrpc":"1.0"' corrupt.jsonrpc-1.0
expect_grep '"hash":"0x[0-9a-f]{62}"' corrupt.hash-31-bytes
plan '{"rate":1,"faults":["error"]}'
expect_eq "$(post "$PROXY_URL" "$block2")" '{"jsonrpc":"2.0","id":1,"error":{"code":-32603,"message":"internal error"}}'
expect_eq "$(post "$PROXY_URL" "[$block2,$logs]")" '[{"jsonrpc":"2.0","id":1,"error":{"code":-32603,"message":"internal error"}},{"jsonrpc":"2.0","id":1,"error":{"code":-32603,"message":"internal error"}}]'
plan '{"rate":1,"faults":["429"]}'
expect_eq "$(curl -sS -D headers -o /dev/null -w '%{http_code}' -X POST -d "$block2" "$PROXY_URL")" 429
expect_grep '^[Rr]etry-[Aa]fter: 1' headers
plan '{"rate":1,"faults":["500"]}'
expect_eq "$(curl -sS -o /dev/null -w '%{http_code}' -X POST -d "$block2" "$PROXY_URL")" 500

# Faults only for the methods named.
plan '{"rate":1,"faults":["error"],"methods":["eth_getLogs"]}'
post "$PROXY_URL" "$block2" | cmp direct.block2 - || fail "a method not named got a fault"
post "$PROXY_URL" "$logs" >m.logs
expect_grep '"code":-32603' m.logs

# The block range limit, independent of rate: 0..latest (103 blocks) and
# 0x10..0x42 (51) are refused with a range of 50 suggested; 0x10..0x41
# (50) and a blockHash filter are answered.
plan '{"rate":0,"limit_blocks":50}'
expect_eq "$(post "$PROXY_URL" "$logs")" '{"jsonrpc":"2.0","id":1,"error":{"code":-32005,"message":"query returned more than 10000 results. Try with this block range [0x0, 0x31]."}}'
expect_eq "$(post "$PROXY_URL" "$(call eth_getLogs '[{"fromBlock":"0x10","toBlock":"0x42"}]')")" '{"jsonrpc":"2.0","id":1,"error":{"code":-32005,"message":"query returned more than 10000 results. Try with this block range [0x10, 0x41]."}}'
narrow=$(call eth_getLogs '[{"fromBlock":"0x1","toBlock":"0x32"}]')
post "$ANVIL_URL" "$narrow" >direct.narrow
post "$PROXY_URL" "$narrow" | cmp direct.narrow - || fail "a 50-block range was not passed through"
expect_eq "$(grep -o '"logIndex"' direct.narrow | wc -l)" 2 "logs in blocks 1..50"
# in a batch, per call: the node answers the rest
post "$PROXY_URL" "[$(call eth_blockNumber '[]'),$logs]" >limited.batch
expect_grep '^\[\{"jsonrpc":"2.0","id":1,"result":"0x66"\},\{"jsonrpc":"2.0","id":1,"error":\{"code":-32005,' limited.batch

# Duplicated logs: the same two logs twice over.
plan '{"dup":true}'
post "$PROXY_URL" "$narrow" >dup.narrow
node -e '
	const fs = require("fs");
	const d = JSON.parse(fs.readFileSync("direct.narrow")).result;
	const p = JSON.parse(fs.readFileSync("dup.narrow")).result;
	process.exit(JSON.stringify(p) === JSON.stringify(d.concat(d)) ? 0 : 1);' || fail "dup did not serve the logs twice"
post "$PROXY_URL" "$block2" | cmp direct.block2 - || fail "dup changed a block"

# The PRNG: at rate 0.5 a seed gives a mix of faults and answers, and the
# same mix again after another seed and back.
draws() {
	out=""
	for i in 1 2 3 4 5 6 7 8 9 10 11 12; do
		if post "$PROXY_URL" "$block2" | grep -q '"error"'; then out="${out}x"; else out="${out}."; fi
	done
	echo "$out"
}
plan '{"seed":7,"rate":0.5,"faults":["error"]}'
first=$(draws)
plan '{"seed":8,"rate":0.5,"faults":["error"]}'
draws >/dev/null
plan '{"seed":7,"rate":0.5,"faults":["error"]}'
expect_eq "$(draws)" "$first" "faults from seed 7"
case $first in *x*.* | *.*x*) ;; *) fail "seed 7 at rate 0.5 gave '$first'" ;; esac

# An unreadable plan keeps the last good one.
plan '{"rate":1,"faults":["error"]}'
post "$PROXY_URL" "$block2" >/dev/null
printf '{"rate":' >"$TMP/plan.json"
post "$PROXY_URL" "$block2" >bad.plan
expect_grep '"code":-32603' bad.plan
expect_grep "^rpc-proxy: plan $TMP/plan.json: .*keeping the last good plan" "$PROXY_LOG"

# The summary: every request counted, every fault logged once.
proxy_stop
faults=$(grep -c '^rpc-proxy: fault ' "$PROXY_LOG")
expect_grep "^rpc-proxy: [0-9]+ requests, $faults faults \(" "$PROXY_LOG"
