/* Fuzzes the JUMBF box parser (c2pa/jumbf.c) over bytes copied into an
 * allocation of exactly their size. Invariants: every box lies inside its
 * parent (or the input), children follow their parent in order, depths
 * stay under the bound; and the first top-level box's children found by
 * label are children. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "c2pa/c2pa.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void check(const struct jumbf *j, size_t parent, size_t n)
{
	const struct jumbf_box *p = &j->v[parent];
	size_t count = 0, at = p->desc_offset + p->desc_size;

	for (size_t c = p->first; c; c = j->v[c].next) {
		const struct jumbf_box *b = &j->v[c];
		if (c <= parent || c >= j->n || b->depth != p->depth + 1 ||
		    b->offset != at || b->size < b->header ||
		    b->offset + b->size > p->offset + p->size)
			abort();
		at += b->size;
		count++;
		if (b->super)
			check(j, c, n);
	}
	if (count != p->nchild || (p->super && at != p->offset + p->size))
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int initialised;
	struct jumbf j;
	uint8_t *p;

	if (!initialised++ && core_init())
		abort();
	p = xmalloc(size ? size : 1);
	memcpy(p, data, size);
	if (jumbf_parse(&j, p, size) == 0) {
		size_t end = 0;
		for (size_t i = 0; i < j.n; i = j.v[i].next) {
			if (j.v[i].offset != end || j.v[i].depth)
				abort();
			end += j.v[i].size;
			if (j.v[i].super) {
				check(&j, i, size);
				size_t c = jumbf_child(&j, i, "c2pa");
				if (c && j.v[c].depth != 1)
					abort();
			}
			if (!j.v[i].next)
				break;
		}
		if (end != size || j.n > JUMBF_BOXES_MAX)
			abort();
	} else {
		prov_error_clear();
	}
	jumbf_release(&j);
	free(p);
	return 0;
}
