/* Placeholder until the registry loader lands (branch loader). */
#include "indexer/indexer.h"

int load_registry(struct load_stats *out, struct db *d, const char *dir)
{
	memset(out, 0, sizeof(*out));
	return prov_error_set(PROV_EINVALID, "--registry: not built yet");
}
