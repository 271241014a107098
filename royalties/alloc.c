/* Exact allocation: slices of value split in proportion to weights, every
 * share floored and the leftover units given to the largest remainders.
 *
 * Built for a million accounts and ten million alloc_add calls. A slice's
 * weights are summed in 192-bit machine integers (a 128-bit sum and a count
 * of its carries) per account, found by an open-addressing hash of the
 * 20-byte address; only when the allocation is finished does GMP see one
 * numerator per account, over one common denominator D = lcm of every
 * slice's den × W (usually a handful of slices, so D stays small). */
#include <stdlib.h>
#include <string.h>

#include <sodium.h>

#include "royalties/internal.h"
#include "royalties/royalties.h"

typedef unsigned __int128 u128;

/* A 192-bit weight: lo plus hi × 2^128. */
struct wsum {
	u128 lo;
	uint64_t hi;
};

struct entry {
	struct wsum w;
	uint32_t idx; /* dense account index; 0 is the treasury */
};

struct slice {
	mpq_t value; /* num/den units */
	struct entry *v;
	size_t n;
	struct wsum total; /* W: the sum of v's weights */
};

struct alloc {
	uint8_t (*addr)[20]; /* by dense index; [0] (the treasury) unused */
	size_t naddr, capaddr;
	uint64_t *slots; /* hash tag << 32 | index, 0 when empty */
	size_t mask;
	uint64_t seed;	      /* of the hash, random per allocation */
	struct wsum *scratch; /* the open slice's sums, by dense index */
	uint32_t *touched;    /* indices with a non-zero sum in scratch */
	size_t ntouched, captouched;
	struct slice *slices;
	size_t nslices, capslices;
	int open;	    /* a slice takes weights */
	const char *misuse; /* the first call against the contract */
};

static void wsum_add(struct wsum *s, u128 w)
{
	s->lo += w;
	s->hi += s->lo < w;
}

static void wsum_get(mpz_t out, const struct wsum *s)
{
	uint64_t words[3] = {s->hi, (uint64_t)(s->lo >> 64), (uint64_t)s->lo};

	mpz_import(out, 3, 1, sizeof(uint64_t), 0, 0, words);
}

static uint64_t load64(const uint8_t *p)
{
	uint64_t v;

	memcpy(&v, p, 8);
	return v;
}

static uint64_t hash_address(const uint8_t a[20], uint64_t seed)
{
	uint32_t tail;
	uint64_t x;

	memcpy(&tail, a + 16, 4);
	/* addresses are hashes, but tests pick sequential ones and payees
	 * can grind theirs: mix every byte, and a random seed, so that no
	 * one can aim many addresses at one probe sequence (nothing in the
	 * result depends on the table's order) */
	x = (load64(a) ^ seed) * 0x9e3779b97f4a7c15ULL ^
	    load64(a + 8) * 0xc2b2ae3d27d4eb4fULL ^
	    (uint64_t)tail * 0x165667b19e3779f9ULL;
	x ^= x >> 31;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 29;
	return x;
}

static void grow_slots(struct alloc *a)
{
	size_t cap = a->mask ? 2 * (a->mask + 1) : 1024;
	uint64_t *slots = xcalloc(cap, sizeof(*slots));

	for (size_t i = 1; i < a->naddr; i++) {
		uint64_t h = hash_address(a->addr[i], a->seed);
		size_t j = h & (cap - 1);
		while (slots[j])
			j = (j + 1) & (cap - 1);
		slots[j] = (h >> 32) << 32 | i;
	}
	free(a->slots);
	a->slots = slots;
	a->mask = cap - 1;
}

/* The dense index of account, added when new. */
static uint32_t account_index(struct alloc *a, const uint8_t account[20])
{
	uint64_t h = hash_address(account, a->seed), tag = h >> 32 << 32;
	size_t j = h & a->mask;

	for (;; j = (j + 1) & a->mask) {
		uint64_t s = a->slots[j];
		if (!s)
			break;
		if ((s & 0xffffffff00000000ULL) == tag &&
		    memcmp(a->addr[(uint32_t)s], account, 20) == 0)
			return (uint32_t)s;
	}
	if (a->naddr >= UINT32_MAX)
		abort(); /* four billion accounts: out of memory long before */
	if (a->naddr == a->capaddr) {
		size_t cap = 2 * a->capaddr;
		a->addr = xrealloc(a->addr, cap * sizeof(*a->addr));
		a->scratch = xrealloc(a->scratch, cap * sizeof(*a->scratch));
		memset(a->scratch + a->capaddr, 0,
		       (cap - a->capaddr) * sizeof(*a->scratch));
		a->capaddr = cap;
	}
	uint32_t idx = (uint32_t)a->naddr++;
	memcpy(a->addr[idx], account, 20);
	a->slots[j] = tag | idx;
	/* at most half full */
	if (2 * a->naddr > a->mask + 1)
		grow_slots(a);
	return idx;
}

