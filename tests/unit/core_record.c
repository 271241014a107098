/* Records: the DSSE pre-authentication encoding, the create/parse round
 * trip, ids (the SHA-256 of the canonical payload, computed here from
 * literal JSON, not by our encoder), what parsing and verification refuse,
 * where records are stored, and work payloads. */
#include <stdlib.h>

#include "unit.h"

#define LICENSE_TYPE "application/vnd.prov.license.v1+json"

/* The canonical form of license_payload(), written out by hand, and its
 * SHA-256 (from sha256sum). */
#define LICENSE_JCS                                                            \
	"{\"kind\":\"license\",\"name\":\"CC-BY-4.0\",\"note\":\"hello\","     \
	"\"terms\":{\"a\":[1,\"x\"],\"b\":2},\"version\":4}"
#define LICENSE_HEX                                                            \
	"c076bba0cf72d334226770812b647ad20b8f193edbc5f93296a3a221f549ab4d"

static json_t *license_payload(void)
{
	/* members out of order, so canonicalization has work to do */
	return json_pack("{s:i, s:{s:i, s:[i,s]}, s:s, s:s, s:s}", "version", 4,
			 "terms", "b", 2, "a", 1, "x", "note", "hello", "name",
			 "CC-BY-4.0", "kind", "license");
}

static void pae(void)
{
	/* the example in the DSSE specification (protocol.md) */
	static const char want[] =
		"DSSEv1 29 http://example.com/HelloWorld 11 hello world";
	static const char want_bin[] = "DSSEv1 1 t 3 a\0b";
	struct buf out = BUF_INIT;

	CHECK(dsse_pae(&out, "http://example.com/HelloWorld", "hello world",
		       11) == 0);
	CHECK(out.len == sizeof(want) - 1);
	CHECK(memcmp(out.ptr, want, out.len) == 0);
	/* lengths count bytes, and the body is copied as it is */
	buf_clear(&out);
	CHECK(dsse_pae(&out, "t", "a\0b", 3) == 0);
	CHECK(out.len == sizeof(want_bin) - 1);
	CHECK(memcmp(out.ptr, want_bin, out.len) == 0);
	buf_clear(&out);
	CHECK(dsse_pae(&out, "", "", 0) == 0);
	CHECK_STR(out.ptr, "DSSEv1 0  0 ");
	buf_release(&out);
}

static void round_trip(void)
{
	struct key *k = NULL, *k2 = NULL;
	json_t *p = license_payload();
	struct buf env = BUF_INIT, env2 = BUF_INIT, b64 = BUF_INIT,
		   pae_buf = BUF_INIT;
	struct record *r = NULL;
	char id[RECORD_ID_MAX], id2[RECORD_ID_MAX], *prefix = NULL;

	CHECK(key_generate(&k, "alice") == 0);
	CHECK(record_create(&env, id, p, k) == 0);
	CHECK_STR(id, "sha256:" LICENSE_HEX);
	CHECK(record_parse(&r, env.ptr, env.len) == 0);
	CHECK_STR(r->id, id);
	CHECK_STR(r->kind, "license");
	CHECK(json_equal(r->payload, p));
	CHECK_STR(r->env.payload_type, LICENSE_TYPE);
	CHECK(r->env.payload.len == strlen(LICENSE_JCS));
	CHECK(memcmp(r->env.payload.ptr, LICENSE_JCS, r->env.payload.len) == 0);
	CHECK(r->env.nsigs == 1);
	CHECK_STR(r->env.sigs[0].keyid, k->did);
	CHECK(r->raw.len == env.len && !memcmp(r->raw.ptr, env.ptr, env.len));
	CHECK(record_verify(r) == 0);

	/* the envelope is canonical JSON itself, members in order */
	CHECK(base64_encode(&b64, (const uint8_t *)LICENSE_JCS,
			    strlen(LICENSE_JCS)) == 0);
	prefix = xasprintf("{\"payload\":\"%s\",\"payloadType\":\"" LICENSE_TYPE
			   "\",\"signatures\":[{\"keyid\":\"%s\",\"sig\":\"",
			   b64.ptr, k->did);
	CHECK(!strncmp(env.ptr, prefix, strlen(prefix)));
	CHECK(env.len == strlen(prefix) + 88 + 4); /* 64 bytes, then "}]}" */
	CHECK_STR(env.ptr + env.len - 4, "\"}]}");

	/* the signature is Ed25519 over the PAE, built here by hand */
	buf_printf(&pae_buf, "DSSEv1 %zu %s %zu %s", strlen(LICENSE_TYPE),
		   LICENSE_TYPE, strlen(LICENSE_JCS), LICENSE_JCS);
	CHECK(ed25519_verify(r->env.sigs[0].sig, k->pk, pae_buf.ptr,
			     pae_buf.len) == 0);
	CHECK(ed25519_verify(r->env.sigs[0].sig, k->pk, LICENSE_JCS,
			     strlen(LICENSE_JCS)) == PROV_EVERIFY);

	/* the id names the claim: another signer, the same id */
	CHECK(key_generate(&k2, "bob") == 0);
	CHECK(record_create(&env2, id2, p, k2) == 0);
	CHECK_STR(id2, id);
	CHECK(env2.len != env.len || memcmp(env2.ptr, env.ptr, env.len));

	record_free(r);
	key_free(k);
	key_free(k2);
	json_decref(p);
	buf_release(&env);
	buf_release(&env2);
	buf_release(&b64);
	buf_release(&pae_buf);
	free(prefix);
}

