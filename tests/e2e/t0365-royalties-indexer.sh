#!/bin/sh
# prov-indexer mirrors a royalties payout end to end: a payout record
# computed by prov royalties compute in a registry (five accounts, paid in
# a test token on anvil), funded with prov royalties distribute on a
# distributor deployed by prov contracts deploy --distributor, claimed by
# every account with claim --all, then indexed with --distributor and
# --registry. Exact rows: payout_batches (the batch's root and paid
# total), claims (one per paid line, its amount), and the payouts view
# joining them to the record (its id, period, asset and pool).
. "$(dirname "$0")/lib.sh"
IDX=$(dirname "$PROV")/prov-indexer
[ -x "$IDX" ] || fail "no prov-indexer next to $PROV"
ORACLE=$ROOT/tests/oracle
[ -d "$ORACLE/node_modules/@openzeppelin/merkle-tree" ] || fail "run scripts/npm-deps.sh"

anvil_start
pg_start
dev0=$(rpc_result eth_accounts '[]' | sed -E 's/.*"(0x[0-9a-fA-F]{40})".*/\1/')
addr_word() { printf '%064s' "$(echo "${1#0x}" | tr 'A-F' 'a-f')" | tr ' ' 0; }
word() { node -e 'console.log(BigInt(process.argv[1]).toString(16).padStart(64, "0"))' "$1"; }
mint() { # mint TOKEN TO AMOUNT, from anvil's account 0
	rpc eth_sendTransaction "[{\"from\":\"$dev0\",\"to\":\"$1\",\"data\":\"0x40c10f19$(addr_word "$2")$(word "$3")\"}]" >send.out
	expect_grep '"result":"0x[0-9a-f]{64}"' send.out
}
# jq_ FILE EXPR: a JavaScript expression of the JSON in FILE (as j), printed.
jq_() { node -e 'const j = JSON.parse(require("fs").readFileSync(process.argv[1])); console.log(eval(process.argv[2]))' "$1" "$2"; }

# The chain: a key with ether, prov's two contracts, and a test token (the
# oracle's, whose own distributor is not used).
expect_exit 0 prov chain key new ops --no-passphrase
ops=$(cat "$TMP/out")
rpc anvil_setBalance "[\"$ops\",\"0x56bc75e2d63100000\"]" >/dev/null
address_of() { sed -nE 's/^  "address": "(0x[0-9a-fA-F]{40})",?$/\1/p' "$TMP/out"; }
expect_exit 0 prov contracts deploy --rpc "$ANVIL_URL" --key ops --json
REG=$(address_of)
expect_exit 0 prov contracts deploy --distributor --rpc "$ANVIL_URL" --key ops --json
DIST=$(address_of)
[ -n "$REG" ] && [ -n "$DIST" ] && [ "$REG" != "$DIST" ] || fail "deployed addresses '$REG' '$DIST'"
set -- $(node "$ORACLE/distributor.mjs" "$ANVIL_URL" deploy)
TOKEN=${1#token=}
ASSET="eip155:31337/erc20:$TOKEN"

# The registry: alice's two works and bob's one in ds@1, a run, a model and
# its usage; the curator, provider and owner paid by the policy's accounts.
prov init . >/dev/null
for who in alice bob curator provider owner ops; do new_identity "$who"; done
did() { prov id show "$1" --json | sed -n 's/.*"did": "\(did:key:[^"]*\)".*/\1/p'; }
id_of() { sed -n 's/.*"id": "\(sha256:[0-9a-f]*\)".*/\1/p' "$TMP/out" | head -n 1; }
ACC_ALICE=0x00000000000000000000000000000000000000A1
ACC_BOB=0x00000000000000000000000000000000000000b2
ACC_CURATOR=0x00000000000000000000000000000000000000C3
ACC_PROVIDER=0x00000000000000000000000000000000000000d4
ACC_OWNER=0x00000000000000000000000000000000000000e5
mkdir d
echo alpha >d/a.txt
echo beta >d/b.txt
echo gamma >d/c.txt
prov register d/a.txt d/c.txt --license CC-BY-4.0 --payout "eip155:31337:$ACC_ALICE" --as alice >/dev/null
prov register d/b.txt --license CC-BY-4.0 --payout "eip155:31337:$ACC_BOB" --as bob >/dev/null
prov manifest build ds --version 1 --from d --purpose commercial --as curator >/dev/null
printf 'weights' >w.bin
expect_exit 0 prov run record --dataset ds@1 --checkpoint w.bin --as provider --json
expect_exit 0 prov model register m --weights w.bin --run "$(id_of)" --as owner --json
cat >policy.json <<EOF
{"shares": {"creators": 6000, "curators": 1000, "provider": 1000, "owner": 1000, "treasury": 1000},
 "creator_weight": "equal",
 "accounts": {"$(did curator)": "eip155:31337:$ACC_CURATOR",
              "$(did provider)": "eip155:31337:$ACC_PROVIDER",
              "$(did owner)": "eip155:31337:$ACC_OWNER"}}
EOF
expect_exit 0 prov usage record --model m --period 2026-10 --revenue 1000003 --asset "$ASSET" --decimals 0 --as ops --json
expect_exit 0 prov royalties compute --period 2026-10 --asset "$ASSET" --policy policy.json -o batch.json --as owner --json
PAYOUT=$(id_of)
expect_eq "$(jq_ batch.json j.id)" "$PAYOUT" "the batch file's id"
ROOT=$(jq_ batch.json j.payout.root)
PAID=$(jq_ batch.json j.payout.paid)
N=$(jq_ batch.json j.paid.length)
# By hand, of 1000003: alice 400001 1/5 (two works of three, 60%), bob
# 200000 3/5, curator, provider, owner and treasury 100000 3/10 each. The
# floors leave 2 units, to the largest remainders: bob's, then the first
# of the tied tenths, the curator's. The treasury's 100000 is not paid out.
expect_eq "$N" 5 "accounts paid"
expect_eq "$PAID" 900003 "the paid total"
expect_eq "$(jq_ batch.json j.payout.pool)" 1000003 "the pool"
# The batch's lines, as the claims rows will read: lower-case address|amount.
jq_ batch.json 'j.paid.map(p => p.account.slice(2).toLowerCase() + "|" + p.amount).sort().join("\n")' >want-claims
expect_eq "$(tr '\n' ' ' <want-claims)" \
	"00000000000000000000000000000000000000a1|400001 00000000000000000000000000000000000000b2|200001 00000000000000000000000000000000000000c3|100001 00000000000000000000000000000000000000d4|100000 00000000000000000000000000000000000000e5|100000 " \
	"the batch's lines"

# Paid on chain: funded by the record's id, claimed for every account.
royalties() { prov royalties "$@" --rpc "$ANVIL_URL" --key ops --confirmations 1 --poll-ms 50; }
mint "$TOKEN" "$ops" "$PAID"
expect_exit 0 royalties distribute "$PAYOUT" --distributor "$DIST" --json
expect_grep "^  \"root\": \"$ROOT\",$" "$TMP/out"
expect_grep "^  \"total\": \"$PAID\",$" "$TMP/out"
expect_exit 0 royalties claim "$PAYOUT" --all --distributor "$DIST"
expect_grep "^$N claimed, 0 already claimed, of $N accounts asked" "$TMP/out"

# Indexed: both contracts, and the registry.
expect_exit 0 "$IDX" migrate --db "$PGDB"
expect_exit 0 "$IDX" --db "$PGDB" --rpc "$ANVIL_URL" --chain eip155:31337 \
	--registry-contract "$REG" --distributor "$DIST" --registry .prov --once --json
expect_grep '"kind": "distributor"' "$TMP/out"
expect_eq "$(psql_q "SELECT count(*) FROM records WHERE kind = 'payout'")" 1 "payout records loaded"
expect_eq "$(psql_q "SELECT id FROM records WHERE kind = 'payout'")" "$PAYOUT" "the payout record loaded"

# payout_batches: the one batch, its root and paid total, in the token.
expect_eq "$(psql_q "SELECT count(*) FROM payout_batches")" 1 "payout_batches rows"
expect_eq "$(psql_q "SELECT '0x' || encode(root, 'hex'), total, '0x' || encode(token, 'hex'),
	encode(contract, 'hex') FROM payout_batches")" \
	"$ROOT|$PAID|$(echo "$TOKEN" | tr 'A-F' 'a-f')|$(echo "${DIST#0x}" | tr 'A-F' 'a-f')" "the payout_batches row"

# claims: one per paid line, from that root, the line's amount.
expect_eq "$(psql_q "SELECT count(*) FROM claims")" "$N" "claims rows"
expect_eq "$(psql_q "SELECT count(*) FROM claims WHERE '0x' || encode(root, 'hex') = '$ROOT'")" "$N" "claims of the batch's root"
psql_q "SELECT encode(account, 'hex') || '|' || amount FROM claims ORDER BY 1" >got-claims
diff -u want-claims got-claims >&2 || fail "claims differ from the batch's lines"

# The payouts view: the batch joined to its claims and to the record.
expect_eq "$(psql_q "SELECT count(*) FROM payouts")" 1 "payouts rows"
expect_eq "$(psql_q "SELECT '0x' || encode(root, 'hex'), total, claims, claimed, payout_record,
	period, asset, pool FROM payouts")" \
	"$ROOT|$PAID|$N|$PAID|$PAYOUT|$(jq_ batch.json j.payout.period)|$(jq_ batch.json j.payout.asset)|$(jq_ batch.json j.payout.pool)" \
	"the payouts row"
# the record spells the token in EIP-55 (anvil's first deployment, by account 0)
ASSET_CK=eip155:31337/erc20:0x5FbDB2315678afecb367f032d93F642f64180aa3
expect_eq "$(echo "$ASSET_CK" | tr 'A-F' 'a-f')" "$(echo "$ASSET" | tr 'A-F' 'a-f')" "the token's address"
expect_eq "$(psql_q "SELECT period, asset, pool FROM payouts")" "2026-10|$ASSET_CK|1000003" "the record's period, asset and pool"
echo "ok - $TEST_NAME"
