#!/usr/bin/env bash
# Times prov's Merkle tree (core/merkle.c) against OpenZeppelin's
# StandardMerkleTree.of in Node, on the same bytes32 values, and checks that
# both give the same root. Standalone: not part of `make bench`.
#
#   bench/merkle.sh
#
# What it does:
#   - builds $B/libprovcore.a (make) and bench/merkle.c against it, and
#     installs tests/oracle's node_modules (scripts/npm-deps.sh);
#   - writes N random 32-byte values to $BENCH_DIR/values-N.bin, once;
#   - waits until no one else's heavy process runs (ps) and notes the load;
#   - runs bench/merkle (leaf hashes + merkle_build, in-process timing) on
#     all cores, then pinned to one CPU with taskset, MERKLE_RUNS times each,
#     and `node tests/oracle/oz-merkle.mjs root FILE` (StandardMerkleTree.of,
#     in-process timing) MERKLE_NODE_RUNS times, each under /usr/bin/time -v
#     for its wall time and peak RSS;
#   - as an experiment, not the shipped build, also runs bench/merkle linked
#     with core/keccak.c compiled at -O3 instead of the Makefile's -O2
#     (MERKLE_SKIP_O3=1 skips it), to show what the keccak256 permutation's
#     speed costs;
#   - samples others' heavy processes (ps) every 2 s while measuring and
#     reports the share of busy samples for each side;
#   - fails if any root differs, and prints times, ratios and peak RSS.
#
# Environment: MERKLE_N (default 1000000), MERKLE_RUNS (default 5),
# MERKLE_NODE_RUNS (default 1; about 100 s a run at a million values),
# BENCH_DIR (default /tmp/prov-merkle-bench), BENCH_OUT (default
# /tmp/prov-merkle-bench-results), MERKLE_NO_WAIT=1 (skip the idle check),
# MERKLE_WAIT_MAX (seconds, default 300).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
B=${B:-build}
N=${MERKLE_N:-1000000}
RUNS=${MERKLE_RUNS:-5}
NODE_RUNS=${MERKLE_NODE_RUNS:-1}
BENCH_DIR=${BENCH_DIR:-/tmp/prov-merkle-bench}
OUT=${BENCH_OUT:-/tmp/prov-merkle-bench-results}
WAIT_MAX=${MERKLE_WAIT_MAX:-300}

