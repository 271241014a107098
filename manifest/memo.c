/* The build cache: what a manifest build decided, by the key of everything
 * it decided from, so a build of files and a registry that have not
 * changed (a new version of the same folder, say) reuses the item lists
 * and Merkle root instead of deciding 200,000 items again.
 *
 * The key covers the prov build itself (prov_build_id): a prov with other
 * rules never reuses an outcome. The file, .prov/buildcache, is JCS
 *   {"builds": [{"key": HEX, "outcome": {...}, "warnings": [...],
 *                "reasons": {...}, "blobs": [GIT ID, GIT ID]}, ...]}
 * oldest first, under the cache MAC (core.h, cache_read): one written by
 * someone else or edited is ignored, so a forged outcome cannot be slipped
 * into a signed manifest. docs/manifest.md, "Rebuilding". */
#include <stdlib.h>
#include <string.h>

#include "manifest/manifest.h"

#define MEMO_MAX 16
#define MEMO_MAGIC "prov-buildcache 1\n"
#define TAG "buildcache"
/* A build with more warnings than this (one per item, at worst) is not
 * kept: the cache stays small enough to read on every build. */
#define WARNINGS_MAX 1000

/* The folders of the registry a build reads. */
static const char *const inputs[] = { "works", "records/optout",
				      "records/license" };

static void put_text(struct sha256 *h, const char *s)
{
	sha256_update(h, s, strlen(s) + 1); /* with its NUL: no ambiguity */
}

static void put_spec(struct sha256 *h, const struct manifest_spec *spec)
{
	struct buf b = BUF_INIT;

	buf_printf(&b, "purpose %d uses %u weights %d unregistered %d base ",
		   (int)spec->purpose, spec->uses, spec->distribute_weights,
		   spec->include_unregistered);
	put_text(h, b.ptr);
	put_text(h, spec->base ? spec->base : "");
	buf_clear(&b);
	if (spec->weights)
		jcs_encode(&b, spec->weights);
	put_text(h, b.ptr);
	buf_release(&b);
}

int manifest_memo_key(uint8_t out[32], struct store *s,
		      const struct fileset *fs, const struct manifest_spec *spec)
{
	struct sha256 h = { 0 };
	uint8_t self[32];
	char id[41];
	int rc;

	for (size_t i = 0; i < fs->n; i++)
		if (fs->v[i].err)
			return prov_error_set(PROV_EINVALID, "a file was unreadable");
	if ((rc = prov_build_id(self)) || (rc = sha256_init(&h)))
		return rc;
	put_text(&h, MEMO_MAGIC);
	sha256_update(&h, self, sizeof(self));
	put_spec(&h, spec);
	for (size_t i = 0; i < sizeof(inputs) / sizeof(*inputs); i++) {
		if ((rc = store_entry_id(s, inputs[i], id)) < 0) {
			sha256_release(&h);
			return rc;
		}
		put_text(&h, id);
	}
	for (size_t i = 0; i < fs->n; i++) {
		uint8_t size[8];
		uint64_t n = (uint64_t)fs->v[i].st.st_size;
		for (int k = 0; k < 8; k++)
			size[k] = (uint8_t)(n >> (8 * k));
		put_text(&h, fs->v[i].path);
		sha256_update(&h, fs->v[i].sha256, 32);
		sha256_update(&h, size, sizeof(size));
	}
	return sha256_final(&h, out);
}

static void memo_path(struct buf *out, struct store *s)
{
	buf_printf(out, "%s/buildcache", store_path(s));
}

/* The cached builds, oldest first; an empty list when there is no cache. */
static json_t *builds(struct store *s, const uint8_t mac_key[32])
{
	struct buf path = BUF_INIT, file = BUF_INIT;
	json_t *doc = NULL, *list;

	memo_path(&path, s);
	if (!cache_read(&file, TAG, path.ptr, mac_key))
		json_parse(&doc, file.ptr, file.len, path.ptr);
	prov_error_clear();
	list = json_incref(json_object_get(doc, "builds"));
	if (!json_is_array(list)) {
		json_decref(list);
		list = json_array();
	}
	json_decref(doc);
	buf_release(&path);
	buf_release(&file);
	return list;
}

