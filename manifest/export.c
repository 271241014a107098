/* Dataset manifests as Croissant 1.1, SPDX 3.0.1 and CycloneDX 1.6 documents
 * (docs/manifest.md, "Exports"). Record in, document out, written as it is
 * laid out: a dataset can have millions of items, too many to hold as one
 * JSON tree, so the item list is read twice, once to check every line and
 * learn what the document names before its items (their count, their
 * licenses), once to write them. The items blob is already in a fixed
 * order (sha256, then path) and every map written here is sorted, so one
 * manifest always gives the same bytes. */
#include <stdlib.h>
#include <string.h>

#include "manifest/manifest.h"

#define CROISSANT_SPEC "http://mlcommons.org/croissant/1.1"
#define SPDX_CONTEXT "https://spdx.org/rdf/3.0.1/spdx-context.jsonld"

int manifest_format_parse(enum manifest_format *out, const char *s)
{
	static const char *const names[] = { "croissant", "spdx", "cyclonedx" };

	for (size_t i = 0; i < sizeof(names) / sizeof(*names); i++)
		if (!strcmp(s, names[i])) {
			*out = (enum manifest_format)i;
			return 0;
		}
	return prov_error_set(PROV_EINVALID,
			      "'%s' is not an export format (expected croissant, "
			      "spdx or cyclonedx)",
			      s);
}

