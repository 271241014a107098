# prov manifest prove / verify-proof against OpenZeppelin on both sides: our
# proofs verify with MerkleProof.verify in Solidity (tests/oracle/ProofCheck.sol,
# compiled by solc-js, on a throwaway anvil) and with @openzeppelin/merkle-tree;
# that library's proofs for the same leaves verify with the contract and with
# verify-proof. Another root, a tampered proof element, a wrong leaf: false
# everywhere.
. "$(dirname "$0")/lib.sh"
ORACLE="$ROOT/tests/oracle"
[ -d "$ORACLE/node_modules/solc" ] || fail "run scripts/npm-deps.sh"

# edit IN OUT JS: writes OUT, the proof IN after the statement JS on it (p).
edit() {
	node -e 'const fs = require("fs");
		let p = JSON.parse(fs.readFileSync(process.argv[1]));
		const flip = h => h.slice(0, -1) + (h.endsWith("0") ? "1" : "0");
		'"$3"'; fs.writeFileSync(process.argv[2], JSON.stringify(p));' "$1" "$2"
}

prov init . >/dev/null
new_identity curator
mkdir data one
for i in 1 2 3 4 5 6 7; do echo "item $i" >data/f$i.txt; done
echo "alone" >one/only.txt
prov register data/f*.txt one/only.txt --license CC0-1.0 --as curator >/dev/null
prov manifest build seven --version 1 --from data --purpose commercial --as curator >/dev/null
prov manifest build one --version 1 --from one --purpose commercial --as curator >/dev/null

# Every item of both (first, middle, last in leaf order among them), by hash.
prov manifest show seven@1 --items --json |
	sed -n 's/.*"sha256": "\([0-9a-f]\{64\}\)".*/\1/p' >hashes
expect_eq "$(wc -l <hashes | tr -d ' ')" 7
n=0
while read -r h; do
	n=$((n + 1))
	prov manifest prove seven@1 "$h" >p$n.json
done <hashes
prov manifest prove one@1 one/only.txt >p-one.json
grep -q '"proof": \[\]' p-one.json || fail "a one-item tree's proof is not empty"
good="p1.json p2.json p3.json p4.json p5.json p6.json p7.json p-one.json"

# Proofs that must not verify.
root1=$(sed -n 's/.*"root": "\(0x[0-9a-f]*\)".*/\1/p' p-one.json)
edit p4.json other-root.json "p.root = \"$root1\""
edit p-one.json one-other-root.json "p.root = JSON.parse(fs.readFileSync(\"p1.json\")).root"
edit p1.json tampered.json 'p.proof[1] = flip(p.proof[1])'
edit p7.json tampered-last.json 'p.proof[p.proof.length - 1] = flip(p.proof[p.proof.length - 1])'
edit p4.json wrong-leaf.json "p.leaf = [\"0x$(sed -n 5p hashes)\"]"
edit p-one.json one-wrong-leaf.json 'p.leaf = [flip(p.leaf[0])]'
bad="other-root.json one-other-root.json tampered.json tampered-last.json wrong-leaf.json one-wrong-leaf.json"

# OpenZeppelin's tree over the same leaves: our root; its proofs (getProof)
# written as prove writes them.
sed 's/^/["0x/; s/$/"]/' hashes | paste -sd, - |
	sed 's/^/{"types":["bytes32"],"values":[/; s/$/]}/' | node "$ORACLE/oz-merkle.mjs" >oz-tree.json
root=$(sed -n 's/.*"root": "\(0x[0-9a-f]*\)".*/\1/p' p1.json)
grep -q "\"root\":\"$root\"" oz-tree.json || fail "OpenZeppelin computes another root"
n=0
while read -r h; do
	edit oz-tree.json oz$n.json "p = {root: p.root, leaf: [\"0x$h\"], proof: p.proofs[$n]}"
	n=$((n + 1))
done <hashes
oz="oz0.json oz3.json oz6.json"

# prov verify-proof: ours and OpenZeppelin's valid, the rest not.
for p in $good $oz; do expect_exit 0 prov manifest verify-proof "$p"; done
for p in $bad; do expect_exit 1 prov manifest verify-proof "$p"; done

# OpenZeppelin's StandardMerkleTree.verify: ours valid, the rest not.
node -e 'const fs = require("fs");
	console.log(JSON.stringify(process.argv.slice(1).map(f => JSON.parse(fs.readFileSync(f)))
		.map(p => ({root: p.root, types: ["bytes32"], value: p.leaf, proof: p.proof}))));' \
	$good $bad | node "$ORACLE/oz-merkle.mjs" verify | paste -sd' ' - >oz-verdicts
expect_eq "$(cat oz-verdicts)" "true true true true true true true true false false false false false false"

# Solidity: one compile, one chain, every proof.
expect_exit 0 node "$ORACLE/sol-verify.mjs" $good $oz --expect false $bad
expect_grep '^17 proofs, 17 as expected$' "$TMP/out"
for p in $good $oz; do expect_grep "^$p: MerkleProof.verify true, as expected$" "$TMP/out"; done
for p in $bad; do expect_grep "^$p: MerkleProof.verify false, as expected$" "$TMP/out"; done

# A wrong expectation is reported and fails the run; bad input is refused.
expect_exit 1 node "$ORACLE/sol-verify.mjs" --expect false p2.json
expect_grep '^p2.json: MerkleProof.verify true, EXPECTED false$' "$TMP/out"
echo '{"root": "0x12"}' >junk.json
expect_exit 2 node "$ORACLE/sol-verify.mjs" junk.json
expect_grep 'not a bytes32 inclusion proof' "$TMP/err"
