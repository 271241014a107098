/* The distributor helpers (chain/distributor.c): fund() and claim()
 * calldata against vectors made with @metamask/abi-utils; BatchFunded and
 * Claimed logs built by hand, whole and damaged in each way the decoders
 * must refuse; and against anvil (anvil.h): the embedded bytecode
 * deployed and checked, a batch of contracts/TestToken.json funded and
 * claimed by transactions prov signs, the real logs decoded, the revert
 * data of a second fund or claim, a wrong proof, a zero id and a fund by
 * another account than the owner, a second batch under the same root,
 * and 2^256-1 paid out; the owner(), batches() and claimed() readers and
 * the ERC-20 calls a funder makes. */
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

/* The decoders over heap copies of exactly the bytes given, so that ASan
 * sees any read past them. */
static int funded(struct batch_funded_event *ev, const uint8_t (*topics)[32],
		  size_t nt, const void *data, size_t len)
{
	uint8_t(*t)[32] = xmalloc(nt ? 32 * nt : 1);
	uint8_t *d = xmalloc(len ? len : 1);
	int rc;

	memcpy(t, topics, 32 * nt);
	memcpy(d, data, len);
	rc = batch_funded_event_decode(ev, (const uint8_t(*)[32])t, nt, d, len);
	free(t);
	free(d);
	return rc;
}

static int claimed(struct claimed_event *ev, const uint8_t (*topics)[32],
		   size_t nt, const void *data, size_t len)
{
	uint8_t(*t)[32] = xmalloc(nt ? 32 * nt : 1);
	uint8_t *d = xmalloc(len ? len : 1);
	int rc;

	memcpy(t, topics, 32 * nt);
	memcpy(d, data, len);
	rc = claimed_event_decode(ev, (const uint8_t(*)[32])t, nt, d, len);
	free(t);
	free(d);
	return rc;
}

static int all(const void *p, size_t n, uint8_t byte)
{
	const uint8_t *b = p;

	for (size_t i = 0; i < n; i++)
		if (b[i] != byte)
			return 0;
	return 1;
}

/* After a refusal: nothing left in out. */
static int funded_zero(const struct batch_funded_event *ev)
{
	return all(ev->id, 32, 0) && all(ev->root, 32, 0) &&
	       all(ev->token, 20, 0) && all(ev->funder, 20, 0) &&
	       all(ev->total, 32, 0) && !ev->uri && ev->uri_len == 0;
}

#define ID_HEX                                                                 \
	"3333333333333333333333333333333333333333333333333333333333333344"
#define ROOT_HEX                                                               \
	"1111111111111111111111111111111111111111111111111111111111111122"

/* fund(id, root, 0xabab..ab, 2^256-1,
 * "https://example.org/payouts/1.json") by abi-utils */
static const char fund_want[] =
	"ec84b47e" ID_HEX ROOT_HEX
	"000000000000000000000000abababababababababababababababababababab"
	"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff"
	"00000000000000000000000000000000000000000000000000000000000000a0"
	"0000000000000000000000000000000000000000000000000000000000000022"
	"68747470733a2f2f6578616d706c652e6f72672f7061796f7574732f312e6a73"
	"6f6e000000000000000000000000000000000000000000000000000000000000";
/* claim(id, 0xcdcd..cd, 1000000, [0x0101..01, 0x0202..02]) */
static const char claim_want[] =
	"a7ed1ea0" ID_HEX
	"000000000000000000000000cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd"
	"00000000000000000000000000000000000000000000000000000000000f4240"
	"0000000000000000000000000000000000000000000000000000000000000080"
	"0000000000000000000000000000000000000000000000000000000000000002"
	"0101010101010101010101010101010101010101010101010101010101010101"
	"0202020202020202020202020202020202020202020202020202020202020202";
/* claim(id, 0xcdcd..cd, 0, []) */
static const char claim0_want[] =
	"a7ed1ea0" ID_HEX
	"000000000000000000000000cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd"
	"0000000000000000000000000000000000000000000000000000000000000000"
	"0000000000000000000000000000000000000000000000000000000000000080"
	"0000000000000000000000000000000000000000000000000000000000000000";

static const char approve_want[] =
	"095ea7b3"
	"000000000000000000000000cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd"
	"ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff";

