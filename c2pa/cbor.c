/*
 * CBOR for C2PA: a bounds check before libcbor sees untrusted bytes, and
 * small accessors for the maps claims and assertions are made of.
 *
 * libcbor's cbor_load trusts declared lengths when it allocates (an array
 * that claims 2^32 items in a ten-byte input) and frees nested items
 * recursively, so hostile nesting would exhaust the stack. cbor_check
 * walks the bytes first, without allocating: every declared length must
 * fit in what is left, nesting is bounded, and the item must end exactly
 * at n.
 */
#include <stdlib.h>
#include <string.h>

#include "c2pa/c2pa.h"

/* The argument of a head whose initial byte is p[*i - 1]: *v, 0; a
 * reserved additional-information value is an error. *indef for 31. */
static int head_arg(uint64_t *v, int *indef, const uint8_t *p, size_t n,
		    size_t *i, uint8_t ai)
{
	size_t w = 0;

	*indef = 0;
	if (ai < 24) {
		*v = ai;
		return 0;
	}
	if (ai == 31) {
		*indef = 1;
		*v = 0;
		return 0;
	}
	if (ai > 27)
		return prov_error_set(PROV_EINVALID,
				      "CBOR: reserved value at offset %zu",
				      *i - 1);
	w = (size_t)1 << (ai - 24);
	if (n - *i < w)
		return prov_error_set(PROV_EINVALID,
				      "CBOR: truncated at offset %zu", *i);
	*v = 0;
	for (size_t k = 0; k < w; k++)
		*v = *v << 8 | p[(*i)++];
	return 0;
}

/* What is still to read at one nesting level: items (for a definite
 * array or map, counting keys and values), or -1 until a break. */
struct level {
	uint64_t left;
	int indef;
	int strings; /* inside an indefinite string: only chunks of major */
	uint8_t major;
};

int cb_check(const uint8_t *p, size_t n)
{
	struct level st[CBOR_DEPTH_MAX + 1];
	size_t depth = 0, i = 0;
	uint64_t v = 0;
	int indef, rc;

	st[0] = (struct level){ 1, 0, 0, 0 };
	while (depth || st[0].left) {
		struct level *top = &st[depth];
		uint8_t ib, major, ai;

		if (!top->indef && !top->left) {
			depth--;
			continue;
		}
		if (i >= n)
			return prov_error_set(PROV_EINVALID,
					      "CBOR: truncated at offset %zu",
					      i);
		ib = p[i++];
		if (ib == 0xff) {
			if (!top->indef)
				return prov_error_set(
					PROV_EINVALID,
					"CBOR: unexpected break at offset %zu",
					i - 1);
			if (top->major == 5 && (top->left & 1))
				return prov_error_set(
					PROV_EINVALID,
					"CBOR: a map key without a value "
					"before offset %zu",
					i - 1);
			depth--;
			continue;
		}
		major = ib >> 5;
		ai = ib & 31;
		if (top->strings && major != top->major)
			return prov_error_set(
				PROV_EINVALID,
				"CBOR: a chunk of another type at offset %zu",
				i - 1);
		if ((rc = head_arg(&v, &indef, p, n, &i, ai)))
			return rc;
		if (top->indef)
			top->left++; /* counts items, for the map parity */
		else
			top->left--;
		if (indef && (major == 0 || major == 1 || major == 6 ||
			      (top->strings)))
			return prov_error_set(
				PROV_EINVALID,
				"CBOR: invalid indefinite length at offset %zu",
				i - 1);
		switch (major) {
		case 0:
		case 1:
			break;
		case 2:
		case 3:
			if (indef)
				goto nest;
			if (v > n - i)
				return prov_error_set(
					PROV_EINVALID,
					"CBOR: a string of %llu bytes past "
					"the end at offset %zu",
					(unsigned long long)v, i);
			i += (size_t)v;
			break;
		case 4:
		case 5:
			if (!indef) {
				/* each item takes at least a byte */
				if (v > (n - i) / (major == 5 ? 2 : 1))
					return prov_error_set(
						PROV_EINVALID,
						"CBOR: %llu items past the end "
						"at offset %zu",
						(unsigned long long)v, i);
				if (major == 5)
					v *= 2;
				if (!v)
					break;
			}
			goto nest;
		case 6:
			v = 1; /* the tagged item */
			goto nest;
		case 7:
			if (ai == 24 && v < 32)
				return prov_error_set(
					PROV_EINVALID,
					"CBOR: a simple value in two bytes at "
					"offset %zu",
					i - 2);
			break;
		}
		continue;
	nest:
		if (depth == CBOR_DEPTH_MAX)
			return prov_error_set(PROV_EINVALID,
					      "CBOR: nested deeper than %d at "
					      "offset %zu",
					      CBOR_DEPTH_MAX, i);
		st[++depth] = (struct level){
			indef ? 0 : (major == 6 ? 1 : v), indef,
			indef && (major == 2 || major == 3), major
		};
	}
	if (i != n)
		return prov_error_set(PROV_EINVALID,
				      "CBOR: %zu bytes after the item", n - i);
	return 0;
}

