/*
 * JPEG marker segments and the APP11 segments (JPEG XT boxes, ISO 18477-3)
 * that carry a C2PA manifest store. Only the segments before the scan are
 * read: a manifest store sits there, and what follows SOS is copied as is.
 */
#include <stdlib.h>
#include <string.h>

#include "c2pa/c2pa.h"

static uint16_t be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void put_be32(uint8_t *p, uint32_t v)
{
	put_be16(p, (uint16_t)(v >> 16));
	put_be16(p + 2, (uint16_t)v);
}

/* Markers without a length: SOI, EOI, RST0-7 and TEM. */
static int standalone(uint8_t m)
{
	return m == 0x01 || (m >= 0xd0 && m <= 0xd9);
}

static void add_segment(struct jpeg_segments *s, size_t *cap, uint8_t marker,
			size_t offset, size_t size)
{
	if (s->n == *cap) {
		*cap = *cap ? 2 * *cap : 16;
		s->v = xrealloc(s->v, *cap * sizeof(*s->v));
	}
	s->v[s->n].marker = marker;
	s->v[s->n].offset = offset;
	s->v[s->n].size = size;
	s->n++;
}

static int bad(size_t offset, const char *why)
{
	return prov_error_set(PROV_EINVALID, "JPEG: %s at offset %zu", why,
			      offset);
}

int jpeg_segments_parse(struct jpeg_segments *out, const uint8_t *data,
			size_t n)
{
	size_t cap = 0, i = 2;

	memset(out, 0, sizeof(*out));
	if (n < 2 || data[0] != 0xff || data[1] != JPEG_SOI)
		return bad(0, "no start of image");
	add_segment(out, &cap, JPEG_SOI, 0, 2);
	for (;;) {
		size_t at;
		uint8_t m;

		if (i >= n)
			return bad(i, "the file ends before a start of scan");
		if (data[i] != 0xff)
			return bad(i, "no marker");
		/* any number of 0xFF fill bytes may precede a marker */
		while (i + 1 < n && data[i + 1] == 0xff)
			i++;
		if (i + 1 >= n)
			return bad(i, "the file ends inside a marker");
		at = i;
		m = data[i + 1];
		if (m == 0x00 || m == JPEG_SOI)
			return bad(at, "unexpected marker");
		if (out->n >= JPEG_SEGMENTS_MAX)
			return bad(at, "too many segments");
		if (standalone(m)) {
			add_segment(out, &cap, m, at, 2);
			i += 2;
			if (m == JPEG_EOI)
				break;
			continue;
		}
		if (n - at < 4)
			return bad(at, "the segment length is cut off");
		uint16_t lp = be16(data + at + 2);
		if (lp < 2)
			return bad(at, "a segment length below 2");
		if (lp > n - at - 2)
			return bad(at, "a segment past the end of the file");
		add_segment(out, &cap, m, at, 2 + (size_t)lp);
		i = at + 2 + lp;
		if (m == JPEG_SOS)
			break;
	}
	out->end = i;
	return 0;
}

void jpeg_segments_release(struct jpeg_segments *s)
{
	free(s->v);
	memset(s, 0, sizeof(*s));
}

/* ---- the manifest store ------------------------------------------------- */

/* A JPEG XT APP11 segment: its payload and header fields. */
struct xt {
	const uint8_t *p; /* payload after Lp */
	size_t n;
	uint16_t en;
	uint32_t z;
};

static int xt_get(struct xt *x, const struct jpeg_segment *s,
		  const uint8_t *data)
{
	if (s->marker != JPEG_APP11 || s->size < 4 + JPEG_XT_HEADER)
		return 0;
	x->p = data + s->offset + 4;
	x->n = s->size - 4;
	if (x->p[0] != 'J' || x->p[1] != 'P')
		return 0;
	x->en = be16(x->p + 2);
	x->z = be32(x->p + 4);
	return 1;
}

/* The bytes repeated at the start of every segment after the first: the
 * superbox's LBox and TBox, and XLBox when LBox is 1. */
static size_t box_header_len(const uint8_t *box)
{
	return be32(box) == 1 ? 16 : 8;
}

/* Whether x is the first packet of a C2PA store: a jumb whose jumd (right
 * after its 8-byte header, as readers expect) has the c2pa type and label. */
static int is_store_start(const struct xt *x)
{
	static const char label[] = "c2pa";
	const uint8_t *b = x->p + JPEG_XT_HEADER;
	size_t n = x->n - JPEG_XT_HEADER;

	if (x->z != 1 || n < 8 + 8 + 16 + 1 + sizeof(label))
		return 0;
	return !memcmp(b + 4, "jumb", 4) && !memcmp(b + 12, "jumd", 4) &&
	       !memcmp(b + 16, "c2pa", 4) && (b[32] & JUMD_LABEL) &&
	       !memcmp(b + 33, label, sizeof(label));
}

