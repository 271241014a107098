/* JPEG decoding and thumbnails (c2pa/image.c): pictures made here with
 * libjpeg directly in each kind a decoder must read, bad inputs, and
 * thumbnails' exact sizes. */
#include "c2pa/image.h"
#include "images.h"
#include "unit.h"

/* Mean absolute difference of two RGB pictures of one size. */
static double mad(const uint8_t *a, const uint8_t *b, size_t npx)
{
	double sum = 0;

	for (size_t i = 0; i < 3 * npx; i++)
		sum += abs((int)a[i] - (int)b[i]);
	return sum / (3.0 * npx);
}

static int has_marker(const struct buf *b, uint8_t m)
{
	for (size_t i = 0; i + 1 < b->len; i++)
		if ((uint8_t)b->ptr[i] == 0xff && (uint8_t)b->ptr[i + 1] == m)
			return 1;
	return 0;
}

static void baseline_and_progressive(void)
{
	struct img src = {0};
	struct buf base = BUF_INIT, prog = BUF_INIT;
	struct image a = {0}, b = {0};
	struct fingerprint fa, fb;

	img_synth(&src, 7, 320, 240);
	img_encode(&base, &src, JCS_RGB, 95, 0);
	img_encode(&prog, &src, JCS_RGB, 95, 1);
	CHECK(has_marker(&base, 0xc0) && !has_marker(&base, 0xc2));
	CHECK(has_marker(&prog, 0xc2)); /* SOF2: progressive */
	CHECK(image_decode(&a, (uint8_t *)base.ptr, base.len, 0, 65535) == 0);
	CHECK(image_decode(&b, (uint8_t *)prog.ptr, prog.len, 0, 65535) == 0);
	CHECK(a.w == 320 && a.h == 240 && b.w == 320 && b.h == 240);
	CHECK(mad(a.px, src.px, 320 * 240) < 3);
	CHECK(mad(b.px, src.px, 320 * 240) < 3);
	CHECK(fingerprint_jpeg(&fa, (uint8_t *)base.ptr, base.len) == 0);
	CHECK(fingerprint_jpeg(&fb, (uint8_t *)prog.ptr, prog.len) == 0);
	CHECK(fingerprint_near(&fa, &fb));
	image_release(&a);
	image_release(&b);
	img_free(&src);
	buf_release(&base);
	buf_release(&prog);
}

/* The smallest libjpeg scale that keeps what is asked for. */
static void scaled_decode(void)
{
	struct img src = {0};
	struct buf j = BUF_INIT;
	struct image im = {0};

	img_synth(&src, 3, 800, 600);
	img_encode(&j, &src, JCS_RGB, 75, 0);
	CHECK(image_decode(&im, (uint8_t *)j.ptr, j.len, 0, 256) == 0);
	CHECK(im.w == 300 && im.h == 225); /* 3/8; 2/8 gives 200 < 256 */
	CHECK(im.orig_w == 800 && im.orig_h == 600);
	image_release(&im);
	CHECK(image_decode(&im, (uint8_t *)j.ptr, j.len, 64, 0) == 0);
	CHECK(im.w == 100 && im.h == 75); /* 1/8 */
	image_release(&im);
	CHECK(image_decode(&im, (uint8_t *)j.ptr, j.len, 0, 2000) == 0);
	CHECK(im.w == 800 && im.h == 600); /* never larger than 8/8 */
	image_release(&im);
	img_free(&src);
	buf_release(&j);
}

/* Adobe CMYK (inverted: 255 is no ink), as libjpeg writes it with its
 * Adobe marker: red on the left, blue on the right, 50% gray below. */
