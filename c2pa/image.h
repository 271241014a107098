/*
 * Private to c2pa/image.c and c2pa/fingerprint.c: decoding a JPEG to RGB
 * pixels at a reduced scale.
 */
#ifndef PROV_C2PA_IMAGE_H
#define PROV_C2PA_IMAGE_H

#include "c2pa/c2pa.h"

/* Hostile headers: refuse before libjpeg allocates anything. 65500 is
 * the JPEG limit; 50 megapixels keeps a progressive decode's coefficient
 * buffers (2 bytes per sample, kept for the whole image) near 300 MiB. */
#define IMAGE_SIDE_MAX	 65500u
#define IMAGE_PIXELS_MAX (50u * 1000 * 1000)
/* libjpeg's own allocations beyond this fail (there is no backing store). */
#define IMAGE_MEMORY_MAX (512ul * 1024 * 1024)
/* Progressive files can hold any number of scans; real ones have ~10. */
#define IMAGE_SCANS_MAX 1000

/* Decoded pixels, RGB, 3 bytes each, rows top to bottom. */
struct image {
	uint8_t *px;
	unsigned w, h;		 /* of px */
	unsigned orig_w, orig_h; /* as the file declares them */
};

/* Decodes data at the smallest libjpeg scale (1/8 .. 8/8) at which the
 * shorter side stays >= min_short and the longer >= min_long (or at 8/8
 * when none does). PROV_EINVALID "JPEG: ..." with libjpeg's reason, or
 * naming the bound a header exceeds. Release out with image_release, also
 * after a failure. */
int image_decode(struct image *out, const uint8_t *data, size_t n,
		 unsigned min_short, unsigned min_long);
void image_release(struct image *im);

/* Area-averaging (box filter) resize of src (chans bytes per pixel) to
 * dw x dh, both >= 1. dst holds dw * dh * chans bytes. */
void image_resize(uint8_t *dst, unsigned dw, unsigned dh, const uint8_t *src,
		  unsigned sw, unsigned sh, unsigned chans);

#endif
