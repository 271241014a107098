/* The registry index: claims and opt-outs by content, verified records
 * only, and which opt-outs count. */
#include <stdlib.h>

#include "manifest/manifest.h"
#include "unit.h"

static struct store *registry(void)
{
	static int n;
	char dir[300];
	struct store *s = NULL;

	snprintf(dir, sizeof(dir), "%s/reg%d", unit_tmpdir(), n++);
	if (store_init(dir) || store_open(&s, dir))
		return NULL;
	return s;
}

/* Signs payload with k (as a record of its kind) and stages it. */
static int put(struct store *s, const json_t *payload, const struct key *k)
{
	struct buf env = BUF_INIT, path = BUF_INIT;
	char id[RECORD_ID_MAX];
	int rc = record_create(&env, id, payload, k);

	if (!rc)
		rc = record_store_path(&path, json_string_value(json_object_get(
						     payload, "kind")),
				       id, payload);
	if (!rc)
		rc = store_put(s, path.ptr, env.ptr, env.len) < 0;
	buf_release(&env);
	buf_release(&path);
	return rc;
}

static json_t *work(const uint8_t sha[32], const char *creator,
		    const char *license)
{
	struct work_claim c = { .size = 3, .name = "f", .media_type = "text/plain",
				.license = license };

	memcpy(c.sha256, sha, 32);
	return work_payload(&c, creator, 1700000000);
}

static json_t *optout(const uint8_t sha[32], const char *by, const char *use)
{
	char hex[65];

	hex_encode(hex, sha, 32);
	return json_pack("{s:s, s:s, s:[s], s:[s], s:s}", "kind", "optout", "by",
			 by, "content", hex, "scope", use, "created",
			 "2026-01-01T00:00:00Z");
}

static void claims_and_optouts(void)
{
	struct store *s = registry();
	struct key *alice = NULL, *bob = NULL, *eve = NULL;
	struct index *ix = NULL;
	const struct content_info *ci;
	const struct optout *first;
	uint8_t a[32], b[32], none[32];
	json_t *p;
	char hex[41];

	CHECK(s != NULL);
	memset(a, 0xaa, 32);
	memset(b, 0xbb, 32);
	memset(none, 0x11, 32);
	CHECK(key_generate(&alice, "alice") == 0);
	CHECK(key_generate(&bob, "bob") == 0);
	CHECK(key_generate(&eve, "eve") == 0);
	CHECK(store_begin(s) == 0);
	CHECK(put(s, p = work(a, alice->did, "CC-BY-4.0"), alice) == 0);
	json_decref(p);
	CHECK(put(s, p = work(a, bob->did, "MIT"), bob) == 0);
	json_decref(p);
	CHECK(put(s, p = work(b, bob->did, "CC0-1.0"), bob) == 0);
	json_decref(p);
	/* a forgery: a work in alice's name, signed by eve */
	CHECK(put(s, p = work(b, alice->did, "CC0-1.0"), eve) == 0);
	json_decref(p);
	/* alice opts out of a for ai_training; eve "opts out" b */
	CHECK(put(s, p = optout(a, alice->did, "ai_training"), alice) == 0);
	json_decref(p);
	CHECK(put(s, p = optout(b, eve->did, "data_mining"), eve) == 0);
	json_decref(p);
	CHECK(store_commit(s, alice, "test", hex) == 0);

	CHECK(index_load(&ix, s) == 0);
	CHECK(index_rejected(ix) == 1); /* the forgery */
	CHECK(index_get(ix, none) == NULL);
	CHECK((ci = index_get(ix, a)) != NULL);
	CHECK(ci->nclaims == 2);
	CHECK(content_claimed_by(ci, alice->did));
	CHECK(content_claimed_by(ci, bob->did));
	CHECK(!content_claimed_by(ci, eve->did));
	CHECK(ci->noptouts == 1);
	CHECK(content_optouts(ci, USES_ALL, &first) == USE_BIT(0));
	CHECK(first && !strcmp(first->by, alice->did));
	/* a use the opt-out does not name */
	CHECK(content_optouts(ci, USE_BIT(2), &first) == 0 && first == NULL);
	CHECK((ci = index_get(ix, b)) != NULL);
	CHECK(ci->nclaims == 1 && !strcmp(ci->claims[0].creator, bob->did));
	CHECK(!strcmp(ci->claims[0].license, "CC0-1.0"));
	/* eve claims nothing on b: her opt-out does not count */
	CHECK(ci->noptouts == 1);
	CHECK(content_optouts(ci, USES_ALL, &first) == 0 && first == NULL);
	index_free(ix);
	key_free(alice);
	key_free(bob);
	key_free(eve);
	store_free(s);
}

static void empty_registry(void)
{
	struct store *s = registry();
	struct index *ix = NULL;
	uint8_t x[32] = { 0 };

	CHECK(s != NULL);
	CHECK(index_load(&ix, s) == 0);
	CHECK(index_get(ix, x) == NULL);
	CHECK(index_rejected(ix) == 0);
	index_free(ix);
	store_free(s);
}

int main(void)
{
	RUN(claims_and_optouts);
	RUN(empty_registry);
	return unit_done();
}
