#!/bin/sh
# prov c2pa sign: a credential the reference reader accepts (valid with
# only signingCredential.untrusted, trusted under our root), the input's
# bytes kept outside the inserted segments, history kept when a signed file
# is signed again, training permissions, the registry link and
# --register, and clear errors for what cannot be signed.
. "$(dirname "$0")/lib.sh"
ORACLE=$ROOT/tests/oracle
FIX=$ROOT/tests/fixtures
[ -d "$ORACLE/node_modules/@contentauth/c2pa-wasm" ] || fail "run scripts/npm-deps.sh"
reference() { node "$ORACLE/c2pa-read.mjs" "$@"; }

prov init >/dev/null
new_identity alice
new_identity bob
export PROV_PASSPHRASE=ca-secret

# No certificate yet: a clear error and nothing written.
expect_exit 2 prov c2pa sign "$FIX/c2pa/no_manifest.jpg" -o out.jpg --as alice
expect_grep "prov id cert alice" "$TMP/err"
[ ! -e out.jpg ] || fail "out.jpg written without a certificate"

prov id cert alice --root-out root.pem >/dev/null
prov id cert bob >/dev/null

# ---- a new credential -----------------------------------------------------
expect_exit 0 prov c2pa sign "$FIX/c2pa/no_manifest.jpg" -o out.jpg --as alice \
	--title "A photo" --deny ai_training --deny ai_generative_training --allow data_mining
expect_grep "^signed out.jpg \\(" "$TMP/out"

reference out.jpg >ref.json
expect_grep '"state":"valid","failure":\["signingCredential.untrusted"\]' ref.json
expect_grep '"assertion.dataHash.match"' ref.json
reference --trust root.pem out.jpg >ref.json
expect_grep '"state":"trusted","failure":\[\]' ref.json

expect_exit 0 prov c2pa verify out.jpg
expect_grep "^valid  out.jpg  signed by alice, prov$" "$TMP/out"
expect_grep "^  signingCredential.untrusted: " "$TMP/out"
expect_exit 0 prov c2pa verify --trust root.pem out.jpg
expect_grep "^trusted  out.jpg  signed by alice, prov$" "$TMP/out"
expect_exit 1 prov c2pa verify --require-trust out.jpg
expect_exit 0 prov c2pa verify --require-trust --trust root.pem out.jpg

# The permissions travel in cawg.training-mining.
prov c2pa verify --json out.jpg >v.json
node -e '
const v = JSON.parse(require("fs").readFileSync("v.json", "utf8"))[0];
const want = { ai_training: "notAllowed", ai_generative_training: "notAllowed", data_mining: "allowed" };
if (JSON.stringify(v.training) !== JSON.stringify(want)) { console.error(JSON.stringify(v.training)); process.exit(1); }
if (v.state !== "valid" || v.status[0].code !== "signingCredential.untrusted") process.exit(1);
' || fail "verify --json: training or status"

# The claim: v2, created with the digital source type, a claim thumbnail,
# the registry link, the hard binding last.
prov c2pa show --json out.jpg >show.json
node -e '
const s = JSON.parse(require("fs").readFileSync("show.json", "utf8"));
const m = s.manifests[s.active_manifest];
const labels = m.assertions.map((a) => a.label).join(" ");
const want = "c2pa.thumbnail.claim.jpeg c2pa.actions.v2 cawg.training-mining org.prov.work c2pa.hash.data";
if (labels !== want) { console.error(labels); process.exit(1); }
const act = m.assertions[1].data.actions[0];
if (act.action !== "c2pa.created" || act.digitalSourceType !== "http://cv.iptc.org/newscodes/digitalsourcetype/digitalCapture") process.exit(2);
if (m.assertions[0].format !== "image/jpeg" || m.title !== "A photo" || m.claim_version !== 2) process.exit(3);
if (m.signature_info.alg !== "Ed25519" || m.signature_info.common_name !== "alice") process.exit(4);
if (!/^urn:c2pa:[0-9a-f-]{36}$/.test(s.active_manifest) || s.validation_state !== "Valid") process.exit(5);
const h = m.assertions[4].data.exclusions[0];
console.log(h.start + " " + h.length);
' >excl || fail "show --json: the claim"

