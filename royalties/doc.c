/* Payout batches as bytes: the account lines of a payout's blobs, and the
 * batch file (docs/royalties.md). Both come from outside (a file handed
 * over, a registry pulled from another party), so every number is checked
 * and a batch file must be consistent whole: its lines give the record's
 * root, counts and totals, and the record's sums hold. */
#include <stdlib.h>
#include <string.h>

#include "royalties/royalties.h"

/* A batch file of a million accounts is about 90 MB. */
#define DOC_MAX (1u << 30)

static void line_format(struct buf *out, const struct payout_line *l)
{
	char addr[43], *amount = amount_string(l->amount);

	address_checksum(addr, l->account);
	buf_printf(out, "{\"account\":\"%s\",\"amount\":\"%s\"}\n", addr,
		   amount);
	free(amount);
}

void payout_lines_format(struct buf *out, const struct payout_line *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		line_format(out, &v[i]);
}

/* One line's account and amount (NUL-terminated copies), checked. */
static int line_check(struct payout_line *l, const char *account,
		      const char *amount, const struct payout_line *prev)
{
	int rc;

	if ((rc = address_parse(l->account, account)))
		return rc;
	if ((rc = amount_parse_units(l->amount, amount)))
		return rc;
	if (!mpz_sgn(l->amount))
		return prov_error_set(PROV_EINVALID,
				      "account %s: an amount of zero", account);
	if (prev && memcmp(prev->account, l->account, 20) >= 0)
		return prov_error_set(
			PROV_EINVALID,
			"account %s: not after the account before "
			"it (lines go in ascending address order, "
			"each account once)",
			account);
	return 0;
}

static void lines_push(struct payout_line **v, size_t *n, size_t *cap)
{
	if (*n == *cap) {
		*cap = *cap ? 2 * *cap : 64;
		*v = xrealloc(*v, *cap * sizeof(**v));
	}
	mpz_init((*v)[*n].amount);
	(*n)++;
}

#define LINE_HEAD "{\"account\":\""
#define LINE_MID  "\",\"amount\":\""
#define LINE_TAIL "\"}\n"

/* Lines are read by their exact bytes, not through a JSON parser: there is
 * one spelling of each line (JCS, EIP-55, no leading zeros), and reading
 * it back as written is both the check and the fast way for a million. */
int payout_lines_parse(struct payout_line **out, size_t *n, const char *blob,
		       size_t len)
{
	struct payout_line *v = NULL;
	size_t nv = 0, cap = 0, hl = strlen(LINE_HEAD), ml = strlen(LINE_MID);
	const char *p = blob, *end = blob + len;
	char account[43], amount[80], spelt[43];
	int rc = 0;

	while (p < end) {
		const char *nl = memchr(p, '\n', end - p), *digits;
		size_t k;

		if (!nl || (size_t)(nl - p) < hl + 42 + ml + 3 ||
		    memcmp(p, LINE_HEAD, hl) ||
		    memcmp(p + hl + 42, LINE_MID, ml) ||
		    memcmp(nl - 2, LINE_TAIL, 2)) {
			rc = prov_error_set(PROV_EINVALID,
					    "payout line %zu: not "
					    "{\"account\":\"0x...\",\"amount\":"
					    "\"...\"} and a newline",
					    nv + 1);
			break;
		}
		memcpy(account, p + hl, 42);
		account[42] = '\0';
		digits = p + hl + 42 + ml;
		k = (size_t)(nl - 2 - digits);
		if (k >= sizeof(amount)) {
			rc = prov_error_set(PROV_EINVALID,
					    "payout line %zu: amount over "
					    "2^256-1",
					    nv + 1);
			break;
		}
		/* a NUL would end the string the amount is read from and
		 * hide the bytes after it */
		if (memchr(digits, '\0', k)) {
			rc = prov_error_set(PROV_EINVALID,
					    "payout line %zu: a NUL byte in "
					    "the amount",
					    nv + 1);
			break;
		}
		memcpy(amount, digits, k);
		amount[k] = '\0';
		lines_push(&v, &nv, &cap);
		if ((rc = line_check(&v[nv - 1], account, amount,
				     nv > 1 ? &v[nv - 2] : NULL))) {
			prov_error_wrap("payout line %zu", nv);
			break;
		}
		address_checksum(spelt, v[nv - 1].account);
		if (strcmp(spelt, account)) {
			rc = prov_error_set(
				PROV_EINVALID,
				"payout line %zu: address %s is not "
				"spelt %s (EIP-55)",
				nv, account, spelt);
			break;
		}
		p = nl + 1;
	}
	if (rc) {
		payout_lines_free(v, nv);
		v = NULL;
		nv = 0;
	}
	*out = v;
	*n = nv;
	return rc;
}

