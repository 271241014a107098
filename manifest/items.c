/* Item lists: the JSON Lines blobs beside a dataset record. One parser for
 * every reader (show, prove, diff, check, attribution, export), taking a
 * pointer and a length, since a pulled registry can hold any bytes. */
#include <string.h>

#include "manifest/manifest.h"

static int line_ok(const json_t *o, int included)
{
	const char *path = json_string_value(json_object_get(o, "path"));
	const char *sha = json_string_value(json_object_get(o, "sha256"));

	if (!json_is_object(o) || !path)
		return 0;
	if (!included) /* an unreadable file has no digest */
		return json_is_string(json_object_get(o, "reason")) && sha &&
		       (!*sha || (strlen(sha) == 64 &&
				  strspn(sha, "0123456789abcdef") == 64));
	return sha && strlen(sha) == 64 &&
	       strspn(sha, "0123456789abcdef") == 64 &&
	       json_is_integer(json_object_get(o, "size"));
}

int manifest_lines_each(const char *blob, size_t n, int included,
			manifest_line_fn fn, void *payload)
{
	size_t at = 0, i = 0;
	int rc = 0;

	while (at < n && !rc) {
		const char *line = blob + at, *end = memchr(line, '\n', n - at);
		size_t len = end ? (size_t)(end - line) : n - at;
		json_t *o = NULL;

		at += len + (end != NULL);
		if (!len)
			continue;
		if (json_parse(&o, line, len, "item") || !line_ok(o, included)) {
			json_decref(o);
			return prov_error_set(PROV_EINVALID,
					      "line %zu of the %s list is malformed",
					      i + 1, included ? "item" : "excluded");
		}
		rc = fn(o, i++, payload);
		json_decref(o);
	}
	return rc;
}

static int collect(const json_t *item, size_t i, void *payload)
{
	json_array_append((json_t *)payload, (json_t *)item);
	return 0;
}

int manifest_lines_parse(json_t **out, const char *blob, size_t n, int included)
{
	json_t *a = json_array();
	int rc = manifest_lines_each(blob, n, included, collect, a);

	if (rc) {
		json_decref(a);
		a = NULL;
	}
	*out = a;
	return rc;
}
