/* Settling a batch (royalties/batch.c): the minimum, the cap on accounts,
 * carry-in, the books balancing, and the payout tree. */
#include <stdlib.h>

#include "royalties/royalties.h"
#include "unit.h"

/* Address number k: k in the last two bytes, so addresses sort by k. */
static void addr(uint8_t out[20], unsigned k)
{
	memset(out, 0, 20);
	out[18] = (uint8_t)(k >> 8);
	out[19] = (uint8_t)k;
}

/* An allocation of exact amounts: "k=amount" pairs, k = 0 the treasury. */
static void allocate(struct alloc_result *out, const unsigned *pairs, size_t n)
{
	struct alloc *a = alloc_new();
	mpz_t num, den;
	uint8_t ad[20];
	unsigned long total = 0;

	for (size_t i = 0; i < n; i++)
		total += pairs[2 * i + 1];
	mpz_init_set_ui(num, total);
	mpz_init_set_ui(den, 1);
	alloc_slice(a, num, den);
	for (size_t i = 0; i < n; i++) {
		addr(ad, pairs[2 * i]);
		alloc_add(a, pairs[2 * i] ? ad : NULL, pairs[2 * i + 1]);
	}
	if (alloc_finish(out, a))
		abort();
	alloc_free(a);
	mpz_clears(num, den, NULL);
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

static char *show(const struct payout_line *v, size_t n)
{
	static char out[2][1024];
	static int which;
	char *o = out[which++ % 2];
	size_t len = 0;

	o[0] = '\0';
	for (size_t i = 0; i < n; i++)
		len += (size_t)gmp_snprintf(
			o + len, 1024 - len, "%s%u=%Zd", i ? " " : "",
			v[i].account[18] << 8 | v[i].account[19], v[i].amount);
	return o;
}

/* The books: pool = revenue + carried_in = paid + carried + treasury, and
 * the totals are the sums of the lines. */
static int balanced(const struct settlement *s)
{
	mpz_t x;
	int ok;

	mpz_init(x);
	mpz_add(x, s->revenue, s->carried_in);
	ok = mpz_cmp(x, s->pool) == 0;
	mpz_add(x, s->paid_total, s->carried_total);
	mpz_add(x, x, s->treasury);
	ok = ok && mpz_cmp(x, s->pool) == 0;
	mpz_set_ui(x, 0);
	for (size_t i = 0; i < s->npaid; i++) {
		ok = ok && mpz_sgn(s->paid[i].amount) > 0;
		mpz_add(x, x, s->paid[i].amount);
	}
	ok = ok && mpz_cmp(x, s->paid_total) == 0;
	mpz_set_ui(x, 0);
	for (size_t i = 0; i < s->ncarried; i++) {
		ok = ok && mpz_sgn(s->carried[i].amount) > 0;
		mpz_add(x, x, s->carried[i].amount);
	}
	ok = ok && mpz_cmp(x, s->carried_total) == 0;
	mpz_clear(x);
	return ok;
}

/* The root of paid, computed leaf by leaf here. */
static int root_is_of_paid(const struct settlement *s)
{
	uint8_t(*leaves)[32], amount[32], zero[32] = {0};
	struct merkle *m = NULL;
	int ok;

	if (s->npaid == 0)
		return memcmp(s->root, zero, 32) == 0;
	leaves = xmalloc(s->npaid * sizeof(*leaves));
	for (size_t i = 0; i < s->npaid; i++) {
		amount_u256(amount, s->paid[i].amount);
		merkle_leaf_address_uint256(leaves[s->npaid - 1 - i],
					    s->paid[i].account, amount);
	}
	ok = merkle_build(&m, (const uint8_t(*)[32])leaves, s->npaid) == 0 &&
	     memcmp(m->nodes[0], s->root, 32) == 0;
	merkle_free(m);
	free(leaves);
	return ok;
}

static void test_minimum(void)
{
	static const unsigned al[] = {1, 5, 2, 50, 3, 10, 4, 0, 0, 7};
	struct alloc_result r;
	struct settlement s;
	mpz_t min;

	allocate(&r, al, 5);
	mpz_init_set_ui(min, 10);
	CHECK(settle(&s, &r, NULL, 0, min, 100) == 0);
	/* 4 had nothing: it vanishes; 3 reaches the minimum exactly */
	CHECK_STR(show(s.paid, s.npaid), "2=50 3=10");
	CHECK_STR(show(s.carried, s.ncarried), "1=5");
	CHECK(mpz_cmp_ui(s.revenue, 72) == 0);
	CHECK(mpz_cmp_ui(s.treasury, 7) == 0);
	CHECK(mpz_cmp_ui(s.carried_in, 0) == 0);
	CHECK(mpz_cmp_ui(s.paid_total, 60) == 0);
	CHECK(balanced(&s));
	CHECK(root_is_of_paid(&s));
	settlement_release(&s);

	/* a minimum nobody reaches: everything carried, a zero root */
	mpz_set_ui(min, 1000);
	CHECK(settle(&s, &r, NULL, 0, min, 100) == 0);
	CHECK(s.npaid == 0);
	CHECK_STR(show(s.carried, s.ncarried), "1=5 2=50 3=10");
	CHECK(balanced(&s));
	CHECK(root_is_of_paid(&s));
	settlement_release(&s);

	/* minimum 0: everyone with something */
	mpz_set_ui(min, 0);
	CHECK(settle(&s, &r, NULL, 0, min, 100) == 0);
	CHECK_STR(show(s.paid, s.npaid), "1=5 2=50 3=10");
	CHECK(s.ncarried == 0);
	CHECK(root_is_of_paid(&s));
	settlement_release(&s);
	alloc_result_release(&r);
	mpz_clear(min);
}

static void test_max_accounts(void)
{
	static const unsigned al[] = {4, 40, 1, 30, 2, 30, 3, 20, 5, 1};
	struct alloc_result r;
	struct settlement s;
	mpz_t min;

	allocate(&r, al, 5);
	mpz_init_set_ui(min, 2);
	/* the two largest; 1 and 2 tie at 30 and the smaller address wins */
	CHECK(settle(&s, &r, NULL, 0, min, 2) == 0);
	CHECK_STR(show(s.paid, s.npaid), "1=30 4=40");
	CHECK_STR(show(s.carried, s.ncarried), "2=30 3=20 5=1");
	CHECK(balanced(&s));
	CHECK(root_is_of_paid(&s));
	settlement_release(&s);

	CHECK(settle(&s, &r, NULL, 0, min, 1) == 0);
	CHECK_STR(show(s.paid, s.npaid), "4=40");
	settlement_release(&s);
	CHECK(settle(&s, &r, NULL, 0, min, 4) == 0);
	CHECK_STR(show(s.paid, s.npaid), "1=30 2=30 3=20 4=40");
	CHECK_STR(show(s.carried, s.ncarried), "5=1");
	settlement_release(&s);
	/* exactly as many as eligible */
	CHECK(settle(&s, &r, NULL, 0, min, 4) == 0);
	CHECK(s.npaid == 4);
	settlement_release(&s);

	CHECK(settle(&s, &r, NULL, 0, min, 0) == PROV_EINVALID);
	settlement_release(&s);
	alloc_result_release(&r);
	mpz_clear(min);
}

static void test_carry_in(void)
{
	static const unsigned al[] = {2, 6, 4, 3, 6, 20, 0, 1};
	/* 1 and 7 only carried; 2 and 6 both; 5 carried nothing */
	static const unsigned ci[] = {1, 4, 2, 5, 6, 1, 7, 12};
	struct payout_line *carry = lines(ci, 4);
	struct alloc_result r;
	struct settlement s;
	mpz_t min;

	allocate(&r, al, 4);
	mpz_init_set_ui(min, 10);
	CHECK(settle(&s, &r, carry, 4, min, 10) == 0);
	/* totals: 1=4 2=11 4=3 6=21 7=12 */
	CHECK_STR(show(s.paid, s.npaid), "2=11 6=21 7=12");
	CHECK_STR(show(s.carried, s.ncarried), "1=4 4=3");
	CHECK(mpz_cmp_ui(s.revenue, 30) == 0);
	CHECK(mpz_cmp_ui(s.carried_in, 22) == 0);
	CHECK(mpz_cmp_ui(s.pool, 52) == 0);
	CHECK(mpz_cmp_ui(s.paid_total, 44) == 0);
	CHECK(mpz_cmp_ui(s.carried_total, 7) == 0);
	CHECK(mpz_cmp_ui(s.treasury, 1) == 0);
	CHECK(balanced(&s));
	CHECK(root_is_of_paid(&s));
	settlement_release(&s);

	/* the carried lines feed the next batch: an empty allocation pays
	 * them once they reach the minimum */
	struct alloc_result empty;
	static const unsigned none[] = {0, 0};
	allocate(&empty, none, 0);
	mpz_set_ui(min, 4);
	CHECK(settle(&s, &empty, carry, 4, min, 10) == 0);
	CHECK_STR(show(s.paid, s.npaid), "1=4 2=5 7=12");
	CHECK_STR(show(s.carried, s.ncarried), "6=1");
	CHECK(balanced(&s));
	settlement_release(&s);
	alloc_result_release(&empty);

	/* unsorted, or an account twice */
	mpz_swap(carry[1].amount, carry[2].amount);
	memcpy(carry[1].account, carry[2].account, 20);
	CHECK(settle(&s, &r, carry, 4, min, 10) == PROV_EINVALID);
	CHECK(strstr(prov_error_last(), "twice"));
	settlement_release(&s);
	addr(carry[1].account, 9);
	CHECK(settle(&s, &r, carry, 4, min, 10) == PROV_EINVALID);
	CHECK(strstr(prov_error_last(), "sorted"));
	settlement_release(&s);

	payout_lines_free(carry, 4);
	alloc_result_release(&r);
	mpz_clear(min);
}

/* A bigger random batch: the books balance, paid is sorted, and the cap
 * and minimum hold. */
static void test_random(void)
{
	struct alloc *a = alloc_new();
	struct alloc_result r;
	struct settlement s;
	uint64_t x = 12345;
	mpz_t num, den, min;
	uint8_t ad[20];
	struct payout_line *carry;

	mpz_init_set_str(num, "1000000000000000000000000", 10);
	mpz_init_set_ui(den, 1);
	mpz_init_set_ui(min, 1000000000000000000UL);
	alloc_slice(a, num, den);
	for (int i = 0; i < 20000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		memset(ad, 0, 20);
		memcpy(ad, &x, 2);
		alloc_add(a, ad, x % 100000);
	}
	CHECK(alloc_finish(&r, a) == 0);
	carry = xmalloc(r.n * sizeof(*carry));
	for (size_t i = 0; i < r.n; i++) {
		memcpy(carry[i].account, r.v[i].account, 20);
		mpz_init_set_ui(carry[i].amount, i % 3);
	}
	CHECK(settle(&s, &r, carry, r.n, min, 1000) == 0);
	CHECK(s.npaid == 1000);
	CHECK(balanced(&s));
	CHECK(root_is_of_paid(&s));
	for (size_t i = 1; i < s.npaid; i++)
		CHECK(memcmp(s.paid[i - 1].account, s.paid[i].account, 20) < 0);
	for (size_t i = 1; i < s.ncarried; i++)
		CHECK(memcmp(s.carried[i - 1].account, s.carried[i].account,
			     20) < 0);
	/* every carried line at or over the minimum is no larger than the
	 * smallest paid */
	size_t least = 0;
	for (size_t j = 1; j < s.npaid; j++)
		if (mpz_cmp(s.paid[j].amount, s.paid[least].amount) < 0)
			least = j;
	CHECK(mpz_cmp(s.paid[least].amount, min) >= 0);
	for (size_t i = 0; i < s.ncarried; i++)
		CHECK(mpz_cmp(s.carried[i].amount, min) < 0 ||
		      mpz_cmp(s.carried[i].amount, s.paid[least].amount) <= 0);
	settlement_release(&s);
	payout_lines_free(carry, r.n);
	alloc_result_release(&r);
	alloc_free(a);
	mpz_clears(num, den, min, NULL);
}

static void test_payout_tree(void)
{
	static const unsigned pl[] = {3, 7, 1, 9, 2, 1};
	struct payout_line *v = lines(pl, 3);
	struct merkle *m = NULL, *m2 = NULL;
	uint8_t leaf[32], amount[32], (*proof)[32] = NULL;
	size_t n;

	CHECK(payout_tree(&m, v, 3) == 0);
	CHECK(m->nleaves == 3);
	/* the leaf of line 1, proven against the root */
	amount_u256(amount, v[1].amount);
	merkle_leaf_address_uint256(leaf, v[1].account, amount);
	CHECK(merkle_proof(&proof, &n, m, 1) == 0);
	CHECK(merkle_verify(m->nodes[0], leaf, (const uint8_t(*)[32])proof,
			    n) == 0);
	free(proof);
	/* any order: the same root */
	mpz_swap(v[0].amount, v[2].amount);
	uint8_t t[20];
	memcpy(t, v[0].account, 20);
	memcpy(v[0].account, v[2].account, 20);
	memcpy(v[2].account, t, 20);
	CHECK(payout_tree(&m2, v, 3) == 0);
	CHECK(memcmp(m->nodes[0], m2->nodes[0], 32) == 0);
	merkle_free(m2);
	m2 = NULL;
	/* another amount: another root */
	mpz_add_ui(v[0].amount, v[0].amount, 1);
	CHECK(payout_tree(&m2, v, 3) == 0);
	CHECK(memcmp(m->nodes[0], m2->nodes[0], 32) != 0);
	merkle_free(m2);
	merkle_free(m);
	CHECK(payout_tree(&m, v, 0) == PROV_EINVALID);
	payout_lines_free(v, 3);
}

int main(void)
{
	RUN(test_minimum);
	RUN(test_max_accounts);
	RUN(test_carry_in);
	RUN(test_random);
	RUN(test_payout_tree);
	return unit_done();
}
