// Throughput of the reference C2PA SDK (c2pa-rs 0.91.3 in
// @contentauth/c2pa-wasm) in one Node process, for bench/c2pa.sh.
//
//   node tests/oracle/c2pa-bench.mjs [-k K] [--trust ROOT.pem] FILE...
// Verify: initialises the wasm once (timed), then reads every file K times
// (default 10), each time as c2pa-read.mjs does: the file's bytes from disk,
// WasmReader.fromBytes (parse and validate), reader.json(), free(). A file
// the reader rejects counts as a read (the work was done) and as an error.
//
//   node tests/oracle/c2pa-bench.mjs --sign es256|ed25519 [-k K] [-o OUT.jpg] IN.jpg
// Sign: K times, IN.jpg's bytes from disk, a WasmBuilder with a c2pa.created
// action (no thumbnail), WasmBuilder.sign with a signer whose callback makes
// the COSE_Sign1 in JS (node:crypto, the fixture key and chain in
// tests/fixtures/c2pa/certs; the wasm package's signer hands over the claim
// and takes the whole COSE_Sign1 back, padded to reserveSize). -o writes the
// last signed file.
//
// Prints one JSON line: {mode, files, k, ops, errors, init_s, run_s,
// files_per_s (ops / run_s, excluding init), files_per_s_with_init
// (ops / (init_s + run_s))}.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { performance } from 'node:perf_hooks';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import crypto from 'node:crypto';

const argv = process.argv.slice(2);
let k = 10;
let anchors = '';
let signAlg = '';
let out = '';
const files = [];
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '-k') k = Number(argv[++i]);
  else if (argv[i] === '--trust') anchors += readFileSync(argv[++i], 'utf8');
  else if (argv[i] === '--sign') signAlg = argv[++i];
  else if (argv[i] === '-o') out = argv[++i];
  else files.push(argv[i]);
}
if (!files.length || !(k >= 1) || (signAlg && !['es256', 'ed25519'].includes(signAlg))) {
  process.stderr.write('usage: c2pa-bench.mjs [-k K] [--trust ROOT.pem] FILE...\n' +
    '       c2pa-bench.mjs --sign es256|ed25519 [-k K] [-o OUT.jpg] IN.jpg\n');
  process.exit(2);
}

const t0 = performance.now();
const { initSync, WasmReader, WasmBuilder } = await import('@contentauth/c2pa-wasm');
const require = createRequire(import.meta.url);
initSync({ module: readFileSync(require.resolve('@contentauth/c2pa-wasm/c2pa.wasm')) });
const settings = { verify: { ocsp_fetch: false, remote_manifest_fetch: false } };
if (anchors)
  settings.trust = { trust_config: '1.3.6.1.4.1.62558.2.1\n1.3.6.1.5.5.7.3.4\n', user_anchors: anchors };
const context = JSON.stringify(settings);
const t1 = performance.now();

