/* minisign_pubkey_parse on arbitrary bytes; a key it accepts must format
 * and parse back to itself. */
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int inited;
	struct key k;
	struct buf text = BUF_INIT;
	uint8_t keyid[8], pk[32];

	if (!inited++ && core_init())
		abort();
	if (minisign_pubkey_parse(keyid, pk, (const char *)data, size))
		return 0;
	memset(&k, 0, sizeof(k));
	memcpy(k.keyid, keyid, 8);
	memcpy(k.pk, pk, 32);
	if (minisign_pubkey_format(&text, &k) ||
	    minisign_pubkey_parse(keyid, pk, text.ptr, text.len) ||
	    memcmp(keyid, k.keyid, 8) || memcmp(pk, k.pk, 32))
		abort();
	buf_release(&text);
	return 0;
}
