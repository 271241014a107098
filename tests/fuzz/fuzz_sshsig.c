/* sshsig_verify on arbitrary armored text, namespace "git", over a fixed
 * message. */
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

#define FUZZ_MESSAGE "prov fuzz\n"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int inited;
	uint8_t pk[32];

	if (!inited++ && core_init())
		abort();
	sshsig_verify(pk, (const char *)data, size, "git", FUZZ_MESSAGE,
		      strlen(FUZZ_MESSAGE));
	return 0;
}
