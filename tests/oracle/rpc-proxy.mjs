// A misbehaving JSON-RPC endpoint for the indexer's tests: an HTTP proxy
// in front of a node (anvil) that forwards each POST body and returns the
// node's reply, except where its fault plan says otherwise. No
// dependencies. Used through tests/e2e/lib.sh proxy_start.
//
//   node rpc-proxy.mjs --upstream URL [--port N] --plan FILE
//
// Prints "Listening on 127.0.0.1:PORT" on stdout once it accepts
// connections (as anvil does), one "rpc-proxy: ..." line on stderr per
// fault injected, and on SIGTERM or SIGINT a summary line of requests and
// faults by kind, then exits 0.
//
// The plan is a JSON object, read again on every request (so a test may
// change it while a client runs; replace the file with mv, or a half
// written file is read: an unreadable plan is reported and the last good
// one kept). Every member is optional:
//
//   seed          PRNG seed (default 1); the same seed and the same
//                 sequence of eligible requests give the same faults;
//                 a new seed restarts the sequence
//   rate          probability (0..1) that an eligible request gets one of
//   faults        these, picked uniformly:
//     drop        the reply is never sent: the connection is destroyed
//     delay       the reply is sent after delay_ms (default 3000)
//     truncate    the reply's first half, with a Content-Length to match
//     corrupt     a reply that is valid JSON but wrong, one kind after
//                 another: a hex quantity that is not hex, a required
//                 field removed (blockHash of a log or receipt, parentHash
//                 of a block; "result" when it is not an object), another
//                 id, "jsonrpc":"1.0", a 32-byte hash cut to 31 bytes (a
//                 kind that does not apply to a reply is skipped)
//     error       a JSON-RPC error {"code":-32603,"message":"internal error"}
//     429         HTTP 429 with Retry-After: 1, a text body
//     500         HTTP 500, a text body
//                 drop, delay, truncate and corrupt forward the request
//                 first (the node has acted on it); error, 429 and 500
//                 do not
//   methods       only requests for these methods are eligible (and for
//                 limit_blocks and dup); a batch is eligible when any of
//                 its calls is, and a fault then applies to all of it
//                 (corrupt: its first reply; error: every call)
//   limit_blocks  N: every eth_getLogs whose range (fromBlock..toBlock,
//                 tags resolved with eth_blockNumber; blockHash filters
//                 have none) spans more than N blocks is answered, as
//                 providers do, {"code":-32005,"message":"query returned
//                 more than 10000 results. Try with this block range
//                 [0xA, 0xB]."}, a range of N blocks from fromBlock in
//                 upper-case hex; independent of rate; in a batch, per call
//   dup           true: every eth_getLogs result array is served twice
//                 over, [a, b] as [a, b, a, b] (the same blockHash and
//                 logIndex twice), which a careful client rejects or
//                 dedupes; independent of rate; in a batch, per call
//
// Batches (JSON arrays) are otherwise forwarded untouched.
import { createServer, request as httpRequest, Agent } from 'node:http';
import { readFileSync } from 'node:fs';

const MAX_BODY = 64 << 20;
const FAULTS = ['drop', 'delay', 'truncate', 'corrupt', 'error', '429', '500'];
const CORRUPTIONS = ['not-hex', 'missing-field', 'wrong-id', 'jsonrpc-1.0', 'hash-31-bytes'];

function usage(msg) {
  process.stderr.write(`rpc-proxy: ${msg}\nusage: rpc-proxy.mjs --upstream URL [--port N] --plan FILE\n`);
  process.exit(2);
}

const args = process.argv.slice(2);
const opts = { port: '0' };
for (let i = 0; i < args.length; i += 2) {
  const name = args[i].replace(/^--/, '');
  if (!['upstream', 'port', 'plan'].includes(name) || args[i + 1] === undefined) usage(`bad argument '${args[i]}'`);
  opts[name] = args[i + 1];
}
if (!opts.upstream || !opts.plan) usage('--upstream and --plan are required');
const upstream = new URL(opts.upstream);
if (upstream.protocol !== 'http:') usage('the upstream must be an http:// URL');
const agent = new Agent({ keepAlive: true });

const log = (msg) => process.stderr.write(`rpc-proxy: ${msg}\n`);

// mulberry32: small, and the same sequence everywhere for a seed.
let rngSeed = null;
let rngState = 0;
function random() {
  rngState = (rngState + 0x6d2b79f5) | 0;
  let t = rngState;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
}

