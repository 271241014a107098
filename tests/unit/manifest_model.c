/* Model records: the payload's exact bytes, what it refuses, that only the
 * owner may sign it, and lineage walks over a registry faked in memory:
 * a chain, a missing parent, a record that is no model, a depth bound, and
 * a lookup that lies its way into a cycle. */
#include <stdlib.h>

#include "manifest/manifest.h"
#include "unit.h"

#define OWNER	  "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
#define HEX32(c)  c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c c
#define HEX64(c)  HEX32(c) HEX32(c)
#define RUN_ID	  "sha256:" HEX64("1")
#define PARENT_ID "sha256:" HEX64("2")

static void model_bytes(void)
{
	struct file_digest w[2] = {
		{"model.safetensors", {0}, 4294967296ull},
		{"config.json", {0}, 12},
	};
	struct model_claim c = {"faces-ft", w,	       2,
				RUN_ID,	    PARENT_ID, "Apache-2.0"};
	struct buf out = BUF_INIT;
	json_t *p = NULL;

	memset(w[0].sha256, 0xab, 32);
	memset(w[1].sha256, 0x01, 32);
	CHECK(model_payload(&p, &c, OWNER, 1795341600) == 0);
	CHECK(jcs_encode(&out, p) == 0);
	CHECK_STR(
		out.ptr,
		"{\"created\":\"2026-11-22T10:00:00Z\",\"kind\":\"model\","
		"\"license\":\"Apache-2.0\",\"name\":\"faces-ft\",\"owner\":"
		"\"" OWNER "\",\"parent\":\"" PARENT_ID "\",\"run\":\"" RUN_ID
		"\","
		"\"weights\":[{\"name\":\"config.json\",\"sha256\":\"" HEX32(
			"01") "\",\"size\":12},{\"name\":\"model.safetensors\","
			      "\"sha256\":\"" HEX32("ab") "\",\"size\":"
							  "4294967296}]}");
	json_decref(p);
	/* parent and license are absent when not given, not null */
	c.parent = c.license = NULL;
	CHECK(model_payload(&p, &c, OWNER, 0) == 0);
	CHECK(!json_object_get(p, "parent") && !json_object_get(p, "license"));
	json_decref(p);
	buf_release(&out);
}

static void model_refuses(void)
{
	struct file_digest w[2] = {{"a", {0}, 1}, {"a", {1}, 2}};
	struct model_claim c = {"m", w, 2, RUN_ID, NULL, NULL};
	json_t *p = (json_t *)1;

	CHECK(model_payload(&p, &c, OWNER, 0) == PROV_EINVALID && !p);
	CHECK(strstr(prov_error_last(), "two weight files are named 'a'"));
	c.nweights = 0;
	CHECK(model_payload(&p, &c, OWNER, 0) == PROV_EINVALID);
	c.nweights = 1;
	c.run = HEX64("1"); /* not a full id */
	CHECK(model_payload(&p, &c, OWNER, 0) == PROV_EINVALID);
	c.run = RUN_ID;
	c.parent = "sha256:abc";
	CHECK(model_payload(&p, &c, OWNER, 0) == PROV_EINVALID);
	c.parent = NULL;
	CHECK(model_payload(&p, &c, OWNER, 0) == 0);
	json_decref(p);

	CHECK(model_name_check("faces-base") == 0);
	CHECK(model_name_check("org/faces_v1.2+x") == 0);
	CHECK(model_name_check("") == PROV_EINVALID);
	CHECK(model_name_check("-x") == PROV_EINVALID);
	CHECK(model_name_check(".x") == PROV_EINVALID);
	CHECK(model_name_check("/x") == PROV_EINVALID);
	CHECK(model_name_check("a b") == PROV_EINVALID);
	CHECK(model_name_check("a\n") == PROV_EINVALID);
	char long_name[130];
	memset(long_name, 'a', 129);
	long_name[129] = '\0';
	CHECK(model_name_check(long_name) == PROV_EINVALID);
	long_name[128] = '\0';
	CHECK(model_name_check(long_name) == 0);
}

static void owner_must_sign(void)
{
	struct key *alice = NULL, *mallory = NULL;
	struct file_digest w = {"m.bin", {0}, 1};
	struct model_claim c = {"m", &w, 1, RUN_ID, NULL, NULL};
	struct buf env = BUF_INIT;
	struct record *r = NULL;
	char id[RECORD_ID_MAX];
	json_t *p = NULL;

	CHECK(key_generate(&alice, "alice") == 0);
	CHECK(key_generate(&mallory, "mallory") == 0);
	CHECK(model_payload(&p, &c, alice->did, 0) == 0);
	CHECK(record_create(&env, id, p, alice) == 0);
	CHECK(record_parse(&r, env.ptr, env.len) == 0);
	CHECK(record_verify(r) == 0);
	record_free(r);
	r = NULL;
	buf_clear(&env);
	CHECK(record_create(&env, id, p, mallory) == 0);
	CHECK(record_parse(&r, env.ptr, env.len) == 0);
	CHECK(record_verify(r) == PROV_EVERIFY);
	CHECK(strstr(prov_error_last(), "its owner"));
	record_free(r);
	json_decref(p);
	buf_release(&env);
	key_free(alice);
	key_free(mallory);
}

/* A registry in memory: ids[i] holds payloads[i]. */
struct fake {
	char ids[8][RECORD_ID_MAX];
	json_t *payloads[8];
	size_t n;
	int gets;
};

