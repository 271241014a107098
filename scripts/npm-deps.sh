#!/bin/sh
# Installs tests/oracle's node_modules from its package-lock.json:
# @openzeppelin/merkle-tree, the reference Merkle tree the unit tests check
# core/merkle.c against; ajv, ajv-formats, ajv-formats-draft2019 and
# @cyclonedx/cyclonedx-library (for its CycloneDX 1.6 JSON schema), with
# which tests/oracle/validate.mjs checks prov's manifest exports; solc
# (the compiler as JavaScript/wasm), @openzeppelin/contracts (MerkleProof.sol)
# and @foundry-rs/anvil-linux-amd64 (anvil's binary, a local chain), with
# which tests/oracle/sol-verify.mjs checks proofs in Solidity;
# @foundry-rs/forge-linux-amd64 (forge's binary; contracts/solc-js lets it
# compile with solc-js offline), which runs contracts/test;
# @contentauth/c2pa-wasm, the reference C2PA reader (c2pa-rs as wasm, run
# by tests/oracle/c2pa-read.mjs), the oracle for prov c2pa. anvil's
# platform package is named directly, as an optional dependency (skipped
# on other platforms): the @foundry-rs/anvil wrapper lists every
# platform's package, and the registry reachable here serves only this
# one, so no lock file with the wrapper passes `npm ci`. Runs
# `npm ci` when node_modules is missing or older than the lock file (so a
# checkout whose lock file gained dependencies reinstalls):
#   scripts/npm-deps.sh
# Installs Debian's nodejs and npm first if node is missing (needs root or
# sudo then, as scripts/deps.sh does).
set -eu
cd "$(dirname "$0")/.."
dir=tests/oracle
stamp=$dir/node_modules/.package-lock.json # npm writes it on every install
if [ -f "$stamp" ] && [ ! "$dir/package-lock.json" -nt "$stamp" ] &&
	command -v node >/dev/null; then
	exit 0
fi
if ! command -v node >/dev/null || ! command -v npm >/dev/null; then
	echo "npm-deps: installing nodejs npm" >&2
	sudo=""
	[ "$(id -u)" -eq 0 ] || sudo="sudo"
	export DEBIAN_FRONTEND=noninteractive
	$sudo apt-get update -qq
	$sudo apt-get install -y -qq --no-install-recommends nodejs npm >/dev/null
fi
echo "npm-deps: npm ci --prefix $dir" >&2
npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error
