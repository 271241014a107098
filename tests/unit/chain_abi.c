/* ABI: selectors and topics against published values, the encodings the
 * Solidity ABI specification gives as examples, the registry's Anchored
 * event, and the hostile inputs the decoder must refuse. */
#include <stdlib.h>

#include "chain/chain.h"
#include "unit.h"

static void tohex(char *out, const struct buf *b)
{
	hex_encode(out, (const uint8_t *)b->ptr, b->len);
}

/* 32-byte words written as 64 hex digits each, concatenated. */
static void unhex(struct buf *out, const char *hex)
{
	size_t n = strlen(hex) / 2;

	buf_clear(out);
	buf_grow(out, n);
	if (hex_decode((uint8_t *)out->ptr, n, hex, 2 * n))
		abort();
	out->len = n;
	out->ptr[n] = 0;
}

#define Z "000000000000000000000000000000000000000000000000000"

static void selectors_and_topics(void)
{
	uint8_t sel[4], t[32];
	char hex[65];

	abi_selector(sel, "transfer(address,uint256)");
	hex_encode(hex, sel, 4);
	CHECK_STR(hex, "a9059cbb");
	abi_selector(sel, "baz(uint32,bool)");
	hex_encode(hex, sel, 4);
	CHECK_STR(hex, "cdcd77c0");
	abi_topic(t, "Transfer(address,address,uint256)");
	hex_encode(hex, t, 32);
	CHECK_STR(hex, "ddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4"
		       "df523b3ef");
}

static void spec_baz(void)
{
	struct buf b = BUF_INIT;
	struct abi_value v[2];
	char hex[1024];

	abi_set_uint(&v[0], 32, 69);
	abi_set_bool(&v[1], 1);
	CHECK(abi_encode_call(&b, "baz(uint32,bool)", v, 2) == 0);
	tohex(hex, &b);
	CHECK_STR(hex, "cdcd77c0" Z "0000000000045" Z "0000000000001");
	/* a uint32 word with bit 32 set is not a uint32 */
	v[0].word[27] = 1;
	CHECK(abi_encode(&b, v, 2) == PROV_EINVALID);
	buf_release(&b);
}

static void spec_sam(void)
{
	static const uint8_t words[3][32] = {
		{[31] = 1}, {[31] = 2}, {[31] = 3}};
	struct abi_type u256 = {ABI_UINT, 255, 0};
	struct buf b = BUF_INIT;
	struct abi_value v[3];
	char hex[2048];
	uint64_t x;

	abi_set_bytes(&v[0], "dave", 4);
	abi_set_bool(&v[1], 1);
	abi_set_array(&v[2], u256, words, 3);
	CHECK(abi_encode_call(&b, "sam(bytes,bool,uint256[])", v, 3) == 0);
	tohex(hex, &b);
	CHECK_STR(hex, "a5643bf2" Z "0000000000060" Z "0000000000001" Z
		       "00000000000a0" Z "0000000000004"
		       "6461766500000000000000000000000000000000000000000000000"
		       "000000000" Z "0000000000003" Z "0000000000001" Z
		       "0000000000002" Z "0000000000003");
	/* and back */
	struct abi_value d[3];
	struct abi_type t[3];
	size_t n;

	CHECK(abi_types_parse(t, 3, &n, "bytes,bool,uint256[]") == 0 && n == 3);
	for (size_t i = 0; i < 3; i++)
		d[i].type = t[i];
	CHECK(abi_decode(d, 3, (uint8_t *)b.ptr + 4, b.len - 4) == 0);
	CHECK(d[0].len == 4 && memcmp(d[0].ptr, "dave", 4) == 0);
	CHECK(d[1].word[31] == 1);
	CHECK(d[2].len == 3 && memcmp(d[2].ptr, words, 96) == 0);
	CHECK(abi_get_u64(&x, &d[1]) == PROV_EINVALID); /* a bool */
	buf_release(&b);
}

