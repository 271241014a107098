/* c2pa at the byte level: JPEG segments, the APP11 manifest store and
 * JUMBF boxes, over the fixtures from c2pa-rs (tests/fixtures/c2pa) and
 * hand-made bad inputs. */
#include <stdlib.h>

#include "c2pa/c2pa.h"
#include "unit.h"

#define FIX "tests/fixtures/c2pa/"

static const char *const with_store[] = {
	"C.jpg",
	"CA.jpg",
	"CACA.jpg",
	"CIE-sig-CA.jpg",
	"C_with_CAWG_data.jpg",
	"E-sig-CA.jpg",
	"XCA.jpg",
};
#define NSTORE (sizeof(with_store) / sizeof(*with_store))

static int load(struct buf *b, const char *name)
{
	char path[256];

	snprintf(path, sizeof(path), FIX "%s", name);
	buf_release(b);
	return buf_read_file(b, path, 0);
}

/* The store of a file in memory: 0, or the error of the first failing step. */
static int read_store(struct jpeg_c2pa *c, const void *p, size_t n)
{
	struct jpeg_segments s;
	int rc = jpeg_segments_parse(&s, p, n);

	if (!rc)
		rc = jpeg_c2pa_read(c, &s, p, n);
	else
		*c = (struct jpeg_c2pa){BUF_INIT, NULL, 0, 0};
	jpeg_segments_release(&s);
	return rc;
}

static size_t count_manifests(const struct jumbf *j)
{
	size_t n = 0;

	for (size_t c = j->v[0].first; c; c = j->v[c].next)
		if (j->v[c].super && j->v[c].label &&
		    (!memcmp(j->v[c].uuid, "c2ma", 4) ||
		     !memcmp(j->v[c].uuid, "c2um", 4)))
			n++;
	return n;
}

static void fixtures(void)
{
	struct buf b = BUF_INIT;
	struct jpeg_segments s;
	struct jpeg_c2pa c;
	struct jumbf j;

	for (size_t f = 0; f < NSTORE; f++) {
		CHECK(load(&b, with_store[f]) == 0);
		CHECK(jpeg_segments_parse(&s, (uint8_t *)b.ptr, b.len) == 0);
		CHECK(s.v[s.n - 1].marker == JPEG_SOS);
		CHECK(s.end == s.v[s.n - 1].offset + s.v[s.n - 1].size);
		CHECK(jpeg_c2pa_read(&c, &s, (uint8_t *)b.ptr, b.len) == 0);
		CHECK(c.nseg >= 1 && s.v[c.seg[0]].offset == 20);
		CHECK(jumbf_parse(&j, (uint8_t *)c.jumbf.ptr, c.jumbf.len) ==
		      0);
		CHECK(j.n > 10 && j.v[0].super && j.v[0].next == 0);
		CHECK_STR(j.v[0].label, "c2pa");
		CHECK(!memcmp(j.v[0].uuid, "c2pa", 4));
		CHECK(count_manifests(&j) >= 1);
		CHECK(count_manifests(&j) == j.v[0].nchild);
		if (!strcmp(with_store[f], "CACA.jpg"))
			CHECK(count_manifests(&j) == 2);
		jumbf_release(&j);
		jpeg_c2pa_release(&c);
		jpeg_segments_release(&s);
	}
	CHECK(load(&b, "no_manifest.jpg") == 0);
	CHECK(read_store(&c, b.ptr, b.len) == PROV_ENOTFOUND);
	jpeg_c2pa_release(&c);
	buf_release(&b);
}

/* Rebuilds box i and its siblings with the writer; a description the
 * writer does not make (a private box, an id) is copied as it is. */
static int rebuild(struct buf *out, const struct jumbf *j, size_t i,
		   const uint8_t *data)
{
	for (; i; i = j->v[i].next) {
		const struct jumbf_box *x = &j->v[i];
		size_t mark;
		if (!x->super) {
			if (jumbf_put_box(out, x->type, data + jumbf_payload(x),
					  x->size - x->header))
				return -1;
			continue;
		}
		if (x->toggles != 0x03 || x->header != 8) {
			if (buf_put(out, data + x->offset, x->size))
				return -1;
			continue;
		}
		if (jumbf_super_begin(out, &mark, x->uuid, x->label) ||
		    rebuild(out, j, x->first, data) ||
		    jumbf_super_end(out, mark))
			return -1;
	}
	return 0;
}

