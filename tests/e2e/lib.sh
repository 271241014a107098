# Sourced by every end-to-end test. Gives each test a fresh home for keys
# and a fresh registry, and helpers that stop the test at the first failure.
set -eu
: "${PROV:?PROV must name the prov binary}"
TEST_NAME=$(basename "$0" .sh)
TMP=$(mktemp -d "/tmp/prov-$TEST_NAME.XXXXXX")
# What the test started (anvil, PostgreSQL, proxies) is stopped by
# commands cleanup_add collects; one EXIT trap runs them, newest first,
# then removes $TMP, whichever helpers started in whatever order. A
# signal exits so that the trap runs.
CLEANUP=""
cleanup_add() {
	CLEANUP="$1
$CLEANUP"
}
cleanup_run() {
	set +e
	eval "$CLEANUP"
	rm -rf "$TMP"
}
trap cleanup_run EXIT
trap 'exit 130' INT TERM
export PROV_HOME="$TMP/home"
export PROV_NO_PROGRESS=1
unset PROV_REGISTRY PROV_IDENTITY PROV_PASSPHRASE
GOLDEN="$(cd "$(dirname "$0")" && pwd)/golden"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$TMP"

prov() { "$PROV" "$@"; }

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# expect_exit CODE CMD...: runs CMD, saving stdout to $TMP/out and stderr to
# $TMP/err, and fails unless it exits with CODE.
expect_exit() {
	want=$1
	shift
	set +e
	"$@" >"$TMP/out" 2>"$TMP/err"
	got=$?
	set -e
	if [ "$got" -ne "$want" ]; then
		echo "--- stdout:" >&2
		cat "$TMP/out" >&2
		echo "--- stderr:" >&2
		cat "$TMP/err" >&2
		fail "'$*' exited $got, expected $want"
	fi
}

# expect_grep PATTERN FILE: FILE must match the extended regex PATTERN.
expect_grep() {
	grep -Eq -- "$1" "$2" || {
		cat "$2" >&2
		fail "'$2' does not match /$1/"
	}
}

expect_no_grep() {
	if grep -Eq -- "$1" "$2"; then
		cat "$2" >&2
		fail "'$2' matches /$1/"
	fi
}

expect_eq() {
	[ "$1" = "$2" ] || fail "expected '$2', got '$1'${3:+ ($3)}"
}

# normalise FILE: replaces what differs run to run (keys, ids, times,
# commits, temp paths) with placeholders, for golden comparisons.
normalise() {
	sed -E -e "s#$TMP#<TMP>#g" \
		-e 's/did:key:z[1-9A-HJ-NP-Za-km-z]+/<DID>/g' \
		-e 's/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z/<TIME>/g' \
		-e 's/sha256:[0-9a-f]{64}/<ID>/g' -e 's#/[0-9a-f]{64}\.json#/<ID>.json#g' -e 's/^[0-9a-f]{12} /<COMMIT> /' "$1"
}

# expect_golden NAME FILE: FILE, normalised, must equal golden/NAME.
# With UPDATE_GOLDEN=1 the golden file is written instead.
expect_golden() {
	normalise "$2" >"$TMP/normalised"
	if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
		cp "$TMP/normalised" "$GOLDEN/$1"
		return
	fi
	diff -u "$GOLDEN/$1" "$TMP/normalised" >&2 || fail "output differs from golden/$1"
}

# new_identity NAME: an unencrypted identity, for tests that are not about
# passphrases.
new_identity() {
	prov id new "$1" --no-passphrase >/dev/null
}

# anvil_start [ARGS...]: a local chain (anvil from tests/oracle, pinned) on
# a port the kernel picks, killed when the test ends; sets ANVIL_URL.
anvil_start() {
	anvil_bin=$ROOT/tests/oracle/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil
	[ -x "$anvil_bin" ] || fail "no anvil (run scripts/npm-deps.sh)"
	: >"$TMP/anvil.log" # before the loop below reads it
	"$anvil_bin" --host 127.0.0.1 --port 0 --accounts 1 "$@" >"$TMP/anvil.log" 2>&1 &
	ANVIL_PID=$!
	cleanup_add "kill -9 $ANVIL_PID 2>/dev/null"
	i=0
	until ANVIL_URL=$(sed -nE 's#^Listening on (127\.0\.0\.1:[0-9]+)$#http://\1#p' "$TMP/anvil.log") &&
		[ -n "$ANVIL_URL" ]; do
		i=$((i + 1))
		[ $i -lt 300 ] || { cat "$TMP/anvil.log" >&2; fail "anvil did not start"; }
		sleep 0.1
	done
}

# rpc METHOD PARAMS: one JSON-RPC call to anvil; prints the reply.
rpc() {
	curl -sS -X POST -H 'content-type: application/json' \
		-d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$1\",\"params\":$2}" "$ANVIL_URL"
}

# rpc_result METHOD PARAMS: the reply's result, a string's quotes removed.
rpc_result() {
	rpc "$@" | sed -E 's/.*"result":"?([^"]*)"?}$/\1/'
}

# wait_for CMD...: until CMD succeeds, at most 60 s.
wait_for() {
	n=0
	until "$@" >/dev/null 2>&1; do
		n=$((n + 1))
		[ $n -lt 600 ] || fail "gave up waiting for: $*"
		sleep 0.1
	done
}

# wait_bg PID LOG CMD...: wait_for, on a program the test started in the
# background as PID with its stderr in LOG. Fails at once if PID ends
# before CMD succeeds; LOG is shown whenever it fails.
wait_bg() {
	wait_pid=$1 wait_log=$2
	shift 2
	n=0
	until "$@" >/dev/null 2>&1; do
		if ! kill -0 "$wait_pid" 2>/dev/null && ! "$@" >/dev/null 2>&1; then
			cat "$wait_log" >&2
			fail "it ended (pid $wait_pid) before: $*"
		fi
		n=$((n + 1))
		[ $n -lt 600 ] || { cat "$wait_log" >&2; fail "gave up waiting for: $*"; }
		sleep 0.1
	done
}

