#!/usr/bin/env bash
# Times the royalties engine end to end (royalties/: alloc -> settle ->
# payout root) at a million accounts and ten million weights, and its
# payout tree against OpenZeppelin's StandardMerkleTree.of in Node on the
# same (address, uint256) values, checking that both give the same root.
# Run by bench/run.sh (section 5), or on its own:
#
#   bench/royalties.sh
#
# What it does:
#   - builds $B/libprovcore.a (make) and bench/royalties.c against it, and
#     installs tests/oracle's node_modules (scripts/npm-deps.sh);
#   - waits until no one else's heavy process runs (bench/lib.sh) and notes
#     the load; samples others' heavy processes every 2 s while measuring;
#   - runs bench/royalties ROYALTIES_RUNS times on all CPUs, then as many
#     times pinned to one CPU (taskset -c 0), each under /usr/bin/time -v
#     for its wall time and peak RSS; each run writes the paid lines;
#   - runs `node bench/royalties-oz.mjs PAID_FILE` (StandardMerkleTree.of
#     over the paid lines, in-process timing) ROYALTIES_NODE_RUNS times;
#   - fails if any root differs, and prints times, the Merkle ratio and
#     peak RSS against the targets: the whole batch under 10 s and 2 GiB,
#     prov's payout tree at least 20x faster than StandardMerkleTree.of.
#
# Environment: ROYALTIES_ACCOUNTS (default 1000000), ROYALTIES_ITEMS
# (default 10000000), ROYALTIES_RUNS (default 3), ROYALTIES_NODE_RUNS
# (default 1; about 100 s a run at 800,000 lines), BENCH_DIR (default
# /tmp/prov-royalties-bench), BENCH_OUT (default
# /tmp/prov-royalties-bench-results), BENCH_NO_WAIT=1 (skip the idle
# check), BENCH_WAIT_MAX (seconds, default 300).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
B=${B:-build}
NACC=${ROYALTIES_ACCOUNTS:-1000000}
NITEMS=${ROYALTIES_ITEMS:-10000000}
RUNS=${ROYALTIES_RUNS:-3}
NODE_RUNS=${ROYALTIES_NODE_RUNS:-1}
BENCH_DIR=${BENCH_DIR:-/tmp/prov-royalties-bench}
OUT=${BENCH_OUT:-/tmp/prov-royalties-bench-results}
WAIT_MAX=${BENCH_WAIT_MAX:-300}

say() { printf '%s\n' "$*" >&2; }
die() {
	say "bench/royalties: $*"
	exit 2
}

