/* Fuzzes the JPEG segment walker and the C2PA store in APP11 segments
 * (c2pa/jpeg.c): reading a store, parsing it as JUMBF, removing it and
 * inserting a small one. The input is copied into an allocation of exactly
 * its size, so ASan sees any read past the end. Invariants: an inserted
 * store reads back as the bytes inserted, and the file outside the
 * exclusion is the file with the old store removed. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "c2pa/c2pa.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void store(const uint8_t *p, size_t n)
{
	struct jpeg_segments s;
	struct jpeg_c2pa c = {BUF_INIT, NULL, 0, 0};
	struct jumbf j;

	if (jpeg_segments_parse(&s, p, n) == 0 &&
	    jpeg_c2pa_read(&c, &s, p, n) == 0) {
		if (!c.nseg || c.jumbf.len > n)
			abort();
		jumbf_parse(&j, (const uint8_t *)c.jumbf.ptr, c.jumbf.len);
		jumbf_release(&j);
	}
	jpeg_c2pa_release(&c);
	jpeg_segments_release(&s);
	prov_error_clear();
}

static void rewrite(const uint8_t *p, size_t n)
{
	struct buf bare = BUF_INIT, out = BUF_INIT, small = BUF_INIT;
	struct c2pa_exclusion ex;
	struct jpeg_segments s;
	struct jpeg_c2pa c;
	uint8_t uuid[16];
	size_t mark;

	jumbf_uuid(uuid, "c2pa");
	if (jumbf_super_begin(&small, &mark, uuid, "c2pa") ||
	    jumbf_put_box(&small, "json", "{}", 2) ||
	    jumbf_super_end(&small, mark))
		abort();
	if (jpeg_c2pa_write(&bare, NULL, p, n, NULL, 0))
		goto done;
	if (jpeg_c2pa_write(&out, &ex, p, n, (uint8_t *)small.ptr, small.len))
		abort(); /* removing worked, so inserting must */
	if (out.len != bare.len + ex.length ||
	    memcmp(out.ptr, bare.ptr, ex.start) ||
	    memcmp(out.ptr + ex.start + ex.length, bare.ptr + ex.start,
		   bare.len - ex.start))
		abort();
	if (jpeg_segments_parse(&s, (uint8_t *)out.ptr, out.len) ||
	    jpeg_c2pa_read(&c, &s, (uint8_t *)out.ptr, out.len) ||
	    c.jumbf.len != small.len ||
	    memcmp(c.jumbf.ptr, small.ptr, small.len))
		abort();
	jpeg_c2pa_release(&c);
	jpeg_segments_release(&s);
done:
	prov_error_clear();
	buf_release(&bare);
	buf_release(&out);
	buf_release(&small);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int initialised;
	uint8_t *p;

	if (!initialised++ && core_init())
		abort();
	p = xmalloc(size ? size : 1);
	memcpy(p, data, size);
	store(p, size);
	rewrite(p, size);
	free(p);
	return 0;
}
