/* Custom licenses: LicenseRef- ids whose terms a signed `license` record
 * states, for what the SPDX list and prov's table do not cover.
 *
 * The payload:
 *   {"kind": "license", "id": "LicenseRef-...", "name": ..., "url": ...?,
 *    "text_sha256": <64 hex>?, "note": ...?,
 *    "attributes": {"commercial": bool, "derivatives": bool,
 *                   "share_alike": <family> | null, "attribution": bool,
 *                   "use_restrictions": bool},
 *    "by": <did:key of the signer>, "created": <RFC 3339>}
 *
 * Records come from other registries, so every field is checked, and an
 * unknown field or attribute is refused rather than ignored: a term prov
 * does not understand could be one that forbids the use. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "license.h"

#define NAME_MAX_  200
#define NOTE_MAX   500
#define URL_MAX	   2048
#define FAMILY_MAX 64
#define FILE_MAX   (1u << 20)

static const char *const attribute_names[] = {
	"commercial",  "derivatives",	   "share_alike",
	"attribution", "use_restrictions",
};

static int idchars(const char *s)
{
	return *s &&
	       strspn(s, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
			 "0123456789-.") == strlen(s);
}

/* A one-line text field: present (unless optional), a string, no control
 * characters, at most max bytes. */
static int text_field(const char **out, const json_t *o, const char *field,
		      size_t max, int optional)
{
	const json_t *v = json_object_get(o, field);
	const char *s;

	*out = NULL;
	if (!v && optional)
		return 0;
	if (!json_is_string(v))
		return prov_error_set(PROV_EINVALID, "\"%s\" must be a string",
				      field);
	s = json_string_value(v);
	if (!*s || strlen(s) > max)
		return prov_error_set(PROV_EINVALID,
				      "\"%s\" must be 1 to %zu bytes", field,
				      max);
	for (const unsigned char *c = (const unsigned char *)s; *c; c++)
		if (*c < 0x20 || *c == 0x7f)
			return prov_error_set(
				PROV_EINVALID,
				"\"%s\" holds a control character", field);
	*out = s;
	return 0;
}

static int check_id(const char *id)
{
	char show[SHOW_SIZE];
	const char *canonical;

	if (strncmp(id, "LicenseRef-", 11)) {
		if (license_id_known(id, &canonical))
			return prov_error_set(
				PROV_EINVALID,
				"'%s' is an SPDX license id: a custom "
				"license's id starts with LicenseRef-",
				canonical);
		return prov_error_set(PROV_EINVALID,
				      "'%s' is not a custom license id: it "
				      "must start with LicenseRef-",
				      prov_show(show, id, strlen(id)));
	}
	if (strlen(id) > LICENSE_REF_MAX || !idchars(id + 11))
		return prov_error_set(
			PROV_EINVALID,
			"'%s' is not a valid id: LicenseRef- then up to %d "
			"letters, digits, '-' or '.'",
			prov_show(show, id, strlen(id)), LICENSE_REF_MAX - 11);
	return 0;
}

/* Only the named keys, each at most once (json_parse refuses duplicates). */
static int only_keys(const json_t *o, const char *const *keys, size_t n,
		     const char *where)
{
	const char *k;
	json_t *v;
	char show[SHOW_SIZE];

	json_object_foreach((json_t *)o, k, v) {
		size_t i;
		for (i = 0; i < n && strcmp(k, keys[i]); i++)
			;
		if (i == n)
			return prov_error_set(
				PROV_EINVALID, "unknown field '%s'%s",
				prov_show(show, k, strlen(k)), where);
	}
	return 0;
}