static void cmyk(void)
{
	struct img src = {0};
	struct buf j = BUF_INIT;
	struct image im = {0};
	static const uint8_t red[4] = {255, 0, 0, 255};
	static const uint8_t blue[4] = {0, 0, 255, 255};
	static const uint8_t gray[4] = {255, 255, 255, 128};

	img_alloc(&src, 64, 64, 4);
	for (unsigned y = 0; y < 64; y++)
		for (unsigned x = 0; x < 64; x++)
			memcpy(src.px + 4 * (y * 64 + x),
			       y >= 32	? gray
			       : x < 32 ? red
					: blue,
			       4);
	img_encode(&j, &src, JCS_CMYK, 95, 0);
	CHECK(has_marker(&j, 0xee)); /* APP14 Adobe */
	CHECK(image_decode(&im, (uint8_t *)j.ptr, j.len, 0, 65535) == 0);
	CHECK(im.w == 64 && im.h == 64);
#define NEAR3(p, r, g, b)                                                      \
	(abs((p)[0] - (r)) <= 6 && abs((p)[1] - (g)) <= 6 &&                   \
	 abs((p)[2] - (b)) <= 6)
	CHECK(NEAR3(im.px + 3 * (10 * 64 + 10), 255, 0, 0));
	CHECK(NEAR3(im.px + 3 * (10 * 64 + 50), 0, 0, 255));
	CHECK(NEAR3(im.px + 3 * (50 * 64 + 30), 128, 128, 128));
	image_release(&im);
	/* thumbnails and fingerprints of CMYK files work */
	buf_clear(&j);
	img_encode(&j, &src, JCS_CMYK, 95, 1);
	{
		struct buf t = BUF_INIT;
		struct img back = {0};
		struct fingerprint f;

		CHECK(image_thumbnail(&t, (uint8_t *)j.ptr, j.len, 16) == 0);
		CHECK(img_decode(&back, t.ptr, t.len) == 0);
		CHECK(back.w == 16 && back.h == 16 && back.comps == 3);
		/* red through a quality-80 4:2:0 encode */
		CHECK(back.px[3 * (2 * 16 + 2)] >= 240 &&
		      back.px[3 * (2 * 16 + 2) + 1] <= 16 &&
		      back.px[3 * (2 * 16 + 2) + 2] <= 16);
		CHECK(fingerprint_jpeg(&f, (uint8_t *)j.ptr, j.len) == 0);
		img_free(&back);
		buf_release(&t);
	}
	img_free(&src);
	buf_release(&j);
}

static void grayscale(void)
{
	struct img src = {0};
	struct buf j = BUF_INIT;
	struct image im = {0};

	img_alloc(&src, 100, 50, 1);
	for (unsigned y = 0; y < 50; y++)
		for (unsigned x = 0; x < 100; x++)
			src.px[y * 100 + x] = (uint8_t)(x * 255 / 99);
	img_encode(&j, &src, JCS_GRAYSCALE, 95, 0);
	CHECK(image_decode(&im, (uint8_t *)j.ptr, j.len, 0, 65535) == 0);
	CHECK(im.w == 100 && im.h == 50);
	for (unsigned x = 0; x < 100; x += 9) {
		const uint8_t *p = im.px + 3 * (25 * 100 + x);

		CHECK(p[0] == p[1] && p[1] == p[2]);
		CHECK(abs(p[0] - (int)(x * 255 / 99)) <= 4);
	}
	image_release(&im);
	img_free(&src);
	buf_release(&j);
}

static void bad_input(void)
{
	struct img src = {0};
	struct buf j = BUF_INIT, t = BUF_INIT;
	struct image im = {0};
	struct fingerprint f;
	size_t sof;

	img_synth(&src, 5, 160, 120);
	img_encode(&j, &src, JCS_RGB, 90, 0);
	/* truncated: an error, not a picture with a gray bottom */
	CHECK(image_decode(&im, (uint8_t *)j.ptr, j.len / 2, 0, 0) ==
	      PROV_EINVALID);
	CHECK_STR(prov_error_last(), "JPEG: Premature end of JPEG file");
	CHECK(im.px == NULL);
	CHECK(image_thumbnail(&t, (uint8_t *)j.ptr, j.len / 2, 64) ==
	      PROV_EINVALID);
	CHECK(t.len == 0);
	/* not a JPEG; nothing at all */
	CHECK(fingerprint_jpeg(&f, (const uint8_t *)"hello", 5) ==
	      PROV_EINVALID);
	CHECK_STR(prov_error_last(),
		  "JPEG: Not a JPEG file: starts with 0x68 0x65");
	CHECK(fingerprint_jpeg(&f, (const uint8_t *)"", 0) == PROV_EINVALID);
	CHECK(!strncmp(prov_error_last(), "JPEG: ", 6));
	/* a header declaring 60000x60000: refused before any allocation */
	for (sof = 2; sof + 9 < j.len; sof++)
		if ((uint8_t)j.ptr[sof] == 0xff &&
		    (uint8_t)j.ptr[sof + 1] == 0xc0)
			break;
	CHECK(sof + 9 < j.len);
	memcpy(j.ptr + sof + 5, "\xea\x60\xea\x60", 4);
	CHECK(image_decode(&im, (uint8_t *)j.ptr, j.len, 0, 0) ==
	      PROV_EINVALID);
	CHECK_STR(prov_error_last(),
		  "JPEG: 60000x60000 is over the bound of 50 megapixels");
	CHECK(image_thumbnail(&t, (uint8_t *)j.ptr, j.len, 0) == PROV_EINVALID);
	img_free(&src);
	buf_release(&j);
}

