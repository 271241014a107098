/* Fuzzes the parsing of a dataset's item blobs (JSONL, one item per line),
 * which may come from a remote: manifest_lines_each (manifest/items.c), the
 * one parser every `prov manifest` reader uses, in both modes (included and
 * excluded items), then the Merkle tree of the included items' leaves as
 * `prov manifest prove` builds it.
 *
 * The blob is copied into an allocation of exactly size + 1 bytes with a
 * NUL after it, as store_read leaves a struct buf, so ASan sees any read
 * past the end. The blob also goes through manifest_export (manifest/
 * export.c), which parses it by pointer and length. Invariants: leaves'
 * proofs (the last and a spread of others) verify against the root; an
 * export that succeeds, written piece by piece, is one JSON document and a
 * newline. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "manifest/manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define LEAVES_MAX 4096 /* bounds the tree per input */
#define PROOFS_MAX 16	/* proofs checked per input, spread over the leaves */

static int to_buf(const char *data, size_t n, void *arg)
{
	return buf_put(arg, data, n);
}

/* manifest_export over the blob as the items of a fixed record, in each
 * format; the blob is passed by pointer and length, in an allocation of
 * exactly its size, so reading past n is caught. */
static void export_all(const uint8_t *data, size_t size)
{
	static json_t *payload;
	char *items = xmalloc(size ? size : 1);

	if (!payload)
		payload = json_pack(
			"{s:s, s:s, s:s, s:s, s:s, s:{s:s}}", "kind", "dataset",
			"name", "fuzz", "version", "1", "created",
			"2026-11-22T19:16:07Z", "curator",
			"did:key:"
			"z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK",
			"merkle", "root",
			"0x50dbd95331294e09aada00d0f8e0a52f40cc1a2cb4e9efbe5dee"
			"21eab4ee8a5b");
	memcpy(items, data, size);
	for (int f = MANIFEST_CROISSANT; f <= MANIFEST_CYCLONEDX; f++) {
		struct buf text = BUF_INIT;
		json_t *doc;
		if (manifest_export(to_buf, &text, (enum manifest_format)f,
				    "sha256:"
				    "e0997eddfa4e528795b0db6bbd76ce517442d7fcc7"
				    "a9f1f54ebf3cca9fb2537a",
				    payload, items, size) == 0) {
			if (!text.len || text.ptr[text.len - 1] != '\n' ||
			    !(doc = json_loadb(text.ptr, text.len, 0, NULL)))
				abort();
			json_decref(doc);
		}
		prov_error_clear();
		buf_release(&text);
	}
	free(items);
}

/* print_lines: each line that parses, its fields as show prints them. */
struct leaves {
	uint8_t (*v)[32];
	size_t n;
};

static int leaf(const json_t *item, size_t i, void *payload)
{
	struct leaves *l = payload;
	uint8_t d[32];

	/* manifest_lines_each promises 64 lowercase hex digits */
	if (hex_decode(d, 32, json_string_value(json_object_get(item, "sha256")),
		       64))
		abort();
	if (l->n >= LEAVES_MAX)
		return 1;
	l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
	merkle_leaf_bytes32(l->v[l->n++], d);
	return 0;
}

static int excluded(const json_t *item, size_t i, void *payload)
{
	if (!json_string_value(json_object_get(item, "path")) ||
	    !json_string_value(json_object_get(item, "reason")))
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int initialised;
	uint8_t(*leaves)[32] = NULL, (*proof)[32] = NULL;
	struct merkle *tree = NULL;
	struct leaves l = { 0 };
	size_t n = 0, np = 0;
	char *blob;
	int rc;

	if (!initialised++ && core_init())
		abort();
	blob = xmalloc(size + 1);
	memcpy(blob, data, size);
	blob[size] = '\0';

	manifest_lines_each(blob, size, 0, excluded, NULL);
	export_all(data, size);
	rc = manifest_lines_each(blob, size, 1, leaf, &l);
	leaves = l.v;
	n = l.n;
	if (rc == 0 && n > 0) {
		if (merkle_build(&tree, (const uint8_t(*)[32])leaves, n))
			abort();
		size_t step = n > PROOFS_MAX ? n / PROOFS_MAX : 1;
		for (size_t i = n - 1; i < n; i = i >= step ? i - step : n) {
			if (merkle_proof(&proof, &np, tree, i) ||
			    merkle_verify(tree->nodes[0], leaves[i],
					  (const uint8_t(*)[32])proof, np))
				abort();
			free(proof);
			proof = NULL;
		}
		merkle_free(tree);
	}
	free(leaves);
	free(blob);
	return 0;
}
