/*
 * royalties: usage revenue to exact payout batches (docs/royalties.md).
 *
 * Amounts are token base units, integers from 0 to 2^256-1, held in GMP
 * integers; nothing here rounds except alloc_finish, which floors every
 * share and gives the leftover units to the largest remainders. The module
 * does not read the registry: the caller walks the lineage and hands over
 * slices of revenue and the weights that split them.
 */
#ifndef PROV_ROYALTIES_H
#define PROV_ROYALTIES_H

#include <stddef.h>
#include <stdint.h>

#include <gmp.h>
#include <jansson.h>

#include "core/core.h"

/* ---- amounts, assets, periods (royalties/amount.c) ----------------------- */

/* The most decimals an asset may declare: 10^77 < 2^256 < 10^78. */
#define AMOUNT_DECIMALS_MAX 77

/* A decimal amount as a person writes it ("1234.5", "0.000001", "7") into
 * base units: amount × 10^decimals. Digits with at most one '.', at least
 * one digit on each side of it, at most `decimals` digits after it; no
 * sign, exponent, space or leading '+'. PROV_EINVALID naming what is wrong
 * (a negative amount, too many decimals, not a number, over 2^256-1). out
 * must have been mpz_init'ed. */
int amount_parse(mpz_t out, const char *s, unsigned decimals);
/* Base units as records hold them: a decimal string of digits, without
 * leading zeros ("0" alone), at most 2^256-1. PROV_EINVALID otherwise. */
int amount_parse_units(mpz_t out, const char *s);
/* v (0 <= v < 2^256) as 32 big-endian bytes. */
void amount_u256(uint8_t out[32], const mpz_t v);
/* v as a decimal string of base units; malloc'd. */
char *amount_string(const mpz_t v);
/* v shown with decimals ("1234.500000" for 1234500000 with 6); malloc'd. */
char *amount_display(const mpz_t v, unsigned decimals);

/* A CAIP-19 asset. Any namespace is syntax-checked (CAIP-19: chain
 * namespace [-a-z0-9]{3,8}, reference [-_a-zA-Z0-9]{1,32}, asset namespace
 * [-a-z0-9]{3,8}, reference [-.%a-zA-Z0-9]{1,128}, no token id); an
 * "eip155:<chain id>/erc20:<address>" is also parsed, its chain id a
 * positive decimal without leading zeros (checked for every eip155 asset),
 * its address checked and rewritten in EIP-55 spelling as account_parse
 * does. */
struct asset {
	char text[200]; /* normalised */
	int erc20;	/* eip155 + erc20: chain_id and token are set */
	uint64_t chain_id;
	uint8_t token[20];
};
int asset_parse(struct asset *out, const char *s);

/* "YYYY-MM", a month from 0001-01 to 9999-12; PROV_EINVALID otherwise. */
int period_check(const char *s);

/* ---- exact allocation (royalties/alloc.c) -------------------------------- */

/* Splits value among accounts. Value arrives in slices, each a fraction
 * num/den of base units split among the weights added to it in proportion
 * (an account's weights in one slice add up). The treasury is an account
 * of its own (account NULL). A slice whose weights are all zero goes to
 * the treasury whole: the caller reports why. */
struct alloc;
struct alloc *alloc_new(void);
void alloc_free(struct alloc *a);
/* Starts a slice worth num/den units (num >= 0, den > 0); the weights added
 * next belong to it. A call against the contract here or in alloc_add (a
 * negative num, den <= 0, a weight before any slice) makes alloc_finish
 * fail with PROV_EINVALID. */
void alloc_slice(struct alloc *a, const mpz_t num, const mpz_t den);
/* Adds weight to account (20 bytes, or NULL for the treasury) in the
 * current slice. */
void alloc_add(struct alloc *a, const uint8_t *account,
	       unsigned __int128 weight);

/* An account and an amount of base units. */
struct payout_line {
	uint8_t account[20];
	mpz_t amount;
};
struct alloc_result {
	struct payout_line *v; /* every account with a non-zero weight, sorted
				* by address; an amount may be zero */
	size_t n;
	mpz_t treasury;
	mpz_t total; /* the sum of the slices: sum of v + treasury */
};
/* Floors each account's exact share (the sum over slices of value × weight
 * / slice weight), then gives the leftover units one each to the largest
 * remainders, ties broken by address (the treasury after every address).
 * PROV_EINVALID when the slices do not sum to a whole number of units or
 * the total passes 2^256-1. Release out either way. a is left as it was
 * (the open slice is closed: more weights need a new slice). */
int alloc_finish(struct alloc_result *out, struct alloc *a);
void alloc_result_release(struct alloc_result *r);

/* ---- settling a batch (royalties/batch.c) -------------------------------- */

/* What an allocation becomes once the ledger has its say: each account's
 * allocation plus what it was carried from before is paid when it reaches
 * minimum and is among the max_accounts largest (ties by address), and is
 * carried to the next period otherwise. pool = revenue + carried_in = paid
 * + carried + treasury, always. */
