#!/bin/bash
# bench/indexer-registry.sh: how fast `prov-indexer --registry DIR` (issue 7)
# loads a registry holding one dataset manifest of N items (default
# 1,000,000) into PostgreSQL, in dataset_items rows/s.
#
#   1. N files of 32 random bytes in 1,000 folders (as bench/manifest.sh's
#      step c makes them), written once to $DATA (default
#      $BENCH_DIR/data; DATA= names an existing folder of files to reuse);
#   2. a new registry, an identity without a passphrase, and
#      `prov manifest build big --version v1 --from data --purpose
#      commercial --use ai_training --include-unregistered` (timed, shown
#      for comparison; not part of the load);
#   3. a throwaway PostgreSQL 15 cluster (fsync off) and a fresh anvil with
#      a ProvenanceRegistry deployed (`node tests/oracle/anchors.mjs URL
#      deploy`; no events: only the registry's records are loaded);
#   4. `prov-indexer migrate` (timed), then the whole `prov-indexer --db ...
#      --rpc ANVIL --chain eip155:31337 --registry-contract ADDR --registry
#      DIR/.prov --once` process (timed: wall with date, CPU and peak RSS
#      with /usr/bin/time); then SELECT count(*) FROM dataset_items must be
#      N. rows/s is N over that process's wall time;
#   5. the same command again: nothing is new, so it should load nothing
#      (dataset_items still N) and take little time.
#
# Nothing is written into the repository. The table and logs go to
# $BENCH_OUT (default /tmp/prov-indexer-registry-bench-results); the work
# folder is removed on exit (BENCH_KEEP=1 keeps it). Runs as root: the
# cluster runs as the postgres user.
#
# Environment: PROV (default build/prov), PROV_INDEXER (default
# build/prov-indexer), ANVIL, PG_BIN (default /usr/lib/postgresql/15/bin),
# N, BENCH_DIR (default /tmp/prov-indexer-registry-bench), DATA,
# BENCH_OUT, BENCH_KEEP=1, BENCH_NO_WAIT=1 (skip waiting up to 5 minutes
# for a load average under 1.5), PG_OPTS (more server options, e.g.
# "-c log_min_duration_statement=0" to log each statement's time in
# the kept work folder's pg/server.log).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PROV=${PROV:-$ROOT/build/prov}
INDEXER=${PROV_INDEXER:-$ROOT/build/prov-indexer}
ANVIL=${ANVIL:-$ROOT/tests/oracle/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil}
PG_BIN=${PG_BIN:-/usr/lib/postgresql/15/bin}
N=${N:-1000000}
BENCH_DIR=${BENCH_DIR:-/tmp/prov-indexer-registry-bench}
OUT=${BENCH_OUT:-/tmp/prov-indexer-registry-bench-results}
NDIRS=1000

say() { printf '%s\n' "$*" >&2; }
die() {
	say "bench: $*"
	exit 2
}

[ "$(id -u)" = 0 ] || die "run as root (the PostgreSQL cluster runs as the postgres user)"
[ -x "$PG_BIN/initdb" ] || die "no PostgreSQL at $PG_BIN (apt-get install postgresql-15)"
[ -x "$ANVIL" ] || die "no anvil at $ANVIL (run scripts/npm-deps.sh)"
[ -x "$PROV" ] || die "no prov at $PROV (run make)"
[ -x "$INDEXER" ] || die "no prov-indexer at $INDEXER (run make)"
for t in psql node python3 /usr/bin/time; do
	command -v "$t" >/dev/null || die "$t is not installed"
