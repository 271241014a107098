/* The payout distributor from prov's side: its two events decoded from
 * logs, the calldata of fund() and claim(), and the check that an address
 * holds the code prov deploys. Logs come from a node, which may lie: they
 * are decoded with abi_decode, which checks every offset, length and
 * width. */
#include <stdlib.h>
#include <string.h>

#include "chain/chain.h"

#define SIG_FUND  "fund(bytes32,address,uint256,string)"
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
	struct abi_value idx[3], body[2];
	int rc;

	memset(out, 0, sizeof(*out));
	abi_set_fixed(&idx[0], zero, 32);
	abi_set_address(&idx[1], zero);
	abi_set_address(&idx[2], zero);
	if ((rc = decode_topics(idx, 3, BATCH_FUNDED_EVENT, "BatchFunded",
				topics, ntopics)))
		return rc;
	/* The uri is read as bytes: the contract emits whatever string it
	 * was given, and an indexer keeps the log as it is. */
	abi_set_uint(&body[0], 256, 0);
	abi_set_bytes(&body[1], "", 0);
	if (abi_decode(body, 2, data, len))
		return prov_error_wrap("BatchFunded data");
	memcpy(out->root, idx[0].word, 32);
	memcpy(out->token, idx[1].word + 12, 20);
	memcpy(out->funder, idx[2].word + 12, 20);
	memcpy(out->total, body[0].word, 32);
	out->uri = xmalloc(body[1].len + 1);
	memcpy(out->uri, body[1].ptr, body[1].len);
	out->uri[body[1].len] = '\0';
	out->uri_len = body[1].len;
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
	memcpy(out->root, idx[0].word, 32);
	memcpy(out->account, idx[1].word + 12, 20);
	memcpy(out->amount, body[0].word, 32);
	return 0;
}

int distributor_fund_calldata(struct buf *out, const uint8_t root[32],
			      const uint8_t token[20], const uint8_t total[32],
			      const char *uri)
{
	struct abi_value v[4];

	abi_set_fixed(&v[0], root, 32);
	abi_set_address(&v[1], token);
	abi_set_uint(&v[2], 256, 0);
	memcpy(v[2].word, total, 32);
	abi_set_string(&v[3], uri);
	return abi_encode_call(out, SIG_FUND, v, 4);
}

int distributor_claim_calldata(struct buf *out, const uint8_t root[32],
			       const uint8_t account[20],
			       const uint8_t amount[32],
			       const uint8_t (*proof)[32], size_t n)
{
	static const struct abi_type bytes32 = {ABI_FIXED, 32, 0};
	struct abi_value v[4];

	abi_set_fixed(&v[0], root, 32);
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
