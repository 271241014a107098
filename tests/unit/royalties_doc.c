/* Payout batches as bytes (royalties/doc.c): account lines and batch files
 * round trip byte for byte, and each way a line or a batch file can be
 * wrong is refused, naming what is wrong. */
#include <stdlib.h>

#include "royalties/royalties.h"
#include "unit.h"

#define TOKEN_LOWER "0x5aaeb6053f3e94c9b9a09f33669435e7ef1beaed"
#define ASSET	    "eip155:31337/erc20:0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed"
#define ASSET_LOWER "eip155:31337/erc20:" TOKEN_LOWER
#define TWO_256                                                                \
	"11579208923731619542357098500868790785326998466564056403945758400791" \
	"3"                                                                    \
	"129639936"
#define MAX_256                                                                \
	"11579208923731619542357098500868790785326998466564056403945758400791" \
	"3"                                                                    \
	"129639935"

/* Address number k, with a high byte so its EIP-55 spelling mixes cases;
 * addresses sort by k. */
static void addr(uint8_t out[20], unsigned k)
{
	memset(out, 0xab, 20);
	out[18] = (uint8_t)(k >> 8);
	out[19] = (uint8_t)k;
}

static struct payout_line *lines(const unsigned *pairs, size_t n)
{
	struct payout_line *v = xmalloc((n ? n : 1) * sizeof(*v));

	for (size_t i = 0; i < n; i++) {
		addr(v[i].account, pairs[2 * i]);
		mpz_init_set_ui(v[i].amount, pairs[2 * i + 1]);
	}
	return v;
}

static int same_lines(const struct payout_line *a, size_t na,
		      const struct payout_line *b, size_t nb)
{
	if (na != nb)
		return 0;
	for (size_t i = 0; i < na; i++)
		if (memcmp(a[i].account, b[i].account, 20) ||
		    mpz_cmp(a[i].amount, b[i].amount))
			return 0;
	return 1;
}

/* payout_lines_parse of s: its code, and the message holds want. */
static int lines_refused(const char *s, const char *want)
{
	struct payout_line *v = (struct payout_line *)1;
	size_t n = 7;
	int rc = payout_lines_parse(&v, &n, s, strlen(s));

	if (rc != PROV_EINVALID || v || n) {
		fprintf(stderr, "accepted (or wrong code %d): %s", rc, s);
		return 0;
	}
	if (!strstr(prov_error_last(), want)) {
		fprintf(stderr, "message '%s' lacks '%s'\n", prov_error_last(),
			want);
		return 0;
	}
	return 1;
}

static void test_lines_round_trip(void)
{
	static const unsigned pairs[] = {1, 5, 2, 1, 0x1ff, 1000000, 0xfffe, 7};
	struct payout_line *v = lines(pairs, 4), *got = NULL, *big = NULL;
	struct buf b = BUF_INIT, again = BUF_INIT;
	size_t n = 0;

	/* one amount at the very top of the range */
	mpz_set_str(v[3].amount, MAX_256, 10);
	payout_lines_format(&b, v, 4);
	CHECK(payout_lines_parse(&got, &n, b.ptr, b.len) == 0);
	CHECK(same_lines(v, 4, got, n));
	payout_lines_format(&again, got, n);
	CHECK(again.len == b.len && !memcmp(again.ptr, b.ptr, b.len));
	/* each line JCS, the address EIP-55 */
	{
		char a0[43];

		address_checksum(a0, v[0].account);
		CHECK(!strncmp(b.ptr, "{\"account\":\"", 12) &&
		      !strncmp(b.ptr + 12, a0, 42) &&
		      !strncmp(b.ptr + 54, "\",\"amount\":\"5\"}\n", 16));
	}
	CHECK(strstr(b.ptr, "\"amount\":\"" MAX_256 "\"}\n"));
	payout_lines_free(got, n);
	got = NULL;
	/* no lines: the empty blob */
	CHECK(payout_lines_parse(&got, &n, "", 0) == 0 && n == 0);
	payout_lines_free(got, n);
	/* many lines */
	big = xmalloc(1000 * sizeof(*big));
	for (unsigned i = 0; i < 1000; i++) {
		addr(big[i].account, i);
		mpz_init_set_ui(big[i].amount, 1 + i * 977u);
	}
	buf_clear(&b);
	payout_lines_format(&b, big, 1000);
	CHECK(payout_lines_parse(&got, &n, b.ptr, b.len) == 0);
	CHECK(same_lines(big, 1000, got, n));
	payout_lines_free(got, n);
	payout_lines_free(big, 1000);
	payout_lines_free(v, 4);
	buf_release(&b);
	buf_release(&again);
}

