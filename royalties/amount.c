/* Amounts, assets and periods: the untrusted text of usage reports and
 * command lines turned into exact base units, CAIP-19 assets and months.
 * Every input is checked before GMP sees it, so GMP never parses anything
 * but digits, and messages quote the input escaped. */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "royalties/royalties.h"

/* Longer than any amount worth reading: 78 integer digits, a point and 77
 * decimals, with room for leading zeros a person might write. */
#define AMOUNT_INPUT_MAX 512

static const char *show(char out[SHOW_SIZE], const char *s)
{
	return prov_show(out, s, strnlen(s, SHOW_MAX + 1));
}

static int is_digit(char c)
{
	return c >= '0' && c <= '9';
}

/* 2^256 - 1, the largest amount a uint256 holds. */
static int over_max(const mpz_t v)
{
	return mpz_sizeinbase(v, 2) > 256;
}

int amount_parse(mpz_t out, const char *s, unsigned decimals)
{
	char shown[SHOW_SIZE];
	size_t len = strnlen(s, AMOUNT_INPUT_MAX + 1), ilen, flen = 0;
	const char *dot;
	char *digits;

	mpz_set_ui(out, 0);
	if (decimals > AMOUNT_DECIMALS_MAX)
		return prov_error_set(
			PROV_EINVALID, "amount '%s': %u decimals (at most %d)",
			show(shown, s), decimals, AMOUNT_DECIMALS_MAX);
	if (len > AMOUNT_INPUT_MAX)
		return prov_error_set(PROV_EINVALID,
				      "amount '%s': longer than %d characters",
				      show(shown, s), AMOUNT_INPUT_MAX);
	if (s[0] == '-')
		return prov_error_set(
			PROV_EINVALID,
			"amount '%s': negative amounts are not allowed",
			show(shown, s));
	dot = memchr(s, '.', len);
	ilen = dot ? (size_t)(dot - s) : len;
	if (dot)
		flen = len - ilen - 1;
	for (size_t i = 0; i < len; i++)
		if (!is_digit(s[i]) && s + i != dot)
			return prov_error_set(
				PROV_EINVALID,
				"amount '%s': not a decimal number",
				show(shown, s));
	if (ilen == 0 || (dot && flen == 0))
		return prov_error_set(
			PROV_EINVALID,
			"amount '%s': not a decimal number (a digit is needed "
			"on each side of the point)",
			show(shown, s));
	if (flen > decimals)
		return prov_error_set(PROV_EINVALID,
				      "amount '%s': more than %u decimals",
				      show(shown, s), decimals);

	/* The digits without the point, padded with zeros to `decimals`
	 * places: the amount in base units. */
	digits = xmalloc(ilen + decimals + 1);
	memcpy(digits, s, ilen);
	if (flen)
		memcpy(digits + ilen, dot + 1, flen);
	memset(digits + ilen + flen, '0', decimals - flen);
	digits[ilen + decimals] = '\0';
	if (mpz_set_str(out, digits, 10) != 0)
		abort(); /* only digits reach it */
	free(digits);
	if (over_max(out)) {
		mpz_set_ui(out, 0);
		return prov_error_set(PROV_EINVALID,
				      "amount '%s': over 2^256-1 base units",
				      show(shown, s));
	}
	return 0;
}

int amount_parse_units(mpz_t out, const char *s)
{
	char shown[SHOW_SIZE];
	size_t len = strnlen(s, AMOUNT_INPUT_MAX + 1);

	mpz_set_ui(out, 0);
	if (len > AMOUNT_INPUT_MAX)
		return prov_error_set(PROV_EINVALID,
				      "amount '%s': longer than %d characters",
				      show(shown, s), AMOUNT_INPUT_MAX);
	if (s[0] == '-')
		return prov_error_set(
			PROV_EINVALID,
			"amount '%s': negative amounts are not allowed",
			show(shown, s));
	if (len == 0)
		return prov_error_set(PROV_EINVALID,
				      "amount '': not a decimal number");
	for (size_t i = 0; i < len; i++)
		if (!is_digit(s[i]))
			return prov_error_set(
				PROV_EINVALID,
				"amount '%s': not a whole number of base units",
				show(shown, s));
	if (s[0] == '0' && len > 1)
		return prov_error_set(PROV_EINVALID,
				      "amount '%s': a leading zero (base units "
				      "are written without one)",
				      show(shown, s));
	if (mpz_set_str(out, s, 10) != 0)
		abort();
	if (over_max(out)) {
		mpz_set_ui(out, 0);
		return prov_error_set(PROV_EINVALID,
				      "amount '%s': over 2^256-1 base units",
				      show(shown, s));
	}
	return 0;
}

