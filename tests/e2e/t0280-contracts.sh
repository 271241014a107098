#!/bin/sh
# contracts/: the committed ABI and bytecode are what the sources compile
# to (solc-js, pinned), the distributor passes its forge tests
# (contracts/test), and the registry contract behaves on anvil as
# DESIGN.md and issue 6 say (tests/oracle/registry-check.mjs).
. "$(dirname "$0")/lib.sh"
ORACLE=$ROOT/tests/oracle
[ -d "$ORACLE/node_modules/solc" ] || fail "run scripts/npm-deps.sh"

expect_exit 0 node "$ROOT/contracts/build.mjs" --check

# A copy of what build.mjs reads and writes, to edit.
copy_tree() {
	rm -rf copy
	mkdir -p copy/tests/oracle copy/chain
	cp -R "$ROOT/contracts" copy/contracts
	cp "$ROOT/chain/registry_code.c" "$ROOT/chain/distributor_code.c" copy/chain/
	cp "$ORACLE/package.json" copy/tests/oracle/
	ln -s "$ORACLE/node_modules" copy/tests/oracle/node_modules
}

# A source changed without rebuilding is caught: a copy of the tree with
# one comment edited (solc's metadata hash covers the source), so both
# the JSON and the C bytecode are stale.
copy_tree
sed 's/first anchor of a root/first anchoring of a root/' "$ROOT/contracts/ProvenanceRegistry.sol" >copy/contracts/ProvenanceRegistry.sol
expect_exit 1 node copy/contracts/build.mjs --check
expect_grep "^contracts/ProvenanceRegistry.json differs from what contracts/ProvenanceRegistry.sol compiles to: run node contracts/build.mjs$" "$TMP/err"
expect_grep "^chain/registry_code.c differs from what contracts/ProvenanceRegistry.sol compiles to: run node contracts/build.mjs$" "$TMP/err"

# So is an edited chain/registry_code.c (one byte of the runtime code),
# with the sources and the JSON as they are.
copy_tree
sed '/^const uint8_t registry_runtime_code/{n;s/^\t0x60,/\t0x61,/;}' "$ROOT/chain/registry_code.c" >copy/chain/registry_code.c
cmp -s "$ROOT/chain/registry_code.c" copy/chain/registry_code.c && fail "registry_code.c not edited"
expect_exit 1 node copy/contracts/build.mjs --check
expect_grep "^chain/registry_code.c differs from what contracts/ProvenanceRegistry.sol compiles to: run node contracts/build.mjs$" "$TMP/err"
expect_no_grep "ProvenanceRegistry.json" "$TMP/err"
# and rebuilding puts it back
expect_exit 0 node copy/contracts/build.mjs
cmp "$ROOT/chain/registry_code.c" copy/chain/registry_code.c || fail "rebuilt registry_code.c differs"
expect_exit 0 node copy/contracts/build.mjs --check

# The distributor's C bytecode is checked the same way, and an edited
# distributor source names only its own outputs.
copy_tree
sed '/^const uint8_t distributor_init_code/{n;s/^\t0x60,/\t0x61,/;}' "$ROOT/chain/distributor_code.c" >copy/chain/distributor_code.c
cmp -s "$ROOT/chain/distributor_code.c" copy/chain/distributor_code.c && fail "distributor_code.c not edited"
expect_exit 1 node copy/contracts/build.mjs --check
expect_grep "^chain/distributor_code.c differs from what contracts/PayoutDistributor.sol compiles to: run node contracts/build.mjs$" "$TMP/err"
expect_eq "$(wc -l <"$TMP/err")" 1 "only distributor_code.c is stale"
copy_tree
sed 's/in batches: a funder/in batches; a funder/' "$ROOT/contracts/PayoutDistributor.sol" >copy/contracts/PayoutDistributor.sol
expect_exit 1 node copy/contracts/build.mjs --check
expect_grep "^contracts/PayoutDistributor.json differs from what contracts/PayoutDistributor.sol compiles to: run node contracts/build.mjs$" "$TMP/err"
expect_grep "^chain/distributor_code.c differs from what contracts/PayoutDistributor.sol compiles to: run node contracts/build.mjs$" "$TMP/err"
expect_eq "$(wc -l <"$TMP/err")" 2 "only the distributor's outputs are stale"

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
expect_grep "14 tests passed, 0 failed, 0 skipped \(14 total tests\)" forge.out
