# Sourced by every end-to-end test. Gives each test a fresh home for keys
# and a fresh registry, and helpers that stop the test at the first failure.
set -eu
: "${PROV:?PROV must name the prov binary}"
TEST_NAME=$(basename "$0" .sh)
TMP=$(mktemp -d "/tmp/prov-$TEST_NAME.XXXXXX")
trap 'rm -rf "$TMP"' EXIT
export PROV_HOME="$TMP/home"
export PROV_NO_PROGRESS=1
unset PROV_REGISTRY PROV_IDENTITY PROV_PASSPHRASE
GOLDEN="$(cd "$(dirname "$0")" && pwd)/golden"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
cd "$TMP"

prov() { "$PROV" "$@"; }

fail() {
	echo "FAIL: $*" >&2
	exit 1
}

# expect_exit CODE CMD...: runs CMD, saving stdout to $TMP/out and stderr to
# $TMP/err, and fails unless it exits with CODE.
expect_exit() {
	want=$1
	shift
	set +e
	"$@" >"$TMP/out" 2>"$TMP/err"
	got=$?
	set -e
	if [ "$got" -ne "$want" ]; then
		echo "--- stdout:" >&2
		cat "$TMP/out" >&2
		echo "--- stderr:" >&2
		cat "$TMP/err" >&2
		fail "'$*' exited $got, expected $want"
	fi
}

# expect_grep PATTERN FILE: FILE must match the extended regex PATTERN.
expect_grep() {
	grep -Eq -- "$1" "$2" || {
		cat "$2" >&2
		fail "'$2' does not match /$1/"
	}
}

expect_no_grep() {
	if grep -Eq -- "$1" "$2"; then
		cat "$2" >&2
		fail "'$2' matches /$1/"
	fi
}

expect_eq() {
	[ "$1" = "$2" ] || fail "expected '$2', got '$1'${3:+ ($3)}"
}

# normalise FILE: replaces what differs run to run (keys, ids, times,
# commits, temp paths) with placeholders, for golden comparisons.
normalise() {
	sed -E -e "s#$TMP#<TMP>#g" \
		-e 's/did:key:z[1-9A-HJ-NP-Za-km-z]+/<DID>/g' \
		-e 's/[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}Z/<TIME>/g' \
		-e 's/sha256:[0-9a-f]{64}/<ID>/g' -e 's#/[0-9a-f]{64}\.json#/<ID>.json#g' -e 's/^[0-9a-f]{12} /<COMMIT> /' "$1"
}

# expect_golden NAME FILE: FILE, normalised, must equal golden/NAME.
# With UPDATE_GOLDEN=1 the golden file is written instead.
expect_golden() {
	normalise "$2" >"$TMP/normalised"
	if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
		cp "$TMP/normalised" "$GOLDEN/$1"
		return
	fi
	diff -u "$GOLDEN/$1" "$TMP/normalised" >&2 || fail "output differs from golden/$1"
}

# new_identity NAME: an unencrypted identity, for tests that are not about
# passphrases.
new_identity() {
	prov id new "$1" --no-passphrase >/dev/null
}

# anvil_start [ARGS...]: a local chain (anvil from tests/oracle, pinned) on
# a port the kernel picks, killed when the test ends; sets ANVIL_URL.
anvil_start() {
	anvil_bin=$ROOT/tests/oracle/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil
	[ -x "$anvil_bin" ] || fail "no anvil (run scripts/npm-deps.sh)"
	"$anvil_bin" --host 127.0.0.1 --port 0 --accounts 1 "$@" >"$TMP/anvil.log" 2>&1 &
	ANVIL_PID=$!
	trap 'kill -9 $ANVIL_PID 2>/dev/null; rm -rf "$TMP"' EXIT
	i=0
	until ANVIL_URL=$(sed -nE 's#^Listening on (127\.0\.0\.1:[0-9]+)$#http://\1#p' "$TMP/anvil.log") &&
		[ -n "$ANVIL_URL" ]; do
		i=$((i + 1))
		[ $i -lt 300 ] || { cat "$TMP/anvil.log" >&2; fail "anvil did not start"; }
		sleep 0.1
	done
}

# rpc METHOD PARAMS: one JSON-RPC call to anvil; prints the reply.
rpc() {
	curl -sS -X POST -H 'content-type: application/json' \
		-d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$1\",\"params\":$2}" "$ANVIL_URL"
}

# rpc_result METHOD PARAMS: the reply's result, a string's quotes removed.
rpc_result() {
	rpc "$@" | sed -E 's/.*"result":"?([^"]*)"?}$/\1/'
}

# wait_for CMD...: until CMD succeeds, at most 60 s.
wait_for() {
	n=0
	until "$@" >/dev/null 2>&1; do
		n=$((n + 1))
		[ $n -lt 600 ] || fail "gave up waiting for: $*"
		sleep 0.1
	done
}
