/* A model's lineage, from the trace report (manifest/trace.c), as OpenLineage
 * RunEvents, an SPDX 3.0.1 document (AI and Dataset profiles) or W3C PROV-O
 * in JSON-LD (docs/lineage.md). Report in, bytes out: nothing is read from
 * the registry here.
 *
 * Unlike a dataset export (export.c), a lineage is small (models, runs and
 * datasets, no items), so each document is built as one JSON tree and laid
 * out as export.c lays its documents out: two-space indent, keys sorted.
 * Lists follow the report's order (the traced model first, then its
 * ancestors) or are sorted, so one report always gives the same bytes.
 *
 * Identifiers are made from record ids alone, which the report has
 * checked; names, versions, licenses and file names are only ever string
 * values, so hostile text cannot change a document's shape. The report is
 * checked for the shapes used before anything is built. */
#include <stdlib.h>
#include <string.h>

#include "manifest/manifest.h"

#define PRODUCER "urn:prov:producer:prov"
#define OL_SCHEMA "https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent"
#define OL_NAMESPACE "prov"
#define SPDX_CONTEXT "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"
#define VOCAB "urn:prov:vocab:"

int lineage_format_parse(enum lineage_format *out, const char *s)
{
	static const char *const names[] = { "openlineage", "spdx", "prov-o" };

	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		if (!strcmp(s, names[i])) {
			*out = (enum lineage_format)i;
			return 0;
		}
	return prov_error_set(PROV_EINVALID,
			      "'%s' is not a lineage format (expected openlineage, "
			      "spdx or prov-o)",
			      s);
}