/* The writer gives back the fixtures' stores byte for byte. */
static void jumbf_round_trip(void)
{
	struct buf b = BUF_INIT, w = BUF_INIT;
	struct jpeg_c2pa c;
	struct jumbf j;

	for (size_t f = 0; f < NSTORE; f++) {
		CHECK(load(&b, with_store[f]) == 0);
		CHECK(read_store(&c, b.ptr, b.len) == 0);
		CHECK(jumbf_parse(&j, (uint8_t *)c.jumbf.ptr, c.jumbf.len) ==
		      0);
		buf_clear(&w);
		/* index 0 is never a sibling, so start the chain by hand */
		CHECK(j.v[0].toggles == 0x03);
		size_t mark;
		CHECK(jumbf_super_begin(&w, &mark, j.v[0].uuid, "c2pa") == 0);
		CHECK(rebuild(&w, &j, j.v[0].first, (uint8_t *)c.jumbf.ptr) ==
		      0);
		CHECK(jumbf_super_end(&w, mark) == 0);
		CHECK(w.len == c.jumbf.len &&
		      !memcmp(w.ptr, c.jumbf.ptr, w.len));
		jumbf_release(&j);
		jpeg_c2pa_release(&c);
	}
	buf_release(&b);
	buf_release(&w);
}

/* Removing then inserting a store changes only the inserted bytes. */
static void remove_insert(void)
{
	struct buf b = BUF_INIT, bare = BUF_INIT, out = BUF_INIT;
	struct c2pa_exclusion ex;
	struct jpeg_c2pa c, c2;

	for (size_t f = 0; f < NSTORE; f++) {
		size_t removed = 0;
		CHECK(load(&b, with_store[f]) == 0);
		CHECK(read_store(&c, b.ptr, b.len) == 0);
		buf_clear(&bare);
		CHECK(jpeg_c2pa_write(&bare, &ex, (uint8_t *)b.ptr, b.len, NULL,
				      0) == 0);
		CHECK(ex.length == 0 && ex.start == 20);
		/* the store was contiguous from offset 20 */
		for (size_t k = 0; k < c.nseg; k++)
			removed +=
				(size_t)((uint8_t)b.ptr[20 + removed + 2] << 8 |
					 (uint8_t)b.ptr[20 + removed + 3]) +
				2;
		CHECK(bare.len == b.len - removed);
		CHECK(!memcmp(bare.ptr, b.ptr, 20));
		CHECK(!memcmp(bare.ptr + 20, b.ptr + 20 + removed,
			      bare.len - 20));
		CHECK(read_store(&c2, bare.ptr, bare.len) == PROV_ENOTFOUND);
		jpeg_c2pa_release(&c2);

		/* into the bare file: after APP0, the rest untouched */
		buf_clear(&out);
		CHECK(jpeg_c2pa_write(&out, &ex, (uint8_t *)bare.ptr, bare.len,
				      (uint8_t *)c.jumbf.ptr,
				      c.jumbf.len) == 0);
		CHECK(ex.start == 20 && ex.length == out.len - bare.len);
		CHECK(!memcmp(out.ptr, bare.ptr, ex.start));
		CHECK(!memcmp(out.ptr + ex.start + ex.length,
			      bare.ptr + ex.start, bare.len - ex.start));
		CHECK(read_store(&c2, out.ptr, out.len) == 0);
		CHECK(c2.jumbf.len == c.jumbf.len &&
		      !memcmp(c2.jumbf.ptr, c.jumbf.ptr, c.jumbf.len));
		/* one segment's worth: the same bytes c2pa-rs wrote */
		if (c.nseg == 1)
			CHECK(out.len == b.len &&
			      !memcmp(out.ptr, b.ptr, b.len));
		jpeg_c2pa_release(&c2);

		/* replacing a store in place gives the same file */
		buf_clear(&bare);
		CHECK(jpeg_c2pa_write(&bare, &ex, (uint8_t *)b.ptr, b.len,
				      (uint8_t *)c.jumbf.ptr,
				      c.jumbf.len) == 0);
		CHECK(bare.len == out.len &&
		      !memcmp(bare.ptr, out.ptr, out.len));
		jpeg_c2pa_release(&c);
	}
	buf_release(&b);
	buf_release(&bare);
	buf_release(&out);
}