/* ---- the batch file ----------------------------------------------------- */

void payout_doc_release(struct payout_doc *d)
{
	json_decref(d->payout);
	json_decref(d->report);
	payout_lines_free(d->paid, d->npaid);
	payout_lines_free(d->carried, d->ncarried);
	mpz_clear(d->paid_total);
	memset(d, 0, sizeof(*d));
}

static void doc_init(struct payout_doc *d)
{
	memset(d, 0, sizeof(*d));
	mpz_init(d->paid_total);
}

/* The units string at key of the payout, into v. */
static int get_units(mpz_t v, const json_t *payout, const char *key)
{
	const char *s = json_string_value(json_object_get(payout, key));

	if (!s)
		return prov_error_set(
			PROV_EINVALID,
			"payout: '%s' is not a string of base units", key);
	if (amount_parse_units(v, s))
		return prov_error_wrap("payout: '%s'", key);
	return 0;
}

/* The blob's SHA-256 (hex) at key must be that of bytes. */
static int check_blob(const json_t *payout, const char *key,
		      const struct buf *bytes)
{
	const char *want = json_string_value(json_object_get(payout, key));
	uint8_t digest[32];
	char hex[65];

	sha256_buf(digest, bytes->ptr, bytes->len);
	hex_encode(hex, digest, 32);
	if (!want || strcmp(want, hex))
		return prov_error_set(PROV_EINVALID,
				      "payout: '%s' is not the SHA-256 of its "
				      "lines (%s)",
				      key, hex);
	return 0;
}

static void sum_lines(mpz_t sum, const struct payout_line *v, size_t n)
{
	mpz_set_ui(sum, 0);
	for (size_t i = 0; i < n; i++)
		mpz_add(sum, sum, v[i].amount);
}

int payout_report_format(struct buf *out, const json_t *report)
{
	size_t i;
	json_t *e;
	int rc;

	json_array_foreach(report, i, e) {
		if (!json_is_object(e))
			return prov_error_set(
				PROV_EINVALID,
				"report entry %zu is not an object", i + 1);
		if ((rc = jcs_encode(out, e)))
			return rc;
		buf_putc(out, '\n');
	}
	return 0;
}

/* The payout's scalar members: kind, asset, decimals, period, root. */
static int check_head(struct payout_doc *d)
{
	const json_t *p = d->payout;
	const char *kind = json_string_value(json_object_get(p, "kind"));
	const char *asset = json_string_value(json_object_get(p, "asset"));
	const char *period = json_string_value(json_object_get(p, "period"));
	const char *root = json_string_value(json_object_get(p, "root"));
	json_t *dec = json_object_get(p, "decimals");

	if (!json_is_object(p) || !kind || strcmp(kind, "payout"))
		return prov_error_set(PROV_EINVALID,
				      "not a payout: 'kind' is not \"payout\"");
	if (!asset || asset_parse(&d->asset, asset))
		return asset ? prov_error_wrap("payout: 'asset'")
			     : prov_error_set(PROV_EINVALID,
					      "payout: no 'asset'");
	if (strcmp(asset, d->asset.text))
		return prov_error_set(PROV_EINVALID,
				      "payout: asset '%s' is not spelt '%s'",
				      asset, d->asset.text);
	if (!json_is_integer(dec) || json_integer_value(dec) < 0 ||
	    json_integer_value(dec) > AMOUNT_DECIMALS_MAX)
		return prov_error_set(PROV_EINVALID,
				      "payout: 'decimals' is not 0 to %d",
				      AMOUNT_DECIMALS_MAX);
	d->decimals = (unsigned)json_integer_value(dec);
	if (!period || period_check(period))
		return period ? prov_error_wrap("payout: 'period'")
			      : prov_error_set(PROV_EINVALID,
					       "payout: no 'period'");
	memcpy(d->period, period, 8);
	if (!root || strlen(root) != 66 || strncmp(root, "0x", 2) ||
	    hex_decode(d->root, 32, root + 2, 64))
		return prov_error_set(
			PROV_EINVALID,
			"payout: 'root' is not 0x and 64 hex digits");
	return 0;
}

/* The sums: the lines give paid and carried, and pool = revenue +
 * carried_in = paid + carried + treasury. */