struct alloc *alloc_new(void)
{
	struct alloc *a = xcalloc(1, sizeof(*a));

	randombytes_buf(&a->seed, sizeof(a->seed));
	a->capaddr = 1024;
	a->naddr = 1; /* the treasury */
	a->addr = xmalloc(a->capaddr * sizeof(*a->addr));
	a->scratch = xcalloc(a->capaddr, sizeof(*a->scratch));
	grow_slots(a);
	return a;
}

void alloc_free(struct alloc *a)
{
	if (!a)
		return;
	for (size_t i = 0; i < a->nslices; i++) {
		mpq_clear(a->slices[i].value);
		free(a->slices[i].v);
	}
	free(a->slices);
	free(a->addr);
	free(a->slots);
	free(a->scratch);
	free(a->touched);
	free(a);
}

/* Moves the open slice's sums into its entries; a slice without weight
 * becomes the treasury's with weight 1. */
static void close_slice(struct alloc *a)
{
	struct slice *s;

	if (!a->open)
		return;
	a->open = 0;
	s = &a->slices[a->nslices - 1];
	if (a->ntouched == 0) {
		s->v = xmalloc(sizeof(*s->v));
		s->v[0] = (struct entry){.w = {1, 0}, .idx = 0};
		s->n = 1;
		s->total = s->v[0].w;
		return;
	}
	s->v = xmalloc(a->ntouched * sizeof(*s->v));
	s->n = a->ntouched;
	for (size_t i = 0; i < a->ntouched; i++) {
		uint32_t idx = a->touched[i];
		s->v[i] = (struct entry){.w = a->scratch[idx], .idx = idx};
		a->scratch[idx] = (struct wsum){0, 0};
	}
	a->ntouched = 0;
}

void alloc_slice(struct alloc *a, const mpz_t num, const mpz_t den)
{
	struct slice *s;

	close_slice(a);
	if (mpz_sgn(num) < 0 || mpz_sgn(den) <= 0) {
		if (!a->misuse)
			a->misuse = "a slice with a negative value or a "
				    "denominator that is not positive";
		return;
	}
	if (a->nslices == a->capslices) {
		a->capslices = a->capslices ? 2 * a->capslices : 8;
		a->slices =
			xrealloc(a->slices, a->capslices * sizeof(*a->slices));
	}
	s = &a->slices[a->nslices++];
	memset(s, 0, sizeof(*s));
	mpq_init(s->value);
	mpz_set(mpq_numref(s->value), num);
	mpz_set(mpq_denref(s->value), den);
	mpq_canonicalize(s->value);
	a->open = 1;
}

void alloc_add(struct alloc *a, const uint8_t *account,
	       unsigned __int128 weight)
{
	uint32_t idx;
	struct wsum *w;

	if (!a->open) {
		if (!a->misuse)
			a->misuse = "weights added outside a slice";
		return;
	}
	if (weight == 0)
		return;
	idx = account ? account_index(a, account) : 0;
	w = &a->scratch[idx];
	if (w->lo == 0 && w->hi == 0) {
		if (a->ntouched == a->captouched) {
			a->captouched =
				a->captouched ? 2 * a->captouched : 1024;
			a->touched =
				xrealloc(a->touched,
					 a->captouched * sizeof(*a->touched));
		}
		a->touched[a->ntouched++] = idx;
	}
	wsum_add(w, weight);
	wsum_add(&a->slices[a->nslices - 1].total, weight);
}

/* ---- selection ----------------------------------------------------------- */

