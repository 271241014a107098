/* Settling a batch: the allocation plus what earlier batches carried,
 * split into what is paid now (its Merkle root for the distributor) and
 * what is carried again, with the books checked to balance. */
#include <stdlib.h>
#include <string.h>

#include "royalties/internal.h"
#include "royalties/royalties.h"

static void settlement_init(struct settlement *s)
{
	memset(s, 0, sizeof(*s));
	mpz_inits(s->revenue, s->carried_in, s->pool, s->paid_total,
		  s->carried_total, s->treasury, NULL);
}

void settlement_release(struct settlement *s)
{
	payout_lines_free(s->paid, s->npaid);
	payout_lines_free(s->carried, s->ncarried);
	s->paid = s->carried = NULL;
	s->npaid = s->ncarried = 0;
	mpz_clears(s->revenue, s->carried_in, s->pool, s->paid_total,
		   s->carried_total, s->treasury, NULL);
}

/* Merged lines are in address order, so the index breaks ties. */
static int larger_first(uint32_t a, uint32_t b, const void *ctx)
{
	const struct payout_line *v = ctx;
	int d = mpz_cmp(v[a].amount, v[b].amount);

	return d > 0 || (d == 0 && a < b);
}

static int check_carry_in(const struct payout_line *carry, size_t n)
{
	char a[43];

	for (size_t i = 0; i < n; i++) {
		if (mpz_sgn(carry[i].amount) < 0) {
			address_checksum(a, carry[i].account);
			return prov_error_set(
				PROV_EINVALID,
				"carry-in: a negative amount for %s", a);
		}
		if (i == 0)
			continue;
		int d = memcmp(carry[i - 1].account, carry[i].account, 20);
		if (d == 0) {
			address_checksum(a, carry[i].account);
			return prov_error_set(PROV_EINVALID,
					      "carry-in: %s is listed twice",
					      a);
		}
		if (d > 0) {
			address_checksum(a, carry[i].account);
			return prov_error_set(PROV_EINVALID,
					      "carry-in: the lines are not "
					      "sorted by address (at %s)",
					      a);
		}
	}
	return 0;
}

/* Moves v[i]'s amount into a fresh line of out. */
static void take(struct payout_line *out, struct payout_line *v)
{
	memcpy(out->account, v->account, 20);
	mpz_init(out->amount);
	mpz_swap(out->amount, v->amount);
}

