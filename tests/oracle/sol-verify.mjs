// The Solidity side of prov's Merkle proofs: compiles ProofCheck.sol
// (OpenZeppelin's MerkleProof.verify) with solc-js, deploys it to a fresh
// anvil on a free localhost port, and asks the contract about each proof.
// The versions are pinned in package.json; install with scripts/npm-deps.sh.
// Used by tests/e2e/t0160-manifest-solidity.sh.
//
//   node sol-verify.mjs [--expect true|false] PROOF.json ...
//     PROOF.json as `prov manifest prove` writes it: {"root", "leaf":
//     [bytes32], "proof": [bytes32, ...]}, "types" ["bytes32"] if given.
//     --expect applies to the files after it (true at first). Prints one
//     line a proof ("FILE: MerkleProof.verify true, as expected"; not
//     "ok ...", which tests/run.sh would count), then "N proofs, N as
//     expected"; exits 0 if every answer was the one expected, 1 if not,
//     2 for bad input or when the chain or the compiler fails.
//
// Nothing is downloaded at run time: the compiler is solc-js's own
// soljson.js, anvil the binary in @foundry-rs/anvil-linux-amd64 (the only
// platform package pinned). anvil is killed on every way out.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deploy, rpc, startAnvil, stopAnvil } from './anvil.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(import.meta.url);
const TIMEOUT_MS = 60_000; // the whole run, so a stuck chain cannot hang a test


function fail(msg) {
  process.stderr.write(`sol-verify: ${msg}\n`);
  stopAnvil();
  process.exit(2);
}

process.on('exit', stopAnvil);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'])
  process.on(sig, () => fail(`stopped by ${sig}`));
setTimeout(() => fail(`gave up after ${TIMEOUT_MS / 1000} s`), TIMEOUT_MS).unref();

const HEX32 = /^0x[0-9a-fA-F]{64}$/;

function readProof(file) {
  let p;
  try {
    p = JSON.parse(readFileSync(file, 'utf8'));
  } catch (e) {
    fail(`${file}: ${e.message}`);
  }
  const value = p.leaf;
  if (p.types !== undefined && JSON.stringify(p.types) !== '["bytes32"]')
    fail(`${file}: types must be ["bytes32"]`);
  if (!HEX32.test(p.root ?? '') || !Array.isArray(value) || value.length !== 1 ||
      !HEX32.test(value[0]) || !Array.isArray(p.proof) || !p.proof.every(e => HEX32.test(e)))
    fail(`${file}: not a bytes32 inclusion proof (root, leaf, proof as 0x and 64 hex digits)`);
  return { root: p.root, value: value[0], proof: p.proof };
}

function compile() {
  const solc = require('solc');
  const input = {
    language: 'Solidity',
    sources: { 'ProofCheck.sol': { content: readFileSync(join(here, 'ProofCheck.sol'), 'utf8') } },
    settings: {
      outputSelection: { 'ProofCheck.sol': { ProofCheck: ['evm.bytecode.object', 'evm.methodIdentifiers'] } },
    },
  };
  // Only OpenZeppelin's sources are imported, from node_modules.
  const findImports = path => {
    if (!path.startsWith('@openzeppelin/contracts/') || path.includes('..'))
      return { error: `not an OpenZeppelin contract: ${path}` };
    try {
      return { contents: readFileSync(require.resolve(path), 'utf8') };
    } catch (e) {
      return { error: e.message };
    }
  };
  const out = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
  const errors = (out.errors ?? []).filter(e => e.severity === 'error');
  if (errors.length) fail(`solc ${solc.version()}:\n${errors.map(e => e.formattedMessage).join('')}`);
  const c = out.contracts['ProofCheck.sol'].ProofCheck;
  return { bytecode: c.evm.bytecode.object, selector: c.evm.methodIdentifiers['verifyBytes32(bytes32[],bytes32,bytes32)'] };
}

// verifyBytes32(bytes32[] proof, bytes32 root, bytes32 value), ABI-encoded:
// the array's offset (3 words of head), root, value, then length, elements.
function callData(selector, { root, value, proof }) {
  const word = n => n.toString(16).padStart(64, '0');
  const b32 = h => h.slice(2).toLowerCase();
  return `0x${selector}${word(0x60)}${b32(root)}${b32(value)}${word(proof.length)}${proof.map(b32).join('')}`;
}

const cases = [];
let expect = true;
const args = process.argv.slice(2);
for (let i = 0; i < args.length; i++) {
  if (args[i] === '--expect') {
    if (!['true', 'false'].includes(args[i + 1])) fail('--expect takes true or false');
    expect = args[++i] === 'true';
  } else {
    cases.push({ file: args[i], expect, ...readProof(args[i]) });
  }
}
if (!cases.length) fail('usage: sol-verify.mjs [--expect true|false] PROOF.json ...');

let wrong = 0;
try {
  const { bytecode, selector } = compile();
  const url = await startAnvil();
  const to = await deploy(url, bytecode);
  for (const c of cases) {
    const r = await rpc(url, 'eth_call', [{ to, data: callData(selector, c) }, 'latest']);
    if (!/^0x0{63}[01]$/.test(r)) throw new Error(`${c.file}: unexpected return data ${r}`);
    const got = r.endsWith('1');
    if (got !== c.expect) wrong++;
    console.log(`${c.file}: MerkleProof.verify ${got}${got === c.expect ? ', as expected' : `, EXPECTED ${c.expect}`}`);
  }
} catch (e) {
  fail(e.message);
} finally {
  await stopAnvil(); // and wait for it to go, so no chain outlives the run
}
console.log(`${cases.length} proofs, ${cases.length - wrong} as expected`);
process.exit(wrong ? 1 : 0);
