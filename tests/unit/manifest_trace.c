/* The trace's checks failing for the reasons the CLI cannot produce: a
 * dataset record, signed by its curator, whose Merkle root or item count
 * does not match its item list; a run naming a dataset the registry lacks;
 * a model whose run is missing. Records are made here directly. */
#include <stdlib.h>

#include "manifest/manifest.h"
#include "unit.h"

struct fixture {
	struct store *s;
	struct key *curator, *lab, *owner;
	char dataset[RECORD_ID_MAX], run[RECORD_ID_MAX], model[RECORD_ID_MAX];
};

static int put(struct store *s, const json_t *payload, const struct key *k,
	       char id[RECORD_ID_MAX])
{
	struct buf env = BUF_INIT, path = BUF_INIT;
	int rc = record_create(&env, id, payload, k);

	if (!rc)
		rc = record_store_path(&path, json_string_value(json_object_get(
						     payload, "kind")) ?: "run",
				       id, payload);
	if (!rc)
		rc = store_put(s, path.ptr, env.ptr, env.len) < 0;
	buf_release(&env);
	buf_release(&path);
	return rc;
}

/* A dataset of two unregistered items whose record says root and count
 * (NULL, 0: the true ones). */
static json_t *dataset(struct store *s, const char *root, json_int_t count)
{
	static const char items[] =
		"{\"license\":\"NOASSERTION\",\"path\":\"a\",\"sha256\":"
		"\"1111111111111111111111111111111111111111111111111111111111111111\","
		"\"size\":1,\"weight\":1,\"works\":[]}\n"
		"{\"license\":\"NOASSERTION\",\"path\":\"b\",\"sha256\":"
		"\"2222222222222222222222222222222222222222222222222222222222222222\","
		"\"size\":1,\"weight\":1,\"works\":[]}\n";
	uint8_t leaves[2][32], v[32], d[32];
	struct merkle *m = NULL;
	struct buf path = BUF_INIT;
	char hex[65], real[67];

	for (int i = 0; i < 2; i++) {
		memset(v, 0x11 * (i + 1), 32);
		merkle_leaf_bytes32(leaves[i], v);
	}
	merkle_build(&m, (const uint8_t(*)[32])leaves, 2);
	memcpy(real, "0x", 2);
	hex_encode(real + 2, m->nodes[0], 32);
	merkle_free(m);
	sha256_buf(d, items, sizeof(items) - 1);
	hex_encode(hex, d, 32);
	buf_printf(&path, "blobs/%.2s/%s", hex, hex);
	store_put(s, path.ptr, items, sizeof(items) - 1);
	buf_release(&path);
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:[s], s:b, s:b, s:I, s:I,"
			 " s:I, s:I, s:{s:s, s:s, s:s}, s:{s:s, s:I}, s:{s:s, s:I},"
			 " s:{}, s:s}",
			 "kind", "dataset", "name", "d", "version", "1", "curator",
			 "", "purpose", "research", "uses", "ai_training",
			 "distribute_weights", 0, "include_unregistered", 1, "files",
			 (json_int_t)2, "included", (json_int_t)2, "excluded",
			 (json_int_t)0, "bytes", (json_int_t)2, "merkle", "root",
			 root ? root : real, "leaf", "bytes32", "construction",
			 "openzeppelin-standard", "items", "blob", hex, "count",
			 count ? count : (json_int_t)2, "excluded_items", "blob",
			 "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
			 "count", (json_int_t)0, "licenses", "created",
			 "2026-11-22T00:00:00Z");
}

static json_t *run(const char *provider, const char *dataset_id,
		   const json_t *ds)
{
	return json_pack("{s:s, s:[{s:s, s:{s:s}}], s:s, s:{s:s, s:[{s:s, s:s, "
			 "s:s, s:O}]}}",
			 "_type", INTOTO_STATEMENT_TYPE, "subject", "name", "w.bin",
			 "digest", "sha256",
			 "3333333333333333333333333333333333333333333333333333333333333333",
			 "predicateType", RUN_PREDICATE_TYPE, "predicate", "provider",
			 provider, "datasets", "id", dataset_id, "name", "d",
			 "version", "1", "root",
			 json_object_get(json_object_get(ds, "merkle"), "root"));
}

static json_t *model(const char *owner, const char *run_id)
{
	return json_pack("{s:s, s:s, s:s, s:[{s:s, s:s, s:i}], s:s, s:s}", "kind",
			 "model", "name", "m", "owner", owner, "weights", "name",
			 "w.bin", "sha256",
			 "3333333333333333333333333333333333333333333333333333333333333333",
			 "size", 1, "run", run_id, "created", "2026-11-22T01:00:00Z");
}