void amount_u256(uint8_t out[32], const mpz_t v)
{
	size_t n = (mpz_sizeinbase(v, 2) + 7) / 8;

	memset(out, 0, 32);
	if (mpz_sgn(v) == 0 || n > 32)
		return; /* out of contract: zero rather than a buffer overrun */
	mpz_export(out + 32 - n, NULL, 1, 1, 1, 0, v);
}

char *amount_string(const mpz_t v)
{
	/* mpz_sizeinbase may say one too many; plus a sign and the NUL */
	char *s = xmalloc(mpz_sizeinbase(v, 10) + 2);

	return mpz_get_str(s, 10, v);
}

char *amount_display(const mpz_t v, unsigned decimals)
{
	char *units = amount_string(v), *out;
	size_t n = strlen(units), ilen;

	if (decimals == 0)
		return units;
	/* at least one integer digit: "0.000001" */
	ilen = n > decimals ? n - decimals : 1;
	out = xmalloc(ilen + 1 + decimals + 1);
	if (n > decimals) {
		memcpy(out, units, ilen);
		out[ilen] = '.';
		memcpy(out + ilen + 1, units + ilen, decimals);
	} else {
		out[0] = '0';
		out[1] = '.';
		memset(out + 2, '0', decimals - n);
		memcpy(out + 2 + decimals - n, units, n);
	}
	out[ilen + 1 + decimals] = '\0';
	free(units);
	return out;
}

/* ---- CAIP-19 --------------------------------------------------------------
 */

/* Every byte of s[0..n) in the class: "a" lowercase letters, "A"
 * uppercase, "0" digits, and the listed punctuation. */
static int all_in(const char *s, size_t n, int upper, const char *punct)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if ((c >= 'a' && c <= 'z') || is_digit(c) ||
		    (upper && c >= 'A' && c <= 'Z') ||
		    (c != '\0' && strchr(punct, c)))
			continue;
		return 0;
	}
	return 1;
}

#define ASSET_EXPECTED                                                         \
	"expected <namespace>:<reference>/<asset namespace>:<asset "           \
	"reference>, "                                                         \
	"as in eip155:1/erc20:0x..."

static int asset_syntax(const char *whole, const char *what, const char *s,
			size_t n, size_t min, size_t max, int upper,
			const char *punct)
{
	char shown[SHOW_SIZE], part[SHOW_SIZE];

	if (n < min || n > max || !all_in(s, n, upper, punct))
		return prov_error_set(PROV_EINVALID,
				      "asset '%s': the %s '%s' is not %zu to "
				      "%zu of [%s%s] (" ASSET_EXPECTED ")",
				      show(shown, whole), what,
				      prov_show(part, s, n), min, max,
				      upper ? "a-zA-Z0-9" : "a-z0-9", punct);
	return 0;
}

/* A CAIP-2 eip155 reference as account_parse reads it: a positive decimal
 * that fits in 64 bits, without leading zeros. */
static int eip155_chain(uint64_t *out, const char *whole, const char *s,
			size_t n)
{
	char shown[SHOW_SIZE];
	uint64_t v = 0;

	for (size_t i = 0; i < n; i++) {
		if (!is_digit(s[i]))
			return prov_error_set(PROV_EINVALID,
					      "asset '%s': the chain id '%.*s' "
					      "is not a decimal number",
					      show(shown, whole), (int)n, s);
		unsigned d = (unsigned)(s[i] - '0');
		if (v > (UINT64_MAX - d) / 10)
			return prov_error_set(PROV_EINVALID,
					      "asset '%s': the chain id '%.*s' "
					      "is larger than 2^64 - 1",
					      show(shown, whole), (int)n, s);
		v = v * 10 + d;
	}
	if (v == 0)
		return prov_error_set(
			PROV_EINVALID,
			"asset '%s': the chain id must be positive",
			show(shown, whole));
	if (s[0] == '0')
		return prov_error_set(
			PROV_EINVALID,
			"asset '%s': the chain id '%.*s' has a leading zero",
			show(shown, whole), (int)n, s);
	*out = v;
	return 0;
}