static void test_lines_refused(void)
{
	static const unsigned pairs[] = {1, 5, 2, 6};
	struct payout_line *v = lines(pairs, 2);
	struct buf b = BUF_INIT, s = BUF_INIT;
	char a1[43], a2[43];

	address_checksum(a1, v[0].account);
	address_checksum(a2, v[1].account);
	payout_lines_format(&b, v, 2);
	/* the valid blob, as a baseline for the single changes below */
	{
		struct payout_line *ok = NULL;
		size_t nok = 0;

		CHECK(payout_lines_parse(&ok, &nok, b.ptr, b.len) == 0);
		payout_lines_free(ok, nok);
	}

#define LINE(a, amt) "{\"account\":\"" a "\",\"amount\":\"" amt "\"}\n"
	buf_printf(&s, "{\"amount\":\"5\",\"account\":\"%s\"}\n", a1);
	CHECK(lines_refused(s.ptr, "payout line 1: not {\"account\""));
	CHECK(lines_refused(
		LINE(TOKEN_LOWER, "5"),
		"payout line 1: address " TOKEN_LOWER
		" is not spelt 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1"
		"BeAed (EIP-55)"));
	buf_clear(&s);
	buf_printf(&s, "{\"account\":\"%s\",\"amount\":\"01\"}\n", a1);
	CHECK(lines_refused(s.ptr, "a leading zero"));
	buf_clear(&s);
	buf_printf(&s, "{\"account\":\"%s\",\"amount\":\"0\"}\n", a1);
	CHECK(lines_refused(s.ptr, "an amount of zero"));
	buf_clear(&s);
	buf_printf(&s, "{\"account\":\"%s\",\"amount\":\"%s\"}\n", a1, TWO_256);
	CHECK(lines_refused(s.ptr, "over 2^256-1"));
	buf_clear(&s);
	buf_printf(&s, "{\"account\":\"%s\",\"amount\":\"%s000\"}\n", a1,
		   TWO_256);
	CHECK(lines_refused(s.ptr, "over 2^256-1"));
	/* descending, then duplicate */
	buf_clear(&s);
	buf_printf(&s, "{\"account\":\"%s\",\"amount\":\"1\"}\n", a2);
	buf_printf(&s, "{\"account\":\"%s\",\"amount\":\"1\"}\n", a1);
	CHECK(lines_refused(s.ptr, "payout line 2: account"));
	CHECK(lines_refused(s.ptr, "not after the account before it"));
	buf_clear(&s);
	buf_printf(&s, "{\"account\":\"%s\",\"amount\":\"1\"}\n", a1);
	buf_printf(&s, "{\"account\":\"%s\",\"amount\":\"2\"}\n", a1);
	CHECK(lines_refused(s.ptr, "not after the account before it"));
	/* the last newline missing */
	buf_clear(&s);
	buf_put(&s, b.ptr, b.len - 1);
	CHECK(lines_refused(s.ptr, "payout line 2: not"));
	CHECK(lines_refused(s.ptr, "and a newline"));
	/* spaces, anywhere */
	buf_clear(&s);
	buf_printf(&s, "{\"account\": \"%s\",\"amount\":\"1\"}\n", a1);
	CHECK(lines_refused(s.ptr, "payout line 1: not"));
	buf_clear(&s);
	buf_printf(&s, "{\"account\":\"%s\",\"amount\":\"1\"} \n", a1);
	CHECK(lines_refused(s.ptr, "payout line 1: not"));
	buf_clear(&s);
	buf_printf(&s, "{\"account\":\"%s\",\"amount\":\" 1\"}\n", a1);
	CHECK(lines_refused(s.ptr, "not a whole number of base units"));
	/* a NUL in the amount: the bytes after it must not be skipped */
	buf_clear(&s);
	buf_printf(&s, "{\"account\":\"%s\",\"amount\":\"1", a1);
	buf_put(&s, "\0\0x9\"}\n", 7);
	{
		struct payout_line *got = NULL;
		size_t n = 0;

		CHECK(payout_lines_parse(&got, &n, s.ptr, s.len) ==
		      PROV_EINVALID);
		CHECK(!got && !n);
		CHECK(strstr(prov_error_last(), "payout line 1: "));
	}
	/* another closing bracket */
	buf_clear(&s);
	buf_printf(&s, "{\"account\":\"%s\",\"amount\":\"1\"]\n", a1);
	CHECK(lines_refused(s.ptr, "payout line 1: not"));
	/* a CR before the newline, a blank line, a short address */
	buf_clear(&s);
	buf_printf(&s, "{\"account\":\"%s\",\"amount\":\"1\"}\r\n", a1);
	CHECK(lines_refused(s.ptr, "payout line 1: not"));
	CHECK(lines_refused("\n", "payout line 1: not"));
	CHECK(lines_refused(LINE("0x1234", "1"), "payout line 1: not"));
#undef LINE
	payout_lines_free(v, 2);
	buf_release(&b);
	buf_release(&s);
}