[ -x /usr/bin/time ] || die "/usr/bin/time is missing (apt-get install time)"
command -v taskset >/dev/null || die "taskset is missing (apt-get install util-linux)"
"$ROOT/scripts/npm-deps.sh"
make -C "$ROOT" --no-print-directory "$B/libprovcore.a" >/dev/null
mkdir -p "$BENCH_DIR/bin" "$OUT"
BENCH_DIR=$(cd "$BENCH_DIR" && pwd)
OUT=$(cd "$OUT" && pwd)
case "$OUT/" in "$ROOT"/*) die "BENCH_OUT must be outside the repository" ;; esac
rm -f "$OUT"/*.json "$OUT"/*.time "$OUT"/monitor.log

PKGS="libgit2 libsodium jansson libcrypto zlib gmp"
BIN=$BENCH_DIR/bin/royalties
# shellcheck disable=SC2046,SC2086
cc -std=gnu11 -O2 -Wall -Wextra -Werror -I"$ROOT" $(pkg-config --cflags $PKGS) \
	-o "$BIN" "$ROOT/bench/royalties.c" "$ROOT/$B/libprovcore.a" \
	$(pkg-config --libs $PKGS) -lpthread || die "could not build bench/royalties.c"

# ---- an idle machine ----------------------------------------------------------
. "$ROOT/bench/lib.sh"
load() { cut -d' ' -f1-3 /proc/loadavg; }
wait_idle() {
	local waited=0 heavy
	[ "${BENCH_NO_WAIT:-0}" = 1 ] && return 0
	while heavy=$(heavy_procs | tr '\n' ' ') && [ -n "$heavy" ]; do
		if [ "$waited" -ge "$WAIT_MAX" ]; then
			say "bench/royalties: WARNING: still busy after ${WAIT_MAX}s ($heavy); measuring anyway"
			return 0
		fi
		say "bench/royalties: waiting for others' heavy processes: $heavy"
		sleep 15
		waited=$((waited + 15))
	done
}
start_monitor "$OUT/monitor.log"
busy() { echo "$(contention "$1" "$2")%"; }


PAID=$BENCH_DIR/paid.bin
wait_idle
LOAD_BEFORE=$(load)
say "bench/royalties: $NACC accounts, $NITEMS weights; load average $LOAD_BEFORE; $(nproc) CPUs"
t0=$(date +%s)
for ((i = 1; i <= RUNS; i++)); do
	run c "$i" "$BIN" "$PAID" "$NACC" "$NITEMS"
done
for ((i = 1; i <= RUNS; i++)); do
	run c1 "$i" taskset -c 0 "$BIN" "$PAID" "$NACC" "$NITEMS"
done
t1=$(date +%s)
BUSY_C=$(busy "$t0" "$t1")
LOAD_C=$(load)
NPAID=$(field "$OUT/c-1.json" paid)
wait_idle
t0=$(date +%s)
for ((i = 1; i <= NODE_RUNS; i++)); do
	say "bench/royalties: StandardMerkleTree.of over $NPAID lines, run $i of $NODE_RUNS"
	run node "$i" node "$ROOT/bench/royalties-oz.mjs" "$PAID"
done
t1=$(date +%s)
BUSY_N=$(busy "$t0" "$t1")
LOAD_AFTER=$(load)

# ---- check and report ------------------------------------------------------------
ROOTS=$(for f in "$OUT"/*.json; do field "$f" root; done | sort -u)
[ "$(printf '%s\n' "$ROOTS" | wc -l)" -eq 1 ] || die "the roots differ: $ROOTS"
for f in "$OUT"/node-*.json; do
	[ "$(field "$f" n)" = "$NPAID" ] || die "$f: not $NPAID leaves"
done
NRUNS=$(find "$OUT" -name '*.json' | wc -l)

ms() { # tag field -> "best median"
	for f in "$OUT/$1"-*.json; do field "$f" "$2"; done | stats
}
read -r T_BEST T_MED < <(ms c total_ms)
read -r T1_BEST T1_MED < <(ms c1 total_ms)
read -r _ ADD_MED < <(ms c add_ms)
read -r _ FIN_MED < <(ms c finish_ms)
read -r _ SET_MED < <(ms c settle_ms)
read -r _ FMT_MED < <(ms c format_ms)
read -r _ CPU_MED < <(ms c cpu_ms)
read -r TR_BEST TR_MED < <(ms c tree_ms)
read -r TR1_BEST TR1_MED < <(ms c1 tree_ms)
read -r N_BEST N_MED < <(ms node ms)
C_RSS=$(for f in "$OUT"/c-*.time "$OUT"/c1-*.time; do rss_mb "$f"; done | sort -n | tail -1)
N_RSS=$(for f in "$OUT"/node-*.time; do rss_mb "$f"; done | sort -n | tail -1)
read -r _ C_WALL < <(for f in "$OUT"/c-*.time; do wall "$f"; done | stats 2)
read -r _ C1_WALL < <(for f in "$OUT"/c1-*.time; do wall "$f"; done | stats 2)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }
verdict() { [ "$1" = 1 ] && echo met || echo "NOT met"; }
le() { awk -v a="$1" -v b="$2" 'BEGIN { print (a <= b) ? 1 : 0 }'; }
{
	echo ""
	echo "bench/royalties, $(date -u +%Y-%m-%dT%H:%M:%SZ): $NACC accounts, $NITEMS weights; nproc $(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
	echo "load average before: $LOAD_BEFORE, after prov: $LOAD_C, after node: $LOAD_AFTER"
	echo "samples with others' heavy processes running: $BUSY_C of prov's runs, $BUSY_N of node's"
	echo "paid $NPAID, carried $(field "$OUT/c-1.json" carried); root (all $NRUNS runs agree): $ROOTS"
	echo ""
	printf '%-48s %9s %9s %5s\n' "in-process time, ms" best median runs
	printf '%-48s %9s %9s %5s\n' "alloc + finish + settle (with root) + lines, all CPUs" "$T_BEST" "$T_MED" "$RUNS"
	printf '%-48s %9s %9s %5s\n' "  of which alloc_add / alloc_finish / settle / lines" "" "$ADD_MED / $FIN_MED / $SET_MED / $FMT_MED" ""
	printf '%-48s %9s\n' "  the lines, bytes" "$(field "$OUT/c-1.json" lines_bytes)"
	printf '%-48s %9s %9s %5s\n' "  CPU time (user + system)" "" "$CPU_MED" ""
	printf '%-48s %9s %9s %5s\n' "the same, pinned to one CPU" "$T1_BEST" "$T1_MED" "$RUNS"
	printf '%-48s %9s %9s %5s\n' "payout_tree alone, all CPUs" "$TR_BEST" "$TR_MED" "$RUNS"
	printf '%-48s %9s %9s %5s\n' "payout_tree alone, one CPU" "$TR1_BEST" "$TR1_MED" "$RUNS"
	printf '%-48s %9s %9s %5s\n' "StandardMerkleTree.of (Node $(node --version))" "$N_BEST" "$N_MED" "$NODE_RUNS"
	echo ""
	echo "whole process, wall (median, inputs generated and paid lines written included): ${C_WALL} s all CPUs, ${C1_WALL} s one CPU"
	echo "peak RSS (/usr/bin/time -v): prov ${C_RSS} MiB, node ${N_RSS} MiB"
	echo ""
	echo "targets:"
	echo "  batch under 10 s (median, all CPUs): $(ratio "$T_MED" 1000) s, $(verdict "$(le "$T_MED" 10000)"); one CPU $(ratio "$T1_MED" 1000) s"
	echo "  under 2 GiB peak RSS: ${C_RSS} MiB, $(verdict "$(le "$C_RSS" 2048)")"
	echo "  payout tree >= 20x StandardMerkleTree.of (median): $(ratio "$N_MED" "$TR_MED")x all CPUs, $(ratio "$N_MED" "$TR1_MED")x one CPU"
	echo "raw results: $OUT"
} | tee "$OUT/summary.txt"
