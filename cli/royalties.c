/* A payout batch from the registry (docs/royalties.md, "How a batch is
 * computed"): usage reports, each model's lineage to the works its runs
 * trained on, the policy's shares and weights, the ledger of carried
 * amounts. `prov royalties compute` writes what this finds; `prov
 * royalties verify` runs it again on a batch's own inputs and compares. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli/cli.h"
#include "cli/commands.h"
#include "license/license.h"
#include "manifest/manifest.h"
#include "royalties/royalties.h"

/* Weights of an item split among its works in equal parts; scaling every
 * creator weight by lcm(1..16) keeps each part whole. */
#define WORKS_PER_ITEM_MAX 16
#define SPLIT_SCALE	   720720u

struct compute {
	struct store *s;
	struct policy pol;
	struct asset asset;
	struct index *ix;
	struct alloc *alloc;
	json_t *works;	/* work id -> account text, or {"reason"} */
	json_t *report; /* key -> entry, sorted into an array at the end */
	json_t *usage;	/* ids of the usage records paid */
	mpz_t revenue;
	int decimals; /* -1 until the first usage record */
	size_t items; /* items met in the lineages */
	/* the dataset whose items are being walked */
	const char *dataset;
	unsigned uses;
};

/* ---- records --------------------------------------------------------------
 */

/* The record at path, parsed, where its id says, of kind, and signed by its
 * author. */
static int load_at(struct record **out, struct store *s, const char *path,
		   const char *kind, const char *id)
{
	struct buf data = BUF_INIT;
	struct record *r = NULL;
	int rc;

	*out = NULL;
	if ((rc = store_read(&data, s, path)))
		rc = prov_error_set(PROV_ENOTFOUND, "no %s record %s", kind,
				    id);
	else if ((rc = record_parse(&r, data.ptr, data.len)) ||
		 (rc = record_path_check(r, path)) || (rc = record_verify(r)))
		prov_error_wrap("%s record %s", kind, id);
	else if (strcmp(r->kind, kind))
		rc = prov_error_set(PROV_EINVALID,
				    "%s is a %s record, not a %s", id, r->kind,
				    kind);
	buf_release(&data);
	if (rc)
		record_free(r);
	else
		*out = r;
	return rc;
}

static int load(struct record **out, struct store *s, const char *kind,
		const char *id)
{
	struct buf path = BUF_INIT;
	int rc = record_store_path(&path, kind, id, NULL);

	*out = NULL;
	if (!rc)
		rc = load_at(out, s, path.ptr, kind, id);
	buf_release(&path);
	return rc;
}

static int get_model(json_t **payload, const char *id, void *arg)
{
	struct record *r = NULL;
	int rc = load(&r, arg, "model", id);

	if (!rc)
		*payload = json_incref(r->payload);
	record_free(r);
	return rc;
}

static const char *str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

/* ---- the report ------------------------------------------------------------
 */

static void note(struct compute *c, const char *key, json_t *entry)
{
	if (!json_object_get(c->report, key))
		json_object_set_new(c->report, key, entry);
	else
		json_decref(entry);
}

