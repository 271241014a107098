/* Anchor records: the batch tree over record ids, the proofs blob, the
 * payload. The chain side (sending, confirming) is chain/send.c; the
 * command is cli/cmd_anchor.c. */
#include <stdlib.h>
#include <string.h>

#include "chain/chain.h"

static int digest_cmp(const void *a, const void *b)
{
	return memcmp(a, b, 32);
}

void chain_hex(char *out, const uint8_t *p, size_t n)
{
	out[0] = '0';
	out[1] = 'x';
	hex_encode(out + 2, p, n);
}

int anchor_digests_sort(uint8_t (*digests)[32], size_t n)
{
	char hex[65];

	if (n > 1)
		qsort(digests, n, 32, digest_cmp);
	for (size_t i = 1; i < n; i++)
		if (!memcmp(digests[i - 1], digests[i], 32)) {
			hex_encode(hex, digests[i], 32);
			return prov_error_set(PROV_EINVALID,
					      "record sha256:%s twice in one "
					      "anchor batch",
					      hex);
		}
	return 0;
}

int anchor_tree(struct merkle **out, const uint8_t (*digests)[32], size_t n)
{
	uint8_t(*leaves)[32];
	int rc;

	*out = NULL;
	if (n == 0)
		return prov_error_set(PROV_EINVALID, "no records to anchor");
	leaves = xcalloc(n, 32);
	for (size_t i = 0; i < n; i++)
		merkle_leaf_bytes32(leaves[i], digests[i]);
	rc = merkle_build(out, (const uint8_t(*)[32])leaves, n);
	free(leaves);
	return rc;
}

/* "0x" + 64 hex digits, in quotes. */
static void put_hash(struct buf *out, const uint8_t h[32])
{
	char hex[65];

	hex_encode(hex, h, 32);
	buf_printf(out, "\"0x%s\"", hex);
}

int anchor_proofs_write(struct buf *out, const struct merkle *m,
			const uint8_t (*digests)[32], size_t n)
{
	char hex[65];
	uint8_t(*proof)[32] = NULL;
	size_t np;
	int rc = 0;

	for (size_t i = 0; i < n && !rc; i++) {
		if ((rc = merkle_proof(&proof, &np, m, i)))
			break;
		hex_encode(hex, digests[i], 32);
		buf_printf(out, "{\"id\":\"sha256:%s\",\"proof\":[", hex);
		for (size_t k = 0; k < np; k++) {
			if (k)
				buf_putc(out, ',');
			put_hash(out, proof[k]);
		}
		rc = buf_puts(out, "]}\n");
		free(proof);
		proof = NULL;
	}
	return rc;
}

/* Reads exactly the bytes lit at *p; advances. */
static int expect(const char **p, const char *end, const char *lit)
{
	size_t n = strlen(lit);

	if ((size_t)(end - *p) < n || memcmp(*p, lit, n))
		return 0;
	*p += n;
	return 1;
}

