// Bench only: deploys contracts/ProvenanceRegistry.json on a local anvil
// node and emits N Anchored events with distinct roots, through
// bench/AnchorMany.sol (compiled here with tests/oracle's solc-js) in
// transactions of up to PER_TX anchors each (default 2000), sent from
// anvil's unlocked dev account 0 and mined one per block (automine). anvil
// must allow blocks of PER_TX * 60,000 gas (e.g. --gas-limit 1000000000).
// Checks every receipt and the registry's anchorCount, then prints one
// line to stdout: the registry's address, its deploy block, and the first
// and last block holding events.
//   node bench/indexer-events.mjs RPC-URL N
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '..', 'tests', 'oracle', 'package.json'));
const GAS_PER_ANCHOR = 60_000; // measured about 52,000 with "bench" as uri

function fail(msg) {
  process.stderr.write(`bench/indexer-events.mjs: ${msg}\n`);
  process.exit(2);
}

const [url, nArg] = process.argv.slice(2);
const n = Number(nArg);
const perTx = Number(process.env.PER_TX ?? '2000');
if (!url || !Number.isSafeInteger(n) || n < 1 || !Number.isSafeInteger(perTx) || perTx < 1)
  fail('usage: node bench/indexer-events.mjs RPC-URL N (N >= 1; PER_TX >= 1)');

let solc;
try {
  solc = require('solc');
} catch (e) {
  fail(`${e.message} (run scripts/npm-deps.sh)`);
}

let rpcId = 0;
async function rpc(method, params) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: ++rpcId, method, params }),
  });
  const body = await res.json();
  if (body.error) fail(`${method}: ${body.error.message}`);
  return body.result;
}

const hex = (v) => `0x${v.toString(16)}`;
const word = (v) => BigInt(v).toString(16).padStart(64, '0');

// Sends a transaction from dev account 0 and returns its receipt, which
// must say it succeeded (automine: mined within moments).
async function send(from, tx) {
  const hash = await rpc('eth_sendTransaction', [{ from, ...tx }]);
  let receipt = null;
  for (let i = 0; i < 3000 && !receipt; i++) {
    receipt = await rpc('eth_getTransactionReceipt', [hash]);
    if (!receipt) await new Promise((r) => setTimeout(r, 10));
  }
  if (!receipt) fail(`transaction ${hash} not mined in 30 s: is anvil automining?`);
  if (receipt.status !== '0x1') fail(`transaction ${hash} failed`);
  return receipt;
}

const settings = {
  optimizer: { enabled: true, runs: 200 },
  evmVersion: 'cancun',
  outputSelection: { '*': { '*': ['evm.bytecode.object', 'evm.methodIdentifiers'] } },
};
const source = readFileSync(join(here, 'AnchorMany.sol'), 'utf8');
const out = JSON.parse(
  solc.compile(JSON.stringify({ language: 'Solidity', sources: { 'AnchorMany.sol': { content: source } }, settings })),
);
const errors = (out.errors ?? []).filter((e) => e.severity === 'error');
if (errors.length) fail(`solc ${solc.version()}:\n${errors.map((e) => e.formattedMessage).join('')}`);
const many = out.contracts['AnchorMany.sol'].AnchorMany;
const registryIds = out.contracts['AnchorMany.sol'].IProvenanceRegistry.evm.methodIdentifiers;
const registryJson = JSON.parse(readFileSync(join(here, '..', 'contracts', 'ProvenanceRegistry.json'), 'utf8'));

const [from] = await rpc('eth_accounts', []);
if (!from) fail('anvil has no unlocked account');
const deploy = await send(from, { data: registryJson.bytecode, gas: hex(3_000_000) });
const registry = deploy.contractAddress;
const helper = (await send(from, { data: `0x${many.evm.bytecode.object}`, gas: hex(3_000_000) })).contractAddress;

const selector = many.evm.methodIdentifiers['many(address,bytes32,uint256)'];
let first = null;
let last = null;
for (let done = 0, salt = 0; done < n; salt++) {
  const k = Math.min(perTx, n - done);
  const data = `0x${selector}${word(registry)}${word(salt)}${word(k)}`;
  const r = await send(from, { to: helper, data, gas: hex(k * GAS_PER_ANCHOR + 100_000) });
  if (r.logs.length !== k) fail(`transaction ${r.transactionHash}: ${r.logs.length} logs, expected ${k}`);
  first ??= Number(r.blockNumber);
  last = Number(r.blockNumber);
  done += k;
  process.stderr.write(`\r${done} of ${n} events, block ${last}`);
}
process.stderr.write('\n');
const count = await rpc('eth_call', [{ to: registry, data: `0x${registryIds['anchorCount()']}` }, 'latest']);
if (BigInt(count) !== BigInt(n)) fail(`anchorCount is ${BigInt(count)}, expected ${n}`);
console.log(`${registry} ${Number(deploy.blockNumber)} ${first} ${last}`);