static const char *str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* Present and not null. */
static const json_t *get(const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	return json_is_null(v) ? NULL : v;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* An object's keys, sorted: jansson iterates in the order keys were set,
 * and what is written must not depend on it. */
static json_t *sorted_keys(const json_t *o)
{
	const char **keys = xcalloc(json_object_size(o) + 1, sizeof(*keys));
	json_t *out = json_array(), *v;
	const char *k;
	size_t i, n = 0;

	json_object_foreach ((json_t *)o, k, v)
		keys[n++] = k;
	qsort(keys, n, sizeof(*keys), cmp_str);
	for (i = 0; i < n; i++)
		json_array_append_new(out, json_string(keys[i]));
	free(keys);
	return out;
}

/* ---- the report's shapes ------------------------------------------------- */

static int hex_digits(const char *s, size_t n)
{
	return s && strlen(s) == n && strspn(s, "0123456789abcdef") == n;
}

static int is_id(const char *s)
{
	return s && !strncmp(s, "sha256:", 7) && hex_digits(s + 7, 64);
}

/* RFC 3339 UTC in whole seconds, the one form records hold: it is also an
 * xsd:dateTime and a JSON Schema date-time. */
static int is_time(const char *s)
{
	static const char form[] = "dddd-dd-ddTdd:dd:ddZ";

	if (!s || strlen(s) != sizeof(form) - 1)
		return 0;
	for (size_t i = 0; form[i]; i++)
		if (form[i] == 'd' ? (s[i] < '0' || s[i] > '9') : s[i] != form[i])
			return 0;
	return 1;
}

enum want { STR, ID, TIME, INT, LIST, OPT = 8 };

/* o[key] has the shape w (with OPT, it may also be absent or null). */
static int want(const json_t *o, const char *key, int w)
{
	const json_t *v = get(o, key);

	if (!v)
		return w & OPT;
	switch (w & ~OPT) {
	case STR:
		return json_is_string(v);
	case ID:
		return is_id(json_string_value(v));
	case TIME:
		return is_time(json_string_value(v));
	case INT:
		return json_is_integer(v) && json_integer_value(v) >= 0;
	default:
		return json_is_array(v);
	}
}

struct field {
	const char *key;
	int want;
};

/* Each field of o has its shape; PROV_EINVALID names the first that has
 * not. */
static int fields(const json_t *o, const char *what,
		  const struct field *f, size_t n)
{
	const char *id = str(o, "id");

	if (!json_is_object(o))
		return prov_error_set(PROV_EINVALID,
				      "the lineage report has a %s that is not an "
				      "object", what);
	for (size_t i = 0; i < n; i++)
		if (!want(o, f[i].key, f[i].want))
			return prov_error_set(PROV_EINVALID,
					      "the lineage report's %s %s has no "
					      "valid '%s'",
					      what, is_id(id) ? id : "(no id)",
					      f[i].key);
	return 0;
}

#define FIELDS(o, what, ...)                                                \
	fields(o, what, (const struct field[]){ __VA_ARGS__ },               \
	       sizeof((const struct field[]){ __VA_ARGS__ }) /               \
		       sizeof(struct field))

static int check_model(const json_t *m)
{
	const json_t *w;
	size_t i;
	int rc;

	if ((rc = FIELDS(m, "model", { "id", ID }, { "name", STR },
			 { "owner", STR }, { "created", TIME },
			 { "run", ID | OPT }, { "parent", ID | OPT },
			 { "license", STR | OPT }, { "weights", LIST })))
		return rc;
	json_array_foreach (json_object_get(m, "weights"), i, w)
		if (!json_is_object(w) || !want(w, "name", STR) ||
		    !hex_digits(str(w, "sha256"), 64) || !want(w, "size", INT | OPT))
			return prov_error_set(PROV_EINVALID,
					      "the lineage report's model %s has a "
					      "weight file without a name and a "
					      "SHA-256",
					      str(m, "id"));
	return 0;
}

static int check_run(const json_t *r)
{
	const json_t *d;
	size_t i;
	int rc;

	if ((rc = FIELDS(r, "run", { "id", ID }, { "provider", STR | OPT },
			 { "started", TIME | OPT }, { "finished", TIME | OPT },
			 { "datasets", LIST })))
		return rc;
	json_array_foreach (json_object_get(r, "datasets"), i, d)
		if ((rc = FIELDS(d, "run's dataset", { "id", ID }, { "name", STR },
				 { "version", STR }, { "root", STR | OPT })))
			return rc;
	return 0;
}

static int check_dataset(const json_t *d)
{
	return FIELDS(d, "dataset", { "id", ID }, { "name", STR },
		      { "version", STR }, { "curator", STR | OPT },
		      { "purpose", STR | OPT }, { "uses", LIST | OPT },
		      { "created", TIME | OPT }, { "included", INT | OPT },
		      { "root", STR | OPT });
}

static int check_creator(const json_t *c)
{
	const json_t *n;
	const char *k;
	int rc;

	if ((rc = FIELDS(c, "creator", { "did", STR }, { "works", INT })))
		return rc;
	json_object_foreach ((json_t *)json_object_get(c, "licenses"), k, n)
		if (!json_is_integer(n))
			return prov_error_set(PROV_EINVALID,
					      "the lineage report's creator counts "
					      "are not numbers");
	return 0;
}

static int check_list(const json_t *report, const char *key,
		      int (*fn)(const json_t *))
{
	const json_t *list = json_object_get(report, key), *e;
	size_t i;
	int rc;

	if (!json_is_array(list))
		return prov_error_set(PROV_EINVALID,
				      "the lineage report has no '%s' list", key);
	json_array_foreach (list, i, e)
		if ((rc = fn(e)))
			return rc;
	return 0;
}

static int check_report(const json_t *report)
{
	int rc;

	if ((rc = check_list(report, "models", check_model)) ||
	    (rc = check_list(report, "runs", check_run)) ||
	    (rc = check_list(report, "datasets", check_dataset)) ||
	    (rc = check_list(report, "creators", check_creator)))
		return rc;
	if (!json_array_size(json_object_get(report, "models")))
		return prov_error_set(PROV_EINVALID,
				      "the lineage report has no model: its "
				      "record could not be read (prov trace "
				      "names why)");
	return 0;
}

/* ---- shared ---------------------------------------------------------------- */

struct lin {
	const json_t *models, *runs, *datasets, *creators;
	const json_t *top; /* the model traced */
};

static const json_t *by_id(const json_t *list, const char *id)
{
	const json_t *e;
	size_t i;

	json_array_foreach (list, i, e)
		if (id && !strcmp(str(e, "id"), id))
			return e;
	return NULL;
}

static json_t *urn(const char *kind, const char *id)
{
	return json_sprintf("urn:prov:%s:%s", kind, id);
}

static json_t *ref(const char *kind, const char *id)
{
	return json_pack("{s:o}", "@id", urn(kind, id));
}

/* Sets o[key] to v when v is there (and not null). */
static void set_opt(json_t *o, const char *key, const json_t *v)
{
	if (v && !json_is_null(v))
		json_object_set(o, key, (json_t *)v);
}

/* A DID as DID Core spells one: "did:", a lowercase method, ":", then
 * characters an IRI allows unescaped. Only such a string can stand as an
 * IRI; any other text names its agent by its hash. */
static int is_did(const char *s)
{
	const char *id;
	size_t m;

	if (!s || strncmp(s, "did:", 4))
		return 0;
	m = strspn(s + 4, "abcdefghijklmnopqrstuvwxyz0123456789");
	id = s + 4 + m;
	return m && *id == ':' && id[1] &&
	       strspn(id + 1, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			      "0123456789.-_:") == strlen(id + 1) &&
	       id[strlen(id) - 1] != ':';
}

static json_t *agent_iri(const char *did)
{
	uint8_t d[32];
	char hex[65];

	if (is_did(did))
		return json_string(did);
	sha256_buf(d, did, strlen(did));
	hex_encode(hex, d, 32);
	return json_sprintf("urn:prov:agent:sha256:%s", hex);
}

/* The models a run trained, in the report's order. */
static json_t *trained_by(const struct lin *l, const char *run)
{
	json_t *out = json_array();
	const json_t *m;
	size_t i;

	json_array_foreach (l->models, i, m)
		if (!strcmp(str(m, "run") ?: "", run))
			json_array_append(out, (json_t *)m);
	return out;
}

/* Every DID that owns, curates or ran something, each once, sorted. */
static json_t *agents(const struct lin *l)
{
	json_t *seen = json_object(), *out;
	const json_t *e;
	size_t i;

	json_array_foreach (l->models, i, e)
		json_object_set_new(seen, str(e, "owner"), json_true());
	json_array_foreach (l->runs, i, e)
		if (str(e, "provider"))
			json_object_set_new(seen, str(e, "provider"), json_true());
	json_array_foreach (l->datasets, i, e)
		if (str(e, "curator"))
			json_object_set_new(seen, str(e, "curator"), json_true());
	out = sorted_keys(seen);
	json_decref(seen);
	return out;
}

/* The creators' licenses added up: license -> works. */
static json_t *licenses_total(const struct lin *l, json_int_t *works)
{
	json_t *out = json_object(), *n;
	const json_t *c;
	const char *k;
	size_t i;

	*works = 0;
	json_array_foreach (l->creators, i, c) {
		*works += json_integer_value(json_object_get(c, "works"));
		json_object_foreach ((json_t *)json_object_get(c, "licenses"), k, n)
			json_object_set_new(out, k,
					    json_integer(json_integer_value(n) +
							 json_integer_value(json_object_get(out, k))));
	}
	return out;
}

/* ---- OpenLineage ------------------------------------------------------------ */

/* A custom facet: OpenLineage's BaseFacet asks for _producer and a
 * _schemaURL; prov publishes no schema at a web address, so the URL is a
 * URN naming the facet and its version (docs/lineage.md). */
static json_t *ol_facet(const char *name, json_t *fields)
{
	json_object_set_new(fields, "_producer", json_string(PRODUCER));
	json_object_set_new(fields, "_schemaURL",
			    json_sprintf("urn:prov:openlineage:%s:1", name));
	return fields;
}

/* The run's UUID: the first 16 bytes of its record id, itself a SHA-256,
 * with RFC 9562's version 8 (custom) and variant bits set. */
static json_t *run_uuid(const char *id)
{
	uint8_t b[16];
	char h[33];

	hex_decode(b, 16, id + 7, 32);
	b[6] = (uint8_t)((b[6] & 0x0f) | 0x80);
	b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);
	hex_encode(h, b, 16);
	return json_sprintf("%.8s-%.4s-%.4s-%.4s-%.12s", h, h + 8, h + 12, h + 16,
			    h + 20);
}

