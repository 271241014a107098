/* Amounts, assets and periods (royalties/amount.c). */
#include <stdlib.h>

#include "royalties/royalties.h"
#include "unit.h"

#define MAX256                                                                 \
	"11579208923731619542357098500868790785326998466564056403945758400791" \
	"3"                                                                    \
	"129639935"
#define OVER256                                                                \
	"11579208923731619542357098500868790785326998466564056403945758400791" \
	"3"                                                                    \
	"129639936"

struct parse_case {
	const char *in;
	unsigned decimals;
	const char *units; /* NULL: refused */
	const char *why;   /* part of the message when refused */
};

static const struct parse_case parse_cases[] = {
	{"0", 6, "0", NULL},
	{"7", 6, "7000000", NULL},
	{"1234.5", 6, "1234500000", NULL},
	{"0.000001", 6, "1", NULL},
	{"1.234567", 6, "1234567", NULL},
	{"01", 6, "1000000", NULL}, /* people may write leading zeros */
	{"5", 0, "5", NULL},
	{"1", 77,
	 "1"
	 "00000000000000000000000000000000000000000000000000"
	 "000000000000000000000000000",
	 NULL},
	{"0."
	 "00000000000000000000000000000000000000000000000000"
	 "000000000000000000000000001",
	 77, "1", NULL},
	{MAX256, 0, MAX256, NULL},
	{OVER256, 0, NULL, "over 2^256-1"},
	{"1.1", 0, NULL, "more than 0 decimals"},
	{"1.2345678", 6, NULL, "more than 6 decimals"},
	{"-5", 6, NULL, "negative amounts are not allowed"},
	{"-0", 6, NULL, "negative amounts are not allowed"},
	{"abc", 6, NULL, "not a decimal number"},
	{"", 6, NULL, "not a decimal number"},
	{"1.", 6, NULL, "not a decimal number"},
	{".5", 6, NULL, "not a decimal number"},
	{".", 6, NULL, "not a decimal number"},
	{"+1", 6, NULL, "not a decimal number"},
	{" 1", 6, NULL, "not a decimal number"},
	{"1 ", 6, NULL, "not a decimal number"},
	{"1e3", 6, NULL, "not a decimal number"},
	{"1.2.3", 6, NULL, "not a decimal number"},
	{"1,5", 6, NULL, "not a decimal number"},
	{"0x10", 6, NULL, "not a decimal number"},
	{"1", 78, NULL, "78 decimals"},
	/* 2^256 / 10^6 rounded up: over */
	{"115792089237316195423570985008687907853269984665640564039457584007913"
	 "129.639936",
	 6, NULL, "over 2^256-1"},
	{"115792089237316195423570985008687907853269984665640564039457584007913"
	 "129.639935",
	 6, MAX256, NULL},
};

static void test_amount_parse(void)
{
	mpz_t v;
	char *s;

	mpz_init(v);
	for (size_t i = 0; i < sizeof(parse_cases) / sizeof(*parse_cases);
	     i++) {
		const struct parse_case *c = &parse_cases[i];
		int rc = amount_parse(v, c->in, c->decimals);
		if (!c->units) {
			if (rc != PROV_EINVALID)
				fprintf(stderr, "case '%s' accepted\n", c->in);
			CHECK(rc == PROV_EINVALID);
			if (!strstr(prov_error_last(), c->why) ||
			    strncmp(prov_error_last(), "amount '", 8) != 0)
				fprintf(stderr, "case '%s': %s\n", c->in,
					prov_error_last());
			CHECK(strstr(prov_error_last(), c->why));
			CHECK(strncmp(prov_error_last(), "amount '", 8) == 0);
			CHECK(mpz_sgn(v) == 0);
			continue;
		}
		if (rc)
			fprintf(stderr, "case '%s' refused\n", c->in);
		CHECK(rc == 0);
		s = amount_string(v);
		if (strcmp(s, c->units))
			fprintf(stderr, "case '%s': %s\n", c->in, s);
		CHECK(strcmp(s, c->units) == 0);
		free(s);
	}
	mpz_clear(v);
}

static void test_amount_messages(void)
{
	mpz_t v;

	mpz_init(v);
	CHECK(amount_parse(v, "-5", 6) == PROV_EINVALID);
	CHECK_STR(prov_error_last(),
		  "amount '-5': negative amounts are not allowed");
	CHECK(amount_parse(v, "1.2345678", 6) == PROV_EINVALID);
	CHECK_STR(prov_error_last(),
		  "amount '1.2345678': more than 6 decimals");
	CHECK(amount_parse(v, "abc", 6) == PROV_EINVALID);
	CHECK_STR(prov_error_last(), "amount 'abc': not a decimal number");
	/* untrusted bytes are escaped */
	CHECK(amount_parse(v, "1\x1b[2J", 6) == PROV_EINVALID);
	CHECK(strstr(prov_error_last(), "\\x1b"));
	CHECK(!strchr(prov_error_last(), '\x1b'));
	mpz_clear(v);
}

