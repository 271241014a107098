#!/bin/sh
# Walkthrough: anchoring records on a chain. A local chain (anvil, from
# tests/oracle's pinned npm packages) stands in for a public one: the
# registry contract is deployed, every record is anchored in one
# transaction, and each record is checked against the chain, also by
# someone holding only its proof.
NAME=anchor.sh
. "$(dirname "$0")/lib.sh"

ANVIL=$(cd "$(dirname "$0")/.." && pwd)/tests/oracle/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil
[ -x "$ANVIL" ] || { echo "$NAME: no anvil (run scripts/npm-deps.sh)" >&2; exit 2; }
cd "$DEMO"
"$ANVIL" --host 127.0.0.1 --port 0 --accounts 1 >anvil.log 2>&1 &
anvil_pid=$!
trap 'st=$?; kill $anvil_pid 2>/dev/null; rm -rf "$DEMO"; [ $st -eq 0 ] || echo "$NAME: a step failed (exit $st)" >&2; exit $st' EXIT
i=0
until RPC=$(sed -nE 's#^Listening on (127\.0\.0\.1:[0-9]+)$#http://\1#p' anvil.log) && [ -n "$RPC" ]; do
	i=$((i + 1)); [ $i -lt 300 ] || { echo "$NAME: anvil did not start" >&2; exit 2; }
	sleep 0.1
done

say "Ana registers three works; the registry holds three signed records."
run 'prov init > /dev/null'
run 'prov id new ana --no-passphrase > /dev/null'
run 'mkdir works && for n in 1 2 3; do echo "poem $n" > works/poem-$n.txt; done'
run 'prov register -r works --license CC-BY-4.0 > /dev/null'

say "A secp256k1 key pays for transactions. The local chain funds it (on a"\
    "public chain you would send it ether)."
run 'prov chain key new ops --no-passphrase'
run 'OPS=$(prov chain key address ops)'
run "curl -s -X POST -H 'content-type: application/json' -d \"{\\\"jsonrpc\\\":\\\"2.0\\\",\\\"id\\\":1,\\\"method\\\":\\\"anvil_setBalance\\\",\\\"params\\\":[\\\"\$OPS\\\",\\\"0xde0b6b3a7640000\\\"]}\" \"\$RPC\" > /dev/null"

say "Deploy the registry contract built into prov, then anchor: one Merkle"\
    "root for every unanchored record, one transaction, and once it is"\
    "confirmed an anchor record holding each record's proof."
run 'REG=$(prov contracts deploy --rpc "$RPC" --key ops 2>/dev/null)'
run 'echo "$REG"'
run 'prov anchor --rpc "$RPC" --contract "$REG" --key ops --confirmations 1 2>/dev/null'
run 'prov status'

say "Each record checked against the chain: its proof leads to the root, and"\
    "the registry anchored that root at the block, in the transaction,"\
    "the anchor record names."
run 'prov verify --chain --rpc "$RPC" | tail -1'

say "Someone with one record's proof, and no registry, checks it too."
run 'prov anchor proof "$(prov show works/poem-1.txt --json | sed -n "s/^ *\"id\": \"\(sha256:[0-9a-f]*\)\",*$/\1/p" | head -1)" > proof.json'
run 'prov anchor verify-proof proof.json --rpc "$RPC"'
say "That shows the record existed by that block's time; who signed it, and"\
    "whether its claim is true, are other questions (prov verify, the trace)."