/* A minimal JPEG: SOI, APP0, a fill byte, DQT, SOS, one byte, EOI. */
static const uint8_t tiny[] = {
	0xff, 0xd8, 0xff, 0xe0, 0x00, 0x04, 'J',  'F',	0xff, 0xff, 0xdb,
	0x00, 0x03, 0x01, 0xff, 0xda, 0x00, 0x02, 0x55, 0xff, 0xd9,
};

/* A store over three segments, and a 16-byte extended header. */
static void large_store(void)
{
	struct buf j = BUF_INIT, out = BUF_INIT;
	struct c2pa_exclusion ex;
	struct jpeg_segments s;
	struct jpeg_c2pa c;
	uint8_t uuid[16];
	size_t mark;

	jumbf_uuid(uuid, "c2pa");
	CHECK(jumbf_super_begin(&j, &mark, uuid, "c2pa") == 0);
	for (int i = 0; i < 3000; i++)
		CHECK(jumbf_put_box(&j, "json",
				    "0123456789abcdef0123456789abcdef"
				    "0123456789abcdef",
				    48) == 0);
	CHECK(jumbf_super_end(&j, mark) == 0);
	CHECK(j.len > 2 * JPEG_PAYLOAD_MAX);
	CHECK(jpeg_c2pa_write(&out, &ex, tiny, sizeof(tiny), (uint8_t *)j.ptr,
			      j.len) == 0);
	CHECK(ex.start == 8 && out.len == sizeof(tiny) + ex.length);
	CHECK(jpeg_segments_parse(&s, (uint8_t *)out.ptr, out.len) == 0);
	CHECK(s.n == 7 && s.v[2].marker == JPEG_APP11 &&
	      s.v[2].size == 4 + JPEG_PAYLOAD_MAX);
	CHECK(jpeg_c2pa_read(&c, &s, (uint8_t *)out.ptr, out.len) == 0);
	CHECK(c.nseg == 3 && c.instance == 0x0211);
	CHECK(c.jumbf.len == j.len && !memcmp(c.jumbf.ptr, j.ptr, j.len));
	jpeg_c2pa_release(&c);
	jpeg_segments_release(&s);
	buf_release(&j);
	buf_release(&out);
}

/* f(data) fails PROV_EINVALID with "offset <at>" in the message. */
static int bad_jpeg(const void *data, size_t n, size_t at)
{
	struct jpeg_c2pa c;
	char want[64];
	int rc = read_store(&c, data, n);

	jpeg_c2pa_release(&c);
	snprintf(want, sizeof(want), "offset %zu", at);
	return rc == PROV_EINVALID && strstr(prov_error_last(), want);
}

static int bad_jumbf(const void *data, size_t n, size_t at)
{
	struct jumbf j;
	char want[64];
	int rc = jumbf_parse(&j, data, n);

	jumbf_release(&j);
	snprintf(want, sizeof(want), "offset %zu", at);
	return rc == PROV_EINVALID && strstr(prov_error_last(), want);
}

/* An APP11 C2PA packet with sequence number z holding body. */
static void packet(struct buf *b, uint32_t z, const void *body, size_t n)
{
	uint8_t h[12] = {0xff,
			 0xeb,
			 (uint8_t)((n + 10) >> 8),
			 (uint8_t)(n + 10),
			 'J',
			 'P',
			 0x02,
			 0x11,
			 (uint8_t)(z >> 24),
			 (uint8_t)(z >> 16),
			 (uint8_t)(z >> 8),
			 (uint8_t)z};
	buf_put(b, h, sizeof(h));
	buf_put(b, body, n);
}

