// For t0240-id-cert.sh: the reference C2PA implementation (c2pa-rs in
// @contentauth/c2pa-wasm) signs a JPEG with a certificate from prov id cert,
// then its reader validates the result without and with the root as a user
// anchor. The builder hands the claim to our callback, which returns the
// whole COSE_Sign1 (EdDSA, x5chain = the leaf in the protected header,
// padded to the reserved size), signed with the identity's key read from
// its unencrypted key file. Prints one line per validation:
//   <anchors>: <validation_state> failure=<codes,> success=<codes,>
//   node t0240-id-cert.mjs KEY LEAF.pem ROOT.pem IN.jpg OUT.jpg
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import crypto from 'node:crypto';

const oracle = createRequire(new URL('../oracle/package.json', import.meta.url));
const { initSync, WasmBuilder, WasmReader } = await import(
  pathToFileURL(oracle.resolve('@contentauth/c2pa-wasm')).href);
initSync({ module: readFileSync(oracle.resolve('@contentauth/c2pa-wasm/c2pa.wasm')) });

const [keyFile, leafPem, rootPem, inFile, outFile] = process.argv.slice(2);

// The key file's secret: XChaCha20-Poly1305 under an all-zero key (kdf
// "none"), the AD "prov-secret-key-v1" || public key. Node has ChaCha20-
// Poly1305; HChaCha20 turns the 24-byte nonce into its key and nonce.
function hchacha20(key, nonce16) {
  const s = new Uint32Array(16);
  s.set([0x61707865, 0x3320646e, 0x79622d32, 0x6b206574]);
  for (let i = 0; i < 8; i++) s[4 + i] = key.readUInt32LE(4 * i);
  for (let i = 0; i < 4; i++) s[12 + i] = nonce16.readUInt32LE(4 * i);
  const rotl = (v, n) => (v << n) | (v >>> (32 - n));
  const qr = (a, b, c, d) => {
    s[a] += s[b]; s[d] = rotl(s[d] ^ s[a], 16);
    s[c] += s[d]; s[b] = rotl(s[b] ^ s[c], 12);
    s[a] += s[b]; s[d] = rotl(s[d] ^ s[a], 8);
    s[c] += s[d]; s[b] = rotl(s[b] ^ s[c], 7);
  };
  for (let i = 0; i < 10; i++) {
    qr(0, 4, 8, 12); qr(1, 5, 9, 13); qr(2, 6, 10, 14); qr(3, 7, 11, 15);
    qr(0, 5, 10, 15); qr(1, 6, 11, 12); qr(2, 7, 8, 13); qr(3, 4, 9, 14);
  }
  const out = Buffer.alloc(32);
  [0, 1, 2, 3, 12, 13, 14, 15].forEach((w, i) => out.writeUInt32LE(s[w], 4 * i));
  return out;
}
const kf = JSON.parse(readFileSync(keyFile, 'utf8'));
if (kf.kdf.alg !== 'none') throw new Error('the identity must be unencrypted');
const nonce = Buffer.from(kf.nonce, 'base64');
const sealed = Buffer.from(kf.ciphertext, 'base64');
const pk = Buffer.from(kf.public_key, 'base64');
const d = crypto.createDecipheriv('chacha20-poly1305',
  hchacha20(Buffer.alloc(32), nonce.subarray(0, 16)),
  Buffer.concat([Buffer.alloc(4), nonce.subarray(16)]), { authTagLength: 16 });
d.setAAD(Buffer.concat([Buffer.from('prov-secret-key-v1'), pk]), { plaintextLength: sealed.length - 16 });
d.setAuthTag(sealed.subarray(sealed.length - 16));
const sk = Buffer.concat([d.update(sealed.subarray(0, sealed.length - 16)), d.final()]);
const key = crypto.createPrivateKey({
  key: Buffer.concat([Buffer.from('302e020100300506032b657004220420', 'hex'), sk.subarray(0, 32)]),
  format: 'der', type: 'pkcs8' });