let plan = {};
let planText = null;
function readPlan() {
  let text;
  try {
    text = readFileSync(opts.plan, 'utf8');
  } catch (e) {
    if (planText !== '') log(`plan ${opts.plan}: ${e.code ?? e.message}; keeping the last good plan`);
    planText = '';
    return plan;
  }
  if (text === planText) return plan;
  let p;
  try {
    p = JSON.parse(text);
    if (p === null || typeof p !== 'object' || Array.isArray(p)) throw new Error('not a JSON object');
    for (const f of p.faults ?? []) if (!FAULTS.includes(String(f))) throw new Error(`unknown fault '${f}'`);
  } catch (e) {
    log(`plan ${opts.plan}: ${e.message}; keeping the last good plan`);
    planText = text;
    return plan;
  }
  planText = text;
  plan = p;
  const seed = Number(p.seed ?? 1) | 0;
  if (seed !== rngSeed) {
    rngSeed = seed;
    rngState = seed;
  }
  return plan;
}

let requests = 0;
const faultCount = {};
function fault(kind, what, detail) {
  faultCount[kind] = (faultCount[kind] ?? 0) + 1;
  log(`fault ${kind}${detail ? ` (${detail})` : ''} on ${what}`);
}

function summary() {
  const total = Object.values(faultCount).reduce((a, b) => a + b, 0);
  const kinds = Object.entries(faultCount).map(([k, n]) => `${k} ${n}`).join(', ');
  process.stderr.write(`rpc-proxy: ${requests} requests, ${total} faults${kinds ? ` (${kinds})` : ''}\n`);
  process.exit(0);
}
process.on('SIGTERM', summary);
process.on('SIGINT', summary);

