# prov usage and prov royalties compute/show/verify/export: exact amounts
# worked out by hand, the ledger across two periods, a derived model's
# parent lineage, OpenZeppelin's tree for the root and proofs, the same
# bytes on every run, and bad input refused.
. "$(dirname "$0")/lib.sh"

OZ=$ROOT/tests/oracle/oz-merkle.mjs
prov init . >/dev/null
for who in alice bob carol curator provider owner ops; do new_identity "$who"; done
did() { prov id show "$1" --json | sed -n 's/.*"did": "\(did:key:[^"]*\)".*/\1/p'; }
id_of() { sed -n 's/.*"id": "\(sha256:[0-9a-f]*\)".*/\1/p' "$TMP/out" | head -n 1; }
ACC_ALICE=0x0000000000000000000000000000000000000001
ACC_BOB=0x0000000000000000000000000000000000000002
ACC_CURATOR=0x0000000000000000000000000000000000000003
ACC_PROVIDER=0x0000000000000000000000000000000000000004
ACC_OWNER=0x0000000000000000000000000000000000000005
TOKEN=0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed
ASSET=eip155:31337/erc20:0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed

# base: four works in one dataset. Carol names no payout account.
mkdir d d2
echo "alpha" >d/a.txt
echo "beta" >d/b.txt
echo "gamma" >d/c.txt
echo "delta" >d/d.txt
echo "epsilon" >d2/e.txt
prov register d/a.txt d/c.txt --license CC-BY-4.0 --payout eip155:31337:$ACC_ALICE --as alice >/dev/null
prov register d/b.txt d2/e.txt --license CC0-1.0 --payout eip155:31337:$ACC_BOB --as bob >/dev/null
prov register d/d.txt --license CC-BY-4.0 --as carol >/dev/null
prov manifest build ds --version 1 --from d --purpose commercial --as curator >/dev/null
printf 'base weights' >base.bin
expect_exit 0 prov run record --dataset ds@1 --checkpoint base.bin --as provider --json
run=$(id_of)
expect_exit 0 prov model register base --weights base.bin --run "$run" --as owner --json
# tuned: from base, on a dataset of bob's e.txt alone
prov manifest build ds2 --version 1 --from d2 --purpose commercial --as curator >/dev/null
printf 'tuned weights' >tuned.bin
expect_exit 0 prov run record --dataset ds2@1 --checkpoint tuned.bin --as provider --json
run2=$(id_of)
expect_exit 0 prov model register tuned --weights tuned.bin --run "$run2" --parent base --as owner --json

cat >policy.json <<EOF
{"shares": {"creators": 6000, "curators": 1000, "provider": 1000, "owner": 1000, "treasury": 1000},
 "creator_weight": "equal", "licenses": {"CC0-1.0": 5000}, "parent": 5000,
 "optouts_after_training": "treasury", "minimum": "10", "max_accounts": 1000,
 "accounts": {"$(did curator)": "eip155:31337:$ACC_CURATOR",
              "$(did provider)": "eip155:31337:$ACC_PROVIDER",
              "$(did owner)": "eip155:31337:$ACC_OWNER"}}
EOF

