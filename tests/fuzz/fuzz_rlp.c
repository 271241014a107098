/* Fuzzes rlp_decode: no crash or undefined behaviour on any input, and an
 * accepted input is canonical: re-encoding the decoded tree with the
 * encoder gives back exactly the input. The same bytes go to tx_decode
 * (a type-2 transaction is 0x02 and an RLP list). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chain/chain.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int reencode(struct buf *out, const struct rlp_item *it)
{
	struct rlp_iter iter;
	struct rlp_item sub;
	size_t start;
	int rc;

	if (!it->list)
		return rlp_put_bytes(out, it->ptr, it->len);
	start = rlp_list_begin(out);
	rlp_iter_init(&iter, it);
	while ((rc = rlp_next(&sub, &iter)) > 0)
		if ((rc = reencode(out, &sub)))
			return rc;
	if (rc)
		abort(); /* rlp_decode checked the whole tree */
	return rlp_list_end(out, start);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int initialised;
	struct rlp_item it;
	struct buf b = BUF_INIT;
	struct tx tx;
	uint8_t from[20], hash[32];

	if (!initialised++ && core_init())
		abort();
	if (rlp_decode(&it, data, size) == 0) {
		if (reencode(&b, &it) || b.len != size ||
		    memcmp(b.ptr, data, size) != 0)
			abort();
	}
	buf_release(&b);

	tx_init(&tx);
	if (tx_decode(&tx, from, data, size) == 0 &&
	    tx_signing_hash(hash, &tx) != 0)
		abort();
	tx_release(&tx);
	return 0;
}
