#!/bin/sh
# Rewrites, or with --check compares, the `prov ... --help` blocks in
# docs/cli.md against the built binary, so the reference cannot drift from
# the code. Usage: scripts/cli-doc.sh [--check] [PROV]
set -eu
cd "$(dirname "$0")/.."
check=0
[ "${1:-}" = --check ] && { check=1; shift; }
PROV=${1:-build/prov}
doc=docs/cli.md
out=$(mktemp)
trap 'rm -f "$out" "$out.help"' EXIT

# A block is the line "`prov ARGS --help`:", a blank line, then a fenced block.
awk -v prov="$PROV" -v helpfile="$out.help" '
	function emit(cmd,   line) {
		system(prov " " cmd " --help >" helpfile " 2>&1")
		while ((getline line < helpfile) > 0)
			print line
		close(helpfile)
	}
	/^`prov .*--help`:$/ {
		cmd = $0
		sub(/^`prov /, "", cmd)
		sub(/ ?--help`:$/, "", cmd)
		pending = 1
		print
		next
	}
	pending && /^```$/ {
		print
		emit(cmd)
		skipping = 1
		pending = 0
		next
	}
	skipping && /^```$/ { skipping = 0; print; next }
	skipping { next }
	{ print }
' "$doc" >"$out"

if [ $check = 1 ]; then
	diff -u "$doc" "$out" || {
		echo "docs/cli.md differs from --help; run scripts/cli-doc.sh" >&2
		exit 1
	}
else
	cp "$out" "$doc"
fi