static void calldata(void)
{
	struct buf b = BUF_INIT, want = BUF_INIT;
	uint8_t id[32], root[32], token[20], account[20], amount[32];
	uint8_t proof[2][32];

	CHECK(hex_decode(id, 32, ID_HEX, 64) == 0);
	CHECK(hex_decode(root, 32, ROOT_HEX, 64) == 0);
	memset(token, 0xab, 20);
	memset(account, 0xcd, 20);
	memset(amount, 0xff, 32);
	CHECK(unhex(&want, fund_want) == 0);
	CHECK(distributor_fund_calldata(&b, id, root, token, amount,
					"https://example.org/payouts/1.json") ==
	      0);
	CHECK(b.len == want.len && memcmp(b.ptr, want.ptr, b.len) == 0);

	buf_clear(&b);
	u256_from_u64(amount, 1000000);
	memset(proof[0], 0x01, 32);
	memset(proof[1], 0x02, 32);
	CHECK(unhex(&want, claim_want) == 0);
	CHECK(distributor_claim_calldata(&b, id, account, amount,
					 (const uint8_t(*)[32])proof, 2) == 0);
	CHECK(b.len == want.len && memcmp(b.ptr, want.ptr, b.len) == 0);

	buf_clear(&b);
	u256_from_u64(amount, 0);
	CHECK(unhex(&want, claim0_want) == 0);
	CHECK(distributor_claim_calldata(&b, id, account, amount, NULL, 0) ==
	      0);
	CHECK(b.len == want.len && memcmp(b.ptr, want.ptr, b.len) == 0);

	/* approve(0xcdcd..cd, 2^256-1): selector 0x095ea7b3, as ERC-20 */
	buf_clear(&b);
	memset(amount, 0xff, 32);
	CHECK(unhex(&want, approve_want) == 0);
	CHECK(erc20_approve_calldata(&b, account, amount) == 0);
	CHECK(b.len == want.len && memcmp(b.ptr, want.ptr, b.len) == 0);
	buf_release(&b);
	buf_release(&want);
}

/* clang-format off */
#define W0 "0000000000000000000000000000000000000000000000000000000000000000"
#define W(last) "00000000000000000000000000000000000000000000000000000000000000" last
_Static_assert(sizeof(W0) == 65 && sizeof(W("00")) == 65, "one word");

static void event_topics(void)
{
	uint8_t t[32];
	char hex[65];

	/* keccak256 of the signatures, as ethereum-cryptography computes it */
	abi_topic(t, BATCH_FUNDED_EVENT);
	hex_encode(hex, t, 32);
	CHECK_STR(hex, "9609448bcaf4f9a430f4bfb661530d7c331b7fcc42a9132c6132a04"
		       "61e932690");
	abi_topic(t, CLAIMED_EVENT);
	hex_encode(hex, t, 32);
	CHECK_STR(hex, "0508a8b4117d9a7b3d8f5895f6413e61b4f9a2df35afbfb41e78d0e"
		       "cfff1843f");
}

/* A BatchFunded log as a node would return it: id 0x33..3344, root
 * 0x11..1122, token 0xab..ab; data funder 0xcd..cd, total 42, uri
 * "ipfs:". */
static void funded_topics(uint8_t topics[5][32])
{
	memset(topics, 0, 5 * 32);
	abi_topic(topics[0], BATCH_FUNDED_EVENT);
	if (hex_decode(topics[1], 32, ID_HEX, 64) ||
	    hex_decode(topics[2], 32, ROOT_HEX, 64))
		abort();
	memset(topics[3] + 12, 0xab, 20);
}

#define FUNDER "000000000000000000000000cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd"
#define FUNDED_DATA                                                            \
	FUNDER W("2a") W("60") W("05")                                         \
	"697066733a000000000000000000000000000000000000000000000000000000"
/* clang-format on */

