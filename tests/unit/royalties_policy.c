/* Royalty policies (royalties/policy.c): the defaults, a full policy, the
 * lookups, the normalised form a payout record holds, and each way a
 * policy can be wrong refused, naming what is wrong. */
#include <stdlib.h>

#include "royalties/royalties.h"
#include "unit.h"

#define DID_A	   "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"
#define DID_B	   "did:key:z6MkpTHR8VNsBxYAAWHut2Geadd9jSwuBV8xRoAnwWsdvktH"
#define ADDR_LOWER "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"
#define ADDR	   "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"

static json_t *parse(const char *s)
{
	json_t *v = NULL;

	if (json_parse(&v, s, strlen(s), "test"))
		abort();
	return v;
}

/* policy_parse of the JSON text s is refused, the message holding want. */
static int refused(const char *s, const char *want)
{
	json_t *v = parse(s);
	struct policy p;
	int rc = policy_parse(&p, v), ok;

	ok = rc == PROV_EINVALID && strstr(prov_error_last(), want);
	if (!ok)
		fprintf(stderr, "%s: rc %d, message '%s', wanted '%s'\n", s, rc,
			prov_error_last(), want);
	policy_release(&p);
	json_decref(v);
	return ok;
}

static void test_defaults(void)
{
	static const unsigned shares[ROLES] = {7000, 1000, 1000, 500, 500};
	static const char *const members[] = {
		"accounts",	"creator_weight", "licenses",
		"max_accounts", "minimum",	  "optouts_after_training",
		"parent",	"shares"};
	struct policy p;
	json_t *want;

	CHECK(policy_parse(&p, NULL) == 0);
	for (int r = 0; r < ROLES; r++)
		CHECK(p.shares[r] == shares[r]);
	CHECK(p.weight == WEIGHT_EQUAL);
	CHECK(p.parent_bps == 5000);
	CHECK(mpz_sgn(p.minimum) == 0);
	CHECK(p.max_accounts == 100000);
	CHECK(p.optouts_pay == 1);
	CHECK(p.other_bps == 10000 && p.nlicenses == 0);
	CHECK(p.naccounts == 0);
	CHECK(policy_license_bps(&p, "CC-BY-4.0") == 10000);
	CHECK(policy_license_bps(&p, NULL) == 10000);
	CHECK(policy_account(&p, DID_A) == NULL);
	CHECK(json_object_size(p.json) == sizeof(members) / sizeof(*members));
	for (size_t i = 0; i < sizeof(members) / sizeof(*members); i++)
		CHECK(json_object_get(p.json, members[i]));
	want = parse("{\"accounts\":{},\"creator_weight\":\"equal\","
		     "\"licenses\":{\"*\":10000},\"max_accounts\":100000,"
		     "\"minimum\":\"0\",\"optouts_after_training\":\"pay\","
		     "\"parent\":5000,\"shares\":{\"creators\":7000,"
		     "\"curators\":1000,\"provider\":1000,\"owner\":500,"
		     "\"treasury\":500}}");
	CHECK(json_equal(want, p.json));
	json_decref(want);
	policy_release(&p);
	/* an empty object is the default policy too */
	want = parse("{}");
	CHECK(policy_parse(&p, want) == 0);
	json_decref(want);
	CHECK(p.shares[ROLE_CREATORS] == 7000 && p.max_accounts == 100000);
	policy_release(&p);
}

