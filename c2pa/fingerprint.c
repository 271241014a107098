/*
 * Perceptual fingerprints of JPEG images: "dct48", the 7x7 lowest 2-D DCT
 * frequencies of a 32x32 grayscale reduction, one bit for each of the 48
 * that are not the mean (DC): whether it is above the median of the 49
 * (the construction pHash popularised, with 8x8). Low frequencies are the
 * overall layout of light and dark, which JPEG re-encoding and resizing
 * barely move; the median makes the bits independent of brightness and
 * contrast. 7x7 and not 8x8: a 5% crop moves the 8th frequency by a third
 * of a cycle and flips too many bits (docs/fingerprint.md measures it).
 */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "c2pa/image.h"

#define SIDE 32 /* the reduction */
#define LOW  7	/* LOW x LOW coefficients: the DC and FINGERPRINT_BITS */
#define ALG  "dct48"
_Static_assert(LOW *LOW - 1 == FINGERPRINT_BITS, "one bit per AC coefficient");

static int cmp_float(const void *a, const void *b)
{
	float x = *(const float *)a, y = *(const float *)b;

	return (x > y) - (x < y);
}

static void hash_gray(struct fingerprint *out, const uint8_t *g)
{
	/* Made per call (224 cosines, nothing beside a decode): callers
	 * fingerprint from several threads at once. */
	double cosv[LOW][SIDE], rows[SIDE][LOW];
	float coef[LOW * LOW], sorted[LOW * LOW], median;

	for (int u = 0; u < LOW; u++)
		for (int x = 0; x < SIDE; x++)
			cosv[u][x] = cos((2 * x + 1) * u * M_PI / (2 * SIDE));
	for (int y = 0; y < SIDE; y++)
		for (int u = 0; u < LOW; u++) {
			double acc = 0;

			for (int x = 0; x < SIDE; x++)
				acc += g[y * SIDE + x] * cosv[u][x];
			rows[y][u] = acc;
		}
	for (int v = 0; v < LOW; v++)
		for (int u = 0; u < LOW; u++) {
			double acc = 0;

			for (int y = 0; y < SIDE; y++)
				acc += rows[y][u] * cosv[v][y];
			coef[v * LOW + u] = (float)acc;
		}
	memcpy(sorted, coef, sizeof sorted);
	qsort(sorted, LOW * LOW, sizeof *sorted, cmp_float);
	median = sorted[LOW * LOW / 2]; /* LOW * LOW is odd */
	memset(out, 0, sizeof *out);
	for (int i = 1; i < LOW * LOW; i++)
		if (coef[i] > median)
			out->v[(i - 1) / 8] |= (uint8_t)(0x80 >> ((i - 1) % 8));
}

int fingerprint_jpeg(struct fingerprint *out, const uint8_t *data, size_t n)
{
	struct image im = {0};
	uint8_t *gray = NULL, small[SIDE * SIDE];
	size_t npx;
	int ret;

	memset(out, 0, sizeof *out);
	ret = image_decode(&im, data, n, 2 * SIDE, 0);
	if (ret)
		goto done;
	npx = (size_t)im.w * im.h;
	gray = xmalloc(npx);
	for (size_t i = 0; i < npx; i++) {
		const uint8_t *p = im.px + 3 * i;

		gray[i] =
			(uint8_t)((299 * p[0] + 587 * p[1] + 114 * p[2] + 500) /
				  1000);
	}
	image_resize(small, SIDE, SIDE, gray, im.w, im.h, 1);
	hash_gray(out, small);
done:
	free(gray);
	image_release(&im);
	return ret;
}

unsigned fingerprint_distance(const struct fingerprint *a,
			      const struct fingerprint *b)
{
	unsigned d = 0;

	for (size_t i = 0; i < sizeof a->v; i++)
		d += (unsigned)__builtin_popcount(a->v[i] ^ b->v[i]);
	return d;
}

int fingerprint_near(const struct fingerprint *a, const struct fingerprint *b)
{
	return fingerprint_distance(a, b) <= FINGERPRINT_NEAR;
}

int fingerprint_format(struct buf *out, const struct fingerprint *f)
{
	char hex[2 * sizeof f->v + 1];

	hex_encode(hex, f->v, sizeof f->v);
	return buf_printf(out, ALG ":%s", hex);
}

int fingerprint_parse(struct fingerprint *out, const char *s)
{
	size_t pre = strlen(ALG ":");

	memset(out, 0, sizeof *out);
	if (strncmp(s, ALG ":", pre) != 0 ||
	    strlen(s + pre) != 2 * sizeof out->v ||
	    hex_decode(out->v, sizeof out->v, s + pre, 2 * sizeof out->v))
		return prov_error_set(PROV_EINVALID,
				      "fingerprint \"%.40s\": not " ALG
				      ":<%zu hex digits>",
				      s, 2 * sizeof out->v);
	return 0;
}