static void spec_f(void)
{
	static const uint8_t words[2][32] = {{[30] = 0x04, [31] = 0x56},
					     {[30] = 0x07, [31] = 0x89}};
	struct abi_type u32 = {ABI_UINT, 31, 0};
	struct buf b = BUF_INIT;
	struct abi_value v[4];
	char hex[2048];

	abi_set_uint(&v[0], 256, 0x123);
	abi_set_array(&v[1], u32, words, 2);
	abi_set_fixed(&v[2], (const uint8_t *)"1234567890", 10);
	abi_set_bytes(&v[3], "Hello, world!", 13);
	CHECK(abi_encode_call(&b, "f(uint256,uint32[],bytes10,bytes)", v, 4) ==
	      0);
	tohex(hex, &b);
	CHECK_STR(hex, "8be65246" Z "0000000000123" Z "0000000000080"
		       "3132333435363738393000000000000000000000000000000000000"
		       "000000000" Z "00000000000e0" Z "0000000000002" Z
		       "0000000000456" Z "0000000000789" Z "000000000000d"
		       "48656c6c6f2c20776f726c642100000000000000000000000000000"
		       "000000000");
	buf_release(&b);
}

static void types(void)
{
	struct abi_type t;

	CHECK(abi_type_parse(&t, "uint64", 6) == 0 && t.kind == ABI_UINT &&
	      t.size == 63 && !t.array);
	CHECK(abi_type_parse(&t, "bytes32[]", 9) == 0 && t.kind == ABI_FIXED &&
	      t.size == 32 && t.array);
	CHECK(abi_type_parse(&t, "uint7", 5) == PROV_EINVALID);
	CHECK(abi_type_parse(&t, "uint264", 7) == PROV_EINVALID);
	CHECK(abi_type_parse(&t, "bytes33", 7) == PROV_EINVALID);
	CHECK(abi_type_parse(&t, "bytes0", 6) == PROV_EINVALID);
	CHECK(abi_type_parse(&t, "uint064", 7) == PROV_EINVALID);
	CHECK(abi_type_parse(&t, "string[]", 8) == PROV_EINVALID);
	CHECK(abi_type_parse(&t, "int256", 6) == PROV_EINVALID);
}

/* A synthetic Anchored log, encoded by hand as a node would return it. */
static void anchored_event(void)
{
	uint8_t topics[4][32] = {{0}}, t0[32];
	struct anchored_event ev;
	struct buf data = BUF_INIT;
	char hex[65];

	abi_topic(t0, ANCHORED_EVENT);
	hex_encode(hex, t0, 32);
	/* keccak256 of the signature, as js-sha3 computes it */
	CHECK_STR(hex, "4d330bdfb45dd53a3fbc717594c52bf33cb42676fed59b78b81bb74"
		       "618c0e1e7");
	memcpy(topics[0], t0, 32);
	topics[1][31] = 7;
	memset(topics[2], 0xab, 32);
	memset(topics[3] + 12, 0xcd, 20);
	unhex(&data, Z "000000000002a" Z "0000000000040" Z "0000000000005"
		       "697066733a000000000000000000000000000000000000000000000"
		       "000000000");
	CHECK(anchored_event_decode(&ev, (const uint8_t(*)[32])topics, 4,
				    (uint8_t *)data.ptr, data.len) == 0);
	CHECK(ev.seq == 7 && ev.count == 42);
	CHECK(ev.root[0] == 0xab && ev.root[31] == 0xab);
	CHECK(ev.submitter[0] == 0xcd && ev.submitter[19] == 0xcd);
	CHECK_STR(ev.uri, "ipfs:");
	free(ev.uri);
	/* an address topic with high bytes set */
	topics[3][0] = 1;
	CHECK(anchored_event_decode(&ev, (const uint8_t(*)[32])topics, 4,
				    (uint8_t *)data.ptr,
				    data.len) == PROV_EINVALID);
	topics[3][0] = 0;
	/* another event */
	topics[0][0] ^= 1;
	CHECK(anchored_event_decode(&ev, (const uint8_t(*)[32])topics, 4,
				    (uint8_t *)data.ptr,
				    data.len) == PROV_EINVALID);
	topics[0][0] ^= 1;
	CHECK(anchored_event_decode(&ev, (const uint8_t(*)[32])topics, 3,
				    (uint8_t *)data.ptr,
				    data.len) == PROV_EINVALID);
	buf_release(&data);
}

