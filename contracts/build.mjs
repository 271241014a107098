// Compiles contracts/*.sol with solc-js (the version pinned in
// tests/oracle/package.json; nothing is downloaded) into
// contracts/<Name>.json: ABI, creation and runtime bytecode, the compiler
// version and settings. The JSON is committed, so prov can deploy without
// a compiler; --check compiles again and fails if the committed files
// differ from the sources (tests/e2e/t0280-contracts.sh).
//
//   node contracts/build.mjs [--check]
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const require = createRequire(join(here, '..', 'tests', 'oracle', 'package.json'));
const check = process.argv.includes('--check');

function fail(msg) {
  process.stderr.write(`contracts/build.mjs: ${msg}\n`);
  process.exit(2);
}

let solc;
try {
  solc = require('solc');
} catch (e) {
  fail(`${e.message} (run scripts/npm-deps.sh)`);
}

const settings = {
  optimizer: { enabled: true, runs: 200 },
  evmVersion: 'cancun',
  outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] } },
};
const names = readdirSync(here).filter((f) => f.endsWith('.sol')).sort();
const sources = Object.fromEntries(names.map((f) => [f, { content: readFileSync(join(here, f), 'utf8') }]));
// Only OpenZeppelin's sources are imported, from tests/oracle/node_modules.
const findImports = (path) => {
  if (!path.startsWith('@openzeppelin/contracts/') || path.includes('..'))
    return { error: `not an OpenZeppelin contract: ${path}` };
  try {
    return { contents: readFileSync(require.resolve(path), 'utf8') };
  } catch (e) {
    return { error: e.message };
  }
};
const out = JSON.parse(solc.compile(JSON.stringify({ language: 'Solidity', sources, settings }), { import: findImports }));
const errors = (out.errors ?? []).filter((e) => e.severity === 'error');
if (errors.length) fail(`solc ${solc.version()}:\n${errors.map((e) => e.formattedMessage).join('')}`);

let stale = 0;
for (const file of names) {
  for (const [name, c] of Object.entries(out.contracts[file] ?? {})) {
    const artifact = {
      contract: name,
      source: `contracts/${file}`,
      compiler: `solc ${solc.version()}`,
      settings: { optimizer: settings.optimizer, evmVersion: settings.evmVersion },
      abi: c.abi,
      bytecode: `0x${c.evm.bytecode.object}`,
      deployedBytecode: `0x${c.evm.deployedBytecode.object}`,
    };
    const text = `${JSON.stringify(artifact, null, 2)}\n`;
    const path = join(here, `${name}.json`);
    if (check) {
      let old = '';
      try {
        old = readFileSync(path, 'utf8');
      } catch {}
      if (old !== text) {
        process.stderr.write(`contracts/${name}.json differs from what contracts/${file} compiles to: run node contracts/build.mjs\n`);
        stale++;
      }
    } else {
      writeFileSync(path, text);
      console.log(`contracts/${name}.json`);
    }
  }
}
process.exit(stale ? 1 : 0);
