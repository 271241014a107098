/* Hex, base64 and base58btc: published vectors, leading zeros, and the
 * untrusted-input cases the decoders must refuse. */
#include <sodium.h>

#include "unit.h"

static void hex_vectors(void)
{
	const uint8_t in[] = {0x00, 0x01, 0x7f, 0x80, 0xab, 0xff};
	uint8_t out[6];
	char text[13];

	hex_encode(text, in, sizeof(in));
	CHECK_STR(text, "00017f80abff");
	hex_encode(text, in, 0);
	CHECK_STR(text, "");
	CHECK(hex_decode(out, 6, "00017f80abff", 12) == 0);
	CHECK(memcmp(out, in, 6) == 0);
	CHECK(hex_decode(out, 6, "00017F80ABFF", 12) == 0);
	CHECK(memcmp(out, in, 6) == 0);
	CHECK(hex_decode(out, 0, "", 0) == 0);
}

static void hex_bad_input(void)
{
	uint8_t out[4];

	CHECK(hex_decode(out, 2, "abc", 3) == PROV_EINVALID);	 /* odd */
	CHECK(hex_decode(out, 2, "abcdef", 6) == PROV_EINVALID); /* too long */
	CHECK(hex_decode(out, 2, "ab", 2) == PROV_EINVALID);	 /* too short */
	CHECK(hex_decode(out, 2, "abcg", 4) == PROV_EINVALID);
	CHECK(hex_decode(out, 2, "ab c", 4) == PROV_EINVALID);
	CHECK(hex_decode(out, 2, "0x12", 4) == PROV_EINVALID);
	CHECK(hex_decode(out, 2, "ab\0d", 4) == PROV_EINVALID);
}

/* RFC 4648 section 10. */
static void base64_vectors(void)
{
	static const char *const vec[][2] = {
		{"", ""},
		{"f", "Zg=="},
		{"fo", "Zm8="},
		{"foo", "Zm9v"},
		{"foob", "Zm9vYg=="},
		{"fooba", "Zm9vYmE="},
		{"foobar", "Zm9vYmFy"},
	};
	struct buf b = BUF_INIT;
	uint8_t out[16];
	size_t n;

	for (size_t i = 0; i < sizeof(vec) / sizeof(*vec); i++) {
		buf_clear(&b);
		CHECK(base64_encode(&b, (const uint8_t *)vec[i][0],
				    strlen(vec[i][0])) == 0);
		CHECK_STR(b.ptr, vec[i][1]);
		n = 99;
		CHECK(base64_decode(out, sizeof(out), &n, vec[i][1],
				    strlen(vec[i][1])) == 0);
		CHECK(n == strlen(vec[i][0]));
		CHECK(memcmp(out, vec[i][0], n) == 0);
	}
	/* Appends to what the buffer holds; binary with leading zeros and +/ */
	buf_clear(&b);
	buf_puts(&b, "x:");
	CHECK(base64_encode(&b, (const uint8_t *)"\0\0\xfb\xff", 4) == 0);
	CHECK_STR(b.ptr, "x:AAD7/w==");
	CHECK(base64_decode(out, sizeof(out), &n, "AAD7/w==", 8) == 0);
	CHECK(n == 4 && memcmp(out, "\0\0\xfb\xff", 4) == 0);
	buf_release(&b);
}

static void base64_bad_input(void)
{
	static const char *const bad[] = {
		"Zg",	    /* padding missing */
		"Zg=",	    /* padding short */
		"Zg===",    /* padding long */
		"Z===",	    /* a lone character */
		"Zh==",	    /* non-zero trailing bits: not canonical */
		"Zm9=",	    /* likewise */
		"Zm9v!",    /* bad character */
		"Zm9v\n",   /* trailing newline */
		" Zm9v",    /* leading space */
		"Zm 9v",    /* inner space */
		"Zm9v-_",   /* URL-safe alphabet */
		"=Zm9",	    /* padding first */
		"Zg==Zg==", /* padding in the middle */
	};
	uint8_t out[16];
	size_t n;

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		CHECK(base64_decode(out, sizeof(out), &n, bad[i],
				    strlen(bad[i])) == PROV_EINVALID);
	/* A NUL inside the input. */
	CHECK(base64_decode(out, sizeof(out), &n, "Zm\0v", 4) == PROV_EINVALID);
	/* Bytes over 0x7f: libsodium 1.0.18 decodes each as some digit (found
	 * by tests/fuzz/fuzz_base64), which would give one value many
	 * spellings, UTF-8 ones in JSON strings included. */
	CHECK(base64_decode(out, sizeof(out), &n, "Zm9\xbe", 4) ==
	      PROV_EINVALID);
	CHECK(base64_decode(out, sizeof(out), &n, "Zm\xc3\xa9", 4) ==
	      PROV_EINVALID);
	/* More bytes than the output holds. */
	CHECK(base64_decode(out, 5, &n, "Zm9vYmFy", 8) == PROV_EINVALID);
	CHECK(base64_decode(out, 6, &n, "Zm9vYmFy", 8) == 0 && n == 6);
}

