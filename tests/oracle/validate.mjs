// Validates prov's manifest exports (manifest/export.c) against the official
// JSON schemas, as shipped in the npm packages pinned in package.json.
// Install with scripts/npm-deps.sh. Used by tests/e2e/t0140-manifest-export.sh.
//
//   node validate.mjs cyclonedx FILE
//     -> exit 0 if FILE is a valid CycloneDX 1.6 BOM, else the errors on
//        stderr and exit 1. Schema: bom-1.6.SNAPSHOT.schema.json (with the
//        spdx and jsf schemas it references) from @cyclonedx/cyclonedx-library,
//        draft-07, checked by Ajv with every format asserted (ajv-formats,
//        ajv-formats-draft2019 for idn-email, and iriReference below).
//   node validate.mjs spdx FILE
//     -> exit 2: no npm package ships the SPDX 3.0.1 JSON schema
//        (spdx-json-schema.json), so SPDX exports cannot be checked here.
// Exit 2 also for usage errors and unreadable or non-JSON files.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import addFormats2019 from 'ajv-formats-draft2019';

const require = createRequire(import.meta.url);

function usage(msg) {
	process.stderr.write(`validate: ${msg}\nusage: node validate.mjs cyclonedx|spdx FILE\n`);
	process.exit(2);
}

// The package's "exports" hide res/, so find it beside its package.json.
const cdxRoot = dirname(require.resolve('@cyclonedx/cyclonedx-library/package.json'));

function cdxSchema(name) {
	return JSON.parse(readFileSync(join(cdxRoot, 'res', 'schema', name), 'utf8'));
}

// RFC 3987 IRI-reference, checked loosely: no spaces, controls or the
// characters RFC 3987 excludes, a well-formed scheme if there is one, and
// the WHATWG URL parser accepts it. ajv-formats-draft2019's own check rejects
// every urn: IRI (uri-js gives URNs no path), which is why
// @cyclonedx/cyclonedx-library's validator turns this format off altogether.
function iriReference(s) {
	if (/[\u0000-\u0020\u007f-\u009f<>"{}|\\^`]/.test(s))
		return false;
	const m = /^([^:/?#]+):/.exec(s);
	if (m && !/^[A-Za-z][A-Za-z0-9+.-]*$/.test(m[1]))
		return false;
	try {
		new URL(s, 'http://base.invalid/');
		return true;
	} catch {
		return false;
	}
}

function cyclonedxValidator() {
	const ajv = new Ajv({ strict: false, allErrors: true, addUsedSchema: false,
		loadSchema: (uri) => { throw new Error(`remote schemas are disabled: ${uri}`); } });
	addFormats(ajv);
	addFormats2019(ajv, { formats: ['idn-email'] });
	ajv.addFormat('iri-reference', iriReference);
	// bom-1.6 refers to these by their file names, relative to its $id
	ajv.addSchema(cdxSchema('spdx.SNAPSHOT.schema.json'),
		'http://cyclonedx.org/schema/spdx.SNAPSHOT.schema.json');
	ajv.addSchema(cdxSchema('jsf-0.82.SNAPSHOT.schema.json'),
		'http://cyclonedx.org/schema/jsf-0.82.SNAPSHOT.schema.json');
	return ajv.compile(cdxSchema('bom-1.6.SNAPSHOT.schema.json'));
}

const [kind, file] = process.argv.slice(2);
if (!kind || !file || process.argv.length !== 4)
	usage('expected a format and a file');
if (kind === 'spdx')
	usage('no SPDX 3.0.1 JSON schema is available from npm; cannot validate');
if (kind !== 'cyclonedx')
	usage(`'${kind}' is not a format this validator knows (cyclonedx, spdx)`);

let doc;
try {
	doc = JSON.parse(readFileSync(file, 'utf8'));
} catch (e) {
	usage(`${file}: ${e.message}`);
}
const validate = cyclonedxValidator();
if (validate(doc))
	process.exit(0);
for (const e of validate.errors)
	process.stderr.write(`${file}: ${e.instancePath || '/'} ${e.message}` +
		` (${e.schemaPath}${e.params ? ' ' + JSON.stringify(e.params) : ''})\n`);
process.exit(1);
