/* Fuzzes rlp_decode: no crash or undefined behaviour on any input, and an
 * accepted input is canonical: re-encoding the decoded tree with the
 * encoder gives back exactly the input. The same bytes go to tx_decode
 * (a type-2 transaction is 0x02 and an RLP list). */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chain/chain.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

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
		if (rlp_reencode(&b, &it) || b.len != size ||
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