/* A model trained on a dataset whose record says root and count; with
 * missing set, the run names a dataset id the registry does not have. */
/* What lineage_with() gets wrong on purpose. */
enum twist { NONE, OTHER_WEIGHTS, WRONG_ROOT_IN_RUN, BAD_PURPOSE };

static int lineage_with(struct fixture *f, const char *root, json_int_t count,
			int missing, int forged, enum twist twist)
{
	static int n;
	char dir[300], hex[41];
	json_t *ds, *r, *m;
	int rc;

	snprintf(dir, sizeof(dir), "%s/reg%d", unit_tmpdir(), n++);
	if (store_init(dir) || store_open(&f->s, dir) || store_begin(f->s))
		return -1;
	ds = dataset(f->s, root, count);
	json_object_set_new(ds, "curator", json_string(f->curator->did));
	if (twist == BAD_PURPOSE)
		json_object_set_new(ds, "purpose", json_string("world domination"));
	/* forged: in the curator's name, signed by the lab */
	rc = put(f->s, ds, forged ? f->lab : f->curator, f->dataset);
	r = run(f->lab->did,
		missing ? "sha256:4444444444444444444444444444444444444444444444444444444444444444" :
			  f->dataset,
		ds);
	if (twist == WRONG_ROOT_IN_RUN)
		json_object_set_new(json_array_get(json_object_get(json_object_get(
							   r, "predicate"),
							   "datasets"),
						   0),
				    "root",
				    json_string("0x77777777777777777777777777777777"
						"77777777777777777777777777777777"));
	rc = rc || put(f->s, r, f->lab, f->run);
	m = model(f->owner->did, f->run);
	if (twist == OTHER_WEIGHTS)
		json_object_set_new(json_array_get(json_object_get(m, "weights"), 0),
				    "sha256",
				    json_string("66666666666666666666666666666666"
						"66666666666666666666666666666666"));
	rc = rc || put(f->s, m, f->owner, f->model) ||
	     store_commit(f->s, f->owner, "lineage", hex);
	json_decref(ds);
	json_decref(r);
	json_decref(m);
	return rc;
}

static int lineage(struct fixture *f, const char *root, json_int_t count,
		   int missing)
{
	return lineage_with(f, root, count, missing, 0, NONE);
}

/* The check named name on subject: 1 passed, 0 failed, -1 not made. */
static int result(const json_t *report, const char *name, const char *subject)
{
	const json_t *c;
	size_t i;

	json_array_foreach (json_object_get(report, "checks"), i, c)
		if (!strcmp(json_string_value(json_object_get(c, "check")), name) &&
		    !strcmp(json_string_value(json_object_get(c, "subject")), subject))
			return json_is_true(json_object_get(c, "ok"));
	return -1;
}

static int keys(struct fixture *f)
{
	memset(f, 0, sizeof(*f));
	return key_generate(&f->curator, "curator") ||
	       key_generate(&f->lab, "lab") || key_generate(&f->owner, "owner");
}

static void release(struct fixture *f)
{
	store_free(f->s);
	key_free(f->curator);
	key_free(f->lab);
	key_free(f->owner);
}