/* 64 lower-case hex digits into h; advances. */
static int read_hex32(uint8_t h[32], const char **p, const char *end)
{
	if (end - *p < 64)
		return 0;
	for (int i = 0; i < 64; i++) {
		char c = (*p)[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return 0;
	}
	if (hex_decode(h, 32, *p, 64))
		return 0;
	*p += 64;
	return 1;
}

int anchor_proofs_each(const char *data, size_t n, anchor_proof_fn fn,
		       void *payload)
{
	const char *p = data, *end = data + n;
	uint8_t digest[32], prev[32], proof[ANCHOR_PROOF_MAX][32];
	size_t line = 0;
	int rc;

	while (p < end) {
		size_t np = 0;

		line++;
		if (!expect(&p, end, "{\"id\":\"sha256:") ||
		    !read_hex32(digest, &p, end) ||
		    !expect(&p, end, "\",\"proof\":["))
			goto bad;
		while (!expect(&p, end, "]}\n")) {
			if ((np && !expect(&p, end, ",")) ||
			    np == ANCHOR_PROOF_MAX || !expect(&p, end, "\"0x") ||
			    !read_hex32(proof[np], &p, end) ||
			    !expect(&p, end, "\""))
				goto bad;
			np++;
		}
		if (line > 1 && memcmp(prev, digest, 32) >= 0)
			return prov_error_set(PROV_EINVALID,
					      "anchor proofs, line %zu: ids "
					      "out of order or repeated",
					      line);
		memcpy(prev, digest, 32);
		if ((rc = fn(digest, (const uint8_t(*)[32])proof, np, payload)))
			return rc;
	}
	return 0;
bad:
	return prov_error_set(PROV_EINVALID,
			      "anchor proofs, line %zu: not "
			      "{\"id\":\"sha256:<hex>\",\"proof\":[\"0x<hex>\",...]} "
			      "(at byte %zu)",
			      line, (size_t)(p - data));
}

struct check {
	const uint8_t *root;
	size_t count, bad;
	uint8_t first_bad[32];
};

static int check_one(const uint8_t digest[32], const uint8_t (*proof)[32],
		     size_t n, void *payload)
{
	struct check *c = payload;
	uint8_t leaf[32];

	merkle_leaf_bytes32(leaf, digest);
	if (merkle_verify(c->root, leaf, proof, n)) {
		prov_error_clear();
		if (!c->bad++)
			memcpy(c->first_bad, digest, 32);
	}
	c->count++;
	return 0;
}

int anchor_proofs_check(const char *data, size_t n, const uint8_t root[32],
			uint64_t count)
{
	struct check c = { root, 0, 0, { 0 } };
	char hex[65];
	int rc;

	if ((rc = anchor_proofs_each(data, n, check_one, &c)))
		return rc;
	if (c.count != count)
		return prov_error_set(PROV_EVERIFY,
				      "anchor proofs: %zu records, the record "
				      "says %llu",
				      c.count, (unsigned long long)count);
	if (c.bad)
		return prov_error_set(PROV_EVERIFY,
				      "anchor proofs: %zu of %zu do not lead to "
				      "the root (the first: sha256:%s)",
				      c.bad, c.count,
				      (hex_encode(hex, c.first_bad, 32), hex));
	return 0;
}

json_t *anchor_payload(const struct anchor_info *a, const char *by,
		       int64_t created)
{
	char when[32], root[67], tx[67], bhash[67], contract[43], submitter[43];
	json_t *o;

	time_rfc3339(when, created);
	chain_hex(root, a->root, 32);
	chain_hex(tx, a->tx_hash, 32);
	chain_hex(bhash, a->block_hash, 32);
	address_checksum(contract, a->contract);
	address_checksum(submitter, a->submitter);
	o = json_pack("{s:s, s:s, s:s, s:s, s:s, s:s, s:I, s:I, s:s, s:s, "
		      "s:{s:I, s:s, s:I}, s:{s:s, s:I}}",
		      "kind", "anchor", "by", by, "created", when, "chain",
		      a->chain, "contract", contract, "submitter", submitter,
		      "seq", (json_int_t)a->seq, "count", (json_int_t)a->count,
		      "root", root, "tx", tx, "block", "number",
		      (json_int_t)a->block_number, "hash", bhash, "time",
		      (json_int_t)a->block_time, "records", "blob",
		      a->blob_hex, "count", (json_int_t)a->count);
	if (o && a->uri && a->uri[0])
		json_object_set_new(o, "uri", json_string(a->uri));
	return o;
}

/* A "0x" + 2n hex digit string member into out. */
static int get_hex(uint8_t *out, size_t n, const json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	if (!s || strlen(s) != 2 + 2 * n || s[0] != '0' || s[1] != 'x' ||
	    hex_decode(out, n, s + 2, 2 * n))
		return prov_error_set(PROV_EINVALID,
				      "anchor record: '%s' is not 0x and %zu "
				      "hex digits",
				      key, 2 * n);
	return 0;
}

static int get_u64(uint64_t *out, const json_t *o, const char *key)
{
	const json_t *v = json_object_get(o, key);

	if (!json_is_integer(v) || json_integer_value(v) < 0)
		return prov_error_set(PROV_EINVALID,
				      "anchor record: '%s' is not a count",
				      key);
	*out = (uint64_t)json_integer_value(v);
	return 0;
}

int anchor_info_parse(struct anchor_info *out, const json_t *payload)
{
	const json_t *block = json_object_get(payload, "block");
	const json_t *records = json_object_get(payload, "records");
	const char *s;
	uint64_t n;
	int rc;

	memset(out, 0, sizeof(*out));
	out->chain = json_string_value(json_object_get(payload, "chain"));
	out->blob_hex = json_string_value(json_object_get(records, "blob"));
	s = json_string_value(json_object_get(payload, "contract"));
	if (!out->chain || strncmp(out->chain, "eip155:", 7))
		return prov_error_set(PROV_EINVALID,
				      "anchor record: 'chain' is not an "
				      "eip155 chain (CAIP-2)");
	if (!s || address_parse(out->contract, s))
		return prov_error_set(PROV_EINVALID,
				      "anchor record: 'contract' is not an "
				      "address");
	s = json_string_value(json_object_get(payload, "submitter"));
	if (!s || address_parse(out->submitter, s))
		return prov_error_set(PROV_EINVALID,
				      "anchor record: 'submitter' is not an "
				      "address");
	if (!out->blob_hex || strlen(out->blob_hex) != 64)
		return prov_error_set(PROV_EINVALID,
				      "anchor record: no proofs blob");
	if ((rc = get_u64(&out->seq, payload, "seq")) ||
	    (rc = get_u64(&out->count, payload, "count")) ||
	    (rc = get_u64(&n, records, "count")) ||
	    (rc = get_hex(out->root, 32, payload, "root")) ||
	    (rc = get_hex(out->tx_hash, 32, payload, "tx")) ||
	    (rc = get_u64(&out->block_number, block, "number")) ||
	    (rc = get_u64(&out->block_time, block, "time")) ||
	    (rc = get_hex(out->block_hash, 32, block, "hash")))
		return rc;
	if (n != out->count)
		return prov_error_set(PROV_EINVALID,
				      "anchor record: 'count' and the "
				      "records' count differ");
	out->uri = json_string_value(json_object_get(payload, "uri"));
	return 0;
}
