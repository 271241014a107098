/* The payout distributor from prov's side: its two events decoded from
 * logs, the calldata of fund() and claim(), the eth_calls of owner(),
 * batches() and claimed(), the check that an address holds the code prov deploys,
 * and the few ERC-20 calls a funder makes. Logs and replies come from a
 * node, which may lie: they are decoded with abi_decode, which checks
 * every offset, length and width. */
#include <stdlib.h>
#include <string.h>

#include "chain/chain.h"

#define SIG_FUND  "fund(bytes32,bytes32,address,uint256,string)"
#define SIG_CLAIM "claim(bytes32,address,uint256,bytes32[])"

/* Decodes the indexed values of a log, topics[1..n], into v (whose types
 * the caller set) after checking the count and topic 0 (event's). */
static int decode_topics(struct abi_value *v, size_t n, const char *event,
			 const char *name, const uint8_t (*topics)[32],
			 size_t ntopics)
{
	uint8_t t0[32];

	abi_topic(t0, event);
	if (ntopics != n + 1 || memcmp(topics[0], t0, 32))
		return prov_error_set(PROV_EINVALID, "log is not a %s event",
				      name);
	for (size_t i = 0; i < n; i++)
		if (abi_decode(&v[i], 1, topics[i + 1], 32))
			return prov_error_wrap("%s topic %zu", name, i + 1);
	return 0;
}

int batch_funded_event_decode(struct batch_funded_event *out,
			      const uint8_t (*topics)[32], size_t ntopics,
			      const uint8_t *data, size_t len)
{
	static const uint8_t zero[32];
	struct abi_value idx[3], body[3];
	int rc;

	memset(out, 0, sizeof(*out));
	abi_set_fixed(&idx[0], zero, 32);
	abi_set_fixed(&idx[1], zero, 32);
	abi_set_address(&idx[2], zero);
	if ((rc = decode_topics(idx, 3, BATCH_FUNDED_EVENT, "BatchFunded",
				topics, ntopics)))
		return rc;
	/* The uri is read as bytes: the contract emits whatever string it
	 * was given, and an indexer keeps the log as it is. */
	abi_set_address(&body[0], zero);
	abi_set_uint(&body[1], 256, 0);
	abi_set_bytes(&body[2], "", 0);
	if (abi_decode(body, 3, data, len))
		return prov_error_wrap("BatchFunded data");
	memcpy(out->id, idx[0].word, 32);
	memcpy(out->root, idx[1].word, 32);
	memcpy(out->token, idx[2].word + 12, 20);
	memcpy(out->funder, body[0].word + 12, 20);
	memcpy(out->total, body[1].word, 32);
	out->uri = xmalloc(body[2].len + 1);
	memcpy(out->uri, body[2].ptr, body[2].len);
	out->uri[body[2].len] = '\0';
	out->uri_len = body[2].len;
	return 0;
}

int claimed_event_decode(struct claimed_event *out, const uint8_t (*topics)[32],
			 size_t ntopics, const uint8_t *data, size_t len)
{
	static const uint8_t zero[32];
	struct abi_value idx[2], body[1];
	int rc;

	memset(out, 0, sizeof(*out));
	abi_set_fixed(&idx[0], zero, 32);
	abi_set_address(&idx[1], zero);
	if ((rc = decode_topics(idx, 2, CLAIMED_EVENT, "Claimed", topics,
				ntopics)))
		return rc;
	abi_set_uint(&body[0], 256, 0);
	if (abi_decode(body, 1, data, len))
		return prov_error_wrap("Claimed data");
	memcpy(out->id, idx[0].word, 32);
	memcpy(out->account, idx[1].word + 12, 20);
	memcpy(out->amount, body[0].word, 32);
	return 0;
}

int distributor_fund_calldata(struct buf *out, const uint8_t id[32],
			      const uint8_t root[32], const uint8_t token[20],
			      const uint8_t total[32], const char *uri)
{
	struct abi_value v[5];

	abi_set_fixed(&v[0], id, 32);
	abi_set_fixed(&v[1], root, 32);
	abi_set_address(&v[2], token);
	abi_set_uint(&v[3], 256, 0);
	memcpy(v[3].word, total, 32);
	abi_set_string(&v[4], uri);
	return abi_encode_call(out, SIG_FUND, v, 5);
}

int distributor_claim_calldata(struct buf *out, const uint8_t id[32],
			       const uint8_t account[20],
			       const uint8_t amount[32],
			       const uint8_t (*proof)[32], size_t n)
{
	static const struct abi_type bytes32 = {ABI_FIXED, 32, 0};
	struct abi_value v[4];

	abi_set_fixed(&v[0], id, 32);
	abi_set_address(&v[1], account);
	abi_set_uint(&v[2], 256, 0);
	memcpy(v[2].word, amount, 32);
	abi_set_array(&v[3], bytes32, proof, n);
	return abi_encode_call(out, SIG_CLAIM, v, 4);
}

int distributor_check_code(struct rpc_client *c, const uint8_t contract[20])
{
	return chain_check_code(c, contract, distributor_runtime_code,
				distributor_runtime_code_len,
				"PayoutDistributor");
}

