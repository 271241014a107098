#!/bin/sh
# prov c2pa verify agrees with the reference C2PA reader (c2pa-rs in
# @contentauth/c2pa-wasm, run by tests/oracle/c2pa-read.mjs) on every fixture
# and on byte-level corruptions of them (tests/oracle/c2pa-corrupt.mjs: a
# flipped byte in the scan, in a DQT segment, in assertions of the active
# and of an older manifest, in the claim, in the COSE signature; a JUMBF box
# length; truncation inside the scan and inside the store; a dropped APP11
# packet or store; a dropped APP0/APP1; a second store), then on files the
# reference SDK signs (Ed25519, ES256) and on prov's own credentials, with
# their corruptions. Both readers see all files of a set in one run each,
# without and with a trust anchor; the verdicts are compared file by file.
. "$(dirname "$0")/lib.sh"
ORACLE=$ROOT/tests/oracle
FIX=$ROOT/tests/fixtures/c2pa
ROOTS=$FIX/certs/test_cert_root_bundle.pem
[ -d "$ORACLE/node_modules/@contentauth/c2pa-wasm" ] || fail "run scripts/npm-deps.sh"

# ---- the files compared --------------------------------------------------
# One path a line in $TMP/files; add more with add_files, or add_signed for
# a file and all its corruptions (base names must be unique: the results
# are matched by base name).
: >"$TMP/files"
add_files() {
	for f in "$@"; do
		[ -f "$f" ] || fail "no file $f"
		echo "$f" >>"$TMP/files"
	done
}
# add_corruptions IN.jpg: every corruption c2pa-corrupt.mjs makes of IN.
add_corruptions() {
	node "$ORACLE/c2pa-corrupt.mjs" "$1" "$TMP/corrupt" >"$TMP/names" ||
		fail "c2pa-corrupt.mjs failed on $1"
	while read -r n; do add_files "$TMP/corrupt/$n"; done <"$TMP/names"
}
add_signed() {
	add_files "$1"
	add_corruptions "$1"
}