// POSTs body to the upstream; resolves with {status, type, body}.
function forward(body) {
  return new Promise((resolve, reject) => {
    const req = httpRequest(upstream, {
      method: 'POST',
      agent,
      headers: { 'content-type': 'application/json', 'content-length': body.length },
    }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, type: res.headers['content-type'], body: Buffer.concat(chunks) }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

async function blockNumber() {
  const r = await forward(Buffer.from('{"jsonrpc":"2.0","id":1,"method":"eth_blockNumber","params":[]}'));
  return BigInt(JSON.parse(r.body).result);
}

// A block tag or number of an eth_getLogs filter as a BigInt; undefined
// when it names none (pending), so the call is not limited.
async function resolveBlock(tag, latest) {
  if (tag === undefined || tag === null) tag = 'latest';
  if (typeof tag === 'string' && /^0x[0-9a-fA-F]+$/.test(tag)) return BigInt(tag);
  if (tag === 'earliest') return 0n;
  if (['latest', 'safe', 'finalized'].includes(tag)) return latest();
  return undefined;
}

const hexUpper = (n) => `0x${n.toString(16).toUpperCase()}`;

// The -32005 error for an eth_getLogs call spanning more than limit
// blocks, or null.
async function limitError(call, limit) {
  if (call?.method !== 'eth_getLogs' || !Array.isArray(call.params)) return null;
  const filter = call.params[0];
  if (!filter || typeof filter !== 'object' || filter.blockHash !== undefined) return null;
  let cached;
  const latest = async () => (cached ??= await blockNumber());
  const from = await resolveBlock(filter.fromBlock, latest);
  const to = await resolveBlock(filter.toBlock, latest);
  if (from === undefined || to === undefined || to - from + 1n <= BigInt(limit)) return null;
  const message = `query returned more than 10000 results. Try with this block range [${hexUpper(from)}, ${hexUpper(from + BigInt(limit) - 1n)}].`;
  return { jsonrpc: '2.0', id: call.id ?? null, error: { code: -32005, message } };
}

const QUANTITY_KEYS = ['number', 'blockNumber', 'logIndex', 'transactionIndex', 'timestamp', 'gasUsed', 'gasLimit', 'nonce', 'status'];
const HASH_KEYS = ['hash', 'blockHash', 'parentHash', 'transactionHash'];
const REQUIRED_KEYS = ['blockHash', 'parentHash', 'logIndex', 'number', 'hash'];
const isHash = (v) => typeof v === 'string' && /^0x[0-9a-fA-F]{64}$/.test(v);

// The first object within v (depth first, v included) that has one of keys
// satisfying ok, as [object, key], or null.
function findKey(v, keys, ok) {
  if (Array.isArray(v)) {
    for (const e of v) {
      const r = findKey(e, keys, ok);
      if (r) return r;
    }
  } else if (v && typeof v === 'object') {
    for (const k of keys) if (k in v && ok(v[k])) return [v, k];
    for (const k of Object.keys(v)) {
      const r = findKey(v[k], keys, ok);
      if (r) return r;
    }
  }
  return null;
}

// Breaks one reply (an object) in the given way; false when the way does
// not apply to it.
function corruptReply(reply, how) {
  if (!reply || typeof reply !== 'object' || Array.isArray(reply)) return false;
  const hasResult = 'result' in reply;
  switch (how) {
  case 'not-hex': {
    if (!hasResult) return false;
    if (typeof reply.result === 'string' && /^0x[0-9a-fA-F]*$/.test(reply.result)) {
      reply.result = '0xnothex';
      return true;
    }
    const f = findKey(reply.result, QUANTITY_KEYS, (x) => typeof x === 'string' && x.startsWith('0x'));
    if (!f) return false;
    f[0][f[1]] = '0xnothex';
    return true;
  }
  case 'missing-field': {
    if (!hasResult) return false;
    const f = findKey(reply.result, REQUIRED_KEYS, () => true);
    if (f) delete f[0][f[1]];
    else delete reply.result;
    return true;
  }
  case 'wrong-id':
    reply.id = typeof reply.id === 'number' ? reply.id + 1000 : `${reply.id ?? ''}-other`;
    return true;
  case 'jsonrpc-1.0':
    reply.jsonrpc = '1.0';
    return true;
  case 'hash-31-bytes': {
    if (!hasResult) return false;
    if (isHash(reply.result)) {
      reply.result = reply.result.slice(0, 64);
      return true;
    }
    const f = findKey(reply.result, HASH_KEYS, isHash) ??
      findKey(reply.result, ['topics'], (t) => Array.isArray(t) && isHash(t[0]));
    if (!f) return false;
    if (f[1] === 'topics') f[0].topics[0] = f[0].topics[0].slice(0, 64);
    else f[0][f[1]] = f[0][f[1]].slice(0, 64);
    return true;
  }
  }
  return false;
}

let corruptNext = 0;
// Corrupts the reply body (a single reply, or a batch's first); returns
// [new body, kind] or null when no kind applies.
function corruptBody(body) {
  let doc;
  try {
    doc = JSON.parse(body);
  } catch {
    return null;
  }
  const target = Array.isArray(doc) ? doc[0] : doc;
  for (let i = 0; i < CORRUPTIONS.length; i++) {
    const how = CORRUPTIONS[(corruptNext + i) % CORRUPTIONS.length];
    if (corruptReply(target, how)) {
      corruptNext = (corruptNext + i + 1) % CORRUPTIONS.length;
      return [Buffer.from(JSON.stringify(doc)), how];
    }
  }
  return null;
}

function send(res, status, type, body, extra = {}) {
  if (res.destroyed) return;
  res.writeHead(status, { 'content-type': type, 'content-length': body.length, ...extra });
  res.end(body);
}

const sendJson = (res, doc) => send(res, 200, 'application/json', Buffer.from(JSON.stringify(doc)));

async function handle(req, res, body) {
  requests++;
  const p = readPlan();
  let doc;
  try {
    doc = JSON.parse(body);
  } catch {
    doc = undefined;
  }
  const batch = Array.isArray(doc);
  const calls = batch ? doc : [doc];
  const methods = Array.isArray(p.methods) ? p.methods : null;
  const eligible = (c) => !methods || methods.includes(c?.method);
  const what = batch ? `batch of ${calls.length}` : `${doc?.method ?? 'a non-JSON-RPC body'} id=${JSON.stringify(doc?.id ?? null)}`;

  // Providers' block range limit: a call answered without the node.
  const limited = new Map();
  if (Number.isInteger(p.limit_blocks) && p.limit_blocks > 0) {
    for (const c of calls) {
      if (!eligible(c)) continue;
      const e = await limitError(c, p.limit_blocks);
      if (e) {
        limited.set(c, e);
        fault('limit', batch ? `eth_getLogs id=${JSON.stringify(c.id ?? null)} in a batch` : what, `${c.params[0].fromBlock}..${c.params[0].toBlock ?? 'latest'}`);
      }
    }
  }
  if (!batch && limited.size) return sendJson(res, limited.get(doc));

  let kind = null;
  const faults = Array.isArray(p.faults) ? p.faults.map(String) : [];
  const rate = Number(p.rate ?? 0);
  if (faults.length && rate > 0 && calls.some(eligible)) {
    if (random() < rate) kind = faults[Math.floor(random() * faults.length)];
  }

  switch (kind) {
  case 'error':
    fault(kind, what);
    return sendJson(res, batch
      ? calls.map((c) => ({ jsonrpc: '2.0', id: c?.id ?? null, error: { code: -32603, message: 'internal error' } }))
      : { jsonrpc: '2.0', id: doc?.id ?? null, error: { code: -32603, message: 'internal error' } });
  case '429':
    fault(kind, what);
    return send(res, 429, 'text/plain', Buffer.from('too many requests\n'), { 'retry-after': '1' });
  case '500':
    fault(kind, what);
    return send(res, 500, 'text/plain', Buffer.from('internal server error\n'));
  }

  let reply;
  try {
    // A batch with limited calls goes to the node without them.
    const rest = batch && limited.size ? calls.filter((c) => !limited.has(c)) : null;
    if (rest && rest.length === 0) reply = { status: 200, type: 'application/json', body: Buffer.from('[]') };
    else reply = await forward(rest ? Buffer.from(JSON.stringify(rest)) : body);
  } catch (e) {
    log(`upstream ${opts.upstream}: ${e.message}`);
    return send(res, 502, 'text/plain', Buffer.from(`upstream: ${e.message}\n`));
  }
  let out = reply.body;

  if (limited.size || p.dup === true) {
    let rdoc;
    try {
      rdoc = JSON.parse(out);
    } catch {
      rdoc = undefined;
    }
    let changed = false;
    if (p.dup === true && rdoc !== undefined) {
      const byId = new Map(calls.map((c) => [c?.id, c]));
      for (const r of Array.isArray(rdoc) ? rdoc : [rdoc]) {
        const c = batch ? byId.get(r?.id) : doc;
        if (c?.method === 'eth_getLogs' && eligible(c) && Array.isArray(r.result) && r.result.length) {
          r.result = r.result.concat(r.result);
          changed = true;
          fault('dup', batch ? `eth_getLogs id=${JSON.stringify(c.id ?? null)} in a batch` : what, `${r.result.length / 2} logs twice`);
        }
      }
    }
    if (batch && limited.size && Array.isArray(rdoc)) {
      rdoc = rdoc.concat([...limited.values()]);
      changed = true;
    }
    if (changed) out = Buffer.from(JSON.stringify(rdoc));
  }

  switch (kind) {
  case 'drop':
    fault(kind, what);
    req.socket.destroy();
    return;
  case 'delay': {
    const ms = Number(p.delay_ms ?? 3000);
    fault(kind, what, `${ms} ms`);
    await new Promise((ok) => setTimeout(ok, ms));
    break;
  }
  case 'truncate':
    fault(kind, what, `${Math.floor(out.length / 2)} of ${out.length} bytes`);
    out = out.subarray(0, Math.floor(out.length / 2));
    break;
  case 'corrupt': {
    const c = corruptBody(out);
    if (c) {
      out = c[0];
      fault(kind, what, c[1]);
    } else {
      log(`corrupt: no way applies to the reply to ${what}; sent as is`);
    }
    break;
  }
  }
  send(res, reply.status, reply.type ?? 'application/json', out);
}

const server = createServer((req, res) => {
  if (req.method !== 'POST') {
    send(res, 405, 'text/plain', Buffer.from('POST only\n'), { allow: 'POST' });
    return;
  }
  const chunks = [];
  let size = 0;
  req.on('data', (c) => {
    size += c.length;
    if (size > MAX_BODY) req.destroy();
    else chunks.push(c);
  });
  req.on('end', () => {
    handle(req, res, Buffer.concat(chunks)).catch((e) => {
      log(`internal: ${e.stack ?? e.message}`);
      if (!res.headersSent) send(res, 500, 'text/plain', Buffer.from('rpc-proxy failed\n'));
    });
  });
});
server.keepAliveTimeout = 60000;
server.listen(Number(opts.port), '127.0.0.1', () => {
  console.log(`Listening on 127.0.0.1:${server.address().port}`);
});
server.on('error', (e) => {
  log(`listen: ${e.message}`);
  process.exit(1);
});
