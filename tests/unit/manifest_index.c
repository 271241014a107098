/* The registry index: claims and opt-outs by content, verified records
 * only, and which opt-outs count; the claim index cache. */
#define _GNU_SOURCE /* memmem */
#include <git2.h>
#include <sodium.h>
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

	CHECK(index_load(&ix, s, NULL) == 0);
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
	CHECK(index_load(&ix, s, NULL) == 0);
	CHECK(index_get(ix, x) == NULL);
	CHECK(index_rejected(ix) == 0);
	index_free(ix);
	store_free(s);
}

/* Every claim and opt-out of every content in a, as text, in order: two
 * indexes agree when their dumps do. */
static void dump(struct buf *out, const struct index *ix, const uint8_t (*c)[32],
		 size_t n)
{
	buf_clear(out);
	buf_printf(out, "rejected %zu\n", index_rejected(ix));
	for (size_t i = 0; i < n; i++) {
		const struct content_info *ci = index_get(ix, c[i]);
		for (size_t k = 0; ci && k < ci->nclaims; k++)
			buf_printf(out, "%zu claim %s %s %s %s\n", i,
				   ci->claims[k].id, ci->claims[k].creator,
				   ci->claims[k].license,
				   ci->claims[k].training ?: "-");
		for (size_t k = 0; ci && k < ci->noptouts; k++)
			buf_printf(out, "%zu optout %s %s %x %s\n", i,
				   ci->optouts[k].id, ci->optouts[k].by,
				   ci->optouts[k].scope,
				   ci->optouts[k].reason ?: "-");
	}
}

static int cache_file(struct buf *out, struct store *s)
{
	struct buf path = BUF_INIT;
	int rc;

	buf_printf(&path, "%s/claimindex", store_path(s));
	buf_clear(out);
	rc = buf_read_file(out, path.ptr, 0);
	buf_release(&path);
	return rc;
}

static int write_cache(struct store *s, const struct buf *b)
{
	struct buf path = BUF_INIT;
	int rc;

	buf_printf(&path, "%s/claimindex", store_path(s));
	rc = write_file_atomic(path.ptr, b->ptr, b->len, 0644, 0);
	buf_release(&path);
	return rc;
}

/* The claim index cache gives what checking every record gives: first
 * made, then used as it is, then brought up to date with new commits;
 * and one made under another key, damaged, or naming a commit the
 * registry lacks is rebuilt, not believed. */
