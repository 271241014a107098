#!/bin/bash
# bench/manifest.sh: the dataset-manifest targets of issue 3 ("Speed and
# memory"), measured side by side. Nothing is written into the repository:
# data and registries go to $BENCH_DIR (default /tmp/prov-manifest-bench),
# hyperfine JSON and /usr/bin/time logs to $BENCH_OUT (default
# /tmp/prov-manifest-bench-results). docs/performance.md ("Dataset
# manifests") reports the numbers.
#
#   a. Cold `prov manifest build` of 200,000 files of 1 KiB (random bytes, in
#      1,000 folders, all registered first with `prov register -r`, so every
#      item is looked up and decided), against
#      `find DIR -type f -print0 | xargs -0 sha256sum` over the same files.
#      Cold: the stat cache and the build cache are removed and the page
#      cache dropped (sync; echo 3 > /proc/sys/vm/drop_caches, needs root)
#      before each run; the claim index is current, as the previous build
#      left it. Target: prov at least 2x faster.
#   a2. The same, with the claim index removed too: the first build after
#      registering, which checks all 200,000 work records. No target; shown
#      so the cost is not hidden.
#   b. A rebuild with nothing changed (a new version of the same files; the
#      stat cache, claim index, build cache and page cache are warm).
#      Target: at least 10x faster than the cold build of (a).
#   c. Peak RSS (/usr/bin/time -v) of build, prove and export of a dataset of
#      $BIG_N items (default 1,000,000 files of 32 random bytes, in 1,000
#      folders, not registered: built with --include-unregistered).
#      Target: each under 1 GiB.
#
# Environment: PROV (the binary; default build/prov), BENCH_DIR, BENCH_OUT,
# SMALL_N (default 200000), BIG_N (default 1000000), COLD_RUNS (default 3),
# STEPS (default "a a2 b c").
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PROV=${PROV:-$ROOT/build/prov}
BENCH_DIR=${BENCH_DIR:-/tmp/prov-manifest-bench}
OUT=${BENCH_OUT:-/tmp/prov-manifest-bench-results}
SMALL_N=${SMALL_N:-200000}
BIG_N=${BIG_N:-1000000}
COLD_RUNS=${COLD_RUNS:-3}
STEPS=${STEPS:-a a2 b c}
NDIRS=1000

say() { printf '%s\n' "$*" >&2; }
die() {
	say "bench: $*"
	exit 2
}

