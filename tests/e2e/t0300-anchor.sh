#!/bin/sh
# On-chain anchors against anvil: prov contracts deploy; prov anchor of
# 10,000 records in one transaction, whose block is reorged away while it
# waits for confirmations (the transaction is sent again and confirmed in
# a new block); prov verify --chain of every record; the proofs checked by
# OpenZeppelin's StandardMerkleTree and by the contract's own verify.
. "$(dirname "$0")/lib.sh"
[ -d "$ROOT/tests/oracle/node_modules/@openzeppelin/merkle-tree" ] || fail "run scripts/npm-deps.sh"

anvil_start
new_identity alice
prov init . >/dev/null
expect_exit 0 prov chain key new ops --no-passphrase
ops=$(cat "$TMP/out")

pending=$TMP/.prov/anchor-pending.json
pending_hash() { sed -E 's/.*"hash":"(0x[0-9a-f]{64})".*/\1/' "$pending"; }
has_receipt() { rpc eth_getTransactionReceipt "[\"$1\"]" | grep -q '"blockHash"'; }
nonce() { rpc_result eth_getTransactionCount "[\"$ops\",\"latest\"]"; }

# An account without ether: refused before anything is signed or sent.
expect_exit 2 prov contracts deploy --rpc "$ANVIL_URL" --key ops
expect_grep "^prov: insufficient funds: $ops holds 0 wei, and the transaction may cost up to [0-9]+ wei" "$TMP/err"
rpc anvil_setBalance "[\"$ops\",\"0x56bc75e2d63100000\"]" >/dev/null # 100 ether

# The wrong chain, and an endpoint nobody answers: clear errors, quickly.
expect_exit 2 prov contracts deploy --rpc "$ANVIL_URL" --key ops --chain eip155:1
expect_grep "^prov: the endpoint is on chain eip155:31337, not eip155:1$" "$TMP/err"
start=$(date +%s)
expect_exit 2 prov contracts deploy --rpc http://127.0.0.1:1 --key ops
expect_grep "^prov: rpc eth_chainId at http://127.0.0.1:1: .*(refused|connect)" "$TMP/err"
[ $(($(date +%s) - start)) -lt 30 ] || fail "an unreachable endpoint took too long"

expect_exit 0 prov contracts deploy --rpc "$ANVIL_URL" --key ops --json
reg=$(sed -nE 's/^  "address": "(0x[0-9a-fA-F]{40})",?$/\1/p' "$TMP/out")
[ -n "$reg" ] || fail "no address in the deploy output"
expect_grep '"chain": "eip155:31337"' "$TMP/out"
expect_eq "$(nonce)" 0x1 "nonce after deploying"

# Where there is no registry: an account without code, and an address
# whose code is another contract's (anvil's dev account is an EOA).
anchor() { prov anchor --rpc "$ANVIL_URL" --key ops --poll-ms 100 "$@"; }
mkdir files
(cd files && seq 1 10000 | split -l 1 -a 5 - f)
expect_exit 0 prov register -r files --license CC-BY-4.0
expect_exit 2 anchor --contract "$ops"
expect_grep "^prov: no contract at $ops$" "$TMP/err"
[ ! -e "$pending" ] || fail "a pending anchor after a refusal"

prov status --json >status.json
expect_grep '"unanchored": 10000' status.json

# 10,000 records, one transaction, 3 confirmations. Once it is mined, its
# block is reorged away: the transaction is sent again, mined again, and
# only confirmed after two more blocks.
"$PROV" anchor --rpc "$ANVIL_URL" --key ops --poll-ms 100 --contract "$reg" \
	--confirmations 3 --json >anchor.out 2>anchor.err &
apid=$!
wait_bg $apid anchor.err test -s "$pending"
hash=$(pending_hash)
wait_bg $apid anchor.err has_receipt "$hash"
first=$(rpc eth_getTransactionReceipt "[\"$hash\"]" | sed -E 's/.*"blockHash":"(0x[0-9a-f]{64})".*/\1/')
sleep 0.3
kill -0 $apid 2>/dev/null || { cat anchor.err >&2; fail "prov anchor stopped before its confirmations"; }
if git --git-dir=.prov log --format=%s | grep -q '^anchor'; then
	fail "anchor recorded before its confirmations"