struct settlement {
	struct payout_line *paid; /* sorted by address, amounts > 0 */
	size_t npaid;
	struct payout_line *carried; /* sorted by address, amounts > 0 */
	size_t ncarried;
	mpz_t revenue, carried_in, pool, paid_total, carried_total, treasury;
	uint8_t root[32]; /* of paid, as (address, uint256); zero when none */
};
/* carry_in: the previous batch's carried lines (sorted by address, no
 * duplicates; PROV_EINVALID otherwise). max_accounts >= 1. Release out
 * either way. */
int settle(struct settlement *out, const struct alloc_result *r,
	   const struct payout_line *carry_in, size_t ncarry,
	   const mpz_t minimum, size_t max_accounts);
void settlement_release(struct settlement *s);

/* The OpenZeppelin StandardMerkleTree of (address, uint256) over lines (n
 * >= 1, any order), for roots and proofs. */
int payout_tree(struct merkle **out, const struct payout_line *lines, size_t n);

void payout_lines_free(struct payout_line *v, size_t n);

/* ---- batch documents (royalties/doc.c, docs/royalties.md) -----------------
 */

/* A payout's account lines, as its blobs and batch files hold them: one
 * JCS object a line, {"account":"0x<EIP-55>","amount":"<units>"}, each
 * ending in '\n', addresses strictly ascending, amounts above zero. */
int payout_lines_parse(struct payout_line **out, size_t *n, const char *blob,
		       size_t len);
void payout_lines_format(struct buf *out, const struct payout_line *v,
			 size_t n);

/* A payout batch whole: the payout record's payload and what its blobs
 * hold (docs/royalties.md, "The batch file"). Untrusted bytes: every field
 * a reader relies on is checked, and the paid lines must give the record's
 * root, count and total. */
struct payout_doc {
	char id[RECORD_ID_MAX]; /* the payout record's id; "" when not named */
	json_t *payout;		/* the payload */
	struct asset asset;
	unsigned decimals;
	char period[8];
	uint8_t root[32];
	mpz_t paid_total;
	struct payout_line *paid; /* sorted by address */
	size_t npaid;
	struct payout_line *carried;
	size_t ncarried;
	json_t *report; /* array of objects */
};
/* Parses a batch file. PROV_EINVALID naming the first thing wrong. Release
 * out either way. */
int payout_doc_parse(struct payout_doc *out, const char *data, size_t len);
/* Checks payout (a payout payload) against the lines and report, and fills
 * out from them: it takes the line arrays and a reference to each JSON
 * value. Release out either way. */
int payout_doc_from(struct payout_doc *out, const char *id, json_t *payout,
		    struct payout_line *paid, size_t npaid,
		    struct payout_line *carried, size_t ncarried,
		    json_t *report);
/* The report's blob: each entry JCS on a line of its own. */
int payout_report_format(struct buf *out, const json_t *report);
/* The batch file of d: JCS, one newline at the end. */
int payout_doc_format(struct buf *out, const struct payout_doc *d);
void payout_doc_release(struct payout_doc *d);
/* The index of account in d->paid, or -1. */
ssize_t payout_doc_find(const struct payout_doc *d, const uint8_t account[20]);

/* ---- policies (royalties/policy.c, docs/royalties.md "The policy") ------- */

enum creator_weight { WEIGHT_EQUAL, WEIGHT_BYTES, WEIGHT_CURATOR };

/* Roles a share of revenue goes to, in the order policies list them. */
enum role {
	ROLE_CREATORS,
	ROLE_CURATORS,
	ROLE_PROVIDER,
	ROLE_OWNER,
	ROLE_TREASURY,
	ROLES
};
extern const char *const role_names[ROLES];

struct policy_license {
	const char *license; /* the item's license as its list names it */
	unsigned bps;
};
struct policy_account {
	const char *did;
	struct account account;
};
/* A policy, every member set (defaults filled in). Strings point into
 * json, the normalised policy the payout record holds. */
struct policy {
	unsigned shares[ROLES]; /* basis points, summing to 10000 */
	enum creator_weight weight;
	struct policy_license *licenses; /* sorted by license */
	size_t nlicenses;
	unsigned other_bps;  /* licenses not listed ("*") */
	unsigned parent_bps; /* of a derived model's data shares, to its
				parent's lineage */
	int optouts_pay;     /* works opted out after training: 1 paid, 0 to the
				treasury */
	mpz_t minimum;
	size_t max_accounts;
	struct policy_account *accounts; /* sorted by did */
	size_t naccounts;
	json_t *json;
};
/* Reads a policy object (NULL: the default policy). Unknown members, a
 * share that is not 0 to 10000, shares not summing to 10000, a bad
 * account or amount: PROV_EINVALID naming it. Release out either way. */
int policy_parse(struct policy *out, const json_t *v);
void policy_release(struct policy *p);
/* The weight in basis points of an item under license. */
unsigned policy_license_bps(const struct policy *p, const char *license);
/* The payout account the policy names for did, or NULL. */
const struct account *policy_account(const struct policy *p, const char *did);

#endif
