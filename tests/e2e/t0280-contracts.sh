#!/bin/sh
# contracts/: the committed ABI and bytecode are what the sources compile
# to (solc-js, pinned), and the registry contract behaves on anvil as
# DESIGN.md and issue 6 say (tests/oracle/registry-check.mjs).
. "$(dirname "$0")/lib.sh"
ORACLE=$ROOT/tests/oracle
[ -d "$ORACLE/node_modules/solc" ] || fail "run scripts/npm-deps.sh"

expect_exit 0 node "$ROOT/contracts/build.mjs" --check

# A source changed without rebuilding is caught: a copy of the tree with
# one comment edited (solc's metadata hash covers the source).
mkdir -p copy/tests/oracle
cp -R "$ROOT/contracts" copy/contracts
cp "$ORACLE/package.json" copy/tests/oracle/
ln -s "$ORACLE/node_modules" copy/tests/oracle/node_modules
sed 's/first anchor of a root/first anchoring of a root/' "$ROOT/contracts/ProvenanceRegistry.sol" >copy/contracts/ProvenanceRegistry.sol
expect_exit 1 node copy/contracts/build.mjs --check
expect_grep "ProvenanceRegistry.json differs from what contracts/ProvenanceRegistry.sol compiles to" "$TMP/err"

expect_exit 0 node "$ORACLE/registry-check.mjs"
expect_eq "$(grep -c ': holds$' "$TMP/out")" 17 "registry checks that hold"
expect_no_grep "FAILS" "$TMP/out"

# forge's own tests of the contract (contracts/test), offline: solc-js
# through contracts/solc-js.
FORGE=$ORACLE/node_modules/@foundry-rs/forge-linux-amd64/bin/forge
[ -x "$FORGE" ] || fail "no forge (run scripts/npm-deps.sh)"
(cd "$ROOT/contracts" && "$FORGE" test --color never) >forge.out 2>&1 || {
	cat forge.out >&2
	fail "forge test failed"
}
expect_grep "6 tests passed, 0 failed, 0 skipped \(6 total tests\)" forge.out
