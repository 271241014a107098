/* rpc_reply_parse on arbitrary bytes as the reply to request 1, then every
 * typed check on whatever result it accepted, and rpc_error_data on the
 * data of an error reply: a node's reply is untrusted from the first byte
 * to the last field of a receipt's logs. */
#include <stdlib.h>
#include <string.h>

#include "chain/chain.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int inited;
	struct rpc_receipt *r = NULL;
	struct buf b = BUF_INIT;
	json_t *res = NULL, *err_data = NULL;
	long long code;
	uint8_t w[32];
	uint64_t x;
	int rc;

	if (!inited++ && core_init())
		abort();
	rc = rpc_reply_parse(&res, &code, &err_data, (const char *)data, size,
			     1);
	if (rc == PROV_ERROR) {
		struct rpc_client c;
		const json_t *d = err_data;

		memset(&c, 0, sizeof(c));
		c.error_data = err_data;
		if (json_is_object(d))
			d = json_object_get(d, "data");
		rc = rpc_error_data(&b, &c);
		/* what it read is the whole hex string, or nothing */
		if (rc == 0 ? json_string_length(d) != 2 + 2 * b.len
			    : rc != PROV_ENOTFOUND || b.len)
			abort();
		buf_release(&b);
		json_decref(err_data);
		return 0;
	}
	if (err_data || (rc && res))
		abort(); /* only an error reply has error data */
	if (rc)
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