int asset_parse(struct asset *out, const char *s)
{
	char shown[SHOW_SIZE], checksummed[43];
	const char *colon1, *slash, *colon2, *ref;
	size_t len = strnlen(s, sizeof(out->text));
	int err;

	memset(out, 0, sizeof(*out));
	/* the longest valid asset is 8+1+32+1+8+1+128 = 179 bytes */
	if (len >= sizeof(out->text))
		return prov_error_set(PROV_EINVALID,
				      "asset '%s': longer than %zu bytes",
				      show(shown, s), sizeof(out->text) - 1);
	colon1 = memchr(s, ':', len);
	slash = colon1 ? memchr(colon1, '/', len - (size_t)(colon1 - s)) : NULL;
	colon2 = slash ? memchr(slash, ':', len - (size_t)(slash - s)) : NULL;
	if (!colon2)
		return prov_error_set(PROV_EINVALID,
				      "asset '%s': " ASSET_EXPECTED,
				      show(shown, s));
	ref = colon2 + 1;
	if ((err = asset_syntax(s, "chain namespace", s, (size_t)(colon1 - s),
				3, 8, 0, "-")) ||
	    (err = asset_syntax(s, "chain reference", colon1 + 1,
				(size_t)(slash - colon1 - 1), 1, 32, 1,
				"-_")) ||
	    (err = asset_syntax(s, "asset namespace", slash + 1,
				(size_t)(colon2 - slash - 1), 3, 8, 0, "-")))
		goto done;
	/* a '/' after the reference would start a token id: refused here */
	if ((err = asset_syntax(s, "asset reference", ref,
				len - (size_t)(ref - s), 1, 128, 1, "-.%")))
		goto done;
	memcpy(out->text, s, len);

	if ((size_t)(colon1 - s) == 6 && memcmp(s, "eip155", 6) == 0) {
		/* every eip155 chain id has one spelling, erc20 or not */
		if ((err = eip155_chain(&out->chain_id, s, colon1 + 1,
					(size_t)(slash - colon1 - 1))))
			goto done;
		if ((size_t)(colon2 - slash - 1) == 5 &&
		    memcmp(slash + 1, "erc20", 5) == 0) {
			if ((err = address_parse(out->token, ref))) {
				prov_error_wrap("asset '%s'", show(shown, s));
				goto done;
			}
			address_checksum(checksummed, out->token);
			memcpy(out->text + (ref - s), checksummed, 42);
			out->erc20 = 1;
		}
	}
	err = 0;

done:
	if (err)
		memset(out, 0, sizeof(*out));
	return err;
}

int period_check(const char *s)
{
	char shown[SHOW_SIZE];
	size_t len = strnlen(s, 8);
	int year, month;

	if (len != 7 || s[4] != '-' || !is_digit(s[0]) || !is_digit(s[1]) ||
	    !is_digit(s[2]) || !is_digit(s[3]) || !is_digit(s[5]) ||
	    !is_digit(s[6]))
		return prov_error_set(PROV_EINVALID,
				      "period '%s': expected YYYY-MM",
				      show(shown, s));
	year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 +
	       (s[3] - '0');
	month = (s[5] - '0') * 10 + (s[6] - '0');
	if (year < 1)
		return prov_error_set(
			PROV_EINVALID,
			"period '%s': the year must be 0001 to 9999",
			show(shown, s));
	if (month < 1 || month > 12)
		return prov_error_set(PROV_EINVALID,
				      "period '%s': the month must be 01 to 12",
				      show(shown, s));
	return 0;
}