static int find_start(size_t *first, const struct jpeg_segments *segs,
		      const uint8_t *data)
{
	int found = 0;
	struct xt x;

	for (size_t i = 0; i < segs->n; i++) {
		if (!xt_get(&x, &segs->v[i], data) || !is_store_start(&x))
			continue;
		if (found)
			return prov_error_set(PROV_EINVALID,
					      "JPEG: a second C2PA manifest "
					      "store at offset %zu",
					      segs->v[i].offset);
		*first = i;
		found = 1;
	}
	if (!found)
		return prov_error_set(PROV_ENOTFOUND,
				      "JPEG: no C2PA manifest store");
	return 0;
}

/* Puts the segments of instance en in sequence order into c->seg,
 * refusing gaps and duplicates. */
static int collect(struct jpeg_c2pa *c, const struct jpeg_segments *segs,
		   const uint8_t *data)
{
	struct xt x;
	size_t count = 0;

	for (size_t i = 0; i < segs->n; i++)
		if (xt_get(&x, &segs->v[i], data) && x.en == c->instance)
			count++;
	c->seg = xcalloc(count, sizeof(*c->seg));
	c->nseg = count;
	/* slot z - 1 takes packet z; SIZE_MAX marks a slot not yet taken */
	for (size_t k = 0; k < count; k++)
		c->seg[k] = SIZE_MAX;
	for (size_t i = 0; i < segs->n; i++) {
		if (!xt_get(&x, &segs->v[i], data) || x.en != c->instance)
			continue;
		if (x.z == 0 || x.z > count)
			return prov_error_set(PROV_EINVALID,
					      "JPEG: C2PA packet %u of %zu at "
					      "offset %zu (a gap)",
					      x.z, count, segs->v[i].offset);
		if (c->seg[x.z - 1] != SIZE_MAX)
			return prov_error_set(
				PROV_EINVALID,
				"JPEG: C2PA packet %u repeated at offset %zu",
				x.z, segs->v[i].offset);
		c->seg[x.z - 1] = i;
	}
	return 0;
}

static int reassemble(struct jpeg_c2pa *c, const struct jpeg_segments *segs,
		      const uint8_t *data)
{
	const uint8_t *head = NULL;
	size_t hlen = 0;
	uint64_t lbox;
	struct xt x;

	for (size_t k = 0; k < c->nseg; k++) {
		const struct jpeg_segment *s = &segs->v[c->seg[k]];
		size_t skip = JPEG_XT_HEADER;

		xt_get(&x, s, data);
		if (k == 0) {
			head = x.p + JPEG_XT_HEADER;
			hlen = box_header_len(head);
			if (x.n - JPEG_XT_HEADER < hlen)
				return bad(s->offset, "a cut C2PA box header");
		} else {
			if (x.n - JPEG_XT_HEADER < hlen ||
			    memcmp(x.p + JPEG_XT_HEADER, head, hlen))
				return bad(s->offset, "a C2PA packet whose box "
						      "header differs");
			skip += hlen;
		}
		if (buf_put(&c->jumbf, x.p + skip, x.n - skip))
			return PROV_EINVALID;
	}
	lbox = be32(head);
	if (lbox == 1)
		lbox = (uint64_t)be32(head + 8) << 32 | be32(head + 12);
	if (lbox != 0 && lbox != c->jumbf.len)
		return prov_error_set(PROV_EINVALID,
				      "JPEG: the C2PA store at offset %zu has "
				      "%zu bytes, its box says %llu",
				      segs->v[c->seg[0]].offset, c->jumbf.len,
				      (unsigned long long)lbox);
	return 0;
}

int jpeg_c2pa_read(struct jpeg_c2pa *out, const struct jpeg_segments *segs,
		   const uint8_t *data, size_t n)
{
	size_t first = 0;
	struct xt x;
	int rc;

	memset(out, 0, sizeof(*out));
	out->jumbf = (struct buf)BUF_INIT;
	if ((rc = find_start(&first, segs, data)))
		return rc;
	xt_get(&x, &segs->v[first], data);
	out->instance = x.en;
	if ((rc = collect(out, segs, data)))
		return rc;
	return reassemble(out, segs, data);
}

void jpeg_c2pa_release(struct jpeg_c2pa *c)
{
	buf_release(&c->jumbf);
	free(c->seg);
	c->seg = NULL;
	c->nseg = 0;
}

/* ---- writing ----------------------------------------------------------------
 */

/* A box instance number no other JPEG XT segment of the file uses, so
 * the new store cannot mix with another box; 0x0211 is what others use.
 * The old store's number is free again. */
