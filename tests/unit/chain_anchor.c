/* Anchor records: the batch tree, the proofs blob written and read back,
 * the malformed blobs the reader refuses, and the payload. */
#include <stdlib.h>

#include "chain/chain.h"
#include "unit.h"

/* n digests: byte 0 = i, the rest a pattern, given in reverse order. */
static void digests(uint8_t (*d)[32], size_t n)
{
	for (size_t i = 0; i < n; i++) {
		memset(d[i], 0x5a, 32);
		d[i][0] = (uint8_t)(n - 1 - i);
		d[i][31] = (uint8_t)(7 * i);
	}
}

struct seen {
	size_t n;
	uint8_t last[32];
	const uint8_t *root;
	int bad;
};

static int count_cb(const uint8_t digest[32], const uint8_t (*proof)[32],
		    size_t n, void *payload)
{
	struct seen *s = payload;
	uint8_t leaf[32];

	merkle_leaf_bytes32(leaf, digest);
	s->bad += merkle_verify(s->root, leaf, proof, n) != 0;
	memcpy(s->last, digest, 32);
	s->n++;
	return 0;
}

#define H5A "5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a5a"

static void write_and_read(void)
{
	uint8_t d[5][32];
	struct merkle *m = NULL;
	struct buf blob = BUF_INIT;
	struct seen s = { 0 };

	digests(d, 5);
	CHECK(anchor_digests_sort(d, 5) == 0);
	CHECK(d[0][0] == 0 && d[4][0] == 4); /* sorted bytewise */
	CHECK(anchor_tree(&m, (const uint8_t(*)[32])d, 5) == 0);
	CHECK(anchor_proofs_write(&blob, m, (const uint8_t(*)[32])d, 5) == 0);
	/* One line a record, in the form the reader insists on. */
	const char *first = "{\"id\":\"sha256:00" H5A "1c\",\"proof\":[\"0x";
	CHECK(!strncmp(blob.ptr, first, strlen(first)));
	CHECK(blob.ptr[blob.len - 1] == '\n');
	s.root = m->nodes[0];
	CHECK(anchor_proofs_each(blob.ptr, blob.len, count_cb, &s) == 0);
	CHECK(s.n == 5 && s.bad == 0 && !memcmp(s.last, d[4], 32));
	CHECK(anchor_proofs_check(blob.ptr, blob.len, m->nodes[0], 5) == 0);

	/* The wrong count, another root. */
	CHECK(anchor_proofs_check(blob.ptr, blob.len, m->nodes[0], 6) ==
	      PROV_EVERIFY);
	CHECK(strstr(prov_error_last(), "5 records, the record says 6"));
	CHECK(anchor_proofs_check(blob.ptr, blob.len, m->nodes[1], 5) ==
	      PROV_EVERIFY);
	CHECK(strstr(prov_error_last(), "5 of 5 do not lead to the root"));

	/* One proof hash changed: that record alone. */
	char *p = strstr(blob.ptr + 100, "\"0x") + 3;
	*p = *p == '0' ? '1' : '0';
	CHECK(anchor_proofs_check(blob.ptr, blob.len, m->nodes[0], 5) ==
	      PROV_EVERIFY);
	CHECK(strstr(prov_error_last(), "1 of 5 do not lead to the root"));

	/* Duplicates cannot be batched. */
	memcpy(d[1], d[0], 32);
	CHECK(anchor_digests_sort(d, 5) == PROV_EINVALID);
	CHECK(strstr(prov_error_last(), "twice in one anchor batch"));
	merkle_free(m);
	buf_release(&blob);
}

static int nothing(const uint8_t digest[32], const uint8_t (*proof)[32],
		   size_t n, void *payload)
{
	return 0;
}

#define ID "{\"id\":\"sha256:"
#define H64 "00112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"
#define H64B "10112233445566778899aabbccddeeff00112233445566778899aabbccddeeff"

static int reads(const char *s)
{
	return anchor_proofs_each(s, strlen(s), nothing, NULL);
}