command -v hyperfine >/dev/null || die "hyperfine is not installed"
[ -x /usr/bin/time ] || die "/usr/bin/time is not installed"
[ -x "$PROV" ] || die "no prov binary at $PROV (run make)"
mkdir -p "$BENCH_DIR" "$OUT"
BENCH_DIR=$(cd "$BENCH_DIR" && pwd)
OUT=$(cd "$OUT" && pwd)
case "$BENCH_DIR/" in "$ROOT"/*) die "BENCH_DIR must be outside the repository" ;; esac
case "$OUT/" in "$ROOT"/*) die "BENCH_OUT must be outside the repository" ;; esac

export PROV_HOME=$BENCH_DIR/home PROV_NO_PROGRESS=1 PROV_IDENTITY=bench
unset PROV_REGISTRY PROV_PASSPHRASE

# Dropping the page cache needs root; without it the "cold" runs are warm,
# and the script says so.
drop="sync; echo 3 > /proc/sys/vm/drop_caches"
if ! sh -c "$drop" 2>/dev/null; then
	say "bench: cannot drop the page cache (not root?): cold runs are WARM"
	drop="sync"
fi

say "bench: load $(cut -d' ' -f1-3 /proc/loadavg); busiest processes:"
ps -eo pcpu,pid,comm --sort=-pcpu | head -n 4 >&2

# gen DIR N SIZE: N files of SIZE random bytes in $NDIRS folders.
gen() {
	[ -f "$1.done" ] && return 0
	say "bench: writing $2 files of $3 bytes to $1"
	rm -rf "$1"
	python3 - "$1" "$2" "$3" "$NDIRS" <<'EOF'
import os, sys
d, n, size, ndirs = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
for k in range(ndirs):
    os.makedirs(f"{d}/d{k:04d}", exist_ok=True)
rnd = os.urandom(size * 4096)
for i in range(n):
    if i % 4096 == 0:
        rnd = os.urandom(size * 4096)
    j = i % 4096
    with open(f"{d}/d{i % ndirs:04d}/f{i:07d}", "wb") as f:
        f.write(rnd[j * size:(j + 1) * size])
EOF
	touch "$1.done"
}

# registry DIR: a registry at DIR with the identity "bench".
registry() {
	if [ ! -d "$1/.prov" ]; then
		"$PROV" init "$1" >/dev/null
		"$PROV" id list 2>/dev/null | grep -q bench ||
			"$PROV" id new bench --no-passphrase >/dev/null
	fi
}

# ---- a and b: 200,000 registered files -----------------------------------
if [[ " $STEPS " == *" a "* || " $STEPS " == *" a2 "* || " $STEPS " == *" b "* ]]; then
	S=$BENCH_DIR/small
	mkdir -p "$S"
	gen "$S/data" "$SMALL_N" 1024
	registry "$S"
	if [ ! -f "$S/registered" ]; then
		say "bench: prov register -r of $SMALL_N files"
		(cd "$S" && /usr/bin/time -f '%e s, %M KiB max RSS' \
			"$PROV" register -r data --license CC-BY-4.0 >/dev/null)
		touch "$S/registered"
	fi
	build="cd $S && $PROV manifest build small --version \"v\$(date +%s%N)\" --from data --purpose commercial --use ai_training >/dev/null"
fi
if [[ " $STEPS " == *" a "* ]]; then
	say "bench: (a) cold build vs find | xargs sha256sum, $COLD_RUNS runs each"
	(cd "$S" && eval "$build") # the claim index, current
	hyperfine --runs "$COLD_RUNS" --export-json "$OUT/a-cold.json" \
		--prepare "rm -f $S/.prov/statcache $S/.prov/buildcache; $drop" \
		-n "prov manifest build (cold)" "$build" \
		--prepare "$drop" \
		-n "find | xargs sha256sum (cold)" \
		"find $S/data -type f -print0 | xargs -0 sha256sum >/dev/null"
fi
if [[ " $STEPS " == *" a2 "* ]]; then
	say "bench: (a2) cold build without the claim index, $COLD_RUNS runs"
	hyperfine --runs "$COLD_RUNS" --export-json "$OUT/a2-first.json" \
		--prepare "rm -f $S/.prov/statcache $S/.prov/buildcache $S/.prov/claimindex; $drop" \
		-n "prov manifest build (cold, no claim index)" "$build"
fi
if [[ " $STEPS " == *" b "* ]]; then
	say "bench: (b) rebuild, nothing changed"
	(cd "$S" && eval "$build") # fills the stat cache
	hyperfine --warmup 1 --runs 5 --export-json "$OUT/b-rebuild.json" \
		-n "prov manifest build (rebuild, unchanged)" "$build"
fi

# ---- c: memory for BIG_N items ---------------------------------------------
if [[ " $STEPS " == *" c "* ]]; then
	L=$BENCH_DIR/large
	mkdir -p "$L"
	gen "$L/data" "$BIG_N" 32
	registry "$L"
	v="v$(date +%s%N)"
	rss() { # rss LABEL CMD...: runs CMD under /usr/bin/time -v
		local log=$OUT/c-$1.time
		say "bench: (c) $1"
		(cd "$L" && /usr/bin/time -v "${@:2}" >"$OUT/c-$1.out" 2>"$log") ||
			say "bench: $1 failed (see $log)"
		printf '%-8s %s s, peak RSS %s KiB\n' "$1" \
			"$(awk -F': ' '/Elapsed/ {print $2}' "$log")" \
			"$(awk -F': ' '/Maximum resident/ {print $2}' "$log")"
	}
	rm -f "$L/.prov/buildcache" # decide every item
	rss build "$PROV" manifest build large --version "$v" --from data \
		--purpose commercial --use ai_training --include-unregistered
	rss prove "$PROV" manifest prove "large@$v" data/d0500/f0000500
	if "$PROV" manifest export --help >/dev/null 2>&1; then
		rss export "$PROV" manifest export "large@$v" --format croissant \
			-o "$L/export.json"
	else
		say "bench: this prov has no manifest export; skipped"
	fi
fi
