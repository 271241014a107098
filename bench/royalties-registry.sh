#!/bin/bash
# bench/royalties-registry.sh: `prov royalties compute` end to end, from a
# registry of 1,000,000 works by 1,000 payout accounts, where bench/royalties.sh
# times the engine alone, in-process. The month's usage of a model trained on
# three datasets totalling 1,000,000 items is turned into a payout batch:
# the lineage read and checked record by record, the weights, the exact
# shares, the ledger, the root, the signed record. Standalone: not part of
# `make bench`. Nothing is written into the repository.
#
# Setup, once (about 25 minutes; kept in $BENCH_DIR, marked done):
#   - 1,000,000 files of 32 random bytes in 1,000 folders (the data of
#     bench/manifest.sh step c, reused when present);
#   - `prov register -r data/dNNNN --payout eip155:31337:0x...` for each
#     folder, each with its own account (the first 40 hex digits of
#     sha256("creator NNNN")), license CC-BY-4.0 or, every tenth folder,
#     CC-BY-SA-4.0: 1,000,000 work records, 1,000 creator accounts;
#   - the three manifests, checkpoint, run and model `big` of bench/trace.sh;
#   - `prov usage record --model big --period 2026-10 --revenue 1000000`
#     of a 6-decimal ERC-20, signed by an operator;
#   - policy.json: accounts for the curator, provider and owner, and
#     CC-BY-SA-4.0 at 5,000 basis points;
#   - base.git, a bare clone of the registry before any payout.
# Then, on a quiet machine, with others' heavy processes sampled meanwhile:
#   - the first compute, which writes the payout, under /usr/bin/time -v:
#     once on a fresh clone of base.git, where it makes the claim index
#     (.prov/claimindex) as well, and once on another clone with that index
#     copied in;
#   - `hyperfine --warmup 1 --runs 3` of the same compute in the registry:
#     the batch is there after the warm-up, so these runs compute it again
#     and compare it with the record, writing nothing but -o;
#   - one compute and one `prov royalties verify` under /usr/bin/time -v;
#   - checks (exit 2 when any fails): every batch file the same bytes, 1,003
#     paid lines (the 1,000 creators, curator, provider, owner), the sums of
#     `prov royalties show --json` of the record, and verify's exit 0.
#
# Environment: PROV (default build/prov), BENCH_DIR (default
# /tmp/prov-royalties-registry-bench), BENCH_OUT (default
# /tmp/prov-royalties-registry-bench-results), N (default 1000000), DATA
# (an existing folder of N files in 1,000 folders to reuse; default
# /tmp/prov-manifest-bench/large/data when it has its .done mark),
# BENCH_NO_WAIT=1 (skip waiting for a quiet machine).
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
PROV=${PROV:-$ROOT/build/prov}
BENCH_DIR=${BENCH_DIR:-/tmp/prov-royalties-registry-bench}
OUT=${BENCH_OUT:-/tmp/prov-royalties-registry-bench-results}
N=${N:-1000000}
NDIRS=1000
PERIOD=2026-10
ASSET=eip155:31337/erc20:0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed

say() { printf '%s\n' "$*" >&2; }
die() {
	say "bench/royalties-registry: $*"
	exit 2
}

for tool in hyperfine jq; do
	command -v "$tool" >/dev/null || die "$tool is not installed"