int cb_decode(cbor_item_t **out, const uint8_t *p, size_t n)
{
	struct cbor_load_result res;
	int rc;

	*out = NULL;
	if ((rc = cb_check(p, n)))
		return rc;
	*out = cbor_load(p, n, &res);
	if (!*out || res.error.code != CBOR_ERR_NONE || res.read != n) {
		if (*out)
			cbor_decref(out);
		return prov_error_set(PROV_EINVALID,
				      "CBOR: libcbor refused it at offset %zu",
				      res.error.position);
	}
	return 0;
}

cbor_item_t *cb_get(const cbor_item_t *map, const char *key)
{
	size_t len = strlen(key);
	struct cbor_pair *pairs;

	if (!map || !cbor_isa_map(map))
		return NULL;
	pairs = cbor_map_handle(map);
	for (size_t i = 0; i < cbor_map_size(map); i++) {
		cbor_item_t *k = pairs[i].key;

		if (cbor_isa_string(k) && cbor_string_is_definite(k) &&
		    cbor_string_length(k) == len &&
		    !memcmp(cbor_string_handle(k), key, len))
			return pairs[i].value;
	}
	return NULL;
}

cbor_item_t *cb_label(const cbor_item_t *map, int64_t key)
{
	struct cbor_pair *pairs;

	if (!map || !cbor_isa_map(map))
		return NULL;
	pairs = cbor_map_handle(map);
	for (size_t i = 0; i < cbor_map_size(map); i++) {
		int64_t k;

		if (!cb_int(&k, pairs[i].key) && k == key)
			return pairs[i].value;
	}
	return NULL;
}

int cb_int(int64_t *out, const cbor_item_t *it)
{
	uint64_t v;

	if (!it || (!cbor_isa_uint(it) && !cbor_isa_negint(it)))
		return PROV_EINVALID;
	v = cbor_get_int(it);
	if (v > INT64_MAX)
		return PROV_EINVALID;
	*out = cbor_isa_uint(it) ? (int64_t)v : -1 - (int64_t)v;
	return 0;
}

char *cb_text(const cbor_item_t *it)
{
	char *s;
	size_t n;

	if (!it || !cbor_isa_string(it) || !cbor_string_is_definite(it))
		return NULL;
	n = cbor_string_length(it);
	s = xmalloc(n + 1);
	memcpy(s, cbor_string_handle(it), n);
	s[n] = 0;
	if (memchr(s, 0, n)) {
		free(s);
		return NULL;
	}
	return s;
}

int cb_bytes(const uint8_t **p, size_t *n, const cbor_item_t *it)
{
	if (!it || !cbor_isa_bytestring(it) ||
	    !cbor_bytestring_is_definite(it))
		return PROV_EINVALID;
	*p = cbor_bytestring_handle(it);
	*n = cbor_bytestring_length(it);
	return 0;
}

void cb_put_text(cbor_item_t *map, const char *key, const char *value)
{
	cb_put(map, key, cbor_build_string(value));
}

void cb_put(cbor_item_t *map, const char *key, cbor_item_t *value)
{
	if (!value || !cbor_map_add(map, (struct cbor_pair){
						 .key = cbor_move(cbor_build_string(key)),
						 .value = cbor_move(value) }))
		abort();
}

int cb_encode(struct buf *out, const cbor_item_t *it)
{
	unsigned char *p = NULL;
	size_t cap = 0, n = cbor_serialize_alloc(it, &p, &cap);
	int rc;

	if (!n)
		abort();
	rc = buf_put(out, p, n);
	free(p);
	return rc;
}
