#!/bin/sh
# Installs tests/oracle's node_modules (@openzeppelin/merkle-tree, the
# reference Merkle tree the unit tests check core/merkle.c against) from its
# package-lock.json, when it is missing or older than the lock file:
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
