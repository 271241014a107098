/* Solidity ABI: selectors, topics, and the head/tail encoding of the types
 * the registry contract uses. The decoder reads bytes from a node, which
 * may lie: every offset and length is checked against what is there. */
#include <stdlib.h>
#include <string.h>

#include "chain/chain.h"

void abi_selector(uint8_t out[4], const char *signature)
{
	uint8_t h[32];

	keccak256(h, signature, strlen(signature));
	memcpy(out, h, 4);
}

void abi_topic(uint8_t out[32], const char *signature)
{
	keccak256(out, signature, strlen(signature));
}

/* Decimal size suffix: 1..3 digits, no leading zero. */
static int parse_size(unsigned *out, const char *s, size_t n)
{
	unsigned v = 0;

	if (n == 0 || n > 3 || s[0] == '0')
		return -1;
	for (size_t i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (unsigned)(s[i] - '0');
	}
	*out = v;
	return 0;
}

int abi_type_parse(struct abi_type *out, const char *name, size_t n)
{
	char show[SHOW_SIZE];
	struct abi_type t = {0, 0, 0};
	unsigned sz;

	if (n >= 2 && name[n - 2] == '[' && name[n - 1] == ']') {
		t.array = 1;
		n -= 2;
	}
	if (n == 4 && !memcmp(name, "bool", 4)) {
		t.kind = ABI_BOOL;
	} else if (n == 7 && !memcmp(name, "address", 7)) {
		t.kind = ABI_ADDRESS;
	} else if (n == 6 && !memcmp(name, "string", 6)) {
		t.kind = ABI_STRING;
	} else if (n == 5 && !memcmp(name, "bytes", 5)) {
		t.kind = ABI_BYTES;
	} else if (n > 5 && !memcmp(name, "bytes", 5) &&
		   !parse_size(&sz, name + 5, n - 5) && sz <= 32) {
		t.kind = ABI_FIXED;
		t.size = (uint8_t)sz;
	} else if (n > 4 && !memcmp(name, "uint", 4) &&
		   !parse_size(&sz, name + 4, n - 4) && sz % 8 == 0 &&
		   sz <= 256) {
		t.kind = ABI_UINT;
		t.size = (uint8_t)(sz - 1); /* 255 stands for 256 */
	} else {
		goto bad;
	}
	if (t.array && (t.kind == ABI_STRING || t.kind == ABI_BYTES))
		goto bad;
	*out = t;
	return 0;
bad:
	return prov_error_set(PROV_EINVALID, "abi: unsupported type \"%s\"",
			      prov_show(show, name, n + (t.array ? 2 : 0)));
}

int abi_types_parse(struct abi_type *out, size_t cap, size_t *n,
		    const char *list)
{
	const char *p = list;
	size_t k = 0;
	int rc;

	*n = 0;
	if (!*p)
		return 0;
	for (;;) {
		const char *e = strchr(p, ',');
		size_t len = e ? (size_t)(e - p) : strlen(p);

		if (k == cap)
			return prov_error_set(PROV_EINVALID,
					      "abi: more than %zu types", cap);
		if ((rc = abi_type_parse(&out[k], p, len)))
			return rc;
		k++;
		if (!e)
			break;
		p = e + 1;
	}
	*n = k;
	return 0;
}

/* uintN sizes are kept as N-1 so that 256 fits a byte. */
static unsigned uint_bits(struct abi_type t)
{
	return (unsigned)t.size + 1;
}

static int is_dynamic(struct abi_type t)
{
	return t.array || t.kind == ABI_STRING || t.kind == ABI_BYTES;
}

void abi_set_uint(struct abi_value *v, unsigned bits, uint64_t x)
{
	memset(v, 0, sizeof(*v));
	v->type.kind = ABI_UINT;
	v->type.size = (uint8_t)(bits - 1);
	for (int i = 0; i < 8; i++)
		v->word[31 - i] = (uint8_t)(x >> (8 * i));
}

void abi_set_bool(struct abi_value *v, int x)
{
	memset(v, 0, sizeof(*v));
	v->type.kind = ABI_BOOL;
	v->word[31] = x != 0;
}

void abi_set_address(struct abi_value *v, const uint8_t addr[20])
{
	memset(v, 0, sizeof(*v));
	v->type.kind = ABI_ADDRESS;
	memcpy(v->word + 12, addr, 20);
}

void abi_set_fixed(struct abi_value *v, const uint8_t *b, unsigned n)
{
	memset(v, 0, sizeof(*v));
	v->type.kind = ABI_FIXED;
	v->type.size = (uint8_t)n;
	memcpy(v->word, b, n);
}

