#!/bin/sh
# An auditor's walkthrough of prov. Given a model's weights, the auditor
# traces them back through the training run to the dataset, every item,
# work, creator, license and opt-out, with every signature and Merkle root
# checked, and ends with a self-contained HTML report. Then a creator
# disputes the dataset and opts a photo out after the fact, and the trace
# names both.
#
# `make demo` runs it last. To run it by hand:
#     make && PROV=$PWD/build/prov sh examples/auditor.sh
# It works in a fresh temporary folder, removed at the end, with its own
# PROV_HOME. Each step prints a comment and the command it runs; a failing
# step stops the script with a non-zero exit.
#
# shellcheck disable=SC2016
NAME=auditor.sh
. "$(dirname "$0")/lib.sh"

cd "$DEMO"
training_setup

say "The auditor has the weights file. The trace finds the model that names"\
    "it and checks every link (exit 0: every check passed)."
run 'prov trace model.safetensors'

say "Which keys the auditor trusts is the auditor's call: a file of did:keys."\
    "With it, the model's owner, the lab and the curator are checked too."
for who in owner lab curator; do
	run "prov id show $who --json | sed -n 's/.*\"did\": \"\\(.*\\)\".*/\\1/p' >> trust.txt"
done
run 'prov trace photo-model --trust trust.txt --html report.html > /dev/null'
run 'grep -o "<title>[^<]*</title>" report.html'

say "The same lineage for other tools: OpenLineage, SPDX 3.0.1, PROV-O."
run 'prov export lineage photo-model --format openlineage -o lineage.json'
run 'prov export lineage photo-model --format spdx -o lineage.spdx.json'

say "Ben disputes the dataset, and Ana opts her photo ana-1 out after the"\
    "build. The manifest is never rewritten; the trace now fails, naming both."
run 'prov challenge "$(prov manifest show photos@1 --json | sed -n "s/^  \"id\": \"\(.*\)\",/\1/p")" --reason "ben-1 is not mine to license" --as ben'
run 'prov optout photos/ana-1.jpg --scope ai_training --as ana'
run_fails 'prov trace photo-model --html report.html'

say "The report, one self-contained page (inline SVG and CSS, no script):"\
    "the lineage, the checks with the failed ones first, the people to credit."
run 'grep -o "<p id=\"verdict\"[^<]*" report.html'
run 'grep -c "<tr class=\"fail\">" report.html'
