/* base64_decode on arbitrary text. Decoding is strict (padding, no stray
 * bits), so whatever decodes must encode back to the same text; and a
 * too-small output must be refused, never overrun. */
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int inited;
	struct buf back = BUF_INIT;
	uint8_t *out = xmalloc(size + 1);
	size_t n = 0, small = 0;

	if (!inited++ && core_init())
		abort();
	if (base64_decode(out, size, &n, (const char *)data, size) == 0) {
		if (n > size || base64_encode(&back, out, n) ||
		    back.len != size || memcmp(back.ptr, data, size))
			abort();
		/* One byte less room than needed must fail cleanly. */
		if (n && base64_decode(out, n - 1, &small, (const char *)data,
				       size) == 0)
			abort();
	}
	/* And any bytes survive an encode/decode round trip. */
	buf_clear(&back);
	if (base64_encode(&back, data, size) ||
	    base64_decode(out, size + 1, &n, back.ptr, back.len) || n != size ||
	    memcmp(out, data, size))
		abort();
	free(out);
	buf_release(&back);
	return 0;
}