static json_t *weights_of(const json_t *m)
{
	json_t *out = json_array(), *e;
	const json_t *w;
	size_t i;

	json_array_foreach (json_object_get(m, "weights"), i, w) {
		e = json_pack("{s:O, s:O}", "name", json_object_get(w, "name"),
			      "sha256", json_object_get(w, "sha256"));
		set_opt(e, "size", get(w, "size"));
		json_array_append_new(out, e);
	}
	return out;
}

/* A model as an OpenLineage dataset: the run's output, or (a parent) the
 * fine-tune's input. */
static json_t *ol_model(const json_t *m)
{
	json_t *f = json_pack("{s:O, s:O, s:o}", "record", json_object_get(m, "id"),
			      "owner", json_object_get(m, "owner"), "weights",
			      weights_of(m));

	set_opt(f, "license", get(m, "license"));
	return json_pack("{s:s, s:O, s:{s:o}}", "namespace", OL_NAMESPACE, "name",
			 json_object_get(m, "name"), "facets", "prov_model",
			 ol_facet("prov_model", f));
}

/* A dataset the run names, with what the report knows of it. */
static json_t *ol_dataset(const struct lin *l, const json_t *named)
{
	const json_t *d = by_id(l->datasets, str(named, "id"));
	json_t *f = json_pack("{s:O}", "record", json_object_get(named, "id"));

	set_opt(f, "merkleRoot", get(named, "root") ?: get(d, "root"));
	set_opt(f, "items", get(d, "included"));
	set_opt(f, "curator", get(d, "curator"));
	set_opt(f, "purpose", get(d, "purpose"));
	set_opt(f, "uses", get(d, "uses"));
	set_opt(f, "created", get(d, "created"));
	return json_pack("{s:s, s:s++, s:{s:o}}", "namespace", OL_NAMESPACE,
			 "name", str(named, "name"), "@", str(named, "version"),
			 "facets", "prov_dataset", ol_facet("prov_dataset", f));
}