fi
rpc anvil_reorg '[1,[]]' >reorg.out
expect_grep '"result":null' reorg.out
wait_bg $apid anchor.err grep -q "sending it again" anchor.err
wait_bg $apid anchor.err has_receipt "$hash"
second=$(rpc eth_getTransactionReceipt "[\"$hash\"]" | sed -E 's/.*"blockHash":"(0x[0-9a-f]{64})".*/\1/')
[ "$first" != "$second" ] || fail "the transaction is still in the reorged block"
rpc anvil_mine '["0x2"]' >/dev/null
wait $apid || { cat anchor.err >&2; fail "prov anchor failed"; }
expect_grep "reorg: the transaction is no longer in a block" anchor.err
expect_grep '^    "count": 10000,$' anchor.out
expect_grep "^      \"hash\": \"$second\",$" anchor.out
[ ! -e "$pending" ] || fail "the pending file outlived the anchor"
expect_eq "$(nonce)" 0x2 "one anchoring transaction (nonce after it)"

root=$(sed -nE 's/^    "root": "(0x[0-9a-f]{64})",$/\1/p' anchor.out)
block=$(sed -nE 's/^      "number": ([0-9]+),?$/\1/p' anchor.out)
blob=$(sed -nE 's/^      "blob": "([0-9a-f]{64})",?$/\1/p' anchor.out)
git --git-dir=.prov show "HEAD:blobs/$(echo "$blob" | cut -c1-2)/$blob" >proofs.jsonl
expect_eq "$(wc -l <proofs.jsonl)" 10000 "proof lines"
expect_exit 0 node "$ROOT/tests/oracle/anchor-check.mjs" proofs.jsonl "$root" \
	--rpc "$ANVIL_URL" --contract "$reg" --block "$block" --sample 500
expect_eq "$(grep -c ': holds$' "$TMP/out")" 4 "oracle checks that hold"

prov status --json >status.json
expect_grep '"unanchored": 0' status.json
expect_exit 0 anchor --contract "$reg"
expect_grep "^nothing to anchor" "$TMP/out"

# Every record checked on chain.
expect_exit 0 prov verify --chain --rpc "$ANVIL_URL"
expect_grep "^10000 records: 10000 anchored and checked on eip155:31337 \(1 anchor\), 0 not anchored, 0 failed$" "$TMP/out"
expect_eq "$(grep -c "proof valid; root $root anchored at block $block ($second, " "$TMP/out")" 10000 "records anchored"
one=$(sed -n '1s/ .*//p' "$TMP/out")
expect_exit 0 prov verify --chain --rpc "$ANVIL_URL" "$one" --json
expect_grep '"ok": true' "$TMP/out"
expect_grep '"confirmations": 3' "$TMP/out"
expect_exit 2 prov verify --chain --rpc "$ANVIL_URL" --chain-id eip155:5 "$one"
expect_grep "not eip155:5" "$TMP/err"

# A new record is not anchored until the next run.
echo late >late.txt
expect_exit 0 prov register late.txt --license CC-BY-4.0
late=$(prov show late.txt --json | sed -nE 's/^ *"id": "(sha256:[0-9a-f]{64})",?$/\1/p' | head -1)
expect_exit 1 prov verify --chain --rpc "$ANVIL_URL" "$late"
expect_grep "not anchored: no anchor record covers it" "$TMP/out"

# Crash safety: killed while it waits, a rerun waits for the same
# transaction (no second one is paid for) and records it.
"$PROV" anchor --rpc "$ANVIL_URL" --key ops --poll-ms 100 --contract "$reg" \
	--confirmations 2 >/dev/null 2>crash.err &
apid=$!
wait_bg $apid crash.err test -s "$pending"
hash=$(pending_hash)
wait_bg $apid crash.err has_receipt "$hash"
kill -9 $apid
wait $apid 2>/dev/null || true
prov anchor --status >status.out
expect_grep "^pending     1 records, tx $hash \(nonce 2\) on eip155:31337" status.out
rpc anvil_mine '["0x1"]' >/dev/null
expect_exit 0 anchor --contract "$reg" --confirmations 2
expect_grep "resuming the pending anchor" "$TMP/err"
expect_no_grep "sending transaction" "$TMP/err"
expect_eq "$(nonce)" 0x3 "nonce after the resumed anchor"
expect_exit 0 prov verify --chain --rpc "$ANVIL_URL" "$late"
prov anchor --status --json >status.json
expect_grep '"unanchored": 0' status.json
expect_grep '"pending": null' status.json
expect_eq "$(grep -c '"seq": ' status.json)" 2 "anchors listed"
