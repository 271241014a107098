/* parallel_for and parallel_for_io: every index exactly once, whatever n
 * is against the thread count, the batch size and the number of parts
 * parallel_for_io hands indices out from. RFC 3339 times: values from
 * `date -u -d ... +%s`, and what is refused. */
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

static void rfc3339(void)
{
	static const char *const bad[] = {
		"", "2026-11-20", "2026-11-20T08:00:00", "2026-11-20 08:00:00Z",
		"2026-13-01T00:00:00Z", "2026-02-29T00:00:00Z",
		"2026-11-31T00:00:00Z", "2026-11-20T24:00:00Z",
		"2026-11-20T08:60:00Z", "2026-11-20T08:00:61Z",
		"2026-11-20T08:00:00.Z", "2026-11-20T08:00:00+0100",
		"2026-11-20T08:00:00+24:00", "2026-11-20T08:00:00Zjunk",
		"20261120T080000Z", "+026-11-20T08:00:00Z", "2026-1a-20T08:00:00Z",
	};
	int64_t t;
	char back[32];

	CHECK(time_parse_rfc3339(&t, "2026-11-20T08:00:00Z") == 0);
	CHECK(t == 1795161600);
	time_rfc3339(back, t);
	CHECK_STR(back, "2026-11-20T08:00:00Z");
	CHECK(time_parse_rfc3339(&t, "1970-01-01T00:00:00Z") == 0 && t == 0);
	CHECK(time_parse_rfc3339(&t, "2024-02-29t23:59:59.999z") == 0);
	CHECK(t == 1709251199);
	CHECK(time_parse_rfc3339(&t, "2026-11-20T10:30:00+02:30") == 0);
	CHECK(t == 1795161600);
	CHECK(time_parse_rfc3339(&t, "2026-11-20T05:00:00-03:00") == 0);
	CHECK(t == 1795161600);
	CHECK(time_parse_rfc3339(&t, "2000-02-29T00:00:00Z") == 0);
	CHECK(t == 951782400);
	/* before the epoch, and a year of fewer than four digits */
	CHECK(time_parse_rfc3339(&t, "0999-12-31T23:59:59Z") == 0);
	CHECK(t == -30610224001);
	time_rfc3339(back, t);
	CHECK_STR(back, "0999-12-31T23:59:59Z");
	for (size_t i = 0; i < sizeof(bad) / sizeof(*bad); i++) {
		CHECK(time_parse_rfc3339(&t, bad[i]) == PROV_EINVALID);
		CHECK(strstr(prov_error_last(), "RFC 3339") != NULL);
	}
}

int main(void)
{
	RUN(every_index_once);
	RUN(rfc3339);
	return unit_done();
}