// CBOR, as much as a COSE_Sign1 needs.
function head(major, n) {
  if (n < 24) return Buffer.from([major << 5 | n]);
  if (n < 256) return Buffer.from([major << 5 | 24, n]);
  if (n < 65536) return Buffer.from([major << 5 | 25, n >> 8, n & 255]);
  const b = Buffer.alloc(5);
  b[0] = major << 5 | 26;
  b.writeUInt32BE(n, 1);
  return b;
}
const bstr = (b) => Buffer.concat([head(2, b.length), b]);
const leaf = Buffer.from(readFileSync(leafPem, 'utf8').replace(/-----[^-]+-----|\s/g, ''), 'base64');
// {1: -8 (EdDSA), 33: x5chain}
const protectedHdr = Buffer.concat([Buffer.from([0xa2, 0x01, 0x27, 0x18, 0x21]), bstr(leaf)]);
const RESERVE = 20000;
function coseSign1(claim) {
  const tbs = Buffer.concat([Buffer.from([0x84, 0x6a]), Buffer.from('Signature1'),
    bstr(protectedHdr), Buffer.from([0x40]), bstr(Buffer.from(claim))]);
  const sig = crypto.sign(null, tbs, key);
  const build = (pad) => Buffer.concat([Buffer.from([0xd2, 0x84]), bstr(protectedHdr),
    Buffer.from([0xa1, 0x63]), Buffer.from('pad'), bstr(Buffer.alloc(pad)),
    Buffer.from([0xf6]), bstr(sig)]);
  let pad = RESERVE - build(0).length;
  while (build(pad).length > RESERVE) pad--;
  return new Uint8Array(build(pad));
}

// The builder reads its source through FileReaderSync, a browser worker API.
class SyncBlob extends Blob {
  constructor(buf, type) { super([buf], { type }); this.bytes_ = Buffer.from(buf); }
  slice(start = 0, end = this.bytes_.length, type = '') {
    const n = this.bytes_.length;
    const at = (v) => Math.min(n, Math.max(0, v < 0 ? v + n : v));
    return new SyncBlob(this.bytes_.subarray(at(start), at(end)), type);
  }
}
globalThis.FileReaderSync = class {
  readAsArrayBuffer(b) {
    const u = b.bytes_;
    return u.buffer.slice(u.byteOffset, u.byteOffset + u.length);
  }
};

const def = {
  claim_generator_info: [{ name: 'prov-t0240' }], title: 'id cert', format: 'image/jpeg',
  assertions: [{ label: 'c2pa.actions.v2', data: { actions: [{ action: 'c2pa.created',
    digitalSourceType: 'http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture' }] } }],
};
const builder = WasmBuilder.fromJson(JSON.stringify(def), JSON.stringify({ verify: { ocsp_fetch: false } }));
const signed = await builder.sign({ alg: 'ed25519', reserveSize: RESERVE, sign: async (c) => coseSign1(c) },
  [], 'image/jpeg', new SyncBlob(readFileSync(inFile), 'image/jpeg'));
writeFileSync(outFile, signed);

for (const anchors of ['', readFileSync(rootPem, 'utf8')]) {
  const settings = { verify: { ocsp_fetch: false, remote_manifest_fetch: false } };
  if (anchors)
    settings.trust = { trust_config: '1.3.6.1.4.1.62558.2.1\n1.3.6.1.5.5.7.3.4\n', user_anchors: anchors };
  const reader = await WasmReader.fromBytes('image/jpeg', signed, JSON.stringify(settings));
  const r = JSON.parse(reader.json());
  reader.free();
  const v = r.validation_results.activeManifest;
  const codes = (l) => (l || []).map((s) => s.code).join(',');
  console.log(`${anchors ? 'root' : 'none'}: ${r.validation_state} failure=${codes(v.failure)} success=${codes(v.success)}`);
}