static void create_refuses(void)
{
	struct key *k = NULL;
	struct buf env = BUF_INIT;
	char id[RECORD_ID_MAX];
	json_t *p;

	CHECK(key_generate(&k, "alice") == 0);
	p = json_pack("{s:s}", "kind", "bogus");
	CHECK(record_create(&env, id, p, k) == PROV_EINVALID);
	json_decref(p);
	p = json_pack("{s:s}", "name", "no kind");
	CHECK(record_create(&env, id, p, k) == PROV_EINVALID);
	json_decref(p);
	p = json_pack("{s:i}", "kind", 1);
	CHECK(record_create(&env, id, p, k) == PROV_EINVALID);
	json_decref(p);
	CHECK(env.len == 0);
	CHECK(record_kind_valid("work") && record_kind_valid("payout"));
	CHECK(!record_kind_valid("Work") && !record_kind_valid("") &&
	      !record_kind_valid("works"));
	key_free(k);
}

/* Re-encodes an envelope after changing one byte: of the signature
 * (what == 's'), of the payload ('p': "hello" becomes "jello"), or
 * replacing the keyid with did ('k'). */
static int tamper(struct buf *out, const struct buf *env, char what,
		  const char *did)
{
	json_t *doc = NULL, *sig;
	struct buf b64 = BUF_INIT;
	uint8_t raw[4096];
	size_t n = 0;
	char *hit;
	int rc = -1;

	buf_clear(out);
	if (json_parse(&doc, env->ptr, env->len, "test"))
		return -1;
	sig = json_array_get(json_object_get(doc, "signatures"), 0);
	if (what == 's') {
		const char *s = json_string_value(json_object_get(sig, "sig"));
		if (!s || base64_decode(raw, sizeof(raw), &n, s, strlen(s)) ||
		    n != 64)
			goto done;
		raw[17] ^= 0x01;
		base64_encode(&b64, raw, n);
		json_object_set_new(sig, "sig", json_string(b64.ptr));
	} else if (what == 'p') {
		const char *s =
			json_string_value(json_object_get(doc, "payload"));
		if (!s || base64_decode(raw, sizeof(raw) - 1, &n, s, strlen(s)))
			goto done;
		raw[n] = '\0';
		if (!(hit = strstr((char *)raw, "hello")))
			goto done;
		hit[0] = 'j';
		base64_encode(&b64, raw, n);
		json_object_set_new(doc, "payload", json_string(b64.ptr));
	} else {
		json_object_set_new(sig, "keyid", json_string(did));
	}
	rc = jcs_encode(out, doc);
done:
	json_decref(doc);
	buf_release(&b64);
	return rc;
}

