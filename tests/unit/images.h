/* Test images for tests/unit/c2pa_*.c: synthetic pictures and JPEG
 * encoding with libjpeg directly (not through the code under test). */
#ifndef UNIT_IMAGES_H
#define UNIT_IMAGES_H

#include <math.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "c2pa/c2pa.h"
#undef JPEG_EOI
#undef JPEG_APP0
#include <jpeglib.h>

struct img {
	uint8_t *px; /* comps bytes per pixel */
	unsigned w, h, comps;
};

static __attribute__((unused)) uint32_t rng_next(uint32_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 17;
	*s ^= *s << 5;
	return *s;
}

static __attribute__((unused)) double rng_unit(uint32_t *s)
{
	return (rng_next(s) >> 8) / 16777216.0;
}

static __attribute__((unused)) void img_alloc(struct img *im, unsigned w,
					      unsigned h, unsigned comps)
{
	im->w = w, im->h = h, im->comps = comps;
	im->px = xcalloc((size_t)w * h, comps);
}

/* Picture number seed: a gradient at a random angle, 3 to 7 filled
 * circles, rectangles and ellipses, and a patch of stripes or checks. */
static __attribute__((unused)) void img_synth(struct img *im, uint32_t seed,
					      unsigned w, unsigned h)
{
	uint32_t s = seed * 2654435761u + 12345;
	double ang, ca, sa, c0[3], c1[3];
	unsigned nshapes;

	for (int i = 0; i < 4; i++)
		rng_next(&s);
	img_alloc(im, w, h, 3);
	ang = rng_unit(&s) * 2 * M_PI, ca = cos(ang), sa = sin(ang);
	for (int c = 0; c < 3; c++)
		c0[c] = rng_unit(&s) * 255, c1[c] = rng_unit(&s) * 255;
	for (unsigned y = 0; y < h; y++)
		for (unsigned x = 0; x < w; x++) {
			double t = ((x / (double)w - 0.5) * ca +
				    (y / (double)h - 0.5) * sa) /
					   1.42 +
				   0.5;

			for (int c = 0; c < 3; c++)
				im->px[3 * ((size_t)y * w + x) + c] =
					(uint8_t)(c0[c] + (c1[c] - c0[c]) * t);
		}
	nshapes = 3 + rng_next(&s) % 5;
	for (unsigned k = 0; k <= nshapes; k++) {
		unsigned kind =
			k == nshapes ? 3 + rng_next(&s) % 2 : rng_next(&s) % 3;
		double cx = rng_unit(&s) * w, cy = rng_unit(&s) * h;
		double rx = (0.08 + rng_unit(&s) * 0.25) * w;
		double ry = (0.08 + rng_unit(&s) * 0.25) * h;
		double f = 4 + rng_unit(&s) * 20, fa = rng_unit(&s) * M_PI;
		uint8_t col[3], col2[3];

		if (kind == 1)
			ry = rx * h / w; /* a circle */
		for (int c = 0; c < 3; c++)
			col[c] = (uint8_t)(rng_next(&s) & 255),
			col2[c] = (uint8_t)(rng_next(&s) & 255);
		for (unsigned y = 0; y < h; y++)
			for (unsigned x = 0; x < w; x++) {
				double dx = (x - cx) / rx, dy = (y - cy) / ry;
				int in =
					kind == 0 || kind >= 3
						? fabs(dx) <= 1 && fabs(dy) <= 1
						: dx * dx + dy * dy <= 1;
				const uint8_t *p = col;

				if (!in)
					continue;
				if (kind == 3 &&
				    sin((dx * cos(fa) + dy * sin(fa)) * f) < 0)
					p = col2; /* stripes */
				if (kind == 4 &&
				    ((int)floor((dx + 1) * f / 2) +
				     (int)floor((dy + 1) * f / 2)) %
					    2)
					p = col2; /* checks */
				memcpy(im->px + 3 * ((size_t)y * w + x), p, 3);
			}
	}
}

