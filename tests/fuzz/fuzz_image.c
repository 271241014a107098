/* Fuzzes JPEG decoding (c2pa/image.c, c2pa/fingerprint.c): a thumbnail
 * and a fingerprint of arbitrary bytes. The input is copied into an
 * allocation of exactly its size, so ASan sees any read past the end.
 * Invariants: a thumbnail, when made, decodes again within the side
 * bound; a fingerprint's text form parses back to it. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "c2pa/c2pa.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint8_t *p = malloc(size ? size : 1);
	struct buf thumb = BUF_INIT, again = BUF_INIT, text = BUF_INIT;
	struct fingerprint f, g;

	memcpy(p, data, size);
	if (image_thumbnail(&thumb, p, size, 64) == 0) {
		if (image_thumbnail(&again, (const uint8_t *)thumb.ptr,
				    thumb.len, 64))
			abort();
	}
	if (fingerprint_jpeg(&f, p, size) == 0) {
		if (fingerprint_format(&text, &f) ||
		    fingerprint_parse(&g, text.ptr) ||
		    fingerprint_distance(&f, &g) != 0)
			abort();
	}
	prov_error_clear();
	buf_release(&thumb);
	buf_release(&again);
	buf_release(&text);
	free(p);
	return 0;
}