static const char *str(const json_t *o, const char *key)
{
	return json_string_value(json_object_get(o, key));
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* ---- writing -------------------------------------------------------------- */

/* JSON written as it is produced, laid out byte for byte as
 * json_dumps(JSON_INDENT(2) | JSON_SORT_KEYS) lays out a whole tree, so
 * streaming did not change a byte of any export. Small values (one item's
 * node) are jansson's to encode; the writer adds the indent of where they
 * sit. Output goes to write() in large pieces; the first failure sticks,
 * and every later call does nothing. */
#define JW_INDENT 2
#define JW_CHUNK (64 * 1024)

struct jw {
	manifest_write_fn write;
	void *arg;
	struct buf out;
	int depth; /* containers open */
	int empty; /* the innermost one has no member yet */
	int rc;
};

static void jw_flush(struct jw *w)
{
	if (!w->rc && w->out.len)
		w->rc = w->write(w->out.ptr, w->out.len, w->arg);
	buf_clear(&w->out);
}

static void jw_put(struct jw *w, const char *s, size_t n)
{
	if (w->rc)
		return;
	buf_put(&w->out, s, n);
	if (w->out.len >= JW_CHUNK)
		jw_flush(w);
}

static void jw_newline(struct jw *w, int depth)
{
	jw_put(w, "\n", 1);
	for (int i = 0; i < depth; i++)
		jw_put(w, "  ", JW_INDENT);
}

/* jansson's text of a value, each new line indented to where the value
 * sits. Every raw newline is layout: one inside a string is escaped. */
static int jw_text(const char *s, size_t n, void *data)
{
	struct jw *w = data;
	const char *nl;

	while ((nl = memchr(s, '\n', n))) {
		jw_put(w, s, (size_t)(nl - s));
		jw_newline(w, w->depth);
		n -= (size_t)(nl + 1 - s);
		s = nl + 1;
	}
	jw_put(w, s, n);
	return w->rc ? -1 : 0;
}

static void jw_fail(struct jw *w)
{
	if (!w->rc)
		w->rc = prov_error_set(PROV_ERROR, "could not lay out the export");
}

/* v may be NULL, from a json_pack that failed. */
static void jw_value(struct jw *w, const json_t *v)
{
	if (!v || json_dump_callback(v, jw_text, w,
				     JSON_INDENT(JW_INDENT) | JSON_SORT_KEYS |
					     JSON_ENCODE_ANY))
		jw_fail(w);
}

static void jw_value_new(struct jw *w, json_t *v)
{
	jw_value(w, v);
	json_decref(v);
}

/* Starts the next member of the innermost container: key names it in an
 * object, and is NULL in an array. */
static void jw_next(struct jw *w, const char *key)
{
	if (w->depth) {
		if (!w->empty)
			jw_put(w, ",", 1);
		jw_newline(w, w->depth);
	}
	w->empty = 0;
	if (key) {
		jw_value_new(w, json_string(key));
		jw_put(w, ": ", 2);
	}
}

static void jw_open(struct jw *w, char c)
{
	jw_put(w, &c, 1);
	w->depth++;
	w->empty = 1;
}

static void jw_close(struct jw *w, char c)
{
	w->depth--;
	if (!w->empty) /* jansson writes an empty one as [] or {} */
		jw_newline(w, w->depth);
	jw_put(w, &c, 1);
	w->empty = 0;
}

/* An object member whose value fn writes, as it is too large to hold. */
typedef void jw_fn(struct jw *w, const void *arg);
struct jw_member {
	const char *key;
	const json_t *value;
	jw_fn *fn;
};

static int cmp_member(const void *a, const void *b)
{
	return strcmp(((const struct jw_member *)a)->key,
		      ((const struct jw_member *)b)->key);
}

/* An object of the members of fixed and of lazy[] (written by fn(w, arg)),
 * all in the sorted order jansson would give them. */
static void jw_object(struct jw *w, const json_t *fixed,
		      const struct jw_member *lazy, size_t nlazy, const void *arg)
{
	struct jw_member *m;
	size_t n = 0, i;
	const char *k;
	json_t *v;

	if (!fixed) {
		jw_fail(w);
		return;
	}
	m = xcalloc(json_object_size(fixed) + nlazy, sizeof(*m));
	json_object_foreach ((json_t *)fixed, k, v)
		m[n++] = (struct jw_member){ k, v, NULL };
	for (i = 0; i < nlazy; i++)
		m[n++] = lazy[i];
	qsort(m, n, sizeof(*m), cmp_member);
	jw_open(w, '{');
	for (i = 0; i < n; i++) {
		jw_next(w, m[i].key);
		if (m[i].fn)
			m[i].fn(w, arg);
		else
			jw_value(w, m[i].value);
	}
	jw_close(w, '}');
	free(m);
}

/* ---- the dataset ---------------------------------------------------------- */

/* A bare SPDX list id (not an expression, not a LicenseRef-) has a page. */
static int spdx_list_id(const char *s)
{
	size_t n = strlen(s);

	return n && strspn(s, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
			   "0123456789.-+") == n &&
	       strncmp(s, "LicenseRef-", 11) && strcmp(s, "NOASSERTION");
}

struct ds {
	const char *id, *name, *version, *created, *root, *curator, *parent;
	const char *items; /* the included-items blob, n bytes */
	size_t n, count;
	json_t *licenses;   /* the items' distinct licenses, sorted */
	json_t *license_no; /* license -> its place in licenses, from 1 */
};

/* The first pass: every line checked, the items counted, their licenses
 * gathered (memory grows with the distinct licenses, not the items). */
static int ds_note(const json_t *it, size_t i, void *payload)
{
	struct ds *d = payload;
	const char *l = str(it, "license");

	d->count++;
	if (l && !json_object_get(d->license_no, l))
		json_object_set_new(d->license_no, l, json_integer(0));
	return 0;
}

static void ds_number_licenses(struct ds *d)
{
	const char **keys = xcalloc(json_object_size(d->license_no) + 1,
				    sizeof(*keys));
	const char *k;
	size_t i, n = 0;
	json_t *v;

	json_object_foreach (d->license_no, k, v)
		keys[n++] = k;
	qsort(keys, n, sizeof(*keys), cmp_str);
	for (i = 0; i < n; i++) {
		json_array_append_new(d->licenses, json_string(keys[i]));
		json_integer_set(json_object_get(d->license_no, keys[i]),
				 (json_int_t)i + 1);
	}
	free(keys);
}

static int ds_load(struct ds *d, const char *id, const json_t *payload,
		   const char *items, size_t n)
{
	memset(d, 0, sizeof(*d));
	d->licenses = json_array();
	d->license_no = json_object();
	d->id = id;
	d->name = str(payload, "name");
	d->version = str(payload, "version");
	d->created = str(payload, "created");
	d->curator = str(payload, "curator");
	d->parent = str(payload, "parent");
	d->root = str(json_object_get(payload, "merkle"), "root");
	if (!id || !d->name || !d->version || !d->created || !d->curator ||
	    !d->root)
		return prov_error_set(PROV_EINVALID,
				      "the dataset record lacks name, version, "
				      "created, curator or merkle.root");
	d->items = items;
	d->n = n;
	if (manifest_lines_each(items, n, 1, ds_note, d))
		return prov_error_code();
	ds_number_licenses(d);
	return 0;
}

static void ds_release(struct ds *d)
{
	json_decref(d->licenses);
	json_decref(d->license_no);
}

/* The second pass: fn(item, i, payload) writes each item. The lines were
 * checked by the first, so only a write can fail. */
static void ds_items(struct jw *w, const struct ds *d, manifest_line_fn fn,
		     void *payload)
{
	int rc;

	if (w->rc)
		return;
	rc = manifest_lines_each(d->items, d->n, 1, fn, payload);
	if (rc && !w->rc)
		w->rc = rc;
}

static json_t *urn(const char *kind, const char *id)
{
	return json_sprintf("urn:prov:%s:%s", kind, id);
}

/* ---- Croissant 1.1 ---------------------------------------------------- */

static json_t *croissant_file(const json_t *it)
{
	const char *path = str(it, "path");
	json_t *fo, *works = json_array(), *w;
	size_t j;

	json_array_foreach (json_object_get(it, "works"), j, w)
		if (json_is_string(w))
			json_array_append_new(works,
					      json_pack("{s:o}", "@id",
							urn("work", json_string_value(w))));
	fo = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "@type",
		       "cr:FileObject", "@id", path, "name", path, "contentUrl",
		       path, "encodingFormat", media_type_guess(path), "sha256",
		       str(it, "sha256"), "contentSize",
		       json_sprintf("%" JSON_INTEGER_FORMAT " B",
				    json_integer_value(json_object_get(it, "size"))));
	if (fo && json_array_size(works))
		json_object_set(fo, "prov:wasDerivedFrom", works);
	json_decref(works);
	return fo;
}

