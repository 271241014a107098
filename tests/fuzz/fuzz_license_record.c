/* Fuzzes the custom-license parsers: license record payloads as they come
 * from other registries (record_parse, license_payload_parse,
 * license_defs_walk/_add), and custom license files (license_payload_build).
 *
 * The input is up to four parts separated by "\n\f\n". A part that parses
 * as a record goes through license_defs_walk, as `prov license` and
 * `prov manifest build` load records/license; its payload is also checked
 * directly, since a mutated record fails its signature before the payload
 * checks run. Any other part is tried as a bare payload and as a license
 * file. Invariants: a payload license_payload_build makes parses, a
 * definition that was added can be found and evaluated, and a record added
 * twice is one definition. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "license/license.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define SEP	  "\n\f\n"
#define PARTS_MAX 4
/* a did:key the built payloads name; only its form matters here */
#define BY "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK"

static void one_part(struct license_defs *d, const char *p, size_t n)
{
	struct license_info info;
	struct record *r = NULL;
	json_t *payload = NULL, *built = NULL;
	size_t before;

	if (record_parse(&r, p, n) == 0) {
		license_payload_parse(&info, r->payload);
		license_defs_walk("fuzz", p, n, d);
		/* the same record again must not add a second definition */
		before = d->n;
		license_defs_add(d, r, "fuzz-again");
		if (d->n != before)
			abort();
		record_free(r);
	} else if (json_parse(&payload, p, n, "fuzz") == 0) {
		if (license_payload_parse(&info, payload) == 0 &&
		    (!info.id || !info.name))
			abort();
		json_decref(payload);
	}
	prov_error_clear();
	if (license_payload_build(&built, p, n, "fuzz", BY, 1700000000) == 0) {
		if (!built || license_payload_parse(&info, built) != 0)
			abort();
		json_decref(built);
	} else if (built) {
		abort();
	}
	prov_error_clear();
}

static const char *find_sep(const char *s, const char *end)
{
	for (; end - s >= 3; s++)
		if (!memcmp(s, SEP, 3))
			return s;
	return NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int initialised;
	const char *s = (const char *)data, *end = s + size;
	struct license_defs d;
	struct license_query q;
	struct license_verdict v;

	if (!initialised++ && core_init())
		abort();
	license_defs_init(&d);
	for (int i = 0; i < PARTS_MAX && s <= end; i++) {
		const char *sep = find_sep(s, end);
		size_t n = sep ? (size_t)(sep - s) : (size_t)(end - s);
		one_part(&d, s, n);
		if (!sep)
			break;
		s = sep + 3;
	}
	for (size_t i = 0; i < d.n; i++) {
		if (license_defs_find(&d, d.v[i].info.id) != &d.v[i])
			abort();
		memset(&q, 0, sizeof(q));
		q.purpose = LICENSE_PURPOSE_COMMERCIAL;
		q.uses = 1;
		q.distribute_weights = 1;
		q.resolve = license_defs_resolve;
		q.resolve_payload = &d;
		license_eval(&v, d.v[i].info.id, &q);
		json_decref(license_verdict_json(&v));
		license_verdict_release(&v);
		prov_error_clear();
	}
	license_defs_release(&d);
	return 0;
}