int settle(struct settlement *out, const struct alloc_result *r,
	   const struct payout_line *carry_in, size_t ncarry,
	   const mpz_t minimum, size_t max_accounts)
{
	struct payout_line *m = NULL; /* each account's total, by address */
	uint8_t *pay = NULL;
	uint32_t *eligible = NULL;
	size_t nm = 0, ne = 0, i = 0, j = 0;
	struct merkle *tree = NULL;
	mpz_t check;
	int err;

	settlement_init(out);
	mpz_init(check);
	if (max_accounts == 0) {
		err = prov_error_set(PROV_EINVALID,
				     "settle: at most 0 accounts per batch");
		goto done;
	}
	if (mpz_sgn(minimum) < 0) {
		err = prov_error_set(PROV_EINVALID,
				     "settle: a negative minimum payout");
		goto done;
	}
	if (r->n + ncarry >= UINT32_MAX) {
		err = prov_error_set(PROV_EINVALID,
				     "settle: too many accounts (%zu)",
				     r->n + ncarry);
		goto done;
	}
	if ((err = check_carry_in(carry_in, ncarry)))
		goto done;

	/* merge the allocation and the carry-in, both sorted by address */
	m = xmalloc((r->n + ncarry ? r->n + ncarry : 1) * sizeof(*m));
	while (i < r->n || j < ncarry) {
		int d = i == r->n     ? 1
			: j == ncarry ? -1
				      : memcmp(r->v[i].account,
					       carry_in[j].account, 20);
		struct payout_line *l = &m[nm];
		mpz_init(l->amount);
		if (d <= 0) {
			memcpy(l->account, r->v[i].account, 20);
			mpz_add(l->amount, l->amount, r->v[i++].amount);
		}
		if (d >= 0) {
			memcpy(l->account, carry_in[j].account, 20);
			mpz_add(l->amount, l->amount, carry_in[j].amount);
			mpz_add(out->carried_in, out->carried_in,
				carry_in[j++].amount);
		}
		if (mpz_sgn(l->amount) == 0)
			mpz_clear(l->amount); /* vanishes */
		else
			nm++;
	}

	/* paid: reaches the minimum, and among the max_accounts largest */
	pay = xcalloc(nm ? nm : 1, 1);
	eligible = xmalloc((nm ? nm : 1) * sizeof(*eligible));
	for (size_t k = 0; k < nm; k++)
		if (mpz_cmp(m[k].amount, minimum) >= 0)
			eligible[ne++] = (uint32_t)k;
	if (ne > max_accounts) {
		royalties_select(eligible, ne, max_accounts, larger_first, m);
		ne = max_accounts;
	}
	for (size_t k = 0; k < ne; k++)
		pay[eligible[k]] = 1;

	out->paid = xmalloc((ne ? ne : 1) * sizeof(*out->paid));
	out->carried = xmalloc((nm - ne ? nm - ne : 1) * sizeof(*out->carried));
	for (size_t k = 0; k < nm; k++) {
		if (pay[k]) {
			take(&out->paid[out->npaid], &m[k]);
			mpz_add(out->paid_total, out->paid_total,
				out->paid[out->npaid++].amount);
		} else {
			take(&out->carried[out->ncarried], &m[k]);
			mpz_add(out->carried_total, out->carried_total,
				out->carried[out->ncarried++].amount);
		}
	}

	mpz_set(out->revenue, r->total);
	mpz_set(out->treasury, r->treasury);
	mpz_add(out->pool, out->revenue, out->carried_in);
	mpz_add(check, out->paid_total, out->carried_total);
	mpz_add(check, check, out->treasury);
	if (mpz_cmp(check, out->pool) != 0) {
		err = prov_error_set(
			PROV_ERROR, "settle: paid + carried + treasury differs "
				    "from revenue + carried in (a bug)");
		goto done;
	}

	if (out->npaid) {
		if ((err = payout_tree(&tree, out->paid, out->npaid)))
			goto done;
		memcpy(out->root, tree->nodes[0], 32);
	}
	err = 0;

done:
	if (m)
		payout_lines_free(m, nm);
	free(pay);
	free(eligible);
	merkle_free(tree);
	mpz_clear(check);
	return err;
}

/* ---- the payout tree -------------------------------------------------------
 */

#define CHUNK 4096

struct leaves_job {
	const struct payout_line *lines;
	uint8_t (*leaves)[32];
	size_t n;
};

static void hash_chunk(size_t c, void *payload)
{
	struct leaves_job *job = payload;
	size_t end = job->n - c * CHUNK > CHUNK ? (c + 1) * CHUNK : job->n;
	uint8_t amount[32];

	for (size_t i = c * CHUNK; i < end; i++) {
		amount_u256(amount, job->lines[i].amount);
		merkle_leaf_address_uint256(job->leaves[i],
					    job->lines[i].account, amount);
	}
}

int payout_tree(struct merkle **out, const struct payout_line *lines, size_t n)
{
	struct leaves_job job = {lines, NULL, n};
	int err;

	*out = NULL;
	if (n == 0)
		return prov_error_set(PROV_EINVALID,
				      "a payout tree needs at least one line");
	job.leaves = xmalloc(n * sizeof(*job.leaves));
	parallel_for((n + CHUNK - 1) / CHUNK, hash_chunk, &job);
	err = merkle_build(out, (const uint8_t(*)[32])job.leaves, n);
	free(job.leaves);
	return err;
}