static int croissant_item(const json_t *it, size_t i, void *payload)
{
	struct jw *w = payload;

	jw_next(w, NULL);
	jw_value_new(w, croissant_file(it));
	return w->rc;
}

static void croissant_files(struct jw *w, const void *arg)
{
	jw_open(w, '[');
	ds_items(w, arg, croissant_item, w);
	jw_close(w, ']');
}

static void croissant(struct jw *w, const struct ds *d)
{
	static const struct jw_member files = { "distribution", NULL,
						croissant_files };
	json_t *doc, *lic = json_array(), *v;
	size_t i;

	json_array_foreach (d->licenses, i, v) {
		const char *l = json_string_value(v);
		json_array_append_new(lic, spdx_list_id(l) ?
				       json_sprintf("https://spdx.org/licenses/%s.html", l) :
				       json_string(l));
	}
	doc = json_pack(
		"{s:{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:{s:s, s:s}},"
		" s:s, s:o, s:s, s:s, s:o, s:o, s:o, s:{s:s, s:s, s:s}, s:s, s:s,"
		" s:s}",
		"@context", "@language", "en", "@vocab", "https://schema.org/",
		"sc", "https://schema.org/", "cr", "http://mlcommons.org/croissant/",
		"rai", "http://mlcommons.org/croissant/RAI/", "dct",
		"http://purl.org/dc/terms/", "prov", "http://www.w3.org/ns/prov#",
		"conformsTo", "dct:conformsTo", "md5", "cr:md5", "data", "@id",
		"cr:data", "@type", "@json",
		"@type", "sc:Dataset", "@id", urn("dataset", d->id),
		"dct:conformsTo", CROISSANT_SPEC, "name", d->name, "description",
		json_sprintf("Dataset manifest %s@%s built by prov; %zu items "
			     "under Merkle root %s",
			     d->name, d->version, d->count, d->root),
		"url", urn("dataset", d->id), "license", lic, "creator", "@type",
		"sc:Person", "@id", d->curator, "name", d->curator, "datePublished",
		d->created, "version", d->version, "identifier", d->id);
	/* The previous version is what this one was derived from; the works
	 * are named per item. */
	if (doc && d->parent)
		json_object_set_new(doc, "prov:wasDerivedFrom",
				    json_pack("[{s:o}]", "@id",
					      urn("dataset", d->parent)));
	jw_object(w, doc, &files, 1, d);
	json_decref(doc);
}

