# prov model register and show: weight files named after the run that made
# them, lineages of parent models, and what is refused.
. "$(dirname "$0")/lib.sh"

count() { git -C .prov rev-list --count HEAD; }
json_id() { sed -n 's/^  "id": "\(sha256:[0-9a-f]*\)".*/\1/p' "$TMP/out"; }
# run_record CHECKPOINT...: a run by the lab on faces@1; prints its id.
run_record() {
	args=""
	for c in "$@"; do args="$args --checkpoint $c"; done
	# shellcheck disable=SC2086
	prov run record $args --dataset faces@1 --as lab --json >"$TMP/run.json" ||
		fail "prov run record $args"
	sed -n 's/^  "id": "\(sha256:[0-9a-f]*\)".*/\1/p' "$TMP/run.json"
}

prov init . >/dev/null
new_identity alice
new_identity lab
new_identity owner
mkdir data
echo "face 1" >data/f1.jpg
echo "face 2" >data/f2.jpg
prov register data/f1.jpg data/f2.jpg --license CC-BY-4.0 --as alice >/dev/null
prov manifest build faces --version 1 --from data --purpose research --as alice >/dev/null
work=$(prov show data/f1.jpg --json | sed -n 's/^    "id": "\(sha256:[0-9a-f]*\)".*/\1/p')
head -c 3000 /dev/urandom >base.bin
head -c 2000 /dev/urandom >tuned.bin
head -c 100 /dev/urandom >extra.bin
head -c 100 /dev/urandom >stray.bin
run1=$(run_record base.bin)
run2=$(run_record tuned.bin extra.bin)
[ -n "$run1" ] && [ -n "$run2" ] || fail "no run ids"
dataset=$(prov manifest list | sed -n 's/^faces@1  \(sha256:[0-9a-f]*\) .*/\1/p')

# A base model: one commit, the license normalised.
n=$(count)
expect_exit 0 prov model register faces-base --weights base.bin \
	--run "$run1" --license apache-2.0 --as owner --json
expect_eq "$(count)" $((n + 1)) "one commit"
base=$(json_id)
expect_grep '"name": "faces-base"' "$TMP/out"
expect_grep '"license": "Apache-2.0"' "$TMP/out"
expect_grep '"parent": null' "$TMP/out"
expect_grep "\"run\": \"$run1\"" "$TMP/out"
expect_grep "\"sha256\": \"$(sha256sum base.bin | cut -c1-64)\"" "$TMP/out"
expect_grep '"size": 3000' "$TMP/out"
expect_eq "$(git -C .prov ls-tree -r --name-only HEAD | grep -c '^records/model/')" 1

# A fine-tune of it, the parent named by name; weights sorted by name.
expect_exit 0 prov model register faces-ft --weights tuned.bin \
	--weights extra.bin --run "${run2#sha256:}" --parent faces-base --as owner
