/* The registry helpers (chain/registry.c): anchor() calldata against a
 * vector made with @metamask/abi-utils and js-sha3; revert data of each
 * kind, and garbage, in words; and against anvil (anvil.h): the
 * embedded bytecode deployed by a transaction prov signs, the code check,
 * anchoredAt and verify after a signed anchor, and the revert data anvil
 * gives for anchoring a root twice and a zero root. */
#include <inttypes.h>
#include <signal.h>
#include <stdlib.h>

#include "anvil.h"
#include "unit.h"

static int unhex(struct buf *out, const char *hex)
{
	size_t n = strlen(hex) / 2;

	buf_clear(out);
	if (buf_grow(out, n) || hex_decode((uint8_t *)out->ptr, n, hex, 2 * n))
		return -1;
	out->len = n;
	out->ptr[n] = 0;
	return 0;
}

/* registry_revert_text over a heap copy of exactly n bytes, so that ASan
 * sees any read past them. */
static void revert_text(char *out, size_t cap, const struct buf *b)
{
	uint8_t *p = xmalloc(b->len ? b->len : 1);

	memcpy(p, b->ptr, b->len);
	registry_revert_text(out, cap, p, b->len);
	free(p);
}

/* anchor(0x11..1122, 7, "https://example.org/batch/1") by abi-utils */
static const char anchor_want[] =
	"788c4531"
	"1111111111111111111111111111111111111111111111111111111111111122"
	"0000000000000000000000000000000000000000000000000000000000000007"
	"0000000000000000000000000000000000000000000000000000000000000060"
	"000000000000000000000000000000000000000000000000000000000000001b"
	"68747470733a2f2f6578616d706c652e6f72672f62617463682f310000000000";

static void anchor_calldata(void)
{
	struct buf b = BUF_INIT, want = BUF_INIT;
	uint8_t root[32];

	memset(root, 0x11, 31);
	root[31] = 0x22;
	CHECK(unhex(&want, anchor_want) == 0);
	CHECK(registry_anchor_calldata(&b, root, 7,
				       "https://example.org/batch/1") == 0);
	CHECK(b.len == want.len && memcmp(b.ptr, want.ptr, b.len) == 0);
	buf_release(&b);
	buf_release(&want);
}

#define ROOT_HEX                                                               \
	"abcd0102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1def"

static void revert_kinds(void)
{
	struct buf b = BUF_INIT;
	struct abi_value v[2];
	char t[512];
	uint8_t want_root[32], root[32];
	uint64_t seq = 99;

	CHECK(hex_decode(want_root, 32, ROOT_HEX, 64) == 0);
	abi_set_fixed(&v[0], want_root, 32);
	abi_set_uint(&v[1], 64, 42);
	CHECK(abi_encode_call(&b, "AlreadyAnchored(bytes32,uint64)", v, 2) ==
	      0);
	revert_text(t, sizeof(t), &b);
	CHECK_STR(t, "AlreadyAnchored(0x" ROOT_HEX
		     ", 42): the root was anchored before, as seq 42");
	CHECK(registry_already_anchored(&seq, root, (const uint8_t *)b.ptr,
					b.len) == 0);
	CHECK(seq == 42 && memcmp(root, want_root, 32) == 0);
	CHECK(registry_already_anchored(&seq, NULL, (const uint8_t *)b.ptr,
					b.len) == 0 &&
	      seq == 42);
	/* one byte short: not an AlreadyAnchored, shown as hex */
	b.len--;
	CHECK(registry_already_anchored(&seq, root, (const uint8_t *)b.ptr,
					b.len) == PROV_ENOTFOUND);
	CHECK(seq == 0);
	revert_text(t, sizeof(t), &b);
	CHECK_STR(t, "revert data 0x7332e7a7" ROOT_HEX
		     "00000000000000000000000000000000000000000000000000000000"
		     "... (67 bytes)");

	buf_clear(&b);
	CHECK(abi_encode_call(&b, "ZeroRoot()", NULL, 0) == 0 && b.len == 4);
	revert_text(t, sizeof(t), &b);
	CHECK_STR(t, "ZeroRoot(): the root is zero");
	CHECK(registry_already_anchored(&seq, root, (const uint8_t *)b.ptr,
					b.len) == PROV_ENOTFOUND);
	buf_putc(&b, 0); /* ZeroRoot() has no arguments */
	revert_text(t, sizeof(t), &b);
	CHECK_STR(t, "revert data 0xb263ae7300");

	buf_clear(&b);
	abi_set_string(&v[0], "only the owner");
	CHECK(abi_encode_call(&b, "Error(string)", v, 1) == 0);
	revert_text(t, sizeof(t), &b);
	CHECK_STR(t, "Error(\"only the owner\")");
	/* text that is not printable, or not UTF-8, is escaped */
	buf_clear(&b);
	abi_set_bytes(&v[0], "a\n\xff\x1b[2Jb", 8);
	CHECK(abi_encode_call(&b, "Error(string)", v, 1) == 0);
	revert_text(t, sizeof(t), &b);
	CHECK_STR(t, "Error(\"a\\x0a\\xff\\x1b[2Jb\")");
	/* a length past the data: hex */
	b.ptr[4 + 63] = 0x40;
	revert_text(t, sizeof(t), &b);
	CHECK(strncmp(t, "revert data 0x08c379a0", 22) == 0);
	CHECK(strstr(t, "... (100 bytes)"));

	buf_clear(&b);
	abi_set_uint(&v[0], 256, 0x11);
	CHECK(abi_encode_call(&b, "Panic(uint256)", v, 1) == 0);
	revert_text(t, sizeof(t), &b);
	CHECK_STR(t, "Panic(0x11): arithmetic overflow or underflow");
	b.ptr[4 + 31] = 0x01;
	revert_text(t, sizeof(t), &b);
	CHECK_STR(t, "Panic(0x01): assertion failed");
	b.ptr[4 + 31] = 0x99;
	revert_text(t, sizeof(t), &b);
	CHECK_STR(t, "Panic(0x99): unknown panic code");
	b.ptr[4] = 0x80; /* a code beyond 64 bits */
	revert_text(t, sizeof(t), &b);
	CHECK_STR(t, "Panic(0x8000000000000000000000000000000000000000000000000"
		     "000000000000099): unknown panic code");
	buf_release(&b);
}

