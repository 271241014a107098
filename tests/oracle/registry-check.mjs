// The registry contract's behaviour on a real chain: deploys the committed
// contracts/ProvenanceRegistry.json to a fresh anvil and checks anchor
// (contiguous seq, the Anchored event's topics and data, the first anchor
// of a root wins, a second reverts with AlreadyAnchored, a zero root with
// ZeroRoot), anchoredAt (the anchoring block and its time) and verify
// (proofs from @openzeppelin/merkle-tree: true for each leaf, false for
// another root, another leaf or a changed proof). Prints one line a check
// ("check: ..."); exits 0 when all hold, 1 when one does not, 2 when the
// chain cannot be used. Used by tests/e2e/t0280-contracts.sh.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { keccak256 } from 'ethereum-cryptography/keccak.js';
import { deploy, receipt, rpc, startAnvil, stopAnvil } from './anvil.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const artifact = JSON.parse(readFileSync(join(here, '..', '..', 'contracts', 'ProvenanceRegistry.json'), 'utf8'));
const hex = (b) => Buffer.from(b).toString('hex');
const sel = (sig) => hex(keccak256(Buffer.from(sig))).slice(0, 8);
const word = (n) => BigInt(n).toString(16).padStart(64, '0');
const b32 = (h) => h.replace(/^0x/, '').toLowerCase().padStart(64, '0');

let failed = 0;
function check(ok, what) {
  console.log(`check: ${what}: ${ok ? 'holds' : 'FAILS'}`);
  if (!ok) failed++;
}

// anchor(bytes32,uint64,string): root, count, then the string's offset
// (3 head words), its length and its bytes padded to a word.
function anchorData(root, count, uri) {
  const u = Buffer.from(uri, 'utf8');
  const padded = hex(Buffer.concat([u, Buffer.alloc((32 - (u.length % 32)) % 32)]));
  return `0x${sel('anchor(bytes32,uint64,string)')}${b32(root)}${word(count)}${word(0x60)}${word(u.length)}${padded}`;
}

function verifyData(root, leaf, proof) {
  return `0x${sel('verify(bytes32,bytes32,bytes32[])')}${b32(root)}${b32(leaf)}${word(0x60)}${word(proof.length)}${proof.map(b32).join('')}`;
}

async function main() {
  const url = await startAnvil();
  const [from] = await rpc(url, 'eth_accounts', []);
  const to = await deploy(url, artifact.bytecode);
  const code = await rpc(url, 'eth_getCode', [to, 'latest']);
  check(code === artifact.deployedBytecode, 'the deployed code is the committed runtime bytecode');

  const tree = StandardMerkleTree.of([[`0x${'11'.repeat(32)}`], [`0x${'22'.repeat(32)}`], [`0x${'33'.repeat(32)}`]], ['bytes32']);
  const roots = [tree.root, `0x${'ab'.repeat(32)}`];
  const topic0 = `0x${hex(keccak256(Buffer.from('Anchored(uint64,bytes32,address,uint64,string)')))}`;
  for (const [i, root] of roots.entries()) {
    const tx = await rpc(url, 'eth_sendTransaction', [{ from, to, data: anchorData(root, 3 + i, `prov:test/${i}`) }]);
    const r = await receipt(url, tx);
    check(r.status === '0x1', `anchor ${i + 1} succeeds`);
    const log = r.logs[0];
    check(r.logs.length === 1 && log.address.toLowerCase() === to.toLowerCase() && log.topics.length === 4 &&
      log.topics[0] === topic0 && log.topics[1] === `0x${word(i + 1)}` && log.topics[2] === `0x${b32(root)}` &&
      log.topics[3] === `0x${b32(from)}`, `anchor ${i + 1}: Anchored(seq ${i + 1}, root, submitter) topics`);
    const uri = Buffer.from(`prov:test/${i}`);
    check(log.data === `0x${word(3 + i)}${word(0x40)}${word(uri.length)}${hex(uri).padEnd(64, '0')}`,
      `anchor ${i + 1}: count and uri in the data`);
    const at = await rpc(url, 'eth_call', [{ to, data: `0x${sel('anchoredAt(bytes32)')}${b32(root)}` }, 'latest']);
    const block = await rpc(url, 'eth_getBlockByNumber', [r.blockNumber, false]);
    check(at === `0x${word(r.blockNumber)}${word(block.timestamp)}${word(i + 1)}${b32(from)}`,
      `anchoredAt(root ${i + 1}) is its block, time, seq and submitter`);
  }
  const count = await rpc(url, 'eth_call', [{ to, data: `0x${sel('anchorCount()')}` }, 'latest']);
  check(count === `0x${word(2)}`, 'anchorCount is 2');

  // The first anchor wins: a second one reverts, naming the first seq.
  let reverted = null;
  try {
    await rpc(url, 'eth_call', [{ from, to, data: anchorData(roots[0], 9, 'again') }, 'latest']);
  } catch (e) {
    reverted = e.data;
  }
  check(reverted === `0x${sel('AlreadyAnchored(bytes32,uint64)')}${b32(roots[0])}${word(1)}`,
    'anchoring a root again reverts with AlreadyAnchored(root, 1)');
  reverted = null;
  try {
    await rpc(url, 'eth_call', [{ from, to, data: anchorData(`0x${'00'.repeat(32)}`, 1, '') }, 'latest']);
  } catch (e) {
    reverted = e.data;
  }
  check(reverted === `0x${sel('ZeroRoot()')}`, 'a zero root reverts with ZeroRoot');
  const never = await rpc(url, 'eth_call', [{ to, data: `0x${sel('anchoredAt(bytes32)')}${b32('cd'.repeat(32))}` }, 'latest']);
  check(never === `0x${word(0).repeat(4)}`, 'anchoredAt of a root never anchored is all zero');

  const call = async (root, leaf, proof) =>
    (await rpc(url, 'eth_call', [{ to, data: verifyData(root, leaf, proof) }, 'latest'])) === `0x${word(1)}`;
  let all = true;
  for (const [i, v] of tree.entries()) all = all && (await call(tree.root, tree.leafHash(v), tree.getProof(i)));
  check(all, 'verify is true for every leaf of a 3-leaf tree');
  const p0 = tree.getProof(0);
  check(!(await call(roots[1], tree.leafHash(tree.at(0)), p0)), 'verify is false under another root');
  check(!(await call(tree.root, tree.leafHash(tree.at(1)), p0)), 'verify is false for another leaf');
  check(!(await call(tree.root, tree.leafHash(tree.at(0)), [b32('99'.repeat(32)), ...p0.slice(1)].map((h) => `0x${b32(h)}`))),
    'verify is false for a changed proof');
}

try {
  await main();
} catch (e) {
  process.stderr.write(`registry-check: ${e.message}\n`);
  await stopAnvil();
  process.exit(2);
}
await stopAnvil();
process.exit(failed ? 1 : 0);
