#!/bin/sh
# prov anchor when things go wrong, against anvil: a chain key's own
# passphrase; a transaction the node drops (sent again); a wait that times
# out (the transaction stays pending, --status shows it, a rerun finishes
# it); an anchor that reverts in its block because another account
# anchored the same root first (nothing recorded, nothing pending), and
# the next attempt refused before sending; proofs checked without the
# registry, and a proof for another root; a recorded anchor reorged away;
# the key's nonce taken by another transaction (signed again).
. "$(dirname "$0")/lib.sh"

anvil_start
new_identity alice
prov init . >/dev/null
PROV_CHAIN_PASSPHRASE=chain-secret expect_exit 0 prov chain key new ops
ops=$(cat "$TMP/out")
rpc anvil_setBalance "[\"$ops\",\"0x56bc75e2d63100000\"]" >/dev/null
export PROV_CHAIN_PASSPHRASE=wrong
expect_exit 2 prov contracts deploy --rpc "$ANVIL_URL" --key ops
expect_grep "wrong passphrase" "$TMP/err"
export PROV_CHAIN_PASSPHRASE=chain-secret
expect_exit 0 prov contracts deploy --rpc "$ANVIL_URL" --key ops
reg=$(cat "$TMP/out")

pending=$TMP/.prov/anchor-pending.json
pending_field() { sed -E "s/.*\"$1\":\"(0x[0-9a-f]{64})\".*/\1/" "$pending"; }
in_pool() { rpc eth_getTransactionByHash "[\"$1\"]" | grep -q '"hash"'; }
anchor_bg() {
	"$PROV" anchor --rpc "$ANVIL_URL" --key ops --poll-ms 100 --contract "$reg" "$@" >bg.out 2>bg.err &
	apid=$!
}
register() {
	echo "$1" >"$1.txt"
	expect_exit 0 prov register "$1.txt" --license CC-BY-4.0
}
# pooled NAME: registers NAME and anchors it in the background, until its
# transaction ($hash) is in the node's pool.
pooled() {
	register "$1"
	anchor_bg --confirmations 1
	wait_bg $apid bg.err test -s "$pending"
	hash=$(pending_field hash)
	wait_bg $apid bg.err in_pool "$hash"
}

# Mining by hand from here on.
rpc evm_setAutomine '[false]' >/dev/null

# Dropped from the node's pool: sent again, then mined and recorded.
pooled one
rpc anvil_dropTransaction "[\"$hash\"]" >/dev/null
wait_bg $apid bg.err grep -q "does not know transaction $hash: sending it again" bg.err
wait_bg $apid bg.err in_pool "$hash"
rpc evm_mine '[]' >/dev/null
wait $apid || { cat bg.err >&2; fail "anchor after a drop"; }
expect_grep "anchors 1 records at block" bg.out

# A wait that times out leaves the transaction pending; a rerun finishes.
register two
expect_exit 2 prov anchor --rpc "$ANVIL_URL" --key ops --poll-ms 100 --contract "$reg" --confirmations 1 --timeout 1
expect_grep "^prov: transaction 0x[0-9a-f]{64}: not yet mined after 1 s$" "$TMP/err"
expect_exit 0 prov anchor --status
expect_grep "^pending     1 records, tx 0x[0-9a-f]{64} \(nonce 2\)" "$TMP/out"
expect_grep "^unanchored  1$" "$TMP/out"
anchor_bg --confirmations 1
wait_bg $apid bg.err grep -q "resuming the pending anchor" bg.err
rpc evm_mine '[]' >/dev/null
wait $apid || { cat bg.err >&2; fail "anchor after a timeout"; }
expect_no_grep "sending transaction" bg.err

