// Byte-level corruptions of a JPEG that carries a C2PA manifest store, for
// the agreement test between prov and the reference reader
// (tests/e2e/t0260-c2pa-agree.sh).
//   node tests/oracle/c2pa-corrupt.mjs IN.jpg OUTDIR
// writes OUTDIR/<base>.<what>.jpg for every corruption that applies to the
// file, and prints their names, one a line. The places are found by walking
// the JPEG segments, the APP11 (JPEG XT) packets of the store, its JUMBF
// boxes and the CBOR of its content boxes; every choice is a fixed rule, so
// the same input gives the same files every run. A file without a store
// gets only the image-data corruptions. Exit 2 on unreadable input.
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import { basename } from 'node:path';

function die(msg) {
  process.stderr.write(`c2pa-corrupt: ${msg}\n`);
  process.exit(2);
}

const be16 = (b, o) => (b[o] << 8) | b[o + 1];
const be32 = (b, o) => b.readUInt32BE(o);

// ---- JPEG segments ---------------------------------------------------------
// [{marker, off, end, data}]: off = the FF before the marker, end = one past
// the segment (for SOS: past its header), data = offset of the payload after
// Lp. After each SOS the entropy-coded data runs up to the next marker that
// is not FF00, a restart marker or fill; it is recorded as {scan: [from, to]}.
function jpegSegments(b) {
  if (b.length < 4 || b[0] !== 0xff || b[1] !== 0xd8) die('not a JPEG (no SOI)');
  const segs = [];
  const scans = [];
  let p = 2;
  while (p < b.length) {
    if (b[p] !== 0xff) die(`not a marker at offset ${p}`);
    let q = p;
    while (q < b.length && b[q] === 0xff) q++; // fill bytes
    if (q >= b.length) break;
    const m = b[q];
    const off = q - 1;
    if (m === 0xd9) {
      segs.push({ marker: m, off, end: q + 1, data: q + 1 });
      break;
    }
    if ((m >= 0xd0 && m <= 0xd7) || m === 0x01) {
      p = q + 1;
      continue;
    }
    if (q + 3 > b.length) die(`segment header past the end at offset ${off}`);
    const lp = be16(b, q + 1);
    const end = q + 1 + lp;
    if (lp < 2 || end > b.length) die(`bad segment length at offset ${off}`);
    segs.push({ marker: m, off, end, data: q + 3 });
    p = end;
    if (m === 0xda) {
      let e = p;
      while (e + 1 < b.length) {
        if (b[e] === 0xff && b[e + 1] !== 0x00 && b[e + 1] !== 0xff && !(b[e + 1] >= 0xd0 && b[e + 1] <= 0xd7)) break;
        e++;
      }
      if (e + 1 >= b.length) e = b.length;
      scans.push([p, e]);
      p = e;
    }
  }
  return { segs, scans };
}

// ---- JPEG XT packets of the C2PA store --------------------------------------
// An APP11 segment is "JP", En (u16), Z (u32), then a chunk of the box.
// The store's instance is the one whose packet 1 starts with a jumb whose
// jumd has the label "c2pa". Returns {packets: [{seg, z, chunk}], store}
// where store is the joined JUMBF bytes and map(i) gives the file offset of
// store byte i.
function c2paStore(b, segs) {
  const app11 = segs.filter((s) => s.marker === 0xeb && s.end - s.data >= 8 && b[s.data] === 0x4a && b[s.data + 1] === 0x50);
  let en = -1;
  for (const s of app11) {
    const d = s.data;
    if (be32(b, d + 4) !== 1 || s.end - d < 8 + 8 + 16 + 1 + 5) continue;
    const jumb = d + 8;
    if (b.toString('latin1', jumb + 4, jumb + 8) !== 'jumb') continue;
    if (b.toString('latin1', jumb + 12, jumb + 16) !== 'jumd') continue;
    const label = jumb + 16 + 16 + 1;
    if (b.toString('latin1', label, label + 5) !== 'c2pa\0') continue;
    en = be16(b, d + 2);
    break;
  }
  if (en < 0) return null;
  const packets = app11
    .filter((s) => be16(b, s.data + 2) === en)
    .map((s) => ({ seg: s, z: be32(b, s.data + 4) }))
    .sort((x, y) => x.z - y.z);
  const head = be32(b, packets[0].seg.data + 8) === 1 ? 16 : 8;
  const pieces = [];
  const starts = []; // [storeOffset, fileOffset, length]
  let n = 0;
  packets.forEach((pk, i) => {
    const from = pk.seg.data + 8 + (i === 0 ? 0 : head);
    const len = pk.seg.end - from;
    starts.push([n, from, len]);
    pieces.push(b.subarray(from, pk.seg.end));
    n += len;
  });
  const store = Buffer.concat(pieces);
  const map = (i) => {
    for (const [s, f, l] of starts) if (i >= s && i < s + l) return f + (i - s);
    die(`store offset ${i} outside the store`);
  };
  return { en, packets, store, map };
}

