#!/bin/sh
# A compute provider's walkthrough of prov. A lab trains a model on a
# curated dataset and signs the run as an in-toto statement: the dataset
# manifests it read (with their Merkle roots), the checkpoints it wrote,
# its config, code and logs. The model's owner registers the weights as a
# model, and later a fine-tune of it.
#
# `make demo` runs it after examples/curator.sh. To run it by hand:
#     make && PROV=$PWD/build/prov sh examples/provider.sh
# It works in a fresh temporary folder, removed at the end, with its own
# PROV_HOME. Each step prints a comment and the command it runs; a failing
# step stops the script with a non-zero exit.
#
# shellcheck disable=SC2016
NAME=provider.sh
. "$(dirname "$0")/lib.sh"

cd "$DEMO"
dataset_setup

say "The lab trains on photos@1. What it produced: a checkpoint (safetensors:"\
    "its header, the tensors' names and shapes, is hashed too), its config"\
    "and its log."
safetensors model.safetensors
printf 'epochs: 3\nlearning_rate: 0.0003\n' >train.yaml
printf 'epoch 1 loss 0.91\nepoch 2 loss 0.52\nepoch 3 loss 0.40\n' >train.log
run 'prov run record --dataset photos@1 --checkpoint model.safetensors --config train.yaml --log train.log --code https://git.example/lab/train@3f2c1a9 --started 2026-11-20T08:00:00Z --finished 2026-11-21T17:30:00Z --as lab --json > run.json'
run 'RUN=$(sed -n "s/^  \"id\": \"\(.*\)\",/\1/p" run.json); echo "$RUN"'

say "The run is an in-toto Statement in a DSSE envelope, signed by the lab:"\
    "any in-toto tool can read it. prov shows it, and checks the signature."
run 'prov run show "$RUN"'

say "A run can only name datasets that verify, with their item lists intact."
run_fails 'prov run record --dataset photos@9 --checkpoint model.safetensors --as lab'

say "The owner registers the weights as a model. Each weight file must be a"\
    "checkpoint the run signed for."
run 'prov model register photo-model --weights model.safetensors --run "$RUN" --license Apache-2.0 --as owner'
printf 'not from this run\n' >other.bin
run_fails 'prov model register other --weights other.bin --run "$RUN" --as owner'

say "A fine-tune: a second run, a model whose parent is the first."
safetensors tuned.safetensors
printf 'tuned\n' >>tuned.safetensors
run 'prov run record --dataset photos@1 --checkpoint tuned.safetensors --as lab --json > run2.json'
run 'prov model register photo-model-ft --weights tuned.safetensors --run "$(sed -n "s/^  \"id\": \"\(.*\)\",/\1/p" run2.json)" --parent photo-model --license Apache-2.0 --as owner'
run 'prov model show photo-model-ft'

say "Everything the registry holds checks out."
run 'prov verify'
