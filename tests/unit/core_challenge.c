/* Challenges and resolutions: their exact canonical bytes, evidence sorted
 * whatever order the files came in, and that only "by" may sign them. */
#include <stdlib.h>

#include "unit.h"

#define BY "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
#define TARGET                                                                 \
	"sha256:"                                                              \
	"1111111111111111111111111111111111111111111111111111111111111111"

static void fill(struct file_digest *d, const char *name, int byte,
		 uint64_t size)
{
	d->name = name;
	memset(d->sha256, byte, 32);
	d->size = size;
}

static void challenge_bytes(void)
{
	struct file_digest ev[3];
	struct buf out = BUF_INIT;
	json_t *p;
	static const char want[] =
		"{\"by\":\"" BY "\",\"created\":\"2026-11-22T10:00:00Z\","
		"\"evidence\":["
		"{\"name\":\"a.pdf\",\"sha256\":"
		"\"bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
		"bbbb\",\"size\":2},"
		"{\"name\":\"a.pdf\",\"sha256\":"
		"\"cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc"
		"cccc\",\"size\":1},"
		"{\"name\":\"z.txt\",\"sha256\":"
		"\"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
		"aaaa\",\"size\":5000}],"
		"\"kind\":\"challenge\",\"reason\":\"not "
		"hers\",\"target\":\"" TARGET "\"}";

	fill(&ev[0], "z.txt", 0xaa, 5000);
	fill(&ev[1], "a.pdf", 0xcc, 1);
	fill(&ev[2], "a.pdf", 0xbb, 2);
	p = challenge_payload(BY, TARGET, "not hers", ev, 3,
			      1795341600 /* 2026-11-22T10:00:00Z */);
	CHECK(p && jcs_encode(&out, p) == 0);
	CHECK_STR(out.ptr, want);
	json_decref(p);
	buf_release(&out);

	/* no evidence is an empty list, not a missing field */
	p = challenge_payload(BY, TARGET, "r", NULL, 0, 0);
	CHECK(json_array_size(json_object_get(p, "evidence")) == 0);
	CHECK(json_is_array(json_object_get(p, "evidence")));
	json_decref(p);
}

static void resolution_bytes(void)
{
	struct buf out = BUF_INIT;
	json_t *p = resolution_payload(BY, TARGET, 1, "fair", 1795345200);

	CHECK(jcs_encode(&out, p) == 0);
	CHECK_STR(out.ptr, "{\"by\":\"" BY "\",\"challenge\":\"" TARGET
			   "\",\"created\":\"2026-11-22T11:00:00Z\","
			   "\"kind\":\"resolution\",\"outcome\":\"upheld\","
			   "\"reason\":\"fair\"}");
	json_decref(p);
	p = resolution_payload(BY, TARGET, 0, "no", 0);
	CHECK_STR(json_string_value(json_object_get(p, "outcome")),
		  "dismissed");
	json_decref(p);
	buf_release(&out);
}

static void ids_and_names(void)
{
	struct file_digest d[2];

	CHECK(record_id_full(TARGET));
	CHECK(!record_id_full(TARGET + 7));
	CHECK(!record_id_full("sha256:11111111"));
	CHECK(!record_id_full("sha256:"
			      "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
			      "AAAAAAAAAAAAAAAA"));
	fill(&d[0], "x", 1, 1);
	fill(&d[1], "y", 1, 1);
	CHECK(file_digests_unique(d, 2, "weight") == 0);
	d[1].name = "x";
	CHECK(file_digests_unique(d, 2, "weight") == PROV_EINVALID);
	CHECK(strstr(prov_error_last(), "two weight files are named 'x'"));
}

/* Only "by" speaks for "by": anyone else's signature is refused. */
static void by_must_sign(void)
{
	struct key *alice = NULL, *mallory = NULL;
	struct buf env = BUF_INIT;
	struct record *r = NULL;
	char id[RECORD_ID_MAX];
	json_t *p = NULL;

	CHECK(key_generate(&alice, "alice") == 0);
	CHECK(key_generate(&mallory, "mallory") == 0);
	for (int kind = 0; kind < 2; kind++) {
		json_decref(p);
		p = kind ? resolution_payload(alice->did, TARGET, 0, "r", 0)
			 : challenge_payload(alice->did, TARGET, "r", NULL, 0,
					     0);
		buf_clear(&env);
		CHECK(record_create(&env, id, p, alice) == 0);
		CHECK(record_parse(&r, env.ptr, env.len) == 0);
		CHECK(record_verify(r) == 0);
		record_free(r);
		r = NULL;
		buf_clear(&env);
		CHECK(record_create(&env, id, p, mallory) == 0);
		CHECK(record_parse(&r, env.ptr, env.len) == 0);
		CHECK(record_verify(r) == PROV_EVERIFY);
		CHECK(strstr(prov_error_last(), "its by"));
		record_free(r);
		r = NULL;
	}
	json_decref(p);
	buf_release(&env);
	key_free(alice);
	key_free(mallory);
}

int main(void)
{
	RUN(challenge_bytes);
	RUN(resolution_bytes);
	RUN(ids_and_names);
	RUN(by_must_sign);
	return unit_done();
}