static json_t *ol_inputs(const struct lin *l, const json_t *run,
			 const json_t *models)
{
	json_t *in = json_array();
	const json_t *d, *m, *parent;
	size_t i;

	json_array_foreach (json_object_get(run, "datasets"), i, d)
		json_array_append_new(in, ol_dataset(l, d));
	/* a fine-tune reads its base model's weights */
	json_array_foreach (models, i, m)
		if ((parent = by_id(l->models, str(m, "parent"))))
			json_array_append_new(in, ol_model(parent));
	return in;
}

static int ol_event(json_t **out, const struct lin *l, const json_t *run)
{
	json_t *models = trained_by(l, str(run, "id")), *outputs = json_array();
	const json_t *m, *first = json_array_get(models, 0);
	const json_t *when = get(run, "finished") ?: get(run, "started") ?:
			     json_object_get(first, "created");
	json_t *f;
	size_t i;

	if (!when) {
		json_decref(models);
		json_decref(outputs);
		return prov_error_set(PROV_EINVALID,
				      "run %s has no time, and no model names it",
				      str(run, "id"));
	}
	json_array_foreach (models, i, m)
		json_array_append_new(outputs, ol_model(m));
	f = json_pack("{s:O}", "record", json_object_get(run, "id"));
	set_opt(f, "provider", get(run, "provider"));
	set_opt(f, "started", get(run, "started"));
	set_opt(f, "finished", get(run, "finished"));
	*out = json_pack("{s:s, s:O, s:s, s:s, s:{s:o, s:{s:o}},"
			 " s:{s:s, s:s+}, s:o, s:o}",
			 "eventType", "COMPLETE", "eventTime", when, "producer",
			 PRODUCER, "schemaURL", OL_SCHEMA, "run", "runId",
			 run_uuid(str(run, "id")), "facets", "prov_run",
			 ol_facet("prov_run", f), "job", "namespace", OL_NAMESPACE,
			 "name", "train/", str(first, "name") ?: str(run, "id"),
			 "inputs", ol_inputs(l, run, models), "outputs", outputs);
	json_decref(models);
	return *out ? 0 : prov_error_set(PROV_ERROR, "could not lay out the "
						    "OpenLineage event");
}

/* One COMPLETE RunEvent per training run, in the report's order. */
static int openlineage(json_t **out, const struct lin *l)
{
	const json_t *run;
	json_t *ev = NULL;
	size_t i;
	int rc;

	*out = json_array();
	json_array_foreach (l->runs, i, run) {
		if ((rc = ol_event(&ev, l, run)))
			return rc;
		json_array_append_new(*out, ev);
	}
	return 0;
}

/* ---- SPDX 3.0.1 ------------------------------------------------------------- */

#define CI "_:creationinfo"

/* An agent's spdxId: a DID under urn:prov:agent:, as export.c names its
 * curator. */
static json_t *spdx_agent_ref(const char *did)
{
	return is_did(did) ? json_sprintf("urn:prov:agent:%s", did) :
			     agent_iri(did);
}

static json_t *spdx_rel(const char *from, const char *type, json_t *to)
{
	return json_pack("{s:s, s:s++, s:s, s:s, s:s, s:o}", "type",
			 "Relationship", "spdxId", from, "#", type,
			 "creationInfo", CI, "from", from, "relationshipType", type,
			 "to", to);
}