void royalties_select(uint32_t *v, size_t n, size_t k,
		      royalties_before_fn before, const void *ctx)
{
	size_t lo = 0, hi = n; /* the k-th boundary lies in [lo, hi) */
	uint64_t rng = 0x2545f4914f6cdd1dULL;

	if (k == 0 || k >= n)
		return;
	while (hi - lo > 1) {
		/* a pseudo-random pivot: expected linear time whatever the
		 * input's order */
		rng ^= rng << 13;
		rng ^= rng >> 7;
		rng ^= rng << 17;
		size_t p = lo + (size_t)(rng % (hi - lo)), store = lo;
		uint32_t pivot = v[p], t;

		v[p] = v[hi - 1];
		v[hi - 1] = pivot;
		for (size_t i = lo; i < hi - 1; i++)
			if (before(v[i], pivot, ctx)) {
				t = v[i];
				v[i] = v[store];
				v[store++] = t;
			}
		v[hi - 1] = v[store];
		v[store] = pivot;
		/* v[lo..store) before the pivot, v(store..hi) after it */
		if (store == k || store + 1 == k)
			return;
		if (store > k)
			hi = store;
		else
			lo = store + 1;
	}
}

/* ---- finishing ----------------------------------------------------------- */

/* Remainders by dense index; rank[] orders candidates by address (the
 * treasury's rank is the number of addresses, after them all). */
struct remainders {
	const mpz_t *rem;
	const uint32_t *idx_of_rank;
};

static int remainder_before(uint32_t ra, uint32_t rb, const void *ctx)
{
	const struct remainders *c = ctx;
	int d = mpz_cmp(c->rem[c->idx_of_rank[ra]], c->rem[c->idx_of_rank[rb]]);

	return d > 0 || (d == 0 && ra < rb);
}

struct keyed {
	uint8_t addr[20];
	uint32_t idx;
};

static int keyed_cmp(const void *a, const void *b)
{
	return memcmp(a, b, 20);
}

/* Dense indices 1..naddr-1 in address order into idx_of_rank[0..): one
 * counting pass on the first two bytes, then a sort of each small bucket. */
static void sort_by_address(uint32_t *idx_of_rank, const struct alloc *a)
{
	size_t n = a->naddr - 1, *start = xcalloc(65537, sizeof(*start));
	struct keyed *k = xmalloc((n ? n : 1) * sizeof(*k));

	for (size_t i = 1; i < a->naddr; i++)
		start[(a->addr[i][0] << 8 | a->addr[i][1]) + 1]++;
	for (size_t b = 1; b <= 65536; b++)
		start[b] += start[b - 1];
	for (size_t i = 1; i < a->naddr; i++) {
		size_t b = a->addr[i][0] << 8 | a->addr[i][1];
		struct keyed *e = &k[start[b]++];
		memcpy(e->addr, a->addr[i], 20);
		e->idx = (uint32_t)i;
	}
	/* start[b] is now the end of bucket b */
	for (size_t b = 0, from = 0; b < 65536; from = start[b++])
		if (start[b] - from > 1)
			qsort(k + from, start[b] - from, sizeof(*k), keyed_cmp);
	for (size_t i = 0; i < n; i++)
		idx_of_rank[i] = k[i].idx;
	free(k);
	free(start);
}

static void result_init(struct alloc_result *out)
{
	memset(out, 0, sizeof(*out));
	mpz_init(out->treasury);
	mpz_init(out->total);
}

