/* statcache_parse on arbitrary bytes (a stat cache file is untrusted: any
 * process that can write .prov/ can write it). A cache it rejects must be
 * empty; one it accepts must format to bytes that parse again and format
 * the same (the format is a fixed point). */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "core/core.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int inited;
	struct statcache *c = NULL, *again = NULL;
	struct buf a = BUF_INIT, b = BUF_INIT;
	struct stat st;
	uint8_t digest[32];
	int rc;

	if (!inited++ && core_init())
		abort();
	memset(&st, 0, sizeof(st));
	memset(digest, 0, sizeof(digest));
	rc = statcache_parse(&c, data, size);
	statcache_format(&a, c, 1);
	if (rc) {
		/* nothing of it trusted: a header and no entry */
		if (rc != PROV_EINVALID ||
		    strcmp(a.ptr, "prov-statcache 1 1\n"))
			abort();
		goto done;
	}
	/* lookups of a path the cache may hold, before and after it is set */
	statcache_get(c, "/fuzz", &st, digest);
	statcache_set(c, "/fuzz", &st, digest);
	statcache_get(c, "/fuzz", &st, digest);
	if (statcache_parse(&again, a.ptr, a.len))
		abort();
	statcache_format(&b, again, 1);
	if (a.len != b.len || memcmp(a.ptr, b.ptr, a.len))
		abort();
done:
	statcache_free(c);
	statcache_free(again);
	buf_release(&a);
	buf_release(&b);
	return 0;
}