static void spdx_head(json_t *g, const struct lin *l, json_t *agents_)
{
	const char *top = str(l->top, "id");
	json_t *a;
	size_t i;

	json_array_append_new(g, json_pack("{s:s, s:s, s:s, s:O, s:[o]}", "type",
					   "CreationInfo", "@id", CI, "specVersion",
					   "3.0.1", "created",
					   json_object_get(l->top, "created"),
					   "createdBy",
					   spdx_agent_ref(str(l->top, "owner"))));
	json_array_foreach (agents_, i, a)
		json_array_append_new(g, json_pack("{s:s, s:o, s:s, s:O}", "type",
						   "Agent", "spdxId",
						   spdx_agent_ref(json_string_value(a)),
						   "creationInfo", CI, "name", a));
	json_array_append_new(g, json_pack("{s:s, s:s++, s:s, s:s+, s:[s, s, s, s, s],"
					   " s:[s+]}",
					   "type", "SpdxDocument", "spdxId",
					   "urn:prov:model:", top, "#lineage",
					   "creationInfo", CI, "name", "lineage of ",
					   str(l->top, "name"), "profileConformance",
					   "core", "software", "ai", "dataset",
					   "simpleLicensing", "rootElement",
					   "urn:prov:model:", top));
}

/* The weight files, each with its SHA-256, and what the model contains. */
static void spdx_weights(json_t *g, const json_t *m, const char *ref)
{
	json_t *ids = json_array();
	const json_t *w;
	size_t i;

	json_array_foreach (json_object_get(m, "weights"), i, w) {
		json_t *id = json_sprintf("%s#weights-%zu", ref, i + 1);
		json_array_append_new(g, json_pack("{s:s, s:O, s:s, s:O, s:s,"
						   " s:[{s:s, s:s, s:O}]}",
						   "type", "software_File", "spdxId",
						   id, "creationInfo", CI, "name",
						   json_object_get(w, "name"),
						   "software_primaryPurpose", "model",
						   "verifiedUsing", "type", "Hash",
						   "algorithm", "sha256", "hashValue",
						   json_object_get(w, "sha256")));
		json_array_append_new(ids, id);
	}
	if (json_array_size(ids))
		json_array_append_new(g, spdx_rel(ref, "contains", json_incref(ids)));
	json_decref(ids);
}

/* What the model was trained on: the datasets of its run the document
 * has. */
static json_t *spdx_trained_on(const struct lin *l, const json_t *m)
{
	const json_t *run = by_id(l->runs, str(m, "run")), *d;
	json_t *to = json_array();
	size_t i;

	json_array_foreach (json_object_get(run, "datasets"), i, d)
		if (by_id(l->datasets, str(d, "id")))
			json_array_append_new(to, urn("dataset", str(d, "id")));
	return to;
}

static void spdx_model(json_t *g, const struct lin *l, const json_t *m)
{
	json_t *r = urn("model", str(m, "id")), *to;
	const char *ref = json_string_value(r), *lic = str(m, "license");

	json_array_append_new(
		g, json_pack("{s:s, s:s, s:s, s:O, s:s, s:O, s:o, s:o, s:s+++}",
			     "type", "ai_AIPackage", "spdxId", ref, "creationInfo",
			     CI, "name", json_object_get(m, "name"),
			     "software_primaryPurpose", "model", "releaseTime",
			     json_object_get(m, "created"), "suppliedBy",
			     spdx_agent_ref(str(m, "owner")), "originatedBy",
			     spdx_agent_ref(str(m, "owner")), "comment",
			     "prov model record ", str(m, "id"),
			     str(m, "run") ? "; trained by run " : "",
			     str(m, "run") ?: ""));
	spdx_weights(g, m, ref);
	to = spdx_trained_on(l, m);
	if (json_array_size(to))
		json_array_append_new(g, spdx_rel(ref, "trainedOn", json_incref(to)));
	json_decref(to);
	if (by_id(l->models, str(m, "parent")))
		json_array_append_new(g, spdx_rel(ref, "descendantOf",
						  json_pack("[o]", urn("model", str(m, "parent")))));
	if (lic && strcmp(lic, "NOASSERTION")) {
		json_array_append_new(g, json_pack("{s:s, s:s+, s:s, s:s}", "type",
						   "simplelicensing_LicenseExpression",
						   "spdxId", ref, "#license",
						   "creationInfo", CI,
						   "simplelicensing_licenseExpression",
						   lic));
		json_array_append_new(g, spdx_rel(ref, "hasDeclaredLicense",
						  json_pack("[s+]", ref, "#license")));
	}
	json_decref(r);
}