# The summary names the permissions and the registry link.
expect_exit 0 prov c2pa show out.jpg
expect_grep "^    cawg.ai_training: notAllowed$" "$TMP/out"
expect_grep "^    cawg.data_mining: allowed$" "$TMP/out"
expect_grep "^    creator: did:key:z6Mk" "$TMP/out"

# Every byte outside the exclusion is the input's.
read -r start length <excl
in=$FIX/c2pa/no_manifest.jpg
expect_eq "$(($(wc -c <out.jpg) - length))" "$(wc -c <"$in")" "size outside the exclusion"
head -c "$start" out.jpg >a
head -c "$start" "$in" >b
cmp a b || fail "bytes before the store differ"
tail -c +"$((start + length + 1))" out.jpg >a
tail -c +"$((start + 1))" "$in" >b
cmp a b || fail "bytes after the store differ"

# ---- signing a signed file keeps its history --------------------------------
expect_exit 0 prov c2pa sign out.jpg -o out2.jpg --as bob --source trainedAlgorithmicMedia
reference out2.jpg >ref.json
expect_grep '"state":"valid","failure":\["signingCredential.untrusted"\]' ref.json
prov c2pa show --json out2.jpg >show.json
node -e '
const s = JSON.parse(require("fs").readFileSync("show.json", "utf8"));
const labels = Object.keys(s.manifests);
if (labels.length !== 2) process.exit(1);
const m = s.manifests[s.active_manifest];
const ing = m.ingredients[0];
const parent = labels.find((l) => l !== s.active_manifest);
if (ing.relationship !== "parentOf" || ing.activeManifest.url !== "self#jumbf=/c2pa/" + parent) process.exit(2);
if (m.assertions.find((a) => a.label === "c2pa.actions.v2").data.actions[0].action !== "c2pa.opened") process.exit(3);
if (m.signature_info.common_name !== "bob") process.exit(4);
' || fail "show --json: the history"
expect_exit 0 prov c2pa verify out2.jpg
expect_grep "^valid  out2.jpg  signed by bob, prov$" "$TMP/out"

# A fixture from another tool, signed over: the reference still agrees.
expect_exit 0 prov c2pa sign "$FIX/c2pa/CACA.jpg" -o caca.jpg --as alice
reference caca.jpg >ref.json
expect_grep '"state":"valid","failure":\["signingCredential.untrusted"\]' ref.json

# Progressive and CMYK inputs sign (their thumbnails decode) and verify.
jpegtran -progressive "$FIX/c2pa/no_manifest.jpg" >prog.jpg
expect_exit 0 prov c2pa sign prog.jpg -o prog-signed.jpg --as alice
expect_exit 0 prov c2pa sign "$FIX/jpeg/cmyk.jpg" -o cmyk-signed.jpg --as alice
reference prog-signed.jpg cmyk-signed.jpg >ref.json
expect_eq "$(grep -c '"state":"valid","failure":\["signingCredential.untrusted"\]' ref.json)" 2 "progressive and CMYK verdicts"
expect_exit 0 prov c2pa verify prog-signed.jpg cmyk-signed.jpg
expect_eq "$(grep -c '^valid  ' "$TMP/out")" 2 "prov's progressive and CMYK verdicts"

# An APP11 segment of another kind (a JPEG XT box of instance 1) is kept.
printf '\377\330\377\353\000\032JP\000\001\000\000\000\001\000\000\000\020junkjunkjunk' >xt.jpg
tail -c +3 "$FIX/c2pa/no_manifest.jpg" >>xt.jpg
expect_exit 0 prov c2pa sign xt.jpg -o xt-signed.jpg --as alice
grep -c "junkjunkjunk" xt-signed.jpg >/dev/null || fail "the other APP11 segment was dropped"
expect_exit 0 prov c2pa verify xt-signed.jpg
reference xt-signed.jpg >ref.json
expect_grep '"state":"valid"' ref.json

