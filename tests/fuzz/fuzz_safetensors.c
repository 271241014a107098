/* safetensors_parse (manifest/safetensors.c) on arbitrary bytes, taken as
 * a whole file: the header at the start, the data area after it. The
 * bytes are copied into an allocation of exactly their size, so ASan sees
 * any read past the end. Invariants of a header that parses: it fits in
 * the file, its hash is the SHA-256 of its 8 + N bytes, and it has no more
 * tensors than its JSON could name. */
#include <stdlib.h>
#include <string.h>

#include "manifest/manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int initialised;
	struct safetensors_info info;
	uint8_t *copy = xmalloc(size ? size : 1), d[32];

	if (!initialised++ && core_init())
		abort();
	memcpy(copy, data, size);
	if (safetensors_parse(&info, copy, size, size, "fuzz") == 0) {
		if (info.header_len > size - 8 ||
		    info.tensors > info.header_len / 2 ||
		    sha256_buf(d, copy, 8 + (size_t)info.header_len) ||
		    memcmp(d, info.header_sha256, 32))
			abort();
	}
	/* A file that claims to be longer than the bytes at hand. */
	if (size >= 8)
		safetensors_parse(&info, copy, size, (uint64_t)size + 4096, "fuzz");
	prov_error_clear();
	free(copy);
	return 0;
}
