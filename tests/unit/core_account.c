/* CAIP-10 eip155 accounts and EIP-55 checksums. The checksummed addresses
 * are the EIP-55 specification's test vectors. */
#include "unit.h"

static const char *const eip55[] = {
	/* from the EIP-55 specification */
	"0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed",
	"0xfB6916095ca1df60bB79Ce92cE3Ea74c37c5d359",
	"0xdbF03B407c01E7cD3CBea99509d93f8DDDC8C6FB",
	"0xD1220A0cf47c7B9Be7A2E6BA89F429762e7b9aDb",
	/* all caps and all lower, also in the specification */
	"0x52908400098527886E0F7030069857D2E4169EE7",
	"0x8617E340B3D01FA5F11F306F4090FD50E238070D",
	"0xde709f2102306220921060314715629080e2fb77",
	"0x27b1fdb04752bbc536007a920d24acb045561c26",
};

static int has(const char *haystack)
{
	const char *msg = prov_error_last();
	if (!strstr(msg, haystack)) {
		fprintf(stderr, "message '%s' lacks '%s'\n", msg, haystack);
		return 0;
	}
	return 1;
}

static void test_checksum_vectors(void)
{
	for (size_t i = 0; i < sizeof(eip55) / sizeof(*eip55); i++) {
		uint8_t addr[20];
		char out[43];

		CHECK(hex_decode(addr, 20, eip55[i] + 2, 40) == 0);
		address_checksum(out, addr);
		CHECK_STR(out, eip55[i]);
	}
}

static void test_parse_vectors(void)
{
	for (size_t i = 0; i < sizeof(eip55) / sizeof(*eip55); i++) {
		struct account a;
		char s[80], want[80];

		snprintf(s, sizeof(s), "eip155:1:%s", eip55[i]);
		CHECK(account_parse(&a, s) == 0);
		CHECK(a.chain_id == 1);
		CHECK_STR(a.text, s);

		/* the same address in lower case normalises to the checksum */
		snprintf(want, sizeof(want), "eip155:1:0x");
		for (int j = 2; j < 42; j++) {
			char c = eip55[i][j];
			want[9 + j] = c >= 'A' && c <= 'F' ? (char)(c - 'A' + 'a') : c;
		}
		want[9 + 42] = '\0';
		CHECK(account_parse(&a, want) == 0);
		CHECK_STR(a.text, s);
	}
}

static void test_fields(void)
{
	struct account a;
	static const uint8_t want[20] = {
		0x5a, 0xae, 0xb6, 0x05, 0x3f, 0x3e, 0x94, 0xc9, 0xb9, 0xa0,
		0x9f, 0x33, 0x66, 0x94, 0x35, 0xe7, 0xef, 0x1b, 0xea, 0xed,
	};

	CHECK(account_parse(&a, "eip155:31337:0x5AAEB6053F3E94C9B9A09F33669435E7EF1BEAED") == 0);
	CHECK(a.chain_id == 31337);
	CHECK(memcmp(a.addr, want, 20) == 0);
	CHECK_STR(a.text, "eip155:31337:0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed");

	CHECK(account_parse(&a, "eip155:11155111:0x0000000000000000000000000000000000000000") == 0);
	CHECK(a.chain_id == 11155111);
	CHECK_STR(a.text, "eip155:11155111:0x0000000000000000000000000000000000000000");

	/* the largest chain id that fits in struct account's text[] */
	CHECK(account_parse(&a, "eip155:9999999999999:0x27b1fdb04752bbc536007a920d24acb045561c26") == 0);
	CHECK(a.chain_id == 9999999999999ULL);
}

static void test_bad_checksum(void)
{
	struct account a;

	/* the first vector with one letter's case flipped */
	CHECK(account_parse(&a, "eip155:1:0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD") == PROV_EINVALID);
	CHECK(has("'0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeD' fails its EIP-55 checksum (expected 0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed)"));
	CHECK(a.chain_id == 0 && a.text[0] == '\0');
}

static void test_rejects(void)
{
	static const struct {
		const char *in, *why;
	} bad[] = {
		{ "", "expected eip155:<chain id>:0x<40 hex digits>" },
		{ "0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "expected eip155:" },
		{ "eip155:1", "expected eip155:" },
		{ "EIP155:1:0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "expected eip155:" },
		{ "cosmos:cosmoshub-3:cosmos1t2uflqwqe0fsj0shcfkrvpukewcw40yjj6hdc0", "expected eip155:" },
		{ "eip155::0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "the chain id is empty" },
		{ "eip155:0:0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "must be positive" },
		{ "eip155:01:0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "'01' has a leading zero" },
		{ "eip155:-1:0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "'-1' is not a decimal number" },
		{ "eip155:0x1:0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "'0x1' is not a decimal number" },
		{ "eip155:18446744073709551616:0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "larger than 2^64 - 1" },
		{ "eip155:1:5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "not 0x followed by 40 hex digits" },
		{ "eip155:1:0X5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "not 0x followed by 40 hex digits" },
		{ "eip155:1:0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAe", "not 0x followed by 40 hex digits" },
		{ "eip155:1:0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed0", "not 0x followed by 40 hex digits" },
		{ "eip155:1:0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAeg", "'g' is not a hex digit" },
		{ "eip155:1:0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeA d", "' ' is not a hex digit" },
		{ "eip155:1:0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeA\x1b" "d", "'\\x1b' is not a hex digit" },
		{ "eip155:1:0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed:x", "not 0x followed by 40 hex digits" },
		{ " eip155:1:0x5aAeb6053F3E94C9b9A09f33669435E7Ef1BeAed", "expected eip155:" },
	};

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		struct account a;

		prov_error_clear();
		if (account_parse(&a, bad[i].in) != PROV_EINVALID) {
			fprintf(stderr, "accepted '%s'\n", bad[i].in);
			CHECK(0);
		}
		CHECK(has(bad[i].why));
	}
}

static void test_long_input(void)
{
	struct account a;
	char s[1000];

	memset(s, '1', sizeof(s) - 1);
	s[sizeof(s) - 1] = '\0';
	memcpy(s, "eip155:", 7);
	CHECK(account_parse(&a, s) == PROV_EINVALID);
	CHECK(has("longer than 256 bytes"));
	/* the message quotes only the start of the input */
	CHECK(strlen(prov_error_last()) < 300);
}

int main(void)
{
	RUN(test_checksum_vectors);
	RUN(test_parse_vectors);
	RUN(test_fields);
	RUN(test_bad_checksum);
	RUN(test_rejects);
	RUN(test_long_input);
	return unit_done();
}
