/* minisign_verify_file with arbitrary signature bytes, over a fixed file
 * and key (the seed below; tests/fuzz/corpus/minisign_sig holds signatures
 * made with it). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <sodium.h>

#include "core/core.h"

#define FUZZ_SEED "prov fuzz seed, not a secret...!"
#define FUZZ_FILE "prov fuzz\n"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static char path[64];
static uint8_t pk[32], keyid[8];

static void remove_file(void)
{
	unlink(path);
}

static void setup(void)
{
	uint8_t sk[64], h[32];

	if (core_init())
		abort();
	crypto_sign_seed_keypair(pk, sk, (const uint8_t *)FUZZ_SEED);
	sodium_memzero(sk, sizeof(sk));
	crypto_generichash(h, sizeof(h), pk, sizeof(pk), NULL, 0);
	memcpy(keyid, h, 8);
	/* One file per process: libFuzzer may run several workers. */
	snprintf(path, sizeof(path), "/tmp/prov-fuzz-minisign-%ld.txt",
		 (long)getpid());
	if (write_file_atomic(path, FUZZ_FILE, strlen(FUZZ_FILE), 0600, 0))
		abort();
	atexit(remove_file);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int inited;
	char *tc = (char *)1;
	int rc;

	if (!inited++)
		setup();
	rc = minisign_verify_file((const char *)data, size, keyid, pk, path,
				  &tc);
	if (rc == 0 && (!tc || strchr(tc, '\n')))
		abort();
	if (rc != 0 && tc)
		abort();
	free(tc);
	return 0;
}