static void revert_garbage(void)
{
	struct buf b = BUF_INIT;
	char t[512], small[12];
	uint64_t seq;

	revert_text(t, sizeof(t), &b);
	CHECK_STR(t, "no revert data");
	CHECK(unhex(&b, "deadbe") == 0);
	revert_text(t, sizeof(t), &b);
	CHECK_STR(t, "revert data 0xdeadbe");
	CHECK(registry_already_anchored(&seq, NULL, (const uint8_t *)b.ptr,
					b.len) == PROV_ENOTFOUND);
	CHECK(unhex(&b, "deadbeef") == 0);
	revert_text(t, sizeof(t), &b);
	CHECK_STR(t, "revert data 0xdeadbeef");
	/* 64 bytes are shown whole, more are cut */
	buf_clear(&b);
	for (int i = 0; i < 64; i++)
		buf_putc(&b, (char)i);
	revert_text(t, sizeof(t), &b);
	CHECK(strlen(t) == strlen("revert data 0x") + 128 && !strstr(t, "..."));
	buf_putc(&b, 64);
	revert_text(t, sizeof(t), &b);
	CHECK(strlen(t) ==
	      strlen("revert data 0x") + 128 + strlen("... (65 bytes)"));
	CHECK(strstr(t, "3c3d3e3f... (65 bytes)"));
	/* a small buffer gets a cut, terminated text; none gets nothing */
	memset(small, 'x', sizeof(small));
	registry_revert_text(small, sizeof(small), (const uint8_t *)b.ptr,
			     b.len);
	CHECK_STR(small, "revert data");
	small[0] = 'x';
	registry_revert_text(small, 0, (const uint8_t *)b.ptr, b.len);
	CHECK(small[0] == 'x');
	/* the caller's error is still there afterwards */
	prov_error_set(PROV_ERROR, "json-rpc error 3: execution reverted");
	revert_text(t, sizeof(t), &b);
	CHECK(prov_error_code() == PROV_ERROR);
	CHECK_STR(prov_error_last(), "json-rpc error 3: execution reverted");
	buf_release(&b);
}

/* ---- anvil ---- */

/* The address the registry is deployed at, for the tests after. */
static uint8_t registry[20];
static int deployed;

/* Signs (dev account 0) and sends a transaction to `to` (NULL: a
 * creation) and waits for its receipt. */
