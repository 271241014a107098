/* Exact allocation (royalties/alloc.c): hand-computed cases where the
 * largest remainder matters, and a randomized comparison with a plain mpq
 * reference written here from the definition. */
#include <stdlib.h>
#include <time.h>

#include "royalties/royalties.h"
#include "unit.h"

typedef unsigned __int128 u128;

/* Address number k: k in the last two bytes, so addresses sort by k. */
static const uint8_t *A(unsigned k)
{
	static uint8_t a[64][20];
	static unsigned next;
	uint8_t *p = a[next++ % 64];

	memset(p, 0, 20);
	p[18] = (uint8_t)(k >> 8);
	p[19] = (uint8_t)k;
	return p;
}

static void slice_ui(struct alloc *a, unsigned long num, unsigned long den)
{
	mpz_t n, d;

	mpz_init_set_ui(n, num);
	mpz_init_set_ui(d, den);
	alloc_slice(a, n, d);
	mpz_clears(n, d, NULL);
}

/* The amounts of r as "k=amount ..." then "t=treasury". */
static char *show(const struct alloc_result *r)
{
	static char out[4096];
	size_t n = 0;

	out[0] = '\0';
	for (size_t i = 0; i < r->n; i++)
		n += (size_t)gmp_snprintf(out + n, sizeof(out) - n, "%u=%Zd ",
					  r->v[i].account[18] << 8 |
						  r->v[i].account[19],
					  r->v[i].amount);
	gmp_snprintf(out + n, sizeof(out) - n, "t=%Zd", r->treasury);
	return out;
}

/* Finishes a and checks the amounts against want (show()'s format). */
static int finish_is(struct alloc *a, const char *want, const char *total)
{
	struct alloc_result r;
	int ok;

	if (alloc_finish(&r, a)) {
		fprintf(stderr, "alloc_finish: %s\n", prov_error_last());
		alloc_result_release(&r);
		return 0;
	}
	ok = strcmp(show(&r), want) == 0 &&
	     mpz_cmp_ui(r.total, strtoul(total, NULL, 10)) == 0;
	if (!ok)
		gmp_fprintf(stderr, "got %s total %Zd, want %s total %s\n",
			    show(&r), r.total, want, total);
	alloc_result_release(&r);
	return ok;
}

static void test_three_equal(void)
{
	struct alloc *a = alloc_new();

	/* 100 / 3 = 33 1/3 each: the one extra unit to the smallest address */
	slice_ui(a, 100, 1);
	alloc_add(a, A(3), 1);
	alloc_add(a, A(1), 1);
	alloc_add(a, A(2), 1);
	CHECK(finish_is(a, "1=34 2=33 3=33 t=0", "100"));
	alloc_free(a);
}

static void test_treasury_tie(void)
{
	struct alloc *a = alloc_new();

	/* half a unit each: the address wins the tie */
	slice_ui(a, 1, 1);
	alloc_add(a, NULL, 5);
	alloc_add(a, A(200), 5);
	CHECK(finish_is(a, "200=1 t=0", "1"));
	alloc_free(a);

	/* a larger remainder still beats the address */
	a = alloc_new();
	slice_ui(a, 1, 1);
	alloc_add(a, NULL, 6);
	alloc_add(a, A(200), 4);
	CHECK(finish_is(a, "200=0 t=1", "1"));
	alloc_free(a);
}

static void test_floor_of_sum(void)
{
	struct alloc *a = alloc_new();

	/* 1/2 + 1/2 = 1 for account 1: floored as a sum, not per slice
	 * (which would leave it 0 and give two leftover units away) */
	slice_ui(a, 1, 1);
	alloc_add(a, A(1), 1);
	alloc_add(a, A(2), 1);
	slice_ui(a, 1, 1);
	alloc_add(a, A(1), 1);
	alloc_add(a, A(3), 1);
	CHECK(finish_is(a, "1=1 2=1 3=0 t=0", "2"));
	alloc_free(a);
}