void abi_set_bytes(struct abi_value *v, const void *p, size_t n)
{
	memset(v, 0, sizeof(*v));
	v->type.kind = ABI_BYTES;
	v->ptr = p;
	v->len = n;
}

void abi_set_string(struct abi_value *v, const char *s)
{
	abi_set_bytes(v, s, strlen(s));
	v->type.kind = ABI_STRING;
}

void abi_set_array(struct abi_value *v, struct abi_type elem,
		   const uint8_t (*words)[32], size_t n)
{
	memset(v, 0, sizeof(*v));
	v->type = elem;
	v->type.array = 1;
	v->ptr = (const uint8_t *)words;
	v->len = n;
}

static int all_zero(const uint8_t *p, size_t n)
{
	uint8_t acc = 0;

	for (size_t i = 0; i < n; i++)
		acc |= p[i];
	return acc == 0;
}

/* 1 if w is the canonical word of a static value of type t. */
static int word_ok(struct abi_type t, const uint8_t w[32])
{
	switch (t.kind) {
	case ABI_UINT: return all_zero(w, 32 - uint_bits(t) / 8);
	case ABI_BOOL: return all_zero(w, 31) && w[31] <= 1;
	case ABI_ADDRESS: return all_zero(w, 12);
	case ABI_FIXED:
		return t.size >= 1 && t.size <= 32 &&
		       all_zero(w + t.size, 32 - (size_t)t.size);
	}
	return 0;
}

static const char *kind_name(struct abi_type t)
{
	static const char *const names[] = {
		"?", "uint", "bool", "address", "bytesN", "bytes", "string"};
	return t.kind <= ABI_STRING ? names[t.kind] : "?";
}

static void put_u64_word(struct buf *out, uint64_t x)
{
	uint8_t w[32] = {0};

	for (int i = 0; i < 8; i++)
		w[31 - i] = (uint8_t)(x >> (8 * i));
	buf_put(out, w, 32);
}

int abi_encode(struct buf *out, const struct abi_value *v, size_t n)
{
	struct buf tail = BUF_INIT;
	size_t head, start = out->len;
	int rc = 0;

	if (size_mul(&head, n, 32))
		return prov_error_set(PROV_EINVALID, "abi: too many values");
	for (size_t i = 0; i < n; i++) {
		struct abi_type t = v[i].type;

		if (!is_dynamic(t)) {
			if (!word_ok(t, v[i].word)) {
				rc = prov_error_set(PROV_EINVALID,
						    "abi: value %zu does not "
						    "fit its type (%s)",
						    i, kind_name(t));
				goto done;
			}
			buf_put(out, v[i].word, 32);
			continue;
		}
		put_u64_word(out, (uint64_t)(head + tail.len));
		put_u64_word(&tail, (uint64_t)v[i].len);
		if (t.array) {
			for (size_t k = 0; k < v[i].len; k++) {
				if (!word_ok(t, v[i].ptr + 32 * k)) {
					rc = prov_error_set(
						PROV_EINVALID,
						"abi: value %zu, element %zu "
						"does not fit its type (%s)",
						i, k, kind_name(t));
					goto done;
				}
				buf_put(&tail, v[i].ptr + 32 * k, 32);
			}
		} else {
			static const uint8_t zero[32];

			buf_put(&tail, v[i].ptr, v[i].len);
			buf_put(&tail, zero, (32 - v[i].len % 32) % 32);
		}
	}
	buf_put(out, tail.ptr, tail.len);
done:
	if (rc) {
		out->len = start;
		out->ptr[start] = 0;
	}
	buf_release(&tail);
	return rc;
}

int abi_encode_call(struct buf *out, const char *signature,
		    const struct abi_value *v, size_t n)
{
	uint8_t sel[4];
	size_t start = out->len;
	int rc;

	abi_selector(sel, signature);
	buf_put(out, sel, 4);
	if ((rc = abi_encode(out, v, n))) {
		out->len = start;
		out->ptr[start] = 0;
	}
	return rc;
}

/* A word holding an offset or a length: at most 2^32 (no valid input is
 * larger than the 64 MiB a reply may be). */
static int small_word(size_t *out, const uint8_t w[32])
{
	if (!all_zero(w, 28))
		return -1;
	*out = (size_t)w[28] << 24 | (size_t)w[29] << 16 | (size_t)w[30] << 8 |
	       w[31];
	return 0;
}

