// Writes a payout batch file (docs/royalties.md, "The batch file") from
// (address, amount) pairs, its root from OpenZeppelin's StandardMerkleTree
// of ["address", "uint256"]: an oracle made without prov, which prov must
// accept, root and all. For tests/e2e/t0360-royalties-chain.sh.
//
//   node tests/oracle/payout-batch.mjs [--no-id] [--proofs FILE] ASSET OUT [ADDRESS=AMOUNT...]
//
// ASSET is "eip155:<chain>/erc20:<token>"; AMOUNT is decimal base units,
// 1 to 2^256-1. The payout pays every pair, carries nothing, and has an
// empty report; with no pairs it pays nobody (root zero). Prints the root.
// --proofs writes {"root", "proofs": {"<EIP-55 address>": {"amount",
// "proof"}}} from tree.getProof. --no-id leaves out the batch's "id".
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';
import { keccak256 } from 'ethereum-cryptography/keccak.js';

function usage(msg) {
  process.stderr.write(`payout-batch.mjs: ${msg}\n` +
    'usage: node tests/oracle/payout-batch.mjs [--no-id] [--proofs FILE] ASSET OUT [ADDRESS=AMOUNT...]\n');
  process.exit(2);
}

// EIP-55: a hex digit is upper case when its nibble of keccak256(lower
// case hex) is 8 or more.
function checksum(addr) {
  if (!/^0x[0-9a-fA-F]{40}$/.test(addr)) usage(`not an address: ${addr}`);
  const lower = addr.slice(2).toLowerCase();
  const h = Buffer.from(keccak256(Buffer.from(lower))).toString('hex');
  return '0x' + [...lower].map((c, i) => (parseInt(h[i], 16) >= 8 ? c.toUpperCase() : c)).join('');
}

// RFC 8785 for what these documents hold: objects, arrays, strings and
// small integers, keys sorted (all ASCII, so by code unit).
function jcs(v) {
  if (Array.isArray(v)) return `[${v.map(jcs).join(',')}]`;
  if (v !== null && typeof v === 'object')
    return `{${Object.keys(v).sort().map((k) => `${JSON.stringify(k)}:${jcs(v[k])}`).join(',')}}`;
  return JSON.stringify(v);
}

const sha256 = (s) => createHash('sha256').update(s).digest('hex');
const linesBlob = (lines) => lines.map((l) => jcs(l) + '\n').join('');

const args = process.argv.slice(2);
let withId = true;
let proofsFile = null;
while (args[0]?.startsWith('--')) {
  const opt = args.shift();
  if (opt === '--no-id') withId = false;
  else if (opt === '--proofs') proofsFile = args.shift() ?? usage('--proofs needs a FILE');
  else usage(`unknown option ${opt}`);
}
const [asset, out, ...pairs] = args;
const m = /^eip155:([1-9][0-9]*)\/erc20:(0x[0-9a-fA-F]{40})$/.exec(asset ?? '');
if (!m || !out) usage('give ASSET (eip155:N/erc20:ADDRESS) and OUT');

const paid = pairs.map((p) => {
  const [a, amount] = p.split('=');
  if (!/^[1-9][0-9]*$/.test(amount ?? '') || BigInt(amount) >= 1n << 256n) usage(`not an amount from 1 to 2^256-1: ${p}`);
  return { account: checksum(a), amount };
});
// Ascending by address bytes: the lower-case hex sorts the same.
paid.sort((x, y) => (x.account.toLowerCase() < y.account.toLowerCase() ? -1 : 1));
for (let i = 1; i < paid.length; i++)
  if (paid[i].account === paid[i - 1].account) usage(`${paid[i].account} given twice`);

const total = paid.reduce((s, l) => s + BigInt(l.amount), 0n);
if (total >= 1n << 256n) usage('the amounts add up to more than 2^256-1');
const tree = paid.length ? StandardMerkleTree.of(paid.map((l) => [l.account, l.amount]), ['address', 'uint256']) : null;
const root = tree ? tree.root : '0x' + '00'.repeat(32);

const payout = {
  accounts: paid.length,
  amounts: sha256(linesBlob(paid)),
  asset: `eip155:${m[1]}/erc20:${checksum(m[2])}`,
  by: 'did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH',
  carried: '0',
  carried_in: '0',
  carry: sha256(''),
  decimals: 18,
  kind: 'payout',
  paid: total.toString(),
  period: '2026-10',
  policy: { minimum: '1' },
  pool: total.toString(),
  report: sha256(''),
  revenue: total.toString(),
  root,
  treasury: '0',
  usage: [],
};
const doc = { carried: [], paid, payout, report: [] };
if (withId) doc.id = 'sha256:' + sha256(jcs(payout));
writeFileSync(out, jcs(doc) + '\n');

if (proofsFile) {
  const proofs = {};
  if (tree) for (const [i, [account, amount]] of tree.entries()) proofs[account] = { amount, proof: tree.getProof(i) };
  writeFileSync(proofsFile, JSON.stringify({ root, proofs }, null, 1) + '\n');
}
console.log(root);
