/* Lineage exports (manifest/lineage.c) from a hand-written trace report
 * (tests/unit/golden/lineage-report.json: a fine-tune and its base model,
 * two runs, two datasets, hostile names, a provider that is no DID): the
 * key fields of each format, the same bytes for the same lineage whatever
 * the order of the report's maps, refusals of malformed reports, and the
 * bytes pinned by golden files (tests/unit/golden/lineage-*.json;
 * UPDATE_GOLDEN=1 rewrites them). */
#include <stdlib.h>

#include "manifest/manifest.h"
#include "unit.h"

#define REPORT "tests/unit/golden/lineage-report.json"
#define FT "sha256:1000000000000000000000000000000000000000000000000000000000000001"
#define BASE "sha256:1000000000000000000000000000000000000000000000000000000000000000"
#define RUN_FT "sha256:2000000000000000000000000000000000000000000000000000000000000002"
#define DS_FACES "sha256:3000000000000000000000000000000000000000000000000000000000000001"
#define DS_CAPS "sha256:3000000000000000000000000000000000000000000000000000000000000002"
#define FT_NAME "faces-ft \"v2\" <b>\u00e9 \u2713</b>"
#define CAPS_NAME "captions \"quoted\" \u00fc"

static json_t *report(void)
{
	json_error_t e;
	json_t *r = json_load_file(REPORT, 0, &e);

	if (!r)
		fprintf(stderr, "%s:%d: %s\n", REPORT, e.line, e.text);
	return r;
}

static json_t *export(enum lineage_format f)
{
	json_t *r = report(), *out = NULL;
	struct buf b = BUF_INIT;

	if (r && !lineage_export(&b, f, r))
		out = json_loads(b.ptr, 0, NULL);
	buf_release(&b);
	json_decref(r);
	return out;
}

/* "a.b.0.c": object keys and array indexes */
static const json_t *at(const json_t *o, const char *path)
{
	char key[64];
	const char *dot;

	while (o && *path) {
		dot = strchr(path, '.');
		snprintf(key, sizeof(key), "%.*s",
			 (int)(dot ? dot - path : (long)strlen(path)), path);
		o = (*key >= '0' && *key <= '9') ? json_array_get(o, (size_t)atoi(key)) :
						  json_object_get(o, key);
		path = dot ? dot + 1 : "";
	}
	return o;
}

static const char *s(const json_t *o, const char *path)
{
	return json_string_value(at(o, path)) ?: "(missing)";
}

/* The node of a JSON-LD graph with this id (key "@id" or "spdxId"). */
static const json_t *node(const json_t *doc, const char *key, const char *id)
{
	const json_t *e;
	size_t i;

	json_array_foreach (json_object_get(doc, "@graph"), i, e)
		if (!strcmp(s(e, key), id))
			return e;
	return NULL;
}

static int is_facet(const json_t *f)
{
	return !strcmp(s(f, "_producer"), "urn:prov:producer:prov") &&
	       !strncmp(s(f, "_schemaURL"), "urn:prov:openlineage:", 21);
}

static void openlineage(void)
{
	json_t *d = export(LINEAGE_OPENLINEAGE);
	const json_t *ev, *in;

	CHECK(d && json_array_size(d) == 2);
	ev = json_array_get(d, 0);
	CHECK_STR(s(ev, "eventType"), "COMPLETE");
	CHECK_STR(s(ev, "eventTime"), "2026-11-21T17:30:00Z");
	CHECK_STR(s(ev, "producer"), "urn:prov:producer:prov");
	CHECK_STR(s(ev, "schemaURL"),
		  "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent");
	/* the run id's first 16 bytes, version 8, variant 10 */
	CHECK_STR(s(ev, "run.runId"), "20000000-0000-8000-8000-000000000000");
	CHECK(is_facet(at(ev, "run.facets.prov_run")));
	CHECK_STR(s(ev, "run.facets.prov_run.record"), RUN_FT);
	CHECK_STR(s(ev, "job.namespace"), "prov");
	CHECK_STR(s(ev, "job.name"), "train/" FT_NAME);
	in = at(ev, "inputs");
	CHECK(json_array_size(in) == 2); /* the dataset, then the base model */
	CHECK_STR(s(in, "0.name"), CAPS_NAME "@1.0");
	CHECK(is_facet(at(in, "0.facets.prov_dataset")));
	CHECK_STR(s(in, "0.facets.prov_dataset.record"), DS_CAPS);
	CHECK_STR(s(in, "0.facets.prov_dataset.merkleRoot"),
		  "0xcccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc");
	CHECK(json_integer_value(at(in, "0.facets.prov_dataset.items")) == 3);
	CHECK_STR(s(in, "1.name"), "faces-base");
	CHECK_STR(s(in, "1.facets.prov_model.record"), BASE);
	CHECK_STR(s(ev, "outputs.0.name"), FT_NAME);
	CHECK(is_facet(at(ev, "outputs.0.facets.prov_model")));
	CHECK_STR(s(ev, "outputs.0.facets.prov_model.weights.1.sha256"),
		  "abababababababababababababababababababababababababababababababab");
	/* no finished time: the started one */
	CHECK_STR(s(d, "1.eventTime"), "2026-11-19T08:00:00Z");
	CHECK(json_array_size(at(d, "1.inputs")) == 2);
	json_decref(d);
}