// ---- JUMBF -----------------------------------------------------------------
// A tree of {type, off, size, head, label, children, content: [boxes]} over
// the store bytes. Superboxes (jumb) get the label and type of their jumd.
function jumbfBoxes(s, from, to) {
  const out = [];
  let p = from;
  while (p + 8 <= to) {
    let size = be32(s, p);
    const type = s.toString('latin1', p + 4, p + 8);
    let head = 8;
    if (size === 1) {
      size = Number(s.readBigUInt64BE(p + 8));
      head = 16;
    } else if (size === 0) size = to - p;
    if (size < head || p + size > to) die(`JUMBF box '${type}' at store offset ${p} has a bad length`);
    const box = { type, off: p, size, head };
    if (type === 'jumb') {
      const kids = jumbfBoxes(s, p + head, p + size);
      const d = kids[0];
      if (!d || d.type !== 'jumd') die(`superbox at store offset ${p} without jumd`);
      const c = d.off + d.head;
      box.uuid = s.toString('latin1', c, c + 4);
      const toggles = s[c + 16];
      box.label = '';
      if (toggles & 2) {
        const e = s.indexOf(0, c + 17);
        box.label = s.toString('utf8', c + 17, e);
      }
      box.children = kids.slice(1);
    }
    out.push(box);
    p += size;
  }
  return out;
}

// ---- CBOR ------------------------------------------------------------------
// Walks one item at p; pushes every byte/text string as {major, at, len,
// depth, index} (at = first content byte) into strs. Returns the end.
function cborItem(b, p, end, strs, depth) {
  if (p >= end) die('CBOR past the end');
  const ib = b[p++];
  const major = ib >> 5;
  const ai = ib & 31;
  let arg = ai;
  if (ai === 24) arg = b[p++];
  else if (ai === 25) (arg = be16(b, p)), (p += 2);
  else if (ai === 26) (arg = be32(b, p)), (p += 4);
  else if (ai === 27) (arg = Number(b.readBigUInt64BE(p))), (p += 8);
  else if (ai === 31) arg = -1;
  else if (ai > 27) die('bad CBOR');
  switch (major) {
    case 0:
    case 1:
    case 7:
      return p;
    case 2:
    case 3:
      if (arg < 0) {
        while (b[p] !== 0xff) p = cborItem(b, p, end, strs, depth + 1);
        return p + 1;
      }
      strs.push({ major, at: p, len: arg, depth });
      return p + arg;
    case 4:
    case 5: {
      const n = major === 5 ? 2 * arg : arg;
      if (arg < 0) {
        while (b[p] !== 0xff) p = cborItem(b, p, end, strs, depth + 1);
        return p + 1;
      }
      for (let i = 0; i < n; i++) p = cborItem(b, p, end, strs, depth + 1);
      return p;
    }
    case 6:
      return cborItem(b, p, end, strs, depth);
  }
  return p;
}
function cborStrings(b, from, to) {
  const strs = [];
  cborItem(b, from, to, strs, 0);
  return strs;
}

// ---- the corruptions -------------------------------------------------------
const [inPath, outDir] = process.argv.slice(2);
if (!inPath || !outDir) die('usage: c2pa-corrupt.mjs IN.jpg OUTDIR');
let input;
try {
  input = readFileSync(inPath);
} catch (e) {
  die(`cannot read ${inPath}: ${e.message}`);
}
mkdirSync(outDir, { recursive: true });
const base = basename(inPath).replace(/\.jpe?g$/i, '');
const { segs, scans } = jpegSegments(input);
const written = [];
function emit(what, bytes) {
  const name = `${base}.${what}.jpg`;
  writeFileSync(`${outDir}/${name}`, bytes);
  written.push(name);
}
function flipAt(off, what) {
  const c = Buffer.from(input);
  c[off] ^= 0x01;
  emit(what, c);
}
function without(ranges) {
  // ranges: [[from, to)...], sorted, disjoint
  const parts = [];
  let p = 0;
  for (const [f, t] of ranges) {
    parts.push(input.subarray(p, f));
    p = t;
  }
  parts.push(input.subarray(p));
  return Buffer.concat(parts);
}
// The middle byte of the longest byte string (else text string) in a range
// of CBOR: stays well-formed CBOR, changes a value (a hash, a signature, a
// label). Returns a store offset.
function cborTarget(store, box) {
  const strs = cborStrings(store, box.off + box.head, box.off + box.size);
  const pick = (m) => strs.filter((s) => s.major === m && s.len > 0).sort((x, y) => y.len - x.len || x.at - y.at)[0];
  const s = pick(2) || pick(3);
  if (!s) die(`no string in the CBOR box at store offset ${box.off}`);
  return s.at + (s.len >> 1);
}
const contentBox = (sb) => (sb.children || []).find((c) => c.type !== 'jumb');

