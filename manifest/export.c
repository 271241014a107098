/* Dataset manifests as Croissant 1.1, SPDX 3.0.1 and CycloneDX 1.6 documents
 * (docs/manifest.md, "Exports"). Pure: record in, JSON document out. The
 * items blob is already in a fixed order (sha256, then path) and every map
 * built here is sorted, so one manifest always gives the same bytes. */
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

/* Sorted distinct license expressions of the items. */
static json_t *distinct_licenses(const json_t *items)
{
	json_t *set = json_object(), *it, *out = json_array();
	const char **keys;
	const char *k;
	size_t i, n = 0;
	json_t *v;

	json_array_foreach (items, i, it)
		if (str(it, "license"))
			json_object_set_new(set, str(it, "license"), json_true());
	keys = xcalloc(json_object_size(set) + 1, sizeof(*keys));
	json_object_foreach (set, k, v)
		keys[n++] = k;
	qsort(keys, n, sizeof(*keys), cmp_str);
	for (i = 0; i < n; i++)
		json_array_append_new(out, json_string(keys[i]));
	free(keys);
	json_decref(set);
	return out;
}

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
	json_int_t count;
	json_t *items, *licenses;
};

static int ds_load(struct ds *d, const char *id, const json_t *payload,
		   const char *blob, size_t n)
{
	memset(d, 0, sizeof(*d));
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
	if (manifest_lines_parse(&d->items, blob, n, 1))
		return prov_error_code();
	d->count = (json_int_t)json_array_size(d->items);
	d->licenses = distinct_licenses(d->items);
	return 0;
}

static void ds_release(struct ds *d)
{
	json_decref(d->items);
	json_decref(d->licenses);
}

static json_t *urn(const char *kind, const char *id)
{
	return json_sprintf("urn:prov:%s:%s", kind, id);
}

/* ---- Croissant 1.1 ---------------------------------------------------- */

static json_t *croissant(const struct ds *d)
{
	json_t *doc, *lic = json_array(), *dist = json_array(), *from,
		      *it, *v;
	size_t i, j;

	json_array_foreach (d->licenses, i, v) {
		const char *l = json_string_value(v);
		json_array_append_new(lic, spdx_list_id(l) ?
				       json_sprintf("https://spdx.org/licenses/%s.html", l) :
				       json_string(l));
	}
	json_array_foreach (d->items, i, it) {
		json_t *fo, *works = json_array(), *w;
		json_array_foreach (json_object_get(it, "works"), j, w)
			if (json_is_string(w))
				json_array_append_new(
					works, json_pack("{s:o}", "@id",
							 urn("work", json_string_value(w))));
		fo = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:o}", "@type",
			       "cr:FileObject", "@id", str(it, "path"), "name",
			       str(it, "path"), "contentUrl", str(it, "path"),
			       "encodingFormat", media_type_guess(str(it, "path")),
			       "sha256", str(it, "sha256"), "contentSize",
			       json_sprintf("%" JSON_INTEGER_FORMAT " B",
					    json_integer_value(json_object_get(it, "size"))));
		if (json_array_size(works))
			json_object_set(fo, "prov:wasDerivedFrom", works);
		json_decref(works);
		json_array_append_new(dist, fo);
	}
	/* The previous version is what this one was derived from; the works
	 * are named per item. */
	from = d->parent ? json_pack("[{s:o}]", "@id", urn("dataset", d->parent)) :
			   json_array();
	doc = json_pack(
		"{s:{s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:s, s:{s:s, s:s}},"
		" s:s, s:o, s:s, s:s, s:o, s:o, s:o, s:{s:s, s:s, s:s}, s:s, s:s,"
		" s:o, s:s}",
		"@context", "@language", "en", "@vocab", "https://schema.org/",
		"sc", "https://schema.org/", "cr", "http://mlcommons.org/croissant/",
		"rai", "http://mlcommons.org/croissant/RAI/", "dct",
		"http://purl.org/dc/terms/", "prov", "http://www.w3.org/ns/prov#",
		"conformsTo", "dct:conformsTo", "md5", "cr:md5", "data", "@id",
		"cr:data", "@type", "@json",
		"@type", "sc:Dataset", "@id", urn("dataset", d->id),
		"dct:conformsTo", CROISSANT_SPEC, "name", d->name, "description",
		json_sprintf("Dataset manifest %s@%s built by prov; %" JSON_INTEGER_FORMAT
			     " items under Merkle root %s",
			     d->name, d->version, d->count, d->root),
		"url", urn("dataset", d->id), "license", lic, "creator", "@type",
		"sc:Person", "@id", d->curator, "name", d->curator, "datePublished",
		d->created, "version", d->version, "distribution", dist,
		"identifier", d->id);
	if (json_array_size(from))
		json_object_set(doc, "prov:wasDerivedFrom", from);
	json_decref(from);
	return doc;
}

