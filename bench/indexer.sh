#!/bin/bash
# bench/indexer.sh: backfill speed of prov-indexer (issue 7) side by side
# with Ponder (bench/ponder, npm ponder 0.16.10), both indexing the
# Anchored events of one ProvenanceRegistry on the same local anvil chain
# into the same throwaway PostgreSQL 15 cluster (fsync off), each into a
# database of its own. Target: prov-indexer at least 10x Ponder's events/s.
#
# For each N in SIZES (default "10000 100000"): a fresh anvil node (automine,
# 1e9 gas per block); bench/indexer-events.mjs deploys the registry and
# emits N events with distinct roots, PER_TX (default 2000) per transaction
# and block; then TAIL (default 64) empty blocks are mined, so every event
# is older than Ponder's 30-block finality window and any confirmation
# count prov-indexer waits for. Measured:
#   - anvil alone: one eth_getLogs over the registry's whole range, timed
#     with curl, the best of 3 (the floor for any indexer);
#   - Ponder: from `ponder start` until SELECT count(*) on its anchors table
#     is N (polled every 0.1 s); its start-up (launch to its first
#     backfill log line) and its JSON-RPC fetching (from its log) are shown
#     apart; its CPU time and peak RSS. PONDER_RPC_COPIES (default 1) lists
#     the RPC URL that many times (Ponder limits each URL's requests/s);
#   - prov-indexer, if $PROV_INDEXER (default build/prov-indexer) exists:
#     `prov-indexer migrate`, then the whole `prov-indexer --once` process,
#     after which SELECT count(*) FROM anchors must be N. INDEXER_ARGS
#     (default none) adds options to that command (e.g. "--workers 2").
#     With the default TAIL every event lies within prov-indexer's
#     --reorg-window (128) of the head, so it reads them block by block
#     (header, then logs by block hash); TAIL=200 makes it read them by
#     eth_getLogs ranges, as a backfill far from the head does.
# Prints a table (tool, events, seconds, events/s, ratio to Ponder).
#
# Everything lives in a temporary folder removed on exit (BENCH_KEEP=1
# keeps it); the table, the logs and the raw numbers go to $BENCH_OUT
# (default /tmp/prov-indexer-bench-results). Nothing is written into the
# repository except Ponder's own bench/ponder/.ponder and generated/
# (ignored by git). Runs as root: the cluster runs as the postgres user.
#
# Environment: PROV_INDEXER, ANVIL (default the one scripts/npm-deps.sh
# installs), PG_BIN (default /usr/lib/postgresql/15/bin), SIZES, PER_TX,
# TAIL, TIMEOUT (seconds each tool may take, default 1800), INDEXER_ARGS,
# PONDER_RPC_COPIES, SKIP_PONDER=1 (measure prov-indexer only), BENCH_OUT, BENCH_KEEP=1, BENCH_NO_WAIT=1
# (skip waiting up to 5 minutes for a load average under 1.5).
# Needs bench/npm-deps.sh run first (Ponder's node_modules).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
INDEXER=${PROV_INDEXER:-$ROOT/build/prov-indexer}
ANVIL=${ANVIL:-$ROOT/tests/oracle/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
PONDER_DIR=$ROOT/bench/ponder
PONDER=$PONDER_DIR/node_modules/.bin/ponder
SIZES=${SIZES:-10000 100000}
TAIL=${TAIL:-64}
TIMEOUT=${TIMEOUT:-1800}
PONDER_RPC_COPIES=${PONDER_RPC_COPIES:-1}
OUT=${BENCH_OUT:-/tmp/prov-indexer-bench-results}
export PER_TX=${PER_TX:-2000}

say() { printf '%s\n' "$*" >&2; }
die() {
	say "bench: $*"
	exit 2
}

[ "$(id -u)" = 0 ] || die "run as root (the PostgreSQL cluster runs as the postgres user)"
id postgres >/dev/null 2>&1 || die "no postgres user (apt-get install postgresql-15)"
[ -x "$PG_BIN/initdb" ] || die "no PostgreSQL at $PG_BIN (apt-get install postgresql-15)"
[ -x "$ANVIL" ] || die "no anvil at $ANVIL (run scripts/npm-deps.sh)"
[ -x "$PONDER" ] || [ "${SKIP_PONDER:-0}" = 1 ] || die "no ponder at $PONDER (run bench/npm-deps.sh)"
for t in jq curl psql node /usr/bin/time; do
	command -v "$t" >/dev/null || die "$t is not installed"
done
for n in $SIZES; do
	[ "$n" -ge 1 ] 2>/dev/null || die "SIZES: $n is not a positive count"
done
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
case "$OUT/" in "$ROOT"/*) die "BENCH_OUT must be outside the repository" ;; esac
HAVE_INDEXER=0
[ -x "$INDEXER" ] && HAVE_INDEXER=1

. "$ROOT/bench/lib.sh"

wait_quiet
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
say "load average: $LOAD0; $(nproc) cores"
start_monitor "$OUT/monitor.log"
# (after start_monitor, whose own EXIT trap this replaces)
W=$(mktemp -d /tmp/prov-indexer-bench.XXXXXX)
chmod 755 "$W"
ANVIL_PID="" PG_UP=0 PONDER_PID=""
stop_ponder() {
	[ -n "$PONDER_PID" ] || return 0
	kill -KILL $(pgrep -P "$PONDER_PID") "$PONDER_PID" 2>/dev/null || true
	wait "$PONDER_PID" 2>/dev/null || true
	PONDER_PID=""
}
cleanup() {
	stop_ponder
	[ -z "$ANVIL_PID" ] || kill "$ANVIL_PID" 2>/dev/null || true
	[ "$PG_UP" = 0 ] || runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$W/pg" -m immediate stop >/dev/null 2>&1 || true
	kill "$MONPID" 2>/dev/null || true
	if [ "${BENCH_KEEP:-0}" = 1 ]; then say "kept $W"; else rm -rf "$W"; fi
}
trap cleanup EXIT

now() { date +%s.%N; }
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", b - a }'; }
free_port() {
	node -e 'const s = require("net").createServer().listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); })'
}

# ---- PostgreSQL 15: a throwaway cluster, TCP on a free port only ------------
PG_PORT=$(free_port)
mkdir "$W/pg"
chown postgres: "$W/pg"
runuser -u postgres -- "$PG_BIN/initdb" -D "$W/pg" -U postgres --auth=trust \
	-E UTF8 --no-locale >"$W/initdb.log" 2>&1 || { cat "$W/initdb.log" >&2; die "initdb failed"; }
runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$W/pg" -l "$W/pg/server.log" -w \
	-o "-c port=$PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c fsync=off" \
	start >/dev/null || { cat "$W/pg/server.log" >&2; die "PostgreSQL did not start"; }
PG_UP=1
PG_VERSION=$("$PG_BIN/postgres" --version | sed 's/^postgres (PostgreSQL) //')
conn() { echo "postgresql://postgres@127.0.0.1:$PG_PORT/$1"; }
sql() { # DB QUERY -> the one value it returns
	psql -X -qAt -v ON_ERROR_STOP=1 -d "$(conn "$1")" -c "$2"
}
say "PostgreSQL $PG_VERSION on port $PG_PORT (fsync off)"

# ---- anvil: a fresh chain per size ------------------------------------------
ANVIL_VERSION=$("$ANVIL" --version | sed -n '1s/^anvil Version: //p')
RPC=""
start_anvil() { # LOG
	"$ANVIL" --host 127.0.0.1 --port 0 --accounts 1 --gas-limit 1000000000 >"$1" 2>&1 &
	ANVIL_PID=$!
	RPC=""
	for _ in $(seq 300); do
		RPC=$(sed -nE 's#^Listening on (127\.0\.0\.1:[0-9]+)$#http://\1#p' "$1")
		[ -n "$RPC" ] && return 0
		sleep 0.1
	done
	cat "$1" >&2
	die "anvil did not start"
}
stop_anvil() {
	kill "$ANVIL_PID" 2>/dev/null || true
	wait "$ANVIL_PID" 2>/dev/null || true
	ANVIL_PID=""
}
rpc() { # METHOD PARAMS -> the reply's result (JSON)
	curl -sS -X POST -H 'content-type: application/json' \
			-d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$1\",\"params\":$2}" "$RPC" |
		jq -c 'if .error then error(.error.message) else .result end'
}

# ---- Ponder -------------------------------------------------------------------
# Runs ponder start (under /usr/bin/time, in our process group, so the
# monitor does not count it as someone else's) until its anchors table
# holds N rows; writes "seconds start-up cpu rss-MiB fetch" to $W/ponder-N.
run_ponder() { # N REGISTRY DEPLOY-BLOCK
	local n=$1 db=ponder_$1 t0 t1 c=0 start_ms first_ms startup fetch
	runuser -u postgres -- "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" "$db"
	# A changed app cannot reuse a schema, and the RPC cache (ponder_sync)
	# of a former chain would be served again: a new database each run.
	rm -rf "$PONDER_DIR/.ponder"
	t0=$(now)
	start_ms=$(date +%s%3N)
	(
		cd "$PONDER_DIR"
		exec env PONDER_TELEMETRY_DISABLED=true BENCH_RPC_URL="$RPC" BENCH_RPC_COPIES="$PONDER_RPC_COPIES" \
			BENCH_CHAIN_ID=31337 BENCH_REGISTRY="$2" BENCH_START_BLOCK="$3" \
			DATABASE_URL="$(conn "$db")" DATABASE_SCHEMA=ponder_bench \
			/usr/bin/time -f '%U %S %M' -o "$W/ponder-$n.time" \
			"$PONDER" --log-format json start --port "$(free_port)" --hostname 127.0.0.1
	) >"$W/ponder-$n.log" 2>&1 &
	PONDER_PID=$!
	while :; do
		c=$(sql "$db" 'SELECT count(*) FROM ponder_bench.anchors' 2>/dev/null) || c=0
		[ "$c" = "$n" ] && break
		[ "$c" -le "$n" ] || die "ponder: $c rows, more than $n"
		kill -0 "$PONDER_PID" 2>/dev/null || { tail -20 "$W/ponder-$n.log" >&2; die "ponder exited"; }
		[ "$(sub "$t0" "$(now)" | cut -d. -f1)" -lt "$TIMEOUT" ] || die "ponder: $c of $n rows after $TIMEOUT s"
		sleep 0.1
	done
	t1=$(now)
	# ponder shuts down on SIGTERM; /usr/bin/time then writes its numbers
	# ($PONDER_PID is /usr/bin/time, which env became; ponder is its child)
	kill -TERM $(pgrep -P "$PONDER_PID") 2>/dev/null || true
	for _ in $(seq 150); do
		kill -0 "$PONDER_PID" 2>/dev/null || break
		sleep 0.1
	done
	stop_ponder
	# start-up: until Ponder's first log line about the backfill
	first_ms=$(jq -rR 'fromjson? | select((.msg // "") | test("^Started (backfill|historical)"; "i")) | .time' \
		"$W/ponder-$n.log" 2>/dev/null | head -1)
	fetch=$(jq -rR 'fromjson? | select(.msg == "Finished fetching backfill JSON-RPC data") | .duration / 1000 * 1000 | round / 1000' \
		"$W/ponder-$n.log" 2>/dev/null | head -1)
	startup=?
	[ -z "$first_ms" ] || startup=$(awk -v a="$start_ms" -v b="$first_ms" 'BEGIN { printf "%.3f", (b - a) / 1000 }')
	local cpu=? rss=?
	if [ -s "$W/ponder-$n.time" ]; then
		read -r u s m < <(grep -E '^[0-9.]+ [0-9.]+ [0-9]+$' "$W/ponder-$n.time" | tail -1)
		cpu=$(awk -v a="$u" -v b="$s" 'BEGIN { printf "%.2f", a + b }')
		rss=$((m / 1024))
	fi
	echo "$(sub "$t0" "$t1") $startup $cpu $rss ${fetch:-?}" >"$W/ponder-$n"
}

# ---- prov-indexer ---------------------------------------------------------
run_indexer() { # N REGISTRY DEPLOY-BLOCK
	local n=$1 db=indexer_$1 t0 t1 c u s m
	runuser -u postgres -- "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" "$db"
	"$INDEXER" migrate --db "$(conn "$db")" >"$W/indexer-$n.log" 2>&1 ||
		{ cat "$W/indexer-$n.log" >&2; die "prov-indexer migrate failed"; }
	t0=$(now)
	/usr/bin/time -f '%U %S %M' -o "$W/indexer-$n.time" \
		timeout "$TIMEOUT" "$INDEXER" --db "$(conn "$db")" --rpc "$RPC" --chain eip155:31337 \
		--registry-contract "$2" --from-block "$3" --once ${INDEXER_ARGS:-} >>"$W/indexer-$n.log" 2>&1 ||
		{ tail -20 "$W/indexer-$n.log" >&2; die "prov-indexer --once failed"; }
	t1=$(now)
	c=$(sql "$db" 'SELECT count(*) FROM anchors')
	[ "$c" = "$n" ] || die "prov-indexer: $c rows in anchors, expected $n"
	read -r u s m <"$W/indexer-$n.time"
	echo "$(sub "$t0" "$t1") - $(awk -v a="$u" -v b="$s" 'BEGIN { printf "%.2f", a + b }') $((m / 1024))" >"$W/indexer-$n"
}

: >"$W/runs"
for n in $SIZES; do
	say "== $n events =="
	start_anvil "$W/anvil-$n.log"
	T0=$(date +%s)
	g0=$(now)
	read -r REG DEPLOY FIRST LAST < <(node "$ROOT/bench/indexer-events.mjs" "$RPC" "$n")
	g1=$(now)
	[ -n "${LAST:-}" ] || die "bench/indexer-events.mjs failed"
	rpc anvil_mine "[\"$(printf '0x%x' "$TAIL")\"]" >/dev/null
	HEAD=$(($(rpc eth_blockNumber '[]' | jq -r .)))
	GEN=$(sub "$g0" "$g1")
	say "registry $REG (block $DEPLOY); events in blocks $FIRST-$LAST ($((LAST - FIRST + 1)) blocks), made in $GEN s; head $HEAD"

	# the floor: anvil serving every event in one eth_getLogs (best of 3)
	GL=
	for _ in 1 2 3; do
		g=$(curl -sS -o "$W/logs.json" -w '%{time_total}' -X POST -H 'content-type: application/json' \
			-d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"eth_getLogs\",\"params\":[{\"address\":\"$REG\",\"fromBlock\":\"$(printf '0x%x' "$DEPLOY")\",\"toBlock\":\"$(printf '0x%x' "$HEAD")\"}]}" "$RPC")
		[ "$(jq '.result | length' "$W/logs.json")" = "$n" ] || die "eth_getLogs did not return $n logs"
		GL=$(awk -v a="${GL:-$g}" -v b="$g" 'BEGIN { print (b < a ? b : a) }')
	done
	GL_MB=$(awk -v b="$(stat -c %s "$W/logs.json")" 'BEGIN { printf "%.1f", b / 1048576 }')
	rm -f "$W/logs.json"
	say "anvil eth_getLogs: $n logs ($GL_MB MB) in $GL s"

	P="- - - - -"
	if [ "${SKIP_PONDER:-0}" != 1 ]; then
		run_ponder "$n" "$REG" "$DEPLOY"
		P=$(cat "$W/ponder-$n")
		cp "$W/ponder-$n.log" "$OUT/ponder-$n.log"
		say "ponder: $P (seconds, start-up s, cpu s, RSS MiB, JSON-RPC fetch s)"
	fi
	I="- - - -"
	if [ "$HAVE_INDEXER" = 1 ]; then
		run_indexer "$n" "$REG" "$DEPLOY"
		I=$(cat "$W/indexer-$n")
		cp "$W/indexer-$n.log" "$OUT/indexer-$n.log"
		say "prov-indexer: $I (seconds, -, cpu s, RSS MiB)"
	else
		say "prov-indexer: skipped (no $INDEXER)"
	fi
	stop_anvil
	echo "$n $((LAST - FIRST + 1)) $GEN $GL $GL_MB $P $I $(contention "$T0" "$(date +%s)")" >>"$W/runs"
done
LOAD1=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- the table ------------------------------------------------------------
rate() { awk -v n="$1" -v t="$2" 'BEGIN { if (t == "-" || t <= 0) print "-"; else printf "%.0f", n / t }'; }
{
	echo "indexer backfill bench, $(date -u '+%Y-%m-%d %H:%M UTC'), prov $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'), anvil $ANVIL_VERSION (automine, $PER_TX events per block), PostgreSQL $PG_VERSION (fsync off), ponder $(jq -r .version "$PONDER_DIR/node_modules/ponder/package.json" 2>/dev/null || echo '?'), node $(node --version), $(nproc) cores"
	echo "load average $LOAD0 before, $LOAD1 after; busy = share of 2 s samples with someone else's heavy process"
	[ "$HAVE_INDEXER" = 1 ] || echo "prov-indexer: not measured (no $INDEXER)"
	[ -z "${INDEXER_ARGS:-}" ] || echo "prov-indexer options added: $INDEXER_ARGS"
	while read -r n blocks gen gl glmb ps pst pc pr pf is _ ic ir busy; do
		echo
		echo "$n events in $blocks blocks (+$TAIL empty; made in $gen s)  busy $busy%"
		printf '  %-22s %8s %9s %10s %7s %8s %8s\n' tool events seconds events/s ratio "cpu s" "RSS MiB"
		printf '  %-22s %8s %9s %10s %7s %8s %8s\n' "anvil eth_getLogs" "$n" "$gl" "$(rate "$n" "$gl")" \
			"$(awk -v a="$ps" -v b="$gl" 'BEGIN { if (a == "-") print "-"; else printf "%.1f", a / b }')" - -
		printf '  %-22s %8s %9s %10s %7s %8s %8s\n' "ponder" "$n" "$ps" "$(rate "$n" "$ps")" \
			"$([ "$ps" = - ] && echo - || echo 1.0)" "$pc" "$pr"
		printf '  %-22s %8s %9s %10s %7s %8s %8s\n' "prov-indexer" "$n" "$is" "$(rate "$n" "$is")" \
			"$(awk -v a="$ps" -v b="$is" 'BEGIN { if (a == "-" || b == "-") print "-"; else printf "%.1f", a / b }')" "$ic" "$ir"
		[ "$ps" = - ] || echo "  ponder ($PONDER_RPC_COPIES RPC URL(s)): start-up (launch to its first backfill log line) $pst s, JSON-RPC fetching $pf s; without the start-up $(awk -v n="$n" -v a="$ps" -v b="$pst" 'BEGIN { if (b == "?") print "?"; else printf "%.0f", n / (a - b) }') events/s"
		echo "  anvil's eth_getLogs reply: $glmb MB"
	done <"$W/runs"
	echo
	echo "ratio: Ponder's seconds over the tool's (prov-indexer's target: at least 10)"
} | tee "$OUT/summary.txt"
cp "$W/runs" "$OUT/runs.txt"
