/* Custom licenses: the license file and payload checks, and definitions
 * gathered from signed records (the first wins, others are reported, and
 * records that do not verify or are not signed by their "by" are skipped). */
#include <stdlib.h>

#include "license/license.h"
#include "unit.h"

#define GOOD                                                                   \
	"{\"id\": \"LicenseRef-Acme-Data-1.0\", \"name\": \"Acme Data "        \
	"License\","                                                           \
	" \"url\": \"https://acme.example/license\", \"note\": \"research "    \
	"only\","                                                              \
	" \"attributes\": {\"commercial\": false, \"derivatives\": true,"      \
	" \"share_alike\": null, \"attribution\": true, "                      \
	"\"use_restrictions\": false}}"

static int bad_file(const char *text, const char *needle)
{
	json_t *p = (json_t *)1;

	prov_error_clear();
	if (license_payload_build(&p, text, strlen(text), "f.json",
				  "did:key:z6Mk", 0) != PROV_EINVALID) {
		fprintf(stderr, "accepted %s\n", text);
		return 0;
	}
	if (p != NULL || !strstr(prov_error_last(), needle)) {
		fprintf(stderr, "message '%s' lacks '%s'\n", prov_error_last(),
			needle);
		return 0;
	}
	return 1;
}

static void test_build(void)
{
	struct license_info info;
	json_t *p = NULL;

	CHECK(license_payload_build(&p, GOOD, strlen(GOOD), "f.json",
				    "did:key:z6MkX", 1700000000) == 0);
	CHECK_STR(json_string_value(json_object_get(p, "kind")), "license");
	CHECK_STR(json_string_value(json_object_get(p, "by")), "did:key:z6MkX");
	CHECK_STR(json_string_value(json_object_get(p, "created")),
		  "2023-11-14T22:13:20Z");
	CHECK(license_payload_parse(&info, p) == 0);
	CHECK_STR(info.id, "LicenseRef-Acme-Data-1.0");
	CHECK_STR(info.note, "research only");
	CHECK(info.flags == (LICENSE_DERIVATIVES | LICENSE_ATTRIBUTION));
	CHECK(info.share_alike == NULL && info.source == NULL);
	json_decref(p);

	/* no conditions at all is said so */
	const char *free_ =
		"{\"id\": \"LicenseRef-Free\", \"name\": \"Free\", "
		"\"attributes\": {\"commercial\": true, \"derivatives\": true, "
		"\"share_alike\": \"Free-SA\", \"attribution\": false, "
		"\"use_restrictions\": false}}";
	CHECK(license_payload_build(&p, free_, strlen(free_), "f", "did:key:z",
				    0) == 0);
	CHECK(license_payload_parse(&info, p) == 0);
	CHECK(info.flags & LICENSE_SHARE_ALIKE);
	CHECK(!(info.flags & LICENSE_NO_CONDITIONS));
	CHECK_STR(info.share_alike, "Free-SA");
	json_decref(p);
}

static void test_bad_files(void)
{
	CHECK(bad_file("{", "f.json"));
	CHECK(bad_file("[]", "a custom license is a JSON object"));
	CHECK(bad_file("{\"id\": \"MIT\", \"name\": \"x\"}",
		       "'MIT' is an SPDX license id: a custom license's id "
		       "starts with LicenseRef-"));
	CHECK(bad_file("{\"id\": \"Acme-1.0\", \"name\": \"x\"}",
		       "'Acme-1.0' is not a custom license id: it must start "
		       "with LicenseRef-"));
	CHECK(bad_file("{\"id\": \"LicenseRef-a_b\", \"name\": \"x\"}",
		       "is not a valid id"));
	CHECK(bad_file("{\"id\": \"LicenseRef-Gemma\", \"name\": \"x\", "
		       "\"attributes\": {}}",
		       "'LicenseRef-Gemma' is in prov's built-in table"));
	CHECK(bad_file("{\"id\": \"LicenseRef-x\"}",
		       "\"name\" must be a string"));
	CHECK(bad_file("{\"id\": \"LicenseRef-x\", \"name\": \"a\\nb\"}",
		       "control character"));
	CHECK(bad_file(
		"{\"id\": \"LicenseRef-x\", \"name\": \"x\", \"license\": 1}",
		"unknown field 'license'"));
	CHECK(bad_file("{\"id\": \"LicenseRef-x\", \"name\": \"x\", \"url\": "
		       "\"ftp://x\"}",
		       "\"url\" must start with https://"));
	CHECK(bad_file("{\"id\": \"LicenseRef-x\", \"name\": \"x\", "
		       "\"text_sha256\": \"AB\"}",
		       "64 lowercase hex digits"));
	CHECK(bad_file("{\"id\": \"LicenseRef-x\", \"name\": \"x\"}",
		       "\"attributes\" must be an object"));
	CHECK(bad_file(
		"{\"id\": \"LicenseRef-x\", \"name\": \"x\", \"attributes\": "
		"{\"commercial\": 1}}",
		"attribute \"commercial\" must be true or false"));
	CHECK(bad_file(
		"{\"id\": \"LicenseRef-x\", \"name\": \"x\", \"attributes\": "
		"{\"commercial\": true, \"derivatives\": true, "
		"\"attribution\": true, "
		"\"use_restrictions\": false}}",
		"attribute \"share_alike\" is missing"));
	CHECK(bad_file(
		"{\"id\": \"LicenseRef-x\", \"name\": \"x\", \"attributes\": "
		"{\"commercial\": true, \"derivatives\": true, "
		"\"attribution\": true, "
		"\"use_restrictions\": false, \"share_alike\": \"a b\"}}",
		"must be null or a family name"));
	CHECK(bad_file(
		"{\"id\": \"LicenseRef-x\", \"name\": \"x\", \"attributes\": "
		"{\"commercial\": true, \"derivatives\": true, "
		"\"attribution\": true, "
		"\"use_restrictions\": false, \"share_alike\": null, "
		"\"patents\": true}}",
		"unknown field 'patents' in \"attributes\""));
	/* a stored payload must say what it is */
	struct license_info info;
	json_t *p = json_pack("{s:s}", "kind", "work");
	CHECK(license_payload_parse(&info, p) == PROV_EINVALID);
	json_decref(p);
}