static void cache(void)
{
	struct store *s = registry();
	struct key *alice = NULL, *bob = NULL, *eve = NULL;
	struct index *ix = NULL;
	static const char *const more[] = { "CC0-1.0", "Apache-2.0", "ISC",
					    "0BSD", "BSD-3-Clause", "Zlib" };
	uint8_t c[3][32], key[32], other[32];
	struct buf want = BUF_INIT, got = BUF_INIT, file = BUF_INIT,
		   first = BUF_INIT;
	json_t *p;
	char hex[41];

	CHECK(s != NULL);
	for (int i = 0; i < 3; i++)
		memset(c[i], 0x10 * (i + 1), 32);
	memset(key, 7, sizeof(key));
	memset(other, 8, sizeof(other));
	CHECK(key_generate(&alice, "alice") == 0);
	CHECK(key_generate(&bob, "bob") == 0);
	CHECK(key_generate(&eve, "eve") == 0);
	CHECK(store_begin(s) == 0);
	CHECK(put(s, p = work(c[0], alice->did, "CC-BY-4.0"), alice) == 0);
	json_decref(p);
	CHECK(put(s, p = work(c[0], bob->did, "MIT"), bob) == 0);
	json_decref(p);
	CHECK(put(s, p = work(c[1], alice->did, "CC0-1.0"), eve) == 0);
	json_decref(p);
	CHECK(store_commit(s, alice, "one", hex) == 0);

	/* made on first load, identical to checking every record */
	CHECK(index_load(&ix, s, NULL) == 0);
	dump(&want, ix, c, 3);
	index_free(ix);
	CHECK(cache_file(&file, s) != 0); /* no key, no cache */
	CHECK(index_load(&ix, s, key) == 0);
	dump(&got, ix, c, 3);
	index_free(ix);
	CHECK_STR(got.ptr, want.ptr);
	CHECK(cache_file(&first, s) == 0);
	/* used as it is */
	CHECK(index_load(&ix, s, key) == 0);
	dump(&got, ix, c, 3);
	index_free(ix);
	CHECK_STR(got.ptr, want.ptr);

	/* new commits: a claim and an opt-out on c[2], another on c[0] */
	CHECK(store_begin(s) == 0);
	CHECK(put(s, p = work(c[2], bob->did, "CC-BY-SA-4.0"), bob) == 0);
	json_decref(p);
	CHECK(put(s, p = optout(c[2], bob->did, "ai_training"), bob) == 0);
	json_decref(p);
	/* more claims on c[0], which must come in id order, not appended */
	for (size_t i = 0; i < sizeof(more) / sizeof(*more); i++) {
		CHECK(put(s, p = work(c[0], eve->did, more[i]), eve) == 0);
		json_decref(p);
	}
	CHECK(store_commit(s, bob, "two", hex) == 0);
	CHECK(index_load(&ix, s, NULL) == 0);
	dump(&want, ix, c, 3);
	index_free(ix);
	CHECK(strstr(want.ptr, "2 optout") != NULL);
	CHECK(index_load(&ix, s, key) == 0); /* brought up to date */
	dump(&got, ix, c, 3);
	index_free(ix);
	CHECK_STR(got.ptr, want.ptr);
	CHECK(cache_file(&file, s) == 0);
	CHECK(file.len > first.len);

	/* the first cache again (an older commit): updated again */
	CHECK(write_cache(s, &first) == 0);
	CHECK(index_load(&ix, s, key) == 0);
	dump(&got, ix, c, 3);
	index_free(ix);
	CHECK_STR(got.ptr, want.ptr);

	/* a forgery (a license changed, the MAC made under another key) is
	 * not believed; under its own key it would be */
	CHECK(cache_file(&file, s) == 0);
	{
		char *mit = memmem(file.ptr, file.len, "MIT", 4);
		CHECK(mit != NULL);
		memcpy(mit, "XYZ", 3);
		crypto_generichash_state st;
		crypto_generichash_init(&st, other, 32, 32);
		crypto_generichash_update(&st, (const uint8_t *)"claimindex", 11);
		crypto_generichash_update(&st, (uint8_t *)file.ptr, file.len - 32);
		crypto_generichash_final(&st, (uint8_t *)file.ptr + file.len - 32,
					 32);
	}
	CHECK(write_cache(s, &file) == 0);
	CHECK(index_load(&ix, s, key) == 0);
	dump(&got, ix, c, 3);
	index_free(ix);
	CHECK_STR(got.ptr, want.ptr);
	CHECK(write_cache(s, &file) == 0);
	CHECK(index_load(&ix, s, other) == 0);
	dump(&got, ix, c, 3);
	index_free(ix);
	CHECK(strstr(got.ptr, " XYZ ") != NULL);

	/* one damaged byte in the entries: rebuilt */
	CHECK(cache_file(&file, s) == 0);
	file.ptr[60] ^= 1;
	CHECK(write_cache(s, &file) == 0);
	CHECK(index_load(&ix, s, other) == 0);
	dump(&got, ix, c, 3);
	index_free(ix);
	CHECK_STR(got.ptr, want.ptr);

	/* a commit the registry lacks: rebuilt */
	CHECK(cache_file(&file, s) == 0);
	memset(file.ptr + 18, 'a', 40);
	CHECK(write_cache(s, &file) == 0);
	CHECK(index_load(&ix, s, other) == 0);
	dump(&got, ix, c, 3);
	index_free(ix);
	CHECK_STR(got.ptr, want.ptr);

	buf_release(&want);
	buf_release(&got);
	buf_release(&file);
	buf_release(&first);
	key_free(alice);
	key_free(bob);
	key_free(eve);
	store_free(s);
}

