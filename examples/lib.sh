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

# Pictures for the C2PA steps: the test fixtures (from c2pa-rs, MIT).
FIXTURES=$(cd "$(dirname "$0")/.." && pwd)/tests/fixtures

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

# safetensors FILE: a tiny but valid .safetensors checkpoint (one F32 tensor
# of two values): the 8-byte little-endian header length, the JSON header,
# then the tensor's bytes. Octal escapes, as POSIX printf has no \x.
safetensors() {
	h='{"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}'
	n=${#h}
	printf "$(printf '\\%03o\\%03o\\000\\000\\000\\000\\000\\000' \
		$((n % 256)) $((n / 256)))" >"$1"
	printf '%s' "$h" >>"$1"
	printf '\000\000\200\077\000\000\000\100' >>"$1" # 1.0, 2.0
}

# dataset_setup: the registry a compute provider trains from, as
# examples/curator.sh builds it: creators' works under several licenses,
# one opt-out, and the curator's dataset photos@1.
dataset_setup() {
	say "The registry so far (see examples/curator.sh): creators registered" \
	    "works, one opted out, and a curator built a commercial dataset."
	run 'prov init .'
	for who in ana ben curator lab owner auditor; do
		run "prov id new $who --no-passphrase"
	done
	mkdir photos
	for i in 1 2 3; do printf 'ana photo %s\n' "$i" >photos/ana-$i.jpg; done
	printf 'ben photo\n' >photos/ben-1.jpg
	printf 'ben sketch\n' >photos/ben-2.jpg
	run 'prov register photos/ana-*.jpg --license CC-BY-4.0 --as ana'
	run 'prov register photos/ben-1.jpg --license CC0-1.0 --as ben'
	run 'prov register photos/ben-2.jpg --license CC-BY-NC-4.0 --as ben'
	run 'prov optout photos/ana-3.jpg --scope ai_training --as ana'
	run 'prov manifest build photos --version 1 --from photos --purpose commercial --as curator'
}

# training_setup: dataset_setup, then a lab's training run and the owner's
# model, as examples/provider.sh records them.
training_setup() {
	dataset_setup
	say "A lab trained a model on photos@1 and signed the run; its owner" \
	    "registered the model (see examples/provider.sh)."
	safetensors model.safetensors
	run 'prov run record --dataset photos@1 --checkpoint model.safetensors --as lab --json > run.json'
	run 'prov model register photo-model --weights model.safetensors --run "$(sed -n "s/^  \"id\": \"\(.*\)\",/\1/p" run.json)" --license Apache-2.0 --as owner'
}
