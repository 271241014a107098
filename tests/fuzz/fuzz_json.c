/* json_parse and jcs_encode on arbitrary bytes. Canonical output must be a
 * fixed point: parsing it and encoding again gives the same bytes. */
#include <stdlib.h>
#include <string.h>

#include "core/core.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int inited;
	struct buf a = BUF_INIT, b = BUF_INIT;
	json_t *v = NULL, *w = NULL;

	if (!inited++ && core_init())
		abort();
	if (json_parse(&v, (const char *)data, size, "fuzz"))
		return 0;
	if (jcs_encode(&a, v) == 0) {
		if (json_parse(&w, a.ptr, a.len, "canonical") ||
		    jcs_encode(&b, w) || a.len != b.len ||
		    memcmp(a.ptr, b.ptr, a.len))
			abort();
	}
	json_decref(v);
	json_decref(w);
	buf_release(&a);
	buf_release(&b);
	return 0;
}
