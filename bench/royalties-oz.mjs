// The Node side of bench/royalties.sh: OpenZeppelin's StandardMerkleTree
// over the paid lines bench/royalties wrote, the same (address, uint256)
// values, so the roots must match.
//
//   node bench/royalties-oz.mjs PAID_FILE
//     -> {"n": N, "root": "0x..", "ms": T}
//
// PAID_FILE holds 52-byte lines: a 20-byte address, then the amount as 32
// big-endian bytes. T is the time StandardMerkleTree.of took, in
// milliseconds (ABI encoding, leaf hashes, sort and tree); reading the file
// and building the array of values is not timed, as bench/royalties does
// not time its inputs either. @openzeppelin/merkle-tree comes from
// tests/oracle's node_modules (scripts/npm-deps.sh), the version pinned in
// its package-lock.json.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';

const require = createRequire(new URL('../tests/oracle/package.json', import.meta.url));
const { StandardMerkleTree } = require('@openzeppelin/merkle-tree');

function fail(msg) {
  process.stderr.write(`royalties-oz: ${msg}\n`);
  process.exit(2);
}

const file = process.argv[2];
if (!file) fail('usage: royalties-oz.mjs PAID_FILE');
const raw = readFileSync(file);
if (raw.length === 0 || raw.length % 52) fail(`${file}: not a whole number of 52-byte lines`);
const values = [];
for (let i = 0; i < raw.length; i += 52) {
  const address = '0x' + raw.subarray(i, i + 20).toString('hex');
  const amount = BigInt('0x' + raw.subarray(i + 20, i + 52).toString('hex')).toString();
  values.push([address, amount]);
}
const t0 = process.hrtime.bigint();
const tree = StandardMerkleTree.of(values, ['address', 'uint256']);
const ms = Number(process.hrtime.bigint() - t0) / 1e6;
process.stdout.write(JSON.stringify({ n: values.length, root: tree.root, ms }) + '\n');