static int send_tx(struct rpc_receipt **r, struct rpc_client *c,
		   const uint8_t *to, const uint8_t *data, size_t n)
{
	struct tx tx;
	int rc;

	tx_init(&tx);
	tx.gas_limit = 1000000;
	tx.create = to == NULL;
	if (to)
		memcpy(tx.to, to, 20);
	*r = NULL;
	rc = buf_put(&tx.data, data, n);
	if (rc == 0)
		rc = anvil_send_tx(r, NULL, c, &tx);
	tx_release(&tx);
	return rc;
}

/* The revert data of anchoring with calldata from dev account 0, as the
 * node's error gives it to the gas estimate (PROV_ERROR) before sending. */
static int revert_data(struct buf *out, struct rpc_client *c,
		       const struct buf *calldata)
{
	uint64_t gas;
	int rc = rpc_estimate_gas(&gas, c, DEV0, registry,
				  (const uint8_t *)calldata->ptr, calldata->len,
				  NULL);

	if (rc == 0)
		return prov_error_set(PROV_EVERIFY, "the call did not revert");
	return rc == PROV_ERROR ? rpc_error_data(out, c) : rc;
}

static void deploy(void)
{
	struct rpc_client *c = anvil_client();
	struct rpc_receipt *r = NULL;
	struct buf code = BUF_INIT;

	CHECK(send_tx(&r, c, NULL, registry_init_code,
		      registry_init_code_len) == 0);
	CHECK(r->status == 1 && r->has_contract);
	memcpy(registry, r->contract_address, 20);
	CHECK(rpc_get_code(&code, c, registry, NULL) == 0);
	CHECK(code.len == registry_runtime_code_len &&
	      memcmp(code.ptr, registry_runtime_code, code.len) == 0);
	CHECK(registry_check_code(c, registry) == 0);
	deployed = 1;
	rpc_receipt_free(r);
	buf_release(&code);
	rpc_client_free(c);
}

static void check_code(void)
{
	/* init code PUSH1 1 PUSH1 0 RETURN: the runtime code is one 0x00 */
	static const uint8_t other_init[] = {0x60, 0x01, 0x60, 0x00, 0xf3};
	struct rpc_client *c = anvil_client();
	struct rpc_receipt *r = NULL;
	char want[200], addr[43];

	CHECK(registry_check_code(c, DEV0) == PROV_EINVALID);
	CHECK_STR(prov_error_last(), "no contract at 0xf39Fd6e51aad88F6F4ce6aB"
				     "8827279cffFb92266");
	CHECK(send_tx(&r, c, NULL, other_init, sizeof(other_init)) == 0);
	CHECK(r->status == 1 && r->has_contract);
	CHECK(registry_check_code(c, r->contract_address) == PROV_EINVALID);
	address_checksum(addr, r->contract_address);
	snprintf(want, sizeof(want),
		 "the code at %s is not prov's ProvenanceRegistry (code hash "
		 "0xbc36789e7a1e281436464229828f817d6612f7b477d66591ff96a9e064"
		 "bcc98a)",
		 addr);
	CHECK_STR(prov_error_last(), want);
	rpc_receipt_free(r);
	rpc_client_free(c);
}