// 1. image data, inside the hard binding
if (scans.length) {
  const [f, t] = scans[0];
  let p = f + ((t - f) >> 1);
  while (p < t && (input[p] === 0xff || input[p] === 0xfe || input[p - 1] === 0xff)) p++;
  if (p < t) flipAt(p, 'flip-scan');
}
const dqt = segs.find((s) => s.marker === 0xdb);
if (dqt && dqt.end - dqt.data > 2) flipAt(dqt.data + 1 + ((dqt.end - dqt.data - 1) >> 1), 'flip-dqt');
if (scans.length) {
  const [f, t] = scans[0];
  emit('truncate-scan', input.subarray(0, f + ((t - f) >> 1)));
}

const st = c2paStore(input, segs);
if (st) {
  const { store, map, packets } = st;
  const top = jumbfBoxes(store, 0, store.length)[0];
  const manifests = top.children.filter((c) => c.type === 'jumb');
  const active = manifests[manifests.length - 1];
  const part = (m, label) => m.children.find((c) => c.label === label);
  const parts = (m, re) => m.children.filter((c) => re.test(c.label));
  const assertions = (m) => (parts(m, /^c2pa\.assertions$/)[0] || { children: [] }).children;

  // 2. assertions of the active manifest (and of the oldest one)
  const hashData = assertions(active).find((a) => a.label === 'c2pa.hash.data');
  if (hashData) flipAt(map(cborTarget(store, contentBox(hashData))), 'flip-assertion-hash-data');
  const actions = assertions(active).find((a) => /^c2pa\.actions(\.v2)?(__\d+)?$/.test(a.label));
  if (actions) flipAt(map(cborTarget(store, contentBox(actions))), 'flip-assertion-actions');
  if (manifests.length > 1) {
    const old = assertions(manifests[0]);
    const a = old.find((x) => /^c2pa\.actions/.test(x.label)) || old[0];
    if (a && contentBox(a) && contentBox(a).type === 'cbor')
      flipAt(map(cborTarget(store, contentBox(a))), 'flip-old-manifest-assertion');
  }
  // 3. the claim, the signature
  const claim = parts(active, /^c2pa\.claim(\.v2)?$/)[0];
  if (claim) {
    flipAt(map(cborTarget(store, contentBox(claim))), 'flip-claim');
    // 5. a JUMBF length: the claim superbox's LBox one larger
    const c = Buffer.from(input);
    const at = map(claim.off);
    c.writeUInt32BE(be32(c, at) + 1, at);
    emit('jumbf-length-claim', c);
  }
  const sig = part(active, 'c2pa.signature');
  if (sig) {
    const cb = contentBox(sig);
    // COSE_Sign1 = 18([protected, unprotected, payload, signature]): the
    // signature is the last top-level-array byte string.
    const strs = cborStrings(store, cb.off + cb.head, cb.off + cb.size).filter((s) => s.depth === 1 && s.major === 2);
    const s = strs[strs.length - 1];
    if (s && s.len) flipAt(map(s.at + s.len - 1), 'flip-signature');
  }
  // 4. truncate inside the store
  const first = packets[0].seg;
  emit('truncate-store', input.subarray(0, first.data + ((first.end - first.data) >> 1)));
  // 6. drop one APP11 packet of the store, else the whole store
  if (packets.length > 1) {
    const s = packets[1].seg;
    emit(`drop-app11-2of${packets.length}`, without([[s.off, s.end]]));
  } else {
    emit('drop-store', without([[first.off, first.end]]));
  }
  // 7. a second manifest store: the store's packets again, right after it,
  // as another JPEG XT box instance.
  const last = packets[packets.length - 1].seg;
  const copies = packets.map((pk) => {
    const c = Buffer.from(input.subarray(pk.seg.off, pk.seg.end));
    c.writeUInt16BE((st.en + 1) & 0xffff, 4 + 2);
    return c;
  });
  emit('dup-store', Buffer.concat([input.subarray(0, last.end), ...copies, input.subarray(last.end)]));
}
// 8. drop a non-C2PA segment before the scan (APP0, else APP1, else COM)
for (const m of [0xe0, 0xe1, 0xfe]) {
  const s = segs.find((x) => x.marker === m);
  if (s) {
    emit(`drop-${m === 0xfe ? 'com' : 'app' + (m - 0xe0)}`, without([[s.off, s.end]]));
    break;
  }
}
for (const n of written) console.log(n);
