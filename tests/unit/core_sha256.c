/* File hashing at the sizes where hash_fd changes buffers: small files are
 * read into a stack buffer, larger ones stream through a heap one. */
#include <stdlib.h>
#include <sys/stat.h>

#include "unit.h"

static void sizes_around_the_buffers(void)
{
	static const size_t sizes[] = {
		0,     1,      1024,	       65535,	       65536,
		65537, 131072, (1u << 20) + 3, (3u << 20) + 17};
	char *file = xasprintf("%s/f", unit_tmpdir());
	uint8_t *data = xmalloc((3u << 20) + 17);

	for (size_t i = 0; i < (3u << 20) + 17; i++)
		data[i] = (uint8_t)(i * 2654435761u >> 13);
	for (size_t k = 0; k < sizeof(sizes) / sizeof(*sizes); k++) {
		uint8_t want[32], got[32], checked[32];
		uint64_t size = 0, count = 5;
		struct stat st;
		FILE *f = fopen(file, "wb");
		CHECK(f && fwrite(data, 1, sizes[k], f) == sizes[k] &&
		      !fclose(f));
		CHECK(sha256_buf(want, data, sizes[k]) == 0);
		CHECK(sha256_file(got, &size, file) == 0);
		CHECK(size == sizes[k] && !memcmp(got, want, 32));
		CHECK(stat(file, &st) == 0);
		CHECK(sha256_file_checked(checked, file, &st, 0) == 0);
		CHECK(!memcmp(checked, want, 32));
		/* the count adds what was read to what it held */
		CHECK(sha256_file_counted(checked, file, &st, 0, &count) == 0);
		CHECK(!memcmp(checked, want, 32) && count == 5 + sizes[k]);
	}
	free(data);
	free(file);
}

int main(void)
{
	RUN(sizes_around_the_buffers);
	return unit_done();
}
