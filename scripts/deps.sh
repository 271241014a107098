#!/bin/sh
# Installs the Debian packages the build, the tests and the benchmarks need,
# when any is missing. Needs root (or sudo) only when something is missing.
set -eu
pkgs="build-essential pkg-config git openssh-client minisign clang
      libgit2-dev libsodium-dev libssl-dev libjansson-dev
      git-annex hyperfine"
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