static void verify_detects_tampering(void)
{
	struct key *k = NULL, *other = NULL;
	json_t *p = license_payload();
	struct buf env = BUF_INIT, bad = BUF_INIT;
	struct record *r = NULL;
	char id[RECORD_ID_MAX];

	CHECK(key_generate(&k, "alice") == 0);
	CHECK(key_generate(&other, "mallory") == 0);
	CHECK(record_create(&env, id, p, k) == 0);

	/* a re-encoding with nothing changed still verifies */
	CHECK(tamper(&bad, &env, 'k', k->did) == 0);
	CHECK(record_parse(&r, bad.ptr, bad.len) == 0);
	CHECK(record_verify(r) == 0);
	record_free(r);
	r = NULL;

	/* one bit of the signature */
	CHECK(tamper(&bad, &env, 's', NULL) == 0);
	CHECK(record_parse(&r, bad.ptr, bad.len) == 0);
	CHECK_STR(r->id, id);
	CHECK(record_verify(r) == PROV_EVERIFY);
	CHECK(strstr(prov_error_last(), id) != NULL);
	record_free(r);
	r = NULL;

	/* one byte of the payload: still canonical, a different claim, and
	 * the signature does not cover it */
	CHECK(tamper(&bad, &env, 'p', NULL) == 0);
	CHECK(record_parse(&r, bad.ptr, bad.len) == 0);
	CHECK(strcmp(r->id, id) != 0);
	CHECK_STR(json_string_value(json_object_get(r->payload, "note")),
		  "jello");
	CHECK(record_verify(r) == PROV_EVERIFY);
	record_free(r);
	r = NULL;

	/* the signature claimed by another key */
	CHECK(tamper(&bad, &env, 'k', other->did) == 0);
	CHECK(record_parse(&r, bad.ptr, bad.len) == 0);
	CHECK(record_verify(r) == PROV_EVERIFY);
	CHECK(strstr(prov_error_last(), other->did) != NULL);
	record_free(r);
	r = NULL;

	key_free(k);
	key_free(other);
	json_decref(p);
	buf_release(&env);
	buf_release(&bad);
}

/* A validly signed envelope around any bytes, to see what record_parse
 * says about them. */
static int parse_signed(const char *type, const char *payload,
			const struct key *k)
{
	struct buf env = BUF_INIT;
	struct record *r = NULL;
	int rc;

	if ((rc = dsse_sign(&env, type, payload, strlen(payload), k)))
		return 1000 + rc;
	rc = record_parse(&r, env.ptr, env.len);
	if (!rc && r == NULL)
		rc = 2000;
	if (rc && r != NULL)
		rc = 3000;
	record_free(r);
	buf_release(&env);
	return rc;
}