static void batch_funded_hand(void)
{
	uint8_t topics[5][32], t0[32];
	struct batch_funded_event ev;
	struct buf data = BUF_INIT, bad = BUF_INIT;

	funded_topics(topics);
	CHECK(unhex(&data, FUNDED_DATA) == 0);
	CHECK(funded(&ev, (const uint8_t(*)[32])topics, 4, data.ptr,
		     data.len) == 0);
	CHECK(memcmp(ev.id, topics[1], 32) == 0);
	CHECK(memcmp(ev.root, topics[2], 32) == 0);
	CHECK(all(ev.token, 20, 0xab) && all(ev.funder, 20, 0xcd));
	CHECK(all(ev.total, 31, 0) && ev.total[31] == 42);
	CHECK(ev.uri_len == 5 && strcmp(ev.uri, "ipfs:") == 0);
	free(ev.uri);

	/* bytes after the encoding are ignored, as abi_decode does */
	buf_put(&data, "\x01\x02\x03", 3);
	CHECK(funded(&ev, (const uint8_t(*)[32])topics, 4, data.ptr,
		     data.len) == 0);
	CHECK_STR(ev.uri, "ipfs:");
	free(ev.uri);

	/* the uri as the log has it: a NUL, bytes that are not UTF-8 */
	CHECK(unhex(&bad, FUNDER W("2a") W("60") W("04") "6100ff62" W0) == 0);
	bad.len -= 4; /* "a\0\xffb" and 28 bytes of padding */
	CHECK(funded(&ev, (const uint8_t(*)[32])topics, 4, bad.ptr, bad.len) ==
	      0);
	CHECK(ev.uri_len == 4 && memcmp(ev.uri, "a\0\377b", 5) == 0);
	free(ev.uri);
	/* an empty uri */
	CHECK(unhex(&bad, FUNDER W("2a") W("60") W0) == 0);
	CHECK(funded(&ev, (const uint8_t(*)[32])topics, 4, bad.ptr, bad.len) ==
	      0);
	CHECK(ev.uri_len == 0 && ev.uri && ev.uri[0] == '\0');
	free(ev.uri);

	/* Each refusal leaves out zeroed, whatever was there. */
#define REFUSED(nt, d, n)                                                      \
	do {                                                                   \
		memset(&ev, 0x5a, sizeof(ev));                                 \
		ev.uri = NULL;                                                 \
		ev.uri_len = 7;                                                \
		CHECK(funded(&ev, (const uint8_t(*)[32])topics, nt, d, n) ==   \
		      PROV_EINVALID);                                          \
		CHECK(funded_zero(&ev));                                       \
	} while (0)

	/* topics: too few, too many, another event's, high address bytes */
	REFUSED(3, data.ptr, data.len);
	REFUSED(5, data.ptr, data.len);
	REFUSED(0, data.ptr, data.len);
	CHECK(strstr(prov_error_last(), "not a BatchFunded event"));
	memcpy(t0, topics[0], 32);
	abi_topic(topics[0], CLAIMED_EVENT);
	REFUSED(4, data.ptr, data.len);
	abi_topic(topics[0], ANCHORED_EVENT);
	REFUSED(4, data.ptr, data.len);
	memcpy(topics[0], t0, 32);
	topics[0][31] ^= 1;
	REFUSED(4, data.ptr, data.len);
	memcpy(topics[0], t0, 32);
	topics[3][11] = 1;
	REFUSED(4, data.ptr, data.len);
	CHECK(strstr(prov_error_last(), "BatchFunded topic 3"));
	topics[3][11] = 0;
	topics[3][0] = 0x80;
	REFUSED(4, data.ptr, data.len);
	CHECK(strstr(prov_error_last(), "BatchFunded topic 3"));
	topics[3][0] = 0;
	/* the id and the root are any 32 bytes */
	topics[1][0] = topics[2][0] = 0x80;
	CHECK(funded(&ev, (const uint8_t(*)[32])topics, 4, data.ptr,
		     data.len) == 0);
	CHECK(ev.id[0] == 0x80 && ev.root[0] == 0x80);
	free(ev.uri);
	funded_topics(topics);

	/* data: short, bad offsets, lengths and padding */
	REFUSED(4, data.ptr, 0);
	REFUSED(4, data.ptr, 96);
	REFUSED(4, data.ptr, 159); /* the uri's padding cut */
	CHECK(strstr(prov_error_last(), "BatchFunded data"));
	/* clang-format off */
	const char *bads[] = {
		/* offset into the heads */
		FUNDER W("2a") W("40") W("05") "697066733a" "000000000000000000000000000000000000000000000000000000",
		/* offset past the end */
		FUNDER W("2a") W("a0") W("05") "697066733a" "000000000000000000000000000000000000000000000000000000",
		/* offset not word-sized */
		FUNDER W("2a") "0100000000000000000000000000000000000000000000000000000000000060" W("05")
		"697066733a" "000000000000000000000000000000000000000000000000000000",
		/* length past the end */
		FUNDER W("2a") W("60") W("21") "697066733a" "000000000000000000000000000000000000000000000000000000",
		/* a length of 2^32 */
		FUNDER W("2a") W("60") "0000000000000000000000000000000000000000000000000000000100000000"
		"697066733a" "000000000000000000000000000000000000000000000000000000",
		/* nonzero padding after the uri */
		FUNDER W("2a") W("60") W("05") "697066733a" "000000000000000000000000000000000000000000000000000001",
		/* no uri word at all */
		FUNDER W("2a") W("60"),
		/* a funder word with high bytes set: not an address */
		"010000000000000000000000cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd" W("2a") W("60") W("05")
		"697066733a" "000000000000000000000000000000000000000000000000000000",
	};
	/* clang-format on */
	for (size_t i = 0; i < sizeof(bads) / sizeof(*bads); i++) {
		CHECK(strlen(bads[i]) % 64 == 0);
		CHECK(unhex(&bad, bads[i]) == 0);
		REFUSED(4, bad.ptr, bad.len);
	}
#undef REFUSED
	/* a total of 2^256-1 is a total */
	CHECK(unhex(&bad, FUNDER "ffffffffffffffffffffffffffffffffffffffffff"
				 "ffffffffffffffffffffff" W("60") W0) == 0);
	CHECK(funded(&ev, (const uint8_t(*)[32])topics, 4, bad.ptr, bad.len) ==
	      0);
	CHECK(all(ev.total, 32, 0xff));
	free(ev.uri);
	buf_release(&data);
	buf_release(&bad);
}

