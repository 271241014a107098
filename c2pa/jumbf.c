/*
 * JUMBF boxes (ISO 19566-5): LBox (u32 BE), TBox, an XLBox (u64) when
 * LBox is 1, then the payload. A superbox "jumb" starts with a
 * description box "jumd": a 16-byte type, a toggles byte, then the
 * optional label, id and signature the toggles announce.
 */
#include <stdlib.h>
#include <string.h>

#include "c2pa/c2pa.h"

static uint32_t be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static void put_be32(uint8_t *p, uint32_t v)
{
	p[0] = (uint8_t)(v >> 24);
	p[1] = (uint8_t)(v >> 16);
	p[2] = (uint8_t)(v >> 8);
	p[3] = (uint8_t)v;
}

static int bad(size_t offset, const char *why)
{
	return prov_error_set(PROV_EINVALID, "JUMBF: %s at offset %zu", why,
			      offset);
}

struct parser {
	struct jumbf *j;
	size_t cap;
	const uint8_t *data;
};

/* Reads the header of the box at off, which must end by end. LBox 0
 * (the box runs to the end) is allowed, as ISO/IEC 14496-12 allows it. */
static int header(struct jumbf_box *b, const uint8_t *data, size_t off,
		  size_t end)
{
	uint64_t size;

	if (end - off < 8)
		return bad(off, "a box header cut off");
	size = be32(data + off);
	b->header = 8;
	if (size == 1) {
		if (end - off < 16)
			return bad(off, "an extended box length cut off");
		size = (uint64_t)be32(data + off + 8) << 32 |
		       be32(data + off + 12);
		b->header = 16;
	} else if (size == 0) {
		size = end - off;
	}
	if (size < b->header)
		return bad(off, "a box length shorter than its header");
	if (size > end - off)
		return bad(off, "a box past the end of its container");
	memcpy(b->type, data + off + 4, 4);
	b->type[4] = '\0';
	b->offset = off;
	b->size = (size_t)size;
	return 0;
}

/* The description box's fields, into the superbox b. */
static int description(struct jumbf_box *b, const uint8_t *data, size_t off,
		       size_t end)
{
	struct jumbf_box d = {0};
	size_t p, stop;
	int rc;

	if ((rc = header(&d, data, off, end)))
		return rc;
	if (memcmp(d.type, "jumd", 4))
		return bad(off, "a superbox without a description box first");
	p = off + d.header;
	stop = off + d.size;
	if (stop - p < 17)
		return bad(off, "a description box cut off");
	memcpy(b->uuid, data + p, 16);
	b->toggles = data[p + 16];
	p += 17;
	if (b->toggles & JUMD_LABEL) {
		const uint8_t *nul = memchr(data + p, 0, stop - p);
		if (!nul)
			return bad(p, "a label without its NUL");
		b->label = xstrndup((const char *)data + p,
				    (size_t)(nul - (data + p)));
		if (!utf8_valid(b->label))
			return bad(p, "a label that is not UTF-8");
		p = (size_t)(nul - data) + 1;
	}
	if (b->toggles & JUMD_ID) {
		if (stop - p < 4)
			return bad(p, "a description id cut off");
		b->id = be32(data + p);
		p += 4;
	}
	if (b->toggles & JUMD_SIGNATURE) {
		if (stop - p < 32)
			return bad(p, "a description signature cut off");
		memcpy(b->signature, data + p, 32);
		p += 32;
	}
	/* a private box may follow; anything else is garbage */
	if (p != stop && !(b->toggles & JUMD_PRIVATE))
		return bad(p, "bytes after the description's fields");
	b->desc_offset = off;
	b->desc_size = d.size;
	return 0;
}

static int parse_boxes(struct parser *ps, size_t off, size_t end, size_t depth,
		       size_t parent);

static size_t add_box(struct parser *ps)
{
	struct jumbf *j = ps->j;

	if (j->n == ps->cap) {
		ps->cap = ps->cap ? 2 * ps->cap : 32;
		j->v = xrealloc(j->v, ps->cap * sizeof(*j->v));
	}
	memset(&j->v[j->n], 0, sizeof(*j->v));
	return j->n++;
}

