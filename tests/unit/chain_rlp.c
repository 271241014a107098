/* RLP: the examples of the Ethereum RLP specification
 * (ethereum.org/developers/docs/data-structures-and-encoding/rlp), encoded
 * and decoded; and the non-canonical spellings the decoder must refuse,
 * each with the offset it names. */
#include "unit.h"

#include "chain/chain.h"

static int hex_is(const struct buf *b, const char *want)
{
	char *got = xmalloc(2 * b->len + 1);
	int ok;

	hex_encode(got, (const uint8_t *)b->ptr, b->len);
	ok = !strcmp(got, want);
	if (!ok)
		fprintf(stderr, "got  %s\nwant %s\n", got, want);
	free(got);
	return ok;
}

/* Decodes hex, re-encodes it, and wants the same bytes back. */
static int round_trips(const char *hex)
{
	size_t n = strlen(hex) / 2;
	uint8_t *in = xmalloc(n + 1);
	struct buf b = BUF_INIT;
	struct rlp_item it;
	int ok;

	ok = !hex_decode(in, n, hex, 2 * n) && !rlp_decode(&it, in, n) &&
	     !rlp_reencode(&b, &it) && hex_is(&b, hex);
	buf_release(&b);
	free(in);
	return ok;
}

/* 1 if hex is refused with PROV_EINVALID and a message holding want. */
static int refused(const char *hex, const char *want)
{
	size_t n = strlen(hex) / 2;
	uint8_t *in = xmalloc(n + 1);
	struct rlp_item it;
	int rc;

	hex_decode(in, n, hex, 2 * n);
	rc = rlp_decode(&it, in, n);
	free(in);
	if (rc != PROV_EINVALID || !strstr(prov_error_last(), want)) {
		fprintf(stderr, "%s: rc %d, message '%s', want '%s'\n", hex, rc,
			prov_error_last(), want);
		return 0;
	}
	return 1;
}

static void test_spec_strings(void)
{
	struct buf b = BUF_INIT;
	const char *lorem = "Lorem ipsum dolor sit amet, consectetur "
			    "adipisicing elit";

	CHECK(!rlp_put_bytes(&b, "dog", 3) && hex_is(&b, "83646f67"));
	buf_clear(&b);
	CHECK(!rlp_put_bytes(&b, "", 0) && hex_is(&b, "80"));
	buf_clear(&b);
	CHECK(!rlp_put_bytes(&b, "\x0f", 1) && hex_is(&b, "0f"));
	buf_clear(&b);
	CHECK(!rlp_put_bytes(&b, "\x80", 1) && hex_is(&b, "8180"));
	buf_clear(&b);
	CHECK(strlen(lorem) == 56);
	CHECK(!rlp_put_bytes(&b, lorem, 56));
	CHECK(hex_is(&b, "b8384c6f72656d20697073756d20646f6c6f722073697420616d65"
			 "742c20636f6e7365637465747572206164697069736963696e6720"
			 "656c6974"));
	buf_release(&b);
}

static void test_spec_integers(void)
{
	struct buf b = BUF_INIT;
	uint8_t u[32];

	CHECK(!rlp_put_u64(&b, 0) && hex_is(&b, "80"));
	buf_clear(&b);
	CHECK(!rlp_put_u64(&b, 15) && hex_is(&b, "0f"));
	buf_clear(&b);
	CHECK(!rlp_put_u64(&b, 1024) && hex_is(&b, "820400"));
	buf_clear(&b);
	CHECK(!rlp_put_u64(&b, UINT64_MAX) && hex_is(&b, "88ffffffffffffffff"));
	buf_clear(&b);
	/* a uint256 loses its leading zeros */
	u256_from_u64(u, 1024);
	CHECK(!rlp_put_uint(&b, u, 32) && hex_is(&b, "820400"));
	buf_clear(&b);
	memset(u, 0, 32);
	CHECK(!rlp_put_uint(&b, u, 32) && hex_is(&b, "80"));
	buf_release(&b);
}

static void test_spec_lists(void)
{
	struct buf b = BUF_INIT;
	size_t l0, l1, l2;

	l0 = rlp_list_begin(&b);
	CHECK(!rlp_put_bytes(&b, "cat", 3) && !rlp_put_bytes(&b, "dog", 3));
	CHECK(!rlp_list_end(&b, l0) && hex_is(&b, "c88363617483646f67"));
	buf_clear(&b);
	CHECK(!rlp_list_end(&b, rlp_list_begin(&b)) && hex_is(&b, "c0"));
	buf_clear(&b);
	/* [ [], [[]], [ [], [[]] ] ] */
	l0 = rlp_list_begin(&b);
	rlp_list_end(&b, rlp_list_begin(&b));
	l1 = rlp_list_begin(&b);
	rlp_list_end(&b, rlp_list_begin(&b));
	rlp_list_end(&b, l1);
	l1 = rlp_list_begin(&b);
	rlp_list_end(&b, rlp_list_begin(&b));
	l2 = rlp_list_begin(&b);
	rlp_list_end(&b, rlp_list_begin(&b));
	rlp_list_end(&b, l2);
	rlp_list_end(&b, l1);
	CHECK(!rlp_list_end(&b, l0) && hex_is(&b, "c7c0c1c0c3c0c1c0"));
	buf_clear(&b);
	/* a list of 56 bytes takes the long form: 0xf8 0x38 */
	l0 = rlp_list_begin(&b);
	for (int i = 0; i < 56; i++)
		rlp_put_bytes(&b, "\x01", 1);
	CHECK(!rlp_list_end(&b, l0) && b.len == 58 &&
	      (uint8_t)b.ptr[0] == 0xf8 && b.ptr[1] == 0x38 && b.ptr[2] == 1);
	buf_release(&b);
}

