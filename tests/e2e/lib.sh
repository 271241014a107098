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