static void checks(void)
{
	struct trace_options o = { 0 };
	struct fixture f;
	json_t *rep = NULL;

	/* the true root and count: everything passes */
	CHECK(keys(&f) == 0);
	CHECK(lineage(&f, NULL, 0, 0) == 0);
	CHECK(trace_model(&rep, f.s, f.model, &o) == 0);
	CHECK(result(rep, "merkle-root", f.dataset) == 1);
	CHECK(result(rep, "item-count", f.dataset) == 1);
	CHECK(result(rep, "signature", f.run) == 1);
	CHECK(result(rep, "checkpoint", f.run) == 1);
	/* unregistered items: their license is unknown */
	CHECK(result(rep, "item-licenses", f.dataset) == 0);
	json_decref(rep);
	release(&f);

	/* a curator-signed record with another root */
	CHECK(keys(&f) == 0);
	CHECK(lineage(&f, "0x5555555555555555555555555555555555555555555555555555555555555555",
		      0, 0) == 0);
	CHECK(trace_model(&rep, f.s, f.model, &o) == 0);
	CHECK(result(rep, "signature", f.dataset) == 1);
	CHECK(result(rep, "merkle-root", f.dataset) == 0);
	CHECK(result(rep, "item-count", f.dataset) == 1);
	json_decref(rep);
	release(&f);

	/* a record counting 3 items for a list of 2 */
	CHECK(keys(&f) == 0);
	CHECK(lineage(&f, NULL, 3, 0) == 0);
	CHECK(trace_model(&rep, f.s, f.model, &o) == 0);
	CHECK(result(rep, "merkle-root", f.dataset) == 1);
	CHECK(result(rep, "item-count", f.dataset) == 0);
	json_decref(rep);
	release(&f);

	/* a dataset in the curator's name that the curator did not sign */
	CHECK(keys(&f) == 0);
	CHECK(lineage_with(&f, NULL, 0, 0, 1, NONE) == 0);
	CHECK(trace_model(&rep, f.s, f.model, &o) == 0);
	CHECK(result(rep, "record", f.dataset) == 1);
	CHECK(result(rep, "signature", f.dataset) == 0);
	json_decref(rep);
	release(&f);

	/* a model whose weights the run does not name */
	CHECK(keys(&f) == 0);
	CHECK(lineage_with(&f, NULL, 0, 0, 0, OTHER_WEIGHTS) == 0);
	CHECK(trace_model(&rep, f.s, f.model, &o) == 0);
	CHECK(result(rep, "signature", f.model) == 1);
	CHECK(result(rep, "checkpoint", f.run) == 0);
	json_decref(rep);
	release(&f);

	/* a run that names the dataset with another root */
	CHECK(keys(&f) == 0);
	CHECK(lineage_with(&f, NULL, 0, 0, 0, WRONG_ROOT_IN_RUN) == 0);
	CHECK(trace_model(&rep, f.s, f.model, &o) == 0);
	CHECK(result(rep, "run-names-dataset", f.dataset) == 0);
	CHECK(result(rep, "merkle-root", f.dataset) == 1);
	json_decref(rep);
	release(&f);

	/* a dataset declaring a purpose no one knows */
	CHECK(keys(&f) == 0);
	CHECK(lineage_with(&f, NULL, 0, 0, 0, BAD_PURPOSE) == 0);
	CHECK(trace_model(&rep, f.s, f.model, &o) == 0);
	CHECK(result(rep, "dataset-spec", f.dataset) == 0);
	CHECK(result(rep, "merkle-root", f.dataset) == -1);
	json_decref(rep);
	release(&f);

	/* a run naming a dataset the registry lacks */
	CHECK(keys(&f) == 0);
	CHECK(lineage(&f, NULL, 0, 1) == 0);
	CHECK(trace_model(&rep, f.s, f.model, &o) == 0);
	CHECK(result(rep, "record",
		     "sha256:4444444444444444444444444444444444444444444444444444444444444444") ==
	      0);
	CHECK(result(rep, "merkle-root", f.dataset) == -1);
	json_decref(rep);
	release(&f);
}

/* A chain of parents past DEPTH_MAX (1,000) is a failed check, not a
 * crash or an endless walk. */
static void deep_parents(void)
{
	struct trace_options o = { 0 };
	struct fixture f;
	json_t *rep = NULL;
	char parent[RECORD_ID_MAX], hex[41];
	int failed = 0;
	const json_t *c;
	size_t i;

	CHECK(keys(&f) == 0);
	CHECK(lineage(&f, NULL, 0, 0) == 0);
	CHECK(store_begin(f.s) == 0);
	snprintf(parent, sizeof(parent), "%s", f.model);
	for (int k = 0; k < 1002; k++) {
		json_t *m = model(f.owner->did, f.run);
		json_object_set_new(m, "parent", json_string(parent));
		json_object_set_new(m, "name", json_sprintf("m%d", k));
		CHECK(put(f.s, m, f.owner, parent) == 0);
		json_decref(m);
	}
	CHECK(store_commit(f.s, f.owner, "deep", hex) == 0);
	CHECK(trace_model(&rep, f.s, parent, &o) == 0);
	json_array_foreach (json_object_get(rep, "checks"), i, c)
		failed += !strcmp(json_string_value(json_object_get(c, "check")),
				  "parents") &&
			  !json_is_true(json_object_get(c, "ok"));
	CHECK(failed == 1);
	CHECK(json_array_size(json_object_get(rep, "models")) == 1001);
	json_decref(rep);
	release(&f);
}

int main(void)
{
	RUN(checks);
	RUN(deep_parents);
	return unit_done();
}
