/* RLP (the Ethereum Yellow Paper, appendix B): an encoder into struct buf
 * and a strict decoder of untrusted bytes.
 *
 * The decoder accepts the canonical encoding only, so that one value has
 * one spelling and a decoded item re-encodes to the same bytes: a single
 * byte below 0x80 stands for itself (0x81 0x05 is refused), lengths have
 * no leading zero bytes, and the long forms are used only for payloads of
 * 56 bytes or more. rlp_decode checks the whole tree once (nesting at most
 * RLP_DEPTH_MAX lists deep), so walking it afterwards cannot fail on
 * malformed bytes. */
#include <string.h>

#include "chain.h"

/* Big-endian bytes of v without leading zeros into be[8]; returns the
 * count (0 for v == 0). */
static size_t be_minimal(uint8_t be[8], uint64_t v)
{
	size_t n = 0;

	for (int shift = 56; shift >= 0; shift -= 8)
		if (n || (v >> shift) & 0xff)
			be[n++] = (uint8_t)(v >> shift);
	return n;
}

/* The header of a string (base 0x80) or list (base 0xc0) of len bytes. */
static size_t header(uint8_t h[9], uint8_t base, size_t len)
{
	size_t n;

	if (len < 56) {
		h[0] = (uint8_t)(base + len);
		return 1;
	}
	n = be_minimal(h + 1, len);
	h[0] = (uint8_t)(base + 55 + n);
	return 1 + n;
}

int rlp_put_bytes(struct buf *out, const void *data, size_t n)
{
	uint8_t h[9];
	int rc;

	if (n == 1 && *(const uint8_t *)data < 0x80)
		return buf_put(out, data, 1);
	if ((rc = buf_put(out, h, header(h, 0x80, n))))
		return rc;
	return buf_put(out, data, n);
}

int rlp_put_uint(struct buf *out, const uint8_t *be, size_t n)
{
	while (n && !*be) {
		be++;
		n--;
	}
	return rlp_put_bytes(out, be, n);
}

int rlp_put_u64(struct buf *out, uint64_t v)
{
	uint8_t be[8];

	return rlp_put_bytes(out, be, be_minimal(be, v));
}

size_t rlp_list_begin(struct buf *out)
{
	return out->len;
}

int rlp_list_end(struct buf *out, size_t start)
{
	size_t len = out->len - start, n;
	uint8_t h[9];
	int rc;

	n = header(h, 0xc0, len);
	if ((rc = buf_grow(out, n)))
		return rc;
	memmove(out->ptr + start + n, out->ptr + start, len);
	memcpy(out->ptr + start, h, n);
	out->len += n;
	out->ptr[out->len] = '\0';
	return 0;
}

/* Reads the header of the item at data[off], which must end by end. */
static int read_item(struct rlp_item *it, const uint8_t *data, size_t off,
		     size_t end)
{
	size_t avail = end - off, hlen, len = 0, ll;
	uint8_t b = data[off];

	memset(it, 0, sizeof(*it));
	it->off = off;
	if (b < 0x80) {
		hlen = 0;
		len = 1;
	} else if (b < 0xb8 || (b >= 0xc0 && b < 0xf8)) {
		hlen = 1;
		len = b < 0xc0 ? b - 0x80u : b - 0xc0u;
		if (b == 0x81 && avail > 1 && data[off + 1] < 0x80)
			return prov_error_set(PROV_EINVALID,
					      "RLP at offset %zu: a single byte "
					      "below 0x80 wrapped in a string header",
					      off);
	} else {
		ll = b < 0xc0 ? b - 0xb7u : b - 0xf7u;
		hlen = 1 + ll;
		if (avail < hlen)
			return prov_error_set(PROV_EINVALID,
					      "RLP at offset %zu: length runs past "
					      "the end of the input",
					      off);
		if (data[off + 1] == 0)
			return prov_error_set(PROV_EINVALID,
					      "RLP at offset %zu: length with a "
					      "leading zero byte",
					      off);
		for (size_t i = 0; i < ll; i++)
			len = len << 8 | data[off + 1 + i]; /* ll <= 8 */
		if (len < 56)
			return prov_error_set(PROV_EINVALID,
					      "RLP at offset %zu: long form for a "
					      "length under 56",
					      off);
	}
	if (len > avail - hlen)
		return prov_error_set(PROV_EINVALID,
				      "RLP at offset %zu: %zu-byte payload runs "
				      "past the end of the input",
				      off, len);
	it->list = b >= 0xc0;
	it->ptr = data + off + hlen;
	it->len = len;
	it->raw = data + off;
	it->raw_len = hlen + len;
	it->base = data;
	return 0;
}

