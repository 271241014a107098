# prov export lineage: a real lineage (works, a dataset manifest, two runs, a
# base model and its fine-tune) as OpenLineage, SPDX 3.0.1 and PROV-O, each
# parsed with node and checked for the links it must carry; deterministic;
# -o atomic; bad formats and unknown models refused with exit 2.
. "$(dirname "$0")/lib.sh"
command -v node >/dev/null || fail "node is needed (scripts/npm-deps.sh installs it)"

json_id() { sed -n 's/^  "id": "\(sha256:[0-9a-f]*\)".*/\1/p' "$1"; }

prov init . >/dev/null
new_identity alice
new_identity curator
new_identity lab
new_identity owner
mkdir data
echo "face 1" >data/f1.jpg
echo "face 2" >data/f2.jpg
prov register data/f1.jpg data/f2.jpg --license CC-BY-4.0 --as alice >/dev/null
prov manifest build faces --version 1 --from data --purpose research \
	--as curator --json >build.json
root=$(sed -n 's/.*"root": "\(0x[0-9a-f]*\)".*/\1/p' build.json)
dataset=$(prov manifest list --json | sed -n 's/.*"id": "\(sha256:[0-9a-f]*\)".*/\1/p' | head -n 1)
[ -n "$root" ] && [ -n "$dataset" ] || fail "no dataset"
head -c 3000 /dev/urandom >base.bin
head -c 2000 /dev/urandom >tuned.bin
prov run record --dataset faces@1 --checkpoint base.bin \
	--started 2026-11-20T08:00:00Z --finished 2026-11-20T17:30:00Z \
	--as lab --json >run1.json || fail "prov run record (base)"
prov run record --dataset faces@1 --checkpoint tuned.bin \
	--as lab --json >run2.json || fail "prov run record (fine-tune)"
run1=$(json_id run1.json)
run2=$(json_id run2.json)
prov model register faces-base --weights base.bin --run "$run1" \
	--license apache-2.0 --as owner --json >base.json || fail "model register base"
prov model register faces-ft --weights tuned.bin --run "$run2" \
	--parent faces-base --as owner --json >ft.json || fail "model register ft"
base=$(json_id base.json)
ft=$(json_id ft.json)
[ -n "$run1" ] && [ -n "$run2" ] && [ -n "$base" ] && [ -n "$ft" ] || fail "no ids"

for f in openlineage spdx prov-o; do
	expect_exit 0 prov export lineage tuned.bin --format $f -o $f.json
	[ -s "$TMP/out" ] && fail "-o still wrote to stdout"
	expect_exit 0 prov export lineage "$ft" --format $f
	cmp -s "$TMP/out" $f.json || fail "$f export differs between runs"
done

# Each document parsed, and its links checked, by node.
node - "$ft" "$base" "$run1" "$run2" "$dataset" "$root" \
	"$(sha256sum tuned.bin | cut -c1-64)" <<'JS' || fail "node checks"
const fs = require('fs');
const [ft, base, run1, run2, dataset, root, tuned] = process.argv.slice(2);
const load = (f) => JSON.parse(fs.readFileSync(f, 'utf8'));
function ok(cond, what) {
	if (!cond) { console.error('FAIL: ' + what); process.exit(1); }
}
const uuid = (id) => {
	const h = id.slice(7, 39).split('');
	h[12] = '8';
	h[16] = '89ab'[parseInt(h[16], 16) & 3];
	const s = h.join('');
	return `${s.slice(0, 8)}-${s.slice(8, 12)}-${s.slice(12, 16)}-${s.slice(16, 20)}-${s.slice(20)}`;
};
const facet = (f) => typeof f._producer === 'string' && typeof f._schemaURL === 'string';

