/* Fuzzes royalties/amount.c: amount_parse, amount_parse_units, asset_parse
 * and period_check. The first byte picks the function (and for
 * amount_parse the decimals, 0 to 79, so refused counts are tried too); the
 * rest is the text. No crash or undefined behaviour on any input, and what
 * is accepted survives a round trip: base units print back as given, a
 * displayed amount parses back to the same units, an asset's normalised
 * text parses back to itself. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "royalties/royalties.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check_units(const mpz_t v)
{
	uint8_t b[32];
	mpz_t back;

	if (mpz_sgn(v) < 0 || mpz_sizeinbase(v, 2) > 256)
		abort();
	amount_u256(b, v);
	mpz_init(back);
	mpz_import(back, 32, 1, 1, 1, 0, b);
	if (mpz_cmp(back, v) != 0)
		abort();
	mpz_clear(back);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int initialised;
	struct asset a, b;
	unsigned pick, decimals;
	mpz_t v, back;
	char *s, *t;

	if (!initialised++ && core_init())
		abort();
	if (size == 0)
		return 0;
	pick = data[0];
	s = xmalloc(size);
	memcpy(s, data + 1, size - 1);
	s[size - 1] = '\0';
	mpz_inits(v, back, NULL);

	switch (pick % 4) {
	case 0:
		decimals = (pick >> 2) % 80;
		if (amount_parse(v, s, decimals) == 0) {
			if (decimals > AMOUNT_DECIMALS_MAX)
				abort();
			check_units(v);
			t = amount_display(v, decimals);
			if (amount_parse(back, t, decimals) != 0 ||
			    mpz_cmp(back, v) != 0)
				abort();
			free(t);
		}
		break;
	case 1:
		if (amount_parse_units(v, s) == 0) {
			check_units(v);
			t = amount_string(v);
			if (strcmp(t, s) != 0)
				abort();
			free(t);
		}
		break;
	case 2:
		if (asset_parse(&a, s) == 0) {
			if (asset_parse(&b, a.text) != 0 ||
			    strcmp(a.text, b.text) != 0 || a.erc20 != b.erc20 ||
			    a.chain_id != b.chain_id ||
			    memcmp(a.token, b.token, 20) != 0)
				abort();
			if (a.erc20) {
				char cs[43];
				address_checksum(cs, a.token);
				size_t n = strlen(a.text);
				if (n < 42 || strcmp(a.text + n - 42, cs) != 0)
					abort();
			}
		}
		break;
	default:
		if (period_check(s) == 0 &&
		    (strlen(s) != 7 || s[4] != '-' ||
		     strcmp(s, "0001-01") < 0 || strcmp(s, "9999-12") > 0))
			abort();
	}
	mpz_clears(v, back, NULL);
	free(s);
	return 0;
}