static void malformed(void)
{
	CHECK(reads("") == 0); /* an empty blob is well-formed; check counts */
	CHECK(reads(ID H64 "\",\"proof\":[]}\n") == 0);
	CHECK(reads(ID H64 "\",\"proof\":[\"0x" H64 "\",\"0x" H64B "\"]}\n") == 0);
	CHECK(reads(ID H64 "\",\"proof\":[]}") == PROV_EINVALID); /* no \n */
	CHECK(reads(ID H64 "\",\"proof\":[]}\r\n") == PROV_EINVALID);
	CHECK(reads(ID H64 "\", \"proof\":[]}\n") == PROV_EINVALID);
	CHECK(reads(ID "00112233445566778899AABBCCDDEEFF00112233445566778899aabbccddeeff"
		       "\",\"proof\":[]}\n") == PROV_EINVALID);
	CHECK(reads(ID H64 "\",\"proof\":[\"0x" H64 "\",]}\n") == PROV_EINVALID);
	CHECK(reads(ID H64 "\",\"proof\":[\"0x" H64 "0\"]}\n") == PROV_EINVALID);
	CHECK(reads(ID H64 "\",\"proof\":[\"" H64 "\"]}\n") == PROV_EINVALID);
	/* Order: strictly increasing ids, so no record twice. */
	CHECK(reads(ID H64B "\",\"proof\":[]}\n" ID H64 "\",\"proof\":[]}\n") ==
	      PROV_EINVALID);
	CHECK(strstr(prov_error_last(), "line 2: ids out of order"));
	CHECK(reads(ID H64 "\",\"proof\":[]}\n" ID H64 "\",\"proof\":[]}\n") ==
	      PROV_EINVALID);
	/* The line and byte of a fault. */
	CHECK(reads(ID H64 "\",\"proof\":[]}\n" ID H64B "\",\"proof\":[x]}\n") ==
	      PROV_EINVALID);
	CHECK(strstr(prov_error_last(), "line 2") &&
	      strstr(prov_error_last(), "(at byte 181)"));

	/* At most ANCHOR_PROOF_MAX hashes. */
	struct buf b = BUF_INIT;
	buf_puts(&b, ID H64 "\",\"proof\":[");
	for (int i = 0; i <= ANCHOR_PROOF_MAX; i++)
		buf_printf(&b, "%s\"0x" H64 "\"", i ? "," : "");
	buf_puts(&b, "]}\n");
	CHECK(reads(b.ptr) == PROV_EINVALID);
	buf_release(&b);
}

static void payload(void)
{
	struct anchor_info a = { 0 }, back;
	json_t *p;
	char *text;

	a.chain = "eip155:31337";
	memset(a.contract, 0x5f, 20);
	memset(a.submitter, 0xab, 20);
	a.seq = 7;
	a.count = 3;
	memset(a.root, 0x11, 32);
	memset(a.tx_hash, 0x22, 32);
	a.block_number = 42;
	memset(a.block_hash, 0x33, 32);
	a.block_time = 1795000000;
	a.uri = "https://example.org/registry.git";
	a.blob_hex = H64;
	p = anchor_payload(&a, "did:key:z6MkTest", 1795000001);
	CHECK(p != NULL);
	text = json_dumps(p, JSON_COMPACT | JSON_SORT_KEYS);
	CHECK(unit_golden("anchor_payload.json", text, strlen(text)));
	free(text);
	CHECK(anchor_info_parse(&back, p) == 0);
	CHECK_STR(back.chain, "eip155:31337");
	CHECK(!memcmp(back.contract, a.contract, 20) &&
	      !memcmp(back.submitter, a.submitter, 20) && back.seq == 7 &&
	      back.count == 3 && !memcmp(back.root, a.root, 32) &&
	      !memcmp(back.tx_hash, a.tx_hash, 32) && back.block_number == 42 &&
	      !memcmp(back.block_hash, a.block_hash, 32) &&
	      back.block_time == 1795000000);
	CHECK_STR(back.uri, a.uri);
	CHECK_STR(back.blob_hex, H64);

	/* What a damaged payload says. */
	json_object_set_new(p, "root", json_string("0x11"));
	CHECK(anchor_info_parse(&back, p) == PROV_EINVALID);
	CHECK(strstr(prov_error_last(), "'root' is not 0x and 64 hex digits"));
	json_object_set_new(p, "root", json_string("0x" H64));
	json_object_set_new(json_object_get(p, "records"), "count",
			    json_integer(4));
	CHECK(anchor_info_parse(&back, p) == PROV_EINVALID);
	CHECK(strstr(prov_error_last(), "'count' and the records' count differ"));
	json_object_set_new(p, "chain", json_string("cosmos:hub"));
	CHECK(anchor_info_parse(&back, p) == PROV_EINVALID);
	json_decref(p);
}

int main(void)
{
	if (core_init())
		return 1;
	RUN(write_and_read);
	RUN(malformed);
	RUN(payload);
	return unit_done();
}
