/* Fuzzes the CBOR check in front of libcbor (c2pa/cbor.c). Invariant:
 * what cb_check accepts, libcbor loads whole, so hostile lengths and
 * nesting never reach it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "c2pa/c2pa.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *copy = malloc(size ? size : 1); /* exact size, for ASan */
	cbor_item_t *it = NULL;
	struct buf out = BUF_INIT;

	memcpy(copy, data, size);
	if (!cb_check(copy, size)) {
		struct cbor_load_result res;

		it = cbor_load(copy, size, &res);
		/* libcbor refuses a few well-formed items cb_check lets
		 * through (it rejects some simple values); never a crash. */
		if (it) {
			cb_get(it, "url");
			cb_label(it, 1);
			if (res.read == size)
				cb_encode(&out, it);
			cbor_decref(&it);
		}
	}
	buf_release(&out);
	free(copy);
	return 0;
}