static int check_sums(struct payout_doc *d)
{
	mpz_t v[6], sum;
	static const char *const keys[6] = {
		"revenue", "carried_in", "pool", "paid", "carried", "treasury"};
	const json_t *accounts = json_object_get(d->payout, "accounts");
	int rc = 0;

	mpz_init(sum);
	for (int i = 0; i < 6; i++)
		mpz_init(v[i]);
	for (int i = 0; !rc && i < 6; i++)
		rc = get_units(v[i], d->payout, keys[i]);
	if (rc)
		goto done;
	sum_lines(d->paid_total, d->paid, d->npaid);
	sum_lines(sum, d->carried, d->ncarried);
	if (!json_is_integer(accounts) ||
	    json_integer_value(accounts) != (json_int_t)d->npaid)
		rc = prov_error_set(PROV_EINVALID,
				    "payout: 'accounts' is not the %zu paid "
				    "lines",
				    d->npaid);
	else if (mpz_cmp(v[3], d->paid_total) || mpz_cmp(v[4], sum))
		rc = prov_error_set(PROV_EINVALID,
				    "payout: 'paid' or 'carried' is not the "
				    "sum of its lines");
	if (rc)
		goto done;
	mpz_add(sum, v[0], v[1]);
	if (mpz_cmp(sum, v[2]))
		rc = prov_error_set(PROV_EINVALID,
				    "payout: pool is not revenue + carried_in");
	mpz_add(sum, v[3], v[4]);
	mpz_add(sum, sum, v[5]);
	if (!rc && mpz_cmp(sum, v[2]))
		rc = prov_error_set(PROV_EINVALID,
				    "payout: pool is not paid + carried + "
				    "treasury");
done:
	for (int i = 0; i < 6; i++)
		mpz_clear(v[i]);
	mpz_clear(sum);
	return rc;
}

/* The root of the paid lines: zero when there are none. */
static int check_root(const struct payout_doc *d)
{
	static const uint8_t zero[32];
	struct merkle *m = NULL;
	int rc;

	if (!d->npaid)
		return memcmp(d->root, zero, 32)
			       ? prov_error_set(PROV_EINVALID,
						"payout: a root but no paid "
						"lines")
			       : 0;
	if ((rc = payout_tree(&m, d->paid, d->npaid)))
		return rc;
	if (memcmp(m->nodes[0], d->root, 32))
		rc = prov_error_set(PROV_EINVALID,
				    "payout: 'root' is not the Merkle root of "
				    "the paid lines");
	merkle_free(m);
	return rc;
}

int payout_doc_from(struct payout_doc *out, const char *id, json_t *payout,
		    struct payout_line *paid, size_t npaid,
		    struct payout_line *carried, size_t ncarried,
		    json_t *report)
{
	struct buf bytes = BUF_INIT;
	int rc;

	doc_init(out);
	out->payout = json_incref(payout);
	out->report = json_incref(report);
	out->paid = paid;
	out->npaid = npaid;
	out->carried = carried;
	out->ncarried = ncarried;
	if (id)
		snprintf(out->id, sizeof(out->id), "%s", id);
	if ((rc = check_head(out)) || (rc = check_sums(out)))
		goto done;
	payout_lines_format(&bytes, paid, npaid);
	if ((rc = check_blob(payout, "amounts", &bytes)))
		goto done;
	buf_clear(&bytes);
	payout_lines_format(&bytes, carried, ncarried);
	if ((rc = check_blob(payout, "carry", &bytes)))
		goto done;
	buf_clear(&bytes);
	if (!json_is_array(report)) {
		rc = prov_error_set(PROV_EINVALID,
				    "the report is not an array");
		goto done;
	}
	if ((rc = payout_report_format(&bytes, report)) ||
	    (rc = check_blob(payout, "report", &bytes)))
		goto done;
	rc = check_root(out);
done:
	buf_release(&bytes);
	return rc;
}

/* A batch file's "paid" or "carried": objects of exactly an account and an
 * amount, in ascending address order. */