static void parse_refuses(void)
{
	struct key *k = NULL;
	struct record *r = NULL;

	CHECK(key_generate(&k, "alice") == 0);
	CHECK(parse_signed(LICENSE_TYPE, "{\"kind\":\"license\",\"n\":1}", k) ==
	      0);
	/* not canonical: whitespace, member order, escapes */
	CHECK(parse_signed(LICENSE_TYPE, "{\"kind\":\"license\", \"n\":1}",
			   k) == PROV_EVERIFY);
	CHECK(strstr(prov_error_last(), "canonical") != NULL);
	CHECK(parse_signed(LICENSE_TYPE, "{\"n\":1,\"kind\":\"license\"}", k) ==
	      PROV_EVERIFY);
	CHECK(strstr(prov_error_last(), "canonical") != NULL);
	CHECK(parse_signed(LICENSE_TYPE, "{\"kind\":\"licens\\u0065\"}", k) ==
	      PROV_EVERIFY);
	CHECK(strstr(prov_error_last(), "canonical") != NULL);
	CHECK(parse_signed(LICENSE_TYPE, "{\"kind\":\"license\"}\n", k) ==
	      PROV_EVERIFY);
	/* kind and payloadType disagree */
	CHECK(parse_signed(LICENSE_TYPE, "{\"kind\":\"work\"}", k) ==
	      PROV_EINVALID);
	CHECK(parse_signed(LICENSE_TYPE, "{\"name\":\"no kind\"}", k) ==
	      PROV_EINVALID);
	CHECK(parse_signed(LICENSE_TYPE, "[\"license\"]", k) == PROV_EINVALID);
	CHECK(parse_signed(LICENSE_TYPE, "not json", k) == PROV_EINVALID);
	/* kinds and types we do not know */
	CHECK(parse_signed("application/vnd.prov.bogus.v1+json",
			   "{\"kind\":\"bogus\"}", k) == PROV_EINVALID);
	CHECK(strstr(prov_error_last(), "bogus") != NULL);
	CHECK(parse_signed("application/vnd.prov.license.v2+json",
			   "{\"kind\":\"license\"}", k) == PROV_EINVALID);
	CHECK(parse_signed("application/json", "{\"kind\":\"license\"}", k) ==
	      PROV_EINVALID);
	CHECK(parse_signed("application/vnd.prov..v1+json", "{\"kind\":\"\"}",
			   k) == PROV_EINVALID);
	CHECK(parse_signed("application/vnd.prov.v1+json", "{\"kind\":\"\"}",
			   k) == PROV_EINVALID);
	/* not an envelope */
	CHECK(record_parse(&r, "{}", 2) == PROV_EINVALID);
	CHECK(r == NULL);
	CHECK(record_parse(&r, "", 0) == PROV_EINVALID);
	CHECK(r == NULL);
	key_free(k);
}

/* ---- store paths and work records ---------------------------------------- */

#define CONTENT_HEX                                                            \
	"abcd02030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f"

static void cat_claim(struct work_claim *c)
{
	memset(c, 0, sizeof(*c));
	for (int i = 0; i < 32; i++)
		c->sha256[i] = (uint8_t)i;
	c->sha256[0] = 0xab;
	c->sha256[1] = 0xcd;
	c->size = 1234;
	c->name = "cat.jpg";
	c->media_type = "image/jpeg";
	c->license = "CC-BY-4.0";
	c->training[0] = "notAllowed"; /* ai_training */
	c->training[2] = "allowed";    /* data_mining */
}

static void paths(void)
{
	struct key *k = NULL;
	struct work_claim c;
	json_t *work = NULL, *lic = license_payload(), *bad = NULL;
	struct buf env = BUF_INIT, path = BUF_INIT;
	struct record *r = NULL;
	char id[RECORD_ID_MAX], *want = NULL;

	CHECK(key_generate(&k, "alice") == 0);
	cat_claim(&c);
	work = work_payload(&c, k->did, 1767323045);
	CHECK(record_create(&env, id, work, k) == 0);
	CHECK(record_parse(&r, env.ptr, env.len) == 0);
	CHECK(record_path(&path, r) == 0);
	want = xasprintf("works/ab/cd/" CONTENT_HEX "/%s.json", id + 7);
	CHECK_STR(path.ptr, want);
	CHECK(record_path_check(r, want) == 0);
	free(want);
	/* wrong places for it */
	want = xasprintf("works/ab/cd/" CONTENT_HEX "/%s.json", LICENSE_HEX);
	CHECK(record_path_check(r, want) == PROV_EVERIFY);
	free(want);
	want = xasprintf("works/cd/ab/" CONTENT_HEX "/%s.json", id + 7);
	CHECK(record_path_check(r, want) == PROV_EVERIFY);
	free(want);
	want = xasprintf("records/work/%.2s/%s.json", id + 7, id + 7);
	CHECK(record_path_check(r, want) == PROV_EVERIFY);
	CHECK(strstr(prov_error_last(), "belongs at 'works/ab/cd/") != NULL);
	free(want);
	want = xasprintf("/works/ab/cd/" CONTENT_HEX "/%s.json", id + 7);
	CHECK(record_path_check(r, want) == PROV_EVERIFY);
	free(want);
	CHECK(record_path_check(r, "") == PROV_EVERIFY);
	record_free(r);
	r = NULL;

	/* other kinds: records/<kind>/<first two of the id>/<id>.json */
	buf_clear(&env);
	buf_clear(&path);
	CHECK(record_create(&env, id, lic, k) == 0);
	CHECK(record_parse(&r, env.ptr, env.len) == 0);
	CHECK(record_path(&path, r) == 0);
	CHECK_STR(path.ptr, "records/license/c0/" LICENSE_HEX ".json");
	CHECK(record_path_check(r, path.ptr) == 0);
	CHECK(record_path_check(r, "records/license/c1/" LICENSE_HEX ".json") ==
	      PROV_EVERIFY);
	CHECK(record_path_check(r, "records/work/c0/" LICENSE_HEX ".json") ==
	      PROV_EVERIFY);
	CHECK(record_path_check(r, "records/license/c0/" LICENSE_HEX) ==
	      PROV_EVERIFY);

	/* a work without a usable content hash has no place */
	buf_clear(&path);
	bad = json_pack("{s:s, s:{s:s}}", "kind", "work", "content", "sha256",
			"abcd");
	CHECK(record_store_path(&path, "work", id, bad) == PROV_EINVALID);
	json_decref(bad);
	bad = json_pack("{s:s}", "kind", "work");
	CHECK(record_store_path(&path, "work", id, bad) == PROV_EINVALID);
	json_decref(bad);

	record_free(r);
	key_free(k);
	json_decref(work);
	json_decref(lic);
	buf_release(&env);
	buf_release(&path);
}

