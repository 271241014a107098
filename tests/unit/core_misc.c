/* parallel_for and parallel_for_io: every index exactly once, whatever n
 * is against the thread count, the batch size and the number of parts
 * parallel_for_io hands indices out from. */
#include <stdatomic.h>
#include <stdlib.h>

#include "unit.h"

struct count {
	atomic_uint *seen;
};

static void mark(size_t i, void *payload)
{
	struct count *c = payload;

	atomic_fetch_add(&c->seen[i], 1);
}

static int each_once(void (*pfor)(size_t, void (*)(size_t, void *), void *),
		     size_t n)
{
	struct count c = {.seen = xcalloc(n ? n : 1, sizeof(atomic_uint))};
	int ok = 1;

	pfor(n, mark, &c);
	for (size_t i = 0; i < n; i++)
		if (atomic_load(&c.seen[i]) != 1) {
			fprintf(stderr, "n %zu: index %zu seen %u times\n", n,
				i, atomic_load(&c.seen[i]));
			ok = 0;
			break;
		}
	free(c.seen);
	return ok;
}

static const size_t sizes[] = {0,  1,	 2,    15,   16,   17,	 63,	64,
			       65, 1000, 1023, 1024, 1025, 4097, 65537, 200003};

static void every_index_once(void)
{
	for (size_t k = 0; k < sizeof(sizes) / sizeof(*sizes); k++) {
		CHECK(each_once(parallel_for, sizes[k]));
		CHECK(each_once(parallel_for_io, sizes[k]));
	}
}

int main(void)
{
	RUN(every_index_once);
	return unit_done();
}