// ---- signing helpers ---------------------------------------------------------
// WasmBuilder.sign reads its source through Blob.slice and FileReaderSync (a
// browser worker API Node lacks): a Buffer-backed stand-in for both.
class BufferBlob {
  constructor(buf) {
    this.buf = buf;
  }
  get size() {
    return this.buf.length;
  }
  slice(a, b) {
    return new BufferBlob(this.buf.subarray(a, b));
  }
}
globalThis.FileReaderSync ??= class {
  readAsArrayBuffer(b) {
    return b.buf.buffer.slice(b.buf.byteOffset, b.buf.byteOffset + b.buf.length);
  }
};
function head(major, n) {
  if (n < 24) return Buffer.from([(major << 5) | n]);
  if (n < 256) return Buffer.from([(major << 5) | 24, n]);
  if (n < 65536) {
    const b = Buffer.alloc(3);
    b[0] = (major << 5) | 25;
    b.writeUInt16BE(n, 1);
    return b;
  }
  const b = Buffer.alloc(5);
  b[0] = (major << 5) | 26;
  b.writeUInt32BE(n, 1);
  return b;
}
function cbor(v) {
  if (typeof v === 'number') return v >= 0 ? head(0, v) : head(1, -1 - v);
  if (typeof v === 'string') {
    const s = Buffer.from(v, 'utf8');
    return Buffer.concat([head(3, s.length), s]);
  }
  if (v instanceof Uint8Array) return Buffer.concat([head(2, v.length), v]);
  if (v === null) return Buffer.from([0xf6]);
  if (Array.isArray(v)) return Buffer.concat([head(4, v.length), ...v.map(cbor)]);
  if (v instanceof Map) return Buffer.concat([head(5, v.size), ...[...v].flatMap(([a, b]) => [cbor(a), cbor(b)])]);
  if (v.tag !== undefined) return Buffer.concat([head(6, v.tag), cbor(v.value)]);
  throw new Error('cbor: unsupported value');
}
const RESERVE = 10000;
function makeSigner(alg) {
  const certs = `${dirname(fileURLToPath(import.meta.url))}/../fixtures/c2pa/certs`;
  const key = crypto.createPrivateKey(readFileSync(`${certs}/${alg}.pem`));
  const chain = readFileSync(`${certs}/${alg}.pub`, 'utf8')
    .match(/-----BEGIN CERTIFICATE-----[^-]+-----END CERTIFICATE-----/g)
    .map((p) => Buffer.from(p.replace(/-----[A-Z ]+-----|\s/g, ''), 'base64'));
  const coseAlg = alg === 'es256' ? -7 : -8;
  // COSE_Sign1 = 18([protected {1: alg, 33: x5chain}, {"pad": bstr}, nil,
  // signature over ["Signature1", protected, h'', claim]]), padded so the
  // whole is exactly RESERVE bytes, the size the builder reserved.
  const sign = async (claim) => {
    const prot = cbor(new Map([[1, coseAlg], [33, chain]]));
    const tbs = cbor(['Signature1', prot, Buffer.alloc(0), Buffer.from(claim)]);
    const sig = alg === 'es256' ? crypto.sign('sha256', tbs, { key, dsaEncoding: 'ieee-p1363' }) : crypto.sign(null, tbs, key);
    const make = (n) => cbor({ tag: 18, value: [prot, new Map([['pad', Buffer.alloc(n)]]), null, sig] });
    const need = RESERVE - make(0).length;
    for (let n = Math.max(0, need - 8); n <= need; n++) {
      const c = make(n);
      if (c.length === RESERVE) return new Uint8Array(c);
    }
    throw new Error('COSE_Sign1 does not fit the reserved size');
  };
  return { alg, reserveSize: RESERVE, sign };
}
const definition = JSON.stringify({
  claim_generator_info: [{ name: 'prov-bench-reference' }],
  title: 'bench',
  assertions: [
    {
      label: 'c2pa.actions.v2',
      data: { actions: [{ action: 'c2pa.created', digitalSourceType: 'http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture' }] },
    },
  ],
});

// ---- the runs ----------------------------------------------------------------------
let errors = 0;
let lastError = '';
let ops = 0;
let last = null;
const signer = signAlg ? makeSigner(signAlg) : null;
const t2 = performance.now();
for (let round = 0; round < k; round++) {
  for (const f of signAlg ? files.slice(0, 1) : files) {
    ops++;
    try {
      if (signer) {
        const builder = WasmBuilder.fromJson(definition, context);
        last = await builder.sign(signer, [], 'image/jpeg', new BufferBlob(readFileSync(f)));
        builder.free();
      } else {
        const reader = await WasmReader.fromBytes('image/jpeg', readFileSync(f), context);
        reader.json();
        reader.free();
      }
    } catch (e) {
      errors++;
      lastError = String(e && e.message ? e.message : e);
    }
  }
}
const t3 = performance.now();
if (out) {
  if (!last) {
    process.stderr.write(`c2pa-bench: signing failed: ${lastError}\n`);
    process.exit(1);
  }
  writeFileSync(out, last);
}
const init = (t1 - t0) / 1000;
const run = (t3 - t2) / 1000;
console.log(
  JSON.stringify({
    mode: signAlg ? `sign-${signAlg}` : 'verify',
    files: signAlg ? 1 : files.length,
    k,
    ops,
    errors,
    init_s: +init.toFixed(4),
    run_s: +run.toFixed(4),
    files_per_s: +(ops / run).toFixed(2),
    files_per_s_with_init: +(ops / (init + run)).toFixed(2),
  }),
);
