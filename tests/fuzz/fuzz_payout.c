/* Fuzzes the royalties module's readers of untrusted bytes: payout lines
 * (payout_lines_parse), batch files (payout_doc_parse) and policies
 * (policy_parse). The first byte picks the reader; the rest is its input.
 *
 * Invariants: lines have one spelling, so accepted lines format back to
 * exactly the input; an accepted batch file formats to a batch file that
 * is accepted and formats to the same bytes again; an accepted policy's
 * normalised form parses to itself. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "royalties/royalties.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void lines(const char *s, size_t n)
{
	struct payout_line *v = NULL;
	size_t nv = 0;
	struct buf b = BUF_INIT;

	if (payout_lines_parse(&v, &nv, s, n)) {
		if (v || nv)
			abort();
		return;
	}
	payout_lines_format(&b, v, nv);
	if (b.len != n || memcmp(b.ptr, s, n))
		abort();
	for (size_t i = 0; i < nv; i++)
		if (mpz_sgn(v[i].amount) <= 0 ||
		    (i && memcmp(v[i - 1].account, v[i].account, 20) >= 0))
			abort();
	payout_lines_free(v, nv);
	buf_release(&b);
}

static void doc(const char *s, size_t n)
{
	struct payout_doc d, again;
	struct buf b = BUF_INIT, b2 = BUF_INIT;

	if (payout_doc_parse(&d, s, n)) {
		payout_doc_release(&d);
		return;
	}
	for (size_t i = 0; i < d.npaid; i++)
		if (payout_doc_find(&d, d.paid[i].account) != (ssize_t)i)
			abort();
	if (payout_doc_format(&b, &d) ||
	    payout_doc_parse(&again, b.ptr, b.len) ||
	    payout_doc_format(&b2, &again) || b.len != b2.len ||
	    memcmp(b.ptr, b2.ptr, b.len) || !json_equal(d.payout, again.payout))
		abort();
	payout_doc_release(&again);
	payout_doc_release(&d);
	buf_release(&b);
	buf_release(&b2);
}

static void policy(const char *s, size_t n)
{
	json_t *v = NULL;
	struct policy p, again;
	unsigned sum = 0;

	if (json_parse(&v, s, n, "fuzz"))
		return;
	if (policy_parse(&p, v)) {
		policy_release(&p);
		json_decref(v);
		return;
	}
	for (int r = 0; r < ROLES; r++)
		sum += p.shares[r];
	if (sum != 10000 || !p.max_accounts)
		abort();
	for (size_t i = 0; i < p.nlicenses; i++)
		if (policy_license_bps(&p, p.licenses[i].license) !=
		    p.licenses[i].bps)
			abort();
	for (size_t i = 0; i < p.naccounts; i++)
		if (policy_account(&p, p.accounts[i].did) !=
		    &p.accounts[i].account)
			abort();
	if (policy_parse(&again, p.json) || !json_equal(again.json, p.json))
		abort();
	policy_release(&again);
	policy_release(&p);
	json_decref(v);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int initialised;
	const char *s = (const char *)data + 1;

	if (!initialised++ && core_init())
		abort();
	if (!size)
		return 0;
	switch (data[0] % 3) {
	case 0: lines(s, size - 1); break;
	case 1: doc(s, size - 1); break;
	default: policy(s, size - 1); break;
	}
	prov_error_clear();
	return 0;
}