static void spdx(void)
{
	json_t *d = export(LINEAGE_SPDX);
	const json_t *ft, *ds, *rel;

	CHECK(d);
	CHECK_STR(s(d, "@context"), "https://spdx.org/rdf/3.0.1/spdx-context.jsonld");
	CHECK_STR(s(d, "@graph.0.type"), "CreationInfo");
	CHECK_STR(s(d, "@graph.0.created"), "2026-11-22T10:00:00Z");
	CHECK_STR(s(d, "@graph.0.createdBy.0"), "urn:prov:agent:did:key:z6MkOwnerFineTune");
	CHECK((ft = node(d, "spdxId", "urn:prov:model:" FT)));
	CHECK_STR(s(ft, "type"), "ai_AIPackage");
	CHECK_STR(s(ft, "name"), FT_NAME);
	CHECK((ds = node(d, "spdxId", "urn:prov:dataset:" DS_FACES)));
	CHECK_STR(s(ds, "type"), "dataset_DatasetPackage");
	CHECK_STR(s(ds, "externalIdentifier.0.identifier"),
		  "0xdddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd");
	CHECK((rel = node(d, "spdxId", "urn:prov:model:" FT "#trainedOn")));
	CHECK_STR(s(rel, "to.0"), "urn:prov:dataset:" DS_CAPS);
	CHECK((rel = node(d, "spdxId", "urn:prov:model:" BASE "#trainedOn")));
	CHECK(json_array_size(json_object_get(rel, "to")) == 2);
	CHECK((rel = node(d, "spdxId", "urn:prov:model:" FT "#descendantOf")));
	CHECK_STR(s(rel, "to.0"), "urn:prov:model:" BASE);
	CHECK(!node(d, "spdxId", "urn:prov:model:" BASE "#descendantOf"));
	CHECK((rel = node(d, "spdxId", "urn:prov:model:" FT "#license")));
	CHECK_STR(s(rel, "simplelicensing_licenseExpression"),
		  "Apache-2.0 OR LicenseRef-faces \"x\"");
	CHECK(!node(d, "spdxId", "urn:prov:model:" BASE "#license"));
	CHECK((rel = node(d, "spdxId", "urn:prov:model:" FT "#weights-2")));
	CHECK_STR(s(rel, "verifiedUsing.0.algorithm"), "sha256");
	CHECK_STR(s(rel, "name"), "weird\tname\\\u00fc.bin");
	CHECK((rel = node(d, "spdxId", "urn:prov:model:" FT "#works")));
	CHECK_STR(s(rel, "statement"),
		  "1005 registered works by 3 creators behind the datasets; by "
		  "license: (none) 1, CC-BY-4.0 1001, CC0-1.0 2, MIT 1");
	json_decref(d);
}