/* ---- SPDX 3.0.1 --------------------------------------------------------- */

static json_t *spdx(const struct ds *d, const char *items_hex)
{
	json_t *graph = json_array(), *files = json_array(), *it, *v, *pkg;
	struct buf ref = BUF_INIT;
	char lid[32];
	size_t i, j;

	buf_printf(&ref, "urn:prov:dataset:%s", d->id);
	json_array_append_new(
		graph, json_pack("{s:s, s:s, s:s, s:s, s:[s]}", "type", "CreationInfo",
				 "@id", "_:creationinfo", "specVersion", "3.0.1",
				 "created", d->created, "createdBy",
				 "urn:prov:agent:curator"));
	json_array_append_new(
		graph, json_pack("{s:s, s:s, s:s, s:s}", "type", "Agent", "spdxId",
				 "urn:prov:agent:curator", "creationInfo",
				 "_:creationinfo", "name", d->curator));
	json_array_append_new(
		graph,
		json_pack("{s:s, s:s+, s:s, s:s++, s:[s, s, s, s], s:[s]}", "type",
			  "SpdxDocument", "spdxId", ref.ptr, "#document",
			  "creationInfo", "_:creationinfo", "name", d->name, "@",
			  d->version, "profileConformance", "core", "software",
			  "dataset", "simpleLicensing", "rootElement", ref.ptr));
	pkg = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:[s], s:s, s:s, s:[s],"
			" s:[{s:s, s:s, s:s, s:s}], s:o}",
			"type", "dataset_DatasetPackage", "spdxId", ref.ptr,
			"creationInfo", "_:creationinfo", "name", d->name,
			"software_packageVersion", d->version,
			"software_primaryPurpose", "data", "dataset_datasetType",
			"other", "builtTime", d->created, "releaseTime", d->created,
			"originatedBy", "urn:prov:agent:curator", "verifiedUsing",
			"type", "Hash", "algorithm", "sha256", "hashValue", items_hex,
			"comment", "the SHA-256 of the included-items list",
			"comment",
			json_sprintf("prov dataset record %s; %" JSON_INTEGER_FORMAT
				     " items under Merkle root %s",
				     d->id, d->count, d->root));
	json_array_append_new(graph, pkg);
	json_array_foreach (d->licenses, i, v) {
		/* NOASSERTION is no expression: those items get no license */
		if (!strcmp(json_string_value(v), "NOASSERTION"))
			continue;
		snprintf(lid, sizeof(lid), "#license-%zu", i + 1);
		json_array_append_new(
			graph, json_pack("{s:s, s:s+, s:s, s:O}", "type",
					 "simplelicensing_LicenseExpression", "spdxId",
					 ref.ptr, lid, "creationInfo", "_:creationinfo",
					 "simplelicensing_licenseExpression", v));
	}
	json_array_foreach (d->items, i, it) {
		char fid[64];
		snprintf(fid, sizeof(fid), "#file-%zu", i + 1);
		json_array_append_new(files, json_sprintf("%s%s", ref.ptr, fid));
		json_array_append_new(
			graph,
			json_pack("{s:s, s:s+, s:s, s:s, s:s, s:[{s:s, s:s, s:s}]}",
				  "type", "software_File", "spdxId", ref.ptr, fid,
				  "creationInfo", "_:creationinfo", "name",
				  str(it, "path"), "software_primaryPurpose", "data",
				  "verifiedUsing", "type", "Hash", "algorithm",
				  "sha256", "hashValue", str(it, "sha256")));
		json_array_foreach (d->licenses, j, v) {
			if (strcmp(json_string_value(v), str(it, "license") ?: "") ||
			    !strcmp(json_string_value(v), "NOASSERTION"))
				continue;
			snprintf(lid, sizeof(lid), "#license-%zu", j + 1);
			json_array_append_new(
					graph,
					json_pack("{s:s, s:s++, s:s, s:s+, s:s, s:[s+]}",
						  "type", "Relationship", "spdxId",
						  ref.ptr, fid, "-license", "creationInfo",
						  "_:creationinfo", "from", ref.ptr, fid,
						  "relationshipType",
						  "hasDeclaredLicense", "to", ref.ptr,
						  lid));
		}
	}
	json_array_append_new(
		graph, json_pack("{s:s, s:s+, s:s, s:s, s:s, s:o}", "type",
				 "Relationship", "spdxId", ref.ptr, "#contains",
				 "creationInfo", "_:creationinfo", "from", ref.ptr,
				 "relationshipType", "contains", "to", files));
	buf_release(&ref);
	return json_pack("{s:s, s:o}", "@context", SPDX_CONTEXT, "@graph", graph);
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