static void test_full(void)
{
	static const char text[] =
		"{\"shares\": {\"creators\": 6000, \"curators\": 1000, "
		"\"provider\": 1000, \"owner\": 1000, \"treasury\": 1000},"
		" \"creator_weight\": \"bytes\", \"licenses\": {\"CC0-1.0\": "
		"5000, "
		"\"CC-BY-4.0\": 10000, \"MIT\": 0}, \"parent\": 2500,"
		" \"optouts_after_training\": \"treasury\", \"minimum\": "
		"\"1000000\", \"max_accounts\": 1000, \"accounts\": {\"" DID_B
		"\": \"eip155:1:" ADDR_LOWER "\", \"" DID_A "\": "
		"\"eip155:31337:0x0000000000000000000000000000000000000003\"}}";
	json_t *v = parse(text), *copy = json_deep_copy(v);
	const struct account *a;
	struct policy p, again;

	CHECK(policy_parse(&p, v) == 0);
	/* the input is not changed */
	CHECK(json_equal(v, copy));
	CHECK(p.shares[ROLE_CREATORS] == 6000 && p.shares[ROLE_OWNER] == 1000 &&
	      p.shares[ROLE_TREASURY] == 1000);
	CHECK(p.weight == WEIGHT_BYTES);
	CHECK(p.parent_bps == 2500);
	CHECK(p.optouts_pay == 0);
	CHECK(mpz_cmp_ui(p.minimum, 1000000) == 0);
	CHECK(p.max_accounts == 1000);
	/* licenses: listed, listed at zero, unlisted, and no "*" given */
	CHECK(p.nlicenses == 3);
	CHECK(policy_license_bps(&p, "CC0-1.0") == 5000);
	CHECK(policy_license_bps(&p, "CC-BY-4.0") == 10000);
	CHECK(policy_license_bps(&p, "MIT") == 0);
	CHECK(policy_license_bps(&p, "GPL-3.0-only") == 10000);
	CHECK(policy_license_bps(&p, "cc0-1.0") == 10000);
	CHECK(json_integer_value(json_object_get(
		      json_object_get(p.json, "licenses"), "*")) == 10000);
	/* accounts: looked up by DID, normalised in p.json */
	CHECK(p.naccounts == 2);
	CHECK((a = policy_account(&p, DID_B)) != NULL);
	CHECK(a->chain_id == 1);
	CHECK_STR(a->text, "eip155:1:" ADDR);
	CHECK((a = policy_account(&p, DID_A)) != NULL);
	CHECK(a->chain_id == 31337 && a->addr[19] == 3);
	CHECK(policy_account(&p, "did:key:z6Mknone") == NULL);
	CHECK(policy_account(&p, NULL) == NULL);
	CHECK_STR(json_string_value(json_object_get(
			  json_object_get(p.json, "accounts"), DID_B)),
		  "eip155:1:" ADDR);
	/* the normalised form parses to itself */
	CHECK(policy_parse(&again, p.json) == 0);
	CHECK(json_equal(again.json, p.json));
	policy_release(&again);
	policy_release(&p);
	json_decref(v);
	json_decref(copy);

	/* "*" given: unlisted licenses weigh that */
	v = parse("{\"licenses\": {\"*\": 0, \"CC0-1.0\": 2000}}");
	CHECK(policy_parse(&p, v) == 0);
	CHECK(p.nlicenses == 1 && p.other_bps == 0);
	CHECK(policy_license_bps(&p, "CC0-1.0") == 2000);
	CHECK(policy_license_bps(&p, "MIT") == 0);
	CHECK(policy_license_bps(&p, NULL) == 0);
	policy_release(&p);
	json_decref(v);

	/* a share may be zero; a role left out is zero */
	v = parse("{\"shares\": {\"creators\": 10000, \"treasury\": 0}, "
		  "\"creator_weight\": \"curator\", \"minimum\": \"0\", "
		  "\"max_accounts\": 100000000}");
	CHECK(policy_parse(&p, v) == 0);
	CHECK(p.shares[ROLE_CREATORS] == 10000 && p.shares[ROLE_OWNER] == 0);
	CHECK(p.weight == WEIGHT_CURATOR && p.max_accounts == 100000000);
	policy_release(&p);
	json_decref(v);
}