/* A dataset, as export.c's SPDX export names it (the same spdxId), with
 * its Merkle root as an external identifier: SPDX's hash algorithms have
 * no Merkle tree over keccak256. */
static void spdx_dataset(json_t *g, const json_t *d)
{
	json_t *p = json_pack("{s:s, s:o, s:s, s:O, s:O, s:s, s:s}", "type",
			      "dataset_DatasetPackage", "spdxId",
			      urn("dataset", str(d, "id")), "creationInfo", CI,
			      "name", json_object_get(d, "name"),
			      "software_packageVersion",
			      json_object_get(d, "version"),
			      "software_primaryPurpose", "data",
			      "dataset_datasetType", "other");
	const char *purpose = str(d, "purpose");

	set_opt(p, "builtTime", get(d, "created"));
	set_opt(p, "releaseTime", get(d, "created"));
	if (str(d, "curator"))
		json_object_set_new(p, "originatedBy",
				    spdx_agent_ref(str(d, "curator")));
	if (purpose)
		json_object_set_new(p, "dataset_intendedUse",
				    json_sprintf("purpose: %s", purpose));
	if (str(d, "root"))
		json_object_set_new(p, "externalIdentifier",
				    json_pack("[{s:s, s:s, s:O, s:s}]", "type",
					      "ExternalIdentifier",
					      "externalIdentifierType", "other",
					      "identifier", json_object_get(d, "root"),
					      "comment",
					      "prov Merkle root: OpenZeppelin "
					      "StandardMerkleTree (keccak256) over "
					      "the items' SHA-256"));
	json_object_set_new(p, "comment",
			    json_sprintf("prov dataset record %s; %" JSON_INTEGER_FORMAT
					 " items",
					 str(d, "id"),
					 json_integer_value(json_object_get(d, "included"))));
	json_array_append_new(g, p);
}

/* The works behind the datasets, in aggregate, as an annotation on the
 * model: SPDX has no element for a count of works by license. */
static void spdx_works(json_t *g, const struct lin *l)
{
	json_int_t works;
	json_t *lic = licenses_total(l, &works), *keys = sorted_keys(lic), *k;
	struct buf s = BUF_INIT;
	size_t i;

	if (!json_array_size(l->creators))
		goto done;
	buf_printf(&s, "%" JSON_INTEGER_FORMAT " registered works by %zu creators"
		       " behind the datasets; by license:", works,
		   json_array_size(l->creators));
	json_array_foreach (keys, i, k)
		buf_printf(&s, "%s %s %" JSON_INTEGER_FORMAT, i ? "," : "",
			   *json_string_value(k) ? json_string_value(k) : "(none)",
			   json_integer_value(json_object_get(lic, json_string_value(k))));
	json_array_append_new(g, json_pack("{s:s, s:s++, s:s, s:s, s:s+, s:s}",
					   "type", "Annotation", "spdxId",
					   "urn:prov:model:", str(l->top, "id"),
					   "#works", "creationInfo", CI,
					   "annotationType", "other", "subject",
					   "urn:prov:model:", str(l->top, "id"),
					   "statement", s.ptr));
done:
	buf_release(&s);
	json_decref(keys);
	json_decref(lic);
}

static int spdx(json_t **out, const struct lin *l)
{
	json_t *g = json_array(), *who = agents(l);
	const json_t *e;
	size_t i;

	spdx_head(g, l, who);
	json_array_foreach (l->models, i, e)
		spdx_model(g, l, e);
	json_array_foreach (l->datasets, i, e)
		spdx_dataset(g, e);
	spdx_works(g, l);
	json_decref(who);
	*out = json_pack("{s:s, s:o}", "@context", SPDX_CONTEXT, "@graph", g);
	return 0;
}

/* ---- W3C PROV-O --------------------------------------------------------------- */

static json_t *when(const json_t *t)
{
	return json_pack("{s:O, s:s}", "@value", t, "@type", "xsd:dateTime");
}

static json_t *agent_ref(const char *did)
{
	return json_pack("{s:o}", "@id", agent_iri(did));
}

