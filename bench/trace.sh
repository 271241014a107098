#!/bin/bash
# bench/trace.sh: the issue-4 trace target. A model trained on three
# datasets totalling 1,000,000 items, every item a registered work; then
# `prov trace MODEL` timed (hyperfine) and its peak RSS taken
# (/usr/bin/time -v). Target: under 5 s and 1 GiB. Standalone: not part of
# `make bench`. Nothing is written into the repository.
#
# Setup, once (about 10 minutes; kept in $BENCH_DIR, marked done):
#   - 1,000,000 files of 32 random bytes in 1,000 folders (the data of
#     bench/manifest.sh step c, reused when present);
#   - `prov register -r data --license CC-BY-4.0`: 1,000,000 work records;
#   - three manifests, one per third of the folders (--list files), for
#     purpose commercial, use ai_training;
#   - a 64 MiB checkpoint, `prov run record` naming the three datasets, and
#     `prov model register big`.
# Then: one untimed trace (it writes the claim index), `hyperfine --warmup 1
# --runs 5 'prov trace big'`, and one run under /usr/bin/time -v.
#
# Environment: PROV (default build/prov), BENCH_DIR (default
# /tmp/prov-trace-bench), BENCH_OUT (default /tmp/prov-trace-bench-results),
# N (default 1000000), DATA (an existing folder of N files to reuse; default
# /tmp/prov-manifest-bench/large/data when it has its .done mark).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PROV=${PROV:-$ROOT/build/prov}
BENCH_DIR=${BENCH_DIR:-/tmp/prov-trace-bench}
OUT=${BENCH_OUT:-/tmp/prov-trace-bench-results}
N=${N:-1000000}
NDIRS=1000

say() { printf '%s\n' "$*" >&2; }
die() {
	say "bench: $*"
	exit 2
}

command -v hyperfine >/dev/null || die "hyperfine is not installed"
[ -x /usr/bin/time ] || die "/usr/bin/time is not installed"
[ -x "$PROV" ] || die "no prov binary at $PROV (run make)"
"$PROV" run --help >/dev/null 2>&1 || die "this prov has no 'run' command"
mkdir -p "$BENCH_DIR" "$OUT"
BENCH_DIR=$(cd "$BENCH_DIR" && pwd)
case "$BENCH_DIR/" in "$ROOT"/*) die "BENCH_DIR must be outside the repository" ;; esac
export PROV_HOME=$BENCH_DIR/home PROV_NO_PROGRESS=1
unset PROV_REGISTRY PROV_PASSPHRASE PROV_IDENTITY
R=$BENCH_DIR/reg

# The data: N files in NDIRS folders, reused from bench/manifest.sh (c).
. "$ROOT/bench/lib.sh"
DATA=$(bench_data "${DATA:-/tmp/prov-manifest-bench/large/data}" "$N" "$NDIRS")

if [ ! -f "$BENCH_DIR/setup.done" ]; then
	rm -rf "$R" "$PROV_HOME"
	mkdir -p "$R"
	cd "$R"
	"$PROV" init . >/dev/null
	for who in creator curator provider owner; do
		"$PROV" id new "$who" --no-passphrase >/dev/null
	done
	ln -s "$DATA" data
	say "bench: registering $N works"
	/usr/bin/time -f 'register: %e s, %M KiB max RSS' \
		"$PROV" register -r data/ --license CC-BY-4.0 --as creator >/dev/null
	bench_model "$NDIRS"
	touch "$BENCH_DIR/setup.done"
fi

cd "$R"
say "bench: load $(cut -d' ' -f1-3 /proc/loadavg)"
"$PROV" trace big >"$OUT/trace.txt" || die "the trace failed (see $OUT/trace.txt)"
hyperfine --warmup 1 --runs 5 --export-json "$OUT/trace.json" \
	-n "prov trace (3 datasets, $N items)" "$PROV trace big >/dev/null"
/usr/bin/time -v "$PROV" trace big >/dev/null 2>"$OUT/trace.time"
printf 'trace: %s s, peak RSS %s KiB\n' \
	"$(awk -F': ' '/Elapsed/ {print $2}' "$OUT/trace.time")" \
	"$(awk -F': ' '/Maximum resident/ {print $2}' "$OUT/trace.time")"
tail -n 12 "$OUT/trace.txt"
