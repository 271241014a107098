#!/bin/bash
# bench/run-record.sh: `prov run record` of one large checkpoint in the page
# cache, side by side with sha256sum and openssl dgst -sha256 of the same
# file. The target: recording a run is bounded by SHA-256 itself (at least
# 1.5 GB/s from cache), the signing and commit costing next to nothing.
# Nothing is written into the repository: the data and registry go to
# $BENCH_DIR (default /tmp/prov-run-bench), hyperfine's JSON to $BENCH_OUT
# (default /tmp/prov-run-bench-results).
#
# Environment: PROV (default build/prov), BENCH_DIR, BENCH_OUT, SIZE_MIB
# (default 4096), RUNS (default 5), BENCH_NO_WAIT=1 (skip waiting up to
# 5 minutes for a load average under 1.5).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PROV=${PROV:-$ROOT/build/prov}
BENCH_DIR=${BENCH_DIR:-/tmp/prov-run-bench}
OUT=${BENCH_OUT:-/tmp/prov-run-bench-results}
SIZE_MIB=${SIZE_MIB:-4096}
RUNS=${RUNS:-5}

say() { printf '%s\n' "$*" >&2; }
die() {
	say "bench: $*"
	exit 2
}

command -v hyperfine >/dev/null || die "hyperfine is not installed"
[ -x "$PROV" ] || die "no prov binary at $PROV (run make)"
mkdir -p "$BENCH_DIR" "$OUT"
BENCH_DIR=$(cd "$BENCH_DIR" && pwd)
OUT=$(cd "$OUT" && pwd)
case "$BENCH_DIR/" in "$ROOT"/*) die "BENCH_DIR must be outside the repository" ;; esac
case "$OUT/" in "$ROOT"/*) die "BENCH_OUT must be outside the repository" ;; esac

# The file must fit in the page cache with room to spare, or this measures
# the disk.
avail=$(awk '/MemAvailable/ { print int($2 / 1024) }' /proc/meminfo)
[ "$avail" -gt $((SIZE_MIB * 3 / 2)) ] ||
	die "$SIZE_MIB MiB will not stay in the page cache ($avail MiB available)"

export PROV_HOME=$BENCH_DIR/home PROV_NO_PROGRESS=1 PROV_IDENTITY=lab
unset PROV_REGISTRY PROV_PASSPHRASE
cd "$BENCH_DIR"

ckpt=$BENCH_DIR/model.bin
if [ "$(stat -c %s "$ckpt" 2>/dev/null || echo 0)" -ne $((SIZE_MIB << 20)) ]; then
	say "writing $SIZE_MIB MiB of random bytes to $ckpt"
	head -c $((SIZE_MIB << 20)) /dev/urandom >"$ckpt"
fi
if [ ! -d .prov ]; then
	"$PROV" init . >/dev/null
	"$PROV" id new lab --no-passphrase >/dev/null
	mkdir -p data
	echo "a work" >data/work.txt
	"$PROV" register data/work.txt --license CC-BY-4.0 >/dev/null
	"$PROV" manifest build corpus --version 1 --from data --purpose research >/dev/null
fi

. "$ROOT/bench/lib.sh"
wait_quiet
say "load average: $(cut -d' ' -f1-3 /proc/loadavg); $(nproc) cores"
cat "$ckpt" >/dev/null # into the page cache

# The same run each time: the same statement and envelope, so after the
# first run nothing new is committed and every run measures the hashing,
# the checks, the signature and the registry write path.
hyperfine --warmup 1 --runs "$RUNS" --export-json "$OUT/run-record.json" \
	-n "prov run record" "$PROV run record --dataset corpus@1 --checkpoint $ckpt" \
	-n sha256sum "sha256sum $ckpt" \
	-n "openssl dgst -sha256" "openssl dgst -sha256 $ckpt"

# Throughput of each, in GB/s (10^9 bytes) and GiB/s.
node -e '
const r = JSON.parse(require("fs").readFileSync(process.argv[1], "utf8")).results;
const bytes = Number(process.argv[2]);
for (const x of r)
	console.log(`${x.command.padEnd(22)} mean ${x.mean.toFixed(3)} s ± ${x.stddev.toFixed(3)}` +
		`  ${(bytes / x.mean / 1e9).toFixed(2)} GB/s  ${(bytes / x.mean / 2 ** 30).toFixed(2)} GiB/s`);
' "$OUT/run-record.json" $((SIZE_MIB << 20))