/* ---- the batch file ----------------------------------------------------- */

static void hex_sha256(char out[65], const struct buf *b)
{
	uint8_t d[32];

	sha256_buf(d, b->ptr, b->len);
	hex_encode(out, d, 32);
}

/* A valid batch: three paid (5, 1000, 7), one carried (9), treasury 3,
 * revenue 1020 and 5 carried in. The payload has every member the payout
 * record has. id: the payout's id, or NULL. */
static int make_doc(struct payout_doc *d, int with_id)
{
	static const unsigned paid[] = {1, 5, 2, 1000, 0x300, 7};
	static const unsigned carried[] = {7, 9};
	struct payout_line *p = lines(paid, 3), *c = lines(carried, 1);
	struct buf b = BUF_INIT;
	struct merkle *m = NULL;
	char amounts[65], carry[65], report_hex[65], root[67];
	char id[RECORD_ID_MAX];
	uint8_t digest[32];
	json_t *report, *payout, *policy = NULL;
	struct policy pol;
	int rc;

	if ((rc = payout_tree(&m, p, 3)))
		return rc;
	root[0] = '0';
	root[1] = 'x';
	hex_encode(root + 2, m->nodes[0], 32);
	merkle_free(m);
	payout_lines_format(&b, p, 3);
	hex_sha256(amounts, &b);
	buf_clear(&b);
	payout_lines_format(&b, c, 1);
	hex_sha256(carry, &b);
	buf_clear(&b);
	report = json_pack("[{s:s, s:s}, {s:s, s:i}]", "what", "optout", "work",
			   "sha256:00", "what", "unpaid", "units", 3);
	payout_report_format(&b, report);
	hex_sha256(report_hex, &b);
	buf_clear(&b);
	if (policy_parse(&pol, NULL))
		return -1;
	policy = json_incref(pol.json);
	policy_release(&pol);
	payout = json_pack(
		"{s:i, s:s, s:s, s:s, s:s, s:s, s:s, s:i, s:s, s:s, s:s, s:o, "
		"s:s, s:s, s:s, s:s, s:s, s:s, s:[s]}",
		"accounts", 3, "amounts", amounts, "asset", ASSET, "by",
		"did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
		"carried", "9", "carried_in", "5", "carry", carry, "decimals",
		18, "kind", "payout", "paid", "1012", "period", "2026-10",
		"policy", policy, "pool", "1025", "previous",
		"sha256:"
		"00000000000000000000000000000000000000000000000000000000000000"
		"01",
		"report", report_hex, "revenue", "1020", "root", root,
		"treasury", "4", "usage",
		"sha256:"
		"00000000000000000000000000000000000000000000000000000000000000"
		"02");
	if ((rc = jcs_encode(&b, payout)))
		return rc;
	sha256_buf(digest, b.ptr, b.len);
	sha256_id(id, digest);
	buf_release(&b);
	rc = payout_doc_from(d, with_id ? id : NULL, payout, p, 3, c, 1,
			     report);
	json_decref(payout);
	json_decref(report);
	return rc;
}

