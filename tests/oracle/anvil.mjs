// A local chain for the oracles: anvil from @foundry-rs/anvil-linux-amd64
// (pinned in package.json; nothing downloaded), JSON-RPC over fetch, and
// contract deployment from dev account 0. Used by sol-verify.mjs and
// registry-check.mjs. One anvil per process; stopAnvil kills it (also
// from an 'exit' handler: the kill is synchronous) and resolves once it
// has gone.
import { spawn } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
let anvil = null;

// Starts anvil on a port the kernel picks; resolves with its URL.
export function startAnvil() {
  if (`${process.platform}-${process.arch}` !== 'linux-x64')
    return Promise.reject(new Error(`anvil: no package pinned for ${process.platform}-${process.arch}`));
  let bin;
  try {
    bin = require.resolve('@foundry-rs/anvil-linux-amd64/bin/anvil');
  } catch (e) {
    return Promise.reject(new Error(`anvil: ${e.message} (run scripts/npm-deps.sh)`));
  }
  anvil = spawn(bin, ['--host', '127.0.0.1', '--port', '0', '--accounts', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  const keep = (d) => { log = (log + d).slice(-4000); }; // drained always, so anvil never blocks on a full pipe
  return new Promise((resolve, reject) => {
    anvil.stdout.on('data', (d) => {
      keep(d);
      const m = /Listening on (127\.0\.0\.1:\d+)/.exec(log);
      if (m) resolve(`http://${m[1]}`);
    });
    anvil.stderr.on('data', keep);
    anvil.on('error', (e) => reject(new Error(`anvil: ${e.message}`)));
    anvil.on('exit', (code, sig) => reject(new Error(`anvil exited (${sig ?? code}):\n${log}`)));
  });
}

export function stopAnvil() {
  if (!anvil || anvil.exitCode !== null || anvil.signalCode !== null) return Promise.resolve();
  const gone = new Promise((ok) => anvil.once('exit', ok));
  anvil.kill('SIGKILL');
  return gone;
}

let rpcId = 0;
// The result, or an Error whose message is the node's, with .data (a
// revert's return data) when the node gives it.
export async function rpc(url, method, params) {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: ++rpcId, method, params }),
  });
  const body = await res.json();
  if (body.error) {
    const e = new Error(`${method}: ${body.error.message}`);
    e.data = body.error.data;
    throw e;
  }
  return body.result;
}

// Waits for a transaction's receipt (anvil mines at once; polled in case).
export async function receipt(url, tx) {
  for (let i = 0; i < 50; i++) {
    const r = await rpc(url, 'eth_getTransactionReceipt', [tx]);
    if (r) return r;
    await new Promise((ok) => setTimeout(ok, 100));
  }
  throw new Error(`no receipt for ${tx}`);
}

// Deploys creation bytecode (hex, with or without 0x) from dev account 0.
export async function deploy(url, bytecode) {
  const [from] = await rpc(url, 'eth_accounts', []);
  const code = bytecode.startsWith('0x') ? bytecode : `0x${bytecode}`;
  const tx = await rpc(url, 'eth_sendTransaction', [{ from, data: code }]);
  const r = await receipt(url, tx);
  if (r.status !== '0x1') throw new Error(`deployment ${tx} failed`);
  return r.contractAddress;
}