/* draft-msporny-base58 test vectors and Bitcoin's leading-zero rule. */
static void base58_vectors(void)
{
	static const struct {
		const char *hex, *b58;
	} vec[] = {
		{"", ""},
		{"00", "1"},
		{"000000", "111"},
		{"61", "2g"},
		{"626262", "a3gV"},
		{"636363", "aPEr"},
		{"0000287fb4cd", "11233QC4"},
		{"48656c6c6f20576f726c6421", "2NEpo7TZRRrLZSi2U"},
		{"00eb15231dfceb60925886b67d065299925915aeb172c06647",
		 "1NS17iag9jJgTHD1VXjvLCEnZuQ3rJDE9L"},
		{"ffffffff", "7YXq9G"},
	};
	struct buf b = BUF_INIT;
	uint8_t in[64], out[64];
	size_t n, len;

	for (size_t i = 0; i < sizeof(vec) / sizeof(*vec); i++) {
		len = strlen(vec[i].hex) / 2;
		CHECK(hex_decode(in, len, vec[i].hex, 2 * len) == 0);
		buf_clear(&b);
		CHECK(base58_encode(&b, in, len) == 0);
		CHECK_STR(b.ptr, vec[i].b58);
		n = 99;
		CHECK(base58_decode(out, sizeof(out), &n, vec[i].b58,
				    strlen(vec[i].b58)) == 0);
		CHECK(n == len);
		CHECK(memcmp(out, in, len) == 0);
	}
	buf_release(&b);
}

static void base58_bad_input(void)
{
	static const char *const bad[] = {"0",	 "O", "I",    "l",
					  "2g ", "+", "2g\n", "\xc3\xa9"};
	uint8_t out[8];
	size_t n;
	char big[1500];

	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++)
		CHECK(base58_decode(out, sizeof(out), &n, bad[i],
				    strlen(bad[i])) == PROV_EINVALID);
	CHECK(base58_decode(out, sizeof(out), &n, "2\0g", 3) == PROV_EINVALID);
	/* Too many bytes for the output, by value and by leading zeros. */
	CHECK(base58_decode(out, 2, &n, "a3gV", 4) == PROV_EINVALID);
	CHECK(base58_decode(out, 3, &n, "a3gV", 4) == 0 && n == 3);
	CHECK(base58_decode(out, 2, &n, "111", 3) == PROV_EINVALID);
	/* Input over the length limit is refused before any work. */
	memset(big, 'z', sizeof(big));
	CHECK(base58_decode(out, sizeof(out), &n, big, sizeof(big)) ==
	      PROV_EINVALID);
}

static void round_trips(void)
{
	uint8_t in[200], out[200];
	struct buf b = BUF_INIT;
	size_t n;

	for (size_t len = 0; len < sizeof(in); len += 7) {
		randombytes_buf(in, len);
		/* Leading zeros survive both encodings. */
		if (len > 3)
			in[0] = in[1] = 0;
		buf_clear(&b);
		CHECK(base58_encode(&b, in, len) == 0);
		CHECK(base58_decode(out, sizeof(out), &n, b.ptr, b.len) == 0);
		CHECK(n == len && memcmp(in, out, len) == 0);
		buf_clear(&b);
		CHECK(base64_encode(&b, in, len) == 0);
		CHECK(base64_decode(out, sizeof(out), &n, b.ptr, b.len) == 0);
		CHECK(n == len && memcmp(in, out, len) == 0);
	}
	buf_release(&b);
}

int main(void)
{
	RUN(hex_vectors);
	RUN(hex_bad_input);
	RUN(base64_vectors);
	RUN(base64_bad_input);
	RUN(base58_vectors);
	RUN(base58_bad_input);
	RUN(round_trips);
	return unit_done();
}