int alloc_finish(struct alloc_result *out, struct alloc *a)
{
	mpz_t d, c, w, sum, left;
	mpq_t total, f;
	mpz_t *num = NULL;
	uint32_t *idx_of_rank = NULL, *cand = NULL;
	size_t n, ncand = 0;
	int err = 0;

	result_init(out);
	mpz_inits(d, c, w, sum, left, NULL);
	mpq_init(total);
	mpq_init(f);
	if (a->misuse) {
		err = prov_error_set(PROV_EINVALID, "allocation: %s",
				     a->misuse);
		goto done;
	}
	close_slice(a);

	for (size_t i = 0; i < a->nslices; i++)
		mpq_add(total, total, a->slices[i].value);
	if (mpz_cmp_ui(mpq_denref(total), 1) != 0) {
		err = prov_error_set(
			PROV_EINVALID,
			"slices do not sum to a whole number of units");
		goto done;
	}
	if (mpz_sizeinbase(mpq_numref(total), 2) > 256) {
		err = prov_error_set(
			PROV_EINVALID,
			"the slices sum to more than 2^256-1 units");
		goto done;
	}

	/* D: every slice's value / W over one denominator */
	mpz_set_ui(d, 1);
	for (size_t i = 0; i < a->nslices; i++) {
		wsum_get(w, &a->slices[i].total);
		mpq_set_z(f, w);
		mpq_div(f, a->slices[i].value, f);
		mpz_lcm(d, d, mpq_denref(f));
	}

	/* each account's share × D, summed over the slices */
	num = xmalloc(a->naddr * sizeof(*num));
	for (size_t i = 0; i < a->naddr; i++)
		mpz_init(num[i]);
	for (size_t i = 0; i < a->nslices; i++) {
		const struct slice *s = &a->slices[i];
		wsum_get(w, &s->total);
		mpq_set_z(f, w);
		mpq_div(f, s->value, f);
		mpz_divexact(c, d, mpq_denref(f));
		mpz_mul(c, c, mpq_numref(f)); /* value / W × D */
		for (size_t j = 0; j < s->n; j++) {
			const struct entry *e = &s->v[j];
			if (e->w.hi == 0 && (uint64_t)(e->w.lo >> 64) == 0) {
				mpz_addmul_ui(num[e->idx], c,
					      (unsigned long)e->w.lo);
			} else {
				wsum_get(w, &e->w);
				mpz_addmul(num[e->idx], c, w);
			}
		}
	}

	/* floors, in address order, and what is left over */
	n = a->naddr - 1;
	idx_of_rank = xmalloc((n + 1) * sizeof(*idx_of_rank));
	sort_by_address(idx_of_rank, a);
	idx_of_rank[n] = 0; /* the treasury, after every address */
	out->v = xmalloc((n ? n : 1) * sizeof(*out->v));
	for (size_t r = 0; r < n; r++) {
		uint32_t idx = idx_of_rank[r];
		memcpy(out->v[r].account, a->addr[idx], 20);
		mpz_init(out->v[r].amount);
		mpz_tdiv_qr(out->v[r].amount, num[idx], num[idx], d);
		mpz_add(sum, sum, out->v[r].amount);
	}
	out->n = n;
	mpz_tdiv_qr(out->treasury, num[0], num[0], d);
	mpz_add(sum, sum, out->treasury);
	mpz_sub(left, mpq_numref(total), sum);
	/* each remainder is under one unit, so fewer than n + 1 are left */
	if (mpz_sgn(left) < 0 || mpz_cmp_ui(left, n + 1) >= 0) {
		err = prov_error_set(
			PROV_ERROR,
			"allocation: %s units left over after flooring (a bug)",
			mpz_sgn(left) < 0 ? "negative" : "too many");
		goto done;
	}

	/* the leftover units to the largest remainders */
	cand = xmalloc((n + 1) * sizeof(*cand));
	for (size_t r = 0; r <= n; r++)
		if (mpz_sgn(num[idx_of_rank[r]]) > 0)
			cand[ncand++] = (uint32_t)r;
	size_t l = mpz_get_ui(left);
	struct remainders ctx = {(const mpz_t *)num, idx_of_rank};
	royalties_select(cand, ncand, l, remainder_before, &ctx);
	for (size_t i = 0; i < l && i < ncand; i++) {
		if (cand[i] == n)
			mpz_add_ui(out->treasury, out->treasury, 1);
		else
			mpz_add_ui(out->v[cand[i]].amount,
				   out->v[cand[i]].amount, 1);
	}
	mpz_set(out->total, mpq_numref(total));

done:
	if (num) {
		for (size_t i = 0; i < a->naddr; i++)
			mpz_clear(num[i]);
		free(num);
	}
	free(idx_of_rank);
	free(cand);
	mpz_clears(d, c, w, sum, left, NULL);
	mpq_clear(total);
	mpq_clear(f);
	return err;
}

void payout_lines_free(struct payout_line *v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		mpz_clear(v[i].amount);
	free(v);
}

void alloc_result_release(struct alloc_result *r)
{
	payout_lines_free(r->v, r->n);
	r->v = NULL;
	r->n = 0;
	mpz_clear(r->treasury);
	mpz_clear(r->total);
}
