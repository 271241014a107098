/*
 * Decoding JPEGs (libjpeg-turbo's libjpeg API) for claim thumbnails and
 * fingerprints. libjpeg reports errors through error_exit, which must not
 * return: ours longjmps back into the function that called libjpeg, which
 * turns the message into a PROV_EINVALID once. Warnings are not printed;
 * the one that means the data ended early is an error (a truncated file
 * would otherwise decode to gray).
 */
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "c2pa/image.h"

/* c2pa.h names the markers it walks; jpeglib.h spells two of them its way. */
#undef JPEG_EOI
#undef JPEG_APP0
#include <jerror.h>
#include <jpeglib.h>

struct jerr {
	struct jpeg_error_mgr pub; /* first: libjpeg hands us &pub */
	jmp_buf jb;
	char msg[JMSG_LENGTH_MAX + 64];
};

static void on_error(j_common_ptr c)
{
	struct jerr *e = (struct jerr *)c->err;

	e->pub.format_message(c, e->msg);
	longjmp(e->jb, 1);
}

static void on_message(j_common_ptr c, int level)
{
	if (level < 0 && c->err->msg_code == JWRN_JPEG_EOF)
		on_error(c);
}

static void on_progress(j_common_ptr c)
{
	struct jerr *e = (struct jerr *)c->err;

	if (c->is_decompressor &&
	    ((j_decompress_ptr)c)->input_scan_number > IMAGE_SCANS_MAX) {
		snprintf(e->msg, sizeof e->msg, "more than %d scans",
			 IMAGE_SCANS_MAX);
		longjmp(e->jb, 1);
	}
}

static void jerr_init(struct jerr *e)
{
	jpeg_std_error(&e->pub);
	e->pub.error_exit = on_error;
	e->pub.emit_message = on_message;
	e->msg[0] = 0;
}

void image_release(struct image *im)
{
	free(im->px);
	memset(im, 0, sizeof *im);
}

static uint8_t mul255(unsigned a, unsigned b)
{
	return (uint8_t)((a * b + 127) / 255);
}