static void malformed(void)
{
	static const uint8_t cut_len[] = {0xff, 0xd8, 0xff, 0xe0, 0x00};
	static const uint8_t past[] = {0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10, 1};
	static const uint8_t no_sos[] = {0xff, 0xd8, 0xff, 0xe0, 0x00, 0x02};
	static const uint8_t short_lbox[] = {0, 0, 0, 4, 'j', 's', 'o', 'n'};
	static const uint8_t long_lbox[] = {0, 0, 0, 9, 'j', 's', 'o', 'n'};
	static const uint8_t xl[] = {0, 0, 0, 1, 'j', 's', 'o', 'n', 0, 0, 0};
	static const uint8_t two[] = {0,   0, 0, 8, 'j', 's', 'o',
				      'n', 0, 0, 0, 1,	 'j'};
	struct buf j = BUF_INIT, f = BUF_INIT, store = BUF_INIT;
	struct jpeg_c2pa c;
	uint8_t uuid[16];
	size_t mark;

	CHECK(bad_jpeg("\xff", 1, 0));
	CHECK(bad_jpeg(cut_len, sizeof(cut_len), 2));
	CHECK(bad_jpeg(past, sizeof(past), 2));
	CHECK(bad_jpeg(no_sos, sizeof(no_sos), 6));
	CHECK(bad_jpeg("\xff\xd8\x00", 3, 2));
	CHECK(bad_jumbf(short_lbox, sizeof(short_lbox), 0));
	CHECK(bad_jumbf(long_lbox, sizeof(long_lbox), 0));
	CHECK(bad_jumbf(xl, sizeof(xl), 0));
	CHECK(bad_jumbf(two, sizeof(two), 8));

	/* a superbox without its jumd, and a label without its NUL */
	jumbf_uuid(uuid, "c2pa");
	CHECK(jumbf_super_begin(&j, &mark, uuid, "c2pa") == 0);
	CHECK(jumbf_put_box(&j, "json", "{}", 2) == 0);
	CHECK(jumbf_super_end(&j, mark) == 0);
	{
		struct jumbf ok;
		int rc = jumbf_parse(&ok, (uint8_t *)j.ptr, j.len);
		jumbf_release(&ok);
		CHECK(rc == 0);
	}
	memcpy(j.ptr + 12, "jumx", 4);
	CHECK(bad_jumbf(j.ptr, j.len, 8));
	memcpy(j.ptr + 12, "jumd", 4);
	j.ptr[37] = 'x'; /* the label's NUL */
	CHECK(bad_jumbf(j.ptr, j.len, 33));
	j.ptr[37] = '\0';

	/* packets 1 and 3: a gap; packet 1 twice: a duplicate */
	buf_put(&f, tiny, 2);
	packet(&f, 1, j.ptr, 40);
	packet(&f, 3, j.ptr, 20);
	buf_put(&f, tiny + 2, sizeof(tiny) - 2);
	CHECK(bad_jpeg(f.ptr, f.len, 2 + 12 + 40));
	buf_clear(&f);
	buf_put(&f, tiny, 2);
	packet(&f, 1, j.ptr, 40);
	buf_put(&store, j.ptr, 8);
	buf_put(&store, j.ptr + 40, j.len - 40);
	packet(&f, 1, store.ptr, store.len);
	buf_put(&f, tiny + 2, sizeof(tiny) - 2);
	CHECK(bad_jpeg(f.ptr, f.len, 2 + 12 + 40));
	/* the right packet 2: the store reads back */
	f.ptr[2 + 12 + 40 + 11] = 2;
	CHECK(read_store(&c, f.ptr, f.len) == 0);
	CHECK(c.jumbf.len == j.len && !memcmp(c.jumbf.ptr, j.ptr, j.len));
	jpeg_c2pa_release(&c);
	/* a repeated header that differs, and a store cut short */
	f.ptr[2 + 12 + 40 + 12 + 3] ^= 1;
	CHECK(bad_jpeg(f.ptr, f.len, 2 + 12 + 40));
	f.ptr[2 + 12 + 40 + 12 + 3] ^= 1;
	buf_clear(&f);
	buf_put(&f, tiny, 2);
	packet(&f, 1, j.ptr, 40);
	buf_put(&f, tiny + 2, sizeof(tiny) - 2);
	CHECK(bad_jpeg(f.ptr, f.len, 2));
	buf_release(&j);
	buf_release(&f);
	buf_release(&store);
}

int main(void)
{
	if (core_init())
		return 1;
	RUN(fixtures);
	RUN(jumbf_round_trip);
	RUN(remove_insert);
	RUN(large_store);
	RUN(malformed);
	return unit_done();
}
