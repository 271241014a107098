/* bench/sha256: hashes one file with prov's own sha256_file (OpenSSL EVP,
 * the code path `prov register` uses) and prints the digest and the rate.
 *
 *   sha256 FILE        ->  "<hex>  FILE" on stdout, "N bytes in T s: R GB/s"
 *                          on stderr (GB = 10^9 bytes)
 *
 * Built and run by bench/run.sh; not part of the prov binary. */
#include "core/core.h"

#include <stdio.h>
#include <time.h>

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s FILE\n", argv[0]);
		return 2;
	}
	if (core_init() != 0) {
		fprintf(stderr, "sha256: core_init failed\n");
		return 2;
	}
	uint8_t digest[32];
	uint64_t size = 0;
	double t0 = now();
	if (sha256_file(digest, &size, argv[1]) != 0) {
		fprintf(stderr, "sha256: cannot hash %s\n", argv[1]);
		return 1;
	}
	double t = now() - t0;
	for (int i = 0; i < 32; i++)
		printf("%02x", digest[i]);
	printf("  %s\n", argv[1]);
	fprintf(stderr, "%llu bytes in %.3f s: %.2f GB/s\n",
		(unsigned long long)size, t, t > 0 ? (double)size / t / 1e9 : 0.0);
	return 0;
}