int image_decode(struct image *out, const uint8_t *data, size_t n,
		 unsigned min_short, unsigned min_long)
{
	struct jpeg_decompress_struct cinfo;
	struct jpeg_progress_mgr prog;
	struct jerr err;
	uint8_t *volatile cmyk = NULL;
	volatile int created = 0;
	volatile int ret = 0;

	memset(out, 0, sizeof *out);
	memset(&cinfo, 0, sizeof cinfo);
	jerr_init(&err);
	cinfo.err = &err.pub;
	if (setjmp(err.jb)) {
		ret = prov_error_set(PROV_EINVALID, "JPEG: %s", err.msg);
		goto done;
	}
	jpeg_create_decompress(&cinfo);
	created = 1;
	cinfo.mem->max_memory_to_use = IMAGE_MEMORY_MAX;
	memset(&prog, 0, sizeof prog);
	prog.progress_monitor = on_progress;
	cinfo.progress = &prog;
	jpeg_mem_src(&cinfo, data, (unsigned long)n);
	jpeg_read_header(&cinfo, TRUE);

	out->orig_w = cinfo.image_width;
	out->orig_h = cinfo.image_height;
	if (cinfo.image_width > IMAGE_SIDE_MAX ||
	    cinfo.image_height > IMAGE_SIDE_MAX ||
	    (uint64_t)cinfo.image_width * cinfo.image_height >
		    IMAGE_PIXELS_MAX) {
		ret = prov_error_set(PROV_EINVALID,
				     "JPEG: %ux%u is over the bound of %u "
				     "megapixels",
				     cinfo.image_width, cinfo.image_height,
				     IMAGE_PIXELS_MAX / 1000000);
		goto done;
	}
	switch (cinfo.jpeg_color_space) {
	case JCS_GRAYSCALE:
	case JCS_YCbCr:
	case JCS_RGB: cinfo.out_color_space = JCS_RGB; break;
	case JCS_CMYK:
	case JCS_YCCK: cinfo.out_color_space = JCS_CMYK; break;
	default:
		ret = prov_error_set(PROV_EINVALID,
				     "JPEG: unsupported color space (%d "
				     "components)",
				     cinfo.num_components);
		goto done;
	}
	cinfo.scale_denom = 8;
	for (cinfo.scale_num = 1;; cinfo.scale_num++) {
		unsigned s, l;

		jpeg_calc_output_dimensions(&cinfo);
		s = cinfo.output_width < cinfo.output_height
			    ? cinfo.output_width
			    : cinfo.output_height;
		l = cinfo.output_width ^ cinfo.output_height ^ s;
		if (cinfo.scale_num == 8 || (s >= min_short && l >= min_long))
			break;
	}
	cinfo.dct_method = JDCT_ISLOW; /* the same pixels on every CPU */
	jpeg_start_decompress(&cinfo);

	out->w = cinfo.output_width;
	out->h = cinfo.output_height;
	out->px = xmalloc((size_t)out->w * out->h * 3);
	if (cinfo.out_color_space == JCS_CMYK)
		cmyk = xmalloc((size_t)out->w * 4);
	while (cinfo.output_scanline < cinfo.output_height) {
		uint8_t *row =
			out->px + (size_t)cinfo.output_scanline * out->w * 3;
		JSAMPROW rows[1] = {cmyk ? cmyk : row};

		jpeg_read_scanlines(&cinfo, rows, 1);
		if (!cmyk)
			continue;
		/* Adobe's files (and libjpeg's, which write its marker) hold
		 * inverted CMYK: 255 is no ink. */
		for (unsigned x = 0; x < out->w; x++) {
			unsigned c = cmyk[4 * x], m = cmyk[4 * x + 1],
				 y = cmyk[4 * x + 2], k = cmyk[4 * x + 3];

			if (!cinfo.saw_Adobe_marker) {
				c = 255 - c, m = 255 - m, y = 255 - y;
				k = 255 - k;
			}
			row[3 * x] = mul255(c, k);
			row[3 * x + 1] = mul255(m, k);
			row[3 * x + 2] = mul255(y, k);
		}
	}
	jpeg_finish_decompress(&cinfo);
done:
	if (created)
		jpeg_destroy_decompress(&cinfo);
	free(cmyk);
	if (ret)
		image_release(out);
	return ret;
}

/* One axis of the box filter: dst[i] averages src over
 * [i * sn / dn, (i + 1) * sn / dn), partly covered pixels weighted by
 * how much of them falls inside. */
static void resize_line(float *dst, unsigned dn, size_t dstep, const float *src,
			unsigned sn, size_t sstep)
{
	double scale = (double)sn / dn;

	for (unsigned i = 0; i < dn; i++) {
		double lo = i * scale, hi = (i + 1) * scale, acc = 0;
		unsigned a = (unsigned)lo;

		for (unsigned j = a; j < sn && j < hi; j++) {
			double l = j > lo ? j : lo;
			double h = j + 1 < hi ? j + 1 : hi;

			acc += (h - l) * src[j * sstep];
		}
		dst[i * dstep] = (float)(acc / scale);
	}
}

