/* Fuzzes anchor_proofs_each, the reader of an anchor record's proofs blob
 * (from a registry someone else wrote): no crash or undefined behaviour,
 * and an accepted blob is canonical: writing its lines again gives back
 * exactly the input. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "chain/chain.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int rewrite(const uint8_t digest[32], const uint8_t (*proof)[32],
		   size_t n, void *payload)
{
	struct buf *out = payload;
	char hex[67];

	chain_hex(hex, digest, 32);
	buf_printf(out, "{\"id\":\"sha256:%s\",\"proof\":[", hex + 2);
	for (size_t i = 0; i < n; i++) {
		chain_hex(hex, proof[i], 32);
		buf_printf(out, "%s\"%s\"", i ? "," : "", hex);
	}
	return buf_puts(out, "]}\n");
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int initialised;
	struct buf out = BUF_INIT;
	uint8_t root[32] = { 0 };

	if (!initialised++ && core_init())
		abort();
	if (anchor_proofs_each((const char *)data, size, rewrite, &out) == 0 &&
	    (out.len != size || memcmp(out.ptr, data, size)))
		abort();
	prov_error_clear();
	anchor_proofs_check((const char *)data, size, root, 1);
	prov_error_clear();
	buf_release(&out);
	return 0;
}