static int key_cmp(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The report's entries in the order of their keys: the same registry, the
 * same bytes. */
static json_t *report_array(const json_t *report)
{
	size_t n = json_object_size(report), i = 0;
	const char **keys = xcalloc(n + 1, sizeof(*keys));
	const char *key;
	json_t *v, *a = json_array();

	json_object_foreach((json_t *)report, key, v)
		keys[i++] = key;
	qsort(keys, n, sizeof(*keys), key_cmp);
	for (i = 0; i < n; i++)
		json_array_append(a, json_object_get(report, keys[i]));
	free(keys);
	return a;
}

/* A role's account (curator, provider, owner) from the policy; NULL and a
 * report entry when it names none. */
static const uint8_t *role_account(struct compute *c, const char *role,
				   const char *did)
{
	const struct account *a = policy_account(&c->pol, did);
	struct buf key = BUF_INIT;

	if (a && a->chain_id == c->asset.chain_id)
		return a->addr;
	buf_printf(&key, "unpaid %s %s", role, did ?: "");
	note(c, key.ptr,
	     json_pack("{s:s, s:s, s:s*, s:s}", "what", "unpaid", "role", role,
		       "did", did, "reason",
		       a ? "the policy's account for it is on another chain "
			   "than the asset"
			 : "the policy names no account for it"));
	buf_release(&key);
	return NULL;
}

/* ---- works
 * ------------------------------------------------------------------- */

/* Why a work cannot be paid, or "" with its address in addr. */
static const char *work_account(uint8_t addr[20], struct compute *c,
				const char *id, const char *sha256)
{
	struct buf path = BUF_INIT, key = BUF_INIT;
	struct record *r = NULL;
	struct account a;
	const char *payout, *why = "";
	json_t *known;

	/* cached by content and work (a work record sits under the content
	 * it claims), as "eip155:<chain>:0x<address>", checked when it was
	 * put, or as the reason it cannot be paid */
	buf_printf(&key, "%s %s", sha256 ?: "-", id);
	known = json_object_get(c->works, key.ptr);
	if (json_is_string(known)) {
		const char *t = json_string_value(known);
		hex_decode(addr, 20, t + strlen(t) - 40, 40);
		buf_release(&key);
		return "";
	}
	if (known) {
		buf_release(&key);
		return str(known, "reason");
	}
	if (!sha256 || strlen(sha256) != 64 ||
	    buf_printf(&path, "works/%.2s/%.2s/%s/%s.json", sha256, sha256 + 2,
		       sha256, id + (strncmp(id, "sha256:", 7) ? 0 : 7)) ||
	    load_at(&r, c->s, path.ptr, "work", id))
		why = "its work record is missing or does not verify";
	else if (!(payout = str(r->payload, "payout")))
		why = "its work record names no payout account";
	else if (account_parse(&a, payout))
		why = "its payout account does not parse";
	else if (a.chain_id != c->asset.chain_id)
		why = "its payout account is on another chain than the asset";
	prov_error_clear();
	if (*why)
		json_object_set_new(c->works, key.ptr,
				    json_pack("{s:s}", "reason", why));
	else {
		json_object_set_new(c->works, key.ptr, json_string(a.text));
		memcpy(addr, a.addr, 20);
	}
	record_free(r);
	buf_release(&path);
	buf_release(&key);
	return why;
}

/* ---- items
 * ------------------------------------------------------------------- */

/* The item's weight before its license and split: 1, its bytes, or its
 * curator's weight. */
static int base_weight(uint64_t *out, const struct compute *c,
		       const json_t *item)
{
	const json_t *v = json_object_get(
		item, c->pol.weight == WEIGHT_BYTES	? "size"
		      : c->pol.weight == WEIGHT_CURATOR ? "weight"
							: NULL);

	if (c->pol.weight == WEIGHT_EQUAL) {
		*out = 1;
		return 0;
	}
	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return prov_error_set(
			PROV_EINVALID, "dataset %s: item %s has no whole %s",
			c->dataset, str(item, "sha256"),
			c->pol.weight == WEIGHT_BYTES ? "size" : "weight");
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

/* An opt-out by a claimant of the item's content for a use the dataset
 * declared: the build did not see it (or would have left the item out), so
 * it came after training. Returns 1 when the policy sends the item's share
 * to the treasury. */
static int optout_after(struct compute *c, const json_t *item)
{
	const struct content_info *ci;
	const struct optout *o;
	struct buf key = BUF_INIT;
	uint8_t sha[32];
	const char *hex = str(item, "sha256");

	if (!hex || hex_decode(sha, 32, hex, 64) ||
	    !(ci = index_get(c->ix, sha)) || !content_optouts(ci, c->uses, &o))
		return 0;
	buf_printf(&key, "optout %s %s", hex, c->dataset);
	note(c, key.ptr,
	     json_pack("{s:s, s:s, s:s, s:s, s:s, s:s*, s:O, s:s}", "what",
		       "optout", "sha256", hex, "dataset", c->dataset, "optout",
		       o->id, "by", o->by, "created", o->created, "works",
		       json_object_get(item, "works"), "action",
		       c->pol.optouts_pay ? "paid" : "treasury"));
	buf_release(&key);
	return !c->pol.optouts_pay;
}

static void unpaid_item(struct compute *c, const json_t *item, const char *work,
			const char *why)
{
	struct buf key = BUF_INIT;

	buf_printf(&key, "unpaid work %s %s", work ?: "-",
		   work ? "" : str(item, "sha256"));
	note(c, key.ptr,
	     json_pack("{s:s, s:s, s:s*, s:s*, s:s}", "what", "unpaid", "role",
		       "creator", "work", work, "sha256",
		       work ? NULL : str(item, "sha256"), "reason", why));
	buf_release(&key);
}

static int item_cb(const json_t *item, size_t i, void *payload)
{
	struct compute *c = payload;
	const json_t *works = json_object_get(item, "works");
	unsigned __int128 full, w;
	uint64_t base = 0;
	size_t k = json_array_size(works), j;
	const json_t *id;
	uint8_t addr[20];
	int rc;

	c->items++;
	if ((rc = base_weight(&base, c, item)))
		return rc;
	/* The item weighs full among the creators; its license's basis
	 * points of that are paid, the rest goes to the treasury. */
	full = (unsigned __int128)base * 10000 * SPLIT_SCALE;
	w = (unsigned __int128)base *
	    policy_license_bps(&c->pol, str(item, "license")) * SPLIT_SCALE;
	if (k > WORKS_PER_ITEM_MAX)
		return prov_error_set(PROV_EINVALID,
				      "dataset %s: item %s names %zu works, "
				      "more than %d",
				      c->dataset, str(item, "sha256"), k,
				      WORKS_PER_ITEM_MAX);
	if (optout_after(c, item) || !k) {
		if (!k)
			unpaid_item(c, item, NULL, "no work record names it");
		alloc_add(c->alloc, NULL, full);
		return 0;
	}
	if (full > w)
		alloc_add(c->alloc, NULL, full - w);
	json_array_foreach(works, j, id) {
		const char *why =
			json_is_string(id)
				? work_account(addr, c, json_string_value(id),
					       str(item, "sha256"))
				: "a work id that is not a string";

		if (*why)
			unpaid_item(c, item, json_string_value(id), why);
		alloc_add(c->alloc, *why ? NULL : addr, w / k);
	}
	return 0;
}

/* ---- lineages
 * ------------------------------------------------------------------- */

/* Adds a dataset's items to the creators' slice (already started). */
static int dataset_items(struct compute *c, const struct record *d)
{
	struct manifest_spec spec;
	struct buf blob = BUF_INIT;
	int rc;

	c->dataset = d->id;
	if ((rc = manifest_spec_of(&spec, d->payload)) ||
	    (rc = cli_read_blob(&blob, c->s, d->payload, "items")))
		return prov_error_wrap("dataset %s", d->id);
	c->uses = spec.uses;
	rc = manifest_lines_each(blob.ptr, blob.len, 1, item_cb, c);
	buf_release(&blob);
	return rc;
}

/* The datasets a model's run names, loaded. */
static int run_datasets(struct record ***out, size_t *n, struct record **run,
			struct compute *c, const json_t *model)
{
	const json_t *ds, *e;
	size_t i;
	int rc;

	*out = NULL;
	*n = 0;
	if ((rc = load(run, c->s, "run", str(model, "run") ?: "")))
		return rc;
	ds = json_object_get(json_object_get((*run)->payload, "predicate"),
			     "datasets");
	*out = xcalloc(json_array_size(ds) + 1, sizeof(**out));
	json_array_foreach(ds, i, e) {
		if ((rc = load(&(*out)[i], c->s, "dataset",
			       str(e, "id") ?: "")))
			return rc;
		(*n)++;
	}
	return 0;
}

static void records_free(struct record **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		record_free(v[i]);
	free(v);
}

/* The data shares' fraction for the model d steps up the lineage (of n):
 * parent^d × (10000 − parent) / 10000^(d+1), the last taking parent^d /
 * 10000^d, as num / 10000^(n−1). */
static void level_fraction(mpz_t num, unsigned parent, size_t d, size_t n)
{
	mpz_t t;

	mpz_init(t);
	mpz_ui_pow_ui(num, parent, d);
	if (d + 1 < n) {
		mpz_mul_ui(num, num, 10000 - parent);
		mpz_ui_pow_ui(t, 10000, n - 2 - d);
		mpz_mul(num, num, t);
	}
	mpz_clear(t);
}

/* Starts a slice of revenue × bps × frac / (10000 × den). */
static void slice(struct compute *c, const mpz_t revenue, unsigned bps,
		  const mpz_t frac, const mpz_t den)
{
	mpz_t num, d;

	mpz_inits(num, d, NULL);
	mpz_mul_ui(num, revenue, bps);
	mpz_mul(num, num, frac);
	mpz_mul_ui(d, den, 10000);
	alloc_slice(c->alloc, num, d);
	mpz_clears(num, d, NULL);
}

/* One model of the lineage: its datasets' items and curators. */
static int pay_level(struct compute *c, const mpz_t revenue,
		     const json_t *model, const mpz_t frac, const mpz_t den)
{
	struct record *run = NULL, **ds = NULL;
	size_t n = 0;
	int rc;

	if ((rc = run_datasets(&ds, &n, &run, c, model)))
		goto done;
	slice(c, revenue, c->pol.shares[ROLE_CREATORS], frac, den);
	for (size_t i = 0; !rc && i < n; i++)
		rc = dataset_items(c, ds[i]);
	slice(c, revenue, c->pol.shares[ROLE_CURATORS], frac, den);
	for (size_t i = 0; !rc && i < n; i++) {
		const char *curator = str(ds[i]->payload, "curator");
		alloc_add(c->alloc, role_account(c, "curator", curator), 1);
	}
done:
	record_free(run);
	records_free(ds, n);
	return rc;
}

/* The provider of the model's own run, its owner and the treasury. */
static int pay_roles(struct compute *c, const mpz_t revenue,
		     const json_t *model)
{
	struct record *run = NULL;
	mpz_t one;
	int rc = load(&run, c->s, "run", str(model, "run") ?: "");

	if (rc)
		return rc;
	mpz_init_set_ui(one, 1);
	slice(c, revenue, c->pol.shares[ROLE_PROVIDER], one, one);
	alloc_add(c->alloc,
		  role_account(c, "provider",
			       str(json_object_get(run->payload, "predicate"),
				   "provider")),
		  1);
	slice(c, revenue, c->pol.shares[ROLE_OWNER], one, one);
	alloc_add(c->alloc, role_account(c, "owner", str(model, "owner")), 1);
	slice(c, revenue, c->pol.shares[ROLE_TREASURY], one, one);
	alloc_add(c->alloc, NULL, 1);
	mpz_clear(one);
	record_free(run);
	return 0;
}

static int pay_usage(struct compute *c, const mpz_t revenue, const char *model)
{
	struct lineage lin = {0};
	json_t *m = NULL;
	mpz_t frac, den;
	size_t before = c->items;
	int rc;

	mpz_inits(frac, den, NULL);
	if ((rc = model_lineage(&lin, model, get_model, c->s,
				MODEL_LINEAGE_MAX)))
		goto done;
	mpz_ui_pow_ui(den, 10000, lin.n - 1);
	for (size_t d = 0; !rc && d < lin.n; d++) {
		level_fraction(frac, c->pol.parent_bps, d, lin.n);
		if (!mpz_sgn(frac))
			continue;
		json_decref(m);
		m = NULL;
		if (!(rc = get_model(&m, lin.v[d].id, c->s)))
			rc = pay_level(c, revenue, m, frac, den);
	}
	json_decref(m);
	m = NULL;
	if (rc || (rc = get_model(&m, model, c->s)) ||
	    (rc = pay_roles(c, revenue, m)))
		goto done;
	if (c->items == before)
		rc = prov_error_set(PROV_EINVALID,
				    "model %s: no dataset items in its lineage "
				    "to pay",
				    model);
done:
	json_decref(m);
	lineage_release(&lin);
	mpz_clears(frac, den, NULL);
	return rc;
}

/* ---- usage records ----------------------------------------------------------
 */

static int take_usage(struct compute *c, const struct record *r,
		      const char *period)
{
	const json_t *p = r->payload;
	json_int_t dec = json_integer_value(json_object_get(p, "decimals"));
	mpz_t revenue;
	int rc;

	if (strcmp(str(p, "period") ?: "", period) ||
	    strcmp(str(p, "asset") ?: "", c->asset.text))
		return prov_error_set(PROV_EINVALID,
				      "usage %s is not for %s in %s", r->id,
				      period, c->asset.text);
	if (!json_is_integer(json_object_get(p, "decimals")) || dec < 0 ||
	    dec > AMOUNT_DECIMALS_MAX)
		return prov_error_set(PROV_EINVALID,
				      "usage %s: its decimals are not a whole "
				      "number from 0 to %d",
				      r->id, AMOUNT_DECIMALS_MAX);
	if (c->decimals >= 0 && dec != c->decimals)
		return prov_error_set(PROV_EINVALID,
				      "usage %s: its decimals differ from the "
				      "other reports' for %s",
				      r->id, c->asset.text);
	c->decimals = (int)dec;
	mpz_init(revenue);
	if ((rc = amount_parse_units(revenue, str(p, "revenue") ?: "")))
		prov_error_wrap("usage %s: revenue", r->id);
	else if (!(rc = pay_usage(c, revenue, str(p, "model") ?: "")))
		mpz_add(c->revenue, c->revenue, revenue);
	mpz_clear(revenue);
	if (!rc)
		json_array_append_new(c->usage, json_string(r->id));
	return rc;
}

struct usage_scan {
	const char *period, *asset;
	struct strlist ids;
	struct strlist *skipped;
};

static int usage_cb(const char *path, const void *data, size_t n, void *payload)
{
	struct usage_scan *u = payload;
	struct record *r = NULL;
	struct buf why = BUF_INIT;

	if (record_parse(&r, data, n) || record_path_check(r, path) ||
	    record_verify(r)) {
		buf_printf(&why, "%s: %s", path, prov_error_last());
		strlist_push(u->skipped, why.ptr);
	} else if (!strcmp(str(r->payload, "period") ?: "", u->period) &&
		   !strcmp(str(r->payload, "asset") ?: "", u->asset)) {
		strlist_push(&u->ids, r->id);
	}
	prov_error_clear();
	buf_release(&why);
	record_free(r);
	return 0;
}

/* ---- the ledger -------------------------------------------------------------
 */

/* The ledger is the payer's own: payouts of the asset signed by the same
 * identity ("by"). Another identity's payouts, whoever signed them, never
 * carry amounts into this one's batches nor stop its periods. */
struct ledger_scan {
	const char *period, *asset, *by;
	char prev[RECORD_ID_MAX], prev_period[8];
	char same[RECORD_ID_MAX], later[8];
	json_t *prev_payload;
};

static int ledger_cb(const char *path, const void *data, size_t n,
		     void *payload)
{
	struct ledger_scan *l = payload;
	struct record *r = NULL;
	const char *period;

	if (record_parse(&r, data, n) || record_path_check(r, path) ||
	    record_verify(r) ||
	    strcmp(str(r->payload, "asset") ?: "", l->asset) ||
	    strcmp(str(r->payload, "by") ?: "", l->by) ||
	    !(period = str(r->payload, "period")) || period_check(period)) {
		prov_error_clear();
		record_free(r);
		return 0;
	}
	if (strcmp(period, l->period) > 0) {
		if (strcmp(period, l->later) > 0)
			snprintf(l->later, sizeof(l->later), "%s", period);
	} else if (!strcmp(period, l->period)) {
		snprintf(l->same, sizeof(l->same), "%s", r->id);
	} else if (strcmp(period, l->prev_period) > 0) {
		snprintf(l->prev, sizeof(l->prev), "%s", r->id);
		snprintf(l->prev_period, sizeof(l->prev_period), "%s", period);
		json_decref(l->prev_payload);
		l->prev_payload = json_incref(r->payload);
	}
	record_free(r);
	return 0;
}

/* The carried lines of the asset's latest payout before period. */
static int carry_in(struct payout_line **v, size_t *n, struct store *s,
		    const json_t *prev)
{
	struct buf blob = BUF_INIT;
	const char *hex = str(prev, "carry");
	int rc;

	*v = NULL;
	*n = 0;
	if (!prev)
		return 0;
	if (!hex || strlen(hex) != 64)
		return prov_error_set(
			PROV_EINVALID,
			"the previous payout names no carry blob");
	if (!(rc = store_read_blob(&blob, s, hex)))
		rc = payout_lines_parse(v, n, blob.ptr, blob.len);
	buf_release(&blob);
	return rc ? prov_error_wrap("the previous payout's carried amounts")
		  : 0;
}

/* ---- the batch
 * ---------------------------------------------------------------- */

static char *hex_of(const struct buf *b)
{
	uint8_t d[32];
	char *hex = xmalloc(65);

	sha256_buf(d, b->ptr, b->len);
	hex_encode(hex, d, 32);
	return hex;
}

static void set_units(json_t *p, const char *key, const mpz_t v)
{
	char *s = amount_string(v);

	json_object_set_new(p, key, json_string(s));
	free(s);
}

/* The payout payload of a settlement (docs/royalties.md). */
static json_t *payout_payload(const struct compute *c,
			      const struct settlement *st, const char *period,
			      const char *by, const char *previous,
			      const json_t *report)
{
	struct buf b = BUF_INIT;
	char root[67] = "0x", *h;
	json_t *p;

	hex_encode(root + 2, st->root, 32);
	p = json_pack("{s:s, s:s, s:s, s:s, s:i, s:O, s:O, s:s, s:I}", "kind",
		      "payout", "by", by, "period", period, "asset",
		      c->asset.text, "decimals", c->decimals, "usage", c->usage,
		      "policy", c->pol.json, "root", root, "accounts",
		      (json_int_t)st->npaid);
	if (previous)
		json_object_set_new(p, "previous", json_string(previous));
	set_units(p, "revenue", st->revenue);
	set_units(p, "carried_in", st->carried_in);
	set_units(p, "pool", st->pool);
	set_units(p, "paid", st->paid_total);
	set_units(p, "carried", st->carried_total);
	set_units(p, "treasury", st->treasury);
	payout_lines_format(&b, st->paid, st->npaid);
	json_object_set_new(p, "amounts", json_string(h = hex_of(&b)));
	free(h);
	buf_clear(&b);
	payout_lines_format(&b, st->carried, st->ncarried);
	json_object_set_new(p, "carry", json_string(h = hex_of(&b)));
	free(h);
	buf_clear(&b);
	payout_report_format(&b, report);
	json_object_set_new(p, "report", json_string(h = hex_of(&b)));
	free(h);
	buf_release(&b);
	return p;
}

static int payload_id(char id[RECORD_ID_MAX], const json_t *p)
{
	struct buf canon = BUF_INIT;
	uint8_t d[32];
	int rc = jcs_encode(&canon, p);

	if (!rc) {
		sha256_buf(d, canon.ptr, canon.len);
		sha256_id(id, d);
	}
	buf_release(&canon);
	return rc;
}

static void compute_release(struct compute *c)
{
	policy_release(&c->pol);
	index_free(c->ix);
	alloc_free(c->alloc);
	json_decref(c->works);
	json_decref(c->report);
	json_decref(c->usage);
	mpz_clear(c->revenue);
}

/* Every usage record paid, then the allocation settled against the ledger
 * into out. */
static int compute_batch(struct payout_doc *out, struct compute *c,
			 const struct strlist *usage, const char *period,
			 const char *by, const struct ledger_scan *l)
{
	struct payout_line *carry = NULL;
	size_t ncarry = 0;
	struct alloc_result res = {0};
	struct settlement st = {0};
	json_t *report = NULL, *payload = NULL;
	char id[RECORD_ID_MAX];
	int rc = 0;

	for (size_t i = 0; !rc && i < usage->n; i++) {
		struct record *r = NULL;
		if (!(rc = load(&r, c->s, "usage", usage->v[i])))
			rc = take_usage(c, r, period);
		record_free(r);
	}
	if (rc || (rc = carry_in(&carry, &ncarry, c->s, l->prev_payload)) ||
	    (rc = alloc_finish(&res, c->alloc)) ||
	    (rc = settle(&st, &res, carry, ncarry, c->pol.minimum,
			 c->pol.max_accounts)))
		goto done;
	report = report_array(c->report);
	payload = payout_payload(c, &st, period, by,
				 l->prev[0] ? l->prev : NULL, report);
	if ((rc = payload_id(id, payload)))
		goto done;
	payout_doc_release(out);
	rc = payout_doc_from(out, id, payload, st.paid, st.npaid, st.carried,
			     st.ncarried, report);
	st.paid = st.carried = NULL;
	st.npaid = st.ncarried = 0;
done:
	json_decref(report);
	json_decref(payload);
	payout_lines_free(carry, ncarry);
	alloc_result_release(&res);
	settlement_release(&st);
	return rc;
}

int royalties_compute(struct payout_doc *out, struct store *s,
		      struct royalties_inputs *in)
{
	struct compute c = {.s = s, .decimals = -1};
	struct ledger_scan l = {.period = in->period, .by = in->by};
	struct usage_scan u = {.period = in->period, .skipped = in->skipped};
	const struct strlist *usage = in->usage;
	int rc;

	memset(out, 0, sizeof(*out));
	mpz_init(out->paid_total);
	mpz_init(c.revenue);
	c.works = json_object();
	c.report = json_object();
	c.usage = json_array();
	c.alloc = alloc_new();
	if ((rc = policy_parse(&c.pol, in->policy)) ||
	    (rc = asset_parse(&c.asset, in->asset)) ||
	    (rc = period_check(in->period)))
		goto done;
	if (!c.asset.erc20) {
		rc = prov_error_set(PROV_EINVALID,
				    "asset %s: royalties are paid in an ERC-20 "
				    "token (eip155:CHAIN/erc20:0xADDRESS)",
				    c.asset.text);
		goto done;
	}
	l.asset = u.asset = c.asset.text;
	if ((rc = store_walk(s, "records/payout", ledger_cb, &l)))
		goto done;
	if (!usage) {
		if ((rc = store_walk(s, "records/usage", usage_cb, &u)))
			goto done;
		strlist_sort(&u.ids);
		usage = &u.ids;
	}
	if (!usage->n) {
		rc = prov_error_set(PROV_ENOTFOUND,
				    "no usage records for %s in %s", in->period,
				    c.asset.text);
		goto done;
	}
	if (in->refuse_later && l.later[0]) {
		rc = prov_error_set(PROV_EINVALID,
				    "%s of %s is paid already: batches go in "
				    "period order",
				    l.later, c.asset.text);
		goto done;
	}
	snprintf(in->same, RECORD_ID_MAX, "%s", l.same);
	if ((rc = index_load(&c.ix, s, in->cache_key)))
		goto done;
	rc = compute_batch(out, &c, usage, in->period, in->by, &l);
done:
	json_decref(l.prev_payload);
	strlist_release(&u.ids);
	compute_release(&c);
	return rc;
}
