#!/bin/sh
# A model owner's walkthrough of prov royalties. Creators registered works
# with payout accounts, a curator built datasets, a lab trained a model and
# a fine-tune of it. An operator reports what the models earned each month;
# the owner turns each month into a payout batch (exact amounts, a Merkle
# root, what is carried to the next month), checks it, exports it, and pays
# it on a chain through prov's PayoutDistributor. A local chain (anvil, from
# tests/oracle's pinned npm packages) stands in for a public one, and a test
# ERC-20 for a real token.
#
# `make demo` runs it last. To run it by hand:
#     make && scripts/npm-deps.sh && PROV=$PWD/build/prov sh examples/model-owner.sh
# It works in a fresh temporary folder, removed at the end, with its own
# PROV_HOME. Each step prints a comment and the command it runs; a failing
# step stops the script with a non-zero exit.
#
# shellcheck disable=SC2016
NAME=model-owner.sh
. "$(dirname "$0")/lib.sh"

ORACLE=$(cd "$(dirname "$0")/.." && pwd)/tests/oracle
ANVIL=$ORACLE/node_modules/@foundry-rs/anvil-linux-amd64/bin/anvil
[ -x "$ANVIL" ] || { echo "$NAME: no anvil (run scripts/npm-deps.sh)" >&2; exit 2; }
command -v node >/dev/null || { echo "$NAME: no node (the test token is deployed with it)" >&2; exit 2; }
cd "$DEMO"
: >anvil.log # before the loop below reads it
"$ANVIL" --host 127.0.0.1 --port 0 --accounts 1 >anvil.log 2>&1 &
anvil_pid=$!
trap 'st=$?; kill $anvil_pid 2>/dev/null; rm -rf "$DEMO"; [ $st -eq 0 ] || echo "$NAME: a step failed (exit $st)" >&2; exit $st' EXIT
i=0
until RPC=$(sed -nE 's#^Listening on (127\.0\.0\.1:[0-9]+)$#http://\1#p' anvil.log) && [ -n "$RPC" ]; do
	i=$((i + 1)); [ $i -lt 300 ] || { echo "$NAME: anvil did not start" >&2; exit 2; }
	sleep 0.1
done

# rpc METHOD PARAMS: one JSON-RPC call to the local chain; its reply.
rpc() {
	curl -sS -X POST -H 'content-type: application/json' \
		-d "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"$1\",\"params\":$2}" "$RPC"
}
# word N: N (decimal, up to 2^256-1) as 64 hex digits, for calldata.
word() { node -e 'console.log(BigInt(process.argv[1]).toString(16).padStart(64, "0"))' "$1"; }
addr_word() { printf '%064s' "$(echo "${1#0x}" | tr 'A-F' 'a-f')" | tr ' ' 0; }
# balance ADDRESS: the token's balanceOf(ADDRESS), in base units (decimal).
balance() {
	rpc eth_call "[{\"to\":\"$TOKEN\",\"data\":\"0x70a08231$(addr_word "$1")\"},\"latest\"]" |
		node -e 'const r = JSON.parse(require("fs").readFileSync(0)); if (!r.result) throw new Error(JSON.stringify(r)); console.log(BigInt(r.result).toString())'
}
# paid BATCH ADDRESS: what the batch file pays ADDRESS (0 if nothing).
paid() {
	node -e 'const b = JSON.parse(require("fs").readFileSync(process.argv[1]));
const p = b.paid.find(p => p.account.toLowerCase() === process.argv[2].toLowerCase());
console.log(p ? p.amount : "0")' "$1" "$2"
}
# field BATCH NAME: a member of the batch's payout record.
field() { node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1])).payout[process.argv[2]])' "$1" "$2"; }
did() { prov id show "$1" --json | sed -n 's/.*"did": "\(did:key:[^"]*\)".*/\1/p'; }
record_id() { sed -n 's/^  "id": "\(.*\)",/\1/p' "$1"; }

say "Everyone who takes part has an identity (an Ed25519 key, named by its" \
    "did:key): three creators, a dataset curator, the lab that trains, you" \
    "(the model's owner) and the operator who serves the model and reports" \
    "what it earned."
run 'prov init . > /dev/null'
for who in ana ben carol curator lab owner ops; do
	run "prov id new $who --no-passphrase > /dev/null"
done

say "Royalties are paid to accounts on a chain. Here each one is a fresh" \
    "chain key's address; in practice people give you an address they" \
    "already hold (prov needs no key for an account it pays)."
for who in ana ben curator lab owner; do
	run "prov chain key new $who-wallet --no-passphrase > /dev/null"
done
run 'ANA=$(prov chain key address ana-wallet); BEN=$(prov chain key address ben-wallet)'
run 'CURATOR=$(prov chain key address curator-wallet); LAB=$(prov chain key address lab-wallet); OWNER=$(prov chain key address owner-wallet)'
run 'echo "ana $ANA"; echo "ben $BEN"; echo "curator $CURATOR"; echo "lab $LAB"; echo "owner $OWNER"'

