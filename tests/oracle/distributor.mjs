// Drives contracts/PayoutDistributor.json and contracts/TestToken.json on
// a running anvil from its dev account 0, for the end-to-end tests of
// prov-indexer and prov royalties:
//
//   node tests/oracle/distributor.mjs URL deploy
//       deploys a TestToken and a PayoutDistributor (owned by account 0,
//       the deployer); prints "token=0x... distributor=0x..."
//   node tests/oracle/distributor.mjs URL fund DISTRIBUTOR TOKEN ROOT TOTAL URI [ID]
//       mints TOTAL of TOKEN to account 0, approves DISTRIBUTOR for it
//       and funds batch ID (default: ROOT itself) under ROOT; prints the
//       fund transaction's hash
//   node tests/oracle/distributor.mjs URL claim DISTRIBUTOR ID ACCOUNT AMOUNT [PROOF...]
//       claims AMOUNT for ACCOUNT from batch ID; prints the transaction's
//       hash
//
// With FROM=ADDRESS in the environment, fund and claim are sent from that
// account instead (one the test has anvil impersonate): only the
// distributor's owner may fund.
//
// TOTAL and AMOUNT are decimal or 0x hex, up to 2^256-1. Exits 1 when a
// transaction reverts or the node cannot be used (the reason on stderr),
// 2 for a usage error.
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { keccak256 } from 'ethereum-cryptography/keccak.js';
import { deploy, receipt, rpc } from './anvil.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const artifact = (name) => JSON.parse(readFileSync(join(here, '..', '..', 'contracts', `${name}.json`), 'utf8'));
const hex = (b) => Buffer.from(b).toString('hex');
const sel = (sig) => hex(keccak256(Buffer.from(sig))).slice(0, 8);
const word = (n) => BigInt(n).toString(16).padStart(64, '0');

function usage(msg) {
  process.stderr.write(`distributor.mjs: ${msg}\n` +
    'usage: node tests/oracle/distributor.mjs URL deploy\n' +
    '       node tests/oracle/distributor.mjs URL fund DISTRIBUTOR TOKEN ROOT TOTAL URI [ID]\n' +
    '       node tests/oracle/distributor.mjs URL claim DISTRIBUTOR ID ACCOUNT AMOUNT [PROOF...]\n');
  process.exit(2);
}

function fixed(what, s, bytes) {
  if (!new RegExp(`^0x[0-9a-fA-F]{${2 * bytes}}$`).test(s)) usage(`${what}: not ${bytes} bytes of 0x hex: ${s}`);
  return s.slice(2).toLowerCase().padStart(64, '0');
}
const address = (what, s) => fixed(what, s, 20);
const bytes32 = (what, s) => fixed(what, s, 32);

function uint256(what, s) {
  if (!/^(0x[0-9a-fA-F]+|[0-9]+)$/.test(s)) usage(`${what}: not a number: ${s}`);
  const v = BigInt(s);
  if (v >= 1n << 256n) usage(`${what}: more than 2^256-1: ${s}`);
  return word(v);
}

// The string's length and bytes padded to a word.
function tail(s) {
  const b = Buffer.from(s, 'utf8');
  return word(b.length) + hex(Buffer.concat([b, Buffer.alloc((32 - (b.length % 32)) % 32)]));
}

// The account transactions are sent from: FROM, else account 0.
async function sender(url) {
  if (process.env.FROM) return process.env.FROM;
  const [from] = await rpc(url, 'eth_accounts', []);
  return from;
}

// Sends data to `to` from sender(); the transaction's hash once mined
// with success. A revert throws, with the node's words and revert data
// from an eth_call first (so a call that would revert is not mined), or
// for a receipt that says so.
async function send(url, to, data) {
  const from = await sender(url);
  const call = { from, to, data: `0x${data}` };
  try {
    await rpc(url, 'eth_call', [call, 'latest']);
  } catch (e) {
    const d = typeof e.data === 'string' ? e.data : e.data?.data;
    throw new Error(`${e.message}${typeof d === 'string' ? ` (revert data ${d})` : ''}`);
  }
  const tx = await rpc(url, 'eth_sendTransaction', [call]);
  const r = await receipt(url, tx);
  if (r.status !== '0x1') throw new Error(`transaction ${tx} reverted`);
  return tx;
}

async function main() {
  const [url, cmd, ...args] = process.argv.slice(2);
  if (!url || !/^https?:\/\//.test(url)) usage('the first argument is the node\'s URL');
  if (cmd === 'deploy' && args.length === 0) {
    const token = await deploy(url, artifact('TestToken').bytecode);
    const distributor = await deploy(url, artifact('PayoutDistributor').bytecode);
    console.log(`token=${token} distributor=${distributor}`);
  } else if (cmd === 'fund' && (args.length === 5 || args.length === 6)) {
    const [dist, token, root, total, uri, id = root] = args;
    const d = address('DISTRIBUTOR', dist);
    const t = address('TOKEN', token);
    const r = bytes32('ROOT', root);
    const i = bytes32('ID', id);
    const v = uint256('TOTAL', total);
    const from = await sender(url);
    await send(url, token, `${sel('mint(address,uint256)')}${address('the sender', from)}${v}`);
    await send(url, token, `${sel('approve(address,uint256)')}${d}${v}`);
    console.log(await send(url, dist, `${sel('fund(bytes32,bytes32,address,uint256,string)')}${i}${r}${t}${v}${word(0xa0)}${tail(uri)}`));
  } else if (cmd === 'claim' && args.length >= 4) {
    const [dist, id, account, amount, ...proof] = args;
    address('DISTRIBUTOR', dist);
    const p = proof.map((h, i) => bytes32(`PROOF ${i + 1}`, h));
    const data = `${sel('claim(bytes32,address,uint256,bytes32[])')}${bytes32('ID', id)}` +
      `${address('ACCOUNT', account)}${uint256('AMOUNT', amount)}${word(0x80)}${word(p.length)}${p.join('')}`;
    console.log(await send(url, dist, data));
  } else {
    usage(`unknown command or wrong arguments: ${[cmd, ...args].join(' ')}`);
  }
}

main().catch((e) => {
  process.stderr.write(`distributor.mjs: ${e.message}\n`);
  process.exit(1);
});