say() { printf '%s\n' "$*" >&2; }
die() {
	say "bench/merkle: $*"
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

PKGS="libgit2 libsodium jansson libcrypto zlib"
BIN=$BENCH_DIR/bin/merkle
# shellcheck disable=SC2046,SC2086
cc -std=gnu11 -O2 -Wall -Wextra -Werror -I"$ROOT" $(pkg-config --cflags $PKGS) \
	-o "$BIN" "$ROOT/bench/merkle.c" "$ROOT/$B/libprovcore.a" \
	$(pkg-config --libs $PKGS) -lpthread || die "could not build bench/merkle.c"
# The experiment: the same program with keccak256 from an -O3 object, which
# the linker takes before the archive's keccak.o.
BIN3=$BENCH_DIR/bin/merkle-keccak-O3
if [ "${MERKLE_SKIP_O3:-0}" != 1 ]; then
	cc -std=gnu11 -O3 -I"$ROOT" -I"$ROOT/core" -c -o "$BENCH_DIR/bin/keccak-O3.o" \
		"$ROOT/core/keccak.c" || die "could not build core/keccak.c at -O3"
	# shellcheck disable=SC2046,SC2086
	cc -std=gnu11 -O2 -I"$ROOT" $(pkg-config --cflags $PKGS) -o "$BIN3" \
		"$ROOT/bench/merkle.c" "$BENCH_DIR/bin/keccak-O3.o" \
		"$ROOT/$B/libprovcore.a" $(pkg-config --libs $PKGS) -lpthread ||
		die "could not build the -O3 experiment"
fi

VALUES=$BENCH_DIR/values-$N.bin
if [ ! -f "$VALUES" ] || [ "$(stat -c %s "$VALUES")" -ne $((32 * N)) ]; then
	say "bench/merkle: writing $N random values to $VALUES"
	head -c $((32 * N)) /dev/urandom >"$VALUES.tmp"
	mv "$VALUES.tmp" "$VALUES"
fi

# ---- an idle machine ----------------------------------------------------------
. "$ROOT/bench/lib.sh"
load() { cut -d' ' -f1-3 /proc/loadavg; }
wait_idle() {
	local waited=0 heavy
	[ "${MERKLE_NO_WAIT:-0}" = 1 ] && return 0
	while heavy=$(heavy_procs | tr '\n' ' ') && [ -n "$heavy" ]; do
		if [ "$waited" -ge "$WAIT_MAX" ]; then
			say "bench/merkle: WARNING: still busy after ${WAIT_MAX}s ($heavy); measuring anyway"
			return 0
		fi
		say "bench/merkle: waiting for others' heavy processes: $heavy"
		sleep 15
		waited=$((waited + 15))
	done
}

start_monitor "$OUT/monitor.log"
busy() { echo "$(contention "$1" "$2")%"; }


wait_idle
LOAD_BEFORE=$(load)
say "bench/merkle: $N values; load average $LOAD_BEFORE; $(nproc) CPUs"
t0=$(date +%s)
for ((i = 1; i <= RUNS; i++)); do
	run c "$i" "$BIN" "$VALUES"
done
for ((i = 1; i <= RUNS; i++)); do
	run c1 "$i" taskset -c 0 "$BIN" "$VALUES"
done
if [ "${MERKLE_SKIP_O3:-0}" != 1 ]; then
	for ((i = 1; i <= RUNS; i++)); do
		run o3 "$i" "$BIN3" "$VALUES"
		run o31 "$i" taskset -c 0 "$BIN3" "$VALUES"
	done
fi
t1=$(date +%s)
BUSY_C=$(busy "$t0" "$t1")
LOAD_C=$(load)
wait_idle
t0=$(date +%s)
for ((i = 1; i <= NODE_RUNS; i++)); do
	say "bench/merkle: StandardMerkleTree.of, run $i of $NODE_RUNS (about 100 s at a million values)"
	(cd "$ROOT" && run node "$i" node tests/oracle/oz-merkle.mjs root "$VALUES")
done
t1=$(date +%s)
BUSY_N=$(busy "$t0" "$t1")
LOAD_AFTER=$(load)

# ---- check and report ------------------------------------------------------------
ROOTS=$(for f in "$OUT"/*.json; do field "$f" root; done | sort -u)
[ "$(printf '%s\n' "$ROOTS" | wc -l)" -eq 1 ] || die "the roots differ: $ROOTS"
for f in "$OUT"/*.json; do
	[ "$(field "$f" n)" = "$N" ] || die "$f: not $N leaves"
done
NRUNS=$(find "$OUT" -name '*.json' | wc -l)

read -r C_BEST C_MED < <(for f in "$OUT"/c-*.json; do field "$f" ms; done | stats)
read -r C1_BEST C1_MED < <(for f in "$OUT"/c1-*.json; do field "$f" ms; done | stats)
read -r N_BEST N_MED < <(for f in "$OUT"/node-*.json; do field "$f" ms; done | stats)
if [ "${MERKLE_SKIP_O3:-0}" != 1 ]; then
	read -r O3_BEST O3_MED < <(for f in "$OUT"/o3-*.json; do field "$f" ms; done | stats)
	read -r O31_BEST O31_MED < <(for f in "$OUT"/o31-*.json; do field "$f" ms; done | stats)
fi
read -r _ LEAF_MED < <(for f in "$OUT"/c-*.json; do field "$f" leaf_ms; done | stats)
read -r _ BUILD_MED < <(for f in "$OUT"/c-*.json; do field "$f" build_ms; done | stats)
read -r _ CPU_MED < <(for f in "$OUT"/c-*.json; do field "$f" cpu_ms; done | stats)
C_RSS=$(for f in "$OUT"/c-*.time "$OUT"/c1-*.time; do rss_mb "$f"; done | sort -n | tail -1)
N_RSS=$(for f in "$OUT"/node-*.time; do rss_mb "$f"; done | sort -n | tail -1)
read -r _ C_WALL < <(for f in "$OUT"/c-*.time; do wall "$f"; done | stats 2)
read -r _ N_WALL < <(for f in "$OUT"/node-*.time; do wall "$f"; done | stats 2)
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.1f", a / b }'; }
{
	echo ""
	echo "bench/merkle, $(date -u +%Y-%m-%dT%H:%M:%SZ): $N bytes32 leaves; nproc $(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
	echo "load average before: $LOAD_BEFORE, after prov: $LOAD_C, after node: $LOAD_AFTER"
	echo "samples with others' heavy processes running: $BUSY_C of prov's runs, $BUSY_N of node's"
	echo "root (all $NRUNS runs agree): $ROOTS"
	echo ""
	printf '%-44s %9s %9s %5s\n' "in-process time of the tree, ms" best median runs
	printf '%-44s %9s %9s %5s\n' "prov merkle_build + leaf hashes, all CPUs" "$C_BEST" "$C_MED" "$RUNS"
	printf '%-44s %9s %9s %5s\n' "  of which leaf hashes / merkle_build" "" "$LEAF_MED / $BUILD_MED" ""
	printf '%-44s %9s %9s %5s\n' "  CPU time (user + system)" "" "$CPU_MED" ""
	printf '%-44s %9s %9s %5s\n' "prov, pinned to one CPU (taskset -c 0)" "$C1_BEST" "$C1_MED" "$RUNS"
	printf '%-44s %9s %9s %5s\n' "StandardMerkleTree.of (Node $(node --version))" "$N_BEST" "$N_MED" "$NODE_RUNS"
	if [ "${MERKLE_SKIP_O3:-0}" != 1 ]; then
		echo "experiment, not the shipped build: core/keccak.c at -O3"
		printf '%-44s %9s %9s %5s\n' "  prov, all CPUs" "$O3_BEST" "$O3_MED" "$RUNS"
		printf '%-44s %9s %9s %5s\n' "  prov, one CPU" "$O31_BEST" "$O31_MED" "$RUNS"
	fi
	echo ""
	echo "Node / prov (median): $(ratio "$N_MED" "$C_MED")x on all CPUs, $(ratio "$N_MED" "$C1_MED")x on one CPU (target: at least 20x)"
	[ "${MERKLE_SKIP_O3:-0}" = 1 ] ||
		echo "  with keccak.c at -O3: $(ratio "$N_MED" "$O3_MED")x on all CPUs, $(ratio "$N_MED" "$O31_MED")x on one CPU"
	echo "whole process, wall (median): prov ${C_WALL} s, node ${N_WALL} s"
	echo "peak RSS (/usr/bin/time -v): prov ${C_RSS} MiB, node ${N_RSS} MiB"
	echo "raw results: $OUT"
} | tee "$OUT/summary.txt"
