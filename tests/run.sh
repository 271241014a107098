#!/bin/sh
# Runs every test: unit tests (one "ok"/"not ok" line per test), fuzz corpus
# replays, and end-to-end scripts (one test each). Prints "N passed, N failed"
# and exits 1 if anything failed. B names the build folder (build or
# build-asan); T limits the e2e scripts to a glob (e.g. T='t0010*').
set -u
cd "$(dirname "$0")/.."
B=${B:-build}
T=${T:-t*}
passed=0
failed=0
failures=""
log=$(mktemp -d /tmp/prov-tests.XXXXXX)
trap 'rm -rf "$log"' EXIT
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export LSAN_OPTIONS=${LSAN_OPTIONS:-suppressions=$PWD/tests/lsan.supp}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}

count() { # count OUTPUT-FILE STATUS NAME
	ok=$(grep -c '^ok ' "$1")
	bad=$(grep -c '^not ok ' "$1")
	if [ "$2" -ne 0 ] && [ "$bad" -eq 0 ]; then
		bad=1 # crashed before reporting
		echo "not ok - $3 exited with status $2" >>"$1"
	fi
	passed=$((passed + ok))
	failed=$((failed + bad))
	if [ "$bad" -ne 0 ]; then
		failures="$failures $3"
		grep '^not ok' "$1"
		echo "--- output of $3:"
		tail -n 40 "$1"
	fi
}

for t in "$B"/tests/unit/* "$B"/tests/replay/*; do
	[ -x "$t" ] || continue
	name=$(basename "$t")
	"$t" >"$log/$name" 2>&1
	count "$log/$name" $? "$name"
done

for t in tests/e2e/$T.sh; do
	[ -f "$t" ] || continue
	name=$(basename "$t" .sh)
	PROV="$PWD/$B/prov" sh "$t" >"$log/$name" 2>&1
	st=$?
	if [ $st -eq 0 ]; then
		echo "ok - e2e $name" >>"$log/$name"
	else
		echo "not ok - e2e $name" >>"$log/$name"
	fi
	count "$log/$name" $st "$name"
done

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