/* Checks every item nested in list, depth lists deep. */
static int check_list(const struct rlp_item *list, int depth)
{
	size_t off = (size_t)(list->ptr - list->base), end = off + list->len;
	struct rlp_item it;
	int rc;

	if (depth > RLP_DEPTH_MAX)
		return prov_error_set(PROV_EINVALID,
				      "RLP at offset %zu: lists nested more than "
				      "%d deep",
				      list->off, RLP_DEPTH_MAX);
	while (off < end) {
		if ((rc = read_item(&it, list->base, off, end)))
			return rc;
		if (it.list && (rc = check_list(&it, depth + 1)))
			return rc;
		off += it.raw_len;
	}
	return 0;
}

int rlp_decode(struct rlp_item *out, const uint8_t *data, size_t n)
{
	int rc;

	memset(out, 0, sizeof(*out));
	if (!n)
		return prov_error_set(PROV_EINVALID, "RLP at offset 0: no input");
	if ((rc = read_item(out, data, 0, n)))
		return rc;
	if (out->raw_len != n)
		return prov_error_set(PROV_EINVALID,
				      "RLP at offset %zu: %zu bytes after the item",
				      out->raw_len, n - out->raw_len);
	if (out->list && (rc = check_list(out, 1)))
		return rc;
	return 0;
}

void rlp_iter_init(struct rlp_iter *it, const struct rlp_item *list)
{
	it->base = list->base;
	it->off = list->list ? (size_t)(list->ptr - list->base) : 0;
	it->end = list->list ? it->off + list->len : 0;
}

int rlp_next(struct rlp_item *out, struct rlp_iter *it)
{
	int rc;

	if (it->off >= it->end)
		return 0;
	if ((rc = read_item(out, it->base, it->off, it->end)))
		return rc;
	it->off += out->raw_len;
	return 1;
}

int rlp_get_uint(uint8_t *be, size_t n, const struct rlp_item *it,
		 const char *what)
{
	if (it->list || it->len > n || (it->len && it->ptr[0] == 0))
		return prov_error_set(PROV_EINVALID,
				      "RLP at offset %zu: %s is not an integer "
				      "of at most %zu bytes without leading "
				      "zeros",
				      it->off, what, n);
	memset(be, 0, n - it->len);
	memcpy(be + n - it->len, it->ptr, it->len);
	return 0;
}

int rlp_get_u64(uint64_t *out, const struct rlp_item *it, const char *what)
{
	uint8_t be[8];
	int rc;

	*out = 0;
	if ((rc = rlp_get_uint(be, 8, it, what)))
		return rc;
	for (int i = 0; i < 8; i++)
		*out = *out << 8 | be[i];
	return 0;
}

int rlp_reencode(struct buf *out, const struct rlp_item *it)
{
	struct rlp_iter iter;
	struct rlp_item sub;
	size_t start;
	int rc;

	if (!it->list)
		return rlp_put_bytes(out, it->ptr, it->len);
	start = rlp_list_begin(out);
	rlp_iter_init(&iter, it);
	while ((rc = rlp_next(&sub, &iter)) > 0)
		if ((rc = rlp_reencode(out, &sub)))
			return rc;
	return rc ? rc : rlp_list_end(out, start);
}
