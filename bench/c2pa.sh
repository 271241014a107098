#!/bin/bash
# bench/c2pa.sh: C2PA verify and sign throughput (issue 5, "Speed"), prov
# side by side with the reference SDK (c2pa-rs 0.91.3 in
# @contentauth/c2pa-wasm, in Node: tests/oracle/c2pa-bench.mjs, one process,
# the wasm initialised once). Prints a table; nothing is written into the
# repository: images and signed files go to $BENCH_DIR (default
# /tmp/prov-c2pa-bench), hyperfine JSON/CSV and the reference's JSON lines to
# $BENCH_OUT (default /tmp/prov-c2pa-bench-results). docs/performance.md
# ("C2PA") reports the numbers. bench/run.sh runs it last (unless
# BENCH_SKIP_C2PA=1); it also runs on its own.
#
#   verify  the 8 fixtures of tests/fixtures/c2pa (one prov c2pa verify --json
#           over the list repeated K times, so process start-up is spread
#           over 8K files), and a 12-megapixel JPEG (4000x3000, generated,
#           cjpeg -quality 90) signed by prov c2pa sign and, for both
#           readers, the same image signed by the reference SDK (es256);
#           each repeated KBIG times. The reference reads the same files K
#           (KBIG) times in one process; its rate is given without and with
#           the wasm initialisation.
#   sign    prov c2pa sign of the 12 MP image and of a fixture-sized one
#           (2048x1365), one file per process; the reference SDK's
#           WasmBuilder.sign of the same images with the fixture es256 and
#           ed25519 keys (the COSE_Sign1 is made in JS by node:crypto; the
#           reference adds no thumbnail, prov does).
# Target: verify at least 5x faster than the reference reader.
#
# Without `prov c2pa verify` the prov rows are left out; without
# `prov c2pa sign` the rows that need prov-signed files are, and the table
# says so.
#
# Environment: PROV (default build/prov), BENCH_DIR, BENCH_OUT, K (default
# 50), KBIG (default 10), RUNS (hyperfine runs, default 5), REF_RUNS (runs
# of the reference, default 3; the median is reported).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PROV=${PROV:-$ROOT/build/prov}
BENCH_DIR=${BENCH_DIR:-/tmp/prov-c2pa-bench}
OUT=${BENCH_OUT:-/tmp/prov-c2pa-bench-results}
K=${K:-50}
KBIG=${KBIG:-10}
RUNS=${RUNS:-5}
REF_RUNS=${REF_RUNS:-3}
FIX=$ROOT/tests/fixtures/c2pa
ORACLE=$ROOT/tests/oracle

say() { printf '%s\n' "$*" >&2; }
die() {
	say "bench: $*"
	exit 2
}

