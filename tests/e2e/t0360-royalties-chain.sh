#!/bin/sh
# prov royalties distribute and claim against anvil: batches written by an
# independent oracle (tests/oracle/payout-batch.mjs, its root from
# @openzeppelin/merkle-tree) funded on a PayoutDistributor and claimed by
# every account; each account's token balance is its amount to the unit,
# 2^256-1 included, and the distributor is left with nothing. Refusals:
# a second claim, a wrong proof, the wrong chain, the wrong distributor,
# a key that is not the distributor's owner, a batch funded twice, its id
# funded with another root or total, an account the batch does not pay.
# Last, payout records computed in a registry, paid by their ids: two
# periods with the same root are two batches, each paid in full.
. "$(dirname "$0")/lib.sh"
ORACLE=$ROOT/tests/oracle
[ -d "$ORACLE/node_modules/@openzeppelin/merkle-tree" ] || fail "run scripts/npm-deps.sh"

anvil_start
expect_exit 0 prov chain key new ops --no-passphrase
ops=$(cat "$TMP/out")
dev0=$(rpc_result eth_accounts '[]' | sed -E 's/.*"(0x[0-9a-fA-F]{40})".*/\1/')

# The token and a distributor of account 0's (the oracle's); the
# distributor prov pays through is deployed by ops, its owner.
set -- $(node "$ORACLE/distributor.mjs" "$ANVIL_URL" deploy)
TOKEN=${1#token=}
DEV0_DIST=${2#distributor=}
MAX=115792089237316195423570985008687907853269984665640564039457584007913129639935

# word N: N (decimal, up to 2^256-1) as 64 hex digits.
word() { node -e 'console.log(BigInt(process.argv[1]).toString(16).padStart(64, "0"))' "$1"; }
addr_word() { printf '%064s' "$(echo "${1#0x}" | tr 'A-F' 'a-f')" | tr ' ' 0; }
# send_dev0 TO DATA [VALUE]: a transaction from anvil's account 0, mined.
send_dev0() {
	rpc eth_sendTransaction "[{\"from\":\"$dev0\",\"to\":\"$1\",\"data\":\"$2\",\"value\":\"${3:-0x0}\"}]" >send.out
	expect_grep '"result":"0x[0-9a-f]{64}"' send.out
}
mint() { send_dev0 "$1" "0x40c10f19$(addr_word "$2")$(word "$3")"; }
# balance TOKEN ACCOUNT: balanceOf, as 64 hex digits.
balance() {
	rpc_result eth_call "[{\"to\":\"$1\",\"data\":\"0x70a08231$(addr_word "$2")\"},\"latest\"]" | sed 's/^0x//'
}
nonce() { rpc_result eth_getTransactionCount "[\"$ops\",\"latest\"]"; }

# The key gets ether from account 0, and the tokens it pays out.
send_dev0 "$ops" 0x 0x8ac7230489e80000 # 10 ether
mint "$TOKEN" "$ops" 1000000000000000000000
expect_exit 0 prov contracts deploy --distributor --rpc "$ANVIL_URL" --key ops --json
DIST=$(sed -nE 's/^  "address": "(0x[0-9a-fA-F]{40})",?$/\1/p' "$TMP/out")
[ -n "$DIST" ] || fail "no distributor deployed"
expect_eq "$(nonce)" 0x1 "the distributor deployed"
# bytes32 of a batch's id, from its file's "id" ("sha256:<hex>")
batch_id() { node -e 'console.log("0x" + require(process.argv[1]).id.slice(7))' "$TMP/$1"; }

royalties() { prov royalties "$@" --rpc "$ANVIL_URL" --key ops --confirmations 1 --poll-ms 50; }

# Five accounts, amounts of every size the token has.
A1=0x00000000000000000000000000000000000000A1
A2=0x1111111111111111111111111111111111111111
A3=0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf
A4=0xABcdEFABcdEFabcdEfAbCdefabcdeFABcDEFabCD
A5=0xFFfFfFffFFfffFFfFFfFFFFFffFFFffffFfFFFfF
OTHER=0x2222222222222222222222222222222222222222
node "$ORACLE/payout-batch.mjs" --proofs proofs.json "eip155:31337/erc20:$TOKEN" batch.json \
	"$A1=1" "$A2=1000000" "$A3=123456789012345678901" "$A4=999999999999999999" "$A5=7" >root.txt
ROOT=$(cat root.txt)
ID=$(batch_id batch.json)
TOTAL=124456789012346678908

# Before funding: nothing to claim.
expect_exit 1 royalties claim batch.json --all --distributor "$DIST"
expect_grep "^prov: batch sha256:${ID#0x} is not funded on 0x[0-9a-fA-F]{40}: run 'prov royalties distribute' first$" "$TMP/err"

# Where the batch cannot go: another chain's token, no distributor.
node "$ORACLE/payout-batch.mjs" "eip155:1/erc20:$TOKEN" mainnet.json "$A1=5" >/dev/null
expect_exit 2 royalties distribute mainnet.json --distributor "$DIST"
expect_grep "^prov: the batch pays in eip155:1/erc20:0x[0-9a-fA-F]{40}, but the endpoint is on chain eip155:31337$" "$TMP/err"
expect_exit 2 royalties distribute batch.json --distributor "$TOKEN"
expect_grep "^prov: the code at 0x[0-9a-fA-F]{40} is not prov's PayoutDistributor \(code hash 0x[0-9a-f]{64}\)$" "$TMP/err"
expect_exit 2 royalties distribute batch.json --distributor "$OTHER"
expect_grep "^prov: no contract at $OTHER$" "$TMP/err"
expect_exit 2 royalties distribute batch.json --distributor 0x12
expect_grep "^prov: --distributor: " "$TMP/err"
node "$ORACLE/payout-batch.mjs" "eip155:31337/erc20:$TOKEN" empty.json >/dev/null
expect_exit 2 royalties distribute empty.json --distributor "$DIST"
expect_grep "^prov: the batch pays no account" "$TMP/err"
expect_exit 2 royalties distribute nosuch.json --distributor "$DIST"
expect_grep "^prov: no batch file 'nosuch.json'" "$TMP/err"
# a batch file altered after the fact: its root no longer holds
sed 's/"amount":"7"/"amount":"8"/' batch.json >altered.json
expect_exit 2 royalties distribute altered.json --distributor "$DIST"
expect_grep "^prov: 'altered.json': payout: " "$TMP/err"
# Only the distributor's owner funds: another key (which needs no ether
# to be refused), or a distributor someone else deployed.
expect_exit 0 prov chain key new stranger --no-passphrase
stranger=$(cat "$TMP/out")
expect_exit 2 prov royalties distribute batch.json --distributor "$DIST" --rpc "$ANVIL_URL" --key stranger
expect_grep "^prov: the distributor's owner is $ops, not stranger's $stranger: only the owner funds batches$" "$TMP/err"
expect_eq "$(rpc_result eth_getTransactionCount "[\"$stranger\",\"latest\"]")" 0x0 "nothing sent by a stranger"
expect_exit 2 royalties distribute batch.json --distributor "$DEV0_DIST"
expect_grep "^prov: the distributor's owner is 0x[0-9a-fA-F]{40}, not ops's $ops: only the owner funds batches$" "$TMP/err"
grep -qi "owner is $dev0," "$TMP/err" || fail "the owner named is not account 0"
expect_eq "$(nonce)" 0x1 "nothing sent by the refusals"

# Funding: approve, then fund; the event names the batch by its id.
expect_exit 0 royalties distribute batch.json --distributor "$DIST" --json
expect_grep "^  \"id\": \"sha256:${ID#0x}\",$" "$TMP/out"
expect_grep "^  \"root\": \"$ROOT\",$" "$TMP/out"
expect_grep "^  \"total\": \"$TOTAL\",$" "$TMP/out"
expect_grep '^  "accounts": 5,$' "$TMP/out"
expect_grep '^  "already_funded": false,$' "$TMP/out"
expect_grep '^  "uri": "prov:sha256:[0-9a-f]{64}",$' "$TMP/out"
expect_grep '"what": "approve"' "$TMP/out"
expect_grep '"what": "fund"' "$TMP/out"
expect_eq "$(nonce)" 0x3 "approve and fund"
expect_eq "$(balance "$TOKEN" "$DIST")" "$(word $TOTAL)" "the distributor's balance once funded"

# Twice: said so, nothing sent.
expect_exit 0 royalties distribute batch.json --distributor "$DIST"
expect_grep "^batch sha256:${ID#0x} is already funded on 0x[0-9a-fA-F]{40} \(124.456789012346678908 = $TOTAL units of eip155:31337/erc20:0x[0-9a-fA-F]{40}\): nothing sent$" "$TMP/out"
expect_eq "$(nonce)" 0x3 "nothing sent for a funded batch"

# Claims: an account the batch does not pay is refused before anything
# is sent; one account, then --all for the rest.
expect_exit 2 royalties claim batch.json --account "$A1" --account "$OTHER" --distributor "$DIST"
expect_grep "^prov: '$OTHER' is not paid by batch sha256:${ID#0x}$" "$TMP/err"
expect_exit 2 royalties claim batch.json --distributor "$DIST"
expect_grep "^prov: give --account ADDRESS... or --all" "$TMP/err"
expect_eq "$(nonce)" 0x3 "nothing sent for refused claims"
expect_exit 0 royalties claim batch.json --account "$A3" --distributor "$DIST"
expect_grep "^claimed +$A3  123456789012345678901  tx 0x[0-9a-f]{64}  block [0-9]+$" "$TMP/out"
expect_exit 0 royalties claim batch.json --all --distributor "$DIST" --json
expect_grep '^  "claimed": 4,?$' "$TMP/out"
expect_grep '^  "already_claimed": 1,?$' "$TMP/out"
expect_grep '"status": "already-claimed"' "$TMP/out"
expect_eq "$(balance "$TOKEN" "$A1")" "$(word 1)" "A1"
expect_eq "$(balance "$TOKEN" "$A2")" "$(word 1000000)" "A2"
expect_eq "$(balance "$TOKEN" "$A3")" "$(word 123456789012345678901)" "A3"
expect_eq "$(balance "$TOKEN" "$A4")" "$(word 999999999999999999)" "A4"
expect_eq "$(balance "$TOKEN" "$A5")" "$(word 7)" "A5"
expect_eq "$(balance "$TOKEN" "$DIST")" "$(word 0)" "the distributor after every claim"
expect_eq "$(nonce)" 0x8 "five claims"

# A second claim: named, it is reported and refused (exit 1, nothing
# sent); with --all, every account is done (exit 0).
expect_exit 1 royalties claim batch.json --account "$A2" --distributor "$DIST"
expect_grep "^already-claimed +$A2  1000000$" "$TMP/out"
expect_grep "^prov: already claimed from batch sha256:${ID#0x}: $A2 \(nothing sent for it\)$" "$TMP/err"
expect_exit 0 royalties claim batch.json --all --distributor "$DIST"
expect_grep "^0 claimed, 5 already claimed, of 5 accounts asked" "$TMP/out"
expect_eq "$(nonce)" 0x8 "nothing sent for claimed accounts"
# and on chain the contract refuses it: AlreadyClaimed(id, account)
p2=$(node -e 'const p = require(process.argv[1]).proofs[process.argv[2]]; console.log(p.proof.join(" "))' "$TMP/proofs.json" "$A2")
expect_exit 1 node "$ORACLE/distributor.mjs" "$ANVIL_URL" claim "$DIST" "$ID" "$A2" 1000000 $p2
expect_grep "revert data 0xa8ca238e" "$TMP/err" # AlreadyClaimed

# A wrong proof reverts: the oracle's proof of A2 with a tampered amount,
# in a batch funded by the oracle's tree and nobody claimed yet.
node "$ORACLE/payout-batch.mjs" --proofs proofs2.json --no-id "eip155:31337/erc20:$TOKEN" batch2.json \
	"$A1=10" "$A2=20" "$A5=30" >root2.txt
ROOT2=$(cat root2.txt)
mint "$TOKEN" "$ops" 60
expect_exit 0 royalties distribute batch2.json --distributor "$DIST"
# without an id in the file, the batch's id is its payout's as a record's
ID2=0x$(sed -nE 's/^funded batch sha256:([0-9a-f]{64}) on .*/\1/p' "$TMP/out")
[ ${#ID2} = 66 ] || fail "no batch id in: $(cat "$TMP/out")"
expect_eq "$ID2" "0x$(node -e 'const j = require(process.argv[1]); const c = (v) => Array.isArray(v) ? `[${v.map(c)}]` : v !== null && typeof v === "object" ? `{${Object.keys(v).sort().map((k) => JSON.stringify(k) + ":" + c(v[k]))}}` : JSON.stringify(v); console.log(require("crypto").createHash("sha256").update(c(j.payout)).digest("hex"))' "$TMP/batch2.json")" "batch2's id"
expect_grep "^funded batch sha256:${ID2#0x} on 0x[0-9a-fA-F]{40}: 0.000000000000000060 \(60 units of eip155:31337/erc20:0x[0-9a-fA-F]{40}\) for 3 accounts$" "$TMP/out"
expect_grep "^  fund     0x[0-9a-f]{64}  block [0-9]+$" "$TMP/out"
p2=$(node -e 'const p = require(process.argv[1]).proofs[process.argv[2]]; console.log(p.proof.join(" "))' "$TMP/proofs2.json" "$A2")
expect_exit 1 node "$ORACLE/distributor.mjs" "$ANVIL_URL" claim "$DIST" "$ID2" "$A2" 21 $p2
expect_grep "revert data 0x09bde339" "$TMP/err" # InvalidProof()
# the default uri of a batch without an id is its file's name
expect_exit 0 rpc eth_getLogs "[{\"address\":\"$DIST\",\"topics\":[null,\"$ID2\",\"$ROOT2\"],\"fromBlock\":\"0x0\"}]"
expect_grep "$(printf 'batch2.json' | od -An -tx1 | tr -d ' \n')" "$TMP/out"
expect_exit 0 royalties claim batch2.json --all --distributor "$DIST"
expect_grep "^3 claimed, 0 already claimed, of 3 accounts asked \(batch sha256:${ID2#0x}\)$" "$TMP/out"
expect_eq "$(balance "$TOKEN" "$A2")" "$(word 1000020)" "A2 after two batches"
expect_eq "$(balance "$TOKEN" "$DIST")" "$(word 0)" "the distributor after batch 2"

# Nobody but the owner funds: account 0's fund reverts NotOwner(caller),
# so no one can take a batch's id first with a token of their own.
node "$ORACLE/payout-batch.mjs" "eip155:31337/erc20:$TOKEN" batch3.json "$A1=4" "$A2=5" >root3.txt
ROOT3=$(cat root3.txt)
ID3=$(batch_id batch3.json)
expect_exit 1 node "$ORACLE/distributor.mjs" "$ANVIL_URL" fund "$DIST" "$TOKEN" "$ROOT3" 9 elsewhere "$ID3"
expect_grep "revert data 0x245aecd3" "$TMP/err" # NotOwner(address)
# A batch's id funded (by the owner, outside prov) with another total, or
# with another root: neither distribute nor claim will use it (exit 1),
# and nothing is sent.
node "$ORACLE/payout-batch.mjs" "eip155:31337/erc20:$TOKEN" batch4.json "$A1=6" >/dev/null
ID4=$(batch_id batch4.json)
rpc anvil_impersonateAccount "[\"$ops\"]" >/dev/null
FROM=$ops node "$ORACLE/distributor.mjs" "$ANVIL_URL" fund "$DIST" "$TOKEN" "$ROOT3" 10 elsewhere "$ID3" >/dev/null ||
	fail "the owner's fund of batch 3"
FROM=$ops node "$ORACLE/distributor.mjs" "$ANVIL_URL" fund "$DIST" "$TOKEN" "$ROOT3" 6 elsewhere "$ID4" >/dev/null ||
	fail "the owner's fund of batch 4"
rpc anvil_stopImpersonatingAccount "[\"$ops\"]" >/dev/null
n=$(nonce)
expect_exit 1 royalties distribute batch3.json --distributor "$DIST"
expect_grep "^prov: batch sha256:${ID3#0x} is funded on 0x[0-9a-fA-F]{40} with another token or total \(10 units of eip155:31337/erc20:0x[0-9a-fA-F]{40}\) than the batch's \(9 units of eip155:31337/erc20:0x[0-9a-fA-F]{40}\)$" "$TMP/err"
expect_exit 1 royalties claim batch3.json --all --distributor "$DIST"
expect_grep "^prov: batch sha256:${ID3#0x} is funded on .* with another token or total" "$TMP/err"
expect_exit 1 royalties distribute batch4.json --distributor "$DIST"
expect_grep "^prov: batch sha256:${ID4#0x} is funded on 0x[0-9a-fA-F]{40} with another root \($ROOT3\) than the batch's \(0x[0-9a-f]{64}\)$" "$TMP/err"
expect_exit 1 royalties claim batch4.json --all --distributor "$DIST"
expect_grep "^prov: batch sha256:${ID4#0x} is funded on .* with another root" "$TMP/err"
expect_eq "$(nonce)" "$n" "nothing sent for an id funded otherwise"

# 2^256-1 in one batch, of another token (the first one's supply is
# taken): MAX - 5 and 5, claimed to the unit.
set -- $(node "$ORACLE/distributor.mjs" "$ANVIL_URL" deploy)
BIG=${1#token=}
mint "$BIG" "$ops" "$MAX"
node "$ORACLE/payout-batch.mjs" "eip155:31337/erc20:$BIG" big.json \
	"$A4=115792089237316195423570985008687907853269984665640564039457584007913129639930" "$A5=5" >/dev/null
# A short allowance the key gave before is set to 0 first (tokens like
# USDT refuse to change one non-zero allowance into another).
rpc anvil_impersonateAccount "[\"$ops\"]" >/dev/null
rpc eth_sendTransaction "[{\"from\":\"$ops\",\"to\":\"$BIG\",\"data\":\"0x095ea7b3$(addr_word "$DIST")$(word 1)\"}]" >send.out
expect_grep '"result":"0x[0-9a-f]{64}"' send.out
rpc anvil_stopImpersonatingAccount "[\"$ops\"]" >/dev/null
expect_exit 0 royalties distribute big.json --distributor "$DIST" --json
expect_grep "^  \"total\": \"$MAX\",$" "$TMP/out"
[ "$(grep -c '"what": "approve"' "$TMP/out")" = 2 ] || fail "not two approves for a short allowance"
expect_grep "setting the allowance to 0 before raising it" "$TMP/err"
expect_exit 0 royalties claim big.json --all --distributor "$DIST"
expect_eq "$(balance "$BIG" "$A4")" "$(word 115792089237316195423570985008687907853269984665640564039457584007913129639930)" "A4 of 2^256-6"
expect_eq "$(balance "$BIG" "$A5")" "$(word 5)" "A5 of 5"
expect_eq "$(balance "$BIG" "$DIST")" "$(word 0)" "the distributor after the 2^256-1 batch"
expect_eq "$(balance "$BIG" "$ops")" "$(word 0)" "the key after the 2^256-1 batch"

# Not enough tokens: refused before an approve is sent.
node "$ORACLE/payout-batch.mjs" "eip155:31337/erc20:$BIG" poor.json "$A1=1" >/dev/null
n=$(nonce)
expect_exit 2 royalties distribute poor.json --distributor "$DIST"
expect_grep "^prov: $ops holds 0 units of eip155:31337/erc20:0x[0-9a-fA-F]{40}, and the batch pays 1: give the key the tokens first$" "$TMP/err"
expect_eq "$(nonce)" "$n" "nothing sent without the tokens"

# A payout record of the registry, named by its id (and by a prefix):
# computed by prov royalties compute, funded, claimed.
prov init . >/dev/null
for who in alice curator provider owner ops; do new_identity "$who"; done
id_of() { sed -n 's/.*"id": "\(sha256:[0-9a-f]*\)".*/\1/p' "$TMP/out" | head -n 1; }
B1=0x00000000000000000000000000000000000000B1
B2=0x00000000000000000000000000000000000000b2
mkdir d
echo alpha >d/a.txt
echo beta >d/b.txt
prov register d/a.txt --license CC-BY-4.0 --payout "eip155:31337:$B1" --as alice >/dev/null
prov register d/b.txt --license CC-BY-4.0 --payout "eip155:31337:$B2" --as alice >/dev/null
prov manifest build ds --version 1 --from d --purpose commercial --as curator >/dev/null
printf 'weights' >w.bin
expect_exit 0 prov run record --dataset ds@1 --checkpoint w.bin --as provider --json
expect_exit 0 prov model register m --weights w.bin --run "$(id_of)" --as owner --json
expect_exit 0 prov usage record --model m --period 2026-10 --revenue 1000000 --asset "eip155:31337/erc20:$TOKEN" --decimals 0 --as ops --json
expect_exit 0 prov royalties compute --period 2026-10 --asset "eip155:31337/erc20:$TOKEN" --as owner --json
PAYOUT=$(id_of)
root_of() { sed -nE 's/^  "root": "(0x[0-9a-f]{64})",?$/\1/p' "$TMP/out"; }
PROOT=$(root_of)
expect_grep '"paid": "700000"' "$TMP/out"
expect_grep '"carried_accounts": 0' "$TMP/out"
mint "$TOKEN" "$ops" 700000
expect_exit 0 royalties distribute "$PAYOUT" --distributor "$DIST" --json
expect_grep "^  \"uri\": \"prov:$PAYOUT\",$" "$TMP/out"
expect_grep '^  "total": "700000",$' "$TMP/out"
expect_exit 0 royalties claim "$(echo "${PAYOUT#sha256:}" | cut -c1-12)" --all --distributor "$DIST"
expect_grep "^2 claimed, 0 already claimed, of 2 accounts asked" "$TMP/out"
expect_eq "$(balance "$TOKEN" "$B1")" "$(word 350000)" "B1 from the payout record"
expect_eq "$(balance "$TOKEN" "$B2")" "$(word 350000)" "B2 from the payout record"

# The next period pays the same: same revenue, lineage and policy, nothing
# carried, so the same accounts and amounts and the same root. It is
# another payout record, so another batch: funded (not "already funded")
# and claimed by every account again.
expect_exit 0 prov usage record --model m --period 2026-11 --revenue 1000000 --asset "eip155:31337/erc20:$TOKEN" --decimals 0 --as ops --json
expect_exit 0 prov royalties compute --period 2026-11 --asset "eip155:31337/erc20:$TOKEN" --as owner --json
PAYOUT2=$(id_of)
expect_grep '"carried_accounts": 0' "$TMP/out"
[ -n "$PROOT" ] && [ "$(root_of)" = "$PROOT" ] || fail "the two periods' roots differ: '$PROOT' '$(root_of)'"
[ "$PAYOUT2" != "$PAYOUT" ] || fail "the two periods have one payout record"
mint "$TOKEN" "$ops" 700000
expect_exit 0 royalties distribute "$PAYOUT2" --distributor "$DIST" --json
expect_grep '^  "already_funded": false,$' "$TMP/out"
expect_grep "^  \"id\": \"$PAYOUT2\",$" "$TMP/out"
expect_grep "^  \"root\": \"$PROOT\",$" "$TMP/out"
expect_exit 0 royalties claim "$PAYOUT2" --all --distributor "$DIST"
expect_grep "^2 claimed, 0 already claimed, of 2 accounts asked \(batch $PAYOUT2\)$" "$TMP/out"
expect_exit 0 royalties claim "$PAYOUT" --all --distributor "$DIST"
expect_grep "^0 claimed, 2 already claimed, of 2 accounts asked \(batch $PAYOUT\)$" "$TMP/out"
expect_eq "$(balance "$TOKEN" "$B1")" "$(word 700000)" "B1 from both periods"
expect_eq "$(balance "$TOKEN" "$B2")" "$(word 700000)" "B2 from both periods"
# both batches' events on chain, one root
expect_exit 0 rpc eth_getLogs "[{\"address\":\"$DIST\",\"topics\":[null,null,\"$PROOT\"],\"fromBlock\":\"0x0\"}]"
[ "$(grep -o '"logIndex"' "$TMP/out" | wc -l)" = 2 ] || fail "not two BatchFunded events of root $PROOT"
expect_exit 2 royalties distribute sha256:0000000000000000000000000000000000000000000000000000000000000000 --distributor "$DIST"
expect_grep "^prov: payout sha256:0{64}: no record 'sha256:0{64}'$" "$TMP/err"

expect_exit 0 prov royalties claim --help
expect_grep "^usage: prov royalties claim BATCH\|ID \(--account ADDRESS... \| --all\)" "$TMP/out"
expect_exit 0 prov royalties distribute --help
echo "ok - $TEST_NAME"
