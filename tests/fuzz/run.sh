#!/bin/sh
# Fuzzes every target in tests/fuzz (or the NAMEs given, e.g. cose) for
# SECONDS each (default 60):  tests/fuzz/run.sh [SECONDS [NAME...]]. Starting
# from a copy of its corpus, then merges the inputs that reached new code
# back into tests/fuzz/corpus/<name>/. Exits non-zero if any target
# crashed; the crashing input is kept under build-fuzz/crashes/<name>/.
# The targets are built by `make fuzz` (libFuzzer, ASan and UBSan).
set -u
secs=${1:-60}
[ $# -gt 0 ] && shift
only=" $* "
cd "$(dirname "$0")/../.." || exit 2
work=$(mktemp -d /tmp/prov-fuzz.XXXXXX) || exit 2
trap 'rm -rf "$work"' EXIT
trap 'exit 130' INT TERM
status=0
for src in tests/fuzz/fuzz_*.c; do
	target=$(basename "$src" .c)
	name=${target#fuzz_}
	[ "$only" = "  " ] || case "$only" in *" $name "*) ;; *) continue ;; esac
	bin=build-fuzz/$target
	corpus=tests/fuzz/corpus/$name
	if [ ! -x "$bin" ]; then
		echo "not ok - fuzz $name (no $bin; run make fuzz)"
		status=1
		continue
	fi
	mkdir -p "$corpus" "$work/$name" "$work/$name.out"
	cp "$corpus"/. "$work/$name/" -R
	log=$work/$name.log
	# -timeout: one slow input is a bug too; -rss_limit_mb: so is a
	# parser that allocates without bound.
	if "$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 \
		-print_final_stats=1 -artifact_prefix="$work/$name.out/" \
		"$work/$name" >"$log" 2>&1; then
		before=$(ls "$corpus" | wc -l)
		"$bin" -merge=1 "$corpus" "$work/$name" >>"$log" 2>&1
		after=$(ls "$corpus" | wc -l)
		runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
		echo "ok - fuzz $name (${secs}s, ${runs:-?} runs, $((after - before)) new corpus inputs)"
	else
		mkdir -p "build-fuzz/crashes/$name"
		cp "$work/$name.out"/* "build-fuzz/crashes/$name/" 2>/dev/null
		cp "$log" "build-fuzz/crashes/$name/fuzz.log"
		echo "not ok - fuzz $name (crashed; input and log in build-fuzz/crashes/$name/)"
		grep -A 12 -m 1 -E '^==[0-9]+==ERROR|runtime error|deadly signal|timeout|out-of-memory' "$log" | sed 's/^/# /'
		status=1
	fi
done
exit $status