/* One box at off; a superbox's content boxes after it, recursively. */
static int parse_box(struct parser *ps, size_t *index, size_t off, size_t end,
		     size_t depth)
{
	struct jumbf_box b = {0};
	size_t i;
	int rc;

	if (ps->j->n >= JUMBF_BOXES_MAX)
		return bad(off, "too many boxes");
	if ((rc = header(&b, ps->data, off, end)))
		return rc;
	b.depth = depth;
	i = add_box(ps);
	*index = i;
	if (memcmp(b.type, "jumb", 4)) {
		ps->j->v[i] = b;
		return 0;
	}
	if (depth >= JUMBF_DEPTH_MAX)
		return bad(off, "superboxes nested too deep");
	b.super = 1;
	rc = description(&b, ps->data, off + b.header, off + b.size);
	ps->j->v[i] = b; /* the label is owned by the array from here */
	if (rc)
		return rc;
	return parse_boxes(ps, b.desc_offset + b.desc_size, off + b.size,
			   depth + 1, i);
}

/* The boxes filling [off, end), linked as siblings under parent. */
static int parse_boxes(struct parser *ps, size_t off, size_t end, size_t depth,
		       size_t parent)
{
	size_t prev = 0, count = 0;
	int rc;

	while (off < end) {
		size_t i;
		if ((rc = parse_box(ps, &i, off, end, depth)))
			return rc;
		if (count++)
			ps->j->v[prev].next = i;
		else if (parent != SIZE_MAX)
			ps->j->v[parent].first = i;
		prev = i;
		off += ps->j->v[i].size;
	}
	if (parent != SIZE_MAX)
		ps->j->v[parent].nchild = count;
	return 0;
}

int jumbf_parse(struct jumbf *out, const uint8_t *data, size_t n)
{
	struct parser ps = {out, 0, data};

	memset(out, 0, sizeof(*out));
	if (!n)
		return bad(0, "no box");
	return parse_boxes(&ps, 0, n, 0, SIZE_MAX);
}

void jumbf_release(struct jumbf *j)
{
	for (size_t i = 0; i < j->n; i++)
		free(j->v[i].label);
	free(j->v);
	memset(j, 0, sizeof(*j));
}

size_t jumbf_child(const struct jumbf *j, size_t i, const char *label)
{
	for (size_t c = j->v[i].first; c; c = j->v[c].next)
		if (j->v[c].super && j->v[c].label &&
		    !strcmp(j->v[c].label, label))
			return c;
	return 0;
}

/* ---- writing ----------------------------------------------------------------
 */

void jumbf_uuid(uint8_t out[16], const char fourcc[4])
{
	static const uint8_t tail[12] = {0x00, 0x11, 0x00, 0x10, 0x80, 0x00,
					 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71};

	memcpy(out, fourcc, 4);
	memcpy(out + 4, tail, sizeof(tail));
}

int jumbf_put_box(struct buf *out, const char type[4], const void *payload,
		  size_t n)
{
	uint8_t h[8];

	if (n > UINT32_MAX - 8)
		return prov_error_set(PROV_EINVALID,
				      "JUMBF: a %zu-byte box is over 4 GiB", n);
	put_be32(h, (uint32_t)(n + 8));
	memcpy(h + 4, type, 4);
	if (buf_put(out, h, 8) || buf_put(out, payload, n))
		return PROV_EINVALID;
	return 0;
}

int jumbf_super_begin(struct buf *out, size_t *mark, const uint8_t uuid[16],
		      const char *label)
{
	static const uint8_t jumb[8] = {0, 0, 0, 0, 'j', 'u', 'm', 'b'};
	struct buf d = BUF_INIT;
	uint8_t toggles = JUMD_REQUESTABLE | JUMD_LABEL;
	int rc;

	*mark = out->len;
	buf_put(&d, uuid, 16);
	buf_putc(&d, (char)toggles);
	buf_put(&d, label, strlen(label) + 1);
	rc = buf_put(out, jumb, sizeof(jumb));
	if (!rc)
		rc = jumbf_put_box(out, "jumd", d.ptr, d.len);
	buf_release(&d);
	return rc;
}

int jumbf_super_end(struct buf *out, size_t mark)
{
	size_t n = out->len - mark;

	if (n > UINT32_MAX)
		return prov_error_set(
			PROV_EINVALID,
			"JUMBF: a %zu-byte superbox is over 4 GiB", n);
	put_be32((uint8_t *)out->ptr + mark, (uint32_t)n);
	return 0;
}

int jumbf_put_super(struct buf *out, const char fourcc[4], const char *label,
		    const char type[4], const void *payload, size_t n)
{
	uint8_t uuid[16];
	size_t mark;
	int rc;

	jumbf_uuid(uuid, fourcc);
	if (!(rc = jumbf_super_begin(out, &mark, uuid, label)) &&
	    !(rc = jumbf_put_box(out, type, payload, n)))
		rc = jumbf_super_end(out, mark);
	return rc;
}