/* ---- SPDX 3.0.1 --------------------------------------------------------- */

struct spdx {
	struct jw *w;
	const struct ds *d;
	const char *items_hex; /* the SHA-256 of the items blob */
	struct buf ref;        /* the package's spdxId */
};

/* The creation info, the curator, the document and the package. */
static void spdx_head(struct jw *w, const struct spdx *s)
{
	const struct ds *d = s->d;
	const char *ref = s->ref.ptr;

	jw_next(w, NULL);
	jw_value_new(w, json_pack("{s:s, s:s, s:s, s:s, s:[s]}", "type",
				  "CreationInfo", "@id", "_:creationinfo",
				  "specVersion", "3.0.1", "created", d->created,
				  "createdBy", "urn:prov:agent:curator"));
	jw_next(w, NULL);
	jw_value_new(w, json_pack("{s:s, s:s, s:s, s:s}", "type", "Agent", "spdxId",
				  "urn:prov:agent:curator", "creationInfo",
				  "_:creationinfo", "name", d->curator));
	jw_next(w, NULL);
	jw_value_new(w, json_pack("{s:s, s:s+, s:s, s:s++, s:[s, s, s, s], s:[s]}",
				  "type", "SpdxDocument", "spdxId", ref,
				  "#document", "creationInfo", "_:creationinfo",
				  "name", d->name, "@", d->version,
				  "profileConformance", "core", "software",
				  "dataset", "simpleLicensing", "rootElement", ref));
	jw_next(w, NULL);
	jw_value_new(w, json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:[s], s:s, s:s,"
				  " s:[s], s:[{s:s, s:s, s:s, s:s}], s:o}",
				  "type", "dataset_DatasetPackage", "spdxId", ref,
				  "creationInfo", "_:creationinfo", "name", d->name,
				  "software_packageVersion", d->version,
				  "software_primaryPurpose", "data",
				  "dataset_datasetType", "other", "builtTime",
				  d->created, "releaseTime", d->created,
				  "originatedBy", "urn:prov:agent:curator",
				  "verifiedUsing", "type", "Hash", "algorithm",
				  "sha256", "hashValue", s->items_hex, "comment",
				  "the SHA-256 of the included-items list",
				  "comment",
				  json_sprintf("prov dataset record %s; %zu items "
					       "under Merkle root %s",
					       d->id, d->count, d->root)));
}

static void spdx_licenses(struct jw *w, const struct spdx *s)
{
	char lid[32];
	size_t i;
	json_t *v;

	json_array_foreach (s->d->licenses, i, v) {
		/* NOASSERTION is no expression: those items get no license */
		if (!strcmp(json_string_value(v), "NOASSERTION"))
			continue;
		snprintf(lid, sizeof(lid), "#license-%zu", i + 1);
		jw_next(w, NULL);
		jw_value_new(w, json_pack("{s:s, s:s+, s:s, s:O}", "type",
					  "simplelicensing_LicenseExpression",
					  "spdxId", s->ref.ptr, lid, "creationInfo",
					  "_:creationinfo",
					  "simplelicensing_licenseExpression", v));
	}
}

/* A file, and the relationship to its license if it has one. An item
 * without a license shares one whose license is "", as it always has. */