say "The token royalties are paid in. On the local chain: a test ERC-20 (18" \
    "decimals), deployed from anvil's own account 0 by the test oracle (it" \
    "deploys a distributor too, which this walkthrough does not use). On a" \
    "public chain it would be a real token, such as USDC. Its address is part" \
    "of every amount below (CAIP-19: eip155:<chain id>/erc20:<address>), so" \
    "it must be known before anyone reports revenue."
run 'set -- $(node "$ORACLE/distributor.mjs" "$RPC" deploy); TOKEN=${1#token=}'
run 'ASSET=eip155:31337/erc20:$TOKEN; echo "$ASSET"'

say "Creators register their works. A payout account (CAIP-10: chain, then" \
    "address) in the work record says where its royalties go. Carol names" \
    "none: her share cannot be paid, and goes to the treasury."
mkdir photos tune
for i in 1 2; do printf 'ana photo %s\n' "$i" >photos/ana-$i.jpg; done
printf 'ben photo\n' >photos/ben-1.jpg
printf 'carol photo\n' >photos/carol-1.jpg
printf 'ben sketch\n' >tune/ben-2.jpg
printf 'ana sketch\n' >tune/ana-3.jpg
run 'prov register photos/ana-1.jpg photos/ana-2.jpg tune/ana-3.jpg --license CC-BY-4.0 --payout eip155:31337:$ANA --as ana > /dev/null'
run 'prov register photos/ben-1.jpg --license CC0-1.0 --payout eip155:31337:$BEN --as ben > /dev/null'
run 'prov register tune/ben-2.jpg --license CC-BY-4.0 --payout eip155:31337:$BEN --as ben > /dev/null'
run 'prov register photos/carol-1.jpg --license CC-BY-4.0 --as carol > /dev/null'

say "The curator builds two datasets: photos@1, four works, and tune@1, two" \
    "small ones for a fine-tune."
run 'prov manifest build photos --version 1 --from photos --purpose commercial --as curator > /dev/null'
run 'prov manifest build tune --version 1 --from tune --purpose commercial --as curator > /dev/null'

say "The lab trains on photos@1 and signs the run; you register the weights" \
    "as the model 'base'. Then the fine-tune: a second run, on tune@1, and" \
    "the model 'tuned' whose parent is 'base' (see examples/provider.sh)."
safetensors base.safetensors
safetensors tuned.safetensors
printf 'tuned\n' >>tuned.safetensors
run 'prov run record --dataset photos@1 --checkpoint base.safetensors --as lab --json > run1.json'
run 'prov model register base --weights base.safetensors --run "$(record_id run1.json)" --license Apache-2.0 --as owner > /dev/null'
run 'prov run record --dataset tune@1 --checkpoint tuned.safetensors --as lab --json > run2.json'
run 'prov model register tuned --weights tuned.safetensors --run "$(record_id run2.json)" --parent base --license Apache-2.0 --as owner > /dev/null'

say "Your royalty policy. Shares are basis points of revenue (they sum to" \
    "10000): 60% to the data's creators, 10% to curators, 10% to the lab" \
    "that trained, 10% to you, 10% to a treasury that you keep. CC0 works" \
    "weigh half. A fine-tune passes half of its data shares up to its" \
    "parent's data. Anyone owed less than 120 tokens (in base units: 18" \
    "decimals) is carried to the next month. Creators name their accounts" \
    "in their works; the curator's, the lab's and yours are named here, by" \
    "identity."
cat >policy.json <<EOF
{
  "shares": {"creators": 6000, "curators": 1000, "provider": 1000, "owner": 1000, "treasury": 1000},
  "creator_weight": "equal",
  "licenses": {"CC0-1.0": 5000, "*": 10000},
  "parent": 5000,
  "minimum": "120000000000000000000",
  "accounts": {
    "$(did curator)": "eip155:31337:$CURATOR",
    "$(did lab)": "eip155:31337:$LAB",
    "$(did owner)": "eip155:31337:$OWNER"
  }
}
EOF
run 'cat policy.json'

say "The operator reports what the models earned, signed, one record per" \
    "model and month, in the token, written as people write amounts. prov" \
    "keeps them in base units. It cannot know whether a report is true, only" \
    "who made it."
run 'prov usage record --model base --period 2026-10 --revenue 1250.50 --asset "$ASSET" --decimals 18 --units 1200000 --as ops > /dev/null'
run 'prov usage record --model base --period 2026-11 --revenue 310.75 --asset "$ASSET" --decimals 18 --as ops > /dev/null'
run 'prov usage record --model tuned --period 2026-11 --revenue 980.25 --asset "$ASSET" --decimals 18 --as ops --json'

say "October's batch: every contributor's exact share of what 'base' earned," \
    "down to the last unit. Carol's share is unpaid (no account) and goes to" \
    "the treasury; Ben's, under the minimum, is carried to November. The" \
    "batch is a signed payout record in the registry."