static int fake_get(json_t **payload, const char *id, void *arg)
{
	struct fake *f = arg;

	f->gets++;
	for (size_t i = 0; i < f->n; i++)
		if (!strcmp(f->ids[i], id)) {
			*payload = json_incref(f->payloads[i]);
			return 0;
		}
	return prov_error_set(PROV_ENOTFOUND, "no record %s", id);
}

static void fake_add(struct fake *f, char c, const char *name, char parent)
{
	char id[RECORD_ID_MAX], pid[RECORD_ID_MAX];

	snprintf(id, sizeof(id), "sha256:%064d", 0);
	memset(id + 7, c, 64);
	memcpy(pid, id, sizeof(id));
	memset(pid + 7, parent, 64);
	memcpy(f->ids[f->n], id, sizeof(id));
	f->payloads[f->n] =
		json_pack("{s:s, s:s}", "kind", "model", "name", name);
	if (parent)
		json_object_set_new(f->payloads[f->n], "parent",
				    json_string(pid));
	f->n++;
}

static void fake_release(struct fake *f)
{
	for (size_t i = 0; i < f->n; i++)
		json_decref(f->payloads[i]);
}

static void lineage_walks(void)
{
	struct fake f = {0};
	struct lineage l;

	fake_add(&f, 'c', "tuned", 'b');
	fake_add(&f, 'b', "base", 'a');
	fake_add(&f, 'a', "root", 0);
	CHECK(model_lineage(&l, "sha256:" HEX64("c"), fake_get, &f, 10) == 0);
	CHECK(l.n == 3);
	CHECK_STR(l.v[0].name, "tuned");
	CHECK_STR(l.v[1].name, "base");
	CHECK_STR(l.v[2].name, "root");
	CHECK_STR(l.v[2].id, "sha256:" HEX64("a"));
	CHECK(lineage_has(&l, "sha256:" HEX64("b")));
	CHECK(!lineage_has(&l, "sha256:" HEX64("d")));
	lineage_release(&l);

	/* the bound counts records, the start included */
	CHECK(model_lineage(&l, "sha256:" HEX64("c"), fake_get, &f, 3) == 0);
	lineage_release(&l);
	f.gets = 0;
	CHECK(model_lineage(&l, "sha256:" HEX64("c"), fake_get, &f, 2) ==
	      PROV_EINVALID);
	CHECK(strstr(prov_error_last(), "more than 1 ancestors"));
	CHECK(l.n == 2 && f.gets == 2);
	lineage_release(&l);
	fake_release(&f);
}

static void lineage_broken(void)
{
	struct fake f = {0};
	struct lineage l;

	/* a parent the registry does not have */
	fake_add(&f, 'c', "tuned", 'b');
	CHECK(model_lineage(&l, "sha256:" HEX64("c"), fake_get, &f, 10) ==
	      PROV_ENOTFOUND);
	CHECK(strstr(prov_error_last(), "parent of model sha256:" HEX64("c")));
	CHECK(l.n == 1);
	lineage_release(&l);
	/* the start itself missing */
	CHECK(model_lineage(&l, "sha256:" HEX64("9"), fake_get, &f, 10) ==
	      PROV_ENOTFOUND);
	CHECK(l.n == 0);
	lineage_release(&l);
	/* a parent that is some other kind of record */
	fake_add(&f, 'b', "x", 0);
	json_object_set_new(f.payloads[1], "kind", json_string("work"));
	CHECK(model_lineage(&l, "sha256:" HEX64("c"), fake_get, &f, 10) ==
	      PROV_EINVALID);
	CHECK(strstr(prov_error_last(), "is a work record, not a model"));
	lineage_release(&l);
	/* a parent that is no id */
	json_object_set_new(f.payloads[0], "parent", json_string("base"));
	CHECK(model_lineage(&l, "sha256:" HEX64("c"), fake_get, &f, 10) ==
	      PROV_EINVALID);
	CHECK(strstr(prov_error_last(),
		     "names a parent that is not a record id"));
	lineage_release(&l);
	json_object_set_new(f.payloads[0], "parent", json_integer(1));
	CHECK(model_lineage(&l, "sha256:" HEX64("c"), fake_get, &f, 10) ==
	      PROV_EINVALID);
	lineage_release(&l);
	CHECK(model_lineage(&l, "c", fake_get, &f, 10) == PROV_EINVALID);
	lineage_release(&l);
	fake_release(&f);

	/* a lookup that answers in a circle is stopped, not followed */
	memset(&f, 0, sizeof(f));
	fake_add(&f, 'a', "a", 'b');
	fake_add(&f, 'b', "b", 'a');
	CHECK(model_lineage(&l, "sha256:" HEX64("a"), fake_get, &f, 1000) ==
	      PROV_EINVALID);
	CHECK(strstr(prov_error_last(), "is its own ancestor"));
	CHECK(l.n == 2 && f.gets == 2);
	lineage_release(&l);
	fake_release(&f);
	memset(&f, 0, sizeof(f));
	fake_add(&f, 'a', "self", 'a');
	CHECK(model_lineage(&l, "sha256:" HEX64("a"), fake_get, &f, 1000) ==
	      PROV_EINVALID);
	lineage_release(&l);
	fake_release(&f);
}

int main(void)
{
	RUN(model_bytes);
	RUN(model_refuses);
	RUN(owner_must_sign);
	RUN(lineage_walks);
	RUN(lineage_broken);
	return unit_done();
}