static int same_doc(const struct payout_doc *a, const struct payout_doc *b)
{
	return !strcmp(a->id, b->id) && json_equal(a->payout, b->payout) &&
	       !strcmp(a->asset.text, b->asset.text) &&
	       a->decimals == b->decimals && !strcmp(a->period, b->period) &&
	       !memcmp(a->root, b->root, 32) &&
	       !mpz_cmp(a->paid_total, b->paid_total) &&
	       same_lines(a->paid, a->npaid, b->paid, b->npaid) &&
	       same_lines(a->carried, a->ncarried, b->carried, b->ncarried) &&
	       json_equal(a->report, b->report);
}

static void test_doc_round_trip(void)
{
	struct payout_doc d, got;
	struct buf b = BUF_INIT, again = BUF_INIT;

	memset(&got, 0, sizeof(got));
	for (int with_id = 0; with_id < 2; with_id++) {
		CHECK(make_doc(&d, with_id) == 0);
		CHECK(mpz_cmp_ui(d.paid_total, 1012) == 0);
		CHECK(d.decimals == 18 && !strcmp(d.period, "2026-10"));
		CHECK_STR(d.asset.text, ASSET);
		CHECK(with_id ? !strncmp(d.id, "sha256:", 7) : !d.id[0]);
		buf_clear(&b);
		CHECK(payout_doc_format(&b, &d) == 0);
		CHECK(b.len && b.ptr[b.len - 1] == '\n' &&
		      b.ptr[b.len - 2] == '}');
		CHECK(payout_doc_parse(&got, b.ptr, b.len) == 0);
		CHECK(same_doc(&d, &got));
		buf_clear(&again);
		CHECK(payout_doc_format(&again, &got) == 0);
		CHECK(again.len == b.len && !memcmp(again.ptr, b.ptr, b.len));
		payout_doc_release(&got);
		payout_doc_release(&d);
	}
	buf_release(&b);
	buf_release(&again);
}

/* The valid batch file (no id) as JSON, for corrupting. */
static json_t *doc_json(void)
{
	struct payout_doc d;
	struct buf b = BUF_INIT;
	json_t *v = NULL;

	if (make_doc(&d, 0) || payout_doc_format(&b, &d) ||
	    json_parse(&v, b.ptr, b.len, "test"))
		abort();
	payout_doc_release(&d);
	buf_release(&b);
	return v;
}

/* The batch file v (taken) is refused, the message holding want. */
static int doc_refused(json_t *v, const char *want)
{
	struct payout_doc d;
	struct buf b = BUF_INIT;
	char *text = json_dumps(v, JSON_COMPACT | JSON_SORT_KEYS);
	int rc, ok;

	/* not JCS: some corruptions are values JCS refuses to write */
	if (!text)
		abort();
	buf_puts(&b, text);
	free(text);
	json_decref(v);
	prov_error_clear();
	rc = payout_doc_parse(&d, b.ptr, b.len);
	ok = rc == PROV_EINVALID && strstr(prov_error_last(), want);
	if (!ok)
		fprintf(stderr, "rc %d, message '%s', wanted '%s'\n", rc,
			prov_error_last(), want);
	payout_doc_release(&d);
	buf_release(&b);
	return ok;
}

#define PAYOUT(v) json_object_get((v), "payout")