static void work_payload_fields(void)
{
	struct work_claim c;
	json_t *p = NULL;
	struct buf canon = BUF_INIT;
	const char *did =
		"did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK";
	char id[RECORD_ID_MAX], *want = NULL;
	uint8_t digest[32];

	cat_claim(&c);
	p = work_payload(&c, did, 1767323045);
	CHECK(p != NULL);
	CHECK(jcs_encode(&canon, p) == 0);
	want = xasprintf("{\"content\":{\"media_type\":\"image/jpeg\","
			 "\"name\":\"cat.jpg\",\"sha256\":\"" CONTENT_HEX
			 "\",\"size\":1234},\"created\":"
			 "\"2026-01-02T03:04:05Z\",\"creator\":\"%s\","
			 "\"kind\":\"work\",\"license\":\"CC-BY-4.0\","
			 "\"training\":{\"ai_training\":\"notAllowed\","
			 "\"data_mining\":\"allowed\"}}",
			 did);
	CHECK_STR(canon.ptr, want);
	free(want);
	json_decref(p);

	/* a payout, every training use, and a size past 32 bits */
	c.payout = "eip155:1:0x52908400098527886E0F7030069857D2E4169EE7";
	c.training[1] = "constrained";
	c.training[3] = "notAllowed";
	c.size = 5000000000ull;
	p = work_payload(&c, did, 0);
	buf_clear(&canon);
	CHECK(jcs_encode(&canon, p) == 0);
	want = xasprintf("{\"content\":{\"media_type\":\"image/jpeg\","
			 "\"name\":\"cat.jpg\",\"sha256\":\"" CONTENT_HEX
			 "\",\"size\":5000000000},\"created\":"
			 "\"1970-01-01T00:00:00Z\",\"creator\":\"%s\","
			 "\"kind\":\"work\",\"license\":\"CC-BY-4.0\","
			 "\"payout\":\"eip155:1:"
			 "0x52908400098527886E0F7030069857D2E4169EE7\","
			 "\"training\":{\"ai_generative_training\":"
			 "\"constrained\",\"ai_inference\":\"notAllowed\","
			 "\"ai_training\":\"notAllowed\",\"data_mining\":"
			 "\"allowed\"}}",
			 did);
	CHECK_STR(canon.ptr, want);
	/* its id is the hash of exactly those bytes */
	{
		struct key *k = NULL;
		struct buf env = BUF_INIT;
		char hex[65];

		CHECK(key_generate(&k, "alice") == 0);
		CHECK(record_create(&env, id, p, k) == 0);
		CHECK(sha256_buf(digest, want, strlen(want)) == 0);
		hex_encode(hex, digest, 32);
		CHECK(!strncmp(id, "sha256:", 7));
		CHECK_STR(id + 7, hex);
		key_free(k);
		buf_release(&env);
	}
	free(want);

	CHECK(training_use_index("ai_training") == 0);
	CHECK(training_use_index("ai_generative_training") == 1);
	CHECK(training_use_index("data_mining") == 2);
	CHECK(training_use_index("ai_inference") == 3);
	CHECK(training_use_index("AI_training") == -1);
	CHECK(training_use_index("") == -1);
	json_decref(p);
	buf_release(&canon);
}

