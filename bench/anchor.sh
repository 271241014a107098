#!/bin/bash
# bench/anchor.sh: on-chain anchors against a local anvil node. Gas of
# `prov contracts deploy` and of one anchoring transaction for batches of
# 1 to 100,000 records, with and without --uri; anchors per second for
# successive one-record anchors; the wall time of the large anchors; and
# `prov verify --chain` over 100,000 anchored records. Prints a table.
#
# Everything (anvil's state, PROV_HOME, the registries and their files)
# lives in a temporary folder that is removed on exit (BENCH_KEEP=1 keeps
# it); the table and the raw numbers also go to $BENCH_OUT (default
# /tmp/prov-anchor-bench-results). Nothing is written into the repository.
#
# anvil mines every transaction as soon as it arrives (automine), so the
# times measure prov and the local node, not a public chain's block time.
#
# Environment: PROV (default build/prov), ANVIL (default the one
# scripts/npm-deps.sh installs), SIZES (default "1 100 10000 100000"),
# K (one-record anchors timed, default 50), URI (the --uri text),
# BENCH_OUT, BENCH_KEEP=1, BENCH_NO_WAIT=1 (skip waiting up to 5 minutes for
# a load average under 1.5).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PROV=${PROV:-$ROOT/build/prov}
ANVIL=${ANVIL:-$ROOT/tests/oracle/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil}
SIZES=${SIZES:-1 100 10000 100000}
K=${K:-50}
URI=${URI:-https://example.org/registries/bench.git}
OUT=${BENCH_OUT:-/tmp/prov-anchor-bench-results}
LICENSE=CC-BY-4.0

say() { printf '%s\n' "$*" >&2; }
die() {
	say "bench: $*"
	exit 2
}

[ -x "$PROV" ] || die "no prov binary at $PROV (run make)"
[ "$K" -ge 2 ] 2>/dev/null || die "K must be at least 2"
[ -x "$ANVIL" ] || die "no anvil at $ANVIL (run scripts/npm-deps.sh)"
for t in jq curl /usr/bin/time; do
	command -v "$t" >/dev/null || die "$t is not installed"
done
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)
case "$OUT/" in "$ROOT"/*) die "BENCH_OUT must be outside the repository" ;; esac
PROV=$(cd "$(dirname "$PROV")" && pwd)/$(basename "$PROV")

. "$ROOT/bench/lib.sh"

wait_quiet
LOAD0=$(cut -d' ' -f1-3 /proc/loadavg)
say "load average: $LOAD0; $(nproc) cores"
start_monitor "$OUT/monitor.log"
# (after start_monitor, whose own EXIT trap this replaces)
W=$(mktemp -d /tmp/prov-anchor-bench.XXXXXX)
ANVIL_PID=""
cleanup() {
	[ -z "$ANVIL_PID" ] || kill "$ANVIL_PID" 2>/dev/null || true
	kill "$MONPID" 2>/dev/null || true
	if [ "${BENCH_KEEP:-0}" = 1 ]; then say "kept $W"; else rm -rf "$W"; fi
}
trap cleanup EXIT

# ---- anvil, an identity, a funded chain key, the contract -------------------
"$ANVIL" --host 127.0.0.1 --port 0 --accounts 1 >"$W/anvil.log" 2>&1 &
ANVIL_PID=$!
RPC=""
for _ in $(seq 300); do
	RPC=$(sed -nE 's#^Listening on (127\.0\.0\.1:[0-9]+)$#http://\1#p' "$W/anvil.log")
	[ -n "$RPC" ] && break
	sleep 0.1
done
[ -n "$RPC" ] || { cat "$W/anvil.log" >&2; die "anvil did not start"; }
ANVIL_VERSION=$("$ANVIL" --version | sed -n '1s/^anvil Version: //p')

rpc() { # METHOD PARAMS -> the reply's result (JSON)
	curl -sS -X POST -H 'content-type: application/json' \
		-d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$1\",\"params\":$2}" "$RPC" |
		jq -c 'if .error then error(.error.message) else .result end'
}
now() { date +%s.%N; }
sub() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.6f", b - a }'; }
timed() { # TIMEFILE CMD...: runs CMD; TIMEFILE gets "wall user sys peak-RSS-KiB",
	# the wall time from date (ms), the rest from /usr/bin/time (10 ms)
	local f=$1 t0 t1
	shift
	t0=$(now)
	/usr/bin/time -f '%U %S %M' -o "$f.t" "$@"
	t1=$(now)
	echo "$(sub "$t0" "$t1") $(cat "$f.t")" >"$f"
}

export PROV_HOME=$W/home PROV_NO_PROGRESS=1 PROV_IDENTITY=bench
unset PROV_REGISTRY PROV_PASSPHRASE
"$PROV" id new bench --no-passphrase >/dev/null
KEY=$("$PROV" chain key new ops --no-passphrase --json | jq -r .address)
rpc anvil_setBalance "[\"$KEY\",\"0x56bc75e2d63100000\"]" >/dev/null # 100 ether
"$PROV" contracts deploy --rpc "$RPC" --key ops --json >"$W/deploy.json"
CONTRACT=$(jq -r .address "$W/deploy.json")
DEPLOY_GAS=$(jq -r .gas_used "$W/deploy.json")
[ "$(rpc eth_getTransactionReceipt "[\"$(jq -r .tx "$W/deploy.json")\"]" | jq -r .gasUsed)" = \
	"$(printf '0x%x' "$DEPLOY_GAS")" ] || die "deploy: gas_used is not the receipt's gasUsed"
say "anvil $ANVIL_VERSION at $RPC; contract $CONTRACT (deploy: $DEPLOY_GAS gas)"

# prov anchor in the current registry; stdout (--json) to a file
ANCHOR=(anchor --rpc "$RPC" --key ops --contract "$CONTRACT" --confirmations 1 --poll-ms 10 --json)
txhash() { jq -r '.anchor.tx | if type == "object" then .hash else . end' "$1"; }
gas_of() { # ANCHOR-JSON -> "gasUsed calldata-bytes" of its transaction
	local tx r t
	tx=$(txhash "$1")
	r=$(rpc eth_getTransactionReceipt "[\"$tx\"]")
	[ "$(jq -r .status <<<"$r")" = 0x1 ] || die "anchor transaction $tx failed"
	t=$(rpc eth_getTransactionByHash "[\"$tx\"]")
	echo "$(($(jq -r .gasUsed <<<"$r"))) $((($(jq -r .input <<<"$t" | wc -c) - 3) / 2))"
}
newreg() { # DIR: a fresh registry there, made the current folder
	mkdir -p "$1"
	cd "$1"
	"$PROV" init . >/dev/null
}

# ---- 1. anchors per second: K one-record anchors ------------------------------
# Each round registers one new file (not timed), then anchors it (timed:
# the prov anchor process, from start to exit, with its one transaction
# mined and confirmed and the anchor record committed). The first anchor on
# a new contract also pays for setting anchorCount from zero, so its gas is
# reported apart from the second one's.
say "== 1. $K one-record anchors =="
T1=$(date +%s)
newreg "$W/rate"
mkdir files
: >"$W/rate.times"
for i in $(seq "$K"); do
	echo "record $i" >"files/r$i"
	"$PROV" register "files/r$i" --license "$LICENSE" >/dev/null
	t0=$(now)
	"$PROV" "${ANCHOR[@]}" >"$W/rate-$i.json" 2>>"$W/anchor.err"
	t1=$(now)
	[ "$(jq -r .anchor.count "$W/rate-$i.json")" = 1 ] || die "rate anchor $i: not one record"
	sub "$t0" "$t1" >>"$W/rate.times"
	echo >>"$W/rate.times"
done
read -r GAS_FIRST _ < <(gas_of "$W/rate-1.json")
read -r GAS_SECOND _ < <(gas_of "$W/rate-2.json")
RATE_SUM=$(awk '{ s += $1 } END { printf "%.3f", s }' "$W/rate.times")
RATE_MEAN=$(awk '{ s += $1 } END { printf "%.1f", 1000 * s / NR }' "$W/rate.times")
RATE_MED=$(sort -n "$W/rate.times" | awk '{ a[NR] = $1 } END { printf "%.1f", 1000 * (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) }')
RATE_MIN=$(sort -n "$W/rate.times" | awk 'NR == 1 { printf "%.1f", 1000 * $1 }')
RATE_MAX=$(sort -n "$W/rate.times" | awk 'END { printf "%.1f", 1000 * $1 }')
RATE=$(awk -v k="$K" -v s="$RATE_SUM" 'BEGIN { printf "%.1f", k / s }')
BUSY1=$(contention "$T1" "$(date +%s)")
say "$K anchors in $RATE_SUM s (anchor commands only): $RATE anchors/s, mean $RATE_MEAN ms"

# ---- 2. gas and time of batches --------------------------------------------
# One fresh registry per batch and variant (the files of the --uri variant
# are named u* instead of f*, so its records and root differ). Timed:
# prov register -r (for reference) and prov anchor, each the whole process
# under /usr/bin/time: wall, user + system CPU, peak RSS.
say "== 2. batches: $SIZES =="
T2=$(date +%s)
: >"$W/batches"
for n in $SIZES; do
	for v in plain uri; do
		p=f
		set --
		if [ $v = uri ]; then
			p=u
			set -- --uri "$URI"
		fi
		newreg "$W/b$n-$v"
		mkdir files
		(cd files && seq "$n" | split -l 1 -a 6 - $p)
		timed "$W/reg.time" \
			"$PROV" register -r files --license "$LICENSE" >/dev/null
		timed "$W/anc.time" \
			"$PROV" "${ANCHOR[@]}" "$@" >"$W/b$n-$v.json" 2>>"$W/anchor.err"
		[ "$(jq -r .anchor.count "$W/b$n-$v.json")" = "$n" ] || die "batch $n $v: count is not $n"
		read -r g cd < <(gas_of "$W/b$n-$v.json")
		read -r rw _ _ _ <"$W/reg.time"
		read -r aw au as am <"$W/anc.time"
		echo "$n $v $g $cd $rw $aw $au $as $am" >>"$W/batches"
		say "$n records, $v: $g gas ($cd bytes of calldata); register $rw s, anchor $aw s"
	done
done
BUSY2=$(contention "$T2" "$(date +%s)")

# ---- 3. prov verify --chain over the largest plain batch --------------------
NMAX=$(tr ' ' '\n' <<<"$SIZES" | sort -n | tail -1)
say "== 3. prov verify --chain, $NMAX records =="
T3=$(date +%s)
cd "$W/b$NMAX-plain"
timed "$W/ver.time" \
	"$PROV" verify --chain --rpc "$RPC" >"$W/verify.out"
grep -q "^$NMAX records: $NMAX anchored and checked on eip155:31337 (1 anchor), 0 not anchored, 0 failed$" \
	"$W/verify.out" || { tail -3 "$W/verify.out" >&2; die "verify --chain did not check every record"; }
read -r vw vu vs vm <"$W/ver.time"
BUSY3=$(contention "$T3" "$(date +%s)")
LOAD1=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- the table ------------------------------------------------------------
{
	echo "prov anchor bench, $(date -u '+%Y-%m-%d %H:%M UTC'), prov $(git -C "$ROOT" rev-parse --short HEAD 2>/dev/null || echo '?'), anvil $ANVIL_VERSION (automine), $(nproc) cores"
	echo "load average $LOAD0 before, $LOAD1 after; busy = share of 2 s samples with someone else's heavy process"
	echo
	echo "gas"
	printf '  %-44s %10s\n' "prov contracts deploy" "$DEPLOY_GAS"
	printf '  %-44s %10s\n' "anchor, first on a new contract (1 record)" "$GAS_FIRST"
	printf '  %-44s %10s\n' "anchor, second (1 record)" "$GAS_SECOND"
	while read -r n v g cd _; do
		r=records
		[ "$n" != 1 ] || r=record
		l="anchor, $n $r"
		[ "$v" != uri ] || l="$l, --uri (${#URI} chars)"
		printf '  %-44s %10s   %d bytes of calldata\n' "$l" "$g" "$cd"
	done <"$W/batches"
	echo
	echo "one-record anchors (register not timed; each prov anchor process timed whole)  busy $BUSY1%"
	printf '  %d anchors in %s s: %s anchors/s; per anchor mean %s ms, median %s, min %s, max %s\n' \
		"$K" "$RATE_SUM" "$RATE" "$RATE_MEAN" "$RATE_MED" "$RATE_MIN" "$RATE_MAX"
	echo
	echo "batches (whole processes: wall s, records/s, CPU user+sys s, peak RSS MiB)  busy $BUSY2%"
	printf '  %-14s %10s %11s   %9s %11s %8s %8s\n' batch "register s" "records/s" "anchor s" "records/s" "cpu s" "RSS"
	while read -r n v _ _ rw aw au as am; do
		printf '  %-14s %10.3f %11.0f   %9.3f %11.0f %8.2f %8.0f\n' "$n $v" "$rw" \
			"$(awk -v n="$n" -v t="$rw" 'BEGIN { print (t > 0 ? n / t : 0) }')" "$aw" \
			"$(awk -v n="$n" -v t="$aw" 'BEGIN { print (t > 0 ? n / t : 0) }')" \
			"$(awk -v a="$au" -v b="$as" 'BEGIN { print a + b }')" "$((am / 1024))"
	done <"$W/batches"
	echo
	echo "prov verify --chain, $NMAX records  busy $BUSY3%"
	printf '  wall %.3f s, %.0f records/s, cpu %.2f s, peak RSS %d MiB\n' "$vw" \
		"$(awk -v n="$NMAX" -v t="$vw" 'BEGIN { print n / t }')" \
		"$(awk -v a="$vu" -v b="$vs" 'BEGIN { print a + b }')" "$((vm / 1024))"
} | tee "$OUT/summary.txt"
cp "$W/batches" "$OUT/batches.txt"
cp "$W/rate.times" "$OUT/rate-times.txt"