static void test_amount_parse_units(void)
{
	static const char *const ok[] = {"0", "1", "10", "1000000", MAX256};
	static const char *const bad[] = {"",	 "01",	"00",  "-0", "-1",
					  "+1",	 " 1",	"1 ",  "1.", ".5",
					  "1.0", "1e3", "0x1", "a",  OVER256};
	mpz_t v;
	char *s;

	mpz_init(v);
	for (size_t i = 0; i < sizeof(ok) / sizeof(*ok); i++) {
		CHECK(amount_parse_units(v, ok[i]) == 0);
		s = amount_string(v);
		CHECK_STR(s, ok[i]);
		free(s);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		if (amount_parse_units(v, bad[i]) != PROV_EINVALID)
			fprintf(stderr, "'%s' accepted\n", bad[i]);
		CHECK(amount_parse_units(v, bad[i]) == PROV_EINVALID);
		CHECK(strncmp(prov_error_last(), "amount '", 8) == 0);
	}
	CHECK(amount_parse_units(v, OVER256) == PROV_EINVALID);
	CHECK(strstr(prov_error_last(), "over 2^256-1"));
	mpz_clear(v);
}

static void test_amount_u256(void)
{
	uint8_t b[32], want[32] = {0};
	mpz_t v;

	mpz_init(v);
	amount_u256(b, v);
	CHECK(memcmp(b, want, 32) == 0);
	mpz_set_ui(v, 0x1234);
	amount_u256(b, v);
	want[30] = 0x12;
	want[31] = 0x34;
	CHECK(memcmp(b, want, 32) == 0);
	CHECK(mpz_set_str(v, MAX256, 10) == 0);
	amount_u256(b, v);
	memset(want, 0xff, 32);
	CHECK(memcmp(b, want, 32) == 0);
	mpz_clear(v);
}

static void test_amount_display(void)
{
	static const struct {
		const char *units;
		unsigned decimals;
		const char *shown;
	} cases[] = {
		{"1234500000", 6, "1234.500000"},
		{"1", 6, "0.000001"},
		{"0", 6, "0.000000"},
		{"999999", 6, "0.999999"},
		{"1000000", 6, "1.000000"},
		{"42", 0, "42"},
		{"0", 0, "0"},
		{"123", 3, "0.123"},
		{MAX256, 77,
		 "1.15792089237316195423570985008687907853269984665640"
		 "564039457584007913129639935"},
	};
	mpz_t v, back;
	char *s;

	mpz_inits(v, back, NULL);
	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		CHECK(amount_parse_units(v, cases[i].units) == 0);
		s = amount_display(v, cases[i].decimals);
		if (strcmp(s, cases[i].shown))
			fprintf(stderr, "%s with %u: %s\n", cases[i].units,
				cases[i].decimals, s);
		CHECK_STR(s, cases[i].shown);
		/* and back */
		CHECK(amount_parse(back, s, cases[i].decimals) == 0);
		CHECK(mpz_cmp(back, v) == 0);
		free(s);
	}
	/* a round trip for every decimals and many values */
	uint64_t x = 88172645463325252ULL;
	for (unsigned d = 0; d <= AMOUNT_DECIMALS_MAX; d++) {
		for (int k = 0; k < 20; k++) {
			x ^= x << 13;
			x ^= x >> 7;
			x ^= x << 17;
			mpz_set_ui(v, x);
			mpz_mul_2exp(v, v, (x % 193));
			mpz_add_ui(v, v, x >> 40);
			s = amount_display(v, d);
			CHECK(amount_parse(back, s, d) == 0);
			CHECK(mpz_cmp(back, v) == 0);
			free(s);
		}
	}
	mpz_clears(v, back, NULL);
}