# The fixtures (made by c2pa-rs: claims v1 and v2, PS256 and ES256, one to
# four manifests) and their corruptions.
for f in "$FIX"/*.jpg; do add_signed "$f"; done
# Files the reference SDK signs now (c2pa-rs 0.91.3, claim v2) with the
# fixture keys: Ed25519, which no fixture uses, and ES256.
for alg in ed25519 es256; do
	node "$ORACLE/c2pa-bench.mjs" --sign $alg -k 1 -o "$TMP/ref-$alg.jpg" "$FIX/no_manifest.jpg" >/dev/null ||
		fail "the reference SDK could not sign with $alg"
	add_signed "$TMP/ref-$alg.jpg"
done

# The corpus is deterministic: a second run writes the same bytes.
node "$ORACLE/c2pa-corrupt.mjs" "$FIX/CACA.jpg" "$TMP/again" >/dev/null
for f in "$TMP"/again/*; do
	cmp -s "$f" "$TMP/corrupt/$(basename "$f")" || fail "c2pa-corrupt.mjs is not deterministic: $(basename "$f")"
done

# ---- the comparison ------------------------------------------------------
# Verdicts, reference -> prov:
#   valid | trusted -> valid | trusted (an untrusted signer alone is valid)
#   invalid         -> invalid
#   none            -> none  (the reader throws JumbfNotFound: no store, e.g.
#                              no_manifest.jpg and a fixture whose only APP11
#                              packet was dropped)
#   error           -> invalid. The reader throws something other than
#                      JumbfNotFound: it found a store and rejects the file.
#                      What it throws on this corpus: TooManyManifestStores
#                      (a second store), JumbfParseError (a JUMBF length off
#                      by one; a dropped APP11 packet of a multi-packet store)
#                      and InvalidAsset "Could not parse input JPEG" (the file
#                      ends inside the store). A corrupted store is invalid,
#                      never "no manifest".
# And trust: where the reference says trusted prov must too, and with no
# --trust roots prov must never say trusted.
cat >"$TMP/compare.js" <<'EOF'
const fs = require('fs');
const path = require('path');
const [refFile, provFile, listFile, trustGiven] = process.argv.slice(2);
const files = fs.readFileSync(listFile, 'utf8').split('\n').filter(Boolean);
const key = (f) => path.basename(f);
const ref = new Map();
for (const l of fs.readFileSync(refFile, 'utf8').split('\n').filter(Boolean)) {
  const r = JSON.parse(l);
  ref.set(key(r.file), r);
}
// prov c2pa verify --json: one object per file, as JSON lines or an array.
const text = fs.readFileSync(provFile, 'utf8').trim();
let got;
try {
  got = JSON.parse(text);
} catch {
  got = text.split('\n').filter(Boolean).map((l) => JSON.parse(l));
}
if (!Array.isArray(got)) got = got.files || [got];
const prov = new Map(got.map((r) => [key(r.file), r]));
const verdict = { valid: 'ok', trusted: 'ok', invalid: 'invalid', none: 'none', error: 'invalid' };
const bad = [];
const tally = {};
for (const f of files) {
  const r = ref.get(key(f));
  const p = prov.get(key(f));
  const rs = r ? r.state : '(missing)';
  const ps = p ? p.state : '(missing)';
  tally[rs] = (tally[rs] || 0) + 1;
  let why = '';
  if (!r || !(rs in verdict)) why = 'no reference verdict';
  else if (!p || !['valid', 'trusted', 'invalid', 'none'].includes(ps)) why = 'no prov verdict';
  else if (verdict[rs] !== verdict[ps]) why = 'verdicts differ';
  else if (rs === 'trusted' && ps !== 'trusted') why = 'reference trusts the signer';
  else if (ps === 'trusted' && trustGiven !== '1') why = 'trusted without --trust';
  if (why) {
    const codes = (l) => (l || []).map((s) => s.code || s).join(',');
    const rc = r ? r.error || codes([...(r.failure || []), ...(r.ingredient_failure || [])]) : '';
    bad.push([key(f), `${rs} ${rc}`, `${ps} ${p ? codes(p.status) : ''}`, why]);
  }
}
if (prov.size !== files.length) bad.push(['(prov)', '', `${prov.size} results`, `expected ${files.length}`]);
console.log(Object.keys(tally).sort().map((k) => `${k}=${tally[k]}`).join(' '));
if (bad.length) {
  console.error(`${bad.length} disagreements:`);
  console.error(['file', 'reference (failures or error)', 'prov (status)', 'why'].join(' | '));
  for (const b of bad) console.error(b.join(' | '));
  process.exit(1);
}
EOF
# compare NAME [--trust ROOT.pem]...: both readers over all files, then the
# verdicts file by file; $TMP/NAME.tally holds the reference's counts.
compare() {
	name=$1
	shift
	trust=0
	[ $# -eq 0 ] || trust=1
	# shellcheck disable=SC2046
	node "$ORACLE/c2pa-read.mjs" "$@" $(cat "$TMP/files") >"$TMP/$name.ref" ||
		fail "the reference reader failed"
	set +e
	# shellcheck disable=SC2046
	prov c2pa verify --json "$@" $(cat "$TMP/files") >"$TMP/$name.prov" 2>"$TMP/$name.err"
	rc=$?
	set -e
	# Some files are invalid, so the exit is 1 (not 2: no usage error).
	[ "$rc" -eq 1 ] || {
		cat "$TMP/$name.err" >&2
		fail "prov c2pa verify exited $rc over the corpus, expected 1"
	}
	node "$TMP/compare.js" "$TMP/$name.ref" "$TMP/$name.prov" "$TMP/files" "$trust" >"$TMP/$name.tally" ||
		fail "prov c2pa verify disagrees with the reference reader ($name)"
}

compare untrusted
# The corpus: 8 fixtures, 2 reference-signed files and 114 corruptions.
# The reference finds 108 files invalid or unreadable (76 + 32), so the
# corruptions really corrupt; the 9 without a store are no_manifest.jpg,
# its 4 corruptions and the four one-packet files with their store dropped.
expect_eq "$(wc -l <"$TMP/files")" 124 "files compared"
expect_eq "$(cat "$TMP/untrusted.tally")" 'error=32 invalid=76 none=9 valid=7' "reference verdicts"

# With the fixtures' root as a trust anchor the reference trusts 6 files
# (C_with_CAWG_data.jpg stays valid: its CAWG identity's signer is not
# trusted).
compare trusted --trust "$ROOTS"
expect_eq "$(cat "$TMP/trusted.tally")" 'error=32 invalid=76 none=9 trusted=6 valid=1' "reference verdicts with --trust"

# Exit 0 when every file is valid or trusted.
valid=$(grep '"state":"valid"' "$TMP/untrusted.ref" | sed 's/^{"file":"\([^"]*\)".*/\1/')
expect_eq "$(echo "$valid" | wc -l)" 7 "valid files"
# shellcheck disable=SC2086
expect_exit 0 prov c2pa verify $valid

# ---- prov's own credentials, and corruptions of them -------------------------
# A new credential and one over a fixture's history, signed with a root of
# our own: the same agreement, untrusted and with our root as the anchor.
: >"$TMP/files"
prov init >/dev/null
prov id new alice --no-passphrase >/dev/null
PROV_PASSPHRASE=ca prov id cert alice --root-out "$TMP/root.pem" >/dev/null
prov c2pa sign "$FIX/no_manifest.jpg" -o "$TMP/signed-new.jpg" --deny ai_training >/dev/null
prov c2pa sign "$FIX/CA.jpg" -o "$TMP/signed-over.jpg" >/dev/null
add_signed "$TMP/signed-new.jpg"
add_signed "$TMP/signed-over.jpg"
compare ours
# 2 credentials and 25 corruptions (signed-over.jpg has two manifests, so
# one more: its older manifest's assertion); 24 invalid or unreadable.
expect_eq "$(wc -l <"$TMP/files")" 27 "files of our own compared"
expect_eq "$(cat "$TMP/ours.tally")" 'error=7 invalid=17 none=1 valid=2' "reference verdicts on ours"
compare ours-trusted --trust "$TMP/root.pem"
expect_eq "$(cat "$TMP/ours-trusted.tally")" 'error=7 invalid=17 none=1 trusted=2' "reference verdicts on ours with our root"
