// The reference C2PA reader (c2pa-rs in @contentauth/c2pa-wasm) as a test
// oracle: for each file named on the command line, one JSON line
//   {"file", "state": "trusted"|"valid"|"invalid"|"none"|"error",
//    "failure": [codes], "success": [codes], "ingredient_failure": [codes],
//    "error": message}
// "none" is the reader's JumbfNotFound (no manifest store found); "error" is
// any other error it throws (it rejects the file: a store it cannot parse,
// a second store, a JPEG it cannot walk), with the message.
// With --trust ROOT.pem the root is a user anchor. With --json FILE the
// reader's whole JSON for the first file is printed instead.
//   node tests/oracle/c2pa-read.mjs [--trust ROOT.pem] FILE.jpg...
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { initSync, WasmReader } from '@contentauth/c2pa-wasm';

const require = createRequire(import.meta.url);
initSync({ module: readFileSync(require.resolve('@contentauth/c2pa-wasm/c2pa.wasm')) });

let anchors = '';
let whole = false;
const files = [];
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  if (argv[i] === '--trust') anchors += readFileSync(argv[++i], 'utf8');
  else if (argv[i] === '--json') whole = true;
  else files.push(argv[i]);
}
const settings = { verify: { ocsp_fetch: false, remote_manifest_fetch: false } };
if (anchors)
  settings.trust = { trust_config: '1.3.6.1.4.1.62558.2.1\n1.3.6.1.5.5.7.3.4\n', user_anchors: anchors };
const context = JSON.stringify(settings);

function codes(list) {
  return (list || []).map((s) => s.code);
}

for (const file of files) {
  const out = { file };
  try {
    const reader = await WasmReader.fromBytes('image/jpeg', readFileSync(file), context);
    const r = JSON.parse(reader.json());
    reader.free();
    if (whole) {
      console.log(JSON.stringify(r, null, 2));
      continue;
    }
    out.state = (r.validation_state || 'none').toLowerCase();
    const v = (r.validation_results || {}).activeManifest || {};
    out.failure = codes(v.failure);
    out.success = codes(v.success);
    // failures found in ingredients' manifests (an older manifest changed)
    const deltas = (r.validation_results || {}).ingredientDeltas || [];
    const ing = deltas.flatMap((d) => codes((d.validationDeltas || {}).failure));
    if (ing.length) out.ingredient_failure = ing;
  } catch (e) {
    const msg = String(e && e.message ? e.message : e);
    out.state = /JumbfNotFound/.test(msg) ? 'none' : 'error';
    out.error = msg;
  }
  console.log(JSON.stringify(out));
}