/* The rectangle (x0, y0, w, h) of src. */
static __attribute__((unused)) void img_crop(struct img *out,
					     const struct img *src, unsigned x0,
					     unsigned y0, unsigned w,
					     unsigned h)
{
	img_alloc(out, w, h, src->comps);
	for (unsigned y = 0; y < h; y++)
		memcpy(out->px + (size_t)y * w * src->comps,
		       src->px + ((size_t)(y0 + y) * src->w + x0) * src->comps,
		       (size_t)w * src->comps);
}

/* Half the size: each pixel the mean of a 2x2 block. */
static __attribute__((unused)) void img_half(struct img *out,
					     const struct img *src)
{
	unsigned c = src->comps;

	img_alloc(out, src->w / 2, src->h / 2, c);
	for (unsigned y = 0; y < out->h; y++)
		for (unsigned x = 0; x < out->w; x++)
			for (unsigned k = 0; k < c; k++) {
				const uint8_t *p =
					src->px +
					((size_t)2 * y * src->w + 2 * x) * c +
					k;
				unsigned sum = p[0] + p[c] +
					       p[(size_t)src->w * c] +
					       p[(size_t)src->w * c + c];

				out->px[((size_t)y * out->w + x) * c + k] =
					(uint8_t)((sum + 2) / 4);
			}
}

static __attribute__((unused)) void img_free(struct img *im)
{
	free(im->px);
	im->px = NULL;
}

/* Encodes im as a JPEG: cs is the color space of its samples (JCS_RGB,
 * JCS_GRAYSCALE or JCS_CMYK); progressive via jpeg_simple_progression. */
static __attribute__((unused)) void img_encode(struct buf *out,
					       const struct img *im,
					       J_COLOR_SPACE cs, int quality,
					       int progressive)
{
	struct jpeg_compress_struct ci;
	struct jpeg_error_mgr err;
	unsigned char *mem = NULL;
	unsigned long len = 0;

	ci.err = jpeg_std_error(&err);
	jpeg_create_compress(&ci);
	jpeg_mem_dest(&ci, &mem, &len);
	ci.image_width = im->w;
	ci.image_height = im->h;
	ci.input_components = (int)im->comps;
	ci.in_color_space = cs;
	jpeg_set_defaults(&ci);
	jpeg_set_quality(&ci, quality, TRUE);
	if (progressive)
		jpeg_simple_progression(&ci);
	jpeg_start_compress(&ci, TRUE);
	while (ci.next_scanline < im->h) {
		JSAMPROW row =
			im->px + (size_t)ci.next_scanline * im->w * im->comps;

		jpeg_write_scanlines(&ci, &row, 1);
	}
	jpeg_finish_compress(&ci);
	jpeg_destroy_compress(&ci);
	buf_clear(out);
	buf_put(out, mem, len);
	free(mem);
}

/* Decodes data with libjpeg's defaults (for checking our output). */
static __attribute__((unused)) int img_decode(struct img *out, const void *data,
					      size_t n)
{
	struct jpeg_decompress_struct ci;
	struct jpeg_error_mgr err;

	ci.err = jpeg_std_error(&err);
	jpeg_create_decompress(&ci);
	jpeg_mem_src(&ci, data, n);
	if (jpeg_read_header(&ci, TRUE) != JPEG_HEADER_OK) {
		jpeg_destroy_decompress(&ci);
		return -1;
	}
	jpeg_start_decompress(&ci);
	img_alloc(out, ci.output_width, ci.output_height,
		  (unsigned)ci.output_components);
	while (ci.output_scanline < ci.output_height) {
		JSAMPROW row = out->px +
			       (size_t)ci.output_scanline * out->w * out->comps;

		jpeg_read_scanlines(&ci, &row, 1);
	}
	jpeg_finish_decompress(&ci);
	jpeg_destroy_decompress(&ci);
	return 0;
}

#endif