static void test_doc_refused(void)
{
	json_t *v, *p;
	char root[67];

	/* the baseline is accepted */
	{
		struct payout_doc d;
		struct buf b = BUF_INIT;

		v = doc_json();
		CHECK(jcs_encode(&b, v) == 0);
		json_decref(v);
		CHECK(payout_doc_parse(&d, b.ptr, b.len) == 0);
		payout_doc_release(&d);
		buf_release(&b);
	}

	/* the root, one bit off */
	v = doc_json();
	p = PAYOUT(v);
	snprintf(root, sizeof(root), "%s",
		 json_string_value(json_object_get(p, "root")));
	root[65] = root[65] == '0' ? '1' : '0';
	json_object_set_new(p, "root", json_string(root));
	CHECK(doc_refused(v, "'root' is not the Merkle root of the paid"));

	v = doc_json();
	json_object_set_new(PAYOUT(v), "accounts", json_integer(2));
	CHECK(doc_refused(v, "'accounts' is not the 3 paid lines"));

	v = doc_json();
	json_object_set_new(PAYOUT(v), "paid", json_string("1013"));
	CHECK(doc_refused(v, "'paid' or 'carried' is not the sum"));

	v = doc_json();
	json_object_set_new(PAYOUT(v), "carried", json_string("8"));
	CHECK(doc_refused(v, "'paid' or 'carried' is not the sum"));

	v = doc_json();
	json_object_set_new(PAYOUT(v), "revenue", json_string("1021"));
	CHECK(doc_refused(v, "pool is not revenue + carried_in"));

	v = doc_json();
	json_object_set_new(PAYOUT(v), "treasury", json_string("5"));
	CHECK(doc_refused(v, "pool is not paid + carried + treasury"));

	/* pool moved with revenue: the first sum holds, the second not */
	v = doc_json();
	json_object_set_new(PAYOUT(v), "revenue", json_string("1021"));
	json_object_set_new(PAYOUT(v), "pool", json_string("1026"));
	CHECK(doc_refused(v, "pool is not paid + carried + treasury"));

	v = doc_json();
	json_object_set_new(PAYOUT(v), "amounts",
			    json_string("00000000000000000000000000000000000000"
					"00000000000000000000000000"));
	CHECK(doc_refused(v, "'amounts' is not the SHA-256 of its lines"));

	v = doc_json();
	json_object_set_new(PAYOUT(v), "carry", json_string("x"));
	CHECK(doc_refused(v, "'carry' is not the SHA-256 of its lines"));

	v = doc_json();
	json_object_set_new(PAYOUT(v), "report", json_string("x"));
	CHECK(doc_refused(v, "'report' is not the SHA-256 of its lines"));

	v = doc_json();
	json_object_set_new(v, "report", json_object());
	CHECK(doc_refused(v, "the report is not an array"));

	v = doc_json();
	json_array_append_new(json_object_get(v, "report"), json_integer(1));
	CHECK(doc_refused(v, "report entry 3 is not an object"));

	v = doc_json();
	json_object_set_new(PAYOUT(v), "asset", json_string(ASSET_LOWER));
	CHECK(doc_refused(v, "payout: asset '" ASSET_LOWER
			     "' is not spelt '" ASSET "'"));

	v = doc_json();
	json_object_set_new(PAYOUT(v), "asset", json_string("bitcoin"));
	CHECK(doc_refused(v, "payout: 'asset': asset 'bitcoin'"));

	v = doc_json();
	json_object_set_new(PAYOUT(v), "decimals", json_integer(78));
	CHECK(doc_refused(v, "'decimals' is not 0 to 77"));

	v = doc_json();
	json_object_set_new(PAYOUT(v), "decimals", json_integer(-1));
	CHECK(doc_refused(v, "'decimals' is not 0 to 77"));

	v = doc_json();
	json_object_set_new(PAYOUT(v), "decimals", json_string("18"));
	CHECK(doc_refused(v, "'decimals' is not 0 to 77"));

	v = doc_json();
	json_object_set_new(PAYOUT(v), "period", json_string("2026-13"));
	CHECK(doc_refused(v, "payout: 'period'"));

	v = doc_json();
	json_object_del(PAYOUT(v), "period");
	CHECK(doc_refused(v, "payout: no 'period'"));

	v = doc_json();
	json_object_set_new(PAYOUT(v), "kind", json_string("usage"));
	CHECK(doc_refused(v, "not a payout: 'kind' is not \"payout\""));

	v = doc_json();
	json_object_set_new(PAYOUT(v), "root", json_string("0x12"));
	CHECK(doc_refused(v, "'root' is not 0x and 64 hex digits"));

	v = doc_json();
	json_object_set_new(PAYOUT(v), "pool", json_integer(1025));
	CHECK(doc_refused(v, "'pool' is not a string of base units"));

	v = doc_json();
	json_object_set_new(PAYOUT(v), "pool", json_string("01025"));
	CHECK(doc_refused(v, "payout: 'pool': amount '01025': a leading"));

	/* a payout no record could hold: its JCS form (and so its id) does
	 * not exist, so the file could not be written back */
	v = doc_json();
	json_object_set_new(PAYOUT(v), "note", json_real(1.5));
	CHECK(doc_refused(v, "JSON number with a fraction or exponent"));

	v = doc_json();
	json_object_set_new(json_object_get(PAYOUT(v), "policy"), "parent",
			    json_integer(1ll << 60));
	CHECK(doc_refused(v, "is beyond 2^53-1"));

	/* an id that is not the payout's, or not a string */
	v = doc_json();
	json_object_set_new(v, "id",
			    json_string("sha256:000000000000000000000000000000"
					"0000000000000000000000000000000000"));
	CHECK(doc_refused(v, "is not the payout's id (sha256:"));

	v = doc_json();
	json_object_set_new(v, "id", json_integer(1));
	CHECK(doc_refused(v, "batch file: 'id' is not a string"));

	v = doc_json();
	json_object_set_new(v, "extra", json_true());
	CHECK(doc_refused(v, "batch file: not an object of 'payout'"));

	v = doc_json();
	json_object_del(v, "carried");
	CHECK(doc_refused(v, "batch file: not an object of 'payout'"));

	CHECK(doc_refused(json_array(), "batch file: not an object"));

	/* lines in the batch file */
	v = doc_json();
	json_object_set_new(json_array_get(json_object_get(v, "paid"), 1),
			    "amount", json_string("0"));
	CHECK(doc_refused(v, "'paid' entry 2: account"));

	v = doc_json();
	json_array_append(json_object_get(v, "paid"),
			  json_array_get(json_object_get(v, "paid"), 0));
	CHECK(doc_refused(v, "'paid' entry 4: account"));

	v = doc_json();
	json_object_set_new(json_array_get(json_object_get(v, "carried"), 0),
			    "memo", json_string("x"));
	CHECK(doc_refused(v, "'carried' entry 1 is not {\"account\""));

	v = doc_json();
	json_object_set_new(v, "paid", json_object());
	CHECK(doc_refused(v, "'paid' is not an array"));
}