static int check_attributes(unsigned *flags, const char **family,
			    const json_t *a)
{
	const json_t *sa;
	int rc;

	*flags = 0;
	*family = NULL;
	if (!json_is_object(a))
		return prov_error_set(PROV_EINVALID,
				      "\"attributes\" must be an object with "
				      "commercial, derivatives, share_alike, "
				      "attribution and use_restrictions");
	if ((rc = only_keys(a, attribute_names, 5, " in \"attributes\"")))
		return rc;
	for (size_t i = 0; i < 5; i++) {
		const json_t *v = json_object_get(a, attribute_names[i]);
		static const unsigned bits[] = {
			LICENSE_COMMERCIAL,  LICENSE_DERIVATIVES,      0,
			LICENSE_ATTRIBUTION, LICENSE_USE_RESTRICTIONS,
		};
		if (i == 2)
			continue;
		if (!json_is_boolean(v))
			return prov_error_set(
				PROV_EINVALID,
				"attribute \"%s\" must be true or false",
				attribute_names[i]);
		if (json_is_true(v))
			*flags |= bits[i];
	}
	sa = json_object_get(a, "share_alike");
	if (!sa)
		return prov_error_set(PROV_EINVALID,
				      "attribute \"share_alike\" is missing: a "
				      "family name, or null");
	if (!json_is_null(sa)) {
		const char *f = json_string_value(sa);
		if (!f || !idchars(f) || strlen(f) > FAMILY_MAX)
			return prov_error_set(PROV_EINVALID,
					      "attribute \"share_alike\" must "
					      "be null or a family name (up to "
					      "%d letters, digits, '-' or '.')",
					      FAMILY_MAX);
		*flags |= LICENSE_SHARE_ALIKE;
		*family = f;
	}
	if ((*flags & (LICENSE_COMMERCIAL | LICENSE_DERIVATIVES)) ==
		    (LICENSE_COMMERCIAL | LICENSE_DERIVATIVES) &&
	    !(*flags & (LICENSE_SHARE_ALIKE | LICENSE_ATTRIBUTION |
			LICENSE_USE_RESTRICTIONS)))
		*flags |= LICENSE_NO_CONDITIONS;
	return 0;
}

/* The fields a license file and a payload share. */
static int check_terms(struct license_info *out, const json_t *o)
{
	const char *tsha = NULL, *family;
	int rc;

	memset(out, 0, sizeof(*out));
	if ((rc = text_field(&out->id, o, "id", LICENSE_REF_MAX, 0)) ||
	    (rc = check_id(out->id)) ||
	    (rc = text_field(&out->name, o, "name", NAME_MAX_, 0)) ||
	    (rc = text_field(&out->url, o, "url", URL_MAX, 1)) ||
	    (rc = text_field(&out->note, o, "note", NOTE_MAX, 1)) ||
	    (rc = text_field(&tsha, o, "text_sha256", 64, 1)))
		return rc;
	if (out->url && strncmp(out->url, "https://", 8) &&
	    strncmp(out->url, "http://", 7))
		return prov_error_set(
			PROV_EINVALID,
			"\"url\" must start with https:// or http://");
	if (tsha &&
	    (strlen(tsha) != 64 || strspn(tsha, "0123456789abcdef") != 64))
		return prov_error_set(
			PROV_EINVALID,
			"\"text_sha256\" must be 64 lowercase hex digits");
	if (license_table_find(out->id))
		return prov_error_set(
			PROV_EINVALID,
			"'%s' is in prov's built-in table: choose another id",
			out->id);
	if ((rc = check_attributes(&out->flags, &family,
				   json_object_get(o, "attributes"))))
		return rc;
	out->share_alike = family;
	return 0;
}

int license_payload_build(json_t **out, const char *data, size_t n,
			  const char *what, const char *by, int64_t created)
{
	static const char *const keys[] = {"id",	  "name", "url",
					   "text_sha256", "note", "attributes"};
	struct license_info info;
	json_t *in = NULL, *p = NULL;
	char when[32], *quoted = NULL;
	int rc;

	*out = NULL;
	if (n > FILE_MAX) {
		rc = prov_error_set(PROV_EINVALID,
				    "'%s' is larger than %u bytes", what,
				    FILE_MAX);
		goto done;
	}
	quoted = xasprintf("'%s'", what);
	if ((rc = json_parse(&in, data, n, quoted)))
		goto done;
	if (!json_is_object(in)) {
		rc = prov_error_set(PROV_EINVALID,
				    "'%s': a custom license is a JSON object",
				    what);
		goto done;
	}
	if ((rc = only_keys(in, keys, 6,
			    " (expected id, name, url, text_sha256, note, "
			    "attributes)")) ||
	    (rc = check_terms(&info, in))) {
		prov_error_wrap("'%s'", what);
		goto done;
	}
	p = json_deep_copy(in);
	time_rfc3339(when, created);
	json_object_set_new(p, "kind", json_string("license"));
	json_object_set_new(p, "by", json_string(by));
	json_object_set_new(p, "created", json_string(when));
	*out = p;
done:
	json_decref(in);
	free(quoted);
	return rc;
}