static json_t *license_counts(const json_t *licenses)
{
	json_t *out = json_array(), *keys = sorted_keys(licenses), *k;
	size_t i;

	json_array_foreach (keys, i, k)
		json_array_append_new(out, json_pack("{s:O, s:O}", "pr:license", k,
						     "pr:works",
						     json_object_get(licenses,
								     json_string_value(k))));
	json_decref(keys);
	return out;
}

static void po_model(json_t *g, const struct lin *l, const json_t *m)
{
	json_t *e, *members = json_array(), *gen = NULL;
	const char *id = str(m, "id");
	const json_t *w;
	size_t i;

	if (by_id(l->runs, str(m, "run")))
		gen = ref("run", str(m, "run"));
	e = json_pack("{s:o, s:[s, s], s:O, s:s, s:o}", "@id", urn("model", id),
		      "@type", "prov:Entity", "prov:Collection", "rdfs:label",
		      json_object_get(m, "name"), "schema:identifier", id,
		      "prov:wasAttributedTo", agent_ref(str(m, "owner")));
	set_opt(e, "schema:license", get(m, "license"));
	set_opt(e, "prov:wasGeneratedBy", gen);
	if (str(m, "parent"))
		json_object_set_new(e, "prov:wasDerivedFrom",
				    ref("model", str(m, "parent")));
	json_object_set_new(e, "prov:hadMember", members);
	json_array_append_new(g, e);
	json_array_foreach (json_object_get(m, "weights"), i, w) {
		json_t *f = json_pack("{s:o, s:s, s:O, s:O}", "@id",
				      json_sprintf("urn:prov:model:%s#weights-%zu",
						   id, i + 1),
				      "@type", "prov:Entity", "rdfs:label",
				      json_object_get(w, "name"), "schema:sha256",
				      json_object_get(w, "sha256"));

		set_opt(f, "pr:size", get(w, "size"));
		set_opt(f, "prov:wasGeneratedBy", gen);
		json_array_append_new(members, json_pack("{s:O}", "@id",
							 json_object_get(f, "@id")));
		json_array_append_new(g, f);
	}
	json_decref(gen);
}

static void po_run(json_t *g, const struct lin *l, const json_t *run)
{
	json_t *used = json_array(), *models = trained_by(l, str(run, "id")), *a;
	const json_t *d, *m;
	size_t i;

	json_array_foreach (json_object_get(run, "datasets"), i, d)
		json_array_append_new(used, ref("dataset", str(d, "id")));
	json_array_foreach (models, i, m)
		if (str(m, "parent"))
			json_array_append_new(used, ref("model", str(m, "parent")));
	a = json_pack("{s:o, s:s, s:s, s:o}", "@id", urn("run", str(run, "id")),
		      "@type", "prov:Activity", "rdfs:label", "training run",
		      "prov:used", used);
	if (str(run, "provider"))
		json_object_set_new(a, "prov:wasAssociatedWith",
				    agent_ref(str(run, "provider")));
	if (get(run, "started"))
		json_object_set_new(a, "prov:startedAtTime",
				    when(get(run, "started")));
	if (get(run, "finished"))
		json_object_set_new(a, "prov:endedAtTime",
				    when(get(run, "finished")));
	json_array_append_new(g, a);
	json_decref(models);
}

static void po_dataset(json_t *g, const struct lin *l, const json_t *d)
{
	json_t *e = json_pack("{s:o, s:s, s:s++, s:O, s:O, s:s}", "@id",
			      urn("dataset", str(d, "id")), "@type", "prov:Entity",
			      "rdfs:label", str(d, "name"), "@", str(d, "version"),
			      "schema:name", json_object_get(d, "name"),
			      "schema:version", json_object_get(d, "version"),
			      "schema:identifier", str(d, "id"));

	set_opt(e, "pr:merkleRoot", get(d, "root"));
	set_opt(e, "pr:items", get(d, "included"));
	set_opt(e, "pr:purpose", get(d, "purpose"));
	set_opt(e, "pr:uses", get(d, "uses"));
	if (str(d, "curator"))
		json_object_set_new(e, "prov:wasAttributedTo",
				    agent_ref(str(d, "curator")));
	if (get(d, "created"))
		json_object_set_new(e, "prov:generatedAtTime", when(get(d, "created")));
	if (json_array_size(l->creators))
		json_object_set_new(e, "prov:wasDerivedFrom",
				    json_pack("{s:s++}", "@id", "urn:prov:model:",
					      str(l->top, "id"), "#works"));
	json_array_append_new(g, e);
}

