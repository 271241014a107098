/* keccak256: the published vectors for "" and "abc", and inputs at and
 * around the 136-byte rate, where the padding moves to a block of its own.
 * The digests of the patterned inputs were computed with two independent
 * JavaScript implementations (js-sha3 0.9 and @noble/hashes 2.4), which
 * agreed. */
#include "unit.h"

static int digest_is(const void *data, size_t n, const char *hex)
{
	uint8_t d[32];
	char got[65];

	keccak256(d, data, n);
	hex_encode(got, d, 32);
	if (strcmp(got, hex) != 0) {
		fprintf(stderr, "keccak256 of %zu bytes: got %s, want %s\n", n,
			got, hex);
		return 0;
	}
	return 1;
}

/* Bytes 0, 1, 2, ... 255, 0, 1, ...: every byte value, and no two blocks
 * alike in the first 256 bytes. */
static const uint8_t *pattern(size_t n)
{
	static uint8_t p[1000];

	for (size_t i = 0; i < n && i < sizeof(p); i++)
		p[i] = (uint8_t)i;
	return p;
}

static void test_published(void)
{
	CHECK(digest_is("", 0,
			"c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"));
	CHECK(digest_is(NULL, 0,
			"c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"));
	CHECK(digest_is("abc", 3,
			"4e03657aea45a94fc7d47ba826c8d667c0d1e6e33a64a036ec44f58fa12d6c45"));
}

static void test_not_sha3(void)
{
	/* SHA3-256("") is a7ffc6f8...: the padding byte must be 0x01. */
	uint8_t d[32];
	char got[65];

	keccak256(d, "", 0);
	hex_encode(got, d, 32);
	CHECK(strncmp(got, "a7ffc6f8", 8) != 0);
}

static void test_rate_boundary(void)
{
	CHECK(digest_is(pattern(1), 1,
			"bc36789e7a1e281436464229828f817d6612f7b477d66591ff96a9e064bcc98a"));
	/* 135: both padding bits in the last byte (0x81) */
	CHECK(digest_is(pattern(135), 135,
			"cbdfd9dee5faad3818d6b06f95a219fd290b0e1706f6a82e5a595b9ce9faca62"));
	/* 136: exactly one block, then a block of padding alone */
	CHECK(digest_is(pattern(136), 136,
			"7ce759f1ab7f9ce437719970c26b0a66ff11fe3e38e17df89cf5d29c7d7f807e"));
	CHECK(digest_is(pattern(137), 137,
			"ac73d4fae68b8453f764007c1a20ce95994187861f0c3227a3a8e99a73a3b1db"));
	CHECK(digest_is(pattern(271), 271,
			"7c974895b2a88303ff2dc6b58f438ceb0b298cac91099ac0539cc0f477506191"));
	CHECK(digest_is(pattern(272), 272,
			"fdf2ec49e749960d3c8521a0219af8d03e30e2b3bf19bd16150ee0eaf133d66e"));
	CHECK(digest_is(pattern(273), 273,
			"4f707289a9c3ccd0c4a51f2f17339f5dd171d371c04ff7783b735b5b22682eaf"));
	CHECK(digest_is(pattern(1000), 1000,
			"aca79e4146e30eb1c733f6d6060d72471c36ea4e01ebf45d7f4916249c2bbd82"));
}

static void test_repeated_a(void)
{
	char a[136];

	memset(a, 'a', sizeof(a));
	CHECK(digest_is(a, sizeof(a),
			"a6c4d403279fe3e0af03729caada8374b5ca54d8065329a3ebcaeb4b60aa386e"));
}

int main(void)
{
	RUN(test_published);
	RUN(test_not_sha3);
	RUN(test_rate_boundary);
	RUN(test_repeated_a);
	return unit_done();
}