static void prov_o(void)
{
	json_t *d = export(LINEAGE_PROV_O);
	const json_t *e;

	CHECK(d);
	CHECK_STR(s(d, "@context.prov"), "http://www.w3.org/ns/prov#");
	CHECK((e = node(d, "@id", "urn:prov:model:" FT)));
	CHECK_STR(s(e, "prov:wasDerivedFrom.@id"), "urn:prov:model:" BASE);
	CHECK_STR(s(e, "prov:wasGeneratedBy.@id"), "urn:prov:run:" RUN_FT);
	CHECK_STR(s(e, "prov:wasAttributedTo.@id"), "did:key:z6MkOwnerFineTune");
	CHECK((e = node(d, "@id", "urn:prov:model:" FT "#weights-1")));
	CHECK_STR(s(e, "schema:sha256"),
		  "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		  "aaaa");
	CHECK((e = node(d, "@id", "urn:prov:run:" RUN_FT)));
	CHECK_STR(s(e, "@type"), "prov:Activity");
	CHECK_STR(s(e, "prov:used.0.@id"), "urn:prov:dataset:" DS_CAPS);
	CHECK_STR(s(e, "prov:used.1.@id"), "urn:prov:model:" BASE);
	CHECK_STR(s(e, "prov:startedAtTime.@type"), "xsd:dateTime");
	CHECK_STR(s(e, "prov:endedAtTime.@value"), "2026-11-21T17:30:00Z");
	/* a provider that is no DID is named by its hash */
	CHECK((e = node(d, "@id", "urn:prov:run:sha256:20000000000000000000000000"
				  "00000000000000000000000000000000000001")));
	CHECK(!strncmp(s(e, "prov:wasAssociatedWith.@id"),
		       "urn:prov:agent:sha256:", 22));
	CHECK(!json_object_get(e, "prov:endedAtTime"));
	CHECK((e = node(d, "@id", "urn:prov:dataset:" DS_FACES)));
	CHECK_STR(s(e, "pr:merkleRoot"),
		  "0xdddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd");
	CHECK_STR(s(e, "prov:wasDerivedFrom.@id"), "urn:prov:model:" FT "#works");
	CHECK((e = node(d, "@id", "did:key:z6MkCurator")));
	CHECK(json_integer_value(json_object_get(e, "pr:works")) == 2);
	json_decref(d);
}

/* The same lineage with its maps in another order gives the same bytes. */
static void deterministic(void)
{
	json_t *a = report(), *b = report(), *lic;
	struct buf x = BUF_INIT, y = BUF_INIT;

	CHECK(a && b);
	lic = json_object_get(json_array_get(json_object_get(b, "creators"), 0),
			      "licenses");
	json_object_clear(lic);
	json_object_set_new(lic, "CC-BY-4.0", json_integer(2));
	json_object_set_new(lic, "MIT", json_integer(1));
	for (int f = LINEAGE_OPENLINEAGE; f <= LINEAGE_PROV_O; f++) {
		buf_clear(&x);
		buf_clear(&y);
		CHECK(!lineage_export(&x, (enum lineage_format)f, a));
		CHECK(!lineage_export(&y, (enum lineage_format)f, b));
		CHECK(x.len == y.len && !memcmp(x.ptr, y.ptr, x.len));
		CHECK(x.ptr[x.len - 1] == '\n');
	}
	buf_release(&x);
	buf_release(&y);
	json_decref(a);
	json_decref(b);
}

static void golden(void)
{
	static const char *const names[] = { "openlineage", "spdx", "prov-o" };
	json_t *r = report();
	struct buf got = BUF_INIT;
	char name[64];

	CHECK(r);
	for (int f = LINEAGE_OPENLINEAGE; f <= LINEAGE_PROV_O; f++) {
		buf_clear(&got);
		CHECK(!lineage_export(&got, (enum lineage_format)f, r));
		snprintf(name, sizeof(name), "lineage-%s.json", names[f]);
		CHECK(unit_golden(name, got.ptr, got.len));
	}
	buf_release(&got);
	json_decref(r);
}

/* A report changed at path (set to v, or removed when v is NULL) is
 * refused, naming the field, and nothing is written. */
static int refused(const char *list, size_t i, const char *key, json_t *v,
		   const char *why)
{
	json_t *r = report();
	json_t *o = json_array_get(json_object_get(r, list), i);
	struct buf out = BUF_INIT;
	int ok;

	if (v)
		json_object_set_new(o, key, v);
	else
		json_object_del(o, key);
	ok = lineage_export(&out, LINEAGE_SPDX, r) == PROV_EINVALID &&
	     out.len == 0 && strstr(prov_error_last(), why);
	if (!ok)
		fprintf(stderr, "not refused: %s.%zu.%s (%s)\n", list, i, key,
			prov_error_last());
	buf_release(&out);
	json_decref(r);
	return ok;
}

static void bad_input(void)
{
	enum lineage_format f;
	json_t *r = json_pack("{s:[], s:[], s:[], s:[]}", "models", "runs",
			      "datasets", "creators");
	struct buf out = BUF_INIT;

	CHECK(!lineage_format_parse(&f, "prov-o") && f == LINEAGE_PROV_O);
	CHECK(lineage_format_parse(&f, "PROV-O") == PROV_EINVALID);
	CHECK(strstr(prov_error_last(), "openlineage, spdx or prov-o"));
	CHECK(lineage_export(&out, LINEAGE_SPDX, r) == PROV_EINVALID);
	CHECK(strstr(prov_error_last(), "no model"));
	json_decref(r);
	buf_release(&out);
	CHECK(refused("models", 0, "id", json_string("sha256:12"), "'id'"));
	CHECK(refused("models", 0, "created", json_string("yesterday"), "'created'"));
	CHECK(refused("models", 1, "owner", NULL, "'owner'"));
	CHECK(refused("models", 0, "parent", json_string("../x"), "'parent'"));
	CHECK(refused("models", 0, "weights",
		      json_pack("[{s:s, s:s}]", "name", "w", "sha256", "zz"),
		      "weight file"));
	CHECK(refused("runs", 1, "started", json_string("2026-11-19 08:00"),
		      "'started'"));
	CHECK(refused("runs", 0, "datasets", json_pack("[{s:s}]", "id", DS_CAPS),
		      "'name'"));
	CHECK(refused("datasets", 0, "included", json_integer(-1), "'included'"));
	CHECK(refused("creators", 0, "works", json_string("3"), "'works'"));
}

int main(void)
{
	RUN(openlineage);
	RUN(spdx);
	RUN(prov_o);
	RUN(deterministic);
	RUN(golden);
	RUN(bad_input);
	return unit_done();
}
