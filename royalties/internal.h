/* Helpers shared by royalties/alloc.c and royalties/batch.c; not part of
 * the module's interface. */
#ifndef PROV_ROYALTIES_INTERNAL_H
#define PROV_ROYALTIES_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

/* Whether element a comes before element b in a strict total order (no two
 * elements tie). */
typedef int (*royalties_before_fn)(uint32_t a, uint32_t b, const void *ctx);

/* Reorders v[0..n) so that its first k elements are the k first in the
 * order, in no particular order among themselves. Expected O(n). */
void royalties_select(uint32_t *v, size_t n, size_t k,
		      royalties_before_fn before, const void *ctx);

#endif