static void test_denominators(void)
{
	struct alloc *a = alloc_new();

	/* 10/3 over 1:1, 2:2 and 5/3 over 1 alone: 1 gets 10/9 + 15/9 =
	 * 25/9, 2 gets 20/9; floors 2 and 2, the unit left to 1 (7/9) */
	slice_ui(a, 10, 3);
	alloc_add(a, A(2), 2);
	alloc_add(a, A(1), 1);
	slice_ui(a, 5, 3);
	alloc_add(a, A(1), 7);
	CHECK(finish_is(a, "1=3 2=2 t=0", "5"));
	alloc_free(a);

	/* thirds, sevenths and halves summing to 6: 7/3 + 16/7 + ... */
	a = alloc_new();
	slice_ui(a, 7, 3); /* 1: 7/6, 2: 7/6 */
	alloc_add(a, A(1), 1);
	alloc_add(a, A(2), 1);
	slice_ui(a, 16, 7); /* 2: 16/7 */
	alloc_add(a, A(2), 3);
	/* 6 - 7/3 - 16/7 = (126 - 49 - 48) / 21 = 29/21, to 3 and treasury */
	slice_ui(a, 29, 21);
	alloc_add(a, A(3), 1);
	alloc_add(a, NULL, 1);
	/* 1: 7/6 = 1.1667; 2: 7/6 + 16/7 = 3.452; 3: 29/42 = 0.690;
	 * t: 0.690. floors 1, 3, 0, 0 = 4; 2 left: 3 (0.690, before the
	 * treasury on the tie), then the treasury (0.690 > 0.452) */
	CHECK(finish_is(a, "1=1 2=3 3=1 t=1", "6"));
	alloc_free(a);
}

static void test_zero_weight_slice(void)
{
	struct alloc *a = alloc_new();

	slice_ui(a, 7, 1); /* no weights at all */
	slice_ui(a, 10, 1);
	alloc_add(a, A(1), 0); /* zero weights only: nobody's */
	alloc_add(a, A(2), 0);
	slice_ui(a, 4, 1);
	alloc_add(a, A(3), 2);
	alloc_add(a, A(4), 0); /* not an account of the result */
	CHECK(finish_is(a, "3=4 t=17", "21"));
	alloc_free(a);

	/* a slice worth nothing still lists its accounts, with 0 */
	a = alloc_new();
	slice_ui(a, 0, 1);
	alloc_add(a, A(9), 3);
	CHECK(finish_is(a, "9=0 t=0", "0"));
	alloc_free(a);

	/* nothing at all */
	a = alloc_new();
	CHECK(finish_is(a, "t=0", "0"));
	alloc_free(a);
}

static void test_duplicates(void)
{
	struct alloc *a = alloc_new();

	slice_ui(a, 12, 1);
	alloc_add(a, A(1), 1);
	alloc_add(a, A(2), 1);
	alloc_add(a, A(1), 2);
	alloc_add(a, NULL, 1);
	alloc_add(a, NULL, 1);
	CHECK(finish_is(a, "1=6 2=2 t=4", "12"));
	alloc_free(a);
}

static void test_large_weights(void)
{
	struct alloc *a = alloc_new();
	u128 big = (u128)1 << 127;

	/* the sums pass 2^128 */
	slice_ui(a, 100, 1);
	alloc_add(a, A(1), big);
	alloc_add(a, A(1), big);
	alloc_add(a, A(1), big);
	alloc_add(a, A(2), big);
	alloc_add(a, A(2), ~(u128)0);
	alloc_add(a, A(2), 1);
	/* 1: 3 × 2^127, 2: 3 × 2^127 as well: 50 each */
	CHECK(finish_is(a, "1=50 2=50 t=0", "100"));
	alloc_free(a);
}

static void test_refused(void)
{
	struct alloc_result r;
	struct alloc *a = alloc_new();
	mpz_t n, d;

	slice_ui(a, 1, 2);
	alloc_add(a, A(1), 1);
	CHECK(alloc_finish(&r, a) == PROV_EINVALID);
	CHECK_STR(prov_error_last(),
		  "slices do not sum to a whole number of units");
	alloc_result_release(&r);
	alloc_free(a);

	/* exactly 2^256 - 1 is fine, one more is not */
	mpz_inits(n, d, NULL);
	mpz_ui_pow_ui(n, 2, 256);
	mpz_sub_ui(n, n, 1);
	mpz_set_ui(d, 1);
	a = alloc_new();
	alloc_slice(a, n, d);
	alloc_add(a, A(1), 3);
	alloc_add(a, A(2), 5);
	CHECK(alloc_finish(&r, a) == 0);
	CHECK(mpz_cmp(r.total, n) == 0);
	alloc_result_release(&r);
	slice_ui(a, 1, 1);
	CHECK(alloc_finish(&r, a) == PROV_EINVALID);
	CHECK(strstr(prov_error_last(), "2^256-1"));
	alloc_result_release(&r);
	alloc_free(a);

	/* finishing twice gives the same; a weight after it needs a slice */
	a = alloc_new();
	slice_ui(a, 10, 1);
	alloc_add(a, A(1), 1);
	alloc_add(a, A(2), 2);
	CHECK(finish_is(a, "1=3 2=7 t=0", "10"));
	CHECK(finish_is(a, "1=3 2=7 t=0", "10"));
	slice_ui(a, 5, 1);
	alloc_add(a, A(1), 1);
	CHECK(finish_is(a, "1=8 2=7 t=0", "15"));
	alloc_add(a, A(1), 1);
	CHECK(alloc_finish(&r, a) == PROV_EINVALID);
	CHECK(strstr(prov_error_last(), "outside a slice"));
	alloc_result_release(&r);
	alloc_free(a);

	/* against the contract */
	a = alloc_new();
	alloc_add(a, A(1), 1);
	CHECK(alloc_finish(&r, a) == PROV_EINVALID);
	alloc_result_release(&r);
	alloc_free(a);
	a = alloc_new();
	mpz_set_si(n, -1);
	alloc_slice(a, n, d);
	CHECK(alloc_finish(&r, a) == PROV_EINVALID);
	alloc_result_release(&r);
	alloc_free(a);
	mpz_clears(n, d, NULL);
}