static int spdx_item(const json_t *it, size_t i, void *payload)
{
	const struct spdx *s = payload;
	const char *ref = s->ref.ptr, *lic = str(it, "license");
	struct jw *w = s->w;
	char fid[64], lid[64];
	json_t *no;

	snprintf(fid, sizeof(fid), "#file-%zu", i + 1);
	jw_next(w, NULL);
	jw_value_new(w, json_pack("{s:s, s:s+, s:s, s:s, s:s, s:[{s:s, s:s, s:s}]}",
				  "type", "software_File", "spdxId", ref, fid,
				  "creationInfo", "_:creationinfo", "name",
				  str(it, "path"), "software_primaryPurpose",
				  "data", "verifiedUsing", "type", "Hash",
				  "algorithm", "sha256", "hashValue",
				  str(it, "sha256")));
	no = json_object_get(s->d->license_no, lic ? lic : "");
	if (!no || (lic && !strcmp(lic, "NOASSERTION")))
		return w->rc;
	snprintf(lid, sizeof(lid), "#license-%" JSON_INTEGER_FORMAT,
		 json_integer_value(no));
	jw_next(w, NULL);
	jw_value_new(w, json_pack("{s:s, s:s++, s:s, s:s+, s:s, s:[s+]}", "type",
				  "Relationship", "spdxId", ref, fid, "-license",
				  "creationInfo", "_:creationinfo", "from", ref,
				  fid, "relationshipType", "hasDeclaredLicense",
				  "to", ref, lid));
	return w->rc;
}

/* Every file's id, for the package's "contains" relationship. */
static void spdx_file_ids(struct jw *w, const void *arg)
{
	const struct spdx *s = arg;

	jw_open(w, '[');
	for (size_t i = 1; i <= s->d->count && !w->rc; i++) {
		jw_next(w, NULL);
		jw_value_new(w, json_sprintf("%s#file-%zu", s->ref.ptr, i));
	}
	jw_close(w, ']');
}

static void spdx_graph(struct jw *w, const void *arg)
{
	static const struct jw_member to = { "to", NULL, spdx_file_ids };
	const struct spdx *s = arg;
	json_t *contains;

	jw_open(w, '[');
	spdx_head(w, s);
	spdx_licenses(w, s);
	ds_items(w, s->d, spdx_item, (void *)s);
	contains = json_pack("{s:s, s:s+, s:s, s:s, s:s}", "type", "Relationship",
			     "spdxId", s->ref.ptr, "#contains", "creationInfo",
			     "_:creationinfo", "from", s->ref.ptr,
			     "relationshipType", "contains");
	jw_next(w, NULL);
	jw_object(w, contains, &to, 1, s);
	json_decref(contains);
	jw_close(w, ']');
}

static void spdx(struct jw *w, const struct ds *d, const char *items_hex)
{
	static const struct jw_member graph = { "@graph", NULL, spdx_graph };
	struct spdx s = { w, d, items_hex, BUF_INIT };
	json_t *doc = json_pack("{s:s}", "@context", SPDX_CONTEXT);

	buf_printf(&s.ref, "urn:prov:dataset:%s", d->id);
	jw_object(w, doc, &graph, 1, &s);
	json_decref(doc);
	buf_release(&s.ref);
}

/* ---- CycloneDX 1.6 ------------------------------------------------------ */

/* A UUID from the record id's hash, with version 5 and RFC 4122 variant bits
 * so validators accept it: the same record always gets the same serial. */
static void serial_uuid(char out[46], const char *id)
{
	const char *hex = strncmp(id, "sha256:", 7) ? id : id + 7;
	uint8_t b[16] = { 0 };
	char h[33];

	if (strlen(hex) >= 32)
		hex_decode(b, 16, hex, 32);
	b[6] = (uint8_t)((b[6] & 0x0f) | 0x50);
	b[8] = (uint8_t)((b[8] & 0x3f) | 0x80);
	hex_encode(h, b, 16);
	snprintf(out, 46, "urn:uuid:%.8s-%.4s-%.4s-%.4s-%.12s", h, h + 8, h + 12,
		 h + 16, h + 20);
}