static int decode1(const char *type, const char *hex)
{
	struct buf b = BUF_INIT;
	struct abi_value v;
	int rc;

	if (abi_type_parse(&v.type, type, strlen(type)))
		abort();
	unhex(&b, hex);
	rc = abi_decode(&v, 1, (uint8_t *)b.ptr, b.len);
	buf_release(&b);
	return rc;
}

static void hostile(void)
{
	/* well-formed first, so that each refusal below is for its one fault */
	CHECK(decode1("string", Z "0000000000020" Z "0000000000002"
				  "68690000000000000000000000000000000000000000"
				  "00000000000000000000") == 0);
	/* offset past the end, into the head, or huge */
	CHECK(decode1("string", Z "0000000000040" Z "0000000000002") ==
	      PROV_EINVALID);
	CHECK(decode1("string", Z "0000000000000" Z "0000000000000") ==
	      PROV_EINVALID);
	CHECK(decode1("string", "ff" Z "00000000020" Z "0000000000000") ==
	      PROV_EINVALID);
	/* length past the end, or huge */
	CHECK(decode1("bytes", Z "0000000000020" Z "0000000000021"
				 "686900000000000000000000000000000000000000000"
				 "0000000000000000000") == PROV_EINVALID);
	CHECK(decode1("bytes", Z "0000000000020"
				 "000000000000000000000000000000000000000000000"
				 "00000000000ffffffff"
				 "686900000000000000000000000000000000000000000"
				 "0000000000000000000") == PROV_EINVALID);
	CHECK(decode1("uint64[]",
		      Z "0000000000020"
			"000000000000000000000000000000000000000000000000000000"
			"000fffffff" Z "0000000000001") == PROV_EINVALID);
	CHECK(decode1("uint64[]", Z "0000000000020" Z "0000000000002" Z
				    "0000000000001") == PROV_EINVALID);
	CHECK(decode1("uint64[]", Z "0000000000020" Z "0000000000001" Z
				    "0000000000001") == 0);
	/* nonzero padding; NUL or invalid UTF-8 in a string */
	CHECK(decode1("bytes", Z "0000000000020" Z "0000000000002"
				 "686901000000000000000000000000000000000000000"
				 "0000000000000000000") == PROV_EINVALID);
	CHECK(decode1("string", Z "0000000000020" Z "0000000000002"
				  "68000000000000000000000000000000000000000000"
				  "00000000000000000000") == PROV_EINVALID);
	CHECK(decode1("string", Z "0000000000020" Z "0000000000002"
				  "c3280000000000000000000000000000000000000000"
				  "00000000000000000000") == PROV_EINVALID);
	/* static words out of range for their type; an array element too */
	CHECK(decode1("bool", Z "0000000000002") == PROV_EINVALID);
	CHECK(decode1("uint64",
		      "000000000000000000000000000000000000000000000001"
		      "0000000000000000") == PROV_EINVALID);
	CHECK(decode1("uint64", Z "0000100000000") == 0);
	CHECK(decode1("address", "01" Z "00000000000") == PROV_EINVALID);
	CHECK(decode1("bytes10", "313233343536373839303100000000000000000000000"
				 "0000000000000000000") == PROV_EINVALID);
	CHECK(decode1("uint64[]", Z "0000000000020" Z "0000000000001"
				    "010000000000000000000000000000000000000000"
				    "0000000000000000000000") == PROV_EINVALID);
	/* too short for the heads */
	CHECK(decode1("uint64", "00") == PROV_EINVALID);
}

int main(void)
{
	if (core_init())
		return 1;
	RUN(selectors_and_topics);
	RUN(spec_baz);
	RUN(spec_sam);
	RUN(spec_f);
	RUN(types);
	RUN(anchored_event);
	RUN(hostile);
	return unit_done();
}
