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

int main(void)
{
	RUN(lines_are_jcs);
	return unit_done();
}
