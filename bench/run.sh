#!/bin/bash
# bench/run.sh: prov's speed targets, measured side by side with peer tools in
# one run (`make bench` builds prov, then runs this). Prints a table; the raw
# hyperfine JSON and CSV go to $BENCH_OUT (default /tmp/prov-bench-results),
# the data to $BENCH_DIR (default /tmp/prov-bench). Nothing is written into the
# repository. docs/performance.md reports and discusses the numbers.
#
#   1. SHA-256 of a 2 GiB file in the page cache: prov's sha256_file (through
#      bench/sha256.c) vs sha256sum and openssl dgst -sha256.
#   2. prov register -r of 20,000 4 KiB files (hash + sign + commit) vs
#      git add -A && git commit, and vs git annex add . && git commit, each in
#      a fresh registry/repository per run; then a second prov register -r of
#      the same unchanged files (stat cache).
#   3. prov verify of the resulting 20,000-record registry.
#   4. C2PA verify and sign throughput against the reference SDK
#      (bench/c2pa.sh, its own table, after the one above; data in
#      $BENCH_DIR/c2pa, results in $BENCH_OUT/c2pa).
#   5. The royalties engine end to end at a million accounts and its payout
#      tree against OpenZeppelin's StandardMerkleTree.of (bench/royalties.sh,
#      its own table; data in $BENCH_DIR/royalties, results in
#      $BENCH_OUT/royalties).
#
# Environment: BENCH_DIR, BENCH_OUT, BENCH_NO_WAIT=1 (skip waiting for an idle
# machine), BENCH_WAIT_MAX (seconds, default 600), BENCH_SKIP_ANNEX=1,
# BENCH_ANNEX_RUNS (default 3; git annex takes about 100 s a run),
# BENCH_SKIP_C2PA=1, BENCH_SKIP_ROYALTIES=1.
set -euo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
B=${B:-build}
PROV=$ROOT/$B/prov
BENCH_DIR=${BENCH_DIR:-/tmp/prov-bench}
OUT=${BENCH_OUT:-/tmp/prov-bench-results}
WAIT_MAX=${BENCH_WAIT_MAX:-600}
NFILES=20000
NDIRS=256
FSIZE=4096
BIGSIZE=$((2 * 1024 * 1024 * 1024)) # 2 GiB
LICENSE=CC-BY-4.0

say() { printf '%s\n' "$*" >&2; }
die() {
	say "bench: $*"
	exit 2
}

# ---- tools -------------------------------------------------------------------
need_pkgs=""
command -v hyperfine >/dev/null || need_pkgs="$need_pkgs hyperfine"
command -v git-annex >/dev/null || need_pkgs="$need_pkgs git-annex"
command -v git >/dev/null || need_pkgs="$need_pkgs git"
command -v openssl >/dev/null || need_pkgs="$need_pkgs openssl"
if [ -n "$need_pkgs" ]; then
	say "bench: installing$need_pkgs"
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	# shellcheck disable=SC2086
	DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq \
		--no-install-recommends $need_pkgs >/dev/null ||
		die "could not install$need_pkgs"
fi
[ -x "$PROV" ] || die "$PROV not built (run make bench)"
[ -f "$ROOT/$B/libprovcore.a" ] || die "$ROOT/$B/libprovcore.a not built"