void image_resize(uint8_t *dst, unsigned dw, unsigned dh, const uint8_t *src,
		  unsigned sw, unsigned sh, unsigned chans)
{
	size_t row = (size_t)dw * chans;
	float *in = xmalloc(sizeof *in * (size_t)sw * chans);
	float *tmp = xmalloc(sizeof *tmp * row * sh);
	double *acc = xmalloc(sizeof *acc * row);
	double scale = (double)sh / dh;

	for (unsigned y = 0; y < sh; y++) {
		for (size_t i = 0; i < (size_t)sw * chans; i++)
			in[i] = src[(size_t)y * sw * chans + i];
		for (unsigned c = 0; c < chans; c++)
			resize_line(tmp + (size_t)y * row + c, dw, chans, in + c,
				    sw, chans);
	}
	/* The vertical pass as resize_line computes it, but a whole row at a
	 * time: walking columns of a 12-megapixel picture missed the cache
	 * on every pixel (half of a signature's time). */
	for (unsigned i = 0; i < dh; i++) {
		double lo = i * scale, hi = (i + 1) * scale;

		for (size_t x = 0; x < row; x++)
			acc[x] = 0;
		for (unsigned j = (unsigned)lo; j < sh && j < hi; j++) {
			double l = j > lo ? j : lo;
			double h = j + 1 < hi ? j + 1 : hi;
			const float *t = tmp + (size_t)j * row;

			for (size_t x = 0; x < row; x++)
				acc[x] += (h - l) * t[x];
		}
		for (size_t x = 0; x < row; x++) {
			float v = (float)(acc[x] / scale) + 0.5f;

			dst[(size_t)i * row + x] = v <= 0 ? 0
					   : v >= 255 ? 255
						      : (uint8_t)v;
		}
	}
	free(in);
	free(tmp);
	free(acc);
}

/* Encodes rgb (w x h) as a baseline YCbCr JPEG of quality 80. */
static int encode_jpeg(struct buf *out, const uint8_t *rgb, unsigned w,
		       unsigned h)
{
	struct jpeg_compress_struct cinfo;
	struct jerr err;
	unsigned char *volatile mem = NULL;
	unsigned long memlen = 0;
	volatile int created = 0;
	volatile int ret = 0;

	memset(&cinfo, 0, sizeof cinfo);
	jerr_init(&err);
	cinfo.err = &err.pub;
	if (setjmp(err.jb)) {
		ret = prov_error_set(PROV_EINVALID, "JPEG: %s", err.msg);
		goto done;
	}
	jpeg_create_compress(&cinfo);
	created = 1;
	{
		unsigned char *m = NULL;

		jpeg_mem_dest(&cinfo, &m, &memlen);
		cinfo.image_width = w;
		cinfo.image_height = h;
		cinfo.input_components = 3;
		cinfo.in_color_space = JCS_RGB;
		jpeg_set_defaults(&cinfo);
		jpeg_set_quality(&cinfo, 80, TRUE);
		cinfo.dct_method = JDCT_ISLOW;
		jpeg_start_compress(&cinfo, TRUE);
		while (cinfo.next_scanline < h) {
			JSAMPROW row[1] = {
				(JSAMPROW)(rgb + (size_t)cinfo.next_scanline *
							 w * 3)};

			jpeg_write_scanlines(&cinfo, row, 1);
		}
		jpeg_finish_compress(&cinfo);
		mem = m;
	}
	ret = buf_put(out, mem, memlen);
done:
	if (created)
		jpeg_destroy_compress(&cinfo);
	free(mem);
	return ret;
}

int image_thumbnail(struct buf *out, const uint8_t *data, size_t n,
		    unsigned max_side)
{
	struct image im = {0};
	uint8_t *small = NULL;
	unsigned tw, th;
	int ret;

	if (max_side == 0)
		return prov_error_set(PROV_EINVALID,
				      "thumbnail: a side of 0 pixels");
	ret = image_decode(&im, data, n, 0, max_side);
	if (ret)
		goto done;
	tw = im.w, th = im.h;
	if (tw > max_side || th > max_side) {
		/* From the declared size, so the aspect ratio is the file's
		 * and not that of libjpeg's rounded-up scaled size. */
		uint64_t ow = im.orig_w, oh = im.orig_h;

		if (ow >= oh) {
			tw = max_side;
			th = (unsigned)((oh * max_side + ow / 2) / ow);
		} else {
			th = max_side;
			tw = (unsigned)((ow * max_side + oh / 2) / oh);
		}
		tw = tw ? tw : 1;
		th = th ? th : 1;
		small = xmalloc((size_t)tw * th * 3);
		image_resize(small, tw, th, im.px, im.w, im.h, 3);
	}
	ret = encode_jpeg(out, small ? small : im.px, tw, th);
done:
	free(small);
	image_release(&im);
	return ret;
}
