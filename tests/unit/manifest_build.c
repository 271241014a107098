/* Building a manifest: the item lines are canonical JSON (JCS) however
 * odd the paths, and name the work records they rely on. */
#include <stdlib.h>
#include <sys/stat.h>

#include "manifest/manifest.h"
#include "unit.h"

static void write_bytes(const char *dir, const char *name, const char *text)
{
	char *p = xasprintf("%s/%s", dir, name);
	FILE *f = fopen(p, "w");

	if (f) {
		fputs(text, f);
		fclose(f);
	}
	free(p);
}

/* The registry at dir with one work, on the content "claimed". */
static struct store *registry(const char *dir, const struct key *k,
			      char id[RECORD_ID_MAX])
{
	struct work_claim c = { .size = 7, .name = "c", .media_type = "text/plain",
				.license = "CC-BY-4.0" };
	struct buf env = BUF_INIT, path = BUF_INIT;
	struct store *s = NULL;
	json_t *p;
	char hex[41];
	int rc;

	sha256_buf(c.sha256, "claimed", 7);
	p = work_payload(&c, k->did, 1700000000);
	rc = store_init(dir) || store_open(&s, dir) || store_begin(s) ||
	     record_create(&env, id, p, k) ||
	     record_store_path(&path, "work", id, p) ||
	     store_put(s, path.ptr, env.ptr, env.len) < 0 ||
	     store_commit(s, k, "work", hex);
	json_decref(p);
	buf_release(&env);
	buf_release(&path);
	if (rc) {
		store_free(s);
		return NULL;
	}
	return s;
}

static int line_is_jcs(const json_t *item, size_t i, void *payload)
{
	struct buf *again = payload;

	buf_clear(again);
	return jcs_encode(again, item);
}

static void lines_are_jcs(void)
{
	static const char *const names[] = {
		"plain", "quote\"d", "back\\slash", "tab\there", "new\nline",
		"bell\a", "caf\xc3\xa9", "\xf0\x9f\x8e\xa8 emoji", "claimed",
	};
	char *dir = xasprintf("%s/files", unit_tmpdir());
	char *reg = xasprintf("%s/reg", unit_tmpdir());
	struct manifest_spec spec = { .name = "d", .version = "1",
				      .purpose = LICENSE_PURPOSE_RESEARCH,
				      .uses = USE_BIT(0),
				      .include_unregistered = 1, .base = dir,
				      .created = 1700000000 };
	struct manifest_build b = { 0 };
	struct fileset fs = { 0 };
	struct license_defs defs;
	struct index *ix = NULL;
	struct key *k = NULL;
	struct store *s;
	struct buf again = BUF_INIT;
	json_t *weights = json_pack("{s:I}", "plain", (json_int_t)9007199254740991);
	char id[RECORD_ID_MAX];
	const char *line, *end;
	size_t n = 0;

	license_defs_init(&defs);
	CHECK(key_generate(&k, "curator") == 0);
	CHECK((s = registry(reg, k, id)) != NULL);
	CHECK(mkdir(dir, 0755) == 0);
	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		write_bytes(dir, names[i], i == 8 ? "claimed" : names[i]);
	spec.weights = weights;
	CHECK(fileset_add(&fs, &dir, 1, 1) == 0);
	CHECK(fs.n == 9);
	CHECK(fileset_hash(&fs, NULL, NULL, NULL) == 0);
	CHECK(index_load(&ix, s, NULL) == 0);
	CHECK(manifest_build(&b, &fs, ix, &defs, &spec, k->did) == 0);
	/* every line is its own JCS form */
	for (line = b.items.ptr; *line; line = end + 1) {
		CHECK((end = strchr(line, '\n')) != NULL);
		CHECK(manifest_lines_each(line, (size_t)(end - line + 1), 1,
					  line_is_jcs, &again) == 0);
		CHECK(again.len == (size_t)(end - line));
		CHECK(!memcmp(again.ptr, line, again.len));
		n++;
	}
	CHECK(n == 9);
	CHECK(strstr(b.items.ptr, "\"path\":\"new\\nline\""));
	CHECK(strstr(b.items.ptr, "\"path\":\"bell\\u0007\""));
	CHECK(strstr(b.items.ptr, "\"weight\":9007199254740991"));
	/* the claimed file names its work record and license */
	line = strstr(b.items.ptr, "\"path\":\"claimed\"");
	CHECK(line && strstr(line, id) && strstr(line, id) < strchr(line, '\n'));
	manifest_build_release(&b);
	index_free(ix);
	fileset_release(&fs);
	license_defs_release(&defs);
	buf_release(&again);
	json_decref(weights);
	key_free(k);
	store_free(s);
	free(dir);
	free(reg);
}

