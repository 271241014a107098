/* rpc_reply_parse on arbitrary bytes as the reply to request 1, then every
 * typed check on whatever result it accepted: a node's reply is untrusted
 * from the first byte to the last field of a receipt's logs. */
#include <stdlib.h>

#include "chain/chain.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int inited;
	struct rpc_receipt *r = NULL;
	struct buf b = BUF_INIT;
	json_t *res = NULL;
	long long code;
	uint8_t w[32];
	uint64_t x;

	if (!inited++ && core_init())
		abort();
	if (rpc_reply_parse(&res, &code, (const char *)data, size, 1))
		return 0;
	if (rpc_quantity_u64(&x, res, "q") == 0 &&
	    (rpc_quantity_u256(w, res, "q") || w[24] != (uint8_t)(x >> 56) ||
	     w[31] != (uint8_t)x))
		abort(); /* the two readings of a quantity must agree */
	rpc_data(&b, res, 0, "d");
	rpc_data_fixed(w, 32, res, "h");
	if (rpc_receipt_parse(&r, res) == 0) {
		if (r->status > 1)
			abort();
		for (size_t i = 0; i < r->nlogs; i++)
			if (r->logs[i].ntopics > 4)
				abort();
		rpc_receipt_free(r);
	}
	buf_release(&b);
	json_decref(res);
	return 0;
}
