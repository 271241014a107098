/* dsse_parse and dsse_verify on arbitrary bytes. */
#include <stdlib.h>

#include "core/core.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int inited;
	struct dsse env;

	if (!inited++ && core_init())
		abort();
	if (dsse_parse(&env, (const char *)data, size))
		return 0;
	dsse_verify(&env);
	dsse_release(&env);
	return 0;
}