run 'prov royalties compute --period 2026-10 --asset "$ASSET" --policy policy.json -o oct.json --as owner'
run 'prov royalties export oct.json --csv oct.csv > /dev/null && cat oct.csv'

say "November: both models earned. 'tuned' pays its own dataset's creators" \
    "and, through its parent, half of that to photos@1's. What October" \
    "carried arrives (carried_in), and Ben is now paid."
run 'prov royalties compute --period 2026-11 --asset "$ASSET" --policy policy.json -o nov.json --as owner'
run 'prov royalties show nov.json'

say "Anyone holding the registry can recompute a batch from the signed" \
    "records and the policy it names, and get the same root and amounts." \
    "That shows the amounts follow from those records; not that the usage" \
    "reports are true, nor that anything has been paid yet."
run 'prov royalties verify oct.json'
run 'prov royalties verify nov.json'

say "For the books: a CSV of every account; and for each paid account, a" \
    "proof of its line against the batch's root, which it can check alone" \
    "(OpenZeppelin's StandardMerkleTree, MerkleProof.sol)."
run 'prov royalties export nov.json --csv nov.csv && cat nov.csv'
run 'prov royalties export nov.json --proofs proofs && ls proofs'
run 'cat "proofs/$BEN.json"'

say "Paying on chain. A chain key pays the gas; the local chain funds it"\
    "with ether (on a public chain you would send it some). It also holds"\
    "the tokens to pay out: here the test token mints them to it, from"\
    "anvil's account 0, the two batches' paid totals."
run 'prov chain key new treasury --no-passphrase'
run 'KEY=$(prov chain key address treasury)'
run 'rpc anvil_setBalance "[\"$KEY\",\"0xde0b6b3a7640000\"]" > /dev/null'
run 'TOTAL=$(node -e "console.log((BigInt(process.argv[1]) + BigInt(process.argv[2])).toString())" "$(field oct.json paid)" "$(field nov.json paid)"); echo "$TOTAL"'
run 'DEV0=$(rpc eth_accounts "[]" | sed -E "s/.*\"(0x[0-9a-fA-F]{40})\".*/\1/")'
run 'rpc eth_sendTransaction "[{\"from\":\"$DEV0\",\"to\":\"$TOKEN\",\"data\":\"0x40c10f19$(addr_word "$KEY")$(word "$TOTAL")\"}]" | grep -q "\"result\":\"0x"'
run 'balance "$KEY"'

say "Deploy the payout distributor built into prov. It holds each funded" \
    "batch's tokens under the batch's id (its payout record's) and root, and" \
    "pays each account once per batch, against a proof of its line. The key" \
    "that deploys it owns it, and only the owner funds batches: nobody can" \
    "take a batch's id first. Keyed by id, two months that pay the same" \
    "amounts to the same accounts (one root) are still two batches."
run 'DIST=$(prov contracts deploy --distributor --rpc "$RPC" --key treasury 2>/dev/null); echo "$DIST"'

say "Fund each batch (approve the distributor, then fund its id and root), and" \
    "claim every paid account's amount. Anyone may send a claim; the tokens" \
    "go to the account. The treasury's share is not in the batch: it stays" \
    "with the key that funds it. Running either command again sends nothing" \
    "twice: the chain's state is read first."
for b in oct nov; do
	run "prov royalties distribute $b.json --rpc \"\$RPC\" --distributor \"\$DIST\" --key treasury --confirmations 1"
	run "prov royalties claim $b.json --all --rpc \"\$RPC\" --distributor \"\$DIST\" --key treasury --confirmations 1"
done
run 'prov royalties distribute nov.json --rpc "$RPC" --distributor "$DIST" --key treasury --confirmations 1'

say "Each account's token balance on chain, beside what the two batches" \
    "paid it: they must be equal, to the unit, and the distributor is left" \
    "with nothing."
printf '%-8s %-42s %24s %24s %24s\n' who account october november balance
bad=0
for who in ana ben curator lab owner; do
	acc=$(prov chain key address "$who-wallet")
	o=$(paid oct.json "$acc")
	n=$(paid nov.json "$acc")
	want=$(node -e 'console.log((BigInt(process.argv[1]) + BigInt(process.argv[2])).toString())' "$o" "$n")
	got=$(balance "$acc")
	printf '%-8s %-42s %24s %24s %24s\n' "$who" "$acc" "$o" "$n" "$got"
	if [ "$got" != "$want" ]; then
		echo "$NAME: $who holds $got, but the batches paid $want" >&2
		bad=1
	fi
done
left=$(balance "$DIST")
echo "distributor $DIST holds $left"
[ "$left" = 0 ] || { echo "$NAME: the distributor still holds $left" >&2; bad=1; }
[ $bad -eq 0 ] || exit 1
echo "every balance equals its batches' amounts"

say "What this shows: the amounts follow exactly from signed records and" \
    "your policy, and were paid as computed. What it does not: that the" \
    "usage reports, runs or datasets are true; those are the signers' claims."
