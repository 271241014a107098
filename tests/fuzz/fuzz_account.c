/* Fuzzes account_parse: no crash or undefined behaviour on any input, and
 * an account's normalised text parses back to the same account. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int initialised;
	struct account a, b;
	char *s;

	if (!initialised++ && core_init())
		abort();
	s = xmalloc(size + 1);
	memcpy(s, data, size);
	s[size] = '\0';

	if (account_parse(&a, s) == 0) {
		if (account_parse(&b, a.text) != 0)
			abort();
		if (strcmp(a.text, b.text) != 0 || a.chain_id != b.chain_id ||
		    memcmp(a.addr, b.addr, sizeof(a.addr)) != 0)
			abort();
		/* the text is what address_checksum gives after the chain */
		char cs[43];
		address_checksum(cs, a.addr);
		size_t n = strlen(a.text);
		if (n < 42 || strcmp(a.text + n - 42, cs) != 0)
			abort();
	}
	free(s);
	return 0;
}