/* The registered works behind every dataset, in aggregate: the trace
 * counts them per creator and license, not per dataset. */
static void po_works(json_t *g, const struct lin *l)
{
	json_int_t works;
	json_t *lic = licenses_total(l, &works), *by = json_array();
	const json_t *c;
	size_t i;

	if (!json_array_size(l->creators)) {
		json_decref(lic);
		json_decref(by);
		return;
	}
	json_array_foreach (l->creators, i, c)
		json_array_append_new(by, agent_ref(str(c, "did")));
	json_array_append_new(g, json_pack("{s:s++, s:[s, s], s:s, s:I, s:o, s:o}",
					   "@id", "urn:prov:model:",
					   str(l->top, "id"), "#works", "@type",
					   "prov:Entity", "prov:Collection",
					   "rdfs:label",
					   "the registered works behind the datasets",
					   "pr:works", works, "pr:licenses",
					   license_counts(lic),
					   "prov:wasAttributedTo", by));
	json_decref(lic);
}

/* Owners, providers and curators, then the works' creators with what they
 * contributed; a DID that is both is one node. */
static void po_agents(json_t *g, const struct lin *l)
{
	json_t *who = agents(l), *nodes = json_object(), *a;
	const json_t *c;
	const char *k;
	size_t i;

	json_array_foreach (who, i, a)
		json_object_set_new(nodes, json_string_value(a),
				    json_pack("{s:o, s:s, s:O}", "@id",
					      agent_iri(json_string_value(a)),
					      "@type", "prov:Agent", "rdfs:label", a));
	json_array_foreach (l->creators, i, c) {
		k = str(c, "did");
		if (!(a = json_object_get(nodes, k)))
			json_object_set_new(nodes, k,
					    a = json_pack("{s:o, s:s, s:s}", "@id",
							  agent_iri(k), "@type",
							  "prov:Agent", "rdfs:label",
							  k));
		json_object_set(a, "pr:works", json_object_get(c, "works"));
		json_object_set_new(a, "pr:licenses",
				    license_counts(json_object_get(c, "licenses")));
	}
	json_decref(who);
	who = sorted_keys(nodes);
	json_array_foreach (who, i, a)
		json_array_append(g, json_object_get(nodes, json_string_value(a)));
	json_decref(who);
	json_decref(nodes);
}

static int prov_o(json_t **out, const struct lin *l)
{
	json_t *g = json_array();
	const json_t *e;
	size_t i;

	json_array_foreach (l->models, i, e)
		po_model(g, l, e);
	json_array_foreach (l->runs, i, e)
		po_run(g, l, e);
	json_array_foreach (l->datasets, i, e)
		po_dataset(g, l, e);
	po_works(g, l);
	po_agents(g, l);
	*out = json_pack("{s:{s:s, s:s, s:s, s:s, s:s}, s:o}", "@context", "prov",
			 "http://www.w3.org/ns/prov#", "xsd",
			 "http://www.w3.org/2001/XMLSchema#", "rdfs",
			 "http://www.w3.org/2000/01/rdf-schema#", "schema",
			 "https://schema.org/", "pr", VOCAB, "@graph", g);
	return 0;
}

/* ---- the export ------------------------------------------------------------- */

int lineage_export(struct buf *out, enum lineage_format fmt,
		   const json_t *report)
{
	struct lin l = {
		.models = json_object_get(report, "models"),
		.runs = json_object_get(report, "runs"),
		.datasets = json_object_get(report, "datasets"),
		.creators = json_object_get(report, "creators"),
	};
	json_t *doc = NULL;
	char *text = NULL;
	int rc;

	if ((rc = check_report(report)))
		return rc;
	l.top = json_array_get(l.models, 0);
	switch (fmt) {
	case LINEAGE_OPENLINEAGE:
		rc = openlineage(&doc, &l);
		break;
	case LINEAGE_SPDX:
		rc = spdx(&doc, &l);
		break;
	case LINEAGE_PROV_O:
		rc = prov_o(&doc, &l);
		break;
	default:
		rc = prov_error_set(PROV_EINVALID, "unknown lineage format");
	}
	if (!rc && !(text = json_dumps(doc, JSON_INDENT(2) | JSON_SORT_KEYS)))
		rc = prov_error_set(PROV_ERROR, "could not lay out the lineage");
	if (!rc) {
		buf_puts(out, text);
		buf_putc(out, '\n');
	}
	free(text);
	json_decref(doc);
	return rc;
}