expect_grep '^sha256:[0-9a-f]{64}  model faces-ft  2 weight files$' "$TMP/out"
ft=$(cut -d' ' -f1 "$TMP/out")
expect_exit 0 prov show "$ft" --json
expect_grep "\"parent\": \"$base\"" "$TMP/out"
expect_grep '"owner": "did:key:' "$TMP/out"
expect_eq "$(grep -o '"name": "[^"]*"' "$TMP/out" | tr '\n' ' ')" \
	'"name": "faces-ft" "name": "extra.bin" "name": "tuned.bin" '

# show: by name, by a weight's sha256, by id prefix; the lineage named.
expect_exit 0 prov model show faces-ft
expect_grep "^model $ft$" "$TMP/out"
expect_grep "^  run +$run2 \(verified\)$" "$TMP/out"
expect_grep "^  lineage +1  $base  faces-base$" "$TMP/out"
expect_grep '^  license +\(not stated\)$' "$TMP/out"
expect_grep '^  signed by +did:key:[^ ]+ \(signature valid\)$' "$TMP/out"
expect_grep "^  weights +$(sha256sum extra.bin | cut -c1-64)  100 bytes  extra.bin$" "$TMP/out"
expect_exit 0 prov model show "$(sha256sum base.bin | cut -c1-64)"
expect_grep "^model $base$" "$TMP/out"
expect_grep '^  lineage +\(no parent\)$' "$TMP/out"
expect_exit 0 prov model show "$(echo "$ft" | cut -c8-20)" --json
expect_grep "\"id\": \"$ft\"" "$TMP/out"
expect_grep '"lineage_complete": true' "$TMP/out"
expect_grep '"run_status": "verified"' "$TMP/out"
expect_grep "\"id\": \"$base\"" "$TMP/out"

# A later record of the same name is what the name means; --parent by id.
sleep 1
expect_exit 0 prov model register faces-base --weights base.bin \
	--run "$run1" --license MIT --as owner
base2=$(cut -d' ' -f1 "$TMP/out")
expect_exit 0 prov model show faces-base
expect_grep "^model $base2$" "$TMP/out"
expect_exit 0 prov model register faces-ft2 --weights tuned.bin \
	--run "$run2" --parent "$(echo "$ft" | cut -c8-17)" --as owner --json
expect_grep "\"parent\": \"$ft\"" "$TMP/out"
expect_exit 0 prov model show faces-ft2
expect_grep "^  lineage +1  $ft  faces-ft$" "$TMP/out"
expect_grep "^ +2  $base  faces-base$" "$TMP/out"
expect_exit 0 prov verify

# Models can be challenged like any record; show lists it.
expect_exit 0 prov challenge "$ft" --reason "trained on opted-out faces" --as alice
expect_exit 0 prov model show faces-ft
expect_grep '^challenge sha256:' "$TMP/out"
expect_grep '^  reason +trained on opted-out faces$' "$TMP/out"

# Bad input: clear message, exit 2, nothing written.
n=$(count)
expect_exit 2 prov model register m --weights stray.bin --run "$run1" --as owner
expect_grep "^prov: 'stray.bin' is not a checkpoint of run $run1$" "$TMP/err"
expect_exit 2 prov model register m --weights base.bin --weights stray.bin --run "$run1" --as owner
expect_grep "'stray.bin' is not a checkpoint of run" "$TMP/err"
expect_exit 2 prov model register m --weights base.bin --run "$dataset" --as owner
expect_grep "is a dataset record, not a run" "$TMP/err"
expect_exit 2 prov model register m --weights base.bin --run sha256:0000000000000000000000000000000000000000000000000000000000000000 --as owner
expect_grep "no run record" "$TMP/err"
expect_exit 2 prov model register m --weights base.bin --run "$run1" --parent nope --as owner
expect_grep "^prov: --parent 'nope': no model 'nope'$" "$TMP/err"
expect_exit 2 prov model register m --weights base.bin --run "$run1" --parent "$work" --as owner
expect_grep "is a work record, not a model" "$TMP/err"
expect_exit 2 prov model register m --weights base.bin --run "$run1" --license "MIT AND" --as owner
expect_exit 2 prov model register m --weights base.bin --run "$run1" --license bogus-1.0 --as owner
expect_exit 2 prov model register "-m" --weights base.bin --run "$run1" --as owner
expect_exit 2 prov model register "bad name" --weights base.bin --run "$run1" --as owner
expect_grep "is not a model name" "$TMP/err"
expect_exit 2 prov model register m --run "$run1" --as owner
expect_grep "weights and --run are required" "$TMP/err"
expect_exit 2 prov model register m --weights base.bin --as owner
expect_exit 2 prov model register m --weights nothere.bin --run "$run1" --as owner
expect_grep "nothere.bin" "$TMP/err"
mkdir other
cp base.bin other/
expect_exit 2 prov model register m --weights base.bin --weights other/base.bin --run "$run1" --as owner
expect_grep "two weight files are named 'base.bin'" "$TMP/err"
expect_exit 2 prov model show nope
expect_exit 2 prov model show "$work"
expect_grep "is a work record, not a model" "$TMP/err"
expect_exit 2 prov model frobnicate
expect_eq "$(count)" "$n" "bad input wrote nothing"

# A lineage with a missing link: drop faces-ft's record from the tree (as
# a partial copy of a registry might) and neither show nor a new child
# accepts it.
ftpath=records/model/$(echo "$ft" | cut -c8-9)/$(echo "$ft" | cut -c8-).json
mkdir wt
export GIT_INDEX_FILE="$TMP/index"
g() { git --git-dir=.prov --work-tree=wt "$@"; }
g read-tree HEAD
g update-index --force-remove "$ftpath"
g update-ref HEAD "$(g commit-tree "$(g write-tree)" -p HEAD -m "drop a model")"
unset GIT_INDEX_FILE
expect_exit 1 prov model show faces-ft2
expect_grep "^  lineage +BROKEN: parent of model sha256:[0-9a-f]{64}: no model record $ft in the registry$" "$TMP/out"
expect_exit 1 prov model show faces-ft2 --json
expect_grep '"lineage_complete": false' "$TMP/out"
n=$(count)
expect_exit 2 prov model register m --weights tuned.bin --run "$run2" --parent faces-ft2 --as owner
expect_grep "^prov: --parent 'faces-ft2': parent of model .*: no model record $ft in the registry$" "$TMP/err"
expect_eq "$(count)" "$n" "a broken lineage wrote nothing"
