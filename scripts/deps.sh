#!/bin/sh
# Installs the Debian packages a make target needs, when any is missing:
#   scripts/deps.sh [build|test|bench|fuzz]   (default: test)
# Needs root (or sudo) only when something is missing.
set -eu
# libpq-dev and libgmp-dev are for prov-indexer (PostgreSQL's client, and
# uint256 arithmetic)
build="build-essential pkg-config libgit2-dev libsodium-dev libssl-dev
       libjansson-dev zlib1g-dev libcbor-dev libjpeg62-turbo-dev
       libsecp256k1-dev libcurl4-openssl-dev libpq-dev libgmp-dev"
# the reference tools the tests check our formats with; chromium renders
# prov trace --html headless (tests/oracle/html-check.mjs), with the
# fonts its pages name; libjpeg-turbo-progs (cjpeg, djpeg, jpegtran) makes
# the C2PA and fingerprint tests' images: progressive, re-encoded, resized
# and cropped JPEGs; curl speaks JSON-RPC to anvil in the chain tests;
# postgresql-15 (initdb, pg_ctl, postgres) and postgresql-client-15 (psql)
# give each indexer test a throwaway cluster (tests/e2e/lib.sh pg_start),
# started as the postgres user with runuser from util-linux
test="$build git openssh-client openssl minisign util-linux chromium fonts-dejavu-core
      libjpeg-turbo-progs curl postgresql-15 postgresql-client-15"
case "${1:-test}" in
build) pkgs=$build ;;
test) pkgs=$test ;;
bench) pkgs="$test git-annex hyperfine python3" ;;
fuzz) pkgs="$test clang libclang-rt-14-dev" ;;
*) echo "usage: $0 [build|test|bench|fuzz]" >&2; exit 2 ;;
esac
missing=""
for p in $pkgs; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
echo "deps: installing$missing" >&2
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
# shellcheck disable=SC2086
$sudo apt-get install -y -qq --no-install-recommends $missing >/dev/null
