/* index_parse on arbitrary bytes: the entries of a claim index cache
 * (manifest/index.c). A cache is read only under a good HMAC, so these
 * bytes are ours unless the key leaked or the code is wrong; they are
 * parsed with every length checked all the same. Invariant: what parses
 * is found again by content hash, and every string is NUL-terminated. */
#include <stdlib.h>
#include <string.h>

#include "manifest/manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Looks up the 32 bytes after every 'w' byte: where an entry's content
 * may be. Reading each claim's strings makes ASan check them. */
static void lookups(const struct index *ix, const uint8_t *data, size_t size)
{
	for (size_t i = 0; i + 33 <= size; i++) {
		const struct content_info *ci;
		if (data[i] != 'w' || !(ci = index_get(ix, data + i + 1)))
			continue;
		for (size_t k = 0; k < ci->nclaims; k++)
			if (!ci->claims[k].id || strlen(ci->claims[k].id) > size)
				abort();
		for (size_t k = 0; k < ci->noptouts; k++)
			if (!ci->optouts[k].id || strlen(ci->optouts[k].id) > size)
				abort();
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct index *ix = NULL;

	if (index_parse(&ix, data, size)) {
		if (ix)
			abort();
		return 0;
	}
	lookups(ix, data, size);
	index_free(ix);
	return 0;
}