static void test_decode(void)
{
	const uint8_t in[] = { 0xc8, 0x83, 'c', 'a', 't', 0x83, 'd', 'o', 'g' };
	struct rlp_item top, it;
	struct rlp_iter iter;
	uint64_t v;

	CHECK(!rlp_decode(&top, in, sizeof(in)) && top.list && top.len == 8);
	rlp_iter_init(&iter, &top);
	CHECK(rlp_next(&it, &iter) == 1 && !it.list && it.len == 3 &&
	      !memcmp(it.ptr, "cat", 3) && it.off == 1);
	CHECK(rlp_next(&it, &iter) == 1 && !memcmp(it.ptr, "dog", 3) &&
	      it.off == 5);
	CHECK(rlp_next(&it, &iter) == 0);
	CHECK(!rlp_decode(&it, (const uint8_t *)"\x82\x04\x00", 3) &&
	      !rlp_get_u64(&v, &it, "n") && v == 1024);
	CHECK(!rlp_decode(&it, (const uint8_t *)"\x80", 1) &&
	      !rlp_get_u64(&v, &it, "n") && v == 0);
	/* a leading zero in an integer, and one too large */
	CHECK(!rlp_decode(&it, (const uint8_t *)"\x82\x00\x01", 3) &&
	      rlp_get_u64(&v, &it, "nonce") == PROV_EINVALID &&
	      strstr(prov_error_last(), "nonce"));
	CHECK(!rlp_decode(&it, (const uint8_t *)"\x89\x01\0\0\0\0\0\0\0\0", 10) &&
	      rlp_get_u64(&v, &it, "n") == PROV_EINVALID);

	CHECK(round_trips("83646f67"));
	CHECK(round_trips("c7c0c1c0c3c0c1c0"));
	CHECK(round_trips("c88363617483646f67"));
	CHECK(round_trips("b8384c6f72656d20697073756d20646f6c6f722073697420616d65"
			  "742c20636f6e7365637465747572206164697069736963696e6720"
			  "656c6974"));
}

static void test_non_canonical(void)
{
	char deep[2 * 40 + 1];

	CHECK(refused("", "offset 0: no input"));
	/* a single byte below 0x80 must stand for itself */
	CHECK(refused("8105", "offset 0: a single byte below 0x80"));
	CHECK(refused("c28105", "offset 1: a single byte below 0x80"));
	/* long forms for lengths under 56 */
	CHECK(refused("b803646f67", "offset 0: long form"));
	CHECK(refused("f803c0c0c0", "offset 0: long form"));
	/* a length with a leading zero */
	CHECK(refused("b90038", "offset 0: length with a leading zero"));
	/* truncated payloads and lengths */
	CHECK(refused("83646f", "offset 0: 3-byte payload runs past"));
	CHECK(refused("c3c08364", "offset 2: 3-byte payload runs past"));
	CHECK(refused("b9", "offset 0: length runs past"));
	CHECK(refused("c4c38364", "offset 0: 4-byte payload runs past"));
	CHECK(refused("c3c28364", "offset 2: 3-byte payload runs past"));
	/* the item must fill the input */
	CHECK(refused("83646f6700", "offset 4: 1 bytes after the item"));
	CHECK(refused("c0c0", "offset 1: 1 bytes after the item"));
	/* nesting: RLP_DEPTH_MAX lists deep is fine, one more is not */
	for (int i = 0; i < RLP_DEPTH_MAX; i++)
		snprintf(deep + 2 * i, 3, "%02x", 0xc0 + RLP_DEPTH_MAX - 1 - i);
	CHECK(round_trips(deep));
	for (int i = 0; i <= RLP_DEPTH_MAX; i++)
		snprintf(deep + 2 * i, 3, "%02x", 0xc0 + RLP_DEPTH_MAX - i);
	CHECK(refused(deep, "nested more than 32 deep"));
}

int main(void)
{
	if (core_init())
		return 1;
	RUN(test_spec_strings);
	RUN(test_spec_integers);
	RUN(test_spec_lists);
	RUN(test_decode);
	RUN(test_non_canonical);
	return unit_done();
}