/* A work whose training permissions are not a JSON object is excluded
 * (as not permitted), even though its record verifies. */
static void scalar_training(void)
{
	static const char *const values[] = { "\"notAllowed\"", "false", "5",
					      "[]" };
	char *reg = xasprintf("%s/scalar", unit_tmpdir());
	struct manifest_spec spec = { .name = "d", .version = "1",
				      .purpose = LICENSE_PURPOSE_RESEARCH,
				      .uses = USE_BIT(0), .created = 1 };
	struct work_claim c = { .size = 1, .name = "c", .media_type = "text/plain",
				.license = "MIT" };
	struct store *s = NULL;
	struct key *k = NULL;
	char hex[41];

	CHECK(key_generate(&k, "creator") == 0);
	CHECK(store_init(reg) == 0 && store_open(&s, reg) == 0);
	CHECK(store_begin(s) == 0);
	for (size_t i = 0; i < sizeof(values) / sizeof(*values); i++) {
		struct buf env = BUF_INIT, path = BUF_INIT;
		char id[RECORD_ID_MAX];
		json_t *p;
		c.sha256[0] = (uint8_t)i;
		p = work_payload(&c, k->did, 1700000000);
		json_object_set_new(p, "training", json_loads(values[i],
							      JSON_DECODE_ANY, NULL));
		CHECK(record_create(&env, id, p, k) == 0);
		CHECK(record_store_path(&path, "work", id, p) == 0);
		CHECK(store_put(s, path.ptr, env.ptr, env.len) == 0);
		json_decref(p);
		buf_release(&env);
		buf_release(&path);
	}
	CHECK(store_commit(s, k, "works", hex) == 0);
	for (int cached = 0; cached < 2; cached++) {
		uint8_t key[32] = { 1 };
		struct manifest_judge j;
		struct index *ix = NULL;
		CHECK(index_load(&ix, s, cached ? key : NULL) == 0);
		manifest_judge_init(&j, &spec, NULL);
		for (size_t i = 0; i < sizeof(values) / sizeof(*values); i++) {
			struct manifest_decision d;
			c.sha256[0] = (uint8_t)i;
			manifest_decide(&d, &j, ix, c.sha256, "f");
			CHECK(!d.included);
			CHECK_STR(json_string_value(json_object_get(d.exclusion,
								   "reason")),
				  "permission");
			manifest_decision_release(&d);
		}
		manifest_judge_release(&j);
		index_free(ix);
	}
	key_free(k);
	store_free(s);
	free(reg);
}

/* A name that is not UTF-8 cannot go into an item list: the build fails
 * naming it, and writes nothing. */
static void names_not_utf8(void)
{
	char *dir = xasprintf("%s/latin1", unit_tmpdir());
	struct manifest_spec spec = { .name = "d", .version = "1",
				      .purpose = LICENSE_PURPOSE_RESEARCH,
				      .uses = USE_BIT(0),
				      .include_unregistered = 1, .base = dir };
	struct manifest_build b = { 0 };
	struct fileset fs = { 0 };
	struct index *ix = NULL;

	CHECK(mkdir(dir, 0755) == 0);
	write_bytes(dir, "ok", "ok");
	write_bytes(dir, "caf\xe9", "latin-1");
	CHECK(fileset_add(&fs, &dir, 1, 1) == 0);
	CHECK(fileset_hash(&fs, NULL, NULL, NULL) == 0);
	CHECK(index_parse(&ix, "", 0) == 0);
	CHECK(manifest_build(&b, &fs, ix, NULL, &spec, "did:key:z") ==
	      PROV_EINVALID);
	CHECK(strstr(prov_error_last(), "caf\xef\xbf\xbd': the name is not valid "
					"UTF-8"));
	CHECK(b.payload == NULL && b.items.len == 0);
	index_free(ix);
	fileset_release(&fs);
	free(dir);
}

int main(void)
{
	RUN(lines_are_jcs);
	RUN(scalar_training);
	RUN(names_not_utf8);
	return unit_done();
}
