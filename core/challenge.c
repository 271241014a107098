/* Challenges and resolutions: anyone's signed dispute of a record, and
 * anyone's signed verdict on a dispute. Who counts is the reader's call. */
#include <stdlib.h>
#include <string.h>

#include "core.h"

static int digest_cmp(const void *a, const void *b)
{
	const struct file_digest *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (!c)
		c = memcmp(x->sha256, y->sha256, 32);
	if (!c)
		c = (x->size > y->size) - (x->size < y->size);
	return c;
}

json_t *file_digests_json(const struct file_digest *v, size_t n)
{
	struct file_digest *sorted = xcalloc(n ? n : 1, sizeof(*sorted));
	json_t *arr = json_array();
	char hex[65];

	/* Sorted, so the same files always give the same bytes and id. */
	if (n)
		memcpy(sorted, v, n * sizeof(*v));
	qsort(sorted, n, sizeof(*sorted), digest_cmp);
	for (size_t i = 0; i < n; i++) {
		hex_encode(hex, sorted[i].sha256, 32);
		json_array_append_new(
			arr, json_pack("{s:s, s:s, s:I}", "name",
				       sorted[i].name, "sha256", hex, "size",
				       (json_int_t)sorted[i].size));
	}
	free(sorted);
	return arr;
}

int file_digests_unique(const struct file_digest *v, size_t n, const char *what)
{
	for (size_t i = 0; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			if (!strcmp(v[i].name, v[j].name))
				return prov_error_set(
					PROV_EINVALID,
					"two %s files are named '%s'", what,
					v[i].name);
	return 0;
}

int record_id_full(const char *id)
{
	uint8_t d[32];

	return strlen(id) == 71 && !strncmp(id, "sha256:", 7) &&
	       strspn(id + 7, "0123456789abcdef") == 64 &&
	       !sha256_id_parse(d, id);
}

json_t *challenge_payload(const char *by, const char *target,
			  const char *reason,
			  const struct file_digest *evidence, size_t n,
			  int64_t created)
{
	char when[32];

	time_rfc3339(when, created);
	return json_pack("{s:s, s:s, s:s, s:s, s:o, s:s}", "kind", "challenge",
			 "by", by, "target", target, "reason", reason,
			 "evidence", file_digests_json(evidence, n), "created",
			 when);
}

json_t *resolution_payload(const char *by, const char *challenge, int upheld,
			   const char *reason, int64_t created)
{
	char when[32];

	time_rfc3339(when, created);
	return json_pack("{s:s, s:s, s:s, s:s, s:s, s:s}", "kind", "resolution",
			 "by", by, "challenge", challenge, "outcome",
			 upheld ? "upheld" : "dismissed", "reason", reason,
			 "created", when);
}