static void anchor_and_verify(void)
{
	struct rpc_client *c = anvil_client();
	struct rpc_receipt *r = NULL;
	struct registry_anchor a;
	struct rpc_block blk;
	struct anchored_event ev = {0};
	struct merkle *m = NULL;
	struct buf call = BUF_INIT, data = BUF_INIT;
	uint8_t leaves[2][32], values[2][32], other[32], got_root[32];
	uint8_t(*proof)[32] = NULL;
	char t[256], before[32];
	uint64_t seq = 0;
	size_t np = 0;
	int ok = -1;

	CHECK(deployed);
	memset(values[0], 0xa1, 32);
	memset(values[1], 0xb2, 32);
	merkle_leaf_bytes32(leaves[0], values[0]);
	merkle_leaf_bytes32(leaves[1], values[1]);
	CHECK(merkle_build(&m, (const uint8_t(*)[32])leaves, 2) == 0);
	CHECK(merkle_proof(&proof, &np, m, 0) == 0 && np == 1);

	/* never anchored: all zero */
	CHECK(registry_anchored_at(&a, c, registry, m->nodes[0], NULL) == 0);
	CHECK(a.block_number == 0 && a.timestamp == 0 && a.seq == 0);
	CHECK(memcmp(a.submitter, (uint8_t[20]){0}, 20) == 0);

	CHECK(registry_anchor_calldata(&call, m->nodes[0], 2,
				       "https://example.org/b/1") == 0);
	CHECK(send_tx(&r, c, registry, (const uint8_t *)call.ptr, call.len) ==
	      0);
	CHECK(r->status == 1 && r->nlogs == 1);
	CHECK(anchored_event_decode(
		      &ev, (const uint8_t(*)[32])r->logs[0].topics,
		      r->logs[0].ntopics, (const uint8_t *)r->logs[0].data.ptr,
		      r->logs[0].data.len) == 0);
	CHECK(ev.seq == 1 && ev.count == 2 &&
	      strcmp(ev.uri, "https://example.org/b/1") == 0);
	CHECK(memcmp(ev.root, m->nodes[0], 32) == 0 &&
	      memcmp(ev.submitter, DEV0, 20) == 0);
	CHECK(rpc_get_block(&blk, c, r->block_number) == 0 &&
	      blk.timestamp > 0);

	CHECK(registry_anchored_at(&a, c, registry, m->nodes[0], NULL) == 0);
	CHECK(a.block_number == r->block_number &&
	      a.timestamp == blk.timestamp);
	CHECK(a.seq == 1 && memcmp(a.submitter, DEV0, 20) == 0);
	/* as of the block before, it was not there yet */
	snprintf(before, sizeof(before), "0x%" PRIx64, r->block_number - 1);
	CHECK(registry_anchored_at(&a, c, registry, m->nodes[0], before) == 0);
	CHECK(a.block_number == 0 && a.seq == 0);
	/* and a root never anchored is all zero */
	memset(other, 0xc3, 32);
	CHECK(registry_anchored_at(&a, c, registry, other, NULL) == 0);
	CHECK(a.block_number == 0 && a.timestamp == 0 && a.seq == 0);
	CHECK(memcmp(a.submitter, (uint8_t[20]){0}, 20) == 0);
	/* a contract that returns nothing is not the registry */
	CHECK(registry_anchored_at(&a, c, DEV0, m->nodes[0], NULL) ==
	      PROV_EINVALID);
	CHECK(strstr(prov_error_last(), "anchoredAt on "
					"0xf39Fd6e51aad88F6F4c"
					"e6aB8827279cffFb92266: 0 bytes "
					"returned, expected 128"));

	CHECK(registry_verify(&ok, c, registry, m->nodes[0], leaves[0],
			      (const uint8_t(*)[32])proof, np) == 0 &&
	      ok == 1);
	CHECK(registry_verify(&ok, c, registry, m->nodes[0], other,
			      (const uint8_t(*)[32])proof, np) == 0 &&
	      ok == 0);

	/* anchoring the same root again reverts with AlreadyAnchored */
	CHECK(revert_data(&data, c, &call) == 0);
	CHECK(registry_already_anchored(&seq, got_root,
					(const uint8_t *)data.ptr,
					data.len) == 0);
	CHECK(seq == 1 && memcmp(got_root, m->nodes[0], 32) == 0);
	registry_revert_text(t, sizeof(t), (const uint8_t *)data.ptr, data.len);
	CHECK(strstr(t, "AlreadyAnchored(0x") == t &&
	      strstr(t, ", 1): the root was anchored before, as seq 1"));
	/* and a zero root with ZeroRoot */
	buf_clear(&call);
	buf_clear(&data);
	CHECK(registry_anchor_calldata(&call, (uint8_t[32]){0}, 1, "") == 0);
	CHECK(revert_data(&data, c, &call) == 0);
	registry_revert_text(t, sizeof(t), (const uint8_t *)data.ptr, data.len);
	CHECK_STR(t, "ZeroRoot(): the root is zero");

	free(ev.uri);
	free(proof);
	merkle_free(m);
	buf_release(&call);
	buf_release(&data);
	rpc_receipt_free(r);
	rpc_client_free(c);
}

int main(void)
{
	if (core_init())
		return 1;
	signal(SIGPIPE, SIG_IGN);
	RUN(anchor_calldata);
	RUN(revert_kinds);
	RUN(revert_garbage);
	if (anvil_start()) {
		printf("not ok - tests/unit/chain_registry.c: anvil started\n");
		return 1;
	}
	RUN(deploy);
	RUN(check_code);
	RUN(anchor_and_verify);
	anvil_stop();
	return unit_done();
}
