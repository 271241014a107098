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
sed 's/in batches: the owner/in batches; the owner/' "$ROOT/contracts/PayoutDistributor.sol" >copy/contracts/PayoutDistributor.sol
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
expect_grep "17 tests passed, 0 failed, 0 skipped \(17 total tests\)" forge.out

# tests/oracle/distributor.mjs, the other e2e tests' way to the
# distributor, against anvil and a tree from @openzeppelin/merkle-tree:
# OpenZeppelin's proofs are the ones the contract takes.
anvil_start
DIST=$ORACLE/distributor.mjs
expect_exit 0 node "$DIST" "$ANVIL_URL" deploy
expect_grep "^token=0x[0-9a-f]{40} distributor=0x[0-9a-f]{40}$" "$TMP/out"
eval "$(cat "$TMP/out")"
A1=0x1111111111111111111111111111111111111111
A2=0x2222222222222222222222222222222222222222
MAX=115792089237316195423570985008687907853269984665640564039457584007913129639935
echo "{\"types\":[\"address\",\"uint256\"],\"values\":[[\"$A1\",\"100\"],[\"$A2\",\"250\"]]}" |
	node "$ORACLE/oz-merkle.mjs" >tree.json || fail "oz-merkle.mjs"
field() { node -e "const t = JSON.parse(require('fs').readFileSync('tree.json')); console.log($1)"; }
ROOT=$(field t.root)
ID=0x$(printf 'a5%.0s' $(seq 32))
expect_exit 0 node "$DIST" "$ANVIL_URL" fund "$distributor" "$token" "$ROOT" 350 "ipfs://batch" "$ID"
expect_grep "^0x[0-9a-f]{64}$" "$TMP/out"
# BatchFunded(id, root, token) and (funder, 350, "ipfs://batch") in the
# receipt; the funder is account 0, who deployed the distributor
rpc eth_getTransactionReceipt "[\"$(cat "$TMP/out")\"]" >receipt.json
expect_grep '"topics":\["0x9609448bcaf4f9a430f4bfb661530d7c331b7fcc42a9132c6132a0461e932690","'"$ID"'","'"$ROOT"'","0x000000000000000000000000'"${token#0x}"'"\],"data":"0x000000000000000000000000f39fd6e51aad88f6f4ce6ab8827279cfffb92266000000000000000000000000000000000000000000000000000000000000015e0000000000000000000000000000000000000000000000000000000000000060000000000000000000000000000000000000000000000000000000000000000c697066733a2f2f62617463680000000000000000000000000000000000000000"' receipt.json
# the batch is keyed by its id: the root is no batch
expect_exit 1 node "$DIST" "$ANVIL_URL" claim "$distributor" "$ROOT" $A1 100 $(field "t.proofs[0].join(' ')")
expect_grep "revert data 0x877402b0${ROOT#0x}\)" "$TMP/err" # UnknownBatch(root)
expect_exit 0 node "$DIST" "$ANVIL_URL" claim "$distributor" "$ID" $A1 100 $(field "t.proofs[0].join(' ')")
expect_exit 0 node "$DIST" "$ANVIL_URL" claim "$distributor" "$ID" $A2 250 $(field "t.proofs[1].join(' ')")
balance() { rpc_result eth_call "[{\"to\":\"$token\",\"data\":\"0x70a08231000000000000000000000000${1#0x}\"},\"latest\"]"; }
expect_eq "$(balance $A1)" 0x0000000000000000000000000000000000000000000000000000000000000064 "A1 paid 100"
expect_eq "$(balance $A2)" 0x00000000000000000000000000000000000000000000000000000000000000fa "A2 paid 250"
expect_eq "$(balance "$distributor")" 0x0000000000000000000000000000000000000000000000000000000000000000 "all paid out"
# a second claim and a wrong proof revert, with the contract's errors
expect_exit 1 node "$DIST" "$ANVIL_URL" claim "$distributor" "$ID" $A1 100 $(field "t.proofs[0].join(' ')")
expect_grep "revert data 0xa8ca238e${ID#0x}0{24}${A1#0x}\)" "$TMP/err"
expect_exit 1 node "$DIST" "$ANVIL_URL" claim "$distributor" "$ID" 0x4444444444444444444444444444444444444444 100 $(field "t.proofs[0].join(' ')")
expect_grep "revert data 0x09bde339\)" "$TMP/err"
# 2^256-1 through a one-leaf tree (an empty proof), with a new token
expect_exit 0 node "$DIST" "$ANVIL_URL" deploy
eval "$(cat "$TMP/out")"
A3=0x3333333333333333333333333333333333333333
ROOT1=$(echo "{\"types\":[\"address\",\"uint256\"],\"values\":[[\"$A3\",\"$MAX\"]]}" | node "$ORACLE/oz-merkle.mjs" |
	node -e "console.log(JSON.parse(require('fs').readFileSync(0)).root)")
expect_exit 0 node "$DIST" "$ANVIL_URL" fund "$distributor" "$token" "$ROOT1" $MAX ""
expect_exit 0 node "$DIST" "$ANVIL_URL" claim "$distributor" "$ROOT1" $A3 $MAX
expect_eq "$(balance $A3)" 0xffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff "A3 paid 2^256-1"
# usage errors
expect_exit 2 node "$DIST" "$ANVIL_URL" claim "$distributor" "$ROOT1" 0x33 1
expect_exit 2 node "$DIST" "$ANVIL_URL" fund "$distributor" "$token" "$ROOT1" 115792089237316195423570985008687907853269984665640564039457584007913129639936 ""