/* Records that go away (the branch moved back, as after a reset or a
 * rewritten history) leave the cache as they left the registry. */
static void deletions(void)
{
	struct store *s = registry();
	struct key *alice = NULL;
	struct index *ix = NULL;
	uint8_t c[2][32], key[32];
	struct buf want = BUF_INIT, got = BUF_INIT;
	git_oid first;
	git_reference *ref = NULL;
	char *dir, hex[41];
	json_t *p;

	CHECK(s != NULL);
	memset(c[0], 0x21, 32);
	memset(c[1], 0x22, 32);
	memset(key, 9, sizeof(key));
	dir = xstrdup(store_path(s));
	CHECK(key_generate(&alice, "alice") == 0);
	CHECK(store_begin(s) == 0);
	CHECK(put(s, p = work(c[0], alice->did, "MIT"), alice) == 0);
	json_decref(p);
	CHECK(store_commit(s, alice, "one", hex) == 0);
	CHECK(git_oid_fromstr(&first, hex) == 0);
	CHECK(index_load(&ix, s, NULL) == 0);
	dump(&want, ix, c, 2);
	index_free(ix);
	CHECK(store_begin(s) == 0);
	CHECK(put(s, p = work(c[1], alice->did, "MIT"), alice) == 0);
	json_decref(p);
	CHECK(put(s, p = optout(c[0], alice->did, "ai_training"), alice) == 0);
	json_decref(p);
	CHECK(store_commit(s, alice, "two", hex) == 0);
	CHECK(index_load(&ix, s, key) == 0); /* the cache: at "two" */
	dump(&got, ix, c, 2);
	index_free(ix);
	CHECK(strstr(got.ptr, "1 claim") && strstr(got.ptr, "0 optout"));
	/* back to "one" */
	CHECK(git_reference_create(&ref, store_repo(s), "refs/heads/main", &first,
				   1, "rewind") == 0);
	git_reference_free(ref);
	store_free(s);
	CHECK(store_open(&s, dir) == 0);
	CHECK(index_load(&ix, s, key) == 0);
	dump(&got, ix, c, 2);
	index_free(ix);
	CHECK_STR(got.ptr, want.ptr);
	buf_release(&want);
	buf_release(&got);
	key_free(alice);
	store_free(s);
	free(dir);
}

/* Entries are parsed with every length checked. */
static void parse(void)
{
	struct index *ix = NULL;
	static const uint8_t ok[] = "x\x03\0\0\0abc";
	static const uint8_t unterminated[] = "x\x03\0\0\0abcd";
	static const uint8_t long_len[] = "x\xff\0\0\0abc";
	static const uint8_t bad_type[] = "q\x03\0\0\0abc";
	static const uint8_t no_id[] = "w\x01\0\0\0p"
				       "\0AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
				       "\xff\xff\xff\xff";

	CHECK(index_parse(&ix, ok, sizeof(ok)) == 0);
	CHECK(index_rejected(ix) == 1);
	index_free(ix);
	CHECK(index_parse(&ix, unterminated, sizeof(unterminated) - 1) ==
	      PROV_EINVALID);
	CHECK(ix == NULL);
	CHECK(index_parse(&ix, long_len, sizeof(long_len) - 1) == PROV_EINVALID);
	CHECK(index_parse(&ix, bad_type, sizeof(bad_type) - 1) == PROV_EINVALID);
	CHECK(index_parse(&ix, no_id, sizeof(no_id) - 1) == PROV_EINVALID);
	CHECK(index_parse(&ix, "", 0) == 0);
	CHECK(index_rejected(ix) == 0);
	index_free(ix);
}

int main(void)
{
	RUN(claims_and_optouts);
	RUN(empty_registry);
	RUN(cache);
	RUN(deletions);
	RUN(parse);
	return unit_done();
}