/* A signed license record: terms from GOOD with the given id, by `by`
 * (the signer's did unless NULL), signed by k. */
static struct record *signed_license(const struct key *k, const char *id,
				     const char *by, int derivatives,
				     int64_t created)
{
	struct buf env = BUF_INIT;
	struct record *r = NULL;
	char rid[RECORD_ID_MAX];
	json_t *p = NULL;

	if (license_payload_build(&p, GOOD, strlen(GOOD), "f", by ? by : k->did,
				  created))
		return NULL;
	json_object_set_new(p, "id", json_string(id));
	json_object_set_new(json_object_get(p, "attributes"), "derivatives",
			    json_boolean(derivatives));
	if (record_create(&env, rid, p, k) == 0)
		record_parse(&r, env.ptr, env.len);
	json_decref(p);
	buf_release(&env);
	return r;
}

static void test_defs(void)
{
	struct key *a = NULL, *b = NULL;
	struct record *r1, *r2, *r3, *r4, *r5;
	struct license_defs d;
	struct license_info info;
	const struct license_def *def;

	CHECK(key_generate(&a, "a") == 0 && key_generate(&b, "b") == 0);
	license_defs_init(&d);
	r1 = signed_license(a, "LicenseRef-Acme", NULL, 1, 1);
	/* the same terms again, later: not a second definition */
	r2 = signed_license(a, "LicenseRef-Acme", NULL, 1, 2);
	/* another signer, other terms, same id (other case): ignored */
	r3 = signed_license(b, "LicenseRef-ACME", NULL, 0, 3);
	/* signed by b in a's name: skipped */
	r4 = signed_license(b, "LicenseRef-Other", a->did, 1, 4);
	r5 = signed_license(b, "LicenseRef-Other", NULL, 1, 5);
	CHECK(r1 && r2 && r3 && r4 && r5);
	CHECK(license_defs_add(&d, r1, "p1") == 0);
	CHECK(license_defs_add(&d, r2, "p2") == 0);
	CHECK(license_defs_add(&d, r3, "p3") == 0);
	CHECK(license_defs_add(&d, r4, "p4") == 0);
	CHECK(license_defs_add(&d, r5, "p5") == 0);
	CHECK(d.n == 2);
	CHECK(d.skipped.n == 1);
	CHECK(strstr(d.skipped.v[0], "p4: record sha256:"));
	CHECK(strstr(d.skipped.v[0], "did not sign it"));

	def = license_defs_find(&d, "LICENSEREF-ACME");
	CHECK(def && !strcmp(def->record_id, r1->id));
	CHECK(def->info.flags & LICENSE_DERIVATIVES);
	CHECK(def->ignored.n == 1);
	CHECK(strstr(def->ignored.v[0], r3->id) &&
	      strstr(def->ignored.v[0], b->did));
	CHECK(strstr(def->source, r1->id) && strstr(def->source, a->did));
	CHECK(license_defs_resolve(&info, "LicenseRef-Acme", &d) == 1);
	CHECK(info.source == def->source);
	CHECK(license_defs_resolve(&info, "LicenseRef-None", &d) == 0);

	/* the walk callback takes stored bytes; garbage is skipped */
	CHECK(license_defs_walk("bad.json", "{}", 2, &d) == 0);
	CHECK(d.skipped.n == 2);
	CHECK(license_defs_walk("w.json", r5->raw.ptr, r5->raw.len, &d) == 0);
	CHECK(d.n == 2);

	/* a resolver over the definitions drives the evaluator */
	struct license_query q = {0};
	struct license_verdict v;
	q.purpose = LICENSE_PURPOSE_COMMERCIAL;
	q.resolve = license_defs_resolve;
	q.resolve_payload = &d;
	CHECK(license_eval(&v, "LicenseRef-Acme", &q) == 0);
	CHECK(!v.allowed);
	CHECK(strstr(v.reasons.v[0],
		     "LicenseRef-Acme: noncommercial only (NC)"));
	license_verdict_release(&v);
	q.purpose = LICENSE_PURPOSE_RESEARCH;
	CHECK(license_eval(&v, "LicenseRef-Other AND LicenseRef-Acme", &q) ==
	      0);
	CHECK(v.allowed);
	license_verdict_release(&v);

	license_defs_release(&d);
	record_free(r1);
	record_free(r2);
	record_free(r3);
	record_free(r4);
	record_free(r5);
	key_free(a);
	key_free(b);
}

int main(void)
{
	RUN(test_build);
	RUN(test_bad_files);
	RUN(test_defs);
	return unit_done();
}