static void claimed_hand(void)
{
	uint8_t topics[4][32], amount[64];
	struct claimed_event ev;

	memset(topics, 0, sizeof(topics));
	abi_topic(topics[0], CLAIMED_EVENT);
	memset(topics[1], 0x77, 32);
	memset(topics[2] + 12, 0xcd, 20);
	memset(amount, 0, sizeof(amount));
	amount[30] = 0x01;
	amount[31] = 0xf4;
	CHECK(claimed(&ev, (const uint8_t(*)[32])topics, 3, amount, 32) == 0);
	CHECK(all(ev.id, 32, 0x77) && all(ev.account, 20, 0xcd));
	CHECK(all(ev.amount, 30, 0) && ev.amount[30] == 1 &&
	      ev.amount[31] == 0xf4);
	/* bytes after the amount are ignored */
	CHECK(claimed(&ev, (const uint8_t(*)[32])topics, 3, amount, 33) == 0);
	CHECK(claimed(&ev, (const uint8_t(*)[32])topics, 3, amount, 64) == 0);
	CHECK(ev.amount[31] == 0xf4);

#define REFUSED(nt, n)                                                         \
	do {                                                                   \
		memset(&ev, 0x5a, sizeof(ev));                                 \
		CHECK(claimed(&ev, (const uint8_t(*)[32])topics, nt, amount,   \
			      n) == PROV_EINVALID);                            \
		CHECK(all(&ev, sizeof(ev), 0));                                \
	} while (0)

	REFUSED(2, 32);
	REFUSED(4, 32);
	REFUSED(0, 32);
	REFUSED(3, 31);
	CHECK(strstr(prov_error_last(), "Claimed data"));
	REFUSED(3, 0);
	topics[2][0] = 1;
	REFUSED(3, 32);
	CHECK(strstr(prov_error_last(), "Claimed topic 2"));
	topics[2][0] = 0;
	abi_topic(topics[0], BATCH_FUNDED_EVENT);
	REFUSED(3, 32);
	CHECK(strstr(prov_error_last(), "not a Claimed event"));
	abi_topic(topics[0], CLAIMED_EVENT);
	topics[0][0] ^= 0x40;
	REFUSED(3, 32);
#undef REFUSED
}

/* ---- anvil ---- */

static uint8_t dist[20];
static int deployed;

/* Signs (dev account 0) and sends a transaction to `to` (NULL: a
 * creation) and waits for its receipt. */
