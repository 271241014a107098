/* index_parse on arbitrary bytes: the entries of a claim index cache
 * (manifest/index.c). A cache is read only under a good MAC, so these
 * bytes are ours unless the key leaked or the code is wrong; they are
 * parsed with every length checked all the same.
 *
 * The input is copied into an allocation of exactly its size, so ASan
 * sees any read past it. Invariants: what parses is found again by every
 * content hash it names (a work's one, an opt-out's list), and every
 * string found is NUL-terminated inside the input. */
#include <stdlib.h>
#include <string.h>

#include "manifest/manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static const uint8_t *copy_end;

static void in_input(const char *s, const uint8_t *copy)
{
	if (s && ((const uint8_t *)s < copy ||
		  (const uint8_t *)s + strlen(s) >= copy_end))
		abort();
}

/* Every 32 bytes after a 'w' byte, and every 32-byte window, looked up:
 * where contents may be. Reading each claim's strings makes ASan check
 * them. */
static void lookups(const struct index *ix, const uint8_t *copy, size_t size)
{
	for (size_t i = 0; i + 32 <= size; i++) {
		const struct content_info *ci = index_get(ix, copy + i);
		if (!ci)
			continue;
		if (memcmp(ci->sha256, copy + i, 32))
			abort();
		for (size_t k = 0; k < ci->nclaims; k++) {
			if (!ci->claims[k].id)
				abort();
			in_input(ci->claims[k].id, copy);
			in_input(ci->claims[k].creator, copy);
			in_input(ci->claims[k].license, copy);
			in_input(ci->claims[k].training, copy);
		}
		for (size_t k = 0; k < ci->noptouts; k++) {
			if (!ci->optouts[k].id)
				abort();
			in_input(ci->optouts[k].id, copy);
			in_input(ci->optouts[k].by, copy);
			in_input(ci->optouts[k].reason, copy);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct index *ix = NULL;
	uint8_t *copy = xmalloc(size ? size : 1);

	memcpy(copy, data, size);
	copy_end = copy + size;
	if (index_parse(&ix, copy, size)) {
		if (ix)
			abort();
	} else {
		lookups(ix, copy, size);
		index_free(ix);
	}
	free(copy);
	return 0;
}
