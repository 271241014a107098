/* rpc_logs_scan, the fast reader of eth_getLogs replies, against the
 * general parse: on any bytes, a reply the fast reader takes must be one
 * rpc_reply_parse and rpc_logs_parse take too, with the same logs field
 * for field; one it declines it must leave without logs. */
#include <stdlib.h>
#include <string.h>

#include "chain/chain.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int same_log(const struct rpc_log *a, const struct rpc_log *b)
{
	return memcmp(a->address, b->address, 20) == 0 &&
	       a->ntopics == b->ntopics &&
	       memcmp(a->topics, b->topics, 32 * a->ntopics) == 0 &&
	       a->data.len == b->data.len &&
	       memcmp(a->data.ptr, b->data.ptr, a->data.len) == 0 &&
	       a->log_index == b->log_index && a->removed == b->removed &&
	       a->block_number == b->block_number &&
	       memcmp(a->block_hash, b->block_hash, 32) == 0 &&
	       memcmp(a->tx_hash, b->tx_hash, 32) == 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int inited;
	struct rpc_log *fast = NULL, *slow = NULL;
	size_t nfast = 0, nslow = 0;
	json_t *res = NULL;

	if (!inited++ && core_init())
		abort();
	if (!rpc_logs_scan(&fast, &nfast, (const char *)data, size, 1)) {
		if (fast || nfast)
			abort();
		return 0;
	}
	if (!fast ||
	    rpc_reply_parse(&res, NULL, NULL, (const char *)data, size, 1) ||
	    rpc_logs_parse(&slow, &nslow, res) || nfast != nslow)
		abort();
	for (size_t i = 0; i < nfast; i++)
		if (!same_log(&fast[i], &slow[i]))
			abort();
	rpc_logs_free(fast, nfast);
	rpc_logs_free(slow, nslow);
	json_decref(res);
	return 0;
}