static void test_refused(void)
{
	CHECK(refused("{\"shares\": {\"creators\": 7000}}",
		      "policy: shares sum to 7000 basis points, not 10000"));
	CHECK(refused("{\"shares\": {\"creators\": 7000, \"curators\": 1000, "
		      "\"provider\": 1000, \"owner\": 500, \"treasury\": 501}}",
		      "shares sum to 10001 basis points"));
	CHECK(refused("{\"shares\": {\"creators\": 9000, \"artists\": 1000}}",
		      "policy: unknown share 'artists'"));
	CHECK(refused("{\"shares\": {\"creators\": 10001, \"owner\": -1}}",
		      "share 'creators' is not a whole number of basis "
		      "points from 0 to 10000"));
	CHECK(refused("{\"shares\": {\"owner\": -1, \"creators\": 10001}}",
		      "share 'owner' is not a whole number"));
	CHECK(refused("{\"shares\": {\"creators\": 9999.5, \"owner\": 0.5}}",
		      "share 'creators' is not a whole number"));
	CHECK(refused("{\"shares\": {\"creators\": \"10000\"}}",
		      "share 'creators' is not a whole number"));
	CHECK(refused("{\"shares\": [10000]}",
		      "policy: 'shares' is not an object"));
	CHECK(refused("{\"parent\": 10001}", "policy: 'parent' is not a whole "
					     "number of basis points"));
	CHECK(refused("{\"parent\": -1}", "'parent' is not a whole number"));
	CHECK(refused("{\"parent\": 50.0}", "'parent' is not a whole number"));
	CHECK(refused("{\"licenses\": {\"MIT\": 10001}}",
		      "policy: license 'MIT' is not a whole number"));
	CHECK(refused("{\"licenses\": {\"*\": -5}}",
		      "policy: license '*' is not a whole number"));
	CHECK(refused("{\"licenses\": {\"\": 5}}",
		      "policy: an empty license name"));
	CHECK(refused("{\"licenses\": []}",
		      "policy: 'licenses' is not an object"));
	CHECK(refused("{\"minimun\": \"10\"}",
		      "policy: unknown member 'minimun'"));
	CHECK(refused("{\"shares\": {\"creators\": 10000}, \"extra\": 1}",
		      "policy: unknown member 'extra'"));
	CHECK(refused("{\"creator_weight\": \"size\"}",
		      "policy: 'creator_weight' is not \"equal\", \"bytes\" or "
		      "\"curator\""));
	CHECK(refused("{\"creator_weight\": \"Equal\"}",
		      "'creator_weight' is not"));
	CHECK(refused("{\"creator_weight\": 0}", "'creator_weight' is not"));
	CHECK(refused("{\"optouts_after_training\": \"burn\"}",
		      "policy: 'optouts_after_training' is not \"pay\" or "
		      "\"treasury\""));
	CHECK(refused("{\"optouts_after_training\": true}",
		      "'optouts_after_training' is not"));
	CHECK(refused("{\"minimum\": \"-1\"}",
		      "policy: 'minimum': amount '-1': negative"));
	CHECK(refused("{\"minimum\": \"01\"}",
		      "policy: 'minimum': amount '01': a leading zero"));
	CHECK(refused("{\"minimum\": 10}",
		      "policy: 'minimum' is not a string of base units"));
	CHECK(refused("{\"minimum\": \"1.5\"}", "policy: 'minimum': amount"));
	CHECK(refused("{\"max_accounts\": 0}",
		      "policy: 'max_accounts' is not a whole number from 1 to "
		      "100000000"));
	CHECK(refused("{\"max_accounts\": 100000001}",
		      "'max_accounts' is not a whole number"));
	CHECK(refused("{\"max_accounts\": \"10\"}",
		      "'max_accounts' is not a whole number"));
	CHECK(refused("{\"accounts\": {\"" DID_A "\": \"" ADDR "\"}}",
		      "policy: account of " DID_A));
	CHECK(refused("{\"accounts\": {\"" DID_A "\": \"eip155:1:0x1234\"}}",
		      "policy: account of " DID_A));
	CHECK(refused(
		"{\"accounts\": {\"" DID_A
		"\": \"eip155:1:0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD\"}}",
		"policy: account of " DID_A));
	CHECK(refused("{\"accounts\": {\"" DID_A "\": 1}}",
		      "policy: account of " DID_A " is not a string"));
	CHECK(refused("{\"accounts\": {\"alice\": \"eip155:1:" ADDR "\"}}",
		      "policy: account holder 'alice' is not a DID"));
	CHECK(refused("{\"accounts\": [\"eip155:1:" ADDR "\"]}",
		      "policy: 'accounts' is not an object"));
	CHECK(refused("[]", "policy: not a JSON object"));
	/* values json_parse does not give at the top, built here */
	{
		json_t *odd[] = {json_string("default"), json_null(),
				 json_integer(1)};
		struct policy p;

		for (size_t i = 0; i < sizeof(odd) / sizeof(*odd); i++) {
			CHECK(policy_parse(&p, odd[i]) == PROV_EINVALID);
			CHECK(strstr(prov_error_last(),
				     "policy: not a JSON object"));
			policy_release(&p);
			json_decref(odd[i]);
		}
	}
}

int main(void)
{
	RUN(test_defaults);
	RUN(test_full);
	RUN(test_refused);
	return unit_done();
}