static json_t *cyclonedx(const struct ds *d)
{
	json_t *comps = json_array(), *props, *it, *w, *meta;
	char serial[46], ref[32];
	size_t i, j;

	serial_uuid(serial, d->id);
	json_array_foreach (d->items, i, it) {
		const char *lic = str(it, "license");
		json_t *c;
		snprintf(ref, sizeof(ref), "item-%zu", i + 1);
		props = json_array();
		json_array_foreach (json_object_get(it, "works"), j, w)
			if (json_is_string(w))
				json_array_append_new(props,
						      prop("prov:work", json_string_value(w)));
		c = json_pack("{s:s, s:s, s:s, s:s, s:[{s:s, s:s}]}", "type", "data",
			      "bom-ref", ref, "name", str(it, "path"), "mime-type",
			      media_type_guess(str(it, "path")), "hashes", "alg",
			      "SHA-256", "content", str(it, "sha256"));
		if (lic && strcmp(lic, "NOASSERTION"))
			json_object_set_new(c, "licenses",
					    json_pack("[{s:s}]", "expression", lic));
		if (json_array_size(props))
			json_object_set(c, "properties", props);
		json_decref(props);
		json_array_append_new(comps, c);
	}
	props = json_array();
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
	return json_pack("{s:s, s:s, s:s, s:i, s:o, s:o}", "bomFormat", "CycloneDX",
			 "specVersion", "1.6", "serialNumber", serial, "version", 1,
			 "metadata", meta, "components", comps);
}

int manifest_export(json_t **out, enum manifest_format fmt, const char *id,
		    const json_t *payload, const char *items, size_t n)
{
	struct ds d;
	uint8_t digest[32];
	char hex[65];
	int rc;

	*out = NULL;
	if ((rc = ds_load(&d, id, payload, items, n)))
		goto done;
	switch (fmt) {
	case MANIFEST_CROISSANT:
		*out = croissant(&d);
		break;
	case MANIFEST_SPDX:
		sha256_buf(digest, items, n);
		hex_encode(hex, digest, 32);
		*out = spdx(&d, hex);
		break;
	case MANIFEST_CYCLONEDX:
		*out = cyclonedx(&d);
		break;
	default:
		rc = prov_error_set(PROV_EINVALID, "unknown export format");
	}
	if (!rc && !*out)
		rc = prov_error_set(PROV_ERROR, "could not lay out the export");
done:
	ds_release(&d);
	return rc;
}