static void same_claim(void)
{
	struct work_claim c, d;
	const char *did =
		"did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK";
	json_t *a, *b;

	cat_claim(&c);
	a = work_payload(&c, did, 1767323045);

#define COMPARE(expect, edit, who, when)                                       \
	do {                                                                   \
		d = c;                                                         \
		edit;                                                          \
		b = work_payload(&d, who, when);                               \
		if (work_same_claim(a, b) != (expect) ||                       \
		    work_same_claim(b, a) != (expect)) {                       \
			fprintf(stderr, "same_claim after '%s' is not %d\n",   \
				#edit, expect);                                \
			json_decref(b);                                        \
			json_decref(a);                                        \
			CHECK(0);                                              \
		}                                                              \
		json_decref(b);                                                \
	} while (0)

	CHECK(work_same_claim(a, a) == 1);
	/* the file's name and the time may differ */
	COMPARE(1, (void)0, did, 1767323045);
	COMPARE(1, d.name = "kitten.jpg", did, 1800000000);
	/* the claim may not */
	COMPARE(0, d.license = "MIT", did, 1767323045);
	COMPARE(0, d.license = "CC-BY-4.0 OR MIT", did, 1767323045);
	COMPARE(0, d.sha256[31] ^= 1, did, 1767323045);
	COMPARE(0, d.size = 1235, did, 1767323045);
	COMPARE(0,
		d.payout =
			"eip155:1:0x52908400098527886E0F7030069857D2E4169EE7",
		did, 1767323045);
	COMPARE(0, d.training[2] = NULL, did, 1767323045);
	COMPARE(0, d.training[2] = "notAllowed", did, 1767323045);
	COMPARE(0, d.training[3] = "allowed", did, 1767323045);
	COMPARE(0, (void)0,
		"did:key:z6MkiTBz1ymuepAQ4HEHYSF1H8quG5GLVVQR3djdX3mDooWp",
		1767323045);
#undef COMPARE
	json_decref(a);
}

/* A work names its creator; a record signed by anyone else is a forgery
 * even though its signature verifies. */
static void creator_must_sign(void)
{
	struct key *alice = NULL, *mallory = NULL;
	struct work_claim c = { .size = 1, .name = "x", .media_type = "text/plain",
				.license = "MIT" };
	struct buf env = BUF_INIT;
	struct record *r = NULL;
	char id[RECORD_ID_MAX];
	json_t *p;

	CHECK(key_generate(&alice, "alice") == 0);
	CHECK(key_generate(&mallory, "mallory") == 0);
	p = work_payload(&c, alice->did, 1700000000);
	CHECK(record_create(&env, id, p, mallory) == 0);
	CHECK(record_parse(&r, env.ptr, env.len) == 0);
	CHECK(dsse_verify(&r->env) == 0);
	CHECK(record_verify(r) == PROV_EVERIFY);
	CHECK(strstr(prov_error_last(), "creator") != NULL);
	CHECK(strstr(prov_error_last(), alice->did) != NULL);
	record_free(r);
	r = NULL;
	buf_clear(&env);
	CHECK(record_create(&env, id, p, alice) == 0);
	CHECK(record_parse(&r, env.ptr, env.len) == 0);
	CHECK(record_verify(r) == 0);
	/* a creator that is not a string is no one */
	json_object_set_new(r->payload, "creator", json_integer(7));
	CHECK(record_verify(r) == PROV_EVERIFY);
	record_free(r);
	json_decref(p);
	buf_release(&env);
	key_free(alice);
	key_free(mallory);
}

/* ---- run records: in-toto statements ------------------------------------ */

#define INTOTO_PREFIX "{\"_type\":\"https://in-toto.io/Statement/v1\","

static json_t *run_payload(const char *provider)
{
	return json_pack("{s:s, s:[{s:s, s:{s:s}}], s:s, s:{s:s, s:[]}}",
			 "_type", INTOTO_STATEMENT_TYPE, "subject", "name",
			 "model.safetensors", "digest", "sha256", CONTENT_HEX,
			 "predicateType", RUN_PREDICATE_TYPE, "predicate",
			 "provider", provider, "datasets");
}

static void run_round_trip(void)
{
	struct key *k = NULL;
	json_t *p = NULL;
	struct buf env = BUF_INIT, canon = BUF_INIT, path = BUF_INIT;
	struct record *r = NULL;
	char id[RECORD_ID_MAX], want[RECORD_ID_MAX], *where = NULL;
	uint8_t d[32];

	CHECK(key_generate(&k, "lab") == 0);
	p = run_payload(k->did);
	CHECK(record_create(&env, id, p, k) == 0);
	/* in-toto's own payloadType, so in-toto tooling reads it */
	CHECK(strstr(env.ptr, "\"payloadType\":\"application/vnd.in-toto+json\""));
	CHECK(record_parse(&r, env.ptr, env.len) == 0);
	CHECK_STR(r->kind, "run");
	CHECK_STR(r->env.payload_type, INTOTO_PAYLOAD_TYPE);
	CHECK(json_equal(r->payload, p));
	CHECK(!strncmp(r->env.payload.ptr, INTOTO_PREFIX, strlen(INTOTO_PREFIX)));
	CHECK(jcs_encode(&canon, p) == 0);
	CHECK(sha256_buf(d, canon.ptr, canon.len) == 0);
	sha256_id(want, d);
	CHECK_STR(r->id, want);
	CHECK_STR(id, want);
	CHECK(record_verify(r) == 0);
	CHECK(record_path(&path, r) == 0);
	where = xasprintf("records/run/%.2s/%s.json", id + 7, id + 7);
	CHECK_STR(path.ptr, where);
	record_free(r);
	json_decref(p);
	buf_release(&env);
	buf_release(&canon);
	buf_release(&path);
	free(where);
	key_free(k);
}

static void run_provider_must_sign(void)
{
	struct key *lab = NULL, *mallory = NULL;
	json_t *p = NULL;
	struct buf env = BUF_INIT;
	struct record *r = NULL;
	char id[RECORD_ID_MAX];

	CHECK(key_generate(&lab, "lab") == 0);
	CHECK(key_generate(&mallory, "mallory") == 0);
	p = run_payload(lab->did);
	CHECK(record_create(&env, id, p, mallory) == 0);
	CHECK(record_parse(&r, env.ptr, env.len) == 0);
	CHECK(dsse_verify(&r->env) == 0);
	CHECK(record_verify(r) == PROV_EVERIFY);
	CHECK(strstr(prov_error_last(), "predicate.provider") != NULL);
	CHECK(strstr(prov_error_last(), lab->did) != NULL);
	/* the format requires a provider: without one, no one vouches */
	json_object_del(json_object_get(r->payload, "predicate"), "provider");
	CHECK(record_verify(r) == PROV_EVERIFY);
	CHECK(strstr(prov_error_last(), "(none)") != NULL);
	json_object_set_new(r->payload, "predicate", json_string("x"));
	CHECK(record_verify(r) == PROV_EVERIFY);
	record_free(r);
	json_decref(p);
	buf_release(&env);
	key_free(lab);
	key_free(mallory);
}

static void run_refuses(void)
{
	static const char subj[] =
		"\"subject\":[{\"digest\":{\"sha256\":\"" CONTENT_HEX
		"\"},\"name\":\"m\"}]";
	struct key *k = NULL;
	struct buf env = BUF_INIT;
	char id[RECORD_ID_MAX], *s = NULL;
	json_t *p = NULL;

	CHECK(key_generate(&k, "lab") == 0);
	/* the reference */
	s = xasprintf(INTOTO_PREFIX "\"predicate\":{\"provider\":\"%s\"},"
				    "\"predicateType\":\"urn:prov:training-run:v1\",%s}",
		      k->did, subj);
	CHECK(parse_signed(INTOTO_PAYLOAD_TYPE, s, k) == 0);
	free(s);
	/* another predicate */
	s = xasprintf(INTOTO_PREFIX "\"predicate\":{},\"predicateType\":"
				    "\"https://slsa.dev/provenance/v1\",%s}",
		      subj);
	CHECK(parse_signed(INTOTO_PAYLOAD_TYPE, s, k) == PROV_EINVALID);
	CHECK(strstr(prov_error_last(), "predicateType") != NULL);
	CHECK(strstr(prov_error_last(), "slsa.dev") != NULL);
	free(s);
	s = xasprintf(INTOTO_PREFIX "\"predicate\":{},%s}", subj);
	CHECK(parse_signed(INTOTO_PAYLOAD_TYPE, s, k) == PROV_EINVALID);
	free(s);
	/* a kind as well: one claim, one spelling */
	s = xasprintf(INTOTO_PREFIX "\"kind\":\"run\",\"predicate\":{},"
				    "\"predicateType\":\"urn:prov:training-run:v1\",%s}",
		      subj);
	CHECK(parse_signed(INTOTO_PAYLOAD_TYPE, s, k) == PROV_EINVALID);
	CHECK(strstr(prov_error_last(), "'kind'") != NULL);
	free(s);
	/* no _type, or another statement version */
	s = xasprintf("{\"predicate\":{},\"predicateType\":"
		      "\"urn:prov:training-run:v1\",%s}",
		      subj);
	CHECK(parse_signed(INTOTO_PAYLOAD_TYPE, s, k) == PROV_EINVALID);
	CHECK(strstr(prov_error_last(), "_type") != NULL);
	free(s);
	s = xasprintf("{\"_type\":\"https://in-toto.io/Statement/v0.1\","
		      "\"predicate\":{},\"predicateType\":"
		      "\"urn:prov:training-run:v1\",%s}",
		      subj);
	CHECK(parse_signed(INTOTO_PAYLOAD_TYPE, s, k) == PROV_EINVALID);
	free(s);
	CHECK(parse_signed(INTOTO_PAYLOAD_TYPE, "[1]", k) == PROV_EINVALID);
	/* a run under prov's own payloadType */
	CHECK(parse_signed("application/vnd.prov.run.v1+json",
			   "{\"kind\":\"run\"}", k) == PROV_EINVALID);
	CHECK(strstr(prov_error_last(), "in-toto") != NULL);

	/* and record_create refuses to make any of those */
	p = json_pack("{s:s}", "kind", "run");
	CHECK(record_create(&env, id, p, k) == PROV_EINVALID);
	json_decref(p);
	p = run_payload(k->did);
	json_object_set_new(p, "predicateType", json_string("urn:other"));
	CHECK(record_create(&env, id, p, k) == PROV_EINVALID);
	json_object_set_new(p, "predicateType", json_string(RUN_PREDICATE_TYPE));
	json_object_set_new(p, "kind", json_string("run"));
	CHECK(record_create(&env, id, p, k) == PROV_EINVALID);
	json_object_del(p, "kind");
	json_object_set_new(p, "_type", json_string("https://in-toto.io/Statement/v0.1"));
	CHECK(record_create(&env, id, p, k) == PROV_EINVALID);
	CHECK(env.len == 0);
	json_decref(p);
	key_free(k);
}

int main(void)
{
	RUN(creator_must_sign);
	RUN(pae);
	RUN(round_trip);
	RUN(create_refuses);
	RUN(verify_detects_tampering);
	RUN(parse_refuses);
	RUN(paths);
	RUN(work_payload_fields);
	RUN(same_claim);
	RUN(run_round_trip);
	RUN(run_provider_must_sign);
	RUN(run_refuses);
	return unit_done();
}