# ---- the registry ------------------------------------------------------------
# A work registered before signing is named by the credential.
cp "$FIX/c2pa/no_manifest.jpg" photo.jpg
prov register photo.jpg --license CC-BY-4.0 --as alice --json >reg.json
id=$(sed -n 's/.*"id": "\(sha256:[0-9a-f]*\)".*/\1/p' reg.json)
[ -n "$id" ] || fail "no id from register"
expect_exit 0 prov c2pa sign photo.jpg -o photo-signed.jpg --as alice
expect_grep "^linked to $id$" "$TMP/out"
prov c2pa show --json photo-signed.jpg >show.json
expect_grep "\"record\": \"$id\"" show.json

# --register records the signed file as a work, naming the manifest.
expect_exit 0 prov c2pa sign photo.jpg -o reg-signed.jpg --as alice --register \
	--license CC-BY-NC-4.0 --deny ai_training --json
expect_grep '"record": "sha256:' "$TMP/out"
expect_exit 0 prov show reg-signed.jpg --json
expect_grep '"license": "CC-BY-NC-4.0"' "$TMP/out"
expect_grep '"ai_training": "notAllowed"' "$TMP/out"
label=$(prov c2pa show --json reg-signed.jpg | sed -n 's/^  "active_manifest": "\(.*\)",$/\1/p')
[ -n "$label" ] || fail "no active manifest label"
expect_grep "\"manifest\": \"$label\"" "$TMP/out"
expect_exit 0 prov verify

# ---- what cannot be signed --------------------------------------------------
expect_exit 2 prov c2pa sign "$ROOT/README.md" -o bad.jpg --as alice
expect_grep "README.md': JPEG: no start of image" "$TMP/err"
expect_exit 2 prov c2pa sign photo.jpg --as alice
expect_grep "\-o OUT.jpg is required" "$TMP/err"
expect_exit 2 prov c2pa sign photo.jpg -o bad.jpg --as alice --source selfie
expect_grep "'selfie' is not an IPTC digital source type" "$TMP/err"
expect_exit 2 prov c2pa sign photo.jpg -o bad.jpg --as alice --license MIT
expect_grep "go with --register" "$TMP/err"
expect_exit 2 prov c2pa sign photo.jpg -o bad.jpg --as alice --deny cooking
expect_grep "'cooking' is not a use" "$TMP/err"
# Two manifest stores: which is the file's cannot be told, so no history
# could be kept.
node "$ORACLE/c2pa-corrupt.mjs" "$FIX/c2pa/C.jpg" corrupt >/dev/null
two=corrupt/C.dup-store.jpg
[ -n "$two" ] || fail "no two-store corruption"
expect_exit 2 prov c2pa sign "$two" -o bad.jpg --as alice
expect_grep "a second C2PA manifest store" "$TMP/err"
[ ! -e bad.jpg ] || fail "bad.jpg written"

# verify and show: a non-JPEG is a usage error, no manifest is exit 1.
expect_exit 2 prov c2pa verify "$ROOT/README.md"
expect_grep "^prov: '$ROOT/README.md': not a JPEG file$" "$TMP/err"
expect_exit 2 prov c2pa verify nothing.jpg
expect_grep "^prov: 'nothing.jpg': no such file or directory$" "$TMP/err"
# A --trust file without a certificate is an error, not an empty trust list.
expect_exit 2 prov c2pa verify --trust "$ROOT/README.md" out.jpg
expect_grep "^prov: '$ROOT/README.md': --trust: no PEM certificate in the file$" "$TMP/err"
expect_exit 1 prov c2pa verify "$FIX/c2pa/no_manifest.jpg"
expect_grep "^none  " "$TMP/out"
expect_exit 1 prov c2pa show "$FIX/c2pa/no_manifest.jpg"
expect_exit 0 prov c2pa sign --help
