/* Royalty policies (docs/royalties.md, "The policy"): who gets which share
 * of revenue, how creators' share is weighted, and the ledger's limits.
 * A policy moves money, so a member this reader does not know is an error,
 * not something to skip: a misspelt "minimum" must not pass as the
 * default. The normalised form (every member, defaults filled in) is what
 * a payout record holds, so a batch says exactly how it was computed. */
#include <stdlib.h>
#include <string.h>

#include "royalties/royalties.h"

const char *const role_names[ROLES] = {"creators", "curators", "provider",
				       "owner", "treasury"};

static const unsigned default_shares[ROLES] = {7000, 1000, 1000, 500, 500};
#define DEFAULT_PARENT_BPS   5000
#define DEFAULT_MAX_ACCOUNTS 100000
#define MAX_ACCOUNTS_MAX     100000000

static const char *const weight_names[] = {"equal", "bytes", "curator"};

void policy_release(struct policy *p)
{
	free(p->licenses);
	free(p->accounts);
	json_decref(p->json);
	mpz_clear(p->minimum);
	memset(p, 0, sizeof(*p));
}

/* A basis-point integer member, 0 to 10000. */
static int bps_of(unsigned *out, const json_t *v, const char *what)
{
	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > 10000)
		return prov_error_set(PROV_EINVALID,
				      "policy: %s is not a whole number of "
				      "basis points from 0 to 10000",
				      what);
	*out = (unsigned)json_integer_value(v);
	return 0;
}

static int shares_of(struct policy *p, const json_t *v)
{
	const char *key;
	json_t *e;
	unsigned sum = 0;
	int rc;

	if (!json_is_object(v))
		return prov_error_set(PROV_EINVALID,
				      "policy: 'shares' is not an object");
	for (int r = 0; r < ROLES; r++)
		p->shares[r] = 0;
	json_object_foreach((json_t *)v, key, e) {
		int r = 0;
		char what[64];

		while (r < ROLES && strcmp(role_names[r], key))
			r++;
		if (r == ROLES)
			return prov_error_set(PROV_EINVALID,
					      "policy: unknown share '%s' "
					      "(expected creators, curators, "
					      "provider, owner or treasury)",
					      key);
		snprintf(what, sizeof(what), "share '%s'", key);
		if ((rc = bps_of(&p->shares[r], e, what)))
			return rc;
		sum += p->shares[r];
	}
	if (sum != 10000)
		return prov_error_set(PROV_EINVALID,
				      "policy: shares sum to %u basis points, "
				      "not 10000",
				      sum);
	return 0;
}

static int license_cmp(const void *a, const void *b)
{
	return strcmp(((const struct policy_license *)a)->license,
		      ((const struct policy_license *)b)->license);
}

static int licenses_of(struct policy *p, const json_t *v)
{
	const char *key;
	json_t *e;
	int rc;

	if (!json_is_object(v))
		return prov_error_set(PROV_EINVALID,
				      "policy: 'licenses' is not an object");
	p->licenses = xcalloc(json_object_size(v) + 1, sizeof(*p->licenses));
	json_object_foreach((json_t *)v, key, e) {
		char what[300];
		unsigned bps;

		snprintf(what, sizeof(what), "license '%.256s'", key);
		if ((rc = bps_of(&bps, e, what)))
			return rc;
		if (!strcmp(key, "*")) {
			p->other_bps = bps;
			continue;
		}
		if (!*key)
			return prov_error_set(PROV_EINVALID,
					      "policy: an empty license name");
		p->licenses[p->nlicenses++] =
			(struct policy_license){.license = key, .bps = bps};
	}
	qsort(p->licenses, p->nlicenses, sizeof(*p->licenses), license_cmp);
	return 0;
}

static int account_cmp(const void *a, const void *b)
{
	return strcmp(((const struct policy_account *)a)->did,
		      ((const struct policy_account *)b)->did);
}

/* did -> CAIP-10 account; each account rewritten in its normal spelling. */
static int accounts_of(struct policy *p, json_t *v)
{
	const char *key;
	json_t *e;

	if (!json_is_object(v))
		return prov_error_set(PROV_EINVALID,
				      "policy: 'accounts' is not an object");
	p->accounts = xcalloc(json_object_size(v) + 1, sizeof(*p->accounts));
	json_object_foreach(v, key, e) {
		struct policy_account *a = &p->accounts[p->naccounts];

		if (strncmp(key, "did:", 4))
			return prov_error_set(
				PROV_EINVALID,
				"policy: account holder '%.80s' is "
				"not a DID",
				key);
		if (!json_is_string(e) ||
		    account_parse(&a->account, json_string_value(e)))
			return json_is_string(e)
				       ? prov_error_wrap(
						 "policy: account of %s", key)
				       : prov_error_set(PROV_EINVALID,
							"policy: account of %s "
							"is not a string",
							key);
		json_object_set_new(v, key, json_string(a->account.text));
		a->did = key;
		p->naccounts++;
	}
	qsort(p->accounts, p->naccounts, sizeof(*p->accounts), account_cmp);
	return 0;
}