/* The git id of the blob the outcome names under field, in the tip;
 * 1 when there is none. */
static int blob_id(char id[41], struct store *s, const json_t *outcome,
		   const char *field)
{
	const char *hex = json_string_value(
		json_object_get(json_object_get(outcome, field), "blob"));
	struct buf path = BUF_INIT;
	int rc;

	if (!hex || strlen(hex) != 64)
		return 1;
	buf_printf(&path, "blobs/%.2s/%s", hex, hex);
	rc = store_entry_id(s, path.ptr, id);
	buf_release(&path);
	return rc;
}

/* 1 if the registry holds the item lists the entry names, with the git ids
 * they had when it was made. */
static int blobs_there(struct store *s, const json_t *e)
{
	static const char *const fields[] = { "items", "excluded_items" };
	const json_t *outcome = json_object_get(e, "outcome");
	const json_t *ids = json_object_get(e, "blobs");
	char id[41];

	for (size_t i = 0; i < 2; i++)
		if (blob_id(id, s, outcome, fields[i]) ||
		    strcmp(id, json_string_value(json_array_get(ids, i)) ?: ""))
			return 0;
	return 1;
}

int manifest_memo_get(struct manifest_build *b, struct store *s,
		      const uint8_t key[32], const uint8_t mac_key[32],
		      const struct manifest_spec *spec, const char *curator)
{
	json_t *list = builds(s, mac_key), *e;
	char hex[65];
	size_t i;
	int rc = PROV_ENOTFOUND;

	hex_encode(hex, key, 32);
	json_array_foreach (list, i, e) {
		json_t *outcome = json_object_get(e, "outcome");
		json_t *warnings = json_object_get(e, "warnings");
		json_t *reasons = json_object_get(e, "reasons");
		if (strcmp(json_string_value(json_object_get(e, "key")) ?: "", hex) ||
		    !json_is_object(outcome) || !json_is_array(warnings) ||
		    !json_is_object(reasons) || !blobs_there(s, e))
			continue;
		manifest_build_reuse(b, outcome, warnings, reasons, spec, curator);
		rc = 0;
		break;
	}
	json_decref(list);
	return rc ? prov_error_set(rc, "no earlier build with these inputs") : 0;
}

void manifest_memo_put(struct store *s, const uint8_t key[32],
		       const uint8_t mac_key[32], const struct manifest_build *b)
{
	json_t *list, *doc, *e;
	struct buf path = BUF_INIT, text = BUF_INIT;
	char hex[65], items[41], excluded[41];
	size_t i;

	if (json_array_size(b->warnings) > WARNINGS_MAX ||
	    blob_id(items, s, b->outcome, "items") ||
	    blob_id(excluded, s, b->outcome, "excluded_items"))
		return;
	hex_encode(hex, key, 32);
	list = builds(s, mac_key);
	json_array_foreach (list, i, e)
		if (!strcmp(json_string_value(json_object_get(e, "key")) ?: "", hex)) {
			json_array_remove(list, i);
			break;
		}
	json_array_append_new(list, json_pack("{s:s, s:O, s:O, s:O, s:[s, s]}",
					      "key", hex, "outcome", b->outcome,
					      "warnings", b->warnings, "reasons",
					      b->reasons, "blobs", items,
					      excluded));
	while (json_array_size(list) > MEMO_MAX)
		json_array_remove(list, 0);
	doc = json_pack("{s:o}", "builds", list);
	memo_path(&path, s);
	if (!jcs_encode(&text, doc))
		cache_write(TAG, path.ptr, text.ptr, text.len, mac_key);
	prov_error_clear();
	json_decref(doc);
	buf_release(&path);
	buf_release(&text);
}