static json_t *prop(const char *name, const char *value)
{
	return json_pack("{s:s, s:s}", "name", name, "value", value);
}

static json_t *cyclonedx_component(const json_t *it, size_t i)
{
	const char *lic = str(it, "license"), *path = str(it, "path");
	json_t *c, *props = json_array(), *w;
	char ref[32];
	size_t j;

	snprintf(ref, sizeof(ref), "item-%zu", i + 1);
	json_array_foreach (json_object_get(it, "works"), j, w)
		if (json_is_string(w))
			json_array_append_new(props,
					      prop("prov:work", json_string_value(w)));
	c = json_pack("{s:s, s:s, s:s, s:s, s:[{s:s, s:s}]}", "type", "data",
		      "bom-ref", ref, "name", path, "mime-type",
		      media_type_guess(path), "hashes", "alg", "SHA-256", "content",
		      str(it, "sha256"));
	if (c && lic && strcmp(lic, "NOASSERTION"))
		json_object_set_new(c, "licenses",
				    json_pack("[{s:s}]", "expression", lic));
	if (c && json_array_size(props))
		json_object_set(c, "properties", props);
	json_decref(props);
	return c;
}

static int cyclonedx_item(const json_t *it, size_t i, void *payload)
{
	struct jw *w = payload;

	jw_next(w, NULL);
	jw_value_new(w, cyclonedx_component(it, i));
	return w->rc;
}

static void cyclonedx_components(struct jw *w, const void *arg)
{
	jw_open(w, '[');
	ds_items(w, arg, cyclonedx_item, w);
	jw_close(w, ']');
}

static void cyclonedx(struct jw *w, const struct ds *d)
{
	static const struct jw_member comps = { "components", NULL,
						cyclonedx_components };
	json_t *props = json_array(), *meta, *doc;
	char serial[46];

	serial_uuid(serial, d->id);
	json_array_append_new(props, prop("prov:record", d->id));
	json_array_append_new(props, prop("prov:merkle-root", d->root));
	if (d->parent)
		json_array_append_new(props, prop("prov:parent", d->parent));
	meta = json_pack("{s:s, s:[{s:s}], s:{s:s, s:s, s:s, s:s, s:s,"
			 " s:[{s:s, s:o, s:s}], s:o}}",
			 "timestamp", d->created, "authors", "name", d->curator,
			 "component", "type", "data", "bom-ref", "dataset", "name",
			 d->name, "version", d->version, "description",
			 "dataset manifest built by prov", "externalReferences",
			 "type", "other", "url", urn("dataset", d->id), "comment",
			 "the signed prov dataset record", "properties", props);
	doc = json_pack("{s:s, s:s, s:s, s:i, s:o}", "bomFormat", "CycloneDX",
			"specVersion", "1.6", "serialNumber", serial, "version", 1,
			"metadata", meta);
	jw_object(w, doc, &comps, 1, d);
	json_decref(doc);
}

int manifest_export(manifest_write_fn write, void *arg,
		    enum manifest_format fmt, const char *id,
		    const json_t *payload, const char *items, size_t n)
{
	struct jw w = { .write = write, .arg = arg, .out = BUF_INIT };
	uint8_t digest[32];
	char hex[65];
	struct ds d;

	if ((w.rc = ds_load(&d, id, payload, items, n)))
		goto done;
	switch (fmt) {
	case MANIFEST_CROISSANT:
		croissant(&w, &d);
		break;
	case MANIFEST_SPDX:
		sha256_buf(digest, items, n);
		hex_encode(hex, digest, 32);
		spdx(&w, &d, hex);
		break;
	case MANIFEST_CYCLONEDX:
		cyclonedx(&w, &d);
		break;
	default:
		w.rc = prov_error_set(PROV_EINVALID, "unknown export format");
	}
	jw_put(&w, "\n", 1);
	jw_flush(&w);
done:
	ds_release(&d);
	buf_release(&w.out);
	return w.rc;
}
