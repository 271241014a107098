#!/bin/sh
# A dataset curator's walkthrough of prov. Three creators register works under
# different licenses; one opts a work out of AI training; the curator builds a
# commercial training dataset from the folder and sees what was left out and
# why, proves an item is in it, and is told when a creator opts out after the
# build.
#
# `make demo` runs it after examples/creator.sh. To run it by hand:
#     make && PROV=$PWD/build/prov sh examples/curator.sh
# It works in a fresh temporary folder, removed at the end, with its own
# PROV_HOME. Each step prints a comment and the command it runs; a failing
# step stops the script with a non-zero exit.
#
# shellcheck disable=SC2016
NAME=curator.sh
. "$(dirname "$0")/lib.sh"

cd "$DEMO"
say "Three creators and a curator, each with an identity (no passphrase, for" \
    "the demo only), and one shared registry."
run 'prov init .'
for who in ana ben chloe curator; do
	run "prov id new $who --no-passphrase"
done

say "A folder of photos from several sources, under several licenses."
mkdir photos
for i in 1 2 3 4; do printf 'ana photo %s\n' "$i" >photos/ana-$i.jpg; done
for i in 1 2; do printf 'ben photo %s\n' "$i" >photos/ben-$i.jpg; done
printf 'chloe portrait\n' >photos/chloe-portrait.jpg
printf 'chloe landscape\n' >photos/chloe-landscape.jpg
printf 'found on the web\n' >photos/unknown.jpg
run 'prov register photos/ana-*.jpg --license CC-BY-4.0 --as ana'
run 'prov register photos/ben-1.jpg --license CC-BY-NC-4.0 --as ben'
run 'prov register photos/ben-2.jpg --license CC0-1.0 --as ben'
run 'prov register photos/chloe-*.jpg --license CC-BY-4.0 --deny ai_generative_training --as chloe'

say "Ana does not want one photo used for AI training: a signed opt-out."
run 'prov optout photos/ana-4.jpg --scope ai_training --reason "personal photo" --as ana'

say "What the license engine says about a commercial use of each license."
run 'prov license check CC-BY-NC-4.0 --purpose commercial --use ai_training || true'
run 'prov license check "CC-BY-4.0 AND CC0-1.0" --purpose commercial --use ai_training'

say "The curator builds a dataset for commercial generative training. Every" \
    "file is hashed and looked up; what may not be used is left out, with the" \
    "reason and the record behind it."
run 'prov manifest build photos --version 1 --from photos --purpose commercial --use ai_training --use ai_generative_training --as curator'
run 'prov manifest show photos@1 --excluded'

say "Anyone can prove a photo is in the dataset against its Merkle root" \
    "(the proof is what @openzeppelin/merkle-tree and MerkleProof.sol check)."
run 'prov manifest prove photos@1 photos/ana-1.jpg > proof.json'
run 'cat proof.json'
run 'prov manifest verify-proof proof.json'

say "A dataset for plain (non-generative) training keeps Chloe's photos."
run 'prov manifest build photos --version 2 --from photos --purpose commercial --use ai_training --as curator'
run 'prov manifest list'

say "The credits owed under the BY licenses, ready to ship with the dataset."
run 'prov manifest attribution photos@2'

say "The manifest as Croissant 1.1 metadata (also: --format spdx | cyclonedx)."
run 'prov manifest export photos@2 --format croissant -o photos-2.croissant.json'
run 'grep -c "\"sha256\"" photos-2.croissant.json'

say "Later, Ben opts his CC0 photo out. Manifests are never rewritten, but" \
    "'manifest check' re-evaluates one against today's registry and fails."
run 'prov optout photos/ben-2.jpg --as ben'
run 'prov manifest check photos@2 || echo "(check failed, as it should: exit $?)"'

say "Everything the registry holds checks out."
run 'prov verify'