/* ---- the randomized comparison ------------------------------------------- */

static uint64_t rng;
static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

#define MAXACC	 40
#define MAXSLICE 6
#define TREASURY MAXACC

struct ref_acc {
	uint8_t addr[20];
	int treasury;
	mpq_t share; /* exact */
	mpz_t amount;
	mpq_t rem;
	int weighted;
};

static void mpz_set_u128(mpz_t out, u128 x)
{
	mpz_set_ui(out, (unsigned long)(x >> 64));
	mpz_mul_2exp(out, out, 64);
	mpz_add_ui(out, out, (unsigned long)x);
}

/* remainder desc, address asc, the treasury last */
static int by_remainder(const void *x, const void *y)
{
	const struct ref_acc *a = *(struct ref_acc *const *)x,
			     *b = *(struct ref_acc *const *)y;
	int d = mpq_cmp(b->rem, a->rem);

	if (d)
		return d;
	if (a->treasury != b->treasury)
		return a->treasury - b->treasury;
	return memcmp(a->addr, b->addr, 20);
}

static int by_address(const void *x, const void *y)
{
	const struct ref_acc *a = *(struct ref_acc *const *)x,
			     *b = *(struct ref_acc *const *)y;

	return memcmp(a->addr, b->addr, 20);
}

/* One random allocation, by alloc.c and by the definition; 1 if they
 * agree. */
