/* bench/merkle: builds prov's OpenZeppelin-compatible Merkle tree over the
 * bytes32 values in a file, the way a dataset manifest's tree is built, and
 * reports how long it took.
 *
 *   merkle FILE  ->  {"n": N, "root": "0x..", "ms": T, "leaf_ms": L,
 *                     "build_ms": B, "cpu_ms": C} on stdout
 *
 * FILE holds raw 32-byte values. T = L + B: L hashes the leaves
 * (keccak256(keccak256(value)), on all cores with parallel_for, as a caller
 * of merkle_build would), B is merkle_build (sort, then the internal nodes).
 * C is the process's user + system CPU time over the same span. Reading the
 * file is not timed, as the Node side's reading is not. Built and run by
 * bench/merkle.sh; not part of the prov binary. */
#include "core/core.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <time.h>

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

static double cpu_ms(void)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
}

#define CHUNK 4096
struct job {
	const uint8_t (*values)[32];
	uint8_t (*leaves)[32];
	size_t n;
};

static void hash_chunk(size_t c, void *payload)
{
	struct job *j = payload;
	size_t end = j->n - c * CHUNK > CHUNK ? (c + 1) * CHUNK : j->n;

	for (size_t i = c * CHUNK; i < end; i++)
		merkle_leaf_bytes32(j->leaves[i], j->values[i]);
}

int main(int argc, char **argv)
{
	struct buf data = BUF_INIT;
	struct merkle *m = NULL;
	struct job job;
	double t0, t1, t2, c0, c1;
	char root[65];

	if (argc != 2) {
		fprintf(stderr, "usage: %s FILE\n", argv[0]);
		return 2;
	}
	if (core_init() || buf_read_file(&data, argv[1], 0)) {
		fprintf(stderr, "merkle: %s\n", prov_error_last());
		return 2;
	}
	if (data.len == 0 || data.len % 32) {
		fprintf(stderr,
			"merkle: %s: not a whole number of 32-byte "
			"values\n",
			argv[1]);
		return 2;
	}
	job.values = (const uint8_t(*)[32])data.ptr;
	job.n = data.len / 32;
	job.leaves = xmalloc(data.len);

	c0 = cpu_ms();
	t0 = now_ms();
	parallel_for((job.n + CHUNK - 1) / CHUNK, hash_chunk, &job);
	t1 = now_ms();
	if (merkle_build(&m, (const uint8_t(*)[32])job.leaves, job.n)) {
		fprintf(stderr, "merkle: %s\n", prov_error_last());
		return 1;
	}
	t2 = now_ms();
	c1 = cpu_ms();

	hex_encode(root, m->nodes[0], 32);
	printf("{\"n\": %zu, \"root\": \"0x%s\", \"ms\": %.1f, "
	       "\"leaf_ms\": %.1f, \"build_ms\": %.1f, \"cpu_ms\": %.1f}\n",
	       job.n, root, t2 - t0, t1 - t0, t2 - t1, c1 - c0);
	merkle_free(m);
	free(job.leaves);
	buf_release(&data);
	return 0;
}
