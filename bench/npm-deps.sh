#!/bin/sh
# Installs what bench/indexer.sh needs beyond tests/oracle's packages
# (which scripts/npm-deps.sh installs first: anvil and solc): bench/ponder's
# node_modules from its package-lock.json, the Ponder app that
# prov-indexer is measured against (ponder, viem, hono, typescript; about
# 225 MB). Only the bench needs it; make test does not. Runs `npm ci` when
# node_modules is missing or older than the lock file:
#   bench/npm-deps.sh
# package.json overrides rollup (vite's bundler, under ponder) to 4.60.4:
# the lock file must list rollup's optional package for every platform for
# `npm ci` to accept it, and the registry reachable here lacks some
# platforms' packages of the newest rollup, so a lock resolved here with it
# fails `npm ci` ("Missing: @rollup/rollup-darwin-arm64@ from lock file").
set -eu
cd "$(dirname "$0")/.."
scripts/npm-deps.sh
dir=bench/ponder
stamp=$dir/node_modules/.package-lock.json # npm writes it on every install
if [ -f "$stamp" ] && [ ! "$dir/package-lock.json" -nt "$stamp" ]; then
	exit 0
fi
echo "npm-deps: npm ci --prefix $dir" >&2
npm ci --prefix "$dir" --no-audit --no-fund --loglevel=error