done
[ -x /usr/bin/time ] || die "/usr/bin/time is not installed"
[ -x "$PROV" ] || die "no prov binary at $PROV (run make)"
"$PROV" royalties compute --help >/dev/null 2>&1 || die "this prov has no 'royalties compute'"
mkdir -p "$BENCH_DIR" "$OUT"
BENCH_DIR=$(cd "$BENCH_DIR" && pwd)
OUT=$(cd "$OUT" && pwd)
for d in "$BENCH_DIR" "$OUT"; do
	case "$d/" in "$ROOT"/*) die "BENCH_DIR and BENCH_OUT must be outside the repository" ;; esac
done
export PROV_HOME=$BENCH_DIR/home PROV_NO_PROGRESS=1
unset PROV_REGISTRY PROV_PASSPHRASE PROV_IDENTITY
R=$BENCH_DIR/reg
. "$ROOT/bench/lib.sh"

account() { # TEXT -> 0x and the first 40 hex digits of its SHA-256
	printf '0x%s\n' "$(printf '%s' "$1" | sha256sum | cut -c1-40)"
}
did() { "$PROV" id show "$1" --json | jq -r .did; }

DATA=$(bench_data "${DATA:-/tmp/prov-manifest-bench/large/data}" "$N" "$NDIRS")

if [ ! -f "$BENCH_DIR/setup.done" ]; then
	rm -rf "$R" "$PROV_HOME" "$BENCH_DIR/base.git"
	mkdir -p "$R"
	cd "$R"
	"$PROV" init . >/dev/null
	for who in creator curator provider owner operator; do
		"$PROV" id new "$who" --no-passphrase >/dev/null
	done
	ln -s "$DATA" data
	say "bench: registering $N works in $NDIRS folders, one payout account each"
	t0=$(date +%s)
	for ((k = 0; k < NDIRS; k++)); do
		license=CC-BY-4.0
		[ $((k % 10)) -eq 9 ] && license=CC-BY-SA-4.0
		"$PROV" register -r "$(printf 'data/d%04d' "$k")" --license "$license" \
			--payout "eip155:31337:$(account "creator $k")" --as creator >/dev/null
		# Each register commits one pack and gc.auto is 0: without
		# merging them, each call looked in all the packs before it
		# (1.9 s a call at 170 packs, 0.3 s at 1).
		if [ $((k % 10)) -eq 9 ]; then
			git -C .prov repack -dq --geometric=2
		fi
		if [ $((k % 100)) -eq 99 ]; then
			say "bench: $((k + 1)) folders in $(($(date +%s) - t0)) s"
		fi
	done
	bench_model "$NDIRS"
	"$PROV" usage record --model big --period "$PERIOD" --revenue 1000000 \
		--asset "$ASSET" --decimals 6 --as operator >/dev/null
	jq -n --arg c "$(did curator)" --arg p "$(did provider)" --arg o "$(did owner)" \
		--arg ca "eip155:31337:$(account curator)" \
		--arg pa "eip155:31337:$(account provider)" \
		--arg oa "eip155:31337:$(account owner)" \
		'{licenses: {"CC-BY-SA-4.0": 5000, "*": 10000},
		  accounts: {($c): $ca, ($p): $pa, ($o): $oa}}' >"$BENCH_DIR/policy.json"
	git clone -q --bare --local .prov "$BENCH_DIR/base.git"
	touch "$BENCH_DIR/setup.done"
fi

COMPUTE=("$PROV" royalties compute --period "$PERIOD" --asset "$ASSET"
	--policy "$BENCH_DIR/policy.json" --as owner)
fresh() { # DIR: a registry there, cloned from base.git (the registry before any payout)
	rm -rf "$1"
	mkdir -p "$1"
	git clone -q --bare --local "$BENCH_DIR/base.git" "$1/.prov"
	git -C "$1/.prov" config prov.registry 1
	git -C "$1/.prov" config gc.auto 0
	ln -s "$DATA" "$1/data"
}

rm -f "$OUT"/*.json "$OUT"/*.time "$OUT"/*.txt "$OUT"/monitor.log
wait_quiet
start_monitor "$OUT/monitor.log"
LOAD=$(cut -d' ' -f1-3 /proc/loadavg)
say "bench: load $LOAD; $(nproc) CPUs"
t0=$(date +%s)

# The first compute, which writes the payout: on a fresh clone, where it
# makes the claim index too, then on another with that index copied in.
F=$BENCH_DIR/fresh
fresh "$F.a"
(cd "$F.a" && run noindex 1 "${COMPUTE[@]}" -o "$OUT/noindex.batch.json" --json) ||
	die "the first compute failed (see $OUT/noindex-1.time)"
fresh "$F.b"
cp "$F.a/.prov/claimindex" "$F.b/.prov/"
(cd "$F.b" && run first 1 "${COMPUTE[@]}" -o "$OUT/first.batch.json" --json) ||
	die "the first compute with the claim index failed (see $OUT/first-1.time)"
rm -rf "$F.a" "$F.b"

# Computing it again, in the registry (the warm-up writes it the first time).
cd "$R"
hyperfine --warmup 1 --runs 3 --export-json "$OUT/compute.json" \
	-n "prov royalties compute ($N works, $NDIRS creators)" \
	"$(printf '%q ' "${COMPUTE[@]}" -o "$OUT/batch.json") >/dev/null"
run again 1 "${COMPUTE[@]}" -o "$OUT/again.batch.json" --json
rc=0
run verify 1 "$PROV" royalties verify "$OUT/batch.json" --json || rc=$?
t1=$(date +%s)
BUSY=$(contention "$t0" "$t1")

# ---- check and report ---------------------------------------------------------
[ "$rc" -eq 0 ] || die "verify exited $rc (see $OUT/verify-1.json)"
for f in first noindex again; do
	cmp -s "$OUT/batch.json" "$OUT/$f.batch.json" || die "$f.batch.json differs from batch.json"
done
ID=$(jq -r .id "$OUT/batch.json")
"$PROV" royalties show "$ID" --json >"$OUT/show.json"
cmp -s "$OUT/batch.json" "$OUT/show.json" || die "the record's batch differs from the batch file"
CREATORS=$(for ((k = 0; k < NDIRS; k++)); do account "creator $k"; done)
WANT=$(printf '%s\n' "$CREATORS" "$(account curator)" "$(account provider)" "$(account owner)" | sort)
GOT=$(jq -r '.paid[].account | ascii_downcase' "$OUT/show.json" | sort)
[ "$GOT" = "$WANT" ] || die "the paid accounts are not the $NDIRS creators, curator, provider and owner"
python3 - "$OUT/show.json" <<'EOF' || die "the batch's sums do not hold"
import json, sys
b = json.load(open(sys.argv[1]))
p = b["payout"]
n = lambda k: int(p[k])
paid = sum(int(x["amount"]) for x in b["paid"])
carried = sum(int(x["amount"]) for x in b.get("carried", []))
ok = (n("revenue") == 10**12 and n("pool") == n("revenue") + n("carried_in")
      and n("pool") == n("paid") + n("carried") + n("treasury")
      and paid == n("paid") and carried == n("carried") and n("accounts") == len(b["paid"]))
print(f"pool {n('pool')} = paid {paid} + carried {carried} + treasury {n('treasury')}")
sys.exit(0 if ok else 1)
EOF

h() { jq -r ".results[0].$1" "$OUT/compute.json"; }
row() { # tag what
	printf '%-52s %8s s %8s MiB\n' "$2" "$(wall "$OUT/$1-1.time")" "$(rss_mb "$OUT/$1-1.time")"
}
{
	echo ""
	echo "bench/royalties-registry, $(date -u +%Y-%m-%dT%H:%M:%SZ), prov at $(git -C "$ROOT" rev-parse --short HEAD): $N works, $NDIRS creator accounts; nproc $(nproc)"
	echo "load average before: $LOAD, after: $(cut -d' ' -f1-3 /proc/loadavg); samples with others' heavy processes: $BUSY%"
	echo "batch $ID: $(jq '.paid | length' "$OUT/batch.json") paid, $(jq '.carried | length' "$OUT/batch.json") carried, $(jq '.report | length' "$OUT/batch.json") report lines"
	echo ""
	printf 'compute again (hyperfine, %s runs): median %.3f s, mean %.3f ± %.3f s, min %.3f s, max %.3f s\n' \
		"$(jq '.results[0].times | length' "$OUT/compute.json")" "$(h median)" "$(h mean)" "$(h stddev)" "$(h min)" "$(h max)"
	printf '%-52s %10s %12s\n' "one run, /usr/bin/time -v" wall "peak RSS"
	row noindex "first compute (writes; makes the claim index)"
	row first "first compute (writes; claim index there)"
	row again "compute again (compares)"
	row verify "prov royalties verify"
	echo "raw results: $OUT"
} | tee "$OUT/summary.txt"