static int free_instance(uint16_t *en, const struct jpeg_segments *segs,
			 const uint8_t *data, const struct jpeg_c2pa *old)
{
	uint8_t *used = xcalloc(65536 / 8, 1);
	struct xt x;
	int rc = prov_error_set(PROV_EINVALID,
				"JPEG: every JPEG XT box instance is taken");

	for (size_t i = 0; i < segs->n; i++)
		if (xt_get(&x, &segs->v[i], data) &&
		    !(old->nseg && x.en == old->instance))
			used[x.en / 8] |= (uint8_t)(1u << (x.en % 8));
	for (uint32_t k = 0; k < 65536; k++) {
		uint16_t e = (uint16_t)(0x0211 + k);
		if (!(used[e / 8] & (1u << (e % 8)))) {
			*en = e;
			prov_error_clear();
			rc = 0;
			break;
		}
	}
	free(used);
	return rc;
}

/* Appends jumbf as APP11 segments: each at most JPEG_PAYLOAD_MAX bytes
 * after Lp, the box header repeated in every one after the first. */
static int put_store(struct buf *out, const uint8_t *jumbf, size_t jn,
		     uint16_t en)
{
	size_t hlen = box_header_len(jumbf), done = 0;
	uint32_t z = 1;

	if (jn < hlen)
		return prov_error_set(PROV_EINVALID,
				      "JUMBF: %zu bytes are not a box", jn);
	while (done < jn) {
		size_t rep = z == 1 ? 0 : hlen;
		size_t room = JPEG_PAYLOAD_MAX - JPEG_XT_HEADER - rep;
		size_t chunk = jn - done < room ? jn - done : room;
		uint8_t h[4 + JPEG_XT_HEADER] = {0xff, JPEG_APP11};

		if (z == UINT32_MAX)
			return prov_error_set(PROV_EINVALID,
					      "JUMBF: too large for APP11");
		put_be16(h + 2, (uint16_t)(2 + JPEG_XT_HEADER + rep + chunk));
		h[4] = 'J';
		h[5] = 'P';
		put_be16(h + 6, en);
		put_be32(h + 8, z++);
		if (buf_put(out, h, sizeof(h)) || buf_put(out, jumbf, rep) ||
		    buf_put(out, jumbf + done, chunk))
			return PROV_EINVALID;
		done += chunk;
	}
	return 0;
}

/* Where a new store goes: the old store's place, else after the last
 * APP0 (JFIF wants APP0 first), else right after SOI. */
static size_t insert_at(const struct jpeg_segments *segs,
			const struct jpeg_c2pa *old)
{
	size_t at = segs->v[0].offset + segs->v[0].size;

	if (old->nseg) {
		at = SIZE_MAX;
		for (size_t k = 0; k < old->nseg; k++)
			if (segs->v[old->seg[k]].offset < at)
				at = segs->v[old->seg[k]].offset;
		return at;
	}
	for (size_t i = 1; i < segs->n; i++)
		if (segs->v[i].marker == JPEG_APP0)
			at = segs->v[i].offset + segs->v[i].size;
	return at;
}

static int is_old(const struct jpeg_c2pa *old, size_t i)
{
	for (size_t k = 0; k < old->nseg; k++)
		if (old->seg[k] == i)
			return 1;
	return 0;
}

int jpeg_c2pa_write(struct buf *out, struct c2pa_exclusion *excl,
		    const uint8_t *data, size_t n, const uint8_t *jumbf,
		    size_t jn)
{
	struct jpeg_segments segs = {0};
	struct jpeg_c2pa old = {BUF_INIT, NULL, 0, 0};
	size_t at, copied = 0, start = 0, len = 0;
	uint16_t en = 0;
	int rc;

	if ((rc = jpeg_segments_parse(&segs, data, n)))
		goto done;
	rc = jpeg_c2pa_read(&old, &segs, data, n);
	if (rc == PROV_ENOTFOUND) {
		/* nothing to remove; old is empty again */
		jpeg_c2pa_release(&old);
		prov_error_clear();
		rc = 0;
	}
	if (rc || (jumbf && (rc = free_instance(&en, &segs, data, &old))))
		goto done;
	at = insert_at(&segs, &old);
	/* copy in order, leaving out the old store's segments; the new one
	 * goes in when the copy reaches its place */
	for (size_t i = 0; i <= segs.n; i++) {
		size_t upto = i < segs.n ? segs.v[i].offset : n;
		if (copied < at && upto >= at) {
			if ((rc = buf_put(out, data + copied, at - copied)))
				goto done;
			copied = at;
			start = out->len;
			if (jumbf && (rc = put_store(out, jumbf, jn, en)))
				goto done;
			len = out->len - start;
		}
		if ((rc = buf_put(out, data + copied, upto - copied)))
			goto done;
		copied = upto;
		if (i < segs.n && is_old(&old, i))
			copied += segs.v[i].size;
	}
	if (excl) {
		excl->start = start;
		excl->length = len;
	}
done:
	jpeg_c2pa_release(&old);
	jpeg_segments_release(&segs);
	return rc;
}