static int doc_lines(struct payout_line **out, size_t *n, const json_t *a,
		     const char *key)
{
	struct payout_line *v = NULL;
	size_t nv = 0, cap = 0, i;
	json_t *e;
	int rc = 0;

	if (!json_is_array(a))
		return prov_error_set(PROV_EINVALID, "'%s' is not an array",
				      key);
	json_array_foreach(a, i, e) {
		const char *acc =
			json_string_value(json_object_get(e, "account"));
		const char *amt =
			json_string_value(json_object_get(e, "amount"));

		if (!json_is_object(e) || json_object_size(e) != 2 || !acc ||
		    !amt) {
			rc = prov_error_set(
				PROV_EINVALID,
				"'%s' entry %zu is not {\"account\", "
				"\"amount\"} strings",
				key, i + 1);
			break;
		}
		lines_push(&v, &nv, &cap);
		if ((rc = line_check(&v[nv - 1], acc, amt,
				     nv > 1 ? &v[nv - 2] : NULL))) {
			prov_error_wrap("'%s' entry %zu", key, i + 1);
			break;
		}
	}
	if (rc) {
		payout_lines_free(v, nv);
		return rc;
	}
	*out = v;
	*n = nv;
	return 0;
}

/* A batch file's id, when it names one, is its payout's. */
static int check_id(const char *id, const json_t *payout)
{
	struct buf canon = BUF_INIT;
	uint8_t digest[32];
	char want[RECORD_ID_MAX];
	int rc;

	if ((rc = jcs_encode(&canon, payout)))
		goto done;
	sha256_buf(digest, canon.ptr, canon.len);
	sha256_id(want, digest);
	if (strcmp(id, want))
		rc = prov_error_set(PROV_EINVALID,
				    "'id' %s is not the payout's id (%s)", id,
				    want);
done:
	buf_release(&canon);
	return rc;
}

int payout_doc_parse(struct payout_doc *out, const char *data, size_t len)
{
	json_t *doc = NULL, *id;
	struct buf canon = BUF_INIT;
	struct payout_line *paid = NULL, *carried = NULL;
	size_t npaid = 0, ncarried = 0;
	int rc;

	doc_init(out);
	if ((rc = json_parse_max(&doc, data, len, "batch file", DOC_MAX)))
		return rc;
	id = json_object_get(doc, "id");
	if (!json_is_object(doc) ||
	    json_object_size(doc) != 4u + (id != NULL) ||
	    !json_is_object(json_object_get(doc, "payout"))) {
		rc = prov_error_set(PROV_EINVALID,
				    "batch file: not an object of 'payout', "
				    "'paid', 'carried', 'report' and an "
				    "optional 'id'");
		goto done;
	}
	/* a payout with no JCS form has no id and could not be written
	 * back: no record holds one */
	if ((rc = jcs_encode(&canon, json_object_get(doc, "payout")))) {
		prov_error_wrap("batch file: 'payout'");
		goto done;
	}
	if (id && (!json_is_string(id) ||
		   (rc = check_id(json_string_value(id),
				  json_object_get(doc, "payout"))))) {
		if (!rc)
			rc = prov_error_set(PROV_EINVALID,
					    "batch file: 'id' is not a string");
		goto done;
	}
	if ((rc = doc_lines(&paid, &npaid, json_object_get(doc, "paid"),
			    "paid")) ||
	    (rc = doc_lines(&carried, &ncarried,
			    json_object_get(doc, "carried"), "carried"))) {
		payout_lines_free(paid, npaid);
		goto done;
	}
	payout_doc_release(out);
	rc = payout_doc_from(out, id ? json_string_value(id) : NULL,
			     json_object_get(doc, "payout"), paid, npaid,
			     carried, ncarried, json_object_get(doc, "report"));
done:
	buf_release(&canon);
	json_decref(doc);
	return rc;
}

static json_t *lines_json(const struct payout_line *v, size_t n)
{
	json_t *a = json_array();
	char addr[43];

	for (size_t i = 0; i < n; i++) {
		char *amount = amount_string(v[i].amount);

		address_checksum(addr, v[i].account);
		json_array_append_new(a, json_pack("{s:s, s:s}", "account",
						   addr, "amount", amount));
		free(amount);
	}
	return a;
}

int payout_doc_format(struct buf *out, const struct payout_doc *d)
{
	json_t *doc = json_pack("{s:O, s:o, s:o, s:O}", "payout", d->payout,
				"paid", lines_json(d->paid, d->npaid),
				"carried", lines_json(d->carried, d->ncarried),
				"report", d->report);
	int rc;

	if (d->id[0])
		json_object_set_new(doc, "id", json_string(d->id));
	if (!(rc = jcs_encode(out, doc)))
		buf_putc(out, '\n');
	json_decref(doc);
	return rc;
}

ssize_t payout_doc_find(const struct payout_doc *d, const uint8_t account[20])
{
	size_t lo = 0, hi = d->npaid;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = memcmp(d->paid[mid].account, account, 20);

		if (!c)
			return (ssize_t)mid;
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return -1;
}
