// Checks an anchor record's proofs blob (`prov anchor` writes it beside the
// record, one {"id","proof"} line per anchored record) with references
// other than prov: OpenZeppelin's StandardMerkleTree builds the tree of the
// ids' SHA-256 values and must give the record's root, and
// StandardMerkleTree.verify must accept every line's proof; with --rpc, the
// registry contract on the chain is asked too: anchoredAt(root) must name
// the block, and its verify(root, leaf, proof) (OpenZeppelin's MerkleProof)
// must return true for every SAMPLE-th proof, the first and the last.
// Used by tests/e2e/t0300-anchor.sh.
//
//   node anchor-check.mjs BLOB ROOT [--rpc URL --contract ADDR --block N --sample K]
//
// Prints "check: WHAT: holds|FAILS" lines; exits 0 when all hold, 1 if
// not, 2 for bad input.
import { readFileSync } from 'node:fs';
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { keccak256 } from 'ethereum-cryptography/keccak.js';
import { rpc } from './anvil.mjs';

function fail(msg) {
  process.stderr.write(`anchor-check: ${msg}\n`);
  process.exit(2);
}

const args = process.argv.slice(2);
const opt = (name) => {
  const i = args.indexOf(name);
  return i >= 0 ? args[i + 1] : undefined;
};
const [blobFile, root] = args;
if (!blobFile || !/^0x[0-9a-f]{64}$/.test(root ?? '')) fail('usage: anchor-check.mjs BLOB ROOT [--rpc URL --contract ADDR --block N --sample K]');

let failed = 0;
function check(ok, what) {
  console.log(`check: ${what}: ${ok ? 'holds' : 'FAILS'}`);
  if (!ok) failed++;
}

const lines = readFileSync(blobFile, 'utf8').split('\n');
if (lines.pop() !== '') fail('the blob does not end with a newline');
const entries = lines.map((l, i) => {
  let e;
  try {
    e = JSON.parse(l);
  } catch (err) {
    fail(`line ${i + 1}: ${err.message}`);
  }
  if (!/^sha256:[0-9a-f]{64}$/.test(e.id) || !Array.isArray(e.proof)) fail(`line ${i + 1}: not {"id","proof"}`);
  return { value: `0x${e.id.slice(7)}`, proof: e.proof };
});

const tree = StandardMerkleTree.of(entries.map((e) => [e.value]), ['bytes32']);
check(tree.root === root, `StandardMerkleTree of the ${entries.length} ids has the record's root`);
const bad = entries.filter((e) => !StandardMerkleTree.verify(root, ['bytes32'], [e.value], e.proof)).length;
check(bad === 0, `StandardMerkleTree.verify accepts all ${entries.length} proofs (${bad} refused)`);

const url = opt('--rpc');
if (url) {
  const to = opt('--contract');
  const block = Number(opt('--block'));
  const sample = Number(opt('--sample') ?? '100');
  const hex = (b) => Buffer.from(b).toString('hex');
  const sel = (sig) => hex(keccak256(Buffer.from(sig))).slice(0, 8);
  const word = (n) => BigInt(n).toString(16).padStart(64, '0');
  const b32 = (h) => h.replace(/^0x/, '');
  const at = await rpc(url, 'eth_call', [{ to, data: `0x${sel('anchoredAt(bytes32)')}${b32(root)}` }, 'latest']);
  check(BigInt(`0x${at.slice(2, 66)}`) === BigInt(block), `anchoredAt(root) names block ${block}`);
  let asked = 0;
  let refused = 0;
  for (const [i, e] of entries.entries()) {
    if (i % sample && i !== entries.length - 1) continue;
    const leaf = tree.leafHash([e.value]);
    const data = `0x${sel('verify(bytes32,bytes32,bytes32[])')}${b32(root)}${b32(leaf)}${word(0x60)}${word(e.proof.length)}${e.proof.map(b32).join('')}`;
    const ok = await rpc(url, 'eth_call', [{ to, data }, 'latest']);
    asked++;
    if (ok !== `0x${word(1)}`) refused++;
  }
  check(refused === 0, `the registry's verify accepts ${asked} sampled proofs (${refused} refused)`);
}
process.exit(failed ? 1 : 0);
