/* bench/royalties: the royalties engine end to end on synthetic but
 * deterministic inputs the size of a large period, and how long each
 * phase took.
 *
 *   royalties PAID_FILE [ACCOUNTS [ITEMS]]
 *     -> {"accounts": A, "adds": N, "paid": P, "carried": C, "root": "0x..",
 *         "add_ms": .., "finish_ms": .., "settle_ms": .., "format_ms": ..,
 *         "lines_bytes": .., "tree_ms": ..,
 *         "total_ms": .., "cpu_ms": .., "rss_mib": ..} on stdout
 *
 * The inputs (defaults: 1,000,000 accounts, 10,000,000 items): each
 * account owns ITEMS / ACCOUNTS items with pseudo-random byte sizes, spread
 * from one byte to a gigabyte so that the shares vary widely, added in a
 * scattered order to one creators' slice of 9 × 10^23 units (90% of a
 * revenue of 10^24). Two small slices in thirds of a unit go to 1,000 and
 * 100 other accounts and the treasury, and a tenth of the accounts arrive
 * with a carry-in. settle() pays those with at least 10^17 units (so some
 * are carried) and builds the Merkle root of the paid lines.
 *
 * add_ms: the alloc_add calls; finish_ms: alloc_finish; settle_ms: settle,
 * its root included; format_ms: the paid and carried lines as the batch's
 * blobs hold them (lines_bytes long); total_ms: all four (what a payout
 * batch costs, short of signing and writing it).
 * tree_ms: payout_tree over the paid lines once more on its own, the part
 * bench/royalties-oz.mjs measures on the Node side. Generating the inputs
 * is not timed. PAID_FILE gets the paid lines, 52 bytes each (the address,
 * then the amount as 32 big-endian bytes), for the Node side to build its
 * tree over the same values. Built and run by bench/royalties.sh. */
#include "royalties/royalties.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double cpu_ms(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

static double rss_mib(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)ru.ru_maxrss / 1024; /* KiB on Linux */
}

