// The reference prov's Merkle trees (core/merkle.c) are checked against:
// OpenZeppelin's StandardMerkleTree, the version pinned in package.json.
// Install with scripts/npm-deps.sh. Used by tests/unit/core_merkle.c and
// bench/merkle.sh.
//
//   node oz-merkle.mjs < {"types": [...], "values": [[...], ...]}
//     -> {"root": "0x..", "proofs": [[...], ...], "leafHashes": [...]}
//        proofs and leafHashes in input order, from tree.getProof(i) and
//        tree.leafHash(value)
//   node oz-merkle.mjs verify < {"root", "types", "value", "proof"}
//     -> true or false, from StandardMerkleTree.verify; given an array of
//        such objects, one line for each
//   node oz-merkle.mjs root FILE
//     -> {"n": N, "root": "0x..", "ms": T}: the tree of the bytes32 values
//        in FILE (raw, 32 bytes each); T is the time StandardMerkleTree.of
//        took, in milliseconds
import { readFileSync } from 'node:fs';
import { StandardMerkleTree } from '@openzeppelin/merkle-tree';

function fail(msg) {
  process.stderr.write(`oz-merkle: ${msg}\n`);
  process.exit(2);
}

function stdinJSON() {
  try {
    return JSON.parse(readFileSync(0, 'utf8'));
  } catch (e) {
    fail(`bad input: ${e.message}`);
  }
}

const [mode = 'tree', file] = process.argv.slice(2);

if (mode === 'tree') {
  const { types, values } = stdinJSON();
  const tree = StandardMerkleTree.of(values, types);
  const out = {
    root: tree.root,
    proofs: values.map((_, i) => tree.getProof(i)),
    leafHashes: values.map(v => tree.leafHash(v)),
  };
  process.stdout.write(JSON.stringify(out) + '\n');
} else if (mode === 'verify') {
  const input = stdinJSON();
  const one = c => StandardMerkleTree.verify(c.root, c.types, c.value, c.proof);
  const results = Array.isArray(input) ? input.map(one) : [one(input)];
  process.stdout.write(results.join('\n') + '\n');
} else if (mode === 'root' && file) {
  const raw = readFileSync(file);
  if (raw.length % 32) fail(`${file}: not a whole number of 32-byte values`);
  const values = [];
  for (let i = 0; i < raw.length; i += 32)
    values.push(['0x' + raw.subarray(i, i + 32).toString('hex')]);
  const t0 = process.hrtime.bigint();
  const tree = StandardMerkleTree.of(values, ['bytes32']);
  const ms = Number(process.hrtime.bigint() - t0) / 1e6;
  process.stdout.write(JSON.stringify({ n: values.length, root: tree.root, ms }) + '\n');
} else {
  fail('usage: oz-merkle.mjs [tree | verify | root FILE]');
}