// OpenLineage: one COMPLETE RunEvent per run, the fine-tune's first.
const ol = load('openlineage.json');
ok(Array.isArray(ol) && ol.length === 2, 'two run events');
for (const ev of ol) {
	ok(ev.eventType === 'COMPLETE', 'eventType');
	ok(!isNaN(Date.parse(ev.eventTime)), 'eventTime');
	ok(/^[0-9a-f]{8}-[0-9a-f]{4}-8[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/.test(ev.run.runId), 'runId');
	ok(ev.producer && ev.schemaURL.startsWith('https://openlineage.io/spec/'), 'producer, schemaURL');
	ok(ev.job.namespace === 'prov' && ev.job.name.startsWith('train/'), 'job');
	for (const d of ev.inputs.concat(ev.outputs)) {
		ok(d.namespace === 'prov' && typeof d.name === 'string', 'dataset name');
		for (const f of Object.values(d.facets)) ok(facet(f), 'facet base fields');
	}
}
ok(ol[0].run.runId === uuid(run2) && ol[1].run.runId === uuid(run1), 'run ids from records');
ok(ol[1].eventTime === '2026-11-20T17:30:00Z', 'finished time');
const ds = ol[0].inputs[0];
ok(ds.name === 'faces@1', 'dataset NAME@V');
ok(ds.facets.prov_dataset.record === dataset && ds.facets.prov_dataset.merkleRoot === root &&
   ds.facets.prov_dataset.items === 2, 'dataset facet');
ok(ol[0].inputs[1].facets.prov_model.record === base, 'the parent is an input');
ok(ol[0].outputs[0].name === 'faces-ft' &&
   ol[0].outputs[0].facets.prov_model.weights[0].sha256 === tuned, 'weights output');

// SPDX 3.0.1
const sp = load('spdx.json');
ok(sp['@context'] === 'https://spdx.org/rdf/3.0.1/spdx-context.jsonld', 'spdx context');
const el = (id) => sp['@graph'].find((e) => e.spdxId === id);
ok(el(`urn:prov:model:${ft}`).type === 'ai_AIPackage', 'AIPackage');
ok(el(`urn:prov:dataset:${dataset}`).type === 'dataset_DatasetPackage', 'DatasetPackage');
ok(el(`urn:prov:dataset:${dataset}`).externalIdentifier[0].identifier === root, 'root');
ok(el(`urn:prov:model:${ft}#trainedOn`).to[0] === `urn:prov:dataset:${dataset}`, 'trainedOn');
ok(el(`urn:prov:model:${ft}#descendantOf`).to[0] === `urn:prov:model:${base}`, 'descendantOf');
ok(el(`urn:prov:model:${base}#license`).simplelicensing_licenseExpression === 'Apache-2.0', 'license');
ok(el(`urn:prov:model:${ft}#weights-1`).verifiedUsing[0].hashValue === tuned, 'weight hash');
ok(el(`urn:prov:model:${ft}#works`).statement.includes('CC-BY-4.0 2'), 'works');

// PROV-O
const po = load('prov-o.json');
ok(po['@context'].prov === 'http://www.w3.org/ns/prov#', 'prov context');
const n = (id) => po['@graph'].find((e) => e['@id'] === id);
ok(n(`urn:prov:model:${ft}`)['prov:wasDerivedFrom']['@id'] === `urn:prov:model:${base}`, 'wasDerivedFrom');
ok(n(`urn:prov:model:${ft}#weights-1`)['prov:wasGeneratedBy']['@id'] === `urn:prov:run:${run2}`, 'wasGeneratedBy');
const a = n(`urn:prov:run:${run1}`);
ok(a['@type'] === 'prov:Activity' && a['prov:used'][0]['@id'] === `urn:prov:dataset:${dataset}`, 'used');
ok(a['prov:startedAtTime']['@value'] === '2026-11-20T08:00:00Z' &&
   a['prov:startedAtTime']['@type'] === 'xsd:dateTime', 'startedAtTime');
ok(a['prov:wasAssociatedWith']['@id'].startsWith('did:key:z6Mk'), 'provider agent');
ok(n(`urn:prov:run:${run2}`)['prov:used'].some((u) => u['@id'] === `urn:prov:model:${base}`), 'fine-tune used its base');
ok(n(`urn:prov:dataset:${dataset}`)['pr:merkleRoot'] === root, 'dataset root');
JS

# -o is atomic: a failed export leaves no file, and an existing one as it was.
echo keep >kept.json
expect_exit 2 prov export lineage "$ft" --format turtle -o kept.json
expect_grep "'turtle' is not a lineage format \(expected openlineage, spdx or prov-o\)" "$TMP/err"
expect_eq "$(cat kept.json)" keep
expect_exit 2 prov export lineage no-such-model --format spdx -o new.json
expect_grep "no model 'no-such-model'" "$TMP/err"
[ -e new.json ] && fail "a failed export left a file"
ls -a | grep -q '\.tmp' && fail "a temporary file was left behind"
expect_exit 2 prov export lineage "$ft"
expect_grep "--format is required" "$TMP/err"
expect_exit 2 prov export lineage "$ft" --format spdx -o /nonexistent/dir/x.json
expect_grep "could not write the export" "$TMP/err"
expect_exit 2 prov export frobnicate
expect_exit 0 prov export --help
expect_grep "prov export lineage" "$TMP/out"