/* eth_call of sig(v[0..n)) on contract, whose reply must be exactly want
 * bytes (the static words the function returns) into out. */
static int call_words(struct buf *out, struct rpc_client *c,
		      const uint8_t contract[20], const char *sig,
		      const struct abi_value *v, size_t n, size_t want)
{
	struct buf call = BUF_INIT;
	char addr[43];
	int rc;

	address_checksum(addr, contract);
	if ((rc = abi_encode_call(&call, sig, v, n)))
		goto done;
	if ((rc = rpc_eth_call(out, c, contract, (const uint8_t *)call.ptr,
			       call.len, NULL))) {
		prov_error_wrap("%s on %s", sig, addr);
		goto done;
	}
	if (out->len != want)
		rc = prov_error_set(PROV_EINVALID,
				    "%s on %s: %zu bytes returned, expected "
				    "%zu",
				    sig, addr, out->len, want);
done:
	buf_release(&call);
	return rc;
}

int distributor_owner(uint8_t out[20], struct rpc_client *c,
		      const uint8_t contract[20])
{
	static const uint8_t zero[20];
	struct buf res = BUF_INIT;
	struct abi_value v[1];
	int rc;

	memset(out, 0, 20);
	abi_set_address(&v[0], zero);
	if ((rc = call_words(&res, c, contract, "owner()", v, 0, 32)))
		goto done;
	if ((rc = abi_decode(v, 1, (const uint8_t *)res.ptr, res.len)))
		prov_error_wrap("owner()");
	else
		memcpy(out, v[0].word + 12, 20);
done:
	buf_release(&res);
	return rc;
}

int distributor_batch_get(struct distributor_batch *out, struct rpc_client *c,
			  const uint8_t contract[20], const uint8_t id[32])
{
	static const uint8_t zero[32];
	struct buf res = BUF_INIT;
	struct abi_value v[4];
	int rc;

	memset(out, 0, sizeof(*out));
	abi_set_fixed(&v[0], id, 32);
	if ((rc = call_words(&res, c, contract, "batches(bytes32)", v, 1,
			     4 * 32)))
		goto done;
	abi_set_fixed(&v[0], zero, 32);
	abi_set_address(&v[1], zero);
	abi_set_uint(&v[2], 256, 0);
	abi_set_uint(&v[3], 256, 0);
	/* abi_decode refuses an address word with high bytes set. */
	if ((rc = abi_decode(v, 4, (const uint8_t *)res.ptr, res.len))) {
		prov_error_wrap("batches(bytes32)");
		goto done;
	}
	memcpy(out->root, v[0].word, 32);
	memcpy(out->token, v[1].word + 12, 20);
	memcpy(out->total, v[2].word, 32);
	memcpy(out->paid, v[3].word, 32);
done:
	buf_release(&res);
	return rc;
}

int distributor_claimed(int *out, struct rpc_client *c,
			const uint8_t contract[20], const uint8_t id[32],
			const uint8_t account[20])
{
	struct buf res = BUF_INIT;
	struct abi_value v[2];
	int rc;

	*out = 0;
	abi_set_fixed(&v[0], id, 32);
	abi_set_address(&v[1], account);
	if ((rc = call_words(&res, c, contract, "claimed(bytes32,address)", v,
			     2, 32)))
		goto done;
	abi_set_bool(&v[0], 0);
	if ((rc = abi_decode(v, 1, (const uint8_t *)res.ptr, res.len)))
		prov_error_wrap("claimed(bytes32,address)");
	else
		*out = v[0].word[31];
done:
	buf_release(&res);
	return rc;
}

int erc20_approve_calldata(struct buf *out, const uint8_t spender[20],
			   const uint8_t value[32])
{
	struct abi_value v[2];

	abi_set_address(&v[0], spender);
	abi_set_uint(&v[1], 256, 0);
	memcpy(v[1].word, value, 32);
	return abi_encode_call(out, "approve(address,uint256)", v, 2);
}

int erc20_balance_of(uint8_t out[32], struct rpc_client *c,
		     const uint8_t token[20], const uint8_t owner[20])
{
	struct buf res = BUF_INIT;
	struct abi_value v[1];
	int rc;

	abi_set_address(&v[0], owner);
	if ((rc = call_words(&res, c, token, "balanceOf(address)", v, 1, 32)) ==
	    0)
		memcpy(out, res.ptr, 32);
	buf_release(&res);
	return rc;
}

int erc20_allowance(uint8_t out[32], struct rpc_client *c,
		    const uint8_t token[20], const uint8_t owner[20],
		    const uint8_t spender[20])
{
	struct buf res = BUF_INIT;
	struct abi_value v[2];
	int rc;

	abi_set_address(&v[0], owner);
	abi_set_address(&v[1], spender);
	if ((rc = call_words(&res, c, token, "allowance(address,address)", v, 2,
			     32)) == 0)
		memcpy(out, res.ptr, 32);
	buf_release(&res);
	return rc;
}