command -v hyperfine >/dev/null || die "hyperfine is not installed"
command -v cjpeg >/dev/null || die "cjpeg is not installed (libjpeg-turbo-progs)"
command -v node >/dev/null || die "node is not installed"
[ -d "$ORACLE/node_modules/@contentauth/c2pa-wasm" ] || die "run scripts/npm-deps.sh"
[ -x "$PROV" ] || die "no prov binary at $PROV (run make)"
mkdir -p "$BENCH_DIR" "$OUT"
BENCH_DIR=$(cd "$BENCH_DIR" && pwd)
OUT=$(cd "$OUT" && pwd)
case "$BENCH_DIR/" in "$ROOT"/*) die "BENCH_DIR must be outside the repository" ;; esac
case "$OUT/" in "$ROOT"/*) die "BENCH_OUT must be outside the repository" ;; esac

export PROV_HOME=$BENCH_DIR/home PROV_NO_PROGRESS=1
unset PROV_REGISTRY PROV_IDENTITY PROV_PASSPHRASE

. "$ROOT/bench/lib.sh"
start_monitor "$OUT/monitor.log"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
say "bench: load $LOAD_BEFORE; busiest processes:"
ps -eo pcpu,pid,comm --sort=-pcpu | head -n 4 >&2

HAVE_VERIFY=0
HAVE_SIGN=0
"$PROV" c2pa verify --help >/dev/null 2>&1 && HAVE_VERIFY=1
"$PROV" c2pa sign --help >/dev/null 2>&1 && HAVE_SIGN=1
[ "$HAVE_VERIFY" = 1 ] || say "bench: WARNING: $PROV has no 'c2pa verify': reference rows only"
[ "$HAVE_SIGN" = 1 ] || say "bench: WARNING: $PROV has no 'c2pa sign': no prov-signed 12 MP image, no prov sign rows"

# ---- images ---------------------------------------------------------------------
# gen W H OUT.jpg: smooth structured content (sinusoids and gradients that
# drift down the image, with a little fixed-seed noise), cjpeg -quality 90.
gen() {
	[ -f "$3" ] && return 0
	say "bench: generating a $1x$2 JPEG $3"
	python3 - "$1" "$2" "$3.ppm" <<'EOF'
import math, random, sys
w, h, out = int(sys.argv[1]), int(sys.argv[2]), sys.argv[3]
rnd = random.Random(5)
noise = [bytes(rnd.randrange(0, 24) for _ in range(3 * w)) for _ in range(8)]
def row(o, v):
    r = bytearray(3 * w)
    nz = noise[v]
    for x in range(w):
        t = x / w
        px = (128 + 90 * math.sin(6.0 * t + o / 9.0) + 30 * math.sin(40.0 * t * (1 + o / 64.0)),
              40 + 170 * t + 20 * math.cos(o / 5.0 + 9 * t),
              200 - 150 * t * (o / 64.0) + 25 * math.sin(70 * t + o))
        for c in range(3):
            r[3 * x + c] = max(0, min(255, int(px[c]) + nz[3 * x + c] - 12))
    return bytes(r)
rows = {}
with open(out, 'wb') as f:
    f.write(b'P6\n%d %d\n255\n' % (w, h))
    for y in range(h):
        k = (int(32 + 31 * math.sin(y / h * 7.0) * math.cos(y / h * 2.3)), (y // 3) % 8)
        if k not in rows:
            rows[k] = row(*k)
        f.write(rows[k])
EOF
	cjpeg -quality 90 -outfile "$3.tmp" "$3.ppm"
	rm -f "$3.ppm"
	mv "$3.tmp" "$3"
}
BIG=$BENCH_DIR/12mp.jpg
SMALL=$BENCH_DIR/3mp.jpg
gen 4000 3000 "$BIG"
gen 2048 1365 "$SMALL"

# The reference SDK signs the 12 MP image (es256, fixture key): a signed
# 12 MP file for both readers that does not depend on prov.
REFBIG=$BENCH_DIR/12mp.ref-es256.jpg
node "$ORACLE/c2pa-bench.mjs" --sign es256 -k 1 -o "$REFBIG" "$BIG" >/dev/null ||
	die "the reference SDK could not sign $BIG"

# prov signs them with an identity that has a certificate.
PROVBIG=$BENCH_DIR/12mp.prov.jpg
PROVSMALL=$BENCH_DIR/3mp.prov.jpg
SIGN_ARGS=""
if [ "$HAVE_SIGN" = 1 ]; then
	if [ ! -e "$PROV_HOME/keys/bench.key" ]; then
		"$PROV" id new bench --no-passphrase >/dev/null
	fi
	# the private root CA's key takes a passphrase; the identity's has none
	if [ ! -e "$BENCH_DIR/root.pem" ]; then
		PROV_PASSPHRASE=bench-ca "$PROV" id cert bench --root-out "$BENCH_DIR/root.pem" >/dev/null ||
			die "prov id cert bench failed"
	fi
	SIGN_ARGS="--as bench --title bench --source digitalCapture"
	# shellcheck disable=SC2086
	"$PROV" c2pa sign "$BIG" -o "$PROVBIG" $SIGN_ARGS >/dev/null || die "prov c2pa sign failed on $BIG"
	# shellcheck disable=SC2086
	"$PROV" c2pa sign "$SMALL" -o "$PROVSMALL" $SIGN_ARGS >/dev/null || die "prov c2pa sign failed on $SMALL"
	node "$ORACLE/c2pa-read.mjs" --trust "$BENCH_DIR/root.pem" "$PROVBIG" "$PROVSMALL" >"$OUT/prov-signed.ref.jsonl"
	[ "$(grep -c '"state":"trusted"' "$OUT/prov-signed.ref.jsonl")" = 2 ] ||
		say "bench: WARNING: the reference reader does not trust prov's signed files: $(cut -c1-300 "$OUT/prov-signed.ref.jsonl")"
fi

# ---- measuring ----------------------------------------------------------------------
HF=(hyperfine --style basic --shell bash)
declare -A RATE BEST BUSY NOTE
# rep N FILE...: the files' list repeated N times, space-separated.
rep() {
	local n=$1 i
	shift
	for ((i = 0; i < n; i++)); do printf '%s ' "$@"; done
}
# prov_row NAME FILES-PER-RUN COMMAND: hyperfine, rate = files / median.
prov_row() {
	local name=$1 n=$2 cmd=$3 t0 t1
	t0=$(date +%s)
	"${HF[@]}" -i --warmup 1 --runs "$RUNS" --export-json "$OUT/$name.json" \
		--export-csv "$OUT/$name.csv" -n "$name" "$cmd" >&2
	t1=$(date +%s)
	BUSY[$name]=$(contention "$t0" "$t1")
	# CSV: command,mean,stddev,median,user,system,min,max
	RATE[$name]=$(awk -F, -v n="$n" 'NR == 2 { printf "%.1f", n / $4 }' "$OUT/$name.csv")
	BEST[$name]=$(awk -F, -v n="$n" 'NR == 2 { printf "%.1f", n / $7 }' "$OUT/$name.csv")
}
# ref_row NAME ARGS...: c2pa-bench.mjs REF_RUNS times; the median rate
# without init (RATE), the best (BEST), and the median with init (NOTE).
ref_row() {
	local name=$1 i t0 t1
	shift
	: >"$OUT/$name.jsonl"
	t0=$(date +%s)
	for ((i = 0; i < REF_RUNS; i++)); do
		node "$ORACLE/c2pa-bench.mjs" "$@" >>"$OUT/$name.jsonl"
	done
	t1=$(date +%s)
	BUSY[$name]=$(contention "$t0" "$t1")
	read -r "RATE[$name]" "BEST[$name]" "NOTE[$name]" < <(node -e '
		const r = require("fs").readFileSync(process.argv[1], "utf8").trim().split("\n").map(JSON.parse);
		const med = (a) => a.sort((x, y) => x - y)[a.length >> 1];
		const e = r.reduce((s, x) => s + x.errors, 0);
		if (r.some((x) => x.mode.startsWith("sign") && x.errors)) { console.error("signing failed"); process.exit(1); }
		console.log(med(r.map((x) => x.files_per_s)).toFixed(1), Math.max(...r.map((x) => x.files_per_s)).toFixed(1),
			med(r.map((x) => x.files_per_s_with_init)).toFixed(1));' "$OUT/$name.jsonl")
}

NFIX=$(find "$FIX" -maxdepth 1 -name '*.jpg' | wc -l)
FIXFILES=$(rep 1 "$FIX"/*.jpg)

say ""
say "== verify: the $NFIX fixtures, x$K =="
if [ "$HAVE_VERIFY" = 1 ]; then
	prov_row verify-fixtures $((NFIX * K)) "$PROV c2pa verify --json $(rep "$K" "$FIX"/*.jpg) >/dev/null"
fi
# shellcheck disable=SC2086
ref_row ref-verify-fixtures -k "$K" $FIXFILES

say ""
say "== verify: a 12 MP image, x$KBIG =="
if [ "$HAVE_VERIFY" = 1 ]; then
	prov_row verify-12mp-ref "$KBIG" "$PROV c2pa verify --json $(rep "$KBIG" "$REFBIG") >/dev/null"
fi
ref_row ref-verify-12mp-ref -k "$KBIG" "$REFBIG"
if [ "$HAVE_SIGN" = 1 ]; then
	if [ "$HAVE_VERIFY" = 1 ]; then
		prov_row verify-12mp-prov "$KBIG" "$PROV c2pa verify --json $(rep "$KBIG" "$PROVBIG") >/dev/null"
	fi
	ref_row ref-verify-12mp-prov -k "$KBIG" "$PROVBIG"
fi

say ""
say "== sign =="
if [ "$HAVE_SIGN" = 1 ]; then
	prov_row sign-12mp 1 "$PROV c2pa sign $BIG -o $BENCH_DIR/out-12mp.jpg $SIGN_ARGS >/dev/null"
	prov_row sign-3mp 1 "$PROV c2pa sign $SMALL -o $BENCH_DIR/out-3mp.jpg $SIGN_ARGS >/dev/null"
fi
ref_row ref-sign-es256-12mp --sign es256 -k "$KBIG" "$BIG"
ref_row ref-sign-es256-3mp --sign es256 -k "$K" "$SMALL"
ref_row ref-sign-ed25519-12mp --sign ed25519 -k "$KBIG" "$BIG"
ref_row ref-sign-ed25519-3mp --sign ed25519 -k "$K" "$SMALL"

LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- table ---------------------------------------------------------------------------
line() { # name label
	local r=${RATE[$1]:-} b=${BEST[$1]:-} w=${NOTE[$1]:-}
	if [ -z "$r" ]; then
		printf '%-46s %10s %10s %12s %5s\n' "$2" "-" "-" "-" "-"
	else
		printf '%-46s %10s %10s %12s %4s%%\n' "$2" "$r" "$b" "${w:--}" "${BUSY[$1]:-?}"
	fi
}
ratio() { # a b: a / b, or "-"
	if [ -n "${RATE[$1]:-}" ] && [ -n "${RATE[$2]:-}" ]; then
		printf '%.1fx' "$(echo "${RATE[$1]} / ${RATE[$2]}" | bc -l)"
	else
		printf -- '-'
	fi
}
{
	echo ""
	echo "prov c2pa bench, $(date -u +%Y-%m-%dT%H:%M:%SZ): nproc $(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
	echo "load average before: $LOAD_BEFORE, after: $LOAD_AFTER; prov $("$PROV" --version 2>/dev/null || echo '?'); node $(node --version)"
	echo "12 MP image: $(stat -c %s "$BIG") bytes; 3 MP: $(stat -c %s "$SMALL") bytes; fixtures: $NFIX files, $(cat "$FIX"/*.jpg | wc -c) bytes"
	[ "$HAVE_VERIFY" = 1 ] || echo "NOTE: prov has no 'c2pa verify' yet: prov verify rows are empty"
	[ "$HAVE_SIGN" = 1 ] || echo "NOTE: prov has no 'c2pa sign' yet: no prov-signed 12 MP image and no prov sign rows"
	echo ""
	echo "files/s: median (best) of $RUNS hyperfine runs for prov (whole processes, start-up included),"
	echo "of $REF_RUNS runs for the reference (in one process, wasm init excluded; 'with init' includes it)."
	echo "busy% = share of the samples in which someone else's heavy process ran."
	echo ""
	printf '%-46s %10s %10s %12s %5s\n' "benchmark" "files/s" "best" "with init" "busy"
	line verify-fixtures "verify fixtures: prov c2pa verify"
	line ref-verify-fixtures "verify fixtures: reference reader"
	line verify-12mp-ref "verify 12 MP (reference-signed): prov"
	line ref-verify-12mp-ref "verify 12 MP (reference-signed): reference"
	line verify-12mp-prov "verify 12 MP (prov-signed): prov"
	line ref-verify-12mp-prov "verify 12 MP (prov-signed): reference"
	line sign-12mp "sign 12 MP: prov c2pa sign"
	line ref-sign-es256-12mp "sign 12 MP: reference, es256"
	line ref-sign-ed25519-12mp "sign 12 MP: reference, ed25519"
	line sign-3mp "sign 3 MP: prov c2pa sign"
	line ref-sign-es256-3mp "sign 3 MP: reference, es256"
	line ref-sign-ed25519-3mp "sign 3 MP: reference, ed25519"
	echo ""
	echo "target: verify >= 5x the reference reader (its rate without init):"
	echo "  fixtures $(ratio verify-fixtures ref-verify-fixtures); 12 MP reference-signed $(ratio verify-12mp-ref ref-verify-12mp-ref); 12 MP prov-signed $(ratio verify-12mp-prov ref-verify-12mp-prov)"
	echo "sign, prov / reference ed25519: 12 MP $(ratio sign-12mp ref-sign-ed25519-12mp); 3 MP $(ratio sign-3mp ref-sign-ed25519-3mp)"
} | tee "$OUT/summary.txt"