static int one_random(uint64_t seed)
{
	struct ref_acc acc[MAXACC + 1];
	struct ref_acc *order[MAXACC + 1];
	mpz_t wgt[MAXACC + 1], wsum, z, sum;
	mpq_t value, total, q;
	struct alloc_result r;
	struct alloc *a = alloc_new();
	size_t nacc, nslice, norder = 0;
	int ok = 1;

	rng = seed * 0x9e3779b97f4a7c15ULL + 1;
	nacc = 1 + next() % MAXACC;
	nslice = 1 + next() % MAXSLICE;
	mpz_inits(wsum, z, sum, NULL);
	mpq_inits(value, total, q, NULL);
	for (size_t i = 0; i <= MAXACC; i++) {
		memset(acc[i].addr, 0, 20);
		/* shared prefixes, so the hash and the sort see near misses;
		 * byte 19 keeps them distinct */
		acc[i].addr[0] = (uint8_t)(next() % 3);
		acc[i].addr[1] = (uint8_t)(next() % 2);
		acc[i].addr[10] = (uint8_t)next();
		acc[i].addr[19] = (uint8_t)i;
		acc[i].treasury = i == TREASURY;
		acc[i].weighted = 0;
		mpq_inits(acc[i].share, acc[i].rem, NULL);
		mpz_inits(acc[i].amount, wgt[i], NULL);
	}
	for (size_t s = 0; s < nslice; s++) {
		static const unsigned long dens[] = {1,	 2,  3,	     7,
						     10, 12, 1000003};
		mpz_set_ui(mpq_numref(value), next() % 100000);
		mpz_set_ui(mpq_denref(value), dens[next() % 7]);
		if (next() % 5 == 0) /* now and then, values near 2^200 */
			mpz_mul_2exp(mpq_numref(value), mpq_numref(value), 200);
		mpq_canonicalize(value);
		if (s == nslice - 1) {
			/* the last slice tops the total up to a whole number */
			mpq_add(q, total, value);
			mpz_cdiv_q(z, mpq_numref(q), mpq_denref(q));
			mpq_set_z(q, z);
			mpq_sub(value, q, total);
		}
		mpq_add(total, total, value);
		alloc_slice(a, mpq_numref(value), mpq_denref(value));

		size_t nadd = next() % 8 == 0 ? 0 : next() % 60;
		for (size_t i = 0; i <= MAXACC; i++)
			mpz_set_ui(wgt[i], 0);
		for (size_t k = 0; k < nadd; k++) {
			size_t i = next() % (nacc + 1);
			u128 x;
			if (i == nacc)
				i = TREASURY;
			switch (next() % 4) {
			case 0: x = 0; break;
			case 1: x = 1 + next() % 3; break;
			case 2: x = next(); break;
			default:
				x = ((u128)next() << 64 | next()) >>
				    (next() % 8);
			}
			alloc_add(a, i == TREASURY ? NULL : acc[i].addr, x);
			mpz_set_u128(z, x);
			mpz_add(wgt[i], wgt[i], z);
		}
		mpz_set_ui(wsum, 0);
		for (size_t i = 0; i <= MAXACC; i++)
			mpz_add(wsum, wsum, wgt[i]);
		if (mpz_sgn(wsum) == 0) {
			mpq_add(acc[TREASURY].share, acc[TREASURY].share,
				value);
			continue;
		}
		for (size_t i = 0; i <= MAXACC; i++) {
			if (mpz_sgn(wgt[i]) == 0)
				continue;
			acc[i].weighted = 1;
			/* value × w / W */
			mpq_set_z(q, wgt[i]);
			mpq_mul(q, q, value);
			mpz_mul(mpq_denref(q), mpq_denref(q), wsum);
			mpq_canonicalize(q);
			mpq_add(acc[i].share, acc[i].share, q);
		}
	}

	/* floors, remainders, and the leftover units */
	mpz_set_ui(sum, 0);
	for (size_t i = 0; i <= MAXACC; i++) {
		mpz_fdiv_q(acc[i].amount, mpq_numref(acc[i].share),
			   mpq_denref(acc[i].share));
		mpq_set_z(q, acc[i].amount);
		mpq_sub(acc[i].rem, acc[i].share, q);
		mpz_add(sum, sum, acc[i].amount);
		if (acc[i].weighted || i == TREASURY)
			order[norder++] = &acc[i];
	}
	mpz_sub(z, mpq_numref(total), sum); /* whole, by construction */
	qsort(order, norder, sizeof(*order), by_remainder);
	for (size_t k = 0; mpz_cmp_ui(z, k) > 0; k++)
		mpz_add_ui(order[k]->amount, order[k]->amount, 1);

	/* alloc.c's answer: the same accounts, in address order */
	if (alloc_finish(&r, a)) {
		fprintf(stderr, "seed %llu: %s\n", (unsigned long long)seed,
			prov_error_last());
		ok = 0;
		goto done;
	}
	norder = 0;
	for (size_t i = 0; i < MAXACC; i++)
		if (acc[i].weighted)
			order[norder++] = &acc[i];
	qsort(order, norder, sizeof(*order), by_address);
	ok = r.n == norder && mpz_cmp(r.treasury, acc[TREASURY].amount) == 0 &&
	     mpz_cmp(r.total, mpq_numref(total)) == 0;
	mpz_set(sum, r.treasury);
	for (size_t i = 0; ok && i < r.n; i++) {
		ok = memcmp(r.v[i].account, order[i]->addr, 20) == 0 &&
		     mpz_cmp(r.v[i].amount, order[i]->amount) == 0;
		mpz_add(sum, sum, r.v[i].amount);
	}
	/* the whole total, to the unit */
	ok = ok && mpz_cmp(sum, r.total) == 0;
	if (!ok)
		fprintf(stderr, "seed %llu: alloc.c and the reference differ\n",
			(unsigned long long)seed);
done:
	alloc_result_release(&r);
	alloc_free(a);
	for (size_t i = 0; i <= MAXACC; i++) {
		mpq_clears(acc[i].share, acc[i].rem, NULL);
		mpz_clears(acc[i].amount, wgt[i], NULL);
	}
	mpz_clears(wsum, z, sum, NULL);
	mpq_clears(value, total, q, NULL);
	return ok;
}

static void test_random(void)
{
	/* ROYALTIES_SEED=n replays one seed; otherwise fixed seeds plus a
	 * few new ones each run */
	const char *env = getenv("ROYALTIES_SEED");
	uint64_t base = env ? strtoull(env, NULL, 10) : 1;
	size_t n = env ? 1 : 3000;

	for (size_t i = 0; i < n; i++)
		CHECK(one_random(base + i));
	if (!env) {
		uint64_t t = (uint64_t)time(NULL) * 1000;
		for (size_t i = 0; i < 300; i++)
			CHECK(one_random(t + i));
	}
}

int main(void)
{
	RUN(test_three_equal);
	RUN(test_treasury_tie);
	RUN(test_floor_of_sum);
	RUN(test_denominators);
	RUN(test_zero_weight_slice);
	RUN(test_duplicates);
	RUN(test_large_weights);
	RUN(test_refused);
	RUN(test_random);
	return unit_done();
}