# proxy_start PLAN [UPSTREAM]: tests/oracle/rpc-proxy.mjs between a client
# and UPSTREAM (default $ANVIL_URL), injecting the faults the JSON file
# PLAN names (re-read on every request, so a test may change it while a
# client runs: write a new file and mv it over PLAN); stopped when the
# test ends. Sets PROXY_URL, PROXY_PID and PROXY_LOG (its stderr: one
# line per fault, and a summary once stopped). Each call starts another.
PROXY_N=0
proxy_start() {
	upstream=${2:-${ANVIL_URL:-}}
	[ -n "$upstream" ] || fail "proxy_start: no upstream (call anvil_start first)"
	PROXY_N=$((PROXY_N + 1))
	PROXY_LOG=$TMP/proxy-$PROXY_N.log
	: >"$TMP/proxy-$PROXY_N.out"
	node "$ROOT/tests/oracle/rpc-proxy.mjs" --upstream "$upstream" --port 0 --plan "$1" \
		>"$TMP/proxy-$PROXY_N.out" 2>"$PROXY_LOG" &
	PROXY_PID=$!
	cleanup_add "kill $PROXY_PID 2>/dev/null"
	i=0
	until PROXY_URL=$(sed -nE 's#^Listening on (127\.0\.0\.1:[0-9]+)$#http://\1#p' "$TMP/proxy-$PROXY_N.out") &&
		[ -n "$PROXY_URL" ]; do
		i=$((i + 1))
		[ $i -lt 300 ] || { cat "$PROXY_LOG" >&2; fail "rpc-proxy did not start"; }
		sleep 0.1
	done
}

# proxy_stop: stops the last proxy started and waits for it, so its
# summary line is in $PROXY_LOG.
proxy_stop() {
	kill "$PROXY_PID" 2>/dev/null || true
	wait "$PROXY_PID" 2>/dev/null || true
}

# pg_start: a throwaway PostgreSQL 15 cluster for this test (one per
# test) in $TMP/pg, listening on 127.0.0.1 at a free port and on a unix
# socket in $TMP/pg/sock, stopped (immediate mode) when the test ends; no
# password (trust), no fsync (a killed server loses nothing; only a
# machine crash would). Sets PGDB (a libpq conninfo string: database and
# user postgres) and PGPORT_TEST. initdb refuses to run as root, so the
# cluster belongs to the postgres user, who must pass through $TMP
# (mktemp made it 0700; it becomes 0711, still unlistable).
PG_BIN=/usr/lib/postgresql/15/bin
pg_start() {
	[ -x "$PG_BIN/initdb" ] || fail "no PostgreSQL 15 (run scripts/deps.sh test)"
	PG_DIR=$TMP/pg
	chmod 0711 "$TMP"
	mkdir -p "$PG_DIR/sock"
	chown -R postgres: "$PG_DIR"
	runuser -u postgres -- "$PG_BIN/initdb" -D "$PG_DIR/data" --auth=trust -U postgres \
		--no-sync -E UTF8 --locale=C >"$PG_DIR/initdb.log" 2>&1 ||
		{ cat "$PG_DIR/initdb.log" >&2; fail "initdb failed"; }
	cat >>"$PG_DIR/data/postgresql.conf" <<-EOF
		listen_addresses = '127.0.0.1'
		unix_socket_directories = '$PG_DIR/sock'
		fsync = off
	EOF
	cleanup_add "runuser -u postgres -- $PG_BIN/pg_ctl -D $PG_DIR/data -m immediate stop >/dev/null 2>&1"
	# A port nobody listens on, picked at random; another process may take
	# it before postgres binds, so a start that fails is tried again.
	n=0
	while :; do
		PGPORT_TEST=$((20000 + $(od -An -N2 -tu2 /dev/urandom) % 40000))
		st=0
		curl -s -o /dev/null --max-time 5 "http://127.0.0.1:$PGPORT_TEST/" || st=$?
		# 7: could not connect
		if [ $st -eq 7 ] && pg__start; then
			break
		fi
		n=$((n + 1))
		[ $n -lt 5 ] || { cat "$PG_DIR/log" >&2; fail "PostgreSQL did not start"; }
	done
	PGDB="host=127.0.0.1 port=$PGPORT_TEST user=postgres dbname=postgres"
}

pg__start() {
	runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -l "$PG_DIR/log" -w -t 60 \
		-o "-p $PGPORT_TEST" start >/dev/null
}

# pg_stop: stops the cluster (fast mode: sessions are ended, the server
# shuts down cleanly).
pg_stop() {
	runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m fast -w stop >/dev/null ||
		fail "pg_ctl stop failed"
}

# pg_restart: stops the cluster as a crash would (immediate mode) and
# starts it again on the same port and data, which recovers from its WAL.
pg_restart() {
	runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$PG_DIR/data" -m immediate -w stop >/dev/null ||
		fail "pg_ctl stop failed"
	pg__start || { cat "$PG_DIR/log" >&2; fail "PostgreSQL did not restart"; }
}

# psql_q [SQL]: runs SQL (or standard input) against $PGDB, stopping at
# the first error (exit 3); prints the rows unaligned, columns separated
# by |, without headers.
psql_q() {
	if [ $# -gt 0 ]; then
		printf '%s\n' "$1" | psql_q
		return
	fi
	psql -X -A -t -q -v ON_ERROR_STOP=1 -d "$PGDB" -f -
}