# ---- usage records --------------------------------------------------------
expect_exit 0 prov usage record --model base --period 2026-09 --revenue 100 --asset "eip155:31337/erc20:$TOKEN" --decimals 0 --units 12345 --as ops --json
expect_grep '"revenue": "100"' "$TMP/out"
expect_grep "\"asset\": \"$ASSET\"" "$TMP/out"
expect_grep '"units": "12345"' "$TMP/out"
expect_grep "\"operator\": \"$(did ops)\"" "$TMP/out"
# Amounts as people write them, kept in base units.
expect_exit 0 prov usage record --model base --period 2026-08 --revenue 1250.5 --asset "$ASSET" --decimals 6 --as ops --json
expect_grep '"revenue": "1250500000"' "$TMP/out"
# Bad input: each refused with what is wrong, nothing written.
before=$(git -C .prov rev-list --count HEAD)
bad_usage() {
	expect_exit 2 prov usage record --model base --period "$1" --revenue "$2" --asset "$3" --decimals "$4" --as ops
	expect_grep "$5" "$TMP/err"
}
bad_usage 2026-09 -5 "$ASSET" 0 "negative"
bad_usage 2026-09 1.2345678 "$ASSET" 6 "more than 6 decimals"
bad_usage 2026-09 abc "$ASSET" 0 "not a decimal number"
bad_usage 2026-09 1e3 "$ASSET" 0 "not a decimal number"
bad_usage 2026-09 115792089237316195423570985008687907853269984665640564039457584007913129639936 "$ASSET" 0 "over 2\\^256-1"
bad_usage 2026-09 1 "eip155:31337/erc20:0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD" 0 "checksum"
bad_usage 2026-09 1 "eip155:31337/erc20:0x1234" 0 "asset"
bad_usage 2026-09 1 "bitcoin" 0 "asset"
bad_usage 2026-13 1 "$ASSET" 0 "period"
bad_usage 2026-9 1 "$ASSET" 0 "period"
bad_usage 2026-09 1 "$ASSET" 78 "decimals"
expect_exit 2 prov usage record --model nosuch --period 2026-09 --revenue 1 --asset "$ASSET" --decimals 0 --as ops
expect_grep "no model 'nosuch'" "$TMP/err"
expect_eq "$(git -C .prov rev-list --count HEAD)" "$before" "no commit for bad input"

# ---- 2026-09: base earns 100 units --------------------------------------------
# creators 60 over a, c (alice), b (bob), d (carol), 15 each: alice 30; bob's
# CC0 pays half, 7 1/2, the other half to the treasury; carol names no
# account, so hers goes to the treasury too: 22 1/2. Curator, provider,
# owner and treasury 10 each. Floors sum to 99; the unit left goes to a
# largest remainder, bob's 1/2 and the treasury's 1/2 tie, the treasury
# last: bob 8, under the minimum of 10, carried. Treasury 32.
expect_exit 0 prov royalties compute --period 2026-09 --asset "$ASSET" --policy policy.json -o sep.json --as owner
expect_grep '^  pool +100$' "$TMP/out"
expect_grep '^  paid +60$' "$TMP/out"
expect_grep '^  carried +8$' "$TMP/out"
expect_grep '^  treasury +32$' "$TMP/out"
expect_grep '^committed [0-9a-f]{40}$' "$TMP/out"
expect_grep 'unpaid +creator sha256:[0-9a-f]{64}: its work record names no payout account' "$TMP/out"
expect_exit 0 prov royalties export sep.json --csv sep.csv
cat >want.csv <<EOF
account,amount,amount_units,status
$ACC_ALICE,30,30,paid
$ACC_CURATOR,10,10,paid
$ACC_PROVIDER,10,10,paid
$ACC_OWNER,10,10,paid
$ACC_BOB,8,8,carried
EOF
diff -u want.csv sep.csv || fail "2026-09 amounts"
sep=$(node -e 'console.log(JSON.parse(require("fs").readFileSync("sep.json")).id)')