static uint64_t splitmix(uint64_t *s)
{
	uint64_t z = (*s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void slice_str(struct alloc *a, const char *num, const char *den)
{
	mpz_t n, d;

	mpz_init_set_str(n, num, 10);
	mpz_init_set_str(d, den, 10);
	alloc_slice(a, n, d);
	mpz_clears(n, d, NULL);
}

static int fail(const char *what)
{
	fprintf(stderr, "royalties: %s: %s\n", what, prov_error_last());
	return 1;
}

int main(int argc, char **argv)
{
	size_t naccounts = 1000000, nitems = 10000000, ncarry = 0;
	uint8_t(*addr)[20];
	struct alloc *a;
	struct alloc_result r;
	struct settlement s;
	struct payout_line *carry;
	struct merkle *m = NULL;
	struct buf paid = BUF_INIT, carried = BUF_INIT;
	mpz_t min;
	uint64_t seed = 2026;
	double t0, t1, t2, t3, t4, t5, t6, c0, c1;
	char root[65];
	FILE *f;

	if (argc < 2 || argc > 4) {
		fprintf(stderr, "usage: %s PAID_FILE [ACCOUNTS [ITEMS]]\n",
			argv[0]);
		return 2;
	}
	if (argc > 2)
		naccounts = strtoull(argv[2], NULL, 10);
	if (argc > 3)
		nitems = strtoull(argv[3], NULL, 10);
	if (naccounts < 2000 || nitems < naccounts) {
		fprintf(stderr, "royalties: at least 2000 accounts and as "
				"many items\n");
		return 2;
	}
	if (core_init())
		return fail("core_init");

	/* the inputs */
	addr = xmalloc(naccounts * sizeof(*addr));
	for (size_t i = 0; i < naccounts; i++) {
		uint64_t w[3] = {splitmix(&seed), splitmix(&seed),
				 splitmix(&seed)};
		memcpy(addr[i], w, 20);
	}
	uint32_t *who = xmalloc(nitems * sizeof(*who));
	uint64_t *size = xmalloc(nitems * sizeof(*size));
	/* item k belongs to account (k × P) mod A, a prime P not dividing
	 * A: every account gets its share of items, in a scattered order */
	const uint64_t P = 999983;
	for (size_t k = 0; k < nitems; k++) {
		uint64_t x = splitmix(&seed);
		who[k] = (uint32_t)((k * P) % naccounts);
		/* log-uniform over 1 byte .. 1 GiB */
		size[k] = 1 + (x >> 34) % ((uint64_t)1 << (x % 30));
	}

	c0 = cpu_ms();
	t0 = now_ms();
	a = alloc_new();
	slice_str(a, "900000000000000000000000", "1");
	for (size_t k = 0; k < nitems; k++)
		alloc_add(a, addr[who[k]], size[k]);
	/* 5 × 10^22 + 1/3 and 5 × 10^22 - 1/3: the total is whole */
	slice_str(a, "150000000000000000000001", "3");
	for (size_t i = 0; i < 1000; i++)
		alloc_add(a, addr[(i * 7) % naccounts], 1 + i % 3);
	slice_str(a, "149999999999999999999999", "3");
	for (size_t i = 0; i < 100; i++)
		alloc_add(a, addr[(i * 13) % naccounts], 5);
	alloc_add(a, NULL, 50);
	t1 = now_ms();
	if (alloc_finish(&r, a))
		return fail("alloc_finish");
	t2 = now_ms();
	alloc_free(a);
	free(who);
	free(size);

	/* a tenth of the accounts carry something in (not timed) */
	carry = xmalloc((r.n / 10 + 1) * sizeof(*carry));
	for (size_t i = 0; i < r.n; i += 10) {
		memcpy(carry[ncarry].account, r.v[i].account, 20);
		mpz_init_set_ui(carry[ncarry++].amount,
				10000000000000000UL * (1 + i % 7));
	}
	mpz_init_set_str(min, "100000000000000000", 10);

	t3 = now_ms();
	if (settle(&s, &r, carry, ncarry, min, naccounts))
		return fail("settle");
	t4 = now_ms();
	payout_lines_format(&paid, s.paid, s.npaid);
	payout_lines_format(&carried, s.carried, s.ncarried);
	t5 = now_ms();
	c1 = cpu_ms();
	if (s.npaid && payout_tree(&m, s.paid, s.npaid))
		return fail("payout_tree");
	t6 = now_ms();
	if (m && memcmp(m->nodes[0], s.root, 32) != 0) {
		fprintf(stderr, "royalties: payout_tree and settle disagree\n");
		return 1;
	}
	merkle_free(m);

	f = fopen(argv[1], "wb");
	if (!f) {
		perror(argv[1]);
		return 1;
	}
	for (size_t i = 0; i < s.npaid; i++) {
		uint8_t amount[32];
		amount_u256(amount, s.paid[i].amount);
		fwrite(s.paid[i].account, 1, 20, f);
		fwrite(amount, 1, 32, f);
	}
	if (fclose(f) != 0) {
		perror(argv[1]);
		return 1;
	}

	hex_encode(root, s.root, 32);
	gmp_printf(
		"{\"accounts\": %zu, \"adds\": %zu, \"paid\": %zu, "
		"\"carried\": %zu, \"paid_total\": \"%Zd\", "
		"\"carried_total\": \"%Zd\", \"treasury\": \"%Zd\", "
		"\"root\": \"0x%s\", \"add_ms\": %.1f, \"finish_ms\": %.1f, "
		"\"settle_ms\": %.1f, \"format_ms\": %.1f, \"lines_bytes\": %zu, "
		"\"tree_ms\": %.1f, \"total_ms\": %.1f, "
		"\"cpu_ms\": %.1f, \"rss_mib\": %.0f}\n",
		r.n, nitems + 1100 + 1, s.npaid, s.ncarried, s.paid_total,
		s.carried_total, s.treasury, root, t1 - t0, t2 - t1, t4 - t3,
		t5 - t4, paid.len + carried.len, t6 - t5,
		(t1 - t0) + (t2 - t1) + (t5 - t3), c1 - c0, rss_mib());
	buf_release(&paid);
	buf_release(&carried);
	settlement_release(&s);
	alloc_result_release(&r);
	payout_lines_free(carry, ncarry);
	mpz_clear(min);
	free(addr);
	return 0;
}