/* Bytes that are not a batch file at all. */
static void test_doc_not_json(void)
{
	static const char *const bad[] = {
		"", "{", "null", "[]", "{\"payout\":1}", "{\"a\":1,\"a\":2}"};
	struct payout_doc d;

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		CHECK(payout_doc_parse(&d, bad[i], strlen(bad[i])) ==
		      PROV_EINVALID);
		payout_doc_release(&d);
	}
}

static void test_doc_find(void)
{
	struct payout_doc d;
	uint8_t a[20];

	CHECK(make_doc(&d, 0) == 0);
	addr(a, 1);
	CHECK(payout_doc_find(&d, a) == 0);
	addr(a, 2);
	CHECK(payout_doc_find(&d, a) == 1);
	addr(a, 0x300);
	CHECK(payout_doc_find(&d, a) == 2);
	addr(a, 7); /* carried, not paid */
	CHECK(payout_doc_find(&d, a) == -1);
	addr(a, 0);
	CHECK(payout_doc_find(&d, a) == -1);
	addr(a, 0xffff);
	CHECK(payout_doc_find(&d, a) == -1);
	memset(a, 0, 20);
	CHECK(payout_doc_find(&d, a) == -1);
	payout_doc_release(&d);
	/* no paid lines */
	memset(&d, 0, sizeof(d));
	CHECK(payout_doc_find(&d, a) == -1);
}

int main(void)
{
	RUN(test_lines_round_trip);
	RUN(test_lines_refused);
	RUN(test_doc_round_trip);
	RUN(test_doc_refused);
	RUN(test_doc_not_json);
	RUN(test_doc_find);
	return unit_done();
}