static int send_tx(struct rpc_receipt **r, struct rpc_client *c,
		   const uint8_t *to, const void *data, size_t n)
{
	struct tx tx;
	int rc;

	tx_init(&tx);
	tx.gas_limit = 3000000;
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

/* Deploys contracts/TestToken.json's creation code into token. */
static int deploy_token(uint8_t token[20], struct rpc_client *c)
{
	struct buf file = BUF_INIT, code = BUF_INIT;
	struct rpc_receipt *r = NULL;
	json_t *j = NULL;
	const char *hex;
	int rc = -1;

	if (buf_read_file(&file, "contracts/TestToken.json", 0) ||
	    json_parse(&j, file.ptr, file.len, "TestToken.json") ||
	    !(hex = json_string_value(json_object_get(j, "bytecode"))) ||
	    strncmp(hex, "0x", 2) || unhex(&code, hex + 2) ||
	    send_tx(&r, c, NULL, code.ptr, code.len) || r->status != 1 ||
	    !r->has_contract)
		goto done;
	memcpy(token, r->contract_address, 20);
	rc = 0;
done:
	rpc_receipt_free(r);
	json_decref(j);
	buf_release(&file);
	buf_release(&code);
	return rc;
}

/* Calls token's fn(address, uint256) as dev account 0: mint and approve. */
static int token_call(struct rpc_client *c, const uint8_t token[20],
		      const char *sig, const uint8_t addr[20],
		      const uint8_t amount[32])
{
	struct buf call = BUF_INIT;
	struct rpc_receipt *r = NULL;
	struct abi_value v[2];
	int rc;

	abi_set_address(&v[0], addr);
	abi_set_uint(&v[1], 256, 0);
	memcpy(v[1].word, amount, 32);
	if ((rc = abi_encode_call(&call, sig, v, 2)) == 0 &&
	    (rc = send_tx(&r, c, token, call.ptr, call.len)) == 0 &&
	    r->status != 1)
		rc = PROV_ERROR;
	rpc_receipt_free(r);
	buf_release(&call);
	return rc;
}

static int balance_of(uint8_t out[32], struct rpc_client *c,
		      const uint8_t token[20], const uint8_t addr[20])
{
	struct buf call = BUF_INIT, res = BUF_INIT;
	struct abi_value v[1];
	int rc;

	abi_set_address(&v[0], addr);
	if ((rc = abi_encode_call(&call, "balanceOf(address)", v, 1)) == 0 &&
	    (rc = rpc_eth_call(&res, c, token, (const uint8_t *)call.ptr,
			       call.len, NULL)) == 0) {
		if (res.len == 32)
			memcpy(out, res.ptr, 32);
		else
			rc = PROV_EINVALID;
	}
	buf_release(&call);
	buf_release(&res);
	return rc;
}

/* The revert data of calldata to the distributor from `from`, as the
 * gas estimate's error gives it (nothing is signed for an estimate). */
static int revert_data_from(struct buf *out, struct rpc_client *c,
			    const uint8_t from[20], const struct buf *calldata)
{
	uint64_t gas;
	int rc = rpc_estimate_gas(&gas, c, from, dist,
				  (const uint8_t *)calldata->ptr, calldata->len,
				  NULL);

	if (rc == 0)
		return prov_error_set(PROV_EVERIFY, "the call did not revert");
	return rc == PROV_ERROR ? rpc_error_data(out, c) : rc;
}

/* The same from dev account 0, the deployer: the owner. */
static int revert_data(struct buf *out, struct rpc_client *c,
		       const struct buf *calldata)
{
	return revert_data_from(out, c, DEV0, calldata);
}

static int funded_log(struct batch_funded_event *ev, const struct rpc_log *l)
{
	return funded(ev, (const uint8_t(*)[32])l->topics, l->ntopics,
		      l->data.ptr, l->data.len);
}

static int claimed_log(struct claimed_event *ev, const struct rpc_log *l)
{
	return claimed(ev, (const uint8_t(*)[32])l->topics, l->ntopics,
		       l->data.ptr, l->data.len);
}

/* Claims leaf i of m from batch id of dist: its proof into *proof, the calldata
 * into call (both kept for the caller), the receipt into *r, and the
 * Claimed event, checked to name id, into ce. */
static void claim_leaf(struct rpc_receipt **r, struct buf *call,
		       uint8_t (**proof)[32], size_t *np, struct rpc_client *c,
		       const struct merkle *m, size_t i, const uint8_t id[32],
		       const uint8_t acc[20], const uint8_t amt[32],
		       struct claimed_event *ce)
{
	rpc_receipt_free(*r);
	*r = NULL;
	free(*proof);
	*proof = NULL;
	CHECK(merkle_proof(proof, np, m, i) == 0);
	buf_clear(call);
	CHECK(distributor_claim_calldata(call, id, acc, amt,
					 (const uint8_t(*)[32]) * proof,
					 *np) == 0);
	CHECK(send_tx(r, c, dist, call->ptr, call->len) == 0);
	CHECK(*r && (*r)->status == 1 && (*r)->nlogs == 2);
	CHECK(*r && memcmp((*r)->logs[1].address, dist, 20) == 0);
	CHECK(*r && claimed_log(ce, &(*r)->logs[1]) == 0);
	CHECK(memcmp(ce->id, id, 32) == 0);
}

static void deploy(void)
{
	static const uint8_t other_init[] = {0x60, 0x01, 0x60, 0x00, 0xf3};
	struct rpc_client *c = anvil_client();
	struct rpc_receipt *r = NULL;
	struct buf code = BUF_INIT;
	char want[200], addr[43];
	uint8_t owner[20];

	CHECK(send_tx(&r, c, NULL, distributor_init_code,
		      distributor_init_code_len) == 0);
	CHECK(r->status == 1 && r->has_contract);
	memcpy(dist, r->contract_address, 20);
	rpc_receipt_free(r);
	r = NULL;
	CHECK(rpc_get_code(&code, c, dist, NULL) == 0);
	CHECK(code.len == distributor_runtime_code_len &&
	      memcmp(code.ptr, distributor_runtime_code, code.len) == 0);
	CHECK(distributor_check_code(c, dist) == 0);
	deployed = 1;
	/* the deployer owns it */
	CHECK(distributor_owner(owner, c, dist) == 0 &&
	      memcmp(owner, DEV0, 20) == 0);

	CHECK(distributor_check_code(c, DEV0) == PROV_EINVALID);
	CHECK_STR(prov_error_last(), "no contract at 0xf39Fd6e51aad88F6F4ce6aB"
				     "8827279cffFb92266");
	CHECK(send_tx(&r, c, NULL, other_init, sizeof(other_init)) == 0);
	CHECK(r->status == 1 && r->has_contract);
	CHECK(distributor_check_code(c, r->contract_address) == PROV_EINVALID);
	address_checksum(addr, r->contract_address);
	snprintf(want, sizeof(want),
		 "the code at %s is not prov's PayoutDistributor (code hash "
		 "0xbc36789e7a1e281436464229828f817d6612f7b477d66591ff96a9e064"
		 "bcc98a)",
		 addr);
	CHECK_STR(prov_error_last(), want);
	rpc_receipt_free(r);
	buf_release(&code);
	rpc_client_free(c);
}

#define NACC 3

static void fund_and_claim(void)
{
	static const char uri[] = "https://example.org/payouts/1.json";
	struct rpc_client *c = anvil_client();
	struct rpc_receipt *r = NULL;
	struct batch_funded_event fe = {0};
	struct claimed_event ce;
	struct merkle *m = NULL;
	struct buf call = BUF_INIT, data = BUF_INIT, want = BUF_INIT;
	struct abi_value v[2];
	uint8_t token[20], acc[NACC][20], amt[NACC][32], leaves[NACC][32];
	uint8_t total[32], bal[32], t0[32], id[32], id2[32], other[20];
	static const uint8_t zero[32];
	uint8_t(*proof)[32] = NULL;
	size_t np = 0;
	struct distributor_batch b;
	int yes;

	CHECK(deployed);
	CHECK(deploy_token(token, c) == 0);
	/* Ids and a caller that are not UTF-8: anvil words revert data that
	 * is as a string, NULs and all, which a JSON parser refuses. */
	memset(id, 0xfa, 32);
	memset(id2, 0xfb, 32);
	memset(other, 0xee, 20);
	for (int i = 0; i < NACC; i++) {
		memset(acc[i], 0x10 * (i + 1), 20);
		u256_from_u64(amt[i], 100 * (uint64_t)(i + 1));
		merkle_leaf_address_uint256(leaves[i], acc[i], amt[i]);
	}
	CHECK(merkle_build(&m, (const uint8_t(*)[32])leaves, NACC) == 0);
	u256_from_u64(total, 600);
	/* two batches' worth: the second under the same root */
	u256_from_u64(bal, 1200);
	CHECK(token_call(c, token, "mint(address,uint256)", DEV0, bal) == 0);
	CHECK(erc20_allowance(bal, c, token, DEV0, dist) == 0 &&
	      all(bal, 32, 0));
	buf_clear(&call);
	CHECK(erc20_approve_calldata(&call, dist, total) == 0);
	CHECK(send_tx(&r, c, token, call.ptr, call.len) == 0 && r->status == 1);
	rpc_receipt_free(r);
	r = NULL;
	CHECK(erc20_allowance(bal, c, token, DEV0, dist) == 0 &&
	      memcmp(bal, total, 32) == 0);
	CHECK(erc20_balance_of(bal, c, token, DEV0) == 0 && all(bal, 30, 0) &&
	      bal[30] == 0x04 && bal[31] == 0xb0);
	/* an address without code answers nothing: not a token */
	CHECK(erc20_balance_of(bal, c, acc[0], DEV0) == PROV_EINVALID);
	CHECK(strstr(prov_error_last(), "balanceOf(address) on 0x") &&
	      strstr(prov_error_last(), "0 bytes returned, expected 32"));
	CHECK(distributor_batch_get(&b, c, dist, id) == 0);
	CHECK(all(&b, sizeof(b), 0));
	CHECK(distributor_claimed(&yes, c, dist, id, acc[0]) == 0 && !yes);

	/* only the owner funds: NotOwner(caller) for anyone else */
	buf_clear(&call);
	CHECK(distributor_fund_calldata(&call, id, m->nodes[0], token, total,
					uri) == 0);
	CHECK(revert_data_from(&data, c, other, &call) == 0);
	abi_set_address(&v[0], other);
	buf_clear(&want);
	CHECK(abi_encode_call(&want, "NotOwner(address)", v, 1) == 0);
	CHECK(data.len == want.len &&
	      memcmp(data.ptr, want.ptr, data.len) == 0);
	/* a zero id: ZeroId() */
	buf_clear(&call);
	buf_clear(&data);
	CHECK(distributor_fund_calldata(&call, zero, m->nodes[0], token, total,
					uri) == 0);
	CHECK(revert_data(&data, c, &call) == 0);
	abi_selector(t0, "ZeroId()");
	CHECK(data.len == 4 && memcmp(data.ptr, t0, 4) == 0);

	buf_clear(&call);
	buf_clear(&data);
	CHECK(distributor_fund_calldata(&call, id, m->nodes[0], token, total,
					uri) == 0);
	CHECK(send_tx(&r, c, dist, call.ptr, call.len) == 0);
	/* the token's Transfer, then BatchFunded */
	CHECK(r->status == 1 && r->nlogs == 2);
	CHECK(memcmp(r->logs[1].address, dist, 20) == 0);
	CHECK(funded_log(&fe, &r->logs[1]) == 0);
	CHECK(memcmp(fe.id, id, 32) == 0);
	CHECK(memcmp(fe.root, m->nodes[0], 32) == 0);
	CHECK(memcmp(fe.token, token, 20) == 0 &&
	      memcmp(fe.funder, DEV0, 20) == 0);
	CHECK(memcmp(fe.total, total, 32) == 0);
	CHECK(fe.uri_len == strlen(uri) && strcmp(fe.uri, uri) == 0);
	free(fe.uri);
	fe.uri = NULL;
	/* a Transfer is neither event */
	CHECK(funded_log(&fe, &r->logs[0]) == PROV_EINVALID);
	CHECK(claimed_log(&ce, &r->logs[0]) == PROV_EINVALID);
	CHECK(claimed_log(&ce, &r->logs[1]) == PROV_EINVALID);
	CHECK(balance_of(bal, c, token, dist) == 0 &&
	      memcmp(bal, total, 32) == 0);
	CHECK(distributor_batch_get(&b, c, dist, id) == 0);
	CHECK(memcmp(b.root, m->nodes[0], 32) == 0 &&
	      memcmp(b.token, token, 20) == 0 &&
	      memcmp(b.total, total, 32) == 0 && all(b.paid, 32, 0));
	/* an id is funded once */
	CHECK(revert_data(&data, c, &call) == 0);
	abi_set_fixed(&v[0], id, 32);
	buf_clear(&want);
	CHECK(abi_encode_call(&want, "AlreadyFunded(bytes32)", v, 1) == 0);
	CHECK(data.len == want.len &&
	      memcmp(data.ptr, want.ptr, data.len) == 0);

	for (int i = 0; i < NACC; i++) {
		claim_leaf(&r, &call, &proof, &np, c, m, (size_t)i, id, acc[i],
			   amt[i], &ce);
		CHECK(memcmp(ce.account, acc[i], 20) == 0);
		CHECK(memcmp(ce.amount, amt[i], 32) == 0);
		CHECK(funded_log(&fe, &r->logs[1]) == PROV_EINVALID);
		CHECK(balance_of(bal, c, token, acc[i]) == 0 &&
		      memcmp(bal, amt[i], 32) == 0);
		CHECK(distributor_claimed(&yes, c, dist, id, acc[i]) == 0 &&
		      yes);
		CHECK(distributor_claimed(&yes, c, dist, id2, acc[i]) == 0 &&
		      !yes);
	}
	/* paid counts every claim; the token has no batches() and reverts */
	CHECK(distributor_batch_get(&b, c, dist, id) == 0);
	CHECK(memcmp(b.paid, total, 32) == 0);
	CHECK(distributor_claimed(&yes, c, dist, id, DEV0) == 0 && !yes);
	CHECK(distributor_batch_get(&b, c, token, id) == PROV_ERROR);
	CHECK(strstr(prov_error_last(), "batches(bytes32) on 0x"));
	/* the last claim again: AlreadyClaimed(id, account) */
	buf_clear(&data);
	CHECK(revert_data(&data, c, &call) == 0);
	abi_set_address(&v[1], acc[NACC - 1]);
	buf_clear(&want);
	CHECK(abi_encode_call(&want, "AlreadyClaimed(bytes32,address)", v, 2) ==
	      0);
	CHECK(data.len == want.len &&
	      memcmp(data.ptr, want.ptr, data.len) == 0);
	/* an account not in the tree, with another's proof and amount:
	 * InvalidProof() */
	buf_clear(&call);
	buf_clear(&data);
	memset(acc[0], 0x99, 20);
	CHECK(distributor_claim_calldata(&call, id, acc[0], amt[NACC - 1],
					 (const uint8_t(*)[32])proof, np) == 0);
	CHECK(revert_data(&data, c, &call) == 0);
	abi_selector(t0, "InvalidProof()");
	CHECK(data.len == 4 && memcmp(data.ptr, t0, 4) == 0);
	/* an id never funded: UnknownBatch(id) */
	buf_clear(&call);
	buf_clear(&data);
	CHECK(distributor_claim_calldata(&call, id2, acc[NACC - 1],
					 amt[NACC - 1],
					 (const uint8_t(*)[32])proof, np) == 0);
	CHECK(revert_data(&data, c, &call) == 0);
	abi_set_fixed(&v[0], id2, 32);
	buf_clear(&want);
	CHECK(abi_encode_call(&want, "UnknownBatch(bytes32)", v, 1) == 0);
	CHECK(data.len == want.len &&
	      memcmp(data.ptr, want.ptr, data.len) == 0);

	/* Another id under the same root (another period paying the same)
	 * is another batch: funded, and each account claims from it too. */
	CHECK(token_call(c, token, "approve(address,uint256)", dist, total) ==
	      0);
	buf_clear(&call);
	CHECK(distributor_fund_calldata(&call, id2, m->nodes[0], token, total,
					uri) == 0);
	rpc_receipt_free(r);
	r = NULL;
	CHECK(send_tx(&r, c, dist, call.ptr, call.len) == 0 && r->status == 1);
	CHECK(distributor_batch_get(&b, c, dist, id2) == 0);
	CHECK(memcmp(b.root, m->nodes[0], 32) == 0 && all(b.paid, 32, 0));
	memset(acc[0], 0x10, 20);
	for (int i = 0; i < NACC; i++) {
		claim_leaf(&r, &call, &proof, &np, c, m, (size_t)i, id2, acc[i],
			   amt[i], &ce);
		/* twice its amount now: once from each batch */
		u256_from_u64(t0, 200 * (uint64_t)(i + 1));
		CHECK(balance_of(bal, c, token, acc[i]) == 0 &&
		      memcmp(bal, t0, 32) == 0);
		CHECK(distributor_claimed(&yes, c, dist, id2, acc[i]) == 0 &&
		      yes);
	}
	CHECK(balance_of(bal, c, token, dist) == 0 && all(bal, 32, 0));

	free(proof);
	merkle_free(m);
	buf_release(&call);
	buf_release(&data);
	buf_release(&want);
	rpc_receipt_free(r);
	rpc_client_free(c);
}

/* 2^256-1 funded and claimed with a one-leaf tree (the root is the leaf,
 * the proof empty); the uri is bytes that are not UTF-8. */
static void max_round_trip(void)
{
	static const char uri[] = "\xff\xfe not UTF-8";
	struct rpc_client *c = anvil_client();
	struct rpc_receipt *r = NULL;
	struct batch_funded_event fe = {0};
	struct claimed_event ce;
	struct buf call = BUF_INIT;
	uint8_t token[20], acc[20], max[32], root[32], bal[32], id[32];

	CHECK(deployed);
	CHECK(deploy_token(token, c) == 0);
	memset(id, 0xff, 32);
	memset(acc, 0xee, 20);
	memset(max, 0xff, 32);
	merkle_leaf_address_uint256(root, acc, max);
	CHECK(token_call(c, token, "mint(address,uint256)", DEV0, max) == 0);
	CHECK(token_call(c, token, "approve(address,uint256)", dist, max) == 0);
	CHECK(distributor_fund_calldata(&call, id, root, token, max, uri) == 0);
	CHECK(send_tx(&r, c, dist, call.ptr, call.len) == 0);
	CHECK(r->status == 1 && r->nlogs == 2);
	CHECK(funded_log(&fe, &r->logs[1]) == 0);
	CHECK(all(fe.total, 32, 0xff) && memcmp(fe.root, root, 32) == 0 &&
	      all(fe.id, 32, 0xff));
	CHECK(fe.uri_len == strlen(uri) &&
	      memcmp(fe.uri, uri, fe.uri_len) == 0);
	rpc_receipt_free(r);
	r = NULL;
	buf_clear(&call);
	CHECK(distributor_claim_calldata(&call, id, acc, max, NULL, 0) == 0);
	CHECK(send_tx(&r, c, dist, call.ptr, call.len) == 0);
	CHECK(r->status == 1 && r->nlogs == 2);
	CHECK(claimed_log(&ce, &r->logs[1]) == 0);
	CHECK(all(ce.amount, 32, 0xff) && memcmp(ce.account, acc, 20) == 0);
	CHECK(balance_of(bal, c, token, acc) == 0 && all(bal, 32, 0xff));
	CHECK(balance_of(bal, c, token, dist) == 0 && all(bal, 32, 0));
	free(fe.uri);
	buf_release(&call);
	rpc_receipt_free(r);
	rpc_client_free(c);
}

int main(void)
{
	if (core_init())
		return 1;
	signal(SIGPIPE, SIG_IGN);
	RUN(calldata);
	RUN(event_topics);
	RUN(batch_funded_hand);
	RUN(claimed_hand);
	if (anvil_start()) {
		printf("not ok - tests/unit/chain_distributor.c: anvil "
		       "started\n");
		return 1;
	}
	RUN(deploy);
	RUN(fund_and_claim);
	RUN(max_round_trip);
	anvil_stop();
	return unit_done();
}