int license_payload_parse(struct license_info *out, const json_t *payload)
{
	static const char *const keys[] = {
		"kind", "id",	      "name", "url",	"text_sha256",
		"note", "attributes", "by",   "created"};
	const char *kind, *by, *created;
	int rc;

	memset(out, 0, sizeof(*out));
	if (!json_is_object(payload))
		return prov_error_set(PROV_EINVALID,
				      "a license payload is an object");
	kind = json_string_value(json_object_get(payload, "kind"));
	if (!kind || strcmp(kind, "license"))
		return prov_error_set(PROV_EINVALID, "not a license record");
	if ((rc = only_keys(payload, keys, 9, "")) ||
	    (rc = check_terms(out, payload)) ||
	    (rc = text_field(&by, payload, "by", DID_MAX, 0)) ||
	    (rc = text_field(&created, payload, "created", 32, 0)))
		return rc;
	return 0;
}

/* ---- definitions from a registry ---------------------------------------- */

void license_defs_init(struct license_defs *d)
{
	memset(d, 0, sizeof(*d));
}

void license_defs_release(struct license_defs *d)
{
	for (size_t i = 0; i < d->n; i++) {
		json_decref(d->v[i].payload);
		free(d->v[i].source);
		license_strings_release(&d->v[i].ignored);
	}
	free(d->v);
	license_strings_release(&d->skipped);
	license_defs_init(d);
}

const struct license_def *license_defs_find(const struct license_defs *d,
					    const char *id)
{
	for (size_t i = 0; i < d->n; i++)
		if (!strcasecmp(d->v[i].info.id, id))
			return &d->v[i];
	return NULL;
}

/* Two payloads with the same terms: all but the time. */
static int same_terms(const json_t *a, const json_t *b)
{
	json_t *x = json_deep_copy(a), *y = json_deep_copy(b);
	int same;

	json_object_del(x, "created");
	json_object_del(y, "created");
	same = json_equal(x, y);
	json_decref(x);
	json_decref(y);
	return same;
}

static void skip(struct license_defs *d, const char *path)
{
	struct buf b = BUF_INIT;

	buf_printf(&b, "%s: %s", path ? path : "license record",
		   prov_error_last());
	license_strings_push(&d->skipped, b.ptr);
	buf_release(&b);
	prov_error_clear();
}

int license_defs_add(struct license_defs *d, const struct record *r,
		     const char *path)
{
	struct license_info info;
	struct license_def *def;
	const char *by;
	size_t i;

	if (strcmp(r->kind, "license")) {
		prov_error_set(PROV_EINVALID,
			       "record %s is a %s record, not a license", r->id,
			       r->kind);
		skip(d, path);
		return 0;
	}
	if (record_verify(r) || license_payload_parse(&info, r->payload)) {
		skip(d, path);
		return 0;
	}
	/* core checks the actor of some kinds; a license's is its "by" */
	by = json_string_value(json_object_get(r->payload, "by"));
	for (i = 0; i < r->env.nsigs && strcmp(r->env.sigs[i].keyid, by); i++)
		;
	if (i == r->env.nsigs) {
		prov_error_set(PROV_EVERIFY,
			       "record %s: its by '%s' did not sign it", r->id,
			       by);
		skip(d, path);
		return 0;
	}
	for (i = 0; i < d->n; i++) {
		def = &d->v[i];
		if (strcasecmp(def->info.id, info.id))
			continue;
		if (!strcmp(def->by, by) &&
		    same_terms(def->payload, r->payload))
			return 0; /* the same definition again */
		struct buf b = BUF_INIT;
		buf_printf(&b, "record %s signed by %s", r->id, by);
		license_strings_add(&def->ignored, b.ptr);
		buf_release(&b);
		return 0;
	}
	d->v = xrealloc(d->v, (d->n + 1) * sizeof(*d->v));
	def = &d->v[d->n++];
	memset(def, 0, sizeof(*def));
	def->payload = json_incref(r->payload);
	/* parse again: info's strings must point into the payload we keep */
	license_payload_parse(&def->info, def->payload);
	memcpy(def->record_id, r->id, sizeof(def->record_id));
	def->by = json_string_value(json_object_get(def->payload, "by"));
	def->source = xasprintf("record %s signed by %s", r->id, def->by);
	def->info.source = def->source;
	return 0;
}

int license_defs_walk(const char *path, const void *data, size_t n, void *defs)
{
	struct license_defs *d = defs;
	struct record *r = NULL;
	int rc;

	if (record_parse(&r, data, n)) {
		skip(d, path);
		return 0;
	}
	rc = license_defs_add(d, r, path);
	record_free(r);
	return rc;
}

int license_defs_resolve(struct license_info *out, const char *id, void *defs)
{
	const struct license_def *def = license_defs_find(defs, id);

	if (!def)
		return 0;
	*out = def->info;
	return 1;
}
