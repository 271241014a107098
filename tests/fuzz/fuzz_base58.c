/* base58_decode on arbitrary text: whatever decodes must encode back to the
 * same text (base58btc has one spelling per value), and any bytes survive
 * an encode/decode round trip. */
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int inited;
	struct buf back = BUF_INIT;
	uint8_t out[2048];
	size_t n = 0;

	if (!inited++ && core_init())
		abort();
	if (base58_decode(out, sizeof(out), &n, (const char *)data, size) ==
	    0) {
		/* The encoder takes at most 1024 bytes; the decoder may
		 * return a few more. */
		if (n > sizeof(out) ||
		    (n <= 1024 &&
		     (base58_encode(&back, out, n) || back.len != size ||
		      memcmp(back.ptr, data, size))))
			abort();
		if (n && base58_decode(out, n - 1, &n, (const char *)data,
				       size) == 0)
			abort();
	}
	buf_clear(&back);
	if (base58_encode(&back, data, size) == 0 &&
	    (base58_decode(out, sizeof(out), &n, back.ptr, back.len) ||
	     n != size || memcmp(out, data, size)))
		abort();
	buf_release(&back);
	return 0;
}