# The root is OpenZeppelin's for the same values, and every exported proof
# verifies with StandardMerkleTree.verify.
node -e '
const fs = require("fs"), b = JSON.parse(fs.readFileSync("sep.json"));
console.log(JSON.stringify({types: ["address", "uint256"], values: b.paid.map(p => [p.account, p.amount])}));
' >values.json
oz_root=$(node "$OZ" <values.json | node -e 'console.log(JSON.parse(require("fs").readFileSync(0)).root)')
expect_eq "$(node -e 'console.log(JSON.parse(require("fs").readFileSync("sep.json")).payout.root)')" "$oz_root" "root against @openzeppelin/merkle-tree"
expect_exit 0 prov royalties export "$sep" --proofs proofs
expect_eq "$(ls proofs | wc -l)" 4 "a proof per paid account"
for f in proofs/*.json; do
	node -e '
const p = JSON.parse(require("fs").readFileSync(process.argv[1]));
console.log(JSON.stringify({root: p.root, types: p.types, value: p.leaf, proof: p.proof}));
' "$f" | node "$OZ" verify >ok.txt
	expect_eq "$(cat ok.txt)" true "proof $f"
done

# The same registry gives the same bytes: computing again writes nothing and
# the same file; show --json is the batch file; verify recomputes it.
expect_exit 0 prov royalties compute --period 2026-09 --asset "$ASSET" --policy policy.json -o again.json --as owner
expect_grep '^already in the registry$' "$TMP/out"
cmp sep.json again.json || fail "a second compute gives other bytes"
expect_exit 0 prov royalties show "$sep" --json
cmp sep.json "$TMP/out" || fail "show --json is not the batch file"
expect_exit 0 prov royalties verify "$sep"
expect_grep "^payout $sep: recomputed from 1 usage record, the same to the last unit" "$TMP/out"
expect_exit 0 prov royalties verify sep.json
expect_exit 0 prov verify
# A batch file needs no registry to be shown or exported.
mkdir -p /tmp/prov-noreg.$$ && cp sep.json /tmp/prov-noreg.$$/
(cd /tmp/prov-noreg.$$ && "$PROV" royalties show sep.json && "$PROV" royalties export sep.json --csv x.csv) >noreg.out 2>&1 ||
	{ cat noreg.out >&2; rm -rf /tmp/prov-noreg.$$; fail "show or export outside a registry"; }
cmp sep.csv /tmp/prov-noreg.$$/x.csv || fail "export outside a registry"
rm -rf /tmp/prov-noreg.$$
expect_grep '^  paid +60$' noreg.out
# A tampered batch file is refused before anything reads its amounts.
sed 's/"amount":"30"/"amount":"31"/' sep.json >tampered.json
expect_exit 2 prov royalties show tampered.json
expect_grep "'paid' or 'carried' is not the sum of its lines" "$TMP/err"

# ---- 2026-10: tuned earns 100 units, bob's 8 carried in -----------------------
# Half the data shares stay with tuned's own dataset (bob's e.txt, CC0: bob
# 15, treasury 15), half go to base's (alice 15, bob 3 3/4, treasury 11 1/4);
# curator 5 + 5; provider, owner, treasury 10. Floors sum to 99; the unit
# left goes to bob's 3/4: 19, and 27 with the 8 carried in. Treasury 36.
expect_exit 0 prov usage record --model tuned --period 2026-10 --revenue 100 --asset "$ASSET" --decimals 0 --as ops
expect_exit 0 prov royalties compute --period 2026-10 --asset "$ASSET" --policy policy.json -o oct.json --as owner --json
expect_grep '"pool": "108"' "$TMP/out"
expect_grep '"treasury": "36"' "$TMP/out"
expect_exit 0 prov royalties export oct.json --csv oct.csv
cat >want.csv <<EOF
account,amount,amount_units,status
$ACC_ALICE,15,15,paid
$ACC_BOB,27,27,paid
$ACC_CURATOR,10,10,paid
$ACC_PROVIDER,10,10,paid
$ACC_OWNER,10,10,paid
EOF
diff -u want.csv oct.csv || fail "2026-10 amounts"
node -e '
const p = JSON.parse(require("fs").readFileSync("oct.json")).payout;
if (p.previous !== process.argv[1]) throw new Error("previous: " + p.previous);
if (p.carried_in !== "8" || p.revenue !== "100" || p.paid !== "72" || p.carried !== "0") throw new Error("sums");
' "$sep"
expect_exit 0 prov royalties verify oct.json

# Each payer's ledger is its own: bob pays a later month of the same asset
# (his own payout, signed by him); the owner's months go on as before (the
# owner's November below is computed, and carries nothing from bob's).
expect_exit 0 prov usage record --model base --period 2027-03 --revenue 7 --asset "$ASSET" --decimals 0 --as ops
expect_exit 0 prov royalties compute --period 2027-03 --asset "$ASSET" --policy policy.json -o bob.json --as bob
node -e '
const p = JSON.parse(require("fs").readFileSync("bob.json")).payout;
if (p.previous !== undefined || p.carried_in !== "0") throw new Error("bob: previous " + p.previous);
'

# Periods go in order: September cannot be paid again now, nor August.
expect_exit 2 prov royalties compute --period 2026-08 --asset "$ASSET" --decimals 6 --as owner
expect_exit 2 prov royalties compute --period 2026-08 --asset "$ASSET" --as owner
expect_grep "2026-10 of $ASSET is paid already: batches go in period order" "$TMP/err"

# ---- verify finds a difference ------------------------------------------------
# Alice opts a.txt out of training after the fact; the policy sends such
# works' shares to the treasury, so September no longer recomputes the same.
prov optout d/a.txt --scope ai_training --as alice >/dev/null
expect_exit 1 prov royalties verify "$sep"
expect_grep '^prov: root: the batch has "0x[0-9a-f]{64}", the registry gives "0x[0-9a-f]{64}"$' "$TMP/err"
expect_grep "^prov: payout $sep does not match the registry$" "$TMP/err"
# A new month reports the opt-out, and sends a.txt's share to the
# treasury as the policy says: alice keeps c.txt's.
expect_exit 0 prov usage record --model base --period 2026-11 --revenue 100 --asset "$ASSET" --decimals 0 --as ops
expect_exit 0 prov royalties compute --period 2026-11 --asset "$ASSET" --policy policy.json -o nov.json --as owner
expect_grep "^report: 1 opted out after training, 1 shares unpaid$" "$TMP/out"
expect_grep "^  opt-out  $(sha256sum d/a.txt | cut -d' ' -f1) in sha256:[0-9a-f]{64}: sha256:[0-9a-f]{64} by $(did alice) \(treasury\)$" "$TMP/out"
# alice: c.txt alone, 60 × 1/4 = 15
expect_exit 0 prov royalties export nov.json --csv nov.csv
expect_grep "^$ACC_ALICE,15,15,paid$" nov.csv

# ---- bad policies, empty lineages, nothing to pay ------------------------------
bad_policy() {
	printf '%s' "$1" >bad.json
	expect_exit 2 prov royalties compute --period 2027-01 --asset "$ASSET" --policy bad.json --as owner
	expect_grep "$2" "$TMP/err"
}
bad_policy '{"shares": {"creators": 9000}}' "shares sum to 9000 basis points, not 10000"
bad_policy '{"shares": {"creators": -1, "treasury": 10001}}' "share 'creators' is not a whole number of basis points"
bad_policy '{"minimun": "5"}' "unknown member 'minimun'"
bad_policy '{"minimum": "-5"}' "policy: 'minimum'"
bad_policy '{"creator_weight": "random"}' "'creator_weight' is not"
bad_policy '{"accounts": {"did:key:z6Mk": "eip155:1:0x12"}}' "policy: account of did:key:z6Mk"
bad_policy '[1]' "not a JSON object"
expect_exit 2 prov royalties compute --period 2027-01 --asset "$ASSET" --as owner
expect_grep "no usage records for 2027-01 in $ASSET" "$TMP/err"
expect_exit 2 prov royalties compute --period 2027-01 --asset "eip155:1/slip44:60" --as owner
expect_grep "royalties are paid in an ERC-20 token" "$TMP/err"

# A lineage with a hole: the run a model names is gone from the registry
# (removed with git behind prov's back). Nothing is paid, nothing written.
printf 'orphan weights' >orphan.bin
expect_exit 0 prov run record --dataset ds@1 --checkpoint orphan.bin --as provider --json
run3=$(id_of)
expect_exit 0 prov model register orphan --weights orphan.bin --run "$run3" --as owner
expect_exit 0 prov usage record --model orphan --period 2026-12 --revenue 5 --asset "$ASSET" --decimals 0 --as ops
hex=${run3#sha256:}
git clone -q .prov hole
git -C hole rm -q "records/run/$(echo "$hex" | cut -c1-2)/$hex.json"
git -C hole -c user.name=t -c user.email=t@t -c commit.gpgsign=false commit -qm "lose a run"
git -C hole push -q origin "HEAD:$(git -C .prov symbolic-ref --short HEAD)"
before=$(git -C .prov rev-list --count HEAD)
expect_exit 2 prov royalties compute --period 2026-12 --asset "$ASSET" --as owner
expect_grep "no run record $run3" "$TMP/err"
expect_eq "$(git -C .prov rev-list --count HEAD)" "$before" "nothing written"