done
[ "$N" -ge 1 ] 2>/dev/null || die "N: $N is not a positive count"
mkdir -p "$BENCH_DIR" "$OUT"
BENCH_DIR=$(cd "$BENCH_DIR" && pwd)
OUT=$(cd "$OUT" && pwd)
DATA=${DATA:-$BENCH_DIR/data}
for d in "$BENCH_DIR" "$OUT" "$DATA"; do
	case "$d/" in "$ROOT"/*) die "$d must be outside the repository" ;; esac
done

. "$ROOT/bench/lib.sh"

# ---- 1. the files (once) ----------------------------------------------------
if [ ! -f "$DATA.done" ] && [ ! -d "$DATA" ]; then
	say "bench: writing $N files of 32 bytes to $DATA"
	python3 - "$DATA" "$N" 32 "$NDIRS" <<'EOF'
import os, sys
d, n, size, ndirs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
for k in range(ndirs):
    os.makedirs(f"{d}/d{k:04d}", exist_ok=True)
for i in range(n):
    if i % 4096 == 0:
        rnd = os.urandom(size * 4096)
    j = i % 4096
    with open(f"{d}/d{i % ndirs:04d}/f{i:07d}", "wb") as f:
        f.write(rnd[j * size:(j + 1) * size])
EOF
	touch "$DATA.done"
fi
NFILES=$(find "$DATA" -type f | wc -l)
[ "$NFILES" = "$N" ] || die "$DATA holds $NFILES files, not $N"

wait_quiet
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
say "load average: $LOAD0; $(nproc) cores"
start_monitor "$OUT/monitor.log"
W=$(mktemp -d /tmp/prov-indexer-registry-bench.XXXXXX)
chmod 755 "$W"
ANVIL_PID="" PG_UP=0
cleanup() {
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
cpu_rss() { # /usr/bin/time -f '%U %S %M' FILE -> "cpu-s rss-MiB"
	awk '/^[0-9.]+ [0-9.]+ [0-9]+$/ { u = $1; s = $2; m = $3 }
		END { printf "%.2f %d\n", u + s, m / 1024 }' "$1"
}

# ---- 2. the registry and its manifest -------------------------------------
export PROV_HOME=$W/home PROV_NO_PROGRESS=1 PROV_IDENTITY=bench
unset PROV_REGISTRY PROV_PASSPHRASE
REG=$W/reg
mkdir "$REG"
ln -s "$DATA" "$REG/data"
"$PROV" init "$REG" >/dev/null
"$PROV" id new bench --no-passphrase >/dev/null
T0=$(date +%s)
b0=$(now)
(cd "$REG" && /usr/bin/time -f '%U %S %M' -o "$W/build.time" \
	"$PROV" --registry "$REG" manifest build big --version v1 --from data/ \
	--purpose commercial --use ai_training --include-unregistered --json >"$W/build.json") ||
	die "prov manifest build failed"
b1=$(now)
BUILD_S=$(sub "$b0" "$b1")
read -r BUILD_CPU BUILD_RSS < <(cpu_rss "$W/build.time")
say "prov manifest build: $N items in $BUILD_S s (cpu $BUILD_CPU s, $BUILD_RSS MiB)"
REGMB=$(du -sm "$REG/.prov" | cut -f1)

# ---- 3. PostgreSQL and anvil ------------------------------------------------
PG_PORT=$(free_port)
mkdir "$W/pg"
chown postgres: "$W/pg"
runuser -u postgres -- "$PG_BIN/initdb" -D "$W/pg" -U postgres --auth=trust \
	-E UTF8 --no-locale >"$W/initdb.log" 2>&1 || { cat "$W/initdb.log" >&2; die "initdb failed"; }
runuser -u postgres -- "$PG_BIN/pg_ctl" -D "$W/pg" -l "$W/pg/server.log" -w \
	-o "-c port=$PG_PORT -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c fsync=off ${PG_OPTS:-}" \
	start >/dev/null || { cat "$W/pg/server.log" >&2; die "PostgreSQL did not start"; }
PG_UP=1
PG_VERSION=$("$PG_BIN/postgres" --version | sed 's/^postgres (PostgreSQL) //')
runuser -u postgres -- "$PG_BIN/createdb" -h 127.0.0.1 -p "$PG_PORT" bench
DB="postgresql://postgres@127.0.0.1:$PG_PORT/bench"
sql() { psql -X -qAt -v ON_ERROR_STOP=1 -d "$DB" -c "$1"; }

"$ANVIL" --host 127.0.0.1 --port 0 --accounts 1 >"$W/anvil.log" 2>&1 &
ANVIL_PID=$!
RPC=""
for _ in $(seq 300); do
	RPC=$(sed -nE 's#^Listening on (127\.0\.0\.1:[0-9]+)$#http://\1#p' "$W/anvil.log")
	[ -n "$RPC" ] && break
	sleep 0.1
done
[ -n "$RPC" ] || { cat "$W/anvil.log" >&2; die "anvil did not start"; }
CONTRACT=$(node "$ROOT/tests/oracle/anchors.mjs" "$RPC" deploy) || die "deploy failed"

# ---- 4. migrate, then the load ---------------------------------------------
m0=$(now)
"$INDEXER" migrate --db "$DB" >"$W/indexer.log" 2>&1 ||
	{ cat "$W/indexer.log" >&2; die "prov-indexer migrate failed"; }
m1=$(now)
MIGRATE_S=$(sub "$m0" "$m1")
run_load() { # TAG -> "seconds cpu-s rss-MiB"
	local t0 t1
	t0=$(now)
	/usr/bin/time -f '%U %S %M' -o "$W/load-$1.time" \
		"$INDEXER" --db "$DB" --rpc "$RPC" --chain eip155:31337 \
		--registry-contract "$CONTRACT" --registry "$REG/.prov" --once >>"$W/indexer.log" 2>&1 ||
		{ tail -20 "$W/indexer.log" >&2; die "prov-indexer --once --registry failed"; }
	t1=$(now)
	echo "$(sub "$t0" "$t1") $(cpu_rss "$W/load-$1.time")"
}
read -r LOAD_S LOAD_CPU LOAD_RSS < <(run_load first)
ITEMS=$(sql 'SELECT count(*) FROM dataset_items')
[ "$ITEMS" = "$N" ] || die "dataset_items holds $ITEMS rows, expected $N"
RECORDS=$(sql 'SELECT count(*) FROM records')
DBMB=$(sql "SELECT pg_database_size('bench') / 1048576")
say "prov-indexer --registry: $ITEMS items, $RECORDS records in $LOAD_S s (cpu $LOAD_CPU s, $LOAD_RSS MiB)"

# ---- 5. again, nothing new ----------------------------------------------------
read -r AGAIN_S AGAIN_CPU AGAIN_RSS < <(run_load again)
ITEMS2=$(sql 'SELECT count(*) FROM dataset_items')
[ "$ITEMS2" = "$N" ] || die "after a second load dataset_items holds $ITEMS2 rows, expected $N"
BUSY=$(contention "$T0" "$(date +%s)")
LOAD1=$(cut -d' ' -f1-3 /proc/loadavg)
cp "$W/indexer.log" "$OUT/indexer.log"

rate() { awk -v n="$1" -v t="$2" 'BEGIN { printf "%.0f", n / t }'; }
{
	echo "prov-indexer --registry bench, $(date -u '+%Y-%m-%d %H:%M UTC'), prov $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'), PostgreSQL $PG_VERSION (fsync off), $(nproc) cores"
	echo "load average $LOAD0 before, $LOAD1 after; busy $BUSY% (share of 2 s samples with someone else's heavy process)"
	echo "one dataset manifest of $N items (registry .prov: $REGMB MB; database after the load: $DBMB MB)"
	echo
	printf '  %-36s %9s %10s %8s %8s\n' step seconds rows/s "cpu s" "RSS MiB"
	printf '  %-36s %9s %10s %8s %8s\n' "prov manifest build (not loaded)" "$BUILD_S" "$(rate "$N" "$BUILD_S")" "$BUILD_CPU" "$BUILD_RSS"
	printf '  %-36s %9s %10s %8s %8s\n' "prov-indexer migrate" "$MIGRATE_S" - - -
	printf '  %-36s %9s %10s %8s %8s\n' "prov-indexer --registry --once" "$LOAD_S" "$(rate "$N" "$LOAD_S")" "$LOAD_CPU" "$LOAD_RSS"
	printf '  %-36s %9s %10s %8s %8s\n' "the same again (nothing new)" "$AGAIN_S" - "$AGAIN_CPU" "$AGAIN_RSS"
	echo
	echo "rows/s: dataset_items rows ($ITEMS) over the whole process's wall time; $RECORDS rows in records"
} | tee "$OUT/summary.txt"
