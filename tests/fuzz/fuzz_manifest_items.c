/* Fuzzes the parsing of a dataset's item blobs (JSONL, one item per line)
 * as cli/cmd_manifest.c does it on blobs that may come from a remote: the
 * line-by-line json_parse and field extraction of `prov manifest show`
 * (print_lines), and the scan of `prov manifest prove`, which finds each
 * line's "sha256":"<64 hex>" with strstr and builds the Merkle tree of the
 * leaves. Both are static in cmd_manifest.c, so their loops are copied
 * here (prove's with a length check cmd_manifest.c still lacks); keep them
 * in step, or move them into manifest/ and call them from here.
 *
 * The blob is copied into an allocation of exactly size + 1 bytes with a
 * NUL after it, as store_read leaves a struct buf, so ASan sees any read
 * past the end. The blob also goes through manifest_export (manifest/
 * export.c), which parses it by pointer and length. Invariant: leaves' proofs
 * (the last and a spread of others) verify against the root. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "manifest/manifest.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define LEAVES_MAX 4096 /* bounds the tree per input */
#define PROOFS_MAX 16	/* proofs checked per input, spread over the leaves */

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
		json_t *doc = NULL;
		char *text;
		if (manifest_export(&doc, (enum manifest_format)f,
				    "sha256:"
				    "e0997eddfa4e528795b0db6bbd76ce517442d7fcc7"
				    "a9f1f54ebf3cca9fb2537a",
				    payload, items, size) == 0) {
			if (!doc || !(text = json_dumps(doc, JSON_SORT_KEYS)))
				abort();
			free(text);
		}
		prov_error_clear();
		json_decref(doc);
	}
	free(items);
}

/* print_lines: each line that parses, its fields as show prints them. */
static void show_lines(const char *blob)
{
	const char *line = blob;

	while (*line) {
		const char *end = strchr(line, '\n');
		size_t n = end ? (size_t)(end - line) : strlen(line);
		json_t *o = NULL;
		if (!json_parse(&o, line, n, "item")) {
			const char *f[] = {"sha256", "license", "path",
					   "reason", "why"};
			for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++) {
				const char *s = json_string_value(
					json_object_get(o, f[i]));
				if (s && strlen(s) > n)
					abort();
			}
		}
		prov_error_clear();
		json_decref(o);
		line = end ? end + 1 : line + n;
	}
}

/* manifest_prove's scan: 0 with the leaves, or -1 for a malformed list. */
static int prove_leaves(const char *in, uint8_t (**out)[32], size_t *count)
{
	uint8_t(*leaves)[32] = NULL, d[32];
	size_t n = 0, cap = 0;
	const char *line;

	for (line = in; *line;) {
		const char *p = strstr(line, "\"sha256\":\"");
		const char *end = strchr(line, '\n');
		/* cmd_manifest.c lacks the strnlen: hex_decode reads pairs,
		 * so a line ending inside the hex read one byte past the
		 * blob's NUL (build-fuzz/crashes/manifest_items/). */
		if (!p || (end && p > end) || strnlen(p + 10, 64) < 64 ||
		    hex_decode(d, 32, p + 10, 64)) {
			free(leaves);
			prov_error_clear();
			return -1;
		}
		if (n == cap) {
			cap = cap ? 2 * cap : 1024;
			leaves = xrealloc(leaves, cap * sizeof(*leaves));
		}
		merkle_leaf_bytes32(leaves[n++], d);
		line = end ? end + 1 : line + strlen(line);
	}
	*out = leaves;
	*count = n;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int initialised;
	uint8_t(*leaves)[32] = NULL, (*proof)[32] = NULL;
	struct merkle *tree = NULL;
	size_t n = 0, np = 0;
	char *blob;

	if (!initialised++ && core_init())
		abort();
	blob = xmalloc(size + 1);
	memcpy(blob, data, size);
	blob[size] = '\0';

	show_lines(blob);
	export_all(data, size);
	if (prove_leaves(blob, &leaves, &n) == 0 && n > 0 && n <= LEAVES_MAX) {
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