/* Thumbnails: the longer side max_side exactly (the shorter rounded), a
 * baseline YCbCr JPEG; smaller pictures keep their size. */
static void thumbnails(void)
{
	static const struct {
		unsigned w, h, max, tw, th;
	} cases[] = {
		{3000, 2000, 1024, 1024, 683}, /* 682.67 */
		{1000, 3000, 1024, 341, 1024}, /* 341.33 */
		{2048, 1024, 1024, 1024, 512}, {320, 240, 100, 100, 75},
		{640, 8, 64, 64, 1},	    /* 0.8 rounds to 1 */
		{300, 200, 1024, 300, 200}, /* kept */
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		struct img src = {0}, back = {0};
		struct buf j = BUF_INIT, t = BUF_INIT;

		img_synth(&src, (uint32_t)i, cases[i].w, cases[i].h);
		img_encode(&j, &src, JCS_RGB, 85, 1);
		CHECK(image_thumbnail(&t, (uint8_t *)j.ptr, j.len,
				      cases[i].max) == 0);
		CHECK(img_decode(&back, t.ptr, t.len) == 0);
		if (back.w != cases[i].tw || back.h != cases[i].th)
			fprintf(stderr, "# %ux%u -> %ux%u\n", cases[i].w,
				cases[i].h, back.w, back.h);
		CHECK(back.w == cases[i].tw && back.h == cases[i].th);
		CHECK(back.comps == 3);
		CHECK(has_marker(&t, 0xc0) && !has_marker(&t, 0xc2));
		img_free(&back);
		img_free(&src);
		buf_release(&j);
		buf_release(&t);
	}
}

static void mean_rgb(double out[3], const uint8_t *px, size_t npx)
{
	out[0] = out[1] = out[2] = 0;
	for (size_t i = 0; i < npx; i++)
		for (int c = 0; c < 3; c++)
			out[c] += px[3 * i + c] / (double)npx;
}

/* A thumbnail looks like its picture: against an exact 16:1 box
 * reduction made here (libjpeg's 1/8 scale, then our 2:1 box), and, for a
 * ratio that is not whole (3/8 scale, then 375 -> 300), the same mean
 * colour. */
static void thumbnail_pixels(void)
{
	struct img src = {0}, a = {0}, b = {0}, back = {0};
	struct buf j = BUF_INIT, t = BUF_INIT;
	double m0[3], m1[3];

	img_synth(&src, 11, 1280, 960);
	img_encode(&j, &src, JCS_RGB, 95, 0);
	CHECK(image_thumbnail(&t, (uint8_t *)j.ptr, j.len, 80) == 0);
	CHECK(img_decode(&back, t.ptr, t.len) == 0);
	CHECK(back.w == 80 && back.h == 60);
	img_half(&a, &src);
	for (int k = 0; k < 3; k++) {
		img_half(&b, &a);
		img_free(&a);
		a = b;
	}
	CHECK(a.w == 80 && a.h == 60);
	CHECK(mad(back.px, a.px, 80 * 60) < 6);
	img_free(&a);
	img_free(&back);
	img_free(&src);
	buf_clear(&t);
	img_synth(&src, 12, 1000, 750);
	img_encode(&j, &src, JCS_RGB, 95, 0);
	CHECK(image_thumbnail(&t, (uint8_t *)j.ptr, j.len, 300) == 0);
	CHECK(img_decode(&back, t.ptr, t.len) == 0);
	CHECK(back.w == 300 && back.h == 225);
	mean_rgb(m0, src.px, 1000 * 750);
	mean_rgb(m1, back.px, 300 * 225);
	for (int c = 0; c < 3; c++)
		CHECK(m1[c] > m0[c] - 2 && m1[c] < m0[c] + 2);
	img_free(&src);
	img_free(&back);
	buf_release(&j);
	buf_release(&t);
}

int main(void)
{
	if (core_init())
		return 1;
	RUN(baseline_and_progressive);
	RUN(scaled_decode);
	RUN(cmyk);
	RUN(grayscale);
	RUN(bad_input);
	RUN(thumbnails);
	RUN(thumbnail_pixels);
	return unit_done();
}
