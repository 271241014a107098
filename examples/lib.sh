# Sourced by the walkthroughs: finds prov, makes a temporary folder (removed
# at exit) with its own PROV_HOME, and the helpers that print each step.
# The sourcing script sets NAME first (for messages).
# shellcheck shell=sh disable=SC2034
set -eu

PROV=${PROV:-$(cd "$(dirname "$0")/.." && pwd)/build/prov}
if [ ! -x "$PROV" ]; then
	echo "$NAME: no prov binary at '$PROV' (run make, or set PROV)" >&2
	exit 2
fi

DEMO=$(mktemp -d "${TMPDIR:-/tmp}/prov-demo.XXXXXX")
trap 'st=$?; rm -rf "$DEMO"; [ $st -eq 0 ] || echo "$NAME: a step failed (exit $st)" >&2; exit $st' EXIT
trap 'exit 130' INT TERM
# The walkthrough's keys live in the temporary folder, not in ~/.config/prov.
export PROV_HOME="$DEMO/home"
export PROV_NO_PROGRESS=1
unset PROV_REGISTRY PROV_IDENTITY PROV_PASSPHRASE PROV_LOCK_WAIT_MS

prov() { "$PROV" "$@"; }

# say LINE...: explains the next step, one comment line per argument.
say() {
	echo
	for line in "$@"; do
		printf '# %s\n' "$line"
	done
}

# run 'COMMAND': prints the command, then runs it in this shell, so a cd or
# an export lasts. A failure ends the walkthrough (set -e).
run() {
	printf '$ %s\n' "$1"
	eval "$1"
}

# run_fails 'COMMAND': a command that must fail; it ends the walkthrough if
# it succeeds.
run_fails() {
	printf '$ %s\n' "$1"
	if eval "$1"; then
		echo "$NAME: expected '$1' to fail" >&2
		exit 1
	fi
	echo "(failed, as expected)"
}