mkdir -p "$BENCH_DIR" "$OUT"
BENCH_DIR=$(cd "$BENCH_DIR" && pwd)
OUT=$(cd "$OUT" && pwd)
case "$OUT/" in "$ROOT"/*) die "BENCH_OUT must be outside the repository" ;; esac

# bench/sha256.c: prov's sha256_file linked from the core library.
PKGS="libgit2 libsodium jansson libcrypto zlib"
SHABIN=$BENCH_DIR/bin/sha256
mkdir -p "$BENCH_DIR/bin"
# shellcheck disable=SC2046,SC2086
cc -std=gnu11 -O2 -Wall -Wextra -Werror -I"$ROOT" \
	$(pkg-config --cflags $PKGS) -o "$SHABIN" "$ROOT/bench/sha256.c" \
	"$ROOT/$B/libprovcore.a" $(pkg-config --libs $PKGS) -lpthread ||
	die "could not build bench/sha256.c"

# A private git configuration, so the user's own settings (hooks, fsync,
# gpg signing, ...) do not change git's or git-annex's numbers. gc.auto = 0
# as in a prov registry: otherwise the commit of 20,000 loose objects starts
# a detached background `git gc --auto` that hyperfine does not time and that
# slows the next runs.
export GIT_CONFIG_NOSYSTEM=1
export GIT_CONFIG_GLOBAL=$BENCH_DIR/gitconfig
cat >"$GIT_CONFIG_GLOBAL" <<'EOF'
[user]
	name = bench
	email = bench@example.invalid
[init]
	defaultBranch = main
[advice]
	detachedHead = false
[annex]
	autocommit = false
[gc]
	auto = 0
[maintenance]
	auto = false
EOF
export PROV_HOME=$BENCH_DIR/home
export PROV_NO_PROGRESS=1
unset PROV_REGISTRY PROV_IDENTITY PROV_PASSPHRASE

# ---- wait for an idle machine -----------------------------------------------
# Other people's heavy processes (fuzzers, compilers, benchmarks) share the
# machine's CPUs; ours are told apart by process group.
. "$ROOT/bench/lib.sh"
# Busy share of all CPUs over one second, from /proc/stat (0-100).
cpu_busy() {
	local a b a1 a2 a3 a4 a5 a6 a7 a8 b1 b2 b3 b4 b5 b6 b7 b8
	read -r _ a1 a2 a3 a4 a5 a6 a7 a8 _ </proc/stat
	sleep 1
	read -r _ b1 b2 b3 b4 b5 b6 b7 b8 _ </proc/stat
	a=$((a1 + a2 + a3 + a4 + a5 + a6 + a7 + a8))
	b=$((b1 + b2 + b3 + b4 + b5 + b6 + b7 + b8))
	local idle=$(((b4 + b5) - (a4 + a5))) total=$((b - a))
	[ "$total" -gt 0 ] || total=1
	echo $((100 * (total - idle) / total))
}
# Waits (polling every 30 s, BENCH_WAIT_MAX s in all) until no heavy process
# of others runs and the CPUs are mostly idle.
WAITED=0
wait_idle() {
	local busy heavy
	[ "${BENCH_NO_WAIT:-0}" = 1 ] && return 0
	while :; do
		heavy=$(heavy_procs | tr '\n' ' ')
		busy=$(cpu_busy)
		if [ -z "$heavy" ] && [ "$busy" -lt 25 ]; then
			say "bench: machine idle (cpu busy ${busy}%, load $(cut -d' ' -f1-3 /proc/loadavg))"
			return 0
		fi
		if [ "$WAITED" -ge "$WAIT_MAX" ]; then
			say "bench: WARNING: still busy after ${WAIT_MAX}s of waiting (cpu ${busy}%; ${heavy:-no named heavy process}); measuring anyway"
			return 0
		fi
		say "bench: waiting for an idle machine (cpu busy ${busy}%; ${heavy:-})"
		sleep 30
		WAITED=$((WAITED + 31))
	done
}
start_monitor "$OUT/monitor.log"
declare -A CONT LOAD
# section NAME RETRIES hyperfine-args...: waits for idle, measures, and
# measures again (up to RETRIES times) when others' heavy processes ran
# during more than 10% of it.
section() {
	local name=$1 retries=$2 t0 t1 c
	shift 2
	while :; do
		wait_idle
		LOAD[$name]=$(cut -d' ' -f1 /proc/loadavg)
		t0=$(date +%s)
		hf "$name" "$@"
		t1=$(date +%s)
		c=$(contention "$t0" "$t1")
		CONT[$name]=$c
		if [ "$c" -le 10 ] || [ "$retries" -le 0 ]; then
			[ "$c" -le 10 ] || say "bench: WARNING: others' heavy processes ran during ${c}% of '$name'"
			return 0
		fi
		say "bench: others' heavy processes ran during ${c}% of '$name'; measuring it again"
		retries=$((retries - 1))
	done
}
wait_idle
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- data ----------------------------------------------------------------------
DATA=$BENCH_DIR/files # 20,000 x 4 KiB random files in 256 folders, kept
BIG=$BENCH_DIR/big.bin # 2 GiB random file, kept
if [ ! -f "$DATA/.complete" ]; then
	say "bench: generating $NFILES files of $FSIZE bytes in $NDIRS folders under $DATA"
	rm -rf "$DATA"
	mkdir -p "$DATA"
	for ((d = 0; d < NDIRS; d++)); do
		n=$((NFILES / NDIRS + (d < NFILES % NDIRS ? 1 : 0)))
		dir=$(printf '%s/%02x' "$DATA" "$d")
		mkdir -p "$dir"
		head -c $((n * FSIZE)) /dev/urandom | split -b "$FSIZE" -d -a 3 - "$dir/f"
	done
	touch "$DATA/.complete"
fi
got=$(find "$DATA" -type f -name 'f*' | wc -l)
[ "$got" -eq "$NFILES" ] || die "$DATA has $got files, expected $NFILES (rm -rf it)"
if [ ! -f "$BIG" ] || [ "$(stat -c %s "$BIG")" -ne "$BIGSIZE" ]; then
	say "bench: generating a 2 GiB file $BIG"
	head -c "$BIGSIZE" /dev/urandom >"$BIG.tmp"
	mv "$BIG.tmp" "$BIG"
fi

# One identity, created once.
if [ ! -e "$PROV_HOME/keys/bench.key" ]; then
	"$PROV" id new bench --no-passphrase >/dev/null
fi

# Working copies: one for prov, one for git (their files are never changed),
# one fresh copy per git-annex run (annex turns files into symlinks and makes
# its object folders read-only, hence the chmod before rm).
P=$BENCH_DIR/prov
G=$BENCH_DIR/git
A=$BENCH_DIR/annex
FOOT_ANNEX=""
for w in "$P" "$G" "$A"; do
	[ -e "$w" ] && chmod -R u+w "$w"
	rm -rf "$w"
done
for w in "$P" "$G"; do
	cp -a "$DATA" "$w"
	rm -f "$w/.complete"
done

HF=(hyperfine --style basic --shell bash)
hf() { # name args...: one hyperfine run, JSON + CSV into $OUT
	local name=$1
	shift
	"${HF[@]}" --export-json "$OUT/$name.json" --export-csv "$OUT/$name.csv" "$@"
}
REG="$PROV register -r . --license $LICENSE >/dev/null"
ANNEX_RUNS=${BENCH_ANNEX_RUNS:-3}

# ---- 1. SHA-256 ------------------------------------------------------------------
say ""
say "== 1. SHA-256 of a 2 GiB file in the page cache =="
cat "$BIG" >/dev/null
cat "$BIG" >/dev/null
d1=$("$SHABIN" "$BIG" | cut -d' ' -f1) # also prints its own rate
d2=$(openssl dgst -sha256 -r "$BIG" | cut -d' ' -f1)
[ "$d1" = "$d2" ] || die "prov's sha256_file and openssl disagree on $BIG"
section sha256 1 --warmup 1 --runs 3 \
	-n prov-sha256_file "$SHABIN $BIG" \
	-n sha256sum "sha256sum $BIG" \
	-n openssl-dgst "openssl dgst -sha256 $BIG"

# ---- 2. register 20,000 files ----------------------------------------------------
say ""
say "== 2. register $NFILES files of $FSIZE bytes (fresh registry/repository per run) =="
section register 1 --warmup 1 --runs 5 \
	--prepare "rm -rf $P/.prov && $PROV init $P >/dev/null" \
	-n prov-register "cd $P && $REG" \
	--prepare "rm -rf $G/.git && git init -q $G" \
	-n git-add-commit "cd $G && git add -A && git commit -q -m bench"
# The last prov run left its registry behind: sections 2b and 3 use it.
nrec=$("$PROV" --registry "$P" status --json | grep -o '"work": *[0-9]*' | grep -o '[0-9]*$' || true)
[ "$nrec" = "$NFILES" ] || die "the registry holds ${nrec:-?} work records, expected $NFILES"
ngit=$(git -C "$G" ls-files | wc -l)
[ "$ngit" = "$NFILES" ] || die "git committed $ngit files, expected $NFILES"
# what each left on disk
footprint() { printf '%s MiB in %s files' "$(du -sm "$1" | cut -f1)" "$(find "$1" -type f | wc -l)"; }
FOOT_PROV=$(footprint "$P/.prov")
FOOT_GIT=$(footprint "$G/.git")
if [ "${BENCH_SKIP_ANNEX:-0}" != 1 ]; then
	say "(git annex: about 1.5 min per run)"
	# ~1.5 min a run: measured once, its contention reported, not retried
	section annex 0 --runs "$ANNEX_RUNS" \
		--prepare "chmod -R u+w $A 2>/dev/null; rm -rf $A && cp -a $DATA $A && rm -f $A/.complete && cd $A && git init -q && git annex init -q bench" \
		-n annex-add-commit "cd $A && git annex add -q . && git commit -q -m bench"
	nann=$(git -C "$A" ls-files | wc -l)
	[ "$nann" = "$NFILES" ] || die "git annex committed $nann files, expected $NFILES"
	FOOT_ANNEX=$(footprint "$A/.git")
	chmod -R u+w "$A" && rm -rf "$A"
fi

say ""
say "== 2b. second prov register of the same unchanged files (stat cache) =="
section register2 1 --warmup 1 --runs 10 \
	-n prov-register-again "cd $P && $REG"

# ---- 3. verify -----------------------------------------------------------------------
say ""
say "== 3. prov verify of the $NFILES-record registry =="
(cd "$P" && "$PROV" verify) || die "prov verify failed"
section verify 1 --warmup 1 --runs 5 \
	-n prov-verify "cd $P && $PROV verify >/dev/null"

LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# ---- table ---------------------------------------------------------------------------
# hyperfine CSV: command,mean,stddev,median,user,system,min,max
row() { # file command -> "min median cpu" (cpu: mean user + system s)
	awk -F, -v n="$2" '$1 == n { printf "%.4f %.4f %.3f\n", $7, $4, $5 + $6 }' "$OUT/$1.csv"
}
med() { row "$1" "$2" | cut -d' ' -f2; }
calc() { printf "%.${2:-2}f" "$(echo "$1" | bc -l)"; }
line() { # section command label unit-amount unit target
	local mn md cpu
	read -r mn md cpu < <(row "$1" "$2")
	printf '%-30s %7.3f %8.3f %7.3f %9s %9s %4s%%  %5s  %s\n' "$3" "$mn" "$md" "$cpu" \
		"$(calc "$4 / $mn" "$7")" "$(calc "$4 / $md" "$7")" "${CONT[$1]:-?}" \
		"${LOAD[$1]:-?}" "$5"
}
{
	echo ""
	echo "prov bench, $(date -u +%Y-%m-%dT%H:%M:%SZ): nproc $(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'), Debian $(cat /etc/debian_version 2>/dev/null || echo '?')"
	echo "load average before: $LOAD_BEFORE, after: $LOAD_AFTER; waited ${WAITED}s for an idle machine"
	echo "raw hyperfine results: $OUT/{sha256,register,annex,register2,verify}.json"
	echo ""
	echo "busy% = share of the section's samples in which someone else's heavy process ran;"
	echo "load = 1-min load average as the section started; cpu s = mean user + system time."
	echo "Rates use the best / median wall time."
	echo ""
	printf '%-30s %7s %8s %7s %9s %9s %5s  %5s  %s\n' "benchmark" "best s" "median s" \
		"cpu s" "best" "median" "busy" "load" "unit"
	line sha256 prov-sha256_file "sha256 2 GiB: prov sha256_file" "$BIGSIZE/1000000000" "GB/s" "" 2
	line sha256 sha256sum "sha256 2 GiB: sha256sum" "$BIGSIZE/1000000000" "GB/s" "" 2
	line sha256 openssl-dgst "sha256 2 GiB: openssl dgst" "$BIGSIZE/1000000000" "GB/s" "" 2
	line register prov-register "20k files: prov register -r" "$NFILES" "files/s" "" 0
	line register git-add-commit "20k files: git add+commit" "$NFILES" "files/s" "" 0
	if [ "${BENCH_SKIP_ANNEX:-0}" != 1 ]; then
		line annex annex-add-commit "20k files: git annex add+commit" "$NFILES" "files/s" "" 0
	fi
	line register2 prov-register-again "20k files: prov register again" "$NFILES" "files/s" "" 0
	line verify prov-verify "prov verify, 20k records" "$NFILES" "records/s" "" 0
	echo ""
	echo "targets (median times unless said):"
	pbest=$(row sha256 prov-sha256_file | cut -d' ' -f1)
	echo "  sha256 >= 1.5 GB/s:            $(calc "$BIGSIZE / 1000000000 / $pbest") GB/s best, $(calc "$BIGSIZE / 1000000000 / $(med sha256 prov-sha256_file)") GB/s median;" \
		"sha256sum takes $(calc "$(med sha256 sha256sum) / $(med sha256 prov-sha256_file)")x as long, openssl dgst $(calc "$(med sha256 openssl-dgst) / $(med sha256 prov-sha256_file)")x"
	pr=$(med register prov-register)
	echo "  register no slower than git:   git add+commit takes $(calc "$(med register git-add-commit) / $pr")x as long as prov register"
	if [ "${BENCH_SKIP_ANNEX:-0}" != 1 ]; then
		echo "  register >= 10x git annex:     git annex add+commit takes $(calc "$(med annex annex-add-commit) / $pr" 1)x as long as prov register"
	fi
	echo "  second register much faster:  first / again = $(calc "$pr / $(med register2 prov-register-again)" 1)x"
	echo "  verify < 3 s:                  $(calc "$(med verify prov-verify)") s median"
	echo ""
	echo "left on disk after one run: prov .prov $FOOT_PROV; git .git $FOOT_GIT${FOOT_ANNEX:+; git annex .git $FOOT_ANNEX}"
} | tee "$OUT/summary.txt"

# ---- 4. C2PA ------------------------------------------------------------------------
if [ "${BENCH_SKIP_C2PA:-0}" != 1 ]; then
	say ""
	say "== 4. C2PA verify and sign (bench/c2pa.sh) =="
	wait_idle
	PROV=$PROV BENCH_DIR=$BENCH_DIR/c2pa BENCH_OUT=$OUT/c2pa "$ROOT/bench/c2pa.sh"
fi

# ---- 5. royalties ------------------------------------------------------------------
if [ "${BENCH_SKIP_ROYALTIES:-0}" != 1 ]; then
	say ""
	say "== 5. royalties: a million accounts to a payout root (bench/royalties.sh) =="
	wait_idle
	B=$B BENCH_DIR=$BENCH_DIR/royalties BENCH_OUT=$OUT/royalties "$ROOT/bench/royalties.sh"
fi