static int weight_of(struct policy *p, const json_t *v)
{
	const char *s = json_string_value(v);

	for (size_t i = 0; s && i < 3; i++)
		if (!strcmp(s, weight_names[i])) {
			p->weight = (enum creator_weight)i;
			return 0;
		}
	return prov_error_set(PROV_EINVALID,
			      "policy: 'creator_weight' is not \"equal\", "
			      "\"bytes\" or \"curator\"");
}

static int optouts_of(struct policy *p, const json_t *v)
{
	const char *s = json_string_value(v);

	if (s && (!strcmp(s, "pay") || !strcmp(s, "treasury"))) {
		p->optouts_pay = !strcmp(s, "pay");
		return 0;
	}
	return prov_error_set(PROV_EINVALID,
			      "policy: 'optouts_after_training' is not \"pay\" "
			      "or \"treasury\"");
}

static int limits_of(struct policy *p, const json_t *minimum, const json_t *max)
{
	const char *s = json_string_value(minimum);

	if (!s)
		return prov_error_set(PROV_EINVALID,
				      "policy: 'minimum' is not a string of "
				      "base units");
	if (amount_parse_units(p->minimum, s))
		return prov_error_wrap("policy: 'minimum'");
	if (!json_is_integer(max) || json_integer_value(max) < 1 ||
	    json_integer_value(max) > MAX_ACCOUNTS_MAX)
		return prov_error_set(PROV_EINVALID,
				      "policy: 'max_accounts' is not a whole "
				      "number from 1 to %d",
				      MAX_ACCOUNTS_MAX);
	p->max_accounts = (size_t)json_integer_value(max);
	return 0;
}

/* The default policy, which a given one is laid over member by member. */
static json_t *defaults(void)
{
	json_t *shares = json_object();

	for (int r = 0; r < ROLES; r++)
		json_object_set_new(shares, role_names[r],
				    json_integer(default_shares[r]));
	return json_pack("{s:{}, s:s, s:{s:i}, s:i, s:s, s:s, s:i, s:o}",
			 "accounts", "creator_weight", "equal", "licenses", "*",
			 10000, "max_accounts", DEFAULT_MAX_ACCOUNTS, "minimum",
			 "0", "optouts_after_training", "pay", "parent",
			 DEFAULT_PARENT_BPS, "shares", shares);
}

int policy_parse(struct policy *out, const json_t *v)
{
	json_t *j = defaults(), *e;
	const char *key;
	int rc;

	memset(out, 0, sizeof(*out));
	mpz_init(out->minimum);
	out->json = j;
	out->other_bps = 10000;
	if (v && !json_is_object(v))
		return prov_error_set(PROV_EINVALID,
				      "policy: not a JSON object");
	if (v)
		json_object_foreach((json_t *)v, key, e) {
			if (!json_object_get(j, key))
				return prov_error_set(
					PROV_EINVALID,
					"policy: unknown member '%.80s' (see "
					"docs/royalties.md, \"The policy\")",
					key);
			json_object_set(j, key, e);
		}
	/* "*" always says what unlisted licenses weigh */
	e = json_object_get(j, "licenses");
	if (json_is_object(e) && !json_object_get(e, "*")) {
		json_object_set_new(j, "licenses", json_deep_copy(e));
		json_object_set_new(json_object_get(j, "licenses"), "*",
				    json_integer(10000));
	}
	json_object_set_new(j, "accounts",
			    json_deep_copy(json_object_get(j, "accounts")));
	if ((rc = shares_of(out, json_object_get(j, "shares"))) ||
	    (rc = weight_of(out, json_object_get(j, "creator_weight"))) ||
	    (rc = licenses_of(out, json_object_get(j, "licenses"))) ||
	    (rc = bps_of(&out->parent_bps, json_object_get(j, "parent"),
			 "'parent'")) ||
	    (rc = optouts_of(out,
			     json_object_get(j, "optouts_after_training"))) ||
	    (rc = limits_of(out, json_object_get(j, "minimum"),
			    json_object_get(j, "max_accounts"))))
		return rc;
	return accounts_of(out, json_object_get(j, "accounts"));
}

unsigned policy_license_bps(const struct policy *p, const char *license)
{
	struct policy_license key = {.license = license};
	const struct policy_license *l =
		license ? bsearch(&key, p->licenses, p->nlicenses, sizeof(key),
				  license_cmp)
			: NULL;

	return l ? l->bps : p->other_bps;
}

const struct account *policy_account(const struct policy *p, const char *did)
{
	struct policy_account key = {.did = did};
	const struct policy_account *a =
		did ? bsearch(&key, p->accounts, p->naccounts, sizeof(key),
			      account_cmp)
		    : NULL;

	return a ? &a->account : NULL;
}