int abi_decode(struct abi_value *v, size_t n, const uint8_t *data, size_t len)
{
	size_t head;

	if (size_mul(&head, n, 32) || head > len)
		return prov_error_set(PROV_EINVALID,
				      "abi: %zu bytes, too short for %zu "
				      "values",
				      len, n);
	for (size_t i = 0; i < n; i++) {
		struct abi_type t = v[i].type;
		const uint8_t *w = data + 32 * i;
		size_t off, count, need;

		v[i].ptr = NULL;
		v[i].len = 0;
		if (!is_dynamic(t)) {
			if (!word_ok(t, w))
				return prov_error_set(
					PROV_EINVALID,
					"abi: value %zu is not a valid %s", i,
					kind_name(t));
			memcpy(v[i].word, w, 32);
			continue;
		}
		memset(v[i].word, 0, 32);
		/* The length word must be inside data, after the heads. */
		if (len < 32 || small_word(&off, w) || off < head ||
		    off > len - 32)
			return prov_error_set(PROV_EINVALID,
					      "abi: value %zu: offset outside "
					      "the data",
					      i);
		if (small_word(&count, data + off))
			return prov_error_set(PROV_EINVALID,
					      "abi: value %zu: length too "
					      "large",
					      i);
		const uint8_t *body = data + off + 32;
		size_t left = len - off - 32;

		if (t.array)
			need = count * 32; /* count < 2^32: no overflow */
		else
			need = count + (32 - count % 32) % 32;
		if (need > left)
			return prov_error_set(PROV_EINVALID,
					      "abi: value %zu: %zu elements/"
					      "bytes, past the end of the data",
					      i, count);
		if (t.array) {
			for (size_t k = 0; k < count; k++)
				if (!word_ok(t, body + 32 * k))
					return prov_error_set(
						PROV_EINVALID,
						"abi: value %zu, element %zu "
						"is not a valid %s",
						i, k, kind_name(t));
		} else {
			if (!all_zero(body + count, need - count))
				return prov_error_set(PROV_EINVALID,
						      "abi: value %zu: "
						      "nonzero padding",
						      i);
			if (t.kind == ABI_STRING) {
				char *s;
				int ok;

				if (memchr(body, 0, count))
					return prov_error_set(
						PROV_EINVALID,
						"abi: value %zu: NUL in a "
						"string",
						i);
				s = xstrndup((const char *)body, count);
				ok = utf8_valid(s);
				free(s);
				if (!ok)
					return prov_error_set(
						PROV_EINVALID,
						"abi: value %zu: string is "
						"not UTF-8",
						i);
			}
		}
		v[i].ptr = body;
		v[i].len = count;
	}
	return 0;
}

int abi_get_u64(uint64_t *out, const struct abi_value *v)
{
	uint64_t x = 0;

	if (v->type.kind != ABI_UINT || v->type.array || !all_zero(v->word, 24))
		return prov_error_set(PROV_EINVALID,
				      "abi: value larger than 64 bits");
	for (int i = 24; i < 32; i++)
		x = x << 8 | v->word[i];
	*out = x;
	return 0;
}

int anchored_event_decode(struct anchored_event *out,
			  const uint8_t (*topics)[32], size_t ntopics,
			  const uint8_t *data, size_t len)
{
	struct abi_value idx[3], body[2];
	uint8_t t0[32];
	int rc;

	memset(out, 0, sizeof(*out));
	abi_topic(t0, ANCHORED_EVENT);
	if (ntopics != 4 || memcmp(topics[0], t0, 32))
		return prov_error_set(PROV_EINVALID,
				      "log is not an Anchored event");
	abi_set_uint(&idx[0], 64, 0);
	abi_set_fixed(&idx[1], t0, 32);
	abi_set_address(&idx[2], t0);
	for (size_t i = 0; i < 3; i++)
		if ((rc = abi_decode(&idx[i], 1, topics[i + 1], 32)))
			return prov_error_wrap("Anchored topic %zu", i + 1);
	abi_set_uint(&body[0], 64, 0);
	/* the uri as bytes: a contract takes any string, NULs and invalid
	 * UTF-8 included, and the indexer keeps it as it is */
	abi_set_bytes(&body[1], "", 0);
	if ((rc = abi_decode(body, 2, data, len)))
		return prov_error_wrap("Anchored data");
	abi_get_u64(&out->seq, &idx[0]);
	memcpy(out->root, idx[1].word, 32);
	memcpy(out->submitter, idx[2].word + 12, 20);
	abi_get_u64(&out->count, &body[0]);
	out->uri = xmalloc(body[1].len + 1);
	memcpy(out->uri, body[1].ptr, body[1].len);
	out->uri[body[1].len] = '\0';
	out->uri_len = body[1].len;
	return 0;
}
