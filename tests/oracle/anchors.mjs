// Makes Anchored events on a running anvil, for prov-indexer's tests:
//
//   node tests/oracle/anchors.mjs URL deploy
//       deploys contracts/ProvenanceRegistry.json from dev account 0;
//       prints its address
//   node tests/oracle/anchors.mjs URL anchor REGISTRY N [--per-block K] [--tag T] [--uri-hex H]
//       sends N anchor(root, count, uri) transactions, K to a block
//       (default 1), with roots keccak256("T/<i>") (T default "t") so each
//       tag's roots differ, count i+1 and uri "T/<i>" (or the bytes H);
//       prints the first and last block the events landed in
//
// Transactions go in JSON-RPC batches of 500 with automine off, then
// evm_mine makes each block: thousands of events in a few seconds. Exits 1
// when a transaction fails, 2 for a usage error.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { keccak256 } from 'ethereum-cryptography/keccak.js';
import { deploy, rpc } from './anvil.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const hex = (b) => Buffer.from(b).toString('hex');
const word = (n) => BigInt(n).toString(16).padStart(64, '0');
const SELECTOR = hex(keccak256(Buffer.from('anchor(bytes32,uint64,string)'))).slice(0, 8);

function usage(msg) {
  process.stderr.write(`anchors.mjs: ${msg}\n`);
  process.exit(2);
}

function calldata(root, count, uri) {
  const padded = Buffer.concat([uri, Buffer.alloc((32 - (uri.length % 32)) % 32)]);
  return `0x${SELECTOR}${hex(root)}${word(count)}${word(0x60)}${word(uri.length)}${hex(padded)}`;
}

async function batch(url, calls) {
  const body = calls.map((c, i) => ({ jsonrpc: '2.0', id: i + 1, method: c[0], params: c[1] }));
  const res = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const replies = await res.json();
  for (const r of replies) if (r.error) throw new Error(`${r.error.message}`);
  return replies.sort((a, b) => a.id - b.id).map((r) => r.result);
}

async function anchor(url, registry, n, perBlock, tag, uriHex) {
  const [from] = await rpc(url, 'eth_accounts', []);
  let nonce = Number(await rpc(url, 'eth_getTransactionCount', [from, 'pending']));
  const hashes = [];
  let first = null;
  let last = null;
  await rpc(url, 'evm_setAutomine', [false]);
  try {
    for (let i = 0; i < n; i += perBlock) {
      const calls = [];
      for (let j = i; j < Math.min(n, i + perBlock); j++) {
        const root = keccak256(Buffer.from(`${tag}/${j}`));
        const uri = uriHex !== null ? Buffer.from(uriHex, 'hex') : Buffer.from(`${tag}/${j}`);
        const tx = { from, to: registry, data: calldata(root, j + 1, uri), gas: '0x30000', nonce: `0x${(nonce++).toString(16)}` };
        calls.push(['eth_sendTransaction', [tx]]);
      }
      for (let k = 0; k < calls.length; k += 500) hashes.push(...(await batch(url, calls.slice(k, k + 500))));
      await rpc(url, 'evm_mine', []);
    }
  } finally {
    await rpc(url, 'evm_setAutomine', [true]);
  }
  for (let k = 0; k < hashes.length; k += 500) {
    const receipts = await batch(url, hashes.slice(k, k + 500).map((h) => ['eth_getTransactionReceipt', [h]]));
    for (const r of receipts) {
      if (!r || r.status !== '0x1') throw new Error(`anchor transaction failed: ${JSON.stringify(r)}`);
      const b = Number(r.blockNumber);
      if (first === null || b < first) first = b;
      if (last === null || b > last) last = b;
    }
  }
  console.log(`first=${first} last=${last}`);
}

const [url, cmd, ...rest] = process.argv.slice(2);
if (!url || !cmd) usage('usage: anchors.mjs URL deploy | anchor REGISTRY N [--per-block K] [--tag T] [--uri-hex H]');
try {
  if (cmd === 'deploy') {
    const artifact = JSON.parse(readFileSync(join(here, '..', '..', 'contracts', 'ProvenanceRegistry.json'), 'utf8'));
    console.log(await deploy(url, artifact.bytecode));
  } else if (cmd === 'anchor') {
    const [registry, n] = rest;
    const opt = (name, dflt) => {
      const i = rest.indexOf(name);
      return i >= 0 ? rest[i + 1] : dflt;
    };
    if (!/^0x[0-9a-fA-F]{40}$/.test(registry ?? '') || !/^[0-9]+$/.test(n ?? '')) usage('anchor REGISTRY N');
    await anchor(url, registry, Number(n), Number(opt('--per-block', '1')), opt('--tag', 't'), opt('--uri-hex', null));
  } else {
    usage(`unknown command '${cmd}'`);
  }
} catch (e) {
  process.stderr.write(`anchors.mjs: ${e.message}\n`);
  process.exit(1);
}
