/* record_parse on arbitrary bytes; what parses is also verified and given a
 * store path, as the store does with records pulled from a remote. */
#include <stdlib.h>

#include "core/core.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int inited;
	struct record *r = NULL;
	struct buf path = BUF_INIT;

	if (!inited++ && core_init())
		abort();
	if (record_parse(&r, (const char *)data, size))
		return 0;
	record_verify(r);
	if (record_path(&path, r) == 0 && record_path_check(r, path.ptr))
		abort();
	buf_release(&path);
	record_free(r);
	return 0;
}
