#!/bin/sh
# prov-indexer mirrors a royalties payout end to end: a payout record
# computed by prov royalties compute in a registry (five accounts, paid in
# a test token on anvil), funded with prov royalties distribute on a
# distributor deployed by prov contracts deploy --distributor, claimed by
# every account with claim --all, then indexed with --distributor and
# --registry. Exact rows: payout_batches (the batch's id, the record's,
# its root and paid total), claims (one per paid line, of that id, its
# amount), and the payouts view joining them to the record by id (its id,
# period, asset and pool). A second period of the same amounts has the
# same root and another record: two batches, each with its own claims.
. "$(dirname "$0")/lib.sh"
IDX=$(dirname "$PROV")/prov-indexer
[ -x "$IDX" ] || fail "no prov-indexer next to $PROV"
ORACLE=$ROOT/tests/oracle
DOCS=$ROOT/docs # ROOT is the batch's root below
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
ID=${PAYOUT#sha256:} # the batch's id on chain: the record id's 32 bytes
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

# The next period: the same usage, so the same amounts and the same root,
# in another record. Funded by its own id; alice and bob claim.
expect_exit 0 prov usage record --model m --period 2026-11 --revenue 1000003 --asset "$ASSET" --decimals 0 --as ops --json
expect_exit 0 prov royalties compute --period 2026-11 --asset "$ASSET" --policy policy.json -o batch2.json --as owner --json
PAYOUT2=$(id_of)
ID2=${PAYOUT2#sha256:}
[ "$PAYOUT2" != "$PAYOUT" ] || fail "the second period's record is the first's"
expect_eq "$(jq_ batch2.json j.payout.root)" "$ROOT" "the second period's root"
expect_eq "$(jq_ batch2.json j.payout.paid)" "$PAID" "the second period's paid total"
mint "$TOKEN" "$ops" "$PAID"
expect_exit 0 royalties distribute "$PAYOUT2" --distributor "$DIST" --json
expect_grep "^  \"root\": \"$ROOT\",$" "$TMP/out"
expect_exit 0 royalties claim "$PAYOUT2" --account "$ACC_ALICE" --account "$ACC_BOB" --distributor "$DIST"
expect_grep "^2 claimed, 0 already claimed, of 2 accounts asked" "$TMP/out"

# Indexed: both contracts, and the registry.
expect_exit 0 "$IDX" migrate --db "$PGDB"
expect_exit 0 "$IDX" --db "$PGDB" --rpc "$ANVIL_URL" --chain eip155:31337 \
	--registry-contract "$REG" --distributor "$DIST" --registry .prov --once --json
expect_grep '"kind": "distributor"' "$TMP/out"
expect_eq "$(psql_q "SELECT count(*) FROM records WHERE kind = 'payout'")" 2 "payout records loaded"
expect_eq "$(psql_q "SELECT id FROM records WHERE kind = 'payout' ORDER BY payload ->> 'period'")" \
	"$(printf '%s\n%s' "$PAYOUT" "$PAYOUT2")" "the payout records loaded"
tok=$(echo "${TOKEN#0x}" | tr 'A-F' 'a-f')
dist=$(echo "${DIST#0x}" | tr 'A-F' 'a-f')

# payout_batches: two batches of one root, by their records' ids, each
# with the paid total, in the token, in funding order.
expect_eq "$(psql_q "SELECT count(*), count(DISTINCT id), count(DISTINCT root) FROM payout_batches")" "2|2|1" "payout_batches rows"
expect_eq "$(psql_q "SELECT encode(id, 'hex'), '0x' || encode(root, 'hex'), total, encode(token, 'hex'),
	encode(contract, 'hex') FROM payout_batches ORDER BY block_number, log_index")" \
	"$(printf '%s\n%s' "$ID|$ROOT|$PAID|$tok|$dist" "$ID2|$ROOT|$PAID|$tok|$dist")" "the payout_batches rows"

# claims: one per paid line of the first batch, by its id, the line's
# amount; alice's and bob's of the second, by the second id.
expect_eq "$(psql_q "SELECT count(*) FROM claims")" "$((N + 2))" "claims rows"
expect_eq "$(psql_q "SELECT count(*) FROM claims WHERE batch = '\\x$ID'")" "$N" "claims of the first batch"
psql_q "SELECT encode(account, 'hex') || '|' || amount FROM claims WHERE batch = '\\x$ID' ORDER BY 1" >got-claims
diff -u want-claims got-claims >&2 || fail "claims differ from the batch's lines"
grep -E '^0+(a1|b2)\|' want-claims >want-claims2
psql_q "SELECT encode(account, 'hex') || '|' || amount FROM claims WHERE batch = '\\x$ID2' ORDER BY 1" >got-claims2
diff -u want-claims2 got-claims2 >&2 || fail "the second batch's claims differ from alice's and bob's lines"
CLAIMED2=$(awk -F'|' '{ s += $2 } END { print s }' want-claims2)
expect_eq "$CLAIMED2" 600002 "alice's and bob's amounts"

# The payouts view: each batch joined by id to its claims and its record.
expect_eq "$(psql_q "SELECT count(*) FROM payouts")" 2 "payouts rows"
expect_eq "$(psql_q "SELECT encode(batch, 'hex'), '0x' || encode(root, 'hex'), total, claims, claimed,
	payout_record, period, asset, pool FROM payouts ORDER BY block_number")" \
	"$(printf '%s\n%s' \
		"$ID|$ROOT|$PAID|$N|$PAID|$PAYOUT|$(jq_ batch.json j.payout.period)|$(jq_ batch.json j.payout.asset)|$(jq_ batch.json j.payout.pool)" \
		"$ID2|$ROOT|$PAID|2|$CLAIMED2|$PAYOUT2|$(jq_ batch2.json j.payout.period)|$(jq_ batch2.json j.payout.asset)|$(jq_ batch2.json j.payout.pool)")" \
	"the payouts rows"
# the record spells the token in EIP-55 (anvil's first deployment, by account 0)
ASSET_CK=eip155:31337/erc20:0x5FbDB2315678afecb367f032d93F642f64180aa3
expect_eq "$(echo "$ASSET_CK" | tr 'A-F' 'a-f')" "$(echo "$ASSET" | tr 'A-F' 'a-f')" "the token's address"
expect_eq "$(psql_q "SELECT period, asset, pool FROM payouts ORDER BY period")" \
	"$(printf '%s\n%s' "2026-10|$ASSET_CK|1000003" "2026-11|$ASSET_CK|1000003")" "the records' period, asset and pool"

# docs/indexer.md's payouts query: a row per claim, under its batch's
# record, with the creator the account pays (NULL for the curator,
# provider and owner, whose accounts are not in a work).
sed -n '/^-- query: payouts$/,/^$/p' "$DOCS/indexer.md" >q.sql
[ -s q.sql ] || fail "no query payouts in docs/indexer.md"
psql_q <q.sql >got-q
alice=$(did alice)
bob=$(did bob)
{
	while IFS='|' read -r acc amt; do
		case $acc in *a1) who=$alice ;; *b2) who=$bob ;; *) who= ;; esac
		echo "$PAYOUT|2026-10|$PAID|$N|$PAID|$who|$amt"
	done <want-claims
	echo "$PAYOUT2|2026-11|$PAID|2|$CLAIMED2|$alice|400001"
	echo "$PAYOUT2|2026-11|$PAID|2|$CLAIMED2|$bob|200001"
} >want-q
diff -u want-q got-q >&2 || fail "docs/indexer.md's payouts query"
echo "ok - $TEST_NAME"