static void test_asset_parse(void)
{
	struct asset a;
	char want[200];

	/* lowercase address: rewritten in EIP-55 */
	CHECK(asset_parse(&a,
			  "eip155:1/erc20:"
			  "0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48") == 0);
	CHECK_STR(a.text,
		  "eip155:1/erc20:0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48");
	CHECK(a.erc20);
	CHECK(a.chain_id == 1);
	CHECK(a.token[0] == 0xa0 && a.token[19] == 0x48);
	/* already checksummed: unchanged */
	CHECK(asset_parse(&a,
			  "eip155:8453/erc20:"
			  "0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48") == 0);
	CHECK(a.chain_id == 8453);
	/* uppercase: no checksum claimed, rewritten */
	CHECK(asset_parse(&a,
			  "eip155:1/erc20:"
			  "0xA0B86991C6218B36C1D19D4A2E9EB0CE3606EB48") == 0);
	CHECK_STR(a.text,
		  "eip155:1/erc20:0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48");
	/* a wrong checksum */
	CHECK(asset_parse(&a, "eip155:1/erc20:"
			      "0xa0B86991c6218b36c1d19D4a2e9Eb0cE3606eB48") ==
	      PROV_EINVALID);
	CHECK(strstr(prov_error_last(), "checksum"));
	CHECK(strncmp(prov_error_last(), "asset '", 7) == 0);
	CHECK(a.text[0] == '\0' && !a.erc20);

	/* other namespaces: syntax only, not erc20 */
	CHECK(asset_parse(&a, "eip155:1/slip44:60") == 0);
	CHECK_STR(a.text, "eip155:1/slip44:60");
	CHECK(!a.erc20);
	CHECK(asset_parse(&a, "bip122:000000000019d6689c085ae165831e93/"
			      "slip44:0") == 0);
	CHECK(!a.erc20);
	CHECK(asset_parse(&a, "cosmos:cosmoshub-3/slip44:118") == 0);
	CHECK(asset_parse(
		      &a,
		      "solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp/"
		      "token:EPjFWdd5AufqSSqeM2qN1xzybapC8G4wEGGkZwyTDt1v") ==
	      0);
	/* the longest of each part */
	snprintf(want, sizeof(want), "abcdefgh:%s/-a-b-c-d:%s",
		 "0123456789abcdefABCDEF_-01234567",
		 "0123456789012345678901234567890123456789012345678901234567890"
		 "1234567890123456789012345678901234567890123456789012345678901"
		 "2345.%");
	CHECK(strlen(want) == 179);
	CHECK(asset_parse(&a, want) == 0);
	CHECK_STR(a.text, want);

	static const char *const bad[] = {
		"",
		"eip155:1",
		"eip155:1/erc20",
		"eip155:1/erc20:",
		"eip155:1/erc20:0x1234",
		"eip155:1/erc20:0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb4g",
		"eip155:0/erc20:0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48",
		"eip155:01/erc20:0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48",
		"eip155:x/erc20:0xa0b86991c6218b36c1d19d4a2e9eb0ce3606eb48",
		"eip155:18446744073709551616/slip44:60",
		"eip155:01/slip44:60",
		"ei:1/slip44:60",
		"abcdefghi:1/slip44:60",
		"EIP155:1/slip44:60",
		"eip155:1/SLIP44:60",
		"eip155:1/slip44:60/1",
		"eip155:1/slip44:6 0",
		"eip155:1/sl:60",
		"eip155:/slip44:60",
		"eip155:1/slip44:60\n",
		"eip155:123456789012345678901234567890123/slip44:60",
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		if (asset_parse(&a, bad[i]) != PROV_EINVALID)
			fprintf(stderr, "'%s' accepted\n", bad[i]);
		CHECK(asset_parse(&a, bad[i]) == PROV_EINVALID);
		CHECK(strncmp(prov_error_last(), "asset '", 7) == 0);
	}
	/* over the length of any valid asset */
	char longer[300];
	memset(longer, 'a', sizeof(longer) - 1);
	longer[sizeof(longer) - 1] = '\0';
	memcpy(longer, "eip155:1/slip44:", 16);
	CHECK(asset_parse(&a, longer) == PROV_EINVALID);
}

static void test_period_check(void)
{
	static const char *const ok[] = {"2026-01", "2026-12", "0001-01",
					 "9999-12", "1999-06"};
	static const char *const bad[] = {
		"",	    "2026",	"2026-1",   "2026-13", "2026-00",
		"0000-05",  "2026/01",	"2026-01-", "26-01",   "2026-1a",
		" 2026-01", "2026-01 ", "+026-01",  "20260-01"};

	for (size_t i = 0; i < sizeof(ok) / sizeof(*ok); i++)
		CHECK(period_check(ok[i]) == 0);
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		if (period_check(bad[i]) != PROV_EINVALID)
			fprintf(stderr, "'%s' accepted\n", bad[i]);
		CHECK(period_check(bad[i]) == PROV_EINVALID);
		CHECK(strncmp(prov_error_last(), "period '", 8) == 0);
	}
}

int main(void)
{
	RUN(test_amount_parse);
	RUN(test_amount_messages);
	RUN(test_amount_parse_units);
	RUN(test_amount_u256);
	RUN(test_amount_display);
	RUN(test_asset_parse);
	RUN(test_period_check);
	return unit_done();
}