# Someone else anchors the same root first, in the same block and ahead
# of ours (a higher tip): ours reverts. Nothing is recorded or pending.
pooled three
root=$(pending_field root)
dev=$(rpc_result eth_accounts '[]' | sed -E 's/.*"(0x[0-9a-fA-F]{40})".*/\1/')
data=0x$(printf '%s' "anchor(bytes32,uint64,string)" | node -e "
const { keccak256 } = require('$ROOT/tests/oracle/node_modules/ethereum-cryptography/keccak.js');
let s = ''; process.stdin.on('data', (d) => (s += d)).on('end', () =>
  process.stdout.write(Buffer.from(keccak256(Buffer.from(s))).toString('hex').slice(0, 8)));")
data=$data$(echo "$root" | cut -c3-)$(printf '%064x%064x%064x' 1 96 0)
rpc eth_sendTransaction "[{\"from\":\"$dev\",\"to\":\"$reg\",\"data\":\"$data\",\"maxPriorityFeePerGas\":\"0x3b9aca000\",\"maxFeePerGas\":\"0x4a817c800\"}]" >front.out
expect_grep '"result":"0x' front.out
rpc evm_mine '[]' >/dev/null
if wait $apid; then fail "a reverted anchor succeeded"; fi
expect_grep "^prov: transaction $hash reverted in block [0-9]+: AlreadyAnchored\($root, 3\): the root was anchored before, as seq 3$" bg.err
[ ! -e "$pending" ] || fail "a reverted anchor left a pending file"
prov anchor --status --json >status.json
expect_grep '"unanchored": 1' status.json
expect_eq "$(grep -c '"seq": ' status.json)" 2 "anchor records after the revert"

# The next attempt is refused before anything is signed.
rpc evm_setAutomine '[true]' >/dev/null
nonce=$(rpc_result eth_getTransactionCount "[\"$ops\",\"latest\"]")
expect_exit 2 prov anchor --rpc "$ANVIL_URL" --key ops --contract "$reg"
expect_grep "^prov: the transaction would revert: AlreadyAnchored\($root, 3\): the root was anchored before, as seq 3$" "$TMP/err"
[ ! -e "$pending" ] || fail "a refused anchor left a pending file"
expect_eq "$(rpc_result eth_getTransactionCount "[\"$ops\",\"latest\"]")" "$nonce" "nonce after a refusal"

# Proofs without the registry: valid, and against another anchor's root.
register four
expect_exit 0 prov anchor --rpc "$ANVIL_URL" --key ops --contract "$reg" --confirmations 1
id_one=$(prov show one.txt --json | sed -nE 's/^ *"id": "(sha256:[0-9a-f]{64})",?$/\1/p' | head -1)
expect_exit 0 prov anchor proof "$id_one"
cp "$TMP/out" one.json
expect_grep '"types": \[' one.json
expect_exit 0 prov anchor verify-proof one.json --rpc "$ANVIL_URL"
expect_grep "^proof valid; root 0x[0-9a-f]{64} anchored at block [0-9]+ \(0x[0-9a-f]{64}, .*\), seq 1, on eip155:31337$" "$TMP/out"
mine=$(sed -nE 's/^  "root": "(0x[0-9a-f]{64})",$/\1/p' one.json)
other=$(prov anchor --status --json | sed -nE 's/^ *"root": "(0x[0-9a-f]{64})",?$/\1/p' | grep -v "$mine" | head -1)
[ -n "$other" ] || fail "no other anchored root"
sed "s/$mine/$other/" one.json >other.json
expect_exit 1 prov anchor verify-proof other.json --rpc "$ANVIL_URL"
expect_grep "^not valid: the proof does not lead to root $other$" "$TMP/out"
# A record not anchored has no proof; an endpoint nobody answers.
register five
expect_exit 1 prov anchor proof "$(prov show five.txt --json | sed -nE 's/^ *"id": "(sha256:[0-9a-f]{64})",?$/\1/p' | head -1)"
expect_grep "^prov: 'sha256:[0-9a-f]{64}' is not anchored$" "$TMP/err"
expect_exit 2 prov anchor verify-proof one.json --rpc http://127.0.0.1:1

# A reorg deeper than the confirmations waited for takes a recorded anchor
# off the chain: verify --chain says so, and fails.
expect_exit 0 prov anchor --rpc "$ANVIL_URL" --key ops --contract "$reg" --confirmations 1
id_five=$(prov show five.txt --json | sed -nE 's/^ *"id": "(sha256:[0-9a-f]{64})",?$/\1/p' | head -1)
expect_exit 0 prov verify --chain --rpc "$ANVIL_URL" "$id_five"
rpc anvil_reorg '[1,[]]' >/dev/null
expect_exit 1 prov verify --chain --rpc "$ANVIL_URL" "$id_five"
expect_grep "^$id_five  FAILED$" "$TMP/out"
expect_grep "^  the registry has no anchor of this root \(a reorg may have removed it\)$" "$TMP/out"
expect_grep "^1 record: 0 anchored and checked on eip155:31337 \(1 anchor\), 0 not anchored, 1 failed$" "$TMP/out"

# The key's nonce taken by another of its transactions while ours was
# dropped (prov stopped meanwhile, so that it sees both at once): signed
# again with the next nonce, sent, mined and recorded. One anchor.
rpc evm_setAutomine '[false]' >/dev/null
pooled six
nonce=$(printf %d "$(rpc_result eth_getTransactionCount "[\"$ops\",\"latest\"]")")
kill -STOP $apid
rpc anvil_dropTransaction "[\"$hash\"]" >/dev/null
rpc anvil_impersonateAccount "[\"$ops\"]" >/dev/null
rpc eth_sendTransaction "[{\"from\":\"$ops\",\"to\":\"$ops\",\"value\":\"0x0\",\"nonce\":\"$(printf 0x%x "$nonce")\"}]" >taker.out
expect_grep '"result":"0x' taker.out
rpc evm_mine '[]' >/dev/null
rpc anvil_stopImpersonatingAccount "[\"$ops\"]" >/dev/null
kill -CONT $apid
wait_bg $apid bg.err grep -qi "nonce $nonce was used by another transaction of $ops: signing again" bg.err
again=$(pending_field hash)
[ "$again" != "$hash" ] || fail "the pending file still names the dropped transaction"
wait_bg $apid bg.err in_pool "$again"
rpc evm_mine '[]' >/dev/null
wait $apid || { cat bg.err >&2; fail "anchor after its nonce was taken"; }
expect_grep "anchors 1 records at block" bg.out
expect_eq "$(grep -c "signing again" bg.err)" 1 "signings again"
expect_eq "$(printf %d "$(rpc_result eth_getTransactionCount "[\"$ops\",\"latest\"]")")" $((nonce + 2)) "nonce after the anchor"
